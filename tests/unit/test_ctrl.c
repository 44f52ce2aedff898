/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * L2TP control messages through the data plane, both ways.
 *
 * Sending (dp_ctrl_send): the frames on the network port's control TX
 * queue are compared byte for byte with frames built here independently
 * (IPv4 and IPv6, over IP and over UDP, on-link and through the
 * gateway), UDP checksums included, also checked by DPDK's verifier and
 * with checksum offload; a message for a next hop not yet resolved is
 * held, with the data's held packets and without disturbing the
 * worker's accounting of those, until ARP or ND answers, boundedly, and
 * dropped when nothing answers; every failure has its error and its
 * counter.
 *
 * Receiving: a UDP control message reaches the ctrl_rx handler only on
 * a port that holds a reference (dp_udp_port_ref), data on such a port
 * still goes to its session, and the last unref ends it.
 *
 * Every mbuf comes back to the pool at the end.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <CUnit/Basic.h>
#include <rte_cycles.h>
#include <rte_ether.h>
#include <rte_hash.h>
#include <rte_ip.h>
#include <rte_mbuf.h>
#include <rte_ring.h>

#include "ac_tbl.h"
#include "clock.h"
#include "dp_priv.h"
#include "neigh.h"
#include "ut_dp.h"
#include "ut_eal.h"
#include "vc.h"
#include "worker.h"

#define MAX_VCS	    16
#define PENDING_MAX 16 /* ut_dp's dataplane.neigh_pending_max */
#define PEER_PORT   50000
#define FRAME_MAX   1600

static const uint8_t mac_us[6] = {2, 0, 0, 0, 0, 1};
static const uint8_t mac_peer4[6] = {2, 0, 0, 0, 0, 2};	 /* 192.0.2.2, static */
static const uint8_t mac_peer6[6] = {2, 0, 0, 0, 0, 3};	 /* 2001:db8::2, static */
static const uint8_t mac_gw4[6] = {2, 0, 0, 0, 0, 0xfe}; /* 192.0.2.254, by ARP */
static const uint8_t mac_gw6[6] = {2, 0, 0, 0, 0, 0xfd}; /* 2001:db8::fe, by ND */
static const uint8_t mac_77[6] = {2, 0, 0, 0, 0, 0x77};	 /* 192.0.2.77, by ARP */
static const uint8_t mac_78[6] = {2, 0, 0, 0, 0, 0x78};	 /* 192.0.2.78, by ARP */
static const uint8_t mac_79[6] = {2, 0, 0, 0, 0, 0x79};	 /* 192.0.2.79, by ARP */

static struct ut_dp u;
static struct cfg_neigh neighbors[2];
static uint64_t injected; /* frames the test gave the ports */

/* What the ctrl_rx handler last saw. */
static struct {
	unsigned int calls;
	struct dp_ctrl_msg msg;
	uint8_t data[FRAME_MAX];
} rx;

static void
on_ctrl(void *arg, const struct dp_ctrl_msg *msg)
{
	(void)arg;
	rx.calls++;
	rx.msg = *msg;
	memcpy(rx.data, msg->data, msg->len);
	rx.msg.data = rx.data;
}

/* Bytes, and checksums written independently of DPDK's. */

static void
put16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
}

static uint16_t
get16(const uint8_t *p)
{
	return (uint16_t)(p[0] << 8 | p[1]);
}

/* RFC 1071 */
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

/* The pseudo-header (RFC 768, RFC 8200 §8.1) of an upper-layer message
 * of len bytes under the IP header l3, into b. Returns its length. */
static size_t
pseudo_hdr(uint8_t *b, const uint8_t *l3, bool v6, uint8_t proto, uint16_t len)
{
	memset(b, 0, 40);
	if (v6) {
		memcpy(b, l3 + 8, 32);
		put16(b + 34, len);
		b[39] = proto;
		return 40;
	}
	memcpy(b, l3 + 12, 8);
	b[9] = proto;
	put16(b + 10, len);
	return 12;
}

/* The checksum of an upper-layer message l4 of len bytes under l3. */
static uint16_t
l4_csum(const uint8_t *l3, bool v6, uint8_t proto, const uint8_t *l4, uint16_t len)
{
	uint8_t b[40 + FRAME_MAX];
	size_t n = pseudo_hdr(b, l3, v6, proto, len);

	memcpy(b + n, l4, len);
	return csum16(b, n + len);
}

/* A UDP checksum as sent: 0 means none, so a sum that gives 0 goes as
 * 0xffff (RFC 768). */
static uint16_t
udp_csum(const uint8_t *l3, bool v6, const uint8_t *l4, uint16_t len)
{
	uint16_t c = l4_csum(l3, v6, IPPROTO_UDP, l4, len);

	return c == 0 ? 0xffff : c;
}

/*
 * The frame of an L2TP control message msg from smac to dmac: IPv4 with
 * DF, TTL 64 and ID 0, or IPv6 with hop limit 64; over IP the zero
 * session ID, over UDP a header whose checksum is sent as 0xffff when it
 * comes to 0 (RFC 768). Returns its length.
 */
static uint16_t
frame(uint8_t *f, const uint8_t dmac[6], const uint8_t smac[6], const struct dp_ctrl_msg *msg)
{
	bool v6 = msg->src.family == AF_INET6, udp = msg->encap == L2TP_ENCAP_UDP;
	uint8_t *l3 = f + RTE_ETHER_HDR_LEN, proto = udp ? IPPROTO_UDP : 115;
	uint16_t l3_len = v6 ? 40 : 20, l4_len = (uint16_t)((udp ? 8 : 4) + msg->len);
	uint8_t *l4 = l3 + l3_len;

	memset(f, 0, RTE_ETHER_HDR_LEN + l3_len + l4_len);
	memcpy(f, dmac, 6);
	memcpy(f + 6, smac, 6);
	put16(f + 12, v6 ? 0x86dd : 0x0800);
	if (v6) {
		l3[0] = 0x60;
		put16(l3 + 4, l4_len);
		l3[6] = proto;
		l3[7] = 64;
		memcpy(l3 + 8, msg->src.v6, 16);
		memcpy(l3 + 24, msg->dst.v6, 16);
	} else {
		l3[0] = 0x45;
		put16(l3 + 2, (uint16_t)(l3_len + l4_len));
		put16(l3 + 6, 0x4000);
		l3[8] = 64;
		l3[9] = proto;
		memcpy(l3 + 12, &msg->src.v4, 4);
		memcpy(l3 + 16, &msg->dst.v4, 4);
		put16(l3 + 10, csum16(l3, 20));
	}
	memcpy(l4 + l4_len - msg->len, msg->data, msg->len);
	if (udp) {
		put16(l4, msg->src_port);
		put16(l4 + 2, msg->dst_port);
		put16(l4 + 4, l4_len);
		put16(l4 + 6, udp_csum(l3, v6, l4, l4_len));
	}
	return (uint16_t)(RTE_ETHER_HDR_LEN + l3_len + l4_len);
}

/* An SCCRQ (RFC 3931 §3.2: T, L, S, Ver 3; a Message Type AVP), filled
 * out to len bytes with a pattern of its own. */
