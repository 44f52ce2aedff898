/* SPDX-License-Identifier: BSD-3-Clause */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include <rte_errno.h>
#include <rte_ethdev.h>
#include <rte_lcore.h>
#include <rte_malloc.h>
#include <rte_mbuf_dyn.h>
#include <rte_rcu_qsbr.h>
#include <rte_ring.h>

#include "cfg.h"
#include "clock.h"
#include "dp_priv.h"
#include "host.h"
#include "log.h"
#include "neigh.h"
#include "stats.h"
#include "vc.h"
#include "worker.h"

#define PUNT_DRAIN_MAX 256 /* per ring and poll, so no ring starves the others */
#define LINK_CHECK_MS  100
#define POLL_IDLE_MS   100
#define POLL_SOON_MS   1 /* grace periods to notice, held packets to retry */

int pkt_meta_offset = -1;

static int
dp_register_meta(void)
{
	static const struct rte_mbuf_dynfield desc = {
		.name = "vcswitch_pkt_meta",
		.size = sizeof(struct pkt_meta),
		.align = __alignof__(struct pkt_meta),
	};

	pkt_meta_offset = rte_mbuf_dynfield_register(&desc);
	return pkt_meta_offset < 0 ? -1 : 0;
}

/* Every frame fits one segment: the largest MTU, its Ethernet header
 * and a VLAN tag, plus room to prepend the largest L2TP header. */
static uint16_t
dp_mbuf_data_room(const struct cfg *c)
{
	unsigned int i, mtu = 0, room;

	for (i = 0; i < c->n_ports; i++)
		mtu = RTE_MAX(mtu, c->ports[i].mtu);
	room = RTE_PKTMBUF_HEADROOM + VC_HDR_MAX + mtu + RTE_ETHER_HDR_LEN + 2 * RTE_VLAN_HLEN;
	return (uint16_t)RTE_MAX(room, (unsigned int)RTE_MBUF_DEFAULT_BUF_SIZE);
}

static void
dp_host_from_port(struct dp *dp, unsigned int i)
{
	const struct dp_port *p = &dp->ports[i];
	struct pkt_host *h = &dp->hosts[i];

	h->mac = p->mac;
	h->has_v4 = p->has_v4;
	h->v4 = p->v4;
	h->has_v6 = p->has_v6;
	memcpy(h->v6, p->v6, 16);
	h->udp_ports = dp->udp_ports;
}

/* On EAL's interrupt thread: note the change and wake the control
 * thread, which reads the links itself (dp_check_links). */
static int
dp_link_event(uint16_t port_id, enum rte_eth_event_type type, void *arg, void *ret_param)
{
	struct dp *dp = arg;
	uint64_t one = 1;

	(void)port_id, (void)type, (void)ret_param;
	__atomic_store_n(&dp->link_event, 1, __ATOMIC_RELEASE);
	/* EAGAIN: the counter is saturated, a wake-up is pending anyway */
	if (write(dp->wake_fd, &one, sizeof(one)) < 0 && errno != EAGAIN)
		DP_LOG(WARNING, "link event: cannot wake the control thread: %s", strerror(errno));
	return 0;
}

static int
dp_create_ports(struct dp *dp, const struct cfg *c)
{
	unsigned int i, j;

	for (i = 0; i < c->n_ports; i++) {
		const struct cfg_port *cp = &c->ports[i];
		struct dp_port *p = &dp->ports[i];
		struct rte_eth_link link;

		if (port_init(p, (uint8_t)i, cp, dp->n_workers, dp->pool) < 0)
			return -1;
		dp->n_ports = i + 1;
		dp_host_from_port(dp, i);
		if (p->lsc && rte_eth_dev_callback_register(p->id, RTE_ETH_EVENT_INTR_LSC,
							    dp_link_event, dp) < 0)
			p->lsc = false; /* polled instead */
		if (rte_eth_link_get_nowait(p->id, &link) == 0)
			p->link_up = link.link_status == RTE_ETH_LINK_UP;
		if (!p->network)
			continue;
		p->neigh = neigh_table_create(dp, p, c->dp.neigh_pending_max);
		if (p->neigh == NULL)
			return -1;
		for (j = 0; j < cp->n_neighbors; j++)
			if (neigh_add_static(p->neigh, &cp->neighbors[j].ip, cp->neighbors[j].mac) <
			    0)
				return -1;
	}
	return 0;
}

