/* SPDX-License-Identifier: BSD-3-Clause */
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include <sanitizer/asan_interface.h>

#include <rte_cycles.h>
#include <rte_ethdev.h>
#include <rte_hash.h>
#include <rte_hash_crc.h>
#include <rte_lcore.h>
#include <rte_malloc.h>
#include <rte_prefetch.h>
#include <rte_rcu_qsbr.h>
#include <rte_ring.h>

#include "ac_tbl.h"
#include "dp_priv.h"
#include "log.h"
#include "neigh.h"
#include "pkt.h"
#include "worker.h"

#define BURST_MAX      64 /* rte_hash bulk lookups take at most 64 keys */
#define PREFETCH_AHEAD 4

static inline void
worker_drop(struct worker *w, struct rte_mbuf *m, enum dp_drop why)
{
	vc_ctr_add(&w->st.drops[why], 1);
	rte_pktmbuf_free(m);
}

static void
worker_tx_flush(struct worker *w, uint8_t port)
{
	struct worker_txbuf *tb = &w->tx[port];
	const struct dp_port *p = &w->dp->ports[port];
	uint16_t sent, i;

	sent = rte_eth_tx_burst(p->id, (uint16_t)w->index, tb->pkts, tb->n);
	/* Counters were charged when the packet was queued; move what the
	 * NIC refused to its VC's tx_full drops. */
	for (i = sent; i < tb->n; i++) {
		struct rte_mbuf *m = tb->pkts[i];
		struct vc_wstate *ws = &w->vcs[m->hash.usr];
		uint32_t len = rte_pktmbuf_pkt_len(m);

		if (p->network) {
			vc_ctr_add(&ws->enc.pkts, -1);
			vc_ctr_add(&ws->enc.bytes, -(uint64_t)len);
			vc_ctr_add(&ws->enc_drops[DP_ENC_DROP_TX_FULL], 1);
		} else {
			vc_ctr_add(&ws->dec.pkts, -1);
			vc_ctr_add(&ws->dec.bytes, -(uint64_t)len);
			vc_ctr_add(&ws->dec_drops[DP_DEC_DROP_TX_FULL], 1);
		}
		rte_pktmbuf_free(m);
	}
	tb->n = 0;
}

/* Queue m of VC slot vc for port; the slot travels in hash.usr, which
 * transmit does not use, so a refused packet can be charged to it. */
static inline void
worker_tx(struct worker *w, uint8_t port, struct rte_mbuf *m, uint32_t vc)
{
	struct worker_txbuf *tb = &w->tx[port];

	m->hash.usr = vc;
	tb->pkts[tb->n++] = m;
	if (unlikely(tb->n == WORKER_TXBUF))
		worker_tx_flush(w, port);
}

static inline bool
worker_punt(struct worker *w, struct rte_mbuf *m, enum punt_reason reason, uint8_t port,
	    const struct pkt_net *np, uint32_t vc)
{
	struct pkt_meta *meta = pkt_meta(m);

	meta->reason = reason;
	meta->port = port;
	meta->worker = (uint8_t)w->index;
	meta->vc_index = vc;
	if (np != NULL) {
		meta->l3_off = np->l3_off;
		meta->l4_off = np->l4_off;
		meta->ctrl_off = np->ctrl_off;
		meta->end = np->end;
		meta->udp = np->udp;
		meta->v6 = np->v6;
	}
	if (unlikely(rte_ring_sp_enqueue(w->punt, m) != 0)) {
		worker_drop(w, m, DP_DROP_PUNT_FULL);
		return false;
	}
	/* a held packet is counted when it leaves or is dropped */
	if (reason != PUNT_NEIGH)
		vc_ctr_add(&w->st.punted, 1);
	return true;
}

/*
 * Whether an encapsulated packet must go through the control thread:
 * while its next hop is unresolved, and then until every packet handed
 * over before it has left (or been dropped) there. Held packets thus
 * leave first, and none is overtaken by a later one sent directly,
 * which a peer checking sequence numbers would drop.
 */
static inline bool
worker_must_hold(const struct worker *w, struct vc_wstate *ws, uint32_t vc, uint64_t mac)
{
	if (!(mac & NEIGH_MAC_VALID) ||
	    ws->enc.punted !=
		    ws->enc.returned + __atomic_load_n(&w->ctrl_dropped[vc], __ATOMIC_ACQUIRE))
		return true;
	ws->enc.held = 0;
	return false;
}

