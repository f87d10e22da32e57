// SPDX-License-Identifier: BSD-2-Clause
/* The `ebpf` command-line tool: built on the public API only. */
#include <stdio.h>
#include <string.h>

#include <ebpf/ebpf.h>

static int usage(FILE *f)
{
	fprintf(f, "usage: ebpf --version\n");
	return f == stderr ? 2 : 0;
}

int main(int argc, char **argv)
{
	if (argc == 2 && !strcmp(argv[1], "--version")) {
		printf("ebpf %s\n", ebpf_version());
		return 0;
	}
	if (argc == 2 && !strcmp(argv[1], "--help"))
		return usage(stdout);
	return usage(stderr);
}
