/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The call-management core's test harness: see ut_cm.h. Handlers only
 * record and answer as scripted; what is right or wrong is the tests'
 * business, except what only the harness can see (a delivery about an
 * object the core let go of, a miniport VC misused), which it counts in
 * env->errors and marks in the log with "!gone".
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <CUnit/CUnit.h>

#include "ut_cm.h"

#define SLOT_CACHE_MAX (1u << 20)

static const char *const handler_names[UT_HANDLERS] = {
	[UT_CL_AF_REGISTER_NOTIFY] = "af_register_notify",
	[UT_CL_OPEN_AF_COMPLETE] = "open_af_complete",
	[UT_CL_CLOSE_AF_COMPLETE] = "close_af_complete",
	[UT_CL_REGISTER_SAP_COMPLETE] = "register_sap_complete",
	[UT_CL_DEREGISTER_SAP_COMPLETE] = "deregister_sap_complete",
	[UT_CL_MAKE_CALL_COMPLETE] = "make_call_complete",
	[UT_CL_CLOSE_CALL_COMPLETE] = "close_call_complete",
	[UT_CL_ADD_PARTY_COMPLETE] = "add_party_complete",
	[UT_CL_DROP_PARTY_COMPLETE] = "drop_party_complete",
	[UT_CL_MODIFY_CALL_QOS_COMPLETE] = "modify_call_qos_complete",
	[UT_CL_INCOMING_CALL] = "incoming_call",
	[UT_CL_CALL_CONNECTED] = "call_connected",
	[UT_CL_INCOMING_CLOSE_CALL] = "incoming_close_call",
	[UT_CL_INCOMING_DROP_PARTY] = "incoming_drop_party",
	[UT_CL_INCOMING_CALL_QOS_CHANGE] = "incoming_call_qos_change",
	[UT_CL_NOTIFY_CLOSE_AF] = "notify_close_af",
	[UT_CL_CREATE_VC] = "create_vc",
	[UT_CL_DELETE_VC] = "delete_vc",
	[UT_CM_OPEN_AF] = "open_af",
	[UT_CM_CLOSE_AF] = "close_af",
	[UT_CM_REGISTER_SAP] = "register_sap",
	[UT_CM_DEREGISTER_SAP] = "deregister_sap",
	[UT_CM_MAKE_CALL] = "make_call",
	[UT_CM_CLOSE_CALL] = "close_call",
	[UT_CM_INCOMING_CALL_COMPLETE] = "incoming_call_complete",
	[UT_CM_ADD_PARTY] = "add_party",
	[UT_CM_DROP_PARTY] = "drop_party",
	[UT_CM_MODIFY_CALL_QOS] = "modify_call_qos",
	[UT_CM_ACTIVATE_VC_COMPLETE] = "activate_vc_complete",
	[UT_CM_DEACTIVATE_VC_COMPLETE] = "deactivate_vc_complete",
	[UT_CM_NOTIFY_CLOSE_AF_COMPLETE] = "notify_close_af_complete",
	[UT_CM_CREATE_VC] = "create_vc",
	[UT_CM_DELETE_VC] = "delete_vc",
	[UT_CM_LINK_STATUS] = "link_status",
};

static const char kind_letter[UT_KINDS] = {'A', 'S', 'V', 'P'};

/* For a handler that got no context at all to find its actor by. */
static struct ut_env *cur_env;

/* ---- the event log ---- */

static void __attribute__((format(printf, 2, 3))) log_add(struct ut_env *e, const char *fmt, ...)
{
	va_list ap;

	if (e->n_log == e->cap_log) {
		unsigned int cap = e->cap_log == 0 ? 64 : e->cap_log * 2;
		char(*log)[UT_EVENT_LEN] = realloc(e->log, cap * sizeof(*log));

		if (log == NULL) {
			e->errors++;
			return;
		}
		e->log = log;
		e->cap_log = cap;
	}
	va_start(ap, fmt);
	vsnprintf(e->log[e->n_log++], UT_EVENT_LEN, fmt, ap);
	va_end(ap);
}

void
ut_log_clear(struct ut_env *e)
{
	e->n_log = 0;
}

void
ut_log_dump(const struct ut_env *e, const char *title)
{
	unsigned int i;

	fprintf(stderr, "  %s (%u):\n", title, e->n_log);
	for (i = 0; i < e->n_log; i++)
		fprintf(stderr, "    %s\n", e->log[i]);
}

/* expected with every "$" replaced by e->subst, "#" by e->subst_co */
static void
subst(const struct ut_env *e, const char *in, char *out, size_t size)
{
	size_t n = 0, k;

	for (; *in != '\0' && n + 1 < size; in++) {
		const char *with = *in == '$' ? e->subst : *in == '#' ? e->subst_co : NULL;

		if (with == NULL) {
			out[n++] = *in;
			continue;
		}
		for (k = 0; with[k] != '\0' && n + 1 < size; k++)
			out[n++] = with[k];
	}
	out[n] = '\0';
}

bool
ut_log_expect(struct ut_env *e, const char *file, unsigned int line, const char *const *expected)
{
	char want[UT_EVENT_LEN];
	unsigned int n = 0, i;
	bool ok;

	while (expected[n] != NULL)
		n++;
	ok = n == e->n_log;
	for (i = 0; ok && i < n; i++) {
		subst(e, expected[i], want, sizeof(want));
		ok = strcmp(want, e->log[i]) == 0;
	}
	if (!ok) {
		fprintf(stderr, "\n%s:%u: event log mismatch\n  expected (%u):\n", file, line, n);
		for (i = 0; i < n; i++) {
			subst(e, expected[i], want, sizeof(want));
			fprintf(stderr, "    %s%s\n", want,
				i < e->n_log && strcmp(want, e->log[i]) == 0 ? "" : "   <--");
		}
		ut_log_dump(e, "got");
	}
	CU_assertImplementation(ok, line, "event log as expected", file, "", CU_FALSE);
	ut_log_clear(e);
	return ok;
}

bool
ut_status_is(enum cm_status got, enum cm_status want, const char *expr, const char *file,
	     unsigned int line)
{
	char what[256];

	snprintf(what, sizeof(what), "%s == %s (got %s)", expr, cm_status_name(want),
		 cm_status_name(got));
	if (got != want)
		fprintf(stderr, "\n%s:%u: %s\n", file, line, what);
	CU_assertImplementation(got == want, line, what, file, "", CU_FALSE);
	return got == want;
}

static void __attribute__((format(printf, 2, 3)))
harness_error(struct ut_env *e, const char *fmt, ...)
{
	va_list ap;

	e->errors++;
	if (e->quiet)
		return;
	fprintf(stderr, "\nharness: ");
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fprintf(stderr, "\n");
}

/* ---- objects ---- */

struct ut_obj *
ut_obj_new(struct ut_env *e, enum ut_kind kind)
{
	struct ut_obj *o = calloc(1, sizeof(*o));

	if (o == NULL) {
		fprintf(stderr, "out of memory\n");
		abort();
	}
	o->env = e;
	o->kind = kind;
	o->cl.obj = o;
	o->cm.obj = o;
	snprintf(o->name, sizeof(o->name), "%c%u", kind_letter[kind], ++e->next_id[kind]);
	o->next = e->objs;
	e->objs = o;
	return o;
}

void
ut_obj_bind(struct ut_env *e, struct ut_obj *o, uint64_t h)
{
	uint32_t slot = (uint32_t)h;

	if (h == 0)
		return;
	if (o->h != 0 && o->h != h)
		harness_error(e, "%s: handle changed from %#llx to %#llx", o->name,
			      (unsigned long long)o->h, (unsigned long long)h);
	o->h = h;
	if (slot >= SLOT_CACHE_MAX)
		return;
	if (slot >= e->cap_slot) {
		uint32_t cap = e->cap_slot == 0 ? 256 : e->cap_slot;
		struct ut_obj **t;

		while (cap <= slot)
			cap *= 2;
		t = realloc(e->by_slot, cap * sizeof(*t));
		if (t == NULL)
			return;
		memset(t + e->cap_slot, 0, (cap - e->cap_slot) * sizeof(*t));
		e->by_slot = t;
		e->cap_slot = cap;
	}
	e->by_slot[slot] = o;
}

struct ut_obj *
ut_obj_by_name(struct ut_env *e, const char *name)
{
	struct ut_obj *o;

	for (o = e->objs; o != NULL; o = o->next)
		if (strcmp(o->name, name) == 0)
			return o;
	return NULL;
}

struct ut_obj *
ut_obj_find(struct ut_env *e, enum ut_kind kind, uint64_t h)
{
	uint32_t slot = (uint32_t)h;
	struct ut_obj *o;

	if (h == 0)
		return NULL;
	if (slot < e->cap_slot && (o = e->by_slot[slot]) != NULL && o->h == h && o->kind == kind)
		return o;
	/* a handle the core is handing out right now */
	o = e->creating[kind];
	if (o != NULL && o->h == 0) {
		ut_obj_bind(e, o, h);
		return o;
	}
	for (o = e->objs; o != NULL; o = o->next)
		if (o->kind == kind && o->h == h)
			return o;
	return NULL;
}

