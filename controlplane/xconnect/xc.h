/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The cross-connect: the client that owns the attachment circuits. It
 * opens every address family a call manager offers, registers a SAP per
 * circuit in each (its Remote End ID, PW type and port/VLAN), accepts
 * the calls addressed to a free circuit, and closes calls when the
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
	uint16_t pw_type;
	struct cm_circuit circuit;
};

struct xc_circuit_state {
	const char *name;
	const char *state; /* "free", "offered", "connected", "closing" */
	uint64_t calls;	   /* calls connected on it, ever */
	uint64_t rejected;
};

struct xc *xc_create(struct core *c, const struct xc_circuit *circuits, unsigned int n);
/* Deregisters; only once every AF it opened is closed. */
void xc_destroy(struct xc *x);

unsigned int xc_circuit_count(const struct xc *x);
void xc_circuit_state(const struct xc *x, unsigned int i, struct xc_circuit_state *st);

#endif
