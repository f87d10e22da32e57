// SPDX-License-Identifier: BSD-2-Clause
/* Human names of program, map and attach types, for error messages and tools. */
#include <stddef.h>

#include "lib/spec.h"

#define NAME(idx, str) [idx] = str
#define ARRAY_LEN(a) (sizeof(a) / sizeof((a)[0]))

static const char *const prog_type_names[] = {
	NAME(EBPF_PROG_TYPE_UNSPEC, "unspec"),
	NAME(EBPF_PROG_TYPE_SOCKET_FILTER, "socket_filter"),
	NAME(EBPF_PROG_TYPE_KPROBE, "kprobe"),
	NAME(EBPF_PROG_TYPE_SCHED_CLS, "sched_cls"),
	NAME(EBPF_PROG_TYPE_SCHED_ACT, "sched_act"),
	NAME(EBPF_PROG_TYPE_TRACEPOINT, "tracepoint"),
	NAME(EBPF_PROG_TYPE_XDP, "xdp"),
	NAME(EBPF_PROG_TYPE_PERF_EVENT, "perf_event"),
	NAME(EBPF_PROG_TYPE_CGROUP_SKB, "cgroup_skb"),
	NAME(EBPF_PROG_TYPE_CGROUP_SOCK, "cgroup_sock"),
	NAME(EBPF_PROG_TYPE_LWT_IN, "lwt_in"),
	NAME(EBPF_PROG_TYPE_LWT_OUT, "lwt_out"),
	NAME(EBPF_PROG_TYPE_LWT_XMIT, "lwt_xmit"),
	NAME(EBPF_PROG_TYPE_SOCK_OPS, "sock_ops"),
	NAME(EBPF_PROG_TYPE_SK_SKB, "sk_skb"),
	NAME(EBPF_PROG_TYPE_CGROUP_DEVICE, "cgroup_device"),
	NAME(EBPF_PROG_TYPE_SK_MSG, "sk_msg"),
	NAME(EBPF_PROG_TYPE_RAW_TRACEPOINT, "raw_tracepoint"),
	NAME(EBPF_PROG_TYPE_CGROUP_SOCK_ADDR, "cgroup_sock_addr"),
	NAME(EBPF_PROG_TYPE_LWT_SEG6LOCAL, "lwt_seg6local"),
	NAME(EBPF_PROG_TYPE_LIRC_MODE2, "lirc_mode2"),
	NAME(EBPF_PROG_TYPE_SK_REUSEPORT, "sk_reuseport"),
	NAME(EBPF_PROG_TYPE_FLOW_DISSECTOR, "flow_dissector"),
	NAME(EBPF_PROG_TYPE_CGROUP_SYSCTL, "cgroup_sysctl"),
	NAME(EBPF_PROG_TYPE_RAW_TRACEPOINT_WRITABLE, "raw_tracepoint_writable"),
	NAME(EBPF_PROG_TYPE_CGROUP_SOCKOPT, "cgroup_sockopt"),
	NAME(EBPF_PROG_TYPE_TRACING, "tracing"),
	NAME(EBPF_PROG_TYPE_STRUCT_OPS, "struct_ops"),
	NAME(EBPF_PROG_TYPE_EXT, "ext"),
	NAME(EBPF_PROG_TYPE_LSM, "lsm"),
	NAME(EBPF_PROG_TYPE_SK_LOOKUP, "sk_lookup"),
	NAME(EBPF_PROG_TYPE_SYSCALL, "syscall"),
	NAME(EBPF_PROG_TYPE_NETFILTER, "netfilter"),
};

