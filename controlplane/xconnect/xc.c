/* SPDX-License-Identifier: BSD-3-Clause */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/queue.h>

#include <rte_telemetry.h>

#include "dp.h"
#include "log.h"
#include "xc.h"

#define XC_MAX_AFS 4

struct xc;
struct xc_af;

/* A VC: one a call manager made toward us, or ours for a call we make;
 * it carries at most one call on one of our circuits. */
struct xc_vc {
	struct xc_af *af;
	struct cm_vc_h vc;
	int circuit; /* -1 without a call */
	bool ours;   /* we made it: we delete it */
	TAILQ_ENTRY(xc_vc) link;
};

/* One circuit's SAP in one address family. */
struct xc_sap {
	struct xc_af *af;
	unsigned int circuit;
	struct cm_sap_h h;
	bool registered;
};

struct xc_af {
	struct xc *x;
	struct cm_af af;
	struct cm_af_h h;
	bool open;
	bool closing; /* the call manager asked us to let go */
	struct xc_sap *saps;
	TAILQ_HEAD(, xc_vc) vcs;
};

enum xc_circ_state {
	CIRC_FREE,
	CIRC_CALLING, /* our make call is pending */
	CIRC_OFFERED,
	CIRC_CONNECTED,
	CIRC_CLOSING,
};

struct xc_circ {
	struct xc_circuit def;
	enum xc_circ_state state;
	struct xc_vc *vc;
	uint64_t calls, rejected, failed;
	uint64_t call_at;  /* circuits that call: when to (again) */
	uint32_t retry_ms; /* back-off after failures */
};

struct xc {
	struct core *c;
	struct cm_bind_h bind;
	struct xc_circ *circs;
	unsigned int n_circs;
	struct xc_af afs[XC_MAX_AFS];
	unsigned int n_afs;
	uint64_t now;
	/* The circuits are scanned for calls to make only when one may be
	 * due: at scan_at, the earliest retry, or after rescan is set by
	 * what lets a call go sooner (a circuit free, a SAP registered). */
	uint64_t scan_at;
	bool rescan;
	/* A pass makes at most XC_CALLS_PER_TURN calls per turn of the
	 * control thread, which has messages and timers to serve too; the
	 * next turn goes on from cursor. pass_next: the earliest retry the
	 * pass has seen. */
	unsigned int cursor;
	uint64_t pass_next;
};

static const struct cm_party_h no_party;

static void
xc_register_saps(struct xc_af *a)
{
	struct xc *x = a->x;
	enum cm_status st;
	unsigned int i;

	a->open = true;
	x->rescan = true;
	for (i = 0; i < x->n_circs; i++) {
		const struct xc_circuit *d = &x->circs[i].def;
		struct xc_sap *s = &a->saps[i];
		struct cm_sap sap = {
			.pw_type = d->pw_type,
			.circuit = d->circuit,
			.cookie_len = d->cookie_len,
			.l2ss = d->l2ss,
			.seq_recv = d->seq_recv,
		};

		if (d->family != a->af.family)
			continue;
		memcpy(sap.remote_end_id, d->name, sizeof(sap.remote_end_id));
		memcpy(sap.peer, d->peer, sizeof(sap.peer));
		st = cl_register_sap(x->c, a->h, s, &sap, &s->h);
		if (st == CM_SUCCESS)
			s->registered = true;
		else if (st != CM_PENDING)
			CP_LOG(ERR, "circuit %s: SAP refused by AF %u: %s", x->circs[i].def.name,
			       a->af.family, cm_status_name(st));
	}
}

/* Once its calls and SAPs are gone, an AF being closed goes too; the
 * core then completes the call manager's notification. */
static void
xc_af_try_close(struct xc_af *a)
{
	unsigned int i;

	if (!a->closing || !a->open || !TAILQ_EMPTY(&a->vcs))
		return;
	for (i = 0; i < a->x->n_circs; i++)
		if (a->saps[i].registered)
			return;
	if (cl_close_af(a->x->c, a->h) == CM_SUCCESS)
		a->open = false;
}

