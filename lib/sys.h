/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Internal: the syscall layer. Our own layouts of the bpf(2) attribute blocks
 * (one struct per command family, offsets as in the Linux UAPI up to 6.18 and
 * checked by tests/unit/kl_sys_layout.c) and thin wrappers around bpf(2) and
 * perf_event_open(2).
 *
 * Conventions of every wrapper here:
 *  - returns >= 0 on success (an fd or 0) and a negative errno on failure; errno
 *    itself is not part of the contract;
 *  - does NOT set the thread's error message: callers know what they were doing
 *    and say it (eb_err(err, "map '%s': create: %s", ...));
 *  - an fd returned is O_CLOEXEC and never 0 (if the kernel hands out 0 because
 *    stdin was closed, it is moved with F_DUPFD_CLOEXEC to >= 3: code everywhere
 *    treats 0 as "no fd");
 *  - the attr size passed to the kernel is sizeof() the struct the caller zeroed;
 *  - honours the test-build fault site EB_FAULT_BPF (EB_FAULT_PERF for perf).
 *
 * Attr structs must be zero-initialised by the caller ({0} or memset) because
 * the kernel rejects non-zero bytes in fields it does not know.
 */
#ifndef EB_SYS_H
#define EB_SYS_H

#include <stdint.h>
#include <sys/types.h>

#include <ebpf/uapi.h>

struct perf_event_attr;

/* bpf(2) commands. */
enum eb_bpf_cmd {
	EB_BPF_MAP_CREATE = 0,
	EB_BPF_MAP_LOOKUP_ELEM = 1,
	EB_BPF_MAP_UPDATE_ELEM = 2,
	EB_BPF_MAP_DELETE_ELEM = 3,
	EB_BPF_MAP_GET_NEXT_KEY = 4,
	EB_BPF_PROG_LOAD = 5,
	EB_BPF_OBJ_PIN = 6,
	EB_BPF_OBJ_GET = 7,
	EB_BPF_PROG_ATTACH = 8,
	EB_BPF_PROG_DETACH = 9,
	EB_BPF_PROG_TEST_RUN = 10,
	EB_BPF_PROG_GET_NEXT_ID = 11,
	EB_BPF_MAP_GET_NEXT_ID = 12,
	EB_BPF_PROG_GET_FD_BY_ID = 13,
	EB_BPF_MAP_GET_FD_BY_ID = 14,
	EB_BPF_OBJ_GET_INFO_BY_FD = 15,
	EB_BPF_PROG_QUERY = 16,
	EB_BPF_RAW_TRACEPOINT_OPEN = 17,
	EB_BPF_BTF_LOAD = 18,
	EB_BPF_BTF_GET_FD_BY_ID = 19,
	EB_BPF_TASK_FD_QUERY = 20,
	EB_BPF_MAP_LOOKUP_AND_DELETE_ELEM = 21,
	EB_BPF_MAP_FREEZE = 22,
	EB_BPF_BTF_GET_NEXT_ID = 23,
	EB_BPF_MAP_LOOKUP_BATCH = 24,
	EB_BPF_MAP_LOOKUP_AND_DELETE_BATCH = 25,
	EB_BPF_MAP_UPDATE_BATCH = 26,
	EB_BPF_MAP_DELETE_BATCH = 27,
	EB_BPF_LINK_CREATE = 28,
	EB_BPF_LINK_UPDATE = 29,
	EB_BPF_LINK_GET_FD_BY_ID = 30,
	EB_BPF_LINK_GET_NEXT_ID = 31,
	EB_BPF_ENABLE_STATS = 32,
	EB_BPF_ITER_CREATE = 33,
	EB_BPF_LINK_DETACH = 34,
	EB_BPF_PROG_BIND_MAP = 35,
	EB_BPF_TOKEN_CREATE = 36,
};

#define EB_OBJ_NAME_LEN 16
/* The kernel's cap on a verifier log buffer (UINT_MAX >> 2 since 5.2; 16 MiB before). */
#define EB_LOG_SIZE_MAX (16u * 1024 * 1024)

