/* SPDX-License-Identifier: BSD-3-Clause */
#include <string.h>

#include <rte_byteorder.h>
#include <rte_ether.h>
#include <rte_ip.h>
#include <rte_udp.h>

#include "frame.h"

#define L2TP_IPPROTO  115
#define L2TP_DATA_HDR 4 /* over UDP: T=0, Ver=3, reserved */
#define L2SS_LEN      4

static uint16_t
frame_eth_hdr_len(const struct frame_eth *e)
{
	return (uint16_t)(RTE_ETHER_HDR_LEN + (e->vlan != 0 ? 4 : 0) +
			  (e->inner_vlan != 0 ? 4 : 0));
}

int
frame_eth_build(uint8_t *buf, uint16_t len, const struct frame_eth *e, struct frame_layout *lo)
{
	uint16_t off = 2 * RTE_ETHER_ADDR_LEN;

	memset(lo, 0, sizeof(*lo));
	if (e->inner_vlan != 0 && e->vlan == 0)
		return -1;
	if (len < frame_eth_hdr_len(e) + sizeof(struct frame_stamp) || len > FRAME_MAX)
		return -1;
	memset(buf, 0, len);
	memcpy(buf, e->dst, RTE_ETHER_ADDR_LEN);
	memcpy(buf + RTE_ETHER_ADDR_LEN, e->src, RTE_ETHER_ADDR_LEN);
	if (e->vlan != 0) {
		frame_put_be16(buf + off,
			       e->inner_vlan != 0 ? FRAME_QINQ_TPID : RTE_ETHER_TYPE_VLAN);
		lo->vlan_off = (uint16_t)(off + 2);
		frame_put_be16(buf + lo->vlan_off, e->vlan);
		off += 4;
	}
	if (e->inner_vlan != 0) {
		frame_put_be16(buf + off, RTE_ETHER_TYPE_VLAN);
		lo->inner_vlan_off = (uint16_t)(off + 2);
		frame_put_be16(buf + lo->inner_vlan_off, e->inner_vlan);
		off += 4;
	}
	frame_put_be16(buf + off, FRAME_ETHERTYPE);
	lo->stamp_off = (uint16_t)(off + 2);
	lo->len = len;
	return 0;
}

uint16_t
frame_l2tp_hdr_len(const struct frame_l2tp *l)
{
	return (uint16_t)(RTE_ETHER_HDR_LEN +
			  (l->v6 ? sizeof(struct rte_ipv6_hdr) : sizeof(struct rte_ipv4_hdr)) +
			  (l->udp ? sizeof(struct rte_udp_hdr) + L2TP_DATA_HDR : 0) + 4 +
			  l->cookie_len + (l->l2ss ? L2SS_LEN : 0));
}

int
frame_l2tp_build(uint8_t *buf, uint16_t inner_len, const struct frame_l2tp *l,
		 struct frame_layout *lo)
{
	uint16_t hdr = frame_l2tp_hdr_len(l), off = RTE_ETHER_HDR_LEN, ip_off = RTE_ETHER_HDR_LEN;
	uint16_t l3_payload;
	struct frame_layout inner;
	struct rte_udp_hdr *udp = NULL;

	if (l->cookie_len != 0 && l->cookie_len != 4 && l->cookie_len != 8)
		return -1;
	if (hdr + inner_len > FRAME_MAX ||
	    frame_eth_build(buf + hdr, inner_len, &l->inner, &inner) < 0)
		return -1;
	memset(buf, 0, hdr);
	memcpy(buf, l->dst, RTE_ETHER_ADDR_LEN);
	memcpy(buf + RTE_ETHER_ADDR_LEN, l->src, RTE_ETHER_ADDR_LEN);
	l3_payload =
		(uint16_t)(hdr + inner_len - RTE_ETHER_HDR_LEN -
			   (l->v6 ? sizeof(struct rte_ipv6_hdr) : sizeof(struct rte_ipv4_hdr)));
	if (l->v6) {
		struct rte_ipv6_hdr *ip6 = (struct rte_ipv6_hdr *)(buf + off);

		frame_put_be16(buf + 12, RTE_ETHER_TYPE_IPV6);
		ip6->vtc_flow = RTE_BE32(6u << 28);
		ip6->payload_len = rte_cpu_to_be_16(l3_payload);
		ip6->proto = l->udp ? IPPROTO_UDP : L2TP_IPPROTO;
		ip6->hop_limits = 64;
		memcpy(ip6->src_addr, l->saddr.v6, 16);
		memcpy(ip6->dst_addr, l->daddr.v6, 16);
		off += sizeof(*ip6);
	} else {
		struct rte_ipv4_hdr *ip = (struct rte_ipv4_hdr *)(buf + off);

		frame_put_be16(buf + 12, RTE_ETHER_TYPE_IPV4);
		ip->version_ihl = RTE_IPV4_VHL_DEF;
		ip->total_length = rte_cpu_to_be_16((uint16_t)(l3_payload + sizeof(*ip)));
		ip->fragment_offset = RTE_BE16(RTE_IPV4_HDR_DF_FLAG);
		ip->time_to_live = 64;
		ip->next_proto_id = l->udp ? IPPROTO_UDP : L2TP_IPPROTO;
		ip->src_addr = l->saddr.v4;
		ip->dst_addr = l->daddr.v4;
		off += sizeof(*ip);
	}
	if (l->udp) {
		udp = (struct rte_udp_hdr *)(buf + off);
		udp->src_port = rte_cpu_to_be_16(l->sport);
		udp->dst_port = rte_cpu_to_be_16(l->dport);
		udp->dgram_len = rte_cpu_to_be_16(l3_payload);
		off += sizeof(*udp);
		frame_put_be16(buf + off, 3); /* T=0, Ver=3 (§4.1.2.1) */
		off += L2TP_DATA_HDR;
	}
	lo->udp6_off = 0;
	lo->session_off = off;
	frame_put_be32(buf + off, l->session_id);
	off += 4;
	memcpy(buf + off, l->cookie, l->cookie_len);
	off += l->cookie_len;
	lo->l2ss_off = l->l2ss ? off : 0;
	lo->len = (uint16_t)(hdr + inner_len);
	lo->vlan_off = inner.vlan_off != 0 ? (uint16_t)(hdr + inner.vlan_off) : 0;
	lo->inner_vlan_off = inner.inner_vlan_off != 0 ? (uint16_t)(hdr + inner.inner_vlan_off) : 0;
	lo->stamp_off = (uint16_t)(hdr + inner.stamp_off);
	if (l->v6) {
		if (udp != NULL) {
			lo->udp6_off = (uint16_t)((uint8_t *)udp - buf);
			frame_l2tp_csum(buf, lo);
		}
	} else {
		struct rte_ipv4_hdr *ip = (struct rte_ipv4_hdr *)(buf + ip_off);

		ip->hdr_checksum = rte_ipv4_cksum(ip);
	}
	return 0;
}

