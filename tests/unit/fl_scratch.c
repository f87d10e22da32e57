/*
 * Relocation into caller storage (eb_relo_program_scratch, what a collection
 * load uses for each program): the result is byte for byte the heap
 * relocation's; a one-function program's arrays all live in the scratch; a
 * program that grows past its first function, or a scratch too small, moves
 * them to the heap; eb_relo_prog_free() frees exactly the heap ones (valgrind
 * runs this suite: a free of scratch memory or a leak fails it).
 */
#include <errno.h>
#include <stdint.h>
#include <string.h>

#include "lib/spec.h"
#include "relo/relo.h"
#include "relo_fixture.h"
#include "testutil.h"

static struct relo_fixture F;

static void fixture_teardown(void)
{
	relo_fixture_close(&F);
}

static void open_obj(const char *obj)
{
	relo_fixture_open(&F, obj);
}

static bool in_buf(const void *p, const void *buf, size_t size)
{
	uintptr_t a = (uintptr_t)p, lo = (uintptr_t)buf;

	return p && a >= lo && a - lo < size;
}

/* The same program relocated on the heap and in `buf`: equal results. */
static void relocate_both(const struct ebpf_prog_spec *ps, void *buf, size_t size,
			  struct eb_relo_prog *heap, struct eb_relo_prog *scr)
{
	ck_assert_int_eq(eb_relo_program(F.spec, ps, &F.env, F.res, F.fds, heap), 0);
	ck_assert_msg(eb_relo_program_scratch(F.spec, ps, &F.env, F.res, F.fds, buf, size, scr) == 0,
		      "%s: %s", ps->name, ebpf_errmsg());
	ck_assert_uint_gt(heap->insn_cnt, 0);
	ck_assert_uint_eq(scr->insn_cnt, heap->insn_cnt);
	ck_assert_int_eq(memcmp(scr->insns, heap->insns, heap->insn_cnt * sizeof(*heap->insns)), 0);
	ck_assert_uint_eq(scr->func_info_cnt, heap->func_info_cnt);
	ck_assert_uint_eq(scr->line_info_cnt, heap->line_info_cnt);
	if (heap->func_info_cnt)
		ck_assert_int_eq(memcmp(scr->func_info, heap->func_info,
					heap->func_info_cnt * sizeof(*heap->func_info)), 0);
	if (heap->line_info_cnt)
		ck_assert_int_eq(memcmp(scr->line_info, heap->line_info,
					heap->line_info_cnt * sizeof(*heap->line_info)), 0);
	ck_assert_uint_le(scr->scratch_used, size);
	/* nothing of the heap relocation is in the scratch */
	ck_assert(!in_buf(heap->insns, buf, size));
}

START_TEST(one_function_programs_live_in_the_scratch)
{
	_Alignas(max_align_t) unsigned char buf[4096];
	struct eb_relo_prog heap, scr;

	open_obj("bench_small");
	for (uint32_t i = 0; i < F.spec->prog_cnt; i++) {
		const struct ebpf_prog_spec *ps = F.spec->progs[i];

		relocate_both(ps, buf, sizeof(buf), &heap, &scr);
		/* every array of a one-function program is carved from the scratch */
		ck_assert_msg(in_buf(scr.insns, buf, sizeof(buf)), "%s: insns on the heap", ps->name);
		ck_assert_uint_gt(scr.func_info_cnt, 0);
		ck_assert_uint_gt(scr.line_info_cnt, 0);
		ck_assert(in_buf(scr.func_info, buf, sizeof(buf)));
		ck_assert(in_buf(scr.line_info, buf, sizeof(buf)));
		/* ... back to back, aligned, exactly as big as needed */
		ck_assert_uint_eq((uintptr_t)scr.insns % _Alignof(max_align_t), 0);
		ck_assert_uint_eq((uintptr_t)scr.line_info % _Alignof(max_align_t), 0);
		ck_assert_uint_le(scr.scratch_used, scr.insn_cnt * sizeof(*scr.insns) +
				  scr.func_info_cnt * sizeof(*scr.func_info) +
				  scr.line_info_cnt * sizeof(*scr.line_info) + 2 * _Alignof(max_align_t));
		eb_relo_prog_free(&scr);
		eb_relo_prog_free(&heap);
		/* freed and cleared: nothing left pointing into the scratch */
		ck_assert_ptr_null(scr.insns);
		ck_assert_ptr_null(scr.scratch);
	}
}
END_TEST

START_TEST(growing_or_tiny_scratch_moves_to_the_heap)
{
	static const size_t sizes[] = { 0, 8, 64, 200, 1024, 4096 };
	_Alignas(max_align_t) unsigned char buf[4096];
	struct eb_relo_prog heap, scr;
	unsigned moved = 0, kept = 0;

	open_obj("relo_subprogs");
	for (size_t s = 0; s < sizeof(sizes) / sizeof(sizes[0]); s++) {
		for (uint32_t i = 0; i < F.spec->prog_cnt; i++) {
			const struct ebpf_prog_spec *ps = F.spec->progs[i];

			memset(buf, 0xa5, sizeof(buf));
			relocate_both(ps, sizes[s] ? buf : NULL, sizes[s], &heap, &scr);
			if (!sizes[s] || sizes[s] < heap.insn_cnt * sizeof(*heap.insns))
				/* not even the instructions fit: all of it on the heap */
				ck_assert(!in_buf(scr.insns, buf, sizeof(buf)));
			if (in_buf(scr.insns, buf, sizeof(buf)))
				kept++;
			else
				moved++;
			eb_relo_prog_free(&scr);
			eb_relo_prog_free(&heap);
		}
	}
	/* these programs all call subprograms: their instructions outgrow the first piece */
	ck_assert_uint_gt(moved, 0);
	ck_assert_uint_eq(kept, 0);
}
END_TEST

START_TEST(failed_relocation_frees_only_the_heap)
{
	_Alignas(max_align_t) unsigned char buf[4096];
	struct eb_relo_prog scr;

	open_obj("bench_small");
	/* a map without an fd fails the patch step, after linking filled the scratch */
	for (int i = 0; i < 16; i++)
		F.fds[i] = -1;
	const struct ebpf_prog_spec *ps = ebpf_spec_prog_by_name(F.spec, "count_getpid");
	ck_assert_ptr_nonnull(ps);
	ck_assert_int_eq(eb_relo_program_scratch(F.spec, ps, &F.env, F.res, F.fds, buf, sizeof(buf), &scr),
			 -ENOENT);
	ck_assert_errmsg_has("count_getpid");
	ck_assert_ptr_null(scr.insns);
	ck_assert_uint_eq(scr.insn_cnt, 0);
	ck_assert_ptr_null(scr.scratch);
	eb_relo_prog_free(&scr);	/* and again: harmless */
}
END_TEST

Suite *suite_fl_scratch(void)
{
	Suite *s = suite_create("fl_scratch");
	TCase *tc = test_tcase("core");

	tcase_add_checked_fixture(tc, NULL, fixture_teardown);
	tcase_add_test(tc, one_function_programs_live_in_the_scratch);
	tcase_add_test(tc, growing_or_tiny_scratch_moves_to_the_heap);
	tcase_add_test(tc, failed_relocation_frees_only_the_heap);
	suite_add_tcase(s, tc);
	return s;
}