static void
make_msg(uint8_t *b, uint16_t len, uint8_t seed)
{
	static const uint8_t sccrq[] = {0xc8, 0x03, 0,	  0,	0, 0, 0, 0, 0, 0,
					0,    0,    0x80, 0x08, 0, 0, 0, 0, 0, 1};
	uint16_t i;

	for (i = 0; i < len; i++)
		b[i] = (uint8_t)(seed + i * 7);
	memcpy(b, sccrq, RTE_MIN(len, sizeof(sccrq)));
	if (len >= 4)
		put16(b + 2, len);
}

static struct dp_ctrl_msg
msg_of(enum l2tp_encap encap, const char *src, const char *dst, const uint8_t *data, uint16_t len)
{
	struct dp_ctrl_msg m = {.encap = encap, .data = data, .len = len};

	CU_ASSERT_EQUAL(addr_parse(src, &m.src), 0);
	CU_ASSERT_EQUAL(addr_parse(dst, &m.dst), 0);
	if (encap == L2TP_ENCAP_UDP) {
		m.src_port = L2TP_UDP_PORT;
		m.dst_port = PEER_PORT;
	}
	return m;
}

static bool
mbuf_equals(const struct rte_mbuf *m, const uint8_t *want, uint16_t len)
{
	return m->nb_segs == 1 && rte_pktmbuf_pkt_len(m) == len &&
	       memcmp(rte_pktmbuf_mtod(m, const uint8_t *), want, len) == 0;
}

/* The data plane, as a test drives it. */

static struct rte_mbuf *
ctrl_out(void)
{
	void *m;

	return rte_ring_dequeue(u.net_tx[1], &m) == 0 ? m : NULL;
}

static void
drain(struct rte_ring *r)
{
	void *m;

	while (rte_ring_dequeue(r, &m) == 0)
		rte_pktmbuf_free(m);
}

/* The next frame on the control TX queue must be the message msg to
 * dmac; consumed. */
static void
expect_sent(const struct dp_ctrl_msg *msg, const uint8_t dmac[6])
{
	uint8_t want[FRAME_MAX];
	uint16_t len = frame(want, dmac, mac_us, msg);
	struct rte_mbuf *m = ctrl_out();

	CU_ASSERT_PTR_NOT_NULL_FATAL(m);
	CU_ASSERT(mbuf_equals(m, want, len));
	CU_ASSERT_EQUAL(m->ol_flags & RTE_MBUF_F_TX_OFFLOAD_MASK, 0);
	rte_pktmbuf_free(m);
}

/* Every frame given to the ports was received and every punt handled. */
static void
settle(void)
{
	uint64_t deadline = rte_get_timer_cycles() + 5 * rte_get_timer_hz();
	struct dp_stats st;

	do {
		dp_poll(u.dp);
		dp_get_stats(u.dp, &st);
	} while ((st.rx_pkts != injected || !rte_ring_empty(u.dp->workers[0]->punt)) &&
		 rte_get_timer_cycles() < deadline);
	dp_poll(u.dp);
	CU_ASSERT_EQUAL(st.rx_pkts, injected);
}

static struct neigh_stats
nstats(void)
{
	struct neigh_stats st;

	neigh_get_stats(u.dp->ports[UT_NET_PORT].neigh, &st);
	return st;
}

/* Until the network port's neighbours have held n packets in all. */
static void
wait_held(uint64_t n)
{
	uint64_t deadline = rte_get_timer_cycles() + 5 * rte_get_timer_hz();

	while (nstats().held < n && rte_get_timer_cycles() < deadline)
		dp_poll(u.dp);
	CU_ASSERT_EQUAL(nstats().held, n);
}

/* Wait for n frames on ring r, into out. */
static unsigned int
wait_out(struct rte_ring *r, struct rte_mbuf **out, unsigned int n)
{
	uint64_t deadline = rte_get_timer_cycles() + 5 * rte_get_timer_hz();
	unsigned int got = 0;

	while (got < n && rte_get_timer_cycles() < deadline) {
		dp_poll(u.dp);
		got += rte_ring_dequeue_burst(r, (void **)out + got, n - got, NULL);
	}
	CU_ASSERT_EQUAL(got, n);
	return got;
}

static void
inject(const uint8_t *f, uint16_t len, struct rte_ring *r)
{
	struct rte_mbuf *m = rte_pktmbuf_alloc(u.dp->pool);

	CU_ASSERT_PTR_NOT_NULL_FATAL(m);
	memcpy(rte_pktmbuf_append(m, len), f, len);
	CU_ASSERT_EQUAL_FATAL(rte_ring_enqueue(r, m), 0);
	injected++;
}

/* An ARP reply from ip (dotted quad) at mac, to us. */
static void
inject_arp_reply(const char *ip, const uint8_t mac[6])
{
	uint8_t f[42] = {0};
	struct vcs_addr a, us;

	addr_parse(ip, &a);
	addr_parse("192.0.2.1", &us);
	memcpy(f, mac_us, 6);
	memcpy(f + 6, mac, 6);
	put16(f + 12, 0x0806);
	put16(f + 14, 1);      /* Ethernet */
	put16(f + 16, 0x0800); /* IPv4 */
	f[18] = 6;
	f[19] = 4;
	put16(f + 20, 2); /* reply */
	memcpy(f + 22, mac, 6);
	memcpy(f + 28, &a.v4, 4);
	memcpy(f + 32, mac_us, 6);
	memcpy(f + 38, &us.v4, 4);
	inject(f, sizeof(f), u.net_rx);
}

/* A solicited neighbour advertisement for ip at mac, to us. */
static void
inject_nd_advert(const char *ip, const uint8_t mac[6])
{
	uint8_t f[RTE_ETHER_HDR_LEN + 40 + 32] = {0};
	uint8_t *l3 = f + RTE_ETHER_HDR_LEN, *nd = l3 + 40;
	struct vcs_addr a, us;

	addr_parse(ip, &a);
	addr_parse("2001:db8::1", &us);
	memcpy(f, mac_us, 6);
	memcpy(f + 6, mac, 6);
	put16(f + 12, 0x86dd);
	l3[0] = 0x60;
	put16(l3 + 4, 32);
	l3[6] = 58; /* ICMPv6 */
	l3[7] = 255;
	memcpy(l3 + 8, a.v6, 16);
	memcpy(l3 + 24, us.v6, 16);
	nd[0] = 136;  /* neighbour advertisement */
	nd[4] = 0x60; /* solicited, override */
	memcpy(nd + 8, a.v6, 16);
	nd[24] = 2; /* target link-layer address */
	nd[25] = 1;
	memcpy(nd + 26, mac, 6);
	put16(nd + 2, l4_csum(l3, true, 58, nd, 32));
	inject(f, sizeof(f), u.net_rx);
}

/* The next frame on the control TX queue must be an ARP request for ip
 * (or, IPv6, a neighbour solicitation); consumed. */
