/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The per-packet functions of dataplane/pkt.h: every branch of the
 * network-port classifier, the AC VLAN lookup, UDP checksum checks,
 * sequence numbers, and vc_fp_build + pkt_encap / pkt_decap checked bit
 * for bit against the hand-checked vectors in tests/vectors.
 *
 * Two LCCEs play the vectors' roles: A encapsulates with parameters p,
 * B decapsulates with their mirror image (local and remote swapped), so
 * every vector is checked once as A's output and once as B's input.
 */
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>

#include <CUnit/Basic.h>

#include <rte_errno.h>
#include <rte_ether.h>
#include <rte_mbuf.h>
#include <rte_mempool.h>

#include "dp.h"
#include "l2tp.h"
#include "neigh.h"
#include "pkt.h"
#include "port.h"
#include "ut_eal.h"
#include "vc.h"

/* By path, so that no include directory is needed for the vectors. */
#include "../vectors/pkt_vectors.h"

#define SID_B	 0x12345678u /* what B receives: A's remote session ID */
#define SID_A	 0x9abcdef0u /* what A receives: never on the wire here */
#define PORT_EPH 49159	     /* the peer's ephemeral port of vector 4 */
/* 192.0.2.x in network order; DPDK's RTE_IPV4() shifts an int into
 * its sign bit for 192 (undefined behaviour that UBSan reports). */
#define IP4_A	  RTE_BE32(0xc0000201)
#define IP4_B	  RTE_BE32(0xc0000202)
#define IP4_C	  RTE_BE32(0xc0000203)
#define POOL_SIZE 127
#define FRAME_MAX 2048

static struct rte_mempool *pool;

static const uint8_t cookie8[] = {VEC_COOKIE8};
static const uint8_t cookie4[] = {VEC_COOKIE4};
/* The cookie A expects from B: only in B's packets, never in a vector. */
static const uint8_t cookie_a[] = {0x11, 0x22, 0x33, 0x44, 0x55, 0x66, 0x77, 0x88};

static const uint8_t ip6_a[16] = {0x20, 0x01, 0x0d, 0xb8, [15] = 0x01};
static const uint8_t ip6_b[16] = {0x20, 0x01, 0x0d, 0xb8, [15] = 0x02};
static const uint8_t ip6_c[16] = {0x20, 0x01, 0x0d, 0xb8, [15] = 0x03};
static const uint8_t ip6_all_nodes[16] = {0xff, 0x02, [15] = 0x01};

static struct dp_port ac_port = {
	.id = 3,
	.index = 0,
	.mtu = 1500,
	.qinq_tpid = RTE_BE16(RTE_ETHER_TYPE_QINQ),
	.mac = {{0x02, 0x00, 0x00, 0x00, 0x0a, 0x0a}},
};
static const struct dp_port net_a = {
	.id = 4,
	.index = 1,
	.network = true,
	.mtu = 1500,
	.mac = {{0x02, 0x00, 0x00, 0x00, 0x00, 0x01}},
};
static const struct dp_port net_b = {
	.id = 5,
	.index = 1,
	.network = true,
	.mtu = 1500,
	.mac = {{0x02, 0x00, 0x00, 0x00, 0x00, 0x02}},
};

/* A's next hop is B, and B's is A. */
static struct neigh nh_b, nh_a;

/* B's network port as the classifier sees it, with both families, one
 * family only, and UDP ports 1701 and PORT_EPH carrying L2TP. */
static uint8_t l2tp_ports[8192];
static struct pkt_host host_b, host_b4, host_b6;

static uint64_t
mac_word(const struct rte_ether_addr *mac)
{
	uint64_t w = 0;

	memcpy(&w, mac->addr_bytes, RTE_ETHER_ADDR_LEN);
	return w | NEIGH_MAC_VALID;
}

static void
set_port(uint8_t *bitmap, uint16_t port)
{
	bitmap[port >> 3] |= (uint8_t)(1u << (port & 7));
}

static void
ends_init(void)
{
	nh_b.mac_word = mac_word(&net_b.mac);
	nh_a.mac_word = mac_word(&net_a.mac);
	set_port(l2tp_ports, L2TP_UDP_PORT);
	set_port(l2tp_ports, PORT_EPH);
	host_b.mac = net_b.mac;
	host_b.has_v4 = true;
	host_b.v4 = IP4_B;
	host_b.has_v6 = true;
	memcpy(host_b.v6, ip6_b, 16);
	host_b.udp_ports = l2tp_ports;
	host_b4 = host_b;
	host_b4.has_v6 = false;
	host_b6 = host_b;
	host_b6.has_v4 = false;
}

/* Helpers: bytes */

static void
put16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
}

/* RFC 1071 checksum of n bytes, written independently of DPDK's. */
static uint16_t
csum16(const uint8_t *p, size_t n)
{
	uint32_t sum = 0;
	size_t i;

	for (i = 0; i + 1 < n; i += 2)
		sum += (uint32_t)p[i] << 8 | p[i + 1];
	if (n & 1)
		sum += (uint32_t)p[n - 1] << 8;
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return (uint16_t)~sum;
}

/* Recompute the IPv4 header checksum of an untagged frame f. */
static void
v4_fix(uint8_t *f)
{
	uint8_t *ip = f + RTE_ETHER_HDR_LEN;

	put16(ip + 10, 0);
	put16(ip + 10, csum16(ip, (size_t)(ip[0] & 0xf) * 4));
}

/* Set the IPv4 total length of f and fix the header checksum. */
static void
v4_set_total(uint8_t *f, uint16_t total)
{
	put16(f + RTE_ETHER_HDR_LEN + 2, total);
	v4_fix(f);
}

/*
 * An IPv4 packet from A to B (IHL ihl words, NOP options) carrying l4,
 * in a frame to B's MAC, with a valid header checksum. Returns its length.
 */
static uint16_t
frame_v4(uint8_t *f, uint8_t ihl, uint8_t proto, const uint8_t *l4, uint16_t l4_len)
{
	/* clang-format off */
	static const uint8_t hdr[] = {
		VEC_ETH_B_A, 0x08, 0x00, /* IPv4 */
		0x45, 0x00, 0x00, 0x00, /* IHL and total length set below */
		0x00, 0x00, 0x40, 0x00, /* ID 0, DF */
		0x40, 0x00, 0x00, 0x00, /* TTL 64, protocol and checksum set below */
		VEC_IP4_A_B,
	};
	/* clang-format on */
	uint16_t hl = (uint16_t)(ihl * 4);

	memcpy(f, hdr, sizeof(hdr));
	f[14] = (uint8_t)(0x40 | ihl);
	f[23] = proto;
	memset(f + sizeof(hdr), 0x01, hl - 20u);
	memcpy(f + RTE_ETHER_HDR_LEN + hl, l4, l4_len);
	v4_set_total(f, (uint16_t)(hl + l4_len));
	return (uint16_t)(RTE_ETHER_HDR_LEN + hl + l4_len);
}

/* An IPv6 packet from A to dst carrying l4, in a frame to B's MAC. */
static uint16_t
frame_v6(uint8_t *f, uint8_t proto, const uint8_t *dst, const uint8_t *l4, uint16_t l4_len)
{
	/* clang-format off */
	static const uint8_t hdr[] = {
		VEC_ETH_B_A, 0x86, 0xdd, /* IPv6 */
		0x60, 0x00, 0x00, 0x00, /* version 6 */
		0x00, 0x00, 0x00, 0x40, /* length and next header set below, hop limit 64 */
	};
	/* clang-format on */

	memcpy(f, hdr, sizeof(hdr));
	put16(f + 18, l4_len);
	f[20] = proto;
	memcpy(f + 22, ip6_a, 16);
	memcpy(f + 38, dst, 16);
	memcpy(f + 54, l4, l4_len);
	return (uint16_t)(54 + l4_len);
}

/* Helpers: mbufs */

static struct rte_mbuf *
mbuf_from(const uint8_t *b, uint32_t len)
{
	struct rte_mbuf *m = rte_pktmbuf_alloc(pool);
	char *d;

	CU_ASSERT_PTR_NOT_NULL_FATAL(m);
	d = rte_pktmbuf_append(m, (uint16_t)len);
	CU_ASSERT_PTR_NOT_NULL_FATAL(d);
	memcpy(d, b, len);
	return m;
}

/* A two-segment mbuf: the first first bytes of b, then the rest. */
static struct rte_mbuf *
mbuf_split(const uint8_t *b, uint32_t len, uint32_t first)
{
	struct rte_mbuf *m = mbuf_from(b, first);
	struct rte_mbuf *t = mbuf_from(b + first, len - first);

	CU_ASSERT_EQUAL_FATAL(rte_pktmbuf_chain(m, t), 0);
	return m;
}

/* Whether m holds exactly want; says where it does not. */
static bool
mbuf_equals(const struct rte_mbuf *m, const uint8_t *want, uint32_t len)
{
	uint8_t buf[FRAME_MAX];
	const uint8_t *got;
	uint32_t i;

	if (rte_pktmbuf_pkt_len(m) != len || len > sizeof(buf)) {
		fprintf(stderr, "\n      length %u, want %u\n", rte_pktmbuf_pkt_len(m), len);
		return false;
	}
	got = rte_pktmbuf_read(m, 0, len, buf);
	for (i = 0; i < len; i++) {
		if (got[i] != want[i]) {
			fprintf(stderr, "\n      byte %u is %02x, want %02x\n", i, got[i], want[i]);
			return false;
		}
	}
	return true;
}

/* Helpers: classification */

/* Classify at host h; why must stay untouched unless the frame is dropped. */
static enum pkt_class
classify_at(const struct pkt_host *h, const uint8_t *f, uint32_t avail, uint32_t len,
	    bool verify_csum, struct pkt_net *np, enum dp_drop *why)
{
	enum pkt_class c;

	*why = DP_DROP_MAX;
	c = pkt_classify_net(f, avail, len, verify_csum, h, np, why);
	if (c != PKT_DROP)
		CU_ASSERT_EQUAL(*why, DP_DROP_MAX);
	return c;
}

/* The class of a whole frame at B (both families), checksum checked. */
static enum pkt_class
classify(const uint8_t *f, uint32_t len, struct pkt_net *np)
{
	enum dp_drop why;

	return classify_at(&host_b, f, len, len, true, np, &why);
}

/* Why B drops a frame (DP_DROP_MAX: it does not). */
static enum dp_drop
drop_at(const struct pkt_host *h, const uint8_t *f, uint32_t avail, uint32_t len, bool verify)
{
	struct pkt_net np;
	enum dp_drop why;

	if (classify_at(h, f, avail, len, verify, &np, &why) != PKT_DROP)
		return DP_DROP_MAX;
	return why;
}

static enum dp_drop
drop(const uint8_t *f, uint32_t len)
{
	return drop_at(&host_b, f, len, len, true);
}

/* Helpers: VCs */

/* A's end of a PW to B; the vectors' common case. */
static struct dp_vc_params
pw_a(int family, enum l2tp_encap encap, uint8_t cookie_len, bool l2ss, bool seq)
{
	struct dp_vc_params p;

	memset(&p, 0, sizeof(p));
	p.ac_port = ac_port.index;
	p.pw_type = L2TP_PW_ETH;
	p.encap = encap;
	p.udp_local_port = L2TP_UDP_PORT;
	p.udp_remote_port = L2TP_UDP_PORT;
	p.local.family = (uint8_t)family;
	p.remote.family = (uint8_t)family;
	if (family == AF_INET6) {
		memcpy(p.local.v6, ip6_a, 16);
		memcpy(p.remote.v6, ip6_b, 16);
	} else {
		p.local.v4 = IP4_A;
		p.remote.v4 = IP4_B;
	}
	p.local_session_id = SID_A;
	p.remote_session_id = SID_B;
	p.local_cookie_len = cookie_len;
	memcpy(p.local_cookie, cookie_a, cookie_len);
	p.remote_cookie_len = cookie_len;
	memcpy(p.remote_cookie, cookie_len == 8 ? cookie8 : cookie4, cookie_len);
	p.l2ss_send = p.l2ss_recv = l2ss ? L2TP_L2SS_DEFAULT : L2TP_L2SS_NONE;
	p.seq_send = seq;
	p.seq_recv = seq;
	return p;
}

/* B's end of the same PW. */
static struct dp_vc_params
mirror(const struct dp_vc_params *a)
{
	struct dp_vc_params b = *a;

	b.local = a->remote;
	b.remote = a->local;
	b.udp_local_port = a->udp_remote_port;
	b.udp_remote_port = a->udp_local_port;
	b.local_session_id = a->remote_session_id;
	b.remote_session_id = a->local_session_id;
	b.local_cookie_len = a->remote_cookie_len;
	memcpy(b.local_cookie, a->remote_cookie, sizeof(b.local_cookie));
	b.remote_cookie_len = a->local_cookie_len;
	memcpy(b.remote_cookie, a->local_cookie, sizeof(b.remote_cookie));
	return b;
}

static void
build_a(struct vc_fp *fp, const struct dp_vc_params *p)
{
	CU_ASSERT_EQUAL_FATAL(vc_fp_build(fp, 7, p, &ac_port, &net_a, &nh_b), 0);
}

static void
build_b(struct vc_fp *fp, const struct dp_vc_params *a)
{
	struct dp_vc_params b = mirror(a);

	CU_ASSERT_EQUAL_FATAL(vc_fp_build(fp, 8, &b, &ac_port, &net_b, &nh_a), 0);
}

/* Classify m at B and decapsulate it in place with fp. */
/* consecutive old sequence numbers, as a worker keeps them per VC */
static uint16_t out_of_seq;

static enum dp_dec_drop
decap(const struct vc_fp *fp, struct rte_mbuf *m, uint32_t *rx_seq)
{
	uint8_t buf[FRAME_MAX];
	const uint8_t *f = rte_pktmbuf_read(m, 0, rte_pktmbuf_data_len(m), buf);
	struct pkt_net np;
	enum dp_drop why;

	CU_ASSERT_EQUAL_FATAL(classify_at(&host_b, f, rte_pktmbuf_data_len(m),
					  rte_pktmbuf_pkt_len(m), true, &np, &why),
			      PKT_DATA);
	return pkt_decap(m, fp, &np, rx_seq, &out_of_seq);
}

