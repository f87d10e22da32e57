// SPDX-License-Identifier: BSD-2-Clause
/*
 * The legacy `maps` section: an array of struct bpf_map_def { type, key_size,
 * value_size, max_entries, map_flags } (five u32), one per symbol. libbpf 1.x
 * dropped it; we keep reading it for old objects. Definitions larger than ours
 * (from loaders that added fields) are accepted only when the extra bytes are
 * zero: a non-zero field we do not understand would silently change the map.
 */
#include <elf.h>
#include <errno.h>
#include <stdlib.h>

#include "lib/alloc.h"
#include "lib/elf_reader.h"
#include "lib/error.h"

#define MAP_DEF_FIELDS 5
#define MAP_DEF_SIZE (MAP_DEF_FIELDS * sizeof(uint32_t))

static int cmp_sym_value(const void *a, const void *b)
{
	const struct eb_elf_sym *x = *(const struct eb_elf_sym *const *)a;
	const struct eb_elf_sym *y = *(const struct eb_elf_sym *const *)b;

	return x->value < y->value ? -1 : x->value > y->value;
}

static int read_def(struct eb_elf *e, struct ebpf_spec *spec, const struct eb_elf_sym *sym,
		    uint64_t def_size)
{
	const struct eb_elf_sec *sec = &e->secs[e->legacy_maps_sec];
	const uint8_t *def = sec->data + sym->value;
	uint32_t f[MAP_DEF_FIELDS] = { 0 };
	struct ebpf_map_spec *m;
	int err;

	for (uint64_t i = MAP_DEF_SIZE; i < def_size; i++) {
		if (def[i])
			return eb_err(-EINVAL,
				      "%s: legacy map '%s': byte %llu of its %llu-byte definition is non-zero; only the %zu bytes of struct bpf_map_def are understood",
				      e->obj, sym->name, (unsigned long long)i, (unsigned long long)def_size,
				      MAP_DEF_SIZE);
	}
	for (uint64_t i = 0; i < MAP_DEF_FIELDS && (i + 1) * sizeof(uint32_t) <= def_size; i++)
		f[i] = eb_elf_u32(e, def + i * sizeof(uint32_t));

	err = eb_spec_add_map(spec, sym->name, EBPF_MAP_ORIGIN_LEGACY, 0, &m);
	if (err)
		return err;
	m->type = (enum ebpf_map_type)f[0];
	m->key_size = f[1];
	m->value_size = f[2];
	m->max_entries = f[3];
	m->flags = f[4];
	return eb_elf_map_loc_set(e, spec->map_cnt - 1,
				  (struct eb_elf_map_loc){ e->legacy_maps_sec, sym->value, def_size, UINT32_MAX });
}

int eb_elf_read_legacy_maps(struct eb_elf *e, struct ebpf_spec *spec)
{
	const struct eb_elf_sec *sec;
	const struct eb_elf_sym **syms = NULL;
	uint64_t def_size;
	uint32_t n = 0;
	int err = 0;

	if (!e->legacy_maps_sec)
		return 0;
	sec = &e->secs[e->legacy_maps_sec];
	syms = eb_calloc(e->sym_cnt ? e->sym_cnt : 1, sizeof(*syms));
	if (!syms)
		return -ENOMEM;
	for (uint32_t i = 1; i < e->sym_cnt; i++) {
		const struct eb_elf_sym *s = &e->syms[i];

		if (s->shndx == e->legacy_maps_sec && s->type != STT_SECTION && s->name[0])
			syms[n++] = s;
	}
	if (n == 0) {
		if (sec->size)
			err = eb_err(-EINVAL, "%s: section 'maps' has %llu bytes but no map symbols", e->obj,
				     (unsigned long long)sec->size);
		goto out;
	}
	/* All definitions have the same size: the section divided by the symbol count. */
	def_size = sec->size / n;
	if (def_size * n != sec->size || def_size < sizeof(uint32_t) * 4 || def_size % sizeof(uint32_t)) {
		err = eb_err(-EINVAL, "%s: section 'maps': %llu bytes do not divide into %u map definitions",
			     e->obj, (unsigned long long)sec->size, n);
		goto out;
	}
	qsort(syms, n, sizeof(*syms), cmp_sym_value);
	for (uint32_t i = 0; i < n && !err; i++) {
		if (syms[i]->value % def_size || syms[i]->value >= sec->size ||
		    (i && syms[i]->value == syms[i - 1]->value)) {
			err = eb_err(-EINVAL, "%s: legacy map '%s': offset %llu is not a distinct %llu-byte slot",
				     e->obj, syms[i]->name, (unsigned long long)syms[i]->value,
				     (unsigned long long)def_size);
			break;
		}
		err = read_def(e, spec, syms[i], def_size);
	}
out:
	eb_free(syms);
	return err;
}
