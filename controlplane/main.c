/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * vcswitch: load the configuration, bring up EAL and the data plane,
 * start the call managers (static sessions, L2TPv3) and the
 * cross-connect, then run the control thread's event loop on the main
 * lcore until SIGINT or SIGTERM; then close every call while the workers
 * still run, and tear down.
 */
#include <ctype.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <rte_debug.h>
#include <rte_eal.h>
#include <rte_errno.h>

#include "cfg.h"
#include "cfg_embedded.h"
#include "cfg_params.h"
#include "clock.h"
#include "cm.h"
#include "ctl.h"
#include "dp.h"
#include "l2tp_cm.h"
#include "l2tp_dp.h"
#include "log.h"
#include "miniport.h"
#include "ss.h"
#include "xc.h"

#define EXIT_CONFIG  2 /* bad command line or configuration */
#define EAL_ARGS_MAX 256
/* Calls closed and StopCCN acknowledged, or we go anyway: after this,
 * or once the StopCCN holds are over (RFC 3931 §7.5: a retransmission
 * cycle, 71 s with the default timers) and the VCs drained, whichever is
 * later. A second signal cuts it. */
#define WIND_DOWN_MS  60000
#define WIND_DRAIN_MS 1000

struct opts {
	const char *config;
	const char *embedded;
	const char *file_prefix;
	bool no_huge;
	unsigned int stats_interval_s;
	int n_eal_extra;
	char **eal_extra;
};

static void
usage(FILE *f, const char *prog)
{
	fprintf(f,
		"Usage: %s (-c FILE | -e NAME) [options] [-- EAL arguments]\n"
		"       %s --check FILE\n"
		"       %s --print-embedded NAME\n"
		"\n"
		"  -c, --config FILE         run with configuration FILE\n"
		"  -e, --embedded NAME       run with a built-in configuration\n"
		"      --check FILE          validate FILE and exit: 0 valid, 2 not\n"
		"      --print-embedded NAME print a built-in configuration\n"
		"      --list-embedded       list the built-in configurations\n"
		"      --no-huge             run without hugepages (overrides eal.hugepages)\n"
		"      --file-prefix PREFIX  override eal.file_prefix\n"
		"      --stats SECONDS       print every counter every SECONDS\n"
		"  -V, --version             print the version\n"
		"  -h, --help                this text\n",
		prog, prog, prog);
}

static int
check_config(const char *path)
{
	char err[CFG_ERR_MAX];
	struct cfg c;

	if (cfg_load_file(path, &c, err, sizeof(err)) < 0) {
		fprintf(stderr, "%s\n", err);
		return EXIT_CONFIG;
	}
	printf("%s: OK: %u ports, %u workers, %u sessions, %u L2TPv3 peers, %u circuits\n", path,
	       c.n_ports, c.n_workers, c.n_sessions, c.l2tp.n_peers, c.n_circuits);
	cfg_free(&c);
	return 0;
}

/* Returns -1 to run, or the exit status of an option that ends here. */
static int
parse_opts(int argc, char **argv, struct opts *o)
{
	enum { OPT_CHECK = 256, OPT_PRINT, OPT_LIST, OPT_NO_HUGE, OPT_PREFIX, OPT_STATS };
	static const struct option longopts[] = {
		{"config", required_argument, NULL, 'c'},
		{"embedded", required_argument, NULL, 'e'},
		{"check", required_argument, NULL, OPT_CHECK},
		{"print-embedded", required_argument, NULL, OPT_PRINT},
		{"list-embedded", no_argument, NULL, OPT_LIST},
		{"no-huge", no_argument, NULL, OPT_NO_HUGE},
		{"file-prefix", required_argument, NULL, OPT_PREFIX},
		{"stats", required_argument, NULL, OPT_STATS},
		{"version", no_argument, NULL, 'V'},
		{"help", no_argument, NULL, 'h'},
		{NULL, 0, NULL, 0},
	};
	const char *text;
	char *end;
	int ch;

	memset(o, 0, sizeof(*o));
	while ((ch = getopt_long(argc, argv, "c:e:Vh", longopts, NULL)) != -1) {
		switch (ch) {
		case 'c':
			o->config = optarg;
			break;
		case 'e':
			o->embedded = optarg;
			break;
		case OPT_CHECK:
			return check_config(optarg);
		case OPT_PRINT:
			text = cfg_embedded(optarg);
			if (text == NULL) {
				fprintf(stderr, "no built-in configuration \"%s\"\n", optarg);
				return EXIT_CONFIG;
			}
			fputs(text, stdout);
			return 0;
		case OPT_LIST:
			cfg_embedded_list(stdout);
			return 0;
		case OPT_NO_HUGE:
			o->no_huge = true;
			break;
		case OPT_PREFIX:
			o->file_prefix = optarg;
			break;
		case OPT_STATS:
			o->stats_interval_s = (unsigned int)strtoul(optarg, &end, 10);
			if (*optarg == '\0' || *end != '\0' || o->stats_interval_s == 0) {
				fprintf(stderr, "--stats: expected a number of seconds\n");
				return EXIT_CONFIG;
			}
			break;
		case 'V':
			printf("vcswitch %s\n", VCS_VERSION);
			return 0;
		case 'h':
			usage(stdout, argv[0]);
			return 0;
		default:
			usage(stderr, argv[0]);
			return EXIT_CONFIG;
		}
	}
	if ((o->config == NULL) == (o->embedded == NULL)) {
		fprintf(stderr, "%s: give exactly one of --config and --embedded\n", argv[0]);
		usage(stderr, argv[0]);
		return EXIT_CONFIG;
	}
	o->n_eal_extra = argc - optind;
	o->eal_extra = argv + optind;
	return -1;
}

