/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * l2tp_decode FILE: every L2TPv3 control message of a pcap file, decoded
 * by l2tp_msg, as one JSON object per line, for comparing the codec with
 * tshark (tests/integration/test_l2tp_decode.py).
 *
 * A control message is the payload of a UDP datagram on any port whose
 * first 16 bits have T=1 and Ver=3, or of IP protocol 115 after a zero
 * Session ID (RFC 3931 §4.1). Link types: Ethernet (any number of
 * 802.1Q/802.1ad tags), Linux cooked, raw IP; IPv4 and IPv6 (extension
 * headers skipped). Fragments are skipped, saying so on stderr.
 *
 * Each object: where the message was (frame, addresses, ports, offset),
 * the decoding's result, the header, every AVP as on the wire (M, H,
 * Length, Vendor ID, Attribute Type, value in hex; an Extended Vendor ID
 * AVP also opened), and the typed value of every AVP the codec knows,
 * as l2tp_msg holds it, when decoding succeeded.
 */
#include <arpa/inet.h>
#include <ctype.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include <pcap/pcap.h>

#include "l2tp_msg.h"

#define ETH_VLAN     0x8100
#define ETH_QINQ     0x88a8
#define ETH_IPV4     0x0800
#define ETH_IPV6     0x86dd
#define PROTO_UDP    17
#define PROTO_L2TP   115
#define LINKTYPE_RAW 101 /* what DLT_RAW is written as in a file */

struct where {
	unsigned long frame;
	const char *transport;
	char src[INET6_ADDRSTRLEN], dst[INET6_ADDRSTRLEN];
	int sport, dport; /* -1 over IP */
	size_t offset;	  /* of the control header in the frame */
};

static uint16_t
be16(const uint8_t *p)
{
	return (uint16_t)(p[0] << 8 | p[1]);
}

static uint32_t
be32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

static void
print_hex(const void *p, size_t n)
{
	const uint8_t *b = p;

	putchar('"');
	for (size_t i = 0; i < n; i++)
		printf("%02x", b[i]);
	putchar('"');
}

/* A JSON string of n octets: anything but printable ASCII escaped. */
static void
print_str(const char *s, size_t n)
{
	putchar('"');
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];

		if (c == '"' || c == '\\')
			printf("\\%c", c);
		else if (c < 0x20 || c > 0x7e)
			printf("\\u%04x", c);
		else
			putchar(c);
	}
	putchar('"');
}

static const char *
dec_name(enum l2tp_dec r)
{
	switch (r) {
	case L2TP_DEC_OK:
		return "OK";
	case L2TP_DEC_BAD_HEADER:
		return "BAD_HEADER";
	case L2TP_DEC_BAD_MANDATORY_AVP:
		return "BAD_MANDATORY_AVP";
	case L2TP_DEC_UNKNOWN_TYPE:
		return "UNKNOWN_TYPE";
	}
	return "?";
}

/* Every AVP as on the wire, as far as the framing holds. */
static void
print_avps(const uint8_t *msg, size_t len)
{
	struct l2tp_avp_iter it;
	struct l2tp_avp a;
	size_t off = L2TP_CTRL_HDR_LEN;
	const char *sep = "";
	int rc;

	printf(",\"avps\":[");
	l2tp_avp_iter_init(&it, msg, len);
	while ((rc = l2tp_avp_next(&it, &a)) == 1) {
		const uint8_t *h = msg + off;
		uint16_t vendor = be16(h + 2), type = be16(h + 4);

		printf("%s{\"offset\":%zu,\"m\":%d,\"h\":%d,\"length\":%u,\"vendor\":%u,\"type\":%"
		       "u",
		       sep, off, a.mandatory, a.hidden, a.length, vendor, type);
		if (vendor == 0 && type == L2TP_AVP_EXT_VENDOR && a.vendor != 0)
			printf(",\"ext_vendor\":%u,\"ext_type\":%u", a.vendor, a.type);
		if (vendor == 0)
			printf(",\"name\":\"%s\"", l2tp_avp_name(type));
		printf(",\"value\":");
		print_hex(h + L2TP_AVP_HDR_LEN, a.length - L2TP_AVP_HDR_LEN);
		putchar('}');
		off += a.length;
		sep = ",";
	}
	printf("]");
	if (rc < 0)
		printf(",\"avp_framing_error_at\":%zu", off);
}