static void
xc_af_register_notify(void *bind_ctx, const struct cm_af *af)
{
	struct xc *x = bind_ctx;
	struct xc_af *a;
	enum cm_status st;

	if (af->family != CM_AF_L2TP && af->family != CM_AF_L2TP_STATIC)
		return;
	if (x->n_afs == XC_MAX_AFS) {
		CP_LOG(ERR, "cross-connect: too many address families");
		return;
	}
	a = &x->afs[x->n_afs++];
	a->x = x;
	a->af = *af;
	TAILQ_INIT(&a->vcs);
	a->saps = calloc(x->n_circs, sizeof(*a->saps));
	for (unsigned int i = 0; a->saps != NULL && i < x->n_circs; i++) {
		a->saps[i].af = a;
		a->saps[i].circuit = i;
	}
	if (a->saps == NULL) {
		x->n_afs--;
		return;
	}
	st = cl_open_af(x->c, x->bind, af, a, &a->h);
	if (st == CM_SUCCESS)
		xc_register_saps(a);
	else if (st != CM_PENDING)
		CP_LOG(ERR, "cross-connect: cannot open AF %u: %s", af->family, cm_status_name(st));
}

static void
xc_open_af_complete(void *af_ctx, struct cm_af_h h, enum cm_status status)
{
	struct xc_af *a = af_ctx;

	if (status != CM_SUCCESS) {
		CP_LOG(ERR, "cross-connect: AF %u refused: %s", a->af.family,
		       cm_status_name(status));
		return;
	}
	a->h = h;
	xc_register_saps(a);
}

static void
xc_close_af_complete(enum cm_status status, void *af_ctx)
{
	struct xc_af *a = af_ctx;

	if (status == CM_SUCCESS)
		a->open = false;
}

static void
xc_register_sap_complete(enum cm_status status, void *sap_ctx, const struct cm_sap *sap,
			 struct cm_sap_h h)
{
	struct xc_sap *s = sap_ctx;

	s->registered = status == CM_SUCCESS;
	s->af->x->rescan = true;
	if (status != CM_SUCCESS)
		CP_LOG(ERR, "circuit %s: SAP refused: %s", sap->remote_end_id,
		       cm_status_name(status));
	(void)h;
}

static void
xc_deregister_sap_complete(enum cm_status status, void *sap_ctx)
{
	struct xc_sap *s = sap_ctx;

	(void)status;
	s->registered = false;
	xc_af_try_close(s->af);
}

static enum cm_status
xc_create_vc(void *af_ctx, struct cm_vc_h vc, void **vc_ctx)
{
	struct xc_af *a = af_ctx;
	struct xc_vc *v = calloc(1, sizeof(*v));

	if (v == NULL)
		return CM_RESOURCES;
	v->af = a;
	v->vc = vc;
	v->circuit = -1;
	TAILQ_INSERT_TAIL(&a->vcs, v, link);
	*vc_ctx = v;
	return CM_SUCCESS;
}

static void
xc_call_over(struct xc_vc *v)
{
	struct xc *x = v->af->x;
	struct xc_circ *circ;

	if (v->circuit < 0)
		return;
	circ = &x->circs[v->circuit];
	circ->state = CIRC_FREE;
	circ->vc = NULL;
	v->circuit = -1;
	/* a circuit that calls calls again, after a pause */
	if (circ->def.call) {
		circ->call_at = x->now + circ->retry_ms;
		x->rescan = true;
	}
}

/* Our VC's call is over or never was: the VC goes (model §5.3: its
 * creator deletes it). */
