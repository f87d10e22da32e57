/* SPDX-License-Identifier: BSD-2-Clause */
/* bpf(2): links, raw tracepoints, iterators; and perf_event_open(2). */
#include <errno.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <linux/perf_event.h>

#include "lib/alloc.h"
#include "lib/sys.h"

int eb_sys_link_create(struct eb_attr_link_create *attr)
{
	return eb_sys_bpf_fd(EB_BPF_LINK_CREATE, attr, sizeof(*attr));
}

int eb_sys_link_update(int link_fd, int new_prog_fd, int old_prog_fd, uint32_t flags)
{
	struct eb_attr_link_update a;
	memset(&a, 0, sizeof(a));
	a.link_fd = (uint32_t)link_fd;
	a.new_prog_fd = (uint32_t)new_prog_fd;
	a.flags = flags;
	a.old_prog_fd = old_prog_fd > 0 ? (uint32_t)old_prog_fd : 0;
	return eb_sys_bpf(EB_BPF_LINK_UPDATE, &a, sizeof(a));
}

int eb_sys_link_detach(int link_fd)
{
	struct eb_attr_link_fd a;
	memset(&a, 0, sizeof(a));
	a.link_fd = (uint32_t)link_fd;
	return eb_sys_bpf(EB_BPF_LINK_DETACH, &a, sizeof(a));
}

int eb_sys_iter_create(int link_fd)
{
	struct eb_attr_link_fd a;
	memset(&a, 0, sizeof(a));
	a.link_fd = (uint32_t)link_fd;
	return eb_sys_bpf_fd(EB_BPF_ITER_CREATE, &a, sizeof(a));
}

int eb_sys_raw_tp_open(const char *name, int prog_fd, uint64_t cookie)
{
	struct eb_attr_raw_tp a;
	memset(&a, 0, sizeof(a));
	a.name = eb_ptr(name);
	a.prog_fd = (uint32_t)prog_fd;
	a.cookie = cookie;
	/* Kernels before 6.10 know only the first 16 bytes; pass the cookie only if set. */
	return eb_sys_bpf_fd(EB_BPF_RAW_TRACEPOINT_OPEN, &a, cookie ? sizeof(a) : 16);
}

int eb_sys_perf_event_open(struct perf_event_attr *attr, pid_t pid, int cpu, int group_fd,
			   unsigned long flags)
{
	if (eb_fault_hit(EB_FAULT_PERF))
		return -ENOMEM;
	long fd = syscall(__NR_perf_event_open, attr, pid, cpu, group_fd,
			  flags | PERF_FLAG_FD_CLOEXEC);
	if (fd < 0)
		return errno ? -errno : -EINVAL;
	return eb_fd_not_zero((int)fd);
}