/* The typed values of what m holds, by AVP. */
static void
print_values(const struct l2tp_msg *m)
{
	const char *sep = "";
	unsigned int i;

#define KEY(k) printf("%s\"%s\":", sep, k), sep = ","
	printf(",\"values\":{");
	if (l2tp_msg_has(m, L2TP_AVP_RESULT_CODE)) {
		KEY("result_code");
		printf("{\"result\":%u", m->result);
		if (m->has_error)
			printf(",\"error\":%u", m->error);
		if (m->errmsg_len) {
			printf(",\"message\":");
			print_str(m->errmsg, m->errmsg_len);
		}
		putchar('}');
	}
	if (l2tp_msg_has(m, L2TP_AVP_TIE_BREAKER)) {
		KEY("tie_breaker");
		print_hex(m->tie_breaker, sizeof(m->tie_breaker));
	}
	if (l2tp_msg_has(m, L2TP_AVP_HOST_NAME)) {
		KEY("host_name");
		print_str(m->host_name, strlen(m->host_name));
	}
	if (l2tp_msg_has(m, L2TP_AVP_VENDOR_NAME)) {
		KEY("vendor_name");
		print_str(m->vendor_name, strlen(m->vendor_name));
	}
	if (l2tp_msg_has(m, L2TP_AVP_RECV_WINDOW)) {
		KEY("recv_window");
		printf("%u", m->recv_window);
	}
	if (l2tp_msg_has(m, L2TP_AVP_SERIAL)) {
		KEY("serial");
		printf("%u", m->serial);
	}
	if (l2tp_msg_has(m, L2TP_AVP_PHYS_CHANNEL)) {
		KEY("phys_channel");
		printf("%u", m->phys_channel);
	}
	if (l2tp_msg_has(m, L2TP_AVP_CIRCUIT_ERRORS)) {
		KEY("circuit_errors");
		printf("[%u,%u,%u,%u]", m->circuit_errors[0], m->circuit_errors[1],
		       m->circuit_errors[2], m->circuit_errors[3]);
	}
	if (m->n_digests) {
		KEY("digests");
		putchar('[');
		for (i = 0; i < m->n_digests; i++) {
			printf("%s{\"type\":%u,\"value\":", i ? "," : "", m->digest_type[i]);
			print_hex(m->digest[i], m->digest_type[i] == L2TP_DIGEST_MD5 ? 16 : 20);
			putchar('}');
		}
		putchar(']');
	}
	if (l2tp_msg_has(m, L2TP_AVP_ROUTER_ID)) {
		KEY("router_id");
		printf("%u", m->router_id);
	}
	if (l2tp_msg_has(m, L2TP_AVP_ASSIGNED_CCID)) {
		KEY("assigned_ccid");
		printf("%u", m->assigned_ccid);
	}
	if (l2tp_msg_has(m, L2TP_AVP_PW_CAPS)) {
		KEY("pw_caps");
		putchar('[');
		for (i = 0; i < m->n_pw_caps; i++)
			printf("%s%u", i ? "," : "", m->pw_caps[i]);
		putchar(']');
	}
	if (l2tp_msg_has(m, L2TP_AVP_LOCAL_SID)) {
		KEY("local_sid");
		printf("%u", m->local_sid);
	}
	if (l2tp_msg_has(m, L2TP_AVP_REMOTE_SID)) {
		KEY("remote_sid");
		printf("%u", m->remote_sid);
	}
	if (l2tp_msg_has(m, L2TP_AVP_COOKIE)) {
		KEY("cookie");
		print_hex(m->cookie, m->cookie_len);
	}
	if (l2tp_msg_has(m, L2TP_AVP_REMOTE_END_ID)) {
		KEY("remote_end_id");
		print_hex(m->end_id, m->end_id_len);
	}
	if (l2tp_msg_has(m, L2TP_AVP_PW_TYPE)) {
		KEY("pw_type");
		printf("%u", m->pw_type);
	}
	if (l2tp_msg_has(m, L2TP_AVP_L2SS)) {
		KEY("l2ss");
		printf("%u", m->l2ss);
	}
	if (l2tp_msg_has(m, L2TP_AVP_DATA_SEQ)) {
		KEY("data_seq");
		printf("%u", m->data_seq);
	}
	if (l2tp_msg_has(m, L2TP_AVP_CIRCUIT_STATUS)) {
		KEY("circuit_status");
		printf("%u", m->circuit_status);
	}
	if (l2tp_msg_has(m, L2TP_AVP_PREF_LANG)) {
		KEY("pref_lang");
		print_str(m->pref_lang, strlen(m->pref_lang));
	}
	if (l2tp_msg_has(m, L2TP_AVP_NONCE)) {
		KEY("nonce");
		print_hex(m->nonce, m->nonce_len);
	}
	if (l2tp_msg_has(m, L2TP_AVP_TX_SPEED)) {
		KEY("tx_speed");
		printf("%llu", (unsigned long long)m->tx_speed);
	}
	if (l2tp_msg_has(m, L2TP_AVP_RX_SPEED)) {
		KEY("rx_speed");
		printf("%llu", (unsigned long long)m->rx_speed);
	}
	putchar('}');
#undef KEY
}

