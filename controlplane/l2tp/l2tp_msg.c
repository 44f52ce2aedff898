/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * L2TPv3 control messages (RFC 3931 §3.2, §5, §6): the header, the AVPs
 * of ../shared/spec/l2tpv3.md §1.5 both ways, hidden AVPs through
 * l2tp_auth, and the presence rules of §6.
 *
 * One value parser serves both directions: decoding runs it on the wire
 * bytes, encoding builds the bytes from the struct and runs it on them
 * too, so that nothing is sent that a receiver like us would refuse.
 */
#include <stdio.h>
#include <string.h>

#include "l2tp_auth.h"
#include "l2tp_msg.h"

#define HIDDEN_MAX (L2TP_AVP_MAX_LEN - L2TP_AVP_HDR_LEN) /* an AVP's value field */

#define AVP_M	    0x8000
#define AVP_H	    0x4000
#define AVP_LEN	    0x03ff
#define HDR_CHECKED 0xc80f /* T, L, S and Ver; the rest is reserved (§3.2.1) */

/* Message types as bits, for the §6 tables. */
#define T(name)	  (UINT32_C(1) << L2TP_MSG_##name)
#define CC	  (T(SCCRQ) | T(SCCRP))
#define CALL	  (T(ICRQ) | T(ICRP) | T(ICCN) | T(OCRQ) | T(OCRP) | T(OCCN))
#define SESSION	  (CALL | T(CDN) | T(WEN) | T(SLI))
#define ALL_TYPES (CC | T(SCCCN) | T(STOPCCN) | T(HELLO) | SESSION | T(ACK))

/*
 * What this codec knows of each AVP (l2tpv3.md §1.5): the messages §6
 * allows it in, the M bit RFC 3931 gives it ("SHOULD be set to" in each
 * AVP's text) and whether it "MAY be hidden". The Message Type (first
 * only) and the Extended Vendor ID (an envelope for vendor AVPs) are in
 * no message's list: anywhere else they are not recognised.
 */
static const struct avp_def {
	const char *name;
	uint32_t msgs;
	bool m, hide;
} defs[L2TP_AVP_RX_SPEED + 1] = {
	[L2TP_AVP_MSG_TYPE] = {"Message Type", 0, true, false},
	[L2TP_AVP_RESULT_CODE] = {"Result Code", T(STOPCCN) | T(CDN), true, false},
	[L2TP_AVP_TIE_BREAKER] = {"Tie Breaker", T(SCCRQ) | T(ICRQ) | T(OCRQ), true, false},
	[L2TP_AVP_HOST_NAME] = {"Host Name", CC, true, false},
	[L2TP_AVP_VENDOR_NAME] = {"Vendor Name", CC, false, true},
	[L2TP_AVP_RECV_WINDOW] = {"Receive Window Size", CC, true, false},
	[L2TP_AVP_SERIAL] = {"Serial Number", T(ICRQ) | T(OCRQ), false, true},
	[L2TP_AVP_PHYS_CHANNEL] = {"Physical Channel ID", T(ICRQ) | T(ICRP) | T(OCRP), false, true},
	[L2TP_AVP_CIRCUIT_ERRORS] = {"Circuit Errors", T(WEN), false, true},
	[L2TP_AVP_RANDOM_VECTOR] = {"Random Vector", ALL_TYPES, true, false},
	[L2TP_AVP_EXT_VENDOR] = {"Extended Vendor ID", 0, false, true},
	[L2TP_AVP_DIGEST] = {"Message Digest", ALL_TYPES, true, false},
	[L2TP_AVP_ROUTER_ID] = {"Router ID", CC, true, false},
	[L2TP_AVP_ASSIGNED_CCID] = {"Assigned Control Connection ID", CC | T(STOPCCN), true, true},
	[L2TP_AVP_PW_CAPS] = {"Pseudowire Capabilities List", CC, true, true},
	[L2TP_AVP_LOCAL_SID] = {"Local Session ID", SESSION, true, true},
	[L2TP_AVP_REMOTE_SID] = {"Remote Session ID", SESSION, true, true},
	[L2TP_AVP_COOKIE] = {"Assigned Cookie", T(ICRQ) | T(ICRP) | T(OCRQ) | T(OCRP), true, true},
	[L2TP_AVP_REMOTE_END_ID] = {"Remote End ID", T(ICRQ) | T(OCRQ), true, true},
	[L2TP_AVP_PW_TYPE] = {"Pseudowire Type", T(ICRQ) | T(OCRQ), true, true},
	[L2TP_AVP_L2SS] = {"L2-Specific Sublayer", CALL, true, true},
	[L2TP_AVP_DATA_SEQ] = {"Data Sequencing", CALL, true, true},
	[L2TP_AVP_CIRCUIT_STATUS] = {"Circuit Status", CALL | T(SLI), true, true},
	[L2TP_AVP_PREF_LANG] = {"Preferred Language", CC, false, true},
	[L2TP_AVP_NONCE] = {"Control Message Authentication Nonce", CC, true, false},
	[L2TP_AVP_TX_SPEED] = {"Tx Connect Speed", CALL, false, true},
	[L2TP_AVP_RX_SPEED] = {"Rx Connect Speed", CALL, false, true},
};

