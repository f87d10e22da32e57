// SPDX-License-Identifier: BSD-2-Clause
/*
 * eb_relo_program(): one program, from the spec's tagged instructions to the
 * final array the kernel loads — link subprograms, patch symbols, then apply
 * CO-RE on the linked result (CO-RE records were rebased while linking, so a
 * subprogram shared by several programs is relocated in each of them).
 */
#include <errno.h>
#include <stdint.h>

#include "lib/alloc.h"
#include "lib/error.h"
#include "relo/core.h"
#include "relo/relo_internal.h"

int eb_relo_program(const struct ebpf_spec *spec, const struct ebpf_prog_spec *prog,
		    const struct eb_relo_env *env, const struct eb_extern_res *res,
		    const int *map_fds, struct eb_relo_prog *out)
{
	return eb_relo_program_scratch(spec, prog, env, res, map_fds, NULL, 0, out);
}

int eb_relo_program_scratch(const struct ebpf_spec *spec, const struct ebpf_prog_spec *prog,
			    const struct eb_relo_env *env, const struct eb_extern_res *res,
			    const int *map_fds, void *scratch, size_t size, struct eb_relo_prog *out)
{
	return eb_relo_program_cursor(spec, prog, env, res, map_fds, NULL, scratch, size, out);
}

int eb_relo_program_cursor(const struct ebpf_spec *spec, const struct ebpf_prog_spec *prog,
			   const struct eb_relo_env *env, const struct eb_extern_res *res,
			   const int *map_fds, struct eb_relo_cursor *cursor, void *scratch, size_t size,
			   struct eb_relo_prog *out)
{
	struct eb_linked lk;
	int err;

	/* an assignment, not memset: a fixed-count clear without memset's alignment prologue */
	*out = (struct eb_relo_prog){ .scratch = scratch, .scratch_size = scratch ? size : 0 };
	if (spec->foreign_endian)
		return eb_err(-EINVAL, "prog '%s': the object is in the foreign byte order and can "
			      "only be inspected", prog->name);
	err = eb_relo_link(spec, prog, cursor, out, &lk);
	if (!err)
		err = eb_relo_patch(spec, prog, env, res, map_fds, &lk, out);
	if (!err && lk.core_cnt) {
		if (!spec->btf)
			err = eb_err(-EINVAL, "prog '%s': CO-RE relocations without object BTF",
				     prog->name);
		else if (!env->kbtf)
			err = eb_err(-ENOENT, "prog '%s': %u CO-RE relocation(s) need kernel BTF, "
				     "and none is available", prog->name, lk.core_cnt);
		else
			err = eb_core_apply(spec->btf, env->kbtf, env->core_cache, prog->name, out->insns,
					    out->insn_cnt, lk.core, lk.core_cnt, out);
	}
	eb_relo_linked_free(&lk);
	if (err)
		eb_relo_prog_free(out);
	return err;
}

/*
 * Free an output array unless it lives in the caller's scratch: one unsigned
 * compare, since an address below the scratch wraps to a large offset and
 * scratch_size is 0 without a scratch (eb_relo_program_cursor sets both).
 */
static void free_array(const struct eb_relo_prog *out, void *p)
{
	if (p && (uintptr_t)p - (uintptr_t)out->scratch >= out->scratch_size)
		eb_free(p);
}

void eb_relo_prog_release(struct eb_relo_prog *out)
{
	free_array(out, out->insns);
	free_array(out, out->func_info);
	free_array(out, out->line_info);
	/* tested first: a collection load frees one of these per program, and they are rarely there */
	if (out->fd_btfs || out->fd_modules) {
		for (uint32_t i = 0; i < out->fd_btf_cnt; i++)
			eb_btf_put(out->fd_btfs[i]);
		eb_free(out->fd_btfs);
		eb_free(out->fd_modules);
	}
	if (out->notes) {
		for (uint32_t i = 0; i < out->note_cnt; i++)
			eb_free(out->notes[i].what);
		eb_free(out->notes);
	}
}

void eb_relo_prog_free(struct eb_relo_prog *out)
{
	if (!out)
		return;
	eb_relo_prog_release(out);
	*out = (struct eb_relo_prog){ 0 };
}
