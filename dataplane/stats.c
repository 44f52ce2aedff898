/* SPDX-License-Identifier: BSD-3-Clause */
#include <errno.h>
#include <inttypes.h>
#include <pthread.h>
#include <sched.h>
#include <stdlib.h>
#include <string.h>

#include <rte_ethdev.h>
#include <rte_telemetry.h>

#include "dp_priv.h"
#include "log.h"
#include "neigh.h"
#include "stats.h"
#include "vc.h"

#define STATS_MAX_CMDS 32
#define STATS_LIST_MAX 256 /* names per /vcswitch/vcs reply; telemetry caps arrays */

static pthread_mutex_t control_lock = PTHREAD_MUTEX_INITIALIZER;
static struct dp *stats_dp; /* guarded by control_lock */
/* Commands waiting for control_lock: a busy control thread lets them in
 * at its next turn (a mutex is no queue: unlocking and locking again
 * would let it win every time). */
static unsigned int control_waiters;

static struct {
	char cmd[64];
	dp_telemetry_fn fn;
} stats_cmds[STATS_MAX_CMDS];
static unsigned int stats_n_cmds;

void
stats_control_sleep(void)
{
	pthread_mutex_unlock(&control_lock);
}

void
stats_control_wake(void)
{
	pthread_mutex_lock(&control_lock);
}

void
stats_control_yield(void)
{
	if (__atomic_load_n(&control_waiters, __ATOMIC_ACQUIRE) == 0)
		return;
	pthread_mutex_unlock(&control_lock);
	while (__atomic_load_n(&control_waiters, __ATOMIC_ACQUIRE) != 0)
		sched_yield();
	pthread_mutex_lock(&control_lock);
}

/* Every command goes through here: the control thread is parked while
 * the command reads its state. */
static int
stats_trampoline(const char *cmd, const char *params, struct rte_tel_data *d)
{
	dp_telemetry_fn fn = NULL;
	unsigned int i;
	int rc;

	__atomic_fetch_add(&control_waiters, 1, __ATOMIC_RELEASE);
	pthread_mutex_lock(&control_lock);
	__atomic_fetch_sub(&control_waiters, 1, __ATOMIC_RELEASE);
	for (i = 0; i < stats_n_cmds; i++)
		if (strcmp(stats_cmds[i].cmd, cmd) == 0)
			fn = stats_cmds[i].fn;
	rc = fn != NULL && stats_dp != NULL ? fn(cmd, params, d) : -ENODEV;
	pthread_mutex_unlock(&control_lock);
	return rc;
}

int
dp_telemetry_register(const char *cmd, dp_telemetry_fn fn, const char *help)
{
	unsigned int i;

	for (i = 0; i < stats_n_cmds; i++)
		if (strcmp(stats_cmds[i].cmd, cmd) == 0) {
			stats_cmds[i].fn = fn;
			return 0;
		}
	if (stats_n_cmds == STATS_MAX_CMDS || strlen(cmd) >= sizeof(stats_cmds[0].cmd))
		return -ENOSPC;
	snprintf(stats_cmds[stats_n_cmds].cmd, sizeof(stats_cmds[0].cmd), "%s", cmd);
	stats_cmds[stats_n_cmds++].fn = fn;
	return rte_telemetry_register_cmd(cmd, stats_trampoline, help);
}

const char *
dp_telemetry_index(char *buf, size_t len, unsigned int i)
{
	snprintf(buf, len, "%u", i);
	return buf;
}

static void
tel_drops(struct rte_tel_data *d, const char *name, const uint64_t *v, const char *const *names,
	  unsigned int n)
{
	struct rte_tel_data *c = rte_tel_data_alloc();
	unsigned int i;

	if (c == NULL)
		return;
	rte_tel_data_start_dict(c);
	for (i = 0; i < n; i++)
		rte_tel_data_add_dict_u64(c, names[i], v[i]);
	rte_tel_data_add_dict_container(d, name, c, 0);
}