static void
expect_solicit(const char *ip)
{
	struct rte_mbuf *m = ctrl_out();
	struct vcs_addr a;
	const uint8_t *f;

	CU_ASSERT_PTR_NOT_NULL_FATAL(m);
	f = rte_pktmbuf_mtod(m, const uint8_t *);
	addr_parse(ip, &a);
	if (a.family == AF_INET) {
		CU_ASSERT_EQUAL(get16(f + 12), 0x0806);
		CU_ASSERT_EQUAL(get16(f + 20), 1); /* request */
		CU_ASSERT(memcmp(f + 38, &a.v4, 4) == 0);
	} else {
		CU_ASSERT_EQUAL(get16(f + 12), 0x86dd);
		CU_ASSERT_EQUAL(f[RTE_ETHER_HDR_LEN + 6], 58);
		CU_ASSERT_EQUAL(f[RTE_ETHER_HDR_LEN + 40], 135); /* solicitation */
		CU_ASSERT(memcmp(f + RTE_ETHER_HDR_LEN + 48, a.v6, 16) == 0);
	}
	rte_pktmbuf_free(m);
}

/* Run the neighbour timers as if now_ms had come. */
static void
neigh_at(uint64_t now_ms)
{
	neigh_timer(u.dp->ports[UT_NET_PORT].neigh, now_ms);
}

/* A frame of 60 bytes tagged with vlan, into the access port. */
static void
inject_ac(uint16_t vlan)
{
	uint8_t f[64] = {2, 0, 0, 0, 0, 0x0b, 2, 0, 0, 0, 0, 0x0a, 0x81, 0x00};

	put16(f + 14, vlan);
	put16(f + 16, 0x88b5);
	inject(f, sizeof(f), u.ac_rx);
}

static void
reclaim(void)
{
	uint64_t deadline = rte_get_timer_cycles() + 5 * rte_get_timer_hz();

	while (dp_vc_retiring(u.dp) != 0 && rte_get_timer_cycles() < deadline)
		dp_poll(u.dp);
	CU_ASSERT_EQUAL(dp_vc_retiring(u.dp), 0);
}

static struct dp_vc *
vc_up(const struct dp_vc_params *p)
{
	struct dp_vc *vc = dp_vc_create(u.dp, "t");

	CU_ASSERT_PTR_NOT_NULL_FATAL(vc);
	CU_ASSERT_EQUAL_FATAL(dp_vc_activate(vc, p), 0);
	return vc;
}

static void
vc_down(struct dp_vc *vc)
{
	CU_ASSERT_EQUAL(dp_vc_deactivate(vc, NULL, NULL), 1);
	reclaim();
	CU_ASSERT_EQUAL(dp_vc_delete(vc), 0);
}

/* The VC slot of the VC on AC VLAN vlan. */
static uint32_t
vc_slot(uint16_t vlan)
{
	const struct vc_fp *fp = ac_tbl_lookup(u.dp->workers[0]->ac_tbl->port[UT_AC_PORT], vlan, 0);

	CU_ASSERT_PTR_NOT_NULL_FATAL(fp);
	return fp->index;
}

static const uint64_t *
ctrl_drops(void)
{
	return u.dp->host.l2tp_ctrl_tx_drops;
}

/* 1. On-link, to static neighbours: out at once, byte for byte. */
static void
test_onlink(void)
{
	static const struct {
		enum l2tp_encap encap;
		const char *src, *dst;
		const uint8_t *mac;
		uint16_t len;
	} cases[] = {
		{L2TP_ENCAP_IP, "192.0.2.1", "192.0.2.2", mac_peer4, 20},
		{L2TP_ENCAP_UDP, "192.0.2.1", "192.0.2.2", mac_peer4, 20},
		{L2TP_ENCAP_UDP, "192.0.2.1", "192.0.2.2", mac_peer4, 333}, /* odd length */
		{L2TP_ENCAP_IP, "2001:db8::1", "2001:db8::2", mac_peer6, 20},
		{L2TP_ENCAP_UDP, "2001:db8::1", "2001:db8::2", mac_peer6, 20},
		{L2TP_ENCAP_UDP, "2001:db8::1", "2001:db8::2", mac_peer6, 1001},
	};
	uint64_t tx = u.dp->host.l2tp_ctrl_tx, held = u.dp->host.l2tp_ctrl_tx_held;
	struct neigh_stats ns = nstats();
	uint8_t data[FRAME_MAX];
	unsigned int i;

	for (i = 0; i < RTE_DIM(cases); i++) {
		struct dp_ctrl_msg m;

		make_msg(data, cases[i].len, (uint8_t)i);
		m = msg_of(cases[i].encap, cases[i].src, cases[i].dst, data, cases[i].len);
		CU_ASSERT_EQUAL(dp_ctrl_send(u.dp, &m), 0);
		/* the caller's buffer is free as soon as the call returns */
		memset(data, 0xee, sizeof(data));
		make_msg(data, cases[i].len, (uint8_t)i);
		expect_sent(&m, cases[i].mac);
	}
	CU_ASSERT_PTR_NULL(ctrl_out()); /* and no solicitation */
	CU_ASSERT_EQUAL(u.dp->host.l2tp_ctrl_tx, tx + RTE_DIM(cases));
	CU_ASSERT_EQUAL(u.dp->host.l2tp_ctrl_tx_held, held);
	CU_ASSERT_EQUAL(nstats().requests_sent, ns.requests_sent);
}

/* 2. UDP checksums, as DPDK's verifier sees them too; one that comes to
 * 0 is sent as 0xffff (RFC 768), since 0 would mean "none". */
static void
test_udp_checksum(void)
{
	uint8_t data[64], want[FRAME_MAX];
	struct dp_ctrl_msg m;
	struct rte_mbuf *out;
	const uint8_t *l3;
	unsigned int v6, zero;
	uint16_t len;

	for (v6 = 0; v6 < 2; v6++) {
		for (zero = 0; zero < 2; zero++) {
			const uint8_t *mac = v6 ? mac_peer6 : mac_peer4;

			make_msg(data, sizeof(data), (uint8_t)(9 + v6));
			m = msg_of(L2TP_ENCAP_UDP, v6 ? "2001:db8::1" : "192.0.2.1",
				   v6 ? "2001:db8::2" : "192.0.2.2", data, sizeof(data));
			if (zero) {
				/* the last word = the checksum without it: the
				 * sum becomes 0xffff, the checksum 0 */
				uint8_t *l4 = want + RTE_ETHER_HDR_LEN + (v6 ? 40 : 20);

				put16(data + sizeof(data) - 2, 0);
				frame(want, mac, mac_us, &m);
				put16(l4 + 6, 0);
				put16(data + sizeof(data) - 2,
				      l4_csum(want + RTE_ETHER_HDR_LEN, v6, IPPROTO_UDP, l4,
					      8 + sizeof(data)));
			}
			len = frame(want, mac, mac_us, &m);
			CU_ASSERT_EQUAL(dp_ctrl_send(u.dp, &m), 0);
			out = ctrl_out();
			CU_ASSERT_PTR_NOT_NULL_FATAL(out);
			CU_ASSERT(mbuf_equals(out, want, len));
			l3 = rte_pktmbuf_mtod(out, const uint8_t *) + RTE_ETHER_HDR_LEN;
			CU_ASSERT_EQUAL(v6 ? rte_ipv6_udptcp_cksum_verify(
						     (const struct rte_ipv6_hdr *)l3, l3 + 40)
					   : rte_ipv4_udptcp_cksum_verify(
						     (const struct rte_ipv4_hdr *)l3, l3 + 20),
					0);
			CU_ASSERT_EQUAL(get16(l3 + (v6 ? 40 : 20) + 6) == 0xffff, zero);
			rte_pktmbuf_free(out);
		}
	}
}

