/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * struct dp, shared by the data plane's modules. Workers read the
 * fields marked so; everything else belongs to the control thread.
 */
#ifndef VCS_DP_PRIV_H
#define VCS_DP_PRIV_H

#include <stdbool.h>
#include <stdint.h>

#include <rte_mbuf.h>
#include <rte_mbuf_dyn.h>

#include "dp.h"
#include "pkt.h"
#include "port.h"

struct rte_mempool;
struct rte_rcu_qsbr;
struct vc_store;
struct worker;

/* Why a worker handed a packet to the control thread. */
enum punt_reason {
	PUNT_ARP,
	PUNT_ICMP,
	PUNT_ICMP6,
	PUNT_L2TP_CTRL,
	PUNT_NEIGH, /* encapsulated, waiting for the next hop's MAC */
	PUNT_REASON_MAX,
};

/* Per-mbuf metadata (an mbuf dynamic field) for punted packets and for
 * charging a failed transmit to its VC. */
struct pkt_meta {
	uint32_t vc_index;
	uint16_t l3_off;
	uint16_t l4_off;
	uint16_t ctrl_off;
	uint16_t end;
	uint8_t reason;
	uint8_t port;
	uint8_t worker;
	uint8_t udp;
	uint8_t v6;
};

extern int pkt_meta_offset;

static inline struct pkt_meta *
pkt_meta(struct rte_mbuf *m)
{
	return RTE_MBUF_DYNFIELD(m, pkt_meta_offset, struct pkt_meta *);
}

/* Why an L2TP control message given to dp_ctrl_send() did not leave. */
#define HOST_CTRL_DROPS(X)          \
	X(INVALID, "invalid")       \
	X(NO_PORT, "no_port")       \
	X(NO_ROUTE, "no_route")     \
	X(LINK_DOWN, "link_down")   \
	X(TOO_BIG, "too_big")       \
	X(NO_MEMORY, "no_memory")   \
	X(UNRESOLVED, "unresolved") \
	X(TX_FULL, "tx_full")

#define HOST_ENUM_CTRL(n, s) HOST_CTRL_DROP_##n,
enum host_ctrl_drop { HOST_CTRL_DROPS(HOST_ENUM_CTRL) HOST_CTRL_DROP_MAX };
#undef HOST_ENUM_CTRL

extern const char *const host_ctrl_drop_names[HOST_CTRL_DROP_MAX];

/* Control-thread counters for what it does on the wire itself. */
struct host_stats {
	uint64_t punted[PUNT_REASON_MAX];
	uint64_t arp_replies;
	uint64_t icmp_echo_replies;
	uint64_t nd_adverts;
	uint64_t l2tp_ctrl_unhandled;
	uint64_t bad;	  /* punted packets that failed validation */
	uint64_t ignored; /* valid but not for us to answer */
	uint64_t tx_full;
	/* dp_ctrl_send(): every call ends as one of sent at once, held, or
	 * a drop; every held message later as sent or a drop */
	uint64_t l2tp_ctrl_tx;	    /* on the wire (the TX queue took it) */
	uint64_t l2tp_ctrl_tx_held; /* waited for its next hop */
	uint64_t l2tp_ctrl_tx_drops[HOST_CTRL_DROP_MAX];
};

struct dp {
	/* read by workers */
	struct pkt_host hosts[DP_MAX_PORTS];
	struct dp_port ports[DP_MAX_PORTS];
	struct rte_rcu_qsbr *qsv;
	uint8_t *udp_ports; /* bitmap: UDP ports that carry L2TP */
	unsigned int n_ports;
	unsigned int burst;
	unsigned int idle_polls;
	unsigned int idle_sleep_us;
	uint32_t seq_window; /* RFC 3931 Appendix C, copied into every vc_fp */
	uint16_t seq_resync;
	bool quit;
	/* The control thread writes this at every turn of its loop: a line
	 * of its own, so that it does not disturb what workers read. */
	int sleeping __rte_cache_aligned; /* control thread waits on wake_fd */
	int wake_fd;
	int link_event; /* set by EAL's interrupt thread: a port's link changed */

	/* control thread */
	unsigned int n_workers;
	struct worker *workers[DP_MAX_WORKERS];
	uint64_t port_workers[DP_MAX_PORTS]; /* bit w: worker w polls the port */
	struct rte_mempool *pool;
	unsigned int pool_size;
	struct vc_store *vcs;
	uint32_t *udp_port_refs; /* [65536] */
	bool running;
	dp_ctrl_rx_fn ctrl_rx;
	void *ctrl_arg;
	dp_link_fn link_cb;
	void *link_arg;
	struct host_stats host;
	uint64_t next_link_check_ms;
};

/* Transmit on a network port's control TX queue; false (m freed, the
 * drop counted) if the queue is full. */
bool dp_ctrl_xmit(struct dp *dp, struct dp_port *p, struct rte_mbuf *m);
/* Give an encapsulated packet (its VC slot in hash.usr, its network
 * port in its pkt_meta) back to worker to send; false if its inject ring
 * is full. */
bool dp_inject(struct dp *dp, uint8_t worker, struct rte_mbuf *m);

/* The network port that owns local, and the next hop toward remote:
 * remote itself when on-link, else the port's gateway. -EADDRNOTAVAIL
 * if no network port owns local, -ENETUNREACH if remote is off-link and
 * the port has no gateway. */
int dp_route(const struct dp *dp, const struct vcs_addr *local, const struct vcs_addr *remote,
	     uint8_t *port, struct vcs_addr *nh);

#endif
