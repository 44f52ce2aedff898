/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * An intrusive hash multimap for the control thread's indexes: the
 * caller embeds an hmap_node in its object, computes the hash and
 * compares keys itself, so one object can sit in several maps and equal
 * keys may repeat (a bucket keeps them in insertion order). The table
 * doubles as it fills; inserting never fails (a table that cannot grow
 * keeps longer chains). Not for the fast path: rte_hash is.
 */
#ifndef VCS_HMAP_H
#define VCS_HMAP_H

#include <stddef.h>
#include <stdint.h>

struct hmap_node {
	struct hmap_node *next;
	uint32_t hash;
};

struct hmap {
	struct hmap_node **buckets;
	uint32_t mask; /* buckets - 1; the count is a power of two */
	uint32_t n;
};

/* 0, or -ENOMEM. */
int hmap_init(struct hmap *h);
void hmap_destroy(struct hmap *h);

/* Appends node to the nodes of its hash. */
void hmap_insert(struct hmap *h, struct hmap_node *node, uint32_t hash);
/* node must be in h. */
void hmap_remove(struct hmap *h, struct hmap_node *node);

static inline struct hmap_node *
hmap_next_with_hash(struct hmap_node *node, uint32_t hash)
{
	while (node != NULL && node->hash != hash)
		node = node->next;
	return node;
}

static inline struct hmap_node *
hmap_first_with_hash(const struct hmap *h, uint32_t hash)
{
	return hmap_next_with_hash(h->buckets[hash & h->mask], hash);
}

/* Every node inserted with hash, oldest first; the caller compares keys. */
#define HMAP_FOR_EACH_WITH_HASH(node, hash, h)                           \
	for ((node) = hmap_first_with_hash((h), (hash)); (node) != NULL; \
	     (node) = hmap_next_with_hash((node)->next, (hash)))

#endif
