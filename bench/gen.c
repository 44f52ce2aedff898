/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * vcs-gen: the benchmarks' traffic generator. One lcore sends frames to
 * attachment circuits and L2TPv3 data to sessions through DPDK ports
 * (net_memif to the switch under test), receives what comes back on
 * every port, and reports throughput, loss and latency.
 *
 * Every frame carries a stamp (tests/lib/frame.h): its traffic class,
 * the VC it was sent to, a sequence number and the TSC when it left.
 * What comes back is matched by its stamp wherever vcswitch put it,
 * checked against what the class expects (the session an AC frame must
 * come out on, the tags a decapsulated frame must carry), and timed.
 *
 * The run: a warm-up whose packets are not counted, the measured
 * seconds, then a drain that waits for what is still in flight, so that
 * loss is exact: a packet stamped in the measured window is either back
 * or lost.
 */
#include <arpa/inet.h>
#include <getopt.h>
#include <inttypes.h>
#include <math.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <rte_cycles.h>
#include <rte_eal.h>
#include <rte_ethdev.h>
#include <rte_malloc.h>
#include <rte_mbuf.h>
#include <rte_memcpy.h>
#include <rte_random.h>

#include "frame.h"
#include "vlan.h"

#define GEN_MAX_FLOWS  8
#define GEN_MAX_PORTS  8
#define GEN_BURST      32
#define GEN_DESC       1024
#define GEN_MBUFS      65535
#define GEN_MBUF_ROOM  (2048 + RTE_PKTMBUF_HEADROOM)
#define GEN_PICK       64	  /* slots of the weighted class table */
#define GEN_ZIPF_TABLE (1u << 20) /* draws of the Zipf distribution */
#define GEN_HIST       1024
#define GEN_DRAIN_MS   20 /* quiet time that ends the drain */

/* IMIX (simple, 7:4:1) as frame sizes on the circuit side. */
static const uint16_t imix_sizes[] = {64, 594, 1518};
static const uint8_t imix_seq[] = {0, 1, 0, 0, 1, 0, 2, 0, 1, 0, 0, 1};

enum gen_kind {
	GEN_AC,	  /* frames to attachment circuits */
	GEN_L2TP, /* L2TPv3 data to sessions */
};

struct gen_flow {
	enum gen_kind kind;
	uint16_t port;
	uint32_t n;
	uint32_t weight;
	/* AC: the first VC's tags; L2TP: the tags its frames must come out
	 * with (0: not checked) */
	uint16_t vlan, inner_vlan;
	/* L2TP: the first session ID we send to; AC: the session ID its
	 * frames must come out on (0: not checked) */
	uint32_t sid;
	struct frame_l2tp l2tp;
	uint8_t *tmpl[RTE_DIM(imix_sizes)];
	struct frame_layout lo[RTE_DIM(imix_sizes)];
	uint64_t seq;
	/* measured */
	uint64_t tx, rx, misdirected;
	uint32_t *vc_tx, *vc_rx; /* --per-vc */
};

static struct {
	struct gen_flow flows[GEN_MAX_FLOWS];
	unsigned int n_flows;
	uint8_t pick[GEN_PICK];
	unsigned int size; /* 0: IMIX */
	double zipf_s;	   /* 0: uniform */
	uint32_t *zipf;	   /* VC index draws, shared by every class of the same n */
	uint32_t zipf_n;
	double seconds, warmup;
	double rate;
	struct frame_rx_opts rxo;
	bool per_vc;
	bool no_check; /* a plain forwarder under test: frames come back as sent */
	const char *json;
	const char *go_file; /* the run starts once it exists */
	struct rte_mempool *mp;
	unsigned int n_ports; /* ethdev ports 0..n_ports - 1 */
	uint64_t rng;
	/* measured */
	uint64_t measure_start, measure_end;
	uint64_t tx_refused, unparsed, early, stale;
	uint64_t hist[GEN_HIST];
	uint64_t lat_max, lat_n;
	volatile bool quit;
} g = {
	.size = 64,
	.seconds = 10,
	.warmup = 2,
	.rxo = {.udp_port = 1701},
	.rng = 0x9e3779b97f4a7c15ull,
};

