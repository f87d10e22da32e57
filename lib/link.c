// SPDX-License-Identifier: BSD-2-Clause
/* What every link can do: close, detach, pin, open from a pin, update, info. */
#include <errno.h>
#include <linux/perf_event.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include "lib/alloc.h"
#include "lib/collection_internal.h"
#include "lib/error.h"
#include "lib/link_internal.h"
#include "lib/sys.h"

struct ebpf_link *eb_link_new(enum eb_link_kind kind, int fd)
{
	struct ebpf_link *link = eb_calloc(1, sizeof(*link));

	if (!link) {
		eb_close(fd);
		return NULL;
	}
	link->kind = kind;
	link->fd = fd;
	link->priv_prog_fd = -1;
	link->target_fd = -1;
	link->prog_fd = -1;
	return link;
}

int eb_link_done(enum eb_link_kind kind, int fd, int priv_prog_fd, struct ebpf_link **out)
{
	struct ebpf_link *link = eb_link_new(kind, fd);

	if (!link) {
		eb_close(priv_prog_fd);
		return -ENOMEM;
	}
	link->priv_prog_fd = priv_prog_fd;
	*out = link;
	return 0;
}

int eb_link_begin(const struct ebpf_prog *prog, const char *family, struct ebpf_link **out)
{
	if (!out)
		return eb_err(-EINVAL, "%s: out is required", family);
	*out = NULL;
	return eb_link_prog_fd(prog, family);
}

int eb_link_prog_fd(const struct ebpf_prog *prog, const char *what)
{
	if (!prog)
		return eb_err(-EINVAL, "%s: no program given", what);
	if (prog->fd < 0)
		return eb_err(-EBADF, "%s: prog '%s' is not loaded (%s)", what, prog->name,
			      prog->load_msg ? prog->load_msg : "not selected for load");
	return prog->fd;
}

EBPF_API int ebpf_link_fd(const struct ebpf_link *link)
{
	return link ? link->fd : -EINVAL;
}

EBPF_API bool ebpf_link_cookie_emulated(const struct ebpf_link *link)
{
	return link && link->priv_prog_fd >= 0;
}

/* Undo an attachment that has no kernel link object. */
static int detach_legacy(struct ebpf_link *link)
{
	struct eb_attr_prog_attach attr;
	int err = 0;

	if (link->kind == EB_LINK_PERF_IOCTL) {
		if (ioctl(link->fd, PERF_EVENT_IOC_DISABLE, 0) < 0)
			err = -errno;
	} else {
		memset(&attr, 0, sizeof(attr));
		attr.target_fd = (uint32_t)link->target_fd;
		attr.attach_bpf_fd = (uint32_t)link->prog_fd;
		attr.attach_type = link->attach_type;
		err = eb_sys_prog_detach(&attr);
	}
	return err;
}

EBPF_API void ebpf_link_close(struct ebpf_link *link)
{
	if (!link)
		return;
	/* A PROG_ATTACH attachment does not end with an fd: undo it explicitly. */
	if (link->kind == EB_LINK_PROG_ATTACH && !link->detached)
		detach_legacy(link);
	eb_close(link->fd);
	eb_close(link->priv_prog_fd);
	eb_close(link->target_fd);
	eb_close(link->prog_fd);
	eb_free(link->pin_path);
	eb_free(link);
}

EBPF_API int ebpf_link_detach(struct ebpf_link *link)
{
	int err;

	if (!link)
		return eb_err(-EINVAL, "link detach: no link given");
	if (link->detached)
		return 0;
	if (link->kind == EB_LINK_BPF)
		err = eb_sys_link_detach(link->fd);
	else
		err = detach_legacy(link);
	if (err == -EOPNOTSUPP)
		return eb_err(err, "link detach: the kernel cannot force-detach this kind of link "
			      "(only cgroup, xdp, tcx, netns, netkit and struct_ops links); unpin it "
			      "and close every fd to it instead");
	if (err)
		return eb_err(err, "link detach: %s", strerror(-err));
	link->detached = true;
	return 0;
}

EBPF_API int ebpf_link_pin(struct ebpf_link *link, const char *path)
{
	char *copy;
	int err;

	if (!link || !path || !*path)
		return eb_err(-EINVAL, "link pin: link and path are required");
	if (link->kind != EB_LINK_BPF)
		return eb_err(-EOPNOTSUPP, "link pin '%s': this attachment has no kernel link "
			      "(attached without BPF links), it cannot be pinned", path);
	copy = eb_strdup(path);
	if (!copy)
		return -ENOMEM;
	err = eb_sys_obj_pin(link->fd, path);
	if (err) {
		eb_free(copy);
		if (err == -EPERM || err == -EINVAL)
			return eb_err(err, "link pin '%s': %s (is the directory on a bpffs?)", path,
				      strerror(-err));
		return eb_err(err, "link pin '%s': %s", path, strerror(-err));
	}
	eb_free(link->pin_path);
	link->pin_path = copy;
	return 0;
}

