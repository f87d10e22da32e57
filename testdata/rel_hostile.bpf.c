// SPDX-License-Identifier: BSD-2-Clause
/*
 * Programs for the hostile-environment tests (tests/kernel/rel_hostile.c); each
 * test selects the programs it needs, and with them only the maps they use:
 *  - rel_count: updates a map pinned by name (pin_root decides where);
 *  - rel_tp: a tracepoint program (attaching needs tracefs);
 *  - rel_ksym: the address of a typeless ksym (needs /proc/kallsyms addresses);
 *  - rel_kfunc: a kfunc call (needs kernel BTF).
 */
#include "ebpf_helpers.h"

char LICENSE[] SEC("license") = "GPL";

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 16);
	__type(key, u32);
	__type(value, u64);
	__uint(pinning, PIN_BY_NAME);
} rel_pinned SEC(".maps");

extern const void bpf_prog_put __ksym;
extern struct task_struct *bpf_task_from_pid(s32 pid) __ksym;
extern void bpf_task_release(struct task_struct *p) __ksym;

u64 rel_addr;
int rel_tp_hits;

SEC("syscall")
int rel_count(void *ctx)
{
	u32 key = 1;
	u64 one = 1;

	bpf_map_update_elem(&rel_pinned, &key, &one, BPF_ANY);
	return 0;
}

SEC("tracepoint/sched/sched_switch")
int rel_tp(void *ctx)
{
	rel_tp_hits++;
	return 0;
}

SEC("syscall")
int rel_ksym(void *ctx)
{
	rel_addr = (u64)&bpf_prog_put;
	return 0;
}

SEC("syscall")
int rel_kfunc(void *ctx)
{
	struct task_struct *t = bpf_task_from_pid(1);

	if (t)
		bpf_task_release(t);
	return t != NULL;
}
