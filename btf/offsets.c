// SPDX-License-Identifier: BSD-2-Clause
/*
 * The id -> offset table of trusted BTF (the running kernel's, see
 * eb_btf_parse_trusted): a walk over the type records that only sizes them.
 *
 * Type ids are ordinals, so the table needs every record's start, and each
 * record's size is known only once its header is read: the walk is one long
 * dependency chain (about 126,000 links for vmlinux), bound by load latency,
 * not by work. For a big section we therefore run several chains at once: the
 * section is cut into eight parts, and every part but the first starts at the
 * first 4-byte position that looks like a type header. The parts are walked in
 * lockstep, so the CPU overlaps their loads (about 3x faster on vmlinux).
 *
 * A guessed start may be wrong (it may land inside a member list), so no guess
 * is trusted: when the walk of part k-1 runs into part k, its true record
 * boundary must meet one of the first SYNC_WINDOW boundaries part k found (real kernel BTF meets within a few records).
 * From a common boundary on, both walks read the same records, so part k's
 * boundaries are the true ones. If they never meet, or anything else looks
 * wrong, the whole section is walked again as one chain, which is the only
 * walk that reports errors. The answer is thus always that of the plain walk.
 *
 * Each part writes its offsets into its own slice of one allocation, and the
 * slices stay the table (struct eb_btf_segs, read through eb_btf_off()):
 * copying them together cost a memmove of the whole table and a page fault
 * for every page of it not already touched, ~40 us of a ~300 us open.
 */
#include <errno.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "btf/btf_internal.h"
#include "lib/alloc.h"
#include "lib/error.h"

/*
 * One chain: a switch beats a branch-free table lookup here, because the
 * branch predictor guesses the common kinds and lets the next record's load
 * start before this one's size is known (~12% faster on vmlinux, measured).
 */
static inline uint32_t record_size(uint32_t info)
{
	uint32_t vlen = info & 0xffff;

	switch ((info >> 24) & 0x1f) {
	case BTF_KIND_PTR: case BTF_KIND_FWD: case BTF_KIND_TYPEDEF: case BTF_KIND_VOLATILE:
	case BTF_KIND_CONST: case BTF_KIND_RESTRICT: case BTF_KIND_FUNC: case BTF_KIND_FLOAT:
	case BTF_KIND_TYPE_TAG:
		return sizeof(struct btf_type);
	case BTF_KIND_FUNC_PROTO:
		return sizeof(struct btf_type) + vlen * sizeof(struct btf_param);
	case BTF_KIND_STRUCT: case BTF_KIND_UNION:
		return sizeof(struct btf_type) + vlen * sizeof(struct btf_member);
	case BTF_KIND_INT:
		return sizeof(struct btf_type) + 4;
	case BTF_KIND_ARRAY:
		return sizeof(struct btf_type) + sizeof(struct btf_array);
	case BTF_KIND_ENUM:
		return sizeof(struct btf_type) + vlen * sizeof(struct btf_enum);
	case BTF_KIND_VAR:
		return sizeof(struct btf_type) + sizeof(struct btf_var);
	case BTF_KIND_DATASEC:
		return sizeof(struct btf_type) + vlen * sizeof(struct btf_var_secinfo);
	case BTF_KIND_DECL_TAG:
		return sizeof(struct btf_type) + sizeof(struct btf_decl_tag);
	case BTF_KIND_ENUM64:
		return sizeof(struct btf_type) + vlen * sizeof(struct btf_enum64);
	default:
		return 0;	/* unknown kind */
	}
}

static int walk_one_chain(struct ebpf_btf *btf)
{
	const uint8_t *types = btf->types;
	uint32_t off = 0, len = btf->types_len, nr = 0;
	size_t cap = len / 24 + 16;	/* vmlinux averages ~25 bytes a type */
	uint32_t *offs = eb_malloc(cap * sizeof(*offs));

	if (!offs)
		return -ENOMEM;
	btf->offs = offs;
	while (len - off >= sizeof(struct btf_type)) {
		uint32_t rec = record_size(((const struct btf_type *)(types + off))->info);

		if (!rec || rec > len - off)
			return eb_err(-EINVAL, "BTF: type [%u] at offset %u: unknown kind or records past the type section",
				      btf->start_id + nr, off);
		if (nr == cap) {
			/* no id overflow: a 4 GiB section holds fewer than 2^29 records */
			btf->nr = nr;
			if (eb_grow((void **)&btf->offs, &cap, (size_t)nr + 1, sizeof(*offs)))
				return -ENOMEM;
			offs = btf->offs;
		}
		offs[nr++] = off;
		off += rec;
	}
	btf->nr = nr;
	if (off != len)
		return eb_err(-EINVAL, "BTF: type [%u] at offset %u: record runs past the type section (%u bytes)",
			      btf->start_id + nr, off, len);
	return 0;
}

