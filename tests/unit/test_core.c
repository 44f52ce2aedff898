/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The call-management core against the CoNDIS model
 * (../shared/spec/condis-call-model.md): one test per sequence of §4,
 * for a stand-alone CM (cm_*) and an MCM (mcm_*), each asserting every
 * handler call and every returned status in order; then the rules of
 * §5.2, §5.3 and §8 and the design choices documented in cm.h. Every
 * test tears everything down and checks that the core and the fake
 * miniport hold nothing afterwards (UT_FINI).
 *
 * In expected logs "$" stands for the call manager under test ("cm" or
 * "mcm") and "#" for its VC creation/deletion family ("co" or "mcm").
 */
#include <stdio.h>
#include <string.h>

#include <CUnit/Basic.h>

#include "ut_cm.h"

struct fx {
	struct ut_env *e;
	struct ut_actor *cl, *cm;
	struct ut_obj *af, *sap;
	struct cm_call_params p; /* what the CM activates and offers */
	enum ut_role role;
};

static uint16_t
family_of(enum ut_role role)
{
	return role == UT_MCM ? CM_AF_L2TP_STATIC : CM_AF_L2TP;
}

static const char *
notify_event(enum ut_role role)
{
	return role == UT_MCM ? "cl.af_register_notify(family=0x8003)"
			      : "cl.af_register_notify(family=0x3)";
}

/* The environment and a registered CM or MCM, nothing else. */
static void
fx_env(struct fx *f, enum ut_role role)
{
	memset(f, 0, sizeof(*f));
	f->role = role;
	f->e = ut_env_new();
	f->cm = ut_actor_new(f->e, role, role == UT_MCM ? "mcm" : "cm");
	snprintf(f->e->subst, sizeof(f->e->subst), "%s", f->cm->name);
	snprintf(f->e->subst_co, sizeof(f->e->subst_co), "%s", role == UT_MCM ? "mcm" : "co");
	ut_params(&f->p, 100, 125000);
}

/* Model §4.0 done: the AF registered, opened by the client, SAP S1 on it. */
static void
fx_up(struct fx *f, enum ut_role role)
{
	fx_env(f, role);
	f->cl = ut_actor_new(f->e, UT_CLIENT, "cl");
	UT_ST(ut_register_af(f->cm, family_of(role)), CM_SUCCESS);
	UT_ST(ut_open_af(f->cl, family_of(role), &f->af), CM_SUCCESS);
	UT_ST(ut_register_sap(f->af, "pe1", &f->sap), CM_SUCCESS);
	UT_EXPECT(f->e, notify_event(role), "$.open_af(af=A1)", "$.register_sap(af=A1,sap=S1)");
}

static int
call_of(struct fx *f, const struct ut_obj *v)
{
	return ut_call_state(f->e, v);
}

static int
act_of(struct fx *f, const struct ut_obj *v)
{
	return ut_act_state(f->e, v);
}

static unsigned int
parties_of(struct fx *f, const struct ut_obj *v)
{
	struct cm_vc_info info;

	if (cm_vc_info(f->e->core, (struct cm_vc_h){v->h}, &info) != CM_SUCCESS)
		return ~0u;
	return info.parties;
}

static struct core_counts
counts(struct fx *f)
{
	struct core_counts n;

	core_get_counts(f->e->core, &n);
	return n;
}

static bool
vc_known(struct fx *f, const struct ut_obj *v)
{
	struct cm_vc_info info;

	return cm_vc_info(f->e->core, (struct cm_vc_h){v->h}, &info) == CM_SUCCESS;
}

static unsigned int
counts_vcs(struct ut_env *e)
{
	struct core_counts n;

	core_get_counts(e->core, &n);
	return n.vcs;
}

/* An incoming-call VC (§4.1 steps 2 and 3): created by the CM, active. */
static struct ut_obj *
fx_in_vc(struct fx *f)
{
	struct ut_obj *v;
	char ev[64];

	UT_ST(ut_create_vc(f->cm, f->af, &v), CM_SUCCESS);
	UT_ST(ut_activate(v, &f->p), CM_SUCCESS);
	snprintf(ev, sizeof(ev), "cl.create_vc(af=%s,vc=%s)", f->af->name, v->name);
	/* activation is synchronous: no activate_vc_complete (R1) */
	UT_EXPECT(f->e, ev);
	CU_ASSERT_EQUAL(act_of(f, v), CM_VC_ACTIVE);
	return v;
}

/* An incoming call accepted at once and connected (§4.1). */
static struct ut_obj *
fx_in_call(struct fx *f)
{
	struct ut_obj *v = fx_in_vc(f);
	char e1[64], e2[64];

	UT_ST(ut_dispatch_incoming_call(f->sap, v, &f->p), CM_SUCCESS);
	UT_ST(ut_call_connected(v), CM_SUCCESS);
	snprintf(e1, sizeof(e1), "cl.incoming_call(sap=%s,vc=%s)", f->sap->name, v->name);
	snprintf(e2, sizeof(e2), "cl.call_connected(vc=%s)", v->name);
	UT_EXPECT(f->e, e1, e2);
	CU_ASSERT_EQUAL(call_of(f, v), CM_CALL_CONNECTED);
	return v;
}

/* A VC the client made for an outgoing call (§4.2 step 1). */
static struct ut_obj *
fx_out_vc(struct fx *f)
{
	struct ut_obj *v;
	char ev[64];

	UT_ST(ut_create_vc(f->cl, f->af, &v), CM_SUCCESS);
	snprintf(ev, sizeof(ev), "$.create_vc(af=%s,vc=%s)", f->af->name, v->name);
	UT_EXPECT(f->e, ev);
	CU_ASSERT_EQUAL(call_of(f, v), CM_CALL_IDLE);
	CU_ASSERT_EQUAL(act_of(f, v), CM_VC_INACTIVE);
	return v;
}

/* The CM pends make_call and activates the VC from inside it (§4.2
 * steps 2 and 3). */
static void
cm_pends_make_call(struct fx *f)
{
	ut_answer(f->cm, UT_CM_MAKE_CALL, CM_PENDING);
	ut_on(f->cm, UT_CM_MAKE_CALL, ut_act_activate, 0);
	ut_once(f->cm, UT_CM_MAKE_CALL);
}

/* An outgoing call, connected (§4.2); *party is its first party if
 * multipoint. The CM completes with the params it was given (inout). */
static struct ut_obj *
fx_out_call(struct fx *f, bool multipoint, struct ut_obj **party)
{
	struct ut_obj *v = fx_out_vc(f), *pt = NULL;
	struct cm_call_params echo;
	char e1[64], e2[64], e3[80];

	cm_pends_make_call(f);
	UT_ST(ut_make_call(v, &f->p, multipoint, &pt), CM_PENDING);
	if (multipoint)
		snprintf(e1, sizeof(e1), "$.make_call(vc=%s,party=%s)", v->name, pt->name);
	else
		snprintf(e1, sizeof(e1), "$.make_call(vc=%s)", v->name);
	snprintf(e2, sizeof(e2), "$_activate_vc(vc=%s)=SUCCESS", v->name);
	UT_EXPECT(f->e, e1, e2);
	CU_ASSERT_EQUAL(call_of(f, v), CM_CALL_MAKECALL_PENDING);
	echo = f->cm->last_params;
	UT_ST(ut_make_call_complete(v, CM_SUCCESS, pt, &echo), CM_SUCCESS);
	if (multipoint)
		snprintf(e3, sizeof(e3), "cl.make_call_complete(SUCCESS,vc=%s,party=%s)", v->name,
			 pt->name);
	else
		snprintf(e3, sizeof(e3), "cl.make_call_complete(SUCCESS,vc=%s)", v->name);
	UT_EXPECT(f->e, e3);
	CU_ASSERT_EQUAL(call_of(f, v), CM_CALL_CONNECTED);
	if (party != NULL)
		*party = pt;
	return v;
}

/* Client-initiated close (§4.3): the CM signals, deactivates, and
 * completes the close from deactivate_vc_complete (§9 #7). */
static void
cm_closes_like_the_model(struct fx *f)
{
	ut_answer(f->cm, UT_CM_CLOSE_CALL, CM_PENDING);
	ut_on(f->cm, UT_CM_CLOSE_CALL, ut_act_deactivate, 0);
	ut_once(f->cm, UT_CM_CLOSE_CALL);
}

static void
cm_completes_close_on_deactivation(struct fx *f)
{
	ut_on(f->cm, UT_CM_DEACTIVATE_VC_COMPLETE, ut_act_close_call_complete, CM_SUCCESS);
	ut_once(f->cm, UT_CM_DEACTIVATE_VC_COMPLETE);
}

static void
fx_close(struct fx *f, struct ut_obj *v)
{
	char e1[64], e2[64], e3[80], e4[64], e5[80];

	cm_closes_like_the_model(f);
	UT_ST(ut_close_call(v, NULL, NULL, 0), CM_PENDING);
	snprintf(e1, sizeof(e1), "$.close_call(vc=%s)", v->name);
	snprintf(e2, sizeof(e2), "$_deactivate_vc(vc=%s)=PENDING", v->name);
	UT_EXPECT(f->e, e1, e2);
	CU_ASSERT_EQUAL(call_of(f, v), CM_CALL_CLOSING);
	CU_ASSERT_EQUAL(act_of(f, v), CM_VC_DEACTIVATING);
	cm_completes_close_on_deactivation(f);
	CU_ASSERT_TRUE(ut_mp_complete(f->e, v));
	snprintf(e3, sizeof(e3), "$.deactivate_vc_complete(SUCCESS,vc=%s)", v->name);
	snprintf(e4, sizeof(e4), "cl.close_call_complete(SUCCESS,vc=%s)", v->name);
	snprintf(e5, sizeof(e5), "$_close_call_complete(SUCCESS,vc=%s)=SUCCESS", v->name);
	UT_EXPECT(f->e, e3, e4, e5);
	CU_ASSERT_EQUAL(call_of(f, v), CM_CALL_IDLE);
	CU_ASSERT_EQUAL(act_of(f, v), CM_VC_INACTIVE);
}

/* The creator deletes; the other side hears delete_vc (§5.3). */
static void
fx_delete(struct fx *f, struct ut_obj *v)
{
	char ev[64];

	UT_ST(ut_delete_vc(v), CM_SUCCESS);
	snprintf(ev, sizeof(ev), "%s.delete_vc(vc=%s)", v->creator == UT_CLIENT ? "$" : "cl",
		 v->name);
	UT_EXPECT(f->e, ev);
	CU_ASSERT_FALSE(vc_known(f, v));
}

#define BOTH(fn)                   \
	static void fn##_cm(void)  \
	{                          \
		fn(UT_CM);         \
	}                          \
	static void fn##_mcm(void) \
	{                          \
		fn(UT_MCM);        \
	}

/* ======================= §4.0 bring-up ======================= */

static void
bringup_sync(enum ut_role role)
{
	struct fx f;
	struct ut_obj *af, *sap, *v;
	struct core_counts n;
	char ev[64];

	fx_env(&f, role);
	f.cl = ut_actor_new(f.e, UT_CLIENT, "cl");
	UT_EXPECT_NOTHING(f.e);
	/* §3.1: the client opens the AF from af_register_notify */
	ut_on(f.cl, UT_CL_AF_REGISTER_NOTIFY, ut_act_open_af, family_of(role));
	UT_ST(ut_register_af(f.cm, family_of(role)), CM_SUCCESS);
	snprintf(ev, sizeof(ev), "cl_open_af(family=%#x,af=A1)=SUCCESS", family_of(role));
	UT_EXPECT(f.e, notify_event(role), "$.open_af(af=A1)", ev);
	af = ut_obj_by_name(f.e, "A1");
	CU_ASSERT_PTR_NOT_NULL_FATAL(af);
	CU_ASSERT_FALSE(af->gone);
	UT_ST(ut_register_sap(af, "pe1", &sap), CM_SUCCESS);
	UT_EXPECT(f.e, "$.register_sap(af=A1,sap=S1)");
	n = counts(&f);
	CU_ASSERT_EQUAL(n.bindings, 2);
	CU_ASSERT_EQUAL(n.afs, 1);
	CU_ASSERT_EQUAL(n.saps, 1);
	/* the SAP takes calls */
	f.af = af;
	f.sap = sap;
	v = fx_in_vc(&f);
	UT_ST(ut_dispatch_incoming_call(sap, v, &f.p), CM_SUCCESS);
	UT_EXPECT(f.e, "cl.incoming_call(sap=S1,vc=V1)");
	UT_FINI(f.e);
}
BOTH(bringup_sync)

static void
bringup_pending(enum ut_role role)
{
	struct fx f;
	struct ut_obj *af, *sap, *bad;

	fx_env(&f, role);
	f.cl = ut_actor_new(f.e, UT_CLIENT, "cl");
	UT_ST(ut_register_af(f.cm, family_of(role)), CM_SUCCESS);
	UT_EXPECT(f.e, notify_event(role));
	ut_answer(f.cm, UT_CM_OPEN_AF, CM_PENDING);
	UT_ST(ut_open_af(f.cl, family_of(role), &af), CM_PENDING);
	UT_EXPECT(f.e, "$.open_af(af=A1)");
	CU_ASSERT_NOT_EQUAL(af->h, 0);
	/* OPENING (§5.1): nothing on it until the CM completes */
	UT_ST(ut_register_sap(af, "pe1", &bad), CM_FAILURE);
	UT_ST(ut_create_vc(f.cl, af, &bad), CM_FAILURE);
	UT_ST(ut_close_af(af), CM_FAILURE);
	UT_ST(ut_open_af_complete(af, CM_PENDING), CM_FAILURE); /* R4 */
	UT_EXPECT_NOTHING(f.e);
	UT_ST(ut_open_af_complete(af, CM_SUCCESS), CM_SUCCESS);
	UT_EXPECT(f.e, "cl.open_af_complete(af=A1,SUCCESS)");
	UT_ST(ut_open_af_complete(af, CM_SUCCESS), CM_FAILURE); /* once only */
	UT_EXPECT_NOTHING(f.e);

	ut_answer(f.cm, UT_CM_REGISTER_SAP, CM_PENDING);
	UT_ST(ut_register_sap(af, "pe1", &sap), CM_PENDING);
	UT_EXPECT(f.e, "$.register_sap(af=A1,sap=S2)");
	UT_ST(ut_deregister_sap(sap), CM_FAILURE); /* REGISTERING, not REGISTERED */
	UT_ST(ut_register_sap_complete(sap, CM_PENDING), CM_FAILURE);
	UT_EXPECT_NOTHING(f.e);
	UT_ST(ut_register_sap_complete(sap, CM_SUCCESS), CM_SUCCESS);
	UT_EXPECT(f.e, "cl.register_sap_complete(SUCCESS,sap=S2)");
	UT_ST(ut_register_sap_complete(sap, CM_SUCCESS), CM_FAILURE);
	UT_EXPECT_NOTHING(f.e);
	CU_ASSERT_EQUAL(counts(&f).saps, 1);
	CU_ASSERT_EQUAL(counts(&f).afs, 1);
	UT_FINI(f.e);
}
BOTH(bringup_pending)

static void
open_af_refused(enum ut_role role)
{
	struct fx f;
	struct ut_obj *a1, *a2, *bad;

	fx_env(&f, role);
	f.cl = ut_actor_new(f.e, UT_CLIENT, "cl");
	UT_ST(ut_register_af(f.cm, family_of(role)), CM_SUCCESS);
	UT_EXPECT(f.e, notify_event(role));
	ut_answer(f.cm, UT_CM_OPEN_AF, CM_INVALID_DATA);
	ut_once(f.cm, UT_CM_OPEN_AF);
	UT_ST(ut_open_af(f.cl, family_of(role), &a1), CM_INVALID_DATA);
	UT_EXPECT(f.e, "$.open_af(af=A1)"); /* R1: no open_af_complete */
	CU_ASSERT_EQUAL(counts(&f).afs, 0);
	UT_ST(ut_register_sap(a1, "pe1", &bad), CM_FAILURE);
	UT_ST(ut_open_af_complete(a1, CM_SUCCESS), CM_FAILURE);

	ut_answer(f.cm, UT_CM_OPEN_AF, CM_PENDING);
	ut_once(f.cm, UT_CM_OPEN_AF);
	UT_ST(ut_open_af(f.cl, family_of(role), &a2), CM_PENDING);
	UT_ST(ut_open_af_complete(a2, CM_RESOURCES), CM_SUCCESS);
	UT_EXPECT(f.e, "$.open_af(af=A2)", "cl.open_af_complete(af=A2,RESOURCES)");
	UT_ST(ut_register_sap(a2, "pe1", &bad), CM_FAILURE);
	UT_ST(ut_close_af(a2), CM_FAILURE);
	UT_ST(ut_open_af_complete(a2, CM_SUCCESS), CM_FAILURE);
	UT_EXPECT_NOTHING(f.e);
	CU_ASSERT_EQUAL(counts(&f).afs, 0);
	/* the family is still there */
	UT_ST(ut_open_af(f.cl, family_of(role), &f.af), CM_SUCCESS);
	UT_EXPECT(f.e, "$.open_af(af=A3)");
	UT_FINI(f.e);
}
BOTH(open_af_refused)

static void
sap_refused(enum ut_role role)
{
	static const enum cm_status refusals[] = {CM_INVALID_DATA, CM_SAP_IN_USE};
	struct fx f;
	struct ut_obj *s, *v;
	unsigned int i;
	char ev[64];

	fx_up(&f, role);
	v = fx_in_vc(&f);
	for (i = 0; i < 2; i++) {
		ut_answer(f.cm, UT_CM_REGISTER_SAP, refusals[i]);
		ut_once(f.cm, UT_CM_REGISTER_SAP);
		UT_ST(ut_register_sap(f.af, "pe1", &s), refusals[i]);
		snprintf(ev, sizeof(ev), "$.register_sap(af=A1,sap=%s)", s->name);
		UT_EXPECT(f.e, ev);
		/* §3.3: a failed register makes SapH invalid */
		UT_ST(ut_deregister_sap(s), CM_FAILURE);
		UT_ST(ut_register_sap_complete(s, CM_SUCCESS), CM_FAILURE);
		CU_ASSERT_NOT_EQUAL(ut_dispatch_incoming_call(s, v, &f.p), CM_SUCCESS);
		UT_EXPECT_NOTHING(f.e);
	}
	ut_answer(f.cm, UT_CM_REGISTER_SAP, CM_PENDING);
	ut_once(f.cm, UT_CM_REGISTER_SAP);
	UT_ST(ut_register_sap(f.af, "pe1", &s), CM_PENDING);
	UT_ST(ut_register_sap_complete(s, CM_SAP_IN_USE), CM_SUCCESS);
	UT_EXPECT(f.e, "$.register_sap(af=A1,sap=S4)",
		  "cl.register_sap_complete(SAP_IN_USE,sap=S4)");
	UT_ST(ut_deregister_sap(s), CM_FAILURE);
	UT_ST(ut_register_sap_complete(s, CM_SUCCESS), CM_FAILURE);
	CU_ASSERT_NOT_EQUAL(ut_dispatch_incoming_call(s, v, &f.p), CM_SUCCESS);
	UT_EXPECT_NOTHING(f.e);
	CU_ASSERT_EQUAL(counts(&f).saps, 1);
	UT_FINI(f.e);
}
BOTH(sap_refused)

static void
sap_deregister(enum ut_role role)
{
	struct fx f;
	struct ut_obj *s2, *s3, *v;

	fx_up(&f, role);
	UT_ST(ut_deregister_sap(f.sap), CM_SUCCESS);
	UT_EXPECT(f.e, "$.deregister_sap(sap=S1)"); /* R1: no completion */
	UT_ST(ut_deregister_sap(f.sap), CM_FAILURE);
	UT_EXPECT_NOTHING(f.e);

	UT_ST(ut_register_sap(f.af, "pe2", &s2), CM_SUCCESS);
	ut_answer(f.cm, UT_CM_DEREGISTER_SAP, CM_PENDING);
	ut_once(f.cm, UT_CM_DEREGISTER_SAP);
	UT_ST(ut_deregister_sap(s2), CM_PENDING);
	UT_EXPECT(f.e, "$.register_sap(af=A1,sap=S2)", "$.deregister_sap(sap=S2)");
	/* §3.1: FAILURE if already closing; SapH is invalid at once */
	UT_ST(ut_deregister_sap(s2), CM_FAILURE);
	v = fx_in_vc(&f);
	CU_ASSERT_NOT_EQUAL(ut_dispatch_incoming_call(s2, v, &f.p), CM_SUCCESS);
	UT_ST(ut_deregister_sap_complete(s2, CM_PENDING), CM_FAILURE);
	UT_EXPECT_NOTHING(f.e);
	CU_ASSERT_EQUAL(counts(&f).saps, 1);
	UT_ST(ut_deregister_sap_complete(s2, CM_SUCCESS), CM_SUCCESS);
	UT_EXPECT(f.e, "cl.deregister_sap_complete(SUCCESS,sap=S2)");
	UT_ST(ut_deregister_sap_complete(s2, CM_SUCCESS), CM_FAILURE);
	UT_EXPECT_NOTHING(f.e);
	CU_ASSERT_EQUAL(counts(&f).saps, 0);

	/* refused by the CM, at once or later: the SAP stays registered */
	UT_ST(ut_register_sap(f.af, "pe3", &s3), CM_SUCCESS);
	ut_answer(f.cm, UT_CM_DEREGISTER_SAP, CM_INVALID_DATA);
	ut_once(f.cm, UT_CM_DEREGISTER_SAP);
	UT_ST(ut_deregister_sap(s3), CM_INVALID_DATA);
	ut_answer(f.cm, UT_CM_DEREGISTER_SAP, CM_PENDING);
	ut_once(f.cm, UT_CM_DEREGISTER_SAP);
	UT_ST(ut_deregister_sap(s3), CM_PENDING);
	UT_ST(ut_deregister_sap_complete(s3, CM_FAILURE), CM_SUCCESS);
	UT_EXPECT(f.e, "$.register_sap(af=A1,sap=S3)", "$.deregister_sap(sap=S3)",
		  "$.deregister_sap(sap=S3)", "cl.deregister_sap_complete(FAILURE,sap=S3)");
	UT_ST(ut_dispatch_incoming_call(s3, v, &f.p), CM_SUCCESS);
	UT_EXPECT(f.e, "cl.incoming_call(sap=S3,vc=V1)");
	UT_ST(ut_deregister_sap(s3), CM_SUCCESS);
	UT_EXPECT(f.e, "$.deregister_sap(sap=S3)");
	/* §3.1: offered calls are unaffected */
	CU_ASSERT_EQUAL(call_of(&f, v), CM_CALL_ACCEPTED);
	UT_ST(ut_call_connected(v), CM_SUCCESS);
	UT_EXPECT(f.e, "cl.call_connected(vc=V1)");
	UT_FINI(f.e);
}
BOTH(sap_deregister)

