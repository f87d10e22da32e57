/* The SEC() name table: every prefix family, the matching rules, and the names of types. */
#include "testutil.h"
#include "lib/spec.h"

#define NONE EBPF_ATTACH_TYPE_NONE
#define SL EB_SEC_SLEEPABLE
#define FR EB_SEC_XDP_FRAGS

struct sec_case {
	const char *name;
	enum ebpf_prog_type type;	/* UNSPEC: must not match */
	enum ebpf_attach_type attach;
	uint32_t flags;			/* the SLEEPABLE / XDP_FRAGS bits expected */
	const char *target;
};

#define T(n, ty, at, fl, tg) { n, EBPF_PROG_TYPE_##ty, at, fl, tg }

static const struct sec_case cases[] = {
	T("socket", SOCKET_FILTER, NONE, 0, ""),
	T("sk_reuseport", SK_REUSEPORT, EBPF_SK_REUSEPORT_SELECT, 0, ""),
	T("sk_reuseport/migrate", SK_REUSEPORT, EBPF_SK_REUSEPORT_SELECT_OR_MIGRATE, 0, ""),
	/* kprobe family: bare prefix, or prefix/target */
	T("kprobe", KPROBE, NONE, 0, ""),
	T("kprobe/do_unlinkat", KPROBE, NONE, 0, "do_unlinkat"),
	T("kretprobe/do_unlinkat", KPROBE, NONE, 0, "do_unlinkat"),
	T("uprobe//bin/bash:readline", KPROBE, NONE, 0, "/bin/bash:readline"),
	T("uprobe.s/libc.so.6:malloc", KPROBE, NONE, SL, "libc.so.6:malloc"),
	T("uretprobe", KPROBE, NONE, 0, ""),
	T("uretprobe.s", KPROBE, NONE, SL, ""),
	T("kprobe.multi/vfs_*", KPROBE, EBPF_TRACE_KPROBE_MULTI, 0, "vfs_*"),
	T("kretprobe.multi/vfs_*", KPROBE, EBPF_TRACE_KPROBE_MULTI, 0, "vfs_*"),
	T("kprobe.session/x", KPROBE, EBPF_TRACE_KPROBE_SESSION, 0, "x"),
	T("uprobe.multi/bin:f*", KPROBE, EBPF_TRACE_UPROBE_MULTI, 0, "bin:f*"),
	T("uretprobe.multi", KPROBE, EBPF_TRACE_UPROBE_MULTI, 0, ""),
	T("uprobe.multi.s/x", KPROBE, EBPF_TRACE_UPROBE_MULTI, SL, "x"),
	T("uretprobe.multi.s", KPROBE, EBPF_TRACE_UPROBE_MULTI, SL, ""),
	T("uprobe.session/x", KPROBE, EBPF_TRACE_UPROBE_SESSION, 0, "x"),
	T("ksyscall/openat", KPROBE, NONE, 0, "openat"),
	T("kretsyscall/openat", KPROBE, NONE, 0, "openat"),
	T("usdt/libc:probe", KPROBE, NONE, 0, "libc:probe"),
	T("usdt.s", KPROBE, NONE, SL, ""),
	/* tc, tcx, netkit */
	T("tc", SCHED_CLS, NONE, 0, ""),
	T("classifier", SCHED_CLS, NONE, 0, ""),
	T("action", SCHED_ACT, NONE, 0, ""),
	T("tc/ingress", SCHED_CLS, EBPF_TCX_INGRESS, 0, ""),
	T("tc/egress", SCHED_CLS, EBPF_TCX_EGRESS, 0, ""),
	T("tcx/ingress", SCHED_CLS, EBPF_TCX_INGRESS, 0, ""),
	T("tcx/egress", SCHED_CLS, EBPF_TCX_EGRESS, 0, ""),
	T("netkit/primary", SCHED_CLS, EBPF_NETKIT_PRIMARY, 0, ""),
	T("netkit/peer", SCHED_CLS, EBPF_NETKIT_PEER, 0, ""),
	/* tracepoints */
	T("tracepoint/sched/sched_switch", TRACEPOINT, NONE, 0, "sched/sched_switch"),
	T("tp/syscalls/sys_enter_openat", TRACEPOINT, NONE, 0, "syscalls/sys_enter_openat"),
	T("tp", TRACEPOINT, NONE, 0, ""),
	T("raw_tracepoint/sched_switch", RAW_TRACEPOINT, NONE, 0, "sched_switch"),
	T("raw_tp/sys_enter", RAW_TRACEPOINT, NONE, 0, "sys_enter"),
	T("raw_tracepoint.w/x", RAW_TRACEPOINT_WRITABLE, NONE, 0, "x"),
	T("raw_tp.w/x", RAW_TRACEPOINT_WRITABLE, NONE, 0, "x"),
	T("tp_btf/sched_switch", TRACING, EBPF_TRACE_RAW_TP, 0, "sched_switch"),
	/* trampolines, lsm, iter */
	T("fentry/do_unlinkat", TRACING, EBPF_TRACE_FENTRY, 0, "do_unlinkat"),
	T("fexit/do_unlinkat", TRACING, EBPF_TRACE_FEXIT, 0, "do_unlinkat"),
	T("fmod_ret/x", TRACING, EBPF_MODIFY_RETURN, 0, "x"),
	T("fentry.s/x", TRACING, EBPF_TRACE_FENTRY, SL, "x"),
	T("fexit.s/x", TRACING, EBPF_TRACE_FEXIT, SL, "x"),
	T("fmod_ret.s/x", TRACING, EBPF_MODIFY_RETURN, SL, "x"),
	T("freplace/handler", EXT, NONE, 0, "handler"),
	T("lsm/file_open", LSM, EBPF_LSM_MAC, 0, "file_open"),
	T("lsm.s/file_open", LSM, EBPF_LSM_MAC, SL, "file_open"),
	T("lsm_cgroup/socket_bind", LSM, EBPF_LSM_CGROUP, 0, "socket_bind"),
	T("iter/task", TRACING, EBPF_TRACE_ITER, 0, "task"),
	T("iter.s/task", TRACING, EBPF_TRACE_ITER, SL, "task"),
	T("syscall", SYSCALL, NONE, SL, ""),
	/* xdp */
	T("xdp", XDP, EBPF_XDP, 0, ""),
	T("xdp.frags", XDP, EBPF_XDP, FR, ""),
	T("xdp/devmap", XDP, EBPF_XDP_DEVMAP, 0, ""),
	T("xdp.frags/devmap", XDP, EBPF_XDP_DEVMAP, FR, ""),
	T("xdp/cpumap", XDP, EBPF_XDP_CPUMAP, 0, ""),
	T("xdp.frags/cpumap", XDP, EBPF_XDP_CPUMAP, FR, ""),
	T("perf_event", PERF_EVENT, NONE, 0, ""),
	T("lwt_in", LWT_IN, NONE, 0, ""),
	T("lwt_out", LWT_OUT, NONE, 0, ""),
	T("lwt_xmit", LWT_XMIT, NONE, 0, ""),
	T("lwt_seg6local", LWT_SEG6LOCAL, NONE, 0, ""),
	/* sockets and cgroups */
	T("sockops", SOCK_OPS, EBPF_CGROUP_SOCK_OPS, 0, ""),
	T("sk_skb", SK_SKB, NONE, 0, ""),
	T("sk_skb/stream_parser", SK_SKB, EBPF_SK_SKB_STREAM_PARSER, 0, ""),
	T("sk_skb/stream_verdict", SK_SKB, EBPF_SK_SKB_STREAM_VERDICT, 0, ""),
	T("sk_skb/verdict", SK_SKB, EBPF_SK_SKB_VERDICT, 0, ""),
	T("sk_msg", SK_MSG, EBPF_SK_MSG_VERDICT, 0, ""),
	T("sk_lookup", SK_LOOKUP, EBPF_SK_LOOKUP, 0, ""),
	T("lirc_mode2", LIRC_MODE2, EBPF_LIRC_MODE2, 0, ""),
	T("flow_dissector", FLOW_DISSECTOR, EBPF_FLOW_DISSECTOR, 0, ""),
	T("netfilter", NETFILTER, EBPF_NETFILTER, 0, ""),
	T("cgroup_skb/ingress", CGROUP_SKB, EBPF_CGROUP_INET_INGRESS, 0, ""),
	T("cgroup_skb/egress", CGROUP_SKB, EBPF_CGROUP_INET_EGRESS, 0, ""),
	T("cgroup/skb", CGROUP_SKB, NONE, 0, ""),
	T("cgroup/sock", CGROUP_SOCK, EBPF_CGROUP_INET_SOCK_CREATE, 0, ""),
	T("cgroup/sock_create", CGROUP_SOCK, EBPF_CGROUP_INET_SOCK_CREATE, 0, ""),
	T("cgroup/sock_release", CGROUP_SOCK, EBPF_CGROUP_INET_SOCK_RELEASE, 0, ""),
	T("cgroup/post_bind4", CGROUP_SOCK, EBPF_CGROUP_INET4_POST_BIND, 0, ""),
	T("cgroup/post_bind6", CGROUP_SOCK, EBPF_CGROUP_INET6_POST_BIND, 0, ""),
	T("cgroup/bind4", CGROUP_SOCK_ADDR, EBPF_CGROUP_INET4_BIND, 0, ""),
	T("cgroup/bind6", CGROUP_SOCK_ADDR, EBPF_CGROUP_INET6_BIND, 0, ""),
	T("cgroup/connect4", CGROUP_SOCK_ADDR, EBPF_CGROUP_INET4_CONNECT, 0, ""),
	T("cgroup/connect6", CGROUP_SOCK_ADDR, EBPF_CGROUP_INET6_CONNECT, 0, ""),
	T("cgroup/connect_unix", CGROUP_SOCK_ADDR, EBPF_CGROUP_UNIX_CONNECT, 0, ""),
	T("cgroup/sendmsg4", CGROUP_SOCK_ADDR, EBPF_CGROUP_UDP4_SENDMSG, 0, ""),
	T("cgroup/sendmsg6", CGROUP_SOCK_ADDR, EBPF_CGROUP_UDP6_SENDMSG, 0, ""),
	T("cgroup/sendmsg_unix", CGROUP_SOCK_ADDR, EBPF_CGROUP_UNIX_SENDMSG, 0, ""),
	T("cgroup/recvmsg4", CGROUP_SOCK_ADDR, EBPF_CGROUP_UDP4_RECVMSG, 0, ""),
	T("cgroup/recvmsg6", CGROUP_SOCK_ADDR, EBPF_CGROUP_UDP6_RECVMSG, 0, ""),
	T("cgroup/recvmsg_unix", CGROUP_SOCK_ADDR, EBPF_CGROUP_UNIX_RECVMSG, 0, ""),
	T("cgroup/getpeername4", CGROUP_SOCK_ADDR, EBPF_CGROUP_INET4_GETPEERNAME, 0, ""),
	T("cgroup/getpeername6", CGROUP_SOCK_ADDR, EBPF_CGROUP_INET6_GETPEERNAME, 0, ""),
	T("cgroup/getpeername_unix", CGROUP_SOCK_ADDR, EBPF_CGROUP_UNIX_GETPEERNAME, 0, ""),
	T("cgroup/getsockname4", CGROUP_SOCK_ADDR, EBPF_CGROUP_INET4_GETSOCKNAME, 0, ""),
	T("cgroup/getsockname6", CGROUP_SOCK_ADDR, EBPF_CGROUP_INET6_GETSOCKNAME, 0, ""),
	T("cgroup/getsockname_unix", CGROUP_SOCK_ADDR, EBPF_CGROUP_UNIX_GETSOCKNAME, 0, ""),
	T("cgroup/sysctl", CGROUP_SYSCTL, EBPF_CGROUP_SYSCTL, 0, ""),
	T("cgroup/getsockopt", CGROUP_SOCKOPT, EBPF_CGROUP_GETSOCKOPT, 0, ""),
	T("cgroup/setsockopt", CGROUP_SOCKOPT, EBPF_CGROUP_SETSOCKOPT, 0, ""),
	T("cgroup/dev", CGROUP_DEVICE, EBPF_CGROUP_DEVICE, 0, ""),
	T("struct_ops/tcp_init", STRUCT_OPS, NONE, 0, "tcp_init"),
	T("struct_ops.s/x", STRUCT_OPS, NONE, SL, "x"),
	T("struct_ops", STRUCT_OPS, NONE, 0, ""),
};

