/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Will this object load on that kernel? Resolve, without loading anything, what
 * the kernel cannot resolve itself — kfuncs (with prototype checks), ksym
 * variables and their kallsyms addressability, CO-RE relocations — against the
 * running kernel or a given BTF file, plus (running kernel only) whether each
 * program type loads and may call the helpers it calls, by the library's probes.
 */
#ifndef EBPF_CHECK_H
#define EBPF_CHECK_H

#include <ebpf/common.h>
#include <ebpf/spec.h>

#ifdef __cplusplus
extern "C" {
#endif

enum ebpf_check_severity {
	EBPF_CHECK_OK = 0,	/* the program resolved completely (msg: "ok") */
	EBPF_CHECK_WARN = 1,	/* loads, but something is missing (weak kfunc, poisoned CO-RE) */
	EBPF_CHECK_FAIL = 2,	/* would not load; msg says why */
};

/*
 * One finding for `program`. A program gets exactly one OK or FAIL finding,
 * after any number of WARN findings. `err` is the negative errno the load would
 * fail with (0 for OK/WARN). Strings are valid during the call only. Called
 * synchronously from ebpf_spec_check(), in program order.
 */
typedef void (*ebpf_check_fn)(void *user, const char *program, enum ebpf_check_severity sev,
			      int err, const char *msg);

struct ebpf_check_opts {
	size_t sz;		/* sizeof(struct ebpf_check_opts); see EBPF_OPTS */
	/*
	 * Resolve against this BTF file (a vmlinux BTF, e.g. another kernel's
	 * /sys/kernel/btf/vmlinux) instead of the running kernel. The running
	 * kernel's kallsyms, config and probes then say nothing about the target, so
	 * typeless ksyms, kallsyms addressability of typed ksyms, kconfig values and
	 * helper/program-type probes are not checked. Default NULL: the running
	 * kernel (its vmlinux and module BTF, kallsyms, kconfig and probes).
	 */
	const char *btf_path;
	/* Check only programs whose autoload is set (default: every program). */
	bool autoload_only;
};

/*
 * Check every program of `spec`, calling fn for each finding. Nothing is loaded
 * and `spec` is not changed. Returns the number of programs that would fail
 * (0: all would load), or a negative errno when the check itself cannot run,
 * with a message: -EINVAL (NULL spec or fn, opts->sz too small, malformed BTF),
 * the errno of opening the BTF (-ENOENT: file or kernel BTF missing), -ENOMEM.
 */
EBPF_API int ebpf_spec_check(const struct ebpf_spec *spec, const struct ebpf_check_opts *opts,
			     ebpf_check_fn fn, void *user);

#ifdef __cplusplus
}
#endif
#endif
