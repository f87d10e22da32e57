// SPDX-License-Identifier: BSD-2-Clause
/*
 * eb_btf_parse(): the screening pass (parse_screen.c) decides quickly whether
 * the BTF is valid; only when it is not does the checking pass here run: one
 * pass over the type section that checks every record and fills the id ->
 * offset table, then a second, cheap pass over the ids for what needs the whole
 * table (kinds of referenced types, reference cycles), stopping at the first
 * rule broken with a message that names the type and the rule.
 *
 * Validation is complete so that accessors (eb_btf_type(), member walks, ...)
 * can trust the data afterwards: sizes, kinds, every referenced id and every
 * string offset are checked here and nowhere else. Forward references are
 * legal, so "id in range" is checked once at the end against the largest id
 * seen (remembering which type made the reference, for the message).
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "btf/btf_internal.h"
#include "lib/alloc.h"
#include "lib/error.h"

/* Ids must stay representable as positive int32 (eb_btf_find returns them). */
#define EB_BTF_MAX_ID 0x7fffffffu

/* Rows of chars, not pointers: no relocation for each name in the object file. */
static const char kind_names[][11] = {
	"UNKN", "INT", "PTR", "ARRAY", "STRUCT", "UNION", "ENUM", "FWD", "TYPEDEF",
	"VOLATILE", "CONST", "RESTRICT", "FUNC", "FUNC_PROTO", "VAR", "DATASEC",
	"FLOAT", "DECL_TAG", "TYPE_TAG", "ENUM64",
};

const char *eb_btf_kind_name(unsigned kind)
{
	return kind <= BTF_KIND_MAX ? kind_names[kind] : "unknown";
}

/* State of the first pass. */
struct vstate {
	struct ebpf_btf *btf;
	size_t cap;
	uint32_t str_end;	/* first string offset past all strings (base included) */
	uint32_t max_ref;	/* largest type id referenced so far ... */
	uint32_t max_ref_by;	/* ... and the id of the type that referenced it */
	uint32_t *deferred;	/* ids the second pass must look at: */
	size_t nr_deferred, cap_deferred;
	uint32_t small_deferred[64];	/* in here until there are more (small objects: no allocation) */
};

static inline void note_ref(struct vstate *s, uint32_t id, uint32_t ref)
{
	if (ref > s->max_ref) {
		s->max_ref = ref;
		s->max_ref_by = id;
	}
}

static int bad(uint32_t id, const struct btf_type *t, const char *what)
{
	return eb_err(-EINVAL, "BTF: type [%u] %s: %s", id, eb_btf_kind_name(btf_kind(t)), what);
}

static int bad_str(uint32_t id, const struct btf_type *t, uint32_t off, uint32_t end)
{
	return eb_err(-EINVAL, "BTF: type [%u] %s: string offset %u past the string table (%u bytes)",
		      id, eb_btf_kind_name(btf_kind(t)), off, end);
}

#define CHECK_STR(off)                                                         \
	do {                                                                   \
		if ((off) >= s->str_end)                                       \
			return bad_str(id, t, (off), s->str_end);              \
	} while (0)

/*
 * A named kind must not use offset 0 (""). We do not read the string itself:
 * doing so for every type would pull the whole string table through the cache
 * for a property no accessor relies on.
 */
static inline bool nonempty_name(const struct vstate *s, const struct btf_type *t)
{
	(void)s;
	return t->name_off != 0;
}

