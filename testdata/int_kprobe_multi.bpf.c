/* A kprobe.multi program: loads on this kernel, but cannot be attached there. */
#include "ebpf_helpers.h"

__u64 int_kmulti_hits;

SEC("kprobe.multi/do_nanosleep")
int int_kmulti(void *ctx)
{
	int_kmulti_hits += bpf_get_attach_cookie(ctx);
	return 0;
}

char LICENSE[] SEC("license") = "GPL";
