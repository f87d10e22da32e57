/* Cookie emulation's instruction rewrite, and the cookie-support decision. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "testutil.h"
#include "lib/alloc.h"
#include "lib/collection_internal.h"
#include "lib/link_internal.h"

#define CALL(id) { .code = EBPF_JMP | EBPF_CALL, .imm = (id) }

/* An image owning eb_malloc'd copies of the given arrays. */
static void make_image(struct eb_prog_image *img, const struct ebpf_insn *insns, uint32_t n,
		       uint32_t nfunc, uint32_t nline)
{
	uint32_t i;

	memset(img, 0, sizeof(*img));
	img->insns = eb_memdup(insns, n * sizeof(*insns));
	img->insn_cnt = n;
	if (nfunc) {
		img->func_info = eb_calloc(nfunc, sizeof(*img->func_info));
		for (i = 0; i < nfunc; i++)
			img->func_info[i] = (struct eb_func_info){ i * 2, 10 + i };
		img->func_info_cnt = nfunc;
	}
	if (nline) {
		img->line_info = eb_calloc(nline, sizeof(*img->line_info));
		for (i = 0; i < nline; i++)
			img->line_info[i] = (struct eb_line_info){ i, 100 + i, 200 + i, 300 + i };
		img->line_info_cnt = nline;
	}
}

static void free_image(struct eb_prog_image *img)
{
	eb_free(img->insns);
	eb_free(img->func_info);
	eb_free(img->line_info);
}

static const struct ebpf_insn prog[] = {
	CALL(174),						/* 0: cookie call */
	{ .code = EBPF_ALU64 | EBPF_MOV | EBPF_X, .dst_reg = 6, .src_reg = 0 },
	{ .code = EBPF_LD | EBPF_IMM | EBPF_DW, .dst_reg = 1, .imm = 174 },
	CALL(174),						/* 3: ld_imm64's 2nd slot */
	CALL(14),						/* 4: another helper */
	{ .code = EBPF_JMP | EBPF_CALL, .src_reg = EBPF_PSEUDO_CALL, .imm = 174 },	/* 5 */
	CALL(174),						/* 6: cookie call */
	{ .code = EBPF_JMP | EBPF_EXIT },			/* 7 */
};

START_TEST(rewrites_cookie_calls_into_a_subprogram)
{
	const uint64_t cookie = 0x1122334455667788ULL;
	struct eb_prog_image img;
	uint32_t n = 99, i;

	make_image(&img, prog, 8, 1, 3);
	ck_assert_int_eq(eb_cookie_rewrite(&img, cookie, 77, &n), 0);
	ck_assert_uint_eq(n, 2);
	ck_assert_uint_eq(img.insn_cnt, 11);

	/* The two real helper calls now call insn 8, relative to the next insn. */
	ck_assert_uint_eq(img.insns[0].src_reg, EBPF_PSEUDO_CALL);
	ck_assert_int_eq(img.insns[0].imm, 8 - 1);
	ck_assert_uint_eq(img.insns[6].src_reg, EBPF_PSEUDO_CALL);
	ck_assert_int_eq(img.insns[6].imm, 8 - 7);
	/* Everything else is untouched. */
	for (i = 1; i < 8; i++)
		if (i != 6)
			ck_assert_mem_eq(&img.insns[i], &prog[i], sizeof(prog[i]));

	/* The subprogram: r0 = cookie ll; exit. */
	ck_assert_uint_eq(img.insns[8].code, EBPF_LD | EBPF_IMM | EBPF_DW);
	ck_assert_uint_eq(img.insns[8].dst_reg, 0);
	ck_assert_uint_eq((uint32_t)img.insns[8].imm, 0x55667788u);
	ck_assert_uint_eq(img.insns[9].code, 0);
	ck_assert_uint_eq((uint32_t)img.insns[9].imm, 0x11223344u);
	ck_assert_uint_eq(img.insns[10].code, EBPF_JMP | EBPF_EXIT);

	/* BTF info: one func_info and one line_info record for the new subprogram. */
	ck_assert_uint_eq(img.func_info_cnt, 2);
	ck_assert_uint_eq(img.func_info[1].insn_off, 8);
	ck_assert_uint_eq(img.func_info[1].type_id, 77);
	ck_assert_uint_eq(img.line_info_cnt, 4);
	ck_assert_uint_eq(img.line_info[3].insn_off, 8);
	ck_assert_uint_eq(img.line_info[3].file_name_off, 102);
	ck_assert_uint_eq(img.line_info[3].line_off, 202);
	ck_assert_uint_eq(img.line_info[3].line_col, 302);
	free_image(&img);
}
END_TEST

