// SPDX-License-Identifier: BSD-2-Clause
/*
 * The `ebpf` tool's test object: programs that load and one that the verifier
 * must refuse (so `ebpf load` reports one failure among successes), globals in
 * .rodata/.data/.bss for `ebpf test --set`, and maps of several kinds.
 */
#include "ebpf_helpers.h"

char LICENSE[] SEC("license") = "GPL";

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 8);
	__type(key, u32);
	__type(value, u64);
} counts SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 4);
	__type(key, u32);
	__type(value, u64);
} pinned_arr SEC(".maps");

struct point {
	int x;
	int y;
};

const volatile u32 factor = 3;		/* .rodata: set before load */
u32 addend = 4;				/* .data: set after load */
u64 runs;				/* .bss */
char label[8] = "hi";			/* .data char array: printed as a string */
struct point last = { .x = 1, .y = -2 };

/* retval = factor * 10 + addend; counts the runs and records them in `counts`. */
SEC("syscall")
int compute(void *ctx)
{
	u32 k = 1;
	u64 one = 1, *v;

	runs++;
	last.x = (int)factor;
	last.y = -(int)addend;
	label[0] = 'o';
	label[1] = 'k';
	v = bpf_map_lookup_elem(&counts, &k);
	if (v)
		*v += 1;
	else
		bpf_map_update_elem(&counts, &k, &one, BPF_ANY);
	return factor * 10 + addend;
}

SEC("xdp")
int pass_all(struct xdp_md *ctx)
{
	return XDP_PASS;
}

/* Dereferences a hash lookup without a NULL check: the verifier refuses it. */
SEC("socket")
int bad_deref(void *ctx)
{
	u32 k = 0;
	u64 *v = bpf_map_lookup_elem(&counts, &k);

	return *v;
}

SEC("?tc")
int not_autoloaded(void *ctx)
{
	return TC_ACT_OK;
}