static const char *const map_type_names[] = {
	NAME(EBPF_MAP_TYPE_UNSPEC, "unspec"),
	NAME(EBPF_MAP_TYPE_HASH, "hash"),
	NAME(EBPF_MAP_TYPE_ARRAY, "array"),
	NAME(EBPF_MAP_TYPE_PROG_ARRAY, "prog_array"),
	NAME(EBPF_MAP_TYPE_PERF_EVENT_ARRAY, "perf_event_array"),
	NAME(EBPF_MAP_TYPE_PERCPU_HASH, "percpu_hash"),
	NAME(EBPF_MAP_TYPE_PERCPU_ARRAY, "percpu_array"),
	NAME(EBPF_MAP_TYPE_STACK_TRACE, "stack_trace"),
	NAME(EBPF_MAP_TYPE_CGROUP_ARRAY, "cgroup_array"),
	NAME(EBPF_MAP_TYPE_LRU_HASH, "lru_hash"),
	NAME(EBPF_MAP_TYPE_LRU_PERCPU_HASH, "lru_percpu_hash"),
	NAME(EBPF_MAP_TYPE_LPM_TRIE, "lpm_trie"),
	NAME(EBPF_MAP_TYPE_ARRAY_OF_MAPS, "array_of_maps"),
	NAME(EBPF_MAP_TYPE_HASH_OF_MAPS, "hash_of_maps"),
	NAME(EBPF_MAP_TYPE_DEVMAP, "devmap"),
	NAME(EBPF_MAP_TYPE_SOCKMAP, "sockmap"),
	NAME(EBPF_MAP_TYPE_CPUMAP, "cpumap"),
	NAME(EBPF_MAP_TYPE_XSKMAP, "xskmap"),
	NAME(EBPF_MAP_TYPE_SOCKHASH, "sockhash"),
	NAME(EBPF_MAP_TYPE_CGROUP_STORAGE, "cgroup_storage"),
	NAME(EBPF_MAP_TYPE_REUSEPORT_SOCKARRAY, "reuseport_sockarray"),
	NAME(EBPF_MAP_TYPE_PERCPU_CGROUP_STORAGE, "percpu_cgroup_storage"),
	NAME(EBPF_MAP_TYPE_QUEUE, "queue"),
	NAME(EBPF_MAP_TYPE_STACK, "stack"),
	NAME(EBPF_MAP_TYPE_SK_STORAGE, "sk_storage"),
	NAME(EBPF_MAP_TYPE_DEVMAP_HASH, "devmap_hash"),
	NAME(EBPF_MAP_TYPE_STRUCT_OPS, "struct_ops"),
	NAME(EBPF_MAP_TYPE_RINGBUF, "ringbuf"),
	NAME(EBPF_MAP_TYPE_INODE_STORAGE, "inode_storage"),
	NAME(EBPF_MAP_TYPE_TASK_STORAGE, "task_storage"),
	NAME(EBPF_MAP_TYPE_BLOOM_FILTER, "bloom_filter"),
	NAME(EBPF_MAP_TYPE_USER_RINGBUF, "user_ringbuf"),
	NAME(EBPF_MAP_TYPE_CGRP_STORAGE, "cgrp_storage"),
	NAME(EBPF_MAP_TYPE_ARENA, "arena"),
};

