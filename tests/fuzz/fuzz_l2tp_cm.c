/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * libFuzzer target for the L2TPv3 call manager: a configured peer's
 * control messages, the clock, the client and the data plane, in any
 * order. Besides crashes, leaks and undefined behaviour, it catches a
 * call manager that leaves anything in the core: after the input, the
 * call manager is stopped, the client lets go of everything, and
 * core_destroy() must find no object left.
 *
 * The input: one octet of configuration, then operations, each an octet
 * (its low 3 bits the operation) and its operands:
 *   bit 0 of the configuration: a secret (authentication); bit 1: we
 *   initiate; bit 2: over UDP; bit 3: the client pends its answers to
 *   offers; bit 4: a second secret (rollover); bit 5: hidden AVPs.
 *   0 RAW      len(1) bytes: a message as it comes
 *   1 FIXED    len(1) bytes: the same with a valid header (flags, Length,
 *              a CCID of ours, the peer's Ns/Nr) and, authenticating, its
 *              digest signed when a Message Digest AVP follows the
 *              Message Type
 *   2 BUILT    type(1) args(4): a well-formed message of that type built
 *              with the codec from the IDs seen so far, one AVP maybe
 *              dropped, signed when authenticating
 *   3 TIME     n(1): n * 50 ms pass (n = 255: a minute)
 *   4 CLIENT   what(1): make a call (ICRQ or OCRQ), close a call, answer
 *              a pending offer, delete the VCs it is done with
 *   5 LINK     the access port's link flips
 *   6 DRAIN    the data plane completes its pending deactivations
 *   7 ACK      the peer acknowledges what it took
 * The seeds (corpus/l2tp_cm) bring connections and calls up both ways
 * and tear them down, with and without a secret.
 */
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <arpa/inet.h>

#include <rte_log.h>

#include "cfg.h"
#include "cm.h"
#include "l2tp_auth.h"
#include "l2tp_cm.h"
#include "l2tp_msg.h"

#define SECRET	    "fuzz"
#define SECRET2	    "fuzz-next"
#define AC_PORT	    1
#define MAX_VCS	    32
#define MAX_PENDING 64
#define MAX_IDS	    8
#define PEER_CCID   0x0b000001u

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* ---- the input ---- */

struct in {
	const uint8_t *p;
	size_t n;
};

static uint8_t
get8(struct in *in)
{
	uint8_t v = 0;

	if (in->n != 0) {
		v = *in->p++;
		in->n--;
	}
	return v;
}

/* ---- the data plane: deactivations pend until drained ---- */

static struct {
	void *pending[MAX_PENDING];
	unsigned int n_pending;
	unsigned int vcs;
} mp;

static int
mp_create(void *ctx, const char *name, void **mp_vc)
{
	(void)ctx, (void)name;
	/* a real allocation: a use after delete is ASan's to see */
	*mp_vc = malloc(1);
	if (*mp_vc == NULL)
		return -12;
	mp.vcs++;
	return 0;
}

static int
mp_delete(void *ctx, void *mp_vc)
{
	(void)ctx;
	free(mp_vc);
	mp.vcs--;
	return 0;
}

static int
mp_activate(void *ctx, void *mp_vc, const struct cm_call_params *p)
{
	(void)ctx, (void)mp_vc, (void)p;
	return 0;
}

static int
mp_deactivate(void *ctx, void *mp_vc, void *token)
{
	(void)ctx, (void)mp_vc;
	if (mp.n_pending == MAX_PENDING)
		return 0; /* done at once */
	mp.pending[mp.n_pending++] = token;
	return 1;
}

static void
mp_drain(void)
{
	while (mp.n_pending != 0) {
		void *token = mp.pending[0];

		memmove(mp.pending, mp.pending + 1, --mp.n_pending * sizeof(mp.pending[0]));
		cm_mp_deactivate_vc_complete(token);
	}
}

/* ---- the client: the cross-connect's behaviour, reduced ---- */

enum vc_state {
	VC_FREE,
	VC_IDLE,     /* ours, no call */
	VC_CALLING,  /* ours, make call pending */
	VC_OFFERED,  /* the CM's, the offer pending our answer */
	VC_UP,	     /* a call */
	VC_CLOSING,  /* our close pending */
	VC_FINISHED, /* ours, to delete */
};

struct cvc {
	enum vc_state st;
	bool ours;
	struct cm_vc_h h;
};

static struct {
	struct core *core;
	struct cm_bind_h bind;
	struct cm_af_h af;
	struct cm_sap_h sap;
	bool af_open, sap_up, pend_offers;
	struct cvc vcs[MAX_VCS];
} cl;

static const struct cm_party_h no_party;
static volatile unsigned int data_sink; /* what the client reads lands here */

static struct cvc *
cvc_new(void)
{
	unsigned int i;

	for (i = 0; i < MAX_VCS; i++)
		if (cl.vcs[i].st == VC_FREE) {
			memset(&cl.vcs[i], 0, sizeof(cl.vcs[i]));
			return &cl.vcs[i];
		}
	return NULL;
}

static void
cl_close(struct cvc *v)
{
	enum cm_status st;

	v->st = VC_CLOSING;
	st = cl_close_call(cl.core, v->h, no_party, NULL, 0);
	if (st == CM_SUCCESS)
		v->st = v->ours ? VC_FINISHED : VC_CLOSING;
	else if (st != CM_PENDING && st != CM_CLOSING)
		v->st = v->ours ? VC_FINISHED : VC_UP;
}

static void
h_af_register_notify(void *bind_ctx, const struct cm_af *af)
{
	struct cm_sap sap = {.pw_type = L2TP_PW_ETH, .remote_end_id = "pw1", .cookie_len = 8};

	(void)bind_ctx;
	if (af->family != CM_AF_L2TP || cl_open_af(cl.core, cl.bind, af, &cl, &cl.af) != CM_SUCCESS)
		return;
	cl.af_open = true;
	sap.circuit.port = AC_PORT;
	sap.l2ss = L2TP_L2SS_DEFAULT;
	cl.sap_up = cl_register_sap(cl.core, cl.af, &cl, &sap, &cl.sap) == CM_SUCCESS;
}

static void
h_open_af_complete(void *af_ctx, struct cm_af_h af, enum cm_status status)
{
	(void)af_ctx, (void)af, (void)status;
}

static void
h_close_af_complete(enum cm_status status, void *af_ctx)
{
	(void)af_ctx;
	if (status == CM_SUCCESS)
		cl.af_open = false;
}

static void
h_register_sap_complete(enum cm_status status, void *sap_ctx, const struct cm_sap *sap,
			struct cm_sap_h sap_h)
{
	(void)status, (void)sap_ctx, (void)sap, (void)sap_h;
}

static void
h_deregister_sap_complete(enum cm_status status, void *sap_ctx)
{
	(void)sap_ctx;
	if (status == CM_SUCCESS)
		cl.sap_up = false;
}

static void
h_make_call_complete(enum cm_status status, void *vc_ctx, struct cm_party_h party,
		     struct cm_call_params *p)
{
	struct cvc *v = vc_ctx;

	(void)party, (void)p;
	v->st = status == CM_SUCCESS ? VC_UP : VC_FINISHED;
}

static void
h_close_call_complete(enum cm_status status, void *vc_ctx, void *party_ctx)
{
	struct cvc *v = vc_ctx;

	(void)party_ctx;
	if (status == CM_SUCCESS && v->ours)
		v->st = VC_FINISHED;
}

static void
h_add_party_complete(enum cm_status status, void *party_ctx, struct cm_party_h party,
		     struct cm_call_params *p)
{
	(void)status, (void)party_ctx, (void)party, (void)p;
}

static void
h_drop_party_complete(enum cm_status status, void *party_ctx)
{
	(void)status, (void)party_ctx;
}

static void
h_modify_call_qos_complete(enum cm_status status, void *vc_ctx, struct cm_call_params *p)
{
	(void)status, (void)vc_ctx, (void)p;
}

static enum cm_status
h_incoming_call(void *sap_ctx, void *vc_ctx, struct cm_call_params *p)
{
	struct cvc *v = vc_ctx;

	(void)sap_ctx, (void)p;
	if (cl.pend_offers) {
		v->st = VC_OFFERED;
		return CM_PENDING;
	}
	v->st = VC_UP;
	return CM_SUCCESS;
}

static void
h_call_connected(void *vc_ctx)
{
	struct cvc *v = vc_ctx;

	v->st = VC_UP;
}

static void
h_incoming_close_call(enum cm_status status, void *vc_ctx, const void *data, size_t size)
{
	const uint8_t *d = data;
	size_t i;

	(void)status;
	/* every octet the call manager says it gives, for ASan to check */
	for (i = 0; i < size; i++)
		data_sink += d[i];
	cl_close((struct cvc *)vc_ctx);
}

static void
h_incoming_drop_party(enum cm_status status, void *party_ctx, const void *data, size_t size)
{
	(void)status, (void)party_ctx, (void)data, (void)size;
}

static void
h_incoming_call_qos_change(void *vc_ctx, struct cm_call_params *p)
{
	(void)vc_ctx, (void)p;
}

static enum cm_status
h_notify_close_af(void *af_ctx)
{
	(void)af_ctx;
	return CM_SUCCESS; /* the client winds down from its own loop */
}

static enum cm_status
h_create_vc(void *af_ctx, struct cm_vc_h vc, void **vc_ctx)
{
	struct cvc *v = cvc_new();

	(void)af_ctx;
	if (v == NULL)
		return CM_RESOURCES;
	v->st = VC_IDLE;
	v->h = vc;
	*vc_ctx = v;
	return CM_SUCCESS;
}

static enum cm_status
h_delete_vc(void *vc_ctx)
{
	struct cvc *v = vc_ctx;

	v->st = VC_FREE;
	return CM_SUCCESS;
}

static const struct cl_handlers cl_handlers = {
	.af_register_notify = h_af_register_notify,
	.open_af_complete = h_open_af_complete,
	.close_af_complete = h_close_af_complete,
	.register_sap_complete = h_register_sap_complete,
	.deregister_sap_complete = h_deregister_sap_complete,
	.make_call_complete = h_make_call_complete,
	.close_call_complete = h_close_call_complete,
	.add_party_complete = h_add_party_complete,
	.drop_party_complete = h_drop_party_complete,
	.modify_call_qos_complete = h_modify_call_qos_complete,
	.incoming_call = h_incoming_call,
	.call_connected = h_call_connected,
	.incoming_close_call = h_incoming_close_call,
	.incoming_drop_party = h_incoming_drop_party,
	.incoming_call_qos_change = h_incoming_call_qos_change,
	.notify_close_af = h_notify_close_af,
	.create_vc = h_create_vc,
	.delete_vc = h_delete_vc,
};

static void
cl_make(bool outgoing, const char *end_id)
{
	struct cvc *v = cvc_new();
	struct cm_call_params p;

	if (v == NULL || !cl.af_open)
		return;
	if (co_create_vc(cl.core, cl.bind, cl.af, v, &v->h) != CM_SUCCESS)
		return;
	v->ours = true;
	v->st = VC_CALLING;
	memset(&p, 0, sizeof(p));
	p.flags = outgoing ? CM_CALL_OUTGOING : 0;
	cm_flowspec_none(&p.transmit);
	cm_flowspec_none(&p.receive);
	p.receive.token_rate = 125000;
	p.media.pw_type = L2TP_PW_ETH;
	strcpy(p.media.remote_end_id, end_id);
	strcpy(p.media.peer, "pe");
	p.media.circuit.port = AC_PORT;
	p.media.local_cookie_len = 4;
	p.media.l2ss_recv = L2TP_L2SS_DEFAULT;
	if (cl_make_call(cl.core, v->h, &p, NULL, NULL) != CM_PENDING)
		v->st = VC_FINISHED;
}

/* Deletes what it is done with; returns how many VCs it still has. */
static unsigned int
cl_tick(bool closing)
{
	unsigned int i, left = 0;

	for (i = 0; i < MAX_VCS; i++) {
		struct cvc *v = &cl.vcs[i];

		if (v->st == VC_FINISHED && co_delete_vc(cl.core, cl.bind, v->h) == CM_SUCCESS)
			v->st = VC_FREE;
		else if (closing && v->st == VC_OFFERED)
			cl_incoming_call_complete(cl.core, CM_NOT_ACCEPTED, v->h, NULL);
		else if (closing && v->st == VC_UP)
			cl_close(v);
		left += v->st != VC_FREE;
	}
	return left;
}

/* ---- the peer ---- */

static struct {
	struct l2tp_cm *cm;
	struct cfg cfg;
	struct cfg_l2tp_peer peer;
	struct l2tp_wire w;
	uint64_t now;
	uint64_t rnd;
	bool link;
	bool auth;
	struct l2tp_secret secret;
	uint8_t nonce[16];
	/* what we said: our CCIDs, our nonce, our session IDs */
	uint32_t our_ccid[MAX_IDS];
	unsigned int n_ccid;
	uint8_t our_nonce[L2TP_NONCE_MAX];
	uint16_t our_nonce_len;
	uint32_t our_sid[MAX_IDS];
	unsigned int n_sid;
	uint16_t ns, nr;
} pe;

static void
fz_random(void *buf, size_t len)
{
	uint8_t *p = buf;
	size_t i;

	/* reproducible: an input replays */
	for (i = 0; i < len; i++) {
		pe.rnd ^= pe.rnd << 13;
		pe.rnd ^= pe.rnd >> 7;
		pe.rnd ^= pe.rnd << 17;
		p[i] = (uint8_t)(pe.rnd >> 24);
	}
}

static bool
fz_link_up(void *arg, uint16_t port)
{
	(void)arg, (void)port;
	return pe.link;
}

static int
fz_send(void *arg, const struct l2tp_wire *w, const uint8_t *msg, size_t len)
{
	static struct l2tp_msg m;

	(void)arg, (void)w;
	if (l2tp_msg_decode(msg, len, pe.auth ? &pe.secret.hide : NULL, &m) != L2TP_DEC_OK)
		return 0;
	if (l2tp_msg_has(&m, L2TP_AVP_ASSIGNED_CCID))
		pe.our_ccid[pe.n_ccid++ % MAX_IDS] = m.assigned_ccid;
	if (l2tp_msg_has(&m, L2TP_AVP_NONCE)) {
		pe.our_nonce_len = m.nonce_len;
		memcpy(pe.our_nonce, m.nonce, m.nonce_len);
	}
	if (l2tp_msg_has(&m, L2TP_AVP_LOCAL_SID))
		pe.our_sid[pe.n_sid++ % MAX_IDS] = m.local_sid;
	if (m.type != L2TP_MSG_ZLB && m.type != L2TP_MSG_ACK && m.ns == pe.nr)
		pe.nr++;
	return 0;
}

static const struct l2tp_xport_ops xport = {
	.send = fz_send,
	.random = fz_random,
	.link_up = fz_link_up,
};

static uint32_t
pick_ccid(uint8_t b)
{
	if (b % 4 == 0 || pe.n_ccid == 0)
		return b % 8 == 0 ? 0 : b;
	return pe.our_ccid[(pe.n_ccid - 1 - b / 4 % pe.n_ccid) % MAX_IDS];
}

static uint32_t
pick_our_sid(uint8_t b)
{
	if (pe.n_sid == 0 || b % 8 == 7)
		return b % 2;
	return pe.our_sid[(pe.n_sid - 1 - b % 8 % pe.n_sid) % MAX_IDS];
}

static void
peer_input(uint8_t *msg, size_t len)
{
	l2tp_cm_input(pe.cm, &pe.w, msg, len, pe.now);
}

/* The digest of a message whose Message Digest AVP(s) follow the
 * Message Type: signed with the peer's nonce first (§5.4.1). */
static void
peer_sign(uint8_t *msg, size_t len)
{
	const struct l2tp_secret *sec[2] = {&pe.secret, &pe.secret};
	struct l2tp_enc_info info = {.len = len};
	struct l2tp_nonces n = {0};
	struct l2tp_avp_iter it;
	struct l2tp_avp a;
	uint16_t type = 0;

	l2tp_avp_iter_init(&it, msg, len);
	if (l2tp_avp_next(&it, &a) != 1 || a.type != L2TP_AVP_MSG_TYPE || a.value_len != 2)
		return;
	type = (uint16_t)(a.value[0] << 8 | a.value[1]);
	while (info.n_digests < 2 && l2tp_avp_next(&it, &a) == 1 && a.vendor == 0 &&
	       a.type == L2TP_AVP_DIGEST && a.value_len == 17) {
		info.digest_off[info.n_digests++] = (size_t)(a.value - msg) + 1;
		info.digest_len = 16;
	}
	if (info.n_digests == 0)
		return;
	if (type != L2TP_MSG_SCCRQ) {
		n.local = pe.nonce;
		n.local_len = sizeof(pe.nonce);
		n.remote = pe.our_nonce;
		n.remote_len = pe.our_nonce_len;
	}
	l2tp_auth_sign(msg, &info, L2TP_DIGEST_MD5, sec, &n);
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
op_raw(struct in *in, bool fix)
{
	uint8_t buf[256 + L2TP_CTRL_HDR_LEN];
	size_t len = get8(in), sel = get8(in);

	if (len > in->n)
		len = in->n;
	memcpy(buf, in->p, len);
	in->p += len;
	in->n -= len;
	if (fix) {
		if (len < L2TP_CTRL_HDR_LEN)
			return;
		put16(buf, L2TP_CTRL_FLAGS);
		put16(buf + 2, (uint16_t)len);
		put32(buf + 4, pick_ccid((uint8_t)sel));
		l2tp_hdr_set_seq(buf, pe.ns, pe.nr);
		if (len > L2TP_CTRL_HDR_LEN)
			pe.ns++;
		if (pe.auth)
			peer_sign(buf, len);
	}
	peer_input(buf, len);
}

static const enum l2tp_msg_type built_types[] = {
	L2TP_MSG_SCCRQ, L2TP_MSG_SCCRP, L2TP_MSG_SCCCN, L2TP_MSG_STOPCCN,
	L2TP_MSG_HELLO, L2TP_MSG_OCRQ,	L2TP_MSG_OCRP,	L2TP_MSG_OCCN,
	L2TP_MSG_ICRQ,	L2TP_MSG_ICRP,	L2TP_MSG_ICCN,	L2TP_MSG_CDN,
	L2TP_MSG_WEN,	L2TP_MSG_SLI,	L2TP_MSG_ACK,	L2TP_MSG_ZLB,
};

/* A well-formed message of the type the input picks, from what it picks
 * among the IDs seen. */
static void
op_built(struct in *in)
{
	uint8_t t = get8(in), a = get8(in), b = get8(in), c = get8(in), d = get8(in);
	struct l2tp_msg m;
	struct l2tp_enc_opts o = {.rand = fz_random};
	struct l2tp_enc_info info;
	uint8_t buf[L2TP_CTRL_MAX_LEN];
	static const char *const ends[] = {"pw1", "pw7", "nowhere", ""};

	l2tp_msg_init(&m, built_types[t % (sizeof(built_types) / sizeof(built_types[0]))]);
	m.ccid = m.type == L2TP_MSG_SCCRQ && a % 2 == 0 ? 0 : pick_ccid(a);
	m.ns = pe.ns;
	m.nr = pe.nr;
	switch (m.type) {
	case L2TP_MSG_SCCRQ:
	case L2TP_MSG_SCCRP:
		strcpy(m.host_name, "peer");
		l2tp_msg_set(&m, L2TP_AVP_HOST_NAME);
		m.router_id = 0x0a000002;
		l2tp_msg_set(&m, L2TP_AVP_ROUTER_ID);
		m.assigned_ccid = PEER_CCID + b % 4;
		l2tp_msg_set(&m, L2TP_AVP_ASSIGNED_CCID);
		m.n_pw_caps = 1;
		m.pw_caps[0] = c % 2 ? L2TP_PW_ETH : c;
		l2tp_msg_set(&m, L2TP_AVP_PW_CAPS);
		m.recv_window = (uint16_t)(1 + d % 8);
		l2tp_msg_set(&m, L2TP_AVP_RECV_WINDOW);
		if (pe.auth != (d / 8 % 8 == 7)) {
			memcpy(m.nonce, pe.nonce, sizeof(pe.nonce));
			m.nonce_len = sizeof(pe.nonce);
			l2tp_msg_set(&m, L2TP_AVP_NONCE);
		}
		if (m.type == L2TP_MSG_SCCRQ && c / 2 % 2) {
			memset(m.tie_breaker, c, sizeof(m.tie_breaker));
			l2tp_msg_set(&m, L2TP_AVP_TIE_BREAKER);
		}
		break;
	case L2TP_MSG_STOPCCN:
	case L2TP_MSG_CDN:
		m.result = b % 17;
		m.error = c % 10;
		m.has_error = c % 3 != 0;
		l2tp_msg_set(&m, L2TP_AVP_RESULT_CODE);
		if (m.type == L2TP_MSG_STOPCCN) {
			m.assigned_ccid = PEER_CCID + d % 4;
			l2tp_msg_set(&m, L2TP_AVP_ASSIGNED_CCID);
			break;
		}
		/* fall through: a CDN names the session */
	case L2TP_MSG_ICRQ:
	case L2TP_MSG_OCRQ:
	case L2TP_MSG_ICRP:
	case L2TP_MSG_OCRP:
	case L2TP_MSG_ICCN:
	case L2TP_MSG_OCCN:
	case L2TP_MSG_WEN:
	case L2TP_MSG_SLI:
		m.local_sid = 0x100u + d % 8;
		l2tp_msg_set(&m, L2TP_AVP_LOCAL_SID);
		m.remote_sid =
			m.type == L2TP_MSG_ICRQ || m.type == L2TP_MSG_OCRQ ? 0 : pick_our_sid(b);
		l2tp_msg_set(&m, L2TP_AVP_REMOTE_SID);
		if (m.type == L2TP_MSG_ICRQ || m.type == L2TP_MSG_OCRQ) {
			m.serial = b;
			l2tp_msg_set(&m, L2TP_AVP_SERIAL);
			m.pw_type = b % 4 ? L2TP_PW_ETH : b;
			l2tp_msg_set(&m, L2TP_AVP_PW_TYPE);
			m.end_id_len = (uint16_t)strlen(ends[c % 4]);
			memcpy(m.end_id, ends[c % 4], m.end_id_len);
			if (m.end_id_len != 0)
				l2tp_msg_set(&m, L2TP_AVP_REMOTE_END_ID);
			memset(m.tie_breaker, d, sizeof(m.tie_breaker));
			if (d / 8 % 2)
				l2tp_msg_set(&m, L2TP_AVP_TIE_BREAKER);
		}
		if (m.type == L2TP_MSG_WEN) {
			m.circuit_errors[0] = c;
			l2tp_msg_set(&m, L2TP_AVP_CIRCUIT_ERRORS);
		}
		if (m.type == L2TP_MSG_CDN || m.type == L2TP_MSG_WEN)
			break;
		m.circuit_status = c / 4 % 2 ? L2TP_CS_ACTIVE : 0;
		l2tp_msg_set(&m, L2TP_AVP_CIRCUIT_STATUS);
		if (m.type == L2TP_MSG_SLI)
			break;
		m.l2ss = c / 8 % 3;
		l2tp_msg_set(&m, L2TP_AVP_L2SS);
		m.data_seq = c / 32 % 3;
		l2tp_msg_set(&m, L2TP_AVP_DATA_SEQ);
		if (m.type == L2TP_MSG_ICCN || m.type == L2TP_MSG_OCCN)
			break;
		m.cookie_len = (uint8_t)(a % 3 * 4);
		memset(m.cookie, a, sizeof(m.cookie));
		l2tp_msg_set(&m, L2TP_AVP_COOKIE);
		if (a / 4 % 2) {
			m.tx_speed = (uint64_t)d << 20;
			l2tp_msg_set(&m, L2TP_AVP_TX_SPEED);
		}
		if (a / 8 % 2) {
			m.rx_speed = (uint64_t)c << 20;
			l2tp_msg_set(&m, L2TP_AVP_RX_SPEED);
		}
		break;
	default:
		break;
	}
	/* now and then one AVP missing */
	if (a / 16 % 4 == 0)
		m.avps[b / 64 % 2] &= ~(UINT64_C(1) << (b % 64));
	if (m.type == L2TP_MSG_ZLB && pe.auth && a % 2)
		m.type = L2TP_MSG_ACK;
	if (pe.auth && m.type != L2TP_MSG_ZLB) {
		o.n_digests = 1;
		o.digest_type = L2TP_DIGEST_MD5;
	}
	if (l2tp_msg_encode(&m, &o, buf, sizeof(buf), &info) < 0)
		return;
	if (o.n_digests != 0)
		peer_sign(buf, info.len);
	if (m.type != L2TP_MSG_ZLB && m.type != L2TP_MSG_ACK)
		pe.ns++;
	peer_input(buf, info.len);
}

static void
op_ack(void)
{
	struct l2tp_msg m;
	struct l2tp_enc_opts o = {.rand = fz_random};
	struct l2tp_enc_info info;
	uint8_t buf[64];

	l2tp_msg_init(&m, pe.auth ? L2TP_MSG_ACK : L2TP_MSG_ZLB);
	m.ccid = pick_ccid(4);
	m.ns = pe.ns;
	m.nr = pe.nr;
	o.n_digests = pe.auth;
	o.digest_type = L2TP_DIGEST_MD5;
	if (l2tp_msg_encode(&m, &o, buf, sizeof(buf), &info) < 0)
		return;
	if (pe.auth)
		peer_sign(buf, info.len);
	peer_input(buf, info.len);
}

static void
advance(uint64_t ms)
{
	pe.now += ms;
	l2tp_cm_service(pe.cm, pe.now);
}

static void
op_client(uint8_t what)
{
	unsigned int i;

	switch (what % 4) {
	case 0:
		cl_make(what / 4 % 2, what / 8 % 2 ? "pw1" : "pw7");
		break;
	case 1:
		for (i = 0; i < MAX_VCS; i++)
			if (cl.vcs[i].st == VC_UP) {
				cl_close(&cl.vcs[i]);
				break;
			}
		break;
	case 2:
		for (i = 0; i < MAX_VCS; i++)
			if (cl.vcs[i].st == VC_OFFERED) {
				cl.vcs[i].st = what / 4 % 2 ? VC_UP : VC_CLOSING;
				cl_incoming_call_complete(
					cl.core, what / 4 % 2 ? CM_SUCCESS : CM_NOT_ACCEPTED,
					cl.vcs[i].h, NULL);
				break;
			}
		break;
	default:
		cl_tick(false);
		break;
	}
}

/* ---- life ---- */

static void
setup(uint8_t conf)
{
	static const struct cm_miniport ops = {
		.create_vc = mp_create,
		.delete_vc = mp_delete,
		.activate_vc = mp_activate,
		.deactivate_vc = mp_deactivate,
	};
	struct cfg_l2tp_peer *p = &pe.peer;

	memset(&pe, 0, sizeof(pe));
	memset(&cl, 0, sizeof(cl));
	memset(&mp, 0, sizeof(mp));
	pe.now = 1000000;
	pe.rnd = 0x9e3779b97f4a7c15ull;
	pe.link = true;
	pe.cfg.l2tp.enabled = true;
	pe.cfg.l2tp.router_id = 0xc0000201u;
	strcpy(pe.cfg.l2tp.host_name, "fuzz");
	pe.cfg.l2tp.t = (struct cfg_l2tp_timers){.hello_interval_s = 60,
						 .rto_initial_ms = 1000,
						 .rto_max_ms = 8000,
						 .retries = 3,
						 .receive_window = 4};
	strcpy(p->name, "pe");
	p->address.family = AF_INET;
	p->address.v4 = htonl(0xc0000202);
	p->local.family = AF_INET;
	p->local.v4 = htonl(0xc0000201);
	p->transport = conf & 4 ? L2TP_ENCAP_UDP : L2TP_ENCAP_IP;
	p->udp_local_port = p->udp_remote_port = 1701;
	p->initiate = conf & 2;
	p->n_secrets = conf & 1 ? (conf & 16 ? 2 : 1) : 0;
	strcpy(p->secrets[0], SECRET);
	strcpy(p->secrets[1], SECRET2);
	p->hide_avps = conf & 1 && conf & 32;
	p->t = pe.cfg.l2tp.t;
	pe.cfg.l2tp.peers = p;
	pe.cfg.l2tp.n_peers = 1;
	pe.auth = p->n_secrets != 0;
	l2tp_secret_init(&pe.secret, SECRET, strlen(SECRET));
	memset(pe.nonce, 0x5a, sizeof(pe.nonce));
	pe.w.encap = p->transport;
	pe.w.local = p->local;
	pe.w.remote = p->address;
	pe.w.local_port = 1701;
	pe.w.remote_port = 1701;
	cl.pend_offers = conf & 8;
	cl.core = core_create(&ops);
	if (cl.core == NULL || cl_register(cl.core, &cl_handlers, &cl, &cl.bind) != CM_SUCCESS)
		abort();
	pe.cm = l2tp_cm_create(cl.core, &pe.cfg, &xport, pe.now);
	if (pe.cm == NULL)
		abort();
}

/* Stop as main.c does: the call manager first, the client letting go,
 * time running until the call manager is idle (bounded: a connection
 * waits at most a retransmission cycle), then everything is destroyed
 * and the core must hold nothing. */
static void
teardown(void)
{
	unsigned int i, left;

	l2tp_cm_stop(pe.cm, pe.now);
	for (i = 0; i < 200; i++) {
		mp_drain();
		left = cl_tick(true);
		mp_drain();
		if (left == 0 && cl.sap_up && cl_deregister_sap(cl.core, cl.sap) == CM_SUCCESS)
			cl.sap_up = false;
		if (left == 0 && !cl.sap_up && cl.af_open &&
		    cl_close_af(cl.core, cl.af) == CM_SUCCESS)
			cl.af_open = false;
		if (l2tp_cm_idle(pe.cm) && !cl.af_open)
			break;
		advance(500);
	}
	l2tp_cm_destroy(pe.cm);
	if (core_deregister(cl.core, cl.bind) != CM_SUCCESS || core_destroy(cl.core) != 0 ||
	    mp.vcs != 0 || mp.n_pending != 0)
		abort();
}

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc, (void)argv;
	/* the call manager logs every connection and call: too much here */
	rte_log_set_global_level(RTE_LOG_EMERG);
	return 0;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct in in = {data, size};
	uint8_t op;

	if (size == 0)
		return 0;
	setup(get8(&in));
	while (in.n != 0) {
		op = get8(&in);
		switch (op % 8) {
		case 0:
		case 1:
			op_raw(&in, op % 8 == 1);
			break;
		case 2:
			op_built(&in);
			break;
		case 3:
			op = get8(&in);
			advance(op == 255 ? 60000 : op * 50u);
			break;
		case 4:
			op_client(get8(&in));
			break;
		case 5:
			pe.link = !pe.link;
			core_link_status(cl.core, AC_PORT, pe.link);
			break;
		case 6:
			mp_drain();
			break;
		default:
			op_ack();
			break;
		}
	}
	teardown();
	return 0;
}
