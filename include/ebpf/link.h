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
 * new links come back through `out` (NULL on failure), owned by the caller until
 * ebpf_link_close(). `prog` must be a loaded program of a live collection; it is
 * used only during the call. Errors every attach function can return: -EINVAL
 * (NULL prog or out), -EBADF (the program was not loaded), -ENOMEM, and the
 * kernel's errno from perf_event_open()/BPF_LINK_CREATE (-EPERM without
 * privilege, ...). Options: see EBPF_OPTS in ebpf/common.h; NULL is defaults.
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
	uint64_t cookie;		/* read back with bpf_get_attach_cookie(); 0: none */
	/* Added to the function's offset; with func_name NULL, the raw file offset. */
	uint64_t offset;
	int pid;			/* only this process; 0 (default) or negative: every process */
	bool retprobe;			/* uretprobe: fire on return (default: on entry) */
	/* File offset of a USDT semaphore the kernel increments while attached; 0: none.
	 * Must fit in 32 bits (-EINVAL otherwise). */
	uint64_t ref_ctr_offset;
	bool emulate_cookie;		/* see the header comment; default false */
};

/*
 * Attach a uprobe (prog of type kprobe) to `func_name` in the ELF file `binary`.
 * `binary` is a path, or a bare name searched in PATH (programs) or the library
 * directories ("libc.so.6"). The function is looked up in .symtab, then .dynsym,
 * and its address translated to a file offset, so PIE executables and shared
 * libraries work. With func_name NULL, opts->offset is the file offset. Errors:
 * -EINVAL (empty binary, not an ELF executable/library, offset overflow),
 * -ENOENT (binary not found, no such function), -ENAMETOOLONG, -ENOTUNIQ
 * (ambiguous symbol), -EOPNOTSUPP (no uprobe PMU, or cookie not supported and
 * not emulated), or the error of loading the emulated copy.
 */
EBPF_API int ebpf_link_uprobe(const struct ebpf_prog *prog, const char *binary,
			      const char *func_name, const struct ebpf_uprobe_opts *opts,
			      struct ebpf_link **out);

struct ebpf_uprobe_multi_opts {
	size_t sz;
	const uint64_t *ref_ctr_offsets;	/* cnt USDT semaphore offsets, or NULL (default): none */
	int pid;				/* only this process; 0 (default) or negative: every process */
	bool retprobe;				/* fire on return (default: on entry) */
};

/*
 * One link on `cnt` targets of one binary (Linux 6.6+): target i is syms[i]
 * (resolved like ebpf_link_uprobe) plus offsets[i], or the raw file offset
 * offsets[i] when syms is NULL; its cookie is cookies[i] (cookies may be NULL).
 * The arrays are read during the call only. The program must have been loaded
 * as uprobe.multi (SEC("uprobe.multi/...")). Errors: -EINVAL (cnt 0 or over
 * UINT32_MAX, syms and offsets both NULL, wrong attach type, offset overflow),
 * symbol/binary errors as ebpf_link_uprobe(), -EOPNOTSUPP with a message on
 * kernels without uprobe_multi links.
 */
EBPF_API int ebpf_link_uprobe_multi(const struct ebpf_prog *prog, const char *binary,
				    const char *const *syms, const uint64_t *offsets,
				    const uint64_t *cookies, size_t cnt,
				    const struct ebpf_uprobe_multi_opts *opts, struct ebpf_link **out);

/* ------------------------------------------------------------ kprobes */

struct ebpf_kprobe_opts {
	size_t sz;
	uint64_t cookie;		/* ebpf_link_kprobe only; 0: none. Never emulated */
	uint64_t offset;		/* ebpf_link_kprobe only: offset into the function */
	bool retprobe;			/* kretprobe: fire on return (default: on entry) */
};

/*
 * Attach a kprobe/kretprobe on kernel function `func_name`. Errors: -EINVAL
 * (NULL or empty func_name); -EOPNOTSUPP with "kprobes are not available in this
 * kernel (CONFIG_KPROBES is off)" where the kernel has neither the kprobe PMU nor
 * kprobe_events, or when a cookie is asked for and the kernel cannot carry it.
 */
