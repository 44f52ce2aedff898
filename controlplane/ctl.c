/* SPDX-License-Identifier: BSD-3-Clause */
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/signalfd.h>
#include <unistd.h>

#include <rte_common.h>

#include "clock.h"
#include "ctl.h"
#include "dp.h"
#include "log.h"

static sigset_t
ctl_signals(void)
{
	sigset_t set;

	sigemptyset(&set);
	sigaddset(&set, SIGINT);
	sigaddset(&set, SIGTERM);
	return set;
}

void
ctl_block_signals(void)
{
	sigset_t set = ctl_signals();

	/* A shell starts background jobs with SIGINT ignored, and an
	 * ignored signal never reaches a signalfd. */
	signal(SIGINT, SIG_DFL);
	signal(SIGTERM, SIG_DFL);
	pthread_sigmask(SIG_BLOCK, &set, NULL);
}

static int
ctl_watch(struct ctl *c, int fd)
{
	struct epoll_event ev = {.events = EPOLLIN, .data.fd = fd};

	return epoll_ctl(c->epfd, EPOLL_CTL_ADD, fd, &ev);
}

int
ctl_init(struct ctl *c, struct dp *dp, unsigned int stats_interval_s)
{
	sigset_t set = ctl_signals();

	memset(c, 0, sizeof(*c));
	c->epfd = c->sigfd = -1;
	c->dp = dp;
	c->stats_interval_s = stats_interval_s;
	c->epfd = epoll_create1(EPOLL_CLOEXEC);
	c->sigfd = signalfd(-1, &set, SFD_NONBLOCK | SFD_CLOEXEC);
	if (c->epfd < 0 || c->sigfd < 0 || ctl_watch(c, c->sigfd) < 0 ||
	    ctl_watch(c, dp_wake_fd(dp)) < 0) {
		CP_LOG(ERR, "event loop: %s", strerror(errno));
		ctl_fini(c);
		return -1;
	}
	c->next_stats_ms = clock_ms() + stats_interval_s * 1000u;
	return 0;
}

static void
ctl_signal(struct ctl *c)
{
	struct signalfd_siginfo si;

	while (read(c->sigfd, &si, sizeof(si)) == sizeof(si)) {
		CP_LOG(NOTICE, "%s: %s", strsignal((int)si.ssi_signo),
		       c->signals == 0 ? "closing calls, then stopping (again: stop now)"
				       : "stopping now");
		c->quit = true;
		c->signals++;
	}
}

int
ctl_add_service(struct ctl *c, ctl_service_fn fn, void *arg)
{
	if (c->n_services == CTL_MAX_SERVICES)
		return -1;
	c->services[c->n_services].fn = fn;
	c->services[c->n_services++].arg = arg;
	return 0;
}

int
ctl_turn(struct ctl *c)
{
	int timeout = dp_poll(c->dp), t;
	unsigned int i;

	for (i = 0; i < c->n_services; i++) {
		t = c->services[i].fn(c->services[i].arg);
		if (t >= 0 && t < timeout)
			timeout = t;
	}
	return timeout;
}

/* Turn, then sleep until something happens or the next work is due;
 * until quit, or done(arg), or the deadline. */
static void
ctl_loop(struct ctl *c, bool (*done)(void *arg), void *arg, uint64_t deadline)
{
	unsigned int signals = c->signals;
	struct epoll_event ev[4];
	int timeout, n, i;
	uint64_t now;

	while (done != NULL ? !done(arg) && c->signals == signals : !c->quit) {
		timeout = ctl_turn(c);
		now = clock_ms();
		if (now >= deadline)
			return;
		if (deadline - now < (uint64_t)timeout)
			timeout = (int)(deadline - now);
		if (c->stats_interval_s != 0) {
			if (now >= c->next_stats_ms) {
				printf("--- %.3f s\n", (double)now / 1000);
				dp_dump(c->dp, stdout);
				c->next_stats_ms = now + c->stats_interval_s * 1000u;
			}
			if (c->next_stats_ms - now < (uint64_t)timeout)
				timeout = (int)(c->next_stats_ms - now);
		}
		if (!dp_sleep_begin(c->dp))
			continue;
		n = epoll_wait(c->epfd, ev, RTE_DIM(ev), timeout);
		dp_sleep_end(c->dp);
		for (i = 0; i < n; i++)
			if (ev[i].data.fd == c->sigfd)
				ctl_signal(c);
	}
}

void
ctl_run(struct ctl *c)
{
	ctl_loop(c, NULL, NULL, UINT64_MAX);
}

bool
ctl_run_until(struct ctl *c, bool (*done)(void *arg), void *arg, unsigned int timeout_ms)
{
	ctl_loop(c, done, arg, clock_ms() + timeout_ms);
	return done(arg);
}

void
ctl_fini(struct ctl *c)
{
	if (c->sigfd >= 0)
		close(c->sigfd);
	if (c->epfd >= 0)
		close(c->epfd);
	c->sigfd = c->epfd = -1;
}