static const char *const type_names[L2TP_MSG_TYPE_MAX] = {
	[L2TP_MSG_ZLB] = "ZLB",	    [L2TP_MSG_SCCRQ] = "SCCRQ",	    [L2TP_MSG_SCCRP] = "SCCRP",
	[L2TP_MSG_SCCCN] = "SCCCN", [L2TP_MSG_STOPCCN] = "StopCCN", [L2TP_MSG_HELLO] = "HELLO",
	[L2TP_MSG_OCRQ] = "OCRQ",   [L2TP_MSG_OCRP] = "OCRP",	    [L2TP_MSG_OCCN] = "OCCN",
	[L2TP_MSG_ICRQ] = "ICRQ",   [L2TP_MSG_ICRP] = "ICRP",	    [L2TP_MSG_ICCN] = "ICCN",
	[L2TP_MSG_CDN] = "CDN",	    [L2TP_MSG_WEN] = "WEN",	    [L2TP_MSG_SLI] = "SLI",
	[L2TP_MSG_ACK] = "ACK",
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

static uint64_t
be64(const uint8_t *p)
{
	return (uint64_t)be32(p) << 32 | be32(p + 4);
}

static void
put16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
}

static void
put32(uint8_t *p, uint32_t v)
{
	put16(p, (uint16_t)(v >> 16));
	put16(p + 2, (uint16_t)v);
}

static void
put64(uint8_t *p, uint64_t v)
{
	put32(p, (uint32_t)(v >> 32));
	put32(p + 4, (uint32_t)v);
}

/* A message type RFC 3931 defines and this codec handles (not ZLB). */
static uint32_t
type_bit(uint32_t t)
{
	return t < L2TP_MSG_TYPE_MAX ? UINT32_C(1) << t & ALL_TYPES : 0;
}

static const struct avp_def *
avp_def(uint16_t type)
{
	return type < sizeof(defs) / sizeof(defs[0]) && defs[type].name ? &defs[type] : NULL;
}

void
l2tp_msg_init(struct l2tp_msg *m, enum l2tp_msg_type t)
{
	memset(m, 0, sizeof(*m));
	m->type = t;
	if (t != L2TP_MSG_ZLB) {
		m->type_mandatory = true;
		l2tp_msg_set(m, L2TP_AVP_MSG_TYPE);
	}
}

const char *
l2tp_msg_type_name(unsigned int t)
{
	static _Thread_local char buf[32];

	if (t < L2TP_MSG_TYPE_MAX && type_names[t])
		return type_names[t];
	if (t & L2TP_MSG_VENDOR)
		snprintf(buf, sizeof(buf), "vendor type %u", t & 0xffff);
	else
		snprintf(buf, sizeof(buf), "type %u", t & 0xffff);
	return buf;
}

const char *
l2tp_avp_name(unsigned int t)
{
	static _Thread_local char buf[16];

	if (t <= UINT16_MAX && avp_def((uint16_t)t))
		return defs[t].name;
	snprintf(buf, sizeof(buf), "AVP %u", t);
	return buf;
}

/* ---- header and raw AVPs ---- */

int
l2tp_hdr_parse(const uint8_t *msg, size_t len, struct l2tp_msg *m)
{
	uint16_t length;

	if (len < L2TP_CTRL_HDR_LEN || (be16(msg) & HDR_CHECKED) != L2TP_CTRL_FLAGS)
		return -1;
	length = be16(msg + 2);
	if (length < L2TP_CTRL_HDR_LEN || length > len || length > L2TP_CTRL_MAX_LEN)
		return -1;
	memset(m, 0, sizeof(*m));
	m->length = length;
	m->ccid = be32(msg + 4);
	m->ns = be16(msg + 8);
	m->nr = be16(msg + 10);
	return 0;
}

