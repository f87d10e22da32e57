// SPDX-License-Identifier: BSD-2-Clause
/*
 * BTF-defined maps: each variable of the `.maps` DATASEC is a struct whose
 * members describe the map through their *types* (libbpf's convention):
 *   __uint(name, N)    int (*name)[N]        -> N is the array's element count
 *   __type(name, T)    typeof(T) *name       -> T's BTF id (and size)
 *   __ulong(name, N)   enum { x = N } *name  -> N from the enum
 *   __array(values, S) typeof(S) *values[]   -> inner map template / prog slots
 * Statically initialised `values` slots come from relocations against .maps.
 */
#include <elf.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "lib/alloc.h"
#include "lib/elf_reader.h"
#include "lib/error.h"

struct def_ctx {
	const struct eb_elf *e;
	const struct ebpf_btf *btf;
	const char *map;		/* map name, for messages */
	bool have_key_size, have_value_size;
	uint32_t values_off;		/* byte offset of `values`, UINT32_MAX if none */
};

/* The N of `int (*name)[N]`, or of `enum { x = N } *name`. */
static int member_uint(struct def_ctx *c, const struct btf_member *mb, const char *field, uint64_t *out)
{
	const struct btf_type *t = eb_btf_skip_mods_typedefs(c->btf, mb->type, NULL);

	if (!t || btf_kind(t) != BTF_KIND_PTR)
		goto bad;
	t = eb_btf_skip_mods_typedefs(c->btf, t->type, NULL);
	if (t && btf_kind(t) == BTF_KIND_ARRAY) {
		*out = btf_array_info(t)->nelems;
		return 0;
	}
	if (t && btf_kind(t) == BTF_KIND_ENUM && btf_vlen(t) >= 1) {
		*out = (uint32_t)btf_enums(t)[0].val;
		return 0;
	}
	if (t && btf_kind(t) == BTF_KIND_ENUM64 && btf_vlen(t) >= 1) {
		*out = ((uint64_t)btf_enums64(t)[0].val_hi32 << 32) | btf_enums64(t)[0].val_lo32;
		return 0;
	}
bad:
	return eb_err(-EINVAL, "%s: map '%s': field '%s' is not declared with __uint() / __ulong()", c->e->obj,
		      c->map, field);
}

static int member_u32(struct def_ctx *c, const struct btf_member *mb, const char *field, uint32_t *out)
{
	uint64_t v = 0;
	int err = member_uint(c, mb, field, &v);

	if (err)
		return err;
	if (v > UINT32_MAX)
		return eb_err(-EINVAL, "%s: map '%s': field '%s' value %llu does not fit 32 bits", c->e->obj, c->map,
			      field, (unsigned long long)v);
	*out = (uint32_t)v;
	return 0;
}

/* `typeof(T) *name`: T's id and byte size. */
static int member_type(struct def_ctx *c, const struct btf_member *mb, const char *field, uint32_t *id,
		       uint32_t *size)
{
	const struct btf_type *t = eb_btf_skip_mods_typedefs(c->btf, mb->type, NULL);
	int64_t sz;

	if (!t || btf_kind(t) != BTF_KIND_PTR)
		return eb_err(-EINVAL, "%s: map '%s': field '%s' is not declared with __type()", c->e->obj, c->map,
			      field);
	sz = eb_btf_type_size(c->btf, t->type);
	if (sz < 0 || sz > UINT32_MAX)
		return eb_err(-EINVAL, "%s: map '%s': type of '%s' has no usable size", c->e->obj, c->map, field);
	*id = t->type;
	*size = (uint32_t)sz;
	return 0;
}

static int set_size(struct def_ctx *c, const char *field, uint32_t *dst, bool *have, uint32_t v)
{
	if (*have && *dst != v)
		return eb_err(-EINVAL, "%s: map '%s': %s given twice with different sizes (%u and %u)", c->e->obj,
			      c->map, field, *dst, v);
	*dst = v;
	*have = true;
	return 0;
}

static int parse_def(struct def_ctx *c, uint32_t struct_id, struct ebpf_map_spec *m, bool inner);

