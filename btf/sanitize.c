// SPDX-License-Identifier: BSD-2-Clause
/*
 * The object BTF as the running kernel will accept it (BPF_BTF_LOAD), with every
 * type id unchanged so that instructions, map BTF ids and .BTF.ext records still
 * point at the right types. Two kinds of change:
 *
 * 1. Always: what clang emits for externs, which no kernel validator accepts.
 *    - FUNC with extern linkage ("Invalid func linkage"): made static. A static
 *      FUNC's prototype must name every parameter ("Invalid arg#N"), and extern
 *      declarations usually do not: unnamed parameters take the function's name.
 *    - DATASECs holding externs (.ksyms, .kconfig): a DATASEC may only hold VARs,
 *      of non-zero size, at increasing offsets inside a non-zero section size,
 *      and a VAR may not be extern ("Linkage not supported"). So FUNC entries are
 *      dropped (nothing reads them), extern VARs become global-allocated, .ksyms
 *      VARs are retyped to int (their own type may be a forward declaration or
 *      void, and .ksyms is no map), and the section is laid out. A .kconfig
 *      section keeps its types and, when the ELF reader recorded the .kconfig
 *      map's layout in it (non-zero size), that layout — it is the map's value
 *      type; otherwise it is laid out here at natural alignment.
 * 2. Per `features` (eb_btf_feature bits the kernel lacks), each kind rewritten
 *    to one the kernel knows, of the same size where size matters:
 *      no DATASEC:   VAR -> INT (1 byte), DATASEC -> STRUCT of its size, no members
 *      no FUNC:      FUNC -> TYPEDEF of its prototype, FUNC_PROTO -> ENUM (4 bytes)
 *      no global FUNC linkage: -> static
 *      no FLOAT:     -> anonymous STRUCT of the same size
 *      no DECL_TAG:  -> INT (1 byte)
 *      no TYPE_TAG:  -> CONST
 *      no ENUM64:    -> UNION of the same size, no members; ENUM kind_flag cleared
 *      no '?' DATASEC names: '?' -> '.'
 *    and finally any DECL_TAG whose target no longer takes tags (a FUNC turned
 *    TYPEDEF, a VAR turned INT) becomes an INT too.
 * New strings and at most one new type (an int, when the object has none) are
 * appended, never inserted.
 */
#include <errno.h>
#include <string.h>

#include "btf/btf_internal.h"
#include "lib/alloc.h"
#include "lib/error.h"

struct san {
	const struct ebpf_btf *obj;	/* the original, for names and sizes */
	struct eb_btf_builder *b;
	uint32_t features;
	uint32_t int_id;		/* a 4-byte int, for .ksyms variables */
	uint32_t param_name;		/* string for unnamed enumerators, once added */
};

static bool has(const struct san *s, uint32_t feat)
{
	return (s->features & feat) != 0;
}

static struct btf_type *T(struct san *s, uint32_t id)
{
	return eb_btf_builder_type(s->b, id);
}

/* ---------------------------------------------------------------- externs */

static bool is_extern_entry(const struct ebpf_btf *obj, uint32_t id)
{
	const struct btf_type *t = eb_btf_type(obj, id);

	return btf_kind(t) == BTF_KIND_FUNC ||
	       (btf_kind(t) == BTF_KIND_VAR && btf_var_info(t)->linkage == BTF_VAR_GLOBAL_EXTERN);
}

/* Whether DATASEC `t` of the original holds externs (and so needs laying out). */
static bool extern_datasec(const struct ebpf_btf *obj, const struct btf_type *t)
{
	for (unsigned i = 0; i < btf_vlen(t); i++)
		if (is_extern_entry(obj, btf_secinfos(t)[i].type))
			return true;
	return false;
}

