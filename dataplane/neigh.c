/* SPDX-License-Identifier: BSD-3-Clause */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/queue.h>

#include <rte_ethdev.h>
#include <rte_malloc.h>
#include <rte_mbuf.h>

#include "clock.h"
#include "dp_priv.h"
#include "host.h"
#include "log.h"
#include "neigh.h"
#include "vc.h"

#define NEIGH_RETRY_MS	    1000  /* solicitation interval while unresolved */
#define NEIGH_FAST_TRIES    3	  /* then held packets are given up */
#define NEIGH_SLOW_RETRY_MS 5000  /* and we keep asking, less often */
#define NEIGH_REFRESH_MS    60000 /* re-ask a resolved neighbour */
#define NEIGH_DRAIN_MS	    1000  /* held packets the TX queue keeps refusing are dropped */

enum neigh_state {
	NEIGH_INCOMPLETE,
	NEIGH_REACHABLE,
	NEIGH_STATIC,
};

/* A held packet's owner: the worker that punted it, or the control
 * thread for a message it built itself (no worker counts that one). */
#define NEIGH_CTRL UINT8_MAX
_Static_assert(DP_MAX_WORKERS < NEIGH_CTRL, "a worker index would read as the control thread");

struct neigh_held {
	struct rte_mbuf *m;
	uint32_t vc; /* a worker's: the VC it belongs to */
	uint8_t worker;
};

struct neigh_entry {
	struct neigh n; /* first: workers read n.mac_word */
	struct vcs_addr ip;
	uint8_t state;
	bool ctrl_ref; /* the control thread holds one of refs */
	unsigned int refs;
	uint64_t ctrl_used_ms; /* when it last sent through it */
	unsigned int tries;
	uint64_t next_ms;
	/* packets waiting for resolution, or for the TX queue to take
	 * them once resolved: a FIFO of pending_max slots */
	unsigned int held_head, held_count;
	uint64_t drain_deadline; /* 0 unless the TX queue refused the head */
	struct neigh_held *held;
	TAILQ_ENTRY(neigh_entry) link;
};

struct neigh_table {
	struct dp *dp;
	struct dp_port *port;
	unsigned int pending_max;
	TAILQ_HEAD(, neigh_entry) entries;
	struct neigh_stats st;
};

static struct neigh_entry *
entry_of(struct neigh *n)
{
	return (struct neigh_entry *)n;
}

struct neigh_table *
neigh_table_create(struct dp *dp, struct dp_port *port, unsigned int pending_max)
{
	struct neigh_table *t = calloc(1, sizeof(*t));

	if (t == NULL)
		return NULL;
	t->dp = dp;
	t->port = port;
	t->pending_max = pending_max;
	TAILQ_INIT(&t->entries);
	return t;
}

static void
neigh_drop(struct neigh_table *t, const struct neigh_held *h, enum vc_held_drop why)
{
	rte_pktmbuf_free(h->m);
	if (why == VC_HELD_NO_ROUTE)
		t->st.no_route++;
	else
		t->st.tx_full++;
	if (h->worker == NEIGH_CTRL)
		t->dp->host.l2tp_ctrl_tx_drops[why == VC_HELD_NO_ROUTE ? HOST_CTRL_DROP_UNRESOLVED
								       : HOST_CTRL_DROP_TX_FULL]++;
	else
		vc_held_dropped(t->dp, h->worker, h->vc, why);
}

/* Take the oldest held packet. */
static struct neigh_held
neigh_unhold(struct neigh_table *t, struct neigh_entry *e)
{
	struct neigh_held h = e->held[e->held_head];

	e->held_head = (e->held_head + 1) % t->pending_max;
	e->held_count--;
	return h;
}

static void
neigh_drop_held(struct neigh_table *t, struct neigh_entry *e, enum vc_held_drop why)
{
	while (e->held_count != 0) {
		struct neigh_held h = neigh_unhold(t, e);

		neigh_drop(t, &h, why);
	}
	e->drain_deadline = 0;
}

static void
neigh_entry_free(struct neigh_table *t, struct neigh_entry *e)
{
	neigh_drop_held(t, e, VC_HELD_NO_ROUTE);
	TAILQ_REMOVE(&t->entries, e, link);
	t->st.entries--;
	free(e->held);
	rte_free(e);
}

void
neigh_table_destroy(struct neigh_table *t)
{
	struct neigh_entry *e;

	if (t == NULL)
		return;
	while ((e = TAILQ_FIRST(&t->entries)) != NULL)
		neigh_entry_free(t, e);
	free(t);
}

static struct neigh_entry *
neigh_find(struct neigh_table *t, const struct vcs_addr *ip)
{
	struct neigh_entry *e;

	TAILQ_FOREACH(e, &t->entries, link)
		if (addr_equal(&e->ip, ip))
			return e;
	return NULL;
}

