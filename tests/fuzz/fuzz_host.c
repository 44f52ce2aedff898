/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * libFuzzer target for the control thread's side of punted packets: any
 * bytes as a frame received on a network port, classified as a worker
 * would, and if punted, handed to host_input() (ARP, ICMP echo, ICMPv6
 * and ND, L2TP control messages, held encapsulated packets). Answers go
 * to the network port's TX rings (with no worker, the control thread's
 * queue is the first), drained after every input; the data plane's mbuf
 * count must come back to its start.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <rte_mbuf.h>
#include <rte_mempool.h>
#include <rte_ring.h>

#include "dp_priv.h"
#include "host.h"
#include "ut_dp.h"
#include "ut_eal.h"
#include "worker.h"

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static struct ut_dp u;
static unsigned int ctrl_seen;

static void
on_ctrl(void *arg, const struct dp_ctrl_msg *msg)
{
	/* touch every byte the message claims to have */
	unsigned int i, sum = 0;

	(void)arg;
	for (i = 0; i < msg->len; i++)
		sum += msg->data[i];
	ctrl_seen += sum & 1;
}

static void
teardown(void)
{
	ut_dp_destroy(&u);
}

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	struct dp_vc_params p;
	struct dp_vc *vc;

	(void)argc;
	(void)argv;
	ut_eal_init("0@0,1@0", "--log-level=user.vcswitch.dp:error", NULL);
	/* a worker that never runs: held packets are its, and come back to
	 * it through its inject ring once their next hop resolves */
	if (ut_dp_create(&u, "fz", 16, 1) < 0)
		abort();
	/* IPv6 on the network port too, so ND and ICMPv6 are reachable */
	u.dp->ports[UT_NET_PORT].has_v6 = true;
	u.dp->hosts[UT_NET_PORT].has_v6 = true;
	memcpy(u.dp->ports[UT_NET_PORT].v6, "\x20\x01\x0d\xb8\0\0\0\0\0\0\0\0\0\0\0\x01", 16);
	memcpy(u.dp->hosts[UT_NET_PORT].v6, u.dp->ports[UT_NET_PORT].v6, 16);
	dp_udp_port_ref(u.dp, 1701);
	dp_set_ctrl_rx(u.dp, on_ctrl, NULL);
	/* a VC whose next hop is unresolved, for held packets */
	vc = dp_vc_create(u.dp, "held");
	ut_vc_params(&p, 0, 1);
	addr_parse("192.0.2.3", &p.remote);
	if (vc == NULL || dp_vc_activate(vc, &p) != 0)
		abort();
	atexit(teardown);
	return 0;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct dp *dp = u.dp;
	unsigned int before = rte_mempool_avail_count(dp->pool);
	struct pkt_meta *meta;
	struct rte_mbuf *m;
	struct pkt_net np;
	enum dp_drop why;
	enum pkt_class cls;
	void *out;
	uint8_t *f;

	if (size < 1 || size > 2000)
		return 0;
	m = rte_pktmbuf_alloc(dp->pool);
	if (m == NULL)
		abort();
	/* The first byte picks a held encapsulated packet; the rest is a frame. */
	f = (uint8_t *)rte_pktmbuf_append(m, (uint16_t)(size - 1));
	if (size > 1)
		memcpy(f, data + 1, size - 1);
	meta = pkt_meta(m);
	memset(meta, 0, sizeof(*meta));
	meta->port = UT_NET_PORT;
	if (data[0] == 0xff) {
		meta->reason = PUNT_NEIGH;
		meta->vc_index = 0;
	} else {
		cls = pkt_classify_net(f, (uint32_t)(size - 1), (uint32_t)(size - 1), true,
				       &dp->hosts[UT_NET_PORT], &np, &why);
		switch (cls) {
		case PKT_ARP:
			meta->reason = PUNT_ARP;
			break;
		case PKT_ICMP:
			meta->reason = PUNT_ICMP;
			break;
		case PKT_ICMP6:
			meta->reason = PUNT_ICMP6;
			break;
		case PKT_CTRL:
			meta->reason = PUNT_L2TP_CTRL;
			break;
		default:
			rte_pktmbuf_free(m);
			return 0;
		}
		meta->l3_off = np.l3_off;
		meta->l4_off = np.l4_off;
		meta->ctrl_off = np.ctrl_off;
		meta->end = np.end;
		meta->udp = np.udp;
		meta->v6 = np.v6;
	}
	host_input(dp, m);
	for (unsigned int q = 0; q < RTE_DIM(u.net_tx); q++)
		while (rte_ring_dequeue(u.net_tx[q], &out) == 0)
			rte_pktmbuf_free(out);
	while (rte_ring_dequeue(dp->workers[0]->inject, &out) == 0)
		rte_pktmbuf_free(out);
	/* Held packets stay until the neighbour answers, boundedly; all
	 * else must be back. */
	if (data[0] != 0xff && rte_mempool_avail_count(dp->pool) < before)
		abort();
	return 0;
}
