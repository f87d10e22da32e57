/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Rendering data through BTF, for tools that print map contents, ring-buffer
 * records and global variables: the type's C spelling, and a value as JSON.
 */
#ifndef EBPF_BTF_DUMP_H
#define EBPF_BTF_DUMP_H

#include <ebpf/common.h>
#include <ebpf/spec.h>

#ifdef __cplusplus
extern "C" {
#endif

struct ebpf_btf;	/* see ebpf/btf.h; ebpf_spec_btf() gives an object's */

/*
 * Render `size` bytes at `data`, of type `type_id` in `btf`, as one line of JSON:
 * integers as numbers (128-bit ones as "0x..." strings), bool as true/false,
 * enums by enumerator name (the number when no enumerator matches), char arrays
 * as strings (up to the first NUL), other arrays as arrays, structs and unions
 * as objects (anonymous members flattened, bitfields extracted), floats as
 * numbers, DATASECs as objects of their variables, and everything else
 * (pointers, functions, forward declarations) as a "0x..." hex string of its
 * bytes. Nesting deeper than 32 levels is rendered as hex.
 *
 * Writes at most `len` bytes including the terminating NUL into `buf` (a NULL
 * buf counts as len 0) and returns the length the whole rendering needs,
 * excluding the NUL, like snprintf (capped at INT32_MAX): call again with a
 * bigger buffer when the result is >= len. Only the type's own size is read
 * from `data`. Errors (buf untouched): -EINVAL (NULL btf/data, type_id not in
 * btf, a type without a size such as void or a function, a size that
 * overflows, or a type larger than `size` bytes), with ebpf_errmsg() saying
 * which.
 */
EBPF_API int ebpf_btf_dump_json(const struct ebpf_btf *btf, uint32_t type_id, const void *data,
				size_t size, char *buf, size_t len);

/*
 * The C spelling of type `type_id` ("struct event", "unsigned int", "char[16]",
 * "struct task_struct *(int)"; id 0 is "void") into buf, silently truncated to
 * len bytes including the NUL; len 0 writes nothing. Returns 0, or -EINVAL when
 * btf is NULL or the id is not in it (buf then holds "?").
 */
EBPF_API int ebpf_btf_dump_type(const struct ebpf_btf *btf, uint32_t type_id, char *buf, size_t len);

/* Number of types in `btf` including id 0 (void), as ebpf_btf_type_cnt(). 0 for NULL. */
EBPF_API uint32_t ebpf_btf_dump_type_count(const struct ebpf_btf *btf);

/*
 * Object BTF ids of a map's key and value types, to render with the BTF of
 * ebpf_spec_btf(); 0 when the object has no such type info or map is NULL. For
 * .data/.bss/.rodata/.kconfig maps the value type is the section's DATASEC,
 * which renders as an object of its variables.
 */
EBPF_API uint32_t ebpf_map_spec_btf_key_type(const struct ebpf_map_spec *map);
EBPF_API uint32_t ebpf_map_spec_btf_value_type(const struct ebpf_map_spec *map);

#ifdef __cplusplus
}
#endif
#endif
