// SPDX-License-Identifier: BSD-2-Clause
/*
 * The fast screening pass of eb_btf_parse(): the same rules as the checking
 * pass in parse.c, answered only as "all good" or "something is wrong here".
 *
 * Why two validators: an object compiled against a full vmlinux.h carries
 * thousands of types and ten thousand members, and checking them one
 * condition, one branch and one message at a time was ~170 instructions a type,
 * 97% of opening such an object. Valid input is the case to make fast; only
 * invalid input needs to know which rule failed first. So this pass folds the
 * per-record conditions into a few accumulators (largest string offset, largest
 * referenced id, largest referenced id minus one for references that must not be
 * void, an OR of failed fixed-field checks) that are compared once, at the end
 * of the section, and builds the id -> offset table on the way. The members of
 * STRUCT/UNIONs are folded into the same accumulators as the walk meets them
 * (members()). Whenever it says "suspect", parse.c throws its
 * table away and runs the checking pass from scratch, which finds the first
 * failing rule in the same order as before and words the message; so errors are
 * exactly what they were, and valid input never pays for the messages.
 *
 * The one property that matters: this pass must never accept what the checking
 * pass refuses (a false "suspect" only costs time). tests/unit/bv_screen.c holds
 * both passes to that on mutated blobs.
 *
 * We measured the other route, validating each type lazily on first access:
 * it saves the remaining ~25 instructions a type at open, but every accessor
 * (and every direct reader of btf->offs in btf/, lib/ and relo/) would then have
 * to pass a gate and handle a type refused late, and a full load touches every
 * type anyway (the BTF is sanitized and sent). Eager, complete validation keeps
 * the rule that a parsed BTF is trustworthy everywhere.
 */
#include <errno.h>
#include <string.h>

#include "btf/btf_internal.h"
#include "lib/alloc.h"

/*
 * The member rules: every member of every STRUCT/UNION has a name offset
 * (folded into a maximum), a non-void type (its id minus one folded into a
 * maximum, so void wraps to the top) and ends inside its type (bit offset,
 * plus the bitfield size under kind_flag, at most size * 8). An object built
 * against a full vmlinux.h has ten thousand members, folded where the walk
 * meets their type: a separate pass over a list of the STRUCT/UNIONs after the
 * walk (kept for an AVX2 loop since dropped) cost ~11 K more of a 629 K-instruction
 * open of such an object, and testing kind_flag per member instead of once per
 * type another ~25 K. (The AVX2 loop, 8 members a step, had saved ~26 K; it
 * was dropped for the 5 KiB it added to the archive and the run-time CPU dispatch.)
 */
static inline uint32_t umax(uint32_t a, uint32_t b)
{
	return a > b ? a : b;
}

/* The sizes an INT / FLOAT / ENUM may have, as bit masks over the size (tests are ORed, not branched on). */
#define INT_SIZES ((1u << 1) | (1u << 2) | (1u << 4) | (1u << 8) | (1u << 16))
#define FLOAT_SIZES ((1u << 2) | (1u << 4) | (1u << 8) | (1u << 12) | (1u << 16))
#define ENUM_SIZES ((1u << 1) | (1u << 2) | (1u << 4) | (1u << 8))
/* Non-zero unless `size` is one of `mask`'s (no mask allows 32 or more). */
#define SIZE_NOT_IN(mask, size) (((size) & ~31u) | ((~(mask) >> ((size) & 31)) & 1))
/* The int encodings allowed, as a mask over the 4-bit encoding: none, SIGNED, CHAR, BOOL. */
#define ENCODINGS ((1u << 0) | (1u << BTF_INT_SIGNED) | (1u << BTF_INT_CHAR) | (1u << BTF_INT_BOOL))
/* The vlen and kind_flag bits of `info`. */
#define VLEN_KFLAG 0x8000ffffu

/* Ids must stay representable as positive int32 (as in parse.c). */
#define SCREEN_MAX_ID 0x7fffffffu

/* What the first step folds every record into; locals of screen_records(), so registers. */
struct folds {
	uint32_t max_name;	/* largest string offset used */
	/* Largest (id - 1) referenced where void is not allowed: void (0) wraps to UINT32_MAX. */
	uint32_t max_ref1;
	uint32_t max_refv;	/* largest id referenced where void is allowed */
	uint32_t bad;		/* non-zero once a fixed-field rule failed */
};

