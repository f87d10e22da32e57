// SPDX-License-Identifier: BSD-2-Clause
/*
 * Raw tracepoint programs: BPF_RAW_TRACEPOINT_OPEN, whose cookie field exists
 * since Linux 6.10. Without it a cookie is refused or emulated.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "lib/collection_internal.h"
#include "lib/error.h"
#include "lib/link_internal.h"
#include "lib/sys.h"

EBPF_API int ebpf_link_raw_tp(const struct ebpf_prog *prog, const char *name,
			      const struct ebpf_tp_opts *opts, struct ebpf_link **out)
{
	struct ebpf_tp_opts o;
	struct ebpf_link *link;
	uint64_t cookie;
	char what[256];
	int prog_fd, plan, priv = -1, fd;

	if (!out)
		return eb_err(-EINVAL, "raw_tp: out is required");
	*out = NULL;
	EB_OPTS_COPY(o, opts);
	prog_fd = eb_link_prog_fd(prog, "raw_tp");
	if (prog_fd < 0)
		return prog_fd;
	if (!name || !*name)
		return eb_err(-EINVAL, "prog '%s': raw_tp: no tracepoint name given", prog->name);
	snprintf(what, sizeof(what), "prog '%s': raw_tp '%s'", prog->name, name);
	plan = eb_link_cookie_plan(EB_FEAT_RAW_TP_COOKIE, o.cookie, o.emulate_cookie, what);
	if (plan < 0)
		return plan;
	cookie = o.cookie;
	if (plan == 1) {
		priv = eb_link_emulated_prog(prog, cookie);
		if (priv < 0)
			return eb_err_ctx(priv, "%s", what);
		prog_fd = priv;
		cookie = 0;
	}
	fd = eb_sys_raw_tp_open(name, prog_fd, cookie);
	if (fd < 0) {
		eb_close(priv);
		if (fd == -ENOENT)
			return eb_err(fd, "%s: no such raw tracepoint in this kernel", what);
		return eb_err(fd, "%s: BPF_RAW_TRACEPOINT_OPEN: %s", what, strerror(-fd));
	}
	link = eb_link_new(EB_LINK_BPF, fd);
	if (!link) {
		eb_close(priv);
		return -ENOMEM;
	}
	link->priv_prog_fd = priv;
	*out = link;
	return 0;
}