/* Names no rule may match: exact rules take no suffix, '+' rules need a '/'. */
static const char *const unknown[] = {
	"socket1", "socket/x", "xdp/foo", "xdp_prog", "syscall/x", "tcx", "tc/other", "kprobex",
	"kprobe.foo", "tp_btfx", "fentryx/y", ".text", "", "cgroup/", "cgroup/unknown", "lsm.sx/y",
	"sk_skb/other", "uprobe.multi.x", "?xdp",
};

START_TEST(test_every_prefix)
{
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		const struct sec_case *c = &cases[i];
		const char *target = "unset";
		const struct eb_sec_def *d = eb_sec_def_find(c->name, &target);

		ck_assert_msg(d != NULL, "section '%s' has no rule", c->name);
		ck_assert_msg(d->type == c->type, "'%s': type %s, want %s", c->name, eb_prog_type_name(d->type),
			      eb_prog_type_name(c->type));
		ck_assert_msg(d->attach_type == c->attach, "'%s': attach %s, want %s", c->name,
			      eb_attach_type_name(d->attach_type), eb_attach_type_name(c->attach));
		ck_assert_msg((d->flags & (SL | FR)) == c->flags, "'%s': flags 0x%x", c->name, d->flags);
		ck_assert_msg(strcmp(target, c->target) == 0, "'%s': target '%s', want '%s'", c->name, target,
			      c->target);
	}
}
END_TEST

