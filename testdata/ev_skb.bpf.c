/*
 * skb_output end to end: every packet queued for transmission (tp_btf/net_dev_queue,
 * where skb->data is at the Ethernet header) is sent to user space through a perf
 * event array following the ebpf_skb_sample convention of <ebpf/ringbuf.h>:
 * header, then the first cap_len packet bytes appended by bpf_skb_output().
 */
#include "ebpf_helpers.h"

#define EV_SNAPLEN 256
#define EBPF_SKB_SAMPLE_MAGIC 0xeb5c

/* Only the fields read; offsets come from the kernel's BTF (CO-RE). */
struct net_device {
	int ifindex;
} __attribute__((preserve_access_index));

struct sk_buff {
	unsigned int len;
	struct net_device *dev;
} __attribute__((preserve_access_index));

/* Mirrors struct ebpf_skb_sample (24 bytes). */
struct ebpf_skb_sample {
	__u16 magic;
	__u16 hdr_len;
	__u32 cap_len;
	__u32 pkt_len;
	__u32 ifindex;
	__u64 boot_ns;
};

struct {
	__uint(type, BPF_MAP_TYPE_PERF_EVENT_ARRAY);
	__uint(key_size, sizeof(__u32));
	__uint(value_size, sizeof(__u32));
} packets SEC(".maps");

SEC("tp_btf/net_dev_queue")
int capture(__u64 *ctx)
{
	struct sk_buff *skb = (struct sk_buff *)ctx[0];
	__u32 len = skb->len;
	__u32 cap = len < EV_SNAPLEN ? len : EV_SNAPLEN;
	struct ebpf_skb_sample h = {
		.magic = EBPF_SKB_SAMPLE_MAGIC,
		.hdr_len = sizeof(h),
		.cap_len = cap,
		.pkt_len = len,
		.ifindex = skb->dev->ifindex,
		.boot_ns = bpf_ktime_get_boot_ns(),
	};

	bpf_skb_output(skb, &packets, ((__u64)cap << 32) | BPF_F_CURRENT_CPU, &h, sizeof(h));
	return 0;
}

char LICENSE[] SEC("license") = "GPL";
