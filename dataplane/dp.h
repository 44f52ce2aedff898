/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The data plane as the control thread sees it: the CoNDIS miniport.
 *
 * It owns ports, worker lcores and the per-worker VC tables, and offers
 * the VC life cycle (create, activate, re-activate, deactivate, delete),
 * counters, and the punt/transmit path for control traffic. Everything
 * here is called from the control thread only; workers never call back
 * into it. This is the one header controlplane/ includes from
 * dataplane/.
 */
#ifndef VCS_DP_H
#define VCS_DP_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "addr.h"
#include "l2tp.h"

struct cfg;
struct dp;
struct dp_vc;
struct rte_mbuf;

#define DP_MAX_PORTS   32
#define DP_MAX_WORKERS 64
#define DP_NAME_MAX    32

/* Drops a worker counts without a VC to charge them to. */
#define DP_GLOBAL_DROPS(X)                     \
	X(MALFORMED, "malformed")              \
	X(NOT_FOR_US, "not_for_us")            \
	X(IP_CHECKSUM, "ip_checksum")          \
	X(UDP_CHECKSUM, "udp_checksum")        \
	X(FRAGMENT, "ip_fragment")             \
	X(UNSUPPORTED, "unsupported_protocol") \
	X(L2TP_VERSION, "l2tp_version")        \
	X(UNKNOWN_SESSION, "unknown_session")  \
	X(UNKNOWN_AC, "unknown_ac")            \
	X(PUNT_FULL, "punt_ring_full")

/* Drops charged to a VC, AC -> network (encapsulation). */
#define DP_ENCAP_DROPS(X)             \
	X(MTU, "mtu_exceeded")        \
	X(NO_HEADROOM, "no_headroom") \
	X(NO_ROUTE, "no_route")       \
	X(REMOTE_DOWN, "remote_down") \
	X(METER, "meter")             \
	X(TX_FULL, "tx_full")

/* Drops charged to a VC, network -> AC (decapsulation). */
#define DP_DECAP_DROPS(X)           \
	X(WRONG_PEER, "wrong_peer") \
	X(COOKIE, "bad_cookie")     \
	X(SEQUENCE, "sequence")     \
	X(TRUNCATED, "truncated")   \
	X(METER, "meter")           \
	X(TX_FULL, "tx_full")

#define DP_ENUM_GLOBAL(n, s) DP_DROP_##n,
#define DP_ENUM_ENCAP(n, s)  DP_ENC_DROP_##n,
#define DP_ENUM_DECAP(n, s)  DP_DEC_DROP_##n,
enum dp_drop { DP_GLOBAL_DROPS(DP_ENUM_GLOBAL) DP_DROP_MAX };
enum dp_enc_drop { DP_ENCAP_DROPS(DP_ENUM_ENCAP) DP_ENC_DROP_MAX };
enum dp_dec_drop { DP_DECAP_DROPS(DP_ENUM_DECAP) DP_DEC_DROP_MAX };
#undef DP_ENUM_GLOBAL
#undef DP_ENUM_ENCAP
#undef DP_ENUM_DECAP

extern const char *const dp_drop_names[DP_DROP_MAX];
extern const char *const dp_enc_drop_names[DP_ENC_DROP_MAX];
extern const char *const dp_dec_drop_names[DP_DEC_DROP_MAX];

/* A traffic contract for one direction, enforced with a two-rate
 * three-colour meter (RFC 2698); anything not green (within both
 * buckets) is dropped. */
struct dp_meter {
	uint64_t rate;	      /* committed, bytes/s; 0: no contract */
	uint64_t bucket;      /* committed burst, bytes */
	uint64_t peak;	      /* bytes/s, >= rate; 0: the committed rate */
	uint64_t peak_bucket; /* bytes; 0: the committed bucket */
};

