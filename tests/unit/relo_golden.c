/*
 * Golden-instruction tests of the relocation engine on compiled testdata
 * objects, against the real vmlinux BTF and FIXTURE kallsyms/kconfig text (so
 * the expected addresses and values are known). No program is loaded: every
 * patched instruction is checked against an independent reading of the spec's
 * tags and the kernel BTF, and every error against its exact message.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "relo/relo.h"
#include "lib/spec.h"
#include "testutil.h"

#define LD64 (EBPF_LD | EBPF_DW | EBPF_IMM)
#define CALL (EBPF_JMP | EBPF_CALL)

static const char ksyms_text[] =
	"ffffffff81000000 T _text\n"
	"ffffffff81aabbcc T bpf_prog_put\n"
	"ffffffff81100000 t relo_ambiguous_sym\n"
	"ffffffff81200000 t relo_ambiguous_sym\n";
static const char ksyms_with_vars[] =
	"ffffffff81aabbcc T bpf_prog_put\n"
	"0000000000021000 D cpu_number\n"
	"0000000000022000 D bpf_prog_active\n";
static const char config_text[] =
	"CONFIG_BPF_SYSCALL=y\n"
	"CONFIG_BPF_JIT=y\n"
	"CONFIG_BPF_LSM=y\n"
	"CONFIG_HZ=250\n"
	"CONFIG_DEFAULT_HOSTNAME=\"relohost\"\n"
	"# CONFIG_KALLSYMS_ALL is not set\n";

struct golden {
	struct ebpf_spec *spec;
	struct eb_relo_env env;
	struct eb_kallsyms *ks;
	struct eb_kconfig *kc;
	struct eb_extern_res *res;
	int fds[16];
};

static bool setup(struct golden *g, const char *obj, const char *ksyms)
{
	int err;

	memset(g, 0, sizeof(*g));
	err = eb_btf_vmlinux(&g->env.kbtf);
	if (err) {
		test_skip(__func__, "no /sys/kernel/btf/vmlinux");
		return false;
	}
	ck_assert_msg(ebpf_spec_open_file(testobj(obj), NULL, &g->spec) == 0, "%s: %s", obj, ebpf_errmsg());
	ck_assert_int_eq(eb_kallsyms_parse(ksyms, strlen(ksyms), &g->ks), 0);
	ck_assert_int_eq(eb_kconfig_parse(config_text, strlen(config_text), &g->kc), 0);
	g->env.ksyms = g->ks;
	g->env.kconfig = g->kc;
	g->env.kernel_version = (6u << 16) | (18u << 8) | 44;
	g->env.has_bpf_cookie = true;
	ck_assert_uint_le(g->spec->map_cnt, 16);
	for (int i = 0; i < 16; i++)
		g->fds[i] = 100 + i;
	ck_assert_int_eq(eb_relo_resolve_externs(g->spec, &g->env, &g->res), 0);
	return true;
}

static void teardown(struct golden *g)
{
	if (g->spec)
		eb_relo_externs_free(g->res, g->spec->extern_cnt);
	eb_kallsyms_put(g->ks);
	eb_kconfig_put(g->kc);
	eb_btf_put(g->env.kbtf);
	ebpf_spec_free(g->spec);
	memset(g, 0, sizeof(*g));
}

/* The state of the running test, released by the fixture even when a check fails. */
static struct golden G;

static void fixture_teardown(void)
{
	teardown(&G);
}

static const struct ebpf_prog_spec *prog_of(struct golden *g, const char *name)
{
	const struct ebpf_prog_spec *p = ebpf_spec_prog_by_name(g->spec, name);

	ck_assert_msg(p != NULL, "no program %s", name);
	return p;
}

static int relocate(struct golden *g, const char *name, struct eb_relo_prog *out)
{
	return eb_relo_program(g->spec, prog_of(g, name), &g->env, g->res, g->fds, out);
}

/* The program's own tags (positions in the final program = positions in the function). */
static const struct eb_reloc *tags(struct golden *g, const char *name, uint32_t *n)
{
	const struct ebpf_prog_spec *p = prog_of(g, name);

	*n = p->reloc_cnt;
	return g->spec->secs[eb_prog_func(p)->sec].relocs + p->reloc_first;
}

static uint32_t pos_of(struct golden *g, const char *prog, const struct eb_reloc *r)
{
	return r->insn - eb_prog_func(prog_of(g, prog))->off;
}