/* Check one type's fixed fields and records (they are known to fit). */
static inline int check_type(struct vstate *s, uint32_t id, const struct btf_type *t)
{
	unsigned kind = btf_kind(t), vlen = btf_vlen(t);
	uint32_t i;

	CHECK_STR(t->name_off);
	switch (kind) {
	case BTF_KIND_INT: {
		uint32_t info = btf_int_info(t), enc = BTF_INT_ENCODING(info);

		if (vlen || btf_kflag(t))
			return bad(id, t, "vlen and kind_flag must be 0");
		if (t->size != 1 && t->size != 2 && t->size != 4 && t->size != 8 && t->size != 16)
			return bad(id, t, "size must be 1, 2, 4, 8 or 16");
		if (info & 0xf000ff00u)
			return bad(id, t, "reserved bits set in int encoding");
		if (BTF_INT_BITS(info) > 128 ||
		    BTF_INT_OFFSET(info) + BTF_INT_BITS(info) > t->size * 8)
			return bad(id, t, "bits/offset exceed the int's size");
		if (enc & (enc - 1) || enc > BTF_INT_BOOL)
			return bad(id, t, "encoding must be at most one of signed, char, bool");
		return 0;
	}
	case BTF_KIND_FLOAT:
		if (vlen || btf_kflag(t))
			return bad(id, t, "vlen and kind_flag must be 0");
		if (t->size != 2 && t->size != 4 && t->size != 8 && t->size != 12 && t->size != 16)
			return bad(id, t, "size must be 2, 4, 8, 12 or 16");
		if (!nonempty_name(s, t))
			return bad(id, t, "needs a name");
		return 0;
	case BTF_KIND_PTR: case BTF_KIND_TYPEDEF: case BTF_KIND_VOLATILE:
	case BTF_KIND_CONST: case BTF_KIND_RESTRICT: case BTF_KIND_TYPE_TAG:
		if (vlen)
			return bad(id, t, "vlen must be 0");
		if (kind == BTF_KIND_TYPEDEF && !nonempty_name(s, t))
			return bad(id, t, "needs a name");
		if (kind == BTF_KIND_TYPE_TAG && !nonempty_name(s, t))
			return bad(id, t, "needs a name");
		note_ref(s, id, t->type);
		return 0;
	case BTF_KIND_ARRAY: {
		const struct btf_array *a = btf_array_info(t);

		if (vlen || btf_kflag(t) || t->size)
			return bad(id, t, "vlen, kind_flag and size must be 0");
		if (!a->type)
			return bad(id, t, "element type is void");
		note_ref(s, id, a->type);
		note_ref(s, id, a->index_type);
		return 0;
	}
	case BTF_KIND_STRUCT: case BTF_KIND_UNION: {
		const struct btf_member *m = btf_members(t);

		for (i = 0; i < vlen; i++) {
			CHECK_STR(m[i].name_off);
			if (!m[i].type)
				return bad(id, t, "member of type void");
			note_ref(s, id, m[i].type);
			if ((uint64_t)btf_member_bit_offset(t, &m[i]) +
			    btf_member_bitfield_size(t, &m[i]) > (uint64_t)t->size * 8)
				return bad(id, t, "member lies past the end of the type");
		}
		return 0;
	}
	case BTF_KIND_ENUM: case BTF_KIND_ENUM64: {
		size_t rec = kind == BTF_KIND_ENUM ? sizeof(struct btf_enum) : sizeof(struct btf_enum64);
		const uint8_t *r = btf_type_extra(t);

		if (t->size != 1 && t->size != 2 && t->size != 4 && t->size != 8)
			return bad(id, t, "size must be 1, 2, 4 or 8");
		for (i = 0; i < vlen; i++) {
			uint32_t off;

			memcpy(&off, r + i * rec, 4);
			CHECK_STR(off);
		}
		return 0;
	}
	case BTF_KIND_FWD:
		if (vlen || t->type)
			return bad(id, t, "vlen and type must be 0");
		if (!nonempty_name(s, t))
			return bad(id, t, "needs a name");
		return 0;
	case BTF_KIND_FUNC:
		if (vlen > BTF_FUNC_EXTERN)
			return bad(id, t, "unknown linkage");
		if (!nonempty_name(s, t))
			return bad(id, t, "needs a name");
		if (!t->type)
			return bad(id, t, "has no prototype");
		note_ref(s, id, t->type);
		return 0;
	case BTF_KIND_FUNC_PROTO: {
		const struct btf_param *p = btf_params(t);

		if (t->name_off)
			return bad(id, t, "must be anonymous");
		note_ref(s, id, t->type);
		for (i = 0; i < vlen; i++) {
			CHECK_STR(p[i].name_off);
			/* type 0 is allowed only for a trailing "..." */
			if (!p[i].type && i + 1 != vlen)
				return bad(id, t, "void parameter before the last one");
			note_ref(s, id, p[i].type);
		}
		return 0;
	}
	case BTF_KIND_VAR:
		if (vlen || btf_kflag(t))
			return bad(id, t, "vlen and kind_flag must be 0");
		if (btf_var_info(t)->linkage > BTF_VAR_GLOBAL_EXTERN)
			return bad(id, t, "unknown linkage");
		if (!nonempty_name(s, t))
			return bad(id, t, "needs a name");
		if (!t->type)
			return bad(id, t, "of type void");
		note_ref(s, id, t->type);
		return 0;
	case BTF_KIND_DATASEC: {
		const struct btf_var_secinfo *v = btf_secinfos(t);

		if (!nonempty_name(s, t))
			return bad(id, t, "needs a name");
		for (i = 0; i < vlen; i++) {
			if (!v[i].type)
				return bad(id, t, "entry of type void");
			if ((uint64_t)v[i].offset + v[i].size > UINT32_MAX)
				return bad(id, t, "entry offset + size overflows");
			note_ref(s, id, v[i].type);
		}
		return 0;
	}
	case BTF_KIND_DECL_TAG:
		if (vlen)
			return bad(id, t, "vlen must be 0");
		if (!nonempty_name(s, t))
			return bad(id, t, "needs a name");
		if (((const struct btf_decl_tag *)btf_type_extra(t))->component_idx < -1)
			return bad(id, t, "component index below -1");
		if (!t->type)
			return bad(id, t, "tags void");
		note_ref(s, id, t->type);
		return 0;
	default:
		return eb_err(-EINVAL, "BTF: type [%u]: unknown kind %u", id, kind);
	}
}