static struct ut_obj *
obj_of(void *ctx)
{
	return ctx != NULL ? ((struct ut_ctx *)ctx)->obj : NULL;
}

static struct ut_actor *
actor_of(void *ctx)
{
	return ctx != NULL ? ((struct ut_ctx *)ctx)->actor : NULL;
}

static const char *
name_of(const struct ut_obj *o)
{
	return o != NULL ? o->name : "-";
}

static struct ut_obj *
af_of(const struct ut_obj *o)
{
	if (o == NULL)
		return NULL;
	switch (o->kind) {
	case UT_AF:
		return (struct ut_obj *)o;
	case UT_SAP:
	case UT_VC:
		return o->af;
	case UT_PARTY:
		return o->vc != NULL ? o->vc->af : NULL;
	default:
		return NULL;
	}
}

struct ut_actor *
ut_cm_of(const struct ut_obj *o)
{
	struct ut_obj *af = af_of(o);

	return af != NULL ? af->cm.actor : NULL;
}

struct ut_actor *
ut_cl_of(const struct ut_obj *o)
{
	struct ut_obj *af = af_of(o);

	return af != NULL ? af->cl.actor : NULL;
}

static struct ut_actor *
actor_for_family(struct ut_env *e, uint16_t family)
{
	unsigned int i;

	for (i = 0; i < e->n_actors; i++)
		if (e->actors[i].role != UT_CLIENT && e->actors[i].family == family)
			return &e->actors[i];
	return NULL;
}

/* An actor of that side when a handler got no context to tell. */
static struct ut_actor *
some_actor(struct ut_env *e, bool client)
{
	unsigned int i;

	for (i = 0; i < e->n_actors; i++)
		if ((e->actors[i].role == UT_CLIENT) == client)
			return &e->actors[i];
	return NULL;
}

void
ut_party_attach(struct ut_obj *party, struct ut_obj *vc)
{
	party->vc = vc;
	party->next_party = vc->parties;
	vc->parties = party;
}

/* The call is over: its party went with it. */
static void
vc_parties_gone(struct ut_env *e, struct ut_obj *vc)
{
	struct ut_obj *o;

	(void)e;
	for (o = vc->parties; o != NULL; o = o->next_party)
		o->gone = true;
	vc->party = NULL;
}

/* ---- handlers ---- */

static bool
call_late(const struct ut_call *c)
{
	if (c->h == UT_CM_NOTIFY_CLOSE_AF_COMPLETE)
		return false; /* may complete with the AF (a documented choice) */
	return (c->af != NULL && c->af->gone) || (c->sap != NULL && c->sap->gone) ||
	       (c->vc != NULL && c->vc->gone) || (c->party != NULL && c->party->gone);
}

static void
run_script(struct ut_call *c)
{
	/* a copy: a one-shot script is reset before its actions run, so
	 * that a nested call of the same handler gets the default */
	struct ut_script s = c->actor->script[c->h];
	unsigned int i;

	c->ret = s.ret;
	if (s.once)
		ut_reset(c->actor, c->h);
	for (i = 0; i < s.n_actions; i++)
		s.actions[i].fn(c, s.actions[i].arg);
}

static enum cm_status __attribute__((format(printf, 2, 3)))
run(struct ut_call *c, const char *fmt, ...)
{
	struct ut_actor *a = c->actor;
	struct ut_env *e;
	char args[UT_EVENT_LEN];
	bool late;
	va_list ap;

	if (a == NULL) {
		fprintf(stderr, "harness: handler %s without an actor\n", handler_names[c->h]);
		abort();
	}
	e = a->env;
	va_start(ap, fmt);
	vsnprintf(args, sizeof(args), fmt, ap);
	va_end(ap);
	late = call_late(c);
	if (late)
		harness_error(e, "%s.%s(%s) about an object the core let go of", a->name,
			      handler_names[c->h], args);
	log_add(e, "%s.%s(%s)%s", a->name, handler_names[c->h], args, late ? "!gone" : "");
	a->calls[c->h]++;
	if (c->p != NULL) {
		a->last_params = *c->p;
		a->last_params_set = true;
	}
	if (c->data != NULL || c->size != 0) {
		a->last_size = c->size;
		if (c->data != NULL)
			memcpy(a->last_data, c->data,
			       c->size < sizeof(a->last_data) ? c->size : sizeof(a->last_data));
	}
	c->ret = CM_SUCCESS;
	e->depth++;
	if (e->hook != NULL)
		e->hook(c, e->hook_arg);
	else
		run_script(c);
	e->depth--;
	return c->ret;
}

/* ", party=P1" or nothing, ", data=N" or nothing */
static const char *
opt_party(char *buf, size_t size, const struct ut_obj *p)
{
	if (p == NULL)
		buf[0] = '\0';
	else
		snprintf(buf, size, ",party=%s", p->name);
	return buf;
}

static const char *
opt_data(char *buf, size_t size, const void *data, size_t n)
{
	if (data == NULL && n == 0)
		buf[0] = '\0';
	else
		snprintf(buf, size, ",data=%zu", n);
	return buf;
}

#define ST(s) cm_status_name(s)

static void
cl_af_register_notify(void *bind_ctx, const struct cm_af *af)
{
	struct ut_call c = {.actor = bind_ctx, .h = UT_CL_AF_REGISTER_NOTIFY, .family = af->family};

	run(&c, "family=%#x", af->family);
}

static void
cl_open_af_complete(void *af_ctx, struct cm_af_h af, enum cm_status status)
{
	struct ut_call c = {.actor = actor_of(af_ctx),
			    .h = UT_CL_OPEN_AF_COMPLETE,
			    .status = status,
			    .af = obj_of(af_ctx)};

	if (c.af != NULL && c.af->h != af.v)
		harness_error(c.actor->env, "open_af_complete: %s's handle changed", c.af->name);
	run(&c, "af=%s,%s", name_of(c.af), ST(status));
	if (status != CM_SUCCESS && c.af != NULL)
		c.af->gone = true;
}

static void
cl_close_af_complete(enum cm_status status, void *af_ctx)
{
	struct ut_call c = {.actor = actor_of(af_ctx),
			    .h = UT_CL_CLOSE_AF_COMPLETE,
			    .status = status,
			    .af = obj_of(af_ctx)};

	run(&c, "%s,af=%s", ST(status), name_of(c.af));
	if (status == CM_SUCCESS && c.af != NULL)
		c.af->gone = true;
}

static void
cl_register_sap_complete(enum cm_status status, void *sap_ctx, const struct cm_sap *sap,
			 struct cm_sap_h sap_h)
{
	struct ut_call c = {.actor = actor_of(sap_ctx),
			    .h = UT_CL_REGISTER_SAP_COMPLETE,
			    .status = status,
			    .sap = obj_of(sap_ctx)};

	(void)sap;
	if (c.sap != NULL && c.sap->h != sap_h.v)
		harness_error(c.actor->env, "register_sap_complete: %s's handle changed",
			      c.sap->name);
	run(&c, "%s,sap=%s", ST(status), name_of(c.sap));
	if (status != CM_SUCCESS && c.sap != NULL)
		c.sap->gone = true;
}

static void
cl_deregister_sap_complete(enum cm_status status, void *sap_ctx)
{
	struct ut_call c = {.actor = actor_of(sap_ctx),
			    .h = UT_CL_DEREGISTER_SAP_COMPLETE,
			    .status = status,
			    .sap = obj_of(sap_ctx)};

	run(&c, "%s,sap=%s", ST(status), name_of(c.sap));
	if (status == CM_SUCCESS && c.sap != NULL)
		c.sap->gone = true;
}

static void
cl_make_call_complete(enum cm_status status, void *vc_ctx, struct cm_party_h party,
		      struct cm_call_params *p)
{
	struct ut_call c = {.actor = actor_of(vc_ctx),
			    .h = UT_CL_MAKE_CALL_COMPLETE,
			    .status = status,
			    .vc = obj_of(vc_ctx),
			    .p = p};
	char pb[32];

	c.party = c.actor != NULL ? ut_obj_find(c.actor->env, UT_PARTY, party.v) : NULL;
	if (party.v != 0 && c.party == NULL)
		harness_error(c.actor->env, "make_call_complete: unknown party %#llx",
			      (unsigned long long)party.v);
	run(&c, "%s,vc=%s%s", ST(status), name_of(c.vc), opt_party(pb, sizeof(pb), c.party));
	if (c.vc != NULL && c.vc->party != NULL) {
		if (status != CM_SUCCESS)
			c.vc->party->gone = true; /* model §3.3: PartyH invalid on failure */
		c.vc->party = NULL;
	}
}

