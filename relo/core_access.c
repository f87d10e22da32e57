// SPDX-License-Identifier: BSD-2-Clause
/*
 * CO-RE access strings: resolving "0:3:1" against the object's BTF (the local
 * spec), and finding the same named path again inside a target candidate.
 * Members are matched by exact name, through anonymous structs/unions at any
 * depth; array steps must stay in bounds unless the array is a flexible last
 * member; each matched member's type must be compatible with the local one.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "lib/error.h"
#include "relo/core_internal.h"

/* A kind as C spells it, for messages. */
static const char *kind_word(unsigned k)
{
	static const char *const words[] = {
		"void", "int", "pointer", "array", "struct", "union", "enum", "forward declaration",
		"typedef", "volatile", "const", "restrict", "function", "function prototype",
		"variable", "datasec", "float", "decl tag", "type tag", "enum",
	};

	return k < sizeof(words) / sizeof(words[0]) ? words[k] : "unknown kind";
}

static bool is_composite(const struct btf_type *t)
{
	unsigned k = btf_kind(t);

	return k == BTF_KIND_STRUCT || k == BTF_KIND_UNION;
}

static bool is_any_enum(const struct btf_type *t)
{
	unsigned k = btf_kind(t);

	return k == BTF_KIND_ENUM || k == BTF_KIND_ENUM64;
}

static const char *enumerator_name(const struct ebpf_btf *btf, const struct btf_type *t, uint32_t i)
{
	uint32_t off = btf_kind(t) == BTF_KIND_ENUM ? btf_enums(t)[i].name_off : btf_enums64(t)[i].name_off;
	const char *n = eb_btf_str(btf, off);

	return n ? n : "";
}

/*
 * A zero-length array that is the last member of its struct (the step before
 * it) may be indexed past its declared size: that is what flexible arrays are.
 */
static bool is_flex_array(const struct ebpf_btf *btf, const struct eb_core_acc *prev,
			  const struct btf_array *arr)
{
	const struct btf_type *t;

	if (!prev || !prev->name || arr->nelems > 0)
		return false;
	t = eb_btf_type(btf, prev->type_id);
	return t && is_composite(t) && prev->idx + 1 == btf_vlen(t);
}

/* Parse "0:12:3" into spec->raw. Only decimal digits separated by single colons. */
static int parse_raw(const char *access, struct eb_core_spec *spec)
{
	const char *p = access;

	spec->raw_len = 0;
	if (!*p)
		return eb_err(-EINVAL, "empty access string");
	for (;;) {
		uint64_t v = 0;

		if (*p < '0' || *p > '9')
			return eb_err(-EINVAL, "access string '%s': expected a number at offset %zu",
				      access, (size_t)(p - access));
		while (*p >= '0' && *p <= '9') {
			v = v * 10 + (uint64_t)(*p - '0');
			if (v > INT32_MAX)
				return eb_err(-EINVAL, "access string '%s': index too large", access);
			p++;
		}
		if (spec->raw_len == EB_CORE_SPEC_MAX)
			return eb_err(-E2BIG, "access string '%s': more than %d steps", access,
				      EB_CORE_SPEC_MAX);
		spec->raw[spec->raw_len++] = (uint32_t)v;
		if (!*p)
			return 0;
		if (*p != ':')
			return eb_err(-EINVAL, "access string '%s': unexpected '%c' at offset %zu", access,
				      *p, (size_t)(p - access));
		p++;
	}
}

static int type_size(const struct ebpf_btf *btf, uint32_t id, uint64_t *sz)
{
	int64_t s = eb_btf_type_size(btf, id);

	if (s < 0) {
		const struct btf_type *t = eb_btf_type(btf, id);

		return eb_err(-EINVAL, "type [%u] %s has no size", id, t ? eb_btf_name(btf, t) : "?");
	}
	*sz = (uint64_t)s;
	return 0;
}

static int parse_field_steps(const struct ebpf_btf *btf, uint32_t id, const char *access,
			     struct eb_core_spec *spec)
{
	uint64_t sz = 0;
	int err;

