/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * A harness for the call-management core's unit tests (controlplane/core,
 * ../shared/spec/condis-call-model.md):
 *  - a fake miniport whose activation succeeds or fails as scripted and
 *    whose deactivation pends until the test completes it;
 *  - recording clients, stand-alone CMs and MCMs: every handler call is
 *    appended to one event log ("cl.incoming_call(sap=S1,vc=V1)"), and
 *    answers as its script says (a status, then optional nested actions,
 *    e.g. the client calling cl_close_call inside incoming_close_call);
 *  - thin request wrappers that name objects (A1, S1, V1, P1: AFs, SAPs,
 *    VCs and parties in creation order), pick cm_* or mcm_* by the
 *    owner's role and, inside a handler, log the nested request and its
 *    result ("cm_deactivate_vc(vc=V1)=PENDING");
 *  - a teardown that unwinds whatever is left and checks that the core
 *    and the miniport hold nothing afterwards.
 * The harness also checks what a fake cannot see from outside: nothing is
 * delivered about an object after the core let go of it, and the core
 * never deletes or re-activates a miniport VC it should not.
 */
#ifndef VCS_UT_CM_H
#define VCS_UT_CM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "cm.h"

#define UT_EVENT_LEN   160
#define UT_MAX_ACTORS  6
#define UT_MAX_ACTIONS 4

enum ut_role {
	UT_CLIENT,
	UT_CM,
	UT_MCM,
};

enum ut_kind {
	UT_AF,
	UT_SAP,
	UT_VC,
	UT_PARTY,
	UT_KINDS,
};

enum ut_handler {
	/* client (struct cl_handlers) */
	UT_CL_AF_REGISTER_NOTIFY,
	UT_CL_OPEN_AF_COMPLETE,
	UT_CL_CLOSE_AF_COMPLETE,
	UT_CL_REGISTER_SAP_COMPLETE,
	UT_CL_DEREGISTER_SAP_COMPLETE,
	UT_CL_MAKE_CALL_COMPLETE,
	UT_CL_CLOSE_CALL_COMPLETE,
	UT_CL_ADD_PARTY_COMPLETE,
	UT_CL_DROP_PARTY_COMPLETE,
	UT_CL_MODIFY_CALL_QOS_COMPLETE,
	UT_CL_INCOMING_CALL,
	UT_CL_CALL_CONNECTED,
	UT_CL_INCOMING_CLOSE_CALL,
	UT_CL_INCOMING_DROP_PARTY,
	UT_CL_INCOMING_CALL_QOS_CHANGE,
	UT_CL_NOTIFY_CLOSE_AF,
	UT_CL_CREATE_VC,
	UT_CL_DELETE_VC,
	/* stand-alone CM and MCM (struct cm_handlers) */
	UT_CM_OPEN_AF,
	UT_CM_CLOSE_AF,
	UT_CM_REGISTER_SAP,
	UT_CM_DEREGISTER_SAP,
	UT_CM_MAKE_CALL,
	UT_CM_CLOSE_CALL,
	UT_CM_INCOMING_CALL_COMPLETE,
	UT_CM_ADD_PARTY,
	UT_CM_DROP_PARTY,
	UT_CM_MODIFY_CALL_QOS,
	UT_CM_ACTIVATE_VC_COMPLETE,
	UT_CM_DEACTIVATE_VC_COMPLETE,
	UT_CM_NOTIFY_CLOSE_AF_COMPLETE,
	UT_CM_CREATE_VC,
	UT_CM_DELETE_VC,
	UT_CM_LINK_STATUS,
	UT_HANDLERS,
};

struct ut_env;
struct ut_actor;
struct ut_obj;

/* What an actor hands the core as its context for an object. */
struct ut_ctx {
	struct ut_obj *obj;
	struct ut_actor *actor;
};

/*
 * An AF open, SAP, VC or party as the tests know it. It outlives the
 * core's object (freed with the environment) so that its stale handle
 * can be replayed and a late delivery detected.
 */