/*
 * Held packets the control thread gives back once their next hop
 * answered: sent before anything received in this loop, so they keep
 * their order. All of them, every loop: none may outlive the quiescent
 * state that ends a deactivation's grace period.
 */
static void
worker_inject(struct worker *w)
{
	struct rte_mbuf *pkts[BURST_MAX];
	unsigned int n, i;

	while ((n = rte_ring_sc_dequeue_burst(w->inject, (void **)pkts, BURST_MAX, NULL)) != 0) {
		for (i = 0; i < n; i++) {
			struct rte_mbuf *m = pkts[i];
			struct vc_wstate *ws = &w->vcs[m->hash.usr];

			ws->enc.returned++;
			vc_ctr_add(&ws->enc.pkts, 1);
			vc_ctr_add(&ws->enc.bytes, rte_pktmbuf_pkt_len(m));
			worker_tx(w, pkt_meta(m)->port, m, m->hash.usr);
		}
	}
}

/*
 * A VC's traffic contract for one direction. The worker sets up its own
 * meter state when it first meets a contract (a new generation), so a
 * QoS change never has the control thread write live worker state.
 */
static inline bool
worker_meter_green(uint32_t *gen, struct rte_meter_trtcm *m, uint32_t contract,
		   const struct rte_meter_trtcm_profile *prof, uint64_t now, uint32_t len)
{
	/* rte_meter only reads the profile, whatever its prototypes say */
	struct rte_meter_trtcm_profile *p = (struct rte_meter_trtcm_profile *)(uintptr_t)prof;

	if (unlikely(*gen != contract)) {
		rte_meter_trtcm_config(m, p);
		*gen = contract;
	}
	return rte_meter_trtcm_color_blind_check(m, p, now, len) == RTE_COLOR_GREEN;
}

static void
worker_net_input(struct worker *w, const struct worker_rxq *q, struct rte_mbuf **pkts, uint16_t n)
{
	const struct pkt_host *h = &w->dp->hosts[q->port];
	struct pkt_net np[BURST_MAX];
	struct rte_mbuf *data[BURST_MAX];
	uint32_t keys[BURST_MAX];
	const void *kp[BURST_MAX];
	void *fps[BURST_MAX];
	uint64_t hits = 0, now;
	unsigned int nd = 0, i;

	for (i = 0; i < PREFETCH_AHEAD && i < n; i++)
		rte_prefetch0(rte_pktmbuf_mtod(pkts[i], void *));
	for (i = 0; i < n; i++) {
		struct rte_mbuf *m = pkts[i];
		uint64_t ipck = m->ol_flags & RTE_MBUF_F_RX_IP_CKSUM_MASK;
		enum dp_drop why = DP_DROP_MALFORMED;
		enum pkt_class cls;

		if (i + PREFETCH_AHEAD < n)
			rte_prefetch0(rte_pktmbuf_mtod(pkts[i + PREFETCH_AHEAD], void *));
		if (unlikely(ipck == RTE_MBUF_F_RX_IP_CKSUM_BAD)) {
			worker_drop(w, m, DP_DROP_IP_CHECKSUM);
			continue;
		}
		/* NONE: the header's integrity was checked, its checksum field
		 * was not filled in (a virtual NIC's partial checksum) */
		cls = pkt_classify_net(rte_pktmbuf_mtod(m, const uint8_t *),
				       rte_pktmbuf_data_len(m), rte_pktmbuf_pkt_len(m),
				       ipck != RTE_MBUF_F_RX_IP_CKSUM_GOOD &&
					       ipck != RTE_MBUF_F_RX_IP_CKSUM_NONE,
				       h, &np[nd], &why);
		if ((cls == PKT_DATA || cls == PKT_CTRL) && np[nd].udp &&
		    unlikely(!pkt_udp_csum_ok(m, &np[nd]))) {
			worker_drop(w, m, DP_DROP_UDP_CHECKSUM);
			continue;
		}
		switch (cls) {
		case PKT_DATA:
			keys[nd] = np[nd].session_id;
			kp[nd] = &keys[nd];
			data[nd++] = m;
			break;
		case PKT_CTRL:
			worker_punt(w, m, PUNT_L2TP_CTRL, q->port, &np[nd], 0);
			break;
		case PKT_ARP:
			worker_punt(w, m, PUNT_ARP, q->port, &np[nd], 0);
			break;
		case PKT_ICMP:
			worker_punt(w, m, PUNT_ICMP, q->port, &np[nd], 0);
			break;
		case PKT_ICMP6:
			worker_punt(w, m, PUNT_ICMP6, q->port, &np[nd], 0);
			break;
		default:
			worker_drop(w, m, why);
			break;
		}
	}
	if (nd == 0)
		return;
	rte_hash_lookup_bulk_data(w->net_tbl, kp, nd, &hits, fps);
	for (i = 0; i < nd; i++)
		if (hits >> i & 1)
			rte_prefetch0(&w->vcs[((const struct vc_fp *)fps[i])->index].dec);
	now = rte_rdtsc();
	for (i = 0; i < nd; i++) {
		struct rte_mbuf *m = data[i];
		const struct vc_fp *fp = fps[i];
		struct vc_wstate *ws;
		enum dp_dec_drop r;

		if (!(hits >> i & 1)) {
			worker_drop(w, m, DP_DROP_UNKNOWN_SESSION);
			continue;
		}
		ws = &w->vcs[fp->index];
		r = pkt_decap(m, fp, &np[i], &ws->dec.rx_seq, &ws->dec.out_of_seq);
		if (r == DP_DEC_DROP_MAX && fp->dec_meter_gen != 0 &&
		    !worker_meter_green(&ws->dec.meter_gen, &ws->dec_meter, fp->dec_meter_gen,
					&fp->dec_meter, now, rte_pktmbuf_pkt_len(m)))
			r = DP_DEC_DROP_METER;
		if (unlikely(r != DP_DEC_DROP_MAX)) {
			vc_ctr_add(&ws->dec_drops[r], 1);
			rte_pktmbuf_free(m);
			continue;
		}
		vc_ctr_add(&ws->dec.pkts, 1);
		vc_ctr_add(&ws->dec.bytes, rte_pktmbuf_pkt_len(m));
		worker_tx(w, fp->ac_port, m, fp->index);
	}
}

