/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Calls on VCs: outgoing (model §4.2), incoming (§4.1), closing (§4.3,
 * §4.4), QoS changes (§4.7) and parties (§4.6), checked against the
 * legality table (§5.2) before anything changes. A handler may call back
 * into the core; after each one the objects are looked up again by
 * handle, and a state that moved on means the nested call finished it.
 */
#include <stdlib.h>
#include <string.h>

#include "core_priv.h"

static const struct cm_party_h no_party;

static struct partyo *
party_new(struct core *c, struct vco *v, void *cl_ctx, enum party_state state,
	  struct cm_party_h *out)
{
	struct partyo *p = calloc(1, sizeof(*p));
	uint64_t h;

	out->v = 0;
	if (p == NULL)
		return NULL;
	p->vc = v->h;
	p->cl_ctx = cl_ctx;
	p->state = state;
	h = obj_add(&c->tbl, OBJ_PARTY, p);
	if (h == 0)
		return NULL;
	p->h = h;
	out->v = h;
	v->n_parties++;
	return p;
}

/* The VC counts its active parties: they decide which one is the last
 * (model §4.6), whatever other parties are being added or dropped. */
static void
party_set_state(struct core *c, struct partyo *p, enum party_state state)
{
	struct vco *v = vco_get(c, p->vc);

	if (v != NULL && p->state == PARTY_ACTIVE)
		v->n_active--;
	if (v != NULL && state == PARTY_ACTIVE)
		v->n_active++;
	p->state = state;
}

static void
party_free(struct core *c, struct partyo *p)
{
	struct vco *v = vco_get(c, p->vc);

	if (v != NULL) {
		v->n_active -= p->state == PARTY_ACTIVE;
		v->n_parties--;
	}
	obj_del(&c->tbl, p->h);
}

/* The VC's only party, if it has one. */
static struct partyo *
vc_party(const struct core *c, const struct vco *v)
{
	struct partyo *p;
	uint32_t slot = 0;

	if (v->n_parties == 0)
		return NULL;
	while ((p = obj_next(&c->tbl, OBJ_PARTY, &slot)) != NULL)
		if (p->vc == v->h)
			return p;
	return NULL;
}

static struct partyo *
party_for_cm(const struct core *c, enum bind_role role, uint64_t h)
{
	struct partyo *p = partyo_get(c, h);

	return p != NULL && core_vc_for_cm(c, role, p->vc) != NULL ? p : NULL;
}

static const struct cl_handlers *
vc_client(const struct core *c, const struct vco *v)
{
	return afo_client(c, afo_get(c, v->af));
}

static const struct cm_handlers *
vc_cm(const struct core *c, const struct vco *v)
{
	return afo_cm(c, afo_get(c, v->af));
}

/* ---- outgoing calls ---- */

enum cm_status
cl_make_call(struct core *c, struct cm_vc_h vc, struct cm_call_params *p, void *party_ctx,
	     struct cm_party_h *party)
{
	struct vco *v = vco_get(c, vc.v);
	struct cm_party_h ph = no_party;
	struct partyo *pt = NULL;
	struct afo *a = v != NULL ? afo_get(c, v->af) : NULL;
	enum cm_status st;
	void *cm_party_ctx = NULL;

