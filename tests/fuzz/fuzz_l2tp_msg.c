/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * libFuzzer target for the L2TPv3 control-message codec and its
 * authentication: any bytes as a received control message. Besides
 * crashes, leaks and undefined behaviour, it catches
 * - an AVP iteration that leaves the message or loops;
 * - a decoded message that cannot be encoded again, or whose encoding
 *   decodes to something else: every message that decodes is encoded
 *   clear, and hidden with 0, 1 or 2 digests, each decoded again and
 *   compared through its canonical encoding (clear, no digest, which is
 *   deterministic);
 * - a re-encoded message whose digest does not verify.
 * Each input is decoded without and with a hiding key: the seeds carry
 * hidden AVPs made with the key below.
 *
 * Seeds (corpus/l2tp_msg), written by tests/vectors/l2tp_msg_vectors.py
 * --corpus from RFC 3931's layouts, not by this codec: one message of
 * each type with every AVP §6 allows in it, clear, and hidden and
 * signed with the secret and nonces below; the unit test's vectors; and
 * malformed or foreign ones (unknown and vendor types and AVPs, bad
 * framing, hidden AVPs without a Random Vector, a ZLB).
 */
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "l2tp_auth.h"
#include "l2tp_msg.h"

#define SECRET "fuzz"

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static struct l2tp_secret secrets[2];
static const uint8_t nonce_a[16] = {0x10, 0x11, 0x12, 0x13, 0x14, 0x15, 0x16, 0x17,
				    0x18, 0x19, 0x1a, 0x1b, 0x1c, 0x1d, 0x1e, 0x1f};
static const uint8_t nonce_b[16] = {0x20, 0x21, 0x22, 0x23, 0x24, 0x25, 0x26, 0x27,
				    0x28, 0x29, 0x2a, 0x2b, 0x2c, 0x2d, 0x2e, 0x2f};

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	if (l2tp_secret_init(&secrets[0], SECRET, strlen(SECRET)) < 0 ||
	    l2tp_secret_init(&secrets[1], "", 0) < 0)
		abort();
	return 0;
}

/* Reproducible "random" octets, so that a crash replays. */
static void
fixed_rand(void *buf, size_t len)
{
	memset(buf, 0xa5, len);
}

/* What decoding returns OK with is a ZLB, one of the types it knows,
 * or one flagged L2TP_MSG_UNKNOWN or L2TP_MSG_VENDOR. */
static bool
known_type(uint32_t t)
{
	return t != L2TP_MSG_ZLB && t < L2TP_MSG_TYPE_MAX;
}

/* The canonical bytes of m: clear, no digest. */
static size_t
canonical(const struct l2tp_msg *m, uint8_t *buf, size_t cap)
{
	struct l2tp_enc_info info;

	if (l2tp_msg_encode(m, NULL, buf, cap, &info) < 0)
		abort();
	return info.len;
}

/* m encoded with these options, signed, verified, decoded again:
 * the same canonical bytes as m. */