	err = type_size(btf, id, &sz);
	if (err)
		return err;
	spec->bit_off = (uint64_t)spec->raw[0] * sz * 8;
	for (uint32_t i = 1; i < spec->raw_len; i++) {
		const struct btf_type *t = eb_btf_skip_mods_typedefs(btf, id, &id);
		uint32_t idx = spec->raw[i];

		if (!t)
			return eb_err(-EINVAL, "access string '%s': step %u reaches an invalid type", access, i);
		if (is_composite(t)) {
			const struct btf_member *m;

			if (idx >= btf_vlen(t))
				return eb_err(-EINVAL, "access string '%s': member %u of %s has only %u members",
					      access, idx, eb_btf_name(btf, t), btf_vlen(t));
			m = &btf_members(t)[idx];
			spec->bit_off += btf_member_bit_offset(t, m);
			if (m->name_off) {
				const char *name = eb_btf_str(btf, m->name_off);

				if (!name || !*name)
					return eb_err(-EINVAL, "access string '%s': member %u has no name",
						      access, idx);
				spec->acc[spec->len++] = (struct eb_core_acc){ id, idx, name };
			}
			id = m->type;
		} else if (btf_kind(t) == BTF_KIND_ARRAY) {
			const struct btf_array *a = btf_array_info(t);
			const struct eb_core_acc *prev = spec->len ? &spec->acc[spec->len - 1] : NULL;

			if (!eb_btf_skip_mods_typedefs(btf, a->type, &id))
				return eb_err(-EINVAL, "access string '%s': array of an invalid type", access);
			if (!is_flex_array(btf, prev, a) && idx >= a->nelems)
				return eb_err(-EINVAL, "access string '%s': index %u past an array of %u",
					      access, idx, a->nelems);
			spec->acc[spec->len++] = (struct eb_core_acc){ id, idx, NULL };
			err = type_size(btf, id, &sz);
			if (err)
				return err;
			spec->bit_off += (uint64_t)idx * sz * 8;
		} else {
			return eb_err(-EINVAL, "access string '%s': step %u indexes into %s, which has no members",
				      access, i, kind_word(btf_kind(t)));
		}
	}
	return 0;
}

int eb_core_spec_parse(const struct ebpf_btf *btf, uint32_t type_id, const char *access,
		       enum eb_core_kind kind, struct eb_core_spec *spec)
{
	const struct btf_type *t;
	uint32_t id;
	int err;

	memset(spec, 0, offsetof(struct eb_core_spec, acc));
	spec->len = spec->raw_len = 0;
	spec->bit_off = 0;
	spec->btf = btf;
	spec->root_id = type_id;
	spec->kind = kind;
	if (!access)
		return eb_err(-EINVAL, "access string offset out of range");
	if (eb_core_kind_is_type(kind)) {
		/* Type relocations carry no path; clang always writes "0". */
		if (strcmp(access, "0") != 0)
			return eb_err(-EINVAL, "access string '%s' of a %s relocation must be \"0\"", access,
				      eb_core_kind_name(kind));
		if (!eb_btf_type(btf, type_id) && type_id != 0)
			return eb_err(-EINVAL, "type id %u out of range", type_id);
		return 0;
	}
	if (!eb_core_kind_is_field(kind) && !eb_core_kind_is_enumval(kind))
		return eb_err(-EINVAL, "unknown relocation kind %u", (unsigned)kind);
	err = parse_raw(access, spec);
	if (err)
		return err;
	t = eb_btf_skip_mods_typedefs(btf, type_id, &id);
	if (!t)
		return eb_err(-EINVAL, "type id %u is void or out of range", type_id);
	spec->acc[0] = (struct eb_core_acc){ id, spec->raw[0], NULL };
	spec->len = 1;
	if (eb_core_kind_is_enumval(kind)) {
		if (!is_any_enum(t))
			return eb_err(-EINVAL, "%s relocation on %s %s, not an enum", eb_core_kind_name(kind),
				      kind_word(btf_kind(t)), eb_btf_name(btf, t));
		if (spec->raw_len != 1 || spec->raw[0] >= btf_vlen(t))
			return eb_err(-EINVAL, "access string '%s': no such enumerator in enum %s (%u values)",
				      access, eb_btf_name(btf, t), btf_vlen(t));
		spec->acc[0].name = enumerator_name(btf, t, spec->raw[0]);
		return 0;
	}
	return parse_field_steps(btf, id, access, spec);
}

