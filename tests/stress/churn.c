/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * RCU churn: a worker forwards traffic in both directions while the
 * control thread activates and deactivates VCs at a high rate.
 *
 * Proves, over the whole run:
 *  - no use of a freed VC record (they are ASan-poisoned when freed, so
 *    an ASan build aborts at the first such read);
 *  - no packet leaves on a VC after its deactivation completed: each
 *    incarnation has its own session IDs, and the output rings' producer
 *    positions are recorded at completion;
 *  - no loss and no reordering on VCs that are never touched;
 *  - counters that add up: every packet offered is forwarded or counted
 *    as dropped, exactly; every mbuf, VC slot and table entry comes back.
 *
 * lcores: 0 = control thread, 1 = worker, 2 = traffic generator + sink
 * (shares CPU 0 with the control thread).
 *
 * -m DIR (memif) is benchmark S5 (bench/run): on top of the above, the
 * S1 topology's two net_memif ports (servers at DIR/ac.sock and
 * DIR/net.sock, for bench/vcs-gen) and S1's one VC, never churned,
 * carrying whatever the generator sends. The in-process traffic is then
 * paced down and the control thread sleeps between its bursts of work,
 * as vcswitch's does, leaving CPU 0 to the generator. Churn starts once
 * DIR/go exists.
 *
 * -e (early close) is the negative control: it records a VC as closed
 * when its deactivation is *requested*, which is too early; the
 * late-packet check must then find packets still in flight.
 *
 * -c (calls) makes every VC a call through the call-management core, as
 * the L2TPv3 call manager will: a test stand-alone call manager creates
 * and activates the VC and offers the call to the real cross-connect
 * client, which accepts it on its circuit; the network closes it
 * (incoming close), the client closes the call, the call manager
 * deactivates the VC and completes the close once the data plane has let
 * go, then deletes the VC. Meanwhile the stable calls get new contracts
 * (re-activation plus a QoS-change indication), generous ones or none,
 * which must not lose or reorder a frame. Everything the core owned must
 * be gone at the end.
 */
#include <getopt.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <rte_cycles.h>
#include <rte_ether.h>
#include <rte_hash.h>
#include <rte_launch.h>
#include <rte_lcore.h>
#include <rte_mbuf.h>
#include <rte_random.h>
#include <rte_ring.h>

#include "ac_tbl.h"
#include "cm.h"
#include "dp_priv.h"
#include "frame.h"
#include "miniport.h"
#include "ut_dp.h"
#include "ut_eal.h"
#include "worker.h"
#include "xc.h"

#define MAX_VCS	      4096
#define N_STABLE      64
#define N_CHURN	      512
#define STABLE_VLAN0  1
#define CHURN_VLAN0   1001
#define CHURN_SID0    100000u
#define MAX_INCS      (1u << 20)
#define OPS_BURST     256
#define RETIRING_MAX  (MAX_VCS / 2)
#define REMOTE_OFFSET 1000000u
#define BURST	      32
#define QOS_EVERY     64 /* churn operations per stable contract change */

/* -m: S1's ports and VC (bench/run's S1 configuration) */
#define MEMIF_AC_PORT  2
#define MEMIF_NET_PORT 3
#define S1_VLAN	       100
#define S1_SID	       1000
#define S1_RSID	       2000000
#define MEMIF_PACE_US  1000 /* in-process traffic and control work, per turn */

/* One incarnation of a VC. */
struct inc {
	uint32_t closed_net_pos; /* output ring positions at completion */
	uint32_t closed_ac_pos;
	uint16_t vlan;
	uint8_t closed;
	bool memif;	     /* S1's VC, on the memif ports */
	struct dp_vc *vc;    /* the data-plane VC, without -c */
	struct cm_vc_h call; /* its call's VC, with -c */
};

static struct {
	struct ut_dp u;
	volatile bool stop_gen;
	volatile bool gen_done;
	bool early_close;
	bool calls;
	const char *memif_dir; /* -m */
	struct inc s1;
	struct cfg_port ports[4];
	struct cfg_rxq rxq[4];
	struct cfg_neigh s1_neigh;
	struct inc *incs;
	uint32_t n_incs;
	uint32_t churn_sid[N_CHURN]; /* current local session ID of each slot, 0 if none */
	struct inc *churn_inc[N_CHURN];
	/* -c: the slot's last call is still closing: its circuit is busy */
	bool closing[N_CHURN];
	uint64_t busy_skips;
	uint64_t reclaim_waits; /* bursts cut short: too many records retiring */
	struct inc stable[N_STABLE];
	/* generator/sink (lcore 2) */
	uint8_t ac_tmpl[64], net_tmpl[128];
	struct frame_layout ac_lo, net_lo;
	uint64_t sent_ac, sent_net, not_sent;
	uint64_t stable_sent[N_STABLE], stable_rcvd[N_STABLE];
	uint64_t rcvd_net, rcvd_ac, rcvd_ctrl;
	uint64_t pos_net, pos_ac;
	uint64_t late, stable_errors, corrupt;
	/* control */
	uint64_t activations, deactivations, completions;
	/* -c: the core, the cross-connect and the test call manager */
	struct core *core;
	struct xc *xc;
	struct cm_bind_h cm;
	struct cm_af_h af;
	bool af_open;
	struct cm_sap_h sap_of_vlan[RTE_ETHER_MAX_VLAN_ID + 1];
	uint64_t qos_changes, cm_errors;
} t;