static int
tel_stats(const char *cmd __rte_unused, const char *params __rte_unused, struct rte_tel_data *d)
{
	struct dp_stats st;
	struct dp *dp = stats_dp;
	const struct host_stats *h = &dp->host;
	struct neigh_stats ns, sum = {0};
	unsigned int i;

	dp_get_stats(dp, &st);
	for (i = 0; i < dp->n_ports; i++) {
		if (dp->ports[i].neigh == NULL)
			continue;
		neigh_get_stats(dp->ports[i].neigh, &ns);
		sum.requests_sent += ns.requests_sent;
		sum.resolved += ns.resolved;
		sum.held += ns.held;
		sum.released += ns.released;
		sum.no_route += ns.no_route;
		sum.tx_full += ns.tx_full;
		sum.entries += ns.entries;
	}
	rte_tel_data_start_dict(d);
	rte_tel_data_add_dict_u64(d, "rx", st.rx_pkts);
	rte_tel_data_add_dict_u64(d, "encap", st.enc_pkts);
	rte_tel_data_add_dict_u64(d, "decap", st.dec_pkts);
	rte_tel_data_add_dict_u64(d, "punted", st.punted);
	rte_tel_data_add_dict_u64(d, "polls", st.polls);
	rte_tel_data_add_dict_u64(d, "idle_sleeps", st.idle_sleeps);
	rte_tel_data_add_dict_u64(d, "vcs", dp_vc_count(dp));
	rte_tel_data_add_dict_u64(d, "vcs_retiring", dp_vc_retiring(dp));
	tel_drops(d, "drops", st.drops, dp_drop_names, DP_DROP_MAX);
	tel_drops(d, "encap_drops", st.enc_drops, dp_enc_drop_names, DP_ENC_DROP_MAX);
	tel_drops(d, "decap_drops", st.dec_drops, dp_dec_drop_names, DP_DEC_DROP_MAX);
	rte_tel_data_add_dict_u64(d, "arp_replies", h->arp_replies);
	rte_tel_data_add_dict_u64(d, "icmp_echo_replies", h->icmp_echo_replies);
	rte_tel_data_add_dict_u64(d, "nd_adverts", h->nd_adverts);
	rte_tel_data_add_dict_u64(d, "l2tp_ctrl_rx", h->punted[PUNT_L2TP_CTRL]);
	rte_tel_data_add_dict_u64(d, "l2tp_ctrl_unhandled", h->l2tp_ctrl_unhandled);
	rte_tel_data_add_dict_u64(d, "l2tp_ctrl_tx", h->l2tp_ctrl_tx);
	rte_tel_data_add_dict_u64(d, "l2tp_ctrl_tx_held", h->l2tp_ctrl_tx_held);
	tel_drops(d, "l2tp_ctrl_tx_drops", h->l2tp_ctrl_tx_drops, host_ctrl_drop_names,
		  HOST_CTRL_DROP_MAX);
	rte_tel_data_add_dict_u64(d, "host_bad", h->bad);
	rte_tel_data_add_dict_u64(d, "host_ignored", h->ignored);
	rte_tel_data_add_dict_u64(d, "ctrl_tx_full", h->tx_full);
	rte_tel_data_add_dict_u64(d, "neigh_entries", sum.entries);
	rte_tel_data_add_dict_u64(d, "neigh_requests", sum.requests_sent);
	rte_tel_data_add_dict_u64(d, "neigh_resolved", sum.resolved);
	rte_tel_data_add_dict_u64(d, "neigh_held", sum.held);
	rte_tel_data_add_dict_u64(d, "neigh_released", sum.released);
	rte_tel_data_add_dict_u64(d, "neigh_no_route", sum.no_route);
	rte_tel_data_add_dict_u64(d, "neigh_tx_full", sum.tx_full);
	return 0;
}

