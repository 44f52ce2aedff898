/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Sessions (RFC 3931 §3.4, §5.4.4, §7.3, §7.4) as calls in the core
 * (model §10): a peer's ICRQ or OCRQ is an incoming call dispatched to
 * the client's SAP for its Remote End ID; our client's make call is our
 * ICRQ or OCRQ; CDN, StopCCN and a lost connection are incoming closes;
 * a client's close is our CDN. The VC is active from the moment both
 * sides' parameters are known: before the offer for incoming calls
 * (model §5.4), on the reply for outgoing ones.
 */
#include <search.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <rte_common.h>
#include <rte_jhash.h>

#include "log.h"
#include "l2tp_priv.h"

#define CDN_INVALID_DEST 6 /* IANA: "Invalid destination" */

static const struct cm_party_h no_party;

static const char *const sess_state_names[] = {
	[SS_IDLE] = "idle",
	[SS_WAIT_CTL_CONN] = "wait-control-conn",
	[SS_WAIT_REPLY] = "wait-reply",
	[SS_OFFERED] = "offered",
	[SS_WAIT_CONNECT] = "wait-connect",
	[SS_ESTABLISHED] = "established",
	[SS_CLOSING] = "closing",
};

const char *
l2tp_sess_state_name(enum l2tp_sess_state s)
{
	return sess_state_names[s];
}

static bool
sess_sender(const struct l2tp_sess *s)
{
	return s->role == SR_ICRQ_SENDER || s->role == SR_OCRQ_SENDER;
}

static struct l2tp_sess *
sess_new(struct l2tp_cm *cm, enum l2tp_sess_role role)
{
	struct l2tp_sess *s = calloc(1, sizeof(*s));

	if (s == NULL)
		return NULL;
	s->cm = cm;
	s->role = role;
	s->our_cs = L2TP_CS_ACTIVE;
	s->peer_cs = L2TP_CS_ACTIVE;
	if (l2tp_sess_index(cm, s) < 0) {
		free(s);
		return NULL;
	}
	cm->st.sessions++;
	return s;
}

/* ---- indexes of attached sessions ---- */

static uint32_t
peer_sid_hash(const struct l2tp_ccn *c, uint32_t remote_sid)
{
	return rte_jhash_2words(remote_sid, c->local_ccid, 0);
}

static uint32_t
request_hash(const struct l2tp_ccn *c, const char *end_id, size_t len)
{
	return l2tp_end_id_hash(end_id, len, c->local_ccid);
}

static void
sess_index_peer_sid(struct l2tp_sess *s)
{
	if (s->ccn == NULL || s->remote_sid == 0 || s->in_by_peer_sid)
		return;
	hmap_insert(&s->cm->sess_by_peer_sid, &s->by_peer_sid,
		    peer_sid_hash(s->ccn, s->remote_sid));
	s->in_by_peer_sid = true;
}

static void
sess_index_request(struct l2tp_sess *s)
{
	const char *id = s->params.media.remote_end_id;

	hmap_insert(&s->cm->requests_by_end_id, &s->by_end_id,
		    request_hash(s->ccn, id, strnlen(id, CM_REMOTE_END_ID_MAX)));
	s->in_by_end_id = true;
}

static void
sess_unindex_attached(struct l2tp_sess *s)
{
	if (s->in_by_peer_sid)
		hmap_remove(&s->cm->sess_by_peer_sid, &s->by_peer_sid);
	if (s->in_by_end_id)
		hmap_remove(&s->cm->requests_by_end_id, &s->by_end_id);
	s->in_by_peer_sid = s->in_by_end_id = false;
}

/* The peer named its session: by this ID it finds ours. */
static void
sess_set_remote_sid(struct l2tp_sess *s, uint32_t sid)
{
	if (s->remote_sid == sid)
		return;
	if (s->in_by_peer_sid) {
		hmap_remove(&s->cm->sess_by_peer_sid, &s->by_peer_sid);
		s->in_by_peer_sid = false;
	}
	s->remote_sid = sid;
	sess_index_peer_sid(s);
}

/* Detach from its connection or waiting list. */
static void
sess_unlink(struct l2tp_sess *s)
{
	if (s->ccn != NULL) {
		sess_unindex_attached(s);
		TAILQ_REMOVE(&s->ccn->sessions, s, link);
		s->ccn->n_sessions--;
		s->ccn = NULL;
	} else if (s->st == SS_WAIT_CTL_CONN && s->peer != NULL) {
		TAILQ_REMOVE(&s->peer->waiting, s, link);
	}
}

static void
sess_free(struct l2tp_sess *s)
{
	sess_unlink(s);
	l2tp_sess_unindex(s->cm, s);
	s->cm->st.sessions--;
	free(s);
}

static void
sess_attach(struct l2tp_sess *s, struct l2tp_ccn *c)
{
	sess_unlink(s);
	s->ccn = c;
	TAILQ_INSERT_TAIL(&c->sessions, s, link);
	c->n_sessions++;
	sess_index_peer_sid(s);
	if (sess_sender(s))
		sess_index_request(s);
}

/* Whether a peer's Circuit Status lets us send to it: active and not on
 * standby (§5.4.5; RFC 5641 §2). */
static bool
sess_cs_up(uint16_t cs)
{
	return (cs & L2TP_CS_ACTIVE) && !(cs & L2TP_CS_STANDBY);
}

static bool
sess_can_talk(const struct l2tp_sess *s)
{
	return s->ccn != NULL && s->ccn->st == CCN_ESTABLISHED && !s->sent_cdn;
}

static void
sess_ids(const struct l2tp_sess *s, struct l2tp_msg *m)
{
	m->local_sid = s->local_sid;
	l2tp_msg_set(m, L2TP_AVP_LOCAL_SID);
	m->remote_sid = s->remote_sid;
	l2tp_msg_set(m, L2TP_AVP_REMOTE_SID);
}

