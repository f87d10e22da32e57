// SPDX-License-Identifier: BSD-2-Clause
/*
 * The `ebpf` command-line tool: inspect, check, load, test, run and probe eBPF
 * objects. It is built on the public API only, so it doubles as proof that the
 * API is enough. This file dispatches to one function per command.
 */
#include <stdio.h>
#include <string.h>

#include "cli.h"

struct command {
	const char *name;
	int (*run)(int argc, char **argv);
	const char *summary;
};

static const struct command commands[] = {
	{ "inspect", cmd_inspect, "show programs, maps, globals, externs and BTF of an object (--disasm)" },
	{ "check", cmd_check, "will this object load on this kernel (or on a BTF file)? no loading" },
	{ "load", cmd_load, "load the programs into the kernel and report each" },
	{ "test", cmd_test, "run one program with BPF_PROG_TEST_RUN, print result and globals" },
	{ "run", cmd_run, "load, attach, stream events, print maps at exit" },
	{ "probe", cmd_probe, "what this kernel supports" },
};

const char *const cli_exit_codes_help =
	"Exit status:\n"
	"  0  success\n"
	"  1  the command ran and something failed (a program did not load, a check found\n"
	"     a problem, a test run failed)\n"
	"  2  bad command line\n"
	"  3  the object or another input file cannot be read or parsed\n"
	"  4  missing privilege (needs root, or CAP_BPF + CAP_PERFMON)\n";

static int usage(FILE *f)
{
	fprintf(f, "usage: ebpf COMMAND [OPTIONS] ...\n"
		   "       ebpf COMMAND --help\n"
		   "       ebpf --version\n\nCommands:\n");
	for (size_t i = 0; i < sizeof(commands) / sizeof(commands[0]); i++)
		fprintf(f, "  %-8s %s\n", commands[i].name, commands[i].summary);
	fprintf(f, "\nEvery command takes --json (one JSON document on stdout) and --help.\n"
		   "Errors go to stderr, one line each.\n\n%s", cli_exit_codes_help);
	return f == stderr ? CLI_USAGE : CLI_OK;
}

int main(int argc, char **argv)
{
	if (argc < 2)
		return usage(stderr);
	if (!strcmp(argv[1], "--version")) {
		printf("ebpf %s\n", ebpf_version());
		return CLI_OK;
	}
	if (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h") || !strcmp(argv[1], "help"))
		return usage(stdout);
	for (size_t i = 0; i < sizeof(commands) / sizeof(commands[0]); i++) {
		if (!strcmp(argv[1], commands[i].name)) {
			cli_set_cmd(commands[i].name);
			return commands[i].run(argc - 1, argv + 1);
		}
	}
	fprintf(stderr, "ebpf: unknown command '%s' (see ebpf --help)\n", argv[1]);
	return CLI_USAGE;
}