static void
cl_close_call_complete(enum cm_status status, void *vc_ctx, void *party_ctx)
{
	struct ut_call c = {.actor = actor_of(vc_ctx),
			    .h = UT_CL_CLOSE_CALL_COMPLETE,
			    .status = status,
			    .vc = obj_of(vc_ctx),
			    .party = obj_of(party_ctx)};
	char pb[32];

	run(&c, "%s,vc=%s%s", ST(status), name_of(c.vc), opt_party(pb, sizeof(pb), c.party));
	if (status == CM_SUCCESS && c.vc != NULL)
		vc_parties_gone(c.actor->env, c.vc);
}

static void
cl_add_party_complete(enum cm_status status, void *party_ctx, struct cm_party_h party,
		      struct cm_call_params *p)
{
	struct ut_call c = {.actor = actor_of(party_ctx),
			    .h = UT_CL_ADD_PARTY_COMPLETE,
			    .status = status,
			    .party = obj_of(party_ctx),
			    .p = p};

	if (status == CM_SUCCESS && c.party != NULL && c.party->h != party.v)
		harness_error(c.actor->env, "add_party_complete: %s's handle changed",
			      c.party->name);
	run(&c, "%s,party=%s", ST(status), name_of(c.party));
	if (status != CM_SUCCESS && c.party != NULL)
		c.party->gone = true;
}

static void
cl_drop_party_complete(enum cm_status status, void *party_ctx)
{
	struct ut_call c = {.actor = actor_of(party_ctx),
			    .h = UT_CL_DROP_PARTY_COMPLETE,
			    .status = status,
			    .party = obj_of(party_ctx)};

	run(&c, "%s,party=%s", ST(status), name_of(c.party));
	if (status == CM_SUCCESS && c.party != NULL)
		c.party->gone = true;
}

static void
cl_modify_call_qos_complete(enum cm_status status, void *vc_ctx, struct cm_call_params *p)
{
	struct ut_call c = {.actor = actor_of(vc_ctx),
			    .h = UT_CL_MODIFY_CALL_QOS_COMPLETE,
			    .status = status,
			    .vc = obj_of(vc_ctx),
			    .p = p};

	run(&c, "%s,vc=%s", ST(status), name_of(c.vc));
}

static enum cm_status
cl_incoming_call(void *sap_ctx, void *vc_ctx, struct cm_call_params *p)
{
	struct ut_call c = {.actor = actor_of(vc_ctx),
			    .h = UT_CL_INCOMING_CALL,
			    .sap = obj_of(sap_ctx),
			    .vc = obj_of(vc_ctx),
			    .p = p};

	return run(&c, "sap=%s,vc=%s", name_of(c.sap), name_of(c.vc));
}

static void
cl_call_connected(void *vc_ctx)
{
	struct ut_call c = {
		.actor = actor_of(vc_ctx), .h = UT_CL_CALL_CONNECTED, .vc = obj_of(vc_ctx)};

	run(&c, "vc=%s", name_of(c.vc));
}

static void
cl_incoming_close_call(enum cm_status status, void *vc_ctx, const void *data, size_t size)
{
	struct ut_call c = {.actor = actor_of(vc_ctx),
			    .h = UT_CL_INCOMING_CLOSE_CALL,
			    .status = status,
			    .vc = obj_of(vc_ctx),
			    .data = data,
			    .size = size};
	char db[32];

	run(&c, "%s,vc=%s%s", ST(status), name_of(c.vc), opt_data(db, sizeof(db), data, size));
}

static void
cl_incoming_drop_party(enum cm_status status, void *party_ctx, const void *data, size_t size)
{
	struct ut_call c = {.actor = actor_of(party_ctx),
			    .h = UT_CL_INCOMING_DROP_PARTY,
			    .status = status,
			    .party = obj_of(party_ctx),
			    .data = data,
			    .size = size};
	char db[32];

	if (c.party != NULL)
		c.vc = c.party->vc;
	run(&c, "%s,party=%s%s", ST(status), name_of(c.party),
	    opt_data(db, sizeof(db), data, size));
}

static void
cl_incoming_call_qos_change(void *vc_ctx, struct cm_call_params *p)
{
	struct ut_call c = {.actor = actor_of(vc_ctx),
			    .h = UT_CL_INCOMING_CALL_QOS_CHANGE,
			    .vc = obj_of(vc_ctx),
			    .p = p};

	run(&c, "vc=%s", name_of(c.vc));
}

static enum cm_status
cl_notify_close_af(void *af_ctx)
{
	struct ut_call c = {
		.actor = actor_of(af_ctx), .h = UT_CL_NOTIFY_CLOSE_AF, .af = obj_of(af_ctx)};

	return run(&c, "af=%s", name_of(c.af));
}

static enum cm_status
cl_create_vc(void *af_ctx, struct cm_vc_h vc, void **vc_ctx)
{
	struct ut_call c = {.actor = actor_of(af_ctx), .h = UT_CL_CREATE_VC, .af = obj_of(af_ctx)};

	c.vc = ut_obj_find(c.actor->env, UT_VC, vc.v);
	if (c.vc == NULL) {
		harness_error(c.actor->env, "create_vc: VC %#llx made by nobody known",
			      (unsigned long long)vc.v);
		c.vc = ut_obj_new(c.actor->env, UT_VC);
		ut_obj_bind(c.actor->env, c.vc, vc.v);
	}
	c.vc->cl.actor = c.actor;
	*vc_ctx = &c.vc->cl;
	return run(&c, "af=%s,vc=%s", name_of(c.af), name_of(c.vc));
}

static enum cm_status
cl_delete_vc(void *vc_ctx)
{
	struct ut_call c = {.actor = actor_of(vc_ctx), .h = UT_CL_DELETE_VC, .vc = obj_of(vc_ctx)};

	return run(&c, "vc=%s", name_of(c.vc));
}

static enum cm_status
cm_open_af(void *bind_ctx, const struct cm_af *af, struct cm_af_h af_h, void **cm_af_ctx)
{
	struct ut_call c = {.actor = bind_ctx, .h = UT_CM_OPEN_AF, .family = af->family};

	c.af = ut_obj_find(c.actor->env, UT_AF, af_h.v);
	if (c.af == NULL) {
		harness_error(c.actor->env, "open_af: unknown AF %#llx",
			      (unsigned long long)af_h.v);
		c.af = ut_obj_new(c.actor->env, UT_AF);
		ut_obj_bind(c.actor->env, c.af, af_h.v);
	}
	c.af->cm.actor = c.actor;
	*cm_af_ctx = &c.af->cm;
	return run(&c, "af=%s", name_of(c.af));
}

static enum cm_status
cm_close_af(void *cm_af_ctx)
{
	struct ut_call c = {
		.actor = actor_of(cm_af_ctx), .h = UT_CM_CLOSE_AF, .af = obj_of(cm_af_ctx)};

	return run(&c, "af=%s", name_of(c.af));
}

static enum cm_status
cm_register_sap(void *cm_af_ctx, const struct cm_sap *sap, struct cm_sap_h sap_h, void **cm_sap_ctx)
{
	struct ut_call c = {
		.actor = actor_of(cm_af_ctx), .h = UT_CM_REGISTER_SAP, .af = obj_of(cm_af_ctx)};

	(void)sap;
	c.sap = ut_obj_find(c.actor->env, UT_SAP, sap_h.v);
	if (c.sap == NULL) {
		harness_error(c.actor->env, "register_sap: unknown SAP %#llx",
			      (unsigned long long)sap_h.v);
		c.sap = ut_obj_new(c.actor->env, UT_SAP);
		ut_obj_bind(c.actor->env, c.sap, sap_h.v);
	}
	c.sap->cm.actor = c.actor;
	*cm_sap_ctx = &c.sap->cm;
	return run(&c, "af=%s,sap=%s", name_of(c.af), name_of(c.sap));
}

static enum cm_status
cm_deregister_sap(void *cm_sap_ctx)
{
	struct ut_call c = {.actor = actor_of(cm_sap_ctx),
			    .h = UT_CM_DEREGISTER_SAP,
			    .sap = obj_of(cm_sap_ctx)};

	return run(&c, "sap=%s", name_of(c.sap));
}

static enum cm_status
cm_make_call(void *cm_vc_ctx, struct cm_call_params *p, struct cm_party_h party,
	     void **cm_party_ctx)
{
	struct ut_call c = {.actor = actor_of(cm_vc_ctx),
			    .h = UT_CM_MAKE_CALL,
			    .vc = obj_of(cm_vc_ctx),
			    .p = p};
	char pb[32];

	c.party = ut_obj_find(c.actor->env, UT_PARTY, party.v);
	if (c.party != NULL)
		c.party->cm.actor = c.actor;
	*cm_party_ctx = c.party != NULL ? &c.party->cm : NULL;
	return run(&c, "vc=%s%s", name_of(c.vc), opt_party(pb, sizeof(pb), c.party));
}

