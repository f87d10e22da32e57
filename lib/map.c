/* SPDX-License-Identifier: BSD-2-Clause */
/* The map API: accessors, element operations, batch operations, per-CPU sizing. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/alloc.h"
#include "lib/collection_internal.h"
#include "lib/error.h"
#include "lib/map_internal.h"
#include "lib/spec.h"
#include "lib/sys.h"

const char *ebpf_map_name(const struct ebpf_map *map)
{
	return map ? map->name : NULL;
}

int ebpf_map_fd(const struct ebpf_map *map)
{
	return map ? map->fd : -1;
}

enum ebpf_map_type ebpf_map_type(const struct ebpf_map *map)
{
	return map ? map->type : EBPF_MAP_TYPE_UNSPEC;
}

uint32_t ebpf_map_key_size(const struct ebpf_map *map)
{
	return map ? map->key_size : 0;
}

uint32_t ebpf_map_value_size(const struct ebpf_map *map)
{
	return map ? map->value_size : 0;
}

uint32_t ebpf_map_max_entries(const struct ebpf_map *map)
{
	return map ? map->max_entries : 0;
}

/* Parse a cpu list like "0-3,5,7-8" (/sys/devices/system/cpu/possible): highest + 1. */
int eb_parse_cpu_count(const char *s)
{
	int max = -1;
	while (s && *s && *s != '\n') {
		char *end;
		long a = strtol(s, &end, 10), b;
		if (end == s || a < 0 || a > 1 << 20)
			return -EINVAL;
		b = a;
		if (*end == '-') {
			s = end + 1;
			b = strtol(s, &end, 10);
			if (end == s || b < a || b > 1 << 20)
				return -EINVAL;
		}
		if (b > max)
			max = (int)b;
		s = end;
		if (*s == ',')
			s++;
		else if (*s && *s != '\n')
			return -EINVAL;
	}
	return max < 0 ? -EINVAL : max + 1;
}

int ebpf_num_possible_cpus(void)
{
	/* Possible CPUs do not change while we run: read once. Races only re-read. */
	static _Atomic int cached;
	int n = cached;
	if (n > 0)
		return n;
	FILE *f = fopen("/sys/devices/system/cpu/possible", "re");
	if (!f)
		return eb_err(-errno, "cannot read /sys/devices/system/cpu/possible: %s", strerror(errno));
	char buf[256];
	char *line = fgets(buf, sizeof(buf), f);
	fclose(f);
	n = line ? eb_parse_cpu_count(buf) : -EINVAL;
	if (n < 0)
		return eb_err(n, "cannot parse /sys/devices/system/cpu/possible");
	cached = n;
	return n;
}

bool eb_map_type_percpu(enum ebpf_map_type t)
{
	return t == EBPF_MAP_TYPE_PERCPU_HASH || t == EBPF_MAP_TYPE_PERCPU_ARRAY ||
	       t == EBPF_MAP_TYPE_LRU_PERCPU_HASH || t == EBPF_MAP_TYPE_PERCPU_CGROUP_STORAGE;
}

size_t ebpf_map_value_buf_size(const struct ebpf_map *map)
{
	if (!map)
		return 0;
	if (!eb_map_type_percpu(map->type))
		return map->value_size;
	int cpus = ebpf_num_possible_cpus();
	if (cpus < 0)
		return 0;
	/* the kernel copies each CPU's value into an 8-byte aligned slot */
	return (((size_t)map->value_size + 7) & ~(size_t)7) * (size_t)cpus;
}

static int check_usable(const struct ebpf_map *map, const char *op)
{
	if (!map)
		return eb_err(-EINVAL, "map %s: no map given", op);
	if (map->fd < 0)
		return eb_err(-EBADF, "map '%s': %s: the map was not created", map->name, op);
	return 0;
}

static int op_err(const struct ebpf_map *map, const char *op, int err)
{
	return eb_err(err, "map '%s': %s: %s", map->name, op, strerror(-err));
}

