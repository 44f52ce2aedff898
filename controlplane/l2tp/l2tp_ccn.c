/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Control connections (RFC 3931 §3.3, §5.4.3, §7.2): set-up as initiator
 * and responder with tie breaking, authentication (§4.3), HELLO (§4.4),
 * StopCCN and the hold after it (§7.5). Reliable delivery is l2tp_rel's;
 * this module signs what it transmits and verifies what arrives before
 * anything in it is used.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "log.h"
#include "l2tp_priv.h"

#define STOP_HOLD_MIN_MS 31000 /* §3.3.2 recommends at least 31 s for the receiver */

static const char *const ccn_state_names[] = {
	[CCN_WAIT_CTL_REPLY] = "wait-ctl-reply",
	[CCN_WAIT_CTL_CONN] = "wait-ctl-conn",
	[CCN_ESTABLISHED] = "established",
	[CCN_CLOSING] = "closing",
};

const char *
l2tp_ccn_state_name(enum l2tp_ccn_state s)
{
	return ccn_state_names[s];
}

static uint64_t
min_u64(uint64_t a, uint64_t b)
{
	return a < b ? a : b;
}

static uint16_t
be16(const uint8_t *p)
{
	return (uint16_t)(p[0] << 8 | p[1]);
}

/* The Message Type of an encoded message: L2TP_MSG_ZLB for a header
 * alone, L2TP_MSG_UNKNOWN for a vendor's type (still a message, which
 * takes an Ns and must be acknowledged). */
static uint32_t
raw_type(const uint8_t *msg, size_t len)
{
	if (len <= L2TP_CTRL_HDR_LEN)
		return L2TP_MSG_ZLB;
	/* the Message Type AVP comes first: vendor 0, attribute 0 */
	if (len < L2TP_CTRL_HDR_LEN + 8 || be16(msg + L2TP_CTRL_HDR_LEN + 2) != 0 ||
	    be16(msg + L2TP_CTRL_HDR_LEN + 4) != L2TP_AVP_MSG_TYPE)
		return L2TP_MSG_UNKNOWN;
	return be16(msg + L2TP_CTRL_HDR_LEN + 6);
}

static bool
ccn_auth_wanted(const struct l2tp_ccn *c)
{
	return c->peer->cfg->n_secrets != 0;
}

static void
ccn_nonces(const struct l2tp_ccn *c, bool sending, uint32_t type, struct l2tp_nonces *n)
{
	memset(n, 0, sizeof(*n));
	if (type == L2TP_MSG_SCCRQ)
		return; /* §5.4.1: the SCCRQ's digest covers the message alone */
	if (sending) {
		/* a StopCCN refusing the peer's SCCRQ: it never had our
		 * nonce, so the digest cannot cover one */
		n->local = c->nonce_sent ? c->nonce : NULL;
		n->local_len = c->nonce_sent ? sizeof(c->nonce) : 0;
		n->remote = c->peer_nonce;
		n->remote_len = c->peer_nonce_len;
	} else {
		n->local = c->peer_nonce;
		n->local_len = c->peer_nonce_len;
		n->remote = c->nonce;
		n->remote_len = sizeof(c->nonce);
	}
}

/* Sign a message about to leave: the digests follow the Message Type,
 * one per secret (two during a rollover, §5.4.1). */
static void
ccn_sign(struct l2tp_ccn *c, uint8_t *msg, size_t len)
{
	const struct l2tp_secret *secrets[2] = {&c->peer->secrets[0], &c->peer->secrets[1]};
	struct l2tp_enc_info info = {.len = len};
	uint32_t type = raw_type(msg, len);
	struct l2tp_nonces n;
	size_t off = L2TP_CTRL_HDR_LEN + 8;

	if (!c->auth)
		return;
	info.digest_len = l2tp_digest_len(c->peer->cfg->digest);
	while (info.n_digests < c->peer->cfg->n_secrets && off + 7 + info.digest_len <= len &&
	       be16(msg + off + 2) == 0 && be16(msg + off + 4) == L2TP_AVP_DIGEST) {
		info.digest_off[info.n_digests++] = off + L2TP_AVP_HDR_LEN + 1;
		off += L2TP_AVP_HDR_LEN + 1 + info.digest_len;
	}
	ccn_nonces(c, true, type, &n);
	l2tp_auth_sign(msg, &info, c->peer->cfg->digest, secrets, &n);
}