/* "0000:3b:00.0" or "3b:00.0", optionally followed by ",devargs". */
static bool
is_pci_address(const char *s)
{
	static const char full[] = "xxxx:xx:xx.x", bus[] = "xx:xx.x";
	const char *shape = strlen(s) >= strlen(full) && s[4] == ':' ? full : bus;
	size_t i;

	for (i = 0; shape[i] != '\0'; i++) {
		if (shape[i] == 'x' ? !isxdigit((unsigned char)s[i]) : s[i] != shape[i])
			return false;
	}
	return s[i] == '\0' || s[i] == ',';
}

/* EAL may reorder its argv, so the copies are also kept here to free. */
static char *eal_owned[EAL_ARGS_MAX];
static int eal_n_owned;

static int
add_arg(char **argv, int *argc, const char *arg)
{
	char *copy;

	if (*argc >= EAL_ARGS_MAX - 1 || (copy = strdup(arg)) == NULL)
		return -1;
	eal_owned[eal_n_owned++] = copy;
	argv[(*argc)++] = copy;
	return 0;
}

static void
eal_args_free(void)
{
	while (eal_n_owned > 0)
		free(eal_owned[--eal_n_owned]);
}

/* EAL's command line, from the configuration and the command line. */
static int
eal_args(const struct cfg *c, const struct opts *o, char *prog, char **argv)
{
	bool hugepages = c->eal.hugepages && !o->no_huge;
	bool any_pci = false;
	char buf[64];
	int argc = 0, rc = 0;
	unsigned int i;

	rc |= add_arg(argv, &argc, prog);
	rc |= add_arg(argv, &argc, "--lcores");
	rc |= add_arg(argv, &argc, c->eal.lcores);
	snprintf(buf, sizeof(buf), "--main-lcore=%u", c->eal.main_lcore);
	rc |= add_arg(argv, &argc, buf);
	snprintf(buf, sizeof(buf), "-m%u", c->eal.memory_mb);
	rc |= add_arg(argv, &argc, buf);
	if (!hugepages)
		rc |= add_arg(argv, &argc, "--no-huge");
	else if (c->eal.in_memory)
		rc |= add_arg(argv, &argc, "--in-memory");
	rc |= add_arg(argv, &argc, "--file-prefix");
	rc |= add_arg(argv, &argc, o->file_prefix ? o->file_prefix : c->eal.file_prefix);
	for (i = 0; i < c->n_ports; i++) {
		const char *dev = c->ports[i].devargs;

		/* a vdev's name (before its first comma) has no bus prefix */
		if (is_pci_address(dev)) {
			rc |= add_arg(argv, &argc, "-a");
			any_pci = true;
		} else if (memchr(dev, ':', strcspn(dev, ",")) == NULL) {
			rc |= add_arg(argv, &argc, "--vdev");
		} else {
			continue; /* another bus: probed through eal.args */
		}
		rc |= add_arg(argv, &argc, dev);
	}
	if (!any_pci)
		rc |= add_arg(argv, &argc, "--no-pci");
	for (i = 0; i < c->eal.n_args; i++)
		rc |= add_arg(argv, &argc, c->eal.args[i]);
	for (i = 0; i < (unsigned int)o->n_eal_extra; i++)
		rc |= add_arg(argv, &argc, o->eal_extra[i]);
	argv[argc] = NULL;
	return rc != 0 ? -1 : argc;
}

