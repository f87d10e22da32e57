// SPDX-License-Identifier: BSD-2-Clause
/*
 * Zero-copy spec tests (tests/unit/zc_image.c): two programs in one section
 * calling a static subprogram (in .text), and global data in .data, .rodata and .bss with
 * more than one variable each, so the DATASEC fix-ups (sizes, offsets) written
 * into the object's image can be checked.
 */
#include "ebpf_helpers.h"

char LICENSE[] SEC("license") = "GPL";

__u64 zc_counter = 0x1122334455667788ULL;
__u32 zc_flags = 0xabcd;
const volatile __u32 zc_limit = 77;
const volatile __u64 zc_scale = 3;
__u64 zc_hits;
__u32 zc_misses;

static __noinline int zc_helper(int x)
{
	return x * (int)zc_limit + (int)zc_scale;
}

SEC("xdp")
int zc_first(void *ctx)
{
	zc_hits++;
	return zc_helper((int)zc_counter) + (int)zc_flags;
}

SEC("xdp")
int zc_second(void *ctx)
{
	zc_misses++;
	return zc_helper(2);
}
