// SPDX-License-Identifier: BSD-2-Clause
/*
 * The CO-RE-heavy tracing input of load_bench: built like a real tracing tool,
 * against a full vmlinux.h dumped from this kernel by bpftool (whose records all
 * carry preserve_access_index), so every field access below is a CO-RE
 * relocation. bench_anchor.h (generated) embeds the first ANCHOR_TYPES structs of
 * vmlinux.h by value, which makes clang emit their full definitions: the object
 * carries hundreds of KB of .BTF, as objects built with a big vmlinux.h do.
 */
#include "vmlinux.h"
#include "bench_anchor.h"

#define SEC(n) __attribute__((section(n), used))

static void *(*bpf_map_lookup_elem)(void *map, const void *key) = (void *)1;

struct {
	int (*type)[2];			/* BPF_MAP_TYPE_ARRAY */
	int (*max_entries)[16];
	unsigned int *key;
	unsigned long long *value;
} stats SEC(".maps");

/* Pointer only: keeps every anchored type in .BTF without a large .bss. */
struct bench_anchor *bench_anchor SEC(".bss");
unsigned long long events SEC(".bss");

static __attribute__((always_inline)) void add(unsigned int slot, unsigned long long v)
{
	unsigned long long *p = bpf_map_lookup_elem(&stats, &slot);

	if (p)
		__sync_fetch_and_add(p, v);
}

/* tp_btf arguments are typed kernel pointers the verifier lets us read directly. */
SEC("tp_btf/sched_switch")
int on_switch(unsigned long long *ctx)
{
	struct task_struct *prev = (void *)ctx[1], *next = (void *)ctx[2];

	add(0, prev->pid + next->pid);
	add(1, next->tgid);
	add(2, prev->nvcsw + prev->nivcsw);
	add(3, next->prio + next->static_prio + next->normal_prio);
	events++;
	return 0;
}

SEC("tp_btf/sched_switch")
int on_switch_mm(unsigned long long *ctx)
{
	struct task_struct *next = (void *)ctx[2];
	struct mm_struct *mm = next->mm;

	if (mm) {
		add(4, mm->map_count);
		add(5, mm->total_vm + mm->locked_vm + mm->data_vm + mm->exec_vm + mm->stack_vm);
		add(6, mm->start_code + mm->end_code + mm->start_data + mm->end_data);
		add(7, mm->start_brk + mm->brk + mm->start_stack);
	}
	return 0;
}

SEC("tp_btf/sched_switch")
int on_switch_parent(unsigned long long *ctx)
{
	struct task_struct *next = (void *)ctx[2];
	struct task_struct *parent = next->real_parent;

	if (parent) {
		add(8, parent->pid + parent->tgid);
		add(9, parent->flags + parent->exit_code + parent->exit_signal);
	}
	add(10, next->se.sum_exec_runtime + next->se.vruntime);
	return 0;
}

SEC("tp_btf/sched_process_fork")
int on_fork(unsigned long long *ctx)
{
	struct task_struct *parent = (void *)ctx[0], *child = (void *)ctx[1];

	add(11, parent->pid + child->pid + child->tgid);
	add(12, child->flags + child->prio + child->policy);
	return 0;
}

SEC("tp_btf/sched_process_exit")
int on_exit(unsigned long long *ctx)
{
	struct task_struct *t = (void *)ctx[0];
	const struct cred *cred = t->cred;

	add(13, t->pid + t->exit_code);
	if (cred)
		add(14, cred->uid.val + cred->gid.val + cred->euid.val + cred->egid.val);
	return 0;
}

SEC("tp_btf/sched_wakeup")
int on_wakeup(unsigned long long *ctx)
{
	struct task_struct *t = (void *)ctx[0];

	add(15, t->pid + t->wake_cpu + t->on_cpu + t->recent_used_cpu);
	return 0;
}

char LICENSE[] SEC("license") = "GPL";