static int
load_config(const struct opts *o, struct cfg *c)
{
	char err[CFG_ERR_MAX];
	const char *text;
	int rc;

	if (o->config != NULL) {
		rc = cfg_load_file(o->config, c, err, sizeof(err));
	} else {
		text = cfg_embedded(o->embedded);
		if (text == NULL) {
			fprintf(stderr, "no built-in configuration \"%s\" (see --list-embedded)\n",
				o->embedded);
			return -1;
		}
		rc = cfg_load_string(text, o->embedded, c, err, sizeof(err));
	}
	if (rc < 0)
		fprintf(stderr, "%s\n", err);
	return rc;
}

/* Everything the control thread runs, in the order it is built. */
struct vcs {
	struct dp *dp;
	struct core *core;
	struct xc *xc;
	struct ss *ss;
	struct l2tp_dp *l2tp;
	struct ctl ctl;
};

static void
on_link(void *arg, uint16_t port, bool up)
{
	core_link_status(arg, port, up);
}

static int
on_static_service(void *arg)
{
	return ss_service(arg) ? 0 : -1;
}

static int
on_xc_service(void *arg)
{
	return xc_service(arg, clock_ms());
}

/* The circuits the cross-connect owns: each static session's, named as a
 * Remote End ID would address it ("port", "port.vlan"
 * or "port.vlan.inner"), offered to the
 * static MCM; and those offered to L2TPv3 peers. */
static struct xc_circuit *
circuits_of(const struct cfg *c, unsigned int *n)
{
	struct xc_circuit *xcs = calloc(c->n_sessions + c->n_circuits + 1, sizeof(*xcs));
	unsigned int i;

	*n = 0;
	for (i = 0; xcs != NULL && i < c->n_sessions; i++) {
		const struct cfg_session *s = &c->sessions[i];
		struct xc_circuit *x = &xcs[(*n)++];

		cfg_ac_name(c, s->ac_port, s->ac_vlan, s->ac_inner_vlan, x->name, sizeof(x->name));
		x->family = CM_AF_L2TP_STATIC;
		x->pw_type = s->pw_type;
		x->circuit.port = (uint16_t)s->ac_port;
		x->circuit.vlan = s->ac_vlan;
		x->circuit.inner_vlan = s->ac_inner_vlan;
		cm_flowspec_none(&x->transmit);
		cm_flowspec_none(&x->receive);
	}
	for (i = 0; xcs != NULL && i < c->n_circuits; i++) {
		const struct cfg_circuit *ci = &c->circuits[i];
		struct xc_circuit *x = &xcs[(*n)++];

		snprintf(x->name, sizeof(x->name), "%s", ci->remote_end_id);
		x->family = CM_AF_L2TP;
		x->pw_type = ci->pw_type;
		x->circuit.port = (uint16_t)ci->ac_port;
		x->circuit.vlan = ci->ac_vlan;
		x->circuit.inner_vlan = ci->ac_inner_vlan;
		if (ci->peer >= 0)
			snprintf(x->peer, sizeof(x->peer), "%s", c->l2tp.peers[ci->peer].name);
		x->call = ci->call;
		x->outgoing = ci->outgoing;
		x->cookie_len = ci->cookie_len;
		x->l2ss = ci->l2ss;
		x->seq_recv = ci->sequencing;
		cfg_params_flowspec(&ci->qos_tx, &x->transmit);
		cfg_params_flowspec(&ci->qos_rx, &x->receive);
	}
	return xcs;
}

static int
vcs_start(struct vcs *v, const struct cfg *c, const struct opts *o)
{
	struct cm_miniport mp;
	struct xc_circuit *circuits;
	unsigned int n;

	v->dp = dp_create(c);
	if (v->dp == NULL)
		return -1;
	miniport_of_dp(v->dp, &mp);
	v->core = core_create(&mp);
	if (v->core == NULL || ctl_init(&v->ctl, v->dp, o->stats_interval_s) < 0)
		return -1;
	core_telemetry_register(v->core);
	dp_set_link_cb(v->dp, on_link, v->core);
	circuits = circuits_of(c, &n);
	v->xc = circuits != NULL ? xc_create(v->core, circuits, n) : NULL;
	free(circuits);
	if (v->xc == NULL)
		return -1;
	v->ss = ss_create(v->core, v->dp, c);
	if (v->ss == NULL || ctl_add_service(&v->ctl, on_static_service, v->ss) < 0)
		return -1;
	if (c->l2tp.enabled) {
		v->l2tp = l2tp_dp_start(v->core, v->dp, c);
		if (v->l2tp == NULL || ctl_add_service(&v->ctl, l2tp_dp_service, v->l2tp) < 0)
			return -1;
	}
	if (ctl_add_service(&v->ctl, on_xc_service, v->xc) < 0)
		return -1;
	/* Static sessions up before any frame flows: none finds its circuit
	 * without its session. A session whose port's link is down waits. */
	do
		ctl_turn(&v->ctl);
	while (ss_sweeping(v->ss));
	if (ss_failed(v->ss) != 0) {
		fprintf(stderr, "%u static session(s) could not be set up\n", ss_failed(v->ss));
		return -1;
	}
	return dp_start(v->dp);
}