static void
ccn_xmit(void *arg, uint8_t *msg, size_t len)
{
	struct l2tp_ccn *c = arg;

	ccn_sign(c, msg, len);
	l2tp_cm_xmit(c->cm, &c->wire, msg, len);
}

static int
ccn_encode(struct l2tp_ccn *c, struct l2tp_msg *m, uint8_t *buf, size_t cap, size_t *len)
{
	const struct cfg_l2tp_peer *pc = c->peer->cfg;
	struct l2tp_enc_opts o = {.rand = c->cm->x.random};
	struct l2tp_enc_info info;
	static const uint8_t hidden[] = {
		L2TP_AVP_SERIAL,   L2TP_AVP_PHYS_CHANNEL,   L2TP_AVP_LOCAL_SID, L2TP_AVP_REMOTE_SID,
		L2TP_AVP_COOKIE,   L2TP_AVP_REMOTE_END_ID,  L2TP_AVP_PW_TYPE,	L2TP_AVP_L2SS,
		L2TP_AVP_DATA_SEQ, L2TP_AVP_CIRCUIT_STATUS, L2TP_AVP_TX_SPEED,	L2TP_AVP_RX_SPEED,
	};
	unsigned int i;

	m->ccid = c->remote_ccid;
	if (c->auth) {
		o.n_digests = pc->n_secrets;
		o.digest_type = (uint8_t)pc->digest;
		if (pc->hide_avps) {
			o.hk = &c->peer->secrets[0].hide;
			for (i = 0; i < sizeof(hidden); i++)
				o.hide[hidden[i] / 64] |= UINT64_C(1) << (hidden[i] % 64);
		}
	}
	if (l2tp_msg_encode(m, &o, buf, cap, &info) < 0)
		return -1;
	*len = info.len;
	return 0;
}

int
l2tp_ccn_send(struct l2tp_ccn *c, struct l2tp_msg *m)
{
	uint8_t buf[L2TP_CTRL_MAX_LEN];
	size_t len;
	int rc;

	if (ccn_encode(c, m, buf, sizeof(buf), &len) < 0) {
		CP_LOG(ERR, "l2tp: %s: cannot encode %s", c->peer->cfg->name,
		       l2tp_msg_type_name(m->type));
		return -EINVAL;
	}
	rc = l2tp_rel_send(c->rel, buf, len, c->cm->now);
	if (rc == 0 && m->type < L2TP_MSG_TYPE_MAX)
		c->cm->st.tx_by_type[m->type]++;
	return rc;
}

/* An acknowledgement: ACK with a digest when authenticating, else a ZLB
 * (§6.15 allows a ZLB only without authentication). */
static void
ccn_send_ack(void *arg, uint16_t ns, uint16_t nr)
{
	struct l2tp_ccn *c = arg;
	uint8_t buf[L2TP_CTRL_HDR_LEN + 64];
	struct l2tp_msg m;
	size_t len;

	l2tp_msg_init(&m, c->auth ? L2TP_MSG_ACK : L2TP_MSG_ZLB);
	m.ns = ns;
	m.nr = nr;
	if (ccn_encode(c, &m, buf, sizeof(buf), &len) < 0)
		return;
	c->cm->st.tx_by_type[m.type]++;
	ccn_xmit(c, buf, len);
}

static struct l2tp_ccn *
ccn_new(struct l2tp_peer *peer, const struct l2tp_wire *w, bool initiator)
{
	struct l2tp_cm *cm = peer->cm;
	const struct cfg_l2tp_timers *t = &peer->cfg->t;
	struct l2tp_rel_cfg rc = {
		.rto_initial_ms = t->rto_initial_ms,
		.rto_max_ms = t->rto_max_ms,
		.max_retries = t->retries,
		.peer_window = L2TP_REL_DEFAULT_WINDOW,
		.our_window = (uint16_t)t->receive_window,
		/* room for a CDN of every session the switch can hold,
		 * however far behind the peer's window is */
		.max_queue = L2TP_MAX_QUEUE + 2 * peer->cm->cfg->dp.max_vcs,
	};
	struct l2tp_ccn *c = calloc(1, sizeof(*c));
	struct l2tp_rel_ops ops;

	if (c == NULL)
		return NULL;
	ops = (struct l2tp_rel_ops){.arg = c, .xmit = ccn_xmit, .send_ack = ccn_send_ack};
	c->rel = l2tp_rel_create(&rc, &ops);
	if (c->rel == NULL) {
		free(c);
		return NULL;
	}
	c->cm = cm;
	c->peer = peer;
	c->wire = *w;
	c->initiator = initiator;
	c->auth = ccn_auth_wanted(c);
	c->peer_secret = -1;
	c->peer_window = L2TP_REL_DEFAULT_WINDOW;
	c->last_rx = cm->now;
	TAILQ_INIT(&c->sessions);
	do
		c->local_ccid = l2tp_cm_random32(cm);
	while (c->local_ccid == 0 || l2tp_ccn_find(cm, c->local_ccid) != NULL);
	if (l2tp_cm_ccn_index(cm, c) < 0) {
		l2tp_rel_destroy(c->rel);
		free(c);
		return NULL;
	}
	if (c->auth)
		cm->x.random(c->nonce, sizeof(c->nonce));
	TAILQ_INSERT_TAIL(&cm->ccns, c, link);
	cm->st.connections++;
	return c;
}

