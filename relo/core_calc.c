// SPDX-License-Identifier: BSD-2-Clause
/*
 * The value each CO-RE relocation kind stands for, computed twice: once from
 * the local spec (what clang put in the instruction — used to validate it) and
 * once from the matched target spec (what goes in instead).
 */
#include <errno.h>
#include <string.h>

#include "lib/error.h"
#include "relo/core_internal.h"

static const char *const kind_names[] = {
	[EB_CORE_FIELD_BYTE_OFFSET] = "field_byte_offset",
	[EB_CORE_FIELD_BYTE_SIZE] = "field_byte_size",
	[EB_CORE_FIELD_EXISTS] = "field_exists",
	[EB_CORE_FIELD_SIGNED] = "field_signed",
	[EB_CORE_FIELD_LSHIFT_U64] = "field_lshift_u64",
	[EB_CORE_FIELD_RSHIFT_U64] = "field_rshift_u64",
	[EB_CORE_TYPE_ID_LOCAL] = "type_id_local",
	[EB_CORE_TYPE_ID_TARGET] = "type_id_target",
	[EB_CORE_TYPE_EXISTS] = "type_exists",
	[EB_CORE_TYPE_SIZE] = "type_size",
	[EB_CORE_ENUMVAL_EXISTS] = "enumval_exists",
	[EB_CORE_ENUMVAL_VALUE] = "enumval_value",
	[EB_CORE_TYPE_MATCHES] = "type_matches",
};

const char *eb_core_kind_name(uint32_t kind)
{
	return kind < sizeof(kind_names) / sizeof(kind_names[0]) ? kind_names[kind] : "unknown";
}

/* Sentinel meaning "no match: poison the instruction". */
#define POISON 1

struct field_val {
	uint64_t val;
	uint32_t sz;		/* byte_offset of a whole field: its size, for loads/stores */
	uint32_t type_id;	/* ... and its type (modifiers/typedefs skipped) */
	bool validate;
};

static int field_value(const struct eb_core_spec *spec, bool big_endian, struct field_val *out)
{
	const struct eb_core_acc *acc = &spec->acc[spec->len - 1];
	const struct btf_type *t, *mt;
	const struct btf_member *m;
	uint32_t field_id, bit_sz, byte_sz, byte_off;
	uint64_t bit_off = spec->bit_off;
	bool bitfield;
	int64_t sz;

	memset(out, 0, sizeof(*out));
	out->validate = true;
	if (!acc->name) {
		/* The path ends at an array element (or at the root): only offset and size make sense. */
		sz = eb_btf_type_size(spec->btf, acc->type_id);
		if (sz < 0)
			return eb_err(-EINVAL, "type [%u] has no size", acc->type_id);
		if (spec->kind == EB_CORE_FIELD_BYTE_OFFSET) {
			out->val = bit_off / 8;
			out->sz = (uint32_t)sz;
			out->type_id = acc->type_id;
		} else if (spec->kind == EB_CORE_FIELD_BYTE_SIZE) {
			out->val = (uint64_t)sz;
		} else {
			return eb_err(-EINVAL, "%s is not supported on an array element",
				      eb_core_kind_name(spec->kind));
		}
		return 0;
	}
	t = eb_btf_type(spec->btf, acc->type_id);
	m = &btf_members(t)[acc->idx];
	mt = eb_btf_skip_mods_typedefs(spec->btf, m->type, &field_id);
	if (!mt)
		return eb_err(-EINVAL, "member '%s' has no type", acc->name);
	bit_sz = btf_member_bitfield_size(t, m);
	bitfield = bit_sz > 0;
	if (bitfield) {
		/*
		 * The smallest naturally aligned load, starting from the field's
		 * storage size, that covers every bit of the field.
		 */
		unsigned k = btf_kind(mt);

		if (k != BTF_KIND_INT && k != BTF_KIND_ENUM && k != BTF_KIND_ENUM64)
			return eb_err(-EINVAL, "bitfield '%s' is not an integer or enum", acc->name);
		byte_sz = mt->size;
		if (byte_sz == 0 || (byte_sz & (byte_sz - 1)) || byte_sz > 8)
			return eb_err(-EINVAL, "bitfield '%s' has a storage size of %u bytes", acc->name, byte_sz);
		byte_off = (uint32_t)(bit_off / 8 / byte_sz * byte_sz);
		while (bit_off + bit_sz - (uint64_t)byte_off * 8 > (uint64_t)byte_sz * 8) {
			if (byte_sz >= 8)
				return eb_err(-E2BIG, "bitfield '%s' cannot be read with one 64-bit load", acc->name);
			byte_sz *= 2;
			byte_off = (uint32_t)(bit_off / 8 / byte_sz * byte_sz);
		}
	} else {
		sz = eb_btf_type_size(spec->btf, field_id);
		if (sz < 0 || sz > UINT32_MAX)
			return eb_err(-EINVAL, "member '%s' has no size", acc->name);
		byte_sz = (uint32_t)sz;
		byte_off = (uint32_t)(bit_off / 8);
		bit_sz = byte_sz * 8;
	}
	if (bit_off / 8 > UINT32_MAX)
		return eb_err(-E2BIG, "member '%s' lies beyond 4 GiB", acc->name);
	/* Where clang put a bitfield's load is its own choice: only check what cannot vary. */
	out->validate = !bitfield;
	switch (spec->kind) {
	case EB_CORE_FIELD_BYTE_OFFSET:
		out->val = byte_off;
		if (!bitfield) {
			out->sz = byte_sz;
			out->type_id = field_id;
		}
		break;
	case EB_CORE_FIELD_BYTE_SIZE:
		out->val = byte_sz;
		break;
	case EB_CORE_FIELD_SIGNED:
		out->val = (btf_kind(mt) == BTF_KIND_INT && (BTF_INT_ENCODING(btf_int_info(mt)) & BTF_INT_SIGNED)) ||
			   ((btf_kind(mt) == BTF_KIND_ENUM || btf_kind(mt) == BTF_KIND_ENUM64) && btf_kflag(mt));
		out->validate = true;
		break;
	case EB_CORE_FIELD_LSHIFT_U64:
		/* Shift the loaded value so the field's top bit becomes bit 63. */
		if (big_endian)
			out->val = (8 - byte_sz) * 8 + (bit_off - (uint64_t)byte_off * 8);
		else
			out->val = 64 - (bit_off + bit_sz - (uint64_t)byte_off * 8);
		break;
	case EB_CORE_FIELD_RSHIFT_U64:
		out->val = 64 - bit_sz;
		out->validate = true;
		break;
	default:
		return eb_err(-EINVAL, "unknown field relocation kind %u", (unsigned)spec->kind);
	}
	return 0;
}

