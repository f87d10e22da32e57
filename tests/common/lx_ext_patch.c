// SPDX-License-Identifier: BSD-2-Clause
/* See lx_ext_patch.h. Written for trusted test objects: each step is asserted. */
#include <elf.h>
#include <string.h>

#include "testutil.h"
#include "lx_ext_patch.h"

static uint32_t u32_at(const uint8_t *p)
{
	uint32_t v;

	memcpy(&v, p, 4);
	return v;
}

/* The bytes of section `name`: *off and *len in the file. */
static void find_sec(const uint8_t *elf, size_t size, const char *name, size_t *off, size_t *len)
{
	Elf64_Ehdr eh;
	Elf64_Shdr sh, strsh;

	ck_assert_uint_ge(size, sizeof(eh));
	memcpy(&eh, elf, sizeof(eh));
	ck_assert_uint_le(eh.e_shoff + (uint64_t)eh.e_shnum * sizeof(sh), size);
	memcpy(&strsh, elf + eh.e_shoff + (size_t)eh.e_shstrndx * sizeof(sh), sizeof(sh));
	for (unsigned i = 1; i < eh.e_shnum; i++) {
		memcpy(&sh, elf + eh.e_shoff + (size_t)i * sizeof(sh), sizeof(sh));
		if (strcmp((const char *)elf + strsh.sh_offset + sh.sh_name, name) == 0) {
			ck_assert_uint_le(sh.sh_offset + sh.sh_size, size);
			*off = sh.sh_offset;
			*len = sh.sh_size;
			return;
		}
	}
	ck_abort_msg("no section %s", name);
}

size_t lx_ext_field_off(const uint8_t *elf, size_t size, enum lx_ext_table tab, const char *sec, uint32_t rec,
			uint32_t field)
{
	size_t btf, btf_len, ext, ext_len, strs, p, end;
	uint32_t rec_size;

	find_sec(elf, size, ".BTF", &btf, &btf_len);
	find_sec(elf, size, ".BTF.ext", &ext, &ext_len);
	/* .BTF header: magic, version, flags, hdr_len, type_off, type_len, str_off, str_len */
	strs = btf + u32_at(elf + btf + 4) + u32_at(elf + btf + 16);
	/* .BTF.ext header: ..., hdr_len at 4, then (off, len) per table from 8 */
	p = ext + u32_at(elf + ext + 4) + u32_at(elf + ext + 8 + 8 * tab);
	end = p + u32_at(elf + ext + 12 + 8 * tab);
	ck_assert_uint_le(end, ext + ext_len);
	rec_size = u32_at(elf + p);
	for (p += 4; p + 8 <= end;) {
		uint32_t num = u32_at(elf + p + 4);

		if (strcmp((const char *)elf + strs + u32_at(elf + p), sec) == 0) {
			ck_assert_uint_lt(rec, num);
			ck_assert_uint_lt(field * 4, rec_size);
			return p + 8 + (size_t)rec * rec_size + field * 4;
		}
		p += 8 + (size_t)num * rec_size;
	}
	ck_abort_msg("no .BTF.ext table %d section %s", (int)tab, sec);
	return 0;
}

uint32_t lx_ext_get(const uint8_t *elf, size_t size, enum lx_ext_table tab, const char *sec, uint32_t rec,
		    uint32_t field)
{
	return u32_at(elf + lx_ext_field_off(elf, size, tab, sec, rec, field));
}

void lx_ext_set(uint8_t *elf, size_t size, enum lx_ext_table tab, const char *sec, uint32_t rec, uint32_t field,
		uint32_t v)
{
	memcpy(elf + lx_ext_field_off(elf, size, tab, sec, rec, field), &v, 4);
}
