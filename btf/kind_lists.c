// SPDX-License-Identifier: BSD-2-Clause
/*
 * Type indexes grouped by kind: a lookup that knows the kind it wants (CO-RE
 * candidates are STRUCTs, UNIONs, ENUMs, ...; kfuncs and attach targets FUNCs)
 * walks only the types of that kind. In vmlinux the 10,700 STRUCTs are 8% of
 * the 126,000 types, so such a scan costs a twelfth of a full one.
 *
 * Built lazily (see each_match in index.c for when), in two passes over the
 * types: count per kind, then place each index after the ones of lower kinds
 * (a counting sort, so each kind's list keeps ascending id order). 4 bytes a
 * type, and no per-kind allocation.
 */
#include <stdlib.h>
#include <string.h>

#include "btf/btf_internal.h"
#include "lib/alloc.h"

struct eb_btf_kinds {
	uint32_t start[BTF_KIND_MAX + 2];	/* kind k's indexes: idx[start[k] .. start[k + 1]) */
	uint32_t idx[];				/* indexes into btf->offs (id - start_id) */
};

void eb_btf_kinds_free(struct eb_btf_kinds *k)
{
	eb_free(k);
}

static struct eb_btf_kinds *build(const struct ebpf_btf *btf)
{
	uint32_t next[BTF_KIND_MAX + 2] = { 0 };
	struct eb_btf_kinds *k;
	uint8_t *kind_of;

	k = eb_malloc(sizeof(*k) + (size_t)btf->nr * sizeof(uint32_t));
	kind_of = eb_malloc(btf->nr ? btf->nr : 1);	/* the second pass reads these bytes, not the types again */
	if (!k || !kind_of) {
		eb_free(k);
		eb_free(kind_of);
		return NULL;
	}
	/*
	 * Locals throughout: stores through a uint8_t pointer may alias anything,
	 * so fields read through btf-> would be reloaded every iteration. Kinds
	 * past BTF_KIND_MAX cannot occur: both parsers refuse unknown kinds.
	 */
	const uint8_t *types = btf->types;
	uint32_t nr = btf->nr, *idx = k->idx;

	for (unsigned r = 0; r < eb_btf_runs(btf); r++) {
		uint32_t first, n;
		const uint32_t *offs = eb_btf_run(btf, r, &first, &n);

		for (uint32_t i = 0; i < n; i++) {
			uint8_t kind = (uint8_t)btf_kind((const void *)(types + offs[i]));

			kind_of[first + i] = kind;
			next[kind + 1]++;
		}
	}
	k->start[0] = 0;
	for (unsigned kind = 1; kind <= BTF_KIND_MAX + 1; kind++) {
		next[kind] += next[kind - 1];
		k->start[kind] = next[kind];
	}
	for (uint32_t i = 0; i < nr; i++)
		idx[next[kind_of[i]]++] = i;
	eb_free(kind_of);
	return k;
}

const struct eb_btf_kinds *eb_btf_kinds_get(const struct ebpf_btf *cbtf)
{
	struct ebpf_btf *btf = (struct ebpf_btf *)cbtf;	/* the lists are a cache */
	struct eb_btf_kinds *k = atomic_load_explicit(&btf->kinds, memory_order_acquire);

	if (k)
		return k;
	pthread_mutex_lock(&btf->index_lock);
	k = atomic_load_explicit(&btf->kinds, memory_order_relaxed);
	if (!k) {
		k = build(btf);
		if (k)
			atomic_store_explicit(&btf->kinds, k, memory_order_release);
	}
	pthread_mutex_unlock(&btf->index_lock);
	return k;
}

const uint32_t *eb_btf_kinds_of(const struct eb_btf_kinds *k, unsigned kind, uint32_t *cnt)
{
	if (kind > BTF_KIND_MAX) {
		*cnt = 0;
		return k->idx;
	}
	*cnt = k->start[kind + 1] - k->start[kind];
	return k->idx + k->start[kind];
}