static uint32_t kernel_id(struct golden *g, const char *name, unsigned kind)
{
	int32_t id = eb_btf_find(g->env.kbtf, name, kind);

	ck_assert_msg(id > 0, "%s not in vmlinux BTF", name);
	return (uint32_t)id;
}

static int map_index(struct golden *g, const char *name)
{
	for (uint32_t i = 0; i < g->spec->map_cnt; i++)
		if (strcmp(g->spec->maps[i]->name, name) == 0)
			return (int)i;
	ck_abort_msg("no map %s", name);
	return -1;
}

/* ------------------------------------------------------------------ kfuncs */

START_TEST(test_kfunc_calls_and_data)
{
	struct golden *g = &G;
	struct eb_relo_prog out;
	const struct eb_reloc *r;
	uint32_t n, kcalls = 0, datas = 0;

	if (!setup(g, "relo_kfunc", ksyms_text))
		return;
	ck_assert_msg(relocate(g, "task_info", &out) == 0, "%s", ebpf_errmsg());
	r = tags(g, "task_info", &n);
	for (uint32_t i = 0; i < n; i++) {
		const struct ebpf_insn *in = &out.insns[pos_of(g, "task_info", &r[i])];

		if (r[i].kind == EBPF_RELOC_KFUNC_CALL) {
			ck_assert_uint_eq(in->code, CALL);
			ck_assert_uint_eq(in->src_reg, EBPF_PSEUDO_KFUNC_CALL);
			ck_assert_int_eq(in->imm, kernel_id(g, r[i].sym, BTF_KIND_FUNC));
			ck_assert_int_eq(in->off, 0);	/* vmlinux */
			kcalls++;
		} else if (r[i].kind == EBPF_RELOC_DATA) {
			ck_assert_uint_eq(in->code, LD64);
			ck_assert_uint_eq(in->src_reg, EBPF_PSEUDO_MAP_VALUE);
			ck_assert_int_eq(in->imm, 100 + map_index(g, ".bss"));
			ck_assert_int_eq(in[1].imm, r[i].addend);
			datas++;
		}
	}
	ck_assert_uint_eq(kcalls, 2);	/* bpf_task_from_pid, bpf_task_release */
	ck_assert_uint_eq(datas, 3);	/* got_pid, got_tgid, got_comm */
	ck_assert_uint_eq(out.fd_btf_cnt, 0);
	ck_assert_uint_eq(out.note_cnt, 0);
	eb_relo_prog_free(&out);
	teardown(g);
}
END_TEST

START_TEST(test_weak_kfuncs)
{
	struct golden *g = &G;
	struct eb_relo_prog out;
	const struct eb_reloc *r;
	uint32_t n, missing_addr = 0, missing_call = 0, present = 0;

	if (!setup(g, "relo_kfunc", ksyms_text))
		return;
	ck_assert_msg(relocate(g, "weak_kfuncs", &out) == 0, "%s", ebpf_errmsg());
	r = tags(g, "weak_kfuncs", &n);
	for (uint32_t i = 0; i < n; i++) {
		uint32_t pos = pos_of(g, "weak_kfuncs", &r[i]);
		const struct ebpf_insn *in = &out.insns[pos];
		bool missing = strcmp(r[i].sym, "bpf_relo_no_such_kfunc") == 0;

		if (r[i].kind == EBPF_RELOC_KFUNC_ADDR && missing) {
			/* bpf_ksym_exists() of a missing weak kfunc: the constant 0 */
			ck_assert_uint_eq(in->src_reg, 0);
			ck_assert_int_eq(in->imm, 0);
			ck_assert_int_eq(in[1].imm, 0);
			missing_addr++;
		} else if (r[i].kind == EBPF_RELOC_KFUNC_CALL && missing) {
			ck_assert_uint_eq(in->src_reg, EBPF_PSEUDO_KFUNC_CALL);
			ck_assert_int_eq(in->imm, 0);
			ck_assert_int_eq(in->off, 0);
			ck_assert_ptr_nonnull(eb_relo_note_at(&out, pos));
			ck_assert_str_eq(eb_relo_note_at(&out, pos),
					 "weak kfunc 'bpf_relo_no_such_kfunc' is missing in this kernel "
					 "(not found in kernel BTF); guard the call with bpf_ksym_exists()");
			missing_call++;
		} else if (r[i].kind == EBPF_RELOC_KFUNC_ADDR) {
			/* A weak kfunc the kernel has: its BTF id, never `off` on a ld_imm64. */
			ck_assert_str_eq(r[i].sym, "bpf_task_acquire");
			ck_assert_uint_eq(in->src_reg, EBPF_PSEUDO_BTF_ID);
			ck_assert_int_eq(in->imm, kernel_id(g, "bpf_task_acquire", BTF_KIND_FUNC));
			ck_assert_int_eq(in->off, 0);
			ck_assert_int_eq(in[1].imm, 0);
			ck_assert_int_eq(in[1].off, 0);
			present++;
		}
	}
	ck_assert_uint_eq(missing_addr, 1);
	ck_assert_uint_eq(missing_call, 1);
	ck_assert_uint_eq(present, 1);
	ck_assert_uint_eq(out.note_cnt, 1);
	eb_relo_prog_free(&out);
	teardown(g);
}
END_TEST

