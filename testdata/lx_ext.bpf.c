// SPDX-License-Identifier: BSD-2-Clause
/*
 * Lazy .BTF.ext tests (tests/unit/lx_ext_lazy.c, tests/kernel/lx_ext_load.c):
 * two programs in two sections sharing one .text subprogram, so each program
 * carries func_info and line_info from its own section and from .text, and
 * one of them a CO-RE relocation. The tests damage single records and check
 * that open still succeeds and that only the programs using them fail.
 */
#include "ebpf_helpers.h"
#include "ebpf_core.h"

char LICENSE[] SEC("license") = "GPL";

/* Local flavor of the kernel's list_head (two pointers): its size comes from CO-RE. */
struct list_head___lx {
	void *next;
	int wrong_size_without_core[14];
};

static __noinline int lx_twice(int x)
{
	return x * 2;
}

/* 2 * sizeof(struct list_head) in the running kernel: 32 on 64-bit. */
SEC("syscall")
int lx_core(void *ctx)
{
	return lx_twice(bpf_core_type_size(struct list_head___lx));
}

/* No CO-RE: 2 * 21. */
SEC("tc")
int lx_plain(void *ctx)
{
	return lx_twice(21);
}