/* Decapsulate the frame b at B with fp and free it; the result. */
static enum dp_dec_drop
decap_bytes(const struct vc_fp *fp, const uint8_t *b, uint32_t len, uint32_t *rx_seq)
{
	struct rte_mbuf *m = mbuf_from(b, len);
	enum dp_dec_drop r = decap(fp, m, rx_seq);

	rte_pktmbuf_free(m);
	return r;
}

/*
 * The vectors. Each row: A's parameters, the AC frame A encapsulates,
 * the wire bytes, the frame B delivers to its AC, and where B's
 * classifier finds the session ID.
 */
static const uint8_t inner_tag_vid100[] = {VEC_INNER_TAGGED(0x00, 0x64)};
/* QinQ circuit S-VID 300 (PCP 0), C-VID 100: as A receives it, and as B
 * sends it on PW Ethernet (both tags pushed, PCP 0) */
/* clang-format off */
static const uint8_t qinq_s300_c100[] = {
	VEC_INNER_MACS,
	0x88, 0xa8, 0x01, 0x2c, /* 802.1ad VID 300 */
	0x81, 0x00, 0xb0, 0x64, /* 802.1Q PCP 5, DEI 1, VID 100 */
	0x08, 0x00, VEC_INNER_IP,
};
static const uint8_t qinq_s300_c100_pushed[] = {
	VEC_INNER_MACS,
	0x88, 0xa8, 0x01, 0x2c,
	0x81, 0x00, 0x00, 0x64,
	0x08, 0x00, VEC_INNER_IP,
};
/* clang-format on */

struct vec_case {
	const char *name;
	int family;
	enum l2tp_encap encap;
	uint8_t cookie_len;
	bool l2ss, seq, udp_checksum;
	uint16_t udp_remote_port;
	enum l2tp_pw_type pw_type;
	uint16_t ac_vlan, ac_inner_vlan;
	const uint8_t *in;
	uint16_t in_len;
	const uint8_t *wire;
	uint16_t wire_len;
	const uint8_t *out;
	uint16_t out_len;
	uint16_t l4_off, sid_off;
};

/* An array and its length: a pointer member and the length member after it. */
#define BYTES(a) a, sizeof(a)

static const struct vec_case vecs[] = {
	{.name = "v4_ip",
	 .family = AF_INET,
	 .encap = L2TP_ENCAP_IP,
	 .udp_remote_port = L2TP_UDP_PORT,
	 .pw_type = L2TP_PW_ETH,
	 .in = BYTES(vec_inner),
	 .wire = BYTES(vec_v4_ip),
	 .out = BYTES(vec_inner),
	 .l4_off = 34,
	 .sid_off = 34},
	{.name = "v4_ip_c8_seq0",
	 .family = AF_INET,
	 .encap = L2TP_ENCAP_IP,
	 .cookie_len = 8,
	 .l2ss = true,
	 .seq = true,
	 .udp_remote_port = L2TP_UDP_PORT,
	 .pw_type = L2TP_PW_ETH,
	 .in = BYTES(vec_inner),
	 .wire = BYTES(vec_v4_ip_c8_seq0),
	 .out = BYTES(vec_inner),
	 .l4_off = 34,
	 .sid_off = 34},
	{.name = "v4_udp_c4",
	 .family = AF_INET,
	 .encap = L2TP_ENCAP_UDP,
	 .cookie_len = 4,
	 .udp_remote_port = L2TP_UDP_PORT,
	 .pw_type = L2TP_PW_ETH,
	 .in = BYTES(vec_inner),
	 .wire = BYTES(vec_v4_udp_c4),
	 .out = BYTES(vec_inner),
	 .l4_off = 34,
	 .sid_off = 46},
	{.name = "v4_udp_csum",
	 .family = AF_INET,
	 .encap = L2TP_ENCAP_UDP,
	 .cookie_len = 8,
	 .l2ss = true,
	 .udp_checksum = true,
	 .udp_remote_port = PORT_EPH,
	 .pw_type = L2TP_PW_ETH,
	 .in = BYTES(vec_inner),
	 .wire = BYTES(vec_v4_udp_csum),
	 .out = BYTES(vec_inner),
	 .l4_off = 34,
	 .sid_off = 46},
	{.name = "v6_udp_c8",
	 .family = AF_INET6,
	 .encap = L2TP_ENCAP_UDP,
	 .cookie_len = 8,
	 .udp_remote_port = L2TP_UDP_PORT,
	 .pw_type = L2TP_PW_ETH,
	 .in = BYTES(vec_inner),
	 .wire = BYTES(vec_v6_udp_c8),
	 .out = BYTES(vec_inner),
	 .l4_off = 54,
	 .sid_off = 66},
	{.name = "v6_ip_c4_seq0",
	 .family = AF_INET6,
	 .encap = L2TP_ENCAP_IP,
	 .cookie_len = 4,
	 .l2ss = true,
	 .seq = true,
	 .udp_remote_port = L2TP_UDP_PORT,
	 .pw_type = L2TP_PW_ETH,
	 .in = BYTES(vec_inner),
	 .wire = BYTES(vec_v6_ip_c4_seq0),
	 .out = BYTES(vec_inner),
	 .l4_off = 54,
	 .sid_off = 54},
	/* PW Ethernet on VLAN 100: A strips the tag, B pushes its own
	 * (PCP 0): the wire is vector 1. */
	{.name = "eth_vlan_strip",
	 .family = AF_INET,
	 .encap = L2TP_ENCAP_IP,
	 .udp_remote_port = L2TP_UDP_PORT,
	 .pw_type = L2TP_PW_ETH,
	 .ac_vlan = 100,
	 .in = BYTES(vec_inner_tagged),
	 .wire = BYTES(vec_v4_ip),
	 .out = BYTES(inner_tag_vid100),
	 .l4_off = 34,
	 .sid_off = 34},
	/* PW Ethernet VLAN on VLAN 100: the tag travels; B rewrites its
	 * VID to its own 100, keeping PCP 5 and DEI 1. */
	{.name = "eth_vlan_keep",
	 .family = AF_INET,
	 .encap = L2TP_ENCAP_IP,
	 .udp_remote_port = L2TP_UDP_PORT,
	 .pw_type = L2TP_PW_ETH_VLAN,
	 .ac_vlan = 100,
	 .in = BYTES(vec_inner_tagged),
	 .wire = BYTES(vec_v4_ip_tagged),
	 .out = BYTES(vec_inner_tagged),
	 .l4_off = 34,
	 .sid_off = 34},
	/* QinQ, PW Ethernet: both tags go; the wire is vector 1 again */
	{.name = "eth_qinq_strip",
	 .family = AF_INET,
	 .encap = L2TP_ENCAP_IP,
	 .udp_remote_port = L2TP_UDP_PORT,
	 .pw_type = L2TP_PW_ETH,
	 .ac_vlan = 300,
	 .ac_inner_vlan = 100,
	 .in = BYTES(qinq_s300_c100),
	 .wire = BYTES(vec_v4_ip),
	 .out = BYTES(qinq_s300_c100_pushed),
	 .l4_off = 34,
	 .sid_off = 34},
	/* QinQ, PW Ethernet VLAN: the S-tag goes, the C-tag travels */
	{.name = "eth_qinq_keep",
	 .family = AF_INET,
	 .encap = L2TP_ENCAP_IP,
	 .udp_remote_port = L2TP_UDP_PORT,
	 .pw_type = L2TP_PW_ETH_VLAN,
	 .ac_vlan = 300,
	 .ac_inner_vlan = 100,
	 .in = BYTES(qinq_s300_c100),
	 .wire = BYTES(vec_v4_ip_tagged),
	 .out = BYTES(qinq_s300_c100),
	 .l4_off = 34,
	 .sid_off = 34},
};

static struct dp_vc_params
vec_params(const struct vec_case *v)
{
	struct dp_vc_params p = pw_a(v->family, v->encap, v->cookie_len, v->l2ss, v->seq);

	p.udp_checksum = v->udp_checksum;
	p.udp_remote_port = v->udp_remote_port;
	p.pw_type = v->pw_type;
	p.ac_vlan = v->ac_vlan;
	p.ac_inner_vlan = v->ac_inner_vlan;
	return p;
}

/* 1. pkt_classify_net */

static void
test_classify_vectors(void)
{
	unsigned int i;

	for (i = 0; i < RTE_DIM(vecs); i++) {
		const struct vec_case *v = &vecs[i];
		struct pkt_net np;

		CU_ASSERT_EQUAL(classify(v->wire, v->wire_len, &np), PKT_DATA);
		CU_ASSERT_EQUAL(np.l3_off, RTE_ETHER_HDR_LEN);
		CU_ASSERT_EQUAL(np.l4_off, v->l4_off);
		CU_ASSERT_EQUAL(np.sid_off, v->sid_off);
		CU_ASSERT_EQUAL(np.ctrl_off, 0);
		CU_ASSERT_EQUAL(np.end, v->wire_len);
		CU_ASSERT_EQUAL(np.v6, v->family == AF_INET6);
		CU_ASSERT_EQUAL(np.udp, v->encap == L2TP_ENCAP_UDP);
		CU_ASSERT_EQUAL(np.udp_dport, v->encap == L2TP_ENCAP_UDP
						      ? rte_cpu_to_be_16(v->udp_remote_port)
						      : 0);
		CU_ASSERT_EQUAL(np.session_id, SID_B);
	}
}

static void
test_classify_ethernet(void)
{
	uint8_t f[128];
	struct pkt_net np;
	uint32_t n;

	/* runts, and a length that contradicts the contiguous part */
	for (n = 0; n < RTE_ETHER_HDR_LEN; n++)
		CU_ASSERT_EQUAL(drop(vec_v4_ip, n), DP_DROP_MALFORMED);
	CU_ASSERT_EQUAL(drop_at(&host_b, vec_v4_ip, sizeof(vec_v4_ip), sizeof(vec_v4_ip) - 1, true),
			DP_DROP_MALFORMED);
	/* an Ethernet header alone, or an IPv4 header cut short */
	CU_ASSERT_EQUAL(drop(vec_v4_ip, RTE_ETHER_HDR_LEN), DP_DROP_MALFORMED);
	CU_ASSERT_EQUAL(drop(vec_v4_ip, RTE_ETHER_HDR_LEN + 19), DP_DROP_MALFORMED);
	CU_ASSERT_EQUAL(drop(vec_v6_udp_c8, RTE_ETHER_HDR_LEN + 39), DP_DROP_MALFORMED);

	/* unicast to another MAC: not for us, before anything else */
	memcpy(f, vec_v4_ip, sizeof(vec_v4_ip));
	f[5] = 0x03;
	CU_ASSERT_EQUAL(drop(f, sizeof(vec_v4_ip)), DP_DROP_NOT_FOR_US);
	f[0] = 0x0a; /* same last byte as B's, other first byte */
	f[5] = 0x02;
	CU_ASSERT_EQUAL(drop(f, sizeof(vec_v4_ip)), DP_DROP_NOT_FOR_US);
	/* broadcast and multicast MACs are looked into */
	memset(f, 0xff, RTE_ETHER_ADDR_LEN);
	CU_ASSERT_EQUAL(classify(f, sizeof(vec_v4_ip), &np), PKT_DATA);
	memcpy(f, (const uint8_t[]){0x01, 0x00, 0x5e, 0x00, 0x00, 0x01}, RTE_ETHER_ADDR_LEN);
	CU_ASSERT_EQUAL(classify(f, sizeof(vec_v4_ip), &np), PKT_DATA);

	/* a tagged frame on a network port is not ours to untag */
	memcpy(f, vec_v4_ip, 12);
	memcpy(f + 12, (const uint8_t[]){0x81, 0x00, 0x00, 0x0a}, 4); /* VID 10 */
	memcpy(f + 16, vec_v4_ip + 12, sizeof(vec_v4_ip) - 12);
	n = sizeof(vec_v4_ip) + 4;
	CU_ASSERT_EQUAL(drop(f, n), DP_DROP_UNSUPPORTED);
	f[12] = 0x88; /* 802.1ad */
	f[13] = 0xa8;
	CU_ASSERT_EQUAL(drop(f, n), DP_DROP_UNSUPPORTED);
	/* any other EtherType (LLDP) */
	f[12] = 0x88;
	f[13] = 0xcc;
	CU_ASSERT_EQUAL(drop(f, n), DP_DROP_UNSUPPORTED);
}

static void
test_classify_arp(void)
{
	/* who-has 192.0.2.2 tell 192.0.2.1, to broadcast */
	static const uint8_t arp[] = {
		0xff, 0xff, 0xff, 0xff, 0xff, 0xff,		/* broadcast */
		0x02, 0x00, 0x00, 0x00, 0x00, 0x01,		/* from A */
		0x08, 0x06,					/* ARP */
		0x00, 0x01, 0x08, 0x00, 0x06, 0x04, 0x00, 0x01, /* Ethernet/IPv4, request */
		0x02, 0x00, 0x00, 0x00, 0x00, 0x01,		/* sender MAC */
		0xc0, 0x00, 0x02, 0x01,				/* sender 192.0.2.1 */
		0x00, 0x00, 0x00, 0x00, 0x00, 0x00,		/* target MAC unknown */
		0xc0, 0x00, 0x02, 0x02,				/* target 192.0.2.2 */
	};
	struct pkt_net np;
	enum dp_drop why;

	CU_ASSERT_EQUAL(classify_at(&host_b, arp, sizeof(arp), sizeof(arp), true, &np, &why),
			PKT_ARP);
	CU_ASSERT_EQUAL(classify_at(&host_b4, arp, sizeof(arp), sizeof(arp), true, &np, &why),
			PKT_ARP);
	/* a port without IPv4 has no use for ARP */
	CU_ASSERT_EQUAL(drop_at(&host_b6, arp, sizeof(arp), sizeof(arp), true),
			DP_DROP_UNSUPPORTED);
}

