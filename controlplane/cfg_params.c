/* SPDX-License-Identifier: BSD-3-Clause */
#include "cfg_params.h"

void
cfg_params_flowspec(const struct cfg_flowspec *in, struct cm_flowspec *out)
{
	cm_flowspec_none(out);
	if (in->token_rate == 0)
		return;
	out->service_type = CM_SERVICETYPE_GUARANTEED;
	out->token_rate = in->token_rate;
	if (in->token_bucket_size != 0)
		out->token_bucket_size = in->token_bucket_size;
	if (in->peak_bandwidth != 0)
		out->peak_bandwidth = in->peak_bandwidth;
	if (in->max_sdu_size != 0)
		out->max_sdu_size = in->max_sdu_size;
}
