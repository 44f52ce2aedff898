/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Built-in configurations: the config/demo-*.cfg files compiled into the
 * binary, so that `vcswitch -e demo-a` runs with no file at hand.
 */
#ifndef VCS_CFG_EMBEDDED_H
#define VCS_CFG_EMBEDDED_H

#include <stdio.h>

/* The text of the built-in configuration name, or NULL. */
const char *cfg_embedded(const char *name);

/* One name per line. */
void cfg_embedded_list(FILE *f);

#endif
