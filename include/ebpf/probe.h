/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * What the running kernel supports, decided by tiny real probes (a program
 * load, a map create, a link create) that libebpf caches process-wide. The
 * answers are the ones the library itself acts on when it loads and attaches.
 * The first query of each answer makes bpf() syscalls (so needs CAP_BPF or root
 * to decide); YES and NO are then cached for the life of the process, UNKNOWN
 * is not (a later call probes again). Safe to call from several threads.
 */
#ifndef EBPF_PROBE_H
#define EBPF_PROBE_H

#include <ebpf/common.h>
#include <ebpf/uapi.h>

#ifdef __cplusplus
extern "C" {
#endif

enum ebpf_probe_answer {
	EBPF_PROBE_UNKNOWN = -1,	/* the probe could not decide (typically: no privilege) */
	EBPF_PROBE_NO = 0,
	EBPF_PROBE_YES = 1,
};

/*
 * Whether programs of `type` load / maps of `type` can be created. NO for
 * EBPF_*_UNSPEC and values past the last known type; UNKNOWN when the probe was
 * refused for a reason other than the type (EPERM, ENOMEM, fd limits) and, for
 * maps, for STRUCT_OPS (which needs a kernel struct to probe).
 */
EBPF_API enum ebpf_probe_answer ebpf_probe_prog_type(enum ebpf_prog_type type);
EBPF_API enum ebpf_probe_answer ebpf_probe_map_type(enum ebpf_map_type type);
/*
 * Whether a program of `type` may call helper `helper_id` (ebpf_helper_id() maps
 * names). UNKNOWN for an unspecified or unknown type, helper id 0 or >= 256,
 * and when the kernel refused the probe program before judging the call.
 */
EBPF_API enum ebpf_probe_answer ebpf_probe_helper(enum ebpf_prog_type type, uint32_t helper_id);

/*
 * Named kernel features: link kinds, attach cookies per attach family, BTF kinds
 * the kernel accepts... numbered 0 .. ebpf_probe_feature_count() - 1. `name`
 * ("BPF cookie for perf links") and `since` (first kernel version, "5.15") may
 * be NULL; both are static strings. Out-of-range idx answers UNKNOWN with
 * name "unknown" and since "?".
 */
EBPF_API size_t ebpf_probe_feature_count(void);
EBPF_API enum ebpf_probe_answer ebpf_probe_feature(size_t idx, const char **name, const char **since);

/* What the kernel knows about a symbol named by an object's __ksym extern. */
struct ebpf_probe_sym {
	bool in_btf;		/* vmlinux (or module) BTF has a FUNC/VAR of this name */
	bool is_func;		/* ... and it is a FUNC (else a VAR) */
	bool kfunc_tagged;	/* the FUNC carries the "bpf_kfunc" BTF decl tag */
	bool in_kallsyms;	/* /proc/kallsyms lists it with a non-zero address */
};

/*
 * Look `name` up in the running kernel's BTF and /proc/kallsyms. A kfunc is
 * callable when in_btf && is_func (kernels whose BTF carries decl tags also set
 * kfunc_tagged); a typed __ksym variable resolves when in_btf && !is_func &&
 * in_kallsyms (kernels without CONFIG_KALLSYMS_ALL lack the kallsyms entry);
 * a typeless one only needs in_kallsyms. Module BTF is searched when vmlinux
 * lacks the name. Unreadable kallsyms leaves in_kallsyms false (not an error).
 * Returns 0 with *out filled, or -EINVAL (NULL argument), or the errno of
 * reading the kernel BTF (-ENOENT: no /sys/kernel/btf/vmlinux; see
 * ebpf_btf_load_vmlinux()).
 */
EBPF_API int ebpf_probe_ksym(const char *name, struct ebpf_probe_sym *out);

#ifdef __cplusplus
}
#endif
#endif