EBPF_API int ebpf_link_kprobe(const struct ebpf_prog *prog, const char *func_name,
			      const struct ebpf_kprobe_opts *opts, struct ebpf_link **out);

/*
 * kprobe_multi (5.18+): one link on `cnt` kernel functions syms[i], with
 * cookies[i] per function (cookies may be NULL); the arrays are read during the
 * call only. Of opts only retprobe is used. Errors: -EINVAL (syms NULL, cnt 0
 * or over UINT32_MAX), -EOPNOTSUPP (no kprobe_multi links: needs CONFIG_FPROBE).
 */
EBPF_API int ebpf_link_kprobe_multi(const struct ebpf_prog *prog, const char *const *syms,
				    const uint64_t *cookies, size_t cnt,
				    const struct ebpf_kprobe_opts *opts, struct ebpf_link **out);

/* ------------------------------------------------- tracepoints and tracing */

struct ebpf_tp_opts {
	size_t sz;
	uint64_t cookie;		/* 0 (default): none */
	bool emulate_cookie;		/* see the header comment; default false */
};

/*
 * A tracepoint program on tracefs event `category`/`name` (e.g. "sched",
 * "sched_switch"); cookies need Linux 5.15 or emulate_cookie. Errors: -EINVAL
 * (bad names), -ENOENT (no such tracepoint, or no tracefs and it cannot be
 * mounted), -EOPNOTSUPP (cookie not carried and not emulated).
 */
EBPF_API int ebpf_link_tracepoint(const struct ebpf_prog *prog, const char *category,
				  const char *name, const struct ebpf_tp_opts *opts,
				  struct ebpf_link **out);
/*
 * A raw tracepoint program on `name` (e.g. "sys_enter"); cookies need Linux 6.10
 * or emulate_cookie. Errors: -EINVAL (NULL or empty name), -ENOENT (no such raw
 * tracepoint), -EOPNOTSUPP (cookie not carried and not emulated).
 */
EBPF_API int ebpf_link_raw_tp(const struct ebpf_prog *prog, const char *name,
			      const struct ebpf_tp_opts *opts, struct ebpf_link **out);

struct ebpf_tracing_opts {
	size_t sz;
	uint64_t cookie;		/* 0 (default): none. Never emulated */
};

/*
 * A tracing program (tp_btf, fentry, fexit, fmod_ret) or lsm program at the
 * target it was loaded for. Cookies need Linux 6.0 (fentry & co) / 6.10 (tp_btf),
 * else -EOPNOTSUPP. -EINVAL when prog is neither a tracing nor an lsm program.
 */
EBPF_API int ebpf_link_tracing(const struct ebpf_prog *prog, const struct ebpf_tracing_opts *opts,
			       struct ebpf_link **out);

/* --------------------------------------------------------------- iterators */

struct ebpf_iter_opts {
	size_t sz;
	int map_fd;			/* map element iterators: the map's fd; 0 (default): none */
};

/*
 * Attach an iter/ program; read its output with ebpf_iter_read_all() or
 * ebpf_iter_open(). -EINVAL when prog was not loaded as an iterator.
 */
EBPF_API int ebpf_link_iter(const struct ebpf_prog *prog, const struct ebpf_iter_opts *opts,
			    struct ebpf_link **out);
/*
 * A new readable fd running the iterator once (O_CLOEXEC); read() it to the end,
 * then the caller closes it. -EINVAL when link is NULL or not a kernel link.
 */
EBPF_API int ebpf_iter_open(const struct ebpf_link *link, int *fd);
/*
 * Run the iterator once and return all of its output in a NUL-terminated buffer
 * the caller frees with free(); *len (may be NULL) gets the byte count. Errors
 * (*buf NULL): those of ebpf_iter_open(), -E2BIG (output over 256 MiB), -ENOMEM,
 * or the read() errno.
 */
EBPF_API int ebpf_iter_read_all(const struct ebpf_link *link, char **buf, size_t *len);

/* --------------------------------------------------------------- networking */

