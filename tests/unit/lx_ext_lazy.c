/*
 * .BTF.ext records are read where a load uses them, not at open: an object
 * with a damaged record opens, the programs that do not use the record
 * relocate, and the ones that do fail naming table, section, record and field
 * (testdata/lx_ext.bpf.c: lx_core in "syscall", lx_plain in "tc", both calling
 * lx_twice in .text).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "testutil.h"
#include "lx_ext_patch.h"
#include "btf/btf.h"
#include "lib/spec.h"
#include "relo/relo.h"

static struct {
	uint8_t *elf;
	size_t size;
	struct ebpf_spec *spec;
	struct eb_relo_env env;
	struct eb_extern_res *res;
} L;

static void fixture_setup(void)
{
	memset(&L, 0, sizeof(L));
	L.elf = test_read_file(testobj("lx_ext"), &L.size);
	ck_assert_ptr_nonnull(L.elf);
}

static void fixture_teardown(void)
{
	if (L.spec)
		eb_relo_externs_free(L.res, L.spec->extern_cnt);
	ebpf_spec_free(L.spec);
	eb_btf_put(L.env.kbtf);
	free(L.elf);
	memset(&L, 0, sizeof(L));
}

/* Open L.elf (as damaged by the test); false (skipped) without kernel BTF for CO-RE. */
static bool open_elf(void)
{
	if (eb_btf_vmlinux(&L.env.kbtf)) {
		test_skip(__func__, "no /sys/kernel/btf/vmlinux");
		return false;
	}
	ck_assert_msg(ebpf_spec_open_mem(L.elf, L.size, NULL, &L.spec) == 0, "%s", ebpf_errmsg());
	ck_assert_int_eq(eb_relo_resolve_externs(L.spec, &L.env, &L.res), 0);
	return true;
}

static int relocate(const char *name, struct eb_relo_prog *out)
{
	const struct ebpf_prog_spec *p = ebpf_spec_prog_by_name(L.spec, name);

	ck_assert_msg(p != NULL, "no program %s", name);
	memset(out, 0, sizeof(*out));
	return eb_relo_program(L.spec, p, &L.env, L.res, NULL, out);
}

static void relocates(const char *name)
{
	struct eb_relo_prog out;

	ck_assert_msg(relocate(name, &out) == 0, "%s: %s", name, ebpf_errmsg());
	ck_assert_uint_eq(out.func_info_cnt, 2);
	eb_relo_prog_free(&out);
}

static void fails(const char *name, const char *msg)
{
	struct eb_relo_prog out;

	ck_assert_int_eq(relocate(name, &out), -EINVAL);
	ck_assert_str_eq(ebpf_errmsg(), msg);
	ck_assert_ptr_null(out.insns);
	ck_assert_ptr_null(out.func_info);
	ck_assert_ptr_null(out.line_info);
}

/* Undamaged: records are left raw at open, and decoded and rebased at relocation. */
START_TEST(test_records_decoded_at_relocation)
{
	const struct eb_btf_ext *x;
	struct eb_relo_prog out;
	const struct btf_type *t;
	bool at_twice = false;

	if (!open_elf())
		return;
	x = L.spec->btf_ext;
	ck_assert_ptr_nonnull(x);
	ck_assert_uint_eq(x->core_relo_cnt, 1);
	ck_assert_str_eq(x->core_relo[0].sec_name, "syscall");
	ck_assert_ptr_null(x->core_relo[0].recs);
	ck_assert_ptr_nonnull(x->core_relo[0].raw);

	ck_assert_msg(relocate("lx_core", &out) == 0, "%s", ebpf_errmsg());
	ck_assert_uint_eq(out.insn_cnt, 6);
	/* CO-RE: the local 64-byte list_head___lx has the kernel's 16 bytes. */
	ck_assert_int_eq(out.insns[0].imm, 16);
	/* func_info: lx_core at 0, lx_twice placed after it at 3. */
	ck_assert_uint_eq(out.func_info_cnt, 2);
	ck_assert_uint_eq(out.func_info[0].insn_off, 0);
	ck_assert_uint_eq(out.func_info[1].insn_off, 3);
	t = eb_btf_type(L.spec->btf, out.func_info[1].type_id);
	ck_assert_uint_eq(btf_kind(t), BTF_KIND_FUNC);
	ck_assert_str_eq(eb_btf_name(L.spec->btf, t), "lx_twice");
	/* line_info from both sections, rebased and ascending, naming the source. */
	ck_assert_uint_ge(out.line_info_cnt, 2);
	ck_assert_uint_eq(out.line_info[0].insn_off, 0);
	for (uint32_t i = 1; i < out.line_info_cnt; i++)
		ck_assert_uint_gt(out.line_info[i].insn_off, out.line_info[i - 1].insn_off);
	for (uint32_t i = 0; i < out.line_info_cnt && !at_twice; i++)
		at_twice = out.line_info[i].insn_off == 3;
	ck_assert_msg(at_twice, "no line_info record at lx_twice (insn 3)");
	ck_assert_uint_lt(out.line_info[out.line_info_cnt - 1].insn_off, out.insn_cnt);
	ck_assert_ptr_nonnull(strstr(eb_btf_str(L.spec->btf, out.line_info[0].file_name_off), "lx_ext.bpf.c"));
	eb_relo_prog_free(&out);
	relocates("lx_plain");
}
END_TEST

