// SPDX-License-Identifier: BSD-2-Clause
/*
 * Auto-attach: read the attach point out of the program's section name, the
 * way the CLI's `run` does (uprobe/PATH:FUNC+OFF, tp/CAT/NAME, raw_tp/NAME,
 * tp_btf/..., iter/..., xdp, tcx/ingress, ...).
 */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/collection_internal.h"
#include "lib/error.h"
#include "lib/link_internal.h"

/* Split "NAME[+OFF]" into name and offset; name is copied into buf. */
static int split_func_off(const char *s, char *buf, size_t size, uint64_t *off)
{
	const char *plus = strrchr(s, '+');
	size_t len = plus ? (size_t)(plus - s) : strlen(s);
	char *end;

	*off = 0;
	if (len >= size)
		return -ENAMETOOLONG;
	memcpy(buf, s, len);
	buf[len] = '\0';
	if (plus) {
		if (!plus[1])
			return -EINVAL;
		errno = 0;
		*off = strtoull(plus + 1, &end, 0);
		if (errno || *end)
			return -EINVAL;
	}
	return 0;
}

/* uprobe/PATH:FUNC[+OFF], or PATH:OFFSET (a number) for a raw file offset. */
static int auto_uprobe(const struct ebpf_prog *prog, const char *target, bool ret,
		       const struct ebpf_auto_opts *o, struct ebpf_link **out)
{
	char path[PATH_MAX], func[256], *end;
	const char *colon = strrchr(target, ':');
	size_t plen;
	uint64_t off;

	if (!colon || colon == target || !colon[1])
		return eb_err(-EINVAL, "prog '%s': section '%s': expected uprobe/PATH:FUNCTION[+OFFSET]",
			      prog->name, prog->section);
	plen = (size_t)(colon - target);
	if (plen >= sizeof(path))
		return eb_err(-ENAMETOOLONG, "prog '%s': section '%s': path too long", prog->name,
			      prog->section);
	memcpy(path, target, plen);
	path[plen] = '\0';
	errno = 0;
	off = strtoull(colon + 1, &end, 0);
	if (!errno && !*end && colon[1] >= '0' && colon[1] <= '9')
		return ebpf_link_uprobe(prog, path, NULL,
					&EBPF_OPTS(ebpf_uprobe_opts, .offset = off, .retprobe = ret,
						   .cookie = o->cookie,
						   .emulate_cookie = o->emulate_cookie), out);
	if (split_func_off(colon + 1, func, sizeof(func), &off) || !func[0])
		return eb_err(-EINVAL, "prog '%s': section '%s': bad FUNCTION[+OFFSET] '%s'",
			      prog->name, prog->section, colon + 1);
	return ebpf_link_uprobe(prog, path, func,
				&EBPF_OPTS(ebpf_uprobe_opts, .offset = off, .retprobe = ret,
					   .cookie = o->cookie, .emulate_cookie = o->emulate_cookie),
				out);
}

static int auto_kprobe(const struct ebpf_prog *prog, const char *target, bool ret,
		       const struct ebpf_auto_opts *o, struct ebpf_link **out)
{
	char func[256];
	uint64_t off;

	if (split_func_off(target, func, sizeof(func), &off) || !func[0])
		return eb_err(-EINVAL, "prog '%s': section '%s': expected kprobe/FUNCTION[+OFFSET]",
			      prog->name, prog->section);
	return ebpf_link_kprobe(prog, func,
				&EBPF_OPTS(ebpf_kprobe_opts, .offset = off, .retprobe = ret,
					   .cookie = o->cookie), out);
}

