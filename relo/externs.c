// SPDX-License-Identifier: BSD-2-Clause
/*
 * Resolving a spec's externs against one kernel, once per load: kfuncs and typed
 * __ksym variables in kernel BTF (prototype/type checked), typeless __ksym in
 * /proc/kallsyms, .kconfig values. Nothing here fails the load for a missing
 * symbol: each result records found/why, and eb_relo_program() fails only the
 * programs that use a strong symbol that was not found (libbpf fails the whole
 * object instead).
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "lib/alloc.h"
#include "lib/error.h"
#include "relo/relo_internal.h"

const char *eb_extern_kind_str(enum ebpf_extern_kind kind)
{
	switch (kind) {
	case EBPF_EXTERN_KCONFIG: return "kconfig";
	case EBPF_EXTERN_KSYM_VAR: return "ksym";
	case EBPF_EXTERN_KSYM_TYPELESS: return "ksym";
	case EBPF_EXTERN_KFUNC: return "kfunc";
	}
	return "extern";
}

/* Record that `ext` is not available, with the reason in errmsg. */
static int miss(const struct eb_extern *ext, struct eb_extern_res *r, int err)
{
	r->found = false;
	r->err = err;
	r->msg = eb_strdup(ebpf_errmsg());
	if (!r->msg)
		return -ENOMEM;
	/* A missing weak symbol is expected; one that is there but does not match is suspicious. */
	if (ext->weak)
		eb_log(err == -ENOENT ? EBPF_LOG_INFO : EBPF_LOG_WARN,"weak %s '%s' resolves to zero: %s", eb_extern_kind_str(ext->kind), ext->name,
			r->msg);
	return 0;
}

/*
 * Find `name` of `kind` in the target kernel's BTF: env->kbtf first, then (if
 * allowed and the name is absent) module BTF. *btf gets a new reference.
 * `pre` is the answer of env->kbtf already found by the batched pass
 * (resolve_kbtf_batch: an id or -ENOENT).
 */
static int find_kernel(const struct eb_relo_env *env, const char *name, unsigned kind, int32_t pre,
		       struct ebpf_btf **btf, uint32_t *id, const char **module)
{
	int32_t found;

	*btf = NULL;
	*module = NULL;
	if (env->kbtf) {
		found = pre;
		if (found > 0) {
			*btf = eb_btf_get(env->kbtf);
			*id = (uint32_t)found;
			return 0;
		}
	}
	if (env->allow_module_btf) {
		int err = eb_btf_kernel_find(name, kind, btf, id, module);

		if (!err)
			return 0;
		if (err != -ENOENT)
			return err;
	}
	return -ENOENT;
}

/* Render a type for a message; "?" if it cannot be rendered. */
static const char *type_str(const struct ebpf_btf *btf, uint32_t id, char *buf, size_t len)
{
	if (!btf || eb_btf_type_str(btf, id, buf, len) < 0)
		snprintf(buf, len, "?");
	return buf;
}

/*
 * The kernel BTF symbol of a kfunc or typed ksym (FUNC / VAR): found, and its
 * prototype / type compatible with the local declaration.
 */
static int resolve_btf_sym(const struct ebpf_spec *spec, const struct eb_extern *ext,
			   const struct eb_relo_env *env, int32_t pre, struct eb_extern_res *r)
{
	bool is_func = ext->kind == EBPF_EXTERN_KFUNC;
	unsigned kind = is_func ? BTF_KIND_FUNC : BTF_KIND_VAR;
	const struct btf_type *t;
	struct ebpf_btf *btf;
	const char *module;
	uint32_t id = 0;
	int err;

	if (!env->kbtf && !env->allow_module_btf)
		return miss(ext, r, eb_err(-ENOENT, "no kernel BTF to resolve it against"));
	err = find_kernel(env, ext->name, kind, pre, &btf, &id, &module);
	if (err == -ENOMEM)
		return err;
	if (err) {
		/* Say why a name the kernel has under another kind does not count. */
		if (!is_func && env->kbtf && eb_btf_find(env->kbtf, ext->name, BTF_KIND_FUNC) > 0)
			eb_err(err, "kernel BTF has a function '%s', not a variable (declare it as a "
			       "function to call it as a kfunc)", ext->name);
		else
			eb_err(err, "not found in kernel BTF");
		return miss(ext, r, err);
	}
	t = eb_btf_type(btf, id);
	if (!t) {
		eb_btf_put(btf);
		return miss(ext, r, eb_err(-EINVAL, "kernel BTF id %u is invalid", id));
	}
	if (spec->btf && ext->btf_type && !eb_btf_types_compat(spec->btf, ext->btf_type, btf, t->type)) {
		char lbuf[256], kbuf[256];

		eb_err(-EINVAL, "local %s '%s' does not match the kernel's '%s'%s",
		       is_func ? "prototype" : "type",
		       type_str(spec->btf, ext->btf_type, lbuf, sizeof(lbuf)),
		       type_str(btf, t->type, kbuf, sizeof(kbuf)),
		       ext->weak ? " (weak: treated as missing)" : "");
		eb_btf_put(btf);
		return miss(ext, r, -EINVAL);
	}
	r->btf = btf;
	r->btf_id = id;
	r->module = module;
	return 0;
}

/*
 * A typed ksym variable needs a kallsyms address too: the verifier looks it up
 * there, and kernels built without CONFIG_KALLSYMS_ALL list functions only.
 * Checked here so that the error says why instead of the verifier's "ldimm64
 * failed to find the address".
 */
