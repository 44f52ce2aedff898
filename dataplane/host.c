/* SPDX-License-Identifier: BSD-3-Clause */
#include <errno.h>
#include <string.h>

#include <rte_arp.h>
#include <rte_ether.h>
#include <rte_icmp.h>
#include <rte_ip.h>
#include <rte_mbuf.h>

#include "dp_priv.h"
#include "host.h"
#include "log.h"
#include "neigh.h"
#include "vc.h"

#define ND_NEIGHBOR_SOLICIT  135
#define ND_NEIGHBOR_ADVERT   136
#define ICMP6_ECHO_REQUEST   128
#define ICMP6_ECHO_REPLY     129
#define ND_OPT_SOURCE_LLA    1
#define ND_OPT_TARGET_LLA    2
#define ND_HOP_LIMIT	     255
#define ND_NA_FLAG_SOLICITED RTE_BE32(0x40000000)
#define ND_NA_FLAG_OVERRIDE  RTE_BE32(0x20000000)

/* Neighbour solicitation / advertisement: type, code, checksum,
 * reserved-or-flags, target, then one link-layer address option. */
struct nd_msg {
	uint8_t type;
	uint8_t code;
	rte_be16_t cksum;
	rte_be32_t flags;
	uint8_t target[16];
	uint8_t opt_type;
	uint8_t opt_len; /* in units of 8 octets */
	uint8_t opt_lla[RTE_ETHER_ADDR_LEN];
} __rte_packed;

static const uint8_t ip6_all_nodes[16] = {0xff, 0x02, [15] = 0x01};

const char *const host_ctrl_drop_names[HOST_CTRL_DROP_MAX] = {
#define X(n, s) s,
	HOST_CTRL_DROPS(X)
#undef X
};

static void
host_drop(struct rte_mbuf *m, uint64_t *ctr)
{
	(*ctr)++;
	rte_pktmbuf_free(m);
}

static void
host_arp(struct dp *dp, struct dp_port *p, struct rte_mbuf *m)
{
	struct rte_ether_hdr *eth = rte_pktmbuf_mtod(m, struct rte_ether_hdr *);
	struct rte_arp_hdr *arp = (struct rte_arp_hdr *)(eth + 1);
	struct rte_arp_ipv4 *a = &arp->arp_data;
	struct vcs_addr sender = {.family = AF_INET};

	if (rte_pktmbuf_data_len(m) < sizeof(*eth) + sizeof(*arp) ||
	    arp->arp_hardware != RTE_BE16(RTE_ARP_HRD_ETHER) ||
	    arp->arp_protocol != RTE_BE16(RTE_ETHER_TYPE_IPV4) || arp->arp_hlen != 6 ||
	    arp->arp_plen != 4) {
		host_drop(m, &dp->host.bad);
		return;
	}
	sender.v4 = a->arp_sip;
	if (rte_is_unicast_ether_addr(&a->arp_sha))
		neigh_learn(p->neigh, &sender, a->arp_sha.addr_bytes);
	if (arp->arp_opcode != RTE_BE16(RTE_ARP_OP_REQUEST) || a->arp_tip != p->v4) {
		host_drop(m, &dp->host.ignored);
		return;
	}
	arp->arp_opcode = RTE_BE16(RTE_ARP_OP_REPLY);
	a->arp_tha = a->arp_sha;
	a->arp_tip = a->arp_sip;
	a->arp_sha = p->mac;
	a->arp_sip = p->v4;
	eth->dst_addr = a->arp_tha;
	eth->src_addr = p->mac;
	dp->host.arp_replies++;
	dp_ctrl_xmit(dp, p, m);
}

/* Turn a request into its reply in place: swap MACs and trim padding. */
static void
host_reply_l2(struct dp_port *p, struct rte_mbuf *m, uint16_t end)
{
	struct rte_ether_hdr *eth = rte_pktmbuf_mtod(m, struct rte_ether_hdr *);

	eth->dst_addr = eth->src_addr;
	eth->src_addr = p->mac;
	/* padding sits in the last segment; if not, it stays */
	if (rte_pktmbuf_pkt_len(m) > end)
		(void)rte_pktmbuf_trim(m, (uint16_t)(rte_pktmbuf_pkt_len(m) - end));
}

