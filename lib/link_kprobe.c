// SPDX-License-Identifier: BSD-2-Clause
/*
 * kprobes and kretprobes through the `kprobe` perf PMU + a perf link, and
 * kprobe_multi links. Kernels built without CONFIG_KPROBES (like the project's
 * machines, see KERNEL.md) load kprobe-type programs but cannot attach them: say
 * so plainly instead of passing on an ENOENT from sysfs.
 */
#include <errno.h>
#include <linux/perf_event.h>
#include <stdio.h>
#include <string.h>

#include "lib/collection_internal.h"
#include "lib/error.h"
#include "lib/link_internal.h"
#include "lib/sys.h"

EBPF_API int ebpf_link_kprobe(const struct ebpf_prog *prog, const char *func_name,
			      const struct ebpf_kprobe_opts *opts, struct ebpf_link **out)
{
	struct ebpf_kprobe_opts o;
	struct perf_event_attr attr;
	char what[256];
	int prog_fd, pfd, plan, err;

	prog_fd = eb_link_begin(prog, "kprobe", out);
	EB_OPTS_COPY(o, opts);
	if (prog_fd < 0)
		return prog_fd;
	if (!func_name || !*func_name)
		return eb_err(-EINVAL, "prog '%s': kprobe: no kernel function given", prog->name);
	snprintf(what, sizeof(what), "prog '%s': %s '%s+0x%llx'", prog->name,
		 o.retprobe ? "kretprobe" : "kprobe", func_name, (unsigned long long)o.offset);
	err = eb_kprobes_available();
	if (err)
		return eb_err_ctx(err, "%s", what);
	plan = eb_link_cookie_plan(EB_FEAT_BPF_COOKIE, o.cookie, false, what);
	if (plan < 0)
		return plan;
	err = eb_probe_event_attr("kprobe", o.retprobe, what, &attr);
	if (err)
		return err;
	attr.config1 = eb_ptr(func_name);	/* kprobe_func */
	attr.config2 = o.offset;		/* probe_offset */
	pfd = eb_sys_perf_event_open(&attr, -1, 0, -1, 0);
	if (pfd < 0)
		return eb_err(pfd, "%s: perf_event_open(kprobe): %s", what, strerror(-pfd));
	return eb_link_perf_finish(prog, pfd, o.cookie, plan, what, out);
}

EBPF_API int ebpf_link_kprobe_multi(const struct ebpf_prog *prog, const char *const *syms,
				    const uint64_t *cookies, size_t cnt,
				    const struct ebpf_kprobe_opts *opts, struct ebpf_link **out)
{
	struct ebpf_kprobe_opts o;
	struct eb_attr_link_create attr;
	char what[256];
	int prog_fd, fd, err;

	prog_fd = eb_link_begin(prog, "kprobe_multi", out);
	EB_OPTS_COPY(o, opts);
	if (prog_fd < 0)
		return prog_fd;
	snprintf(what, sizeof(what), "prog '%s': kprobe_multi (%zu functions)", prog->name, cnt);
	if (!syms || !cnt || cnt > UINT32_MAX)
		return eb_err(-EINVAL, "%s: needs 1..2^32-1 function names", what);
	err = eb_link_multi_check(EB_FEAT_KPROBE_MULTI, cookies, what, "; they need CONFIG_FPROBE");
	if (err)
		return err;
	memset(&attr, 0, sizeof(attr));
	attr.prog_fd = (uint32_t)prog_fd;
	attr.attach_type = EBPF_TRACE_KPROBE_MULTI;
	attr.kprobe_multi.flags = o.retprobe ? EB_F_KPROBE_MULTI_RETURN : 0;
	attr.kprobe_multi.cnt = (uint32_t)cnt;
	attr.kprobe_multi.syms = eb_ptr(syms);
	attr.kprobe_multi.cookies = eb_ptr(cookies);
	fd = eb_sys_link_create(&attr);
	if (fd < 0)
		return eb_err(fd, "%s: BPF_LINK_CREATE: %s", what, strerror(-fd));
	return eb_link_done(EB_LINK_BPF, fd, -1, out);
}
