/* SPDX-License-Identifier: BSD-2-Clause */
/* Internal to relo/: the pieces eb_relo_program() is assembled from. */
#ifndef EB_RELO_INTERNAL_H
#define EB_RELO_INTERNAL_H

#include <stddef.h>
#include <stdint.h>

#include "relo/relo.h"

#define EB_INSN_LD_IMM64 (EBPF_LD | EBPF_DW | EBPF_IMM)	/* 0x18 */
#define EB_INSN_CALL (EBPF_JMP | EBPF_CALL)		/* 0x85 */

/*
 * The value of one .kconfig extern, written to `dst` (ext->size bytes) unless dst
 * is NULL (validation only). Errors (-ENOENT unknown, -EINVAL type/size/range)
 * set errmsg to the reason alone (callers add the extern's name), e.g.
 * "not in this kernel's config".
 */
int eb_kcfg_value(const struct eb_extern *ext, const struct eb_relo_env *env, void *dst);

/* A function placed in the program being linked. */
struct eb_placed {
	uint32_t func;		/* index into spec->funcs */
	uint32_t start;		/* first instruction in the final program */
	/* its relocation tags (eb_relo_sec_relocs), found once for linking and patching */
	const struct eb_reloc *rel;
	uint32_t rel_cnt;
};

/*
 * Most programs are one function: their placed list lives inside eb_linked
 * (no allocation); a longer one moves to the heap. So an eb_linked must not
 * be copied while `placed` may point into it.
 */
#define EB_PLACED_INLINE 2

/* The result of linking: the placed functions and the program's CO-RE records. */
struct eb_linked {
	struct eb_placed *placed;	/* placed_inline or eb_malloc'd */
	uint32_t placed_cnt;
	struct eb_core_relo *core;	/* insn_off rebased onto the final program */
	uint32_t core_cnt;
	struct eb_placed placed_inline[EB_PLACED_INLINE];
};

/*
 * Build out->insns from the program's function followed by every subprogram it
 * reaches (transitively, each once), patch bpf-to-bpf calls and BPF_PSEUDO_FUNC
 * loads, and carry func_info/line_info (into out) and CO-RE records (into lk),
 * all rebased onto the final instruction array. `cur` (NULL: none) is the
 * load's cursor into the sections' .BTF.ext records (struct eb_relo_cursor).
 */
int eb_relo_link(const struct ebpf_spec *spec, const struct ebpf_prog_spec *prog,
		 struct eb_relo_cursor *cur, struct eb_relo_prog *out, struct eb_linked *lk);
void eb_relo_linked_free(struct eb_linked *lk);

/* The relocation tags of instructions [off, off + cnt) of a section (relocs are sorted). */
const struct eb_reloc *eb_relo_sec_relocs(const struct eb_text_sec *sec, uint32_t off, uint32_t cnt,
					  uint32_t *n);

/*
 * Patch maps, global data, kconfig, ksyms and kfuncs in the linked program from
 * the extern resolutions; adds module BTF fd_array slots and notes to `out`.
 */
int eb_relo_patch(const struct ebpf_spec *spec, const struct ebpf_prog_spec *prog,
		  const struct eb_relo_env *env, const struct eb_extern_res *res, const int *map_fds,
		  const struct eb_linked *lk, struct eb_relo_prog *out);

/* "kfunc", "ksym", "kconfig" for messages. */
const char *eb_extern_kind_str(enum ebpf_extern_kind kind);

#endif
