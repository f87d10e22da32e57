/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Internal to btf/: the layout of struct ebpf_btf. Other folders use btf/btf.h only.
 */
#ifndef EB_BTF_INTERNAL_H
#define EB_BTF_INTERNAL_H

#include <pthread.h>
#include <stdatomic.h>

#include "btf/btf.h"

struct eb_btf_index;
struct eb_btf_kinds;
struct eb_btf_segs;

struct ebpf_btf {
	atomic_uint refcnt;
	/* The whole blob in host byte order; one of owned/map (or neither: borrowed). */
	const uint8_t *raw;
	size_t raw_size;
	void *owned;		/* eb_malloc'd copy we free */
	void *map;		/* mmap'd file we munmap */
	size_t map_size;

	uint32_t hdr_len;
	const uint8_t *types;	/* type section */
	uint32_t types_len;
	const char *strs;	/* string section (this BTF's own strings) */
	uint32_t strs_len;

	/*
	 * Offsets into `types` of this BTF's own ids, start_id..start_id+nr-1:
	 * one table (offs), or, for big trusted BTF walked in parts, the parts'
	 * own slices (segs, offs NULL; see below). Read them with eb_btf_off() or
	 * run by run with eb_btf_run().
	 */
	uint32_t *offs;
	struct eb_btf_segs *segs;
	uint32_t nr;
	uint32_t start_id;	/* 1, or base's type count */
	uint32_t start_str;	/* 0, or base's total string length */
	struct ebpf_btf *base;	/* referenced, for split BTF */
	bool swapped;
	char *name;		/* kernel module name for module BTF, else NULL */

	/*
	 * Ids of the DATASECs, recorded by full validation (not by the trusted
	 * kernel walk): the loader looks up ".maps", ".data", ".kconfig", ... by
	 * name, and a list of a handful beats a scan over every type. Valid only
	 * when datasecs_listed (at most EB_BTF_LISTED_DATASECS of them).
	 */
#define EB_BTF_LISTED_DATASECS 8
	uint32_t datasec_ids[EB_BTF_LISTED_DATASECS];
	uint8_t nr_datasecs;
	bool datasecs_listed;

	/* Name index: built on first lookup, published once under index_lock. */
	pthread_mutex_t index_lock;
	struct eb_btf_index *_Atomic index;
	atomic_uint scans;	/* exact lookups answered by a linear scan so far */
	/* Type indexes grouped by kind (kind_lists.c): built by the first kind-filtered scan. */
	struct eb_btf_kinds *_Atomic kinds;
};

/*
 * Tests: read kernel BTF from `dir` instead of /sys/kernel/btf (NULL restores it)
 * and drop the cached kernel BTF so the next lookup re-reads. Not thread-safe
 * against concurrent lookups; for test set-up only.
 */
void eb_btf_kernel_set_dir(const char *dir);
/* Drop the process-wide cache's references (users keep theirs). */
void eb_btf_kernel_flush(void);

/*
 * Trust decision: BTF the running kernel exposes in /sys/kernel/btf/ was produced
 * with the kernel and validated by the kernel itself (at boot for vmlinux, at
 * load for a module) before it was published; re-validating it costs more than
 * everything a load then asks of it. For that BTF only, eb_btf_parse_trusted()
 * builds just the id -> offset table (header and record bounds still checked);
 * the semantic checks (kinds, referenced ids, string offsets, cycles) are
 * skipped. Any BTF read from another path, from an object, or in the foreign
 * byte order gets the full eb_btf_parse() validation.
 */
int eb_btf_parse_trusted(const void *data, size_t size, struct ebpf_btf *base, enum eb_btf_mem mem,
			 struct ebpf_btf **out);
/*
 * The id -> offset table (btf->offs, btf->nr) of header-checked BTF, sizing
 * records only (offsets.c): the trusted parse's whole per-type work.
 */
int eb_btf_build_offsets(struct ebpf_btf *btf);
/* Tables built by the parted walk, not its one-chain fallback (tests: the fast path is taken). */
extern atomic_uint eb_btf_parted_walks;
/* Free the table eb_btf_build_offsets() or the full parse made. */
void eb_btf_free_offsets(struct ebpf_btf *btf);