void
l2tp_hdr_set_seq(uint8_t *msg, uint16_t ns, uint16_t nr)
{
	put16(msg + 8, ns);
	put16(msg + 10, nr);
}

void
l2tp_avp_iter_init(struct l2tp_avp_iter *it, const uint8_t *msg, size_t len)
{
	size_t end = len;

	/* the header's Length bounds the AVPs; a longer buffer (UDP
	 * padding) does not add any */
	if (len >= L2TP_CTRL_HDR_LEN && be16(msg + 2) <= len)
		end = be16(msg + 2);
	it->end = msg + end;
	it->p = end >= L2TP_CTRL_HDR_LEN ? msg + L2TP_CTRL_HDR_LEN : it->end;
}

int
l2tp_avp_next(struct l2tp_avp_iter *it, struct l2tp_avp *a)
{
	size_t left = (size_t)(it->end - it->p), len;
	uint16_t w;

	if (left == 0)
		return 0;
	if (left < L2TP_AVP_HDR_LEN)
		return -1;
	w = be16(it->p);
	len = w & AVP_LEN;
	if (len < L2TP_AVP_HDR_LEN || len > left)
		return -1;
	a->mandatory = w & AVP_M;
	a->hidden = w & AVP_H;
	a->length = (uint16_t)len;
	a->vendor = be16(it->p + 2);
	a->type = be16(it->p + 4);
	a->value = it->p + L2TP_AVP_HDR_LEN;
	a->value_len = (uint16_t)(len - L2TP_AVP_HDR_LEN);
	/*
	 * Figure 5.2: a 32-bit Vendor ID, then the vendor's attribute type
	 * and value. A hidden one cannot be opened here, and one that claims
	 * vendor 0 would pass for an IETF AVP, which it is not: both stay
	 * as type 58, which nobody recognises.
	 */
	if (a->vendor == 0 && a->type == L2TP_AVP_EXT_VENDOR && !a->hidden && a->value_len >= 6 &&
	    be32(a->value) != 0) {
		a->vendor = be32(a->value);
		a->type = be16(a->value + 4);
		a->value += 6;
		a->value_len -= 6;
	}
	it->p += len;
	return 1;
}

/* ---- values ---- */

/* A US-ASCII string AVP into a NUL-terminated field of
 * L2TP_NAME_MAX + 1: a NUL inside could not be told from the end. */
static bool
parse_name(char *dst, const uint8_t *v, size_t n)
{
	if (n > L2TP_NAME_MAX || memchr(v, 0, n) != NULL)
		return false;
	memcpy(dst, v, n);
	dst[n] = '\0';
	return true;
}

/* The Remote Session ID is 0 when the peer's is not known yet: in the
 * requests, and in a CDN, WEN or SLI sent before the reply (§5.4.4). */
static bool
remote_sid_zero_ok(uint32_t msg_type)
{
	return type_bit(msg_type) & (T(ICRQ) | T(OCRQ) | T(CDN) | T(WEN) | T(SLI));
}

/*
 * An AVP's value (unhidden) into m: false, with m unchanged, if it is
 * malformed or out of range, which §7.1 treats like an unrecognised AVP.
 * The ranges are §5.4's; where the RFC leaves a length open, the limit is
 * what m can hold.
 */
