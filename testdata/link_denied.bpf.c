// SPDX-License-Identifier: BSD-2-Clause
/* Trampoline programs, which this project's kernel refuses to load (see KERNEL.md). */
#include "ebpf_helpers.h"

char LICENSE[] SEC("license") = "GPL";

SEC("fentry/do_nanosleep")
int on_fentry(u64 *ctx)
{
	return 0;
}

SEC("lsm/file_open")
int on_lsm(u64 *ctx)
{
	return 0;
}
