/* SPDX-License-Identifier: BSD-3-Clause */
#include <stdio.h>
#include <string.h>

#include <rte_eth_ring.h>
#include <rte_mbuf.h>
#include <rte_ring.h>

#include "ut_dp.h"

static struct rte_ring *
ut_ring(const char *tag, const char *what)
{
	char name[RTE_RING_NAMESIZE];

	snprintf(name, sizeof(name), "%s_%s", tag, what);
	return rte_ring_create(name, 4096, SOCKET_ID_ANY, RING_F_SP_ENQ | RING_F_SC_DEQ);
}

int
ut_dp_config(struct ut_dp *u, const char *tag, unsigned int max_vcs, unsigned int worker_lcore)
{
	struct cfg *c = &u->cfg;
	struct cfg_port *ports = u->ports;
	char ac_name[32], net_name[32];

	memset(u, 0, sizeof(*u));
	u->ac_rx = ut_ring(tag, "acrx");
	u->ac_tx = ut_ring(tag, "actx");
	u->net_rx = ut_ring(tag, "netrx");
	u->net_tx[0] = ut_ring(tag, "nettx0");
	u->net_tx[1] = ut_ring(tag, "nettx1");
	if (u->ac_rx == NULL || u->ac_tx == NULL || u->net_rx == NULL || u->net_tx[0] == NULL ||
	    u->net_tx[1] == NULL)
		return -1;
	snprintf(ac_name, sizeof(ac_name), "%s_ac", tag);
	snprintf(net_name, sizeof(net_name), "%s_net", tag);
	if (rte_eth_from_rings(ac_name, &u->ac_rx, 1, &u->ac_tx, 1, SOCKET_ID_ANY) < 0 ||
	    rte_eth_from_rings(net_name, &u->net_rx, 1, u->net_tx, 2, SOCKET_ID_ANY) < 0)
		return -1;

	snprintf(ports[0].name, sizeof(ports[0].name), "ac0");
	/* the ring PMD names its devices net_ring_<name> */
	snprintf(ports[0].devargs, sizeof(ports[0].devargs), "net_ring_%s", ac_name);
	ports[0].role = CFG_PORT_ACCESS;
	snprintf(ports[1].name, sizeof(ports[1].name), "wan0");
	snprintf(ports[1].devargs, sizeof(ports[1].devargs), "net_ring_%s", net_name);
	ports[1].role = CFG_PORT_NETWORK;
	addr_prefix_parse("192.0.2.1/24", &ports[1].ipv4);
	addr_parse("192.0.2.2", &u->neigh.ip);
	memcpy(u->neigh.mac, (uint8_t[6]){2, 0, 0, 0, 0, 2}, 6);
	ports[1].neighbors = &u->neigh;
	ports[1].n_neighbors = 1;
	ports[1].has_mac = true;
	memcpy(ports[1].mac, (uint8_t[6]){2, 0, 0, 0, 0, 1}, 6);
	for (int i = 0; i < 2; i++) {
		ports[i].rx_queues = 1;
		ports[i].rx_desc = ports[i].tx_desc = 512;
		ports[i].mtu = 1500;
	}
	c->ports = ports;
	c->n_ports = 2;
	if (worker_lcore != 0) {
		u->rxq[0].port = 0;
		u->rxq[1].port = 1;
		u->worker.lcore = worker_lcore;
		u->worker.rx = u->rxq;
		u->worker.n_rx = 2;
		c->workers = &u->worker;
		c->n_workers = 1;
	}
	c->dp.mbufs = 16383;
	c->dp.mbuf_cache = 256;
	c->dp.max_vcs = max_vcs;
	c->dp.burst = 32;
	c->dp.idle_polls = 100;
	c->dp.seq_window = 1u << 23;
	c->dp.seq_resync = 16;
	c->dp.idle_sleep_us = 50;
	c->dp.punt_ring_size = 1024;
	c->dp.neigh_pending_max = 16;
	return 0;
}

int
ut_dp_open(struct ut_dp *u)
{
	u->dp = dp_create(&u->cfg);
	return u->dp == NULL ? -1 : 0;
}

int
ut_dp_create(struct ut_dp *u, const char *tag, unsigned int max_vcs, unsigned int worker_lcore)
{
	return ut_dp_config(u, tag, max_vcs, worker_lcore) < 0 ? -1 : ut_dp_open(u);
}

int
ut_dp_destroy(struct ut_dp *u)
{
	struct rte_ring *rings[] = {u->ac_rx, u->ac_tx, u->net_rx, u->net_tx[0], u->net_tx[1]};
	unsigned int i;
	void *m;
	int missing;

	dp_stop(u->dp);
	for (i = 0; i < RTE_DIM(rings); i++)
		while (rte_ring_dequeue(rings[i], &m) == 0)
			rte_pktmbuf_free(m);
	missing = dp_destroy(u->dp);
	for (i = 0; i < RTE_DIM(rings); i++)
		rte_ring_free(rings[i]);
	return missing;
}

void
ut_vc_params(struct dp_vc_params *p, uint16_t vlan, uint32_t sid)
{
	memset(p, 0, sizeof(*p));
	p->ac_port = UT_AC_PORT;
	p->ac_vlan = vlan;
	p->pw_type = L2TP_PW_ETH;
	p->encap = L2TP_ENCAP_IP;
	addr_parse("192.0.2.1", &p->local);
	addr_parse("192.0.2.2", &p->remote);
	p->local_session_id = sid;
	p->remote_session_id = sid + 1000000;
}