/*
 * One type's members, folded into the walk's accumulators; kflag is a
 * constant at each call, so the loop carries no test of it.
 */
static inline __attribute__((always_inline)) void members(struct folds *s, const struct btf_type *t, bool kflag)
{
	const struct btf_member *m = btf_members(t), *end = m + btf_vlen(t);
	uint32_t names = s->max_name, types = s->max_ref1, bits = 0;

	for (; m < end; m++) {
		names = umax(names, m->name_off);
		types = umax(types, m->type - 1);
		/* kind_flag: bit offset + bitfield size, 24 + 8 bits, cannot wrap */
		bits = umax(bits, kflag ? BTF_MEMBER_BIT_OFFSET(m->offset) + BTF_MEMBER_BITFIELD_SIZE(m->offset)
				      : m->offset);
	}
	s->max_name = names;
	s->max_ref1 = types;
	s->bad |= (uint64_t)bits > (uint64_t)t->size * 8;
}

/*
 * What the second step looks at again: chain edges to an id >= their own
 * (`from` and its `to`, so the step reads no record to find them), and the
 * FUNC, DATASEC and DECL_TAG ids whose referenced kinds are checked.
 */
struct edge {
	uint32_t from, to;
};
struct todo {
	struct edge *edges;
	size_t nr_edges, cap_edges;
	uint32_t *refs;
	size_t nr_refs, cap_refs;
	/* in here until there are more (small objects: no allocation) */
	struct edge small_edges[32];
	uint32_t small_refs[16];
};

/*
 * Grow *v (whose first storage is `small`, not to be freed) to hold one more
 * element. Called only when full.
 */
static int grow_list(void **v, size_t *cap, size_t nr, void *small, size_t elem)
{
	void *p = *v == small ? NULL : *v;

	if (eb_grow(&p, cap, nr + 1, elem))
		return -ENOMEM;
	if (*v == small)
		memcpy(p, small, nr * elem);
	*v = p;
	return 0;
}

static inline __attribute__((always_inline)) int add_edge(struct todo *td, uint32_t from, uint32_t to)
{
	if (td->nr_edges == td->cap_edges &&
	    grow_list((void **)&td->edges, &td->cap_edges, td->nr_edges, td->small_edges, sizeof(struct edge)))
		return -ENOMEM;
	td->edges[td->nr_edges++] = (struct edge){ from, to };
	return 0;
}

/*
 * Set-asides of the rarer kinds: called, not inlined at each of their sites
 * (the pointer-like kinds, most of them, share one inlined site).
 */
static __attribute__((noinline)) int push_edge(struct todo *td, uint32_t from, uint32_t to)
{
	return add_edge(td, from, to);
}

static __attribute__((noinline)) int push_ref(struct todo *td, uint32_t id)
{
	if (td->nr_refs == td->cap_refs &&
	    grow_list((void **)&td->refs, &td->cap_refs, td->nr_refs, td->small_refs, sizeof(uint32_t)))
		return -ENOMEM;
	td->refs[td->nr_refs++] = id;
	return 0;
}

/* FUNC_PROTO: anonymous; only the last parameter may be void ("..."). */
static inline void screen_params(struct folds *s, const struct btf_type *t, uint32_t vlen)
{
	const struct btf_param *p = btf_params(t);
	uint32_t names = 0, types = 0;

	s->bad |= t->name_off;
	s->max_refv = umax(s->max_refv, t->type);
	if (!vlen)
		return;
	for (uint32_t i = 0; i + 1 < vlen; i++) {
		names = umax(names, p[i].name_off);
		types = umax(types, p[i].type - 1);
	}
	s->max_name = umax(s->max_name, umax(names, p[vlen - 1].name_off));
	s->max_ref1 = umax(s->max_ref1, types);
	s->max_refv = umax(s->max_refv, p[vlen - 1].type);
}

static inline void screen_enum(struct folds *s, const struct btf_type *t, uint32_t vlen, size_t rec)
{
	const uint8_t *r = btf_type_extra(t);
	uint32_t names = 0;

	s->bad |= SIZE_NOT_IN(ENUM_SIZES, t->size);
	for (uint32_t i = 0; i < vlen; i++) {
		uint32_t off;

		memcpy(&off, r + i * rec, 4);
		names = umax(names, off);
	}
	s->max_name = umax(s->max_name, names);
}

