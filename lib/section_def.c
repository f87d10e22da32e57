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

#define DEF(pfx, ptype, atype, fl) { pfx, EBPF_PROG_TYPE_##ptype, atype, fl }

static const struct eb_sec_def sec_defs[] = {
	DEF("socket", SOCKET_FILTER, NONE, EXACT),
	DEF("sk_reuseport/migrate", SK_REUSEPORT, EBPF_SK_REUSEPORT_SELECT_OR_MIGRATE, EXACT | EXP),
	DEF("sk_reuseport", SK_REUSEPORT, EBPF_SK_REUSEPORT_SELECT, EXACT | EXP),

	/* kprobes, uprobes and their multi / session / syscall / usdt flavours */
	DEF("kprobe", KPROBE, NONE, PLUS),
	DEF("kretprobe", KPROBE, NONE, PLUS),
	DEF("uprobe", KPROBE, NONE, PLUS),
	DEF("uprobe.s", KPROBE, NONE, PLUS | SLEEP),
	DEF("uretprobe", KPROBE, NONE, PLUS),
	DEF("uretprobe.s", KPROBE, NONE, PLUS | SLEEP),
	DEF("kprobe.multi", KPROBE, EBPF_TRACE_KPROBE_MULTI, PLUS | EXP),
	DEF("kretprobe.multi", KPROBE, EBPF_TRACE_KPROBE_MULTI, PLUS | EXP),
	DEF("kprobe.session", KPROBE, EBPF_TRACE_KPROBE_SESSION, PLUS | EXP),
	DEF("uprobe.multi", KPROBE, EBPF_TRACE_UPROBE_MULTI, PLUS | EXP),
	DEF("uretprobe.multi", KPROBE, EBPF_TRACE_UPROBE_MULTI, PLUS | EXP),
	DEF("uprobe.multi.s", KPROBE, EBPF_TRACE_UPROBE_MULTI, PLUS | EXP | SLEEP),
	DEF("uretprobe.multi.s", KPROBE, EBPF_TRACE_UPROBE_MULTI, PLUS | EXP | SLEEP),
	DEF("uprobe.session", KPROBE, EBPF_TRACE_UPROBE_SESSION, PLUS | EXP),
	DEF("uprobe.session.s", KPROBE, EBPF_TRACE_UPROBE_SESSION, PLUS | EXP | SLEEP),
	DEF("ksyscall", KPROBE, NONE, PLUS),
	DEF("kretsyscall", KPROBE, NONE, PLUS),
	DEF("usdt", KPROBE, NONE, PLUS),
	DEF("usdt.s", KPROBE, NONE, PLUS | SLEEP),

	/* traffic control: tc/ingress and tc/egress are aliases of tcx */
	DEF("tc/ingress", SCHED_CLS, EBPF_TCX_INGRESS, EXACT | EXP),
	DEF("tc/egress", SCHED_CLS, EBPF_TCX_EGRESS, EXACT | EXP),
	DEF("tcx/ingress", SCHED_CLS, EBPF_TCX_INGRESS, EXACT | EXP),
	DEF("tcx/egress", SCHED_CLS, EBPF_TCX_EGRESS, EXACT | EXP),
	DEF("netkit/primary", SCHED_CLS, EBPF_NETKIT_PRIMARY, EXACT | EXP),
	DEF("netkit/peer", SCHED_CLS, EBPF_NETKIT_PEER, EXACT | EXP),
	DEF("tc", SCHED_CLS, NONE, EXACT),
	DEF("classifier", SCHED_CLS, NONE, EXACT),
	DEF("action", SCHED_ACT, NONE, EXACT),

	/* tracepoints */
	DEF("tracepoint", TRACEPOINT, NONE, PLUS),
	DEF("tp", TRACEPOINT, NONE, PLUS),
	DEF("raw_tracepoint", RAW_TRACEPOINT, NONE, PLUS),
	DEF("raw_tp", RAW_TRACEPOINT, NONE, PLUS),
	DEF("raw_tracepoint.w", RAW_TRACEPOINT_WRITABLE, NONE, PLUS),
	DEF("raw_tp.w", RAW_TRACEPOINT_WRITABLE, NONE, PLUS),

	/* BTF-attached tracing: the target is a kernel BTF name */
	DEF("tp_btf", TRACING, EBPF_TRACE_RAW_TP, PLUS | BTF | EXP),
	DEF("fentry", TRACING, EBPF_TRACE_FENTRY, PLUS | BTF | EXP),
	DEF("fmod_ret", TRACING, EBPF_MODIFY_RETURN, PLUS | BTF | EXP),
	DEF("fexit", TRACING, EBPF_TRACE_FEXIT, PLUS | BTF | EXP),
	DEF("fentry.s", TRACING, EBPF_TRACE_FENTRY, PLUS | BTF | EXP | SLEEP),
	DEF("fmod_ret.s", TRACING, EBPF_MODIFY_RETURN, PLUS | BTF | EXP | SLEEP),
	DEF("fexit.s", TRACING, EBPF_TRACE_FEXIT, PLUS | BTF | EXP | SLEEP),
	DEF("freplace", EXT, NONE, PLUS | BTF),
	DEF("lsm", LSM, EBPF_LSM_MAC, PLUS | BTF | EXP),
	DEF("lsm.s", LSM, EBPF_LSM_MAC, PLUS | BTF | EXP | SLEEP),
	DEF("lsm_cgroup", LSM, EBPF_LSM_CGROUP, PLUS | BTF | EXP),
	DEF("iter", TRACING, EBPF_TRACE_ITER, PLUS | BTF | EXP),
	DEF("iter.s", TRACING, EBPF_TRACE_ITER, PLUS | BTF | EXP | SLEEP),
	DEF("syscall", SYSCALL, NONE, EXACT | SLEEP),

	/* XDP */
	DEF("xdp.frags/devmap", XDP, EBPF_XDP_DEVMAP, EXACT | EXP | FRAGS),
	DEF("xdp/devmap", XDP, EBPF_XDP_DEVMAP, EXACT | EXP),
	DEF("xdp.frags/cpumap", XDP, EBPF_XDP_CPUMAP, EXACT | EXP | FRAGS),
	DEF("xdp/cpumap", XDP, EBPF_XDP_CPUMAP, EXACT | EXP),
	DEF("xdp.frags", XDP, EBPF_XDP, EXACT | EXP | FRAGS),
	DEF("xdp", XDP, EBPF_XDP, EXACT | EXP),

	DEF("perf_event", PERF_EVENT, NONE, EXACT),
	DEF("lwt_in", LWT_IN, NONE, EXACT),
	DEF("lwt_out", LWT_OUT, NONE, EXACT),
	DEF("lwt_xmit", LWT_XMIT, NONE, EXACT),
	DEF("lwt_seg6local", LWT_SEG6LOCAL, NONE, EXACT),

	/* sockets */
	DEF("sockops", SOCK_OPS, EBPF_CGROUP_SOCK_OPS, EXACT | EXP),
	DEF("sk_skb/stream_parser", SK_SKB, EBPF_SK_SKB_STREAM_PARSER, EXACT | EXP),
	DEF("sk_skb/stream_verdict", SK_SKB, EBPF_SK_SKB_STREAM_VERDICT, EXACT | EXP),
	DEF("sk_skb/verdict", SK_SKB, EBPF_SK_SKB_VERDICT, EXACT | EXP),
	DEF("sk_skb", SK_SKB, NONE, EXACT),
	DEF("sk_msg", SK_MSG, EBPF_SK_MSG_VERDICT, EXACT | EXP),
	DEF("lirc_mode2", LIRC_MODE2, EBPF_LIRC_MODE2, EXACT | EXP),
	DEF("flow_dissector", FLOW_DISSECTOR, EBPF_FLOW_DISSECTOR, EXACT | EXP),
	DEF("sk_lookup", SK_LOOKUP, EBPF_SK_LOOKUP, EXACT | EXP),
	DEF("netfilter", NETFILTER, EBPF_NETFILTER, EXACT | EXP),

	/* cgroups */
	DEF("cgroup_skb/ingress", CGROUP_SKB, EBPF_CGROUP_INET_INGRESS, EXACT | EXP),
	DEF("cgroup_skb/egress", CGROUP_SKB, EBPF_CGROUP_INET_EGRESS, EXACT | EXP),
	DEF("cgroup/skb", CGROUP_SKB, NONE, EXACT),
	DEF("cgroup/sock_create", CGROUP_SOCK, EBPF_CGROUP_INET_SOCK_CREATE, EXACT | EXP),
	DEF("cgroup/sock_release", CGROUP_SOCK, EBPF_CGROUP_INET_SOCK_RELEASE, EXACT | EXP),
	DEF("cgroup/sock", CGROUP_SOCK, EBPF_CGROUP_INET_SOCK_CREATE, EXACT | EXP),
	DEF("cgroup/post_bind4", CGROUP_SOCK, EBPF_CGROUP_INET4_POST_BIND, EXACT | EXP),
	DEF("cgroup/post_bind6", CGROUP_SOCK, EBPF_CGROUP_INET6_POST_BIND, EXACT | EXP),
	DEF("cgroup/bind4", CGROUP_SOCK_ADDR, EBPF_CGROUP_INET4_BIND, EXACT | EXP),
	DEF("cgroup/bind6", CGROUP_SOCK_ADDR, EBPF_CGROUP_INET6_BIND, EXACT | EXP),
	DEF("cgroup/connect4", CGROUP_SOCK_ADDR, EBPF_CGROUP_INET4_CONNECT, EXACT | EXP),
	DEF("cgroup/connect6", CGROUP_SOCK_ADDR, EBPF_CGROUP_INET6_CONNECT, EXACT | EXP),
	DEF("cgroup/connect_unix", CGROUP_SOCK_ADDR, EBPF_CGROUP_UNIX_CONNECT, EXACT | EXP),
	DEF("cgroup/sendmsg4", CGROUP_SOCK_ADDR, EBPF_CGROUP_UDP4_SENDMSG, EXACT | EXP),
	DEF("cgroup/sendmsg6", CGROUP_SOCK_ADDR, EBPF_CGROUP_UDP6_SENDMSG, EXACT | EXP),
	DEF("cgroup/sendmsg_unix", CGROUP_SOCK_ADDR, EBPF_CGROUP_UNIX_SENDMSG, EXACT | EXP),
	DEF("cgroup/recvmsg4", CGROUP_SOCK_ADDR, EBPF_CGROUP_UDP4_RECVMSG, EXACT | EXP),
	DEF("cgroup/recvmsg6", CGROUP_SOCK_ADDR, EBPF_CGROUP_UDP6_RECVMSG, EXACT | EXP),
	DEF("cgroup/recvmsg_unix", CGROUP_SOCK_ADDR, EBPF_CGROUP_UNIX_RECVMSG, EXACT | EXP),
	DEF("cgroup/getpeername4", CGROUP_SOCK_ADDR, EBPF_CGROUP_INET4_GETPEERNAME, EXACT | EXP),
	DEF("cgroup/getpeername6", CGROUP_SOCK_ADDR, EBPF_CGROUP_INET6_GETPEERNAME, EXACT | EXP),
	DEF("cgroup/getpeername_unix", CGROUP_SOCK_ADDR, EBPF_CGROUP_UNIX_GETPEERNAME, EXACT | EXP),
	DEF("cgroup/getsockname4", CGROUP_SOCK_ADDR, EBPF_CGROUP_INET4_GETSOCKNAME, EXACT | EXP),
	DEF("cgroup/getsockname6", CGROUP_SOCK_ADDR, EBPF_CGROUP_INET6_GETSOCKNAME, EXACT | EXP),
	DEF("cgroup/getsockname_unix", CGROUP_SOCK_ADDR, EBPF_CGROUP_UNIX_GETSOCKNAME, EXACT | EXP),
	DEF("cgroup/sysctl", CGROUP_SYSCTL, EBPF_CGROUP_SYSCTL, EXACT | EXP),
	DEF("cgroup/getsockopt", CGROUP_SOCKOPT, EBPF_CGROUP_GETSOCKOPT, EXACT | EXP),
	DEF("cgroup/setsockopt", CGROUP_SOCKOPT, EBPF_CGROUP_SETSOCKOPT, EXACT | EXP),
	DEF("cgroup/dev", CGROUP_DEVICE, EBPF_CGROUP_DEVICE, EXACT | EXP),

	DEF("struct_ops", STRUCT_OPS, NONE, PLUS),
	DEF("struct_ops.s", STRUCT_OPS, NONE, PLUS | SLEEP),
};

static bool sec_def_matches(const struct eb_sec_def *d, const char *name, const char **target)
{
	size_t len;

	/* Most entries differ in the first character: skip them without strlen/strncmp. */
	if (name[0] != d->prefix[0])
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
	for (size_t i = 0; i < sizeof(sec_defs) / sizeof(sec_defs[0]); i++) {
		if (sec_def_matches(&sec_defs[i], sec_name, target))
			return &sec_defs[i];
	}
	*target = "";
	return NULL;
}
