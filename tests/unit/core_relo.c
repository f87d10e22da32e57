/*
 * CO-RE against small hand-built target BTFs: a field moved, renamed, resized,
 * removed; bitfields in both byte orders; types, enums; ambiguous candidates;
 * malformed records. Each test asserts the patched instruction bytes or the
 * exact message.
 */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include "testutil.h"
#include "core_btf_builder.h"
#include "lib/alloc.h"
#include "relo/core_internal.h"

/* ------------------------------------------------------------ the object's BTF */

/* Ids and access-string offsets of the local (object) BTF. */
static struct {
	uint32_t task;		/* struct task_struct___local */
	uint32_t pid_type;	/* enum pid_type___local */
	uint32_t missing;	/* struct no_such_type */
	uint32_t u32_td;	/* typedef u32 */
	uint32_t s_0, s_00, s_01, s_02, s_03, s_04, s_05, s_052, s_1, s_2, s_09, s_bad;
} L;

/*
 * struct task_struct___local {            bit
 *     int pid;                             0
 *     int tgid;                            32
 *     unsigned int flags;                  64
 *     unsigned int bits:3;                 96
 *     int sv;                              128
 *     u32 arr[4];                          160
 * };
 * enum pid_type___local { PIDTYPE_PID, PIDTYPE_TGID, PIDTYPE_GONE };
 */
static struct ebpf_btf *local_btf(void)
{
	struct tb b;
	uint32_t i32, u32, td, arr;

	tb_init(&b);
	i32 = tb_int(&b, "int", 4, 1);
	u32 = tb_int(&b, "unsigned int", 4, 0);
	td = tb_typedef(&b, "u32", u32);
	arr = tb_array(&b, td, i32, 4);
	L.task = tb_struct(&b, "task_struct___local", 36, 6, 1);
	tb_member(&b, "pid", i32, 0, 0);
	tb_member(&b, "tgid", i32, 32, 0);
	tb_member(&b, "flags", u32, 64, 0);
	tb_member(&b, "bits", u32, 96, 3);
	tb_member(&b, "sv", i32, 128, 0);
	tb_member(&b, "arr", arr, 160, 0);
	L.pid_type = tb_enum(&b, "pid_type___local", 3, 4, 0);
	tb_enumval(&b, "PIDTYPE_PID", 0);
	tb_enumval(&b, "PIDTYPE_TGID", 1);
	tb_enumval(&b, "PIDTYPE_GONE", 7);
	L.missing = tb_struct(&b, "no_such_type", 4, 1, 0);
	tb_member(&b, "x", i32, 0, 0);
	L.u32_td = td;
	L.s_0 = tb_str(&b, "0");
	L.s_00 = tb_str(&b, "0:0");
	L.s_01 = tb_str(&b, "0:1");
	L.s_02 = tb_str(&b, "0:2");
	L.s_03 = tb_str(&b, "0:3");
	L.s_04 = tb_str(&b, "0:4");
	L.s_05 = tb_str(&b, "0:5");
	L.s_052 = tb_str(&b, "0:5:2");
	L.s_1 = tb_str(&b, "1");
	L.s_2 = tb_str(&b, "2");
	L.s_09 = tb_str(&b, "0:9");
	L.s_bad = tb_str(&b, "0:x");
	return tb_finish(&b);
}

/* ------------------------------------------------------------ kernel variants */

enum variant {
	V_MOVED,	/* every field at a new place; tgid inside an anonymous union */
	V_RENAMED,	/* pid renamed to pid_nr, flags removed */
	V_RESIZED,	/* flags u32 -> u64, sv int -> long long */
	V_AMBIGUOUS,	/* task_struct and task_struct___v2 disagree on pid */
	V_AGREEING,	/* task_struct and task_struct___v2 agree */
	V_WIDE_BITS,	/* bits straddles a 4-byte boundary */
};

/* Target ids the tests compare against. */
static uint32_t T_task, T_task2;

/*
 * V_MOVED:
 * struct task_struct {                    bit
 *     long pad;                            0
 *     int pid;                             64
 *     union { int tgid; int tgid_alias; }; 96
 *     unsigned int flags;                  128
 *     unsigned int bits:3;                 165
 *     int sv;                              192
 *     u32 arr[8];                          224
 * };
 */
