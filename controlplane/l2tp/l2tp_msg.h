/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * L2TPv3 control messages (RFC 3931 §3.2, §5, §6) as C structs and back:
 * the control header, every AVP vcswitch understands, hidden AVPs (§5.3)
 * and the presence rules of §6. No I/O and no connection state: the
 * digest is computed by l2tp_auth over the bytes this module produces.
 *
 * Buffers hold a message from its first header octet: over IP, after the
 * four zero octets of the Session ID (§4.1.1.2); over UDP, right after
 * the UDP header.
 */
#ifndef VCS_L2TP_MSG_H
#define VCS_L2TP_MSG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define L2TP_CTRL_HDR_LEN  12
#define L2TP_CTRL_MAX_LEN  4096 /* the largest message built or accepted */
#define L2TP_AVP_HDR_LEN   6
#define L2TP_AVP_MAX_LEN   1023
#define L2TP_NAME_MAX	   255 /* host name, vendor name (stored, NUL-terminated) */
#define L2TP_END_ID_MAX	   128 /* Remote End ID octets stored; longer is refused */
#define L2TP_ERRMSG_MAX	   255
#define L2TP_NONCE_MIN	   16 /* what we send (§4.3 recommends >= 16) */
#define L2TP_NONCE_MAX	   256
#define L2TP_PW_CAPS_MAX   32
#define L2TP_DIGEST_MAX	   20
#define L2TP_RANDOM_VECTOR 16 /* the Random Vector we send */

/* First 16 bits of every control message: T=1, L=1, S=1, Ver=3. */
#define L2TP_CTRL_FLAGS 0xc803

/* Message types (§3.1, §6, IANA). */
enum l2tp_msg_type {
	L2TP_MSG_ZLB = 0, /* ours: a header with no AVP at all (§6.15) */
	L2TP_MSG_SCCRQ = 1,
	L2TP_MSG_SCCRP = 2,
	L2TP_MSG_SCCCN = 3,
	L2TP_MSG_STOPCCN = 4,
	L2TP_MSG_HELLO = 6,
	L2TP_MSG_OCRQ = 7,
	L2TP_MSG_OCRP = 8,
	L2TP_MSG_OCCN = 9,
	L2TP_MSG_ICRQ = 10,
	L2TP_MSG_ICRP = 11,
	L2TP_MSG_ICCN = 12,
	L2TP_MSG_CDN = 14,
	L2TP_MSG_WEN = 15,
	L2TP_MSG_SLI = 16,
	L2TP_MSG_ACK = 20,
	L2TP_MSG_TYPE_MAX = 21,
	/* ours, for a message type this codec does not know, or'ed with the
	 * 16-bit type from the wire; only with M=0 is such a message
	 * decoded (L2TP_DEC_OK), and then the caller ignores it (§5.4.1).
	 * No known type can match them. */
	L2TP_MSG_UNKNOWN = 0x10000, /* an IETF type, e.g. 5, 13 or 21 */
	L2TP_MSG_VENDOR = 0x20000,  /* a vendor-specific one (Vendor ID not 0) */
};