START_TEST(test_unknown_sections)
{
	for (size_t i = 0; i < sizeof(unknown) / sizeof(unknown[0]); i++) {
		const char *target = "unset";

		ck_assert_msg(eb_sec_def_find(unknown[i], &target) == NULL, "'%s' matched a rule", unknown[i]);
		ck_assert_str_eq(target, "");
	}
	ck_assert_ptr_null(eb_sec_def_find(NULL, NULL));
}
END_TEST

START_TEST(test_btf_attach_flags)
{
	/* Trampoline-style programs need a kernel BTF id; kprobes do not. */
	ck_assert(eb_sec_def_find("fentry/x", NULL)->flags & EB_SEC_ATTACH_BTF);
	ck_assert(eb_sec_def_find("tp_btf/x", NULL)->flags & EB_SEC_ATTACH_BTF);
	ck_assert(eb_sec_def_find("iter/task", NULL)->flags & EB_SEC_ATTACH_BTF);
	ck_assert(!(eb_sec_def_find("kprobe/x", NULL)->flags & EB_SEC_ATTACH_BTF));
	ck_assert(eb_sec_def_find("cgroup/connect4", NULL)->flags & EB_SEC_EXP_ATTACH);
	ck_assert(!(eb_sec_def_find("socket", NULL)->flags & EB_SEC_EXP_ATTACH));
}
END_TEST

