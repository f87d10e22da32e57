/*
 * CO-RE against the running kernel with local, flavored definitions only (no
 * vmlinux.h): each field, type and enum below is declared with just what the
 * program uses, at offsets that are certainly wrong for the real kernel, so
 * only relocation can make the values right. Results go to .bss.
 */
#include "ebpf_helpers.h"
#include "ebpf_core.h"
#include "core_task_results.h"

struct task_struct___core {
	int pid;
	int tgid;
	char comm[16];
	struct task_struct___core *real_parent;
	unsigned int sched_reset_on_fork:1;
	int no_such_field_core_test;
} __core;

struct list_head___core {
	void *next, *prev;
};

struct no_such_type_core_test {
	int x;
};

enum pid_type___core {
	PIDTYPE_SID___core = 7,		/* 3 in the kernel */
	PIDTYPE_NO_SUCH___core = 9,
};

struct core_results res;

SEC("syscall")
int core_read_task(void *ctx)
{
	struct task_struct___core *t = (void *)bpf_get_current_task_btf();

	/* Direct loads through a trusted pointer: the load offsets are relocated. */
	res.pid_direct = t->pid;
	res.pid = BPF_CORE_READ(t, pid);
	res.tgid = BPF_CORE_READ(t, tgid);
	res.parent_tgid = BPF_CORE_READ(t, real_parent, tgid);
	bpf_core_read(res.comm, sizeof(res.comm), &t->comm);
	res.has_pid = bpf_core_field_exists(t->pid);
	res.has_missing_field = bpf_core_field_exists(struct task_struct___core, no_such_field_core_test);
	res.reset_on_fork = BPF_CORE_READ_BITFIELD_PROBED(t, sched_reset_on_fork);
	res.sid_value = bpf_core_enum_value(enum pid_type___core, PIDTYPE_SID___core);
	res.sid_exists = bpf_core_enum_value_exists(enum pid_type___core, PIDTYPE_SID___core);
	res.no_such_enumval_exists = bpf_core_enum_value_exists(enum pid_type___core, PIDTYPE_NO_SUCH___core);
	res.task_exists = bpf_core_type_exists(struct task_struct___core);
	res.no_such_type_exists = bpf_core_type_exists(struct no_such_type_core_test);
	res.list_head_size = bpf_core_type_size(struct list_head___core);
	res.task_size = bpf_core_type_size(struct task_struct___core);
	res.pid_size = bpf_core_field_size(t->pid);
	res.comm_size = bpf_core_field_size(struct task_struct___core, comm);
	res.pid_signed = bpf_core_field_signed(t->pid);
	res.done = 1;
	return 0;
}

/* Reads a field this kernel does not have, unguarded: the load must fail and say why. */
SEC("?syscall")
int core_read_missing(void *ctx)
{
	struct task_struct___core *t = (void *)bpf_get_current_task_btf();

	return BPF_CORE_READ(t, no_such_field_core_test);
}

char LICENSE[] SEC("license") = "GPL";