static bool
parse_value(struct l2tp_msg *m, uint32_t msg_type, uint16_t type, const uint8_t *v, size_t n)
{
	switch (type) {
	case L2TP_AVP_RESULT_CODE:
		/* Result, [Error, [Message]] (§5.4.2) */
		if (n != 2 && n < 4)
			return false;
		m->result = be16(v);
		m->has_error = n >= 4;
		m->error = n >= 4 ? be16(v + 2) : 0;
		m->errmsg_len =
			n > 4 ? (uint16_t)(n - 4 < L2TP_ERRMSG_MAX ? n - 4 : L2TP_ERRMSG_MAX) : 0;
		memcpy(m->errmsg, v + 4, m->errmsg_len);
		m->errmsg[m->errmsg_len] = '\0';
		return true;
	case L2TP_AVP_TIE_BREAKER:
		if (n != sizeof(m->tie_breaker))
			return false;
		memcpy(m->tie_breaker, v, n);
		return true;
	case L2TP_AVP_HOST_NAME:
		/* "MUST be at least 1 octet" (§5.4.3) */
		return n >= 1 && parse_name(m->host_name, v, n);
	case L2TP_AVP_VENDOR_NAME:
		return parse_name(m->vendor_name, v, n);
	case L2TP_AVP_PREF_LANG:
		return parse_name(m->pref_lang, v, n);
	case L2TP_AVP_RECV_WINDOW:
		/* a window of 0 would never let the peer send */
		if (n != 2 || be16(v) == 0)
			return false;
		m->recv_window = be16(v);
		return true;
	case L2TP_AVP_SERIAL:
		if (n != 4)
			return false;
		m->serial = be32(v);
		return true;
	case L2TP_AVP_PHYS_CHANNEL:
		if (n != 4)
			return false;
		m->phys_channel = be32(v);
		return true;
	case L2TP_AVP_CIRCUIT_ERRORS:
		/*
		 * Figure of §5.4.5: Reserved(2) and four counters, 18 octets.
		 * Its text says "Length ... is 32", RFC 2661's Call Errors
		 * size, whose CRC and framing counters come before these four:
		 * accept that layout too.
		 */
		if (n != 18 && n != 26)
			return false;
		for (unsigned int i = 0; i < 4; i++)
			m->circuit_errors[i] = be32(v + n - 16 + 4 * i);
		return true;
	case L2TP_AVP_RANDOM_VECTOR:
		/* any length: it only feeds the hiding hash */
		return true;
	case L2TP_AVP_DIGEST: {
		size_t dlen = n >= 1 ? l2tp_digest_len(v[0]) : 0;

		if (dlen == 0 || n != 1 + dlen || m->n_digests >= 2)
			return false;
		m->digest_type[m->n_digests] = v[0];
		memcpy(m->digest[m->n_digests], v + 1, dlen);
		m->n_digests++;
		return true;
	}
	case L2TP_AVP_ROUTER_ID:
		if (n != 4)
			return false;
		m->router_id = be32(v);
		return true;
	case L2TP_AVP_ASSIGNED_CCID:
		/* "the zero value MUST NOT be sent" (§5.4.3) */
		if (n != 4 || be32(v) == 0)
			return false;
		m->assigned_ccid = be32(v);
		return true;
	case L2TP_AVP_PW_CAPS:
		if (n < 2 || n % 2 || n / 2 > L2TP_PW_CAPS_MAX)
			return false;
		m->n_pw_caps = (unsigned int)(n / 2);
		for (unsigned int i = 0; i < m->n_pw_caps; i++)
			m->pw_caps[i] = be16(v + 2 * i);
		return true;
	case L2TP_AVP_LOCAL_SID:
		if (n != 4 || be32(v) == 0)
			return false;
		m->local_sid = be32(v);
		return true;
	case L2TP_AVP_REMOTE_SID:
		if (n != 4 || (be32(v) == 0 && !remote_sid_zero_ok(msg_type)))
			return false;
		m->remote_sid = be32(v);
		return true;
	case L2TP_AVP_COOKIE:
		if (n != 0 && n != 4 && n != 8)
			return false;
		m->cookie_len = (uint8_t)n;
		memcpy(m->cookie, v, n);
		return true;
	case L2TP_AVP_REMOTE_END_ID:
		if (n > L2TP_END_ID_MAX)
			return false;
		m->end_id_len = (uint16_t)n;
		memcpy(m->end_id, v, n);
		return true;
	case L2TP_AVP_PW_TYPE:
		if (n != 2)
			return false;
		m->pw_type = be16(v);
		return true;
	case L2TP_AVP_L2SS:
		/* other sublayers than 0 and 1 belong to other PW types:
		 * the caller refuses what it cannot do */
		if (n != 2)
			return false;
		m->l2ss = be16(v);
		return true;
	case L2TP_AVP_DATA_SEQ:
		if (n != 2 || be16(v) > L2TP_SEQ_ALL)
			return false;
		m->data_seq = be16(v);
		return true;
	case L2TP_AVP_CIRCUIT_STATUS:
		/* reserved bits kept: RFC 5641 gives them meaning */
		if (n != 2)
			return false;
		m->circuit_status = be16(v);
		return true;
	case L2TP_AVP_NONCE:
		/* an empty nonce holds no randomness (§5.4.1 "MUST contain a
		 * cryptographically random value") */
		if (n < 1 || n > L2TP_NONCE_MAX)
			return false;
		m->nonce_len = (uint16_t)n;
		memcpy(m->nonce, v, n);
		return true;
	case L2TP_AVP_TX_SPEED:
		if (n != 8)
			return false;
		m->tx_speed = be64(v);
		return true;
	case L2TP_AVP_RX_SPEED:
		if (n != 8)
			return false;
		m->rx_speed = be64(v);
		return true;
	}
	return false;
}

