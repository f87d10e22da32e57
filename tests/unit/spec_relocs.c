/*
 * Relocation tags checked against an independent reader: `llvm-objdump -dr` of
 * the same object. Every ELF relocation it prints must be a tag on the same
 * instruction naming the same symbol, every same-section bpf-to-bpf call it
 * disassembles must be tagged as a call, and nothing else may be tagged.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>

#include "testutil.h"
#include "lib/spec.h"

struct dump_rel {
	char sec[128];
	uint32_t insn;
	char sym[128];
	bool local_call;	/* a call with no ELF relocation: sym is the callee's label */
};

struct dump {
	struct dump_rel rel[256];
	size_t cnt;
	/* function labels, to name local call targets */
	struct { char sec[128]; uint32_t insn; char name[128]; } fn[64];
	size_t fn_cnt;
};

static const char *label_at(const struct dump *d, const char *sec, uint32_t insn)
{
	for (size_t i = 0; i < d->fn_cnt; i++) {
		if (!strcmp(d->fn[i].sec, sec) && d->fn[i].insn == insn)
			return d->fn[i].name;
	}
	return "?";
}

/* Parse `llvm-objdump -dr`; false if the tool is unavailable. */
static bool objdump(const char *obj, struct dump *d)
{
	char cmd[4200], line[1024], sec[128] = "";
	uint32_t last_insn = 0;
	bool last_call = false;
	int32_t last_imm = 0;
	FILE *f;

	memset(d, 0, sizeof(*d));
	snprintf(cmd, sizeof(cmd), "llvm-objdump -dr %s 2>/dev/null", obj);
	f = popen(cmd, "r");
	if (!f)
		return false;
	while (fgets(line, sizeof(line), f)) {
		unsigned long long off;
		unsigned b[8];
		char type[64], sym[128];
		uint32_t idx;

		if (sscanf(line, "Disassembly of section %127[^:]:", sec) == 1) {
			last_call = false;
			continue;
		}
		if (sscanf(line, "%llx <%127[^>]>:", &off, sym) == 2) {
			ck_assert_uint_lt(d->fn_cnt, 64);
			snprintf(d->fn[d->fn_cnt].sec, 128, "%s", sec);
			snprintf(d->fn[d->fn_cnt].name, 128, "%s", sym);
			d->fn[d->fn_cnt++].insn = (uint32_t)(off / 8);
			continue;
		}
		if (sscanf(line, " %llx: R_BPF_%63s %127s", &off, type, sym) == 3 ||
		    sscanf(line, "\t\t%llx:  R_BPF_%63s\t%127s", &off, type, sym) == 3) {
			ck_assert_uint_lt(d->cnt, 256);
			snprintf(d->rel[d->cnt].sec, 128, "%s", sec);
			snprintf(d->rel[d->cnt].sym, 128, "%s", sym);
			d->rel[d->cnt++].insn = (uint32_t)(off / 8);
			last_call = false;	/* this call has its relocation */
			continue;
		}
		if (sscanf(line, " %u: %x %x %x %x %x %x %x %x", &idx, &b[0], &b[1], &b[2], &b[3], &b[4], &b[5], &b[6],
			   &b[7]) == 9) {
			/* The previous instruction was a call without relocation: record it. */
			if (last_call) {
				ck_assert_uint_lt(d->cnt, 256);
				snprintf(d->rel[d->cnt].sec, 128, "%s", sec);
				d->rel[d->cnt].insn = last_insn;
				d->rel[d->cnt].local_call = true;
				d->rel[d->cnt].sym[0] = '\0';
				/* resolved below, once all labels are known */
				d->rel[d->cnt++].insn = last_insn | ((uint32_t)(last_insn + last_imm + 1) << 16);
			}
			last_insn = idx;
			last_call = b[0] == 0x85 && (b[1] >> 4) == EBPF_PSEUDO_CALL;
			last_imm = (int32_t)(b[4] | b[5] << 8 | b[6] << 16 | (uint32_t)b[7] << 24);
			continue;
		}
	}
	pclose(f);
	/* Resolve local calls: insn is packed as (target << 16) | insn. */
	for (size_t i = 0; i < d->cnt; i++) {
		if (!d->rel[i].local_call)
			continue;
		snprintf(d->rel[i].sym, 128, "%s", label_at(d, d->rel[i].sec, d->rel[i].insn >> 16));
		d->rel[i].insn &= 0xffff;
	}
	return d->cnt > 0;
}