/* What every SCCRQ and SCCRP says about us (§6.1, §6.2). */
static void
ccn_identity(struct l2tp_ccn *c, struct l2tp_msg *m)
{
	const struct cfg_l2tp *l = &c->cm->cfg->l2tp;

	snprintf(m->host_name, sizeof(m->host_name), "%s", c->cm->host_name);
	l2tp_msg_set(m, L2TP_AVP_HOST_NAME);
	m->router_id = l->router_id;
	l2tp_msg_set(m, L2TP_AVP_ROUTER_ID);
	m->assigned_ccid = c->local_ccid;
	l2tp_msg_set(m, L2TP_AVP_ASSIGNED_CCID);
	m->n_pw_caps = 2;
	m->pw_caps[0] = L2TP_PW_ETH;
	m->pw_caps[1] = L2TP_PW_ETH_VLAN;
	l2tp_msg_set(m, L2TP_AVP_PW_CAPS);
	m->recv_window = (uint16_t)c->peer->cfg->t.receive_window;
	l2tp_msg_set(m, L2TP_AVP_RECV_WINDOW);
	snprintf(m->vendor_name, sizeof(m->vendor_name), "vcswitch");
	l2tp_msg_set(m, L2TP_AVP_VENDOR_NAME);
	if (c->auth) {
		memcpy(m->nonce, c->nonce, sizeof(c->nonce));
		m->nonce_len = sizeof(c->nonce);
		l2tp_msg_set(m, L2TP_AVP_NONCE);
		c->nonce_sent = true;
	}
}

static void
ccn_hello_rearm(struct l2tp_ccn *c)
{
	uint32_t iv = c->peer->cfg->t.hello_interval_s * 1000u;

	/* jittered so that HELLOs of many connections spread (§4.4) */
	c->hello_at = iv == 0 ? 0 : c->cm->now + iv + l2tp_cm_random32(c->cm) % (iv / 8 + 1);
}

struct l2tp_ccn *
l2tp_ccn_open(struct l2tp_peer *peer)
{
	struct l2tp_ccn *c = ccn_new(peer, &peer->wire, true);
	struct l2tp_msg m;

	if (c == NULL)
		return NULL;
	c->st = CCN_WAIT_CTL_REPLY;
	peer->cm->x.random(c->tie, sizeof(c->tie));
	l2tp_msg_init(&m, L2TP_MSG_SCCRQ);
	ccn_identity(c, &m);
	memcpy(m.tie_breaker, c->tie, sizeof(c->tie));
	l2tp_msg_set(&m, L2TP_AVP_TIE_BREAKER);
	CP_LOG(INFO, "l2tp: %s: connecting (ccid %u)", peer->cfg->name, c->local_ccid);
	if (l2tp_ccn_send(c, &m) < 0) {
		l2tp_ccn_free(c);
		return NULL;
	}
	return c;
}

/* Put a connection that ended into its hold: it answers retransmissions
 * for a full cycle, then goes (§7.5). */
/* Another established connection to the peer, which new calls may use. */
static struct l2tp_ccn *
ccn_other(const struct l2tp_ccn *c)
{
	struct l2tp_ccn *o;

	TAILQ_FOREACH(o, &c->cm->ccns, link)
		if (o != c && o->peer == c->peer && o->st == CCN_ESTABLISHED)
			return o;
	return NULL;
}