/* An existing plain 4-byte signed int, or a new one appended: for .ksyms VARs. */
static int find_or_add_int(struct san *s)
{
	static const uint32_t int_bits = (BTF_INT_SIGNED << 24) | 32;
	struct btf_type nt;
	int64_t name, id;

	for (uint32_t id2 = 1; id2 < eb_btf_type_cnt(s->obj); id2++) {
		const struct btf_type *t = eb_btf_type(s->obj, id2);

		if (btf_kind(t) == BTF_KIND_INT && t->size == 4 && btf_int_info(t) == int_bits) {
			s->int_id = id2;
			return 0;
		}
	}
	name = eb_btf_builder_add_str(s->b, "int");
	if (name < 0)
		return (int)name;
	nt.name_off = (uint32_t)name;
	nt.info = btf_mk_info(BTF_KIND_INT, 0, false);
	nt.size = 4;
	id = eb_btf_builder_add_type(s->b, &nt, &int_bits);
	if (id < 0)
		return (int)id;
	s->int_id = (uint32_t)id;
	return 0;
}

/* Largest power of two dividing `size`, at most 8: a variable's natural alignment. */
static uint32_t natural_align(uint32_t size)
{
	uint32_t a = 1;

	while (a < 8 && size % (a * 2) == 0)
		a *= 2;
	return a;
}

/*
 * Size of a variable's type, or -1 if it has none (void, a forward declaration):
 * asked before eb_btf_type_size() so that an expected "no size" sets no error message.
 */
static int64_t sized_type(const struct ebpf_btf *obj, uint32_t type)
{
	const struct btf_type *r = eb_btf_skip_mods_typedefs(obj, type, NULL);

	switch (r ? btf_kind(r) : BTF_KIND_UNKN) {
	case BTF_KIND_INT: case BTF_KIND_ENUM: case BTF_KIND_ENUM64: case BTF_KIND_STRUCT:
	case BTF_KIND_UNION: case BTF_KIND_FLOAT: case BTF_KIND_PTR: case BTF_KIND_ARRAY:
		return eb_btf_type_size(obj, type);
	default:
		return -1;
	}
}

static int fix_extern_datasec(struct san *s, uint32_t id)
{
	const struct btf_type *orig = eb_btf_type(s->obj, id);
	const char *name = eb_btf_name(s->obj, orig);
	bool kconfig = strcmp(name, ".kconfig") == 0, keep_layout = kconfig && orig->size;
	struct btf_type *t = T(s, id);
	struct btf_var_secinfo *v = (struct btf_var_secinfo *)(t + 1);
	unsigned n = 0, vlen = btf_vlen(t);
	uint64_t off = 0;

	for (unsigned i = 0; i < vlen; i++) {
		struct btf_var_secinfo e = v[i];
		struct btf_type *var = T(s, e.type);
		int64_t sz;

		if (btf_kind(var) == BTF_KIND_FUNC)
			continue;	/* the FUNC itself stays, as a static function */
		if (btf_var_info(var)->linkage == BTF_VAR_GLOBAL_EXTERN)
			((struct btf_var *)(var + 1))->linkage = BTF_VAR_GLOBAL_ALLOCATED;
		sz = sized_type(s->obj, var->type);
		if (!kconfig || sz <= 0 || sz > UINT32_MAX) {
			var->type = s->int_id;
			sz = 4;
		}
		if (!keep_layout) {
			uint32_t a = natural_align((uint32_t)sz);

			off = (off + a - 1) / a * a;
			e.offset = (uint32_t)off;
			e.size = (uint32_t)sz;
			off += (uint64_t)sz;
			if (off > UINT32_MAX)
				return eb_err(-E2BIG, "BTF: DATASEC '%s' is larger than 4 GiB", name);
		}
		v[n++] = e;
	}
	t->info = btf_mk_info(BTF_KIND_DATASEC, n, false);
	if (!keep_layout) {
		/* As the .kconfig map rounds its value: whole 8-byte words; never 0 (kernel). */
		off = (off + 7) / 8 * 8;
		t->size = off ? (uint32_t)off : 8;
	}
	return 0;
}

