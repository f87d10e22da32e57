// SPDX-License-Identifier: BSD-2-Clause
/* BPF iterators: an iter link, then each BPF_ITER_CREATE fd runs the program once when read. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "lib/collection_internal.h"
#include "lib/error.h"
#include "lib/link_internal.h"
#include "lib/sys.h"

/* union bpf_iter_link_info: its largest member (cgroup) is 16 bytes. */
struct iter_link_info {
	uint32_t map_fd;
	uint32_t pad[3];
};

/* Cap on what ebpf_iter_read_all() buffers: iterators over every task can be large, not unbounded. */
#define ITER_READ_MAX (256u << 20)

EBPF_API int ebpf_link_iter(const struct ebpf_prog *prog, const struct ebpf_iter_opts *opts,
			    struct ebpf_link **out)
{
	struct eb_attr_link_create attr;
	struct iter_link_info info;
	struct ebpf_iter_opts o;
	int prog_fd, fd;

	prog_fd = eb_link_begin(prog, "iter", out);
	EB_OPTS_COPY(o, opts);
	if (prog_fd < 0)
		return prog_fd;
	if (prog->attach_type != EBPF_TRACE_ITER)
		return eb_err(-EINVAL, "prog '%s': iter link: not an iterator program (section '%s')",
			      prog->name, prog->section);
	memset(&attr, 0, sizeof(attr));
	memset(&info, 0, sizeof(info));
	attr.prog_fd = (uint32_t)prog_fd;
	attr.attach_type = EBPF_TRACE_ITER;
	if (o.map_fd > 0) {
		info.map_fd = (uint32_t)o.map_fd;
		attr.iter_info = eb_ptr(&info);
		attr.iter_info_len = sizeof(info);
	}
	fd = eb_sys_link_create(&attr);
	if (fd < 0)
		return eb_err(fd, "prog '%s': iter '%s': BPF_LINK_CREATE: %s", prog->name,
			      prog->attach_target, strerror(-fd));
	return eb_link_done(EB_LINK_BPF, fd, -1, out);
}

EBPF_API int ebpf_iter_open(const struct ebpf_link *link, int *out_fd)
{
	int fd;

	if (!link || !out_fd || link->kind != EB_LINK_BPF)
		return eb_err(-EINVAL, "iter open: needs an iterator link");
	fd = eb_sys_iter_create(link->fd);
	if (fd < 0)
		return eb_err(fd, "iter open: BPF_ITER_CREATE: %s", strerror(-fd));
	*out_fd = fd;
	return 0;
}

EBPF_API int ebpf_iter_read_all(const struct ebpf_link *link, char **out, size_t *out_len)
{
	size_t cap = 4096, len = 0;
	char *buf, *nbuf;
	int fd, err;

	if (!out)
		return eb_err(-EINVAL, "iter read: out is required");
	*out = NULL;
	err = ebpf_iter_open(link, &fd);
	if (err)
		return err;
	/* Plain malloc: the caller frees with free(), as documented. */
	buf = malloc(cap);
	if (!buf) {
		close(fd);
		return eb_err(-ENOMEM, "out of memory");
	}
	for (;;) {
		ssize_t n;

		if (cap - len < 2) {
			if (cap >= ITER_READ_MAX) {
				err = eb_err(-E2BIG, "iter read: output exceeds %u bytes", ITER_READ_MAX);
				goto fail;
			}
			nbuf = realloc(buf, cap * 2);
			if (!nbuf) {
				err = eb_err(-ENOMEM, "out of memory");
				goto fail;
			}
			buf = nbuf;
			cap *= 2;
		}
		n = read(fd, buf + len, cap - len - 1);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			err = eb_err(-errno, "iter read: %s", strerror(errno));
			goto fail;
		}
		if (n == 0)
			break;
		len += (size_t)n;
	}
	close(fd);
	buf[len] = '\0';
	*out = buf;
	if (out_len)
		*out_len = len;
	return 0;
fail:
	close(fd);
	free(buf);
	return err;
}