static struct ebpf_btf *kernel_btf(enum variant v)
{
	struct tb b;
	uint32_t i32, u32, u64, s64, anon, arr, e;

	tb_init(&b);
	i32 = tb_int(&b, "int", 4, 1);
	u32 = tb_int(&b, "unsigned int", 4, 0);
	u64 = tb_int(&b, "long long unsigned int", 8, 0);
	s64 = tb_int(&b, "long long int", 8, 1);
	arr = tb_array(&b, u32, i32, 8);
	anon = tb_union(&b, NULL, 4, 2);
	tb_member(&b, "tgid", i32, 0, 0);
	tb_member(&b, "tgid_alias", i32, 0, 0);
	T_task = tb_struct(&b, "task_struct", 64, 7, 1);
	tb_member(&b, "pad", s64, 0, 0);
	tb_member(&b, v == V_RENAMED ? "pid_nr" : "pid", i32, 64, 0);
	tb_member(&b, NULL, anon, 96, 0);
	tb_member(&b, v == V_RENAMED ? "flags_gone" : "flags", v == V_RESIZED ? u64 : u32, 128, 0);
	tb_member(&b, "bits", u32, v == V_WIDE_BITS ? 222 : 165, 3);
	tb_member(&b, "sv", v == V_RESIZED ? s64 : i32, 256, 0);
	tb_member(&b, "arr", arr, 288, 0);
	if (v == V_AMBIGUOUS || v == V_AGREEING) {
		T_task2 = tb_struct(&b, "task_struct___v2", 64, 1, 0);
		tb_member(&b, "pid", i32, v == V_AMBIGUOUS ? 128 : 64, 0);
	}
	e = tb_enum(&b, "pid_type", 2, 4, 0);
	tb_enumval(&b, "PIDTYPE_TGID", 2);
	tb_enumval(&b, "PIDTYPE_PID", 5);
	(void)e;
	return tb_finish(&b);
}

/* ------------------------------------------------------------ helpers */

#define LDX_W(dst, src, o) { .code = EBPF_LDX | EBPF_MEM | EBPF_W, .dst_reg = dst, .src_reg = src, .off = o }
#define LDX_DW(dst, src, o) { .code = EBPF_LDX | EBPF_MEM | EBPF_DW, .dst_reg = dst, .src_reg = src, .off = o }
#define ADD64_IMM(dst, v) { .code = EBPF_ALU64 | EBPF_ADD | EBPF_K, .dst_reg = dst, .imm = v }
#define MOV64_IMM(dst, v) { .code = EBPF_ALU64 | EBPF_MOV | EBPF_K, .dst_reg = dst, .imm = v }
#define LD_IMM64(dst, lo, hi) { .code = EBPF_LD | EBPF_IMM | EBPF_DW, .dst_reg = dst, .imm = lo }, { .imm = hi }
#define POISON_CALL { .code = EBPF_JMP | EBPF_CALL, .imm = EB_CORE_POISON }

static void free_notes(struct eb_relo_prog *out)
{
	for (uint32_t i = 0; i < out->note_cnt; i++)
		eb_free(out->notes[i].what);
	eb_free(out->notes);
	out->notes = NULL;
	out->note_cnt = 0;
}

static void assert_insn(const struct ebpf_insn *got, const struct ebpf_insn *want, uint32_t i)
{
	ck_assert_msg(memcmp(got, want, sizeof(*got)) == 0,
		      "insn %u: code 0x%02x dst %u src %u off %d imm %d, want code 0x%02x dst %u src %u off %d imm %d",
		      i, got->code, got->dst_reg, got->src_reg, got->off, got->imm, want->code, want->dst_reg,
		      want->src_reg, want->off, want->imm);
}

static void assert_insns(const struct ebpf_insn *got, const struct ebpf_insn *want, uint32_t n)
{
	for (uint32_t i = 0; i < n; i++)
		assert_insn(&got[i], &want[i], i);
}

/* Apply `cnt` records to `insns` against kernel variant `v`. */
static int apply(enum variant v, struct ebpf_insn *insns, uint32_t n, const struct eb_core_relo *relos,
		 uint32_t cnt, struct eb_relo_prog *out)
{
	struct ebpf_btf *local = local_btf(), *targ = kernel_btf(v);
	int err;

	memset(out, 0, sizeof(*out));
	err = eb_core_apply(local, targ, NULL, "prog1", insns, n, relos, cnt, out);
	eb_btf_put(local);
	eb_btf_put(targ);
	return err;
}