static int
dp_create_workers(struct dp *dp, const struct cfg *c)
{
	unsigned int i, j;

	for (i = 0; i < c->n_workers; i++) {
		const struct cfg_worker *cw = &c->workers[i];
		struct worker *w;

		if (!rte_lcore_is_enabled(cw->lcore) || cw->lcore == rte_get_main_lcore()) {
			DP_LOG(ERR, "worker lcore %u is not an enabled worker lcore", cw->lcore);
			return -1;
		}
		w = worker_create(dp, i, cw->lcore, c->dp.max_vcs, vc_table_size(c->dp.max_vcs),
				  c->dp.punt_ring_size);
		if (w == NULL)
			return -1;
		dp->workers[i] = w;
		for (j = 0; j < cw->n_rx; j++) {
			const struct dp_port *p = &dp->ports[cw->rx[j].port];

			w->rxq[j].port_id = p->id;
			w->rxq[j].port = p->index;
			w->rxq[j].queue = cw->rx[j].queue;
			w->rxq[j].network = p->network;
		}
		w->n_rxq = cw->n_rx;
	}
	return 0;
}

struct dp *
dp_create(const struct cfg *c)
{
	struct dp *dp;
	size_t qsz;
	unsigned int i, j;

	if (c->n_workers > DP_MAX_WORKERS || c->n_ports > DP_MAX_PORTS) {
		DP_LOG(ERR, "at most %u workers and %u ports", DP_MAX_WORKERS, DP_MAX_PORTS);
		return NULL;
	}
	if (dp_register_meta() < 0) {
		DP_LOG(ERR, "mbuf dynamic field: %s", rte_strerror(rte_errno));
		return NULL;
	}
	dp = rte_zmalloc("dp", sizeof(*dp), RTE_CACHE_LINE_SIZE);
	if (dp == NULL)
		return NULL;
	dp->wake_fd = -1;
	dp->burst = RTE_MIN(c->dp.burst, 64u);
	dp->idle_polls = c->dp.idle_polls;
	dp->seq_window = c->dp.seq_window;
	dp->seq_resync = (uint16_t)c->dp.seq_resync;
	dp->idle_sleep_us = c->dp.idle_sleep_us;
	dp->n_workers = c->n_workers;
	for (i = 0; i < c->n_workers; i++)
		for (j = 0; j < c->workers[i].n_rx; j++)
			dp->port_workers[c->workers[i].rx[j].port] |= UINT64_C(1) << i;

	dp->pool_size = c->dp.mbufs;
	dp->pool = rte_pktmbuf_pool_create("vcs_mbufs", c->dp.mbufs, c->dp.mbuf_cache, 0,
					   dp_mbuf_data_room(c), (int)rte_socket_id());
	dp->udp_ports = rte_zmalloc("udp_ports", 65536 / 8, RTE_CACHE_LINE_SIZE);
	dp->udp_port_refs = calloc(65536, sizeof(*dp->udp_port_refs));
	qsz = rte_rcu_qsbr_get_memsize(RTE_MAX(c->n_workers, 1u));
	dp->qsv = rte_zmalloc("vc_qsv", qsz, RTE_CACHE_LINE_SIZE);
	dp->wake_fd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
	if (dp->pool == NULL || dp->udp_ports == NULL || dp->udp_port_refs == NULL ||
	    dp->qsv == NULL || dp->wake_fd < 0) {
		DP_LOG(ERR, "out of memory (%u mbufs): %s", c->dp.mbufs, rte_strerror(rte_errno));
		goto fail;
	}
	rte_rcu_qsbr_init(dp->qsv, RTE_MAX(c->n_workers, 1u));
	if (dp_create_ports(dp, c) < 0 || dp_create_workers(dp, c) < 0)
		goto fail;
	dp->vcs = vc_store_create(c->dp.max_vcs);
	if (dp->vcs == NULL)
		goto fail;
	stats_register(dp);
	return dp;
fail:
	dp_destroy(dp);
	return NULL;
}

