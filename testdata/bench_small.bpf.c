// SPDX-License-Identifier: BSD-2-Clause
/*
 * The "small program" input of tools/bench/load_bench: what a minimal agent
 * ships — one hash map, a .rodata filter set before load, a .bss counter, and
 * two programs (a tracepoint and a socket filter). Loads on this kernel; is
 * never attached.
 */
#include "ebpf_helpers.h"

char LICENSE[] SEC("license") = "GPL";

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 1024);
	__type(key, __u32);
	__type(value, __u64);
} calls SEC(".maps");

const volatile __u32 target_tgid = 0;
__u64 total;

SEC("tracepoint/syscalls/sys_enter_getpid")
int count_getpid(void *ctx)
{
	__u32 tgid = bpf_get_current_pid_tgid() >> 32;
	__u64 one = 1, *v;

	if (target_tgid && tgid != target_tgid)
		return 0;
	v = bpf_map_lookup_elem(&calls, &tgid);
	if (v)
		__sync_fetch_and_add(v, 1);
	else
		bpf_map_update_elem(&calls, &tgid, &one, BPF_NOEXIST);
	__sync_fetch_and_add(&total, 1);
	return 0;
}

SEC("socket")
int count_packets(void *skb)
{
	__sync_fetch_and_add(&total, 1);
	return 0;
}
