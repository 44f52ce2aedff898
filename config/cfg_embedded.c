/* SPDX-License-Identifier: BSD-3-Clause */
#include <string.h>

#include "cfg_embedded.h"

/* Generated from the demo configurations at build time. */
extern const char *const cfg_embedded_names[];
extern const char *const cfg_embedded_texts[];

const char *
cfg_embedded(const char *name)
{
	unsigned int i;

	for (i = 0; cfg_embedded_names[i] != NULL; i++)
		if (strcmp(cfg_embedded_names[i], name) == 0)
			return cfg_embedded_texts[i];
	return NULL;
}

void
cfg_embedded_list(FILE *f)
{
	unsigned int i;

	for (i = 0; cfg_embedded_names[i] != NULL; i++)
		fprintf(f, "%s\n", cfg_embedded_names[i]);
}