static inline int append_off(struct vstate *s, uint32_t off)
{
	struct ebpf_btf *btf = s->btf;

	if (btf->nr == s->cap && btf->start_id + (uint64_t)btf->nr >= EB_BTF_MAX_ID)
		return eb_err(-EINVAL, "BTF: too many types");
	if (btf->nr == s->cap && eb_grow((void **)&btf->offs, &s->cap, (size_t)btf->nr + 1, sizeof(uint32_t)))
		return -ENOMEM;
	btf->offs[btf->nr++] = off;
	return 0;
}

/* Kinds whose referenced types must be of particular kinds (eb_btf_check_ref_kind). */
#define REF_KIND_CHECKED ((1u << BTF_KIND_FUNC) | (1u << BTF_KIND_DATASEC) | (1u << BTF_KIND_DECL_TAG))

/*
 * Whether type `id` needs the second pass. A reference cycle needs at least one
 * edge to an id >= its own (ids strictly fall along backward edges), and a
 * backward reference can have its kind checked right now: so only types with a
 * forward reference are looked at again. Returns 1 (defer), 0, or an error.
 */
static inline int defer_or_check(const struct ebpf_btf *btf, uint32_t id, const struct btf_type *t)
{
	unsigned kind = btf_kind(t);

	/* Rare kinds whose checks look two levels deep: always later. */
	if (kind == BTF_KIND_DATASEC || kind == BTF_KIND_DECL_TAG)
		return 1;
	if (!eb_btf_chain_kind(kind) || eb_btf_chain_next(t) >= id)
		return eb_btf_chain_kind(kind);
	return (REF_KIND_CHECKED >> kind) & 1 ? eb_btf_check_ref_kind(btf, id, t) : 0;
}

static int push_deferred(struct vstate *s, uint32_t id)
{
	if (s->nr_deferred == s->cap_deferred) {
		uint32_t *v = s->deferred == s->small_deferred ? NULL : s->deferred;

		if (eb_grow((void **)&v, &s->cap_deferred, s->nr_deferred + 1, sizeof(*v)))
			return -ENOMEM;
		if (s->deferred == s->small_deferred)
			memcpy(v, s->small_deferred, sizeof(s->small_deferred));
		s->deferred = v;
	}
	s->deferred[s->nr_deferred++] = id;
	return 0;
}

