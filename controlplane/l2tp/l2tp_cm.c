/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The L2TPv3 call manager's frame: registration with the core, the
 * client's SAPs, the configured peers, the lookup of connections and
 * sessions by our IDs, message input before any connection owns it, and
 * the timers. Control connections are l2tp_ccn.c's, sessions
 * l2tp_sess.c's.
 */
#define _GNU_SOURCE /* tdestroy */
#include <errno.h>
#include <search.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <rte_common.h>
#include <rte_jhash.h>

#include "log.h"
#include "l2tp_priv.h"

/* ---- indexes (tsearch: O(log n), no table to size) ---- */

static int
cmp_ccid(const void *a, const void *b)
{
	uint32_t x = ((const struct l2tp_ccn *)a)->local_ccid;
	uint32_t y = ((const struct l2tp_ccn *)b)->local_ccid;

	return x < y ? -1 : x > y;
}

static int
cmp_sid(const void *a, const void *b)
{
	uint32_t x = ((const struct l2tp_sess *)a)->local_sid;
	uint32_t y = ((const struct l2tp_sess *)b)->local_sid;

	return x < y ? -1 : x > y;
}

uint32_t
l2tp_cm_random32(struct l2tp_cm *cm)
{
	uint32_t v;

	cm->x.random(&v, sizeof(v));
	return v;
}

int
l2tp_cm_ccn_index(struct l2tp_cm *cm, struct l2tp_ccn *c)
{
	return tsearch(c, &cm->ccn_by_id, cmp_ccid) != NULL ? 0 : -ENOMEM;
}

void
l2tp_cm_ccn_unindex(struct l2tp_cm *cm, struct l2tp_ccn *c)
{
	tdelete(c, &cm->ccn_by_id, cmp_ccid);
}

struct l2tp_ccn *
l2tp_ccn_find(struct l2tp_cm *cm, uint32_t local_ccid)
{
	struct l2tp_ccn key = {.local_ccid = local_ccid};
	void *const *hit = tfind(&key, &cm->ccn_by_id, cmp_ccid);

	return hit != NULL ? *hit : NULL;
}

struct l2tp_sess *
l2tp_sess_find(struct l2tp_cm *cm, uint32_t local_sid)
{
	struct l2tp_sess key = {.local_sid = local_sid};
	void *const *hit = tfind(&key, &cm->sess_by_id, cmp_sid);

	return hit != NULL ? *hit : NULL;
}

/* Static sessions keep their configured IDs: ours avoid them. */
static bool
sid_static(const struct l2tp_cm *cm, uint32_t sid)
{
	unsigned int i;

	for (i = 0; i < cm->cfg->n_sessions; i++)
		if (cm->cfg->sessions[i].local_session_id == sid)
			return true;
	return false;
}

int
l2tp_sess_index(struct l2tp_cm *cm, struct l2tp_sess *s)
{
	/* random IDs make blind insertion harder (§8.2) */
	do
		s->local_sid = l2tp_cm_random32(cm);
	while (s->local_sid == 0 || l2tp_sess_find(cm, s->local_sid) != NULL ||
	       sid_static(cm, s->local_sid));
	return tsearch(s, &cm->sess_by_id, cmp_sid) != NULL ? 0 : -ENOMEM;
}

void
l2tp_sess_unindex(struct l2tp_cm *cm, struct l2tp_sess *s)
{
	tdelete(s, &cm->sess_by_id, cmp_sid);
}

/* ---- SAPs ---- */

uint32_t
l2tp_end_id_hash(const char *id, size_t len, uint32_t basis)
{
	/* rte_jhash loads 32-bit words: from an aligned copy, then */
	uint32_t words[L2TP_END_ID_MAX / sizeof(uint32_t)];

	len = RTE_MIN(len, sizeof(words));
	memcpy(words, id, len);
	return rte_jhash(words, (uint32_t)len, basis);
}

