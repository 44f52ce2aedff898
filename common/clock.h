/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The control plane's clock: monotonic milliseconds, for timers, retries
 * and periodic work. The fast path never reads it (it uses the TSC).
 */
#ifndef VCS_CLOCK_H
#define VCS_CLOCK_H

#include <stdint.h>
#include <time.h>

static inline uint64_t
clock_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

#endif