static void
send_cdn(struct l2tp_ccn *c, uint32_t local_sid, uint32_t remote_sid, uint16_t result,
	 uint16_t error, const char *text)
{
	struct l2tp_msg m;

	l2tp_msg_init(&m, L2TP_MSG_CDN);
	m.result = result;
	m.error = error;
	m.has_error = error != L2TP_ERR_NONE || text != NULL;
	if (text != NULL) {
		snprintf(m.errmsg, sizeof(m.errmsg), "%s", text);
		m.errmsg_len = (uint16_t)strlen(m.errmsg);
	}
	l2tp_msg_set(&m, L2TP_AVP_RESULT_CODE);
	m.local_sid = local_sid;
	l2tp_msg_set(&m, L2TP_AVP_LOCAL_SID);
	m.remote_sid = remote_sid;
	l2tp_msg_set(&m, L2TP_AVP_REMOTE_SID);
	l2tp_ccn_send(c, &m);
}

/* Tell the peer this session is over, once. Not while shutting down:
 * the StopCCN that follows clears every session of the connection
 * (§3.3.2), one message where CDNs would be one per session, each to be
 * acknowledged before the process may go. */
static void
sess_cdn(struct l2tp_sess *s, uint16_t result, uint16_t error, const char *text)
{
	s->cdn_result = result;
	s->cdn_error = error;
	if (sess_can_talk(s) && !s->cm->stopping)
		send_cdn(s->ccn, s->local_sid, s->remote_sid, result, error, text);
	s->sent_cdn = true;
}

/* What the VC carries, from both sides' words. */
static void
sess_media_from_wire(struct l2tp_sess *s)
{
	struct cm_l2tp_media *md = &s->params.media;
	const struct l2tp_wire *w = &s->ccn->wire;

	md->encap = w->encap;
	md->local = w->local;
	md->remote = w->remote;
	md->udp_local_port = w->local_port;
	md->udp_remote_port = w->remote_port;
	/* data checksums: off over IPv4 (§4.1.2.3 allows it), required over
	 * IPv6 (RFC 8200) */
	md->udp_checksum = w->encap == L2TP_ENCAP_UDP && w->local.family == AF_INET6;
	md->local_session_id = s->local_sid;
	snprintf(md->peer, sizeof(md->peer), "%s", s->peer->cfg->name);
}

/* A contract no faster than rate (bytes/s): the circuit's own, if it
 * has a slower one. */
static void
sess_cap_rate(struct cm_flowspec *f, uint64_t rate)
{
	if (rate == 0)
		return;
	if (f->token_rate == CM_QOS_NOT_SPECIFIED || f->token_rate > rate) {
		f->token_rate = rate;
		if (f->peak_bandwidth != CM_QOS_NOT_SPECIFIED && f->peak_bandwidth < rate)
			f->peak_bandwidth = rate;
	}
	f->service_type = CM_SERVICETYPE_GUARANTEED;
}

/* The peer's words about how it wants to receive, and its circuit. */
static void
sess_learn(struct l2tp_sess *s, const struct l2tp_msg *m)
{
	struct cm_l2tp_media *md = &s->params.media;

	if (l2tp_msg_has(m, L2TP_AVP_LOCAL_SID)) {
		sess_set_remote_sid(s, m->local_sid);
		md->remote_session_id = m->local_sid;
	}
	if (l2tp_msg_has(m, L2TP_AVP_COOKIE)) {
		md->remote_cookie_len = m->cookie_len;
		memcpy(md->remote_cookie, m->cookie, m->cookie_len);
	}
	if (l2tp_msg_has(m, L2TP_AVP_L2SS))
		md->l2ss_send = m->l2ss == 1 ? L2TP_L2SS_DEFAULT : L2TP_L2SS_NONE;
	if (l2tp_msg_has(m, L2TP_AVP_DATA_SEQ))
		md->seq_send = m->data_seq != L2TP_SEQ_NONE;
	if (l2tp_msg_has(m, L2TP_AVP_CIRCUIT_STATUS))
		s->peer_cs = m->circuit_status;
	md->remote_circuit_down = !sess_cs_up(s->peer_cs);
	/* The peer's Tx speed is its circuit's egress, fed by what we send;
	 * its Rx speed what it sends us: contracts in both directions. */
	if (l2tp_msg_has(m, L2TP_AVP_TX_SPEED) && m->tx_speed != 0) {
		md->tx_connect_speed = m->tx_speed;
		sess_cap_rate(&s->params.transmit, m->tx_speed / 8);
	}
	/* without an Rx Connect Speed, the circuit is symmetric (§5.4.5) */
	if (l2tp_msg_has(m, L2TP_AVP_RX_SPEED) && m->rx_speed != 0) {
		md->rx_connect_speed = m->rx_speed;
		sess_cap_rate(&s->params.receive, m->rx_speed / 8);
	} else if (l2tp_msg_has(m, L2TP_AVP_TX_SPEED) && m->tx_speed != 0) {
		md->rx_connect_speed = m->tx_speed;
		sess_cap_rate(&s->params.receive, m->tx_speed / 8);
	}
}

/* Our words: the cookie, sublayer and sequencing we want to receive, our
 * circuit's status and speeds. */