/* The IETF AVPs this codec understands (vendor 0), by attribute type. */
enum l2tp_avp_type {
	L2TP_AVP_MSG_TYPE = 0,
	L2TP_AVP_RESULT_CODE = 1,
	L2TP_AVP_TIE_BREAKER = 5,
	L2TP_AVP_HOST_NAME = 7,
	L2TP_AVP_VENDOR_NAME = 8,
	L2TP_AVP_RECV_WINDOW = 10,
	L2TP_AVP_SERIAL = 15,
	L2TP_AVP_PHYS_CHANNEL = 25,
	L2TP_AVP_CIRCUIT_ERRORS = 34,
	L2TP_AVP_RANDOM_VECTOR = 36,
	L2TP_AVP_EXT_VENDOR = 58,
	L2TP_AVP_DIGEST = 59,
	L2TP_AVP_ROUTER_ID = 60,
	L2TP_AVP_ASSIGNED_CCID = 61,
	L2TP_AVP_PW_CAPS = 62,
	L2TP_AVP_LOCAL_SID = 63,
	L2TP_AVP_REMOTE_SID = 64,
	L2TP_AVP_COOKIE = 65,
	L2TP_AVP_REMOTE_END_ID = 66,
	L2TP_AVP_PW_TYPE = 68,
	L2TP_AVP_L2SS = 69,
	L2TP_AVP_DATA_SEQ = 70,
	L2TP_AVP_CIRCUIT_STATUS = 71,
	L2TP_AVP_PREF_LANG = 72,
	L2TP_AVP_NONCE = 73,
	L2TP_AVP_TX_SPEED = 74,
	L2TP_AVP_RX_SPEED = 75,
	L2TP_AVP_TYPE_MAX = 128, /* presence bitmap size */
};

/* Result codes (§5.4.2). */
enum l2tp_stopccn_result {
	L2TP_STOP_CLEAR = 1,
	L2TP_STOP_ERROR = 2,	/* see the error code */
	L2TP_STOP_EXISTS = 3,	/* control connection already exists */
	L2TP_STOP_NOT_AUTH = 4, /* requester not authorised */
	L2TP_STOP_VERSION = 5,	/* error code = highest version supported */
	L2TP_STOP_SHUTDOWN = 6, /* requester being shut down */
	L2TP_STOP_FSM = 7,	/* FSM error or timeout */
};
enum l2tp_cdn_result {
	L2TP_CDN_LOST_CARRIER = 1,
	L2TP_CDN_ERROR = 2, /* see the error code */
	L2TP_CDN_ADMIN = 3,
	L2TP_CDN_NO_FACILITIES_TEMP = 4,
	L2TP_CDN_NO_FACILITIES_PERM = 5,
	L2TP_CDN_TIE_LOST = 13,
	L2TP_CDN_PW_TYPE = 14,
	L2TP_CDN_SEQ_WITHOUT_L2SS = 15,
	L2TP_CDN_FSM = 16,
};
enum l2tp_error {
	L2TP_ERR_NONE = 0,
	L2TP_ERR_NO_CONN = 1,
	L2TP_ERR_LENGTH = 2,
	L2TP_ERR_RANGE = 3,
	L2TP_ERR_RESOURCES = 4,
	L2TP_ERR_SESSION_ID = 5,
	L2TP_ERR_VENDOR = 6,
	L2TP_ERR_TRY_ANOTHER = 7,
	L2TP_ERR_UNKNOWN_MANDATORY = 8,
};

/* Circuit Status (AVP 71) bits (§5.4.5; RFC 5641). */
#define L2TP_CS_ACTIVE	0x0001
#define L2TP_CS_NEW	0x0002
#define L2TP_CS_STANDBY 0x0040 /* RFC 5641 §2: no user traffic either */

/* Data Sequencing (AVP 70) values. */
enum l2tp_data_seq {
	L2TP_SEQ_NONE = 0,
	L2TP_SEQ_NON_IP = 1,
	L2TP_SEQ_ALL = 2,
};

enum l2tp_digest_type {
	L2TP_DIGEST_MD5 = 0,  /* HMAC-MD5, 16 octets: MUST (§5.4.1) */
	L2TP_DIGEST_SHA1 = 1, /* HMAC-SHA-1, 20 octets */
};

/* A control message. Fields are valid where l2tp_msg_has() says so. */
struct l2tp_msg {
	/* header */
	uint16_t length; /* decoded: the header's Length */
	uint32_t ccid;	 /* the recipient's Control Connection ID */
	uint16_t ns, nr;

	uint32_t type;			       /* enum l2tp_msg_type; L2TP_MSG_ZLB without AVPs */
	bool type_mandatory;		       /* the Message Type AVP's M bit */
	uint64_t avps[L2TP_AVP_TYPE_MAX / 64]; /* presence, by attribute type */

