/* SPDX-License-Identifier: BSD-3-Clause */
#include <stdlib.h>
#include <string.h>

#include "core_priv.h"

#define OBJ_INITIAL 64
#define GEN_MASK    0xffffffu
#define SLOT_OF(h)  ((uint32_t)(h))
#define GEN_OF(h)   ((uint32_t)((h) >> 32) & GEN_MASK)
#define KIND_OF(h)  ((uint8_t)((h) >> 56))

int
obj_table_init(struct obj_table *t)
{
	memset(t, 0, sizeof(*t));
	return 0;
}

void
obj_table_fini(struct obj_table *t)
{
	uint32_t i;

	for (i = 0; i < t->cap; i++)
		free(t->objs[i]);
	free(t->objs);
	free(t->kinds);
	free(t->gens);
	free(t->free);
	memset(t, 0, sizeof(*t));
}

static int
obj_grow(struct obj_table *t)
{
	uint32_t cap = t->cap == 0 ? OBJ_INITIAL : t->cap * 2, i;
	void **objs = realloc(t->objs, cap * sizeof(*objs));
	uint8_t *kinds;
	uint32_t *gens, *fr;

	if (objs == NULL)
		return -1;
	t->objs = objs;
	kinds = realloc(t->kinds, cap * sizeof(*kinds));
	if (kinds == NULL)
		return -1;
	t->kinds = kinds;
	gens = realloc(t->gens, cap * sizeof(*gens));
	if (gens == NULL)
		return -1;
	t->gens = gens;
	fr = realloc(t->free, cap * sizeof(*fr));
	if (fr == NULL)
		return -1;
	t->free = fr;
	/* new slots go on the stack so that the lowest is used first */
	for (i = cap; i > t->cap; i--) {
		t->objs[i - 1] = NULL;
		t->kinds[i - 1] = 0;
		t->gens[i - 1] = 1;
		t->free[t->n_free++] = i - 1;
	}
	t->cap = cap;
	return 0;
}

uint64_t
obj_add(struct obj_table *t, enum obj_kind kind, void *obj)
{
	uint32_t slot;

	if (obj == NULL || (t->n_free == 0 && obj_grow(t) < 0)) {
		free(obj);
		return 0;
	}
	slot = t->free[--t->n_free];
	t->objs[slot] = obj;
	t->kinds[slot] = (uint8_t)kind;
	t->live[kind]++;
	return (uint64_t)kind << 56 | (uint64_t)t->gens[slot] << 32 | slot;
}

void *
obj_get(const struct obj_table *t, enum obj_kind kind, uint64_t h)
{
	uint32_t slot = SLOT_OF(h);

	if (KIND_OF(h) != kind || slot >= t->cap || t->kinds[slot] != kind ||
	    t->gens[slot] != GEN_OF(h))
		return NULL;
	return t->objs[slot];
}

void
obj_del(struct obj_table *t, uint64_t h)
{
	uint32_t slot = SLOT_OF(h);

	if (obj_get(t, (enum obj_kind)KIND_OF(h), h) == NULL)
		return;
	t->live[t->kinds[slot]]--;
	free(t->objs[slot]);
	t->objs[slot] = NULL;
	t->kinds[slot] = 0;
	/* a new generation, never 0, so that no handle is 0 */
	t->gens[slot] = (t->gens[slot] + 1) & GEN_MASK;
	if (t->gens[slot] == 0)
		t->gens[slot] = 1;
	t->free[t->n_free++] = slot;
}

void *
obj_next(const struct obj_table *t, enum obj_kind kind, uint32_t *slot)
{
	for (; *slot < t->cap; (*slot)++)
		if (t->kinds[*slot] == kind)
			return t->objs[(*slot)++];
	return NULL;
}