/* A client bound after the AF was registered still hears of it. */
static void
late_client(enum ut_role role)
{
	struct fx f;

	fx_env(&f, role);
	UT_ST(ut_register_af(f.cm, family_of(role)), CM_SUCCESS);
	UT_EXPECT_NOTHING(f.e);
	f.cl = ut_actor_new(f.e, UT_CLIENT, "cl");
	UT_EXPECT(f.e, notify_event(role));
	UT_ST(ut_open_af(f.cl, family_of(role), &f.af), CM_SUCCESS);
	UT_EXPECT(f.e, "$.open_af(af=A1)");
	UT_FINI(f.e);
}
BOTH(late_client)

/* At most one CM per AF type (§1); the core refuses a second one rather
 * than letting an MCM displace a CM (cm.c register_af). */
static void
second_cm(enum ut_role role)
{
	struct fx f;
	struct ut_actor *cm2, *mcm2;
	struct cm_af af = {.family = 0x4242, .major = 1};

	fx_up(&f, role);
	cm2 = ut_actor_new(f.e, UT_CM, "cm2");
	mcm2 = ut_actor_new(f.e, UT_MCM, "mcm2");
	UT_ST(ut_register_af(cm2, family_of(role)), CM_FAILURE);
	UT_ST(ut_register_af(mcm2, family_of(role)), CM_FAILURE);
	UT_EXPECT_NOTHING(f.e);
	/* NdisCm* only for CMs, NdisMCm* only for MCMs (§8) */
	UT_ST(mcm_register_af(f.e->core, cm2->bind, &af), CM_FAILURE);
	UT_ST(cm_register_af(f.e->core, mcm2->bind, &af), CM_FAILURE);
	UT_ST(cm_register_af(f.e->core, f.cl->bind, &af), CM_FAILURE);
	UT_EXPECT_NOTHING(f.e);
	UT_ST(ut_register_af(cm2, 0x4242), CM_SUCCESS);
	UT_EXPECT(f.e, "cl.af_register_notify(family=0x4242)");
	UT_FINI(f.e);
}
BOTH(second_cm)

/* ======================= §4.1 incoming call ======================= */

static void
incoming_accept(enum ut_role role)
{
	struct fx f;
	struct ut_obj *v;
	struct core_counts n;

	fx_up(&f, role);
	UT_ST(ut_create_vc(f.cm, f.af, &v), CM_SUCCESS);
	UT_EXPECT(f.e, "cl.create_vc(af=A1,vc=V1)");
	CU_ASSERT_EQUAL(call_of(&f, v), CM_CALL_IDLE);
	CU_ASSERT_EQUAL(act_of(&f, v), CM_VC_INACTIVE);
	UT_ST(ut_activate(v, &f.p), CM_SUCCESS);
	UT_EXPECT_NOTHING(f.e);
	CU_ASSERT_EQUAL(act_of(&f, v), CM_VC_ACTIVE);
	CU_ASSERT_EQUAL(f.e->mp.activations, 1);
	UT_ST(ut_dispatch_incoming_call(f.sap, v, &f.p), CM_SUCCESS);
	UT_EXPECT(f.e, "cl.incoming_call(sap=S1,vc=V1)");
	CU_ASSERT_EQUAL(call_of(&f, v), CM_CALL_ACCEPTED);
	n = counts(&f);
	CU_ASSERT_EQUAL(n.calls_offered, 1);
	CU_ASSERT_EQUAL(n.calls_connected, 0);
	UT_ST(ut_call_connected(v), CM_SUCCESS);
	UT_EXPECT(f.e, "cl.call_connected(vc=V1)");
	CU_ASSERT_EQUAL(call_of(&f, v), CM_CALL_CONNECTED);
	n = counts(&f);
	CU_ASSERT_EQUAL(n.calls_offered, 0);
	CU_ASSERT_EQUAL(n.calls_connected, 1);
	CU_ASSERT_EQUAL(n.calls_setup, 1);
	UT_ST(ut_call_connected(v), CM_FAILURE);
	UT_EXPECT_NOTHING(f.e);
	fx_close(&f, v);
	CU_ASSERT_EQUAL(counts(&f).calls_closed, 1);
	fx_delete(&f, v);
	CU_ASSERT_EQUAL(counts(&f).vcs, 0);
	CU_ASSERT_EQUAL(f.e->mp.deleted, 1);
	UT_FINI(f.e);
}
BOTH(incoming_accept)

static void
act_complete_incoming(struct ut_call *c, intptr_t status)
{
	ut_incoming_call_complete(c->vc, (enum cm_status)status, NULL);
}

static void
incoming_pending(enum ut_role role)
{
	struct fx f;
	struct ut_obj *v;

	fx_up(&f, role);
	v = fx_in_vc(&f);
	/* §3.1: only after IncomingCall pended, so not from inside it */
	ut_answer(f.cl, UT_CL_INCOMING_CALL, CM_PENDING);
	ut_on(f.cl, UT_CL_INCOMING_CALL, act_complete_incoming, CM_SUCCESS);
	ut_once(f.cl, UT_CL_INCOMING_CALL);
	UT_ST(ut_dispatch_incoming_call(f.sap, v, &f.p), CM_PENDING);
	UT_EXPECT(f.e, "cl.incoming_call(sap=S1,vc=V1)",
		  "cl_incoming_call_complete(SUCCESS,vc=V1)=FAILURE");
	CU_ASSERT_EQUAL(call_of(&f, v), CM_CALL_OFFERED);
	UT_ST(ut_incoming_call_complete(v, CM_PENDING, NULL), CM_FAILURE); /* R4 */
	UT_ST(ut_call_connected(v), CM_FAILURE);			   /* not accepted yet */
	UT_EXPECT_NOTHING(f.e);
	CU_ASSERT_EQUAL(call_of(&f, v), CM_CALL_OFFERED);
	/* §8: call_connected runs inside incoming_call_complete */
	ut_on(f.cm, UT_CM_INCOMING_CALL_COMPLETE, ut_act_call_connected, 0);
	ut_once(f.cm, UT_CM_INCOMING_CALL_COMPLETE);
	UT_ST(ut_incoming_call_complete(v, CM_SUCCESS, NULL), CM_SUCCESS);
	UT_EXPECT(f.e, "$.incoming_call_complete(SUCCESS,vc=V1)", "cl.call_connected(vc=V1)",
		  "$_dispatch_call_connected(vc=V1)=SUCCESS");
	CU_ASSERT_EQUAL(call_of(&f, v), CM_CALL_CONNECTED);
	UT_ST(ut_incoming_call_complete(v, CM_SUCCESS, NULL), CM_FAILURE);
	UT_EXPECT_NOTHING(f.e);
	fx_close(&f, v);
	fx_delete(&f, v);
	UT_FINI(f.e);
}
BOTH(incoming_pending)

/* R-a: the client rejects; the CM deactivates and reuses the VC for a
 * later call to the same client, then deletes it. */
static void
incoming_reject(enum ut_role role)
{
	struct fx f;
	struct ut_obj *v;

	fx_up(&f, role);
	v = fx_in_vc(&f);
	ut_answer(f.cl, UT_CL_INCOMING_CALL, CM_NOT_SUPPORTED);
	ut_once(f.cl, UT_CL_INCOMING_CALL);
	UT_ST(ut_dispatch_incoming_call(f.sap, v, &f.p), CM_NOT_SUPPORTED);
	UT_EXPECT(f.e, "cl.incoming_call(sap=S1,vc=V1)"); /* R1: no completion */
	CU_ASSERT_EQUAL(call_of(&f, v), CM_CALL_IDLE);
	UT_ST(ut_incoming_call_complete(v, CM_SUCCESS, NULL), CM_FAILURE);
	UT_ST(ut_deactivate(v), CM_PENDING);
	UT_EXPECT_NOTHING(f.e);
	CU_ASSERT_TRUE(ut_mp_complete(f.e, v));
	UT_EXPECT(f.e, "$.deactivate_vc_complete(SUCCESS,vc=V1)");
	CU_ASSERT_EQUAL(act_of(&f, v), CM_VC_INACTIVE);

	/* reuse (§5.3): activate again, offer again; the client pends and
	 * then rejects */
	UT_ST(ut_activate(v, &f.p), CM_SUCCESS);
	ut_answer(f.cl, UT_CL_INCOMING_CALL, CM_PENDING);
	ut_once(f.cl, UT_CL_INCOMING_CALL);
	UT_ST(ut_dispatch_incoming_call(f.sap, v, &f.p), CM_PENDING);
	UT_ST(ut_incoming_call_complete(v, CM_INVALID_ADDRESS, NULL), CM_SUCCESS);
	UT_EXPECT(f.e, "cl.incoming_call(sap=S1,vc=V1)",
		  "$.incoming_call_complete(INVALID_ADDRESS,vc=V1)");
	CU_ASSERT_EQUAL(call_of(&f, v), CM_CALL_IDLE);
	UT_ST(ut_incoming_call_complete(v, CM_SUCCESS, NULL), CM_FAILURE);
	UT_ST(ut_deactivate(v), CM_PENDING);
	CU_ASSERT_TRUE(ut_mp_complete(f.e, v));
	UT_EXPECT(f.e, "$.deactivate_vc_complete(SUCCESS,vc=V1)");
	CU_ASSERT_EQUAL(counts(&f).calls_setup, 0);
	fx_delete(&f, v);
	UT_FINI(f.e);
}
BOTH(incoming_reject)

/* R-b steps 1-3 run nested: the client's refusal answer, its close and
 * the CM's deactivation all happen inside one cl_incoming_call_complete. */
static void
script_rb(struct fx *f)
{
	ut_on(f->cm, UT_CM_INCOMING_CALL_COMPLETE, ut_act_incoming_close, CM_INCOMPATIBLE_QOS);
	ut_once(f->cm, UT_CM_INCOMING_CALL_COMPLETE);
	ut_on(f->cl, UT_CL_INCOMING_CLOSE_CALL, ut_act_close_call, 0);
	ut_once(f->cl, UT_CL_INCOMING_CLOSE_CALL);
	cm_closes_like_the_model(f);
}

static void
finish_rb(struct fx *f, struct ut_obj *v)
{
	ut_on(f->cm, UT_CM_DEACTIVATE_VC_COMPLETE, ut_act_close_call_complete, CM_SUCCESS);
	ut_on(f->cm, UT_CM_DEACTIVATE_VC_COMPLETE, ut_act_delete_vc, 0);
	ut_once(f->cm, UT_CM_DEACTIVATE_VC_COMPLETE);
	CU_ASSERT_TRUE(ut_mp_complete(f->e, v));
	UT_EXPECT(f->e, "$.deactivate_vc_complete(SUCCESS,vc=V1)",
		  "cl.close_call_complete(SUCCESS,vc=V1)",
		  "$_close_call_complete(SUCCESS,vc=V1)=SUCCESS", "cl.delete_vc(vc=V1)",
		  "#_delete_vc(vc=V1)=SUCCESS");
	CU_ASSERT_FALSE(vc_known(f, v));
	CU_ASSERT_EQUAL(counts(f).vcs, 0);
}

/* R-b: the client accepts with changed params; the CM refuses them. */
static void
incoming_changed_params_refused(enum ut_role role)
{
	struct fx f;
	struct ut_obj *v;
	struct cm_call_params changed;

	fx_up(&f, role);
	v = fx_in_vc(&f);
	ut_answer(f.cl, UT_CL_INCOMING_CALL, CM_PENDING);
	ut_once(f.cl, UT_CL_INCOMING_CALL);
	UT_ST(ut_dispatch_incoming_call(f.sap, v, &f.p), CM_PENDING);
	UT_EXPECT(f.e, "cl.incoming_call(sap=S1,vc=V1)");
	script_rb(&f);
	changed = f.p;
	changed.flags |= CM_CALL_PARAMETERS_CHANGED;
	changed.transmit.token_rate *= 2;
	changed.transmit.peak_bandwidth *= 2;
	UT_ST(ut_incoming_call_complete(v, CM_SUCCESS, &changed), CM_SUCCESS);
	UT_EXPECT(f.e, "$.incoming_call_complete(SUCCESS,vc=V1)",
		  "cl.incoming_close_call(INCOMPATIBLE_QOS,vc=V1)", "$.close_call(vc=V1)",
		  "$_deactivate_vc(vc=V1)=PENDING", "cl_close_call(vc=V1)=PENDING",
		  "$_dispatch_incoming_close_call(INCOMPATIBLE_QOS,vc=V1)=SUCCESS");
	CU_ASSERT_EQUAL(call_of(&f, v), CM_CALL_CLOSING);
	/* the CM saw the client's params and their flag */
	CU_ASSERT_TRUE(f.cm->last_params_set);
	CU_ASSERT_TRUE(ut_params_equal(&f.cm->last_params, &changed));
	finish_rb(&f, v);
	CU_ASSERT_EQUAL(counts(&f).calls_setup, 0);
	UT_FINI(f.e);
}
BOTH(incoming_changed_params_refused)

/* The client changes the params in incoming_call itself (§3.4: it may
 * modify params) and accepts at once: the CM gets them back through p. */
static void
act_change_params(struct ut_call *c, intptr_t unused)
{
	(void)unused;
	c->p->flags |= CM_CALL_PARAMETERS_CHANGED;
	c->p->transmit.token_rate *= 2;
	c->p->transmit.peak_bandwidth *= 2;
}

static void
incoming_changed_params_sync(enum ut_role role)
{
	struct fx f;
	struct ut_obj *v;
	struct cm_call_params offer;

	fx_up(&f, role);
	v = fx_in_vc(&f);
	ut_on(f.cl, UT_CL_INCOMING_CALL, act_change_params, 0);
	ut_once(f.cl, UT_CL_INCOMING_CALL);
	offer = f.p;
	UT_ST(ut_dispatch_incoming_call(f.sap, v, &offer), CM_SUCCESS);
	UT_EXPECT(f.e, "cl.incoming_call(sap=S1,vc=V1)");
	CU_ASSERT_TRUE(offer.flags & CM_CALL_PARAMETERS_CHANGED);
	CU_ASSERT_EQUAL(offer.transmit.token_rate, 2 * f.p.transmit.token_rate);
	/* the CM refuses them: R-b from the top */
	ut_on(f.cl, UT_CL_INCOMING_CLOSE_CALL, ut_act_close_call, 0);
	ut_once(f.cl, UT_CL_INCOMING_CLOSE_CALL);
	cm_closes_like_the_model(&f);
	UT_ST(ut_incoming_close(v, CM_INCOMPATIBLE_QOS, NULL, 0), CM_SUCCESS);
	UT_EXPECT(f.e, "cl.incoming_close_call(INCOMPATIBLE_QOS,vc=V1)", "$.close_call(vc=V1)",
		  "$_deactivate_vc(vc=V1)=PENDING", "cl_close_call(vc=V1)=PENDING");
	finish_rb(&f, v);
	UT_FINI(f.e);
}
BOTH(incoming_changed_params_sync)

/* R-c: the remote tears down after the client accepted, before connect:
 * no call_connected, an incoming close instead. */
static void
incoming_torn_down_before_connect(enum ut_role role)
{
	struct fx f;
	struct ut_obj *v;

	fx_up(&f, role);
	v = fx_in_vc(&f);
	UT_ST(ut_dispatch_incoming_call(f.sap, v, &f.p), CM_SUCCESS);
	UT_EXPECT(f.e, "cl.incoming_call(sap=S1,vc=V1)");
	CU_ASSERT_EQUAL(call_of(&f, v), CM_CALL_ACCEPTED);
	ut_on(f.cl, UT_CL_INCOMING_CLOSE_CALL, ut_act_close_call, 0);
	ut_once(f.cl, UT_CL_INCOMING_CLOSE_CALL);
	cm_closes_like_the_model(&f);
	UT_ST(ut_incoming_close(v, CM_SUCCESS, NULL, 0), CM_SUCCESS);
	UT_EXPECT(f.e, "cl.incoming_close_call(SUCCESS,vc=V1)", "$.close_call(vc=V1)",
		  "$_deactivate_vc(vc=V1)=PENDING", "cl_close_call(vc=V1)=PENDING");
	UT_ST(ut_call_connected(v), CM_FAILURE);
	UT_EXPECT_NOTHING(f.e);
	finish_rb(&f, v);
	CU_ASSERT_EQUAL(counts(&f).calls_setup, 0);
	UT_FINI(f.e);
}
BOTH(incoming_torn_down_before_connect)

/* §5.2 DispatchIncomingCall: CM-created, IDLE, ACTIVE, SAP of that client;
 * calls may arrive while the SAP registers (§3.1). */
static void
incoming_dispatch_rules(enum ut_role role)
{
	struct fx f;
	struct ut_obj *v, *w, *a2, *s2, *s3;
	struct ut_actor *cl2;

	fx_up(&f, role);
	UT_ST(ut_create_vc(f.cm, f.af, &v), CM_SUCCESS);
	UT_EXPECT(f.e, "cl.create_vc(af=A1,vc=V1)");
	UT_ST(ut_dispatch_incoming_call(f.sap, v, &f.p), CM_VC_NOT_ACTIVATED);
	UT_EXPECT_NOTHING(f.e);
	CU_ASSERT_EQUAL(call_of(&f, v), CM_CALL_IDLE);

	w = fx_out_vc(&f);
	UT_ST(ut_activate(w, &f.p), CM_SUCCESS);
	UT_ST(ut_dispatch_incoming_call(f.sap, w, &f.p), CM_FAILURE);
	UT_EXPECT_NOTHING(f.e);
	CU_ASSERT_EQUAL(call_of(&f, w), CM_CALL_IDLE);

	/* another client's SAP, on its own open of the AF */
	cl2 = ut_actor_new(f.e, UT_CLIENT, "cl2");
	UT_ST(ut_open_af(cl2, family_of(role), &a2), CM_SUCCESS);
	UT_ST(ut_register_sap(a2, "pe1", &s2), CM_SUCCESS);
	UT_EXPECT(f.e,
		  role == UT_MCM ? "cl2.af_register_notify(family=0x8003)"
				 : "cl2.af_register_notify(family=0x3)",
		  "$.open_af(af=A2)", "$.register_sap(af=A2,sap=S2)");
	UT_ST(ut_activate(v, &f.p), CM_SUCCESS);
	UT_ST(ut_dispatch_incoming_call(s2, v, &f.p), CM_INVALID_SAP);
	UT_ST(ut_dispatch_incoming_call(f.sap, v, NULL), CM_INVALID_DATA);
	UT_EXPECT_NOTHING(f.e);
	CU_ASSERT_EQUAL(call_of(&f, v), CM_CALL_IDLE);

	/* a SAP still registering */
	ut_answer(f.cm, UT_CM_REGISTER_SAP, CM_PENDING);
	ut_once(f.cm, UT_CM_REGISTER_SAP);
	UT_ST(ut_register_sap(f.af, "pe3", &s3), CM_PENDING);
	UT_ST(ut_dispatch_incoming_call(s3, v, &f.p), CM_SUCCESS);
	UT_EXPECT(f.e, "$.register_sap(af=A1,sap=S3)", "cl.incoming_call(sap=S3,vc=V1)");
	CU_ASSERT_EQUAL(call_of(&f, v), CM_CALL_ACCEPTED);
	/* one call at a time (§1) */
	CU_ASSERT_NOT_EQUAL(ut_dispatch_incoming_call(f.sap, v, &f.p), CM_SUCCESS);
	UT_EXPECT_NOTHING(f.e);
	CU_ASSERT_EQUAL(call_of(&f, v), CM_CALL_ACCEPTED);
	UT_ST(ut_register_sap_complete(s3, CM_SUCCESS), CM_SUCCESS);
	UT_EXPECT(f.e, "cl.register_sap_complete(SUCCESS,sap=S3)");
	UT_ST(ut_call_connected(v), CM_SUCCESS);
	UT_EXPECT(f.e, "cl.call_connected(vc=V1)");
	UT_FINI(f.e);
}
BOTH(incoming_dispatch_rules)

/* ======================= §4.2 outgoing call ======================= */

