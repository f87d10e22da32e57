/* The uprobe program of tools/examples/uprobe_cookie.c: counts hits per attach cookie. */
#include "ebpf_helpers.h"

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 64);
	__type(key, __u64);	/* attach cookie */
	__type(value, __u64);	/* hits */
} hits SEC(".maps");

SEC("uprobe")
int count_call(struct pt_regs *ctx)
{
	__u64 cookie = bpf_get_attach_cookie(ctx), one = 1, *n;

	n = bpf_map_lookup_elem(&hits, &cookie);
	if (n)
		__sync_fetch_and_add(n, 1);
	else
		bpf_map_update_elem(&hits, &cookie, &one, BPF_NOEXIST);
	return 0;
}

char LICENSE[] SEC("license") = "GPL";
