/*
 * The load path's shortcuts give exactly the answers of the long way:
 *  - a load's cursor (eb_relo_program_cursor) starts each program's .BTF.ext
 *    records where the previous program's ended: relocating every program in
 *    order with it, in reverse order with it (each step misses and falls back
 *    to the search), or with a cursor set to nonsense, equals relocating each
 *    program alone without one, byte for byte (instructions, func_info,
 *    line_info);
 *  - a program's relocation tags come from the spec's reloc range when its
 *    edges agree with the section's tags: a wrong range in the spec is noticed
 *    and the search's answer used;
 *  - kernel object names: every byte value maps as the kernel allows.
 */
#include <errno.h>
#include <stdint.h>
#include <string.h>

#include "lib/alloc.h"
#include "lib/spec.h"
#include "lib/sys.h"
#include "relo/relo.h"
#include "relo_fixture.h"
#include "testutil.h"

#define MAX_PROGS 64

static struct relo_fixture F;
static struct eb_relo_prog ref[MAX_PROGS];	/* each program alone, no cursor */

static void fixture_teardown(void)
{
	for (uint32_t i = 0; i < MAX_PROGS; i++)
		eb_relo_prog_free(&ref[i]);
	relo_fixture_close(&F);
}

/* Open `obj` and relocate each program alone (the reference). */
static void open_obj(const char *obj)
{
	relo_fixture_open(&F, obj);
	ck_assert_uint_le(F.spec->prog_cnt, MAX_PROGS);
	for (uint32_t i = 0; i < F.spec->prog_cnt; i++)
		ck_assert_msg(eb_relo_program(F.spec, F.spec->progs[i], &F.env, F.res, F.fds, &ref[i]) == 0,
			      "%s: %s", F.spec->progs[i]->name, ebpf_errmsg());
}

static void assert_same(const struct eb_relo_prog *a, const struct eb_relo_prog *b, const char *name)
{
	ck_assert_msg(a->insn_cnt == b->insn_cnt, "%s: %u vs %u instructions", name, a->insn_cnt, b->insn_cnt);
	ck_assert_msg(!memcmp(a->insns, b->insns, a->insn_cnt * sizeof(*a->insns)), "%s: instructions differ", name);
	ck_assert_msg(a->func_info_cnt == b->func_info_cnt, "%s: %u vs %u func_info", name, a->func_info_cnt,
		      b->func_info_cnt);
	ck_assert_msg(a->line_info_cnt == b->line_info_cnt, "%s: %u vs %u line_info", name, a->line_info_cnt,
		      b->line_info_cnt);
	if (a->func_info_cnt)
		ck_assert_msg(!memcmp(a->func_info, b->func_info, a->func_info_cnt * sizeof(*a->func_info)),
			      "%s: func_info differs", name);
	if (a->line_info_cnt)
		ck_assert_msg(!memcmp(a->line_info, b->line_info, a->line_info_cnt * sizeof(*a->line_info)),
			      "%s: line_info differs", name);
}

/* Relocate program `i` with `cur` (through the scratch, as a collection load does). */
static void check_with_cursor(uint32_t i, struct eb_relo_cursor *cur)
{
	_Alignas(max_align_t) unsigned char buf[4096];
	struct eb_relo_prog out;

	ck_assert_msg(eb_relo_program_cursor(F.spec, F.spec->progs[i], &F.env, F.res, F.fds, cur, buf, sizeof(buf),
					     &out) == 0, "%s: %s", F.spec->progs[i]->name, ebpf_errmsg());
	assert_same(&out, &ref[i], F.spec->progs[i]->name);
	eb_relo_prog_free(&out);
}

static const char *const objects[] = { "ld_many", "relo_subprogs", "bench_small", "hp_chain", "link_progs",
				       "zc_image" };

START_TEST(cursor_in_order_equals_alone)
{
	struct eb_relo_cursor cur = { 0 };
	uint32_t with_lines = 0;

	open_obj(objects[_i]);
	for (uint32_t i = 0; i < F.spec->prog_cnt; i++) {
		check_with_cursor(i, &cur);
		with_lines += ref[i].line_info_cnt > 0;
	}
	/* the cursor was used: it points past the last program's line records */
	if (with_lines) {
		ck_assert_ptr_nonnull(cur.sec[EB_EXT_LINE_INFO]);
		ck_assert_uint_gt(cur.next[EB_EXT_LINE_INFO], 0);
		ck_assert_uint_le(cur.next[EB_EXT_LINE_INFO], cur.sec[EB_EXT_LINE_INFO]->cnt);
	}
}
END_TEST

