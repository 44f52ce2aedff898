/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * EAL for unit tests: no hugepages, no PCI, no shared config and no
 * telemetry socket, so a test leaves nothing behind and runs under ASan.
 */
#ifndef VCS_UT_EAL_H
#define VCS_UT_EAL_H

/* Initialise EAL with lcores (e.g. "0" or "0@0,1@1"); extra vdev
 * arguments may follow, NULL-terminated. Exits the test on failure. */
void ut_eal_init(const char *lcores, ...);
/* The same with EAL's shared configuration, which the memif PMD needs
 * (its multi-process channel); the runtime directory is still removed. */
void ut_eal_init_shared(const char *lcores, ...);

#endif