static void
ccn_hold(struct l2tp_ccn *c, enum cm_status why)
{
	struct l2tp_peer *peer = c->peer;
	uint64_t hold = l2tp_rel_cycle_ms(c->rel);

	if (c->st == CCN_ESTABLISHED)
		c->cm->st.connections_closed++;
	else
		c->cm->st.connections_failed++;
	c->st = CCN_CLOSING;
	c->close_status = why;
	c->release_at = c->cm->now + (hold > STOP_HOLD_MIN_MS ? hold : STOP_HOLD_MIN_MS);
	if (peer->ccn == c)
		peer->ccn = ccn_other(c); /* e.g. the peer restarted without a StopCCN */
	l2tp_sess_conn_down(c, why);
	/* calls waiting for a connection fail with it, unless another one
	 * (won in a tie, or restarting after an even one) takes them */
	if (peer->ccn == NULL && !peer->restarting)
		l2tp_sess_fail_waiting(peer, why);
	/* a peer we keep connected to: again later */
	if (peer->cfg->initiate && !c->cm->stopping && peer->ccn == NULL && peer->reconnect_at == 0)
		peer->reconnect_at = c->cm->now + peer->reconnect_ms;
}

void
l2tp_ccn_stop(struct l2tp_ccn *c, uint16_t result, uint16_t error, const char *msg,
	      enum cm_status why)
{
	struct l2tp_msg m;

	if (c->st == CCN_CLOSING)
		return;
	CP_LOG(NOTICE, "l2tp: %s: closing connection %u: result %u error %u%s%s",
	       c->peer->cfg->name, c->local_ccid, result, error, msg != NULL ? ": " : "",
	       msg != NULL ? msg : "");
	c->stop_result = result;
	l2tp_msg_init(&m, L2TP_MSG_STOPCCN);
	m.result = result;
	m.error = error;
	m.has_error = error != L2TP_ERR_NONE || msg != NULL;
	if (msg != NULL) {
		snprintf(m.errmsg, sizeof(m.errmsg), "%s", msg);
		m.errmsg_len = (uint16_t)strlen(m.errmsg);
	}
	l2tp_msg_set(&m, L2TP_AVP_RESULT_CODE);
	/* §6.4: our CCID, which a peer that never learnt it needs */
	m.assigned_ccid = c->local_ccid;
	l2tp_msg_set(&m, L2TP_AVP_ASSIGNED_CCID);
	l2tp_ccn_send(c, &m);
	c->stop_sent = true;
	ccn_hold(c, why);
}

/* Why an SCCRQ or SCCRP cannot be accepted, or NULL (§7.2). */
static const char *
ccn_unacceptable(const struct l2tp_ccn *c, const struct l2tp_msg *m, uint16_t *result,
		 uint16_t *error)
{
	unsigned int i;
	int missing = l2tp_msg_missing(m);

	*result = L2TP_STOP_ERROR;
	*error = L2TP_ERR_RANGE;
	if (missing >= 0)
		return l2tp_avp_name((unsigned int)missing);
	*result = L2TP_STOP_NOT_AUTH;
	*error = L2TP_ERR_NONE;
	if (ccn_auth_wanted(c) && !l2tp_msg_has(m, L2TP_AVP_NONCE))
		return "authentication required";
	if (!ccn_auth_wanted(c) && l2tp_msg_has(m, L2TP_AVP_NONCE))
		return "authentication asked for, no secret configured";
	*result = L2TP_STOP_ERROR;
	*error = L2TP_ERR_RANGE;
	for (i = 0; i < m->n_pw_caps; i++)
		if (m->pw_caps[i] == L2TP_PW_ETH || m->pw_caps[i] == L2TP_PW_ETH_VLAN)
			return NULL;
	return "no Ethernet pseudowire type in common";
}

/* Learn the peer's side from its SCCRQ or SCCRP. */
static void
ccn_learn(struct l2tp_ccn *c, const struct l2tp_msg *m)
{
	c->remote_ccid = m->assigned_ccid;
	c->peer_router_id = m->router_id;
	snprintf(c->peer_host, sizeof(c->peer_host), "%s", m->host_name);
	c->n_pw_caps = m->n_pw_caps;
	memcpy(c->pw_caps, m->pw_caps, sizeof(c->pw_caps));
	c->peer_window =
		l2tp_msg_has(m, L2TP_AVP_RECV_WINDOW) ? m->recv_window : L2TP_REL_DEFAULT_WINDOW;
	l2tp_rel_set_peer_window(c->rel, c->peer_window);
	if (l2tp_msg_has(m, L2TP_AVP_NONCE)) {
		c->peer_nonce_len = m->nonce_len;
		memcpy(c->peer_nonce, m->nonce, m->nonce_len);
	}
}

