// SPDX-License-Identifier: BSD-2-Clause
/*
 * Names the spec keeps. An object with 1,000 programs has thousands of names
 * (sections, functions, programs, attach targets, relocation symbols); they
 * point into the section-name and symbol-name tables of the object's bytes,
 * which the spec owns (spec->image) — no copy at all. The tables were checked
 * by eb_elf_open(): every name read from them is NUL-terminated inside its table.
 */
#include <stdint.h>

#include "lib/elf_reader.h"

/* Whether `p` points inside string table `idx` (which has contents). */
static bool in_table(const struct eb_elf *e, uint32_t idx, const char *p)
{
	uintptr_t base, at = (uintptr_t)p;

	if (!idx || !e->secs[idx].data)
		return false;
	base = (uintptr_t)e->secs[idx].data;
	return at >= base && at - base < e->secs[idx].size;
}

char *eb_elf_kept(const struct eb_elf *e, const struct ebpf_spec *spec, const char *name)
{
	(void)spec;
	/* An empty name the reader made up (section 0's) is a string literal. */
	if (in_table(e, e->shstrtab, name) || in_table(e, e->strtab, name) || name[0] == '\0')
		return (char *)name;
	return NULL;
}