/* A 64-bit slot that carries a user pointer. */
#define EB_U64 uint64_t __attribute__((aligned(8)))

/* Copy a kernel object name: at most 15 chars, others than [A-Za-z0-9_.] become '_'. */
void eb_obj_name(char dst[EB_OBJ_NAME_LEN], const char *src);

static inline uint64_t eb_ptr(const void *p)
{
	return (uint64_t)(uintptr_t)p;
}

/* ------------------------------------------------------------ attr layouts */

struct eb_attr_map_create {
	uint32_t map_type;			/* 0 */
	uint32_t key_size;			/* 4 */
	uint32_t value_size;			/* 8 */
	uint32_t max_entries;			/* 12 */
	uint32_t map_flags;			/* 16 */
	uint32_t inner_map_fd;			/* 20 */
	uint32_t numa_node;			/* 24 */
	char map_name[EB_OBJ_NAME_LEN];		/* 28 */
	uint32_t map_ifindex;			/* 44 */
	uint32_t btf_fd;			/* 48 */
	uint32_t btf_key_type_id;		/* 52 */
	uint32_t btf_value_type_id;		/* 56 */
	uint32_t btf_vmlinux_value_type_id;	/* 60 */
	EB_U64 map_extra;			/* 64 */
	int32_t value_type_btf_obj_fd;		/* 72 */
	int32_t map_token_fd;			/* 76 */
};

/* MAP_LOOKUP/UPDATE/DELETE_ELEM, MAP_GET_NEXT_KEY, MAP_LOOKUP_AND_DELETE_ELEM, MAP_FREEZE */
struct eb_attr_map_elem {
	uint32_t map_fd;			/* 0 */
	EB_U64 key;				/* 8 */
	union {
		EB_U64 value;			/* 16 */
		EB_U64 next_key;		/* 16 */
	};
	EB_U64 flags;				/* 24 */
};

/* MAP_{LOOKUP,LOOKUP_AND_DELETE,UPDATE,DELETE}_BATCH */
struct eb_attr_map_batch {
	EB_U64 in_batch;			/* 0 */
	EB_U64 out_batch;			/* 8 */
	EB_U64 keys;				/* 16 */
	EB_U64 values;				/* 24 */
	uint32_t count;				/* 32: in: capacity, out: done */
	uint32_t map_fd;			/* 36 */
	EB_U64 elem_flags;			/* 40 */
	EB_U64 flags;				/* 48 */
};

struct eb_attr_prog_load {
	uint32_t prog_type;			/* 0 */
	uint32_t insn_cnt;			/* 4 */
	EB_U64 insns;				/* 8 */
	EB_U64 license;				/* 16 */
	uint32_t log_level;			/* 24 */
	uint32_t log_size;			/* 28 */
	EB_U64 log_buf;				/* 32 */
	uint32_t kern_version;			/* 40 */
	uint32_t prog_flags;			/* 44 */
	char prog_name[EB_OBJ_NAME_LEN];	/* 48 */
	uint32_t prog_ifindex;			/* 64 */
	uint32_t expected_attach_type;		/* 68 */
	uint32_t prog_btf_fd;			/* 72 */
	uint32_t func_info_rec_size;		/* 76 */
	EB_U64 func_info;			/* 80 */
	uint32_t func_info_cnt;			/* 88 */
	uint32_t line_info_rec_size;		/* 92 */
	EB_U64 line_info;			/* 96 */
	uint32_t line_info_cnt;			/* 104 */
	uint32_t attach_btf_id;			/* 108 */
	union {
		uint32_t attach_prog_fd;	/* 112 */
		uint32_t attach_btf_obj_fd;	/* 112 */
	};
	uint32_t core_relo_cnt;			/* 116 */
	EB_U64 fd_array;			/* 120 */
	EB_U64 core_relos;			/* 128 */
	uint32_t core_relo_rec_size;		/* 136 */
	uint32_t log_true_size;			/* 140: out (6.4+) */
	int32_t prog_token_fd;			/* 144 */
	uint32_t fd_array_cnt;			/* 148 (6.14+) */
};

