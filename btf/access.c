// SPDX-License-Identifier: BSD-2-Clause
/*
 * Accessors of a parsed BTF: reference counting, ids, strings, and resolving
 * through modifiers. All of them trust the data because eb_btf_parse() has
 * validated it (ids in range, no reference cycles), so loops here terminate.
 */
#include <errno.h>
#include <sys/mman.h>

#include "btf/btf_internal.h"
#include "lib/alloc.h"
#include "lib/error.h"

struct ebpf_btf *eb_btf_get(struct ebpf_btf *btf)
{
	if (btf)
		atomic_fetch_add_explicit(&btf->refcnt, 1, memory_order_relaxed);
	return btf;
}

void eb_btf_put(struct ebpf_btf *btf)
{
	if (!btf || atomic_fetch_sub_explicit(&btf->refcnt, 1, memory_order_acq_rel) != 1)
		return;
	eb_btf_index_free(atomic_load_explicit(&btf->index, memory_order_acquire));
	eb_btf_kinds_free(atomic_load_explicit(&btf->kinds, memory_order_acquire));
	pthread_mutex_destroy(&btf->index_lock);
	eb_btf_free_offsets(btf);
	eb_free(btf->owned);
	if (btf->map)
		munmap(btf->map, btf->map_size);
	eb_btf_put(btf->base);
	eb_free(btf->name);
	eb_free(btf);
}

const void *eb_btf_raw(const struct ebpf_btf *btf, size_t *size)
{
	*size = btf->raw_size;
	return btf->raw;
}

bool eb_btf_swapped(const struct ebpf_btf *btf)
{
	return btf->swapped;
}

uint32_t eb_btf_type_cnt(const struct ebpf_btf *btf)
{
	return btf->start_id + btf->nr;
}

uint32_t eb_btf_start_id(const struct ebpf_btf *btf)
{
	return btf->start_id;
}

const struct btf_type *eb_btf_type(const struct ebpf_btf *btf, uint32_t id)
{
	uint32_t idx = id - btf->start_id;

	/* An own id takes one comparison (void and base ids wrap past nr). */
	if (idx >= btf->nr) {
		if (!id)
			return NULL;
		while (id < btf->start_id && btf->base)
			btf = btf->base;
		idx = id - btf->start_id;
		if (id < btf->start_id || idx >= btf->nr)
			return NULL;
	}
	return (const void *)(btf->types + eb_btf_off(btf, idx));
}

const char *eb_btf_str(const struct ebpf_btf *btf, uint32_t off)
{
	while (off < btf->start_str && btf->base)
		btf = btf->base;
	off -= btf->start_str;
	return off < btf->strs_len ? btf->strs + off : NULL;
}

const char *eb_btf_name(const struct ebpf_btf *btf, const struct btf_type *t)
{
	const char *s = t ? eb_btf_str(btf, t->name_off) : NULL;

	return s ? s : "";
}

/* The kinds skip() passes through, as bit masks over the kind. */
#define MODS ((1u << BTF_KIND_VOLATILE) | (1u << BTF_KIND_CONST) | (1u << BTF_KIND_RESTRICT) | \
	      (1u << BTF_KIND_TYPE_TAG))
#define MODS_TYPEDEFS (MODS | (1u << BTF_KIND_TYPEDEF))

/* One test a step, whichever kinds are skipped. */
static __attribute__((noinline)) const struct btf_type *
skip(const struct ebpf_btf *btf, uint32_t id, uint32_t *out_id, uint32_t kinds)
{
	const struct btf_type *t = eb_btf_type(btf, id);

	while (t && ((kinds >> btf_kind(t)) & 1)) {
		id = t->type;
		t = eb_btf_type(btf, id);
	}
	if (out_id)
		*out_id = t ? id : 0;
	return t;
}

const struct btf_type *eb_btf_skip_mods_typedefs(const struct ebpf_btf *btf, uint32_t id,
						  uint32_t *out_id)
{
	return skip(btf, id, out_id, MODS_TYPEDEFS);
}

const struct btf_type *eb_btf_skip_mods(const struct ebpf_btf *btf, uint32_t id, uint32_t *out_id)
{
	return skip(btf, id, out_id, MODS);
}

int64_t eb_btf_type_size(const struct ebpf_btf *btf, uint32_t id)
{
	uint64_t mult = 1;

	for (;;) {
		const struct btf_type *t = eb_btf_skip_mods_typedefs(btf, id, &id);
		uint64_t nelems;

		if (!t)
			return eb_err(-EINVAL, "BTF: type [%u] has no size (void)", id);
		switch (btf_kind(t)) {
		case BTF_KIND_INT: case BTF_KIND_ENUM: case BTF_KIND_ENUM64:
		case BTF_KIND_STRUCT: case BTF_KIND_UNION: case BTF_KIND_DATASEC:
		case BTF_KIND_FLOAT:
			if (t->size && mult > (uint64_t)INT64_MAX / t->size)
				return eb_err(-EINVAL, "BTF: type [%u]: size overflows", id);
			return (int64_t)(mult * t->size);
		case BTF_KIND_PTR:
			if (mult > (uint64_t)INT64_MAX / 8)
				return eb_err(-EINVAL, "BTF: type [%u]: size overflows", id);
			return (int64_t)(mult * 8);
		case BTF_KIND_VAR:
			id = t->type;
			continue;
		case BTF_KIND_ARRAY:
			nelems = btf_array_info(t)->nelems;
			if (nelems && mult > (uint64_t)INT64_MAX / nelems)
				return eb_err(-EINVAL, "BTF: type [%u]: array size overflows", id);
			mult *= nelems;
			id = btf_array_info(t)->type;
			continue;
		default:
			return eb_err(-EINVAL, "BTF: type [%u] %s '%s' has no size", id,
				      eb_btf_kind_name(btf_kind(t)), eb_btf_name(btf, t));
		}
	}
}