/*
 * 3. With the port's checksum offload, the NIC is asked for the IPv4
 * header and UDP checksums (DPDK's convention: the IPv4 checksum 0, the
 * UDP one the pseudo-header sum), which rte_validate_tx_offload()
 * accepts; finishing them as the NIC would gives the software frame.
 */
static void
test_csum_offload(void)
{
	struct dp_port *p = &u.dp->ports[UT_NET_PORT];
	uint8_t data[100], want[FRAME_MAX], got[FRAME_MAX], ph[40];
	unsigned int v6;

	p->csum_offload = true;
	for (v6 = 0; v6 < 2; v6++) {
		uint16_t len, l3_len = v6 ? 40 : 20, udp_len = 8 + sizeof(data);
		uint8_t *l3 = got + RTE_ETHER_HDR_LEN, *l4 = l3 + l3_len;
		uint64_t flags =
			v6 ? RTE_MBUF_F_TX_IPV6 | RTE_MBUF_F_TX_UDP_CKSUM
			   : RTE_MBUF_F_TX_IPV4 | RTE_MBUF_F_TX_IP_CKSUM | RTE_MBUF_F_TX_UDP_CKSUM;
		struct dp_ctrl_msg m;
		struct rte_mbuf *out;

		make_msg(data, sizeof(data), 3);
		m = msg_of(L2TP_ENCAP_UDP, v6 ? "2001:db8::1" : "192.0.2.1",
			   v6 ? "2001:db8::2" : "192.0.2.2", data, sizeof(data));
		len = frame(want, v6 ? mac_peer6 : mac_peer4, mac_us, &m);
		CU_ASSERT_EQUAL(dp_ctrl_send(u.dp, &m), 0);
		out = ctrl_out();
		CU_ASSERT_PTR_NOT_NULL_FATAL(out);
		CU_ASSERT_EQUAL_FATAL(rte_pktmbuf_pkt_len(out), len);
		CU_ASSERT_EQUAL(out->ol_flags & RTE_MBUF_F_TX_OFFLOAD_MASK, flags);
		CU_ASSERT_EQUAL(out->l2_len, RTE_ETHER_HDR_LEN);
		CU_ASSERT_EQUAL(out->l3_len, l3_len);
		CU_ASSERT_EQUAL(rte_validate_tx_offload(out), 0);
		memcpy(got, rte_pktmbuf_mtod(out, const uint8_t *), len);
		rte_pktmbuf_free(out);
		if (!v6)
			CU_ASSERT_EQUAL(get16(l3 + 10), 0);
		/* the pseudo-header's sum: its checksum, uncomplemented */
		CU_ASSERT_EQUAL(
			get16(l4 + 6),
			(uint16_t)~csum16(ph, pseudo_hdr(ph, l3, v6, IPPROTO_UDP, udp_len)));
		/* what the NIC does */
		if (!v6)
			put16(l3 + 10, csum16(l3, 20));
		put16(l4 + 6, 0);
		put16(l4 + 6, udp_csum(l3, v6, l4, udp_len));
		CU_ASSERT(memcmp(got, want, len) == 0);
	}
	p->csum_offload = false;
}

/* 4. Every failure: its error, its counter, nothing on the wire. */
static void
test_errors(void)
{
	struct dp_port *p = &u.dp->ports[UT_NET_PORT];
	uint64_t before[HOST_CTRL_DROP_MAX], tx = u.dp->host.l2tp_ctrl_tx;
	static uint8_t data[FRAME_MAX];
	struct dp_ctrl_msg m;
	unsigned int i;

	memcpy(before, ctrl_drops(), sizeof(before));
	make_msg(data, sizeof(data), 1);

	/* not ours to send from */
	m = msg_of(L2TP_ENCAP_IP, "192.0.2.9", "192.0.2.2", data, 20);
	CU_ASSERT_EQUAL(dp_ctrl_send(u.dp, &m), -EADDRNOTAVAIL);
	m = msg_of(L2TP_ENCAP_UDP, "2001:db8::9", "2001:db8::2", data, 20);
	CU_ASSERT_EQUAL(dp_ctrl_send(u.dp, &m), -EADDRNOTAVAIL);
	CU_ASSERT_EQUAL(ctrl_drops()[HOST_CTRL_DROP_NO_PORT], before[HOST_CTRL_DROP_NO_PORT] + 2);

	/* off-link, with no gateway */
	p->v4_gw = 0;
	p->has_v6_gw = false;
	m = msg_of(L2TP_ENCAP_IP, "192.0.2.1", "198.51.100.7", data, 20);
	CU_ASSERT_EQUAL(dp_ctrl_send(u.dp, &m), -ENETUNREACH);
	m = msg_of(L2TP_ENCAP_UDP, "2001:db8::1", "2001:db8:1::7", data, 20);
	CU_ASSERT_EQUAL(dp_ctrl_send(u.dp, &m), -ENETUNREACH);
	addr_parse("192.0.2.254", &m.dst);
	p->v4_gw = m.dst.v4;
	p->has_v6_gw = true;
	CU_ASSERT_EQUAL(ctrl_drops()[HOST_CTRL_DROP_NO_ROUTE], before[HOST_CTRL_DROP_NO_ROUTE] + 2);

	/* link down */
	p->link_up = false;
	m = msg_of(L2TP_ENCAP_IP, "192.0.2.1", "192.0.2.2", data, 20);
	CU_ASSERT_EQUAL(dp_ctrl_send(u.dp, &m), -ENETDOWN);
	p->link_up = true;
	CU_ASSERT_EQUAL(ctrl_drops()[HOST_CTRL_DROP_LINK_DOWN],
			before[HOST_CTRL_DROP_LINK_DOWN] + 1);

	/* not a message we can send */
	m = msg_of(L2TP_ENCAP_IP, "192.0.2.1", "192.0.2.2", data, 20);
	m.encap = (enum l2tp_encap)7;
	CU_ASSERT_EQUAL(dp_ctrl_send(u.dp, &m), -EINVAL);
	m = msg_of(L2TP_ENCAP_IP, "192.0.2.1", "2001:db8::2", data, 20);
	CU_ASSERT_EQUAL(dp_ctrl_send(u.dp, &m), -EINVAL);
	m = msg_of(L2TP_ENCAP_IP, "192.0.2.1", "192.0.2.2", data, 20);
	m.src.family = m.dst.family = 0;
	CU_ASSERT_EQUAL(dp_ctrl_send(u.dp, &m), -EINVAL);
	m = msg_of(L2TP_ENCAP_IP, "192.0.2.1", "192.0.2.2", data, 0);
	CU_ASSERT_EQUAL(dp_ctrl_send(u.dp, &m), -EINVAL);
	m = msg_of(L2TP_ENCAP_IP, "192.0.2.1", "192.0.2.2", NULL, 20);
	CU_ASSERT_EQUAL(dp_ctrl_send(u.dp, &m), -EINVAL);
	m = msg_of(L2TP_ENCAP_UDP, "192.0.2.1", "192.0.2.2", data, 20);
	m.src_port = 0;
	CU_ASSERT_EQUAL(dp_ctrl_send(u.dp, &m), -EINVAL);
	m = msg_of(L2TP_ENCAP_UDP, "192.0.2.1", "192.0.2.2", data, 20);
	m.dst_port = 0;
	CU_ASSERT_EQUAL(dp_ctrl_send(u.dp, &m), -EINVAL);
	CU_ASSERT_EQUAL(ctrl_drops()[HOST_CTRL_DROP_INVALID], before[HOST_CTRL_DROP_INVALID] + 7);

	/* DF is set: nothing larger than the MTU (1500) leaves */
	m = msg_of(L2TP_ENCAP_UDP, "192.0.2.1", "192.0.2.2", data, 1500 - 20 - 8 + 1);
	CU_ASSERT_EQUAL(dp_ctrl_send(u.dp, &m), -EMSGSIZE);
	m = msg_of(L2TP_ENCAP_IP, "2001:db8::1", "2001:db8::2", data, 1500 - 40 - 4 + 1);
	CU_ASSERT_EQUAL(dp_ctrl_send(u.dp, &m), -EMSGSIZE);
	m = msg_of(L2TP_ENCAP_UDP, "192.0.2.1", "192.0.2.2", data, 20);
	m.len = UINT32_MAX;
	CU_ASSERT_EQUAL(dp_ctrl_send(u.dp, &m), -EMSGSIZE);
	CU_ASSERT_EQUAL(ctrl_drops()[HOST_CTRL_DROP_TOO_BIG], before[HOST_CTRL_DROP_TOO_BIG] + 3);
	CU_ASSERT_PTR_NULL(ctrl_out());

	for (i = 0; i < HOST_CTRL_DROP_MAX; i++)
		if (i != HOST_CTRL_DROP_NO_PORT && i != HOST_CTRL_DROP_NO_ROUTE &&
		    i != HOST_CTRL_DROP_LINK_DOWN && i != HOST_CTRL_DROP_INVALID &&
		    i != HOST_CTRL_DROP_TOO_BIG)
			CU_ASSERT_EQUAL(ctrl_drops()[i], before[i]);
	CU_ASSERT_EQUAL(u.dp->host.l2tp_ctrl_tx, tx);

	/* exactly the MTU fits */
	m = msg_of(L2TP_ENCAP_UDP, "192.0.2.1", "192.0.2.2", data, 1500 - 20 - 8);
	CU_ASSERT_EQUAL(dp_ctrl_send(u.dp, &m), 0);
	expect_sent(&m, mac_peer4);
	m = msg_of(L2TP_ENCAP_IP, "2001:db8::1", "2001:db8::2", data, 1500 - 40 - 4);
	CU_ASSERT_EQUAL(dp_ctrl_send(u.dp, &m), 0);
	expect_sent(&m, mac_peer6);
	CU_ASSERT_PTR_NULL(ctrl_out());
}