/* Name every unnamed parameter of a static FUNC's prototype (with the FUNC's name). */
static void name_params(struct san *s, struct btf_type *func)
{
	struct btf_type *proto = T(s, func->type);
	struct btf_param *p = (struct btf_param *)(proto + 1);

	for (unsigned i = 0; i < btf_vlen(proto); i++)
		if (!p[i].name_off && p[i].type)
			p[i].name_off = func->name_off;
}

static int fix_externs(struct san *s)
{
	bool need_int = false;
	int err;

	for (uint32_t id = 1; id < eb_btf_type_cnt(s->obj); id++) {
		const struct btf_type *t = eb_btf_type(s->obj, id);

		if (btf_kind(t) == BTF_KIND_VAR && btf_var_info(t)->linkage == BTF_VAR_GLOBAL_EXTERN)
			need_int = true;
	}
	if (need_int && (err = find_or_add_int(s)))
		return err;
	for (uint32_t id = 1; id < eb_btf_type_cnt(s->obj); id++) {
		const struct btf_type *o = eb_btf_type(s->obj, id);
		struct btf_type *t = T(s, id);

		if (btf_kind(o) == BTF_KIND_FUNC && btf_vlen(o) == BTF_FUNC_EXTERN) {
			t->info = btf_mk_info(BTF_KIND_FUNC, BTF_FUNC_STATIC, false);
			name_params(s, t);
		} else if (btf_kind(o) == BTF_KIND_DATASEC && extern_datasec(s->obj, o)) {
			err = fix_extern_datasec(s, id);
			if (err)
				return err;
		}
	}
	return 0;
}

/* ------------------------------------------------------------ kind rewrites */

static void to_int1(struct btf_type *t)
{
	t->info = btf_mk_info(BTF_KIND_INT, 0, false);
	t->size = 1;
	*(uint32_t *)(t + 1) = 8;	/* 8 bits, no encoding */
}

/* A STRUCT name must be a C identifier: ".data.foo" -> "_data_foo". */
static int identifier_name(struct san *s, struct btf_type *t)
{
	const char *name = eb_btf_name(s->obj, t);
	size_t len = strlen(name);
	char *id;
	int64_t off;

	if (!len) {
		t->name_off = 0;
		return 0;
	}
	id = eb_malloc(len + 2);
	if (!id)
		return -ENOMEM;
	for (size_t i = 0; i < len; i++) {
		char c = name[i];

		id[i] = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ? c : '_';
	}
	id[len] = '\0';
	if (id[0] >= '0' && id[0] <= '9')
		id[0] = '_';
	off = eb_btf_builder_add_str(s->b, id);
	eb_free(id);
	if (off < 0)
		return (int)off;
	t->name_off = (uint32_t)off;
	return 0;
}

/* "?.data.x" -> "..data.x": kernels before 6.6 accept only [A-Za-z0-9_.] in section names. */
static int rename_qmark(struct san *s, struct btf_type *t)
{
	const char *name = eb_btf_name(s->obj, t);
	char *copy;
	int64_t off;

	if (name[0] != '?')
		return 0;
	copy = eb_strdup(name);
	if (!copy)
		return -ENOMEM;
	copy[0] = '.';
	off = eb_btf_builder_add_str(s->b, copy);
	eb_free(copy);
	if (off < 0)
		return (int)off;
	t->name_off = (uint32_t)off;
	return 0;
}

/*
 * Parameters become enumerators (same vlen, same record size); an enumerator
 * needs a name ("Invalid name"), so unnamed parameters get one.
 */