static int check_var_address(const struct eb_extern *ext, const struct eb_relo_env *env,
			     struct eb_extern_res *r)
{
	const char *all;
	uint64_t addr;
	int err;

	if (!env->ksyms)
		return 0;	/* offline check: nothing to compare with */
	err = eb_kallsyms_lookup(env->ksyms, ext->name, &addr);
	if (err != -ENOENT)
		return 0;	/* present, or hidden/ambiguous: the kernel resolves it itself */
	all = env->kconfig ? eb_kconfig_get(env->kconfig, "CONFIG_KALLSYMS_ALL") : NULL;
	eb_err(-ENOENT, "in kernel BTF but without an address in /proc/kallsyms: %s; "
	       "the verifier cannot resolve it",
	       all && strcmp(all, "n") == 0 ? "this kernel is built without CONFIG_KALLSYMS_ALL"
					   : "the kernel is probably built without CONFIG_KALLSYMS_ALL");
	eb_btf_put(r->btf);
	r->btf = NULL;
	r->btf_id = 0;
	r->module = NULL;
	return miss(ext, r, -ENOENT);
}

static int resolve_one(const struct ebpf_spec *spec, const struct eb_extern *ext,
		       const struct eb_relo_env *env, int32_t pre, struct eb_extern_res *r)
{
	int err;

	memset(r, 0, sizeof(*r));
	switch (ext->kind) {
	case EBPF_EXTERN_KCONFIG:
		err = eb_kcfg_value(ext, env, NULL);
		if (err)
			return miss(ext, r, err);
		break;
	case EBPF_EXTERN_KSYM_TYPELESS:
		if (!env->ksyms)
			return miss(ext, r, eb_err(-ENOENT, "/proc/kallsyms is not available"));
		err = eb_kallsyms_lookup(env->ksyms, ext->name, &r->addr);
		if (err)
			return miss(ext, r, err);
		break;
	case EBPF_EXTERN_KFUNC:
		err = resolve_btf_sym(spec, ext, env, pre, r);
		if (err || r->err)
			return err;
		break;
	case EBPF_EXTERN_KSYM_VAR:
		err = resolve_btf_sym(spec, ext, env, pre, r);
		if (err || r->err)
			return err;
		err = check_var_address(ext, env, r);
		if (err || r->err)
			return err;
		break;
	default:
		return miss(ext, r, eb_err(-EINVAL, "unknown extern kind %d", (int)ext->kind));
	}
	r->found = true;
	return 0;
}

/*
 * The kernel-BTF ids of every kfunc and typed ksym of the spec, found in
 * env->kbtf in one batched pass (one scan of vmlinux instead of one per
 * extern); pre[i] = id or -ENOENT (also for externs that are not looked up
 * there). Module BTF is only consulted later, for names vmlinux lacks.
 */
static int resolve_kbtf_batch(const struct ebpf_spec *spec, const struct eb_relo_env *env, int32_t *pre)
{
	uint32_t cnt = spec->extern_cnt;
	const char **names;
	unsigned *kinds;
	int err = 0;

	for (uint32_t i = 0; i < cnt; i++)
		pre[i] = -ENOENT;
	if (!env->kbtf || !cnt)
		return 0;
	names = eb_calloc(cnt, sizeof(*names));
	kinds = eb_calloc(cnt, sizeof(*kinds));
	if (!names || !kinds) {
		err = -ENOMEM;
		goto out;
	}
	for (uint32_t i = 0; i < cnt; i++) {
		const struct eb_extern *ext = &spec->externs[i];

		/* NULL names are skipped by the batch (left -ENOENT). */
		if (ext->kind == EBPF_EXTERN_KFUNC || ext->kind == EBPF_EXTERN_KSYM_VAR) {
			names[i] = ext->name;
			kinds[i] = ext->kind == EBPF_EXTERN_KFUNC ? BTF_KIND_FUNC : BTF_KIND_VAR;
		}
	}
	err = eb_btf_find_many(env->kbtf, (const char *const *)names, kinds, cnt, pre);
	err = err < 0 ? err : 0;
out:
	eb_free(names);
	eb_free(kinds);
	return err;
}

int eb_relo_resolve_externs(const struct ebpf_spec *spec, const struct eb_relo_env *env,
			    struct eb_extern_res **out)
{
	struct eb_extern_res *res;
	int32_t *pre;
	int err;

	*out = NULL;
	/* nothing to resolve: no array (a NULL result with no extern is what patching expects) */
	if (!spec->extern_cnt)
		return 0;
	res = eb_calloc(spec->extern_cnt, sizeof(*res));
	pre = eb_calloc(spec->extern_cnt ? spec->extern_cnt : 1, sizeof(*pre));
	err = res && pre ? resolve_kbtf_batch(spec, env, pre) : -ENOMEM;
	if (err) {
		eb_free(res);
		eb_free(pre);
		return err;
	}
	for (uint32_t i = 0; i < spec->extern_cnt; i++) {
		err = resolve_one(spec, &spec->externs[i], env, pre[i], &res[i]);
		if (err) {
			eb_relo_externs_free(res, i + 1);
			eb_free(pre);
			return err;
		}
	}
	eb_free(pre);
	*out = res;
	return 0;
}

void eb_relo_externs_free(struct eb_extern_res *res, uint32_t cnt)
{
	if (!res)
		return;
	for (uint32_t i = 0; i < cnt; i++) {
		eb_btf_put(res[i].btf);
		eb_free(res[i].msg);
	}
	eb_free(res);
}
