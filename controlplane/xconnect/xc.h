/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The cross-connect: the client that owns the attachment circuits. It
 * opens the address families call managers offer, registers a SAP per
 * circuit in its circuit's family (its Remote End ID, PW type, port/VLAN
 * and the peer allowed to call it), accepts the calls addressed to a free
 * circuit, makes the calls its circuits are configured to make (again,
 * with back-off, whenever they fail or end), and closes calls when the
 * network or the call manager ends them.
 */
#ifndef VCS_XC_H
#define VCS_XC_H

#include <stdint.h>

#include "cm.h"

struct core;
struct xc;

struct xc_circuit {
	char name[CM_REMOTE_END_ID_MAX]; /* its Remote End ID */
	uint16_t family;		 /* the address family it is offered in */
	uint16_t pw_type;
	struct cm_circuit circuit;
	char peer[CM_PEER_MAX]; /* the only peer that may call it; "": any */
	bool call;		/* we make the call, to peer */
	bool outgoing;		/* as OCRQ rather than ICRQ (L2TPv3) */
	uint8_t cookie_len;	/* how it wants to receive */
	enum l2tp_l2ss l2ss;
	bool seq_recv;
	struct cm_flowspec transmit, receive; /* its contract; none: any */
};

#define XC_RETRY_MIN_MS	  1000 /* a failed or ended call of ours is made again */
#define XC_RETRY_MAX_MS	  30000
#define XC_CALLS_PER_TURN 256 /* calls made per turn of the control thread */

struct xc_circuit_state {
	const char *name;
	const char *state; /* "free", "calling", "offered", "connected", "closing" */
	uint64_t calls;	   /* calls connected on it, ever */
	uint64_t rejected; /* calls it refused */
	uint64_t failed;   /* calls it made that failed */
};

struct xc *xc_create(struct core *c, const struct xc_circuit *circuits, unsigned int n);

/* Make the calls that are due. Returns the milliseconds until the next
 * one is (at most XC_RETRY_MAX_MS). */
int xc_service(struct xc *x, uint64_t now_ms);
/* Deregisters; only once every AF it opened is closed. */
void xc_destroy(struct xc *x);

unsigned int xc_circuit_count(const struct xc *x);
void xc_circuit_state(const struct xc *x, unsigned int i, struct xc_circuit_state *st);

#endif
