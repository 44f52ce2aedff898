/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * VCs: creation and deletion by their creator only, activation and
 * deactivation by the AF's CM or MCM only (model §3.2, §5.3, §5.4).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core_priv.h"

static enum cm_status
status_of_errno(int rc)
{
	switch (rc) {
	case 0:
		return CM_SUCCESS;
	case -EINVAL:
		return CM_INVALID_DATA;
	case -EEXIST:
		return CM_VC_NOT_AVAILABLE; /* session ID or circuit taken */
	case -ENOSPC:
	case -ENOMEM:
		return CM_RESOURCES;
	case -ENETUNREACH:
		return CM_NO_ROUTE_TO_DESTINATION;
	case -EBUSY:
		return CM_CLOSING;
	default:
		return CM_FAILURE;
	}
}

struct vco *
core_vc_for_cm(const struct core *c, enum bind_role role, uint64_t vc)
{
	struct vco *v = vco_get(c, vc);
	struct afo *a = v != NULL ? afo_get(c, v->af) : NULL;

	return a != NULL && afo_cm_role(c, a) == role ? v : NULL;
}

static enum cm_status
create_vc(struct core *c, struct afo *a, enum vc_creator creator, void *ctx, struct cm_vc_h *out)
{
	enum cm_status st;
	void *other = NULL;
	struct vco *v;
	char name[32];
	uint64_t h;
	int rc;

	v = calloc(1, sizeof(*v));
	if (v == NULL)
		return CM_RESOURCES;
	v->c = c;
	v->af = a->h;
	v->creator = creator;
	v->act = CM_VC_INACTIVE;
	v->call = CM_CALL_IDLE;
	h = obj_add(&c->tbl, OBJ_VC, v);
	if (h == 0)
		return CM_RESOURCES;
	v->h = h;
	snprintf(name, sizeof(name), "vc%u", (uint32_t)h);
	rc = c->mp.create_vc(c->mp.ctx, name, &v->mp_vc);
	if (rc < 0) {
		obj_del(&c->tbl, h);
		return CM_RESOURCES;
	}
	a->n_vcs++;
	out->v = h;
	/* The other side makes its context; it may not pend (model R5). */
	v->creating = true;
	if (creator == CREATOR_CLIENT) {
		v->cl_ctx = ctx;
		st = afo_cm(c, a)->create_vc(a->cm_ctx, *out, &other);
	} else {
		v->cm_ctx = ctx;
		st = afo_client(c, a)->create_vc(a->cl_ctx, *out, &other);
	}
	v = vco_get(c, h);
	if (v == NULL)
		return CM_FAILURE;
	v->creating = false;
	if (st != CM_SUCCESS) {
		c->mp.delete_vc(c->mp.ctx, v->mp_vc);
		a->n_vcs--;
		obj_del(&c->tbl, h);
		out->v = 0;
		return st == CM_PENDING ? CM_FAILURE : st;
	}
	if (creator == CREATOR_CLIENT)
		v->cm_ctx = other;
	else
		v->cl_ctx = other;
	return CM_SUCCESS;
}

enum cm_status
co_create_vc(struct core *c, struct cm_bind_h bh, struct cm_af_h af, void *vc_ctx,
	     struct cm_vc_h *out)
{
	struct bind *b = bind_get(c, bh.v);
	struct afo *a = afo_get(c, af.v);

	out->v = 0;
	/* An MCM never calls co_* (model §8). */
	if (b == NULL || b->role == ROLE_MCM || a == NULL || a->state != AF_OPEN)
		return CM_FAILURE;
	if (bh.v == a->client)
		return create_vc(c, a, CREATOR_CLIENT, vc_ctx, out);
	if (bh.v == a->cm)
		return create_vc(c, a, CREATOR_CM, vc_ctx, out);
	return CM_FAILURE;
}

enum cm_status
mcm_create_vc(struct core *c, struct cm_bind_h bh, struct cm_af_h af, void *vc_ctx,
	      struct cm_vc_h *out)
{
	struct bind *b = bind_get(c, bh.v);
	struct afo *a = afo_get(c, af.v);

	out->v = 0;
	if (b == NULL || b->role != ROLE_MCM || a == NULL || a->state != AF_OPEN || a->cm != bh.v)
		return CM_FAILURE;
	return create_vc(c, a, CREATOR_CM, vc_ctx, out);
}