static void
host_icmp(struct dp *dp, struct dp_port *p, struct rte_mbuf *m)
{
	const struct pkt_meta *meta = pkt_meta(m);
	uint8_t *pkt = rte_pktmbuf_mtod(m, uint8_t *);
	struct rte_ipv4_hdr *ip = (struct rte_ipv4_hdr *)(pkt + meta->l3_off);
	struct rte_icmp_hdr *icmp = (struct rte_icmp_hdr *)(pkt + meta->l4_off);
	uint16_t len = meta->end - meta->l4_off;

	if (meta->end > rte_pktmbuf_data_len(m) || len < sizeof(*icmp) ||
	    rte_raw_cksum(icmp, len) != 0xffff) {
		host_drop(m, &dp->host.bad);
		return;
	}
	if (icmp->icmp_type != RTE_IP_ICMP_ECHO_REQUEST || icmp->icmp_code != 0) {
		host_drop(m, &dp->host.ignored);
		return;
	}
	icmp->icmp_type = RTE_IP_ICMP_ECHO_REPLY;
	icmp->icmp_cksum = 0;
	icmp->icmp_cksum = (uint16_t)~rte_raw_cksum(icmp, len);
	ip->dst_addr = ip->src_addr;
	ip->src_addr = p->v4;
	ip->time_to_live = 64;
	ip->hdr_checksum = 0;
	ip->hdr_checksum = rte_ipv4_cksum(ip);
	host_reply_l2(p, m, meta->end);
	dp->host.icmp_echo_replies++;
	dp_ctrl_xmit(dp, p, m);
}

static void
host_icmp6_checksum(struct rte_ipv6_hdr *ip6, void *l4)
{
	struct rte_icmp_hdr *icmp = l4;

	icmp->icmp_cksum = 0;
	icmp->icmp_cksum = rte_ipv6_udptcp_cksum(ip6, l4);
}

/* A neighbour advertisement for our address, answering a solicitation
 * from src (unspecified for duplicate address detection). */
static void
host_nd_advertise(struct dp *dp, struct dp_port *p, struct rte_mbuf *m, struct rte_ipv6_hdr *ip6,
		  struct nd_msg *nd)
{
	static const struct rte_ether_addr all_nodes_mac = {{0x33, 0x33, 0, 0, 0, 1}};
	static const uint8_t unspecified[16];
	struct rte_ether_hdr *eth = rte_pktmbuf_mtod(m, struct rte_ether_hdr *);
	bool dad = memcmp(ip6->src_addr, unspecified, 16) == 0;
	uint16_t end = (uint16_t)((uint8_t *)(nd + 1) - (uint8_t *)eth);

	/* A solicitation without options is shorter than our answer. */
	if (rte_pktmbuf_pkt_len(m) < end &&
	    rte_pktmbuf_append(m, (uint16_t)(end - rte_pktmbuf_pkt_len(m))) == NULL) {
		host_drop(m, &dp->host.bad);
		return;
	}
	memcpy(ip6->dst_addr, dad ? ip6_all_nodes : ip6->src_addr, 16);
	memcpy(ip6->src_addr, p->v6, 16);
	ip6->payload_len = RTE_BE16(sizeof(*nd));
	ip6->hop_limits = ND_HOP_LIMIT;
	nd->type = ND_NEIGHBOR_ADVERT;
	nd->code = 0;
	nd->flags = (dad ? 0 : ND_NA_FLAG_SOLICITED) | ND_NA_FLAG_OVERRIDE;
	memcpy(nd->target, p->v6, 16);
	nd->opt_type = ND_OPT_TARGET_LLA;
	nd->opt_len = 1;
	memcpy(nd->opt_lla, p->mac.addr_bytes, RTE_ETHER_ADDR_LEN);
	host_icmp6_checksum(ip6, nd);
	host_reply_l2(p, m, end);
	if (dad)
		eth->dst_addr = all_nodes_mac;
	dp->host.nd_adverts++;
	dp_ctrl_xmit(dp, p, m);
}

/* The link-layer address option of a solicitation or advertisement. */
static const uint8_t *
host_nd_lla(const uint8_t *opt, uint16_t len, uint8_t want)
{
	while (len >= 8) {
		uint16_t olen = (uint16_t)(opt[1] * 8);

		if (olen == 0 || olen > len)
			return NULL;
		if (opt[0] == want && olen >= 8)
			return opt + 2;
		opt += olen;
		len -= olen;
	}
	return NULL;
}