START_TEST(test_type_names)
{
	ck_assert_str_eq(eb_prog_type_name(EBPF_PROG_TYPE_KPROBE), "kprobe");
	ck_assert_str_eq(eb_prog_type_name(EBPF_PROG_TYPE_NETFILTER), "netfilter");
	ck_assert_str_eq(eb_prog_type_name((enum ebpf_prog_type)999), "unknown");
	ck_assert_str_eq(eb_prog_type_name((enum ebpf_prog_type)-5), "unknown");
	ck_assert_str_eq(eb_map_type_name(EBPF_MAP_TYPE_HASH), "hash");
	ck_assert_str_eq(eb_map_type_name(EBPF_MAP_TYPE_ARENA), "arena");
	ck_assert_str_eq(eb_map_type_name(EBPF_MAP_TYPE_MAX), "unknown");
	ck_assert_str_eq(eb_attach_type_name(EBPF_TRACE_UPROBE_MULTI), "trace_uprobe_multi");
	ck_assert_str_eq(eb_attach_type_name(EBPF_CGROUP_INET_INGRESS), "cgroup_inet_ingress");
	ck_assert_str_eq(eb_attach_type_name(EBPF_ATTACH_TYPE_NONE), "none");
	ck_assert_str_eq(eb_attach_type_name(EBPF_ATTACH_TYPE_MAX), "unknown");
	/* Every value below MAX has a name. */
	for (int i = 0; i < EBPF_PROG_TYPE_MAX; i++)
		ck_assert_str_ne(eb_prog_type_name((enum ebpf_prog_type)i), "unknown");
	for (int i = 0; i < EBPF_MAP_TYPE_MAX; i++)
		ck_assert_str_ne(eb_map_type_name((enum ebpf_map_type)i), "unknown");
	for (int i = 0; i < EBPF_ATTACH_TYPE_MAX; i++)
		ck_assert_str_ne(eb_attach_type_name((enum ebpf_attach_type)i), "unknown");
}
END_TEST

Suite *suite_spec_sections(void)
{
	Suite *s = suite_create("spec_sections");
	TCase *tc = test_tcase("sections");

	tcase_add_test(tc, test_every_prefix);
	tcase_add_test(tc, test_unknown_sections);
	tcase_add_test(tc, test_btf_attach_flags);
	tcase_add_test(tc, test_type_names);
	suite_add_tcase(s, tc);
	return s;
}