/* `__array(values, S)`: a flexible array of pointers to an inner def or a func proto. */
static int parse_values(struct def_ctx *c, const struct btf_type *st, const struct btf_member *mb,
			struct ebpf_map_spec *m, bool inner)
{
	const struct btf_type *t = eb_btf_skip_mods_typedefs(c->btf, mb->type, NULL);
	uint32_t bit_off = btf_member_bit_offset(st, mb), target_id;
	struct ebpf_map_spec *in;
	struct def_ctx ic;
	char *name;
	int err;

	if (inner)
		return eb_err(-EINVAL, "%s: map '%s': an inner map cannot have 'values' itself", c->e->obj, c->map);
	if (c->values_off != UINT32_MAX)
		return eb_err(-EINVAL, "%s: map '%s': 'values' given twice", c->e->obj, c->map);
	if (!t || btf_kind(t) != BTF_KIND_ARRAY || bit_off % 8)
		return eb_err(-EINVAL, "%s: map '%s': 'values' is not declared with __array()", c->e->obj, c->map);
	t = eb_btf_skip_mods_typedefs(c->btf, btf_array_info(t)->type, NULL);
	if (!t || btf_kind(t) != BTF_KIND_PTR)
		return eb_err(-EINVAL, "%s: map '%s': 'values' must be an array of pointers", c->e->obj, c->map);
	c->values_off = bit_off / 8;
	t = eb_btf_skip_mods_typedefs(c->btf, t->type, &target_id);
	if (t && btf_kind(t) == BTF_KIND_FUNC_PROTO)
		return 0;	/* prog array: slots name programs */
	if (!t || btf_kind(t) != BTF_KIND_STRUCT)
		return eb_err(-EINVAL, "%s: map '%s': 'values' must point to a map definition or a function",
			      c->e->obj, c->map);
	/* Map-in-map: the pointee is the inner map's template, named "<map>.inner". */
	name = eb_malloc(strlen(c->map) + sizeof(".inner"));
	if (!name)
		return -ENOMEM;
	strcpy(name, c->map);
	strcat(name, ".inner");
	in = eb_map_spec_new(m->spec, name, EBPF_MAP_ORIGIN_BTF, 0);
	eb_free(name);
	if (!in)
		return -ENOMEM;
	m->inner = in;
	ic = (struct def_ctx){ .e = c->e, .btf = c->btf, .map = in->name, .values_off = UINT32_MAX };
	err = parse_def(&ic, target_id, in, true);
	if (err)
		return err;
	return 0;
}

static int parse_member(struct def_ctx *c, const struct btf_type *st, const struct btf_member *mb,
			struct ebpf_map_spec *m, bool inner)
{
	const char *f = eb_btf_str(c->btf, mb->name_off);
	uint32_t v = 0, size = 0;
	uint64_t v64 = 0;
	int err;

	if (!f || !f[0])
		return eb_err(-EINVAL, "%s: map '%s': anonymous member in the definition", c->e->obj, c->map);
	/*
	 * Each field name is compared with only the names sharing its first
	 * character (a chain of strcmp calls per member was most of reading a
	 * map definition); an unknown name falls through to the error below.
	 */
	if (f[0] == 't' && !strcmp(f, "type"))
		return member_u32(c, mb, f, (uint32_t *)&m->type);
	if (f[0] == 'm' && !strcmp(f, "max_entries"))
		return member_u32(c, mb, f, &m->max_entries);
	if (f[0] == 'm' && !strcmp(f, "map_flags"))
		return member_u32(c, mb, f, &m->flags);
	if (f[0] == 'n' && !strcmp(f, "numa_node"))
		return member_u32(c, mb, f, &m->numa_node);
	if (f[0] == 'm' && !strcmp(f, "map_extra")) {
		err = member_uint(c, mb, f, &v64);
		m->map_extra = v64;
		return err;
	}
	if (f[0] == 'p' && !strcmp(f, "pinning")) {
		err = member_u32(c, mb, f, &v);
		if (err)
			return err;
		if (v != EBPF_PIN_NONE && v != EBPF_PIN_BY_NAME)
			return eb_err(-EINVAL, "%s: map '%s': unknown pinning %u", c->e->obj, c->map, v);
		m->pinning = (enum ebpf_pin_type)v;
		return 0;
	}
	/* key and value before key_size and value_size: most definitions give types. */
	if ((f[0] == 'k' && !strcmp(f, "key")) || (f[0] == 'v' && !strcmp(f, "value"))) {
		bool key = f[0] == 'k';

		err = member_type(c, mb, f, key ? &m->btf_key_type : &m->btf_value_type, &size);
		if (err)
			return err;
		return key ? set_size(c, "key size", &m->key_size, &c->have_key_size, size)
			   : set_size(c, "value size", &m->value_size, &c->have_value_size, size);
	}
	if ((f[0] == 'k' && !strcmp(f, "key_size")) || (f[0] == 'v' && !strcmp(f, "value_size"))) {
		bool key = f[0] == 'k';

		err = member_u32(c, mb, f, &v);
		if (err)
			return err;
		return key ? set_size(c, "key size", &m->key_size, &c->have_key_size, v)
			   : set_size(c, "value size", &m->value_size, &c->have_value_size, v);
	}
	if (f[0] == 'v' && !strcmp(f, "values"))
		return parse_values(c, st, mb, m, inner);
	return eb_err(-EINVAL, "%s: map '%s': unknown field '%s' in the map definition", c->e->obj, c->map, f);
}

