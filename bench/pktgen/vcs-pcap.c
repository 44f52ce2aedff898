/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * vcs-pcap: traffic files for a vcswitch configuration, one pcap per
 * port, for a generator with real NICs (pktgen replays them, see
 * bench/pktgen/README.md). Frames are built by the tests' builders
 * (tests/lib/frame.h), so what the kit sends is what the tests check.
 *
 * An access port's file holds one frame for every static session and
 * every L2TPv3 circuit on it, with the circuit's tags. A network port's
 * file holds one L2TPv3 data packet for every static session on it, as
 * the session's peer would send it: its addresses, UDP ports, session
 * ID, cookie and sublayer, around the frame the other direction
 * carries. Dynamic sessions get their IDs at run time: their circuits
 * get access frames only, the other direction comes from the peer.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "addr.h"
#include "cfg.h"
#include "frame.h"
#include "pcap.h"

#define FCS_LEN	     4 /* sizes count it, as on the wire; a pcap record holds none */
#define SIZE_MIN     64
#define SIZE_MAX_STD 1518

/* IMIX (simple, 7:4:1), as bench/gen.c draws it */
static const uint16_t imix_sizes[] = {64, 594, 1518};
static const uint8_t imix_seq[] = {0, 1, 0, 0, 1, 0, 2, 0, 1, 0, 0, 1};

/* what sends into the access ports, and the peer that sends L2TPv3 */
static const uint8_t host_mac[6] = {0x02, 0x00, 0x00, 0x00, 0x00, 0xaa};
static const uint8_t peer_mac_default[6] = {0x02, 0x00, 0x00, 0x00, 0x00, 0x01};

struct opts {
	const char *config;
	const char *dir;
	unsigned int size; /* 0: IMIX */
	bool has_dut_mac;
	uint8_t dut_mac[6];
};

struct out {
	FILE *f;
	char path[512];
	unsigned int frames;
};

static void
usage(FILE *f, const char *prog)
{
	fprintf(f,
		"Usage: %s -c FILE -o DIR [--size N|imix] [--dut-mac MAC]\n"
		"\n"
		"Writes DIR/PORT.pcap for every port of the vcswitch configuration FILE\n"
		"that has traffic: frames to its circuits on access ports, L2TPv3 data\n"
		"to its static sessions on network ports.\n"
		"\n"
		"  -c, --config FILE  the configuration vcswitch runs with\n"
		"  -o, --out DIR      where the files go (created)\n"
		"  -s, --size N|imix  frame size on the circuit, with the FCS, 64..1518 (64);\n"
		"                     imix: 64, 594 and 1518 bytes, 7:4:1, across the sessions\n"
		"  -m, --dut-mac MAC  vcswitch's MAC on the network ports that have none\n"
		"                     in the file\n",
		prog);
}

static int
parse_opts(int argc, char **argv, struct opts *o)
{
	static const struct option longopts[] = {
		{"config", required_argument, NULL, 'c'}, {"out", required_argument, NULL, 'o'},
		{"size", required_argument, NULL, 's'},	  {"dut-mac", required_argument, NULL, 'm'},
		{"help", no_argument, NULL, 'h'},	  {NULL, 0, NULL, 0},
	};
	char *end;
	int c;

	memset(o, 0, sizeof(*o));
	o->size = SIZE_MIN;
	while ((c = getopt_long(argc, argv, "c:o:s:m:h", longopts, NULL)) != -1) {
		switch (c) {
		case 'c':
			o->config = optarg;
			break;
		case 'o':
			o->dir = optarg;
			break;
		case 's':
			if (strcmp(optarg, "imix") == 0) {
				o->size = 0;
				break;
			}
			errno = 0;
			o->size = (unsigned int)strtoul(optarg, &end, 10);
			if (errno != 0 || *end != '\0' || o->size < SIZE_MIN ||
			    o->size > SIZE_MAX_STD) {
				fprintf(stderr, "--size %s: 64..1518 or imix\n", optarg);
				return -1;
			}
			break;
		case 'm':
			if (addr_mac_parse(optarg, o->dut_mac) < 0) {
				fprintf(stderr, "--dut-mac %s: not a MAC address\n", optarg);
				return -1;
			}
			o->has_dut_mac = true;
			break;
		case 'h':
			usage(stdout, argv[0]);
			exit(0);
		default:
			usage(stderr, argv[0]);
			return -1;
		}
	}
	if (o->config == NULL || o->dir == NULL || optind != argc) {
		usage(stderr, argv[0]);
		return -1;
	}
	return 0;
}

