/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Per-packet work of the fast path: classify what arrives on a network
 * port, and turn AC frames into L2TPv3 packets and back. Everything is
 * static inline and works on the first segment only (headers must be
 * contiguous there); pkt_classify_net() takes a plain buffer so that it
 * can be fuzzed without an EAL.
 */
#ifndef VCS_PKT_H
#define VCS_PKT_H

#include <stdbool.h>
#include <stdint.h>
#include <string.h>

#include <rte_byteorder.h>
#include <rte_branch_prediction.h>
#include <rte_ether.h>
#include <rte_ip.h>
#include <rte_mbuf.h>
#include <rte_memcpy.h>
#include <rte_udp.h>

#include "dp.h"
#include "l2tp.h"
#include "vc.h"

/* What the classifier needs to know about the receiving port. */
struct pkt_host {
	struct rte_ether_addr mac;
	bool has_v4, has_v6;
	rte_be32_t v4;
	uint8_t v6[16];
	const uint8_t *udp_ports; /* bitmap of UDP ports carrying L2TP, 8 KiB */
};

enum pkt_class {
	PKT_DATA,  /* L2TPv3 data: look the session up */
	PKT_CTRL,  /* L2TP control message: to the control thread */
	PKT_ARP,   /* to the control thread */
	PKT_ICMP,  /* ICMP to our IPv4 address: to the control thread */
	PKT_ICMP6, /* ICMPv6 (ND, echo): to the control thread */
	PKT_DROP,
};

struct pkt_net {
	uint16_t l3_off;
	uint16_t l4_off;   /* session ID (IP) or UDP header (UDP) */
	uint16_t sid_off;  /* data: the session ID */
	uint16_t ctrl_off; /* control: the control header */
	uint16_t end;	   /* end of the IP packet; anything after is padding */
	bool v6;
	bool udp;
	rte_be16_t udp_sport, udp_dport;
	uint32_t session_id;
};

static inline uint32_t
pkt_load_be32(const uint8_t *p)
{
	uint32_t v;

	memcpy(&v, p, sizeof(v));
	return rte_be_to_cpu_32(v);
}

static inline uint16_t
pkt_load_be16(const uint8_t *p)
{
	uint16_t v;

	memcpy(&v, p, sizeof(v));
	return rte_be_to_cpu_16(v);
}

static inline bool
pkt_udp_port_is_l2tp(const uint8_t *bitmap, rte_be16_t port)
{
	uint16_t p = rte_be_to_cpu_16(port);

	return (__atomic_load_n(&bitmap[p >> 3], __ATOMIC_RELAXED) >> (p & 7)) & 1;
}

/* L2TP over IP or UDP, after the IP header at l4. */
static inline enum pkt_class
pkt_classify_l2tp(const uint8_t *p, uint32_t avail, uint16_t l4, uint16_t end, uint8_t proto,
		  const struct pkt_host *h, struct pkt_net *np, enum dp_drop *why)
{
	uint16_t word, udp_len;

	np->l4_off = l4;
	if (proto == L2TP_IPPROTO) {
		if (end - l4 < 4 || l4 + 4u > avail)
			goto malformed;
		np->session_id = pkt_load_be32(p + l4);
		if (np->session_id == 0) {
			np->ctrl_off = l4 + 4;
			return PKT_CTRL;
		}
		np->sid_off = l4;
		return PKT_DATA;
	}
	/* UDP: the L2TP header's first word must be in the first segment */
	if (end - l4 < (int)sizeof(struct rte_udp_hdr) + 4 ||
	    l4 + sizeof(struct rte_udp_hdr) + 4 > avail)
		goto malformed;
	np->udp = true;
	memcpy(&np->udp_sport, p + l4, sizeof(np->udp_sport));
	memcpy(&np->udp_dport, p + l4 + 2, sizeof(np->udp_dport));
	udp_len = pkt_load_be16(p + l4 + 4);
	if (udp_len < sizeof(struct rte_udp_hdr) + 4 || udp_len > end - l4)
		goto malformed;
	end = (uint16_t)(l4 + udp_len);
	np->end = end;
	if (!pkt_udp_port_is_l2tp(h->udp_ports, np->udp_dport)) {
		*why = DP_DROP_UNSUPPORTED;
		return PKT_DROP;
	}
	word = pkt_load_be16(p + l4 + 8);
	if (word & L2TP_HDR_T_BIT) {
		np->ctrl_off = l4 + 8;
		return PKT_CTRL;
	}
	if ((word & L2TP_HDR_VER_MASK) != L2TP_VERSION) {
		*why = DP_DROP_L2TP_VERSION;
		return PKT_DROP;
	}
	if (end - l4 < 8 + L2TP_UDP_DATA_HDR + 4 || l4 + 8u + L2TP_UDP_DATA_HDR + 4 > avail)
		goto malformed;
	np->sid_off = l4 + 8 + L2TP_UDP_DATA_HDR;
	np->session_id = pkt_load_be32(p + np->sid_off);
	if (np->session_id == 0)
		goto malformed;
	return PKT_DATA;
malformed:
	*why = DP_DROP_MALFORMED;
	return PKT_DROP;
}