/*
 * Frames from attachment circuits, in passes over the burst so that the
 * loads of each pass were prefetched by the one before: the tags and
 * the table slots they select, then the VC records, then their state.
 */
static void
worker_ac_input(struct worker *w, const struct worker_rxq *q, struct rte_mbuf **pkts, uint16_t n)
{
	const struct ac_port *ap = w->ac_tbl->port[q->port];
	struct rte_mbuf *frames[BURST_MAX];
	const struct vc_fp *fps[BURST_MAX];
	uint16_t vlan[BURST_MAX], inner[BURST_MAX];
	unsigned int nf = 0, i;
	uint64_t now;

	for (i = 0; i < PREFETCH_AHEAD && i < n; i++)
		rte_prefetch0(rte_pktmbuf_mtod(pkts[i], void *));
	for (i = 0; i < n; i++) {
		struct rte_mbuf *m = pkts[i];

		if (i + PREFETCH_AHEAD < n)
			rte_prefetch0(rte_pktmbuf_mtod(pkts[i + PREFETCH_AHEAD], void *));
		if (unlikely(pkt_ac_tags(rte_pktmbuf_mtod(m, const uint8_t *),
					 rte_pktmbuf_data_len(m), &vlan[nf], &inner[nf]) < 0)) {
			worker_drop(w, m, DP_DROP_MALFORMED);
			continue;
		}
		rte_prefetch0(ac_tbl_slot(ap, vlan[nf], inner[nf]));
		frames[nf++] = m;
	}
	for (i = 0; i < nf; i++) {
		fps[i] = ac_tbl_lookup(ap, vlan[i], inner[i]);
		if (fps[i] != NULL) {
			rte_prefetch0(fps[i]);
			rte_prefetch0(fps[i]->hdr);
			rte_prefetch0(fps[i]->hdr + VC_HDR_MAX - 1);
		}
	}
	for (i = 0; i < nf; i++)
		if (fps[i] != NULL)
			rte_prefetch0(&w->vcs[fps[i]->index].enc);
	now = rte_rdtsc();
	for (i = 0; i < nf; i++) {
		struct rte_mbuf *m = frames[i];
		const struct vc_fp *fp = fps[i];
		struct vc_wstate *ws;
		enum dp_enc_drop r;
		uint64_t mac;

		if (fp == NULL) {
			worker_drop(w, m, DP_DROP_UNKNOWN_AC);
			continue;
		}
		ws = &w->vcs[fp->index];
		if (unlikely(fp->flags & VC_F_REMOTE_DOWN)) {
			vc_ctr_add(&ws->enc_drops[DP_ENC_DROP_REMOTE_DOWN], 1);
			rte_pktmbuf_free(m);
			continue;
		}
		if (fp->enc_meter_gen != 0 &&
		    !worker_meter_green(&ws->enc.meter_gen, &ws->enc_meter, fp->enc_meter_gen,
					&fp->enc_meter, now, rte_pktmbuf_pkt_len(m))) {
			vc_ctr_add(&ws->enc_drops[DP_ENC_DROP_METER], 1);
			rte_pktmbuf_free(m);
			continue;
		}
		mac = __atomic_load_n(&fp->nh->mac_word, __ATOMIC_RELAXED);
		r = pkt_encap(m, fp, mac, &ws->enc.tx_seq);
		if (unlikely(r != DP_ENC_DROP_MAX)) {
			vc_ctr_add(&ws->enc_drops[r], 1);
			rte_pktmbuf_free(m);
			continue;
		}
		if (unlikely(!(mac & NEIGH_MAC_VALID) || ws->enc.held) &&
		    worker_must_hold(w, ws, fp->index, mac)) {
			/* The control thread sends it once the next hop
			 * answers, and counts it then. */
			if (worker_punt(w, m, PUNT_NEIGH, fp->net_port, NULL, fp->index)) {
				ws->enc.punted++;
				ws->enc.held = 1;
				vc_ctr_add(&w->st.held, 1);
			}
			continue;
		}
		vc_ctr_add(&ws->enc.pkts, 1);
		vc_ctr_add(&ws->enc.bytes, rte_pktmbuf_pkt_len(m));
		worker_tx(w, fp->net_port, m, fp->index);
	}
}

