// SPDX-License-Identifier: BSD-2-Clause
/*
 * Name index: name -> type ids, built lazily on the first lookup (a BTF whose
 * names nobody asks for never pays for it).
 *
 * One open-addressing table of u32 slots keyed by the *essential* name (without
 * a "___flavor" suffix), so exact lookups and CO-RE candidate lookups share it:
 * an exact lookup compares the full name of each candidate. A slot packs the
 * type's index (low id_bits) and the spare high bits of the hash as a tag, so
 * most non-matching slots are rejected without touching the string table. For
 * vmlinux (~126k types) the table is 512 KiB and no per-type allocation is made.
 *
 * Types are inserted in id order with linear probing, so the probe sequence of a
 * key meets its ids in ascending order: the first match is the lowest id.
 */
#include <errno.h>
#include <string.h>

#include "btf/btf_internal.h"
#include "lib/alloc.h"
#include "lib/error.h"

struct eb_btf_index {
	uint32_t mask;		/* slots - 1 */
	uint32_t id_bits;
	uint32_t *slots;	/* 0: empty; else (tag << id_bits) | (index + 1) */
};

size_t eb_btf_essential_len(const char *name)
{
	size_t len = strlen(name);

	/* "___pskb_trim" is a real name, not a flavor of "". */
	if (len < 5 || (name[0] == '_' && name[1] == '_' && name[2] == '_'))
		return len;
	/* The last "___" that has something after it and something before it. */
	for (size_t i = len - 4; i >= 1; i--)
		if (name[i] == '_' && name[i + 1] == '_' && name[i + 2] == '_')
			return i;
	return len;
}

static uint64_t hash_bytes(const char *s, size_t len)
{
	uint64_t h = 0x9e3779b97f4a7c15ull ^ len;
	size_t i = 0;

	for (; i + 8 <= len; i += 8) {
		uint64_t w;

		memcpy(&w, s + i, 8);
		h = (h ^ w) * 0xff51afd7ed558ccdull;
		h ^= h >> 29;
	}
	if (i < len) {
		uint64_t w = 0;

		memcpy(&w, s + i, len - i);
		h = (h ^ w) * 0xc4ceb9fe1a85ec53ull;
	}
	h ^= h >> 32;
	return h * 0x9e3779b97f4a7c15ull;
}

static uint32_t tag_of(const struct eb_btf_index *idx, uint64_t h)
{
	/* The top bits; the position uses the low bits. */
	return idx->id_bits >= 32 ? 0 : (uint32_t)(h >> 32) >> idx->id_bits;
}

void eb_btf_index_free(struct eb_btf_index *idx)
{
	if (!idx)
		return;
	eb_free(idx->slots);
	eb_free(idx);
}

static struct eb_btf_index *build(const struct ebpf_btf *btf)
{
	struct eb_btf_index *idx;
	uint32_t named = 0, slots = 16, i;

	for (i = 0; i < btf->nr; i++)
		named += ((const struct btf_type *)(btf->types + eb_btf_off(btf, i)))->name_off != 0;
	while (slots < named + named / 2 + 1)
		slots *= 2;
	idx = eb_calloc(1, sizeof(*idx));
	if (!idx)
		return NULL;
	idx->slots = eb_calloc(slots, sizeof(uint32_t));
	if (!idx->slots) {
		eb_free(idx);
		return NULL;
	}
	idx->mask = slots - 1;
	idx->id_bits = 1;
	while (idx->id_bits < 32 && (1ull << idx->id_bits) <= btf->nr)
		idx->id_bits++;
	for (i = 0; i < btf->nr; i++) {
		const struct btf_type *t = (const void *)(btf->types + eb_btf_off(btf, i));
		const char *name;
		uint64_t h;
		uint32_t pos;

		if (!t->name_off)
			continue;
		name = eb_btf_str(btf, t->name_off);
		if (!name || !*name)	/* NULL: out of range in trusted (unvalidated) BTF */
			continue;
		/* Most names have no "___": skip the backward flavor scan for them. */
		h = hash_bytes(name, strstr(name + 1, "___") ? eb_btf_essential_len(name) : strlen(name));
		for (pos = (uint32_t)h & idx->mask; idx->slots[pos]; pos = (pos + 1) & idx->mask)
			;
		idx->slots[pos] = (tag_of(idx, h) << (idx->id_bits & 31)) | (i + 1);
	}
	return idx;
}