static inline void screen_int(struct folds *s, const struct btf_type *t)
{
	uint32_t info = btf_int_info(t), enc = BTF_INT_ENCODING(info);

	/*
	 * Once the size is one of the masks', offset + bits <= size * 8 also keeps
	 * bits <= 128; the encodings allowed are none or one of signed, char, bool.
	 */
	s->bad |= (t->info & VLEN_KFLAG) | SIZE_NOT_IN(INT_SIZES, t->size) | (info & 0xf000ff00u) |
		  (BTF_INT_OFFSET(info) + BTF_INT_BITS(info) > t->size * 8) | ((~ENCODINGS >> enc) & 1);
}

/*
 * The kind of own type `ref` if it precedes the type being screened (its
 * offset is already in the table), else -1: a reference back can have its
 * kind checked on the spot, without setting the referrer aside.
 */
static inline int kind_before(const uint8_t *types, const uint32_t *offs, uint32_t start, uint32_t idx, uint32_t ref)
{
	return ref - start < idx ? (int)btf_kind((const void *)(types + offs[ref - start])) : -1;
}

/* DATASEC: named; entries of VARs (or FUNCs) whose ranges do not wrap. Returns whether an entry refers forward. */
static inline bool screen_datasec(struct folds *s, const struct btf_type *t, uint32_t vlen, const uint8_t *types,
				  const uint32_t *offs, uint32_t start, uint32_t idx)
{
	const struct btf_var_secinfo *v = btf_secinfos(t);
	bool later = false;

	s->bad |= !t->name_off;
	for (uint32_t i = 0; i < vlen; i++) {
		int k = kind_before(types, offs, start, idx, v[i].type);

		s->max_ref1 = umax(s->max_ref1, v[i].type - 1);
		s->bad |= (uint64_t)v[i].offset + v[i].size > UINT32_MAX;
		if (k < 0)
			later = true;
		else
			s->bad |= k != BTF_KIND_VAR && k != BTF_KIND_FUNC;
	}
	return later;
}

/*
 * First step: walk the records, fill btf->offs, fold every per-type rule into
 * the accumulators. Returns 0 (all folded), 1 (suspect) or -ENOMEM.
 *
 * The loop is what every one of thousands of types pays, so it keeps little
 * state: a record pointer and the table's cursor (the id is derived where a
 * kind needs it), and the kind selects everything else.
 */
