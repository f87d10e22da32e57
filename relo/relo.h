/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Internal: the relocation engine. A pure step: given a spec's tagged
 * instructions and a view of a kernel (kernel BTF, kallsyms, kconfig) plus the
 * fds of the maps already created, produce each program's final instructions,
 * its fd_array needs and its BTF info. No bpf(2) calls happen here, so all of it
 * is unit-testable and can be run offline against another kernel's BTF.
 *
 * Flow at load time:
 *   eb_relo_resolve_externs()   once per load: every kconfig/ksym/kfunc extern
 *   eb_relo_fill_kconfig()      the .kconfig map's initial value
 *   (maps are created by the caller)
 *   eb_relo_program()           per program: link subprograms, patch, CO-RE
 */
#ifndef EB_RELO_H
#define EB_RELO_H

#include <stdbool.h>
#include <stdint.h>

#include "btf/btf.h"
#include "lib/spec.h"

struct eb_core_cache;

/* ---------------------------------------------------------------- kallsyms */

struct eb_kallsyms;

/* /proc/kallsyms, read once per process and shared (thread-safe). */
int eb_kallsyms_get(struct eb_kallsyms **out);
/* Parse kallsyms-format text (tests, offline use). The text is copied. */
int eb_kallsyms_parse(const char *text, size_t len, struct eb_kallsyms **out);
void eb_kallsyms_put(struct eb_kallsyms *ks);
/*
 * Address of `name`. -ENOENT: absent; -ENOTUNIQ: several different addresses
 * (message names them); -EPERM: all addresses read as zero (kptr_restrict).
 * Each error sets errmsg.
 */
int eb_kallsyms_lookup(const struct eb_kallsyms *ks, const char *name, uint64_t *addr);

/* ----------------------------------------------------------------- kconfig */

struct eb_kconfig;

/*
 * The running kernel's config: /proc/config.gz, else /boot/config-$(uname -r).
 * Read once per process; each call returns a reference to the shared copy.
 */
int eb_kconfig_load(struct eb_kconfig **out);
/* Parse config text ("CONFIG_FOO=y" lines); copied. One reference. */
int eb_kconfig_parse(const char *text, size_t len, struct eb_kconfig **out);
/* Drop a reference (NULL is fine); the last one frees. */
void eb_kconfig_put(struct eb_kconfig *kc);
/* The raw value of CONFIG_<name> ("y", "m", "42", "\"str\""), or NULL if unset. */
const char *eb_kconfig_get(const struct eb_kconfig *kc, const char *name);

/* ----------------------------------------------------------- kernel view */

struct eb_relo_env {
	struct ebpf_btf *kbtf;		/* target kernel BTF (vmlinux); NULL: none */
	const struct eb_kallsyms *ksyms;	/* NULL: typeless ksyms unresolvable */
	const struct eb_kconfig *kconfig;	/* NULL: only the LINUX_* built-ins */
	uint32_t kernel_version;	/* LINUX_KERNEL_VERSION (KERNEL_VERSION(a,b,c)) */
	bool has_bpf_cookie;		/* LINUX_HAS_BPF_COOKIE */
	bool has_syscall_wrapper;	/* LINUX_HAS_SYSCALL_WRAPPER */
	bool allow_module_btf;		/* look in module BTF when vmlinux lacks a name */
	/*
	 * CO-RE candidate lists shared by every program of one load (relo/core.h),
	 * so a type used by many programs is matched once; NULL: no sharing.
	 */
	struct eb_core_cache *core_cache;
};

/*
 * Programs of one section are usually loaded in the order they lie in it, so
 * a program's func_info/line_info/CO-RE records start where the previous
 * program's ended: remembered here, checked in O(1) and used instead of a
 * binary search over the section's records. Zero-initialise it; it holds no
 * resource. Shared only by the programs of one load, on one thread.
 */
struct eb_relo_cursor {
	const struct eb_btf_ext_sec *sec[3];	/* per enum eb_btf_ext_table */
	uint32_t next[3];			/* index after the last carried record */
};

/* How one extern resolved for this load. */
struct eb_extern_res {
	bool found;			/* false: absent (weak: zero; strong: error when used) */
	struct ebpf_btf *btf;		/* kfunc / typed ksym: kernel BTF it is in (reference) */
	const char *module;		/* NULL for vmlinux */
	uint32_t btf_id;		/* id in that BTF (FUNC or VAR) */
	uint64_t addr;			/* typeless ksym: kallsyms address */
	int err;			/* why not found (negative errno), 0 if found */
	char *msg;			/* ... and the one-line reason, e.g. "not found in kernel BTF" */
};

int eb_relo_resolve_externs(const struct ebpf_spec *spec, const struct eb_relo_env *env,
			    struct eb_extern_res **out);