static int parse_def(struct def_ctx *c, uint32_t struct_id, struct ebpf_map_spec *m, bool inner)
{
	const struct btf_type *st = eb_btf_skip_mods_typedefs(c->btf, struct_id, NULL);
	const struct btf_member *mb;
	int err;

	if (!st || btf_kind(st) != BTF_KIND_STRUCT)
		return eb_err(-EINVAL, "%s: map '%s': definition is not a struct", c->e->obj, c->map);
	mb = btf_members(st);
	for (unsigned i = 0; i < btf_vlen(st); i++) {
		err = parse_member(c, st, &mb[i], m, inner);
		if (err)
			return err;
	}
	if (c->values_off != UINT32_MAX) {
		if (m->type != EBPF_MAP_TYPE_PROG_ARRAY && m->type != EBPF_MAP_TYPE_ARRAY_OF_MAPS &&
		    m->type != EBPF_MAP_TYPE_HASH_OF_MAPS)
			return eb_err(-EINVAL, "%s: map '%s': 'values' is only allowed for prog arrays and maps of maps",
				      c->e->obj, c->map);
		if ((m->type == EBPF_MAP_TYPE_PROG_ARRAY) != (m->inner == NULL))
			return eb_err(-EINVAL, "%s: map '%s': 'values' does not match the map type %s", c->e->obj,
				      c->map, eb_map_type_name(m->type));
		/* The slots hold fds (maps of maps) or prog fds: 4-byte values. */
		if (c->have_value_size && m->value_size != sizeof(uint32_t))
			return eb_err(-EINVAL, "%s: map '%s': value size %u, but 'values' needs 4", c->e->obj, c->map,
				      m->value_size);
		m->value_size = sizeof(uint32_t);
		if (!c->have_key_size)
			m->key_size = sizeof(uint32_t);
	}
	return 0;
}

