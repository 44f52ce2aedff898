/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Bindings (clients, CMs, MCMs), address families and SAPs: model §3.1,
 * §3.3, §4.0 and §4.8.
 */
#include <stdlib.h>
#include <string.h>

#include "core_priv.h"

#define CL_HANDLER_LIST(X)          \
	X(af_register_notify)       \
	X(open_af_complete)         \
	X(close_af_complete)        \
	X(register_sap_complete)    \
	X(deregister_sap_complete)  \
	X(make_call_complete)       \
	X(close_call_complete)      \
	X(add_party_complete)       \
	X(drop_party_complete)      \
	X(modify_call_qos_complete) \
	X(incoming_call)            \
	X(call_connected)           \
	X(incoming_close_call)      \
	X(incoming_drop_party)      \
	X(incoming_call_qos_change) \
	X(notify_close_af)          \
	X(create_vc)                \
	X(delete_vc)

#define CM_HANDLER_LIST(X)          \
	X(open_af)                  \
	X(close_af)                 \
	X(register_sap)             \
	X(deregister_sap)           \
	X(make_call)                \
	X(close_call)               \
	X(incoming_call_complete)   \
	X(add_party)                \
	X(drop_party)               \
	X(modify_call_qos)          \
	X(activate_vc_complete)     \
	X(deactivate_vc_complete)   \
	X(notify_close_af_complete) \
	X(create_vc)                \
	X(delete_vc)                \
	X(link_status)

/* Every handler must be set (model §3.4, §3.5): placeholders return
 * CM_NOT_SUPPORTED, they are never left NULL. */
#define HANDLER_SET(m) &&h->m != NULL

static bool
cl_handlers_complete(const struct cl_handlers *h)
{
	return h != NULL CL_HANDLER_LIST(HANDLER_SET);
}

static bool
cm_handlers_complete(const struct cm_handlers *h)
{
	return h != NULL CM_HANDLER_LIST(HANDLER_SET);
}

struct core *
core_create(const struct cm_miniport *mp)
{
	struct core *c = calloc(1, sizeof(*c));

	if (c == NULL)
		return NULL;
	c->mp = *mp;
	obj_table_init(&c->tbl);
	return c;
}

unsigned int
core_destroy(struct core *c)
{
	unsigned int left = 0, k;
	uint32_t slot;
	struct vco *v;

	if (c == NULL)
		return 0;
	for (k = OBJ_BIND; k <= OBJ_PARTY; k++)
		left += c->tbl.live[k];
	for (slot = 0; (v = obj_next(&c->tbl, OBJ_VC, &slot)) != NULL;)
		vco_qos_done(v);
	obj_table_fini(&c->tbl);
	free(c);
	return left;
}

static enum cm_status
register_binding(struct core *c, enum bind_role role, const struct cl_handlers *clh,
		 const struct cm_handlers *cmh, void *ctx, struct cm_bind_h *out)
{
	struct bind *b;
	unsigned int i;
	uint64_t h;

	out->v = 0;
	if (role == ROLE_CLIENT ? !cl_handlers_complete(clh) : !cm_handlers_complete(cmh))
		return CM_INVALID_DATA;
	b = calloc(1, sizeof(*b));
	if (b == NULL)
		return CM_RESOURCES;
	b->role = role;
	b->ctx = ctx;
	if (role == ROLE_CLIENT)
		b->cl = *clh;
	else
		b->cm = *cmh;
	h = obj_add(&c->tbl, OBJ_BIND, b);
	if (h == 0)
		return CM_RESOURCES;
	b->h = h;
	out->v = h;
	/* A client bound late still hears of every AF already there. */
	if (role == ROLE_CLIENT)
		for (i = 0; i < c->n_afregs; i++)
			clh->af_register_notify(ctx, &c->afregs[i].af);
	return CM_SUCCESS;
}

enum cm_status
cl_register(struct core *c, const struct cl_handlers *h, void *bind_ctx, struct cm_bind_h *out)
{
	return register_binding(c, ROLE_CLIENT, h, NULL, bind_ctx, out);
}

enum cm_status
cm_register(struct core *c, const struct cm_handlers *h, void *bind_ctx, struct cm_bind_h *out)
{
	return register_binding(c, ROLE_CM, NULL, h, bind_ctx, out);
}