static void
usage(void)
{
	fprintf(stderr,
		"usage: vcs-gen [EAL options] -- --flow SPEC [--flow SPEC ...] [options]\n"
		"  SPEC  ac,port=P,n=N,vlan=V[,inner=I][,rsid=S][,weight=W]\n"
		"        l2tp,port=P,n=N,sid=S,src=IP,dst=IP,mac=MAC[,udp=SPORT:DPORT]\n"
		"            [,cookie=HEX][,l2ss][,vlan=V[,inner=I]][,weight=W]\n"
		"  --size N|imix     frame size on the circuit side, 64..1518 (64)\n"
		"  --dist uniform|zipf[:S]  how a class's packets spread over its VCs\n"
		"  --seconds T       measured seconds (10)\n"
		"  --warmup T        seconds sent but not counted (2)\n"
		"  --rate PPS        offered packets per second, 0 = all the ports take (0)\n"
		"  --rx-udp PORT     UDP port of received L2TPv3 data (1701)\n"
		"  --rx-cookie N     cookie length of received L2TPv3 data (0)\n"
		"  --rx-l2ss         received L2TPv3 data has the default L2SS\n"
		"  --per-vc          count per VC and report the VCs that lost packets\n"
		"  --no-check        count what comes back by its stamp alone, not where or\n"
		"                    how it came out (a plain forwarder: testpmd io)\n"
		"  --go-file PATH    once the links are up, wait for PATH to exist (the switch\n"
		"                    under test has its VCs up only when its links are)\n"
		"  --json FILE       the result as JSON ('-': standard output)\n");
	exit(2);
}

static void
die(const char *fmt, const char *what)
{
	fprintf(stderr, "vcs-gen: ");
	fprintf(stderr, fmt, what);
	fprintf(stderr, "\n");
	exit(2);
}

/* xorshift64*: cheap enough per packet, good enough to spread traffic. */
static inline uint64_t
gen_rand(void)
{
	g.rng ^= g.rng >> 12;
	g.rng ^= g.rng << 25;
	g.rng ^= g.rng >> 27;
	return g.rng * 0x2545f4914f6cdd1dull;
}

static int
parse_mac(const char *s, uint8_t *mac)
{
	unsigned int b[6];

	if (sscanf(s, "%x:%x:%x:%x:%x:%x", &b[0], &b[1], &b[2], &b[3], &b[4], &b[5]) != 6)
		return -1;
	for (int i = 0; i < 6; i++)
		mac[i] = (uint8_t)b[i];
	return 0;
}

static int
parse_ip(const char *s, struct frame_l2tp *l, bool dst)
{
	uint8_t a[16];
	bool v6 = strchr(s, ':') != NULL;

	if (inet_pton(v6 ? AF_INET6 : AF_INET, s, a) != 1 || (l->v6 != v6 && dst))
		return -1;
	l->v6 = v6;
	if (v6)
		memcpy(dst ? l->daddr.v6 : l->saddr.v6, a, 16);
	else
		memcpy(dst ? &l->daddr.v4 : &l->saddr.v4, a, 4);
	return 0;
}

static int
parse_cookie(const char *s, struct frame_l2tp *l)
{
	size_t n = strlen(s);

	if (n != 8 && n != 16)
		return -1;
	for (size_t i = 0; i < n / 2; i++) {
		unsigned int b;

		if (sscanf(s + 2 * i, "%2x", &b) != 1)
			return -1;
		l->cookie[i] = (uint8_t)b;
	}
	l->cookie_len = (uint8_t)(n / 2);
	return 0;
}

static unsigned long
parse_num(const char *v, unsigned long max, const char *spec)
{
	char *end;
	unsigned long n = strtoul(v, &end, 0);

	if (*v == '\0' || *end != '\0' || n > max)
		die("bad number in --flow %s", spec);
	return n;
}