START_TEST(cursor_in_reverse_order_equals_alone)
{
	struct eb_relo_cursor cur = { 0 };

	open_obj(objects[_i]);
	for (uint32_t i = F.spec->prog_cnt; i-- > 0;)
		check_with_cursor(i, &cur);
}
END_TEST

START_TEST(nonsense_cursor_is_not_trusted)
{
	static const uint32_t bad[] = { 0, 1, 2, 7, 1000, UINT32_MAX - 1, UINT32_MAX };

	open_obj(objects[_i]);
	for (uint32_t i = 0; i < F.spec->prog_cnt; i++) {
		const struct eb_func *f = &F.spec->funcs[F.spec->progs[i]->func];
		const struct eb_text_sec *sec = &F.spec->secs[f->sec];

		for (size_t b = 0; b < sizeof(bad) / sizeof(bad[0]); b++) {
			/* the right section, the wrong place */
			struct eb_relo_cursor cur = {
				.sec = { sec->func_info, sec->line_info, sec->core_relo },
				.next = { bad[b], bad[b], bad[b] },
			};

			check_with_cursor(i, &cur);
		}
	}
}
END_TEST

/* The cursor after program i, in a load of the programs in order, is where program i+1's records start. */
START_TEST(cursor_lands_where_the_next_program_starts)
{
	struct eb_relo_cursor cur = { 0 };
	uint32_t hits = 0;

	open_obj("ld_many");
	for (uint32_t i = 0; i < F.spec->prog_cnt; i++) {
		const struct eb_func *f = &F.spec->funcs[F.spec->progs[i]->func];
		const struct eb_btf_ext_sec *li = F.spec->secs[f->sec].line_info;

		ck_assert_ptr_nonnull(li);
		if (cur.sec[EB_EXT_LINE_INFO] == li) {
			uint32_t k = cur.next[EB_EXT_LINE_INFO];

			/*
			 * the record before is before this program, the one at the cursor is
			 * its first (not after a subprogram between the two programs)
			 */
			ck_assert_uint_le(k, li->cnt);
			if (k > 0 && k < li->cnt && eb_btf_ext_insn(li, EB_EXT_LINE_INFO, k - 1) < f->off &&
			    eb_btf_ext_insn(li, EB_EXT_LINE_INFO, k) == f->off)
				hits++;
		}
		check_with_cursor(i, &cur);
	}
	/* ld_many has runs of programs in one section */
	ck_assert_uint_ge(hits, 2);
}
END_TEST

START_TEST(wrong_reloc_range_in_spec_is_not_trusted)
{
	open_obj("ld_many");
	for (uint32_t i = 0; i < F.spec->prog_cnt; i++) {
		struct ebpf_prog_spec *ps = F.spec->progs[i];
		const struct eb_text_sec *sec = &F.spec->secs[F.spec->funcs[ps->func].sec];
		uint32_t first = ps->reloc_first, cnt = ps->reloc_cnt;
		const uint32_t tries[][2] = {
			{ first + 1, cnt }, { first, cnt + 1 }, { first, cnt ? cnt - 1 : 0 },
			{ first ? first - 1 : 0, cnt }, { first ? first - 1 : 0, cnt + 1 }, { 0, 0 },
			{ 0, sec->reloc_cnt }, { sec->reloc_cnt, 0 }, { sec->reloc_cnt + 1, 0 }, { UINT32_MAX, 2 },
		};

		for (size_t t = 0; t < sizeof(tries) / sizeof(tries[0]); t++) {
			ps->reloc_first = tries[t][0];
			ps->reloc_cnt = tries[t][1];
			check_with_cursor(i, NULL);
		}
		ps->reloc_first = first;
		ps->reloc_cnt = cnt;
	}
}
END_TEST

