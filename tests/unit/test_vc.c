/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The VC life cycle and its tables: activation installs a VC in exactly
 * the worker tables that can receive it, deactivation unlinks it at once
 * and completes after a grace period, deletion returns the slot, and
 * every misuse is refused with the documented code and changes nothing.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <CUnit/Basic.h>
#include <rte_cycles.h>
#include <rte_errno.h>
#include <rte_ether.h>
#include <rte_hash.h>
#include <rte_ip.h>
#include <rte_mbuf.h>
#include <rte_ring.h>

#include "ac_tbl.h"
#include "dp_priv.h"
#include "neigh.h"
#include "ut_dp.h"
#include "ut_eal.h"
#include "vc.h"
#include "worker.h"

#define MAX_VCS 64

static struct ut_dp u;
static unsigned int done_calls;
static struct dp_vc *done_vc;

static void
on_done(struct dp_vc *vc, void *arg)
{
	done_calls++;
	done_vc = vc;
	CU_ASSERT_PTR_EQUAL(arg, &done_calls);
}

static struct worker *
w0(void)
{
	return u.dp->workers[0];
}

static const struct vc_fp *
lookup_ac(uint16_t vlan)
{
	return ac_tbl_lookup(w0()->ac_tbl->port[UT_AC_PORT], vlan, 0);
}

static const struct vc_fp *
lookup_sid(uint32_t sid)
{
	void *fp;

	return rte_hash_lookup_data(w0()->net_tbl, &sid, &fp) < 0 ? NULL : fp;
}

/* Poll until every pending deactivation completed; the deadline only
 * guards against a hang. */
static void
reclaim(void)
{
	uint64_t deadline = rte_get_timer_cycles() + 5 * rte_get_timer_hz();

	while (dp_vc_retiring(u.dp) != 0 && rte_get_timer_cycles() < deadline)
		dp_poll(u.dp);
	CU_ASSERT_EQUAL(dp_vc_retiring(u.dp), 0);
}

static struct dp_vc *
vc_up(uint16_t vlan, uint32_t sid)
{
	struct dp_vc_params p;
	struct dp_vc *vc = dp_vc_create(u.dp, "t");

	CU_ASSERT_PTR_NOT_NULL_FATAL(vc);
	ut_vc_params(&p, vlan, sid);
	CU_ASSERT_EQUAL_FATAL(dp_vc_activate(vc, &p), 0);
	return vc;
}

static void
vc_down(struct dp_vc *vc)
{
	CU_ASSERT_EQUAL(dp_vc_deactivate(vc, NULL, NULL), 1);
	reclaim();
	CU_ASSERT_EQUAL(dp_vc_delete(vc), 0);
}

static void
test_lifecycle(void)
{
	struct dp_vc_params p;
	struct dp_vc *vc;
	const struct vc_fp *fp;

	vc = dp_vc_create(u.dp, "pw1");
	CU_ASSERT_PTR_NOT_NULL_FATAL(vc);
	CU_ASSERT_STRING_EQUAL(dp_vc_name(vc), "pw1");
	CU_ASSERT_FALSE(dp_vc_is_active(vc));
	CU_ASSERT_EQUAL(dp_vc_count(u.dp), 1);
	CU_ASSERT_PTR_NULL(lookup_ac(100));

	ut_vc_params(&p, 100, 7);
	CU_ASSERT_EQUAL(dp_vc_activate(vc, &p), 0);
	CU_ASSERT_TRUE(dp_vc_is_active(vc));
	fp = lookup_ac(100);
	CU_ASSERT_PTR_NOT_NULL_FATAL(fp);
	CU_ASSERT_PTR_EQUAL(lookup_sid(7), fp);
	/* PW type Ethernet: the AC's tag is removed and put back */
	CU_ASSERT_EQUAL(fp->ac_strip, sizeof(struct rte_vlan_hdr));
	CU_ASSERT_EQUAL(fp->ac_push, sizeof(struct rte_vlan_hdr));
	/* dataplane.seq_window and .seq_resync (Appendix C) */
	CU_ASSERT_EQUAL(fp->seq_window, 1000);
	CU_ASSERT_EQUAL(fp->seq_resync, 3);

	done_calls = 0;
	CU_ASSERT_EQUAL(dp_vc_deactivate(vc, on_done, &done_calls), 1);
	/* Unreachable at once, complete only after reclamation. */
	CU_ASSERT_PTR_NULL(lookup_ac(100));
	CU_ASSERT_PTR_NULL(lookup_sid(7));
	CU_ASSERT_EQUAL(done_calls, 0);
	CU_ASSERT_EQUAL(dp_vc_retiring(u.dp), 1);
	reclaim();
	CU_ASSERT_EQUAL(done_calls, 1);
	CU_ASSERT_PTR_EQUAL(done_vc, vc);
	CU_ASSERT_FALSE(dp_vc_is_active(vc));

	CU_ASSERT_EQUAL(dp_vc_delete(vc), 0);
	CU_ASSERT_EQUAL(dp_vc_count(u.dp), 0);
}