static void
worker_flush_all(struct worker *w)
{
	struct dp *dp = w->dp;
	unsigned int p;

	for (p = 0; p < dp->n_ports; p++)
		if (w->tx[p].n != 0)
			worker_tx_flush(w, (uint8_t)p);
}

/* Wake the control thread if it sleeps with punted packets pending.
 * The fence orders our enqueue before reading its flag, as its own
 * fence orders setting the flag before checking the rings. */
static void
worker_wake_control(struct worker *w)
{
	struct dp *dp = w->dp;
	uint64_t one = 1;

	rte_atomic_thread_fence(__ATOMIC_SEQ_CST);
	if (__atomic_load_n(&dp->sleeping, __ATOMIC_RELAXED) &&
	    write(dp->wake_fd, &one, sizeof(one)) < 0)
		RTE_LOG_DP(DEBUG, USER1, "wake-up write failed\n");
}

int
worker_main(void *arg)
{
	struct worker *w = arg;
	struct dp *dp = w->dp;
	struct rte_mbuf *pkts[BURST_MAX];
	unsigned int idle = 0, sleep_us = 1, i;
	uint64_t punted;

	rte_rcu_qsbr_thread_register(dp->qsv, w->index);
	rte_rcu_qsbr_thread_online(dp->qsv, w->index);
	DP_LOG(INFO, "worker %u on lcore %u: %u RX queues", w->index, w->lcore, w->n_rxq);

	while (!__atomic_load_n(&dp->quit, __ATOMIC_RELAXED)) {
		uint32_t got = 0;

		punted = w->st.punted + w->st.held;
		worker_inject(w);
		for (i = 0; i < w->n_rxq; i++) {
			const struct worker_rxq *q = &w->rxq[i];
			uint16_t n =
				rte_eth_rx_burst(q->port_id, q->queue, pkts, (uint16_t)dp->burst);

			if (n == 0)
				continue;
			got += n;
			if (q->network)
				worker_net_input(w, q, pkts, n);
			else
				worker_ac_input(w, q, pkts, n);
		}
		worker_flush_all(w);
		if (w->st.punted + w->st.held != punted)
			worker_wake_control(w);
		/* No VC record is held past this point. */
		rte_rcu_qsbr_quiescent(dp->qsv, w->index);
		vc_ctr_add(&w->st.polls, 1);
		if (got != 0) {
			vc_ctr_add(&w->st.rx_pkts, got);
			idle = 0;
			sleep_us = 1;
			continue;
		}
		if (dp->idle_sleep_us != 0 && ++idle >= dp->idle_polls) {
			/* Offline while asleep, so that no deletion waits
			 * for an idle worker. */
			rte_rcu_qsbr_thread_offline(dp->qsv, w->index);
			rte_delay_us_sleep(sleep_us);
			rte_rcu_qsbr_thread_online(dp->qsv, w->index);
			vc_ctr_add(&w->st.idle_sleeps, 1);
			sleep_us = RTE_MIN(sleep_us * 2, dp->idle_sleep_us);
		}
	}
	worker_flush_all(w);
	rte_rcu_qsbr_thread_offline(dp->qsv, w->index);
	rte_rcu_qsbr_thread_unregister(dp->qsv, w->index);
	DP_LOG(INFO, "worker %u stopped", w->index);
	return 0;
}

