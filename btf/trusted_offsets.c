// SPDX-License-Identifier: BSD-2-Clause
/*
 * The id -> offset table of trusted BTF (the kernel's own sysfs files; see
 * eb_btf_parse_trusted in btf_internal.h), built fast.
 *
 * A walk over the type records is one long dependency chain: where record i+1
 * starts depends on the kind and vlen read from record i. On vmlinux (~126,000
 * records, 3.2 MB) that chain, not memory, bounds the walk (~0.5 ms). So the
 * section is cut into CHAINS segments, each segment's walk starts at a *guessed*
 * record boundary (a run of plausible record headers), and the walks advance
 * interleaved, which lets the CPU overlap their latencies (~3x faster).
 *
 * Guesses are only hints: the result is stitched together from the start of the
 * section, which is a true boundary. A segment's positions are taken only from
 * the first one the true walk actually reaches; until then (a wrong guess) the
 * true walk steps on its own, with every check of the plain walk. So a wrong or
 * hostile guess can cost time, never correctness. Every record is still checked
 * to lie inside the type section and to have a known kind.
 */
#include <errno.h>
#include <string.h>

#include "btf/btf_internal.h"
#include "lib/alloc.h"
#include "lib/error.h"

#define EB_BTF_MAX_ID 0x7fffffffu
#define CHAINS 8
/* Below this many bytes of types (module BTF), one plain walk is as fast. */
#define PARALLEL_MIN (64u << 10)
/* How far past a segment's nominal start a plausible boundary is looked for. */
#define GUESS_WINDOW 4096u
#define REC_MIN ((uint32_t)sizeof(struct btf_type))

/*
 * Words of records after the 12-byte header, 2 bits per kind: fixed words in
 * FIXED_WORDS, words per vlen entry in VLEN_WORDS. Constants in registers keep
 * table loads out of the dependency chain.
 */
#define KW(kind, words) ((uint64_t)(words) << (2 * (kind)))
#define FIXED_WORDS (KW(BTF_KIND_INT, 1) | KW(BTF_KIND_ARRAY, 3) | KW(BTF_KIND_VAR, 1) | KW(BTF_KIND_DECL_TAG, 1))
#define VLEN_WORDS                                                                                       \
	(KW(BTF_KIND_STRUCT, 3) | KW(BTF_KIND_UNION, 3) | KW(BTF_KIND_ENUM, 2) | KW(BTF_KIND_FUNC_PROTO, 2) | \
	 KW(BTF_KIND_DATASEC, 3) | KW(BTF_KIND_ENUM64, 3))
#define KNOWN_KINDS (((1u << (BTF_KIND_MAX + 1)) - 1) & ~1u)

_Static_assert(sizeof(struct btf_array) == 12 && sizeof(struct btf_member) == 12 &&
		       sizeof(struct btf_enum) == 8 && sizeof(struct btf_param) == 8 &&
		       sizeof(struct btf_var_secinfo) == 12 && sizeof(struct btf_enum64) == 12,
	       "record sizes in FIXED_WORDS/VLEN_WORDS");

/* Record size for header word `info`, or 0 if the kind is unknown. */
static inline uint32_t rec_size(uint32_t info)
{
	unsigned kind = (info >> 24) & 0x1f;
	uint32_t words = (uint32_t)((FIXED_WORDS >> (2 * kind)) & 3) + (info & 0xffff) * (uint32_t)((VLEN_WORDS >> (2 * kind)) & 3);

	return (KNOWN_KINDS >> kind) & 1 ? REC_MIN + 4 * words : 0;
}

static inline uint32_t info_at(const uint8_t *types, uint32_t off)
{
	return ((const struct btf_type *)(types + off))->info;
}

/* One checked step of the true walk: the size of the record at `off` (type index `i`). */
static int step(const struct ebpf_btf *btf, uint32_t off, size_t i, uint32_t *rec)
{
	uint32_t len = btf->types_len;

	if (len - off < REC_MIN)
		return eb_err(-EINVAL, "BTF: type [%zu] at offset %u: record runs past the type section (%u bytes)",
			      btf->start_id + i, off, len);
	*rec = rec_size(info_at(btf->types, off));
	if (!*rec || *rec > len - off)
		return eb_err(-EINVAL, "BTF: type [%zu] at offset %u: unknown kind or records past the type section",
			      btf->start_id + i, off);
	if (btf->start_id + (uint64_t)i >= EB_BTF_MAX_ID)
		return eb_err(-EINVAL, "BTF: too many types");
	return 0;
}

/* The plain walk: one chain from the start. */
static int walk_plain(struct ebpf_btf *btf)
{
	uint32_t off = 0, len = btf->types_len, rec;
	size_t n = 0, cap = len / 24 + 16;	/* vmlinux averages ~25 bytes a type */
	uint32_t *offs = eb_malloc(cap * sizeof(*offs));
	int err;

	if (!offs)
		return -ENOMEM;
	while (off < len) {
		err = step(btf, off, n, &rec);
		if (!err && n == cap && eb_grow((void **)&offs, &cap, n + 1, sizeof(*offs)))
			err = -ENOMEM;
		if (err) {
			eb_free(offs);
			return err;
		}
		offs[n++] = off;
		off += rec;
	}
	btf->offs = offs;
	btf->nr = (uint32_t)n;
	return 0;
}