static void
test_duplicates(void)
{
	struct dp_vc_params p;
	struct dp_vc *a = vc_up(10, 1000), *b = dp_vc_create(u.dp, "b");

	ut_vc_params(&p, 11, 1000); /* same session ID */
	CU_ASSERT_EQUAL(dp_vc_activate(b, &p), -EEXIST);
	ut_vc_params(&p, 10, 1001); /* same AC */
	CU_ASSERT_EQUAL(dp_vc_activate(b, &p), -EEXIST);
	CU_ASSERT_FALSE(dp_vc_is_active(b));
	CU_ASSERT_PTR_NULL(lookup_sid(1001));
	/* The refused VC disturbed nothing. */
	CU_ASSERT_PTR_NOT_NULL(lookup_ac(10));

	/* Keys are free again once the owner is deactivated. */
	CU_ASSERT_EQUAL(dp_vc_deactivate(a, NULL, NULL), 1);
	ut_vc_params(&p, 10, 1000);
	CU_ASSERT_EQUAL(dp_vc_activate(b, &p), 0);
	reclaim();
	CU_ASSERT_EQUAL(dp_vc_delete(a), 0);
	CU_ASSERT_PTR_NOT_NULL(lookup_ac(10));
	vc_down(b);
}

static void
test_invalid_params(void)
{
	struct dp_vc *vc = dp_vc_create(u.dp, "bad");
	struct dp_vc_params p;

	ut_vc_params(&p, 1, 1);
	p.ac_port = UT_NET_PORT; /* not an access port */
	CU_ASSERT_EQUAL(dp_vc_activate(vc, &p), -EINVAL);
	ut_vc_params(&p, 4095, 1);
	CU_ASSERT_EQUAL(dp_vc_activate(vc, &p), -EINVAL);
	ut_vc_params(&p, 1, 0);
	CU_ASSERT_EQUAL(dp_vc_activate(vc, &p), -EINVAL);
	ut_vc_params(&p, 1, 1);
	p.remote_session_id = 0;
	CU_ASSERT_EQUAL(dp_vc_activate(vc, &p), -EINVAL);
	ut_vc_params(&p, 1, 1);
	p.seq_send = true; /* sequencing needs the default L2SS */
	CU_ASSERT_EQUAL(dp_vc_activate(vc, &p), -EINVAL);
	ut_vc_params(&p, 1, 1);
	p.remote_cookie_len = 3;
	CU_ASSERT_EQUAL(dp_vc_activate(vc, &p), -EINVAL);
	ut_vc_params(&p, 1, 1);
	p.encap = L2TP_ENCAP_UDP; /* UDP ports 0 */
	CU_ASSERT_EQUAL(dp_vc_activate(vc, &p), -EINVAL);
	ut_vc_params(&p, 1, 1);
	addr_parse("2001:db8::2", &p.remote);
	CU_ASSERT_EQUAL(dp_vc_activate(vc, &p), -EINVAL);
	ut_vc_params(&p, 1, 1);
	addr_parse("192.0.2.9", &p.local); /* not ours */
	CU_ASSERT_EQUAL(dp_vc_activate(vc, &p), -ENETUNREACH);
	ut_vc_params(&p, 1, 1);
	addr_parse("198.51.100.1", &p.remote); /* off-link, no gateway */
	CU_ASSERT_EQUAL(dp_vc_activate(vc, &p), -ENETUNREACH);

	CU_ASSERT_FALSE(dp_vc_is_active(vc));
	CU_ASSERT_EQUAL(w0()->ac_tbl->count, 0);
	CU_ASSERT_EQUAL(rte_hash_count(w0()->net_tbl), 0);
	CU_ASSERT_EQUAL(dp_vc_delete(vc), 0);
}

