// SPDX-License-Identifier: BSD-2-Clause
/*
 * A raw_tp program whose object has no static function: cookie emulation must
 * drop func_info/line_info from its copy (no static FUNC to describe the
 * appended subprogram with).
 */
#include "ebpf_helpers.h"

char LICENSE[] SEC("license") = "GPL";

#define NR_GETPPID 110	/* x86-64 */

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 16);
	__type(key, u32);
	__type(value, u64);
} counts SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__type(key, u32);
	__type(value, u32);
} cfg SEC(".maps");

SEC("raw_tp/sys_enter")
int on_raw_tp_plain(u64 *ctx)
{
	u32 k = 0, *tgid = bpf_map_lookup_elem(&cfg, &k);
	u64 *v;

	if (ctx[1] != NR_GETPPID || !tgid || *tgid != (u32)(bpf_get_current_pid_tgid() >> 32))
		return 0;
	k = (u32)bpf_get_attach_cookie(ctx);
	if (k >= 16)
		return 0;
	v = bpf_map_lookup_elem(&counts, &k);
	if (v)
		__sync_fetch_and_add(v, 1);
	return 0;
}
