// SPDX-License-Identifier: BSD-2-Clause
/*
 * The spec's public read API, its few setters, and freeing. Parsing lives in
 * lib/elf_*.c; this file only reads and edits the data model of lib/spec.h.
 */
#include <errno.h>
#include <string.h>
#include <sys/mman.h>

#include "lib/alloc.h"
#include "lib/elf_reader.h"
#include "lib/error.h"
#include "lib/spec.h"

/* ------------------------------------------------------------------ freeing */

void eb_map_spec_free(struct ebpf_map_spec *m)
{
	if (!m)
		return;
	eb_map_spec_free(m->inner);
	/*
	 * The name and the variables share the map spec's allocation
	 * (eb_map_spec_new); slot and variable names point into the image, the
	 * BTF or other specs, which outlive the map spec.
	 */
	if (m->data_owned)
		eb_free(m->data);
	eb_free(m->slots);
	eb_spec_release(m->spec, m);
}

void *eb_spec_carve(struct ebpf_spec *spec, size_t size)
{
	size_t room = spec->carve_pos ? (size_t)(spec->carve_end - spec->carve_pos) : 0;
	uint8_t *p;

	size = size > SIZE_MAX - 7 ? SIZE_MAX : (size + 7) & ~(size_t)7;
	if (size > room)
		return eb_malloc(size);
	p = spec->carve_pos;
	spec->carve_pos += size;
	return p;
}

bool eb_spec_carved(const struct ebpf_spec *spec, const void *p)
{
	return spec && p && (const uint8_t *)p >= (const uint8_t *)spec && (const uint8_t *)p < spec->carve_end;
}

void eb_spec_release(const struct ebpf_spec *spec, void *p)
{
	if (!eb_spec_carved(spec, p))
		eb_free(p);
}

void eb_spec_hold(const struct ebpf_spec *spec)
{
	/* the count is the only mutable part of a spec others see as const */
	__atomic_add_fetch(&((struct ebpf_spec *)spec)->holders, 1, __ATOMIC_RELAXED);
}

EBPF_API void ebpf_spec_free(struct ebpf_spec *spec)
{
	if (!spec)
		return;
	/* another holder (a collection loaded from it) still uses it: it frees it last */
	if (__atomic_fetch_sub(&spec->holders, 1, __ATOMIC_ACQ_REL) > 0)
		return;
	for (uint32_t i = 0; i < spec->sec_cnt; i++) {
		struct eb_text_sec *s = &spec->secs[i];

		/* names and relocation symbols live in the image */
		if (s->insns_owned)
			eb_free(s->insns);
	}
	/* every section's relocations share one block (carved, or on the heap) */
	eb_spec_release(spec, spec->reloc_store);
	/* funcs, progs and secs share prog_store's block; program specs own nothing */
	eb_spec_release(spec, spec->prog_store);
	for (uint32_t i = 0; i < spec->map_cnt; i++)
		eb_map_spec_free(spec->maps[i]);
	eb_spec_release(spec, spec->maps);
	/* extern names live in the image */
	eb_free(spec->externs);
	eb_btf_ext_free(spec->btf_ext);
	eb_btf_put(spec->btf);
	eb_free(spec->strs);
	/* spec->name shares the spec's allocation (lib/elf_spec.c) */
	if (spec->license_owned)
		eb_free(spec->license);
	eb_spec_image_release(&spec->image);
	eb_free(spec);
}

void eb_spec_image_release(struct eb_spec_image *img)
{
	if (img->map)
		munmap(img->map, img->map_len);
	eb_free(img->heap[0]);
	eb_free(img->heap[1]);
	memset(img, 0, sizeof(*img));
}

size_t eb_map_spec_size(size_t name_len, size_t vars)
{
	_Static_assert(sizeof(struct ebpf_map_spec) % _Alignof(struct eb_var) == 0, "variables follow the map spec");
	/* vars is bounded by a section's or a BTF's size: vars * sizeof(struct eb_var) cannot overflow. */
	return sizeof(struct ebpf_map_spec) + vars * sizeof(struct eb_var) + name_len + 1;
}

struct ebpf_map_spec *eb_map_spec_new(struct ebpf_spec *spec, const char *name, enum ebpf_map_origin origin,
				      size_t vars)
{
	size_t len = strlen(name);
	struct ebpf_map_spec *m;

	m = eb_spec_carve(spec, eb_map_spec_size(len, vars));
	if (!m)
		return NULL;
	memset(m, 0, sizeof(*m));
	m->vars = vars ? (struct eb_var *)(m + 1) : NULL;
	m->name = memcpy((char *)(m + 1) + vars * sizeof(struct eb_var), name, len + 1);
	m->spec = spec;
	m->origin = origin;
	return m;
}