static void
outgoing_pending(enum ut_role role)
{
	struct fx f;
	struct ut_obj *v;
	struct cm_call_params req;

	fx_up(&f, role);
	v = fx_out_vc(&f);
	cm_pends_make_call(&f);
	ut_params(&req, 7, 250000);
	UT_ST(ut_make_call(v, &req, false, NULL), CM_PENDING);
	UT_EXPECT(f.e, "$.make_call(vc=V1)", "$_activate_vc(vc=V1)=SUCCESS");
	CU_ASSERT_TRUE(ut_params_equal(&f.cm->last_params, &req));
	CU_ASSERT_EQUAL(call_of(&f, v), CM_CALL_MAKECALL_PENDING);
	CU_ASSERT_EQUAL(act_of(&f, v), CM_VC_ACTIVE);
	UT_ST(ut_make_call_complete(v, CM_PENDING, NULL, &req), CM_FAILURE); /* R4 */
	UT_EXPECT_NOTHING(f.e);
	UT_ST(ut_make_call_complete(v, CM_SUCCESS, NULL, &req), CM_SUCCESS);
	UT_EXPECT(f.e, "cl.make_call_complete(SUCCESS,vc=V1)");
	CU_ASSERT_TRUE(ut_params_equal(&f.cl->last_params, &req));
	CU_ASSERT_EQUAL(call_of(&f, v), CM_CALL_CONNECTED);
	CU_ASSERT_EQUAL(counts(&f).calls_setup, 1);
	UT_ST(ut_make_call_complete(v, CM_SUCCESS, NULL, &req), CM_FAILURE);
	UT_EXPECT_NOTHING(f.e);
	fx_close(&f, v);
	fx_delete(&f, v);
	UT_FINI(f.e);
}
BOTH(outgoing_pending)

static void
outgoing_sync(enum ut_role role)
{
	struct fx f;
	struct ut_obj *v, *w;

	fx_up(&f, role);
	v = fx_out_vc(&f);
	UT_ST(ut_activate(v, &f.p), CM_SUCCESS);
	/* §3.5: SUCCESS only if the VC is already active; R1 */
	UT_ST(ut_make_call(v, &f.p, false, NULL), CM_SUCCESS);
	UT_EXPECT(f.e, "$.make_call(vc=V1)");
	CU_ASSERT_EQUAL(call_of(&f, v), CM_CALL_CONNECTED);
	CU_ASSERT_EQUAL(counts(&f).calls_setup, 1);

	w = fx_out_vc(&f);
	UT_ST(ut_make_call(w, &f.p, false, NULL), CM_VC_NOT_ACTIVATED);
	UT_EXPECT(f.e, "$.make_call(vc=V2)");
	CU_ASSERT_EQUAL(call_of(&f, w), CM_CALL_IDLE);
	CU_ASSERT_EQUAL(counts(&f).calls_setup, 1);
	fx_delete(&f, w);
	fx_close(&f, v);
	fx_delete(&f, v);
	UT_FINI(f.e);
}
BOTH(outgoing_sync)

static void
outgoing_failure(enum ut_role role)
{
	struct fx f;
	struct ut_obj *v, *w, *pt, *bad;

	fx_up(&f, role);
	v = fx_out_vc(&f);
	ut_answer(f.cm, UT_CM_MAKE_CALL, CM_NOT_SUPPORTED);
	ut_once(f.cm, UT_CM_MAKE_CALL);
	UT_ST(ut_make_call(v, &f.p, false, NULL), CM_NOT_SUPPORTED);
	UT_EXPECT(f.e, "$.make_call(vc=V1)");
	CU_ASSERT_EQUAL(call_of(&f, v), CM_CALL_IDLE);
	fx_delete(&f, v); /* §4.2: on failure the client deletes the VC */

	/* pended, then failed (R6: a completion even on failure) */
	w = fx_out_vc(&f);
	ut_answer(f.cm, UT_CM_MAKE_CALL, CM_PENDING);
	ut_once(f.cm, UT_CM_MAKE_CALL);
	UT_ST(ut_make_call(w, &f.p, true, &pt), CM_PENDING);
	UT_EXPECT(f.e, "$.make_call(vc=V2,party=P1)");
	CU_ASSERT_EQUAL(parties_of(&f, w), 1);
	/* §3.3: SUCCESS only after activation */
	UT_ST(ut_make_call_complete(w, CM_SUCCESS, pt, &f.p), CM_FAILURE);
	UT_EXPECT_NOTHING(f.e);
	CU_ASSERT_EQUAL(call_of(&f, w), CM_CALL_MAKECALL_PENDING);
	UT_ST(ut_make_call_complete(w, CM_NO_ROUTE_TO_DESTINATION, pt, &f.p), CM_SUCCESS);
	UT_EXPECT(f.e, "cl.make_call_complete(NO_ROUTE_TO_DESTINATION,vc=V2)");
	CU_ASSERT_EQUAL(call_of(&f, w), CM_CALL_IDLE);
	CU_ASSERT_EQUAL(parties_of(&f, w), 0);
	/* PartyH is invalid */
	UT_ST(ut_drop_party(pt, NULL, 0), CM_FAILURE);
	UT_ST(ut_close_call(w, pt, NULL, 0), CM_FAILURE);
	UT_ST(ut_add_party(w, &f.p, &bad), CM_FAILURE);
	UT_EXPECT_NOTHING(f.e);
	CU_ASSERT_EQUAL(counts(&f).parties, 0);
	fx_delete(&f, w);
	UT_FINI(f.e);
}
BOTH(outgoing_failure)

/* §5.2 NdisClMakeCall: own VC, IDLE; otherwise NOT_ACCEPTED or CLOSING
 * (italic: a design choice of the model). */
static void
outgoing_rules(enum ut_role role)
{
	struct fx f;
	struct ut_obj *v, *w, *in;

	fx_up(&f, role);
	in = fx_in_vc(&f);
	UT_ST(ut_make_call(in, &f.p, false, NULL), CM_FAILURE); /* not the client's VC */
	w = fx_out_vc(&f);
	UT_ST(ut_make_call(w, NULL, false, NULL), CM_INVALID_DATA);
	UT_EXPECT_NOTHING(f.e);
	CU_ASSERT_EQUAL(call_of(&f, w), CM_CALL_IDLE);
	ut_answer(f.cm, UT_CM_MAKE_CALL, CM_PENDING);
	ut_once(f.cm, UT_CM_MAKE_CALL);
	UT_ST(ut_make_call(w, &f.p, false, NULL), CM_PENDING);
	UT_EXPECT(f.e, "$.make_call(vc=V2)");
	UT_ST(ut_make_call(w, &f.p, false, NULL), CM_NOT_ACCEPTED); /* MAKECALL_PENDING */
	v = fx_out_call(&f, false, NULL);
	UT_ST(ut_make_call(v, &f.p, false, NULL), CM_NOT_ACCEPTED); /* CONNECTED */
	UT_EXPECT_NOTHING(f.e);
	ut_answer(f.cm, UT_CM_CLOSE_CALL, CM_PENDING);
	ut_once(f.cm, UT_CM_CLOSE_CALL);
	UT_ST(ut_close_call(v, NULL, NULL, 0), CM_PENDING);
	UT_EXPECT(f.e, "$.close_call(vc=V3)");
	UT_ST(ut_make_call(v, &f.p, false, NULL), CM_CLOSING);
	UT_EXPECT_NOTHING(f.e);
	CU_ASSERT_EQUAL(call_of(&f, v), CM_CALL_CLOSING);
	UT_FINI(f.e);
}
BOTH(outgoing_rules)

/* =============== §4.3 client close, §4.4 incoming close =============== */

static void
client_close(enum ut_role role)
{
	struct fx f;
	struct ut_obj *v;

	fx_up(&f, role);
	v = fx_out_call(&f, false, NULL);
	ut_answer(f.cm, UT_CM_CLOSE_CALL, CM_PENDING);
	ut_once(f.cm, UT_CM_CLOSE_CALL);
	UT_ST(ut_close_call(v, NULL, "bye", 3), CM_PENDING);
	UT_EXPECT(f.e, "$.close_call(vc=V1,data=3)");
	CU_ASSERT_EQUAL(f.cm->last_size, 3);
	CU_ASSERT_EQUAL(memcmp(f.cm->last_data, "bye", 3), 0);
	CU_ASSERT_EQUAL(call_of(&f, v), CM_CALL_CLOSING);
	CU_ASSERT_EQUAL(counts(&f).calls_closing, 1);
	/* §9 #7: deactivate first, then complete */
	UT_ST(ut_close_call_complete(v, CM_SUCCESS, NULL), CM_FAILURE);
	UT_ST(ut_close_call(v, NULL, NULL, 0), CM_CLOSING);
	UT_EXPECT_NOTHING(f.e);
	UT_ST(ut_deactivate(v), CM_PENDING);
	UT_ST(ut_close_call_complete(v, CM_SUCCESS, NULL), CM_FAILURE);
	UT_ST(ut_delete_vc(v), CM_CLOSING);
	UT_EXPECT_NOTHING(f.e);
	CU_ASSERT_TRUE(ut_mp_complete(f.e, v));
	UT_EXPECT(f.e, "$.deactivate_vc_complete(SUCCESS,vc=V1)");
	UT_ST(ut_close_call_complete(v, CM_PENDING, NULL), CM_FAILURE);
	UT_EXPECT_NOTHING(f.e);
	UT_ST(ut_close_call_complete(v, CM_SUCCESS, NULL), CM_SUCCESS);
	UT_EXPECT(f.e, "cl.close_call_complete(SUCCESS,vc=V1)");
	UT_ST(ut_close_call_complete(v, CM_SUCCESS, NULL), CM_FAILURE);
	UT_EXPECT_NOTHING(f.e);
	CU_ASSERT_EQUAL(call_of(&f, v), CM_CALL_IDLE);
	CU_ASSERT_EQUAL(counts(&f).calls_closed, 1);

	/* §4.3 step 5: the client reuses its VC */
	cm_pends_make_call(&f);
	UT_ST(ut_make_call(v, &f.p, false, NULL), CM_PENDING);
	UT_ST(ut_make_call_complete(v, CM_SUCCESS, NULL, &f.p), CM_SUCCESS);
	UT_EXPECT(f.e, "$.make_call(vc=V1)", "$_activate_vc(vc=V1)=SUCCESS",
		  "cl.make_call_complete(SUCCESS,vc=V1)");
	fx_close(&f, v);
	fx_delete(&f, v);
	UT_FINI(f.e);
}
BOTH(client_close)

static void
close_refused(enum ut_role role)
{
	struct fx f;
	struct ut_obj *v;

	fx_up(&f, role);
	v = fx_out_call(&f, false, NULL);
	/* §3.5: INVALID_DATA, close data unsupported: nothing changes */
	ut_answer(f.cm, UT_CM_CLOSE_CALL, CM_INVALID_DATA);
	ut_once(f.cm, UT_CM_CLOSE_CALL);
	UT_ST(ut_close_call(v, NULL, "x", 1), CM_INVALID_DATA);
	UT_EXPECT(f.e, "$.close_call(vc=V1,data=1)");
	CU_ASSERT_EQUAL(call_of(&f, v), CM_CALL_CONNECTED);
	/* SUCCESS while still active: closed means deactivated (§3.4) */
	ut_answer(f.cm, UT_CM_CLOSE_CALL, CM_SUCCESS);
	ut_once(f.cm, UT_CM_CLOSE_CALL);
	UT_ST(ut_close_call(v, NULL, NULL, 0), CM_FAILURE);
	UT_EXPECT(f.e, "$.close_call(vc=V1)");
	CU_ASSERT_EQUAL(call_of(&f, v), CM_CALL_CONNECTED);
	/* pended, then failed */
	ut_answer(f.cm, UT_CM_CLOSE_CALL, CM_PENDING);
	ut_once(f.cm, UT_CM_CLOSE_CALL);
	UT_ST(ut_close_call(v, NULL, NULL, 0), CM_PENDING);
	UT_ST(ut_close_call_complete(v, CM_FAILURE, NULL), CM_SUCCESS);
	UT_EXPECT(f.e, "$.close_call(vc=V1)", "cl.close_call_complete(FAILURE,vc=V1)");
	CU_ASSERT_EQUAL(call_of(&f, v), CM_CALL_CONNECTED);
	/* the same from an indicated incoming close */
	UT_ST(ut_incoming_close(v, CM_SUCCESS, NULL, 0), CM_SUCCESS);
	ut_answer(f.cm, UT_CM_CLOSE_CALL, CM_INVALID_DATA);
	ut_once(f.cm, UT_CM_CLOSE_CALL);
	UT_ST(ut_close_call(v, NULL, "x", 1), CM_INVALID_DATA);
	UT_EXPECT(f.e, "cl.incoming_close_call(SUCCESS,vc=V1)", "$.close_call(vc=V1,data=1)");
	CU_ASSERT_EQUAL(call_of(&f, v), CM_CALL_INCOMING_CLOSE);
	fx_close(&f, v);
	fx_delete(&f, v);
	UT_FINI(f.e);
}
BOTH(close_refused)

static void
act_delete_own(struct ut_call *c, intptr_t unused)
{
	(void)unused;
	if (c->vc != NULL && !c->vc->gone &&
	    (c->vc->creator == UT_CLIENT) == (c->actor->role == UT_CLIENT))
		ut_delete_vc(c->vc);
}

static void
incoming_close(enum ut_role role)
{
	struct fx f;
	struct ut_obj *v, *w;

	fx_up(&f, role);
	v = fx_in_call(&f);
	/* §4.4: the client must close from inside incoming_close_call */
	ut_on(f.cl, UT_CL_INCOMING_CLOSE_CALL, ut_act_close_call, 0);
	ut_once(f.cl, UT_CL_INCOMING_CLOSE_CALL);
	cm_closes_like_the_model(&f);
	UT_ST(ut_incoming_close(v, CM_SUCCESS, "cdn!", 4), CM_SUCCESS);
	UT_EXPECT(f.e, "cl.incoming_close_call(SUCCESS,vc=V1,data=4)", "$.close_call(vc=V1)",
		  "$_deactivate_vc(vc=V1)=PENDING", "cl_close_call(vc=V1)=PENDING");
	CU_ASSERT_EQUAL(f.cl->last_size, 4);
	CU_ASSERT_EQUAL(memcmp(f.cl->last_data, "cdn!", 4), 0);
	UT_ST(ut_incoming_close(v, CM_SUCCESS, NULL, 0), CM_FAILURE); /* closing already */
	UT_EXPECT_NOTHING(f.e);
	finish_rb(&f, v);

	/* a client-created VC ended by the network: the client deletes it
	 * (§5.3 forced deletion), here from close_call_complete (§4.4) */
	w = fx_out_call(&f, false, NULL);
	UT_ST(ut_incoming_close(w, CM_DEST_OUT_OF_ORDER, NULL, 0), CM_SUCCESS);
	UT_EXPECT(f.e, "cl.incoming_close_call(DEST_OUT_OF_ORDER,vc=V2)");
	CU_ASSERT_EQUAL(call_of(&f, w), CM_CALL_INCOMING_CLOSE);
	CU_ASSERT_EQUAL(counts(&f).calls_closing, 1);
	ut_on(f.cl, UT_CL_CLOSE_CALL_COMPLETE, act_delete_own, 0);
	ut_once(f.cl, UT_CL_CLOSE_CALL_COMPLETE);
	cm_closes_like_the_model(&f);
	cm_completes_close_on_deactivation(&f);
	UT_ST(ut_close_call(w, NULL, NULL, 0), CM_PENDING);
	CU_ASSERT_TRUE(ut_mp_complete(f.e, w));
	UT_EXPECT(f.e, "$.close_call(vc=V2)", "$_deactivate_vc(vc=V2)=PENDING",
		  "$.deactivate_vc_complete(SUCCESS,vc=V2)",
		  "cl.close_call_complete(SUCCESS,vc=V2)", "$.delete_vc(vc=V2)",
		  "co_delete_vc(vc=V2)=SUCCESS", "$_close_call_complete(SUCCESS,vc=V2)=SUCCESS");
	CU_ASSERT_FALSE(vc_known(&f, w));

	/* nothing to close on an idle or offered call */
	v = fx_in_vc(&f);
	UT_ST(ut_incoming_close(v, CM_SUCCESS, NULL, 0), CM_FAILURE);
	ut_answer(f.cl, UT_CL_INCOMING_CALL, CM_PENDING);
	ut_once(f.cl, UT_CL_INCOMING_CALL);
	UT_ST(ut_dispatch_incoming_call(f.sap, v, &f.p), CM_PENDING);
	UT_ST(ut_close_call(v, NULL, NULL, 0), CM_FAILURE);
	UT_EXPECT(f.e, "cl.incoming_call(sap=S1,vc=V3)");
	/* an offered call may be closed by the CM; a pended acceptance is moot */
	UT_ST(ut_incoming_close(v, CM_SUCCESS, NULL, 0), CM_SUCCESS);
	UT_ST(ut_incoming_call_complete(v, CM_SUCCESS, NULL), CM_FAILURE);
	UT_EXPECT(f.e, "cl.incoming_close_call(SUCCESS,vc=V3)");
	UT_FINI(f.e);
}
BOTH(incoming_close)

/* ======================= §4.5 link down ======================= */

static struct ut_obj *port_vcs[4];

/* The CM ends every live call on the port that went down (§4.5 step 2). */
static void
act_close_port_calls(struct ut_call *c, intptr_t unused)
{
	struct cm_vc_info info;
	unsigned int i;

	(void)unused;
	if (c->up)
		return;
	for (i = 0; i < 4 && port_vcs[i] != NULL; i++) {
		struct ut_obj *v = port_vcs[i];

		if (v->gone ||
		    cm_vc_info(v->env->core, (struct cm_vc_h){v->h}, &info) != CM_SUCCESS)
			continue;
		if (info.params != NULL && info.params->media.circuit.port == c->port &&
		    (info.call == CM_CALL_OFFERED || info.call == CM_CALL_ACCEPTED ||
		     info.call == CM_CALL_CONNECTED))
			ut_incoming_close(v, CM_STATUS_LINK_DOWN, NULL, 0);
	}
}

static void
link_down(enum ut_role role)
{
	struct fx f;
	struct ut_obj *v1, *v2, *v3;
	struct cm_call_params other;

	fx_up(&f, role);
	v1 = fx_in_call(&f);
	v2 = fx_out_call(&f, false, NULL);
	ut_params(&other, 300, 125000);
	other.media.circuit.port = 1;
	UT_ST(ut_create_vc(f.cm, f.af, &v3), CM_SUCCESS);
	UT_ST(ut_activate(v3, &other), CM_SUCCESS);
	UT_ST(ut_dispatch_incoming_call(f.sap, v3, &other), CM_SUCCESS);
	UT_ST(ut_call_connected(v3), CM_SUCCESS);
	UT_EXPECT(f.e, "cl.create_vc(af=A1,vc=V3)", "cl.incoming_call(sap=S1,vc=V3)",
		  "cl.call_connected(vc=V3)");
	port_vcs[0] = v1;
	port_vcs[1] = v2;
	port_vcs[2] = v3;
	port_vcs[3] = NULL;
	ut_on(f.cm, UT_CM_LINK_STATUS, act_close_port_calls, 0);
	ut_on(f.cl, UT_CL_INCOMING_CLOSE_CALL, ut_act_close_call, 0);
	ut_answer(f.cm, UT_CM_CLOSE_CALL, CM_PENDING);
	ut_on(f.cm, UT_CM_CLOSE_CALL, ut_act_deactivate, 0);
	core_link_status(f.e->core, 0, false);
	UT_EXPECT(f.e, "$.link_status(port=0,down)",
		  "cl.incoming_close_call(DEST_OUT_OF_ORDER,vc=V1)", "$.close_call(vc=V1)",
		  "$_deactivate_vc(vc=V1)=PENDING", "cl_close_call(vc=V1)=PENDING",
		  "$_dispatch_incoming_close_call(DEST_OUT_OF_ORDER,vc=V1)=SUCCESS",
		  "cl.incoming_close_call(DEST_OUT_OF_ORDER,vc=V2)", "$.close_call(vc=V2)",
		  "$_deactivate_vc(vc=V2)=PENDING", "cl_close_call(vc=V2)=PENDING",
		  "$_dispatch_incoming_close_call(DEST_OUT_OF_ORDER,vc=V2)=SUCCESS");
	CU_ASSERT_EQUAL(call_of(&f, v3), CM_CALL_CONNECTED);
	/* the CM completes each close and deletes its own VC; the client
	 * deletes its own (§4.5 step 3) */
	ut_on(f.cm, UT_CM_DEACTIVATE_VC_COMPLETE, ut_act_close_call_complete, CM_SUCCESS);
	ut_on(f.cm, UT_CM_DEACTIVATE_VC_COMPLETE, act_delete_own, 0);
	ut_on(f.cl, UT_CL_CLOSE_CALL_COMPLETE, act_delete_own, 0);
	CU_ASSERT_EQUAL(ut_mp_complete_all(f.e), 2);
	UT_EXPECT(f.e, "$.deactivate_vc_complete(SUCCESS,vc=V1)",
		  "cl.close_call_complete(SUCCESS,vc=V1)",
		  "$_close_call_complete(SUCCESS,vc=V1)=SUCCESS", "cl.delete_vc(vc=V1)",
		  "#_delete_vc(vc=V1)=SUCCESS", "$.deactivate_vc_complete(SUCCESS,vc=V2)",
		  "cl.close_call_complete(SUCCESS,vc=V2)", "$.delete_vc(vc=V2)",
		  "co_delete_vc(vc=V2)=SUCCESS", "$_close_call_complete(SUCCESS,vc=V2)=SUCCESS");
	CU_ASSERT_FALSE(vc_known(&f, v1));
	CU_ASSERT_FALSE(vc_known(&f, v2));
	CU_ASSERT_EQUAL(counts(&f).vcs, 1);
	core_link_status(f.e->core, 0, true);
	UT_EXPECT(f.e, "$.link_status(port=0,up)");
	CU_ASSERT_EQUAL(call_of(&f, v3), CM_CALL_CONNECTED);
	UT_FINI(f.e);
}
BOTH(link_down)

