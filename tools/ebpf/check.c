// SPDX-License-Identifier: BSD-2-Clause
/* `ebpf check`: placeholder until the offline check entry point exists. */
#include "cli.h"

int cmd_check(int argc, char **argv)
{
	cli_err("not available yet");
	return CLI_FAILED;
}
