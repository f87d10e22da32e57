// SPDX-License-Identifier: BSD-2-Clause
/*
 * kfuncs, weak kfuncs and ksyms for the relocation engine's tests: syscall
 * programs run with BPF_PROG_TEST_RUN, their results in .bss.
 */
#include "ebpf_helpers.h"

char LICENSE[] SEC("license") = "GPL";

/* Only the fields read here; CO-RE finds them in the kernel's task_struct. */
struct task_struct {
	int pid;
	int tgid;
	char comm[16];
} __attribute__((preserve_access_index));

extern struct task_struct *bpf_task_from_pid(s32 pid) __ksym;
extern void bpf_task_release(struct task_struct *p) __ksym;
extern struct cgroup *bpf_cgroup_from_id(u64 cgid) __ksym;
extern void bpf_cgroup_release(struct cgroup *cgrp) __ksym;
/* Weak: one the kernel has, one it does not. */
extern struct task_struct *bpf_task_acquire(struct task_struct *p) __ksym __weak;
extern void bpf_relo_no_such_kfunc(int x) __ksym __weak;
/* Typeless ksym: a kernel function's address from /proc/kallsyms. */
extern const void bpf_prog_put __ksym;
/* Typed ksyms (data): without CONFIG_KALLSYMS_ALL they have no address. */
extern const int bpf_prog_active __ksym;
extern const int cpu_number __ksym __weak;

struct args {
	int pid;
	int pad;
	u64 cgid;
};

int got_pid, got_tgid;
char got_comm[16];
int cg_found;
int weak_missing_exists = -1, weak_present_exists = -1, weak_present_called;
u64 prog_put_addr;
u64 cpu_number_addr = 1;
int active_seen;

SEC("syscall")
int task_info(struct args *a)
{
	struct task_struct *t = bpf_task_from_pid(a->pid);

	if (!t)
		return 1;
	got_pid = t->pid;
	got_tgid = t->tgid;
	for (int i = 0; i < 16; i++)
		got_comm[i] = t->comm[i];
	bpf_task_release(t);
	return 0;
}

SEC("syscall")
int cgroup_info(struct args *a)
{
	struct cgroup *c = bpf_cgroup_from_id(a->cgid);

	cg_found = c != NULL;
	if (c)
		bpf_cgroup_release(c);
	return 0;
}

SEC("syscall")
int weak_kfuncs(struct args *a)
{
	weak_missing_exists = bpf_ksym_exists(bpf_relo_no_such_kfunc);
	if (bpf_ksym_exists(bpf_relo_no_such_kfunc))
		bpf_relo_no_such_kfunc(1);
	weak_present_exists = bpf_ksym_exists(bpf_task_acquire);
	if (bpf_ksym_exists(bpf_task_acquire)) {
		struct task_struct *t = bpf_task_from_pid(a->pid);

		if (t) {
			struct task_struct *t2 = bpf_task_acquire(t);

			if (t2) {
				weak_present_called = t2->pid == a->pid;
				bpf_task_release(t2);
			}
			bpf_task_release(t);
		}
	}
	return 0;
}

SEC("syscall")
int ksym_addrs(void *ctx)
{
	prog_put_addr = (u64)&bpf_prog_put;
	cpu_number_addr = (u64)&cpu_number;
	return 0;
}

/* A strong typed ksym without an address: this program alone must fail. */
SEC("syscall")
int strong_var(void *ctx)
{
	active_seen = *(const int *)&bpf_prog_active != 0;
	return 0;
}
