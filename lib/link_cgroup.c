// SPDX-License-Identifier: BSD-2-Clause
/*
 * cgroup programs: a cgroup link (Linux 5.7), else BPF_PROG_ATTACH with
 * BPF_F_ALLOW_MULTI so that other programs already there keep running.
 */
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <unistd.h>

#include "lib/collection_internal.h"
#include "lib/error.h"
#include "lib/link_internal.h"
#include "lib/sys.h"

#define BPF_F_ALLOW_MULTI (1u << 1)

static int attach_legacy(const struct ebpf_prog *prog, int prog_fd, int cgroup_fd,
			 enum ebpf_attach_type type, struct ebpf_link **out)
{
	struct eb_attr_prog_attach attr;
	struct ebpf_link *link;
	int tfd, pfd, err;

	/* Keep our own fds: detaching later needs the same cgroup and program. */
	tfd = fcntl(cgroup_fd, F_DUPFD_CLOEXEC, 3);
	if (tfd < 0)
		return eb_err(-errno, "prog '%s': cgroup attach: dup: %s", prog->name, strerror(errno));
	pfd = fcntl(prog_fd, F_DUPFD_CLOEXEC, 3);
	if (pfd < 0) {
		err = -errno;
		close(tfd);
		return eb_err(err, "prog '%s': cgroup attach: dup: %s", prog->name, strerror(-err));
	}
	memset(&attr, 0, sizeof(attr));
	attr.target_fd = (uint32_t)cgroup_fd;
	attr.attach_bpf_fd = (uint32_t)prog_fd;
	attr.attach_type = (uint32_t)type;
	attr.attach_flags = BPF_F_ALLOW_MULTI;
	err = eb_sys_prog_attach(&attr);
	if (err) {
		close(tfd);
		close(pfd);
		return eb_err(err, "prog '%s': cgroup %s: BPF_PROG_ATTACH: %s", prog->name,
			      eb_attach_type_name(type), strerror(-err));
	}
	link = eb_link_new(EB_LINK_PROG_ATTACH, -1);
	if (!link) {
		eb_sys_prog_detach(&attr);
		close(tfd);
		close(pfd);
		return -ENOMEM;
	}
	link->target_fd = tfd;
	link->prog_fd = pfd;
	link->attach_type = (uint32_t)type;
	*out = link;
	return 0;
}

EBPF_API int ebpf_link_cgroup(const struct ebpf_prog *prog, int cgroup_fd,
			      enum ebpf_attach_type attach_type, struct ebpf_link **out)
{
	struct eb_attr_link_create attr;
	int prog_fd, fd;

	prog_fd = eb_link_begin(prog, "cgroup", out);
	if (prog_fd < 0)
		return prog_fd;
	if (cgroup_fd < 0)
		return eb_err(-EBADF, "prog '%s': cgroup: invalid cgroup fd", prog->name);
	if (attach_type == EBPF_ATTACH_TYPE_NONE)
		attach_type = prog->attach_type;
	if (attach_type == EBPF_ATTACH_TYPE_NONE)
		return eb_err(-EINVAL, "prog '%s': cgroup: no attach type given and the section "
			      "'%s' implies none", prog->name, prog->section);
	memset(&attr, 0, sizeof(attr));
	attr.prog_fd = (uint32_t)prog_fd;
	attr.target_fd = (uint32_t)cgroup_fd;
	attr.attach_type = (uint32_t)attach_type;
	fd = eb_sys_link_create(&attr);
	if (fd == -EINVAL || fd == -EOPNOTSUPP)
		return attach_legacy(prog, prog_fd, cgroup_fd, attach_type, out);
	if (fd < 0)
		return eb_err(fd, "prog '%s': cgroup %s: BPF_LINK_CREATE: %s", prog->name,
			      eb_attach_type_name(attach_type), strerror(-fd));
	return eb_link_done(EB_LINK_BPF, fd, -1, out);
}