static void
sess_offer_avps(const struct l2tp_sess *s, struct l2tp_msg *m)
{
	const struct cm_l2tp_media *md = &s->params.media;

	m->circuit_status = s->our_cs;
	l2tp_msg_set(m, L2TP_AVP_CIRCUIT_STATUS);
	m->cookie_len = md->local_cookie_len;
	memcpy(m->cookie, md->local_cookie, md->local_cookie_len);
	l2tp_msg_set(m, L2TP_AVP_COOKIE);
	m->l2ss = md->l2ss_recv == L2TP_L2SS_DEFAULT ? 1 : 0;
	l2tp_msg_set(m, L2TP_AVP_L2SS);
	m->data_seq = md->seq_recv ? L2TP_SEQ_ALL : L2TP_SEQ_NONE;
	l2tp_msg_set(m, L2TP_AVP_DATA_SEQ);
	if (s->params.receive.token_rate != CM_QOS_NOT_SPECIFIED &&
	    s->params.receive.token_rate != 0) {
		m->tx_speed = s->params.receive.token_rate * 8;
		l2tp_msg_set(m, L2TP_AVP_TX_SPEED);
	}
	if (s->params.transmit.token_rate != CM_QOS_NOT_SPECIFIED &&
	    s->params.transmit.token_rate != 0) {
		m->rx_speed = s->params.transmit.token_rate * 8;
		l2tp_msg_set(m, L2TP_AVP_RX_SPEED);
	}
}

/* Why the peer's session parameters cannot be carried, as a CDN result
 * (0: they can). l2ss: the sublayer the peer asked for before, which a
 * message without the L2SS AVP leaves as it was. */
static uint16_t
sess_unacceptable(const struct l2tp_msg *m, enum l2tp_l2ss l2ss, uint16_t *error, const char **why)
{
	int missing = l2tp_msg_missing(m);

	*error = L2TP_ERR_NONE;
	if (missing >= 0) {
		*error = L2TP_ERR_RANGE;
		*why = l2tp_avp_name((unsigned int)missing);
		return L2TP_CDN_ERROR;
	}
	if (l2tp_msg_has(m, L2TP_AVP_L2SS) && m->l2ss > 1) {
		*error = L2TP_ERR_RANGE;
		*why = "unsupported L2-Specific Sublayer";
		return L2TP_CDN_ERROR;
	}
	if (l2tp_msg_has(m, L2TP_AVP_L2SS))
		l2ss = m->l2ss == 1 ? L2TP_L2SS_DEFAULT : L2TP_L2SS_NONE;
	/* sequencing asked of us without a sublayer to carry it (§5.4.4) */
	if (l2tp_msg_has(m, L2TP_AVP_DATA_SEQ) && m->data_seq != L2TP_SEQ_NONE &&
	    l2ss != L2TP_L2SS_DEFAULT) {
		*why = "sequencing without an L2-Specific Sublayer";
		return L2TP_CDN_SEQ_WITHOUT_L2SS;
	}
	*why = NULL;
	return 0;
}

static void
sess_random_cookie(struct l2tp_sess *s, uint8_t len)
{
	struct cm_l2tp_media *md = &s->params.media;

	md->local_cookie_len = len;
	if (len != 0)
		s->cm->x.random(md->local_cookie, len);
}

/* Activate (or re-activate) the VC with what the peers agreed. */
static enum cm_status
sess_activate(struct l2tp_sess *s)
{
	struct cm_call_params p = s->params;
	enum cm_status st;

	st = cm_activate_vc(s->cm->core, s->vc, &p);
	if (st == CM_SUCCESS)
		s->active = true;
	return st;
}

/* ---- closing ---- */

/* The call is over on the wire: its client hears an incoming close
 * (model §4.4), or, for a make call still pending, its failure. */
static void
sess_end(struct l2tp_sess *s, enum cm_status why, const struct l2tp_msg *cdn)
{
	struct core *core = s->cm->core;
	uint8_t data[4 + L2TP_ERRMSG_MAX];
	size_t size = 0;

	s->sent_cdn = true; /* the peer knows, or cannot be told */
	if (cdn != NULL) {
		/* the disconnect data is the CDN's Result Code (§5.4.2) */
		data[0] = (uint8_t)(cdn->result >> 8);
		data[1] = (uint8_t)cdn->result;
		data[2] = (uint8_t)(cdn->error >> 8);
		data[3] = (uint8_t)cdn->error;
		memcpy(data + 4, cdn->errmsg, cdn->errmsg_len);
		size = 4 + cdn->errmsg_len;
		s->cdn_result = cdn->result;
		s->cdn_error = cdn->error;
	}
	if (why == CM_SUCCESS && (s->st == SS_WAIT_CTL_CONN || s->st == SS_WAIT_REPLY))
		why = CM_FAILURE; /* a make call cannot fail with SUCCESS */
	switch (s->st) {
	case SS_WAIT_CTL_CONN:
	case SS_WAIT_REPLY:
		s->cm->st.sessions_failed++;
		sess_unlink(s);
		s->st = SS_CLOSING;
		if (s->active) {
			s->after = AFTER_MAKE_CALL_FAIL;
			s->fail_status = why;
			cm_deactivate_vc(core, s->vc);
			return;
		}
		cm_make_call_complete(core, why, s->vc, no_party, NULL, &s->params);
		return;
	case SS_WAIT_CONNECT:
		if (s->role == SR_OCRQ_SENDER) {
			s->st = SS_WAIT_REPLY;
			sess_end(s, why, cdn);
			return;
		}
		/* fall through */
	case SS_OFFERED:
	case SS_ESTABLISHED:
		if (s->close_indicated)
			return;
		s->close_indicated = true;
		cm_dispatch_incoming_close_call(core, why, s->vc, size != 0 ? data : NULL, size);
		return;
	case SS_IDLE:
	case SS_CLOSING:
		return;
	}
}

/* A refused offer, or one whose acceptance we cannot carry: CDN, then the
 * VC goes once it is drained. */