/* ------------------------------------------------------------ field moved */

START_TEST(test_field_moved_patches_every_instruction_shape)
{
	struct ebpf_btf *tmp = local_btf();
	struct ebpf_insn insns[] = {
		LDX_W(0, 1, 0),		/* pid */
		ADD64_IMM(1, 4),	/* &tgid (through an anonymous union in the kernel) */
		LD_IMM64(2, 8, 0),	/* offset of flags as a 64-bit constant */
		MOV64_IMM(3, 4),	/* sizeof(flags) */
		MOV64_IMM(4, 1),	/* field exists: tgid */
		LDX_W(5, 1, 28),	/* arr[2] */
	};
	struct ebpf_insn want[] = {
		LDX_W(0, 1, 8),
		ADD64_IMM(1, 12),
		LD_IMM64(2, 16, 0),
		MOV64_IMM(3, 4),
		MOV64_IMM(4, 1),
		LDX_W(5, 1, 44),
	};
	struct eb_core_relo relos[7];
	struct eb_relo_prog out;

	eb_btf_put(tmp);
	relos[0] = (struct eb_core_relo){ 0, L.task, L.s_00, EB_CORE_FIELD_BYTE_OFFSET };
	relos[1] = (struct eb_core_relo){ 1, L.task, L.s_01, EB_CORE_FIELD_BYTE_OFFSET };
	relos[2] = (struct eb_core_relo){ 2, L.task, L.s_02, EB_CORE_FIELD_BYTE_OFFSET };
	relos[3] = (struct eb_core_relo){ 4, L.task, L.s_02, EB_CORE_FIELD_BYTE_SIZE };
	relos[4] = (struct eb_core_relo){ 5, L.task, L.s_01, EB_CORE_FIELD_EXISTS };
	relos[5] = (struct eb_core_relo){ 6, L.task, L.s_052, EB_CORE_FIELD_BYTE_OFFSET };
	ck_assert_int_eq(apply(V_MOVED, insns, 7, relos, 6, &out), 0);
	assert_insns(insns, want, 7);
	ck_assert_uint_eq(out.note_cnt, 0);
	free_notes(&out);
}
END_TEST

/* ------------------------------------------------------------ renamed / removed */

START_TEST(test_field_renamed_poisons_with_note)
{
	struct ebpf_btf *tmp = local_btf();
	struct ebpf_insn insns[] = {
		LDX_W(0, 1, 0),		/* pid: renamed in the kernel */
		MOV64_IMM(2, 1),	/* exists(pid) */
		MOV64_IMM(3, 1),	/* exists(tgid) */
		LD_IMM64(4, 8, 0),	/* offset of flags: removed */
	};
	struct ebpf_insn want[] = {
		POISON_CALL,
		MOV64_IMM(2, 0),
		MOV64_IMM(3, 1),
		POISON_CALL, POISON_CALL,
	};
	struct eb_core_relo relos[4];
	struct eb_relo_prog out;

	eb_btf_put(tmp);
	relos[0] = (struct eb_core_relo){ 0, L.task, L.s_00, EB_CORE_FIELD_BYTE_OFFSET };
	relos[1] = (struct eb_core_relo){ 1, L.task, L.s_00, EB_CORE_FIELD_EXISTS };
	relos[2] = (struct eb_core_relo){ 2, L.task, L.s_01, EB_CORE_FIELD_EXISTS };
	relos[3] = (struct eb_core_relo){ 3, L.task, L.s_02, EB_CORE_FIELD_BYTE_OFFSET };
	ck_assert_int_eq(apply(V_RENAMED, insns, 5, relos, 4, &out), 0);
	assert_insns(insns, want, 5);
	ck_assert_uint_eq(out.note_cnt, 2);
	ck_assert_uint_eq(out.notes[0].insn, 0);
	ck_assert_str_eq(out.notes[0].what,
			 "task_struct___local.pid: field not found in kernel BTF (CO-RE field_byte_offset)");
	ck_assert_uint_eq(out.notes[1].insn, 3);
	ck_assert_str_eq(out.notes[1].what,
			 "task_struct___local.flags: field not found in kernel BTF (CO-RE field_byte_offset)");
	free_notes(&out);
}
END_TEST

