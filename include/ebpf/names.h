/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Names of kernel constants, for tools and messages: the strings libebpf itself
 * uses in its errors ("kprobe", "ringbuf", "trace_uprobe_multi"), so what a tool
 * prints matches what the library says.
 */
#ifndef EBPF_NAMES_H
#define EBPF_NAMES_H

#include <ebpf/common.h>
#include <ebpf/uapi.h>

#ifdef __cplusplus
extern "C" {
#endif

/*
 * The name of a program type, map type or attach type ("socket_filter", "hash",
 * "none" for EBPF_ATTACH_TYPE_NONE). Never NULL: "unknown" for values with no
 * name (out of range, negative). The strings are static; never free them.
 * These functions do not fail and do not touch ebpf_errmsg().
 */
EBPF_API const char *ebpf_prog_type_name(enum ebpf_prog_type type);
EBPF_API const char *ebpf_map_type_name(enum ebpf_map_type type);
EBPF_API const char *ebpf_attach_type_name(enum ebpf_attach_type type);

/*
 * The name of BPF helper `id` ("bpf_map_lookup_elem" for 1; a static string), or
 * NULL for 0, negative or unknown ids.
 */
EBPF_API const char *ebpf_helper_name(int32_t id);
/*
 * The id of helper `name`, with or without its "bpf_" prefix ("bpf_ktime_get_ns"
 * or "ktime_get_ns"), or -1 if unknown or NULL (not an errno).
 */
EBPF_API int ebpf_helper_id(const char *name);

#ifdef __cplusplus
}
#endif
#endif
