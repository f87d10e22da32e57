// SPDX-License-Identifier: BSD-2-Clause
/*
 * Programs on perf events (uprobes, kprobes, tracepoints): a BPF perf link
 * (BPF_LINK_CREATE, Linux 5.15) carries the attach cookie; older kernels only
 * have the PERF_EVENT_IOC_SET_BPF ioctl, which cannot.
 */
#include <errno.h>
#include <linux/perf_event.h>
#include <string.h>
#include <sys/ioctl.h>

#include "lib/collection_internal.h"
#include "lib/error.h"
#include "lib/link_internal.h"
#include "lib/sys.h"

static int attach_ioctl(int prog_fd, int pfd, uint64_t cookie, const char *what,
			struct ebpf_link **out)
{
	int err;

	if (cookie) {
		eb_close(pfd);
		return eb_err(-EOPNOTSUPP, "%s: attach cookie %llu requested, but this kernel has no "
			      "BPF perf links to carry it (added in Linux 5.15)", what,
			      (unsigned long long)cookie);
	}
	if (ioctl(pfd, PERF_EVENT_IOC_SET_BPF, prog_fd) < 0 ||
	    ioctl(pfd, PERF_EVENT_IOC_ENABLE, 0) < 0) {
		err = -errno;
		eb_close(pfd);
		return eb_err(err, "%s: attaching the program to the perf event: %s", what,
			      strerror(-err));
	}
	return eb_link_done(EB_LINK_PERF_IOCTL, pfd, -1, out);
}

int eb_link_perf_attach(int prog_fd, int pfd, uint64_t cookie, const char *what,
			struct ebpf_link **out)
{
	struct eb_attr_link_create attr;
	int fd;

	if (eb_feature(EB_FEAT_PERF_LINK) == EB_NO)
		return attach_ioctl(prog_fd, pfd, cookie, what, out);
	memset(&attr, 0, sizeof(attr));
	attr.prog_fd = (uint32_t)prog_fd;
	attr.target_fd = (uint32_t)pfd;
	attr.attach_type = EBPF_PERF_EVENT;
	attr.perf_event.bpf_cookie = cookie;
	fd = eb_sys_link_create(&attr);
	/* The link holds its own reference to the perf event. */
	eb_close(pfd);
	if (fd < 0)
		return eb_err(fd, "%s: BPF_LINK_CREATE on the perf event: %s", what, strerror(-fd));
	return eb_link_done(EB_LINK_BPF, fd, -1, out);
}

int eb_link_perf_finish(const struct ebpf_prog *prog, int pfd, uint64_t cookie, int plan,
			const char *what, struct ebpf_link **out)
{
	int prog_fd = prog->fd, priv, err;

	err = eb_link_plan_prog(prog, plan, &cookie, &prog_fd, &priv, what);
	if (err) {
		eb_close(pfd);
		return err;
	}
	err = eb_link_perf_attach(prog_fd, pfd, cookie, what, out);
	if (err) {
		eb_close(priv);
		return err;
	}
	(*out)->priv_prog_fd = priv;
	return 0;
}

int eb_probe_event_attr(const char *pmu, bool retprobe, const char *what,
			struct perf_event_attr *attr)
{
	uint32_t type, bit;
	int err;

	if (eb_pmu_type(pmu, &type))
		return eb_err(-EOPNOTSUPP, "%s: %ss are not available in this kernel (no '%s' perf "
			      "PMU: CONFIG_%s_EVENTS is off)", what, pmu, pmu,
			      pmu[0] == 'k' ? "KPROBE" : "UPROBE");
	memset(attr, 0, sizeof(*attr));
	attr->size = sizeof(*attr);
	attr->type = type;
	if (retprobe) {
		err = eb_pmu_config_bit(pmu, "retprobe", &bit);
		if (err || bit >= 64)
			return eb_err(err < 0 ? err : -EOPNOTSUPP,
				      "%s: the %s PMU has no retprobe format bit", what, pmu);
		attr->config |= 1ULL << bit;
	}
	return 0;
}