	if (party != NULL)
		party->v = 0;
	if (a == NULL || v->creator != CREATOR_CLIENT || a->state != AF_OPEN)
		return CM_FAILURE;
	if (v->call != CM_CALL_IDLE)
		return v->call == CM_CALL_CLOSING ? CM_CLOSING : CM_NOT_ACCEPTED;
	if (p == NULL || (party_ctx != NULL && party == NULL))
		return CM_INVALID_DATA;
	v->params = *p;
	if (party_ctx != NULL) {
		pt = party_new(c, v, party_ctx, PARTY_CALLING, &ph);
		if (pt == NULL)
			return CM_RESOURCES;
		v->params.flags |= CM_CALL_MULTIPOINT_VC;
		party->v = ph.v;
	}
	v->multipoint = party_ctx != NULL;
	v->calling_party = ph.v;
	v->call = CM_CALL_MAKECALL_PENDING;
	st = vc_cm(c, v)->make_call(v->cm_ctx, &v->params, ph, &cm_party_ctx);
	v = vco_get(c, vc.v);
	if (v == NULL || v->call != CM_CALL_MAKECALL_PENDING || st == CM_PENDING)
		return st;
	/* SUCCESS only on a VC already active (model §3.5) */
	if (st == CM_SUCCESS && v->act != CM_VC_ACTIVE)
		st = CM_VC_NOT_ACTIVATED;
	pt = partyo_get(c, ph.v);
	v->calling_party = 0;
	if (st == CM_SUCCESS) {
		v->call = CM_CALL_CONNECTED;
		c->calls_setup++;
		if (pt != NULL) {
			party_set_state(c, pt, PARTY_ACTIVE);
			pt->cm_ctx = cm_party_ctx;
		}
		*p = v->params;
		return CM_SUCCESS;
	}
	if (pt != NULL)
		party_free(c, pt);
	if (party != NULL)
		party->v = 0;
	v->multipoint = false;
	v->call = CM_CALL_IDLE;
	return st;
}

static enum cm_status
make_call_complete(struct core *c, enum bind_role role, enum cm_status status, struct cm_vc_h vc,
		   struct cm_party_h party, void *cm_party_ctx, struct cm_call_params *p)
{
	struct vco *v = core_vc_for_cm(c, role, vc.v);
	struct partyo *pt;

	if (v == NULL || v->call != CM_CALL_MAKECALL_PENDING || !completion_status_ok(status))
		return CM_FAILURE;
	/* SUCCESS only after negotiation and activation (model §3.3) */
	if (status == CM_SUCCESS && v->act != CM_VC_ACTIVE)
		return CM_FAILURE;
	/* the call's own party, or none for a point-to-point call */
	if (party.v != v->calling_party)
		return CM_FAILURE;
	if (p != NULL)
		v->params = *p;
	pt = partyo_get(c, party.v);
	v->calling_party = 0;
	if (status == CM_SUCCESS) {
		v->call = CM_CALL_CONNECTED;
		c->calls_setup++;
		if (pt != NULL) {
			party_set_state(c, pt, PARTY_ACTIVE);
			pt->cm_ctx = cm_party_ctx;
		}
	} else {
		v->call = CM_CALL_IDLE;
		v->multipoint = false;
		if (pt != NULL)
			party_free(c, pt);
		party = no_party; /* invalid on failure */
	}
	vc_client(c, v)->make_call_complete(status, v->cl_ctx, party, &v->params);
	return CM_SUCCESS;
}

enum cm_status
cm_make_call_complete(struct core *c, enum cm_status status, struct cm_vc_h vc,
		      struct cm_party_h party, void *cm_party_ctx, struct cm_call_params *p)
{
	return make_call_complete(c, ROLE_CM, status, vc, party, cm_party_ctx, p);
}

enum cm_status
mcm_make_call_complete(struct core *c, enum cm_status status, struct cm_vc_h vc,
		       struct cm_party_h party, void *cm_party_ctx, struct cm_call_params *p)
{
	return make_call_complete(c, ROLE_MCM, status, vc, party, cm_party_ctx, p);
}

/* ---- incoming calls ---- */

static enum cm_status
dispatch_incoming_call(struct core *c, enum bind_role role, struct cm_sap_h sap, struct cm_vc_h vc,
		       struct cm_call_params *p)
{
	struct vco *v = core_vc_for_cm(c, role, vc.v);
	struct sapo *s = sapo_get(c, sap.v);
	enum cm_status st;

	if (v == NULL || v->creator != CREATOR_CM)
		return CM_FAILURE;
	if (v->call != CM_CALL_IDLE)
		return CM_CALL_ACTIVE;
	if (v->act != CM_VC_ACTIVE)
		return CM_VC_NOT_ACTIVATED;
	if (s == NULL)
		return CM_FAILURE; /* not a SAP handle */
	/* the SAP of this AF's client; calls may arrive while it registers */
	if (s->af != v->af || s->state == SAP_DEREGISTERING)
		return CM_INVALID_SAP;
	if (p == NULL)
		return CM_INVALID_DATA;
	v->params = *p;
	v->call = CM_CALL_OFFERED;
	v->incoming_pending = false;
	st = vc_client(c, v)->incoming_call(s->cl_ctx, v->cl_ctx, &v->params);
	v = vco_get(c, vc.v);
	if (v == NULL || v->call != CM_CALL_OFFERED)
		return st;
	if (st == CM_SUCCESS) {
		v->call = CM_CALL_ACCEPTED;
		*p = v->params;
	} else if (st == CM_PENDING) {
		v->incoming_pending = true;
	} else {
		v->call = CM_CALL_IDLE;
	}
	return st;
}

