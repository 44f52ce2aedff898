/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The L2TPv3 control-message codec (l2tp_msg) and its authentication
 * (l2tp_auth):
 * - bytes, keys, digests and hidden values against vectors computed
 *   independently (tests/vectors/l2tp_msg_vectors.py: the messages laid
 *   out from RFC 3931 with struct.pack, the crypto with Python's hmac and
 *   hashlib), including a rollover with two digests;
 * - encode, decode and compare every message type with every AVP §6
 *   allows in it, clear and hidden, with 0, 1 or 2 digests of both types,
 *   checking each AVP's M and H bits against l2tpv3.md §1.5;
 * - every decoding error, with the M bit both ways (§5.2, §7.1), and
 *   every encoding refusal;
 * - l2tp_msg_missing() for each type (§6);
 * - tampered messages, wrong nonces and wrong secrets fail verification.
 *
 * The expectations (which AVPs each message allows, M bits, what may be
 * hidden) are written here again from l2tpv3.md rather than taken from
 * the codec, so that a wrong table in the codec shows.
 */
#include <stdio.h>
#include <string.h>

#include <CUnit/Basic.h>

#include "l2tp_auth.h"
#include "l2tp_msg.h"

/* ---- vectors: output of tests/vectors/l2tp_msg_vectors.py ---- */

/* HMAC_MD5("s3cret", 0x02) */
static const uint8_t key_digest[] = {
	0x01, 0x39, 0x05, 0x79, 0x1d, 0x8a, 0x6f, 0x7a,
	0x63, 0xe2, 0x2d, 0x7b, 0xa3, 0x8d, 0x80, 0x31,
};

/* HMAC_MD5("s3cret", 0x01) */
static const uint8_t key_hide[] = {
	0x7f, 0x8d, 0x63, 0x05, 0x41, 0x10, 0x42, 0x20,
	0xad, 0x5d, 0x52, 0x21, 0x53, 0x9b, 0x35, 0x39,
};

/* HMAC_MD5("", 0x02) */
static const uint8_t key_digest_empty[] = {
	0x7b, 0x60, 0x85, 0xfb, 0xf4, 0x59, 0x33, 0x67,
	0x0a, 0xbc, 0xb0, 0x7a, 0x27, 0xfc, 0xea, 0x5e,
};

/* HMAC_MD5("", 0x01) */
static const uint8_t key_hide_empty[] = {
	0xb4, 0x11, 0x53, 0xdc, 0x48, 0x51, 0x0a, 0xee,
	0xe0, 0x89, 0xee, 0x50, 0xd9, 0x57, 0x44, 0x34,
};

/* SCCRQ, HMAC-MD5 with "s3cret", no nonces */
static const uint8_t vec_sccrq[] = {
	0xc8, 0x03, 0x00, 0x97, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x80, 0x08,
	0x00, 0x00, 0x00, 0x00, 0x00, 0x01, 0x80, 0x17, 0x00, 0x00, 0x00, 0x3b, 0x00, 0xc4,
	0xe9, 0x23, 0x62, 0xc2, 0xfd, 0xa6, 0xf9, 0x51, 0xbe, 0x06, 0x84, 0x63, 0xb9, 0xdf,
	0x97, 0x80, 0x0e, 0x00, 0x00, 0x00, 0x05, 0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07,
	0x08, 0x80, 0x14, 0x00, 0x00, 0x00, 0x07, 0x6c, 0x63, 0x63, 0x65, 0x2d, 0x61, 0x2e,
	0x65, 0x78, 0x61, 0x6d, 0x70, 0x6c, 0x65, 0x00, 0x0e, 0x00, 0x00, 0x00, 0x08, 0x76,
	0x63, 0x73, 0x77, 0x69, 0x74, 0x63, 0x68, 0x80, 0x08, 0x00, 0x00, 0x00, 0x0a, 0x00,
	0x08, 0x80, 0x0a, 0x00, 0x00, 0x00, 0x3c, 0xc0, 0x00, 0x02, 0x01, 0x80, 0x0a, 0x00,
	0x00, 0x00, 0x3d, 0x11, 0x22, 0x33, 0x44, 0x80, 0x0a, 0x00, 0x00, 0x00, 0x3e, 0x00,
	0x05, 0x00, 0x04, 0x80, 0x16, 0x00, 0x00, 0x00, 0x49, 0x10, 0x11, 0x12, 0x13, 0x14,
	0x15, 0x16, 0x17, 0x18, 0x19, 0x1a, 0x1b, 0x1c, 0x1d, 0x1e, 0x1f,
};

/* SCCRP, HMAC-SHA-1 with "s3cret", nonces B + A */
static const uint8_t vec_sccrp[] = {
	0xc8, 0x03, 0x00, 0x7d, 0x11, 0x22, 0x33, 0x44, 0x00, 0x00, 0x00, 0x01, 0x80, 0x08,
	0x00, 0x00, 0x00, 0x00, 0x00, 0x02, 0x80, 0x1b, 0x00, 0x00, 0x00, 0x3b, 0x01, 0x49,
	0xdd, 0x9d, 0x94, 0x88, 0xaa, 0x19, 0x07, 0x0b, 0xa5, 0xf1, 0x7c, 0x35, 0x5b, 0x5f,
	0xfd, 0xb2, 0x8d, 0xd0, 0x42, 0x80, 0x0c, 0x00, 0x00, 0x00, 0x07, 0x6c, 0x63, 0x63,
	0x65, 0x2d, 0x62, 0x80, 0x08, 0x00, 0x00, 0x00, 0x0a, 0x00, 0x10, 0x80, 0x0a, 0x00,
	0x00, 0x00, 0x3c, 0xc0, 0x00, 0x02, 0x02, 0x80, 0x0a, 0x00, 0x00, 0x00, 0x3d, 0x55,
	0x66, 0x77, 0x88, 0x80, 0x08, 0x00, 0x00, 0x00, 0x3e, 0x00, 0x05, 0x00, 0x08, 0x00,
	0x00, 0x00, 0x48, 0x65, 0x6e, 0x80, 0x16, 0x00, 0x00, 0x00, 0x49, 0x20, 0x21, 0x22,
	0x23, 0x24, 0x25, 0x26, 0x27, 0x28, 0x29, 0x2a, 0x2b, 0x2c, 0x2d, 0x2e, 0x2f,
};

/* HELLO, two HMAC-MD5 digests (old-secret, new-secret), nonces A + B */
static const uint8_t vec_hello_rollover[] = {
	0xc8, 0x03, 0x00, 0x42, 0x55, 0x66, 0x77, 0x88, 0x00, 0x05, 0x00, 0x03, 0x80, 0x08,
	0x00, 0x00, 0x00, 0x00, 0x00, 0x06, 0x80, 0x17, 0x00, 0x00, 0x00, 0x3b, 0x00, 0xae,
	0x92, 0x1e, 0x8f, 0x02, 0xef, 0xdf, 0xe3, 0x10, 0x10, 0xb7, 0xb1, 0x7d, 0x7b, 0x15,
	0xba, 0x80, 0x17, 0x00, 0x00, 0x00, 0x3b, 0x00, 0x40, 0x58, 0x93, 0xf9, 0xfb, 0x9c,
	0xf7, 0xc3, 0x67, 0xc9, 0xde, 0xbd, 0x21, 0xf3, 0xb4, 0x38,
};

/* ICRQ, AVPs 15, 63, 64, 65, 66 hidden with "s3cret", HMAC-MD5, nonces A + B */
static const uint8_t vec_icrq_hidden[] = {
	0xc8, 0x03, 0x00, 0xdd, 0x55, 0x66, 0x77, 0x88, 0x00, 0x01, 0x00, 0x01, 0x80, 0x08, 0x00,
	0x00, 0x00, 0x00, 0x00, 0x0a, 0x80, 0x17, 0x00, 0x00, 0x00, 0x3b, 0x00, 0xea, 0x42, 0x7e,
	0x8c, 0x46, 0x1a, 0x70, 0xe1, 0xef, 0xcf, 0xe2, 0x42, 0xc1, 0xb9, 0x04, 0xa5, 0x80, 0x16,
	0x00, 0x00, 0x00, 0x24, 0x00, 0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07, 0x08, 0x09, 0x0a,
	0x0b, 0x0c, 0x0d, 0x0e, 0x0f, 0x80, 0x0e, 0x00, 0x00, 0x00, 0x05, 0x01, 0x02, 0x03, 0x04,
	0x05, 0x06, 0x07, 0x08, 0x40, 0x16, 0x00, 0x00, 0x00, 0x0f, 0xb5, 0xbf, 0x21, 0x35, 0x46,
	0x86, 0x65, 0x89, 0xde, 0xf4, 0x36, 0x31, 0x07, 0xf4, 0x05, 0xf0, 0xc0, 0x16, 0x00, 0x00,
	0x00, 0x3f, 0xed, 0xb7, 0x20, 0x69, 0x54, 0xfc, 0xec, 0xbc, 0x8e, 0xd4, 0x52, 0x3a, 0x5d,
	0x3f, 0x74, 0x38, 0xc0, 0x16, 0x00, 0x00, 0x00, 0x40, 0x4b, 0x86, 0xcc, 0xdf, 0x00, 0x47,
	0xa5, 0x87, 0x82, 0xb4, 0xe2, 0x5a, 0x29, 0x3f, 0x12, 0x07, 0xc0, 0x16, 0x00, 0x00, 0x00,
	0x41, 0x09, 0x19, 0xe1, 0xe0, 0x9e, 0x4c, 0x88, 0x56, 0x5f, 0xfa, 0xdd, 0x3a, 0xda, 0x79,
	0xb1, 0x1c, 0xc0, 0x26, 0x00, 0x00, 0x00, 0x42, 0x12, 0x3d, 0x71, 0xbd, 0x5f, 0x8a, 0xf9,
	0xfc, 0xe4, 0x43, 0x1e, 0xd8, 0x82, 0xbb, 0xac, 0x30, 0x73, 0x55, 0x9a, 0x4f, 0x50, 0xfa,
	0x87, 0x2b, 0x50, 0x06, 0x75, 0x8f, 0xff, 0x56, 0xb3, 0xd0, 0x80, 0x08, 0x00, 0x00, 0x00,
	0x44, 0x00, 0x05, 0x80, 0x08, 0x00, 0x00, 0x00, 0x47, 0x00, 0x03,
};

/* Vendor Name "vcswitch control plane" hidden with "s3cret", RV a0..af, padding b0.. */
static const uint8_t vec_hidden_vendor[] = {
	0xd1, 0xba, 0x55, 0x8a, 0x96, 0x3c, 0x6f, 0x50, 0xe9, 0xc2, 0x59,
	0xde, 0xe9, 0xc0, 0xf3, 0x30, 0x46, 0xef, 0x20, 0x08, 0xeb, 0x2c,
	0x3f, 0x00, 0xad, 0x0b, 0x5e, 0x70, 0x96, 0xe9, 0x04, 0x68,
};

/* ---- expectations from l2tpv3.md §1.5 and §1.6, written out again ---- */

/* What §6 lets each message carry besides 0, 36 and 59. */
static const struct {
	enum l2tp_msg_type type;
	uint8_t avps[16];
} allowed[] = {
	{L2TP_MSG_SCCRQ, {5, 7, 8, 10, 60, 61, 62, 72, 73}},
	{L2TP_MSG_SCCRP, {7, 8, 10, 60, 61, 62, 72, 73}},
	{L2TP_MSG_SCCCN, {0}},
	{L2TP_MSG_STOPCCN, {1, 61}},
	{L2TP_MSG_HELLO, {0}},
	{L2TP_MSG_OCRQ, {5, 15, 63, 64, 65, 66, 68, 69, 70, 71, 74, 75}},
	{L2TP_MSG_OCRP, {25, 63, 64, 65, 69, 70, 71, 74, 75}},
	{L2TP_MSG_OCCN, {63, 64, 69, 70, 71, 74, 75}},
	{L2TP_MSG_ICRQ, {5, 15, 25, 63, 64, 65, 66, 68, 69, 70, 71, 74, 75}},
	{L2TP_MSG_ICRP, {25, 63, 64, 65, 69, 70, 71, 74, 75}},
	{L2TP_MSG_ICCN, {63, 64, 69, 70, 71, 74, 75}},
	{L2TP_MSG_CDN, {1, 63, 64}},
	{L2TP_MSG_WEN, {34, 63, 64}},
	{L2TP_MSG_SLI, {63, 64, 71}},
	{L2TP_MSG_ACK, {0}},
};
#define N_TYPES (sizeof(allowed) / sizeof(allowed[0]))

/* §6's MUST lists, in its order, without the Message Type. */
static const struct {
	enum l2tp_msg_type type;
	uint8_t avps[8];
} required[] = {
	{L2TP_MSG_SCCRQ, {7, 60, 61, 62}},
	{L2TP_MSG_SCCRP, {7, 60, 61, 62}},
	{L2TP_MSG_SCCCN, {0}},
	{L2TP_MSG_STOPCCN, {1}},
	{L2TP_MSG_HELLO, {0}},
	{L2TP_MSG_OCRQ, {63, 64, 15, 68, 66, 71}},
	{L2TP_MSG_OCRP, {63, 64, 71}},
	{L2TP_MSG_OCCN, {63, 64}},
	{L2TP_MSG_ICRQ, {63, 64, 15, 68, 66, 71}},
	{L2TP_MSG_ICRP, {63, 64, 71}},
	{L2TP_MSG_ICCN, {63, 64}},
	{L2TP_MSG_CDN, {1, 63, 64}},
	{L2TP_MSG_WEN, {63, 64, 34}},
	{L2TP_MSG_SLI, {63, 64}},
	{L2TP_MSG_ACK, {0}},
};