static void
control(const struct where *w, const uint8_t *msg, size_t len)
{
	struct l2tp_msg m;
	enum l2tp_dec r;

	r = l2tp_msg_decode(msg, len, NULL, &m);
	printf("{\"frame\":%lu,\"transport\":\"%s\",\"src\":\"%s\",\"dst\":\"%s\"", w->frame,
	       w->transport, w->src, w->dst);
	if (w->sport >= 0)
		printf(",\"sport\":%d,\"dport\":%d", w->sport, w->dport);
	printf(",\"offset\":%zu,\"decode\":\"%s\"", w->offset, dec_name(r));
	if (len >= L2TP_CTRL_HDR_LEN)
		printf(",\"flags\":%u,\"length\":%u,\"ccid\":%u,\"ns\":%u,\"nr\":%u", be16(msg),
		       be16(msg + 2), be32(msg + 4), be16(msg + 8), be16(msg + 10));
	if (r != L2TP_DEC_BAD_HEADER) {
		printf(",\"type\":%u,\"type_name\":\"%s\",\"type_mandatory\":%s", m.type,
		       l2tp_msg_type_name(m.type), m.type_mandatory ? "true" : "false");
		print_avps(msg, len);
	}
	if (r == L2TP_DEC_BAD_MANDATORY_AVP || r == L2TP_DEC_UNKNOWN_TYPE)
		printf(",\"bad_avp\":{\"vendor\":%u,\"type\":%u}", m.bad_avp_vendor,
		       m.bad_avp_type);
	if (r == L2TP_DEC_OK) {
		printf(",\"missing\":%d", l2tp_msg_missing(&m));
		print_values(&m);
	}
	printf("}\n");
}

/* A transport payload: control or not. */
static void
l4(struct where *w, int proto, const uint8_t *p, size_t len, size_t off)
{
	if (proto == PROTO_UDP) {
		size_t ulen;

		if (len < 8)
			return;
		ulen = be16(p + 4);
		if (ulen < 8)
			return;
		/* a capture cut short keeps what it has */
		len = ulen < len ? ulen : len;
		w->sport = be16(p);
		w->dport = be16(p + 2);
		/* T=1, Ver=3; data messages have T=0 (§4.1.2.1) */
		if (len < 10 || (be16(p + 8) & 0x800f) != 0x8003)
			return;
		w->transport = "udp";
		w->offset = off + 8;
		control(w, p + 8, len - 8);
	} else if (proto == PROTO_L2TP) {
		/* Session ID 0 marks control (§4.1.1.2) */
		if (len < 4 || be32(p) != 0)
			return;
		w->transport = "ip";
		w->sport = w->dport = -1;
		w->offset = off + 4;
		control(w, p + 4, len - 4);
	}
}