/* OBJ_PIN, OBJ_GET */
struct eb_attr_obj {
	EB_U64 pathname;			/* 0 */
	uint32_t bpf_fd;			/* 8 */
	uint32_t file_flags;			/* 12 */
	int32_t path_fd;			/* 16 */
};

/* PROG_ATTACH, PROG_DETACH */
struct eb_attr_prog_attach {
	union {
		uint32_t target_fd;		/* 0 */
		uint32_t target_ifindex;	/* 0 */
	};
	uint32_t attach_bpf_fd;			/* 4 */
	uint32_t attach_type;			/* 8 */
	uint32_t attach_flags;			/* 12 */
	uint32_t replace_bpf_fd;		/* 16 */
	union {
		uint32_t relative_fd;		/* 20 */
		uint32_t relative_id;		/* 20 */
	};
	EB_U64 expected_revision;		/* 24 */
};

struct eb_attr_test_run {
	uint32_t prog_fd;			/* 0 */
	uint32_t retval;			/* 4: out */
	uint32_t data_size_in;			/* 8 */
	uint32_t data_size_out;			/* 12: in: capacity, out: written */
	EB_U64 data_in;				/* 16 */
	EB_U64 data_out;			/* 24 */
	uint32_t repeat;			/* 32 */
	uint32_t duration;			/* 36: out */
	uint32_t ctx_size_in;			/* 40 */
	uint32_t ctx_size_out;			/* 44 */
	EB_U64 ctx_in;				/* 48 */
	EB_U64 ctx_out;				/* 56 */
	uint32_t flags;				/* 64 */
	uint32_t cpu;				/* 68 */
	uint32_t batch_size;			/* 72 */
};

/* *_GET_NEXT_ID, *_GET_FD_BY_ID */
struct eb_attr_get_id {
	union {
		uint32_t start_id;		/* 0 */
		uint32_t prog_id;
		uint32_t map_id;
		uint32_t btf_id;
		uint32_t link_id;
	};
	uint32_t next_id;			/* 4 */
	uint32_t open_flags;			/* 8 */
	int32_t fd_by_id_token_fd;		/* 12 */
};

/* OBJ_GET_INFO_BY_FD */
struct eb_attr_info {
	uint32_t bpf_fd;			/* 0 */
	uint32_t info_len;			/* 4: in: buffer size, out: kernel's size */
	EB_U64 info;				/* 8 */
};

struct eb_attr_prog_query {
	union {
		uint32_t target_fd;		/* 0 */
		uint32_t target_ifindex;
	};
	uint32_t attach_type;			/* 4 */
	uint32_t query_flags;			/* 8 */
	uint32_t attach_flags;			/* 12 */
	EB_U64 prog_ids;			/* 16 */
	union {
		uint32_t prog_cnt;		/* 24 */
		uint32_t count;
	};
	uint32_t pad0;				/* 28 */
	EB_U64 prog_attach_flags;		/* 32 */
	EB_U64 link_ids;			/* 40 */
	EB_U64 link_attach_flags;		/* 48 */
	EB_U64 revision;			/* 56: out */
};

struct eb_attr_raw_tp {
	EB_U64 name;				/* 0 */
	uint32_t prog_fd;			/* 8 */
	uint32_t pad0;				/* 12 */
	EB_U64 cookie;				/* 16 (6.10+) */
};

struct eb_attr_btf_load {
	EB_U64 btf;				/* 0 */
	EB_U64 btf_log_buf;			/* 8 */
	uint32_t btf_size;			/* 16 */
	uint32_t btf_log_size;			/* 20 */
	uint32_t btf_log_level;			/* 24 */
	uint32_t btf_log_true_size;		/* 28: out (6.4+) */
	uint32_t btf_flags;			/* 32 */
	int32_t btf_token_fd;			/* 36 */
};