/* Every CM and MCM hears every port's link state. */
static void
link_status_everyone(void)
{
	struct ut_env *e = ut_env_new();

	ut_actor_new(e, UT_CLIENT, "cl");
	ut_actor_new(e, UT_CM, "cm");
	ut_actor_new(e, UT_MCM, "mcm");
	core_link_status(e->core, 3, false);
	UT_EXPECT(e, "cm.link_status(port=3,down)", "mcm.link_status(port=3,down)");
	UT_FINI(e);
}

/* ======================= §4.6 point-to-multipoint ======================= */

static void
multipoint(enum ut_role role)
{
	struct fx f;
	struct ut_obj *v, *p1, *p2, *p3, *p4, *p5, *plain;

	fx_up(&f, role);
	v = fx_out_call(&f, true, &p1);
	CU_ASSERT_EQUAL(parties_of(&f, v), 1);
	UT_ST(ut_add_party(v, &f.p, &p2), CM_SUCCESS);
	UT_EXPECT(f.e, "$.add_party(vc=V1,party=P2)");
	ut_answer(f.cm, UT_CM_ADD_PARTY, CM_PENDING);
	ut_once(f.cm, UT_CM_ADD_PARTY);
	UT_ST(ut_add_party(v, &f.p, &p3), CM_PENDING);
	UT_EXPECT(f.e, "$.add_party(vc=V1,party=P3)");
	UT_ST(ut_add_party_complete(p3, CM_PENDING, &f.p), CM_FAILURE); /* R4 */
	UT_EXPECT_NOTHING(f.e);
	UT_ST(ut_add_party_complete(p3, CM_SUCCESS, &f.p), CM_SUCCESS);
	UT_EXPECT(f.e, "cl.add_party_complete(SUCCESS,party=P3)");
	UT_ST(ut_add_party_complete(p3, CM_SUCCESS, &f.p), CM_FAILURE);
	ut_answer(f.cm, UT_CM_ADD_PARTY, CM_NOT_SUPPORTED);
	ut_once(f.cm, UT_CM_ADD_PARTY);
	UT_ST(ut_add_party(v, &f.p, &p4), CM_NOT_SUPPORTED);
	UT_EXPECT(f.e, "$.add_party(vc=V1,party=P4)");
	UT_ST(ut_drop_party(p4, NULL, 0), CM_FAILURE); /* never added */
	CU_ASSERT_EQUAL(parties_of(&f, v), 3);
	CU_ASSERT_EQUAL(counts(&f).parties, 3);
	/* §4.3: drop all but the last first */
	UT_ST(ut_close_call(v, p1, NULL, 0), CM_FAILURE);
	UT_EXPECT_NOTHING(f.e);
	/* refused, at once or later: the party stays in the call */
	ut_answer(f.cm, UT_CM_DROP_PARTY, CM_FAILURE);
	ut_once(f.cm, UT_CM_DROP_PARTY);
	UT_ST(ut_drop_party(p2, NULL, 0), CM_FAILURE);
	ut_answer(f.cm, UT_CM_DROP_PARTY, CM_PENDING);
	ut_once(f.cm, UT_CM_DROP_PARTY);
	UT_ST(ut_drop_party(p2, NULL, 0), CM_PENDING);
	UT_ST(ut_drop_party_complete(p2, CM_INVALID_DATA), CM_SUCCESS);
	UT_EXPECT(f.e, "$.drop_party(party=P2)", "$.drop_party(party=P2)",
		  "cl.drop_party_complete(INVALID_DATA,party=P2)");
	CU_ASSERT_EQUAL(parties_of(&f, v), 3);
	UT_ST(ut_drop_party(p2, "x", 1), CM_SUCCESS);
	UT_EXPECT(f.e, "$.drop_party(party=P2,data=1)");
	UT_ST(ut_drop_party(p2, NULL, 0), CM_FAILURE); /* PartyH invalid at once */
	ut_answer(f.cm, UT_CM_DROP_PARTY, CM_PENDING);
	ut_once(f.cm, UT_CM_DROP_PARTY);
	UT_ST(ut_drop_party(p3, NULL, 0), CM_PENDING);
	UT_EXPECT(f.e, "$.drop_party(party=P3)");
	UT_ST(ut_drop_party_complete(p3, CM_PENDING), CM_FAILURE);
	UT_EXPECT_NOTHING(f.e);
	UT_ST(ut_drop_party_complete(p3, CM_SUCCESS), CM_SUCCESS);
	UT_EXPECT(f.e, "cl.drop_party_complete(SUCCESS,party=P3)");
	UT_ST(ut_drop_party_complete(p3, CM_SUCCESS), CM_FAILURE);
	CU_ASSERT_EQUAL(parties_of(&f, v), 1);
	/* the last party goes with cl_close_call only */
	UT_ST(ut_drop_party(p1, NULL, 0), CM_FAILURE);
	UT_ST(ut_incoming_drop_party(p1, CM_SUCCESS, NULL, 0), CM_FAILURE);
	UT_EXPECT_NOTHING(f.e);
	/* a remote drop while others remain: the client drops it */
	UT_ST(ut_add_party(v, &f.p, &p5), CM_SUCCESS);
	ut_on(f.cl, UT_CL_INCOMING_DROP_PARTY, ut_act_drop_party, 0);
	ut_once(f.cl, UT_CL_INCOMING_DROP_PARTY);
	UT_ST(ut_incoming_drop_party(p5, CM_DEST_OUT_OF_ORDER, "gone", 4), CM_SUCCESS);
	UT_EXPECT(f.e, "$.add_party(vc=V1,party=P5)",
		  "cl.incoming_drop_party(DEST_OUT_OF_ORDER,party=P5,data=4)",
		  "$.drop_party(party=P5)", "cl_drop_party(party=P5)=SUCCESS");
	CU_ASSERT_EQUAL(parties_of(&f, v), 1);
	/* close with the last party */
	cm_closes_like_the_model(&f);
	UT_ST(ut_close_call(v, p1, NULL, 0), CM_PENDING);
	cm_completes_close_on_deactivation(&f);
	CU_ASSERT_TRUE(ut_mp_complete(f.e, v));
	UT_EXPECT(f.e, "$.close_call(vc=V1,party=P1)", "$_deactivate_vc(vc=V1)=PENDING",
		  "$.deactivate_vc_complete(SUCCESS,vc=V1)",
		  "cl.close_call_complete(SUCCESS,vc=V1,party=P1)",
		  "$_close_call_complete(SUCCESS,vc=V1)=SUCCESS");
	CU_ASSERT_EQUAL(parties_of(&f, v), 0);
	CU_ASSERT_EQUAL(counts(&f).parties, 0);
	UT_ST(ut_drop_party(p1, NULL, 0), CM_FAILURE);
	fx_delete(&f, v);
	/* a point-to-point call takes no parties */
	plain = fx_out_call(&f, false, NULL);
	UT_ST(ut_add_party(plain, &f.p, &p5), CM_FAILURE);
	UT_EXPECT_NOTHING(f.e);
	UT_FINI(f.e);
}
BOTH(multipoint)

/* "Dropping the last party: FAILURE" (§3.4), "only while other parties
 * remain" (§3.3): a party whose drop is under way does not remain. */
static void
multipoint_drop_last_while_dropping(enum ut_role role)
{
	struct fx f;
	struct ut_obj *v, *p1, *p2;

	fx_up(&f, role);
	v = fx_out_call(&f, true, &p1);
	UT_ST(ut_add_party(v, &f.p, &p2), CM_SUCCESS);
	UT_EXPECT(f.e, "$.add_party(vc=V1,party=P2)");
	ut_answer(f.cm, UT_CM_DROP_PARTY, CM_PENDING);
	ut_once(f.cm, UT_CM_DROP_PARTY);
	UT_ST(ut_drop_party(p1, NULL, 0), CM_PENDING);
	UT_EXPECT(f.e, "$.drop_party(party=P1)");
	/* P2 is the last party that stays */
	UT_ST(ut_incoming_drop_party(p2, CM_SUCCESS, NULL, 0), CM_FAILURE);
	UT_EXPECT_NOTHING(f.e);
	ut_answer(f.cm, UT_CM_DROP_PARTY, CM_PENDING);
	ut_once(f.cm, UT_CM_DROP_PARTY);
	UT_ST(ut_drop_party(p2, NULL, 0), CM_FAILURE);
	UT_EXPECT_NOTHING(f.e);
	UT_ST(ut_drop_party_complete(p1, CM_SUCCESS), CM_SUCCESS);
	UT_EXPECT(f.e, "cl.drop_party_complete(SUCCESS,party=P1)");
	CU_ASSERT_EQUAL(parties_of(&f, v), 1);
	UT_FINI(f.e);
}
BOTH(multipoint_drop_last_while_dropping)

/* A CM that fails a multipoint MakeCall without naming the party: the
 * party handle is invalid on failure (§3.3) whatever the CM passed, so
 * it must not survive the call, or be refused. */
static void
multipoint_failed_without_party(enum ut_role role)
{
	struct fx f;
	struct ut_obj *v, *p1;
	enum cm_status st;

	fx_up(&f, role);
	v = fx_out_vc(&f);
	ut_answer(f.cm, UT_CM_MAKE_CALL, CM_PENDING);
	ut_once(f.cm, UT_CM_MAKE_CALL);
	UT_ST(ut_make_call(v, &f.p, true, &p1), CM_PENDING);
	UT_EXPECT(f.e, "$.make_call(vc=V1,party=P1)");
	st = ut_make_call_complete(v, CM_RESOURCES, NULL, &f.p);
	if (st == CM_SUCCESS) {
		UT_EXPECT(f.e, "cl.make_call_complete(RESOURCES,vc=V1)");
		CU_ASSERT_EQUAL(parties_of(&f, v), 0);
		CU_ASSERT_EQUAL(counts(&f).parties, 0);
	} else {
		UT_ST(ut_make_call_complete(v, CM_RESOURCES, p1, &f.p), CM_SUCCESS);
		UT_EXPECT(f.e, "cl.make_call_complete(RESOURCES,vc=V1)");
	}
	fx_delete(&f, v);
	CU_ASSERT_EQUAL(counts(&f).parties, 0);
	UT_FINI(f.e);
}
BOTH(multipoint_failed_without_party)

/* A party handle that names no party is a stale handle like any other
 * (cm.h): MakeCallComplete refuses it. */
static void
make_call_complete_dead_party(enum ut_role role)
{
	struct fx f;
	struct ut_obj *mpc, *p1, *p2, *v;
	struct core *c;
	enum cm_status st;

	fx_up(&f, role);
	c = f.e->core;
	mpc = fx_out_call(&f, true, &p1);
	UT_ST(ut_add_party(mpc, &f.p, &p2), CM_SUCCESS);
	UT_ST(ut_drop_party(p2, NULL, 0), CM_SUCCESS);
	UT_EXPECT(f.e, "$.add_party(vc=V1,party=P2)", "$.drop_party(party=P2)");
	v = fx_out_vc(&f);
	ut_answer(f.cm, UT_CM_MAKE_CALL, CM_PENDING);
	ut_once(f.cm, UT_CM_MAKE_CALL);
	UT_ST(ut_make_call(v, &f.p, false, NULL), CM_PENDING);
	UT_ST(ut_activate(v, &f.p), CM_SUCCESS);
	ut_log_clear(f.e);
	st = role == UT_MCM ? mcm_make_call_complete(c, CM_SUCCESS, (struct cm_vc_h){v->h},
						     (struct cm_party_h){p2->h}, NULL, &f.p)
			    : cm_make_call_complete(c, CM_SUCCESS, (struct cm_vc_h){v->h},
						    (struct cm_party_h){p2->h}, NULL, &f.p);
	UT_ST(st, CM_FAILURE);
	if (st == CM_SUCCESS)
		UT_EXPECT(f.e, "cl.make_call_complete(SUCCESS,vc=V2)");
	UT_EXPECT_NOTHING(f.e);
	UT_FINI(f.e);
}
BOTH(make_call_complete_dead_party)

/* The party a MakeCall is making is completed by MakeCallComplete, not
 * by AddPartyComplete: the client never added it. */
static void
add_party_complete_on_make_call_party(enum ut_role role)
{
	struct fx f;
	struct ut_obj *v, *p1;

	fx_up(&f, role);
	v = fx_out_vc(&f);
	cm_pends_make_call(&f);
	UT_ST(ut_make_call(v, &f.p, true, &p1), CM_PENDING);
	UT_EXPECT(f.e, "$.make_call(vc=V1,party=P1)", "$_activate_vc(vc=V1)=SUCCESS");
	UT_ST(ut_add_party_complete(p1, CM_NOT_SUPPORTED, &f.p), CM_FAILURE);
	UT_EXPECT_NOTHING(f.e);
	CU_ASSERT_EQUAL(parties_of(&f, v), 1);
	UT_ST(ut_make_call_complete(v, CM_SUCCESS, p1, &f.p), CM_SUCCESS);
	UT_EXPECT(f.e, "cl.make_call_complete(SUCCESS,vc=V1,party=P1)");
	UT_FINI(f.e);
}
BOTH(add_party_complete_on_make_call_party)

/* ======================= §4.7 QoS ======================= */

/* The CM re-activates with the new params before it accepts them
 * (§4.7 client step 2). */
static void
act_reactivate(struct ut_call *c, intptr_t unused)
{
	(void)unused;
	ut_activate(c->vc, c->p);
}

static void
qos_connected(enum ut_role role)
{
	struct fx f;
	struct ut_obj *v;
	struct cm_call_params q1, q2, q3, bad;
	struct cm_vc_info info;

	fx_up(&f, role);
	v = fx_in_call(&f);
	ut_params(&q1, 100, 250000);
	ut_params(&q2, 100, 500000);
	ut_params(&q3, 100, 62500);

	ut_on(f.cm, UT_CM_MODIFY_CALL_QOS, act_reactivate, 0);
	ut_once(f.cm, UT_CM_MODIFY_CALL_QOS);
	UT_ST(ut_modify_qos(v, &q1), CM_SUCCESS); /* R1: no completion */
	UT_EXPECT(f.e, "$.modify_call_qos(vc=V1)", "$_activate_vc(vc=V1)=SUCCESS");
	CU_ASSERT_TRUE(ut_params_equal(&f.cm->last_params, &q1));
	CU_ASSERT_EQUAL(cm_vc_info(f.e->core, (struct cm_vc_h){v->h}, &info), CM_SUCCESS);
	CU_ASSERT_FALSE(info.qos_pending);
	CU_ASSERT_TRUE(info.params != NULL && ut_params_equal(info.params, &q1));

	ut_answer(f.cm, UT_CM_MODIFY_CALL_QOS, CM_PENDING);
	ut_once(f.cm, UT_CM_MODIFY_CALL_QOS);
	UT_ST(ut_modify_qos(v, &q2), CM_PENDING);
	UT_EXPECT(f.e, "$.modify_call_qos(vc=V1)");
	CU_ASSERT_EQUAL(cm_vc_info(f.e->core, (struct cm_vc_h){v->h}, &info), CM_SUCCESS);
	CU_ASSERT_TRUE(info.qos_pending);
	UT_ST(ut_modify_qos(v, &q3), CM_FAILURE); /* one at a time */
	UT_ST(ut_modify_qos_complete(v, CM_PENDING, &q2), CM_FAILURE);
	UT_EXPECT_NOTHING(f.e);
	UT_ST(ut_activate(v, &q2), CM_SUCCESS);
	UT_ST(ut_modify_qos_complete(v, CM_SUCCESS, &q2), CM_SUCCESS);
	UT_EXPECT(f.e, "cl.modify_call_qos_complete(SUCCESS,vc=V1)");
	CU_ASSERT_TRUE(ut_params_equal(&f.cl->last_params, &q2));
	UT_ST(ut_modify_qos_complete(v, CM_SUCCESS, &q2), CM_FAILURE);
	UT_EXPECT_NOTHING(f.e);

	/* refused, at once and later: the old params stand */
	ut_answer(f.cm, UT_CM_MODIFY_CALL_QOS, CM_FAILURE);
	ut_once(f.cm, UT_CM_MODIFY_CALL_QOS);
	UT_ST(ut_modify_qos(v, &q3), CM_FAILURE);
	ut_answer(f.cm, UT_CM_MODIFY_CALL_QOS, CM_PENDING);
	ut_once(f.cm, UT_CM_MODIFY_CALL_QOS);
	UT_ST(ut_modify_qos(v, &q3), CM_PENDING);
	UT_ST(ut_modify_qos_complete(v, CM_INCOMPATIBLE_QOS, &q3), CM_SUCCESS);
	UT_EXPECT(f.e, "$.modify_call_qos(vc=V1)", "$.modify_call_qos(vc=V1)",
		  "cl.modify_call_qos_complete(INCOMPATIBLE_QOS,vc=V1)");
	CU_ASSERT_TRUE(ut_params_equal(&f.cl->last_params, &q2));
	CU_ASSERT_EQUAL(cm_vc_info(f.e->core, (struct cm_vc_h){v->h}, &info), CM_SUCCESS);
	CU_ASSERT_FALSE(info.qos_pending);
	CU_ASSERT_TRUE(info.params != NULL && ut_params_equal(info.params, &q2));

	/* an unenforceable flowspec never reaches the CM */
	bad = q1;
	bad.transmit.token_rate = 0;
	UT_ST(ut_modify_qos(v, &bad), CM_INVALID_DATA);
	bad = q1;
	bad.receive.peak_bandwidth = bad.receive.token_rate / 2;
	UT_ST(ut_modify_qos(v, &bad), CM_INVALID_DATA);
	UT_ST(ut_modify_qos(v, NULL), CM_INVALID_DATA);
	UT_EXPECT_NOTHING(f.e);

	/* remote change: re-activate first, then tell the client */
	UT_ST(ut_activate(v, &q3), CM_SUCCESS);
	UT_ST(ut_qos_change(v, &q3), CM_SUCCESS);
	UT_EXPECT(f.e, "cl.incoming_call_qos_change(vc=V1)");
	CU_ASSERT_TRUE(ut_params_equal(&f.cl->last_params, &q3));
	UT_FINI(f.e);
}
BOTH(qos_connected)

/* §3.1: NdisClModifyCallQoS is valid on an offered call before the
 * client answers it. */
static void
qos_offered(enum ut_role role)
{
	struct fx f;
	struct ut_obj *v;
	struct cm_call_params q;

	fx_up(&f, role);
	v = fx_in_vc(&f);
	UT_ST(ut_modify_qos(v, &f.p), CM_FAILURE); /* no call */
	ut_answer(f.cl, UT_CL_INCOMING_CALL, CM_PENDING);
	ut_once(f.cl, UT_CL_INCOMING_CALL);
	UT_ST(ut_dispatch_incoming_call(f.sap, v, &f.p), CM_PENDING);
	UT_EXPECT(f.e, "cl.incoming_call(sap=S1,vc=V1)");
	ut_params(&q, 100, 250000);
	ut_answer(f.cm, UT_CM_MODIFY_CALL_QOS, CM_PENDING);
	ut_once(f.cm, UT_CM_MODIFY_CALL_QOS);
	UT_ST(ut_modify_qos(v, &q), CM_PENDING);
	UT_ST(ut_modify_qos(v, &q), CM_FAILURE);
	UT_ST(ut_activate(v, &q), CM_SUCCESS);
	UT_ST(ut_modify_qos_complete(v, CM_SUCCESS, &q), CM_SUCCESS);
	UT_EXPECT(f.e, "$.modify_call_qos(vc=V1)", "cl.modify_call_qos_complete(SUCCESS,vc=V1)");
	CU_ASSERT_EQUAL(call_of(&f, v), CM_CALL_OFFERED);
	q.flags |= CM_CALL_PARAMETERS_CHANGED;
	UT_ST(ut_incoming_call_complete(v, CM_SUCCESS, &q), CM_SUCCESS);
	UT_EXPECT(f.e, "$.incoming_call_complete(SUCCESS,vc=V1)");
	CU_ASSERT_TRUE(ut_params_equal(&f.cm->last_params, &q));
	/* accepted, not connected: neither request nor indication */
	UT_ST(ut_modify_qos(v, &q), CM_FAILURE);
	UT_ST(ut_qos_change(v, &q), CM_FAILURE);
	UT_EXPECT_NOTHING(f.e);
	UT_ST(ut_call_connected(v), CM_SUCCESS);
	UT_EXPECT(f.e, "cl.call_connected(vc=V1)");
	UT_FINI(f.e);
}
BOTH(qos_offered)

/* §5.2: an incoming QoS change needs a connected call on an active VC. */
static void
qos_change_rules(enum ut_role role)
{
	struct fx f;
	struct ut_obj *v, *w;

	fx_up(&f, role);
	w = fx_in_vc(&f);
	UT_ST(ut_qos_change(w, &f.p), CM_FAILURE); /* idle */
	ut_answer(f.cl, UT_CL_INCOMING_CALL, CM_PENDING);
	ut_once(f.cl, UT_CL_INCOMING_CALL);
	UT_ST(ut_dispatch_incoming_call(f.sap, w, &f.p), CM_PENDING);
	UT_ST(ut_qos_change(w, &f.p), CM_FAILURE); /* offered */
	UT_ST(ut_qos_change(w, NULL), CM_FAILURE);
	UT_EXPECT(f.e, "cl.incoming_call(sap=S1,vc=V1)");
	v = fx_in_call(&f);
	UT_ST(ut_deactivate(v), CM_PENDING);
	UT_ST(ut_qos_change(v, &f.p), CM_FAILURE); /* deactivating */
	CU_ASSERT_TRUE(ut_mp_complete(f.e, v));
	UT_EXPECT(f.e, "$.deactivate_vc_complete(SUCCESS,vc=V2)");
	UT_ST(ut_qos_change(v, &f.p), CM_FAILURE); /* inactive */
	UT_EXPECT_NOTHING(f.e);
	UT_FINI(f.e);
}
BOTH(qos_change_rules)