/*
 * Several chains: sizes from two small tables instead of a switch, since with
 * four chains interleaved the mispredicted branches would stall all of them.
 * An unknown kind gets a size past any section, which ends that chain's walk
 * and makes the stitching below fail over to the single walk.
 */
#define CHAINS EB_BTF_SEGS	/* a segment per part */
#define SYNC_WINDOW 256
#define MIN_MULTI_LEN (256u * 1024)	/* below this one chain is as fast */
#define UNKNOWN_SIZE 0x80000000u

static const uint32_t fixed_size[32] = {
	[0] = UNKNOWN_SIZE,
	[BTF_KIND_INT] = 16, [BTF_KIND_PTR] = 12, [BTF_KIND_ARRAY] = 24, [BTF_KIND_STRUCT] = 12,
	[BTF_KIND_UNION] = 12, [BTF_KIND_ENUM] = 12, [BTF_KIND_FWD] = 12, [BTF_KIND_TYPEDEF] = 12,
	[BTF_KIND_VOLATILE] = 12, [BTF_KIND_CONST] = 12, [BTF_KIND_RESTRICT] = 12, [BTF_KIND_FUNC] = 12,
	[BTF_KIND_FUNC_PROTO] = 12, [BTF_KIND_VAR] = 16, [BTF_KIND_DATASEC] = 12, [BTF_KIND_FLOAT] = 12,
	[BTF_KIND_DECL_TAG] = 16, [BTF_KIND_TYPE_TAG] = 12, [BTF_KIND_ENUM64] = 12,
	[20] = UNKNOWN_SIZE, [21] = UNKNOWN_SIZE, [22] = UNKNOWN_SIZE, [23] = UNKNOWN_SIZE,
	[24] = UNKNOWN_SIZE, [25] = UNKNOWN_SIZE, [26] = UNKNOWN_SIZE, [27] = UNKNOWN_SIZE,
	[28] = UNKNOWN_SIZE, [29] = UNKNOWN_SIZE, [30] = UNKNOWN_SIZE, [31] = UNKNOWN_SIZE,
};
static const uint8_t size_per_vlen[32] = {
	[BTF_KIND_STRUCT] = 12, [BTF_KIND_UNION] = 12, [BTF_KIND_ENUM] = 8, [BTF_KIND_FUNC_PROTO] = 8,
	[BTF_KIND_DATASEC] = 12, [BTF_KIND_ENUM64] = 12,
};

static inline uint32_t table_size(uint32_t info)
{
	uint32_t kind = (info >> 24) & 0x1f;

	return fixed_size[kind] + (info & 0xffff) * size_per_vlen[kind];
}

/*
 * A position that could start a record: reserved info bits clear, a known
 * kind, a name inside the strings, and no member count on a kind without
 * members. Member and parameter records rarely pass (their second word is a
 * small type id or bit offset, so the kind bits read as 0).
 */
static bool plausible_header(const struct ebpf_btf *btf, uint32_t off)
{
	const struct btf_type *t = (const void *)(btf->types + off);
	unsigned kind = btf_kind(t);

	if ((t->info & 0x60ff0000u) || kind == 0 || kind > BTF_KIND_MAX || fixed_size[kind] == UNKNOWN_SIZE)
		return false;
	if (t->name_off - btf->start_str >= btf->strs_len && t->name_off)
		return false;
	return btf_vlen(t) == 0 || size_per_vlen[kind];
}

struct part {
	uint64_t cur, end;	/* next record's offset; walk records starting before end */
	uint32_t *out;		/* this part's slice of the table */
	uint32_t n;
};

/*
 * Walk the eight parts in lockstep, each to its end. The cursors live in
 * locals: kept in the structs, every step would go through memory and each
 * chain would wait on store forwarding (the slices and counts may, they are
 * not on the chain).
 *
 * Each step also prefetches the record's name (a prefetch never faults, so a
 * name_off out of range costs nothing): the name lookups that follow an open
 * (eb_btf_find_many over ~60,000 names) then find them in cache instead of
 * memory. Measured with caches flushed between runs, as after any other
 * work: open + 20 lookups ~40 us faster; with warm caches no change.
 */
#define PREFETCH_NAME(at) \
	__builtin_prefetch((const void *)(strs + *(const uint32_t *)(types + (at))), 0, 0)

