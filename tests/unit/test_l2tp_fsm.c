/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The L2TPv3 call manager against RFC 3931's state tables, row by row:
 * §7.2 (control connection), §7.3.1 and §7.3.2 (incoming calls, both
 * ends), §7.4.1 and §7.4.2 (outgoing calls, both ends); then the rules
 * around them: unknown and missing AVPs and message types (§5.2, §7.1),
 * the result codes of each refusal (§5.4.2), ties (§5.4.3, §5.4.4),
 * authentication (§4.3, §5.4.1), HELLO (§4.4), the StopCCN hold (§7.5),
 * circuit status (§5.4.5) and connect speeds.
 *
 * The test is the peer LCCE: it builds its messages with the codec, signs
 * them with its own nonce, feeds them to l2tp_cm_input(), and decodes and
 * verifies every message the call manager sends through a fake transport,
 * keeping Ns/Nr as a peer would. Time is virtual. The client is ut_cm's
 * recording client over the real core and its fake miniport, whose
 * deactivations the tests complete; every handler call it sees is
 * asserted in order.
 *
 * Where the implementation and the RFC disagree, the test says what the
 * RFC says (the table row is in the test's name).
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <CUnit/Basic.h>

#include "cfg.h"
#include "l2tp_auth.h"
#include "l2tp_cm.h"
#include "l2tp_msg.h"
#include "ut_cm.h"

#define PEER_NAME	"pe2"
#define PEER_ROUTER_ID	0x0a000002u
#define MAX_SENT	160
#define MAX_PC		4
#define T0		1000000 /* ms: the clock is never 0 */
#define CYCLE_MS	31000	/* 1+2+4+8+8+8 s: five retries, capped at 8 s */
#define HELLO_S		60
#define HELLO_LATEST_MS (HELLO_S * 1000 + HELLO_S * 1000 / 8 + 100) /* with jitter */
#define AC_PORT		1

/* A message the call manager sent, decoded and checked by the peer. */
struct sent {
	uint8_t buf[L2TP_CTRL_MAX_LEN];
	size_t len;
	struct l2tp_wire w;
	struct l2tp_msg m;
	enum l2tp_dec dec;
	bool digest_ok; /* true when not authenticating */
};

/* One control connection as the peer sees it. */
struct pconn {
	uint32_t ccid;	    /* the peer's own (its AVP 61) */
	uint32_t our_ccid;  /* ours (our AVP 61) */
	uint16_t ns, nr;    /* the peer's next Ns; the Ns it expects from us */
	uint16_t nonce_len; /* of nonce, once the peer sent it */
	uint8_t nonce[16];
	uint16_t our_nonce_len;
	uint8_t our_nonce[L2TP_NONCE_MAX];
	uint8_t tie[8]; /* our SCCRQ's tie breaker */
};

static struct {
	struct ut_env *e;
	struct ut_actor *cl;
	struct ut_obj *af, *sap, *last_vc;
	struct cfg cfg;
	struct cfg_l2tp_peer peer_cfg;
	struct l2tp_cm *cm;
	uint64_t now;
	struct l2tp_wire w; /* as our end sees it */
	uint64_t rnd;
	bool link[4];
	struct sent sent[MAX_SENT];
	unsigned int n_sent, seen, overflow;
	struct pconn pc[MAX_PC];
	unsigned int n_pc;
	/* the peer's secrets: it signs with psec[psign], verifies with all */
	bool auth;
	struct l2tp_secret psec[2];
	unsigned int n_psec, psign;
} F;

static const struct sent no_msg; /* what a missing message reads as */

/* ---- assertions that say what they got ---- */

static void __attribute__((format(printf, 4, 5)))
check(bool ok, const char *file, unsigned int line, const char *fmt, ...)
{
	char what[320];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(what, sizeof(what), fmt, ap);
	va_end(ap);
	if (!ok)
		fprintf(stderr, "\n%s:%u: %s\n", file, line, what);
	CU_assertImplementation(ok, line, what, file, "", CU_FALSE);
}

#define CHECK_EQ(got, want)                                                                  \
	do {                                                                                 \
		unsigned long long got_ = (unsigned long long)(got);                         \
		unsigned long long want_ = (unsigned long long)(want);                       \
		check(got_ == want_, __FILE__, __LINE__, "%s == %s (got %llu, %#llx)", #got, \
		      #want, got_, got_);                                                    \
	} while (0)
#define CHECK(cond) check((cond), __FILE__, __LINE__, "%s", #cond)

/* ---- the fake transport ---- */

static void
xp_random(void *buf, size_t len)
{
	uint8_t *p = buf;
	size_t i;

	/* xorshift64: reproducible, so that a failure replays */
	for (i = 0; i < len; i++) {
		F.rnd ^= F.rnd << 13;
		F.rnd ^= F.rnd >> 7;
		F.rnd ^= F.rnd << 17;
		p[i] = (uint8_t)(F.rnd >> 24);
	}
}

static bool
xp_link_up(void *arg, uint16_t port)
{
	(void)arg;
	return port < 4 && F.link[port];
}

static struct pconn *
pc_new(void)
{
	struct pconn *pc;
	unsigned int i;

	if (F.n_pc == MAX_PC) {
		CU_FAIL("too many connections for the peer");
		return &F.pc[MAX_PC - 1];
	}
	pc = &F.pc[F.n_pc];
	memset(pc, 0, sizeof(*pc));
	pc->ccid = 0x0b000001u + F.n_pc;
	for (i = 0; i < sizeof(pc->nonce); i++)
		pc->nonce[i] = (uint8_t)(0xb0 + 16 * F.n_pc + i);
	F.n_pc++;
	return pc;
}

/* The peer's connection a message of ours belongs to: by the header's
 * CCID (the peer's), else by our AVP 61; our SCCRQ opens a new one. */
static struct pconn *
pc_of(const struct sent *s)
{
	unsigned int i;

	if (s->dec != L2TP_DEC_OK)
		return NULL;
	for (i = 0; i < F.n_pc && s->m.ccid != 0; i++)
		if (F.pc[i].ccid == s->m.ccid)
			return &F.pc[i];
	if (l2tp_msg_has(&s->m, L2TP_AVP_ASSIGNED_CCID)) {
		for (i = 0; i < F.n_pc; i++)
			if (F.pc[i].our_ccid == s->m.assigned_ccid)
				return &F.pc[i];
		if (s->m.type == L2TP_MSG_SCCRQ) {
			struct pconn *pc = pc_new();

			pc->our_ccid = s->m.assigned_ccid;
			return pc;
		}
	}
	return F.n_pc == 1 ? &F.pc[0] : NULL;
}

static bool
is_ack(const struct sent *s)
{
	return s->dec == L2TP_DEC_OK && (s->m.type == L2TP_MSG_ZLB || s->m.type == L2TP_MSG_ACK);
}

/* Our digest as the peer checks it: the sender's nonce first (§5.4.1). */
static bool
verify_with(const struct sent *s, const struct pconn *pc, const struct l2tp_secret *sec,
	    unsigned int n_sec, bool swap)
{
	struct l2tp_nonces n = {0};

	if (pc == NULL)
		return false;
	if (s->m.type != L2TP_MSG_SCCRQ) {
		n.local = swap ? pc->nonce : pc->our_nonce;
		n.local_len = swap ? pc->nonce_len : pc->our_nonce_len;
		n.remote = swap ? pc->our_nonce : pc->nonce;
		n.remote_len = swap ? pc->our_nonce_len : pc->nonce_len;
	}
	return l2tp_auth_verify(s->buf, s->len, sec, n_sec, &n) >= 0;
}

static int
xp_send(void *arg, const struct l2tp_wire *w, const uint8_t *msg, size_t len)
{
	struct sent *s;
	struct pconn *pc;

	(void)arg;
	if (F.n_sent == MAX_SENT || len > sizeof(s->buf)) {
		F.overflow++;
		return 0;
	}
	s = &F.sent[F.n_sent++];
	memcpy(s->buf, msg, len);
	s->len = len;
	s->w = *w;
	s->dec = l2tp_msg_decode(msg, len, F.auth ? &F.psec[0].hide : NULL, &s->m);
	pc = pc_of(s);
	if (pc != NULL && l2tp_msg_has(&s->m, L2TP_AVP_NONCE)) {
		pc->our_nonce_len = s->m.nonce_len;
		memcpy(pc->our_nonce, s->m.nonce, s->m.nonce_len);
	}
	if (pc != NULL && l2tp_msg_has(&s->m, L2TP_AVP_ASSIGNED_CCID))
		pc->our_ccid = s->m.assigned_ccid;
	if (pc != NULL && s->m.type == L2TP_MSG_SCCRQ)
		memcpy(pc->tie, s->m.tie_breaker, sizeof(pc->tie));
	s->digest_ok = !F.auth || verify_with(s, pc, F.psec, F.n_psec, false);
	/* in sequence: the peer takes it, and acknowledges it next time */
	if (pc != NULL && s->dec == L2TP_DEC_OK && !is_ack(s) && s->m.ns == pc->nr)
		pc->nr++;
	return 0;
}

static const struct l2tp_xport_ops xport = {
	.send = xp_send,
	.random = xp_random,
	.link_up = xp_link_up,
};

/* ---- what the call manager sent ---- */

static const struct sent *
next_sent(void)
{
	while (F.seen < F.n_sent) {
		const struct sent *s = &F.sent[F.seen++];

		if (!is_ack(s))
			return s;
	}
	return NULL;
}

static const char *
sent_name(const struct sent *s)
{
	if (s == NULL)
		return "nothing";
	if (s->dec != L2TP_DEC_OK)
		return "an undecodable message";
	return l2tp_msg_type_name(s->m.type);
}

/* The next message (acknowledgements aside) is of this type, to the
 * peer, with a digest the peer verifies when authenticating. */
#define EXPECT_MSG(type) expect_msg((type), __FILE__, __LINE__)
static const struct sent *
expect_msg(uint32_t type, const char *file, unsigned int line)
{
	const struct sent *s = next_sent();
	bool ok = s != NULL && s->dec == L2TP_DEC_OK && s->m.type == type;

	check(ok, file, line, "sent %s (got %s)", l2tp_msg_type_name(type), sent_name(s));
	if (ok) {
		check(s->digest_ok, file, line, "%s: the peer verifies its digest",
		      l2tp_msg_type_name(type));
		check(addr_equal(&s->w.remote, &F.w.remote), file, line, "%s: sent to the peer",
		      l2tp_msg_type_name(type));
	}
	return ok ? s : &no_msg;
}

/* Nothing but acknowledgements was sent since. */
#define EXPECT_NONE() expect_none(__FILE__, __LINE__)
static void
expect_none(const char *file, unsigned int line)
{
	const struct sent *s = next_sent();

	check(s == NULL, file, line, "nothing sent (got %s)", sent_name(s));
	F.seen = F.n_sent;
}

/* A StopCCN's or CDN's Result Code; error -1: no error code. */
#define EXPECT_RESULT(s, r, e) expect_result((s), (r), (e), __FILE__, __LINE__)
static void
expect_result(const struct sent *s, unsigned int result, int error, const char *file,
	      unsigned int line)
{
	check(l2tp_msg_has(&s->m, L2TP_AVP_RESULT_CODE) && s->m.result == result, file, line,
	      "%s Result Code %u (got %u)", sent_name(s), result, s->m.result);
	if (error >= 0)
		check(s->m.has_error && s->m.error == (unsigned int)error, file, line,
		      "%s Error Code %d (got %s%u)", sent_name(s), error,
		      s->m.has_error ? "" : "none, ", s->m.error);
}

/* A session message's Local and Remote Session IDs; local 0: any
 * non-zero. */
#define EXPECT_SIDS(s, local, remote) expect_sids((s), (local), (remote), __FILE__, __LINE__)
static void
expect_sids(const struct sent *s, uint32_t local, uint32_t remote, const char *file,
	    unsigned int line)
{
	check(l2tp_msg_has(&s->m, L2TP_AVP_LOCAL_SID) &&
		      (local == 0 ? s->m.local_sid != 0 : s->m.local_sid == local),
	      file, line, "%s Local Session ID %#x (got %#x)", sent_name(s), local, s->m.local_sid);
	check(l2tp_msg_has(&s->m, L2TP_AVP_REMOTE_SID) && s->m.remote_sid == remote, file, line,
	      "%s Remote Session ID %#x (got %#x)", sent_name(s), remote, s->m.remote_sid);
}

static unsigned int
count_sent(uint32_t type)
{
	unsigned int i, n = 0;

	for (i = 0; i < F.n_sent; i++)
		n += F.sent[i].dec == L2TP_DEC_OK && F.sent[i].m.type == type;
	return n;
}

static struct l2tp_cm_stats
stats(void)
{
	struct l2tp_cm_stats st;

	l2tp_cm_get_stats(F.cm, &st);
	return st;
}

/* ---- the client's side ---- */

/*
 * The VC the call manager creates for an incoming call: the harness
 * binds a VC it is told of before the core hands out the handle, so one
 * waits around every input; unused, it is given back, so that VCs are
 * named in the order they appear.
 */
static void
spare_get(void)
{
	struct ut_obj *v;

	if (F.e->creating[UT_VC] != NULL)
		return;
	v = ut_obj_new(F.e, UT_VC);
	v->af = F.af;
	v->creator = UT_CM;
	F.e->creating[UT_VC] = v;
}

static void
spare_put(void)
{
	struct ut_obj *v = F.e->creating[UT_VC], **pp;

	F.e->creating[UT_VC] = NULL;
	if (v == NULL)
		return;
	if (v->h != 0) {
		F.last_vc = v;
		return;
	}
	for (pp = &F.e->objs; *pp != v; pp = &(*pp)->next)
		;
	*pp = v->next;
	if ((unsigned int)atoi(v->name + 1) == F.e->next_id[UT_VC])
		F.e->next_id[UT_VC]--;
	free(v);
}

/* Deactivations the miniport pended complete (an RCU grace period). */
static void
settle(void)
{
	ut_mp_complete_all(F.e);
}

static struct ut_obj *
sap_add(const char *end_id, uint16_t pw_type)
{
	struct ut_obj *s = ut_obj_new(F.e, UT_SAP);
	struct cm_sap_h h;

	s->af = F.af;
	s->cl.actor = F.cl;
	s->sap.pw_type = pw_type;
	snprintf(s->sap.remote_end_id, sizeof(s->sap.remote_end_id), "%s", end_id);
	s->sap.circuit.port = AC_PORT;
	s->sap.circuit.vlan = 10;
	s->sap.cookie_len = 8;
	s->sap.l2ss = L2TP_L2SS_DEFAULT;
	UT_ST(cl_register_sap(F.e->core, (struct cm_af_h){F.af->h}, &s->cl, &s->sap, &h),
	      CM_SUCCESS);
	ut_obj_bind(F.e, s, h.v);
	return s;
}

/* What a client asks for: an Ethernet pseudowire to the peer, a 4-octet
 * cookie and the default sublayer towards us, no contract. */
static void
call_params(struct cm_call_params *p, const char *end_id, bool outgoing)
{
	memset(p, 0, sizeof(*p));
	p->flags = outgoing ? CM_CALL_OUTGOING : 0;
	cm_flowspec_none(&p->transmit);
	cm_flowspec_none(&p->receive);
	p->media.pw_type = L2TP_PW_ETH;
	snprintf(p->media.remote_end_id, sizeof(p->media.remote_end_id), "%s", end_id);
	snprintf(p->media.peer, sizeof(p->media.peer), "%s", PEER_NAME);
	p->media.circuit.port = AC_PORT;
	p->media.circuit.vlan = 20;
	p->media.local_cookie_len = 4;
	p->media.l2ss_recv = L2TP_L2SS_DEFAULT;
}

/* The client's VC and its make call (pending until the peer answers). */
static struct ut_obj *
make_call_p(struct cm_call_params *p)
{
	struct ut_obj *v;

	UT_ST(ut_create_vc(F.cl, F.af, &v), CM_SUCCESS);
	UT_ST(ut_make_call(v, p, false, NULL), CM_PENDING);
	UT_EXPECT_NOTHING(F.e);
	return v;
}

static struct ut_obj *
make_call(const char *end_id, bool outgoing)
{
	struct cm_call_params p;

	call_params(&p, end_id, outgoing);
	return make_call_p(&p);
}

static const struct cm_call_params *
vc_params(const struct ut_obj *v)
{
	struct ut_mp_vc *m = ut_mp_vc_of(F.e, v);

	return m != NULL && m->active ? &m->params : NULL;
}

/* ---- the peer's side ---- */

struct txo {
	bool set_ccid; /* the header's CCID as given, not the connection's */
	uint32_t ccid;
	bool again;	    /* a retransmission: the previous message's Ns */
	const uint8_t *avp; /* raw AVPs appended */
	size_t avp_len;
	uint16_t type;	    /* not 0: the Message Type's value replaced */
	bool type_optional; /* the Message Type's M bit cleared */
	bool zero_rsid;	    /* Remote Session ID 0, which the codec would refuse */
	bool no_digest, bad_digest, swap_nonces;
};

static void
put16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
}

static void
deliver(const uint8_t *buf, size_t len)
{
	spare_get();
	l2tp_cm_input(F.cm, &F.w, buf, len, F.now);
	spare_put();
}

static void
peer_sign(const struct pconn *pc, uint8_t *buf, const struct l2tp_enc_info *info, uint16_t type,
	  bool swap)
{
	const struct l2tp_secret *sec[2] = {&F.psec[F.psign], &F.psec[F.psign]};
	struct l2tp_nonces n = {0};

	if (type != L2TP_MSG_SCCRQ) {
		n.local = swap ? pc->our_nonce : pc->nonce;
		n.local_len = swap ? pc->our_nonce_len : pc->nonce_len;
		n.remote = swap ? pc->nonce : pc->our_nonce;
		n.remote_len = swap ? pc->nonce_len : pc->our_nonce_len;
	}
	l2tp_auth_sign(buf, info, L2TP_DIGEST_MD5, sec, &n);
}

/* The peer sends m on pc, as a peer would: its Ns, the Nr of what it
 * took from us, our CCID, signed when authenticating. */
static void
tx_opt(struct pconn *pc, struct l2tp_msg *m, const struct txo *o)
{
	static const struct txo none;
	uint8_t buf[L2TP_CTRL_MAX_LEN];
	struct l2tp_enc_opts eo = {.rand = xp_random};
	struct l2tp_enc_info info;
	bool ack = m->type == L2TP_MSG_ZLB || m->type == L2TP_MSG_ACK;
	uint16_t type = (uint16_t)m->type;

	if (o == NULL)
		o = &none;
	if (l2tp_msg_has(m, L2TP_AVP_NONCE))
		pc->nonce_len = m->nonce_len;
	m->ccid = o->set_ccid ? o->ccid : m->type == L2TP_MSG_SCCRQ ? 0 : pc->our_ccid;
	m->ns = o->again ? (uint16_t)(pc->ns - 1) : pc->ns;
	m->nr = pc->nr;
	if (F.auth && !o->no_digest && m->type != L2TP_MSG_ZLB) {
		eo.n_digests = 1;
		eo.digest_type = L2TP_DIGEST_MD5;
	}
	if (l2tp_msg_encode(m, &eo, buf, sizeof(buf) - o->avp_len, &info) < 0) {
		CU_FAIL("the peer's message encodes");
		return;
	}
	if (o->avp_len != 0) {
		memcpy(buf + info.len, o->avp, o->avp_len);
		info.len += o->avp_len;
		put16(buf + 2, (uint16_t)info.len);
	}
	if (o->zero_rsid) {
		struct l2tp_avp_iter it;
		struct l2tp_avp a;

		l2tp_avp_iter_init(&it, buf, info.len);
		while (l2tp_avp_next(&it, &a) == 1)
			if (a.vendor == 0 && a.type == L2TP_AVP_REMOTE_SID)
				memset(buf + (a.value - buf), 0, a.value_len);
	}
	if (o->type != 0) {
		put16(buf + L2TP_CTRL_HDR_LEN + L2TP_AVP_HDR_LEN, o->type);
		type = o->type;
	}
	if (o->type_optional)
		buf[L2TP_CTRL_HDR_LEN] &= 0x7f;
	if (eo.n_digests != 0) {
		peer_sign(pc, buf, &info, type, o->swap_nonces);
		if (o->bad_digest)
			buf[info.digest_off[0] + 3] ^= 0x40;
	}
	if (!ack && !o->again)
		pc->ns++;
	deliver(buf, info.len);
}

static void
tx(struct pconn *pc, struct l2tp_msg *m)
{
	tx_opt(pc, m, NULL);
}

static void
tx_avp(struct pconn *pc, struct l2tp_msg *m, const uint8_t *avp, size_t len)
{
	struct txo o = {.avp = avp, .avp_len = len};

	tx_opt(pc, m, &o);
}

/* The peer acknowledges what it took: ACK when authenticating, else ZLB. */
static void
tx_ack(struct pconn *pc)
{
	struct l2tp_msg m;

	l2tp_msg_init(&m, F.auth ? L2TP_MSG_ACK : L2TP_MSG_ZLB);
	tx(pc, &m);
}

/* Unknown AVPs: attribute 1000 (no IETF meaning here), mandatory or not;
 * a vendor's (Cisco, 9), mandatory or not. */
static const uint8_t avp_unknown_m1[] = {0x80, 0x08, 0x00, 0x00, 0x03, 0xe8, 0xab, 0xcd};
static const uint8_t avp_unknown_m0[] = {0x00, 0x08, 0x00, 0x00, 0x03, 0xe8, 0xab, 0xcd};
static const uint8_t avp_vendor_m0[] = {0x00, 0x0a, 0x00, 0x09, 0x00, 0x01, 1, 2, 3, 4};
static const uint8_t avp_vendor_m1[] = {0x80, 0x0a, 0x00, 0x09, 0x00, 0x01, 1, 2, 3, 4};

static struct l2tp_msg
msg(enum l2tp_msg_type t)
{
	struct l2tp_msg m;

	l2tp_msg_init(&m, t);
	return m;
}

/* SCCRQ or SCCRP with everything §6.1/§6.2 requires. */
static struct l2tp_msg
cc_msg(const struct pconn *pc, enum l2tp_msg_type t)
{
	struct l2tp_msg m = msg(t);

	snprintf(m.host_name, sizeof(m.host_name), "lcce-b");
	l2tp_msg_set(&m, L2TP_AVP_HOST_NAME);
	m.router_id = PEER_ROUTER_ID;
	l2tp_msg_set(&m, L2TP_AVP_ROUTER_ID);
	m.assigned_ccid = pc->ccid;
	l2tp_msg_set(&m, L2TP_AVP_ASSIGNED_CCID);
	m.n_pw_caps = 2;
	m.pw_caps[0] = L2TP_PW_ETH;
	m.pw_caps[1] = L2TP_PW_ETH_VLAN;
	l2tp_msg_set(&m, L2TP_AVP_PW_CAPS);
	m.recv_window = 8;
	l2tp_msg_set(&m, L2TP_AVP_RECV_WINDOW);
	if (F.auth) {
		memcpy(m.nonce, pc->nonce, sizeof(pc->nonce));
		m.nonce_len = sizeof(pc->nonce);
		l2tp_msg_set(&m, L2TP_AVP_NONCE);
	}
	return m;
}

static void
set_tie(struct l2tp_msg *m, const uint8_t tie[8])
{
	memcpy(m->tie_breaker, tie, 8);
	l2tp_msg_set(m, L2TP_AVP_TIE_BREAKER);
}

/* A tie breaker one below or above t (big-endian, §5.4.3: lower wins). */
static void
tie_step(const uint8_t t[8], int delta, uint8_t out[8])
{
	int i, carry = delta;

	memcpy(out, t, 8);
	for (i = 7; i >= 0 && carry != 0; i--) {
		int v = out[i] + carry;

		out[i] = (uint8_t)v;
		carry = v < 0 ? -1 : v > 255 ? 1 : 0;
	}
	CHECK(carry == 0); /* t was neither all zeros nor all ones */
}

/* ICRQ or OCRQ with everything §6.6/§6.9 requires, and the optional
 * AVPs a peer sends: a cookie, the default sublayer, no sequencing. */
static struct l2tp_msg
rq_msg(enum l2tp_msg_type t, uint32_t lsid, const char *end_id)
{
	struct l2tp_msg m = msg(t);

	m.local_sid = lsid;
	l2tp_msg_set(&m, L2TP_AVP_LOCAL_SID);
	m.remote_sid = 0;
	l2tp_msg_set(&m, L2TP_AVP_REMOTE_SID);
	m.serial = 4711;
	l2tp_msg_set(&m, L2TP_AVP_SERIAL);
	m.pw_type = L2TP_PW_ETH;
	l2tp_msg_set(&m, L2TP_AVP_PW_TYPE);
	m.end_id_len = (uint16_t)strlen(end_id);
	memcpy(m.end_id, end_id, m.end_id_len);
	l2tp_msg_set(&m, L2TP_AVP_REMOTE_END_ID);
	m.circuit_status = L2TP_CS_ACTIVE;
	l2tp_msg_set(&m, L2TP_AVP_CIRCUIT_STATUS);
	m.cookie_len = 8;
	memcpy(m.cookie, "\xc0\xc1\xc2\xc3\xc4\xc5\xc6\xc7", 8);
	l2tp_msg_set(&m, L2TP_AVP_COOKIE);
	m.l2ss = 1;
	l2tp_msg_set(&m, L2TP_AVP_L2SS);
	m.data_seq = L2TP_SEQ_NONE;
	l2tp_msg_set(&m, L2TP_AVP_DATA_SEQ);
	return m;
}

/* ICRP or OCRP (§6.7, §6.10). */
static struct l2tp_msg
rp_msg(enum l2tp_msg_type t, uint32_t lsid, uint32_t rsid)
{
	struct l2tp_msg m = msg(t);

	m.local_sid = lsid;
	l2tp_msg_set(&m, L2TP_AVP_LOCAL_SID);
	m.remote_sid = rsid;
	l2tp_msg_set(&m, L2TP_AVP_REMOTE_SID);
	m.circuit_status = L2TP_CS_ACTIVE;
	l2tp_msg_set(&m, L2TP_AVP_CIRCUIT_STATUS);
	m.cookie_len = 8;
	memcpy(m.cookie, "\xd0\xd1\xd2\xd3\xd4\xd5\xd6\xd7", 8);
	l2tp_msg_set(&m, L2TP_AVP_COOKIE);
	m.l2ss = 1;
	l2tp_msg_set(&m, L2TP_AVP_L2SS);
	m.data_seq = L2TP_SEQ_NONE;
	l2tp_msg_set(&m, L2TP_AVP_DATA_SEQ);
	return m;
}

/* ICCN, OCCN, SLI or any message with only the two session IDs. */
static struct l2tp_msg
sid_msg(enum l2tp_msg_type t, uint32_t lsid, uint32_t rsid)
{
	struct l2tp_msg m = msg(t);

	m.local_sid = lsid;
	l2tp_msg_set(&m, L2TP_AVP_LOCAL_SID);
	m.remote_sid = rsid;
	l2tp_msg_set(&m, L2TP_AVP_REMOTE_SID);
	return m;
}

static struct l2tp_msg
cdn_msg(uint32_t lsid, uint32_t rsid, uint16_t result, uint16_t error, const char *text)
{
	struct l2tp_msg m = sid_msg(L2TP_MSG_CDN, lsid, rsid);

	m.result = result;
	m.error = error;
	m.has_error = true;
	if (text != NULL) {
		m.errmsg_len = (uint16_t)strlen(text);
		memcpy(m.errmsg, text, m.errmsg_len);
	}
	l2tp_msg_set(&m, L2TP_AVP_RESULT_CODE);
	return m;
}

static struct l2tp_msg
stopccn_msg(const struct pconn *pc, uint16_t result)
{
	struct l2tp_msg m = msg(L2TP_MSG_STOPCCN);

	m.result = result;
	l2tp_msg_set(&m, L2TP_AVP_RESULT_CODE);
	m.assigned_ccid = pc->ccid;
	l2tp_msg_set(&m, L2TP_AVP_ASSIGNED_CCID);
	return m;
}

/* ---- virtual time ---- */

/* Time passes; the call manager's timers run every 100 ms. */
static void
run_for(uint64_t ms)
{
	uint64_t end = F.now + ms;

	while (F.now < end) {
		F.now += end - F.now < 100 ? end - F.now : 100;
		l2tp_cm_service(F.cm, F.now);
	}
}

/* Time passes until the call manager sends a message of this type, for
 * at most max_ms. */
static void
run_until_sent(uint32_t type, uint64_t max_ms)
{
	uint64_t end = F.now + max_ms;
	unsigned int n = count_sent(type);

	while (F.now < end && count_sent(type) == n)
		run_for(100);
}

/* ---- fixtures ---- */

/* The configuration: one peer over IP, five retries (a 31 s cycle),
 * HELLO every 60 s, with n_secrets secrets. Tests adjust it before
 * fx_start(). */
static void
fx_cfg(bool initiate, unsigned int n_secrets)
{
	static const char *const secrets[2] = {"s3cret", "n3xt-s3cret"};
	struct cfg_l2tp_peer *p = &F.peer_cfg;
	unsigned int i;

	memset(&F, 0, sizeof(F));
	F.now = T0;
	F.rnd = 0x9e3779b97f4a7c15ull;
	F.link[AC_PORT] = true;
	F.cfg.l2tp.enabled = true;
	F.cfg.l2tp.router_id = 0xc0000201u;
	snprintf(F.cfg.l2tp.host_name, sizeof(F.cfg.l2tp.host_name), "lcce-a");
	F.cfg.l2tp.t = (struct cfg_l2tp_timers){.hello_interval_s = HELLO_S,
						.rto_initial_ms = 1000,
						.rto_max_ms = 8000,
						.retries = 5,
						.receive_window = 16};
	snprintf(p->name, sizeof(p->name), PEER_NAME);
	if (addr_parse("192.0.2.2", &p->address) < 0 || addr_parse("192.0.2.1", &p->local) < 0)
		CU_FAIL_FATAL("addresses parse");
	p->transport = L2TP_ENCAP_IP;
	p->initiate = initiate;
	p->n_secrets = n_secrets;
	for (i = 0; i < n_secrets; i++) {
		snprintf(p->secrets[i], sizeof(p->secrets[i]), "%s", secrets[i]);
		l2tp_secret_init(&F.psec[i], secrets[i], strlen(secrets[i]));
	}
	p->digest = CFG_DIGEST_MD5;
	p->t = F.cfg.l2tp.t;
	F.cfg.l2tp.peers = p;
	F.cfg.l2tp.n_peers = 1;
	F.auth = n_secrets != 0;
	F.n_psec = n_secrets;
	F.w.encap = L2TP_ENCAP_IP;
	F.w.local = p->local;
	F.w.remote = p->address;
}

/* The core, the client (which opens the AF when it hears of it and
 * closes a call when the network does, as the cross-connect does), the
 * call manager, and the client's SAP S1 for "pw1". */
static void
fx_start(void)
{
	F.e = ut_env_new();
	F.cl = ut_actor_new(F.e, UT_CLIENT, "cl");
	ut_on(F.cl, UT_CL_AF_REGISTER_NOTIFY, ut_act_open_af, CM_AF_L2TP);
	ut_on(F.cl, UT_CL_INCOMING_CLOSE_CALL, ut_act_close_call, 0);
	F.cm = l2tp_cm_create(F.e->core, &F.cfg, &xport, F.now);
	CU_ASSERT_PTR_NOT_NULL_FATAL(F.cm);
	UT_EXPECT(F.e, "cl.af_register_notify(family=0x3)", "cl_open_af(family=0x3,af=A1)=SUCCESS");
	F.af = ut_obj_by_name(F.e, "A1");
	CU_ASSERT_PTR_NOT_NULL_FATAL(F.af);
	F.sap = sap_add("pw1", L2TP_PW_ETH);
}

static void
fx_init(bool initiate, unsigned int n_secrets)
{
	fx_cfg(initiate, n_secrets);
	fx_start();
}

/* The client lets go of what it still has, as the cross-connect does
 * when the AF is closed under it. */
static void
client_release(void)
{
	struct ut_obj *o;
	struct cm_vc_info info;

	settle();
	for (o = F.e->objs; o != NULL; o = o->next) {
		if (o->kind != UT_VC || o->gone || o->h == 0)
			continue;
		if (cm_vc_info(F.e->core, (struct cm_vc_h){o->h}, &info) != CM_SUCCESS) {
			o->gone = true;
			continue;
		}
		if (info.call == CM_CALL_OFFERED)
			ut_incoming_call_complete(o, CM_NOT_ACCEPTED, NULL);
		else if (info.call == CM_CALL_CONNECTED || info.call == CM_CALL_INCOMING_CLOSE)
			ut_close_call(o, NULL, NULL, 0);
		else if (info.call == CM_CALL_IDLE && o->creator == UT_CLIENT &&
			 info.act == CM_VC_INACTIVE)
			ut_delete_vc(o);
		settle();
	}
	for (o = F.e->objs; o != NULL; o = o->next)
		if (o->kind == UT_SAP && !o->gone && o->h != 0)
			ut_deregister_sap(o);
	if (!F.af->gone)
		ut_close_af(F.af);
}

/* Shut down as main.c does, run until the call manager is idle, and
 * check that the core and the miniport hold nothing. */
static void
fx_fini(void)
{
	uint64_t start = F.now, bound;
	struct ut_obj *o;
	unsigned int i;

	CHECK_EQ(F.overflow, 0);
	ut_reset_all(F.cl);
	ut_on(F.cl, UT_CL_INCOMING_CLOSE_CALL, ut_act_close_call, 0);
	/* the bound main.c waits for: the longest StopCCN hold */
	bound = l2tp_cm_stop(F.cm, F.now);
	CHECK(bound <= CYCLE_MS);
	for (i = 0; i < 200 && !l2tp_cm_idle(F.cm); i++) {
		client_release();
		F.n_sent = F.seen = 0;
		run_for(500);
	}
	CHECK(l2tp_cm_idle(F.cm));
	CHECK(F.now - start <= bound + 500);
	l2tp_cm_destroy(F.cm);
	/* a VC the call manager left behind would crash the harness's
	 * unwinding, which only knows its own call managers */
	for (o = F.e->objs; o != NULL; o = o->next)
		if (o->kind == UT_VC && o->creator == UT_CM)
			o->gone = true;
	UT_FINI(F.e);
}

/* ---- connections and calls ---- */

/* §7.2 as responder: the peer's SCCRQ, our SCCRP, its SCCCN. */
static struct pconn *
up_responder(void)
{
	struct pconn *pc = pc_new();
	struct l2tp_msg m = cc_msg(pc, L2TP_MSG_SCCRQ);

	tx(pc, &m);
	EXPECT_MSG(L2TP_MSG_SCCRP);
	m = msg(L2TP_MSG_SCCCN);
	tx(pc, &m);
	EXPECT_NONE();
	return pc;
}

/* The peer's ICRQ or OCRQ for S1, which the client accepts: the reply
 * (ICRP, or OCRP then OCCN) is sent; returns the VC, our session ID in
 * *ours. */
static struct ut_obj *
in_offer(struct pconn *pc, enum l2tp_msg_type t, uint32_t lsid, uint32_t *ours)
{
	struct l2tp_msg m = rq_msg(t, lsid, "pw1");
	const struct sent *s;
	char e1[64], e2[64];

	F.last_vc = NULL;
	tx(pc, &m);
	s = EXPECT_MSG(t == L2TP_MSG_ICRQ ? L2TP_MSG_ICRP : L2TP_MSG_OCRP);
	EXPECT_SIDS(s, 0, lsid);
	*ours = s->m.local_sid;
	CU_ASSERT_PTR_NOT_NULL_FATAL(F.last_vc);
	snprintf(e1, sizeof(e1), "cl.create_vc(af=A1,vc=%s)", F.last_vc->name);
	snprintf(e2, sizeof(e2), "cl.incoming_call(sap=S1,vc=%s)", F.last_vc->name);
	if (t == L2TP_MSG_OCRQ) {
		char e3[64];

		s = EXPECT_MSG(L2TP_MSG_OCCN);
		EXPECT_SIDS(s, *ours, lsid);
		snprintf(e3, sizeof(e3), "cl.call_connected(vc=%s)", F.last_vc->name);
		UT_EXPECT(F.e, e1, e2, e3);
	} else {
		UT_EXPECT(F.e, e1, e2);
	}
	EXPECT_NONE();
	tx_ack(pc);
	return F.last_vc;
}

/* An incoming call up: ICRQ, ICRP, ICCN. */
static struct ut_obj *
in_call(struct pconn *pc, uint32_t lsid, uint32_t *ours)
{
	struct ut_obj *v = in_offer(pc, L2TP_MSG_ICRQ, lsid, ours);
	struct l2tp_msg m = sid_msg(L2TP_MSG_ICCN, lsid, *ours);
	char ev[64];

	tx(pc, &m);
	EXPECT_NONE();
	snprintf(ev, sizeof(ev), "cl.call_connected(vc=%s)", v->name);
	UT_EXPECT(F.e, ev);
	return v;
}

/* The client's make call on an established connection: our ICRQ or OCRQ
 * goes out at once. */
static struct ut_obj *
out_request(const char *end_id, bool outgoing, const struct sent **req)
{
	struct ut_obj *v = make_call(end_id, outgoing);

	*req = EXPECT_MSG(outgoing ? L2TP_MSG_OCRQ : L2TP_MSG_ICRQ);
	EXPECT_NONE();
	return v;
}

/* An outgoing call up: our ICRQ, the peer's ICRP, our ICCN; or our OCRQ,
 * the peer's OCRP and OCCN. */
static struct ut_obj *
out_call(struct pconn *pc, const char *end_id, bool outgoing, uint32_t lsid, uint32_t *ours)
{
	const struct sent *s;
	struct ut_obj *v = out_request(end_id, outgoing, &s);
	struct l2tp_msg m;
	char ev[64];

	*ours = s->m.local_sid;
	m = rp_msg(outgoing ? L2TP_MSG_OCRP : L2TP_MSG_ICRP, lsid, *ours);
	tx(pc, &m);
	if (outgoing) {
		EXPECT_NONE();
		UT_EXPECT_NOTHING(F.e);
		m = sid_msg(L2TP_MSG_OCCN, lsid, *ours);
		tx(pc, &m);
	} else {
		s = EXPECT_MSG(L2TP_MSG_ICCN);
		EXPECT_SIDS(s, *ours, lsid);
	}
	EXPECT_NONE();
	tx_ack(pc);
	snprintf(ev, sizeof(ev), "cl.make_call_complete(SUCCESS,vc=%s)", v->name);
	UT_EXPECT(F.e, ev);
	return v;
}

/* The client's close of a connected call: CDN (result 3, administrative),
 * and the close completes once the VC is drained. */
static void
local_close(struct ut_obj *v, uint32_t ours, uint32_t theirs)
{
	const struct sent *s;
	char ev[64];

	UT_ST(ut_close_call(v, NULL, NULL, 0), CM_PENDING);
	s = EXPECT_MSG(L2TP_MSG_CDN);
	EXPECT_SIDS(s, ours, theirs);
	EXPECT_RESULT(s, L2TP_CDN_ADMIN, -1);
	EXPECT_NONE();
	UT_EXPECT_NOTHING(F.e);
	settle();
	snprintf(ev, sizeof(ev), "cl.close_call_complete(SUCCESS,vc=%s)", v->name);
	if (v->creator == UT_CM) {
		char e2[64];

		snprintf(e2, sizeof(e2), "cl.delete_vc(vc=%s)", v->name);
		UT_EXPECT(F.e, ev, e2);
	} else {
		UT_EXPECT(F.e, ev);
	}
}

/* The network closed the call: the client hears it (and closes, as its
 * script says), and the close completes once the VC is drained. */
static void
expect_incoming_close(struct ut_obj *v, const char *status, const char *data)
{
	char e1[96], e2[64], e3[64], e4[64];

	snprintf(e1, sizeof(e1), "cl.incoming_close_call(%s,vc=%s%s)", status, v->name, data);
	snprintf(e2, sizeof(e2), "cl_close_call(vc=%s)=PENDING", v->name);
	UT_EXPECT(F.e, e1, e2);
	settle();
	snprintf(e3, sizeof(e3), "cl.close_call_complete(SUCCESS,vc=%s)", v->name);
	snprintf(e4, sizeof(e4), "cl.delete_vc(vc=%s)", v->name);
	if (v->creator == UT_CM)
		UT_EXPECT(F.e, e3, e4);
	else
		UT_EXPECT(F.e, e3);
}

/* The client's make call failed with status. */
static void
expect_make_call_failed(struct ut_obj *v, const char *status)
{
	char ev[64];

	settle();
	snprintf(ev, sizeof(ev), "cl.make_call_complete(%s,vc=%s)", status, v->name);
	UT_EXPECT(F.e, ev);
}

/* ======================= §7.2 control connection ======================= */

/* idle, local open request: send SCCRQ -> wait-ctl-reply. */
static void
cc_idle_local_open(void)
{
	const struct sent *s;

	fx_init(true, 0);
	l2tp_cm_service(F.cm, F.now);
	s = EXPECT_MSG(L2TP_MSG_SCCRQ);
	/* §5.4.3: CCID 0 until the peer assigns one; Appendix B.1 */
	CHECK_EQ(s->m.ccid, 0);
	CHECK_EQ(s->m.ns, 0);
	CHECK_EQ(s->m.nr, 0);
	CHECK(strcmp(s->m.host_name, "lcce-a") == 0);
	CHECK(l2tp_msg_has(&s->m, L2TP_AVP_ROUTER_ID) && s->m.router_id == 0xc0000201u);
	CHECK(l2tp_msg_has(&s->m, L2TP_AVP_ASSIGNED_CCID) && s->m.assigned_ccid != 0);
	CHECK(l2tp_msg_has(&s->m, L2TP_AVP_PW_CAPS));
	CHECK_EQ(s->m.n_pw_caps, 2);
	CHECK(l2tp_msg_has(&s->m, L2TP_AVP_TIE_BREAKER));
	CHECK(l2tp_msg_has(&s->m, L2TP_AVP_RECV_WINDOW) && s->m.recv_window == 16);
	CHECK(!l2tp_msg_has(&s->m, L2TP_AVP_NONCE)); /* no secret, no authentication */
	EXPECT_NONE();
	/* unanswered: the same SCCRQ again after the first timeout (§4.2) */
	run_for(999);
	EXPECT_NONE();
	run_for(1);
	s = EXPECT_MSG(L2TP_MSG_SCCRQ);
	CHECK_EQ(s->m.ns, 0);
	UT_EXPECT_NOTHING(F.e);
	fx_fini();
}

/* idle, SCCRQ acceptable: send SCCRP -> wait-ctl-conn (then SCCCN:
 * established). */
static void
cc_idle_sccrq_ok(void)
{
	struct pconn *pc;
	struct l2tp_msg m;
	const struct sent *s;
	uint8_t tie[8] = {1, 2, 3, 4, 5, 6, 7, 8};

	fx_init(false, 0);
	pc = pc_new();
	m = cc_msg(pc, L2TP_MSG_SCCRQ);
	set_tie(&m, tie);
	tx(pc, &m);
	s = EXPECT_MSG(L2TP_MSG_SCCRP);
	CHECK_EQ(s->m.ccid, pc->ccid);
	CHECK_EQ(s->m.ns, 0);
	CHECK_EQ(s->m.nr, 1);
	CHECK(strcmp(s->m.host_name, "lcce-a") == 0);
	CHECK(l2tp_msg_has(&s->m, L2TP_AVP_ROUTER_ID));
	CHECK(l2tp_msg_has(&s->m, L2TP_AVP_ASSIGNED_CCID) && s->m.assigned_ccid != 0);
	CHECK(l2tp_msg_has(&s->m, L2TP_AVP_PW_CAPS));
	CHECK(!l2tp_msg_has(&s->m, L2TP_AVP_TIE_BREAKER));
	EXPECT_NONE();
	CHECK_EQ(stats().connections_up, 0);
	m = msg(L2TP_MSG_SCCCN);
	tx(pc, &m);
	EXPECT_NONE();
	/* the SCCCN is acknowledged (B.1: ACK Ns 1, Nr 2) */
	CHECK(F.n_sent > 0 && F.sent[F.n_sent - 1].m.type == L2TP_MSG_ZLB);
	CHECK_EQ(F.sent[F.n_sent - 1].m.ns, 1);
	CHECK_EQ(F.sent[F.n_sent - 1].m.nr, 2);
	CHECK_EQ(stats().connections_up, 1);
	UT_EXPECT_NOTHING(F.e);
	fx_fini();
}

/* idle, SCCRQ not acceptable (a mandatory AVP missing, §6.1, §7.1):
 * send StopCCN, clean up -> idle. */
static void
cc_idle_sccrq_missing_avp(void)
{
	struct pconn *pc;
	struct l2tp_msg m;
	const struct sent *s;

	fx_init(false, 0);
	pc = pc_new();
	m = cc_msg(pc, L2TP_MSG_SCCRQ);
	m.avps[0] &= ~(UINT64_C(1) << L2TP_AVP_HOST_NAME);
	tx(pc, &m);
	s = EXPECT_MSG(L2TP_MSG_STOPCCN);
	CHECK_EQ(s->m.ccid, pc->ccid);
	CHECK(l2tp_msg_has(&s->m, L2TP_AVP_ASSIGNED_CCID) && s->m.assigned_ccid != 0);
	EXPECT_RESULT(s, L2TP_STOP_ERROR, -1);
	CHECK(s->m.has_error && s->m.error != L2TP_ERR_NONE);
	EXPECT_NONE();
	/* cleaned up: the connection never comes up */
	pc->our_ccid = s->m.assigned_ccid;
	m = msg(L2TP_MSG_SCCCN);
	tx(pc, &m);
	EXPECT_NONE();
	CHECK_EQ(stats().connections_up, 0);
	fx_fini();
}

/* idle, SCCRQ not acceptable (no pseudowire type in common). */
static void
cc_idle_sccrq_no_pw(void)
{
	struct pconn *pc;
	struct l2tp_msg m;
	const struct sent *s;

	fx_init(false, 0);
	pc = pc_new();
	m = cc_msg(pc, L2TP_MSG_SCCRQ);
	m.n_pw_caps = 1;
	m.pw_caps[0] = 0x0001; /* Frame Relay DLCI */
	tx(pc, &m);
	s = EXPECT_MSG(L2TP_MSG_STOPCCN);
	CHECK_EQ(s->m.ccid, pc->ccid);
	EXPECT_RESULT(s, L2TP_STOP_ERROR, -1);
	EXPECT_NONE();
	CHECK_EQ(stats().connections_up, 0);
	fx_fini();
}

/* §5.2: an unrecognised AVP with M=1 in SCCRQ: StopCCN 2/8. */
static void
cc_idle_sccrq_unknown_avp(void)
{
	struct pconn *pc;
	struct l2tp_msg m;
	const struct sent *s;

	fx_init(false, 0);
	pc = pc_new();
	m = cc_msg(pc, L2TP_MSG_SCCRQ);
	tx_avp(pc, &m, avp_unknown_m1, sizeof(avp_unknown_m1));
	s = EXPECT_MSG(L2TP_MSG_STOPCCN);
	CHECK_EQ(s->m.ccid, pc->ccid);
	EXPECT_RESULT(s, L2TP_STOP_ERROR, L2TP_ERR_UNKNOWN_MANDATORY);
	EXPECT_NONE();
	fx_fini();
}

/* §5.2: unrecognised AVPs with M=0, IETF or vendor, are ignored. */
static void
cc_idle_sccrq_optional_avps(void)
{
	uint8_t avps[sizeof(avp_unknown_m0) + sizeof(avp_vendor_m0)];
	struct pconn *pc;
	struct l2tp_msg m;

	fx_init(false, 0);
	memcpy(avps, avp_unknown_m0, sizeof(avp_unknown_m0));
	memcpy(avps + sizeof(avp_unknown_m0), avp_vendor_m0, sizeof(avp_vendor_m0));
	pc = pc_new();
	m = cc_msg(pc, L2TP_MSG_SCCRQ);
	tx_avp(pc, &m, avps, sizeof(avps));
	EXPECT_MSG(L2TP_MSG_SCCRP);
	m = msg(L2TP_MSG_SCCCN);
	tx_avp(pc, &m, avp_vendor_m0, sizeof(avp_vendor_m0));
	EXPECT_NONE();
	CHECK_EQ(stats().connections_up, 1);
	fx_fini();
}

/* idle, receive SCCRP: send StopCCN, clean up -> idle. The SCCRP names
 * a connection we do not have; its AVP 61 says where to answer. */
static void
cc_idle_sccrp(void)
{
	struct pconn *pc;
	struct l2tp_msg m;
	struct txo o = {.set_ccid = true, .ccid = 0x7777};
	const struct sent *s;

	fx_init(false, 0);
	pc = pc_new();
	m = cc_msg(pc, L2TP_MSG_SCCRP);
	tx_opt(pc, &m, &o);
	s = EXPECT_MSG(L2TP_MSG_STOPCCN);
	CHECK_EQ(s->m.ccid, pc->ccid);
	EXPECT_NONE();
	CHECK_EQ(stats().connections_up, 0);
	fx_fini();
}

/* idle, receive SCCCN: send StopCCN, clean up -> idle. */
static void
cc_idle_scccn(void)
{
	struct pconn *pc;
	struct l2tp_msg m;
	struct txo o = {.set_ccid = true, .ccid = 0x7777};

	fx_init(false, 0);
	pc = pc_new();
	m = msg(L2TP_MSG_SCCCN);
	tx_opt(pc, &m, &o);
	EXPECT_MSG(L2TP_MSG_STOPCCN);
	EXPECT_NONE();
	CHECK_EQ(stats().connections_up, 0);
	fx_fini();
}

/* wait-ctl-reply, SCCRP acceptable: send SCCCN, control-conn-open to
 * waiting sessions (our ICRQ) -> established. */
static void
cc_wcr_sccrp_ok(void)
{
	struct pconn *pc;
	struct l2tp_msg m;
	const struct sent *s;

	fx_init(true, 0);
	make_call("pw7", false);
	l2tp_cm_service(F.cm, F.now);
	EXPECT_MSG(L2TP_MSG_SCCRQ);
	EXPECT_NONE();
	pc = &F.pc[0];
	m = cc_msg(pc, L2TP_MSG_SCCRP);
	tx(pc, &m);
	s = EXPECT_MSG(L2TP_MSG_SCCCN);
	CHECK_EQ(s->m.ccid, pc->ccid);
	CHECK_EQ(s->m.ns, 1);
	CHECK_EQ(s->m.nr, 1);
	s = EXPECT_MSG(L2TP_MSG_ICRQ);
	CHECK_EQ(s->m.ccid, pc->ccid);
	CHECK_EQ(s->m.ns, 2);
	EXPECT_NONE();
	CHECK_EQ(stats().connections_up, 1);
	UT_EXPECT_NOTHING(F.e);
	fx_fini();
}

/* wait-ctl-reply, SCCRP not acceptable: send StopCCN -> idle. The SCCRP
 * carried the peer's AVP 61: the StopCCN's header carries it (§5.4.3,
 * "MUST be included ... of all control packets"). The call waiting for
 * the connection fails. */
static void
cc_wcr_sccrp_bad(void)
{
	struct ut_obj *v;
	struct pconn *pc;
	struct l2tp_msg m;
	const struct sent *s;

	fx_init(true, 0);
	v = make_call("pw7", false);
	l2tp_cm_service(F.cm, F.now);
	EXPECT_MSG(L2TP_MSG_SCCRQ);
	pc = &F.pc[0];
	m = cc_msg(pc, L2TP_MSG_SCCRP);
	m.avps[0] &= ~(UINT64_C(1) << L2TP_AVP_ROUTER_ID);
	tx(pc, &m);
	s = EXPECT_MSG(L2TP_MSG_STOPCCN);
	CHECK_EQ(s->m.ccid, pc->ccid);
	CHECK_EQ(s->m.assigned_ccid, pc->our_ccid);
	EXPECT_RESULT(s, L2TP_STOP_ERROR, -1);
	EXPECT_NONE();
	expect_make_call_failed(v, "NOT_ACCEPTED");
	CHECK_EQ(stats().connections_up, 0);
	fx_fini();
}

/* §5.2: an unrecognised AVP with M=1 in SCCRP: StopCCN 2/8. */
static void
cc_wcr_sccrp_unknown_avp(void)
{
	struct pconn *pc;
	struct l2tp_msg m;
	const struct sent *s;

	fx_init(true, 0);
	l2tp_cm_service(F.cm, F.now);
	EXPECT_MSG(L2TP_MSG_SCCRQ);
	pc = &F.pc[0];
	m = cc_msg(pc, L2TP_MSG_SCCRP);
	tx_avp(pc, &m, avp_unknown_m1, sizeof(avp_unknown_m1));
	s = EXPECT_MSG(L2TP_MSG_STOPCCN);
	CHECK_EQ(s->m.ccid, pc->ccid);
	EXPECT_RESULT(s, L2TP_STOP_ERROR, L2TP_ERR_UNKNOWN_MANDATORY);
	EXPECT_NONE();
	CHECK_EQ(stats().connections_up, 0);
	fx_fini();
}

/* Our SCCRQ outstanding (wait-ctl-reply) and a call waiting for it; the
 * peer's own SCCRQ arrives with tie breaker delta from ours. */
static struct pconn *
cc_tie_setup(struct ut_obj **v, struct l2tp_msg *theirs, int delta)
{
	struct pconn *ours, *pc;
	uint8_t tie[8];

	*v = make_call("pw7", false);
	l2tp_cm_service(F.cm, F.now);
	EXPECT_MSG(L2TP_MSG_SCCRQ);
	ours = &F.pc[0];
	pc = pc_new();
	*theirs = cc_msg(pc, L2TP_MSG_SCCRQ);
	if (delta != 0) {
		tie_step(ours->tie, delta, tie);
		set_tie(theirs, tie);
	} else {
		set_tie(theirs, ours->tie);
	}
	return pc;
}

/* wait-ctl-reply, SCCRQ, tie lost, acceptable: send SCCRP, clean up the
 * losing connection (ours, silently: the winner sends the StopCCN) ->
 * wait-ctl-conn; the waiting call goes on the winner. */
static void
cc_wcr_sccrq_tie_lost(void)
{
	struct ut_obj *v;
	struct pconn *pc;
	struct l2tp_msg m;
	const struct sent *s;

	fx_init(true, 0);
	pc = cc_tie_setup(&v, &m, -1);
	tx(pc, &m);
	s = EXPECT_MSG(L2TP_MSG_SCCRP);
	CHECK_EQ(s->m.ccid, pc->ccid);
	EXPECT_NONE();
	CHECK_EQ(stats().tie_breaks, 1);
	m = msg(L2TP_MSG_SCCCN);
	tx(pc, &m);
	s = EXPECT_MSG(L2TP_MSG_ICRQ);
	CHECK_EQ(s->m.ccid, pc->ccid);
	EXPECT_NONE();
	UT_EXPECT_NOTHING(F.e);
	(void)v;
	fx_fini();
}

/* wait-ctl-reply, SCCRQ, tie lost, not acceptable: send StopCCN, clean
 * up the losing connection -> idle. Ours is gone: the peer's answer to
 * our SCCRQ brings nothing up. */
static void
cc_wcr_sccrq_tie_lost_bad(void)
{
	struct ut_obj *v;
	struct pconn *pc;
	struct l2tp_msg m;
	const struct sent *s;

	fx_init(true, 0);
	pc = cc_tie_setup(&v, &m, -1);
	m.avps[0] &= ~(UINT64_C(1) << L2TP_AVP_HOST_NAME);
	tx(pc, &m);
	s = EXPECT_MSG(L2TP_MSG_STOPCCN);
	CHECK_EQ(s->m.ccid, pc->ccid);
	EXPECT_NONE();
	m = cc_msg(&F.pc[0], L2TP_MSG_SCCRP);
	tx(&F.pc[0], &m);
	CHECK_EQ(count_sent(L2TP_MSG_SCCCN), 0);
	CHECK_EQ(stats().connections_up, 0);
	(void)v;
	fx_fini();
}

/* wait-ctl-reply, SCCRQ, tie won: send StopCCN for the losing connection
 * -> wait-ctl-reply; the peer then answers ours. */
static void
cc_wcr_sccrq_tie_won(void)
{
	struct ut_obj *v;
	struct pconn *pc;
	struct l2tp_msg m;
	const struct sent *s;

	fx_init(true, 0);
	pc = cc_tie_setup(&v, &m, +1);
	tx(pc, &m);
	s = EXPECT_MSG(L2TP_MSG_STOPCCN);
	CHECK_EQ(s->m.ccid, pc->ccid);
	CHECK(l2tp_msg_has(&s->m, L2TP_AVP_RESULT_CODE));
	EXPECT_NONE();
	m = cc_msg(&F.pc[0], L2TP_MSG_SCCRP);
	tx(&F.pc[0], &m);
	EXPECT_MSG(L2TP_MSG_SCCCN);
	s = EXPECT_MSG(L2TP_MSG_ICRQ);
	CHECK_EQ(s->m.ccid, F.pc[0].ccid);
	EXPECT_NONE();
	UT_EXPECT_NOTHING(F.e);
	(void)v;
	fx_fini();
}

/* §5.4.3: only our SCCRQ has a tie breaker: we win. */
static void
cc_wcr_sccrq_tie_only_ours(void)
{
	struct ut_obj *v;
	struct pconn *pc;
	struct l2tp_msg m;
	const struct sent *s;

	fx_init(true, 0);
	pc = cc_tie_setup(&v, &m, +1);
	m.avps[0] &= ~(UINT64_C(1) << L2TP_AVP_TIE_BREAKER);
	tx(pc, &m);
	s = EXPECT_MSG(L2TP_MSG_STOPCCN);
	CHECK_EQ(s->m.ccid, pc->ccid);
	EXPECT_NONE();
	m = cc_msg(&F.pc[0], L2TP_MSG_SCCRP);
	tx(&F.pc[0], &m);
	EXPECT_MSG(L2TP_MSG_SCCCN);
	EXPECT_MSG(L2TP_MSG_ICRQ);
	(void)v;
	fx_fini();
}

/* §5.4.3: equal tie breakers: both discard their connections and
 * restart with a new random tie breaker. The call waiting for the
 * connection stays in wait-control-conn: no row of §7.3.1 takes it out
 * on a restart. */
static void
cc_wcr_sccrq_tie_equal(void)
{
	struct ut_obj *v;
	struct pconn *pc;
	struct l2tp_msg m;
	const struct sent *s;
	uint8_t old[8];
	unsigned int i;
	bool restarted = false;

	fx_init(true, 0);
	pc = cc_tie_setup(&v, &m, 0);
	memcpy(old, F.pc[0].tie, sizeof(old));
	tx(pc, &m);
	run_for(5000);
	for (i = 0; i < F.n_sent; i++) {
		s = &F.sent[i];
		if (s->dec == L2TP_DEC_OK && s->m.type == L2TP_MSG_SCCRQ &&
		    s->m.assigned_ccid != F.pc[0].our_ccid)
			restarted = memcmp(s->m.tie_breaker, old, sizeof(old)) != 0;
	}
	check(restarted, __FILE__, __LINE__, "a new SCCRQ with a new tie breaker within 5 s");
	UT_EXPECT_NOTHING(F.e);
	(void)v;
	fx_fini();
}

/* wait-ctl-reply, receive SCCCN: send StopCCN -> idle. No SCCRP came, so
 * the header's CCID is 0 and AVP 61 is ours (§5.4.3). */
static void
cc_wcr_scccn(void)
{
	struct ut_obj *v;
	struct pconn *pc;
	struct l2tp_msg m;
	const struct sent *s;

	fx_init(true, 0);
	v = make_call("pw7", false);
	l2tp_cm_service(F.cm, F.now);
	EXPECT_MSG(L2TP_MSG_SCCRQ);
	pc = &F.pc[0];
	m = msg(L2TP_MSG_SCCCN);
	tx(pc, &m);
	s = EXPECT_MSG(L2TP_MSG_STOPCCN);
	CHECK_EQ(s->m.ccid, 0);
	CHECK_EQ(s->m.assigned_ccid, pc->our_ccid);
	EXPECT_RESULT(s, L2TP_STOP_FSM, -1);
	EXPECT_NONE();
	expect_make_call_failed(v, "FAILURE");
	fx_fini();
}

/* wait-ctl-conn, SCCCN acceptable: control-conn-open to the sessions
 * waiting (a call made while we waited for the SCCCN) -> established. */
static void
cc_wcc_scccn_ok(void)
{
	struct pconn *pc;
	struct l2tp_msg m;
	const struct sent *s;

	fx_init(false, 0);
	pc = pc_new();
	m = cc_msg(pc, L2TP_MSG_SCCRQ);
	tx(pc, &m);
	EXPECT_MSG(L2TP_MSG_SCCRP);
	make_call("pw7", false);
	EXPECT_NONE();
	m = msg(L2TP_MSG_SCCCN);
	tx(pc, &m);
	s = EXPECT_MSG(L2TP_MSG_ICRQ);
	CHECK_EQ(s->m.ccid, pc->ccid);
	CHECK_EQ(s->m.ns, 1);
	CHECK_EQ(s->m.nr, 2);
	EXPECT_NONE();
	CHECK_EQ(stats().connections_up, 1);
	fx_fini();
}

/* wait-ctl-conn, SCCCN not acceptable (an unrecognised M=1 AVP, §5.2):
 * send StopCCN 2/8 -> idle. */
static void
cc_wcc_scccn_bad(void)
{
	struct pconn *pc;
	struct l2tp_msg m;
	const struct sent *s;

	fx_init(false, 0);
	pc = pc_new();
	m = cc_msg(pc, L2TP_MSG_SCCRQ);
	tx(pc, &m);
	EXPECT_MSG(L2TP_MSG_SCCRP);
	m = msg(L2TP_MSG_SCCCN);
	tx_avp(pc, &m, avp_unknown_m1, sizeof(avp_unknown_m1));
	s = EXPECT_MSG(L2TP_MSG_STOPCCN);
	CHECK_EQ(s->m.ccid, pc->ccid);
	EXPECT_RESULT(s, L2TP_STOP_ERROR, L2TP_ERR_UNKNOWN_MANDATORY);
	EXPECT_NONE();
	CHECK_EQ(stats().connections_up, 0);
	fx_fini();
}

/* wait-ctl-conn, receive SCCRQ or SCCRP: send StopCCN -> idle. */
static void
cc_wcc_sccrq_sccrp(void)
{
	static const enum l2tp_msg_type types[] = {L2TP_MSG_SCCRQ, L2TP_MSG_SCCRP};
	unsigned int i;

	for (i = 0; i < 2; i++) {
		struct pconn *pc;
		struct l2tp_msg m;
		struct txo o = {.set_ccid = true};
		const struct sent *s;

		fx_init(false, 0);
		pc = pc_new();
		m = cc_msg(pc, L2TP_MSG_SCCRQ);
		tx(pc, &m);
		EXPECT_MSG(L2TP_MSG_SCCRP);
		/* on this connection: our CCID in the header */
		o.ccid = pc->our_ccid;
		m = cc_msg(pc, types[i]);
		tx_opt(pc, &m, &o);
		s = EXPECT_MSG(L2TP_MSG_STOPCCN);
		CHECK_EQ(s->m.ccid, pc->ccid);
		EXPECT_RESULT(s, L2TP_STOP_FSM, -1);
		EXPECT_NONE();
		CHECK_EQ(stats().connections_up, 0);
		fx_fini();
	}
}

/* established, local open request (new call): control-conn-open to it at
 * once: our ICRQ. */
static void
cc_est_local_open(void)
{
	struct pconn *pc;
	const struct sent *s;

	fx_init(false, 0);
	pc = up_responder();
	make_call("pw7", false);
	s = EXPECT_MSG(L2TP_MSG_ICRQ);
	CHECK_EQ(s->m.ccid, pc->ccid);
	EXPECT_NONE();
	fx_fini();
}

/* established, administrative close: send StopCCN (result 6, shutting
 * down), clean up -> idle. Its sessions are cleared with it, without a
 * CDN (§6.4); the StopCCN is retransmitted until acknowledged. */
static void
cc_est_admin_close(void)
{
	struct ut_obj *v;
	struct pconn *pc;
	const struct sent *s;
	uint32_t ours;

	fx_init(false, 0);
	pc = up_responder();
	v = in_call(pc, 0x3001, &ours);
	l2tp_cm_stop(F.cm, F.now);
	s = EXPECT_MSG(L2TP_MSG_STOPCCN);
	CHECK_EQ(s->m.ccid, pc->ccid);
	CHECK(l2tp_msg_has(&s->m, L2TP_AVP_ASSIGNED_CCID));
	EXPECT_RESULT(s, L2TP_STOP_SHUTDOWN, -1);
	EXPECT_NONE();
	{
		char e1[64];

		snprintf(e1, sizeof(e1), "cl.incoming_close_call(FAILURE,vc=%s)", v->name);
		UT_EXPECT(F.e, "cl.notify_close_af(af=A1)", e1, "cl_close_call(vc=V1)=PENDING");
	}
	settle();
	UT_EXPECT(F.e, "cl.close_call_complete(SUCCESS,vc=V1)", "cl.delete_vc(vc=V1)");
	run_for(1000);
	s = EXPECT_MSG(L2TP_MSG_STOPCCN);
	EXPECT_NONE();
	tx_ack(pc);
	run_for(500);
	EXPECT_NONE();
	fx_fini();
}

/* The client closes its calls when the address family closes, as the
 * cross-connect does at shutdown. */
static struct ut_obj *closing_at_stop[2];

static void
act_close_calls(struct ut_call *c, intptr_t unused)
{
	unsigned int i;

	(void)c, (void)unused;
	for (i = 0; i < sizeof(closing_at_stop) / sizeof(closing_at_stop[0]); i++)
		UT_ST(ut_close_call(closing_at_stop[i], NULL, NULL, 0), CM_PENDING);
}

/* Shutdown with calls up, which the client closes itself: no CDN, the
 * StopCCN clears them all (§3.3.2); one message to be acknowledged
 * however many sessions the connection carries. */
static void
cc_est_shutdown_no_cdn(void)
{
	struct pconn *pc;
	const struct sent *s;
	uint32_t ours[2];
	char ev[3][64];

	fx_init(false, 0);
	pc = up_responder();
	closing_at_stop[0] = in_call(pc, 0x3001, &ours[0]);
	closing_at_stop[1] = out_call(pc, "pw7", false, 0x3002, &ours[1]);
	ut_on(F.cl, UT_CL_NOTIFY_CLOSE_AF, act_close_calls, 0);
	l2tp_cm_stop(F.cm, F.now);
	s = EXPECT_MSG(L2TP_MSG_STOPCCN);
	EXPECT_RESULT(s, L2TP_STOP_SHUTDOWN, -1);
	EXPECT_NONE();
	CHECK_EQ(count_sent(L2TP_MSG_CDN), 0);
	snprintf(ev[0], sizeof(ev[0]), "cl_close_call(vc=%s)=PENDING", closing_at_stop[0]->name);
	snprintf(ev[1], sizeof(ev[1]), "cl_close_call(vc=%s)=PENDING", closing_at_stop[1]->name);
	UT_EXPECT(F.e, "cl.notify_close_af(af=A1)", ev[0], ev[1]);
	settle();
	snprintf(ev[0], sizeof(ev[0]), "cl.close_call_complete(SUCCESS,vc=%s)",
		 closing_at_stop[0]->name);
	snprintf(ev[1], sizeof(ev[1]), "cl.delete_vc(vc=%s)", closing_at_stop[0]->name);
	snprintf(ev[2], sizeof(ev[2]), "cl.close_call_complete(SUCCESS,vc=%s)",
		 closing_at_stop[1]->name);
	UT_EXPECT(F.e, ev[0], ev[1], ev[2]);
	/* the call the client made: its VC, the client deletes it */
	ut_delete_vc(closing_at_stop[1]);
	tx_ack(pc);
	run_for(500);
	EXPECT_NONE();
	/* acknowledged: nothing holds the connection at shutdown */
	CHECK_EQ(stats().connections, 0);
	CHECK_EQ(stats().sessions, 0);
	fx_fini();
}

/* established, receive SCCRQ, SCCRP or SCCCN: send StopCCN, clean up ->
 * idle; the calls on it are closed. */
static void
cc_est_sccrq_sccrp_scccn(void)
{
	static const enum l2tp_msg_type types[] = {L2TP_MSG_SCCRQ, L2TP_MSG_SCCRP, L2TP_MSG_SCCCN};
	unsigned int i;

	for (i = 0; i < 3; i++) {
		struct ut_obj *v;
		struct pconn *pc;
		struct l2tp_msg m;
		struct txo o = {.set_ccid = true};
		const struct sent *s;
		uint32_t ours;

		fx_init(false, 0);
		pc = up_responder();
		v = in_call(pc, 0x3001, &ours);
		o.ccid = pc->our_ccid;
		m = types[i] == L2TP_MSG_SCCCN ? msg(L2TP_MSG_SCCCN) : cc_msg(pc, types[i]);
		tx_opt(pc, &m, &o);
		s = EXPECT_MSG(L2TP_MSG_STOPCCN);
		CHECK_EQ(s->m.ccid, pc->ccid);
		EXPECT_RESULT(s, L2TP_STOP_FSM, -1);
		EXPECT_NONE();
		expect_incoming_close(v, "FAILURE", "");
		fx_fini();
	}
}

/* idle, receive StopCCN: clean up -> idle (nothing to answer). */
static void
cc_idle_stopccn(void)
{
	struct pconn *pc;
	struct l2tp_msg m;
	struct txo o = {.set_ccid = true, .ccid = 0x7777};

	fx_init(false, 0);
	pc = pc_new();
	m = stopccn_msg(pc, L2TP_STOP_CLEAR);
	tx_opt(pc, &m, &o);
	EXPECT_NONE();
	CHECK_EQ(stats().connections, 0);
	fx_fini();
}

/* wait-ctl-reply, receive StopCCN: clean up -> idle; acknowledged, not
 * answered with a StopCCN; the waiting call fails. */
static void
cc_wcr_stopccn(void)
{
	struct ut_obj *v;
	struct pconn *pc;
	struct l2tp_msg m;
	struct txo o = {.set_ccid = true};

	fx_init(true, 0);
	v = make_call("pw7", false);
	l2tp_cm_service(F.cm, F.now);
	EXPECT_MSG(L2TP_MSG_SCCRQ);
	pc = &F.pc[0];
	o.ccid = pc->our_ccid;
	m = stopccn_msg(pc, L2TP_STOP_NOT_AUTH);
	tx_opt(pc, &m, &o);
	EXPECT_NONE();
	CHECK(F.n_sent > 0 && F.sent[F.n_sent - 1].m.type == L2TP_MSG_ZLB);
	expect_make_call_failed(v, "FAILURE");
	CHECK_EQ(stats().connections_up, 0);
	fx_fini();
}

/* wait-ctl-conn, receive StopCCN: clean up -> idle. */
static void
cc_wcc_stopccn(void)
{
	struct pconn *pc;
	struct l2tp_msg m;

	fx_init(false, 0);
	pc = pc_new();
	m = cc_msg(pc, L2TP_MSG_SCCRQ);
	tx(pc, &m);
	EXPECT_MSG(L2TP_MSG_SCCRP);
	m = stopccn_msg(pc, L2TP_STOP_CLEAR);
	tx(pc, &m);
	EXPECT_NONE();
	CHECK(F.n_sent > 0 && F.sent[F.n_sent - 1].m.type == L2TP_MSG_ZLB);
	/* cleaned up: an SCCCN now brings nothing up */
	m = msg(L2TP_MSG_SCCCN);
	tx(pc, &m);
	EXPECT_NONE();
	CHECK_EQ(stats().connections_up, 0);
	fx_fini();
}

/* established, receive StopCCN: clean up -> idle; its calls are closed
 * without a CDN; the StopCCN is acknowledged, and so is its
 * retransmission while the state is held (§4.2, §7.5). */
static void
cc_est_stopccn(void)
{
	struct ut_obj *v;
	struct pconn *pc;
	struct l2tp_msg m;
	struct txo again = {.again = true};
	uint32_t ours;
	unsigned int acks;

	fx_init(false, 0);
	pc = up_responder();
	v = in_call(pc, 0x3001, &ours);
	m = stopccn_msg(pc, L2TP_STOP_CLEAR);
	tx(pc, &m);
	EXPECT_NONE();
	CHECK(F.n_sent > 0 && F.sent[F.n_sent - 1].m.type == L2TP_MSG_ZLB);
	expect_incoming_close(v, "SUCCESS", "");
	CHECK_EQ(count_sent(L2TP_MSG_CDN), 0);
	/* our acknowledgement was lost: the peer sends it again */
	run_for(CYCLE_MS - 1000);
	acks = count_sent(L2TP_MSG_ZLB);
	tx_opt(pc, &m, &again);
	CHECK_EQ(count_sent(L2TP_MSG_ZLB), acks + 1);
	EXPECT_NONE();
	fx_fini();
}

/* ======================= §7.3.1 ICRQ sender ======================= */

/* idle, call signal: open the control connection -> wait-control-conn;
 * no ICRQ before control-conn-open. */
static void
icrq_s_idle_call(void)
{
	struct pconn *pc;
	struct l2tp_msg m;

	fx_init(true, 0);
	make_call("pw7", false);
	l2tp_cm_service(F.cm, F.now);
	EXPECT_MSG(L2TP_MSG_SCCRQ);
	EXPECT_NONE();
	run_for(500);
	EXPECT_NONE();
	pc = &F.pc[0];
	m = cc_msg(pc, L2TP_MSG_SCCRP);
	tx(pc, &m);
	EXPECT_MSG(L2TP_MSG_SCCCN);
	EXPECT_MSG(L2TP_MSG_ICRQ);
	EXPECT_NONE();
	fx_fini();
}

/* idle, receive ICCN or CDN (no such session): clean up, nothing sent.
 * (ICRP to no session: §7.3.2 idle says send CDN, see below.) */
static void
icrq_s_idle_iccn_cdn(void)
{
	struct pconn *pc;
	struct l2tp_msg m;

	fx_init(false, 0);
	pc = up_responder();
	m = sid_msg(L2TP_MSG_ICCN, 0x4001, 0x12345678);
	tx(pc, &m);
	EXPECT_NONE();
	m = cdn_msg(0x4001, 0x12345678, L2TP_CDN_ADMIN, 0, NULL);
	tx(pc, &m);
	EXPECT_NONE();
	UT_EXPECT_NOTHING(F.e);
	fx_fini();
}

/*
 * wait-control-conn, bearer line drop (the circuit's link goes down).
 * §7.3.1 says clean up; for an Ethernet circuit vcswitch keeps the call
 * and says so with Circuit Status instead (§5.4.5, RFC 5641), as it
 * does once the session is up (docs/l2tpv3.md): the ICRQ goes with the
 * Active bit clear, and the call is still being made.
 */
static void
icrq_s_wcc_bearer_drop(void)
{
	const struct sent *s;
	struct ut_obj *v;
	struct pconn *pc;
	struct l2tp_msg m;

	fx_init(true, 0);
	v = make_call("pw7", false);
	l2tp_cm_service(F.cm, F.now);
	EXPECT_MSG(L2TP_MSG_SCCRQ);
	F.link[AC_PORT] = false;
	core_link_status(F.e->core, AC_PORT, false);
	settle();
	UT_EXPECT_NOTHING(F.e);
	pc = &F.pc[0];
	m = cc_msg(pc, L2TP_MSG_SCCRP);
	tx(pc, &m);
	EXPECT_MSG(L2TP_MSG_SCCCN);
	s = EXPECT_MSG(L2TP_MSG_ICRQ);
	CHECK_EQ(s->m.circuit_status & L2TP_CS_ACTIVE, 0);
	CHECK_EQ(ut_call_state(F.e, v), CM_CALL_MAKECALL_PENDING);
	fx_fini();
}

/*
 * wait-control-conn, local close request: clean up -> idle. The core
 * refuses cl_close_call on a call being made (model §4.3), so the only
 * local close is the administrative one: the call fails and no ICRQ is
 * sent.
 */
static void
icrq_s_wcc_local_close(void)
{
	struct ut_obj *v;

	fx_init(true, 0);
	v = make_call("pw7", false);
	l2tp_cm_service(F.cm, F.now);
	EXPECT_MSG(L2TP_MSG_SCCRQ);
	UT_ST(ut_close_call(v, NULL, NULL, 0), CM_FAILURE);
	l2tp_cm_stop(F.cm, F.now);
	settle();
	UT_EXPECT(F.e, "cl.notify_close_af(af=A1)", "cl.make_call_complete(FAILURE,vc=V1)");
	CHECK_EQ(count_sent(L2TP_MSG_ICRQ), 0);
	fx_fini();
}

/* wait-control-conn, control-conn-open: send ICRQ -> wait-reply, with
 * what §6.6 requires and what the call asks for. */
static void
icrq_s_wcc_open(void)
{
	const struct sent *s;

	fx_init(false, 0);
	up_responder();
	make_call("pw7", false);
	s = EXPECT_MSG(L2TP_MSG_ICRQ);
	EXPECT_SIDS(s, 0, 0); /* §5.4.4: the peer's ID is not known yet */
	CHECK(l2tp_msg_has(&s->m, L2TP_AVP_SERIAL));
	CHECK_EQ(s->m.pw_type, L2TP_PW_ETH);
	CHECK(s->m.end_id_len == 3 && memcmp(s->m.end_id, "pw7", 3) == 0);
	CHECK(l2tp_msg_has(&s->m, L2TP_AVP_CIRCUIT_STATUS));
	CHECK_EQ(s->m.circuit_status & L2TP_CS_ACTIVE, L2TP_CS_ACTIVE);
	CHECK(l2tp_msg_has(&s->m, L2TP_AVP_TIE_BREAKER));
	CHECK(l2tp_msg_has(&s->m, L2TP_AVP_COOKIE));
	CHECK_EQ(s->m.cookie_len, 4);
	CHECK(l2tp_msg_has(&s->m, L2TP_AVP_L2SS) && s->m.l2ss == 1);
	CHECK(l2tp_msg_has(&s->m, L2TP_AVP_DATA_SEQ) && s->m.data_seq == L2TP_SEQ_NONE);
	CHECK(!l2tp_msg_has(&s->m, L2TP_AVP_TX_SPEED));
	CHECK(!l2tp_msg_has(&s->m, L2TP_AVP_RX_SPEED));
	EXPECT_NONE();
	UT_EXPECT_NOTHING(F.e);
	fx_fini();
}

/* wait-reply, ICRP acceptable: send ICCN -> established; the VC carries
 * what both sides said. */
static void
icrq_s_wr_icrp_ok(void)
{
	struct ut_obj *v;
	struct pconn *pc;
	struct l2tp_msg m;
	const struct sent *req, *s;
	const struct cm_call_params *p;

	fx_init(false, 0);
	pc = up_responder();
	v = out_request("pw7", false, &req);
	m = rp_msg(L2TP_MSG_ICRP, 0x2001, req->m.local_sid);
	tx(pc, &m);
	s = EXPECT_MSG(L2TP_MSG_ICCN);
	EXPECT_SIDS(s, req->m.local_sid, 0x2001);
	EXPECT_NONE();
	UT_EXPECT(F.e, "cl.make_call_complete(SUCCESS,vc=V1)");
	p = vc_params(v);
	CU_ASSERT_PTR_NOT_NULL_FATAL(p);
	CHECK_EQ(p->media.local_session_id, req->m.local_sid);
	CHECK_EQ(p->media.remote_session_id, 0x2001);
	CHECK_EQ(p->media.remote_cookie_len, 8);
	CHECK(memcmp(p->media.remote_cookie, "\xd0\xd1\xd2\xd3\xd4\xd5\xd6\xd7", 8) == 0);
	CHECK_EQ(p->media.local_cookie_len, 4);
	CHECK(memcmp(p->media.local_cookie, req->m.cookie, 4) == 0);
	CHECK_EQ(p->media.l2ss_send, L2TP_L2SS_DEFAULT);
	CHECK(!p->media.remote_circuit_down);
	fx_fini();
}

/* wait-reply, ICRP not acceptable (a mandatory AVP missing): send CDN,
 * clean up -> idle. The ICRP told us the peer's session ID: the CDN
 * echoes it (§5.4.4 "MUST echo"). */
static void
icrq_s_wr_icrp_missing_avp(void)
{
	struct ut_obj *v;
	struct pconn *pc;
	struct l2tp_msg m;
	const struct sent *req, *s;

	fx_init(false, 0);
	pc = up_responder();
	v = out_request("pw7", false, &req);
	m = rp_msg(L2TP_MSG_ICRP, 0x2001, req->m.local_sid);
	m.avps[1] &= ~(UINT64_C(1) << (L2TP_AVP_CIRCUIT_STATUS - 64));
	tx(pc, &m);
	s = EXPECT_MSG(L2TP_MSG_CDN);
	EXPECT_SIDS(s, req->m.local_sid, 0x2001);
	EXPECT_RESULT(s, L2TP_CDN_ERROR, -1);
	EXPECT_NONE();
	expect_make_call_failed(v, "NOT_ACCEPTED");
	fx_fini();
}

/* wait-reply, ICRP not acceptable: sequencing asked for without a
 * sublayer to carry it: CDN 15. */
static void
icrq_s_wr_icrp_seq_no_l2ss(void)
{
	struct ut_obj *v;
	struct pconn *pc;
	struct l2tp_msg m;
	const struct sent *req, *s;

	fx_init(false, 0);
	pc = up_responder();
	v = out_request("pw7", false, &req);
	m = rp_msg(L2TP_MSG_ICRP, 0x2001, req->m.local_sid);
	m.l2ss = 0;
	m.data_seq = L2TP_SEQ_ALL;
	tx(pc, &m);
	s = EXPECT_MSG(L2TP_MSG_CDN);
	EXPECT_SIDS(s, req->m.local_sid, 0x2001);
	EXPECT_RESULT(s, L2TP_CDN_SEQ_WITHOUT_L2SS, -1);
	EXPECT_NONE();
	expect_make_call_failed(v, "NOT_ACCEPTED");
	fx_fini();
}

/* Our ICRQ for "pw1" outstanding (wait-reply), and the peer's own ICRQ
 * for "pw1" with tie breaker delta from ours (or none). */
static struct l2tp_msg
sess_tie_setup(struct pconn **pc, enum l2tp_msg_type t, const struct sent **req, struct ut_obj **v,
	       int delta, bool with_tie)
{
	struct l2tp_msg m;
	uint8_t tie[8];

	fx_init(false, 0);
	*pc = up_responder();
	*v = out_request("pw1", t == L2TP_MSG_OCRQ, req);
	m = rq_msg(t, 0x5001, "pw1");
	if (with_tie) {
		tie_step((*req)->m.tie_breaker, delta, tie);
		set_tie(&m, delta == 0 ? (*req)->m.tie_breaker : tie);
	}
	return m;
}

/* wait-reply, receive ICRQ, tie lost: process it as ICRQ recipient ->
 * idle: ours ends without a CDN (the winner sends CDN 13 for it), theirs
 * is offered and answered. */
static void
icrq_s_wr_tie_lost(void)
{
	struct ut_obj *v;
	struct pconn *pc;
	const struct sent *req, *s;
	struct l2tp_msg m = sess_tie_setup(&pc, L2TP_MSG_ICRQ, &req, &v, -1, true);

	tx(pc, &m);
	s = EXPECT_MSG(L2TP_MSG_ICRP);
	EXPECT_SIDS(s, 0, 0x5001);
	EXPECT_NONE();
	UT_EXPECT(F.e, "cl.make_call_complete(NOT_ACCEPTED,vc=V1)", "cl.create_vc(af=A1,vc=V2)",
		  "cl.incoming_call(sap=S1,vc=V2)");
	CHECK_EQ(stats().tie_breaks, 1);
	fx_fini();
}

/* wait-reply, receive ICRQ, tie won: send CDN 13 for the losing session
 * -> wait-reply; ours then completes. */
static void
icrq_s_wr_tie_won(void)
{
	struct ut_obj *v;
	struct pconn *pc;
	const struct sent *req, *s;
	struct l2tp_msg m = sess_tie_setup(&pc, L2TP_MSG_ICRQ, &req, &v, +1, true);
	uint32_t ours = req->m.local_sid;

	tx(pc, &m);
	s = EXPECT_MSG(L2TP_MSG_CDN);
	CHECK_EQ(s->m.remote_sid, 0x5001);
	EXPECT_RESULT(s, L2TP_CDN_TIE_LOST, -1);
	EXPECT_NONE();
	UT_EXPECT_NOTHING(F.e);
	m = rp_msg(L2TP_MSG_ICRP, 0x2001, ours);
	tx(pc, &m);
	s = EXPECT_MSG(L2TP_MSG_ICCN);
	EXPECT_SIDS(s, ours, 0x2001);
	UT_EXPECT(F.e, "cl.make_call_complete(SUCCESS,vc=V1)");
	fx_fini();
}

/* §5.4.4: only our ICRQ has a tie breaker: we win (CDN 13). */
static void
icrq_s_wr_tie_only_ours(void)
{
	struct ut_obj *v;
	struct pconn *pc;
	const struct sent *req, *s;
	struct l2tp_msg m = sess_tie_setup(&pc, L2TP_MSG_ICRQ, &req, &v, 0, false);

	tx(pc, &m);
	s = EXPECT_MSG(L2TP_MSG_CDN);
	CHECK_EQ(s->m.remote_sid, 0x5001);
	EXPECT_RESULT(s, L2TP_CDN_TIE_LOST, -1);
	EXPECT_NONE();
	UT_EXPECT_NOTHING(F.e);
	fx_fini();
}

/* §5.4.4: equal tie breakers: both discard their sessions and restart
 * with new random tie breakers: our ICRQ goes again, with a new one, and
 * the client's call is still being made. */
static void
icrq_s_wr_tie_equal(void)
{
	struct ut_obj *v;
	struct pconn *pc;
	const struct sent *req, *s;
	struct l2tp_msg m = sess_tie_setup(&pc, L2TP_MSG_ICRQ, &req, &v, 0, true);
	uint8_t old[8];
	unsigned int i;
	bool restarted = false;

	memcpy(old, req->m.tie_breaker, sizeof(old));
	tx(pc, &m);
	run_for(5000);
	for (i = 0; i < F.n_sent; i++) {
		s = &F.sent[i];
		if (s->dec == L2TP_DEC_OK && s->m.type == L2TP_MSG_ICRQ && s->m.end_id_len == 3 &&
		    memcmp(s->m.end_id, "pw1", 3) == 0 &&
		    memcmp(s->m.tie_breaker, old, sizeof(old)) != 0)
			restarted = true;
	}
	check(restarted, __FILE__, __LINE__, "a new ICRQ with a new tie breaker within 5 s");
	UT_EXPECT_NOTHING(F.e);
	CHECK_EQ(ut_call_state(F.e, v), CM_CALL_MAKECALL_PENDING);
	fx_fini();
}

/* wait-reply, receive CDN: clean up -> idle; the call fails. */
static void
icrq_s_wr_cdn(void)
{
	struct ut_obj *v;
	struct pconn *pc;
	struct l2tp_msg m;
	const struct sent *req;

	fx_init(false, 0);
	pc = up_responder();
	v = out_request("pw7", false, &req);
	m = cdn_msg(0x2001, req->m.local_sid, L2TP_CDN_NO_FACILITIES_TEMP, 0, NULL);
	tx(pc, &m);
	EXPECT_NONE();
	expect_make_call_failed(v, "FAILURE");
	fx_fini();
}

/* wait-reply, receive ICCN: clean up -> idle, without a CDN. */
static void
icrq_s_wr_iccn(void)
{
	struct ut_obj *v;
	struct pconn *pc;
	struct l2tp_msg m;
	const struct sent *req;

	fx_init(false, 0);
	pc = up_responder();
	v = out_request("pw7", false, &req);
	m = sid_msg(L2TP_MSG_ICCN, 0x2001, req->m.local_sid);
	tx(pc, &m);
	EXPECT_NONE();
	expect_make_call_failed(v, "FAILURE");
	fx_fini();
}

/* wait-reply, local close request: send CDN, clean up. The core refuses
 * cl_close_call on a call being made; the administrative close clears it
 * with the connection's StopCCN (§6.4: sessions implicitly cleared). */
static void
icrq_s_wr_local_close(void)
{
	struct ut_obj *v;
	const struct sent *req, *s;

	fx_init(false, 0);
	up_responder();
	v = out_request("pw7", false, &req);
	UT_ST(ut_close_call(v, NULL, NULL, 0), CM_FAILURE);
	l2tp_cm_stop(F.cm, F.now);
	s = EXPECT_MSG(L2TP_MSG_STOPCCN);
	EXPECT_RESULT(s, L2TP_STOP_SHUTDOWN, -1);
	EXPECT_NONE();
	settle();
	UT_EXPECT(F.e, "cl.notify_close_af(af=A1)", "cl.make_call_complete(FAILURE,vc=V1)");
	fx_fini();
}

/* established, receive CDN: clean up -> idle; the client hears an
 * incoming close whose data is the CDN's Result Code AVP value
 * (result, error, message), and nothing is sent back. */
static void
icrq_s_est_cdn(void)
{
	static const uint8_t data[] = {0, 3, 0, 6, 'b', 'y', 'e'};
	struct ut_obj *v;
	struct pconn *pc;
	struct l2tp_msg m;
	uint32_t ours;

	fx_init(false, 0);
	pc = up_responder();
	v = out_call(pc, "pw7", false, 0x2001, &ours);
	m = cdn_msg(0x2001, ours, L2TP_CDN_ADMIN, L2TP_ERR_VENDOR, "bye");
	tx(pc, &m);
	EXPECT_NONE();
	CHECK_EQ(F.cl->last_size, sizeof(data));
	CHECK(memcmp(F.cl->last_data, data, sizeof(data)) == 0);
	expect_incoming_close(v, "SUCCESS", ",data=7");
	fx_fini();
}

/* established, receive ICRQ, ICRP or ICCN: send CDN, clean up -> idle. */
static void
icrq_s_est_icrq_icrp_iccn(void)
{
	static const enum l2tp_msg_type types[] = {L2TP_MSG_ICRQ, L2TP_MSG_ICRP, L2TP_MSG_ICCN};
	unsigned int i;

	for (i = 0; i < 3; i++) {
		struct ut_obj *v;
		struct pconn *pc;
		struct l2tp_msg m;
		const struct sent *s;
		uint32_t ours;

		fx_init(false, 0);
		pc = up_responder();
		v = out_call(pc, "pw7", false, 0x2001, &ours);
		if (types[i] == L2TP_MSG_ICRQ)
			m = rq_msg(L2TP_MSG_ICRQ, 0x2001, "pw7");
		else if (types[i] == L2TP_MSG_ICRP)
			m = rp_msg(L2TP_MSG_ICRP, 0x2001, ours);
		else
			m = sid_msg(L2TP_MSG_ICCN, 0x2001, ours);
		tx(pc, &m);
		s = EXPECT_MSG(L2TP_MSG_CDN);
		EXPECT_SIDS(s, ours, 0x2001);
		EXPECT_RESULT(s, L2TP_CDN_FSM, -1);
		EXPECT_NONE();
		expect_incoming_close(v, "FAILURE", "");
		fx_fini();
	}
}

/* established, local close request: send CDN, clean up -> idle. */
static void
icrq_s_est_local_close(void)
{
	struct ut_obj *v;
	struct pconn *pc;
	uint32_t ours;

	fx_init(false, 0);
	pc = up_responder();
	v = out_call(pc, "pw7", false, 0x2001, &ours);
	local_close(v, ours, 0x2001);
	fx_fini();
}

/* ======================= §7.3.2 ICRQ recipient ======================= */

/* idle, ICRQ acceptable: send ICRP -> wait-connect. The VC is active
 * with both sides' parameters before the client is offered the call. */
static void
icrq_r_idle_icrq_ok(void)
{
	struct ut_obj *v;
	struct pconn *pc;
	const struct sent *s;
	const struct cm_call_params *p;
	uint32_t ours;

	fx_init(false, 0);
	pc = up_responder();
	v = in_offer(pc, L2TP_MSG_ICRQ, 0x3001, &ours);
	s = &F.sent[F.seen - 1];
	while (s > F.sent && s->m.type != L2TP_MSG_ICRP)
		s--;
	CHECK(l2tp_msg_has(&s->m, L2TP_AVP_CIRCUIT_STATUS));
	CHECK_EQ(s->m.circuit_status & L2TP_CS_ACTIVE, L2TP_CS_ACTIVE);
	CHECK_EQ(s->m.cookie_len, 8); /* the SAP's */
	CHECK(l2tp_msg_has(&s->m, L2TP_AVP_L2SS) && s->m.l2ss == 1);
	p = vc_params(v);
	CU_ASSERT_PTR_NOT_NULL_FATAL(p);
	CHECK_EQ(p->media.local_session_id, ours);
	CHECK_EQ(p->media.remote_session_id, 0x3001);
	CHECK_EQ(p->media.remote_cookie_len, 8);
	CHECK(memcmp(p->media.remote_cookie, "\xc0\xc1\xc2\xc3\xc4\xc5\xc6\xc7", 8) == 0);
	CHECK(memcmp(p->media.local_cookie, s->m.cookie, 8) == 0);
	CHECK_EQ(p->media.circuit.port, AC_PORT);
	CHECK_EQ(p->media.circuit.vlan, 10);
	CHECK_EQ(p->media.pw_type, L2TP_PW_ETH);
	CHECK(strcmp(p->media.peer, PEER_NAME) == 0);
	fx_fini();
}

/* idle, ICRQ acceptable, the client answers later: the ICRP waits for
 * its acceptance. */
static void
icrq_r_idle_icrq_pended(void)
{
	struct pconn *pc;
	struct l2tp_msg m = rq_msg(L2TP_MSG_ICRQ, 0x3001, "pw1");
	const struct sent *s;

	fx_init(false, 0);
	pc = up_responder();
	ut_answer(F.cl, UT_CL_INCOMING_CALL, CM_PENDING);
	tx(pc, &m);
	EXPECT_NONE();
	UT_EXPECT(F.e, "cl.create_vc(af=A1,vc=V1)", "cl.incoming_call(sap=S1,vc=V1)");
	UT_ST(ut_incoming_call_complete(F.last_vc, CM_SUCCESS, NULL), CM_SUCCESS);
	s = EXPECT_MSG(L2TP_MSG_ICRP);
	EXPECT_SIDS(s, 0, 0x3001);
	EXPECT_NONE();
	fx_fini();
}

/* idle, ICRQ not acceptable: send CDN (with the result of each
 * refusal), clean up -> idle; the client is not offered the call. */
static void
icrq_r_refused(struct l2tp_msg *m, const struct txo *o, unsigned int result, int error)
{
	struct pconn *pc;
	const struct sent *s;

	fx_init(false, 0);
	pc = up_responder();
	tx_opt(pc, m, o);
	s = EXPECT_MSG(L2TP_MSG_CDN);
	EXPECT_SIDS(s, 0, 0x3001);
	EXPECT_RESULT(s, result, error);
	EXPECT_NONE();
	UT_EXPECT_NOTHING(F.e);
	CHECK_EQ(stats().sessions, 0);
	fx_fini();
}

static void
icrq_r_idle_pw_type(void)
{
	struct l2tp_msg m = rq_msg(L2TP_MSG_ICRQ, 0x3001, "pw1");

	m.pw_type = 0x0001; /* Frame Relay DLCI: not in our capabilities */
	icrq_r_refused(&m, NULL, L2TP_CDN_PW_TYPE, -1);
}

static void
icrq_r_idle_end_id(void)
{
	struct l2tp_msg m = rq_msg(L2TP_MSG_ICRQ, 0x3001, "nowhere");

	icrq_r_refused(&m, NULL, 6, -1); /* IANA: invalid destination */
}

static void
icrq_r_idle_seq_no_l2ss(void)
{
	struct l2tp_msg m = rq_msg(L2TP_MSG_ICRQ, 0x3001, "pw1");

	m.l2ss = 0;
	m.data_seq = L2TP_SEQ_ALL;
	icrq_r_refused(&m, NULL, L2TP_CDN_SEQ_WITHOUT_L2SS, -1);
}

static void
icrq_r_idle_missing_avp(void)
{
	struct l2tp_msg m = rq_msg(L2TP_MSG_ICRQ, 0x3001, "pw1");

	m.avps[1] &= ~(UINT64_C(1) << (L2TP_AVP_CIRCUIT_STATUS - 64));
	icrq_r_refused(&m, NULL, L2TP_CDN_ERROR, -1);
}

static void
icrq_r_idle_unknown_avp(void)
{
	struct l2tp_msg m = rq_msg(L2TP_MSG_ICRQ, 0x3001, "pw1");
	struct txo o = {.avp = avp_unknown_m1, .avp_len = sizeof(avp_unknown_m1)};

	icrq_r_refused(&m, &o, L2TP_CDN_ERROR, L2TP_ERR_UNKNOWN_MANDATORY);
}

static void
icrq_r_idle_vendor_avp_m1(void)
{
	struct l2tp_msg m = rq_msg(L2TP_MSG_ICRQ, 0x3001, "pw1");
	struct txo o = {.avp = avp_vendor_m1, .avp_len = sizeof(avp_vendor_m1)};

	icrq_r_refused(&m, &o, L2TP_CDN_ERROR, L2TP_ERR_UNKNOWN_MANDATORY);
}

/* §5.2: unrecognised AVPs with M=0, IETF or vendor, are ignored. */
static void
icrq_r_idle_optional_avps(void)
{
	uint8_t avps[sizeof(avp_unknown_m0) + sizeof(avp_vendor_m0)];
	struct pconn *pc;
	struct l2tp_msg m = rq_msg(L2TP_MSG_ICRQ, 0x3001, "pw1");
	const struct sent *s;

	memcpy(avps, avp_unknown_m0, sizeof(avp_unknown_m0));
	memcpy(avps + sizeof(avp_unknown_m0), avp_vendor_m0, sizeof(avp_vendor_m0));
	fx_init(false, 0);
	pc = up_responder();
	tx_avp(pc, &m, avps, sizeof(avps));
	s = EXPECT_MSG(L2TP_MSG_ICRP);
	EXPECT_SIDS(s, 0, 0x3001);
	UT_EXPECT(F.e, "cl.create_vc(af=A1,vc=V1)", "cl.incoming_call(sap=S1,vc=V1)");
	fx_fini();
}

/* The client refuses the offer: CDN, and the VC goes. */
static void
icrq_r_idle_client_refuses(void)
{
	struct pconn *pc;
	struct l2tp_msg m = rq_msg(L2TP_MSG_ICRQ, 0x3001, "pw1");
	const struct sent *s;

	fx_init(false, 0);
	pc = up_responder();
	ut_answer(F.cl, UT_CL_INCOMING_CALL, CM_NOT_ACCEPTED);
	tx(pc, &m);
	s = EXPECT_MSG(L2TP_MSG_CDN);
	EXPECT_SIDS(s, 0, 0x3001);
	CHECK(l2tp_msg_has(&s->m, L2TP_AVP_RESULT_CODE));
	EXPECT_NONE();
	settle();
	UT_EXPECT(F.e, "cl.create_vc(af=A1,vc=V1)", "cl.incoming_call(sap=S1,vc=V1)",
		  "cl.delete_vc(vc=V1)");
	fx_fini();
}

/* The client accepts with changed parameters that the data plane cannot
 * carry: the call cannot be placed, so the peer must hear a CDN. */
static void
act_change_and_fail(struct ut_call *c, intptr_t unused)
{
	(void)unused;
	c->p->flags |= CM_CALL_PARAMETERS_CHANGED;
	c->p->transmit.token_rate = 1000000;
	c->actor->env->mp.activate_rc = -22;
}

static void
icrq_r_idle_accept_unplaceable(void)
{
	struct pconn *pc;
	struct l2tp_msg m = rq_msg(L2TP_MSG_ICRQ, 0x3001, "pw1");
	const struct sent *s;

	fx_init(false, 0);
	pc = up_responder();
	ut_on(F.cl, UT_CL_INCOMING_CALL, act_change_and_fail, 0);
	ut_once(F.cl, UT_CL_INCOMING_CALL);
	tx(pc, &m);
	s = EXPECT_MSG(L2TP_MSG_CDN);
	EXPECT_SIDS(s, 0, 0x3001);
	EXPECT_NONE();
	CHECK_EQ(count_sent(L2TP_MSG_ICRP), 0);
	UT_EXPECT(F.e, "cl.create_vc(af=A1,vc=V1)", "cl.incoming_call(sap=S1,vc=V1)",
		  "cl.incoming_close_call(INCOMPATIBLE_QOS,vc=V1)", "cl_close_call(vc=V1)=PENDING");
	fx_fini();
}

/* idle, receive ICRP (no such session): send CDN (echoing its Local
 * Session ID), clean up -> idle. */
static void
icrq_r_idle_icrp(void)
{
	struct pconn *pc;
	struct l2tp_msg m;
	const struct sent *s;

	fx_init(false, 0);
	pc = up_responder();
	m = rp_msg(L2TP_MSG_ICRP, 0x3002, 0x12345678);
	tx(pc, &m);
	s = EXPECT_MSG(L2TP_MSG_CDN);
	CHECK_EQ(s->m.remote_sid, 0x3002);
	CHECK(l2tp_msg_has(&s->m, L2TP_AVP_RESULT_CODE));
	EXPECT_NONE();
	UT_EXPECT_NOTHING(F.e);
	fx_fini();
}

/* idle, receive ICCN (no such session): clean up, nothing sent. */
static void
icrq_r_idle_iccn(void)
{
	struct pconn *pc;
	struct l2tp_msg m;

	fx_init(false, 0);
	pc = up_responder();
	m = sid_msg(L2TP_MSG_ICCN, 0x3002, 0x12345678);
	tx(pc, &m);
	EXPECT_NONE();
	UT_EXPECT_NOTHING(F.e);
	fx_fini();
}

/* wait-connect, ICCN acceptable: prepare for data -> established: the
 * client hears the call connected. */
static void
icrq_r_wc_iccn_ok(void)
{
	struct pconn *pc;

	uint32_t ours;

	fx_init(false, 0);
	pc = up_responder();
	in_call(pc, 0x3001, &ours);
	CHECK_EQ(stats().sessions_up, 1);
	fx_fini();
}

/* wait-connect, ICCN not acceptable: send CDN, clean up -> idle. */
static void
icrq_r_wc_iccn_bad(unsigned int result, int error, const char *status)
{
	struct ut_obj *v;
	const struct sent *s;

	s = EXPECT_MSG(L2TP_MSG_CDN);
	EXPECT_SIDS(s, 0, 0x3001);
	EXPECT_RESULT(s, result, error);
	EXPECT_NONE();
	v = ut_obj_by_name(F.e, "V1");
	expect_incoming_close(v, status, "");
}

static void
icrq_r_wc_iccn_unknown_avp(void)
{
	struct pconn *pc;
	struct l2tp_msg m;
	uint32_t ours;

	fx_init(false, 0);
	pc = up_responder();
	in_offer(pc, L2TP_MSG_ICRQ, 0x3001, &ours);
	m = sid_msg(L2TP_MSG_ICCN, 0x3001, ours);
	tx_avp(pc, &m, avp_unknown_m1, sizeof(avp_unknown_m1));
	icrq_r_wc_iccn_bad(L2TP_CDN_ERROR, L2TP_ERR_UNKNOWN_MANDATORY, "FAILURE");
	fx_fini();
}

static void
icrq_r_wc_iccn_missing_avp(void)
{
	struct pconn *pc;
	struct l2tp_msg m;
	uint32_t ours;

	fx_init(false, 0);
	pc = up_responder();
	in_offer(pc, L2TP_MSG_ICRQ, 0x3001, &ours);
	m = sid_msg(L2TP_MSG_ICCN, 0x3001, ours);
	m.avps[0] &= ~(UINT64_C(1) << L2TP_AVP_LOCAL_SID);
	tx(pc, &m);
	icrq_r_wc_iccn_bad(L2TP_CDN_ERROR, -1, "NOT_ACCEPTED");
	fx_fini();
}

static void
icrq_r_wc_iccn_seq_no_l2ss(void)
{
	struct pconn *pc;
	struct l2tp_msg m;
	uint32_t ours;

	fx_init(false, 0);
	pc = up_responder();
	in_offer(pc, L2TP_MSG_ICRQ, 0x3001, &ours);
	m = sid_msg(L2TP_MSG_ICCN, 0x3001, ours);
	m.l2ss = 0;
	l2tp_msg_set(&m, L2TP_AVP_L2SS);
	m.data_seq = L2TP_SEQ_ALL;
	l2tp_msg_set(&m, L2TP_AVP_DATA_SEQ);
	tx(pc, &m);
	icrq_r_wc_iccn_bad(L2TP_CDN_SEQ_WITHOUT_L2SS, -1, "NOT_ACCEPTED");
	fx_fini();
}

/* wait-connect, receive ICRQ or ICRP: send CDN, clean up -> idle. */
static void
icrq_r_wc_icrq_icrp(void)
{
	static const enum l2tp_msg_type types[] = {L2TP_MSG_ICRQ, L2TP_MSG_ICRP};
	unsigned int i;

	for (i = 0; i < 2; i++) {
		struct pconn *pc;
		struct l2tp_msg m;
		const struct sent *s;
		uint32_t ours;

		fx_init(false, 0);
		pc = up_responder();
		in_offer(pc, L2TP_MSG_ICRQ, 0x3001, &ours);
		m = types[i] == L2TP_MSG_ICRQ ? rq_msg(L2TP_MSG_ICRQ, 0x3001, "pw1")
					      : rp_msg(L2TP_MSG_ICRP, 0x3001, ours);
		tx(pc, &m);
		s = EXPECT_MSG(L2TP_MSG_CDN);
		EXPECT_SIDS(s, ours, 0x3001);
		EXPECT_RESULT(s, L2TP_CDN_FSM, -1);
		EXPECT_NONE();
		expect_incoming_close(ut_obj_by_name(F.e, "V1"), "FAILURE", "");
		fx_fini();
	}
}

/* wait-connect or established, receive CDN: clean up -> idle. */
static void
icrq_r_cdn(void)
{
	unsigned int i;

	for (i = 0; i < 2; i++) {
		struct ut_obj *v;
		struct pconn *pc;
		struct l2tp_msg m;
		uint32_t ours;

		fx_init(false, 0);
		pc = up_responder();
		v = i == 0 ? in_offer(pc, L2TP_MSG_ICRQ, 0x3001, &ours)
			   : in_call(pc, 0x3001, &ours);
		m = cdn_msg(0x3001, ours, L2TP_CDN_LOST_CARRIER, 0, NULL);
		tx(pc, &m);
		EXPECT_NONE();
		expect_incoming_close(v, "SUCCESS", ",data=4");
		fx_fini();
	}
}

/* established, local close request: send CDN, clean up -> idle. (In
 * wait-connect the core refuses a close of an accepted call.) */
static void
icrq_r_est_local_close(void)
{
	struct ut_obj *v;
	struct pconn *pc;
	uint32_t ours;

	fx_init(false, 0);
	pc = up_responder();
	v = in_call(pc, 0x3001, &ours);
	local_close(v, ours, 0x3001);
	fx_fini();
}

/* established, receive ICRQ, ICRP or ICCN: send CDN, clean up -> idle. */
static void
icrq_r_est_icrq_icrp_iccn(void)
{
	static const enum l2tp_msg_type types[] = {L2TP_MSG_ICRQ, L2TP_MSG_ICRP, L2TP_MSG_ICCN};
	unsigned int i;

	for (i = 0; i < 3; i++) {
		struct ut_obj *v;
		struct pconn *pc;
		struct l2tp_msg m;
		const struct sent *s;
		uint32_t ours;

		fx_init(false, 0);
		pc = up_responder();
		v = in_call(pc, 0x3001, &ours);
		if (types[i] == L2TP_MSG_ICRQ)
			m = rq_msg(L2TP_MSG_ICRQ, 0x3001, "pw1");
		else if (types[i] == L2TP_MSG_ICRP)
			m = rp_msg(L2TP_MSG_ICRP, 0x3001, ours);
		else
			m = sid_msg(L2TP_MSG_ICCN, 0x3001, ours);
		tx(pc, &m);
		s = EXPECT_MSG(L2TP_MSG_CDN);
		EXPECT_SIDS(s, ours, 0x3001);
		EXPECT_RESULT(s, L2TP_CDN_FSM, -1);
		EXPECT_NONE();
		expect_incoming_close(v, "FAILURE", "");
		fx_fini();
	}
}

/* ======================= §7.4.1 OCRQ sender ======================= */

/* idle, local open request: open the control connection -> wait-
 * control-conn; control-conn-open: send OCRQ -> wait-reply. */
static void
ocrq_s_open(void)
{
	struct pconn *pc;
	struct l2tp_msg m;
	const struct sent *s;

	fx_init(true, 0);
	make_call("pw7", true);
	l2tp_cm_service(F.cm, F.now);
	EXPECT_MSG(L2TP_MSG_SCCRQ);
	EXPECT_NONE();
	pc = &F.pc[0];
	m = cc_msg(pc, L2TP_MSG_SCCRP);
	tx(pc, &m);
	EXPECT_MSG(L2TP_MSG_SCCCN);
	s = EXPECT_MSG(L2TP_MSG_OCRQ);
	EXPECT_SIDS(s, 0, 0);
	CHECK(l2tp_msg_has(&s->m, L2TP_AVP_SERIAL));
	CHECK_EQ(s->m.pw_type, L2TP_PW_ETH);
	CHECK(s->m.end_id_len == 3 && memcmp(s->m.end_id, "pw7", 3) == 0);
	CHECK(l2tp_msg_has(&s->m, L2TP_AVP_CIRCUIT_STATUS));
	CHECK(l2tp_msg_has(&s->m, L2TP_AVP_TIE_BREAKER));
	EXPECT_NONE();
	UT_EXPECT_NOTHING(F.e);
	fx_fini();
}

/* idle, receive OCCN (no such session): clean up, nothing sent. (OCRP
 * to no session: §7.4.2 idle says send CDN, see below.) */
static void
ocrq_s_idle_occn(void)
{
	struct pconn *pc;
	struct l2tp_msg m;

	fx_init(false, 0);
	pc = up_responder();
	m = sid_msg(L2TP_MSG_OCCN, 0x4001, 0x12345678);
	tx(pc, &m);
	EXPECT_NONE();
	UT_EXPECT_NOTHING(F.e);
	fx_fini();
}

/* wait-reply, OCRP acceptable: nothing sent -> wait-connect; no data
 * before the OCCN (§6.10 "MUST NOT be forwarded"): the VC stays
 * inactive. */
static void
ocrq_s_wr_ocrp_ok(void)
{
	struct ut_obj *v;
	struct pconn *pc;
	struct l2tp_msg m;
	const struct sent *req;

	fx_init(false, 0);
	pc = up_responder();
	v = out_request("pw7", true, &req);
	m = rp_msg(L2TP_MSG_OCRP, 0x2001, req->m.local_sid);
	tx(pc, &m);
	EXPECT_NONE();
	UT_EXPECT_NOTHING(F.e);
	CHECK_EQ(ut_call_state(F.e, v), CM_CALL_MAKECALL_PENDING);
	CHECK(vc_params(v) == NULL);
	fx_fini();
}

/* wait-reply, OCRP not acceptable: send CDN, clean up -> idle. */
static void
ocrq_s_wr_ocrp_bad(void)
{
	struct ut_obj *v;
	struct pconn *pc;
	struct l2tp_msg m;
	const struct sent *req, *s;

	fx_init(false, 0);
	pc = up_responder();
	v = out_request("pw7", true, &req);
	m = rp_msg(L2TP_MSG_OCRP, 0x2001, req->m.local_sid);
	m.l2ss = 0;
	m.data_seq = L2TP_SEQ_NON_IP;
	tx(pc, &m);
	s = EXPECT_MSG(L2TP_MSG_CDN);
	EXPECT_SIDS(s, req->m.local_sid, 0x2001);
	EXPECT_RESULT(s, L2TP_CDN_SEQ_WITHOUT_L2SS, -1);
	EXPECT_NONE();
	expect_make_call_failed(v, "NOT_ACCEPTED");
	fx_fini();
}

/* wait-reply, receive OCCN: send CDN, clean up -> idle. */
static void
ocrq_s_wr_occn(void)
{
	struct ut_obj *v;
	struct pconn *pc;
	struct l2tp_msg m;
	const struct sent *req, *s;

	fx_init(false, 0);
	pc = up_responder();
	v = out_request("pw7", true, &req);
	m = sid_msg(L2TP_MSG_OCCN, 0x2001, req->m.local_sid);
	tx(pc, &m);
	s = EXPECT_MSG(L2TP_MSG_CDN);
	CHECK_EQ(s->m.local_sid, req->m.local_sid);
	EXPECT_RESULT(s, L2TP_CDN_FSM, -1);
	EXPECT_NONE();
	expect_make_call_failed(v, "FAILURE");
	fx_fini();
}

/* wait-reply, receive OCRQ, tie lost: process it as OCRQ recipient ->
 * idle. */
static void
ocrq_s_wr_tie_lost(void)
{
	struct ut_obj *v;
	struct pconn *pc;
	const struct sent *req, *s;
	struct l2tp_msg m = sess_tie_setup(&pc, L2TP_MSG_OCRQ, &req, &v, -1, true);

	tx(pc, &m);
	s = EXPECT_MSG(L2TP_MSG_OCRP);
	EXPECT_SIDS(s, 0, 0x5001);
	EXPECT_MSG(L2TP_MSG_OCCN);
	EXPECT_NONE();
	UT_EXPECT(F.e, "cl.make_call_complete(NOT_ACCEPTED,vc=V1)", "cl.create_vc(af=A1,vc=V2)",
		  "cl.incoming_call(sap=S1,vc=V2)", "cl.call_connected(vc=V2)");
	fx_fini();
}

/* wait-reply, receive OCRQ, tie won: send CDN 13 for the losing session
 * -> wait-reply. */
static void
ocrq_s_wr_tie_won(void)
{
	struct ut_obj *v;
	struct pconn *pc;
	const struct sent *req, *s;
	struct l2tp_msg m = sess_tie_setup(&pc, L2TP_MSG_OCRQ, &req, &v, +1, true);
	uint32_t ours = req->m.local_sid;

	tx(pc, &m);
	s = EXPECT_MSG(L2TP_MSG_CDN);
	CHECK_EQ(s->m.remote_sid, 0x5001);
	EXPECT_RESULT(s, L2TP_CDN_TIE_LOST, -1);
	EXPECT_NONE();
	UT_EXPECT_NOTHING(F.e);
	m = rp_msg(L2TP_MSG_OCRP, 0x2001, ours);
	tx(pc, &m);
	m = sid_msg(L2TP_MSG_OCCN, 0x2001, ours);
	tx(pc, &m);
	EXPECT_NONE();
	UT_EXPECT(F.e, "cl.make_call_complete(SUCCESS,vc=V1)");
	fx_fini();
}

/* wait-connect, receive OCCN: nothing sent -> established; the VC
 * carries what the OCRP said. */
static void
ocrq_s_wc_occn(void)
{
	struct ut_obj *v;
	struct pconn *pc;
	const struct cm_call_params *p;
	uint32_t ours;

	fx_init(false, 0);
	pc = up_responder();
	v = out_call(pc, "pw7", true, 0x2001, &ours);
	CHECK_EQ(stats().sessions_up, 1);
	p = vc_params(v);
	CU_ASSERT_PTR_NOT_NULL_FATAL(p);
	CHECK_EQ(p->media.local_session_id, ours);
	CHECK_EQ(p->media.remote_session_id, 0x2001);
	CHECK_EQ(p->media.remote_cookie_len, 8);
	fx_fini();
}

/* wait-connect, receive OCRQ or OCRP: send CDN, clean up -> idle. */
static void
ocrq_s_wc_ocrq_ocrp(void)
{
	static const enum l2tp_msg_type types[] = {L2TP_MSG_OCRQ, L2TP_MSG_OCRP};
	unsigned int i;

	for (i = 0; i < 2; i++) {
		struct ut_obj *v;
		struct pconn *pc;
		struct l2tp_msg m;
		const struct sent *req, *s;
		uint32_t ours;

		fx_init(false, 0);
		pc = up_responder();
		v = out_request("pw7", true, &req);
		ours = req->m.local_sid;
		m = rp_msg(L2TP_MSG_OCRP, 0x2001, ours);
		tx(pc, &m);
		m = types[i] == L2TP_MSG_OCRQ ? rq_msg(L2TP_MSG_OCRQ, 0x2001, "pw7")
					      : rp_msg(L2TP_MSG_OCRP, 0x2001, ours);
		tx(pc, &m);
		s = EXPECT_MSG(L2TP_MSG_CDN);
		EXPECT_SIDS(s, ours, 0x2001);
		EXPECT_RESULT(s, L2TP_CDN_FSM, -1);
		EXPECT_NONE();
		expect_make_call_failed(v, "FAILURE");
		fx_fini();
	}
}

/* wait-reply, wait-connect or established, receive CDN: clean up ->
 * idle. */
static void
ocrq_s_cdn(void)
{
	unsigned int i;

	for (i = 0; i < 3; i++) {
		struct ut_obj *v;
		struct pconn *pc;
		struct l2tp_msg m;
		const struct sent *req;
		uint32_t ours;

		fx_init(false, 0);
		pc = up_responder();
		if (i < 2) {
			v = out_request("pw7", true, &req);
			ours = req->m.local_sid;
			if (i == 1) {
				m = rp_msg(L2TP_MSG_OCRP, 0x2001, ours);
				tx(pc, &m);
			}
		} else {
			v = out_call(pc, "pw7", true, 0x2001, &ours);
		}
		m = cdn_msg(0x2001, ours, L2TP_CDN_NO_FACILITIES_PERM, 0, NULL);
		tx(pc, &m);
		EXPECT_NONE();
		if (i < 2)
			expect_make_call_failed(v, "FAILURE");
		else
			expect_incoming_close(v, "SUCCESS", ",data=4");
		fx_fini();
	}
}

/* established, receive OCRQ, OCRP or OCCN: send CDN, clean up -> idle. */
static void
ocrq_s_est_ocrq_ocrp_occn(void)
{
	static const enum l2tp_msg_type types[] = {L2TP_MSG_OCRQ, L2TP_MSG_OCRP, L2TP_MSG_OCCN};
	unsigned int i;

	for (i = 0; i < 3; i++) {
		struct ut_obj *v;
		struct pconn *pc;
		struct l2tp_msg m;
		const struct sent *s;
		uint32_t ours;

		fx_init(false, 0);
		pc = up_responder();
		v = out_call(pc, "pw7", true, 0x2001, &ours);
		if (types[i] == L2TP_MSG_OCRQ)
			m = rq_msg(L2TP_MSG_OCRQ, 0x2001, "pw7");
		else if (types[i] == L2TP_MSG_OCRP)
			m = rp_msg(L2TP_MSG_OCRP, 0x2001, ours);
		else
			m = sid_msg(L2TP_MSG_OCCN, 0x2001, ours);
		tx(pc, &m);
		s = EXPECT_MSG(L2TP_MSG_CDN);
		EXPECT_SIDS(s, ours, 0x2001);
		EXPECT_RESULT(s, L2TP_CDN_FSM, -1);
		EXPECT_NONE();
		expect_incoming_close(v, "FAILURE", "");
		fx_fini();
	}
}

/* established, local close request: send CDN, clean up -> idle. */
static void
ocrq_s_est_local_close(void)
{
	struct ut_obj *v;
	struct pconn *pc;
	uint32_t ours;

	fx_init(false, 0);
	pc = up_responder();
	v = out_call(pc, "pw7", true, 0x2001, &ours);
	local_close(v, ours, 0x2001);
	fx_fini();
}

/* ======================= §7.4.2 OCRQ recipient ======================= */

/* idle, OCRQ acceptable: send OCRP, place the call -> wait-cs-answer;
 * call placement successful: send OCCN -> established. */
static void
ocrq_r_idle_ocrq_ok(void)
{
	struct pconn *pc;
	uint32_t ours;

	fx_init(false, 0);
	pc = up_responder();
	in_offer(pc, L2TP_MSG_OCRQ, 0x3001, &ours);
	CHECK_EQ(stats().sessions_up, 1);
	fx_fini();
}

/* The client answers later (wait-cs-answer): OCRP and OCCN follow its
 * acceptance. */
static void
ocrq_r_wcs_pended_ok(void)
{
	struct pconn *pc;
	struct l2tp_msg m = rq_msg(L2TP_MSG_OCRQ, 0x3001, "pw1");
	const struct sent *s;

	fx_init(false, 0);
	pc = up_responder();
	ut_answer(F.cl, UT_CL_INCOMING_CALL, CM_PENDING);
	tx(pc, &m);
	UT_EXPECT(F.e, "cl.create_vc(af=A1,vc=V1)", "cl.incoming_call(sap=S1,vc=V1)");
	UT_ST(ut_incoming_call_complete(F.last_vc, CM_SUCCESS, NULL), CM_SUCCESS);
	s = EXPECT_MSG(L2TP_MSG_OCRP);
	EXPECT_SIDS(s, 0, 0x3001);
	s = EXPECT_MSG(L2TP_MSG_OCCN);
	EXPECT_SIDS(s, 0, 0x3001);
	EXPECT_NONE();
	UT_EXPECT(F.e, "cl.call_connected(vc=V1)");
	fx_fini();
}

/* idle, OCRQ not acceptable: send CDN, clean up -> idle. */
static void
ocrq_r_idle_ocrq_bad(void)
{
	struct pconn *pc;
	struct l2tp_msg m = rq_msg(L2TP_MSG_OCRQ, 0x3001, "nowhere");
	const struct sent *s;

	fx_init(false, 0);
	pc = up_responder();
	tx(pc, &m);
	s = EXPECT_MSG(L2TP_MSG_CDN);
	EXPECT_SIDS(s, 0, 0x3001);
	EXPECT_RESULT(s, 6, -1);
	EXPECT_NONE();
	UT_EXPECT_NOTHING(F.e);
	CHECK_EQ(stats().sessions, 0);
	fx_fini();
}

/* idle, receive OCRP (no such session): send CDN, clean up -> idle. */
static void
ocrq_r_idle_ocrp(void)
{
	struct pconn *pc;
	struct l2tp_msg m;
	const struct sent *s;

	fx_init(false, 0);
	pc = up_responder();
	m = rp_msg(L2TP_MSG_OCRP, 0x3002, 0x12345678);
	tx(pc, &m);
	s = EXPECT_MSG(L2TP_MSG_CDN);
	CHECK_EQ(s->m.remote_sid, 0x3002);
	EXPECT_NONE();
	fx_fini();
}

/* idle, receive OCCN or CDN (no such session): clean up, nothing sent. */
static void
ocrq_r_idle_occn_cdn(void)
{
	struct pconn *pc;
	struct l2tp_msg m;

	fx_init(false, 0);
	pc = up_responder();
	m = sid_msg(L2TP_MSG_OCCN, 0x3002, 0x12345678);
	tx(pc, &m);
	m = cdn_msg(0x3002, 0x12345678, L2TP_CDN_ADMIN, 0, NULL);
	tx(pc, &m);
	EXPECT_NONE();
	UT_EXPECT_NOTHING(F.e);
	fx_fini();
}

/* wait-cs-answer, call placement failed (the client refuses): send CDN,
 * clean up -> idle. */
static void
ocrq_r_wcs_refused(void)
{
	struct pconn *pc;
	struct l2tp_msg m = rq_msg(L2TP_MSG_OCRQ, 0x3001, "pw1");
	const struct sent *s;

	fx_init(false, 0);
	pc = up_responder();
	ut_answer(F.cl, UT_CL_INCOMING_CALL, CM_PENDING);
	tx(pc, &m);
	UT_EXPECT(F.e, "cl.create_vc(af=A1,vc=V1)", "cl.incoming_call(sap=S1,vc=V1)");
	UT_ST(ut_incoming_call_complete(F.last_vc, CM_NOT_ACCEPTED, NULL), CM_SUCCESS);
	s = EXPECT_MSG(L2TP_MSG_CDN);
	EXPECT_SIDS(s, 0, 0x3001);
	EXPECT_NONE();
	settle();
	UT_EXPECT(F.e, "cl.delete_vc(vc=V1)");
	fx_fini();
}

/* wait-cs-answer, call placement failed after the client's acceptance
 * (the data plane refuses its parameters): send CDN. */
static void
ocrq_r_wcs_unplaceable(void)
{
	struct pconn *pc;
	struct l2tp_msg m = rq_msg(L2TP_MSG_OCRQ, 0x3001, "pw1");
	const struct sent *s;

	fx_init(false, 0);
	pc = up_responder();
	ut_on(F.cl, UT_CL_INCOMING_CALL, act_change_and_fail, 0);
	ut_once(F.cl, UT_CL_INCOMING_CALL);
	tx(pc, &m);
	s = EXPECT_MSG(L2TP_MSG_CDN);
	EXPECT_SIDS(s, 0, 0x3001);
	EXPECT_NONE();
	CHECK_EQ(count_sent(L2TP_MSG_OCCN), 0);
	UT_EXPECT(F.e, "cl.create_vc(af=A1,vc=V1)", "cl.incoming_call(sap=S1,vc=V1)",
		  "cl.incoming_close_call(INCOMPATIBLE_QOS,vc=V1)", "cl_close_call(vc=V1)=PENDING");
	fx_fini();
}

/* wait-cs-answer, receive OCRQ, OCRP or OCCN: send CDN, clean up ->
 * idle; the offer is withdrawn. */
static void
ocrq_r_wcs_ocrq_ocrp_occn(void)
{
	static const enum l2tp_msg_type types[] = {L2TP_MSG_OCRQ, L2TP_MSG_OCRP, L2TP_MSG_OCCN};
	unsigned int i;

	for (i = 0; i < 3; i++) {
		struct pconn *pc;
		struct l2tp_msg m = rq_msg(L2TP_MSG_OCRQ, 0x3001, "pw1");
		struct txo o = {0};
		const struct sent *s;

		fx_init(false, 0);
		pc = up_responder();
		ut_answer(F.cl, UT_CL_INCOMING_CALL, CM_PENDING);
		tx(pc, &m);
		UT_EXPECT(F.e, "cl.create_vc(af=A1,vc=V1)", "cl.incoming_call(sap=S1,vc=V1)");
		/* the peer does not know our session ID yet: 64 = 0 (§5.4.4) */
		if (types[i] == L2TP_MSG_OCRP)
			m = rp_msg(L2TP_MSG_OCRP, 0x3001, 1);
		else if (types[i] == L2TP_MSG_OCCN)
			m = sid_msg(L2TP_MSG_OCCN, 0x3001, 1);
		o.zero_rsid = types[i] != L2TP_MSG_OCRQ;
		tx_opt(pc, &m, &o);
		s = EXPECT_MSG(L2TP_MSG_CDN);
		EXPECT_SIDS(s, 0, 0x3001);
		if (types[i] == L2TP_MSG_OCRQ)
			EXPECT_RESULT(s, L2TP_CDN_FSM, -1);
		else
			CHECK(l2tp_msg_has(&s->m, L2TP_AVP_RESULT_CODE));
		EXPECT_NONE();
		expect_incoming_close(F.last_vc, "FAILURE", "");
		fx_fini();
	}
}

/* established, receive OCRQ, OCRP or OCCN: send CDN, clean up -> idle. */
static void
ocrq_r_est_ocrq_ocrp_occn(void)
{
	static const enum l2tp_msg_type types[] = {L2TP_MSG_OCRQ, L2TP_MSG_OCRP, L2TP_MSG_OCCN};
	unsigned int i;

	for (i = 0; i < 3; i++) {
		struct ut_obj *v;
		struct pconn *pc;
		struct l2tp_msg m;
		const struct sent *s;
		uint32_t ours;

		fx_init(false, 0);
		pc = up_responder();
		v = in_offer(pc, L2TP_MSG_OCRQ, 0x3001, &ours);
		if (types[i] == L2TP_MSG_OCRQ)
			m = rq_msg(L2TP_MSG_OCRQ, 0x3001, "pw1");
		else if (types[i] == L2TP_MSG_OCRP)
			m = rp_msg(L2TP_MSG_OCRP, 0x3001, ours);
		else
			m = sid_msg(L2TP_MSG_OCCN, 0x3001, ours);
		tx(pc, &m);
		s = EXPECT_MSG(L2TP_MSG_CDN);
		EXPECT_SIDS(s, ours, 0x3001);
		EXPECT_RESULT(s, L2TP_CDN_FSM, -1);
		EXPECT_NONE();
		expect_incoming_close(v, "FAILURE", "");
		fx_fini();
	}
}

/* wait-cs-answer or established, receive CDN: clean up -> idle. */
static void
ocrq_r_cdn(void)
{
	unsigned int i;

	for (i = 0; i < 2; i++) {
		struct ut_obj *v;
		struct pconn *pc;
		struct l2tp_msg m = rq_msg(L2TP_MSG_OCRQ, 0x3001, "pw1");
		uint32_t ours = 0;

		fx_init(false, 0);
		pc = up_responder();
		if (i == 0) {
			ut_answer(F.cl, UT_CL_INCOMING_CALL, CM_PENDING);
			tx(pc, &m);
			UT_EXPECT(F.e, "cl.create_vc(af=A1,vc=V1)",
				  "cl.incoming_call(sap=S1,vc=V1)");
			v = F.last_vc;
		} else {
			v = in_offer(pc, L2TP_MSG_OCRQ, 0x3001, &ours);
		}
		m = cdn_msg(0x3001, ours, L2TP_CDN_ADMIN, 0, NULL);
		tx(pc, &m);
		EXPECT_NONE();
		expect_incoming_close(v, "SUCCESS", ",data=4");
		fx_fini();
	}
}

/* established, local close request: send CDN, clean up -> idle. */
static void
ocrq_r_est_local_close(void)
{
	struct ut_obj *v;
	struct pconn *pc;
	uint32_t ours;

	fx_init(false, 0);
	pc = up_responder();
	v = in_offer(pc, L2TP_MSG_OCRQ, 0x3001, &ours);
	local_close(v, ours, 0x3001);
	fx_fini();
}

/* ======================= messages and AVPs (§5.2, §5.4.1, §7.1) ======================= */

/* §5.4.1, §7.1: a message type we do not know with M=1 clears the
 * control connection, and its calls with it. */
static void
msg_unknown_type_m1(void)
{
	struct ut_obj *v;
	struct pconn *pc;
	struct l2tp_msg m = msg(L2TP_MSG_HELLO);
	struct txo o = {.type = 99};
	uint32_t ours;

	fx_init(false, 0);
	pc = up_responder();
	v = in_call(pc, 0x3001, &ours);
	tx_opt(pc, &m, &o);
	EXPECT_MSG(L2TP_MSG_STOPCCN);
	EXPECT_NONE();
	expect_incoming_close(v, "FAILURE", "");
	fx_fini();
}

/* §5.4.1: with M=0 it is ignored (acknowledged, nothing else). */
static void
msg_unknown_type_m0(void)
{
	struct ut_obj *v;
	struct pconn *pc;
	struct l2tp_msg m = msg(L2TP_MSG_HELLO);
	struct txo o = {.type = 99, .type_optional = true};
	uint32_t ours;
	unsigned int acks;

	fx_init(false, 0);
	pc = up_responder();
	v = in_call(pc, 0x3001, &ours);
	acks = count_sent(L2TP_MSG_ZLB);
	tx_opt(pc, &m, &o);
	EXPECT_NONE();
	CHECK_EQ(count_sent(L2TP_MSG_ZLB), acks + 1);
	UT_EXPECT_NOTHING(F.e);
	CHECK_EQ(ut_call_state(F.e, v), CM_CALL_CONNECTED);
	fx_fini();
}

/* §5.2: an unrecognised M=1 AVP in HELLO: StopCCN 2/8. */
static void
msg_hello_unknown_avp(void)
{
	struct ut_obj *v;
	struct pconn *pc;
	struct l2tp_msg m = msg(L2TP_MSG_HELLO);
	const struct sent *s;
	uint32_t ours;

	fx_init(false, 0);
	pc = up_responder();
	v = in_call(pc, 0x3001, &ours);
	tx_avp(pc, &m, avp_unknown_m1, sizeof(avp_unknown_m1));
	s = EXPECT_MSG(L2TP_MSG_STOPCCN);
	EXPECT_RESULT(s, L2TP_STOP_ERROR, L2TP_ERR_UNKNOWN_MANDATORY);
	EXPECT_NONE();
	expect_incoming_close(v, "FAILURE", "");
	fx_fini();
}

/* §5.2: an unrecognised M=1 AVP in a session message of an established
 * call: CDN 2/8 and the session is shut down; the connection stays. */
static void
msg_session_unknown_avp(void)
{
	struct ut_obj *v;
	struct pconn *pc;
	struct l2tp_msg m;
	const struct sent *s;
	uint32_t ours;

	fx_init(false, 0);
	pc = up_responder();
	v = in_call(pc, 0x3001, &ours);
	m = sid_msg(L2TP_MSG_SLI, 0x3001, ours);
	tx_avp(pc, &m, avp_unknown_m1, sizeof(avp_unknown_m1));
	s = EXPECT_MSG(L2TP_MSG_CDN);
	EXPECT_SIDS(s, ours, 0x3001);
	EXPECT_RESULT(s, L2TP_CDN_ERROR, L2TP_ERR_UNKNOWN_MANDATORY);
	EXPECT_NONE();
	expect_incoming_close(v, "FAILURE", "");
	CHECK_EQ(count_sent(L2TP_MSG_STOPCCN), 0);
	fx_fini();
}

/* §5.4.4: no request for a PW type the peer did not list in its
 * capabilities: a call waiting for the connection fails when it comes
 * up, one made on it is refused at once; no ICRQ either way. */
static void
msg_pw_not_listed(void)
{
	struct ut_obj *v;
	struct pconn *pc;
	struct l2tp_msg m;

	fx_init(false, 0);
	pc = pc_new();
	m = cc_msg(pc, L2TP_MSG_SCCRQ);
	m.n_pw_caps = 1;
	m.pw_caps[0] = L2TP_PW_ETH_VLAN;
	tx(pc, &m);
	EXPECT_MSG(L2TP_MSG_SCCRP);
	v = make_call("pw7", false);
	m = msg(L2TP_MSG_SCCCN);
	tx(pc, &m);
	EXPECT_NONE();
	expect_make_call_failed(v, "NOT_SUPPORTED");
	UT_ST(ut_create_vc(F.cl, F.af, &v), CM_SUCCESS);
	{
		struct cm_call_params p;

		call_params(&p, "pw8", false);
		UT_ST(ut_make_call(v, &p, false, NULL), CM_NOT_SUPPORTED);
	}
	EXPECT_NONE();
	CHECK_EQ(count_sent(L2TP_MSG_ICRQ), 0);
	fx_fini();
}

/* A burst of calls larger than any window: their requests go onto the
 * connection a few hundred ahead of the window, the others wait for room
 * in order (a call made meanwhile behind them), and all go as the peer
 * acknowledges; none fails, none is lost. */
static void
msg_calls_paced(void)
{
	unsigned int n = 2000, i, placed, rounds;
	const struct sent *s;
	struct pconn *pc;
	struct l2tp_msg m;
	char id[16], last[16];

	fx_init(true, 0);
	for (i = 0; i < n; i++) {
		snprintf(id, sizeof(id), "pw%u", i);
		make_call(id, false);
	}
	l2tp_cm_service(F.cm, F.now);
	EXPECT_MSG(L2TP_MSG_SCCRQ);
	pc = &F.pc[0];
	m = cc_msg(pc, L2TP_MSG_SCCRP);
	tx(pc, &m);
	placed = (unsigned int)stats().tx_by_type[L2TP_MSG_ICRQ];
	CHECK(placed > 0 && placed < n / 2);
	make_call("pw-late", false); /* pending: behind the others */
	CHECK_EQ(stats().tx_by_type[L2TP_MSG_ICRQ], placed);
	/* the peer takes all it is sent, until nothing more comes */
	for (rounds = 0, last[0] = '\0'; rounds < 10 * n; rounds++) {
		F.n_sent = F.seen = 0;
		tx_ack(pc);
		if ((s = next_sent()) == NULL)
			break;
		for (; s != NULL; s = next_sent())
			if (s->m.type == L2TP_MSG_ICRQ)
				snprintf(last, sizeof(last), "%.*s", (int)s->m.end_id_len,
					 (const char *)s->m.end_id);
	}
	CHECK_EQ(stats().tx_by_type[L2TP_MSG_ICRQ], n + 1);
	CHECK_EQ(stats().sessions_failed, 0);
	CHECK(strcmp(last, "pw-late") == 0);
	UT_EXPECT_NOTHING(F.e);
	fx_fini();
}

/* An SCCRQ from an address that is no configured peer: dropped. */
static void
msg_unknown_peer(void)
{
	struct pconn *pc;
	struct l2tp_msg m;

	fx_init(false, 0);
	pc = pc_new();
	m = cc_msg(pc, L2TP_MSG_SCCRQ);
	addr_parse("192.0.2.99", &F.w.remote);
	tx(pc, &m);
	EXPECT_NONE();
	CHECK_EQ(stats().rx_unknown_peer, 1);
	CHECK_EQ(stats().connections, 0);
	addr_parse("192.0.2.2", &F.w.remote);
	fx_fini();
}

/* ======================= authentication (§4.3, §5.4.1) ======================= */

/* A secret is configured: a message without a digest is dropped before
 * use and counted; a signed one is taken, and our answer carries a
 * nonce and a digest the peer verifies. */
static void
auth_digest_required(void)
{
	struct pconn *pc;
	struct l2tp_msg m;
	struct txo o = {.no_digest = true};
	const struct sent *s;

	fx_init(false, 1);
	pc = pc_new();
	m = cc_msg(pc, L2TP_MSG_SCCRQ);
	tx_opt(pc, &m, &o);
	EXPECT_NONE();
	CHECK_EQ(F.n_sent, 0);
	CHECK_EQ(stats().rx_bad_digest, 1);
	CHECK_EQ(stats().connections, 0);
	pc->ns = 0;
	m = cc_msg(pc, L2TP_MSG_SCCRQ);
	tx(pc, &m);
	s = EXPECT_MSG(L2TP_MSG_SCCRP);
	CHECK(l2tp_msg_has(&s->m, L2TP_AVP_NONCE) && s->m.nonce_len >= 16);
	CHECK_EQ(s->m.n_digests, 1);
	EXPECT_NONE();
	fx_fini();
}

/* A bad digest is dropped before anything in the message is used: the
 * CDN neither closes the call nor is acknowledged, nor does it advance
 * the sequence; sent again correctly signed, it is taken. */
static void
auth_bad_digest(void)
{
	struct ut_obj *v;
	struct pconn *pc;
	struct l2tp_msg m;
	struct txo bad = {.bad_digest = true}, again = {.again = true};
	uint32_t ours;
	unsigned int sent;

	fx_init(false, 1);
	pc = up_responder();
	v = in_call(pc, 0x3001, &ours);
	sent = F.n_sent;
	m = cdn_msg(0x3001, ours, L2TP_CDN_ADMIN, 0, NULL);
	tx_opt(pc, &m, &bad);
	CHECK_EQ(F.n_sent, sent);
	CHECK_EQ(stats().rx_bad_digest, 1);
	UT_EXPECT_NOTHING(F.e);
	CHECK_EQ(ut_call_state(F.e, v), CM_CALL_CONNECTED);
	tx_opt(pc, &m, &again);
	EXPECT_NONE();
	expect_incoming_close(v, "SUCCESS", ",data=4");
	fx_fini();
}

/* §6.15: no ZLB while authenticating: our acknowledgements are ACK
 * messages with a digest, and the peer's ZLB is dropped (its Nr not
 * taken: our SCCRP is retransmitted). */
static void
auth_no_zlb(void)
{
	struct pconn *pc;
	struct l2tp_msg m;
	const struct sent *s;
	unsigned int i;

	fx_init(false, 1);
	pc = pc_new();
	m = cc_msg(pc, L2TP_MSG_SCCRQ);
	tx(pc, &m);
	EXPECT_MSG(L2TP_MSG_SCCRP);
	m = msg(L2TP_MSG_ZLB);
	tx(pc, &m);
	CHECK_EQ(stats().rx_bad_digest, 1);
	run_for(1000);
	s = EXPECT_MSG(L2TP_MSG_SCCRP);
	CHECK_EQ(s->m.ns, 0);
	m = msg(L2TP_MSG_SCCCN);
	tx(pc, &m);
	EXPECT_NONE();
	CHECK_EQ(stats().connections_up, 1);
	CHECK(F.n_sent > 0 && F.sent[F.n_sent - 1].m.type == L2TP_MSG_ACK &&
	      F.sent[F.n_sent - 1].digest_ok);
	for (i = 0; i < F.n_sent; i++)
		CHECK(F.sent[i].m.type != L2TP_MSG_ZLB);
	fx_fini();
}

/* §4.3, §5.4.1: our SCCRQ's digest covers the message alone; later ones
 * cover our nonce, then the peer's (not the other way round); a message
 * the peer signs with the nonces swapped is dropped. */
static void
auth_nonces(void)
{
	struct pconn *pc;
	struct l2tp_msg m;
	struct txo swap = {.swap_nonces = true};
	const struct sent *s;

	fx_init(true, 1);
	l2tp_cm_service(F.cm, F.now);
	s = EXPECT_MSG(L2TP_MSG_SCCRQ);
	pc = &F.pc[0];
	CHECK(l2tp_msg_has(&s->m, L2TP_AVP_NONCE) && s->m.nonce_len >= 16);
	CHECK(verify_with(s, pc, F.psec, 1, false));
	m = cc_msg(pc, L2TP_MSG_SCCRP);
	tx(pc, &m);
	s = EXPECT_MSG(L2TP_MSG_SCCCN);
	CHECK(verify_with(s, pc, F.psec, 1, false));
	CHECK(!verify_with(s, pc, F.psec, 1, true));
	m = msg(L2TP_MSG_HELLO);
	tx_opt(pc, &m, &swap);
	CHECK_EQ(stats().rx_bad_digest, 1);
	EXPECT_NONE();
	fx_fini();
}

/* A secret is configured and the peer's SCCRQ offers no nonce: not
 * authorised (StopCCN 4). */
static void
auth_no_nonce(void)
{
	struct pconn *pc;
	struct l2tp_msg m;
	const struct sent *s;

	fx_init(false, 1);
	pc = pc_new();
	m = cc_msg(pc, L2TP_MSG_SCCRQ);
	m.avps[1] &= ~(UINT64_C(1) << (L2TP_AVP_NONCE - 64));
	tx(pc, &m);
	s = EXPECT_MSG(L2TP_MSG_STOPCCN);
	EXPECT_RESULT(s, L2TP_STOP_NOT_AUTH, -1);
	EXPECT_NONE();
	fx_fini();
}

/* Refusing an authenticated SCCRQ: the peer never received our nonce,
 * yet it must be able to verify the StopCCN's digest. */
static void
auth_refusal_verifiable(void)
{
	struct pconn *pc;
	struct l2tp_msg m;
	const struct sent *s;

	fx_init(false, 1);
	pc = pc_new();
	m = cc_msg(pc, L2TP_MSG_SCCRQ);
	m.avps[0] &= ~(UINT64_C(1) << L2TP_AVP_HOST_NAME);
	tx(pc, &m);
	s = EXPECT_MSG(L2TP_MSG_STOPCCN);
	EXPECT_RESULT(s, L2TP_STOP_ERROR, -1);
	EXPECT_NONE();
	fx_fini();
}

/* §5.4.1 rollover: with two secrets we send two digests, one per
 * secret, each verifying alone; a peer signing with either secret is
 * heard; one signing with neither is not. */
static void
auth_rollover(void)
{
	struct ut_obj *v;
	struct pconn *pc;
	struct l2tp_msg m;
	const struct sent *s;
	struct l2tp_secret other;
	uint32_t ours;

	fx_init(false, 2);
	pc = pc_new();
	m = cc_msg(pc, L2TP_MSG_SCCRQ);
	tx(pc, &m);
	s = EXPECT_MSG(L2TP_MSG_SCCRP);
	CHECK_EQ(s->m.n_digests, 2);
	CHECK(verify_with(s, pc, &F.psec[0], 1, false));
	CHECK(verify_with(s, pc, &F.psec[1], 1, false));
	F.psign = 1; /* the peer moved to the next secret */
	m = msg(L2TP_MSG_SCCCN);
	tx(pc, &m);
	EXPECT_NONE();
	CHECK_EQ(stats().connections_up, 1);
	v = in_offer(pc, L2TP_MSG_ICRQ, 0x3001, &ours);
	F.psign = 0; /* and back: both are good */
	m = sid_msg(L2TP_MSG_ICCN, 0x3001, ours);
	tx(pc, &m);
	UT_EXPECT(F.e, "cl.call_connected(vc=V1)");
	l2tp_secret_init(&other, "other", 5);
	F.psec[0] = other;
	m = cdn_msg(0x3001, ours, L2TP_CDN_ADMIN, 0, NULL);
	tx(pc, &m);
	CHECK_EQ(stats().rx_bad_digest, 1);
	CHECK_EQ(ut_call_state(F.e, v), CM_CALL_CONNECTED);
	l2tp_secret_init(&F.psec[0], "s3cret", 6);
	fx_fini();
}

/* ======================= HELLO (§4.4) and the StopCCN hold (§7.5) ======================= */

/* HELLO once nothing arrived for the Hello interval (jittered). */
static void
hello_idle(void)
{
	struct pconn *pc;
	const struct sent *s;

	fx_init(false, 0);
	pc = up_responder();
	run_for(HELLO_S * 1000 - 100);
	EXPECT_NONE();
	run_until_sent(L2TP_MSG_HELLO, HELLO_LATEST_MS - HELLO_S * 1000 + 100);
	s = EXPECT_MSG(L2TP_MSG_HELLO);
	CHECK_EQ(s->m.ccid, pc->ccid);
	EXPECT_NONE();
	tx_ack(pc);
	run_for(HELLO_S * 1000 - 1000);
	EXPECT_NONE();
	fx_fini();
}

/* Anything from the peer restarts the Hello interval. */
static void
hello_postponed(void)
{
	struct pconn *pc;
	struct l2tp_msg m;

	fx_init(false, 0);
	pc = up_responder();
	run_for(50000);
	m = msg(L2TP_MSG_HELLO);
	tx(pc, &m);
	run_for(HELLO_LATEST_MS - 50000 + 100);
	EXPECT_NONE();
	run_for(50000);
	EXPECT_MSG(L2TP_MSG_HELLO);
	fx_fini();
}

/* An unacknowledged HELLO: through every retry, then the connection is
 * cleared and its calls close with NO_ROUTE_TO_DESTINATION. */
static void
hello_unanswered(void)
{
	struct ut_obj *v;
	struct pconn *pc;
	const struct sent *s;
	uint32_t ours;
	unsigned int i;

	fx_init(false, 0);
	pc = up_responder();
	v = in_call(pc, 0x3001, &ours);
	run_for(HELLO_LATEST_MS);
	s = EXPECT_MSG(L2TP_MSG_HELLO);
	for (i = 0; i < 5; i++) {
		const struct sent *r;

		run_for(i < 3 ? 1000u << i : 8000u);
		r = EXPECT_MSG(L2TP_MSG_HELLO);
		CHECK_EQ(r->m.ns, s->m.ns);
	}
	UT_EXPECT_NOTHING(F.e);
	run_for(8000);
	expect_incoming_close(v, "NO_ROUTE_TO_DESTINATION", "");
	run_for(1000);
	CHECK_EQ(stats().connections, 0);
	fx_fini();
}

/* §7.5: our StopCCN, unacknowledged, goes again with the same Ns, and
 * the state is held for a full retransmission cycle. */
static void
stop_hold(void)
{
	struct pconn *pc;
	struct l2tp_msg m;
	const struct sent *s;
	unsigned int i;

	fx_init(false, 0);
	pc = pc_new();
	m = cc_msg(pc, L2TP_MSG_SCCRQ);
	tx(pc, &m);
	EXPECT_MSG(L2TP_MSG_SCCRP);
	m = msg(L2TP_MSG_SCCCN);
	tx_avp(pc, &m, avp_unknown_m1, sizeof(avp_unknown_m1));
	s = EXPECT_MSG(L2TP_MSG_STOPCCN);
	for (i = 0; i < 5; i++) {
		const struct sent *r;

		run_for(i < 3 ? 1000u << i : 8000u);
		r = EXPECT_MSG(L2TP_MSG_STOPCCN);
		CHECK_EQ(r->m.ns, s->m.ns);
	}
	CHECK_EQ(stats().connections, 1); /* 23 s: still held */
	run_for(CYCLE_MS - 23000 + 1000);
	EXPECT_NONE();
	CHECK_EQ(stats().connections, 0);
	fx_fini();
}

/* ======================= circuits and contracts ======================= */

/* §5.4.5: SLI with the peer's circuit down: the VC is re-activated with
 * remote_circuit_down (data toward the peer stops), and up again. Our
 * own circuit's link going down and up is told with SLI. */
static void
sli_circuit(void)
{
	struct ut_obj *v;
	struct pconn *pc;
	struct l2tp_msg m;
	const struct sent *s;
	uint32_t ours;
	unsigned int acts;

	fx_init(false, 0);
	pc = up_responder();
	v = in_call(pc, 0x3001, &ours);
	acts = F.e->mp.activations;
	m = sid_msg(L2TP_MSG_SLI, 0x3001, ours);
	m.circuit_status = 0;
	l2tp_msg_set(&m, L2TP_AVP_CIRCUIT_STATUS);
	tx(pc, &m);
	EXPECT_NONE();
	CHECK_EQ(F.e->mp.activations, acts + 1);
	CU_ASSERT_PTR_NOT_NULL_FATAL(vc_params(v));
	CHECK(vc_params(v)->media.remote_circuit_down);
	m.circuit_status = L2TP_CS_ACTIVE;
	tx(pc, &m);
	CHECK_EQ(F.e->mp.activations, acts + 2);
	CHECK(!vc_params(v)->media.remote_circuit_down);
	/* RFC 5641 §2: active but on standby carries no user traffic. */
	m.circuit_status = L2TP_CS_ACTIVE | L2TP_CS_STANDBY;
	tx(pc, &m);
	CHECK_EQ(F.e->mp.activations, acts + 3);
	CHECK(vc_params(v)->media.remote_circuit_down);
	m.circuit_status = L2TP_CS_ACTIVE;
	tx(pc, &m);
	CHECK_EQ(F.e->mp.activations, acts + 4);
	CHECK(!vc_params(v)->media.remote_circuit_down);
	UT_EXPECT_NOTHING(F.e);
	F.link[AC_PORT] = false;
	core_link_status(F.e->core, AC_PORT, false);
	s = EXPECT_MSG(L2TP_MSG_SLI);
	EXPECT_SIDS(s, ours, 0x3001);
	CHECK(l2tp_msg_has(&s->m, L2TP_AVP_CIRCUIT_STATUS));
	CHECK_EQ(s->m.circuit_status & L2TP_CS_ACTIVE, 0);
	F.link[AC_PORT] = true;
	core_link_status(F.e->core, AC_PORT, true);
	s = EXPECT_MSG(L2TP_MSG_SLI);
	CHECK_EQ(s->m.circuit_status & L2TP_CS_ACTIVE, L2TP_CS_ACTIVE);
	EXPECT_NONE();
	fx_fini();
}

/* Tx/Rx Connect Speed (§5.4.5) in the peer's ICRQ: from the LAC's side,
 * Tx is what it sends to its circuit (fed by what we send), Rx what it
 * receives: they cap our transmit and receive FLOWSPECs. */
static void
speed_both(void)
{
	struct pconn *pc;
	struct l2tp_msg m = rq_msg(L2TP_MSG_ICRQ, 0x3001, "pw1");

	fx_init(false, 0);
	pc = up_responder();
	m.tx_speed = 80000000;
	l2tp_msg_set(&m, L2TP_AVP_TX_SPEED);
	m.rx_speed = 40000000;
	l2tp_msg_set(&m, L2TP_AVP_RX_SPEED);
	tx(pc, &m);
	EXPECT_MSG(L2TP_MSG_ICRP);
	UT_EXPECT(F.e, "cl.create_vc(af=A1,vc=V1)", "cl.incoming_call(sap=S1,vc=V1)");
	CHECK_EQ(F.cl->last_params.transmit.token_rate, 10000000);
	CHECK_EQ(F.cl->last_params.receive.token_rate, 5000000);
	CHECK_EQ(F.cl->last_params.media.tx_connect_speed, 80000000);
	CHECK_EQ(F.cl->last_params.media.rx_connect_speed, 40000000);
	fx_fini();
}

/* Tx Connect Speed alone: "the connection speed ... is assumed to be
 * symmetric and is represented by the single value in this AVP": both
 * directions. */
static void
speed_tx_only(void)
{
	struct pconn *pc;
	struct l2tp_msg m = rq_msg(L2TP_MSG_ICRQ, 0x3001, "pw1");

	fx_init(false, 0);
	pc = up_responder();
	m.tx_speed = 80000000;
	l2tp_msg_set(&m, L2TP_AVP_TX_SPEED);
	tx(pc, &m);
	EXPECT_MSG(L2TP_MSG_ICRP);
	UT_EXPECT(F.e, "cl.create_vc(af=A1,vc=V1)", "cl.incoming_call(sap=S1,vc=V1)");
	CHECK_EQ(F.cl->last_params.transmit.token_rate, 10000000);
	CHECK_EQ(F.cl->last_params.receive.token_rate, 10000000);
	fx_fini();
}

/* Our ICRQ tells our circuit's contract: Tx is what we send to our
 * circuit (our receive FLOWSPEC), Rx what we take from it (transmit);
 * the peer's ICRP speeds cap the VC's contract. */
static void
speed_ours(void)
{
	struct cm_call_params p;
	struct ut_obj *v;
	struct pconn *pc;
	struct l2tp_msg m;
	const struct sent *s;

	fx_init(false, 0);
	pc = up_responder();
	call_params(&p, "pw7", false);
	p.transmit.token_rate = 1000000;
	p.transmit.peak_bandwidth = 2000000;
	p.receive.token_rate = 2000000;
	p.receive.peak_bandwidth = 4000000;
	v = make_call_p(&p);
	s = EXPECT_MSG(L2TP_MSG_ICRQ);
	CHECK(l2tp_msg_has(&s->m, L2TP_AVP_TX_SPEED) && s->m.tx_speed == 16000000);
	CHECK(l2tp_msg_has(&s->m, L2TP_AVP_RX_SPEED) && s->m.rx_speed == 8000000);
	m = rp_msg(L2TP_MSG_ICRP, 0x2001, s->m.local_sid);
	m.tx_speed = 4000000; /* 500 kB/s: below our transmit contract */
	l2tp_msg_set(&m, L2TP_AVP_TX_SPEED);
	m.rx_speed = 80000000;
	l2tp_msg_set(&m, L2TP_AVP_RX_SPEED);
	tx(pc, &m);
	EXPECT_MSG(L2TP_MSG_ICCN);
	UT_EXPECT(F.e, "cl.make_call_complete(SUCCESS,vc=V1)");
	CU_ASSERT_PTR_NOT_NULL_FATAL(vc_params(v));
	CHECK_EQ(vc_params(v)->transmit.token_rate, 500000);
	CHECK_EQ(vc_params(v)->receive.token_rate, 2000000);
	fx_fini();
}

/* ======================= registration ======================= */

static CU_TestInfo tests[] = {
	{"7.2 idle: local open -> SCCRQ", cc_idle_local_open},
	{"7.2 idle: SCCRQ acceptable -> SCCRP", cc_idle_sccrq_ok},
	{"7.2 idle: SCCRQ not acceptable (AVP missing) -> StopCCN", cc_idle_sccrq_missing_avp},
	{"7.2 idle: SCCRQ not acceptable (no PW type) -> StopCCN", cc_idle_sccrq_no_pw},
	{"7.2 idle: SCCRQ unknown M=1 AVP -> StopCCN 2/8", cc_idle_sccrq_unknown_avp},
	{"7.2 idle: SCCRQ unknown M=0 and vendor AVPs ignored", cc_idle_sccrq_optional_avps},
	{"7.2 idle: SCCRP -> StopCCN", cc_idle_sccrp},
	{"7.2 idle: SCCCN -> StopCCN", cc_idle_scccn},
	{"7.2 idle: StopCCN -> clean up", cc_idle_stopccn},
	{"7.2 wait-ctl-reply: SCCRP acceptable -> SCCCN, ICRQ", cc_wcr_sccrp_ok},
	{"7.2 wait-ctl-reply: SCCRP not acceptable -> StopCCN", cc_wcr_sccrp_bad},
	{"7.2 wait-ctl-reply: SCCRP unknown M=1 AVP -> StopCCN 2/8", cc_wcr_sccrp_unknown_avp},
	{"7.2 wait-ctl-reply: SCCRQ tie lost, acceptable -> SCCRP", cc_wcr_sccrq_tie_lost},
	{"7.2 wait-ctl-reply: SCCRQ tie lost, not acceptable -> StopCCN, idle",
	 cc_wcr_sccrq_tie_lost_bad},
	{"7.2 wait-ctl-reply: SCCRQ tie won -> StopCCN for the loser", cc_wcr_sccrq_tie_won},
	{"7.2 wait-ctl-reply: SCCRQ, only ours has a tie breaker -> won",
	 cc_wcr_sccrq_tie_only_ours},
	{"7.2 wait-ctl-reply: SCCRQ, equal tie breakers -> restart", cc_wcr_sccrq_tie_equal},
	{"7.2 wait-ctl-reply: SCCCN -> StopCCN", cc_wcr_scccn},
	{"7.2 wait-ctl-reply: StopCCN -> clean up", cc_wcr_stopccn},
	{"7.2 wait-ctl-conn: SCCCN acceptable -> established, ICRQ", cc_wcc_scccn_ok},
	{"7.2 wait-ctl-conn: SCCCN not acceptable -> StopCCN 2/8", cc_wcc_scccn_bad},
	{"7.2 wait-ctl-conn: SCCRQ, SCCRP -> StopCCN", cc_wcc_sccrq_sccrp},
	{"7.2 wait-ctl-conn: StopCCN -> clean up", cc_wcc_stopccn},
	{"7.2 established: local open -> ICRQ", cc_est_local_open},
	{"7.2 established: administrative close -> StopCCN", cc_est_admin_close},
	{"3.3.2 shutdown: the StopCCN clears the calls, no CDN", cc_est_shutdown_no_cdn},
	{"7.2 established: SCCRQ, SCCRP, SCCCN -> StopCCN", cc_est_sccrq_sccrp_scccn},
	{"7.2 established: StopCCN -> clean up, held", cc_est_stopccn},
	{"7.3.1 idle: call signal -> open connection", icrq_s_idle_call},
	{"7.3.1 idle: ICCN, CDN -> clean up", icrq_s_idle_iccn_cdn},
	{"7.3.1 wait-control-conn: bearer drop -> clean up", icrq_s_wcc_bearer_drop},
	{"7.3.1 wait-control-conn: local close -> clean up", icrq_s_wcc_local_close},
	{"7.3.1 wait-control-conn: control-conn-open -> ICRQ", icrq_s_wcc_open},
	{"7.3.1 wait-reply: ICRP acceptable -> ICCN", icrq_s_wr_icrp_ok},
	{"7.3.1 wait-reply: ICRP not acceptable (AVP missing) -> CDN", icrq_s_wr_icrp_missing_avp},
	{"7.3.1 wait-reply: ICRP not acceptable (seq, no L2SS) -> CDN 15",
	 icrq_s_wr_icrp_seq_no_l2ss},
	{"7.3.1 wait-reply: ICRQ tie lost -> as recipient", icrq_s_wr_tie_lost},
	{"7.3.1 wait-reply: ICRQ tie won -> CDN 13", icrq_s_wr_tie_won},
	{"7.3.1 wait-reply: ICRQ, only ours has a tie breaker -> CDN 13", icrq_s_wr_tie_only_ours},
	{"7.3.1 wait-reply: ICRQ, equal tie breakers -> restart", icrq_s_wr_tie_equal},
	{"7.3.1 wait-reply: CDN -> clean up", icrq_s_wr_cdn},
	{"7.3.1 wait-reply: ICCN -> clean up", icrq_s_wr_iccn},
	{"7.3.1 wait-reply: local close -> cleared", icrq_s_wr_local_close},
	{"7.3.1 established: CDN -> clean up, close data", icrq_s_est_cdn},
	{"7.3.1 established: ICRQ, ICRP, ICCN -> CDN", icrq_s_est_icrq_icrp_iccn},
	{"7.3.1 established: local close -> CDN", icrq_s_est_local_close},
	{"7.3.2 idle: ICRQ acceptable -> ICRP", icrq_r_idle_icrq_ok},
	{"7.3.2 idle: ICRQ acceptable, client pends -> ICRP later", icrq_r_idle_icrq_pended},
	{"7.3.2 idle: ICRQ unsupported PW type -> CDN 14", icrq_r_idle_pw_type},
	{"7.3.2 idle: ICRQ unknown Remote End ID -> CDN 6", icrq_r_idle_end_id},
	{"7.3.2 idle: ICRQ sequencing without L2SS -> CDN 15", icrq_r_idle_seq_no_l2ss},
	{"7.3.2 idle: ICRQ AVP missing -> CDN 2", icrq_r_idle_missing_avp},
	{"7.3.2 idle: ICRQ unknown M=1 AVP -> CDN 2/8", icrq_r_idle_unknown_avp},
	{"7.3.2 idle: ICRQ vendor M=1 AVP -> CDN 2/8", icrq_r_idle_vendor_avp_m1},
	{"7.3.2 idle: ICRQ unknown M=0 and vendor AVPs ignored", icrq_r_idle_optional_avps},
	{"7.3.2 idle: ICRQ refused by the client -> CDN", icrq_r_idle_client_refuses},
	{"7.3.2 idle: ICRQ accepted, cannot be placed -> CDN", icrq_r_idle_accept_unplaceable},
	{"7.3.2 idle: ICRP -> CDN", icrq_r_idle_icrp},
	{"7.3.2 idle: ICCN -> clean up", icrq_r_idle_iccn},
	{"7.3.2 wait-connect: ICCN acceptable -> established", icrq_r_wc_iccn_ok},
	{"7.3.2 wait-connect: ICCN unknown M=1 AVP -> CDN 2/8", icrq_r_wc_iccn_unknown_avp},
	{"7.3.2 wait-connect: ICCN AVP missing -> CDN", icrq_r_wc_iccn_missing_avp},
	{"7.3.2 wait-connect: ICCN sequencing without L2SS -> CDN 15", icrq_r_wc_iccn_seq_no_l2ss},
	{"7.3.2 wait-connect: ICRQ, ICRP -> CDN", icrq_r_wc_icrq_icrp},
	{"7.3.2 wait-connect, established: CDN -> clean up", icrq_r_cdn},
	{"7.3.2 established: local close -> CDN", icrq_r_est_local_close},
	{"7.3.2 established: ICRQ, ICRP, ICCN -> CDN", icrq_r_est_icrq_icrp_iccn},
	{"7.4.1 idle/wait-control-conn: local open -> OCRQ", ocrq_s_open},
	{"7.4.1 idle: OCCN -> clean up", ocrq_s_idle_occn},
	{"7.4.1 wait-reply: OCRP acceptable -> wait-connect", ocrq_s_wr_ocrp_ok},
	{"7.4.1 wait-reply: OCRP not acceptable -> CDN 15", ocrq_s_wr_ocrp_bad},
	{"7.4.1 wait-reply: OCCN -> CDN", ocrq_s_wr_occn},
	{"7.4.1 wait-reply: OCRQ tie lost -> as recipient", ocrq_s_wr_tie_lost},
	{"7.4.1 wait-reply: OCRQ tie won -> CDN 13", ocrq_s_wr_tie_won},
	{"7.4.1 wait-connect: OCCN -> established", ocrq_s_wc_occn},
	{"7.4.1 wait-connect: OCRQ, OCRP -> CDN", ocrq_s_wc_ocrq_ocrp},
	{"7.4.1 wait-reply, wait-connect, established: CDN -> clean up", ocrq_s_cdn},
	{"7.4.1 established: OCRQ, OCRP, OCCN -> CDN", ocrq_s_est_ocrq_ocrp_occn},
	{"7.4.1 established: local close -> CDN", ocrq_s_est_local_close},
	{"7.4.2 idle: OCRQ acceptable -> OCRP, OCCN", ocrq_r_idle_ocrq_ok},
	{"7.4.2 idle: OCRQ not acceptable -> CDN 6", ocrq_r_idle_ocrq_bad},
	{"7.4.2 idle: OCRP -> CDN", ocrq_r_idle_ocrp},
	{"7.4.2 idle: OCCN, CDN -> clean up", ocrq_r_idle_occn_cdn},
	{"7.4.2 wait-cs-answer: placement successful -> OCRP, OCCN", ocrq_r_wcs_pended_ok},
	{"7.4.2 wait-cs-answer: placement failed -> CDN", ocrq_r_wcs_refused},
	{"7.4.2 wait-cs-answer: accepted, cannot be placed -> CDN", ocrq_r_wcs_unplaceable},
	{"7.4.2 wait-cs-answer: OCRQ, OCRP, OCCN -> CDN", ocrq_r_wcs_ocrq_ocrp_occn},
	{"7.4.2 established: OCRQ, OCRP, OCCN -> CDN", ocrq_r_est_ocrq_ocrp_occn},
	{"7.4.2 wait-cs-answer, established: CDN -> clean up", ocrq_r_cdn},
	{"7.4.2 established: local close -> CDN", ocrq_r_est_local_close},
	{"5.4.1 unknown message type, M=1 -> connection cleared", msg_unknown_type_m1},
	{"5.4.1 unknown message type, M=0 -> ignored", msg_unknown_type_m0},
	{"5.2 HELLO unknown M=1 AVP -> StopCCN 2/8", msg_hello_unknown_avp},
	{"5.2 session message unknown M=1 AVP -> CDN 2/8", msg_session_unknown_avp},
	{"5.4.4 no call for a PW type the peer did not list", msg_pw_not_listed},
	{"a burst of calls goes onto the connection as its window allows", msg_calls_paced},
	{"SCCRQ from no configured peer -> dropped", msg_unknown_peer},
	{"4.3 digest required with a secret", auth_digest_required},
	{"4.3 bad digest dropped before use", auth_bad_digest},
	{"6.15 no ZLB while authenticating", auth_no_zlb},
	{"5.4.1 nonces in the digest", auth_nonces},
	{"4.3 secret, no nonce -> StopCCN 4", auth_no_nonce},
	{"4.3 StopCCN refusing an SCCRQ is verifiable", auth_refusal_verifiable},
	{"5.4.1 rollover: two secrets", auth_rollover},
	{"4.4 HELLO after the idle interval", hello_idle},
	{"4.4 HELLO postponed by traffic", hello_postponed},
	{"4.4 HELLO unacknowledged -> cleared", hello_unanswered},
	{"7.5 StopCCN held for a retransmission cycle", stop_hold},
	{"5.4.5 SLI circuit status both ways, RFC 5641 standby", sli_circuit},
	{"Connect speeds -> FLOWSPECs", speed_both},
	{"Tx Connect Speed alone is symmetric", speed_tx_only},
	{"Our connect speeds, the peer's caps", speed_ours},
	CU_TEST_INFO_NULL,
};

int
main(void)
{
	CU_SuiteInfo suites[] = {
		{"l2tp_fsm", NULL, NULL, NULL, NULL, tests},
		CU_SUITE_INFO_NULL,
	};
	unsigned int failed;

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