static void
test_classify_v4_header(void)
{
	uint8_t f[128];
	const uint16_t n = sizeof(vec_v4_ip);
	struct pkt_net np;

	memcpy(f, vec_v4_ip, n);
	/* version 5 in an IPv4 EtherType */
	f[14] = 0x55;
	v4_fix(f);
	CU_ASSERT_EQUAL(drop(f, n), DP_DROP_MALFORMED);
	/* IHL 4: shorter than the fixed header */
	f[14] = 0x44;
	CU_ASSERT_EQUAL(drop(f, n), DP_DROP_MALFORMED);
	CU_ASSERT_EQUAL(drop_at(&host_b, f, n, n, false), DP_DROP_MALFORMED);
	f[14] = 0x45;
	/* total length below the header length */
	v4_set_total(f, 19);
	CU_ASSERT_EQUAL(drop(f, n), DP_DROP_MALFORMED);
	/* total length one byte beyond the frame; exactly the frame */
	v4_set_total(f, (uint16_t)(n - 14 + 1));
	CU_ASSERT_EQUAL(drop(f, n), DP_DROP_MALFORMED);
	v4_set_total(f, (uint16_t)(n - 14));
	CU_ASSERT_EQUAL(classify(f, n, &np), PKT_DATA);
	CU_ASSERT_EQUAL(np.end, n);

	/* the header (or the session ID) beyond the first segment */
	CU_ASSERT_EQUAL(drop_at(&host_b, f, 33, n, true), DP_DROP_MALFORMED);
	CU_ASSERT_EQUAL(drop_at(&host_b, f, 37, n, true), DP_DROP_MALFORMED);
	CU_ASSERT_EQUAL(classify_at(&host_b, f, 38, n, true, &np, &(enum dp_drop){0}), PKT_DATA);

	/* header checksum: checked only when asked */
	f[24] ^= 0x01;
	CU_ASSERT_EQUAL(drop(f, n), DP_DROP_IP_CHECKSUM);
	CU_ASSERT_EQUAL(drop_at(&host_b, f, n, n, false), DP_DROP_MAX);
	f[24] ^= 0x01;

	/* to another address, including the broadcast */
	f[33] = 0x03;
	v4_fix(f);
	CU_ASSERT_EQUAL(drop(f, n), DP_DROP_NOT_FOR_US);
	f[33] = 0xff;
	v4_fix(f);
	CU_ASSERT_EQUAL(drop(f, n), DP_DROP_NOT_FOR_US);
	f[33] = 0x02;
	v4_fix(f);

	/* IPv4 on a port that has no IPv4 address */
	CU_ASSERT_EQUAL(drop_at(&host_b6, f, n, n, true), DP_DROP_UNSUPPORTED);
	CU_ASSERT_EQUAL(drop_at(&host_b4, f, n, n, true), DP_DROP_MAX);
}

static void
test_classify_v4_fragments(void)
{
	static const uint8_t flags[][2] = {
		{0x20, 0x00}, /* MF: a first fragment */
		{0x00, 0x01}, /* offset 8: a last fragment */
		{0x20, 0xb9}, /* MF and offset 1480 */
		{0x60, 0x00}, /* DF and MF */
		{0x1f, 0xff}, /* largest offset */
	};
	uint8_t f[128];
	const uint16_t n = sizeof(vec_v4_ip);
	struct pkt_net np;
	unsigned int i;

	memcpy(f, vec_v4_ip, n);
	for (i = 0; i < RTE_DIM(flags); i++) {
		memcpy(f + 20, flags[i], 2);
		v4_fix(f);
		CU_ASSERT_EQUAL(drop(f, n), DP_DROP_FRAGMENT);
	}
	/* DF alone (as in the vectors) or no flag at all is whole */
	memcpy(f + 20, (const uint8_t[]){0x00, 0x00}, 2);
	v4_fix(f);
	CU_ASSERT_EQUAL(classify(f, n, &np), PKT_DATA);
	CU_ASSERT_EQUAL(classify(vec_v4_ip, n, &np), PKT_DATA);
}

static void
test_classify_v4_proto(void)
{
	/* a ZLB control message over IP */
	static const uint8_t ctrl[] = {
		0x00, 0x00, 0x00, 0x00, /* session ID 0 */
		0xc8, 0x03, 0x00, 0x0c, /* T, L, S, Ver 3, length 12 */
		0x00, 0x00, 0x00, 0x01, /* control connection ID 1 */
		0x00, 0x00, 0x00, 0x00, /* Ns 0, Nr 0 */
	};
	/* session ID 42 and 16 payload bytes */
	static const uint8_t data[] = {
		0x00, 0x00, 0x00, 0x2a, 0xaa, 0xaa, 0xaa, 0xaa, 0xaa, 0xaa,
		0xaa, 0xaa, 0xaa, 0xaa, 0xaa, 0xaa, 0xaa, 0xaa, 0xaa, 0xaa,
	};
	static const uint8_t echo[] = {0x08, 0x00, 0xf7, 0xff, 0x00, 0x00, 0x00, 0x00};
	static const uint8_t tcp[20];
	uint8_t f[128];
	struct pkt_net np;
	uint16_t n;

	n = frame_v4(f, 5, L2TP_IPPROTO, ctrl, sizeof(ctrl));
	CU_ASSERT_EQUAL(classify(f, n, &np), PKT_CTRL);
	CU_ASSERT_EQUAL(np.l4_off, 34);
	CU_ASSERT_EQUAL(np.ctrl_off, 38);
	CU_ASSERT_EQUAL(np.end, n);
	CU_ASSERT_EQUAL(np.session_id, 0);
	CU_ASSERT_FALSE(np.udp);

	n = frame_v4(f, 5, L2TP_IPPROTO, data, sizeof(data));
	CU_ASSERT_EQUAL(classify(f, n, &np), PKT_DATA);
	CU_ASSERT_EQUAL(np.sid_off, 34);
	CU_ASSERT_EQUAL(np.session_id, 42);
	CU_ASSERT_EQUAL(np.end, n);
	/* with options, everything moves by their length */
	n = frame_v4(f, 7, L2TP_IPPROTO, data, sizeof(data));
	CU_ASSERT_EQUAL(classify(f, n, &np), PKT_DATA);
	CU_ASSERT_EQUAL(np.l4_off, 42);
	CU_ASSERT_EQUAL(np.sid_off, 42);
	CU_ASSERT_EQUAL(np.end, n);
	/* options beyond the first segment */
	CU_ASSERT_EQUAL(drop_at(&host_b, f, 41, n, true), DP_DROP_MALFORMED);
	/* a session ID cut short by the IP total length */
	n = frame_v4(f, 5, L2TP_IPPROTO, data, 3);
	CU_ASSERT_EQUAL(drop(f, n), DP_DROP_MALFORMED);
	n = frame_v4(f, 5, L2TP_IPPROTO, data, 4);
	CU_ASSERT_EQUAL(classify(f, n, &np), PKT_DATA);

	n = frame_v4(f, 5, IPPROTO_ICMP, echo, sizeof(echo));
	CU_ASSERT_EQUAL(classify(f, n, &np), PKT_ICMP);
	CU_ASSERT_EQUAL(np.l4_off, 34);
	n = frame_v4(f, 6, IPPROTO_ICMP, echo, sizeof(echo));
	CU_ASSERT_EQUAL(classify(f, n, &np), PKT_ICMP);
	CU_ASSERT_EQUAL(np.l4_off, 38);

	n = frame_v4(f, 5, IPPROTO_TCP, tcp, sizeof(tcp));
	CU_ASSERT_EQUAL(drop(f, n), DP_DROP_UNSUPPORTED);
	n = frame_v4(f, 5, IPPROTO_GRE, tcp, sizeof(tcp));
	CU_ASSERT_EQUAL(drop(f, n), DP_DROP_UNSUPPORTED);
}

/* UDP 1701 -> dport, length 32: data header, session ID 42, 16 bytes. */
static uint16_t
udp_l2tp(uint8_t *u, uint16_t dport, uint16_t word)
{
	static const uint8_t tmpl[] = {
		0x06, 0xa5, 0x06, 0xa5, 0x00, 0x20, 0x00, 0x00, /* length 32, no checksum */
		0x00, 0x03, 0x00, 0x00,				/* T=0, Ver=3 */
		0x00, 0x00, 0x00, 0x2a,				/* session ID 42 */
		0xaa, 0xaa, 0xaa, 0xaa, 0xaa, 0xaa, 0xaa, 0xaa,
		0xaa, 0xaa, 0xaa, 0xaa, 0xaa, 0xaa, 0xaa, 0xaa,
	};

	memcpy(u, tmpl, sizeof(tmpl));
	put16(u + 2, dport);
	put16(u + 8, word);
	return sizeof(tmpl);
}

static void
test_classify_udp(void)
{
	uint8_t u[64], f[128];
	struct pkt_net np;
	uint16_t ul, n;

	/* control: T=1 (0xc803), whatever follows */
	ul = udp_l2tp(u, L2TP_UDP_PORT, 0xc803);
	n = frame_v4(f, 5, IPPROTO_UDP, u, ul);
	CU_ASSERT_EQUAL(classify(f, n, &np), PKT_CTRL);
	CU_ASSERT_EQUAL(np.l4_off, 34);
	CU_ASSERT_EQUAL(np.ctrl_off, 42);
	CU_ASSERT_TRUE(np.udp);
	CU_ASSERT_EQUAL(np.udp_dport, RTE_BE16(L2TP_UDP_PORT));
	CU_ASSERT_EQUAL(np.end, n);
	/* the smallest UDP length the classifier takes: 8 + 4 */
	put16(u + 4, 12);
	n = frame_v4(f, 5, IPPROTO_UDP, u, 12);
	CU_ASSERT_EQUAL(classify(f, n, &np), PKT_CTRL);
	put16(u + 4, 11);
	n = frame_v4(f, 5, IPPROTO_UDP, u, 12);
	CU_ASSERT_EQUAL(drop(f, n), DP_DROP_MALFORMED);

	/* data: T=0, Ver=3, to the ephemeral port too */
	ul = udp_l2tp(u, PORT_EPH, 0x0003);
	n = frame_v4(f, 5, IPPROTO_UDP, u, ul);
	CU_ASSERT_EQUAL(classify(f, n, &np), PKT_DATA);
	CU_ASSERT_EQUAL(np.sid_off, 46);
	CU_ASSERT_EQUAL(np.session_id, 42);
	CU_ASSERT_EQUAL(np.udp_dport, RTE_BE16(PORT_EPH));
	CU_ASSERT_EQUAL(np.end, n);
	/* reserved bits set are ignored, only T and Ver count */
	ul = udp_l2tp(u, L2TP_UDP_PORT, 0x7ff3);
	n = frame_v4(f, 5, IPPROTO_UDP, u, ul);
	CU_ASSERT_EQUAL(classify(f, n, &np), PKT_DATA);
	/* L2TPv2 data */
	ul = udp_l2tp(u, L2TP_UDP_PORT, 0x0002);
	n = frame_v4(f, 5, IPPROTO_UDP, u, ul);
	CU_ASSERT_EQUAL(drop(f, n), DP_DROP_L2TP_VERSION);
	/* session ID 0 with T=0 */
	ul = udp_l2tp(u, L2TP_UDP_PORT, 0x0003);
	memset(u + 12, 0, 4);
	n = frame_v4(f, 5, IPPROTO_UDP, u, ul);
	CU_ASSERT_EQUAL(drop(f, n), DP_DROP_MALFORMED);
	/* a port that carries no L2TP */
	ul = udp_l2tp(u, L2TP_UDP_PORT + 1, 0x0003);
	n = frame_v4(f, 5, IPPROTO_UDP, u, ul);
	CU_ASSERT_EQUAL(drop(f, n), DP_DROP_UNSUPPORTED);
	ul = udp_l2tp(u, L2TP_UDP_PORT + 1, 0xc803);
	n = frame_v4(f, 5, IPPROTO_UDP, u, ul);
	CU_ASSERT_EQUAL(drop(f, n), DP_DROP_UNSUPPORTED);

	/* UDP length beyond the IP payload */
	ul = udp_l2tp(u, L2TP_UDP_PORT, 0x0003);
	put16(u + 4, (uint16_t)(ul + 1));
	n = frame_v4(f, 5, IPPROTO_UDP, u, ul);
	CU_ASSERT_EQUAL(drop(f, n), DP_DROP_MALFORMED);
	/* shorter: the packet ends where UDP says */
	put16(u + 4, 20);
	n = frame_v4(f, 5, IPPROTO_UDP, u, ul);
	CU_ASSERT_EQUAL(classify(f, n, &np), PKT_DATA);
	CU_ASSERT_EQUAL(np.end, 34 + 20);
	/* too short for the session ID of a data message */
	put16(u + 4, 15);
	n = frame_v4(f, 5, IPPROTO_UDP, u, ul);
	CU_ASSERT_EQUAL(drop(f, n), DP_DROP_MALFORMED);
	/* IP too short for UDP and the first L2TP word */
	n = frame_v4(f, 5, IPPROTO_UDP, u, 11);
	CU_ASSERT_EQUAL(drop(f, n), DP_DROP_MALFORMED);
	/* the session ID beyond the first segment */
	put16(u + 4, ul);
	n = frame_v4(f, 5, IPPROTO_UDP, u, ul);
	CU_ASSERT_EQUAL(drop_at(&host_b, f, 49, n, true), DP_DROP_MALFORMED);
	CU_ASSERT_EQUAL(classify_at(&host_b, f, 50, n, true, &np, &(enum dp_drop){0}), PKT_DATA);
	/* the first L2TP word beyond the first segment */
	CU_ASSERT_EQUAL(drop_at(&host_b, f, 45, n, true), DP_DROP_MALFORMED);
}