static void
sess_refuse(struct l2tp_sess *s, uint16_t result, uint16_t error, const char *why)
{
	CP_LOG(NOTICE, "l2tp: %s: session %u: refused: CDN %u/%u %s", s->peer->cfg->name,
	       s->local_sid, result, error, why != NULL ? why : "");
	sess_cdn(s, result, error, why);
	s->cm->st.sessions_failed++;
	s->st = SS_CLOSING;
	s->after = AFTER_DELETE;
	if (cm_handle_is_null(s->vc.v)) {
		sess_free(s); /* refused before it had a VC */
		return;
	}
	if (s->active && cm_deactivate_vc(s->cm->core, s->vc) == CM_PENDING)
		return; /* l2tp_sess_deactivate_vc_complete deletes it */
	s->active = false;
	if (co_delete_vc(s->cm->core, s->cm->bind, s->vc) == CM_SUCCESS)
		sess_free(s);
}

static uint16_t
cdn_of_status(enum cm_status st)
{
	switch (st) {
	case CM_VC_NOT_AVAILABLE:
	case CM_RESOURCES:
		return L2TP_CDN_NO_FACILITIES_TEMP;
	case CM_NOT_ACCEPTED:
		return L2TP_CDN_ADMIN;
	case CM_INVALID_SAP:
	case CM_INVALID_ADDRESS:
		return CDN_INVALID_DEST;
	default:
		return L2TP_CDN_NO_FACILITIES_PERM;
	}
}

/* ---- incoming calls (we are the ICRQ or OCRQ recipient) ---- */

static void
sess_send_reply(struct l2tp_sess *s)
{
	struct l2tp_msg m;

	l2tp_msg_init(&m, s->role == SR_ICRQ_RECIPIENT ? L2TP_MSG_ICRP : L2TP_MSG_OCRP);
	sess_ids(s, &m);
	sess_offer_avps(s, &m);
	l2tp_ccn_send(s->ccn, &m);
	if (s->role == SR_ICRQ_RECIPIENT) {
		s->st = SS_WAIT_CONNECT;
		return;
	}
	/* OCRQ recipient: placing the call on an Ethernet circuit is
	 * immediate, so OCCN follows at once (§7.4) */
	l2tp_msg_init(&m, L2TP_MSG_OCCN);
	sess_ids(s, &m);
	l2tp_ccn_send(s->ccn, &m);
	s->st = SS_ESTABLISHED;
	s->cm->st.sessions_up++;
	cm_dispatch_call_connected(s->cm->core, s->vc);
}

/* The client took the call, perhaps with changed parameters. */
static void
sess_accepted(struct l2tp_sess *s, struct cm_call_params *p)
{
	enum cm_status st;

	if (p != NULL && (p->flags & CM_CALL_PARAMETERS_CHANGED)) {
		p->flags &= ~(uint32_t)CM_CALL_PARAMETERS_CHANGED;
		p->media.remote_circuit_down = s->params.media.remote_circuit_down;
		s->params = *p;
		st = sess_activate(s);
		if (st != CM_SUCCESS) {
			sess_cdn(s, L2TP_CDN_NO_FACILITIES_PERM, L2TP_ERR_NONE, cm_status_name(st));
			sess_end(s, CM_INCOMPATIBLE_QOS, NULL);
			return;
		}
	}
	sess_send_reply(s);
}

static void
sess_offer(struct l2tp_ccn *c, const struct l2tp_msg *m, enum l2tp_sess_role role)
{
	struct l2tp_cm *cm = c->cm;
	const struct l2tp_sap *sap;
	struct cm_call_params p;
	struct l2tp_sess *s;
	enum cm_status st;
	uint16_t result, error;
	const char *why;

	s = sess_new(cm, role);
	if (s == NULL) {
		send_cdn(c, l2tp_cm_random32(cm) | 1, m->local_sid, L2TP_CDN_NO_FACILITIES_TEMP,
			 L2TP_ERR_RESOURCES, NULL);
		return;
	}
	s->peer = c->peer;
	sess_attach(s, c);
	s->st = SS_OFFERED;
	cm_flowspec_none(&s->params.transmit);
	cm_flowspec_none(&s->params.receive);
	sess_media_from_wire(s);
	sess_learn(s, m);
	result = sess_unacceptable(m, L2TP_L2SS_NONE, &error, &why);
	sap = result == 0 ? l2tp_sap_match(cm, c->peer, m) : NULL;
	if (result == 0 && m->pw_type != L2TP_PW_ETH && m->pw_type != L2TP_PW_ETH_VLAN) {
		result = L2TP_CDN_PW_TYPE;
		why = "unsupported pseudowire type";
	} else if (result == 0 && sap == NULL) {
		result = CDN_INVALID_DEST;
		why = "no circuit with this Remote End ID";
	}
	if (result != 0 || !cm->af_open) {
		sess_refuse(s, result != 0 ? result : L2TP_CDN_NO_FACILITIES_TEMP, error, why);
		return;
	}
	s->params.media.pw_type = m->pw_type;
	memcpy(s->params.media.remote_end_id, m->end_id, m->end_id_len);
	s->params.media.circuit = sap->sap.circuit;
	s->params.media.l2ss_recv = sap->sap.l2ss;
	s->params.media.seq_recv = sap->sap.seq_recv;
	sess_random_cookie(s, sap->sap.cookie_len);
	s->our_cs = cm->x.link_up == NULL || cm->x.link_up(cm->x.arg, sap->sap.circuit.port)
			    ? L2TP_CS_ACTIVE
			    : 0;
	st = co_create_vc(cm->core, cm->bind, cm->af, s, &s->vc);
	if (st != CM_SUCCESS) {
		sess_cdn(s, L2TP_CDN_NO_FACILITIES_TEMP, L2TP_ERR_RESOURCES, NULL);
		sess_free(s);
		return;
	}
	s->cm_created = true;
	st = sess_activate(s);
	if (st != CM_SUCCESS) {
		sess_refuse(s, cdn_of_status(st), L2TP_ERR_NONE, cm_status_name(st));
		return;
	}
	p = s->params;
	st = cm_dispatch_incoming_call(cm->core, sap->h, s->vc, &p);
	if (st == CM_PENDING)
		return; /* l2tp_sess_incoming_call_complete */
	if (s->st != SS_OFFERED)
		return; /* closed inside the offer */
	if (st == CM_SUCCESS)
		sess_accepted(s, &p);
	else
		sess_refuse(s, cdn_of_status(st), L2TP_ERR_NONE, cm_status_name(st));
}