/* ------------------------------------------------------------------ ksyms */

START_TEST(test_ksyms)
{
	struct golden *g = &G;
	struct eb_relo_prog out;
	const struct eb_reloc *r;
	uint32_t n, seen = 0;

	if (!setup(g, "relo_kfunc", ksyms_text))
		return;
	ck_assert_msg(relocate(g, "ksym_addrs", &out) == 0, "%s", ebpf_errmsg());
	r = tags(g, "ksym_addrs", &n);
	for (uint32_t i = 0; i < n; i++) {
		const struct ebpf_insn *in = &out.insns[pos_of(g, "ksym_addrs", &r[i])];

		if (r[i].kind != EBPF_RELOC_KSYM_VAR)
			continue;
		seen++;
		if (strcmp(r[i].sym, "bpf_prog_put") == 0) {
			/* typeless: the fixture's address, split over the two halves */
			ck_assert_uint_eq(in->src_reg, 0);
			ck_assert_uint_eq((uint32_t)in->imm, 0x81aabbccu);
			ck_assert_uint_eq((uint32_t)in[1].imm, 0xffffffffu);
		} else {
			/* weak typed cpu_number: in BTF, not in this kallsyms -> NULL */
			ck_assert_str_eq(r[i].sym, "cpu_number");
			ck_assert_uint_eq(in->src_reg, 0);
			ck_assert_int_eq(in->imm, 0);
			ck_assert_int_eq(in[1].imm, 0);
		}
	}
	ck_assert_uint_eq(seen, 2);
	eb_relo_prog_free(&out);

	/* The strong typed ksym without an address fails its program only, saying why. */
	ck_assert_int_eq(relocate(g, "strong_var", &out), -ENOENT);
	ck_assert_str_eq(ebpf_errmsg(), "prog 'strong_var': ksym 'bpf_prog_active': in kernel BTF but "
			 "without an address in /proc/kallsyms: this kernel is built without "
			 "CONFIG_KALLSYMS_ALL; the verifier cannot resolve it");
	ck_assert_ptr_null(out.insns);
	teardown(g);

	/* With a kallsyms that lists data symbols, typed ksyms become BTF ids. */
	if (!setup(g, "relo_kfunc", ksyms_with_vars))
		return;
	ck_assert_msg(relocate(g, "strong_var", &out) == 0, "%s", ebpf_errmsg());
	r = tags(g, "strong_var", &n);
	for (uint32_t i = 0; i < n; i++) {
		const struct ebpf_insn *in = &out.insns[pos_of(g, "strong_var", &r[i])];

		if (r[i].kind != EBPF_RELOC_KSYM_VAR)
			continue;
		ck_assert_uint_eq(in->src_reg, EBPF_PSEUDO_BTF_ID);
		ck_assert_int_eq(in->imm, kernel_id(g, "bpf_prog_active", BTF_KIND_VAR));
		ck_assert_int_eq(in[1].imm, 0);
	}
	eb_relo_prog_free(&out);
	teardown(g);
}
END_TEST

/* ------------------------------------------------------------------ kconfig */