void
frame_l2tp_csum(uint8_t *buf, const struct frame_layout *lo)
{
	struct rte_udp_hdr *udp = (struct rte_udp_hdr *)(buf + lo->udp6_off);

	if (lo->udp6_off == 0)
		return;
	udp->dgram_cksum = 0;
	udp->dgram_cksum = rte_ipv6_udptcp_cksum(
		(const struct rte_ipv6_hdr *)(buf + lo->udp6_off - sizeof(struct rte_ipv6_hdr)),
		udp);
}

static uint16_t
get_be16(const uint8_t *p)
{
	return (uint16_t)(p[0] << 8 | p[1]);
}

/* Ethernet and its tags at p; the offset of what follows, or -1. */
static int
parse_eth(const uint8_t *p, uint32_t len, uint16_t *type, uint16_t *vlan, uint16_t *inner_vlan)
{
	uint32_t off = 2 * RTE_ETHER_ADDR_LEN;
	unsigned int tags = 0;

	*vlan = *inner_vlan = 0;
	for (;;) {
		if (off + 2 > len)
			return -1;
		*type = get_be16(p + off);
		if ((*type != RTE_ETHER_TYPE_VLAN && *type != FRAME_QINQ_TPID) || tags == 2)
			return (int)(off + 2);
		if (off + 4 > len)
			return -1;
		if (tags++ == 0)
			*vlan = get_be16(p + off + 2) & 0xfff;
		else
			*inner_vlan = get_be16(p + off + 2) & 0xfff;
		off += 4;
	}
}

int
frame_parse(const uint8_t *p, uint32_t len, const struct frame_rx_opts *o, struct frame_info *fi)
{
	uint16_t type, vlan, inner_vlan;
	uint32_t off, l4;
	uint8_t proto;
	int r;

	memset(fi, 0, sizeof(*fi));
	r = parse_eth(p, len, &type, &vlan, &inner_vlan);
	if (r < 0)
		return -1;
	off = (uint32_t)r;
	if (type == FRAME_ETHERTYPE)
		goto stamp;
	if (type == RTE_ETHER_TYPE_IPV4) {
		if (off + sizeof(struct rte_ipv4_hdr) > len)
			return -1;
		proto = p[off + 9];
		l4 = off + (p[off] & 0xf) * 4u;
	} else if (type == RTE_ETHER_TYPE_IPV6) {
		if (off + sizeof(struct rte_ipv6_hdr) > len)
			return -1;
		proto = p[off + 6];
		l4 = off + sizeof(struct rte_ipv6_hdr);
	} else {
		return -1;
	}
	if (proto == IPPROTO_UDP) {
		if (o->udp_port == 0 || l4 + sizeof(struct rte_udp_hdr) + L2TP_DATA_HDR > len ||
		    get_be16(p + l4 + 2) != o->udp_port)
			return -1;
		l4 += sizeof(struct rte_udp_hdr) + L2TP_DATA_HDR;
	} else if (proto != L2TP_IPPROTO) {
		return -1;
	}
	if (l4 + 4 > len)
		return -1;
	fi->l2tp = true;
	fi->session_id = (uint32_t)get_be16(p + l4) << 16 | get_be16(p + l4 + 2);
	off = l4 + 4 + o->cookie_len + (o->l2ss ? L2SS_LEN : 0);
	if (off > len)
		return -1;
	r = parse_eth(p + off, len - off, &type, &vlan, &inner_vlan);
	if (r < 0 || type != FRAME_ETHERTYPE)
		return -1;
	off += (uint32_t)r;
stamp:
	if (off + sizeof(fi->stamp) > len)
		return -1;
	memcpy(&fi->stamp, p + off, sizeof(fi->stamp));
	if (fi->stamp.magic != FRAME_STAMP_MAGIC)
		return -1;
	fi->vlan = vlan;
	fi->inner_vlan = inner_vlan;
	fi->stamp_off = (uint16_t)off;
	return 0;
}
