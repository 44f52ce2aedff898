/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Frames for tests and benchmarks: attachment-circuit frames and the
 * L2TPv3 data packets that carry them, each with a stamp (who sent it,
 * for which VC, when) that the receiver finds again whatever vcswitch
 * did to the headers around it. Used by the churn test and by the
 * traffic generator in bench/, so that what the benchmarks send is what
 * the tests check.
 *
 * The builders write a whole frame into a flat buffer and say where the
 * fields that vary per packet are, so that a sender can build one
 * template and patch it: the VLAN IDs, the session ID, the stamp.
 */
#ifndef VCS_FRAME_H
#define VCS_FRAME_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define FRAME_ETHERTYPE	  0x88b5      /* IEEE 802 local experimental: the stamp follows */
#define FRAME_STAMP_MAGIC 0x56435354u /* "VCST" */
#define FRAME_QINQ_TPID	  0x88a8
#define FRAME_MAX	  9216

/* Host byte order; written unaligned with memcpy. */
struct frame_stamp {
	uint32_t magic;
	uint32_t flow; /* the sender's traffic class */
	uint32_t vc;   /* index of the VC within the class */
	uint32_t pad;
	uint64_t seq; /* per class, or per VC: the sender's choice */
	uint64_t tsc; /* when it was sent */
};

/* An Ethernet frame as a circuit carries it. */
struct frame_eth {
	uint8_t dst[6], src[6];
	uint16_t vlan;	     /* 0: untagged */
	uint16_t inner_vlan; /* 0: single-tagged; else vlan is the S-tag (0x88a8) */
};

/* Where the per-packet fields of a built frame are (offsets from its
 * first byte; 0 when absent). */
struct frame_layout {
	uint16_t len;
	uint16_t vlan_off;	 /* the TCI holding vlan */
	uint16_t inner_vlan_off; /* the TCI holding inner_vlan */
	uint16_t session_off;	 /* L2TPv3 session ID */
	uint16_t l2ss_off;	 /* L2-Specific Sublayer */
	uint16_t stamp_off;
	uint16_t udp6_off; /* the UDP header over IPv6, whose checksum is mandatory */
};

/* Builds frame e of len bytes (at least the headers and a stamp):
 * Ethernet, tags, FRAME_ETHERTYPE, a zero stamp, zero padding. */
int frame_eth_build(uint8_t *buf, uint16_t len, const struct frame_eth *e, struct frame_layout *lo);

/* An L2TPv3 data packet (RFC 3931 §4.1). */
struct frame_l2tp {
	uint8_t dst[6], src[6]; /* outer Ethernet */
	bool v6;
	bool udp;
	union {
		uint32_t v4; /* network order */
		uint8_t v6[16];
	} saddr, daddr;
	uint16_t sport, dport; /* UDP */
	uint32_t session_id;
	uint8_t cookie[8];
	uint8_t cookie_len; /* 0, 4 or 8 */
	bool l2ss;	    /* the default L2SS, S=0 */
	struct frame_eth inner;
};

/* Builds packet l around an inner frame of inner_len bytes: the outer
 * headers with lengths and checksums (IPv4 header; UDP over IPv6, which
 * needs one), then the inner frame as frame_eth_build writes it. The
 * layout's offsets are the packet's. */
int frame_l2tp_build(uint8_t *buf, uint16_t inner_len, const struct frame_l2tp *l,
		     struct frame_layout *lo);

/* After the session ID or the stamp of a packet built by
 * frame_l2tp_build changed: its UDP checksum again, where IPv6 needs one. */
void frame_l2tp_csum(uint8_t *buf, const struct frame_layout *lo);

/* The size of the headers frame_l2tp_build puts before the inner frame. */
uint16_t frame_l2tp_hdr_len(const struct frame_l2tp *l);

/* What a receiver knows of the L2TPv3 packets it may get, to find the
 * inner frame: the UDP port of L2TPv3 data, cookie length, sublayer. */
struct frame_rx_opts {
	uint16_t udp_port; /* 0: none is L2TPv3 over UDP */
	uint8_t cookie_len;
	bool l2ss;
};

/* What frame_parse found. */
struct frame_info {
	struct frame_stamp stamp;
	bool l2tp;	     /* the stamp was inside an L2TPv3 packet */
	uint32_t session_id; /* its session ID */
	uint16_t vlan, inner_vlan;
	uint16_t stamp_off;
	uint16_t udp6_off; /* the UDP header over IPv6, whose checksum is mandatory */
};

/* Finds the stamp in a received frame: Ethernet, up to two tags, then
 * either the stamp or IPv4/IPv6 with L2TPv3 (over IP, or over UDP to
 * o->udp_port) around an inner frame holding it. The VLANs are those of
 * the frame holding the stamp. 0 when found, -1 otherwise. */
int frame_parse(const uint8_t *p, uint32_t len, const struct frame_rx_opts *o,
		struct frame_info *fi);

static inline void
frame_put_be16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
}

static inline void
frame_put_be32(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)(v >> 24);
	p[1] = (uint8_t)(v >> 16);
	p[2] = (uint8_t)(v >> 8);
	p[3] = (uint8_t)v;
}

/* Sets the 12-bit VID of the TCI at p, keeping PCP and DEI. */
static inline void
frame_put_vid(uint8_t *p, uint16_t vid)
{
	p[0] = (uint8_t)((p[0] & 0xf0) | (vid >> 8 & 0x0f));
	p[1] = (uint8_t)vid;
}

#endif
