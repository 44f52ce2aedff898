/* SPDX-License-Identifier: BSD-3-Clause */
#include <dirent.h>
#include <limits.h>
#include <stdbool.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include <rte_eal.h>

#include "ut_eal.h"

/* EAL makes its runtime directory even with --no-shconf: remove it. */
static void
ut_eal_remove_runtime_dir(void)
{
	const char *dir = rte_eal_get_runtime_dir();
	char path[PATH_MAX];
	struct dirent *de;
	DIR *d = opendir(dir);

	if (d == NULL)
		return;
	while ((de = readdir(d)) != NULL) {
		if (de->d_name[0] == '.')
			continue;
		snprintf(path, sizeof(path), "%s/%s", dir, de->d_name);
		unlink(path);
	}
	closedir(d);
	rmdir(dir);
}

static void
ut_eal_start(const char *lcores, bool shconf, va_list ap)
{
	char prefix[64], *argv[32];
	int argc = 0;
	const char *a;

	snprintf(prefix, sizeof(prefix), "--file-prefix=vcs_ut_%d", (int)getpid());
	argv[argc++] = "unit-test";
	argv[argc++] = "--lcores";
	argv[argc++] = (char *)lcores;
	argv[argc++] = "--no-huge";
	argv[argc++] = "-m";
	argv[argc++] = "512";
	argv[argc++] = "--no-pci";
	if (!shconf)
		argv[argc++] = "--no-shconf";
	argv[argc++] = "--no-telemetry";
	argv[argc++] = "--log-level=lib.eal:warning";
	argv[argc++] = prefix;
	while ((a = va_arg(ap, const char *)) != NULL && argc < 31)
		argv[argc++] = (char *)a;
	argv[argc] = NULL;
	if (rte_eal_init(argc, argv) < 0) {
		fprintf(stderr, "EAL initialisation failed\n");
		exit(1);
	}
	atexit(ut_eal_remove_runtime_dir);
}

void
ut_eal_init(const char *lcores, ...)
{
	va_list ap;

	va_start(ap, lcores);
	ut_eal_start(lcores, false, ap);
	va_end(ap);
}

void
ut_eal_init_shared(const char *lcores, ...)
{
	va_list ap;

	va_start(ap, lcores);
	ut_eal_start(lcores, true, ap);
	va_end(ap);
}