int ebpf_map_lookup(const struct ebpf_map *map, const void *key, void *value)
{
	int err = check_usable(map, "lookup");
	if (err)
		return err;
	err = eb_sys_map_lookup(map->fd, key, value, 0);
	return err ? op_err(map, "lookup", err) : 0;
}

int ebpf_map_update(const struct ebpf_map *map, const void *key, const void *value, uint64_t flags)
{
	int err = check_usable(map, "update");
	if (err)
		return err;
	err = eb_sys_map_update(map->fd, key, value, flags);
	if (err == -EPERM && map->frozen)
		return eb_err(err, "map '%s': update: the map is read-only (frozen after load)", map->name);
	return err ? op_err(map, "update", err) : 0;
}

int ebpf_map_delete(const struct ebpf_map *map, const void *key)
{
	int err = check_usable(map, "delete");
	if (err)
		return err;
	err = eb_sys_map_delete(map->fd, key);
	return err ? op_err(map, "delete", err) : 0;
}

/* Maps whose keys are the u32 indexes 0..max_entries-1, every one always present. */
static bool keys_are_indexes(enum ebpf_map_type t)
{
	switch (t) {
	case EBPF_MAP_TYPE_ARRAY:
	case EBPF_MAP_TYPE_PERCPU_ARRAY:
	case EBPF_MAP_TYPE_PROG_ARRAY:
	case EBPF_MAP_TYPE_PERF_EVENT_ARRAY:
	case EBPF_MAP_TYPE_CGROUP_ARRAY:
	case EBPF_MAP_TYPE_ARRAY_OF_MAPS:
	case EBPF_MAP_TYPE_DEVMAP:
	case EBPF_MAP_TYPE_CPUMAP:
	case EBPF_MAP_TYPE_XSKMAP:
	case EBPF_MAP_TYPE_SOCKMAP:
	case EBPF_MAP_TYPE_REUSEPORT_SOCKARRAY:
		return true;
	default:
		return false;
	}
}

int ebpf_map_next_key(const struct ebpf_map *map, const void *key, void *next_key)
{
	int err = check_usable(map, "next key");
	if (err)
		return err;
	if (!next_key)
		return eb_err(-EINVAL, "map '%s': next key: no buffer for the next key", map->name);
	/*
	 * The first key of an index-keyed map is 0: answered here, so no NULL key
	 * goes to the kernel. Other maps need the NULL (the kernel's "first key");
	 * valgrind's bpf(2) wrapper (3.19) flags that NULL as unaddressable.
	 */
	if (!key && keys_are_indexes(map->type) && map->key_size == sizeof(uint32_t) &&
	    map->max_entries) {
		memset(next_key, 0, sizeof(uint32_t));
		return 0;
	}
	err = eb_sys_map_next_key(map->fd, key, next_key);
	return err ? op_err(map, "next key", err) : 0;
}

int ebpf_map_lookup_and_delete(const struct ebpf_map *map, const void *key, void *value)
{
	int err = check_usable(map, "lookup and delete");
	if (err)
		return err;
	err = eb_sys_map_lookup_and_delete(map->fd, key, value);
	return err ? op_err(map, "lookup and delete", err) : 0;
}

int ebpf_map_freeze(const struct ebpf_map *map)
{
	int err = check_usable(map, "freeze");
	if (err)
		return err;
	err = eb_sys_map_freeze(map->fd);
	return err ? op_err(map, "freeze", err) : 0;
}

/* The kernel implements batch operations for hash and array maps only. */
static bool batch_supported(enum ebpf_map_type t)
{
	return t == EBPF_MAP_TYPE_HASH || t == EBPF_MAP_TYPE_PERCPU_HASH || t == EBPF_MAP_TYPE_LRU_HASH ||
	       t == EBPF_MAP_TYPE_LRU_PERCPU_HASH || t == EBPF_MAP_TYPE_ARRAY ||
	       t == EBPF_MAP_TYPE_PERCPU_ARRAY;
}

