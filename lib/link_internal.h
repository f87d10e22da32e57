/* SPDX-License-Identifier: BSD-2-Clause */
/* Internal: the link object shared by lib/link*.c, uprobe resolution and tracefs. */
#ifndef EB_LINK_INTERNAL_H
#define EB_LINK_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <ebpf/link.h>

#include "lib/features.h"

enum eb_link_kind {
	EB_LINK_BPF = 1,	/* fd is a bpf link: detach/pin/update/info work */
	EB_LINK_PERF_IOCTL,	/* fd is a perf event with the program set by ioctl (pre-5.15) */
	EB_LINK_PROG_ATTACH,	/* BPF_PROG_ATTACH: detach with PROG_DETACH(target, prog) */
};

struct ebpf_link {
	enum eb_link_kind kind;
	int fd;			/* link fd, perf event fd (PERF_IOCTL) or -1 (PROG_ATTACH) */
	int priv_prog_fd;	/* cookie emulation: the private program copy, else -1 */
	/* PROG_ATTACH only: what to detach. */
	int target_fd;
	int prog_fd;
	uint32_t attach_type;
	bool detached;
	char *pin_path;		/* where we pinned it / opened it from, or NULL */
};

/*
 * Copy a caller's options struct (NULL: defaults) into a zeroed local one, up to
 * the smaller of the two sizes, so older and newer callers both work.
 */
static inline void eb_opts_copy(void *dst, size_t dst_sz, const void *src)
{
	memset(dst, 0, dst_sz);
	if (src) {
		size_t sz = *(const size_t *)src;

		memcpy(dst, src, sz < dst_sz ? sz : dst_sz);
	}
	*(size_t *)dst = dst_sz;
}
#define EB_OPTS_COPY(local, opts) eb_opts_copy(&(local), sizeof(local), (opts))

/* A new link object around `fd` (taken over). NULL on ENOMEM (fd is then closed). */
struct ebpf_link *eb_link_new(enum eb_link_kind kind, int fd);
/*
 * The common end of an attach call: a link of `kind` around `fd`, owning the
 * emulated program copy `priv_prog_fd` (-1: none), stored in *out. Both fds are
 * taken over (closed on -ENOMEM).
 */
int eb_link_done(enum eb_link_kind kind, int fd, int priv_prog_fd, struct ebpf_link **out);

/* The program's loaded fd or an error naming it if it did not load. */
int eb_link_prog_fd(const struct ebpf_prog *prog, const char *what);
/*
 * The common start of an attach call of `family` ("uprobe", "xdp", ...): out is
 * required and cleared; returns the program's fd or the error.
 */
int eb_link_begin(const struct ebpf_prog *prog, const char *family, struct ebpf_link **out);

/*
 * Decide how to honour `cookie` for an attach family whose cookie support is
 * `feat`: 0 → attach normally; 1 → emulate (only if `emulate` and the kernel
 * lacks the feature, or when forced by tests); -EOPNOTSUPP with the feature's
 * name and first kernel in errmsg when a non-zero cookie cannot be carried.
 */
int eb_link_cookie_plan(enum eb_feature feat, uint64_t cookie, bool emulate, const char *what);
/*
 * Carry out a cookie plan: for plan 1, load the emulated copy with `*cookie`
 * built in, point *prog_fd at it and clear *cookie (nothing left for the kernel
 * to carry). *priv_fd receives the copy's fd (owned by the caller) or -1.
 * 0 or a negative errno with `what` in the message.
 */
int eb_link_plan_prog(const struct ebpf_prog *prog, int plan, uint64_t *cookie, int *prog_fd,
		      int *priv_fd, const char *what);
/*
 * Multi-target links (uprobe_multi, kprobe_multi) carry cookies themselves:
 * refuse when the kernel lacks the link kind `feat` (`extra` appended to the
 * message, may be ""), or when tests force "no cookies" and cookies were given.
 */
int eb_link_multi_check(enum eb_feature feat, bool cookies, const char *what, const char *extra);

