// SPDX-License-Identifier: BSD-2-Clause
/*
 * Target candidates for a local type: every kernel type of a compatible kind
 * whose essential name ("task_struct" for "task_struct___old") is the same.
 * Found through the target BTF's name index — never by scanning all of its
 * ~126,000 types — and remembered per local type id, since one object usually
 * relocates many fields of the same few structs.
 *
 * Module fallback: a type a module defines (a driver's struct) is not in
 * vmlinux. When the target is the running kernel's vmlinux and it has no
 * candidate, the module BTFs (/sys/kernel/btf/<module>, split on vmlinux) are
 * asked, through eb_btf_kernel_find(), for the first module holding the
 * essential name; that module's candidates are then matched against the
 * module's BTF. vmlinux always wins when it has a candidate.
 */
#include <errno.h>
#include <string.h>

#include "lib/alloc.h"
#include "lib/error.h"
#include "relo/core_internal.h"

struct cand_slot {
	struct eb_core_cands c;
	struct ebpf_btf *module_ref;	/* our reference on c.btf when it is module BTF */
	uint32_t key;			/* local type id + 1; 0: empty */
};

/* Whether the target is the running kernel's vmlinux: asked once per cache. */
enum targ_kind { TARG_UNKNOWN, TARG_KERNEL, TARG_OTHER };

struct eb_core_cache {
	const struct ebpf_btf *local;
	const struct ebpf_btf *targ;
	uint32_t local_cnt;		/* type count of `local`: the valid local ids */
	/*
	 * Candidates of the local types relocated so far: open addressing by
	 * local type id, slot_cap a power of two, at most half full. A table
	 * indexed by type id was calloc'd (48 bytes a type) and walked on free
	 * for every type of the object's BTF, when a program set relocates a few
	 * dozen: a tenth of loading an object with a big .BTF.
	 */
	struct cand_slot *slots;
	uint32_t slot_cap, slot_cnt;
	enum targ_kind targ_kind;
	/* eb_core_memo_*: open addressing, memo_cap a power of two, at most half full */
	struct memo_slot *memo;
	uint32_t memo_cap, memo_cnt;
};

struct memo_slot {
	bool used;
	struct eb_core_memo m;
};

struct eb_core_cache *eb_core_cache_new(void)
{
	return eb_calloc(1, sizeof(struct eb_core_cache));
}

static void slot_clear(struct cand_slot *slot)
{
	eb_free(slot->c.ids);
	eb_btf_put(slot->module_ref);
	memset(slot, 0, sizeof(*slot));
}

static void cache_reset(struct eb_core_cache *cache)
{
	for (uint32_t i = 0; i < cache->slot_cap; i++)
		if (cache->slots[i].key)
			slot_clear(&cache->slots[i]);
	eb_free(cache->slots);
	cache->slots = NULL;
	cache->slot_cap = cache->slot_cnt = 0;
	cache->local_cnt = 0;
	eb_free(cache->memo);
	cache->memo = NULL;
	cache->memo_cap = cache->memo_cnt = 0;
	cache->local = cache->targ = NULL;
	cache->targ_kind = TARG_UNKNOWN;
}

void eb_core_cache_free(struct eb_core_cache *cache)
{
	if (!cache)
		return;
	cache_reset(cache);
	eb_free(cache);
}

/* The slot of local type `key - 1`, or the empty one where it would go. */
static struct cand_slot *slot_find(struct cand_slot *slots, uint32_t cap, uint32_t key)
{
	uint32_t mask = cap - 1;

	for (uint32_t i = (key * 2654435761u) & mask;; i = (i + 1) & mask)
		if (slots[i].key == key || !slots[i].key)
			return &slots[i];
}

