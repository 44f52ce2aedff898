/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The call-management core under a long random walk: a client, a
 * stand-alone CM (AF 3) and an MCM (AF 0x8003) make random requests,
 * answer their handlers at random (SUCCESS, PENDING, failures) and nest
 * requests inside them; the miniport completes deactivations in random
 * order; stale, zero, foreign and wrong-family handles are thrown in.
 *
 * An independent model (the tables below, built from the legality table
 * of model §5.2, the sequences of §4 and the choices documented in
 * cm.h; never from the core's internals) predicts, for every request:
 *  - whether it is legal; an illegal one must return neither SUCCESS nor
 *    PENDING, call no handler and change nothing the core shows
 *    (cm_vc_info, core_get_counts, the miniport);
 *  - for a legal one, the exact status and the exact handler calls, in
 *    order, nested ones included (a frame per request: every handler
 *    call must be the next one its request expects);
 *  - the call parameters shown to every handler that carries them
 *    (what the last request set, what a refused QoS change restored;
 *    never what a refused completion carried);
 *  - the state every object is in afterwards, checked after every
 *    operation along with the invariants: an offered, accepted or
 *    connected call is on an active VC; no completion comes twice and
 *    nothing comes for a deleted object (both are unexpected events).
 *
 * Beyond §5.2 the model holds the core to these design choices (test_core
 * has a case for each), and the generator walks into every one of them
 * (the run ends with how often):
 *  - a party is the last one unless another one is ACTIVE: parties
 *    being added or dropped, or a pending MakeCall's, do not count;
 *  - a call is multipoint when it was made with a party context,
 *    whatever its params' flags say; a refused QoS change restores the
 *    call's params from just before cl_modify_call_qos;
 *  - MakeCallComplete names exactly the call's own party (none for a
 *    point-to-point call): anything else is refused, its params unused;
 *  - AddPartyComplete is for parties being added, not a MakeCall's;
 *  - a client that closes the AF inside notify_close_af and then pends
 *    leaves the core to complete the notification, right after it;
 *  - nothing activates a VC while the other side's create_vc or
 *    delete_vc handler runs, and its creator cannot delete it while
 *    the create_vc handler runs.
 *
 * Two things §5.2 allows are not generated, because each leaves a live
 * call on an inactive VC and so breaks that invariant by design: a CM
 * deactivating in the middle of a call (§4.7 lets an MCM do it when a
 * change fails), and a CM failing a close it already deactivated for.
 * test_core covers what follows them ("connect needs an active VC",
 * "incoming QoS change rules").
 *
 * Usage: test_core_random [seed [operations]] [--verbose]
 * The seed is printed; the same seed replays the same run.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <CUnit/Basic.h>

#include "ut_cm.h"

#define DEFAULT_OPS	200000
#define MAX_AFS_PER_CM	2
#define MAX_SAPS_PER_AF 3
#define MAX_VCS_PER_AF	6
#define MAX_PARTIES	4
#define GRAVE		64
#define MAX_EXPECT	8
#define MAX_DEPTH	32
#define HISTORY		12

/* ---- the model ---- */

enum m_af_state {
	MA_OPENING,
	MA_OPEN,
	MA_CLOSE_NOTIFIED,
	MA_CLOSING,
};

enum m_sap_state {
	MS_REGISTERING,
	MS_REGISTERED,
	MS_DEREGISTERING,
};

enum m_party_state {
	MP_MAKING, /* the party of a pending MakeCall */
	MP_ADDING,
	MP_ACTIVE,
	MP_DROPPING,
};

struct m_af {
	struct ut_obj *o;
	int cmi; /* 0: the CM, 1: the MCM */
	enum m_af_state st;
	bool notify_pending;
	bool closed; /* the model let go of it (o->gone follows later) */
	unsigned int n_saps, n_vcs;
};

struct m_sap {
	struct ut_obj *o;
	struct m_af *af;
	enum m_sap_state st;
};

struct m_party;

struct m_vc {
	struct ut_obj *o;
	struct m_af *af;
	bool by_client;
	enum cm_vc_act_state act;
	enum cm_vc_call_state call, before_close;
	bool incoming_pending, qos_pending;
	bool multipoint; /* made with a party context */
	unsigned int n_parties;
	struct cm_call_params active;	/* what the miniport carries */
	struct cm_call_params params;	/* the call's, as handlers see them */
	struct cm_call_params qos_prev; /* restored if a QoS change is refused */
	struct m_party *making;		/* the party of a pending MakeCall */
};

struct m_party {
	struct ut_obj *o;
	struct m_vc *vc;
	enum m_party_state st;
};

struct pool {
	void **v;
	unsigned int n, cap;
};

struct grave {
	uint64_t h[GRAVE];
	unsigned int n, next;
};

/* Corners of the rules in the file comment, counted to show the walk
 * reaches them. */
enum corner {
	C_DROP_LAST,	 /* the last ACTIVE party, others being added or dropped */
	C_MP_FLAG,	 /* AddParty where the params' flag says otherwise */
	C_NOT_OWN_PARTY, /* MakeCallComplete naming another party or none */
	C_MAKING_PARTY,	 /* AddPartyComplete on a pending MakeCall's party */
	C_NOTIFY_PEND,	 /* PENDING from notify_close_af after closing the AF */
	C_QOS_RESTORE,	 /* a refused QoS change, the call's params not the active ones */
	C_IN_HANDLER,	 /* activation or deletion inside create_vc or delete_vc */
	N_CORNERS,
};

static const char *const corner_names[N_CORNERS] = {
	[C_DROP_LAST] = "drop of the last active party",
	[C_MP_FLAG] = "add party, multipoint flag misleading",
	[C_NOT_OWN_PARTY] = "make call complete, not the call's party",
	[C_MAKING_PARTY] = "add party complete, a make call's party",
	[C_NOTIFY_PEND] = "notify close pended after the close",
	[C_QOS_RESTORE] = "QoS refused, call params != active",
	[C_IN_HANDLER] = "activate/delete inside create/delete",
};

enum op_kind {
	OP_OPEN_AF,
	OP_OPEN_AF_COMPLETE,
	OP_CLOSE_AF,
	OP_CLOSE_AF_COMPLETE,
	OP_NOTIFY,
	OP_NOTIFY_COMPLETE,
	OP_REGISTER_SAP,
	OP_REGISTER_SAP_COMPLETE,
	OP_DEREGISTER_SAP,
	OP_DEREGISTER_SAP_COMPLETE,
	OP_CREATE_VC,
	OP_DELETE_VC,
	OP_ACTIVATE,
	OP_DEACTIVATE,
	OP_MP_COMPLETE,
	OP_MAKE_CALL,
	OP_MAKE_CALL_COMPLETE,
	OP_DISPATCH,
	OP_INCOMING_COMPLETE,
	OP_CONNECTED,
	OP_INCOMING_CLOSE,
	OP_CLOSE_CALL,
	OP_CLOSE_COMPLETE,
	OP_MODIFY_QOS,
	OP_MODIFY_QOS_COMPLETE,
	OP_QOS_CHANGE,
	OP_ADD_PARTY,
	OP_ADD_PARTY_COMPLETE,
	OP_DROP_PARTY,
	OP_DROP_PARTY_COMPLETE,
	OP_INCOMING_DROP,
	OP_LINK,
	N_OPS,
};

static const char *const op_names[N_OPS] = {
	[OP_OPEN_AF] = "cl_open_af",
	[OP_OPEN_AF_COMPLETE] = "open_af_complete",
	[OP_CLOSE_AF] = "cl_close_af",
	[OP_CLOSE_AF_COMPLETE] = "close_af_complete",
	[OP_NOTIFY] = "notify_close_af",
	[OP_NOTIFY_COMPLETE] = "cl_notify_close_af_complete",
	[OP_REGISTER_SAP] = "cl_register_sap",
	[OP_REGISTER_SAP_COMPLETE] = "register_sap_complete",
	[OP_DEREGISTER_SAP] = "cl_deregister_sap",
	[OP_DEREGISTER_SAP_COMPLETE] = "deregister_sap_complete",
	[OP_CREATE_VC] = "create_vc",
	[OP_DELETE_VC] = "delete_vc",
	[OP_ACTIVATE] = "activate_vc",
	[OP_DEACTIVATE] = "deactivate_vc",
	[OP_MP_COMPLETE] = "miniport deactivation done",
	[OP_MAKE_CALL] = "cl_make_call",
	[OP_MAKE_CALL_COMPLETE] = "make_call_complete",
	[OP_DISPATCH] = "dispatch_incoming_call",
	[OP_INCOMING_COMPLETE] = "cl_incoming_call_complete",
	[OP_CONNECTED] = "dispatch_call_connected",
	[OP_INCOMING_CLOSE] = "dispatch_incoming_close_call",
	[OP_CLOSE_CALL] = "cl_close_call",
	[OP_CLOSE_COMPLETE] = "close_call_complete",
	[OP_MODIFY_QOS] = "cl_modify_call_qos",
	[OP_MODIFY_QOS_COMPLETE] = "modify_call_qos_complete",
	[OP_QOS_CHANGE] = "dispatch_incoming_call_qos_change",
	[OP_ADD_PARTY] = "cl_add_party",
	[OP_ADD_PARTY_COMPLETE] = "add_party_complete",
	[OP_DROP_PARTY] = "cl_drop_party",
	[OP_DROP_PARTY_COMPLETE] = "drop_party_complete",
	[OP_INCOMING_DROP] = "dispatch_incoming_drop_party",
	[OP_LINK] = "core_link_status",
};

/* How often each top-level operation is drawn (before the redraw of
 * step()). */
static const unsigned int op_weights[N_OPS] = {
	[OP_OPEN_AF] = 3,
	[OP_OPEN_AF_COMPLETE] = 3,
	[OP_CLOSE_AF] = 2,
	[OP_CLOSE_AF_COMPLETE] = 3,
	[OP_NOTIFY] = 1,
	[OP_NOTIFY_COMPLETE] = 2,
	[OP_REGISTER_SAP] = 4,
	[OP_REGISTER_SAP_COMPLETE] = 3,
	[OP_DEREGISTER_SAP] = 2,
	[OP_DEREGISTER_SAP_COMPLETE] = 3,
	[OP_CREATE_VC] = 10,
	[OP_DELETE_VC] = 7,
	[OP_ACTIVATE] = 10,
	[OP_DEACTIVATE] = 6,
	[OP_MP_COMPLETE] = 9,
	[OP_MAKE_CALL] = 8,
	[OP_MAKE_CALL_COMPLETE] = 8,
	[OP_DISPATCH] = 12,
	[OP_INCOMING_COMPLETE] = 8,
	[OP_CONNECTED] = 8,
	[OP_INCOMING_CLOSE] = 5,
	[OP_CLOSE_CALL] = 8,
	[OP_CLOSE_COMPLETE] = 7,
	[OP_MODIFY_QOS] = 5,
	[OP_MODIFY_QOS_COMPLETE] = 5,
	[OP_QOS_CHANGE] = 3,
	[OP_ADD_PARTY] = 6,
	[OP_ADD_PARTY_COMPLETE] = 4,
	[OP_DROP_PARTY] = 4,
	[OP_DROP_PARTY_COMPLETE] = 4,
	[OP_INCOMING_DROP] = 3,
	[OP_LINK] = 1,
};

struct rt;
struct frame;
typedef void (*respond_fn)(struct rt *t, struct frame *f, struct ut_call *c);

/* The handler calls one request is expected to make, in order. */
struct frame {
	char what[UT_EVENT_LEN];
	char exp[MAX_EXPECT][UT_EVENT_LEN];
	unsigned int n, pos;
	respond_fn respond;
	void *a, *b;	       /* the request's model objects */
	enum cm_status answer; /* what the (first) handler answered */
	bool answered;
};

struct stats {
	unsigned long legal, illegal;
};

struct rt {
	struct ut_env *e;
	struct ut_actor *cl, *cmx[2];
	uint64_t rng;
	bool verbose;
	struct pool afs, saps, vcs, parties;
	struct grave graves[UT_KINDS];
	void **records;
	unsigned int n_records, cap_records;
	uint64_t calls_setup, calls_closed;
	struct frame stack[MAX_DEPTH];
	unsigned int depth;
	bool failed;
	unsigned long op_index;
	struct stats stats[N_OPS];
	unsigned long nested, corners[N_CORNERS];
	char hist[HISTORY][UT_EVENT_LEN];
	unsigned int hist_n;
	char cur[UT_EVENT_LEN]; /* the top-level request */
	/* objects the model let go of during the current operation: their
	 * last deliveries may still be under way, so they become stale
	 * (for the harness and for bad_handle) only once it is over */
	struct ut_obj **dying;
	unsigned int n_dying, cap_dying;
};

/* ---- randomness ---- */

static uint64_t
rnd(struct rt *t)
{
	/* xorshift64* */
	t->rng ^= t->rng >> 12;
	t->rng ^= t->rng << 25;
	t->rng ^= t->rng >> 27;
	return t->rng * 0x2545F4914F6CDD1DULL;
}

static unsigned int
below(struct rt *t, unsigned int n)
{
	return n == 0 ? 0 : (unsigned int)(rnd(t) % n);
}

/* true with a percent chance */
static bool
pct(struct rt *t, unsigned int percent)
{
	return below(t, 100) < percent;
}

static enum cm_status
pick_status(struct rt *t, const enum cm_status *s, unsigned int n)
{
	return s[below(t, n)];
}

#define PICK(t, ...)                                          \
	pick_status(t, (const enum cm_status[]){__VA_ARGS__}, \
		    sizeof((const enum cm_status[]){__VA_ARGS__}) / sizeof(enum cm_status))

/* ---- failures ---- */

static void __attribute__((format(printf, 2, 3))) fail(struct rt *t, const char *fmt, ...)
{
	va_list ap;
	unsigned int i, n;

	if (t->failed)
		return;
	t->failed = true;
	fprintf(stderr, "\n*** divergence at operation %lu: ", t->op_index);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fprintf(stderr, "\n    request stack:\n");
	for (i = 0; i < t->depth; i++)
		fprintf(stderr, "      %s\n", t->stack[i].what);
	fprintf(stderr, "    last operations:\n");
	n = t->hist_n < HISTORY ? t->hist_n : HISTORY;
	for (i = 0; i < n; i++)
		fprintf(stderr, "      %s\n", t->hist[(t->hist_n - n + i) % HISTORY]);
	ut_log_dump(t->e, "handler calls of this operation");
}

static void
check_status(struct rt *t, const char *what, enum cm_status got, enum cm_status want)
{
	if (got != want)
		fail(t, "%s returned %s, the model expected %s", what, cm_status_name(got),
		     cm_status_name(want));
}

/* ---- model bookkeeping ---- */

static void *
record(struct rt *t, size_t size)
{
	void *r = calloc(1, size);

	if (r == NULL)
		abort();
	if (t->n_records == t->cap_records) {
		t->cap_records = t->cap_records == 0 ? 1024 : 2 * t->cap_records;
		t->records = realloc(t->records, t->cap_records * sizeof(*t->records));
		if (t->records == NULL)
			abort();
	}
	t->records[t->n_records++] = r;
	return r;
}

static void
pool_add(struct pool *p, void *x)
{
	if (p->n == p->cap) {
		p->cap = p->cap == 0 ? 16 : 2 * p->cap;
		p->v = realloc(p->v, p->cap * sizeof(*p->v));
		if (p->v == NULL)
			abort();
	}
	p->v[p->n++] = x;
}

static void
pool_del(struct pool *p, void *x)
{
	unsigned int i;

	for (i = 0; i < p->n; i++)
		if (p->v[i] == x) {
			p->v[i] = p->v[--p->n];
			return;
		}
}

static void
bury(struct rt *t, enum ut_kind k, uint64_t h)
{
	struct grave *g = &t->graves[k];

	if (h == 0)
		return;
	g->h[g->next] = h;
	g->next = (g->next + 1) % GRAVE;
	if (g->n < GRAVE)
		g->n++;
}

static void
dying(struct rt *t, struct ut_obj *o)
{
	if (t->n_dying == t->cap_dying) {
		t->cap_dying = t->cap_dying == 0 ? 16 : 2 * t->cap_dying;
		t->dying = realloc(t->dying, t->cap_dying * sizeof(*t->dying));
		if (t->dying == NULL)
			abort();
	}
	t->dying[t->n_dying++] = o;
}

static void
bury_the_dying(struct rt *t)
{
	unsigned int i;

	for (i = 0; i < t->n_dying; i++) {
		bury(t, t->dying[i]->kind, t->dying[i]->h);
		t->dying[i]->gone = true;
	}
	t->n_dying = 0;
}

static uint64_t
stale(struct rt *t, enum ut_kind k)
{
	struct grave *g = &t->graves[k];

	return g->n == 0 ? 0 : g->h[below(t, g->n)];
}