static int screen_records(struct ebpf_btf *btf, struct todo *td)
{
	const uint8_t *types = btf->types, *p = types;
	const uint32_t len = btf->types_len, start = btf->start_id;
	size_t left = len;	/* bytes from p to the section's end */
	/* Records are at least 12 bytes: room for the most there can be, so no check per record. */
	size_t cap = len / sizeof(struct btf_type) + 1;
	/*
	 * A forward reference to the very next id (a pointer emitted just before
	 * its target, the common case) is not set aside: the next record, if it is
	 * of a kind whose chain could close a cycle, sets the edge aside itself.
	 */
	uint32_t *offs, *o, nr, fwd_next = 0, id_bias;
	struct folds f = { 0 }, *s = &f;

	/* If even that many ids would not fit, let the checking pass say so. */
	if (start + (uint64_t)(len / sizeof(struct btf_type)) >= SCREEN_MAX_ID)
		return 1;
	offs = eb_malloc(cap * sizeof(*offs));
	if (!offs)
		return -ENOMEM;
	btf->offs = offs;
	btf->datasecs_listed = true;
	/* ID(): start + (o - offs) - 1 with the constant part folded (offs is 4-aligned, so exact mod 2^32) */
	id_bias = start - 1 - (uint32_t)((uintptr_t)offs >> 2);
	for (o = offs; left >= sizeof(struct btf_type);) {
		const struct btf_type *t = (const void *)p;
		const uint32_t info = t->info, vlen = info & 0xffff, off = (uint32_t)(p - types);
		/* bytes left for this record's own records */
		const size_t rest = left - sizeof(*t);
		uint32_t id, extra;

/* The record's index in the table, and its id (o is past its entry already). */
#define ID() ((uint32_t)((uintptr_t)o >> 2) + id_bias)
#define IDX() (ID() - start)
/* This id is the target of the previous record's forward reference: set the edge aside. */
#define FWD_TARGET()                                                  \
	do {                                                          \
		if (id == fwd_next && push_edge(td, id - 1, id))      \
			return -ENOMEM;                               \
	} while (0)
/* Forward reference of chain kind `id` to `to`: a cycle needs one. */
#define FWD_REF(to)                                                   \
	do {                                                          \
		if ((to) == id + 1)                                   \
			fwd_next = id + 1;                            \
		else if ((to) >= id && push_edge(td, id, (to)))       \
			return -ENOMEM;                               \
	} while (0)

		*o++ = off;
		s->max_name = umax(s->max_name, t->name_off);
		switch ((info >> 24) & 0x1f) {
		case BTF_KIND_PTR: case BTF_KIND_VOLATILE: case BTF_KIND_CONST: case BTF_KIND_RESTRICT:
			s->bad |= vlen;
			goto ref;
		case BTF_KIND_TYPEDEF: case BTF_KIND_TYPE_TAG:
			s->bad |= vlen | !t->name_off;
		ref:
			s->max_refv = umax(s->max_refv, t->type);
			extra = 0;
			id = ID();
			if (id == fwd_next && add_edge(td, id - 1, id))
				return -ENOMEM;
			if (t->type == id + 1)
				fwd_next = id + 1;
			else if (t->type >= id && add_edge(td, id, t->type))
				return -ENOMEM;
			break;
		case BTF_KIND_STRUCT: case BTF_KIND_UNION:
			extra = vlen * (uint32_t)sizeof(struct btf_member);
			if (extra > rest)
				return 1;
			if (btf_kflag(t))
				members(s, t, true);
			else
				members(s, t, false);
			break;
		case BTF_KIND_FUNC_PROTO:
			extra = vlen * (uint32_t)sizeof(struct btf_param);
			if (extra > rest)
				return 1;
			screen_params(s, t, vlen);
			break;
		case BTF_KIND_ARRAY: {
			const struct btf_array *a = btf_array_info(t);

			extra = sizeof(*a);
			if (extra > rest)
				return 1;
			s->bad |= (info & VLEN_KFLAG) | t->size;
			s->max_ref1 = umax(s->max_ref1, a->type - 1);
			s->max_refv = umax(s->max_refv, a->index_type);
			id = ID();
			FWD_TARGET();
			FWD_REF(a->type);
			break;
		}
		case BTF_KIND_FWD:
			extra = 0;
			s->bad |= vlen | t->type | !t->name_off;
			break;
		case BTF_KIND_ENUM:
			extra = vlen * (uint32_t)sizeof(struct btf_enum);
			if (extra > rest)
				return 1;
			screen_enum(s, t, vlen, sizeof(struct btf_enum));
			break;
		case BTF_KIND_ENUM64:
			extra = vlen * (uint32_t)sizeof(struct btf_enum64);
			if (extra > rest)
				return 1;
			screen_enum(s, t, vlen, sizeof(struct btf_enum64));
			break;
		case BTF_KIND_INT:
			extra = 4;
			if (extra > rest)
				return 1;
			screen_int(s, t);
			break;
		case BTF_KIND_FLOAT:
			extra = 0;
			s->bad |= (info & VLEN_KFLAG) | SIZE_NOT_IN(FLOAT_SIZES, t->size) | !t->name_off;
			break;
		case BTF_KIND_FUNC: {
			/* its type must be a FUNC_PROTO (which ends its chain); clang emits that first */
			int k = kind_before(types, offs, start, IDX(), t->type);

			extra = 0;
			s->bad |= (vlen > BTF_FUNC_EXTERN) | !t->name_off | (k >= 0 && k != BTF_KIND_FUNC_PROTO);
			s->max_ref1 = umax(s->max_ref1, t->type - 1);
			id = ID();
			FWD_TARGET();
			if (k < 0 && push_ref(td, id))
				return -ENOMEM;
			break;
		}
		case BTF_KIND_VAR:
			extra = sizeof(struct btf_var);
			if (extra > rest)
				return 1;
			s->bad |= (info & VLEN_KFLAG) | (btf_var_info(t)->linkage > BTF_VAR_GLOBAL_EXTERN) |
				  !t->name_off;
			s->max_ref1 = umax(s->max_ref1, t->type - 1);
			id = ID();
			FWD_TARGET();
			FWD_REF(t->type);
			break;
		case BTF_KIND_DATASEC:
			extra = vlen * (uint32_t)sizeof(struct btf_var_secinfo);
			if (extra > rest)
				return 1;
			id = ID();
			if (btf->nr_datasecs < EB_BTF_LISTED_DATASECS)
				btf->datasec_ids[btf->nr_datasecs++] = id;
			else
				btf->datasecs_listed = false;
			/* entries after it have their kinds checked in the second step */
			if (screen_datasec(s, t, vlen, types, offs, start, IDX()) && push_ref(td, id))
				return -ENOMEM;
			break;
		case BTF_KIND_DECL_TAG:
			extra = sizeof(struct btf_decl_tag);
			if (extra > rest)
				return 1;
			s->bad |= vlen | !t->name_off |
				  (((const struct btf_decl_tag *)btf_type_extra(t))->component_idx < -1);
			s->max_ref1 = umax(s->max_ref1, t->type - 1);
			id = ID();
			FWD_TARGET();
			/* its component must exist; walked whichever way it points, as parse.c does */
			if (push_ref(td, id) || push_edge(td, id, t->type))
				return -ENOMEM;
			break;
		/* Every value of the 5 kind bits is listed, so the switch needs no range check. */
		case BTF_KIND_UNKN:
		case BTF_KIND_MAX + 1 ... 31:
			return 1;
		}
		p += sizeof(*t) + extra;
		left = rest - extra;
#undef IDX
#undef ID
#undef FWD_TARGET
#undef FWD_REF
	}
	/* A few bytes too short for another header: the checking pass says where. */
	if (left)
		return 1;
	nr = (uint32_t)(o - offs);
	btf->nr = nr;
	/* Give back a mostly unused table (many members per type): realloc shrinks in place. */
	if (nr && (cap - nr) * sizeof(*offs) > 16384) {
		offs = eb_realloc(offs, (size_t)nr * sizeof(*offs));
		if (offs)
			btf->offs = offs;
	}
	if (s->bad || s->max_name >= eb_btf_str_end(btf))
		return 1;
	/* Valid ids are 1 .. start + nr - 1 (0 too where void is allowed). */
	if (nr && (s->max_ref1 >= start + nr - 1 || s->max_refv >= start + nr))
		return 1;
	return 0;
}

