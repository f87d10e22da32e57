/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Links: attaching loaded programs to kernel and user-space hooks, with attach
 * cookies.
 *
 * A link is independent of the collection its program came from: the kernel link
 * holds its own reference to the program, so a link outlives
 * ebpf_collection_close() and is detached only when ebpf_link_close() drops the
 * last reference (or a pin keeps it alive, see ebpf_link_pin()).
 *
 * Attach cookies: a 64-bit value the program reads back with
 * bpf_get_attach_cookie(), so one program can serve many attach points. When the
 * running kernel cannot carry a cookie for an attach family, asking for a
 * non-zero cookie fails with -EOPNOTSUPP and ebpf_errmsg() names the feature and
 * the first kernel version that has it — unless `emulate_cookie` is set (uprobe,
 * tracepoint, raw_tp): then a private copy of the program is loaded in which
 * every bpf_get_attach_cookie() call returns the requested constant, and the link
 * owns that copy.
 *
 * Every function returns 0 or a negative errno and sets ebpf_errmsg() on failure;
 * new links come back through `out`.
 */
#ifndef EBPF_LINK_H
#define EBPF_LINK_H

#include <ebpf/common.h>
#include <ebpf/collection.h>

#ifdef __cplusplus
extern "C" {
#endif

struct ebpf_link;

/* ------------------------------------------------------------ uprobes */

struct ebpf_uprobe_opts {
	size_t sz;
	uint64_t cookie;		/* read back with bpf_get_attach_cookie() */
	/* Added to the function's offset; with func_name NULL, the raw file offset. */
	uint64_t offset;
	int pid;			/* only this process; 0 (default) or -1: every process */
	bool retprobe;			/* uretprobe: fire on return */
	uint64_t ref_ctr_offset;	/* file offset of a USDT semaphore, 0: none */
	bool emulate_cookie;		/* see the header comment */
};

/*
 * Attach a uprobe (prog of type kprobe) to `func_name` in the ELF file `binary`.
 * `binary` is a path, or a bare name searched in PATH (programs) or the library
 * directories ("libc.so.6"). The function is looked up in .symtab, then .dynsym,
 * and its address translated to a file offset, so PIE executables and shared
 * libraries work. Errors: -ENOENT (no binary / no such function), -ENOTUNIQ
 * (ambiguous symbol), -EOPNOTSUPP (cookie not supported and not emulated).
 */
EBPF_API int ebpf_link_uprobe(const struct ebpf_prog *prog, const char *binary,
			      const char *func_name, const struct ebpf_uprobe_opts *opts,
			      struct ebpf_link **out);

struct ebpf_uprobe_multi_opts {
	size_t sz;
	const uint64_t *ref_ctr_offsets;	/* cnt entries, or NULL */
	int pid;				/* 0: every process */
	bool retprobe;
};

/*
 * One link on `cnt` targets of one binary (Linux 6.6+): target i is syms[i]
 * (resolved like ebpf_link_uprobe) plus offsets[i], or the raw file offset
 * offsets[i] when syms is NULL; its cookie is cookies[i] (cookies may be NULL).
 * -EOPNOTSUPP with a message on kernels without uprobe_multi links.
 */
EBPF_API int ebpf_link_uprobe_multi(const struct ebpf_prog *prog, const char *binary,
				    const char *const *syms, const uint64_t *offsets,
				    const uint64_t *cookies, size_t cnt,
				    const struct ebpf_uprobe_multi_opts *opts, struct ebpf_link **out);

/* ------------------------------------------------------------ kprobes */

struct ebpf_kprobe_opts {
	size_t sz;
	uint64_t cookie;
	uint64_t offset;		/* offset into the function */
	bool retprobe;
};

/*
 * Attach a kprobe/kretprobe on kernel function `func_name`. -EOPNOTSUPP with
 * "kprobes are not available in this kernel (CONFIG_KPROBES is off)" where the
 * kernel has neither the kprobe PMU nor kprobe_events.
 */
EBPF_API int ebpf_link_kprobe(const struct ebpf_prog *prog, const char *func_name,
			      const struct ebpf_kprobe_opts *opts, struct ebpf_link **out);

/* kprobe_multi (5.18+): one link on `cnt` kernel functions, cookies[i] per function (may be NULL). */
EBPF_API int ebpf_link_kprobe_multi(const struct ebpf_prog *prog, const char *const *syms,
				    const uint64_t *cookies, size_t cnt,
				    const struct ebpf_kprobe_opts *opts, struct ebpf_link **out);

/* ------------------------------------------------- tracepoints and tracing */

struct ebpf_tp_opts {
	size_t sz;
	uint64_t cookie;
	bool emulate_cookie;		/* see the header comment */
};

/* A tracepoint program on tracefs event `category`/`name` (e.g. "sched", "sched_switch"). */
EBPF_API int ebpf_link_tracepoint(const struct ebpf_prog *prog, const char *category,
				  const char *name, const struct ebpf_tp_opts *opts,
				  struct ebpf_link **out);
/* A raw tracepoint program on `name` (e.g. "sys_enter"); cookies need Linux 6.10. */
EBPF_API int ebpf_link_raw_tp(const struct ebpf_prog *prog, const char *name,
			      const struct ebpf_tp_opts *opts, struct ebpf_link **out);

struct ebpf_tracing_opts {
	size_t sz;
	uint64_t cookie;
};

/*
 * A tracing program (tp_btf, fentry, fexit, fmod_ret) or lsm program at the
 * target it was loaded for. Cookies need Linux 6.0 (fentry & co) / 6.10 (tp_btf).
 */
EBPF_API int ebpf_link_tracing(const struct ebpf_prog *prog, const struct ebpf_tracing_opts *opts,
			       struct ebpf_link **out);

/* --------------------------------------------------------------- iterators */

struct ebpf_iter_opts {
	size_t sz;
	int map_fd;			/* map element iterators: the map; 0: none */
};

/* Attach an iter/ program; read its output with ebpf_iter_read_all() or ebpf_iter_open(). */
EBPF_API int ebpf_link_iter(const struct ebpf_prog *prog, const struct ebpf_iter_opts *opts,
			    struct ebpf_link **out);
/* A new readable fd running the iterator once (O_CLOEXEC); the caller closes it. */
EBPF_API int ebpf_iter_open(const struct ebpf_link *link, int *fd);
/*
 * Run the iterator once and return all of its output in a NUL-terminated buffer
 * the caller frees with free(); *len (may be NULL) gets the byte count.
 */
EBPF_API int ebpf_iter_read_all(const struct ebpf_link *link, char **buf, size_t *len);

/* --------------------------------------------------------------- networking */

/* XDP attach modes (the kernel's XDP_FLAGS_*). 0: let the kernel choose. */
enum {
	EBPF_XDP_FLAGS_SKB_MODE = 1u << 1,	/* generic XDP */
	EBPF_XDP_FLAGS_DRV_MODE = 1u << 2,	/* native (driver) XDP */
	EBPF_XDP_FLAGS_HW_MODE = 1u << 3,
};

/* An XDP link on interface `ifindex`. */
EBPF_API int ebpf_link_xdp(const struct ebpf_prog *prog, int ifindex, uint32_t flags,
			   struct ebpf_link **out);

struct ebpf_tcx_opts {
	size_t sz;
	uint32_t flags;			/* BPF_F_BEFORE / BPF_F_AFTER ... (0: append) */
	uint32_t relative_fd;
	uint64_t expected_revision;
};

/*
 * A tcx link (Linux 6.6+) of a tc (sched_cls) program on `ifindex`, where
 * `attach_type` is EBPF_TCX_INGRESS or EBPF_TCX_EGRESS. -EOPNOTSUPP naming 6.6 on
 * older kernels.
 */
EBPF_API int ebpf_link_tcx(const struct ebpf_prog *prog, int ifindex,
			   enum ebpf_attach_type attach_type, const struct ebpf_tcx_opts *opts,
			   struct ebpf_link **out);

/*
 * A cgroup program on the cgroup directory fd `cgroup_fd` with `attach_type`
 * (EBPF_ATTACH_TYPE_NONE: the program's expected attach type). Uses a link where
 * the kernel has them, else BPF_PROG_ATTACH with BPF_F_ALLOW_MULTI.
 */
EBPF_API int ebpf_link_cgroup(const struct ebpf_prog *prog, int cgroup_fd,
			      enum ebpf_attach_type attach_type, struct ebpf_link **out);

/* ------------------------------------------------------------ auto-attach */

struct ebpf_auto_opts {
	size_t sz;
	uint64_t cookie;
	bool emulate_cookie;
	int ifindex;			/* xdp, tc/tcx sections */
};

/*
 * Attach as the program's section name says: uprobe/PATH:FUNC[+OFF],
 * uretprobe/..., kprobe/FUNC, kretprobe/FUNC, tp/CAT/NAME, tracepoint/CAT/NAME,
 * raw_tp/NAME, raw_tracepoint/NAME, tp_btf/..., fentry/..., fexit/..., lsm/...,
 * iter/..., xdp (opts->ifindex), tcx/ingress, tcx/egress, tc/ingress, tc/egress
 * (opts->ifindex). -EINVAL with a message for sections that carry no target.
 */
EBPF_API int ebpf_link_auto(const struct ebpf_prog *prog, const struct ebpf_auto_opts *opts,
			    struct ebpf_link **out);

/* ------------------------------------------------------------ every link */

/*
 * Close the link: the attachment ends unless a pin (or another process holding
 * the link fd) keeps it alive. Frees the link and any private program copy it
 * owns. NULL is accepted.
 */
EBPF_API void ebpf_link_close(struct ebpf_link *link);
/* Detach now, even if pinned or shared; the link object stays valid until closed. */
EBPF_API int ebpf_link_detach(struct ebpf_link *link);
/* The link fd (for perf-ioctl attachments on old kernels, the perf event fd). */
EBPF_API int ebpf_link_fd(const struct ebpf_link *link);
/* Pin to `path` on a bpffs; the pin keeps the attachment alive after close. */
EBPF_API int ebpf_link_pin(struct ebpf_link *link, const char *path);
/* Remove the pin made by ebpf_link_pin() (or the one the link was opened from). */
EBPF_API int ebpf_link_unpin(struct ebpf_link *link);
/* Open a link pinned at `path`. */
EBPF_API int ebpf_link_open_pinned(const char *path, struct ebpf_link **out);
/* Replace the link's program (xdp, tcx, cgroup, iter... links that allow it). */
EBPF_API int ebpf_link_update_prog(struct ebpf_link *link, const struct ebpf_prog *prog);
/* True when the link runs a private copy of the program with the cookie built in. */
EBPF_API bool ebpf_link_cookie_emulated(const struct ebpf_link *link);

struct ebpf_link_info {
	enum ebpf_link_type type;
	uint32_t id;
	uint32_t prog_id;
	/* The attach type, where the kernel reports it (tracing, tcx); else EBPF_ATTACH_TYPE_NONE. */
	enum ebpf_attach_type attach_type;
	uint32_t ifindex;		/* xdp, tcx: 0 otherwise */
};
/* What the kernel says about the link (BPF_OBJ_GET_INFO_BY_FD). */
EBPF_API int ebpf_link_info(const struct ebpf_link *link, struct ebpf_link_info *info);

#ifdef __cplusplus
}
#endif
#endif