static int first_pass(struct vstate *s)
{
	struct ebpf_btf *btf = s->btf;
	uint32_t off = 0, len = btf->types_len;
	int err;

	/* Types are at least 12 bytes: guess ~40 per type, then grow. */
	s->cap = len / 40 + 16;
	btf->datasecs_listed = true;
	btf->offs = eb_malloc(s->cap * sizeof(uint32_t));
	if (!btf->offs)
		return -ENOMEM;
	while (off < len) {
		uint32_t id = btf->start_id + btf->nr;
		const struct btf_type *t = (const void *)(btf->types + off);
		size_t extra;

		if (len - off < sizeof(*t))
			return eb_err(-EINVAL, "BTF: type [%u] at offset %u: record runs past the type section (%u bytes)",
				      id, off, len);
		if (btf_kind(t) == BTF_KIND_UNKN || btf_kind(t) > BTF_KIND_MAX)
			return eb_err(-EINVAL, "BTF: type [%u] at offset %u: unknown kind %u", id, off, btf_kind(t));
		extra = eb_btf_extra_size(t);
		if (extra > len - off - sizeof(*t))
			return eb_err(-EINVAL, "BTF: type [%u] %s at offset %u: %zu bytes of records run past the type section (%u bytes)",
				      id, eb_btf_kind_name(btf_kind(t)), off, extra, len);
		err = append_off(s, off);
		if (err)
			return err;
		if (btf_kind(t) == BTF_KIND_DATASEC) {
			if (btf->nr_datasecs < EB_BTF_LISTED_DATASECS)
				btf->datasec_ids[btf->nr_datasecs++] = id;
			else
				btf->datasecs_listed = false;
		}
		err = check_type(s, id, t);
		if (err)
			return err;
		err = defer_or_check(btf, id, t);
		if (err > 0)
			err = push_deferred(s, id);
		if (err)
			return err;
		off += sizeof(*t) + (uint32_t)extra;
	}
	if (s->max_ref >= btf->start_id + btf->nr)
		return eb_err(-EINVAL, "BTF: type [%u]: references type id %u out of range (last id %u)",
			      s->max_ref_by, s->max_ref, btf->start_id + btf->nr - 1);
	return 0;
}

/*
 * Walk the chain of modifiers/typedefs/pointers/arrays starting at `id`. A walk
 * that meets a type still ON_PATH went round in a circle. Each id is walked at
 * most twice overall (mark, then settle), so the pass is linear.
 */
int eb_btf_walk_chain(const struct ebpf_btf *btf, uint8_t *state, uint32_t id)
{
	uint32_t cur = id, first = btf->start_id;

	while (cur >= first && state[cur - first] == EB_CHAIN_UNSEEN) {
		const struct btf_type *t = eb_btf_own_type(btf, cur);

		if (!eb_btf_chain_kind(btf_kind(t)))
			break;
		state[cur - first] = EB_CHAIN_ON_PATH;
		cur = eb_btf_chain_next(t);
	}
	if (cur >= first && state[cur - first] == EB_CHAIN_ON_PATH)
		return eb_err(-EINVAL, "BTF: type [%u] %s: reference cycle through type [%u]", id,
			      eb_btf_kind_name(btf_kind(eb_btf_type(btf, id))), cur);
	for (cur = id; cur >= first && state[cur - first] == EB_CHAIN_ON_PATH;) {
		state[cur - first] = EB_CHAIN_DONE;
		cur = eb_btf_chain_next(eb_btf_own_type(btf, cur));
	}
	return 0;
}

int eb_btf_check_ref_kind(const struct ebpf_btf *btf, uint32_t id, const struct btf_type *t)
{
	const struct btf_type *r;
	unsigned i;

	switch (btf_kind(t)) {
	case BTF_KIND_FUNC:
		r = eb_btf_type(btf, t->type);
		if (!r || btf_kind(r) != BTF_KIND_FUNC_PROTO)
			return eb_err(-EINVAL, "BTF: type [%u] FUNC '%s': type [%u] is not a FUNC_PROTO",
				      id, eb_btf_name(btf, t), t->type);
		return 0;
	case BTF_KIND_DATASEC:
		for (i = 0; i < btf_vlen(t); i++) {
			unsigned k;

			r = eb_btf_type(btf, btf_secinfos(t)[i].type);
			k = btf_kind(r);
			if (k != BTF_KIND_VAR && k != BTF_KIND_FUNC)
				return eb_err(-EINVAL, "BTF: type [%u] DATASEC '%s': entry %u is a %s, not a VAR or FUNC",
					      id, eb_btf_name(btf, t), i, eb_btf_kind_name(k));
		}
		return 0;
	case BTF_KIND_DECL_TAG: {
		int32_t comp = ((const struct btf_decl_tag *)btf_type_extra(t))->component_idx;
		unsigned k;

		r = eb_btf_type(btf, t->type);
		k = btf_kind(r);
		if (comp == -1)
			return 0;
		if ((k != BTF_KIND_STRUCT && k != BTF_KIND_UNION && k != BTF_KIND_FUNC) ||
		    (k == BTF_KIND_FUNC && (uint32_t)comp >= btf_vlen(eb_btf_type(btf, r->type))) ||
		    (k != BTF_KIND_FUNC && (uint32_t)comp >= btf_vlen(r)))
			return eb_err(-EINVAL, "BTF: type [%u] DECL_TAG '%s': component %d of type [%u] does not exist",
				      id, eb_btf_name(btf, t), comp, t->type);
		return 0;
	}
	default:
		return 0;
	}
}