static uint64_t
ring_tail(const struct rte_ring *r)
{
	return __atomic_load_n(&r->prod.tail, __ATOMIC_ACQUIRE);
}

/* From now on, nothing may leave on in's sessions. */
static void
mark_closed(struct inc *in)
{
	in->closed_net_pos = (uint32_t)ring_tail(t.u.net_tx[0]);
	in->closed_ac_pos = (uint32_t)ring_tail(t.u.ac_tx);
	__atomic_store_n(&in->closed, 1, __ATOMIC_RELEASE);
}

/* The data plane has let go of in's VC. */
static void
vc_closed(struct inc *in)
{
	if (!t.early_close)
		mark_closed(in);
	t.completions++;
}

static void
on_closed(struct dp_vc *vc, void *arg)
{
	vc_closed(arg);
	if (dp_vc_delete(vc) != 0)
		abort();
}

/* The stamp says which VLAN (AC frames) or session (L2TPv3 packets) a
 * frame was sent to, and its sequence number for that key. */
static struct rte_mbuf *
gen_frame(struct rte_mempool *mp, const uint8_t *tmpl, const struct frame_layout *lo, uint32_t key,
	  uint64_t seq)
{
	struct rte_mbuf *m = rte_pktmbuf_alloc(mp);
	struct frame_stamp st = {.magic = FRAME_STAMP_MAGIC, .vc = key, .seq = seq};
	uint8_t *f;

	if (m == NULL)
		return NULL;
	f = (uint8_t *)rte_pktmbuf_append(m, lo->len);
	if (f == NULL) {
		rte_pktmbuf_free(m);
		return NULL;
	}
	memcpy(f, tmpl, lo->len);
	memcpy(f + lo->stamp_off, &st, sizeof(st));
	if (lo->vlan_off != 0)
		frame_put_vid(f + lo->vlan_off, (uint16_t)key);
	if (lo->session_off != 0)
		frame_put_be32(f + lo->session_off, key);
	return m;
}

static struct rte_mbuf *
gen_ac_frame(struct rte_mempool *mp, uint16_t vlan, uint64_t seq)
{
	return gen_frame(mp, t.ac_tmpl, &t.ac_lo, vlan, seq);
}

static struct rte_mbuf *
gen_l2tp_packet(struct rte_mempool *mp, uint32_t sid, uint64_t seq)
{
	return gen_frame(mp, t.net_tmpl, &t.net_lo, sid, seq);
}

/* The frames ut_dp's ports expect: 64-byte tagged frames on the AC,
 * L2TPv3 over IPv4 from 192.0.2.2 to 192.0.2.1, no cookie, carrying
 * untagged 60-byte frames. */
static void
gen_templates(void)
{
	const struct frame_eth ac = {
		.dst = {2, 0, 0, 0, 0, 0xb}, .src = {2, 0, 0, 0, 0, 0xa}, .vlan = 1};
	struct frame_l2tp l = {.dst = {2, 0, 0, 0, 0, 1},
			       .src = {2, 0, 0, 0, 0, 2},
			       .saddr.v4 = RTE_BE32(0xc0000202),
			       .daddr.v4 = RTE_BE32(0xc0000201),
			       .session_id = 1,
			       .inner = {.dst = {2, 0, 0, 0, 0, 0xc}, .src = {2, 0, 0, 0, 0, 0xd}}};

	if (frame_eth_build(t.ac_tmpl, 64, &ac, &t.ac_lo) < 0 ||
	    frame_l2tp_build(t.net_tmpl, 60, &l, &t.net_lo) < 0)
		abort();
}

/* Which incarnation a session ID belongs to, or -1 for a stable VC. */
static int64_t
inc_of_sid(uint32_t sid)
{
	return sid >= CHURN_SID0 ? (int64_t)(sid - CHURN_SID0) : -1;
}

static void
check_late(uint32_t sid, uint64_t pos, bool net)
{
	int64_t i = inc_of_sid(sid);
	struct inc *in;

	if (i < 0)
		return;
	if ((uint64_t)i >= MAX_INCS) {
		t.corrupt++;
		return;
	}
	in = &t.incs[i];
	if (__atomic_load_n(&in->closed, __ATOMIC_ACQUIRE) &&
	    (uint32_t)pos >= (net ? in->closed_net_pos : in->closed_ac_pos))
		t.late++;
}

static void
check_stable(uint32_t vlan, uint64_t seq)
{
	uint32_t k = vlan - STABLE_VLAN0;

	if (vlan < STABLE_VLAN0 || k >= N_STABLE)
		return;
	if (seq != t.stable_rcvd[k])
		t.stable_errors++;
	t.stable_rcvd[k] = seq + 1;
}

/* Encapsulated frames: outer remote session ID tells the incarnation. */
static void
sink_net(struct rte_mbuf *m)
{
	static const struct frame_rx_opts o;
	struct frame_info fi;
	uint32_t remote, key;

	/* The inner frame, its tag stripped, must have left on the session
	 * of the VC that owns its VLAN. */
	if (frame_parse(rte_pktmbuf_mtod(m, const uint8_t *), rte_pktmbuf_data_len(m), &o, &fi) <
		    0 ||
	    !fi.l2tp || fi.vlan != 0) {
		t.corrupt++;
		return;
	}
	remote = fi.session_id - REMOTE_OFFSET;
	key = fi.stamp.vc;
	if (inc_of_sid(remote) < 0 ? remote != key
				   : (uint64_t)inc_of_sid(remote) >=
						     __atomic_load_n(&t.n_incs, __ATOMIC_ACQUIRE) ||
					     t.incs[inc_of_sid(remote)].vlan != key) {
		t.corrupt++;
		return;
	}
	check_late(remote, t.pos_net, true);
	check_stable(key, fi.stamp.seq);
}

