/* SPDX-License-Identifier: BSD-3-Clause */
#include <errno.h>

#include <rte_malloc.h>

#include "ac_tbl.h"

struct ac_tbl *
ac_tbl_create(uint64_t port_mask, int socket)
{
	struct ac_tbl *t = rte_zmalloc_socket("ac_tbl", sizeof(*t), RTE_CACHE_LINE_SIZE, socket);
	unsigned int p;

	if (t == NULL)
		return NULL;
	t->socket = socket;
	for (p = 0; p < DP_MAX_PORTS; p++) {
		if (!(port_mask & UINT64_C(1) << p))
			continue;
		t->port[p] = rte_zmalloc_socket("ac_port", sizeof(struct ac_port),
						RTE_CACHE_LINE_SIZE, socket);
		if (t->port[p] == NULL) {
			ac_tbl_destroy(t);
			return NULL;
		}
	}
	return t;
}

void
ac_tbl_destroy(struct ac_tbl *t)
{
	unsigned int p, v;

	if (t == NULL)
		return;
	for (p = 0; p < DP_MAX_PORTS; p++) {
		if (t->port[p] == NULL)
			continue;
		for (v = 0; v < AC_VLANS; v++)
			rte_free(t->port[p]->inner[v]);
		rte_free(t->port[p]);
	}
	rte_free(t);
}

/* The slot of circuit (port, vlan, inner), making its inner array if
 * need be; NULL without the port or the memory. */
static const struct vc_fp **
ac_tbl_slot_of(struct ac_tbl *t, uint8_t port, uint16_t vlan, uint16_t inner, bool make)
{
	struct ac_port *ap = port < DP_MAX_PORTS ? t->port[port] : NULL;
	struct ac_inner *in;

	if (ap == NULL || vlan >= AC_VLANS || inner >= AC_VLANS)
		return NULL;
	if (inner == 0)
		return &ap->fp[vlan];
	in = ap->inner[vlan];
	if (in == NULL && make) {
		in = rte_zmalloc_socket("ac_inner", sizeof(*in), RTE_CACHE_LINE_SIZE, t->socket);
		if (in == NULL)
			return NULL;
		/* zeroed before a reader can see it */
		__atomic_store_n(&ap->inner[vlan], in, __ATOMIC_RELEASE);
		t->n_inner++;
	}
	return in == NULL ? NULL : &in->fp[inner];
}

int
ac_tbl_set(struct ac_tbl *t, uint8_t port, uint16_t vlan, uint16_t inner, const struct vc_fp *fp)
{
	const struct vc_fp **slot;

	if (port >= DP_MAX_PORTS || t->port[port] == NULL)
		return -EINVAL;
	slot = ac_tbl_slot_of(t, port, vlan, inner, true);
	if (slot == NULL)
		return -ENOMEM;
	if (*slot == NULL)
		t->count++;
	__atomic_store_n(slot, fp, __ATOMIC_RELEASE);
	return 0;
}

void
ac_tbl_clear(struct ac_tbl *t, uint8_t port, uint16_t vlan, uint16_t inner)
{
	const struct vc_fp **slot = ac_tbl_slot_of(t, port, vlan, inner, false);

	if (slot == NULL || *slot == NULL)
		return;
	__atomic_store_n(slot, NULL, __ATOMIC_RELEASE);
	t->count--;
}