static int type_value(const struct eb_core_spec *spec, uint64_t *val)
{
	int64_t sz;

	switch (spec->kind) {
	case EB_CORE_TYPE_ID_LOCAL:
	case EB_CORE_TYPE_ID_TARGET:
		*val = spec->root_id;
		return 0;
	case EB_CORE_TYPE_EXISTS:
	case EB_CORE_TYPE_MATCHES:
		*val = 1;
		return 0;
	case EB_CORE_TYPE_SIZE:
		sz = eb_btf_type_size(spec->btf, spec->root_id);
		if (sz < 0)
			return eb_err(-EINVAL, "type [%u] has no size", spec->root_id);
		*val = (uint64_t)sz;
		return 0;
	default:
		return eb_err(-EINVAL, "unknown type relocation kind %u", (unsigned)spec->kind);
	}
}

static void enumval_value(const struct eb_core_spec *spec, uint64_t *val)
{
	const struct btf_type *t = eb_btf_type(spec->btf, spec->acc[0].type_id);
	uint32_t i = spec->acc[0].idx;

	if (spec->kind == EB_CORE_ENUMVAL_EXISTS) {
		*val = 1;
	} else if (btf_kind(t) == BTF_KIND_ENUM64) {
		const struct btf_enum64 *e = &btf_enums64(t)[i];

		*val = ((uint64_t)e->val_hi32 << 32) | e->val_lo32;
	} else if (btf_kflag(t)) {
		*val = (uint64_t)(int64_t)btf_enums(t)[i].val;	/* signed enum */
	} else {
		*val = (uint32_t)btf_enums(t)[i].val;
	}
}

/* The value a relocation takes when nothing matched, or POISON. */
static int unmatched_value(uint32_t kind, uint64_t *val)
{
	*val = 0;
	switch (kind) {
	case EB_CORE_FIELD_EXISTS:
	case EB_CORE_TYPE_EXISTS:
	case EB_CORE_TYPE_MATCHES:
	case EB_CORE_ENUMVAL_EXISTS:
		return 0;
	default:
		return POISON;
	}
}

static int one_value(const struct eb_core_spec *spec, bool big_endian, uint64_t *val, struct field_val *fv)
{
	int err = 0;

	if (spec->kind == EB_CORE_FIELD_EXISTS) {
		*val = 1;
	} else if (eb_core_kind_is_field(spec->kind)) {
		err = field_value(spec, big_endian, fv);
		*val = fv->val;
	} else if (eb_core_kind_is_type(spec->kind)) {
		err = type_value(spec, val);
	} else if (eb_core_kind_is_enumval(spec->kind)) {
		enumval_value(spec, val);
	} else {
		err = eb_err(-EINVAL, "unknown relocation kind %u", (unsigned)spec->kind);
	}
	return err;
}

static bool unsigned_int_or_ptr(const struct ebpf_btf *btf, uint32_t id, bool *is_ptr)
{
	const struct btf_type *t = eb_btf_type(btf, id);

	*is_ptr = t && btf_kind(t) == BTF_KIND_PTR;
	return t && btf_kind(t) == BTF_KIND_INT && !(BTF_INT_ENCODING(btf_int_info(t)) & BTF_INT_SIGNED);
}

int eb_core_calc(const struct eb_core_spec *local, const struct eb_core_spec *targ, bool big_endian,
		 struct eb_core_res *res)
{
	struct field_val lf = { 0 }, tf = { 0 };
	int err;

	memset(res, 0, sizeof(*res));
	res->validate = true;
	err = one_value(local, big_endian, &res->orig_val, &lf);
	if (err)
		return err;
	if (eb_core_kind_is_field(local->kind) && local->kind != EB_CORE_FIELD_EXISTS)
		res->validate = lf.validate;
	if (local->kind == EB_CORE_TYPE_ID_LOCAL) {
		/* Nothing to find: the object's own id is the answer. */
		res->new_val = res->orig_val;
		return 0;
	}
	if (!targ) {
		res->poison = unmatched_value(local->kind, &res->new_val) == POISON;
		return 0;
	}
	err = one_value(targ, big_endian, &res->new_val, &tf);
	if (err)
		return err;
	res->orig_sz = lf.sz;
	res->new_sz = tf.sz;
	if (lf.sz != tf.sz) {
		/*
		 * A load of a different width reads the same value only for
		 * zero-extended data: unsigned integers, and pointers (a 32-bit
		 * kernel's pointers read as u64). Anything else would be misread.
		 */
		bool lptr, tptr;
		bool lu = unsigned_int_or_ptr(local->btf, lf.type_id, &lptr);
		bool tu = unsigned_int_or_ptr(targ->btf, tf.type_id, &tptr);

		res->fail_memsz = !((lptr && tptr) || (lu && tu));
	}
	return 0;
}
