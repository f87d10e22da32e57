/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Loading one program image: PROG_LOAD without a log first (fast path), then
 * the verifier-log retry and the explanation. Also the private rewritten copy
 * used for cookie emulation.
 */
#include <errno.h>
#include <string.h>
#include <unistd.h>

#include "lib/alloc.h"
#include "lib/collection_internal.h"
#include "lib/error.h"
#include "lib/features.h"
#include "lib/sys.h"
#include "lib/verifier_log.h"

/* Kernel object names: at most 15 chars of [A-Za-z0-9_.]. */
void eb_obj_name(char dst[EB_OBJ_NAME_LEN], const char *src)
{
	/*
	 * What each 7-bit char becomes (itself if allowed, else '_'), one row per
	 * 16 chars: a load per char, run for every program and map.
	 */
	static const char map[129] =
		"________________" "________________"	/* control chars */
		"______________._" "0123456789______"
		"_ABCDEFGHIJKLMNO" "PQRSTUVWXYZ_____"
		"_abcdefghijklmno" "pqrstuvwxyz_____";

	memset(dst, 0, EB_OBJ_NAME_LEN);
	if (!src)
		return;
	for (size_t n = 0; n < EB_OBJ_NAME_LEN - 1; n++) {
		signed char c = (signed char)src[n];

		/* one test for both rare cases: the end, or a byte outside ASCII */
		if (c <= 0) {
			if (!c)
				break;
			dst[n] = '_';
			continue;
		}
		dst[n] = map[c];
	}
}

int eb_prog_relocate(const struct ebpf_prog *prog, struct eb_relo_prog *out)
{
	const struct ebpf_collection *coll = prog->coll;
	int stack_fds[32] = { 0 }, *fds = stack_fds, err;	/* (zeroed: gcc cannot see that only map_cnt are read) */

	/*
	 * The fds the load relocated with are the maps' own (-1 for a map it did
	 * not create): the collection does not keep a second table of them.
	 */
	if (coll->map_cnt > sizeof(stack_fds) / sizeof(stack_fds[0])) {
		fds = eb_calloc(coll->map_cnt, sizeof(*fds));
		if (!fds)
			return -ENOMEM;
	}
	for (uint32_t i = 0; i < coll->map_cnt; i++)
		fds[i] = coll->maps[i].fd;
	err = eb_relo_program(coll->spec, prog->spec, &coll->env, coll->externs, fds, out);
	if (fds != stack_fds)
		eb_free(fds);
	return err;
}

void eb_prog_image_free(struct eb_prog_image *img)
{
	if (!img)
		return;
	eb_free(img->insns);
	eb_free(img->func_info);
	eb_free(img->line_info);
	memset(img, 0, sizeof(*img));
}

