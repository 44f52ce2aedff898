/* SPDX-License-Identifier: BSD-3-Clause */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <rte_telemetry.h>

#include "cfg.h"
#include "cfg_params.h"
#include "cm.h"
#include "dp.h"
#include "log.h"
#include "ss.h"

enum ss_state {
	SS_WAITING,   /* for its circuit's SAP and its ports' links */
	SS_OFFERED,   /* the client has not answered yet */
	SS_UP,	      /* connected */
	SS_CLOSING,   /* the client closes it; deactivation under way */
	SS_REJECTING, /* the client refused it; deactivation under way */
	SS_FAILED,    /* activation or the offer failed; retried on link up */
};

struct ss_session {
	struct ss *ss;
	char name[CFG_NAME_MAX];
	uint16_t ac_port, net_port;
	struct cm_call_params params;
	enum ss_state state;
	bool due; /* offer at the next service */
	struct cm_sap_h sap;
	struct cm_vc_h vc;   /* 0 without one */
	enum cm_status last; /* why it last went down or failed */
	uint64_t ups, downs;
};

/* A SAP the client registered with us, and the session on its circuit. */
struct ss_sap {
	struct ss *ss;
	struct cm_sap_h h;
	struct ss_session *s; /* NULL if none */
};

/* The sessions by circuit and PW type, sorted: one per circuit (config/). */
struct ss_by_circuit {
	uint64_t key;
	unsigned int i;
};

struct ss {
	struct core *core;
	struct dp *dp;
	struct cm_bind_h bind;
	struct cm_af_h af; /* the client's open of our AF */
	bool af_open;
	bool stopping;
	struct ss_session *sessions;
	struct ss_by_circuit *by_circuit;
	unsigned int n;
	bool dirty; /* a session may have a VC to delete or be due */
	/* A sweep of the sessions, in bounded slices: the control thread
	 * goes on answering the network and telemetry while a million
	 * sessions come up. */
	bool sweeping;
	bool again;	     /* this sweep left something due */
	unsigned int cursor; /* the next session this sweep looks at */
	unsigned int n_up, n_up_logged;
};

static struct ss *ss_telemetry; /* one MCM per process */
static const struct cm_party_h no_party;

static const char *const ss_state_names[] = {
	[SS_WAITING] = "waiting", [SS_OFFERED] = "offered",	[SS_UP] = "up",
	[SS_CLOSING] = "closing", [SS_REJECTING] = "rejecting", [SS_FAILED] = "failed",
};

/* A configured session as a permanent call's parameters. */
static void
ss_call_params(const struct cfg_session *s, struct cm_call_params *p)
{
	struct cm_l2tp_media *md = &p->media;

	memset(p, 0, sizeof(*p));
	p->flags = CM_CALL_PERMANENT_VC;
	cfg_params_flowspec(&s->qos_tx, &p->transmit);
	cfg_params_flowspec(&s->qos_rx, &p->receive);
	md->pw_type = s->pw_type;
	snprintf(md->remote_end_id, sizeof(md->remote_end_id), "%s", s->name);
	md->circuit.port = (uint16_t)s->ac_port;
	md->circuit.vlan = s->ac_vlan;
	md->circuit.inner_vlan = s->ac_inner_vlan;
	md->encap = s->encap;
	md->local = s->local;
	md->remote = s->remote;
	md->udp_local_port = s->udp_local_port;
	md->udp_remote_port = s->udp_remote_port;
	md->udp_checksum = s->udp_checksum;
	md->local_session_id = s->local_session_id;
	md->remote_session_id = s->remote_session_id;
	md->local_cookie_len = s->local_cookie_len;
	md->remote_cookie_len = s->remote_cookie_len;
	memcpy(md->local_cookie, s->local_cookie, sizeof(md->local_cookie));
	memcpy(md->remote_cookie, s->remote_cookie, sizeof(md->remote_cookie));
	md->l2ss_send = md->l2ss_recv = s->l2ss;
	md->seq_send = (s->seq & CFG_SEQ_SEND) != 0;
	md->seq_recv = (s->seq & CFG_SEQ_RECV) != 0;
}

