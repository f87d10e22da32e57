// SPDX-License-Identifier: BSD-2-Clause
/* Tracepoint programs: the tracepoint's perf event (id from tracefs) + a perf link with a cookie. */
#include <errno.h>
#include <linux/perf_event.h>
#include <stdio.h>
#include <string.h>

#include "lib/collection_internal.h"
#include "lib/error.h"
#include "lib/link_internal.h"
#include "lib/sys.h"

EBPF_API int ebpf_link_tracepoint(const struct ebpf_prog *prog, const char *category,
				  const char *name, const struct ebpf_tp_opts *opts,
				  struct ebpf_link **out)
{
	struct perf_event_attr attr;
	struct ebpf_tp_opts o;
	char what[256];
	uint64_t id;
	int prog_fd, pfd, plan, err;

	prog_fd = eb_link_begin(prog, "tracepoint", out);
	EB_OPTS_COPY(o, opts);
	if (prog_fd < 0)
		return prog_fd;
	snprintf(what, sizeof(what), "prog '%s': tracepoint '%s/%s'", prog->name,
		 category ? category : "", name ? name : "");
	err = eb_tracepoint_id(category, name, &id);
	if (err)
		return eb_err_ctx(err, "prog '%s'", prog->name);
	plan = eb_link_cookie_plan(EB_FEAT_BPF_COOKIE, o.cookie, o.emulate_cookie, what);
	if (plan < 0)
		return plan;
	memset(&attr, 0, sizeof(attr));
	attr.size = sizeof(attr);
	attr.type = PERF_TYPE_TRACEPOINT;
	attr.config = id;
	pfd = eb_sys_perf_event_open(&attr, -1, 0, -1, 0);
	if (pfd < 0)
		return eb_err(pfd, "%s: perf_event_open(tracepoint id %llu): %s", what,
			      (unsigned long long)id, strerror(-pfd));
	return eb_link_perf_finish(prog, pfd, o.cookie, plan, what, out);
}
