/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Worker lcores: the poll loop, its per-lcore state and its VC tables.
 * A struct worker is written only by its own lcore once launched, with
 * two exceptions made safe by construction: the control thread writes
 * the tables (circuit arrays of RCU pointers; rte_hash lock-free
 * read/write concurrency for sessions; one writer) and
 * the per-VC state of VCs no worker can reach (after a grace period).
 */
#ifndef VCS_WORKER_H
#define VCS_WORKER_H

#include <stdint.h>

#include <rte_common.h>

#include "dp.h"
#include "vc.h"

struct ac_tbl;
struct dp;
struct rte_hash;
struct rte_mbuf;
struct rte_ring;

#define WORKER_MAX_RXQ 64
#define WORKER_TXBUF   64 /* a TX buffer is flushed when full and once per loop */

struct worker_rxq {
	uint16_t port_id;
	uint16_t queue;
	uint8_t port; /* dp port index */
	bool network;
};

struct worker_txbuf {
	uint16_t n;
	struct rte_mbuf *pkts[WORKER_TXBUF];
};

struct worker_stats {
	uint64_t rx_pkts;
	uint64_t punted; /* to the control thread, to be answered or consumed there */
	uint64_t held;	 /* encapsulated, held there until their next hop answers */
	uint64_t polls;
	uint64_t idle_sleeps;
	uint64_t drops[DP_DROP_MAX];
};

struct worker {
	/* set by the control thread before launch; read-only afterwards */
	struct dp *dp;
	unsigned int lcore;
	unsigned int index; /* RCU thread id, and the TX queue on every port */
	unsigned int n_rxq;
	struct worker_rxq rxq[WORKER_MAX_RXQ];
	struct ac_tbl *ac_tbl;	  /* (port, VLAN, inner VLAN) -> struct vc_fp */
	struct rte_hash *net_tbl; /* session ID -> struct vc_fp */
	struct vc_wstate *vcs;	  /* indexed by VC slot */
	unsigned int max_vcs;
	/* Per VC slot: how many of the packets this worker handed over to be
	 * held the control thread dropped (vc_held_dropped writes it). */
	uint32_t *ctrl_dropped;
	/* Held packets coming back to be sent, once their next hop answered;
	 * the control thread produces, this worker consumes. */
	struct rte_ring *inject;
	struct rte_ring *punt; /* single producer (this worker), single consumer */

	/* this lcore's alone */
	struct worker_stats st __rte_cache_aligned;
	struct worker_txbuf tx[DP_MAX_PORTS] __rte_cache_aligned;
} __rte_cache_aligned;

struct worker *worker_create(struct dp *dp, unsigned int index, unsigned int lcore,
			     unsigned int max_vcs, unsigned int table_size, unsigned int punt_size);
void worker_destroy(struct worker *w);

/* lcore entry point; arg is the struct worker. */
int worker_main(void *arg);

#endif
