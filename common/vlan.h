/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * VLAN ranges: how the i-th circuit of a range of `count` (config/) is
 * tagged, and so what the benchmark generator sends to reach it.
 */
#ifndef VCS_VLAN_H
#define VCS_VLAN_H

#include <stdint.h>

#define VLAN_ID_MAX 4094

/*
 * The tags of the i-th circuit of a range whose first has (vlan, inner):
 * counting up from the first, the inner (C-) tag first when there is
 * one, like a number whose digits run 1..4094. Without an inner tag,
 * vlan + i. 0 on success, -1 past 4094 (or for a range of untagged
 * circuits, beyond its first).
 */
static inline int
vlan_range_at(uint16_t vlan, uint16_t inner, uint32_t i, uint16_t *out_vlan, uint16_t *out_inner)
{
	uint64_t pos;

	if (inner == 0) {
		if ((vlan == 0 && i != 0) || (uint64_t)vlan + i > VLAN_ID_MAX)
			return -1;
		*out_vlan = (uint16_t)(vlan + i);
		*out_inner = 0;
		return 0;
	}
	pos = (uint64_t)(inner - 1) + i;
	if (vlan + pos / VLAN_ID_MAX > VLAN_ID_MAX)
		return -1;
	*out_vlan = (uint16_t)(vlan + pos / VLAN_ID_MAX);
	*out_inner = (uint16_t)(pos % VLAN_ID_MAX + 1);
	return 0;
}

#endif