static void
ccn_established(struct l2tp_ccn *c)
{
	struct l2tp_peer *peer = c->peer;

	c->st = CCN_ESTABLISHED;
	c->was_established = true;
	ccn_hello_rearm(c);
	peer->connections++;
	peer->reconnect_ms = L2TP_RECONNECT_MIN;
	peer->reconnect_at = 0;
	c->cm->st.connections_up++;
	if (peer->ccn == NULL || peer->ccn->st != CCN_ESTABLISHED)
		peer->ccn = c;
	CP_LOG(INFO, "l2tp: %s: connection %u/%u up (peer \"%s\", router id %u)", peer->cfg->name,
	       c->local_ccid, c->remote_ccid, c->peer_host, c->peer_router_id);
	l2tp_sess_place_waiting(c);
}

/* Tie breaking between our outstanding SCCRQ and the peer's (§5.4.3).
 * Returns 1 if the peer's SCCRQ wins (ours is discarded), 0 if ours wins,
 * -1 if both must restart. */
static int
ccn_tie(struct l2tp_ccn *ours, const struct l2tp_msg *theirs)
{
	int cmp;

	if (!l2tp_msg_has(theirs, L2TP_AVP_TIE_BREAKER))
		return 0; /* only we sent one: we win */
	cmp = memcmp(ours->tie, theirs->tie_breaker, sizeof(ours->tie));
	return cmp < 0 ? 0 : cmp > 0 ? 1 : -1;
}

/* Verify the digest of a message from c's peer, before anything in it
 * is used. An SCCRP carries the nonce its own digest covers. */
static bool
ccn_verify(struct l2tp_ccn *c, const uint8_t *msg, size_t len)
{
	uint32_t type = raw_type(msg, len);
	struct l2tp_avp_iter it;
	bool learning;
	struct l2tp_nonces n;
	struct l2tp_avp a;

	if (!c->auth)
		return true;
	if (type == L2TP_MSG_ZLB)
		return false; /* §6.15: no ZLB when authenticating */
	learning = type == L2TP_MSG_SCCRP && c->peer_nonce_len == 0;
	if (learning) {
		l2tp_avp_iter_init(&it, msg, len);
		while (l2tp_avp_next(&it, &a) == 1)
			if (a.vendor == 0 && a.type == L2TP_AVP_NONCE && !a.hidden &&
			    a.value_len <= sizeof(c->peer_nonce)) {
				memcpy(c->peer_nonce, a.value, a.value_len);
				c->peer_nonce_len = a.value_len;
			}
	}
	ccn_nonces(c, false, type, &n);
	c->peer_secret = l2tp_auth_verify(msg, len, c->peer->secrets, c->peer->cfg->n_secrets, &n);
	/* a nonce whose message did not verify is nobody's */
	if (learning && c->peer_secret < 0)
		c->peer_nonce_len = 0;
	return c->peer_secret >= 0;
}

static enum l2tp_dec
ccn_decode(struct l2tp_ccn *c, const uint8_t *msg, size_t len, struct l2tp_msg *m)
{
	const struct l2tp_hide_key *hk =
		c->auth && c->peer_secret >= 0 ? &c->peer->secrets[c->peer_secret].hide : NULL;

	return l2tp_msg_decode(msg, len, hk, m);
}

static bool
is_session_msg(uint16_t type)
{
	return (type >= L2TP_MSG_OCRQ && type <= L2TP_MSG_ICCN) || type == L2TP_MSG_CDN ||
	       type == L2TP_MSG_WEN || type == L2TP_MSG_SLI;
}