START_TEST(leaves_programs_without_cookie_calls_alone)
{
	static const struct ebpf_insn plain[] = {
		CALL(14),
		{ .code = EBPF_LD | EBPF_IMM | EBPF_DW, .dst_reg = 1 },
		CALL(174),	/* data slot of the ld_imm64 */
		{ .code = EBPF_JMP | EBPF_EXIT },
	};
	struct eb_prog_image img;
	uint32_t n = 99;

	make_image(&img, plain, 4, 0, 0);
	ck_assert_int_eq(eb_cookie_rewrite(&img, 5, 77, &n), 0);
	ck_assert_uint_eq(n, 0);
	ck_assert_uint_eq(img.insn_cnt, 4);
	ck_assert_mem_eq(img.insns, plain, sizeof(plain));
	ck_assert_ptr_null(img.func_info);
	free_image(&img);
}
END_TEST

/*
 * Without BTF info, none is invented; without a static FUNC to describe the new
 * subprogram, BTF info is dropped; allocation failures leave a freeable image.
 */
START_TEST(no_btf_info_and_allocation_failures)
{
	struct eb_prog_image img;
	uint32_t n, k;

	make_image(&img, prog, 8, 1, 3);
	ck_assert_int_eq(eb_cookie_rewrite(&img, 1, 0, &n), 0);
	ck_assert_uint_eq(n, 2);
	ck_assert_uint_eq(img.func_info_cnt, 0);
	ck_assert_uint_eq(img.line_info_cnt, 0);
	ck_assert_ptr_null(img.func_info);
	ck_assert_ptr_null(img.line_info);
	ck_assert_uint_eq(img.insn_cnt, 11);
	free_image(&img);

	make_image(&img, prog, 8, 0, 0);
	ck_assert_int_eq(eb_cookie_rewrite(&img, 1, 77, &n), 0);
	ck_assert_uint_eq(img.func_info_cnt, 0);
	ck_assert_uint_eq(img.line_info_cnt, 0);
	ck_assert_uint_eq(img.insn_cnt, 11);
	free_image(&img);

	for (k = 1; k <= 3; k++) {
		make_image(&img, prog, 8, 1, 3);
		eb_fault_arm(EB_FAULT_ALLOC, k);
		ck_assert_int_eq(eb_cookie_rewrite(&img, 1, 77, &n), -ENOMEM);
		eb_fault_arm(EB_FAULT_ALLOC, 0);
		/* Counts never exceed what the arrays hold. */
		ck_assert_uint_le(img.func_info_cnt, 1);
		ck_assert_uint_le(img.line_info_cnt, 3);
		free_image(&img);
	}
}
END_TEST

START_TEST(cookie_plan_refuses_or_emulates_when_forced)
{
	eb_link_force_no_cookie(true);
	ck_assert_int_eq(eb_link_cookie_plan(EB_FEAT_BPF_COOKIE, 0, false, "x"), 0);
	ck_assert_int_eq(eb_link_cookie_plan(EB_FEAT_BPF_COOKIE, 7, true, "x"), 1);
	ck_assert_int_eq(eb_link_cookie_plan(EB_FEAT_BPF_COOKIE, 7, false, "prog 'p': uprobe"),
			 -EOPNOTSUPP);
	eb_link_force_no_cookie(false);
	ck_assert_errmsg_has("prog 'p': uprobe: attach cookie 7 requested, but this kernel lacks ");
	ck_assert_errmsg_has(eb_feature_since(EB_FEAT_BPF_COOKIE));
	ck_assert_errmsg_has("emulate_cookie");
}
END_TEST

Suite *suite_link_rewrite(void)
{
	Suite *s = suite_create("link_rewrite");
	TCase *tc = test_tcase("rewrite");

	tcase_add_test(tc, rewrites_cookie_calls_into_a_subprogram);
	tcase_add_test(tc, leaves_programs_without_cookie_calls_alone);
	tcase_add_test(tc, no_btf_info_and_allocation_failures);
	tcase_add_test(tc, cookie_plan_refuses_or_emulates_when_forced);
	suite_add_tcase(s, tc);
	return s;
}
