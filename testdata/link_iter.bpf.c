// SPDX-License-Identifier: BSD-2-Clause
/* A task iterator printing "pid tgid" per task; task fields through CO-RE. */
#include "ebpf_helpers.h"

char LICENSE[] SEC("license") = "GPL";

struct seq_file;
struct bpf_iter_meta {
	struct seq_file *seq;
	__u64 session_id;
	__u64 seq_num;
} __attribute__((preserve_access_index));

struct task_struct {
	int pid;
	int tgid;
} __attribute__((preserve_access_index));

struct bpf_iter__task {
	struct bpf_iter_meta *meta;
	struct task_struct *task;
} __attribute__((preserve_access_index));

static long (*bpf_seq_printf)(struct seq_file *m, const char *fmt, __u32 fmt_size,
			      const void *data, __u32 data_len) = (void *)126;

SEC("iter/task")
int dump_task(struct bpf_iter__task *ctx)
{
	static const char fmt[] = "%d %d\n";
	struct task_struct *task = ctx->task;
	__u64 args[2];

	if (!task)
		return 0;
	args[0] = task->pid;
	args[1] = task->tgid;
	bpf_seq_printf(ctx->meta->seq, fmt, sizeof(fmt), args, sizeof(args));
	return 0;
}
