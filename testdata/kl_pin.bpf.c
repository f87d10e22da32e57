/* A map pinned by name, shared between collections (kernel-layer pin tests). */
#include "ebpf_helpers.h"

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__type(key, __u32);
	__type(value, __u64);
	__uint(max_entries, 8);
	__uint(pinning, LIBBPF_PIN_BY_NAME);
} kl_shared SEC(".maps");

SEC("syscall")
int bump(void *ctx)
{
	__u32 k = 1;
	__u64 init = 1, *v = bpf_map_lookup_elem(&kl_shared, &k);
	if (v)
		*v += 1;
	else
		bpf_map_update_elem(&kl_shared, &k, &init, BPF_ANY);
	return 0;
}

char LICENSE[] SEC("license") = "GPL";