int eb_spec_add_map(struct ebpf_spec *spec, const char *name, enum ebpf_map_origin origin, size_t vars,
		    struct ebpf_map_spec **out)
{
	struct ebpf_map_spec *m;

	/* The opener may have carved room for the maps it counted; beyond that, powers of two from 4. */
	if (spec->map_cnt == spec->map_cap) {
		uint32_t cap = spec->map_cap ? spec->map_cap * 2 : 4;
		struct ebpf_map_spec **maps;

		if (spec->map_cap > UINT32_MAX / 2)
			return eb_err(-ENOMEM, "out of memory");
		if (eb_spec_carved(spec, spec->maps)) {
			maps = eb_reallocarray(NULL, cap, sizeof(*maps));
			if (maps)
				memcpy(maps, spec->maps, (size_t)spec->map_cnt * sizeof(*maps));
		} else {
			maps = eb_reallocarray(spec->maps, cap, sizeof(*maps));
		}
		if (!maps)
			return -ENOMEM;
		spec->maps = maps;
		spec->map_cap = cap;
	}
	m = eb_map_spec_new(spec, name, origin, vars);
	if (!m)
		return -ENOMEM;
	spec->maps[spec->map_cnt++] = m;
	*out = m;
	return 0;
}

/* ------------------------------------------------------------------- object */

EBPF_API const char *ebpf_spec_name(const struct ebpf_spec *spec)
{
	return spec->name;
}

EBPF_API const char *ebpf_spec_license(const struct ebpf_spec *spec)
{
	return spec->license ? spec->license : "";
}

EBPF_API uint32_t ebpf_spec_kern_version(const struct ebpf_spec *spec)
{
	return spec->kern_version;
}

EBPF_API bool ebpf_spec_foreign_endian(const struct ebpf_spec *spec)
{
	return spec->foreign_endian;
}

EBPF_API const struct ebpf_btf *ebpf_spec_btf(const struct ebpf_spec *spec)
{
	return spec->btf;
}

/* ----------------------------------------------------------------- programs */

EBPF_API size_t ebpf_spec_prog_count(const struct ebpf_spec *spec)
{
	return spec->prog_cnt;
}

EBPF_API struct ebpf_prog_spec *ebpf_spec_prog(const struct ebpf_spec *spec, size_t idx)
{
	return idx < spec->prog_cnt ? spec->progs[idx] : NULL;
}

EBPF_API struct ebpf_prog_spec *ebpf_spec_prog_by_name(const struct ebpf_spec *spec, const char *name)
{
	for (uint32_t i = 0; name && i < spec->prog_cnt; i++) {
		if (strcmp(spec->progs[i]->name, name) == 0)
			return spec->progs[i];
	}
	eb_err(-ENOENT, "%s: no program named '%s'", spec->name, name ? name : "(null)");
	return NULL;
}

EBPF_API const char *ebpf_prog_spec_name(const struct ebpf_prog_spec *prog)
{
	return prog->name;
}

EBPF_API const char *ebpf_prog_spec_section(const struct ebpf_prog_spec *prog)
{
	return prog->section;
}

EBPF_API const char *ebpf_prog_spec_attach_target(const struct ebpf_prog_spec *prog)
{
	return prog->attach_target;
}

EBPF_API enum ebpf_prog_type ebpf_prog_spec_type(const struct ebpf_prog_spec *prog)
{
	return prog->type;
}

EBPF_API enum ebpf_attach_type ebpf_prog_spec_attach_type(const struct ebpf_prog_spec *prog)
{
	return prog->attach_type;
}

EBPF_API uint32_t ebpf_prog_spec_flags(const struct ebpf_prog_spec *prog)
{
	return prog->flags;
}

EBPF_API bool ebpf_prog_spec_autoload(const struct ebpf_prog_spec *prog)
{
	return prog->autoload;
}

EBPF_API void ebpf_prog_spec_set_autoload(struct ebpf_prog_spec *prog, bool autoload)
{
	prog->autoload = autoload;
}

EBPF_API void ebpf_prog_spec_set_type(struct ebpf_prog_spec *prog, enum ebpf_prog_type type,
				      enum ebpf_attach_type attach_type)
{
	prog->type = type;
	prog->attach_type = attach_type;
}