/* A connection-level message in sequence (§7.2). */
static void
ccn_process(struct l2tp_ccn *c, const struct l2tp_msg *m)
{
	uint16_t result, error;
	const char *why;

	switch (m->type) {
	case L2TP_MSG_SCCRP:
		if (c->st != CCN_WAIT_CTL_REPLY)
			break;
		/* a refusal goes to the peer's connection */
		if (l2tp_msg_has(m, L2TP_AVP_ASSIGNED_CCID))
			c->remote_ccid = m->assigned_ccid;
		why = ccn_unacceptable(c, m, &result, &error);
		if (why != NULL) {
			l2tp_ccn_stop(c, result, error, why, CM_NOT_ACCEPTED);
			return;
		}
		ccn_learn(c, m);
		{
			struct l2tp_msg scccn;

			l2tp_msg_init(&scccn, L2TP_MSG_SCCCN);
			l2tp_ccn_send(c, &scccn);
		}
		ccn_established(c);
		return;
	case L2TP_MSG_SCCCN:
		if (c->st != CCN_WAIT_CTL_CONN)
			break;
		ccn_established(c);
		return;
	case L2TP_MSG_STOPCCN:
		if (c->st == CCN_CLOSING)
			return; /* ours crossed it, or it is a retransmission */
		CP_LOG(NOTICE,
		       "l2tp: %s: connection %u closed by the peer: result %u error %u %.*s",
		       c->peer->cfg->name, c->local_ccid, m->result, m->error, (int)m->errmsg_len,
		       m->errmsg);
		c->stop_result = m->result;
		ccn_hold(c, CM_SUCCESS);
		return;
	case L2TP_MSG_HELLO:
		return;
	case L2TP_MSG_SCCRQ:
		break;
	default:
		if (is_session_msg(m->type)) {
			if (c->st == CCN_ESTABLISHED)
				l2tp_sess_input(c, m);
			return;
		}
		/* WEN-less types we do not know, M=0: ignored (§5.4.1) */
		if (!m->type_mandatory)
			return;
		l2tp_ccn_stop(c, L2TP_STOP_ERROR, L2TP_ERR_UNKNOWN_MANDATORY,
			      "unknown message type", CM_FAILURE);
		return;
	}
	/* SCCRQ, SCCRP or SCCCN where §7.2 has no place for it */
	l2tp_ccn_stop(c, L2TP_STOP_FSM, L2TP_ERR_NONE, l2tp_msg_type_name(m->type), CM_FAILURE);
}

/* A delivered message: decoded, then the connection's or a session's. */
static void
ccn_deliver(struct l2tp_ccn *c, const uint8_t *msg, size_t len)
{
	struct l2tp_msg m;
	char why[64];

	switch (ccn_decode(c, msg, len, &m)) {
	case L2TP_DEC_OK:
		break;
	case L2TP_DEC_BAD_HEADER:
		c->cm->st.rx_bad_header++;
		return;
	case L2TP_DEC_UNKNOWN_TYPE:
		l2tp_ccn_stop(c, L2TP_STOP_ERROR, L2TP_ERR_UNKNOWN_MANDATORY,
			      "unknown message type", CM_FAILURE);
		return;
	case L2TP_DEC_BAD_MANDATORY_AVP:
		snprintf(why, sizeof(why), "unknown mandatory AVP %u (vendor %u)", m.bad_avp_type,
			 m.bad_avp_vendor);
		if (is_session_msg(m.type) && c->st == CCN_ESTABLISHED) {
			l2tp_sess_reject(c, &m, L2TP_ERR_UNKNOWN_MANDATORY, why);
			return;
		}
		/* the StopCCN goes to the peer's connection if it said which */
		if (m.type == L2TP_MSG_SCCRP && c->st == CCN_WAIT_CTL_REPLY &&
		    l2tp_msg_has(&m, L2TP_AVP_ASSIGNED_CCID))
			c->remote_ccid = m.assigned_ccid;
		l2tp_ccn_stop(c, L2TP_STOP_ERROR, L2TP_ERR_UNKNOWN_MANDATORY, why, CM_FAILURE);
		return;
	}
	if (m.type < L2TP_MSG_TYPE_MAX)
		c->cm->st.rx_by_type[m.type]++;
	ccn_process(c, &m);
}

void
l2tp_ccn_input(struct l2tp_ccn *c, const struct l2tp_wire *w, const uint8_t *msg, size_t len)
{
	uint32_t type = raw_type(msg, len);
	const uint8_t *next;
	size_t next_len;

	if (!ccn_verify(c, msg, len)) {
		c->cm->st.rx_bad_digest++;
		return;
	}
	/* the responder may answer from another UDP port (§4.1.2.2), which
	 * is then the connection's: learnt once the message proved it is
	 * the peer's */
	if (c->st == CCN_WAIT_CTL_REPLY && c->wire.encap == L2TP_ENCAP_UDP)
		c->wire.remote_port = w->remote_port;
	c->last_rx = c->cm->now;
	if (c->st == CCN_ESTABLISHED)
		ccn_hello_rearm(c);
	switch (l2tp_rel_recv(c->rel, msg, len, type == L2TP_MSG_ZLB || type == L2TP_MSG_ACK,
			      c->cm->now)) {
	case L2TP_RX_DELIVER:
		ccn_deliver(c, msg, len);
		while ((next = l2tp_rel_pop(c->rel, &next_len)) != NULL)
			ccn_deliver(c, next, next_len);
		break;
	case L2TP_RX_ACK_ONLY:
		c->cm->st.rx_by_type[type]++;
		break;
	default:
		break;
	}
	l2tp_rel_flush(c->rel, c->cm->now);
	/* what the peer acknowledged made room for calls waiting */
	if (c->st == CCN_ESTABLISHED && !TAILQ_EMPTY(&c->peer->waiting))
		l2tp_sess_place_waiting(c);
}