static void
parse_flow(char *spec)
{
	struct gen_flow *f = &g.flows[g.n_flows];
	char copy[512], *tok, *save = NULL;
	const char *src = NULL, *dst = NULL;

	if (g.n_flows == GEN_MAX_FLOWS)
		die("at most 8 --flow (%s)", spec);
	snprintf(copy, sizeof(copy), "%s", spec);
	memset(f, 0, sizeof(*f));
	f->weight = 1;
	f->l2tp.sport = f->l2tp.dport = 1701;
	tok = strtok_r(spec, ",", &save);
	if (tok == NULL || (strcmp(tok, "ac") != 0 && strcmp(tok, "l2tp") != 0))
		die("a --flow starts with ac or l2tp: %s", copy);
	f->kind = strcmp(tok, "ac") == 0 ? GEN_AC : GEN_L2TP;
	while ((tok = strtok_r(NULL, ",", &save)) != NULL) {
		char *v = strchr(tok, '=');

		if (v != NULL)
			*v++ = '\0';
		if (strcmp(tok, "l2ss") == 0 && v == NULL)
			f->l2tp.l2ss = true;
		else if (v == NULL)
			die("--flow %s: KEY=VALUE expected", copy);
		else if (strcmp(tok, "port") == 0)
			f->port = (uint16_t)parse_num(v, RTE_MAX_ETHPORTS - 1, copy);
		else if (strcmp(tok, "n") == 0)
			f->n = (uint32_t)parse_num(v, 1u << 24, copy);
		else if (strcmp(tok, "vlan") == 0)
			f->vlan = (uint16_t)parse_num(v, VLAN_ID_MAX, copy);
		else if (strcmp(tok, "inner") == 0)
			f->inner_vlan = (uint16_t)parse_num(v, VLAN_ID_MAX, copy);
		else if (strcmp(tok, "sid") == 0 || strcmp(tok, "rsid") == 0)
			f->sid = (uint32_t)parse_num(v, UINT32_MAX, copy);
		else if (strcmp(tok, "weight") == 0)
			f->weight = (uint32_t)parse_num(v, GEN_PICK, copy);
		else if (strcmp(tok, "src") == 0)
			src = v;
		else if (strcmp(tok, "dst") == 0)
			dst = v;
		else if (strcmp(tok, "mac") == 0 && parse_mac(v, f->l2tp.dst) == 0)
			continue;
		else if (strcmp(tok, "udp") == 0 &&
			 sscanf(v, "%hu:%hu", &f->l2tp.sport, &f->l2tp.dport) == 2)
			f->l2tp.udp = true;
		else if (strcmp(tok, "cookie") == 0 && parse_cookie(v, &f->l2tp) == 0)
			continue;
		else
			die("--flow %s: bad setting", copy);
	}
	if (f->n == 0 || f->weight == 0)
		die("--flow %s: n and weight must be at least 1", copy);
	if (f->kind == GEN_L2TP &&
	    (f->sid == 0 || src == NULL || dst == NULL || parse_ip(src, &f->l2tp, false) < 0 ||
	     parse_ip(dst, &f->l2tp, true) < 0 || (uint64_t)f->sid + f->n - 1 > UINT32_MAX))
		die("--flow %s: sid, src and dst (one family) are needed", copy);
	if (f->kind == GEN_AC && f->vlan == 0 && f->n != 1)
		die("--flow %s: several circuits need vlan=", copy);
	if ((f->vlan != 0 || f->n == 1) &&
	    vlan_range_at(f->vlan, f->inner_vlan, f->n - 1, &(uint16_t){0}, &(uint16_t){0}) < 0)
		die("--flow %s: the range runs past VLAN 4094", copy);
	g.n_flows++;
}

