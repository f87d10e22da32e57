// SPDX-License-Identifier: BSD-2-Clause
/*
 * A representative object for the reliability tests (fault injection, threads):
 * a BTF hash map, a ring buffer, .data/.rodata/.bss, a kfunc pair and a weak
 * missing kfunc, a static and a global subprogram, a bpf_loop callback, and a
 * uprobe program that reads its attach cookie and streams it over a ring buffer
 * and a perf buffer.
 */
#include "ebpf_helpers.h"

char LICENSE[] SEC("license") = "GPL";

struct task_struct {
	int pid;
	int tgid;
} __attribute__((preserve_access_index));

extern struct task_struct *bpf_task_from_pid(s32 pid) __ksym;
extern void bpf_task_release(struct task_struct *p) __ksym;
extern int bpf_rel_kfunc_this_kernel_lacks(void) __ksym __weak;

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 8);
	__type(key, u32);
	__type(value, u64);
} rel_counts SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_RINGBUF);
	__uint(max_entries, 4096);
} rel_events SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_PERF_EVENT_ARRAY);
	__uint(key_size, sizeof(u32));
	__uint(value_size, sizeof(u32));
} rel_samples SEC(".maps");

const volatile int rel_pid;	/* .rodata: set before load */
int rel_mult = 3;		/* .data */
int rel_found_tgid;		/* .bss */
u64 rel_sum;			/* .bss */

static __noinline int scale(int x)
{
	return x * rel_mult;
}

__noinline int add_one(int x)
{
	return x + 1;
}

static long loop_cb(u32 i, void *ctx)
{
	rel_sum += i;
	return 0;
}

SEC("syscall")
int rel_task(void *ctx)
{
	struct task_struct *t;
	u32 key = 1;
	u64 one = 1;

	if (bpf_ksym_exists(bpf_rel_kfunc_this_kernel_lacks))
		return -1;
	t = bpf_task_from_pid(rel_pid);
	if (!t)
		return -2;
	rel_found_tgid = t->tgid;
	bpf_task_release(t);
	bpf_loop(4, loop_cb, NULL, 0);	/* rel_sum += 0+1+2+3 */
	bpf_map_update_elem(&rel_counts, &key, &one, BPF_ANY);
	return add_one(scale(2));	/* 2 * rel_mult + 1 */
}

SEC("uprobe")
int rel_uprobe(void *ctx)
{
	u64 cookie = bpf_get_attach_cookie(ctx), *e;
	u32 key = 2;
	u64 one = 1, *n;

	n = bpf_map_lookup_elem(&rel_counts, &key);
	if (n)
		__sync_fetch_and_add(n, 1);
	else
		bpf_map_update_elem(&rel_counts, &key, &one, BPF_NOEXIST);
	e = bpf_ringbuf_reserve(&rel_events, sizeof(*e), 0);
	if (e) {
		*e = cookie;
		bpf_ringbuf_submit(e, 0);
	}
	bpf_perf_event_output(ctx, &rel_samples, BPF_F_CURRENT_CPU, &cookie, sizeof(cookie));
	return 0;
}