static int auto_tracepoint(const struct ebpf_prog *prog, const char *target,
			   const struct ebpf_auto_opts *o, struct ebpf_link **out)
{
	const char *slash = strchr(target, '/');
	char cat[256];
	size_t len;

	if (!slash || slash == target || !slash[1] || (len = (size_t)(slash - target)) >= sizeof(cat))
		return eb_err(-EINVAL, "prog '%s': section '%s': expected tp/CATEGORY/NAME",
			      prog->name, prog->section);
	memcpy(cat, target, len);
	cat[len] = '\0';
	return ebpf_link_tracepoint(prog, cat, slash + 1,
				    &EBPF_OPTS(ebpf_tp_opts, .cookie = o->cookie,
					       .emulate_cookie = o->emulate_cookie), out);
}

static bool prefix_is(const char *prefix, const char *a, const char *b)
{
	return !strcmp(prefix, a) || (b && !strcmp(prefix, b));
}

EBPF_API int ebpf_link_auto(const struct ebpf_prog *prog, const struct ebpf_auto_opts *opts,
			    struct ebpf_link **out)
{
	const struct eb_sec_def *def;
	struct ebpf_auto_opts o;
	const char *target = "";
	int prog_fd;

	if (!out)
		return eb_err(-EINVAL, "auto-attach: out is required");
	*out = NULL;
	EB_OPTS_COPY(o, opts);
	prog_fd = eb_link_prog_fd(prog, "auto-attach");
	if (prog_fd < 0)
		return prog_fd;
	def = eb_sec_def_find(prog->section, &target);
	if (!def)
		return eb_err(-EINVAL, "prog '%s': section '%s': unknown section, cannot auto-attach",
			      prog->name, prog->section);
	if (!*target && !(def->flags & EB_SEC_EXACT) && prog->type != EBPF_PROG_TYPE_TRACING &&
	    prog->type != EBPF_PROG_TYPE_LSM)
		return eb_err(-EINVAL, "prog '%s': section '%s' names no attach point; attach it "
			      "explicitly", prog->name, prog->section);

	if (prefix_is(def->prefix, "uprobe", "uprobe.s"))
		return auto_uprobe(prog, target, false, &o, out);
	if (prefix_is(def->prefix, "uretprobe", "uretprobe.s"))
		return auto_uprobe(prog, target, true, &o, out);
	if (prefix_is(def->prefix, "kprobe", NULL))
		return auto_kprobe(prog, target, false, &o, out);
	if (prefix_is(def->prefix, "kretprobe", NULL))
		return auto_kprobe(prog, target, true, &o, out);
	if (prog->type == EBPF_PROG_TYPE_TRACEPOINT)
		return auto_tracepoint(prog, target, &o, out);
	if (prog->type == EBPF_PROG_TYPE_RAW_TRACEPOINT ||
	    prog->type == EBPF_PROG_TYPE_RAW_TRACEPOINT_WRITABLE)
		return ebpf_link_raw_tp(prog, target,
					&EBPF_OPTS(ebpf_tp_opts, .cookie = o.cookie,
						   .emulate_cookie = o.emulate_cookie), out);
	if (prog->attach_type == EBPF_TRACE_ITER)
		return ebpf_link_iter(prog, NULL, out);
	if (prog->type == EBPF_PROG_TYPE_TRACING || prog->type == EBPF_PROG_TYPE_LSM)
		return ebpf_link_tracing(prog, &EBPF_OPTS(ebpf_tracing_opts, .cookie = o.cookie), out);
	if (prog->type == EBPF_PROG_TYPE_XDP && prog->attach_type == EBPF_XDP)
		return ebpf_link_xdp(prog, o.ifindex, 0, out);
	if (prog->type == EBPF_PROG_TYPE_SCHED_CLS &&
	    (prog->attach_type == EBPF_TCX_INGRESS || prog->attach_type == EBPF_TCX_EGRESS))
		return ebpf_link_tcx(prog, o.ifindex, prog->attach_type, NULL, out);
	return eb_err(-EOPNOTSUPP, "prog '%s': section '%s': auto-attach is not supported for "
		      "this kind of program; attach it explicitly", prog->name, prog->section);
}
