/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Test helper: read or damage one field of one .BTF.ext record in the bytes of
 * a (little-endian, ELF64) object file, found by table, ELF section name and
 * record index the way the loader's messages name them.
 */
#ifndef LX_EXT_PATCH_H
#define LX_EXT_PATCH_H

#include <stddef.h>
#include <stdint.h>

enum lx_ext_table { LX_FUNC_INFO, LX_LINE_INFO, LX_CORE_RELO };

/*
 * The byte offset in `elf` of field `field` (u32 words: 0 = insn_off) of record
 * `rec` of section `sec` in table `tab`; fails the test if there is none.
 */
size_t lx_ext_field_off(const uint8_t *elf, size_t size, enum lx_ext_table tab, const char *sec, uint32_t rec,
			uint32_t field);
uint32_t lx_ext_get(const uint8_t *elf, size_t size, enum lx_ext_table tab, const char *sec, uint32_t rec,
		    uint32_t field);
void lx_ext_set(uint8_t *elf, size_t size, enum lx_ext_table tab, const char *sec, uint32_t rec, uint32_t field,
		uint32_t v);

#endif
