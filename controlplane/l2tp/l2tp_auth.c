/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Control Message Authentication (RFC 3931 §4.3, §5.4.1), AVP hiding
 * (§5.3) and random numbers, on OpenSSL 3's libcrypto: EVP_MAC for the
 * digests (it takes the nonces and the message piecewise, so a message
 * is never copied to zero its digests), EVP_Digest for the MD5 chain of
 * hiding, HMAC() for the two derived keys, RAND_bytes for the rest.
 */
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/core_names.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/rand.h>

#include "l2tp_auth.h"

/* The largest hidden value: an AVP's whole value field. */
#define HIDDEN_MAX (L2TP_AVP_MAX_LEN - L2TP_AVP_HDR_LEN)
#define MD5_LEN	   16

/* A span of the message whose octets the digest reads as zeros. */
struct zero_span {
	size_t off, len;
};

/*
 * HMAC_MD5(secret, single octet) for both keys. §5.4.1: "The derived
 * shared key is obtained via an HMAC-MD5 keyed hash [RFC2104], with the
 * key consisting of the shared secret, and with the data being hashed
 * consisting of a single octet containing the value 2" (digest key);
 * §5.3 says the same with the value 1 (hiding key). The octet is the
 * number, not its ASCII digit. §4.3 refers to "Section 5.4.3" for this
 * calculation; the text is in §5.4.1. An empty secret is allowed: §4.3
 * digests with "an empty zero-length shared secret" when authentication
 * is off.
 */
static int
derive(const void *secret, size_t len, uint8_t octet, uint8_t out[16])
{
	unsigned int out_len = 0;

	/* len <= L2TP_SECRET_MAX: an int */
	if (HMAC(EVP_md5(), len ? secret : "", (int)len, &octet, 1, out, &out_len) == NULL ||
	    out_len != 16)
		return -1;
	return 0;
}

int
l2tp_secret_init(struct l2tp_secret *s, const void *secret, size_t len)
{
	if (len > L2TP_SECRET_MAX || (secret == NULL && len != 0))
		return -1;
	if (derive(secret, len, 2, s->digest_key) < 0 || derive(secret, len, 1, s->hide.key) < 0) {
		OPENSSL_cleanse(s, sizeof(*s));
		return -1;
	}
	return 0;
}

size_t
l2tp_digest_len(unsigned int type)
{
	switch (type) {
	case L2TP_DIGEST_MD5:
		return 16;
	case L2TP_DIGEST_SHA1:
		return 20;
	}
	return 0;
}

static const char *
digest_name(unsigned int type)
{
	return type == L2TP_DIGEST_MD5 ? "MD5" : "SHA1";
}

/*
 * HMAC_Hash(key, local_nonce + remote_nonce + control_message) with the
 * value of every Message Digest AVP read as zeros (§5.4.1: "the Value
 * field for both of the Message Digest AVPs MUST be set to zero").
 * spans are in ascending order, inside msg. Returns false only if
 * libcrypto fails.
 */
static bool
hmac_msg(unsigned int type, const uint8_t key[16], const struct l2tp_nonces *n, const uint8_t *msg,
	 size_t len, const struct zero_span *spans, unsigned int n_spans,
	 uint8_t out[L2TP_DIGEST_MAX])
{
	static const uint8_t zeros[L2TP_DIGEST_MAX];
	OSSL_PARAM params[2];
	EVP_MAC_CTX *ctx = NULL;
	EVP_MAC *mac;
	size_t at = 0, out_len = 0;
	unsigned int i;
	bool ok = false;

	mac = EVP_MAC_fetch(NULL, OSSL_MAC_NAME_HMAC, NULL);
	if (mac == NULL)
		return false;
	ctx = EVP_MAC_CTX_new(mac);
	if (ctx == NULL)
		goto out;
	params[0] = OSSL_PARAM_construct_utf8_string(OSSL_MAC_PARAM_DIGEST,
						     (char *)digest_name(type), 0);
	params[1] = OSSL_PARAM_construct_end();
	if (!EVP_MAC_init(ctx, key, 16, params))
		goto out;
	if (n != NULL && ((n->local_len && !EVP_MAC_update(ctx, n->local, n->local_len)) ||
			  (n->remote_len && !EVP_MAC_update(ctx, n->remote, n->remote_len))))
		goto out;
	for (i = 0; i < n_spans; i++) {
		if (!EVP_MAC_update(ctx, msg + at, spans[i].off - at) ||
		    !EVP_MAC_update(ctx, zeros, spans[i].len))
			goto out;
		at = spans[i].off + spans[i].len;
	}
	if (!EVP_MAC_update(ctx, msg + at, len - at) ||
	    !EVP_MAC_final(ctx, out, &out_len, L2TP_DIGEST_MAX) || out_len != l2tp_digest_len(type))
		goto out;
	ok = true;
out:
	EVP_MAC_CTX_free(ctx);
	EVP_MAC_free(mac);
	return ok;
}

