/* Same pinned name as kl_pin.bpf.c but a different definition: reuse must be refused. */
#include "ebpf_helpers.h"

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__type(key, __u32);
	__type(value, __u32);
	__uint(max_entries, 8);
	__uint(pinning, LIBBPF_PIN_BY_NAME);
} kl_shared SEC(".maps");

SEC("syscall")
int touch(void *ctx)
{
	__u32 k = 1;
	return bpf_map_lookup_elem(&kl_shared, &k) ? 1 : 0;
}

char LICENSE[] SEC("license") = "GPL";
