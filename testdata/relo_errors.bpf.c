// SPDX-License-Identifier: BSD-2-Clause
/*
 * One program per relocation error, so each test can assert that exactly that
 * program fails with exactly that message while the others still relocate.
 */
#include "ebpf_helpers.h"

char LICENSE[] SEC("license") = "GPL";

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__type(key, u32);
	__type(value, u64);
} relo_counts SEC(".maps");

/* The kernel's is `void bpf_task_release(struct task_struct *)`. */
extern int bpf_task_release(int not_a_task) __ksym;
/* The kernel's is `void bpf_cgroup_release(struct cgroup *)`; weak: treated as missing. */
extern int bpf_cgroup_release(long x) __ksym __weak;
extern int bpf_relo_missing_kfunc(void) __ksym;
/* Resolved against fixture kallsyms text in the unit tests. */
extern const void relo_ambiguous_sym __ksym;

u64 out;

SEC("syscall")
int ok_prog(void *ctx)
{
	return 7;
}

SEC("syscall")
int proto_mismatch(void *ctx)
{
	return bpf_task_release(1);
}

SEC("syscall")
int weak_mismatch(void *ctx)
{
	if (bpf_ksym_exists(bpf_cgroup_release))
		return bpf_cgroup_release(2);
	return 0;
}

SEC("syscall")
int missing_kfunc(void *ctx)
{
	return bpf_relo_missing_kfunc();
}

SEC("syscall")
int ambiguous(void *ctx)
{
	out = (u64)&relo_ambiguous_sym;
	return 0;
}

SEC("syscall")
int uses_map(void *ctx)
{
	u32 k = 0;
	u64 *v = bpf_map_lookup_elem(&relo_counts, &k);

	if (v)
		*v += 1;
	return 0;
}
