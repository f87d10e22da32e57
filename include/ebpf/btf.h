/* SPDX-License-Identifier: BSD-2-Clause */
/* Public BTF API: open kernel or file BTF and look types up by name. */
#ifndef EBPF_BTF_H
#define EBPF_BTF_H

#include <ebpf/common.h>

#ifdef __cplusplus
extern "C" {
#endif

struct ebpf_btf;

/*
 * The running kernel's vmlinux BTF (/sys/kernel/btf/vmlinux), mapped read-only and
 * shared process-wide: every call returns a new reference to the same object.
 * Release with ebpf_btf_free(). Errors: -ENOENT (no kernel BTF), -EINVAL (malformed).
 */
EBPF_API int ebpf_btf_load_vmlinux(struct ebpf_btf **out);
/*
 * A raw BTF file by path (e.g. another kernel's BTF for offline checks), fully
 * validated. The caller owns the result; release with ebpf_btf_free().
 */
EBPF_API int ebpf_btf_load_file(const char *path, struct ebpf_btf **out);
/* Drop a reference; NULL is fine. */
EBPF_API void ebpf_btf_free(struct ebpf_btf *btf);
/* Number of type ids, including id 0 (void). */
EBPF_API uint32_t ebpf_btf_type_cnt(const struct ebpf_btf *btf);
/*
 * The first type id named `name` of BTF kind `kind` (the kernel's BTF_KIND_*
 * number; 0 for any kind). Returns the id (> 0) or -ENOENT.
 */
EBPF_API int32_t ebpf_btf_find(const struct ebpf_btf *btf, const char *name, unsigned kind);

#ifdef __cplusplus
}
#endif
#endif