/* M = 0 in the §1.5 table; every other AVP we send has M = 1. */
static bool
expect_m(unsigned int t)
{
	return !(t == 8 || t == 15 || t == 25 || t == 34 || t == 72 || t == 74 || t == 75);
}

/* "H?" yes in the §1.5 table. */
static bool
expect_hideable(unsigned int t)
{
	switch (t) {
	case 8:
	case 15:
	case 25:
	case 34:
	case 61:
	case 62:
	case 63:
	case 64:
	case 65:
	case 66:
	case 68:
	case 69:
	case 70:
	case 71:
	case 72:
	case 74:
	case 75:
		return true;
	}
	return false;
}

/* ---- helpers ---- */

static uint8_t ctr_next;

/* The vectors' "random" octets: a counter across calls. */
static void
ctr_rand(void *buf, size_t len)
{
	uint8_t *p = buf;

	while (len--)
		*p++ = ctr_next++;
}

static uint8_t nonce_a[16], nonce_b[16];

static void
init_nonces(void)
{
	for (unsigned int i = 0; i < 16; i++) {
		nonce_a[i] = (uint8_t)(0x10 + i);
		nonce_b[i] = (uint8_t)(0x20 + i);
	}
}

static uint16_t
rd16(const uint8_t *p)
{
	return (uint16_t)(p[0] << 8 | p[1]);
}

static void
hide_all(uint64_t *map)
{
	map[0] = map[1] = ~UINT64_C(0);
}

/* A raw message under construction: the header is written by fin(). */
struct wb {
	uint8_t b[L2TP_CTRL_MAX_LEN + 64];
	size_t n;
};

static void
wb_avp(struct wb *w, uint16_t flags, uint16_t vendor, uint16_t type, const void *v, size_t n)
{
	uint16_t f = (uint16_t)(flags | (6 + n));

	w->b[w->n++] = (uint8_t)(f >> 8);
	w->b[w->n++] = (uint8_t)f;
	w->b[w->n++] = (uint8_t)(vendor >> 8);
	w->b[w->n++] = (uint8_t)vendor;
	w->b[w->n++] = (uint8_t)(type >> 8);
	w->b[w->n++] = (uint8_t)type;
	if (n)
		memcpy(w->b + w->n, v, n);
	w->n += n;
}

static void
wb_avp16(struct wb *w, uint16_t flags, uint16_t type, uint16_t v)
{
	uint8_t b[2] = {(uint8_t)(v >> 8), (uint8_t)v};

	wb_avp(w, flags, 0, type, b, 2);
}

static void
wb_avp32(struct wb *w, uint16_t flags, uint16_t type, uint32_t v)
{
	uint8_t b[4] = {(uint8_t)(v >> 24), (uint8_t)(v >> 16), (uint8_t)(v >> 8), (uint8_t)v};

	wb_avp(w, flags, 0, type, b, 4);
}

#define M_BIT 0x8000
#define H_BIT 0x4000

/* A message of type t: header room and the Message Type AVP (M=1). */
static void
wb_start(struct wb *w, uint16_t t)
{
	memset(w, 0, sizeof(*w));
	w->n = L2TP_CTRL_HDR_LEN;
	wb_avp16(w, M_BIT, 0, t);
}

static size_t
wb_fin(struct wb *w)
{
	w->b[0] = 0xc8;
	w->b[1] = 0x03;
	w->b[2] = (uint8_t)(w->n >> 8);
	w->b[3] = (uint8_t)w->n;
	w->b[7] = 1; /* CCID 1 */
	return w->n;
}

/* Every field of AVP t set to a value that varies with seed. */
static void
set_avp(struct l2tp_msg *m, unsigned int t, unsigned int seed)
{
	unsigned int i;

	switch (t) {
	case L2TP_AVP_RESULT_CODE:
		m->result = (uint16_t)(2 + seed % 3);
		m->has_error = seed % 3 != 0;
		m->error = m->has_error ? L2TP_ERR_UNKNOWN_MANDATORY : 0;
		if (seed % 3 == 2) {
			m->errmsg_len = (uint16_t)snprintf(m->errmsg, sizeof(m->errmsg),
							   "unknown mandatory AVP %u", seed);
		}
		break;
	case L2TP_AVP_TIE_BREAKER:
		for (i = 0; i < 8; i++)
			m->tie_breaker[i] = (uint8_t)(seed * 7 + i);
		break;
	case L2TP_AVP_HOST_NAME:
		snprintf(m->host_name, sizeof(m->host_name), "lcce-%u.example.net", seed);
		break;
	case L2TP_AVP_VENDOR_NAME:
		snprintf(m->vendor_name, sizeof(m->vendor_name), "vcswitch %u", seed);
		break;
	case L2TP_AVP_RECV_WINDOW:
		m->recv_window = (uint16_t)(4 + seed);
		break;
	case L2TP_AVP_SERIAL:
		m->serial = 0x80000000u + seed;
		break;
	case L2TP_AVP_PHYS_CHANNEL:
		m->phys_channel = 0x01020304u * (seed + 1);
		break;
	case L2TP_AVP_CIRCUIT_ERRORS:
		for (i = 0; i < 4; i++)
			m->circuit_errors[i] = 0x10000000u * (i + 1) + seed;
		break;
	case L2TP_AVP_ROUTER_ID:
		m->router_id = 0xc0000200u + seed;
		break;
	case L2TP_AVP_ASSIGNED_CCID:
		m->assigned_ccid = 0xabcd0000u + seed + 1;
		break;
	case L2TP_AVP_PW_CAPS:
		m->n_pw_caps = 1 + seed % L2TP_PW_CAPS_MAX;
		for (i = 0; i < m->n_pw_caps; i++)
			m->pw_caps[i] = (uint16_t)(i + 1);
		break;
	case L2TP_AVP_LOCAL_SID:
		m->local_sid = 0x12340000u + seed + 1;
		break;
	case L2TP_AVP_REMOTE_SID:
		/* 0 where it must or may be, not yet known */
		m->remote_sid = m->type == L2TP_MSG_ICRQ || m->type == L2TP_MSG_OCRQ
					? 0
					: 0x56780000u + seed + 1;
		break;
	case L2TP_AVP_COOKIE:
		m->cookie_len = (uint8_t)(seed % 3 * 4);
		for (i = 0; i < m->cookie_len; i++)
			m->cookie[i] = (uint8_t)(0xc0 + i + seed);
		break;
	case L2TP_AVP_REMOTE_END_ID:
		m->end_id_len = (uint16_t)(1 + seed % L2TP_END_ID_MAX);
		for (i = 0; i < m->end_id_len; i++)
			m->end_id[i] = (uint8_t)(i * 3 + seed);
		break;
	case L2TP_AVP_PW_TYPE:
		m->pw_type = (uint16_t)(4 + seed % 2);
		break;
	case L2TP_AVP_L2SS:
		m->l2ss = (uint16_t)(seed % 2);
		break;
	case L2TP_AVP_DATA_SEQ:
		m->data_seq = (uint16_t)(seed % 3);
		break;
	case L2TP_AVP_CIRCUIT_STATUS:
		m->circuit_status = (uint16_t)(L2TP_CS_ACTIVE | (seed % 2 ? L2TP_CS_NEW : 0));
		break;
	case L2TP_AVP_PREF_LANG:
		snprintf(m->pref_lang, sizeof(m->pref_lang), "en-%u", seed);
		break;
	case L2TP_AVP_NONCE:
		m->nonce_len = (uint16_t)(L2TP_NONCE_MIN + seed % 200);
		for (i = 0; i < m->nonce_len; i++)
			m->nonce[i] = (uint8_t)(i ^ seed);
		break;
	case L2TP_AVP_TX_SPEED:
		m->tx_speed = UINT64_C(10000000000) * (seed + 1);
		break;
	case L2TP_AVP_RX_SPEED:
		m->rx_speed = UINT64_C(0x0102030405060708) + seed;
		break;
	default:
		CU_FAIL("set_avp: no such AVP");
		return;
	}
	l2tp_msg_set(m, t);
}

/* The message of type index ti with every AVP §6 allows in it. */
static void
fill_all(struct l2tp_msg *m, unsigned int ti, unsigned int seed)
{
	l2tp_msg_init(m, allowed[ti].type);
	m->ccid = 0x01000000u + seed;
	m->ns = (uint16_t)(seed * 3);
	m->nr = (uint16_t)(seed * 5 + 1);
	for (unsigned int i = 0; i < 16 && allowed[ti].avps[i]; i++)
		set_avp(m, allowed[ti].avps[i], seed);
}

/* a and b agree on the header, the type and every AVP either has, but
 * the Random Vector and the digests, which encoding options decide. */
static bool
msg_equal(const struct l2tp_msg *a, const struct l2tp_msg *b)
{
	uint64_t pa[2], pb[2];

	memcpy(pa, a->avps, sizeof(pa));
	memcpy(pb, b->avps, sizeof(pb));
	pa[0] &= ~(UINT64_C(1) << L2TP_AVP_RANDOM_VECTOR | UINT64_C(1) << L2TP_AVP_DIGEST);
	pb[0] &= ~(UINT64_C(1) << L2TP_AVP_RANDOM_VECTOR | UINT64_C(1) << L2TP_AVP_DIGEST);
	if (a->ccid != b->ccid || a->ns != b->ns || a->nr != b->nr || a->type != b->type ||
	    memcmp(pa, pb, sizeof(pa)) != 0)
		return false;
#define SAME(t, expr) (!l2tp_msg_has(a, (t)) || (expr))
	return SAME(1, a->result == b->result && a->has_error == b->has_error &&
			       a->error == b->error && a->errmsg_len == b->errmsg_len &&
			       memcmp(a->errmsg, b->errmsg, a->errmsg_len + 1) == 0) &&
	       SAME(5, memcmp(a->tie_breaker, b->tie_breaker, 8) == 0) &&
	       SAME(7, strcmp(a->host_name, b->host_name) == 0) &&
	       SAME(8, strcmp(a->vendor_name, b->vendor_name) == 0) &&
	       SAME(10, a->recv_window == b->recv_window) && SAME(15, a->serial == b->serial) &&
	       SAME(25, a->phys_channel == b->phys_channel) &&
	       SAME(34, memcmp(a->circuit_errors, b->circuit_errors, 16) == 0) &&
	       SAME(60, a->router_id == b->router_id) &&
	       SAME(61, a->assigned_ccid == b->assigned_ccid) &&
	       SAME(62, a->n_pw_caps == b->n_pw_caps &&
				memcmp(a->pw_caps, b->pw_caps, 2 * a->n_pw_caps) == 0) &&
	       SAME(63, a->local_sid == b->local_sid) && SAME(64, a->remote_sid == b->remote_sid) &&
	       SAME(65, a->cookie_len == b->cookie_len &&
				memcmp(a->cookie, b->cookie, a->cookie_len) == 0) &&
	       SAME(66, a->end_id_len == b->end_id_len &&
				memcmp(a->end_id, b->end_id, a->end_id_len) == 0) &&
	       SAME(68, a->pw_type == b->pw_type) && SAME(69, a->l2ss == b->l2ss) &&
	       SAME(70, a->data_seq == b->data_seq) &&
	       SAME(71, a->circuit_status == b->circuit_status) &&
	       SAME(72, strcmp(a->pref_lang, b->pref_lang) == 0) &&
	       SAME(73, a->nonce_len == b->nonce_len &&
				memcmp(a->nonce, b->nonce, a->nonce_len) == 0) &&
	       SAME(74, a->tx_speed == b->tx_speed) && SAME(75, a->rx_speed == b->rx_speed);
#undef SAME
}

/* ---- keys, digests and hiding against the vectors ---- */

static void
test_keys(void)
{
	struct l2tp_secret s;

	CU_ASSERT_EQUAL_FATAL(l2tp_secret_init(&s, "s3cret", 6), 0);
	CU_ASSERT_EQUAL(memcmp(s.digest_key, key_digest, 16), 0);
	CU_ASSERT_EQUAL(memcmp(s.hide.key, key_hide, 16), 0);
	CU_ASSERT_EQUAL_FATAL(l2tp_secret_init(&s, NULL, 0), 0);
	CU_ASSERT_EQUAL(memcmp(s.digest_key, key_digest_empty, 16), 0);
	CU_ASSERT_EQUAL(memcmp(s.hide.key, key_hide_empty, 16), 0);
	CU_ASSERT_EQUAL(l2tp_secret_init(&s, "x", L2TP_SECRET_MAX + 1), -1);
	CU_ASSERT_EQUAL(l2tp_secret_init(&s, NULL, 1), -1);
	CU_ASSERT_EQUAL(l2tp_digest_len(L2TP_DIGEST_MD5), 16);
	CU_ASSERT_EQUAL(l2tp_digest_len(L2TP_DIGEST_SHA1), 20);
	CU_ASSERT_EQUAL(l2tp_digest_len(2), 0);
}