static int proto_to_enum(struct san *s, struct btf_type *t)
{
	struct btf_enum *e = (struct btf_enum *)(t + 1);

	for (unsigned i = 0; i < btf_vlen(t); i++) {
		if (e[i].name_off)
			continue;
		if (!s->param_name) {
			int64_t off = eb_btf_builder_add_str(s->b, "__param");

			if (off < 0)
				return (int)off;
			s->param_name = (uint32_t)off;
		}
		e[i].name_off = s->param_name;
	}
	t->info = btf_mk_info(BTF_KIND_ENUM, btf_vlen(t), false);
	t->size = 4;
	return 0;
}

static int rewrite_one(struct san *s, uint32_t id)
{
	struct btf_type *t = T(s, id);

	switch (btf_kind(t)) {
	case BTF_KIND_VAR:
		if (!has(s, EB_BTF_FEAT_DATASEC))
			to_int1(t);
		return 0;
	case BTF_KIND_DATASEC:
		if (!has(s, EB_BTF_FEAT_DATASEC)) {
			t->info = btf_mk_info(BTF_KIND_STRUCT, 0, false);
			return identifier_name(s, t);
		}
		if (!has(s, EB_BTF_FEAT_QMARK_DATASEC))
			return rename_qmark(s, t);
		return 0;
	case BTF_KIND_FUNC:
		if (!has(s, EB_BTF_FEAT_FUNC))
			t->info = btf_mk_info(BTF_KIND_TYPEDEF, 0, false);
		else if (!has(s, EB_BTF_FEAT_FUNC_GLOBAL) && btf_vlen(t) == BTF_FUNC_GLOBAL)
			t->info = btf_mk_info(BTF_KIND_FUNC, BTF_FUNC_STATIC, false);
		return 0;
	case BTF_KIND_FUNC_PROTO:
		if (!has(s, EB_BTF_FEAT_FUNC))
			return proto_to_enum(s, t);
		return 0;
	case BTF_KIND_FLOAT:
		/* Anonymous: "long double" is no struct name. */
		if (!has(s, EB_BTF_FEAT_FLOAT)) {
			t->info = btf_mk_info(BTF_KIND_STRUCT, 0, false);
			t->name_off = 0;
		}
		return 0;
	case BTF_KIND_DECL_TAG:
		if (!has(s, EB_BTF_FEAT_DECL_TAG))
			to_int1(t);
		return 0;
	case BTF_KIND_TYPE_TAG:
		if (!has(s, EB_BTF_FEAT_TYPE_TAG)) {
			t->info = btf_mk_info(BTF_KIND_CONST, 0, false);
			t->name_off = 0;
		}
		return 0;
	case BTF_KIND_ENUM64:
		if (!has(s, EB_BTF_FEAT_ENUM64))
			t->info = btf_mk_info(BTF_KIND_UNION, 0, false);
		return 0;
	case BTF_KIND_ENUM:
		/* kind_flag (signedness) came with ENUM64. */
		if (!has(s, EB_BTF_FEAT_ENUM64))
			t->info = btf_mk_info(BTF_KIND_ENUM, btf_vlen(t), false);
		return 0;
	default:
		return 0;
	}
}

/* Whether a DECL_TAG still names something that takes tags, after the rewrites. */
static bool decl_tag_target_ok(struct san *s, const struct btf_type *tag)
{
	int32_t comp = *(const int32_t *)(tag + 1);
	const struct btf_type *t = T(s, tag->type), *proto;

	switch (btf_kind(t)) {
	case BTF_KIND_STRUCT: case BTF_KIND_UNION:
		return comp == -1 || (comp >= 0 && (uint32_t)comp < btf_vlen(t));
	case BTF_KIND_VAR: case BTF_KIND_TYPEDEF:
		return comp == -1;
	case BTF_KIND_FUNC:
		proto = T(s, t->type);
		return comp == -1 || (btf_kind(proto) == BTF_KIND_FUNC_PROTO && comp >= 0 &&
				      (uint32_t)comp < btf_vlen(proto));
	default:
		return false;
	}
}

/* ------------------------------------------------------------ the fast path */