/*
 * The table of a BTF walked in parts (offsets.c) stays in the slices the parts
 * wrote, one segment each, rather than being copied together: that copy, and
 * the fresh pages it writes, were ~40 us of a ~300 us kernel-BTF open. Every
 * segment but the last holds at least 2^EB_BTF_SEG_SHIFT ids, so a bucket of
 * that many ids straddles at most one segment boundary: bucket[] names the
 * segment at the bucket's start, one comparison settles the rest.
 */
#define EB_BTF_SEGS 8
#define EB_BTF_SEG_SHIFT 9
struct eb_btf_segs {
	void *mem;				/* the slices' one allocation */
	unsigned n;				/* segments */
	uint32_t first[EB_BTF_SEGS + 1];	/* index (id - start_id) of each one's first id; first[n] = nr */
	const uint32_t *offs[EB_BTF_SEGS];	/* segment k's entries, offs[k][idx - first[k]] */
	uint8_t bucket[];			/* segment holding index b << EB_BTF_SEG_SHIFT */
};

/* Offset in btf->types of own index `idx` (id - start_id, < nr). */
static inline uint32_t eb_btf_off(const struct ebpf_btf *btf, uint32_t idx)
{
	const struct eb_btf_segs *s = btf->segs;
	unsigned k;

	if (!s)
		return btf->offs[idx];
	k = s->bucket[idx >> EB_BTF_SEG_SHIFT];
	k += idx >= s->first[k + 1];
	return s->offs[k][idx - s->first[k]];
}

/*
 * The table as runs of consecutive entries, for loops over every own type:
 * run r (< eb_btf_runs()) holds indexes *first .. *first + *n - 1.
 */
static inline unsigned eb_btf_runs(const struct ebpf_btf *btf)
{
	return btf->segs ? btf->segs->n : 1;
}

static inline const uint32_t *eb_btf_run(const struct ebpf_btf *btf, unsigned r, uint32_t *first, uint32_t *n)
{
	if (!btf->segs) {
		*first = 0;
		*n = btf->nr;
		return btf->offs;
	}
	*first = btf->segs->first[r];
	*n = btf->segs->first[r + 1] - *first;
	return btf->segs->offs[r];
}
/* eb_btf_load_file() for a file of the running kernel's /sys/kernel/btf (see above). */
int eb_btf_load_kernel_file(const char *path, struct ebpf_btf *base, struct ebpf_btf **out);

/*
 * Validation of untrusted BTF (parse.c, parse_screen.c). eb_btf_parse() first
 * runs eb_btf_screen(): every rule of the checking pass, folded into a few
 * accumulators, building btf->offs (and the DATASEC list) on the way; it
 * returns 0 (valid), 1 (suspect: any message set is not the one kept) or -ENOMEM, and needs a
 * header-checked btf with offs NULL. On "suspect" the table is dropped and the
 * checking pass runs from scratch to find and word the first broken rule, so
 * a malformed blob gets the same error either way. Rule for changes: the
 * screening pass may say "suspect" for valid input (it only costs time) but
 * must never accept what the checking pass refuses; a rule added to one pass
 * goes into both (tests/unit/bv_screen.c holds them to it).
 */
int eb_btf_screen(struct ebpf_btf *btf);

/*
 * The rules both passes apply after the walk, to the few types it sets aside
 * (parse.c): one copy serves both. Each returns 0 or -EINVAL with the message
 * set; the screen only takes the verdict (on "suspect" the checking pass runs
 * and words the error again). Ids and their references are known in range.
 */
/* Kinds whose `type` (ARRAY: element) is followed when resolving: their chains must end, not cycle. */
#define EB_BTF_CHAIN_KINDS                                                                         \
	((1u << BTF_KIND_PTR) | (1u << BTF_KIND_TYPEDEF) | (1u << BTF_KIND_VOLATILE) |             \
	 (1u << BTF_KIND_CONST) | (1u << BTF_KIND_RESTRICT) | (1u << BTF_KIND_TYPE_TAG) |           \
	 (1u << BTF_KIND_ARRAY) | (1u << BTF_KIND_VAR) | (1u << BTF_KIND_FUNC) | (1u << BTF_KIND_DECL_TAG))

