// SPDX-License-Identifier: BSD-2-Clause
/*
 * When is a kernel type "the same" as the object's? Three rules, as the kernel
 * and existing loaders apply them:
 *  - fields (a member found by name): loose — any two structs/unions, any two
 *    ints, any two pointers, enums/forwards by essential name, arrays by element;
 *  - types (type_id_target, type_exists, type_size): same kind after typedefs
 *    and modifiers, ints without bit offsets, pointers/arrays/prototypes by what
 *    they point to; named types already matched by essential name;
 *  - type_matches: the shape must match — struct members by name and type,
 *    enums by enumerator names, ints by size and signedness, array lengths.
 * Recursion is bounded so that a malicious BTF cannot exhaust the stack.
 */
#include <errno.h>
#include <string.h>

#include "relo/core_internal.h"

#define COMPAT_DEPTH 32

static bool is_composite(const struct btf_type *t)
{
	return btf_kind(t) == BTF_KIND_STRUCT || btf_kind(t) == BTF_KIND_UNION;
}

static bool is_any_enum(const struct btf_type *t)
{
	return btf_kind(t) == BTF_KIND_ENUM || btf_kind(t) == BTF_KIND_ENUM64;
}

bool eb_core_kinds_compat(const struct btf_type *a, const struct btf_type *b)
{
	return btf_kind(a) == btf_kind(b) || (is_any_enum(a) && is_any_enum(b));
}

bool eb_core_names_match(const char *a, const char *b)
{
	size_t la, lb;

	if (!*b)
		return !*a;
	la = eb_btf_essential_len(a);
	lb = eb_btf_essential_len(b);
	return la == lb && strncmp(a, b, la) == 0;
}

static const char *name_of(const struct ebpf_btf *btf, const struct btf_type *t)
{
	return eb_btf_name(btf, t);
}

int eb_core_fields_compat(const struct ebpf_btf *local, uint32_t local_id,
			  const struct ebpf_btf *targ, uint32_t targ_id)
{
	for (int depth = 0; depth < COMPAT_DEPTH; depth++) {
		const struct btf_type *lt = eb_btf_skip_mods_typedefs(local, local_id, &local_id);
		const struct btf_type *tt = eb_btf_skip_mods_typedefs(targ, targ_id, &targ_id);

		if (!lt || !tt)
			return (!lt && !tt && local_id == 0 && targ_id == 0) ? 1 : 0;
		if (is_composite(lt) && is_composite(tt))
			return 1;
		if (!eb_core_kinds_compat(lt, tt))
			return 0;
		switch (btf_kind(lt)) {
		case BTF_KIND_PTR:
		case BTF_KIND_FLOAT:
			return 1;
		case BTF_KIND_FWD:
		case BTF_KIND_ENUM:
		case BTF_KIND_ENUM64:
			return eb_core_names_match(name_of(local, lt), name_of(targ, tt));
		case BTF_KIND_INT:
			/* Sizes may differ (loads are adjusted); ints with a bit offset are legacy bitfields. */
			return BTF_INT_OFFSET(btf_int_info(lt)) == 0 && BTF_INT_OFFSET(btf_int_info(tt)) == 0;
		case BTF_KIND_ARRAY:
			local_id = btf_array_info(lt)->type;
			targ_id = btf_array_info(tt)->type;
			continue;
		default:
			return 0;
		}
	}
	return -ELOOP;
}

static int types_compat(const struct ebpf_btf *local, uint32_t local_id, const struct ebpf_btf *targ,
			uint32_t targ_id, int depth)
{
	while (depth-- > 0) {
		const struct btf_type *lt = eb_btf_skip_mods_typedefs(local, local_id, &local_id);
		const struct btf_type *tt = eb_btf_skip_mods_typedefs(targ, targ_id, &targ_id);

		if (!lt || !tt)
			/* void only matches void (e.g. void * against void *). */
			return !lt && !tt && local_id == 0 && targ_id == 0;
		if (!eb_core_kinds_compat(lt, tt))
			return 0;
		switch (btf_kind(lt)) {
		case BTF_KIND_STRUCT:
		case BTF_KIND_UNION:
		case BTF_KIND_ENUM:
		case BTF_KIND_ENUM64:
		case BTF_KIND_FWD:
			return 1;
		case BTF_KIND_FLOAT:
			return lt->size == tt->size;
		case BTF_KIND_INT:
			return BTF_INT_OFFSET(btf_int_info(lt)) == 0 && BTF_INT_OFFSET(btf_int_info(tt)) == 0;
		case BTF_KIND_PTR:
			local_id = lt->type;
			targ_id = tt->type;
			continue;
		case BTF_KIND_ARRAY:
			local_id = btf_array_info(lt)->type;
			targ_id = btf_array_info(tt)->type;
			continue;
		case BTF_KIND_FUNC_PROTO: {
			const struct btf_param *lp = btf_params(lt), *tp = btf_params(tt);

			if (btf_vlen(lt) != btf_vlen(tt))
				return 0;
			for (uint32_t i = 0; i < btf_vlen(lt); i++) {
				int r = types_compat(local, lp[i].type, targ, tp[i].type, depth);

				if (r <= 0)
					return r;
			}
			local_id = lt->type;
			targ_id = tt->type;
			continue;
		}
		default:
			return 0;
		}
	}
	return -ELOOP;
}

int eb_core_types_compat(const struct ebpf_btf *local, uint32_t local_id,
			 const struct ebpf_btf *targ, uint32_t targ_id)
{
	return types_compat(local, local_id, targ, targ_id, COMPAT_DEPTH);
}