/* Decapsulated frames: the stamp names the session they were sent to;
 * the AC tag was pushed back. */
static void
sink_ac(struct rte_mbuf *m)
{
	static const struct frame_rx_opts o;
	struct frame_info fi;

	if (frame_parse(rte_pktmbuf_mtod(m, const uint8_t *), rte_pktmbuf_data_len(m), &o, &fi) <
		    0 ||
	    fi.l2tp || fi.vlan == 0) {
		t.corrupt++;
		return;
	}
	check_late(fi.stamp.vc, t.pos_ac, false);
}

static unsigned int
sink_poll(void)
{
	struct rte_mbuf *pkts[BURST];
	unsigned int n, i, total = 0;

	n = rte_ring_sc_dequeue_burst(t.u.net_tx[0], (void **)pkts, BURST, NULL);
	for (i = 0; i < n; i++, t.pos_net++) {
		sink_net(pkts[i]);
		rte_pktmbuf_free(pkts[i]);
	}
	t.rcvd_net += n;
	total += n;
	n = rte_ring_sc_dequeue_burst(t.u.ac_tx, (void **)pkts, BURST, NULL);
	for (i = 0; i < n; i++, t.pos_ac++) {
		sink_ac(pkts[i]);
		rte_pktmbuf_free(pkts[i]);
	}
	t.rcvd_ac += n;
	total += n;
	n = rte_ring_sc_dequeue_burst(t.u.net_tx[1], (void **)pkts, BURST, NULL);
	for (i = 0; i < n; i++)
		rte_pktmbuf_free(pkts[i]);
	t.rcvd_ctrl += n;
	return total + n;
}

static void
gen_burst(struct rte_mempool *mp)
{
	struct rte_mbuf *ac[BURST], *net[BURST];
	unsigned int i, n_ac = 0, n_net = 0, sent;

	for (i = 0; i < BURST; i++) {
		uint32_t r = (uint32_t)rte_rand();
		uint32_t k = (r >> 8) % (r & 1 ? N_STABLE : N_CHURN);
		struct rte_mbuf *m;

		if (r & 2) {
			uint16_t vlan = (uint16_t)((r & 1 ? STABLE_VLAN0 : CHURN_VLAN0) + k);
			uint64_t seq = r & 1 ? t.stable_sent[k]++ : 0;

			m = gen_ac_frame(mp, vlan, seq);
			if (m != NULL)
				ac[n_ac++] = m;
		} else {
			uint32_t sid =
				r & 1 ? k + 1 : __atomic_load_n(&t.churn_sid[k], __ATOMIC_RELAXED);

			m = gen_l2tp_packet(mp, sid != 0 ? sid : CHURN_SID0 + MAX_INCS, 0);
			if (m != NULL)
				net[n_net++] = m;
		}
		if (m == NULL)
			t.not_sent++;
	}
	/* The rings are sized so that nothing should be refused; anything
	 * refused is simply not counted as sent. Stable sequence numbers
	 * then skip, which the check would flag, so refusals must be 0. */
	sent = rte_ring_sp_enqueue_burst(t.u.ac_rx, (void **)ac, n_ac, NULL);
	t.sent_ac += sent;
	t.not_sent += n_ac - sent;
	for (i = sent; i < n_ac; i++)
		rte_pktmbuf_free(ac[i]);
	sent = rte_ring_sp_enqueue_burst(t.u.net_rx, (void **)net, n_net, NULL);
	t.sent_net += sent;
	t.not_sent += n_net - sent;
	for (i = sent; i < n_net; i++)
		rte_pktmbuf_free(net[i]);
}

static int
gen_main(void *arg)
{
	struct rte_mempool *mp = arg;

	while (!t.stop_gen) {
		/* Keep the input rings shallow so the sink keeps up and no
		 * queue overflows: the point is churn, not overload. */
		if (rte_ring_count(t.u.ac_rx) < 512 && rte_ring_count(t.u.net_rx) < 512)
			gen_burst(mp);
		sink_poll();
		if (t.memif_dir != NULL)
			rte_delay_us_sleep(MEMIF_PACE_US);
	}
	t.gen_done = true;
	return 0;
}

static int
fail(const char *what, uint64_t got, uint64_t want)
{
	fprintf(stderr, "FAIL: %s: got %" PRIu64 ", want %" PRIu64 "\n", what, got, want);
	return 1;
}

static void
die(const char *what, uint32_t i)
{
	fprintf(stderr, "churn: %s (incarnation %u)\n", what, i);
	abort();
}

/* ---- -c: VCs as calls through the core ---- */

/* ut_dp's VCs, or S1's on the memif ports */
static void
inc_params(const struct inc *in, uint32_t sid, struct dp_vc_params *p)
{
	ut_vc_params(p, in->vlan, sid);
	if (in->memif) {
		p->ac_port = MEMIF_AC_PORT;
		addr_parse("198.51.100.1", &p->local);
		addr_parse("198.51.100.2", &p->remote);
		p->remote_session_id = S1_RSID;
	}
}