static inline enum pkt_class
pkt_classify_v4(const uint8_t *p, uint32_t avail, uint32_t len, bool verify_csum,
		const struct pkt_host *h, struct pkt_net *np, enum dp_drop *why)
{
	const struct rte_ipv4_hdr *ip = (const struct rte_ipv4_hdr *)(p + np->l3_off);
	uint16_t ihl, total;

	if (!h->has_v4)
		goto unsupported;
	if (avail < np->l3_off + sizeof(*ip) || (ip->version_ihl >> 4) != 4)
		goto malformed;
	ihl = (uint16_t)((ip->version_ihl & 0xf) * 4);
	total = rte_be_to_cpu_16(ip->total_length);
	if (ihl < sizeof(*ip) || total < ihl || np->l3_off + (uint32_t)ihl > avail ||
	    np->l3_off + (uint32_t)total > len)
		goto malformed;
	if (verify_csum && rte_raw_cksum(ip, ihl) != 0xffff) {
		*why = DP_DROP_IP_CHECKSUM;
		return PKT_DROP;
	}
	if (ip->dst_addr != h->v4) {
		*why = DP_DROP_NOT_FOR_US;
		return PKT_DROP;
	}
	if (ip->fragment_offset &
	    rte_cpu_to_be_16(RTE_IPV4_HDR_MF_FLAG | RTE_IPV4_HDR_OFFSET_MASK)) {
		*why = DP_DROP_FRAGMENT;
		return PKT_DROP;
	}
	np->end = np->l3_off + total;
	switch (ip->next_proto_id) {
	case L2TP_IPPROTO:
	case IPPROTO_UDP:
		return pkt_classify_l2tp(p, avail, np->l3_off + ihl, np->end, ip->next_proto_id, h,
					 np, why);
	case IPPROTO_ICMP:
		np->l4_off = np->l3_off + ihl;
		return PKT_ICMP;
	default:
		goto unsupported;
	}
malformed:
	*why = DP_DROP_MALFORMED;
	return PKT_DROP;
unsupported:
	*why = DP_DROP_UNSUPPORTED;
	return PKT_DROP;
}

static inline enum pkt_class
pkt_classify_v6(const uint8_t *p, uint32_t avail, uint32_t len, const struct pkt_host *h,
		struct pkt_net *np, enum dp_drop *why)
{
	const struct rte_ipv6_hdr *ip = (const struct rte_ipv6_hdr *)(p + np->l3_off);
	uint16_t plen;
	bool to_us;