START_TEST(test_kconfig)
{
	struct golden *g = &G;
	struct eb_relo_prog out;
	const struct eb_reloc *r;
	const struct ebpf_map_spec *m;
	uint8_t *val;
	uint32_t n, seen = 0, v32;

	if (!setup(g, "relo_kconfig", ksyms_text))
		return;
	ck_assert_int_ge(g->spec->kconfig_map, 0);
	m = g->spec->maps[g->spec->kconfig_map];
	ck_assert_msg(relocate(g, "read_kconfig", &out) == 0, "%s", ebpf_errmsg());
	r = tags(g, "read_kconfig", &n);
	for (uint32_t i = 0; i < n; i++) {
		const struct ebpf_insn *in = &out.insns[pos_of(g, "read_kconfig", &r[i])];

		if (r[i].kind != EBPF_RELOC_KCONFIG)
			continue;
		ck_assert_uint_eq(in->src_reg, EBPF_PSEUDO_MAP_VALUE);
		ck_assert_int_eq(in->imm, 100 + g->spec->kconfig_map);
		ck_assert_int_eq(in[1].imm, r[i].addend);
		ck_assert_int_eq(r[i].addend, g->spec->externs[r[i].target].offset);
		seen++;
	}
	ck_assert_uint_eq(seen, 9);
	eb_relo_prog_free(&out);

	/* The map's value, extern by extern. */
	val = calloc(1, m->value_size);
	ck_assert_int_eq(eb_relo_fill_kconfig(g->spec, &g->env, val, m->value_size), 0);
	for (uint32_t i = 0; i < g->spec->extern_cnt; i++) {
		const struct eb_extern *e = &g->spec->externs[i];
		const uint8_t *p = val + e->offset;

		if (strcmp(e->name, "LINUX_KERNEL_VERSION") == 0) {
			memcpy(&v32, p, 4);
			ck_assert_uint_eq(v32, g->env.kernel_version);
		} else if (strcmp(e->name, "LINUX_HAS_BPF_COOKIE") == 0 ||
			   strcmp(e->name, "CONFIG_BPF_SYSCALL") == 0) {
			ck_assert_uint_eq(*p, 1);
		} else if (strcmp(e->name, "CONFIG_BPF_JIT") == 0) {
			memcpy(&v32, p, 4);
			ck_assert_uint_eq(v32, 1);	/* TRI_YES */
		} else if (strcmp(e->name, "CONFIG_BPF_LSM") == 0) {
			ck_assert_int_eq(*p, 'y');
		} else if (strcmp(e->name, "CONFIG_HZ") == 0) {
			memcpy(&v32, p, 4);
			ck_assert_uint_eq(v32, 250);
		} else if (strcmp(e->name, "CONFIG_DEFAULT_HOSTNAME") == 0) {
			ck_assert_str_eq((const char *)p, "relohost");
		} else {
			/* not set / unknown weak / unknown strong: zero */
			for (uint32_t k = 0; k < e->size; k++)
				ck_assert_uint_eq(p[k], 0);
		}
	}
	free(val);

	/* The strong unknown option fails only the program that reads it. */
	ck_assert_int_eq(relocate(g, "uses_missing", &out), -ENOENT);
	ck_assert_str_eq(ebpf_errmsg(), "prog 'uses_missing': kconfig 'CONFIG_RELO_STRONG_MISSING': "
			 "not in this kernel's config");
	teardown(g);
}
END_TEST

/* ------------------------------------------------------------- subprograms */

/*
 * Every call / callback in the final program must land on the first
 * instruction of a copy of the function the spec's tag names, and each
 * function must be present once, with a func_info record at its start.
 */
