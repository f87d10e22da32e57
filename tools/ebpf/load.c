// SPDX-License-Identifier: BSD-2-Clause
/* `ebpf load`: arrives with collection load (lib/collection.c). */
#include "cli.h"

int cmd_load(int argc, char **argv)
{
	cli_err("not available yet: needs collection load");
	return CLI_FAILED;
}