static void
again(const struct l2tp_msg *m, unsigned int n_digests, unsigned int dtype, bool hide)
{
	const struct l2tp_secret *const ss[] = {&secrets[0], &secrets[1]};
	const struct l2tp_nonces n = {nonce_a, sizeof(nonce_a), nonce_b, sizeof(nonce_b)};
	struct l2tp_enc_opts o = {
		.n_digests = n_digests, .digest_type = (uint8_t)dtype, .rand = fixed_rand};
	uint8_t buf[L2TP_CTRL_MAX_LEN], c1[L2TP_CTRL_MAX_LEN], c2[L2TP_CTRL_MAX_LEN];
	struct l2tp_enc_info info;
	struct l2tp_msg d;
	size_t l1, l2;

	if (hide) {
		o.hide[0] = o.hide[1] = ~UINT64_C(0);
		o.hk = &secrets[0].hide;
	}
	/* what decoded fits a message at most as long once hidden: a
	 * Random Vector (22) and up to 17 octets per hidden AVP beyond what
	 * arrived may not, and then nothing is compared */
	if (l2tp_msg_encode(m, &o, buf, sizeof(buf), &info) < 0) {
		if (!hide && n_digests == m->n_digests)
			abort();
		return;
	}
	l2tp_auth_sign(buf, &info, dtype, ss, &n);
	if (n_digests && l2tp_auth_verify(buf, info.len, secrets, 2, &n) != 0)
		abort();
	if (l2tp_msg_decode(buf, info.len, &secrets[0].hide, &d) != L2TP_DEC_OK ||
	    d.n_digests != n_digests || l2tp_msg_missing(&d) != l2tp_msg_missing(m))
		abort();
	l1 = canonical(m, c1, sizeof(c1));
	l2 = canonical(&d, c2, sizeof(c2));
	if (l1 != l2 || memcmp(c1, c2, l1) != 0)
		abort();
}

static void
decode(const uint8_t *data, size_t size, const struct l2tp_hide_key *hk)
{
	unsigned int dtype;
	struct l2tp_msg m;
	enum l2tp_dec r;

	r = l2tp_msg_decode(data, size, hk, &m);
	(void)l2tp_msg_type_name(m.type);
	(void)l2tp_avp_name(m.bad_avp_type);
	if (r != L2TP_DEC_OK || !known_type(m.type)) {
		if (r == L2TP_DEC_OK && m.type != L2TP_MSG_ZLB && m.type_mandatory)
			abort(); /* an unknown mandatory type is never OK */
		return;
	}
	if (m.length > size || m.n_digests > 2 || m.cookie_len > 8 ||
	    m.errmsg_len > L2TP_ERRMSG_MAX || m.errmsg[m.errmsg_len] != '\0')
		abort();
	/* MD5 if either digest was: the message does not grow, so it must
	 * encode again */
	dtype = m.n_digests && (m.digest_type[0] == L2TP_DIGEST_MD5 ||
				(m.n_digests == 2 && m.digest_type[1] == L2TP_DIGEST_MD5))
			? L2TP_DIGEST_MD5
			: L2TP_DIGEST_SHA1;
	again(&m, m.n_digests, m.n_digests ? dtype : 0, false);
	again(&m, 0, 0, true);
	again(&m, 1, L2TP_DIGEST_MD5, true);
	again(&m, 2, L2TP_DIGEST_SHA1, true);
}

static void
iterate(const uint8_t *data, size_t size)
{
	struct l2tp_avp_iter it;
	struct l2tp_avp a;
	struct l2tp_msg h;
	size_t total = L2TP_CTRL_HDR_LEN;
	int rc;

	if (l2tp_hdr_parse(data, size, &h) < 0)
		return;
	l2tp_avp_iter_init(&it, data, size);
	while ((rc = l2tp_avp_next(&it, &a)) == 1) {
		if (a.length < L2TP_AVP_HDR_LEN || a.value < data ||
		    a.value + a.value_len > data + h.length)
			abort();
		total += a.length;
	}
	if (total > h.length || (rc == 0 && total != h.length))
		abort();
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const struct l2tp_nonces n = {nonce_a, sizeof(nonce_a), nonce_b, sizeof(nonce_b)};
	uint8_t out[L2TP_AVP_MAX_LEN];

	decode(data, size, NULL);
	decode(data, size, &secrets[0].hide);
	iterate(data, size);
	(void)l2tp_auth_verify(data, size, secrets, 2, &n);
	(void)l2tp_auth_verify(data, size, secrets, 1, NULL);
	/* the input as a hidden value, its first octets as the Random
	 * Vector */
	if (size >= 2)
		(void)l2tp_unhide(&secrets[0].hide, (uint16_t)(data[0] << 8 | data[1]), data,
				  size > 16 ? 16 : size, data, size, out, sizeof(out));
	return 0;
}