enum cm_status
mcm_register(struct core *c, const struct cm_handlers *h, void *bind_ctx, struct cm_bind_h *out)
{
	return register_binding(c, ROLE_MCM, NULL, h, bind_ctx, out);
}

enum cm_status
core_deregister(struct core *c, struct cm_bind_h bh)
{
	struct bind *b = bind_get(c, bh.v);
	unsigned int i;

	if (b == NULL)
		return CM_FAILURE;
	if (b->n_afs != 0)
		return CM_NOT_ACCEPTED;
	for (i = 0; i < c->n_afregs;)
		if (c->afregs[i].owner == bh.v)
			c->afregs[i] = c->afregs[--c->n_afregs];
		else
			i++;
	obj_del(&c->tbl, bh.v);
	return CM_SUCCESS;
}

static struct afreg *
afreg_find(struct core *c, uint16_t family)
{
	unsigned int i;

	for (i = 0; i < c->n_afregs; i++)
		if (c->afregs[i].af.family == family)
			return &c->afregs[i];
	return NULL;
}

static enum cm_status
register_af(struct core *c, enum bind_role role, struct cm_bind_h bh, const struct cm_af *af)
{
	struct bind *b = bind_get(c, bh.v);
	struct afreg *r;
	uint32_t slot = 0;

	if (b == NULL || b->role != role || af == NULL)
		return CM_FAILURE;
	/* One CM per AF type (model §1); a second one is refused rather
	 * than displacing the first. */
	if (afreg_find(c, af->family) != NULL)
		return CM_FAILURE;
	if (c->n_afregs == CORE_MAX_AFS)
		return CM_RESOURCES;
	r = &c->afregs[c->n_afregs++];
	r->af = *af;
	r->owner = bh.v;
	while ((b = obj_next(&c->tbl, OBJ_BIND, &slot)) != NULL)
		if (b->role == ROLE_CLIENT)
			b->cl.af_register_notify(b->ctx, af);
	return CM_SUCCESS;
}

enum cm_status
cm_register_af(struct core *c, struct cm_bind_h b, const struct cm_af *af)
{
	return register_af(c, ROLE_CM, b, af);
}

enum cm_status
mcm_register_af(struct core *c, struct cm_bind_h b, const struct cm_af *af)
{
	return register_af(c, ROLE_MCM, b, af);
}

static void
afo_free(struct core *c, struct afo *a)
{
	struct bind *b;

	if ((b = bind_get(c, a->client)) != NULL)
		b->n_afs--;
	if ((b = bind_get(c, a->cm)) != NULL)
		b->n_afs--;
	obj_del(&c->tbl, a->h);
}

enum cm_status
cl_open_af(struct core *c, struct cm_bind_h bh, const struct cm_af *af, void *af_ctx,
	   struct cm_af_h *out)
{
	struct bind *b = bind_get(c, bh.v), *cm;
	struct afreg *r;
	struct afo *a;
	enum cm_status st;
	void *cm_ctx = NULL;
	uint64_t h;

	out->v = 0;
	if (b == NULL || b->role != ROLE_CLIENT || af == NULL)
		return CM_FAILURE;
	r = afreg_find(c, af->family);
	if (r == NULL)
		return CM_FAILURE;
	a = calloc(1, sizeof(*a));
	if (a == NULL)
		return CM_RESOURCES;
	a->af = *af;
	a->client = bh.v;
	a->cm = r->owner;
	a->cl_ctx = af_ctx;
	a->state = AF_OPENING;
	h = obj_add(&c->tbl, OBJ_AF, a);
	if (h == 0)
		return CM_RESOURCES;
	a->h = h;
	b->n_afs++;
	cm = bind_get(c, a->cm);
	cm->n_afs++;
	out->v = h;
	st = cm->cm.open_af(cm->ctx, af, *out, &cm_ctx);
	a = afo_get(c, h);
	if (a == NULL || a->state != AF_OPENING)
		return st; /* completed from inside the handler */
	if (st == CM_SUCCESS) {
		a->cm_ctx = cm_ctx;
		a->state = AF_OPEN;
	} else if (st != CM_PENDING) {
		afo_free(c, a);
		out->v = 0;
	}
	return st;
}