enum cm_status
cm_dispatch_incoming_call(struct core *c, struct cm_sap_h sap, struct cm_vc_h vc,
			  struct cm_call_params *p)
{
	return dispatch_incoming_call(c, ROLE_CM, sap, vc, p);
}

enum cm_status
mcm_dispatch_incoming_call(struct core *c, struct cm_sap_h sap, struct cm_vc_h vc,
			   struct cm_call_params *p)
{
	return dispatch_incoming_call(c, ROLE_MCM, sap, vc, p);
}

enum cm_status
cl_incoming_call_complete(struct core *c, enum cm_status status, struct cm_vc_h vc,
			  struct cm_call_params *p)
{
	struct vco *v = vco_get(c, vc.v);

	if (v == NULL || v->call != CM_CALL_OFFERED || !v->incoming_pending ||
	    !completion_status_ok(status))
		return CM_FAILURE;
	v->incoming_pending = false;
	if (p != NULL)
		v->params = *p;
	v->call = status == CM_SUCCESS ? CM_CALL_ACCEPTED : CM_CALL_IDLE;
	vc_cm(c, v)->incoming_call_complete(status, v->cm_ctx, &v->params);
	return CM_SUCCESS;
}

static enum cm_status
dispatch_call_connected(struct core *c, enum bind_role role, struct cm_vc_h vc)
{
	struct vco *v = core_vc_for_cm(c, role, vc.v);

	/* data may flow from now on: the VC must carry it (model §4.1) */
	if (v == NULL || v->call != CM_CALL_ACCEPTED || v->act != CM_VC_ACTIVE)
		return CM_FAILURE;
	v->call = CM_CALL_CONNECTED;
	c->calls_setup++;
	vc_client(c, v)->call_connected(v->cl_ctx);
	return CM_SUCCESS;
}

enum cm_status
cm_dispatch_call_connected(struct core *c, struct cm_vc_h vc)
{
	return dispatch_call_connected(c, ROLE_CM, vc);
}

enum cm_status
mcm_dispatch_call_connected(struct core *c, struct cm_vc_h vc)
{
	return dispatch_call_connected(c, ROLE_MCM, vc);
}

/* ---- closing ---- */

static enum cm_status
dispatch_incoming_close_call(struct core *c, enum bind_role role, enum cm_status close_status,
			     struct cm_vc_h vc, const void *data, size_t size)
{
	struct vco *v = core_vc_for_cm(c, role, vc.v);

	if (v == NULL || (v->call != CM_CALL_OFFERED && v->call != CM_CALL_ACCEPTED &&
			  v->call != CM_CALL_CONNECTED))
		return CM_FAILURE;
	/* a pending acceptance is moot now */
	v->incoming_pending = false;
	v->call = CM_CALL_INCOMING_CLOSE;
	vc_client(c, v)->incoming_close_call(close_status, v->cl_ctx, data, size);
	return CM_SUCCESS;
}

enum cm_status
cm_dispatch_incoming_close_call(struct core *c, enum cm_status close_status, struct cm_vc_h vc,
				const void *data, size_t size)
{
	return dispatch_incoming_close_call(c, ROLE_CM, close_status, vc, data, size);
}

enum cm_status
mcm_dispatch_incoming_close_call(struct core *c, enum cm_status close_status, struct cm_vc_h vc,
				 const void *data, size_t size)
{
	return dispatch_incoming_close_call(c, ROLE_MCM, close_status, vc, data, size);
}

/* Closed and deactivated: the call is over, the VC can be reused or
 * deleted by its creator. */