static bool
ss_links_up(const struct ss_session *s)
{
	return dp_port_link_up(s->ss->dp, s->ac_port) && dp_port_link_up(s->ss->dp, s->net_port);
}

/* Ready to be offered (again), once service comes round. */
static void
ss_rearm(struct ss_session *s)
{
	s->due = !s->ss->stopping && !cm_handle_is_null(s->sap.v) && ss_links_up(s);
	s->ss->dirty = true;
}

static void
ss_fail(struct ss_session *s, const char *what, enum cm_status st)
{
	s->last = st;
	CP_LOG(ERR, "session %s: %s: %s", s->name, what, cm_status_name(st));
}

static void
ss_up(struct ss_session *s)
{
	s->state = SS_UP;
	s->ups++;
	s->ss->n_up++;
	mcm_dispatch_call_connected(s->ss->core, s->vc);
	CP_LOG(DEBUG, "session %s: up", s->name);
}

static void
ss_closing(struct ss_session *s)
{
	if (s->state == SS_UP)
		s->ss->n_up--;
	s->state = SS_CLOSING;
}

static void
ss_offer(struct ss_session *s)
{
	struct ss *ss = s->ss;
	struct cm_call_params p = s->params;
	enum cm_status st;

	s->due = false;
	ss->dirty = true; /* until it is up, the next service looks again */
	st = mcm_create_vc(ss->core, ss->bind, ss->af, s, &s->vc);
	if (st != CM_SUCCESS) {
		s->state = SS_FAILED;
		ss_fail(s, "no VC", st);
		return;
	}
	st = mcm_activate_vc(ss->core, s->vc, &p);
	if (st != CM_SUCCESS) {
		s->state = SS_FAILED; /* service deletes the VC */
		ss_fail(s, "activation refused", st);
		return;
	}
	s->state = SS_OFFERED;
	st = mcm_dispatch_incoming_call(ss->core, s->sap, s->vc, &p);
	if (st == CM_SUCCESS) {
		ss_up(s);
	} else if (st != CM_PENDING) {
		ss_fail(s, "refused by its circuit", st);
		s->state = SS_REJECTING;
		mcm_deactivate_vc(ss->core, s->vc);
	}
}

/* Walks the sessions only when one of them changed: with a million
 * configured, an idle walk per control loop would cost milliseconds. A
 * walk does at most SS_SERVICE_SLICE offers and deletions per call. */
bool
ss_service(struct ss *ss)
{
	unsigned int work = 0;

	if (!ss->sweeping) {
		if (!ss->dirty)
			return false;
		ss->dirty = false;
		ss->sweeping = true;
		ss->again = false;
		ss->cursor = 0;
	}
	for (; ss->cursor < ss->n && work < SS_SERVICE_SLICE; ss->cursor++) {
		struct ss_session *s = &ss->sessions[ss->cursor];

		/* A VC whose call is over goes; the MCM made it, it deletes it. */
		if (!cm_handle_is_null(s->vc.v) &&
		    (s->state == SS_WAITING || s->state == SS_FAILED)) {
			work++;
			if (mcm_delete_vc(ss->core, s->vc) == CM_SUCCESS)
				s->vc.v = 0;
			else
				ss->again = true;
		}
		if (s->due && cm_handle_is_null(s->vc.v) && ss->af_open && !ss->stopping) {
			work++;
			ss_offer(s);
		} else if (s->due) {
			ss->again = true;
		}
	}
	if (ss->cursor < ss->n)
		return true;
	ss->sweeping = false;
	ss->dirty |= ss->again;
	/* one line per sweep: per-session lines are at debug level */
	if (ss->n_up != ss->n_up_logged) {
		CP_LOG(INFO, "static sessions: %u of %u up", ss->n_up, ss->n);
		ss->n_up_logged = ss->n_up;
	}
	return false;
}

bool
ss_sweeping(const struct ss *ss)
{
	return ss->sweeping;
}

static enum cm_status
ss_open_af(void *bind_ctx, const struct cm_af *af, struct cm_af_h h, void **cm_af_ctx)
{
	struct ss *ss = bind_ctx;

	(void)af;
	if (ss->af_open)
		return CM_FAILURE; /* one client: the cross-connect */
	ss->af = h;
	ss->af_open = true;
	*cm_af_ctx = ss;
	return CM_SUCCESS;
}

