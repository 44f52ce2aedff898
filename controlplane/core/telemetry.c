/* SPDX-License-Identifier: BSD-3-Clause */
/* /vcswitch/calls: what the call-management core holds, for operators. */
#include <errno.h>

#include <rte_telemetry.h>

#include "cm.h"
#include "dp.h"

static struct core *tel_core;

static int
tel_calls(const char *cmd, const char *params, struct rte_tel_data *d)
{
	struct core_counts n;

	(void)cmd, (void)params;
	if (tel_core == NULL)
		return -ENODEV;
	core_get_counts(tel_core, &n);
	rte_tel_data_start_dict(d);
	rte_tel_data_add_dict_u64(d, "offered", n.calls_offered);
	rte_tel_data_add_dict_u64(d, "connected", n.calls_connected);
	rte_tel_data_add_dict_u64(d, "closing", n.calls_closing);
	rte_tel_data_add_dict_u64(d, "set_up", n.calls_setup);
	rte_tel_data_add_dict_u64(d, "closed", n.calls_closed);
	rte_tel_data_add_dict_u64(d, "vcs", n.vcs);
	rte_tel_data_add_dict_u64(d, "parties", n.parties);
	rte_tel_data_add_dict_u64(d, "saps", n.saps);
	rte_tel_data_add_dict_u64(d, "address_families", n.afs);
	rte_tel_data_add_dict_u64(d, "bindings", n.bindings);
	return 0;
}

void
core_telemetry_register(struct core *c)
{
	tel_core = c;
	if (c != NULL)
		dp_telemetry_register(
			"/vcswitch/calls", tel_calls,
			"Calls by state, set up and closed since start, core objects");
}
