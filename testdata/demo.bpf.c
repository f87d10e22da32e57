// SPDX-License-Identifier: BSD-2-Clause
/*
 * The object `make demo` runs (tools/demo.sh), through the `ebpf` tool:
 *  - task_info: a `syscall` program (run with BPF_PROG_TEST_RUN) that calls the
 *    kfunc bpf_task_from_pid on the pid the demo sets in `target_pid` and copies
 *    the task's pid and comm out; it also probes a weak kfunc this kernel lacks,
 *    which bpf_ksym_exists() lets it skip safely;
 *  - count_calls: one uprobe program attached to several functions of the demo
 *    target with a different cookie each; it counts calls per cookie and streams
 *    one event per call over a ring buffer;
 *  - read_runqueues: reads a typed __ksym variable, which needs kallsyms data
 *    symbols (CONFIG_KALLSYMS_ALL): the demo shows how a kernel without them says no.
 */
#include "ebpf_helpers.h"

char LICENSE[] SEC("license") = "GPL";

/* Only the fields the demo reads; CO-RE finds their offsets in the kernel's BTF. */
struct task_struct {
	int pid;
	int tgid;
	char comm[16];
} __attribute__((preserve_access_index));

extern struct task_struct *bpf_task_from_pid(s32 pid) __ksym;
extern void bpf_task_release(struct task_struct *p) __ksym;
/* No kernel has this kfunc: the weak reference resolves to NULL. */
extern int bpf_demo_kfunc_this_kernel_lacks(void) __ksym __weak;

const volatile int target_pid;
int found_pid;
int found_tgid;
char found_comm[16];
bool weak_kfunc_present;
int weak_kfunc_result;

SEC("syscall")
int task_info(void *ctx)
{
	struct task_struct *t;

	weak_kfunc_present = bpf_ksym_exists(bpf_demo_kfunc_this_kernel_lacks);
	if (weak_kfunc_present)
		weak_kfunc_result = bpf_demo_kfunc_this_kernel_lacks();
	t = bpf_task_from_pid(target_pid);
	if (!t)
		return -1;
	found_pid = t->pid;
	found_tgid = t->tgid;
	bpf_probe_read_kernel_str(found_comm, sizeof(found_comm), t->comm);
	bpf_task_release(t);
	return 0;
}

struct event {
	u64 cookie;
	u32 pid;
	char comm[16];
};

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 16);
	__type(key, u64);	/* attach cookie */
	__type(value, u64);	/* calls */
} calls_by_cookie SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_RINGBUF);
	__uint(max_entries, 4096);
} events SEC(".maps");

/* The event layout, for `ebpf run --event-type events=struct event`. */
struct event event_layout;

SEC("uprobe")
int count_calls(void *ctx)
{
	u64 cookie = bpf_get_attach_cookie(ctx), one = 1, *n;
	struct event *e;

	n = bpf_map_lookup_elem(&calls_by_cookie, &cookie);
	if (n)
		__sync_fetch_and_add(n, 1);
	else
		bpf_map_update_elem(&calls_by_cookie, &cookie, &one, BPF_NOEXIST);
	e = bpf_ringbuf_reserve(&events, sizeof(*e), 0);
	if (!e)
		return 0;
	e->cookie = cookie;
	e->pid = bpf_get_current_pid_tgid() >> 32;
	bpf_get_current_comm(e->comm, sizeof(e->comm));
	bpf_ringbuf_submit(e, 0);
	return 0;
}

struct rq {
	int cpu;
} __attribute__((preserve_access_index));

extern const struct rq runqueues __ksym;

SEC("?syscall")
int read_runqueues(void *ctx)
{
	struct rq *rq = (struct rq *)&runqueues;

	return rq->cpu;
}
