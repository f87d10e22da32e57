// SPDX-License-Identifier: BSD-2-Clause
/*
 * tracefs and the perf PMUs of dynamic probes: tracepoint ids, PMU types and the
 * bit of perf_event_attr.config that turns a probe into a return probe. tracefs
 * is not always mounted (see KERNEL.md), so it is mounted on demand at its
 * canonical place.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <unistd.h>

#include "lib/error.h"
#include "lib/link_internal.h"

#define TRACEFS_MAIN "/sys/kernel/tracing"
#define TRACEFS_DEBUG "/sys/kernel/debug/tracing"
#define PMU_DIR "/sys/bus/event_source/devices"

static bool is_dir(const char *path)
{
	struct stat st;

	return stat(path, &st) == 0 && S_ISDIR(st.st_mode);
}

const char *eb_tracefs_root(void)
{
	if (is_dir(TRACEFS_MAIN "/events"))
		return TRACEFS_MAIN;
	if (is_dir(TRACEFS_DEBUG "/events"))
		return TRACEFS_DEBUG;
	/* Another thread may race us to the mount: EBUSY then means it is there. */
	if (mount("tracefs", TRACEFS_MAIN, "tracefs", 0, NULL) == 0 || is_dir(TRACEFS_MAIN "/events"))
		return TRACEFS_MAIN;
	return NULL;
}

/* Read a small sysfs/tracefs file into buf (NUL-terminated, trailing newline stripped). */
static int read_small_file(const char *path, char *buf, size_t size)
{
	ssize_t n;
	int fd, err;

	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	n = read(fd, buf, size - 1);
	err = n < 0 ? -errno : 0;
	close(fd);
	if (err)
		return err;
	buf[n] = '\0';
	while (n > 0 && (buf[n - 1] == '\n' || buf[n - 1] == ' '))
		buf[--n] = '\0';
	return 0;
}

/* Parse a decimal unsigned value that must fill the whole string. */
static int parse_u64(const char *s, uint64_t *out)
{
	char *end;

	if (!*s || *s == '-')
		return -EINVAL;
	errno = 0;
	*out = strtoull(s, &end, 10);
	return errno || *end ? -EINVAL : 0;
}

/* A tracepoint name component must not be able to walk out of events/. */
static bool safe_component(const char *s)
{
	return s && *s && !strchr(s, '/') && strcmp(s, ".") && strcmp(s, "..");
}

int eb_tracepoint_id(const char *category, const char *name, uint64_t *id)
{
	char path[512], buf[64];
	const char *root;
	int err, n;

	if (!safe_component(category) || !safe_component(name))
		return eb_err(-EINVAL, "tracepoint '%s/%s': invalid name", category ? category : "",
			      name ? name : "");
	root = eb_tracefs_root();
	if (!root)
		return eb_err(-ENOENT, "tracepoint '%s/%s': tracefs is not mounted and mounting it at "
			      TRACEFS_MAIN " failed: %s", category, name, strerror(errno));
	n = snprintf(path, sizeof(path), "%s/events/%s/%s/id", root, category, name);
	if (n < 0 || (size_t)n >= sizeof(path))
		return eb_err(-ENAMETOOLONG, "tracepoint '%s/%s': name too long", category, name);
	err = read_small_file(path, buf, sizeof(buf));
	if (err == -ENOENT)
		return eb_err(err, "tracepoint '%s/%s': no such tracepoint (%s)", category, name, path);
	if (err)
		return eb_err(err, "tracepoint '%s/%s': %s: %s", category, name, path, strerror(-err));
	if (parse_u64(buf, id))
		return eb_err(-EINVAL, "tracepoint '%s/%s': malformed id '%s'", category, name, buf);
	return 0;
}

int eb_pmu_type(const char *pmu, uint32_t *type)
{
	char path[256], buf[64];
	uint64_t v;
	int err;

	snprintf(path, sizeof(path), PMU_DIR "/%s/type", pmu);
	err = read_small_file(path, buf, sizeof(buf));
	if (err)
		return err;
	if (parse_u64(buf, &v) || v > UINT32_MAX)
		return eb_err(-EINVAL, "%s: malformed PMU type '%s'", path, buf);
	*type = (uint32_t)v;
	return 0;
}

int eb_pmu_config_bit(const char *pmu, const char *field, uint32_t *bit)
{
	char path[256], buf[64];
	uint64_t v;
	int err;

	snprintf(path, sizeof(path), PMU_DIR "/%s/format/%s", pmu, field);
	err = read_small_file(path, buf, sizeof(buf));
	if (err)
		return err;
	/* The format is "config:<bit>" (a single bit for retprobe). */
	if (strncmp(buf, "config:", 7) || parse_u64(buf + 7, &v) || v > 63)
		return eb_err(-EINVAL, "%s: unexpected format '%s'", path, buf);
	*bit = (uint32_t)v;
	return 0;
}

int eb_kprobes_available(void)
{
	char path[256];
	const char *root;

	if (access(PMU_DIR "/kprobe/type", R_OK) == 0)
		return 0;
	root = eb_tracefs_root();
	if (root) {
		snprintf(path, sizeof(path), "%s/kprobe_events", root);
		if (access(path, F_OK) == 0)
			return 0;
	}
	return eb_err(-EOPNOTSUPP, "kprobes are not available in this kernel (CONFIG_KPROBES is off): "
		      "no 'kprobe' perf PMU and no kprobe_events in tracefs");
}
