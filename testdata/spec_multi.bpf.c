// SPDX-License-Identifier: BSD-2-Clause
/* Spec tests: several programs, subprograms, maps of many kinds, global data, externs. */
#include "ebpf_helpers.h"

char LICENSE[] SEC("license") = "Dual BSD/GPL";

struct inner {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 4);
	__type(key, __u32);
	__type(value, __u64);
};

struct inner inner_a SEC(".maps"), inner_b SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY_OF_MAPS);
	__uint(max_entries, 8);
	__type(key, __u32);
	__array(values, struct inner);
} outer SEC(".maps") = {
	.values = { [1] = &inner_a, [5] = &inner_b },
};

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 1024);
	__type(key, __u64);
	__type(value, struct { __u32 a; __u64 b; });
	__uint(map_flags, BPF_F_NO_PREALLOC);
	__uint(pinning, LIBBPF_PIN_BY_NAME);
	__uint(numa_node, 0);
} counts SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_RINGBUF);
	__uint(max_entries, 4096);
} events SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_BLOOM_FILTER);
	__uint(max_entries, 100);
	__uint(value_size, 4);
	__ulong(map_extra, 3);
} bloom SEC(".maps");

int tail_a(void *ctx);

struct {
	__uint(type, BPF_MAP_TYPE_PROG_ARRAY);
	__uint(max_entries, 4);
	__uint(key_size, 4);
	__array(values, int (void *));
} jmp SEC(".maps") = {
	.values = { [2] = (void *)&tail_a },
};

const volatile __u32 cfg_limit = 7;
const volatile char cfg_name[8] = "abc";
__u64 total = 11;
__u64 hits;
static __u32 static_bss;
__u32 custom_var SEC(".data.custom") = 5;

extern unsigned int LINUX_KERNEL_VERSION __kconfig;
extern bool CONFIG_BPF_SYSCALL __kconfig __weak;
extern enum libbpf_tristate CONFIG_NET_SCH_FQ __kconfig __weak;
extern int bpf_prog_active __ksym;
extern const void bpf_init __ksym __weak;
extern struct task_struct *bpf_task_from_pid(s32 pid) __ksym;
extern void bpf_task_release(struct task_struct *p) __ksym;
extern struct bpf_cpumask *bpf_cpumask_create(void) __ksym __weak;

static __noinline int add_static(int x)
{
	return x + cfg_limit;
}

__noinline int add_global(int x)
{
	static_bss += x;
	return x * 3;
}

static int loop_cb(__u32 idx, void *ctx)
{
	hits += idx;
	return 0;
}

SEC("xdp")
int xdp_main(struct xdp_md *ctx)
{
	__u32 k = 0;
	__u64 *v = bpf_map_lookup_elem(&inner_a, &k);

	if (v)
		*v = total + custom_var;
	bpf_loop(4, loop_cb, NULL, 0);
	return add_static(ctx->data) + add_global(2);
}

SEC("tp/syscalls/sys_enter_getpid")
int tail_a(void *ctx)
{
	bpf_tail_call(ctx, &jmp, 2);
	hits = LINUX_KERNEL_VERSION + CONFIG_BPF_SYSCALL + CONFIG_NET_SCH_FQ + cfg_name[1];
	return 0;
}

static __noinline int text_helper(int x)
{
	return x - 1;
}

SEC("?syscall")
int sys_main(void *ctx)
{
	struct task_struct *t;

	if (bpf_ksym_exists(bpf_cpumask_create))
		hits = 1;
	hits += (__u64)&bpf_init + bpf_prog_active;
	t = bpf_task_from_pid(1);
	if (t)
		bpf_task_release(t);
	return text_helper(bpf_get_prandom_u32()) + bpf_ringbuf_query(&events, 0);
}

/* A static function in a program section is a subprogram of that section. */
static __noinline SEC("xdp.frags") int frags_helper(struct xdp_md *ctx)
{
	__u64 key = ctx->data;

	return bpf_map_lookup_elem(&counts, &key) ? XDP_PASS : XDP_DROP;
}

SEC("xdp.frags")
int xdp_frags_prog(struct xdp_md *ctx)
{
	return frags_helper(ctx);
}
