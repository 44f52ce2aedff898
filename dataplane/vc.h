/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * VCs: the record workers read (struct vc_fp, immutable once published),
 * the per-worker mutable state (struct vc_wstate, one writer each), the
 * control thread's handle (struct dp_vc), and the tables and RCU
 * machinery that tie them together.
 *
 * Publication rules: a vc_fp is filled completely before its pointer is
 * stored in any worker table; it is never written again. A change of
 * parameters publishes a new vc_fp and retires the old one. A retired
 * vc_fp (and a deactivated VC's table slots) is reclaimed only after
 * every worker has reported a quiescent state since the unlinking.
 */
#ifndef VCS_VC_H
#define VCS_VC_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/queue.h>

#include <rte_byteorder.h>
#include <rte_common.h>
#include <rte_hash.h>
#include <rte_meter.h>

#include "dp.h"

struct dp;
struct neigh;

#define VC_HDR_MAX 96 /* Ethernet + IPv6 + UDP + L2TP data header + cookie + L2SS = 82 */

/* RFC 3931 Appendix C defaults (dataplane.seq_window, .seq_resync):
 * half the sequence space is new; 16 old numbers in a row resynchronise. */
#define VC_SEQ_WINDOW (1u << 23)
#define VC_SEQ_RESYNC 16

enum vc_flags {
	VC_F_IPV6 = 1u << 0,
	VC_F_UDP = 1u << 1,
	VC_F_UDP_CSUM = 1u << 2, /* compute the UDP checksum on encap */
	VC_F_L2SS = 1u << 3,
	VC_F_SEQ_SEND = 1u << 4,
	VC_F_SEQ_RECV = 1u << 5,
	VC_F_VLAN_REWRITE = 1u << 6, /* decap: set the carried tag's VID (PW type Ethernet VLAN) */
	VC_F_REMOTE_DOWN = 1u << 7,
	VC_F_CSUM_OFFLOAD = 1u << 8, /* the network port computes checksums */
};

/* What a worker needs to carry a VC's packets; read-only once published. */
struct vc_fp {
	uint32_t index; /* slot in the per-worker state arrays */
	uint32_t flags;
	/* QoS: a generation per contract, 0 without one; a worker sets up
	 * its meter state when it first meets a new generation. Read for
	 * every packet: in the first line, which workers prefetch (with a
	 * million VCs, a line of its own missed for every packet). */
	uint32_t enc_meter_gen, dec_meter_gen;
	uint16_t ac_port_id; /* ethdev ids, for transmit */
	uint16_t net_port_id;
	uint8_t ac_port; /* dp port indices, for the TX buffers */
	uint8_t net_port;
	/* The circuit's tags: the ones its key has are removed on encap,
	 * except the one a PW of type Ethernet VLAN carries, whose VID is
	 * set on decap; the others are put back in front of it. */
	uint8_t ac_strip;	/* encap: tag bytes removed after the MACs */
	uint8_t ac_push;	/* decap: tag bytes inserted after the MACs */
	uint8_t ac_tags[8];	/* what is inserted: TPID and TCI, outer first */
	rte_be16_t ac_vlan_tci; /* VC_F_VLAN_REWRITE: the carried tag's TCI */
	/* decap checks */
	rte_be16_t udp_local_port, udp_remote_port;
	uint8_t rx_cookie_len;
	uint8_t rx_l2ss_len;
	uint8_t rx_cookie[L2TP_COOKIE_MAX];
	uint16_t seq_resync; /* old numbers in a row before following the peer */
	uint32_t seq_window; /* numbers ahead of the expected one taken as new */
	union {
		rte_be32_t remote_v4;
		uint8_t remote_v6[16];
	};
	/* encap */
	const struct neigh *nh; /* next hop: its MAC is read per packet */
	uint16_t max_frame;	/* largest AC frame (after VLAN strip) that fits the MTU */
	uint8_t hdr_len;	/* bytes prepended */
	uint8_t l4_off;		/* UDP header (UDP) or session ID (IP), from the IP header */
	uint8_t l2ss_off;	/* from the start of the header, 0 without L2SS */
	uint32_t ip_sum;	/* IPv4: raw sum of the template header, total length 0 */
	uint8_t hdr[VC_HDR_MAX] __rte_aligned(16);
	struct rte_meter_trtcm_profile enc_meter, dec_meter;
} __rte_cache_aligned;

/*
 * Per worker, per VC: written only by that worker, read by the control
 * thread with relaxed loads. What every packet touches shares the first
 * cache line; drops and meters (only with a QoS contract) come after.
 */
struct vc_wstate {
	struct {
		uint64_t pkts, bytes;
		uint32_t tx_seq;   /* next L2SS sequence number to send */
		uint32_t punted;   /* handed to the control thread to hold... */
		uint32_t returned; /* ...and come back to be sent (vc_held_dropped: the rest) */
		uint32_t meter_gen;
		uint8_t held; /* punted != returned + dropped, possibly */
	} enc;
	struct {
		uint64_t pkts, bytes;
		uint32_t rx_seq;     /* next expected L2SS sequence number */
		uint16_t out_of_seq; /* consecutive packets refused as old */
		uint32_t meter_gen;
	} dec;
	uint64_t enc_drops[DP_ENC_DROP_MAX] __rte_cache_aligned;
	uint64_t dec_drops[DP_DEC_DROP_MAX];
	struct rte_meter_trtcm enc_meter, dec_meter;
} __rte_cache_aligned;

/* Single-writer counter update: a plain add, published without tearing. */
static inline void
vc_ctr_add(uint64_t *c, uint64_t n)
{
	__atomic_store_n(c, *c + n, __ATOMIC_RELAXED);
}

static inline uint64_t
vc_ctr_read(const uint64_t *c)
{
	return __atomic_load_n(c, __ATOMIC_RELAXED);
}

struct dp_port;
struct vc_store;

/* Capacity of every VC table and record pool: room for the live VCs
 * plus those still waiting out a grace period. */
static inline unsigned int
vc_table_size(unsigned int max_vcs)
{
	return max_vcs + max_vcs / 8 + 64;
}

struct vc_store *vc_store_create(unsigned int max_vcs);
void vc_store_destroy(struct vc_store *s);

/* Reclamation, in two steps around draining the punt rings: first note
 * which grace periods have ended, then free those and complete their
 * deactivations. A packet a worker punted for a VC is therefore always
 * seen while the VC still exists. */
void vc_reclaim_collect(struct dp *dp);
void vc_reclaim_finish(struct dp *dp);

/* The active VC in slot index, or NULL. */
struct dp_vc *vc_active_by_index(struct dp *dp, uint32_t index);
struct neigh *vc_next_hop(const struct dp_vc *vc);

/*
 * A packet that worker held back for VC index (its next hop unresolved)
 * was dropped by the control thread: count it, and tell the worker. A
 * held packet that is sent goes back to its worker (dp_inject), which
 * counts it itself; until all it handed over are back or dropped, the
 * worker keeps handing the VC's packets over, so none is overtaken.
 */
enum vc_held_drop {
	VC_HELD_NO_ROUTE, /* unresolved: queue full, resolution failed, VC closed */
	VC_HELD_TX_FULL,  /* resolved, but its worker could not take it back */
};
void vc_held_dropped(struct dp *dp, uint8_t worker, uint32_t index, enum vc_held_drop why);

/*
 * The outer header of packets from local to remote leaving network port
 * net, as pkt_encap() prepends it: Ethernet from net's MAC (the next
 * hop's is written per packet), IPv4 (DF, TTL 64) or IPv6 (hop limit
 * 64) and, over UDP, the UDP header, with a checksum if udp_csum or over
 * IPv6. fp is cleared first and gets the flags, the offsets and the
 * IPv4 sum that pkt_encap() needs. Returns the header's length so far;
 * the caller writes its L2TP part after it (the bytes there are zero),
 * then sets the whole length with vc_hdr_set_len().
 * Shared by VC records and the control thread's own messages, so both
 * leave with the same headers.
 */
size_t vc_hdr_build(struct vc_fp *fp, const struct dp_port *net, enum l2tp_encap encap,
		    const struct vcs_addr *local, const struct vcs_addr *remote,
		    uint16_t udp_local_port, uint16_t udp_remote_port, bool udp_csum);

/* The header is len bytes: the payload may take what it leaves of net's
 * MTU (max_frame). -EINVAL if the header alone exceeds the MTU less an
 * Ethernet header. */
int vc_hdr_set_len(struct vc_fp *fp, const struct dp_port *net, size_t len);

/* Fill a record for params p; -EINVAL if they cannot be carried (the
 * header does not fit the network port's MTU). */
int vc_fp_build(struct vc_fp *fp, uint32_t index, const struct dp_vc_params *p,
		const struct dp_port *ac, const struct dp_port *net, struct neigh *nh);

/* Key of the control thread's map of the circuits in use. */
static inline uint32_t
vc_ac_key(uint16_t port, uint16_t vlan, uint16_t inner)
{
	return (uint32_t)port << 24 | (uint32_t)vlan << 12 | inner;
}

#endif
