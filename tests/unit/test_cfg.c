/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The configuration loader: a complete file read into exactly the expected
 * structs, one failing case per rule with its complete message, and every
 * example in config/ loading cleanly.
 */
#include <arpa/inet.h>
#include <glob.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <CUnit/Basic.h>

#include "cfg.h"

#define ERR_LEN CFG_ERR_MAX

/*
 * Building blocks for the failing cases. Each expands to part of one line, so
 * that the line numbers in the expected messages can be read off the case.
 */
#define AC0 "name = \"ac0\"; devargs = \"net_null0\"; role = \"access\";"
#define WAN0                                                             \
	"name = \"wan0\"; devargs = \"net_null1\"; role = \"network\"; " \
	"ipv4 = \"192.0.2.1/24\"; ipv6 = \"2001:db8::1/64\";"
#define PORTS	"ports = ( { " AC0 " }, { " WAN0 " } );\n"
#define RX_ALL	"rx = ( { port = \"ac0\"; }, { port = \"wan0\"; } );"
#define WORKERS "workers = ( { lcore = 1; " RX_ALL " } );\n"
#define BASE	PORTS WORKERS /* lines 1 and 2 */
#define AC	"ac = { port = \"ac0\"; };"
#define ENDS4	"local = \"192.0.2.1\"; remote = \"192.0.2.2\";"
#define ENDS6	"local = \"2001:db8::1\"; remote = \"2001:db8::2\";"
#define IDS	"local_session_id = 1; remote_session_id = 2;"
#define PW(n)	"name = \"" n "\"; " AC " encap = \"ip\"; " ENDS4
/* a whole session on one line */
#define SESSION(n, id) "{ " PW(n) " local_session_id = " id "; remote_session_id = 1; }"

static struct cfg zero_cfg;

static int
load(const char *text, struct cfg *c, char *err)
{
	return cfg_load_string(text, "t.cfg", c, err, ERR_LEN);
}

static struct vcs_addr
ip(const char *s)
{
	struct vcs_addr a;

	CU_ASSERT_FATAL(addr_parse(s, &a) == 0);
	return a;
}

static void
assert_ip(const struct vcs_addr *a, const char *s)
{
	struct vcs_addr want = ip(s);

	CU_ASSERT(addr_equal(a, &want));
}

static void
assert_prefix(const struct vcs_prefix *p, const char *addr, unsigned int len)
{
	assert_ip(&p->addr, addr);
	CU_ASSERT_EQUAL(p->len, len);
}

static void
assert_mac(const uint8_t *mac, uint8_t last)
{
	const uint8_t want[6] = {0x02, 0, 0, 0, 0, last};

	CU_ASSERT(memcmp(mac, want, 6) == 0);
}

/* Unformatted: one line of C per line of configuration. */
/* clang-format off */
static const char full_cfg[] =
	/* 1 */ "# every setting, most away from their defaults\n"
	/* 2 */ "eal = {\n"
	/* 3 */ "  lcores = \"0-3,4@(5-6)\";\n"
	/* 4 */ "  main_lcore = 2;\n"
	/* 5 */ "  memory_mb = 1024;\n"
	/* 6 */ "  hugepages = true;\n"
	/* 7 */ "  in_memory = false;\n"
	/* 8 */ "  file_prefix = \"vcs_test-1\";\n"
	/* 9 */ "  args = ( \"--log-level=8\", \"7\" );\n"
	/* 10 */ "};\n"
	/* 11 */ "dataplane = { mbufs = 8191; mbuf_cache = 128; max_vcs = 100; burst = 64; "
	"idle_polls = 5; idle_sleep_us = 0; punt_ring_size = 256; neigh_pending_max = 0; "
	"seq_window = 1000; seq_resync = 4; };\n"
	/* 12 */ "ports = (\n"
	/* 13 */ "  { name = \"ac0\"; devargs = \"net_pcap0,rx_pcap=in.pcap,tx_pcap=out.pcap\";\n"
	/* 14 */ "    role = \"access\"; rx_queues = 2; rx_desc = 512; tx_desc = 2048; mtu = 9000;\n"
	/* 15 */ "    mac = \"02:00:00:00:00:01\"; },\n"
	/* 16 */ "  { name = \"wan0\"; devargs = \"0000:3b:00.0,txq_inline_max=0\"; role = \"network\";\n"
	/* 17 */ "    ipv4 = \"192.0.2.1/24\"; ipv4_gateway = \"192.0.2.254\";\n"
	/* 18 */ "    ipv6 = \"2001:db8::1/64\"; ipv6_gateway = \"2001:db8::fffe\";\n"
	/* 19 */ "    neighbors = ( { ip = \"192.0.2.254\"; mac = \"02:00:00:00:00:fe\"; },\n"
	/* 20 */ "                  { ip = \"2001:db8::fffe\"; mac = \"02:00:00:00:00:ff\"; } ); },\n"
	/* 21 */ "  { name = \"ac.1\"; devargs = \"net_memif0\"; role = \"access\"; }\n"
	/* 22 */ ");\n"
	/* 23 */ "workers = (\n"
	/* 24 */ "  { lcore = 1; rx = ( { port = \"ac0\"; queue = 0; }, { port = \"ac0\"; queue = 1; } ); },\n"
	/* 25 */ "  { lcore = 3; rx = ( { port = \"wan0\"; }, { port = \"ac.1\"; } ); }\n"
	/* 26 */ ");\n"
	/* 27 */ "sessions = (\n"
	/* 28 */ "  { name = \"pw-ip4\"; ac = { port = \"ac0\"; vlan = 100; }; pw_type = \"ethernet-vlan\";\n"
	/* 29 */ "    encap = \"ip\"; local = \"192.0.2.1\"; remote = \"198.51.100.7\";\n"
	/* 30 */ "    local_session_id = 4294967295; remote_session_id = 0x10;\n"
	/* 31 */ "    local_cookie = \"cafebabe\"; remote_cookie = \"0x0102030405060708\";\n"
	/* 32 */ "    l2ss = \"default\"; sequencing = \"both\"; },\n"
	/* 33 */ "  { name = \"pw_udp6\"; ac = { port = \"ac.1\"; }; encap = \"udp\";\n"
	/* 34 */ "    udp = { local_port = 1702; remote_port = 5000; };\n"
	/* 35 */ "    local = \"2001:db8::1\"; remote = \"2001:db8::2\"; local_session_id = 7;\n"
	/* 36 */ "    remote_session_id = 8; },\n"
	/* 37 */ "  { name = \"pw.udp4\"; ac = { port = \"ac0\"; }; encap = \"udp\"; local = \"192.0.2.1\";\n"
	/* 38 */ "    remote = \"192.0.2.77\"; local_session_id = 9; remote_session_id = 9;\n"
	/* 39 */ "    udp = { checksum = true; }; l2ss = \"default\"; sequencing = \"recv\";\n"
	/* 40 */ "    local_cookie = \"\"; remote_cookie = \"DEADBEEF\"; }\n"
	/* 41 */ ");\n"
	/* 42 */ "l2tp = { router_id = 3232235777; host_name = \"pe-1.example\"; hello_interval = 0;\n"
	/* 43 */ "  retransmit = { initial_timeout_ms = 500; max_timeout_ms = 16000; retries = 3; };\n"
	/* 44 */ "  receive_window = 1024; drop_percent = 90;\n"
	/* 45 */ "  peers = (\n"
	/* 46 */ "    { name = \"pe2\"; address = \"198.51.100.2\"; local = \"192.0.2.1\"; transport = \"udp\";\n"
	/* 47 */ "      udp = { local_port = 1702; remote_port = 50000; }; initiate = true; secret = \"a b\\\"c\";\n"
	/* 48 */ "      next_secret = \"\\x01\\xff\"; digest = \"md5\"; hide_avps = true; hello_interval = 10;\n"
	/* 49 */ "      retransmit = { max_timeout_ms = 9000; }; receive_window = 4; },\n"
	/* 50 */ "    { name = \"pe.3\"; address = \"2001:db8::3\"; }\n"
	/* 51 */ "  ); };\n"
	/* 52 */ "circuits = (\n"
	/* 53 */ "  { name = \"c1\"; ac = { port = \"ac0\"; vlan = 200; }; pw_type = \"ethernet-vlan\";\n"
	/* 54 */ "    remote_end_id = \"end 1\\xe9\"; peer = \"pe.3\"; call = true; call_type = \"outgoing\";\n"
	/* 55 */ "    cookie = 0; l2ss = \"default\"; sequencing = true;\n"
	/* 56 */ "    qos = { tx = { token_rate = 1000; }; rx = { token_rate = 2000; peak_bandwidth = 4000; }; }; },\n"
	/* 57 */ "  { name = \"c2\"; ac = { port = \"ac.1\"; vlan = 7; }; peer = \"pe2\"; cookie = 4; }\n"
	/* 58 */ ");\n";

/* Everything left out that can be: the defaults. */
static const char defaults_cfg[] =
	BASE /* lines 1 and 2 */
	/* 3 */ "sessions = (\n"
	/* 4 */ "{ " PW("pw4") " " IDS " },\n"
	/* 5 */ "{ name = \"pw4u\"; ac = { port = \"ac0\"; vlan = 7; }; encap = \"udp\"; " ENDS4 " local_session_id = 3; remote_session_id = 3; },\n"
	/* 6 */ "{ name = \"pw6u\"; ac = { port = \"ac0\"; vlan = 8; }; encap = \"udp\"; " ENDS6 " local_session_id = 4; remote_session_id = 4; }\n"
	/* 7 */ ");\n"
	/* 8 */ "l2tp = { peers = ( { name = \"pe2\"; address = \"192.0.2.9\"; } ); };\n"
	/* 9 */ "circuits = ( { name = \"c\"; ac = { port = \"ac0\"; vlan = 9; }; } );\n";
/* clang-format on */