/* The first registered of the SAPs for the message's PW type and Remote
 * End ID that takes calls from this peer. */
const struct l2tp_sap *
l2tp_sap_match(struct l2tp_cm *cm, const struct l2tp_peer *peer, const struct l2tp_msg *m)
{
	struct hmap_node *n;
	uint32_t hash;

	if (!l2tp_msg_has(m, L2TP_AVP_REMOTE_END_ID) || m->end_id_len >= CM_REMOTE_END_ID_MAX)
		return NULL;
	hash = l2tp_end_id_hash((const char *)m->end_id, m->end_id_len, m->pw_type);
	HMAP_FOR_EACH_WITH_HASH(n, hash, &cm->saps_by_end_id)
	{
		const struct l2tp_sap *s = container_of(n, struct l2tp_sap, by_end_id);

		if (s->sap.pw_type == m->pw_type && strlen(s->sap.remote_end_id) == m->end_id_len &&
		    memcmp(s->sap.remote_end_id, m->end_id, m->end_id_len) == 0 &&
		    (s->sap.peer[0] == '\0' || strcmp(s->sap.peer, peer->cfg->name) == 0))
			return s;
	}
	return NULL;
}

/* ---- transport ---- */

static bool
test_drop(struct l2tp_cm *cm)
{
	unsigned int pct = cm->cfg->l2tp.drop_percent;

	return pct != 0 && l2tp_cm_random32(cm) % 100 < pct;
}

void
l2tp_cm_xmit(struct l2tp_cm *cm, const struct l2tp_wire *w, const uint8_t *msg, size_t len)
{
	cm->st.tx++;
	if (test_drop(cm)) {
		cm->st.tx_dropped_test++;
		return;
	}
	if (cm->x.send(cm->x.arg, w, msg, len) < 0)
		cm->st.tx_failed++;
}

static struct l2tp_peer *
peer_of(struct l2tp_cm *cm, const struct l2tp_wire *w)
{
	unsigned int i;

	for (i = 0; i < cm->n_peers; i++) {
		const struct l2tp_peer *p = &cm->peers[i];

		if (p->wire.encap == w->encap && addr_equal(&p->wire.remote, &w->remote) &&
		    addr_equal(&p->wire.local, &w->local) &&
		    (w->encap == L2TP_ENCAP_IP || p->wire.local_port == w->local_port))
			return &cm->peers[i];
	}
	return NULL;
}

void
l2tp_cm_input(struct l2tp_cm *cm, const struct l2tp_wire *w, const uint8_t *msg, size_t len,
	      uint64_t now_ms)
{
	struct l2tp_peer *peer;
	struct l2tp_ccn *c;
	struct l2tp_msg h;

	cm->now = now_ms;
	cm->st.rx++;
	if (test_drop(cm)) {
		cm->st.rx_dropped_test++;
		return;
	}
	if (l2tp_hdr_parse(msg, len, &h) < 0) {
		cm->st.rx_bad_header++;
		return;
	}
	len = h.length; /* what follows the message is not ours */
	peer = peer_of(cm, w);
	if (h.ccid != 0) {
		c = l2tp_ccn_find(cm, h.ccid);
		/* the peer's address, over the connection's transport; its UDP
		 * port may still change (l2tp_ccn_input) */
		if (c != NULL && c->wire.encap == w->encap &&
		    addr_equal(&c->wire.remote, &w->remote)) {
			l2tp_ccn_input(c, w, msg, len);
			return;
		}
		cm->st.rx_no_connection++;
		if (peer != NULL && c == NULL)
			l2tp_ccn_orphan(cm, peer, w, msg, len);
		return;
	}
	/* CCID 0: the peer knows none of ours, so an SCCRQ (§3.2.1) */
	if (peer == NULL) {
		/* not configured: dropped, not answered, so that nobody can
		 * make us send to an address of their choosing */
		cm->st.rx_unknown_peer++;
		return;
	}
	if (cm->stopping)
		return;
	l2tp_ccn_accept(cm, peer, w, msg, len);
}