void
l2tp_sess_incoming_call_complete(enum cm_status status, void *cm_vc_ctx, struct cm_call_params *p)
{
	struct l2tp_sess *s = cm_vc_ctx;

	if (s->st != SS_OFFERED)
		return;
	if (status == CM_SUCCESS && sess_can_talk(s))
		sess_accepted(s, p);
	else
		sess_refuse(s, cdn_of_status(status), L2TP_ERR_NONE, cm_status_name(status));
}

/* ---- outgoing calls (we are the ICRQ or OCRQ sender) ---- */

/* 0, or what l2tp_ccn_send() returned: the connection's queue is full
 * (-ENOBUFS) or no memory. */
static int
sess_send_request(struct l2tp_sess *s)
{
	struct l2tp_msg m;

	l2tp_msg_init(&m, s->role == SR_ICRQ_SENDER ? L2TP_MSG_ICRQ : L2TP_MSG_OCRQ);
	m.local_sid = s->local_sid;
	l2tp_msg_set(&m, L2TP_AVP_LOCAL_SID);
	m.remote_sid = 0; /* not known yet (§5.4.4) */
	l2tp_msg_set(&m, L2TP_AVP_REMOTE_SID);
	m.serial = s->serial;
	l2tp_msg_set(&m, L2TP_AVP_SERIAL);
	m.pw_type = s->params.media.pw_type;
	l2tp_msg_set(&m, L2TP_AVP_PW_TYPE);
	m.end_id_len = (uint16_t)strnlen(s->params.media.remote_end_id, CM_REMOTE_END_ID_MAX);
	memcpy(m.end_id, s->params.media.remote_end_id, m.end_id_len);
	l2tp_msg_set(&m, L2TP_AVP_REMOTE_END_ID);
	memcpy(m.tie_breaker, s->tie, sizeof(s->tie));
	l2tp_msg_set(&m, L2TP_AVP_TIE_BREAKER);
	sess_offer_avps(s, &m);
	s->st = SS_WAIT_REPLY;
	sess_media_from_wire(s);
	return l2tp_ccn_send(s->ccn, &m);
}

/* Whether the peer listed this PW type in its capabilities: a request
 * for one it did not MUST NOT be sent (§5.4.4). */
static bool
sess_pw_supported(const struct l2tp_ccn *c, uint16_t pw_type)
{
	unsigned int i;

	for (i = 0; i < c->n_pw_caps; i++)
		if (c->pw_caps[i] == pw_type)
			return true;
	return false;
}

/* Whether c takes another request now (L2TP_PLACE_AHEAD). */
static bool
sess_room(const struct l2tp_ccn *c)
{
	return l2tp_rel_queued(c->rel) < L2TP_PLACE_AHEAD;
}

static int
sess_place(struct l2tp_sess *s, struct l2tp_ccn *c)
{
	sess_attach(s, c);
	return sess_send_request(s);
}

void
l2tp_sess_place_waiting(struct l2tp_ccn *c)
{
	struct l2tp_peer *peer = c->peer;
	struct l2tp_sess *s;

	if (peer->ccn != c)
		return;
	while ((s = TAILQ_FIRST(&peer->waiting)) != NULL && sess_room(c)) {
		if (!sess_pw_supported(c, s->params.media.pw_type))
			sess_end(s, CM_NOT_SUPPORTED, NULL);
		else if (sess_place(s, c) < 0)
			sess_end(s, CM_RESOURCES, NULL); /* no memory */
	}
}

enum cm_status
l2tp_sess_make_call(void *cm_vc_ctx, struct cm_call_params *p, struct cm_party_h party,
		    void **cm_party_ctx)
{
	struct l2tp_sess *s = cm_vc_ctx;
	struct l2tp_cm *cm = s->cm;
	const struct cm_l2tp_media *md = &p->media;
	unsigned int i;

	(void)party, (void)cm_party_ctx;
	if (p->flags & CM_CALL_MULTIPOINT_VC)
		return CM_NOT_SUPPORTED;
	if ((md->pw_type != L2TP_PW_ETH && md->pw_type != L2TP_PW_ETH_VLAN) ||
	    md->remote_end_id[0] == '\0' || md->local_cookie_len > 8 ||
	    (md->local_cookie_len != 0 && md->local_cookie_len != 4 && md->local_cookie_len != 8) ||
	    (md->seq_recv && md->l2ss_recv != L2TP_L2SS_DEFAULT))
		return CM_INVALID_DATA;
	s->peer = NULL;
	for (i = 0; i < cm->n_peers; i++)
		if (strcmp(cm->peers[i].cfg->name, md->peer) == 0)
			s->peer = &cm->peers[i];
	if (s->peer == NULL)
		return CM_INVALID_ADDRESS;
	s->role = p->flags & CM_CALL_OUTGOING ? SR_OCRQ_SENDER : SR_ICRQ_SENDER;
	s->params = *p;
	sess_random_cookie(s, md->local_cookie_len);
	s->serial = ++cm->next_serial;
	cm->x.random(s->tie, sizeof(s->tie));
	s->our_cs = cm->x.link_up == NULL || cm->x.link_up(cm->x.arg, md->circuit.port)
			    ? L2TP_CS_ACTIVE
			    : 0;
	if (s->peer->ccn != NULL && s->peer->ccn->st == CCN_ESTABLISHED) {
		if (!sess_pw_supported(s->peer->ccn, md->pw_type))
			return CM_NOT_SUPPORTED;
		if (TAILQ_EMPTY(&s->peer->waiting) && sess_room(s->peer->ccn)) {
			if (sess_place(s, s->peer->ccn) < 0) {
				sess_unlink(s);
				s->st = SS_IDLE;
				return CM_RESOURCES;
			}
			return CM_PENDING;
		}
	}
	s->st = SS_WAIT_CTL_CONN;
	TAILQ_INSERT_TAIL(&s->peer->waiting, s, link);
	/* room on the connection comes with the peer's acknowledgements;
	 * or a connection is coming: opened now, or by the service when a
	 * failed one's back-off ends, or by the peer if we do not initiate */
	if (s->peer->ccn == NULL && s->peer->cfg->initiate && s->peer->reconnect_at == 0)
		s->peer->ccn = l2tp_ccn_open(s->peer);
	return CM_PENDING;
}