	if (!h->has_v6)
		goto unsupported;
	if (avail < np->l3_off + sizeof(*ip) || (p[np->l3_off] >> 4) != 6)
		goto malformed;
	plen = rte_be_to_cpu_16(ip->payload_len);
	if (np->l3_off + sizeof(*ip) + plen > len)
		goto malformed;
	np->v6 = true;
	np->end = (uint16_t)(np->l3_off + sizeof(*ip) + plen);
	to_us = memcmp(ip->dst_addr, h->v6, 16) == 0;
	if (!to_us && ip->dst_addr[0] != 0xff) {
		*why = DP_DROP_NOT_FOR_US;
		return PKT_DROP;
	}
	switch (ip->proto) {
	case IPPROTO_ICMPV6:
		np->l4_off = np->l3_off + sizeof(*ip);
		return PKT_ICMP6;
	case L2TP_IPPROTO:
	case IPPROTO_UDP:
		if (!to_us) {
			*why = DP_DROP_NOT_FOR_US;
			return PKT_DROP;
		}
		return pkt_classify_l2tp(p, avail, np->l3_off + sizeof(*ip), np->end, ip->proto, h,
					 np, why);
	case IPPROTO_FRAGMENT:
		*why = DP_DROP_FRAGMENT;
		return PKT_DROP;
	default:
		goto unsupported;
	}
malformed:
	*why = DP_DROP_MALFORMED;
	return PKT_DROP;
unsupported:
	*why = DP_DROP_UNSUPPORTED;
	return PKT_DROP;
}

/*
 * Classify a frame received on a network port: avail bytes of its len
 * are contiguous at p (the first segment). verify_csum asks for a
 * software check of the IPv4 header checksum (the NIC did not check it).
 */
static inline enum pkt_class
pkt_classify_net(const uint8_t *p, uint32_t avail, uint32_t len, bool verify_csum,
		 const struct pkt_host *h, struct pkt_net *np, enum dp_drop *why)
{
	const struct rte_ether_hdr *eth = (const struct rte_ether_hdr *)p;

	memset(np, 0, sizeof(*np));
	if (unlikely(avail < sizeof(*eth) || avail > len)) {
		*why = DP_DROP_MALFORMED;
		return PKT_DROP;
	}
	if (rte_is_unicast_ether_addr(&eth->dst_addr) &&
	    !rte_is_same_ether_addr(&eth->dst_addr, &h->mac)) {
		*why = DP_DROP_NOT_FOR_US;
		return PKT_DROP;
	}
	np->l3_off = sizeof(*eth);
	switch (eth->ether_type) {
	case RTE_BE16(RTE_ETHER_TYPE_IPV4):
		return pkt_classify_v4(p, avail, len, verify_csum, h, np, why);
	case RTE_BE16(RTE_ETHER_TYPE_IPV6):
		return pkt_classify_v6(p, avail, len, h, np, why);
	case RTE_BE16(RTE_ETHER_TYPE_ARP):
		if (h->has_v4)
			return PKT_ARP;
		/* fall through */
	default:
		*why = DP_DROP_UNSUPPORTED;
		return PKT_DROP;
	}
}

/*
 * The tags an AC frame is classified by: the outer VID (TPID 802.1Q,
 * 802.1ad, or the pre-standard 0x9100) and, behind it, an 802.1Q tag's
 * VID; 0 where there is no tag (or a priority tag, VID 0). Returns -1
 * for a frame too short for what it announces.
 */
static inline int
pkt_ac_tags(const uint8_t *p, uint32_t len, uint16_t *vlan, uint16_t *inner)
{
	const struct rte_ether_hdr *eth = (const struct rte_ether_hdr *)p;
	const struct rte_vlan_hdr *vh = (const struct rte_vlan_hdr *)(eth + 1);

	*vlan = *inner = 0;
	if (unlikely(len < sizeof(*eth)))
		return -1;
	if (eth->ether_type != RTE_BE16(RTE_ETHER_TYPE_VLAN) &&
	    eth->ether_type != RTE_BE16(RTE_ETHER_TYPE_QINQ) &&
	    eth->ether_type != RTE_BE16(RTE_ETHER_TYPE_QINQ1))
		return 0;
	if (unlikely(len < sizeof(*eth) + sizeof(*vh)))
		return -1;
	*vlan = rte_be_to_cpu_16(vh->vlan_tci) & 0xfff;
	if (vh->eth_proto != RTE_BE16(RTE_ETHER_TYPE_VLAN))
		return 0;
	if (unlikely(len < sizeof(*eth) + 2 * sizeof(*vh)))
		return -1;
	*inner = rte_be_to_cpu_16(vh[1].vlan_tci) & 0xfff;
	return 0;
}

