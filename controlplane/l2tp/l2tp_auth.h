/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Control Message Authentication (RFC 3931 §4.3, §5.4.1) and AVP hiding
 * (§5.3) on OpenSSL's libcrypto, and the random numbers the protocol
 * needs (nonces, tie breakers, cookies, Random Vectors). No message
 * parsing beyond finding the Message Digest AVPs.
 */
#ifndef VCS_L2TP_AUTH_H
#define VCS_L2TP_AUTH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "l2tp_msg.h"

#define L2TP_SECRET_MAX 255

/* The keys one shared secret gives. */
struct l2tp_secret {
	uint8_t digest_key[16];	   /* HMAC_MD5(secret, 2): Message Digest (§5.4.1) */
	struct l2tp_hide_key hide; /* HMAC_MD5(secret, 1): hidden AVPs (§5.3) */
};

/* Derive the keys of secret (len octets, may be 0). Returns 0 or -1. */
int l2tp_secret_init(struct l2tp_secret *s, const void *secret, size_t len);

/* 16 for MD5, 20 for SHA-1, 0 for an unknown type. */
size_t l2tp_digest_len(unsigned int type);

/* What a digest covers besides the message: both nonces, in the order
 * of §5.4.1 (the sender's first). Empty for an SCCRQ. */
struct l2tp_nonces {
	const uint8_t *local;
	size_t local_len;
	const uint8_t *remote;
	size_t remote_len;
};

/*
 * Sign an encoded message: with every digest value zeroed, compute
 * HMAC_Hash(key, local nonce + remote nonce + message) for each reserved
 * digest (info->digest_off), the i-th with secrets[i]. Called after any
 * change to the message, e.g. a new Nr on retransmission.
 */
void l2tp_auth_sign(uint8_t *msg, const struct l2tp_enc_info *info, unsigned int type,
		    const struct l2tp_secret *const secrets[], const struct l2tp_nonces *n);

/*
 * Verify a received message before anything in it is used: its Message
 * Digest AVP(s) must follow the Message Type; the message is good if any
 * digest matches under any of the n_secrets secrets (rollover), computed
 * with the nonces as the receiver sees them (n->local = the sender's =
 * the peer's nonce). Returns the index of the secret that matched, or -1.
 */
int l2tp_auth_verify(const uint8_t *msg, size_t len, const struct l2tp_secret *secrets,
		     unsigned int n_secrets, const struct l2tp_nonces *n);

/* Hide an AVP value (§5.3): out receives the hidden value (2-octet
 * original length, value, padding of pad_len octets, encrypted), out_cap
 * at least 2 + len + pad_len rounded up to 16. Returns its length or -1. */
int l2tp_hide(const struct l2tp_hide_key *k, uint16_t attr_type, const uint8_t *rv, size_t rv_len,
	      const uint8_t *value, size_t len, size_t pad_len, l2tp_rand_fn rand, uint8_t *out,
	      size_t out_cap);

/* Unhide: out receives the original value. Returns its length, or -1 if
 * the hidden length is inconsistent. */
int l2tp_unhide(const struct l2tp_hide_key *k, uint16_t attr_type, const uint8_t *rv, size_t rv_len,
		const uint8_t *hidden, size_t len, uint8_t *out, size_t out_cap);

/* Cryptographically strong random octets (RAND_bytes); aborts if the
 * generator fails, since nothing safe can follow. */
void l2tp_random(void *buf, size_t len);

#endif