uint32_t eb_btf_features_used(const struct ebpf_btf *obj, bool *has_externs)
{
	uint32_t used = 0;

	*has_externs = false;
	if (!obj)
		return 0;
	/* straight over the offset table: this runs on every load, sanitized or not */
	for (uint32_t i = 0; i < obj->nr; i++) {
		const struct btf_type *t = (const struct btf_type *)(obj->types + eb_btf_off(obj, i));

		switch (btf_kind(t)) {
		case BTF_KIND_VAR:
			used |= EB_BTF_FEAT_DATASEC;
			if (btf_var_info(t)->linkage == BTF_VAR_GLOBAL_EXTERN)
				*has_externs = true;
			break;
		case BTF_KIND_DATASEC:
			used |= EB_BTF_FEAT_DATASEC;
			if (eb_btf_name(obj, t)[0] == '?')
				used |= EB_BTF_FEAT_QMARK_DATASEC;
			if (extern_datasec(obj, t))
				*has_externs = true;
			break;
		case BTF_KIND_FUNC:
			used |= EB_BTF_FEAT_FUNC;
			if (btf_vlen(t) == BTF_FUNC_GLOBAL)
				used |= EB_BTF_FEAT_FUNC_GLOBAL;
			else if (btf_vlen(t) == BTF_FUNC_EXTERN)
				*has_externs = true;
			break;
		case BTF_KIND_FUNC_PROTO:
			used |= EB_BTF_FEAT_FUNC;
			break;
		case BTF_KIND_FLOAT:
			used |= EB_BTF_FEAT_FLOAT;
			break;
		case BTF_KIND_DECL_TAG:
			used |= EB_BTF_FEAT_DECL_TAG;
			break;
		case BTF_KIND_TYPE_TAG:
			used |= EB_BTF_FEAT_TYPE_TAG;
			break;
		case BTF_KIND_ENUM64:
			used |= EB_BTF_FEAT_ENUM64;
			break;
		case BTF_KIND_ENUM:
			/* the signedness flag came with ENUM64 (rewrite_one clears it) */
			if (btf_kflag(t))
				used |= EB_BTF_FEAT_ENUM64;
			break;
		default:
			break;
		}
	}
	return used;
}

bool eb_btf_raw_canonical(const struct ebpf_btf *btf)
{
	const struct btf_header *h = (const struct btf_header *)btf->raw;

	return btf->raw && !btf->base && !btf->swapped && btf->raw_size >= sizeof(*h) &&
	       btf->hdr_len == sizeof(*h) && h->flags == 0 && btf->types == btf->raw + sizeof(*h) &&
	       btf->strs == (const char *)btf->types + btf->types_len &&
	       btf->raw_size == sizeof(*h) + (size_t)btf->types_len + btf->strs_len;
}

/* ------------------------------------------------------------ the rewrite */

int eb_btf_sanitize(const struct ebpf_btf *obj, uint32_t features, void **data, size_t *size)
{
	struct san s = { .obj = obj, .features = features };
	uint32_t n;
	int err;

	*data = NULL;
	*size = 0;
	if (!obj)
		return eb_err(-EINVAL, "BTF sanitizer: no BTF");
	err = eb_btf_builder_new(obj, &s.b);
	if (err)
		return eb_err_ctx(err, "BTF sanitizer");
	err = fix_externs(&s);
	n = eb_btf_type_cnt(obj);	/* the appended int needs no rewriting */
	for (uint32_t id = 1; !err && id < n; id++)
		err = rewrite_one(&s, id);
	for (uint32_t id = 1; !err && id < n; id++) {
		struct btf_type *t = T(&s, id);

		if (btf_kind(t) == BTF_KIND_DECL_TAG && !decl_tag_target_ok(&s, t))
			to_int1(t);
	}
	if (!err)
		err = eb_btf_builder_finish(s.b, data, size);
	eb_btf_builder_free(s.b);
	return err ? eb_err_ctx(err, "BTF sanitizer") : 0;
}