/* Encode m as the vector's sender did, sign it, compare with vec. */
static void
check_vector(const struct l2tp_msg *m, const struct l2tp_enc_opts *o,
	     const struct l2tp_secret *const secrets[], const struct l2tp_nonces *n,
	     const uint8_t *vec, size_t vec_len)
{
	struct l2tp_enc_info info;
	uint8_t buf[L2TP_CTRL_MAX_LEN];

	ctr_next = 0;
	CU_ASSERT_EQUAL_FATAL(l2tp_msg_encode(m, o, buf, sizeof(buf), &info), 0);
	CU_ASSERT_EQUAL_FATAL(info.len, vec_len);
	CU_ASSERT_EQUAL(info.n_digests, o->n_digests);
	for (unsigned int i = 0; i < info.n_digests; i++) {
		/* reserved as zeros, right after Message Type (8) and the
		 * previous digests, past the AVP header and Digest Type */
		CU_ASSERT_EQUAL(info.digest_off[i],
				L2TP_CTRL_HDR_LEN + 8 + i * (7 + info.digest_len) + 7);
		for (size_t j = 0; j < info.digest_len; j++)
			CU_ASSERT_EQUAL(buf[info.digest_off[i] + j], 0);
		memcpy(buf + info.digest_off[i], vec + info.digest_off[i], info.digest_len);
	}
	/* everything but the digest values, before signing */
	CU_ASSERT_EQUAL(memcmp(buf, vec, vec_len), 0);
	for (unsigned int i = 0; i < info.n_digests; i++)
		memset(buf + info.digest_off[i], 0, info.digest_len);
	l2tp_auth_sign(buf, &info, o->digest_type, secrets, n);
	CU_ASSERT_EQUAL(memcmp(buf, vec, vec_len), 0);
}

static void
test_vector_sccrq(void)
{
	struct l2tp_enc_opts o = {.n_digests = 1, .digest_type = L2TP_DIGEST_MD5};
	const struct l2tp_nonces none = {0};
	struct l2tp_secret s, other;
	const struct l2tp_secret *ss[] = {&s};
	struct l2tp_msg m, d;

	l2tp_secret_init(&s, "s3cret", 6);
	l2tp_secret_init(&other, "s3cret!", 7);
	l2tp_msg_init(&m, L2TP_MSG_SCCRQ);
	memcpy(m.tie_breaker, "\x01\x02\x03\x04\x05\x06\x07\x08", 8);
	l2tp_msg_set(&m, L2TP_AVP_TIE_BREAKER);
	strcpy(m.host_name, "lcce-a.example");
	l2tp_msg_set(&m, L2TP_AVP_HOST_NAME);
	strcpy(m.vendor_name, "vcswitch");
	l2tp_msg_set(&m, L2TP_AVP_VENDOR_NAME);
	m.recv_window = 8;
	l2tp_msg_set(&m, L2TP_AVP_RECV_WINDOW);
	m.router_id = 0xc0000201;
	l2tp_msg_set(&m, L2TP_AVP_ROUTER_ID);
	m.assigned_ccid = 0x11223344;
	l2tp_msg_set(&m, L2TP_AVP_ASSIGNED_CCID);
	m.n_pw_caps = 2;
	m.pw_caps[0] = 5;
	m.pw_caps[1] = 4;
	l2tp_msg_set(&m, L2TP_AVP_PW_CAPS);
	m.nonce_len = 16;
	memcpy(m.nonce, nonce_a, 16);
	l2tp_msg_set(&m, L2TP_AVP_NONCE);
	check_vector(&m, &o, ss, &none, vec_sccrq, sizeof(vec_sccrq));
	/* a NULL nonce set is the same as an empty one */
	check_vector(&m, &o, ss, NULL, vec_sccrq, sizeof(vec_sccrq));

	CU_ASSERT_EQUAL(l2tp_auth_verify(vec_sccrq, sizeof(vec_sccrq), &s, 1, &none), 0);
	CU_ASSERT_EQUAL(l2tp_auth_verify(vec_sccrq, sizeof(vec_sccrq), &other, 1, &none), -1);
	CU_ASSERT_EQUAL_FATAL(l2tp_msg_decode(vec_sccrq, sizeof(vec_sccrq), NULL, &d), L2TP_DEC_OK);
	CU_ASSERT_TRUE(msg_equal(&d, &m));
	CU_ASSERT_EQUAL(d.length, sizeof(vec_sccrq));
	CU_ASSERT_EQUAL(d.n_digests, 1);
	CU_ASSERT_EQUAL(d.digest_type[0], L2TP_DIGEST_MD5);
	CU_ASSERT_EQUAL(memcmp(d.digest[0], vec_sccrq + 27, 16), 0);
	CU_ASSERT_TRUE(d.type_mandatory);
	CU_ASSERT_EQUAL(l2tp_msg_missing(&d), -1);
}

static void
test_vector_sccrp(void)
{
	struct l2tp_enc_opts o = {.n_digests = 1, .digest_type = L2TP_DIGEST_SHA1};
	const struct l2tp_nonces from_b = {nonce_b, 16, nonce_a, 16};
	const struct l2tp_nonces swapped = {nonce_a, 16, nonce_b, 16};
	struct l2tp_secret s;
	const struct l2tp_secret *ss[] = {&s};
	struct l2tp_msg m, d;

	l2tp_secret_init(&s, "s3cret", 6);
	l2tp_msg_init(&m, L2TP_MSG_SCCRP);
	m.ccid = 0x11223344;
	m.nr = 1;
	strcpy(m.host_name, "lcce-b");
	l2tp_msg_set(&m, L2TP_AVP_HOST_NAME);
	m.recv_window = 16;
	l2tp_msg_set(&m, L2TP_AVP_RECV_WINDOW);
	m.router_id = 0xc0000202;
	l2tp_msg_set(&m, L2TP_AVP_ROUTER_ID);
	m.assigned_ccid = 0x55667788;
	l2tp_msg_set(&m, L2TP_AVP_ASSIGNED_CCID);
	m.n_pw_caps = 1;
	m.pw_caps[0] = 5;
	l2tp_msg_set(&m, L2TP_AVP_PW_CAPS);
	strcpy(m.pref_lang, "en");
	l2tp_msg_set(&m, L2TP_AVP_PREF_LANG);
	m.nonce_len = 16;
	memcpy(m.nonce, nonce_b, 16);
	l2tp_msg_set(&m, L2TP_AVP_NONCE);
	check_vector(&m, &o, ss, &from_b, vec_sccrp, sizeof(vec_sccrp));

	/* A receives it: the sender's (B's) nonce first (§5.4.1) */
	CU_ASSERT_EQUAL(l2tp_auth_verify(vec_sccrp, sizeof(vec_sccrp), &s, 1, &from_b), 0);
	CU_ASSERT_EQUAL(l2tp_auth_verify(vec_sccrp, sizeof(vec_sccrp), &s, 1, &swapped), -1);
	CU_ASSERT_EQUAL(l2tp_auth_verify(vec_sccrp, sizeof(vec_sccrp), &s, 1, NULL), -1);
	CU_ASSERT_EQUAL_FATAL(l2tp_msg_decode(vec_sccrp, sizeof(vec_sccrp), NULL, &d), L2TP_DEC_OK);
	CU_ASSERT_TRUE(msg_equal(&d, &m));
	CU_ASSERT_EQUAL(d.digest_type[0], L2TP_DIGEST_SHA1);
	CU_ASSERT_EQUAL(memcmp(d.digest[0], vec_sccrp + 27, 20), 0);
}

static void
test_vector_rollover(void)
{
	struct l2tp_enc_opts o = {.n_digests = 2, .digest_type = L2TP_DIGEST_MD5};
	const struct l2tp_nonces from_a = {nonce_a, 16, nonce_b, 16};
	struct l2tp_secret old, new, other, set[3];
	const struct l2tp_secret *ss[] = {&old, &new};
	struct l2tp_msg m, d;

	l2tp_secret_init(&old, "old-secret", 10);
	l2tp_secret_init(&new, "new-secret", 10);
	l2tp_secret_init(&other, "other", 5);
	l2tp_msg_init(&m, L2TP_MSG_HELLO);
	m.ccid = 0x55667788;
	m.ns = 5;
	m.nr = 3;
	check_vector(&m, &o, ss, &from_a, vec_hello_rollover, sizeof(vec_hello_rollover));

	/* either secret verifies, and the index says which */
	set[0] = old;
	CU_ASSERT_EQUAL(
		l2tp_auth_verify(vec_hello_rollover, sizeof(vec_hello_rollover), set, 1, &from_a),
		0);
	set[0] = new;
	CU_ASSERT_EQUAL(
		l2tp_auth_verify(vec_hello_rollover, sizeof(vec_hello_rollover), set, 1, &from_a),
		0);
	set[0] = other;
	set[1] = new;
	CU_ASSERT_EQUAL(
		l2tp_auth_verify(vec_hello_rollover, sizeof(vec_hello_rollover), set, 2, &from_a),
		1);
	set[1] = other;
	set[2] = old;
	CU_ASSERT_EQUAL(
		l2tp_auth_verify(vec_hello_rollover, sizeof(vec_hello_rollover), set, 3, &from_a),
		2);
	CU_ASSERT_EQUAL(
		l2tp_auth_verify(vec_hello_rollover, sizeof(vec_hello_rollover), set, 2, &from_a),
		-1);
	CU_ASSERT_EQUAL(
		l2tp_auth_verify(vec_hello_rollover, sizeof(vec_hello_rollover), set, 0, &from_a),
		-1);
	CU_ASSERT_EQUAL_FATAL(
		l2tp_msg_decode(vec_hello_rollover, sizeof(vec_hello_rollover), NULL, &d),
		L2TP_DEC_OK);
	CU_ASSERT_EQUAL(d.n_digests, 2);
	CU_ASSERT_EQUAL(memcmp(d.digest[1], vec_hello_rollover + 50, 16), 0);
}

static void
test_vector_hidden(void)
{
	struct l2tp_enc_opts o = {.n_digests = 1, .digest_type = L2TP_DIGEST_MD5, .rand = ctr_rand};
	const struct l2tp_nonces from_a = {nonce_a, 16, nonce_b, 16};
	struct l2tp_secret s, other;
	const struct l2tp_secret *ss[] = {&s};
	struct l2tp_msg m, d;
	const unsigned int hide[] = {5, 15, 63, 64, 65, 66};

	l2tp_secret_init(&s, "s3cret", 6);
	l2tp_secret_init(&other, "other", 5);
	o.hk = &s.hide;
	for (unsigned int i = 0; i < 6; i++)
		o.hide[hide[i] / 64] |= UINT64_C(1) << (hide[i] % 64);
	l2tp_msg_init(&m, L2TP_MSG_ICRQ);
	m.ccid = 0x55667788;
	m.ns = 1;
	m.nr = 1;
	memcpy(m.tie_breaker, "\x01\x02\x03\x04\x05\x06\x07\x08", 8);
	l2tp_msg_set(&m, L2TP_AVP_TIE_BREAKER);
	m.serial = 42;
	l2tp_msg_set(&m, L2TP_AVP_SERIAL);
	m.local_sid = 0x0a0b0c0d;
	l2tp_msg_set(&m, L2TP_AVP_LOCAL_SID);
	m.remote_sid = 0;
	l2tp_msg_set(&m, L2TP_AVP_REMOTE_SID);
	m.cookie_len = 8;
	memcpy(m.cookie, "\xde\xad\xbe\xef\xca\xfe\xba\xbe", 8);
	l2tp_msg_set(&m, L2TP_AVP_COOKIE);
	m.end_id_len = 20;
	memcpy(m.end_id, "pw-circuit-0001-long", 20);
	l2tp_msg_set(&m, L2TP_AVP_REMOTE_END_ID);
	m.pw_type = 5;
	l2tp_msg_set(&m, L2TP_AVP_PW_TYPE);
	m.circuit_status = L2TP_CS_ACTIVE | L2TP_CS_NEW;
	l2tp_msg_set(&m, L2TP_AVP_CIRCUIT_STATUS);
	check_vector(&m, &o, ss, &from_a, vec_icrq_hidden, sizeof(vec_icrq_hidden));

	CU_ASSERT_EQUAL(l2tp_auth_verify(vec_icrq_hidden, sizeof(vec_icrq_hidden), &s, 1, &from_a),
			0);
	CU_ASSERT_EQUAL_FATAL(
		l2tp_msg_decode(vec_icrq_hidden, sizeof(vec_icrq_hidden), &s.hide, &d),
		L2TP_DEC_OK);
	CU_ASSERT_TRUE(msg_equal(&d, &m));
	CU_ASSERT_TRUE(l2tp_msg_has(&d, L2TP_AVP_RANDOM_VECTOR));
	CU_ASSERT_EQUAL(l2tp_msg_missing(&d), -1);
	/* without the key: the hidden Serial Number (M=0) is ignored, the
	 * hidden Local Session ID (M=1) is fatal (§5.3, §7.1) */
	CU_ASSERT_EQUAL(l2tp_msg_decode(vec_icrq_hidden, sizeof(vec_icrq_hidden), NULL, &d),
			L2TP_DEC_BAD_MANDATORY_AVP);
	CU_ASSERT_EQUAL(d.bad_avp_type, L2TP_AVP_LOCAL_SID);
	CU_ASSERT_EQUAL(d.bad_avp_vendor, 0);
	CU_ASSERT_FALSE(l2tp_msg_has(&d, L2TP_AVP_SERIAL));
	/* with the wrong key, the lengths inside come out wrong or the
	 * values out of range: never accepted as they were sent */
	if (l2tp_msg_decode(vec_icrq_hidden, sizeof(vec_icrq_hidden), &other.hide, &d) ==
	    L2TP_DEC_OK)
		CU_ASSERT_FALSE(msg_equal(&d, &m));
}

