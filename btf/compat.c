// SPDX-License-Identifier: BSD-2-Clause
/*
 * Compatibility of a local type (object BTF) with a kernel type (kernel BTF), in
 * the sense loaders use to accept a kfunc prototype or a typed __ksym: the two
 * declarations must agree on what the program will pass and get back, not be
 * the same type graph. So:
 *   - modifiers (const, volatile, restrict, type tags) and typedefs do not count;
 *   - integers and enums are interchangeable and compared by size only;
 *   - structs and unions compare by essential name (a local "task_struct___v2"
 *     is the kernel's "task_struct"), never member by member, and a forward
 *     declaration stands for the struct/union of its name;
 *   - pointers compare their pointees (void only with void);
 *   - functions compare their prototypes: arity, return type and every parameter.
 *
 * Both BTFs are validated, but the graph across two BTFs is walked by recursion
 * through prototypes, so it is bounded twice: in depth, and in total steps (a
 * prototype of many pointer-to-prototype parameters could otherwise make the
 * walk exponential). Running out of either answers "not compatible".
 */
#include <string.h>

#include "btf/btf_internal.h"

#define COMPAT_MAX_DEPTH 32
#define COMPAT_MAX_STEPS 4096

struct compat_walk {
	const struct ebpf_btf *lb, *tb;	/* local, target */
	unsigned steps;			/* steps left */
};

static bool int_like(unsigned kind)
{
	return kind == BTF_KIND_INT || kind == BTF_KIND_ENUM || kind == BTF_KIND_ENUM64;
}

static bool aggregate(unsigned kind)
{
	return kind == BTF_KIND_STRUCT || kind == BTF_KIND_UNION || kind == BTF_KIND_FWD;
}

/* A forward declaration's kind_flag says union. */
static bool is_union(const struct btf_type *t)
{
	return btf_kind(t) == BTF_KIND_UNION || (btf_kind(t) == BTF_KIND_FWD && btf_kflag(t));
}

static bool aggregates_compat(const struct compat_walk *w, const struct btf_type *lt,
			      const struct btf_type *tt)
{
	const char *ln = eb_btf_name(w->lb, lt), *tn = eb_btf_name(w->tb, tt);
	size_t llen, tlen;

	if (is_union(lt) != is_union(tt))
		return false;
	/* Anonymous aggregates have no name to agree on: only their size can. */
	if (!*ln || !*tn)
		return !*ln && !*tn && btf_kind(lt) != BTF_KIND_FWD && btf_kind(tt) != BTF_KIND_FWD &&
		       lt->size == tt->size;
	llen = eb_btf_essential_len(ln);
	tlen = eb_btf_essential_len(tn);
	return llen == tlen && !memcmp(ln, tn, llen);
}

/* Bit-offset integers are a deprecated encoding of bitfields, not values one passes. */
static bool plain_int(const struct btf_type *t)
{
	return btf_kind(t) != BTF_KIND_INT || BTF_INT_OFFSET(btf_int_info(t)) == 0;
}

static bool compat(struct compat_walk *w, uint32_t lid, uint32_t tid, unsigned depth);

static bool protos_compat(struct compat_walk *w, const struct btf_type *lt,
			  const struct btf_type *tt, unsigned depth)
{
	const struct btf_param *lp = btf_params(lt), *tp = btf_params(tt);
	unsigned n = btf_vlen(lt);

	if (n != btf_vlen(tt))
		return false;
	for (unsigned i = 0; i < n; i++) {
		/* Type 0 is "..." (last only): it matches only itself. */
		if (!lp[i].type || !tp[i].type) {
			if (lp[i].type || tp[i].type)
				return false;
			continue;
		}
		if (!compat(w, lp[i].type, tp[i].type, depth + 1))
			return false;
	}
	return compat(w, lt->type, tt->type, depth + 1);
}

static bool compat(struct compat_walk *w, uint32_t lid, uint32_t tid, unsigned depth)
{
	const struct btf_type *lt, *tt;
	unsigned lk, tk;

	if (depth > COMPAT_MAX_DEPTH || !w->steps)
		return false;
	w->steps--;
	lt = eb_btf_skip_mods_typedefs(w->lb, lid, NULL);
	tt = eb_btf_skip_mods_typedefs(w->tb, tid, NULL);
	if (!lt || !tt)
		return !lt && !tt;	/* void only matches void */
	lk = btf_kind(lt);
	tk = btf_kind(tt);
	/* A function is compared through its prototype, a variable through its type. */
	if (lk == BTF_KIND_FUNC || lk == BTF_KIND_VAR || tk == BTF_KIND_FUNC || tk == BTF_KIND_VAR) {
		if ((lk == BTF_KIND_FUNC || lk == BTF_KIND_VAR) && lk != tk)
			return false;
		if ((tk == BTF_KIND_FUNC || tk == BTF_KIND_VAR) && lk != tk)
			return false;
		return compat(w, lt->type, tt->type, depth + 1);
	}
	if (int_like(lk) && int_like(tk))
		return plain_int(lt) && plain_int(tt) && lt->size == tt->size;
	if (aggregate(lk) && aggregate(tk))
		return aggregates_compat(w, lt, tt);
	if (lk != tk)
		return false;
	switch (lk) {
	case BTF_KIND_FLOAT:
		return lt->size == tt->size;
	case BTF_KIND_PTR:
		return compat(w, lt->type, tt->type, depth + 1);
	case BTF_KIND_ARRAY:
		return btf_array_info(lt)->nelems == btf_array_info(tt)->nelems &&
		       compat(w, btf_array_info(lt)->type, btf_array_info(tt)->type, depth + 1);
	case BTF_KIND_FUNC_PROTO:
		return protos_compat(w, lt, tt, depth);
	default:
		/* DATASEC, DECL_TAG: not types a declaration can have. */
		return false;
	}
}

bool eb_btf_types_compat(const struct ebpf_btf *local, uint32_t local_id,
			 const struct ebpf_btf *targ, uint32_t targ_id)
{
	struct compat_walk w = { .lb = local, .tb = targ, .steps = COMPAT_MAX_STEPS };

	if (!local || !targ)
		return false;
	/* Ids out of range are not void: refuse them rather than match void with void. */
	if ((local_id && !eb_btf_type(local, local_id)) || (targ_id && !eb_btf_type(targ, targ_id)))
		return false;
	return compat(&w, local_id, targ_id, 0);
}
