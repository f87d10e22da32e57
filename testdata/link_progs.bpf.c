// SPDX-License-Identifier: BSD-2-Clause
/*
 * Programs for the link tests. Each counts events per attach cookie in `counts`
 * (index = cookie), only for the test process (`cfg[0]` = its tgid), so other
 * processes hitting the same probes do not disturb the numbers.
 */
#include "ebpf_helpers.h"

char LICENSE[] SEC("license") = "GPL";

#define NCOOKIES 16
#define NR_GETPPID 110	/* x86-64 */
/* Ethertype of the test's packets (IEEE local experimental), network order. */
#define ETH_P_TEST_BE 0xb588

/* The leading fields of the kernel's __sk_buff (same layout). */
struct __sk_buff {
	__u32 len, pkt_type, mark, queue_mapping, protocol;
};

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, NCOOKIES);
	__type(key, u32);
	__type(value, u64);
} counts SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__type(key, u32);
	__type(value, u32);
} cfg SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__type(key, u32);
	__type(value, u64);
} rets SEC(".maps");

static __always_inline bool from_test(void)
{
	u32 k = 0, *tgid = bpf_map_lookup_elem(&cfg, &k);

	return tgid && *tgid == (u32)(bpf_get_current_pid_tgid() >> 32);
}

static __always_inline void count(u64 idx)
{
	u32 k = (u32)idx;
	u64 *v;

	if (idx >= NCOOKIES)
		return;
	v = bpf_map_lookup_elem(&counts, &k);
	if (v)
		__sync_fetch_and_add(v, 1);
}

static __always_inline void count_cookie(void *ctx)
{
	if (from_test())
		count(bpf_get_attach_cookie(ctx));
}

/*
 * A static subprogram: its FUNC (static linkage) is what cookie emulation names
 * in the func_info record of the subprogram it appends.
 */
static __noinline int count_cookie_sub(void *ctx)
{
	count_cookie(ctx);
	return 0;
}

SEC("uprobe")
int on_uprobe(struct pt_regs *ctx)
{
	return count_cookie_sub(ctx);
}

/* Auto-attach target in the section name (PATH:FUNCTION+OFFSET). */
SEC("uprobe//proc/self/exe:link_fn_c+0x0")
int on_auto_uprobe(struct pt_regs *ctx)
{
	count_cookie(ctx);
	return 0;
}

SEC("uprobe.multi")
int on_uprobe_multi(struct pt_regs *ctx)
{
	count_cookie(ctx);
	return 0;
}

/* Records the probed function's return value. */
SEC("uretprobe")
int on_uretprobe(struct pt_regs *ctx)
{
	u32 k = 0;
	u64 rc = PT_REGS_RC(ctx);

	if (from_test()) {
		bpf_map_update_elem(&rets, &k, &rc, BPF_ANY);
		count(bpf_get_attach_cookie(ctx));
	}
	return 0;
}

SEC("tp/syscalls/sys_enter_getppid")
int on_tp(void *ctx)
{
	count_cookie(ctx);
	return 0;
}

/* raw_tp/sys_enter args: (struct pt_regs *regs, long id). */
SEC("raw_tp/sys_enter")
int on_raw_tp(u64 *ctx)
{
	if (ctx[1] == NR_GETPPID)
		count_cookie(ctx);
	return 0;
}

SEC("tp_btf/sys_enter")
int on_tp_btf(u64 *ctx)
{
	if (ctx[1] == NR_GETPPID)
		count_cookie(ctx);
	return 0;
}

/* Counts the test's frames only (IPv6 chatter on a fresh veth must not count). */
SEC("xdp")
int count_xdp(struct xdp_md *ctx)
{
	void *data = (void *)(long)ctx->data, *end = (void *)(long)ctx->data_end;

	if (data + 14 <= end && *(__u16 *)(data + 12) == ETH_P_TEST_BE)
		count(0);
	return XDP_PASS;
}

SEC("tcx/ingress")
int count_tcx(struct __sk_buff *skb)
{
	if (skb->protocol == ETH_P_TEST_BE)
		count(1);
	return TCX_PASS;
}

/* Loads on this kernel, but kprobes cannot be attached (no CONFIG_KPROBES). */
SEC("kprobe/do_nanosleep")
int on_kprobe(struct pt_regs *ctx)
{
	count_cookie(ctx);
	return 0;
}

/* Egress packets of sockets in the test's cgroup; 1 lets them through. */
SEC("cgroup_skb/egress")
int count_cgroup_egress(struct __sk_buff *skb)
{
	count(2);
	return 1;
}