/* ---- decoding ---- */

struct dec {
	const struct l2tp_hide_key *hk;
	const uint8_t *rv; /* the last Random Vector so far, or NULL */
	size_t rv_len;
};

/* §5.2 and §7.1: an AVP not recognised, or malformed, matters only by
 * its M bit. */
static enum l2tp_dec
unrecognised(struct l2tp_msg *m, uint16_t type, uint32_t vendor, bool mandatory)
{
	if (!mandatory)
		return L2TP_DEC_OK;
	m->bad_avp_type = type;
	m->bad_avp_vendor = vendor;
	return L2TP_DEC_BAD_MANDATORY_AVP;
}

static enum l2tp_dec
take(struct dec *d, struct l2tp_msg *m, const struct l2tp_avp *a, unsigned int idx)
{
	const struct avp_def *def = a->vendor == 0 ? avp_def(a->type) : NULL;
	uint8_t plain[HIDDEN_MAX];
	const uint8_t *v = a->value;
	size_t n = a->value_len;
	int r;

	if (def == NULL || !(def->msgs & type_bit(m->type)))
		return unrecognised(m, a->type, a->vendor, a->mandatory);
	/* the digests sit right after the Message Type, the second right
	 * after the first (§5.4.1); anywhere else they are malformed */
	if (a->type == L2TP_AVP_DIGEST && idx != m->n_digests + 1)
		return unrecognised(m, a->type, a->vendor, a->mandatory);
	if (a->hidden) {
		/* §5.3: hidden only with a secret, and after a Random
		 * Vector; an AVP that "MUST NOT be hidden" is malformed */
		if (!def->hide || d->hk == NULL || d->rv == NULL)
			return unrecognised(m, a->type, a->vendor, a->mandatory);
		r = l2tp_unhide(d->hk, a->type, d->rv, d->rv_len, a->value, a->value_len, plain,
				sizeof(plain));
		if (r < 0)
			return unrecognised(m, a->type, a->vendor, a->mandatory);
		v = plain;
		n = (size_t)r;
	}
	if (!parse_value(m, m->type, a->type, v, n))
		return unrecognised(m, a->type, a->vendor, a->mandatory);
	if (a->type == L2TP_AVP_RANDOM_VECTOR) {
		d->rv = a->value;
		d->rv_len = a->value_len;
	}
	l2tp_msg_set(m, a->type);
	return L2TP_DEC_OK;
}

/*
 * The AVP at it->p has a Length below 6 or beyond the message. With its
 * M bit clear it is ignored, and with it the rest of the message, since
 * nothing after it can be found. Fewer than 6 octets left is not an AVP
 * at all: the header's Length is wrong.
 */
static enum l2tp_dec
bad_framing(const struct l2tp_avp_iter *it, struct l2tp_msg *m)
{
	if (it->end - it->p < L2TP_AVP_HDR_LEN)
		return L2TP_DEC_BAD_HEADER;
	return unrecognised(m, be16(it->p + 4), be16(it->p + 2), be16(it->p) & AVP_M);
}

enum l2tp_dec
l2tp_msg_decode(const uint8_t *msg, size_t len, const struct l2tp_hide_key *hk, struct l2tp_msg *m)
{
	struct dec d = {.hk = hk};
	struct l2tp_avp_iter it;
	struct l2tp_avp a;
	enum l2tp_dec r;
	unsigned int idx;
	uint16_t t;
	int rc;

	if (l2tp_hdr_parse(msg, len, m) < 0)
		return L2TP_DEC_BAD_HEADER;
	if (m->length == L2TP_CTRL_HDR_LEN)
		return L2TP_DEC_OK; /* a ZLB */
	l2tp_avp_iter_init(&it, msg, m->length);
	/* the Message Type first (§5.4.1): an IETF one is 8 octets, never
	 * hidden; a vendor's (a Vendor ID other than 0) is its business */
	if (l2tp_avp_next(&it, &a) != 1 || a.type != L2TP_AVP_MSG_TYPE ||
	    (a.vendor == 0 && (a.hidden || a.value_len != 2)))
		return L2TP_DEC_BAD_HEADER;
	t = a.value_len >= 2 ? be16(a.value) : 0;
	m->type_mandatory = a.mandatory;
	if (a.vendor != 0 || !type_bit(t)) {
		m->type = (a.vendor != 0 ? L2TP_MSG_VENDOR : L2TP_MSG_UNKNOWN) | t;
		if (!a.mandatory)
			return L2TP_DEC_OK;
		m->bad_avp_type = L2TP_AVP_MSG_TYPE;
		m->bad_avp_vendor = a.vendor;
		return L2TP_DEC_UNKNOWN_TYPE;
	}
	m->type = t;
	l2tp_msg_set(m, L2TP_AVP_MSG_TYPE);
	for (idx = 1; (rc = l2tp_avp_next(&it, &a)) == 1; idx++) {
		r = take(&d, m, &a, idx);
		if (r != L2TP_DEC_OK)
			return r;
	}
	return rc < 0 ? bad_framing(&it, m) : L2TP_DEC_OK;
}