void
l2tp_auth_sign(uint8_t *msg, const struct l2tp_enc_info *info, unsigned int type,
	       const struct l2tp_secret *const secrets[], const struct l2tp_nonces *n)
{
	uint8_t d[2][L2TP_DIGEST_MAX];
	struct zero_span spans[2];
	unsigned int i;

	/* the encoder reserved digest_len octets per digest, for one type */
	if (info->n_digests > 2 || l2tp_digest_len(type) != info->digest_len)
		return;
	for (i = 0; i < info->n_digests; i++)
		spans[i] = (struct zero_span){info->digest_off[i], info->digest_len};
	/* every digest is computed before any is written: each covers the
	 * message with all of them zero */
	for (i = 0; i < info->n_digests; i++)
		if (!hmac_msg(type, secrets[i]->digest_key, n, msg, info->len, spans,
			      info->n_digests, d[i]))
			memset(d[i], 0, sizeof(d[i]));
	for (i = 0; i < info->n_digests; i++)
		memcpy(msg + info->digest_off[i], d[i], info->digest_len);
}

static uint16_t
be16(const uint8_t *p)
{
	return (uint16_t)(p[0] << 8 | p[1]);
}

/*
 * A Message Digest AVP at msg[off]: 0 with *type and *span (its value) set,
 * or -1. It must be unhidden, IETF, type 59, with the length of its
 * Digest Type.
 */
static int
digest_at(const uint8_t *msg, size_t len, size_t off, unsigned int *type, struct zero_span *span)
{
	size_t avp_len, dlen;

	if (len - off < L2TP_AVP_HDR_LEN + 1)
		return -1;
	avp_len = be16(msg + off) & 0x3ff;
	if ((msg[off] & 0x40) || be16(msg + off + 2) != 0 ||
	    be16(msg + off + 4) != L2TP_AVP_DIGEST || avp_len > len - off)
		return -1;
	*type = msg[off + L2TP_AVP_HDR_LEN];
	dlen = l2tp_digest_len(*type);
	if (dlen == 0 || avp_len != L2TP_AVP_HDR_LEN + 1 + dlen)
		return -1;
	*span = (struct zero_span){off + L2TP_AVP_HDR_LEN + 1, dlen};
	return 0;
}

int
l2tp_auth_verify(const uint8_t *msg, size_t len, const struct l2tp_secret *secrets,
		 unsigned int n_secrets, const struct l2tp_nonces *n)
{
	uint8_t want[L2TP_DIGEST_MAX];
	struct zero_span spans[2];
	unsigned int types[2], n_dig = 0, s, i;
	size_t off;

	if (len < L2TP_CTRL_HDR_LEN || (be16(msg) & 0xc80f) != L2TP_CTRL_FLAGS)
		return -1;
	/* the message is what its header's Length says, within the buffer */
	if (be16(msg + 2) > len)
		return -1;
	len = be16(msg + 2);
	if (len < L2TP_CTRL_HDR_LEN + L2TP_AVP_HDR_LEN || len > L2TP_CTRL_MAX_LEN)
		return -1;
	/* the Message Type AVP, whatever it holds (decoding judges it), then
	 * one or two digests directly after it (§5.4.1) */
	off = L2TP_CTRL_HDR_LEN;
	if ((be16(msg + off) & 0x3ff) < L2TP_AVP_HDR_LEN)
		return -1;
	off += be16(msg + off) & 0x3ff;
	while (n_dig < 2 && off < len &&
	       digest_at(msg, len, off, &types[n_dig], &spans[n_dig]) == 0) {
		off = spans[n_dig].off + spans[n_dig].len;
		n_dig++;
	}
	for (s = 0; s < n_secrets; s++)
		for (i = 0; i < n_dig; i++)
			if (hmac_msg(types[i], secrets[s].digest_key, n, msg, len, spans, n_dig,
				     want) &&
			    CRYPTO_memcmp(want, msg + spans[i].off, spans[i].len) == 0)
				return (int)s;
	return -1;
}