static enum cm_status
ss_close_af(void *cm_af_ctx)
{
	struct ss *ss = cm_af_ctx;

	ss->af_open = false;
	ss->af.v = 0;
	return CM_SUCCESS;
}

static uint64_t
ss_circuit_key(const struct cm_circuit *c, enum l2tp_pw_type pw_type)
{
	return (uint64_t)pw_type << 48 | (uint64_t)c->port << 32 | (uint64_t)c->vlan << 16 |
	       c->inner_vlan;
}

static int
ss_by_circuit_cmp(const void *a, const void *b)
{
	const struct ss_by_circuit *x = a, *y = b;

	return x->key < y->key ? -1 : x->key > y->key;
}

static enum cm_status
ss_register_sap(void *cm_af_ctx, const struct cm_sap *sap, struct cm_sap_h h, void **cm_sap_ctx)
{
	struct ss *ss = cm_af_ctx;
	struct ss_sap *rec = malloc(sizeof(*rec));
	struct ss_by_circuit k = {.key = ss_circuit_key(&sap->circuit, sap->pw_type)};
	const struct ss_by_circuit *at;

	if (rec == NULL)
		return CM_RESOURCES;
	rec->ss = ss;
	rec->h = h;
	rec->s = NULL;
	*cm_sap_ctx = rec;
	at = bsearch(&k, ss->by_circuit, ss->n, sizeof(k), ss_by_circuit_cmp);
	if (at == NULL)
		return CM_SUCCESS;
	rec->s = &ss->sessions[at->i];
	rec->s->sap = h;
	if (rec->s->state == SS_WAITING || rec->s->state == SS_FAILED)
		ss_rearm(rec->s);
	return CM_SUCCESS;
}

/* Offered or connected calls stay; no new one is offered there. */
static enum cm_status
ss_deregister_sap(void *cm_sap_ctx)
{
	struct ss_sap *rec = cm_sap_ctx;

	if (rec->s != NULL && rec->s->sap.v == rec->h.v) {
		rec->s->sap.v = 0;
		rec->s->due = false;
	}
	free(rec);
	return CM_SUCCESS;
}

static enum cm_status
ss_close_call(void *cm_vc_ctx, void *cm_party_ctx, const void *data, size_t size)
{
	struct ss_session *s = cm_vc_ctx;

	(void)cm_party_ctx, (void)data, (void)size;
	if (s->state != SS_CLOSING)
		s->last = CM_SUCCESS; /* the client closes it of its own accord */
	ss_closing(s);
	/* the close completes once the VC is drained (deactivate_vc_complete) */
	return mcm_deactivate_vc(s->ss->core, s->vc);
}

static void
ss_incoming_call_complete(enum cm_status status, void *cm_vc_ctx, struct cm_call_params *p)
{
	struct ss_session *s = cm_vc_ctx;

	(void)p;
	if (status == CM_SUCCESS) {
		ss_up(s);
		return;
	}
	ss_fail(s, "refused by its circuit", status);
	s->state = SS_REJECTING;
	mcm_deactivate_vc(s->ss->core, s->vc);
}

static void
ss_deactivate_vc_complete(enum cm_status status, void *cm_vc_ctx)
{
	struct ss_session *s = cm_vc_ctx;

	(void)status;
	if (s->state == SS_REJECTING) {
		s->state = SS_FAILED;
		s->ss->dirty = true; /* its VC goes at the next service */
		return;
	}
	/* Deactivated first, then complete the close (model §9 #7). */
	s->state = SS_WAITING;
	mcm_close_call_complete(s->ss->core, CM_SUCCESS, s->vc, no_party);
	if (s->last == CM_SUCCESS)
		CP_LOG(DEBUG, "session %s: closed by its circuit", s->name);
	else
		CP_LOG(DEBUG, "session %s: down (%s)", s->name, cm_status_name(s->last));
	ss_rearm(s);
}