/* Fill the ring behind the control TX queue, as a NIC that takes no
 * more; returns how many frames that took. */
static unsigned int
fill_ctrl_ring(void)
{
	struct rte_mbuf *m;
	unsigned int n = 0;

	while ((m = rte_pktmbuf_alloc(u.dp->pool)) != NULL && rte_ring_enqueue(u.net_tx[1], m) == 0)
		n++;
	rte_pktmbuf_free(m);
	return n;
}

/*
 * 5. A control TX queue that refuses a message: it waits, and what
 * comes after it waits behind it; both leave in order once the queue
 * takes them, or are dropped as tx_full after a second.
 */
static void
test_tx_full(void)
{
	struct neigh_stats ns = nstats();
	uint64_t tx = u.dp->host.l2tp_ctrl_tx, held = u.dp->host.l2tp_ctrl_tx_held;
	uint64_t full = ctrl_drops()[HOST_CTRL_DROP_TX_FULL], now;
	uint8_t a[40], b[40], c[40];
	struct dp_ctrl_msg ma, mb, mc;

	make_msg(a, sizeof(a), 0xa);
	make_msg(b, sizeof(b), 0xb);
	make_msg(c, sizeof(c), 0xc);
	ma = msg_of(L2TP_ENCAP_UDP, "192.0.2.1", "192.0.2.2", a, sizeof(a));
	mb = msg_of(L2TP_ENCAP_IP, "192.0.2.1", "192.0.2.2", b, sizeof(b));
	mc = msg_of(L2TP_ENCAP_UDP, "2001:db8::1", "2001:db8::2", c, sizeof(c));

	CU_ASSERT_FATAL(fill_ctrl_ring() > 0);
	CU_ASSERT_EQUAL(dp_ctrl_send(u.dp, &ma), 0);
	/* room again, but A waits: B must not overtake it */
	rte_pktmbuf_free(ctrl_out());
	CU_ASSERT_EQUAL(dp_ctrl_send(u.dp, &mb), 0);
	CU_ASSERT_EQUAL(u.dp->host.l2tp_ctrl_tx, tx);
	CU_ASSERT_EQUAL(u.dp->host.l2tp_ctrl_tx_held, held + 2);
	drain(u.net_tx[1]);
	dp_poll(u.dp);
	expect_sent(&ma, mac_peer4);
	expect_sent(&mb, mac_peer4);
	CU_ASSERT_PTR_NULL(ctrl_out());
	CU_ASSERT_EQUAL(u.dp->host.l2tp_ctrl_tx, tx + 2);
	CU_ASSERT_EQUAL(nstats().released, ns.released + 2);

	/* refused for a second: dropped */
	CU_ASSERT_FATAL(fill_ctrl_ring() > 0);
	CU_ASSERT_EQUAL(dp_ctrl_send(u.dp, &mc), 0);
	now = clock_ms();
	neigh_at(now);
	neigh_at(now + 1000);
	CU_ASSERT_EQUAL(ctrl_drops()[HOST_CTRL_DROP_TX_FULL], full + 1);
	CU_ASSERT_EQUAL(nstats().tx_full, ns.tx_full + 1);
	CU_ASSERT_EQUAL(u.dp->host.l2tp_ctrl_tx, tx + 2);
	CU_ASSERT_EQUAL(u.dp->host.l2tp_ctrl_tx_held, held + 3);
	drain(u.net_tx[1]);
	dp_poll(u.dp);
	CU_ASSERT_PTR_NULL(ctrl_out());
}

/*
 * 6. Through the gateway, whose MAC is learnt: held until ARP (or ND)
 * answers, then sent in order with the gateway's MAC; later messages
 * leave at once, the next hop kept between them.
 */