static void
test_hide_chain(void)
{
	static const char value[] = "vcswitch control plane";
	struct l2tp_secret s;
	uint8_t rv[16], out[64], back[64];
	int n;

	l2tp_secret_init(&s, "s3cret", 6);
	for (unsigned int i = 0; i < 16; i++)
		rv[i] = (uint8_t)(0xa0 + i);
	ctr_next = 0xb0;
	/* 2 + 22 + 5 asked for, rounded up to 32 */
	n = l2tp_hide(&s.hide, L2TP_AVP_VENDOR_NAME, rv, 16, (const uint8_t *)value, 22, 5,
		      ctr_rand, out, sizeof(out));
	CU_ASSERT_EQUAL_FATAL(n, (int)sizeof(vec_hidden_vendor));
	CU_ASSERT_EQUAL(memcmp(out, vec_hidden_vendor, sizeof(vec_hidden_vendor)), 0);
	CU_ASSERT_EQUAL(l2tp_unhide(&s.hide, L2TP_AVP_VENDOR_NAME, rv, 16, out, (size_t)n, back,
				    sizeof(back)),
			22);
	CU_ASSERT_EQUAL(memcmp(back, value, 22), 0);
	/* a last chunk shorter than 16 (no padding to the boundary, as
	 * §5.3's "Only the actual octets present ... are modified"
	 * allows): 20 octets unhide from the first 20 of the same chain */
	CU_ASSERT_EQUAL(
		l2tp_unhide(&s.hide, L2TP_AVP_VENDOR_NAME, rv, 16, out, 20, back, sizeof(back)),
		-1); /* the original length 22 > 18 */
	n = l2tp_hide(&s.hide, L2TP_AVP_VENDOR_NAME, rv, 16, (const uint8_t *)value, 14, 0,
		      ctr_rand, out, sizeof(out));
	CU_ASSERT_EQUAL(n, 16);
	CU_ASSERT_EQUAL(
		l2tp_unhide(&s.hide, L2TP_AVP_VENDOR_NAME, rv, 16, out, 16, back, sizeof(back)),
		14);
	/* the attribute type is in the hash: another type unhides garbage */
	CU_ASSERT_NOT_EQUAL(
		l2tp_unhide(&s.hide, L2TP_AVP_HOST_NAME, rv, 16, out, 16, back, sizeof(back)), 14);
	/* room checks */
	CU_ASSERT_EQUAL(
		l2tp_hide(&s.hide, 8, rv, 16, (const uint8_t *)value, 22, 0, ctr_rand, out, 31),
		-1);
	CU_ASSERT_EQUAL(l2tp_unhide(&s.hide, 8, rv, 16, vec_hidden_vendor, 32, back, 21), -1);
	CU_ASSERT_EQUAL(l2tp_unhide(&s.hide, 8, rv, 16, vec_hidden_vendor, 1, back, 64), -1);
	CU_ASSERT_EQUAL(l2tp_hide(&s.hide, 8, rv, 16, back, 1016, 0, ctr_rand, back, 64), -1);
	CU_ASSERT_EQUAL(l2tp_hide(&s.hide, 8, rv, 16, back, 4, 1018, ctr_rand, out, sizeof(out)),
			-1);
	/* an empty value, and an empty Random Vector */
	n = l2tp_hide(&s.hide, 8, NULL, 0, NULL, 0, 0, NULL, out, sizeof(out));
	CU_ASSERT_EQUAL(n, 16);
	CU_ASSERT_EQUAL(l2tp_unhide(&s.hide, 8, NULL, 0, out, 16, back, 0), 0);
}

static void
test_random(void)
{
	uint8_t a[32] = {0}, b[32] = {0}, zero[32] = {0};

	l2tp_random(a, sizeof(a));
	l2tp_random(b, sizeof(b));
	CU_ASSERT_NOT_EQUAL(memcmp(a, b, sizeof(a)), 0);
	CU_ASSERT_NOT_EQUAL(memcmp(a, zero, sizeof(a)), 0);
	l2tp_random(a, 0);
}

/* ---- round trips ---- */

/* Every AVP's M and H bits as encoded, against §1.5. */
static void
check_bits(const uint8_t *msg, size_t len, const uint64_t *hide_map, bool hk)
{
	struct l2tp_avp_iter it;
	struct l2tp_avp a;
	bool seen_rv = false;
	int rc;

	l2tp_avp_iter_init(&it, msg, len);
	while ((rc = l2tp_avp_next(&it, &a)) == 1) {
		bool want_h = hk && expect_hideable(a.type) &&
			      (hide_map[a.type / 64] >> (a.type % 64) & 1);

		CU_ASSERT_EQUAL(a.vendor, 0);
		CU_ASSERT_EQUAL(a.mandatory, expect_m(a.type));
		CU_ASSERT_EQUAL(a.hidden, want_h);
		if (a.type == L2TP_AVP_RANDOM_VECTOR)
			seen_rv = true;
		/* §5.3: a Random Vector before the first hidden AVP */
		if (a.hidden)
			CU_ASSERT_TRUE(seen_rv);
	}
	CU_ASSERT_EQUAL(rc, 0);
}

static bool
any_hideable(const struct l2tp_msg *m)
{
	for (unsigned int t = 0; t < L2TP_AVP_TYPE_MAX; t++)
		if (l2tp_msg_has(m, t) && expect_hideable(t))
			return true;
	return false;
}

static void
round_trip(const struct l2tp_msg *m, unsigned int n_dig, unsigned int dtype, bool hide)
{
	const struct l2tp_nonces from_a = {nonce_a, 16, nonce_b, 16};
	struct l2tp_enc_opts o = {.n_digests = n_dig, .digest_type = (uint8_t)dtype};
	struct l2tp_secret s[2];
	const struct l2tp_secret *ss[] = {&s[0], &s[1]};
	struct l2tp_enc_info info;
	uint8_t buf[L2TP_CTRL_MAX_LEN];
	struct l2tp_msg d;
	uint64_t none[2] = {0};

	l2tp_secret_init(&s[0], "round", 5);
	l2tp_secret_init(&s[1], "trip", 4);
	if (hide) {
		hide_all(o.hide);
		o.hk = &s[0].hide;
	}
	CU_ASSERT_EQUAL_FATAL(l2tp_msg_encode(m, &o, buf, sizeof(buf), &info), 0);
	CU_ASSERT_EQUAL(rd16(buf + 2), info.len);
	check_bits(buf, info.len, hide ? o.hide : none, hide);
	l2tp_auth_sign(buf, &info, dtype, ss, &from_a);
	if (n_dig) {
		CU_ASSERT_EQUAL(l2tp_auth_verify(buf, info.len, &s[0], 2, &from_a), 0);
		CU_ASSERT_EQUAL(l2tp_auth_verify(buf, info.len, &s[1], 1, &from_a),
				n_dig == 2 ? 0 : -1);
	}
	CU_ASSERT_EQUAL_FATAL(l2tp_msg_decode(buf, info.len, &s[0].hide, &d), L2TP_DEC_OK);
	CU_ASSERT_TRUE(msg_equal(&d, m));
	CU_ASSERT_EQUAL(d.length, info.len);
	CU_ASSERT_EQUAL(d.n_digests, n_dig);
	for (unsigned int i = 0; i < d.n_digests; i++) {
		CU_ASSERT_EQUAL(d.digest_type[i], dtype);
		CU_ASSERT_EQUAL(memcmp(d.digest[i], buf + info.digest_off[i], info.digest_len), 0);
	}
	/* a Random Vector exactly when something was hidden */
	CU_ASSERT_EQUAL(l2tp_msg_has(&d, L2TP_AVP_RANDOM_VECTOR), hide && any_hideable(m));
}

static void
test_round_trip_all(void)
{
	struct l2tp_msg m;
	unsigned int ti, seed = 0;

	for (ti = 0; ti < N_TYPES; ti++)
		for (unsigned int n_dig = 0; n_dig <= 2; n_dig++)
			for (unsigned int dt = 0; dt <= (n_dig ? 1u : 0u); dt++)
				for (int hide = 0; hide <= 1; hide++) {
					fill_all(&m, ti, seed++);
					round_trip(&m, n_dig, dt, hide);
				}
}

/* Each AVP alone in each message that allows it, and the extremes of
 * the variable-length ones. */
static void
test_round_trip_each(void)
{
	struct l2tp_msg m;
	unsigned int ti, i;

	for (ti = 0; ti < N_TYPES; ti++)
		for (i = 0; i < 16 && allowed[ti].avps[i]; i++)
			for (unsigned int seed = 0; seed < 3; seed++) {
				l2tp_msg_init(&m, allowed[ti].type);
				set_avp(&m, allowed[ti].avps[i], seed);
				round_trip(&m, 0, 0, false);
				round_trip(&m, 1, 0, true);
			}

	l2tp_msg_init(&m, L2TP_MSG_SCCRQ);
	memset(m.host_name, 'h', L2TP_NAME_MAX);
	l2tp_msg_set(&m, L2TP_AVP_HOST_NAME);
	memset(m.vendor_name, 'v', L2TP_NAME_MAX);
	l2tp_msg_set(&m, L2TP_AVP_VENDOR_NAME);
	memset(m.pref_lang, 'p', L2TP_NAME_MAX);
	l2tp_msg_set(&m, L2TP_AVP_PREF_LANG);
	m.n_pw_caps = L2TP_PW_CAPS_MAX;
	l2tp_msg_set(&m, L2TP_AVP_PW_CAPS);
	m.nonce_len = L2TP_NONCE_MAX;
	l2tp_msg_set(&m, L2TP_AVP_NONCE);
	round_trip(&m, 2, L2TP_DIGEST_SHA1, true);
	m.vendor_name[0] = '\0'; /* an empty Vendor Name is allowed */
	m.pref_lang[0] = '\0';
	m.nonce_len = 1;
	round_trip(&m, 0, 0, true);

	l2tp_msg_init(&m, L2TP_MSG_CDN);
	m.result = L2TP_CDN_ERROR;
	m.has_error = true;
	m.error = L2TP_ERR_UNKNOWN_MANDATORY;
	m.errmsg_len = L2TP_ERRMSG_MAX;
	memset(m.errmsg, 'e', L2TP_ERRMSG_MAX);
	m.errmsg[7] = '\0'; /* octets, not a C string */
	l2tp_msg_set(&m, L2TP_AVP_RESULT_CODE);
	set_avp(&m, L2TP_AVP_LOCAL_SID, 1);
	m.remote_sid = 0; /* a CDN before the peer's Session ID is known */
	l2tp_msg_set(&m, L2TP_AVP_REMOTE_SID);
	round_trip(&m, 1, 0, false);

	l2tp_msg_init(&m, L2TP_MSG_ICRQ);
	m.end_id_len = L2TP_END_ID_MAX;
	l2tp_msg_set(&m, L2TP_AVP_REMOTE_END_ID);
	m.end_id_len = 0;
	round_trip(&m, 0, 0, true);
	m.tx_speed = UINT64_MAX;
	l2tp_msg_set(&m, L2TP_AVP_TX_SPEED);
	round_trip(&m, 0, 0, true);
}

static void
test_zlb_ack(void)
{
	struct l2tp_enc_opts o = {.n_digests = 1};
	struct l2tp_enc_info info;
	struct l2tp_msg m, d;
	uint8_t buf[64];
	static const uint8_t zlb[12] = {0xc8, 0x03, 0x00, 0x0c, 0x01, 0x02,
					0x03, 0x04, 0x00, 0x07, 0x00, 0x09};

	l2tp_msg_init(&m, L2TP_MSG_ZLB);
	CU_ASSERT_FALSE(l2tp_msg_has(&m, L2TP_AVP_MSG_TYPE));
	m.ccid = 0x01020304;
	m.ns = 7;
	m.nr = 9;
	CU_ASSERT_EQUAL_FATAL(l2tp_msg_encode(&m, NULL, buf, sizeof(buf), &info), 0);
	CU_ASSERT_EQUAL(info.len, 12);
	CU_ASSERT_EQUAL(info.n_digests, 0);
	CU_ASSERT_EQUAL(memcmp(buf, zlb, 12), 0);
	CU_ASSERT_EQUAL(l2tp_msg_encode(&m, NULL, buf, 11, &info), -1);
	/* §6.15: ZLBs only without authentication */
	CU_ASSERT_EQUAL(l2tp_msg_encode(&m, &o, buf, sizeof(buf), &info), -1);
	CU_ASSERT_EQUAL_FATAL(l2tp_msg_decode(zlb, 12, NULL, &d), L2TP_DEC_OK);
	CU_ASSERT_EQUAL(d.type, L2TP_MSG_ZLB);
	CU_ASSERT_EQUAL(d.ccid, 0x01020304);
	CU_ASSERT_EQUAL(d.ns, 7);
	CU_ASSERT_EQUAL(d.nr, 9);
	CU_ASSERT_EQUAL(d.length, 12);
	CU_ASSERT_EQUAL(d.avps[0] | d.avps[1], 0);
	CU_ASSERT_EQUAL(l2tp_msg_missing(&d), -1);
	/* with trailing octets past Length (UDP padding) */
	memcpy(buf, zlb, 12);
	memset(buf + 12, 0xee, 8);
	CU_ASSERT_EQUAL(l2tp_msg_decode(buf, 20, NULL, &d), L2TP_DEC_OK);
	CU_ASSERT_EQUAL(d.type, L2TP_MSG_ZLB);

	l2tp_msg_init(&m, L2TP_MSG_ACK);
	CU_ASSERT_EQUAL_FATAL(l2tp_msg_encode(&m, NULL, buf, sizeof(buf), &info), 0);
	CU_ASSERT_EQUAL(info.len, 20);
	CU_ASSERT_EQUAL_FATAL(l2tp_msg_decode(buf, info.len, NULL, &d), L2TP_DEC_OK);
	CU_ASSERT_EQUAL(d.type, L2TP_MSG_ACK);
}