int
dp_start(struct dp *dp)
{
	unsigned int i;
	int rc;

	__atomic_store_n(&dp->quit, false, __ATOMIC_RELAXED);
	for (i = 0; i < dp->n_workers; i++) {
		rc = rte_eal_remote_launch(worker_main, dp->workers[i], dp->workers[i]->lcore);
		if (rc < 0) {
			DP_LOG(ERR, "launch worker %u on lcore %u: %s", i, dp->workers[i]->lcore,
			       rte_strerror(-rc));
			dp_stop(dp);
			return -1;
		}
	}
	dp->running = true;
	return 0;
}

void
dp_stop(struct dp *dp)
{
	unsigned int i;

	__atomic_store_n(&dp->quit, true, __ATOMIC_RELAXED);
	for (i = 0; i < dp->n_workers; i++)
		if (dp->workers[i] != NULL)
			rte_eal_wait_lcore(dp->workers[i]->lcore);
	dp->running = false;
}

static void
dp_release_vcs(struct dp *dp)
{
	struct dp_vc *vc, *next;

	for (vc = dp_vc_next(dp, NULL); vc != NULL; vc = dp_vc_next(dp, vc))
		dp_vc_deactivate(vc, NULL, NULL);
	/* With the workers stopped every grace period has ended. */
	vc_reclaim_collect(dp);
	vc_reclaim_finish(dp);
	for (vc = dp_vc_next(dp, NULL); vc != NULL; vc = next) {
		next = dp_vc_next(dp, vc);
		dp_vc_delete(vc);
	}
}

int
dp_destroy(struct dp *dp)
{
	unsigned int i, missing = 0;

	if (dp == NULL)
		return 0;
	stats_unregister(dp);
	if (dp->running)
		dp_stop(dp);
	if (dp->vcs != NULL) {
		dp_release_vcs(dp);
		vc_store_destroy(dp->vcs);
	}
	for (i = 0; i < dp->n_workers; i++)
		worker_destroy(dp->workers[i]);
	for (i = 0; i < dp->n_ports; i++) {
		neigh_table_destroy(dp->ports[i].neigh);
		if (dp->ports[i].lsc)
			rte_eth_dev_callback_unregister(dp->ports[i].id, RTE_ETH_EVENT_INTR_LSC,
							dp_link_event, dp);
		port_close(&dp->ports[i]);
	}
	if (dp->pool != NULL) {
		missing = dp->pool_size - rte_mempool_avail_count(dp->pool);
		if (missing != 0)
			DP_LOG(ERR, "%u of %u mbufs did not come back to the pool", missing,
			       dp->pool_size);
		else
			DP_LOG(INFO, "all %u mbufs back in the pool", dp->pool_size);
		rte_mempool_free(dp->pool);
	}
	if (dp->wake_fd >= 0)
		close(dp->wake_fd);
	free(dp->udp_port_refs);
	rte_free(dp->udp_ports);
	rte_free(dp->qsv);
	rte_free(dp);
	return (int)missing;
}

static bool
dp_punts_pending(const struct dp *dp)
{
	unsigned int i;

	for (i = 0; i < dp->n_workers; i++)
		if (!rte_ring_empty(dp->workers[i]->punt))
			return true;
	return false;
}