struct ut_obj {
	struct ut_obj *next; /* every object of the environment */
	struct ut_env *env;
	enum ut_kind kind;
	char name[16];
	uint64_t h;			     /* the core's handle; kept once stale */
	bool gone;			     /* the core let go of it */
	struct ut_obj *af;		     /* a SAP's or a VC's */
	struct ut_obj *vc;		     /* a party's */
	struct ut_obj *party;		     /* a VC's party being made by cl_make_call */
	struct ut_obj *parties, *next_party; /* a VC's parties, ever */
	struct ut_ctx cl, cm;		     /* the client's and the (M)CM's contexts */
	enum ut_role creator;		     /* a VC's */
	uint16_t family;		     /* an AF's */
	struct cm_sap sap;		     /* a SAP's */
	void *user;			     /* free for tests */
};

/* One handler call, as actions see it. */
struct ut_call {
	struct ut_actor *actor;
	enum ut_handler h;
	enum cm_status status; /* the status the handler was given, if any */
	struct ut_obj *af, *sap, *vc, *party;
	struct cm_call_params *p;
	const void *data;
	size_t size;
	uint16_t family, port;
	bool up;
	enum cm_status ret; /* what the handler returns; actions may change it */
};

typedef void (*ut_action_fn)(struct ut_call *call, intptr_t arg);

struct ut_script {
	enum cm_status ret;
	unsigned int n_actions;
	struct {
		ut_action_fn fn;
		intptr_t arg;
	} actions[UT_MAX_ACTIONS];
	bool once; /* back to the default (SUCCESS, no action) after one call */
};

struct ut_actor {
	struct ut_env *env;
	enum ut_role role;
	char name[8];
	struct cm_bind_h bind;
	bool registered;
	uint16_t family; /* the AF a CM or MCM registered */
	struct ut_script script[UT_HANDLERS];
	/* what the last handler call carried, for tests to look at */
	struct cm_call_params last_params;
	bool last_params_set;
	unsigned char last_data[64];
	size_t last_size;
	unsigned int calls[UT_HANDLERS];
};

/* A miniport VC: kept after deletion, to catch a use after it. */
struct ut_mp_vc {
	struct ut_mp_vc *next;
	char name[32];
	bool active, deactivating, deleted;
	struct cm_call_params params;
	void *token;
};

struct ut_mp {
	unsigned int created, deleted, activations, deactivations, completed;
	int create_rc;	   /* the next create returns it, once */
	int activate_rc;   /* the next activation returns it, once */
	int deactivate_rc; /* every deactivation returns it: 1 (pending) */
	struct ut_mp_vc *vcs;
	struct ut_mp_vc **pending; /* deactivations to complete, oldest first */
	unsigned int n_pending, cap_pending;
};

struct ut_env {
	struct core *core;
	struct cm_miniport ops;
	struct ut_mp mp;
	struct ut_actor actors[UT_MAX_ACTORS];
	unsigned int n_actors;
	struct ut_obj *objs;
	unsigned int next_id[UT_KINDS];
	struct ut_obj *creating[UT_KINDS]; /* named before the core hands out its handle */
	struct ut_obj **by_slot;	   /* handle lookup cache */
	uint32_t cap_slot;
	char (*log)[UT_EVENT_LEN];
	unsigned int n_log, cap_log;
	unsigned int depth;  /* handlers running */
	unsigned int errors; /* what the harness saw go wrong */
	char subst[8];	     /* "$" in expected events: "cm" or "mcm" */
	char subst_co[8];    /* "#": "co" or "mcm" (VC creation and deletion) */
	/* If set, called instead of the scripts (the randomized test). */
	void (*hook)(struct ut_call *call, void *arg);
	void *hook_arg;
	bool quiet; /* no diagnostics on stderr for harness errors */
};

/* ---- environment ---- */

struct ut_env *ut_env_new(void);
/* Unwinds everything left, deregisters every actor, destroys the core;
 * returns 0 if the core and the miniport held nothing more and the
 * harness saw nothing wrong. Frees e. */
unsigned int ut_env_free(struct ut_env *e);
#define UT_FINI(e) ut_fini_check(ut_env_free(e), __FILE__, __LINE__)
void ut_fini_check(unsigned int problems, const char *file, unsigned int line);