static void
test_full(void)
{
	const uint8_t cookie4[] = {0xca, 0xfe, 0xba, 0xbe};
	const uint8_t cookie8[] = {1, 2, 3, 4, 5, 6, 7, 8};
	const uint8_t dead[] = {0xde, 0xad, 0xbe, 0xef};
	const struct cfg_l2tp_peer *pe;
	const struct cfg_circuit *ci;
	const struct cfg_session *se;
	const struct cfg_port *p;
	char err[ERR_LEN] = "";
	struct cfg c;
	unsigned int i;

	CU_ASSERT_EQUAL_FATAL(load(full_cfg, &c, err), 0);
	CU_ASSERT_STRING_EQUAL(err, "");
	CU_ASSERT_STRING_EQUAL(c.source, "t.cfg");

	CU_ASSERT_STRING_EQUAL(c.eal.lcores, "0-3,4@(5-6)");
	for (i = 0; i < CFG_MAX_LCORE; i++)
		CU_ASSERT_EQUAL(c.eal.lcore_set[i], i <= 4);
	CU_ASSERT_EQUAL(c.eal.main_lcore, 2);
	CU_ASSERT_EQUAL(c.eal.memory_mb, 1024);
	CU_ASSERT_TRUE(c.eal.hugepages);
	CU_ASSERT_FALSE(c.eal.in_memory);
	CU_ASSERT_STRING_EQUAL(c.eal.file_prefix, "vcs_test-1");
	CU_ASSERT_EQUAL_FATAL(c.eal.n_args, 2);
	CU_ASSERT_STRING_EQUAL(c.eal.args[0], "--log-level=8");
	CU_ASSERT_STRING_EQUAL(c.eal.args[1], "7"); /* a number inside a string stays text */

	CU_ASSERT_EQUAL(c.dp.mbufs, 8191);
	CU_ASSERT_EQUAL(c.dp.mbuf_cache, 128);
	CU_ASSERT_EQUAL(c.dp.max_vcs, 100);
	CU_ASSERT_EQUAL(c.dp.burst, 64);
	CU_ASSERT_EQUAL(c.dp.idle_polls, 5);
	CU_ASSERT_EQUAL(c.dp.idle_sleep_us, 0);
	CU_ASSERT_EQUAL(c.dp.punt_ring_size, 256);
	CU_ASSERT_EQUAL(c.dp.neigh_pending_max, 0);
	CU_ASSERT_EQUAL(c.dp.seq_window, 1000);
	CU_ASSERT_EQUAL(c.dp.seq_resync, 4);

	CU_ASSERT_EQUAL_FATAL(c.n_ports, 3);
	p = &c.ports[0];
	CU_ASSERT_STRING_EQUAL(p->name, "ac0");
	CU_ASSERT_STRING_EQUAL(p->devargs, "net_pcap0,rx_pcap=in.pcap,tx_pcap=out.pcap");
	CU_ASSERT_EQUAL(p->role, CFG_PORT_ACCESS);
	CU_ASSERT_EQUAL(p->rx_queues, 2);
	CU_ASSERT_EQUAL(p->rx_desc, 512);
	CU_ASSERT_EQUAL(p->tx_desc, 2048);
	CU_ASSERT_EQUAL(p->mtu, 9000);
	CU_ASSERT_TRUE(p->has_mac);
	assert_mac(p->mac, 0x01);
	CU_ASSERT_EQUAL(p->ipv4.addr.family, 0);
	CU_ASSERT_EQUAL(p->ipv4_gateway.family, 0);
	CU_ASSERT_EQUAL(p->ipv6.addr.family, 0);
	CU_ASSERT_EQUAL(p->ipv6_gateway.family, 0);
	CU_ASSERT_PTR_NULL(p->neighbors);
	CU_ASSERT_EQUAL(p->n_neighbors, 0);
	CU_ASSERT_EQUAL(p->line, 13);

	p = &c.ports[1];
	CU_ASSERT_STRING_EQUAL(p->name, "wan0");
	CU_ASSERT_STRING_EQUAL(p->devargs, "0000:3b:00.0,txq_inline_max=0");
	CU_ASSERT_EQUAL(p->role, CFG_PORT_NETWORK);
	CU_ASSERT_EQUAL(p->rx_queues, 1);
	CU_ASSERT_EQUAL(p->rx_desc, 1024);
	CU_ASSERT_EQUAL(p->tx_desc, 1024);
	CU_ASSERT_EQUAL(p->mtu, 1500);
	CU_ASSERT_FALSE(p->has_mac);
	assert_prefix(&p->ipv4, "192.0.2.1", 24);
	assert_ip(&p->ipv4_gateway, "192.0.2.254");
	assert_prefix(&p->ipv6, "2001:db8::1", 64);
	assert_ip(&p->ipv6_gateway, "2001:db8::fffe");
	CU_ASSERT_EQUAL_FATAL(p->n_neighbors, 2);
	assert_ip(&p->neighbors[0].ip, "192.0.2.254");
	assert_mac(p->neighbors[0].mac, 0xfe);
	assert_ip(&p->neighbors[1].ip, "2001:db8::fffe");
	assert_mac(p->neighbors[1].mac, 0xff);
	CU_ASSERT_EQUAL(p->line, 16);

	p = &c.ports[2];
	CU_ASSERT_STRING_EQUAL(p->name, "ac.1");
	CU_ASSERT_STRING_EQUAL(p->devargs, "net_memif0");
	CU_ASSERT_EQUAL(p->role, CFG_PORT_ACCESS);
	CU_ASSERT_EQUAL(p->line, 21);

	CU_ASSERT_EQUAL_FATAL(c.n_workers, 2);
	CU_ASSERT_EQUAL(c.workers[0].lcore, 1);
	CU_ASSERT_EQUAL(c.workers[0].line, 24);
	CU_ASSERT_EQUAL_FATAL(c.workers[0].n_rx, 2);
	CU_ASSERT_EQUAL(c.workers[0].rx[0].port, 0);
	CU_ASSERT_EQUAL(c.workers[0].rx[0].queue, 0);
	CU_ASSERT_EQUAL(c.workers[0].rx[1].port, 0);
	CU_ASSERT_EQUAL(c.workers[0].rx[1].queue, 1);
	CU_ASSERT_EQUAL(c.workers[1].lcore, 3);
	CU_ASSERT_EQUAL(c.workers[1].line, 25);
	CU_ASSERT_EQUAL_FATAL(c.workers[1].n_rx, 2);
	CU_ASSERT_EQUAL(c.workers[1].rx[0].port, 1);
	CU_ASSERT_EQUAL(c.workers[1].rx[0].queue, 0);
	CU_ASSERT_EQUAL(c.workers[1].rx[1].port, 2);
	CU_ASSERT_EQUAL(c.workers[1].rx[1].queue, 0);

	CU_ASSERT_EQUAL_FATAL(c.n_sessions, 3);
	se = &c.sessions[0];
	CU_ASSERT_STRING_EQUAL(se->name, "pw-ip4");
	CU_ASSERT_EQUAL(se->ac_port, 0);
	CU_ASSERT_EQUAL(se->ac_vlan, 100);
	CU_ASSERT_EQUAL(se->pw_type, L2TP_PW_ETH_VLAN);
	CU_ASSERT_EQUAL(se->encap, L2TP_ENCAP_IP);
	CU_ASSERT_EQUAL(se->udp_local_port, 0);
	CU_ASSERT_EQUAL(se->udp_remote_port, 0);
	CU_ASSERT_FALSE(se->udp_checksum);
	assert_ip(&se->local, "192.0.2.1");
	assert_ip(&se->remote, "198.51.100.7"); /* off-link, via ipv4_gateway */
	CU_ASSERT_EQUAL(se->net_port, 1);
	CU_ASSERT_EQUAL(se->local_session_id, 4294967295u);
	CU_ASSERT_EQUAL(se->remote_session_id, 16);
	CU_ASSERT_EQUAL(se->local_cookie_len, 4);
	CU_ASSERT(memcmp(se->local_cookie, cookie4, 4) == 0);
	CU_ASSERT_EQUAL(se->remote_cookie_len, 8);
	CU_ASSERT(memcmp(se->remote_cookie, cookie8, 8) == 0);
	CU_ASSERT_EQUAL(se->l2ss, L2TP_L2SS_DEFAULT);
	CU_ASSERT_EQUAL(se->seq, CFG_SEQ_BOTH);
	CU_ASSERT_EQUAL(se->line, 28);

	se = &c.sessions[1];
	CU_ASSERT_STRING_EQUAL(se->name, "pw_udp6");
	CU_ASSERT_EQUAL(se->ac_port, 2);
	CU_ASSERT_EQUAL(se->ac_vlan, 0);
	CU_ASSERT_EQUAL(se->pw_type, L2TP_PW_ETH);
	CU_ASSERT_EQUAL(se->encap, L2TP_ENCAP_UDP);
	CU_ASSERT_EQUAL(se->udp_local_port, 1702);
	CU_ASSERT_EQUAL(se->udp_remote_port, 5000);
	CU_ASSERT_TRUE(se->udp_checksum); /* the IPv6 default */
	assert_ip(&se->local, "2001:db8::1");
	assert_ip(&se->remote, "2001:db8::2");
	CU_ASSERT_EQUAL(se->net_port, 1);
	CU_ASSERT_EQUAL(se->local_session_id, 7);
	CU_ASSERT_EQUAL(se->remote_session_id, 8);
	CU_ASSERT_EQUAL(se->local_cookie_len, 0);
	CU_ASSERT_EQUAL(se->remote_cookie_len, 0);
	CU_ASSERT_EQUAL(se->l2ss, L2TP_L2SS_NONE);
	CU_ASSERT_EQUAL(se->seq, CFG_SEQ_NONE);
	CU_ASSERT_EQUAL(se->line, 33);

	se = &c.sessions[2];
	CU_ASSERT_STRING_EQUAL(se->name, "pw.udp4");
	CU_ASSERT_EQUAL(se->ac_port, 0);
	CU_ASSERT_EQUAL(se->ac_vlan, 0); /* whole port, next to the VLAN 100 AC */
	CU_ASSERT_EQUAL(se->encap, L2TP_ENCAP_UDP);
	CU_ASSERT_EQUAL(se->udp_local_port, 1701);
	CU_ASSERT_EQUAL(se->udp_remote_port, 1701);
	CU_ASSERT_TRUE(se->udp_checksum);
	CU_ASSERT_EQUAL(se->local_session_id, 9);
	CU_ASSERT_EQUAL(se->remote_session_id, 9);
	CU_ASSERT_EQUAL(se->local_cookie_len, 0);
	CU_ASSERT_EQUAL(se->remote_cookie_len, 4);
	CU_ASSERT(memcmp(se->remote_cookie, dead, 4) == 0);
	CU_ASSERT_EQUAL(se->seq, CFG_SEQ_RECV);
	CU_ASSERT_EQUAL(se->line, 37);

	CU_ASSERT_TRUE(c.l2tp.enabled);
	CU_ASSERT_EQUAL(c.l2tp.router_id, 0xc0a80101u);
	CU_ASSERT_STRING_EQUAL(c.l2tp.host_name, "pe-1.example");
	CU_ASSERT_EQUAL(c.l2tp.t.hello_interval_s, 0);
	CU_ASSERT_EQUAL(c.l2tp.t.rto_initial_ms, 500);
	CU_ASSERT_EQUAL(c.l2tp.t.rto_max_ms, 16000);
	CU_ASSERT_EQUAL(c.l2tp.t.retries, 3);
	CU_ASSERT_EQUAL(c.l2tp.t.receive_window, 1024);
	CU_ASSERT_EQUAL(c.l2tp.drop_percent, 90);
	CU_ASSERT_EQUAL_FATAL(c.l2tp.n_peers, 2);
	pe = &c.l2tp.peers[0];
	CU_ASSERT_STRING_EQUAL(pe->name, "pe2");
	assert_ip(&pe->address, "198.51.100.2"); /* off-link, via ipv4_gateway */
	assert_ip(&pe->local, "192.0.2.1");
	CU_ASSERT_EQUAL(pe->net_port, 1);
	CU_ASSERT_EQUAL(pe->transport, L2TP_ENCAP_UDP);
	CU_ASSERT_EQUAL(pe->udp_local_port, 1702);
	CU_ASSERT_EQUAL(pe->udp_remote_port, 50000);
	CU_ASSERT_TRUE(pe->initiate);
	CU_ASSERT_EQUAL(pe->n_secrets, 2);
	CU_ASSERT_STRING_EQUAL(pe->secrets[0], "a b\"c"); /* any octets */
	CU_ASSERT_STRING_EQUAL(pe->secrets[1], "\x01\xff");
	CU_ASSERT_EQUAL(pe->digest, CFG_DIGEST_MD5);
	CU_ASSERT_TRUE(pe->hide_avps);
	/* overridden, and the rest the l2tp group's */
	CU_ASSERT_EQUAL(pe->t.hello_interval_s, 10);
	CU_ASSERT_EQUAL(pe->t.rto_initial_ms, 500);
	CU_ASSERT_EQUAL(pe->t.rto_max_ms, 9000);
	CU_ASSERT_EQUAL(pe->t.retries, 3);
	CU_ASSERT_EQUAL(pe->t.receive_window, 4);
	CU_ASSERT_EQUAL(pe->line, 46);
	pe = &c.l2tp.peers[1];
	CU_ASSERT_STRING_EQUAL(pe->name, "pe.3");
	assert_ip(&pe->address, "2001:db8::3");
	assert_ip(&pe->local, "2001:db8::1"); /* the first network port's IPv6 address */
	CU_ASSERT_EQUAL(pe->net_port, 1);
	CU_ASSERT_EQUAL(pe->transport, L2TP_ENCAP_IP);
	CU_ASSERT_EQUAL(pe->udp_local_port, 0);
	CU_ASSERT_EQUAL(pe->udp_remote_port, 0);
	CU_ASSERT_FALSE(pe->initiate);
	CU_ASSERT_EQUAL(pe->n_secrets, 0);
	CU_ASSERT(memcmp(&pe->t, &c.l2tp.t, sizeof(pe->t)) == 0);
	CU_ASSERT_EQUAL(pe->line, 50);

	CU_ASSERT_EQUAL_FATAL(c.n_circuits, 2);
	ci = &c.circuits[0];
	CU_ASSERT_STRING_EQUAL(ci->name, "c1");
	CU_ASSERT_STRING_EQUAL(ci->remote_end_id, "end 1\xe9");
	CU_ASSERT_EQUAL(ci->ac_port, 0);
	CU_ASSERT_EQUAL(ci->ac_vlan, 200);
	CU_ASSERT_EQUAL(ci->pw_type, L2TP_PW_ETH_VLAN);
	CU_ASSERT_EQUAL(ci->peer, 1);
	CU_ASSERT_TRUE(ci->call);
	CU_ASSERT_TRUE(ci->outgoing);
	CU_ASSERT_EQUAL(ci->cookie_len, 0);
	CU_ASSERT_EQUAL(ci->l2ss, L2TP_L2SS_DEFAULT);
	CU_ASSERT_TRUE(ci->sequencing);
	CU_ASSERT_TRUE(ci->send_seq_ok); /* both queues of ac0 on workers[0] */
	CU_ASSERT_EQUAL(ci->qos_tx.token_rate, 1000);
	CU_ASSERT_EQUAL(ci->qos_rx.token_rate, 2000);
	CU_ASSERT_EQUAL(ci->qos_rx.peak_bandwidth, 4000);
	CU_ASSERT_EQUAL(ci->line, 53);
	ci = &c.circuits[1];
	CU_ASSERT_STRING_EQUAL(ci->name, "c2");
	CU_ASSERT_EQUAL(ci->ac_port, 2); /* a VLAN of ac.1, next to a whole-port session */
	CU_ASSERT_EQUAL(ci->ac_vlan, 7);
	CU_ASSERT_EQUAL(ci->peer, 0);
	CU_ASSERT_EQUAL(ci->cookie_len, 4);
	CU_ASSERT_EQUAL(ci->line, 57);

	CU_ASSERT_EQUAL(cfg_port_find(&c, "ac.1"), 2);
	CU_ASSERT_EQUAL(cfg_port_find(&c, "ac1"), -1);
	cfg_free(&c);
	CU_ASSERT(memcmp(&c, &zero_cfg, sizeof(c)) == 0);
}

static void
test_defaults(void)
{
	static const struct cfg_flowspec zero_flowspec;
	const struct cfg_l2tp_peer *pe;
	const struct cfg_circuit *ci;
	char err[ERR_LEN];
	struct cfg c;
	unsigned int i;

	CU_ASSERT_EQUAL_FATAL(load(defaults_cfg, &c, err), 0);
	CU_ASSERT_STRING_EQUAL(c.eal.lcores, "0-1");
	for (i = 0; i < CFG_MAX_LCORE; i++)
		CU_ASSERT_EQUAL(c.eal.lcore_set[i], i <= 1);
	CU_ASSERT_EQUAL(c.eal.main_lcore, 0);
	CU_ASSERT_EQUAL(c.eal.memory_mb, 512);
	CU_ASSERT_TRUE(c.eal.hugepages);
	CU_ASSERT_TRUE(c.eal.in_memory);
	CU_ASSERT_STRING_EQUAL(c.eal.file_prefix, "vcswitch");
	CU_ASSERT_PTR_NULL(c.eal.args);
	CU_ASSERT_EQUAL(c.eal.n_args, 0);

	CU_ASSERT_EQUAL(c.dp.mbufs, 16383);
	CU_ASSERT_EQUAL(c.dp.mbuf_cache, 256);
	CU_ASSERT_EQUAL(c.dp.max_vcs, 65536);
	CU_ASSERT_EQUAL(c.dp.burst, 32);
	CU_ASSERT_EQUAL(c.dp.idle_polls, 100);
	CU_ASSERT_EQUAL(c.dp.idle_sleep_us, 100);
	CU_ASSERT_EQUAL(c.dp.punt_ring_size, 1024);
	CU_ASSERT_EQUAL(c.dp.neigh_pending_max, 64);
	CU_ASSERT_EQUAL(c.dp.seq_window, 1u << 23);
	CU_ASSERT_EQUAL(c.dp.seq_resync, 16);

	CU_ASSERT_EQUAL_FATAL(c.n_ports, 2);
	CU_ASSERT_EQUAL(c.ports[0].rx_queues, 1);
	CU_ASSERT_EQUAL(c.ports[0].rx_desc, 1024);
	CU_ASSERT_EQUAL(c.ports[0].tx_desc, 1024);
	CU_ASSERT_EQUAL(c.ports[0].mtu, 1500);
	CU_ASSERT_FALSE(c.ports[0].has_mac);
	CU_ASSERT_EQUAL(c.ports[0].line, 1);
	CU_ASSERT_EQUAL(c.ports[1].ipv4_gateway.family, 0);
	CU_ASSERT_EQUAL(c.ports[1].ipv6_gateway.family, 0);
	CU_ASSERT_EQUAL(c.ports[1].n_neighbors, 0);
	CU_ASSERT_EQUAL_FATAL(c.n_workers, 1);
	CU_ASSERT_EQUAL(c.workers[0].rx[1].port, 1);
	CU_ASSERT_EQUAL(c.workers[0].rx[1].queue, 0);
	CU_ASSERT_EQUAL(c.workers[0].line, 2);

	CU_ASSERT_EQUAL_FATAL(c.n_sessions, 3);
	CU_ASSERT_EQUAL(c.sessions[0].pw_type, L2TP_PW_ETH);
	CU_ASSERT_EQUAL(c.sessions[0].udp_local_port, 0);
	CU_ASSERT_EQUAL(c.sessions[0].udp_remote_port, 0);
	CU_ASSERT_FALSE(c.sessions[0].udp_checksum);
	CU_ASSERT_EQUAL(c.sessions[0].local_cookie_len, 0);
	CU_ASSERT_EQUAL(c.sessions[0].remote_cookie_len, 0);
	CU_ASSERT_EQUAL(c.sessions[0].l2ss, L2TP_L2SS_NONE);
	CU_ASSERT_EQUAL(c.sessions[0].seq, CFG_SEQ_NONE);
	CU_ASSERT_EQUAL(c.sessions[1].udp_local_port, 1701);
	CU_ASSERT_EQUAL(c.sessions[1].udp_remote_port, 1701);
	CU_ASSERT_FALSE(c.sessions[1].udp_checksum);
	CU_ASSERT_EQUAL(c.sessions[1].pw_type, L2TP_PW_ETH);
	CU_ASSERT_EQUAL(c.sessions[1].ac_vlan, 7);
	CU_ASSERT_TRUE(c.sessions[2].udp_checksum);
	CU_ASSERT_EQUAL(c.sessions[2].line, 6);

	CU_ASSERT_TRUE(c.l2tp.enabled);
	CU_ASSERT_EQUAL(c.l2tp.router_id, 0xc0000201u); /* wan0's 192.0.2.1 */
	CU_ASSERT_STRING_EQUAL(c.l2tp.host_name, "");	/* the system's, at start-up */
	CU_ASSERT_EQUAL(c.l2tp.t.hello_interval_s, 60);
	CU_ASSERT_EQUAL(c.l2tp.t.rto_initial_ms, 1000);
	CU_ASSERT_EQUAL(c.l2tp.t.rto_max_ms, 8000);
	CU_ASSERT_EQUAL(c.l2tp.t.retries, 10);
	CU_ASSERT_EQUAL(c.l2tp.t.receive_window, 16);
	CU_ASSERT_EQUAL(c.l2tp.drop_percent, 0);
	CU_ASSERT_EQUAL_FATAL(c.l2tp.n_peers, 1);
	pe = &c.l2tp.peers[0];
	assert_ip(&pe->local, "192.0.2.1");
	CU_ASSERT_EQUAL(pe->net_port, 1);
	CU_ASSERT_EQUAL(pe->transport, L2TP_ENCAP_IP);
	CU_ASSERT_EQUAL(pe->udp_local_port, 0);
	CU_ASSERT_EQUAL(pe->udp_remote_port, 0);
	CU_ASSERT_FALSE(pe->initiate);
	CU_ASSERT_EQUAL(pe->n_secrets, 0);
	CU_ASSERT_STRING_EQUAL(pe->secrets[0], "");
	CU_ASSERT_STRING_EQUAL(pe->secrets[1], "");
	CU_ASSERT_EQUAL(pe->digest, CFG_DIGEST_SHA1);
	CU_ASSERT_FALSE(pe->hide_avps);
	CU_ASSERT(memcmp(&pe->t, &c.l2tp.t, sizeof(pe->t)) == 0);
	CU_ASSERT_EQUAL(pe->line, 8);
	CU_ASSERT_EQUAL_FATAL(c.n_circuits, 1);
	ci = &c.circuits[0];
	CU_ASSERT_STRING_EQUAL(ci->remote_end_id, "c"); /* the name */
	CU_ASSERT_EQUAL(ci->pw_type, L2TP_PW_ETH);
	CU_ASSERT_EQUAL(ci->peer, -1);
	CU_ASSERT_FALSE(ci->call);
	CU_ASSERT_FALSE(ci->outgoing);
	CU_ASSERT_EQUAL(ci->cookie_len, 8);
	CU_ASSERT_EQUAL(ci->l2ss, L2TP_L2SS_NONE);
	CU_ASSERT_FALSE(ci->sequencing);
	CU_ASSERT_TRUE(ci->send_seq_ok);
	CU_ASSERT(memcmp(&ci->qos_tx, &zero_flowspec, sizeof(zero_flowspec)) == 0);
	CU_ASSERT(memcmp(&ci->qos_rx, &zero_flowspec, sizeof(zero_flowspec)) == 0);
	CU_ASSERT_EQUAL(ci->line, 9);
	cfg_free(&c);

	/* without the l2tp group: no control protocol, and nothing in cfg.l2tp */
	CU_ASSERT_EQUAL_FATAL(load(BASE, &c, err), 0);
	CU_ASSERT(memcmp(&c.l2tp, &zero_cfg.l2tp, sizeof(c.l2tp)) == 0);
	CU_ASSERT_PTR_NULL(c.circuits);
	CU_ASSERT_EQUAL(c.n_circuits, 0);
	cfg_free(&c);
}

