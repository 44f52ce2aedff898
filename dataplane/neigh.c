/* SPDX-License-Identifier: BSD-3-Clause */
#include <stdlib.h>
#include <string.h>
#include <sys/queue.h>

#include <rte_malloc.h>
#include <rte_mbuf.h>

#include "dp_priv.h"
#include "host.h"
#include "log.h"
#include "neigh.h"
#include "vc.h"

#define NEIGH_RETRY_MS	    1000  /* solicitation interval while unresolved */
#define NEIGH_FAST_TRIES    3	  /* then held packets are given up */
#define NEIGH_SLOW_RETRY_MS 5000  /* and we keep asking, less often */
#define NEIGH_REFRESH_MS    60000 /* re-ask a resolved neighbour */

enum neigh_state {
	NEIGH_INCOMPLETE,
	NEIGH_REACHABLE,
	NEIGH_STATIC,
};

struct neigh_entry {
	struct neigh n; /* first: workers read n.mac_word */
	struct vcs_addr ip;
	uint8_t state;
	unsigned int refs;
	unsigned int tries;
	uint64_t next_ms;
	/* packets waiting for resolution: a FIFO of pending_max slots */
	unsigned int held_head, held_count;
	struct rte_mbuf **held;
	uint32_t *held_vc;
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
neigh_drop_held(struct neigh_table *t, struct neigh_entry *e)
{
	while (e->held_count != 0) {
		unsigned int i = e->held_head;

		vc_ctrl_count(t->dp, e->held_vc[i], false, 0);
		rte_pktmbuf_free(e->held[i]);
		t->st.no_route++;
		e->held_head = (i + 1) % t->pending_max;
		e->held_count--;
	}
}

static void
neigh_entry_free(struct neigh_table *t, struct neigh_entry *e)
{
	neigh_drop_held(t, e);
	TAILQ_REMOVE(&t->entries, e, link);
	t->st.entries--;
	free(e->held);
	free(e->held_vc);
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
		e->held_vc = calloc(t->pending_max, sizeof(*e->held_vc));
		if (e->held == NULL || e->held_vc == NULL) {
			free(e->held);
			free(e->held_vc);
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

static void
neigh_solicit(struct neigh_table *t, struct neigh_entry *e)
{
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
		e->next_ms = dp_now_ms() + NEIGH_RETRY_MS;
		neigh_solicit(t, e);
	}
	e->refs++;
	return &e->n;
}

void
neigh_put(struct neigh_table *t, struct neigh *n)
{
	struct neigh_entry *e = entry_of(n);

	if (--e->refs == 0 && e->state != NEIGH_STATIC)
		neigh_entry_free(t, e);
}

/* Address a packet encapsulated before its next hop was known. */
static void
neigh_send(struct neigh_table *t, struct neigh_entry *e, struct rte_mbuf *m, uint32_t vc)
{
	memcpy(rte_pktmbuf_mtod(m, uint8_t *), &e->n.mac_word, RTE_ETHER_ADDR_LEN);
	vc_ctrl_count(t->dp, vc, true, rte_pktmbuf_pkt_len(m));
	t->st.released++;
	dp_ctrl_xmit(t->dp, t->port, m);
}

void
neigh_learn(struct neigh_table *t, const struct vcs_addr *ip, const uint8_t mac[6])
{
	struct neigh_entry *e = neigh_find(t, ip);

	if (e == NULL || e->state == NEIGH_STATIC)
		return;
	neigh_set_mac(e, mac);
	e->next_ms = dp_now_ms() + NEIGH_REFRESH_MS;
	e->tries = 0;
	if (e->state == NEIGH_REACHABLE)
		return;
	e->state = NEIGH_REACHABLE;
	t->st.resolved++;
	while (e->held_count != 0) {
		unsigned int i = e->held_head;

		e->held_head = (i + 1) % t->pending_max;
		e->held_count--;
		neigh_send(t, e, e->held[i], e->held_vc[i]);
	}
}

void
neigh_hold(struct neigh_table *t, struct neigh *n, struct rte_mbuf *m, uint32_t vc)
{
	struct neigh_entry *e = entry_of(n);

	if (e->state != NEIGH_INCOMPLETE) {
		/* Resolved between the worker's look and now. */
		neigh_send(t, e, m, vc);
		return;
	}
	if (e->held_count == t->pending_max) {
		vc_ctrl_count(t->dp, vc, false, 0);
		t->st.no_route++;
		rte_pktmbuf_free(m);
		return;
	}
	e->held[(e->held_head + e->held_count) % t->pending_max] = m;
	e->held_vc[(e->held_head + e->held_count) % t->pending_max] = vc;
	e->held_count++;
	t->st.held++;
}

unsigned int
neigh_purge_vc(struct neigh_table *t, struct neigh *n, uint32_t vc)
{
	struct neigh_entry *e = entry_of(n);
	unsigned int i, kept = 0, purged = 0;

	for (i = 0; i < e->held_count; i++) {
		unsigned int from = (e->held_head + i) % t->pending_max;
		unsigned int to = (e->held_head + kept) % t->pending_max;

		if (e->held_vc[from] == vc) {
			rte_pktmbuf_free(e->held[from]);
			purged++;
			continue;
		}
		e->held[to] = e->held[from];
		e->held_vc[to] = e->held_vc[from];
		kept++;
	}
	e->held_count = kept;
	t->st.no_route += purged;
	return purged;
}

void
neigh_timer(struct neigh_table *t, uint64_t now_ms)
{
	struct neigh_entry *e;

	TAILQ_FOREACH(e, &t->entries, link)
	{
		if (e->state == NEIGH_STATIC || now_ms < e->next_ms)
			continue;
		if (e->state == NEIGH_INCOMPLETE && ++e->tries > NEIGH_FAST_TRIES) {
			neigh_drop_held(t, e);
			e->next_ms = now_ms + NEIGH_SLOW_RETRY_MS;
		} else {
			e->next_ms = now_ms + (e->state == NEIGH_INCOMPLETE ? NEIGH_RETRY_MS
									    : NEIGH_REFRESH_MS);
		}
		/* A resolved neighbour that stops answering keeps its MAC:
		 * the refresh only learns a changed one. */
		neigh_solicit(t, e);
	}
}

void
neigh_get_stats(const struct neigh_table *t, struct neigh_stats *st)
{
	*st = t->st;
}