/* The client's new contract for a static session: re-activated at once. */
static enum cm_status
ss_modify_call_qos(void *cm_vc_ctx, struct cm_call_params *p)
{
	struct ss_session *s = cm_vc_ctx;
	enum cm_status st = mcm_activate_vc(s->ss->core, s->vc, p);

	if (st == CM_SUCCESS)
		s->params = *p;
	return st == CM_SUCCESS ? CM_SUCCESS : CM_INCOMPATIBLE_QOS;
}

static void
ss_link_status(void *bind_ctx, uint16_t port, bool up)
{
	struct ss *ss = bind_ctx;
	unsigned int i;

	for (i = 0; i < ss->n; i++) {
		struct ss_session *s = &ss->sessions[i];

		if (s->ac_port != port && s->net_port != port)
			continue;
		if (up) {
			if (s->state == SS_WAITING || s->state == SS_FAILED)
				ss_rearm(s);
		} else if (s->state == SS_UP || s->state == SS_OFFERED) {
			s->last = CM_STATUS_LINK_DOWN;
			s->downs++;
			ss_closing(s); /* the client's close follows */
			mcm_dispatch_incoming_close_call(ss->core, CM_STATUS_LINK_DOWN, s->vc, NULL,
							 0);
		} else {
			s->due = false;
		}
	}
}

/* Static sessions make no outgoing calls, parties or client VCs. */
static enum cm_status
ss_make_call(void *cm_vc_ctx, struct cm_call_params *p, struct cm_party_h party,
	     void **cm_party_ctx)
{
	(void)cm_vc_ctx, (void)p, (void)party, (void)cm_party_ctx;
	return CM_NOT_SUPPORTED;
}

static enum cm_status
ss_add_party(void *cm_vc_ctx, struct cm_call_params *p, struct cm_party_h party,
	     void **cm_party_ctx)
{
	(void)cm_vc_ctx, (void)p, (void)party, (void)cm_party_ctx;
	return CM_NOT_SUPPORTED;
}

static enum cm_status
ss_drop_party(void *cm_party_ctx, const void *data, size_t size)
{
	(void)cm_party_ctx, (void)data, (void)size;
	return CM_NOT_SUPPORTED;
}

static enum cm_status
ss_create_vc(void *cm_af_ctx, struct cm_vc_h vc, void **cm_vc_ctx)
{
	(void)cm_af_ctx, (void)vc, (void)cm_vc_ctx;
	return CM_NOT_SUPPORTED;
}

static enum cm_status
ss_delete_vc(void *cm_vc_ctx)
{
	(void)cm_vc_ctx;
	return CM_SUCCESS;
}

/* Activation is synchronous, and the AF close needs no answer here. */
static void
ss_activate_vc_complete(enum cm_status status, void *cm_vc_ctx, struct cm_call_params *p)
{
	(void)status, (void)cm_vc_ctx, (void)p;
}

static void
ss_notify_close_af_complete(void *cm_af_ctx, enum cm_status status)
{
	(void)cm_af_ctx, (void)status;
}

static const struct cm_handlers ss_handlers = {
	.open_af = ss_open_af,
	.close_af = ss_close_af,
	.register_sap = ss_register_sap,
	.deregister_sap = ss_deregister_sap,
	.make_call = ss_make_call,
	.close_call = ss_close_call,
	.incoming_call_complete = ss_incoming_call_complete,
	.add_party = ss_add_party,
	.drop_party = ss_drop_party,
	.modify_call_qos = ss_modify_call_qos,
	.activate_vc_complete = ss_activate_vc_complete,
	.deactivate_vc_complete = ss_deactivate_vc_complete,
	.notify_close_af_complete = ss_notify_close_af_complete,
	.create_vc = ss_create_vc,
	.delete_vc = ss_delete_vc,
	.link_status = ss_link_status,
};