static void
close_finish(struct core *c, struct vco *v)
{
	struct partyo *pt = vc_party(c, v);

	if (pt != NULL)
		party_free(c, pt);
	v->call = CM_CALL_IDLE;
	v->multipoint = false;
	v->params.flags &= ~(uint32_t)CM_CALL_MULTIPOINT_VC;
	c->calls_closed++;
}

enum cm_status
cl_close_call(struct core *c, struct cm_vc_h vc, struct cm_party_h party, const void *data,
	      size_t size)
{
	struct vco *v = vco_get(c, vc.v);
	struct partyo *pt;
	enum cm_status st;

	if (v == NULL)
		return CM_FAILURE;
	if (v->call == CM_CALL_CLOSING)
		return CM_CLOSING;
	if (v->call != CM_CALL_CONNECTED && v->call != CM_CALL_INCOMING_CLOSE)
		return CM_FAILURE;
	/* drop all parties but the last first (model §4.3) */
	if (v->n_parties > 1)
		return CM_FAILURE;
	pt = vc_party(c, v);
	if (party.v != 0 && (pt == NULL || pt->h != party.v))
		return CM_FAILURE;
	v->before_close = v->call;
	v->call = CM_CALL_CLOSING;
	st = vc_cm(c, v)->close_call(v->cm_ctx, pt != NULL ? pt->cm_ctx : NULL, data, size);
	v = vco_get(c, vc.v);
	if (v == NULL || v->call != CM_CALL_CLOSING || st == CM_PENDING)
		return st;
	/* SUCCESS means closed and deactivated (model §3.4) */
	if (st == CM_SUCCESS && v->act == CM_VC_INACTIVE) {
		close_finish(c, v);
		return CM_SUCCESS;
	}
	v->call = v->before_close;
	return st == CM_SUCCESS ? CM_FAILURE : st;
}

static enum cm_status
close_call_complete(struct core *c, enum bind_role role, enum cm_status status, struct cm_vc_h vc,
		    struct cm_party_h party)
{
	struct vco *v = core_vc_for_cm(c, role, vc.v);
	struct partyo *pt;
	void *party_ctx;

	if (v == NULL || v->call != CM_CALL_CLOSING || !completion_status_ok(status))
		return CM_FAILURE;
	/* Deactivate first, then complete (model §9 #7): after this no
	 * packet of the call is in flight. */
	if (status == CM_SUCCESS && v->act != CM_VC_INACTIVE)
		return CM_FAILURE;
	pt = vc_party(c, v);
	if (party.v != 0 && (pt == NULL || pt->h != party.v))
		return CM_FAILURE;
	party_ctx = pt != NULL ? pt->cl_ctx : NULL;
	if (status == CM_SUCCESS)
		close_finish(c, v);
	else
		v->call = v->before_close;
	vc_client(c, v)->close_call_complete(status, v->cl_ctx, party_ctx);
	return CM_SUCCESS;
}

enum cm_status
cm_close_call_complete(struct core *c, enum cm_status status, struct cm_vc_h vc,
		       struct cm_party_h party)
{
	return close_call_complete(c, ROLE_CM, status, vc, party);
}

enum cm_status
mcm_close_call_complete(struct core *c, enum cm_status status, struct cm_vc_h vc,
			struct cm_party_h party)
{
	return close_call_complete(c, ROLE_MCM, status, vc, party);
}

/* ---- QoS ---- */

enum cm_status
cl_modify_call_qos(struct core *c, struct cm_vc_h vc, struct cm_call_params *p)
{
	struct vco *v = vco_get(c, vc.v);
	enum cm_status st;

	if (v == NULL || (v->call != CM_CALL_CONNECTED && v->call != CM_CALL_OFFERED) ||
	    v->qos_prev != NULL)
		return CM_FAILURE;
	if (p == NULL || !cm_flowspec_valid(&p->transmit) || !cm_flowspec_valid(&p->receive))
		return CM_INVALID_DATA;
	v->qos_prev = malloc(sizeof(*v->qos_prev));
	if (v->qos_prev == NULL)
		return CM_RESOURCES;
	*v->qos_prev = v->params;
	v->params = *p;
	st = vc_cm(c, v)->modify_call_qos(v->cm_ctx, &v->params);
	v = vco_get(c, vc.v);
	if (v == NULL || v->qos_prev == NULL || st == CM_PENDING)
		return st;
	if (st == CM_SUCCESS)
		*p = v->params;
	else
		v->params = *v->qos_prev; /* refused: the old contract stands */
	vco_qos_done(v);
	return st;
}