/* ---- decoding errors ---- */

static void
test_bad_header(void)
{
	struct l2tp_msg m;
	struct wb w;
	size_t n;

	wb_start(&w, L2TP_MSG_HELLO);
	n = wb_fin(&w);
	CU_ASSERT_EQUAL_FATAL(l2tp_msg_decode(w.b, n, NULL, &m), L2TP_DEC_OK);
	CU_ASSERT_EQUAL(m.type, L2TP_MSG_HELLO);
	/* the reserved bits are ignored (§3.2.1) */
	w.b[0] |= 0x37;
	w.b[1] |= 0xf0;
	CU_ASSERT_EQUAL(l2tp_msg_decode(w.b, n, NULL, &m), L2TP_DEC_OK);
	wb_fin(&w);

	for (size_t len = 0; len < n; len++)
		CU_ASSERT_EQUAL(l2tp_msg_decode(w.b, len, NULL, &m), L2TP_DEC_BAD_HEADER);
	/* T, L, S, Ver */
	static const uint8_t first[][2] = {{0x48, 0x03}, {0x88, 0x03}, {0xc0, 0x03},
					   {0xc8, 0x02}, {0xc8, 0x0b}, {0x08, 0x03}};
	for (unsigned int i = 0; i < sizeof(first) / sizeof(first[0]); i++) {
		w.b[0] = first[i][0];
		w.b[1] = first[i][1];
		CU_ASSERT_EQUAL(l2tp_msg_decode(w.b, n, NULL, &m), L2TP_DEC_BAD_HEADER);
		CU_ASSERT_EQUAL(l2tp_hdr_parse(w.b, n, &m), -1);
	}
	wb_fin(&w);
	/* Length below 12, beyond the buffer, beyond the largest */
	w.b[2] = 0;
	w.b[3] = 11;
	CU_ASSERT_EQUAL(l2tp_msg_decode(w.b, n, NULL, &m), L2TP_DEC_BAD_HEADER);
	w.b[3] = (uint8_t)(n + 1);
	CU_ASSERT_EQUAL(l2tp_msg_decode(w.b, n, NULL, &m), L2TP_DEC_BAD_HEADER);
	memset(w.b + n, 0, sizeof(w.b) - n);
	w.b[2] = (L2TP_CTRL_MAX_LEN + 1) >> 8;
	w.b[3] = (L2TP_CTRL_MAX_LEN + 1) & 0xff;
	CU_ASSERT_EQUAL(l2tp_msg_decode(w.b, sizeof(w.b), NULL, &m), L2TP_DEC_BAD_HEADER);
	/* a Length that cuts the Message Type AVP, or leaves 1..5 octets
	 * after the last AVP */
	for (unsigned int len = 13; len < n; len++) {
		w.b[2] = 0;
		w.b[3] = (uint8_t)len;
		CU_ASSERT_EQUAL(l2tp_msg_decode(w.b, n, NULL, &m), L2TP_DEC_BAD_HEADER);
	}
	for (unsigned int extra = 1; extra < 6; extra++) {
		wb_start(&w, L2TP_MSG_HELLO);
		w.n += extra;
		n = wb_fin(&w);
		CU_ASSERT_EQUAL(l2tp_msg_decode(w.b, n, NULL, &m), L2TP_DEC_BAD_HEADER);
	}

	/* no Message Type first */
	memset(&w, 0, sizeof(w));
	w.n = L2TP_CTRL_HDR_LEN;
	wb_avp32(&w, M_BIT, L2TP_AVP_LOCAL_SID, 1);
	wb_avp16(&w, M_BIT, L2TP_AVP_MSG_TYPE, L2TP_MSG_HELLO);
	n = wb_fin(&w);
	CU_ASSERT_EQUAL(l2tp_msg_decode(w.b, n, NULL, &m), L2TP_DEC_BAD_HEADER);
	/* a hidden one, a long one, a short one */
	wb_start(&w, L2TP_MSG_HELLO);
	w.b[12] |= 0x40;
	n = wb_fin(&w);
	CU_ASSERT_EQUAL(l2tp_msg_decode(w.b, n, NULL, &m), L2TP_DEC_BAD_HEADER);
	memset(&w, 0, sizeof(w));
	w.n = L2TP_CTRL_HDR_LEN;
	wb_avp32(&w, M_BIT, L2TP_AVP_MSG_TYPE, L2TP_MSG_HELLO);
	n = wb_fin(&w);
	CU_ASSERT_EQUAL(l2tp_msg_decode(w.b, n, NULL, &m), L2TP_DEC_BAD_HEADER);
	memset(&w, 0, sizeof(w));
	w.n = L2TP_CTRL_HDR_LEN;
	wb_avp(&w, M_BIT, 0, L2TP_AVP_MSG_TYPE, NULL, 0);
	n = wb_fin(&w);
	CU_ASSERT_EQUAL(l2tp_msg_decode(w.b, n, NULL, &m), L2TP_DEC_BAD_HEADER);
	/* an Extended Vendor ID AVP first that is no message type */
	memset(&w, 0, sizeof(w));
	w.n = L2TP_CTRL_HDR_LEN;
	wb_avp(&w, 0, 0, L2TP_AVP_EXT_VENDOR, "\x00\x00\xce\x6d\x00\x07", 6);
	n = wb_fin(&w);
	CU_ASSERT_EQUAL(l2tp_msg_decode(w.b, n, NULL, &m), L2TP_DEC_BAD_HEADER);
}

static void
test_unknown_type(void)
{
	static const uint16_t unknown[] = {0, 5, 13, 17, 21, 0xffff};
	struct l2tp_msg m;
	struct wb w;
	size_t n;

	for (unsigned int i = 0; i < sizeof(unknown) / sizeof(unknown[0]); i++) {
		for (int mbit = 0; mbit <= 1; mbit++) {
			memset(&w, 0, sizeof(w));
			w.n = L2TP_CTRL_HDR_LEN;
			wb_avp16(&w, mbit ? M_BIT : 0, L2TP_AVP_MSG_TYPE, unknown[i]);
			/* what follows does not matter, not even an
			 * unknown mandatory AVP */
			wb_avp16(&w, M_BIT, 99, 0);
			n = wb_fin(&w);
			CU_ASSERT_EQUAL(l2tp_msg_decode(w.b, n, NULL, &m),
					mbit ? L2TP_DEC_UNKNOWN_TYPE : L2TP_DEC_OK);
			CU_ASSERT_EQUAL(m.type, L2TP_MSG_UNKNOWN | unknown[i]);
			CU_ASSERT_NOT_EQUAL(m.type, L2TP_MSG_ZLB);
			CU_ASSERT_EQUAL(m.type_mandatory, mbit);
			CU_ASSERT_EQUAL(l2tp_msg_missing(&m), -1);
		}
	}
	/* a vendor-specific message (§5.4.1): a Vendor ID on the Message
	 * Type, 16-bit or through the Extended Vendor ID AVP */
	for (int mbit = 0; mbit <= 1; mbit++) {
		memset(&w, 0, sizeof(w));
		w.n = L2TP_CTRL_HDR_LEN;
		wb_avp(&w, mbit ? M_BIT : 0, 9, L2TP_AVP_MSG_TYPE, "\x00\x01", 2);
		n = wb_fin(&w);
		CU_ASSERT_EQUAL(l2tp_msg_decode(w.b, n, NULL, &m),
				mbit ? L2TP_DEC_UNKNOWN_TYPE : L2TP_DEC_OK);
		CU_ASSERT_EQUAL(m.type, L2TP_MSG_VENDOR | 1);
		CU_ASSERT_NOT_EQUAL(m.type, L2TP_MSG_SCCRQ);
		if (mbit)
			CU_ASSERT_EQUAL(m.bad_avp_vendor, 9);
		memset(&w, 0, sizeof(w));
		w.n = L2TP_CTRL_HDR_LEN;
		wb_avp(&w, mbit ? M_BIT : 0, 0, L2TP_AVP_EXT_VENDOR,
		       "\x00\x00\xce\x6d\x00\x00\x00\x02", 8);
		n = wb_fin(&w);
		CU_ASSERT_EQUAL(l2tp_msg_decode(w.b, n, NULL, &m),
				mbit ? L2TP_DEC_UNKNOWN_TYPE : L2TP_DEC_OK);
		CU_ASSERT_EQUAL(m.type, L2TP_MSG_VENDOR | 2);
		if (mbit)
			CU_ASSERT_EQUAL(m.bad_avp_vendor, 52845);
	}
	CU_ASSERT_STRING_EQUAL(l2tp_msg_type_name(L2TP_MSG_SCCRQ), "SCCRQ");
	CU_ASSERT_STRING_EQUAL(l2tp_msg_type_name(L2TP_MSG_STOPCCN), "StopCCN");
	CU_ASSERT_STRING_EQUAL(l2tp_msg_type_name(L2TP_MSG_ZLB), "ZLB");
	CU_ASSERT_STRING_EQUAL(l2tp_msg_type_name(L2TP_MSG_UNKNOWN | 99), "type 99");
	CU_ASSERT_STRING_EQUAL(l2tp_msg_type_name(13), "type 13");
	CU_ASSERT_STRING_EQUAL(l2tp_msg_type_name(L2TP_MSG_VENDOR | 3), "vendor type 3");
	CU_ASSERT_STRING_EQUAL(l2tp_avp_name(L2TP_AVP_HOST_NAME), "Host Name");
	CU_ASSERT_STRING_EQUAL(l2tp_avp_name(99), "AVP 99");
	CU_ASSERT_STRING_EQUAL(l2tp_avp_name(70000), "AVP 70000");
}

/* A message of type t whose only AVP after the Message Type is the one
 * given (flags without the length). */
static size_t
one_avp(struct wb *w, uint16_t t, uint16_t flags, uint16_t vendor, uint16_t type, const void *v,
	size_t n)
{
	wb_start(w, t);
	wb_avp(w, flags, vendor, type, v, n);
	return wb_fin(w);
}

/* The AVP (vendor, type) in message t is rejected with M=1 and skipped
 * with M=0 (§5.2, §7.1), also when an earlier valid one of the same type
 * was taken: the skipped one does not overwrite it. */
static void
expect_refused(uint16_t t, uint16_t flags, uint16_t vendor, uint16_t type, const void *v, size_t n,
	       uint32_t bad_vendor, uint16_t bad_type, const struct l2tp_hide_key *hk)
{
	struct l2tp_msg m;
	struct wb w;
	size_t len;

	len = one_avp(&w, t, flags | M_BIT, vendor, type, v, n);
	CU_ASSERT_EQUAL(l2tp_msg_decode(w.b, len, hk, &m), L2TP_DEC_BAD_MANDATORY_AVP);
	CU_ASSERT_EQUAL(m.bad_avp_type, bad_type);
	CU_ASSERT_EQUAL(m.bad_avp_vendor, bad_vendor);
	len = one_avp(&w, t, flags & ~M_BIT, vendor, type, v, n);
	CU_ASSERT_EQUAL(l2tp_msg_decode(w.b, len, hk, &m), L2TP_DEC_OK);
	if (vendor == 0 && type != L2TP_AVP_MSG_TYPE && type < L2TP_AVP_TYPE_MAX)
		CU_ASSERT_FALSE(l2tp_msg_has(&m, type));
}