/* Registers an actor (the registration must succeed). */
struct ut_actor *ut_actor_new(struct ut_env *e, enum ut_role role, const char *name);
/* core_deregister; the teardown leaves a deregistered actor alone. */
enum cm_status ut_actor_deregister(struct ut_actor *a);
/* The handler table an actor of that role registers with. */
const struct cl_handlers *ut_cl_handlers(void);
const struct cm_handlers *ut_cm_handlers(void);

struct ut_obj *ut_obj_new(struct ut_env *e, enum ut_kind kind);
struct ut_obj *ut_obj_find(struct ut_env *e, enum ut_kind kind, uint64_t h);
struct ut_obj *ut_obj_by_name(struct ut_env *e, const char *name);
/* Makes party one of vc's (for requests made without the wrappers). */
void ut_party_attach(struct ut_obj *party, struct ut_obj *vc);
/* Records the handle the core gave o (requests made without the
 * wrappers below); handlers then find o by it. */
void ut_obj_bind(struct ut_env *e, struct ut_obj *o, uint64_t h);
/* The (M)CM and the client of an object. */
struct ut_actor *ut_cm_of(const struct ut_obj *o);
struct ut_actor *ut_cl_of(const struct ut_obj *o);

/* ---- scripts ---- */

void ut_answer(struct ut_actor *a, enum ut_handler h, enum cm_status ret);
void ut_on(struct ut_actor *a, enum ut_handler h, ut_action_fn fn, intptr_t arg);
void ut_once(struct ut_actor *a, enum ut_handler h);
void ut_reset(struct ut_actor *a, enum ut_handler h);
void ut_reset_all(struct ut_actor *a);

/* Nested actions; each logs "request(args)=STATUS". */
void ut_act_open_af(struct ut_call *c, intptr_t family);    /* client: cl_open_af */
void ut_act_close_af(struct ut_call *c, intptr_t unused);   /* client: cl_close_af(c->af) */
void ut_act_close_call(struct ut_call *c, intptr_t unused); /* client: cl_close_call(c->vc) */
void ut_act_drop_party(struct ut_call *c, intptr_t unused); /* client: cl_drop_party(c->party) */
void ut_act_delete_vc(struct ut_call *c, intptr_t unused);  /* c->vc's creator deletes it */
void ut_act_activate(struct ut_call *c, intptr_t unused);   /* (M)CM: activate c->vc with c->p */
void ut_act_deactivate(struct ut_call *c, intptr_t unused); /* (M)CM: deactivate c->vc */
void ut_act_make_call_complete(struct ut_call *c, intptr_t status); /* (M)CM, on c->vc */
void ut_act_close_call_complete(struct ut_call *c, intptr_t status);
void ut_act_call_connected(struct ut_call *c, intptr_t unused);
void ut_act_incoming_close(struct ut_call *c, intptr_t status); /* (M)CM, on c->vc */
void ut_act_modify_qos_complete(struct ut_call *c, intptr_t status);

/* ---- the event log ---- */

void ut_log_clear(struct ut_env *e);
void ut_log_dump(const struct ut_env *e, const char *title);
/* Whether the log is exactly expected (NULL-terminated; "$" stands for
 * e->subst, "#" for e->subst_co); on a mismatch both are printed and a CUnit failure is
 * recorded at file:line. Clears the log. */
bool ut_log_expect(struct ut_env *e, const char *file, unsigned int line,
		   const char *const *expected);
#define UT_EXPECT(e, ...) \
	ut_log_expect(e, __FILE__, __LINE__, (const char *const[]){__VA_ARGS__, NULL})
#define UT_EXPECT_NOTHING(e) ut_log_expect(e, __FILE__, __LINE__, (const char *const[]){NULL})

/* A status check that names both statuses on failure. */
bool ut_status_is(enum cm_status got, enum cm_status want, const char *expr, const char *file,
		  unsigned int line);
#define UT_ST(expr, want) ut_status_is((expr), (want), #expr, __FILE__, __LINE__)

/* ---- the fake miniport ---- */