struct eb_attr_link_create {
	union {
		uint32_t prog_fd;		/* 0 */
		uint32_t map_fd;		/* 0: struct_ops */
	};
	union {
		uint32_t target_fd;		/* 4 */
		uint32_t target_ifindex;	/* 4 */
	};
	uint32_t attach_type;			/* 8 */
	uint32_t flags;				/* 12 */
	union {					/* 16: per link type */
		uint32_t target_btf_id;		/* 16: tracing, ext */
		struct {
			EB_U64 iter_info;	/* 16 */
			uint32_t iter_info_len;	/* 24 */
		};
		struct {
			EB_U64 bpf_cookie;	/* 16 */
		} perf_event;
		struct {
			uint32_t flags;		/* 16 */
			uint32_t cnt;		/* 20 */
			EB_U64 syms;		/* 24 */
			EB_U64 addrs;		/* 32 */
			EB_U64 cookies;		/* 40 */
		} kprobe_multi;
		struct {
			uint32_t target_btf_id;	/* 16 */
			EB_U64 cookie;		/* 24 */
		} tracing;
		struct {
			uint32_t pf;		/* 16 */
			uint32_t hooknum;	/* 20 */
			int32_t priority;	/* 24 */
			uint32_t flags;		/* 28 */
		} netfilter;
		struct {
			union {
				uint32_t relative_fd;	/* 16 */
				uint32_t relative_id;
			};
			EB_U64 expected_revision;	/* 24 */
		} tcx, netkit, cgroup;
		struct {
			EB_U64 path;		/* 16 */
			EB_U64 offsets;		/* 24 */
			EB_U64 ref_ctr_offsets;	/* 32 */
			EB_U64 cookies;		/* 40 */
			uint32_t cnt;		/* 48 */
			uint32_t flags;		/* 52 */
			uint32_t pid;		/* 56 */
		} uprobe_multi;
	};
};

/* kprobe_multi / uprobe_multi flags */
enum {
	EB_F_KPROBE_MULTI_RETURN = 1u << 0,
	EB_F_UPROBE_MULTI_RETURN = 1u << 0,
};

/* LINK_UPDATE */
struct eb_attr_link_update {
	uint32_t link_fd;			/* 0 */
	union {
		uint32_t new_prog_fd;		/* 4 */
		uint32_t new_map_fd;
	};
	uint32_t flags;				/* 8 */
	union {
		uint32_t old_prog_fd;		/* 12 */
		uint32_t old_map_fd;
	};
};

/* LINK_DETACH, ITER_CREATE */
struct eb_attr_link_fd {
	uint32_t link_fd;			/* 0 */
	uint32_t flags;				/* 4: ITER_CREATE only */
};

/* --------------------------------------------------- OBJ_GET_INFO_BY_FD */

struct eb_prog_info {
	uint32_t type;				/* 0 */
	uint32_t id;				/* 4 */
	uint8_t tag[8];				/* 8 */
	uint32_t jited_prog_len;		/* 16 */
	uint32_t xlated_prog_len;		/* 20 */
	EB_U64 jited_prog_insns;		/* 24 */
	EB_U64 xlated_prog_insns;		/* 32 */
	uint64_t load_time;			/* 40 */
	uint32_t created_by_uid;		/* 48 */
	uint32_t nr_map_ids;			/* 52 */
	EB_U64 map_ids;				/* 56 */
	char name[EB_OBJ_NAME_LEN];		/* 64 */
	uint32_t ifindex;			/* 80 */
	uint32_t gpl_compatible;		/* 84: bit 0 */
	uint64_t netns_dev;			/* 88 */
	uint64_t netns_ino;			/* 96 */
	uint32_t nr_jited_ksyms;		/* 104 */
	uint32_t nr_jited_func_lens;		/* 108 */
	EB_U64 jited_ksyms;			/* 112 */
	EB_U64 jited_func_lens;			/* 120 */
	uint32_t btf_id;			/* 128 */
	uint32_t func_info_rec_size;		/* 132 */
	EB_U64 func_info;			/* 136 */
	uint32_t nr_func_info;			/* 144 */
	uint32_t nr_line_info;			/* 148 */
	EB_U64 line_info;			/* 152 */
	EB_U64 jited_line_info;			/* 160 */
	uint32_t nr_jited_line_info;		/* 168 */
	uint32_t line_info_rec_size;		/* 172 */
	uint32_t jited_line_info_rec_size;	/* 176 */
	uint32_t nr_prog_tags;			/* 180 */
	EB_U64 prog_tags;			/* 184 */
	uint64_t run_time_ns;			/* 192 */
	uint64_t run_cnt;			/* 200 */
	uint64_t recursion_misses;		/* 208 */
	uint32_t verified_insns;		/* 216 */
	uint32_t attach_btf_obj_id;		/* 220 */
	uint32_t attach_btf_id;			/* 224 */
};