static struct neigh_entry *
neigh_new(struct neigh_table *t, const struct vcs_addr *ip)
{
	struct neigh_entry *e = rte_zmalloc("neigh", sizeof(*e), RTE_CACHE_LINE_SIZE);

	if (e == NULL)
		return NULL;
	e->ip = *ip;
	if (t->pending_max != 0) {
		e->held = calloc(t->pending_max, sizeof(*e->held));
		if (e->held == NULL) {
			rte_free(e);
			return NULL;
		}
	}
	TAILQ_INSERT_TAIL(&t->entries, e, link);
	t->st.entries++;
	return e;
}

static void
neigh_set_mac(struct neigh_entry *e, const uint8_t mac[6])
{
	uint64_t w = 0;

	memcpy(&w, mac, 6);
	/* One store: a worker sees the old MAC or the new one, whole. */
	__atomic_store_n(&e->n.mac_word, w | NEIGH_MAC_VALID, __ATOMIC_RELEASE);
}

/* Only with the link up: a request sent into a dead link is lost, and
 * neigh_link_up() asks again the moment it comes up. */
static void
neigh_solicit(struct neigh_table *t, struct neigh_entry *e)
{
	if (!t->port->link_up)
		return;
	if (e->ip.family == AF_INET)
		host_solicit_v4(t->dp, t->port, e->ip.v4);
	else
		host_solicit_v6(t->dp, t->port, e->ip.v6);
	t->st.requests_sent++;
}

int
neigh_add_static(struct neigh_table *t, const struct vcs_addr *ip, const uint8_t mac[6])
{
	struct neigh_entry *e = neigh_find(t, ip);

	if (e == NULL)
		e = neigh_new(t, ip);
	if (e == NULL)
		return -1;
	e->state = NEIGH_STATIC;
	neigh_set_mac(e, mac);
	return 0;
}

struct neigh *
neigh_get(struct neigh_table *t, const struct vcs_addr *ip)
{
	struct neigh_entry *e = neigh_find(t, ip);

	if (e == NULL) {
		e = neigh_new(t, ip);
		if (e == NULL)
			return NULL;
		e->state = NEIGH_INCOMPLETE;
		e->tries = 1;
		e->next_ms = clock_ms() + NEIGH_RETRY_MS;
		neigh_solicit(t, e);
	}
	e->refs++;
	return &e->n;
}

struct neigh *
neigh_get_ctrl(struct neigh_table *t, const struct vcs_addr *ip)
{
	struct neigh_entry *e = neigh_find(t, ip);

	if (e == NULL || !e->ctrl_ref) {
		struct neigh *n = neigh_get(t, ip);

		if (n == NULL)
			return NULL;
		e = entry_of(n);
		e->ctrl_ref = true;
	}
	e->ctrl_used_ms = clock_ms();
	return &e->n;
}

/* Drop a reference; true if that was the last and the entry is gone. */
static bool
neigh_unref(struct neigh_table *t, struct neigh_entry *e)
{
	if (--e->refs != 0 || e->state == NEIGH_STATIC)
		return false;
	neigh_entry_free(t, e);
	return true;
}

void
neigh_put(struct neigh_table *t, struct neigh *n)
{
	neigh_unref(t, entry_of(n));
}

/* Hand a held packet on: back to the worker that punted it, or, the
 * control thread's own, onto the port's control TX queue. False if that
 * refused it for now. */
static bool
neigh_release(struct neigh_table *t, const struct neigh_held *h)
{
	struct rte_mbuf *m = h->m;

	if (h->worker != NEIGH_CTRL)
		return dp_inject(t->dp, h->worker, m);
	if (rte_eth_tx_burst(t->port->id, t->port->ctrl_txq, &m, 1) != 1)
		return false;
	t->dp->host.l2tp_ctrl_tx++;
	return true;
}

/*
 * Hand held packets, oldest first and addressed to the now known MAC,
 * back to the workers that punted them: each sends them from its own TX
 * queue before anything it receives later, so they keep their order.
 * The control thread's own go out on its TX queue. A worker whose
 * inject ring is full (or a full control TX queue) takes the rest on a
 * later tick; they are dropped as tx_full if it has not for
 * NEIGH_DRAIN_MS.
 */
static void
neigh_flush(struct neigh_table *t, struct neigh_entry *e, uint64_t now)
{
	while (e->held_count != 0) {
		struct neigh_held *h = &e->held[e->held_head];

		memcpy(rte_pktmbuf_mtod(h->m, uint8_t *), &e->n.mac_word, RTE_ETHER_ADDR_LEN);
		if (!neigh_release(t, h)) {
			if (e->drain_deadline == 0)
				e->drain_deadline = now + NEIGH_DRAIN_MS;
			else if (now >= e->drain_deadline)
				neigh_drop_held(t, e, VC_HELD_TX_FULL);
			return;
		}
		neigh_unhold(t, e);
		t->st.released++;
	}
	e->drain_deadline = 0;
}