EBPF_API const struct ebpf_insn *ebpf_prog_spec_insns(const struct ebpf_prog_spec *prog, size_t *cnt)
{
	const struct eb_func *f = eb_prog_func(prog);

	if (cnt)
		*cnt = f->cnt;
	return prog->spec->secs[f->sec].insns + f->off;
}

EBPF_API size_t ebpf_prog_spec_reloc_count(const struct ebpf_prog_spec *prog)
{
	return prog->reloc_cnt;
}

EBPF_API int ebpf_prog_spec_reloc(const struct ebpf_prog_spec *prog, size_t idx, struct ebpf_reloc *out)
{
	const struct eb_func *f = eb_prog_func(prog);
	const struct eb_reloc *r;

	if (idx >= prog->reloc_cnt)
		return eb_err(-ENOENT, "prog '%s': no relocation %zu (it has %u)", prog->name, idx,
			      prog->reloc_cnt);
	r = &prog->spec->secs[f->sec].relocs[prog->reloc_first + idx];
	out->insn = r->insn - f->off;
	out->kind = r->kind;
	out->symbol = r->sym;
	out->target = r->target;
	out->addend = r->addend;
	return 0;
}

/* --------------------------------------------------------------------- maps */

EBPF_API size_t ebpf_spec_map_count(const struct ebpf_spec *spec)
{
	return spec->map_cnt;
}

EBPF_API struct ebpf_map_spec *ebpf_spec_map(const struct ebpf_spec *spec, size_t idx)
{
	return idx < spec->map_cnt ? spec->maps[idx] : NULL;
}

EBPF_API struct ebpf_map_spec *ebpf_spec_map_by_name(const struct ebpf_spec *spec, const char *name)
{
	for (uint32_t i = 0; name && i < spec->map_cnt; i++) {
		if (strcmp(spec->maps[i]->name, name) == 0)
			return spec->maps[i];
	}
	eb_err(-ENOENT, "%s: no map named '%s'", spec->name, name ? name : "(null)");
	return NULL;
}

EBPF_API const char *ebpf_map_spec_name(const struct ebpf_map_spec *map) { return map->name; }
EBPF_API enum ebpf_map_origin ebpf_map_spec_origin(const struct ebpf_map_spec *map) { return map->origin; }
EBPF_API enum ebpf_map_type ebpf_map_spec_type(const struct ebpf_map_spec *map) { return map->type; }
EBPF_API uint32_t ebpf_map_spec_key_size(const struct ebpf_map_spec *map) { return map->key_size; }
EBPF_API uint32_t ebpf_map_spec_value_size(const struct ebpf_map_spec *map) { return map->value_size; }
EBPF_API uint32_t ebpf_map_spec_max_entries(const struct ebpf_map_spec *map) { return map->max_entries; }
EBPF_API uint32_t ebpf_map_spec_flags(const struct ebpf_map_spec *map) { return map->flags; }
EBPF_API uint32_t ebpf_map_spec_numa_node(const struct ebpf_map_spec *map) { return map->numa_node; }
EBPF_API enum ebpf_pin_type ebpf_map_spec_pinning(const struct ebpf_map_spec *map) { return map->pinning; }
EBPF_API uint64_t ebpf_map_spec_map_extra(const struct ebpf_map_spec *map) { return map->map_extra; }
EBPF_API const struct ebpf_map_spec *ebpf_map_spec_inner(const struct ebpf_map_spec *map) { return map->inner; }

EBPF_API void ebpf_map_spec_set_max_entries(struct ebpf_map_spec *map, uint32_t max_entries)
{
	map->max_entries = max_entries;
}

EBPF_API const void *ebpf_map_spec_initial_value(const struct ebpf_map_spec *map, size_t *size)
{
	bool data_like = map->origin == EBPF_MAP_ORIGIN_DATA || map->origin == EBPF_MAP_ORIGIN_KCONFIG;

	if (size)
		*size = data_like && map->data ? map->value_size : 0;
	return data_like ? map->data : NULL;
}

EBPF_API size_t ebpf_map_spec_slot_count(const struct ebpf_map_spec *map)
{
	return map->slot_cnt;
}