#define STEP(k)                                                                      \
	do {                                                                         \
		if (c##k < p[k].end) {                                               \
			uint32_t at_ = (uint32_t)c##k;                               \
			p[k].out[p[k].n++] = at_;                                    \
			PREFETCH_NAME(at_);                                          \
			c##k = at_ + (uint64_t)table_size(*(const uint32_t *)(types + at_ + 4)); \
			live = true;                                                 \
		}                                                                    \
	} while (0)

#define FAST_STEP(k)                                                                 \
	do {                                                                         \
		uint32_t at_ = (uint32_t)c##k;                                       \
		o##k[i] = at_;                                                       \
		PREFETCH_NAME(at_);                                                  \
		c##k = at_ + (uint64_t)table_size(*(const uint32_t *)(types + at_ + 4)); \
	} while (0)

/* `strs`: the address name offset 0 would have (names are prefetched, never read, here) */
static void walk_lockstep(const uint8_t *types, struct part *p, uintptr_t strs)
{
	uint64_t c0 = p[0].cur, c1 = p[1].cur, c2 = p[2].cur, c3 = p[3].cur;
	uint64_t c4 = p[4].cur, c5 = p[5].cur, c6 = p[6].cur, c7 = p[7].cur;
	/* the slices are empty on entry */
	uint32_t *o0 = p[0].out, *o1 = p[1].out, *o2 = p[2].out, *o3 = p[3].out;
	uint32_t *o4 = p[4].out, *o5 = p[5].out, *o6 = p[6].out, *o7 = p[7].out;
	uint32_t i = 0;
	bool live = true;

	/*
	 * All eight inside their parts: no per-step test, and since every part
	 * takes one step per round, one index serves all slices.
	 */
	while (c0 < p[0].end && c1 < p[1].end && c2 < p[2].end && c3 < p[3].end && c4 < p[4].end &&
	       c5 < p[5].end && c6 < p[6].end && c7 < p[7].end) {
		FAST_STEP(0); FAST_STEP(1); FAST_STEP(2); FAST_STEP(3);
		FAST_STEP(4); FAST_STEP(5); FAST_STEP(6); FAST_STEP(7);
		i++;
	}
	for (int k = 0; k < CHAINS; k++)
		p[k].n = i;
	/* parts differ in record sizes, so they end at different steps: a finished one just sits out */
	while (live) {
		live = false;
		STEP(0); STEP(1); STEP(2); STEP(3); STEP(4); STEP(5); STEP(6); STEP(7);
	}
	p[0].cur = c0, p[1].cur = c1, p[2].cur = c2, p[3].cur = c3;
	p[4].cur = c4, p[5].cur = c5, p[6].cur = c6, p[7].cur = c7;
}

/*
 * Continue the true walk from `*cur` until it meets one of part `q`'s first
 * boundaries; its own records before that go to `extra`. Returns the index in
 * q's records where they meet, or -1.
 */
static int meet(const struct ebpf_btf *btf, uint64_t *cur, const struct part *q, uint32_t *extra, uint32_t *nr_extra)
{
	uint32_t window = q->n < SYNC_WINDOW ? q->n : SYNC_WINDOW, j = 0;

	*nr_extra = 0;
	for (;;) {
		while (j < window && q->out[j] < *cur)
			j++;
		if (j == window)
			return -1;
		if (q->out[j] == *cur)
			return (int)j;
		if (*nr_extra == SYNC_WINDOW || *cur > btf->types_len - sizeof(struct btf_type))
			return -1;
		extra[(*nr_extra)++] = (uint32_t)*cur;
		*cur += table_size(((const struct btf_type *)(btf->types + *cur))->info);
	}
}

/*
 * Fresh memory costs a page fault per page on first touch (~0.7 us each here,
 * more than the walk spends on the page). Asking the kernel to populate the
 * pages the walk is about to write in one call costs about half. Best effort:
 * on kernels without MADV_POPULATE_WRITE (5.14) the pages fault as usual.
 */
#define EB_MADV_POPULATE_WRITE 23
#define EXPECTED_RECORD 24	/* vmlinux averages ~25 bytes a record */

static void prefault(uint32_t *from, size_t n)
{
	static long page;
	uintptr_t lo = (uintptr_t)from, hi = (uintptr_t)(from + n);

	if (!page)
		page = sysconf(_SC_PAGESIZE);
	if (page <= 0)
		return;
	lo = (lo + (uintptr_t)page - 1) & ~((uintptr_t)page - 1);
	hi &= ~((uintptr_t)page - 1);
	if (hi > lo)
		(void)madvise((void *)lo, hi - lo, EB_MADV_POPULATE_WRITE);
}

/*
 * The segments' map: first index of each, and for every bucket of
 * 2^EB_BTF_SEG_SHIFT indexes the segment at its start (eb_btf_off()).
 */