/* The index of `btf` (own types only), building it on first use; NULL on ENOMEM. */
static const struct eb_btf_index *get_index(const struct ebpf_btf *cbtf)
{
	struct ebpf_btf *btf = (struct ebpf_btf *)cbtf;	/* the index is a cache */
	struct eb_btf_index *idx = atomic_load_explicit(&btf->index, memory_order_acquire);

	if (idx)
		return idx;
	pthread_mutex_lock(&btf->index_lock);
	idx = atomic_load_explicit(&btf->index, memory_order_relaxed);
	if (!idx) {
		idx = build(btf);
		if (idx)
			atomic_store_explicit(&btf->index, idx, memory_order_release);
	}
	pthread_mutex_unlock(&btf->index_lock);
	return idx;
}

/*
 * Building the index costs about as much as 8 full linear scans (callgrind on
 * vmlinux: ~15M instructions vs ~1.8M), so the first lookups of a BTF scan and
 * only a BTF that keeps being asked gets an index. A scan is charged by how far
 * it went: one unit, plus EB_BTF_FULL_SCAN_UNITS for a walk over every type (an
 * essential-name scan always walks them all; an exact one stops at its match).
 * A load resolving a few CO-RE types against vmlinux so never builds the index.
 */
#define EB_BTF_SCANS_BEFORE_INDEX 32
#define EB_BTF_FULL_SCAN_UNITS 3

/*
 * The first essential-name scan of a kind (CO-RE candidates: it always walks
 * every type) in a big BTF builds its per-kind lists first (two passes, about
 * the cost of one full scan); from then on a scan for STRUCTs in vmlinux walks
 * 8% of the types. Exact lookups stop at their match and do not build them,
 * but use them once they exist. Small BTFs are scanned as they are.
 */
#define EB_BTF_KINDS_MIN_TYPES 4096

/* Whether type name `tn` is the one asked for (see each_match). */
static inline bool name_matches(const char *tn, const char *name, size_t elen, bool exact)
{
	if (tn[0] != name[0])
		return false;
	if (exact)
		return strcmp(tn, name) == 0;
	if (strncmp(tn, name, elen) != 0)
		return false;
	/* Same essential name: `tn` ends there, or goes on with a "___flavor" (the common cases, no strlen). */
	if (tn[elen] == '\0')
		return true;
	return strncmp(tn + elen, "___", 3) == 0 && eb_btf_essential_len(tn) == elen;
}

/*
 * each_match without the index: every own type in id order (only those of
 * `kind` when the per-kind lists exist). Returns how many types it walked.
 */
static uint32_t scan_each(const struct ebpf_btf *btf, const char *name, size_t elen, bool exact, unsigned kind,
		      bool (*fn)(void *ctx, uint32_t id), void *ctx)
{
	/* Locals: the compiler cannot keep btf's fields in registers across fn(). */
	const uint8_t *types = btf->types;
	const struct eb_btf_kinds *kinds = kind ? atomic_load_explicit(&btf->kinds, memory_order_acquire) : NULL;
	uint32_t i;

	if (kinds) {
		uint32_t cnt;
		const uint32_t *idx = eb_btf_kinds_of(kinds, kind, &cnt);

		const char *strs = btf->strs;
		uint32_t start_str = btf->start_str, strs_len = btf->strs_len, first, n;
		/* the indexes ascend: follow the table's runs rather than look each one up */
		unsigned r = 0;
		const uint32_t *offs = eb_btf_run(btf, 0, &first, &n);

		for (i = 0; i < cnt; i++) {
			const struct btf_type *t;
			uint32_t rel;

			while (idx[i] - first >= n)
				offs = eb_btf_run(btf, ++r, &first, &n);
			t = (const void *)(types + offs[idx[i] - first]);
			rel = t->name_off - start_str;

			if (!t->name_off)
				continue;
			/* own strings read in place; the rare name in the base goes through eb_btf_name */
			if (name_matches(rel < strs_len ? strs + rel : eb_btf_name(btf, t), name, elen, exact) &&
			    !fn(ctx, btf->start_id + idx[i]))
				break;
		}
		return i;	/* charged for what it walked */
	}
	for (unsigned r = 0, walked = 0; r < eb_btf_runs(btf); r++) {
		uint32_t first, n;
		const uint32_t *offs = eb_btf_run(btf, r, &first, &n);

		for (i = 0; i < n; i++) {
			const struct btf_type *t = (const void *)(types + offs[i]);
			const char *tn;

			if ((kind && btf_kind(t) != kind) || !t->name_off)
				continue;
			tn = t->name_off - btf->start_str < btf->strs_len ? btf->strs + (t->name_off - btf->start_str)
									   : eb_btf_name(btf, t);
			if (name_matches(tn, name, elen, exact) && !fn(ctx, btf->start_id + first + i))
				return walked + i;
		}
		walked += n;
	}
	return btf->nr;
}