	/* Result Code (1) */
	uint16_t result, error;
	bool has_error; /* the error code is present */
	/* the Error Message (needs has_error): a longer one is cut to
	 * L2TP_ERRMSG_MAX octets; errmsg_len counts what errmsg holds, which
	 * may include NULs; errmsg[errmsg_len] is NUL */
	uint16_t errmsg_len;
	char errmsg[L2TP_ERRMSG_MAX + 1];

	uint8_t tie_breaker[8]; /* 5 */
	char host_name[L2TP_NAME_MAX + 1];
	char vendor_name[L2TP_NAME_MAX + 1];
	uint16_t recv_window;  /* 10 */
	uint32_t serial;       /* 15 */
	uint32_t phys_channel; /* 25 */
	uint32_t
		circuit_errors[4]; /* 34: hardware overruns, buffer overruns, timeouts, alignment */

	/* Message Digest (59): at most two (§5.4.1, rollover) */
	unsigned int n_digests;
	uint8_t digest_type[2];
	uint8_t digest[2][L2TP_DIGEST_MAX];

	uint32_t router_id;	/* 60 */
	uint32_t assigned_ccid; /* 61 */
	unsigned int n_pw_caps; /* 62 */
	uint16_t pw_caps[L2TP_PW_CAPS_MAX];
	uint32_t local_sid, remote_sid; /* 63, 64 */
	uint8_t cookie_len;		/* 65: 0, 4 or 8 */
	uint8_t cookie[8];
	uint16_t end_id_len; /* 66 */
	uint8_t end_id[L2TP_END_ID_MAX];
	uint16_t pw_type;		   /* 68 */
	uint16_t l2ss;			   /* 69 */
	uint16_t data_seq;		   /* 70 */
	uint16_t circuit_status;	   /* 71 */
	char pref_lang[L2TP_NAME_MAX + 1]; /* 72 */
	uint16_t nonce_len;		   /* 73 */
	uint8_t nonce[L2TP_NONCE_MAX];
	uint64_t tx_speed, rx_speed; /* 74, 75: bits/s */

	/* decoding only: the first AVP that made the message unacceptable */
	uint16_t bad_avp_type;
	uint32_t bad_avp_vendor;
};

static inline bool
l2tp_msg_has(const struct l2tp_msg *m, unsigned int avp)
{
	return avp < L2TP_AVP_TYPE_MAX && (m->avps[avp / 64] >> (avp % 64) & 1);
}

static inline void
l2tp_msg_set(struct l2tp_msg *m, unsigned int avp)
{
	m->avps[avp / 64] |= UINT64_C(1) << (avp % 64);
}

/* A message of type t with no AVP but the Message Type set. */
void l2tp_msg_init(struct l2tp_msg *m, enum l2tp_msg_type t);

const char *l2tp_msg_type_name(unsigned int t); /* "SCCRQ", ..., "type 99" */
const char *l2tp_avp_name(unsigned int t);	/* "Host Name", ..., "AVP 99" */

/* ---- raw AVPs ---- */

struct l2tp_avp {
	bool mandatory, hidden;
	uint16_t length; /* the AVP's Length field: header included */
	uint32_t vendor; /* 0: IETF; the Extended Vendor ID AVP's for vendor 0 type 58 */
	uint16_t type;
	const uint8_t *value; /* as on the wire (still hidden if hidden) */
	uint16_t value_len;
};

struct l2tp_avp_iter {
	const uint8_t *p, *end;
};

/* Iterate the AVPs of a message whose header was accepted by
 * l2tp_hdr_parse(). Returns 1 with *a set, 0 at the end, -1 on an AVP
 * whose length is out of range or runs past the message. */
void l2tp_avp_iter_init(struct l2tp_avp_iter *it, const uint8_t *msg, size_t len);
int l2tp_avp_next(struct l2tp_avp_iter *it, struct l2tp_avp *a);