/* The kind each symbol of spec_multi must be tagged with. */
static enum ebpf_reloc_kind expected_kind(const char *sym, const struct ebpf_insn *in)
{
	static const struct { const char *sym; enum ebpf_reloc_kind kind; } k[] = {
		{ "jmp", EBPF_RELOC_MAP },	       { "inner_a", EBPF_RELOC_MAP },
		{ "counts", EBPF_RELOC_MAP },	       { "events", EBPF_RELOC_MAP },
		{ "hits", EBPF_RELOC_DATA },	       { "total", EBPF_RELOC_DATA },
		{ "custom_var", EBPF_RELOC_DATA },     { "cfg_name", EBPF_RELOC_DATA },
		{ "cfg_limit", EBPF_RELOC_DATA },      { "static_bss", EBPF_RELOC_DATA },
		{ ".bss", EBPF_RELOC_DATA },	       { ".rodata", EBPF_RELOC_DATA },
		{ "CONFIG_BPF_SYSCALL", EBPF_RELOC_KCONFIG }, { "CONFIG_NET_SCH_FQ", EBPF_RELOC_KCONFIG },
		{ "LINUX_KERNEL_VERSION", EBPF_RELOC_KCONFIG },
		{ "bpf_prog_active", EBPF_RELOC_KSYM_VAR }, { "bpf_init", EBPF_RELOC_KSYM_VAR },
		{ "bpf_task_from_pid", EBPF_RELOC_KFUNC_CALL }, { "bpf_task_release", EBPF_RELOC_KFUNC_CALL },
		{ "bpf_cpumask_create", EBPF_RELOC_KFUNC_ADDR },
	};

	for (size_t i = 0; i < sizeof(k) / sizeof(k[0]); i++) {
		if (!strcmp(k[i].sym, sym))
			return k[i].kind;
	}
	/* Code symbols: a call is a call, an ld_imm64 is a function address. */
	return in->code == (EBPF_JMP | EBPF_CALL) ? EBPF_RELOC_CALL : EBPF_RELOC_FUNC_ADDR;
}

static const struct eb_text_sec *sec_named(const struct ebpf_spec *spec, const char *name)
{
	for (uint32_t i = 0; i < spec->sec_cnt; i++) {
		if (!strcmp(spec->secs[i].name, name))
			return &spec->secs[i];
	}
	return NULL;
}

/*
 * spec_callscan puts the call opcode byte inside offsets and immediates and mixes
 * helper calls with local ones: the reader's opcode scan must tag exactly the calls.
 */
static const char *const dumped_objs[] = { "spec_multi", "spec_callscan" };

