/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The static-session MCM (controlplane/static) with the real core, the
 * cross-connect and a data plane on ring ports: its sessions come up in
 * slices of SS_SERVICE_SLICE, so that a control thread with a million of
 * them goes on answering between slices, and all of them come up.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <CUnit/Basic.h>

#include "addr.h"
#include "cm.h"
#include "miniport.h"
#include "ss.h"
#include "ut_dp.h"
#include "ut_eal.h"
#include "xc.h"

/* more than a slice, fewer than two; QinQ, for more than 4094 circuits */
#define N_SESSIONS (SS_SERVICE_SLICE + 100)
#define INNER_MAX  1000

static struct cfg_session sessions[N_SESSIONS];
static struct xc_circuit circuits[N_SESSIONS];

static void
build(void)
{
	unsigned int i;

	for (i = 0; i < N_SESSIONS; i++) {
		struct cfg_session *s = &sessions[i];
		struct xc_circuit *x = &circuits[i];

		memset(s, 0, sizeof(*s));
		snprintf(s->name, sizeof(s->name), "pw-%u", i);
		s->count = N_SESSIONS;
		s->ac_port = UT_AC_PORT;
		s->ac_vlan = (uint16_t)(1 + i / INNER_MAX);
		s->ac_inner_vlan = (uint16_t)(1 + i % INNER_MAX);
		s->pw_type = L2TP_PW_ETH;
		s->encap = L2TP_ENCAP_IP;
		addr_parse("192.0.2.1", &s->local);
		addr_parse("192.0.2.2", &s->remote);
		s->net_port = UT_NET_PORT;
		s->local_session_id = 1000 + i;
		s->remote_session_id = 2000000 + i;

		memset(x, 0, sizeof(*x));
		snprintf(x->name, sizeof(x->name), "ac0.%u.%u", s->ac_vlan, s->ac_inner_vlan);
		x->family = CM_AF_L2TP_STATIC;
		x->pw_type = L2TP_PW_ETH;
		x->circuit.port = UT_AC_PORT;
		x->circuit.vlan = s->ac_vlan;
		x->circuit.inner_vlan = s->ac_inner_vlan;
		cm_flowspec_none(&x->transmit);
		cm_flowspec_none(&x->receive);
	}
}

static uint64_t
calls_setup(const struct core *core)
{
	struct core_counts cc;

	core_get_counts(core, &cc);
	return cc.calls_setup;
}

static void
test_slices(void)
{
	struct cm_miniport mp;
	struct ut_dp u;
	struct core *core;
	struct xc *xc;
	struct ss *ss;

	build();
	CU_ASSERT_FATAL(ut_dp_config(&u, "st", N_SESSIONS + 16, 0) == 0);
	u.cfg.sessions = sessions;
	u.cfg.n_sessions = N_SESSIONS;
	CU_ASSERT_FATAL(ut_dp_open(&u) == 0);
	CU_ASSERT_FATAL(dp_port_link_up(u.dp, UT_AC_PORT) && dp_port_link_up(u.dp, UT_NET_PORT));
	miniport_of_dp(u.dp, &mp);
	core = core_create(&mp);
	CU_ASSERT_FATAL(core != NULL);
	xc = xc_create(core, circuits, N_SESSIONS);
	CU_ASSERT_FATAL(xc != NULL);
	ss = ss_create(core, u.dp, &u.cfg);
	CU_ASSERT_FATAL(ss != NULL);

	/* The client registered its SAPs: every session is due, none up. */
	CU_ASSERT_EQUAL(calls_setup(core), 0);
	CU_ASSERT_FALSE(ss_sweeping(ss));

	/* One slice, then the rest; nothing more once they are all up. */
	CU_ASSERT_TRUE(ss_service(ss));
	CU_ASSERT_TRUE(ss_sweeping(ss));
	CU_ASSERT_EQUAL(calls_setup(core), SS_SERVICE_SLICE);
	CU_ASSERT_EQUAL(dp_vc_count(u.dp), SS_SERVICE_SLICE);
	CU_ASSERT_FALSE(ss_service(ss));
	CU_ASSERT_FALSE(ss_sweeping(ss));
	CU_ASSERT_EQUAL(calls_setup(core), N_SESSIONS);
	CU_ASSERT_EQUAL(dp_vc_count(u.dp), N_SESSIONS);
	CU_ASSERT_EQUAL(ss_failed(ss), 0);
	/* the sweep that follows the last offers finds nothing to do */
	CU_ASSERT_FALSE(ss_service(ss));
	CU_ASSERT_FALSE(ss_service(ss));
	CU_ASSERT_EQUAL(calls_setup(core), N_SESSIONS);

	/* Everything goes: the calls close, the VCs drain and are deleted,
	 * again a slice at a time. */
	ss_stop(ss);
	while (!ss_idle(ss)) {
		dp_poll(u.dp);
		ss_service(ss);
	}
	CU_ASSERT_EQUAL(dp_vc_count(u.dp), 0);
	ss_destroy(ss);
	xc_destroy(xc);
	CU_ASSERT_EQUAL(core_destroy(core), 0);
	CU_ASSERT_EQUAL(ut_dp_destroy(&u), 0);
}

int
main(void)
{
	CU_pSuite s;
	unsigned int failures;

	ut_eal_init("0@0", NULL);
	if (CU_initialize_registry() != CUE_SUCCESS)
		return 1;
	s = CU_add_suite("static", NULL, NULL);
	CU_add_test(s, "sessions come up a slice per service call", test_slices);
	CU_basic_set_mode(CU_BRM_VERBOSE);
	CU_basic_run_tests();
	failures = CU_get_number_of_failures();
	CU_cleanup_registry();
	return failures != 0;
}
