// SPDX-License-Identifier: BSD-2-Clause
/*
 * Tracing links (tp_btf, fentry, fexit, fmod_ret) and lsm links: the target was
 * fixed at load time (attach_btf_id), so the link names only the program.
 * BPF_LINK_CREATE carries tracing.cookie (6.0 for trampolines, 6.10 for
 * tp_btf); BPF_RAW_TRACEPOINT_OPEN with a NULL name is the pre-5.x path, used
 * only when no cookie was asked for.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "lib/collection_internal.h"
#include "lib/error.h"
#include "lib/link_internal.h"
#include "lib/sys.h"

EBPF_API int ebpf_link_tracing(const struct ebpf_prog *prog, const struct ebpf_tracing_opts *opts,
			       struct ebpf_link **out)
{
	struct eb_attr_link_create attr;
	struct ebpf_tracing_opts o;
	enum eb_feature feat;
	char what[256];
	int prog_fd, fd, plan;

	prog_fd = eb_link_begin(prog, "tracing", out);
	EB_OPTS_COPY(o, opts);
	if (prog_fd < 0)
		return prog_fd;
	snprintf(what, sizeof(what), "prog '%s': %s link", prog->name,
		 eb_attach_type_name(prog->attach_type));
	if (prog->type != EBPF_PROG_TYPE_TRACING && prog->type != EBPF_PROG_TYPE_LSM)
		return eb_err(-EINVAL, "%s: not a tracing or lsm program (type %s)", what,
			      eb_prog_type_name(prog->type));
	feat = prog->attach_type == EBPF_TRACE_RAW_TP ? EB_FEAT_RAW_TP_COOKIE : EB_FEAT_TRACING_COOKIE;
	plan = eb_link_cookie_plan(feat, o.cookie, false, what);
	if (plan < 0)
		return plan;
	memset(&attr, 0, sizeof(attr));
	attr.prog_fd = (uint32_t)prog_fd;
	attr.attach_type = (uint32_t)prog->attach_type;
	attr.tracing.cookie = o.cookie;
	fd = eb_sys_link_create(&attr);
	if (fd == -EINVAL && !o.cookie)
		/* Kernels before LINK_CREATE for tracing programs. */
		fd = eb_sys_raw_tp_open(NULL, prog_fd, 0);
	if (fd < 0)
		return eb_err(fd, "%s: BPF_LINK_CREATE: %s", what, strerror(-fd));
	return eb_link_done(EB_LINK_BPF, fd, -1, out);
}