/*
 * Handle punted packets: at least owed[w] from worker w's ring (what was
 * there when the finished grace periods were noted, which must be seen
 * before those VCs complete), and up to PUNT_DRAIN_MAX per ring so that
 * no ring starves the others. True if a ring still holds packets.
 */
static bool
dp_drain_punts(struct dp *dp, const unsigned int *owed)
{
	struct rte_mbuf *pkts[32];
	bool more = false;
	unsigned int i, n, k, done;

	for (i = 0; i < dp->n_workers; i++) {
		struct rte_ring *r = dp->workers[i]->punt;

		for (done = 0; done < RTE_MAX(owed[i], (unsigned int)PUNT_DRAIN_MAX); done += n) {
			n = rte_ring_sc_dequeue_burst(r, (void **)pkts, RTE_DIM(pkts), NULL);
			if (n == 0)
				break;
			for (k = 0; k < n; k++)
				host_input(dp, pkts[k]);
		}
		more |= !rte_ring_empty(r);
	}
	return more;
}

static void
dp_check_links(struct dp *dp, uint64_t now)
{
	struct rte_eth_link link;
	unsigned int i;

	/* Ports without link events are polled; a link event brings the
	 * check forward. */
	if (!__atomic_exchange_n(&dp->link_event, 0, __ATOMIC_ACQUIRE) &&
	    now < dp->next_link_check_ms)
		return;
	dp->next_link_check_ms = now + LINK_CHECK_MS;
	for (i = 0; i < dp->n_ports; i++) {
		struct dp_port *p = &dp->ports[i];
		bool up;

		if (rte_eth_link_get_nowait(p->id, &link) != 0)
			continue;
		up = link.link_status == RTE_ETH_LINK_UP;
		if (up == p->link_up)
			continue;
		p->link_up = up;
		DP_LOG(NOTICE, "port %s: link %s", p->name, up ? "up" : "down");
		if (up && p->neigh != NULL)
			neigh_link_up(p->neigh);
		if (dp->link_cb != NULL)
			dp->link_cb(dp->link_arg, (uint16_t)i, up);
	}
}

int
dp_poll(struct dp *dp)
{
	unsigned int owed[DP_MAX_WORKERS], i;
	uint64_t now = clock_ms();
	bool more, soon = false;

	vc_reclaim_collect(dp);
	for (i = 0; i < dp->n_workers; i++)
		owed[i] = rte_ring_count(dp->workers[i]->punt);
	more = dp_drain_punts(dp, owed);
	vc_reclaim_finish(dp);
	for (i = 0; i < dp->n_ports; i++)
		if (dp->ports[i].neigh != NULL && neigh_timer(dp->ports[i].neigh, now))
			soon = true;
	dp_check_links(dp, now);
	if (more)
		return 0;
	return soon || dp_vc_retiring(dp) != 0 ? POLL_SOON_MS : POLL_IDLE_MS;
}

int
dp_wake_fd(const struct dp *dp)
{
	return dp->wake_fd;
}

bool
dp_sleep_begin(struct dp *dp)
{
	uint64_t v;

	stats_control_yield();
	/* Swallow stale wake-ups first, so that only punts that land from
	 * here on wake us; one landing before the check below is seen by
	 * the check. */
	while (read(dp->wake_fd, &v, sizeof(v)) > 0)
		;
	__atomic_store_n(&dp->sleeping, 1, __ATOMIC_RELAXED);
	rte_atomic_thread_fence(__ATOMIC_SEQ_CST);
	if (dp_punts_pending(dp) || __atomic_load_n(&dp->link_event, __ATOMIC_ACQUIRE)) {
		__atomic_store_n(&dp->sleeping, 0, __ATOMIC_RELAXED);
		return false;
	}
	stats_control_sleep();
	return true;
}

void
dp_sleep_end(struct dp *dp)
{
	stats_control_wake();
	__atomic_store_n(&dp->sleeping, 0, __ATOMIC_RELAXED);
}