/* Things that must load: the lexer that widens integers, lcores, odd but valid values. */
static void
test_accepted(void)
{
	static const struct {
		const char *text;
		unsigned int lcore, main_lcore, id;
	} cases[] = {
		/* integers beyond 32 bits, in every spelling libconfig knows */
		{BASE "sessions = ( " SESSION("a", "4294967295") " );\n", 1, 0, 4294967295u},
		{BASE "sessions = ( " SESSION("a", "0xFFFFFFFF") " );\n", 1, 0, 4294967295u},
		{BASE "sessions = ( " SESSION("a", "4294967295L") " );\n", 1, 0, 4294967295u},
		{BASE "sessions = ( " SESSION("a", "+2147483648") " );\n", 1, 0, 2147483648u},
		{BASE "sessions = ( " SESSION("a", "0x0aL") " );\n", 1, 0, 10},
		/* strings and comments that look like numbers or @include are left alone */
		{"# @include \"x\" 5\n// 6\n/* 7 @include \"y\"\n*/ " BASE
		 "eal = { args = ( \"\\\"#1 //2 /*3 \\\\\", \"4\" \"5\", \"\\n@include \\\"z\\\"\" "
		 "); };\n"
		 "sessions = ( { name = \"a1\"; ac = { port = \"ac0\"; }; encap = \"ip\"; "
		 "local = \"192.0.2.1\"; remote = \"192.0.2.2\"; local_session_id = 1 ; "
		 "remote_session_id = 1; remote_cookie = \"\" \"01020304\"; } );\n",
		 1, 0, 1},
		/* the EAL --lcores grammar */
		{"eal = { lcores = \"(0-2,7)@(1-3,5),3-4@9,5\"; main_lcore = 7; };\n" PORTS
		 "workers = ( { lcore = 5; " RX_ALL " } );\n",
		 5, 7, 0},
		{"eal = { lcores = \"2@1,0\"; };\n" PORTS "workers = ( { lcore = 2; " RX_ALL
		 " } );\n",
		 2, 0, 0},
		{"eal = { lcores = \"3,127\"; };\n" PORTS "workers = ( { lcore = 127; " RX_ALL
		 " } );\n",
		 127, 3, 0},
	};
	char err[ERR_LEN];
	struct cfg c;
	size_t i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		if (load(cases[i].text, &c, err) != 0) {
			fprintf(stderr, "\naccepted case %zu: %s\n", i, err);
			CU_FAIL("a valid configuration was refused");
			continue;
		}
		CU_ASSERT_EQUAL(c.workers[0].lcore, cases[i].lcore);
		CU_ASSERT_EQUAL(c.eal.main_lcore, cases[i].main_lcore);
		if (cases[i].id != 0)
			CU_ASSERT_EQUAL(c.sessions[0].local_session_id, cases[i].id);
		cfg_free(&c);
	}
	CU_ASSERT_EQUAL_FATAL(load(cases[5].text, &c, err), 0);
	CU_ASSERT_EQUAL_FATAL(c.eal.n_args, 3);
	CU_ASSERT_STRING_EQUAL(c.eal.args[0], "\"#1 //2 /*3 \\");
	CU_ASSERT_STRING_EQUAL(c.eal.args[1], "45");
	CU_ASSERT_STRING_EQUAL(c.eal.args[2], "\n@include \"z\"");
	CU_ASSERT_EQUAL(c.sessions[0].remote_cookie_len, 4);
	cfg_free(&c);
	CU_ASSERT_EQUAL_FATAL(load(cases[6].text, &c, err), 0);
	for (i = 0; i < CFG_MAX_LCORE; i++)
		CU_ASSERT_EQUAL(c.eal.lcore_set[i], i <= 5 || i == 7);
	cfg_free(&c);
}

struct err_case {
	const char *text;
	const char *err;
};