static void
test_classify_v6(void)
{
	static const uint8_t echo6[] = {0x80, 0x00, 0x00, 0x00, 0x00, 0x01, 0x00, 0x01};
	static const uint8_t sid[] = {0x00, 0x00, 0x00, 0x2a, 0xaa, 0xaa, 0xaa, 0xaa};
	static const uint8_t frag[] = {
		0x73, 0x00, 0x00, 0x01, /* next header 115, offset 0, M */
		0x00, 0x00, 0x00, 0x07, /* identification 7 */
		0x00, 0x00, 0x00, 0x2a, /* session ID 42 */
	};
	uint8_t u[64], f[160];
	struct pkt_net np;
	uint16_t ul, n;

	n = frame_v6(f, IPPROTO_ICMPV6, ip6_b, echo6, sizeof(echo6));
	CU_ASSERT_EQUAL(classify(f, n, &np), PKT_ICMP6);
	CU_ASSERT_EQUAL(np.l4_off, 54);
	CU_ASSERT_TRUE(np.v6);
	CU_ASSERT_EQUAL(np.end, n);
	/* multicast: ICMPv6 (ND) yes, L2TP no */
	n = frame_v6(f, IPPROTO_ICMPV6, ip6_all_nodes, echo6, sizeof(echo6));
	CU_ASSERT_EQUAL(classify(f, n, &np), PKT_ICMP6);
	n = frame_v6(f, L2TP_IPPROTO, ip6_all_nodes, sid, sizeof(sid));
	CU_ASSERT_EQUAL(drop(f, n), DP_DROP_NOT_FOR_US);
	ul = udp_l2tp(u, L2TP_UDP_PORT, 0x0003);
	n = frame_v6(f, IPPROTO_UDP, ip6_all_nodes, u, ul);
	CU_ASSERT_EQUAL(drop(f, n), DP_DROP_NOT_FOR_US);
	/* someone else's unicast address, whatever it carries */
	n = frame_v6(f, IPPROTO_ICMPV6, ip6_c, echo6, sizeof(echo6));
	CU_ASSERT_EQUAL(drop(f, n), DP_DROP_NOT_FOR_US);
	n = frame_v6(f, L2TP_IPPROTO, ip6_c, sid, sizeof(sid));
	CU_ASSERT_EQUAL(drop(f, n), DP_DROP_NOT_FOR_US);

	/* to us: L2TP over IP and UDP (data and control) */
	n = frame_v6(f, L2TP_IPPROTO, ip6_b, sid, sizeof(sid));
	CU_ASSERT_EQUAL(classify(f, n, &np), PKT_DATA);
	CU_ASSERT_EQUAL(np.sid_off, 54);
	CU_ASSERT_EQUAL(np.session_id, 42);
	n = frame_v6(f, L2TP_IPPROTO, ip6_b, (const uint8_t[4]){0}, 4);
	CU_ASSERT_EQUAL(classify(f, n, &np), PKT_CTRL);
	CU_ASSERT_EQUAL(np.ctrl_off, 58);
	n = frame_v6(f, IPPROTO_UDP, ip6_b, u, ul);
	CU_ASSERT_EQUAL(classify(f, n, &np), PKT_DATA);
	CU_ASSERT_EQUAL(np.sid_off, 66);
	ul = udp_l2tp(u, L2TP_UDP_PORT, 0xc803);
	n = frame_v6(f, IPPROTO_UDP, ip6_b, u, ul);
	CU_ASSERT_EQUAL(classify(f, n, &np), PKT_CTRL);
	CU_ASSERT_EQUAL(np.ctrl_off, 62);
	CU_ASSERT_TRUE(np.udp && np.v6);

	/* a fragment header, and other extension headers */
	n = frame_v6(f, IPPROTO_FRAGMENT, ip6_b, frag, sizeof(frag));
	CU_ASSERT_EQUAL(drop(f, n), DP_DROP_FRAGMENT);
	n = frame_v6(f, IPPROTO_HOPOPTS, ip6_b, frag, sizeof(frag));
	CU_ASSERT_EQUAL(drop(f, n), DP_DROP_UNSUPPORTED);
	n = frame_v6(f, IPPROTO_TCP, ip6_b, frag, sizeof(frag));
	CU_ASSERT_EQUAL(drop(f, n), DP_DROP_UNSUPPORTED);

	/* payload length one byte beyond the frame; exactly the frame */
	n = frame_v6(f, L2TP_IPPROTO, ip6_b, sid, sizeof(sid));
	put16(f + 18, sizeof(sid) + 1);
	CU_ASSERT_EQUAL(drop(f, n), DP_DROP_MALFORMED);
	put16(f + 18, sizeof(sid));
	CU_ASSERT_EQUAL(drop(f, n), DP_DROP_MAX);
	/* a shorter payload length ends the packet early */
	put16(f + 18, 4);
	CU_ASSERT_EQUAL(classify(f, n, &np), PKT_DATA);
	CU_ASSERT_EQUAL(np.end, 58);
	/* version 4 in an IPv6 EtherType */
	f[14] = 0x40;
	CU_ASSERT_EQUAL(drop(f, n), DP_DROP_MALFORMED);
	f[14] = 0x60;
	/* the header or the session ID beyond the first segment */
	CU_ASSERT_EQUAL(drop_at(&host_b, f, 53, n, true), DP_DROP_MALFORMED);
	CU_ASSERT_EQUAL(drop_at(&host_b, f, 57, n, true), DP_DROP_MALFORMED);
	/* IPv6 on a port that has no IPv6 address */
	CU_ASSERT_EQUAL(drop_at(&host_b4, f, n, n, true), DP_DROP_UNSUPPORTED);
	CU_ASSERT_EQUAL(drop_at(&host_b6, f, n, n, true), DP_DROP_MAX);
}

/* The result of an earlier classification never leaks into the next. */
static void
test_classify_resets(void)
{
	struct pkt_net np;

	CU_ASSERT_EQUAL(classify(vec_v6_udp_c8, sizeof(vec_v6_udp_c8), &np), PKT_DATA);
	CU_ASSERT_EQUAL(classify(vec_v4_ip, sizeof(vec_v4_ip), &np), PKT_DATA);
	CU_ASSERT_FALSE(np.v6);
	CU_ASSERT_FALSE(np.udp);
	CU_ASSERT_EQUAL(np.udp_dport, 0);
	CU_ASSERT_EQUAL(np.ctrl_off, 0);
}

/* 2. pkt_ac_tags */

/* pkt_ac_tags's result, and its tags packed as vlan << 16 | inner */
static int
ac_tags(const uint8_t *f, uint32_t len, uint32_t *tags)
{
	uint16_t vlan = 0xffff, inner = 0xffff;
	int rc = pkt_ac_tags(f, len, &vlan, &inner);

	*tags = (uint32_t)vlan << 16 | inner;
	return rc;
}

static void
test_ac_tags(void)
{
	uint8_t f[80];
	uint32_t t;

	CU_ASSERT_EQUAL(ac_tags(vec_inner, sizeof(vec_inner), &t), 0);
	CU_ASSERT_EQUAL(t, 0);
	CU_ASSERT_EQUAL(ac_tags(vec_inner, RTE_ETHER_HDR_LEN, &t), 0);
	CU_ASSERT_EQUAL(t, 0);
	CU_ASSERT_EQUAL(ac_tags(vec_inner, RTE_ETHER_HDR_LEN - 1, &t), -1);
	CU_ASSERT_EQUAL(ac_tags(vec_inner, 0, &t), -1);
	/* 802.1Q: the VID, without PCP and DEI (0xb064) */
	CU_ASSERT_EQUAL(ac_tags(vec_inner_tagged, sizeof(vec_inner_tagged), &t), 0);
	CU_ASSERT_EQUAL(t, 100u << 16);
	CU_ASSERT_EQUAL(ac_tags(vec_inner_tagged, 18, &t), 0);
	CU_ASSERT_EQUAL(t, 100u << 16);
	CU_ASSERT_EQUAL(ac_tags(vec_inner_tagged, 17, &t), -1);
	CU_ASSERT_EQUAL(ac_tags(vec_inner_tagged, 14, &t), -1);

	memcpy(f, vec_inner_tagged, sizeof(vec_inner_tagged));
	/* priority-tagged: PCP 5, VID 0 */
	memcpy(f + 14, (const uint8_t[]){0xa0, 0x00}, 2);
	CU_ASSERT_EQUAL(ac_tags(f, sizeof(vec_inner_tagged), &t), 0);
	CU_ASSERT_EQUAL(t, 0);
	/* VID 4095 with every other TCI bit set */
	memcpy(f + 14, (const uint8_t[]){0xff, 0xff}, 2);
	CU_ASSERT_EQUAL(ac_tags(f, sizeof(vec_inner_tagged), &t), 0);
	CU_ASSERT_EQUAL(t, 4095u << 16);
	/* QinQ: 802.1ad outer VID 0x123 over 802.1Q VID 100 (PCP 3) */
	memcpy(f + 12, (const uint8_t[]){0x88, 0xa8, 0x01, 0x23, 0x81, 0x00, 0x60, 0x64}, 8);
	memcpy(f + 20, vec_inner + 12, sizeof(vec_inner) - 12);
	CU_ASSERT_EQUAL(ac_tags(f, sizeof(vec_inner) + 8, &t), 0);
	CU_ASSERT_EQUAL(t, 0x123u << 16 | 100);
	CU_ASSERT_EQUAL(ac_tags(f, 22, &t), 0);
	CU_ASSERT_EQUAL(ac_tags(f, 21, &t), -1);
	/* two 802.1Q tags, and the pre-standard 0x9100 S-tag */
	f[12] = 0x81;
	f[13] = 0x00;
	CU_ASSERT_EQUAL(ac_tags(f, sizeof(vec_inner) + 8, &t), 0);
	CU_ASSERT_EQUAL(t, 0x123u << 16 | 100);
	f[12] = 0x91;
	CU_ASSERT_EQUAL(ac_tags(f, sizeof(vec_inner) + 8, &t), 0);
	CU_ASSERT_EQUAL(t, 0x123u << 16 | 100);
	/* an S-tag over an S-tag: the second is data, not a C-tag */
	memcpy(f + 16, (const uint8_t[]){0x88, 0xa8}, 2);
	CU_ASSERT_EQUAL(ac_tags(f, sizeof(vec_inner) + 8, &t), 0);
	CU_ASSERT_EQUAL(t, 0x123u << 16);
}

/* 3. vc_fp_build and pkt_encap */

static void
test_fp_build(void)
{
	struct vc_fp fp;
	struct dp_vc_params p, b;
	struct dp_port net = net_a;

	p = pw_a(AF_INET, L2TP_ENCAP_IP, 0, false, false);
	build_a(&fp, &p);
	CU_ASSERT_EQUAL(fp.index, 7);
	CU_ASSERT_EQUAL(fp.flags, 0);
	CU_ASSERT_EQUAL(fp.ac_port_id, ac_port.id);
	CU_ASSERT_EQUAL(fp.net_port_id, net_a.id);
	CU_ASSERT_EQUAL(fp.ac_port, ac_port.index);
	CU_ASSERT_EQUAL(fp.net_port, net_a.index);
	CU_ASSERT_PTR_EQUAL(fp.nh, &nh_b);
	CU_ASSERT_EQUAL(fp.hdr_len, 14 + 20 + 4);
	CU_ASSERT_EQUAL(fp.l4_off, 20);
	CU_ASSERT_EQUAL(fp.l2ss_off, 0);
	CU_ASSERT_EQUAL(fp.rx_l2ss_len, 0);
	CU_ASSERT_EQUAL(fp.max_frame, 1500 - 20 - 4);
	CU_ASSERT_EQUAL(fp.remote_v4, IP4_B);
	CU_ASSERT_EQUAL(fp.rx_cookie_len, 0);

	p = pw_a(AF_INET6, L2TP_ENCAP_UDP, 8, true, true);
	p.udp_local_port = 1234;
	build_a(&fp, &p);
	CU_ASSERT_EQUAL(fp.flags, VC_F_IPV6 | VC_F_UDP | VC_F_UDP_CSUM | VC_F_L2SS | VC_F_SEQ_SEND |
					  VC_F_SEQ_RECV);
	CU_ASSERT_EQUAL(fp.hdr_len, 14 + 40 + 8 + 4 + 4 + 8 + 4);
	CU_ASSERT_EQUAL(fp.hdr_len, 82); /* vc.h: VC_HDR_MAX covers this */
	CU_ASSERT_EQUAL(fp.l4_off, 40);
	CU_ASSERT_EQUAL(fp.l2ss_off, 14 + 40 + 8 + 4 + 4 + 8);
	CU_ASSERT_EQUAL(fp.rx_l2ss_len, 4);
	CU_ASSERT_EQUAL(fp.max_frame, 1500 - 40 - 8 - 4 - 4 - 8 - 4);
	CU_ASSERT_EQUAL(fp.udp_local_port, RTE_BE16(1234));
	CU_ASSERT(memcmp(fp.remote_v6, ip6_b, 16) == 0);
	/* decap checks the cookie it asked for, not the one it sends */
	CU_ASSERT_EQUAL(fp.rx_cookie_len, 8);
	CU_ASSERT(memcmp(fp.rx_cookie, cookie_a, 8) == 0);

	/* sequencing needs the L2SS; receive and send are separate */
	p = pw_a(AF_INET, L2TP_ENCAP_UDP, 4, true, false);
	p.seq_recv = true;
	build_a(&fp, &p);
	CU_ASSERT_EQUAL(fp.flags, VC_F_UDP | VC_F_L2SS | VC_F_SEQ_RECV);
	p.udp_checksum = true;
	p.remote_down = true;
	net.csum_offload = true;
	CU_ASSERT_EQUAL(vc_fp_build(&fp, 7, &p, &ac_port, &net, &nh_b), 0);
	CU_ASSERT_EQUAL(fp.flags, VC_F_UDP | VC_F_UDP_CSUM | VC_F_L2SS | VC_F_SEQ_RECV |
					  VC_F_REMOTE_DOWN | VC_F_CSUM_OFFLOAD);

	/* the sublayer by direction: each end says how it receives */
	p = pw_a(AF_INET, L2TP_ENCAP_IP, 0, false, false);
	p.l2ss_send = L2TP_L2SS_DEFAULT;
	build_a(&fp, &p);
	CU_ASSERT_EQUAL(fp.flags, VC_F_L2SS);
	CU_ASSERT_EQUAL(fp.hdr_len, 14 + 20 + 4 + 4);
	CU_ASSERT_EQUAL(fp.rx_l2ss_len, 0);
	p.l2ss_send = L2TP_L2SS_NONE;
	p.l2ss_recv = L2TP_L2SS_DEFAULT;
	p.seq_recv = true;
	build_a(&fp, &p);
	CU_ASSERT_EQUAL(fp.flags, VC_F_SEQ_RECV);
	CU_ASSERT_EQUAL(fp.hdr_len, 14 + 20 + 4);
	CU_ASSERT_EQUAL(fp.rx_l2ss_len, 4);

	/* VLAN ACs: PW Ethernet strips and pushes, Ethernet VLAN rewrites;
	 * the whole port (VLAN 0) leaves frames alone either way */
	p = pw_a(AF_INET, L2TP_ENCAP_IP, 0, false, false);
	p.ac_vlan = 4094;
	build_a(&fp, &p);
	CU_ASSERT_EQUAL(fp.flags, 0);
	CU_ASSERT_EQUAL(fp.ac_strip, 4);
	CU_ASSERT_EQUAL(fp.ac_push, 4);
	CU_ASSERT_EQUAL(memcmp(fp.ac_tags, "\x81\x00\x0f\xfe", 4), 0);
	p.pw_type = L2TP_PW_ETH_VLAN;
	build_a(&fp, &p);
	CU_ASSERT_EQUAL(fp.flags, VC_F_VLAN_REWRITE);
	CU_ASSERT_EQUAL(fp.ac_vlan_tci, RTE_BE16(4094));
	CU_ASSERT_EQUAL(fp.ac_strip + fp.ac_push, 0);
	/* QinQ: S-tag with the port's TPID; PW Ethernet removes both tags,
	 * Ethernet VLAN carries the C-tag and removes the S-tag */
	p.ac_inner_vlan = 7;
	build_a(&fp, &p);
	CU_ASSERT_EQUAL(fp.flags, VC_F_VLAN_REWRITE);
	CU_ASSERT_EQUAL(fp.ac_vlan_tci, RTE_BE16(7));
	CU_ASSERT_EQUAL(fp.ac_strip, 4);
	CU_ASSERT_EQUAL(fp.ac_push, 4);
	CU_ASSERT_EQUAL(memcmp(fp.ac_tags, "\x88\xa8\x0f\xfe", 4), 0);
	p.pw_type = L2TP_PW_ETH;
	ac_port.qinq_tpid = RTE_BE16(0x9100);
	build_a(&fp, &p);
	ac_port.qinq_tpid = RTE_BE16(RTE_ETHER_TYPE_QINQ);
	CU_ASSERT_EQUAL(fp.flags, 0);
	CU_ASSERT_EQUAL(fp.ac_strip, 8);
	CU_ASSERT_EQUAL(fp.ac_push, 8);
	CU_ASSERT_EQUAL(memcmp(fp.ac_tags, "\x91\x00\x0f\xfe\x81\x00\x00\x07", 8), 0);
	p.ac_inner_vlan = 0;
	p.pw_type = L2TP_PW_ETH_VLAN;
	p.ac_vlan = 0;
	build_a(&fp, &p);
	CU_ASSERT_EQUAL(fp.flags, 0);
	p.pw_type = L2TP_PW_ETH;
	build_a(&fp, &p);
	CU_ASSERT_EQUAL(fp.flags, 0);

	/* an MTU that leaves room for nothing but the inner Ethernet header */
	net.csum_offload = false;
	net.mtu = 38;
	CU_ASSERT_EQUAL(vc_fp_build(&fp, 7, &p, &ac_port, &net, &nh_b), 0);
	CU_ASSERT_EQUAL(fp.max_frame, RTE_ETHER_HDR_LEN);
	net.mtu = 37;
	CU_ASSERT_EQUAL(vc_fp_build(&fp, 7, &p, &ac_port, &net, &nh_b), -EINVAL);

	/* B's record of vector 4 accepts on A's remote port */
	p = pw_a(AF_INET, L2TP_ENCAP_UDP, 8, true, false);
	p.udp_remote_port = PORT_EPH;
	b = mirror(&p);
	CU_ASSERT_EQUAL(vc_fp_build(&fp, 8, &b, &ac_port, &net_b, &nh_a), 0);
	CU_ASSERT_EQUAL(fp.udp_local_port, RTE_BE16(PORT_EPH));
	CU_ASSERT_EQUAL(fp.remote_v4, IP4_A);
	CU_ASSERT(memcmp(fp.rx_cookie, cookie8, 8) == 0);
}

