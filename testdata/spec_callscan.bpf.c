// SPDX-License-Identifier: BSD-2-Clause
/*
 * Local-call scanning: the reader finds bpf-to-bpf calls by looking for the call
 * opcode byte (0x85). Here that byte also sits in offsets and immediates of
 * other instructions, helper calls use the same opcode with src_reg 0, and
 * calls come at the start, middle and end of programs of different lengths.
 */
#include "ebpf_helpers.h"

char LICENSE[] SEC("license") = "GPL";

static __attribute__((noinline)) int add_one(int x)
{
	return x + 0x85;
}

static __attribute__((noinline)) long mix(long x)
{
	return (x ^ 0x8585858585858585L) + add_one((int)x);
}

SEC("xdp")
int first_call(struct xdp_md *ctx)
{
	return add_one(ctx->data_end - ctx->data);
}

SEC("xdp")
int busy(struct xdp_md *ctx)
{
	volatile long v = 0x85;
	long acc = 0x85008500;

	for (int i = 0; i < 8; i++) {
		v += 0x8585 * i;
		acc ^= v << 5;
	}
	acc += bpf_get_prandom_u32() & 0x85;
	acc += mix(acc);
	acc += bpf_ktime_get_ns() & 0x8585;
	return (int)(add_one((int)acc) & 0x85);
}