/* ------------------------------------------------------------ resized */

START_TEST(test_field_resized_adjusts_unsigned_load_poisons_signed)
{
	struct ebpf_btf *tmp = local_btf();
	struct ebpf_insn insns[] = {
		LDX_W(0, 1, 8),		/* flags: u32 -> u64, safe to widen */
		LDX_W(2, 1, 16),	/* sv: int -> long long, sign would be lost */
		MOV64_IMM(3, 4),	/* sizeof(sv) */
	};
	struct ebpf_insn want[] = {
		LDX_DW(0, 1, 16),
		POISON_CALL,
		MOV64_IMM(3, 8),
	};
	struct eb_core_relo relos[3];
	struct eb_relo_prog out;

	eb_btf_put(tmp);
	relos[0] = (struct eb_core_relo){ 0, L.task, L.s_02, EB_CORE_FIELD_BYTE_OFFSET };
	relos[1] = (struct eb_core_relo){ 1, L.task, L.s_04, EB_CORE_FIELD_BYTE_OFFSET };
	relos[2] = (struct eb_core_relo){ 2, L.task, L.s_04, EB_CORE_FIELD_BYTE_SIZE };
	ck_assert_int_eq(apply(V_RESIZED, insns, 3, relos, 3, &out), 0);
	assert_insns(insns, want, 3);
	ck_assert_uint_eq(out.note_cnt, 1);
	ck_assert_uint_eq(out.notes[0].insn, 1);
	ck_assert_str_eq(out.notes[0].what,
			 "task_struct___local.sv: field is 8 bytes in kernel BTF but 4 in the object, and only "
			 "unsigned integers and pointers can be read with another size (CO-RE field_byte_offset)");
	free_notes(&out);
}
END_TEST

/* ------------------------------------------------------------ bitfields */

/* All bitfield kinds through eb_core_calc, little and big endian. */
static void bitfield_values(enum variant v, bool big, uint64_t want[6], bool want_validate[6])
{
	struct ebpf_btf *local = local_btf(), *targ = kernel_btf(v);
	struct eb_core_spec *ls = calloc(1, sizeof(*ls)), *ts = calloc(1, sizeof(*ts));

	for (uint32_t k = EB_CORE_FIELD_BYTE_OFFSET; k <= EB_CORE_FIELD_RSHIFT_U64; k++) {
		struct eb_core_res res;

		ck_assert_int_eq(eb_core_spec_parse(local, L.task, "0:3", k, ls), 0);
		ck_assert_int_eq(eb_core_spec_match(ls, targ, T_task, ts), 1);
		ck_assert_int_eq(eb_core_calc(ls, ts, big, &res), 0);
		ck_assert_msg(res.new_val == want[k], "%s: %llu, want %llu", eb_core_kind_name(k),
			      (unsigned long long)res.new_val, (unsigned long long)want[k]);
		ck_assert_int_eq(res.validate, want_validate[k]);
		ck_assert(!res.poison);
	}
	free(ls);
	free(ts);
	eb_btf_put(local);
	eb_btf_put(targ);
}

START_TEST(test_bitfield_little_endian)
{
	/* bits:3 at bit 165 of a u32: load 4 bytes at 20; bits 5..7 of that word. */
	uint64_t want[6] = { 20, 4, 1, 0, 64 - (165 + 3 - 160), 61 };
	bool val[6] = { false, false, true, true, false, true };

	bitfield_values(V_MOVED, false, want, val);
}
END_TEST

START_TEST(test_bitfield_big_endian)
{
	uint64_t want[6] = { 20, 4, 1, 0, (8 - 4) * 8 + (165 - 160), 61 };
	bool val[6] = { false, false, true, true, false, true };

	bitfield_values(V_MOVED, true, want, val);
}
END_TEST

START_TEST(test_bitfield_straddling_needs_wider_load)
{
	/* bits at 222..224 cross a u32 boundary: one aligned 8-byte load at 24 covers it. */
	uint64_t want[6] = { 24, 8, 1, 0, 64 - (222 + 3 - 192), 61 };
	bool val[6] = { false, false, true, true, false, true };

	bitfield_values(V_WIDE_BITS, false, want, val);
}
END_TEST

