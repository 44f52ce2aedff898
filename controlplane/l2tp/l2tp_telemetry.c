/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * /vcswitch/l2tp/stats, /vcswitch/l2tp/connections and
 * /vcswitch/l2tp/sessions: what the operator sees of the L2TPv3 call
 * manager. Runs in the telemetry thread while the control thread is
 * parked (dp_telemetry_register), so it may read the call manager.
 */
#include <ctype.h>
#include <errno.h>
#include <stdio.h>

#include <rte_telemetry.h>

#include "dp.h"
#include "l2tp_priv.h"

#define TEL_MAX_ENTRIES 256 /* a reply holds at most this many connections or sessions */

static struct l2tp_cm *tel_cm; /* one call manager per process */

static const char *const role_names[] = {
	[SR_ICRQ_SENDER] = "icrq-sender",
	[SR_ICRQ_RECIPIENT] = "icrq-recipient",
	[SR_OCRQ_SENDER] = "ocrq-sender",
	[SR_OCRQ_RECIPIENT] = "ocrq-recipient",
};

/* "rx_SCCRQ": telemetry keys take letters, digits and '_' only, and a
 * peer may send types we have no name for ("type 5"). */
static const char *
type_key(char *buf, size_t len, const char *dir, unsigned int t)
{
	char *p;

	snprintf(buf, len, "%s%s", dir, l2tp_msg_type_name(t));
	for (p = buf; *p != '\0'; p++)
		if (!isalnum((unsigned char)*p) && *p != '_')
			*p = '_';
	return buf;
}

static int
tel_stats(const char *cmd, const char *params, struct rte_tel_data *d)
{
	const struct l2tp_cm_stats *st;
	unsigned int t;
	char key[24];

	(void)cmd, (void)params;
	if (tel_cm == NULL)
		return -ENODEV;
	st = &tel_cm->st;
	rte_tel_data_start_dict(d);
	rte_tel_data_add_dict_u64(d, "rx", st->rx);
	rte_tel_data_add_dict_u64(d, "tx", st->tx);
	rte_tel_data_add_dict_u64(d, "rx_bad_header", st->rx_bad_header);
	rte_tel_data_add_dict_u64(d, "rx_bad_digest", st->rx_bad_digest);
	rte_tel_data_add_dict_u64(d, "rx_no_connection", st->rx_no_connection);
	rte_tel_data_add_dict_u64(d, "rx_unknown_peer", st->rx_unknown_peer);
	rte_tel_data_add_dict_u64(d, "rx_dropped_test", st->rx_dropped_test);
	rte_tel_data_add_dict_u64(d, "tx_dropped_test", st->tx_dropped_test);
	rte_tel_data_add_dict_u64(d, "tx_failed", st->tx_failed);
	rte_tel_data_add_dict_u64(d, "connections", st->connections);
	rte_tel_data_add_dict_u64(d, "connections_up", st->connections_up);
	rte_tel_data_add_dict_u64(d, "connections_failed", st->connections_failed);
	rte_tel_data_add_dict_u64(d, "connections_closed", st->connections_closed);
	rte_tel_data_add_dict_u64(d, "sessions", st->sessions);
	rte_tel_data_add_dict_u64(d, "sessions_up", st->sessions_up);
	rte_tel_data_add_dict_u64(d, "sessions_failed", st->sessions_failed);
	rte_tel_data_add_dict_u64(d, "sessions_closed", st->sessions_closed);
	rte_tel_data_add_dict_u64(d, "tie_breaks", st->tie_breaks);
	for (t = 1; t < L2TP_MSG_TYPE_MAX; t++) {
		if (st->rx_by_type[t] == 0 && st->tx_by_type[t] == 0)
			continue;
		rte_tel_data_add_dict_u64(d, type_key(key, sizeof(key), "rx_", t),
					  st->rx_by_type[t]);
		rte_tel_data_add_dict_u64(d, type_key(key, sizeof(key), "tx_", t),
					  st->tx_by_type[t]);
	}
	rte_tel_data_add_dict_u64(d, "rx_ZLB", st->rx_by_type[L2TP_MSG_ZLB]);
	rte_tel_data_add_dict_u64(d, "tx_ZLB", st->tx_by_type[L2TP_MSG_ZLB]);
	return 0;
}