static uint32_t enumerator_name_off(const struct btf_type *t, uint32_t i)
{
	return btf_kind(t) == BTF_KIND_ENUM ? btf_enums(t)[i].name_off : btf_enums64(t)[i].name_off;
}

/* Same size, and every local enumerator exists (by essential name) in the target. */
static int enums_match(const struct ebpf_btf *local, const struct btf_type *lt, const struct ebpf_btf *targ,
		       const struct btf_type *tt)
{
	if (lt->size != tt->size)
		return 0;
	for (uint32_t i = 0; i < btf_vlen(lt); i++) {
		const char *ln = eb_btf_str(local, enumerator_name_off(lt, i));
		bool found = false;

		for (uint32_t j = 0; ln && j < btf_vlen(tt) && !found; j++) {
			const char *tn = eb_btf_str(targ, enumerator_name_off(tt, j));

			found = tn && eb_core_names_match(ln, tn);
		}
		if (!found)
			return 0;
	}
	return 1;
}

static int types_match(const struct ebpf_btf *local, uint32_t local_id, const struct ebpf_btf *targ,
		       uint32_t targ_id, bool behind_ptr, int depth);

/* Unions against unions, structs against structs; every local member found by name with a matching type. */
static int composites_match(const struct ebpf_btf *local, const struct btf_type *lt,
			    const struct ebpf_btf *targ, const struct btf_type *tt, int depth)
{
	if (btf_kind(lt) != btf_kind(tt) || btf_vlen(lt) > btf_vlen(tt))
		return 0;
	for (uint32_t i = 0; i < btf_vlen(lt); i++) {
		const struct btf_member *lm = &btf_members(lt)[i];
		const char *ln = eb_btf_str(local, lm->name_off);
		bool found = false;

		for (uint32_t j = 0; ln && j < btf_vlen(tt) && !found; j++) {
			const struct btf_member *tm = &btf_members(tt)[j];
			const char *tn = eb_btf_str(targ, tm->name_off);
			int r;

			if (!tn || !eb_core_names_match(ln, tn))
				continue;
			r = types_match(local, lm->type, targ, tm->type, false, depth - 1);
			if (r < 0)
				return r;
			found = r > 0;
		}
		if (!found)
			return 0;
	}
	return 1;
}

static int types_match(const struct ebpf_btf *local, uint32_t local_id, const struct ebpf_btf *targ,
		       uint32_t targ_id, bool behind_ptr, int depth)
{
	while (depth-- > 0) {
		const struct btf_type *lt = eb_btf_skip_mods_typedefs(local, local_id, &local_id);
		const struct btf_type *tt = eb_btf_skip_mods_typedefs(targ, targ_id, &targ_id);
		unsigned lk, tk;

		if (!lt || !tt)
			return !lt && !tt && local_id == 0 && targ_id == 0;
		if (!eb_core_names_match(name_of(local, lt), name_of(targ, tt)))
			return 0;
		lk = btf_kind(lt);
		tk = btf_kind(tt);
		switch (lk) {
		case BTF_KIND_FWD:
			/* A forward's kind_flag says union (1) or struct (0). */
			if (lk == tk)
				return btf_kflag(lt) == btf_kflag(tt);
			if (!behind_ptr)
				return 0;
			return (tk == BTF_KIND_STRUCT && !btf_kflag(lt)) || (tk == BTF_KIND_UNION && btf_kflag(lt));
		case BTF_KIND_ENUM:
		case BTF_KIND_ENUM64:
			return is_any_enum(tt) && enums_match(local, lt, targ, tt);
		case BTF_KIND_STRUCT:
		case BTF_KIND_UNION:
			if (behind_ptr) {
				/* Behind a pointer only the name and struct-ness matter. */
				if (lk == tk)
					return 1;
				return tk == BTF_KIND_FWD && (lk == BTF_KIND_UNION) == btf_kflag(tt);
			}
			return composites_match(local, lt, targ, tt, depth);
		case BTF_KIND_INT:
			return lk == tk && lt->size == tt->size &&
			       (BTF_INT_ENCODING(btf_int_info(lt)) & BTF_INT_SIGNED) ==
				       (BTF_INT_ENCODING(btf_int_info(tt)) & BTF_INT_SIGNED);
		case BTF_KIND_FLOAT:
			return lk == tk && lt->size == tt->size;
		case BTF_KIND_PTR:
			if (lk != tk)
				return 0;
			behind_ptr = true;
			local_id = lt->type;
			targ_id = tt->type;
			continue;
		case BTF_KIND_ARRAY:
			if (lk != tk || btf_array_info(lt)->nelems != btf_array_info(tt)->nelems)
				return 0;
			local_id = btf_array_info(lt)->type;
			targ_id = btf_array_info(tt)->type;
			continue;
		case BTF_KIND_FUNC_PROTO: {
			const struct btf_param *lp = btf_params(lt), *tp = btf_params(tt);

			if (lk != tk || btf_vlen(lt) != btf_vlen(tt))
				return 0;
			for (uint32_t i = 0; i < btf_vlen(lt); i++) {
				int r = types_match(local, lp[i].type, targ, tp[i].type, behind_ptr, depth);

				if (r <= 0)
					return r;
			}
			local_id = lt->type;
			targ_id = tt->type;
			continue;
		}
		default:
			return 0;
		}
	}
	return -ELOOP;
}

int eb_core_types_match(const struct ebpf_btf *local, uint32_t local_id,
			const struct ebpf_btf *targ, uint32_t targ_id)
{
	return types_match(local, local_id, targ, targ_id, false, COMPAT_DEPTH);
}
