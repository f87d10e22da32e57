// SPDX-License-Identifier: BSD-2-Clause
/*
 * C-like rendering of a BTF type for messages: "struct task_struct *(s32)",
 * "void (*)(int)", "const char *", "int (*)[4]".
 *
 * C declarations read inside out, so the renderer carries the declarator built
 * so far ("*", "(*)[4]", "name") down to the base type and writes
 * "<base> <declarator>" once it gets there: a pointer prepends "*", an array or a
 * prototype appends "[n]" / "(params)" (wrapping a pointer declarator in
 * parentheses first), a qualifier on a pointer goes after the "*". Typedef names
 * are kept (they are what the user wrote). Every buffer is bounded and the depth
 * is capped, so any valid BTF renders, truncated at worst.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "btf/btf_internal.h"
#include "lib/error.h"

#define TS_MAX_DEPTH 16
#define TS_BUF 256

static void putf(char *buf, size_t len, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static void appendf(char *buf, size_t len, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

/* snprintf that truncates silently: truncation is this file's intent, not a bug. */
static void putf(char *buf, size_t len, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(buf, len, fmt, ap);
	va_end(ap);
}

/* Append to a NUL-terminated buffer, truncating. */
static void appendf(char *buf, size_t len, const char *fmt, ...)
{
	size_t used = strnlen(buf, len);
	va_list ap;

	if (used + 1 >= len)
		return;
	va_start(ap, fmt);
	vsnprintf(buf + used, len - used, fmt, ap);
	va_end(ap);
}

static void render(const struct ebpf_btf *btf, uint32_t id, const char *decl, char *out, size_t len,
		   unsigned depth);

/* "<base>" or "<base> <decl>". */
static void finish(const char *base, const char *decl, char *out, size_t len)
{
	putf(out, len, "%s%s%s", base, *decl ? " " : "", decl);
}

/* A postfix declarator ([n], (params)) binds tighter than "*": parenthesize pointers. */
static void postfix(const char *decl, const char *suffix, char *out, size_t len)
{
	if (*decl == '*')
		putf(out, len, "(%s)%s", decl, suffix);
	else
		putf(out, len, "%s%s", decl, suffix);
}

static void render_params(const struct ebpf_btf *btf, const struct btf_type *t, char *out, size_t len,
			  unsigned depth)
{
	const struct btf_param *p = btf_params(t);
	unsigned n = btf_vlen(t);

	putf(out, len, "(");
	if (!n)
		appendf(out, len, "void");
	for (unsigned i = 0; i < n; i++) {
		char one[TS_BUF];

		if (!p[i].type) {
			putf(one, sizeof(one), "...");
		} else {
			one[0] = '\0';
			render(btf, p[i].type, "", one, sizeof(one), depth + 1);
		}
		appendf(out, len, "%s%s", i ? ", " : "", one);
	}
	appendf(out, len, ")");
}

static const char *aggregate_word(const struct btf_type *t)
{
	switch (btf_kind(t)) {
	case BTF_KIND_UNION: return "union";
	case BTF_KIND_FWD: return btf_kflag(t) ? "union" : "struct";
	case BTF_KIND_ENUM: case BTF_KIND_ENUM64: return "enum";
	default: return "struct";
	}
}

static const char *qualifier(unsigned kind)
{
	switch (kind) {
	case BTF_KIND_CONST: return "const";
	case BTF_KIND_VOLATILE: return "volatile";
	default: return "restrict";
	}
}

static void render(const struct ebpf_btf *btf, uint32_t id, const char *decl, char *out, size_t len,
		   unsigned depth)
{
	const struct btf_type *t = eb_btf_type(btf, id);
	char next[TS_BUF], base[TS_BUF];
	const char *name;

	if (depth > TS_MAX_DEPTH) {
		finish("...", decl, out, len);
		return;
	}
	if (!t) {
		finish(id ? "?" : "void", decl, out, len);
		return;
	}
	name = eb_btf_name(btf, t);
	switch (btf_kind(t)) {
	case BTF_KIND_INT: case BTF_KIND_FLOAT: case BTF_KIND_TYPEDEF:
		finish(name, decl, out, len);
		return;
	case BTF_KIND_STRUCT: case BTF_KIND_UNION: case BTF_KIND_ENUM: case BTF_KIND_ENUM64:
	case BTF_KIND_FWD:
		putf(base, sizeof(base), "%s %s", aggregate_word(t), *name ? name : "{...}");
		finish(base, decl, out, len);
		return;
	case BTF_KIND_PTR:
		putf(next, sizeof(next), "*%s", decl);
		render(btf, t->type, next, out, len, depth + 1);
		return;
	case BTF_KIND_CONST: case BTF_KIND_VOLATILE: case BTF_KIND_RESTRICT: {
		const struct btf_type *target = eb_btf_skip_mods(btf, t->type, NULL);

		/* "char *const": a qualified pointer keeps the qualifier after its "*". */
		if (target && btf_kind(target) == BTF_KIND_PTR) {
			finish(qualifier(btf_kind(t)), decl, next, sizeof(next));
			render(btf, t->type, next, out, len, depth + 1);
			return;
		}
		render(btf, t->type, decl, next, sizeof(next), depth + 1);
		putf(out, len, "%s %s", qualifier(btf_kind(t)), next);
		return;
	}
	case BTF_KIND_TYPE_TAG:
		/* Written where the kernel source writes __rcu, __user: after the base type. */
		putf(base, sizeof(base), "__%s", name);
		finish(base, decl, next, sizeof(next));
		render(btf, t->type, next, out, len, depth + 1);
		return;
	case BTF_KIND_ARRAY: {
		char dim[24];

		putf(dim, sizeof(dim), "[%u]", btf_array_info(t)->nelems);
		postfix(decl, dim, next, sizeof(next));
		render(btf, btf_array_info(t)->type, next, out, len, depth + 1);
		return;
	}
	case BTF_KIND_FUNC_PROTO:
		render_params(btf, t, base, sizeof(base), depth);
		postfix(decl, base, next, sizeof(next));
		render(btf, t->type, next, out, len, depth + 1);
		return;
	case BTF_KIND_FUNC: case BTF_KIND_VAR:
		/* Declared with their name: "struct task_struct *bpf_task_from_pid(s32)". */
		putf(next, sizeof(next), "%s%s", name, decl);
		render(btf, t->type, next, out, len, depth + 1);
		return;
	case BTF_KIND_DATASEC:
		putf(base, sizeof(base), "datasec %s", name);
		finish(base, decl, out, len);
		return;
	case BTF_KIND_DECL_TAG:
		putf(base, sizeof(base), "decl_tag %s", name);
		finish(base, decl, out, len);
		return;
	default:
		finish("?", decl, out, len);
		return;
	}
}

int eb_btf_type_str(const struct ebpf_btf *btf, uint32_t id, char *buf, size_t len)
{
	char tmp[TS_BUF];

	if (!len)
		return 0;
	buf[0] = '\0';
	if (!btf || (id && !eb_btf_type(btf, id))) {
		putf(buf, len, "?");
		return eb_err(-EINVAL, "BTF: type id %u is not in this BTF", id);
	}
	tmp[0] = '\0';
	render(btf, id, "", tmp, sizeof(tmp), 0);
	putf(buf, len, "%s", tmp);
	return 0;
}