static enum cm_status
cm_close_call(void *cm_vc_ctx, void *cm_party_ctx, const void *data, size_t size)
{
	struct ut_call c = {.actor = actor_of(cm_vc_ctx),
			    .h = UT_CM_CLOSE_CALL,
			    .vc = obj_of(cm_vc_ctx),
			    .party = obj_of(cm_party_ctx),
			    .data = data,
			    .size = size};
	char pb[32], db[32];

	return run(&c, "vc=%s%s%s", name_of(c.vc), opt_party(pb, sizeof(pb), c.party),
		   opt_data(db, sizeof(db), data, size));
}

static void
cm_incoming_call_complete(enum cm_status status, void *cm_vc_ctx, struct cm_call_params *p)
{
	struct ut_call c = {.actor = actor_of(cm_vc_ctx),
			    .h = UT_CM_INCOMING_CALL_COMPLETE,
			    .status = status,
			    .vc = obj_of(cm_vc_ctx),
			    .p = p};

	run(&c, "%s,vc=%s", ST(status), name_of(c.vc));
}

static enum cm_status
cm_add_party(void *cm_vc_ctx, struct cm_call_params *p, struct cm_party_h party,
	     void **cm_party_ctx)
{
	struct ut_call c = {.actor = actor_of(cm_vc_ctx),
			    .h = UT_CM_ADD_PARTY,
			    .vc = obj_of(cm_vc_ctx),
			    .p = p};

	c.party = ut_obj_find(c.actor->env, UT_PARTY, party.v);
	if (c.party == NULL)
		harness_error(c.actor->env, "add_party: unknown party %#llx",
			      (unsigned long long)party.v);
	else
		c.party->cm.actor = c.actor;
	*cm_party_ctx = c.party != NULL ? &c.party->cm : NULL;
	return run(&c, "vc=%s,party=%s", name_of(c.vc), name_of(c.party));
}

static enum cm_status
cm_drop_party(void *cm_party_ctx, const void *data, size_t size)
{
	struct ut_call c = {.actor = actor_of(cm_party_ctx),
			    .h = UT_CM_DROP_PARTY,
			    .party = obj_of(cm_party_ctx),
			    .data = data,
			    .size = size};
	char db[32];

	if (c.actor == NULL)
		c.actor = some_actor(cur_env, false);
	if (c.party != NULL)
		c.vc = c.party->vc;
	return run(&c, "party=%s%s", name_of(c.party), opt_data(db, sizeof(db), data, size));
}

static enum cm_status
cm_modify_call_qos(void *cm_vc_ctx, struct cm_call_params *p)
{
	struct ut_call c = {.actor = actor_of(cm_vc_ctx),
			    .h = UT_CM_MODIFY_CALL_QOS,
			    .vc = obj_of(cm_vc_ctx),
			    .p = p};

	return run(&c, "vc=%s", name_of(c.vc));
}

static void
cm_activate_vc_complete(enum cm_status status, void *cm_vc_ctx, struct cm_call_params *p)
{
	struct ut_call c = {.actor = actor_of(cm_vc_ctx),
			    .h = UT_CM_ACTIVATE_VC_COMPLETE,
			    .status = status,
			    .vc = obj_of(cm_vc_ctx),
			    .p = p};

	run(&c, "%s,vc=%s", ST(status), name_of(c.vc));
}

static void
cm_deactivate_vc_complete(enum cm_status status, void *cm_vc_ctx)
{
	struct ut_call c = {.actor = actor_of(cm_vc_ctx),
			    .h = UT_CM_DEACTIVATE_VC_COMPLETE,
			    .status = status,
			    .vc = obj_of(cm_vc_ctx)};

	run(&c, "%s,vc=%s", ST(status), name_of(c.vc));
}

static void
cm_notify_close_af_complete(void *cm_af_ctx, enum cm_status status)
{
	struct ut_call c = {.actor = actor_of(cm_af_ctx),
			    .h = UT_CM_NOTIFY_CLOSE_AF_COMPLETE,
			    .status = status,
			    .af = obj_of(cm_af_ctx)};

	run(&c, "af=%s,%s", name_of(c.af), ST(status));
}

static enum cm_status
cm_create_vc(void *cm_af_ctx, struct cm_vc_h vc, void **cm_vc_ctx)
{
	struct ut_call c = {
		.actor = actor_of(cm_af_ctx), .h = UT_CM_CREATE_VC, .af = obj_of(cm_af_ctx)};

	c.vc = ut_obj_find(c.actor->env, UT_VC, vc.v);
	if (c.vc == NULL) {
		harness_error(c.actor->env, "create_vc: VC %#llx made by nobody known",
			      (unsigned long long)vc.v);
		c.vc = ut_obj_new(c.actor->env, UT_VC);
		ut_obj_bind(c.actor->env, c.vc, vc.v);
	}
	c.vc->cm.actor = c.actor;
	*cm_vc_ctx = &c.vc->cm;
	return run(&c, "af=%s,vc=%s", name_of(c.af), name_of(c.vc));
}

static enum cm_status
cm_delete_vc(void *cm_vc_ctx)
{
	struct ut_call c = {
		.actor = actor_of(cm_vc_ctx), .h = UT_CM_DELETE_VC, .vc = obj_of(cm_vc_ctx)};

	return run(&c, "vc=%s", name_of(c.vc));
}

static void
cm_link_status(void *bind_ctx, uint16_t port, bool up)
{
	struct ut_call c = {.actor = bind_ctx, .h = UT_CM_LINK_STATUS, .port = port, .up = up};

	run(&c, "port=%u,%s", port, up ? "up" : "down");
}

static const struct cl_handlers cl_table = {
	.af_register_notify = cl_af_register_notify,
	.open_af_complete = cl_open_af_complete,
	.close_af_complete = cl_close_af_complete,
	.register_sap_complete = cl_register_sap_complete,
	.deregister_sap_complete = cl_deregister_sap_complete,
	.make_call_complete = cl_make_call_complete,
	.close_call_complete = cl_close_call_complete,
	.add_party_complete = cl_add_party_complete,
	.drop_party_complete = cl_drop_party_complete,
	.modify_call_qos_complete = cl_modify_call_qos_complete,
	.incoming_call = cl_incoming_call,
	.call_connected = cl_call_connected,
	.incoming_close_call = cl_incoming_close_call,
	.incoming_drop_party = cl_incoming_drop_party,
	.incoming_call_qos_change = cl_incoming_call_qos_change,
	.notify_close_af = cl_notify_close_af,
	.create_vc = cl_create_vc,
	.delete_vc = cl_delete_vc,
};

static const struct cm_handlers cm_table = {
	.open_af = cm_open_af,
	.close_af = cm_close_af,
	.register_sap = cm_register_sap,
	.deregister_sap = cm_deregister_sap,
	.make_call = cm_make_call,
	.close_call = cm_close_call,
	.incoming_call_complete = cm_incoming_call_complete,
	.add_party = cm_add_party,
	.drop_party = cm_drop_party,
	.modify_call_qos = cm_modify_call_qos,
	.activate_vc_complete = cm_activate_vc_complete,
	.deactivate_vc_complete = cm_deactivate_vc_complete,
	.notify_close_af_complete = cm_notify_close_af_complete,
	.create_vc = cm_create_vc,
	.delete_vc = cm_delete_vc,
	.link_status = cm_link_status,
};

const struct cl_handlers *
ut_cl_handlers(void)
{
	return &cl_table;
}

const struct cm_handlers *
ut_cm_handlers(void)
{
	return &cm_table;
}

/* ---- scripts ---- */

void
ut_answer(struct ut_actor *a, enum ut_handler h, enum cm_status ret)
{
	a->script[h].ret = ret;
}

void
ut_on(struct ut_actor *a, enum ut_handler h, ut_action_fn fn, intptr_t arg)
{
	struct ut_script *s = &a->script[h];

	if (s->n_actions == UT_MAX_ACTIONS) {
		fprintf(stderr, "harness: too many actions for %s\n", handler_names[h]);
		abort();
	}
	s->actions[s->n_actions].fn = fn;
	s->actions[s->n_actions].arg = arg;
	s->n_actions++;
}

void
ut_once(struct ut_actor *a, enum ut_handler h)
{
	a->script[h].once = true;
}

void
ut_reset(struct ut_actor *a, enum ut_handler h)
{
	memset(&a->script[h], 0, sizeof(a->script[h]));
	a->script[h].ret = CM_SUCCESS;
}

void
ut_reset_all(struct ut_actor *a)
{
	unsigned int h;

	for (h = 0; h < UT_HANDLERS; h++)
		ut_reset(a, (enum ut_handler)h);
}

/* ---- the fake miniport ---- */

static int
mp_create_vc(void *ctx, const char *name, void **mp_vc)
{
	struct ut_env *e = ctx;
	struct ut_mp_vc *v;
	int rc = e->mp.create_rc;

	e->mp.create_rc = 0;
	if (rc != 0)
		return rc;
	v = calloc(1, sizeof(*v));
	if (v == NULL)
		return -12; /* ENOMEM */
	snprintf(v->name, sizeof(v->name), "%s", name);
	v->next = e->mp.vcs;
	e->mp.vcs = v;
	e->mp.created++;
	*mp_vc = v;
	return 0;
}