int eb_elf_read_btf_maps(struct eb_elf *e, struct ebpf_spec *spec)
{
	const struct btf_type *ds;
	const struct btf_var_secinfo *vs;
	int32_t ds_id;
	int err;

	if (!e->maps_sec)
		return 0;
	if (!spec->btf)
		return eb_err(-EINVAL, "%s: section '.maps' needs BTF, but the object has no .BTF", e->obj);
	ds_id = eb_btf_find(spec->btf, ".maps", BTF_KIND_DATASEC);
	if (ds_id < 0) {
		if (e->secs[e->maps_sec].size == 0)
			return 0;
		return eb_err(-EINVAL, "%s: section '.maps' has no DATASEC in BTF", e->obj);
	}
	ds = eb_btf_type(spec->btf, (uint32_t)ds_id);
	vs = btf_secinfos(ds);
	for (unsigned i = 0; i < btf_vlen(ds); i++) {
		const struct btf_type *var = eb_btf_type(spec->btf, vs[i].type);
		struct def_ctx c = { .e = e, .btf = spec->btf, .values_off = UINT32_MAX };
		struct ebpf_map_spec *m;

		if (!var || btf_kind(var) != BTF_KIND_VAR)
			return eb_err(-EINVAL, "%s: .maps: DATASEC entry %u is not a variable", e->obj, i);
		c.map = eb_btf_name(spec->btf, var);
		if (!c.map[0])
			return eb_err(-EINVAL, "%s: .maps: DATASEC entry %u has no name", e->obj, i);
		if ((uint64_t)vs[i].offset + vs[i].size > e->secs[e->maps_sec].size)
			return eb_err(-EINVAL, "%s: map '%s': offset %u size %u is outside section '.maps'", e->obj,
				      c.map, vs[i].offset, vs[i].size);
		if (eb_elf_map_at(e, spec, e->maps_sec, vs[i].offset) >= 0)
			return eb_err(-EINVAL, "%s: map '%s': another map is defined at the same offset %u", e->obj,
				      c.map, vs[i].offset);
		err = eb_spec_add_map(spec, c.map, EBPF_MAP_ORIGIN_BTF, 0, &m);
		if (err)
			return err;
		err = parse_def(&c, var->type, m, false);
		if (err)
			return err;
		err = eb_elf_map_loc_set(e, spec->map_cnt - 1,
					 (struct eb_elf_map_loc){ e->maps_sec, vs[i].offset, vs[i].size, c.values_off });
		if (err)
			return err;
	}
	return 0;
}

/* What eb_spec_carve() takes for a map spec: its size, 8-aligned. */
static size_t map_spec_size(size_t len, size_t vars)
{
	return (eb_map_spec_size(len, vars) + 7) & ~(size_t)7;
}

size_t eb_elf_maps_room(const struct eb_elf *e, uint32_t *count)
{
	size_t room = 0;
	uint32_t n = 0;

	/*
	 * BTF-defined and legacy maps: one variable symbol each, named as the
	 * map; global data: a variable per named symbol of its section.
	 */
	for (uint32_t i = 0; i < e->obj_sym_cnt; i++) {
		const struct eb_elf_sym *s = e->obj_syms[i];

		if (s->shndx && (s->shndx == e->maps_sec || s->shndx == e->legacy_maps_sec)) {
			room += map_spec_size(strlen(s->name), 0);
			n++;
		} else if (s->shndx < e->sec_cnt && e->secs[s->shndx].kind == EB_ELF_SEC_DATA && s->name[0]) {
			room += sizeof(struct eb_var);
		}
	}
	/* Global data: one map per section. */
	for (uint32_t k = 0; k < e->data_sec_cnt; k++)
		room += map_spec_size(strlen(e->secs[e->data_secs[k]].name), 0);
	n += e->data_sec_cnt;
	*count = n;
	/* Every count is bounded by the file size: no overflow. */
	return room + (((size_t)n * sizeof(struct ebpf_map_spec *) + 7) & ~(size_t)7);
}

/* ------------------------------------------------------------- static slots */

static int cmp_slot(const void *a, const void *b)
{
	const struct eb_map_slot *x = a, *y = b;

	return x->index < y->index ? -1 : x->index > y->index;
}

/* The program a prog-array slot names: a global function of a program section. */
static const char *slot_prog(const struct eb_elf *e, const struct ebpf_spec *spec, const struct eb_elf_sym *s)
{
	for (uint32_t i = 0; i < spec->prog_cnt; i++) {
		const struct eb_func *f = eb_prog_func(spec->progs[i]);

		if (spec->secs[f->sec].elf_idx == s->shndx && (uint64_t)f->off * 8 == s->value &&
		    s->type == STT_FUNC)
			return spec->progs[i]->name;
	}
	(void)e;
	return NULL;
}

