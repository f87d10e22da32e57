// SPDX-License-Identifier: BSD-2-Clause
/*
 * The demo's uprobe target: three functions, called 1, 2 and 3 times. The demo
 * attaches one uprobe program to all three with cookies 1, 2 and 3, so the
 * calls it counts per cookie must read 1, 2 and 3.
 */
#include <stdio.h>

/* noinline + an empty asm keep each function a real, separately probed symbol. */
__attribute__((noinline, used)) int demo_func_a(int x) { __asm__ volatile(""); return x + 1; }
__attribute__((noinline, used)) int demo_func_b(int x) { __asm__ volatile(""); return x + 2; }
__attribute__((noinline, used)) int demo_func_c(int x) { __asm__ volatile(""); return x + 3; }

int main(void)
{
	int v = 0;

	v += demo_func_a(v);
	for (int i = 0; i < 2; i++)
		v += demo_func_b(v);
	for (int i = 0; i < 3; i++)
		v += demo_func_c(v);
	printf("demo_target: called demo_func_a x1, demo_func_b x2, demo_func_c x3 (result %d)\n", v);
	return 0;
}
