/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Attachment-circuit tables: a worker's map from (port, VLAN, inner
 * VLAN) to the record of the VC on that circuit, as arrays indexed by
 * VLAN ID, so that a lookup is two or three dependent loads and no
 * hashing, whatever the number of circuits.
 *
 * The control thread is the only writer: it stores a record's pointer
 * with release semantics once the record is complete, and clears it to
 * unlink the VC; the record itself is reclaimed after an RCU grace
 * period like any other (vc.c). The worker reads with acquire loads.
 * An inner (QinQ) array, made for the first circuit of an outer VLAN,
 * stays until the table goes: at most 4094 per port, 32 KiB each.
 */
#ifndef VCS_AC_TBL_H
#define VCS_AC_TBL_H

#include <stdbool.h>
#include <stdint.h>

#include <rte_branch_prediction.h>
#include <rte_common.h>

#include "dp.h"

struct vc_fp;

#define AC_VLANS 4096

struct ac_inner {
	const struct vc_fp *fp[AC_VLANS];
};

struct ac_port {
	const struct vc_fp *fp[AC_VLANS]; /* by VLAN; 0: the whole port */
	struct ac_inner *inner[AC_VLANS]; /* by outer VLAN */
};

struct ac_tbl {
	struct ac_port *port[DP_MAX_PORTS]; /* the access ports the worker polls */
	unsigned int count;		    /* records installed: the writer's */
	unsigned int n_inner;		    /* inner arrays made */
	int socket;
};

/* A table for the ports in port_mask (bit i: dp port i). */
struct ac_tbl *ac_tbl_create(uint64_t port_mask, int socket);
void ac_tbl_destroy(struct ac_tbl *t);

/* Installs or replaces the record of circuit (port, vlan, inner).
 * -EINVAL for a port the table does not have, -ENOMEM. */
int ac_tbl_set(struct ac_tbl *t, uint8_t port, uint16_t vlan, uint16_t inner,
	       const struct vc_fp *fp);
/* Unlinks it; readers may still hold it until a grace period passes. */
void ac_tbl_clear(struct ac_tbl *t, uint8_t port, uint16_t vlan, uint16_t inner);

/*
 * The record for a frame on port with tags (vlan, inner): the circuit
 * of both tags, else of the outer one (which then carries the inner
 * tag as data), else the whole port's; NULL if none. vlan and inner
 * are 0..4095, inner 0 for a frame with one tag or none.
 */
static inline const struct vc_fp *
ac_tbl_lookup(const struct ac_port *ap, uint16_t vlan, uint16_t inner)
{
	const struct vc_fp *fp;

	if (inner != 0) {
		const struct ac_inner *in = __atomic_load_n(&ap->inner[vlan], __ATOMIC_ACQUIRE);

		if (in != NULL && (fp = __atomic_load_n(&in->fp[inner], __ATOMIC_ACQUIRE)) != NULL)
			return fp;
	}
	fp = __atomic_load_n(&ap->fp[vlan], __ATOMIC_ACQUIRE);
	if (likely(fp != NULL) || vlan == 0)
		return fp;
	return __atomic_load_n(&ap->fp[0], __ATOMIC_ACQUIRE);
}

/* The slot ac_tbl_lookup reads first, to prefetch it. */
static inline const void *
ac_tbl_slot(const struct ac_port *ap, uint16_t vlan, uint16_t inner)
{
	const struct ac_inner *in;

	if (inner != 0 && (in = __atomic_load_n(&ap->inner[vlan], __ATOMIC_ACQUIRE)) != NULL)
		return &in->fp[inner];
	return &ap->fp[vlan];
}

#endif
