// SPDX-License-Identifier: BSD-2-Clause
/*
 * A load's CO-RE cache remembers each resolved relocation (local type, access
 * string, kind): later programs with the same relocation get the same patch and
 * the same note or error text as the first, without walking the target again,
 * and a cache given another target BTF forgets what it remembered.
 */
#include <errno.h>
#include <string.h>

#include "testutil.h"
#include "core_btf_builder.h"
#include "lib/alloc.h"
#include "relo/core_internal.h"

static uint32_t l_task, s_pid, s_gone;

/* struct task___m { int pid; int gone; } with access strings "0:0" (pid) and "0:1" (gone). */
static struct ebpf_btf *local_btf(void)
{
	struct tb b;
	uint32_t i32;

	tb_init(&b);
	i32 = tb_int(&b, "int", 4, 1);
	l_task = tb_struct(&b, "task___m", 8, 2, 0);
	tb_member(&b, "pid", i32, 0, 0);
	tb_member(&b, "gone", i32, 32, 0);
	s_pid = tb_str(&b, "0:0");
	s_gone = tb_str(&b, "0:1");
	return tb_finish(&b);
}

/* struct task { long long pad; int pid; }: pid at byte `pid_off`, no 'gone'. */
static struct ebpf_btf *target_btf(uint32_t pid_off)
{
	struct tb b;
	uint32_t i32, s64;

	tb_init(&b);
	i32 = tb_int(&b, "int", 4, 1);
	s64 = tb_int(&b, "long long int", 8, 1);
	tb_struct(&b, "task", 16, 2, 0);
	tb_member(&b, "pad", s64, 0, 0);
	tb_member(&b, "pid", i32, pid_off * 8, 0);
	return tb_finish(&b);
}

#define LDX_W(dst, src, o) { .code = EBPF_LDX | EBPF_MEM | EBPF_W, .dst_reg = dst, .src_reg = src, .off = o }

static void free_notes(struct eb_relo_prog *out)
{
	for (uint32_t i = 0; i < out->note_cnt; i++)
		eb_free(out->notes[i].what);
	eb_free(out->notes);
	memset(out, 0, sizeof(*out));
}

/* One program: pid read at local offset `pid_insn_off`, then 'gone' (absent in the target). */
static int apply(struct eb_core_cache *cache, const struct ebpf_btf *local, const struct ebpf_btf *targ,
		 int16_t pid_insn_off, struct ebpf_insn insns[2], struct eb_relo_prog *out)
{
	const struct eb_core_relo relos[2] = {
		{ 0, l_task, s_pid, EB_CORE_FIELD_BYTE_OFFSET },
		{ 1, l_task, s_gone, EB_CORE_FIELD_BYTE_OFFSET },
	};
	const struct ebpf_insn prog[2] = { LDX_W(0, 1, pid_insn_off), LDX_W(2, 1, 4) };

	memcpy(insns, prog, sizeof(prog));
	memset(out, 0, sizeof(*out));
	return eb_core_apply(local, targ, cache, "p", insns, 2, relos, 2, out);
}

START_TEST(repeated_relocations_same_result)
{
	struct ebpf_btf *local = local_btf(), *targ = target_btf(8), *targ2 = target_btf(12);
	struct eb_core_cache *cache = eb_core_cache_new();
	const struct eb_core_memo *m;
	struct ebpf_insn insns[2];
	struct eb_relo_prog out;

	ck_assert_ptr_nonnull(cache);
	for (int round = 0; round < 2; round++) {
		ck_assert_int_eq(apply(cache, local, targ, 0, insns, &out), 0);
		ck_assert_int_eq(insns[0].off, 8);
		ck_assert_int_eq(insns[1].code, EBPF_JMP | EBPF_CALL);
		ck_assert_int_eq(insns[1].imm, EB_CORE_POISON);
		ck_assert_uint_eq(out.note_cnt, 1);
		ck_assert_str_eq(out.notes[0].what,
				 "task___m.gone: field not found in kernel BTF (CO-RE field_byte_offset)");
		free_notes(&out);
		/* remembered after the first program */
		m = eb_core_memo_get(cache, local, targ, l_task, s_pid, EB_CORE_FIELD_BYTE_OFFSET);
		ck_assert_ptr_nonnull(m);
		ck_assert_uint_eq(m->res.new_val, 8);
		ck_assert_uint_eq(m->cand_cnt, 1);
	}
	/* A remembered result still names the relocation when its instruction disagrees. */
	ck_assert_int_eq(apply(cache, local, targ, 4, insns, &out), -EINVAL);
	ck_assert_str_eq(ebpf_errmsg(), "prog 'p': CO-RE relocation #0 (field_byte_offset task___m.pid) "
					"at insn 0: instruction offset is 4, but the object's BTF says 0");
	free_notes(&out);

	/* Another target: nothing remembered applies to it. */
	ck_assert_ptr_null(eb_core_memo_get(cache, local, targ2, l_task, s_pid, EB_CORE_FIELD_BYTE_OFFSET));
	ck_assert_int_eq(apply(cache, local, targ2, 0, insns, &out), 0);
	ck_assert_int_eq(insns[0].off, 12);
	free_notes(&out);
	ck_assert_ptr_null(eb_core_memo_get(cache, local, targ, l_task, s_pid, EB_CORE_FIELD_BYTE_OFFSET));

	eb_core_cache_free(cache);
	eb_btf_put(local);
	eb_btf_put(targ);
	eb_btf_put(targ2);
}
END_TEST

/* Many distinct relocations: the table grows and keeps every entry. */
START_TEST(memo_grows)
{
	struct ebpf_btf *local = local_btf(), *targ = target_btf(8);
	struct eb_core_cache *cache = eb_core_cache_new();
	const struct eb_core_cands *c;

	ck_assert_int_eq(eb_core_cands_get(cache, local, l_task, targ, &c), 0);
	for (uint32_t i = 0; i < 1000; i++) {
		struct eb_core_memo m = { l_task, i, EB_CORE_FIELD_BYTE_OFFSET, 1, { .new_val = i * 3 } };

		eb_core_memo_put(cache, local, targ, &m);
	}
	for (uint32_t i = 0; i < 1000; i++) {
		const struct eb_core_memo *m = eb_core_memo_get(cache, local, targ, l_task, i, EB_CORE_FIELD_BYTE_OFFSET);

		ck_assert_ptr_nonnull(m);
		ck_assert_uint_eq(m->res.new_val, i * 3);
	}
	ck_assert_ptr_null(eb_core_memo_get(cache, local, targ, l_task, 1000, EB_CORE_FIELD_BYTE_OFFSET));
	ck_assert_ptr_null(eb_core_memo_get(cache, local, targ, l_task, 1, EB_CORE_FIELD_BYTE_SIZE));
	eb_core_cache_free(cache);
	eb_btf_put(local);
	eb_btf_put(targ);
}
END_TEST

Suite *suite_perf2_core_memo(void)
{
	Suite *s = suite_create("perf2_core_memo");
	TCase *tc = test_tcase("core_memo");

	tcase_add_test(tc, repeated_relocations_same_result);
	tcase_add_test(tc, memo_grows);
	suite_add_tcase(s, tc);
	return s;
}
