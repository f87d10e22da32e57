// SPDX-License-Identifier: BSD-2-Clause
/*
 * The object's .BTF and .BTF.ext: parsed by btf/ (which validates them), then
 * completed with what only the ELF knows: DATASEC sizes and variable offsets that
 * clang leaves for the loader to fill in.
 */
#include <elf.h>
#include <errno.h>
#include <string.h>

#include "lib/elf_reader.h"
#include "lib/error.h"

/*
 * The section named `name`, or 0. The two DATASECs most objects have, .maps
 * and license, have slots (their names are unique: a duplicate was refused),
 * which saves a scan over every section header, debug info included.
 */
static uint32_t section_named(const struct eb_elf *e, const char *name)
{
	if (e->maps_sec && strcmp(name, ".maps") == 0)
		return e->maps_sec;
	if (e->license_sec && strcmp(name, "license") == 0)
		return e->license_sec;
	for (uint32_t i = 1; i < e->sec_cnt; i++) {
		const char *n = e->secs[i].name;

		/* Most section names differ in their first two characters: no call for those. */
		if (n[0] == name[0] && (!n[0] || n[1] == name[1]) && strcmp(n, name) == 0)
			return i;
	}
	return 0;
}

static int section_size(void *ctx, const char *name, uint32_t *size)
{
	const struct eb_elf *e = ctx;
	uint32_t i = section_named(e, name);

	if (!i)
		return -ENOENT;
	if (e->secs[i].size > UINT32_MAX)
		return eb_err(-EINVAL, "%s: section '%s' is larger than 4 GiB", e->obj, name);
	*size = (uint32_t)e->secs[i].size;
	return 0;
}

static int var_offset(void *ctx, const char *sec, const char *name, uint32_t *off)
{
	const struct eb_elf *e = ctx;

	/*
	 * The variables defined in a section, in symbol-table order (collected by
	 * eb_elf_open). Names are compared only when their first characters match:
	 * a strcmp call per symbol was most of this.
	 */
	for (uint32_t i = 0; i < e->obj_sym_cnt; i++) {
		const struct eb_elf_sym *s = e->obj_syms[i];

		if (s->name[0] != name[0] || strcmp(s->name, name) != 0 || strcmp(e->secs[s->shndx].name, sec) != 0)
			continue;
		/* eb_elf_open() checked the symbol lies inside its section. */
		*off = (uint32_t)s->value;
		return 0;
	}
	return -ENOENT;
}

int eb_elf_btf_fixup(const struct eb_elf *e, struct ebpf_spec *spec, const struct eb_btf_fixup_cb *cb)
{
	/* The image is writable until the spec is handed out (lib/elf_spec.c). */
	return eb_btf_fixup_datasecs_writable(spec->btf, (void *)e->secs[e->btf_sec].data, cb);
}

int eb_elf_read_btf(struct eb_elf *e, struct ebpf_spec *spec)
{
	const struct eb_btf_fixup_cb cb = { section_size, var_offset, e };
	const struct eb_elf_sec *s;
	int err;

	if (!e->btf_sec) {
		if (e->btf_ext_sec)
			return eb_err(-EINVAL, "%s: .BTF.ext without .BTF", e->obj);
		return 0;
	}
	s = &e->secs[e->btf_sec];
	/*
	 * In place: the image is the spec's and writable while it is parsed, so the
	 * fix-ups go into it (the parser still copies a misaligned or foreign-order blob).
	 */
	err = eb_btf_parse(s->data, s->size, NULL, EB_BTF_BORROW, &spec->btf);
	if (err)
		return eb_err_ctx(err, "%s", e->obj);
	err = eb_elf_btf_fixup(e, spec, &cb);
	if (err)
		return eb_err_ctx(err, "%s", e->obj);
	if (e->btf_ext_sec) {
		s = &e->secs[e->btf_ext_sec];
		/* The image outlives spec->btf_ext (ebpf_spec_free() releases it last). */
		err = eb_btf_ext_parse_borrowed(s->data, s->size, e->swap, spec->btf, &spec->btf_ext);
		if (err)
			return eb_err_ctx(err, "%s", e->obj);
	}
	return 0;
}