/* Encapsulate b at A with fp, expecting want: the mbuf, or NULL once
 * dropped (or not dropped as expected) and freed. */
static struct rte_mbuf *
encap(const struct vc_fp *fp, const uint8_t *b, uint32_t len, uint32_t *tx_seq,
      enum dp_enc_drop want)
{
	struct rte_mbuf *m = mbuf_from(b, len);
	enum dp_enc_drop r = pkt_encap(m, fp, nh_b.mac_word, tx_seq);

	CU_ASSERT_EQUAL(r, want);
	if (r != DP_ENC_DROP_MAX || r != want) {
		rte_pktmbuf_free(m);
		return NULL;
	}
	return m;
}

static void
test_encap_vectors(void)
{
	unsigned int i;

	for (i = 0; i < RTE_DIM(vecs); i++) {
		const struct vec_case *v = &vecs[i];
		struct dp_vc_params p = vec_params(v);
		uint32_t seq = 0;
		struct rte_mbuf *m;
		struct vc_fp fp;

		build_a(&fp, &p);
		m = encap(&fp, v->in, v->in_len, &seq, DP_ENC_DROP_MAX);
		if (m == NULL)
			continue;
		if (!mbuf_equals(m, v->wire, v->wire_len))
			CU_FAIL(v->name);
		CU_ASSERT_EQUAL(seq, v->seq ? 1u : 0u);
		CU_ASSERT_EQUAL(m->nb_segs, 1);
		/* no offload asked for, none requested from the NIC */
		CU_ASSERT_EQUAL(m->ol_flags & RTE_MBUF_F_TX_OFFLOAD_MASK, 0);
		rte_pktmbuf_free(m);
	}
}

static void
test_encap_sequence(void)
{
	static const uint8_t *const want[] = {vec_v4_ip_c8_seq0, vec_v4_ip_c8_seq1,
					      vec_v4_ip_c8_seq2};
	struct dp_vc_params p = pw_a(AF_INET, L2TP_ENCAP_IP, 8, true, true);
	uint8_t f[sizeof(vec_v4_ip_c8_seq0)];
	struct rte_mbuf *m;
	struct vc_fp fp;
	uint32_t seq = 0;
	unsigned int i;

	build_a(&fp, &p);
	for (i = 0; i < RTE_DIM(want); i++) {
		m = encap(&fp, vec_inner, sizeof(vec_inner), &seq, DP_ENC_DROP_MAX);
		CU_ASSERT_PTR_NOT_NULL_FATAL(m);
		CU_ASSERT(mbuf_equals(m, want[i], sizeof(vec_v4_ip_c8_seq0)));
		CU_ASSERT_EQUAL(seq, i + 1);
		rte_pktmbuf_free(m);
	}
	/* the 24-bit number wraps: 0xffffff, then 0 */
	memcpy(f, vec_v4_ip_c8_seq0, sizeof(f));
	memcpy(f + VEC_V4_IP_C8_L2SS_OFF, (const uint8_t[]){0x40, 0xff, 0xff, 0xff}, 4);
	seq = 0xffffff;
	m = encap(&fp, vec_inner, sizeof(vec_inner), &seq, DP_ENC_DROP_MAX);
	CU_ASSERT_PTR_NOT_NULL_FATAL(m);
	CU_ASSERT(mbuf_equals(m, f, sizeof(f)));
	CU_ASSERT_EQUAL(seq, 0);
	rte_pktmbuf_free(m);
	m = encap(&fp, vec_inner, sizeof(vec_inner), &seq, DP_ENC_DROP_MAX);
	CU_ASSERT_PTR_NOT_NULL_FATAL(m);
	CU_ASSERT(mbuf_equals(m, vec_v4_ip_c8_seq0, sizeof(f)));
	CU_ASSERT_EQUAL(seq, 1);
	rte_pktmbuf_free(m);

	/* an L2SS without sequencing sends S=0, sequence 0, and counts nothing */
	p.seq_send = false;
	build_a(&fp, &p);
	memcpy(f + VEC_V4_IP_C8_L2SS_OFF, (const uint8_t[]){0x00, 0x00, 0x00, 0x00}, 4);
	seq = 5;
	m = encap(&fp, vec_inner, sizeof(vec_inner), &seq, DP_ENC_DROP_MAX);
	CU_ASSERT_PTR_NOT_NULL_FATAL(m);
	CU_ASSERT(mbuf_equals(m, f, sizeof(f)));
	CU_ASSERT_EQUAL(seq, 5);
	rte_pktmbuf_free(m);
}

/* A frame of len bytes: the inner frame, then a counting pattern. */
static uint16_t
long_frame(uint8_t *f, uint16_t len, bool tagged)
{
	uint16_t i, hl = tagged ? sizeof(vec_inner_tagged) : sizeof(vec_inner);

	memcpy(f, tagged ? vec_inner_tagged : vec_inner, hl);
	for (i = hl; i < len; i++)
		f[i] = (uint8_t)i;
	return len;
}

static void
test_encap_mtu(void)
{
	struct dp_vc_params p = pw_a(AF_INET, L2TP_ENCAP_IP, 0, false, false);
	uint8_t f[FRAME_MAX], want[FRAME_MAX];
	struct rte_mbuf *m;
	struct vc_fp fp;
	uint32_t seq = 0;
	uint16_t n;

	build_a(&fp, &p);
	CU_ASSERT_EQUAL_FATAL(fp.max_frame, 1476);
	/* 1476 bytes make an IP packet of exactly the MTU */
	n = long_frame(f, 1476, false);
	m = encap(&fp, f, n, &seq, DP_ENC_DROP_MAX);
	CU_ASSERT_PTR_NOT_NULL_FATAL(m);
	memcpy(want, vec_v4_ip, 38);
	want[16] = 0x05; /* total length 1500 */
	want[17] = 0xdc;
	v4_fix(want);
	memcpy(want + 38, f, n);
	CU_ASSERT(mbuf_equals(m, want, 1514));
	rte_pktmbuf_free(m);
	n = long_frame(f, 1477, false);
	CU_ASSERT_PTR_NULL(encap(&fp, f, n, &seq, DP_ENC_DROP_MTU));

	/* on a VLAN AC the limit applies after the tag is stripped */
	p.ac_vlan = 100;
	build_a(&fp, &p);
	n = long_frame(f, 1480, true);
	m = encap(&fp, f, n, &seq, DP_ENC_DROP_MAX);
	CU_ASSERT_PTR_NOT_NULL_FATAL(m);
	CU_ASSERT_EQUAL(rte_pktmbuf_pkt_len(m), 1514);
	rte_pktmbuf_free(m);
	n = long_frame(f, 1481, true);
	CU_ASSERT_PTR_NULL(encap(&fp, f, n, &seq, DP_ENC_DROP_MTU));
	/* while the tag travels, it counts */
	p.pw_type = L2TP_PW_ETH_VLAN;
	build_a(&fp, &p);
	CU_ASSERT_PTR_NULL(encap(&fp, f, 1477, &seq, DP_ENC_DROP_MTU));
	m = encap(&fp, f, 1476, &seq, DP_ENC_DROP_MAX);
	CU_ASSERT_PTR_NOT_NULL(m);
	rte_pktmbuf_free(m);
}

static void
test_encap_headroom(void)
{
	struct dp_vc_params p = pw_a(AF_INET, L2TP_ENCAP_IP, 0, false, false);
	struct rte_mbuf *m;
	struct vc_fp fp;
	uint32_t seq = 0;

	build_a(&fp, &p);
	CU_ASSERT_EQUAL_FATAL(fp.hdr_len, 38);
	/* just enough headroom */
	m = rte_pktmbuf_alloc(pool);
	CU_ASSERT_PTR_NOT_NULL_FATAL(m);
	m->data_off = fp.hdr_len;
	memcpy(rte_pktmbuf_append(m, sizeof(vec_inner)), vec_inner, sizeof(vec_inner));
	CU_ASSERT_EQUAL(pkt_encap(m, &fp, nh_b.mac_word, &seq), DP_ENC_DROP_MAX);
	CU_ASSERT(mbuf_equals(m, vec_v4_ip, sizeof(vec_v4_ip)));
	CU_ASSERT_EQUAL(m->data_off, 0);
	/* one byte less */
	rte_pktmbuf_reset(m);
	m->data_off = fp.hdr_len - 1;
	memcpy(rte_pktmbuf_append(m, sizeof(vec_inner)), vec_inner, sizeof(vec_inner));
	CU_ASSERT_EQUAL(pkt_encap(m, &fp, nh_b.mac_word, &seq), DP_ENC_DROP_NO_HEADROOM);
	rte_pktmbuf_free(m);
}

/* The destination MAC is the word passed in, not a copy in the record. */
static void
test_encap_next_hop_mac(void)
{
	static const struct rte_ether_addr other = {{0x0a, 0x0b, 0x0c, 0x0d, 0x0e, 0x0f}};
	struct dp_vc_params p = pw_a(AF_INET, L2TP_ENCAP_IP, 0, false, false);
	uint8_t want[sizeof(vec_v4_ip)];
	struct rte_mbuf *m;
	struct vc_fp fp;
	uint32_t seq = 0;

	build_a(&fp, &p);
	memcpy(want, vec_v4_ip, sizeof(want));
	memcpy(want, other.addr_bytes, RTE_ETHER_ADDR_LEN);
	m = mbuf_from(vec_inner, sizeof(vec_inner));
	CU_ASSERT_EQUAL(pkt_encap(m, &fp, mac_word(&other), &seq), DP_ENC_DROP_MAX);
	CU_ASSERT(mbuf_equals(m, want, sizeof(want)));
	rte_pktmbuf_free(m);
	/* an unresolved next hop: the bytes are whatever the word holds,
	 * the worker holds the packet back on the missing valid bit */
	m = mbuf_from(vec_inner, sizeof(vec_inner));
	CU_ASSERT_EQUAL(pkt_encap(m, &fp, 0, &seq), DP_ENC_DROP_MAX);
	memset(want, 0, RTE_ETHER_ADDR_LEN);
	CU_ASSERT(mbuf_equals(m, want, sizeof(want)));
	rte_pktmbuf_free(m);
}

/*
 * With checksum offload the IPv4 header checksum stays 0 and the UDP
 * checksum holds the pseudo-header sum (DPDK's convention), both left
 * to the NIC by the TX flags, which DPDK's own rte_validate_tx_offload()
 * must accept. The pseudo-header sums, by hand:
 * IPv4: c000 + 0201 + c000 + 0202 + 0011 + 0058 = 1846c -> 846d
 * IPv6: 2 * (2001 + 0db8) + 0001 + 0002 + 0054 + 0011 = 5bda
 */