START_TEST(test_bitfield_local_prediction)
{
	struct ebpf_btf *local = local_btf(), *targ = kernel_btf(V_MOVED);
	struct eb_core_spec *ls = calloc(1, sizeof(*ls)), *ts = calloc(1, sizeof(*ts));
	struct eb_core_res res;

	/* Locally bits is at 96: lshift 64 - 3 = 61, load at 12. */
	ck_assert_int_eq(eb_core_spec_parse(local, L.task, "0:3", EB_CORE_FIELD_LSHIFT_U64, ls), 0);
	ck_assert_int_eq(eb_core_spec_match(ls, targ, T_task, ts), 1);
	ck_assert_int_eq(eb_core_calc(ls, ts, false, &res), 0);
	ck_assert_uint_eq(res.orig_val, 61);
	ck_assert_int_eq(eb_core_spec_parse(local, L.task, "0:3", EB_CORE_FIELD_BYTE_OFFSET, ls), 0);
	ck_assert_int_eq(eb_core_spec_match(ls, targ, T_task, ts), 1);
	ck_assert_int_eq(eb_core_calc(ls, ts, false, &res), 0);
	ck_assert_uint_eq(res.orig_val, 12);
	free(ls);
	free(ts);
	eb_btf_put(local);
	eb_btf_put(targ);
}
END_TEST

/* ------------------------------------------------------------ types and enums */

START_TEST(test_type_and_enum_relocations)
{
	struct ebpf_btf *tmp = local_btf();
	struct ebpf_insn insns[] = {
		MOV64_IMM(0, 1),		/* type_exists(task_struct___local) */
		MOV64_IMM(1, 1),		/* type_exists(no_such_type) */
		MOV64_IMM(2, 36),		/* type_size(task_struct___local) */
		LD_IMM64(3, 0, 0),		/* type_id_target: local id filled below */
		LD_IMM64(4, 0, 0),		/* type_id_local */
		MOV64_IMM(5, 1),		/* enumval_exists PIDTYPE_TGID */
		LD_IMM64(6, 1, 0),		/* enumval_value PIDTYPE_TGID: 1 here, 2 in the kernel */
		MOV64_IMM(7, 1),		/* enumval_exists PIDTYPE_GONE */
		MOV64_IMM(8, 7),		/* enumval_value PIDTYPE_GONE */
		MOV64_IMM(9, 4),		/* type_size(no_such_type) */
	};
	struct eb_core_relo relos[10];
	struct eb_relo_prog out;

	eb_btf_put(tmp);
	insns[3].imm = (int32_t)L.task;
	insns[5].imm = (int32_t)L.task;
	relos[0] = (struct eb_core_relo){ 0, L.task, L.s_0, EB_CORE_TYPE_EXISTS };
	relos[1] = (struct eb_core_relo){ 1, L.missing, L.s_0, EB_CORE_TYPE_EXISTS };
	relos[2] = (struct eb_core_relo){ 2, L.task, L.s_0, EB_CORE_TYPE_SIZE };
	relos[3] = (struct eb_core_relo){ 3, L.task, L.s_0, EB_CORE_TYPE_ID_TARGET };
	relos[4] = (struct eb_core_relo){ 5, L.task, L.s_0, EB_CORE_TYPE_ID_LOCAL };
	relos[5] = (struct eb_core_relo){ 7, L.pid_type, L.s_1, EB_CORE_ENUMVAL_EXISTS };
	relos[6] = (struct eb_core_relo){ 8, L.pid_type, L.s_1, EB_CORE_ENUMVAL_VALUE };
	relos[7] = (struct eb_core_relo){ 10, L.pid_type, L.s_2, EB_CORE_ENUMVAL_EXISTS };
	relos[8] = (struct eb_core_relo){ 11, L.pid_type, L.s_2, EB_CORE_ENUMVAL_VALUE };
	relos[9] = (struct eb_core_relo){ 12, L.missing, L.s_0, EB_CORE_TYPE_SIZE };
	ck_assert_int_eq(apply(V_MOVED, insns, 13, relos, 10, &out), 0);
	{
		struct ebpf_insn want[] = {
			MOV64_IMM(0, 1), MOV64_IMM(1, 0), MOV64_IMM(2, 64),
			LD_IMM64(3, (int32_t)T_task, 0), LD_IMM64(4, (int32_t)L.task, 0),
			MOV64_IMM(5, 1), LD_IMM64(6, 2, 0), MOV64_IMM(7, 0), POISON_CALL, POISON_CALL,
		};
		assert_insns(insns, want, 13);
	}
	ck_assert_uint_eq(out.note_cnt, 2);
	ck_assert_uint_eq(out.notes[0].insn, 11);
	ck_assert_str_eq(out.notes[0].what,
			 "enum pid_type___local::PIDTYPE_GONE: enumerator not found in kernel BTF (CO-RE enumval_value)");
	ck_assert_uint_eq(out.notes[1].insn, 12);
	ck_assert_str_eq(out.notes[1].what, "struct no_such_type: not found in kernel BTF (CO-RE type_size)");
	free_notes(&out);
}
END_TEST

