/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * libFuzzer target for the configuration loader: any bytes as the text of
 * a configuration. Besides crashes, leaks and undefined behaviour, it
 * catches a failed load that leaves something behind or says nothing, and
 * a successful load whose indices point outside their arrays.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "cfg.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
const char *__lsan_default_suppressions(void);

/*
 * libconfig 1.5 leaks a string token that a syntax error discards
 * (hyperrealm/libconfig#142, fixed upstream in 2019). Only leaks allocated
 * inside libconfig are ignored; the loader's own allocations never are.
 */
const char *
__lsan_default_suppressions(void)
{
	return "leak:libconfig.so\n";
}

static void
check_loaded(const struct cfg *c)
{
	unsigned int i, j;

	for (i = 0; i < c->n_workers; i++)
		for (j = 0; j < c->workers[i].n_rx; j++)
			if (c->workers[i].rx[j].port >= c->n_ports ||
			    c->workers[i].rx[j].queue >=
				    c->ports[c->workers[i].rx[j].port].rx_queues)
				abort();
	for (i = 0; i < c->n_sessions; i++)
		if (c->sessions[i].ac_port >= c->n_ports || c->sessions[i].net_port >= c->n_ports)
			abort();
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const struct cfg empty;
	char err[CFG_ERR_MAX], *text = malloc(size + 1);
	struct cfg c;

	if (text == NULL)
		return 0;
	memcpy(text, data, size);
	text[size] = '\0';
	if (cfg_load_string(text, "fuzz", &c, err, sizeof(err)) == 0) {
		check_loaded(&c);
		cfg_free(&c);
	} else if (strncmp(err, "fuzz:", 5) != 0 || memcmp(&c, &empty, sizeof(c)) != 0) {
		abort();
	}
	free(text);
	return 0;
}
