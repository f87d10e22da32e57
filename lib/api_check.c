// SPDX-License-Identifier: BSD-2-Clause
/*
 * The offline check (include/ebpf/check.h): the relocation engine run exactly as
 * a load would run it, with stand-in map fds, so every extern and CO-RE failure
 * surfaces with the same message a load would give — minus the syscalls.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include <ebpf/check.h>

#include "btf/btf.h"
#include "lib/alloc.h"
#include "lib/error.h"
#include "lib/features.h"
#include "lib/helpers.h"
#include "lib/spec.h"
#include "lib/sys.h"
#include "relo/relo.h"

/* A valid-looking fd value for maps that are never created: only patched into immediates. */
#define CHECK_FAKE_MAP_FD 1000000

struct check_env {
	struct eb_relo_env env;
	struct eb_kallsyms *ksyms;
	struct eb_kconfig *kconfig;
	bool running_kernel;
};

static int env_setup(struct check_env *ce, const char *btf_path)
{
	int err;

	memset(ce, 0, sizeof(*ce));
	ce->running_kernel = !btf_path;
	err = btf_path ? eb_btf_load_file(btf_path, NULL, &ce->env.kbtf) : eb_btf_vmlinux(&ce->env.kbtf);
	if (err)
		return eb_err_ctx(err, "check: kernel BTF '%s'", btf_path ? btf_path : "vmlinux");
	ce->env.allow_module_btf = !btf_path;
	if (ce->running_kernel) {
		if (eb_kallsyms_get(&ce->ksyms))
			ce->ksyms = NULL;
		if (eb_kconfig_load(&ce->kconfig))
			ce->kconfig = NULL;
		ce->env.ksyms = ce->ksyms;
		ce->env.kconfig = ce->kconfig;
		ce->env.kernel_version = eb_kernel_version();
		ce->env.has_bpf_cookie = eb_feature(EB_FEAT_BPF_COOKIE) == EB_YES;
	}
	eb_err_clear();
	return 0;
}

static void env_free(struct check_env *ce)
{
	eb_btf_put(ce->env.kbtf);
	eb_kallsyms_put(ce->ksyms);
	eb_kconfig_put(ce->kconfig);
}

/* Helper calls the running kernel refuses for this program type; reports the first. */
static bool helpers_ok(const struct ebpf_prog_spec *p, const struct eb_relo_prog *rp, ebpf_check_fn fn,
		       void *user)
{
	for (uint32_t i = 0; i < rp->insn_cnt; i++) {
		const struct ebpf_insn *in = &rp->insns[i];
		const char *name, *allowed;
		char msg[512];

		if (in->code != (EBPF_JMP | EBPF_CALL) || in->src_reg != 0 || in->imm <= 0)
			continue;
		if (eb_probe_helper(p->type, (uint32_t)in->imm) != EB_NO)
			continue;
		name = eb_helper_name((uint32_t)in->imm);
		allowed = eb_helper_allowed_text((uint32_t)in->imm);
		snprintf(msg, sizeof(msg), "prog '%s': insn %u: helper %s#%d is not allowed in %s programs%s%s",
			 p->name, i, name ? name : "?", in->imm, eb_prog_type_name(p->type),
			 allowed ? "; it may be called from " : "", allowed ? allowed : "");
		fn(user, p->name, EBPF_CHECK_FAIL, -EINVAL, msg);
		return false;
	}
	return true;
}

EBPF_API int ebpf_spec_check(const struct ebpf_spec *spec, const struct ebpf_check_opts *opts,
			     ebpf_check_fn fn, void *user)
{
	struct eb_extern_res *res = NULL;
	struct check_env ce;
	int *map_fds, err, failed = 0;

	if (!spec || !fn)
		return eb_err(-EINVAL, "check: NULL %s", spec ? "callback" : "spec");
	if (opts && opts->sz < sizeof(size_t))
		return eb_err(-EINVAL, "check: options size %zu is too small", opts->sz);
	err = env_setup(&ce, opts ? opts->btf_path : NULL);
	if (err)
		return err;
	map_fds = eb_calloc(spec->map_cnt ? spec->map_cnt : 1, sizeof(*map_fds));
	if (!map_fds) {
		env_free(&ce);
		return -ENOMEM;
	}
	for (uint32_t i = 0; i < spec->map_cnt; i++)
		map_fds[i] = CHECK_FAKE_MAP_FD + (int)i;
	err = eb_relo_resolve_externs(spec, &ce.env, &res);
	if (err)
		goto out;
	for (uint32_t i = 0; i < spec->prog_cnt; i++) {
		const struct ebpf_prog_spec *p = spec->progs[i];
		struct eb_relo_prog rp;
		char msg[512];

		if (opts && opts->autoload_only && !p->autoload)
			continue;
		memset(&rp, 0, sizeof(rp));
		err = eb_relo_program(spec, p, &ce.env, res, map_fds, &rp);
		if (err) {
			fn(user, p->name, EBPF_CHECK_FAIL, err, ebpf_errmsg());
			failed++;
			continue;
		}
		for (uint32_t n = 0; n < rp.note_cnt; n++) {
			snprintf(msg, sizeof(msg), "prog '%s': insn %u: %s", p->name, rp.notes[n].insn,
				 rp.notes[n].what);
			fn(user, p->name, EBPF_CHECK_WARN, 0, msg);
		}
		if (ce.running_kernel && eb_probe_prog_type(p->type) == EB_NO) {
			snprintf(msg, sizeof(msg), "prog '%s': program type %s is not supported by this kernel",
				 p->name, eb_prog_type_name(p->type));
			fn(user, p->name, EBPF_CHECK_FAIL, -EOPNOTSUPP, msg);
			failed++;
		} else if (ce.running_kernel && !helpers_ok(p, &rp, fn, user)) {
			failed++;
		} else {
			fn(user, p->name, EBPF_CHECK_OK, 0, "ok");
		}
		eb_relo_prog_free(&rp);
	}
	err = failed;
out:
	eb_relo_externs_free(res, spec->extern_cnt);
	eb_free(map_fds);
	env_free(&ce);
	return err;
}
