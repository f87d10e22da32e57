// SPDX-License-Identifier: BSD-2-Clause
/*
 * The libbpf side of load_bench, compiled apart so that libbpf's headers never
 * meet ours. Built only when libbpf is installed.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>

#include <bpf/libbpf.h>

#include "tools/bench/load_bench.h"

static int quiet(enum libbpf_print_level level, const char *fmt, va_list ap)
{
	(void)level;
	(void)fmt;
	(void)ap;
	return 0;
}

/* What a libbpf user writes to get a spec-equivalent: open, and close unused. */
__attribute__((noinline)) int lb_open(const char *path)
{
	struct bpf_object *o;

	libbpf_set_print(quiet);
	o = bpf_object__open_file(path, NULL);
	if (!o)
		return -errno;
	bpf_object__close(o);
	return 0;
}

/* Open, load every program and map, close: a whole agent start-up. */
__attribute__((noinline)) int lb_load(const char *path, int *progs)
{
	struct bpf_object *o;
	struct bpf_program *p;
	int err;

	libbpf_set_print(quiet);
	o = bpf_object__open_file(path, NULL);
	if (!o)
		return -errno;
	err = bpf_object__load(o);
	*progs = 0;
	bpf_object__for_each_program(p, o)
		*progs += bpf_program__fd(p) >= 0;
	bpf_object__close(o);
	return err;
}