/* ---- timers ---- */

int
l2tp_cm_service(struct l2tp_cm *cm, uint64_t now_ms)
{
	uint64_t next = now_ms + L2TP_SERVICE_MAX_MS, t;
	struct l2tp_ccn *c, *tmp;
	unsigned int i;

	cm->now = now_ms;
	for (i = 0; i < cm->n_peers && !cm->stopping; i++) {
		struct l2tp_peer *p = &cm->peers[i];

		if (p->reconnect_at == 0 || p->ccn != NULL)
			continue;
		if (now_ms < p->reconnect_at) {
			next = next < p->reconnect_at ? next : p->reconnect_at;
			continue;
		}
		p->reconnect_at = 0;
		p->restarting = false;
		p->ccn = l2tp_ccn_open(p);
		/* the next failure waits longer */
		p->reconnect_ms = p->reconnect_ms * 2 > L2TP_RECONNECT_MAX ? L2TP_RECONNECT_MAX
									   : p->reconnect_ms * 2;
		if (p->ccn == NULL)
			p->reconnect_at = now_ms + p->reconnect_ms;
	}
	for (c = TAILQ_FIRST(&cm->ccns); c != NULL; c = tmp) {
		tmp = TAILQ_NEXT(c, link);
		t = l2tp_ccn_timer(c); /* may free c */
		next = next < t ? next : t;
	}
	return next <= now_ms ? 0 : (int)(next - now_ms);
}

/* ---- the core's handlers ---- */

static enum cm_status
l2cm_open_af(void *bind_ctx, const struct cm_af *af, struct cm_af_h h, void **cm_af_ctx)
{
	struct l2tp_cm *cm = bind_ctx;

	(void)af;
	if (cm->af_open)
		return CM_FAILURE; /* one client: the cross-connect */
	cm->af = h;
	cm->af_open = true;
	*cm_af_ctx = cm;
	return CM_SUCCESS;
}

static enum cm_status
l2cm_close_af(void *cm_af_ctx)
{
	struct l2tp_cm *cm = cm_af_ctx;

	cm->af_open = false;
	cm->af.v = 0;
	return CM_SUCCESS;
}

static enum cm_status
l2cm_register_sap(void *cm_af_ctx, const struct cm_sap *sap, struct cm_sap_h h, void **cm_sap_ctx)
{
	struct l2tp_cm *cm = cm_af_ctx;
	struct l2tp_sap *s;

	if (sap->remote_end_id[0] == '\0' ||
	    (sap->pw_type != L2TP_PW_ETH && sap->pw_type != L2TP_PW_ETH_VLAN))
		return CM_INVALID_DATA;
	s = calloc(1, sizeof(*s));
	if (s == NULL)
		return CM_RESOURCES;
	s->cm = cm;
	s->sap = *sap;
	s->h = h;
	TAILQ_INSERT_TAIL(&cm->saps, s, link);
	hmap_insert(&cm->saps_by_end_id, &s->by_end_id,
		    l2tp_end_id_hash(sap->remote_end_id, strlen(sap->remote_end_id), sap->pw_type));
	*cm_sap_ctx = s;
	return CM_SUCCESS;
}

static enum cm_status
l2cm_deregister_sap(void *cm_sap_ctx)
{
	struct l2tp_sap *s = cm_sap_ctx;

	TAILQ_REMOVE(&s->cm->saps, s, link);
	hmap_remove(&s->cm->saps_by_end_id, &s->by_end_id);
	free(s);
	return CM_SUCCESS;
}

static enum cm_status
l2cm_add_party(void *cm_vc_ctx, struct cm_call_params *p, struct cm_party_h party,
	       void **cm_party_ctx)
{
	(void)cm_vc_ctx, (void)p, (void)party, (void)cm_party_ctx;
	return CM_NOT_SUPPORTED; /* pseudowires are point to point */
}