static void
xc_vc_retire(struct xc_vc *v)
{
	struct xc_af *a = v->af;
	enum cm_status st;

	xc_call_over(v);
	st = co_delete_vc(a->x->c, a->x->bind, v->vc);
	if (st != CM_SUCCESS) {
		CP_LOG(ERR, "cross-connect: cannot delete a VC: %s", cm_status_name(st));
		return;
	}
	TAILQ_REMOVE(&a->vcs, v, link);
	free(v);
	xc_af_try_close(a);
}

static void
xc_call_ended(struct xc_vc *v)
{
	if (v->ours)
		xc_vc_retire(v);
	else
		xc_call_over(v);
}

/* An offer no faster than the circuit's own contract. Returns true if it
 * changed. */
static bool
xc_cap_flowspec(struct cm_flowspec *offer, const struct cm_flowspec *mine)
{
	if (mine->token_rate == CM_QOS_NOT_SPECIFIED ||
	    (offer->token_rate != CM_QOS_NOT_SPECIFIED && offer->token_rate <= mine->token_rate))
		return false;
	*offer = *mine;
	return true;
}

static enum cm_status
xc_delete_vc(void *vc_ctx)
{
	struct xc_vc *v = vc_ctx;
	struct xc_af *a = v->af;

	xc_call_over(v);
	TAILQ_REMOVE(&a->vcs, v, link);
	free(v);
	xc_af_try_close(a);
	return CM_SUCCESS;
}

static enum cm_status
xc_incoming_call(void *sap_ctx, void *vc_ctx, struct cm_call_params *p)
{
	struct xc_sap *s = sap_ctx;
	struct xc_vc *v = vc_ctx;
	struct xc_circ *circ = &s->af->x->circs[s->circuit];
	enum cm_status st = CM_SUCCESS;

	if (s->af->closing)
		st = CM_NOT_ACCEPTED;
	else if (circ->vc != NULL)
		st = CM_VC_NOT_AVAILABLE; /* one pseudowire per circuit */
	else if (p->media.pw_type != circ->def.pw_type ||
		 p->media.circuit.port != circ->def.circuit.port ||
		 p->media.circuit.vlan != circ->def.circuit.vlan ||
		 p->media.circuit.inner_vlan != circ->def.circuit.inner_vlan)
		st = CM_INVALID_DATA;
	if (st != CM_SUCCESS) {
		circ->rejected++;
		CP_LOG(NOTICE, "circuit %s: call refused: %s", circ->def.name, cm_status_name(st));
		return st;
	}
	circ->vc = v;
	circ->state = CIRC_OFFERED;
	v->circuit = (int)s->circuit;
	/* the circuit's contract bounds what the call may carry */
	if (xc_cap_flowspec(&p->transmit, &circ->def.transmit))
		p->flags |= CM_CALL_PARAMETERS_CHANGED;
	if (xc_cap_flowspec(&p->receive, &circ->def.receive))
		p->flags |= CM_CALL_PARAMETERS_CHANGED;
	return CM_SUCCESS;
}

static void
xc_call_connected(void *vc_ctx)
{
	struct xc_vc *v = vc_ctx;
	struct xc_circ *circ;

	if (v->circuit < 0)
		return;
	circ = &v->af->x->circs[v->circuit];
	circ->state = CIRC_CONNECTED;
	circ->calls++;
	CP_LOG(DEBUG, "circuit %s: connected", circ->def.name);
}

static void
xc_close(struct xc_vc *v)
{
	enum cm_status st;

	if (v->circuit >= 0)
		v->af->x->circs[v->circuit].state = CIRC_CLOSING;
	st = cl_close_call(v->af->x->c, v->vc, no_party, NULL, 0);
	if (st == CM_SUCCESS)
		xc_call_ended(v);
	else if (st != CM_PENDING)
		CP_LOG(ERR, "close call: %s", cm_status_name(st));
}