static const char *
cm_name(int cmi)
{
	return cmi == 0 ? "cm" : "mcm";
}

static struct m_af *
new_af(struct rt *t, struct ut_obj *o, int cmi, enum m_af_state st)
{
	struct m_af *a = record(t, sizeof(*a));

	a->o = o;
	a->cmi = cmi;
	a->st = st;
	o->user = a;
	pool_add(&t->afs, a);
	return a;
}

static void
af_gone(struct rt *t, struct m_af *a)
{
	a->closed = true;
	pool_del(&t->afs, a);
	dying(t, a->o);
}

static struct m_sap *
new_sap(struct rt *t, struct ut_obj *o, struct m_af *a, enum m_sap_state st)
{
	struct m_sap *s = record(t, sizeof(*s));

	s->o = o;
	s->af = a;
	s->st = st;
	o->user = s;
	pool_add(&t->saps, s);
	return s;
}

static void
sap_gone(struct rt *t, struct m_sap *s)
{
	s->af->n_saps--;
	pool_del(&t->saps, s);
	dying(t, s->o);
}

static struct m_party *
new_party(struct rt *t, struct ut_obj *o, struct m_vc *v, enum m_party_state st)
{
	struct m_party *p = record(t, sizeof(*p));

	p->o = o;
	p->vc = v;
	p->st = st;
	o->user = p;
	v->n_parties++;
	pool_add(&t->parties, p);
	return p;
}

static void
party_gone(struct rt *t, struct m_party *p)
{
	if (p->vc->making == p)
		p->vc->making = NULL;
	if (p->vc->o->party == p->o)
		p->vc->o->party = NULL;
	p->vc->n_parties--;
	pool_del(&t->parties, p);
	dying(t, p->o);
}

static void
vc_gone(struct rt *t, struct m_vc *v)
{
	v->af->n_vcs--;
	pool_del(&t->vcs, v);
	dying(t, v->o);
}

/* The VC's only party (what close passes on), if it has one. */
static struct m_party *
party_of(struct rt *t, struct m_vc *v)
{
	unsigned int i;

	for (i = 0; i < t->parties.n; i++) {
		struct m_party *p = t->parties.v[i];

		if (p->vc == v)
			return p;
	}
	return NULL;
}

static unsigned int
active_parties_besides(struct rt *t, struct m_party *me)
{
	unsigned int i, n = 0;

	for (i = 0; i < t->parties.n; i++) {
		struct m_party *p = t->parties.v[i];

		n += p != me && p->vc == me->vc && p->st == MP_ACTIVE;
	}
	return n;
}

/* Closed and deactivated: the call is over (§4.3 step 4). */
static void
close_finish(struct rt *t, struct m_vc *v)
{
	struct m_party *p;

	while ((p = party_of(t, v)) != NULL)
		party_gone(t, p);
	v->call = CM_CALL_IDLE;
	v->multipoint = false;
	v->params.flags &= ~(uint32_t)CM_CALL_MULTIPOINT_VC;
	t->calls_closed++;
}

static bool
call_live(enum cm_vc_call_state s)
{
	return s == CM_CALL_OFFERED || s == CM_CALL_ACCEPTED || s == CM_CALL_CONNECTED;
}

/* ---- expectations ---- */

