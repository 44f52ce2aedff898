/* SPDX-License-Identifier: BSD-3-Clause */
#include <errno.h>
#include <string.h>

#include <rte_common.h>

#include "dp.h"
#include "miniport.h"

#define MAX_FRAME 1522 /* a full tagged Ethernet frame, FCS excluded */

static bool
given(uint64_t v)
{
	return v != CM_QOS_NOT_SPECIFIED;
}

/*
 * A FLOWSPEC as a two-rate meter whose green is conformance as RFC 2212
 * defines it: at most b + rT and at most M + pT bytes in any time T. The
 * committed bucket is the token bucket (r, b); without b, 10 ms of r and
 * at least one full frame. The peak bucket is PeakBandwidth p with room
 * for one frame of MaxSduSize M (a full tagged frame if M is not given);
 * without p, the token bucket alone.
 */
static void
miniport_meter(const struct cm_flowspec *f, struct dp_meter *m)
{
	memset(m, 0, sizeof(*m));
	if (!given(f->token_rate))
		return;
	m->rate = f->token_rate;
	m->bucket = given(f->token_bucket_size) ? f->token_bucket_size
						: RTE_MAX(f->token_rate / 100, (uint64_t)MAX_FRAME);
	if (given(f->peak_bandwidth) && f->peak_bandwidth != CM_POSITIVE_INFINITY_RATE) {
		m->peak = f->peak_bandwidth;
		m->peak_bucket = given(f->max_sdu_size) ? f->max_sdu_size : MAX_FRAME;
	} else {
		m->peak = m->rate;
		m->peak_bucket = m->bucket;
	}
}

void
miniport_vc_params(const struct cm_call_params *p, struct dp_vc_params *v)
{
	const struct cm_l2tp_media *md = &p->media;

	memset(v, 0, sizeof(*v));
	v->ac_port = md->circuit.port;
	v->ac_vlan = md->circuit.vlan;
	v->ac_inner_vlan = md->circuit.inner_vlan;
	v->pw_type = md->pw_type;
	v->encap = md->encap;
	v->udp_local_port = md->udp_local_port;
	v->udp_remote_port = md->udp_remote_port;
	v->udp_checksum = md->udp_checksum;
	v->local = md->local;
	v->remote = md->remote;
	v->local_session_id = md->local_session_id;
	v->remote_session_id = md->remote_session_id;
	v->local_cookie_len = md->local_cookie_len;
	v->remote_cookie_len = md->remote_cookie_len;
	memcpy(v->local_cookie, md->local_cookie, sizeof(v->local_cookie));
	memcpy(v->remote_cookie, md->remote_cookie, sizeof(v->remote_cookie));
	v->l2ss_send = md->l2ss_send;
	v->l2ss_recv = md->l2ss_recv;
	v->seq_send = md->seq_send;
	v->seq_recv = md->seq_recv;
	v->remote_down = md->remote_circuit_down;
	miniport_meter(&p->transmit, &v->enc_meter);
	miniport_meter(&p->receive, &v->dec_meter);
}

static int
mp_create_vc(void *ctx, const char *name, void **mp_vc)
{
	struct dp_vc *vc = dp_vc_create(ctx, name);

	if (vc == NULL)
		return -ENOSPC;
	*mp_vc = vc;
	return 0;
}

static int
mp_delete_vc(void *ctx, void *mp_vc)
{
	(void)ctx;
	return dp_vc_delete(mp_vc);
}

static int
mp_activate_vc(void *ctx, void *mp_vc, const struct cm_call_params *p)
{
	struct dp_vc_params v;
	int rc;

	(void)ctx;
	miniport_vc_params(p, &v);
	rc = dp_vc_activate(mp_vc, &v);
	if (rc == 0 && p->media.remote_end_id[0] != '\0')
		dp_vc_set_name(mp_vc, p->media.remote_end_id);
	return rc;
}

static void
mp_deactivated(struct dp_vc *vc, void *token)
{
	(void)vc;
	cm_mp_deactivate_vc_complete(token);
}

static int
mp_deactivate_vc(void *ctx, void *mp_vc, void *token)
{
	(void)ctx;
	return dp_vc_deactivate(mp_vc, mp_deactivated, token);
}

void
miniport_of_dp(struct dp *dp, struct cm_miniport *mp)
{
	mp->ctx = dp;
	mp->create_vc = mp_create_vc;
	mp->delete_vc = mp_delete_vc;
	mp->activate_vc = mp_activate_vc;
	mp->deactivate_vc = mp_deactivate_vc;
}
