/* SPDX-License-Identifier: BSD-3-Clause */
/* Names of statuses and states, and what a FLOWSPEC may ask for. */
#include "cm.h"

const char *
cm_status_name(enum cm_status s)
{
	switch (s) {
	case CM_SUCCESS:
		return "SUCCESS";
	case CM_PENDING:
		return "PENDING";
	case CM_NOT_ACCEPTED:
		return "NOT_ACCEPTED";
	case CM_CALL_ACTIVE:
		return "CALL_ACTIVE";
	case CM_CLOSING:
		return "CLOSING";
	case CM_FAILURE:
		return "FAILURE";
	case CM_RESOURCES:
		return "RESOURCES";
	case CM_NOT_SUPPORTED:
		return "NOT_SUPPORTED";
	case CM_INVALID_DATA:
		return "INVALID_DATA";
	case CM_INVALID_SAP:
		return "INVALID_SAP";
	case CM_SAP_IN_USE:
		return "SAP_IN_USE";
	case CM_INVALID_ADDRESS:
		return "INVALID_ADDRESS";
	case CM_VC_NOT_ACTIVATED:
		return "VC_NOT_ACTIVATED";
	case CM_DEST_OUT_OF_ORDER:
		return "DEST_OUT_OF_ORDER";
	case CM_VC_NOT_AVAILABLE:
		return "VC_NOT_AVAILABLE";
	case CM_CELLRATE_NOT_AVAILABLE:
		return "CELLRATE_NOT_AVAILABLE";
	case CM_INCOMPATIBLE_QOS:
		return "INCOMPATIBLE_QOS";
	case CM_AAL_PARAMS_UNSUPPORTED:
		return "AAL_PARAMS_UNSUPPORTED";
	case CM_NO_ROUTE_TO_DESTINATION:
		return "NO_ROUTE_TO_DESTINATION";
	}
	return "?";
}

const char *
cm_call_state_name(enum cm_vc_call_state s)
{
	static const char *const names[] = {
		[CM_CALL_IDLE] = "idle",	   [CM_CALL_MAKECALL_PENDING] = "makecall-pending",
		[CM_CALL_OFFERED] = "offered",	   [CM_CALL_ACCEPTED] = "accepted",
		[CM_CALL_CONNECTED] = "connected", [CM_CALL_INCOMING_CLOSE] = "incoming-close",
		[CM_CALL_CLOSING] = "closing",
	};

	return (unsigned int)s < sizeof(names) / sizeof(names[0]) ? names[s] : "?";
}

void
cm_flowspec_none(struct cm_flowspec *f)
{
	f->token_rate = CM_QOS_NOT_SPECIFIED;
	f->token_bucket_size = CM_QOS_NOT_SPECIFIED;
	f->peak_bandwidth = CM_QOS_NOT_SPECIFIED;
	f->latency = CM_QOS_NOT_SPECIFIED;
	f->delay_variation = CM_QOS_NOT_SPECIFIED;
	f->max_sdu_size = CM_QOS_NOT_SPECIFIED;
	f->minimum_policed_size = CM_QOS_NOT_SPECIFIED;
	f->service_type = CM_SERVICETYPE_BESTEFFORT;
}

static bool
given(uint64_t v)
{
	return v != CM_QOS_NOT_SPECIFIED;
}

bool
cm_flowspec_valid(const struct cm_flowspec *f)
{
	if (f->service_type > CM_SERVICETYPE_GUARANTEED)
		return false;
	if (!given(f->token_rate))
		/* no contract: nothing else may ask for one */
		return !given(f->peak_bandwidth) && !given(f->token_bucket_size);
	if (f->token_rate == 0)
		return false; /* model §6: TokenRate is not 0 */
	if (given(f->token_bucket_size) && f->token_bucket_size == 0)
		return false;
	if (given(f->peak_bandwidth) && f->peak_bandwidth < f->token_rate)
		return false;
	if (given(f->max_sdu_size) && given(f->minimum_policed_size) &&
	    f->minimum_policed_size > f->max_sdu_size)
		return false;
	return true;
}