/*
 * The §5.3 chain over buf (len octets, in place): b_1 = MD5(A + S + RV),
 * b_i = MD5(S + c_{i-1}); c_i = p_i xor b_i. hiding: buf holds p and
 * receives c; otherwise buf holds c and receives p. A last chunk
 * shorter than 16 octets is XORed with the start of its b_i ("only the
 * actual octets present in the Subformat are modified").
 */
static bool
md5_chain(const struct l2tp_hide_key *k, uint16_t attr_type, const uint8_t *rv, size_t rv_len,
	  uint8_t *buf, size_t len, bool hiding)
{
	const uint8_t a[2] = {(uint8_t)(attr_type >> 8), (uint8_t)attr_type};
	uint8_t b[MD5_LEN], c_prev[MD5_LEN];
	size_t off, j, chunk;
	EVP_MD_CTX *ctx;
	bool ok = false;

	ctx = EVP_MD_CTX_new();
	if (ctx == NULL)
		return false;
	for (off = 0; off < len; off += chunk) {
		if (!EVP_DigestInit_ex(ctx, EVP_md5(), NULL))
			goto out;
		if (off == 0) {
			if (!EVP_DigestUpdate(ctx, a, sizeof(a)) ||
			    !EVP_DigestUpdate(ctx, k->key, sizeof(k->key)) ||
			    (rv_len && !EVP_DigestUpdate(ctx, rv, rv_len)))
				goto out;
		} else if (!EVP_DigestUpdate(ctx, k->key, sizeof(k->key)) ||
			   !EVP_DigestUpdate(ctx, c_prev, MD5_LEN)) {
			goto out;
		}
		if (!EVP_DigestFinal_ex(ctx, b, NULL))
			goto out;
		chunk = len - off < MD5_LEN ? len - off : MD5_LEN;
		/* the next block hashes this ciphertext: keep it before
		 * unhiding overwrites it */
		if (!hiding)
			memcpy(c_prev, buf + off, chunk);
		for (j = 0; j < chunk; j++)
			buf[off + j] ^= b[j];
		if (hiding)
			memcpy(c_prev, buf + off, chunk);
	}
	ok = true;
out:
	EVP_MD_CTX_free(ctx);
	OPENSSL_cleanse(b, sizeof(b));
	return ok;
}

int
l2tp_hide(const struct l2tp_hide_key *k, uint16_t attr_type, const uint8_t *rv, size_t rv_len,
	  const uint8_t *value, size_t len, size_t pad_len, l2tp_rand_fn rand, uint8_t *out,
	  size_t out_cap)
{
	size_t n;

	/* the subformat, padded at the end with random data to a 16-octet
	 * boundary (§5.3, "p_1, p_2, etc., with the last one padded") */
	if (len > HIDDEN_MAX || pad_len > HIDDEN_MAX)
		return -1;
	n = (2 + len + pad_len + MD5_LEN - 1) / MD5_LEN * MD5_LEN;
	if (n > HIDDEN_MAX || n > out_cap)
		return -1;
	out[0] = (uint8_t)(len >> 8);
	out[1] = (uint8_t)len;
	if (len)
		memcpy(out + 2, value, len);
	(rand ? rand : l2tp_random)(out + 2 + len, n - 2 - len);
	if (!md5_chain(k, attr_type, rv, rv_len, out, n, true))
		return -1;
	return (int)n;
}

int
l2tp_unhide(const struct l2tp_hide_key *k, uint16_t attr_type, const uint8_t *rv, size_t rv_len,
	    const uint8_t *hidden, size_t len, uint8_t *out, size_t out_cap)
{
	uint8_t buf[HIDDEN_MAX];
	size_t orig;
	int rc = -1;

	if (len < 2 || len > sizeof(buf))
		return -1;
	memcpy(buf, hidden, len);
	if (!md5_chain(k, attr_type, rv, rv_len, buf, len, false))
		goto out;
	orig = be16(buf);
	if (orig > len - 2 || orig > out_cap)
		goto out;
	if (orig)
		memcpy(out, buf + 2, orig);
	rc = (int)orig;
out:
	OPENSSL_cleanse(buf, len);
	return rc;
}

void
l2tp_random(void *buf, size_t len)
{
	uint8_t *p = buf;
	int chunk;

	while (len > 0) {
		chunk = len > INT_MAX ? INT_MAX : (int)len;
		if (RAND_bytes(p, chunk) != 1) {
			fprintf(stderr, "vcswitch: RAND_bytes failed: no safe random numbers\n");
			abort();
		}
		p += chunk;
		len -= (size_t)chunk;
	}
}
