// SPDX-License-Identifier: BSD-2-Clause
/*
 * Externs: undefined symbols the loader must resolve. The ELF only says "this
 * name is undefined" (and whether it is weak); BTF says what it is:
 *   VAR in DATASEC .kconfig          -> kconfig value (typed from its BTF type)
 *   VAR in DATASEC .ksyms, typed     -> kernel variable (needs its BTF id)
 *   VAR in DATASEC .ksyms, void      -> typeless kernel symbol (kallsyms address)
 *   FUNC with extern linkage         -> kfunc
 * The .kconfig externs are laid out in one read-only data-like map, whose value
 * the relocation engine fills at load time.
 */
#include <elf.h>
#include <errno.h>
#include <string.h>

#include "lib/alloc.h"
#include "lib/elf_reader.h"
#include "lib/error.h"

/* The extern-linkage VAR or FUNC named `name`; 0 if none. */
static uint32_t find_extern_btf(const struct ebpf_btf *btf, const char *name)
{
	uint32_t n = eb_btf_type_cnt(btf);

	for (uint32_t id = 1; id < n; id++) {
		const struct btf_type *t = eb_btf_type(btf, id);
		unsigned k = btf_kind(t);

		if (k == BTF_KIND_VAR && btf_var_info(t)->linkage != BTF_VAR_GLOBAL_EXTERN)
			continue;
		if (k == BTF_KIND_FUNC && btf_vlen(t) != BTF_FUNC_EXTERN)
			continue;
		if ((k == BTF_KIND_VAR || k == BTF_KIND_FUNC) && strcmp(eb_btf_name(btf, t), name) == 0)
			return id;
	}
	return 0;
}

/* Name of the DATASEC listing type `id` ("" if none). */
static const char *datasec_of(const struct ebpf_btf *btf, uint32_t id)
{
	uint32_t n = eb_btf_type_cnt(btf);

	for (uint32_t i = 1; i < n; i++) {
		const struct btf_type *t = eb_btf_type(btf, i);
		const struct btf_var_secinfo *vs;

		if (btf_kind(t) != BTF_KIND_DATASEC)
			continue;
		vs = btf_secinfos(t);
		for (unsigned j = 0; j < btf_vlen(t); j++) {
			if (vs[j].type == id)
				return eb_btf_name(btf, t);
		}
	}
	return "";
}

/* Decide how a kconfig value is encoded, from the variable's type. */
static int kconfig_type(const struct eb_elf *e, const struct ebpf_btf *btf, struct eb_extern *x)
{
	const struct btf_type *t = eb_btf_skip_mods_typedefs(btf, x->btf_type, NULL);

	if (t && btf_kind(t) == BTF_KIND_INT) {
		uint32_t enc = BTF_INT_ENCODING(btf_int_info(t)), bits = BTF_INT_BITS(btf_int_info(t));

		x->size = t->size;
		x->is_signed = enc & BTF_INT_SIGNED;
		if (bits != t->size * 8 || BTF_INT_OFFSET(btf_int_info(t)))
			goto bad;
		if ((enc & BTF_INT_BOOL) && t->size == 1)
			x->kcfg_type = EB_KCFG_BOOL;
		/* clang encodes plain `char` as a signed 1-byte int without BTF_INT_CHAR. */
		else if (t->size == 1 && ((enc & BTF_INT_CHAR) || strcmp(eb_btf_name(btf, t), "char") == 0))
			x->kcfg_type = EB_KCFG_CHAR;
		else if (t->size == 1 || t->size == 2 || t->size == 4 || t->size == 8)
			x->kcfg_type = EB_KCFG_INT;
		else
			goto bad;
		return 0;
	}
	if (t && btf_kind(t) == BTF_KIND_ENUM && strcmp(eb_btf_name(btf, t), "libbpf_tristate") == 0 &&
	    (t->size == 1 || t->size == 2 || t->size == 4 || t->size == 8)) {
		x->size = t->size;
		x->kcfg_type = EB_KCFG_TRISTATE;
		return 0;
	}
	if (t && btf_kind(t) == BTF_KIND_ARRAY) {
		const struct btf_array *a = btf_array_info(t);
		const struct btf_type *el = eb_btf_skip_mods_typedefs(btf, a->type, NULL);

		if (el && btf_kind(el) == BTF_KIND_INT && el->size == 1 && a->nelems > 0) {
			x->size = a->nelems;
			x->kcfg_type = EB_KCFG_CHAR_ARR;
			return 0;
		}
	}
bad:
	return eb_err(-EINVAL, "%s: kconfig extern '%s': unsupported type (use bool, tristate, char, an integer or a char array)",
		      e->obj, x->name);
}