static bool
vcs_calls_over(void *arg)
{
	const struct vcs *v = arg;

	return (v->ss == NULL || ss_idle(v->ss)) &&
	       (v->l2tp == NULL || l2tp_cm_idle(l2tp_dp_cm(v->l2tp)));
}

/* Close every call while the workers still run: CDN and StopCCN go out
 * and are acknowledged, VCs drain through their grace periods. */
static void
vcs_wind_down(struct vcs *v)
{
	unsigned int limit = WIND_DOWN_MS;

	if (v->ss != NULL)
		ss_stop(v->ss);
	if (v->l2tp != NULL)
		limit = RTE_MAX(limit, (unsigned int)l2tp_cm_stop(l2tp_dp_cm(v->l2tp), clock_ms()) +
					       WIND_DRAIN_MS);
	if (!ctl_run_until(&v->ctl, vcs_calls_over, v, limit))
		CP_LOG(WARNING, "calls still closing: going anyway");
}

/* What is left of the calls closes (VCs drain at once: the workers are
 * stopped) and goes; then the objects, then the ports. Returns 0 when
 * nothing leaked: no call object, no mbuf. */
static int
vcs_stop(struct vcs *v)
{
	unsigned int turns, left;
	int missing;

	if (v->ss != NULL)
		ss_stop(v->ss);
	if (v->l2tp != NULL)
		l2tp_cm_stop(l2tp_dp_cm(v->l2tp), clock_ms());
	for (turns = 0; !vcs_calls_over(v) && turns < 1000; turns++)
		ctl_turn(&v->ctl);
	l2tp_dp_stop(v->l2tp);
	ss_destroy(v->ss);
	xc_destroy(v->xc);
	core_telemetry_register(NULL);
	left = core_destroy(v->core);
	if (left != 0)
		CP_LOG(ERR, "%u call-management objects left at exit", left);
	ctl_fini(&v->ctl);
	missing = dp_destroy(v->dp);
	printf("mbufs: %s\n", missing == 0 ? "all back in the pool" : "some missing");
	return missing != 0 || left != 0 ? -1 : 0;
}

int
main(int argc, char **argv)
{
	char *eargv[EAL_ARGS_MAX];
	struct vcs v = {0};
	struct opts o;
	struct cfg c;
	int eargc, rc;

	rc = parse_opts(argc, argv, &o);
	if (rc >= 0)
		return rc;
	if (load_config(&o, &c) < 0)
		return EXIT_CONFIG;
	eargc = eal_args(&c, &o, argv[0], eargv);
	if (eargc < 0) {
		fprintf(stderr, "too many EAL arguments\n");
		return EXIT_CONFIG;
	}

	ctl_block_signals();
	if (rte_eal_init(eargc, eargv) < 0)
		rte_exit(EXIT_FAILURE, "EAL: %s\n", rte_strerror(rte_errno));
	if (vcs_start(&v, &c, &o) < 0) {
		vcs_stop(&v);
		rte_exit(EXIT_FAILURE, "start-up failed\n");
	}
	printf("vcswitch %s: running: %u ports, %u workers, %u sessions\n", VCS_VERSION, c.n_ports,
	       c.n_workers, c.n_sessions);
	fflush(stdout);

	ctl_run(&v.ctl);
	/* every VC's counters while the VCs still exist: closing the calls
	 * deletes them */
	printf("=== counters when stopping\n");
	dp_dump(v.dp, stdout);
	fflush(stdout);
	vcs_wind_down(&v);

	dp_stop(v.dp);
	printf("=== final counters\n");
	dp_dump(v.dp, stdout);
	rc = vcs_stop(&v);
	cfg_free(&c);
	rte_eal_cleanup();
	eal_args_free();
	return rc == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