/* Unformatted: one line of C per line of configuration, where a case has several. */
/* clang-format off */
static const struct err_case err_cases[] = {
	/* syntax */
	{"ports = (\n{ name = ; }\n);\n", "t.cfg:2: syntax error"},
	{BASE "workers = ();\n", "t.cfg:3: syntax error: duplicate setting name"},
	{"eal = { args = [ \"a\",\n 1 ]; };\n", "t.cfg:2: syntax error: mismatched element type in array"},
	{BASE "@include \"more.cfg\"\n", "t.cfg:3: @include is not supported"},
	{"a = ;\n@include \"more.cfg\"\n", "t.cfg:1: syntax error"},

	/* top level */
	{BASE "port = ();\n", "t.cfg:3: unknown setting \"port\""},
	{"", "t.cfg: missing required setting \"ports\""},
	{WORKERS, "t.cfg: missing required setting \"ports\""},
	{PORTS, "t.cfg: missing required setting \"workers\""},

	/* eal */
	{"eal = 1;\n" BASE, "t.cfg:1: eal: expected a group { ... }"},
	{"eal = { lcore = \"0-1\"; };\n" BASE, "t.cfg:1: eal: unknown setting \"lcore\""},
	{"eal = {\n lcores = 3; };\n" BASE, "t.cfg:2: eal.lcores: expected a string"},
	{"eal = { lcores = \"\"; };\n" BASE, "t.cfg:1: eal.lcores: must not be empty"},
	{"eal = { lcores = \"0-1 \"; };\n" BASE,
	 "t.cfg:1: eal.lcores: may only contain printable ASCII characters other than space, "
	 "got \"0-1 \""},
	{"eal = { lcores = \"0-1@x\"; };\n" BASE,
	 "t.cfg:1: eal.lcores: expected a number at character 5 of \"0-1@x\""},
	{"eal = { lcores = \"0;1\"; };\n" BASE,
	 "t.cfg:1: eal.lcores: expected \",\" or \"@\" at character 2 of \"0;1\""},
	{"eal = { lcores = \"(0,1\"; };\n" BASE,
	 "t.cfg:1: eal.lcores: expected \",\" or \")\" at character 5 of \"(0,1\""},
	{"eal = { lcores = \"0-200\"; };\n" BASE,
	 "t.cfg:1: eal.lcores: lcore 200 is out of range 0..127"},
	{"eal = { lcores = \"0-99999999999\"; };\n" BASE,
	 "t.cfg:1: eal.lcores: lcore 99999999999 is out of range 0..127"},
	{"eal = { lcores = \"0,1@2000\"; };\n" BASE,
	 "t.cfg:1: eal.lcores: CPU 2000 is out of range 0..1023"},
	{"eal = { lcores = \"3-1\"; };\n" BASE, "t.cfg:1: eal.lcores: range 3-1 is backwards"},
	{"eal = { lcores = \"0-2,1\"; };\n" BASE, "t.cfg:1: eal.lcores: lcore 1 is listed twice"},
	{"eal = { main_lcore = 5; };\n" BASE,
	 "t.cfg:1: eal.main_lcore: lcore 5 is not in eal.lcores \"0-1\""},
	{"eal = { main_lcore = -1; };\n" BASE,
	 "t.cfg:1: eal.main_lcore: must be between 0 and 127, got -1"},
	{"eal = { memory_mb = 63; };\n" BASE,
	 "t.cfg:1: eal.memory_mb: must be between 64 and 1048576, got 63"},
	{"eal = { memory_mb = \"512\"; };\n" BASE, "t.cfg:1: eal.memory_mb: expected an integer"},
	{"eal = { memory_mb = 4294967808; };\n" BASE,
	 "t.cfg:1: eal.memory_mb: must be between 64 and 1048576, got 4294967808"},
	{"eal = { hugepages = 1; };\n" BASE, "t.cfg:1: eal.hugepages: expected true or false"},
	{"eal = { hugepages = false;\n in_memory = true; };\n" BASE,
	 "t.cfg:2: eal.in_memory: cannot be true when hugepages is false: "
	 "EAL's --in-memory and --no-huge are exclusive"},
	{"eal = { file_prefix = \"a/b\"; };\n" BASE,
	 "t.cfg:1: eal.file_prefix: may only contain letters, digits and \"_-\", got \"a/b\""},
	{"eal = { file_prefix = "
	 "\"0123456789012345678901234567890123456789012345678901234567890123\"; };\n" BASE,
	 "t.cfg:1: eal.file_prefix: must be at most 63 characters long, got 64"},
	{"eal = { args = \"-v\"; };\n" BASE, "t.cfg:1: eal.args: expected a list ( ... )"},
	{"eal = { args = ( \"-v\",\n 1 ); };\n" BASE, "t.cfg:2: eal.args[1]: expected a string"},

	/* dataplane */
	{"dataplane = { mbuf = 1; };\n" BASE, "t.cfg:1: dataplane: unknown setting \"mbuf\""},
	{"dataplane = ( );\n" BASE, "t.cfg:1: dataplane: expected a group { ... }"},
	{"dataplane = { mbufs = 1022; };\n" BASE,
	 "t.cfg:1: dataplane.mbufs: must be between 1023 and 16777215, got 1022"},
	{"dataplane = { mbuf_cache = 513; };\n" BASE,
	 "t.cfg:1: dataplane.mbuf_cache: must be between 0 and 512, got 513"},
	{"dataplane = { max_vcs = 0; };\n" BASE,
	 "t.cfg:1: dataplane.max_vcs: must be between 1 and 16777216, got 0"},
	{"dataplane = { burst = 65; };\n" BASE,
	 "t.cfg:1: dataplane.burst: must be between 1 and 64, got 65"},
	{"dataplane = { burst = 1.5; };\n" BASE, "t.cfg:1: dataplane.burst: expected an integer"},
	{"dataplane = { idle_polls = 0; };\n" BASE,
	 "t.cfg:1: dataplane.idle_polls: must be between 1 and 1000000, got 0"},
	{"dataplane = { idle_sleep_us = 100001; };\n" BASE,
	 "t.cfg:1: dataplane.idle_sleep_us: must be between 0 and 100000, got 100001"},
	{"dataplane = { punt_ring_size = 32; };\n" BASE,
	 "t.cfg:1: dataplane.punt_ring_size: must be between 64 and 65536, got 32"},
	{"dataplane = { punt_ring_size = 1000; };\n" BASE,
	 "t.cfg:1: dataplane.punt_ring_size: must be a power of two, got 1000"},
	{"dataplane = { neigh_pending_max = 4097; };\n" BASE,
	 "t.cfg:1: dataplane.neigh_pending_max: must be between 0 and 4096, got 4097"},
	{"dataplane = { seq_window = 0; };\n" BASE,
	 "t.cfg:1: dataplane.seq_window: must be between 1 and 8388608, got 0"},
	{"dataplane = { seq_resync = 65536; };\n" BASE,
	 "t.cfg:1: dataplane.seq_resync: must be between 1 and 65535, got 65536"},

	/* ports */
	{"ports = { };\n" WORKERS, "t.cfg:1: ports: expected a list ( ... )"},
	{"ports = ( );\n" WORKERS, "t.cfg:1: ports: must not be empty"},
	{"ports = ( \"ac0\" );\n" WORKERS, "t.cfg:1: ports[0]: expected a group { ... }"},
	{"ports = ( { " AC0 "\n mut = 1; } );\n" WORKERS, "t.cfg:2: ports.ac0: unknown setting \"mut\""},
	{"ports = ( { " AC0 " }, {\n devargs = \"net_null1\"; role = \"access\"; } );\n" WORKERS,
	 "t.cfg:1: ports[1]: missing required setting \"name\""},
	{"ports = ( { name = \"a c\";\n mut = 1; } );\n" WORKERS,
	 "t.cfg:2: ports[0]: unknown setting \"mut\""},
	{"ports = ( { name = \"a c\"; } );\n" WORKERS,
	 "t.cfg:1: ports[0].name: may only contain letters, digits and \"_.-\", got \"a c\""},
	{"ports = ( { name = \"p0123456789012345678901234567890\"; } );\n" WORKERS,
	 "t.cfg:1: ports[0].name: must be at most 31 characters long, got 32"},
	{"ports = ( { name = 7; } );\n" WORKERS, "t.cfg:1: ports[0].name: expected a string"},
	{"ports = ( { " AC0 " },\n { " AC0 " } );\n" WORKERS,
	 "t.cfg:2: ports.ac0.name: duplicate port name \"ac0\" (also used at line 1)"},
	{"ports = ( { name = \"ac0\"; role = \"access\"; } );\n" WORKERS,
	 "t.cfg:1: ports.ac0: missing required setting \"devargs\""},
	{"ports = ( { " AC0 " },\n { name = \"ac1\"; devargs = \"net_null0,x=1\"; role = \"access\"; } );\n" WORKERS,
	 "t.cfg:2: ports.ac1.devargs: device \"net_null0\" is already used by port \"ac0\" (line 1)"},
	{"ports = ( { name = \"ac0\"; devargs = \",x=1\"; role = \"access\"; } );\n" WORKERS,
	 "t.cfg:1: ports.ac0.devargs: \",x=1\" has no device name before the first \",\""},
	{"ports = ( { name = \"ac0\"; devargs = \"net_null0, x=1\"; role = \"access\"; } );\n" WORKERS,
	 "t.cfg:1: ports.ac0.devargs: may only contain printable ASCII characters other than "
	 "space, got \"net_null0, x=1\""},
	{"ports = ( { name = \"ac0\"; devargs = \"net_null0\"; } );\n" WORKERS,
	 "t.cfg:1: ports.ac0: missing required setting \"role\""},
	{"ports = ( { name = \"ac0\"; devargs = \"net_null0\"; role = \"acess\"; } );\n" WORKERS,
	 "t.cfg:1: ports.ac0.role: expected \"access\" or \"network\", got \"acess\""},
	{"ports = ( { name = \"ac0\"; devargs = \"net_null0\"; role = 1; } );\n" WORKERS,
	 "t.cfg:1: ports.ac0.role: expected \"access\" or \"network\""},
	{"ports = ( { " AC0 " rx_queues = 65; } );\n" WORKERS,
	 "t.cfg:1: ports.ac0.rx_queues: must be between 1 and 64, got 65"},
	{"ports = ( { " AC0 " rx_desc = 63; } );\n" WORKERS,
	 "t.cfg:1: ports.ac0.rx_desc: must be between 64 and 16384, got 63"},
	{"ports = ( { " AC0 " tx_desc = 16385; } );\n" WORKERS,
	 "t.cfg:1: ports.ac0.tx_desc: must be between 64 and 16384, got 16385"},
	{"ports = ( { " AC0 "\n mtu = 20000; } );\n" WORKERS,
	 "t.cfg:2: ports.ac0.mtu: must be between 68 and 9600, got 20000"},
	{"ports = ( { " AC0 " mac = \"02:00:00:00:00\"; } );\n" WORKERS,
	 "t.cfg:1: ports.ac0.mac: expected a MAC address like \"02:00:00:00:00:01\", got "
	 "\"02:00:00:00:00\""},
	{"ports = ( { " AC0 " mac = \"00:00:00:00:00:00\"; } );\n" WORKERS,
	 "t.cfg:1: ports.ac0.mac: must not be all zeros"},
	{"ports = ( { " AC0 " mac = \"01:00:5e:00:00:01\"; } );\n" WORKERS,
	 "t.cfg:1: ports.ac0.mac: must be a unicast address (first octet even), got "
	 "\"01:00:5e:00:00:01\""},
	{"ports = ( { " AC0 " ipv4 = \"192.0.2.1/24\"; } );\n" WORKERS,
	 "t.cfg:1: ports.ac0.ipv4: not allowed on an access port"},
	{"ports = ( { " AC0 " ipv6_gateway = \"2001:db8::1\"; } );\n" WORKERS,
	 "t.cfg:1: ports.ac0.ipv6_gateway: not allowed on an access port"},
	{"ports = ( { " AC0 " neighbors = (); } );\n" WORKERS,
	 "t.cfg:1: ports.ac0.neighbors: not allowed on an access port"},
	{"ports = ( { " AC0 " },\n { name = \"wan0\"; devargs = \"net_null1\"; role = \"network\"; } );\n" WORKERS,
	 "t.cfg:2: ports.wan0: a network port needs ipv4 or ipv6 (or both)"},
	{"ports = ( { " AC0 " }, { " WAN0 " mtu = 1500;\n ipv4_gateway = \"192.0.2.254\"; mut = 0; } );\n" WORKERS,
	 "t.cfg:2: ports.wan0: unknown setting \"mut\""},

	/* port addresses */
#define NET(extra)                                                                                 \
	"ports = ( { " AC0 " },\n { name = \"wan0\"; devargs = \"net_null1\"; role = \"network\"; " extra " } );\n" WORKERS
	{NET("ipv4 = \"2001:db8::1/64\";"),
	 "t.cfg:2: ports.wan0.ipv4: expected an IPv4 address/length like \"192.0.2.1/24\", got "
	 "\"2001:db8::1/64\""},
	{NET("ipv4 = \"192.0.2.1\";"),
	 "t.cfg:2: ports.wan0.ipv4: expected an IPv4 address/length like \"192.0.2.1/24\", got "
	 "\"192.0.2.1\""},
	{NET("ipv4 = \"192.0.2.1/33\";"),
	 "t.cfg:2: ports.wan0.ipv4: expected an IPv4 address/length like \"192.0.2.1/24\", got "
	 "\"192.0.2.1/33\""},
	{NET("ipv6 = \"2001:db8::1/129\";"),
	 "t.cfg:2: ports.wan0.ipv6: expected an IPv6 address/length like \"2001:db8::1/64\", got "
	 "\"2001:db8::1/129\""},
	{NET("ipv4 = \"224.0.0.1/24\";"),
	 "t.cfg:2: ports.wan0.ipv4: must be a unicast address, got 224.0.0.1"},
	{NET("ipv6 = \"::/0\";"), "t.cfg:2: ports.wan0.ipv6: must be a unicast address, got ::"},
	{NET("ipv6 = \"2001:db8::1/64\"; ipv4_gateway = \"192.0.2.254\";"),
	 "t.cfg:2: ports.wan0.ipv4_gateway: needs ipv4"},
	{NET("ipv4 = \"192.0.2.1/24\"; ipv4_gateway = \"192.0.3.254\";"),
	 "t.cfg:2: ports.wan0.ipv4_gateway: 192.0.3.254 is outside ipv4 192.0.2.1/24"},
	{NET("ipv4 = \"192.0.2.1/24\"; ipv4_gateway = \"192.0.2.1\";"),
	 "t.cfg:2: ports.wan0.ipv4_gateway: must differ from the port's own address 192.0.2.1"},
	{NET("ipv4 = \"192.0.2.1/24\"; ipv4_gateway = \"gw\";"),
	 "t.cfg:2: ports.wan0.ipv4_gateway: expected an IPv4 or IPv6 address, got \"gw\""},
	{NET("ipv6 = \"2001:db8::1/64\"; ipv6_gateway = \"192.0.2.254\";"),
	 "t.cfg:2: ports.wan0.ipv6_gateway: expected an IPv6 address, got 192.0.2.254"},
	{NET("ipv6 = \"2001:db8::1/64\"; ipv6_gateway = \"2001:db8:1::1\";"),
	 "t.cfg:2: ports.wan0.ipv6_gateway: 2001:db8:1::1 is outside ipv6 2001:db8::1/64"},
	{"ports = ( { " AC0 " }, { " WAN0 " },\n { name = \"wan1\"; devargs = \"net_null2\"; "
	 "role = \"network\"; ipv4 = \"192.0.2.1/30\"; } );\n" WORKERS,
	 "t.cfg:2: ports.wan1.ipv4: address 192.0.2.1 is also used by port \"wan0\" (line 1)"},
	{NET("ipv4 = \"192.0.2.1/24\"; neighbors = { };"),
	 "t.cfg:2: ports.wan0.neighbors: expected a list ( ... )"},
	{NET("ipv4 = \"192.0.2.1/24\"; neighbors = ( {\n ip = \"192.0.2.5\"; mca = 1; } );"),
	 "t.cfg:3: ports.wan0.neighbors[0]: unknown setting \"mca\""},
	{NET("ipv4 = \"192.0.2.1/24\"; neighbors = ( { ip = \"192.0.2.5\"; } );"),
	 "t.cfg:2: ports.wan0.neighbors[0]: missing required setting \"mac\""},
	{NET("ipv4 = \"192.0.2.1/24\";\n neighbors = ( { ip = \"2001:db8::5\"; mac = \"02:00:00:00:00:05\"; } );"),
	 "t.cfg:3: ports.wan0.neighbors[0].ip: 2001:db8::5 is IPv6 but the port has no ipv6"},
	{NET("ipv4 = \"192.0.2.1/24\"; neighbors = ( { ip = \"192.0.3.5\"; mac = \"02:00:00:00:00:05\"; } );"),
	 "t.cfg:2: ports.wan0.neighbors[0].ip: 192.0.3.5 is outside ipv4 192.0.2.1/24"},
	{NET("ipv4 = \"192.0.2.1/24\"; neighbors = ( { ip = \"192.0.2.1\"; mac = \"02:00:00:00:00:05\"; } );"),
	 "t.cfg:2: ports.wan0.neighbors[0].ip: 192.0.2.1 is the port's own address"},
	{NET("ipv4 = \"192.0.2.1/24\"; neighbors = ( { ip = \"192.0.2.255\"; mac = \"02:00:00:00:00:05\"; },\n"
	     " { ip = \"192.0.2.255\"; mac = \"02:00:00:00:00:06\"; } );"),
	 "t.cfg:3: ports.wan0.neighbors[1].ip: duplicate neighbor 192.0.2.255 (also at neighbors[0])"},
	{NET("ipv4 = \"192.0.2.1/24\"; neighbors = ( { ip = \"192.0.2.5\"; mac = \"ff:ff:ff:ff:ff:ff\"; } );"),
	 "t.cfg:2: ports.wan0.neighbors[0].mac: must be a unicast address (first octet even), got "
	 "\"ff:ff:ff:ff:ff:ff\""},

	/* workers */
	{PORTS "workers = ( );\n", "t.cfg:2: workers: must not be empty"},
	{PORTS "workers = ( 1 );\n", "t.cfg:2: workers[0]: expected a group { ... }"},
	{PORTS "workers = ( { lcore = 1; " RX_ALL "\n lcores = 1; } );\n",
	 "t.cfg:3: workers[0]: unknown setting \"lcores\""},
	{PORTS "workers = ( { " RX_ALL " } );\n",
	 "t.cfg:2: workers[0]: missing required setting \"lcore\""},
	{PORTS "workers = ( { lcore = 5; " RX_ALL " } );\n",
	 "t.cfg:2: workers[0].lcore: lcore 5 is not in eal.lcores \"0-1\""},
	{PORTS "workers = ( { lcore = 0; " RX_ALL " } );\n",
	 "t.cfg:2: workers[0].lcore: lcore 0 is eal.main_lcore; a worker needs an lcore of its own"},
	{"eal = { lcores = \"0-2\"; };\n" PORTS
	 "workers = ( { lcore = 1; " RX_ALL " },\n { lcore = 1; rx = ( ); } );\n",
	 "t.cfg:4: workers[1].lcore: lcore 1 is already used by workers[0] (line 3)"},
	{PORTS "workers = ( { lcore = 1; } );\n",
	 "t.cfg:2: workers[0]: missing required setting \"rx\""},
	{PORTS "workers = ( { lcore = 1; rx = ( ); } );\n", "t.cfg:2: workers[0].rx: must not be empty"},
	{PORTS "workers = ( { lcore = 1; rx = ( \"ac0\" ); } );\n",
	 "t.cfg:2: workers[0].rx[0]: expected a group { ... }"},
	{PORTS "workers = ( { lcore = 1; rx = ( { port = \"ac9\"; } ); } );\n",
	 "t.cfg:2: workers[0].rx[0].port: unknown port \"ac9\""},
	{PORTS "workers = ( { lcore = 1; rx = ( { port = \"ac0\"; },\n { port = \"wan0\"; queues = 1; } ); } );\n",
	 "t.cfg:3: workers[0].rx[1]: unknown setting \"queues\""},
	{PORTS "workers = ( { lcore = 1; rx = ( { port = \"ac0\"; }, { port = \"wan0\";\n queue = 1; } ); } );\n",
	 "t.cfg:3: workers[0].rx[1].queue: must be between 0 and 0 (port \"wan0\" has rx_queues = 1), got 1"},
	{PORTS "workers = ( { lcore = 1; rx = ( { port = \"ac0\"; queue = \"0\"; } ); } );\n",
	 "t.cfg:2: workers[0].rx[0].queue: expected an integer"},
	{"eal = { lcores = \"0-2\"; };\n" PORTS "workers = ( { lcore = 1; " RX_ALL " },\n"
	 " { lcore = 2; rx = ( { port = \"ac0\"; queue = 0; } ); } );\n",
	 "t.cfg:4: workers[1].rx[0]: port \"ac0\" queue 0 is already polled by workers[0] (line 3)"},
	{PORTS "workers = ( { lcore = 1; rx = ( { port = \"ac0\"; } ); } );\n",
	 "t.cfg:1: ports.wan0: rx queue 0 is not polled by any worker"},
	{"ports = ( { " AC0 "\n rx_queues = 2; }, { " WAN0 " } );\n" WORKERS,
	 "t.cfg:1: ports.ac0: rx queue 1 is not polled by any worker"},

	/* sessions */
	{BASE "sessions = { };\n", "t.cfg:3: sessions: expected a list ( ... )"},
	{"dataplane = { max_vcs = 1; };\n" BASE "sessions = ( " SESSION("a", "1") ", " SESSION("b", "2") " );\n",
	 "t.cfg:4: sessions: must have at most 1 entries (dataplane.max_vcs), got 2"},
	{BASE "sessions = ( 1 );\n", "t.cfg:3: sessions[0]: expected a group { ... }"},
	{BASE "sessions = ( { " PW("pw0") " " IDS "\n encpa = \"ip\"; } );\n",
	 "t.cfg:4: sessions.pw0: unknown setting \"encpa\""},
	{BASE "sessions = ( { " AC " encap = \"ip\"; " ENDS4 " " IDS " } );\n",
	 "t.cfg:3: sessions[0]: missing required setting \"name\""},
	{BASE "sessions = ( { name = \"pw 0\"; } );\n",
	 "t.cfg:3: sessions[0].name: may only contain letters, digits and \"_.-\", got \"pw 0\""},
	{BASE "sessions = ( " SESSION("pw0", "1") ",\n " SESSION("pw0", "2") " );\n",
	 "t.cfg:4: sessions.pw0.name: duplicate session name \"pw0\" (also used at line 3)"},
	{BASE "sessions = ( { name = \"pw0\"; encap = \"ip\"; " ENDS4 " " IDS " } );\n",
	 "t.cfg:3: sessions.pw0: missing required setting \"ac\""},
	{BASE "sessions = ( { name = \"pw0\"; ac = \"ac0\"; } );\n",
	 "t.cfg:3: sessions.pw0.ac: expected a group { ... }"},
	{BASE "sessions = ( { name = \"pw0\"; ac = {\n port = \"ac0\"; vlna = 1; }; } );\n",
	 "t.cfg:4: sessions.pw0.ac: unknown setting \"vlna\""},
	{BASE "sessions = ( { name = \"pw0\"; ac = { vlan = 1; }; } );\n",
	 "t.cfg:3: sessions.pw0.ac: missing required setting \"port\""},
	{BASE "sessions = ( { name = \"pw0\"; ac = { port = \"ac9\"; }; } );\n",
	 "t.cfg:3: sessions.pw0.ac.port: unknown port \"ac9\""},
	{BASE "sessions = ( { name = \"pw0\"; ac = { port = \"wan0\"; }; } );\n",
	 "t.cfg:3: sessions.pw0.ac.port: port \"wan0\" is a network port; an attachment circuit "
	 "needs an access port"},
	{BASE "sessions = ( { name = \"pw0\"; ac = { port = \"ac0\"; vlan = 4095; }; } );\n",
	 "t.cfg:3: sessions.pw0.ac.vlan: must be between 1 and 4094, got 4095"},
	{BASE "sessions = ( { name = \"pw0\"; ac = { port = \"ac0\"; vlan = 10; }; encap = \"ip\"; " ENDS4
	 " " IDS " },\n { name = \"pw1\"; ac = { port = \"ac0\"; vlan = 10; }; } );\n",
	 "t.cfg:4: sessions.pw1.ac: attachment circuit ac0.10 is already used by session \"pw0\" (line 3)"},
	/* QinQ: the inner tag needs an outer one; both tags make the key */
	{BASE "sessions = ( { name = \"pw0\"; ac = { port = \"ac0\"; inner_vlan = 5; }; } );\n",
	 "t.cfg:3: sessions.pw0.ac: inner_vlan needs vlan: the outer (S-) tag"},
	{BASE "sessions = ( { name = \"pw0\"; ac = { port = \"ac0\"; vlan = 1; inner_vlan = 4095; }; } );\n",
	 "t.cfg:3: sessions.pw0.ac.inner_vlan: must be between 1 and 4094, got 4095"},
#define QINQ_PW(n, v, in, id) "{ name = \"" n "\"; ac = { port = \"ac0\"; vlan = " v "; inner_vlan = " in "; }; encap = \"ip\"; " ENDS4 " local_session_id = " id "; remote_session_id = 1; }"
	{BASE "sessions = ( " QINQ_PW("pw0", "10", "5", "1") ",\n" QINQ_PW("pw1", "10", "5", "2") " );\n",
	 "t.cfg:4: sessions.pw1.ac: attachment circuit ac0.10.5 is already used by session \"pw0\" (line 3)"},
	{BASE "sessions = ( " QINQ_PW("pw0", "10", "5", "1") ",\n" QINQ_PW("pw1", "10", "6", "2") ",\n"
	 "{ name = \"pw2\"; ac = { port = \"ac0\"; vlan = 10; }; encap = \"ip\"; " ENDS4 " local_session_id = 3; remote_session_id = 1; } );\n",
	 NULL /* S-VLAN 10 alone is another circuit: frames with other C-tags */},
	/* ranges (count) */
#define RANGE_PW(n, count, v, in, id) "{ name = \"" n "\"; count = " count "; ac = { port = \"ac0\"; vlan = " v "; inner_vlan = " in "; }; encap = \"ip\"; " ENDS4 " local_session_id = " id "; remote_session_id = 1; }"
	{BASE "sessions = ( { name = \"pw\"; count = 0; } );\n",
	 "t.cfg:3: sessions.pw.count: must be between 1 and 16760836, got 0"},
	{BASE "sessions = ( { name = \"pw\"; count = 3; ac = { port = \"ac0\"; vlan = 100; }; encap = \"ip\"; " ENDS4 " " IDS " },\n"
	 "{ name = \"pw1\"; ac = { port = \"ac0\"; vlan = 102; }; } );\n",
	 "t.cfg:4: sessions.pw1.ac: attachment circuit ac0.102 is already used by session \"pw-2\" (line 3)"},
	{BASE "sessions = ( " QINQ_PW("pw0", "7", "3", "99999") ",\n" RANGE_PW("pw", "4094", "6", "4", "1") " );\n",
	 "t.cfg:4: sessions.pw: attachment circuit ac0.7.3 is already used by session \"pw0\" (line 3)"},
	{BASE "sessions = ( " RANGE_PW("pw", "3", "6", "4", "10") ",\n" QINQ_PW("pw0", "7", "3", "12") " );\n",
	 "t.cfg:4: sessions.pw0.local_session_id: duplicate local_session_id 12 (also used by session \"pw-2\" at line 3)"},
	{"dataplane = { max_vcs = 4; };\n" BASE "sessions = ( " RANGE_PW("pw", "5", "6", "4", "10") " );\n",
	 "t.cfg:4: sessions: must have at most 4 entries (dataplane.max_vcs), got 5"},
	{BASE "sessions = ( { name = \"pw\"; count = 2; " AC " encap = \"ip\"; " ENDS4 " " IDS " } );\n",
	 "t.cfg:3: sessions.pw: count = 2 needs ac.vlan: a range of circuits on one port"},
	{BASE "sessions = ( { name = \"pw\"; count = 2; ac = { port = \"ac0\"; vlan = 4094; }; encap = \"ip\"; " ENDS4 " " IDS " } );\n",
	 "t.cfg:3: sessions.pw: count = 2 runs out of VLAN IDs after 4094"},
	{BASE "sessions = ( " RANGE_PW("pw", "4095", "4094", "1", "10") " );\n",
	 "t.cfg:3: sessions.pw: count = 4095 runs out of VLAN IDs after 4094 (of outer and inner tags)"},
	{BASE "sessions = ( " RANGE_PW("pw", "2", "1", "1", "4294967295") " );\n",
	 "t.cfg:3: sessions.pw: count = 2 runs session IDs past 4294967295"},
	{BASE "sessions = ( " RANGE_PW("a123456789012345678901234567", "1000", "1", "1", "1") " );\n",
	 "t.cfg:3: sessions.a123456789012345678901234567.name: \"a123456789012345678901234567\" with count = 1000 makes names longer than 31 characters"},
	{BASE "sessions = ( " RANGE_PW("a1234567890123456789012345678", "10", "1", "1", "1") " );\n",
	 NULL /* a-...-9 fits */},
	{BASE "sessions = ( " SESSION("pw0", "1") ",\n { name = \"pw1\"; " AC " } );\n",
	 "t.cfg:4: sessions.pw1.ac: attachment circuit ac0 is already used by session \"pw0\" "
	 "(line 3)"},
	{BASE "sessions = ( { name = \"pw0\"; " AC " pw_type = \"ethernet-vlan\"; } );\n",
	 "t.cfg:3: sessions.pw0.pw_type: \"ethernet-vlan\" needs ac.vlan"},
	{BASE "sessions = ( { name = \"pw0\"; " AC " pw_type = \"eth\"; } );\n",
	 "t.cfg:3: sessions.pw0.pw_type: expected \"ethernet\" or \"ethernet-vlan\", got \"eth\""},
	{BASE "sessions = ( { name = \"pw0\"; " AC " " ENDS4 " " IDS " } );\n",
	 "t.cfg:3: sessions.pw0: missing required setting \"encap\""},
	{BASE "sessions = ( { name = \"pw0\"; " AC " encap = \"gre\"; } );\n",
	 "t.cfg:3: sessions.pw0.encap: expected \"ip\" or \"udp\", got \"gre\""},
	{BASE "sessions = ( { name = \"pw0\"; " AC " encap = \"ip\"; remote = \"192.0.2.2\"; } );\n",
	 "t.cfg:3: sessions.pw0: missing required setting \"local\""},
	{BASE "sessions = ( { name = \"pw0\"; " AC " encap = \"ip\"; local = \"192.0.2.300\"; } );\n",
	 "t.cfg:3: sessions.pw0.local: expected an IPv4 or IPv6 address, got \"192.0.2.300\""},
	{BASE "sessions = ( { name = \"pw0\"; " AC " encap = \"ip\"; local = \"192.0.2.9\"; } );\n",
	 "t.cfg:3: sessions.pw0.local: local 192.0.2.9 is not the address of any network port"},
	{BASE "sessions = ( { name = \"pw0\"; " AC " encap = \"ip\"; local = \"192.0.2.1\"; } );\n",
	 "t.cfg:3: sessions.pw0: missing required setting \"remote\""},
	{BASE "sessions = ( { name = \"pw0\"; " AC " encap = \"ip\"; local = \"192.0.2.1\";\n"
	 " remote = \"2001:db8::2\"; } );\n",
	 "t.cfg:4: sessions.pw0.remote: 2001:db8::2 is IPv6 but local is IPv4"},
	{BASE "sessions = ( { name = \"pw0\"; " AC " encap = \"ip\"; local = \"192.0.2.1\"; "
	 "remote = \"192.0.2.1\"; } );\n",
	 "t.cfg:3: sessions.pw0.remote: must differ from local"},
	{BASE "sessions = ( { name = \"pw0\"; " AC " encap = \"ip\"; local = \"192.0.2.1\"; "
	 "remote = \"192.0.2.255\"; " IDS " } );\n",
	 NULL /* a /24's broadcast address is allowed: the prefix may be shorter */},
	{BASE "sessions = ( { name = \"pw0\"; " AC " encap = \"ip\"; local = \"192.0.2.1\"; "
	 "remote = \"239.1.1.1\"; } );\n",
	 "t.cfg:3: sessions.pw0.remote: must be a unicast address, got 239.1.1.1"},
	{BASE "sessions = ( { name = \"pw0\"; " AC " encap = \"ip\"; local = \"192.0.2.1\"; "
	 "remote = \"198.51.100.1\"; } );\n",
	 "t.cfg:3: sessions.pw0.remote: 198.51.100.1 is outside ipv4 192.0.2.1/24 of port \"wan0\", "
	 "which has no ipv4_gateway: add ports.wan0.ipv4_gateway"},
	{BASE "sessions = ( { name = \"pw0\"; " AC " encap = \"ip\"; " ENDS6 "\n udp = { }; } );\n",
	 "t.cfg:4: sessions.pw0.udp: only allowed with encap \"udp\""},
	{BASE "sessions = ( { name = \"pw0\"; " AC " encap = \"udp\"; " ENDS6 " udp = 1; } );\n",
	 "t.cfg:3: sessions.pw0.udp: expected a group { ... }"},
	{BASE "sessions = ( { name = \"pw0\"; " AC " encap = \"udp\"; " ENDS6 " udp = { port = 1; }; } );\n",
	 "t.cfg:3: sessions.pw0.udp: unknown setting \"port\""},
	{BASE "sessions = ( { name = \"pw0\"; " AC " encap = \"udp\"; " ENDS6 " udp = { local_port = 0; }; } );\n",
	 "t.cfg:3: sessions.pw0.udp.local_port: must be between 1 and 65535, got 0"},
	{BASE "sessions = ( { name = \"pw0\"; " AC " encap = \"udp\"; " ENDS6 " udp = { remote_port = 65536; }; } );\n",
	 "t.cfg:3: sessions.pw0.udp.remote_port: must be between 1 and 65535, got 65536"},
	{BASE "sessions = ( { name = \"pw0\"; " AC " encap = \"udp\"; " ENDS6 " udp = {\n checksum = false; }; } );\n",
	 "t.cfg:4: sessions.pw0.udp.checksum: cannot be false: IPv6 needs UDP checksums"},
	{BASE "sessions = ( { " PW("pw0") " local_session_id = 0; } );\n",
	 "t.cfg:3: sessions.pw0.local_session_id: must be between 1 and 4294967295, got 0"},
	{BASE "sessions = ( { " PW("pw0") " local_session_id = 4294967296; } );\n",
	 "t.cfg:3: sessions.pw0.local_session_id: must be between 1 and 4294967295, got 4294967296"},
	{BASE "sessions = ( { " PW("pw0") " local_session_id = -1; } );\n",
	 "t.cfg:3: sessions.pw0.local_session_id: must be between 1 and 4294967295, got -1"},
	{BASE "sessions = ( { " PW("pw0") " local_session_id = 99999999999999999999; } );\n",
	 "t.cfg:3: sessions.pw0.local_session_id: must be between 1 and 4294967295, got "
	 "9223372036854775807"},
	{BASE "sessions = ( { " PW("pw0") " local_session_id = 0x100000001; } );\n",
	 "t.cfg:3: sessions.pw0.local_session_id: must be between 1 and 4294967295, got 4294967297"},
	{BASE "sessions = ( { " PW("pw0") " local_session_id = 1; } );\n",
	 "t.cfg:3: sessions.pw0: missing required setting \"remote_session_id\""},
	{BASE "sessions = ( { " PW("pw0") " local_session_id = 1; remote_session_id = 4294967296; } );\n",
	 "t.cfg:3: sessions.pw0.remote_session_id: must be between 1 and 4294967295, got 4294967296"},
	{BASE "sessions = ( " SESSION("pw0", "100") ",\n { name = \"pw1\"; ac = { port = \"ac0\"; vlan = 2; }; "
	 "encap = \"ip\"; " ENDS4 " local_session_id = 100; } );\n",
	 "t.cfg:4: sessions.pw1.local_session_id: duplicate local_session_id 100 (also used by "
	 "session \"pw0\" at line 3)"},
	{BASE "sessions = ( { " PW("pw0") " " IDS " local_cookie = \"abc\"; } );\n",
	 "t.cfg:3: sessions.pw0.local_cookie: expected \"\" or 8 or 16 hex digits, got \"abc\""},
	{BASE "sessions = ( { " PW("pw0") " " IDS " local_cookie = \"0x\"; } );\n",
	 "t.cfg:3: sessions.pw0.local_cookie: expected \"\" or 8 or 16 hex digits, got \"0x\""},
	{BASE "sessions = ( { " PW("pw0") " " IDS " remote_cookie = \"cafebabz\"; } );\n",
	 "t.cfg:3: sessions.pw0.remote_cookie: expected \"\" or 8 or 16 hex digits, got \"cafebabz\""},
	{BASE "sessions = ( { " PW("pw0") " " IDS " remote_cookie = \"0102030405\"; } );\n",
	 "t.cfg:3: sessions.pw0.remote_cookie: expected \"\" or 8 or 16 hex digits, got \"0102030405\""},
	{BASE "sessions = ( { " PW("pw0") " " IDS " remote_cookie = 0xcafebabe; } );\n",
	 "t.cfg:3: sessions.pw0.remote_cookie: expected a string"},
	{BASE "sessions = ( { " PW("pw0") " " IDS " l2ss = \"yes\"; } );\n",
	 "t.cfg:3: sessions.pw0.l2ss: expected \"none\" or \"default\", got \"yes\""},
	{BASE "sessions = ( { " PW("pw0") " " IDS " l2ss = \"default\"; sequencing = \"all\"; } );\n",
	 "t.cfg:3: sessions.pw0.sequencing: expected \"none\", \"send\", \"recv\" or \"both\", got "
	 "\"all\""},
	{BASE "sessions = ( { " PW("pw0") " " IDS "\n sequencing = \"recv\"; } );\n",
	 "t.cfg:4: sessions.pw0.sequencing: \"recv\" needs l2ss = \"default\""},
	{"eal = { lcores = \"0-2\"; };\n"
	 "ports = ( { " AC0 " rx_queues = 2; }, { " WAN0 " } );\n"
	 "workers = ( { lcore = 1; " RX_ALL " },\n { lcore = 2; rx = ( { port = \"ac0\"; queue = 1; } ); } );\n"
	 "sessions = ( { " PW("pw0") " " IDS " l2ss = \"default\"; sequencing = \"both\"; } );\n",
	 "t.cfg:5: sessions.pw0: sequencing \"both\" needs every rx queue of port \"ac0\" polled by "
	 "one worker, but queue 0 is polled by workers[0] and queue 1 by workers[1]"},
	{"eal = { lcores = \"0-2\"; };\n"
	 "ports = ( { " AC0 " rx_queues = 2; }, { " WAN0 " } );\n"
	 "workers = ( { lcore = 1; " RX_ALL " },\n { lcore = 2; rx = ( { port = \"ac0\"; queue = 1; } ); } );\n"
	 "sessions = ( { " PW("pw0") " " IDS " l2ss = \"default\"; sequencing = \"recv\"; } );\n",
	 NULL /* receive-only sequencing has no single-writer constraint */},

	/* MTU */
	{"ports = ( { " AC0 " }, { " WAN0 " mtu = 1279; } );\n" WORKERS,
	 "t.cfg:1: ports.wan0: mtu 1279 is too small for IPv6, which needs at least 1280"},
	{"ports = ( { " AC0 " }, { name = \"wan0\"; devargs = \"net_null1\"; role = \"network\"; "
	 "ipv4 = \"192.0.2.1/24\"; mtu = 87; } );\n" WORKERS
	 "sessions = ( { " PW("pw0") " " IDS " } );\n",
	 "t.cfg:3: sessions.pw0: port \"wan0\" has mtu 87; this session's encapsulation and a "
	 "minimum frame need 88"},
	{"ports = ( { " AC0 " }, { name = \"wan0\"; devargs = \"net_null1\"; role = \"network\"; "
	 "ipv4 = \"192.0.2.1/24\"; mtu = 88; } );\n" WORKERS
	 "sessions = ( { " PW("pw0") " " IDS " } );\n",
	 NULL /* exactly enough */},

	/* qos */
	{BASE "sessions = ( { " PW("pw0") " " IDS "\n qos = 1; } );\n",
	 "t.cfg:4: sessions.pw0.qos: expected a group { ... }"},
	{BASE "sessions = ( { " PW("pw0") " " IDS "\n qos = { up = { }; }; } );\n",
	 "t.cfg:4: sessions.pw0.qos: unknown setting \"up\""},
	{BASE "sessions = ( { " PW("pw0") " " IDS "\n qos = { tx = { }; }; } );\n",
	 "t.cfg:4: sessions.pw0.qos.tx: missing required setting \"token_rate\""},
	{BASE "sessions = ( { " PW("pw0") " " IDS "\n qos = { rx = { token_rate = 0; }; }; } );\n",
	 "t.cfg:4: sessions.pw0.qos.rx.token_rate: must be between 1 and 1000000000000, got 0"},
	{BASE "sessions = ( { " PW("pw0") " " IDS
	 "\n qos = { tx = { token_rate = 1000;\n peak_bandwidth = 999; }; }; } );\n",
	 "t.cfg:5: sessions.pw0.qos.tx.peak_bandwidth: must be at least token_rate (1000), got 999"},
	{BASE "sessions = ( { " PW("pw0") " " IDS
	 "\n qos = { tx = { token_rate = 1000; max_sdu_size = 63; }; }; } );\n",
	 "t.cfg:4: sessions.pw0.qos.tx.max_sdu_size: must be between 64 and 65535, got 63"},
	{BASE "sessions = ( { " PW("pw0") " " IDS
	 "\n qos = { tx = { token_rate = 1000; rate = 1; }; }; } );\n",
	 "t.cfg:4: sessions.pw0.qos.tx: unknown setting \"rate\""},

	/* list bounds */
	{"ports = ( { " AC0 " rx_queues = 64; }, { " WAN0 " rx_queues = 1; } );\n"
	 "workers = ( { lcore = 1; rx = ( "
	 "{ port = \"ac0\"; queue = 0; }, { port = \"ac0\"; queue = 1; }, { port = \"ac0\"; queue = 2; }, "
	 "{ port = \"ac0\"; queue = 3; }, { port = \"ac0\"; queue = 4; }, { port = \"ac0\"; queue = 5; }, "
	 "{ port = \"ac0\"; queue = 6; }, { port = \"ac0\"; queue = 7; }, { port = \"ac0\"; queue = 8; }, "
	 "{ port = \"ac0\"; queue = 9; }, { port = \"ac0\"; queue = 10; }, { port = \"ac0\"; queue = 11; }, "
	 "{ port = \"ac0\"; queue = 12; }, { port = \"ac0\"; queue = 13; }, { port = \"ac0\"; queue = 14; }, "
	 "{ port = \"ac0\"; queue = 15; }, { port = \"ac0\"; queue = 16; }, { port = \"ac0\"; queue = 17; }, "
	 "{ port = \"ac0\"; queue = 18; }, { port = \"ac0\"; queue = 19; }, { port = \"ac0\"; queue = 20; }, "
	 "{ port = \"ac0\"; queue = 21; }, { port = \"ac0\"; queue = 22; }, { port = \"ac0\"; queue = 23; }, "
	 "{ port = \"ac0\"; queue = 24; }, { port = \"ac0\"; queue = 25; }, { port = \"ac0\"; queue = 26; }, "
	 "{ port = \"ac0\"; queue = 27; }, { port = \"ac0\"; queue = 28; }, { port = \"ac0\"; queue = 29; }, "
	 "{ port = \"ac0\"; queue = 30; }, { port = \"ac0\"; queue = 31; }, { port = \"ac0\"; queue = 32; }, "
	 "{ port = \"ac0\"; queue = 33; }, { port = \"ac0\"; queue = 34; }, { port = \"ac0\"; queue = 35; }, "
	 "{ port = \"ac0\"; queue = 36; }, { port = \"ac0\"; queue = 37; }, { port = \"ac0\"; queue = 38; }, "
	 "{ port = \"ac0\"; queue = 39; }, { port = \"ac0\"; queue = 40; }, { port = \"ac0\"; queue = 41; }, "
	 "{ port = \"ac0\"; queue = 42; }, { port = \"ac0\"; queue = 43; }, { port = \"ac0\"; queue = 44; }, "
	 "{ port = \"ac0\"; queue = 45; }, { port = \"ac0\"; queue = 46; }, { port = \"ac0\"; queue = 47; }, "
	 "{ port = \"ac0\"; queue = 48; }, { port = \"ac0\"; queue = 49; }, { port = \"ac0\"; queue = 50; }, "
	 "{ port = \"ac0\"; queue = 51; }, { port = \"ac0\"; queue = 52; }, { port = \"ac0\"; queue = 53; }, "
	 "{ port = \"ac0\"; queue = 54; }, { port = \"ac0\"; queue = 55; }, { port = \"ac0\"; queue = 56; }, "
	 "{ port = \"ac0\"; queue = 57; }, { port = \"ac0\"; queue = 58; }, { port = \"ac0\"; queue = 59; }, "
	 "{ port = \"ac0\"; queue = 60; }, { port = \"ac0\"; queue = 61; }, { port = \"ac0\"; queue = 62; }, "
	 "{ port = \"ac0\"; queue = 63; }, { port = \"wan0\"; } ); } );\n",
	 "t.cfg:2: workers[0].rx: must have at most 64 entries, got 65"},

	/* l2tp */
#define PE2	 "{ name = \"pe2\"; address = \"192.0.2.2\"; }"
#define L2TP_PE2 "l2tp = { peers = ( " PE2 " ); };\n" /* line 3 after BASE */
#define PEER(extra) BASE "l2tp = { peers = ( { name = \"pe2\"; address = \"192.0.2.2\"; " extra " } ); };\n"
#define WAN6_ONLY                                                                          \
	"ports = ( { " AC0 " }, { name = \"wan0\"; devargs = \"net_null1\"; role = \"network\"; " \
	"ipv6 = \"2001:db8::1/64\"; } );\n" WORKERS
	{BASE "l2tp = 1;\n", "t.cfg:3: l2tp: expected a group { ... }"},
	{BASE "l2tp = { routerid = 1; };\n", "t.cfg:3: l2tp: unknown setting \"routerid\""},
	{BASE "l2tp = { router_id = 0; };\n",
	 "t.cfg:3: l2tp.router_id: must be between 1 and 4294967295, got 0"},
	{BASE "l2tp = { router_id = 4294967296; };\n",
	 "t.cfg:3: l2tp.router_id: must be between 1 and 4294967295, got 4294967296"},
	{BASE "l2tp = { router_id = -1; };\n",
	 "t.cfg:3: l2tp.router_id: must be between 1 and 4294967295, got -1"},
	{BASE "l2tp = { router_id = 1; };\n", NULL},
	{BASE "l2tp = { router_id = 4294967295; };\n", NULL},
	{BASE "l2tp = { router_id = \"0.0.0.0\"; };\n", "t.cfg:3: l2tp.router_id: must not be 0.0.0.0"},
	{BASE "l2tp = { router_id = \"0.0.0.1\"; };\n", NULL},
	{BASE "l2tp = { router_id = \"pe1\"; };\n",
	 "t.cfg:3: l2tp.router_id: expected an IPv4 address or an integer, got \"pe1\""},
	{BASE "l2tp = { router_id = \"2001:db8::1\"; };\n",
	 "t.cfg:3: l2tp.router_id: expected an IPv4 address or an integer, got \"2001:db8::1\""},
	{BASE "l2tp = { router_id = 1.0; };\n",
	 "t.cfg:3: l2tp.router_id: expected an IPv4 address or an integer"},
	{WAN6_ONLY "l2tp = {\n hello_interval = 1; };\n",
	 "t.cfg:3: l2tp.router_id: missing, and no network port has an IPv4 address to take it from"},
	{WAN6_ONLY "l2tp = { router_id = \"192.0.2.1\"; };\n", NULL /* no IPv4 needed when given */},
	{BASE "l2tp = { host_name = \"\"; };\n", "t.cfg:3: l2tp.host_name: must not be empty"},
	{BASE "l2tp = { host_name = \"pe 1\"; };\n",
	 "t.cfg:3: l2tp.host_name: may only contain printable ASCII characters other than space, "
	 "got \"pe 1\""},
	{BASE "l2tp = { host_name = \"pe\\xc3\\xa9\"; };\n",
	 "t.cfg:3: l2tp.host_name: may only contain printable ASCII characters other than space, "
	 "got \"pe\\xc3\\xa9\""},
	{BASE "l2tp = { host_name = "
	 "\"0123456789012345678901234567890123456789012345678901234567890123\"; };\n",
	 "t.cfg:3: l2tp.host_name: must be at most 63 characters long, got 64"},
	{BASE "l2tp = { host_name = "
	 "\"012345678901234567890123456789012345678901234567890123456789012\"; };\n", NULL},
	{BASE "l2tp = { host_name = 1; };\n", "t.cfg:3: l2tp.host_name: expected a string"},
	{BASE "l2tp = { hello_interval = -1; };\n",
	 "t.cfg:3: l2tp.hello_interval: must be between 0 and 3600, got -1"},
	{BASE "l2tp = { hello_interval = 3601; };\n",
	 "t.cfg:3: l2tp.hello_interval: must be between 0 and 3600, got 3601"},
	{BASE "l2tp = { hello_interval = 3600; };\n", NULL},
	{BASE "l2tp = { retransmit = 1; };\n", "t.cfg:3: l2tp.retransmit: expected a group { ... }"},
	{BASE "l2tp = { retransmit = { timeout = 1; }; };\n",
	 "t.cfg:3: l2tp.retransmit: unknown setting \"timeout\""},
	{BASE "l2tp = { retransmit = { initial_timeout_ms = 99; }; };\n",
	 "t.cfg:3: l2tp.retransmit.initial_timeout_ms: must be between 100 and 60000, got 99"},
	{BASE "l2tp = { retransmit = { initial_timeout_ms = 60001; }; };\n",
	 "t.cfg:3: l2tp.retransmit.initial_timeout_ms: must be between 100 and 60000, got 60001"},
	{BASE "l2tp = { retransmit = { initial_timeout_ms = 100; }; };\n", NULL},
	{BASE "l2tp = { retransmit = { initial_timeout_ms = 60000; max_timeout_ms = 60000; }; };\n",
	 NULL},
	{BASE "l2tp = { retransmit = { max_timeout_ms = 7999; }; };\n",
	 "t.cfg:3: l2tp.retransmit.max_timeout_ms: must be between 8000 and 600000, got 7999"},
	{BASE "l2tp = { retransmit = { max_timeout_ms = 600001; }; };\n",
	 "t.cfg:3: l2tp.retransmit.max_timeout_ms: must be between 8000 and 600000, got 600001"},
	{BASE "l2tp = { retransmit = { max_timeout_ms = 600000; }; };\n", NULL},
	{BASE "l2tp = { retransmit = { retries = 0; }; };\n",
	 "t.cfg:3: l2tp.retransmit.retries: must be between 1 and 100, got 0"},
	{BASE "l2tp = { retransmit = { retries = 101; }; };\n",
	 "t.cfg:3: l2tp.retransmit.retries: must be between 1 and 100, got 101"},
	{BASE "l2tp = { retransmit = { retries = 1; }; };\n", NULL},
	{BASE "l2tp = { retransmit = { retries = 100; }; };\n", NULL},
	{BASE "l2tp = { retransmit = { initial_timeout_ms = 10000;\n max_timeout_ms = 9999; }; };\n",
	 "t.cfg:4: l2tp.retransmit: max_timeout_ms (9999) must be at least initial_timeout_ms "
	 "(10000)"},
	{BASE "l2tp = { retransmit = {\n initial_timeout_ms = 10000; }; };\n",
	 "t.cfg:4: l2tp.retransmit: max_timeout_ms (8000) must be at least initial_timeout_ms "
	 "(10000)"},
	{BASE "l2tp = { receive_window = 0; };\n",
	 "t.cfg:3: l2tp.receive_window: must be between 1 and 1024, got 0"},
	{BASE "l2tp = { receive_window = 1025; };\n",
	 "t.cfg:3: l2tp.receive_window: must be between 1 and 1024, got 1025"},
	{BASE "l2tp = { receive_window = 1; };\n", NULL},
	{BASE "l2tp = { drop_percent = 91; };\n",
	 "t.cfg:3: l2tp.drop_percent: must be between 0 and 90, got 91"},
	{BASE "l2tp = { drop_percent = -1; };\n",
	 "t.cfg:3: l2tp.drop_percent: must be between 0 and 90, got -1"},
	{BASE "l2tp = { peers = { }; };\n", "t.cfg:3: l2tp.peers: expected a list ( ... )"},
	{BASE "l2tp = { peers = ( ); };\n", NULL},
	{BASE "l2tp = { peers = ( \"pe2\" ); };\n", "t.cfg:3: l2tp.peers[0]: expected a group { ... }"},

	/* l2tp.peers */
	{BASE "l2tp = { peers = ( { address = \"192.0.2.2\"; } ); };\n",
	 "t.cfg:3: l2tp.peers[0]: missing required setting \"name\""},
	{BASE "l2tp = { peers = ( { name = \"pe 2\"; } ); };\n",
	 "t.cfg:3: l2tp.peers[0].name: may only contain letters, digits and \"_.-\", got \"pe 2\""},
	{BASE "l2tp = { peers = ( " PE2 ",\n { name = \"pe2\"; address = \"192.0.2.3\"; } ); };\n",
	 "t.cfg:4: l2tp.peers.pe2.name: duplicate peer name \"pe2\" (also used at line 3)"},
	{BASE "l2tp = { peers = ( { name = \"pe2\"; } ); };\n",
	 "t.cfg:3: l2tp.peers.pe2: missing required setting \"address\""},
	{BASE "l2tp = { peers = ( { name = \"pe2\"; address = \"pe2.example\"; } ); };\n",
	 "t.cfg:3: l2tp.peers.pe2.address: expected an IPv4 or IPv6 address, got \"pe2.example\""},
	{BASE "l2tp = { peers = ( { name = \"pe2\"; address = \"ff02::2\"; } ); };\n",
	 "t.cfg:3: l2tp.peers.pe2.address: must be a unicast address, got ff02::2"},
	{BASE "l2tp = { peers = ( " PE2 ",\n { name = \"pe3\"; address = \"192.0.2.2\"; } ); };\n",
	 "t.cfg:4: l2tp.peers.pe3.address: peer 192.0.2.2 is also peer \"pe2\" (line 3)"},
	{BASE "l2tp = { peers = ( { name = \"pe2\";\n address = \"192.0.2.1\"; } ); };\n",
	 "t.cfg:4: l2tp.peers.pe2.address: must differ from local"},
	{BASE "l2tp = { peers = ( { name = \"pe2\";\n address = \"198.51.100.2\"; } ); };\n",
	 "t.cfg:4: l2tp.peers.pe2.address: 198.51.100.2 is outside ipv4 192.0.2.1/24 of port \"wan0\", "
	 "which has no ipv4_gateway: add ports.wan0.ipv4_gateway"},
	{PEER("local = \"192.0.2.9\";"),
	 "t.cfg:3: l2tp.peers.pe2.local: local 192.0.2.9 is not the address of any network port"},
	{PEER("local = \"2001:db8::1\";"),
	 "t.cfg:3: l2tp.peers.pe2.local: 2001:db8::1 is IPv6 but address is IPv4"},
	{PEER("local = 1;"), "t.cfg:3: l2tp.peers.pe2.local: expected a string"},
	{"ports = ( { " AC0 " }, { name = \"wan0\"; devargs = \"net_null1\"; role = \"network\"; "
	 "ipv4 = \"192.0.2.1/24\"; } );\n" WORKERS
	 "l2tp = { peers = ( { name = \"pe2\";\n address = \"2001:db8::2\"; } ); };\n",
	 "t.cfg:3: l2tp.peers.pe2.local: missing, and no network port has an IPv6 address to take "
	 "it from"},
	{PEER("transport = \"gre\";"),
	 "t.cfg:3: l2tp.peers.pe2.transport: expected \"ip\" or \"udp\", got \"gre\""},
	{PEER("udp = { };"), "t.cfg:3: l2tp.peers.pe2.udp: only allowed with transport \"udp\""},
	{PEER("transport = \"udp\"; udp = 1;"), "t.cfg:3: l2tp.peers.pe2.udp: expected a group { ... }"},
	{PEER("transport = \"udp\"; udp = { checksum = true; };"),
	 "t.cfg:3: l2tp.peers.pe2.udp: unknown setting \"checksum\""},
	{PEER("transport = \"udp\"; udp = { local_port = 0; };"),
	 "t.cfg:3: l2tp.peers.pe2.udp.local_port: must be between 1 and 65535, got 0"},
	{PEER("transport = \"udp\"; udp = { remote_port = 65536; };"),
	 "t.cfg:3: l2tp.peers.pe2.udp.remote_port: must be between 1 and 65535, got 65536"},
	{PEER("transport = \"udp\"; udp = { local_port = 65535; remote_port = 1; };"), NULL},
	{PEER("initiate = 1;"), "t.cfg:3: l2tp.peers.pe2.initiate: expected true or false"},
	{PEER("secret = \"\";"), "t.cfg:3: l2tp.peers.pe2.secret: must not be empty"},
	{PEER("secret = 1234;"), "t.cfg:3: l2tp.peers.pe2.secret: expected a string"},
	{PEER("next_secret = \"n3w\";"), "t.cfg:3: l2tp.peers.pe2.next_secret: needs secret"},
	{PEER("secret = \"s\"; next_secret = \"\";"),
	 "t.cfg:3: l2tp.peers.pe2.next_secret: must not be empty"},
	{PEER("digest = \"md5\";"), "t.cfg:3: l2tp.peers.pe2.digest: needs secret"},
	{PEER("secret = \"s\"; digest = \"sha256\";"),
	 "t.cfg:3: l2tp.peers.pe2.digest: expected \"md5\" or \"sha1\", got \"sha256\""},
	{PEER("hide_avps = true;"), "t.cfg:3: l2tp.peers.pe2.hide_avps: needs secret"},
	{PEER("hide_avps = false;"), NULL /* harmless without a secret */},
	{PEER("hello_interval = 3601;"),
	 "t.cfg:3: l2tp.peers.pe2.hello_interval: must be between 0 and 3600, got 3601"},
	{PEER("receive_window = 0;"),
	 "t.cfg:3: l2tp.peers.pe2.receive_window: must be between 1 and 1024, got 0"},
	{PEER("retransmit = { retries = 0; };"),
	 "t.cfg:3: l2tp.peers.pe2.retransmit.retries: must be between 1 and 100, got 0"},
	{PEER("retransmit = { max_timeout_ms = 7999; };"),
	 "t.cfg:3: l2tp.peers.pe2.retransmit.max_timeout_ms: must be between 8000 and 600000, got "
	 "7999"},
	{PEER("retransmit = { retry = 1; };"),
	 "t.cfg:3: l2tp.peers.pe2.retransmit: unknown setting \"retry\""},
	/* an override checked against what it inherits */
	{BASE "l2tp = { peers = ( { name = \"pe2\"; address = \"192.0.2.2\"; retransmit = {\n"
	 " initial_timeout_ms = 8001; }; } ); };\n",
	 "t.cfg:4: l2tp.peers.pe2.retransmit: max_timeout_ms (8000) must be at least "
	 "initial_timeout_ms (8001)"},
	{BASE "l2tp = { retransmit = { initial_timeout_ms = 9000; max_timeout_ms = 9000; };\n"
	 " peers = ( { name = \"pe2\"; address = \"192.0.2.2\";\n"
	 " retransmit = { max_timeout_ms = 8000; }; } ); };\n",
	 "t.cfg:5: l2tp.peers.pe2.retransmit: max_timeout_ms (8000) must be at least "
	 "initial_timeout_ms (9000)"},
	{BASE "l2tp = { retransmit = { max_timeout_ms = 20000; };\n"
	 " peers = ( { name = \"pe2\"; address = \"192.0.2.2\"; retransmit = { initial_timeout_ms = 20000; }; } ); };\n",
	 NULL},

	/* circuits */
#define CIRCUIT(n, vlan) "{ name = \"" n "\"; ac = { port = \"ac0\"; vlan = " vlan "; }; }"
#define CIRCUITS(extra) BASE L2TP_PE2 "circuits = ( { name = \"c1\"; ac = { port = \"ac0\"; vlan = 1; }; " extra " } );\n"
	{BASE "circuits = ( " CIRCUIT("c1", "1") " );\n",
	 "t.cfg:3: circuits: need the l2tp group, which runs the L2TPv3 control protocol"},
	{BASE "circuits = ( );\n", NULL /* nothing that needs it */},
	{BASE L2TP_PE2 "circuits = { };\n", "t.cfg:4: circuits: expected a list ( ... )"},
	{BASE L2TP_PE2 "circuits = ( 1 );\n", "t.cfg:4: circuits[0]: expected a group { ... }"},
	{"dataplane = { max_vcs = 2; };\n" BASE "sessions = ( " SESSION("pw0", "1") " );\n"
	 "l2tp = { };\ncircuits = ( " CIRCUIT("c1", "1") ", " CIRCUIT("c2", "2") " );\n",
	 "t.cfg:6: circuits: must have at most 1 entries (dataplane.max_vcs = 2, less 1 sessions), "
	 "got 2"},
	{"dataplane = { max_vcs = 2; };\n" BASE "sessions = ( " SESSION("pw0", "1") " );\n"
	 "l2tp = { };\ncircuits = ( " CIRCUIT("c1", "1") " );\n",
	 NULL},
	{"dataplane = { max_vcs = 1; };\n" BASE "l2tp = { };\n"
	 "circuits = ( " CIRCUIT("c1", "1") ", " CIRCUIT("c2", "2") " );\n",
	 "t.cfg:5: circuits: must have at most 1 entries (dataplane.max_vcs), got 2"},
	{CIRCUITS("\n unknown = 1;"), "t.cfg:5: circuits.c1: unknown setting \"unknown\""},
	{BASE L2TP_PE2 "circuits = ( { ac = { port = \"ac0\"; }; } );\n",
	 "t.cfg:4: circuits[0]: missing required setting \"name\""},
	{BASE L2TP_PE2 "circuits = ( { name = \"c/1\"; } );\n",
	 "t.cfg:4: circuits[0].name: may only contain letters, digits and \"_.-\", got \"c/1\""},
	{BASE L2TP_PE2 "circuits = ( " CIRCUIT("c1", "1") ",\n " CIRCUIT("c1", "2") " );\n",
	 "t.cfg:5: circuits.c1.name: duplicate circuit name \"c1\" (also used at line 4)"},
	{BASE L2TP_PE2 "circuits = ( " CIRCUIT("pe2", "1") " );\n", NULL /* names are per list */},
	/* one namespace with the circuits of static sessions: "PORT" and "PORT.VLAN" */
	{BASE "sessions = ( " SESSION("pw0", "1") " );\n" L2TP_PE2
	 "circuits = ( " CIRCUIT("ac0", "1") " );\n",
	 "t.cfg:5: circuits.ac0.name: \"ac0\" is already the name of the circuit of session \"pw0\" "
	 "(line 3)"},
	{BASE "sessions = ( { name = \"pw0\"; ac = { port = \"ac0\"; vlan = 5; }; encap = \"ip\"; "
	 ENDS4 " " IDS " } );\n" L2TP_PE2 "circuits = ( " CIRCUIT("ac0.5", "1") " );\n",
	 "t.cfg:5: circuits.ac0.5.name: \"ac0.5\" is already the name of the circuit of session "
	 "\"pw0\" (line 3)"},
	{BASE "sessions = ( { name = \"pw0\"; ac = { port = \"ac0\"; vlan = 5; }; encap = \"ip\"; "
	 ENDS4 " " IDS " } );\n" L2TP_PE2
	 "circuits = ( " CIRCUIT("ac0", "1") ", " CIRCUIT("ac0.6", "2") ", " CIRCUIT("ac0.05", "3")
	 ", " CIRCUIT("wan0.5", "4") ", " CIRCUIT("ac0.5.", "6") ", " CIRCUIT("ac0.4095", "7") " );\n",
	 NULL /* none of these is a session's circuit */},
	{CIRCUITS("") "", NULL},
	{BASE L2TP_PE2 "circuits = ( { name = \"c1\"; } );\n",
	 "t.cfg:4: circuits.c1: missing required setting \"ac\""},
	{BASE L2TP_PE2 "circuits = ( { name = \"c1\"; ac = { port = \"wan0\"; }; } );\n",
	 "t.cfg:4: circuits.c1.ac.port: port \"wan0\" is a network port; an attachment circuit needs "
	 "an access port"},
	{BASE L2TP_PE2 "circuits = ( { name = \"c1\"; ac = { port = \"ac0\"; vlan = 4095; }; } );\n",
	 "t.cfg:4: circuits.c1.ac.vlan: must be between 1 and 4094, got 4095"},
	{BASE "sessions = ( { name = \"pw0\"; ac = { port = \"ac0\"; vlan = 5; }; encap = \"ip\"; "
	 ENDS4 " " IDS " } );\n" L2TP_PE2 "circuits = ( " CIRCUIT("c1", "5") " );\n",
	 "t.cfg:5: circuits.c1.ac: attachment circuit ac0.5 is already used by session \"pw0\" (line 3)"},
	{BASE "sessions = ( " QINQ_PW("pw0", "5", "7", "1") " );\n" L2TP_PE2
	 "circuits = ( { name = \"ac0.5.7\"; ac = { port = \"ac0\"; vlan = 6; }; } );\n",
	 "t.cfg:5: circuits.ac0.5.7.name: \"ac0.5.7\" is already the name of the circuit of session \"pw0\" (line 3)"},
	{BASE "sessions = ( " RANGE_PW("pw", "3", "5", "7", "1") " );\n" L2TP_PE2
	 "circuits = ( { name = \"c\"; count = 3; ac = { port = \"ac0\"; vlan = 5; inner_vlan = 5; }; } );\n",
	 "t.cfg:5: circuits.c: attachment circuit ac0.5.7 is already used by session \"pw-0\" (line 3)"},
	{BASE L2TP_PE2 "circuits = ( { name = \"c\"; count = 2; remote_end_id = \"x\"; ac = { port = \"ac0\"; vlan = 5; }; },\n"
	 "{ name = \"d\"; remote_end_id = \"x-1\"; ac = { port = \"ac0\"; vlan = 9; }; } );\n",
	 "t.cfg:5: circuits.d.remote_end_id: \"x-1\" with pw_type \"ethernet\" is already the remote_end_id of circuit \"c-1\" (line 4)"},
	{BASE L2TP_PE2 "circuits = ( { name = \"c\"; count = 2; ac = { port = \"ac0\"; vlan = 5; }; },\n"
	 "{ name = \"c-1\"; ac = { port = \"ac0\"; vlan = 9; }; } );\n",
	 "t.cfg:5: circuits.c-1.name: duplicate circuit name \"c-1\" (also used at line 4)"},
	{"ports = ( { " AC0 " }, { " WAN0 " qinq_tpid = \"0x88a8\"; } );\n" WORKERS,
	 "t.cfg:1: ports.wan0.qinq_tpid: not allowed on a network port"},
	{"ports = ( { " AC0 " qinq_tpid = \"0x8a88\"; }, { " WAN0 " } );\n" WORKERS,
	 "t.cfg:1: ports.ac0.qinq_tpid: expected \"0x88a8\", \"0x8100\" or \"0x9100\", got \"0x8a88\""},
	{BASE "sessions = ( " SESSION("pw0", "1") " );\n" L2TP_PE2
	 "circuits = ( { name = \"c1\"; ac = { port = \"ac0\"; }; } );\n",
	 "t.cfg:5: circuits.c1.ac: attachment circuit ac0 is already used by session \"pw0\" "
	 "(line 3)"},
	{BASE L2TP_PE2 "circuits = ( " CIRCUIT("c1", "5") ",\n " CIRCUIT("c2", "5") " );\n",
	 "t.cfg:5: circuits.c2.ac: attachment circuit ac0.5 is already used by circuit \"c1\" (line 4)"},
	{BASE "sessions = ( " SESSION("pw0", "1") " );\n" L2TP_PE2
	 "circuits = ( " CIRCUIT("c1", "5") " );\n",
	 NULL /* a VLAN next to a whole-port session */},
	{CIRCUITS("pw_type = \"ppp\";"),
	 "t.cfg:4: circuits.c1.pw_type: expected \"ethernet\" or \"ethernet-vlan\", got \"ppp\""},
	{BASE L2TP_PE2 "circuits = ( { name = \"c1\"; ac = { port = \"ac0\"; };\n pw_type = \"ethernet-vlan\"; } );\n",
	 "t.cfg:5: circuits.c1.pw_type: \"ethernet-vlan\" needs ac.vlan"},
	{CIRCUITS("remote_end_id = \"\";"), "t.cfg:4: circuits.c1.remote_end_id: must not be empty"},
	{CIRCUITS("remote_end_id = 1;"), "t.cfg:4: circuits.c1.remote_end_id: expected a string"},
	{CIRCUITS("remote_end_id = "
		  "\"0123456789012345678901234567890123456789012345678901234567890123\";"),
	 "t.cfg:4: circuits.c1.remote_end_id: must be at most 63 characters long, got 64"},
	{BASE L2TP_PE2 "circuits = ( { name = \"c1\"; ac = { port = \"ac0\"; vlan = 1; }; "
	 "remote_end_id = \"x y\"; },\n { name = \"c2\"; ac = { port = \"ac0\"; vlan = 2; }; "
	 "remote_end_id = \"x y\"; } );\n",
	 "t.cfg:5: circuits.c2.remote_end_id: \"x y\" with pw_type \"ethernet\" is already the "
	 "remote_end_id of circuit \"c1\" (line 4)"},
	{BASE L2TP_PE2 "circuits = ( { name = \"c1\"; ac = { port = \"ac0\"; vlan = 1; }; "
	 "remote_end_id = \"c2\"; },\n " CIRCUIT("c2", "2") " );\n",
	 "t.cfg:5: circuits.c2.remote_end_id: \"c2\" with pw_type \"ethernet\" is already the "
	 "remote_end_id of circuit \"c1\" (line 4)"},
	{BASE L2TP_PE2 "circuits = ( { name = \"c1\"; ac = { port = \"ac0\"; vlan = 1; }; "
	 "remote_end_id = \"x\"; },\n { name = \"c2\"; ac = { port = \"ac0\"; vlan = 2; }; "
	 "pw_type = \"ethernet-vlan\"; remote_end_id = \"x\"; } );\n",
	 NULL /* the same Remote End ID for another PW type */},
	{CIRCUITS("peer = \"pe9\";"), "t.cfg:4: circuits.c1.peer: unknown peer \"pe9\""},
	{CIRCUITS("peer = 1;"), "t.cfg:4: circuits.c1.peer: expected a string"},
	{BASE "l2tp = { };\ncircuits = ( { name = \"c1\"; ac = { port = \"ac0\"; }; peer = \"pe2\"; } );\n",
	 "t.cfg:4: circuits.c1.peer: unknown peer \"pe2\""},
	{CIRCUITS("call = true;"), "t.cfg:4: circuits.c1.call: needs peer: the peer to call"},
	{CIRCUITS("call = \"yes\";"), "t.cfg:4: circuits.c1.call: expected true or false"},
	{CIRCUITS("call_type = \"incoming\";"),
	 "t.cfg:4: circuits.c1.call_type: only allowed with call = true"},
	{CIRCUITS("peer = \"pe2\"; call = true; call_type = \"icrq\";"),
	 "t.cfg:4: circuits.c1.call_type: expected \"incoming\" or \"outgoing\", got \"icrq\""},
	{CIRCUITS("cookie = 5;"), "t.cfg:4: circuits.c1.cookie: must be 0, 4 or 8, got 5"},
	{CIRCUITS("cookie = 9;"), "t.cfg:4: circuits.c1.cookie: must be between 0 and 8, got 9"},
	{CIRCUITS("cookie = -1;"), "t.cfg:4: circuits.c1.cookie: must be between 0 and 8, got -1"},
	{CIRCUITS("cookie = 256;"), "t.cfg:4: circuits.c1.cookie: must be between 0 and 8, got 256"},
	{CIRCUITS("l2ss = \"rfc4719\";"),
	 "t.cfg:4: circuits.c1.l2ss: expected \"none\" or \"default\", got \"rfc4719\""},
	{CIRCUITS("sequencing = true;"),
	 "t.cfg:4: circuits.c1.sequencing: true needs l2ss = \"default\""},
	{CIRCUITS("sequencing = \"both\";"), "t.cfg:4: circuits.c1.sequencing: expected true or false"},
	{CIRCUITS("l2ss = \"default\"; sequencing = false;"), NULL},
	{CIRCUITS("qos = 1;"), "t.cfg:4: circuits.c1.qos: expected a group { ... }"},
	{CIRCUITS("qos = { tx = { }; };"),
	 "t.cfg:4: circuits.c1.qos.tx: missing required setting \"token_rate\""},
	{CIRCUITS("qos = { rx = { token_rate = 10;\n peak_bandwidth = 9; }; };"),
	 "t.cfg:5: circuits.c1.qos.rx.peak_bandwidth: must be at least token_rate (10), got 9"},
};
/* clang-format on */