static void
test_gateway(void)
{
	static const struct {
		const char *src, *dst, *gw;
		const uint8_t *gw_mac;
	} fams[] = {
		{"192.0.2.1", "198.51.100.7", "192.0.2.254", mac_gw4},
		{"2001:db8::1", "2001:db8:1::7", "2001:db8::fe", mac_gw6},
	};
	uint8_t data[3][50];
	unsigned int f, i;

	for (f = 0; f < RTE_DIM(fams); f++) {
		uint64_t tx = u.dp->host.l2tp_ctrl_tx, held = u.dp->host.l2tp_ctrl_tx_held;
		struct neigh_stats ns = nstats();
		struct dp_ctrl_msg m[3];

		for (i = 0; i < 3; i++) {
			make_msg(data[i], sizeof(data[i]), (uint8_t)(0x20 * f + i));
			m[i] = msg_of(i == 1 ? L2TP_ENCAP_IP : L2TP_ENCAP_UDP, fams[f].src,
				      fams[f].dst, data[i], sizeof(data[i]));
		}
		CU_ASSERT_EQUAL(dp_ctrl_send(u.dp, &m[0]), 0);
		CU_ASSERT_EQUAL(dp_ctrl_send(u.dp, &m[1]), 0);
		expect_solicit(fams[f].gw); /* once, for both */
		CU_ASSERT_PTR_NULL(ctrl_out());
		CU_ASSERT_EQUAL(u.dp->host.l2tp_ctrl_tx_held, held + 2);
		CU_ASSERT_EQUAL(nstats().entries, ns.entries + 1);

		if (f == 0)
			inject_arp_reply(fams[f].gw, fams[f].gw_mac);
		else
			inject_nd_advert(fams[f].gw, fams[f].gw_mac);
		settle();
		expect_sent(&m[0], fams[f].gw_mac);
		expect_sent(&m[1], fams[f].gw_mac);
		CU_ASSERT_EQUAL(u.dp->host.l2tp_ctrl_tx, tx + 2);
		CU_ASSERT_EQUAL(nstats().resolved, ns.resolved + 1);
		CU_ASSERT_EQUAL(nstats().released, ns.released + 2);

		CU_ASSERT_EQUAL(dp_ctrl_send(u.dp, &m[2]), 0);
		expect_sent(&m[2], fams[f].gw_mac);
		CU_ASSERT_PTR_NULL(ctrl_out());
		CU_ASSERT_EQUAL(u.dp->host.l2tp_ctrl_tx, tx + 3);
		CU_ASSERT_EQUAL(u.dp->host.l2tp_ctrl_tx_held, held + 2);
	}
}

/*
 * 7. Control messages and a VC's packets held for the same next hop:
 * once it answers, the messages leave on the control queue and the VC's
 * packet through its worker, whose accounting (handed over = came back
 * + dropped) stays exact.
 */
static void
test_hold_with_vc(void)
{
	uint64_t tx = u.dp->host.l2tp_ctrl_tx, held = u.dp->host.l2tp_ctrl_tx_held;
	struct worker *w = u.dp->workers[0];
	struct neigh_stats ns;
	struct dp_vc_params p;
	struct dp_vc_stats vs;
	struct rte_mbuf *out;
	struct dp_ctrl_msg a, b;
	uint8_t da[30], db[31];
	struct dp_vc *vc;
	uint32_t slot;

	ut_vc_params(&p, 50, 50);
	addr_parse("192.0.2.77", &p.remote);
	vc = vc_up(&p);
	slot = vc_slot(50);
	expect_solicit("192.0.2.77");

	make_msg(da, sizeof(da), 0x50);
	make_msg(db, sizeof(db), 0x51);
	a = msg_of(L2TP_ENCAP_UDP, "192.0.2.1", "192.0.2.77", da, sizeof(da));
	b = msg_of(L2TP_ENCAP_IP, "192.0.2.1", "192.0.2.77", db, sizeof(db));
	ns = nstats();
	CU_ASSERT_EQUAL(dp_ctrl_send(u.dp, &a), 0);
	inject_ac(50);
	wait_held(ns.held + 2);
	CU_ASSERT_EQUAL(w->vcs[slot].enc.punted, 1);
	CU_ASSERT_EQUAL(dp_ctrl_send(u.dp, &b), 0);
	CU_ASSERT_PTR_NULL(ctrl_out());
	CU_ASSERT_EQUAL(u.dp->host.l2tp_ctrl_tx_held, held + 2);

	inject_arp_reply("192.0.2.77", mac_77);
	settle();
	expect_sent(&a, mac_77);
	expect_sent(&b, mac_77);
	CU_ASSERT_EQUAL(u.dp->host.l2tp_ctrl_tx, tx + 2);
	CU_ASSERT_EQUAL_FATAL(wait_out(u.net_tx[0], &out, 1), 1);
	CU_ASSERT(memcmp(rte_pktmbuf_mtod(out, const uint8_t *), mac_77, 6) == 0);
	rte_pktmbuf_free(out);
	CU_ASSERT_EQUAL(w->vcs[slot].enc.punted, 1);
	CU_ASSERT_EQUAL(w->vcs[slot].enc.returned, 1);
	CU_ASSERT_EQUAL(w->ctrl_dropped[slot], 0);
	dp_vc_get_stats(vc, &vs);
	CU_ASSERT_EQUAL(vs.enc_pkts, 1);
	CU_ASSERT_EQUAL(vs.enc_drops[DP_ENC_DROP_NO_ROUTE], 0);
	vc_down(vc);
}

/*
 * 8. A VC closed while its packets wait with control messages for the
 * same next hop: its packets are dropped and charged to it, the
 * messages stay and leave when the next hop answers.
 */
static void
test_vc_closed_while_held(void)
{
	uint64_t tx = u.dp->host.l2tp_ctrl_tx;
	struct worker *w = u.dp->workers[0];
	struct neigh_stats ns;
	struct dp_vc_params p;
	struct dp_ctrl_msg a, b;
	uint8_t da[22], db[23];
	struct dp_vc *vc;
	uint32_t slot;

	ut_vc_params(&p, 52, 52);
	addr_parse("192.0.2.79", &p.remote);
	vc = vc_up(&p);
	slot = vc_slot(52);
	expect_solicit("192.0.2.79");
	make_msg(da, sizeof(da), 0x79);
	make_msg(db, sizeof(db), 0x7a);
	a = msg_of(L2TP_ENCAP_IP, "192.0.2.1", "192.0.2.79", da, sizeof(da));
	b = msg_of(L2TP_ENCAP_UDP, "192.0.2.1", "192.0.2.79", db, sizeof(db));
	ns = nstats();
	CU_ASSERT_EQUAL(dp_ctrl_send(u.dp, &a), 0);
	inject_ac(52);
	inject_ac(52);
	wait_held(ns.held + 3);
	CU_ASSERT_EQUAL(dp_ctrl_send(u.dp, &b), 0);

	CU_ASSERT_EQUAL(dp_vc_deactivate(vc, NULL, NULL), 1);
	CU_ASSERT_EQUAL(nstats().no_route, ns.no_route + 2);
	CU_ASSERT_EQUAL(w->ctrl_dropped[slot], 2);
	reclaim();
	CU_ASSERT_EQUAL(dp_vc_delete(vc), 0);

	inject_arp_reply("192.0.2.79", mac_79);
	settle();
	expect_sent(&a, mac_79);
	expect_sent(&b, mac_79);
	CU_ASSERT_PTR_NULL(ctrl_out());
	CU_ASSERT_EQUAL(u.dp->host.l2tp_ctrl_tx, tx + 2);
	CU_ASSERT_EQUAL(nstats().released, ns.released + 2);
}

/*
 * 9. Bounded: a next hop holds at most PENDING_MAX packets, control
 * messages and a VC's alike; more are refused and counted. When nothing
 * answers, all are dropped after the third try, each charged where it
 * belongs, and the worker, told of its VC's drops, owes nothing: once
 * the next hop answers after all, the VC's packets go straight out.
 */
