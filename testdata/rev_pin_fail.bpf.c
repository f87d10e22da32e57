/*
 * A map pinned by name, used by programs of which one the verifier refuses and
 * one needs a map the kernel cannot create: loads that fail after the pin was
 * made must take the pin away again (tests/kernel/rev_collection.c).
 */
#include "ebpf_helpers.h"

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__type(key, __u32);
	__type(value, __u64);
	__uint(max_entries, 4);
	__uint(pinning, LIBBPF_PIN_BY_NAME);
} rev_pinned SEC(".maps");

/* max_entries 0: BPF_MAP_CREATE refuses it (EINVAL). Defined after rev_pinned. */
struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__type(key, __u32);
	__type(value, __u64);
	__uint(max_entries, 0);
} rev_broken SEC(".maps");

SEC("syscall")
int good(void *ctx)
{
	__u32 k = 0;
	__u64 one = 1;
	bpf_map_update_elem(&rev_pinned, &k, &one, BPF_ANY);
	return 0;
}

/* Dereferences a lookup result without the NULL check. */
SEC("syscall")
int bad(void *ctx)
{
	__u32 k = 0;
	__u64 *v = bpf_map_lookup_elem(&rev_pinned, &k);
	return (int)*v;
}

SEC("syscall")
int uses_broken(void *ctx)
{
	__u32 k = 0;
	__u64 one = 1;
	bpf_map_update_elem(&rev_pinned, &k, &one, BPF_ANY);
	bpf_map_update_elem(&rev_broken, &k, &one, BPF_ANY);
	return 0;
}

char LICENSE[] SEC("license") = "GPL";