void
l2tp_ccn_accept(struct l2tp_cm *cm, struct l2tp_peer *peer, const struct l2tp_wire *w,
		const uint8_t *msg, size_t len)
{
	struct l2tp_ccn probe = {.cm = cm, .peer = peer, .peer_secret = -1};
	struct l2tp_ccn *ours = peer->ccn, *c;
	uint16_t result, error;
	struct l2tp_msg m, reply;
	enum l2tp_dec dec;
	const char *why;
	int tie;

	/* the SCCRQ's digest covers the message alone (§5.4.1) */
	probe.auth = ccn_auth_wanted(&probe);
	if (!ccn_verify(&probe, msg, len)) {
		cm->st.rx_bad_digest++;
		return;
	}
	dec = ccn_decode(&probe, msg, len, &m);
	if (dec == L2TP_DEC_BAD_HEADER || dec == L2TP_DEC_UNKNOWN_TYPE ||
	    m.type != L2TP_MSG_SCCRQ) {
		cm->st.rx_no_connection++; /* CCID 0 is for an SCCRQ only */
		return;
	}
	/* the SCCRQ of a connection we took already, again: our SCCRP was
	 * lost; reliable delivery answers it */
	TAILQ_FOREACH(c, &cm->ccns, link)
		if (c->peer == peer && !c->initiator && m.assigned_ccid != 0 &&
		    c->remote_ccid == m.assigned_ccid) {
			l2tp_ccn_input(c, w, msg, len);
			return;
		}
	c = ccn_new(peer, w, false);
	if (c == NULL)
		return;
	c->peer_secret = probe.peer_secret;
	c->st = CCN_WAIT_CTL_CONN;
	c->remote_ccid = m.assigned_ccid;
	/* a refusal's digest covers the peer's nonce (§5.4.1) */
	if (l2tp_msg_has(&m, L2TP_AVP_NONCE)) {
		c->peer_nonce_len = m.nonce_len;
		memcpy(c->peer_nonce, m.nonce, m.nonce_len);
	}
	l2tp_rel_recv(c->rel, msg, len, false, cm->now);
	cm->st.rx_by_type[L2TP_MSG_SCCRQ]++;
	if (dec == L2TP_DEC_BAD_MANDATORY_AVP) {
		l2tp_ccn_stop(c, L2TP_STOP_ERROR, L2TP_ERR_UNKNOWN_MANDATORY,
			      l2tp_avp_name(m.bad_avp_type), CM_FAILURE);
		return;
	}
	/* A tie first (§7.2, wait-ctl-reply): the loser's own connection
	 * goes whether or not the winner's SCCRQ is acceptable. */
	if (ours != NULL && ours->st == CCN_WAIT_CTL_REPLY) {
		cm->st.tie_breaks++;
		tie = ccn_tie(ours, &m);
		if (tie == 0) {
			/* the winner tells the loser (§5.4.3) */
			l2tp_ccn_stop(c, L2TP_STOP_EXISTS, L2TP_ERR_NONE, "tie lost",
				      CM_NOT_ACCEPTED);
			return;
		}
		/* we lost, or both restart: ours goes at once and without a
		 * word (§5.4.3); the calls waiting for it wait on */
		CP_LOG(INFO, "l2tp: %s: connection tie %s", peer->cfg->name,
		       tie > 0 ? "lost" : "even: both restart");
		peer->ccn = tie > 0 ? c : NULL;
		/* an even tie: until we try again (l2tp_cm_service) */
		peer->restarting = true;
		l2tp_ccn_free(ours);
		peer->restarting = tie < 0;
		if (tie < 0) {
			/* again with a new tie breaker, at a random moment so
			 * that the next attempts do not cross again */
			peer->reconnect_at =
				cm->now + 1 + l2tp_cm_random32(cm) % L2TP_RECONNECT_MIN;
			l2tp_ccn_stop(c, L2TP_STOP_EXISTS, L2TP_ERR_NONE, "tie", CM_NOT_ACCEPTED);
			return;
		}
	}
	why = ccn_unacceptable(c, &m, &result, &error);
	if (why != NULL) {
		if (peer->ccn == c)
			peer->ccn = NULL;
		l2tp_ccn_stop(c, result, error, why, CM_NOT_ACCEPTED);
		return;
	}
	ccn_learn(c, &m);
	if (peer->ccn == NULL)
		peer->ccn = c;
	l2tp_msg_init(&reply, L2TP_MSG_SCCRP);
	ccn_identity(c, &reply);
	CP_LOG(INFO, "l2tp: %s: accepting connection %u (peer ccid %u)", peer->cfg->name,
	       c->local_ccid, c->remote_ccid);
	l2tp_ccn_send(c, &reply);
	l2tp_rel_flush(c->rel, cm->now);
}