static int second_pass(struct ebpf_btf *btf, const uint32_t *ids, size_t n)
{
	uint8_t small[256], *state;
	int err = 0;

	if (!n)
		return 0;
	/* one byte per type: on the stack for small objects */
	state = btf->nr <= sizeof(small) ? memset(small, 0, btf->nr) : eb_calloc(btf->nr, 1);
	if (!state)
		return -ENOMEM;
	for (size_t i = 0; i < n && !err; i++) {
		uint32_t id = ids[i];
		const struct btf_type *t = eb_btf_own_type(btf, id);
		unsigned kind = btf_kind(t);

		if (eb_btf_chain_kind(kind) && state[id - btf->start_id] == EB_CHAIN_UNSEEN)
			err = eb_btf_walk_chain(btf, state, id);
		if (!err && (REF_KIND_CHECKED >> kind) & 1)
			err = eb_btf_check_ref_kind(btf, id, t);
	}
	if (state != small)
		eb_free(state);
	return err;
}

static int check_header(struct ebpf_btf *btf, const struct btf_header *h, size_t size)
{
	uint64_t tstart, tend, sstart, send;

	if (h->version != BTF_VERSION)
		return eb_err(-EINVAL, "BTF: unsupported version %u", h->version);
	if (h->flags)
		return eb_err(-EINVAL, "BTF: unsupported header flags 0x%x", h->flags);
	if (h->hdr_len < sizeof(*h) || h->hdr_len > size)
		return eb_err(-EINVAL, "BTF: header length %u outside 24..%zu (blob size)", h->hdr_len, size);
	for (size_t i = sizeof(*h); i < h->hdr_len; i++)
		if (btf->raw[i])
			return eb_err(-EINVAL, "BTF: unknown non-zero header byte at offset %zu", i);
	tstart = (uint64_t)h->hdr_len + h->type_off;
	tend = tstart + h->type_len;
	sstart = (uint64_t)h->hdr_len + h->str_off;
	send = sstart + h->str_len;
	if (tend > size)
		return eb_err(-EINVAL, "BTF: type section (offset %u, length %u) runs past the end of the %zu-byte blob",
			      h->type_off, h->type_len, size);
	if (send > size)
		return eb_err(-EINVAL, "BTF: string section (offset %u, length %u) runs past the end of the %zu-byte blob",
			      h->str_off, h->str_len, size);
	if (tstart % 4 || h->type_len % 4)
		return eb_err(-EINVAL, "BTF: type section (offset %u, length %u) is not 4-byte aligned",
			      h->type_off, h->type_len);
	if (tstart < send && sstart < tend)
		return eb_err(-EINVAL, "BTF: type and string sections overlap");
	btf->hdr_len = h->hdr_len;
	btf->types = btf->raw + tstart;
	btf->types_len = h->type_len;
	btf->strs = (const char *)btf->raw + sstart;
	btf->strs_len = h->str_len;
	if (!btf->base && (!h->str_len || btf->strs[0]))
		return eb_err(-EINVAL, "BTF: string table must start with an empty string");
	if (h->str_len && btf->strs[h->str_len - 1])
		return eb_err(-EINVAL, "BTF: string table is not NUL-terminated");
	if ((uint64_t)btf->start_str + h->str_len > UINT32_MAX)
		return eb_err(-EINVAL, "BTF: string table too large");
	return 0;
}

atomic_uint eb_btf_screen_suspects;

/*
 * The checking pass: every rule in order, stopping at the first that fails
 * with the message that names it. Run alone by eb_btf_parse_checked(), and by
 * eb_btf_parse() only when the screening pass (parse_screen.c) found something
 * wrong, which puts the same error on the same input at a fraction of the cost.
 */
