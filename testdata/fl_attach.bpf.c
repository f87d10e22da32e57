// SPDX-License-Identifier: BSD-2-Clause
/*
 * Several programs that attach by kernel BTF id, for the one-pass lookup of
 * attach targets (tests/kernel/fl_attach.c): two raw tracepoints, one of them
 * twice, a task iterator, and a tracepoint this kernel does not have.
 */
#include "ebpf_helpers.h"

char LICENSE[] SEC("license") = "GPL";

__u64 seen;

SEC("tp_btf/sched_switch")
int on_switch(u64 *ctx)
{
	__sync_fetch_and_add(&seen, 1);
	return 0;
}

SEC("tp_btf/sched_wakeup")
int on_wakeup(u64 *ctx)
{
	__sync_fetch_and_add(&seen, 2);
	return 0;
}

SEC("tp_btf/sched_switch")
int on_switch_again(u64 *ctx)
{
	__sync_fetch_and_add(&seen, 4);
	return 0;
}

SEC("iter/task")
int on_task(void *ctx)
{
	return 0;
}

SEC("tp_btf/fl_no_such_tracepoint")
int on_missing(u64 *ctx)
{
	return 0;
}