/* A refused QoS change keeps the call as it was (§3.5: "restore the old
 * state"), here a multipoint call. The CM activates with media params
 * of its own (§6: it derives them from the call's), which carry no call
 * flags. */
static void
act_activate_own(struct ut_call *c, intptr_t params)
{
	ut_activate(c->vc, (struct cm_call_params *)params);
}

static void
qos_refused_keeps_multipoint(enum ut_role role)
{
	struct fx f;
	struct ut_obj *v, *p1, *p2;
	struct cm_call_params q, echo;

	fx_up(&f, role);
	v = fx_out_vc(&f);
	ut_answer(f.cm, UT_CM_MAKE_CALL, CM_PENDING);
	ut_on(f.cm, UT_CM_MAKE_CALL, act_activate_own, (intptr_t)&f.p);
	ut_once(f.cm, UT_CM_MAKE_CALL);
	UT_ST(ut_make_call(v, &f.p, true, &p1), CM_PENDING);
	echo = f.cm->last_params;
	CU_ASSERT_TRUE(echo.flags & CM_CALL_MULTIPOINT_VC);
	UT_ST(ut_make_call_complete(v, CM_SUCCESS, p1, &echo), CM_SUCCESS);
	UT_EXPECT(f.e, "$.make_call(vc=V1,party=P1)", "$_activate_vc(vc=V1)=SUCCESS",
		  "cl.make_call_complete(SUCCESS,vc=V1,party=P1)");
	q = f.cl->last_params; /* the call's params as the client got them */
	CU_ASSERT_TRUE(q.flags & CM_CALL_MULTIPOINT_VC);
	q.transmit.token_rate *= 2;
	q.transmit.peak_bandwidth *= 2;
	ut_answer(f.cm, UT_CM_MODIFY_CALL_QOS, CM_FAILURE);
	ut_once(f.cm, UT_CM_MODIFY_CALL_QOS);
	UT_ST(ut_modify_qos(v, &q), CM_FAILURE);
	UT_EXPECT(f.e, "$.modify_call_qos(vc=V1)");
	UT_ST(ut_add_party(v, &f.p, &p2), CM_SUCCESS);
	UT_EXPECT(f.e, "$.add_party(vc=V1,party=P2)");
	UT_FINI(f.e);
}
BOTH(qos_refused_keeps_multipoint)

/* The same VC, first for a multipoint call the CM activated with the
 * call's params (flag included), then for a point-to-point one: a
 * refused QoS change must not make the second one multipoint. */
static void
qos_refused_keeps_point_to_point(enum ut_role role)
{
	struct fx f;
	struct ut_obj *v, *p1, *p2;
	struct cm_call_params q;

	fx_up(&f, role);
	v = fx_out_vc(&f);
	cm_pends_make_call(&f); /* activates with the params it is given */
	UT_ST(ut_make_call(v, &f.p, true, &p1), CM_PENDING);
	UT_ST(ut_make_call_complete(v, CM_INCOMPATIBLE_QOS, p1, &f.p), CM_SUCCESS);
	UT_EXPECT(f.e, "$.make_call(vc=V1,party=P1)", "$_activate_vc(vc=V1)=SUCCESS",
		  "cl.make_call_complete(INCOMPATIBLE_QOS,vc=V1)");
	ut_answer(f.cm, UT_CM_MAKE_CALL, CM_SUCCESS);
	ut_once(f.cm, UT_CM_MAKE_CALL);
	UT_ST(ut_make_call(v, &f.p, false, NULL), CM_SUCCESS); /* still active */
	UT_EXPECT(f.e, "$.make_call(vc=V1)");
	q = f.p;
	q.transmit.token_rate *= 2;
	q.transmit.peak_bandwidth *= 2;
	ut_answer(f.cm, UT_CM_MODIFY_CALL_QOS, CM_FAILURE);
	ut_once(f.cm, UT_CM_MODIFY_CALL_QOS);
	UT_ST(ut_modify_qos(v, &q), CM_FAILURE);
	UT_EXPECT(f.e, "$.modify_call_qos(vc=V1)");
	UT_ST(ut_add_party(v, &f.p, &p2), CM_FAILURE);
	UT_EXPECT_NOTHING(f.e);
	UT_FINI(f.e);
}
BOTH(qos_refused_keeps_point_to_point)

/* ======================= §4.8 AF close ======================= */

static void
af_close_by_client(enum ut_role role)
{
	struct fx f;
	struct ut_obj *v, *a2, *bad;

	fx_up(&f, role);
	v = fx_in_vc(&f);
	/* §3.1: only after all calls are closed and all SAPs deregistered */
	UT_ST(ut_close_af(f.af), CM_NOT_ACCEPTED);
	UT_EXPECT_NOTHING(f.e);
	UT_ST(ut_deactivate(v), CM_PENDING);
	CU_ASSERT_TRUE(ut_mp_complete(f.e, v));
	UT_EXPECT(f.e, "$.deactivate_vc_complete(SUCCESS,vc=V1)");
	fx_delete(&f, v);
	UT_ST(ut_close_af(f.af), CM_NOT_ACCEPTED); /* the SAP */
	ut_answer(f.cm, UT_CM_DEREGISTER_SAP, CM_PENDING);
	ut_once(f.cm, UT_CM_DEREGISTER_SAP);
	UT_ST(ut_deregister_sap(f.sap), CM_PENDING);
	UT_ST(ut_close_af(f.af), CM_NOT_ACCEPTED); /* not deregistered yet */
	UT_ST(ut_deregister_sap_complete(f.sap, CM_SUCCESS), CM_SUCCESS);
	UT_EXPECT(f.e, "$.deregister_sap(sap=S1)", "cl.deregister_sap_complete(SUCCESS,sap=S1)");
	UT_ST(ut_close_af(f.af), CM_SUCCESS);
	UT_EXPECT(f.e, "$.close_af(af=A1)"); /* R1: no close_af_complete */
	CU_ASSERT_EQUAL(counts(&f).afs, 0);
	/* AfH is invalid at once */
	UT_ST(ut_close_af(f.af), CM_FAILURE);
	UT_ST(ut_register_sap(f.af, "pe1", &bad), CM_FAILURE);
	UT_ST(ut_create_vc(f.cl, f.af, &bad), CM_FAILURE);
	UT_ST(ut_create_vc(f.cm, f.af, &bad), CM_FAILURE);
	UT_EXPECT_NOTHING(f.e);

	/* pended, refused, pended and failed, pended and done */
	UT_ST(ut_open_af(f.cl, family_of(role), &a2), CM_SUCCESS);
	ut_answer(f.cm, UT_CM_CLOSE_AF, CM_NOT_ACCEPTED);
	ut_once(f.cm, UT_CM_CLOSE_AF);
	UT_ST(ut_close_af(a2), CM_NOT_ACCEPTED);
	UT_EXPECT(f.e, "$.open_af(af=A2)", "$.close_af(af=A2)");
	UT_ST(ut_register_sap(a2, "pe1", &bad), CM_SUCCESS); /* still open */
	UT_ST(ut_deregister_sap(bad), CM_SUCCESS);
	ut_answer(f.cm, UT_CM_CLOSE_AF, CM_PENDING);
	ut_once(f.cm, UT_CM_CLOSE_AF);
	UT_ST(ut_close_af(a2), CM_PENDING);
	/* S2 went to the refused registration on the closed A1 */
	UT_EXPECT(f.e, "$.register_sap(af=A2,sap=S3)", "$.deregister_sap(sap=S3)",
		  "$.close_af(af=A2)");
	UT_ST(ut_close_af(a2), CM_FAILURE);
	UT_ST(ut_register_sap(a2, "pe1", &bad), CM_FAILURE);
	UT_ST(ut_close_af_complete(a2, CM_PENDING), CM_FAILURE);
	UT_EXPECT_NOTHING(f.e);
	UT_ST(ut_close_af_complete(a2, CM_FAILURE), CM_SUCCESS);
	UT_EXPECT(f.e, "cl.close_af_complete(FAILURE,af=A2)");
	UT_ST(ut_close_af_complete(a2, CM_SUCCESS), CM_FAILURE);
	ut_answer(f.cm, UT_CM_CLOSE_AF, CM_PENDING);
	ut_once(f.cm, UT_CM_CLOSE_AF);
	UT_ST(ut_close_af(a2), CM_PENDING);
	UT_ST(ut_close_af_complete(a2, CM_SUCCESS), CM_SUCCESS);
	UT_EXPECT(f.e, "$.close_af(af=A2)", "cl.close_af_complete(SUCCESS,af=A2)");
	UT_ST(ut_close_af_complete(a2, CM_SUCCESS), CM_FAILURE);
	UT_ST(ut_close_af(a2), CM_FAILURE);
	UT_EXPECT_NOTHING(f.e);
	CU_ASSERT_EQUAL(counts(&f).afs, 0);
	UT_FINI(f.e);
}
BOTH(af_close_by_client)

/* CM-initiated (§4.8): the client closes inside notify_close_af. */
static void
af_close_notified(enum ut_role role)
{
	struct fx f;
	struct ut_obj *a2, *a3, *a4, *bad;

	fx_up(&f, role);
	UT_ST(ut_deregister_sap(f.sap), CM_SUCCESS);
	UT_EXPECT(f.e, "$.deregister_sap(sap=S1)");
	ut_on(f.cl, UT_CL_NOTIFY_CLOSE_AF, ut_act_close_af, 0);
	ut_once(f.cl, UT_CL_NOTIFY_CLOSE_AF);
	UT_ST(ut_notify_close_af(f.af), CM_SUCCESS);
	UT_EXPECT(f.e, "cl.notify_close_af(af=A1)", "$.close_af(af=A1)",
		  "cl_close_af(af=A1)=SUCCESS");
	UT_ST(ut_notify_close_af(f.af), CM_FAILURE);
	CU_ASSERT_EQUAL(counts(&f).afs, 0);

	/* the client pends; the notification completes when the AF closes */
	UT_ST(ut_open_af(f.cl, family_of(role), &a2), CM_SUCCESS);
	ut_answer(f.cl, UT_CL_NOTIFY_CLOSE_AF, CM_PENDING);
	ut_once(f.cl, UT_CL_NOTIFY_CLOSE_AF);
	UT_ST(ut_notify_close_af(a2), CM_PENDING);
	UT_EXPECT(f.e, "$.open_af(af=A2)", "cl.notify_close_af(af=A2)");
	UT_ST(ut_notify_close_af(a2), CM_FAILURE);
	UT_ST(ut_register_sap(a2, "pe1", &bad), CM_FAILURE);
	UT_ST(ut_create_vc(f.cm, a2, &bad), CM_FAILURE);
	UT_EXPECT_NOTHING(f.e);
	ut_answer(f.cm, UT_CM_CLOSE_AF, CM_PENDING);
	ut_once(f.cm, UT_CM_CLOSE_AF);
	UT_ST(ut_close_af(a2), CM_PENDING);
	UT_EXPECT(f.e, "$.close_af(af=A2)");
	UT_ST(ut_close_af_complete(a2, CM_SUCCESS), CM_SUCCESS);
	UT_EXPECT(f.e, "$.notify_close_af_complete(af=A2,SUCCESS)",
		  "cl.close_af_complete(SUCCESS,af=A2)");
	UT_ST(ut_notify_close_af_complete(a2, CM_SUCCESS), CM_FAILURE); /* done already */
	UT_EXPECT_NOTHING(f.e);

	/* the same with a synchronous close */
	UT_ST(ut_open_af(f.cl, family_of(role), &a3), CM_SUCCESS);
	ut_answer(f.cl, UT_CL_NOTIFY_CLOSE_AF, CM_PENDING);
	ut_once(f.cl, UT_CL_NOTIFY_CLOSE_AF);
	UT_ST(ut_notify_close_af(a3), CM_PENDING);
	UT_ST(ut_close_af(a3), CM_SUCCESS);
	UT_EXPECT(f.e, "$.open_af(af=A3)", "cl.notify_close_af(af=A3)", "$.close_af(af=A3)",
		  "$.notify_close_af_complete(af=A3,SUCCESS)");

	/* the client pends, then refuses */
	UT_ST(ut_open_af(f.cl, family_of(role), &a4), CM_SUCCESS);
	ut_answer(f.cl, UT_CL_NOTIFY_CLOSE_AF, CM_PENDING);
	ut_once(f.cl, UT_CL_NOTIFY_CLOSE_AF);
	UT_ST(ut_notify_close_af(a4), CM_PENDING);
	UT_ST(ut_notify_close_af_complete(a4, CM_PENDING), CM_FAILURE); /* R4 */
	UT_EXPECT(f.e, "$.open_af(af=A4)", "cl.notify_close_af(af=A4)");
	UT_ST(ut_notify_close_af_complete(a4, CM_NOT_ACCEPTED), CM_SUCCESS);
	UT_EXPECT(f.e, "$.notify_close_af_complete(af=A4,NOT_ACCEPTED)");
	UT_ST(ut_notify_close_af_complete(a4, CM_NOT_ACCEPTED), CM_FAILURE);
	UT_EXPECT_NOTHING(f.e);
	UT_ST(ut_register_sap(a4, "pe1", &bad), CM_SUCCESS); /* open again */
	UT_EXPECT(f.e, "$.register_sap(af=A4,sap=S3)");
	/* refused at once */
	ut_answer(f.cl, UT_CL_NOTIFY_CLOSE_AF, CM_NOT_SUPPORTED);
	ut_once(f.cl, UT_CL_NOTIFY_CLOSE_AF);
	UT_ST(ut_notify_close_af(a4), CM_NOT_SUPPORTED);
	UT_EXPECT(f.e, "cl.notify_close_af(af=A4)");
	UT_ST(ut_register_sap(a4, "pe2", &bad), CM_SUCCESS);
	UT_EXPECT(f.e, "$.register_sap(af=A4,sap=S4)");
	UT_ST(ut_notify_close_af_complete(a4, CM_SUCCESS), CM_FAILURE);
	UT_EXPECT_NOTHING(f.e);
	UT_FINI(f.e);
}
BOTH(af_close_notified)

/* The client closes the AF inside notify_close_af, the CM's close_af
 * answers at once, and the client's notify handler returns PENDING: the
 * CM was told PENDING (R2), so its notify_close_af_complete must come,
 * and the client can no longer send it (the AF handle is gone). */
static void
af_close_notified_pend_after_close(enum ut_role role)
{
	struct fx f;

	fx_up(&f, role);
	UT_ST(ut_deregister_sap(f.sap), CM_SUCCESS);
	UT_EXPECT(f.e, "$.deregister_sap(sap=S1)");
	ut_answer(f.cl, UT_CL_NOTIFY_CLOSE_AF, CM_PENDING);
	ut_on(f.cl, UT_CL_NOTIFY_CLOSE_AF, ut_act_close_af, 0);
	ut_once(f.cl, UT_CL_NOTIFY_CLOSE_AF);
	UT_ST(ut_notify_close_af(f.af), CM_PENDING);
	UT_ST(ut_notify_close_af_complete(f.af, CM_SUCCESS), CM_FAILURE);
	UT_EXPECT(f.e, "cl.notify_close_af(af=A1)", "$.close_af(af=A1)",
		  "cl_close_af(af=A1)=SUCCESS", "$.notify_close_af_complete(af=A1,SUCCESS)");
	UT_FINI(f.e);
}
BOTH(af_close_notified_pend_after_close)

/* ======================= rules: §5.2, §5.3, §8 ======================= */

/* What the core shows of its state, to prove a refusal changed nothing. */
struct digest {
	struct core_counts n;
	struct cm_vc_info vc[16];
	enum cm_status st[16];
	struct cm_call_params params[16];
};

static void
digest(struct ut_env *e, struct digest *d)
{
	struct ut_obj *o;
	unsigned int i = 0;

	memset(d, 0, sizeof(*d));
	core_get_counts(e->core, &d->n);
	for (o = e->objs; o != NULL && i < 16; o = o->next) {
		if (o->kind != UT_VC)
			continue;
		d->st[i] = cm_vc_info(e->core, (struct cm_vc_h){o->h}, &d->vc[i]);
		if (d->st[i] == CM_SUCCESS && d->vc[i].params != NULL)
			d->params[i] = *d->vc[i].params;
		d->vc[i].params = NULL;
		i++;
	}
}

static bool
digest_same(struct ut_env *e, const struct digest *before)
{
	struct digest now;

	digest(e, &now);
	return memcmp(&now, before, sizeof(now)) == 0;
}

/* Everything a CM can be asked for, on objects of the other kind of CM:
 * refused, nothing changes. */
struct two {
	struct ut_env *e;
	struct ut_actor *cl, *cm, *mcm;
	/* per CM (0: cm, 1: mcm) */
	struct ut_obj *af[2], *af_opening[2], *af_closing[2], *sap[2], *sap_reg[2], *sap_dereg[2],
		*in[2], *in_offered[2], *out_pending[2], *closing[2], *mp_call[2], *party[2],
		*party_adding[2], *party_dropping[2], *qos[2];
	struct cm_call_params p;
};

static void
two_up(struct two *t)
{
	unsigned int i;

	memset(t, 0, sizeof(*t));
	t->e = ut_env_new();
	t->cl = ut_actor_new(t->e, UT_CLIENT, "cl");
	t->cm = ut_actor_new(t->e, UT_CM, "cm");
	t->mcm = ut_actor_new(t->e, UT_MCM, "mcm");
	ut_params(&t->p, 5, 125000);
	UT_ST(ut_register_af(t->cm, CM_AF_L2TP), CM_SUCCESS);
	UT_ST(ut_register_af(t->mcm, CM_AF_L2TP_STATIC), CM_SUCCESS);
	for (i = 0; i < 2; i++) {
		struct ut_actor *cm = i == 0 ? t->cm : t->mcm;
		uint16_t fam = i == 0 ? CM_AF_L2TP : CM_AF_L2TP_STATIC;
		struct ut_obj *x;

		UT_ST(ut_open_af(t->cl, fam, &t->af[i]), CM_SUCCESS);
		UT_ST(ut_register_sap(t->af[i], "pe", &t->sap[i]), CM_SUCCESS);
		ut_answer(cm, UT_CM_REGISTER_SAP, CM_PENDING);
		UT_ST(ut_register_sap(t->af[i], "pe", &t->sap_reg[i]), CM_PENDING);
		UT_ST(ut_register_sap(t->af[i], "pe", &t->sap_dereg[i]), CM_PENDING);
		UT_ST(ut_register_sap_complete(t->sap_dereg[i], CM_SUCCESS), CM_SUCCESS);
		ut_answer(cm, UT_CM_REGISTER_SAP, CM_SUCCESS);
		ut_answer(cm, UT_CM_DEREGISTER_SAP, CM_PENDING);
		UT_ST(ut_deregister_sap(t->sap_dereg[i]), CM_PENDING);
		ut_answer(cm, UT_CM_DEREGISTER_SAP, CM_SUCCESS);
		ut_answer(cm, UT_CM_OPEN_AF, CM_PENDING);
		UT_ST(ut_open_af(t->cl, fam, &t->af_opening[i]), CM_PENDING);
		ut_answer(cm, UT_CM_OPEN_AF, CM_SUCCESS);
		UT_ST(ut_open_af(t->cl, fam, &t->af_closing[i]), CM_SUCCESS);
		ut_answer(cm, UT_CM_CLOSE_AF, CM_PENDING);
		UT_ST(ut_close_af(t->af_closing[i]), CM_PENDING);
		ut_answer(cm, UT_CM_CLOSE_AF, CM_SUCCESS);
		/* an active VC, idle */
		UT_ST(ut_create_vc(cm, t->af[i], &t->in[i]), CM_SUCCESS);
		UT_ST(ut_activate(t->in[i], &t->p), CM_SUCCESS);
		/* an offered call, pending the client's answer */
		UT_ST(ut_create_vc(cm, t->af[i], &t->in_offered[i]), CM_SUCCESS);
		UT_ST(ut_activate(t->in_offered[i], &t->p), CM_SUCCESS);
		ut_answer(t->cl, UT_CL_INCOMING_CALL, CM_PENDING);
		UT_ST(ut_dispatch_incoming_call(t->sap[i], t->in_offered[i], &t->p), CM_PENDING);
		ut_answer(t->cl, UT_CL_INCOMING_CALL, CM_SUCCESS);
		/* an outgoing call pending on an active VC */
		UT_ST(ut_create_vc(t->cl, t->af[i], &t->out_pending[i]), CM_SUCCESS);
		UT_ST(ut_activate(t->out_pending[i], &t->p), CM_SUCCESS);
		ut_answer(cm, UT_CM_MAKE_CALL, CM_PENDING);
		UT_ST(ut_make_call(t->out_pending[i], &t->p, false, NULL), CM_PENDING);
		/* a call closing, deactivated */
		UT_ST(ut_create_vc(t->cl, t->af[i], &t->closing[i]), CM_SUCCESS);
		UT_ST(ut_activate(t->closing[i], &t->p), CM_SUCCESS);
		ut_answer(cm, UT_CM_MAKE_CALL, CM_SUCCESS);
		UT_ST(ut_make_call(t->closing[i], &t->p, false, NULL), CM_SUCCESS);
		ut_answer(cm, UT_CM_CLOSE_CALL, CM_PENDING);
		UT_ST(ut_close_call(t->closing[i], NULL, NULL, 0), CM_PENDING);
		ut_answer(cm, UT_CM_CLOSE_CALL, CM_SUCCESS);
		UT_ST(ut_deactivate(t->closing[i]), CM_PENDING);
		CU_ASSERT_TRUE(ut_mp_complete(t->e, t->closing[i]));
		/* a connected multipoint call with a party added, one adding
		 * and one dropping, and a QoS change pending */
		UT_ST(ut_create_vc(t->cl, t->af[i], &t->mp_call[i]), CM_SUCCESS);
		UT_ST(ut_activate(t->mp_call[i], &t->p), CM_SUCCESS);
		UT_ST(ut_make_call(t->mp_call[i], &t->p, true, &t->party[i]), CM_SUCCESS);
		UT_ST(ut_add_party(t->mp_call[i], &t->p, &x), CM_SUCCESS);
		UT_ST(ut_add_party(t->mp_call[i], &t->p, &t->party_dropping[i]), CM_SUCCESS);
		ut_answer(cm, UT_CM_DROP_PARTY, CM_PENDING);
		UT_ST(ut_drop_party(t->party_dropping[i], NULL, 0), CM_PENDING);
		ut_answer(cm, UT_CM_DROP_PARTY, CM_SUCCESS);
		ut_answer(cm, UT_CM_ADD_PARTY, CM_PENDING);
		UT_ST(ut_add_party(t->mp_call[i], &t->p, &t->party_adding[i]), CM_PENDING);
		ut_answer(cm, UT_CM_ADD_PARTY, CM_SUCCESS);
		ut_answer(cm, UT_CM_MODIFY_CALL_QOS, CM_PENDING);
		UT_ST(ut_modify_qos(t->mp_call[i], &t->p), CM_PENDING);
		ut_answer(cm, UT_CM_MODIFY_CALL_QOS, CM_SUCCESS);
		t->qos[i] = t->mp_call[i];
	}
	ut_log_clear(t->e);
}

