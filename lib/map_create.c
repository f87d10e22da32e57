/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Creating a collection's maps from their specs: attrs (sizes, flags, BTF ids
 * with a retry without them), map-in-map inner templates, initial contents and
 * freezing of read-only data, and slots filled once programs exist.
 */
#include <errno.h>
#include <string.h>
#include <unistd.h>

#include "lib/alloc.h"
#include "lib/collection_internal.h"
#include "lib/error.h"
#include "lib/features.h"
#include "lib/map_internal.h"
#include "lib/sys.h"

static bool is_data(const struct ebpf_map_spec *ms)
{
	return ms->origin == EBPF_MAP_ORIGIN_DATA || ms->origin == EBPF_MAP_ORIGIN_KCONFIG;
}

/* Map types whose creation needs BTF for the value (no retry without it). */
static bool needs_btf(enum ebpf_map_type t)
{
	return t == EBPF_MAP_TYPE_SK_STORAGE || t == EBPF_MAP_TYPE_INODE_STORAGE ||
	       t == EBPF_MAP_TYPE_TASK_STORAGE || t == EBPF_MAP_TYPE_CGRP_STORAGE;
}

/* Fill the create attr of `ms`; returns the flags the map will have. */
static void fill_attr(struct eb_attr_map_create *a, const struct ebpf_map_spec *ms, const char *name,
		      int btf_fd)
{
	memset(a, 0, sizeof(*a));
	a->map_type = ms->type;
	a->key_size = ms->key_size;
	a->value_size = ms->value_size;
	a->max_entries = ms->max_entries;
	a->map_flags = ms->flags;
	if (ms->flags & EBPF_F_NUMA_NODE)
		a->numa_node = ms->numa_node;
	a->map_extra = ms->map_extra;
	if (is_data(ms)) {
		/* global data is mmapable (libbpf convention) and read-only for programs if .rodata */
		/*
		 * Unless known missing (before 5.5): a refusal is probed and retried
		 * without it (create_one), so a fresh process runs no probe for it.
		 */
		if (eb_feature_cached(EB_FEAT_MMAPABLE_MAPS) != EB_NO)
			a->map_flags |= EBPF_F_MMAPABLE;
		if (ms->readonly)
			a->map_flags |= EBPF_F_RDONLY_PROG;
	}
	/* perf event arrays default to one slot per possible CPU */
	if (ms->type == EBPF_MAP_TYPE_PERF_EVENT_ARRAY && !a->max_entries) {
		int cpus = ebpf_num_possible_cpus();
		a->max_entries = cpus > 0 ? (uint32_t)cpus : 0;
	}
	eb_obj_name(a->map_name, name);
	if (btf_fd >= 0 && (ms->btf_value_type || (is_data(ms) && ms->btf_datasec))) {
		a->btf_fd = (uint32_t)btf_fd;
		if (is_data(ms)) {
			/* data maps: keyless BTF, the value is the DATASEC */
			a->btf_value_type_id = ms->btf_datasec;
		} else {
			a->btf_key_type_id = ms->btf_key_type;
			a->btf_value_type_id = ms->btf_value_type;
		}
	}
}

/* What to do about the common refusals of BPF_MAP_CREATE ("" if nothing useful to add). */
static const char *create_hint(enum ebpf_map_type t, const struct eb_attr_map_create *a, int err)
{
	bool storage = needs_btf(t) || t == EBPF_MAP_TYPE_CGROUP_STORAGE ||
		       t == EBPF_MAP_TYPE_PERCPU_CGROUP_STORAGE;
	if (err == -EINVAL && !a->max_entries && !storage)
		return "; give the map a max_entries above 0";
	if (err == -EPERM)
		return "; creating maps needs CAP_BPF (kernels before 5.11 also charge "
		       "RLIMIT_MEMLOCK: raise it)";
	if (err == -EINVAL && eb_probe_map_type(t) == EB_NO)
		return "; this kernel does not know this map type";
	return "";
}

