// SPDX-License-Identifier: BSD-2-Clause
/*
 * The spec's string arena. An object with 1,000 programs has thousands of names
 * (sections, functions, programs, attach targets, relocation symbols); copying
 * each with strdup() cost one allocation and one free per name, the largest part
 * of opening such an object. Instead the two string tables those names come from
 * are copied once, and names point into the copy. The tables were checked by
 * eb_elf_open(): every name read from them is NUL-terminated inside its table.
 */
#include <errno.h>
#include <stdint.h>
#include <string.h>

#include "lib/alloc.h"
#include "lib/elf_reader.h"

/* Bytes of string table `idx` that the arena copies (0 for a table without contents). */
static uint64_t table_size(const struct eb_elf *e, uint32_t idx)
{
	return idx && e->secs[idx].data ? e->secs[idx].size : 0;
}

int eb_elf_keep_strs(struct eb_elf *e, struct ebpf_spec *spec)
{
	uint64_t sh = table_size(e, e->shstrtab);
	uint64_t sym = e->strtab == e->shstrtab ? 0 : table_size(e, e->strtab);

	/* Both tables lie inside the file we hold, so their sum fits in size_t. */
	spec->strs = eb_malloc((size_t)(sh + sym) + 1);
	if (!spec->strs)
		return -ENOMEM;
	if (sh)
		memcpy(spec->strs, e->secs[e->shstrtab].data, (size_t)sh);
	if (sym)
		memcpy(spec->strs + sh, e->secs[e->strtab].data, (size_t)sym);
	spec->strs[sh + sym] = '\0';
	return 0;
}

/* Whether `p` points inside string table `idx`; *off receives its offset. */
static bool in_table(const struct eb_elf *e, uint32_t idx, const char *p, uint64_t *off)
{
	uintptr_t base, at = (uintptr_t)p;

	if (!table_size(e, idx))
		return false;
	base = (uintptr_t)e->secs[idx].data;
	if (at < base || at - base >= e->secs[idx].size)
		return false;
	*off = at - base;
	return true;
}

char *eb_elf_kept(const struct eb_elf *e, const struct ebpf_spec *spec, const char *name)
{
	uint64_t off;

	if (in_table(e, e->shstrtab, name, &off))
		return spec->strs + off;
	if (in_table(e, e->strtab, name, &off))
		return spec->strs + table_size(e, e->shstrtab) + off;
	/* An empty name the reader made up (section 0's): the arena's final NUL. */
	if (name[0] == '\0')
		return spec->strs + table_size(e, e->shstrtab) +
		       (e->strtab == e->shstrtab ? 0 : table_size(e, e->strtab));
	return NULL;
}
