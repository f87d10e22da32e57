/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Probes for program types, map types and helpers per program type: each a
 * tiny load or create, cached per type (and per type x helper) process-wide.
 */
#include <errno.h>
#include <string.h>
#include <unistd.h>

#include "btf/btf.h"
#include "lib/features.h"
#include "lib/features_probe.h"
#include "lib/sys.h"

/* kernel BTF id of btf_trace_sched_switch: a tp_btf target every kernel has; 0 if none. */
static uint32_t tp_btf_target(void)
{
	struct ebpf_btf *vm = NULL;
	if (eb_btf_vmlinux(&vm))
		return 0;
	int32_t id = eb_btf_find(vm, "btf_trace_sched_switch", BTF_KIND_TYPEDEF);
	eb_btf_put(vm);
	return id > 0 ? (uint32_t)id : 0;
}

/*
 * What a probe program of `type` needs to get past the checks that come before
 * the verifier looks at its instructions. `real_target`: attach tracing programs
 * to a real tp_btf target (helper probes must reach the instructions); otherwise
 * an obviously bad attach_btf_id, whose complaint in the log proves the type exists.
 */
static void setup_type(struct eb_probe_prog *p, enum ebpf_prog_type type, bool real_target)
{
	p->type = type;
	p->attach_type = EBPF_ATTACH_TYPE_NONE;
	switch (type) {
	case EBPF_PROG_TYPE_CGROUP_SOCK_ADDR:
		p->attach_type = EBPF_CGROUP_INET4_CONNECT;
		break;
	case EBPF_PROG_TYPE_CGROUP_SOCKOPT:
		p->attach_type = EBPF_CGROUP_GETSOCKOPT;
		break;
	case EBPF_PROG_TYPE_SK_LOOKUP:
		p->attach_type = EBPF_SK_LOOKUP;
		break;
	case EBPF_PROG_TYPE_NETFILTER:
		p->attach_type = EBPF_NETFILTER;
		break;
	case EBPF_PROG_TYPE_SYSCALL:
		p->flags = EBPF_F_SLEEPABLE;	/* syscall programs must be sleepable */
		break;
	case EBPF_PROG_TYPE_TRACING:
		p->attach_type = EBPF_TRACE_RAW_TP;
		p->attach_btf_id = real_target ? tp_btf_target() : 1;
		break;
	case EBPF_PROG_TYPE_LSM:
		p->attach_type = EBPF_LSM_MAC;
		p->attach_btf_id = 1;
		break;
	case EBPF_PROG_TYPE_EXT:
	case EBPF_PROG_TYPE_STRUCT_OPS:
		p->attach_btf_id = 1;
		break;
	default:
		break;
	}
}

/* Types whose probe uses a deliberately bad attach_btf_id. */
static bool needs_btf_target(enum ebpf_prog_type type)
{
	return type == EBPF_PROG_TYPE_TRACING || type == EBPF_PROG_TYPE_LSM ||
	       type == EBPF_PROG_TYPE_EXT || type == EBPF_PROG_TYPE_STRUCT_OPS;
}

static eb_probe_cell prog_cache[EBPF_PROG_TYPE_MAX];

enum eb_answer eb_probe_prog_type(enum ebpf_prog_type type)
{
	if ((unsigned)type >= EBPF_PROG_TYPE_MAX || type == EBPF_PROG_TYPE_UNSPEC)
		return EB_NO;
	enum eb_answer a;
	if (eb_cell_get(&prog_cache[type], &a))
		return a;

	char log[256];
	struct eb_probe_prog p = { .log = log, .log_size = sizeof(log) };
	setup_type(&p, type, false);
	int fd = eb_probe_load(&p);
	if (fd >= 0) {
		close(fd);
		a = EB_YES;
	} else if (eb_probe_inconclusive(fd)) {
		a = EB_UNKNOWN;
	} else if (needs_btf_target(type)) {
		/* an unknown type is refused before the verifier writes anything */
		a = log[0] ? EB_YES : EB_NO;
	} else {
		a = EB_NO;
	}
	eb_cell_put(&prog_cache[type], a);
	return a;
}

/* Helper ids are below 256 for every kernel to date. */
#define HELPER_CACHE 256
static eb_probe_cell helper_cache[EBPF_PROG_TYPE_MAX][HELPER_CACHE];

enum eb_answer eb_probe_helper(enum ebpf_prog_type type, uint32_t helper_id)
{
	if ((unsigned)type >= EBPF_PROG_TYPE_MAX || type == EBPF_PROG_TYPE_UNSPEC ||
	    helper_id == 0 || helper_id >= HELPER_CACHE)
		return EB_UNKNOWN;
	eb_probe_cell *c = &helper_cache[type][helper_id];
	enum eb_answer a;
	if (eb_cell_get(c, &a))
		return a;