static int
mp_delete_vc(void *ctx, void *mp_vc)
{
	struct ut_env *e = ctx;
	struct ut_mp_vc *v = mp_vc;

	if (v->deleted || v->active || v->deactivating) {
		harness_error(e, "miniport: %s deleted while %s", v->name,
			      v->deleted  ? "deleted"
			      : v->active ? "active"
					  : "deactivating");
		if (v->deleted)
			return -22;
	}
	v->deleted = true;
	v->active = false;
	e->mp.deleted++;
	return 0;
}

static int
mp_activate_vc(void *ctx, void *mp_vc, const struct cm_call_params *p)
{
	struct ut_env *e = ctx;
	struct ut_mp_vc *v = mp_vc;
	int rc = e->mp.activate_rc;

	if (v->deleted || v->deactivating)
		harness_error(e, "miniport: %s activated while %s", v->name,
			      v->deleted ? "deleted" : "deactivating");
	e->mp.activate_rc = 0;
	if (rc != 0)
		return rc;
	v->active = true;
	v->params = *p;
	e->mp.activations++;
	return 0;
}

static int
mp_deactivate_vc(void *ctx, void *mp_vc, void *token)
{
	struct ut_env *e = ctx;
	struct ut_mp_vc *v = mp_vc;
	int rc = e->mp.deactivate_rc;

	if (!v->active || v->deleted)
		harness_error(e, "miniport: %s deactivated while %s", v->name,
			      v->deleted ? "deleted" : "inactive");
	if (rc < 0)
		return rc;
	e->mp.deactivations++;
	v->active = false;
	if (rc == 0)
		return 0;
	if (e->mp.n_pending == e->mp.cap_pending) {
		unsigned int cap = e->mp.cap_pending == 0 ? 16 : 2 * e->mp.cap_pending;
		struct ut_mp_vc **t = realloc(e->mp.pending, cap * sizeof(*t));

		if (t == NULL)
			abort();
		e->mp.pending = t;
		e->mp.cap_pending = cap;
	}
	v->deactivating = true;
	v->token = token;
	e->mp.pending[e->mp.n_pending++] = v;
	return 1;
}

static void
mp_complete_at(struct ut_env *e, unsigned int i)
{
	struct ut_mp_vc *v = e->mp.pending[i];

	memmove(&e->mp.pending[i], &e->mp.pending[i + 1],
		(e->mp.n_pending - i - 1) * sizeof(e->mp.pending[0]));
	e->mp.n_pending--;
	v->deactivating = false;
	e->mp.completed++;
	cm_mp_deactivate_vc_complete(v->token);
}

struct ut_mp_vc *
ut_mp_vc_of(struct ut_env *e, const struct ut_obj *vc)
{
	struct cm_vc_info info;

	if (vc == NULL || cm_vc_info(e->core, (struct cm_vc_h){vc->h}, &info) != CM_SUCCESS)
		return NULL;
	return info.mp_vc;
}

bool
ut_mp_complete(struct ut_env *e, const struct ut_obj *vc)
{
	struct ut_mp_vc *v = ut_mp_vc_of(e, vc);
	unsigned int i;

	for (i = 0; v != NULL && i < e->mp.n_pending; i++)
		if (e->mp.pending[i] == v) {
			mp_complete_at(e, i);
			return true;
		}
	return false;
}

unsigned int
ut_mp_complete_all(struct ut_env *e)
{
	unsigned int n = 0;

	while (e->mp.n_pending != 0) {
		mp_complete_at(e, 0);
		n++;
	}
	return n;
}

unsigned int
ut_mp_pending(const struct ut_env *e)
{
	return e->mp.n_pending;
}

/* ---- environment ---- */

struct ut_env *
ut_env_new(void)
{
	struct ut_env *e = calloc(1, sizeof(*e));

	if (e == NULL)
		abort();
	e->ops.ctx = e;
	e->ops.create_vc = mp_create_vc;
	e->ops.delete_vc = mp_delete_vc;
	e->ops.activate_vc = mp_activate_vc;
	e->ops.deactivate_vc = mp_deactivate_vc;
	e->mp.deactivate_rc = 1;
	e->core = core_create(&e->ops);
	if (e->core == NULL)
		abort();
	snprintf(e->subst, sizeof(e->subst), "cm");
	snprintf(e->subst_co, sizeof(e->subst_co), "co");
	cur_env = e;
	return e;
}

struct ut_actor *
ut_actor_new(struct ut_env *e, enum ut_role role, const char *name)
{
	struct ut_actor *a;
	enum cm_status st;

	if (e->n_actors == UT_MAX_ACTORS)
		abort();
	a = &e->actors[e->n_actors++];
	memset(a, 0, sizeof(*a));
	a->env = e;
	a->role = role;
	snprintf(a->name, sizeof(a->name), "%s", name);
	ut_reset_all(a);
	if (role == UT_CLIENT)
		st = cl_register(e->core, &cl_table, a, &a->bind);
	else if (role == UT_CM)
		st = cm_register(e->core, &cm_table, a, &a->bind);
	else
		st = mcm_register(e->core, &cm_table, a, &a->bind);
	if (st != CM_SUCCESS)
		harness_error(e, "%s: registration refused with %s", name, cm_status_name(st));
	a->registered = st == CM_SUCCESS;
	return a;
}

enum cm_status
ut_actor_deregister(struct ut_actor *a)
{
	enum cm_status st = core_deregister(a->env->core, a->bind);

	if (st == CM_SUCCESS)
		a->registered = false;
	return st;
}

void
ut_fini_check(unsigned int problems, const char *file, unsigned int line)
{
	if (problems != 0)
		fprintf(stderr, "\n%s:%u: %u problem(s) at teardown\n", file, line, problems);
	CU_assertImplementation(problems == 0, line, "teardown: nothing left, nothing wrong", file,
				"", CU_FALSE);
}

static bool
obj_live(const struct ut_obj *o)
{
	return !o->gone && o->h != 0;
}

/* Brings a VC back to idle, inactive and deleted, whatever it was doing.
 * Refused steps are harmless: a misuse changes nothing. */
static void
unwind_vc(struct ut_env *e, struct ut_obj *v)
{
	struct cm_vc_info info;
	struct ut_obj *o;
	unsigned int round;

	for (round = 0; round < 8; round++) {
		ut_mp_complete_all(e);
		if (cm_vc_info(e->core, (struct cm_vc_h){v->h}, &info) != CM_SUCCESS) {
			v->gone = true;
			return;
		}
		for (o = v->parties; o != NULL; o = o->next_party)
			if (obj_live(o)) {
				ut_add_party_complete(o, CM_FAILURE, NULL);
				ut_drop_party_complete(o, CM_SUCCESS);
			}
		if (info.qos_pending)
			ut_modify_qos_complete(v, CM_FAILURE, NULL);
		switch (info.call) {
		case CM_CALL_MAKECALL_PENDING:
			ut_make_call_complete(v, CM_FAILURE, v->party, NULL);
			break;
		case CM_CALL_OFFERED:
			if (ut_incoming_call_complete(v, CM_NOT_SUPPORTED, NULL) != CM_SUCCESS)
				ut_incoming_close(v, CM_FAILURE, NULL, 0);
			break;
		case CM_CALL_ACCEPTED:
		case CM_CALL_CONNECTED:
			ut_incoming_close(v, CM_FAILURE, NULL, 0);
			break;
		case CM_CALL_INCOMING_CLOSE:
			for (o = v->parties; o != NULL; o = o->next_party)
				if (obj_live(o))
					ut_drop_party(o, NULL, 0);
			if (info.act == CM_VC_ACTIVE)
				ut_deactivate(v);
			ut_mp_complete_all(e);
			ut_close_call(v, NULL, NULL, 0);
			break;
		case CM_CALL_CLOSING:
			if (info.act == CM_VC_ACTIVE)
				ut_deactivate(v);
			ut_mp_complete_all(e);
			ut_close_call_complete(v, CM_SUCCESS, NULL);
			break;
		case CM_CALL_IDLE:
			if (info.act == CM_VC_ACTIVE)
				ut_deactivate(v);
			ut_mp_complete_all(e);
			if (ut_delete_vc(v) == CM_SUCCESS)
				return;
			break;
		}
	}
}