/* Double the slot table (or make the first one), moving every entry. */
static int slots_grow(struct eb_core_cache *cache)
{
	uint32_t cap = cache->slot_cap ? cache->slot_cap * 2 : 16;
	struct cand_slot *slots;

	if (cap < cache->slot_cap)
		return -ENOMEM;
	slots = eb_calloc(cap, sizeof(*slots));
	if (!slots)
		return -ENOMEM;
	for (uint32_t i = 0; i < cache->slot_cap; i++)
		if (cache->slots[i].key)
			*slot_find(slots, cap, cache->slots[i].key) = cache->slots[i];
	eb_free(cache->slots);
	cache->slots = slots;
	cache->slot_cap = cap;
	return 0;
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

/* Candidates of a local type of `kind` named `name` in `targ`, appended to slot. */
static int add_cands(const struct ebpf_btf *targ, const char *name, unsigned kind, struct eb_core_cands *slot)
{
	int err;

	if (kind != BTF_KIND_ENUM && kind != BTF_KIND_ENUM64)
		return add_kind(targ, name, kind, slot);
	/* A kernel may have widened an enum to enum64 or the other way round. */
	err = add_kind(targ, name, BTF_KIND_ENUM, slot);
	return err ? err : add_kind(targ, name, BTF_KIND_ENUM64, slot);
}

/*
 * Only the running kernel has modules to fall back to. Identity with the
 * process-wide vmlinux is the test; it is asked only once a type is missing,
 * so relocating against a BTF file never reads the kernel's.
 */
static bool targ_is_kernel(struct eb_core_cache *cache, const struct ebpf_btf *targ)
{
	struct ebpf_btf *vm;

	if (cache->targ_kind == TARG_UNKNOWN) {
		cache->targ_kind = TARG_OTHER;
		if (eb_btf_vmlinux(&vm) == 0) {
			if (vm == targ)
				cache->targ_kind = TARG_KERNEL;
			eb_btf_put(vm);
		}
	}
	return cache->targ_kind == TARG_KERNEL;
}

/*
 * vmlinux has no candidate: take them from the first module whose BTF has the
 * essential name (every one of them, flavors included, from that module).
 * Unreadable module BTF only costs the fallback (the relocation is then
 * poisoned as not found), except for running out of memory.
 */
static int add_module_cands(struct cand_slot *slot, const char *name, unsigned kind)
{
	unsigned kinds[2] = { kind, 0 };
	size_t elen = eb_btf_essential_len(name);
	struct ebpf_btf *btf = NULL;
	const char *module = NULL;
	char *ess;
	uint32_t id;
	int err = -ENOENT;

	if (kind == BTF_KIND_ENUM || kind == BTF_KIND_ENUM64)
		kinds[0] = BTF_KIND_ENUM, kinds[1] = BTF_KIND_ENUM64;
	ess = eb_malloc(elen + 1);
	if (!ess)
		return -ENOMEM;
	memcpy(ess, name, elen);
	ess[elen] = 0;
	for (int i = 0; i < 2 && kinds[i] && err; i++)
		err = eb_btf_kernel_find(ess, kinds[i], &btf, &id, &module);
	eb_free(ess);
	if (err == -ENOMEM)
		return err;
	if (err || !module) {
		/* vmlinux said no to the whole essential name already; a yes here would be a race. */
		if (err != -ENOENT)
			eb_debug("CO-RE: module BTF lookup of '%s' failed: %s", name, ebpf_errmsg());
		eb_btf_put(btf);
		return 0;
	}
	err = add_cands(btf, name, kind, &slot->c);
	if (err) {
		eb_btf_put(btf);
		return err;
	}
	slot->module_ref = btf;
	slot->c.btf = btf;
	slot->c.module = module;
	eb_debug("CO-RE: '%s' not in vmlinux, %u candidate(s) in module '%s'", name, slot->c.cnt, module);
	return 0;
}

static int find_cands(struct eb_core_cache *cache, uint32_t local_id, struct cand_slot *slot)
{
	const struct ebpf_btf *local = cache->local, *targ = cache->targ;
	const struct btf_type *t = eb_btf_type(local, local_id);
	const char *name;
	int err;

	if (!t)
		return eb_err(-EINVAL, "local type id %u is void or out of range", local_id);
	name = eb_btf_name(local, t);
	if (!*name)
		return eb_err(-EINVAL, "local type [%u] is anonymous: CO-RE needs a named type", local_id);
	slot->c.btf = targ;
	err = add_cands(targ, name, btf_kind(t), &slot->c);
	if (!err && slot->c.cnt == 0 && targ_is_kernel(cache, targ))
		err = add_module_cands(slot, name, btf_kind(t));
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
		cache_reset(cache);
		cache->local = local;
		cache->targ = targ;
		cache->local_cnt = eb_btf_type_cnt(local);
	}
	if (local_id >= cache->local_cnt)
		return eb_err(-EINVAL, "local type id %u out of range", local_id);
	if (cache->slot_cap) {
		slot = slot_find(cache->slots, cache->slot_cap, local_id + 1);
		if (slot->key) {
			*out = &slot->c;
			return 0;
		}
	}
	if ((cache->slot_cnt + 1) * 2 > cache->slot_cap && slots_grow(cache))
		return -ENOMEM;
	slot = slot_find(cache->slots, cache->slot_cap, local_id + 1);
	err = find_cands(cache, local_id, slot);
	if (err) {
		/*
		 * Emptied again (asked anew next time). Safe in open addressing: the
		 * newest entry ends its probe chain, so no other key lies behind it.
		 */
		slot_clear(slot);
		return err;
	}
	slot->key = local_id + 1;
	cache->slot_cnt++;
	*out = &slot->c;
	return 0;
}