static void
test_state_rules(void)
{
	struct dp_vc_params p;
	struct dp_vc *vc = vc_up(20, 20);

	CU_ASSERT_EQUAL(dp_vc_delete(vc), -EBUSY); /* active */
	CU_ASSERT_EQUAL(dp_vc_deactivate(vc, NULL, NULL), 1);
	CU_ASSERT_EQUAL(dp_vc_deactivate(vc, NULL, NULL), -EBUSY);
	CU_ASSERT_EQUAL(dp_vc_delete(vc), -EBUSY); /* deactivating */
	ut_vc_params(&p, 20, 20);
	CU_ASSERT_EQUAL(dp_vc_activate(vc, &p), -EBUSY);
	reclaim();
	CU_ASSERT_EQUAL(dp_vc_deactivate(vc, NULL, NULL), -EALREADY);
	/* An inactive VC may carry a new call. */
	CU_ASSERT_EQUAL(dp_vc_activate(vc, &p), 0);
	vc_down(vc);
}

static void
test_reactivate(void)
{
	struct dp_vc *vc = vc_up(30, 30);
	const struct vc_fp *before = lookup_ac(30), *after;
	struct dp_vc_params p;

	ut_vc_params(&p, 30, 30);
	p.remote_cookie_len = 8;
	memcpy(p.remote_cookie, "\x01\x02\x03\x04\x05\x06\x07\x08", 8);
	CU_ASSERT_EQUAL(dp_vc_activate(vc, &p), 0);
	after = lookup_ac(30);
	CU_ASSERT_PTR_NOT_NULL_FATAL(after);
	CU_ASSERT_PTR_NOT_EQUAL(after, before);
	CU_ASSERT_PTR_EQUAL(lookup_sid(30), after);
	CU_ASSERT_EQUAL(after->hdr_len, before->hdr_len + 8);
	CU_ASSERT_EQUAL(dp_vc_retiring(u.dp), 1); /* the old record */
	reclaim();

	/* Keys cannot change on a live VC; the old parameters stay. */
	ut_vc_params(&p, 31, 30);
	CU_ASSERT_EQUAL(dp_vc_activate(vc, &p), -EINVAL);
	CU_ASSERT_PTR_EQUAL(lookup_ac(30), after);
	CU_ASSERT_PTR_NULL(lookup_ac(31));
	CU_ASSERT_EQUAL(dp_vc_get_params(vc)->remote_cookie_len, 8);
	vc_down(vc);
}

static void
test_capacity(void)
{
	struct dp_vc *vcs[MAX_VCS];
	unsigned int i, round;

	/* Fill every slot, twice over, to show reclaimed slots and table
	 * positions are reused. */
	for (round = 0; round < 2; round++) {
		for (i = 0; i < MAX_VCS; i++)
			vcs[i] = vc_up((uint16_t)(i + 1), 5000 + i);
		CU_ASSERT_PTR_NULL(dp_vc_create(u.dp, "one too many"));
		CU_ASSERT_EQUAL(rte_errno, ENOSPC);
		CU_ASSERT_EQUAL(w0()->ac_tbl->count, MAX_VCS);
		for (i = 0; i < MAX_VCS; i++)
			vc_down(vcs[i]);
		CU_ASSERT_EQUAL(w0()->ac_tbl->count, 0);
		CU_ASSERT_EQUAL(dp_vc_count(u.dp), 0);
	}
}