struct eb_map_info {
	uint32_t type;				/* 0 */
	uint32_t id;				/* 4 */
	uint32_t key_size;			/* 8 */
	uint32_t value_size;			/* 12 */
	uint32_t max_entries;			/* 16 */
	uint32_t map_flags;			/* 20 */
	char name[EB_OBJ_NAME_LEN];		/* 24 */
	uint32_t ifindex;			/* 40 */
	uint32_t btf_vmlinux_value_type_id;	/* 44 */
	uint64_t netns_dev;			/* 48 */
	uint64_t netns_ino;			/* 56 */
	uint32_t btf_id;			/* 64 */
	uint32_t btf_key_type_id;		/* 68 */
	uint32_t btf_value_type_id;		/* 72 */
	uint32_t btf_vmlinux_id;		/* 76 */
	uint64_t map_extra;			/* 80 */
};

struct eb_btf_info {
	EB_U64 btf;				/* 0 */
	uint32_t btf_size;			/* 8 */
	uint32_t id;				/* 12 */
	EB_U64 name;				/* 16 */
	uint32_t name_len;			/* 24 */
	uint32_t kernel_btf;			/* 28 */
};

struct eb_link_info {
	uint32_t type;				/* 0 */
	uint32_t id;				/* 4 */
	uint32_t prog_id;			/* 8 */
	union {					/* 16 */
		struct {
			EB_U64 tp_name;		/* 16 */
			uint32_t tp_name_len;	/* 24 */
		} raw_tracepoint;
		struct {
			uint32_t attach_type;	/* 16 */
			uint32_t target_obj_id;	/* 20 */
			uint32_t target_btf_id;	/* 24 */
			uint32_t pad0;
			uint64_t cookie;	/* 32 */
		} tracing;
		struct {
			EB_U64 addrs;		/* 16 */
			uint32_t count;		/* 24 */
			uint32_t flags;		/* 28 */
			uint64_t missed;	/* 32 */
			EB_U64 cookies;		/* 40 */
		} kprobe_multi;
		struct {
			EB_U64 path;		/* 16 */
			EB_U64 offsets;		/* 24 */
			EB_U64 ref_ctr_offsets;	/* 32 */
			EB_U64 cookies;		/* 40 */
			uint32_t path_size;	/* 48 */
			uint32_t count;		/* 52 */
			uint32_t flags;		/* 56 */
			uint32_t pid;		/* 60 */
		} uprobe_multi;
		struct {
			uint32_t type;		/* 16: enum bpf_perf_event_type */
			uint32_t pad0;
			union {
				struct {
					EB_U64 file_name;	/* 24 */
					uint32_t name_len;	/* 32 */
					uint32_t offset;	/* 36 */
					uint32_t type;		/* 40 */
					uint32_t pad1;
					uint64_t cookie;	/* 48 */
					uint64_t ref_ctr_offset;/* 56 */
				} uprobe;
				struct {
					EB_U64 tp_name;		/* 24 */
					uint32_t name_len;	/* 32 */
					uint32_t pad1;
					uint64_t cookie;	/* 40 */
				} tracepoint;
			};
		} perf_event;
		struct {
			uint32_t ifindex;	/* 16 */
			uint32_t attach_type;	/* 20 */
		} tcx, netkit;
		/* Room for the largest kernel member, so info_len covers it. */
		uint8_t raw[64];
	};
};

