// SPDX-License-Identifier: BSD-2-Clause
/*
 * Not a program: its .BTF, dumped by the cli tests, serves as the BTF of a
 * "kernel" that has bpf_task_release but lacks bpf_task_from_pid, for
 * `ebpf check OBJ --btf FILE`.
 */
#include "ebpf_helpers.h"

char LICENSE[] SEC("license") = "GPL";

struct task_struct {
	int pid;
	int tgid;
	char comm[16];
};

__noinline void bpf_task_release(struct task_struct *p)
{
	if (p)
		p->pid = 0;
}

SEC("syscall")
int keep(void *ctx)
{
	bpf_task_release(NULL);
	return 0;
}