/* XDP attach modes (the kernel's XDP_FLAGS_*). 0: let the kernel choose. */
enum {
	EBPF_XDP_FLAGS_SKB_MODE = 1u << 1,	/* generic XDP */
	EBPF_XDP_FLAGS_DRV_MODE = 1u << 2,	/* native (driver) XDP */
	EBPF_XDP_FLAGS_HW_MODE = 1u << 3,
};

/*
 * An XDP link on interface `ifindex`, `flags` at most one EBPF_XDP_FLAGS_*_MODE.
 * Errors: -EINVAL (ifindex <= 0, other or several flags), -EBUSY (another XDP
 * program is attached), -EOPNOTSUPP (DRV_MODE on a driver without native XDP).
 */
EBPF_API int ebpf_link_xdp(const struct ebpf_prog *prog, int ifindex, uint32_t flags,
			   struct ebpf_link **out);

struct ebpf_tcx_opts {
	size_t sz;
	/* The kernel's BPF_F_BEFORE / BPF_F_AFTER / BPF_F_ID / BPF_F_LINK ordering
	 * flags, passed through as is (0, the default: append at the end). */
	uint32_t flags;
	uint32_t relative_fd;		/* the program/link (or id) that flags are relative to */
	uint64_t expected_revision;	/* fail with -ESTALE unless the chain is at it; 0: any */
};

/*
 * A tcx link (Linux 6.6+) of a tc (sched_cls) program on `ifindex`, where
 * `attach_type` is EBPF_TCX_INGRESS or EBPF_TCX_EGRESS. Errors: -EINVAL (other
 * attach type, ifindex <= 0), -EOPNOTSUPP naming 6.6 on older kernels (classic
 * tc through netlink is not supported).
 */
EBPF_API int ebpf_link_tcx(const struct ebpf_prog *prog, int ifindex,
			   enum ebpf_attach_type attach_type, const struct ebpf_tcx_opts *opts,
			   struct ebpf_link **out);

/*
 * A cgroup program on the cgroup directory fd `cgroup_fd` with `attach_type`
 * (EBPF_ATTACH_TYPE_NONE: the program's expected attach type). Uses a link where
 * the kernel has them, else BPF_PROG_ATTACH with BPF_F_ALLOW_MULTI (then the link
 * keeps its own dup of cgroup_fd, cannot be pinned, and closing it detaches).
 * The caller may close cgroup_fd after the call. Errors: -EBADF (negative
 * cgroup_fd), -EINVAL (no attach type given or implied).
 */
EBPF_API int ebpf_link_cgroup(const struct ebpf_prog *prog, int cgroup_fd,
			      enum ebpf_attach_type attach_type, struct ebpf_link **out);

/* ------------------------------------------------------------ auto-attach */

struct ebpf_auto_opts {
	size_t sz;
	/* Passed to uprobe, kprobe, tracepoint, raw_tp and tracing attaches; ignored
	 * for iter, xdp and tcx. 0 (default): none. */
	uint64_t cookie;
	bool emulate_cookie;		/* uprobe, tracepoint, raw_tp only; default false */
	int ifindex;			/* xdp, tc/tcx sections: the interface (required) */
};

/*
 * Attach as the program's section name says: uprobe/PATH:FUNC[+OFF] or
 * uprobe/PATH:OFFSET, uretprobe/..., kprobe/FUNC[+OFF], kretprobe/FUNC,
 * tp/CAT/NAME, tracepoint/CAT/NAME, raw_tp/NAME, raw_tracepoint/NAME, tp_btf/...,
 * fentry/..., fexit/..., fmod_ret/..., lsm/..., iter/... (no map), xdp
 * (opts->ifindex), tcx/ingress, tcx/egress, tc/ingress, tc/egress (as tcx,
 * opts->ifindex). Errors: -EINVAL with a message for unknown sections, sections
 * that carry no target, or a malformed target; -EOPNOTSUPP for other program
 * kinds (attach those explicitly); else those of the attach function used.
 */