struct chain {
	uint32_t pos;	/* next record to visit; where the walk stopped once done */
	uint32_t end;	/* the walk stops at the first position >= end */
	size_t base;	/* its positions are out[base .. base + n) */
	size_t n, cap;
	bool stopped;	/* met a record it cannot step over (the true walk will say why) */
};

/* Whether a run of 4 records starting at `off` looks like kernel BTF headers. */
static bool plausible(const struct ebpf_btf *btf, uint32_t off)
{
	uint32_t len = btf->types_len, str_end = eb_btf_str_end(btf);

	for (int k = 0; k < 4; k++) {
		const struct btf_type *t = (const void *)(btf->types + off);
		uint32_t rec;

		if (len - off < REC_MIN || t->name_off >= str_end || (t->info & 0x60ff0000u))
			return false;
		rec = rec_size(t->info);
		if (!rec || rec > len - off)
			return false;
		off += rec;
	}
	return true;
}

/* Start of segment c: the first plausible boundary in a window after its nominal start. */
static uint32_t guess_start(const struct ebpf_btf *btf, unsigned c)
{
	uint32_t nominal = (uint32_t)((uint64_t)btf->types_len * c / CHAINS) & ~3u;

	for (uint32_t off = nominal; off < nominal + GUESS_WINDOW && btf->types_len - off > REC_MIN; off += 4)
		if (plausible(btf, off))
			return off;
	return nominal;
}

/* Advance every chain, interleaved, until each reaches its end or stops. */
static void walk_chains(const struct ebpf_btf *btf, struct chain *ch, uint32_t *out)
{
	const uint8_t *types = btf->types;
	uint32_t len = btf->types_len;
	unsigned live;

	do {
		live = 0;
		for (unsigned c = 0; c < CHAINS; c++) {
			struct chain *w = &ch[c];
			uint32_t off = w->pos, rec;

			if (w->stopped || off >= w->end)
				continue;
			rec = len - off < REC_MIN ? 0 : rec_size(info_at(types, off));
			if (!rec || rec > len - off || w->n == w->cap) {
				w->stopped = true;
				continue;
			}
			out[w->base + w->n++] = off;
			w->pos = off + rec;
			live++;
		}
	} while (live);
}

/*
 * Stitch the chains' positions into out[0..n) in place, from the true start.
 * Returns 1 if in-place stitching would overwrite positions not yet read (only
 * possible after wrong guesses): the caller then walks plainly.
 */
static int stitch(const struct ebpf_btf *btf, const struct chain *ch, uint32_t *out, size_t *nr)
{
	uint32_t len = btf->types_len, p = 0, rec;
	size_t n = 0;
	int err;

	for (unsigned c = 0; c < CHAINS; c++) {
		const struct chain *w = &ch[c];
		const uint32_t *list = out + w->base;
		size_t j = 0;

		while (p < len) {
			while (j < w->n && list[j] < p)
				j++;
			if (j < w->n && list[j] == p) {
				/* The true walk met this chain: the rest of its positions are true. */
				if (n > w->base + j)
					return 1;
				memmove(out + n, list + j, (w->n - j) * sizeof(*out));
				n += w->n - j;
				p = w->pos;
				break;
			}
			if (p >= w->end)
				break;
			/* Unread positions of this chain start at list[j] (or after its region). */
			if (n >= w->base + (j < w->n ? j : w->cap))
				return 1;
			err = step(btf, p, n, &rec);
			if (err)
				return err;
			out[n++] = p;
			p += rec;
		}
	}
	/* A stopped last chain leaves the rest to the true walk, which reports the error. */
	if (p < len) {
		err = step(btf, p, n, &rec);
		return err ? err : 1;
	}
	if (n && btf->start_id + (uint64_t)(n - 1) >= EB_BTF_MAX_ID)
		return eb_err(-EINVAL, "BTF: too many types");
	*nr = n;
	return 0;
}

int eb_btf_trusted_offsets(struct ebpf_btf *btf)
{
	struct chain ch[CHAINS];
	uint32_t len = btf->types_len, *out, *shrunk;
	size_t total = 0, n = 0;
	int err;

	if (len < PARALLEL_MIN)
		return walk_plain(btf);
	for (unsigned c = 0; c < CHAINS; c++)
		ch[c].pos = c ? guess_start(btf, c) : 0;
	for (unsigned c = 0; c < CHAINS; c++) {
		ch[c].end = c + 1 < CHAINS ? ch[c + 1].pos : len;
		if (ch[c].end < ch[c].pos)	/* a guess ran into the next window */
			ch[c].end = ch[c].pos;
		/* Records are at least 12 bytes: this many fit before `end`. */
		ch[c].cap = (ch[c].end - ch[c].pos) / REC_MIN + 1;
		ch[c].base = total;
		ch[c].n = 0;
		ch[c].stopped = false;
		total += ch[c].cap;
	}
	out = eb_malloc(total * sizeof(*out));
	if (!out)
		return -ENOMEM;
	walk_chains(btf, ch, out);
	err = stitch(btf, ch, out, &n);
	if (err) {
		eb_free(out);
		return err < 0 ? err : walk_plain(btf);
	}
	/* Keep only the table (~4 bytes a type); the scratch was sized for 12-byte records. */
	shrunk = eb_realloc(out, (n ? n : 1) * sizeof(*out));
	btf->offs = shrunk ? shrunk : out;
	btf->nr = (uint32_t)n;
	return 0;
}
