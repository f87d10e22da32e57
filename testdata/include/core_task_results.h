/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * What testdata/core_task.bpf.c writes into .bss and tests/kernel/core_task.c
 * reads back: one definition for both sides, so the layouts cannot drift apart.
 * Plain C types only (compiled for BPF and for the host).
 */
#ifndef CORE_TASK_RESULTS_H
#define CORE_TASK_RESULTS_H

struct core_results {
	int pid;
	int tgid;
	int parent_tgid;
	int pid_direct;
	char comm[16];
	int has_pid;
	int has_missing_field;
	unsigned long long reset_on_fork;
	long long sid_value;
	int sid_exists;
	int no_such_enumval_exists;
	int task_exists;
	int no_such_type_exists;
	unsigned long long list_head_size;
	unsigned long long task_size;
	unsigned int pid_size;
	unsigned int comm_size;
	int pid_signed;
	int done;
};

#endif