/* The CM's side of an AF, if role is the AF's CM's. */
static struct afo *
afo_for_cm(struct core *c, enum bind_role role, struct cm_af_h h)
{
	struct afo *a = afo_get(c, h.v);

	return a != NULL && afo_cm_role(c, a) == role ? a : NULL;
}

static enum cm_status
open_af_complete(struct core *c, enum bind_role role, enum cm_status status, struct cm_af_h h,
		 void *cm_ctx)
{
	struct afo *a = afo_for_cm(c, role, h);
	const struct cl_handlers *cl;
	void *cl_ctx;

	if (a == NULL || a->state != AF_OPENING || !completion_status_ok(status))
		return CM_FAILURE;
	cl = afo_client(c, a);
	cl_ctx = a->cl_ctx;
	if (status == CM_SUCCESS) {
		a->cm_ctx = cm_ctx;
		a->state = AF_OPEN;
	} else {
		afo_free(c, a);
	}
	cl->open_af_complete(cl_ctx, h, status);
	return CM_SUCCESS;
}

enum cm_status
cm_open_af_complete(struct core *c, enum cm_status status, struct cm_af_h af, void *cm_af_ctx)
{
	return open_af_complete(c, ROLE_CM, status, af, cm_af_ctx);
}

enum cm_status
mcm_open_af_complete(struct core *c, enum cm_status status, struct cm_af_h af, void *cm_af_ctx)
{
	return open_af_complete(c, ROLE_MCM, status, af, cm_af_ctx);
}

/* The AF is gone: a notification still pending completes with it. */
static void
af_closed(struct core *c, struct afo *a)
{
	const struct cm_handlers *cm = afo_cm(c, a);
	bool notified = a->notify_pending;
	void *cm_ctx = a->cm_ctx;

	afo_free(c, a);
	if (notified)
		cm->notify_close_af_complete(cm_ctx, CM_SUCCESS);
}

enum cm_status
cl_close_af(struct core *c, struct cm_af_h h)
{
	struct afo *a = afo_get(c, h.v);
	enum af_state before;
	enum cm_status st;

	if (a == NULL || (a->state != AF_OPEN && a->state != AF_CLOSE_NOTIFIED))
		return CM_FAILURE;
	if (a->n_saps != 0 || a->n_vcs != 0)
		return CM_NOT_ACCEPTED;
	before = a->state;
	a->state = AF_CLOSING;
	st = afo_cm(c, a)->close_af(a->cm_ctx);
	a = afo_get(c, h.v);
	if (a == NULL || a->state != AF_CLOSING)
		return st;
	if (st == CM_SUCCESS)
		af_closed(c, a);
	else if (st != CM_PENDING)
		a->state = before;
	return st;
}

static enum cm_status
close_af_complete(struct core *c, enum bind_role role, enum cm_status status, struct cm_af_h h)
{
	struct afo *a = afo_for_cm(c, role, h);
	const struct cl_handlers *cl;
	void *cl_ctx;

	if (a == NULL || a->state != AF_CLOSING || !completion_status_ok(status))
		return CM_FAILURE;
	cl = afo_client(c, a);
	cl_ctx = a->cl_ctx;
	if (status == CM_SUCCESS)
		af_closed(c, a);
	else
		a->state = a->notify_pending ? AF_CLOSE_NOTIFIED : AF_OPEN;
	cl->close_af_complete(status, cl_ctx);
	return CM_SUCCESS;
}

enum cm_status
cm_close_af_complete(struct core *c, enum cm_status status, struct cm_af_h af)
{
	return close_af_complete(c, ROLE_CM, status, af);
}

enum cm_status
mcm_close_af_complete(struct core *c, enum cm_status status, struct cm_af_h af)
{
	return close_af_complete(c, ROLE_MCM, status, af);
}

/*
 * CM-initiated close (model §4.8): the client closes its calls, SAPs and
 * the AF inside notify_close_af. If it pends, the notification completes
 * when the AF closes, or through cl_notify_close_af_complete.
 */