static void
call_params(struct cm_call_params *p, const struct inc *in, uint32_t sid)
{
	struct dp_vc_params v;

	inc_params(in, sid, &v);
	memset(p, 0, sizeof(*p));
	cm_flowspec_none(&p->transmit);
	cm_flowspec_none(&p->receive);
	p->media.pw_type = v.pw_type;
	p->media.circuit.port = v.ac_port;
	p->media.circuit.vlan = v.ac_vlan;
	p->media.encap = v.encap;
	p->media.local = v.local;
	p->media.remote = v.remote;
	p->media.local_session_id = v.local_session_id;
	p->media.remote_session_id = v.remote_session_id;
}

static void
call_open(struct inc *in, uint32_t sid)
{
	struct cm_call_params p;

	call_params(&p, in, sid);
	if (co_create_vc(t.core, t.cm, t.af, in, &in->call) != CM_SUCCESS)
		die("no VC", sid);
	if (cm_activate_vc(t.core, in->call, &p) != CM_SUCCESS)
		die("activation refused", sid);
	if (cm_dispatch_incoming_call(t.core, t.sap_of_vlan[in->vlan], in->call, &p) != CM_SUCCESS)
		die("call refused by the cross-connect", sid);
	if (cm_dispatch_call_connected(t.core, in->call) != CM_SUCCESS)
		die("cannot connect", sid);
}

/* The network ends the call; the cross-connect closes it, which reaches
 * tcm_close_call. */
static void
call_close(struct inc *in)
{
	if (cm_dispatch_incoming_close_call(t.core, CM_DEST_OUT_OF_ORDER, in->call, NULL, 0) !=
	    CM_SUCCESS)
		die("incoming close refused", 0);
}

/* A stable call's new contract: as the L2TPv3 call manager will when a
 * peer changes it, re-activate, then tell the client. Every other change
 * is generous enough never to drop, or none at all. */
static void
call_change_qos(struct inc *in, uint32_t sid)
{
	struct cm_call_params p;

	call_params(&p, in, sid);
	if (t.qos_changes % 2 == 0) {
		p.transmit.service_type = CM_SERVICETYPE_GUARANTEED;
		p.transmit.token_rate = 10000000000ull; /* bytes/s */
		p.transmit.token_bucket_size = 100000000;
		p.receive = p.transmit;
	}
	if (cm_activate_vc(t.core, in->call, &p) != CM_SUCCESS ||
	    cm_dispatch_incoming_call_qos_change(t.core, in->call, &p) != CM_SUCCESS)
		die("QoS change refused", sid);
	t.qos_changes++;
}

static enum cm_status
tcm_open_af(void *bind_ctx, const struct cm_af *af, struct cm_af_h h, void **cm_af_ctx)
{
	(void)bind_ctx, (void)af;
	t.af = h;
	t.af_open = true;
	*cm_af_ctx = &t;
	return CM_SUCCESS;
}

static enum cm_status
tcm_close_af(void *cm_af_ctx)
{
	(void)cm_af_ctx;
	t.af_open = false;
	return CM_SUCCESS;
}

static enum cm_status
tcm_register_sap(void *cm_af_ctx, const struct cm_sap *sap, struct cm_sap_h h, void **cm_sap_ctx)
{
	(void)cm_af_ctx;
	t.sap_of_vlan[sap->circuit.vlan] = h;
	*cm_sap_ctx = &t.sap_of_vlan[sap->circuit.vlan];
	return CM_SUCCESS;
}

static enum cm_status
tcm_deregister_sap(void *cm_sap_ctx)
{
	((struct cm_sap_h *)cm_sap_ctx)->v = 0;
	return CM_SUCCESS;
}

static enum cm_status
tcm_close_call(void *cm_vc_ctx, void *cm_party_ctx, const void *data, size_t size)
{
	struct inc *in = cm_vc_ctx;

	(void)cm_party_ctx, (void)data, (void)size;
	if (t.early_close)
		mark_closed(in);
	return cm_deactivate_vc(t.core, in->call);
}

/* Deactivated: complete the close, then the creator deletes the VC. */
static void
tcm_deactivate_vc_complete(enum cm_status status, void *cm_vc_ctx)
{
	static const struct cm_party_h no_party;
	struct inc *in = cm_vc_ctx;

	vc_closed(in);
	if (in->vlan >= CHURN_VLAN0)
		t.closing[in->vlan - CHURN_VLAN0] = false;
	if (status != CM_SUCCESS ||
	    cm_close_call_complete(t.core, CM_SUCCESS, in->call, no_party) != CM_SUCCESS ||
	    co_delete_vc(t.core, t.cm, in->call) != CM_SUCCESS)
		t.cm_errors++;
	in->call.v = 0;
}

static enum cm_status
tcm_delete_vc(void *cm_vc_ctx)
{
	(void)cm_vc_ctx;
	return CM_SUCCESS;
}

static void
tcm_notify_close_af_complete(void *cm_af_ctx, enum cm_status status)
{
	(void)cm_af_ctx;
	if (status != CM_SUCCESS)
		t.cm_errors++;
}

/* What the test never asks for: reaching one of these is an error. */
static enum cm_status
tcm_refuse(void)
{
	t.cm_errors++;
	return CM_NOT_SUPPORTED;
}

