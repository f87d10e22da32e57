/* SPDX-License-Identifier: BSD-2-Clause */
/* Rendering eBPF instructions as text for `ebpf inspect --disasm`. */
#ifndef EBPF_TOOL_DISASM_H
#define EBPF_TOOL_DISASM_H

#include <stddef.h>
#include <stdint.h>

#include <ebpf/uapi.h>

/* Name of helper `id` for `call` instructions, or NULL if unknown. */
typedef const char *(*disasm_helper_name_fn)(int32_t id);

/*
 * Render insns[idx] (of cnt) in the C-like syntax of the kernel verifier log
 * ("r1 = *(u32 *)(r2 +8)", "if r1 == 0x0 goto +3 <12>", "call bpf_map_lookup_elem#1").
 * A ld_imm64 reads insns[idx + 1] too. Never reads outside insns[0..cnt).
 * Returns the number of instruction slots consumed (1 or 2).
 */
size_t disasm_insn(const struct ebpf_insn *insns, size_t cnt, size_t idx,
		   disasm_helper_name_fn helper_name, char *buf, size_t len);

#endif
