// SPDX-License-Identifier: BSD-2-Clause
/*
 * Per-program relocation (tests/kernel/hp_perprog.c): `chain` reaches four
 * subprograms (more than the linker's inline placed list holds), `single` is
 * one function (the inline case); both read .rodata and write .bss, so map
 * relocations are patched in each. A program's relocated image is freed once
 * it is loaded; a private copy relocates it again.
 */
#include "ebpf_helpers.h"

char LICENSE[] SEC("license") = "GPL";

const volatile int hp_base = 7;		/* .rodata */
int hp_out;				/* .bss: what the last run computed */

static __noinline int step_d(int x)
{
	return x + 1000 + hp_base;
}

static __noinline int step_c(int x)
{
	return step_d(x + 100);
}

static __noinline int step_b(int x)
{
	return step_c(x + 10);
}

static __noinline int step_a(int x)
{
	return step_b(x + 1);
}

SEC("socket")
int chain(void *ctx)
{
	int v = step_a(0);	/* 1 + 10 + 100 + 1000 + 7 = 1118 */

	hp_out = v;
	return v;
}

SEC("socket")
int single(void *ctx)
{
	hp_out = 40 + hp_base;
	return 40 + hp_base;
}

/* Not loaded unless asked: a private copy of it must be refused. */
SEC("?socket")
int lazy(void *ctx)
{
	return 3;
}