static unsigned int
teardown(struct ut_env *e)
{
	unsigned int i, round, problems = 0, left;
	struct ut_obj *o;

	e->hook = NULL;
	for (i = 0; i < e->n_actors; i++)
		ut_reset_all(&e->actors[i]);
	e->mp.deactivate_rc = 1;
	e->mp.activate_rc = 0;
	e->mp.create_rc = 0;
	for (round = 0; round < 3; round++) {
		ut_mp_complete_all(e);
		for (o = e->objs; o != NULL; o = o->next)
			if (o->kind == UT_VC && obj_live(o))
				unwind_vc(e, o);
		for (o = e->objs; o != NULL; o = o->next)
			if (o->kind == UT_SAP && obj_live(o) &&
			    ut_register_sap_complete(o, CM_FAILURE) != CM_SUCCESS &&
			    ut_deregister_sap_complete(o, CM_SUCCESS) != CM_SUCCESS)
				ut_deregister_sap(o);
		for (o = e->objs; o != NULL; o = o->next)
			if (o->kind == UT_AF && obj_live(o) &&
			    ut_open_af_complete(o, CM_FAILURE) != CM_SUCCESS &&
			    ut_close_af_complete(o, CM_SUCCESS) != CM_SUCCESS) {
				ut_notify_close_af_complete(o, CM_FAILURE);
				ut_close_af(o);
			}
	}
	ut_mp_complete_all(e);
	/* clients first: a CM's AFs are the clients' opens */
	for (round = 0; round < 2; round++)
		for (i = 0; i < e->n_actors; i++)
			if (e->actors[i].registered &&
			    (e->actors[i].role == UT_CLIENT) == (round == 0) &&
			    ut_actor_deregister(&e->actors[i]) != CM_SUCCESS)
				harness_error(e, "teardown: %s cannot deregister",
					      e->actors[i].name);
	left = core_destroy(e->core);
	e->core = NULL;
	if (left != 0) {
		fprintf(stderr, "\nteardown: core_destroy() found %u object(s) alive\n", left);
		problems++;
	}
	if (e->mp.created != e->mp.deleted) {
		fprintf(stderr, "\nteardown: miniport VCs created %u, deleted %u\n", e->mp.created,
			e->mp.deleted);
		problems++;
	}
	if (e->mp.n_pending != 0) {
		fprintf(stderr, "\nteardown: %u deactivation(s) still pending\n", e->mp.n_pending);
		problems++;
	}
	if (e->errors != 0) {
		fprintf(stderr, "\nteardown: the harness saw %u error(s)\n", e->errors);
		problems++;
	}
	return problems;
}

unsigned int
ut_env_free(struct ut_env *e)
{
	unsigned int problems = teardown(e);
	struct ut_mp_vc *v;
	struct ut_obj *o;

	while ((o = e->objs) != NULL) {
		e->objs = o->next;
		free(o);
	}
	while ((v = e->mp.vcs) != NULL) {
		e->mp.vcs = v->next;
		free(v);
	}
	free(e->mp.pending);
	free(e->by_slot);
	free(e->log);
	if (cur_env == e)
		cur_env = NULL;
	free(e);
	return problems;
}

/* ---- parameters ---- */

void
ut_params(struct cm_call_params *p, uint32_t sid, uint64_t rate)
{
	memset(p, 0, sizeof(*p));
	cm_flowspec_none(&p->transmit);
	p->transmit.token_rate = rate;
	p->transmit.peak_bandwidth = 2 * rate;
	p->receive = p->transmit;
	p->media.pw_type = L2TP_PW_ETH;
	snprintf(p->media.remote_end_id, sizeof(p->media.remote_end_id), "pw%u", sid);
	p->media.circuit.vlan = (uint16_t)(sid & 0xfff);
	p->media.encap = L2TP_ENCAP_IP;
	p->media.local_session_id = sid;
	p->media.remote_session_id = sid + 1000000;
}

bool
ut_params_equal(const struct cm_call_params *a, const struct cm_call_params *b)
{
	return a->flags == b->flags &&
	       memcmp(&a->transmit, &b->transmit, sizeof(a->transmit)) == 0 &&
	       memcmp(&a->receive, &b->receive, sizeof(a->receive)) == 0 &&
	       a->media.local_session_id == b->media.local_session_id &&
	       a->media.remote_session_id == b->media.remote_session_id &&
	       a->media.circuit.port == b->media.circuit.port &&
	       a->media.circuit.vlan == b->media.circuit.vlan &&
	       strcmp(a->media.remote_end_id, b->media.remote_end_id) == 0;
}

/* ---- requests ---- */

/* Inside a handler a request is part of the sequence under test: log
 * it with its result. At top level the test checks the result itself. */
static void __attribute__((format(printf, 3, 4)))
nested(struct ut_env *e, enum cm_status st, const char *fmt, ...)
{
	char what[UT_EVENT_LEN];
	va_list ap;

	if (e->depth == 0)
		return;
	va_start(ap, fmt);
	vsnprintf(what, sizeof(what), fmt, ap);
	va_end(ap);
	log_add(e, "%s=%s", what, cm_status_name(st));
}

static const char *
cm_prefix(const struct ut_actor *a)
{
	return a != NULL && a->role == UT_MCM ? "mcm" : "cm";
}

static bool
is_mcm(const struct ut_obj *o)
{
	struct ut_actor *a = ut_cm_of(o);

	return a != NULL && a->role == UT_MCM;
}

static struct ut_env *
env_of(const struct ut_obj *o)
{
	return o->env;
}

#define VC(o)	 ((struct cm_vc_h){(o) != NULL ? (o)->h : 0})
#define AF(o)	 ((struct cm_af_h){(o) != NULL ? (o)->h : 0})
#define SAP(o)	 ((struct cm_sap_h){(o) != NULL ? (o)->h : 0})
#define PARTY(o) ((struct cm_party_h){(o) != NULL ? (o)->h : 0})

enum cm_status
ut_register_af(struct ut_actor *cm, uint16_t family)
{
	struct cm_af af = {.family = family, .major = 1, .minor = 0};
	enum cm_status st;

	st = cm->role == UT_MCM ? mcm_register_af(cm->env->core, cm->bind, &af)
				: cm_register_af(cm->env->core, cm->bind, &af);
	if (st == CM_SUCCESS)
		cm->family = family;
	nested(cm->env, st, "%s_register_af(family=%#x)", cm_prefix(cm), family);
	return st;
}

enum cm_status
ut_open_af(struct ut_actor *cl, uint16_t family, struct ut_obj **out)
{
	struct ut_env *e = cl->env;
	struct ut_obj *a = ut_obj_new(e, UT_AF), *prev = e->creating[UT_AF];
	struct cm_af af = {.family = family, .major = 1, .minor = 0};
	struct cm_af_h h;
	enum cm_status st;

	a->family = family;
	a->cl.actor = cl;
	a->cm.actor = actor_for_family(e, family);
	e->creating[UT_AF] = a;
	st = cl_open_af(e->core, cl->bind, &af, &a->cl, &h);
	e->creating[UT_AF] = prev;
	if (st == CM_SUCCESS || st == CM_PENDING)
		ut_obj_bind(e, a, h.v);
	else
		a->gone = true;
	if (st != CM_SUCCESS && st != CM_PENDING && h.v != 0)
		harness_error(e, "cl_open_af failed with %s but handed out a handle",
			      cm_status_name(st));
	if (out != NULL)
		*out = a;
	nested(e, st, "cl_open_af(family=%#x,af=%s)", family, a->name);
	return st;
}

enum cm_status
ut_open_af_complete(struct ut_obj *af, enum cm_status st)
{
	struct ut_env *e = env_of(af);
	enum cm_status r = is_mcm(af) ? mcm_open_af_complete(e->core, st, AF(af), &af->cm)
				      : cm_open_af_complete(e->core, st, AF(af), &af->cm);

	nested(e, r, "%s_open_af_complete(%s,af=%s)", cm_prefix(ut_cm_of(af)), cm_status_name(st),
	       af->name);
	return r;
}

enum cm_status
ut_close_af(struct ut_obj *af)
{
	struct ut_env *e = env_of(af);
	enum cm_status st = cl_close_af(e->core, AF(af));

	if (st == CM_SUCCESS)
		af->gone = true;
	nested(e, st, "cl_close_af(af=%s)", af->name);
	return st;
}

enum cm_status
ut_close_af_complete(struct ut_obj *af, enum cm_status st)
{
	struct ut_env *e = env_of(af);
	enum cm_status r = is_mcm(af) ? mcm_close_af_complete(e->core, st, AF(af))
				      : cm_close_af_complete(e->core, st, AF(af));

	nested(e, r, "%s_close_af_complete(%s,af=%s)", cm_prefix(ut_cm_of(af)), cm_status_name(st),
	       af->name);
	return r;
}

enum cm_status
ut_notify_close_af(struct ut_obj *af)
{
	struct ut_env *e = env_of(af);
	enum cm_status st = is_mcm(af) ? mcm_notify_close_af(e->core, AF(af))
				       : cm_notify_close_af(e->core, AF(af));

	nested(e, st, "%s_notify_close_af(af=%s)", cm_prefix(ut_cm_of(af)), af->name);
	return st;
}

enum cm_status
ut_notify_close_af_complete(struct ut_obj *af, enum cm_status st)
{
	struct ut_env *e = env_of(af);
	enum cm_status r = cl_notify_close_af_complete(e->core, AF(af), st);

	nested(e, r, "cl_notify_close_af_complete(af=%s,%s)", af->name, cm_status_name(st));
	return r;
}