static void
test_errors(void)
{
	char err[ERR_LEN];
	struct cfg c;
	size_t i;
	int ret;

	for (i = 0; i < sizeof(err_cases) / sizeof(err_cases[0]); i++) {
		memset(err, 'x', sizeof(err));
		ret = load(err_cases[i].text, &c, err);
		if (err_cases[i].err == NULL) {
			if (ret != 0)
				fprintf(stderr, "\ncase %zu: unexpected error: %s\n", i, err);
			CU_ASSERT_EQUAL(ret, 0);
			cfg_free(&c);
			continue;
		}
		if (ret != -1 || strcmp(err, err_cases[i].err) != 0)
			fprintf(stderr, "\ncase %zu:\n  want %s\n  got  %s\n", i, err_cases[i].err,
				ret == 0 ? "(loaded)" : err);
		CU_ASSERT_EQUAL(ret, -1);
		CU_ASSERT_STRING_EQUAL(err, err_cases[i].err);
		CU_ASSERT(memcmp(&c, &zero_cfg, sizeof(c)) == 0);
		if (ret == 0)
			cfg_free(&c);
	}
}

/* Defaults taken from the ports, and what the loader derives. */
static void
test_derived(void)
{
	/* clang-format off */
	static const char text[] =
		/* 1 */ "eal = { lcores = \"0-2\"; };\n"
		/* 2 */ "ports = ( { " AC0 " rx_queues = 2; },\n"
		/* 3 */ "  { name = \"wan6\"; devargs = \"net_null1\"; role = \"network\"; ipv6 = \"2001:db8:6::1/64\"; },\n"
		/* 4 */ "  { name = \"wan4\"; devargs = \"net_null2\"; role = \"network\"; ipv4 = \"198.51.100.1/24\";\n"
		/* 5 */ "    ipv6 = \"2001:db8:4::1/64\"; },\n"
		/* 6 */ "  { name = \"ac1\"; devargs = \"net_null3\"; role = \"access\"; rx_queues = 2; } );\n"
		/* 7 */ "workers = ( { lcore = 1; rx = ( { port = \"ac0\"; }, { port = \"wan6\"; }, { port = \"wan4\"; },\n"
		/* 8 */ "    { port = \"ac1\"; }, { port = \"ac1\"; queue = 1; } ); },\n"
		/* 9 */ "  { lcore = 2; rx = ( { port = \"ac0\"; queue = 1; } ); } );\n"
		/* 10 */ "l2tp = { peers = ( { name = \"v6\"; address = \"2001:db8:6::2\"; },\n"
		/* 11 */ "  { name = \"v4\"; address = \"198.51.100.2\"; },\n"
		/* 12 */ "  { name = \"v6b\"; address = \"2001:db8:4::2\"; local = \"2001:db8:4::1\"; } ); };\n"
		/* 13 */ "circuits = ( { name = \"split\"; ac = { port = \"ac0\"; }; },\n"
		/* 14 */ "  { name = \"one\"; ac = { port = \"ac1\"; }; l2ss = \"default\"; sequencing = true; } );\n";
	/* clang-format on */
	char err[ERR_LEN];
	struct cfg c;
	int ret = load(text, &c, err);

	if (ret != 0)
		fprintf(stderr, "\n%s\n", err);
	CU_ASSERT_EQUAL_FATAL(ret, 0);
	/* the first network port that has an IPv4 address, not the first network port */
	CU_ASSERT_EQUAL(c.l2tp.router_id, 0xc6336401u);
	CU_ASSERT_EQUAL_FATAL(c.l2tp.n_peers, 3);
	assert_ip(&c.l2tp.peers[0].local, "2001:db8:6::1");
	CU_ASSERT_EQUAL(c.l2tp.peers[0].net_port, 1);
	assert_ip(&c.l2tp.peers[1].local, "198.51.100.1");
	CU_ASSERT_EQUAL(c.l2tp.peers[1].net_port, 2);
	assert_ip(&c.l2tp.peers[2].local, "2001:db8:4::1");
	CU_ASSERT_EQUAL(c.l2tp.peers[2].net_port, 2);
	CU_ASSERT_EQUAL_FATAL(c.n_circuits, 2);
	/* ac0's queues are polled by two workers: no sequence numbers to send */
	CU_ASSERT_FALSE(c.circuits[0].send_seq_ok);
	CU_ASSERT_TRUE(c.circuits[1].send_seq_ok);
	CU_ASSERT_TRUE(c.circuits[1].sequencing); /* what we ask for has no such constraint */
	cfg_free(&c);
}