/* The reply to our request (ICRP, OCRP) is acceptable: activate, then
 * connect (ICCN) or wait for the peer's connect (OCCN). */
static void
sess_reply(struct l2tp_sess *s, const struct l2tp_msg *m)
{
	uint16_t result, error;
	const char *why;
	enum cm_status st;

	/* a refusal's CDN names the peer's session */
	if (l2tp_msg_has(m, L2TP_AVP_LOCAL_SID))
		sess_set_remote_sid(s, m->local_sid);
	result = sess_unacceptable(m, L2TP_L2SS_NONE, &error, &why);
	if (result != 0) {
		sess_cdn(s, result, error, why);
		sess_end(s, CM_NOT_ACCEPTED, NULL);
		return;
	}
	sess_learn(s, m);
	/* OCRQ sender: no data before the peer's OCCN says it placed the
	 * call (§6.10), so no VC either */
	if (s->role == SR_OCRQ_SENDER) {
		s->st = SS_WAIT_CONNECT;
		return;
	}
	st = sess_activate(s);
	if (st != CM_SUCCESS) {
		sess_cdn(s, cdn_of_status(st), L2TP_ERR_NONE, cm_status_name(st));
		sess_end(s, st, NULL);
		return;
	}
	{
		struct l2tp_msg iccn;

		l2tp_msg_init(&iccn, L2TP_MSG_ICCN);
		sess_ids(s, &iccn);
		l2tp_ccn_send(s->ccn, &iccn);
	}
	s->st = SS_ESTABLISHED;
	s->cm->st.sessions_up++;
	cm_make_call_complete(s->cm->core, CM_SUCCESS, s->vc, no_party, NULL, &s->params);
}

/* ---- ties (§5.4.4) ---- */

/* Our request to the same peer for the same Remote End ID, still
 * unanswered. */
static struct l2tp_sess *
sess_tie_with(struct l2tp_ccn *c, const struct l2tp_msg *m)
{
	uint32_t hash = request_hash(c, (const char *)m->end_id, m->end_id_len);
	struct hmap_node *n;

	HMAP_FOR_EACH_WITH_HASH(n, hash, &c->cm->requests_by_end_id)
	{
		struct l2tp_sess *s = container_of(n, struct l2tp_sess, by_end_id);

		if (s->ccn == c && s->st == SS_WAIT_REPLY &&
		    strnlen(s->params.media.remote_end_id, CM_REMOTE_END_ID_MAX) == m->end_id_len &&
		    memcmp(s->params.media.remote_end_id, m->end_id, m->end_id_len) == 0)
			return s;
	}
	return NULL;
}

/* Returns true if the peer's request goes on (ours lost or ended). */
static bool
sess_tie(struct l2tp_ccn *c, struct l2tp_sess *ours, const struct l2tp_msg *m)
{
	int cmp = l2tp_msg_has(m, L2TP_AVP_TIE_BREAKER)
			  ? memcmp(ours->tie, m->tie_breaker, sizeof(ours->tie))
			  : -1; /* only we sent one: we win */

	c->cm->st.tie_breaks++;
	if (cmp < 0) {
		/* the winner answers the losing request with CDN 13 */
		send_cdn(c, l2tp_cm_random32(c->cm) | 1, m->local_sid, L2TP_CDN_TIE_LOST,
			 L2TP_ERR_NONE, NULL);
		return false;
	}
	if (cmp == 0) {
		/* a draw: both discard their requests and negotiate again
		 * with new tie breakers; ours goes again at once, under a new
		 * session ID, and the client's call is still being made */
		c->cm->x.random(ours->tie, sizeof(ours->tie));
		l2tp_sess_unindex(c->cm, ours);
		if (l2tp_sess_index(c->cm, ours) < 0 || sess_send_request(ours) < 0)
			sess_end(ours, CM_RESOURCES, NULL);
		return false;
	}
	/* we lost (the peer's CDN 13 for ours follows): ours goes */
	ours->sent_cdn = true;
	sess_end(ours, CM_NOT_ACCEPTED, NULL);
	return true;
}

/* ---- messages ---- */

/* The session a message is about: by our ID, or by the peer's when it
 * did not know ours yet (§5.4.4). */
static struct l2tp_sess *
sess_of(struct l2tp_ccn *c, const struct l2tp_msg *m)
{
	struct hmap_node *n;
	struct l2tp_sess *s;

	if (l2tp_msg_has(m, L2TP_AVP_REMOTE_SID) && m->remote_sid != 0) {
		s = l2tp_sess_find(c->cm, m->remote_sid);
		return s != NULL && s->ccn == c ? s : NULL;
	}
	if (!l2tp_msg_has(m, L2TP_AVP_LOCAL_SID))
		return NULL;
	HMAP_FOR_EACH_WITH_HASH(n, peer_sid_hash(c, m->local_sid), &c->cm->sess_by_peer_sid)
	{
		s = container_of(n, struct l2tp_sess, by_peer_sid);
		if (s->ccn == c && s->remote_sid == m->local_sid)
			return s;
	}
	return NULL;
}