/* Out of order records within a program are still refused, with or without a cursor. */
START_TEST(unordered_records_refused_with_cursor)
{
	struct eb_relo_cursor cur = { 0 };
	struct eb_relo_prog out;
	struct eb_btf_ext_sec *li;
	uint32_t p = UINT32_MAX;

	open_obj("ld_many");
	/* a program with at least 3 line records, whose second and third are swapped below */
	for (uint32_t i = 0; i < F.spec->prog_cnt && p == UINT32_MAX; i++)
		if (ref[i].line_info_cnt >= 3 && ref[i].insn_cnt ==
		    F.spec->funcs[F.spec->progs[i]->func].cnt)
			p = i;
	ck_assert_uint_ne(p, UINT32_MAX);
	const struct eb_func *f = &F.spec->funcs[F.spec->progs[p]->func];
	li = (struct eb_btf_ext_sec *)F.spec->secs[f->sec].line_info;
	ck_assert_ptr_nonnull(li);
	/* decode the section so its records can be edited in memory */
	void *recs = NULL;
	ck_assert_int_eq(eb_btf_ext_decode_all(F.spec->btf, li, EB_EXT_LINE_INFO, &recs), 0);
	struct eb_line_info *l = recs;
	uint32_t k = 0;
	while (l[k].insn_off < f->off)
		k++;
	ck_assert_uint_lt(l[k + 1].insn_off, l[k + 2].insn_off);
	struct eb_line_info tmp = l[k + 1];
	l[k + 1] = l[k + 2];
	l[k + 2] = tmp;
	void *saved = li->recs;
	li->recs = recs;
	for (int pass = 0; pass < 2; pass++) {
		/* pass 1: the cursor points at the program's first record */
		cur.sec[EB_EXT_LINE_INFO] = pass ? li : NULL;
		cur.next[EB_EXT_LINE_INFO] = k;
		ck_assert_int_eq(eb_relo_program_cursor(F.spec, F.spec->progs[p], &F.env, F.res, F.fds, &cur, NULL, 0,
							&out), -EINVAL);
		ck_assert_errmsg_has("line_info records of section");
		ck_assert_errmsg_has("are not in instruction order");
		ck_assert_errmsg_has(F.spec->progs[p]->name);
		ck_assert_ptr_null(out.insns);
	}
	li->recs = saved;
	eb_free(recs);
}
END_TEST

START_TEST(obj_name_maps_every_byte)
{
	for (unsigned c = 1; c < 256; c++) {
		char src[3] = { (char)c, 'x', '\0' }, dst[EB_OBJ_NAME_LEN];
		bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
			  c == '_' || c == '.';

		memset(dst, 0x5a, sizeof(dst));
		eb_obj_name(dst, src);
		ck_assert_msg(dst[0] == (ok ? (char)c : '_'), "byte %u became %u", c, (unsigned char)dst[0]);
		ck_assert_int_eq(dst[1], 'x');
		for (size_t i = 2; i < sizeof(dst); i++)
			ck_assert_int_eq(dst[i], 0);
	}
}
END_TEST

START_TEST(obj_name_cuts_at_15_and_takes_null)
{
	char dst[EB_OBJ_NAME_LEN];

	eb_obj_name(dst, "a_very_long_program_name");
	ck_assert_str_eq(dst, "a_very_long_pro");
	eb_obj_name(dst, "exactly15chars_");
	ck_assert_str_eq(dst, "exactly15chars_");
	eb_obj_name(dst, "tc/ingress-1");
	ck_assert_str_eq(dst, "tc_ingress_1");
	memset(dst, 1, sizeof(dst));
	eb_obj_name(dst, NULL);
	for (size_t i = 0; i < sizeof(dst); i++)
		ck_assert_int_eq(dst[i], 0);
	eb_obj_name(dst, "");
	ck_assert_str_eq(dst, "");
}
END_TEST

Suite *suite_ld_cursor(void)
{
	Suite *s = suite_create("ld_cursor");
	TCase *tc = test_tcase("core");
	const int nobj = (int)(sizeof(objects) / sizeof(objects[0]));

	tcase_add_checked_fixture(tc, NULL, fixture_teardown);
	tcase_add_loop_test(tc, cursor_in_order_equals_alone, 0, nobj);
	tcase_add_loop_test(tc, cursor_in_reverse_order_equals_alone, 0, nobj);
	tcase_add_loop_test(tc, nonsense_cursor_is_not_trusted, 0, nobj);
	tcase_add_test(tc, cursor_lands_where_the_next_program_starts);
	tcase_add_test(tc, wrong_reloc_range_in_spec_is_not_trusted);
	tcase_add_test(tc, unordered_records_refused_with_cursor);
	tcase_add_test(tc, obj_name_maps_every_byte);
	tcase_add_test(tc, obj_name_cuts_at_15_and_takes_null);
	suite_add_tcase(s, tc);
	return s;
}
