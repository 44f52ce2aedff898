/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The control thread's side of punted packets: vcswitch as an IP host on
 * its network ports (ARP, ICMP echo, IPv6 neighbour discovery and echo),
 * L2TP control messages up to the registered handler, and encapsulated
 * packets that wait for their next hop.
 */
#ifndef VCS_HOST_H
#define VCS_HOST_H

#include <stdint.h>

struct dp;
struct dp_port;
struct rte_mbuf;

/* Consume one punted packet. */
void host_input(struct dp *dp, struct rte_mbuf *m);

/* Ask for the MAC of an on-link address (ARP request or neighbour
 * solicitation). */
void host_solicit_v4(struct dp *dp, struct dp_port *p, uint32_t target_be);
void host_solicit_v6(struct dp *dp, struct dp_port *p, const uint8_t target[16]);

#endif