/* A message the state has no place for: CDN, and the call ends. */
static void
sess_fsm_error(struct l2tp_sess *s, const struct l2tp_msg *m)
{
	sess_cdn(s, L2TP_CDN_FSM, L2TP_ERR_NONE, l2tp_msg_type_name(m->type));
	sess_end(s, CM_FAILURE, NULL);
}

/* The peer's circuit went up or down (SLI, §5.4.5): data toward a peer
 * whose circuit is not active stops. */
static void
sess_peer_circuit(struct l2tp_sess *s, const struct l2tp_msg *m)
{
	bool down = !sess_cs_up(m->circuit_status), was = s->params.media.remote_circuit_down;

	s->peer_cs = m->circuit_status;
	if (down == was)
		return;
	s->params.media.remote_circuit_down = down;
	if (s->active && sess_activate(s) != CM_SUCCESS)
		s->params.media.remote_circuit_down = was;
}

/* The peer's connect (ICCN, OCCN): what it says last applies, checked as
 * the request and reply were; then data flows both ways. */
static bool
sess_connect(struct l2tp_sess *s, const struct l2tp_msg *m)
{
	struct cm_call_params before = s->params;
	uint16_t result, error;
	const char *why;
	enum cm_status st;

	result = sess_unacceptable(m, s->params.media.l2ss_send, &error, &why);
	if (result != 0) {
		sess_cdn(s, result, error, why);
		sess_end(s, CM_NOT_ACCEPTED, NULL);
		return false;
	}
	sess_learn(s, m);
	/* the OCRQ sender's first activation; otherwise again only if the
	 * connect changed what the VC carries */
	st = s->active && memcmp(&before, &s->params, sizeof(before)) == 0 ? CM_SUCCESS
									   : sess_activate(s);
	if (st != CM_SUCCESS) {
		sess_cdn(s, cdn_of_status(st), L2TP_ERR_NONE, cm_status_name(st));
		sess_end(s, st, NULL);
		return false;
	}
	s->st = SS_ESTABLISHED;
	s->cm->st.sessions_up++;
	return true;
}

void
l2tp_sess_input(struct l2tp_ccn *c, const struct l2tp_msg *m)
{
	struct l2tp_sess *s, *ours;

	if (m->type == L2TP_MSG_ICRQ || m->type == L2TP_MSG_OCRQ) {
		ours = l2tp_msg_has(m, L2TP_AVP_REMOTE_END_ID) ? sess_tie_with(c, m) : NULL;
		if (ours != NULL && !sess_tie(c, ours, m))
			return;
		/* a second request for a session the peer already has */
		s = l2tp_msg_has(m, L2TP_AVP_LOCAL_SID) ? sess_of(c, m) : NULL;
		if (s != NULL && s->st != SS_CLOSING) {
			sess_fsm_error(s, m);
			return;
		}
		sess_offer(c, m, m->type == L2TP_MSG_ICRQ ? SR_ICRQ_RECIPIENT : SR_OCRQ_RECIPIENT);
		return;
	}
	s = sess_of(c, m);
	if (s == NULL) {
		/* §7.3.2: an ICRP for no session gets a CDN; the rest is
		 * cleaned up, i.e. ignored */
		if ((m->type == L2TP_MSG_ICRP || m->type == L2TP_MSG_OCRP) &&
		    l2tp_msg_has(m, L2TP_AVP_LOCAL_SID))
			send_cdn(c, l2tp_cm_random32(c->cm) | 1, m->local_sid, L2TP_CDN_FSM,
				 L2TP_ERR_SESSION_ID, NULL);
		return;
	}
	switch (m->type) {
	case L2TP_MSG_CDN:
		CP_LOG(INFO, "l2tp: %s: session %u closed by the peer: result %u error %u %.*s",
		       c->peer->cfg->name, s->local_sid, m->result, m->error, (int)m->errmsg_len,
		       m->errmsg);
		sess_end(s, CM_SUCCESS, m);
		return;
	case L2TP_MSG_SLI:
		if (l2tp_msg_has(m, L2TP_AVP_CIRCUIT_STATUS))
			sess_peer_circuit(s, m);
		return;
	case L2TP_MSG_WEN:
		return; /* circuit errors: nothing of ours to act on */
	case L2TP_MSG_ICRP:
	case L2TP_MSG_OCRP:
		if (s->st == SS_WAIT_REPLY &&
		    (m->type == L2TP_MSG_ICRP) == (s->role == SR_ICRQ_SENDER)) {
			sess_reply(s, m);
			return;
		}
		break;
	case L2TP_MSG_ICCN:
		if (s->st == SS_WAIT_CONNECT && s->role == SR_ICRQ_RECIPIENT) {
			if (sess_connect(s, m))
				cm_dispatch_call_connected(s->cm->core, s->vc);
			return;
		}
		if (s->st == SS_WAIT_REPLY && s->role == SR_ICRQ_SENDER) {
			sess_end(s, CM_FAILURE, NULL); /* §7.3.1: clean up */
			return;
		}
		break;
	case L2TP_MSG_OCCN:
		if (s->st == SS_WAIT_CONNECT && s->role == SR_OCRQ_SENDER) {
			if (sess_connect(s, m))
				cm_make_call_complete(s->cm->core, CM_SUCCESS, s->vc, no_party,
						      NULL, &s->params);
			return;
		}
		break;
	default:
		return;
	}
	if (s->st != SS_CLOSING)
		sess_fsm_error(s, m);
}