/* Ranges: names, session IDs and tags counted from the first. */
static void
test_ranges(void)
{
	/* clang-format off */
	static const char text[] =
		/* 1 */ PORTS WORKERS
		/* 3 */ "sessions = ( { name = \"pw\"; count = 3; ac = { port = \"ac0\"; vlan = 2; inner_vlan = 4093; };\n"
		/* 4 */ "  encap = \"ip\"; " ENDS4 " local_session_id = 100; remote_session_id = 200; },\n"
		/* 5 */ "  { name = \"one\"; count = 1; ac = { port = \"ac0\"; vlan = 3; }; encap = \"ip\"; " ENDS4 " " IDS " } );\n"
		/* 6 */ "l2tp = { };\n"
		/* 7 */ "circuits = ( { name = \"c\"; count = 2; ac = { port = \"ac0\"; vlan = 4093; }; },\n"
		/* 8 */ "  { name = \"d\"; count = 2; remote_end_id = \"x\"; ac = { port = \"ac0\"; vlan = 3; inner_vlan = 2; }; } );\n";
	/* clang-format on */
	char err[ERR_LEN], name[CFG_AC_NAME_MAX];
	struct cfg c;
	int ret = load(text, &c, err);

	if (ret != 0)
		fprintf(stderr, "\n%s\n", err);
	CU_ASSERT_EQUAL_FATAL(ret, 0);
	CU_ASSERT_EQUAL_FATAL(c.n_sessions, 4);
	CU_ASSERT_STRING_EQUAL(c.sessions[0].name, "pw-0");
	CU_ASSERT_STRING_EQUAL(c.sessions[2].name, "pw-2");
	CU_ASSERT_STRING_EQUAL(c.sessions[3].name, "one");
	CU_ASSERT_EQUAL(c.sessions[0].ac_vlan, 2);
	CU_ASSERT_EQUAL(c.sessions[0].ac_inner_vlan, 4093);
	CU_ASSERT_EQUAL(c.sessions[1].ac_inner_vlan, 4094);
	/* past 4094 the inner tag starts again under the next outer one */
	CU_ASSERT_EQUAL(c.sessions[2].ac_vlan, 3);
	CU_ASSERT_EQUAL(c.sessions[2].ac_inner_vlan, 1);
	CU_ASSERT_EQUAL(c.sessions[2].local_session_id, 102);
	CU_ASSERT_EQUAL(c.sessions[2].remote_session_id, 202);
	CU_ASSERT_EQUAL(c.sessions[2].line, 3);
	CU_ASSERT_EQUAL(c.sessions[3].ac_inner_vlan, 0);
	cfg_ac_name(&c, c.sessions[2].ac_port, c.sessions[2].ac_vlan, c.sessions[2].ac_inner_vlan,
		    name, sizeof(name));
	CU_ASSERT_STRING_EQUAL(name, "ac0.3.1");
	CU_ASSERT_EQUAL_FATAL(c.n_circuits, 4);
	CU_ASSERT_STRING_EQUAL(c.circuits[1].name, "c-1");
	CU_ASSERT_STRING_EQUAL(c.circuits[1].remote_end_id, "c-1");
	CU_ASSERT_EQUAL(c.circuits[1].ac_vlan, 4094);
	CU_ASSERT_STRING_EQUAL(c.circuits[2].remote_end_id, "x-0");
	CU_ASSERT_STRING_EQUAL(c.circuits[3].remote_end_id, "x-1");
	CU_ASSERT_EQUAL(c.circuits[3].ac_inner_vlan, 3);
	CU_ASSERT_EQUAL(c.circuits[3].line, 8);
	CU_ASSERT_EQUAL(c.ports[0].qinq_tpid, 0x88a8);
	cfg_free(&c);
}