/* What a VC carries: the media parameters of an L2TPv3 Ethernet PW. */
struct dp_vc_params {
	/* attachment circuit */
	uint16_t ac_port;	/* dp port index of an access port */
	uint16_t ac_vlan;	/* 1..4094, or 0 for the whole port */
	uint16_t ac_inner_vlan; /* 1..4094 with ac_vlan: QinQ (S-tag ac_vlan) */
	enum l2tp_pw_type pw_type;
	/* pseudowire */
	enum l2tp_encap encap;
	uint16_t udp_local_port;
	uint16_t udp_remote_port;
	bool udp_checksum;
	struct vcs_addr local; /* selects the network port */
	struct vcs_addr remote;
	uint32_t local_session_id;  /* what we receive */
	uint32_t remote_session_id; /* what we send */
	uint8_t local_cookie_len;
	uint8_t remote_cookie_len;
	uint8_t local_cookie[L2TP_COOKIE_MAX];
	uint8_t remote_cookie[L2TP_COOKIE_MAX];
	/* each end says how it wants to receive (RFC 3931 §5.4.4), so the
	 * sublayer may differ by direction */
	enum l2tp_l2ss l2ss_send, l2ss_recv;
	bool seq_send;
	bool seq_recv;
	/* The peer signalled its circuit is not active (RFC 3931 §5.4.5). */
	bool remote_down;
	/* AC frame bytes into the pseudowire (encap) and out of it (decap) */
	struct dp_meter enc_meter, dec_meter;
};

struct dp_vc_stats {
	uint64_t enc_pkts, enc_bytes; /* AC -> network, transmitted */
	uint64_t dec_pkts, dec_bytes; /* network -> AC, transmitted */
	uint64_t enc_drops[DP_ENC_DROP_MAX];
	uint64_t dec_drops[DP_DEC_DROP_MAX];
};

struct dp_stats {
	uint64_t rx_pkts;  /* everything the workers received */
	uint64_t enc_pkts; /* frames encapsulated and sent (all VCs, including deleted ones) */
	uint64_t dec_pkts; /* frames decapsulated and sent */
	uint64_t punted;   /* handed to the control thread */
	uint64_t drops[DP_DROP_MAX];
	uint64_t enc_drops[DP_ENC_DROP_MAX]; /* all VCs, including deleted ones */
	uint64_t dec_drops[DP_DEC_DROP_MAX];
	uint64_t polls;
	uint64_t idle_sleeps;
};

/* Start-up: configure and start every port of c, create the pool, the
 * tables and the workers' state. Returns NULL and logs why on failure.
 * EAL must be initialised and every port's device probed. */
struct dp *dp_create(const struct cfg *c);

/* Launch the workers on their lcores. */
int dp_start(struct dp *dp);

/* Stop and join the workers; afterwards every VC reclaims at once. */
void dp_stop(struct dp *dp);

/* Release everything: VCs, held packets, ports. Returns the number of
 * mbufs missing from the pool afterwards (0 when all came back). */
int dp_destroy(struct dp *dp);

/*
 * Control-thread service: reclaim VCs whose grace period ended (firing
 * their deactivate completions), handle punted packets (ARP, ND, ICMP
 * echo, L2TP control), run neighbour timers and watch link state.
 * Returns how many milliseconds may pass before the next call.
 */
int dp_poll(struct dp *dp);

/* Becomes readable when a worker punts to a sleeping control thread. */
int dp_wake_fd(const struct dp *dp);

/* Around a blocking wait: tell workers to signal dp_wake_fd. Returns
 * false (and stays awake) if work is already pending. */
bool dp_sleep_begin(struct dp *dp);
void dp_sleep_end(struct dp *dp);

/* An L2TP control message, received or to send. */
struct dp_ctrl_msg {
	uint16_t port; /* dp port index it arrived on; ignored on send */
	enum l2tp_encap encap;
	struct vcs_addr src, dst;
	uint16_t src_port, dst_port; /* UDP only */
	const uint8_t *data; /* from the control header (after the zero session ID over IP) */
	uint32_t len;
};

/* Called for every L2TP control message received: over IP, and over UDP
 * to a port that carries L2TP (dp_udp_port_ref). */
typedef void (*dp_ctrl_rx_fn)(void *arg, const struct dp_ctrl_msg *msg);
void dp_set_ctrl_rx(struct dp *dp, dp_ctrl_rx_fn fn, void *arg);

/*
 * Send an L2TP control message from the network port that owns msg->src
 * to msg->dst, on-link or through the port's gateway: over IP with the
 * zero session ID, or over UDP with a checksum (RFC 3931 §4.1.2.3). It
 * leaves at once if the next hop's MAC is known, else it is held (at
 * most dataplane.neigh_pending_max per next hop, with the data's held
 * packets) and sent by dp_poll() once the next hop answers, or dropped
 * and counted if it does not. msg->data is copied before the return.
 *
 * 0: sent or held. -EINVAL: not a message we can send (encapsulation,
 * address families, empty, UDP port 0); -EADDRNOTAVAIL: no network
 * port owns src; -ENETUNREACH: dst off-link and no gateway; -ENETDOWN:
 * the port's link is down; -EMSGSIZE: larger than the port's MTU
 * allows (DF is set); -ENOMEM: no mbuf or neighbour entry; -ENOBUFS:
 * the next hop's hold queue is full. Every failure is counted
 * (l2tp_ctrl_tx_drops).
 */