START_TEST(test_type_matches)
{
	struct ebpf_btf *local = local_btf(), *targ = kernel_btf(V_MOVED);
	struct ebpf_btf *same = local_btf();

	/* The kernel hides tgid in an anonymous union and has a longer arr: no shape match. */
	ck_assert_int_eq(eb_core_types_match(local, L.task, targ, T_task), 0);
	/* Against an identical copy it matches; the loose compat rule accepts both. */
	ck_assert_int_eq(eb_core_types_match(local, L.task, same, L.task), 1);
	ck_assert_int_eq(eb_core_types_compat(local, L.task, targ, T_task), 1);
	/* Enums match by enumerator names: the kernel's lacks PIDTYPE_GONE. */
	ck_assert_int_eq(eb_core_types_match(local, L.pid_type, targ, (uint32_t)eb_btf_find(targ, "pid_type", BTF_KIND_ENUM)), 0);
	eb_btf_put(local);
	eb_btf_put(targ);
	eb_btf_put(same);
}
END_TEST

/* ------------------------------------------------------------ ambiguity */

START_TEST(test_ambiguous_candidates_named)
{
	struct ebpf_btf *tmp = local_btf();
	struct ebpf_insn insns[] = { LDX_W(0, 1, 0) };
	struct eb_core_relo relo;
	struct eb_relo_prog out;
	char want[256];

	eb_btf_put(tmp);
	relo = (struct eb_core_relo){ 0, L.task, L.s_00, EB_CORE_FIELD_BYTE_OFFSET };
	ck_assert_int_eq(apply(V_AMBIGUOUS, insns, 1, &relo, 1, &out), -EINVAL);
	snprintf(want, sizeof(want),
		 "prog 'prog1': CO-RE relocation #0 (field_byte_offset task_struct___local.pid) at insn 0: "
		 "ambiguous: kernel types [%u] task_struct and [%u] task_struct___v2 both match but give "
		 "different results (8 vs 16)", T_task, T_task2);
	ck_assert_str_eq(ebpf_errmsg(), want);
	free_notes(&out);
}
END_TEST

START_TEST(test_agreeing_candidates_accepted)
{
	struct ebpf_btf *tmp = local_btf();
	struct ebpf_insn insns[] = { LDX_W(0, 1, 0) };
	struct ebpf_insn want[] = { LDX_W(0, 1, 8) };
	struct eb_core_relo relo;
	struct eb_relo_prog out;

	eb_btf_put(tmp);
	relo = (struct eb_core_relo){ 0, L.task, L.s_00, EB_CORE_FIELD_BYTE_OFFSET };
	ck_assert_int_eq(apply(V_AGREEING, insns, 1, &relo, 1, &out), 0);
	assert_insns(insns, want, 1);
	free_notes(&out);
}
END_TEST

/* ------------------------------------------------------------ hard errors */

START_TEST(test_instruction_disagreeing_with_local_btf)
{
	struct ebpf_btf *tmp = local_btf();
	struct ebpf_insn insns[] = { LDX_W(0, 1, 4) };
	struct eb_core_relo relo;
	struct eb_relo_prog out;

	eb_btf_put(tmp);
	relo = (struct eb_core_relo){ 0, L.task, L.s_00, EB_CORE_FIELD_BYTE_OFFSET };
	ck_assert_int_eq(apply(V_MOVED, insns, 1, &relo, 1, &out), -EINVAL);
	ck_assert_str_eq(ebpf_errmsg(), "prog 'prog1': CO-RE relocation #0 (field_byte_offset task_struct___local.pid) "
					"at insn 0: instruction offset is 4, but the object's BTF says 0");
	free_notes(&out);
}
END_TEST

