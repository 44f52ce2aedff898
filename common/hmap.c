/* SPDX-License-Identifier: BSD-3-Clause */
#include <errno.h>
#include <stdlib.h>

#include "hmap.h"

#define HMAP_INITIAL 16u

int
hmap_init(struct hmap *h)
{
	h->buckets = calloc(HMAP_INITIAL, sizeof(*h->buckets));
	h->mask = HMAP_INITIAL - 1;
	h->n = 0;
	return h->buckets != NULL ? 0 : -ENOMEM;
}

void
hmap_destroy(struct hmap *h)
{
	free(h->buckets);
	h->buckets = NULL;
	h->n = 0;
}

static void
chain_append(struct hmap_node **slot, struct hmap_node *node)
{
	while (*slot != NULL)
		slot = &(*slot)->next;
	node->next = NULL;
	*slot = node;
}

/* Twice the buckets, chains kept in order; on no memory, as it was. */
static void
hmap_grow(struct hmap *h)
{
	uint32_t n_buckets = (h->mask + 1) * 2, i;
	struct hmap_node **b = calloc(n_buckets, sizeof(*b));
	struct hmap_node *node, *next;

	if (b == NULL)
		return;
	for (i = 0; i <= h->mask; i++)
		for (node = h->buckets[i]; node != NULL; node = next) {
			next = node->next;
			chain_append(&b[node->hash & (n_buckets - 1)], node);
		}
	free(h->buckets);
	h->buckets = b;
	h->mask = n_buckets - 1;
}

void
hmap_insert(struct hmap *h, struct hmap_node *node, uint32_t hash)
{
	if (h->n >= (h->mask + 1) * 2 && h->mask < UINT32_MAX / 4)
		hmap_grow(h);
	node->hash = hash;
	chain_append(&h->buckets[hash & h->mask], node);
	h->n++;
}

void
hmap_remove(struct hmap *h, struct hmap_node *node)
{
	struct hmap_node **slot = &h->buckets[node->hash & h->mask];

	while (*slot != node)
		slot = &(*slot)->next;
	*slot = node->next;
	h->n--;
}
