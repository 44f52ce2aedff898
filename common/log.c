/* SPDX-License-Identifier: BSD-3-Clause */
#include "log.h"

RTE_LOG_REGISTER(vcs_logtype_dp, user.vcswitch.dp, INFO);
RTE_LOG_REGISTER(vcs_logtype_cp, user.vcswitch.cp, INFO);
