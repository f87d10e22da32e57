/*
 * Event-reader test programs, run with BPF_PROG_TEST_RUN. The ring buffer ones
 * are `syscall` programs whose context is a record chosen by the test ({seq, len,
 * flags, bytes}) and emit its first `len` bytes, so the test knows exactly which
 * bytes each record must carry; the perf one is a raw_tp program (see below).
 */
#include "ebpf_helpers.h"

#define EV_MAX 512
#define EV_DISCARD 1

struct ev_args {
	__u32 seq;
	__u32 len;		/* bytes of this struct to emit, 8..EV_MAX */
	__u32 flags;
	__u8 bytes[EV_MAX - 12];
};

struct {
	__uint(type, BPF_MAP_TYPE_RINGBUF);
	__uint(max_entries, 4096);	/* one page: a few records fill it, so positions wrap */
} ring SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_RINGBUF);
	__uint(max_entries, 8192);
} ring2 SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_PERF_EVENT_ARRAY);
	__uint(key_size, sizeof(__u32));
	__uint(value_size, sizeof(__u32));
} perf SEC(".maps");

/* Helpers take no context pointer as data: the record is copied here first. */
struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct ev_args);
} scratch SEC(".maps");

/* The record's bytes in the scratch map, *len set; NULL if len is out of range. */
static __always_inline void *copy_args(struct ev_args *a, __u32 *len)
{
	__u32 zero = 0;
	void *buf = bpf_map_lookup_elem(&scratch, &zero);
	__u32 n = a->len;

	if (!buf || n < 8 || n > EV_MAX)
		return NULL;
	if (bpf_probe_read_kernel(buf, n, a))
		return NULL;
	*len = n;
	return buf;
}

/* Copy the record into the ring (variable size, bounded for the verifier). */
SEC("syscall")
int emit_ring(struct ev_args *a)
{
	__u32 len;
	void *buf = copy_args(a, &len);

	if (!buf)
		return 1;
	return bpf_ringbuf_output(&ring, buf, len, 0) ? 2 : 0;
}

/* Reserve a fixed 64-byte record and submit it, or discard it if flags say so. */
SEC("syscall")
int reserve_ring(struct ev_args *a)
{
	__u32 *rec = bpf_ringbuf_reserve(&ring, 64, 0);

	if (!rec)
		return 2;
	rec[0] = a->seq;
	rec[1] = 64;
	for (int i = 2; i < 16; i++)
		rec[i] = a->seq * 1000 + i;
	if (a->flags & EV_DISCARD)
		bpf_ringbuf_discard(rec, 0);
	else
		bpf_ringbuf_submit(rec, 0);
	return 0;
}

/* One record into each of the two ring buffers. */
SEC("syscall")
int emit_both(struct ev_args *a)
{
	__u32 len;
	void *buf = copy_args(a, &len);

	if (!buf)
		return 1;
	if (bpf_ringbuf_output(&ring, buf, len, 0))
		return 2;
	return bpf_ringbuf_output(&ring2, buf, 8, 0) ? 3 : 0;
}

/*
 * Perf event arrays are refused to sleepable programs (syscall ones are), so the
 * perf records come from a raw_tp program run with BPF_PROG_TEST_RUN: ctx holds
 * {seq, len}; the record is {seq, len, bytes[i] = seq * 7 + i} for i >= 8.
 */
SEC("raw_tp/ev_test")
int emit_perf(__u64 *ctx)
{
	__u32 zero = 0, seq = ctx[0], len = ctx[1];
	__u8 *buf = bpf_map_lookup_elem(&scratch, &zero);

	if (!buf || len < 8 || len > EV_MAX)
		return 1;
	((__u32 *)buf)[0] = seq;
	((__u32 *)buf)[1] = len;
	for (__u32 i = 8; i < EV_MAX; i++) {
		if (i >= len)
			break;
		buf[i] = (__u8)(seq * 7 + i);
	}
	return bpf_perf_event_output(ctx, &perf, BPF_F_CURRENT_CPU, buf, len) ? 2 : 0;
}

char LICENSE[] SEC("license") = "GPL";
