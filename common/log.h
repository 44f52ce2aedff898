/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * vcswitch's rte_log types: one per layer, so an operator can turn up
 * the data plane or the control plane alone, e.g.
 * --log-level=user.vcswitch.dp:debug.
 */
#ifndef VCS_LOG_H
#define VCS_LOG_H

#include <rte_log.h>

extern int vcs_logtype_dp;
extern int vcs_logtype_cp;

#define DP_LOG(level, fmt, ...) \
	rte_log(RTE_LOG_##level, vcs_logtype_dp, "DP: " fmt "\n", ##__VA_ARGS__)
#define CP_LOG(level, fmt, ...) \
	rte_log(RTE_LOG_##level, vcs_logtype_cp, "CP: " fmt "\n", ##__VA_ARGS__)

#endif