static void
test_encap_offload(void)
{
	struct dp_port net = net_a;
	uint8_t want[160];
	struct dp_vc_params p;
	struct rte_mbuf *m;
	struct vc_fp fp;
	uint32_t seq = 0;

	net.csum_offload = true;
	p = pw_a(AF_INET, L2TP_ENCAP_UDP, 8, true, false);
	p.udp_checksum = true;
	p.udp_remote_port = PORT_EPH;
	CU_ASSERT_EQUAL_FATAL(vc_fp_build(&fp, 7, &p, &ac_port, &net, &nh_b), 0);
	memcpy(want, vec_v4_udp_csum, sizeof(vec_v4_udp_csum));
	memcpy(want + 24, (const uint8_t[]){0x00, 0x00}, 2); /* IP checksum */
	memcpy(want + 40, (const uint8_t[]){0x84, 0x6d}, 2); /* UDP pseudo-header sum */
	m = encap(&fp, vec_inner, sizeof(vec_inner), &seq, DP_ENC_DROP_MAX);
	CU_ASSERT_PTR_NOT_NULL_FATAL(m);
	CU_ASSERT(mbuf_equals(m, want, sizeof(vec_v4_udp_csum)));
	CU_ASSERT_EQUAL(m->ol_flags & RTE_MBUF_F_TX_OFFLOAD_MASK,
			RTE_MBUF_F_TX_IPV4 | RTE_MBUF_F_TX_IP_CKSUM | RTE_MBUF_F_TX_UDP_CKSUM);
	CU_ASSERT_EQUAL(m->l2_len, 14);
	CU_ASSERT_EQUAL(m->l3_len, 20);
	CU_ASSERT_EQUAL(rte_validate_tx_offload(m), 0);
	rte_pktmbuf_free(m);

	/* over IP only the IPv4 header checksum is offloaded */
	p = pw_a(AF_INET, L2TP_ENCAP_IP, 0, false, false);
	CU_ASSERT_EQUAL_FATAL(vc_fp_build(&fp, 7, &p, &ac_port, &net, &nh_b), 0);
	memcpy(want, vec_v4_ip, sizeof(vec_v4_ip));
	memcpy(want + 24, (const uint8_t[]){0x00, 0x00}, 2);
	m = encap(&fp, vec_inner, sizeof(vec_inner), &seq, DP_ENC_DROP_MAX);
	CU_ASSERT_PTR_NOT_NULL_FATAL(m);
	CU_ASSERT(mbuf_equals(m, want, sizeof(vec_v4_ip)));
	CU_ASSERT_EQUAL(m->ol_flags & RTE_MBUF_F_TX_OFFLOAD_MASK,
			RTE_MBUF_F_TX_IPV4 | RTE_MBUF_F_TX_IP_CKSUM);
	CU_ASSERT_EQUAL(m->l2_len, 14);
	CU_ASSERT_EQUAL(m->l3_len, 20);
	CU_ASSERT_EQUAL(rte_validate_tx_offload(m), 0);
	rte_pktmbuf_free(m);

	/* IPv6: an L4 offload must say IPv6 (RTE_MBUF_F_TX_IPV6) */
	p = pw_a(AF_INET6, L2TP_ENCAP_UDP, 8, false, false);
	CU_ASSERT_EQUAL_FATAL(vc_fp_build(&fp, 7, &p, &ac_port, &net, &nh_b), 0);
	memcpy(want, vec_v6_udp_c8, sizeof(vec_v6_udp_c8));
	memcpy(want + 60, (const uint8_t[]){0x5b, 0xda}, 2);
	m = encap(&fp, vec_inner, sizeof(vec_inner), &seq, DP_ENC_DROP_MAX);
	CU_ASSERT_PTR_NOT_NULL_FATAL(m);
	CU_ASSERT(mbuf_equals(m, want, sizeof(vec_v6_udp_c8)));
	CU_ASSERT_EQUAL(m->ol_flags & RTE_MBUF_F_TX_OFFLOAD_MASK,
			RTE_MBUF_F_TX_IPV6 | RTE_MBUF_F_TX_UDP_CKSUM);
	CU_ASSERT_EQUAL(m->l2_len, 14);
	CU_ASSERT_EQUAL(m->l3_len, 40);
	CU_ASSERT_EQUAL(rte_validate_tx_offload(m), 0);
	rte_pktmbuf_free(m);
}

/* 4. pkt_decap */

static void
test_decap_vectors(void)
{
	unsigned int i;

	for (i = 0; i < RTE_DIM(vecs); i++) {
		const struct vec_case *v = &vecs[i];
		struct dp_vc_params p = vec_params(v);
		struct rte_mbuf *m = mbuf_from(v->wire, v->wire_len);
		uint32_t seq = 0;
		struct vc_fp fp;

		build_b(&fp, &p);
		CU_ASSERT_EQUAL(decap(&fp, m, &seq), DP_DEC_DROP_MAX);
		if (!mbuf_equals(m, v->out, v->out_len))
			CU_FAIL(v->name);
		CU_ASSERT_EQUAL(seq, v->seq ? 1u : 0u);
		rte_pktmbuf_free(m);
	}
}

static void
test_decap_padding(void)
{
	struct dp_vc_params p = pw_a(AF_INET, L2TP_ENCAP_IP, 0, false, false);
	uint8_t f[FRAME_MAX];
	struct rte_mbuf *m;
	struct vc_fp fp;
	uint32_t seq = 0;
	uint16_t n;

	build_b(&fp, &p);
	/* trailing bytes after the IP packet */
	memcpy(f, vec_v4_ip, sizeof(vec_v4_ip));
	memset(f + sizeof(vec_v4_ip), 0x5a, 6);
	m = mbuf_from(f, sizeof(vec_v4_ip) + 6);
	CU_ASSERT_EQUAL(decap(&fp, m, &seq), DP_DEC_DROP_MAX);
	CU_ASSERT(mbuf_equals(m, vec_inner, sizeof(vec_inner)));
	rte_pktmbuf_free(m);
	/* a 14-byte inner frame: the outer frame is padded to 60 bytes */
	memcpy(f, vec_v4_ip, 38 + 14);
	v4_set_total(f, 20 + 4 + 14);
	memset(f + 52, 0, 8);
	m = mbuf_from(f, 60);
	CU_ASSERT_EQUAL(decap(&fp, m, &seq), DP_DEC_DROP_MAX);
	CU_ASSERT(mbuf_equals(m, vec_inner, 14));
	rte_pktmbuf_free(m);

	/* UDP: what follows the UDP length goes too, even inside IP */
	p = pw_a(AF_INET, L2TP_ENCAP_UDP, 4, false, false);
	build_b(&fp, &p);
	n = sizeof(vec_v4_udp_c4);
	memcpy(f, vec_v4_udp_c4, n);
	memset(f + n, 0xa5, 4);
	v4_set_total(f, (uint16_t)(n - 14 + 4));
	m = mbuf_from(f, n + 4u);
	CU_ASSERT_EQUAL(decap(&fp, m, &seq), DP_DEC_DROP_MAX);
	CU_ASSERT(mbuf_equals(m, vec_inner, sizeof(vec_inner)));
	rte_pktmbuf_free(m);
}

static void
test_decap_cookie(void)
{
	struct dp_vc_params p = pw_a(AF_INET, L2TP_ENCAP_IP, 8, true, true);
	struct dp_vc_params b = mirror(&p);
	uint32_t seq = 0;
	struct vc_fp fp;

	/* only the last byte differs */
	b.local_cookie[7] ^= 0x01;
	CU_ASSERT_EQUAL_FATAL(vc_fp_build(&fp, 8, &b, &ac_port, &net_b, &nh_a), 0);
	CU_ASSERT_EQUAL(decap_bytes(&fp, BYTES(vec_v4_ip_c8_seq0), &seq), DP_DEC_DROP_COOKIE);
	/* a rejected packet does not move the sequence */
	CU_ASSERT_EQUAL(seq, 0);
	b.local_cookie[7] ^= 0x01;
	b.local_cookie[0] ^= 0x80;
	CU_ASSERT_EQUAL_FATAL(vc_fp_build(&fp, 8, &b, &ac_port, &net_b, &nh_a), 0);
	CU_ASSERT_EQUAL(decap_bytes(&fp, BYTES(vec_v4_ip_c8_seq0), &seq), DP_DEC_DROP_COOKIE);

	/* 4-byte cookie over UDP, last byte */
	p = pw_a(AF_INET, L2TP_ENCAP_UDP, 4, false, false);
	b = mirror(&p);
	b.local_cookie[3] = 0xbf;
	CU_ASSERT_EQUAL_FATAL(vc_fp_build(&fp, 8, &b, &ac_port, &net_b, &nh_a), 0);
	CU_ASSERT_EQUAL(decap_bytes(&fp, BYTES(vec_v4_udp_c4), &seq), DP_DEC_DROP_COOKIE);
	/* B expects 8 bytes where A sent 4 */
	b.local_cookie_len = 8;
	memcpy(b.local_cookie, cookie8, 8);
	CU_ASSERT_EQUAL_FATAL(vc_fp_build(&fp, 8, &b, &ac_port, &net_b, &nh_a), 0);
	CU_ASSERT_EQUAL(decap_bytes(&fp, BYTES(vec_v4_udp_c4), &seq), DP_DEC_DROP_COOKIE);
	/* IPv6 */
	p = pw_a(AF_INET6, L2TP_ENCAP_UDP, 8, false, false);
	b = mirror(&p);
	b.local_cookie[7] = 0xbf;
	CU_ASSERT_EQUAL_FATAL(vc_fp_build(&fp, 8, &b, &ac_port, &net_b, &nh_a), 0);
	CU_ASSERT_EQUAL(decap_bytes(&fp, BYTES(vec_v6_udp_c8), &seq), DP_DEC_DROP_COOKIE);
}

static void
test_decap_wrong_peer(void)
{
	struct dp_vc_params p, b;
	uint32_t seq = 0;
	struct vc_fp fp;

	/* an IP packet for a UDP session and vice versa */
	p = pw_a(AF_INET, L2TP_ENCAP_UDP, 0, false, false);
	build_b(&fp, &p);
	CU_ASSERT_EQUAL(decap_bytes(&fp, BYTES(vec_v4_ip), &seq), DP_DEC_DROP_WRONG_PEER);
	p = pw_a(AF_INET, L2TP_ENCAP_IP, 4, false, false);
	build_b(&fp, &p);
	CU_ASSERT_EQUAL(decap_bytes(&fp, BYTES(vec_v4_udp_c4), &seq), DP_DEC_DROP_WRONG_PEER);
	/* UDP to another of our L2TP ports */
	p = pw_a(AF_INET, L2TP_ENCAP_UDP, 4, false, false);
	p.udp_remote_port = PORT_EPH;
	build_b(&fp, &p);
	CU_ASSERT_EQUAL(decap_bytes(&fp, BYTES(vec_v4_udp_c4), &seq), DP_DEC_DROP_WRONG_PEER);
	/* the other IP version, both ways */
	p = pw_a(AF_INET, L2TP_ENCAP_IP, 4, true, true);
	build_b(&fp, &p);
	CU_ASSERT_EQUAL(decap_bytes(&fp, BYTES(vec_v6_ip_c4_seq0), &seq), DP_DEC_DROP_WRONG_PEER);
	p = pw_a(AF_INET6, L2TP_ENCAP_IP, 0, false, false);
	build_b(&fp, &p);
	CU_ASSERT_EQUAL(decap_bytes(&fp, BYTES(vec_v4_ip), &seq), DP_DEC_DROP_WRONG_PEER);
	/* right session, wrong source address */
	p = pw_a(AF_INET, L2TP_ENCAP_IP, 0, false, false);
	b = mirror(&p);
	b.remote.v4 = IP4_C;
	CU_ASSERT_EQUAL_FATAL(vc_fp_build(&fp, 8, &b, &ac_port, &net_b, &nh_a), 0);
	CU_ASSERT_EQUAL(decap_bytes(&fp, BYTES(vec_v4_ip), &seq), DP_DEC_DROP_WRONG_PEER);
	p = pw_a(AF_INET6, L2TP_ENCAP_UDP, 8, false, false);
	b = mirror(&p);
	memcpy(b.remote.v6, ip6_c, 16);
	CU_ASSERT_EQUAL_FATAL(vc_fp_build(&fp, 8, &b, &ac_port, &net_b, &nh_a), 0);
	CU_ASSERT_EQUAL(decap_bytes(&fp, BYTES(vec_v6_udp_c8), &seq), DP_DEC_DROP_WRONG_PEER);
	CU_ASSERT_EQUAL(seq, 0);
}

/* Vector 2 cut to an L2TP payload of n bytes after the session ID. */
static uint16_t
v4_ip_c8_cut(uint8_t *f, uint16_t n)
{
	memcpy(f, vec_v4_ip_c8_seq0, 38u + n);
	v4_set_total(f, (uint16_t)(20 + 4 + n));
	return (uint16_t)(38 + n);
}

static void
test_decap_truncated(void)
{
	struct dp_vc_params p = pw_a(AF_INET, L2TP_ENCAP_IP, 8, true, true);
	uint8_t f[FRAME_MAX];
	struct rte_mbuf *m;
	struct vc_fp fp;
	uint32_t seq = 0;
	uint16_t n, u;

	build_b(&fp, &p);
	/* cookie, L2SS and inner Ethernet header: one byte short of each */
	n = v4_ip_c8_cut(f, 0);
	CU_ASSERT_EQUAL(decap_bytes(&fp, f, n, &seq), DP_DEC_DROP_TRUNCATED);
	n = v4_ip_c8_cut(f, 7);
	CU_ASSERT_EQUAL(decap_bytes(&fp, f, n, &seq), DP_DEC_DROP_TRUNCATED);
	n = v4_ip_c8_cut(f, 8 + 3);
	CU_ASSERT_EQUAL(decap_bytes(&fp, f, n, &seq), DP_DEC_DROP_TRUNCATED);
	n = v4_ip_c8_cut(f, 8 + 4 + 13);
	CU_ASSERT_EQUAL(decap_bytes(&fp, f, n, &seq), DP_DEC_DROP_TRUNCATED);
	CU_ASSERT_EQUAL(seq, 0);
	/* a bare inner Ethernet header is a frame */
	n = v4_ip_c8_cut(f, 8 + 4 + 14);
	m = mbuf_from(f, n);
	CU_ASSERT_EQUAL(decap(&fp, m, &seq), DP_DEC_DROP_MAX);
	CU_ASSERT(mbuf_equals(m, vec_inner, 14));
	CU_ASSERT_EQUAL(seq, 1);
	rte_pktmbuf_free(m);

	/* the packet ends where its UDP length says, whatever follows */
	p = pw_a(AF_INET, L2TP_ENCAP_UDP, 4, false, false);
	build_b(&fp, &p);
	memcpy(f, vec_v4_udp_c4, sizeof(vec_v4_udp_c4));
	u = 8 + 4 + 4 + 4 + 13;
	put16(f + 38, u);
	CU_ASSERT_EQUAL(decap_bytes(&fp, f, sizeof(vec_v4_udp_c4), &seq), DP_DEC_DROP_TRUNCATED);
	put16(f + 38, u + 1);
	m = mbuf_from(f, sizeof(vec_v4_udp_c4));
	CU_ASSERT_EQUAL(decap(&fp, m, &seq), DP_DEC_DROP_MAX);
	CU_ASSERT(mbuf_equals(m, vec_inner, 14));
	rte_pktmbuf_free(m);

	/* IPv6: cookie one byte short */
	p = pw_a(AF_INET6, L2TP_ENCAP_UDP, 8, false, false);
	build_b(&fp, &p);
	memcpy(f, vec_v6_udp_c8, 70 + 7);
	put16(f + 18, 8 + 4 + 4 + 7);
	put16(f + 58, 8 + 4 + 4 + 7);
	CU_ASSERT_EQUAL(decap_bytes(&fp, f, 70 + 7, &seq), DP_DEC_DROP_TRUNCATED);
}