struct damage {
	enum lx_ext_table tab;
	const char *sec;
	uint32_t field;		/* u32 word of the record: 0 insn_off, 1 type / file name, ... */
	uint32_t value;		/* set to this; 0: add 4 to the field */
	const char *fails;	/* program whose relocation fails ... */
	const char *relocates;	/* ... and the one that still relocates (NULL: both fail) */
	const char *msg;	/* the failure's message after "prog '<name>': " */
};

static const struct damage damages[] = {
	{ LX_CORE_RELO, "syscall", 3, 13, "lx_core", "lx_plain",
	  ".BTF.ext core_relo: section 'syscall' record 0: unknown relocation kind 13" },
	{ LX_CORE_RELO, "syscall", 1, 99999, "lx_core", "lx_plain",
	  ".BTF.ext core_relo: section 'syscall' record 0: type id 99999 out of range" },
	{ LX_CORE_RELO, "syscall", 2, 0x7ffffff0, "lx_core", "lx_plain",
	  ".BTF.ext core_relo: section 'syscall' record 0: access string offset 2147483632 out of range" },
	{ LX_CORE_RELO, "syscall", 0, 0, "lx_core", "lx_plain",
	  ".BTF.ext core_relo: section 'syscall' record 0: insn offset 4 is not a multiple of 8" },
	{ LX_FUNC_INFO, "tc", 1, 0x40000000, "lx_plain", "lx_core",
	  ".BTF.ext func_info: section 'tc' record 0: type id 1073741824 out of range" },
	{ LX_FUNC_INFO, "tc", 0, 0, "lx_plain", "lx_core",
	  ".BTF.ext func_info: section 'tc' record 0: insn offset 4 is not a multiple of 8" },
	{ LX_LINE_INFO, "tc", 1, 0x7ffffff0, "lx_plain", "lx_core",
	  ".BTF.ext line_info: section 'tc' record 0: file name string offset 2147483632 out of range" },
	{ LX_LINE_INFO, "syscall", 2, 0x7ffffff0, "lx_core", "lx_plain",
	  ".BTF.ext line_info: section 'syscall' record 0: line string offset 2147483632 out of range" },
	/* .text is carried into both programs: both fail. */
	{ LX_FUNC_INFO, ".text", 1, 0x7fffffff, "lx_core", NULL,
	  ".BTF.ext func_info: section '.text' record 0: type id 2147483647 out of range" },
};

START_TEST(test_damaged_record_fails_its_programs)
{
	const struct damage *d = &damages[_i];
	char msg[256];
	uint32_t v = d->value;

	if (!d->value)
		v = lx_ext_get(L.elf, L.size, d->tab, d->sec, 0, d->field) + 4;
	lx_ext_set(L.elf, L.size, d->tab, d->sec, 0, d->field, v);
	/* Open reads no record: it succeeds. */
	if (!open_elf())
		return;
	snprintf(msg, sizeof(msg), "prog '%s': %s", d->fails, d->msg);
	fails(d->fails, msg);
	if (d->relocates) {
		relocates(d->relocates);
	} else {
		snprintf(msg, sizeof(msg), "prog 'lx_plain': %s", d->msg);
		fails("lx_plain", msg);
	}
}
END_TEST

/* A func_info record naming a type that is not a FUNC (here the CO-RE record's struct). */
START_TEST(test_func_info_not_a_func)
{
	uint32_t struct_id = lx_ext_get(L.elf, L.size, LX_CORE_RELO, "syscall", 0, 1);
	char msg[160];

	lx_ext_set(L.elf, L.size, LX_FUNC_INFO, "syscall", 0, 1, struct_id);
	if (!open_elf())
		return;
	snprintf(msg, sizeof(msg), "prog 'lx_core': .BTF.ext func_info: section 'syscall' record 0: type [%u] "
		 "is not a FUNC", struct_id);
	fails("lx_core", msg);
	relocates("lx_plain");
}
END_TEST

/* Section headers are still checked at open: a record count past the table fails it. */
START_TEST(test_section_header_checked_at_open)
{
	size_t num = lx_ext_field_off(L.elf, L.size, LX_CORE_RELO, "syscall", 0, 0) - 4;
	uint32_t v = 1000;

	memcpy(L.elf + num, &v, 4);
	ck_assert_int_eq(ebpf_spec_open_mem(L.elf, L.size, NULL, &L.spec), -EINVAL);
	ck_assert_ptr_null(L.spec);
	ck_assert_errmsg_has(".BTF.ext core_relo: section 'syscall': 1000 records of 16 bytes run past the table");
}
END_TEST

Suite *suite_lx_ext_lazy(void)
{
	Suite *s = suite_create("lx_ext_lazy");
	TCase *tc = test_tcase("lazy");

	tcase_add_checked_fixture(tc, fixture_setup, fixture_teardown);
	tcase_add_test(tc, test_records_decoded_at_relocation);
	tcase_add_loop_test(tc, test_damaged_record_fails_its_programs, 0,
			    (int)(sizeof(damages) / sizeof(damages[0])));
	tcase_add_test(tc, test_func_info_not_a_func);
	tcase_add_test(tc, test_section_header_checked_at_open);
	suite_add_tcase(s, tc);
	return s;
}