/* Cases that are easier to build than to write out. */
static void
test_generated(void)
{
	char err[ERR_LEN], *text = malloc(1 << 20);
	size_t len;
	struct cfg c;
	int i;

	CU_ASSERT_PTR_NOT_NULL_FATAL(text);
	len = (size_t)sprintf(text, "ports = (\n");
	for (i = 0; i < 33; i++)
		len += (size_t)sprintf(
			text + len,
			"%s{ name = \"p%d\"; devargs = \"net_null%d\"; role = \"access\"; }\n",
			i > 0 ? "," : "", i, i);
	sprintf(text + len, ");\n" WORKERS);
	CU_ASSERT_EQUAL(load(text, &c, err), -1);
	CU_ASSERT_STRING_EQUAL(err, "t.cfg:1: ports: must have at most 32 entries, got 33");

	/* the 100th nested list is as fine as the first: no recursion on input depth */
	len = (size_t)sprintf(text, BASE "x = ");
	for (i = 0; i < 100; i++)
		text[len++] = '(';
	for (i = 0; i < 100; i++)
		text[len++] = ')';
	sprintf(text + len, ";\n");
	CU_ASSERT_EQUAL(load(text, &c, err), -1);
	CU_ASSERT_STRING_EQUAL(err, "t.cfg:3: unknown setting \"x\"");

	/* long user strings are shortened in messages */
	sprintf(text,
		"ports = ( { name = \"ac0\"; devargs = \"net_null0\"; role = \"%0300d\"; } );\n",
		7);
	CU_ASSERT_EQUAL(load(text, &c, err), -1);
	CU_ASSERT_STRING_EQUAL(
		err, "t.cfg:1: ports.ac0.role: expected \"access\" or \"network\", got "
		     "\"000000000000000000000000000000000000000000000000000000000000000000...\"");

	/* control characters are escaped */
	CU_ASSERT_EQUAL(load("ports = ( { name = \"a\\nb\"; } );\n", &c, err), -1);
	CU_ASSERT_STRING_EQUAL(err, "t.cfg:1: ports[0].name: may only contain letters, digits and "
				    "\"_.-\", got \"a\\x0ab\"");

	/* at most 1024 peers */
	for (i = 1024; i <= 1025; i++) {
		int j;

		len = (size_t)sprintf(text, BASE "l2tp = { peers = (\n");
		for (j = 0; j < i; j++)
			len += (size_t)sprintf(
				text + len, "%s{ name = \"p%d\"; address = \"2001:db8::1:%x\"; }\n",
				j > 0 ? "," : "", j, j);
		sprintf(text + len, "); };\n");
		CU_ASSERT_EQUAL(load(text, &c, err), i == 1024 ? 0 : -1);
		if (i == 1024) {
			CU_ASSERT_EQUAL(c.l2tp.n_peers, 1024);
			cfg_free(&c);
		} else {
			CU_ASSERT_STRING_EQUAL(
				err,
				"t.cfg:3: l2tp.peers: must have at most 1024 entries, got 1025");
		}
	}

	/* secrets of 255 octets, not 256 */
	for (i = 255; i <= 256; i++) {
		len = (size_t)sprintf(text, BASE "l2tp = { peers = ( { name = \"p\"; "
						 "address = \"192.0.2.2\"; secret = \"");
		memset(text + len, 's', (size_t)i);
		sprintf(text + len + (size_t)i, "\"; } ); };\n");
		CU_ASSERT_EQUAL(load(text, &c, err), i == 255 ? 0 : -1);
		if (i == 255) {
			CU_ASSERT_EQUAL(strlen(c.l2tp.peers[0].secrets[0]), 255);
			cfg_free(&c);
		} else {
			CU_ASSERT_STRING_EQUAL(
				err, "t.cfg:3: l2tp.peers.p.secret: must be at most 255 characters "
				     "long, got 256");
		}
	}

	/* every VLAN of a port: sessions and circuits share dataplane.max_vcs */
	for (i = 0; i < 2; i++) {
		int vlan;

		len = (size_t)sprintf(text, "dataplane = { max_vcs = %d; };\n" BASE, 4095 - i);
		len += (size_t)sprintf(
			text + len,
			"sessions = ( " SESSION("pw0", "1") " );\n"
							    "l2tp = { };\ncircuits = (\n");
		for (vlan = 1; vlan <= 4094; vlan++)
			len += (size_t)sprintf(
				text + len,
				"%s{ name = \"c%d\"; ac = { port = \"ac0\"; vlan = %d; }; }\n",
				vlan > 1 ? "," : "", vlan, vlan);
		sprintf(text + len, ");\n");
		if (i == 0) {
			CU_ASSERT_EQUAL_FATAL(load(text, &c, err), 0);
			CU_ASSERT_EQUAL(c.n_circuits, 4094);
			CU_ASSERT_EQUAL(c.circuits[4093].ac_vlan, 4094);
			CU_ASSERT_STRING_EQUAL(c.circuits[4093].remote_end_id, "c4094");
			cfg_free(&c);
		} else {
			CU_ASSERT_EQUAL(load(text, &c, err), -1);
			CU_ASSERT_STRING_EQUAL(err,
					       "t.cfg:6: circuits: must have at most 4093 entries "
					       "(dataplane.max_vcs = 4094, less 1 sessions), "
					       "got 4094");
		}
	}
	free(text);
}