static inline bool eb_btf_chain_kind(unsigned kind)
{
	return (EB_BTF_CHAIN_KINDS >> kind) & 1;
}

static inline uint32_t eb_btf_chain_next(const struct btf_type *t)
{
	return btf_kind(t) == BTF_KIND_ARRAY ? btf_array_info(t)->type : t->type;
}

/* eb_btf_type() for an id known to be this BTF's own (no base walk, no check). */
static inline const struct btf_type *eb_btf_own_type(const struct ebpf_btf *btf, uint32_t id)
{
	return (const void *)(btf->types + btf->offs[id - btf->start_id]);
}

/* States of eb_btf_walk_chain()'s array: one byte per own type, zeroed before the first walk. */
enum { EB_CHAIN_UNSEEN = 0, EB_CHAIN_ON_PATH = 1, EB_CHAIN_DONE = 2 };
/* The chain from `id` must end: a reference cycle is refused. Linear over all calls. */
int eb_btf_walk_chain(const struct ebpf_btf *btf, uint8_t *state, uint32_t id);
/* A FUNC's, DATASEC's or DECL_TAG's referenced types must be of the kinds it needs. */
int eb_btf_check_ref_kind(const struct ebpf_btf *btf, uint32_t id, const struct btf_type *t);
/* eb_btf_parse() with the checking pass alone (tests and fuzzing compare the two). */
int eb_btf_parse_checked(const void *data, size_t size, struct ebpf_btf *base, enum eb_btf_mem mem,
			 struct ebpf_btf **out);
/* Parses whose screening said "suspect" (tests: the fast path is taken for valid input). */
extern atomic_uint eb_btf_screen_suspects;

/* Byte-swap a foreign-order BTF blob in place (bounds-checked walk). */
int eb_btf_swap(uint8_t *data, size_t size);

/* Release the name index (index.c). */
void eb_btf_index_free(struct eb_btf_index *idx);

/*
 * Per-kind type lists (kind_lists.c): built on first call (under index_lock),
 * NULL on no memory. eb_btf_kinds_of gives kind's indexes (id - start_id) in
 * ascending order and their count.
 */
const struct eb_btf_kinds *eb_btf_kinds_get(const struct ebpf_btf *btf);
const uint32_t *eb_btf_kinds_of(const struct eb_btf_kinds *k, unsigned kind, uint32_t *cnt);
void eb_btf_kinds_free(struct eb_btf_kinds *k);

/* Total string length of btf and its bases (the first offset past the last string). */
static inline uint32_t eb_btf_str_end(const struct ebpf_btf *btf)
{
	return btf->start_str + btf->strs_len;
}

/* Whether a kind's `type` field refers to another type. */
static inline bool eb_btf_kind_has_ref(unsigned kind)
{
	switch (kind) {
	case BTF_KIND_PTR: case BTF_KIND_TYPEDEF: case BTF_KIND_VOLATILE:
	case BTF_KIND_CONST: case BTF_KIND_RESTRICT: case BTF_KIND_FUNC:
	case BTF_KIND_FUNC_PROTO: case BTF_KIND_VAR: case BTF_KIND_DECL_TAG:
	case BTF_KIND_TYPE_TAG:
		return true;
	default:
		return false;
	}
}

/* Size in bytes of the records that follow a btf_type of this kind (no bounds check). */
static inline size_t eb_btf_extra_size(const struct btf_type *t)
{
	size_t vlen = btf_vlen(t);

	switch (btf_kind(t)) {
	case BTF_KIND_INT: return 4;
	case BTF_KIND_ARRAY: return sizeof(struct btf_array);
	case BTF_KIND_STRUCT: case BTF_KIND_UNION: return vlen * sizeof(struct btf_member);
	case BTF_KIND_ENUM: return vlen * sizeof(struct btf_enum);
	case BTF_KIND_FUNC_PROTO: return vlen * sizeof(struct btf_param);
	case BTF_KIND_VAR: return sizeof(struct btf_var);
	case BTF_KIND_DATASEC: return vlen * sizeof(struct btf_var_secinfo);
	case BTF_KIND_DECL_TAG: return sizeof(struct btf_decl_tag);
	case BTF_KIND_ENUM64: return vlen * sizeof(struct btf_enum64);
	default: return 0;
	}
}

#endif