static unsigned int
drain(struct rte_ring *r)
{
	unsigned int n = 0;
	void *m;

	while (rte_ring_dequeue(r, &m) == 0) {
		rte_pktmbuf_free(m);
		n++;
	}
	return n;
}

/* Counters of a VC survive its deactivation and fold into the totals
 * when it is deleted. Runs last: it starts the worker. */
static void
test_counters(void)
{
	struct dp_vc_stats vs;
	struct dp_stats st;
	struct dp_vc *vc = vc_up(40, 40);
	uint64_t deadline;
	unsigned int i, got = 0;

	CU_ASSERT_EQUAL_FATAL(dp_start(u.dp), 0);
	for (i = 0; i < 10; i++) {
		struct rte_mbuf *m = rte_pktmbuf_alloc(u.dp->pool);
		uint8_t *f = (uint8_t *)rte_pktmbuf_append(m, 64);

		/* tagged with VLAN 40 */
		memset(f, 0, 64);
		memcpy(f, "\x02\x00\x00\x00\x00\x0b\x02\x00\x00\x00\x00\x0a\x81\x00\x00\x28\x08",
		       17);
		CU_ASSERT_EQUAL(rte_ring_enqueue(u.ac_rx, m), 0);
	}
	deadline = rte_get_timer_cycles() + 5 * rte_get_timer_hz();
	while (got < 10 && rte_get_timer_cycles() < deadline)
		got += drain(u.net_tx[0]);
	CU_ASSERT_EQUAL(got, 10);
	dp_vc_get_stats(vc, &vs);
	CU_ASSERT_EQUAL(vs.enc_pkts, 10);
	/* 60-byte frame once the tag is stripped, plus 14 + 20 + 4 */
	CU_ASSERT_EQUAL(vs.enc_bytes, 10 * (60 + 38));

	CU_ASSERT_EQUAL(dp_vc_deactivate(vc, NULL, NULL), 1);
	reclaim();
	dp_vc_get_stats(vc, &vs);
	CU_ASSERT_EQUAL(vs.enc_pkts, 10);
	CU_ASSERT_EQUAL(dp_vc_delete(vc), 0);
	dp_get_stats(u.dp, &st);
	CU_ASSERT_EQUAL(st.enc_pkts, 10);
	CU_ASSERT_EQUAL(st.rx_pkts, 10);
}

int
main(void)
{
	CU_pSuite s;
	unsigned int failed;

	ut_eal_init("0@0,1@1", NULL);
	if (ut_dp_config(&u, "vc", MAX_VCS, 1) < 0) {
		fprintf(stderr, "data plane set-up failed\n");
		return 1;
	}
	/* not the defaults, to see them reach every record */
	u.cfg.dp.seq_window = 1000;
	u.cfg.dp.seq_resync = 3;
	if (ut_dp_open(&u) < 0) {
		fprintf(stderr, "data plane set-up failed\n");
		return 1;
	}
	if (CU_initialize_registry() != CUE_SUCCESS)
		return 1;
	s = CU_add_suite("vc", NULL, NULL);
	CU_add_test(s, "lifecycle", test_lifecycle);
	CU_add_test(s, "duplicates", test_duplicates);
	CU_add_test(s, "invalid params", test_invalid_params);
	CU_add_test(s, "state rules", test_state_rules);
	CU_add_test(s, "re-activation", test_reactivate);
	CU_add_test(s, "capacity and reuse", test_capacity);
	CU_add_test(s, "counters", test_counters);
	CU_basic_set_mode(CU_BRM_VERBOSE);
	CU_basic_run_tests();
	failed = CU_get_number_of_failures();
	CU_cleanup_registry();
	if (ut_dp_destroy(&u) != 0)
		failed++;
	rte_eal_cleanup();
	return failed != 0;
}