static int check_all(struct ebpf_btf *btf)
{
	struct vstate s = { .btf = btf, .cap_deferred = 64 };
	int err;

	s.deferred = s.small_deferred;
	s.str_end = eb_btf_str_end(btf);
	err = first_pass(&s);
	if (!err)
		err = second_pass(btf, s.deferred, s.nr_deferred);
	if (s.deferred != s.small_deferred)
		eb_free(s.deferred);
	return err;
}

enum validation { CHECK_ALL, SCREEN_FIRST, TRUSTED };

static int validate(struct ebpf_btf *btf, enum validation how)
{
	struct btf_header h;
	int err;

	memcpy(&h, btf->raw, sizeof(h));
	err = check_header(btf, &h, btf->raw_size);
	if (err)
		return err;
	if (how == TRUSTED)
		return eb_btf_build_offsets(btf);
	if (how == SCREEN_FIRST) {
		err = eb_btf_screen(btf);
		if (err <= 0)
			return err;
		/* Suspect: start over with the checking pass, which words the error. */
		atomic_fetch_add_explicit(&eb_btf_screen_suspects, 1, memory_order_relaxed);
		eb_free(btf->offs);
		btf->offs = NULL;
		btf->nr = 0;
		btf->nr_datasecs = 0;
		btf->datasecs_listed = false;
	}
	return check_all(btf);
}

static int parse(const void *data, size_t size, struct ebpf_btf *base, enum eb_btf_mem mem,
		 enum validation how, struct ebpf_btf **out);

int eb_btf_parse(const void *data, size_t size, struct ebpf_btf *base, enum eb_btf_mem mem,
		 struct ebpf_btf **out)
{
	return parse(data, size, base, mem, SCREEN_FIRST, out);
}

int eb_btf_parse_checked(const void *data, size_t size, struct ebpf_btf *base, enum eb_btf_mem mem,
			 struct ebpf_btf **out)
{
	return parse(data, size, base, mem, CHECK_ALL, out);
}

int eb_btf_parse_trusted(const void *data, size_t size, struct ebpf_btf *base, enum eb_btf_mem mem,
			 struct ebpf_btf **out)
{
	return parse(data, size, base, mem, TRUSTED, out);
}

static int parse(const void *data, size_t size, struct ebpf_btf *base, enum eb_btf_mem mem,
		 enum validation how, struct ebpf_btf **out)
{
	struct ebpf_btf *btf;
	uint16_t magic;
	bool swap;
	int err;

	*out = NULL;
	if (!data || size < sizeof(struct btf_header))
		return eb_err(-EINVAL, "BTF: %zu bytes is too short for a header", data ? size : 0);
	memcpy(&magic, data, 2);
	swap = magic == __builtin_bswap16(BTF_MAGIC);
	if (magic != BTF_MAGIC && !swap)
		return eb_err(-EINVAL, "BTF: bad magic 0x%04x (expected 0xeb9f)", magic);
	if (size > UINT32_MAX)
		return eb_err(-EINVAL, "BTF: %zu bytes is too large", size);

	/*
	 * malloc and one assignment, not calloc and pthread_mutex_init(): glibc's
	 * calloc skips the thread cache, which made it ~4x a malloc here (~190
	 * instructions of a one-program object's open).
	 */
	btf = eb_malloc(sizeof(*btf));
	if (!btf)
		return -ENOMEM;
	*btf = (struct ebpf_btf){
		.refcnt = 1,
		.raw_size = size,
		.swapped = swap,
		.index_lock = PTHREAD_MUTEX_INITIALIZER,
		.base = eb_btf_get(base),
		.start_id = base ? eb_btf_type_cnt(base) : 1,
		.start_str = base ? eb_btf_str_end(base) : 0,
	};
	/* Records are read as u32 structs: a misaligned borrowed buffer is copied too. */
	if (swap || mem == EB_BTF_COPY || ((uintptr_t)data & 3)) {
		btf->owned = eb_memdup(data, size);
		if (!btf->owned) {
			err = -ENOMEM;
			goto fail;
		}
		btf->raw = btf->owned;
		if (swap && (err = eb_btf_swap(btf->owned, size)))
			goto fail;
	} else {
		btf->raw = data;
	}
	/* A foreign-order blob was not produced by the running kernel: never trusted. */
	err = validate(btf, how == TRUSTED && swap ? SCREEN_FIRST : how);
	if (err)
		goto fail;
	*out = btf;
	return 0;
fail:
	eb_btf_put(btf);
	return err;
}