enum cm_status
ut_register_sap(struct ut_obj *af, const char *remote_end_id, struct ut_obj **out)
{
	struct ut_env *e = env_of(af);
	struct ut_obj *s = ut_obj_new(e, UT_SAP), *prev = e->creating[UT_SAP];
	struct cm_sap_h h;
	enum cm_status st;

	s->af = af;
	s->cl.actor = af->cl.actor;
	s->cm.actor = af->cm.actor;
	s->sap.pw_type = L2TP_PW_ETH;
	snprintf(s->sap.remote_end_id, sizeof(s->sap.remote_end_id), "%s",
		 remote_end_id != NULL ? remote_end_id : s->name);
	e->creating[UT_SAP] = s;
	st = cl_register_sap(e->core, AF(af), &s->cl, &s->sap, &h);
	e->creating[UT_SAP] = prev;
	if (st == CM_SUCCESS || st == CM_PENDING)
		ut_obj_bind(e, s, h.v);
	else
		s->gone = true;
	if (st != CM_SUCCESS && st != CM_PENDING && h.v != 0)
		harness_error(e, "cl_register_sap failed with %s but handed out a handle",
			      cm_status_name(st));
	if (out != NULL)
		*out = s;
	nested(e, st, "cl_register_sap(af=%s,sap=%s)", af->name, s->name);
	return st;
}

enum cm_status
ut_register_sap_complete(struct ut_obj *sap, enum cm_status st)
{
	struct ut_env *e = env_of(sap);
	enum cm_status r = is_mcm(sap) ? mcm_register_sap_complete(e->core, st, SAP(sap), &sap->cm)
				       : cm_register_sap_complete(e->core, st, SAP(sap), &sap->cm);

	nested(e, r, "%s_register_sap_complete(%s,sap=%s)", cm_prefix(ut_cm_of(sap)),
	       cm_status_name(st), sap->name);
	return r;
}

enum cm_status
ut_deregister_sap(struct ut_obj *sap)
{
	struct ut_env *e = env_of(sap);
	enum cm_status st = cl_deregister_sap(e->core, SAP(sap));

	if (st == CM_SUCCESS)
		sap->gone = true;
	nested(e, st, "cl_deregister_sap(sap=%s)", sap->name);
	return st;
}

enum cm_status
ut_deregister_sap_complete(struct ut_obj *sap, enum cm_status st)
{
	struct ut_env *e = env_of(sap);
	enum cm_status r = is_mcm(sap) ? mcm_deregister_sap_complete(e->core, st, SAP(sap))
				       : cm_deregister_sap_complete(e->core, st, SAP(sap));

	nested(e, r, "%s_deregister_sap_complete(%s,sap=%s)", cm_prefix(ut_cm_of(sap)),
	       cm_status_name(st), sap->name);
	return r;
}

enum cm_status
ut_create_vc(struct ut_actor *creator, struct ut_obj *af, struct ut_obj **out)
{
	struct ut_env *e = creator->env;
	struct ut_obj *v = ut_obj_new(e, UT_VC), *prev = e->creating[UT_VC];
	struct ut_ctx *mine = creator->role == UT_CLIENT ? &v->cl : &v->cm;
	struct cm_vc_h h;
	enum cm_status st;

	v->af = af;
	v->creator = creator->role;
	mine->actor = creator;
	e->creating[UT_VC] = v;
	st = creator->role == UT_MCM ? mcm_create_vc(e->core, creator->bind, AF(af), mine, &h)
				     : co_create_vc(e->core, creator->bind, AF(af), mine, &h);
	e->creating[UT_VC] = prev;
	if (st == CM_SUCCESS)
		ut_obj_bind(e, v, h.v);
	else
		v->gone = true;
	if (st != CM_SUCCESS && h.v != 0)
		harness_error(e, "VC creation failed with %s but handed out a handle",
			      cm_status_name(st));
	if (out != NULL)
		*out = v;
	nested(e, st, "%s(af=%s,vc=%s)", creator->role == UT_MCM ? "mcm_create_vc" : "co_create_vc",
	       af->name, v->name);
	return st;
}

enum cm_status
ut_delete_vc(struct ut_obj *vc)
{
	struct ut_env *e = env_of(vc);
	struct ut_actor *a = vc->creator == UT_CLIENT ? vc->cl.actor : vc->cm.actor;
	enum cm_status st;

	st = a->role == UT_MCM ? mcm_delete_vc(e->core, VC(vc))
			       : co_delete_vc(e->core, a->bind, VC(vc));
	if (st == CM_SUCCESS) {
		vc->gone = true;
		vc_parties_gone(e, vc);
	}
	nested(e, st, "%s(vc=%s)", a->role == UT_MCM ? "mcm_delete_vc" : "co_delete_vc", vc->name);
	return st;
}

enum cm_status
ut_activate(struct ut_obj *vc, struct cm_call_params *p)
{
	struct ut_env *e = env_of(vc);
	enum cm_status st = is_mcm(vc) ? mcm_activate_vc(e->core, VC(vc), p)
				       : cm_activate_vc(e->core, VC(vc), p);

	nested(e, st, "%s_activate_vc(vc=%s)", cm_prefix(ut_cm_of(vc)), vc->name);
	return st;
}

enum cm_status
ut_deactivate(struct ut_obj *vc)
{
	struct ut_env *e = env_of(vc);
	enum cm_status st =
		is_mcm(vc) ? mcm_deactivate_vc(e->core, VC(vc)) : cm_deactivate_vc(e->core, VC(vc));

	nested(e, st, "%s_deactivate_vc(vc=%s)", cm_prefix(ut_cm_of(vc)), vc->name);
	return st;
}

enum cm_status
ut_make_call(struct ut_obj *vc, struct cm_call_params *p, bool multipoint, struct ut_obj **party)
{
	struct ut_env *e = env_of(vc);
	struct ut_obj *pt = NULL, *prev = e->creating[UT_PARTY];
	struct cm_party_h ph = {0};
	enum cm_status st;

	if (multipoint) {
		pt = ut_obj_new(e, UT_PARTY);
		ut_party_attach(pt, vc);
		pt->cl.actor = vc->cl.actor;
		vc->party = pt;
		e->creating[UT_PARTY] = pt;
	}
	st = cl_make_call(e->core, VC(vc), p, pt != NULL ? &pt->cl : NULL, pt != NULL ? &ph : NULL);
	e->creating[UT_PARTY] = prev;
	if (pt != NULL) {
		if (st == CM_SUCCESS || st == CM_PENDING)
			ut_obj_bind(e, pt, ph.v);
		else if (ph.v != 0)
			harness_error(e, "cl_make_call failed with %s but handed out a party",
				      cm_status_name(st));
		if (st != CM_SUCCESS && st != CM_PENDING)
			pt->gone = true;
		if (st != CM_PENDING)
			vc->party = NULL;
	}
	if (party != NULL)
		*party = pt;
	nested(e, st, "cl_make_call(vc=%s%s%s)", vc->name, pt != NULL ? ",party=" : "",
	       pt != NULL ? pt->name : "");
	return st;
}

enum cm_status
ut_make_call_complete(struct ut_obj *vc, enum cm_status st, struct ut_obj *party,
		      struct cm_call_params *p)
{
	struct ut_env *e = env_of(vc);
	enum cm_status r;

	if (party != NULL)
		party->cm.actor = ut_cm_of(vc);
	r = is_mcm(vc) ? mcm_make_call_complete(e->core, st, VC(vc), PARTY(party),
						party != NULL ? &party->cm : NULL, p)
		       : cm_make_call_complete(e->core, st, VC(vc), PARTY(party),
					       party != NULL ? &party->cm : NULL, p);
	nested(e, r, "%s_make_call_complete(%s,vc=%s)", cm_prefix(ut_cm_of(vc)), cm_status_name(st),
	       vc->name);
	return r;
}

enum cm_status
ut_dispatch_incoming_call(struct ut_obj *sap, struct ut_obj *vc, struct cm_call_params *p)
{
	struct ut_env *e = env_of(vc);
	enum cm_status st = is_mcm(vc) ? mcm_dispatch_incoming_call(e->core, SAP(sap), VC(vc), p)
				       : cm_dispatch_incoming_call(e->core, SAP(sap), VC(vc), p);

	nested(e, st, "%s_dispatch_incoming_call(sap=%s,vc=%s)", cm_prefix(ut_cm_of(vc)),
	       sap != NULL ? sap->name : "-", vc->name);
	return st;
}

enum cm_status
ut_incoming_call_complete(struct ut_obj *vc, enum cm_status st, struct cm_call_params *p)
{
	struct ut_env *e = env_of(vc);
	enum cm_status r = cl_incoming_call_complete(e->core, st, VC(vc), p);

	nested(e, r, "cl_incoming_call_complete(%s,vc=%s)", cm_status_name(st), vc->name);
	return r;
}