/* The frame size of the i-th flow, with the FCS. */
static uint16_t
flow_size(const struct opts *o, unsigned int i)
{
	return o->size != 0 ? (uint16_t)o->size : imix_sizes[imix_seq[i % sizeof(imix_seq)]];
}

static int
out_write(struct out *out, const char *dir, const char *port, const uint8_t *frame, uint16_t len)
{
	static const struct timeval t0 = {0, 0};

	if (out->f == NULL) {
		snprintf(out->path, sizeof(out->path), "%s/%s.pcap", dir, port);
		out->f = pcap_file_create(out->path);
		if (out->f == NULL) {
			fprintf(stderr, "%s: %s\n", out->path, strerror(errno));
			return -1;
		}
	}
	if (pcap_file_write(out->f, frame, len, &t0) < 0) {
		fprintf(stderr, "%s: %s\n", out->path, strerror(errno));
		return -1;
	}
	out->frames++;
	return 0;
}

/* The i-th flow's source MAC: a flow per circuit for whatever learns or
 * hashes MACs on the way. */
static void
flow_mac(uint8_t mac[6], unsigned int i)
{
	memcpy(mac, host_mac, 6);
	mac[2] = (uint8_t)(i >> 24);
	mac[3] = (uint8_t)(i >> 16);
	mac[4] = (uint8_t)(i >> 8);
	mac[5] = (uint8_t)i;
}

/* A frame into a circuit, with its tags. */
static int
ac_frame(uint8_t *buf, uint16_t size, uint16_t vlan, uint16_t inner, unsigned int i)
{
	struct frame_eth e = {.vlan = vlan, .inner_vlan = inner};
	struct frame_layout lo;

	memcpy(e.dst, host_mac, 6);
	flow_mac(e.src, i);
	if (frame_eth_build(buf, (uint16_t)(size - FCS_LEN), &e, &lo) < 0)
		return -1;
	return lo.len;
}

/* The peer's MAC: its neighbor entry on the port, if any. */
static const uint8_t *
peer_mac(const struct cfg_port *p, const struct vcs_addr *peer)
{
	unsigned int i;

	for (i = 0; i < p->n_neighbors; i++)
		if (addr_equal(&p->neighbors[i].ip, peer))
			return p->neighbors[i].mac;
	return peer_mac_default;
}

/* What the peer sends for session s: the frame of the other direction,
 * as the pseudowire carries it (the tags a pw_type ethernet strips are
 * gone, a pw_type ethernet-vlan keeps the innermost). */
static int
l2tp_packet(uint8_t *buf, const struct cfg *c, const struct opts *o, const struct cfg_session *s,
	    uint16_t size, unsigned int i)
{
	const struct cfg_port *net = &c->ports[s->net_port];
	struct frame_l2tp l = {0};
	struct frame_layout lo;
	uint16_t inner_len = (uint16_t)(size - FCS_LEN);

	memcpy(l.dst, net->has_mac ? net->mac : o->dut_mac, 6);
	memcpy(l.src, peer_mac(net, &s->remote), 6);
	l.v6 = s->local.family == AF_INET6;
	l.udp = s->encap == L2TP_ENCAP_UDP;
	if (l.v6) {
		memcpy(l.saddr.v6, s->remote.v6, 16);
		memcpy(l.daddr.v6, s->local.v6, 16);
	} else {
		l.saddr.v4 = s->remote.v4;
		l.daddr.v4 = s->local.v4;
	}
	l.sport = s->udp_remote_port;
	l.dport = s->udp_local_port;
	l.session_id = s->local_session_id;
	l.cookie_len = s->local_cookie_len;
	memcpy(l.cookie, s->local_cookie, s->local_cookie_len);
	l.l2ss = s->l2ss == L2TP_L2SS_DEFAULT;
	memcpy(l.inner.dst, host_mac, 6);
	flow_mac(l.inner.src, i);
	if (s->pw_type == L2TP_PW_ETH_VLAN && s->ac_vlan != 0)
		l.inner.vlan = s->ac_inner_vlan != 0 ? s->ac_inner_vlan : s->ac_vlan;
	inner_len = (uint16_t)(inner_len - (s->ac_vlan != 0 ? 4 : 0) -
			       (s->ac_inner_vlan != 0 ? 4 : 0) + (l.inner.vlan != 0 ? 4 : 0));
	if (frame_l2tp_build(buf, inner_len, &l, &lo) < 0)
		return -1;
	return lo.len;
}