/* cm_* on MCM objects and mcm_* on CM objects (§3.3, §8). */
static void
wrong_cm_family(void)
{
	struct two t;
	struct digest d;
	unsigned int i;

	two_up(&t);
	digest(t.e, &d);
	for (i = 0; i < 2; i++) {
		struct core *c = t.e->core;
		/* i == 0: mcm_* on the CM's objects; i == 1: cm_* on the MCM's */
		bool m = i == 0;
		struct cm_call_params p = t.p;
		struct cm_vc_h in = {t.in[i]->h}, off = {t.in_offered[i]->h},
			       out = {t.out_pending[i]->h}, clo = {t.closing[i]->h},
			       mpc = {t.mp_call[i]->h};
		struct cm_party_h add = {t.party_adding[i]->h}, drop = {t.party_dropping[i]->h},
				  pty = {t.party[i]->h};
		struct cm_af_h opening = {t.af_opening[i]->h}, closing = {t.af_closing[i]->h},
			       af = {t.af[i]->h};
		struct cm_sap_h reg = {t.sap_reg[i]->h}, dereg = {t.sap_dereg[i]->h},
				sap = {t.sap[i]->h};
		struct cm_vc_h nv;

#define BOTHF(name, ...) (m ? mcm_##name(c, __VA_ARGS__) : cm_##name(c, __VA_ARGS__))
		UT_ST(BOTHF(open_af_complete, CM_SUCCESS, opening, NULL), CM_FAILURE);
		UT_ST(BOTHF(close_af_complete, CM_SUCCESS, closing), CM_FAILURE);
		UT_ST(m ? mcm_notify_close_af(c, af) : cm_notify_close_af(c, af), CM_FAILURE);
		UT_ST(BOTHF(register_sap_complete, CM_SUCCESS, reg, NULL), CM_FAILURE);
		UT_ST(BOTHF(deregister_sap_complete, CM_SUCCESS, dereg), CM_FAILURE);
		UT_ST(BOTHF(activate_vc, in, &p), CM_FAILURE);
		UT_ST(m ? mcm_deactivate_vc(c, in) : cm_deactivate_vc(c, in), CM_FAILURE);
		UT_ST(BOTHF(make_call_complete, CM_SUCCESS, out, (struct cm_party_h){0}, NULL, &p),
		      CM_FAILURE);
		UT_ST(BOTHF(dispatch_incoming_call, sap, in, &p), CM_FAILURE);
		UT_ST(m ? mcm_dispatch_call_connected(c, off) : cm_dispatch_call_connected(c, off),
		      CM_FAILURE);
		UT_ST(BOTHF(dispatch_incoming_close_call, CM_SUCCESS, mpc, NULL, 0), CM_FAILURE);
		UT_ST(BOTHF(close_call_complete, CM_SUCCESS, clo, (struct cm_party_h){0}),
		      CM_FAILURE);
		UT_ST(BOTHF(modify_call_qos_complete, CM_SUCCESS, mpc, &p), CM_FAILURE);
		UT_ST(BOTHF(dispatch_incoming_call_qos_change, mpc, &p), CM_FAILURE);
		UT_ST(BOTHF(add_party_complete, CM_SUCCESS, add, NULL, &p), CM_FAILURE);
		UT_ST(BOTHF(drop_party_complete, CM_SUCCESS, drop), CM_FAILURE);
		UT_ST(BOTHF(dispatch_incoming_drop_party, CM_SUCCESS, pty, NULL, 0), CM_FAILURE);
#undef BOTHF
		/* creation and deletion: the MCM forms only for the MCM */
		if (m) {
			UT_ST(mcm_create_vc(c, t.cm->bind, af, NULL, &nv), CM_FAILURE);
			CU_ASSERT_EQUAL(nv.v, 0);
			UT_ST(mcm_delete_vc(c, in), CM_FAILURE);
		}
	}
	UT_EXPECT_NOTHING(t.e);
	CU_ASSERT_TRUE(digest_same(t.e, &d));
	/* the right family is accepted on the very same objects */
	for (i = 0; i < 2; i++) {
		UT_ST(ut_open_af_complete(t.af_opening[i], CM_SUCCESS), CM_SUCCESS);
		UT_ST(ut_close_af_complete(t.af_closing[i], CM_SUCCESS), CM_SUCCESS);
		UT_ST(ut_register_sap_complete(t.sap_reg[i], CM_SUCCESS), CM_SUCCESS);
		UT_ST(ut_deregister_sap_complete(t.sap_dereg[i], CM_SUCCESS), CM_SUCCESS);
		UT_ST(ut_make_call_complete(t.out_pending[i], CM_SUCCESS, NULL, &t.p), CM_SUCCESS);
		UT_ST(ut_close_call_complete(t.closing[i], CM_SUCCESS, NULL), CM_SUCCESS);
		UT_ST(ut_add_party_complete(t.party_adding[i], CM_SUCCESS, &t.p), CM_SUCCESS);
		UT_ST(ut_drop_party_complete(t.party_dropping[i], CM_SUCCESS), CM_SUCCESS);
		UT_ST(ut_modify_qos_complete(t.qos[i], CM_SUCCESS, &t.p), CM_SUCCESS);
		UT_ST(ut_incoming_call_complete(t.in_offered[i], CM_SUCCESS, NULL), CM_SUCCESS);
		UT_ST(ut_call_connected(t.in_offered[i]), CM_SUCCESS);
		UT_ST(ut_dispatch_incoming_call(t.sap[i], t.in[i], &t.p), CM_SUCCESS);
		UT_ST(ut_deactivate(t.closing[i]), CM_NOT_ACCEPTED);
	}
	UT_FINI(t.e);
}

/* An MCM never calls NdisCo* (§8); a CM never the MCM forms. */
static void
mcm_never_co(void)
{
	struct two t;
	struct digest d;
	struct cm_vc_h nv = {42};
	struct core *c;

	two_up(&t);
	c = t.e->core;
	digest(t.e, &d);
	UT_ST(co_create_vc(c, t.mcm->bind, (struct cm_af_h){t.af[1]->h}, NULL, &nv), CM_FAILURE);
	CU_ASSERT_EQUAL(nv.v, 0);
	UT_ST(co_delete_vc(c, t.mcm->bind, (struct cm_vc_h){t.in[1]->h}), CM_FAILURE);
	UT_ST(ut_deactivate(t.in[1]), CM_PENDING);
	CU_ASSERT_TRUE(ut_mp_complete(t.e, t.in[1]));
	ut_log_clear(t.e);
	digest(t.e, &d);
	UT_ST(co_delete_vc(c, t.mcm->bind, (struct cm_vc_h){t.in[1]->h}), CM_FAILURE);
	UT_ST(mcm_create_vc(c, t.cm->bind, (struct cm_af_h){t.af[0]->h}, NULL, &nv), CM_FAILURE);
	UT_ST(mcm_create_vc(c, t.cm->bind, (struct cm_af_h){t.af[1]->h}, NULL, &nv), CM_FAILURE);
	UT_ST(mcm_create_vc(c, t.cl->bind, (struct cm_af_h){t.af[1]->h}, NULL, &nv), CM_FAILURE);
	UT_ST(co_create_vc(c, t.cm->bind, (struct cm_af_h){t.af[1]->h}, NULL, &nv), CM_FAILURE);
	UT_ST(mcm_create_vc(c, t.mcm->bind, (struct cm_af_h){t.af[0]->h}, NULL, &nv), CM_FAILURE);
	CU_ASSERT_EQUAL(nv.v, 0);
	UT_EXPECT_NOTHING(t.e);
	CU_ASSERT_TRUE(digest_same(t.e, &d));
	CU_ASSERT_EQUAL(t.e->mp.created, t.e->mp.deleted + counts_vcs(t.e));
	UT_ST(ut_delete_vc(t.in[1]), CM_SUCCESS);
	UT_FINI(t.e);
}

static void
only_creator_deletes(enum ut_role role)
{
	struct fx f;
	struct ut_obj *in, *out;
	struct ut_actor *cl2;
	struct ut_obj *a2;
	struct digest d;

	fx_up(&f, role);
	in = fx_in_vc(&f);
	out = fx_out_vc(&f);
	UT_ST(ut_deactivate(in), CM_PENDING);
	CU_ASSERT_TRUE(ut_mp_complete(f.e, in));
	cl2 = ut_actor_new(f.e, UT_CLIENT, "cl2");
	UT_ST(ut_open_af(cl2, family_of(role), &a2), CM_SUCCESS);
	ut_log_clear(f.e);
	digest(f.e, &d);
	UT_ST(co_delete_vc(f.e->core, f.cl->bind, (struct cm_vc_h){in->h}), CM_FAILURE);
	UT_ST(co_delete_vc(f.e->core, cl2->bind, (struct cm_vc_h){in->h}), CM_FAILURE);
	UT_ST(co_delete_vc(f.e->core, cl2->bind, (struct cm_vc_h){out->h}), CM_FAILURE);
	if (role == UT_MCM)
		UT_ST(mcm_delete_vc(f.e->core, (struct cm_vc_h){out->h}), CM_FAILURE);
	else
		UT_ST(co_delete_vc(f.e->core, f.cm->bind, (struct cm_vc_h){out->h}), CM_FAILURE);
	UT_EXPECT_NOTHING(f.e);
	CU_ASSERT_TRUE(digest_same(f.e, &d));
	fx_delete(&f, in);
	fx_delete(&f, out);
	UT_FINI(f.e);
}
BOTH(only_creator_deletes)

/* §3.2 NdisCoDeleteVc: NOT_ACCEPTED while active, CLOSING while the
 * deactivation pends (each time), NOT_ACCEPTED with a call outstanding
 * or when the other side is busy. */
static void
delete_rules(enum ut_role role)
{
	struct fx f;
	struct ut_obj *v, *w;

	fx_up(&f, role);
	v = fx_in_vc(&f);
	UT_ST(ut_delete_vc(v), CM_NOT_ACCEPTED);
	UT_ST(ut_deactivate(v), CM_PENDING);
	UT_ST(ut_delete_vc(v), CM_CLOSING);
	UT_ST(ut_delete_vc(v), CM_CLOSING);
	UT_EXPECT_NOTHING(f.e);
	CU_ASSERT_EQUAL(f.e->mp.deleted, 0);
	CU_ASSERT_TRUE(ut_mp_complete(f.e, v));
	UT_EXPECT(f.e, "$.deactivate_vc_complete(SUCCESS,vc=V1)");
	/* the client still holds its context: busy (§7 NOT_ACCEPTED) */
	ut_answer(f.cl, UT_CL_DELETE_VC, CM_NOT_ACCEPTED);
	ut_once(f.cl, UT_CL_DELETE_VC);
	UT_ST(ut_delete_vc(v), CM_NOT_ACCEPTED);
	UT_EXPECT(f.e, "cl.delete_vc(vc=V1)");
	CU_ASSERT_TRUE(vc_known(&f, v));
	/* R5: never pend it */
	ut_answer(f.cl, UT_CL_DELETE_VC, CM_PENDING);
	ut_once(f.cl, UT_CL_DELETE_VC);
	CU_ASSERT_NOT_EQUAL(ut_delete_vc(v), CM_SUCCESS);
	UT_EXPECT(f.e, "cl.delete_vc(vc=V1)");
	CU_ASSERT_TRUE(vc_known(&f, v));
	fx_delete(&f, v);

	/* a call outstanding on an inactive VC */
	w = fx_out_vc(&f);
	ut_answer(f.cm, UT_CM_MAKE_CALL, CM_PENDING);
	ut_once(f.cm, UT_CM_MAKE_CALL);
	UT_ST(ut_make_call(w, &f.p, false, NULL), CM_PENDING);
	UT_EXPECT(f.e, "$.make_call(vc=V2)");
	UT_ST(ut_delete_vc(w), CM_NOT_ACCEPTED);
	UT_EXPECT_NOTHING(f.e);
	UT_ST(ut_make_call_complete(w, CM_FAILURE, NULL, &f.p), CM_SUCCESS);
	UT_EXPECT(f.e, "cl.make_call_complete(FAILURE,vc=V2)");
	fx_delete(&f, w);
	CU_ASSERT_EQUAL(f.e->mp.deleted, 2);
	UT_FINI(f.e);
}
BOTH(delete_rules)

static void
deactivate_rules(enum ut_role role)
{
	struct fx f;
	struct ut_obj *v;
	struct cm_vc_info info;

	fx_up(&f, role);
	UT_ST(ut_create_vc(f.cm, f.af, &v), CM_SUCCESS);
	UT_EXPECT(f.e, "cl.create_vc(af=A1,vc=V1)");
	UT_ST(ut_deactivate(v), CM_NOT_ACCEPTED);
	UT_ST(ut_activate(v, &f.p), CM_SUCCESS);
	/* deactivation pends for CMs and MCMs alike (cm.h) */
	UT_ST(ut_deactivate(v), CM_PENDING);
	CU_ASSERT_EQUAL(act_of(&f, v), CM_VC_DEACTIVATING);
	UT_ST(ut_deactivate(v), CM_CLOSING);
	UT_ST(ut_activate(v, &f.p), CM_CLOSING);
	UT_EXPECT_NOTHING(f.e);
	CU_ASSERT_EQUAL(f.e->mp.deactivations, 1);
	CU_ASSERT_TRUE(ut_mp_complete(f.e, v));
	UT_EXPECT(f.e, "$.deactivate_vc_complete(SUCCESS,vc=V1)");
	CU_ASSERT_FALSE(ut_mp_complete(f.e, v));
	UT_EXPECT_NOTHING(f.e);
	CU_ASSERT_EQUAL(cm_vc_info(f.e->core, (struct cm_vc_h){v->h}, &info), CM_SUCCESS);
	CU_ASSERT_EQUAL(info.act, CM_VC_INACTIVE);
	CU_ASSERT_PTR_NULL(info.params);
	UT_ST(ut_deactivate(v), CM_NOT_ACCEPTED);
	UT_ST(ut_activate(v, &f.p), CM_SUCCESS); /* VcH stays valid, reusable */
	UT_EXPECT_NOTHING(f.e);
	UT_FINI(f.e);
}
BOTH(deactivate_rules)

/* R4: no completion takes PENDING; the state waits for a real one. */
static void
completions_refuse_pending(enum ut_role role)
{
	struct fx f;
	struct ut_obj *a2, *a3, *s2, *s3, *in, *out, *clo, *mpc, *p1, *padd, *pdrop;
	struct digest d;

	fx_up(&f, role);
	ut_answer(f.cm, UT_CM_OPEN_AF, CM_PENDING);
	ut_once(f.cm, UT_CM_OPEN_AF);
	UT_ST(ut_open_af(f.cl, family_of(role), &a2), CM_PENDING);
	UT_ST(ut_open_af(f.cl, family_of(role), &a3), CM_SUCCESS);
	ut_answer(f.cm, UT_CM_CLOSE_AF, CM_PENDING);
	ut_once(f.cm, UT_CM_CLOSE_AF);
	UT_ST(ut_close_af(a3), CM_PENDING);
	ut_answer(f.cm, UT_CM_REGISTER_SAP, CM_PENDING);
	ut_once(f.cm, UT_CM_REGISTER_SAP);
	UT_ST(ut_register_sap(f.af, "pe2", &s2), CM_PENDING);
	UT_ST(ut_register_sap(f.af, "pe3", &s3), CM_SUCCESS);
	ut_answer(f.cm, UT_CM_DEREGISTER_SAP, CM_PENDING);
	ut_once(f.cm, UT_CM_DEREGISTER_SAP);
	UT_ST(ut_deregister_sap(s3), CM_PENDING);
	ut_log_clear(f.e);
	in = fx_in_vc(&f);
	ut_answer(f.cl, UT_CL_INCOMING_CALL, CM_PENDING);
	ut_once(f.cl, UT_CL_INCOMING_CALL);
	UT_ST(ut_dispatch_incoming_call(f.sap, in, &f.p), CM_PENDING);
	ut_log_clear(f.e);
	out = fx_out_vc(&f);
	ut_answer(f.cm, UT_CM_MAKE_CALL, CM_PENDING);
	ut_once(f.cm, UT_CM_MAKE_CALL);
	UT_ST(ut_make_call(out, &f.p, false, NULL), CM_PENDING);
	ut_log_clear(f.e);
	clo = fx_out_call(&f, false, NULL);
	ut_answer(f.cm, UT_CM_CLOSE_CALL, CM_PENDING);
	ut_once(f.cm, UT_CM_CLOSE_CALL);
	UT_ST(ut_close_call(clo, NULL, NULL, 0), CM_PENDING);
	UT_ST(ut_deactivate(clo), CM_PENDING);
	CU_ASSERT_TRUE(ut_mp_complete(f.e, clo));
	ut_log_clear(f.e);
	mpc = fx_out_call(&f, true, &p1);
	UT_ST(ut_add_party(mpc, &f.p, &pdrop), CM_SUCCESS);
	ut_answer(f.cm, UT_CM_ADD_PARTY, CM_PENDING);
	ut_once(f.cm, UT_CM_ADD_PARTY);
	UT_ST(ut_add_party(mpc, &f.p, &padd), CM_PENDING);
	ut_answer(f.cm, UT_CM_DROP_PARTY, CM_PENDING);
	ut_once(f.cm, UT_CM_DROP_PARTY);
	UT_ST(ut_drop_party(pdrop, NULL, 0), CM_PENDING);
	ut_answer(f.cm, UT_CM_MODIFY_CALL_QOS, CM_PENDING);
	ut_once(f.cm, UT_CM_MODIFY_CALL_QOS);
	UT_ST(ut_modify_qos(mpc, &f.p), CM_PENDING);
	ut_answer(f.cl, UT_CL_NOTIFY_CLOSE_AF, CM_PENDING);
	ut_once(f.cl, UT_CL_NOTIFY_CLOSE_AF);
	UT_ST(ut_notify_close_af(f.af), CM_PENDING);
	ut_log_clear(f.e);

	digest(f.e, &d);
	UT_ST(ut_open_af_complete(a2, CM_PENDING), CM_FAILURE);
	UT_ST(ut_close_af_complete(a3, CM_PENDING), CM_FAILURE);
	UT_ST(ut_register_sap_complete(s2, CM_PENDING), CM_FAILURE);
	UT_ST(ut_deregister_sap_complete(s3, CM_PENDING), CM_FAILURE);
	UT_ST(ut_incoming_call_complete(in, CM_PENDING, NULL), CM_FAILURE);
	UT_ST(ut_make_call_complete(out, CM_PENDING, NULL, &f.p), CM_FAILURE);
	UT_ST(ut_close_call_complete(clo, CM_PENDING, NULL), CM_FAILURE);
	UT_ST(ut_add_party_complete(padd, CM_PENDING, &f.p), CM_FAILURE);
	UT_ST(ut_drop_party_complete(pdrop, CM_PENDING), CM_FAILURE);
	UT_ST(ut_modify_qos_complete(mpc, CM_PENDING, &f.p), CM_FAILURE);
	UT_ST(ut_notify_close_af_complete(f.af, CM_PENDING), CM_FAILURE);
	UT_EXPECT_NOTHING(f.e);
	CU_ASSERT_TRUE(digest_same(f.e, &d));

	/* each with a real status: delivered once; a second is refused */
	UT_ST(ut_open_af_complete(a2, CM_SUCCESS), CM_SUCCESS);
	UT_ST(ut_close_af_complete(a3, CM_SUCCESS), CM_SUCCESS);
	UT_ST(ut_register_sap_complete(s2, CM_SUCCESS), CM_SUCCESS);
	UT_ST(ut_deregister_sap_complete(s3, CM_SUCCESS), CM_SUCCESS);
	UT_ST(ut_incoming_call_complete(in, CM_SUCCESS, NULL), CM_SUCCESS);
	UT_ST(ut_make_call_complete(out, CM_FAILURE, NULL, &f.p), CM_SUCCESS);
	UT_ST(ut_close_call_complete(clo, CM_SUCCESS, NULL), CM_SUCCESS);
	UT_ST(ut_add_party_complete(padd, CM_SUCCESS, &f.p), CM_SUCCESS);
	UT_ST(ut_drop_party_complete(pdrop, CM_SUCCESS), CM_SUCCESS);
	UT_ST(ut_modify_qos_complete(mpc, CM_SUCCESS, &f.p), CM_SUCCESS);
	UT_ST(ut_notify_close_af_complete(f.af, CM_FAILURE), CM_SUCCESS);
	UT_EXPECT(f.e, "cl.open_af_complete(af=A2,SUCCESS)", "cl.close_af_complete(SUCCESS,af=A3)",
		  "cl.register_sap_complete(SUCCESS,sap=S2)",
		  "cl.deregister_sap_complete(SUCCESS,sap=S3)",
		  "$.incoming_call_complete(SUCCESS,vc=V1)", "cl.make_call_complete(FAILURE,vc=V2)",
		  "cl.close_call_complete(SUCCESS,vc=V3)",
		  "cl.add_party_complete(SUCCESS,party=P3)",
		  "cl.drop_party_complete(SUCCESS,party=P2)",
		  "cl.modify_call_qos_complete(SUCCESS,vc=V4)",
		  "$.notify_close_af_complete(af=A1,FAILURE)");
	digest(f.e, &d);
	UT_ST(ut_open_af_complete(a2, CM_SUCCESS), CM_FAILURE);
	UT_ST(ut_close_af_complete(a3, CM_SUCCESS), CM_FAILURE);
	UT_ST(ut_register_sap_complete(s2, CM_SUCCESS), CM_FAILURE);
	UT_ST(ut_deregister_sap_complete(s3, CM_SUCCESS), CM_FAILURE);
	UT_ST(ut_incoming_call_complete(in, CM_SUCCESS, NULL), CM_FAILURE);
	UT_ST(ut_make_call_complete(out, CM_FAILURE, NULL, &f.p), CM_FAILURE);
	UT_ST(ut_close_call_complete(clo, CM_SUCCESS, NULL), CM_FAILURE);
	UT_ST(ut_add_party_complete(padd, CM_SUCCESS, &f.p), CM_FAILURE);
	UT_ST(ut_drop_party_complete(pdrop, CM_SUCCESS), CM_FAILURE);
	UT_ST(ut_modify_qos_complete(mpc, CM_SUCCESS, &f.p), CM_FAILURE);
	UT_ST(ut_notify_close_af_complete(f.af, CM_FAILURE), CM_FAILURE);
	CU_ASSERT_FALSE(ut_mp_complete(f.e, clo));
	UT_EXPECT_NOTHING(f.e);
	CU_ASSERT_TRUE(digest_same(f.e, &d));
	UT_FINI(f.e);
}
BOTH(completions_refuse_pending)