enum cm_status
ut_call_connected(struct ut_obj *vc)
{
	struct ut_env *e = env_of(vc);
	enum cm_status st = is_mcm(vc) ? mcm_dispatch_call_connected(e->core, VC(vc))
				       : cm_dispatch_call_connected(e->core, VC(vc));

	nested(e, st, "%s_dispatch_call_connected(vc=%s)", cm_prefix(ut_cm_of(vc)), vc->name);
	return st;
}

enum cm_status
ut_close_call(struct ut_obj *vc, struct ut_obj *party, const void *data, size_t size)
{
	struct ut_env *e = env_of(vc);
	enum cm_status st = cl_close_call(e->core, VC(vc), PARTY(party), data, size);

	if (st == CM_SUCCESS)
		vc_parties_gone(e, vc);
	nested(e, st, "cl_close_call(vc=%s%s%s)", vc->name, party != NULL ? ",party=" : "",
	       party != NULL ? party->name : "");
	return st;
}

enum cm_status
ut_close_call_complete(struct ut_obj *vc, enum cm_status st, struct ut_obj *party)
{
	struct ut_env *e = env_of(vc);
	enum cm_status r = is_mcm(vc) ? mcm_close_call_complete(e->core, st, VC(vc), PARTY(party))
				      : cm_close_call_complete(e->core, st, VC(vc), PARTY(party));

	nested(e, r, "%s_close_call_complete(%s,vc=%s)", cm_prefix(ut_cm_of(vc)),
	       cm_status_name(st), vc->name);
	return r;
}

enum cm_status
ut_incoming_close(struct ut_obj *vc, enum cm_status st, const void *data, size_t size)
{
	struct ut_env *e = env_of(vc);
	enum cm_status r =
		is_mcm(vc) ? mcm_dispatch_incoming_close_call(e->core, st, VC(vc), data, size)
			   : cm_dispatch_incoming_close_call(e->core, st, VC(vc), data, size);

	nested(e, r, "%s_dispatch_incoming_close_call(%s,vc=%s)", cm_prefix(ut_cm_of(vc)),
	       cm_status_name(st), vc->name);
	return r;
}

enum cm_status
ut_modify_qos(struct ut_obj *vc, struct cm_call_params *p)
{
	struct ut_env *e = env_of(vc);
	enum cm_status st = cl_modify_call_qos(e->core, VC(vc), p);

	nested(e, st, "cl_modify_call_qos(vc=%s)", vc->name);
	return st;
}

enum cm_status
ut_modify_qos_complete(struct ut_obj *vc, enum cm_status st, struct cm_call_params *p)
{
	struct ut_env *e = env_of(vc);
	enum cm_status r = is_mcm(vc) ? mcm_modify_call_qos_complete(e->core, st, VC(vc), p)
				      : cm_modify_call_qos_complete(e->core, st, VC(vc), p);

	nested(e, r, "%s_modify_call_qos_complete(%s,vc=%s)", cm_prefix(ut_cm_of(vc)),
	       cm_status_name(st), vc->name);
	return r;
}

enum cm_status
ut_qos_change(struct ut_obj *vc, struct cm_call_params *p)
{
	struct ut_env *e = env_of(vc);
	enum cm_status st = is_mcm(vc) ? mcm_dispatch_incoming_call_qos_change(e->core, VC(vc), p)
				       : cm_dispatch_incoming_call_qos_change(e->core, VC(vc), p);

	nested(e, st, "%s_dispatch_incoming_call_qos_change(vc=%s)", cm_prefix(ut_cm_of(vc)),
	       vc->name);
	return st;
}

enum cm_status
ut_add_party(struct ut_obj *vc, struct cm_call_params *p, struct ut_obj **out)
{
	struct ut_env *e = env_of(vc);
	struct ut_obj *pt = ut_obj_new(e, UT_PARTY), *prev = e->creating[UT_PARTY];
	struct cm_party_h ph;
	enum cm_status st;

	ut_party_attach(pt, vc);
	pt->cl.actor = vc->cl.actor;
	e->creating[UT_PARTY] = pt;
	st = cl_add_party(e->core, VC(vc), &pt->cl, p, &ph);
	e->creating[UT_PARTY] = prev;
	if (st == CM_SUCCESS || st == CM_PENDING)
		ut_obj_bind(e, pt, ph.v);
	else
		pt->gone = true;
	if (st != CM_SUCCESS && st != CM_PENDING && ph.v != 0)
		harness_error(e, "cl_add_party failed with %s but handed out a party",
			      cm_status_name(st));
	if (out != NULL)
		*out = pt;
	nested(e, st, "cl_add_party(vc=%s,party=%s)", vc->name, pt->name);
	return st;
}

enum cm_status
ut_add_party_complete(struct ut_obj *party, enum cm_status st, struct cm_call_params *p)
{
	struct ut_env *e = env_of(party);
	enum cm_status r;

	party->cm.actor = ut_cm_of(party);
	r = is_mcm(party) ? mcm_add_party_complete(e->core, st, PARTY(party), &party->cm, p)
			  : cm_add_party_complete(e->core, st, PARTY(party), &party->cm, p);
	nested(e, r, "%s_add_party_complete(%s,party=%s)", cm_prefix(ut_cm_of(party)),
	       cm_status_name(st), party->name);
	return r;
}

enum cm_status
ut_drop_party(struct ut_obj *party, const void *data, size_t size)
{
	struct ut_env *e = env_of(party);
	enum cm_status st = cl_drop_party(e->core, PARTY(party), data, size);

	if (st == CM_SUCCESS)
		party->gone = true;
	nested(e, st, "cl_drop_party(party=%s)", party->name);
	return st;
}

enum cm_status
ut_drop_party_complete(struct ut_obj *party, enum cm_status st)
{
	struct ut_env *e = env_of(party);
	enum cm_status r = is_mcm(party) ? mcm_drop_party_complete(e->core, st, PARTY(party))
					 : cm_drop_party_complete(e->core, st, PARTY(party));

	nested(e, r, "%s_drop_party_complete(%s,party=%s)", cm_prefix(ut_cm_of(party)),
	       cm_status_name(st), party->name);
	return r;
}

enum cm_status
ut_incoming_drop_party(struct ut_obj *party, enum cm_status st, const void *data, size_t size)
{
	struct ut_env *e = env_of(party);
	enum cm_status r =
		is_mcm(party)
			? mcm_dispatch_incoming_drop_party(e->core, st, PARTY(party), data, size)
			: cm_dispatch_incoming_drop_party(e->core, st, PARTY(party), data, size);

	nested(e, r, "%s_dispatch_incoming_drop_party(%s,party=%s)", cm_prefix(ut_cm_of(party)),
	       cm_status_name(st), party->name);
	return r;
}

int
ut_call_state(struct ut_env *e, const struct ut_obj *vc)
{
	struct cm_vc_info info;

	if (cm_vc_info(e->core, VC(vc), &info) != CM_SUCCESS)
		return -1;
	return (int)info.call;
}

int
ut_act_state(struct ut_env *e, const struct ut_obj *vc)
{
	struct cm_vc_info info;

	if (cm_vc_info(e->core, VC(vc), &info) != CM_SUCCESS)
		return -1;
	return (int)info.act;
}

/* ---- nested actions ---- */

void
ut_act_open_af(struct ut_call *c, intptr_t family)
{
	ut_open_af(c->actor, (uint16_t)family, NULL);
}

void
ut_act_close_af(struct ut_call *c, intptr_t unused)
{
	(void)unused;
	ut_close_af(c->af);
}

void
ut_act_close_call(struct ut_call *c, intptr_t unused)
{
	(void)unused;
	ut_close_call(c->vc, NULL, NULL, 0);
}

void
ut_act_drop_party(struct ut_call *c, intptr_t unused)
{
	(void)unused;
	ut_drop_party(c->party, NULL, 0);
}

void
ut_act_delete_vc(struct ut_call *c, intptr_t unused)
{
	(void)unused;
	ut_delete_vc(c->vc);
}

void
ut_act_activate(struct ut_call *c, intptr_t unused)
{
	struct cm_call_params p = *c->p;

	(void)unused;
	ut_activate(c->vc, &p);
}

void
ut_act_deactivate(struct ut_call *c, intptr_t unused)
{
	(void)unused;
	ut_deactivate(c->vc);
}

void
ut_act_make_call_complete(struct ut_call *c, intptr_t status)
{
	ut_make_call_complete(c->vc, (enum cm_status)status, c->party, c->p);
}

void
ut_act_close_call_complete(struct ut_call *c, intptr_t status)
{
	ut_close_call_complete(c->vc, (enum cm_status)status, NULL);
}

void
ut_act_call_connected(struct ut_call *c, intptr_t unused)
{
	(void)unused;
	ut_call_connected(c->vc);
}

void
ut_act_incoming_close(struct ut_call *c, intptr_t status)
{
	ut_incoming_close(c->vc, (enum cm_status)status, NULL, 0);
}

void
ut_act_modify_qos_complete(struct ut_call *c, intptr_t status)
{
	ut_modify_qos_complete(c->vc, (enum cm_status)status, c->p);
}
