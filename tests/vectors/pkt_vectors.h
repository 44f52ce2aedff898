/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Hand-checked L2TPv3 data packets, as LCCE A puts them on the wire for
 * LCCE B. Each is a complete Ethernet frame, written field by field; how
 * each byte was checked is in README.md beside this file. test_pkt.c
 * expects pkt_encap() at A to produce these bytes exactly and
 * pkt_decap() at B to turn them back into the inner frame.
 *
 * The two ends, used by every vector:
 *   A: MAC 02:00:00:00:00:01, 192.0.2.1, 2001:db8::1 (the sender)
 *   B: MAC 02:00:00:00:00:02, 192.0.2.2, 2001:db8::2 (the next hop)
 *   Session ID B receives (A's remote session ID): 0x12345678
 *   Cookies: 8 bytes de ad be ef ca fe ba be, 4 bytes ca fe ba be
 * The session ID, cookies and inner addresses follow the public
 * captures in shared/captures so that the two are easy to compare.
 */
#ifndef VCS_PKT_VECTORS_H
#define VCS_PKT_VECTORS_H

#include <stdint.h>

/* clang-format off */

/* Outer Ethernet header, A to B. */
#define VEC_ETH_B_A                                                            \
	0x02, 0x00, 0x00, 0x00, 0x00, 0x02, /* destination: B (next hop) */    \
	0x02, 0x00, 0x00, 0x00, 0x00, 0x01  /* source: A's network port */

/* IPv4 addresses, A to B. */
#define VEC_IP4_A_B                                                            \
	0xc0, 0x00, 0x02, 0x01, /* source 192.0.2.1 */                         \
	0xc0, 0x00, 0x02, 0x02  /* destination 192.0.2.2 */

/* IPv6 addresses, A to B. */
#define VEC_IP6_A_B                                                            \
	0x20, 0x01, 0x0d, 0xb8, 0x00, 0x00, 0x00, 0x00, /* source */           \
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x01, /*   2001:db8::1 */    \
	0x20, 0x01, 0x0d, 0xb8, 0x00, 0x00, 0x00, 0x00, /* destination */      \
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x02  /*   2001:db8::2 */

#define VEC_SESSION_ID 0x12, 0x34, 0x56, 0x78 /* session ID 0x12345678 */
#define VEC_COOKIE8    0xde, 0xad, 0xbe, 0xef, 0xca, 0xfe, 0xba, 0xbe
#define VEC_COOKIE4    0xca, 0xfe, 0xba, 0xbe

/*
 * The inner frame's MAC addresses, and everything after its EtherType:
 * an IPv4 ICMP echo request 10.10.10.1 -> 10.10.10.2 with 18 bytes of
 * data. Its checksums are valid so that tshark decodes it without
 * complaint; the data plane never looks inside.
 */
#define VEC_INNER_MACS                                                         \
	0x02, 0x00, 0x00, 0x00, 0x0b, 0x0b, /* destination */                  \
	0x02, 0x00, 0x00, 0x00, 0x0a, 0x0a  /* source */
#define VEC_INNER_IP                                                           \
	0x45, 0x00, 0x00, 0x2e, /* IPv4, IHL 5, TOS 0, total length 46 */      \
	0x00, 0x01, 0x00, 0x00, /* ID 1, no flags, offset 0 */                 \
	0x40, 0x01, 0x52, 0xb8, /* TTL 64, ICMP, checksum 0x52b8 */            \
	0x0a, 0x0a, 0x0a, 0x01, /* source 10.10.10.1 */                        \
	0x0a, 0x0a, 0x0a, 0x02, /* destination 10.10.10.2 */                   \
	0x08, 0x00, 0x6e, 0x7b, /* echo request, code 0, checksum 0x6e7b */    \
	0x00, 0x01, 0x00, 0x01, /* identifier 1, sequence 1 */                 \
	0x76, 0x63, 0x73, 0x77, 0x69, 0x74, 0x63, 0x68, 0x20, /* "vcswitch " */ \
	0x74, 0x65, 0x73, 0x74, 0x20, 0x64, 0x61, 0x74, 0x61  /* "test data" */

/* The untagged inner frame: 60 bytes, a minimum-size Ethernet frame. */
#define VEC_INNER_LEN 60
#define VEC_INNER VEC_INNER_MACS, 0x08, 0x00 /* IPv4 */, VEC_INNER_IP

/* The same frame with an 802.1Q tag (TCI in two bytes): 64 bytes. */
#define VEC_INNER_TAGGED_LEN 64
#define VEC_INNER_TAGGED(tci_hi, tci_lo)                                       \
	VEC_INNER_MACS, 0x81, 0x00 /* 802.1Q */, tci_hi, tci_lo,               \
	0x08, 0x00 /* IPv4 */, VEC_INNER_IP

static const uint8_t vec_inner[] = {VEC_INNER};

/* Tagged as it arrives on a VLAN AC: PCP 5, DEI 1, VID 100. */
static const uint8_t vec_inner_tagged[] = {VEC_INNER_TAGGED(0xb0, 0x64)};

/*
 * 1. IPv4, L2TP over IP, no cookie, no L2SS: 98 bytes.
 *    IP payload 4 + 60 = 64, total length 84.
 */
static const uint8_t vec_v4_ip[] = {
	VEC_ETH_B_A, 0x08, 0x00, /* IPv4 */
	0x45, 0x00, 0x00, 0x54, /* IPv4, IHL 5, TOS 0, total length 84 */
	0x00, 0x00, 0x40, 0x00, /* ID 0, DF, offset 0 */
	0x40, 0x73, 0xb6, 0x33, /* TTL 64, protocol 115, checksum 0xb633 */
	VEC_IP4_A_B,
	VEC_SESSION_ID,
	VEC_INNER,
};

/*
 * 2. IPv4, L2TP over IP, 8-byte cookie, default L2SS with sequencing:
 *    the first three packets of a session (S=1, sequence 0, 1, 2).
 *    IP payload 4 + 8 + 4 + 60 = 76, total length 96: 110 bytes.
 */
#define VEC_V4_IP_C8_SEQ(n)                                                    \
	VEC_ETH_B_A, 0x08, 0x00, /* IPv4 */                                    \
	0x45, 0x00, 0x00, 0x60, /* IPv4, IHL 5, TOS 0, total length 96 */      \
	0x00, 0x00, 0x40, 0x00, /* ID 0, DF, offset 0 */                       \
	0x40, 0x73, 0xb6, 0x27, /* TTL 64, protocol 115, checksum 0xb627 */    \
	VEC_IP4_A_B,                                                           \
	VEC_SESSION_ID,                                                        \
	VEC_COOKIE8,                                                           \
	0x40, 0x00, 0x00, n, /* L2SS: S=1, sequence number n */                \
	VEC_INNER

static const uint8_t vec_v4_ip_c8_seq0[] = {VEC_V4_IP_C8_SEQ(0x00)};
static const uint8_t vec_v4_ip_c8_seq1[] = {VEC_V4_IP_C8_SEQ(0x01)};
static const uint8_t vec_v4_ip_c8_seq2[] = {VEC_V4_IP_C8_SEQ(0x02)};

/* Offset of the L2SS word in vector 2, to forge other sequence numbers. */
#define VEC_V4_IP_C8_L2SS_OFF (14 + 20 + 4 + 8)

/*
 * 3. IPv4, L2TP over UDP 1701 -> 1701, 4-byte cookie, no L2SS, UDP
 *    checksum off (0, allowed for data over IPv4, RFC 3931 §4.1.2.3).
 *    UDP length 8 + 4 + 4 + 4 + 60 = 80, total length 100: 114 bytes.
 */
static const uint8_t vec_v4_udp_c4[] = {
	VEC_ETH_B_A, 0x08, 0x00, /* IPv4 */
	0x45, 0x00, 0x00, 0x64, /* IPv4, IHL 5, TOS 0, total length 100 */
	0x00, 0x00, 0x40, 0x00, /* ID 0, DF, offset 0 */
	0x40, 0x11, 0xb6, 0x85, /* TTL 64, UDP, checksum 0xb685 */
	VEC_IP4_A_B,
	0x06, 0xa5, 0x06, 0xa5, /* source port 1701, destination port 1701 */
	0x00, 0x50, 0x00, 0x00, /* UDP length 80, checksum 0 (none) */
	0x00, 0x03, 0x00, 0x00, /* T=0, Ver=3, reserved */
	VEC_SESSION_ID,
	VEC_COOKIE4,
	VEC_INNER,
};

/*
 * 4. IPv4, L2TP over UDP 1701 -> 49159 (the peer answered from another
 *    port, §4.1.2.2), 8-byte cookie, default L2SS without sequencing
 *    (S=0, sequence 0), UDP checksum on.
 *    UDP length 8 + 4 + 4 + 8 + 4 + 60 = 88, total length 108: 122 bytes.
 */
static const uint8_t vec_v4_udp_csum[] = {
	VEC_ETH_B_A, 0x08, 0x00, /* IPv4 */
	0x45, 0x00, 0x00, 0x6c, /* IPv4, IHL 5, TOS 0, total length 108 */
	0x00, 0x00, 0x40, 0x00, /* ID 0, DF, offset 0 */
	0x40, 0x11, 0xb6, 0x7d, /* TTL 64, UDP, checksum 0xb67d */
	VEC_IP4_A_B,
	0x06, 0xa5, 0xc0, 0x07, /* source port 1701, destination port 49159 */
	0x00, 0x58, 0x07, 0x6e, /* UDP length 88, checksum 0x076e */
	0x00, 0x03, 0x00, 0x00, /* T=0, Ver=3, reserved */
	VEC_SESSION_ID,
	VEC_COOKIE8,
	0x00, 0x00, 0x00, 0x00, /* L2SS: S=0, sequence number 0 */
	VEC_INNER,
};

/*
 * 5. IPv6, L2TP over UDP 1701 -> 1701, 8-byte cookie, no L2SS. The UDP
 *    checksum is mandatory over IPv6 (RFC 8200 §8.1).
 *    UDP length = payload length 8 + 4 + 4 + 8 + 60 = 84: 138 bytes.
 */
static const uint8_t vec_v6_udp_c8[] = {
	VEC_ETH_B_A, 0x86, 0xdd, /* IPv6 */
	0x60, 0x00, 0x00, 0x00, /* version 6, traffic class 0, flow label 0 */
	0x00, 0x54, 0x11, 0x40, /* payload length 84, next header UDP, hop limit 64 */
	VEC_IP6_A_B,
	0x06, 0xa5, 0x06, 0xa5, /* source port 1701, destination port 1701 */
	0x00, 0x54, 0xe9, 0x67, /* UDP length 84, checksum 0xe967 */
	0x00, 0x03, 0x00, 0x00, /* T=0, Ver=3, reserved */
	VEC_SESSION_ID,
	VEC_COOKIE8,
	VEC_INNER,
};

/*
 * 6. IPv6, L2TP over IP, 4-byte cookie, default L2SS with sequencing:
 *    the session's first packet (S=1, sequence 0).
 *    Payload length 4 + 4 + 4 + 60 = 72: 126 bytes.
 */
static const uint8_t vec_v6_ip_c4_seq0[] = {
	VEC_ETH_B_A, 0x86, 0xdd, /* IPv6 */
	0x60, 0x00, 0x00, 0x00, /* version 6, traffic class 0, flow label 0 */
	0x00, 0x48, 0x73, 0x40, /* payload length 72, next header 115, hop limit 64 */
	VEC_IP6_A_B,
	VEC_SESSION_ID,
	VEC_COOKIE4,
	0x40, 0x00, 0x00, 0x00, /* L2SS: S=1, sequence number 0 */
	VEC_INNER,
};

/*
 * 7. PW type Ethernet VLAN (4) on a VLAN AC: the AC's tag travels with
 *    the frame (vec_inner_tagged). IPv4, L2TP over IP, no cookie, no L2SS.
 *    IP payload 4 + 64 = 68, total length 88: 102 bytes.
 *    (PW type Ethernet on a VLAN AC strips the tag: that gives vector 1.)
 */
static const uint8_t vec_v4_ip_tagged[] = {
	VEC_ETH_B_A, 0x08, 0x00, /* IPv4 */
	0x45, 0x00, 0x00, 0x58, /* IPv4, IHL 5, TOS 0, total length 88 */
	0x00, 0x00, 0x40, 0x00, /* ID 0, DF, offset 0 */
	0x40, 0x73, 0xb6, 0x2f, /* TTL 64, protocol 115, checksum 0xb62f */
	VEC_IP4_A_B,
	VEC_SESSION_ID,
	VEC_INNER_TAGGED(0xb0, 0x64), /* PCP 5, DEI 1, VID 100 */
};

/* clang-format on */

#endif