static enum cm_status
modify_call_qos_complete(struct core *c, enum bind_role role, enum cm_status status,
			 struct cm_vc_h vc, struct cm_call_params *p)
{
	struct vco *v = core_vc_for_cm(c, role, vc.v);

	if (v == NULL || v->qos_prev == NULL || !completion_status_ok(status))
		return CM_FAILURE;
	if (status != CM_SUCCESS)
		v->params = *v->qos_prev;
	else if (p != NULL)
		v->params = *p;
	vco_qos_done(v);
	vc_client(c, v)->modify_call_qos_complete(status, v->cl_ctx, &v->params);
	return CM_SUCCESS;
}

enum cm_status
cm_modify_call_qos_complete(struct core *c, enum cm_status status, struct cm_vc_h vc,
			    struct cm_call_params *p)
{
	return modify_call_qos_complete(c, ROLE_CM, status, vc, p);
}

enum cm_status
mcm_modify_call_qos_complete(struct core *c, enum cm_status status, struct cm_vc_h vc,
			     struct cm_call_params *p)
{
	return modify_call_qos_complete(c, ROLE_MCM, status, vc, p);
}

/* Only after the miniport took the new parameters (model §4.7). */
static enum cm_status
dispatch_incoming_call_qos_change(struct core *c, enum bind_role role, struct cm_vc_h vc,
				  struct cm_call_params *p)
{
	struct vco *v = core_vc_for_cm(c, role, vc.v);

	if (v == NULL || v->call != CM_CALL_CONNECTED || v->act != CM_VC_ACTIVE || p == NULL)
		return CM_FAILURE;
	v->params = *p;
	vc_client(c, v)->incoming_call_qos_change(v->cl_ctx, &v->params);
	return CM_SUCCESS;
}

enum cm_status
cm_dispatch_incoming_call_qos_change(struct core *c, struct cm_vc_h vc, struct cm_call_params *p)
{
	return dispatch_incoming_call_qos_change(c, ROLE_CM, vc, p);
}

enum cm_status
mcm_dispatch_incoming_call_qos_change(struct core *c, struct cm_vc_h vc, struct cm_call_params *p)
{
	return dispatch_incoming_call_qos_change(c, ROLE_MCM, vc, p);
}

/* ---- parties ---- */

enum cm_status
cl_add_party(struct core *c, struct cm_vc_h vc, void *party_ctx, struct cm_call_params *p,
	     struct cm_party_h *out)
{
	struct vco *v = vco_get(c, vc.v);
	struct partyo *pt;
	enum cm_status st;
	void *cm_ctx = NULL;
	uint64_t h;

	out->v = 0;
	if (v == NULL || v->call != CM_CALL_CONNECTED || !v->multipoint)
		return CM_FAILURE;
	if (p == NULL)
		return CM_INVALID_DATA;
	pt = party_new(c, v, party_ctx, PARTY_ADDING, out);
	if (pt == NULL)
		return CM_RESOURCES;
	h = pt->h;
	st = vc_cm(c, v)->add_party(v->cm_ctx, p, *out, &cm_ctx);
	pt = partyo_get(c, h);
	if (pt == NULL || pt->state != PARTY_ADDING || st == CM_PENDING)
		return st;
	if (st == CM_SUCCESS) {
		party_set_state(c, pt, PARTY_ACTIVE);
		pt->cm_ctx = cm_ctx;
	} else {
		party_free(c, pt);
		out->v = 0;
	}
	return st;
}

static enum cm_status
add_party_complete(struct core *c, enum bind_role role, enum cm_status status,
		   struct cm_party_h party, void *cm_ctx, struct cm_call_params *p)
{
	struct partyo *pt = party_for_cm(c, role, party.v);
	struct vco *v;
	void *cl_ctx;