static int
ss_tel_sessions(const char *cmd, const char *params, struct rte_tel_data *d)
{
	struct ss *ss = ss_telemetry;
	unsigned int i;
	char key[12];

	(void)cmd, (void)params;
	if (ss == NULL)
		return -ENODEV;
	rte_tel_data_start_dict(d); /* keyed by position: dp_telemetry_index() */
	for (i = 0; i < ss->n && i < 256; i++) {
		const struct ss_session *s = &ss->sessions[i];
		struct rte_tel_data *e = rte_tel_data_alloc();

		if (e == NULL)
			return -ENOMEM;
		rte_tel_data_start_dict(e);
		rte_tel_data_add_dict_string(e, "name", s->name);
		rte_tel_data_add_dict_string(e, "state", ss_state_names[s->state]);
		rte_tel_data_add_dict_u64(e, "ups", s->ups);
		rte_tel_data_add_dict_u64(e, "downs", s->downs);
		rte_tel_data_add_dict_string(e, "last", cm_status_name(s->last));
		rte_tel_data_add_dict_container(d, dp_telemetry_index(key, sizeof(key), i), e, 0);
	}
	return 0;
}

struct ss *
ss_create(struct core *core, struct dp *dp, const struct cfg *c)
{
	static const struct cm_af af = {.family = CM_AF_L2TP_STATIC, .major = 3};
	struct ss *ss = calloc(1, sizeof(*ss));
	unsigned int i;

	if (ss == NULL)
		return NULL;
	ss->core = core;
	ss->dp = dp;
	ss->n = c->n_sessions;
	ss->sessions = calloc(c->n_sessions > 0 ? c->n_sessions : 1, sizeof(*ss->sessions));
	ss->by_circuit = calloc(c->n_sessions > 0 ? c->n_sessions : 1, sizeof(*ss->by_circuit));
	if (ss->sessions == NULL || ss->by_circuit == NULL) {
		free(ss->sessions);
		free(ss->by_circuit);
		free(ss);
		return NULL;
	}
	for (i = 0; i < c->n_sessions; i++) {
		struct ss_session *s = &ss->sessions[i];

		s->ss = ss;
		snprintf(s->name, sizeof(s->name), "%s", c->sessions[i].name);
		s->ac_port = (uint16_t)c->sessions[i].ac_port;
		s->net_port = (uint16_t)c->sessions[i].net_port;
		s->last = CM_SUCCESS;
		ss_call_params(&c->sessions[i], &s->params);
		ss->by_circuit[i].key =
			ss_circuit_key(&s->params.media.circuit, s->params.media.pw_type);
		ss->by_circuit[i].i = i;
	}
	qsort(ss->by_circuit, ss->n, sizeof(*ss->by_circuit), ss_by_circuit_cmp);
	ss_telemetry = ss;
	dp_telemetry_register("/vcswitch/sessions", ss_tel_sessions,
			      "Static sessions: state, times up and down, last status");
	/* The client hears of the AF now: it opens it and registers SAPs,
	 * which arms the sessions of its circuits. */
	if (mcm_register(core, &ss_handlers, ss, &ss->bind) != CM_SUCCESS ||
	    mcm_register_af(core, ss->bind, &af) != CM_SUCCESS) {
		ss_destroy(ss);
		return NULL;
	}
	return ss;
}

unsigned int
ss_failed(const struct ss *ss)
{
	unsigned int i, n = 0;

	for (i = 0; i < ss->n; i++)
		n += ss->sessions[i].state == SS_FAILED;
	return n;
}

void
ss_stop(struct ss *ss)
{
	ss->stopping = true;
	for (unsigned int i = 0; i < ss->n; i++)
		ss->sessions[i].due = false;
	if (ss->af_open)
		mcm_notify_close_af(ss->core, ss->af);
}

bool
ss_idle(const struct ss *ss)
{
	unsigned int i;

	if (ss->af_open)
		return false;
	for (i = 0; i < ss->n; i++)
		if (!cm_handle_is_null(ss->sessions[i].vc.v))
			return false;
	return true;
}

void
ss_destroy(struct ss *ss)
{
	if (ss == NULL)
		return;
	if (!cm_handle_is_null(ss->bind.v) && core_deregister(ss->core, ss->bind) != CM_SUCCESS)
		CP_LOG(ERR, "static sessions: still in use at exit");
	if (ss_telemetry == ss)
		ss_telemetry = NULL;
	free(ss->sessions);
	free(ss->by_circuit);
	free(ss);
}