static void
host_icmp6(struct dp *dp, struct dp_port *p, struct rte_mbuf *m)
{
	const struct pkt_meta *meta = pkt_meta(m);
	uint8_t *pkt = rte_pktmbuf_mtod(m, uint8_t *);
	struct rte_ipv6_hdr *ip6 = (struct rte_ipv6_hdr *)(pkt + meta->l3_off);
	uint8_t *l4 = pkt + meta->l4_off;
	uint16_t len = meta->end - meta->l4_off;
	struct nd_msg *nd = (struct nd_msg *)l4;
	struct vcs_addr who = {.family = AF_INET6};
	const uint8_t *lla;

	if (meta->end > rte_pktmbuf_data_len(m) || len < 4 ||
	    rte_ipv6_udptcp_cksum_verify(ip6, l4) != 0) {
		host_drop(m, &dp->host.bad);
		return;
	}
	switch (l4[0]) {
	case ND_NEIGHBOR_SOLICIT:
	case ND_NEIGHBOR_ADVERT:
		if (ip6->hop_limits != ND_HOP_LIMIT || l4[1] != 0 || len < 24) {
			host_drop(m, &dp->host.bad);
			return;
		}
		lla = host_nd_lla(l4 + 24, (uint16_t)(len - 24),
				  l4[0] == ND_NEIGHBOR_SOLICIT ? ND_OPT_SOURCE_LLA
							       : ND_OPT_TARGET_LLA);
		memcpy(who.v6, l4[0] == ND_NEIGHBOR_SOLICIT ? ip6->src_addr : nd->target, 16);
		if (lla != NULL)
			neigh_learn(p->neigh, &who, lla);
		if (l4[0] == ND_NEIGHBOR_SOLICIT && memcmp(nd->target, p->v6, 16) == 0) {
			host_nd_advertise(dp, p, m, ip6, nd);
			return;
		}
		host_drop(m, &dp->host.ignored);
		return;
	case ICMP6_ECHO_REQUEST:
		if (memcmp(ip6->dst_addr, p->v6, 16) != 0 || l4[1] != 0) {
			host_drop(m, &dp->host.ignored);
			return;
		}
		l4[0] = ICMP6_ECHO_REPLY;
		memcpy(ip6->dst_addr, ip6->src_addr, 16);
		memcpy(ip6->src_addr, p->v6, 16);
		ip6->hop_limits = 64;
		host_icmp6_checksum(ip6, l4);
		host_reply_l2(p, m, meta->end);
		dp->host.icmp_echo_replies++;
		dp_ctrl_xmit(dp, p, m);
		return;
	default:
		host_drop(m, &dp->host.ignored);
	}
}

static void
host_l2tp_ctrl(struct dp *dp, struct dp_port *p, struct rte_mbuf *m)
{
	const struct pkt_meta *meta = pkt_meta(m);
	const uint8_t *pkt = rte_pktmbuf_mtod(m, const uint8_t *);
	struct dp_ctrl_msg msg = {.port = p->index};

	if (dp->ctrl_rx == NULL || meta->end > rte_pktmbuf_data_len(m)) {
		host_drop(m, &dp->host.l2tp_ctrl_unhandled);
		return;
	}
	msg.encap = meta->udp ? L2TP_ENCAP_UDP : L2TP_ENCAP_IP;
	if (meta->v6) {
		const struct rte_ipv6_hdr *ip6 = (const struct rte_ipv6_hdr *)(pkt + meta->l3_off);

		msg.src.family = msg.dst.family = AF_INET6;
		memcpy(msg.src.v6, ip6->src_addr, 16);
		memcpy(msg.dst.v6, ip6->dst_addr, 16);
	} else {
		const struct rte_ipv4_hdr *ip = (const struct rte_ipv4_hdr *)(pkt + meta->l3_off);

		msg.src.family = msg.dst.family = AF_INET;
		msg.src.v4 = ip->src_addr;
		msg.dst.v4 = ip->dst_addr;
	}
	if (meta->udp) {
		msg.src_port = pkt_load_be16(pkt + meta->l4_off);
		msg.dst_port = pkt_load_be16(pkt + meta->l4_off + 2);
	}
	msg.data = pkt + meta->ctrl_off;
	msg.len = (uint32_t)(meta->end - meta->ctrl_off);
	dp->ctrl_rx(dp->ctrl_arg, &msg);
	rte_pktmbuf_free(m);
}