static void
xc_incoming_close_call(enum cm_status status, void *vc_ctx, const void *data, size_t size)
{
	struct xc_vc *v = vc_ctx;

	(void)data;
	(void)size;
	if (v->circuit >= 0)
		CP_LOG(DEBUG, "circuit %s: closed by the network (%s)",
		       v->af->x->circs[v->circuit].def.name, cm_status_name(status));
	xc_close(v);
}

static void
xc_close_call_complete(enum cm_status status, void *vc_ctx, void *party_ctx)
{
	(void)party_ctx;
	if (status == CM_SUCCESS)
		xc_call_ended(vc_ctx);
	else
		CP_LOG(ERR, "close call failed: %s", cm_status_name(status));
}

static enum cm_status
xc_notify_close_af(void *af_ctx)
{
	struct xc_af *a = af_ctx;
	struct xc_vc *v, *next;
	unsigned int i;

	a->closing = true;
	/* calls being made end when the call manager fails them */
	for (v = TAILQ_FIRST(&a->vcs); v != NULL; v = next) {
		enum xc_circ_state st;

		next = TAILQ_NEXT(v, link);
		st = v->circuit >= 0 ? a->x->circs[v->circuit].state : CIRC_FREE;
		if (st == CIRC_OFFERED || st == CIRC_CONNECTED)
			xc_close(v);
	}
	for (i = 0; i < a->x->n_circs; i++)
		if (a->saps[i].registered && cl_deregister_sap(a->x->c, a->saps[i].h) == CM_SUCCESS)
			a->saps[i].registered = false;
	xc_af_try_close(a);
	return a->open ? CM_PENDING : CM_SUCCESS;
}

static void
xc_call_up(struct xc_vc *v)
{
	struct xc_circ *circ = &v->af->x->circs[v->circuit];

	circ->state = CIRC_CONNECTED;
	circ->calls++;
	circ->retry_ms = XC_RETRY_MIN_MS;
	CP_LOG(DEBUG, "circuit %s: connected", circ->def.name);
}

static void
xc_call_failed(struct xc_vc *v, enum cm_status status)
{
	struct xc_circ *circ = &v->af->x->circs[v->circuit];

	circ->failed++;
	CP_LOG(NOTICE, "circuit %s: call to %s failed: %s", circ->def.name, circ->def.peer,
	       cm_status_name(status));
	xc_vc_retire(v);
	circ->retry_ms =
		circ->retry_ms * 2 > XC_RETRY_MAX_MS ? XC_RETRY_MAX_MS : circ->retry_ms * 2;
}

static void
xc_make_call_complete(enum cm_status status, void *vc_ctx, struct cm_party_h party,
		      struct cm_call_params *p)
{
	struct xc_vc *v = vc_ctx;

	(void)party, (void)p;
	if (v->circuit < 0)
		return;
	if (status == CM_SUCCESS)
		xc_call_up(v);
	else
		xc_call_failed(v, status);
}

/* The call circuit i is configured to make, in AF a. */
static void
xc_make_call(struct xc_af *a, unsigned int i)
{
	struct xc *x = a->x;
	struct xc_circ *circ = &x->circs[i];
	const struct xc_circuit *d = &circ->def;
	struct cm_call_params p;
	struct xc_vc *v = calloc(1, sizeof(*v));
	enum cm_status st;

	circ->call_at = x->now + circ->retry_ms;
	if (v == NULL)
		return;
	v->af = a;
	v->ours = true;
	st = co_create_vc(x->c, x->bind, a->h, v, &v->vc);
	if (st != CM_SUCCESS) {
		CP_LOG(ERR, "circuit %s: no VC: %s", d->name, cm_status_name(st));
		free(v);
		return;
	}
	TAILQ_INSERT_TAIL(&a->vcs, v, link);
	v->circuit = (int)i;
	circ->vc = v;
	circ->state = CIRC_CALLING;
	memset(&p, 0, sizeof(p));
	p.flags = d->outgoing ? CM_CALL_OUTGOING : 0;
	p.transmit = d->transmit;
	p.receive = d->receive;
	p.media.pw_type = d->pw_type;
	memcpy(p.media.remote_end_id, d->name, sizeof(p.media.remote_end_id));
	memcpy(p.media.peer, d->peer, sizeof(p.media.peer));
	p.media.circuit = d->circuit;
	p.media.local_cookie_len = d->cookie_len;
	p.media.l2ss_recv = d->l2ss;
	p.media.seq_recv = d->seq_recv;
	st = cl_make_call(x->c, v->vc, &p, NULL, NULL);
	if (st == CM_SUCCESS)
		xc_call_up(v);
	else if (st != CM_PENDING)
		xc_call_failed(v, st);
}

