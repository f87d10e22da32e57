// SPDX-License-Identifier: BSD-2-Clause
/*
 * The SEC() name table: which program type, expected attach type and load flags a
 * section name implies. It follows libbpf's conventions so that objects written
 * for libbpf load unchanged. The table is data; eb_sec_def_find() is the only code.
 *
 * Matching rules (per entry flags):
 *   EB_SEC_EXACT  the name equals the prefix ("syscall", "tc/ingress")
 *   EB_SEC_PLUS   the prefix alone, or prefix + "/" + target ("kprobe", "kprobe/do_exit")
 *   EB_SEC_SLASH  prefix + "/" + target is required ("prefix/")
 * A "kprobe.multi/x" name never matches "kprobe": after the prefix comes a '/' or
 * nothing, so entries do not shadow each other and the order below is for reading.
 */
#include <stddef.h>
#include <string.h>

#include "lib/spec.h"

#define NONE EBPF_ATTACH_TYPE_NONE
#define EXACT EB_SEC_EXACT
#define PLUS EB_SEC_PLUS
#define SLEEP EB_SEC_SLEEPABLE
#define FRAGS EB_SEC_XDP_FRAGS
#define BTF EB_SEC_ATTACH_BTF
#define EXP EB_SEC_EXP_ATTACH