/* Stale handles (after delete, deregister, close, drop, deregistration
 * of a binding), zero handles and handles of the wrong kind: FAILURE,
 * never a dereference (cm.h), and nothing changes. */
static void
stale_handles(enum ut_role role)
{
	struct fx f;
	struct ut_obj *v, *live, *mpc, *p1, *p2, *a2, *s2, *x;
	struct ut_actor *cl2;
	struct digest d;
	struct cm_call_params p;
	struct core *c;
	struct cm_vc_info info;
	struct cm_vc_h nv;
	struct cm_af_h naf;
	struct cm_sap_h nsap;
	struct cm_party_h npt;
	struct cm_af fam = {.family = family_of(role), .major = 1};
	struct cm_bind_h cl2_bind;
	unsigned int k;
	uint64_t stale[5], zero = 0;

	fx_up(&f, role);
	c = f.e->core;
	p = f.p;
	/* stale ones */
	v = fx_in_vc(&f);
	UT_ST(ut_deactivate(v), CM_PENDING);
	CU_ASSERT_TRUE(ut_mp_complete(f.e, v));
	ut_log_clear(f.e);
	fx_delete(&f, v);
	UT_ST(ut_register_sap(f.af, "pe2", &s2), CM_SUCCESS);
	UT_ST(ut_deregister_sap(s2), CM_SUCCESS);
	UT_ST(ut_open_af(f.cl, family_of(role), &a2), CM_SUCCESS);
	UT_ST(ut_close_af(a2), CM_SUCCESS);
	ut_log_clear(f.e);
	mpc = fx_out_call(&f, true, &p1);
	UT_ST(ut_add_party(mpc, &f.p, &p2), CM_SUCCESS);
	UT_ST(ut_drop_party(p2, NULL, 0), CM_SUCCESS);
	cl2 = ut_actor_new(f.e, UT_CLIENT, "cl2");
	cl2_bind = cl2->bind;
	UT_ST(ut_actor_deregister(cl2), CM_SUCCESS);
	ut_log_clear(f.e);
	/* live objects the stale handles might be confused with */
	live = fx_in_call(&f);
	ut_log_clear(f.e);
	digest(f.e, &d);

	stale[0] = v->h;
	stale[1] = s2->h;
	stale[2] = a2->h;
	stale[3] = p2->h;
	stale[4] = zero;
	for (k = 0; k < 5; k++) {
		uint64_t h = stale[k];
		struct cm_vc_h vh = {h};
		struct cm_af_h ah = {h};
		struct cm_sap_h sh = {h};
		struct cm_party_h ph = {h};
		bool m = role == UT_MCM;

		/* VC functions */
		UT_ST(cm_vc_info(c, vh, &info), CM_FAILURE);
		UT_ST(m ? mcm_activate_vc(c, vh, &p) : cm_activate_vc(c, vh, &p), CM_FAILURE);
		UT_ST(m ? mcm_deactivate_vc(c, vh) : cm_deactivate_vc(c, vh), CM_FAILURE);
		UT_ST(m ? mcm_delete_vc(c, vh) : co_delete_vc(c, f.cm->bind, vh), CM_FAILURE);
		UT_ST(co_delete_vc(c, f.cl->bind, vh), CM_FAILURE);
		UT_ST(cl_make_call(c, vh, &p, NULL, NULL), CM_FAILURE);
		UT_ST(m ? mcm_make_call_complete(c, CM_SUCCESS, vh, (struct cm_party_h){0}, NULL,
						 &p)
			: cm_make_call_complete(c, CM_SUCCESS, vh, (struct cm_party_h){0}, NULL,
						&p),
		      CM_FAILURE);
		UT_ST(m ? mcm_dispatch_incoming_call(c, (struct cm_sap_h){f.sap->h}, vh, &p)
			: cm_dispatch_incoming_call(c, (struct cm_sap_h){f.sap->h}, vh, &p),
		      CM_FAILURE);
		UT_ST(cl_incoming_call_complete(c, CM_SUCCESS, vh, &p), CM_FAILURE);
		UT_ST(m ? mcm_dispatch_call_connected(c, vh) : cm_dispatch_call_connected(c, vh),
		      CM_FAILURE);
		UT_ST(cl_close_call(c, vh, (struct cm_party_h){0}, NULL, 0), CM_FAILURE);
		UT_ST(m ? mcm_close_call_complete(c, CM_SUCCESS, vh, (struct cm_party_h){0})
			: cm_close_call_complete(c, CM_SUCCESS, vh, (struct cm_party_h){0}),
		      CM_FAILURE);
		UT_ST(m ? mcm_dispatch_incoming_close_call(c, CM_SUCCESS, vh, NULL, 0)
			: cm_dispatch_incoming_close_call(c, CM_SUCCESS, vh, NULL, 0),
		      CM_FAILURE);
		UT_ST(cl_modify_call_qos(c, vh, &p), CM_FAILURE);
		UT_ST(m ? mcm_modify_call_qos_complete(c, CM_SUCCESS, vh, &p)
			: cm_modify_call_qos_complete(c, CM_SUCCESS, vh, &p),
		      CM_FAILURE);
		UT_ST(m ? mcm_dispatch_incoming_call_qos_change(c, vh, &p)
			: cm_dispatch_incoming_call_qos_change(c, vh, &p),
		      CM_FAILURE);
		UT_ST(cl_add_party(c, vh, NULL, &p, &npt), CM_FAILURE);
		CU_ASSERT_EQUAL(npt.v, 0);
		/* AF functions */
		UT_ST(cl_register_sap(c, ah, NULL, &f.sap->sap, &nsap), CM_FAILURE);
		CU_ASSERT_EQUAL(nsap.v, 0);
		UT_ST(cl_close_af(c, ah), CM_FAILURE);
		UT_ST(m ? mcm_open_af_complete(c, CM_SUCCESS, ah, NULL)
			: cm_open_af_complete(c, CM_SUCCESS, ah, NULL),
		      CM_FAILURE);
		UT_ST(m ? mcm_close_af_complete(c, CM_SUCCESS, ah)
			: cm_close_af_complete(c, CM_SUCCESS, ah),
		      CM_FAILURE);
		UT_ST(m ? mcm_notify_close_af(c, ah) : cm_notify_close_af(c, ah), CM_FAILURE);
		UT_ST(cl_notify_close_af_complete(c, ah, CM_SUCCESS), CM_FAILURE);
		UT_ST(co_create_vc(c, f.cl->bind, ah, NULL, &nv), CM_FAILURE);
		CU_ASSERT_EQUAL(nv.v, 0);
		UT_ST(m ? mcm_create_vc(c, f.cm->bind, ah, NULL, &nv)
			: co_create_vc(c, f.cm->bind, ah, NULL, &nv),
		      CM_FAILURE);
		/* SAP functions */
		UT_ST(cl_deregister_sap(c, sh), CM_FAILURE);
		UT_ST(m ? mcm_register_sap_complete(c, CM_SUCCESS, sh, NULL)
			: cm_register_sap_complete(c, CM_SUCCESS, sh, NULL),
		      CM_FAILURE);
		UT_ST(m ? mcm_deregister_sap_complete(c, CM_SUCCESS, sh)
			: cm_deregister_sap_complete(c, CM_SUCCESS, sh),
		      CM_FAILURE);
		CU_ASSERT_NOT_EQUAL(
			m ? mcm_dispatch_incoming_call(c, sh, (struct cm_vc_h){live->h}, &p)
			  : cm_dispatch_incoming_call(c, sh, (struct cm_vc_h){live->h}, &p),
			CM_SUCCESS);
		/* party functions */
		UT_ST(cl_drop_party(c, ph, NULL, 0), CM_FAILURE);
		UT_ST(m ? mcm_add_party_complete(c, CM_SUCCESS, ph, NULL, &p)
			: cm_add_party_complete(c, CM_SUCCESS, ph, NULL, &p),
		      CM_FAILURE);
		UT_ST(m ? mcm_drop_party_complete(c, CM_SUCCESS, ph)
			: cm_drop_party_complete(c, CM_SUCCESS, ph),
		      CM_FAILURE);
		UT_ST(m ? mcm_dispatch_incoming_drop_party(c, CM_SUCCESS, ph, NULL, 0)
			: cm_dispatch_incoming_drop_party(c, CM_SUCCESS, ph, NULL, 0),
		      CM_FAILURE);
		if (h != 0) /* 0 is "no party", not a stale one */
			UT_ST(cl_close_call(c, (struct cm_vc_h){mpc->h}, ph, NULL, 0), CM_FAILURE);
	}
	/* the very slot of a stale handle, taken by a new object of the
	 * same kind: only the generation tells them apart */
	{
		struct ut_obj *y, *pa, *pb;

		UT_ST(ut_deactivate(x = fx_in_vc(&f)), CM_PENDING);
		CU_ASSERT_TRUE(ut_mp_complete(f.e, x));
		UT_ST(ut_delete_vc(x), CM_SUCCESS);
		UT_ST(ut_create_vc(f.cm, f.af, &y), CM_SUCCESS);
		CU_ASSERT_EQUAL((uint32_t)y->h, (uint32_t)x->h); /* the test means it */
		UT_ST(cm_vc_info(c, (struct cm_vc_h){x->h}, &info), CM_FAILURE);
		UT_ST(ut_activate(x, &p), CM_FAILURE);
		UT_ST(ut_delete_vc(x), CM_FAILURE);
		CU_ASSERT_EQUAL(act_of(&f, y), CM_VC_INACTIVE);
		UT_ST(ut_add_party(mpc, &f.p, &pa), CM_SUCCESS);
		UT_ST(ut_drop_party(pa, NULL, 0), CM_SUCCESS);
		UT_ST(ut_add_party(mpc, &f.p, &pb), CM_SUCCESS);
		CU_ASSERT_EQUAL((uint32_t)pa->h, (uint32_t)pb->h);
		UT_ST(ut_drop_party(pa, NULL, 0), CM_FAILURE);
		UT_ST(ut_drop_party(pb, NULL, 0), CM_SUCCESS);
		ut_log_clear(f.e);
	}
	/* a stale SAP on an idle active VC: a stale handle like any other
	 * (cm.h), FAILURE */
	x = fx_in_vc(&f);
	ut_log_clear(f.e);
	digest(f.e, &d);
	UT_ST(ut_dispatch_incoming_call(s2, x, &p), CM_FAILURE);
	UT_ST(role == UT_MCM ? mcm_dispatch_incoming_call(c, (struct cm_sap_h){0},
							  (struct cm_vc_h){x->h}, &p)
			     : cm_dispatch_incoming_call(c, (struct cm_sap_h){0},
							 (struct cm_vc_h){x->h}, &p),
	      CM_FAILURE);
	/* a stale binding */
	UT_ST(cl_open_af(c, cl2_bind, &fam, NULL, &naf), CM_FAILURE);
	CU_ASSERT_EQUAL(naf.v, 0);
	UT_ST(co_create_vc(c, cl2_bind, (struct cm_af_h){f.af->h}, NULL, &nv), CM_FAILURE);
	UT_ST(core_deregister(c, cl2_bind), CM_FAILURE);
	UT_ST(cm_register_af(c, cl2_bind, &fam), CM_FAILURE);
	UT_ST(core_deregister(c, (struct cm_bind_h){0}), CM_FAILURE);
	UT_EXPECT_NOTHING(f.e);
	CU_ASSERT_TRUE(digest_same(f.e, &d));
	UT_FINI(f.e);
}
BOTH(stale_handles)

/* Every live handle passed where another kind is expected. */
static void
wrong_kind_handles(enum ut_role role)
{
	struct fx f;
	struct ut_obj *v, *mpc, *p1;
	struct digest d;
	struct core *c;
	struct cm_call_params p;
	struct cm_vc_info info;
	struct cm_vc_h nv;
	struct cm_sap_h nsap;
	struct cm_party_h npt;
	struct cm_af fam = {.family = family_of(role), .major = 1};
	struct cm_af_h naf;
	uint64_t hs[5];
	unsigned int k;
	bool m = role == UT_MCM;

	fx_up(&f, role);
	c = f.e->core;
	p = f.p;
	v = fx_in_call(&f);
	mpc = fx_out_call(&f, true, &p1);
	ut_log_clear(f.e);
	digest(f.e, &d);
	hs[0] = f.af->h;
	hs[1] = f.sap->h;
	hs[2] = v->h;
	hs[3] = p1->h;
	hs[4] = f.cl->bind.v;
	for (k = 0; k < 5; k++) {
		uint64_t h = hs[k];

		if (k != 2) {
			struct cm_vc_h vh = {h};

			UT_ST(cm_vc_info(c, vh, &info), CM_FAILURE);
			UT_ST(cl_close_call(c, vh, (struct cm_party_h){0}, NULL, 0), CM_FAILURE);
			UT_ST(cl_modify_call_qos(c, vh, &p), CM_FAILURE);
			UT_ST(cl_add_party(c, vh, NULL, &p, &npt), CM_FAILURE);
			UT_ST(m ? mcm_deactivate_vc(c, vh) : cm_deactivate_vc(c, vh), CM_FAILURE);
			UT_ST(m ? mcm_dispatch_incoming_close_call(c, CM_SUCCESS, vh, NULL, 0)
				: cm_dispatch_incoming_close_call(c, CM_SUCCESS, vh, NULL, 0),
			      CM_FAILURE);
			UT_ST(co_delete_vc(c, f.cl->bind, vh), CM_FAILURE);
		}
		if (k != 0) {
			struct cm_af_h ah = {h};

			UT_ST(cl_register_sap(c, ah, NULL, &f.sap->sap, &nsap), CM_FAILURE);
			UT_ST(cl_close_af(c, ah), CM_FAILURE);
			UT_ST(co_create_vc(c, f.cl->bind, ah, NULL, &nv), CM_FAILURE);
			UT_ST(m ? mcm_notify_close_af(c, ah) : cm_notify_close_af(c, ah),
			      CM_FAILURE);
		}
		if (k != 1)
			UT_ST(cl_deregister_sap(c, (struct cm_sap_h){h}), CM_FAILURE);
		if (k != 3) {
			UT_ST(cl_drop_party(c, (struct cm_party_h){h}, NULL, 0), CM_FAILURE);
			UT_ST(m ? mcm_dispatch_incoming_drop_party(c, CM_SUCCESS,
								   (struct cm_party_h){h}, NULL, 0)
				: cm_dispatch_incoming_drop_party(c, CM_SUCCESS,
								  (struct cm_party_h){h}, NULL, 0),
			      CM_FAILURE);
		}
		if (k != 4) {
			UT_ST(cl_open_af(c, (struct cm_bind_h){h}, &fam, NULL, &naf), CM_FAILURE);
			UT_ST(co_create_vc(c, (struct cm_bind_h){h}, (struct cm_af_h){f.af->h},
					   NULL, &nv),
			      CM_FAILURE);
		}
	}
	/* a client binding is no CM; a party of another call is foreign */
	UT_ST(co_delete_vc(c, f.cl->bind, (struct cm_vc_h){v->h}), CM_FAILURE);
	UT_ST(cl_close_call(c, (struct cm_vc_h){v->h}, (struct cm_party_h){p1->h}, NULL, 0),
	      CM_FAILURE);
	UT_ST(m ? mcm_close_call_complete(c, CM_SUCCESS, (struct cm_vc_h){mpc->h},
					  (struct cm_party_h){p1->h})
		: cm_close_call_complete(c, CM_SUCCESS, (struct cm_vc_h){mpc->h},
					 (struct cm_party_h){p1->h}),
	      CM_FAILURE);
	UT_EXPECT_NOTHING(f.e);
	CU_ASSERT_TRUE(digest_same(f.e, &d));
	UT_FINI(f.e);
}
BOTH(wrong_kind_handles)

/* §3.4, §3.5: every member must be set. */
#define CL_MEMBERS(X)               \
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
#define CM_MEMBERS(X)               \
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

static void
null_handlers(void)
{
	struct ut_env *e = ut_env_new();
	struct cl_handlers clh;
	struct cm_handlers cmh;
	struct cm_bind_h b;
	struct core_counts n;
	unsigned int members = 0;

#define TRY_CL(m)                                                     \
	clh = *ut_cl_handlers();                                      \
	clh.m = NULL;                                                 \
	b.v = 1;                                                      \
	UT_ST(cl_register(e->core, &clh, NULL, &b), CM_INVALID_DATA); \
	CU_ASSERT_EQUAL(b.v, 0);                                      \
	members++;
#define TRY_CM(m)                                                      \
	cmh = *ut_cm_handlers();                                       \
	cmh.m = NULL;                                                  \
	b.v = 1;                                                       \
	UT_ST(cm_register(e->core, &cmh, NULL, &b), CM_INVALID_DATA);  \
	CU_ASSERT_EQUAL(b.v, 0);                                       \
	b.v = 1;                                                       \
	UT_ST(mcm_register(e->core, &cmh, NULL, &b), CM_INVALID_DATA); \
	CU_ASSERT_EQUAL(b.v, 0);                                       \
	members++;
	CL_MEMBERS(TRY_CL)
	CM_MEMBERS(TRY_CM)
#undef TRY_CL
#undef TRY_CM
	/* the lists above cover the whole tables */
	CU_ASSERT_EQUAL(sizeof(struct cl_handlers), 18 * sizeof(void (*)(void)));
	CU_ASSERT_EQUAL(sizeof(struct cm_handlers), 16 * sizeof(void (*)(void)));
	CU_ASSERT_EQUAL(members, 34);
	UT_ST(cl_register(e->core, NULL, NULL, &b), CM_INVALID_DATA);
	UT_ST(cm_register(e->core, NULL, NULL, &b), CM_INVALID_DATA);
	UT_ST(mcm_register(e->core, NULL, NULL, &b), CM_INVALID_DATA);
	core_get_counts(e->core, &n);
	CU_ASSERT_EQUAL(n.bindings, 0);
	UT_EXPECT_NOTHING(e);
	UT_FINI(e);
}

/* R5: a create_vc handler that pends fails the creation, and the
 * miniport VC goes with it; so does any other refusal. */
static void
create_vc_refused(enum ut_role role)
{
	struct fx f;
	struct ut_obj *v;

	fx_up(&f, role);
	ut_answer(f.cl, UT_CL_CREATE_VC, CM_PENDING);
	ut_once(f.cl, UT_CL_CREATE_VC);
	UT_ST(ut_create_vc(f.cm, f.af, &v), CM_FAILURE);
	UT_EXPECT(f.e, "cl.create_vc(af=A1,vc=V1)");
	CU_ASSERT_EQUAL(f.e->mp.created, 1);
	CU_ASSERT_EQUAL(f.e->mp.deleted, 1);
	ut_answer(f.cm, UT_CM_CREATE_VC, CM_PENDING);
	ut_once(f.cm, UT_CM_CREATE_VC);
	UT_ST(ut_create_vc(f.cl, f.af, &v), CM_FAILURE);
	UT_EXPECT(f.e, "$.create_vc(af=A1,vc=V2)");
	ut_answer(f.cm, UT_CM_CREATE_VC, CM_RESOURCES);
	ut_once(f.cm, UT_CM_CREATE_VC);
	UT_ST(ut_create_vc(f.cl, f.af, &v), CM_RESOURCES);
	UT_EXPECT(f.e, "$.create_vc(af=A1,vc=V3)");
	CU_ASSERT_EQUAL(f.e->mp.created, 3);
	CU_ASSERT_EQUAL(f.e->mp.deleted, 3);
	/* the miniport is out of VCs: nobody hears of it */
	f.e->mp.create_rc = -12; /* ENOMEM */
	UT_ST(ut_create_vc(f.cl, f.af, &v), CM_RESOURCES);
	f.e->mp.create_rc = -28; /* ENOSPC */
	UT_ST(ut_create_vc(f.cm, f.af, &v), CM_RESOURCES);
	UT_EXPECT_NOTHING(f.e);
	CU_ASSERT_EQUAL(counts(&f).vcs, 0);
	CU_ASSERT_EQUAL(f.e->mp.created, 3);
	UT_FINI(f.e);
}
BOTH(create_vc_refused)