int dp_ctrl_send(struct dp *dp, const struct dp_ctrl_msg *msg);

/*
 * UDP ports that carry L2TP. A UDP packet to one of our addresses is
 * L2TP only if its destination port holds a reference: then a control
 * message (T=1) goes to the ctrl_rx handler and data (T=0) to its
 * session; otherwise it is dropped as unsupported_protocol. Every
 * active VC over UDP holds one on its local port; the control plane
 * takes one for each port it receives control messages on (1701, its
 * connections' own ports). The port stops carrying L2TP when its last
 * reference goes. dp_udp_port_unref() on a port without a reference
 * changes nothing and returns -ENOENT.
 */
void dp_udp_port_ref(struct dp *dp, uint16_t port);
int dp_udp_port_unref(struct dp *dp, uint16_t port);

/* Link state changes, as the control thread notices them. */
typedef void (*dp_link_fn)(void *arg, uint16_t port, bool up);
void dp_set_link_cb(struct dp *dp, dp_link_fn fn, void *arg);

/* Ports. */
unsigned int dp_port_count(const struct dp *dp);
const char *dp_port_name(const struct dp *dp, uint16_t port);
int dp_port_find(const struct dp *dp, const char *name);
bool dp_port_link_up(const struct dp *dp, uint16_t port);

/*
 * VC life cycle. A VC is created inactive; activation installs it in
 * the tables of every worker that can receive it. Deactivation removes
 * it from every table before returning (no new packet can find it) and
 * completes after all workers have passed a quiescent state: at that
 * point no packet of the VC is in flight. Only an inactive VC can be
 * deleted or activated afresh.
 */
typedef void (*dp_vc_done_fn)(struct dp_vc *vc, void *arg);

/* Returns NULL with rte_errno = ENOSPC when max_vcs VCs exist. */
struct dp_vc *dp_vc_create(struct dp *dp, const char *name);

/* 0, or -EINVAL (bad params), -EEXIST (session ID or AC taken),
 * -ENETUNREACH (no port owns local / no route to remote), -ENOSPC,
 * -EBUSY (deactivation pending). On an active VC this re-activates
 * with new params (same AC and local session ID); on failure the old
 * params stay in force. */
int dp_vc_activate(struct dp_vc *vc, const struct dp_vc_params *p);

/* 1: pending, done(vc, arg) follows from dp_poll(); -EALREADY: the VC
 * is not active; -EBUSY: a deactivation is already pending. */
int dp_vc_deactivate(struct dp_vc *vc, dp_vc_done_fn done, void *arg);

/* 0, or -EBUSY while the VC is active or deactivating. */
int dp_vc_delete(struct dp_vc *vc);

bool dp_vc_is_active(const struct dp_vc *vc);
const char *dp_vc_name(const struct dp_vc *vc);
void dp_vc_set_name(struct dp_vc *vc, const char *name);
const struct dp_vc_params *dp_vc_get_params(const struct dp_vc *vc);
void dp_vc_get_stats(const struct dp_vc *vc, struct dp_vc_stats *st);

/* Iterate VCs in creation order of their slots; NULL ends. */
struct dp_vc *dp_vc_next(struct dp *dp, struct dp_vc *prev);
unsigned int dp_vc_count(const struct dp *dp);
unsigned int dp_vc_retiring(const struct dp *dp);

void dp_get_stats(const struct dp *dp, struct dp_stats *st);

#define DP_DUMP_VCS_MAX 1024

/* Print the counters (global, ports, host, each VC up to
 * DP_DUMP_VCS_MAX) to f. */
void dp_dump(struct dp *dp, FILE *f);

/*
 * Telemetry commands of any layer. fn runs in the telemetry thread while
 * the control thread is parked between two events, so it may read
 * control-thread state; it must not block.
 */
struct rte_tel_data;
typedef int (*dp_telemetry_fn)(const char *cmd, const char *params, struct rte_tel_data *d);
int dp_telemetry_register(const char *cmd, dp_telemetry_fn fn, const char *help);
/* The key of entry i in a reply keyed by position ("0", "1", ...): user
 * names may hold characters telemetry refuses in keys, and DPDK 22.11
 * nests no dict in an array, so such entries carry their "name". */
const char *dp_telemetry_index(char *buf, size_t len, unsigned int i);

#endif
