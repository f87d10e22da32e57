// SPDX-License-Identifier: BSD-2-Clause
/*
 * uprobes and uretprobes: one target through the `uprobe` perf PMU + a perf link
 * (with a cookie), or many targets in one uprobe_multi link (Linux 6.6).
 */
#include <errno.h>
#include <limits.h>
#include <linux/perf_event.h>
#include <stdio.h>
#include <string.h>

#include "lib/alloc.h"
#include "lib/collection_internal.h"
#include "lib/error.h"
#include "lib/link_internal.h"
#include "lib/sys.h"

/* perf_event_attr.config bits 32-63 of the uprobe PMU hold the USDT semaphore offset. */
#define UPROBE_REF_CTR_SHIFT 32

static int uprobe_perf_event(const char *path, uint64_t offset, const struct ebpf_uprobe_opts *o,
			     const char *what)
{
	struct perf_event_attr attr;
	int pfd, pid, cpu, err;

	err = eb_probe_event_attr("uprobe", o->retprobe, what, &attr);
	if (err)
		return err;
	if (o->ref_ctr_offset) {
		if (o->ref_ctr_offset > UINT32_MAX)
			return eb_err(-EINVAL, "%s: ref_ctr_offset 0x%llx too large", what,
				      (unsigned long long)o->ref_ctr_offset);
		attr.config |= o->ref_ctr_offset << UPROBE_REF_CTR_SHIFT;
	}
	attr.config1 = eb_ptr(path);	/* uprobe_path */
	attr.config2 = offset;		/* probe_offset */
	/* Every process: pid -1 needs a cpu; the BPF program still runs on all CPUs. */
	pid = o->pid > 0 ? o->pid : -1;
	cpu = o->pid > 0 ? -1 : 0;
	pfd = eb_sys_perf_event_open(&attr, pid, cpu, -1, 0);
	if (pfd < 0)
		return eb_err(pfd, "%s: perf_event_open(uprobe): %s", what, strerror(-pfd));
	return pfd;
}

EBPF_API int ebpf_link_uprobe(const struct ebpf_prog *prog, const char *binary,
			      const char *func_name, const struct ebpf_uprobe_opts *opts,
			      struct ebpf_link **out)
{
	struct ebpf_uprobe_opts o;
	char path[PATH_MAX], kpath[PATH_MAX], what[512];
	uint64_t offset = 0;
	int prog_fd, plan, pfd, err;

	prog_fd = eb_link_begin(prog, "uprobe", out);
	EB_OPTS_COPY(o, opts);
	if (prog_fd < 0)
		return prog_fd;
	snprintf(what, sizeof(what), "prog '%s': %s '%s:%s+0x%llx'", prog->name,
		 o.retprobe ? "uretprobe" : "uprobe", binary ? binary : "",
		 func_name ? func_name : "", (unsigned long long)o.offset);
	err = eb_uprobe_find_binary(binary, path, sizeof(path));
	if (err)
		return eb_err_ctx(err, "prog '%s': uprobe", prog->name);
	if (func_name) {
		err = eb_uprobe_resolve(path, func_name, &offset);
		if (err)
			return eb_err_ctx(err, "prog '%s': uprobe", prog->name);
	}
	if (offset > UINT64_MAX - o.offset)
		return eb_err(-EINVAL, "%s: offset overflows", what);
	offset += o.offset;
	plan = eb_link_cookie_plan(EB_FEAT_BPF_COOKIE, o.cookie, o.emulate_cookie, what);
	if (plan < 0)
		return plan;
	err = eb_uprobe_real_path(path, kpath, sizeof(kpath));
	if (err)
		return eb_err_ctx(err, "prog '%s': uprobe", prog->name);
	pfd = uprobe_perf_event(kpath, offset, &o, what);
	if (pfd < 0)
		return pfd;
	return eb_link_perf_finish(prog, pfd, o.cookie, plan, what, out);
}

/* ------------------------------------------------------------ uprobe_multi */

EBPF_API int ebpf_link_uprobe_multi(const struct ebpf_prog *prog, const char *binary,
				    const char *const *syms, const uint64_t *offsets,
				    const uint64_t *cookies, size_t cnt,
				    const struct ebpf_uprobe_multi_opts *opts, struct ebpf_link **out)
{
	struct ebpf_uprobe_multi_opts o;
	struct eb_attr_link_create attr;
	char path[PATH_MAX], kpath[PATH_MAX], what[512];
	uint64_t *offs = NULL;
	int prog_fd, fd, err;
	size_t i;

	prog_fd = eb_link_begin(prog, "uprobe_multi", out);
	EB_OPTS_COPY(o, opts);
	if (prog_fd < 0)
		return prog_fd;
	snprintf(what, sizeof(what), "prog '%s': uprobe_multi on '%s'", prog->name,
		 binary ? binary : "");
	if (!cnt || cnt > UINT32_MAX || (!syms && !offsets))
		return eb_err(-EINVAL, "%s: needs 1..2^32-1 targets given as symbols or offsets", what);
	err = eb_link_multi_check(EB_FEAT_UPROBE_MULTI, cookies, what, "");
	if (err)
		return err;
	err = eb_uprobe_find_binary(binary, path, sizeof(path));
	if (!err)
		err = eb_uprobe_real_path(path, kpath, sizeof(kpath));
	if (err)
		return eb_err_ctx(err, "%s", what);
	offs = eb_calloc(cnt, sizeof(*offs));
	if (!offs)
		return -ENOMEM;
	for (i = 0; i < cnt; i++) {
		uint64_t base = 0, add = offsets ? offsets[i] : 0;

		if (syms) {
			err = eb_uprobe_resolve(path, syms[i], &base);
			if (err) {
				eb_free(offs);
				return eb_err_ctx(err, "%s", what);
			}
		}
		if (base > UINT64_MAX - add) {
			eb_free(offs);
			return eb_err(-EINVAL, "%s: target %zu: offset overflows", what, i);
		}
		offs[i] = base + add;
	}
	memset(&attr, 0, sizeof(attr));
	attr.prog_fd = (uint32_t)prog_fd;
	attr.attach_type = EBPF_TRACE_UPROBE_MULTI;
	attr.uprobe_multi.path = eb_ptr(kpath);
	attr.uprobe_multi.offsets = eb_ptr(offs);
	attr.uprobe_multi.ref_ctr_offsets = eb_ptr(o.ref_ctr_offsets);
	attr.uprobe_multi.cookies = eb_ptr(cookies);
	attr.uprobe_multi.cnt = (uint32_t)cnt;
	attr.uprobe_multi.flags = o.retprobe ? EB_F_UPROBE_MULTI_RETURN : 0;
	attr.uprobe_multi.pid = o.pid > 0 ? (uint32_t)o.pid : 0;
	fd = eb_sys_link_create(&attr);
	eb_free(offs);
	if (fd == -EINVAL && prog->attach_type != EBPF_TRACE_UPROBE_MULTI)
		return eb_err(fd, "%s: the program must be loaded as uprobe.multi "
			      "(SEC(\"uprobe.multi/...\")), it was loaded for attach type %s", what,
			      eb_attach_type_name(prog->attach_type));
	if (fd < 0)
		return eb_err(fd, "%s: BPF_LINK_CREATE: %s", what, strerror(-fd));
	return eb_link_done(EB_LINK_BPF, fd, -1, out);
}