static void
ipv4(struct where *w, const uint8_t *p, size_t len, size_t off)
{
	size_t hl, tl;

	if (len < 20 || p[0] >> 4 != 4)
		return;
	hl = (p[0] & 0xf) * 4u;
	tl = be16(p + 2);
	if (hl < 20 || tl < hl || hl > len)
		return;
	if (p[9] != PROTO_UDP && p[9] != PROTO_L2TP)
		return;
	if (be16(p + 6) & 0x3fff) {
		fprintf(stderr, "frame %lu: an IPv4 fragment, skipped\n", w->frame);
		return;
	}
	inet_ntop(AF_INET, p + 12, w->src, sizeof(w->src));
	inet_ntop(AF_INET, p + 16, w->dst, sizeof(w->dst));
	l4(w, p[9], p + hl, (tl < len ? tl : len) - hl, off + hl);
}

static void
ipv6(struct where *w, const uint8_t *p, size_t len, size_t off)
{
	size_t at = 40, end;
	int nh;

	if (len < 40 || p[0] >> 4 != 6)
		return;
	end = 40 + (size_t)be16(p + 4);
	end = end < len ? end : len;
	inet_ntop(AF_INET6, p + 8, w->src, sizeof(w->src));
	inet_ntop(AF_INET6, p + 24, w->dst, sizeof(w->dst));
	for (nh = p[6];;) {
		switch (nh) {
		case 0:	 /* hop-by-hop */
		case 43: /* routing */
		case 60: /* destination options */
			if (at + 8 > end)
				return;
			nh = p[at];
			at += 8 + p[at + 1] * 8u;
			continue;
		case 44:
			fprintf(stderr, "frame %lu: an IPv6 fragment, skipped\n", w->frame);
			return;
		}
		break;
	}
	if (at <= end)
		l4(w, nh, p + at, end - at, off + at);
}

static void
ethertype(struct where *w, uint16_t et, const uint8_t *p, size_t len, size_t off)
{
	if (et == ETH_IPV4)
		ipv4(w, p, len, off);
	else if (et == ETH_IPV6)
		ipv6(w, p, len, off);
}

static void
frame(int linktype, unsigned long n, const uint8_t *p, size_t len)
{
	struct where w = {.frame = n};
	size_t off;
	uint16_t et;

	switch (linktype) {
	case DLT_EN10MB:
		off = 12;
		if (len < 14)
			return;
		et = be16(p + off);
		while ((et == ETH_VLAN || et == ETH_QINQ) && off + 6 <= len) {
			off += 4;
			et = be16(p + off);
		}
		off += 2;
		break;
	case DLT_LINUX_SLL:
		if (len < 16)
			return;
		et = be16(p + 14);
		off = 16;
		break;
	case DLT_RAW:
	case LINKTYPE_RAW:
		if (len < 1)
			return;
		et = p[0] >> 4 == 6 ? ETH_IPV6 : ETH_IPV4;
		off = 0;
		break;
	default:
		return;
	}
	if (off <= len)
		ethertype(&w, et, p + off, len - off, off);
}

int
main(int argc, char **argv)
{
	char err[PCAP_ERRBUF_SIZE];
	struct pcap_pkthdr *h;
	const u_char *data;
	unsigned long n = 0;
	int linktype, rc;
	pcap_t *pc;

	if (argc != 2) {
		fprintf(stderr, "usage: %s FILE.pcap\n", argv[0]);
		return 2;
	}
	pc = pcap_open_offline(argv[1], err);
	if (pc == NULL) {
		fprintf(stderr, "%s: %s\n", argv[1], err);
		return 1;
	}
	linktype = pcap_datalink(pc);
	if (linktype != DLT_EN10MB && linktype != DLT_LINUX_SLL && linktype != DLT_RAW &&
	    linktype != LINKTYPE_RAW) {
		fprintf(stderr, "%s: link type %d not handled\n", argv[1], linktype);
		pcap_close(pc);
		return 1;
	}
	while ((rc = pcap_next_ex(pc, &h, &data)) == 1)
		frame(linktype, ++n, data, h->caplen);
	if (rc == PCAP_ERROR)
		fprintf(stderr, "%s: %s\n", argv[1], pcap_geterr(pc));
	pcap_close(pc);
	return rc == PCAP_ERROR;
}