static enum cm_status
l2cm_drop_party(void *cm_party_ctx, const void *data, size_t size)
{
	(void)cm_party_ctx, (void)data, (void)size;
	return CM_NOT_SUPPORTED;
}

/* Activation is synchronous: nothing to complete. */
static void
l2cm_activate_vc_complete(enum cm_status status, void *cm_vc_ctx, struct cm_call_params *p)
{
	(void)status, (void)cm_vc_ctx, (void)p;
}

static void
l2cm_notify_close_af_complete(void *cm_af_ctx, enum cm_status status)
{
	(void)cm_af_ctx, (void)status;
}

static void
l2cm_link_status(void *bind_ctx, uint16_t port, bool up)
{
	l2tp_sess_link(bind_ctx, port, up);
}

static const struct cm_handlers l2cm_handlers = {
	.open_af = l2cm_open_af,
	.close_af = l2cm_close_af,
	.register_sap = l2cm_register_sap,
	.deregister_sap = l2cm_deregister_sap,
	.make_call = l2tp_sess_make_call,
	.close_call = l2tp_sess_close_call,
	.incoming_call_complete = l2tp_sess_incoming_call_complete,
	.add_party = l2cm_add_party,
	.drop_party = l2cm_drop_party,
	.modify_call_qos = l2tp_sess_modify_call_qos,
	.activate_vc_complete = l2cm_activate_vc_complete,
	.deactivate_vc_complete = l2tp_sess_deactivate_vc_complete,
	.notify_close_af_complete = l2cm_notify_close_af_complete,
	.create_vc = l2tp_sess_create_vc,
	.delete_vc = l2tp_sess_delete_vc,
	.link_status = l2cm_link_status,
};

/* ---- life ---- */

static int
peer_init(struct l2tp_cm *cm, struct l2tp_peer *p, const struct cfg_l2tp_peer *pc)
{
	unsigned int i;

	p->cm = cm;
	p->cfg = pc;
	p->wire.encap = pc->transport;
	p->wire.local = pc->local;
	p->wire.remote = pc->address;
	if (pc->transport == L2TP_ENCAP_UDP) {
		p->wire.local_port = pc->udp_local_port;
		p->wire.remote_port = pc->udp_remote_port;
	}
	p->reconnect_ms = L2TP_RECONNECT_MIN;
	p->reconnect_at = pc->initiate ? cm->now : 0;
	TAILQ_INIT(&p->waiting);
	for (i = 0; i < pc->n_secrets; i++)
		if (l2tp_secret_init(&p->secrets[i], pc->secrets[i], strlen(pc->secrets[i])) < 0)
			return -1;
	if (pc->transport == L2TP_ENCAP_UDP && cm->x.udp_port != NULL)
		cm->x.udp_port(cm->x.arg, pc->udp_local_port, true);
	return 0;
}