int eb_prog_load_image(const struct ebpf_prog *prog, const struct eb_relo_prog *relo,
		       const struct eb_prog_image *img, char **log_out)
{
	const struct ebpf_collection *coll = prog->coll;
	struct eb_attr_prog_load a;
	char *log = NULL;

	if (log_out)
		*log_out = NULL;
	if (!img->insn_cnt)
		return eb_err(-EINVAL, "prog '%s': no instructions", prog->name);
	if (relo->fd_btf_cnt)
		return eb_err(-EOPNOTSUPP, "prog '%s': kfuncs in kernel modules ('%s') are not "
			      "supported yet", prog->name,
			      relo->fd_modules && relo->fd_modules[0] ? relo->fd_modules[0] : "?");

	/* an initializer, not memset: one libc function fewer to bind in a fresh process */
	a = (struct eb_attr_prog_load){
		.prog_type = prog->type,
		.expected_attach_type = prog->attach_type != EBPF_ATTACH_TYPE_NONE ?
					(uint32_t)prog->attach_type : 0,
		.insns = eb_ptr(img->insns),
		.insn_cnt = img->insn_cnt,
		.license = eb_ptr(coll->license),	/* never NULL: "" without one (setup_objects) */
		/* only kprobes (before 5.0) check it: uname is asked for them alone */
		.kern_version = coll->kern_version ? coll->kern_version :
				prog->type == EBPF_PROG_TYPE_KPROBE ? eb_kernel_version() : 0,
		.prog_flags = prog->spec->flags,
		.attach_btf_id = prog->attach_btf_id,
	};
	/*
	 * Named unless the kernel is known to refuse names (before 4.15): a refusal
	 * is probed and retried below, so a fresh process runs no name probe.
	 */
	enum eb_answer names = eb_feature_cached(EB_FEAT_PROG_NAME);
	bool named = names != EB_NO;
	if (named)
		eb_obj_name(a.prog_name, prog->name);
	/*
	 * Without BTF FUNC support the sanitizer turned every FUNC into a TYPEDEF, so
	 * func_info (and line_info, which needs it) would name the wrong kind.
	 */
	if (coll->btf_fd >= 0 && img->func_info_cnt && coll->btf_funcs) {
		a.prog_btf_fd = (uint32_t)coll->btf_fd;
		a.func_info = eb_ptr(img->func_info);
		a.func_info_cnt = img->func_info_cnt;
		a.func_info_rec_size = sizeof(*img->func_info);
		if (img->line_info_cnt) {
			a.line_info = eb_ptr(img->line_info);
			a.line_info_cnt = img->line_info_cnt;
			a.line_info_rec_size = sizeof(*img->line_info);
		}
	}

	int fd = eb_sys_prog_load(&a);
	if (fd < 0 && names == EB_UNKNOWN && a.prog_name[0] && !eb_probe_inconclusive(fd) &&
	    eb_feature(EB_FEAT_PROG_NAME) == EB_NO) {
		/* a kernel older than program names refuses any: load unnamed */
		named = false;
		memset(a.prog_name, 0, sizeof(a.prog_name));
		fd = eb_sys_prog_load(&a);
	}
	if (fd >= 0) {
		/* learned once: a kernel that took a name takes names */
		if (names == EB_UNKNOWN && named && a.prog_name[0])
			eb_feature_learned(EB_FEAT_PROG_NAME, EB_YES);
		return fd;
	}
	int err = fd;
	fd = eb_load_with_log(&a, coll->log_level, err, &log, 0);
	if (fd >= 0) {
		/* the retry succeeded (the first failure was transient) */
		eb_free(log);
		return fd;
	}
	/* ENOSPC only means the log was cut short: the program's own error is the first one */
	struct eb_prog_desc d = {
		.name = prog->name, .section = prog->section, .type = prog->type,
		.attach_type = prog->attach_type, .notes = relo->notes,
		.note_cnt = relo->note_cnt,
	};
	err = eb_verifier_explain(&d, err, log);
	if (log_out)
		*log_out = log;
	else
		eb_free(log);
	return err;
}

int eb_prog_load_copy(const struct ebpf_prog *prog, eb_prog_rewrite_fn rewrite, void *ctx,
		      int *out_fd)
{
	struct eb_relo_prog relo;
	struct eb_prog_image img;
	int err;

	*out_fd = -1;
	if (!prog->relocated)
		return eb_err(-ENOENT, "prog '%s': has no relocated instructions to copy "
			      "(not loaded by this collection)", prog->name);
	err = eb_prog_relocate(prog, &relo);
	if (err)
		return err;
	/* the fresh relocation is this copy's alone: the image takes its arrays over */
	img = (struct eb_prog_image){
		.insns = relo.insns, .insn_cnt = relo.insn_cnt,
		.func_info = relo.func_info, .func_info_cnt = relo.func_info_cnt,
		.line_info = relo.line_info, .line_info_cnt = relo.line_info_cnt,
	};
	relo.insns = NULL;
	relo.func_info = NULL;
	relo.line_info = NULL;
	err = rewrite ? rewrite(&img, ctx) : 0;
	if (!err) {
		int fd = eb_prog_load_image(prog, &relo, &img, NULL);
		if (fd >= 0)
			*out_fd = fd;
		else
			err = fd;
	}
	eb_prog_image_free(&img);
	eb_relo_prog_free(&relo);
	return err;
}