static int
tel_connections(const char *cmd, const char *params, struct rte_tel_data *d)
{
	struct l2tp_rel_stats rs;
	const struct l2tp_ccn *c;
	unsigned int i = 0;
	char key[12], addr[ADDR_STR_MAX];

	(void)cmd, (void)params;
	if (tel_cm == NULL)
		return -ENODEV;
	rte_tel_data_start_dict(d); /* keyed by position: dp_telemetry_index() */
	TAILQ_FOREACH(c, &tel_cm->ccns, link) {
		struct rte_tel_data *e;

		if (i == TEL_MAX_ENTRIES)
			break;
		e = rte_tel_data_alloc();
		if (e == NULL)
			return -ENOMEM;
		l2tp_rel_get_stats(c->rel, &rs);
		rte_tel_data_start_dict(e);
		rte_tel_data_add_dict_string(e, "peer", c->peer->cfg->name);
		rte_tel_data_add_dict_string(e, "address",
					     addr_format(&c->wire.remote, addr, sizeof(addr)));
		rte_tel_data_add_dict_string(e, "state", l2tp_ccn_state_name(c->st));
		rte_tel_data_add_dict_string(e, "role", c->initiator ? "initiator" : "responder");
		rte_tel_data_add_dict_u64(e, "local_ccid", c->local_ccid);
		rte_tel_data_add_dict_u64(e, "remote_ccid", c->remote_ccid);
		rte_tel_data_add_dict_string(e, "peer_host_name", c->peer_host);
		rte_tel_data_add_dict_u64(e, "peer_router_id", c->peer_router_id);
		rte_tel_data_add_dict_u64(e, "authenticated", c->auth);
		rte_tel_data_add_dict_u64(e, "sessions", c->n_sessions);
		rte_tel_data_add_dict_u64(e, "sent", rs.sent);
		rte_tel_data_add_dict_u64(e, "retransmits", rs.retransmits);
		rte_tel_data_add_dict_u64(e, "fast_retransmits", rs.fast_retransmits);
		rte_tel_data_add_dict_u64(e, "acks_sent", rs.acks_sent);
		rte_tel_data_add_dict_u64(e, "received", rs.received);
		rte_tel_data_add_dict_u64(e, "duplicates", rs.duplicates);
		rte_tel_data_add_dict_u64(e, "early", rs.early);
		rte_tel_data_add_dict_u64(e, "in_flight", rs.in_flight);
		rte_tel_data_add_dict_u64(e, "queued", rs.queued);
		rte_tel_data_add_dict_u64(e, "cwnd", rs.cwnd);
		rte_tel_data_add_dict_container(d, dp_telemetry_index(key, sizeof(key), i++), e, 0);
	}
	return 0;
}

static int
tel_sessions(const char *cmd, const char *params, struct rte_tel_data *d)
{
	const struct l2tp_ccn *c;
	const struct l2tp_sess *s;
	unsigned int i = 0;
	char key[12];

	(void)cmd, (void)params;
	if (tel_cm == NULL)
		return -ENODEV;
	rte_tel_data_start_dict(d); /* keyed by position: dp_telemetry_index() */
	TAILQ_FOREACH(c, &tel_cm->ccns, link)
		TAILQ_FOREACH(s, &c->sessions, link) {
			struct rte_tel_data *e;

			if (i == TEL_MAX_ENTRIES)
				return 0;
			e = rte_tel_data_alloc();
			if (e == NULL)
				return -ENOMEM;
			rte_tel_data_start_dict(e);
			rte_tel_data_add_dict_string(e, "peer", s->peer->cfg->name);
			rte_tel_data_add_dict_string(e, "remote_end_id",
						     s->params.media.remote_end_id);
			rte_tel_data_add_dict_string(e, "state", l2tp_sess_state_name(s->st));
			rte_tel_data_add_dict_string(e, "role", role_names[s->role]);
			rte_tel_data_add_dict_u64(e, "local_session_id", s->local_sid);
			rte_tel_data_add_dict_u64(e, "remote_session_id", s->remote_sid);
			rte_tel_data_add_dict_u64(e, "cookie_len",
						  s->params.media.local_cookie_len);
			rte_tel_data_add_dict_u64(e, "peer_circuit_active",
						  (s->peer_cs & L2TP_CS_ACTIVE) != 0);
			rte_tel_data_add_dict_container(
				d, dp_telemetry_index(key, sizeof(key), i++), e, 0);
		}
	return 0;
}

void
l2tp_cm_telemetry_register(struct l2tp_cm *cm)
{
	tel_cm = cm;
	if (cm == NULL)
		return;
	dp_telemetry_register("/vcswitch/l2tp/stats", tel_stats,
			      "L2TPv3 control messages, connections and sessions: counters");
	dp_telemetry_register("/vcswitch/l2tp/connections", tel_connections,
			      "L2TPv3 control connections (at most 256)");
	dp_telemetry_register("/vcswitch/l2tp/sessions", tel_sessions,
			      "L2TPv3 sessions on connections (at most 256)");
}