static int
tel_ports(const char *cmd __rte_unused, const char *params __rte_unused, struct rte_tel_data *d)
{
	struct dp *dp = stats_dp;
	unsigned int i;
	char key[12];

	rte_tel_data_start_dict(d); /* keyed by position: dp_telemetry_index() */
	for (i = 0; i < dp->n_ports; i++) {
		const struct dp_port *p = &dp->ports[i];
		struct rte_tel_data *c = rte_tel_data_alloc();
		struct rte_eth_stats es;

		if (c == NULL)
			return -ENOMEM;
		memset(&es, 0, sizeof(es));
		rte_eth_stats_get(p->id, &es);
		rte_tel_data_start_dict(c);
		rte_tel_data_add_dict_string(c, "name", p->name);
		rte_tel_data_add_dict_string(c, "role", p->network ? "network" : "access");
		rte_tel_data_add_dict_u64(c, "link_up", p->link_up);
		rte_tel_data_add_dict_u64(c, "link_events", p->lsc);
		rte_tel_data_add_dict_u64(c, "ipackets", es.ipackets);
		rte_tel_data_add_dict_u64(c, "opackets", es.opackets);
		rte_tel_data_add_dict_u64(c, "ibytes", es.ibytes);
		rte_tel_data_add_dict_u64(c, "obytes", es.obytes);
		rte_tel_data_add_dict_u64(c, "imissed", es.imissed);
		rte_tel_data_add_dict_u64(c, "ierrors", es.ierrors);
		rte_tel_data_add_dict_u64(c, "oerrors", es.oerrors);
		rte_tel_data_add_dict_u64(c, "rx_nombuf", es.rx_nombuf);
		rte_tel_data_add_dict_container(d, dp_telemetry_index(key, sizeof(key), i), c, 0);
	}
	return 0;
}

static int
tel_vcs(const char *cmd __rte_unused, const char *params, struct rte_tel_data *d)
{
	struct dp *dp = stats_dp;
	struct rte_tel_data *names = rte_tel_data_alloc();
	unsigned long from = params != NULL && *params != '\0' ? strtoul(params, NULL, 10) : 0;
	unsigned long i = 0, n = 0;
	struct dp_vc *vc;

	if (names == NULL)
		return -ENOMEM;
	rte_tel_data_start_array(names, RTE_TEL_STRING_VAL);
	for (vc = dp_vc_next(dp, NULL); vc != NULL && n < STATS_LIST_MAX;
	     vc = dp_vc_next(dp, vc), i++) {
		if (i < from)
			continue;
		rte_tel_data_add_array_string(names, dp_vc_name(vc));
		n++;
	}
	rte_tel_data_start_dict(d);
	rte_tel_data_add_dict_u64(d, "count", dp_vc_count(dp));
	rte_tel_data_add_dict_u64(d, "from", from);
	rte_tel_data_add_dict_container(d, "names", names, 0);
	return 0;
}

static int
tel_vc(const char *cmd __rte_unused, const char *params, struct rte_tel_data *d)
{
	struct dp *dp = stats_dp;
	const struct dp_vc_params *p;
	struct dp_vc_stats st;
	struct dp_vc *vc;
	char buf[ADDR_STR_MAX];

	if (params == NULL)
		return -EINVAL;
	for (vc = dp_vc_next(dp, NULL); vc != NULL; vc = dp_vc_next(dp, vc))
		if (strcmp(dp_vc_name(vc), params) == 0)
			break;
	if (vc == NULL)
		return -ENOENT;
	p = dp_vc_get_params(vc);
	dp_vc_get_stats(vc, &st);
	rte_tel_data_start_dict(d);
	rte_tel_data_add_dict_string(d, "name", dp_vc_name(vc));
	rte_tel_data_add_dict_string(d, "state", dp_vc_is_active(vc) ? "active" : "inactive");
	rte_tel_data_add_dict_string(d, "ac_port", dp_port_name(dp, p->ac_port));
	rte_tel_data_add_dict_u64(d, "ac_vlan", p->ac_vlan);
	rte_tel_data_add_dict_u64(d, "ac_inner_vlan", p->ac_inner_vlan);
	rte_tel_data_add_dict_string(d, "encap", p->encap == L2TP_ENCAP_UDP ? "udp" : "ip");
	rte_tel_data_add_dict_string(d, "local", addr_format(&p->local, buf, sizeof(buf)));
	rte_tel_data_add_dict_string(d, "remote", addr_format(&p->remote, buf, sizeof(buf)));
	rte_tel_data_add_dict_u64(d, "local_session_id", p->local_session_id);
	rte_tel_data_add_dict_u64(d, "remote_session_id", p->remote_session_id);
	rte_tel_data_add_dict_u64(d, "encap_pkts", st.enc_pkts);
	rte_tel_data_add_dict_u64(d, "encap_bytes", st.enc_bytes);
	rte_tel_data_add_dict_u64(d, "decap_pkts", st.dec_pkts);
	rte_tel_data_add_dict_u64(d, "decap_bytes", st.dec_bytes);
	tel_drops(d, "encap_drops", st.enc_drops, dp_enc_drop_names, DP_ENC_DROP_MAX);
	tel_drops(d, "decap_drops", st.dec_drops, dp_dec_drop_names, DP_DEC_DROP_MAX);
	return 0;
}