static void check_linked(struct golden *g, const char *prog, const char *const *want, size_t nwant)
{
	struct eb_relo_prog out;
	uint32_t starts[16], nstarts = 0;

	ck_assert_msg(relocate(g, prog, &out) == 0, "%s", ebpf_errmsg());
	for (uint32_t i = 0; i < out.insn_cnt; i++) {
		const struct ebpf_insn *in = &out.insns[i];
		bool is_call = in->code == CALL && in->src_reg == EBPF_PSEUDO_CALL;
		bool is_func = in->code == LD64 && in->src_reg == EBPF_PSEUDO_FUNC;
		int64_t t;

		if (!is_call && !is_func) {
			if (in->code == LD64)
				i++;
			continue;
		}
		t = (int64_t)i + in->imm + 1;
		ck_assert_msg(t >= 0 && t < out.insn_cnt, "%s: insn %u jumps to %lld", prog, i, (long long)t);
		/* The target is a function start: a func_info record is there. */
		{
			bool found = false;

			for (uint32_t k = 0; k < out.func_info_cnt; k++)
				found |= out.func_info[k].insn_off == t;
			ck_assert_msg(found, "%s: insn %u targets %lld, not a function start", prog, i, (long long)t);
		}
		if (is_func)
			i++;
	}
	/* One func_info per function, the program first, each named function once. */
	ck_assert_uint_eq(out.func_info_cnt, nwant);
	ck_assert_uint_eq(out.func_info[0].insn_off, 0);
	for (uint32_t k = 0; k < out.func_info_cnt; k++) {
		const struct btf_type *t = eb_btf_type(g->spec->btf, out.func_info[k].type_id);
		const char *name = eb_btf_name(g->spec->btf, t);
		bool expected = false;

		for (size_t w = 0; w < nwant; w++)
			expected |= strcmp(want[w], name) == 0;
		ck_assert_msg(expected, "%s: unexpected function %s", prog, name);
		for (uint32_t j = 0; j < k; j++)
			ck_assert_uint_lt(out.func_info[j].insn_off, out.func_info[k].insn_off);
		ck_assert_uint_lt(nstarts, 16);
		starts[nstarts++] = out.func_info[k].insn_off;
	}
	/* Each function's body is the spec's, byte for byte where nothing was patched. */
	for (uint32_t k = 0; k < nstarts; k++) {
		const struct btf_type *t = eb_btf_type(g->spec->btf, out.func_info[k].type_id);
		const char *name = eb_btf_name(g->spec->btf, t);

		for (uint32_t f = 0; f < g->spec->func_cnt; f++) {
			const struct eb_func *fn = &g->spec->funcs[f];

			if (strcmp(fn->name, name))
				continue;
			ck_assert_uint_le(starts[k] + fn->cnt, out.insn_cnt);
			for (uint32_t j = 0; j < fn->cnt; j++)
				ck_assert_uint_eq(out.insns[starts[k] + j].code,
						  g->spec->secs[fn->sec].insns[fn->off + j].code);
		}
	}
	/* line_info rebased and ordered. */
	for (uint32_t k = 1; k < out.line_info_cnt; k++)
		ck_assert_uint_lt(out.line_info[k - 1].insn_off, out.line_info[k].insn_off);
	eb_relo_prog_free(&out);
}

START_TEST(test_subprogs)
{
	static const char *const sum_loop[] = { "sum_loop", "loop_body", "global_mul" };
	static const char *const calls[] = { "calls", "twice_add", "in_section_helper", "shared_add" };
	static const char *const xdp[] = { "xdp_shared", "shared_add" };
	struct golden *g = &G;
	struct eb_relo_prog out;
	const struct eb_reloc *r;
	uint32_t n, funcs = 0;

	if (!setup(g, "relo_subprogs", ksyms_text))
		return;
	check_linked(g, "sum_loop", sum_loop, 3);
	check_linked(g, "calls", calls, 4);
	check_linked(g, "xdp_shared", xdp, 2);

	/* The bpf_loop callback is a BPF_PSEUDO_FUNC ld_imm64 with insn[1].imm 0. */
	ck_assert_int_eq(relocate(g, "sum_loop", &out), 0);
	r = tags(g, "sum_loop", &n);
	for (uint32_t i = 0; i < n; i++) {
		const struct ebpf_insn *in = &out.insns[pos_of(g, "sum_loop", &r[i])];

		if (r[i].kind == EBPF_RELOC_FUNC_ADDR) {
			ck_assert_uint_eq(in->src_reg, EBPF_PSEUDO_FUNC);
			ck_assert_int_eq(in[1].imm, 0);
			funcs++;
		} else if (r[i].kind == EBPF_RELOC_DATA) {
			ck_assert_uint_eq(in->src_reg, EBPF_PSEUDO_MAP_VALUE);
			ck_assert_int_eq(in->imm, 100 + (int)r[i].target);
			ck_assert_int_eq(in[1].imm, r[i].addend);
		}
	}
	ck_assert_uint_eq(funcs, 1);
	eb_relo_prog_free(&out);
	teardown(g);
}
END_TEST

/* ------------------------------------------------------------------ errors */

static char logged[1024];

static void capture_log(enum ebpf_log_level level, const char *msg, void *user)
{
	(void)user;
	if (level <= EBPF_LOG_WARN && strstr(msg, "bpf_cgroup_release"))
		snprintf(logged, sizeof(logged), "%s", msg);
}