struct l2tp_cm *
l2tp_cm_create(struct core *core, const struct cfg *c, const struct l2tp_xport_ops *x,
	       uint64_t now_ms)
{
	static const struct cm_af af = {.family = CM_AF_L2TP, .major = 3};
	struct l2tp_cm *cm = calloc(1, sizeof(*cm));
	unsigned int i;

	if (cm == NULL)
		return NULL;
	cm->core = core;
	cm->cfg = c;
	cm->x = *x;
	cm->now = now_ms;
	TAILQ_INIT(&cm->saps);
	TAILQ_INIT(&cm->ccns);
	if (hmap_init(&cm->saps_by_end_id) < 0 || hmap_init(&cm->sess_by_peer_sid) < 0 ||
	    hmap_init(&cm->requests_by_end_id) < 0) {
		l2tp_cm_destroy(cm);
		return NULL;
	}
	if (c->l2tp.host_name[0] != '\0')
		snprintf(cm->host_name, sizeof(cm->host_name), "%s", c->l2tp.host_name);
	else if (gethostname(cm->host_name, sizeof(cm->host_name) - 1) < 0 ||
		 cm->host_name[0] == '\0')
		snprintf(cm->host_name, sizeof(cm->host_name), "vcswitch");
	cm->peers = calloc(c->l2tp.n_peers + 1, sizeof(*cm->peers));
	if (cm->peers == NULL) {
		l2tp_cm_destroy(cm);
		return NULL;
	}
	for (i = 0; i < c->l2tp.n_peers; i++, cm->n_peers++)
		if (peer_init(cm, &cm->peers[i], &c->l2tp.peers[i]) < 0) {
			CP_LOG(ERR, "l2tp: peer %s: cannot derive keys", c->l2tp.peers[i].name);
			l2tp_cm_destroy(cm);
			return NULL;
		}
	/* The client hears of the AF now: it opens it and registers its
	 * SAPs, and may make calls at once. */
	if (cm_register(core, &l2cm_handlers, cm, &cm->bind) != CM_SUCCESS ||
	    cm_register_af(core, cm->bind, &af) != CM_SUCCESS) {
		l2tp_cm_destroy(cm);
		return NULL;
	}
	return cm;
}

uint64_t
l2tp_cm_stop(struct l2tp_cm *cm, uint64_t now_ms)
{
	struct l2tp_ccn *c, *tmp;
	uint64_t last = now_ms;
	unsigned int i;

	cm->now = now_ms;
	cm->stopping = true;
	/* the client closes its calls (CDN each), the calls it is making
	 * fail, then the connections go */
	if (cm->af_open)
		cm_notify_close_af(cm->core, cm->af);
	for (i = 0; i < cm->n_peers; i++)
		l2tp_sess_fail_waiting(&cm->peers[i], CM_FAILURE);
	for (c = TAILQ_FIRST(&cm->ccns); c != NULL; c = tmp) {
		tmp = TAILQ_NEXT(c, link);
		if (c->st != CCN_CLOSING)
			l2tp_ccn_stop(c, L2TP_STOP_SHUTDOWN, L2TP_ERR_NONE, NULL, CM_FAILURE);
	}
	TAILQ_FOREACH(c, &cm->ccns, link)
		if (c->release_at > last)
			last = c->release_at;
	return last - now_ms;
}

bool
l2tp_cm_idle(const struct l2tp_cm *cm)
{
	return !cm->af_open && TAILQ_EMPTY(&cm->ccns) && cm->st.sessions == 0;
}

void
l2tp_cm_destroy(struct l2tp_cm *cm)
{
	struct l2tp_sap *s;
	struct l2tp_ccn *c;
	unsigned int i;

	if (cm == NULL)
		return;
	while ((c = TAILQ_FIRST(&cm->ccns)) != NULL)
		l2tp_ccn_free(c);
	while ((s = TAILQ_FIRST(&cm->saps)) != NULL) {
		TAILQ_REMOVE(&cm->saps, s, link);
		free(s);
	}
	if (!cm_handle_is_null(cm->bind.v) && core_deregister(cm->core, cm->bind) != CM_SUCCESS)
		CP_LOG(ERR, "l2tp: still in use at exit");
	for (i = 0; i < cm->n_peers; i++)
		if (cm->peers[i].cfg->transport == L2TP_ENCAP_UDP && cm->x.udp_port != NULL)
			cm->x.udp_port(cm->x.arg, cm->peers[i].cfg->udp_local_port, false);
	tdestroy(cm->sess_by_id, free);
	hmap_destroy(&cm->saps_by_end_id);
	hmap_destroy(&cm->sess_by_peer_sid);
	hmap_destroy(&cm->requests_by_end_id);
	free(cm->peers);
	free(cm);
}

void
l2tp_cm_get_stats(const struct l2tp_cm *cm, struct l2tp_cm_stats *st)
{
	*st = cm->st;
}