	if (pt == NULL || pt->state != PARTY_ADDING || !completion_status_ok(status))
		return CM_FAILURE;
	v = vco_get(c, pt->vc);
	cl_ctx = pt->cl_ctx;
	if (status == CM_SUCCESS) {
		party_set_state(c, pt, PARTY_ACTIVE);
		pt->cm_ctx = cm_ctx;
	} else {
		party_free(c, pt);
		party = no_party;
	}
	vc_client(c, v)->add_party_complete(status, cl_ctx, party, p);
	return CM_SUCCESS;
}

enum cm_status
cm_add_party_complete(struct core *c, enum cm_status status, struct cm_party_h party,
		      void *cm_party_ctx, struct cm_call_params *p)
{
	return add_party_complete(c, ROLE_CM, status, party, cm_party_ctx, p);
}

enum cm_status
mcm_add_party_complete(struct core *c, enum cm_status status, struct cm_party_h party,
		       void *cm_party_ctx, struct cm_call_params *p)
{
	return add_party_complete(c, ROLE_MCM, status, party, cm_party_ctx, p);
}

enum cm_status
cl_drop_party(struct core *c, struct cm_party_h party, const void *data, size_t size)
{
	struct partyo *pt = partyo_get(c, party.v);
	struct vco *v = pt != NULL ? vco_get(c, pt->vc) : NULL;
	enum cm_status st;

	/* the last party goes with cl_close_call (model §4.6) */
	if (v == NULL || pt->state != PARTY_ACTIVE || v->n_active < 2)
		return CM_FAILURE;
	party_set_state(c, pt, PARTY_DROPPING);
	st = vc_cm(c, v)->drop_party(pt->cm_ctx, data, size);
	pt = partyo_get(c, party.v);
	if (pt == NULL || pt->state != PARTY_DROPPING || st == CM_PENDING)
		return st;
	if (st == CM_SUCCESS)
		party_free(c, pt);
	else
		party_set_state(c, pt, PARTY_ACTIVE);
	return st;
}

static enum cm_status
drop_party_complete(struct core *c, enum bind_role role, enum cm_status status,
		    struct cm_party_h party)
{
	struct partyo *pt = party_for_cm(c, role, party.v);
	struct vco *v;
	void *cl_ctx;

	if (pt == NULL || pt->state != PARTY_DROPPING || !completion_status_ok(status))
		return CM_FAILURE;
	v = vco_get(c, pt->vc);
	cl_ctx = pt->cl_ctx;
	if (status == CM_SUCCESS)
		party_free(c, pt);
	else
		party_set_state(c, pt, PARTY_ACTIVE);
	vc_client(c, v)->drop_party_complete(status, cl_ctx);
	return CM_SUCCESS;
}

enum cm_status
cm_drop_party_complete(struct core *c, enum cm_status status, struct cm_party_h party)
{
	return drop_party_complete(c, ROLE_CM, status, party);
}

enum cm_status
mcm_drop_party_complete(struct core *c, enum cm_status status, struct cm_party_h party)
{
	return drop_party_complete(c, ROLE_MCM, status, party);
}

/* Only while other parties remain; the last one drops with an
 * incoming close call (model §4.6). */
static enum cm_status
dispatch_incoming_drop_party(struct core *c, enum bind_role role, enum cm_status drop_status,
			     struct cm_party_h party, const void *data, size_t size)
{
	struct partyo *pt = party_for_cm(c, role, party.v);
	struct vco *v = pt != NULL ? vco_get(c, pt->vc) : NULL;

	if (v == NULL || pt->state != PARTY_ACTIVE || v->n_active < 2)
		return CM_FAILURE;
	vc_client(c, v)->incoming_drop_party(drop_status, pt->cl_ctx, data, size);
	return CM_SUCCESS;
}

enum cm_status
cm_dispatch_incoming_drop_party(struct core *c, enum cm_status drop_status, struct cm_party_h party,
				const void *data, size_t size)
{
	return dispatch_incoming_drop_party(c, ROLE_CM, drop_status, party, data, size);
}

enum cm_status
mcm_dispatch_incoming_drop_party(struct core *c, enum cm_status drop_status,
				 struct cm_party_h party, const void *data, size_t size)
{
	return dispatch_incoming_drop_party(c, ROLE_MCM, drop_status, party, data, size);
}
