/* SPDX-License-Identifier: BSD-2-Clause */
/* Internal to the map files of the kernel layer. */
#ifndef EB_MAP_INTERNAL_H
#define EB_MAP_INTERNAL_H

#include <stdbool.h>
#include <stdint.h>

#include <ebpf/uapi.h>

/* Number of CPUs in a cpu list ("0-3,5" → 6: highest + 1); -EINVAL if malformed. */
int eb_parse_cpu_count(const char *s);
/* Whether values of this map type are per CPU. */
bool eb_map_type_percpu(enum ebpf_map_type t);

struct ebpf_map_spec;

/*
 * Create the kernel map for `ms` named `name` (inner template first for
 * map-in-map), with BTF from btf_fd (-1: none; retried without BTF where the
 * kernel refuses it). fd or negative errno with message. *flags_out and *max_out:
 * the map_flags and max_entries actually used.
 */
int eb_map_create_fd(const struct ebpf_map_spec *ms, const char *name, int btf_fd,
		     uint32_t *flags_out, uint32_t *max_out);

#endif
