/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The L2TPv3 call manager on the data plane: its control messages leave
 * through dp_ctrl_send() and arrive through the data plane's ctrl_rx
 * hook, its UDP ports are the data plane's to receive, its clock is the
 * control thread's; and, when l2tp.trace asks for it, every control
 * message is written to a pcap file.
 */
#ifndef VCS_L2TP_DP_H
#define VCS_L2TP_DP_H

struct cfg;
struct core;
struct dp;
struct l2tp_dp;
struct l2tp_cm;

/* Create the call manager (l2tp_cm_create) bound to dp, with telemetry.
 * NULL on failure (logged). */
struct l2tp_dp *l2tp_dp_start(struct core *core, struct dp *dp, const struct cfg *c);

struct l2tp_cm *l2tp_dp_cm(const struct l2tp_dp *l);

/* For ctl_add_service(): the call manager's timers. */
int l2tp_dp_service(void *l2tp_dp);

/* Detach from the data plane and destroy the call manager. */
void l2tp_dp_stop(struct l2tp_dp *l);

#endif