/* Fold a 32-bit one's complement sum to 16 bits. */
static inline uint16_t
pkt_csum_fold(uint32_t sum)
{
	sum = (sum & 0xffff) + (sum >> 16);
	sum = (sum & 0xffff) + (sum >> 16);
	return (uint16_t)sum;
}

/*
 * The UDP checksum of an L2TP packet, unless the NIC checked it. Zero
 * means "none" over IPv4 and is invalid over IPv6 (RFC 8200). The sum
 * covers the UDP length, which may be shorter than the IP payload
 * (RFC 768), so DPDK's helpers, which use the IP payload, do not fit.
 */
static inline bool
pkt_udp_csum_ok(const struct rte_mbuf *m, const struct pkt_net *np)
{
	uint64_t f = m->ol_flags & RTE_MBUF_F_RX_L4_CKSUM_MASK;
	const uint8_t *p = rte_pktmbuf_mtod(m, const uint8_t *);
	const struct rte_udp_hdr *udp = (const struct rte_udp_hdr *)(p + np->l4_off);
	uint16_t udp_len = np->end - np->l4_off, body;
	rte_be16_t phdr[2] = {RTE_BE16(IPPROTO_UDP), rte_cpu_to_be_16(udp_len)};
	uint32_t sum;

	if (f == RTE_MBUF_F_RX_L4_CKSUM_GOOD)
		return true;
	if (f == RTE_MBUF_F_RX_L4_CKSUM_BAD)
		return false;
	if (udp->dgram_cksum == 0)
		return !np->v6;
	/* pseudo-header: the addresses, then protocol and length */
	sum = np->v6 ? rte_raw_cksum(p + np->l3_off + offsetof(struct rte_ipv6_hdr, src_addr), 32)
		     : rte_raw_cksum(p + np->l3_off + offsetof(struct rte_ipv4_hdr, src_addr), 8);
	sum += rte_raw_cksum(phdr, sizeof(phdr));
	if (rte_raw_cksum_mbuf(m, np->l4_off, udp_len, &body) != 0)
		return false;
	return pkt_csum_fold(sum + body) == 0xffff;
}

/*
 * Encapsulate an AC frame: strip the AC tag if the PW does not carry
 * it, prepend the VC's template, set the next hop's MAC, lengths,
 * checksums and the L2SS sequence number. Returns DP_ENC_DROP_MAX on
 * success, else the drop reason; the mbuf is left to the caller.
 */