static enum cm_status
delete_vc(struct core *c, struct vco *v)
{
	struct afo *a = afo_get(c, v->af);
	uint64_t vh = v->h, af = v->af;
	enum cm_status st;

	if (v->creating)
		return CM_FAILURE;
	if (v->act == CM_VC_ACTIVE)
		return CM_NOT_ACCEPTED;
	if (v->act == CM_VC_DEACTIVATING || v->deleting)
		return CM_CLOSING;
	if (v->call != CM_CALL_IDLE)
		return CM_NOT_ACCEPTED; /* a call is outstanding */
	/* The other side lets go of its context, synchronously (R5); the VC
	 * no longer holds the AF open meanwhile, so that the handler may
	 * close it. */
	a->n_vcs--;
	v->deleting = true;
	st = v->creator == CREATOR_CLIENT ? afo_cm(c, a)->delete_vc(v->cm_ctx)
					  : afo_client(c, a)->delete_vc(v->cl_ctx);
	v = vco_get(c, vh);
	a = afo_get(c, af);
	v->deleting = false;
	if (st != CM_SUCCESS && a != NULL) {
		a->n_vcs++;
		return CM_NOT_ACCEPTED;
	}
	c->mp.delete_vc(c->mp.ctx, v->mp_vc);
	vco_qos_done(v);
	obj_del(&c->tbl, vh);
	return CM_SUCCESS;
}

enum cm_status
co_delete_vc(struct core *c, struct cm_bind_h bh, struct cm_vc_h vc)
{
	struct bind *b = bind_get(c, bh.v);
	struct vco *v = vco_get(c, vc.v);
	struct afo *a = v != NULL ? afo_get(c, v->af) : NULL;

	if (b == NULL || b->role == ROLE_MCM || a == NULL)
		return CM_FAILURE;
	/* creator only (model §5.3) */
	if (bh.v != (v->creator == CREATOR_CLIENT ? a->client : a->cm))
		return CM_FAILURE;
	return delete_vc(c, v);
}

enum cm_status
mcm_delete_vc(struct core *c, struct cm_vc_h vc)
{
	struct vco *v = core_vc_for_cm(c, ROLE_MCM, vc.v);

	if (v == NULL || v->creator != CREATOR_CM)
		return CM_FAILURE;
	return delete_vc(c, v);
}

static enum cm_status
activate_vc(struct core *c, enum bind_role role, struct cm_vc_h vc, struct cm_call_params *p)
{
	struct vco *v = core_vc_for_cm(c, role, vc.v);
	enum cm_status st;

	/* not while the other side is still making or letting go of it */
	if (v == NULL || v->creating || v->deleting)
		return CM_FAILURE;
	if (v->act == CM_VC_DEACTIVATING)
		return CM_CLOSING;
	if (p == NULL || !cm_flowspec_valid(&p->transmit) || !cm_flowspec_valid(&p->receive))
		return CM_INVALID_DATA;
	/* Synchronous: on failure a re-activation keeps the old params. */
	st = status_of_errno(c->mp.activate_vc(c->mp.ctx, v->mp_vc, p));
	if (st == CM_SUCCESS) {
		v->act = CM_VC_ACTIVE;
		v->active = *p;
	}
	return st;
}

enum cm_status
cm_activate_vc(struct core *c, struct cm_vc_h vc, struct cm_call_params *p)
{
	return activate_vc(c, ROLE_CM, vc, p);
}

enum cm_status
mcm_activate_vc(struct core *c, struct cm_vc_h vc, struct cm_call_params *p)
{
	return activate_vc(c, ROLE_MCM, vc, p);
}

/* The token is the VC itself: it cannot be deleted while deactivating. */
void
cm_mp_deactivate_vc_complete(void *token)
{
	struct vco *v = token;
	struct core *c = v->c;

	if (v->act != CM_VC_DEACTIVATING)
		return;
	v->act = CM_VC_INACTIVE;
	afo_cm(c, afo_get(c, v->af))->deactivate_vc_complete(CM_SUCCESS, v->cm_ctx);
}

static enum cm_status
deactivate_vc(struct core *c, enum bind_role role, struct cm_vc_h vc)
{
	struct vco *v = core_vc_for_cm(c, role, vc.v);
	int rc;

	if (v == NULL)
		return CM_FAILURE;
	if (v->act == CM_VC_INACTIVE)
		return CM_NOT_ACCEPTED;
	if (v->act == CM_VC_DEACTIVATING)
		return CM_CLOSING;
	v->act = CM_VC_DEACTIVATING;
	rc = c->mp.deactivate_vc(c->mp.ctx, v->mp_vc, v);
	if (rc == 1)
		return CM_PENDING;
	v->act = rc == 0 ? CM_VC_INACTIVE : CM_VC_ACTIVE;
	return rc == 0 ? CM_SUCCESS : CM_FAILURE;
}

enum cm_status
cm_deactivate_vc(struct core *c, struct cm_vc_h vc)
{
	return deactivate_vc(c, ROLE_CM, vc);
}

enum cm_status
mcm_deactivate_vc(struct core *c, struct cm_vc_h vc)
{
	return deactivate_vc(c, ROLE_MCM, vc);
}

enum cm_status
cm_vc_info(const struct core *c, struct cm_vc_h vc, struct cm_vc_info *info)
{
	const struct vco *v = vco_get(c, vc.v);

	if (v == NULL)
		return CM_FAILURE;
	info->call = v->call;
	info->act = v->act;
	info->qos_pending = v->qos_prev != NULL;
	info->parties = v->n_parties;
	info->mp_vc = v->mp_vc;
	info->params = v->act == CM_VC_INACTIVE ? NULL : &v->active;
	return CM_SUCCESS;
}