static int classify(struct eb_elf *e, struct ebpf_spec *spec, const struct eb_elf_sym *s, struct eb_extern *x)
{
	const struct ebpf_btf *btf = spec->btf;
	const struct btf_type *t;
	const char *sec;

	if (!btf)
		return eb_err(-EINVAL, "%s: extern '%s': the object has no BTF to say what it is", e->obj, s->name);
	x->btf_id = find_extern_btf(btf, s->name);
	if (!x->btf_id)
		return eb_err(-EINVAL, "%s: extern '%s': not declared __ksym or __kconfig (no extern BTF VAR or FUNC)",
			      e->obj, s->name);
	t = eb_btf_type(btf, x->btf_id);
	x->btf_type = t->type;
	sec = datasec_of(btf, x->btf_id);
	if (btf_kind(t) == BTF_KIND_FUNC) {
		if (sec[0] && strcmp(sec, ".ksyms") != 0)
			return eb_err(-EINVAL, "%s: extern function '%s' is in section '%s', expected .ksyms", e->obj,
				      s->name, sec);
		x->kind = EBPF_EXTERN_KFUNC;
		return 0;
	}
	if (strcmp(sec, ".kconfig") == 0) {
		x->kind = EBPF_EXTERN_KCONFIG;
		return kconfig_type(e, btf, x);
	}
	if (strcmp(sec, ".ksyms") == 0) {
		uint32_t id;

		eb_btf_skip_mods_typedefs(btf, t->type, &id);
		x->kind = id == 0 ? EBPF_EXTERN_KSYM_TYPELESS : EBPF_EXTERN_KSYM_VAR;
		if (id == 0)
			x->btf_type = 0;
		return 0;
	}
	return eb_err(-EINVAL, "%s: extern variable '%s' is in section '%s', expected .kconfig or .ksyms", e->obj,
		      s->name, sec[0] ? sec : "(none)");
}

/*
 * Fix-up callbacks that answer only for .kconfig: its size is the map's value
 * size and each variable sits at its extern's offset. Every other DATASEC was
 * already fixed from the ELF (eb_elf_read_btf) and reports -ENOENT, so it is left alone.
 */
static int kconfig_section_size(void *ctx, const char *name, uint32_t *size)
{
	const struct ebpf_spec *spec = ctx;

	if (strcmp(name, ".kconfig") != 0)
		return -ENOENT;
	*size = spec->maps[spec->kconfig_map]->value_size;
	return 0;
}

static int kconfig_var_offset(void *ctx, const char *sec, const char *name, uint32_t *off)
{
	const struct ebpf_spec *spec = ctx;

	if (strcmp(sec, ".kconfig") != 0)
		return -ENOENT;
	for (uint32_t i = 0; i < spec->extern_cnt; i++) {
		const struct eb_extern *x = &spec->externs[i];

		if (x->kind == EBPF_EXTERN_KCONFIG && strcmp(x->name, name) == 0) {
			*off = x->offset;
			return 0;
		}
	}
	return -ENOENT;
}

/*
 * Write the map's layout into the object BTF's .kconfig DATASEC: it is the map's
 * value type, and the kernel refuses a value type whose layout differs from the
 * map's (the sanitizer keeps a non-zero-sized .kconfig layout as it is).
 */
static int record_kconfig_layout(struct eb_elf *e, struct ebpf_spec *spec)
{
	const struct eb_btf_fixup_cb cb = { kconfig_section_size, kconfig_var_offset, spec };
	int err;

	if (!spec->btf || !spec->maps[spec->kconfig_map]->btf_datasec)
		return 0;
	err = eb_elf_btf_fixup(e, spec, &cb);
	return err ? eb_err_ctx(err, "%s", e->obj) : 0;
}