static enum cm_status
notify_close_af(struct core *c, enum bind_role role, struct cm_af_h h)
{
	struct afo *a = afo_for_cm(c, role, h);
	void (*complete)(void *cm_af_ctx, enum cm_status status);
	enum cm_status st;
	void *cm_ctx;

	if (a == NULL || a->state != AF_OPEN)
		return CM_FAILURE;
	complete = afo_cm(c, a)->notify_close_af_complete;
	cm_ctx = a->cm_ctx;
	a->state = AF_CLOSE_NOTIFIED;
	st = afo_client(c, a)->notify_close_af(a->cl_ctx);
	a = afo_get(c, h.v);
	if (a == NULL) {
		/* Closed inside the handler; a CM told PENDING still hears
		 * the completion (R2), which the client can no longer send. */
		if (st == CM_PENDING)
			complete(cm_ctx, CM_SUCCESS);
	} else if (st == CM_PENDING) {
		a->notify_pending = true;
	} else if (a->state == AF_CLOSE_NOTIFIED && st != CM_SUCCESS) {
		a->state = AF_OPEN; /* the client refused */
	}
	return st;
}

enum cm_status
cm_notify_close_af(struct core *c, struct cm_af_h af)
{
	return notify_close_af(c, ROLE_CM, af);
}

enum cm_status
mcm_notify_close_af(struct core *c, struct cm_af_h af)
{
	return notify_close_af(c, ROLE_MCM, af);
}

enum cm_status
cl_notify_close_af_complete(struct core *c, struct cm_af_h h, enum cm_status status)
{
	struct afo *a = afo_get(c, h.v);

	if (a == NULL || !a->notify_pending || !completion_status_ok(status))
		return CM_FAILURE;
	a->notify_pending = false;
	if (status != CM_SUCCESS && a->state == AF_CLOSE_NOTIFIED)
		a->state = AF_OPEN;
	afo_cm(c, a)->notify_close_af_complete(a->cm_ctx, status);
	return CM_SUCCESS;
}

static void
sapo_free(struct core *c, struct sapo *s)
{
	struct afo *a = afo_get(c, s->af);

	if (a != NULL)
		a->n_saps--;
	obj_del(&c->tbl, s->h);
}

enum cm_status
cl_register_sap(struct core *c, struct cm_af_h af, void *sap_ctx, const struct cm_sap *sap,
		struct cm_sap_h *out)
{
	struct afo *a = afo_get(c, af.v);
	struct sapo *s;
	enum cm_status st;
	void *cm_ctx = NULL;
	uint64_t h;

	out->v = 0;
	if (a == NULL || a->state != AF_OPEN)
		return CM_FAILURE;
	if (sap == NULL)
		return CM_INVALID_DATA;
	s = calloc(1, sizeof(*s));
	if (s == NULL)
		return CM_RESOURCES;
	s->af = af.v;
	s->sap = *sap;
	s->sap.remote_end_id[CM_REMOTE_END_ID_MAX - 1] = '\0';
	s->cl_ctx = sap_ctx;
	s->state = SAP_REGISTERING;
	h = obj_add(&c->tbl, OBJ_SAP, s);
	if (h == 0)
		return CM_RESOURCES;
	s->h = h;
	a->n_saps++;
	out->v = h;
	/* Calls may arrive before this returns (model §3.1). */
	st = afo_cm(c, a)->register_sap(a->cm_ctx, &s->sap, *out, &cm_ctx);
	s = sapo_get(c, h);
	if (s == NULL || s->state != SAP_REGISTERING)
		return st;
	if (st == CM_SUCCESS) {
		s->cm_ctx = cm_ctx;
		s->state = SAP_REGISTERED;
	} else if (st != CM_PENDING) {
		sapo_free(c, s);
		out->v = 0;
	}
	return st;
}

static struct sapo *
sapo_for_cm(struct core *c, enum bind_role role, struct cm_sap_h h)
{
	struct sapo *s = sapo_get(c, h.v);
	struct afo *a = s != NULL ? afo_get(c, s->af) : NULL;

	return a != NULL && afo_cm_role(c, a) == role ? s : NULL;
}