	/* "call helper; exit": argument errors mean the helper itself is allowed. */
	const struct ebpf_insn insns[] = {
		{ .code = EBPF_JMP | EBPF_CALL, .imm = (int32_t)helper_id },
		{ .code = EBPF_JMP | EBPF_EXIT },
	};
	char log[4096];
	struct eb_probe_prog p = { .insns = insns, .insn_cnt = 2, .log = log, .log_size = sizeof(log) };
	setup_type(&p, type, true);
	if (type == EBPF_PROG_TYPE_TRACING && !p.attach_btf_id)
		return EB_UNKNOWN;
	int fd = eb_probe_load(&p);
	if (fd >= 0) {
		close(fd);
		a = EB_YES;
	} else if (strstr(log, "unknown func ") || strstr(log, "invalid func ") ||
		   strstr(log, "cannot use helper ") || strstr(log, "cannot call helper")) {
		a = EB_NO;
	} else if (eb_probe_inconclusive(fd) && !log[0]) {
		a = EB_UNKNOWN;
	} else if (!log[0]) {
		a = EB_UNKNOWN;	/* refused before the verifier looked at the call */
	} else {
		a = EB_YES;
	}
	eb_cell_put(c, a);
	return a;
}

static eb_probe_cell map_cache[EBPF_MAP_TYPE_MAX];

static int create_probe_map(enum ebpf_map_type type)
{
	struct eb_attr_map_create a;
	int inner = -1, btf = -1;
	memset(&a, 0, sizeof(a));
	a.map_type = type;
	a.key_size = 4;
	a.value_size = 8;
	a.max_entries = 1;
	switch (type) {
	case EBPF_MAP_TYPE_PROG_ARRAY: case EBPF_MAP_TYPE_PERF_EVENT_ARRAY:
	case EBPF_MAP_TYPE_CGROUP_ARRAY: case EBPF_MAP_TYPE_DEVMAP: case EBPF_MAP_TYPE_CPUMAP:
	case EBPF_MAP_TYPE_XSKMAP: case EBPF_MAP_TYPE_SOCKMAP: case EBPF_MAP_TYPE_SOCKHASH:
	case EBPF_MAP_TYPE_REUSEPORT_SOCKARRAY: case EBPF_MAP_TYPE_DEVMAP_HASH:
		a.value_size = 4;
		break;
	case EBPF_MAP_TYPE_LPM_TRIE:
		a.key_size = 8;
		a.map_flags = EBPF_F_NO_PREALLOC;
		break;
	case EBPF_MAP_TYPE_ARRAY_OF_MAPS: case EBPF_MAP_TYPE_HASH_OF_MAPS: {
		struct eb_attr_map_create in;
		memset(&in, 0, sizeof(in));
		in.map_type = EBPF_MAP_TYPE_ARRAY;
		in.key_size = 4;
		in.value_size = 4;
		in.max_entries = 1;
		inner = eb_sys_map_create(&in);
		if (inner < 0)
			return inner;
		a.inner_map_fd = (uint32_t)inner;
		a.value_size = 4;
		break;
	}
	case EBPF_MAP_TYPE_CGROUP_STORAGE: case EBPF_MAP_TYPE_PERCPU_CGROUP_STORAGE:
		a.key_size = 16;	/* struct bpf_cgroup_storage_key */
		a.max_entries = 0;
		break;
	case EBPF_MAP_TYPE_QUEUE: case EBPF_MAP_TYPE_STACK: case EBPF_MAP_TYPE_BLOOM_FILTER:
		a.key_size = 0;
		break;
	case EBPF_MAP_TYPE_SK_STORAGE: case EBPF_MAP_TYPE_INODE_STORAGE:
	case EBPF_MAP_TYPE_TASK_STORAGE: case EBPF_MAP_TYPE_CGRP_STORAGE:
		/* local storage wants BTF for its value and no preallocation */
		btf = eb_probe_int_btf();
		if (btf < 0)
			return btf;
		a.value_size = 4;
		a.max_entries = 0;
		a.map_flags = EBPF_F_NO_PREALLOC;
		a.btf_fd = (uint32_t)btf;
		a.btf_key_type_id = 1;
		a.btf_value_type_id = 1;
		break;
	case EBPF_MAP_TYPE_RINGBUF: case EBPF_MAP_TYPE_USER_RINGBUF:
		a.key_size = 0;
		a.value_size = 0;
		a.max_entries = (uint32_t)sysconf(_SC_PAGESIZE);
		break;
	case EBPF_MAP_TYPE_ARENA:
		a.key_size = 0;
		a.value_size = 0;
		a.map_flags = EBPF_F_MMAPABLE;
		break;
	default:
		break;
	}
	int fd = eb_sys_map_create(&a);
	eb_close(inner);
	eb_close(btf);
	return fd;
}

enum eb_answer eb_probe_map_type(enum ebpf_map_type type)
{
	if ((unsigned)type >= EBPF_MAP_TYPE_MAX || type == EBPF_MAP_TYPE_UNSPEC)
		return EB_NO;
	/* struct_ops maps need a kernel struct_ops type: not probed by a plain create */
	if (type == EBPF_MAP_TYPE_STRUCT_OPS)
		return EB_UNKNOWN;
	enum eb_answer a;
	if (!eb_cell_get(&map_cache[type], &a)) {
		a = eb_probe_answer_fd(create_probe_map(type));
		eb_cell_put(&map_cache[type], a);
	}
	return a;
}
