/*
 * Helpers of the reliability tests: what a process leaves behind. The set of
 * open fds (number -> what it points at) and the kernel's programs, maps and
 * links (ids from BPF_*_GET_NEXT_ID). Other processes load BPF objects at the
 * same time, so a leak is an object that (1) appeared since the snapshot,
 * (2) belongs to the test (its name — for a link, its program's name — starts
 * with the test's prefix) and (3) is still there after a grace period, since the
 * kernel may drop a closed perf event's program reference a moment later.
 */
#ifndef REL_KOBJS_H
#define REL_KOBJS_H

#include <dirent.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "lib/sys.h"

#define REL_MAX_IDS 8192

struct rel_ids {
	uint32_t n[3];
	uint32_t id[3][REL_MAX_IDS];
};

static const enum eb_bpf_cmd rel_next_cmd[3] = { EB_BPF_PROG_GET_NEXT_ID, EB_BPF_MAP_GET_NEXT_ID,
						  EB_BPF_LINK_GET_NEXT_ID };
static const enum eb_bpf_cmd rel_fd_cmd[3] = { EB_BPF_PROG_GET_FD_BY_ID, EB_BPF_MAP_GET_FD_BY_ID,
						EB_BPF_LINK_GET_FD_BY_ID };
static const char *const rel_kind_name[3] = { "prog", "map", "link" };

static inline void rel_ids_snapshot(struct rel_ids *s)
{
	for (int k = 0; k < 3; k++) {
		uint32_t id = 0, next;

		s->n[k] = 0;
		while (s->n[k] < REL_MAX_IDS && eb_sys_get_next_id(rel_next_cmd[k], id, &next) == 0) {
			s->id[k][s->n[k]++] = next;
			id = next;
		}
	}
}

static inline int rel_ids_has(const struct rel_ids *s, int k, uint32_t id)
{
	for (uint32_t i = 0; i < s->n[k]; i++)
		if (s->id[k][i] == id)
			return 1;
	return 0;
}

static inline int rel_prog_name_by_id(uint32_t id, char name[EB_OBJ_NAME_LEN])
{
	struct eb_prog_info info;
	uint32_t len = sizeof(info);
	int fd = eb_sys_get_fd_by_id(EB_BPF_PROG_GET_FD_BY_ID, id), err;

	if (fd < 0)
		return fd;
	memset(&info, 0, sizeof(info));
	err = eb_sys_obj_info(fd, &info, &len);
	close(fd);
	if (!err)
		memcpy(name, info.name, EB_OBJ_NAME_LEN);
	return err;
}

/* The name of object `id` of kind k (for a link: its program's), or "" if it is gone. */
static inline void rel_obj_name(int k, uint32_t id, char name[EB_OBJ_NAME_LEN])
{
	name[0] = '\0';
	if (k == 0) {
		(void)rel_prog_name_by_id(id, name);
	} else if (k == 1) {
		struct eb_map_info info;
		uint32_t len = sizeof(info);
		int fd = eb_sys_get_fd_by_id(EB_BPF_MAP_GET_FD_BY_ID, id);

		if (fd < 0)
			return;
		memset(&info, 0, sizeof(info));
		if (eb_sys_obj_info(fd, &info, &len) == 0)
			memcpy(name, info.name, EB_OBJ_NAME_LEN);
		close(fd);
	} else {
		struct eb_link_info info;
		uint32_t len = sizeof(info);
		int fd = eb_sys_get_fd_by_id(EB_BPF_LINK_GET_FD_BY_ID, id);

		if (fd < 0)
			return;
		memset(&info, 0, sizeof(info));
		if (eb_sys_obj_info(fd, &info, &len) == 0)
			(void)rel_prog_name_by_id(info.prog_id, name);
		close(fd);
	}
	name[EB_OBJ_NAME_LEN - 1] = '\0';
}

/*
 * Objects named `prefix`* created since `before` and still alive after up to
 * `grace_ms`: a description of the first one in `what` (size >= 128) and the
 * count, 0 when nothing leaked.
 */
static inline int rel_ids_leaked(const struct rel_ids *before, const char *prefix, int grace_ms,
				 char *what, size_t what_size)
{
	static struct rel_ids now;	/* large: keep it off the (thread) stack */
	int leaked = 0;

	for (int waited = 0;; waited += 20) {
		leaked = 0;
		rel_ids_snapshot(&now);
		for (int k = 0; k < 3; k++)
			for (uint32_t i = 0; i < now.n[k]; i++) {
				char name[EB_OBJ_NAME_LEN];

				if (rel_ids_has(before, k, now.id[k][i]))
					continue;
				rel_obj_name(k, now.id[k][i], name);
				if (strncmp(name, prefix, strlen(prefix)) != 0)
					continue;
				if (!leaked++)
					snprintf(what, what_size, "%s id %u ('%s')", rel_kind_name[k],
						 now.id[k][i], name);
			}
		if (!leaked || waited >= grace_ms)
			return leaked;
		nanosleep(&(struct timespec){ .tv_nsec = 20 * 1000 * 1000 }, NULL);
	}
}

static inline int rel_int_cmp(const void *a, const void *b)
{
	return *(const int *)a - *(const int *)b;
}

/* "fd -> target" of every open fd, one per line, in fd order (caller frees). */
static inline char *rel_fd_set(void)
{
	int fds[1024], nfd = 0;
	size_t cap = 64 * 1024, len = 0;
	struct dirent *e;
	char *out;
	DIR *d = opendir("/proc/self/fd");

	if (!d)
		return NULL;
	while ((e = readdir(d)) && nfd < 1024) {
		int fd = atoi(e->d_name);

		if (e->d_name[0] != '.' && fd != dirfd(d))
			fds[nfd++] = fd;
	}
	closedir(d);
	qsort(fds, (size_t)nfd, sizeof(fds[0]), rel_int_cmp);
	out = malloc(cap);
	if (!out)
		return NULL;
	out[0] = '\0';
	for (int i = 0; i < nfd && len + 600 < cap; i++) {
		char link[64], target[512];
		ssize_t n;

		snprintf(link, sizeof(link), "/proc/self/fd/%d", fds[i]);
		n = readlink(link, target, sizeof(target) - 1);
		if (n < 0)
			continue;
		target[n] = '\0';
		len += (size_t)snprintf(out + len, cap - len, "%d -> %s\n", fds[i], target);
	}
	return out;
}

#endif
