// SPDX-License-Identifier: BSD-2-Clause
/*
 * Subprograms and global data for the relocation engine's tests: static and
 * global calls, bpf_loop callbacks, a static subprogram inside a program
 * section, one subprogram shared by programs in different sections, .rodata
 * set before load, .data/.bss read back after runs.
 */
#include "ebpf_helpers.h"

char LICENSE[] SEC("license") = "GPL";

const volatile int ro_base = 1;		/* the test sets it before load */
int data_counter = 5;			/* .data: bumped by every run of sum_loop */
int bss_last;				/* .bss: the last sum */
static int static_bss;			/* a static variable (section-symbol relocation) */

/* .text, static: reached from two programs in different sections. */
static __noinline int shared_add(int a, int b)
{
	return a + b + ro_base;
}

/* .text, static, calls another subprogram. */
static __noinline int twice_add(int a)
{
	return shared_add(a, a);
}

/* .text, global: verified on its own by the kernel. */
__noinline int global_mul(int a, int b)
{
	return a * b;
}

struct loop_ctx {
	int sum;
};

/* A bpf_loop callback: reached only through its address (BPF_PSEUDO_FUNC). */
static int loop_body(u32 i, void *data)
{
	struct loop_ctx *c = data;

	c->sum += i;
	return 0;
}

/* A static subprogram in the program's own section. */
static __noinline __attribute__((section("syscall"))) int in_section_helper(int x)
{
	return x * 3;
}

SEC("syscall")
int sum_loop(void *ctx)
{
	struct loop_ctx c = { .sum = 0 };

	bpf_loop(10, loop_body, &c, 0);		/* 0 + 1 + ... + 9 = 45 */
	data_counter++;
	bss_last = c.sum;
	static_bss += 1;
	return c.sum + global_mul(2, 3);	/* 51 */
}

SEC("syscall")
int calls(void *ctx)
{
	/* twice_add(4) = 8 + ro_base; in_section_helper(ro_base + 4) = 3 * ro_base + 12 */
	return twice_add(4) + in_section_helper(ro_base + 4) + static_bss * 1000;
}

SEC("xdp")
int xdp_shared(struct xdp_md *ctx)
{
	/* shared_add(10, 20) = 30 + ro_base */
	return shared_add(10, 20) == 30 + ro_base ? XDP_PASS : XDP_DROP;
}