static enum cm_status
tcm_make_call(void *vc, struct cm_call_params *p, struct cm_party_h party, void **party_ctx)
{
	(void)vc, (void)p, (void)party, (void)party_ctx;
	return tcm_refuse();
}

static enum cm_status
tcm_drop_party(void *party_ctx, const void *data, size_t size)
{
	(void)party_ctx, (void)data, (void)size;
	return tcm_refuse();
}

static enum cm_status
tcm_modify_call_qos(void *vc, struct cm_call_params *p)
{
	(void)vc, (void)p;
	return tcm_refuse();
}

static enum cm_status
tcm_create_vc(void *af_ctx, struct cm_vc_h vc, void **vc_ctx)
{
	(void)af_ctx, (void)vc, (void)vc_ctx;
	return tcm_refuse();
}

static void
tcm_incoming_call_complete(enum cm_status status, void *vc, struct cm_call_params *p)
{
	(void)status, (void)vc, (void)p;
	tcm_refuse();
}

static void
tcm_activate_vc_complete(enum cm_status status, void *vc, struct cm_call_params *p)
{
	(void)status, (void)vc, (void)p;
	tcm_refuse();
}

static void
tcm_link_status(void *bind_ctx, uint16_t port, bool up)
{
	(void)bind_ctx, (void)port, (void)up;
}

static const struct cm_handlers tcm_handlers = {
	.open_af = tcm_open_af,
	.close_af = tcm_close_af,
	.register_sap = tcm_register_sap,
	.deregister_sap = tcm_deregister_sap,
	.make_call = tcm_make_call,
	.close_call = tcm_close_call,
	.incoming_call_complete = tcm_incoming_call_complete,
	.add_party = tcm_make_call,
	.drop_party = tcm_drop_party,
	.modify_call_qos = tcm_modify_call_qos,
	.activate_vc_complete = tcm_activate_vc_complete,
	.deactivate_vc_complete = tcm_deactivate_vc_complete,
	.notify_close_af_complete = tcm_notify_close_af_complete,
	.create_vc = tcm_create_vc,
	.delete_vc = tcm_delete_vc,
	.link_status = tcm_link_status,
};

/* The core on the data plane, the cross-connect with a circuit per VLAN
 * the test uses, and the test call manager's address family, which the
 * cross-connect opens and registers its SAPs in. */
static int
calls_setup(void)
{
	static const struct cm_af af = {.family = CM_AF_L2TP, .major = 3};
	struct xc_circuit circ[N_STABLE + N_CHURN + 1];
	unsigned int i, n = N_STABLE + N_CHURN;
	struct cm_miniport mp;

	miniport_of_dp(t.u.dp, &mp);
	t.core = core_create(&mp);
	for (i = 0; i < N_STABLE + N_CHURN; i++) {
		uint16_t vlan = i < N_STABLE ? STABLE_VLAN0 + i : CHURN_VLAN0 + i - N_STABLE;

		memset(&circ[i], 0, sizeof(circ[i]));
		snprintf(circ[i].name, sizeof(circ[i].name), "vlan%u", vlan);
		circ[i].family = CM_AF_L2TP;
		circ[i].pw_type = L2TP_PW_ETH;
		cm_flowspec_none(&circ[i].transmit);
		cm_flowspec_none(&circ[i].receive);
		circ[i].circuit.port = UT_AC_PORT;
		circ[i].circuit.vlan = vlan;
	}
	if (t.memif_dir != NULL) {
		circ[n] = circ[0];
		snprintf(circ[n].name, sizeof(circ[n].name), "s1");
		circ[n].circuit.port = MEMIF_AC_PORT;
		circ[n++].circuit.vlan = S1_VLAN;
	}
	t.xc = t.core == NULL ? NULL : xc_create(t.core, circ, n);
	if (t.xc == NULL || cm_register(t.core, &tcm_handlers, &t, &t.cm) != CM_SUCCESS ||
	    cm_register_af(t.core, t.cm, &af) != CM_SUCCESS || !t.af_open)
		return -1;
	for (i = 0; i < N_STABLE; i++)
		if (cm_handle_is_null(t.sap_of_vlan[STABLE_VLAN0 + i].v))
			return -1;
	return 0;
}

/* Everything closed: the call manager withdraws its AF; the client lets
 * go of it; then nothing of either may be left in the core. */
static int
calls_teardown(void)
{
	unsigned int alive;

	if (cm_notify_close_af(t.core, t.af) != CM_SUCCESS || t.af_open)
		t.cm_errors++;
	xc_destroy(t.xc);
	if (core_deregister(t.core, t.cm) != CM_SUCCESS)
		t.cm_errors++;
	alive = core_destroy(t.core);
	return alive == 0 ? 0 : fail("call objects left in the core", alive, 0);
}

/* ---- -m: the S1 topology ---- */

/* S1's ports as EAL is to create them (before it starts). */
static void
memif_config_ports(void)
{
	struct cfg_port *ac = &t.ports[MEMIF_AC_PORT], *net = &t.ports[MEMIF_NET_PORT];

	snprintf(ac->devargs, sizeof(ac->devargs), "net_memif0,role=server,socket=%s/ac.sock,id=0",
		 t.memif_dir);
	snprintf(net->devargs, sizeof(net->devargs),
		 "net_memif1,role=server,socket=%s/net.sock,id=0", t.memif_dir);
}