START_TEST(test_errors)
{
	struct golden *g = &G;
	struct eb_relo_prog out;

	logged[0] = '\0';
	ebpf_set_log(capture_log, EBPF_LOG_DEBUG, NULL);
	if (!setup(g, "relo_errors", ksyms_text)) {
		ebpf_set_log(NULL, EBPF_LOG_ERROR, NULL);
		return;
	}
	ebpf_set_log(NULL, EBPF_LOG_ERROR, NULL);
	/* A weak kfunc whose prototype differs is treated as missing, with a log line. */
	ck_assert_msg(strstr(logged, "weak kfunc 'bpf_cgroup_release' resolves to zero: local prototype '"),
		      "log: %s", logged);
	ck_assert_msg(relocate(g, "weak_mismatch", &out) == 0, "%s", ebpf_errmsg());
	ck_assert_uint_eq(out.note_cnt, 1);
	eb_relo_prog_free(&out);

	/* Strong prototype mismatch: both prototypes named. */
	ck_assert_int_eq(relocate(g, "proto_mismatch", &out), -EINVAL);
	ck_assert_errmsg_has("prog 'proto_mismatch': kfunc 'bpf_task_release': local prototype '");
	ck_assert_errmsg_has("' does not match the kernel's '");
	ck_assert_errmsg_has("task_struct");	/* the kernel's parameter type */

	ck_assert_int_eq(relocate(g, "missing_kfunc", &out), -ENOENT);
	ck_assert_str_eq(ebpf_errmsg(), "prog 'missing_kfunc': kfunc 'bpf_relo_missing_kfunc': "
			 "not found in kernel BTF");

	ck_assert_int_eq(relocate(g, "ambiguous", &out), -ENOTUNIQ);
	ck_assert_str_eq(ebpf_errmsg(), "prog 'ambiguous': ksym 'relo_ambiguous_sym': 'relo_ambiguous_sym' "
			 "is ambiguous in /proc/kallsyms: different addresses (0xffffffff81100000 and "
			 "0xffffffff81200000)");

	/* A map that was not created. */
	g->fds[map_index(g, "relo_counts")] = -1;
	ck_assert_int_eq(relocate(g, "uses_map", &out), -ENOENT);
	ck_assert_str_eq(ebpf_errmsg(), "prog 'uses_map': map 'relo_counts' was not created");

	/* All around it failing, the plain program still relocates. */
	ck_assert_int_eq(relocate(g, "ok_prog", &out), 0);
	ck_assert_uint_eq(out.insn_cnt, 2);
	eb_relo_prog_free(&out);
	teardown(g);
}
END_TEST

/* Offline (no kernel BTF): kfuncs cannot resolve, and the message says why. */
START_TEST(test_no_kernel_btf)
{
	struct golden *g = &G;
	struct eb_relo_prog out;

	if (!setup(g, "relo_kfunc", ksyms_text))
		return;
	eb_relo_externs_free(g->res, g->spec->extern_cnt);
	eb_btf_put(g->env.kbtf);
	g->env.kbtf = NULL;
	ck_assert_int_eq(eb_relo_resolve_externs(g->spec, &g->env, &g->res), 0);
	ck_assert_int_eq(relocate(g, "task_info", &out), -ENOENT);
	ck_assert_str_eq(ebpf_errmsg(), "prog 'task_info': kfunc 'bpf_task_from_pid': "
			 "no kernel BTF to resolve it against");
	/* The typeless ksym needs only kallsyms. */
	ck_assert_msg(relocate(g, "ksym_addrs", &out) == 0, "%s", ebpf_errmsg());
	eb_relo_prog_free(&out);
	teardown(g);
}
END_TEST

Suite *suite_relo_golden(void)
{
	Suite *s = suite_create("relo_golden");
	TCase *tc = test_tcase("golden");

	tcase_add_checked_fixture(tc, NULL, fixture_teardown);
	tcase_add_test(tc, test_kfunc_calls_and_data);
	tcase_add_test(tc, test_weak_kfuncs);
	tcase_add_test(tc, test_ksyms);
	tcase_add_test(tc, test_kconfig);
	tcase_add_test(tc, test_subprogs);
	tcase_add_test(tc, test_errors);
	tcase_add_test(tc, test_no_kernel_btf);
	suite_add_tcase(s, tc);
	return s;
}