/* Miniport errors map to NDIS statuses; a failed re-activation leaves
 * the old params working (§5.4). */
static void
activation_errors(enum ut_role role)
{
	static const struct {
		int rc;
		enum cm_status st;
	} map[] = {
		{-22, CM_INVALID_DATA},		    /* EINVAL */
		{-17, CM_VC_NOT_AVAILABLE},	    /* EEXIST */
		{-28, CM_RESOURCES},		    /* ENOSPC */
		{-12, CM_RESOURCES},		    /* ENOMEM */
		{-101, CM_NO_ROUTE_TO_DESTINATION}, /* ENETUNREACH */
	};
	struct fx f;
	struct ut_obj *v;
	struct cm_call_params q, bad;
	struct cm_vc_info info;
	unsigned int i;

	fx_up(&f, role);
	UT_ST(ut_create_vc(f.cm, f.af, &v), CM_SUCCESS);
	UT_EXPECT(f.e, "cl.create_vc(af=A1,vc=V1)");
	for (i = 0; i < sizeof(map) / sizeof(map[0]); i++) {
		f.e->mp.activate_rc = map[i].rc;
		UT_ST(ut_activate(v, &f.p), map[i].st);
		CU_ASSERT_EQUAL(act_of(&f, v), CM_VC_INACTIVE);
	}
	bad = f.p;
	bad.transmit.token_rate = 0;
	UT_ST(ut_activate(v, &bad), CM_INVALID_DATA);
	UT_ST(ut_activate(v, NULL), CM_INVALID_DATA);
	CU_ASSERT_EQUAL(f.e->mp.activations, 0);
	UT_ST(ut_activate(v, &f.p), CM_SUCCESS);
	ut_params(&q, 100, 999000);
	for (i = 0; i < sizeof(map) / sizeof(map[0]); i++) {
		f.e->mp.activate_rc = map[i].rc;
		UT_ST(ut_activate(v, &q), map[i].st);
		CU_ASSERT_EQUAL(cm_vc_info(f.e->core, (struct cm_vc_h){v->h}, &info), CM_SUCCESS);
		CU_ASSERT_EQUAL(info.act, CM_VC_ACTIVE);
		CU_ASSERT_TRUE(info.params != NULL && ut_params_equal(info.params, &f.p));
	}
	UT_ST(ut_activate(v, &bad), CM_INVALID_DATA);
	CU_ASSERT_EQUAL(cm_vc_info(f.e->core, (struct cm_vc_h){v->h}, &info), CM_SUCCESS);
	CU_ASSERT_TRUE(info.params != NULL && ut_params_equal(info.params, &f.p));
	UT_ST(ut_activate(v, &q), CM_SUCCESS);
	CU_ASSERT_EQUAL(cm_vc_info(f.e->core, (struct cm_vc_h){v->h}, &info), CM_SUCCESS);
	CU_ASSERT_TRUE(info.params != NULL && ut_params_equal(info.params, &q));
	CU_ASSERT_EQUAL(f.e->mp.activations, 2);
	UT_EXPECT_NOTHING(f.e); /* synchronous: no activate_vc_complete */
	UT_FINI(f.e);
}
BOTH(activation_errors)

/* The call connects only on an active VC, as an outgoing one does
 * (§5.2 MakeCallComplete; §5.4: activation before the client accepts):
 * a VC the CM deactivated after the client accepted cannot connect. */
static void
connect_needs_active_vc(enum ut_role role)
{
	struct fx f;
	struct ut_obj *v;

	fx_up(&f, role);
	v = fx_in_vc(&f);
	UT_ST(ut_dispatch_incoming_call(f.sap, v, &f.p), CM_SUCCESS);
	UT_EXPECT(f.e, "cl.incoming_call(sap=S1,vc=V1)");
	if (ut_deactivate(v) == CM_PENDING) {
		CU_ASSERT_TRUE(ut_mp_complete(f.e, v));
		UT_EXPECT(f.e, "$.deactivate_vc_complete(SUCCESS,vc=V1)");
		CU_ASSERT_NOT_EQUAL(ut_call_connected(v), CM_SUCCESS);
		UT_EXPECT_NOTHING(f.e);
		CU_ASSERT_NOT_EQUAL(call_of(&f, v), CM_CALL_CONNECTED);
	}
	UT_FINI(f.e);
}
BOTH(connect_needs_active_vc)

/* A refused make_call_complete changes nothing: not even the call's
 * params the client gets with the real completion. */
static void
refused_completion_changes_nothing(enum ut_role role)
{
	struct fx f;
	struct ut_obj *v, *w, *pw;
	struct cm_call_params req, other;

	fx_up(&f, role);
	v = fx_out_vc(&f);
	w = fx_out_vc(&f);
	ut_params(&req, 7, 250000);
	ut_params(&other, 8, 777000);
	cm_pends_make_call(&f);
	UT_ST(ut_make_call(v, &req, false, NULL), CM_PENDING);
	cm_pends_make_call(&f);
	UT_ST(ut_make_call(w, &req, true, &pw), CM_PENDING);
	ut_log_clear(f.e);
	/* another call's party */
	UT_ST(ut_make_call_complete(v, CM_SUCCESS, pw, &other), CM_FAILURE);
	UT_EXPECT_NOTHING(f.e);
	UT_ST(ut_make_call_complete(v, CM_SUCCESS, NULL, NULL), CM_SUCCESS);
	UT_EXPECT(f.e, "cl.make_call_complete(SUCCESS,vc=V1)");
	CU_ASSERT_TRUE(f.cl->last_params_set && ut_params_equal(&f.cl->last_params, &req));
	UT_FINI(f.e);
}
BOTH(refused_completion_changes_nothing)

/* §8: NdisClCloseCall runs inside MakeCallComplete (§4.2 step 5: the
 * client does not want the changed params) and ModifyCallQoSComplete
 * (§3.4: renegotiate or close). */
static void
nested_closes(enum ut_role role)
{
	struct fx f;
	struct ut_obj *v, *w;
	struct cm_call_params changed;

	fx_up(&f, role);
	v = fx_out_vc(&f);
	cm_pends_make_call(&f);
	UT_ST(ut_make_call(v, &f.p, false, NULL), CM_PENDING);
	UT_EXPECT(f.e, "$.make_call(vc=V1)", "$_activate_vc(vc=V1)=SUCCESS");
	changed = f.p;
	changed.flags |= CM_CALL_PARAMETERS_CHANGED;
	ut_on(f.cl, UT_CL_MAKE_CALL_COMPLETE, ut_act_close_call, 0);
	ut_once(f.cl, UT_CL_MAKE_CALL_COMPLETE);
	cm_closes_like_the_model(&f);
	UT_ST(ut_make_call_complete(v, CM_SUCCESS, NULL, &changed), CM_SUCCESS);
	UT_EXPECT(f.e, "cl.make_call_complete(SUCCESS,vc=V1)", "$.close_call(vc=V1)",
		  "$_deactivate_vc(vc=V1)=PENDING", "cl_close_call(vc=V1)=PENDING");
	CU_ASSERT_TRUE(f.cl->last_params.flags & CM_CALL_PARAMETERS_CHANGED);
	cm_completes_close_on_deactivation(&f);
	CU_ASSERT_TRUE(ut_mp_complete(f.e, v));
	UT_EXPECT(f.e, "$.deactivate_vc_complete(SUCCESS,vc=V1)",
		  "cl.close_call_complete(SUCCESS,vc=V1)",
		  "$_close_call_complete(SUCCESS,vc=V1)=SUCCESS");
	fx_delete(&f, v);

	w = fx_in_call(&f);
	ut_answer(f.cm, UT_CM_MODIFY_CALL_QOS, CM_PENDING);
	ut_once(f.cm, UT_CM_MODIFY_CALL_QOS);
	UT_ST(ut_modify_qos(w, &f.p), CM_PENDING);
	ut_on(f.cl, UT_CL_MODIFY_CALL_QOS_COMPLETE, ut_act_close_call, 0);
	ut_once(f.cl, UT_CL_MODIFY_CALL_QOS_COMPLETE);
	cm_closes_like_the_model(&f);
	UT_ST(ut_modify_qos_complete(w, CM_INCOMPATIBLE_QOS, NULL), CM_SUCCESS);
	UT_EXPECT(f.e, "$.modify_call_qos(vc=V2)",
		  "cl.modify_call_qos_complete(INCOMPATIBLE_QOS,vc=V2)", "$.close_call(vc=V2)",
		  "$_deactivate_vc(vc=V2)=PENDING", "cl_close_call(vc=V2)=PENDING");
	/* and inside an incoming QoS change */
	v = fx_in_call(&f);
	ut_on(f.cl, UT_CL_INCOMING_CALL_QOS_CHANGE, ut_act_close_call, 0);
	ut_once(f.cl, UT_CL_INCOMING_CALL_QOS_CHANGE);
	cm_closes_like_the_model(&f);
	UT_ST(ut_qos_change(v, &f.p), CM_SUCCESS);
	UT_EXPECT(f.e, "cl.incoming_call_qos_change(vc=V3)", "$.close_call(vc=V3)",
		  "$_deactivate_vc(vc=V3)=PENDING", "cl_close_call(vc=V3)=PENDING");
	UT_FINI(f.e);
}
BOTH(nested_closes)

/* A miniport that deactivates at once: deactivation is complete when it
 * returns (R1), no deactivate_vc_complete; one that fails keeps the VC
 * active. */
static void
sync_miniport_deactivation(enum ut_role role)
{
	struct fx f;
	struct ut_obj *v;

	fx_up(&f, role);
	v = fx_in_vc(&f);
	f.e->mp.deactivate_rc = -16; /* EBUSY */
	CU_ASSERT_NOT_EQUAL(ut_deactivate(v), CM_SUCCESS);
	CU_ASSERT_NOT_EQUAL(ut_deactivate(v), CM_PENDING);
	CU_ASSERT_EQUAL(act_of(&f, v), CM_VC_ACTIVE);
	f.e->mp.deactivate_rc = 0;
	UT_ST(ut_deactivate(v), CM_SUCCESS);
	UT_EXPECT_NOTHING(f.e);
	CU_ASSERT_EQUAL(act_of(&f, v), CM_VC_INACTIVE);
	fx_delete(&f, v);
	UT_FINI(f.e);
}
BOTH(sync_miniport_deactivation)

/* The other side's create_vc and delete_vc handlers may call back in
 * (§8, §10 re-entrancy). Whatever they do, the miniport never deletes a
 * VC that is active: the core re-checks after the handler. */
static void
act_activate_vc(struct ut_call *c, intptr_t params)
{
	ut_activate(c->vc, (struct cm_call_params *)params);
}

static void
nested_activation_in_vc_handlers(enum ut_role role)
{
	struct fx f;
	struct ut_obj *v;
	enum cm_status st;
	unsigned int errors;

	fx_up(&f, role);
	v = fx_out_vc(&f);
	/* the CM activates the VC the client is deleting */
	ut_on(f.cm, UT_CM_DELETE_VC, act_activate_vc, (intptr_t)&f.p);
	ut_once(f.cm, UT_CM_DELETE_VC);
	errors = f.e->errors;
	st = ut_delete_vc(v);
	CU_ASSERT_EQUAL(f.e->errors, errors); /* the miniport saw no active delete */
	if (st != CM_SUCCESS)
		CU_ASSERT_TRUE(vc_known(&f, v));
	ut_log_clear(f.e);
	/* the CM activates the VC it is told of, then refuses it */
	ut_answer(f.cm, UT_CM_CREATE_VC, CM_RESOURCES);
	ut_on(f.cm, UT_CM_CREATE_VC, act_activate_vc, (intptr_t)&f.p);
	ut_once(f.cm, UT_CM_CREATE_VC);
	errors = f.e->errors;
	UT_ST(ut_create_vc(f.cl, f.af, &v), CM_RESOURCES);
	CU_ASSERT_EQUAL(f.e->errors, errors);
	ut_log_clear(f.e);
	f.e->errors = 0; /* reported above; let the teardown check the rest */
	UT_FINI(f.e);
}
BOTH(nested_activation_in_vc_handlers)

/* Bindings go only once nothing they own remains. */
static void
deregistration(enum ut_role role)
{
	struct fx f;
	struct ut_actor *cm2;
	struct cm_bind_h stale;

	fx_up(&f, role);
	UT_ST(ut_actor_deregister(f.cl), CM_NOT_ACCEPTED);
	UT_ST(ut_actor_deregister(f.cm), CM_NOT_ACCEPTED);
	UT_ST(ut_deregister_sap(f.sap), CM_SUCCESS);
	UT_ST(ut_close_af(f.af), CM_SUCCESS);
	UT_EXPECT(f.e, "$.deregister_sap(sap=S1)", "$.close_af(af=A1)");
	stale = f.cm->bind;
	UT_ST(ut_actor_deregister(f.cm), CM_SUCCESS);
	UT_ST(core_deregister(f.e->core, stale), CM_FAILURE);
	/* the AF type went with it: another CM may take it */
	UT_ST(ut_open_af(f.cl, family_of(role), NULL), CM_FAILURE);
	cm2 = ut_actor_new(f.e, role, "cm2");
	UT_ST(ut_register_af(cm2, family_of(role)), CM_SUCCESS);
	UT_EXPECT(f.e, notify_event(role));
	UT_ST(ut_open_af(f.cl, family_of(role), NULL), CM_SUCCESS);
	UT_EXPECT(f.e, "cm2.open_af(af=A3)");
	CU_ASSERT_EQUAL(counts(&f).bindings, 2);
	UT_FINI(f.e);
}
BOTH(deregistration)

/* ======================= registration ======================= */

static CU_TestInfo tests[] = {
	{"bring-up, sync (CM)", bringup_sync_cm},
	{"bring-up, sync (MCM)", bringup_sync_mcm},
	{"bring-up, pending (CM)", bringup_pending_cm},
	{"bring-up, pending (MCM)", bringup_pending_mcm},
	{"open AF refused (CM)", open_af_refused_cm},
	{"open AF refused (MCM)", open_af_refused_mcm},
	{"SAP refused (CM)", sap_refused_cm},
	{"SAP refused (MCM)", sap_refused_mcm},
	{"SAP deregistration (CM)", sap_deregister_cm},
	{"SAP deregistration (MCM)", sap_deregister_mcm},
	{"late client hears the AF (CM)", late_client_cm},
	{"late client hears the AF (MCM)", late_client_mcm},
	{"one CM per AF type (CM)", second_cm_cm},
	{"one CM per AF type (MCM)", second_cm_mcm},
	{"incoming: accept, connect (CM)", incoming_accept_cm},
	{"incoming: accept, connect (MCM)", incoming_accept_mcm},
	{"incoming: pended accept (CM)", incoming_pending_cm},
	{"incoming: pended accept (MCM)", incoming_pending_mcm},
	{"incoming R-a: reject, reuse (CM)", incoming_reject_cm},
	{"incoming R-a: reject, reuse (MCM)", incoming_reject_mcm},
	{"incoming R-b: changed params refused (CM)", incoming_changed_params_refused_cm},
	{"incoming R-b: changed params refused (MCM)", incoming_changed_params_refused_mcm},
	{"incoming R-b: changed at once (CM)", incoming_changed_params_sync_cm},
	{"incoming R-b: changed at once (MCM)", incoming_changed_params_sync_mcm},
	{"incoming R-c: torn down before connect (CM)", incoming_torn_down_before_connect_cm},
	{"incoming R-c: torn down before connect (MCM)", incoming_torn_down_before_connect_mcm},
	{"incoming: dispatch rules (CM)", incoming_dispatch_rules_cm},
	{"incoming: dispatch rules (MCM)", incoming_dispatch_rules_mcm},
	{"outgoing: pended (CM)", outgoing_pending_cm},
	{"outgoing: pended (MCM)", outgoing_pending_mcm},
	{"outgoing: synchronous (CM)", outgoing_sync_cm},
	{"outgoing: synchronous (MCM)", outgoing_sync_mcm},
	{"outgoing: failure (CM)", outgoing_failure_cm},
	{"outgoing: failure (MCM)", outgoing_failure_mcm},
	{"outgoing: make_call rules (CM)", outgoing_rules_cm},
	{"outgoing: make_call rules (MCM)", outgoing_rules_mcm},
	{"client close (CM)", client_close_cm},
	{"client close (MCM)", client_close_mcm},
	{"close refused (CM)", close_refused_cm},
	{"close refused (MCM)", close_refused_mcm},
	{"incoming close (CM)", incoming_close_cm},
	{"incoming close (MCM)", incoming_close_mcm},
	{"link down (CM)", link_down_cm},
	{"link down (MCM)", link_down_mcm},
	{"link state reaches every CM and MCM", link_status_everyone},
	{"multipoint (CM)", multipoint_cm},
	{"multipoint (MCM)", multipoint_mcm},
	{"multipoint: no dropping the last while one drops (CM)",
	 multipoint_drop_last_while_dropping_cm},
	{"multipoint: no dropping the last while one drops (MCM)",
	 multipoint_drop_last_while_dropping_mcm},
	{"multipoint: failed without naming the party (CM)", multipoint_failed_without_party_cm},
	{"multipoint: failed without naming the party (MCM)", multipoint_failed_without_party_mcm},
	{"make_call_complete naming a dead party (CM)", make_call_complete_dead_party_cm},
	{"make_call_complete naming a dead party (MCM)", make_call_complete_dead_party_mcm},
	{"add_party_complete on a MakeCall's party (CM)", add_party_complete_on_make_call_party_cm},
	{"add_party_complete on a MakeCall's party (MCM)",
	 add_party_complete_on_make_call_party_mcm},
	{"QoS on a connected call (CM)", qos_connected_cm},
	{"QoS on a connected call (MCM)", qos_connected_mcm},
	{"QoS on an offered call (CM)", qos_offered_cm},
	{"QoS on an offered call (MCM)", qos_offered_mcm},
	{"incoming QoS change rules (CM)", qos_change_rules_cm},
	{"incoming QoS change rules (MCM)", qos_change_rules_mcm},
	{"refused QoS keeps a multipoint call (CM)", qos_refused_keeps_multipoint_cm},
	{"refused QoS keeps a multipoint call (MCM)", qos_refused_keeps_multipoint_mcm},
	{"refused QoS keeps a call point-to-point (CM)", qos_refused_keeps_point_to_point_cm},
	{"refused QoS keeps a call point-to-point (MCM)", qos_refused_keeps_point_to_point_mcm},
	{"AF close by the client (CM)", af_close_by_client_cm},
	{"AF close by the client (MCM)", af_close_by_client_mcm},
	{"AF close notified (CM)", af_close_notified_cm},
	{"AF close notified (MCM)", af_close_notified_mcm},
	{"AF close notified: pend after closing (CM)", af_close_notified_pend_after_close_cm},
	{"AF close notified: pend after closing (MCM)", af_close_notified_pend_after_close_mcm},
	{"cm_* on MCM objects, mcm_* on CM objects", wrong_cm_family},
	{"an MCM never calls co_*", mcm_never_co},
	{"only the creator deletes (CM)", only_creator_deletes_cm},
	{"only the creator deletes (MCM)", only_creator_deletes_mcm},
	{"deletion rules (CM)", delete_rules_cm},
	{"deletion rules (MCM)", delete_rules_mcm},
	{"deactivation rules (CM)", deactivate_rules_cm},
	{"deactivation rules (MCM)", deactivate_rules_mcm},
	{"completions refuse PENDING, and twice (CM)", completions_refuse_pending_cm},
	{"completions refuse PENDING, and twice (MCM)", completions_refuse_pending_mcm},
	{"stale handles (CM)", stale_handles_cm},
	{"stale handles (MCM)", stale_handles_mcm},
	{"handles of the wrong kind (CM)", wrong_kind_handles_cm},
	{"handles of the wrong kind (MCM)", wrong_kind_handles_mcm},
	{"handler tables with a NULL member", null_handlers},
	{"create_vc refused or pended, R5 (CM)", create_vc_refused_cm},
	{"create_vc refused or pended, R5 (MCM)", create_vc_refused_mcm},
	{"activation errors (CM)", activation_errors_cm},
	{"activation errors (MCM)", activation_errors_mcm},
	{"connect needs an active VC (CM)", connect_needs_active_vc_cm},
	{"connect needs an active VC (MCM)", connect_needs_active_vc_mcm},
	{"a refused completion changes nothing (CM)", refused_completion_changes_nothing_cm},
	{"a refused completion changes nothing (MCM)", refused_completion_changes_nothing_mcm},
	{"nested closes, §8 (CM)", nested_closes_cm},
	{"nested closes, §8 (MCM)", nested_closes_mcm},
	{"synchronous miniport deactivation (CM)", sync_miniport_deactivation_cm},
	{"synchronous miniport deactivation (MCM)", sync_miniport_deactivation_mcm},
	{"activation inside create_vc/delete_vc handlers (CM)",
	 nested_activation_in_vc_handlers_cm},
	{"activation inside create_vc/delete_vc handlers (MCM)",
	 nested_activation_in_vc_handlers_mcm},
	{"deregistration (CM)", deregistration_cm},
	{"deregistration (MCM)", deregistration_mcm},
	CU_TEST_INFO_NULL,
};

int
main(void)
{
	CU_SuiteInfo suites[] = {
		{"core", NULL, NULL, NULL, NULL, tests},
		CU_SUITE_INFO_NULL,
	};
	unsigned int failed;

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