int
l2tp_msg_missing(const struct l2tp_msg *m)
{
	/* §6, in the order each section lists them */
	static const uint8_t cc[] = {L2TP_AVP_HOST_NAME, L2TP_AVP_ROUTER_ID, L2TP_AVP_ASSIGNED_CCID,
				     L2TP_AVP_PW_CAPS, 0};
	static const uint8_t stop[] = {L2TP_AVP_RESULT_CODE, 0};
	static const uint8_t rq[] = {L2TP_AVP_LOCAL_SID,
				     L2TP_AVP_REMOTE_SID,
				     L2TP_AVP_SERIAL,
				     L2TP_AVP_PW_TYPE,
				     L2TP_AVP_REMOTE_END_ID,
				     L2TP_AVP_CIRCUIT_STATUS,
				     0};
	static const uint8_t rp[] = {L2TP_AVP_LOCAL_SID, L2TP_AVP_REMOTE_SID,
				     L2TP_AVP_CIRCUIT_STATUS, 0};
	static const uint8_t cn[] = {L2TP_AVP_LOCAL_SID, L2TP_AVP_REMOTE_SID, 0};
	static const uint8_t cdn[] = {L2TP_AVP_RESULT_CODE, L2TP_AVP_LOCAL_SID, L2TP_AVP_REMOTE_SID,
				      0};
	static const uint8_t wen[] = {L2TP_AVP_LOCAL_SID, L2TP_AVP_REMOTE_SID,
				      L2TP_AVP_CIRCUIT_ERRORS, 0};
	const uint8_t *req;
	bool request = false;

	switch (m->type) {
	case L2TP_MSG_SCCRQ:
	case L2TP_MSG_SCCRP:
		req = cc;
		break;
	case L2TP_MSG_STOPCCN:
		req = stop;
		break;
	case L2TP_MSG_ICRQ:
	case L2TP_MSG_OCRQ:
		req = rq;
		request = true;
		break;
	case L2TP_MSG_ICRP:
	case L2TP_MSG_OCRP:
		req = rp;
		break;
	case L2TP_MSG_ICCN:
	case L2TP_MSG_OCCN:
	case L2TP_MSG_SLI:
		req = cn;
		break;
	case L2TP_MSG_CDN:
		req = cdn;
		break;
	case L2TP_MSG_WEN:
		req = wen;
		break;
	default:
		return -1;
	}
	for (; *req; req++)
		if (!l2tp_msg_has(m, *req) ||
		    (request && *req == L2TP_AVP_REMOTE_SID && m->remote_sid != 0))
			return *req;
	return -1;
}

/* ---- encoding ---- */

struct enc {
	uint8_t *buf;
	size_t cap, len;
};

/* Room for an AVP with a value of vlen octets, its header written:
 * where the value goes, or NULL. */
static uint8_t *
put_avp(struct enc *e, bool mandatory, bool hidden, uint16_t type, size_t vlen)
{
	size_t len = L2TP_AVP_HDR_LEN + vlen;
	uint8_t *p = e->buf + e->len;

	if (len > L2TP_AVP_MAX_LEN || len > e->cap - e->len)
		return NULL;
	put16(p, (uint16_t)((mandatory ? AVP_M : 0) | (hidden ? AVP_H : 0) | len));
	put16(p + 2, 0);
	put16(p + 4, type);
	e->len += len;
	return p + L2TP_AVP_HDR_LEN;
}

static int
build_name(uint8_t *v, const char *s)
{
	size_t n = strnlen(s, L2TP_NAME_MAX + 1);

	if (n > L2TP_NAME_MAX)
		return -1;
	memcpy(v, s, n);
	return (int)n;
}