START_TEST(test_tags_match_objdump)
{
	const char *obj = dumped_objs[_i];
	struct ebpf_spec *spec = NULL;
	struct dump *d = calloc(1, sizeof(*d));
	size_t total = 0, local = 0;

	ck_assert_ptr_nonnull(d);
	if (!objdump(testobj(obj), d)) {
		free(d);
		test_skip(__func__, "llvm-objdump not available");
		return;
	}
	ck_assert_int_eq(ebpf_spec_open_file(testobj(obj), NULL, &spec), 0);
	for (size_t i = 0; i < d->cnt; i++) {
		const struct dump_rel *r = &d->rel[i];
		const struct eb_text_sec *ts = sec_named(spec, r->sec);
		const struct eb_reloc *tag = NULL;

		ck_assert_msg(ts != NULL, "objdump section '%s' not in the spec", r->sec);
		for (uint32_t j = 0; j < ts->reloc_cnt; j++) {
			if (ts->relocs[j].insn == r->insn)
				tag = &ts->relocs[j];
		}
		ck_assert_msg(tag != NULL, "%s insn %u (%s): no tag", r->sec, r->insn, r->sym);
		ck_assert_msg(!strcmp(tag->sym, r->sym), "%s insn %u: tag names '%s', objdump '%s'", r->sec, r->insn,
			      tag->sym, r->sym);
		ck_assert_msg(tag->kind == expected_kind(r->sym, &ts->insns[r->insn]), "%s insn %u (%s): kind %d",
			      r->sec, r->insn, r->sym, tag->kind);
		if (r->local_call) {
			ck_assert_int_eq(tag->kind, EBPF_RELOC_CALL);
			ck_assert_str_eq(spec->funcs[tag->target].name, r->sym);
			local++;
		}
	}
	/* Nothing tagged that objdump does not show. */
	for (uint32_t i = 0; i < spec->sec_cnt; i++)
		total += spec->secs[i].reloc_cnt;
	/*
	 * What the linker trusts when calls_tagged is set (it then skips its own
	 * scan): every bpf-to-bpf call carries a call tag.
	 */
	for (uint32_t i = 0; i < spec->sec_cnt; i++) {
		const struct eb_text_sec *ts = &spec->secs[i];

		ck_assert_msg(ts->calls_tagged, "section '%s': calls_tagged not set", ts->name);
		for (uint32_t k = 0; k < ts->insn_cnt; k++) {
			bool tagged = false;

			if (ts->insns[k].code != (EBPF_JMP | EBPF_CALL) || ts->insns[k].src_reg != EBPF_PSEUDO_CALL)
				continue;
			for (uint32_t j = 0; j < ts->reloc_cnt; j++)
				tagged |= ts->relocs[j].insn == k && (ts->relocs[j].kind == EBPF_RELOC_CALL ||
								      ts->relocs[j].kind == EBPF_RELOC_KFUNC_CALL);
			ck_assert_msg(tagged, "section '%s': call at insn %u has no call tag", ts->name, k);
		}
	}
	ck_assert_uint_eq(total, d->cnt);
	ck_assert_uint_ge(local, 1);
	ebpf_spec_free(spec);
	free(d);
}
END_TEST

static void reloc(const struct ebpf_spec *spec, const char *prog, size_t idx, struct ebpf_reloc *r)
{
	ck_assert_int_eq(ebpf_prog_spec_reloc(ebpf_spec_prog_by_name(spec, prog), idx, r), 0);
}

static uint32_t func_index(const struct ebpf_spec *spec, const char *name)
{
	for (uint32_t i = 0; i < spec->func_cnt; i++) {
		if (!strcmp(spec->funcs[i].name, name))
			return i;
	}
	ck_abort_msg("no func %s", name);
	return 0;
}