/* The rules, as X(prefix, program type, attach type, flags) for each table built from them below. */
#define SEC_DEFS(X) \
	X("socket", SOCKET_FILTER, NONE, EXACT) \
	X("sk_reuseport/migrate", SK_REUSEPORT, EBPF_SK_REUSEPORT_SELECT_OR_MIGRATE, EXACT | EXP) \
	X("sk_reuseport", SK_REUSEPORT, EBPF_SK_REUSEPORT_SELECT, EXACT | EXP) \
 \
	/* kprobes, uprobes and their multi / session / syscall / usdt flavours */ \
	X("kprobe", KPROBE, NONE, PLUS) \
	X("kretprobe", KPROBE, NONE, PLUS) \
	X("uprobe", KPROBE, NONE, PLUS) \
	X("uprobe.s", KPROBE, NONE, PLUS | SLEEP) \
	X("uretprobe", KPROBE, NONE, PLUS) \
	X("uretprobe.s", KPROBE, NONE, PLUS | SLEEP) \
	X("kprobe.multi", KPROBE, EBPF_TRACE_KPROBE_MULTI, PLUS | EXP) \
	X("kretprobe.multi", KPROBE, EBPF_TRACE_KPROBE_MULTI, PLUS | EXP) \
	X("kprobe.session", KPROBE, EBPF_TRACE_KPROBE_SESSION, PLUS | EXP) \
	X("uprobe.multi", KPROBE, EBPF_TRACE_UPROBE_MULTI, PLUS | EXP) \
	X("uretprobe.multi", KPROBE, EBPF_TRACE_UPROBE_MULTI, PLUS | EXP) \
	X("uprobe.multi.s", KPROBE, EBPF_TRACE_UPROBE_MULTI, PLUS | EXP | SLEEP) \
	X("uretprobe.multi.s", KPROBE, EBPF_TRACE_UPROBE_MULTI, PLUS | EXP | SLEEP) \
	X("uprobe.session", KPROBE, EBPF_TRACE_UPROBE_SESSION, PLUS | EXP) \
	X("uprobe.session.s", KPROBE, EBPF_TRACE_UPROBE_SESSION, PLUS | EXP | SLEEP) \
	X("ksyscall", KPROBE, NONE, PLUS) \
	X("kretsyscall", KPROBE, NONE, PLUS) \
	X("usdt", KPROBE, NONE, PLUS) \
	X("usdt.s", KPROBE, NONE, PLUS | SLEEP) \
 \
	/* traffic control: tc/ingress and tc/egress are aliases of tcx */ \
	X("tc/ingress", SCHED_CLS, EBPF_TCX_INGRESS, EXACT | EXP) \
	X("tc/egress", SCHED_CLS, EBPF_TCX_EGRESS, EXACT | EXP) \
	X("tcx/ingress", SCHED_CLS, EBPF_TCX_INGRESS, EXACT | EXP) \
	X("tcx/egress", SCHED_CLS, EBPF_TCX_EGRESS, EXACT | EXP) \
	X("netkit/primary", SCHED_CLS, EBPF_NETKIT_PRIMARY, EXACT | EXP) \
	X("netkit/peer", SCHED_CLS, EBPF_NETKIT_PEER, EXACT | EXP) \
	X("tc", SCHED_CLS, NONE, EXACT) \
	X("classifier", SCHED_CLS, NONE, EXACT) \
	X("action", SCHED_ACT, NONE, EXACT) \
 \
	/* tracepoints */ \
	X("tracepoint", TRACEPOINT, NONE, PLUS) \
	X("tp", TRACEPOINT, NONE, PLUS) \
	X("raw_tracepoint", RAW_TRACEPOINT, NONE, PLUS) \
	X("raw_tp", RAW_TRACEPOINT, NONE, PLUS) \
	X("raw_tracepoint.w", RAW_TRACEPOINT_WRITABLE, NONE, PLUS) \
	X("raw_tp.w", RAW_TRACEPOINT_WRITABLE, NONE, PLUS) \
 \
	/* BTF-attached tracing: the target is a kernel BTF name */ \
	X("tp_btf", TRACING, EBPF_TRACE_RAW_TP, PLUS | BTF | EXP) \
	X("fentry", TRACING, EBPF_TRACE_FENTRY, PLUS | BTF | EXP) \
	X("fmod_ret", TRACING, EBPF_MODIFY_RETURN, PLUS | BTF | EXP) \
	X("fexit", TRACING, EBPF_TRACE_FEXIT, PLUS | BTF | EXP) \
	X("fentry.s", TRACING, EBPF_TRACE_FENTRY, PLUS | BTF | EXP | SLEEP) \
	X("fmod_ret.s", TRACING, EBPF_MODIFY_RETURN, PLUS | BTF | EXP | SLEEP) \
	X("fexit.s", TRACING, EBPF_TRACE_FEXIT, PLUS | BTF | EXP | SLEEP) \
	X("freplace", EXT, NONE, PLUS | BTF) \
	X("lsm", LSM, EBPF_LSM_MAC, PLUS | BTF | EXP) \
	X("lsm.s", LSM, EBPF_LSM_MAC, PLUS | BTF | EXP | SLEEP) \
	X("lsm_cgroup", LSM, EBPF_LSM_CGROUP, PLUS | BTF | EXP) \
	X("iter", TRACING, EBPF_TRACE_ITER, PLUS | BTF | EXP) \
	X("iter.s", TRACING, EBPF_TRACE_ITER, PLUS | BTF | EXP | SLEEP) \
	X("syscall", SYSCALL, NONE, EXACT | SLEEP) \
 \
	/* XDP */ \
	X("xdp.frags/devmap", XDP, EBPF_XDP_DEVMAP, EXACT | EXP | FRAGS) \
	X("xdp/devmap", XDP, EBPF_XDP_DEVMAP, EXACT | EXP) \
	X("xdp.frags/cpumap", XDP, EBPF_XDP_CPUMAP, EXACT | EXP | FRAGS) \
	X("xdp/cpumap", XDP, EBPF_XDP_CPUMAP, EXACT | EXP) \
	X("xdp.frags", XDP, EBPF_XDP, EXACT | EXP | FRAGS) \
	X("xdp", XDP, EBPF_XDP, EXACT | EXP) \
 \
	X("perf_event", PERF_EVENT, NONE, EXACT) \
	X("lwt_in", LWT_IN, NONE, EXACT) \
	X("lwt_out", LWT_OUT, NONE, EXACT) \
	X("lwt_xmit", LWT_XMIT, NONE, EXACT) \
	X("lwt_seg6local", LWT_SEG6LOCAL, NONE, EXACT) \
 \
	/* sockets */ \
	X("sockops", SOCK_OPS, EBPF_CGROUP_SOCK_OPS, EXACT | EXP) \
	X("sk_skb/stream_parser", SK_SKB, EBPF_SK_SKB_STREAM_PARSER, EXACT | EXP) \
	X("sk_skb/stream_verdict", SK_SKB, EBPF_SK_SKB_STREAM_VERDICT, EXACT | EXP) \
	X("sk_skb/verdict", SK_SKB, EBPF_SK_SKB_VERDICT, EXACT | EXP) \
	X("sk_skb", SK_SKB, NONE, EXACT) \
	X("sk_msg", SK_MSG, EBPF_SK_MSG_VERDICT, EXACT | EXP) \
	X("lirc_mode2", LIRC_MODE2, EBPF_LIRC_MODE2, EXACT | EXP) \
	X("flow_dissector", FLOW_DISSECTOR, EBPF_FLOW_DISSECTOR, EXACT | EXP) \
	X("sk_lookup", SK_LOOKUP, EBPF_SK_LOOKUP, EXACT | EXP) \
	X("netfilter", NETFILTER, EBPF_NETFILTER, EXACT | EXP) \
 \
	/* cgroups */ \
	X("cgroup_skb/ingress", CGROUP_SKB, EBPF_CGROUP_INET_INGRESS, EXACT | EXP) \
	X("cgroup_skb/egress", CGROUP_SKB, EBPF_CGROUP_INET_EGRESS, EXACT | EXP) \
	X("cgroup/skb", CGROUP_SKB, NONE, EXACT) \
	X("cgroup/sock_create", CGROUP_SOCK, EBPF_CGROUP_INET_SOCK_CREATE, EXACT | EXP) \
	X("cgroup/sock_release", CGROUP_SOCK, EBPF_CGROUP_INET_SOCK_RELEASE, EXACT | EXP) \
	X("cgroup/sock", CGROUP_SOCK, EBPF_CGROUP_INET_SOCK_CREATE, EXACT | EXP) \
	X("cgroup/post_bind4", CGROUP_SOCK, EBPF_CGROUP_INET4_POST_BIND, EXACT | EXP) \
	X("cgroup/post_bind6", CGROUP_SOCK, EBPF_CGROUP_INET6_POST_BIND, EXACT | EXP) \
	X("cgroup/bind4", CGROUP_SOCK_ADDR, EBPF_CGROUP_INET4_BIND, EXACT | EXP) \
	X("cgroup/bind6", CGROUP_SOCK_ADDR, EBPF_CGROUP_INET6_BIND, EXACT | EXP) \
	X("cgroup/connect4", CGROUP_SOCK_ADDR, EBPF_CGROUP_INET4_CONNECT, EXACT | EXP) \
	X("cgroup/connect6", CGROUP_SOCK_ADDR, EBPF_CGROUP_INET6_CONNECT, EXACT | EXP) \
	X("cgroup/connect_unix", CGROUP_SOCK_ADDR, EBPF_CGROUP_UNIX_CONNECT, EXACT | EXP) \
	X("cgroup/sendmsg4", CGROUP_SOCK_ADDR, EBPF_CGROUP_UDP4_SENDMSG, EXACT | EXP) \
	X("cgroup/sendmsg6", CGROUP_SOCK_ADDR, EBPF_CGROUP_UDP6_SENDMSG, EXACT | EXP) \
	X("cgroup/sendmsg_unix", CGROUP_SOCK_ADDR, EBPF_CGROUP_UNIX_SENDMSG, EXACT | EXP) \
	X("cgroup/recvmsg4", CGROUP_SOCK_ADDR, EBPF_CGROUP_UDP4_RECVMSG, EXACT | EXP) \
	X("cgroup/recvmsg6", CGROUP_SOCK_ADDR, EBPF_CGROUP_UDP6_RECVMSG, EXACT | EXP) \
	X("cgroup/recvmsg_unix", CGROUP_SOCK_ADDR, EBPF_CGROUP_UNIX_RECVMSG, EXACT | EXP) \
	X("cgroup/getpeername4", CGROUP_SOCK_ADDR, EBPF_CGROUP_INET4_GETPEERNAME, EXACT | EXP) \
	X("cgroup/getpeername6", CGROUP_SOCK_ADDR, EBPF_CGROUP_INET6_GETPEERNAME, EXACT | EXP) \
	X("cgroup/getpeername_unix", CGROUP_SOCK_ADDR, EBPF_CGROUP_UNIX_GETPEERNAME, EXACT | EXP) \
	X("cgroup/getsockname4", CGROUP_SOCK_ADDR, EBPF_CGROUP_INET4_GETSOCKNAME, EXACT | EXP) \
	X("cgroup/getsockname6", CGROUP_SOCK_ADDR, EBPF_CGROUP_INET6_GETSOCKNAME, EXACT | EXP) \
	X("cgroup/getsockname_unix", CGROUP_SOCK_ADDR, EBPF_CGROUP_UNIX_GETSOCKNAME, EXACT | EXP) \
	X("cgroup/sysctl", CGROUP_SYSCTL, EBPF_CGROUP_SYSCTL, EXACT | EXP) \
	X("cgroup/getsockopt", CGROUP_SOCKOPT, EBPF_CGROUP_GETSOCKOPT, EXACT | EXP) \
	X("cgroup/setsockopt", CGROUP_SOCKOPT, EBPF_CGROUP_SETSOCKOPT, EXACT | EXP) \
	X("cgroup/dev", CGROUP_DEVICE, EBPF_CGROUP_DEVICE, EXACT | EXP) \
 \
	X("struct_ops", STRUCT_OPS, NONE, PLUS) \
	X("struct_ops.s", STRUCT_OPS, NONE, PLUS | SLEEP)