static void
test_hold_bounded(void)
{
	uint64_t held = u.dp->host.l2tp_ctrl_tx_held, tx = u.dp->host.l2tp_ctrl_tx;
	uint64_t unresolved = ctrl_drops()[HOST_CTRL_DROP_UNRESOLVED], now;
	struct worker *w = u.dp->workers[0];
	struct neigh_stats ns;
	struct dp_vc_params p;
	struct dp_vc_stats vs;
	struct dp_ctrl_msg m;
	struct rte_mbuf *out;
	uint8_t data[24];
	struct dp_vc *vc;
	unsigned int i;
	uint32_t slot;

	ut_vc_params(&p, 51, 51);
	addr_parse("192.0.2.78", &p.remote);
	vc = vc_up(&p);
	slot = vc_slot(51);
	expect_solicit("192.0.2.78");
	ns = nstats();
	make_msg(data, sizeof(data), 0x78);
	m = msg_of(L2TP_ENCAP_IP, "192.0.2.1", "192.0.2.78", data, sizeof(data));
	for (i = 0; i < PENDING_MAX / 2 - 1; i++)
		CU_ASSERT_EQUAL(dp_ctrl_send(u.dp, &m), 0);
	inject_ac(51);
	wait_held(ns.held + PENDING_MAX / 2);
	for (i = 0; i < PENDING_MAX / 2; i++)
		CU_ASSERT_EQUAL(dp_ctrl_send(u.dp, &m), 0);
	CU_ASSERT_EQUAL(u.dp->host.l2tp_ctrl_tx_held, held + PENDING_MAX - 1);

	/* full: refused and counted, the VC's as its own no_route */
	CU_ASSERT_EQUAL(dp_ctrl_send(u.dp, &m), -ENOBUFS);
	CU_ASSERT_EQUAL(dp_ctrl_send(u.dp, &m), -ENOBUFS);
	CU_ASSERT_EQUAL(ctrl_drops()[HOST_CTRL_DROP_UNRESOLVED], unresolved + 2);
	inject_ac(51);
	settle();
	dp_vc_get_stats(vc, &vs);
	CU_ASSERT_EQUAL(vs.enc_drops[DP_ENC_DROP_NO_ROUTE], 1);
	CU_ASSERT_EQUAL(w->ctrl_dropped[slot], 1);
	CU_ASSERT_EQUAL(nstats().held, ns.held + PENDING_MAX);
	CU_ASSERT_EQUAL(nstats().no_route, ns.no_route + 3);
	CU_ASSERT_EQUAL(u.dp->host.l2tp_ctrl_tx_held, held + PENDING_MAX - 1);

	/* nobody answers: after the third try, all go */
	now = clock_ms();
	neigh_at(now + 1000);
	neigh_at(now + 2000);
	neigh_at(now + 3000);
	CU_ASSERT_EQUAL(ctrl_drops()[HOST_CTRL_DROP_UNRESOLVED], unresolved + 2 + PENDING_MAX - 1);
	CU_ASSERT_EQUAL(nstats().no_route, ns.no_route + 3 + PENDING_MAX);
	dp_vc_get_stats(vc, &vs);
	CU_ASSERT_EQUAL(vs.enc_drops[DP_ENC_DROP_NO_ROUTE], 2);
	CU_ASSERT_EQUAL(vs.enc_pkts, 0);
	CU_ASSERT_EQUAL(w->vcs[slot].enc.punted, 2);
	CU_ASSERT_EQUAL(w->vcs[slot].enc.returned, 0);
	CU_ASSERT_EQUAL(w->ctrl_dropped[slot], 2);
	CU_ASSERT_EQUAL(u.dp->host.l2tp_ctrl_tx, tx);
	drain(u.net_tx[1]); /* the tries' ARP requests */

	/* it answers after all */
	inject_arp_reply("192.0.2.78", mac_78);
	settle();
	CU_ASSERT_PTR_NULL(ctrl_out());
	inject_ac(51);
	CU_ASSERT_EQUAL_FATAL(wait_out(u.net_tx[0], &out, 1), 1);
	CU_ASSERT(memcmp(rte_pktmbuf_mtod(out, const uint8_t *), mac_78, 6) == 0);
	rte_pktmbuf_free(out);
	CU_ASSERT_EQUAL(w->vcs[slot].enc.punted, 2);
	dp_vc_get_stats(vc, &vs);
	CU_ASSERT_EQUAL(vs.enc_pkts, 1);
	vc_down(vc);
}

/* The ctrl_rx handler was called once more since calls, with msg. */
static void
expect_received(unsigned int calls, const struct dp_ctrl_msg *msg)
{
	CU_ASSERT_EQUAL_FATAL(rx.calls, calls + 1);
	CU_ASSERT_EQUAL(rx.msg.port, UT_NET_PORT);
	CU_ASSERT_EQUAL(rx.msg.encap, msg->encap);
	CU_ASSERT(addr_equal(&rx.msg.src, &msg->src));
	CU_ASSERT(addr_equal(&rx.msg.dst, &msg->dst));
	CU_ASSERT_EQUAL(rx.msg.src_port, msg->src_port);
	CU_ASSERT_EQUAL(rx.msg.dst_port, msg->dst_port);
	CU_ASSERT_EQUAL_FATAL(rx.msg.len, msg->len);
	CU_ASSERT(memcmp(rx.msg.data, msg->data, msg->len) == 0);
}

/* A frame carrying msg from the peer at smac to us, into the network
 * port. */
static void
inject_msg(const struct dp_ctrl_msg *msg, const uint8_t smac[6])
{
	uint8_t f[FRAME_MAX];

	inject(f, frame(f, mac_us, smac, msg), u.net_rx);
	settle();
}

static uint64_t
drops_of(enum dp_drop why)
{
	struct dp_stats st;

	dp_get_stats(u.dp, &st);
	return st.drops[why];
}

/*
 * 10. UDP port references on reception: a control message to a port
 * without one is not L2TP; with one (ours, a VC's, or both) it reaches
 * the handler as sent, and data on the port goes to its session; the
 * last unref ends it, and an unbalanced one is refused.
 */
