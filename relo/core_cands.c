// SPDX-License-Identifier: BSD-2-Clause
/*
 * Target candidates for a local type: every kernel type of a compatible kind
 * whose essential name ("task_struct" for "task_struct___old") is the same.
 * Found through the target BTF's name index — never by scanning all of its
 * ~126,000 types — and remembered per local type id, since one object usually
 * relocates many fields of the same few structs.
 */
#include <errno.h>

#include "lib/alloc.h"
#include "lib/error.h"
#include "relo/core_internal.h"

struct cand_slot {
	struct eb_core_cands c;
	bool done;
};

struct eb_core_cache {
	const struct ebpf_btf *local;
	const struct ebpf_btf *targ;
	struct cand_slot *slots;	/* indexed by local type id */
	uint32_t slot_cnt;
};

struct eb_core_cache *eb_core_cache_new(void)
{
	return eb_calloc(1, sizeof(struct eb_core_cache));
}

static void cache_reset(struct eb_core_cache *cache)
{
	for (uint32_t i = 0; i < cache->slot_cnt; i++)
		eb_free(cache->slots[i].c.ids);
	eb_free(cache->slots);
	cache->slots = NULL;
	cache->slot_cnt = 0;
	cache->local = cache->targ = NULL;
}

void eb_core_cache_free(struct eb_core_cache *cache)
{
	if (!cache)
		return;
	cache_reset(cache);
	eb_free(cache);
}

/* Append the ids of `kind` named like `name` in `targ` to slot. */
static int add_kind(const struct ebpf_btf *targ, const char *name, unsigned kind, struct eb_core_cands *slot)
{
	uint32_t small[16], *ids = small, *grown;
	int n = eb_btf_find_essential(targ, name, kind, small, 16);

	if (n == -ENOENT || n == 0)
		return 0;
	if (n < 0)
		return n;
	if (n > 16) {
		ids = eb_calloc((size_t)n, sizeof(*ids));
		if (!ids)
			return -ENOMEM;
		n = eb_btf_find_essential(targ, name, kind, ids, n);
		if (n < 0) {
			eb_free(ids);
			return n;
		}
	}
	grown = eb_reallocarray(slot->ids, (size_t)slot->cnt + (size_t)n, sizeof(*grown));
	if (!grown) {
		if (ids != small)
			eb_free(ids);
		return -ENOMEM;
	}
	for (int i = 0; i < n; i++)
		grown[slot->cnt + (uint32_t)i] = ids[i];
	slot->ids = grown;
	slot->cnt += (uint32_t)n;
	if (ids != small)
		eb_free(ids);
	return 0;
}

static int find_cands(const struct ebpf_btf *local, uint32_t local_id, const struct ebpf_btf *targ,
		      struct eb_core_cands *slot)
{
	const struct btf_type *t = eb_btf_type(local, local_id);
	const char *name;
	unsigned kind;
	int err;

	if (!t)
		return eb_err(-EINVAL, "local type id %u is void or out of range", local_id);
	name = eb_btf_name(local, t);
	if (!*name)
		return eb_err(-EINVAL, "local type [%u] is anonymous: CO-RE needs a named type", local_id);
	kind = btf_kind(t);
	if (kind == BTF_KIND_ENUM || kind == BTF_KIND_ENUM64) {
		/* A kernel may have widened an enum to enum64 or the other way round. */
		err = add_kind(targ, name, BTF_KIND_ENUM, slot);
		if (!err)
			err = add_kind(targ, name, BTF_KIND_ENUM64, slot);
	} else {
		err = add_kind(targ, name, kind, slot);
	}
	if (err)
		return err == -ENOMEM ? err : eb_err(err, "looking up '%s' in the target BTF failed", name);
	return 0;
}

int eb_core_cands_get(struct eb_core_cache *cache, const struct ebpf_btf *local, uint32_t local_id,
		      const struct ebpf_btf *targ, const struct eb_core_cands **out)
{
	struct cand_slot *slot;
	int err;

	if (cache->local != local || cache->targ != targ) {
		uint32_t n = eb_btf_type_cnt(local);

		cache_reset(cache);
		cache->slots = eb_calloc(n ? n : 1, sizeof(*cache->slots));
		if (!cache->slots)
			return -ENOMEM;
		cache->slot_cnt = n;
		cache->local = local;
		cache->targ = targ;
	}
	if (local_id >= cache->slot_cnt)
		return eb_err(-EINVAL, "local type id %u out of range", local_id);
	slot = &cache->slots[local_id];
	if (!slot->done) {
		err = find_cands(local, local_id, targ, &slot->c);
		if (err) {
			eb_free(slot->c.ids);
			slot->c.ids = NULL;
			slot->c.cnt = 0;
			return err;
		}
		slot->done = true;
	}
	*out = &slot->c;
	return 0;
}