/* Malformed values of known AVPs, each in a message §6 allows it in. */
static const struct bad_value {
	uint16_t msg, type;
	const char *v;
	size_t n;
} bad_values[] = {
	{L2TP_MSG_STOPCCN, L2TP_AVP_RESULT_CODE, "", 0},
	{L2TP_MSG_STOPCCN, L2TP_AVP_RESULT_CODE, "\x00", 1},
	{L2TP_MSG_CDN, L2TP_AVP_RESULT_CODE, "\x00\x02\x00", 3},
	{L2TP_MSG_SCCRQ, L2TP_AVP_TIE_BREAKER, "1234567", 7},
	{L2TP_MSG_ICRQ, L2TP_AVP_TIE_BREAKER, "123456789", 9},
	{L2TP_MSG_SCCRQ, L2TP_AVP_HOST_NAME, "", 0},
	{L2TP_MSG_SCCRQ, L2TP_AVP_HOST_NAME, "a\0b", 3},
	{L2TP_MSG_SCCRP, L2TP_AVP_VENDOR_NAME, "x\0", 2},
	{L2TP_MSG_SCCRQ, L2TP_AVP_RECV_WINDOW, "\x00\x00", 2},
	{L2TP_MSG_SCCRQ, L2TP_AVP_RECV_WINDOW, "\x00\x04\x00", 3},
	{L2TP_MSG_ICRQ, L2TP_AVP_SERIAL, "\x00\x00\x01", 3},
	{L2TP_MSG_ICRP, L2TP_AVP_PHYS_CHANNEL, "\x00\x00\x00\x00\x01", 5},
	{L2TP_MSG_WEN, L2TP_AVP_CIRCUIT_ERRORS, "0123456789abcdef", 16},
	{L2TP_MSG_WEN, L2TP_AVP_CIRCUIT_ERRORS, "0123456789abcdefghi", 19},
	{L2TP_MSG_SCCRQ, L2TP_AVP_ROUTER_ID, "\x01\x02\x03", 3},
	{L2TP_MSG_SCCRQ, L2TP_AVP_ASSIGNED_CCID, "\x00\x00\x00\x00", 4},
	{L2TP_MSG_STOPCCN, L2TP_AVP_ASSIGNED_CCID, "\x00\x00\x00\x01\x00", 5},
	{L2TP_MSG_SCCRQ, L2TP_AVP_PW_CAPS, "", 0},
	{L2TP_MSG_SCCRQ, L2TP_AVP_PW_CAPS, "\x00\x05\x00", 3},
	{L2TP_MSG_ICRQ, L2TP_AVP_LOCAL_SID, "\x00\x00\x00\x00", 4},
	{L2TP_MSG_ICCN, L2TP_AVP_LOCAL_SID, "\x00\x00\x01", 3},
	{L2TP_MSG_ICRP, L2TP_AVP_REMOTE_SID, "\x00\x00\x00\x00", 4},
	{L2TP_MSG_ICCN, L2TP_AVP_REMOTE_SID, "\x00\x00\x00\x00", 4},
	{L2TP_MSG_OCRP, L2TP_AVP_REMOTE_SID, "\x00\x00\x00\x00", 4},
	{L2TP_MSG_OCCN, L2TP_AVP_REMOTE_SID, "\x00\x00\x00\x00", 4},
	{L2TP_MSG_CDN, L2TP_AVP_REMOTE_SID, "\x00\x00\x00\x00\x00", 5},
	{L2TP_MSG_ICRQ, L2TP_AVP_COOKIE, "\x01\x02", 2},
	{L2TP_MSG_ICRP, L2TP_AVP_COOKIE, "\x01\x02\x03\x04\x05\x06", 6},
	{L2TP_MSG_OCRQ, L2TP_AVP_COOKIE, "0123456789", 10},
	{L2TP_MSG_ICRQ, L2TP_AVP_PW_TYPE, "\x05", 1},
	{L2TP_MSG_ICRQ, L2TP_AVP_L2SS, "\x00\x01\x00", 3},
	{L2TP_MSG_ICRQ, L2TP_AVP_DATA_SEQ, "\x00\x03", 2},
	{L2TP_MSG_ICCN, L2TP_AVP_DATA_SEQ, "\x00", 1},
	{L2TP_MSG_SLI, L2TP_AVP_CIRCUIT_STATUS, "\x00\x01\x00\x00", 4},
	{L2TP_MSG_SCCRQ, L2TP_AVP_PREF_LANG, "e\0", 2},
	{L2TP_MSG_SCCRQ, L2TP_AVP_NONCE, "", 0},
	{L2TP_MSG_ICRQ, L2TP_AVP_TX_SPEED, "\x00\x00\x00\x00\x3b\x9a\xca\x00", 7},
	{L2TP_MSG_OCCN, L2TP_AVP_RX_SPEED, "\x00\x00\x3b\x9a\xca\x00", 6},
	/* a digest with an unknown type, or the wrong length for its own */
	{L2TP_MSG_HELLO, L2TP_AVP_DIGEST,
	 "\x02"
	 "0123456789abcdef",
	 17},
	{L2TP_MSG_HELLO, L2TP_AVP_DIGEST,
	 "\x00"
	 "0123456789abcdefghij",
	 21},
	{L2TP_MSG_HELLO, L2TP_AVP_DIGEST,
	 "\x01"
	 "0123456789abcdef",
	 17},
	{L2TP_MSG_HELLO, L2TP_AVP_DIGEST, "", 0},
};

static void
test_bad_values(void)
{
	static uint8_t big[L2TP_AVP_MAX_LEN];
	const struct bad_value *b;

	for (unsigned int i = 0; i < sizeof(bad_values) / sizeof(bad_values[0]); i++) {
		b = &bad_values[i];
		expect_refused(b->msg, 0, 0, b->type, b->v, b->n, 0, b->type, NULL);
	}
	/* longer than the struct holds */
	memset(big, 'x', sizeof(big));
	expect_refused(L2TP_MSG_SCCRQ, 0, 0, L2TP_AVP_HOST_NAME, big, L2TP_NAME_MAX + 1, 0,
		       L2TP_AVP_HOST_NAME, NULL);
	expect_refused(L2TP_MSG_SCCRP, 0, 0, L2TP_AVP_VENDOR_NAME, big, L2TP_NAME_MAX + 1, 0,
		       L2TP_AVP_VENDOR_NAME, NULL);
	expect_refused(L2TP_MSG_SCCRP, 0, 0, L2TP_AVP_PREF_LANG, big, L2TP_NAME_MAX + 1, 0,
		       L2TP_AVP_PREF_LANG, NULL);
	expect_refused(L2TP_MSG_SCCRP, 0, 0, L2TP_AVP_PW_CAPS, big, 2 * L2TP_PW_CAPS_MAX + 2, 0,
		       L2TP_AVP_PW_CAPS, NULL);
	expect_refused(L2TP_MSG_OCRQ, 0, 0, L2TP_AVP_REMOTE_END_ID, big, L2TP_END_ID_MAX + 1, 0,
		       L2TP_AVP_REMOTE_END_ID, NULL);
	expect_refused(L2TP_MSG_SCCRP, 0, 0, L2TP_AVP_NONCE, big, L2TP_NONCE_MAX + 1, 0,
		       L2TP_AVP_NONCE, NULL);
}

/* Remote Session ID 0 where the peer's may not be known (§5.4.4), and a
 * Circuit Errors AVP laid out as RFC 2661's 32-octet Call Errors. */
static void
test_good_edges(void)
{
	static const uint16_t zero_ok[] = {L2TP_MSG_ICRQ, L2TP_MSG_OCRQ, L2TP_MSG_CDN, L2TP_MSG_WEN,
					   L2TP_MSG_SLI};
	uint8_t v[26] = {0};
	struct l2tp_msg m;
	struct wb w;
	size_t n;

	for (unsigned int i = 0; i < sizeof(zero_ok) / sizeof(zero_ok[0]); i++) {
		n = one_avp(&w, zero_ok[i], M_BIT, 0, L2TP_AVP_REMOTE_SID, "\0\0\0\0", 4);
		CU_ASSERT_EQUAL(l2tp_msg_decode(w.b, n, NULL, &m), L2TP_DEC_OK);
		CU_ASSERT_TRUE(l2tp_msg_has(&m, L2TP_AVP_REMOTE_SID));
		CU_ASSERT_EQUAL(m.remote_sid, 0);
	}
	for (unsigned int i = 0; i < 26; i++)
		v[i] = (uint8_t)i;
	n = one_avp(&w, L2TP_MSG_WEN, 0, 0, L2TP_AVP_CIRCUIT_ERRORS, v, 26);
	CU_ASSERT_EQUAL_FATAL(l2tp_msg_decode(w.b, n, NULL, &m), L2TP_DEC_OK);
	CU_ASSERT_EQUAL(m.circuit_errors[0], 0x0a0b0c0d); /* after CRC and framing */
	CU_ASSERT_EQUAL(m.circuit_errors[3], 0x16171819);
	n = one_avp(&w, L2TP_MSG_WEN, 0, 0, L2TP_AVP_CIRCUIT_ERRORS, v, 18);
	CU_ASSERT_EQUAL_FATAL(l2tp_msg_decode(w.b, n, NULL, &m), L2TP_DEC_OK);
	CU_ASSERT_EQUAL(m.circuit_errors[0], 0x02030405);
	/* a Result Code without an error, then with one and a message too
	 * long to keep whole */
	n = one_avp(&w, L2TP_MSG_CDN, M_BIT, 0, L2TP_AVP_RESULT_CODE, "\x00\x03", 2);
	CU_ASSERT_EQUAL_FATAL(l2tp_msg_decode(w.b, n, NULL, &m), L2TP_DEC_OK);
	CU_ASSERT_EQUAL(m.result, 3);
	CU_ASSERT_FALSE(m.has_error);
	{
		uint8_t rc[4 + 600];

		memcpy(rc, "\x00\x02\x00\x08", 4);
		memset(rc + 4, 'm', 600);
		n = one_avp(&w, L2TP_MSG_STOPCCN, M_BIT, 0, L2TP_AVP_RESULT_CODE, rc, sizeof(rc));
		CU_ASSERT_EQUAL_FATAL(l2tp_msg_decode(w.b, n, NULL, &m), L2TP_DEC_OK);
		CU_ASSERT_EQUAL(m.result, 2);
		CU_ASSERT_TRUE(m.has_error);
		CU_ASSERT_EQUAL(m.error, 8);
		CU_ASSERT_EQUAL(m.errmsg_len, L2TP_ERRMSG_MAX);
		CU_ASSERT_EQUAL(m.errmsg[L2TP_ERRMSG_MAX - 1], 'm');
		CU_ASSERT_EQUAL(m.errmsg[L2TP_ERRMSG_MAX], '\0');
		n = one_avp(&w, L2TP_MSG_STOPCCN, M_BIT, 0, L2TP_AVP_RESULT_CODE, rc, 4);
		CU_ASSERT_EQUAL_FATAL(l2tp_msg_decode(w.b, n, NULL, &m), L2TP_DEC_OK);
		CU_ASSERT_TRUE(m.has_error);
		CU_ASSERT_EQUAL(m.errmsg_len, 0);
	}
	/* unknown reserved AVP bits are ignored (§5.1) */
	n = one_avp(&w, L2TP_MSG_SCCRQ, M_BIT | 0x3c00, 0, L2TP_AVP_ROUTER_ID, "\x01\x02\x03\x04",
		    4);
	CU_ASSERT_EQUAL_FATAL(l2tp_msg_decode(w.b, n, NULL, &m), L2TP_DEC_OK);
	CU_ASSERT_EQUAL(m.router_id, 0x01020304);
	/* a repeated AVP: the last one counts */
	wb_start(&w, L2TP_MSG_SCCRQ);
	wb_avp32(&w, M_BIT, L2TP_AVP_ROUTER_ID, 1);
	wb_avp32(&w, M_BIT, L2TP_AVP_ROUTER_ID, 2);
	wb_avp32(&w, 0, L2TP_AVP_ROUTER_ID + 0, 3);
	n = wb_fin(&w);
	CU_ASSERT_EQUAL_FATAL(l2tp_msg_decode(w.b, n, NULL, &m), L2TP_DEC_OK);
	CU_ASSERT_EQUAL(m.router_id, 3);
	/* a malformed repeat with M=0 leaves the earlier value alone */
	wb_start(&w, L2TP_MSG_SCCRQ);
	wb_avp32(&w, M_BIT, L2TP_AVP_ASSIGNED_CCID, 7);
	wb_avp32(&w, 0, L2TP_AVP_ASSIGNED_CCID, 0);
	n = wb_fin(&w);
	CU_ASSERT_EQUAL_FATAL(l2tp_msg_decode(w.b, n, NULL, &m), L2TP_DEC_OK);
	CU_ASSERT_EQUAL(m.assigned_ccid, 7);
}

static void
test_unknown_avps(void)
{
	static const uint8_t ext[] = {0x00, 0x00, 0xce, 0x6d, 0x00, 0x07, 'p', 'a', 'd'};
	struct l2tp_avp_iter it;
	struct l2tp_avp a;
	struct l2tp_msg m;
	struct wb w;
	size_t n;

	/* an IETF AVP we do not know (L2TPv2's Framing Type, as the Mist
	 * capture's ICCN carries), a vendor's, one of another vendor
	 * through the Extended Vendor ID AVP */
	expect_refused(L2TP_MSG_ICCN, 0, 0, 19, "\x00\x00\x00\x01", 4, 0, 19, NULL);
	expect_refused(L2TP_MSG_HELLO, 0, 52845, 7, "5c5b35cef20d", 12, 52845, 7, NULL);
	expect_refused(L2TP_MSG_HELLO, 0, 0, L2TP_AVP_EXT_VENDOR, ext, sizeof(ext), 52845, 7, NULL);
	/* Extended Vendor ID AVPs that cannot be opened: too short, hidden,
	 * or claiming vendor 0 */
	expect_refused(L2TP_MSG_HELLO, 0, 0, L2TP_AVP_EXT_VENDOR, ext, 5, 0, L2TP_AVP_EXT_VENDOR,
		       NULL);
	expect_refused(L2TP_MSG_HELLO, H_BIT, 0, L2TP_AVP_EXT_VENDOR, ext, sizeof(ext), 0,
		       L2TP_AVP_EXT_VENDOR, NULL);
	expect_refused(L2TP_MSG_SCCRQ, 0, 0, L2TP_AVP_EXT_VENDOR, "\x00\x00\x00\x00\x00\x07host",
		       10, 0, L2TP_AVP_EXT_VENDOR, NULL);
	/* a known AVP where §6 does not allow it */
	expect_refused(L2TP_MSG_HELLO, 0, 0, L2TP_AVP_HOST_NAME, "mist", 4, 0, L2TP_AVP_HOST_NAME,
		       NULL);
	expect_refused(L2TP_MSG_ICRP, 0, 0, L2TP_AVP_PW_TYPE, "\x00\x05", 2, 0, L2TP_AVP_PW_TYPE,
		       NULL);
	expect_refused(L2TP_MSG_SCCRP, 0, 0, L2TP_AVP_TIE_BREAKER, "12345678", 8, 0,
		       L2TP_AVP_TIE_BREAKER, NULL);
	expect_refused(L2TP_MSG_ACK, 0, 0, L2TP_AVP_LOCAL_SID, "\0\0\0\1", 4, 0, L2TP_AVP_LOCAL_SID,
		       NULL);
	/* a second Message Type */
	expect_refused(L2TP_MSG_HELLO, 0, 0, L2TP_AVP_MSG_TYPE, "\x00\x06", 2, 0, L2TP_AVP_MSG_TYPE,
		       NULL);

	/* the iterator's view of the same */
	n = one_avp(&w, L2TP_MSG_HELLO, 0, 0, L2TP_AVP_EXT_VENDOR, ext, sizeof(ext));
	l2tp_avp_iter_init(&it, w.b, n);
	CU_ASSERT_EQUAL(l2tp_avp_next(&it, &a), 1);
	CU_ASSERT_EQUAL(a.type, L2TP_AVP_MSG_TYPE);
	CU_ASSERT_EQUAL(a.length, 8);
	CU_ASSERT_EQUAL_FATAL(l2tp_avp_next(&it, &a), 1);
	CU_ASSERT_EQUAL(a.vendor, 52845);
	CU_ASSERT_EQUAL(a.type, 7);
	CU_ASSERT_EQUAL(a.length, 6 + sizeof(ext));
	CU_ASSERT_EQUAL(a.value_len, 3);
	CU_ASSERT_EQUAL(memcmp(a.value, "pad", 3), 0);
	CU_ASSERT_FALSE(a.mandatory);
	CU_ASSERT_EQUAL(l2tp_avp_next(&it, &a), 0);
	CU_ASSERT_EQUAL(l2tp_msg_decode(w.b, n, NULL, &m), L2TP_DEC_OK);
	/* a buffer shorter than a header: nothing to iterate */
	l2tp_avp_iter_init(&it, w.b, 5);
	CU_ASSERT_EQUAL(l2tp_avp_next(&it, &a), 0);
}

