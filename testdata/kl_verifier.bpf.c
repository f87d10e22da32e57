/*
 * Programs the verifier must reject (or accept) so the kernel layer's error
 * explanations can be tested.
 */
#include "ebpf_helpers.h"

struct sk_buff;

struct {
	__uint(type, BPF_MAP_TYPE_PERF_EVENT_ARRAY);
	__uint(key_size, sizeof(__u32));
	__uint(value_size, sizeof(__u32));
} events SEC(".maps");

/* A hash: its lookups may return NULL (array lookups with a constant key may not). */
struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__type(key, __u32);
	__type(value, __u64);
	__uint(max_entries, 1);
} arr SEC(".maps");

/* bpf_skb_output is not available to kprobe programs. */
SEC("kprobe/dev_queue_xmit")
int skb_out_kprobe(struct pt_regs *ctx)
{
	__u64 x = 0;
	bpf_skb_output(ctx, &events, BPF_F_CURRENT_CPU, &x, sizeof(x));
	return 0;
}

/* ... but it is to tracing programs with an sk_buff argument. */
SEC("tp_btf/net_dev_queue")
int skb_out_tp_btf(__u64 *ctx)
{
	__u64 x = 0;
	bpf_skb_output((void *)ctx[0], &events, BPF_F_CURRENT_CPU, &x, sizeof(x));
	return 0;
}

/* Dereferences a map value without the NULL check. */
SEC("syscall")
int null_deref(void *ctx)
{
	__u32 k = 0;
	__u64 *v = bpf_map_lookup_elem(&arr, &k);
	return (int)*v;
}

#define R8(x) x x x x x x x x
/*
 * A long verifier trace (several hundred KiB at log level 2 … and well over
 * 64 KiB at level 1), with the error only at the very end.
 */
SEC("syscall")
int long_then_bad(void *ctx)
{
	volatile __u64 acc = 0;
	R8(R8(R8(acc += 3; acc ^= 5;)))
	__u32 k = 0;
	__u64 *v = bpf_map_lookup_elem(&arr, &k);
	return (int)(acc + *v);
}

/* fentry: refused by this kernel (no trampolines). */
SEC("fentry/do_nanosleep")
int trampoline(__u64 *ctx)
{
	return 0;
}

char LICENSE[] SEC("license") = "GPL";
