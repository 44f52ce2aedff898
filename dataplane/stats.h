/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Counters as operators see them: rte_telemetry commands (/vcswitch/...)
 * and the plain-text dump printed live and at shutdown. Also owns the
 * control lock: the control thread holds it whenever it runs, and
 * telemetry callbacks take it, so that they see control state between
 * two events, never in the middle of one.
 */
#ifndef VCS_STATS_H
#define VCS_STATS_H

struct dp;

/* Registers the data plane's commands and takes the control lock. */
void stats_register(struct dp *dp);
/* Detaches the commands from dp and releases the control lock. */
void stats_unregister(struct dp *dp);

void stats_control_sleep(void);
void stats_control_wake(void);
/* Let waiting commands in, if any: at every turn of a busy loop. */
void stats_control_yield(void);

#endif
