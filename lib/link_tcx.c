// SPDX-License-Identifier: BSD-2-Clause
/*
 * tcx links (Linux 6.6): tc programs on an interface's ingress or egress without
 * qdiscs or netlink. Older kernels get -EOPNOTSUPP naming 6.6 (classic tc
 * through netlink is not implemented: it needs a clsact qdisc and filters).
 */
#include <errno.h>
#include <string.h>

#include "lib/collection_internal.h"
#include "lib/error.h"
#include "lib/link_internal.h"
#include "lib/sys.h"

EBPF_API int ebpf_link_tcx(const struct ebpf_prog *prog, int ifindex,
			   enum ebpf_attach_type attach_type, const struct ebpf_tcx_opts *opts,
			   struct ebpf_link **out)
{
	struct eb_attr_link_create attr;
	struct ebpf_tcx_opts o;
	const char *dir;
	int prog_fd, fd;

	prog_fd = eb_link_begin(prog, "tcx", out);
	EB_OPTS_COPY(o, opts);
	if (prog_fd < 0)
		return prog_fd;
	if (attach_type != EBPF_TCX_INGRESS && attach_type != EBPF_TCX_EGRESS)
		return eb_err(-EINVAL, "prog '%s': tcx: attach type must be EBPF_TCX_INGRESS or "
			      "EBPF_TCX_EGRESS", prog->name);
	dir = attach_type == EBPF_TCX_INGRESS ? "ingress" : "egress";
	if (ifindex <= 0)
		return eb_err(-EINVAL, "prog '%s': tcx %s: invalid ifindex %d", prog->name, dir,
			      ifindex);
	if (eb_feature(EB_FEAT_TCX) == EB_NO)
		return eb_err(-EOPNOTSUPP, "prog '%s': tcx %s: this kernel lacks %s (added in Linux %s)",
			      prog->name, dir, eb_feature_name(EB_FEAT_TCX),
			      eb_feature_since(EB_FEAT_TCX));
	memset(&attr, 0, sizeof(attr));
	attr.prog_fd = (uint32_t)prog_fd;
	attr.target_ifindex = (uint32_t)ifindex;
	attr.attach_type = (uint32_t)attach_type;
	attr.flags = o.flags;
	attr.tcx.relative_fd = o.relative_fd;
	attr.tcx.expected_revision = o.expected_revision;
	fd = eb_sys_link_create(&attr);
	if (fd < 0)
		return eb_err(fd, "prog '%s': tcx %s on ifindex %d: BPF_LINK_CREATE: %s", prog->name,
			      dir, ifindex, strerror(-fd));
	return eb_link_done(EB_LINK_BPF, fd, -1, out);
}