static int create_one(const struct ebpf_map_spec *ms, const char *name, int btf_fd, int inner_fd,
		      uint32_t *flags_out, uint32_t *max_out)
{
	struct eb_attr_map_create a;
	fill_attr(&a, ms, name, btf_fd);
	if (inner_fd >= 0)
		a.inner_map_fd = (uint32_t)inner_fd;
	int fd = eb_sys_map_create(&a);
	if (fd < 0 && (a.map_flags & EBPF_F_MMAPABLE) && !(ms->flags & EBPF_F_MMAPABLE) &&
	    !eb_probe_inconclusive(fd) && eb_feature_cached(EB_FEAT_MMAPABLE_MAPS) == EB_UNKNOWN &&
	    eb_feature(EB_FEAT_MMAPABLE_MAPS) == EB_NO) {
		/* global data assumed mmapable on a kernel without it: create it plain */
		a.map_flags &= ~(uint32_t)EBPF_F_MMAPABLE;
		fd = eb_sys_map_create(&a);
	}
	if (fd >= 0 && (a.map_flags & EBPF_F_MMAPABLE))
		eb_feature_learned(EB_FEAT_MMAPABLE_MAPS, EB_YES);
	if (fd < 0 && a.btf_fd && !needs_btf(ms->type) && fd != -EPERM && fd != -ENOMEM) {
		/* old kernels reject BTF they do not understand: retry without it */
		eb_debug("map '%s': create with BTF failed (%d), retrying without", name, fd);
		a.btf_fd = 0;
		a.btf_key_type_id = 0;
		a.btf_value_type_id = 0;
		fd = eb_sys_map_create(&a);
	}
	if (fd < 0)
		return eb_err(fd, "map '%s': create (%s, key %u, value %u, max_entries %u, flags 0x%x): %s%s",
			      name, eb_map_type_name(ms->type), a.key_size, a.value_size, a.max_entries,
			      a.map_flags, strerror(-fd), create_hint(ms->type, &a, fd));
	*flags_out = a.map_flags;
	*max_out = a.max_entries;
	return fd;
}

/* The inner template of a map-in-map, created only to define the value type. */
static int create_inner(const struct ebpf_map_spec *ms, const char *outer, int btf_fd)
{
	uint32_t f, m;
	if (!ms->inner)
		return eb_err(-EINVAL, "map '%s': %s needs an inner map definition (__array(values, ...))",
			      outer, eb_map_type_name(ms->type));
	int fd = create_one(ms->inner, ms->inner->name ? ms->inner->name : outer, btf_fd, -1, &f, &m);
	return fd < 0 ? eb_err_ctx(fd, "map '%s': inner map", outer) : fd;
}

int eb_map_create_fd(const struct ebpf_map_spec *ms, const char *name, int btf_fd,
		     uint32_t *flags_out, uint32_t *max_out)
{
	int inner = -1;
	if (ms->type == EBPF_MAP_TYPE_ARRAY_OF_MAPS || ms->type == EBPF_MAP_TYPE_HASH_OF_MAPS) {
		inner = create_inner(ms, name, btf_fd);
		if (inner < 0)
			return inner;
	}
	int fd = create_one(ms, name, btf_fd, inner, flags_out, max_out);
	eb_close(inner);
	return fd;
}

int eb_map_init_data(struct ebpf_map *map, const void *value)
{
	const struct ebpf_map_spec *ms = map->spec;
	uint32_t key = 0;
	if (value) {
		int err = eb_sys_map_update(map->fd, &key, value, EBPF_ANY);
		if (err)
			return eb_err(err, "map '%s': writing the initial value: %s", map->name,
				      strerror(-err));
	}
	if (ms->readonly) {
		/* frozen before any program is verified, so the verifier may trust the constants */
		int err = eb_sys_map_freeze(map->fd);
		if (err)
			return eb_err(err, "map '%s': freeze: %s", map->name, strerror(-err));
		map->frozen = true;
	}
	return 0;
}

static struct ebpf_prog *prog_by_name(struct ebpf_collection *coll, const char *name)
{
	for (uint32_t i = 0; i < coll->prog_cnt; i++)
		if (!strcmp(coll->progs[i].name, name))
			return &coll->progs[i];
	return NULL;
}

static struct ebpf_map *map_by_name(struct ebpf_collection *coll, const char *name)
{
	for (uint32_t i = 0; i < coll->map_cnt; i++)
		if (!strcmp(coll->maps[i].name, name))
			return &coll->maps[i];
	return NULL;
}

int eb_map_fill_slots(struct ebpf_collection *coll, struct ebpf_map *map)
{
	const struct ebpf_map_spec *ms = map->spec;
	bool progs = ms->type == EBPF_MAP_TYPE_PROG_ARRAY;
	for (uint32_t i = 0; i < ms->slot_cnt; i++) {
		const struct eb_map_slot *s = &ms->slots[i];
		int fd;
		if (progs) {
			struct ebpf_prog *p = prog_by_name(coll, s->name);
			if (!p)
				return eb_err(-ENOENT, "map '%s': slot %u: no program '%s'", map->name,
					      s->index, s->name);
			if (p->fd < 0)
				continue;	/* not loaded (failed or not chosen): leave the slot empty */
			fd = p->fd;
		} else {
			struct ebpf_map *m = map_by_name(coll, s->name);
			if (!m)
				return eb_err(-ENOENT, "map '%s': slot %u: no map '%s'", map->name,
					      s->index, s->name);
			if (m->fd < 0)
				return eb_err(-ENOENT, "map '%s': slot %u: map '%s' was not created",
					      map->name, s->index, s->name);
			fd = m->fd;
		}
		uint32_t key = s->index, val = (uint32_t)fd;
		int err = eb_sys_map_update(map->fd, &key, &val, EBPF_ANY);
		if (err)
			return eb_err(err, "map '%s': slot %u <- '%s': %s", map->name, s->index, s->name,
				      strerror(-err));
	}
	return 0;
}
