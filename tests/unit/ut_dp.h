/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * A data plane on rte_ring-backed ports, built from code for tests that
 * drive it directly: one access port and one network port, each of
 * whose queues is a ring the test can feed and drain.
 */
#ifndef VCS_UT_DP_H
#define VCS_UT_DP_H

#include <stdbool.h>
#include <stdint.h>

#include "cfg.h"
#include "dp.h"

struct rte_ring;

#define UT_AC_PORT  0
#define UT_NET_PORT 1

struct ut_dp {
	struct cfg cfg;
	struct dp *dp;
	struct rte_ring *ac_rx, *ac_tx; /* test -> access port, access port -> test */
	struct rte_ring *net_rx;	/* test -> network port */
	struct rte_ring *net_tx[2];	/* worker's and control thread's queues -> test */
	struct cfg_port ports[2];
	struct cfg_worker worker;
	struct cfg_rxq rxq[2];
	struct cfg_neigh neigh;
};

/* Local 192.0.2.1/24 on the network port (MAC 02:00:00:00:00:01),
 * static neighbour 192.0.2.2 (02:00:00:00:00:02); one worker on
 * worker_lcore polling both ports (worker_lcore 0: no worker). */
int ut_dp_create(struct ut_dp *u, const char *tag, unsigned int max_vcs, unsigned int worker_lcore);

/* ut_dp_create() in two steps, for a test that changes u->cfg or
 * u->ports (addresses, gateways, neighbours) before the data plane is
 * created from them. */
int ut_dp_config(struct ut_dp *u, const char *tag, unsigned int max_vcs, unsigned int worker_lcore);
int ut_dp_open(struct ut_dp *u);

/* Stops the workers, drains every ring and destroys the data plane.
 * Returns the number of mbufs that did not come back (0 = no leak). */
int ut_dp_destroy(struct ut_dp *u);

/* Params of a static-like session: AC VLAN vlan, IP encap, local
 * session sid, remote session sid + 1000000. */
void ut_vc_params(struct dp_vc_params *p, uint16_t vlan, uint32_t sid);

#endif