static void
test_udp_refs(void)
{
	uint8_t c4[40], c6[41], d[8 + 60] = {0x00, 0x03, 0x00, 0x00, 0, 0, 0, 60};
	uint64_t unsupported = drops_of(DP_DROP_UNSUPPORTED);
	uint64_t unknown = drops_of(DP_DROP_UNKNOWN_SESSION);
	struct dp_ctrl_msg in4, in6, inip, data;
	unsigned int calls = rx.calls;
	struct dp_vc_params p;
	struct dp_vc_stats vs;
	struct rte_mbuf *out;
	struct dp_vc *vc;

	make_msg(c4, sizeof(c4), 0x40);
	make_msg(c6, sizeof(c6), 0x60);
	in4 = msg_of(L2TP_ENCAP_UDP, "192.0.2.2", "192.0.2.1", c4, sizeof(c4));
	in4.src_port = 40000;
	in4.dst_port = L2TP_UDP_PORT;
	in6 = msg_of(L2TP_ENCAP_UDP, "2001:db8::2", "2001:db8::1", c6, sizeof(c6));
	in6.src_port = 40001;
	in6.dst_port = L2TP_UDP_PORT;

	inject_msg(&in4, mac_peer4);
	inject_msg(&in6, mac_peer6);
	CU_ASSERT_EQUAL(drops_of(DP_DROP_UNSUPPORTED), unsupported + 2);
	CU_ASSERT_EQUAL(rx.calls, calls);

	dp_udp_port_ref(u.dp, L2TP_UDP_PORT);
	inject_msg(&in4, mac_peer4);
	expect_received(calls++, &in4);
	inject_msg(&in6, mac_peer6);
	expect_received(calls++, &in6);

	/* data (T=0) on the port: no session 60 yet, then a VC's */
	data = msg_of(L2TP_ENCAP_UDP, "192.0.2.2", "192.0.2.1", d, sizeof(d));
	data.src_port = data.dst_port = L2TP_UDP_PORT;
	memcpy(d + 8, (const uint8_t[]){2, 0, 0, 0, 0, 0x0a, 2, 0, 0, 0, 0, 0x0b, 0x88, 0xb5}, 14);
	inject_msg(&data, mac_peer4);
	CU_ASSERT_EQUAL(drops_of(DP_DROP_UNKNOWN_SESSION), unknown + 1);
	ut_vc_params(&p, 60, 60);
	p.encap = L2TP_ENCAP_UDP;
	p.udp_local_port = p.udp_remote_port = L2TP_UDP_PORT;
	p.remote_session_id = 61;
	vc = vc_up(&p);
	inject_msg(&data, mac_peer4);
	CU_ASSERT_EQUAL_FATAL(wait_out(u.ac_tx, &out, 1), 1);
	CU_ASSERT_EQUAL(rte_pktmbuf_pkt_len(out), 60 + 4); /* the AC's tag pushed */
	rte_pktmbuf_free(out);
	dp_vc_get_stats(vc, &vs);
	CU_ASSERT_EQUAL(vs.dec_pkts, 1);
	CU_ASSERT_EQUAL(rx.calls, calls);
	/* the VC's reference goes with it; ours stays */
	vc_down(vc);
	inject_msg(&in4, mac_peer4);
	expect_received(calls++, &in4);

	/* the last reference gone: not L2TP any more */
	CU_ASSERT_EQUAL(dp_udp_port_unref(u.dp, L2TP_UDP_PORT), 0);
	inject_msg(&in4, mac_peer4);
	CU_ASSERT_EQUAL(drops_of(DP_DROP_UNSUPPORTED), unsupported + 3);
	CU_ASSERT_EQUAL(rx.calls, calls);
	/* an unbalanced unref is refused, and takes nothing from the next
	 * holder */
	CU_ASSERT_EQUAL(dp_udp_port_unref(u.dp, L2TP_UDP_PORT), -ENOENT);
	dp_udp_port_ref(u.dp, L2TP_UDP_PORT);
	inject_msg(&in4, mac_peer4);
	expect_received(calls++, &in4);
	CU_ASSERT_EQUAL(dp_udp_port_unref(u.dp, L2TP_UDP_PORT), 0);

	/* over IP, control needs no UDP port */
	inip = msg_of(L2TP_ENCAP_IP, "192.0.2.2", "192.0.2.1", c4, sizeof(c4));
	inip.src_port = inip.dst_port = 0;
	inject_msg(&inip, mac_peer4);
	expect_received(calls++, &inip);
	CU_ASSERT_EQUAL(drops_of(DP_DROP_UNSUPPORTED), unsupported + 3);
}

/*
 * 11. The control thread's hold on a next hop lapses after
 * NEIGH_CTRL_IDLE_MS without a message: the entries it alone kept go
 * (static ones stay), and the next message asks again. That message is
 * left held: tearing down must still free it.
 */
static void
test_lease(void)
{
	uint64_t held = u.dp->host.l2tp_ctrl_tx_held;
	struct dp_ctrl_msg m;
	uint8_t data[20];

	CU_ASSERT(nstats().entries > 2);
	neigh_at(clock_ms() + NEIGH_CTRL_IDLE_MS + 1);
	CU_ASSERT_EQUAL(nstats().entries, 2);
	drain(u.net_tx[1]);

	make_msg(data, sizeof(data), 0x10);
	m = msg_of(L2TP_ENCAP_UDP, "192.0.2.1", "198.51.100.7", data, sizeof(data));
	CU_ASSERT_EQUAL(dp_ctrl_send(u.dp, &m), 0);
	expect_solicit("192.0.2.254");
	CU_ASSERT_PTR_NULL(ctrl_out());
	CU_ASSERT_EQUAL(u.dp->host.l2tp_ctrl_tx_held, held + 1);
	CU_ASSERT_EQUAL(nstats().entries, 3);
}

int
main(void)
{
	CU_pSuite s;
	unsigned int failed;
	struct cfg_port *np;

	ut_eal_init("0@0,1@1", NULL);
	if (ut_dp_config(&u, "ctrl", MAX_VCS, 1) < 0) {
		fprintf(stderr, "data plane set-up failed\n");
		return 1;
	}
	/* A gateway for each family, and a static IPv6 neighbour besides
	 * ut_dp's 192.0.2.2. */
	np = &u.ports[UT_NET_PORT];
	addr_parse("192.0.2.254", &np->ipv4_gateway);
	addr_prefix_parse("2001:db8::1/64", &np->ipv6);
	addr_parse("2001:db8::fe", &np->ipv6_gateway);
	neighbors[0] = u.neigh;
	addr_parse("2001:db8::2", &neighbors[1].ip);
	memcpy(neighbors[1].mac, mac_peer6, 6);
	np->neighbors = neighbors;
	np->n_neighbors = 2;
	if (ut_dp_open(&u) < 0 || dp_start(u.dp) < 0) {
		fprintf(stderr, "data plane set-up failed\n");
		return 1;
	}
	dp_set_ctrl_rx(u.dp, on_ctrl, NULL);
	if (CU_initialize_registry() != CUE_SUCCESS)
		return 1;
	/* In this order: the first five find only static neighbours, the
	 * last lets every other one go. */
	s = CU_add_suite("ctrl", NULL, NULL);
	CU_add_test(s, "on-link, bit-exact", test_onlink);
	CU_add_test(s, "UDP checksum", test_udp_checksum);
	CU_add_test(s, "checksum offload", test_csum_offload);
	CU_add_test(s, "errors", test_errors);
	CU_add_test(s, "TX queue full", test_tx_full);
	CU_add_test(s, "through the gateway, ARP and ND", test_gateway);
	CU_add_test(s, "held with a VC's packets", test_hold_with_vc);
	CU_add_test(s, "VC closed while held", test_vc_closed_while_held);
	CU_add_test(s, "bounded holding, timeout", test_hold_bounded);
	CU_add_test(s, "UDP port references", test_udp_refs);
	CU_add_test(s, "next-hop lease", test_lease);
	CU_basic_set_mode(CU_BRM_VERBOSE);
	CU_basic_run_tests();
	failed = CU_get_number_of_failures();
	CU_cleanup_registry();
	if (ut_dp_destroy(&u) != 0)
		failed++;
	rte_eal_cleanup();
	return failed != 0;
}