static void
test_err_buffer(void)
{
	char err[16];
	struct cfg c;

	CU_ASSERT_EQUAL(cfg_load_string("ports = 1;", "t.cfg", &c, err, sizeof(err)), -1);
	CU_ASSERT_STRING_EQUAL(err, "t.cfg:1: ports:");
	CU_ASSERT_EQUAL(cfg_load_string("ports = 1;", "t.cfg", &c, NULL, 0), -1);
	CU_ASSERT(memcmp(&c, &zero_cfg, sizeof(c)) == 0);
	CU_ASSERT_EQUAL(cfg_load_string("ports = 1;", NULL, &c, err, sizeof(err)), -1);
	CU_ASSERT_STRING_EQUAL(err, "<string>:1: por");
	cfg_free(&c); /* harmless on a failed load */
}

static void
test_files(void)
{
	char err[ERR_LEN], path[] = "/tmp/test_cfg_XXXXXX";
	struct cfg c;
	glob_t g;
	size_t i;
	FILE *f;
	int fd;

	CU_ASSERT_EQUAL_FATAL(glob(VCS_SOURCE_ROOT "/config/*.cfg", 0, NULL, &g), 0);
	CU_ASSERT(g.gl_pathc >= 2);
	for (i = 0; i < g.gl_pathc; i++) {
		if (cfg_load_file(g.gl_pathv[i], &c, err, sizeof(err)) != 0) {
			fprintf(stderr, "\n%s\n", err);
			CU_FAIL("an example configuration does not load");
			continue;
		}
		CU_ASSERT_STRING_EQUAL(c.source, g.gl_pathv[i]);
		CU_ASSERT(c.n_ports >= 2 && c.n_workers >= 1 && c.n_sessions >= 1);
		cfg_free(&c);
	}
	globfree(&g);

	/* the reference shows the dynamic control plane too */
	CU_ASSERT_EQUAL_FATAL(
		cfg_load_file(VCS_SOURCE_ROOT "/config/vcswitch.cfg", &c, err, sizeof(err)), 0);
	CU_ASSERT_TRUE(c.l2tp.enabled);
	CU_ASSERT_EQUAL(c.l2tp.drop_percent, 0);
	CU_ASSERT_EQUAL_FATAL(c.l2tp.n_peers, 2);
	CU_ASSERT_EQUAL(c.l2tp.peers[0].n_secrets, 1);
	CU_ASSERT_EQUAL(c.l2tp.peers[1].n_secrets, 2);
	CU_ASSERT_EQUAL(c.l2tp.peers[1].t.retries, 5);
	CU_ASSERT_EQUAL_FATAL(c.n_circuits, 102);
	CU_ASSERT_EQUAL(c.circuits[0].peer, 0);
	CU_ASSERT_EQUAL(c.circuits[1].peer, -1);
	CU_ASSERT_STRING_EQUAL(c.circuits[101].remote_end_id, "cust-99");
	CU_ASSERT_EQUAL(c.circuits[101].ac_vlan, 699);
	/* and a QinQ range */
	CU_ASSERT_EQUAL_FATAL(c.n_sessions, 10004);
	CU_ASSERT_EQUAL(c.sessions[10003].ac_vlan, 1002);
	CU_ASSERT_EQUAL(c.sessions[10003].ac_inner_vlan, 1812);
	cfg_free(&c);

	CU_ASSERT_EQUAL(cfg_load_file("/nonexistent/x.cfg", &c, err, sizeof(err)), -1);
	CU_ASSERT_STRING_EQUAL(err, "/nonexistent/x.cfg: cannot open: No such file or directory");
	CU_ASSERT_EQUAL(cfg_load_file("/", &c, err, sizeof(err)), -1);
	CU_ASSERT_STRING_EQUAL(err, "/: cannot read: Is a directory");

	fd = mkstemp(path);
	CU_ASSERT_FATAL(fd >= 0);
	f = fdopen(fd, "w");
	CU_ASSERT_PTR_NOT_NULL_FATAL(f);
	fwrite(BASE "\0x = 1;\n", 1, sizeof(BASE "\0x = 1;\n") - 1, f);
	fclose(f);
	CU_ASSERT_EQUAL(cfg_load_file(path, &c, err, sizeof(err)), -1);
	snprintf(err + ERR_LEN / 2, ERR_LEN / 2, "%s:3: NUL byte in the file", path);
	CU_ASSERT_STRING_EQUAL(err, err + ERR_LEN / 2);

	f = fopen(path, "w");
	CU_ASSERT_PTR_NOT_NULL_FATAL(f);
	fputs(BASE "sessions = (\n" SESSION("pw0", "1") ",\n mtu );\n", f);
	fclose(f);
	CU_ASSERT_EQUAL(cfg_load_file(path, &c, err, sizeof(err)), -1);
	snprintf(err + ERR_LEN / 2, ERR_LEN / 2, "%s:5: syntax error", path);
	CU_ASSERT_STRING_EQUAL(err, err + ERR_LEN / 2);
	unlink(path);
}

int
main(void)
{
	CU_pSuite s;
	unsigned int failed;

	if (CU_initialize_registry() != CUE_SUCCESS)
		return 1;
	s = CU_add_suite("cfg", NULL, NULL);
	if (s == NULL || CU_add_test(s, "full", test_full) == NULL ||
	    CU_add_test(s, "defaults", test_defaults) == NULL ||
	    CU_add_test(s, "accepted", test_accepted) == NULL ||
	    CU_add_test(s, "errors", test_errors) == NULL ||
	    CU_add_test(s, "ranges", test_ranges) == NULL ||
	    CU_add_test(s, "derived", test_derived) == NULL ||
	    CU_add_test(s, "generated", test_generated) == NULL ||
	    CU_add_test(s, "err_buffer", test_err_buffer) == NULL ||
	    CU_add_test(s, "files", test_files) == NULL) {
		CU_cleanup_registry();
		return 1;
	}
	CU_basic_set_mode(CU_BRM_VERBOSE);
	CU_basic_run_tests();
	failed = CU_get_number_of_failures();
	CU_cleanup_registry();
	return failed != 0;
}