uint64_t
l2tp_ccn_timer(struct l2tp_ccn *c)
{
	struct l2tp_cm *cm = c->cm;
	uint64_t next;

	if (l2tp_rel_timer(c->rel, cm->now) == -ETIMEDOUT) {
		if (c->st == CCN_CLOSING) {
			l2tp_ccn_free(c);
			return UINT64_MAX;
		}
		/* unacknowledged through every retry: cleared (§4.2, §4.4) */
		CP_LOG(WARNING, "l2tp: %s: connection %u: peer not answering", c->peer->cfg->name,
		       c->local_ccid);
		ccn_hold(c, CM_NO_ROUTE_TO_DESTINATION);
		c->release_at = cm->now;
	}
	if (c->st == CCN_CLOSING) {
		/* shutting down, only until our StopCCN of a connection that
		 * carried calls is acknowledged */
		if ((l2tp_rel_idle(c->rel) ||
		     (cm->stopping && (!c->was_established || !c->stop_sent))) &&
		    (cm->stopping || cm->now >= c->release_at)) {
			l2tp_ccn_free(c);
			return UINT64_MAX;
		}
		next = c->release_at;
	} else {
		if (c->st == CCN_ESTABLISHED && c->hello_at != 0 && cm->now >= c->hello_at) {
			struct l2tp_msg hello;

			l2tp_msg_init(&hello, L2TP_MSG_HELLO);
			l2tp_ccn_send(c, &hello);
			ccn_hello_rearm(c);
		}
		next = c->hello_at != 0 ? c->hello_at : UINT64_MAX;
	}
	l2tp_rel_flush(c->rel, cm->now);
	return min_u64(next, l2tp_rel_deadline(c->rel));
}

void
l2tp_ccn_free(struct l2tp_ccn *c)
{
	struct l2tp_cm *cm = c->cm;

	if (c->st != CCN_CLOSING)
		ccn_hold(c, CM_FAILURE);
	TAILQ_REMOVE(&cm->ccns, c, link);
	cm->st.connections--;
	l2tp_cm_ccn_unindex(cm, c);
	l2tp_rel_destroy(c->rel);
	free(c);
}

void
l2tp_ccn_orphan(struct l2tp_cm *cm, struct l2tp_peer *peer, const struct l2tp_wire *w,
		const uint8_t *msg, size_t len)
{
	uint32_t type = raw_type(msg, len);
	struct l2tp_ccn *c;
	struct l2tp_msg m;

	/* §7.2, idle: an SCCRP or SCCCN gets a StopCCN. With authentication
	 * nothing in it can be verified without the nonces of a connection
	 * we do not have: it is dropped, unanswered. */
	if ((type != L2TP_MSG_SCCRP && type != L2TP_MSG_SCCCN) || peer->cfg->n_secrets != 0 ||
	    cm->stopping || l2tp_msg_decode(msg, len, NULL, &m) != L2TP_DEC_OK)
		return;
	if (!l2tp_msg_has(&m, L2TP_AVP_ASSIGNED_CCID))
		m.assigned_ccid = 0;
	/* its retransmissions: the StopCCN on its way answers them */
	TAILQ_FOREACH(c, &cm->ccns, link)
		if (c->peer == peer && c->st == CCN_CLOSING && c->remote_ccid == m.assigned_ccid &&
		    !c->was_established)
			return;
	c = ccn_new(peer, w, false);
	if (c == NULL)
		return;
	c->remote_ccid = m.assigned_ccid;
	l2tp_rel_recv(c->rel, msg, len, false, cm->now);
	cm->st.rx_by_type[type]++;
	l2tp_ccn_stop(c, L2TP_STOP_FSM, L2TP_ERR_NONE, l2tp_msg_type_name(type), CM_FAILURE);
}
