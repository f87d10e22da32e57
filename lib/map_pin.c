/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Pinning maps by name under a bpffs directory, and reusing an existing pin —
 * only when it is the same map definition; never silently.
 */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <sys/statfs.h>
#include <unistd.h>

#include "lib/alloc.h"
#include "lib/collection_internal.h"
#include "lib/error.h"
#include "lib/map_internal.h"
#include "lib/sys.h"

#define DEFAULT_PIN_ROOT "/sys/fs/bpf"
#define BPF_FS_MAGIC 0xcafe4a11

/* Why BPF_OBJ_GET refused `path`, when the reason is the file system: "" otherwise. */
static const char *not_bpffs_hint(const char *path, int err)
{
	struct statfs st;

	if (err != -EACCES && err != -EPERM && err != -EINVAL)
		return "";
	if (statfs(path, &st) == 0 && (unsigned long)st.f_type != BPF_FS_MAGIC)
		return " (not a BPF object: the path is not on a bpffs mount)";
	return "";
}

/* Whether the fd BPF_OBJ_GET returned is a map (a program or link can be pinned there too). */
static bool fd_is_map(int fd, char *what, size_t size)
{
	char link[64];
	ssize_t n;

	snprintf(link, sizeof(link), "/proc/self/fd/%d", fd);
	n = readlink(link, what, size - 1);
	if (n < 0)
		return true;	/* no /proc: the info comparison still catches most */
	what[n] = '\0';
	return strcmp(what, "anon_inode:bpf-map") == 0;
}

/* Flags that say how the map was made, compared for reuse (kernel-added bits ignored). */
#define FLAGS_COMPARED (EBPF_F_NO_PREALLOC | EBPF_F_NO_COMMON_LRU | EBPF_F_RDONLY | EBPF_F_WRONLY | \
			EBPF_F_RDONLY_PROG | EBPF_F_WRONLY_PROG | EBPF_F_MMAPABLE | EBPF_F_ZERO_SEED | \
			EBPF_F_STACK_BUILD_ID)

/* Compare a pinned map with what we would create; 0 or -EEXIST with the difference named. */
static int check_compatible(const struct ebpf_map *map, int fd, const char *path, uint32_t want_flags,
			    uint32_t want_max)
{
	struct eb_map_info info;
	uint32_t len = sizeof(info);
	memset(&info, 0, sizeof(info));
	int err = eb_sys_obj_info(fd, &info, &len);
	if (err)
		return eb_err(err, "map '%s': reading pinned map %s: %s", map->name, path, strerror(-err));
	const struct ebpf_map_spec *ms = map->spec;
	char what[160] = "";
	if (info.type != (uint32_t)ms->type)
		snprintf(what, sizeof(what), "type %s, expected %s", eb_map_type_name(info.type),
			 eb_map_type_name(ms->type));
	else if (info.key_size != ms->key_size)
		snprintf(what, sizeof(what), "key size %u, expected %u", info.key_size, ms->key_size);
	else if (info.value_size != ms->value_size)
		snprintf(what, sizeof(what), "value size %u, expected %u", info.value_size, ms->value_size);
	else if (info.max_entries != want_max)
		snprintf(what, sizeof(what), "max_entries %u, expected %u", info.max_entries, want_max);
	else if ((info.map_flags & FLAGS_COMPARED) != (want_flags & FLAGS_COMPARED))
		snprintf(what, sizeof(what), "flags 0x%x, expected 0x%x", info.map_flags & FLAGS_COMPARED,
			 want_flags & FLAGS_COMPARED);
	if (what[0])
		return eb_err(-EEXIST, "map '%s': the map pinned at %s is a different map (%s); "
			      "remove the pin or fix the definition", map->name, path, what);
	return 0;
}

/* The flags/max_entries a fresh create would use, without creating anything. */
static void would_create(const struct ebpf_map *map, uint32_t *flags, uint32_t *max)
{
	const struct ebpf_map_spec *ms = map->spec;
	*flags = ms->flags;
	*max = ms->max_entries;
	if (ms->readonly)
		*flags |= EBPF_F_RDONLY_PROG;
	if (ms->type == EBPF_MAP_TYPE_PERF_EVENT_ARRAY && !*max) {
		int cpus = ebpf_num_possible_cpus();
		*max = cpus > 0 ? (uint32_t)cpus : 0;
	}
}

int eb_map_create(struct ebpf_collection *coll, struct ebpf_map *map, const char *pin_root,
		  const void *init_value)
{
	const struct ebpf_map_spec *ms = map->spec;
	char path[PATH_MAX];
	int err;

	if (ms->pinning == EBPF_PIN_BY_NAME) {
		const char *root = pin_root && pin_root[0] ? pin_root : DEFAULT_PIN_ROOT;
		int n = snprintf(path, sizeof(path), "%s/%s", root, map->name);
		if (n < 0 || (size_t)n >= sizeof(path))
			return eb_err(-ENAMETOOLONG, "map '%s': pin path under '%s' is too long",
				      map->name, root);
		map->pin_path = eb_strdup(path);
		if (!map->pin_path)
			return -ENOMEM;
		int fd = eb_sys_obj_get(path, 0);
		char what[64];
		if (fd >= 0 && !fd_is_map(fd, what, sizeof(what))) {
			eb_close(fd);
			return eb_err(-EEXIST, "map '%s': the object pinned at %s is not a map (%s); "
				      "remove the pin or use another pin root", map->name, path, what);
		}
		if (fd >= 0) {
			uint32_t flags, max;
			would_create(map, &flags, &max);
			err = check_compatible(map, fd, path, flags, max);
			if (err) {
				eb_close(fd);
				return err;
			}
			struct eb_map_info info;
			uint32_t len = sizeof(info);
			memset(&info, 0, sizeof(info));
			eb_sys_obj_info(fd, &info, &len);
			map->fd = fd;
			map->flags = info.map_flags;
			map->max_entries = info.max_entries;
			map->pinned = true;
			map->reused = true;
			/* a reused map keeps its contents: the initial value is not written again */
			map->frozen = ms->readonly;
			return 0;
		}
		if (fd != -ENOENT)
			return eb_err(fd, "map '%s': opening pin %s: %s%s", map->name, path, strerror(-fd),
				      not_bpffs_hint(path, fd));
	}

	uint32_t flags, max;
	int fd = eb_map_create_fd(ms, map->name, coll->btf_fd, &flags, &max);
	if (fd < 0)
		return fd;
	map->fd = fd;
	map->flags = flags;
	map->max_entries = max;
	if (ms->origin == EBPF_MAP_ORIGIN_DATA || ms->origin == EBPF_MAP_ORIGIN_KCONFIG) {
		err = eb_map_init_data(map, init_value);
		if (err)
			return err;
	}
	if (map->pin_path) {
		err = eb_sys_obj_pin(map->fd, map->pin_path);
		if (err)
			return eb_err(err, "map '%s': pinning at %s: %s%s", map->name, map->pin_path,
				      strerror(-err), err == -EPERM || err == -EINVAL ?
				      " (is the directory on a bpffs mount?)" : "");
		map->pinned = true;
	}
	return 0;
}