/* S1's ports next to ut_dp's, with bench/run's S1 settings: no idle
 * sleep in the worker, as many mbufs. */
static void
memif_config(void)
{
	static const uint8_t mac[6] = {2, 0, 0, 0, 1, 1}, peer[6] = {2, 0, 0, 0, 2, 2};
	struct cfg *c = &t.u.cfg;
	struct cfg_port *ac = &t.ports[MEMIF_AC_PORT], *net = &t.ports[MEMIF_NET_PORT];
	unsigned int i;

	memcpy(t.ports, t.u.ports, sizeof(t.u.ports));
	*ac = t.u.ports[UT_AC_PORT];
	*net = t.u.ports[UT_NET_PORT];
	memif_config_ports();
	snprintf(ac->name, sizeof(ac->name), "ac1");
	snprintf(net->name, sizeof(net->name), "wan1");
	memcpy(net->mac, mac, sizeof(mac));
	net->mtu = 9000;
	addr_prefix_parse("198.51.100.1/24", &net->ipv4);
	addr_parse("198.51.100.2", &t.s1_neigh.ip);
	memcpy(t.s1_neigh.mac, peer, sizeof(peer));
	net->neighbors = &t.s1_neigh;
	for (i = 0; i < RTE_DIM(t.ports); i++) {
		t.ports[i].rx_desc = t.ports[i].tx_desc = 1024;
		t.rxq[i].port = i;
	}
	c->ports = t.ports;
	c->n_ports = RTE_DIM(t.ports);
	t.u.worker.rx = t.rxq;
	t.u.worker.n_rx = RTE_DIM(t.rxq);
	c->dp.mbufs = 32767;
	c->dp.idle_sleep_us = 0;
}

/* What the worker took for S1's VC, and what it sent on (the memif
 * PMD's own counters are gone once the generator disconnects). */
static void
memif_stats(uint64_t *rx, uint64_t *enc, uint64_t *dec)
{
	struct dp_vc_stats vs;
	struct cm_vc_info info;
	unsigned int i;

	if (t.calls) {
		if (cm_vc_info(t.core, t.s1.call, &info) != CM_SUCCESS)
			abort();
		dp_vc_get_stats(info.mp_vc, &vs);
	} else {
		dp_vc_get_stats(t.s1.vc, &vs);
	}
	*enc = vs.enc_pkts;
	*dec = vs.dec_pkts;
	*rx = vs.enc_pkts + vs.dec_pkts;
	for (i = 0; i < DP_ENC_DROP_MAX; i++)
		*rx += vs.enc_drops[i];
	for (i = 0; i < DP_DEC_DROP_MAX; i++)
		*rx += vs.dec_drops[i];
}

/* Until bench/run says go: the generator's links are up. */
static void
memif_wait_go(void)
{
	char go[512];

	snprintf(go, sizeof(go), "%s/go", t.memif_dir);
	printf("churn: ready\n");
	fflush(stdout);
	while (access(go, F_OK) != 0) {
		dp_poll(t.u.dp);
		rte_delay_us_sleep(MEMIF_PACE_US);
	}
}

/* ---- opening and closing VCs, either way ---- */

static void
vc_open(struct inc *in, uint32_t sid)
{
	struct dp_vc_params p;

	if (t.calls) {
		call_open(in, sid);
	} else {
		in->vc = dp_vc_create(t.u.dp, "churn");
		inc_params(in, sid, &p);
		if (in->vc == NULL || dp_vc_activate(in->vc, &p) != 0)
			die("activation failed", sid);
	}
}

static void
vc_close(struct inc *in)
{
	if (t.calls) {
		call_close(in);
		return;
	}
	if (t.early_close)
		mark_closed(in);
	if (dp_vc_deactivate(in->vc, on_closed, in) != 1)
		abort();
	in->vc = NULL;
}

static void
churn_op(unsigned int k)
{
	struct inc *in = t.churn_inc[k];
	uint32_t i;

	if (in != NULL) {
		__atomic_store_n(&t.churn_sid[k], 0, __ATOMIC_RELAXED);
		t.churn_inc[k] = NULL;
		t.closing[k] = t.calls;
		vc_close(in);
		t.deactivations++;
		return;
	}
	/* A circuit carries one call at a time: the next waits until the
	 * last one's close completed, a grace period after it began. */
	if (t.closing[k]) {
		t.busy_skips++;
		return;
	}
	if (t.n_incs == MAX_INCS)
		return;
	i = t.n_incs;
	in = &t.incs[i];
	in->vlan = (uint16_t)(CHURN_VLAN0 + k);
	__atomic_store_n(&t.n_incs, i + 1, __ATOMIC_RELEASE);
	vc_open(in, CHURN_SID0 + i);
	t.churn_inc[k] = in;
	__atomic_store_n(&t.churn_sid[k], CHURN_SID0 + i, __ATOMIC_RELAXED);
	t.activations++;
}

