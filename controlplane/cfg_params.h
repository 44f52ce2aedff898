/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The configuration file's traffic contracts as the call model's
 * FLOWSPECs: what static sessions and circuits ask of their calls.
 */
#ifndef VCS_CFG_PARAMS_H
#define VCS_CFG_PARAMS_H

#include "cfg.h"
#include "cm.h"

/* No rate: best effort, nothing specified. */
void cfg_params_flowspec(const struct cfg_flowspec *in, struct cm_flowspec *out);

#endif
