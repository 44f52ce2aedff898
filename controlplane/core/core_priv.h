/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The call-management core's objects and handle table, shared by its
 * modules (obj.c, af.c, vc.c, call.c). Nothing outside core/ sees them.
 */
#ifndef VCS_CORE_PRIV_H
#define VCS_CORE_PRIV_H

#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>

#include "cm.h"

#define CORE_MAX_AFS 8

enum obj_kind {
	OBJ_BIND = 1,
	OBJ_AF,
	OBJ_SAP,
	OBJ_VC,
	OBJ_PARTY,
};

/* Every object lives in one slot table; a handle is (kind, generation,
 * slot), so a stale or foreign handle finds nothing. */
struct obj_table {
	void **objs;
	uint8_t *kinds;
	uint32_t *gens;
	uint32_t *free;
	uint32_t n_free, cap;
	unsigned int live[OBJ_PARTY + 1];
};

enum bind_role {
	ROLE_CLIENT,
	ROLE_CM,
	ROLE_MCM,
};

struct bind {
	uint64_t h;
	enum bind_role role;
	struct cl_handlers cl; /* ROLE_CLIENT */
	struct cm_handlers cm; /* ROLE_CM, ROLE_MCM */
	void *ctx;
	unsigned int n_afs; /* AFs it registered (CM) or opened (client) */
};

/* An AF a CM or MCM registered. */
struct afreg {
	struct cm_af af;
	uint64_t owner;
};

enum af_state {
	AF_OPENING,
	AF_OPEN,
	AF_CLOSE_NOTIFIED, /* the CM asked the client to close it */
	AF_CLOSING,
};

/* An AF a client opened: the AfH of model §3.1. */
struct afo {
	uint64_t h;
	struct cm_af af;
	uint64_t client, cm;
	void *cl_ctx, *cm_ctx;
	enum af_state state;
	bool notify_pending; /* the client's notify_close_af returned PENDING */
	unsigned int n_saps, n_vcs;
};

enum sap_state {
	SAP_REGISTERING,
	SAP_REGISTERED,
	SAP_DEREGISTERING,
};

struct sapo {
	uint64_t h, af;
	struct cm_sap sap;
	void *cl_ctx, *cm_ctx;
	enum sap_state state;
};

enum vc_creator {
	CREATOR_CLIENT,
	CREATOR_CM, /* a stand-alone CM or an MCM: the AF's owner */
};

struct vco {
	struct core *c; /* for the miniport's completion */
	uint64_t h, af;
	enum vc_creator creator;
	enum cm_vc_act_state act;
	enum cm_vc_call_state call;
	enum cm_vc_call_state before_close; /* restored if the CM refuses the close */
	bool incoming_pending;		    /* the client's incoming_call returned PENDING */
	bool creating;			    /* the other side's create handler is running */
	bool deleting;			    /* its delete handler is running */
	bool multipoint;		    /* the call was made with a party */
	void *cl_ctx, *cm_ctx;
	void *mp_vc;
	struct cm_call_params params; /* the call's, handed to handlers in/out */
	struct cm_call_params active; /* what the miniport carries, while active */
	/* While a QoS change is pending, the contract it replaces, restored
	 * if the change is refused; on the heap, as changes are rare and a
	 * VC per session is not. */
	struct cm_call_params *qos_prev;
	uint64_t calling_party; /* the party of a pending make call, or 0 */
	unsigned int n_parties;
	unsigned int n_active; /* parties in PARTY_ACTIVE */
};

enum party_state {
	PARTY_CALLING, /* the first party, while its make call is pending */
	PARTY_ADDING,
	PARTY_ACTIVE,
	PARTY_DROPPING,
};

struct partyo {
	uint64_t h, vc;
	void *cl_ctx, *cm_ctx;
	enum party_state state;
};

struct core {
	struct cm_miniport mp;
	struct obj_table tbl;
	struct afreg afregs[CORE_MAX_AFS];
	unsigned int n_afregs;
	uint64_t calls_setup, calls_closed;
};

/* obj.c */
int obj_table_init(struct obj_table *t);
void obj_table_fini(struct obj_table *t);
/* The new object's handle, or 0 when out of memory; obj is owned by
 * the table from then on. */
uint64_t obj_add(struct obj_table *t, enum obj_kind kind, void *obj);
void *obj_get(const struct obj_table *t, enum obj_kind kind, uint64_t h);
/* Free the object and retire its handle. */
void obj_del(struct obj_table *t, uint64_t h);
/* Walk every live object of a kind; safe against deleting the current one. */
void *obj_next(const struct obj_table *t, enum obj_kind kind, uint32_t *slot);

static inline struct bind *
bind_get(const struct core *c, uint64_t h)
{
	return obj_get(&c->tbl, OBJ_BIND, h);
}
static inline struct afo *
afo_get(const struct core *c, uint64_t h)
{
	return obj_get(&c->tbl, OBJ_AF, h);
}
static inline struct sapo *
sapo_get(const struct core *c, uint64_t h)
{
	return obj_get(&c->tbl, OBJ_SAP, h);
}
static inline struct vco *
vco_get(const struct core *c, uint64_t h)
{
	return obj_get(&c->tbl, OBJ_VC, h);
}
static inline struct partyo *
partyo_get(const struct core *c, uint64_t h)
{
	return obj_get(&c->tbl, OBJ_PARTY, h);
}

/* A QoS change is over, or its VC goes. */
static inline void
vco_qos_done(struct vco *v)
{
	free(v->qos_prev);
	v->qos_prev = NULL;
}

/* The client's and the CM's handlers for an AF open. */
static inline const struct cl_handlers *
afo_client(const struct core *c, const struct afo *a)
{
	return &bind_get(c, a->client)->cl;
}
static inline const struct cm_handlers *
afo_cm(const struct core *c, const struct afo *a)
{
	return &bind_get(c, a->cm)->cm;
}
static inline enum bind_role
afo_cm_role(const struct core *c, const struct afo *a)
{
	return bind_get(c, a->cm)->role;
}

/* A completion may carry any status but PENDING (model R4). */
static inline bool
completion_status_ok(enum cm_status s)
{
	return s != CM_PENDING;
}

/* vc.c: deactivation of every VC on a port, used on link down */
struct vco *core_vc_for_cm(const struct core *c, enum bind_role role, uint64_t vc);

#endif