static void
host_neigh(struct dp *dp, struct dp_port *p, struct rte_mbuf *m)
{
	const struct pkt_meta *meta = pkt_meta(m);
	struct dp_vc *vc = vc_active_by_index(dp, meta->vc_index);

	/* A VC closed since the worker punted: its packet goes no further. */
	if (vc == NULL) {
		vc_held_dropped(dp, meta->worker, meta->vc_index, VC_HELD_NO_ROUTE);
		rte_pktmbuf_free(m);
		return;
	}
	neigh_hold(p->neigh, vc_next_hop(vc), m, meta->worker, meta->vc_index);
}

void
host_input(struct dp *dp, struct rte_mbuf *m)
{
	const struct pkt_meta *meta = pkt_meta(m);
	struct dp_port *p = &dp->ports[meta->port];

	dp->host.punted[meta->reason]++;
	switch (meta->reason) {
	case PUNT_ARP:
		host_arp(dp, p, m);
		break;
	case PUNT_ICMP:
		host_icmp(dp, p, m);
		break;
	case PUNT_ICMP6:
		host_icmp6(dp, p, m);
		break;
	case PUNT_L2TP_CTRL:
		host_l2tp_ctrl(dp, p, m);
		break;
	case PUNT_NEIGH:
		host_neigh(dp, p, m);
		break;
	default:
		host_drop(m, &dp->host.bad);
	}
}

static struct rte_mbuf *
host_alloc(struct dp *dp, uint16_t len)
{
	struct rte_mbuf *m = rte_pktmbuf_alloc(dp->pool);

	if (m != NULL && rte_pktmbuf_append(m, len) == NULL) {
		rte_pktmbuf_free(m);
		return NULL;
	}
	if (m != NULL)
		memset(rte_pktmbuf_mtod(m, void *), 0, len);
	return m;
}

void
host_solicit_v4(struct dp *dp, struct dp_port *p, uint32_t target_be)
{
	struct rte_mbuf *m =
		host_alloc(dp, sizeof(struct rte_ether_hdr) + sizeof(struct rte_arp_hdr));
	struct rte_ether_hdr *eth;
	struct rte_arp_hdr *arp;

	if (m == NULL || !p->has_v4) {
		rte_pktmbuf_free(m);
		return;
	}
	eth = rte_pktmbuf_mtod(m, struct rte_ether_hdr *);
	arp = (struct rte_arp_hdr *)(eth + 1);
	memset(&eth->dst_addr, 0xff, sizeof(eth->dst_addr));
	eth->src_addr = p->mac;
	eth->ether_type = RTE_BE16(RTE_ETHER_TYPE_ARP);
	arp->arp_hardware = RTE_BE16(RTE_ARP_HRD_ETHER);
	arp->arp_protocol = RTE_BE16(RTE_ETHER_TYPE_IPV4);
	arp->arp_hlen = RTE_ETHER_ADDR_LEN;
	arp->arp_plen = 4;
	arp->arp_opcode = RTE_BE16(RTE_ARP_OP_REQUEST);
	arp->arp_data.arp_sha = p->mac;
	arp->arp_data.arp_sip = p->v4;
	arp->arp_data.arp_tip = target_be;
	dp_ctrl_xmit(dp, p, m);
}

void
host_solicit_v6(struct dp *dp, struct dp_port *p, const uint8_t target[16])
{
	uint16_t len =
		sizeof(struct rte_ether_hdr) + sizeof(struct rte_ipv6_hdr) + sizeof(struct nd_msg);
	struct rte_mbuf *m = host_alloc(dp, len);
	struct rte_ether_hdr *eth;
	struct rte_ipv6_hdr *ip6;
	struct nd_msg *nd;

	if (m == NULL || !p->has_v6) {
		rte_pktmbuf_free(m);
		return;
	}
	eth = rte_pktmbuf_mtod(m, struct rte_ether_hdr *);
	ip6 = (struct rte_ipv6_hdr *)(eth + 1);
	nd = (struct nd_msg *)(ip6 + 1);
	/* To the target's solicited-node multicast group (RFC 4291 §2.7.1). */
	memcpy(ip6->dst_addr, (uint8_t[16]){0xff, 0x02, [11] = 0x01, [12] = 0xff}, 16);
	memcpy(&ip6->dst_addr[13], &target[13], 3);
	eth->dst_addr.addr_bytes[0] = 0x33;
	eth->dst_addr.addr_bytes[1] = 0x33;
	memcpy(&eth->dst_addr.addr_bytes[2], &ip6->dst_addr[12], 4);
	eth->src_addr = p->mac;
	eth->ether_type = RTE_BE16(RTE_ETHER_TYPE_IPV6);
	ip6->vtc_flow = RTE_BE32(6u << 28);
	ip6->payload_len = RTE_BE16(sizeof(*nd));
	ip6->proto = IPPROTO_ICMPV6;
	ip6->hop_limits = ND_HOP_LIMIT;
	memcpy(ip6->src_addr, p->v6, 16);
	nd->type = ND_NEIGHBOR_SOLICIT;
	memcpy(nd->target, target, 16);
	nd->opt_type = ND_OPT_SOURCE_LLA;
	nd->opt_len = 1;
	memcpy(nd->opt_lla, p->mac.addr_bytes, RTE_ETHER_ADDR_LEN);
	host_icmp6_checksum(ip6, nd);
	dp_ctrl_xmit(dp, p, m);
}