/* Headers must be contiguous in the first segment, the rest need not be. */
static void
test_decap_segments(void)
{
	struct dp_vc_params p = pw_a(AF_INET, L2TP_ENCAP_IP, 8, true, false);
	const uint16_t n = sizeof(vec_v4_ip_c8_seq0);
	struct rte_mbuf *m;
	struct vc_fp fp;
	uint32_t seq = 0;

	build_b(&fp, &p);
	/* the first segment ends inside the cookie, then inside the L2SS */
	m = mbuf_split(vec_v4_ip_c8_seq0, n, 38 + 7);
	CU_ASSERT_EQUAL(decap(&fp, m, &seq), DP_DEC_DROP_TRUNCATED);
	rte_pktmbuf_free(m);
	m = mbuf_split(vec_v4_ip_c8_seq0, n, 38 + 11);
	CU_ASSERT_EQUAL(decap(&fp, m, &seq), DP_DEC_DROP_TRUNCATED);
	rte_pktmbuf_free(m);
	/* The inner frame starts in the second segment: refused, as
	 * stripping would leave an empty first segment, which some PMDs
	 * cannot transmit; and its Ethernet header must be readable. */
	m = mbuf_split(vec_v4_ip_c8_seq0, n, 38 + 12);
	CU_ASSERT_EQUAL(decap(&fp, m, &seq), DP_DEC_DROP_TRUNCATED);
	rte_pktmbuf_free(m);
	m = mbuf_split(vec_v4_ip_c8_seq0, n, 38 + 12 + 13);
	CU_ASSERT_EQUAL(decap(&fp, m, &seq), DP_DEC_DROP_TRUNCATED);
	rte_pktmbuf_free(m);
	m = mbuf_split(vec_v4_ip_c8_seq0, n, 38 + 12 + 14);
	CU_ASSERT_EQUAL(decap(&fp, m, &seq), DP_DEC_DROP_MAX);
	CU_ASSERT(mbuf_equals(m, vec_inner, sizeof(vec_inner)));
	rte_pktmbuf_free(m);
	m = mbuf_split(vec_v4_ip_c8_seq0, n, 38 + 12 + 20);
	CU_ASSERT_EQUAL(decap(&fp, m, &seq), DP_DEC_DROP_MAX);
	CU_ASSERT(mbuf_equals(m, vec_inner, sizeof(vec_inner)));
	rte_pktmbuf_free(m);

	/*
	 * With a tag to push, the inner Ethernet header is rewritten in
	 * place: split inside it, the frame must come out right or not
	 * at all.
	 */
	p.ac_vlan = 100;
	build_b(&fp, &p);
	m = mbuf_split(vec_v4_ip_c8_seq0, n, 38 + 12 + 6);
	CU_ASSERT_EQUAL(decap(&fp, m, &seq), DP_DEC_DROP_TRUNCATED);
	rte_pktmbuf_free(m);
	m = mbuf_split(vec_v4_ip_c8_seq0, n, 38 + 12 + 14);
	CU_ASSERT_EQUAL(decap(&fp, m, &seq), DP_DEC_DROP_MAX);
	CU_ASSERT(mbuf_equals(m, inner_tag_vid100, sizeof(inner_tag_vid100)));
	rte_pktmbuf_free(m);
}

static void
test_decap_vlan(void)
{
	static const uint8_t vid200_push[] = {VEC_INNER_TAGGED(0x00, 0xc8)};
	static const uint8_t vid200_kept[] = {VEC_INNER_TAGGED(0xb0, 0xc8)};
	static const uint8_t vid4094_push[] = {VEC_INNER_TAGGED(0x0f, 0xfe)};
	/* the inner frame tagged PCP 5, DEI 1 and carried as 802.1ad */
	/* clang-format off */
	static const uint8_t qinq_in[] = {
		VEC_INNER_MACS,
		0x88, 0xa8, 0xb0, 0x64, /* 802.1ad, PCP 5, DEI 1, VID 100 */
		0x08, 0x00, /* IPv4 */
		VEC_INNER_IP,
	};
	static const uint8_t qinq_out[] = {
		VEC_INNER_MACS,
		0x81, 0x00, 0x00, 0xc8, /* 802.1Q VID 200, pushed */
		0x88, 0xa8, 0xb0, 0x64, /* 802.1ad, PCP 5, DEI 1, VID 100 */
		0x08, 0x00, /* IPv4 */
		VEC_INNER_IP,
	};
	/* clang-format on */
	struct dp_vc_params p = pw_a(AF_INET, L2TP_ENCAP_IP, 0, false, false);
	uint8_t f[FRAME_MAX];
	struct rte_mbuf *m;
	struct vc_fp fp;
	uint32_t seq = 0;

	/* PW Ethernet: the AC's tag goes in front of the inner EtherType */
	p.ac_vlan = 4094;
	build_b(&fp, &p);
	m = mbuf_from(vec_v4_ip, sizeof(vec_v4_ip));
	CU_ASSERT_EQUAL(decap(&fp, m, &seq), DP_DEC_DROP_MAX);
	CU_ASSERT(mbuf_equals(m, vid4094_push, sizeof(vid4094_push)));
	rte_pktmbuf_free(m);
	/* ... also in front of a tag the frame already carries */
	m = mbuf_from(vec_v4_ip_tagged, sizeof(vec_v4_ip_tagged));
	CU_ASSERT_EQUAL(decap(&fp, m, &seq), DP_DEC_DROP_MAX);
	CU_ASSERT_EQUAL(rte_pktmbuf_pkt_len(m), 68);
	CU_ASSERT(memcmp(rte_pktmbuf_mtod_offset(m, uint8_t *, 12),
			 (const uint8_t[]){0x81, 0x00, 0x0f, 0xfe, 0x81, 0x00, 0xb0, 0x64},
			 8) == 0);
	rte_pktmbuf_free(m);

	/* PW Ethernet VLAN: the VID is B's, PCP and DEI are the frame's */
	p.pw_type = L2TP_PW_ETH_VLAN;
	p.ac_vlan = 200;
	build_b(&fp, &p);
	m = mbuf_from(vec_v4_ip_tagged, sizeof(vec_v4_ip_tagged));
	CU_ASSERT_EQUAL(decap(&fp, m, &seq), DP_DEC_DROP_MAX);
	CU_ASSERT(mbuf_equals(m, vid200_kept, sizeof(vid200_kept)));
	rte_pktmbuf_free(m);
	/* ... an untagged frame gets a tag */
	m = mbuf_from(vec_v4_ip, sizeof(vec_v4_ip));
	CU_ASSERT_EQUAL(decap(&fp, m, &seq), DP_DEC_DROP_MAX);
	CU_ASSERT(mbuf_equals(m, vid200_push, sizeof(vid200_push)));
	rte_pktmbuf_free(m);
	/* ... and so does one whose outer tag is not 802.1Q */
	memcpy(f, vec_v4_ip, 38);
	memcpy(f + 38, qinq_in, sizeof(qinq_in));
	v4_set_total(f, (uint16_t)(24 + sizeof(qinq_in)));
	m = mbuf_from(f, 38 + sizeof(qinq_in));
	CU_ASSERT_EQUAL(decap(&fp, m, &seq), DP_DEC_DROP_MAX);
	CU_ASSERT(mbuf_equals(m, qinq_out, sizeof(qinq_out)));
	rte_pktmbuf_free(m);

	/* QinQ, PW Ethernet VLAN: the S-tag goes in front of the carried
	 * C-tag, whose VID becomes B's inner one */
	p.ac_vlan = 300;
	p.ac_inner_vlan = 200;
	build_b(&fp, &p);
	m = mbuf_from(vec_v4_ip_tagged, sizeof(vec_v4_ip_tagged));
	CU_ASSERT_EQUAL(decap(&fp, m, &seq), DP_DEC_DROP_MAX);
	CU_ASSERT_EQUAL(rte_pktmbuf_pkt_len(m), 68);
	CU_ASSERT(memcmp(rte_pktmbuf_mtod_offset(m, uint8_t *, 12),
			 (const uint8_t[]){0x88, 0xa8, 0x01, 0x2c, 0x81, 0x00, 0xb0, 0xc8, 0x08,
					   0x00},
			 10) == 0);
	CU_ASSERT(memcmp(rte_pktmbuf_mtod(m, uint8_t *), vec_inner_tagged, 12) == 0);
	rte_pktmbuf_free(m);
	/* ... PW Ethernet: both tags in front of the frame as it came */
	p.pw_type = L2TP_PW_ETH;
	build_b(&fp, &p);
	m = mbuf_from(vec_v4_ip, sizeof(vec_v4_ip));
	CU_ASSERT_EQUAL(decap(&fp, m, &seq), DP_DEC_DROP_MAX);
	CU_ASSERT_EQUAL(rte_pktmbuf_pkt_len(m), sizeof(vec_inner) + 8);
	CU_ASSERT(memcmp(rte_pktmbuf_mtod_offset(m, uint8_t *, 12),
			 (const uint8_t[]){0x88, 0xa8, 0x01, 0x2c, 0x81, 0x00, 0x00, 0xc8},
			 8) == 0);
	CU_ASSERT(memcmp(rte_pktmbuf_mtod_offset(m, uint8_t *, 20), vec_inner + 12,
			 sizeof(vec_inner) - 12) == 0);
	rte_pktmbuf_free(m);
	p.ac_inner_vlan = 0;

	/* the whole port: frames pass as they are */
	p.ac_vlan = 0;
	build_b(&fp, &p);
	m = mbuf_from(vec_v4_ip_tagged, sizeof(vec_v4_ip_tagged));
	CU_ASSERT_EQUAL(decap(&fp, m, &seq), DP_DEC_DROP_MAX);
	CU_ASSERT(mbuf_equals(m, vec_inner_tagged, sizeof(vec_inner_tagged)));
	rte_pktmbuf_free(m);
}

/* 5. Sequence numbers */

/* With the defaults: half the space new, VC_SEQ_RESYNC to follow. */
static bool
seq_ok(uint32_t *e, uint16_t *o, uint32_t seq)
{
	return pkt_seq_accept(e, o, seq, VC_SEQ_WINDOW, VC_SEQ_RESYNC);
}

static void
test_seq_accept(void)
{
	uint32_t e = 0;
	uint16_t o = 0;

	/* a new session starts at 0 */
	CU_ASSERT_TRUE(seq_ok(&e, &o, 0));
	CU_ASSERT_EQUAL(e, 1);
	CU_ASSERT_TRUE(seq_ok(&e, &o, 1));
	CU_ASSERT_EQUAL(e, 2);
	/* duplicate, older */
	CU_ASSERT_FALSE(seq_ok(&e, &o, 1));
	CU_ASSERT_FALSE(seq_ok(&e, &o, 0));
	CU_ASSERT_EQUAL(e, 2);
	/* a gap (lost packets): accepted, and expected moves past it */
	CU_ASSERT_TRUE(seq_ok(&e, &o, 100));
	CU_ASSERT_EQUAL(e, 101);
	CU_ASSERT_FALSE(seq_ok(&e, &o, 99));
	CU_ASSERT_EQUAL(e, 101);

	/* wrap-around at 2^24 */
	e = 0xffffff;
	CU_ASSERT_TRUE(seq_ok(&e, &o, 0xffffff));
	CU_ASSERT_EQUAL(e, 0);
	CU_ASSERT_TRUE(seq_ok(&e, &o, 0));
	CU_ASSERT_EQUAL(e, 1);
	CU_ASSERT_FALSE(seq_ok(&e, &o, 0xffffff));
	e = 0xfffffe;
	CU_ASSERT_TRUE(seq_ok(&e, &o, 3));
	CU_ASSERT_EQUAL(e, 4);

	/*
	 * Half the space (§4.6): a number within the 2^23 values up to the
	 * last one received (expected - 1) is old, so expected + 2^23 is
	 * old and expected + 2^23 - 1 is the farthest jump ahead.
	 */
	e = 5;
	CU_ASSERT_FALSE(seq_ok(&e, &o, 5 + 0x800000));
	CU_ASSERT_EQUAL(e, 5);
	CU_ASSERT_TRUE(seq_ok(&e, &o, 5 + 0x7fffff));
	CU_ASSERT_EQUAL(e, 5 + 0x800000);
	e = 0xfffff0;
	CU_ASSERT_FALSE(seq_ok(&e, &o, (0xfffff0 + 0x800000) & L2TP_SEQ_MASK));
	CU_ASSERT_EQUAL(e, 0xfffff0);
	CU_ASSERT_TRUE(seq_ok(&e, &o, (0xfffff0 + 0x7fffff) & L2TP_SEQ_MASK));
	CU_ASSERT_EQUAL(e, (0xfffff0 + 0x800000) & L2TP_SEQ_MASK);
	e = 0;
	CU_ASSERT_FALSE(seq_ok(&e, &o, 0x800000));
	CU_ASSERT_TRUE(seq_ok(&e, &o, 0x7fffff));
}

/* A peer that restarted (or a restart of ours) is followed after
 * VC_SEQ_RESYNC packets in a row that look old, not dropped forever. */
