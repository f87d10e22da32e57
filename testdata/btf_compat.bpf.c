// SPDX-License-Identifier: BSD-2-Clause
/*
 * Local declarations of kfuncs and typed ksyms for the BTF compatibility tests
 * (tests/unit/btf_compat.c): the first group matches the kernel's declarations
 * in the ways real programs differ from vmlinux.h (flavored struct names,
 * forward declarations, typedefs vs plain ints, enums for ints, dropped const);
 * the "bad_" group each differs from a named kernel declaration in one way.
 * Only its BTF is read (and loaded by the sanitizer test): the bad_ externs
 * exist in no kernel, so its programs are never loaded.
 */
#include "ebpf_helpers.h"

char LICENSE[] SEC("license") = "GPL";

struct task_struct___local {
	int pid;
} __attribute__((preserve_access_index));
struct task_struct;
struct cgroup;
struct bpf_cpumask;
struct bpf_dynptr;
struct bpf_iter_num;
struct rq;

enum start_value { START_ZERO = 0, START_BIG = 0x7fffffff };

/* Compatible with the kernel's. */
extern struct task_struct___local *bpf_task_from_pid(s32 pid) __ksym;
extern void bpf_task_release(struct task_struct *p) __ksym;
extern struct cgroup *bpf_cgroup_from_id(u64 cgid) __ksym;
extern struct cgroup *bpf_cgroup_ancestor(struct cgroup *cgrp, int level) __ksym;
extern struct bpf_cpumask *bpf_cpumask_create(void) __ksym;
extern void bpf_cpumask_set_cpu(unsigned int cpu, struct bpf_cpumask *mask) __ksym;
extern void *bpf_dynptr_slice(struct bpf_dynptr *p, u32 off, void *buf, u32 sz) __ksym;
extern int bpf_iter_num_new(struct bpf_iter_num *it, enum start_value start, int end) __ksym;
extern const int bpf_prog_active __ksym;
extern const struct rq runqueues __ksym;

/* Each incompatible with the kernel declaration named in the test. */
extern int bad_ret_int(s32 pid) __ksym;					/* bpf_task_from_pid */
extern void bad_ret_void(s32 pid) __ksym;				/* bpf_task_from_pid */
extern struct task_struct *bad_arity(s32 pid, int more) __ksym;		/* bpf_task_from_pid */
extern struct task_struct *bad_param_size(u64 pid) __ksym;		/* bpf_task_from_pid */
extern void bad_struct_name(struct cgroup *p) __ksym;			/* bpf_task_release */
extern void bad_void_ptr(void *p) __ksym;				/* bpf_task_release */
extern void bad_ptr_level(struct task_struct **p) __ksym;		/* bpf_task_release */
extern const long bad_prog_active __ksym;				/* bpf_prog_active */
extern const struct rq *bad_runqueues __ksym;				/* runqueues */

u64 sink;

SEC("syscall")
int compat_calls(void *ctx)
{
	struct task_struct___local *t = bpf_task_from_pid(1);
	struct cgroup *c = bpf_cgroup_from_id(1);
	struct bpf_cpumask *m = bpf_cpumask_create();

	if (t)
		bpf_task_release((struct task_struct *)t);
	if (c)
		sink += (u64)bpf_cgroup_ancestor(c, 0);
	if (m)
		bpf_cpumask_set_cpu(0, m);
	sink += (u64)bpf_dynptr_slice(0, 0, 0, 0);
	sink += bpf_iter_num_new(0, START_ZERO, 1);
	sink += (u64)&bpf_prog_active + (u64)&runqueues;
	return 0;
}

SEC("syscall")
int bad_calls(void *ctx)
{
	sink += bad_ret_int(1);
	bad_ret_void(1);
	sink += (u64)bad_arity(1, 2);
	sink += (u64)bad_param_size(1);
	bad_struct_name(0);
	bad_void_ptr(0);
	bad_ptr_level(0);
	sink += (u64)&bad_prog_active + (u64)&bad_runqueues;
	return 0;
}
