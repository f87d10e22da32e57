/*
 * Kernel-layer tests: one map of each common type defined in .maps, a
 * map-in-map with an inner template and a static slot, a prog array with a
 * static slot, global data (.data/.rodata/.bss), and programs that touch them so BPF_PROG_TEST_RUN proves what the kernel sees.
 */
#include "ebpf_helpers.h"

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__type(key, __u32);
	__type(value, __u64);
	__uint(max_entries, 16);
} m_hash SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__type(key, __u32);
	__type(value, __u64);
	__uint(max_entries, 4);
} m_array SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_HASH);
	__type(key, __u32);
	__type(value, __u32);
	__uint(max_entries, 8);
} m_percpu_hash SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__type(key, __u32);
	__type(value, __u64);
	__uint(max_entries, 2);
} m_percpu_array SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_LRU_HASH);
	__type(key, __u32);
	__type(value, __u64);
	__uint(max_entries, 32);
} m_lru_hash SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_LRU_PERCPU_HASH);
	__type(key, __u32);
	__type(value, __u64);
	__uint(max_entries, 32);
} m_lru_percpu_hash SEC(".maps");

struct lpm_key {
	__u32 prefixlen;
	__u32 addr;
};
struct {
	__uint(type, BPF_MAP_TYPE_LPM_TRIE);
	__type(key, struct lpm_key);
	__type(value, __u32);
	__uint(max_entries, 16);
	__uint(map_flags, BPF_F_NO_PREALLOC);
} m_lpm SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_RINGBUF);
	__uint(max_entries, 4096);
} m_ringbuf SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_PERF_EVENT_ARRAY);
	__uint(key_size, sizeof(__u32));
	__uint(value_size, sizeof(__u32));
} m_perf SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_STACK_TRACE);
	__uint(key_size, sizeof(__u32));
	__uint(value_size, 8 * sizeof(__u64));
	__uint(max_entries, 16);
} m_stack_trace SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_QUEUE);
	__type(value, __u32);
	__uint(max_entries, 8);
} m_queue SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_STACK);
	__type(value, __u32);
	__uint(max_entries, 8);
} m_stack SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_BLOOM_FILTER);
	__type(value, __u32);
	__uint(max_entries, 64);
} m_bloom SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_TASK_STORAGE);
	__uint(map_flags, BPF_F_NO_PREALLOC);
	__type(key, int);
	__type(value, __u64);
} m_task_storage SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_SK_STORAGE);
	__uint(map_flags, BPF_F_NO_PREALLOC);
	__type(key, int);
	__type(value, __u64);
} m_sk_storage SEC(".maps");

struct inner {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__type(key, __u32);
	__type(value, __u32);
	__uint(max_entries, 1);
} m_inner SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY_OF_MAPS);
	__uint(max_entries, 2);
	__type(key, __u32);
	__array(values, struct inner);
} m_array_of_maps SEC(".maps") = {
	.values = { [1] = &m_inner },
};

struct {
	__uint(type, BPF_MAP_TYPE_HASH_OF_MAPS);
	__uint(max_entries, 2);
	__type(key, __u32);
	__array(values, struct inner);
} m_hash_of_maps SEC(".maps");

int tail_target(struct xdp_md *ctx);

struct {
	__uint(type, BPF_MAP_TYPE_PROG_ARRAY);
	__uint(max_entries, 2);
	__type(key, __u32);
	__array(values, int(struct xdp_md *));
} m_progs SEC(".maps") = {
	.values = { [0] = (void *)&tail_target },
};

__u64 counter = 7;			/* .data */
const volatile __u64 limit = 100;	/* .rodata: set by the test before load */
__u64 seen_limit;			/* .bss */

/* Tail calls are for non-sleepable programs: xdp, run with BPF_PROG_TEST_RUN. */
SEC("xdp")
int tail_target(struct xdp_md *ctx)
{
	return XDP_TX;
}

/* Reads .rodata and the inner map through the map-in-map; writes what it saw. */
SEC("syscall")
int read_globals(void *ctx)
{
	__u32 one = 1, zero = 0;
	seen_limit = limit;
	counter += 1;
	void *inner = bpf_map_lookup_elem(&m_array_of_maps, &one);
	if (!inner)
		return -1;
	__u32 *v = bpf_map_lookup_elem(inner, &zero);
	if (!v)
		return -2;
	return (int)*v;
}

/* Tail-calls slot 0 of the prog array, statically filled with tail_target. */
SEC("xdp")
int do_tail_call(struct xdp_md *ctx)
{
	bpf_tail_call(ctx, &m_progs, 0);
	return XDP_DROP;
}

char LICENSE[] SEC("license") = "GPL";