START_TEST(test_malformed_records)
{
	struct ebpf_btf *tmp = local_btf();
	struct ebpf_insn insns[] = { LDX_W(0, 1, 0), { .code = EBPF_JMP | EBPF_EXIT } };
	struct eb_core_relo relo;
	struct eb_relo_prog out;

	eb_btf_put(tmp);
	relo = (struct eb_core_relo){ 0, L.task, L.s_bad, EB_CORE_FIELD_BYTE_OFFSET };
	ck_assert_int_eq(apply(V_MOVED, insns, 2, &relo, 1, &out), -EINVAL);
	ck_assert_errmsg_has("access string '0:x': expected a number at offset 2");
	ck_assert_errmsg_has("prog 'prog1': CO-RE relocation #0 (field_byte_offset type [");

	relo = (struct eb_core_relo){ 0, L.task, L.s_09, EB_CORE_FIELD_BYTE_OFFSET };
	ck_assert_int_eq(apply(V_MOVED, insns, 2, &relo, 1, &out), -EINVAL);
	ck_assert_errmsg_has("access string '0:9': member 9 of task_struct___local has only 6 members");

	relo = (struct eb_core_relo){ 5, L.task, L.s_00, EB_CORE_FIELD_BYTE_OFFSET };
	ck_assert_int_eq(apply(V_MOVED, insns, 2, &relo, 1, &out), -EINVAL);
	ck_assert_errmsg_has("instruction 5 is past the program's 2 instructions");

	relo = (struct eb_core_relo){ 1, L.task, L.s_00, EB_CORE_FIELD_BYTE_OFFSET };
	ck_assert_int_eq(apply(V_MOVED, insns, 2, &relo, 1, &out), -EINVAL);
	ck_assert_errmsg_has("cannot relocate a jump instruction (opcode 0x95)");

	relo = (struct eb_core_relo){ 0, L.task, L.s_00, EB_CORE_TYPE_SIZE };
	ck_assert_int_eq(apply(V_MOVED, insns, 2, &relo, 1, &out), -EINVAL);
	ck_assert_errmsg_has("access string '0:0' of a type_size relocation must be \"0\"");

	relo = (struct eb_core_relo){ 0, L.task, L.s_052, EB_CORE_FIELD_SIGNED };
	ck_assert_int_eq(apply(V_MOVED, insns, 2, &relo, 1, &out), -EINVAL);
	ck_assert_errmsg_has("field_signed is not supported on an array element");

	relo = (struct eb_core_relo){ 0, L.task, L.s_00, 99 };
	ck_assert_int_eq(apply(V_MOVED, insns, 2, &relo, 1, &out), -EINVAL);
	ck_assert_errmsg_has("unknown relocation kind 99");
	free_notes(&out);
}
END_TEST

START_TEST(test_no_target_btf)
{
	struct ebpf_btf *local = local_btf();
	struct ebpf_insn insns[] = { LDX_W(0, 1, 0) };
	struct eb_core_relo relo = { 0, L.task, L.s_00, EB_CORE_FIELD_BYTE_OFFSET };
	struct eb_relo_prog out = { 0 };

	ck_assert_int_eq(eb_core_apply(local, NULL, NULL, "p", insns, 1, &relo, 1, &out), -ENOENT);
	ck_assert_errmsg_has("no kernel BTF to relocate against");
	eb_btf_put(local);
}
END_TEST

