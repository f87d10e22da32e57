// SPDX-License-Identifier: BSD-2-Clause
#include "cli.h"

int cmd_run(int argc, char **argv)
{
	cli_err("not available yet");
	return CLI_FAILED;
}