void
stats_register(struct dp *dp)
{
	pthread_mutex_lock(&control_lock);
	stats_dp = dp;
	dp_telemetry_register("/vcswitch/stats", tel_stats,
			      "Data-plane totals, drops by reason, host and neighbour counters");
	dp_telemetry_register("/vcswitch/ports", tel_ports, "Per-port ethdev counters and link");
	dp_telemetry_register("/vcswitch/vcs", tel_vcs,
			      "VC names. Parameters: int index of the first name (optional)");
	dp_telemetry_register("/vcswitch/vc", tel_vc,
			      "One VC's parameters and counters. "
			      "Parameters: string name");
}

void
stats_unregister(struct dp *dp)
{
	if (stats_dp != dp)
		return;
	stats_dp = NULL;
	pthread_mutex_unlock(&control_lock);
}

static void
dump_drops(FILE *f, const char *what, const uint64_t *v, const char *const *names, unsigned int n)
{
	unsigned int i;
	bool any = false;

	for (i = 0; i < n; i++) {
		if (v[i] == 0)
			continue;
		fprintf(f, "%s%s %s=%" PRIu64, any ? "," : "", any ? "" : what, names[i], v[i]);
		any = true;
	}
	if (any)
		fputc('\n', f);
}

void
dp_dump(struct dp *dp, FILE *f)
{
	struct dp_stats st;
	struct dp_vc_stats vs;
	struct dp_vc *vc;
	unsigned int i, n = 0;

	dp_get_stats(dp, &st);
	fprintf(f, "rx %" PRIu64 "  encap %" PRIu64 "  decap %" PRIu64 "  punted %" PRIu64 "\n",
		st.rx_pkts, st.enc_pkts, st.dec_pkts, st.punted);
	dump_drops(f, "  drops:", st.drops, dp_drop_names, DP_DROP_MAX);
	for (i = 0; i < dp->n_ports; i++) {
		struct rte_eth_stats es;

		memset(&es, 0, sizeof(es));
		rte_eth_stats_get(dp->ports[i].id, &es);
		fprintf(f,
			"port %-10s %-7s link %-4s rx %" PRIu64 " tx %" PRIu64 " missed %" PRIu64
			" rx_err %" PRIu64 " tx_err %" PRIu64 "\n",
			dp->ports[i].name, dp->ports[i].network ? "network" : "access",
			dp->ports[i].link_up ? "up" : "down", es.ipackets, es.opackets, es.imissed,
			es.ierrors, es.oerrors);
	}
	fprintf(f, "%-20s %12s %14s %12s %14s\n", "vc", "encap_pkts", "encap_bytes", "decap_pkts",
		"decap_bytes");
	for (vc = dp_vc_next(dp, NULL); vc != NULL; vc = dp_vc_next(dp, vc), n++) {
		/* a million lines help nobody: telemetry has every VC */
		if (n == DP_DUMP_VCS_MAX) {
			fprintf(f, "... and %u more VCs (telemetry: /vcswitch/vc,NAME)\n",
				dp_vc_count(dp) - n);
			break;
		}
		dp_vc_get_stats(vc, &vs);
		fprintf(f, "%-20s %12" PRIu64 " %14" PRIu64 " %12" PRIu64 " %14" PRIu64 "%s\n",
			dp_vc_name(vc), vs.enc_pkts, vs.enc_bytes, vs.dec_pkts, vs.dec_bytes,
			dp_vc_is_active(vc) ? "" : "  (inactive)");
		dump_drops(f, "  encap drops:", vs.enc_drops, dp_enc_drop_names, DP_ENC_DROP_MAX);
		dump_drops(f, "  decap drops:", vs.dec_drops, dp_dec_drop_names, DP_DEC_DROP_MAX);
	}
	fflush(f);
}