EBPF_API int ebpf_link_auto(const struct ebpf_prog *prog, const struct ebpf_auto_opts *opts,
			    struct ebpf_link **out);

/* ------------------------------------------------------------ every link */

/*
 * Close the link: the attachment ends unless a pin (or another process holding
 * the link fd) keeps it alive; a BPF_PROG_ATTACH cgroup attachment (old kernels)
 * is detached explicitly. Frees the link and any private program copy it owns;
 * the pin file, if any, stays. NULL is accepted.
 */
EBPF_API void ebpf_link_close(struct ebpf_link *link);
/*
 * Detach now, even if pinned or shared; the link object stays valid until closed.
 * A second call returns 0. The kernel can force this only for cgroup, xdp, tcx,
 * netns, netkit and struct_ops links (-EOPNOTSUPP with a message otherwise:
 * unpin and close instead); perf-ioctl and BPF_PROG_ATTACH attachments of old
 * kernels are always detachable. -EINVAL for NULL.
 */
EBPF_API int ebpf_link_detach(struct ebpf_link *link);
/*
 * The link fd, owned by the link (do not close it); for perf-ioctl attachments
 * on old kernels the perf event fd; -1 for BPF_PROG_ATTACH cgroup attachments;
 * -EINVAL for NULL.
 */
EBPF_API int ebpf_link_fd(const struct ebpf_link *link);
/*
 * Pin to `path` on a bpffs; the pin keeps the attachment alive after close, until
 * the file is removed (ebpf_link_unpin() or unlink). Errors: -EINVAL (NULL or
 * empty path; or, like -EPERM, a path not on a bpffs), -EEXIST, -EOPNOTSUPP
 * (attachment without a kernel link: perf ioctl or BPF_PROG_ATTACH).
 */
EBPF_API int ebpf_link_pin(struct ebpf_link *link, const char *path);
/*
 * Remove the pin made by ebpf_link_pin() (or the one the link was opened from);
 * a pin file already gone counts as removed. -EINVAL when the link has no pin,
 * else the unlink() errno.
 */
EBPF_API int ebpf_link_unpin(struct ebpf_link *link);
/*
 * Open a link pinned at `path`; the caller owns the result (close with
 * ebpf_link_close(), which leaves the pin). ebpf_link_unpin() removes that pin.
 * Errors: -EINVAL (NULL argument, or the pinned object is not a link), the
 * kernel's errno for the path (-ENOENT, -EACCES, ...), -ENOMEM.
 */
EBPF_API int ebpf_link_open_pinned(const char *path, struct ebpf_link **out);
/*
 * Atomically replace the link's program (xdp, tcx, cgroup, iter... links that
 * allow it); prog needs the same type and attach type. Errors: -EINVAL/-EBADF
 * (no link/prog, prog not loaded), -EOPNOTSUPP or -EINVAL (link type cannot be
 * updated, or the program does not match), -EOPNOTSUPP for attachments without
 * a kernel link.
 */
EBPF_API int ebpf_link_update_prog(struct ebpf_link *link, const struct ebpf_prog *prog);
/* True when the link runs a private copy of the program with the cookie built in; false for NULL. */
EBPF_API bool ebpf_link_cookie_emulated(const struct ebpf_link *link);

struct ebpf_link_info {
	enum ebpf_link_type type;	/* EBPF_LINK_TYPE_* */
	uint32_t id;			/* the kernel's link id */
	uint32_t prog_id;		/* id of the program it runs */
	/* The attach type, where the kernel reports it (tracing, tcx); else EBPF_ATTACH_TYPE_NONE. */
	enum ebpf_attach_type attach_type;
	uint32_t ifindex;		/* xdp, tcx: 0 otherwise */
};
/*
 * What the kernel says about the link (BPF_OBJ_GET_INFO_BY_FD), into *info.
 * Errors: -EINVAL (NULL argument), -EOPNOTSUPP (attachment without a kernel
 * link), the kernel's errno.
 */
EBPF_API int ebpf_link_info(const struct ebpf_link *link, struct ebpf_link_info *info);

#ifdef __cplusplus
}
#endif
#endif