void
l2tp_sess_reject(struct l2tp_ccn *c, const struct l2tp_msg *m, uint16_t error, const char *why)
{
	struct l2tp_sess *s = sess_of(c, m);

	if (s != NULL && s->st != SS_CLOSING &&
	    (m->type != L2TP_MSG_ICRQ && m->type != L2TP_MSG_OCRQ)) {
		sess_cdn(s, L2TP_CDN_ERROR, error, why);
		sess_end(s, CM_FAILURE, NULL);
		return;
	}
	if (l2tp_msg_has(m, L2TP_AVP_LOCAL_SID) && m->local_sid != 0 && m->type != L2TP_MSG_CDN)
		send_cdn(c, l2tp_cm_random32(c->cm) | 1, m->local_sid, L2TP_CDN_ERROR, error, why);
}

void
l2tp_sess_conn_down(struct l2tp_ccn *c, enum cm_status why)
{
	struct l2tp_sess *s, *next;

	for (s = TAILQ_FIRST(&c->sessions); s != NULL; s = next) {
		next = TAILQ_NEXT(s, link);
		sess_end(s, why, NULL);
	}
	/* what is still closing keeps going without its connection */
	while ((s = TAILQ_FIRST(&c->sessions)) != NULL)
		sess_unlink(s);
}

void
l2tp_sess_fail_waiting(struct l2tp_peer *peer, enum cm_status why)
{
	struct l2tp_sess *s;

	while ((s = TAILQ_FIRST(&peer->waiting)) != NULL)
		sess_end(s, why, NULL);
}

void
l2tp_sess_link(struct l2tp_cm *cm, uint16_t port, bool up)
{
	uint16_t cs = up ? L2TP_CS_ACTIVE : 0;
	struct l2tp_ccn *c;
	struct l2tp_sess *s;
	struct l2tp_msg m;
	unsigned int i;

	/* calls not yet placed say so in their request */
	for (i = 0; i < cm->n_peers; i++)
		TAILQ_FOREACH(s, &cm->peers[i].waiting, link)
			if (s->params.media.circuit.port == port)
				s->our_cs = cs;
	TAILQ_FOREACH(c, &cm->ccns, link)
		TAILQ_FOREACH(s, &c->sessions, link) {
			if (s->params.media.circuit.port != port || s->our_cs == cs)
				continue;
			s->our_cs = cs;
			if (!sess_can_talk(s) || s->st == SS_WAIT_CTL_CONN)
				continue;
			l2tp_msg_init(&m, L2TP_MSG_SLI);
			sess_ids(s, &m);
			m.circuit_status = cs;
			l2tp_msg_set(&m, L2TP_AVP_CIRCUIT_STATUS);
			l2tp_ccn_send(c, &m);
		}
}

/* ---- the core's handlers ---- */

enum cm_status
l2tp_sess_close_call(void *cm_vc_ctx, void *cm_party_ctx, const void *data, size_t size)
{
	struct l2tp_sess *s = cm_vc_ctx;

	(void)cm_party_ctx, (void)data, (void)size;
	if (!s->sent_cdn)
		CP_LOG(INFO, "l2tp: %s: session %u closed by its circuit", s->peer->cfg->name,
		       s->local_sid);
	sess_cdn(s, L2TP_CDN_ADMIN, L2TP_ERR_NONE, NULL);
	if (s->st == SS_ESTABLISHED)
		s->cm->st.sessions_closed++;
	s->st = SS_CLOSING;
	s->after = AFTER_CLOSE;
	if (!s->active)
		return CM_SUCCESS;
	/* the close completes once the VC is drained (model §9 #7) */
	return cm_deactivate_vc(s->cm->core, s->vc);
}

void
l2tp_sess_deactivate_vc_complete(enum cm_status status, void *cm_vc_ctx)
{
	struct l2tp_sess *s = cm_vc_ctx;
	struct core *core = s->cm->core;

	(void)status;
	s->active = false;
	switch (s->after) {
	case AFTER_MAKE_CALL_FAIL:
		/* the client deletes its VC, and with it s, on the failure */
		cm_make_call_complete(core, s->fail_status, s->vc, no_party, NULL, &s->params);
		return;
	case AFTER_CLOSE:
		if (!s->cm_created) {
			/* the client deletes its VC, and with it s, once closed */
			cm_close_call_complete(core, CM_SUCCESS, s->vc, no_party);
			return;
		}
		cm_close_call_complete(core, CM_SUCCESS, s->vc, no_party);
		break;
	case AFTER_DELETE:
		break;
	}
	/* ours to delete */
	if (co_delete_vc(core, s->cm->bind, s->vc) == CM_SUCCESS)
		sess_free(s);
}

enum cm_status
l2tp_sess_modify_call_qos(void *cm_vc_ctx, struct cm_call_params *p)
{
	struct l2tp_sess *s = cm_vc_ctx;
	enum cm_status st;

	if (!s->active)
		return CM_VC_NOT_ACTIVATED;
	p->media = s->params.media; /* the contract changes, nothing else */
	st = cm_activate_vc(s->cm->core, s->vc, p);
	if (st != CM_SUCCESS)
		return CM_INCOMPATIBLE_QOS;
	s->params = *p;
	return CM_SUCCESS;
}

enum cm_status
l2tp_sess_create_vc(void *cm_af_ctx, struct cm_vc_h vc, void **cm_vc_ctx)
{
	struct l2tp_sess *s = sess_new(cm_af_ctx, SR_ICRQ_SENDER);

	if (s == NULL)
		return CM_RESOURCES;
	s->vc = vc;
	s->st = SS_IDLE;
	*cm_vc_ctx = s;
	return CM_SUCCESS;
}

enum cm_status
l2tp_sess_delete_vc(void *cm_vc_ctx)
{
	sess_free(cm_vc_ctx);
	return CM_SUCCESS;
}
