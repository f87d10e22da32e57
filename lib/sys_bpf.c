/* SPDX-License-Identifier: BSD-2-Clause */
/* bpf(2): the raw call, fd hygiene, and the map commands. */
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "lib/alloc.h"
#include "lib/sys.h"

int eb_sys_bpf(enum eb_bpf_cmd cmd, void *attr, unsigned int size)
{
	if (eb_fault_hit(EB_FAULT_BPF))
		return -ENOMEM;
	long ret = syscall(__NR_bpf, (int)cmd, attr, size);
	if (ret < 0)
		return errno ? -errno : -EINVAL;
	return (int)ret;
}

void eb_close(int fd)
{
	if (fd < 0)
		return;
	int saved = errno;
	close(fd);
	errno = saved;
}

int eb_fd_not_zero(int fd)
{
	if (fd != 0)
		return fd;
	/* 0 is the caller's stdin slot and our "no fd" marker: move it out of the way. */
	int moved = fcntl(fd, F_DUPFD_CLOEXEC, 3);
	int err = moved < 0 ? -errno : 0;
	eb_close(fd);
	return moved < 0 ? err : moved;
}

int eb_sys_bpf_fd(enum eb_bpf_cmd cmd, void *attr, unsigned int size)
{
	int fd = eb_sys_bpf(cmd, attr, size);
	return fd < 0 ? fd : eb_fd_not_zero(fd);
}

int eb_sys_map_create(struct eb_attr_map_create *attr)
{
	return eb_sys_bpf_fd(EB_BPF_MAP_CREATE, attr, sizeof(*attr));
}

static int map_elem(enum eb_bpf_cmd cmd, int fd, const void *key, const void *value,
		    uint64_t flags)
{
	struct eb_attr_map_elem a;
	memset(&a, 0, sizeof(a));
	a.map_fd = (uint32_t)fd;
	a.key = eb_ptr(key);
	a.value = eb_ptr(value);
	a.flags = flags;
	return eb_sys_bpf(cmd, &a, sizeof(a));
}

int eb_sys_map_lookup(int fd, const void *key, void *value, uint64_t flags)
{
	return map_elem(EB_BPF_MAP_LOOKUP_ELEM, fd, key, value, flags);
}

int eb_sys_map_update(int fd, const void *key, const void *value, uint64_t flags)
{
	return map_elem(EB_BPF_MAP_UPDATE_ELEM, fd, key, value, flags);
}

int eb_sys_map_delete(int fd, const void *key)
{
	return map_elem(EB_BPF_MAP_DELETE_ELEM, fd, key, NULL, 0);
}

int eb_sys_map_lookup_and_delete(int fd, const void *key, void *value)
{
	return map_elem(EB_BPF_MAP_LOOKUP_AND_DELETE_ELEM, fd, key, value, 0);
}

int eb_sys_map_next_key(int fd, const void *key, void *next_key)
{
	return map_elem(EB_BPF_MAP_GET_NEXT_KEY, fd, key, next_key, 0);
}

int eb_sys_map_freeze(int fd)
{
	return map_elem(EB_BPF_MAP_FREEZE, fd, NULL, NULL, 0);
}

int eb_sys_map_batch(enum eb_bpf_cmd cmd, struct eb_attr_map_batch *attr)
{
	if (cmd != EB_BPF_MAP_LOOKUP_BATCH && cmd != EB_BPF_MAP_LOOKUP_AND_DELETE_BATCH &&
	    cmd != EB_BPF_MAP_UPDATE_BATCH && cmd != EB_BPF_MAP_DELETE_BATCH)
		return -EINVAL;
	return eb_sys_bpf(cmd, attr, sizeof(*attr));
}

int eb_sys_obj_pin(int fd, const char *path)
{
	struct eb_attr_obj a;
	memset(&a, 0, sizeof(a));
	a.pathname = eb_ptr(path);
	a.bpf_fd = (uint32_t)fd;
	return eb_sys_bpf(EB_BPF_OBJ_PIN, &a, sizeof(a));
}

int eb_sys_obj_get(const char *path, uint32_t file_flags)
{
	struct eb_attr_obj a;
	memset(&a, 0, sizeof(a));
	a.pathname = eb_ptr(path);
	a.file_flags = file_flags;
	return eb_sys_bpf_fd(EB_BPF_OBJ_GET, &a, sizeof(a));
}

int eb_sys_obj_info(int fd, void *info, uint32_t *len)
{
	struct eb_attr_info a;
	memset(&a, 0, sizeof(a));
	a.bpf_fd = (uint32_t)fd;
	a.info_len = *len;
	a.info = eb_ptr(info);
	int err = eb_sys_bpf(EB_BPF_OBJ_GET_INFO_BY_FD, &a, sizeof(a));
	if (!err)
		*len = a.info_len;
	return err;
}

int eb_sys_get_next_id(enum eb_bpf_cmd cmd, uint32_t start, uint32_t *next)
{
	struct eb_attr_get_id a;
	memset(&a, 0, sizeof(a));
	a.start_id = start;
	int err = eb_sys_bpf(cmd, &a, sizeof(a));
	if (!err)
		*next = a.next_id;
	return err;
}

int eb_sys_get_fd_by_id(enum eb_bpf_cmd cmd, uint32_t id)
{
	struct eb_attr_get_id a;
	memset(&a, 0, sizeof(a));
	a.start_id = id;
	return eb_sys_bpf_fd(cmd, &a, sizeof(a));
}

int eb_sys_btf_load(struct eb_attr_btf_load *attr)
{
	return eb_sys_bpf_fd(EB_BPF_BTF_LOAD, attr, sizeof(*attr));
}

int eb_sys_btf_load_raw(const void *data, uint32_t size)
{
	struct eb_attr_btf_load a;
	memset(&a, 0, sizeof(a));
	a.btf = eb_ptr(data);
	a.btf_size = size;
	return eb_sys_btf_load(&a);
}
