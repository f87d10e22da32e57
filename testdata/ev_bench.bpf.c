/*
 * Ring buffer benchmark producer: a tc program run with BPF_PROG_TEST_RUN and a
 * large `repeat`, emitting one 64-byte record per run. stats[0] is the sequence
 * number of the next record (advanced only when a record was reserved, so the
 * records a consumer sees are numbered without gaps); stats[1] counts records
 * dropped because the ring was full. One producer thread: no atomics needed.
 */
#include "ebpf_helpers.h"

struct {
	__uint(type, BPF_MAP_TYPE_RINGBUF);
	__uint(max_entries, 1 << 20);
} bench_ring SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 2);
	__type(key, __u32);
	__type(value, __u64);
} bench_stats SEC(".maps");

SEC("tc")
int produce(struct __sk_buff *skb)
{
	__u32 k_seq = 0, k_drop = 1;
	__u64 *seq = bpf_map_lookup_elem(&bench_stats, &k_seq);
	__u64 *drops = bpf_map_lookup_elem(&bench_stats, &k_drop);
	__u64 *rec;

	if (!seq || !drops)
		return 0;
	rec = bpf_ringbuf_reserve(&bench_ring, 64, 0);
	if (!rec) {
		*drops += 1;
		return 0;
	}
	rec[0] = *seq;
	*seq += 1;
	for (int i = 1; i < 8; i++)
		rec[i] = i;
	bpf_ringbuf_submit(rec, 0);
	return 0;
}

char LICENSE[] SEC("license") = "GPL";