/* Record one step of the target walk. */
static int push_step(struct eb_core_spec *s, uint32_t type_id, uint32_t idx, const char *name, bool named)
{
	if (s->raw_len == EB_CORE_SPEC_MAX || s->len == EB_CORE_SPEC_MAX)
		return -E2BIG;
	s->raw[s->raw_len++] = idx;
	if (named)
		s->acc[s->len++] = (struct eb_core_acc){ type_id, idx, name };
	return 0;
}

/*
 * Find member `name` in composite `id` of the target, descending into anonymous
 * members; every step taken is recorded in `out`, and undone when it leads
 * nowhere. On a match *next_id is the member's type.
 */
static int match_member(const struct ebpf_btf *lbtf, const struct eb_core_acc *lacc,
			const struct ebpf_btf *tbtf, uint32_t id, struct eb_core_spec *out,
			uint32_t *next_id, int depth)
{
	const struct btf_type *t = eb_btf_skip_mods_typedefs(tbtf, id, &id);
	const struct btf_type *lt = eb_btf_type(lbtf, lacc->type_id);
	const struct btf_member *lm;

	if (!t || !lt)
		return -EINVAL;
	if (!is_composite(t) || depth > EB_CORE_SPEC_MAX)
		return 0;
	lm = &btf_members(lt)[lacc->idx];
	for (uint32_t i = 0; i < btf_vlen(t); i++) {
		const struct btf_member *m = &btf_members(t)[i];
		const char *name = eb_btf_str(tbtf, m->name_off);
		uint32_t save_len = out->len, save_raw = out->raw_len;
		uint64_t save_off = out->bit_off;
		int r;

		if (!name)
			return -EINVAL;
		out->bit_off += btf_member_bit_offset(t, m);
		if (!*name) {
			/* Anonymous struct/union: look inside, keeping the step in raw only. */
			if (push_step(out, id, i, NULL, false))
				return -E2BIG;
			r = match_member(lbtf, lacc, tbtf, m->type, out, next_id, depth + 1);
			if (r != 0)
				return r;
		} else if (strcmp(name, lacc->name) == 0) {
			r = eb_core_fields_compat(lbtf, lm->type, tbtf, m->type);
			if (r <= 0)
				return r;	/* the name is unique in its struct: no other chance */
			if (push_step(out, id, i, name, true))
				return -E2BIG;
			*next_id = m->type;
			return 1;
		}
		out->len = save_len;
		out->raw_len = save_raw;
		out->bit_off = save_off;
	}
	return 0;
}

static int match_enumval(const struct eb_core_spec *local, const struct ebpf_btf *tbtf, uint32_t id,
			 struct eb_core_spec *out)
{
	const struct btf_type *t = eb_btf_skip_mods_typedefs(tbtf, id, &id);
	const char *want = local->acc[0].name;

	if (!t)
		return -EINVAL;
	if (!is_any_enum(t))
		return 0;
	for (uint32_t i = 0; i < btf_vlen(t); i++) {
		const char *name = enumerator_name(tbtf, t, i);

		if (*name && eb_core_names_match(want, name)) {
			out->acc[0] = (struct eb_core_acc){ id, i, name };
			out->len = 1;
			out->raw[0] = i;
			out->raw_len = 1;
			return 1;
		}
	}
	return 0;
}

static int match_fields(const struct eb_core_spec *local, const struct ebpf_btf *tbtf, uint32_t id,
			struct eb_core_spec *out)
{
	uint64_t sz;

