/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The control thread's event loop: epoll over signals, the data plane's
 * wake-up descriptor and its timers. It never busy-polls: it sleeps
 * until a worker punts a packet, a timer is due or a signal arrives.
 */
#ifndef VCS_CTL_H
#define VCS_CTL_H

#include <signal.h>
#include <stdbool.h>
#include <stdint.h>

struct dp;

#define CTL_MAX_SERVICES 4

/* Work a control-plane module does at every turn of the loop. Returns
 * the milliseconds until it next has work of its own, or -1. */
typedef int (*ctl_service_fn)(void *arg);

struct ctl {
	struct dp *dp;
	int epfd;
	int sigfd;
	bool quit;
	unsigned int signals;	       /* SIGINT and SIGTERM received */
	unsigned int stats_interval_s; /* 0: no periodic counters */
	uint64_t next_stats_ms;
	unsigned int n_services;
	struct {
		ctl_service_fn fn;
		void *arg;
	} services[CTL_MAX_SERVICES];
};

/* Block SIGINT and SIGTERM in the calling thread and every thread it
 * creates from now on; call before rte_eal_init(). */
void ctl_block_signals(void);

int ctl_init(struct ctl *c, struct dp *dp, unsigned int stats_interval_s);
int ctl_add_service(struct ctl *c, ctl_service_fn fn, void *arg);
/* One turn without sleeping: the data plane's service, then every
 * module's. Returns how long the loop may sleep (ms). */
int ctl_turn(struct ctl *c);
/* Run until SIGINT or SIGTERM. */
void ctl_run(struct ctl *c);
/* Run until done(arg) holds, timeout_ms passed or another SIGINT or
 * SIGTERM arrives: winding down while the workers still carry traffic.
 * Returns done(arg). */
bool ctl_run_until(struct ctl *c, bool (*done)(void *arg), void *arg, unsigned int timeout_ms);
void ctl_fini(struct ctl *c);

#endif