EBPF_API int ebpf_link_unpin(struct ebpf_link *link)
{
	if (!link || !link->pin_path)
		return eb_err(-EINVAL, "link unpin: the link is not pinned");
	if (unlink(link->pin_path) < 0 && errno != ENOENT) {
		int err = -errno;

		return eb_err(err, "link unpin '%s': %s", link->pin_path, strerror(-err));
	}
	eb_free(link->pin_path);
	link->pin_path = NULL;
	return 0;
}

/* OBJ_GET also opens pinned maps and programs: a link's fd is an anon inode "bpf-link". */
static bool fd_is_link(int fd)
{
	char path[64], target[64];
	ssize_t n;

	snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
	n = readlink(path, target, sizeof(target) - 1);
	if (n < 0)
		return true;	/* no /proc: let later calls fail */
	target[n] = '\0';
	return strcmp(target, "anon_inode:bpf-link") == 0;
}

EBPF_API int ebpf_link_open_pinned(const char *path, struct ebpf_link **out)
{
	struct ebpf_link *link;
	int fd;

	if (!path || !out)
		return eb_err(-EINVAL, "link open: path and out are required");
	*out = NULL;
	fd = eb_sys_obj_get(path, 0);
	if (fd < 0)
		return eb_err(fd, "link open '%s': %s", path, strerror(-fd));
	if (!fd_is_link(fd)) {
		eb_close(fd);
		return eb_err(-EINVAL, "link open '%s': the pinned object is not a BPF link", path);
	}
	link = eb_link_new(EB_LINK_BPF, fd);
	if (!link)
		return -ENOMEM;
	link->pin_path = eb_strdup(path);
	if (!link->pin_path) {
		ebpf_link_close(link);
		return -ENOMEM;
	}
	*out = link;
	return 0;
}

EBPF_API int ebpf_link_update_prog(struct ebpf_link *link, const struct ebpf_prog *prog)
{
	int prog_fd, err;

	if (!link)
		return eb_err(-EINVAL, "link update: no link given");
	prog_fd = eb_link_prog_fd(prog, "link update");
	if (prog_fd < 0)
		return prog_fd;
	if (link->kind != EB_LINK_BPF)
		return eb_err(-EOPNOTSUPP, "link update: prog '%s': this attachment has no kernel "
			      "link, its program cannot be replaced", prog->name);
	err = eb_sys_link_update(link->fd, prog_fd, 0, 0);
	if (err == -EOPNOTSUPP || err == -EINVAL)
		return eb_err(err, "link update: prog '%s': this link type does not allow replacing "
			      "its program, or the program type/attach type differs (%s)", prog->name,
			      strerror(-err));
	if (err)
		return eb_err(err, "link update: prog '%s': %s", prog->name, strerror(-err));
	return 0;
}

EBPF_API int ebpf_link_info(const struct ebpf_link *link, struct ebpf_link_info *out)
{
	struct eb_link_info info;
	uint32_t len = sizeof(info);
	int err;

	if (!link || !out)
		return eb_err(-EINVAL, "link info: link and out are required");
	if (link->kind != EB_LINK_BPF)
		return eb_err(-EOPNOTSUPP, "link info: this attachment has no kernel link");
	memset(&info, 0, sizeof(info));
	err = eb_sys_obj_info(link->fd, &info, &len);
	if (err)
		return eb_err(err, "link info: %s", strerror(-err));
	memset(out, 0, sizeof(*out));
	out->type = (enum ebpf_link_type)info.type;
	out->id = info.id;
	out->prog_id = info.prog_id;
	out->attach_type = EBPF_ATTACH_TYPE_NONE;
	switch (info.type) {
	case EBPF_LINK_TYPE_TRACING:
		out->attach_type = (enum ebpf_attach_type)info.tracing.attach_type;
		break;
	case EBPF_LINK_TYPE_TCX:
		out->attach_type = (enum ebpf_attach_type)info.tcx.attach_type;
		out->ifindex = info.tcx.ifindex;
		break;
	case EBPF_LINK_TYPE_XDP:
		/* struct bpf_link_info.xdp is a lone ifindex at offset 16. */
		memcpy(&out->ifindex, info.raw, sizeof(out->ifindex));
		out->attach_type = EBPF_XDP;
		break;
	default:
		break;
	}
	return 0;
}