#define EB_KCONFIG_MAX (64u * 1024)

/* The .kconfig map: the kconfig externs, each at its natural alignment. */
static int build_kconfig_map(struct eb_elf *e, struct ebpf_spec *spec)
{
	struct ebpf_map_spec *m;
	uint64_t off = 0;
	uint32_t n = 0;
	int32_t ds;
	int err;

	for (uint32_t i = 0; i < spec->extern_cnt; i++) {
		struct eb_extern *x = &spec->externs[i];
		uint32_t align;

		if (x->kind != EBPF_EXTERN_KCONFIG)
			continue;
		align = x->kcfg_type == EB_KCFG_CHAR_ARR ? 1 : x->size;
		off = (off + align - 1) / align * align;
		/*
		 * Config values are flags, numbers and short strings: a .kconfig past
		 * 64 KiB is a malformed object, refused before anyone allocates it.
		 */
		if (off + x->size > EB_KCONFIG_MAX)
			return eb_err(-EINVAL, "%s: .kconfig extern '%s' (%u bytes) takes the .kconfig "
				      "externs past %u bytes", e->obj, x->name, x->size, EB_KCONFIG_MAX);
		x->offset = (uint32_t)off;
		off += x->size;
		n++;
	}
	if (!n)
		return 0;
	err = eb_spec_add_map(spec, ".kconfig", EBPF_MAP_ORIGIN_KCONFIG, n, &m);
	if (err)
		return err;
	spec->kconfig_map = (int32_t)(spec->map_cnt - 1);
	m->type = EBPF_MAP_TYPE_ARRAY;
	m->key_size = sizeof(uint32_t);
	m->value_size = (uint32_t)((off + 7) / 8 * 8);
	m->max_entries = 1;
	m->readonly = true;
	m->flags = EBPF_F_RDONLY_PROG;
	ds = eb_btf_find(spec->btf, ".kconfig", BTF_KIND_DATASEC);
	m->btf_datasec = ds > 0 ? (uint32_t)ds : 0;
	for (uint32_t i = 0; i < spec->extern_cnt; i++) {
		const struct eb_extern *x = &spec->externs[i];
		struct eb_var *v = &m->vars[m->var_cnt];

		if (x->kind != EBPF_EXTERN_KCONFIG)
			continue;
		*v = (struct eb_var){ 0 };
		v->name = x->name;	/* the extern's, in the image */
		v->offset = x->offset;
		v->size = x->size;
		v->btf_type = x->btf_type;
		v->global = true;
		m->var_cnt++;
	}
	err = record_kconfig_layout(e, spec);
	if (err)
		return err;
	return eb_elf_map_loc_set(e, spec->map_cnt - 1, (struct eb_elf_map_loc){ 0, 0, m->value_size, UINT32_MAX });
}

int eb_elf_read_externs(struct eb_elf *e, struct ebpf_spec *spec)
{
	/* Counted by the symbol pass (eb_elf_open). */
	uint32_t n = e->undef_cnt;
	int err;

	if (!n)
		return 0;
	spec->externs = eb_calloc(n, sizeof(*spec->externs));
	if (!spec->externs)
		return -ENOMEM;
	for (uint32_t i = 1; i < e->sym_cnt; i++) {
		struct eb_elf_sym *s = &e->syms[i];
		struct eb_extern *x = &spec->externs[spec->extern_cnt];

		if (s->shndx != SHN_UNDEF || !s->name[0] || (s->bind != STB_GLOBAL && s->bind != STB_WEAK))
			continue;
		for (uint32_t j = 0; j < spec->extern_cnt; j++) {
			if (strcmp(spec->externs[j].name, s->name) == 0)
				return eb_err(-EINVAL, "%s: extern '%s' is declared twice", e->obj, s->name);
		}
		/* Names point into the image the spec owns (lib/spec.h). */
		x->name = (char *)eb_elf_kept_name(e, s->name);
		spec->extern_cnt++;
		x->weak = s->bind == STB_WEAK;
		s->ext = (int32_t)(spec->extern_cnt - 1);
		err = classify(e, spec, s, x);
		if (err)
			return err;
	}
	return build_kconfig_map(e, spec);
}