/* The value of AVP type from m, before any check of its range: its
 * length, or -1 if m's counts overrun their arrays. */
static int
build_value(const struct l2tp_msg *m, uint16_t type, uint8_t *v)
{
	unsigned int i;

	switch (type) {
	case L2TP_AVP_RESULT_CODE:
		if (m->errmsg_len > L2TP_ERRMSG_MAX || (m->errmsg_len && !m->has_error))
			return -1;
		put16(v, m->result);
		if (!m->has_error)
			return 2;
		put16(v + 2, m->error);
		memcpy(v + 4, m->errmsg, m->errmsg_len);
		return 4 + m->errmsg_len;
	case L2TP_AVP_TIE_BREAKER:
		memcpy(v, m->tie_breaker, sizeof(m->tie_breaker));
		return sizeof(m->tie_breaker);
	case L2TP_AVP_HOST_NAME:
		return build_name(v, m->host_name);
	case L2TP_AVP_VENDOR_NAME:
		return build_name(v, m->vendor_name);
	case L2TP_AVP_PREF_LANG:
		return build_name(v, m->pref_lang);
	case L2TP_AVP_RECV_WINDOW:
		put16(v, m->recv_window);
		return 2;
	case L2TP_AVP_SERIAL:
		put32(v, m->serial);
		return 4;
	case L2TP_AVP_PHYS_CHANNEL:
		put32(v, m->phys_channel);
		return 4;
	case L2TP_AVP_CIRCUIT_ERRORS:
		put16(v, 0);
		for (i = 0; i < 4; i++)
			put32(v + 2 + 4 * i, m->circuit_errors[i]);
		return 18;
	case L2TP_AVP_ROUTER_ID:
		put32(v, m->router_id);
		return 4;
	case L2TP_AVP_ASSIGNED_CCID:
		put32(v, m->assigned_ccid);
		return 4;
	case L2TP_AVP_PW_CAPS:
		if (m->n_pw_caps > L2TP_PW_CAPS_MAX)
			return -1;
		for (i = 0; i < m->n_pw_caps; i++)
			put16(v + 2 * i, m->pw_caps[i]);
		return (int)(2 * m->n_pw_caps);
	case L2TP_AVP_LOCAL_SID:
		put32(v, m->local_sid);
		return 4;
	case L2TP_AVP_REMOTE_SID:
		put32(v, m->remote_sid);
		return 4;
	case L2TP_AVP_COOKIE:
		if (m->cookie_len > sizeof(m->cookie))
			return -1;
		memcpy(v, m->cookie, m->cookie_len);
		return m->cookie_len;
	case L2TP_AVP_REMOTE_END_ID:
		if (m->end_id_len > L2TP_END_ID_MAX)
			return -1;
		memcpy(v, m->end_id, m->end_id_len);
		return m->end_id_len;
	case L2TP_AVP_PW_TYPE:
		put16(v, m->pw_type);
		return 2;
	case L2TP_AVP_L2SS:
		put16(v, m->l2ss);
		return 2;
	case L2TP_AVP_DATA_SEQ:
		put16(v, m->data_seq);
		return 2;
	case L2TP_AVP_CIRCUIT_STATUS:
		put16(v, m->circuit_status);
		return 2;
	case L2TP_AVP_NONCE:
		if (m->nonce_len > L2TP_NONCE_MAX)
			return -1;
		memcpy(v, m->nonce, m->nonce_len);
		return m->nonce_len;
	case L2TP_AVP_TX_SPEED:
		put64(v, m->tx_speed);
		return 8;
	case L2TP_AVP_RX_SPEED:
		put64(v, m->rx_speed);
		return 8;
	}
	return -1;
}

/* AVPs whose presence in m is not what decides whether they are sent. */
static bool
from_opts(unsigned int type)
{
	return type == L2TP_AVP_MSG_TYPE || type == L2TP_AVP_RANDOM_VECTOR ||
	       type == L2TP_AVP_DIGEST;
}

static bool
bit(const uint64_t *map, unsigned int type)
{
	return map[type / 64] >> (type % 64) & 1;
}

/* The AVPs of m after the Message Type, digests and Random Vector. */
static int
encode_avps(const struct l2tp_msg *m, const struct l2tp_enc_opts *o, const uint8_t *rv,
	    struct enc *e)
{
	uint8_t v[HIDDEN_MAX], *p;
	struct l2tp_msg check;
	unsigned int t;
	bool hide;
	int n, hn;