/* ---- decoding ---- */

enum l2tp_dec {
	L2TP_DEC_OK,
	/* T, L, S or Ver wrong, a Length beyond the buffer or below 12, or
	 * (with AVPs) no Message Type AVP first: discard silently (§7.1) */
	L2TP_DEC_BAD_HEADER,
	/* an AVP is malformed (bad length, bad value, hidden without a key or
	 * a Random Vector before it) or unknown, and its M bit is set; or a
	 * known AVP is not allowed in this message type and is mandatory:
	 * answer with Result 2 / Error 8 (§5.2); bad_avp_* names it */
	L2TP_DEC_BAD_MANDATORY_AVP,
	/* an unknown message type with M=1: clear the connection (§5.4.1);
	 * with M=0, DEC_OK is returned and the caller ignores the message */
	L2TP_DEC_UNKNOWN_TYPE,
};

/* Where hidden AVPs are unhidden from: the hiding key of the secret the
 * digest verified with (l2tp_auth), or NULL with no secret. */
struct l2tp_hide_key {
	uint8_t key[16]; /* HMAC_MD5(secret, 1) (§5.3) */
};

/* Parse the header only: 0 with ccid/ns/nr/length set (and the rest of
 * m cleared), or -1 (discard). A ZLB passes here. */
int l2tp_hdr_parse(const uint8_t *msg, size_t len, struct l2tp_msg *m);

/* Parse a whole message. Unknown AVPs with M=0 and vendor AVPs with
 * M=0 are skipped. */
enum l2tp_dec l2tp_msg_decode(const uint8_t *msg, size_t len, const struct l2tp_hide_key *hk,
			      struct l2tp_msg *m);

/* The first AVP §6 requires for m's type that m lacks, or -1. An ICRQ
 * or OCRQ whose Remote Session ID is not 0 lacks it: the peer has not
 * assigned one yet (§5.4.4). */
int l2tp_msg_missing(const struct l2tp_msg *m);

/* ---- encoding ---- */

typedef void (*l2tp_rand_fn)(void *buf, size_t len);

struct l2tp_enc_opts {
	/* Message Digest AVPs to reserve right after the Message Type, with
	 * zero values for l2tp_auth_sign(): 0, 1 or 2 (rollover) */
	unsigned int n_digests;
	uint8_t digest_type; /* enum l2tp_digest_type */
	/* AVPs to hide (a bitmap by attribute type, as l2tp_msg.avps), with
	 * hk; only those §5.3 allows are hidden. A Random Vector precedes
	 * the first hidden AVP. */
	uint64_t hide[L2TP_AVP_TYPE_MAX / 64];
	const struct l2tp_hide_key *hk;
	l2tp_rand_fn rand; /* Random Vector and hiding padding; NULL: l2tp_random */
};

struct l2tp_enc_info {
	size_t len;
	unsigned int n_digests;
	size_t digest_off[2]; /* offset of each digest value (after Digest Type) */
	size_t digest_len;
};

/* Encode m (its header fields as given, Length computed) into buf:
 * Message Type, the Message Digest(s), a Random Vector if anything is
 * hidden, then the other AVPs in attribute-type order, each with the M
 * bit RFC 3931 gives it. The Message Type, Random Vector and Message
 * Digest presence bits of m are not looked at: o decides those.
 * Returns 0, or -1 if buf is too small, a field is out of range (what
 * decoding would refuse), m's type is not one of ours, an AVP is not
 * one §6 allows in it, hiding is asked for without hk, or a ZLB is
 * asked to carry a digest. */
int l2tp_msg_encode(const struct l2tp_msg *m, const struct l2tp_enc_opts *o, uint8_t *buf,
		    size_t cap, struct l2tp_enc_info *info);

/* Rewrite Ns and Nr of an encoded message (retransmission with the
 * current Nr, §4.2). */
void l2tp_hdr_set_seq(uint8_t *msg, uint16_t ns, uint16_t nr);

#endif