int
main(int argc, char **argv)
{
	double seconds = 10, rate = 24000;
	struct core_counts cc;
	struct dp_stats st;
	uint64_t hz, start, end, next, ops = 0, dropped;
	uint64_t memif_rx = 0, memif_enc = 0, memif_dec = 0, memif_lost;
	unsigned int n_stable; /* VCs never churned */
	unsigned int i, k = 0;
	int ch, errors = 0, missing;

	while ((ch = getopt(argc, argv, "s:r:ecm:")) != -1) {
		if (ch == 's')
			seconds = atof(optarg);
		else if (ch == 'r')
			rate = atof(optarg);
		else if (ch == 'e')
			t.early_close = true;
		else if (ch == 'c')
			t.calls = true;
		else if (ch == 'm')
			t.memif_dir = optarg;
	}
	n_stable = N_STABLE + (t.memif_dir != NULL);
	if (t.memif_dir != NULL) {
		memif_config_ports();
		ut_eal_init_shared("0@0,1@1,2@0", "--log-level=user.vcswitch.*:warning", "--vdev",
				   t.ports[MEMIF_AC_PORT].devargs, "--vdev",
				   t.ports[MEMIF_NET_PORT].devargs, NULL);
	} else {
		ut_eal_init("0@0,1@1,2@0", "--log-level=user.vcswitch.*:warning", NULL);
	}
	t.incs = calloc(MAX_INCS, sizeof(*t.incs));
	if (t.incs == NULL || ut_dp_config(&t.u, "churn", MAX_VCS, 1) < 0) {
		fprintf(stderr, "set-up failed\n");
		return 1;
	}
	if (t.memif_dir != NULL)
		memif_config();
	if (ut_dp_open(&t.u) < 0 || (t.calls && calls_setup() < 0)) {
		fprintf(stderr, "set-up failed\n");
		return 1;
	}
	gen_templates();
	for (i = 0; i < N_STABLE; i++) {
		t.stable[i].vlan = (uint16_t)(STABLE_VLAN0 + i);
		vc_open(&t.stable[i], i + 1);
	}
	if (t.memif_dir != NULL) {
		t.s1.vlan = S1_VLAN;
		t.s1.memif = true;
		vc_open(&t.s1, S1_SID);
	}
	if (dp_start(t.u.dp) < 0)
		return 1;
	if (t.memif_dir != NULL)
		memif_wait_go();
	if (rte_eal_remote_launch(gen_main, t.u.dp->pool, 2) < 0)
		return 1;

	/* Alternate deactivate/activate over the slots, paced by the TSC. */
	hz = rte_get_timer_hz();
	start = rte_get_timer_cycles();
	end = start + (uint64_t)(seconds * (double)hz);
	for (next = start;;) {
		uint64_t now = rte_get_timer_cycles();
		unsigned int burst = 0;

		/* out of incarnations: the rate is over the time they lasted */
		if (now >= end || t.n_incs == MAX_INCS)
			break;
		/* Bounded, as a control thread's event burst is: reclamation
		 * (dp_poll) must run in between, or re-activations find every
		 * record still retiring, however slow the asked rate. */
		while (next <= now && burst++ < OPS_BURST) {
			/* A worker the kernel has not run for a while holds
			 * back every grace period: past this, activations
			 * would be refused for want of records. A control
			 * thread waits, as this one does, for reclamation. */
			if (dp_vc_retiring(t.u.dp) > RETIRING_MAX) {
				t.reclaim_waits++;
				break;
			}
			churn_op(k);
			k = (k + 1) % N_CHURN;
			ops++;
			if (t.calls && ops % QOS_EVERY == 0)
				call_change_qos(&t.stable[ops / QOS_EVERY % N_STABLE],
						(uint32_t)(ops / QOS_EVERY % N_STABLE + 1));
			next = start + (uint64_t)((double)ops * (double)hz / rate);
		}
		dp_poll(t.u.dp);
		if (t.memif_dir != NULL)
			rte_delay_us_sleep(MEMIF_PACE_US);
	}
	seconds = (double)(rte_get_timer_cycles() - start) / (double)hz;

	/* Quiesce: no new traffic, let the worker drain its inputs, stop it,
	 * then let the sink take what it sent last. */
	t.stop_gen = true;
	rte_eal_wait_lcore(2);
	while (rte_ring_count(t.u.ac_rx) != 0 || rte_ring_count(t.u.net_rx) != 0) {
		dp_poll(t.u.dp);
		sink_poll();
	}
	dp_stop(t.u.dp);
	while (sink_poll() != 0)
		;
	for (k = 0; k < N_CHURN; k++)
		if (t.churn_inc[k] != NULL)
			churn_op(k);
	for (i = 0; i < N_STABLE; i++)
		vc_close(&t.stable[i]);
	if (t.memif_dir != NULL) {
		memif_stats(&memif_rx, &memif_enc, &memif_dec);
		vc_close(&t.s1);
	}
	while (dp_vc_retiring(t.u.dp) != 0)
		dp_poll(t.u.dp);
	if (t.calls) {
		core_get_counts(t.core, &cc);
		errors += calls_teardown();
	}
	dp_get_stats(t.u.dp, &st);

	printf("churn: %.1f s, %" PRIu64 " activations (%.0f/s), %" PRIu64
	       " deactivations (%.0f/s), %" PRIu64 " completions\n",
	       seconds, t.activations, (double)t.activations / seconds, t.deactivations,
	       (double)t.deactivations / seconds, t.completions);
	if (t.calls)
		printf("calls: %" PRIu64 " set up, %" PRIu64 " closed, %" PRIu64
		       " contract changes on stable calls, %" PRIu64
		       " set-ups deferred (circuit still closing), %" PRIu64
		       " waits for reclamation\n",
		       cc.calls_setup, cc.calls_closed, t.qos_changes, t.busy_skips,
		       t.reclaim_waits);
	printf("traffic: sent %" PRIu64 " (ac %" PRIu64 ", net %" PRIu64 "), forwarded %" PRIu64
	       " (encap %" PRIu64 ", decap %" PRIu64 "), unknown ac %" PRIu64
	       ", unknown session %" PRIu64 ", late %" PRIu64 "\n",
	       t.sent_ac + t.sent_net, t.sent_ac, t.sent_net, t.rcvd_net + t.rcvd_ac, t.rcvd_net,
	       t.rcvd_ac, st.drops[DP_DROP_UNKNOWN_AC], st.drops[DP_DROP_UNKNOWN_SESSION], t.late);
	/* The generator may fail to drain its rings, as in S1: a refused
	 * transmit is S1's VC's drop, reported here as S1's loss, and the
	 * only drop allowed besides unknown keys. */
	memif_lost = memif_rx - memif_enc - memif_dec;
	if (t.memif_dir != NULL)
		printf("memif: received %" PRIu64 ", forwarded %" PRIu64 " (encap %" PRIu64
		       ", decap %" PRIu64 "), lost %" PRIu64 "\n",
		       memif_rx, memif_enc + memif_dec, memif_enc, memif_dec, memif_lost);

	if (t.early_close) {
		/* Negative control: the check must see in-flight packets. */
		errors += t.late == 0 ? fail("late packets with --early-close", 0, 1) : 0;
	} else {
		errors += t.late != 0 ? fail("packets after close completed", t.late, 0) : 0;
		errors += (double)t.activations / seconds < 10000
				  ? fail("activations per second",
					 t.activations / (uint64_t)seconds, 10000)
				  : 0;
		errors += (double)t.deactivations / seconds < 10000
				  ? fail("deactivations per second",
					 t.deactivations / (uint64_t)seconds, 10000)
				  : 0;
	}
	dropped = st.punted;
	for (i = 0; i < DP_DROP_MAX; i++)
		dropped += st.drops[i];
	for (i = 0; i < DP_ENC_DROP_MAX; i++)
		dropped += st.enc_drops[i];
	for (i = 0; i < DP_DEC_DROP_MAX; i++)
		dropped += st.dec_drops[i];
	errors += t.not_sent != 0 ? fail("generator refusals", t.not_sent, 0) : 0;
	errors += st.rx_pkts != t.sent_ac + t.sent_net + memif_rx
			  ? fail("worker rx vs sent", st.rx_pkts, t.sent_ac + t.sent_net + memif_rx)
			  : 0;
	errors += st.enc_pkts != t.rcvd_net + memif_enc
			  ? fail("encap counter vs sink", st.enc_pkts, t.rcvd_net + memif_enc)
			  : 0;
	errors += st.dec_pkts != t.rcvd_ac + memif_dec
			  ? fail("decap counter vs sink", st.dec_pkts, t.rcvd_ac + memif_dec)
			  : 0;
	errors += st.rx_pkts != st.enc_pkts + st.dec_pkts + dropped
			  ? fail("rx = forwarded + dropped", st.rx_pkts,
				 st.enc_pkts + st.dec_pkts + dropped)
			  : 0;
	errors += st.drops[DP_DROP_UNKNOWN_AC] + st.drops[DP_DROP_UNKNOWN_SESSION] + memif_lost !=
				  dropped
			  ? fail("drops other than unknown AC/session", dropped, 0)
			  : 0;
	errors += t.rcvd_ctrl != 0 ? fail("control queue output", t.rcvd_ctrl, 0) : 0;
	errors += t.corrupt != 0 ? fail("corrupt or misdirected packets", t.corrupt, 0) : 0;
	errors += t.stable_errors != 0 ? fail("stable VCs: lost or reordered", t.stable_errors, 0)
				       : 0;
	for (i = 0; i < N_STABLE; i++)
		if (t.stable_rcvd[i] != t.stable_sent[i])
			errors += fail("stable VC frames received", t.stable_rcvd[i],
				       t.stable_sent[i]);
	errors += t.completions != t.deactivations + n_stable
			  ? fail("completions", t.completions, t.deactivations + n_stable)
			  : 0;
	if (t.calls) {
		errors += cc.calls_setup != t.activations + n_stable
				  ? fail("calls set up", cc.calls_setup, t.activations + n_stable)
				  : 0;
		errors += cc.calls_closed != cc.calls_setup
				  ? fail("calls closed", cc.calls_closed, cc.calls_setup)
				  : 0;
		errors += t.cm_errors != 0 ? fail("call-manager errors", t.cm_errors, 0) : 0;
	}
	errors += dp_vc_count(t.u.dp) != 0 ? fail("VCs left", dp_vc_count(t.u.dp), 0) : 0;
	errors += t.u.dp->workers[0]->ac_tbl->count != 0 ? fail("AC table entries left", 0, 0) : 0;
	errors += rte_hash_count(t.u.dp->workers[0]->net_tbl) != 0
			  ? fail("session table entries left", 0, 0)
			  : 0;
	missing = ut_dp_destroy(&t.u);
	errors += missing != 0 ? fail("mbufs missing", (uint64_t)missing, 0) : 0;
	free(t.incs);
	rte_eal_cleanup();
	printf("%s\n", errors == 0 ? "PASS" : "FAIL");
	return errors != 0;
}
