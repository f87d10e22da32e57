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
	uint64_t cookie;
	char what[256];
	int prog_fd, plan, priv, fd;

	prog_fd = eb_link_begin(prog, "raw_tp", out);
	EB_OPTS_COPY(o, opts);
	if (prog_fd < 0)
		return prog_fd;
	if (!name || !*name)
		return eb_err(-EINVAL, "prog '%s': raw_tp: no tracepoint name given", prog->name);
	snprintf(what, sizeof(what), "prog '%s': raw_tp '%s'", prog->name, name);
	plan = eb_link_cookie_plan(EB_FEAT_RAW_TP_COOKIE, o.cookie, o.emulate_cookie, what);
	if (plan < 0)
		return plan;
	cookie = o.cookie;
	fd = eb_link_plan_prog(prog, plan, &cookie, &prog_fd, &priv, what);
	if (fd)
		return fd;
	fd = eb_sys_raw_tp_open(name, prog_fd, cookie);
	if (fd < 0) {
		eb_close(priv);
		if (fd == -ENOENT)
			return eb_err(fd, "%s: no such raw tracepoint in this kernel", what);
		return eb_err(fd, "%s: BPF_RAW_TRACEPOINT_OPEN: %s", what, strerror(-fd));
	}
	return eb_link_done(EB_LINK_BPF, fd, priv, out);
}
