// SPDX-License-Identifier: BSD-2-Clause
/* XDP links on a network interface (BPF_LINK_CREATE, Linux 5.9). */
#include <errno.h>
#include <string.h>

#include "lib/collection_internal.h"
#include "lib/error.h"
#include "lib/link_internal.h"
#include "lib/sys.h"

#define XDP_MODES (EBPF_XDP_FLAGS_SKB_MODE | EBPF_XDP_FLAGS_DRV_MODE | EBPF_XDP_FLAGS_HW_MODE)

EBPF_API int ebpf_link_xdp(const struct ebpf_prog *prog, int ifindex, uint32_t flags,
			   struct ebpf_link **out)
{
	struct eb_attr_link_create attr;
	int prog_fd, fd;

	prog_fd = eb_link_begin(prog, "xdp", out);
	if (prog_fd < 0)
		return prog_fd;
	if (ifindex <= 0)
		return eb_err(-EINVAL, "prog '%s': xdp: invalid ifindex %d", prog->name, ifindex);
	/* At most one mode bit: the kernel's rule, checked here for a clearer message. */
	if ((flags & ~XDP_MODES) || ((flags & XDP_MODES) & ((flags & XDP_MODES) - 1)))
		return eb_err(-EINVAL, "prog '%s': xdp: flags 0x%x: give at most one of SKB/DRV/HW mode",
			      prog->name, flags);
	memset(&attr, 0, sizeof(attr));
	attr.prog_fd = (uint32_t)prog_fd;
	attr.target_ifindex = (uint32_t)ifindex;
	attr.attach_type = EBPF_XDP;
	attr.flags = flags;
	fd = eb_sys_link_create(&attr);
	if (fd == -EBUSY)
		return eb_err(fd, "prog '%s': xdp on ifindex %d: another XDP program is already "
			      "attached to this interface", prog->name, ifindex);
	if (fd == -EOPNOTSUPP && (flags & EBPF_XDP_FLAGS_DRV_MODE))
		return eb_err(fd, "prog '%s': xdp on ifindex %d: the driver has no native XDP; "
			      "use EBPF_XDP_FLAGS_SKB_MODE", prog->name, ifindex);
	if (fd < 0)
		return eb_err(fd, "prog '%s': xdp on ifindex %d: BPF_LINK_CREATE: %s", prog->name,
			      ifindex, strerror(-fd));
	return eb_link_done(EB_LINK_BPF, fd, -1, out);
}