static uint32_t memo_hash(uint32_t type_id, uint32_t access_off, uint32_t kind)
{
	return (type_id * 2654435761u) ^ (access_off * 40503u) ^ kind;
}

static struct memo_slot *memo_find(const struct eb_core_cache *cache, uint32_t type_id, uint32_t access_off,
				   uint32_t kind)
{
	uint32_t mask = cache->memo_cap - 1;

	for (uint32_t i = memo_hash(type_id, access_off, kind) & mask;; i = (i + 1) & mask) {
		struct memo_slot *s = &cache->memo[i];

		if (!s->used || (s->m.type_id == type_id && s->m.access_off == access_off && s->m.kind == kind))
			return s;
	}
}

const struct eb_core_memo *eb_core_memo_get(const struct eb_core_cache *cache, const struct ebpf_btf *local,
					    const struct ebpf_btf *targ, uint32_t type_id, uint32_t access_off,
					    uint32_t kind)
{
	const struct memo_slot *s;

	if (!cache || !cache->memo_cnt || cache->local != local || cache->targ != targ)
		return NULL;
	s = memo_find(cache, type_id, access_off, kind);
	return s->used ? &s->m : NULL;
}

/* Double the table (or make the first one), keeping every entry. */
static int memo_grow(struct eb_core_cache *cache)
{
	uint32_t cap = cache->memo_cap ? cache->memo_cap * 2 : 64;
	struct memo_slot *old = cache->memo;
	uint32_t old_cap = cache->memo_cap;

	if (cap < cache->memo_cap)
		return -ENOMEM;
	cache->memo = eb_calloc(cap, sizeof(*cache->memo));
	if (!cache->memo) {
		cache->memo = old;
		return -ENOMEM;
	}
	cache->memo_cap = cap;
	for (uint32_t i = 0; i < old_cap; i++)
		if (old[i].used)
			*memo_find(cache, old[i].m.type_id, old[i].m.access_off, old[i].m.kind) = old[i];
	eb_free(old);
	return 0;
}

void eb_core_memo_put(struct eb_core_cache *cache, const struct ebpf_btf *local, const struct ebpf_btf *targ,
		      const struct eb_core_memo *m)
{
	struct memo_slot *s;

	if (!cache || cache->local != local || cache->targ != targ || !cache->local_cnt)
		return;
	if ((cache->memo_cnt + 1) * 2 > cache->memo_cap && memo_grow(cache))
		return;
	s = memo_find(cache, m->type_id, m->access_off, m->kind);
	if (!s->used)
		cache->memo_cnt++;
	s->used = true;
	s->m = *m;
}