int
xc_service(struct xc *x, uint64_t now_ms)
{
	unsigned int i, k, calls = 0;

	x->now = now_ms;
	if (x->cursor == 0) {
		if (!x->rescan && now_ms < x->scan_at)
			return (int)(x->scan_at - now_ms);
		x->rescan = false;
		x->pass_next = now_ms + XC_RETRY_MAX_MS;
	}
	for (i = x->cursor; i < x->n_circs; i++) {
		struct xc_circ *circ = &x->circs[i];

		if (calls == XC_CALLS_PER_TURN) {
			x->cursor = i;
			return 0;
		}
		if (!circ->def.call || circ->state != CIRC_FREE)
			continue;
		for (k = 0; k < x->n_afs; k++) {
			struct xc_af *a = &x->afs[k];

			if (a->af.family != circ->def.family || !a->open || a->closing ||
			    !a->saps[i].registered)
				continue;
			if (now_ms >= circ->call_at) {
				xc_make_call(a, i);
				calls++;
			}
			break;
		}
		if (circ->state == CIRC_FREE && circ->call_at < x->pass_next)
			x->pass_next = circ->call_at;
	}
	x->cursor = 0;
	x->scan_at = x->pass_next;
	return x->scan_at <= now_ms ? 0 : (int)(x->scan_at - now_ms);
}

static void
xc_add_party_complete(enum cm_status status, void *party_ctx, struct cm_party_h party,
		      struct cm_call_params *p)
{
	(void)party_ctx, (void)party, (void)p;
	CP_LOG(WARNING, "unexpected add-party completion: %s", cm_status_name(status));
}

static void
xc_drop_party_complete(enum cm_status status, void *party_ctx)
{
	(void)party_ctx;
	CP_LOG(WARNING, "unexpected drop-party completion: %s", cm_status_name(status));
}

static void
xc_incoming_drop_party(enum cm_status status, void *party_ctx, const void *data, size_t size)
{
	(void)party_ctx, (void)data, (void)size;
	CP_LOG(WARNING, "unexpected incoming drop party: %s", cm_status_name(status));
}

static void
xc_modify_call_qos_complete(enum cm_status status, void *vc_ctx, struct cm_call_params *p)
{
	(void)vc_ctx, (void)p;
	CP_LOG(WARNING, "unexpected QoS completion: %s", cm_status_name(status));
}

/* A new contract from the network: the circuit takes any. */
static void
xc_incoming_call_qos_change(void *vc_ctx, struct cm_call_params *p)
{
	struct xc_vc *v = vc_ctx;

	(void)p;
	if (v->circuit >= 0)
		CP_LOG(INFO, "circuit %s: QoS changed by the network",
		       v->af->x->circs[v->circuit].def.name);
}

