/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The data plane as the core's miniport: call parameters become data-
 * plane VC parameters, FLOWSPECs become meters. The one place the core
 * meets dataplane/dp.h.
 */
#ifndef VCS_MINIPORT_H
#define VCS_MINIPORT_H

#include "cm.h"

struct dp;
struct dp_vc_params;

void miniport_of_dp(struct dp *dp, struct cm_miniport *mp);

/* What a call's parameters ask of the data plane. */
void miniport_vc_params(const struct cm_call_params *p, struct dp_vc_params *v);

#endif