static int
write_files(const struct cfg *c, const struct opts *o, struct out *outs)
{
	static uint8_t buf[FRAME_MAX];
	unsigned int i, flow = 0;
	int len;

	for (i = 0; i < c->n_sessions; i++, flow++) {
		const struct cfg_session *s = &c->sessions[i];
		uint16_t size = flow_size(o, flow);

		len = ac_frame(buf, size, s->ac_vlan, s->ac_inner_vlan, flow);
		if (len < 0 || out_write(&outs[s->ac_port], o->dir, c->ports[s->ac_port].name, buf,
					 (uint16_t)len) < 0)
			return -1;
		if (!c->ports[s->net_port].has_mac && !o->has_dut_mac) {
			fprintf(stderr,
				"network port %s has no mac in %s: give vcswitch's with "
				"--dut-mac\n",
				c->ports[s->net_port].name, o->config);
			return -1;
		}
		len = l2tp_packet(buf, c, o, s, size, flow);
		if (len < 0) {
			fprintf(stderr, "session %s: a %u-byte frame does not fit\n", s->name,
				size);
			return -1;
		}
		if (out_write(&outs[s->net_port], o->dir, c->ports[s->net_port].name, buf,
			      (uint16_t)len) < 0)
			return -1;
	}
	for (i = 0; i < c->n_circuits; i++, flow++) {
		const struct cfg_circuit *ci = &c->circuits[i];

		len = ac_frame(buf, flow_size(o, flow), ci->ac_vlan, ci->ac_inner_vlan, flow);
		if (len < 0 || out_write(&outs[ci->ac_port], o->dir, c->ports[ci->ac_port].name,
					 buf, (uint16_t)len) < 0)
			return -1;
	}
	return 0;
}

int
main(int argc, char **argv)
{
	struct out outs[CFG_MAX_PORTS] = {0};
	char err[CFG_ERR_MAX];
	struct opts o;
	struct cfg c;
	unsigned int i;
	int rc;

	if (parse_opts(argc, argv, &o) < 0)
		return 2;
	if (cfg_load_file(o.config, &c, err, sizeof(err)) < 0) {
		fprintf(stderr, "%s\n", err);
		return 2;
	}
	if (mkdir(o.dir, 0755) < 0 && errno != EEXIST) {
		fprintf(stderr, "%s: %s\n", o.dir, strerror(errno));
		cfg_free(&c);
		return 1;
	}
	rc = write_files(&c, &o, outs);
	for (i = 0; i < c.n_ports; i++) {
		if (outs[i].f == NULL)
			continue;
		if (fclose(outs[i].f) != 0 && rc == 0) {
			fprintf(stderr, "%s: %s\n", outs[i].path, strerror(errno));
			rc = -1;
		}
		if (rc == 0)
			printf("%-16s %-8s %8u frames  %s\n", c.ports[i].name,
			       c.ports[i].role == CFG_PORT_ACCESS ? "access" : "network",
			       outs[i].frames, outs[i].path);
	}
	cfg_free(&c);
	return rc == 0 ? 0 : 1;
}