/*
 * Visit the ids of own types of `kind` (0: any) whose essential name is
 * name[0..elen); with `exact`, only those whose full name is `name`. Calls
 * `fn` in ascending id order until it returns false. -ENOMEM if no index.
 */
static int each_match(const struct ebpf_btf *cbtf, const char *name, size_t elen, bool exact,
		      unsigned kind, bool (*fn)(void *ctx, uint32_t id), void *ctx)
{
	struct ebpf_btf *btf = (struct ebpf_btf *)cbtf;	/* the counter is a cache policy */
	const struct eb_btf_index *idx;
	uint64_t h;
	uint32_t tag, idmask, pos, slot;

	/*
	 * DATASECs of a validated BTF are listed (".maps", ".data", ".kconfig": the
	 * loader asks for each at open): a handful to look at, neither an index
	 * lookup nor a scan, and not charged to the index's counter.
	 */
	if (kind == BTF_KIND_DATASEC && btf->datasecs_listed) {
		for (uint32_t i = 0; i < btf->nr_datasecs; i++) {
			uint32_t id = btf->datasec_ids[i];

			if (name_matches(eb_btf_name(btf, eb_btf_type(btf, id)), name, elen, exact) && !fn(ctx, id))
				break;
		}
		return 0;
	}
	if (!atomic_load_explicit(&btf->index, memory_order_acquire) &&
	    atomic_load_explicit(&btf->scans, memory_order_relaxed) < EB_BTF_SCANS_BEFORE_INDEX) {
		uint64_t walked;

		if (kind && !exact && btf->nr >= EB_BTF_KINDS_MIN_TYPES &&
		    !atomic_load_explicit(&btf->kinds, memory_order_acquire))
			(void)eb_btf_kinds_get(btf);	/* NULL on no memory: the full scan below */
		walked = scan_each(btf, name, elen, exact, kind, fn, ctx);

		atomic_fetch_add_explicit(&btf->scans, 1 + (uint32_t)(walked * EB_BTF_FULL_SCAN_UNITS / (btf->nr + 1)),
					  memory_order_relaxed);
		return 0;
	}
	idx = get_index(btf);
	if (!idx)
		return -ENOMEM;
	h = hash_bytes(name, elen);
	tag = tag_of(idx, h);
	idmask = idx->id_bits >= 32 ? UINT32_MAX : (1u << idx->id_bits) - 1;
	for (pos = (uint32_t)h & idx->mask; (slot = idx->slots[pos]); pos = (pos + 1) & idx->mask) {
		uint32_t i = (slot & idmask) - 1;
		const struct btf_type *t;

		if ((idx->id_bits < 32 && slot >> idx->id_bits != tag))
			continue;
		t = (const void *)(btf->types + eb_btf_off(btf, i));
		if (kind && btf_kind(t) != kind)
			continue;
		if (!name_matches(eb_btf_name(btf, t), name, elen, exact))
			continue;
		if (!fn(ctx, btf->start_id + i))
			break;
	}
	return 0;
}

static bool take_first(void *ctx, uint32_t id)
{
	*(uint32_t *)ctx = id;
	return false;
}

int32_t eb_btf_find(const struct ebpf_btf *btf, const char *name, unsigned kind)
{
	uint32_t id = 0;
	int err;

	if (!name || !*name)
		return -ENOENT;
	if (btf->base) {
		int32_t r = eb_btf_find(btf->base, name, kind);

		if (r != -ENOENT)
			return r;
	}
	err = each_match(btf, name, eb_btf_essential_len(name), true, kind, take_first, &id);
	if (err)
		return err;
	return id ? (int32_t)id : -ENOENT;
}

struct collect {
	uint32_t *ids;
	int max, n;
};

static bool collect_one(void *ctx, uint32_t id)
{
	struct collect *c = ctx;

	if (c->n < c->max)
		c->ids[c->n] = id;
	c->n++;
	return c->n < INT32_MAX;
}

/* Base ids first: they are lower, keeping the result sorted. */
static int collect_chain(const struct ebpf_btf *btf, const char *name, size_t elen, unsigned kind,
			 struct collect *c)
{
	if (btf->base) {
		int err = collect_chain(btf->base, name, elen, kind, c);

		if (err)
			return err;
	}
	return each_match(btf, name, elen, false, kind, collect_one, c);
}

int eb_btf_find_essential(const struct ebpf_btf *btf, const char *name, unsigned kind,
			  uint32_t *ids, int max)
{
	struct collect c = { .ids = ids, .max = max < 0 ? 0 : max };
	int err;

	if (!name || !*name)
		return 0;
	err = collect_chain(btf, name, eb_btf_essential_len(name), kind, &c);
	return err ? err : c.n;
}