EBPF_API int ebpf_map_spec_slot(const struct ebpf_map_spec *map, size_t idx, struct ebpf_map_slot *out)
{
	if (idx >= map->slot_cnt)
		return eb_err(-ENOENT, "map '%s': no slot %zu (it has %u)", map->name, idx, map->slot_cnt);
	out->index = map->slots[idx].index;
	out->name = map->slots[idx].name;
	return 0;
}

/* ---------------------------------------------------------------- variables */

EBPF_API size_t ebpf_map_spec_var_count(const struct ebpf_map_spec *map)
{
	return map->var_cnt;
}

EBPF_API int ebpf_map_spec_var(const struct ebpf_map_spec *map, size_t idx, struct ebpf_var_info *out)
{
	const struct eb_var *v;

	if (idx >= map->var_cnt)
		return eb_err(-ENOENT, "map '%s': no variable %zu (it has %u)", map->name, idx, map->var_cnt);
	v = &map->vars[idx];
	out->name = v->name;
	out->offset = v->offset;
	out->size = v->size;
	out->btf_type = v->btf_type;
	out->global = v->global;
	return 0;
}

EBPF_API int ebpf_spec_set_var(struct ebpf_spec *spec, const char *name, const void *value, size_t size)
{
	if (!spec || !name || (!value && size))
		return eb_err(-EINVAL, "set variable: NULL argument");
	for (uint32_t i = 0; i < spec->map_cnt; i++) {
		struct ebpf_map_spec *m = spec->maps[i];

		if (m->origin != EBPF_MAP_ORIGIN_DATA)
			continue;
		for (uint32_t j = 0; j < m->var_cnt; j++) {
			const struct eb_var *v = &m->vars[j];

			if (strcmp(v->name, name) != 0)
				continue;
			if (size != v->size)
				return eb_err(-EINVAL, "variable '%s' in '%s': size %zu given, the variable has %u bytes",
					      name, m->name, size, v->size);
			/*
			 * .bss has no initial bytes until someone sets one of its
			 * variables; other sections' bytes are the image's (read-only)
			 * until then.
			 */
			if (!m->data_owned) {
				uint8_t *copy = m->data ? eb_memdup(m->data, m->value_size)
							: eb_calloc(1, m->value_size ? m->value_size : 1);

				if (!copy)
					return -ENOMEM;
				m->data = copy;
				m->data_owned = true;
			}
			memcpy(m->data + v->offset, value, size);
			return 0;
		}
	}
	return eb_err(-ENOENT, "%s: no global variable named '%s'", spec->name, name);
}

/* ------------------------------------------------------------------ externs */

EBPF_API size_t ebpf_spec_extern_count(const struct ebpf_spec *spec)
{
	return spec->extern_cnt;
}

EBPF_API int ebpf_spec_extern(const struct ebpf_spec *spec, size_t idx, struct ebpf_extern_info *out)
{
	const struct eb_extern *x;

	if (idx >= spec->extern_cnt)
		return eb_err(-ENOENT, "%s: no extern %zu (it has %u)", spec->name, idx, spec->extern_cnt);
	x = &spec->externs[idx];
	out->name = x->name;
	out->kind = x->kind;
	out->weak = x->weak;
	out->btf_id = x->btf_id;
	out->btf_type = x->btf_type;
	out->size = x->kind == EBPF_EXTERN_KCONFIG ? x->size : 0;
	out->offset = x->kind == EBPF_EXTERN_KCONFIG ? x->offset : 0;
	return 0;
}

/*
 * The opener scans every section for calls and the linker every function it
 * places, so this looks for the call opcode byte with memchr (vectorised in
 * libc) and checks that a hit is an instruction's first byte; the same byte
 * inside an offset or immediate is rare and just skipped. The second half of
 * an ld_imm64 has opcode 0, so it never matches.
 */
uint32_t eb_next_pseudo_call(const struct ebpf_insn *insns, uint32_t n, uint32_t i)
{
	const uint8_t *base = (const uint8_t *)insns, *end = base + (size_t)n * sizeof(*insns);
	const uint8_t *p = base + (size_t)i * sizeof(*insns);

	while (p < end && (p = memchr(p, EBPF_JMP | EBPF_CALL, (size_t)(end - p)))) {
		size_t off = (size_t)(p - base);
		uint32_t j = (uint32_t)(off / sizeof(*insns));

		if (off % sizeof(*insns) == 0 && insns[j].src_reg == EBPF_PSEUDO_CALL)
			return j;
		p = base + (size_t)(j + 1) * sizeof(*insns);	/* the next instruction's first byte */
	}
	return n;
}