static int add_slot(struct eb_elf *e, struct ebpf_spec *spec, uint64_t r_off, const struct eb_elf_sym *s)
{
	const struct eb_elf_map_loc *loc = NULL;
	struct ebpf_map_spec *m = NULL;
	struct eb_map_slot *slots;
	const char *name;
	uint64_t rel;

	for (uint32_t i = 0; i < spec->map_cnt; i++) {
		if (spec->maps[i]->origin != EBPF_MAP_ORIGIN_BTF)
			continue;
		if (r_off >= e->map_locs[i].off && r_off - e->map_locs[i].off < e->map_locs[i].size) {
			m = spec->maps[i];
			loc = &e->map_locs[i];
			break;
		}
	}
	if (!m)
		return eb_err(-EINVAL, "%s: .maps: relocation at offset %llu against '%s' is not inside any map",
			      e->obj, (unsigned long long)r_off, eb_elf_sym_label(e, s));
	rel = r_off - loc->off;
	if (loc->values_off == UINT32_MAX || rel < loc->values_off || (rel - loc->values_off) % 8)
		return eb_err(-EINVAL, "%s: map '%s': relocation at offset %llu against '%s' is not a 'values' slot",
			      e->obj, m->name, (unsigned long long)r_off, eb_elf_sym_label(e, s));
	rel = (rel - loc->values_off) / 8;
	if (rel >= m->max_entries)
		return eb_err(-EINVAL, "%s: map '%s': slot %llu is beyond max_entries %u", e->obj, m->name,
			      (unsigned long long)rel, m->max_entries);
	if (m->type == EBPF_MAP_TYPE_PROG_ARRAY) {
		name = slot_prog(e, spec, s);
		if (!name)
			return eb_err(-EINVAL, "%s: map '%s': slot %llu: '%s' is not a program", e->obj, m->name,
				      (unsigned long long)rel, eb_elf_sym_label(e, s));
	} else {
		int32_t idx = s->shndx == e->maps_sec ? eb_elf_map_at(e, spec, e->maps_sec, s->value) : -1;

		if (idx < 0)
			return eb_err(-EINVAL, "%s: map '%s': slot %llu: '%s' is not a map in .maps", e->obj, m->name,
				      (unsigned long long)rel, eb_elf_sym_label(e, s));
		name = spec->maps[idx]->name;
	}
	for (uint32_t i = 0; i < m->slot_cnt; i++) {
		if (m->slots[i].index == rel)
			return eb_err(-EINVAL, "%s: map '%s': slot %llu initialised twice", e->obj, m->name,
				      (unsigned long long)rel);
	}
	slots = eb_reallocarray(m->slots, (size_t)m->slot_cnt + 1, sizeof(*slots));
	if (!slots)
		return -ENOMEM;
	m->slots = slots;
	slots[m->slot_cnt].index = (uint32_t)rel;
	/* A program's name (in the image) or a map spec's: both live as long as this map spec. */
	slots[m->slot_cnt].name = (char *)name;
	m->slot_cnt++;
	return 0;
}

int eb_elf_read_map_slots(struct eb_elf *e, struct ebpf_spec *spec)
{
	for (uint32_t k = 0; k < e->rel_sec_cnt && e->maps_sec; k++) {
		const struct eb_elf_sec *rs = &e->secs[e->rel_secs[k]];

		if (rs->type != SHT_REL || rs->info != e->maps_sec)
			continue;
		if (rs->link != e->symtab || rs->entsize != sizeof(Elf64_Rel) || rs->size % sizeof(Elf64_Rel))
			return eb_err(-EINVAL, "%s: section '%s': malformed relocation section", e->obj, rs->name);
		for (uint64_t j = 0; j < rs->size / sizeof(Elf64_Rel); j++) {
			const uint8_t *p = rs->data + j * sizeof(Elf64_Rel);
			uint64_t off = eb_elf_u64(e, p), info = eb_elf_u64(e, p + 8);
			uint32_t sym = (uint32_t)ELF64_R_SYM(info);
			int err;

			if (sym == 0 || sym >= e->sym_cnt)
				return eb_err(-EINVAL, "%s: section '%s': relocation %llu: bad symbol index %u", e->obj,
					      rs->name, (unsigned long long)j, sym);
			err = add_slot(e, spec, off, &e->syms[sym]);
			if (err)
				return err;
		}
	}
	for (uint32_t i = 0; i < spec->map_cnt; i++) {
		struct ebpf_map_spec *m = spec->maps[i];

		if (m->slot_cnt > 1)
			qsort(m->slots, m->slot_cnt, sizeof(*m->slots), cmp_slot);
	}
	return 0;
}
