// SPDX-License-Identifier: BSD-2-Clause
/*
 * Resolving many names in one pass over the types: what a load needs (every
 * kfunc, ksym, attach target) is known before the first lookup, and one scan
 * answering all of them costs about what one linear lookup does, far less than
 * building the name index for ~126,000 vmlinux names.
 *
 * Per type, the name's first eight bytes (up to its NUL) are hashed into a
 * 64 Kib bitmap of the wanted names' hashes; only the few survivors have their
 * kind checked and are compared in full (binary search over the wanted names
 * sorted by hash). Eight bytes rather than two because kernel names share
 * prefixes ("bpf_", "sk_", "__"): with two, thousands of types reached strcmp.
 * Types of a kind no wanted name has are skipped before their name is read;
 * each survivor's exact kind is compared only after the bitmap. Types are
 * visited in id order, so each name gets its lowest id, as eb_btf_find() gives;
 * the scan stops once every name is resolved.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "btf/btf_internal.h"
#include "lib/alloc.h"

struct want {
	uint16_t key;		/* key_of(name) */
	unsigned kind;		/* 0: any */
	uint32_t idx;		/* position in the caller's arrays */
	const char *name;
};

/*
 * Hash of a name's first eight bytes, those after its NUL masked off. `s` must
 * have 8 readable bytes (callers copy names that end closer than that to the end
 * of their string table).
 */
static inline uint16_t key_of8(const char *s)
{
	uint64_t x, nul;

	memcpy(&x, s, 8);
#if __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__
	x = __builtin_bswap64(x);	/* the trick below finds the least significant zero byte */
#endif
	/* lowest byte that is zero: the classic has-zero-byte trick, first hit exact */
	nul = (x - 0x0101010101010101ull) & ~x & 0x8080808080808080ull;
	if (nul)
		x &= (nul & -nul) - 1;
	return (uint16_t)((x * 0x9e3779b97f4a7c15ull) >> 48);
}

static uint16_t key_of(const char *s)
{
	char buf[8] = { 0 };

	for (size_t i = 0; i < sizeof(buf) && s[i]; i++)
		buf[i] = s[i];
	return key_of8(buf);
}

static int cmp_want(const void *a, const void *b)
{
	const struct want *x = a, *y = b;

	if (x->key != y->key)
		return x->key < y->key ? -1 : 1;
	return x->idx < y->idx ? -1 : x->idx > y->idx;
}

struct scan_state {
	struct want *w;
	size_t n;
	uint64_t *bits;		/* 65536-bit bitmap of wanted keys */
	uint32_t kinds;		/* bit per wanted kind; all bits if any kind 0 */
	int32_t *ids;
	size_t left;		/* names still unresolved */
};

/* First wanted entry with `key`, or n. */
static size_t lower_bound(const struct want *w, size_t n, uint16_t key)
{
	size_t lo = 0, hi = n;

	while (lo < hi) {
		size_t mid = (lo + hi) / 2;

		if (w[mid].key < key)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

/* Types first..first+n-1 (own indexes), their offsets in `offs`; true once every name is resolved. */
static bool scan_run(const struct ebpf_btf *btf, struct scan_state *st, const uint32_t *offs, uint32_t first,
		     uint32_t n, uint32_t fast_end)
{
	for (uint32_t i = 0; i < n && st->left; i++) {
		const struct btf_type *t = (const void *)(btf->types + offs[i]);
		uint32_t rel = t->name_off - btf->start_str;
		const char *tn;
		uint16_t key;
		unsigned kind = btf_kind(t);

		if (!((st->kinds >> kind) & 1) || !t->name_off)
			continue;
		if (rel < fast_end) {
			tn = btf->strs + rel;
			key = key_of8(tn);
		} else {
			tn = rel < btf->strs_len ? btf->strs + rel : eb_btf_name(btf, t);
			key = key_of(tn);
		}
		if (!((st->bits[key >> 6] >> (key & 63)) & 1))
			continue;
		for (size_t j = lower_bound(st->w, st->n, key); j < st->n && st->w[j].key == key; j++) {
			struct want *w = &st->w[j];

			if (st->ids[w->idx] != -ENOENT || (w->kind && w->kind != kind) || strcmp(tn, w->name))
				continue;
			st->ids[w->idx] = (int32_t)(btf->start_id + first + i);
			st->left--;
		}
	}
	return !st->left;
}

/* One pass over `btf`'s own types (its base is scanned separately, first). */
static void scan_one(const struct ebpf_btf *btf, struct scan_state *st)
{
	/* names starting in the last 8 bytes of the table are hashed from a copy */
	uint32_t fast_end = btf->strs_len >= 8 ? btf->strs_len - 8 : 0;

	for (unsigned r = 0; r < eb_btf_runs(btf); r++) {
		uint32_t first, n;
		const uint32_t *offs = eb_btf_run(btf, r, &first, &n);

		if (scan_run(btf, st, offs, first, n, fast_end))
			return;
	}
}

static void scan_chain(const struct ebpf_btf *btf, struct scan_state *st)
{
	if (btf->base)
		scan_chain(btf->base, st);	/* base ids are lower */
	scan_one(btf, st);
}

int eb_btf_find_many(const struct ebpf_btf *btf, const char *const *names, const unsigned *kinds, size_t n,
		     int32_t *ids)
{
	struct scan_state st = { .n = 0, .kinds = 0 };
	int found = 0;

	if (!n)
		return 0;
	st.w = eb_malloc(n * sizeof(*st.w));
	st.bits = eb_calloc(65536 / 64, sizeof(uint64_t));
	if (!st.w || !st.bits) {
		eb_free(st.w);
		eb_free(st.bits);
		return -ENOMEM;
	}
	st.ids = ids;
	for (size_t i = 0; i < n; i++) {
		unsigned k = kinds ? kinds[i] : 0;

		ids[i] = -ENOENT;
		if (!names[i] || !names[i][0] || k > BTF_KIND_MAX)
			continue;
		st.w[st.n] = (struct want){ key_of(names[i]), k, (uint32_t)i, names[i] };
		st.bits[st.w[st.n].key >> 6] |= 1ull << (st.w[st.n].key & 63);
		st.kinds |= k ? 1u << k : ~0u;
		st.n++;
	}
	st.left = st.n;
	qsort(st.w, st.n, sizeof(*st.w), cmp_want);
	scan_chain(btf, &st);
	eb_free(st.w);
	eb_free(st.bits);
	for (size_t i = 0; i < n; i++)
		found += ids[i] > 0;
	return found;
}