/* AVP Lengths below 6 or past the message (§5.1). */
static void
test_bad_framing(void)
{
	struct l2tp_avp_iter it;
	struct l2tp_avp a;
	struct l2tp_msg m;
	struct wb w;
	size_t n;

	for (unsigned int len = 0; len < 6; len++)
		for (int mbit = 0; mbit <= 1; mbit++) {
			wb_start(&w, L2TP_MSG_SCCRQ);
			wb_avp32(&w, mbit ? M_BIT : 0, L2TP_AVP_ROUTER_ID, 1);
			w.b[w.n - 9] = (uint8_t)len;
			wb_avp32(&w, M_BIT, 99, 1); /* never reached */
			n = wb_fin(&w);
			CU_ASSERT_EQUAL(l2tp_msg_decode(w.b, n, NULL, &m),
					mbit ? L2TP_DEC_BAD_MANDATORY_AVP : L2TP_DEC_OK);
			CU_ASSERT_FALSE(l2tp_msg_has(&m, L2TP_AVP_ROUTER_ID));
			if (mbit)
				CU_ASSERT_EQUAL(m.bad_avp_type, L2TP_AVP_ROUTER_ID);
			l2tp_avp_iter_init(&it, w.b, n);
			CU_ASSERT_EQUAL(l2tp_avp_next(&it, &a), 1);
			CU_ASSERT_EQUAL(l2tp_avp_next(&it, &a), -1);
		}
	for (int mbit = 0; mbit <= 1; mbit++) {
		wb_start(&w, L2TP_MSG_SCCRQ);
		wb_avp32(&w, M_BIT, L2TP_AVP_ASSIGNED_CCID, 9);
		wb_avp32(&w, mbit ? M_BIT : 0, L2TP_AVP_ROUTER_ID, 1);
		w.b[w.n - 9] = 11; /* one past the end */
		n = wb_fin(&w);
		CU_ASSERT_EQUAL(l2tp_msg_decode(w.b, n, NULL, &m),
				mbit ? L2TP_DEC_BAD_MANDATORY_AVP : L2TP_DEC_OK);
		CU_ASSERT_TRUE(l2tp_msg_has(&m, L2TP_AVP_ASSIGNED_CCID));
		CU_ASSERT_FALSE(l2tp_msg_has(&m, L2TP_AVP_ROUTER_ID));
	}
}

static void
test_hidden_errors(void)
{
	const struct l2tp_enc_opts base = {.rand = ctr_rand};
	struct l2tp_enc_opts o = base;
	struct l2tp_enc_info info;
	struct l2tp_secret s;
	struct l2tp_msg m, d;
	uint8_t buf[512], rv[16] = {1}, hv[32];
	struct wb w;
	size_t n;
	int hn;

	l2tp_secret_init(&s, "s3cret", 6);
	/* a hidden AVP with no Random Vector before it: one after does
	 * not count */
	hn = l2tp_hide(&s.hide, L2TP_AVP_LOCAL_SID, rv, 16, (const uint8_t *)"\0\0\0\1", 4, 0,
		       ctr_rand, hv, sizeof(hv));
	CU_ASSERT_EQUAL_FATAL(hn, 16);
	wb_start(&w, L2TP_MSG_ICCN);
	wb_avp(&w, M_BIT | H_BIT, 0, L2TP_AVP_LOCAL_SID, hv, 16);
	wb_avp(&w, M_BIT, 0, L2TP_AVP_RANDOM_VECTOR, rv, 16);
	n = wb_fin(&w);
	CU_ASSERT_EQUAL(l2tp_msg_decode(w.b, n, &s.hide, &m), L2TP_DEC_BAD_MANDATORY_AVP);
	CU_ASSERT_EQUAL(m.bad_avp_type, L2TP_AVP_LOCAL_SID);
	/* the same in the right order decodes, with the key only */
	wb_start(&w, L2TP_MSG_ICCN);
	wb_avp(&w, M_BIT, 0, L2TP_AVP_RANDOM_VECTOR, rv, 16);
	wb_avp(&w, M_BIT | H_BIT, 0, L2TP_AVP_LOCAL_SID, hv, 16);
	n = wb_fin(&w);
	CU_ASSERT_EQUAL_FATAL(l2tp_msg_decode(w.b, n, &s.hide, &m), L2TP_DEC_OK);
	CU_ASSERT_EQUAL(m.local_sid, 1);
	CU_ASSERT_EQUAL(l2tp_msg_decode(w.b, n, NULL, &m), L2TP_DEC_BAD_MANDATORY_AVP);
	/* the most recent Random Vector is the one used (§5.4.1) */
	wb_start(&w, L2TP_MSG_ICCN);
	wb_avp(&w, M_BIT, 0, L2TP_AVP_RANDOM_VECTOR, rv, 16);
	wb_avp(&w, M_BIT, 0, L2TP_AVP_RANDOM_VECTOR, "other", 5);
	wb_avp(&w, M_BIT | H_BIT, 0, L2TP_AVP_LOCAL_SID, hv, 16);
	n = wb_fin(&w);
	if (l2tp_msg_decode(w.b, n, &s.hide, &m) == L2TP_DEC_OK)
		CU_ASSERT_NOT_EQUAL(m.local_sid, 1);
	/* a hidden value whose length field is wrong (garbage) */
	memset(hv, 0xff, sizeof(hv));
	expect_refused(L2TP_MSG_ICCN, H_BIT, 0, L2TP_AVP_LOCAL_SID, hv, 16, 0, L2TP_AVP_LOCAL_SID,
		       &s.hide);
	/* hidden, of a type that "MUST NOT be hidden": Host Name, Nonce,
	 * Random Vector, Result Code, Message Digest */
	expect_refused(L2TP_MSG_SCCRQ, H_BIT, 0, L2TP_AVP_HOST_NAME, "x", 1, 0, L2TP_AVP_HOST_NAME,
		       &s.hide);
	expect_refused(L2TP_MSG_SCCRQ, H_BIT, 0, L2TP_AVP_NONCE, "x", 1, 0, L2TP_AVP_NONCE,
		       &s.hide);
	expect_refused(L2TP_MSG_SCCRQ, H_BIT, 0, L2TP_AVP_RANDOM_VECTOR, "x", 1, 0,
		       L2TP_AVP_RANDOM_VECTOR, &s.hide);
	expect_refused(L2TP_MSG_CDN, H_BIT, 0, L2TP_AVP_RESULT_CODE, "\0\1", 2, 0,
		       L2TP_AVP_RESULT_CODE, &s.hide);

	/* encoding: hiding asked for without a key is refused; asked for on
	 * an AVP that may not be hidden, or one absent, it is not done */
	l2tp_msg_init(&m, L2TP_MSG_SCCRQ);
	set_avp(&m, L2TP_AVP_HOST_NAME, 1);
	set_avp(&m, L2TP_AVP_ASSIGNED_CCID, 1);
	o.hide[0] = UINT64_C(1) << L2TP_AVP_HOST_NAME;
	CU_ASSERT_EQUAL(l2tp_msg_encode(&m, &o, buf, sizeof(buf), &info), 0);
	CU_ASSERT_EQUAL_FATAL(l2tp_msg_decode(buf, info.len, NULL, &d), L2TP_DEC_OK);
	CU_ASSERT_FALSE(l2tp_msg_has(&d, L2TP_AVP_RANDOM_VECTOR));
	o.hide[0] |= UINT64_C(1) << L2TP_AVP_VENDOR_NAME;
	o.hide[1] = UINT64_C(1) << (L2TP_AVP_PREF_LANG - 64);
	CU_ASSERT_EQUAL(l2tp_msg_encode(&m, &o, buf, sizeof(buf), &info), 0);
	CU_ASSERT_EQUAL_FATAL(l2tp_msg_decode(buf, info.len, NULL, &d), L2TP_DEC_OK);
	CU_ASSERT_FALSE(l2tp_msg_has(&d, L2TP_AVP_RANDOM_VECTOR));
	o.hide[0] |= UINT64_C(1) << L2TP_AVP_ASSIGNED_CCID;
	CU_ASSERT_EQUAL(l2tp_msg_encode(&m, &o, buf, sizeof(buf), &info), -1);
	o.hk = &s.hide;
	CU_ASSERT_EQUAL(l2tp_msg_encode(&m, &o, buf, sizeof(buf), &info), 0);
	CU_ASSERT_EQUAL_FATAL(l2tp_msg_decode(buf, info.len, &s.hide, &d), L2TP_DEC_OK);
	CU_ASSERT_TRUE(msg_equal(&d, &m));
}

static void
test_digest_position(void)
{
	static const char md5[17] = {0};
	struct l2tp_msg m;
	struct wb w;
	size_t n;

	/* after another AVP */
	wb_start(&w, L2TP_MSG_SCCRQ);
	wb_avp32(&w, M_BIT, L2TP_AVP_ROUTER_ID, 1);
	wb_avp(&w, M_BIT, 0, L2TP_AVP_DIGEST, md5, 17);
	n = wb_fin(&w);
	CU_ASSERT_EQUAL(l2tp_msg_decode(w.b, n, NULL, &m), L2TP_DEC_BAD_MANDATORY_AVP);
	CU_ASSERT_EQUAL(m.bad_avp_type, L2TP_AVP_DIGEST);
	/* a third */
	wb_start(&w, L2TP_MSG_HELLO);
	for (int i = 0; i < 3; i++)
		wb_avp(&w, M_BIT, 0, L2TP_AVP_DIGEST, md5, 17);
	n = wb_fin(&w);
	CU_ASSERT_EQUAL(l2tp_msg_decode(w.b, n, NULL, &m), L2TP_DEC_BAD_MANDATORY_AVP);
	CU_ASSERT_EQUAL(m.n_digests, 2);
	/* a third with M=0 is ignored; MD5 and SHA-1 mixed are fine */
	wb_start(&w, L2TP_MSG_HELLO);
	wb_avp(&w, M_BIT, 0, L2TP_AVP_DIGEST, md5, 17);
	wb_avp(&w, M_BIT, 0, L2TP_AVP_DIGEST,
	       "\x01"
	       "0123456789abcdefghij",
	       21);
	wb_avp(&w, 0, 0, L2TP_AVP_DIGEST, md5, 17);
	n = wb_fin(&w);
	CU_ASSERT_EQUAL_FATAL(l2tp_msg_decode(w.b, n, NULL, &m), L2TP_DEC_OK);
	CU_ASSERT_EQUAL(m.n_digests, 2);
	CU_ASSERT_EQUAL(m.digest_type[1], L2TP_DIGEST_SHA1);
	CU_ASSERT_EQUAL(memcmp(m.digest[1], "0123456789abcdefghij", 20), 0);
}

/* ---- §6 presence ---- */

static void
test_missing(void)
{
	struct l2tp_msg m;
	unsigned int ti, i;

	for (ti = 0; ti < N_TYPES; ti++) {
		CU_ASSERT_EQUAL_FATAL(required[ti].type, allowed[ti].type);
		l2tp_msg_init(&m, required[ti].type);
		for (i = 0; i < 8 && required[ti].avps[i]; i++)
			set_avp(&m, required[ti].avps[i], 1);
		CU_ASSERT_EQUAL(l2tp_msg_missing(&m), -1);
		/* each one removed is reported; with several removed, the
		 * first in §6's order */
		for (i = 0; i < 8 && required[ti].avps[i]; i++) {
			unsigned int t = required[ti].avps[i];
			struct l2tp_msg c = m;

			c.avps[t / 64] &= ~(UINT64_C(1) << (t % 64));
			CU_ASSERT_EQUAL(l2tp_msg_missing(&c), (int)t);
			c.avps[0] = c.avps[1] = 0;
			l2tp_msg_set(&c, L2TP_AVP_MSG_TYPE);
			CU_ASSERT_EQUAL(l2tp_msg_missing(&c), (int)required[ti].avps[0]);
		}
		/* optional AVPs do not make up for required ones */
		fill_all(&m, ti, 3);
		CU_ASSERT_EQUAL(l2tp_msg_missing(&m), -1);
	}
	/* ICRQ and OCRQ: the Remote Session ID present and 0 */
	l2tp_msg_init(&m, L2TP_MSG_ICRQ);
	for (i = 0; required[8].avps[i]; i++)
		set_avp(&m, required[8].avps[i], 1);
	CU_ASSERT_EQUAL(l2tp_msg_missing(&m), -1);
	m.remote_sid = 5;
	CU_ASSERT_EQUAL(l2tp_msg_missing(&m), L2TP_AVP_REMOTE_SID);
	m.type = L2TP_MSG_OCRQ;
	CU_ASSERT_EQUAL(l2tp_msg_missing(&m), L2TP_AVP_REMOTE_SID);
	m.type = L2TP_MSG_CDN;
	set_avp(&m, L2TP_AVP_RESULT_CODE, 0);
	CU_ASSERT_EQUAL(l2tp_msg_missing(&m), -1);
	m.remote_sid = 0;
	CU_ASSERT_EQUAL(l2tp_msg_missing(&m), -1);
	m.type = L2TP_MSG_UNKNOWN | 99;
	CU_ASSERT_EQUAL(l2tp_msg_missing(&m), -1);
}