static void
test_seq_resync(void)
{
	uint32_t e = 5000000;
	uint16_t o = 0;
	unsigned int i;

	for (i = 0; i < VC_SEQ_RESYNC - 1; i++)
		CU_ASSERT_FALSE(seq_ok(&e, &o, i));
	CU_ASSERT_EQUAL(e, 5000000);
	CU_ASSERT_TRUE(seq_ok(&e, &o, VC_SEQ_RESYNC - 1));
	CU_ASSERT_EQUAL(e, VC_SEQ_RESYNC);
	CU_ASSERT_EQUAL(o, 0);
	/* an in-order packet between old ones starts the count again */
	CU_ASSERT_FALSE(seq_ok(&e, &o, 0));
	CU_ASSERT_TRUE(seq_ok(&e, &o, VC_SEQ_RESYNC));
	CU_ASSERT_EQUAL(o, 0);
}

/* Appendix C: both the window of new numbers and the resynchronisation
 * threshold are the operator's (dataplane.seq_window, .seq_resync). */
static void
test_seq_configured(void)
{
	uint32_t e = 10;
	uint16_t o = 0;

	/* a window of 100: 109 is the farthest jump ahead, 110 is old */
	CU_ASSERT_FALSE(pkt_seq_accept(&e, &o, 110, 100, 3));
	CU_ASSERT_EQUAL(e, 10);
	CU_ASSERT_TRUE(pkt_seq_accept(&e, &o, 109, 100, 3));
	CU_ASSERT_EQUAL(e, 110);
	CU_ASSERT_EQUAL(o, 0);
	/* a threshold of 3: the third old number in a row is followed */
	CU_ASSERT_FALSE(pkt_seq_accept(&e, &o, 5000, 100, 3));
	CU_ASSERT_FALSE(pkt_seq_accept(&e, &o, 5001, 100, 3));
	CU_ASSERT_EQUAL(e, 110);
	CU_ASSERT_TRUE(pkt_seq_accept(&e, &o, 5002, 100, 3));
	CU_ASSERT_EQUAL(e, 5003);
	/* a threshold of 1 never drops; a window of 1 takes only the next */
	CU_ASSERT_TRUE(pkt_seq_accept(&e, &o, 7, 100, 1));
	CU_ASSERT_EQUAL(e, 8);
	CU_ASSERT_TRUE(pkt_seq_accept(&e, &o, 8, 1, 2));
	CU_ASSERT_FALSE(pkt_seq_accept(&e, &o, 10, 1, 2));
}

/* Vector 2 with L2SS word w. */
static const uint8_t *
v4_ip_c8_l2ss(uint8_t *f, uint32_t w)
{
	memcpy(f, vec_v4_ip_c8_seq0, sizeof(vec_v4_ip_c8_seq0));
	f[VEC_V4_IP_C8_L2SS_OFF] = (uint8_t)(w >> 24);
	f[VEC_V4_IP_C8_L2SS_OFF + 1] = (uint8_t)(w >> 16);
	f[VEC_V4_IP_C8_L2SS_OFF + 2] = (uint8_t)(w >> 8);
	f[VEC_V4_IP_C8_L2SS_OFF + 3] = (uint8_t)w;
	return f;
}

static void
test_seq_decap(void)
{
	struct dp_vc_params p = pw_a(AF_INET, L2TP_ENCAP_IP, 8, true, true);
	const uint16_t n = sizeof(vec_v4_ip_c8_seq0);
	uint8_t f[sizeof(vec_v4_ip_c8_seq0)];
	struct vc_fp fp;
	uint32_t seq = 0;

	build_b(&fp, &p);
	CU_ASSERT_EQUAL(decap_bytes(&fp, BYTES(vec_v4_ip_c8_seq0), &seq), DP_DEC_DROP_MAX);
	CU_ASSERT_EQUAL(seq, 1);
	CU_ASSERT_EQUAL(decap_bytes(&fp, BYTES(vec_v4_ip_c8_seq0), &seq), DP_DEC_DROP_SEQUENCE);
	CU_ASSERT_EQUAL(decap_bytes(&fp, BYTES(vec_v4_ip_c8_seq1), &seq), DP_DEC_DROP_MAX);
	CU_ASSERT_EQUAL(decap_bytes(&fp, BYTES(vec_v4_ip_c8_seq2), &seq), DP_DEC_DROP_MAX);
	CU_ASSERT_EQUAL(decap_bytes(&fp, BYTES(vec_v4_ip_c8_seq1), &seq), DP_DEC_DROP_SEQUENCE);
	CU_ASSERT_EQUAL(seq, 3);
	/* a jump ahead */
	CU_ASSERT_EQUAL(decap_bytes(&fp, v4_ip_c8_l2ss(f, 0x4000000a), n, &seq), DP_DEC_DROP_MAX);
	CU_ASSERT_EQUAL(seq, 11);
	/* S=0: the number means nothing (§4.6), whatever it is */
	CU_ASSERT_EQUAL(decap_bytes(&fp, v4_ip_c8_l2ss(f, 0x00000003), n, &seq), DP_DEC_DROP_MAX);
	CU_ASSERT_EQUAL(decap_bytes(&fp, v4_ip_c8_l2ss(f, 0x00800020), n, &seq), DP_DEC_DROP_MAX);
	CU_ASSERT_EQUAL(seq, 11);
	/* the bits around S are reserved, not part of the number */
	CU_ASSERT_EQUAL(decap_bytes(&fp, v4_ip_c8_l2ss(f, 0xff00000b), n, &seq), DP_DEC_DROP_MAX);
	CU_ASSERT_EQUAL(seq, 12);
	/* wrap-around */
	seq = 0xffffff;
	CU_ASSERT_EQUAL(decap_bytes(&fp, v4_ip_c8_l2ss(f, 0x40ffffff), n, &seq), DP_DEC_DROP_MAX);
	CU_ASSERT_EQUAL(seq, 0);
	CU_ASSERT_EQUAL(decap_bytes(&fp, v4_ip_c8_l2ss(f, 0x40ffffff), n, &seq),
			DP_DEC_DROP_SEQUENCE);
	CU_ASSERT_EQUAL(decap_bytes(&fp, v4_ip_c8_l2ss(f, 0x40000000), n, &seq), DP_DEC_DROP_MAX);
	CU_ASSERT_EQUAL(seq, 1);
	/* half the space ahead is old */
	CU_ASSERT_EQUAL(decap_bytes(&fp, v4_ip_c8_l2ss(f, 0x40800001), n, &seq),
			DP_DEC_DROP_SEQUENCE);
	CU_ASSERT_EQUAL(decap_bytes(&fp, v4_ip_c8_l2ss(f, 0x40800000), n, &seq), DP_DEC_DROP_MAX);
	CU_ASSERT_EQUAL(seq, 0x800001);

	/* without receive sequencing, numbers are not looked at */
	p.seq_recv = false;
	build_b(&fp, &p);
	seq = 5;
	CU_ASSERT_EQUAL(decap_bytes(&fp, BYTES(vec_v4_ip_c8_seq0), &seq), DP_DEC_DROP_MAX);
	CU_ASSERT_EQUAL(decap_bytes(&fp, BYTES(vec_v4_ip_c8_seq0), &seq), DP_DEC_DROP_MAX);
	CU_ASSERT_EQUAL(seq, 5);
}

/* 6. pkt_udp_csum_ok */

/* Classify b at B and check its UDP checksum, the NIC having said rx. */
static bool
udp_ok(const uint8_t *b, uint32_t len, uint64_t rx)
{
	struct rte_mbuf *m = mbuf_from(b, len);
	struct pkt_net np;
	bool ok;

	CU_ASSERT_EQUAL(classify(b, len, &np), PKT_DATA);
	CU_ASSERT_TRUE(np.udp);
	m->ol_flags |= rx;
	ok = pkt_udp_csum_ok(m, &np);
	rte_pktmbuf_free(m);
	return ok;
}

static void
test_udp_csum(void)
{
	const uint64_t unknown = RTE_MBUF_F_RX_L4_CKSUM_UNKNOWN;
	const uint64_t good = RTE_MBUF_F_RX_L4_CKSUM_GOOD;
	const uint64_t bad = RTE_MBUF_F_RX_L4_CKSUM_BAD;
	const uint64_t none = RTE_MBUF_F_RX_L4_CKSUM_NONE;
	uint8_t f[FRAME_MAX];

	/* IPv4: good; one payload bit flipped; the checksum off */
	CU_ASSERT_TRUE(udp_ok(BYTES(vec_v4_udp_csum), unknown));
	CU_ASSERT_TRUE(udp_ok(BYTES(vec_v4_udp_csum), none));
	memcpy(f, vec_v4_udp_csum, sizeof(vec_v4_udp_csum));
	f[sizeof(vec_v4_udp_csum) - 1] ^= 0x01;
	CU_ASSERT_FALSE(udp_ok(f, sizeof(vec_v4_udp_csum), unknown));
	CU_ASSERT_FALSE(udp_ok(f, sizeof(vec_v4_udp_csum), none));
	CU_ASSERT_TRUE(udp_ok(BYTES(vec_v4_udp_c4), unknown));
	/* the NIC's word is taken either way */
	CU_ASSERT_TRUE(udp_ok(f, sizeof(vec_v4_udp_csum), good));
	CU_ASSERT_FALSE(udp_ok(BYTES(vec_v4_udp_csum), bad));
	CU_ASSERT_FALSE(udp_ok(BYTES(vec_v4_udp_c4), bad));

	/* IPv6: good; one bit flipped; zero is invalid (RFC 8200 §8.1) */
	CU_ASSERT_TRUE(udp_ok(BYTES(vec_v6_udp_c8), unknown));
	memcpy(f, vec_v6_udp_c8, sizeof(vec_v6_udp_c8));
	f[sizeof(vec_v6_udp_c8) - 1] ^= 0x01;
	CU_ASSERT_FALSE(udp_ok(f, sizeof(vec_v6_udp_c8), unknown));
	CU_ASSERT_TRUE(udp_ok(f, sizeof(vec_v6_udp_c8), good));
	CU_ASSERT_FALSE(udp_ok(BYTES(vec_v6_udp_c8), bad));
	memcpy(f, vec_v6_udp_c8, sizeof(vec_v6_udp_c8));
	memset(f + 60, 0, 2);
	CU_ASSERT_FALSE(udp_ok(f, sizeof(vec_v6_udp_c8), unknown));

	/* link padding is not part of the checksummed data */
	memcpy(f, vec_v4_udp_csum, sizeof(vec_v4_udp_csum));
	memset(f + sizeof(vec_v4_udp_csum), 0xee, 5);
	CU_ASSERT_TRUE(udp_ok(f, sizeof(vec_v4_udp_csum) + 5, unknown));
}

/*
 * A UDP length shorter than the IP payload (the surplus area of RFC
 * 9868 UDP options): the classifier ends the packet at the UDP length,
 * and the checksum covers that much only, with the UDP length in the
 * pseudo-header (RFC 768).
 */
static void
test_udp_csum_surplus(void)
{
	uint8_t f[FRAME_MAX];
	uint16_t n = sizeof(vec_v4_udp_csum);

	memcpy(f, vec_v4_udp_csum, n);
	memcpy(f + n, (const uint8_t[]){0x01, 0x01, 0x01, 0x00}, 4); /* NOP NOP NOP EOL */
	v4_set_total(f, (uint16_t)(n - 14 + 4));
	CU_ASSERT_TRUE(udp_ok(f, n + 4u, RTE_MBUF_F_RX_L4_CKSUM_UNKNOWN));
}

/* Every test gave its mbufs back. */
static void
test_no_leak(void)
{
	CU_ASSERT_EQUAL(rte_mempool_avail_count(pool), POOL_SIZE);
}

static const struct {
	const char *suite, *name;
	CU_TestFunc fn;
} tests[] = {
	{"classify", "vectors", test_classify_vectors},
	{"classify", "ethernet", test_classify_ethernet},
	{"classify", "arp", test_classify_arp},
	{"classify", "v4_header", test_classify_v4_header},
	{"classify", "v4_fragments", test_classify_v4_fragments},
	{"classify", "v4_proto", test_classify_v4_proto},
	{"classify", "udp", test_classify_udp},
	{"classify", "v6", test_classify_v6},
	{"classify", "resets", test_classify_resets},
	{"ac_tags", "802.1Q, 802.1ad, 0x9100", test_ac_tags},
	{"encap", "fp_build", test_fp_build},
	{"encap", "vectors", test_encap_vectors},
	{"encap", "sequence", test_encap_sequence},
	{"encap", "mtu", test_encap_mtu},
	{"encap", "headroom", test_encap_headroom},
	{"encap", "next_hop_mac", test_encap_next_hop_mac},
	{"encap", "offload", test_encap_offload},
	{"decap", "vectors", test_decap_vectors},
	{"decap", "padding", test_decap_padding},
	{"decap", "cookie", test_decap_cookie},
	{"decap", "wrong_peer", test_decap_wrong_peer},
	{"decap", "truncated", test_decap_truncated},
	{"decap", "segments", test_decap_segments},
	{"decap", "vlan", test_decap_vlan},
	{"seq", "accept", test_seq_accept},
	{"seq", "resync", test_seq_resync},
	{"seq", "window and threshold configured", test_seq_configured},
	{"seq", "decap", test_seq_decap},
	{"udp_csum", "verify", test_udp_csum},
	{"udp_csum", "surplus", test_udp_csum_surplus},
	{"mbuf", "no_leak", test_no_leak},
};

int
main(void)
{
	CU_pSuite s = NULL;
	const char *cur = NULL;
	unsigned int i, failed;

	ut_eal_init("0", NULL);
	pool = rte_pktmbuf_pool_create("ut_pkt", POOL_SIZE, 0, 0, RTE_MBUF_DEFAULT_BUF_SIZE,
				       SOCKET_ID_ANY);
	if (pool == NULL) {
		fprintf(stderr, "mbuf pool: %s\n", rte_strerror(rte_errno));
		return 1;
	}
	ends_init();
	if (CU_initialize_registry() != CUE_SUCCESS)
		return 1;
	for (i = 0; i < RTE_DIM(tests); i++) {
		if (cur == NULL || strcmp(cur, tests[i].suite) != 0) {
			cur = tests[i].suite;
			s = CU_add_suite(cur, NULL, NULL);
		}
		if (s == NULL || CU_add_test(s, tests[i].name, tests[i].fn) == NULL) {
			CU_cleanup_registry();
			return 1;
		}
	}
	CU_basic_set_mode(CU_BRM_VERBOSE);
	CU_basic_run_tests();
	failed = CU_get_number_of_failures();
	CU_cleanup_registry();
	rte_mempool_free(pool);
	rte_eal_cleanup();
	return failed != 0;
}