/* Completes c's pending deactivation; false if there is none. */
bool ut_mp_complete(struct ut_env *e, const struct ut_obj *vc);
/* Completes every pending deactivation, oldest first; how many. */
unsigned int ut_mp_complete_all(struct ut_env *e);
unsigned int ut_mp_pending(const struct ut_env *e);
/* The miniport VC behind vc, NULL if none. */
struct ut_mp_vc *ut_mp_vc_of(struct ut_env *e, const struct ut_obj *vc);

/* ---- parameters ---- */

/* An L2TPv3 Ethernet pseudowire, session sid, rate bytes/s each way. */
void ut_params(struct cm_call_params *p, uint32_t sid, uint64_t rate);
bool ut_params_equal(const struct cm_call_params *a, const struct cm_call_params *b);

/* ---- requests (cm_* or mcm_* by the owner's role) ---- */

enum cm_status ut_register_af(struct ut_actor *cm, uint16_t family);
enum cm_status ut_open_af(struct ut_actor *cl, uint16_t family, struct ut_obj **out);
enum cm_status ut_open_af_complete(struct ut_obj *af, enum cm_status st);
enum cm_status ut_close_af(struct ut_obj *af);
enum cm_status ut_close_af_complete(struct ut_obj *af, enum cm_status st);
enum cm_status ut_notify_close_af(struct ut_obj *af);
enum cm_status ut_notify_close_af_complete(struct ut_obj *af, enum cm_status st);

enum cm_status ut_register_sap(struct ut_obj *af, const char *remote_end_id, struct ut_obj **out);
enum cm_status ut_register_sap_complete(struct ut_obj *sap, enum cm_status st);
enum cm_status ut_deregister_sap(struct ut_obj *sap);
enum cm_status ut_deregister_sap_complete(struct ut_obj *sap, enum cm_status st);

/* By the client (UT_CLIENT), or by the AF's CM or MCM. */
enum cm_status ut_create_vc(struct ut_actor *creator, struct ut_obj *af, struct ut_obj **out);
enum cm_status ut_delete_vc(struct ut_obj *vc); /* by its creator */
enum cm_status ut_activate(struct ut_obj *vc, struct cm_call_params *p);
enum cm_status ut_deactivate(struct ut_obj *vc);

enum cm_status ut_make_call(struct ut_obj *vc, struct cm_call_params *p, bool multipoint,
			    struct ut_obj **party);
enum cm_status ut_make_call_complete(struct ut_obj *vc, enum cm_status st, struct ut_obj *party,
				     struct cm_call_params *p);
enum cm_status ut_dispatch_incoming_call(struct ut_obj *sap, struct ut_obj *vc,
					 struct cm_call_params *p);
enum cm_status ut_incoming_call_complete(struct ut_obj *vc, enum cm_status st,
					 struct cm_call_params *p);
enum cm_status ut_call_connected(struct ut_obj *vc);
enum cm_status ut_close_call(struct ut_obj *vc, struct ut_obj *party, const void *data,
			     size_t size);
enum cm_status ut_close_call_complete(struct ut_obj *vc, enum cm_status st, struct ut_obj *party);
enum cm_status ut_incoming_close(struct ut_obj *vc, enum cm_status st, const void *data,
				 size_t size);
enum cm_status ut_modify_qos(struct ut_obj *vc, struct cm_call_params *p);
enum cm_status ut_modify_qos_complete(struct ut_obj *vc, enum cm_status st,
				      struct cm_call_params *p);
enum cm_status ut_qos_change(struct ut_obj *vc, struct cm_call_params *p);
enum cm_status ut_add_party(struct ut_obj *vc, struct cm_call_params *p, struct ut_obj **out);
enum cm_status ut_add_party_complete(struct ut_obj *party, enum cm_status st,
				     struct cm_call_params *p);
enum cm_status ut_drop_party(struct ut_obj *party, const void *data, size_t size);
enum cm_status ut_drop_party_complete(struct ut_obj *party, enum cm_status st);
enum cm_status ut_incoming_drop_party(struct ut_obj *party, enum cm_status st, const void *data,
				      size_t size);

/* The VC's call and activation state, or -1 if the core does not know it. */
int ut_call_state(struct ut_env *e, const struct ut_obj *vc);
int ut_act_state(struct ut_env *e, const struct ut_obj *vc);

#endif
