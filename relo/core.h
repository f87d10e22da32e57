/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Internal: CO-RE (compile once, run everywhere) relocations. Applied per program
 * by eb_relo_program() after subprograms are appended, against a target BTF
 * (vmlinux, module BTF, or a file the caller names).
 */
#ifndef EB_CORE_H
#define EB_CORE_H

#include <stdint.h>

#include "btf/btf.h"
#include "relo/relo.h"

/* The poison constant unsatisfiable relocations call (recognised by tooling). */
#define EB_CORE_POISON 0xbad2310

/* Candidate lists per local type, cached across the programs of one load. */
struct eb_core_cache;
struct eb_core_cache *eb_core_cache_new(void);
void eb_core_cache_free(struct eb_core_cache *cache);

/*
 * Apply `cnt` CO-RE records (insn_off relative to `insns`) of a program named
 * `prog_name`. A relocation that cannot be satisfied poisons its instruction and
 * adds a note to `out` (e.g. "task_struct.loginuid: field not found in kernel
 * BTF"); hard errors (ambiguous candidates, instruction not matching the local
 * prediction, malformed access string) return a negative errno with errmsg set.
 * `cache` may be NULL.
 */
int eb_core_apply(const struct ebpf_btf *local, const struct ebpf_btf *targ,
		  struct eb_core_cache *cache, const char *prog_name,
		  struct ebpf_insn *insns, uint32_t insn_cnt,
		  const struct eb_core_relo *relos, uint32_t cnt,
		  struct eb_relo_prog *out);

#endif