/*
 * Second step, over what the first set aside: referenced kinds, then reference
 * cycles. A cycle holds at least one forward edge, and from that edge's target
 * the chain comes back to its source. Most chains end within a step or two (a
 * pointer to a const struct, an array of ints): followed here without the
 * walk's state array, they settle their edge. A chain longer than that goes to
 * the state walk, which keeps the whole step linear.
 */
#define SHORT_CHAIN 8

static int screen_refs(const struct ebpf_btf *btf, const struct todo *td)
{
	const uint32_t start = btf->start_id;
	uint8_t small[256], *state = NULL;
	int ret = 0;

	for (size_t i = 0; i < td->nr_refs; i++)
		if (eb_btf_check_ref_kind(btf, td->refs[i], eb_btf_own_type(btf, td->refs[i])))
			return 1;
	for (size_t i = 0; i < td->nr_edges && !ret; i++) {
		uint32_t from = td->edges[i].from, cur = td->edges[i].to;

		for (unsigned steps = 0; cur >= start; steps++) {
			const struct btf_type *t = eb_btf_own_type(btf, cur);

			if (!eb_btf_chain_kind(btf_kind(t)))
				break;
			if (cur == from) {
				ret = 1;
				break;
			}
			if (steps < SHORT_CHAIN) {
				cur = eb_btf_chain_next(t);
				continue;
			}
			if (!state) {
				state = btf->nr <= sizeof(small) ? memset(small, 0, btf->nr) : eb_calloc(btf->nr, 1);
				if (!state)
					return -ENOMEM;
			}
			if (state[from - start] == EB_CHAIN_UNSEEN && eb_btf_walk_chain(btf, state, from))
				ret = 1;
			break;
		}
	}
	if (state != small)
		eb_free(state);
	return ret;
}

int eb_btf_screen(struct ebpf_btf *btf)
{
	struct todo td;	/* not zeroed whole: its small arrays are written before they are read */
	int ret;

	td.edges = td.small_edges;
	td.nr_edges = 0;
	td.cap_edges = sizeof(td.small_edges) / sizeof(td.small_edges[0]);
	td.refs = td.small_refs;
	td.nr_refs = 0;
	td.cap_refs = sizeof(td.small_refs) / sizeof(td.small_refs[0]);
	ret = screen_records(btf, &td);
	if (!ret)
		ret = screen_refs(btf, &td);
	if (td.edges != td.small_edges)
		eb_free(td.edges);
	if (td.refs != td.small_refs)
		eb_free(td.refs);
	return ret;
}