/* ----------------------------------------------------------------- wrappers */

/* bpf(2) itself: result (>= 0) or -errno. */
int eb_sys_bpf(enum eb_bpf_cmd cmd, void *attr, unsigned int size);
/* bpf(2) for commands that return an fd: the fd (never 0, O_CLOEXEC) or -errno. */
int eb_sys_bpf_fd(enum eb_bpf_cmd cmd, void *attr, unsigned int size);
/* Make sure fd is not 0 (stdin slot): moves it with F_DUPFD_CLOEXEC to >= 3. fd or -errno. */
int eb_fd_not_zero(int fd);
/* close() that tolerates fd < 0 and preserves errno. */
void eb_close(int fd);

/* Maps. */
int eb_sys_map_create(struct eb_attr_map_create *attr);
int eb_sys_map_lookup(int fd, const void *key, void *value, uint64_t flags);
int eb_sys_map_update(int fd, const void *key, const void *value, uint64_t flags);
int eb_sys_map_delete(int fd, const void *key);
int eb_sys_map_lookup_and_delete(int fd, const void *key, void *value);
/* key NULL: first key; -ENOENT after the last. */
int eb_sys_map_next_key(int fd, const void *key, void *next_key);
int eb_sys_map_freeze(int fd);
/* cmd is one of the *_BATCH commands; attr->count is updated even on failure. */
int eb_sys_map_batch(enum eb_bpf_cmd cmd, struct eb_attr_map_batch *attr);

/* Programs: PROG_LOAD is retried a few times on EAGAIN (the verifier hit a signal). */
int eb_sys_prog_load(struct eb_attr_prog_load *attr);
int eb_sys_prog_test_run(struct eb_attr_test_run *attr);
int eb_sys_prog_attach(struct eb_attr_prog_attach *attr);
int eb_sys_prog_detach(struct eb_attr_prog_attach *attr);
int eb_sys_prog_query(struct eb_attr_prog_query *attr);

/* BTF. */
int eb_sys_btf_load(struct eb_attr_btf_load *attr);
/* Load a BTF blob without a log; fd or -errno. */
int eb_sys_btf_load_raw(const void *data, uint32_t size);

/* Pinning and object info. */
int eb_sys_obj_pin(int fd, const char *path);
int eb_sys_obj_get(const char *path, uint32_t file_flags);
/* *len: in: the size of `info`, out: what the kernel filled. */
int eb_sys_obj_info(int fd, void *info, uint32_t *len);

/* Ids: cmd is a *_GET_NEXT_ID / *_GET_FD_BY_ID command. */
int eb_sys_get_next_id(enum eb_bpf_cmd cmd, uint32_t start, uint32_t *next);
int eb_sys_get_fd_by_id(enum eb_bpf_cmd cmd, uint32_t id);

/* Links. */
int eb_sys_link_create(struct eb_attr_link_create *attr);
int eb_sys_link_update(int link_fd, int new_prog_fd, int old_prog_fd, uint32_t flags);
int eb_sys_link_detach(int link_fd);
int eb_sys_iter_create(int link_fd);
int eb_sys_raw_tp_open(const char *name, int prog_fd, uint64_t cookie);

/*
 * perf_event_open(2); PERF_FLAG_FD_CLOEXEC is always added to `flags`.
 * fd (never 0) or -errno. Honours EB_FAULT_PERF.
 */
int eb_sys_perf_event_open(struct perf_event_attr *attr, pid_t pid, int cpu, int group_fd,
			   unsigned long flags);

/*
 * The running kernel's version as KERNEL_VERSION(a, b, c) (sublevel capped at
 * 255), from uname(2); 0 if it cannot be read. _parse does the same for a
 * release string ("6.18.0-1-amd64").
 */
uint32_t eb_kernel_version(void);
uint32_t eb_kernel_version_parse(const char *release);

#endif