static const char *const attach_type_names[] = {
	NAME(EBPF_CGROUP_INET_INGRESS, "cgroup_inet_ingress"),
	NAME(EBPF_CGROUP_INET_EGRESS, "cgroup_inet_egress"),
	NAME(EBPF_CGROUP_INET_SOCK_CREATE, "cgroup_inet_sock_create"),
	NAME(EBPF_CGROUP_SOCK_OPS, "cgroup_sock_ops"),
	NAME(EBPF_SK_SKB_STREAM_PARSER, "sk_skb_stream_parser"),
	NAME(EBPF_SK_SKB_STREAM_VERDICT, "sk_skb_stream_verdict"),
	NAME(EBPF_CGROUP_DEVICE, "cgroup_device"),
	NAME(EBPF_SK_MSG_VERDICT, "sk_msg_verdict"),
	NAME(EBPF_CGROUP_INET4_BIND, "cgroup_inet4_bind"),
	NAME(EBPF_CGROUP_INET6_BIND, "cgroup_inet6_bind"),
	NAME(EBPF_CGROUP_INET4_CONNECT, "cgroup_inet4_connect"),
	NAME(EBPF_CGROUP_INET6_CONNECT, "cgroup_inet6_connect"),
	NAME(EBPF_CGROUP_INET4_POST_BIND, "cgroup_inet4_post_bind"),
	NAME(EBPF_CGROUP_INET6_POST_BIND, "cgroup_inet6_post_bind"),
	NAME(EBPF_CGROUP_UDP4_SENDMSG, "cgroup_udp4_sendmsg"),
	NAME(EBPF_CGROUP_UDP6_SENDMSG, "cgroup_udp6_sendmsg"),
	NAME(EBPF_LIRC_MODE2, "lirc_mode2"),
	NAME(EBPF_FLOW_DISSECTOR, "flow_dissector"),
	NAME(EBPF_CGROUP_SYSCTL, "cgroup_sysctl"),
	NAME(EBPF_CGROUP_UDP4_RECVMSG, "cgroup_udp4_recvmsg"),
	NAME(EBPF_CGROUP_UDP6_RECVMSG, "cgroup_udp6_recvmsg"),
	NAME(EBPF_CGROUP_GETSOCKOPT, "cgroup_getsockopt"),
	NAME(EBPF_CGROUP_SETSOCKOPT, "cgroup_setsockopt"),
	NAME(EBPF_TRACE_RAW_TP, "trace_raw_tp"),
	NAME(EBPF_TRACE_FENTRY, "trace_fentry"),
	NAME(EBPF_TRACE_FEXIT, "trace_fexit"),
	NAME(EBPF_MODIFY_RETURN, "modify_return"),
	NAME(EBPF_LSM_MAC, "lsm_mac"),
	NAME(EBPF_TRACE_ITER, "trace_iter"),
	NAME(EBPF_CGROUP_INET4_GETPEERNAME, "cgroup_inet4_getpeername"),
	NAME(EBPF_CGROUP_INET6_GETPEERNAME, "cgroup_inet6_getpeername"),
	NAME(EBPF_CGROUP_INET4_GETSOCKNAME, "cgroup_inet4_getsockname"),
	NAME(EBPF_CGROUP_INET6_GETSOCKNAME, "cgroup_inet6_getsockname"),
	NAME(EBPF_XDP_DEVMAP, "xdp_devmap"),
	NAME(EBPF_CGROUP_INET_SOCK_RELEASE, "cgroup_inet_sock_release"),
	NAME(EBPF_XDP_CPUMAP, "xdp_cpumap"),
	NAME(EBPF_SK_LOOKUP, "sk_lookup"),
	NAME(EBPF_XDP, "xdp"),
	NAME(EBPF_SK_SKB_VERDICT, "sk_skb_verdict"),
	NAME(EBPF_SK_REUSEPORT_SELECT, "sk_reuseport_select"),
	NAME(EBPF_SK_REUSEPORT_SELECT_OR_MIGRATE, "sk_reuseport_select_or_migrate"),
	NAME(EBPF_PERF_EVENT, "perf_event"),
	NAME(EBPF_TRACE_KPROBE_MULTI, "trace_kprobe_multi"),
	NAME(EBPF_LSM_CGROUP, "lsm_cgroup"),
	NAME(EBPF_STRUCT_OPS, "struct_ops"),
	NAME(EBPF_NETFILTER, "netfilter"),
	NAME(EBPF_TCX_INGRESS, "tcx_ingress"),
	NAME(EBPF_TCX_EGRESS, "tcx_egress"),
	NAME(EBPF_TRACE_UPROBE_MULTI, "trace_uprobe_multi"),
	NAME(EBPF_CGROUP_UNIX_CONNECT, "cgroup_unix_connect"),
	NAME(EBPF_CGROUP_UNIX_SENDMSG, "cgroup_unix_sendmsg"),
	NAME(EBPF_CGROUP_UNIX_RECVMSG, "cgroup_unix_recvmsg"),
	NAME(EBPF_CGROUP_UNIX_GETPEERNAME, "cgroup_unix_getpeername"),
	NAME(EBPF_CGROUP_UNIX_GETSOCKNAME, "cgroup_unix_getsockname"),
	NAME(EBPF_NETKIT_PRIMARY, "netkit_primary"),
	NAME(EBPF_NETKIT_PEER, "netkit_peer"),
	NAME(EBPF_TRACE_KPROBE_SESSION, "trace_kprobe_session"),
	NAME(EBPF_TRACE_UPROBE_SESSION, "trace_uprobe_session"),
};

/* Out-of-range values (including negative ones cast from untrusted input) read "unknown". */
static const char *lookup(const char *const *names, size_t cnt, long v)
{
	if (v < 0 || (size_t)v >= cnt || !names[v])
		return "unknown";
	return names[v];
}

const char *eb_prog_type_name(enum ebpf_prog_type type)
{
	return lookup(prog_type_names, ARRAY_LEN(prog_type_names), (long)type);
}

const char *eb_map_type_name(enum ebpf_map_type type)
{
	return lookup(map_type_names, ARRAY_LEN(map_type_names), (long)type);
}

const char *eb_attach_type_name(enum ebpf_attach_type type)
{
	if (type == EBPF_ATTACH_TYPE_NONE)
		return "none";
	return lookup(attach_type_names, ARRAY_LEN(attach_type_names), (long)type);
}