START_TEST(test_cache_reused_across_programs)
{
	struct ebpf_btf *local = local_btf(), *targ = kernel_btf(V_MOVED);
	struct eb_core_cache *cache = eb_core_cache_new();
	const struct eb_core_cands *c1, *c2;

	ck_assert_ptr_nonnull(cache);
	ck_assert_int_eq(eb_core_cands_get(cache, local, L.task, targ, &c1), 0);
	ck_assert_uint_eq(c1->cnt, 1);
	ck_assert_uint_eq(c1->ids[0], T_task);
	ck_assert_int_eq(eb_core_cands_get(cache, local, L.task, targ, &c2), 0);
	ck_assert_ptr_eq(c1, c2);
	ck_assert_int_eq(eb_core_cands_get(cache, local, L.missing, targ, &c2), 0);
	ck_assert_uint_eq(c2->cnt, 0);
	/* Anonymous local types cannot be looked up by name. */
	ck_assert_int_eq(eb_core_cands_get(cache, local, 4 /* the u32 array */, targ, &c2), -EINVAL);
	ck_assert_errmsg_has("is anonymous");
	eb_core_cache_free(cache);
	eb_core_cache_free(NULL);
	eb_btf_put(local);
	eb_btf_put(targ);
}
END_TEST

START_TEST(test_fault_injection_no_leaks)
{
	/* Every allocation failing in turn must give -ENOMEM or success, never a crash or a leak. */
	for (uint64_t nth = 1; nth < 40; nth++) {
		struct ebpf_btf *local = local_btf(), *targ = kernel_btf(V_RENAMED);
		struct ebpf_insn insns[] = { LDX_W(0, 1, 0), MOV64_IMM(2, 1) };
		struct eb_core_relo relos[2] = {
			{ 0, L.task, L.s_00, EB_CORE_FIELD_BYTE_OFFSET },
			{ 1, L.task, L.s_01, EB_CORE_FIELD_EXISTS },
		};
		struct eb_relo_prog out = { 0 };
		int err;

		eb_fault_arm(EB_FAULT_ALLOC, nth);
		err = eb_core_apply(local, targ, NULL, "p", insns, 2, relos, 2, &out);
		eb_fault_arm(EB_FAULT_ALLOC, 0);
		ck_assert_msg(err == 0 || err == -ENOMEM, "nth %llu: %d %s", (unsigned long long)nth, err,
			      ebpf_errmsg());
		free_notes(&out);
		eb_btf_put(local);
		eb_btf_put(targ);
	}
}
END_TEST

START_TEST(test_spec_strings)
{
	struct ebpf_btf *local = local_btf();
	struct eb_core_spec *s = calloc(1, sizeof(*s));
	char buf[64];

	ck_assert_int_eq(eb_core_spec_parse(local, L.task, "1:5:3", EB_CORE_FIELD_BYTE_OFFSET, s), 0);
	eb_core_spec_str(s, buf, sizeof(buf));
	ck_assert_str_eq(buf, "task_struct___local[1].arr[3]");
	ck_assert_uint_eq(s->bit_off, 36 * 8 + 160 + 3 * 32);
	ck_assert_int_eq(eb_core_spec_parse(local, L.u32_td, "0", EB_CORE_TYPE_SIZE, s), 0);
	eb_core_spec_str(s, buf, sizeof(buf));
	ck_assert_str_eq(buf, "typedef u32");
	eb_core_spec_str(s, buf, 6);
	ck_assert_str_eq(buf, "ty...");
	free(s);
	eb_btf_put(local);
}
END_TEST

Suite *suite_core_relo(void)
{
	Suite *s = suite_create("core_relo");
	TCase *tc = test_tcase("hand-built");

	tcase_add_test(tc, test_field_moved_patches_every_instruction_shape);
	tcase_add_test(tc, test_field_renamed_poisons_with_note);
	tcase_add_test(tc, test_field_resized_adjusts_unsigned_load_poisons_signed);
	tcase_add_test(tc, test_bitfield_little_endian);
	tcase_add_test(tc, test_bitfield_big_endian);
	tcase_add_test(tc, test_bitfield_straddling_needs_wider_load);
	tcase_add_test(tc, test_bitfield_local_prediction);
	tcase_add_test(tc, test_type_and_enum_relocations);
	tcase_add_test(tc, test_type_matches);
	tcase_add_test(tc, test_ambiguous_candidates_named);
	tcase_add_test(tc, test_agreeing_candidates_accepted);
	tcase_add_test(tc, test_instruction_disagreeing_with_local_btf);
	tcase_add_test(tc, test_malformed_records);
	tcase_add_test(tc, test_no_target_btf);
	tcase_add_test(tc, test_cache_reused_across_programs);
	tcase_add_test(tc, test_fault_injection_no_leaks);
	tcase_add_test(tc, test_spec_strings);
	suite_add_tcase(s, tc);
	return s;
}
