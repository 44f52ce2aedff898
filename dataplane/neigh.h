/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Neighbours (ARP and IPv6 ND state) of each network port, kept by the
 * control thread. A VC's record points at its next hop's struct neigh;
 * workers read only its mac_word, which the control thread replaces
 * with one 64-bit store, so a MAC change never needs a new VC record.
 * Packets for a next hop still unresolved wait here, boundedly: those
 * workers encapsulated, and the control thread's own L2TP control
 * messages, in one FIFO per next hop.
 */
#ifndef VCS_NEIGH_H
#define VCS_NEIGH_H

#include <stdbool.h>
#include <stdint.h>

#include <rte_common.h>

#include "addr.h"

struct dp;
struct dp_port;
struct rte_mbuf;
struct neigh_table;

/* A next hop the control thread has sent nothing through for this long
 * loses its reference: twice L2TP's usual hello interval (60 s), so a
 * live control connection keeps it. */
#define NEIGH_CTRL_IDLE_MS 120000

/* mac_word: the MAC in its first 6 bytes (memory order), this bit set
 * once it is known. */
#define NEIGH_MAC_VALID (UINT64_C(1) << 48)

struct neigh {
	uint64_t mac_word; /* the only field workers read */
} __rte_cache_aligned;

struct neigh_stats {
	uint64_t requests_sent; /* ARP requests and neighbour solicitations */
	uint64_t resolved;
	uint64_t held;	   /* packets queued for resolution */
	uint64_t released; /* ...and handed back to their worker (or, the control
			    * thread's own, sent) once it came */
	uint64_t no_route; /* ...or dropped: queue full, resolution failed, VC closed */
	uint64_t tx_full;  /* ...or dropped: the TX queue kept refusing them */
	unsigned int entries;
};

struct neigh_table *neigh_table_create(struct dp *dp, struct dp_port *port,
				       unsigned int pending_max);
void neigh_table_destroy(struct neigh_table *t);

/* Static entry from the configuration; never expires. */
int neigh_add_static(struct neigh_table *t, const struct vcs_addr *ip, const uint8_t mac[6]);

/* Reference the next hop ip, creating the entry and starting its
 * resolution if needed. NULL when out of memory. */
struct neigh *neigh_get(struct neigh_table *t, const struct vcs_addr *ip);

/* Drop a reference. Only once no published VC record points at n. */
void neigh_put(struct neigh_table *t, struct neigh *n);

/* A sender's address seen in ARP or ND: refresh an entry we keep. */
void neigh_learn(struct neigh_table *t, const struct vcs_addr *ip, const uint8_t mac[6]);

/* An encapsulated packet of VC vc_index that worker handed over: held
 * while n is unresolved, sent at once when it is (the worker or vc_held_dropped counts it). */
void neigh_hold(struct neigh_table *t, struct neigh *n, struct rte_mbuf *m, uint8_t worker,
		uint32_t vc_index);

/* The next hop ip of a message the control thread sends itself,
 * created and resolved if needed. The control thread holds its own
 * reference, which lapses once it has sent nothing through the entry
 * for NEIGH_CTRL_IDLE_MS: a control connection keeps its peer's MAC
 * between messages, however few VCs use that next hop. NULL when out of
 * memory. */
struct neigh *neigh_get_ctrl(struct neigh_table *t, const struct vcs_addr *ip);

/* Send m, which the control thread built for next hop n (its MAC in
 * place if n is resolved), on the port's control TX queue: at once if n
 * is resolved and nothing waits before it, else held behind what waits
 * and sent when n answers (or dropped and counted if it does not). 0:
 * sent or held; -ENOBUFS: n's queue is full, m dropped and counted. */
int neigh_send_ctrl(struct neigh_table *t, struct neigh *n, struct rte_mbuf *m);

/* Drop every held packet of VC vc_index, as no_route. */
void neigh_purge_vc(struct neigh_table *t, struct neigh *n, uint32_t vc_index);

/* The port's link came up: ask for every unresolved neighbour now. */
void neigh_link_up(struct neigh_table *t);

/* Retransmit solicitations, refresh entries, retry held packets the TX
 * queue refused; now in milliseconds. True while such packets wait. */
bool neigh_timer(struct neigh_table *t, uint64_t now_ms);

void neigh_get_stats(const struct neigh_table *t, struct neigh_stats *st);

#endif