void
neigh_learn(struct neigh_table *t, const struct vcs_addr *ip, const uint8_t mac[6])
{
	struct neigh_entry *e = neigh_find(t, ip);

	if (e == NULL || e->state == NEIGH_STATIC)
		return;
	neigh_set_mac(e, mac);
	e->next_ms = clock_ms() + NEIGH_REFRESH_MS;
	e->tries = 0;
	if (e->state == NEIGH_REACHABLE)
		return;
	e->state = NEIGH_REACHABLE;
	t->st.resolved++;
	neigh_flush(t, e, clock_ms());
}

/* Queue h at the tail of e's FIFO; false if it is full (h dropped). */
static bool
neigh_enqueue(struct neigh_table *t, struct neigh_entry *e, const struct neigh_held *h)
{
	if (e->held_count == t->pending_max) {
		neigh_drop(t, h, e->state == NEIGH_INCOMPLETE ? VC_HELD_NO_ROUTE : VC_HELD_TX_FULL);
		return false;
	}
	e->held[(e->held_head + e->held_count) % t->pending_max] = *h;
	e->held_count++;
	t->st.held++;
	return true;
}

void
neigh_hold(struct neigh_table *t, struct neigh *n, struct rte_mbuf *m, uint8_t worker, uint32_t vc)
{
	struct neigh_entry *e = entry_of(n);
	struct neigh_held h = {.m = m, .vc = vc, .worker = worker};

	/* resolved since the worker looked, or packets of the VC still
	 * ahead of this one: either way it leaves behind them */
	if (neigh_enqueue(t, e, &h) && e->state != NEIGH_INCOMPLETE)
		neigh_flush(t, e, clock_ms());
}

int
neigh_send_ctrl(struct neigh_table *t, struct neigh *n, struct rte_mbuf *m)
{
	struct neigh_entry *e = entry_of(n);
	struct neigh_held h = {.m = m, .worker = NEIGH_CTRL};

	/* Anything waiting on a resolved entry is stuck behind a full ring
	 * or queue: the message waits its turn, as it does for the MAC. */
	if (e->state != NEIGH_INCOMPLETE && e->held_count == 0 && neigh_release(t, &h))
		return 0;
	if (!neigh_enqueue(t, e, &h))
		return -ENOBUFS;
	t->dp->host.l2tp_ctrl_tx_held++;
	return 0;
}

void
neigh_purge_vc(struct neigh_table *t, struct neigh *n, uint32_t vc)
{
	struct neigh_entry *e = entry_of(n);
	unsigned int i, count = e->held_count;

	/* Rotate through the FIFO once, keeping the others in order. */
	for (i = 0; i < count; i++) {
		struct neigh_held h = neigh_unhold(t, e);

		if (h.worker != NEIGH_CTRL && h.vc == vc)
			neigh_drop(t, &h, VC_HELD_NO_ROUTE);
		else
			e->held[(e->held_head + e->held_count++) % t->pending_max] = h;
	}
}

void
neigh_link_up(struct neigh_table *t)
{
	struct neigh_entry *e;

	TAILQ_FOREACH(e, &t->entries, link) {
		if (e->state != NEIGH_INCOMPLETE)
			continue;
		e->tries = 1;
		e->next_ms = clock_ms() + NEIGH_RETRY_MS;
		neigh_solicit(t, e);
	}
}

bool
neigh_timer(struct neigh_table *t, uint64_t now_ms)
{
	struct neigh_entry *e, *next;
	bool draining = false;

	for (e = TAILQ_FIRST(&t->entries); e != NULL; e = next) {
		next = TAILQ_NEXT(e, link);
		if (e->ctrl_ref && now_ms >= e->ctrl_used_ms + NEIGH_CTRL_IDLE_MS) {
			e->ctrl_ref = false;
			if (neigh_unref(t, e))
				continue;
		}
		if (e->state != NEIGH_INCOMPLETE && e->held_count != 0) {
			neigh_flush(t, e, now_ms);
			draining |= e->held_count != 0;
		}
		if (e->state == NEIGH_STATIC || now_ms < e->next_ms)
			continue;
		if (e->state == NEIGH_INCOMPLETE && ++e->tries > NEIGH_FAST_TRIES) {
			neigh_drop_held(t, e, VC_HELD_NO_ROUTE);
			e->next_ms = now_ms + NEIGH_SLOW_RETRY_MS;
		} else {
			e->next_ms = now_ms + (e->state == NEIGH_INCOMPLETE ? NEIGH_RETRY_MS
									    : NEIGH_REFRESH_MS);
		}
		/* A resolved neighbour that stops answering keeps its MAC:
		 * the refresh only learns a changed one. */
		neigh_solicit(t, e);
	}
	return draining;
}

void
neigh_get_stats(const struct neigh_table *t, struct neigh_stats *st)
{
	*st = t->st;
}