/*
 * Lookup batches write keys, values and the resume position from the kernel.
 * Zeroed first so what the caller reads is defined even to tools (valgrind)
 * that do not know these bpf(2) commands write there.
 */
static void zero_batch_out(const struct ebpf_map *map, void *out_batch, void *keys, void *values,
			   uint32_t count)
{
	size_t vsize = ebpf_map_value_buf_size(map);
	if (out_batch)
		memset(out_batch, 0, map->key_size < 4 && !keys_are_indexes(map->type) ? 4 : map->key_size);
	if (keys && map->key_size && count <= SIZE_MAX / map->key_size)
		memset(keys, 0, (size_t)count * map->key_size);
	if (values && vsize && count <= SIZE_MAX / vsize)
		memset(values, 0, (size_t)count * vsize);
}

static int batch(const struct ebpf_map *map, enum eb_bpf_cmd cmd, const char *op, void *in_batch,
		 void *out_batch, void *keys, void *values, uint32_t *count, uint64_t elem_flags)
{
	int err = check_usable(map, op);
	if (err)
		return err;
	if (!count)
		return eb_err(-EINVAL, "map '%s': %s: count is required", map->name, op);
	if (!batch_supported(map->type))
		return eb_err(-EOPNOTSUPP, "map '%s': %s: maps of type %s have no batch operations",
			      map->name, op, eb_map_type_name(map->type));
	if (cmd == EB_BPF_MAP_LOOKUP_BATCH || cmd == EB_BPF_MAP_LOOKUP_AND_DELETE_BATCH)
		zero_batch_out(map, out_batch, keys, values, *count);
	struct eb_attr_map_batch a;
	memset(&a, 0, sizeof(a));
	a.map_fd = (uint32_t)map->fd;
	a.in_batch = eb_ptr(in_batch);
	a.out_batch = eb_ptr(out_batch);
	a.keys = eb_ptr(keys);
	a.values = eb_ptr(values);
	a.count = *count;
	a.elem_flags = elem_flags;
	err = eb_sys_map_batch(cmd, &a);
	*count = a.count;
	/* ENOENT from a lookup batch only means "reached the end"; the count is valid */
	if (err == -ENOENT && (cmd == EB_BPF_MAP_LOOKUP_BATCH || cmd == EB_BPF_MAP_LOOKUP_AND_DELETE_BATCH))
		return -ENOENT;
	return err ? op_err(map, op, err) : 0;
}

int ebpf_map_lookup_batch(const struct ebpf_map *map, void *in_batch, void *out_batch, void *keys,
			  void *values, uint32_t *count)
{
	return batch(map, EB_BPF_MAP_LOOKUP_BATCH, "lookup batch", in_batch, out_batch, keys, values,
		     count, 0);
}

int ebpf_map_lookup_and_delete_batch(const struct ebpf_map *map, void *in_batch, void *out_batch,
				     void *keys, void *values, uint32_t *count)
{
	return batch(map, EB_BPF_MAP_LOOKUP_AND_DELETE_BATCH, "lookup and delete batch", in_batch,
		     out_batch, keys, values, count, 0);
}

int ebpf_map_update_batch(const struct ebpf_map *map, const void *keys, const void *values,
			  uint32_t *count, uint64_t elem_flags)
{
	return batch(map, EB_BPF_MAP_UPDATE_BATCH, "update batch", NULL, NULL, (void *)keys,
		     (void *)values, count, elem_flags);
}

int ebpf_map_delete_batch(const struct ebpf_map *map, const void *keys, uint32_t *count)
{
	return batch(map, EB_BPF_MAP_DELETE_BATCH, "delete batch", NULL, NULL, (void *)keys, NULL,
		     count, 0);
}