/*
 * Cookie emulation: load a private copy of `prog` in which every call to
 * bpf_get_attach_cookie() returns `cookie`. Returns the new program fd (owned by
 * the caller) or a negative errno.
 */
int eb_link_emulated_prog(const struct ebpf_prog *prog, uint64_t cookie);

/*
 * The rewrite itself (pure, unit-tested): every `call bpf_get_attach_cookie`
 * becomes a bpf-to-bpf call to a 3-instruction subprogram appended to the image
 * (`r0 = cookie ll; exit`). BTF info must describe every subprogram, and the
 * verifier takes a subprogram whose FUNC type has global linkage for a global
 * function (verified alone, arguments checked against its prototype), which the
 * appended code is not. So the new subprogram's func_info record names
 * `static_func_type`, any FUNC of static linkage in the loaded object BTF (the
 * verifier checks nothing else of a static subprogram's type), plus a line_info
 * record; when the object has no static FUNC (0), func_info and line_info are
 * dropped from the copy — it then loads like a program without BTF info, losing
 * only source lines in verifier logs. *rewritten receives the calls changed.
 */
struct eb_prog_image;
int eb_cookie_rewrite(struct eb_prog_image *img, uint64_t cookie, uint32_t static_func_type,
		      uint32_t *rewritten);

#ifdef EBPF_FAULT_INJECTION
/* Tests: behave as if the kernel had no attach cookies at all. */
void eb_link_force_no_cookie(bool on);
#endif
bool eb_link_no_cookie_forced(void);

/* ------------------------------------------------------------ perf events */

/*
 * Attach program fd `prog_fd` to the perf event `pfd` (taken over, closed on
 * error): a bpf perf link carrying `cookie` where the kernel has perf links,
 * else PERF_EVENT_IOC_SET_BPF (then a non-zero cookie is -EOPNOTSUPP naming
 * 5.15). `what` prefixes messages.
 */
int eb_link_perf_attach(int prog_fd, int pfd, uint64_t cookie, const char *what,
			struct ebpf_link **out);
/*
 * The common tail of perf-event attach calls: load the emulated copy if `plan`
 * says so, attach, and hand the copy to the link. Takes over pfd.
 */
int eb_link_perf_finish(const struct ebpf_prog *prog, int pfd, uint64_t cookie, int plan,
			const char *what, struct ebpf_link **out);
/*
 * Start the perf_event_attr of a kprobe/uprobe on PMU `pmu` ("kprobe" or
 * "uprobe"): size, PMU type, and the retprobe config bit if asked. -EOPNOTSUPP
 * with `what` in the message when the kernel has no such PMU.
 */
struct perf_event_attr;
int eb_probe_event_attr(const char *pmu, bool retprobe, const char *what,
			struct perf_event_attr *attr);

/* ------------------------------------------------------ uprobe resolution */

/* File offset of function `func` in ELF file `path` (.symtab, then .dynsym). */
int eb_uprobe_resolve(const char *path, const char *func, uint64_t *offset);
/* A bare binary/library name → a path (PATH / library directories); paths pass through. */
int eb_uprobe_find_binary(const char *name, char *out, size_t out_sz);
/* `path` with symlinks resolved (realpath), as given to the kernel. */
int eb_uprobe_real_path(const char *path, char *out, size_t out_sz);

/* ---------------------------------------------------------------- tracefs */

/* The tracefs mount point, mounting tracefs at /sys/kernel/tracing if needed; NULL if none. */
const char *eb_tracefs_root(void);
/* The id of tracepoint category/name (tracefs events/<category>/<name>/id). */
int eb_tracepoint_id(const char *category, const char *name, uint64_t *id);
/* perf PMU type of /sys/bus/event_source/devices/<pmu> (negative errno, no errmsg, if absent). */
int eb_pmu_type(const char *pmu, uint32_t *type);
/* The config bit of PMU format field `field` ("retprobe" → "config:0" → 0). */
int eb_pmu_config_bit(const char *pmu, const char *field, uint32_t *bit);
/* 0 if kprobes can be created, else -EOPNOTSUPP with the CONFIG_KPROBES message. */
int eb_kprobes_available(void);

#endif