	for (t = 0; t < L2TP_AVP_TYPE_MAX; t++) {
		if (!l2tp_msg_has(m, t) || from_opts(t))
			continue;
		n = build_value(m, (uint16_t)t, v);
		/* whatever decoding would refuse is not sent */
		if (n < 0 || !parse_value(&check, m->type, (uint16_t)t, v, (size_t)n))
			return -1;
		hide = rv != NULL && defs[t].hide && bit(o->hide, t);
		if (!hide) {
			p = put_avp(e, defs[t].m, false, (uint16_t)t, (size_t)n);
			if (p == NULL)
				return -1;
			memcpy(p, v, (size_t)n);
			continue;
		}
		/* no padding beyond the 16-octet boundary: the lengths
		 * hidden here tell nothing worth the octets */
		hn = (int)((2 + (size_t)n + 15) / 16 * 16);
		p = put_avp(e, defs[t].m, true, (uint16_t)t, (size_t)hn);
		if (p == NULL || l2tp_hide(o->hk, (uint16_t)t, rv, L2TP_RANDOM_VECTOR, v, (size_t)n,
					   0, o->rand, p, (size_t)hn) != hn)
			return -1;
	}
	return 0;
}

int
l2tp_msg_encode(const struct l2tp_msg *m, const struct l2tp_enc_opts *o, uint8_t *buf, size_t cap,
		struct l2tp_enc_info *info)
{
	static const struct l2tp_enc_opts none;
	struct enc e = {buf, cap < L2TP_CTRL_MAX_LEN ? cap : L2TP_CTRL_MAX_LEN, L2TP_CTRL_HDR_LEN};
	uint8_t rv_buf[L2TP_RANDOM_VECTOR], *p;
	const uint8_t *rv = NULL;
	size_t dlen = 0;
	unsigned int t, i;

	if (o == NULL)
		o = &none;
	memset(info, 0, sizeof(*info));
	if (e.cap < L2TP_CTRL_HDR_LEN || o->n_digests > 2)
		return -1;
	if (m->type == L2TP_MSG_ZLB) {
		/* a ZLB has no AVP to carry a digest: never with
		 * authentication (§6.15) */
		if (o->n_digests)
			return -1;
		goto header;
	}
	if (!type_bit(m->type))
		return -1;
	if (o->n_digests) {
		dlen = l2tp_digest_len(o->digest_type);
		if (dlen == 0)
			return -1;
	}
	for (t = 0; t < L2TP_AVP_TYPE_MAX; t++) {
		if (!l2tp_msg_has(m, t) || from_opts(t))
			continue;
		if (t >= sizeof(defs) / sizeof(defs[0]) || !(defs[t].msgs & type_bit(m->type)))
			return -1;
		if (defs[t].hide && bit(o->hide, t))
			rv = rv_buf;
	}
	if (rv != NULL && o->hk == NULL)
		return -1;

	p = put_avp(&e, true, false, L2TP_AVP_MSG_TYPE, 2);
	if (p == NULL)
		return -1;
	put16(p, (uint16_t)m->type);
	for (i = 0; i < o->n_digests; i++) {
		/* zero until l2tp_auth_sign() fills it (§5.4.1) */
		p = put_avp(&e, true, false, L2TP_AVP_DIGEST, 1 + dlen);
		if (p == NULL)
			return -1;
		p[0] = o->digest_type;
		memset(p + 1, 0, dlen);
		info->digest_off[i] = (size_t)(p + 1 - buf);
	}
	if (rv != NULL) {
		/* §5.3: "MUST precede the first AVP having an H bit of 1" */
		(o->rand ? o->rand : l2tp_random)(rv_buf, sizeof(rv_buf));
		p = put_avp(&e, true, false, L2TP_AVP_RANDOM_VECTOR, sizeof(rv_buf));
		if (p == NULL)
			return -1;
		memcpy(p, rv_buf, sizeof(rv_buf));
	}
	if (encode_avps(m, o, rv, &e) < 0)
		return -1;
	info->n_digests = o->n_digests;
	info->digest_len = dlen;
header:
	put16(buf, L2TP_CTRL_FLAGS);
	put16(buf + 2, (uint16_t)e.len);
	put32(buf + 4, m->ccid);
	put16(buf + 8, m->ns);
	put16(buf + 10, m->nr);
	info->len = e.len;
	return 0;
}