static enum cm_status
register_sap_complete(struct core *c, enum bind_role role, enum cm_status status, struct cm_sap_h h,
		      void *cm_ctx)
{
	struct sapo *s = sapo_for_cm(c, role, h);
	const struct cl_handlers *cl;
	struct cm_sap sap;
	void *cl_ctx;

	if (s == NULL || s->state != SAP_REGISTERING || !completion_status_ok(status))
		return CM_FAILURE;
	cl = afo_client(c, afo_get(c, s->af));
	cl_ctx = s->cl_ctx;
	sap = s->sap;
	if (status == CM_SUCCESS) {
		s->cm_ctx = cm_ctx;
		s->state = SAP_REGISTERED;
	} else {
		sapo_free(c, s);
	}
	cl->register_sap_complete(status, cl_ctx, &sap, h);
	return CM_SUCCESS;
}

enum cm_status
cm_register_sap_complete(struct core *c, enum cm_status status, struct cm_sap_h sap,
			 void *cm_sap_ctx)
{
	return register_sap_complete(c, ROLE_CM, status, sap, cm_sap_ctx);
}

enum cm_status
mcm_register_sap_complete(struct core *c, enum cm_status status, struct cm_sap_h sap,
			  void *cm_sap_ctx)
{
	return register_sap_complete(c, ROLE_MCM, status, sap, cm_sap_ctx);
}

enum cm_status
cl_deregister_sap(struct core *c, struct cm_sap_h h)
{
	struct sapo *s = sapo_get(c, h.v);
	enum cm_status st;

	if (s == NULL || s->state != SAP_REGISTERED)
		return CM_FAILURE;
	s->state = SAP_DEREGISTERING;
	st = afo_cm(c, afo_get(c, s->af))->deregister_sap(s->cm_ctx);
	s = sapo_get(c, h.v);
	if (s == NULL || s->state != SAP_DEREGISTERING)
		return st;
	if (st == CM_SUCCESS)
		sapo_free(c, s);
	else if (st != CM_PENDING)
		s->state = SAP_REGISTERED;
	return st;
}

static enum cm_status
deregister_sap_complete(struct core *c, enum bind_role role, enum cm_status status,
			struct cm_sap_h h)
{
	struct sapo *s = sapo_for_cm(c, role, h);
	const struct cl_handlers *cl;
	void *cl_ctx;

	if (s == NULL || s->state != SAP_DEREGISTERING || !completion_status_ok(status))
		return CM_FAILURE;
	cl = afo_client(c, afo_get(c, s->af));
	cl_ctx = s->cl_ctx;
	if (status == CM_SUCCESS)
		sapo_free(c, s);
	else
		s->state = SAP_REGISTERED;
	cl->deregister_sap_complete(status, cl_ctx);
	return CM_SUCCESS;
}

enum cm_status
cm_deregister_sap_complete(struct core *c, enum cm_status status, struct cm_sap_h sap)
{
	return deregister_sap_complete(c, ROLE_CM, status, sap);
}

enum cm_status
mcm_deregister_sap_complete(struct core *c, enum cm_status status, struct cm_sap_h sap)
{
	return deregister_sap_complete(c, ROLE_MCM, status, sap);
}

void
core_link_status(struct core *c, uint16_t port, bool up)
{
	struct bind *b;
	uint32_t slot = 0;

	while ((b = obj_next(&c->tbl, OBJ_BIND, &slot)) != NULL)
		if (b->role != ROLE_CLIENT)
			b->cm.link_status(b->ctx, port, up);
}

void
core_get_counts(const struct core *c, struct core_counts *n)
{
	const struct vco *v;
	uint32_t slot = 0;

	memset(n, 0, sizeof(*n));
	n->bindings = c->tbl.live[OBJ_BIND];
	n->afs = c->tbl.live[OBJ_AF];
	n->saps = c->tbl.live[OBJ_SAP];
	n->vcs = c->tbl.live[OBJ_VC];
	n->parties = c->tbl.live[OBJ_PARTY];
	n->calls_setup = c->calls_setup;
	n->calls_closed = c->calls_closed;
	while ((v = obj_next(&c->tbl, OBJ_VC, &slot)) != NULL) {
		if (v->call == CM_CALL_OFFERED || v->call == CM_CALL_ACCEPTED)
			n->calls_offered++;
		else if (v->call == CM_CALL_CONNECTED)
			n->calls_connected++;
		else if (v->call == CM_CALL_INCOMING_CLOSE || v->call == CM_CALL_CLOSING)
			n->calls_closing++;
	}
}