static inline enum dp_enc_drop
pkt_encap(struct rte_mbuf *m, const struct vc_fp *fp, uint64_t nh_mac, uint32_t *tx_seq)
{
	uint32_t frame_len, ip_len;
	uint8_t *h;

	/* the circuit's tags, which the frame has: it was classified by them */
	if (fp->ac_strip != 0) {
		uint8_t *f = rte_pktmbuf_mtod(m, uint8_t *);

		memmove(f + fp->ac_strip, f, 2 * RTE_ETHER_ADDR_LEN);
		rte_pktmbuf_adj(m, fp->ac_strip);
	}
	frame_len = rte_pktmbuf_pkt_len(m);
	if (unlikely(frame_len > fp->max_frame))
		return DP_ENC_DROP_MTU;
	h = (uint8_t *)rte_pktmbuf_prepend(m, fp->hdr_len);
	if (unlikely(h == NULL))
		return DP_ENC_DROP_NO_HEADROOM;
	rte_memcpy(h, fp->hdr, fp->hdr_len);
	memcpy(h, &nh_mac, RTE_ETHER_ADDR_LEN);

	ip_len = fp->hdr_len - RTE_ETHER_HDR_LEN + frame_len;
	if (fp->flags & VC_F_IPV6) {
		struct rte_ipv6_hdr *ip6 = (struct rte_ipv6_hdr *)(h + RTE_ETHER_HDR_LEN);

		ip6->payload_len = rte_cpu_to_be_16((uint16_t)(ip_len - sizeof(*ip6)));
	} else {
		struct rte_ipv4_hdr *ip = (struct rte_ipv4_hdr *)(h + RTE_ETHER_HDR_LEN);

		ip->total_length = rte_cpu_to_be_16((uint16_t)ip_len);
		if (!(fp->flags & VC_F_CSUM_OFFLOAD))
			ip->hdr_checksum = (uint16_t)~pkt_csum_fold(fp->ip_sum + ip->total_length);
	}
	if (fp->flags & VC_F_L2SS && fp->flags & VC_F_SEQ_SEND) {
		uint32_t w = rte_cpu_to_be_32(L2TP_L2SS_S_BIT | *tx_seq);

		memcpy(h + fp->l2ss_off, &w, sizeof(w));
		*tx_seq = (*tx_seq + 1) & L2TP_SEQ_MASK;
	}
	if (fp->flags & VC_F_UDP) {
		uint8_t *l3 = h + RTE_ETHER_HDR_LEN;
		struct rte_udp_hdr *udp = (struct rte_udp_hdr *)(l3 + fp->l4_off);

		udp->dgram_len = rte_cpu_to_be_16((uint16_t)(ip_len - fp->l4_off));
		if (fp->flags & VC_F_UDP_CSUM) {
			m->l2_len = RTE_ETHER_HDR_LEN;
			m->l3_len = fp->l4_off;
			if (fp->flags & VC_F_CSUM_OFFLOAD) {
				m->ol_flags |= RTE_MBUF_F_TX_UDP_CKSUM |
					       (fp->flags & VC_F_IPV6 ? RTE_MBUF_F_TX_IPV6
								      : RTE_MBUF_F_TX_IPV4);
				udp->dgram_cksum =
					fp->flags & VC_F_IPV6
						? rte_ipv6_phdr_cksum((struct rte_ipv6_hdr *)l3,
								      m->ol_flags)
						: rte_ipv4_phdr_cksum((struct rte_ipv4_hdr *)l3,
								      m->ol_flags);
			} else {
				udp->dgram_cksum = 0;
				udp->dgram_cksum =
					fp->flags & VC_F_IPV6
						? rte_ipv6_udptcp_cksum_mbuf(
							  m, (struct rte_ipv6_hdr *)l3,
							  RTE_ETHER_HDR_LEN + fp->l4_off)
						: rte_ipv4_udptcp_cksum_mbuf(
							  m, (struct rte_ipv4_hdr *)l3,
							  RTE_ETHER_HDR_LEN + fp->l4_off);
			}
		}
	}
	if (fp->flags & VC_F_CSUM_OFFLOAD) {
		/* every L3/L4 offload needs the L3 type and lengths */
		m->l2_len = RTE_ETHER_HDR_LEN;
		m->l3_len = fp->l4_off;
		m->ol_flags |= fp->flags & VC_F_IPV6 ? RTE_MBUF_F_TX_IPV6
						     : RTE_MBUF_F_TX_IPV4 | RTE_MBUF_F_TX_IP_CKSUM;
	}
	return DP_ENC_DROP_MAX;
}

/*
 * RFC 3931 Appendix C: accept a sequence number at or up to window - 1
 * ahead of the expected one, discard the others as old. After resync
 * of them in a row the peer (or we) must have restarted: follow it
 * rather than drop until the numbers come round.
 */
static inline bool
pkt_seq_accept(uint32_t *expected, uint16_t *out_of_seq, uint32_t seq, uint32_t window,
	       uint16_t resync)
{
	if (((seq - *expected) & L2TP_SEQ_MASK) >= window && ++*out_of_seq < resync)
		return false;
	*out_of_seq = 0;
	*expected = (seq + 1) & L2TP_SEQ_MASK;
	return true;
}

/* Inserts len bytes of tags after the MAC addresses of frame m. */
static inline bool
pkt_insert_tags(struct rte_mbuf *m, const void *tags, uint8_t len)
{
	uint8_t *f = (uint8_t *)rte_pktmbuf_prepend(m, len);

	if (unlikely(f == NULL))
		return false;
	memmove(f, f + len, 2 * RTE_ETHER_ADDR_LEN);
	memcpy(f + 2 * RTE_ETHER_ADDR_LEN, tags, len);
	return true;
}

/*
 * Decapsulate a classified data packet of the session fp: check
 * transport, peer, cookie and sequence number, strip everything up to
 * the inner frame (and the link padding after it), then restore the AC
 * tag. Returns DP_DEC_DROP_MAX on success, else the drop reason.
 */