static struct eb_btf_segs *map_segments(uint32_t *mem, const struct part *p, uint32_t nr)
{
	size_t buckets = ((size_t)(nr - 1) >> EB_BTF_SEG_SHIFT) + 1;
	struct eb_btf_segs *segs = eb_malloc(sizeof(*segs) + buckets);
	uint32_t first = 0;
	unsigned k = 0;

	if (!segs)
		return NULL;
	segs->mem = mem;
	segs->n = CHAINS;
	for (int i = 0; i < CHAINS; i++) {
		segs->first[i] = first;
		segs->offs[i] = p[i].out;
		first += p[i].n;
	}
	segs->first[CHAINS] = nr;
	for (size_t b = 0; b < buckets; b++) {
		while (k + 1 < CHAINS && segs->first[k + 1] <= (uint32_t)(b << EB_BTF_SEG_SHIFT))
			k++;
		segs->bucket[b] = (uint8_t)k;
	}
	return segs;
}

/* 0, or 1 when the parts did not fit together (then walk_one_chain decides), or -ENOMEM. */
static int walk_parts(struct ebpf_btf *btf)
{
	const uint8_t *types = btf->types;
	uint32_t len = btf->types_len, nr_extra;
	size_t total = 0, nr = 0;
	struct part p[CHAINS];
	uint32_t *mem;

	for (int k = 0; k < CHAINS; k++) {
		uint32_t s = k ? (uint32_t)((uint64_t)len * k / CHAINS) & ~3u : 0, limit = s + 4096;

		while (k && s < limit && !plausible_header(btf, s))
			s += 4;
		if (s >= limit)
			return 1;
		p[k].cur = s;
		p[k].n = 0;
		if (k)
			p[k - 1].end = s;
	}
	p[CHAINS - 1].end = len - sizeof(struct btf_type) + 1;	/* headers are read whole */
	/*
	 * One slice per part, in order: room for as many records as its bytes can
	 * hold (each is at least 12) and for the records the part before it walks
	 * past its end until the two meet. The slices stay the table (struct
	 * eb_btf_segs), so nothing is copied and only the pages written are touched.
	 */
	for (int k = 0; k < CHAINS; k++)
		total += (p[k].end - p[k].cur) / sizeof(struct btf_type) + 1 + SYNC_WINDOW;
	mem = eb_malloc(total * sizeof(*mem));
	if (!mem)
		return -ENOMEM;
	total = 0;
	for (int k = 0; k < CHAINS; k++) {
		p[k].out = mem + total;
		prefault(p[k].out, (p[k].end - p[k].cur) / EXPECTED_RECORD);
		total += (p[k].end - p[k].cur) / sizeof(struct btf_type) + 1 + SYNC_WINDOW;
	}

	walk_lockstep(types, p, (uintptr_t)btf->strs - btf->start_str);

	/* stitch: part 0 is the true walk; each next part must meet it */
	for (int k = 1; k < CHAINS; k++) {
		uint64_t cur = p[k - 1].cur;
		int j = meet(btf, &cur, &p[k], p[k - 1].out + p[k - 1].n, &nr_extra);

		if (j < 0)
			goto refit;
		p[k - 1].n += nr_extra;
		p[k].out += j;
		p[k].n -= (uint32_t)j;
	}
	if (p[CHAINS - 1].cur != len)
		goto refit;
	for (int k = 0; k < CHAINS; k++) {
		/* a short segment would break eb_btf_off()'s buckets (very large records only) */
		if (k < CHAINS - 1 && p[k].n < 1u << EB_BTF_SEG_SHIFT)
			goto refit;
		nr += p[k].n;
	}
	btf->segs = map_segments(mem, p, (uint32_t)nr);
	if (!btf->segs) {
		eb_free(mem);
		return -ENOMEM;
	}
	btf->nr = (uint32_t)nr;
	return 0;
refit:
	eb_free(mem);
	return 1;
}

atomic_uint eb_btf_parted_walks;

void eb_btf_free_offsets(struct ebpf_btf *btf)
{
	if (btf->segs)
		eb_free(btf->segs->mem);
	eb_free(btf->segs);
	eb_free(btf->offs);
	btf->segs = NULL;
	btf->offs = NULL;
}

int eb_btf_build_offsets(struct ebpf_btf *btf)
{
	if (btf->types_len >= MIN_MULTI_LEN) {
		int err = walk_parts(btf);

		if (!err)
			atomic_fetch_add_explicit(&eb_btf_parted_walks, 1, memory_order_relaxed);
		if (err <= 0)
			return err;
	}
	return walk_one_chain(btf);
}