	for (uint32_t i = 0; i < local->len; i++) {
		const struct eb_core_acc *lacc = &local->acc[i];

		if (lacc->name) {
			int r = match_member(local->btf, lacc, tbtf, id, out, &id, 0);

			if (r <= 0)
				return r;
			continue;
		}
		if (i > 0) {
			/* An array step: the target must be an array that is long enough too. */
			const struct btf_type *t = eb_btf_skip_mods_typedefs(tbtf, id, &id);
			const struct btf_array *a;
			const struct eb_core_acc *prev = out->len ? &out->acc[out->len - 1] : NULL;

			if (!t)
				return -EINVAL;
			if (btf_kind(t) != BTF_KIND_ARRAY)
				return 0;
			a = btf_array_info(t);
			if (!is_flex_array(tbtf, prev, a) && lacc->idx >= a->nelems)
				return 0;
			if (!eb_btf_skip_mods_typedefs(tbtf, a->type, &id))
				return -EINVAL;
		} else if (!eb_btf_skip_mods_typedefs(tbtf, id, &id)) {
			return -EINVAL;
		}
		if (push_step(out, id, lacc->idx, NULL, true))
			return -E2BIG;
		if (eb_btf_type_size(tbtf, id) < 0)
			return 0;	/* e.g. an array of a function: cannot be indexed */
		sz = (uint64_t)eb_btf_type_size(tbtf, id);
		out->bit_off += (uint64_t)lacc->idx * sz * 8;
	}
	return 1;
}

int eb_core_spec_match(const struct eb_core_spec *local, const struct ebpf_btf *targ,
		       uint32_t targ_id, struct eb_core_spec *out)
{
	out->btf = targ;
	out->root_id = targ_id;
	out->kind = local->kind;
	out->len = out->raw_len = 0;
	out->bit_off = 0;
	if (eb_core_kind_is_type(local->kind)) {
		if (local->kind == EB_CORE_TYPE_MATCHES)
			return eb_core_types_match(local->btf, local->root_id, targ, targ_id);
		return eb_core_types_compat(local->btf, local->root_id, targ, targ_id);
	}
	if (eb_core_kind_is_enumval(local->kind))
		return match_enumval(local, targ, targ_id, out);
	return match_fields(local, targ, targ_id, out);
}

static void EB_PRINTF(4, 5) append(char *buf, size_t len, size_t *pos, const char *fmt, ...)
{
	va_list ap;
	int w;

	if (*pos >= len)
		return;
	va_start(ap, fmt);
	w = vsnprintf(buf + *pos, len - *pos, fmt, ap);
	va_end(ap);
	if (w > 0)
		*pos += (size_t)w;
}

static void spec_str(const struct eb_core_spec *spec, char *buf, size_t len, size_t *posp)
{
	const struct btf_type *root = eb_btf_type(spec->btf, spec->root_id);
	const char *rname = root ? eb_btf_name(spec->btf, root) : "";
	size_t pos = 0;

	buf[0] = 0;
	if (!root) {
		append(buf, len, &pos, "[%u]", spec->root_id);
		*posp = pos;
		return;
	}
	if (eb_core_kind_is_type(spec->kind) || !*rname) {
		/* "struct foo", "typedef u32", or an anonymous type by id. */
		const struct btf_type *t = root;
		unsigned k = btf_kind(t);

		append(buf, len, &pos, "%s", kind_word(k));
		if (*rname)
			append(buf, len, &pos, " %s", rname);
		else
			append(buf, len, &pos, " [%u]", spec->root_id);
		if (eb_core_kind_is_type(spec->kind)) {
			*posp = pos;
			return;
		}
	} else if (eb_core_kind_is_enumval(spec->kind)) {
		append(buf, len, &pos, "enum %s", rname);
	} else {
		append(buf, len, &pos, "%s", rname);
	}
	if (eb_core_kind_is_enumval(spec->kind)) {
		if (spec->len)
			append(buf, len, &pos, "::%s", spec->acc[0].name ? spec->acc[0].name : "?");
		*posp = pos;
		return;
	}
	/* The root index only shows when it is not the usual 0 (ptr[1].field). */
	if (spec->len && spec->acc[0].idx)
		append(buf, len, &pos, "[%u]", spec->acc[0].idx);
	for (uint32_t i = 1; i < spec->len; i++) {
		if (spec->acc[i].name)
			append(buf, len, &pos, ".%s", spec->acc[i].name);
		else
			append(buf, len, &pos, "[%u]", spec->acc[i].idx);
	}
	*posp = pos;
}

void eb_core_spec_str(const struct eb_core_spec *spec, char *buf, size_t len)
{
	size_t pos = 0;

	if (!len)
		return;
	spec_str(spec, buf, len, &pos);
	/* Say so when the path did not fit, rather than show a plausible-looking prefix. */
	if (pos >= len && len > 4)
		memcpy(buf + len - 4, "...", 4);
}