static inline enum dp_dec_drop
pkt_decap(struct rte_mbuf *m, const struct vc_fp *fp, const struct pkt_net *np, uint32_t *rx_seq,
	  uint16_t *out_of_seq)
{
	uint8_t *p = rte_pktmbuf_mtod(m, uint8_t *);
	uint16_t off = np->sid_off + 4, inner_off, need;
	uint32_t inner;

	/* RFC 3931 §4.1.2.2: a session uses one UDP port pair */
	if (np->udp != !!(fp->flags & VC_F_UDP) || np->v6 != !!(fp->flags & VC_F_IPV6) ||
	    (np->udp &&
	     (np->udp_dport != fp->udp_local_port || np->udp_sport != fp->udp_remote_port)))
		return DP_DEC_DROP_WRONG_PEER;
	if (np->v6 ? memcmp(p + np->l3_off + offsetof(struct rte_ipv6_hdr, src_addr), fp->remote_v6,
			    16) != 0
		   : memcmp(p + np->l3_off + offsetof(struct rte_ipv4_hdr, src_addr),
			    &fp->remote_v4, 4) != 0)
		return DP_DEC_DROP_WRONG_PEER;
	/* The inner Ethernet header (and its tag, if we are to rewrite it)
	 * must be in the packet and in the first segment. */
	inner_off = off + fp->rx_cookie_len + fp->rx_l2ss_len;
	need = RTE_ETHER_HDR_LEN;
	if (fp->flags & VC_F_VLAN_REWRITE && inner_off + need <= rte_pktmbuf_data_len(m) &&
	    pkt_load_be16(p + inner_off + 2 * RTE_ETHER_ADDR_LEN) == RTE_ETHER_TYPE_VLAN)
		need += sizeof(struct rte_vlan_hdr);
	if (unlikely(inner_off + need > np->end || inner_off + need > rte_pktmbuf_data_len(m)))
		return DP_DEC_DROP_TRUNCATED;
	if (fp->rx_cookie_len && memcmp(p + off, fp->rx_cookie, fp->rx_cookie_len) != 0)
		return DP_DEC_DROP_COOKIE;
	off += fp->rx_cookie_len;
	if (fp->rx_l2ss_len) {
		uint32_t w = pkt_load_be32(p + off);

		if (fp->flags & VC_F_SEQ_RECV && w & L2TP_L2SS_S_BIT &&
		    !pkt_seq_accept(rx_seq, out_of_seq, w & L2TP_SEQ_MASK, fp->seq_window,
				    fp->seq_resync))
			return DP_DEC_DROP_SEQUENCE;
		off += fp->rx_l2ss_len;
	}
	inner = np->end - off;
	rte_pktmbuf_adj(m, off);
	/* link padding sits in the last segment */
	if (rte_pktmbuf_pkt_len(m) > inner &&
	    rte_pktmbuf_trim(m, (uint16_t)(rte_pktmbuf_pkt_len(m) - inner)) != 0)
		return DP_DEC_DROP_TRUNCATED;

	if (fp->flags & VC_F_VLAN_REWRITE) {
		struct rte_ether_hdr *eth = rte_pktmbuf_mtod(m, struct rte_ether_hdr *);
		struct rte_vlan_hdr *vh = (struct rte_vlan_hdr *)(eth + 1);
		rte_be16_t tag[2] = {RTE_BE16(RTE_ETHER_TYPE_VLAN), fp->ac_vlan_tci};

		if (eth->ether_type == RTE_BE16(RTE_ETHER_TYPE_VLAN))
			vh->vlan_tci = (vh->vlan_tci & RTE_BE16(0xf000)) | fp->ac_vlan_tci;
		else if (unlikely(!pkt_insert_tags(m, tag, sizeof(tag))))
			return DP_DEC_DROP_TRUNCATED;
	}
	if (fp->ac_push != 0 && unlikely(!pkt_insert_tags(m, fp->ac_tags, fp->ac_push)))
		return DP_DEC_DROP_TRUNCATED;
	return DP_DEC_DROP_MAX;
}

#endif
