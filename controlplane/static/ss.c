/* SPDX-License-Identifier: BSD-3-Clause */
#include <errno.h>
#include <string.h>

#include "cfg.h"
#include "dp.h"
#include "log.h"
#include "ss.h"

void
ss_params(const struct cfg_session *s, struct dp_vc_params *p)
{
	memset(p, 0, sizeof(*p));
	p->ac_port = (uint16_t)s->ac_port;
	p->ac_vlan = s->ac_vlan;
	p->pw_type = s->pw_type;
	p->encap = s->encap;
	p->udp_local_port = s->udp_local_port;
	p->udp_remote_port = s->udp_remote_port;
	p->udp_checksum = s->udp_checksum;
	p->local = s->local;
	p->remote = s->remote;
	p->local_session_id = s->local_session_id;
	p->remote_session_id = s->remote_session_id;
	p->local_cookie_len = s->local_cookie_len;
	memcpy(p->local_cookie, s->local_cookie, sizeof(p->local_cookie));
	p->remote_cookie_len = s->remote_cookie_len;
	memcpy(p->remote_cookie, s->remote_cookie, sizeof(p->remote_cookie));
	p->l2ss = s->l2ss;
	p->seq_send = (s->seq & CFG_SEQ_SEND) != 0;
	p->seq_recv = (s->seq & CFG_SEQ_RECV) != 0;
}

int
ss_start(struct dp *dp, const struct cfg *c)
{
	struct dp_vc_params p;
	struct dp_vc *vc;
	unsigned int i;
	int rc;

	for (i = 0; i < c->n_sessions; i++) {
		const struct cfg_session *s = &c->sessions[i];

		vc = dp_vc_create(dp, s->name);
		if (vc == NULL) {
			CP_LOG(ERR, "session %s: no VC slot left", s->name);
			return -1;
		}
		ss_params(s, &p);
		rc = dp_vc_activate(vc, &p);
		if (rc < 0) {
			CP_LOG(ERR, "session %s: activation failed: %s", s->name, strerror(-rc));
			dp_vc_delete(vc);
			return -1;
		}
		CP_LOG(INFO, "session %s: up (session %u -> %u)", s->name, s->local_session_id,
		       s->remote_session_id);
	}
	return 0;
}