static struct rte_hash *
worker_table(const char *kind, unsigned int index, unsigned int entries, int socket)
{
	char name[RTE_HASH_NAMESIZE];
	struct rte_hash_parameters hp = {
		.name = name,
		.entries = entries,
		.key_len = sizeof(uint32_t),
		.hash_func = rte_hash_crc,
		.socket_id = socket,
		/* One writer (the control thread), lock-free readers; the
		 * extendable table guarantees the configured capacity. */
		.extra_flag =
			RTE_HASH_EXTRA_FLAGS_RW_CONCURRENCY_LF | RTE_HASH_EXTRA_FLAGS_EXT_TABLE,
	};

	snprintf(name, sizeof(name), "vc_%s_w%u", kind, index);
	return rte_hash_create(&hp);
}

struct worker *
worker_create(struct dp *dp, unsigned int index, unsigned int lcore, unsigned int max_vcs,
	      unsigned int table_size, unsigned int punt_size)
{
	int socket = (int)rte_lcore_to_socket_id(lcore);
	char name[RTE_RING_NAMESIZE];
	struct worker *w;
	uint64_t ac = 0;
	bool net = false;
	unsigned int i;

	w = rte_zmalloc_socket("worker", sizeof(*w), RTE_CACHE_LINE_SIZE, socket);
	if (w == NULL)
		return NULL;
	w->dp = dp;
	w->index = index;
	w->lcore = lcore;
	for (i = 0; i < dp->n_ports; i++) {
		if (!(dp->port_workers[i] & UINT64_C(1) << index))
			continue;
		if (dp->ports[i].network)
			net = true;
		else
			ac |= UINT64_C(1) << i;
	}
	w->vcs = rte_zmalloc_socket("vc_wstate", (size_t)max_vcs * sizeof(*w->vcs),
				    RTE_CACHE_LINE_SIZE, socket);
	w->max_vcs = max_vcs;
	w->ctrl_dropped =
		rte_zmalloc_socket("vc_ctrl_dropped", (size_t)max_vcs * sizeof(*w->ctrl_dropped),
				   RTE_CACHE_LINE_SIZE, socket);
	snprintf(name, sizeof(name), "punt_w%u", index);
	w->punt = rte_ring_create(name, punt_size, socket, RING_F_SP_ENQ | RING_F_SC_DEQ);
	snprintf(name, sizeof(name), "inject_w%u", index);
	w->inject = rte_ring_create(name, punt_size, socket, RING_F_SP_ENQ | RING_F_SC_DEQ);
	if (ac != 0)
		w->ac_tbl = ac_tbl_create(ac, socket);
	if (net)
		w->net_tbl = worker_table("net", index, table_size, socket);
	if (w->vcs == NULL || w->ctrl_dropped == NULL || w->punt == NULL || w->inject == NULL ||
	    (ac != 0 && w->ac_tbl == NULL) || (net && w->net_tbl == NULL)) {
		DP_LOG(ERR, "worker %u: out of memory for %u VCs", index, max_vcs);
		worker_destroy(w);
		return NULL;
	}
	return w;
}

void
worker_destroy(struct worker *w)
{
	struct rte_mbuf *m;

	if (w == NULL)
		return;
	if (w->punt != NULL) {
		while (rte_ring_sc_dequeue(w->punt, (void **)&m) == 0)
			rte_pktmbuf_free(m);
		rte_ring_free(w->punt);
	}
	if (w->inject != NULL) {
		while (rte_ring_sc_dequeue(w->inject, (void **)&m) == 0)
			rte_pktmbuf_free(m);
		rte_ring_free(w->inject);
	}
	ac_tbl_destroy(w->ac_tbl);
	rte_hash_free(w->net_tbl);
	/* Slots of deleted VCs are poisoned (vc.c); rte_free writes them. */
	if (w->vcs != NULL)
		ASAN_UNPOISON_MEMORY_REGION(w->vcs, (size_t)w->max_vcs * sizeof(*w->vcs));
	rte_free(w->vcs);
	rte_free(w->ctrl_dropped);
	rte_free(w);
}