/* ---- encoding refusals ---- */

static void
test_encode_errors(void)
{
	struct l2tp_enc_opts o = {0};
	struct l2tp_enc_info info;
	struct l2tp_msg m, base;
	uint8_t buf[L2TP_CTRL_MAX_LEN];
	size_t full;

	fill_all(&base, 0, 4); /* an SCCRQ */
	CU_ASSERT_EQUAL_FATAL(l2tp_msg_encode(&base, NULL, buf, sizeof(buf), &info), 0);
	full = info.len;
	for (size_t cap = 0; cap < full; cap++)
		CU_ASSERT_EQUAL(l2tp_msg_encode(&base, NULL, buf, cap, &info), -1);
	CU_ASSERT_EQUAL(l2tp_msg_encode(&base, NULL, buf, full, &info), 0);
	o.n_digests = 1;
	CU_ASSERT_EQUAL(l2tp_msg_encode(&base, &o, buf, full, &info), -1);
	CU_ASSERT_EQUAL(l2tp_msg_encode(&base, &o, buf, full + 23, &info), 0);
	/* too small at every step: digests, Random Vector, hidden AVPs */
	{
		struct l2tp_secret s;

		l2tp_secret_init(&s, "x", 1);
		o.n_digests = 2;
		o.hk = &s.hide;
		hide_all(o.hide);
		CU_ASSERT_EQUAL_FATAL(l2tp_msg_encode(&base, &o, buf, sizeof(buf), &info), 0);
		full = info.len;
		for (size_t cap = 0; cap < full; cap++)
			CU_ASSERT_EQUAL(l2tp_msg_encode(&base, &o, buf, cap, &info), -1);
		o.hk = NULL;
		memset(o.hide, 0, sizeof(o.hide));
	}
	o.n_digests = 3;
	CU_ASSERT_EQUAL(l2tp_msg_encode(&base, &o, buf, sizeof(buf), &info), -1);
	o.n_digests = 1;
	o.digest_type = 2;
	CU_ASSERT_EQUAL(l2tp_msg_encode(&base, &o, buf, sizeof(buf), &info), -1);

#define REFUSED(stmt)                                                                    \
	do {                                                                             \
		m = base;                                                                \
		stmt;                                                                    \
		CU_ASSERT_EQUAL(l2tp_msg_encode(&m, NULL, buf, sizeof(buf), &info), -1); \
	} while (0)
	REFUSED(m.type = 5);
	REFUSED(m.type = 13);
	REFUSED(m.type = L2TP_MSG_TYPE_MAX);
	REFUSED(m.type = L2TP_MSG_UNKNOWN | 1);
	REFUSED(m.type = L2TP_MSG_VENDOR | 1);
	REFUSED(m.type = L2TP_MSG_HELLO); /* Host Name in a HELLO */
	REFUSED(m.type = L2TP_MSG_SCCRP); /* Tie Breaker in an SCCRP */
	REFUSED(l2tp_msg_set(&m, 99));	  /* an AVP of no known type */
	REFUSED(l2tp_msg_set(&m, L2TP_AVP_EXT_VENDOR));
	REFUSED(l2tp_msg_set(&m, L2TP_AVP_LOCAL_SID));
	REFUSED(m.host_name[0] = '\0');
	REFUSED(memset(m.host_name, 'x', sizeof(m.host_name)));
	REFUSED(memset(m.vendor_name, 'x', sizeof(m.vendor_name)));
	REFUSED(m.recv_window = 0);
	REFUSED(m.assigned_ccid = 0);
	REFUSED(m.n_pw_caps = 0);
	REFUSED(m.n_pw_caps = L2TP_PW_CAPS_MAX + 1);
	REFUSED(m.nonce_len = 0);
	REFUSED(m.nonce_len = L2TP_NONCE_MAX + 1);
	base.type = L2TP_MSG_ICRQ;
	base.avps[0] = base.avps[1] = 0;
	fill_all(&base, 8, 4);
	CU_ASSERT_EQUAL_FATAL(l2tp_msg_encode(&base, NULL, buf, sizeof(buf), &info), 0);
	REFUSED(m.local_sid = 0);
	REFUSED(m.cookie_len = 6);
	REFUSED(m.cookie_len = 9);
	REFUSED(m.end_id_len = L2TP_END_ID_MAX + 1);
	REFUSED(m.data_seq = 3);
	REFUSED(m.type = L2TP_MSG_ICRP); /* Serial Number in an ICRP */
	fill_all(&base, 4, 4);		 /* an ICRP (allowed[] order) */
	base.type = L2TP_MSG_ICRP;
	base.avps[0] = base.avps[1] = 0;
	fill_all(&base, 9, 4);
	CU_ASSERT_EQUAL_FATAL(l2tp_msg_encode(&base, NULL, buf, sizeof(buf), &info), 0);
	REFUSED(m.remote_sid = 0);
	fill_all(&base, 11, 4); /* a CDN */
	CU_ASSERT_EQUAL_FATAL(l2tp_msg_encode(&base, NULL, buf, sizeof(buf), &info), 0);
	REFUSED((m.has_error = false, m.errmsg_len = 3));
	REFUSED((m.has_error = true, m.errmsg_len = L2TP_ERRMSG_MAX + 1));
#undef REFUSED
}

/* ---- authentication ---- */

static void
test_tamper(void)
{
	const struct l2tp_nonces none = {0};
	const struct l2tp_nonces from_b = {nonce_b, 16, nonce_a, 16};
	struct l2tp_secret s;
	uint8_t buf[sizeof(vec_sccrp)];
	size_t i;
	int bit;

	l2tp_secret_init(&s, "s3cret", 6);
	/* every bit of every octet matters, the header's included */
	for (i = 0; i < sizeof(vec_sccrq); i++)
		for (bit = 0; bit < 8; bit++) {
			uint8_t t[sizeof(vec_sccrq)];

			memcpy(t, vec_sccrq, sizeof(t));
			t[i] ^= (uint8_t)(1u << bit);
			CU_ASSERT_EQUAL(l2tp_auth_verify(t, sizeof(t), &s, 1, &none), -1);
		}
	for (i = 0; i < sizeof(vec_sccrp); i++) {
		memcpy(buf, vec_sccrp, sizeof(buf));
		buf[i] ^= 0x80;
		CU_ASSERT_EQUAL(l2tp_auth_verify(buf, sizeof(buf), &s, 1, &from_b), -1);
	}
	/* a nonce changed by one bit */
	{
		uint8_t nb[16];
		struct l2tp_nonces n2 = {nb, 16, nonce_a, 16};

		memcpy(nb, nonce_b, 16);
		nb[15] ^= 1;
		CU_ASSERT_EQUAL(l2tp_auth_verify(vec_sccrp, sizeof(vec_sccrp), &s, 1, &n2), -1);
	}
	/* cut short, no digest, no Message Type */
	CU_ASSERT_EQUAL(l2tp_auth_verify(vec_sccrq, sizeof(vec_sccrq) - 1, &s, 1, &none), -1);
	CU_ASSERT_EQUAL(l2tp_auth_verify(vec_sccrq, 12, &s, 1, &none), -1);
	{
		struct wb w;
		size_t n;

		wb_start(&w, L2TP_MSG_HELLO);
		n = wb_fin(&w);
		CU_ASSERT_EQUAL(l2tp_auth_verify(w.b, n, &s, 1, &none), -1);
		/* a ZLB, and a Length beyond the largest message */
		CU_ASSERT_EQUAL(l2tp_auth_verify(w.b, 12, &s, 1, &none), -1);
		w.b[3] = 12;
		CU_ASSERT_EQUAL(l2tp_auth_verify(w.b, 12, &s, 1, &none), -1);
		w.b[2] = (L2TP_CTRL_MAX_LEN + 1) >> 8;
		w.b[3] = (L2TP_CTRL_MAX_LEN + 1) & 0xff;
		CU_ASSERT_EQUAL(l2tp_auth_verify(w.b, sizeof(w.b), &s, 1, &none), -1);
		/* a digest AVP that is not right after the Message Type */
		wb_start(&w, L2TP_MSG_HELLO);
		wb_avp32(&w, 0, 99, 0);
		wb_avp(&w, M_BIT, 0, L2TP_AVP_DIGEST, vec_sccrq + 26, 17);
		n = wb_fin(&w);
		CU_ASSERT_EQUAL(l2tp_auth_verify(w.b, n, &s, 1, &none), -1);
		/* a Message Type AVP with a Length below 6 */
		memset(&w, 0, sizeof(w));
		w.n = L2TP_CTRL_HDR_LEN;
		wb_avp(&w, M_BIT, 0, 0, vec_sccrq + 20, 23);
		w.b[13] = 2;
		n = wb_fin(&w);
		CU_ASSERT_EQUAL(l2tp_auth_verify(w.b, n, &s, 1, &none), -1);
	}
}

/* Signing is redone after the header changes (retransmission, §4.2),
 * and refuses a type that does not match what was reserved. */
static void
test_resign(void)
{
	const struct l2tp_nonces n = {nonce_a, 16, nonce_b, 16};
	struct l2tp_enc_opts o = {.n_digests = 1, .digest_type = L2TP_DIGEST_SHA1};
	struct l2tp_secret s;
	const struct l2tp_secret *ss[] = {&s};
	struct l2tp_enc_info info;
	struct l2tp_msg m;
	uint8_t buf[128], before[128];

	l2tp_secret_init(&s, "", 0);
	l2tp_msg_init(&m, L2TP_MSG_SCCCN);
	CU_ASSERT_EQUAL_FATAL(l2tp_msg_encode(&m, &o, buf, sizeof(buf), &info), 0);
	memcpy(before, buf, info.len);
	l2tp_auth_sign(buf, &info, L2TP_DIGEST_MD5, ss, &n);
	CU_ASSERT_EQUAL(memcmp(buf, before, info.len), 0);
	l2tp_auth_sign(buf, &info, L2TP_DIGEST_SHA1, ss, &n);
	CU_ASSERT_EQUAL(l2tp_auth_verify(buf, info.len, &s, 1, &n), 0);
	l2tp_hdr_set_seq(buf, 0x1234, 0xabcd);
	CU_ASSERT_EQUAL(buf[8], 0x12);
	CU_ASSERT_EQUAL(buf[11], 0xcd);
	CU_ASSERT_EQUAL(l2tp_auth_verify(buf, info.len, &s, 1, &n), -1);
	l2tp_auth_sign(buf, &info, L2TP_DIGEST_SHA1, ss, &n);
	CU_ASSERT_EQUAL(l2tp_auth_verify(buf, info.len, &s, 1, &n), 0);
	CU_ASSERT_EQUAL_FATAL(l2tp_hdr_parse(buf, info.len, &m), 0);
	CU_ASSERT_EQUAL(m.ns, 0x1234);
	CU_ASSERT_EQUAL(m.nr, 0xabcd);
	CU_ASSERT_EQUAL(m.length, info.len);
}

static CU_TestInfo tests[] = {
	{"keys (vectors)", test_keys},
	{"SCCRQ, HMAC-MD5 (vector)", test_vector_sccrq},
	{"SCCRP, HMAC-SHA-1, nonces (vector)", test_vector_sccrp},
	{"rollover, two digests (vector)", test_vector_rollover},
	{"ICRQ with hidden AVPs (vector)", test_vector_hidden},
	{"hiding chain (vector)", test_hide_chain},
	{"random", test_random},
	{"round trip: every type, every AVP, hidden, digests", test_round_trip_all},
	{"round trip: each AVP alone, extremes", test_round_trip_each},
	{"ZLB and ACK", test_zlb_ack},
	{"bad header", test_bad_header},
	{"unknown and vendor message types", test_unknown_type},
	{"malformed values, M bit both ways", test_bad_values},
	{"edge values that are fine", test_good_edges},
	{"unknown, vendor and misplaced AVPs", test_unknown_avps},
	{"AVP framing", test_bad_framing},
	{"hidden AVP errors", test_hidden_errors},
	{"digest position", test_digest_position},
	{"l2tp_msg_missing per type", test_missing},
	{"encoding refusals", test_encode_errors},
	{"tampered messages fail", test_tamper},
	{"re-signing after a new Nr", test_resign},
	CU_TEST_INFO_NULL,
};

int
main(void)
{
	CU_SuiteInfo suites[] = {
		{"l2tp_msg", NULL, NULL, NULL, NULL, tests},
		CU_SUITE_INFO_NULL,
	};
	unsigned int failed;

	init_nonces();
	if (CU_initialize_registry() != CUE_SUCCESS)
		return 1;
	if (CU_register_suites(suites) != CUE_SUCCESS)
		return 1;
	CU_basic_set_mode(CU_BRM_VERBOSE);
	CU_basic_run_tests();
	failed = CU_get_number_of_failures();
	CU_cleanup_registry();
	return failed != 0;
}