static void
parse_args(int argc, char **argv)
{
	static const struct option opts[] = {
		{"flow", required_argument, NULL, 'f'},
		{"size", required_argument, NULL, 's'},
		{"dist", required_argument, NULL, 'd'},
		{"seconds", required_argument, NULL, 't'},
		{"warmup", required_argument, NULL, 'w'},
		{"rate", required_argument, NULL, 'r'},
		{"rx-udp", required_argument, NULL, 'u'},
		{"rx-cookie", required_argument, NULL, 'c'},
		{"rx-l2ss", no_argument, NULL, 'l'},
		{"per-vc", no_argument, NULL, 'p'},
		{"no-check", no_argument, NULL, 'n'},
		{"go-file", required_argument, NULL, 'g'},
		{"json", required_argument, NULL, 'j'},
		{NULL, 0, NULL, 0},
	};
	int ch;

	while ((ch = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (ch) {
		case 'f':
			parse_flow(optarg);
			break;
		case 's':
			g.size = strcmp(optarg, "imix") == 0 ? 0 : (unsigned int)atoi(optarg);
			if (g.size != 0 && (g.size < 64 || g.size > 1518))
				die("--size %s: 64..1518 or imix", optarg);
			break;
		case 'd':
			if (strcmp(optarg, "uniform") == 0)
				g.zipf_s = 0;
			else if (strncmp(optarg, "zipf", 4) == 0)
				g.zipf_s = optarg[4] == ':' ? atof(optarg + 5) : 1.0;
			else
				die("--dist %s: uniform or zipf[:S]", optarg);
			if (g.zipf_s < 0 || g.zipf_s > 5)
				die("--dist %s: S in 0..5", optarg);
			break;
		case 't':
			g.seconds = atof(optarg);
			break;
		case 'w':
			g.warmup = atof(optarg);
			break;
		case 'r':
			g.rate = atof(optarg);
			break;
		case 'u':
			g.rxo.udp_port = (uint16_t)atoi(optarg);
			break;
		case 'c':
			g.rxo.cookie_len = (uint8_t)atoi(optarg);
			break;
		case 'l':
			g.rxo.l2ss = true;
			break;
		case 'p':
			g.per_vc = true;
			break;
		case 'n':
			g.no_check = true;
			break;
		case 'g':
			g.go_file = optarg;
			break;
		case 'j':
			g.json = optarg;
			break;
		default:
			usage();
		}
	}
	if (g.n_flows == 0 || g.seconds <= 0 || g.warmup < 0 || g.rate < 0 ||
	    (g.rxo.cookie_len != 0 && g.rxo.cookie_len != 4 && g.rxo.cookie_len != 8))
		usage();
}

/* The draws of a Zipf distribution over n VCs (rank = VC index): a
 * table looked up at random, so that a packet costs no logarithm. */
static uint32_t *
zipf_table(uint32_t n, double s)
{
	uint32_t *t = rte_malloc("zipf", GEN_ZIPF_TABLE * sizeof(*t), 0);
	double *cdf = malloc(n * sizeof(*cdf)), sum = 0;
	uint32_t i, k = 0;

	if (t == NULL || cdf == NULL)
		die("%s", "out of memory for the Zipf table");
	for (i = 0; i < n; i++)
		cdf[i] = sum += 1.0 / pow(i + 1.0, s);
	for (i = 0; i < GEN_ZIPF_TABLE; i++) {
		double u = (i + 0.5) / GEN_ZIPF_TABLE * sum;

		while (k + 1 < n && cdf[k] < u)
			k++;
		t[i] = k;
	}
	free(cdf);
	/* shuffled, so that consecutive draws are not sorted by rank */
	for (i = GEN_ZIPF_TABLE - 1; i > 0; i--) {
		uint32_t j = (uint32_t)(gen_rand() % (i + 1)), x = t[i];

		t[i] = t[j];
		t[j] = x;
	}
	return t;
}

static void
flow_templates(struct gen_flow *f)
{
	static const uint8_t gen_mac[6] = {2, 0x76, 0x63, 0x73, 0x67, 0x01}; /* "vcsg" */
	static const uint8_t ac_peer[6] = {2, 0x76, 0x63, 0x73, 0x67, 0x02};
	unsigned int i;

	for (i = 0; i < RTE_DIM(imix_sizes); i++) {
		uint16_t len = g.size != 0 ? (uint16_t)g.size : imix_sizes[i];
		int rc;

		if (g.size != 0 && i != 0)
			break;
		f->tmpl[i] = rte_zmalloc("tmpl", FRAME_MAX, RTE_CACHE_LINE_SIZE);
		if (f->tmpl[i] == NULL)
			die("%s", "out of memory");
		if (f->kind == GEN_AC) {
			struct frame_eth e = {.vlan = f->vlan, .inner_vlan = f->inner_vlan};

			memcpy(e.dst, ac_peer, 6);
			memcpy(e.src, gen_mac, 6);
			rc = frame_eth_build(f->tmpl[i], len, &e, &f->lo[i]);
		} else {
			memcpy(f->l2tp.src, gen_mac, 6);
			memcpy(f->l2tp.inner.dst, ac_peer, 6);
			memcpy(f->l2tp.inner.src, gen_mac, 6);
			f->l2tp.session_id = f->sid;
			rc = frame_l2tp_build(f->tmpl[i], len, &f->l2tp, &f->lo[i]);
		}
		if (rc < 0)
			die("%s", "cannot build the frames");
	}
	if (g.per_vc) {
		f->vc_tx = rte_zmalloc("vc_tx", f->n * sizeof(uint32_t), 0);
		f->vc_rx = rte_zmalloc("vc_rx", f->n * sizeof(uint32_t), 0);
		if (f->vc_tx == NULL || f->vc_rx == NULL)
			die("%s", "out of memory for --per-vc");
	}
}

static void
setup_flows(void)
{
	unsigned int i, k = 0, total = 0;

	for (i = 0; i < g.n_flows; i++) {
		total += g.flows[i].weight;
		flow_templates(&g.flows[i]);
		if (g.zipf_s > 0 && g.flows[i].n > g.zipf_n)
			g.zipf_n = g.flows[i].n;
	}
	/* the class of each packet: a table filled by weight */
	for (i = 0; i < g.n_flows; i++)
		for (uint64_t w = 0; w < (uint64_t)g.flows[i].weight * GEN_PICK / total; w++)
			g.pick[k++] = (uint8_t)i;
	while (k < GEN_PICK)
		g.pick[k++] = (uint8_t)(g.n_flows - 1);
	if (g.zipf_s > 0)
		g.zipf = zipf_table(g.zipf_n, g.zipf_s);
}

static inline uint32_t
pick_vc(const struct gen_flow *f, uint64_t r)
{
	if (g.zipf != NULL) {
		/* a flow with fewer VCs than the table folds the tail back */
		uint32_t v = g.zipf[(r >> 8) & (GEN_ZIPF_TABLE - 1)];

		return v < f->n ? v : v % f->n;
	}
	return (uint32_t)(((r >> 32) * f->n) >> 32);
}

/* Writes packet m for class f: its VC's tags or session ID, the stamp. */
static inline void
gen_build(struct rte_mbuf *m, struct gen_flow *f, unsigned int s, uint32_t vc, uint64_t now)
{
	const struct frame_layout *lo = &f->lo[s];
	struct frame_stamp st = {
		.magic = FRAME_STAMP_MAGIC,
		.flow = (uint32_t)(f - g.flows),
		.vc = vc,
		.seq = f->seq++,
		.tsc = now,
	};
	uint8_t *p = rte_pktmbuf_mtod(m, uint8_t *);

	rte_memcpy(p, f->tmpl[s], lo->len);
	m->data_len = lo->len;
	m->pkt_len = lo->len;
	m->hash.usr = lo->stamp_off; /* to find the stamp if the port refuses it */
	if (f->kind == GEN_AC) {
		uint16_t v, in;

		if (f->vlan != 0 && vlan_range_at(f->vlan, f->inner_vlan, vc, &v, &in) == 0) {
			frame_put_vid(p + lo->vlan_off, v);
			if (in != 0)
				frame_put_vid(p + lo->inner_vlan_off, in);
		}
	} else {
		frame_put_be32(p + lo->session_off, f->sid + vc);
	}
	memcpy(p + lo->stamp_off, &st, sizeof(st));
	frame_l2tp_csum(p, lo);
}

/* Sends n packets, each to its class's port; what a port refuses (its
 * ring is full) is not counted as sent. */
static void
gen_send(unsigned int n, uint64_t now, bool measured)
{
	static unsigned int imix_pos;
	struct rte_mbuf *pkts[GEN_BURST], *out[GEN_MAX_PORTS][GEN_BURST];
	uint16_t cnt[GEN_MAX_PORTS] = {0};
	unsigned int i, p;

	if (rte_pktmbuf_alloc_bulk(g.mp, pkts, n) != 0)
		return;
	for (i = 0; i < n; i++) {
		uint64_t r = gen_rand();
		struct gen_flow *f = &g.flows[g.pick[r & (GEN_PICK - 1)]];
		unsigned int s = g.size != 0 ? 0 : imix_seq[imix_pos++ % sizeof(imix_seq)];
		uint32_t vc = pick_vc(f, r);

		gen_build(pkts[i], f, s, vc, now);
		out[f->port][cnt[f->port]++] = pkts[i];
		if (measured) {
			f->tx++;
			if (f->vc_tx != NULL)
				f->vc_tx[vc]++;
		}
	}
	for (p = 0; p < g.n_ports; p++) {
		uint16_t sent;

		if (cnt[p] == 0)
			continue;
		sent = rte_eth_tx_burst((uint16_t)p, 0, out[p], cnt[p]);
		for (i = sent; i < cnt[p]; i++) {
			struct rte_mbuf *m = out[p][i];
			struct frame_stamp st;

			memcpy(&st, rte_pktmbuf_mtod(m, const uint8_t *) + m->hash.usr, sizeof(st));
			if (measured) {
				g.flows[st.flow].tx--;
				if (g.flows[st.flow].vc_tx != NULL)
					g.flows[st.flow].vc_tx[st.vc]--;
			}
			g.tx_refused++;
			rte_pktmbuf_free(m);
		}
	}
}

static inline void
hist_add(uint64_t d)
{
	unsigned int idx;

	if (d < 16) {
		idx = (unsigned int)d;
	} else {
		unsigned int msb = 63 - (unsigned int)__builtin_clzll(d);

		idx = 16 + (msb - 4) * 16 + (unsigned int)(d >> (msb - 4) & 15);
	}
	g.hist[idx < GEN_HIST ? idx : GEN_HIST - 1]++;
	g.lat_n++;
	if (d > g.lat_max)
		g.lat_max = d;
}

/* The middle of bucket idx, in cycles. */
static double
hist_value(unsigned int idx)
{
	unsigned int msb;

	if (idx < 16)
		return idx;
	msb = (idx - 16) / 16 + 4;
	return (double)((16ull + (idx - 16) % 16) << (msb - 4)) + (double)(1ull << (msb - 4)) / 2;
}

static double
hist_pct(double q)
{
	uint64_t want = (uint64_t)ceil(q * (double)g.lat_n), seen = 0;
	unsigned int i;

	if (g.lat_n == 0)
		return 0;
	for (i = 0; i < GEN_HIST; i++) {
		seen += g.hist[i];
		if (seen >= want)
			return hist_value(i);
	}
	return (double)g.lat_max;
}

/* Whether what came back is what class f should get for VC vc. */
static bool
gen_expected(const struct gen_flow *f, const struct frame_info *fi, uint32_t vc)
{
	uint16_t v, in;

	if (f->kind == GEN_AC)
		return f->sid == 0 || (fi->l2tp && fi->session_id == f->sid + vc);
	if (f->vlan == 0)
		return !fi->l2tp;
	return !fi->l2tp && vlan_range_at(f->vlan, f->inner_vlan, vc, &v, &in) == 0 &&
	       fi->vlan == v && fi->inner_vlan == in;
}

static unsigned int
gen_receive(uint64_t now)
{
	struct rte_mbuf *pkts[GEN_BURST];
	unsigned int p, i, total = 0;

	for (p = 0; p < g.n_ports; p++) {
		uint16_t n = rte_eth_rx_burst((uint16_t)p, 0, pkts, GEN_BURST);

		for (i = 0; i < n; i++) {
			const struct rte_mbuf *m = pkts[i];
			struct frame_info fi;
			struct gen_flow *f;

			if (frame_parse(rte_pktmbuf_mtod(m, const uint8_t *),
					rte_pktmbuf_data_len(m), &g.rxo, &fi) < 0 ||
			    fi.stamp.flow >= g.n_flows || fi.stamp.vc >= g.flows[fi.stamp.flow].n) {
				g.unparsed++;
				continue;
			}
			f = &g.flows[fi.stamp.flow];
			if (fi.stamp.tsc < g.measure_start) {
				g.early++;
				continue;
			}
			if (fi.stamp.tsc >= g.measure_end) {
				g.stale++;
				continue;
			}
			if (!g.no_check && !gen_expected(f, &fi, fi.stamp.vc)) {
				f->misdirected++;
				continue;
			}
			f->rx++;
			if (f->vc_rx != NULL)
				f->vc_rx[fi.stamp.vc]++;
			hist_add(now - fi.stamp.tsc);
		}
		rte_pktmbuf_free_bulk(pkts, n);
		total += n;
	}
	return total;
}

static void
port_setup(uint16_t port)
{
	struct rte_eth_conf conf = {0};
	struct rte_eth_link link;
	uint64_t deadline;

	if (rte_eth_dev_configure(port, 1, 1, &conf) < 0 ||
	    rte_eth_rx_queue_setup(port, 0, GEN_DESC, rte_eth_dev_socket_id(port), NULL, g.mp) <
		    0 ||
	    rte_eth_tx_queue_setup(port, 0, GEN_DESC, rte_eth_dev_socket_id(port), NULL) < 0 ||
	    rte_eth_dev_start(port) < 0)
		die("%s", "cannot set up a port");
	/* memif: the link is up once the other side has connected */
	deadline = rte_get_timer_cycles() + 30 * rte_get_timer_hz();
	do {
		if (rte_eth_link_get_nowait(port, &link) == 0 && link.link_status)
			return;
		rte_delay_ms(10);
	} while (rte_get_timer_cycles() < deadline && !g.quit);
	die("%s", "a port's link did not come up within 30 s");
}

static void
on_signal(int sig)
{
	(void)sig;
	g.quit = true;
}

/* Warm-up, measured window, drain. */
static double
gen_run(void)
{
	uint64_t hz = rte_get_timer_hz(), start = rte_get_timer_cycles(), sent = 0, quiet;
	uint64_t now;

	g.measure_start = start + (uint64_t)(g.warmup * (double)hz);
	g.measure_end = g.measure_start + (uint64_t)(g.seconds * (double)hz);
	while (!g.quit && (now = rte_rdtsc()) < g.measure_end) {
		unsigned int n = GEN_BURST;

		if (g.rate > 0) {
			uint64_t due = (uint64_t)((double)(now - start) * g.rate / (double)hz);

			n = due > sent ? (unsigned int)RTE_MIN(due - sent, (uint64_t)GEN_BURST) : 0;
			sent += n;
		}
		if (n != 0)
			gen_send(n, now, now >= g.measure_start);
		gen_receive(now);
	}
	/* the drain: until nothing came for GEN_DRAIN_MS */
	quiet = rte_rdtsc();
	while (!g.quit && (now = rte_rdtsc()) - quiet < GEN_DRAIN_MS * hz / 1000)
		if (gen_receive(now) != 0)
			quiet = now;
	return (double)(g.measure_end - g.measure_start) / (double)hz;
}

static void
report(double seconds)
{
	double us = 1e6 / (double)rte_get_timer_hz();
	uint64_t tx = 0, rx = 0, mis = 0, lossy = 0;
	FILE *out = stdout;
	unsigned int i;

	for (i = 0; i < g.n_flows; i++) {
		const struct gen_flow *f = &g.flows[i];

		tx += f->tx;
		rx += f->rx;
		mis += f->misdirected;
	}
	if (g.json != NULL && strcmp(g.json, "-") != 0 && (out = fopen(g.json, "w")) == NULL)
		die("cannot write %s", g.json);
	fprintf(out,
		"{\"seconds\": %.3f, \"tx\": %" PRIu64 ", \"rx\": %" PRIu64
		", \"mpps\": %.4f, \"tx_mpps\": %.4f, \"loss\": %.6g, \"misdirected\": %" PRIu64
		", \"unparsed\": %" PRIu64 ", \"tx_refused\": %" PRIu64
		", \"latency_us\": {\"p50\": %.2f, \"p99\": %.2f, \"max\": %.2f}, \"flows\": [",
		seconds, tx, rx, (double)rx / seconds / 1e6, (double)tx / seconds / 1e6,
		tx == 0 ? 0.0 : (double)(tx - RTE_MIN(rx, tx)) / (double)tx, mis, g.unparsed,
		g.tx_refused, hist_pct(0.5) * us, hist_pct(0.99) * us, (double)g.lat_max * us);
	for (i = 0; i < g.n_flows; i++) {
		const struct gen_flow *f = &g.flows[i];
		uint64_t vcs_lossy = 0, vcs_lost = 0;

		for (uint32_t v = 0; f->vc_tx != NULL && v < f->n; v++)
			if (f->vc_rx[v] != f->vc_tx[v]) {
				vcs_lossy++;
				vcs_lost += f->vc_tx[v] - RTE_MIN(f->vc_rx[v], f->vc_tx[v]);
			}
		lossy += vcs_lossy;
		fprintf(out,
			"%s{\"tx\": %" PRIu64 ", \"rx\": %" PRIu64 ", \"misdirected\": %" PRIu64,
			i == 0 ? "" : ", ", f->tx, f->rx, f->misdirected);
		if (f->vc_tx != NULL)
			fprintf(out, ", \"vcs_with_loss\": %" PRIu64 ", \"lost\": %" PRIu64,
				vcs_lossy, vcs_lost);
		fprintf(out, "}");
	}
	fprintf(out, "]}\n");
	if (out != stdout)
		fclose(out);
	fprintf(stderr,
		"vcs-gen: %.1f s: sent %" PRIu64 ", received %" PRIu64 " (%.3f Mpps), lost %" PRIu64
		", misdirected %" PRIu64 ", latency p50 %.1f p99 %.1f max %.1f us%s\n",
		seconds, tx, rx, (double)rx / seconds / 1e6, tx - RTE_MIN(rx, tx), mis,
		hist_pct(0.5) * us, hist_pct(0.99) * us, (double)g.lat_max * us,
		lossy != 0 ? " (per-VC loss found)" : "");
}

int
main(int argc, char **argv)
{
	int n = rte_eal_init(argc, argv);
	unsigned int i;
	uint16_t port;

	if (n < 0)
		die("%s", "EAL initialisation failed");
	parse_args(argc - n, argv + n);
	signal(SIGINT, on_signal);
	signal(SIGTERM, on_signal);
	g.rng ^= rte_rdtsc();
	g.mp = rte_pktmbuf_pool_create("gen", GEN_MBUFS, 512, 0, GEN_MBUF_ROOM, rte_socket_id());
	if (g.mp == NULL)
		die("%s", "cannot create the mbuf pool");
	RTE_ETH_FOREACH_DEV(port) {
		if (g.n_ports == GEN_MAX_PORTS || port != g.n_ports)
			die("%s", "ports must be 0..7");
		g.n_ports++;
	}
	for (i = 0; i < g.n_flows; i++)
		if (g.flows[i].port >= g.n_ports)
			die("%s", "a --flow names a port that does not exist");
	setup_flows();
	for (i = 0; i < g.n_ports; i++)
		port_setup((uint16_t)i);
	while (g.go_file != NULL && access(g.go_file, F_OK) != 0 && !g.quit)
		rte_delay_ms(10);
	report(gen_run());
	for (i = 0; i < g.n_ports; i++) {
		rte_eth_dev_stop((uint16_t)i);
		rte_eth_dev_close((uint16_t)i);
	}
	rte_eal_cleanup();
	return 0;
}