static struct frame *frame_push(struct rt *t, respond_fn respond, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static struct frame *
frame_push(struct rt *t, respond_fn respond, const char *fmt, ...)
{
	struct frame *f;
	va_list ap;

	if (t->depth == MAX_DEPTH) {
		fprintf(stderr, "random test: nesting too deep\n");
		abort();
	}
	f = &t->stack[t->depth++];
	memset(f, 0, sizeof(*f));
	f->respond = respond;
	va_start(ap, fmt);
	vsnprintf(f->what, sizeof(f->what), fmt, ap);
	va_end(ap);
	if (t->depth > 1)
		t->nested++;
	else
		snprintf(t->cur, sizeof(t->cur), "%s", f->what);
	return f;
}

static void __attribute__((format(printf, 2, 3))) expect(struct frame *f, const char *fmt, ...)
{
	va_list ap;

	if (f->n == MAX_EXPECT)
		abort();
	va_start(ap, fmt);
	vsnprintf(f->exp[f->n++], UT_EVENT_LEN, fmt, ap);
	va_end(ap);
}

static void
frame_pop(struct rt *t, struct frame *f)
{
	if (f != &t->stack[t->depth - 1])
		abort();
	if (f->pos != f->n)
		fail(t, "%s: expected %s, which never came", f->what, f->exp[f->pos]);
	t->depth--;
}

/* A handler that carries the call's params must show the model's. */
static void
check_params(struct rt *t, const struct ut_call *c, const char *got)
{
	const struct m_vc *v;

	switch (c->h) {
	case UT_CM_MAKE_CALL:
	case UT_CL_MAKE_CALL_COMPLETE:
	case UT_CL_INCOMING_CALL:
	case UT_CM_INCOMING_CALL_COMPLETE:
	case UT_CM_MODIFY_CALL_QOS:
	case UT_CL_MODIFY_CALL_QOS_COMPLETE:
	case UT_CL_INCOMING_CALL_QOS_CHANGE:
		break;
	default:
		return;
	}
	v = c->vc != NULL ? c->vc->user : NULL;
	if (v == NULL || c->p == NULL)
		fail(t, "%s: no VC or no params", got);
	else if (!ut_params_equal(c->p, &v->params))
		fail(t,
		     "%s: the call's params (session %u, flags %#x) are not the model's (session "
		     "%u, flags %#x)",
		     got, c->p->media.local_session_id, c->p->flags,
		     v->params.media.local_session_id, v->params.flags);
}

/* Every handler call: it must be the next one the innermost request
 * expects; its params must be the model's; then that request's
 * responder answers it. */
static void
hook(struct ut_call *c, void *arg)
{
	struct rt *t = arg;
	struct frame *f = t->depth != 0 ? &t->stack[t->depth - 1] : NULL;
	const char *got = t->e->log[t->e->n_log - 1];

	c->ret = CM_NOT_SUPPORTED;
	if (f == NULL || f->pos == f->n) {
		fail(t, "unexpected handler call %s during %s", got,
		     f != NULL ? f->what : "no request");
		return;
	}
	if (strcmp(got, f->exp[f->pos]) != 0) {
		fail(t, "%s: handler call %s, the model expected %s", f->what, got, f->exp[f->pos]);
		return;
	}
	f->pos++;
	c->ret = CM_SUCCESS;
	check_params(t, c, got);
	if (f->respond != NULL && !t->failed)
		f->respond(t, f, c);
}

static void
answer(struct frame *f, struct ut_call *c, enum cm_status st)
{
	f->answer = st;
	f->answered = true;
	c->ret = st;
}

/* ---- what the core shows ---- */

struct digest {
	struct core_counts n;
	unsigned int mp[5], errors, n_log, n_vcs;
	struct {
		enum cm_status st;
		struct cm_vc_info info;
		struct cm_call_params params;
	} vc[2 * MAX_AFS_PER_CM * MAX_VCS_PER_AF];
};

static void
digest(struct rt *t, struct digest *d)
{
	unsigned int i;

	memset(d, 0, sizeof(*d));
	core_get_counts(t->e->core, &d->n);
	d->mp[0] = t->e->mp.created;
	d->mp[1] = t->e->mp.deleted;
	d->mp[2] = t->e->mp.activations;
	d->mp[3] = t->e->mp.deactivations;
	d->mp[4] = t->e->mp.n_pending;
	d->errors = t->e->errors;
	d->n_log = t->e->n_log;
	d->n_vcs = t->vcs.n;
	for (i = 0; i < t->vcs.n && i < sizeof(d->vc) / sizeof(d->vc[0]); i++) {
		struct m_vc *v = t->vcs.v[i];

		d->vc[i].st = cm_vc_info(t->e->core, (struct cm_vc_h){v->o->h}, &d->vc[i].info);
		if (d->vc[i].st == CM_SUCCESS && d->vc[i].info.params != NULL)
			d->vc[i].params = *d->vc[i].info.params;
		d->vc[i].info.params = NULL;
	}
}

/* An illegal request: no handler may run (an empty frame), and the
 * digest must not move. */
static struct frame *
illegal_begin(struct rt *t, struct digest *d, const char *what)
{
	struct frame *f = frame_push(t, NULL, "%s [illegal]", what);

	digest(t, d);
	return f;
}

static void
illegal_end(struct rt *t, struct frame *f, struct digest *d, enum op_kind k, enum cm_status st)
{
	struct digest now;

	frame_pop(t, f);
	t->stats[k].illegal++;
	if (st == CM_SUCCESS || st == CM_PENDING)
		fail(t, "%s returned %s", f->what, cm_status_name(st));
	digest(t, &now);
	if (memcmp(&now, d, sizeof(now)) != 0)
		fail(t, "%s changed what the core shows", f->what);
}

static void
check_model(struct rt *t)
{
	struct core_counts n;
	unsigned int i, offered = 0, connected = 0, closing = 0, deactivating = 0;

	core_get_counts(t->e->core, &n);
	for (i = 0; i < t->vcs.n; i++) {
		struct m_vc *v = t->vcs.v[i];
		struct cm_vc_info info;

		offered += v->call == CM_CALL_OFFERED || v->call == CM_CALL_ACCEPTED;
		connected += v->call == CM_CALL_CONNECTED;
		closing += v->call == CM_CALL_INCOMING_CLOSE || v->call == CM_CALL_CLOSING;
		deactivating += v->act == CM_VC_DEACTIVATING;
		if (cm_vc_info(t->e->core, (struct cm_vc_h){v->o->h}, &info) != CM_SUCCESS) {
			fail(t, "%s is unknown to the core", v->o->name);
			return;
		}
		if (info.call != v->call || info.act != v->act ||
		    info.qos_pending != v->qos_pending || info.parties != v->n_parties) {
			fail(t,
			     "%s: core call %s act %d qos %d parties %u, model call %s act %d qos "
			     "%d "
			     "parties %u",
			     v->o->name, cm_call_state_name(info.call), info.act, info.qos_pending,
			     info.parties, cm_call_state_name(v->call), v->act, v->qos_pending,
			     v->n_parties);
			return;
		}
		if ((info.params == NULL) != (v->act == CM_VC_INACTIVE) ||
		    (info.params != NULL && !ut_params_equal(info.params, &v->active))) {
			fail(t, "%s: the active params are not the model's", v->o->name);
			return;
		}
		/* invariant: a live call is on an active VC */
		if (call_live(info.call) && info.act != CM_VC_ACTIVE) {
			fail(t, "%s: %s call on a VC that is not active", v->o->name,
			     cm_call_state_name(info.call));
			return;
		}
	}
	if (n.bindings != 3 || n.afs != t->afs.n || n.saps != t->saps.n || n.vcs != t->vcs.n ||
	    n.parties != t->parties.n || n.calls_offered != offered ||
	    n.calls_connected != connected || n.calls_closing != closing ||
	    n.calls_setup != t->calls_setup || n.calls_closed != t->calls_closed) {
		fail(t,
		     "counts: core afs %u saps %u vcs %u parties %u offered %u connected %u "
		     "closing "
		     "%u set up %" PRIu64 " closed %" PRIu64 "; model %u %u %u %u %u %u %u %" PRIu64
		     " %" PRIu64,
		     n.afs, n.saps, n.vcs, n.parties, n.calls_offered, n.calls_connected,
		     n.calls_closing, n.calls_setup, n.calls_closed, t->afs.n, t->saps.n, t->vcs.n,
		     t->parties.n, offered, connected, closing, t->calls_setup, t->calls_closed);
		return;
	}
	if (t->e->mp.created - t->e->mp.deleted != t->vcs.n || t->e->mp.n_pending != deactivating) {
		fail(t, "miniport: %u VCs, %u deactivations pending; model %u, %u",
		     t->e->mp.created - t->e->mp.deleted, t->e->mp.n_pending, t->vcs.n,
		     deactivating);
		return;
	}
	if (t->e->errors != 0)
		fail(t, "the harness saw a delivery about a dead object or a miniport misuse");
	for (i = 0; i < 2; i++) {
		struct cm_vc_info info;
		uint64_t h = stale(t, UT_VC);

		if (h != 0 && cm_vc_info(t->e->core, (struct cm_vc_h){h}, &info) != CM_FAILURE)
			fail(t, "a deleted VC's handle is known to the core");
	}
}

/* ---- operands ---- */

/* A handle that names nothing live of that kind: stale, zero, or a live
 * object of another kind. */
static uint64_t
bad_handle(struct rt *t, enum ut_kind k)
{
	unsigned int r = below(t, 6);
	struct pool *others[] = {&t->afs, &t->saps, &t->vcs, &t->parties};
	struct pool *p;

	if (r <= 2)
		return stale(t, k);
	if (r == 3)
		return 0;
	p = others[(k + 1 + below(t, 3)) % 4];
	if (p->n == 0)
		return 0;
	return ((struct ut_obj *)*(struct ut_obj **)p->v[below(t, p->n)])->h;
}

typedef bool (*pred_fn)(struct rt *t, void *x);

static void *
pick(struct rt *t, struct pool *p, pred_fn pred)
{
	void *c[64];
	unsigned int i, n = 0;

	for (i = 0; i < p->n && n < 64; i++)
		if (pred == NULL || pred(t, p->v[i]))
			c[n++] = p->v[i];
	return n == 0 ? NULL : c[below(t, n)];
}

/* Mostly an object the request is legal on, sometimes any object,
 * sometimes a bad handle (*m NULL then). */
static uint64_t
operand(struct rt *t, struct pool *p, enum ut_kind k, pred_fn legal, void **m)
{
	unsigned int r = below(t, 100);

	*m = NULL;
	if (r < 75)
		*m = pick(t, p, legal);
	if (*m == NULL && r < 92)
		*m = pick(t, p, NULL);
	if (*m != NULL)
		return (*(struct ut_obj **)*m)->h;
	return bad_handle(t, k);
}

/* Which CM family the request uses: its own mostly, the other's at times. */
static int
api_for(struct rt *t, int cmi)
{
	return pct(t, 7) ? 1 - cmi : cmi;
}

static void
rand_params(struct rt *t, struct cm_call_params *p)
{
	static const uint64_t rates[] = {62500, 125000, 250000, 1250000};

	ut_params(p, 1 + below(t, 4000), rates[below(t, 4)]);
	p->media.circuit.port = (uint16_t)below(t, 2);
	if (pct(t, 20))
		p->transmit.token_bucket_size = 3000;
	/* the flag says nothing: a call is multipoint if it was made with a
	 * party, whatever its params (or later ones) carry */
	if (pct(t, 25))
		p->flags |= CM_CALL_MULTIPOINT_VC;
	if (pct(t, 10))
		p->flags |= CM_CALL_PARAMETERS_CHANGED;
}

/* Params, or none at times (a completion may leave them as they are). */
static struct cm_call_params *
rand_params_or_none(struct rt *t, struct cm_call_params *p)
{
	if (pct(t, 25))
		return NULL;
	rand_params(t, p);
	return p;
}

static void
bad_params(struct rt *t, struct cm_call_params *p)
{
	switch (below(t, 3)) {
	case 0:
		p->transmit.token_rate = 0;
		break;
	case 1:
		p->receive.peak_bandwidth = p->receive.token_rate - 1;
		break;
	default:
		p->transmit.service_type = 99;
		break;
	}
}

static const char *
opt_party(char *buf, size_t n, const struct m_party *p)
{
	if (p == NULL)
		buf[0] = '\0';
	else
		snprintf(buf, n, ",party=%s", p->o->name);
	return buf;
}

static const char *
opt_data(char *buf, size_t n, size_t size)
{
	if (size == 0)
		buf[0] = '\0';
	else
		snprintf(buf, n, ",data=%zu", size);
	return buf;
}

static const void *
rand_data(struct rt *t, size_t *size)
{
	static const char data[] = "release-cause";

	if (pct(t, 70)) {
		*size = 0;
		return NULL;
	}
	*size = 1 + below(t, sizeof(data) - 1);
	return data;
}

static void
next_name(struct rt *t, enum ut_kind k, char *buf, size_t n)
{
	static const char letters[] = "ASVP";

	snprintf(buf, n, "%c%u", letters[k], t->e->next_id[k] + 1);
}

static void
legal_done(struct rt *t, enum op_kind k)
{
	t->stats[k].legal++;
}

/* ---- the requests: each checks legality, states what handlers it
 * expects, runs, and moves the model ---- */

static void op_close_af(struct rt *t, struct m_af *a, uint64_t h);
static void op_close_call(struct rt *t, struct m_vc *v, uint64_t h, struct m_party *pt,
			  uint64_t ph);
static void op_make_call_complete(struct rt *t, struct m_vc *v, uint64_t h, int api,
				  enum cm_status st, int party_kind);
static void op_activate(struct rt *t, struct m_vc *v, uint64_t h, int api);
static void op_deactivate(struct rt *t, struct m_vc *v, uint64_t h, int api);
static void op_connected(struct rt *t, struct m_vc *v, uint64_t h, int api);
static void op_incoming_close(struct rt *t, struct m_vc *v, uint64_t h, int api, enum cm_status st);
static void op_close_complete(struct rt *t, struct m_vc *v, uint64_t h, int api, enum cm_status st,
			      int party_kind);
static void op_delete_vc(struct rt *t, struct m_vc *v, uint64_t h, int by);
static void op_drop_party(struct rt *t, struct m_party *p, uint64_t h);
static void op_modify_qos(struct rt *t, struct m_vc *v, uint64_t h);
static void op_incoming_complete(struct rt *t, struct m_vc *v, uint64_t h, enum cm_status st);

/* -- AFs -- */

static void
resp_open_af(struct rt *t, struct frame *f, struct ut_call *c)
{
	answer(f, c,
	       PICK(t, CM_SUCCESS, CM_SUCCESS, CM_PENDING, CM_PENDING, CM_INVALID_DATA,
		    CM_RESOURCES));
}

static void
op_open_af(struct rt *t, int cmi)
{
	struct ut_env *e = t->e;
	struct cm_af af = {.family = t->cmx[cmi]->family, .major = 1};
	struct ut_obj *o;
	struct frame *f;
	struct cm_af_h h;
	unsigned int i, n = 0;
	enum cm_status st;
	char name[16];

	for (i = 0; i < t->afs.n; i++)
		n += ((struct m_af *)t->afs.v[i])->cmi == cmi;
	if (n >= MAX_AFS_PER_CM)
		return;
	next_name(t, UT_AF, name, sizeof(name));
	f = frame_push(t, resp_open_af, "cl_open_af(%s) -> %s", cm_name(cmi), name);
	expect(f, "%s.open_af(af=%s)", cm_name(cmi), name);
	o = ut_obj_new(e, UT_AF);
	o->family = af.family;
	o->cl.actor = t->cl;
	o->cm.actor = t->cmx[cmi];
	e->creating[UT_AF] = o;
	st = cl_open_af(e->core, t->cl->bind, &af, &o->cl, &h);
	e->creating[UT_AF] = NULL;
	check_status(t, f->what, st, f->answer);
	if (st == CM_SUCCESS || st == CM_PENDING) {
		ut_obj_bind(e, o, h.v);
		new_af(t, o, cmi, st == CM_SUCCESS ? MA_OPEN : MA_OPENING);
	} else {
		dying(t, o);
		if (h.v != 0)
			fail(t, "%s failed but handed out a handle", f->what);
	}
	frame_pop(t, f);
	legal_done(t, OP_OPEN_AF);
}

static void
op_open_af_complete(struct rt *t, struct m_af *a, uint64_t h, int api, enum cm_status st)
{
	struct core *c = t->e->core;
	struct digest d;
	struct frame *f;
	enum cm_status r;
	void *ctx = a != NULL ? &a->o->cm : NULL;
	char what[96];

	snprintf(what, sizeof(what), "%s_open_af_complete(%s,af=%s)", cm_name(api),
		 cm_status_name(st), a != NULL ? a->o->name : "?");
	if (a == NULL || a->st != MA_OPENING || a->cmi != api || st == CM_PENDING) {
		f = illegal_begin(t, &d, what);
		r = api ? mcm_open_af_complete(c, st, (struct cm_af_h){h}, ctx)
			: cm_open_af_complete(c, st, (struct cm_af_h){h}, ctx);
		illegal_end(t, f, &d, OP_OPEN_AF_COMPLETE, r);
		return;
	}
	f = frame_push(t, NULL, "%s", what);
	expect(f, "cl.open_af_complete(af=%s,%s)", a->o->name, cm_status_name(st));
	if (st == CM_SUCCESS)
		a->st = MA_OPEN;
	else
		af_gone(t, a);
	r = api ? mcm_open_af_complete(c, st, (struct cm_af_h){h}, ctx)
		: cm_open_af_complete(c, st, (struct cm_af_h){h}, ctx);
	check_status(t, what, r, CM_SUCCESS);
	frame_pop(t, f);
	legal_done(t, OP_OPEN_AF_COMPLETE);
}

static void
resp_close_af(struct rt *t, struct frame *f, struct ut_call *c)
{
	struct m_af *a = f->a;
	enum cm_status st;

	if (c->h != UT_CM_CLOSE_AF)
		return; /* the notification completing with the AF */
	st = PICK(t, CM_SUCCESS, CM_SUCCESS, CM_PENDING, CM_PENDING, CM_NOT_ACCEPTED);
	answer(f, c, st);
	/* the AF closes: a notification still pending completes with it */
	if (st == CM_SUCCESS && a->notify_pending)
		expect(f, "%s.notify_close_af_complete(af=%s,SUCCESS)", cm_name(a->cmi),
		       a->o->name);
}

static void
op_close_af(struct rt *t, struct m_af *a, uint64_t h)
{
	struct core *c = t->e->core;
	enum m_af_state before;
	struct digest d;
	struct frame *f;
	enum cm_status r;
	char what[96];

	snprintf(what, sizeof(what), "cl_close_af(af=%s)", a != NULL ? a->o->name : "?");
	if (a == NULL || (a->st != MA_OPEN && a->st != MA_CLOSE_NOTIFIED)) {
		f = illegal_begin(t, &d, what);
		r = cl_close_af(c, (struct cm_af_h){h});
		illegal_end(t, f, &d, OP_CLOSE_AF, r);
		return;
	}
	if (a->n_saps != 0 || a->n_vcs != 0) {
		/* §3.1: only after all SAPs and VCs are gone */
		f = frame_push(t, NULL, "%s [SAPs or VCs left]", what);
		r = cl_close_af(c, (struct cm_af_h){h});
		check_status(t, what, r, CM_NOT_ACCEPTED);
		frame_pop(t, f);
		legal_done(t, OP_CLOSE_AF);
		return;
	}
	f = frame_push(t, resp_close_af, "%s", what);
	f->a = a;
	expect(f, "%s.close_af(af=%s)", cm_name(a->cmi), a->o->name);
	before = a->st;
	a->st = MA_CLOSING;
	r = cl_close_af(c, (struct cm_af_h){h});
	check_status(t, what, r, f->answer);
	if (f->answer == CM_SUCCESS)
		af_gone(t, a);
	else if (f->answer != CM_PENDING)
		a->st = before;
	frame_pop(t, f);
	legal_done(t, OP_CLOSE_AF);
}

static void
op_close_af_complete(struct rt *t, struct m_af *a, uint64_t h, int api, enum cm_status st)
{
	struct core *c = t->e->core;
	struct digest d;
	struct frame *f;
	enum cm_status r;
	char what[96];

	snprintf(what, sizeof(what), "%s_close_af_complete(%s,af=%s)", cm_name(api),
		 cm_status_name(st), a != NULL ? a->o->name : "?");
	if (a == NULL || a->st != MA_CLOSING || a->cmi != api || st == CM_PENDING) {
		f = illegal_begin(t, &d, what);
		r = api ? mcm_close_af_complete(c, st, (struct cm_af_h){h})
			: cm_close_af_complete(c, st, (struct cm_af_h){h});
		illegal_end(t, f, &d, OP_CLOSE_AF_COMPLETE, r);
		return;
	}
	f = frame_push(t, NULL, "%s", what);
	if (st == CM_SUCCESS) {
		if (a->notify_pending)
			expect(f, "%s.notify_close_af_complete(af=%s,SUCCESS)", cm_name(a->cmi),
			       a->o->name);
		af_gone(t, a);
	} else {
		a->st = a->notify_pending ? MA_CLOSE_NOTIFIED : MA_OPEN;
	}
	expect(f, "cl.close_af_complete(%s,af=%s)", cm_status_name(st), a->o->name);
	r = api ? mcm_close_af_complete(c, st, (struct cm_af_h){h})
		: cm_close_af_complete(c, st, (struct cm_af_h){h});
	check_status(t, what, r, CM_SUCCESS);
	frame_pop(t, f);
	legal_done(t, OP_CLOSE_AF_COMPLETE);
}

/* The client runs the client-initiated close inside notify_close_af
 * when it can (§4.8), or pends, or refuses. */
static void
resp_notify(struct rt *t, struct frame *f, struct ut_call *c)
{
	struct m_af *a = f->a;

	if (c->h != UT_CL_NOTIFY_CLOSE_AF)
		return; /* the completion the core sends for the client */
	if (a->n_saps == 0 && a->n_vcs == 0 && pct(t, 60)) {
		op_close_af(t, a, a->o->h);
		if (a->closed) {
			/* closed: SUCCESS, or a PENDING the client can no longer
			 * complete, which the core completes for it as soon as
			 * the handler returns (R2) */
			if (pct(t, 30)) {
				t->corners[C_NOTIFY_PEND]++;
				expect(f, "%s.notify_close_af_complete(af=%s,SUCCESS)",
				       cm_name(a->cmi), a->o->name);
				answer(f, c, CM_PENDING);
			} else {
				answer(f, c, CM_SUCCESS);
			}
		} else if (a->st == MA_CLOSING) {
			answer(f, c, CM_PENDING);
		} else {
			answer(f, c, PICK(t, CM_PENDING, CM_NOT_SUPPORTED));
		}
		return;
	}
	answer(f, c, PICK(t, CM_PENDING, CM_PENDING, CM_NOT_SUPPORTED, CM_SUCCESS));
}

static void
op_notify(struct rt *t, struct m_af *a, uint64_t h, int api)
{
	struct core *c = t->e->core;
	struct digest d;
	struct frame *f;
	enum cm_status r;
	char what[96];

	snprintf(what, sizeof(what), "%s_notify_close_af(af=%s)", cm_name(api),
		 a != NULL ? a->o->name : "?");
	if (a == NULL || a->st != MA_OPEN || a->cmi != api) {
		f = illegal_begin(t, &d, what);
		r = api ? mcm_notify_close_af(c, (struct cm_af_h){h})
			: cm_notify_close_af(c, (struct cm_af_h){h});
		illegal_end(t, f, &d, OP_NOTIFY, r);
		return;
	}
	f = frame_push(t, resp_notify, "%s", what);
	f->a = a;
	expect(f, "cl.notify_close_af(af=%s)", a->o->name);
	a->st = MA_CLOSE_NOTIFIED;
	r = api ? mcm_notify_close_af(c, (struct cm_af_h){h})
		: cm_notify_close_af(c, (struct cm_af_h){h});
	check_status(t, what, r, f->answer);
	if (a->closed) {
		/* closed inside: nothing is left pending (see resp_notify) */
	} else if (f->answer == CM_PENDING) {
		a->notify_pending = true;
	} else if (a->st == MA_CLOSE_NOTIFIED && f->answer != CM_SUCCESS) {
		a->st = MA_OPEN;
	}
	frame_pop(t, f);
	legal_done(t, OP_NOTIFY);
}

static void
op_notify_complete(struct rt *t, struct m_af *a, uint64_t h, enum cm_status st)
{
	struct core *c = t->e->core;
	struct digest d;
	struct frame *f;
	enum cm_status r;
	char what[96];

	snprintf(what, sizeof(what), "cl_notify_close_af_complete(af=%s,%s)",
		 a != NULL ? a->o->name : "?", cm_status_name(st));
	if (a == NULL || !a->notify_pending || st == CM_PENDING) {
		f = illegal_begin(t, &d, what);
		r = cl_notify_close_af_complete(c, (struct cm_af_h){h}, st);
		illegal_end(t, f, &d, OP_NOTIFY_COMPLETE, r);
		return;
	}
	f = frame_push(t, NULL, "%s", what);
	expect(f, "%s.notify_close_af_complete(af=%s,%s)", cm_name(a->cmi), a->o->name,
	       cm_status_name(st));
	a->notify_pending = false;
	if (st != CM_SUCCESS && a->st == MA_CLOSE_NOTIFIED)
		a->st = MA_OPEN;
	r = cl_notify_close_af_complete(c, (struct cm_af_h){h}, st);
	check_status(t, what, r, CM_SUCCESS);
	frame_pop(t, f);
	legal_done(t, OP_NOTIFY_COMPLETE);
}

/* -- SAPs -- */

static void
resp_register_sap(struct rt *t, struct frame *f, struct ut_call *c)
{
	answer(f, c,
	       PICK(t, CM_SUCCESS, CM_SUCCESS, CM_PENDING, CM_PENDING, CM_INVALID_DATA,
		    CM_SAP_IN_USE));
}

static void
op_register_sap(struct rt *t, struct m_af *a, uint64_t h)
{
	struct ut_env *e = t->e;
	struct cm_sap sap = {.pw_type = L2TP_PW_ETH};
	struct ut_obj *o;
	struct digest d;
	struct frame *f;
	struct cm_sap_h sh;
	enum cm_status r;
	char what[96], name[16];

	next_name(t, UT_SAP, name, sizeof(name));
	snprintf(what, sizeof(what), "cl_register_sap(af=%s) -> %s", a != NULL ? a->o->name : "?",
		 name);
	snprintf(sap.remote_end_id, sizeof(sap.remote_end_id), "%s", name);
	if (a == NULL || a->st != MA_OPEN) {
		f = illegal_begin(t, &d, what);
		r = cl_register_sap(e->core, (struct cm_af_h){h}, NULL, &sap, &sh);
		if (sh.v != 0)
			fail(t, "%s handed out a handle", what);
		illegal_end(t, f, &d, OP_REGISTER_SAP, r);
		return;
	}
	if (a->n_saps >= MAX_SAPS_PER_AF)
		return;
	f = frame_push(t, resp_register_sap, "%s", what);
	expect(f, "%s.register_sap(af=%s,sap=%s)", cm_name(a->cmi), a->o->name, name);
	o = ut_obj_new(e, UT_SAP);
	o->af = a->o;
	o->sap = sap;
	o->cl.actor = t->cl;
	o->cm.actor = t->cmx[a->cmi];
	e->creating[UT_SAP] = o;
	a->n_saps++;
	r = cl_register_sap(e->core, (struct cm_af_h){h}, &o->cl, &o->sap, &sh);
	e->creating[UT_SAP] = NULL;
	check_status(t, what, r, f->answer);
	if (r == CM_SUCCESS || r == CM_PENDING) {
		ut_obj_bind(e, o, sh.v);
		new_sap(t, o, a, r == CM_SUCCESS ? MS_REGISTERED : MS_REGISTERING);
	} else {
		a->n_saps--;
		dying(t, o);
	}
	frame_pop(t, f);
	legal_done(t, OP_REGISTER_SAP);
}

static void
op_register_sap_complete(struct rt *t, struct m_sap *s, uint64_t h, int api, enum cm_status st)
{
	struct core *c = t->e->core;
	struct digest d;
	struct frame *f;
	enum cm_status r;
	void *ctx = s != NULL ? &s->o->cm : NULL;
	char what[96];

	snprintf(what, sizeof(what), "%s_register_sap_complete(%s,sap=%s)", cm_name(api),
		 cm_status_name(st), s != NULL ? s->o->name : "?");
	if (s == NULL || s->st != MS_REGISTERING || s->af->cmi != api || st == CM_PENDING) {
		f = illegal_begin(t, &d, what);
		r = api ? mcm_register_sap_complete(c, st, (struct cm_sap_h){h}, ctx)
			: cm_register_sap_complete(c, st, (struct cm_sap_h){h}, ctx);
		illegal_end(t, f, &d, OP_REGISTER_SAP_COMPLETE, r);
		return;
	}
	f = frame_push(t, NULL, "%s", what);
	expect(f, "cl.register_sap_complete(%s,sap=%s)", cm_status_name(st), s->o->name);
	if (st == CM_SUCCESS)
		s->st = MS_REGISTERED;
	else
		sap_gone(t, s);
	r = api ? mcm_register_sap_complete(c, st, (struct cm_sap_h){h}, ctx)
		: cm_register_sap_complete(c, st, (struct cm_sap_h){h}, ctx);
	check_status(t, what, r, CM_SUCCESS);
	frame_pop(t, f);
	legal_done(t, OP_REGISTER_SAP_COMPLETE);
}

static void
resp_deregister_sap(struct rt *t, struct frame *f, struct ut_call *c)
{
	answer(f, c, PICK(t, CM_SUCCESS, CM_PENDING, CM_PENDING, CM_INVALID_DATA));
}

static void
op_deregister_sap(struct rt *t, struct m_sap *s, uint64_t h)
{
	struct core *c = t->e->core;
	struct digest d;
	struct frame *f;
	enum cm_status r;
	char what[96];

	snprintf(what, sizeof(what), "cl_deregister_sap(sap=%s)", s != NULL ? s->o->name : "?");
	if (s == NULL || s->st != MS_REGISTERED) {
		f = illegal_begin(t, &d, what);
		r = cl_deregister_sap(c, (struct cm_sap_h){h});
		illegal_end(t, f, &d, OP_DEREGISTER_SAP, r);
		return;
	}
	f = frame_push(t, resp_deregister_sap, "%s", what);
	expect(f, "%s.deregister_sap(sap=%s)", cm_name(s->af->cmi), s->o->name);
	s->st = MS_DEREGISTERING;
	r = cl_deregister_sap(c, (struct cm_sap_h){h});
	check_status(t, what, r, f->answer);
	if (r == CM_SUCCESS)
		sap_gone(t, s);
	else if (r != CM_PENDING)
		s->st = MS_REGISTERED;
	frame_pop(t, f);
	legal_done(t, OP_DEREGISTER_SAP);
}

static void
op_deregister_sap_complete(struct rt *t, struct m_sap *s, uint64_t h, int api, enum cm_status st)
{
	struct core *c = t->e->core;
	struct digest d;
	struct frame *f;
	enum cm_status r;
	char what[96];

	snprintf(what, sizeof(what), "%s_deregister_sap_complete(%s,sap=%s)", cm_name(api),
		 cm_status_name(st), s != NULL ? s->o->name : "?");
	if (s == NULL || s->st != MS_DEREGISTERING || s->af->cmi != api || st == CM_PENDING) {
		f = illegal_begin(t, &d, what);
		r = api ? mcm_deregister_sap_complete(c, st, (struct cm_sap_h){h})
			: cm_deregister_sap_complete(c, st, (struct cm_sap_h){h});
		illegal_end(t, f, &d, OP_DEREGISTER_SAP_COMPLETE, r);
		return;
	}
	f = frame_push(t, NULL, "%s", what);
	expect(f, "cl.deregister_sap_complete(%s,sap=%s)", cm_status_name(st), s->o->name);
	if (st == CM_SUCCESS)
		sap_gone(t, s);
	else
		s->st = MS_REGISTERED;
	r = api ? mcm_deregister_sap_complete(c, st, (struct cm_sap_h){h})
		: cm_deregister_sap_complete(c, st, (struct cm_sap_h){h});
	check_status(t, what, r, CM_SUCCESS);
	frame_pop(t, f);
	legal_done(t, OP_DEREGISTER_SAP_COMPLETE);
}

/* -- VCs -- */

enum creator {
	BY_CLIENT, /* co_* with the client's binding */
	BY_CM,	   /* co_* with the stand-alone CM's binding */
	BY_MCM,	   /* mcm_* (the MCM) */
	BY_MCM_CO, /* co_* with the MCM's binding: never (§8) */
	BY_CM_MCM, /* mcm_* with the CM's binding */
	N_CREATORS,
};

/* While the other side's create_vc or delete_vc handler runs, the CM
 * may not activate the VC: CM_FAILURE, and nothing moves. */
static void
refused_activate(struct rt *t, struct ut_obj *o, int cmi, const char *during)
{
	struct core *c = t->e->core;
	struct cm_call_params p;
	struct digest d;
	struct frame *f;
	enum cm_status r;
	char what[96];

	rand_params(t, &p);
	snprintf(what, sizeof(what), "%s_activate_vc(vc=%s) inside %s", cm_name(cmi), o->name,
		 during);
	f = illegal_begin(t, &d, what);
	r = cmi ? mcm_activate_vc(c, (struct cm_vc_h){o->h}, &p)
		: cm_activate_vc(c, (struct cm_vc_h){o->h}, &p);
	illegal_end(t, f, &d, OP_ACTIVATE, r);
	check_status(t, what, r, CM_FAILURE);
	t->corners[C_IN_HANDLER]++;
}

/* Nor may its creator delete it while the create handler runs. */
static void
refused_delete(struct rt *t, struct ut_obj *o, const char *during)
{
	struct core *c = t->e->core;
	struct ut_actor *by = o->creator == UT_CLIENT ? t->cl
			      : o->creator == UT_CM   ? t->cmx[0]
						      : t->cmx[1];
	struct digest d;
	struct frame *f;
	enum cm_status r;
	char what[96];

	snprintf(what, sizeof(what), "%s_delete_vc(%s,vc=%s) inside %s",
		 o->creator == UT_MCM ? "mcm" : "co", by->name, o->name, during);
	f = illegal_begin(t, &d, what);
	r = o->creator == UT_MCM ? mcm_delete_vc(c, (struct cm_vc_h){o->h})
				 : co_delete_vc(c, by->bind, (struct cm_vc_h){o->h});
	illegal_end(t, f, &d, OP_DELETE_VC, r);
	check_status(t, what, r, CM_FAILURE);
	t->corners[C_IN_HANDLER]++;
}

static void
resp_create_vc(struct rt *t, struct frame *f, struct ut_call *c)
{
	struct ut_obj *o = f->a;
	struct m_af *a = f->b;

	if (pct(t, 8))
		refused_activate(t, o, a->cmi, "create_vc");
	if (pct(t, 5))
		refused_delete(t, o, "create_vc");
	/* R5: a pended create fails the creation */
	answer(f, c, below(t, 100) < 85 ? CM_SUCCESS : PICK(t, CM_RESOURCES, CM_PENDING));
}

static void
op_create_vc(struct rt *t, struct m_af *a, uint64_t h, enum creator by)
{
	struct ut_env *e = t->e;
	struct ut_actor *actor = by == BY_CLIENT		  ? t->cl
				 : by == BY_CM || by == BY_CM_MCM ? t->cmx[0]
								  : t->cmx[1];
	bool mcm_api = by == BY_MCM || by == BY_CM_MCM;
	struct ut_obj *o;
	struct digest d;
	struct frame *f;
	struct cm_vc_h vh;
	enum cm_status r, want;
	char what[96], name[16];
	bool legal, mp_fails;
	struct m_vc *v;

	next_name(t, UT_VC, name, sizeof(name));
	snprintf(what, sizeof(what), "%s(%s,af=%s) -> %s",
		 mcm_api ? "mcm_create_vc" : "co_create_vc", actor->name,
		 a != NULL ? a->o->name : "?", name);
	legal = a != NULL && a->st == MA_OPEN &&
		(by == BY_CLIENT || (by == BY_CM && a->cmi == 0) || (by == BY_MCM && a->cmi == 1));
	if (!legal) {
		f = illegal_begin(t, &d, what);
		r = mcm_api ? mcm_create_vc(e->core, actor->bind, (struct cm_af_h){h}, NULL, &vh)
			    : co_create_vc(e->core, actor->bind, (struct cm_af_h){h}, NULL, &vh);
		if (vh.v != 0)
			fail(t, "%s handed out a handle", what);
		illegal_end(t, f, &d, OP_CREATE_VC, r);
		return;
	}
	if (a->n_vcs >= MAX_VCS_PER_AF)
		return;
	mp_fails = pct(t, 4);
	f = frame_push(t, resp_create_vc, "%s%s", what, mp_fails ? " [miniport full]" : "");
	if (!mp_fails)
		expect(f, "%s.create_vc(af=%s,vc=%s)", by == BY_CLIENT ? cm_name(a->cmi) : "cl",
		       a->o->name, name);
	o = ut_obj_new(e, UT_VC);
	f->a = o;
	f->b = a;
	o->af = a->o;
	o->creator = actor->role;
	(by == BY_CLIENT ? &o->cl : &o->cm)->actor = actor;
	e->creating[UT_VC] = o;
	e->mp.create_rc = mp_fails ? -ENOMEM : 0;
	r = mcm_api ? mcm_create_vc(e->core, actor->bind, (struct cm_af_h){h},
				    by == BY_CLIENT ? &o->cl : &o->cm, &vh)
		    : co_create_vc(e->core, actor->bind, (struct cm_af_h){h},
				   by == BY_CLIENT ? &o->cl : &o->cm, &vh);
	e->creating[UT_VC] = NULL;
	want = mp_fails ? CM_RESOURCES : f->answer == CM_PENDING ? CM_FAILURE : f->answer;
	check_status(t, what, r, want);
	if (r == CM_SUCCESS) {
		ut_obj_bind(e, o, vh.v);
		v = record(t, sizeof(*v));
		v->o = o;
		v->af = a;
		v->by_client = by == BY_CLIENT;
		v->act = CM_VC_INACTIVE;
		v->call = CM_CALL_IDLE;
		o->user = v;
		a->n_vcs++;
		pool_add(&t->vcs, v);
	} else {
		dying(t, o);
	}
	frame_pop(t, f);
	legal_done(t, OP_CREATE_VC);
}

static void
resp_delete_vc(struct rt *t, struct frame *f, struct ut_call *c)
{
	struct m_vc *v = f->a;

	if (pct(t, 8))
		refused_activate(t, v->o, v->af->cmi, "delete_vc");
	/* NOT_ACCEPTED: still busy (§7); PENDING is never allowed (R5) */
	answer(f, c, below(t, 100) < 90 ? CM_SUCCESS : PICK(t, CM_NOT_ACCEPTED, CM_PENDING));
}

static void
op_delete_vc(struct rt *t, struct m_vc *v, uint64_t h, int by)
{
	struct ut_env *e = t->e;
	struct ut_actor *actor = by == BY_CLIENT		  ? t->cl
				 : by == BY_CM || by == BY_CM_MCM ? t->cmx[0]
								  : t->cmx[1];
	bool mcm_api = by == BY_MCM || by == BY_CM_MCM;
	struct digest d;
	struct frame *f;
	enum cm_status r, want;
	char what[96];
	bool creator;

	snprintf(what, sizeof(what), "%s(%s,vc=%s)", mcm_api ? "mcm_delete_vc" : "co_delete_vc",
		 actor->name, v != NULL ? v->o->name : "?");
	/* creator only (§5.3); mcm_delete_vc names no caller, so any
	 * mcm_delete_vc of an MCM-created VC is the MCM's */
	if (mcm_api)
		creator = v != NULL && !v->by_client && v->af->cmi == 1;
	else
		creator = v != NULL && by != BY_MCM_CO &&
			  (v->by_client ? by == BY_CLIENT : v->af->cmi == 0 && by == BY_CM);
	if (!creator) {
		f = illegal_begin(t, &d, what);
		r = mcm_api ? mcm_delete_vc(e->core, (struct cm_vc_h){h})
			    : co_delete_vc(e->core, actor->bind, (struct cm_vc_h){h});
		illegal_end(t, f, &d, OP_DELETE_VC, r);
		return;
	}
	if (v->act != CM_VC_INACTIVE || v->call != CM_CALL_IDLE) {
		/* §3.2: NOT_ACCEPTED while active or with a call, CLOSING while
		 * the deactivation pends */
		want = v->act == CM_VC_DEACTIVATING ? CM_CLOSING : CM_NOT_ACCEPTED;
		f = frame_push(t, NULL, "%s [busy]", what);
		r = mcm_api ? mcm_delete_vc(e->core, (struct cm_vc_h){h})
			    : co_delete_vc(e->core, actor->bind, (struct cm_vc_h){h});
		check_status(t, what, r, want);
		frame_pop(t, f);
		legal_done(t, OP_DELETE_VC);
		return;
	}
	f = frame_push(t, resp_delete_vc, "%s", what);
	f->a = v;
	expect(f, "%s.delete_vc(vc=%s)", v->by_client ? cm_name(v->af->cmi) : "cl", v->o->name);
	r = mcm_api ? mcm_delete_vc(e->core, (struct cm_vc_h){h})
		    : co_delete_vc(e->core, actor->bind, (struct cm_vc_h){h});
	want = f->answer == CM_SUCCESS ? CM_SUCCESS : CM_NOT_ACCEPTED;
	check_status(t, what, r, want);
	if (r == CM_SUCCESS)
		vc_gone(t, v);
	frame_pop(t, f);
	legal_done(t, OP_DELETE_VC);
}

static enum cm_status
status_of_rc(int rc)
{
	switch (rc) {
	case 0:
		return CM_SUCCESS;
	case -EINVAL:
		return CM_INVALID_DATA;
	case -EEXIST:
		return CM_VC_NOT_AVAILABLE;
	case -ENOSPC:
	case -ENOMEM:
		return CM_RESOURCES;
	default:
		return CM_NO_ROUTE_TO_DESTINATION;
	}
}

static void
activate_with(struct rt *t, struct m_vc *v, uint64_t h, int api, struct cm_call_params *p,
	      bool valid, int rc)
{
	struct core *c = t->e->core;
	struct digest d;
	struct frame *f;
	enum cm_status r, want;
	char what[96];

	snprintf(what, sizeof(what), "%s_activate_vc(vc=%s%s, miniport %d)", cm_name(api),
		 v != NULL ? v->o->name : "?", valid ? "" : ", bad params", rc);
	if (v == NULL || v->af->cmi != api) {
		f = illegal_begin(t, &d, what);
		r = api ? mcm_activate_vc(c, (struct cm_vc_h){h}, p)
			: cm_activate_vc(c, (struct cm_vc_h){h}, p);
		illegal_end(t, f, &d, OP_ACTIVATE, r);
		return;
	}
	/* synchronous: no handler (cm.h) */
	f = frame_push(t, NULL, "%s", what);
	if (v->act == CM_VC_DEACTIVATING)
		want = CM_CLOSING;
	else if (!valid)
		want = CM_INVALID_DATA;
	else
		want = status_of_rc(rc);
	t->e->mp.activate_rc = v->act != CM_VC_DEACTIVATING && valid ? rc : 0;
	r = api ? mcm_activate_vc(c, (struct cm_vc_h){h}, p)
		: cm_activate_vc(c, (struct cm_vc_h){h}, p);
	t->e->mp.activate_rc = 0;
	check_status(t, what, r, want);
	if (want == CM_SUCCESS) {
		/* a failed re-activation keeps the old params (§5.4) */
		v->act = CM_VC_ACTIVE;
		v->active = *p;
	}
	frame_pop(t, f);
	legal_done(t, OP_ACTIVATE);
}

static void
op_activate(struct rt *t, struct m_vc *v, uint64_t h, int api)
{
	static const int rcs[] = {-EINVAL, -EEXIST, -ENOMEM, -ENOSPC, -ENETUNREACH};
	struct cm_call_params p;
	bool valid = pct(t, 95);

	rand_params(t, &p);
	if (!valid)
		bad_params(t, &p);
	activate_with(t, v, h, api, &p, valid, pct(t, 85) ? 0 : rcs[below(t, 5)]);
}

static void
op_deactivate(struct rt *t, struct m_vc *v, uint64_t h, int api)
{
	struct core *c = t->e->core;
	struct digest d;
	struct frame *f;
	enum cm_status r, want;
	char what[96];

	snprintf(what, sizeof(what), "%s_deactivate_vc(vc=%s)", cm_name(api),
		 v != NULL ? v->o->name : "?");
	if (v == NULL || v->af->cmi != api) {
		f = illegal_begin(t, &d, what);
		r = api ? mcm_deactivate_vc(c, (struct cm_vc_h){h})
			: cm_deactivate_vc(c, (struct cm_vc_h){h});
		illegal_end(t, f, &d, OP_DEACTIVATE, r);
		return;
	}
	f = frame_push(t, NULL, "%s", what);
	want = v->act == CM_VC_ACTIVE	  ? CM_PENDING
	       : v->act == CM_VC_INACTIVE ? CM_NOT_ACCEPTED
					  : CM_CLOSING;
	r = api ? mcm_deactivate_vc(c, (struct cm_vc_h){h})
		: cm_deactivate_vc(c, (struct cm_vc_h){h});
	check_status(t, what, r, want);
	if (want == CM_PENDING)
		v->act = CM_VC_DEACTIVATING;
	frame_pop(t, f);
	legal_done(t, OP_DEACTIVATE);
}

/* The CM completes a pended close once the miniport drained (§9 #7),
 * and may then delete its own VC. */
static void
resp_mp_complete(struct rt *t, struct frame *f, struct ut_call *c)
{
	struct m_vc *v = f->a;

	(void)c;
	if (v->call == CM_CALL_CLOSING && pct(t, 60))
		op_close_complete(t, v, v->o->h, v->af->cmi, CM_SUCCESS, 0);
	if (!v->o->gone && !v->by_client && v->call == CM_CALL_IDLE && pct(t, 30))
		op_delete_vc(t, v, v->o->h, v->af->cmi == 0 ? BY_CM : BY_MCM);
}

static void
op_mp_complete(struct rt *t, struct m_vc *v)
{
	struct frame *f =
		frame_push(t, resp_mp_complete, "miniport completes %s's deactivation", v->o->name);

	f->a = v;
	expect(f, "%s.deactivate_vc_complete(SUCCESS,vc=%s)", cm_name(v->af->cmi), v->o->name);
	v->act = CM_VC_INACTIVE;
	if (!ut_mp_complete(t->e, v->o))
		fail(t, "%s: no deactivation pending in the miniport", v->o->name);
	frame_pop(t, f);
	legal_done(t, OP_MP_COMPLETE);
}

/* -- outgoing calls -- */

static void
resp_make_call(struct rt *t, struct frame *f, struct ut_call *c)
{
	struct m_vc *v = f->a;
	unsigned int r = below(t, 100);

	if (r < 55) {
		/* §4.2 step 3: activate, then maybe complete at once */
		if (v->act == CM_VC_INACTIVE && pct(t, 70))
			op_activate(t, v, v->o->h, v->af->cmi);
		if (pct(t, 20))
			op_make_call_complete(
				t, v, v->o->h, v->af->cmi,
				v->act == CM_VC_ACTIVE ? CM_SUCCESS : CM_INVALID_ADDRESS, 1);
		answer(f, c, CM_PENDING);
	} else if (r < 80) {
		if (v->act == CM_VC_INACTIVE && pct(t, 60))
			op_activate(t, v, v->o->h, v->af->cmi);
		answer(f, c, CM_SUCCESS);
	} else {
		answer(f, c, PICK(t, CM_NOT_SUPPORTED, CM_RESOURCES, CM_INVALID_ADDRESS));
	}
}

static void
op_make_call(struct rt *t, struct m_vc *v, uint64_t h, bool multipoint)
{
	struct ut_env *e = t->e;
	struct cm_call_params p;
	struct cm_party_h ph = {0};
	struct ut_obj *po = NULL;
	struct m_party *pt = NULL;
	struct digest d;
	struct frame *f;
	enum cm_status r, want;
	char what[96], pname[16];

	next_name(t, UT_PARTY, pname, sizeof(pname));
	snprintf(what, sizeof(what), "cl_make_call(vc=%s%s%s)", v != NULL ? v->o->name : "?",
		 multipoint ? ",party=" : "", multipoint ? pname : "");
	rand_params(t, &p);
	if (v == NULL || !v->by_client || v->af->st != MA_OPEN || v->call != CM_CALL_IDLE) {
		/* a call already on the VC: NOT_ACCEPTED, CLOSING while it
		 * closes (§5.2); not the client's VC: FAILURE */
		if (v == NULL || !v->by_client || v->af->st != MA_OPEN)
			want = CM_FAILURE;
		else
			want = v->call == CM_CALL_CLOSING ? CM_CLOSING : CM_NOT_ACCEPTED;
		f = illegal_begin(t, &d, what);
		r = cl_make_call(e->core, (struct cm_vc_h){h}, &p, NULL, NULL);
		illegal_end(t, f, &d, OP_MAKE_CALL, r);
		check_status(t, what, r, want);
		return;
	}
	f = frame_push(t, resp_make_call, "%s", what);
	f->a = v;
	expect(f, "%s.make_call(vc=%s%s%s)", cm_name(v->af->cmi), v->o->name,
	       multipoint ? ",party=" : "", multipoint ? pname : "");
	if (multipoint) {
		po = ut_obj_new(e, UT_PARTY);
		ut_party_attach(po, v->o);
		po->cl.actor = t->cl;
		po->cm.actor = t->cmx[v->af->cmi];
		pt = new_party(t, po, v, MP_MAKING);
		v->making = pt;
		v->o->party = po; /* for the teardown's MakeCallComplete */
		e->creating[UT_PARTY] = po;
	}
	v->call = CM_CALL_MAKECALL_PENDING;
	v->multipoint = multipoint;
	v->params = p;
	if (multipoint)
		v->params.flags |= CM_CALL_MULTIPOINT_VC;
	r = cl_make_call(e->core, (struct cm_vc_h){h}, &p, po != NULL ? &po->cl : NULL,
			 po != NULL ? &ph : NULL);
	e->creating[UT_PARTY] = NULL;
	if (po != NULL && (r == CM_SUCCESS || r == CM_PENDING))
		ut_obj_bind(e, po, ph.v);
	if (v->call != CM_CALL_MAKECALL_PENDING) {
		/* completed from inside the handler */
		want = f->answer;
	} else if (f->answer == CM_PENDING) {
		want = CM_PENDING;
	} else if (f->answer == CM_SUCCESS && v->act == CM_VC_ACTIVE) {
		/* §3.5: SUCCESS only on an active VC */
		want = CM_SUCCESS;
		v->call = CM_CALL_CONNECTED;
		t->calls_setup++;
		if (pt != NULL)
			pt->st = MP_ACTIVE;
		v->making = NULL;
		v->o->party = NULL;
		/* the call's params go back to the client */
		if (r == CM_SUCCESS && !ut_params_equal(&p, &v->params))
			fail(t, "%s: the params returned are not the call's", what);
	} else {
		want = f->answer == CM_SUCCESS ? CM_VC_NOT_ACTIVATED : f->answer;
		v->call = CM_CALL_IDLE;
		v->multipoint = false;
		if (pt != NULL)
			party_gone(t, pt);
	}
	check_status(t, what, r, want);
	if (po != NULL && (r == CM_SUCCESS || r == CM_PENDING) != (ph.v != 0))
		fail(t, "%s: party handle %#" PRIx64 " with %s", what, ph.v, cm_status_name(r));
	frame_pop(t, f);
	legal_done(t, OP_MAKE_CALL);
}

static void
resp_make_call_complete(struct rt *t, struct frame *f, struct ut_call *c)
{
	struct m_vc *v = f->a;
	struct m_party *pt = party_of(t, v);

	(void)c;
	/* §8: the client may close from inside (it dislikes the params) */
	if (f->answer == CM_SUCCESS && v->call == CM_CALL_CONNECTED && v->n_parties <= 1 &&
	    pct(t, 10))
		op_close_call(t, v, v->o->h, pt, pt != NULL && pct(t, 50) ? pt->o->h : 0);
}

/* party_kind: 1 the call's party (0 if point-to-point), 0 none, 2 a
 * handle that is not the call's party (another call's, stale, garbage).
 * Only the first names the call's own party (none for a point-to-point
 * call); anything else is refused with CM_FAILURE, its params unused. */
static void
op_make_call_complete(struct rt *t, struct m_vc *v, uint64_t h, int api, enum cm_status st,
		      int party_kind)
{
	struct core *c = t->e->core;
	struct cm_call_params p, *pp;
	struct m_party *pt = NULL, *other = NULL;
	uint64_t ph = 0;
	struct digest d;
	struct frame *f;
	enum cm_status r;
	char what[128], pb[32];
	bool legal, wrong_party;

	if (v != NULL && party_kind == 1)
		pt = v->making;
	if (party_kind == 2) {
		other = pick(t, &t->parties, NULL);
		if (other != NULL && v != NULL && other->vc == v)
			other = NULL;
		if (other != NULL)
			ph = other->o->h;
		else if ((ph = stale(t, UT_PARTY)) == 0)
			ph = 1;
	} else if (pt != NULL) {
		ph = pt->o->h;
	}
	snprintf(what, sizeof(what), "%s_make_call_complete(%s,vc=%s,party=%s)", cm_name(api),
		 cm_status_name(st), v != NULL ? v->o->name : "?",
		 party_kind == 2 ? (other != NULL ? "foreign" : "bad")
		 : pt != NULL	 ? pt->o->name
				 : "none");
	pp = rand_params_or_none(t, &p);
	legal = v != NULL && v->af->cmi == api && v->call == CM_CALL_MAKECALL_PENDING &&
		st != CM_PENDING && (st != CM_SUCCESS || v->act == CM_VC_ACTIVE);
	wrong_party = v != NULL && (party_kind == 2 || (party_kind == 0 && v->making != NULL));
	if (!legal || wrong_party) {
		f = illegal_begin(t, &d, what);
		r = api ? mcm_make_call_complete(c, st, (struct cm_vc_h){h},
						 (struct cm_party_h){ph},
						 other != NULL ? &other->o->cm : NULL, pp)
			: cm_make_call_complete(c, st, (struct cm_vc_h){h}, (struct cm_party_h){ph},
						other != NULL ? &other->o->cm : NULL, pp);
		illegal_end(t, f, &d, OP_MAKE_CALL_COMPLETE, r);
		if (legal) {
			check_status(t, what, r, CM_FAILURE);
			t->corners[C_NOT_OWN_PARTY]++;
		}
		return;
	}
	f = frame_push(t, resp_make_call_complete, "%s", what);
	f->a = v;
	f->answer = st;
	expect(f, "cl.make_call_complete(%s,vc=%s%s)", cm_status_name(st), v->o->name,
	       opt_party(pb, sizeof(pb), st == CM_SUCCESS ? pt : NULL));
	if (pp != NULL)
		v->params = *pp;
	v->making = NULL;
	v->o->party = NULL;
	if (st == CM_SUCCESS) {
		v->call = CM_CALL_CONNECTED;
		t->calls_setup++;
		if (pt != NULL)
			pt->st = MP_ACTIVE;
	} else {
		/* §3.3: PartyH invalid on failure; the client deletes the VC */
		v->call = CM_CALL_IDLE;
		v->multipoint = false;
		if (pt != NULL)
			party_gone(t, pt);
	}
	r = api ? mcm_make_call_complete(c, st, (struct cm_vc_h){h}, (struct cm_party_h){ph},
					 pt != NULL ? &pt->o->cm : NULL, pp)
		: cm_make_call_complete(c, st, (struct cm_vc_h){h}, (struct cm_party_h){ph},
					pt != NULL ? &pt->o->cm : NULL, pp);
	check_status(t, what, r, CM_SUCCESS);
	frame_pop(t, f);
	legal_done(t, OP_MAKE_CALL_COMPLETE);
}

/* -- incoming calls -- */

static void
resp_dispatch(struct rt *t, struct frame *f, struct ut_call *c)
{
	struct m_vc *v = f->a;
	unsigned int r = below(t, 100);

	/* §3.1: NdisClIncomingCallComplete only after IncomingCall pended;
	 * from inside the handler it is too early */
	if (pct(t, 4))
		op_incoming_complete(t, v, v->o->h, CM_SUCCESS);
	if (r < 40) {
		answer(f, c, CM_SUCCESS);
	} else if (r < 80) {
		/* §4.1 step 4: while pending, the client may modify QoS */
		if (pct(t, 10))
			op_modify_qos(t, v, v->o->h);
		answer(f, c, CM_PENDING);
	} else {
		answer(f, c, PICK(t, CM_NOT_SUPPORTED, CM_INVALID_ADDRESS));
	}
}

static void
op_dispatch(struct rt *t, struct m_sap *s, uint64_t sh, struct m_vc *v, uint64_t vh, int api)
{
	struct core *c = t->e->core;
	struct cm_call_params p;
	struct digest d;
	struct frame *f;
	enum cm_status r;
	char what[128];

	snprintf(what, sizeof(what), "%s_dispatch_incoming_call(sap=%s,vc=%s)", cm_name(api),
		 s != NULL ? s->o->name : "?", v != NULL ? v->o->name : "?");
	rand_params(t, &p);
	/* §5.2: CM-created, IDLE, ACTIVE, a SAP of that client; calls may
	 * arrive while the SAP registers (§3.1) */
	if (v == NULL || v->af->cmi != api || v->by_client || v->call != CM_CALL_IDLE ||
	    v->act != CM_VC_ACTIVE || s == NULL || s->af != v->af || s->st == MS_DEREGISTERING) {
		bool vc_ok = v != NULL && v->af->cmi == api && !v->by_client &&
			     v->call == CM_CALL_IDLE && v->act == CM_VC_ACTIVE;

		f = illegal_begin(t, &d, what);
		r = api ? mcm_dispatch_incoming_call(c, (struct cm_sap_h){sh}, (struct cm_vc_h){vh},
						     &p)
			: cm_dispatch_incoming_call(c, (struct cm_sap_h){sh}, (struct cm_vc_h){vh},
						    &p);
		illegal_end(t, f, &d, OP_DISPATCH, r);
		/* no SAP at all: FAILURE; a SAP, but of another AF or
		 * deregistering: INVALID_SAP */
		if (vc_ok)
			check_status(t, what, r, s == NULL ? CM_FAILURE : CM_INVALID_SAP);
		return;
	}
	f = frame_push(t, resp_dispatch, "%s", what);
	f->a = v;
	expect(f, "cl.incoming_call(sap=%s,vc=%s)", s->o->name, v->o->name);
	v->call = CM_CALL_OFFERED;
	v->incoming_pending = false;
	v->params = p;
	r = api ? mcm_dispatch_incoming_call(c, (struct cm_sap_h){sh}, (struct cm_vc_h){vh}, &p)
		: cm_dispatch_incoming_call(c, (struct cm_sap_h){sh}, (struct cm_vc_h){vh}, &p);
	check_status(t, what, r, f->answer);
	if (v->call == CM_CALL_OFFERED) {
		/* an accepted call's params go back to the CM */
		if (f->answer == CM_SUCCESS && !ut_params_equal(&p, &v->params))
			fail(t, "%s: the params returned are not the call's", what);
		if (f->answer == CM_SUCCESS)
			v->call = CM_CALL_ACCEPTED;
		else if (f->answer == CM_PENDING)
			v->incoming_pending = true;
		else
			v->call = CM_CALL_IDLE;
	}
	frame_pop(t, f);
	legal_done(t, OP_DISPATCH);
}

static void
resp_incoming_complete(struct rt *t, struct frame *f, struct ut_call *c)
{
	struct m_vc *v = f->a;
	unsigned int r = below(t, 100);

	(void)c;
	if (f->answer == CM_SUCCESS) {
		if (r < 40) /* §8: connected from inside */
			op_connected(t, v, v->o->h, v->af->cmi);
		else if (r < 55) /* R-b: the CM refuses the client's params */
			op_incoming_close(t, v, v->o->h, v->af->cmi, CM_INCOMPATIBLE_QOS);
	} else if (r < 30) {
		op_deactivate(t, v, v->o->h, v->af->cmi); /* R-a */
	}
}

static void
op_incoming_complete(struct rt *t, struct m_vc *v, uint64_t h, enum cm_status st)
{
	struct core *c = t->e->core;
	struct cm_call_params p, *pp = rand_params_or_none(t, &p);
	struct digest d;
	struct frame *f;
	enum cm_status r;
	char what[96];

	snprintf(what, sizeof(what), "cl_incoming_call_complete(%s,vc=%s)", cm_status_name(st),
		 v != NULL ? v->o->name : "?");
	if (v == NULL || v->call != CM_CALL_OFFERED || !v->incoming_pending || st == CM_PENDING) {
		f = illegal_begin(t, &d, what);
		r = cl_incoming_call_complete(c, st, (struct cm_vc_h){h}, pp);
		illegal_end(t, f, &d, OP_INCOMING_COMPLETE, r);
		return;
	}
	f = frame_push(t, resp_incoming_complete, "%s", what);
	f->a = v;
	f->answer = st;
	expect(f, "%s.incoming_call_complete(%s,vc=%s)", cm_name(v->af->cmi), cm_status_name(st),
	       v->o->name);
	v->incoming_pending = false;
	v->call = st == CM_SUCCESS ? CM_CALL_ACCEPTED : CM_CALL_IDLE;
	if (pp != NULL)
		v->params = *pp;
	r = cl_incoming_call_complete(c, st, (struct cm_vc_h){h}, pp);
	check_status(t, what, r, CM_SUCCESS);
	frame_pop(t, f);
	legal_done(t, OP_INCOMING_COMPLETE);
}

static void
op_connected(struct rt *t, struct m_vc *v, uint64_t h, int api)
{
	struct core *c = t->e->core;
	struct digest d;
	struct frame *f;
	enum cm_status r;
	char what[96];

	snprintf(what, sizeof(what), "%s_dispatch_call_connected(vc=%s)", cm_name(api),
		 v != NULL ? v->o->name : "?");
	if (v == NULL || v->af->cmi != api || v->call != CM_CALL_ACCEPTED ||
	    v->act != CM_VC_ACTIVE) {
		f = illegal_begin(t, &d, what);
		r = api ? mcm_dispatch_call_connected(c, (struct cm_vc_h){h})
			: cm_dispatch_call_connected(c, (struct cm_vc_h){h});
		illegal_end(t, f, &d, OP_CONNECTED, r);
		return;
	}
	f = frame_push(t, NULL, "%s", what);
	expect(f, "cl.call_connected(vc=%s)", v->o->name);
	v->call = CM_CALL_CONNECTED;
	t->calls_setup++;
	r = api ? mcm_dispatch_call_connected(c, (struct cm_vc_h){h})
		: cm_dispatch_call_connected(c, (struct cm_vc_h){h});
	check_status(t, what, r, CM_SUCCESS);
	frame_pop(t, f);
	legal_done(t, OP_CONNECTED);
}

/* -- closing -- */

static void
resp_incoming_close(struct rt *t, struct frame *f, struct ut_call *c)
{
	struct m_vc *v = f->a;
	struct m_party *pt = party_of(t, v);

	(void)c;
	/* §4.4: the client must close; now or later */
	if (v->n_parties <= 1 && pct(t, 60))
		op_close_call(t, v, v->o->h, pt, pt != NULL && pct(t, 50) ? pt->o->h : 0);
}

static void
op_incoming_close(struct rt *t, struct m_vc *v, uint64_t h, int api, enum cm_status st)
{
	struct core *c = t->e->core;
	const void *data;
	size_t size;
	struct digest d;
	struct frame *f;
	enum cm_status r;
	char what[96], db[32];

	data = rand_data(t, &size);
	snprintf(what, sizeof(what), "%s_dispatch_incoming_close_call(%s,vc=%s)", cm_name(api),
		 cm_status_name(st), v != NULL ? v->o->name : "?");
	if (v == NULL || v->af->cmi != api || !call_live(v->call)) {
		f = illegal_begin(t, &d, what);
		r = api ? mcm_dispatch_incoming_close_call(c, st, (struct cm_vc_h){h}, data, size)
			: cm_dispatch_incoming_close_call(c, st, (struct cm_vc_h){h}, data, size);
		illegal_end(t, f, &d, OP_INCOMING_CLOSE, r);
		return;
	}
	f = frame_push(t, resp_incoming_close, "%s", what);
	f->a = v;
	expect(f, "cl.incoming_close_call(%s,vc=%s%s)", cm_status_name(st), v->o->name,
	       opt_data(db, sizeof(db), size));
	v->incoming_pending = false;
	v->call = CM_CALL_INCOMING_CLOSE;
	r = api ? mcm_dispatch_incoming_close_call(c, st, (struct cm_vc_h){h}, data, size)
		: cm_dispatch_incoming_close_call(c, st, (struct cm_vc_h){h}, data, size);
	check_status(t, what, r, CM_SUCCESS);
	frame_pop(t, f);
	legal_done(t, OP_INCOMING_CLOSE);
}

static void
resp_close_call(struct rt *t, struct frame *f, struct ut_call *c)
{
	struct m_vc *v = f->a;
	unsigned int r = below(t, 100);

	if (r < 60) {
		/* §3.5: signal the release, then deactivate */
		if (v->act == CM_VC_ACTIVE)
			op_deactivate(t, v, v->o->h, v->af->cmi);
		answer(f, c, CM_PENDING);
	} else if (r < 72) {
		answer(f, c, CM_PENDING);
	} else if (r < 87) {
		answer(f, c, CM_SUCCESS); /* closed only if already inactive */
	} else {
		answer(f, c, CM_INVALID_DATA); /* close data unsupported */
	}
}

static void
op_close_call(struct rt *t, struct m_vc *v, uint64_t h, struct m_party *pt, uint64_t ph)
{
	struct core *c = t->e->core;
	struct m_party *only;
	const void *data;
	size_t size;
	struct digest d;
	struct frame *f;
	enum cm_status r, want;
	char what[128], pb[32], db[32];

	data = rand_data(t, &size);
	snprintf(what, sizeof(what), "cl_close_call(vc=%s,party=%s)", v != NULL ? v->o->name : "?",
		 ph == 0      ? "none"
		 : pt != NULL ? pt->o->name
			      : "bad");
	only = v != NULL ? party_of(t, v) : NULL;
	/* §5.2: CONNECTED or INCOMING_CLOSE, at most one party, its own */
	if (v == NULL || (v->call != CM_CALL_CONNECTED && v->call != CM_CALL_INCOMING_CLOSE) ||
	    v->n_parties > 1 || (ph != 0 && (pt == NULL || pt != only))) {
		f = illegal_begin(t, &d, what);
		r = cl_close_call(c, (struct cm_vc_h){h}, (struct cm_party_h){ph}, data, size);
		illegal_end(t, f, &d, OP_CLOSE_CALL, r);
		return;
	}
	f = frame_push(t, resp_close_call, "%s", what);
	f->a = v;
	expect(f, "%s.close_call(vc=%s%s%s)", cm_name(v->af->cmi), v->o->name,
	       opt_party(pb, sizeof(pb), only), opt_data(db, sizeof(db), size));
	v->before_close = v->call;
	v->call = CM_CALL_CLOSING;
	r = cl_close_call(c, (struct cm_vc_h){h}, (struct cm_party_h){ph}, data, size);
	if (v->call != CM_CALL_CLOSING || f->answer == CM_PENDING) {
		want = f->answer;
	} else if (f->answer == CM_SUCCESS && v->act == CM_VC_INACTIVE) {
		want = CM_SUCCESS;
		close_finish(t, v);
	} else {
		/* SUCCESS means closed and deactivated (§3.4) */
		want = f->answer == CM_SUCCESS ? CM_FAILURE : f->answer;
		v->call = v->before_close;
	}
	check_status(t, what, r, want);
	frame_pop(t, f);
	legal_done(t, OP_CLOSE_CALL);
}

static void
resp_close_complete(struct rt *t, struct frame *f, struct ut_call *c)
{
	struct m_vc *v = f->a;

	(void)c;
	/* §4.4 step 3: the client deletes its own VC from here */
	if (f->answer == CM_SUCCESS && v->by_client && pct(t, 40))
		op_delete_vc(t, v, v->o->h, BY_CLIENT);
}

static void
op_close_complete(struct rt *t, struct m_vc *v, uint64_t h, int api, enum cm_status st,
		  int party_kind)
{
	struct core *c = t->e->core;
	struct m_party *only = v != NULL ? party_of(t, v) : NULL;
	uint64_t ph = 0;
	struct digest d;
	struct frame *f;
	enum cm_status r;
	char what[128], pb[32];

	if (party_kind == 1 && only != NULL)
		ph = only->o->h;
	else if (party_kind == 2 && (ph = bad_handle(t, UT_PARTY)) == 0)
		ph = 1;
	snprintf(what, sizeof(what), "%s_close_call_complete(%s,vc=%s,party=%s)", cm_name(api),
		 cm_status_name(st), v != NULL ? v->o->name : "?",
		 party_kind == 2 ? "bad"
		 : ph != 0	 ? only->o->name
				 : "none");
	/* §9 #7: SUCCESS only once deactivated */
	if (v == NULL || v->af->cmi != api || v->call != CM_CALL_CLOSING || st == CM_PENDING ||
	    (st == CM_SUCCESS && v->act != CM_VC_INACTIVE) || party_kind == 2) {
		f = illegal_begin(t, &d, what);
		r = api ? mcm_close_call_complete(c, st, (struct cm_vc_h){h},
						  (struct cm_party_h){ph})
			: cm_close_call_complete(c, st, (struct cm_vc_h){h},
						 (struct cm_party_h){ph});
		illegal_end(t, f, &d, OP_CLOSE_COMPLETE, r);
		return;
	}
	f = frame_push(t, resp_close_complete, "%s", what);
	f->a = v;
	f->answer = st;
	expect(f, "cl.close_call_complete(%s,vc=%s%s)", cm_status_name(st), v->o->name,
	       opt_party(pb, sizeof(pb), only));
	if (st == CM_SUCCESS)
		close_finish(t, v);
	else
		v->call = v->before_close;
	r = api ? mcm_close_call_complete(c, st, (struct cm_vc_h){h}, (struct cm_party_h){ph})
		: cm_close_call_complete(c, st, (struct cm_vc_h){h}, (struct cm_party_h){ph});
	check_status(t, what, r, CM_SUCCESS);
	frame_pop(t, f);
	legal_done(t, OP_CLOSE_COMPLETE);
}

/* -- QoS -- */

static void
resp_modify_qos(struct rt *t, struct frame *f, struct ut_call *c)
{
	struct m_vc *v = f->a;
	unsigned int r = below(t, 100);

	if (r < 30) {
		/* §4.7: re-activate with the new params, then accept */
		if (v->act == CM_VC_ACTIVE && pct(t, 50))
			activate_with(t, v, v->o->h, v->af->cmi, c->p, true, 0);
		answer(f, c, CM_SUCCESS);
	} else if (r < 70) {
		answer(f, c, CM_PENDING);
	} else {
		answer(f, c, PICK(t, CM_FAILURE, CM_NOT_SUPPORTED, CM_INCOMPATIBLE_QOS));
	}
}

static void
op_modify_qos(struct rt *t, struct m_vc *v, uint64_t h)
{
	struct core *c = t->e->core;
	struct cm_call_params p;
	struct digest d;
	struct frame *f;
	enum cm_status r;
	char what[96];
	bool valid = pct(t, 93);

	rand_params(t, &p);
	if (!valid)
		bad_params(t, &p);
	snprintf(what, sizeof(what), "cl_modify_call_qos(vc=%s%s)", v != NULL ? v->o->name : "?",
		 valid ? "" : ", bad flowspec");
	if (v == NULL || (v->call != CM_CALL_CONNECTED && v->call != CM_CALL_OFFERED) ||
	    v->qos_pending || !valid) {
		f = illegal_begin(t, &d, what);
		r = cl_modify_call_qos(c, (struct cm_vc_h){h}, &p);
		illegal_end(t, f, &d, OP_MODIFY_QOS, r);
		return;
	}
	f = frame_push(t, resp_modify_qos, "%s", what);
	f->a = v;
	expect(f, "%s.modify_call_qos(vc=%s)", cm_name(v->af->cmi), v->o->name);
	v->qos_pending = true;
	v->qos_prev = v->params;
	v->params = p;
	r = cl_modify_call_qos(c, (struct cm_vc_h){h}, &p);
	check_status(t, what, r, f->answer);
	if (v->qos_pending && f->answer != CM_PENDING) {
		v->qos_pending = false;
		if (f->answer != CM_SUCCESS) {
			v->params = v->qos_prev; /* the params before the request stand */
			t->corners[C_QOS_RESTORE] += !ut_params_equal(&v->params, &v->active);
		} else if (!ut_params_equal(&p, &v->params)) {
			fail(t, "%s: the params returned are not the call's", what);
		}
	}
	frame_pop(t, f);
	legal_done(t, OP_MODIFY_QOS);
}

static void
resp_nested_close(struct rt *t, struct frame *f, struct ut_call *c)
{
	struct m_vc *v = f->a;
	struct m_party *pt = party_of(t, v);

	(void)c;
	/* §8: close from inside ModifyCallQoSComplete or IncomingCallQoSChange */
	if ((v->call == CM_CALL_CONNECTED || v->call == CM_CALL_INCOMING_CLOSE) &&
	    v->n_parties <= 1 && pct(t, 10))
		op_close_call(t, v, v->o->h, pt, 0);
}

static void
op_modify_qos_complete(struct rt *t, struct m_vc *v, uint64_t h, int api, enum cm_status st)
{
	struct core *c = t->e->core;
	struct cm_call_params p, *pp = rand_params_or_none(t, &p);
	struct digest d;
	struct frame *f;
	enum cm_status r;
	char what[96];

	snprintf(what, sizeof(what), "%s_modify_call_qos_complete(%s,vc=%s)", cm_name(api),
		 cm_status_name(st), v != NULL ? v->o->name : "?");
	if (v == NULL || v->af->cmi != api || !v->qos_pending || st == CM_PENDING) {
		f = illegal_begin(t, &d, what);
		r = api ? mcm_modify_call_qos_complete(c, st, (struct cm_vc_h){h}, pp)
			: cm_modify_call_qos_complete(c, st, (struct cm_vc_h){h}, pp);
		illegal_end(t, f, &d, OP_MODIFY_QOS_COMPLETE, r);
		return;
	}
	f = frame_push(t, resp_nested_close, "%s", what);
	f->a = v;
	expect(f, "cl.modify_call_qos_complete(%s,vc=%s)", cm_status_name(st), v->o->name);
	v->qos_pending = false;
	/* refused: back to the params from before cl_modify_call_qos (not
	 * the ones the VC was activated with) */
	if (st != CM_SUCCESS) {
		v->params = v->qos_prev;
		t->corners[C_QOS_RESTORE] += !ut_params_equal(&v->params, &v->active);
	} else if (pp != NULL) {
		v->params = *pp;
	}
	r = api ? mcm_modify_call_qos_complete(c, st, (struct cm_vc_h){h}, pp)
		: cm_modify_call_qos_complete(c, st, (struct cm_vc_h){h}, pp);
	check_status(t, what, r, CM_SUCCESS);
	frame_pop(t, f);
	legal_done(t, OP_MODIFY_QOS_COMPLETE);
}

static void
op_qos_change(struct rt *t, struct m_vc *v, uint64_t h, int api)
{
	struct core *c = t->e->core;
	struct cm_call_params p;
	struct digest d;
	struct frame *f;
	enum cm_status r;
	char what[96];

	rand_params(t, &p);
	snprintf(what, sizeof(what), "%s_dispatch_incoming_call_qos_change(vc=%s)", cm_name(api),
		 v != NULL ? v->o->name : "?");
	/* §5.2: CONNECTED, after a re-activation the miniport accepted */
	if (v == NULL || v->af->cmi != api || v->call != CM_CALL_CONNECTED ||
	    v->act != CM_VC_ACTIVE) {
		f = illegal_begin(t, &d, what);
		r = api ? mcm_dispatch_incoming_call_qos_change(c, (struct cm_vc_h){h}, &p)
			: cm_dispatch_incoming_call_qos_change(c, (struct cm_vc_h){h}, &p);
		illegal_end(t, f, &d, OP_QOS_CHANGE, r);
		return;
	}
	f = frame_push(t, resp_nested_close, "%s", what);
	f->a = v;
	expect(f, "cl.incoming_call_qos_change(vc=%s)", v->o->name);
	v->params = p;
	r = api ? mcm_dispatch_incoming_call_qos_change(c, (struct cm_vc_h){h}, &p)
		: cm_dispatch_incoming_call_qos_change(c, (struct cm_vc_h){h}, &p);
	check_status(t, what, r, CM_SUCCESS);
	frame_pop(t, f);
	legal_done(t, OP_QOS_CHANGE);
}

/* -- parties -- */

static void
resp_add_party(struct rt *t, struct frame *f, struct ut_call *c)
{
	answer(f, c, PICK(t, CM_SUCCESS, CM_SUCCESS, CM_PENDING, CM_PENDING, CM_NOT_SUPPORTED));
}

static void
op_add_party(struct rt *t, struct m_vc *v, uint64_t h)
{
	struct ut_env *e = t->e;
	struct cm_call_params p;
	struct cm_party_h ph;
	struct ut_obj *po;
	struct m_party *pt;
	struct digest d;
	struct frame *f;
	enum cm_status r;
	char what[96], pname[16];

	next_name(t, UT_PARTY, pname, sizeof(pname));
	rand_params(t, &p);
	snprintf(what, sizeof(what), "cl_add_party(vc=%s) -> %s", v != NULL ? v->o->name : "?",
		 pname);
	/* multipoint: made with a party, whatever the params' flags say */
	if (v != NULL && v->call == CM_CALL_CONNECTED &&
	    v->multipoint != ((v->params.flags & CM_CALL_MULTIPOINT_VC) != 0))
		t->corners[C_MP_FLAG]++;
	if (v == NULL || v->call != CM_CALL_CONNECTED || !v->multipoint) {
		f = illegal_begin(t, &d, what);
		r = cl_add_party(e->core, (struct cm_vc_h){h}, NULL, &p, &ph);
		if (ph.v != 0)
			fail(t, "%s handed out a party", what);
		illegal_end(t, f, &d, OP_ADD_PARTY, r);
		return;
	}
	if (v->n_parties >= MAX_PARTIES)
		return;
	f = frame_push(t, resp_add_party, "%s", what);
	expect(f, "%s.add_party(vc=%s,party=%s)", cm_name(v->af->cmi), v->o->name, pname);
	po = ut_obj_new(e, UT_PARTY);
	ut_party_attach(po, v->o);
	po->cl.actor = t->cl;
	po->cm.actor = t->cmx[v->af->cmi];
	pt = new_party(t, po, v, MP_ADDING);
	e->creating[UT_PARTY] = po;
	r = cl_add_party(e->core, (struct cm_vc_h){h}, &po->cl, &p, &ph);
	e->creating[UT_PARTY] = NULL;
	check_status(t, what, r, f->answer);
	if (r == CM_SUCCESS || r == CM_PENDING)
		ut_obj_bind(e, po, ph.v);
	if (r == CM_SUCCESS)
		pt->st = MP_ACTIVE;
	else if (r != CM_PENDING)
		party_gone(t, pt);
	frame_pop(t, f);
	legal_done(t, OP_ADD_PARTY);
}

static void
op_add_party_complete(struct rt *t, struct m_party *pt, uint64_t h, int api, enum cm_status st)
{
	struct core *c = t->e->core;
	struct cm_call_params p;
	struct digest d;
	struct frame *f;
	enum cm_status r;
	void *ctx = pt != NULL ? &pt->o->cm : NULL;
	char what[96];

	rand_params(t, &p);
	snprintf(what, sizeof(what), "%s_add_party_complete(%s,party=%s)", cm_name(api),
		 cm_status_name(st), pt != NULL ? pt->o->name : "?");
	/* only a party being added: not the party of a pending MakeCall */
	if (pt == NULL || pt->vc->af->cmi != api || pt->st != MP_ADDING || st == CM_PENDING) {
		f = illegal_begin(t, &d, what);
		r = api ? mcm_add_party_complete(c, st, (struct cm_party_h){h}, ctx, &p)
			: cm_add_party_complete(c, st, (struct cm_party_h){h}, ctx, &p);
		illegal_end(t, f, &d, OP_ADD_PARTY_COMPLETE, r);
		if (pt != NULL && pt->vc->af->cmi == api && pt->st == MP_MAKING) {
			check_status(t, what, r, CM_FAILURE);
			t->corners[C_MAKING_PARTY]++;
		}
		return;
	}
	f = frame_push(t, NULL, "%s", what);
	expect(f, "cl.add_party_complete(%s,party=%s)", cm_status_name(st), pt->o->name);
	if (st == CM_SUCCESS)
		pt->st = MP_ACTIVE;
	else
		party_gone(t, pt);
	r = api ? mcm_add_party_complete(c, st, (struct cm_party_h){h}, ctx, &p)
		: cm_add_party_complete(c, st, (struct cm_party_h){h}, ctx, &p);
	check_status(t, what, r, CM_SUCCESS);
	frame_pop(t, f);
	legal_done(t, OP_ADD_PARTY_COMPLETE);
}

/* "The last party" (§3.4, §4.6): no other party that stays, i.e. no
 * other ACTIVE one; parties being added or dropped do not count. */
static bool
last_party(struct rt *t, struct m_party *p)
{
	return active_parties_besides(t, p) == 0;
}

static void
resp_drop_party(struct rt *t, struct frame *f, struct ut_call *c)
{
	(void)t;
	answer(f, c, PICK(t, CM_SUCCESS, CM_SUCCESS, CM_PENDING, CM_PENDING, CM_FAILURE));
}

static void
op_drop_party(struct rt *t, struct m_party *p, uint64_t h)
{
	struct core *c = t->e->core;
	const void *data;
	size_t size;
	struct digest d;
	struct frame *f;
	enum cm_status r;
	char what[96], db[32];

	data = rand_data(t, &size);
	snprintf(what, sizeof(what), "cl_drop_party(party=%s)", p != NULL ? p->o->name : "?");
	if (p == NULL || p->st != MP_ACTIVE || last_party(t, p)) {
		f = illegal_begin(t, &d, what);
		r = cl_drop_party(c, (struct cm_party_h){h}, data, size);
		illegal_end(t, f, &d, OP_DROP_PARTY, r);
		if (p != NULL && p->st == MP_ACTIVE) {
			check_status(t, what, r, CM_FAILURE);
			t->corners[C_DROP_LAST] += p->vc->n_parties > 1;
		}
		return;
	}
	f = frame_push(t, resp_drop_party, "%s", what);
	expect(f, "%s.drop_party(party=%s%s)", cm_name(p->vc->af->cmi), p->o->name,
	       opt_data(db, sizeof(db), size));
	p->st = MP_DROPPING;
	r = cl_drop_party(c, (struct cm_party_h){h}, data, size);
	check_status(t, what, r, f->answer);
	if (r == CM_SUCCESS)
		party_gone(t, p);
	else if (r != CM_PENDING)
		p->st = MP_ACTIVE;
	frame_pop(t, f);
	legal_done(t, OP_DROP_PARTY);
}

static void
op_drop_party_complete(struct rt *t, struct m_party *p, uint64_t h, int api, enum cm_status st)
{
	struct core *c = t->e->core;
	struct digest d;
	struct frame *f;
	enum cm_status r;
	char what[96];

	snprintf(what, sizeof(what), "%s_drop_party_complete(%s,party=%s)", cm_name(api),
		 cm_status_name(st), p != NULL ? p->o->name : "?");
	if (p == NULL || p->vc->af->cmi != api || p->st != MP_DROPPING || st == CM_PENDING) {
		f = illegal_begin(t, &d, what);
		r = api ? mcm_drop_party_complete(c, st, (struct cm_party_h){h})
			: cm_drop_party_complete(c, st, (struct cm_party_h){h});
		illegal_end(t, f, &d, OP_DROP_PARTY_COMPLETE, r);
		return;
	}
	f = frame_push(t, NULL, "%s", what);
	expect(f, "cl.drop_party_complete(%s,party=%s)", cm_status_name(st), p->o->name);
	if (st == CM_SUCCESS)
		party_gone(t, p);
	else
		p->st = MP_ACTIVE;
	r = api ? mcm_drop_party_complete(c, st, (struct cm_party_h){h})
		: cm_drop_party_complete(c, st, (struct cm_party_h){h});
	check_status(t, what, r, CM_SUCCESS);
	frame_pop(t, f);
	legal_done(t, OP_DROP_PARTY_COMPLETE);
}

static void
resp_incoming_drop(struct rt *t, struct frame *f, struct ut_call *c)
{
	struct m_party *p = f->a;

	(void)c;
	/* §4.6: the client drops it */
	if (pct(t, 60))
		op_drop_party(t, p, p->o->h);
}

static void
op_incoming_drop(struct rt *t, struct m_party *p, uint64_t h, int api, enum cm_status st)
{
	struct core *c = t->e->core;
	struct digest d;
	struct frame *f;
	enum cm_status r;
	char what[96];

	snprintf(what, sizeof(what), "%s_dispatch_incoming_drop_party(%s,party=%s)", cm_name(api),
		 cm_status_name(st), p != NULL ? p->o->name : "?");
	/* the last party drops with an incoming close instead (§4.6) */
	if (p == NULL || p->vc->af->cmi != api || p->st != MP_ACTIVE || last_party(t, p)) {
		f = illegal_begin(t, &d, what);
		r = api ? mcm_dispatch_incoming_drop_party(c, st, (struct cm_party_h){h}, NULL, 0)
			: cm_dispatch_incoming_drop_party(c, st, (struct cm_party_h){h}, NULL, 0);
		illegal_end(t, f, &d, OP_INCOMING_DROP, r);
		if (p != NULL && p->vc->af->cmi == api && p->st == MP_ACTIVE) {
			check_status(t, what, r, CM_FAILURE);
			t->corners[C_DROP_LAST] += p->vc->n_parties > 1;
		}
		return;
	}
	f = frame_push(t, resp_incoming_drop, "%s", what);
	f->a = p;
	expect(f, "cl.incoming_drop_party(%s,party=%s)", cm_status_name(st), p->o->name);
	r = api ? mcm_dispatch_incoming_drop_party(c, st, (struct cm_party_h){h}, NULL, 0)
		: cm_dispatch_incoming_drop_party(c, st, (struct cm_party_h){h}, NULL, 0);
	check_status(t, what, r, CM_SUCCESS);
	frame_pop(t, f);
	legal_done(t, OP_INCOMING_DROP);
}

/* -- link state (§4.5) -- */

static void
resp_link(struct rt *t, struct frame *f, struct ut_call *c)
{
	int cmi = c->actor == t->cmx[0] ? 0 : 1;
	struct m_vc *hit[64];
	unsigned int i, n = 0;

	if (c->up)
		return;
	(void)f;
	for (i = 0; i < t->vcs.n && n < 64; i++) {
		struct m_vc *v = t->vcs.v[i];

		if (v->af->cmi == cmi && v->act == CM_VC_ACTIVE &&
		    v->active.media.circuit.port == c->port && call_live(v->call))
			hit[n++] = v;
	}
	/* each call on the port ends with a failure status of the CM's
	 * choosing; a CM may be slow to notice some */
	for (i = 0; i < n; i++)
		if (!hit[i]->o->gone && call_live(hit[i]->call) && pct(t, 80))
			op_incoming_close(t, hit[i], hit[i]->o->h, cmi, CM_STATUS_LINK_DOWN);
}

static void
op_link(struct rt *t)
{
	uint16_t port = (uint16_t)below(t, 2);
	bool up = pct(t, 40);
	struct frame *f =
		frame_push(t, resp_link, "core_link_status(port %u, %s)", port, up ? "up" : "down");

	expect(f, "cm.link_status(port=%u,%s)", port, up ? "up" : "down");
	expect(f, "mcm.link_status(port=%u,%s)", port, up ? "up" : "down");
	core_link_status(t->e->core, port, up);
	frame_pop(t, f);
	legal_done(t, OP_LINK);
}

/* ---- the walk ---- */

static bool
p_af_opening(struct rt *t, void *x)
{
	(void)t;
	return ((struct m_af *)x)->st == MA_OPENING;
}

static bool
p_af_closable(struct rt *t, void *x)
{
	struct m_af *a = x;

	(void)t;
	return (a->st == MA_OPEN || a->st == MA_CLOSE_NOTIFIED) && a->n_saps == 0 && a->n_vcs == 0;
}

static bool
p_af_closing(struct rt *t, void *x)
{
	(void)t;
	return ((struct m_af *)x)->st == MA_CLOSING;
}

static bool
p_af_open(struct rt *t, void *x)
{
	(void)t;
	return ((struct m_af *)x)->st == MA_OPEN;
}

static bool
p_af_notified(struct rt *t, void *x)
{
	(void)t;
	return ((struct m_af *)x)->notify_pending;
}

static bool
p_sap_registering(struct rt *t, void *x)
{
	(void)t;
	return ((struct m_sap *)x)->st == MS_REGISTERING;
}

static bool
p_sap_registered(struct rt *t, void *x)
{
	(void)t;
	return ((struct m_sap *)x)->st == MS_REGISTERED;
}

static bool
p_sap_deregistering(struct rt *t, void *x)
{
	(void)t;
	return ((struct m_sap *)x)->st == MS_DEREGISTERING;
}

static bool
p_vc_deletable(struct rt *t, void *x)
{
	struct m_vc *v = x;

	(void)t;
	return v->act == CM_VC_INACTIVE && v->call == CM_CALL_IDLE;
}

static bool
p_vc_to_deactivate(struct rt *t, void *x)
{
	struct m_vc *v = x;

	(void)t;
	/* not in the middle of a call: see the file comment of test_core
	 * ("connect needs an active VC") */
	return v->act == CM_VC_ACTIVE && !call_live(v->call);
}

static bool
p_vc_deactivating(struct rt *t, void *x)
{
	(void)t;
	return ((struct m_vc *)x)->act == CM_VC_DEACTIVATING;
}

static bool
p_vc_client_idle(struct rt *t, void *x)
{
	struct m_vc *v = x;

	(void)t;
	return v->by_client && v->call == CM_CALL_IDLE && v->af->st == MA_OPEN;
}

static bool
p_vc_makecall(struct rt *t, void *x)
{
	(void)t;
	return ((struct m_vc *)x)->call == CM_CALL_MAKECALL_PENDING;
}

static bool
p_vc_dispatchable(struct rt *t, void *x)
{
	struct m_vc *v = x;

	(void)t;
	return !v->by_client && v->call == CM_CALL_IDLE && v->act == CM_VC_ACTIVE;
}

static bool
p_vc_offered_pending(struct rt *t, void *x)
{
	struct m_vc *v = x;

	(void)t;
	return v->call == CM_CALL_OFFERED && v->incoming_pending;
}

static bool
p_vc_accepted(struct rt *t, void *x)
{
	(void)t;
	return ((struct m_vc *)x)->call == CM_CALL_ACCEPTED;
}

static bool
p_vc_live_call(struct rt *t, void *x)
{
	(void)t;
	return call_live(((struct m_vc *)x)->call);
}

static bool
p_vc_closable(struct rt *t, void *x)
{
	struct m_vc *v = x;

	(void)t;
	return (v->call == CM_CALL_CONNECTED || v->call == CM_CALL_INCOMING_CLOSE) &&
	       v->n_parties <= 1;
}

static bool
p_vc_closing(struct rt *t, void *x)
{
	(void)t;
	return ((struct m_vc *)x)->call == CM_CALL_CLOSING;
}

static bool
p_vc_qos(struct rt *t, void *x)
{
	struct m_vc *v = x;

	(void)t;
	return (v->call == CM_CALL_CONNECTED || v->call == CM_CALL_OFFERED) && !v->qos_pending;
}

static bool
p_vc_qos_pending(struct rt *t, void *x)
{
	(void)t;
	return ((struct m_vc *)x)->qos_pending;
}

static bool
p_vc_connected(struct rt *t, void *x)
{
	(void)t;
	return ((struct m_vc *)x)->call == CM_CALL_CONNECTED;
}

static bool
p_vc_multipoint(struct rt *t, void *x)
{
	struct m_vc *v = x;

	(void)t;
	return v->call == CM_CALL_CONNECTED && v->multipoint;
}

static bool
p_party_adding(struct rt *t, void *x)
{
	(void)t;
	return ((struct m_party *)x)->st == MP_ADDING;
}

static bool
p_party_droppable(struct rt *t, void *x)
{
	struct m_party *p = x;

	return p->st == MP_ACTIVE && active_parties_besides(t, p) != 0;
}

static bool
p_party_dropping(struct rt *t, void *x)
{
	(void)t;
	return ((struct m_party *)x)->st == MP_DROPPING;
}

/* A completion status: mostly SUCCESS, at times a failure, rarely the
 * PENDING no completion may carry (R4). */
static enum cm_status
completion_status(struct rt *t)
{
	unsigned int r = below(t, 100);

	if (r < 65)
		return CM_SUCCESS;
	if (r < 95)
		return PICK(t, CM_FAILURE, CM_RESOURCES, CM_INVALID_DATA, CM_NOT_SUPPORTED,
			    CM_INCOMPATIBLE_QOS, CM_NO_ROUTE_TO_DESTINATION);
	return CM_PENDING;
}

static int
cmi_of_vc(struct m_vc *v)
{
	return v != NULL ? v->af->cmi : 0;
}

static bool
p_vc_cm_inactive(struct rt *t, void *x)
{
	struct m_vc *v = x;

	(void)t;
	return !v->by_client && v->act == CM_VC_INACTIVE;
}

/* Whether the request has an object it is legal on right now. */
static bool
enabled(struct rt *t, enum op_kind k)
{
	switch (k) {
	case OP_OPEN_AF_COMPLETE:
		return pick(t, &t->afs, p_af_opening) != NULL;
	case OP_CLOSE_AF:
		return pick(t, &t->afs, p_af_closable) != NULL;
	case OP_CLOSE_AF_COMPLETE:
		return pick(t, &t->afs, p_af_closing) != NULL;
	case OP_NOTIFY:
	case OP_REGISTER_SAP:
	case OP_CREATE_VC:
		return pick(t, &t->afs, p_af_open) != NULL;
	case OP_NOTIFY_COMPLETE:
		return pick(t, &t->afs, p_af_notified) != NULL;
	case OP_REGISTER_SAP_COMPLETE:
		return pick(t, &t->saps, p_sap_registering) != NULL;
	case OP_DEREGISTER_SAP:
		return pick(t, &t->saps, p_sap_registered) != NULL;
	case OP_DEREGISTER_SAP_COMPLETE:
		return pick(t, &t->saps, p_sap_deregistering) != NULL;
	case OP_DELETE_VC:
		return pick(t, &t->vcs, p_vc_deletable) != NULL;
	case OP_ACTIVATE:
		return pick(t, &t->vcs, p_vc_cm_inactive) != NULL || t->vcs.n != 0;
	case OP_DEACTIVATE:
		return pick(t, &t->vcs, p_vc_to_deactivate) != NULL;
	case OP_MP_COMPLETE:
		return pick(t, &t->vcs, p_vc_deactivating) != NULL;
	case OP_MAKE_CALL:
		return pick(t, &t->vcs, p_vc_client_idle) != NULL;
	case OP_MAKE_CALL_COMPLETE:
		return pick(t, &t->vcs, p_vc_makecall) != NULL;
	case OP_DISPATCH:
		return pick(t, &t->vcs, p_vc_dispatchable) != NULL;
	case OP_INCOMING_COMPLETE:
		return pick(t, &t->vcs, p_vc_offered_pending) != NULL;
	case OP_CONNECTED:
		return pick(t, &t->vcs, p_vc_accepted) != NULL;
	case OP_INCOMING_CLOSE:
		return pick(t, &t->vcs, p_vc_live_call) != NULL;
	case OP_CLOSE_CALL:
		return pick(t, &t->vcs, p_vc_closable) != NULL;
	case OP_CLOSE_COMPLETE:
		return pick(t, &t->vcs, p_vc_closing) != NULL;
	case OP_MODIFY_QOS:
		return pick(t, &t->vcs, p_vc_qos) != NULL;
	case OP_MODIFY_QOS_COMPLETE:
		return pick(t, &t->vcs, p_vc_qos_pending) != NULL;
	case OP_QOS_CHANGE:
		return pick(t, &t->vcs, p_vc_connected) != NULL;
	case OP_ADD_PARTY:
		return pick(t, &t->vcs, p_vc_multipoint) != NULL;
	case OP_ADD_PARTY_COMPLETE:
		return pick(t, &t->parties, p_party_adding) != NULL;
	case OP_DROP_PARTY:
	case OP_INCOMING_DROP:
		return pick(t, &t->parties, p_party_droppable) != NULL;
	case OP_DROP_PARTY_COMPLETE:
		return pick(t, &t->parties, p_party_dropping) != NULL;
	default:
		return true;
	}
}

static enum op_kind
draw(struct rt *t)
{
	unsigned int total = 0, i, r;

	for (i = 0; i < N_OPS; i++)
		total += op_weights[i];
	r = below(t, total);
	for (i = 0; i < N_OPS; i++) {
		if (r < op_weights[i])
			return (enum op_kind)i;
		r -= op_weights[i];
	}
	return OP_LINK;
}

static void
step(struct rt *t)
{
	unsigned int i, r;
	enum op_kind k = draw(t);
	void *m;
	uint64_t h, h2;
	struct m_vc *v;
	struct m_sap *s;
	enum cm_status cst;
	int cmi, api;

	/* mostly something that can happen now; the rest are misuses */
	for (i = 0; i < 6 && !enabled(t, k) && pct(t, 80); i++)
		k = draw(t);
	switch (k) {
	case OP_OPEN_AF:
		op_open_af(t, (int)below(t, 2));
		break;
	case OP_OPEN_AF_COMPLETE:
		h = operand(t, &t->afs, UT_AF, p_af_opening, &m);
		cmi = m != NULL ? ((struct m_af *)m)->cmi : (int)below(t, 2);
		api = api_for(t, cmi);
		cst = completion_status(t);
		op_open_af_complete(t, m, h, api, cst);
		break;
	case OP_CLOSE_AF:
		h = operand(t, &t->afs, UT_AF, p_af_closable, &m);
		op_close_af(t, m, h);
		break;
	case OP_CLOSE_AF_COMPLETE:
		h = operand(t, &t->afs, UT_AF, p_af_closing, &m);
		cmi = m != NULL ? ((struct m_af *)m)->cmi : (int)below(t, 2);
		api = api_for(t, cmi);
		cst = completion_status(t);
		op_close_af_complete(t, m, h, api, cst);
		break;
	case OP_NOTIFY:
		h = operand(t, &t->afs, UT_AF, p_af_open, &m);
		cmi = m != NULL ? ((struct m_af *)m)->cmi : (int)below(t, 2);
		op_notify(t, m, h, api_for(t, cmi));
		break;
	case OP_NOTIFY_COMPLETE:
		h = operand(t, &t->afs, UT_AF, p_af_notified, &m);
		op_notify_complete(t, m, h, completion_status(t));
		break;
	case OP_REGISTER_SAP:
		h = operand(t, &t->afs, UT_AF, p_af_open, &m);
		op_register_sap(t, m, h);
		break;
	case OP_REGISTER_SAP_COMPLETE:
		h = operand(t, &t->saps, UT_SAP, p_sap_registering, &m);
		cmi = m != NULL ? ((struct m_sap *)m)->af->cmi : (int)below(t, 2);
		api = api_for(t, cmi);
		cst = completion_status(t);
		op_register_sap_complete(t, m, h, api, cst);
		break;
	case OP_DEREGISTER_SAP:
		h = operand(t, &t->saps, UT_SAP, p_sap_registered, &m);
		op_deregister_sap(t, m, h);
		break;
	case OP_DEREGISTER_SAP_COMPLETE:
		h = operand(t, &t->saps, UT_SAP, p_sap_deregistering, &m);
		cmi = m != NULL ? ((struct m_sap *)m)->af->cmi : (int)below(t, 2);
		api = api_for(t, cmi);
		cst = completion_status(t);
		op_deregister_sap_complete(t, m, h, api, cst);
		break;
	case OP_CREATE_VC: {
		struct m_af *a;
		enum creator by;

		h = operand(t, &t->afs, UT_AF, p_af_open, &m);
		a = m;
		r = below(t, 100);
		if (r < 45 || a == NULL)
			by = a == NULL && pct(t, 50) ? (enum creator)below(t, N_CREATORS)
						     : BY_CLIENT;
		else if (r < 92)
			by = a->cmi == 0 ? BY_CM : BY_MCM;
		else
			by = r < 96 ? BY_MCM_CO : BY_CM_MCM;
		op_create_vc(t, a, h, by);
		break;
	}
	case OP_DELETE_VC: {
		enum creator by;

		h = operand(t, &t->vcs, UT_VC, p_vc_deletable, &m);
		v = m;
		if (v != NULL && pct(t, 92))
			by = v->by_client ? BY_CLIENT : v->af->cmi == 0 ? BY_CM : BY_MCM;
		else
			by = (enum creator)below(t, N_CREATORS);
		op_delete_vc(t, v, h, by);
		break;
	}
	case OP_ACTIVATE:
		h = operand(t, &t->vcs, UT_VC, pct(t, 60) ? p_vc_cm_inactive : NULL, &m);
		op_activate(t, m, h, api_for(t, cmi_of_vc(m)));
		break;
	case OP_DEACTIVATE:
		h = operand(t, &t->vcs, UT_VC, p_vc_to_deactivate, &m);
		v = m;
		if (v != NULL && v->act == CM_VC_ACTIVE && call_live(v->call))
			break; /* not generated: see p_vc_to_deactivate */
		op_deactivate(t, v, h, api_for(t, cmi_of_vc(v)));
		break;
	case OP_MP_COMPLETE:
		v = pick(t, &t->vcs, p_vc_deactivating);
		if (v != NULL)
			op_mp_complete(t, v);
		break;
	case OP_MAKE_CALL:
		h = operand(t, &t->vcs, UT_VC, p_vc_client_idle, &m);
		op_make_call(t, m, h, pct(t, 35));
		break;
	case OP_MAKE_CALL_COMPLETE: {
		int party_kind;
		enum cm_status st;

		h = operand(t, &t->vcs, UT_VC, p_vc_makecall, &m);
		v = m;
		st = completion_status(t);
		if (v != NULL && st == CM_SUCCESS && v->act != CM_VC_ACTIVE && pct(t, 80))
			st = CM_NO_ROUTE_TO_DESTINATION;
		r = below(t, 100);
		party_kind = r < 90 ? 1 : r < 95 ? 2 : 0;
		api = api_for(t, cmi_of_vc(v));
		op_make_call_complete(t, v, h, api, st, party_kind);
		break;
	}
	case OP_DISPATCH:
		h = operand(t, &t->vcs, UT_VC, p_vc_dispatchable, &m);
		v = m;
		s = NULL;
		if (v != NULL && pct(t, 85)) {
			unsigned int j, n = 0;
			struct m_sap *c[16];

			for (j = 0; j < t->saps.n && n < 16; j++)
				if (((struct m_sap *)t->saps.v[j])->af == v->af)
					c[n++] = t->saps.v[j];
			s = n != 0 ? c[below(t, n)] : NULL;
		}
		if (s == NULL && pct(t, 50))
			s = pick(t, &t->saps, NULL);
		h2 = s != NULL ? s->o->h : bad_handle(t, UT_SAP);
		op_dispatch(t, s, h2, v, h, api_for(t, cmi_of_vc(v)));
		break;
	case OP_INCOMING_COMPLETE:
		h = operand(t, &t->vcs, UT_VC, p_vc_offered_pending, &m);
		op_incoming_complete(
			t, m, h,
			pct(t, 60) ? CM_SUCCESS
				   : PICK(t, CM_NOT_SUPPORTED, CM_INVALID_ADDRESS, CM_PENDING));
		break;
	case OP_CONNECTED:
		h = operand(t, &t->vcs, UT_VC, p_vc_accepted, &m);
		op_connected(t, m, h, api_for(t, cmi_of_vc(m)));
		break;
	case OP_INCOMING_CLOSE:
		h = operand(t, &t->vcs, UT_VC, p_vc_live_call, &m);
		api = api_for(t, cmi_of_vc(m));
		cst = PICK(t, CM_SUCCESS, CM_SUCCESS, CM_STATUS_LINK_DOWN, CM_FAILURE);
		op_incoming_close(t, m, h, api, cst);
		break;
	case OP_CLOSE_CALL: {
		struct m_party *only;

		h = operand(t, &t->vcs, UT_VC, p_vc_closable, &m);
		v = m;
		only = v != NULL ? party_of(t, v) : NULL;
		r = below(t, 100);
		if (r < 45 && only != NULL)
			op_close_call(t, v, h, only, only->o->h);
		else if (r < 92)
			op_close_call(t, v, h, NULL, 0);
		else
			op_close_call(t, v, h, NULL, (h2 = bad_handle(t, UT_PARTY)) != 0 ? h2 : 1);
		break;
	}
	case OP_CLOSE_COMPLETE: {
		enum cm_status st;

		h = operand(t, &t->vcs, UT_VC, p_vc_closing, &m);
		v = m;
		st = completion_status(t);
		if (v != NULL && st == CM_SUCCESS && v->act != CM_VC_INACTIVE && pct(t, 70))
			st = CM_FAILURE;
		/* a CM that deactivated for the close does not fail it: that
		 * would leave a connected call on an inactive VC (the same as
		 * deactivating in mid-call, see p_vc_to_deactivate) */
		if (v != NULL && v->call == CM_CALL_CLOSING &&
		    v->before_close == CM_CALL_CONNECTED && v->act != CM_VC_ACTIVE &&
		    st != CM_SUCCESS && st != CM_PENDING)
			st = CM_SUCCESS;
		r = below(t, 100);
		api = api_for(t, cmi_of_vc(v));
		op_close_complete(t, v, h, api, st, r < 40 ? 1 : r < 95 ? 0 : 2);
		break;
	}
	case OP_MODIFY_QOS:
		h = operand(t, &t->vcs, UT_VC, p_vc_qos, &m);
		op_modify_qos(t, m, h);
		break;
	case OP_MODIFY_QOS_COMPLETE:
		h = operand(t, &t->vcs, UT_VC, p_vc_qos_pending, &m);
		api = api_for(t, cmi_of_vc(m));
		cst = completion_status(t);
		op_modify_qos_complete(t, m, h, api, cst);
		break;
	case OP_QOS_CHANGE:
		h = operand(t, &t->vcs, UT_VC, p_vc_connected, &m);
		op_qos_change(t, m, h, api_for(t, cmi_of_vc(m)));
		break;
	case OP_ADD_PARTY:
		h = operand(t, &t->vcs, UT_VC, p_vc_multipoint, &m);
		op_add_party(t, m, h);
		break;
	case OP_ADD_PARTY_COMPLETE:
		h = operand(t, &t->parties, UT_PARTY, p_party_adding, &m);
		cmi = m != NULL ? ((struct m_party *)m)->vc->af->cmi : (int)below(t, 2);
		api = api_for(t, cmi);
		cst = completion_status(t);
		op_add_party_complete(t, m, h, api, cst);
		break;
	case OP_DROP_PARTY:
		h = operand(t, &t->parties, UT_PARTY, p_party_droppable, &m);
		op_drop_party(t, m, h);
		break;
	case OP_DROP_PARTY_COMPLETE:
		h = operand(t, &t->parties, UT_PARTY, p_party_dropping, &m);
		cmi = m != NULL ? ((struct m_party *)m)->vc->af->cmi : (int)below(t, 2);
		api = api_for(t, cmi);
		cst = completion_status(t);
		op_drop_party_complete(t, m, h, api, cst);
		break;
	case OP_INCOMING_DROP:
		h = operand(t, &t->parties, UT_PARTY, p_party_droppable, &m);
		cmi = m != NULL ? ((struct m_party *)m)->vc->af->cmi : (int)below(t, 2);
		api = api_for(t, cmi);
		cst = PICK(t, CM_SUCCESS, CM_STATUS_LINK_DOWN);
		op_incoming_drop(t, m, h, api, cst);
		break;
	case OP_LINK:
	case N_OPS:
		op_link(t);
		break;
	}
}

static unsigned long opt_ops = DEFAULT_OPS;
static uint64_t opt_seed;
static bool opt_verbose;

static void
random_walk(void)
{
	struct rt t;
	unsigned long legal = 0, illegal = 0;
	unsigned int i;
	clock_t start = clock();

	memset(&t, 0, sizeof(t));
	t.rng = opt_seed != 0 ? opt_seed : 1;
	t.verbose = opt_verbose;
	t.e = ut_env_new();
	t.e->quiet = false;
	t.cl = ut_actor_new(t.e, UT_CLIENT, "cl");
	t.cmx[0] = ut_actor_new(t.e, UT_CM, "cm");
	t.cmx[1] = ut_actor_new(t.e, UT_MCM, "mcm");
	CU_ASSERT_EQUAL_FATAL(ut_register_af(t.cmx[0], CM_AF_L2TP), CM_SUCCESS);
	CU_ASSERT_EQUAL_FATAL(ut_register_af(t.cmx[1], CM_AF_L2TP_STATIC), CM_SUCCESS);
	ut_log_clear(t.e);
	t.e->hook = hook;
	t.e->hook_arg = &t;
	for (t.op_index = 1; t.op_index <= opt_ops && !t.failed; t.op_index++) {
		ut_log_clear(t.e);
		t.cur[0] = '\0';
		step(&t);
		bury_the_dying(&t);
		if (t.depth != 0)
			fail(&t, "request frames left open");
		if (t.cur[0] != '\0') {
			snprintf(t.hist[t.hist_n++ % HISTORY], UT_EVENT_LEN, "#%lu %.120s",
				 t.op_index, t.cur);
			if (t.verbose) {
				printf("%s\n", t.hist[(t.hist_n - 1) % HISTORY]);
				for (i = 0; i < t.e->n_log; i++)
					printf("    %s\n", t.e->log[i]);
			}
		}
		if (!t.failed)
			check_model(&t);
	}
	CU_ASSERT_FALSE(t.failed);
	t.e->hook = NULL;
	for (i = 0; i < N_OPS; i++) {
		legal += t.stats[i].legal;
		illegal += t.stats[i].illegal;
	}
	printf("\n  %lu operations (%lu nested) in %.2f s, seed %" PRIu64 "\n", t.op_index - 1,
	       t.nested, (double)(clock() - start) / CLOCKS_PER_SEC, opt_seed);
	printf("  %-36s %10s %10s\n", "request (nested ones too)", "legal", "refused");
	for (i = 0; i < N_OPS; i++)
		printf("  %-36s %10lu %10lu\n", op_names[i], t.stats[i].legal, t.stats[i].illegal);
	printf("  %-36s %10lu %10lu\n", "total", legal, illegal);
	printf("  objects made: %u AF opens, %u SAPs, %u VCs, %u parties\n", t.e->next_id[UT_AF],
	       t.e->next_id[UT_SAP], t.e->next_id[UT_VC], t.e->next_id[UT_PARTY]);
	printf("  design choices walked into (see the file comment):\n");
	for (i = 0; i < N_CORNERS; i++)
		printf("    %-42s %10lu\n", corner_names[i], t.corners[i]);
	UT_FINI(t.e);
	for (i = 0; i < t.n_records; i++)
		free(t.records[i]);
	free(t.records);
	free(t.dying);
	free(t.afs.v);
	free(t.saps.v);
	free(t.vcs.v);
	free(t.parties.v);
}

int
main(int argc, char **argv)
{
	CU_TestInfo tests[] = {
		{"random walk against the model", random_walk},
		CU_TEST_INFO_NULL,
	};
	CU_SuiteInfo suites[] = {
		{"core_random", NULL, NULL, NULL, NULL, tests},
		CU_SUITE_INFO_NULL,
	};
	unsigned int failed, pos = 0;
	int i;

	for (i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--verbose") == 0)
			opt_verbose = true;
		else if (pos++ == 0)
			opt_seed = strtoull(argv[i], NULL, 0);
		else
			opt_ops = strtoul(argv[i], NULL, 0);
	}
	if (opt_seed == 0)
		opt_seed = (uint64_t)time(NULL) ^ ((uint64_t)clock() << 32);
	printf("core_random: seed %" PRIu64 " (rerun: %s %" PRIu64 " %lu)\n", opt_seed, argv[0],
	       opt_seed, opt_ops);
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