static const struct cl_handlers xc_handlers = {
	.af_register_notify = xc_af_register_notify,
	.open_af_complete = xc_open_af_complete,
	.close_af_complete = xc_close_af_complete,
	.register_sap_complete = xc_register_sap_complete,
	.deregister_sap_complete = xc_deregister_sap_complete,
	.make_call_complete = xc_make_call_complete,
	.close_call_complete = xc_close_call_complete,
	.add_party_complete = xc_add_party_complete,
	.drop_party_complete = xc_drop_party_complete,
	.modify_call_qos_complete = xc_modify_call_qos_complete,
	.incoming_call = xc_incoming_call,
	.call_connected = xc_call_connected,
	.incoming_close_call = xc_incoming_close_call,
	.incoming_drop_party = xc_incoming_drop_party,
	.incoming_call_qos_change = xc_incoming_call_qos_change,
	.notify_close_af = xc_notify_close_af,
	.create_vc = xc_create_vc,
	.delete_vc = xc_delete_vc,
};

static struct xc *xc_telemetry; /* one cross-connect per process */

static int
xc_tel_circuits(const char *cmd, const char *params, struct rte_tel_data *d)
{
	struct xc_circuit_state st;
	unsigned int i;
	char key[12];

	(void)cmd, (void)params;
	if (xc_telemetry == NULL)
		return -ENODEV;
	rte_tel_data_start_dict(d); /* keyed by position: dp_telemetry_index() */
	for (i = 0; i < xc_telemetry->n_circs && i < 256; i++) {
		struct rte_tel_data *e = rte_tel_data_alloc();

		if (e == NULL)
			return -ENOMEM;
		xc_circuit_state(xc_telemetry, i, &st);
		rte_tel_data_start_dict(e);
		rte_tel_data_add_dict_string(e, "name", st.name);
		rte_tel_data_add_dict_string(e, "state", st.state);
		rte_tel_data_add_dict_u64(e, "calls", st.calls);
		rte_tel_data_add_dict_u64(e, "rejected", st.rejected);
		rte_tel_data_add_dict_u64(e, "failed", st.failed);
		rte_tel_data_add_dict_container(d, dp_telemetry_index(key, sizeof(key), i), e, 0);
	}
	return 0;
}

struct xc *
xc_create(struct core *c, const struct xc_circuit *circuits, unsigned int n)
{
	struct xc *x = calloc(1, sizeof(*x));
	unsigned int i;

	if (x == NULL)
		return NULL;
	x->c = c;
	x->n_circs = n;
	x->circs = calloc(n > 0 ? n : 1, sizeof(*x->circs));
	if (x->circs == NULL) {
		free(x);
		return NULL;
	}
	for (i = 0; i < n; i++) {
		x->circs[i].def = circuits[i];
		x->circs[i].retry_ms = XC_RETRY_MIN_MS;
	}
	xc_telemetry = x;
	dp_telemetry_register("/vcswitch/circuits", xc_tel_circuits,
			      "Attachment circuits: state, calls connected, calls refused");
	if (cl_register(c, &xc_handlers, x, &x->bind) != CM_SUCCESS) {
		xc_destroy(x);
		return NULL;
	}
	return x;
}

void
xc_destroy(struct xc *x)
{
	unsigned int i;

	if (x == NULL)
		return;
	if (!cm_handle_is_null(x->bind.v) && core_deregister(x->c, x->bind) != CM_SUCCESS)
		CP_LOG(ERR, "cross-connect: address families still open");
	for (i = 0; i < x->n_afs; i++)
		free(x->afs[i].saps);
	if (xc_telemetry == x)
		xc_telemetry = NULL;
	free(x->circs);
	free(x);
}

unsigned int
xc_circuit_count(const struct xc *x)
{
	return x->n_circs;
}

void
xc_circuit_state(const struct xc *x, unsigned int i, struct xc_circuit_state *st)
{
	static const char *const names[] = {
		[CIRC_FREE] = "free",	    [CIRC_CALLING] = "calling",
		[CIRC_OFFERED] = "offered", [CIRC_CONNECTED] = "connected",
		[CIRC_CLOSING] = "closing",
	};
	const struct xc_circ *circ = &x->circs[i];

	st->name = circ->def.name;
	st->state = names[circ->state];
	st->calls = circ->calls;
	st->rejected = circ->rejected;
	st->failed = circ->failed;
}