void eb_relo_externs_free(struct eb_extern_res *res, uint32_t cnt);

/* Write the .kconfig map's value (spec->maps[spec->kconfig_map]->value_size bytes). */
int eb_relo_fill_kconfig(const struct ebpf_spec *spec, const struct eb_relo_env *env, void *value,
			 size_t size);

/* ----------------------------------------------------------- per program */

/* Something the verifier may trip over, remembered to explain its error. */
struct eb_relo_note {
	uint32_t insn;			/* instruction index in the final program */
	char *what;			/* e.g. "weak kfunc 'bpf_foo' is missing in this kernel" */
};

struct eb_relo_prog {
	struct ebpf_insn *insns;
	uint32_t insn_cnt;
	/* .BTF.ext records rebased onto the final instruction array (insn_off in insns). */
	struct eb_func_info *func_info;
	uint32_t func_info_cnt;
	struct eb_line_info *line_info;
	uint32_t line_info_cnt;
	/*
	 * fd_array slots the kfunc calls refer to by `off`: slot 0 is reserved
	 * (vmlinux); slot i > 0 holds the module BTF fd_btfs[i - 1]. The loader puts
	 * each module BTF's fd there. A BPF_PSEUDO_BTF_ID ld_imm64 (typed ksym,
	 * kfunc address) in a module carries the same slot number in insn[1].imm:
	 * the loader replaces it with that module BTF's fd (0 stays 0 = vmlinux).
	 */
	struct ebpf_btf **fd_btfs;
	const char **fd_modules;
	uint32_t fd_btf_cnt;
	struct eb_relo_note *notes;
	uint32_t note_cnt;
	/*
	 * Caller storage the arrays above may live in (eb_relo_program_scratch);
	 * NULL/0: all of them are on the heap.
	 */
	void *scratch;
	size_t scratch_size, scratch_used;
};

/*
 * Relocate one program: append its reachable subprograms (each once), patch
 * calls and function pointers, maps (map_fds[i] is the fd of spec->maps[i], -1 if
 * not created), data, kconfig, ksyms and kfuncs from `res`, then apply CO-RE
 * against env->kbtf. Errors name program and symbol; out is left empty.
 */
int eb_relo_program(const struct ebpf_spec *spec, const struct ebpf_prog_spec *prog,
		    const struct eb_relo_env *env, const struct eb_extern_res *res,
		    const int *map_fds, struct eb_relo_prog *out);
void eb_relo_prog_free(struct eb_relo_prog *out);
/*
 * What eb_relo_prog_free() frees, without clearing `out` afterwards: for a
 * result dropped at once (a collection load's, on its stack), which is
 * cleared again when it is next filled. `out` must not be used afterwards.
 */
void eb_relo_prog_release(struct eb_relo_prog *out);

/*
 * The same, for a result that is used and dropped at once (a collection load:
 * relocate, PROG_LOAD, free): insns, func_info and line_info are carved from
 * the caller's `scratch` (`size` bytes, aligned for any type; e.g. on its
 * stack) while they fit, instead of three heap allocations per program; one
 * that outgrows it moves to the heap. eb_relo_prog_free() frees only what is on
 * the heap. `out` must be freed before the scratch goes away and its arrays
 * must not be handed on (realloc'd or freed by anyone else).
 */
int eb_relo_program_scratch(const struct ebpf_spec *spec, const struct ebpf_prog_spec *prog,
			    const struct eb_relo_env *env, const struct eb_extern_res *res,
			    const int *map_fds, void *scratch, size_t size, struct eb_relo_prog *out);

/*
 * The same, with the load's cursor (struct eb_relo_cursor; NULL: none): a
 * collection load relocates its programs in spec order through one cursor,
 * so each program's .BTF.ext records are found without a search. The cursor
 * is not part of eb_relo_env so the collection, which keeps an env for
 * later private copies, does not carry it.
 */
int eb_relo_program_cursor(const struct ebpf_spec *spec, const struct ebpf_prog_spec *prog,
			   const struct eb_relo_env *env, const struct eb_extern_res *res,
			   const int *map_fds, struct eb_relo_cursor *cursor, void *scratch, size_t size,
			   struct eb_relo_prog *out);

/*
 * Append a note about final instruction `insn` to `out` (used by the relocation
 * engine and CO-RE). The text is formatted and copied. 0 or -ENOMEM.
 */
int eb_relo_add_note(struct eb_relo_prog *out, uint32_t insn, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
/* The note for final instruction `insn`, or NULL (for explaining verifier errors). */
const char *eb_relo_note_at(const struct eb_relo_prog *prog, uint32_t insn);

#endif