/* Targets and addends, through the public API (insn relative to the program). */
START_TEST(test_tag_targets)
{
	struct ebpf_spec *spec = NULL;
	struct ebpf_map_spec *m;
	struct ebpf_reloc r;

	ck_assert_int_eq(ebpf_spec_open_file(testobj("spec_multi"), NULL, &spec), 0);

	/* xdp_main: map, data, callback address, calls into .text */
	ck_assert_uint_eq(ebpf_prog_spec_reloc_count(ebpf_spec_prog_by_name(spec, "xdp_main")), 6);
	reloc(spec, "xdp_main", 0, &r);
	ck_assert_int_eq(r.kind, EBPF_RELOC_MAP);
	ck_assert_str_eq(ebpf_map_spec_name(ebpf_spec_map(spec, r.target)), "inner_a");
	reloc(spec, "xdp_main", 3, &r);
	ck_assert_int_eq(r.kind, EBPF_RELOC_FUNC_ADDR);
	ck_assert_str_eq(r.symbol, ".text");
	ck_assert_str_eq(spec->funcs[r.target].name, "loop_cb");
	ck_assert_int_eq(r.addend, spec->funcs[r.target].off);
	reloc(spec, "xdp_main", 4, &r);
	ck_assert_int_eq(r.kind, EBPF_RELOC_CALL);
	ck_assert_str_eq(spec->funcs[r.target].name, "add_static");
	reloc(spec, "xdp_main", 5, &r);
	ck_assert_int_eq(r.kind, EBPF_RELOC_CALL);
	ck_assert_str_eq(r.symbol, "add_global");
	ck_assert_uint_eq(r.target, func_index(spec, "add_global"));
	ck_assert_int_eq(r.addend, 0);

	/* tail_a: kconfig addends are offsets in the .kconfig map; data offsets include sym value */
	reloc(spec, "tail_a", 2, &r);
	ck_assert_int_eq(r.kind, EBPF_RELOC_KCONFIG);
	ck_assert_str_eq(r.symbol, "LINUX_KERNEL_VERSION");
	ck_assert_int_eq(r.addend, 4);
	ck_assert_str_eq(spec->externs[r.target].name, "LINUX_KERNEL_VERSION");
	reloc(spec, "tail_a", 4, &r);
	ck_assert_int_eq(r.kind, EBPF_RELOC_DATA);
	ck_assert_str_eq(r.symbol, "cfg_name");
	m = ebpf_spec_map(spec, r.target);
	ck_assert_str_eq(ebpf_map_spec_name(m), ".rodata");
	ck_assert_int_eq(r.addend, 4);
	ck_assert_uint_eq(r.insn, 15);

	/* sys_main: kfunc address, ksyms, kfunc calls, local .text call */
	reloc(spec, "sys_main", 1, &r);
	ck_assert_int_eq(r.kind, EBPF_RELOC_KFUNC_ADDR);
	ck_assert_str_eq(spec->externs[r.target].name, "bpf_cpumask_create");

	/* xdp_frags_prog: a call with no ELF relocation into its own section */
	ck_assert_uint_eq(ebpf_prog_spec_reloc_count(ebpf_spec_prog_by_name(spec, "xdp_frags_prog")), 1);
	reloc(spec, "xdp_frags_prog", 0, &r);
	ck_assert_int_eq(r.kind, EBPF_RELOC_CALL);
	ck_assert_uint_eq(r.insn, 0);
	ck_assert_str_eq(r.symbol, "frags_helper");
	ck_assert_uint_eq(r.target, func_index(spec, "frags_helper"));
	ck_assert_int_eq(r.addend, 0);
	ck_assert_int_eq(ebpf_prog_spec_reloc(ebpf_spec_prog_by_name(spec, "xdp_frags_prog"), 1, &r), -ENOENT);

	/* Each program's relocations are only its own instructions'. */
	for (size_t i = 0; i < ebpf_spec_prog_count(spec); i++) {
		struct ebpf_prog_spec *p = ebpf_spec_prog(spec, i);
		size_t cnt;

		ebpf_prog_spec_insns(p, &cnt);
		for (size_t j = 0; j < ebpf_prog_spec_reloc_count(p); j++) {
			ck_assert_int_eq(ebpf_prog_spec_reloc(p, j, &r), 0);
			ck_assert_uint_lt(r.insn, cnt);
		}
	}
	ebpf_spec_free(spec);
}
END_TEST

Suite *suite_spec_relocs(void)
{
	Suite *s = suite_create("spec_relocs");
	TCase *tc = test_tcase("relocs");

	tcase_add_loop_test(tc, test_tags_match_objdump, 0, sizeof(dumped_objs) / sizeof(dumped_objs[0]));
	tcase_add_test(tc, test_tag_targets);
	suite_add_tcase(s, tc);
	return s;
}
