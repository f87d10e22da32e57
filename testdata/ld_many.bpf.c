// SPDX-License-Identifier: BSD-2-Clause
/*
 * Many programs per section for the load path's tests (tests/unit/ld_cursor.c,
 * tests/kernel/ld_load.c): programs of one section back to back, a second
 * section between them in file order, a static subprogram shared by programs
 * of both sections, a static subprogram inside a program section, a map and
 * global data. Each program returns a value the kernel test checks.
 */
#include "ebpf_helpers.h"

char LICENSE[] SEC("license") = "GPL";

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 8);
	__type(key, u32);
	__type(value, u64);
} ld_counts SEC(".maps");

int ld_seen;	/* .bss */

/* .text: reached from programs of both sections. */
static __noinline int ld_shared(int x)
{
	return x * 2 + 1;
}

/* A static subprogram in the first program section. */
static __noinline __attribute__((section("syscall"))) int ld_in_section(int x)
{
	return x + 100;
}

static __always_inline int ld_bump(u32 k)
{
	u64 *v = bpf_map_lookup_elem(&ld_counts, &k);

	if (v)
		__sync_fetch_and_add(v, 1);
	return v ? 1 : 0;
}

SEC("syscall")
int ld_a0(void *ctx)
{
	ld_bump(0);
	return 10;
}

SEC("syscall")
int ld_a1(void *ctx)
{
	ld_bump(1);
	ld_seen = 1;
	return ld_shared(5);		/* 11 */
}

SEC("syscall")
int ld_a2(void *ctx)
{
	return ld_in_section(2) + ld_bump(2);	/* 103 */
}

SEC("syscall")
int ld_a3(void *ctx)
{
	return ld_shared(ld_in_section(0));	/* 201 */
}

SEC("xdp")
int ld_x0(void *ctx)
{
	return ld_shared(1) - 1;	/* 2: XDP_PASS */
}

SEC("xdp")
int ld_x1(void *ctx)
{
	ld_bump(3);
	return 2;
}

SEC("syscall")
int ld_a4(void *ctx)
{
	ld_bump(4);
	return 14;
}