#define DEF(pfx, ptype, atype, fl) { pfx, EBPF_PROG_TYPE_##ptype, atype, fl },
#define FIRST(pfx, ptype, atype, fl) pfx[0],

static const struct eb_sec_def sec_defs[] = { SEC_DEFS(DEF) };
/*
 * Each rule's first character, in table order: a lookup finds the few rules
 * that can match with memchr instead of reading every rule's prefix.
 */
static const char sec_first[] = { SEC_DEFS(FIRST) };
#define TWO_CHARS(pfx, ptype, atype, fl) _Static_assert(sizeof(pfx) > 2, "prefix " pfx " is shorter than 2");
SEC_DEFS(TWO_CHARS)

static bool sec_def_matches(const struct eb_sec_def *d, const char *name, const char **target)
{
	size_t len;

	/*
	 * The caller found the first characters equal (sec_first); most rules
	 * sharing it differ in the second (every prefix has one), and are
	 * skipped without strlen/strncmp.
	 */
	if (name[1] != d->prefix[1])
		return false;
	len = strlen(d->prefix);
	if (strncmp(name, d->prefix, len) != 0)
		return false;
	if (d->flags & EB_SEC_EXACT) {
		*target = "";
		return name[len] == '\0';
	}
	if (name[len] == '/') {
		*target = name + len + 1;
		return true;
	}
	/* "prefix+" also accepts the bare prefix; "prefix/" insists on the slash. */
	*target = "";
	return name[len] == '\0' && (d->flags & EB_SEC_PLUS);
}

const struct eb_sec_def *eb_sec_def_find(const char *sec_name, const char **target)
{
	const char *unused;

	if (!target)
		target = &unused;
	*target = "";
	if (!sec_name)
		return NULL;
	for (const char *p = sec_first; (p = memchr(p, sec_name[0], sizeof(sec_first) - (size_t)(p - sec_first)));
	     p++) {
		const struct eb_sec_def *d = &sec_defs[p - sec_first];

		if (sec_def_matches(d, sec_name, target))
			return d;
	}
	*target = "";
	return NULL;
}