static int
host_ctrl_drop(struct dp *dp, enum host_ctrl_drop why, int rc)
{
	dp->host.l2tp_ctrl_tx_drops[why]++;
	return rc;
}

static bool
host_ctrl_valid(const struct dp_ctrl_msg *msg)
{
	if (msg->encap != L2TP_ENCAP_IP && msg->encap != L2TP_ENCAP_UDP)
		return false;
	if ((msg->src.family != AF_INET && msg->src.family != AF_INET6) ||
	    msg->dst.family != msg->src.family)
		return false;
	if (msg->data == NULL || msg->len == 0)
		return false;
	return msg->encap == L2TP_ENCAP_IP || (msg->src_port != 0 && msg->dst_port != 0);
}

/*
 * The message leaves through the data path's own encapsulation: the
 * header template VCs use (vc_hdr_build) and pkt_encap(), which fills in
 * lengths and checksums, in software or by the NIC, exactly as for data.
 */
int
dp_ctrl_send(struct dp *dp, const struct dp_ctrl_msg *msg)
{
	struct vcs_addr nh_addr;
	struct dp_port *p;
	struct rte_mbuf *m;
	struct neigh *n;
	struct vc_fp fp;
	uint32_t no_seq = 0;
	uint8_t *data;
	size_t hdr_len;
	uint8_t port;
	int rc;

	if (!host_ctrl_valid(msg))
		return host_ctrl_drop(dp, HOST_CTRL_DROP_INVALID, -EINVAL);
	rc = dp_route(dp, &msg->src, &msg->dst, &port, &nh_addr);
	if (rc < 0)
		return host_ctrl_drop(
			dp, rc == -EADDRNOTAVAIL ? HOST_CTRL_DROP_NO_PORT : HOST_CTRL_DROP_NO_ROUTE,
			rc);
	p = &dp->ports[port];
	/* what a dead link takes is lost: better the sender knows now */
	if (!p->link_up)
		return host_ctrl_drop(dp, HOST_CTRL_DROP_LINK_DOWN, -ENETDOWN);
	/* RFC 3931 §4.1.2.3: control messages over UDP carry a checksum */
	hdr_len = vc_hdr_build(&fp, p, msg->encap, &msg->src, &msg->dst, msg->src_port,
			       msg->dst_port, true);
	/* over IP, the zero session ID that marks control (§4.1.1.2) */
	if (msg->encap == L2TP_ENCAP_IP)
		hdr_len += sizeof(uint32_t);
	if (vc_hdr_set_len(&fp, p, hdr_len) < 0 || msg->len > fp.max_frame)
		return host_ctrl_drop(dp, HOST_CTRL_DROP_TOO_BIG, -EMSGSIZE);
	n = neigh_get_ctrl(p->neigh, &nh_addr);
	m = rte_pktmbuf_alloc(dp->pool);
	/* the pool's data room takes a whole MTU (dp_mbuf_data_room) */
	data = m == NULL ? NULL : (uint8_t *)rte_pktmbuf_append(m, (uint16_t)msg->len);
	if (n == NULL || data == NULL) {
		rte_pktmbuf_free(m);
		return host_ctrl_drop(dp, HOST_CTRL_DROP_NO_MEMORY, -ENOMEM);
	}
	memcpy(data, msg->data, msg->len);
	/* Cannot fail: the length fits max_frame, the headroom any header. */
	RTE_BUILD_BUG_ON(RTE_PKTMBUF_HEADROOM < VC_HDR_MAX);
	pkt_encap(m, &fp, n->mac_word, &no_seq);
	return neigh_send_ctrl(p->neigh, n, m);
}
