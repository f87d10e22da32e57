/* SPDX-License-Identifier: BSD-2-Clause */
/* Public BTF API: open kernel or file BTF and look types up by name. */
#ifndef EBPF_BTF_H
#define EBPF_BTF_H

#include <ebpf/common.h>

#ifdef __cplusplus
extern "C" {
#endif

/*
 * A parsed, validated, read-only BTF blob. Reference counted; lookups on one
 * object may run from several threads at once.
 */
struct ebpf_btf;

/*
 * The running kernel's vmlinux BTF (/sys/kernel/btf/vmlinux), mapped read-only and
 * cached process-wide: every call returns a new reference to the same object.
 * Release with ebpf_btf_free(). Errors (*out is NULL): -ENOENT (no kernel BTF) or
 * another open() errno such as -EACCES, -EFBIG (over 1 GiB), -EINVAL (malformed),
 * -ENOMEM.
 */
EBPF_API int ebpf_btf_load_vmlinux(struct ebpf_btf **out);
/*
 * A raw BTF file by path (e.g. another kernel's BTF for offline checks), fully
 * validated as untrusted input. The caller owns the result; release with
 * ebpf_btf_free(). Errors (*out is NULL): -EINVAL (NULL argument or malformed
 * BTF), the open()/read() errno (-ENOENT, -EACCES, ...), -EFBIG (over 1 GiB),
 * -ENOMEM.
 */
EBPF_API int ebpf_btf_load_file(const char *path, struct ebpf_btf **out);
/* Drop a reference (the object goes when the last one does); NULL is fine. */
EBPF_API void ebpf_btf_free(struct ebpf_btf *btf);
/* Number of type ids, including id 0 (void); 0 for NULL. Valid ids are 1..cnt-1. */
EBPF_API uint32_t ebpf_btf_type_cnt(const struct ebpf_btf *btf);
/*
 * The lowest type id whose name is exactly `name` and whose BTF kind is `kind`
 * (the kernel's BTF_KIND_* number; 0 for any kind). Returns the id (> 0), or
 * -ENOENT (no such type, or `name` is ""), -EINVAL (NULL argument), -ENOMEM
 * (building the name index).
 */
EBPF_API int32_t ebpf_btf_find(const struct ebpf_btf *btf, const char *name, unsigned kind);
/*
 * Many names at once: ids[i] = what ebpf_btf_find(btf, names[i], kinds[i]) would
 * return (-ENOENT where there is no such type or names[i] is NULL or ""), with
 * `kinds` NULL meaning any kind for all. Resolving the names a program needs in
 * one call costs about one ebpf_btf_find() over a big BTF (one pass over the
 * types answers them all); on vmlinux, single calls cost a pass each until
 * enough of them have been made to build a name index. Returns how many names
 * were found (0..n), or -EINVAL (NULL btf, names or ids), -ENOMEM.
 */
EBPF_API int ebpf_btf_find_many(const struct ebpf_btf *btf, const char *const *names, const unsigned *kinds,
				size_t n, int32_t *ids);

#ifdef __cplusplus
}
#endif
#endif
