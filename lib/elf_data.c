// SPDX-License-Identifier: BSD-2-Clause
/*
 * Global data: every .data*, .rodata* and .bss* section becomes a one-element
 * array map whose value is the section, with the variables it holds (from the
 * section's DATASEC in BTF, else from its symbols) so callers can read or set
 * them (ebpf_spec_set_var) before load.
 */
#include <elf.h>
#include <errno.h>
#include <string.h>

#include "lib/alloc.h"
#include "lib/elf_reader.h"
#include "lib/error.h"

static bool is_rodata(const char *name)
{
	return strncmp(name, ".rodata", 7) == 0;
}

/*
 * Into the room eb_spec_add_map() reserved (counted by the caller). The name is
 * the BTF's or the image's, both of which outlive the map spec.
 */
static void add_var(struct ebpf_map_spec *m, const char *name, uint32_t off, uint32_t size, uint32_t type,
		    bool global)
{
	m->vars[m->var_cnt++] = (struct eb_var){ .name = (char *)name, .offset = off, .size = size,
						 .btf_type = type, .global = global };
}

static int vars_from_btf(struct eb_elf *e, const struct ebpf_btf *btf, const struct btf_type *ds,
			 struct ebpf_map_spec *m)
{
	const struct btf_var_secinfo *vs = btf_secinfos(ds);

	for (unsigned i = 0; i < btf_vlen(ds); i++) {
		const struct btf_type *var = eb_btf_type(btf, vs[i].type);

		if (!var || btf_kind(var) != BTF_KIND_VAR)
			continue;	/* e.g. a FUNC in a DATASEC: not a variable */
		if ((uint64_t)vs[i].offset + vs[i].size > m->value_size)
			return eb_err(-EINVAL, "%s: variable '%s' (offset %u, size %u) is outside section '%s' (%u bytes)",
				      e->obj, eb_btf_name(btf, var), vs[i].offset, vs[i].size, m->name, m->value_size);
		add_var(m, eb_btf_name(btf, var), vs[i].offset, vs[i].size, var->type,
			btf_var_info(var)->linkage != BTF_VAR_STATIC);
	}
	return 0;
}

/* Whether symbol `s` is a variable of section `shndx`. */
static bool is_var_sym(const struct eb_elf_sym *s, uint32_t shndx)
{
	return s->shndx == shndx && s->type == STT_OBJECT && s->name[0];
}

static void vars_from_symbols(struct eb_elf *e, uint32_t shndx, struct ebpf_map_spec *m)
{
	/* The variables defined in a section, in symbol-table order (collected by eb_elf_open). */
	for (uint32_t i = 0; i < e->obj_sym_cnt; i++) {
		const struct eb_elf_sym *s = e->obj_syms[i];

		/* eb_elf_open() checked value + size against the section. */
		if (is_var_sym(s, shndx))
			add_var(m, eb_elf_kept_name(e, s->name), (uint32_t)s->value, (uint32_t)s->size, 0,
				s->bind != STB_LOCAL);
	}
}

static int read_one(struct eb_elf *e, struct ebpf_spec *spec, uint32_t shndx)
{
	struct eb_elf_sec *s = &e->secs[shndx];
	struct ebpf_map_spec *m;
	int32_t ds = -ENOENT;
	size_t vars = 0;
	int err;

	if (s->size > UINT32_MAX)
		return eb_err(-EINVAL, "%s: section '%s' is larger than 4 GiB", e->obj, s->name);
	/* The variables come from the section's DATASEC, else from its symbols: room for them all. */
	if (spec->btf)
		ds = eb_btf_find(spec->btf, s->name, BTF_KIND_DATASEC);
	if (ds > 0) {
		vars = btf_vlen(eb_btf_type(spec->btf, (uint32_t)ds));
	} else {
		for (uint32_t i = 0; i < e->obj_sym_cnt; i++)
			vars += is_var_sym(e->obj_syms[i], shndx);
	}
	err = eb_spec_add_map(spec, s->name, EBPF_MAP_ORIGIN_DATA, vars, &m);
	if (err)
		return err;
	s->map = (int32_t)(spec->map_cnt - 1);
	m->type = EBPF_MAP_TYPE_ARRAY;
	m->key_size = sizeof(uint32_t);
	m->value_size = (uint32_t)s->size;
	m->max_entries = 1;
	m->elf_sec = shndx;
	m->readonly = is_rodata(s->name);
	if (m->readonly)
		m->flags |= EBPF_F_RDONLY_PROG;
	/* The image outlives the map spec: borrow; ebpf_spec_set_var() copies before writing. */
	m->data = (uint8_t *)s->data;
	if (ds > 0) {
		m->btf_datasec = (uint32_t)ds;
		err = vars_from_btf(e, spec->btf, eb_btf_type(spec->btf, (uint32_t)ds), m);
		if (err)
			return err;
	} else {
		vars_from_symbols(e, shndx, m);
	}
	return eb_elf_map_loc_set(e, spec->map_cnt - 1, (struct eb_elf_map_loc){ shndx, 0, s->size, UINT32_MAX });
}

int eb_elf_read_data_maps(struct eb_elf *e, struct ebpf_spec *spec)
{
	for (uint32_t k = 0; k < e->data_sec_cnt; k++) {
		uint32_t i = e->data_secs[k];
		int err;

		/* An empty section cannot back a map (the kernel refuses value_size 0). */
		if (e->secs[i].size == 0)
			continue;
		err = read_one(e, spec, i);
		if (err)
			return err;
	}
	return 0;
}
