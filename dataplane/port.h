/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Ports: ethdev configuration and the addresses vcswitch owns on each.
 * Workers read struct dp_port (never write it) after start; TX queue w
 * belongs to worker w, and on network ports the last TX queue belongs
 * to the control thread.
 */
#ifndef VCS_PORT_H
#define VCS_PORT_H

#include <stdbool.h>
#include <stdint.h>

#include <rte_byteorder.h>
#include <rte_ether.h>

#include "dp.h"

struct cfg_port;
struct rte_mempool;
struct neigh_table;

struct dp_port {
	char name[DP_NAME_MAX];
	uint16_t id; /* ethdev port id */
	uint8_t index;
	bool network;
	uint16_t n_rxq;
	uint16_t n_txq;
	uint16_t ctrl_txq; /* network ports: the control thread's TX queue */
	uint16_t mtu;
	bool csum_offload;    /* IPv4 header and UDP checksums done by the NIC */
	rte_be16_t qinq_tpid; /* access ports: the TPID of the S-tags we push */
	struct rte_ether_addr mac;
	/* network ports: our addresses, in network byte order */
	bool has_v4, has_v6;
	rte_be32_t v4;
	uint8_t v4_len;
	rte_be32_t v4_gw; /* 0: none */
	uint8_t v6[16];
	uint8_t v6_len;
	bool has_v6_gw;
	uint8_t v6_gw[16];
	bool lsc; /* the PMD raises RTE_ETH_EVENT_INTR_LSC */
	/* control thread only */
	bool link_up;
	struct neigh_table *neigh;
};

/* Configure and start one port; TX queues: one per worker, plus one for
 * the control thread on network ports. Returns 0 or -1 (logged). */
int port_init(struct dp_port *p, uint8_t index, const struct cfg_port *cp, unsigned int n_workers,
	      struct rte_mempool *mp);

void port_close(struct dp_port *p);

/* True if addr is one of p's addresses. */
bool port_owns_v4(const struct dp_port *p, rte_be32_t addr);
bool port_owns_v6(const struct dp_port *p, const uint8_t addr[16]);

#endif