void
dp_set_ctrl_rx(struct dp *dp, dp_ctrl_rx_fn fn, void *arg)
{
	dp->ctrl_rx = fn;
	dp->ctrl_arg = arg;
}

void
dp_set_link_cb(struct dp *dp, dp_link_fn fn, void *arg)
{
	dp->link_cb = fn;
	dp->link_arg = arg;
}

unsigned int
dp_port_count(const struct dp *dp)
{
	return dp->n_ports;
}

const char *
dp_port_name(const struct dp *dp, uint16_t port)
{
	return port < dp->n_ports ? dp->ports[port].name : "?";
}

int
dp_port_find(const struct dp *dp, const char *name)
{
	unsigned int i;

	for (i = 0; i < dp->n_ports; i++)
		if (strcmp(dp->ports[i].name, name) == 0)
			return (int)i;
	return -1;
}

bool
dp_port_link_up(const struct dp *dp, uint16_t port)
{
	return port < dp->n_ports && dp->ports[port].link_up;
}

bool
dp_inject(struct dp *dp, uint8_t worker, struct rte_mbuf *m)
{
	m->hash.usr = pkt_meta(m)->vc_index;
	return rte_ring_sp_enqueue(dp->workers[worker]->inject, m) == 0;
}

bool
dp_ctrl_xmit(struct dp *dp, struct dp_port *p, struct rte_mbuf *m)
{
	if (rte_eth_tx_burst(p->id, p->ctrl_txq, &m, 1) == 1)
		return true;
	dp->host.tx_full++;
	rte_pktmbuf_free(m);
	return false;
}

void
dp_udp_port_ref(struct dp *dp, uint16_t port)
{
	if (dp->udp_port_refs[port]++ == 0)
		__atomic_store_n(&dp->udp_ports[port >> 3],
				 (uint8_t)(dp->udp_ports[port >> 3] | 1u << (port & 7)),
				 __ATOMIC_RELAXED);
}

int
dp_udp_port_unref(struct dp *dp, uint16_t port)
{
	/* an unbalanced unref would wrap the count and take the port from
	 * whoever holds it next */
	if (dp->udp_port_refs[port] == 0)
		return -ENOENT;
	if (--dp->udp_port_refs[port] == 0)
		__atomic_store_n(&dp->udp_ports[port >> 3],
				 (uint8_t)(dp->udp_ports[port >> 3] & ~(1u << (port & 7))),
				 __ATOMIC_RELAXED);
	return 0;
}

int
dp_route(const struct dp *dp, const struct vcs_addr *local, const struct vcs_addr *remote,
	 uint8_t *port, struct vcs_addr *nh)
{
	unsigned int i;

	for (i = 0; i < dp->n_ports; i++) {
		const struct dp_port *np = &dp->ports[i];
		struct vcs_prefix pfx;

		if (!np->network)
			continue;
		memset(&pfx, 0, sizeof(pfx));
		if (local->family == AF_INET && port_owns_v4(np, local->v4)) {
			pfx.addr.family = AF_INET;
			pfx.addr.v4 = np->v4;
			pfx.len = np->v4_len;
			*nh = *remote;
			if (!addr_in_prefix(remote, &pfx)) {
				if (np->v4_gw == 0)
					return -ENETUNREACH;
				nh->v4 = np->v4_gw;
			}
		} else if (local->family == AF_INET6 && port_owns_v6(np, local->v6)) {
			pfx.addr.family = AF_INET6;
			memcpy(pfx.addr.v6, np->v6, 16);
			pfx.len = np->v6_len;
			*nh = *remote;
			if (!addr_in_prefix(remote, &pfx)) {
				if (!np->has_v6_gw)
					return -ENETUNREACH;
				memcpy(nh->v6, np->v6_gw, 16);
			}
		} else {
			continue;
		}
		*port = (uint8_t)i;
		return 0;
	}
	return -EADDRNOTAVAIL;
}
