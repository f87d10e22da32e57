/*
 * Unit tests of the relocation engine on HAND-BUILT specs (no ELF, no kernel):
 * subprogram linking, every patch kind, weak/strong externs, and the errors for
 * malformed tags. Golden tests on compiled objects are in relo_golden.c.
 */
#include <errno.h>
#include <string.h>

#include "lib/alloc.h"
#include "relo/relo.h"
#include "relo/relo_internal.h"
#include "testutil.h"

#define LD64 (EBPF_LD | EBPF_DW | EBPF_IMM)
#define CALL (EBPF_JMP | EBPF_CALL)
#define EXIT (EBPF_JMP | EBPF_EXIT)
#define MOV64K (EBPF_ALU64 | EBPF_MOV | EBPF_K)

#define I(c, d, s, o, i) ((struct ebpf_insn){ .code = (c), .dst_reg = (d), .src_reg = (s), .off = (o), .imm = (i) })

/*
 * The fixture:
 *   section "syscall" (secs[0]):
 *     0 prog_a:  call sub_b (untagged-in-ELF style: pseudo call, tagged CALL)
 *     1          r1 = ld_imm64 &sub_c  (FUNC_ADDR)
 *     3          r1 = map_fd(maps[0])  (MAP)
 *     5          r2 = &data[8]         (DATA)
 *     7          exit
 *     8 prog_b:  call sub_c
 *     9          exit
 *   section ".text" (secs[1]):
 *     0 sub_b:   call sub_c
 *     1          exit
 *     2 sub_c:   r0 = 7
 *     3          exit
 */
struct fixture {
	struct ebpf_spec spec;
	struct eb_text_sec secs[2];
	struct eb_func funcs[4];
	struct ebpf_prog_spec prog_a, prog_b;
	struct ebpf_prog_spec *progs[2];
	struct ebpf_map_spec map0, data1, kcfg2;
	struct ebpf_map_spec *maps[3];
	struct ebpf_insn main_insns[10];
	struct ebpf_insn text_insns[4];
	struct eb_reloc main_relocs[8];
	struct eb_reloc text_relocs[1];
	struct eb_func_info main_fi[2], text_fi[2];
	struct eb_line_info main_li[3], text_li[2];
	struct eb_btf_ext_sec fi_sec[2], li_sec[2];
	struct eb_extern externs[6];
};

static struct fixture fx;
static const int fds[3] = { 11, 12, 13 };

static void fixture_setup(void)
{
	struct fixture *f = &fx;

	memset(f, 0, sizeof(*f));
	f->main_insns[0] = I(CALL, 0, EBPF_PSEUDO_CALL, 0, 99);
	f->main_insns[1] = I(LD64, 1, 0, 0, 0);
	f->main_insns[2] = I(0, 0, 0, 0, 0);
	f->main_insns[3] = I(LD64, 1, 0, 0, 0);
	f->main_insns[4] = I(0, 0, 0, 0, 0);
	f->main_insns[5] = I(LD64, 2, 0, 0, 8);
	f->main_insns[6] = I(0, 0, 0, 0, 0);
	f->main_insns[7] = I(EXIT, 0, 0, 0, 0);
	f->main_insns[8] = I(CALL, 0, EBPF_PSEUDO_CALL, 0, 99);
	f->main_insns[9] = I(EXIT, 0, 0, 0, 0);
	f->text_insns[0] = I(CALL, 0, EBPF_PSEUDO_CALL, 0, 1);
	f->text_insns[1] = I(EXIT, 0, 0, 0, 0);
	f->text_insns[2] = I(MOV64K, 0, 0, 0, 7);
	f->text_insns[3] = I(EXIT, 0, 0, 0, 0);

	f->main_relocs[0] = (struct eb_reloc){ .insn = 0, .kind = EBPF_RELOC_CALL, .target = 2, .addend = 0, .sym = "sub_b" };
	f->main_relocs[1] = (struct eb_reloc){ .insn = 1, .kind = EBPF_RELOC_FUNC_ADDR, .target = 3, .addend = 2, .sym = "sub_c" };
	f->main_relocs[2] = (struct eb_reloc){ .insn = 3, .kind = EBPF_RELOC_MAP, .target = 0, .sym = "map0" };
	f->main_relocs[3] = (struct eb_reloc){ .insn = 5, .kind = EBPF_RELOC_DATA, .target = 1, .addend = 8, .sym = ".data" };
	f->main_relocs[4] = (struct eb_reloc){ .insn = 8, .kind = EBPF_RELOC_CALL, .target = 3, .addend = 2, .sym = "sub_c" };
	f->text_relocs[0] = (struct eb_reloc){ .insn = 0, .kind = EBPF_RELOC_CALL, .target = 3, .addend = 2, .sym = "sub_c" };

	f->main_fi[0] = (struct eb_func_info){ 0, 101 };
	f->main_fi[1] = (struct eb_func_info){ 8, 102 };
	f->text_fi[0] = (struct eb_func_info){ 0, 201 };
	f->text_fi[1] = (struct eb_func_info){ 2, 202 };
	f->main_li[0] = (struct eb_line_info){ 0, 1, 10, 0 };
	f->main_li[1] = (struct eb_line_info){ 7, 1, 11, 0 };
	f->main_li[2] = (struct eb_line_info){ 8, 1, 12, 0 };
	f->text_li[0] = (struct eb_line_info){ 0, 1, 20, 0 };
	f->text_li[1] = (struct eb_line_info){ 2, 1, 21, 0 };
	f->fi_sec[0] = (struct eb_btf_ext_sec){ .sec_name = "syscall", .cnt = 2, .recs = f->main_fi };
	f->fi_sec[1] = (struct eb_btf_ext_sec){ .sec_name = ".text", .cnt = 2, .recs = f->text_fi };
	f->li_sec[0] = (struct eb_btf_ext_sec){ .sec_name = "syscall", .cnt = 3, .recs = f->main_li };
	f->li_sec[1] = (struct eb_btf_ext_sec){ .sec_name = ".text", .cnt = 2, .recs = f->text_li };

	f->secs[0] = (struct eb_text_sec){ .name = "syscall", .insns = f->main_insns, .insn_cnt = 10,
					   .relocs = f->main_relocs, .reloc_cnt = 5,
					   .func_info = &f->fi_sec[0], .line_info = &f->li_sec[0] };
	f->secs[1] = (struct eb_text_sec){ .name = ".text", .insns = f->text_insns, .insn_cnt = 4,
					   .relocs = f->text_relocs, .reloc_cnt = 1,
					   .func_info = &f->fi_sec[1], .line_info = &f->li_sec[1] };
	f->funcs[0] = (struct eb_func){ .name = "prog_a", .sec = 0, .off = 0, .cnt = 8, .global = true, .prog = 0 };
	f->funcs[1] = (struct eb_func){ .name = "prog_b", .sec = 0, .off = 8, .cnt = 2, .global = true, .prog = 1 };
	f->funcs[2] = (struct eb_func){ .name = "sub_b", .sec = 1, .off = 0, .cnt = 2, .prog = -1 };
	f->funcs[3] = (struct eb_func){ .name = "sub_c", .sec = 1, .off = 2, .cnt = 2, .prog = -1 };

	f->prog_a = (struct ebpf_prog_spec){ .spec = &f->spec, .name = "prog_a", .section = "syscall", .func = 0 };
	f->prog_b = (struct ebpf_prog_spec){ .spec = &f->spec, .name = "prog_b", .section = "syscall", .func = 1 };
	f->progs[0] = &f->prog_a;
	f->progs[1] = &f->prog_b;

	f->map0 = (struct ebpf_map_spec){ .spec = &f->spec, .name = "map0", .value_size = 8 };
	f->data1 = (struct ebpf_map_spec){ .spec = &f->spec, .name = ".data", .value_size = 16 };
	f->kcfg2 = (struct ebpf_map_spec){ .spec = &f->spec, .name = ".kconfig", .value_size = 8 };
	f->maps[0] = &f->map0;
	f->maps[1] = &f->data1;
	f->maps[2] = &f->kcfg2;

	f->externs[0] = (struct eb_extern){ .name = "bpf_strong_kfunc", .kind = EBPF_EXTERN_KFUNC };
	f->externs[1] = (struct eb_extern){ .name = "bpf_weak_kfunc", .kind = EBPF_EXTERN_KFUNC, .weak = true };
	f->externs[2] = (struct eb_extern){ .name = "some_func", .kind = EBPF_EXTERN_KSYM_TYPELESS };
	f->externs[3] = (struct eb_extern){ .name = "bpf_prog_active", .kind = EBPF_EXTERN_KSYM_VAR };
	f->externs[4] = (struct eb_extern){ .name = "CONFIG_HZ", .kind = EBPF_EXTERN_KCONFIG, .size = 4,
					    .offset = 4, .kcfg_type = EB_KCFG_INT };
	f->externs[5] = (struct eb_extern){ .name = "runqueues", .kind = EBPF_EXTERN_KSYM_VAR, .weak = true };

	f->spec = (struct ebpf_spec){ .name = "fixture", .secs = f->secs, .sec_cnt = 2, .funcs = f->funcs,
				      .func_cnt = 4, .progs = f->progs, .prog_cnt = 2, .maps = f->maps,
				      .map_cnt = 3, .externs = f->externs, .extern_cnt = 6,
				      .kconfig_map = 2 };
}

static const struct eb_relo_env no_env;

START_TEST(test_link_subprogs)
{
	struct eb_relo_prog out;
	const struct ebpf_insn *in;

	ck_assert_int_eq(eb_relo_program(&fx.spec, &fx.prog_a, &no_env, NULL, fds, &out), 0);
	/* prog_a (8) + sub_b (2) + sub_c (2), each subprogram once although reached twice. */
	ck_assert_uint_eq(out.insn_cnt, 12);
	in = out.insns;
	/* call sub_b: sub_b placed at 8 -> imm = 8 - 0 - 1 */
	ck_assert_uint_eq(in[0].src_reg, EBPF_PSEUDO_CALL);
	ck_assert_int_eq(in[0].imm, 7);
	/* &sub_c callback: sub_c placed at 10 -> imm = 10 - 1 - 1 */
	ck_assert_uint_eq(in[1].src_reg, EBPF_PSEUDO_FUNC);
	ck_assert_int_eq(in[1].imm, 8);
	ck_assert_int_eq(in[2].imm, 0);
	/* map and data */
	ck_assert_uint_eq(in[3].src_reg, EBPF_PSEUDO_MAP_FD);
	ck_assert_int_eq(in[3].imm, 11);
	ck_assert_int_eq(in[4].imm, 0);
	ck_assert_uint_eq(in[5].src_reg, EBPF_PSEUDO_MAP_VALUE);
	ck_assert_int_eq(in[5].imm, 12);
	ck_assert_int_eq(in[6].imm, 8);
	/* sub_b's call to sub_c: 10 - 8 - 1 */
	ck_assert_uint_eq(in[8].code, CALL);
	ck_assert_int_eq(in[8].imm, 1);
	ck_assert_uint_eq(in[10].code, MOV64K);
	ck_assert_int_eq(in[10].imm, 7);
	/* func_info: prog_a at 0, sub_b at 8, sub_c at 10 (prog_b's record left behind). */
	ck_assert_uint_eq(out.func_info_cnt, 3);
	ck_assert_uint_eq(out.func_info[0].insn_off, 0);
	ck_assert_uint_eq(out.func_info[0].type_id, 101);
	ck_assert_uint_eq(out.func_info[1].insn_off, 8);
	ck_assert_uint_eq(out.func_info[1].type_id, 201);
	ck_assert_uint_eq(out.func_info[2].insn_off, 10);
	ck_assert_uint_eq(out.func_info[2].type_id, 202);
	ck_assert_uint_eq(out.line_info_cnt, 4);
	ck_assert_uint_eq(out.line_info[1].insn_off, 7);
	ck_assert_uint_eq(out.line_info[1].line_off, 11);
	ck_assert_uint_eq(out.line_info[2].insn_off, 8);
	ck_assert_uint_eq(out.line_info[2].line_off, 20);
	ck_assert_uint_eq(out.line_info[3].insn_off, 10);
	ck_assert_uint_eq(out.fd_btf_cnt, 0);
	ck_assert_uint_eq(out.note_cnt, 0);
	/* The spec's instructions are untouched (it can be loaded again). */
	ck_assert_int_eq(fx.main_insns[0].imm, 99);
	ck_assert_uint_eq(fx.main_insns[3].src_reg, 0);
	eb_relo_prog_free(&out);

	/* prog_b shares sub_c: placed right after prog_b's own 2 instructions. */
	ck_assert_int_eq(eb_relo_program(&fx.spec, &fx.prog_b, &no_env, NULL, fds, &out), 0);
	ck_assert_uint_eq(out.insn_cnt, 4);
	ck_assert_int_eq(out.insns[0].imm, 1);
	ck_assert_uint_eq(out.insns[2].code, MOV64K);
	ck_assert_uint_eq(out.func_info_cnt, 2);
	ck_assert_uint_eq(out.func_info[0].type_id, 102);
	ck_assert_uint_eq(out.func_info[1].insn_off, 2);
	ck_assert_uint_eq(out.func_info[1].type_id, 202);
	eb_relo_prog_free(&out);
	eb_relo_prog_free(NULL);
}
END_TEST

START_TEST(test_missing_map)
{
	struct eb_relo_prog out;
	int fds_missing[3] = { -1, 12, 13 };

	ck_assert_int_eq(eb_relo_program(&fx.spec, &fx.prog_a, &no_env, NULL, fds_missing, &out), -ENOENT);
	ck_assert_errmsg_has("prog 'prog_a': map 'map0' was not created");
	ck_assert_ptr_null(out.insns);
	ck_assert_uint_eq(out.insn_cnt, 0);
	/* prog_b uses no map: unaffected. */
	ck_assert_int_eq(eb_relo_program(&fx.spec, &fx.prog_b, &no_env, NULL, fds_missing, &out), 0);
	eb_relo_prog_free(&out);
}
END_TEST

START_TEST(test_malformed_tags)
{
	struct eb_relo_prog out;

	/* An untagged pseudo call would jump by its section-relative offset: refused. */
	fx.secs[1].reloc_cnt = 0;
	ck_assert_int_eq(eb_relo_program(&fx.spec, &fx.prog_a, &no_env, NULL, fds, &out), -EINVAL);
	ck_assert_errmsg_has("prog 'prog_a': bpf-to-bpf call at insn 0 of section '.text' has no relocation");
	fx.secs[1].reloc_cnt = 1;

	/* A map tag on a non-ld_imm64 instruction. */
	fx.main_relocs[2].insn = 7;
	ck_assert_int_eq(eb_relo_program(&fx.spec, &fx.prog_a, &no_env, NULL, fds, &out), -EINVAL);
	ck_assert_errmsg_has("prog 'prog_a': insn 7 of section 'syscall' (symbol 'map0') is not a 64-bit immediate load");
	fx.main_relocs[2].insn = 3;

	/* Map index out of range. */
	fx.main_relocs[2].target = 9;
	ck_assert_int_eq(eb_relo_program(&fx.spec, &fx.prog_a, &no_env, NULL, fds, &out), -EINVAL);
	ck_assert_errmsg_has("refers to map #9 of 3");
	fx.main_relocs[2].target = 0;

	/* Data offset outside the map value. */
	fx.main_relocs[3].addend = 17;
	ck_assert_int_eq(eb_relo_program(&fx.spec, &fx.prog_a, &no_env, NULL, fds, &out), -EINVAL);
	ck_assert_errmsg_has("prog 'prog_a': '.data' at offset 17 is outside map '.data' (16 bytes)");
	fx.main_relocs[3].addend = 8;

	/* A call whose target lies outside the callee. */
	fx.main_relocs[0].addend = 5;
	ck_assert_int_eq(eb_relo_program(&fx.spec, &fx.prog_a, &no_env, NULL, fds, &out), -EINVAL);
	ck_assert_errmsg_has("jumps to insn 5, outside function 'sub_b'");
	fx.main_relocs[0].addend = 0;

	/* Function index out of range. */
	fx.text_relocs[0].target = 40;
	ck_assert_int_eq(eb_relo_program(&fx.spec, &fx.prog_a, &no_env, NULL, fds, &out), -EINVAL);
	ck_assert_errmsg_has("targets function #40 of 4");
	fx.text_relocs[0].target = 3;

	/* A function lying past the end of its section. */
	fx.funcs[3].cnt = 3;
	ck_assert_int_eq(eb_relo_program(&fx.spec, &fx.prog_a, &no_env, NULL, fds, &out), -EINVAL);
	ck_assert_errmsg_has("function 'sub_c' (instructions 2..5) lies outside section '.text' (4 instructions)");
	fx.funcs[3].cnt = 2;

	/* A CALL tag on an instruction that is not a pseudo call. */
	fx.text_insns[0].src_reg = 0;
	ck_assert_int_eq(eb_relo_program(&fx.spec, &fx.prog_a, &no_env, NULL, fds, &out), -EINVAL);
	ck_assert_errmsg_has("insn 0 of section '.text' (call 'sub_c') is not a bpf-to-bpf call");
	fx.text_insns[0].src_reg = EBPF_PSEUDO_CALL;

	fx.spec.foreign_endian = true;
	ck_assert_int_eq(eb_relo_program(&fx.spec, &fx.prog_a, &no_env, NULL, fds, &out), -EINVAL);
	ck_assert_errmsg_has("foreign byte order");
	fx.spec.foreign_endian = false;

	/* After all that, the fixture still relocates. */
	ck_assert_int_eq(eb_relo_program(&fx.spec, &fx.prog_a, &no_env, NULL, fds, &out), 0);
	eb_relo_prog_free(&out);
}
END_TEST

/* Recursion (a function reaching itself) places it once. */
START_TEST(test_recursion)
{
	struct eb_relo_prog out;

	/* sub_c calls sub_b which calls sub_c. */
	fx.text_insns[3] = I(CALL, 0, EBPF_PSEUDO_CALL, 0, -4);
	fx.text_insns[2] = I(CALL, 0, EBPF_PSEUDO_CALL, 0, -3);
	fx.text_relocs[0] = (struct eb_reloc){ .insn = 0, .kind = EBPF_RELOC_CALL, .target = 3, .addend = 2, .sym = "sub_c" };
	{
		static struct eb_reloc rel[2];

		rel[0] = fx.text_relocs[0];
		rel[1] = (struct eb_reloc){ .insn = 2, .kind = EBPF_RELOC_CALL, .target = 2, .addend = 0, .sym = "sub_b" };
		fx.secs[1].relocs = rel;
		fx.secs[1].reloc_cnt = 2;
		fx.text_insns[3] = I(EXIT, 0, 0, 0, 0);
		ck_assert_int_eq(eb_relo_program(&fx.spec, &fx.prog_b, &no_env, NULL, fds, &out), 0);
	}
	/* prog_b(0..1) sub_c(2..3) sub_b(4..5) */
	ck_assert_uint_eq(out.insn_cnt, 6);
	ck_assert_int_eq(out.insns[0].imm, 1);	/* -> 2 */
	ck_assert_int_eq(out.insns[2].imm, 1);	/* -> 4 */
	ck_assert_int_eq(out.insns[4].imm, -3);	/* -> 2 */
	eb_relo_prog_free(&out);
}
END_TEST

/* ------------------------------------------------------------ externs */

/* prog_a's instruction 1 (a ld_imm64) and 0 (a call) become extern uses. */
static void use_externs(uint32_t ld_ext, enum ebpf_reloc_kind ld_kind, uint32_t call_ext)
{
	fx.main_insns[0] = I(CALL, 0, EBPF_PSEUDO_CALL, 0, -1);
	fx.main_relocs[0] = (struct eb_reloc){ .insn = 0, .kind = EBPF_RELOC_KFUNC_CALL, .target = call_ext,
					       .sym = fx.externs[call_ext].name };
	fx.main_relocs[1] = (struct eb_reloc){ .insn = 1, .kind = ld_kind, .target = ld_ext,
					       .sym = fx.externs[ld_ext].name };
}

START_TEST(test_kfunc_found)
{
	struct eb_extern_res res[6] = { 0 };
	struct eb_relo_prog out;

	res[0] = (struct eb_extern_res){ .found = true, .btf_id = 12345 };
	res[1] = (struct eb_extern_res){ .found = true, .btf_id = 777 };
	use_externs(1, EBPF_RELOC_KFUNC_ADDR, 0);
	ck_assert_int_eq(eb_relo_program(&fx.spec, &fx.prog_a, &no_env, res, fds, &out), 0);
	ck_assert_uint_eq(out.insns[0].code, CALL);
	ck_assert_uint_eq(out.insns[0].src_reg, EBPF_PSEUDO_KFUNC_CALL);
	ck_assert_int_eq(out.insns[0].imm, 12345);
	ck_assert_int_eq(out.insns[0].off, 0);
	ck_assert_uint_eq(out.insns[1].src_reg, EBPF_PSEUDO_BTF_ID);
	ck_assert_int_eq(out.insns[1].imm, 777);
	ck_assert_int_eq(out.insns[1].off, 0);
	ck_assert_int_eq(out.insns[2].imm, 0);
	ck_assert_uint_eq(out.fd_btf_cnt, 0);
	/* sub_b is no longer called from prog_a: only prog_a's own instructions. */
	ck_assert_uint_eq(out.insn_cnt, 8);
	eb_relo_prog_free(&out);
}
END_TEST

START_TEST(test_kfunc_weak_missing)
{
	struct eb_extern_res res[6] = { 0 };
	struct eb_relo_prog out;

	res[1] = (struct eb_extern_res){ .found = false, .err = -ENOENT, .msg = "not found in kernel BTF" };
	use_externs(1, EBPF_RELOC_KFUNC_ADDR, 1);
	fx.main_insns[1].imm = 0x55;
	ck_assert_int_eq(eb_relo_program(&fx.spec, &fx.prog_a, &no_env, res, fds, &out), 0);
	/* Call: still a kfunc call, imm 0 and off 0 (the kernel's "unresolved" marker). */
	ck_assert_uint_eq(out.insns[0].src_reg, EBPF_PSEUDO_KFUNC_CALL);
	ck_assert_int_eq(out.insns[0].imm, 0);
	ck_assert_int_eq(out.insns[0].off, 0);
	/* Address: the constant 0, so bpf_ksym_exists() is false. */
	ck_assert_uint_eq(out.insns[1].src_reg, 0);
	ck_assert_int_eq(out.insns[1].imm, 0);
	ck_assert_int_eq(out.insns[2].imm, 0);
	ck_assert_uint_eq(out.note_cnt, 1);
	ck_assert_uint_eq(out.notes[0].insn, 0);
	ck_assert_str_eq(out.notes[0].what, "weak kfunc 'bpf_weak_kfunc' is missing in this kernel "
			 "(not found in kernel BTF); guard the call with bpf_ksym_exists()");
	ck_assert_str_eq(eb_relo_note_at(&out, 0), out.notes[0].what);
	ck_assert_ptr_null(eb_relo_note_at(&out, 1));
	eb_relo_prog_free(&out);
}
END_TEST

START_TEST(test_kfunc_strong_missing)
{
	struct eb_extern_res res[6] = { 0 };
	struct eb_relo_prog out;

	res[0] = (struct eb_extern_res){ .err = -ENOENT, .msg = "not found in kernel BTF" };
	res[1] = (struct eb_extern_res){ .found = true, .btf_id = 5 };
	use_externs(1, EBPF_RELOC_KFUNC_ADDR, 0);
	ck_assert_int_eq(eb_relo_program(&fx.spec, &fx.prog_a, &no_env, res, fds, &out), -ENOENT);
	ck_assert_str_eq(ebpf_errmsg(), "prog 'prog_a': kfunc 'bpf_strong_kfunc': not found in kernel BTF");
	ck_assert_ptr_null(out.insns);
	/* A prototype mismatch carries its own errno and message. */
	res[0] = (struct eb_extern_res){ .err = -EINVAL, .msg = "local prototype 'int (int)' does not match "
								 "the kernel's 'struct task_struct *(s32)'" };
	ck_assert_int_eq(eb_relo_program(&fx.spec, &fx.prog_a, &no_env, res, fds, &out), -EINVAL);
	ck_assert_errmsg_has("prog 'prog_a': kfunc 'bpf_strong_kfunc': local prototype 'int (int)'");
	/* prog_b does not use it and still relocates: resolution is per program. */
	ck_assert_int_eq(eb_relo_program(&fx.spec, &fx.prog_b, &no_env, res, fds, &out), 0);
	eb_relo_prog_free(&out);
	/* Without resolutions at all, the use of an extern is an error, not a crash. */
	ck_assert_int_eq(eb_relo_program(&fx.spec, &fx.prog_a, &no_env, NULL, fds, &out), -EINVAL);
	ck_assert_errmsg_has("kfunc 'bpf_strong_kfunc': externs were not resolved");
}
END_TEST

START_TEST(test_ksyms)
{
	struct eb_extern_res res[6] = { 0 };
	struct eb_relo_prog out;

	res[0] = (struct eb_extern_res){ .found = true, .btf_id = 1 };
	res[2] = (struct eb_extern_res){ .found = true, .addr = 0xffffffff81234560ull };
	res[3] = (struct eb_extern_res){ .found = true, .btf_id = 4242 };
	res[5] = (struct eb_extern_res){ .err = -ENOENT, .msg = "in kernel BTF but without an address" };

	/* Typeless: the address split over the two halves. */
	use_externs(2, EBPF_RELOC_KSYM_VAR, 0);
	ck_assert_int_eq(eb_relo_program(&fx.spec, &fx.prog_a, &no_env, res, fds, &out), 0);
	ck_assert_uint_eq(out.insns[1].src_reg, 0);
	ck_assert_uint_eq((uint32_t)out.insns[1].imm, 0x81234560u);
	ck_assert_uint_eq((uint32_t)out.insns[2].imm, 0xffffffffu);
	eb_relo_prog_free(&out);

	/* Typed: BPF_PSEUDO_BTF_ID with the kernel VAR's id, vmlinux (0) in insn[1]. */
	use_externs(3, EBPF_RELOC_KSYM_VAR, 0);
	ck_assert_int_eq(eb_relo_program(&fx.spec, &fx.prog_a, &no_env, res, fds, &out), 0);
	ck_assert_uint_eq(out.insns[1].src_reg, EBPF_PSEUDO_BTF_ID);
	ck_assert_int_eq(out.insns[1].imm, 4242);
	ck_assert_int_eq(out.insns[2].imm, 0);
	eb_relo_prog_free(&out);

	/* Typed, weak, without an address: NULL. */
	use_externs(5, EBPF_RELOC_KSYM_VAR, 0);
	fx.main_insns[1].src_reg = 3;
	ck_assert_int_eq(eb_relo_program(&fx.spec, &fx.prog_a, &no_env, res, fds, &out), 0);
	ck_assert_uint_eq(out.insns[1].src_reg, 0);
	ck_assert_int_eq(out.insns[1].imm, 0);
	ck_assert_int_eq(out.insns[2].imm, 0);
	eb_relo_prog_free(&out);

	/* Typed, strong, without an address: the program fails, naming the symbol. */
	fx.externs[5].weak = false;
	ck_assert_int_eq(eb_relo_program(&fx.spec, &fx.prog_a, &no_env, res, fds, &out), -ENOENT);
	ck_assert_str_eq(ebpf_errmsg(), "prog 'prog_a': ksym 'runqueues': in kernel BTF but without an address");

	/* A KSYM_VAR tag on a kfunc extern is a malformed spec. */
	use_externs(0, EBPF_RELOC_KSYM_VAR, 0);
	ck_assert_int_eq(eb_relo_program(&fx.spec, &fx.prog_a, &no_env, res, fds, &out), -EINVAL);
	ck_assert_errmsg_has("uses kfunc 'bpf_strong_kfunc' in a way only a ksym allows");
	/* An extern index out of range. */
	use_externs(0, EBPF_RELOC_KSYM_VAR, 0);
	fx.main_relocs[1].target = 6;
	ck_assert_int_eq(eb_relo_program(&fx.spec, &fx.prog_a, &no_env, res, fds, &out), -EINVAL);
	ck_assert_errmsg_has("refers to extern #6 of 6");
}
END_TEST

START_TEST(test_kconfig_patch)
{
	struct eb_extern_res res[6] = { 0 };
	struct eb_relo_prog out;
	int fds_nokcfg[3] = { 11, 12, -1 };

	res[0] = (struct eb_extern_res){ .found = true, .btf_id = 1 };
	res[4] = (struct eb_extern_res){ .found = true };
	use_externs(4, EBPF_RELOC_KCONFIG, 0);
	fx.main_relocs[1].addend = 4;
	ck_assert_int_eq(eb_relo_program(&fx.spec, &fx.prog_a, &no_env, res, fds, &out), 0);
	ck_assert_uint_eq(out.insns[1].src_reg, EBPF_PSEUDO_MAP_VALUE);
	ck_assert_int_eq(out.insns[1].imm, 13);
	ck_assert_int_eq(out.insns[2].imm, 4);
	eb_relo_prog_free(&out);

	ck_assert_int_eq(eb_relo_program(&fx.spec, &fx.prog_a, &no_env, res, fds_nokcfg, &out), -ENOENT);
	ck_assert_errmsg_has("prog 'prog_a': map '.kconfig' was not created");

	/* Strong and missing: fails this program with the resolver's reason. */
	res[4] = (struct eb_extern_res){ .err = -ENOENT, .msg = "not in this kernel's config" };
	ck_assert_int_eq(eb_relo_program(&fx.spec, &fx.prog_a, &no_env, res, fds, &out), -ENOENT);
	ck_assert_str_eq(ebpf_errmsg(), "prog 'prog_a': kconfig 'CONFIG_HZ': not in this kernel's config");
	/* Weak and missing: reads the zero the .kconfig map holds. */
	fx.externs[4].weak = true;
	ck_assert_int_eq(eb_relo_program(&fx.spec, &fx.prog_a, &no_env, res, fds, &out), 0);
	ck_assert_uint_eq(out.insns[1].src_reg, EBPF_PSEUDO_MAP_VALUE);
	eb_relo_prog_free(&out);
}
END_TEST

/* A minimal valid BTF (no types) to stand in for a module's BTF. */
static struct ebpf_btf *tiny_btf(void)
{
	struct {
		struct btf_header h;
		char strs[1];
	} blob = { { BTF_MAGIC, BTF_VERSION, 0, sizeof(struct btf_header), 0, 0, 0, 1 }, { 0 } };
	struct ebpf_btf *btf = NULL;

	ck_assert_msg(eb_btf_parse(&blob, sizeof(blob), NULL, EB_BTF_COPY, &btf) == 0, "%s", ebpf_errmsg());
	return btf;
}

/* kfuncs in module BTF: fd_array slots from 1, one per module, shared by its kfuncs. */
START_TEST(test_module_slots)
{
	struct ebpf_btf *mod_a = tiny_btf(), *mod_b = tiny_btf();
	struct eb_extern_res res[6] = { 0 };
	struct eb_relo_prog out;
	static struct eb_reloc rel[4];

	res[0] = (struct eb_extern_res){ .found = true, .btf = mod_a, .module = "mod_a", .btf_id = 10 };
	res[1] = (struct eb_extern_res){ .found = true, .btf = mod_b, .module = "mod_b", .btf_id = 20 };
	res[3] = (struct eb_extern_res){ .found = true, .btf = mod_a, .module = "mod_a", .btf_id = 30 };
	/* insn 0: call ext0 (mod_a); insn 1: &ext1 (mod_b); insn 3: typed ksym ext3 (mod_a); insn 8 (prog_b): call ext1 */
	fx.main_insns[0] = I(CALL, 0, EBPF_PSEUDO_CALL, 0, -1);
	rel[0] = (struct eb_reloc){ .insn = 0, .kind = EBPF_RELOC_KFUNC_CALL, .target = 0, .sym = "bpf_strong_kfunc" };
	rel[1] = (struct eb_reloc){ .insn = 1, .kind = EBPF_RELOC_KFUNC_ADDR, .target = 1, .sym = "bpf_weak_kfunc" };
	rel[2] = (struct eb_reloc){ .insn = 3, .kind = EBPF_RELOC_KSYM_VAR, .target = 3, .sym = "bpf_prog_active" };
	rel[3] = (struct eb_reloc){ .insn = 5, .kind = EBPF_RELOC_DATA, .target = 1, .addend = 0, .sym = ".data" };
	fx.secs[0].relocs = rel;
	fx.secs[0].reloc_cnt = 4;
	ck_assert_int_eq(eb_relo_program(&fx.spec, &fx.prog_a, &no_env, res, fds, &out), 0);
	ck_assert_uint_eq(out.fd_btf_cnt, 2);
	ck_assert_ptr_eq(out.fd_btfs[0], mod_a);
	ck_assert_str_eq(out.fd_modules[0], "mod_a");
	ck_assert_ptr_eq(out.fd_btfs[1], mod_b);
	ck_assert_str_eq(out.fd_modules[1], "mod_b");
	ck_assert_int_eq(out.insns[0].off, 1);		/* call: fd_array slot in off */
	ck_assert_int_eq(out.insns[0].imm, 10);
	ck_assert_uint_eq(out.insns[1].src_reg, EBPF_PSEUDO_BTF_ID);
	ck_assert_int_eq(out.insns[1].imm, 20);
	ck_assert_int_eq(out.insns[1].off, 0);		/* never on a ld_imm64 */
	ck_assert_int_eq(out.insns[2].imm, 2);		/* the slot, for the loader to turn into the fd */
	ck_assert_int_eq(out.insns[3].imm, 30);
	ck_assert_int_eq(out.insns[4].imm, 1);
	/* The program holds its own references: the resolutions may go first. */
	eb_btf_put(mod_a);
	eb_btf_put(mod_b);
	eb_relo_prog_free(&out);
}
END_TEST

/* Every allocation of the engine failing in turn: -ENOMEM, nothing leaked, out left empty. */
START_TEST(test_alloc_failures)
{
	static const char ks_text[] = "ffffffff81000000 T some_func\n";
	static const char kc_text[] = "CONFIG_HZ=250\n";
	struct eb_relo_env env = { 0 };
	struct eb_kallsyms *ks = NULL;
	struct eb_kconfig *kc = NULL;
	struct eb_extern_res *res = NULL;
	struct eb_relo_prog out;
	uint64_t nth;
	int err;

	for (nth = 1; nth < 1000; nth++) {
		eb_fault_arm(EB_FAULT_ALLOC, nth);
		err = eb_kallsyms_parse(ks_text, strlen(ks_text), &ks);
		eb_fault_arm(EB_FAULT_ALLOC, 0);
		if (!err)
			break;
		ck_assert_int_eq(err, -ENOMEM);
		ck_assert_ptr_null(ks);
	}
	ck_assert_uint_gt(nth, 1);
	for (nth = 1; nth < 1000; nth++) {
		eb_fault_arm(EB_FAULT_ALLOC, nth);
		err = eb_kconfig_parse(kc_text, strlen(kc_text), &kc);
		eb_fault_arm(EB_FAULT_ALLOC, 0);
		if (!err)
			break;
		ck_assert_int_eq(err, -ENOMEM);
		ck_assert_ptr_null(kc);
	}
	env.ksyms = ks;
	env.kconfig = kc;
	for (nth = 1; nth < 1000; nth++) {
		eb_fault_arm(EB_FAULT_ALLOC, nth);
		err = eb_relo_resolve_externs(&fx.spec, &env, &res);
		eb_fault_arm(EB_FAULT_ALLOC, 0);
		if (!err)
			break;
		ck_assert_int_eq(err, -ENOMEM);
		ck_assert_ptr_null(res);
	}
	ck_assert_uint_gt(nth, 1);
	ck_assert(res[2].found);	/* some_func from the fixture kallsyms */
	ck_assert_uint_eq(res[2].addr, 0xffffffff81000000ull);
	ck_assert(res[4].found);	/* CONFIG_HZ */
	ck_assert(!res[0].found);	/* no kernel BTF */
	ck_assert_str_eq(res[0].msg, "no kernel BTF to resolve it against");

	/* prog_a with a missing weak kfunc call (a note) and a typeless ksym. */
	use_externs(2, EBPF_RELOC_KSYM_VAR, 1);
	for (nth = 1; nth < 1000; nth++) {
		eb_fault_arm(EB_FAULT_ALLOC, nth);
		err = eb_relo_program(&fx.spec, &fx.prog_a, &env, res, fds, &out);
		eb_fault_arm(EB_FAULT_ALLOC, 0);
		if (!err)
			break;
		ck_assert_int_eq(err, -ENOMEM);
		ck_assert_ptr_null(out.insns);
		ck_assert_ptr_null(out.notes);
	}
	ck_assert_uint_gt(nth, 3);
	ck_assert_uint_eq(out.note_cnt, 1);
	eb_relo_prog_free(&out);
	eb_relo_externs_free(res, fx.spec.extern_cnt);
	eb_kallsyms_put(ks);
	eb_kconfig_put(kc);
}
END_TEST

Suite *suite_relo_engine(void)
{
	Suite *s = suite_create("relo_engine");
	TCase *tc = test_tcase("engine");

	tcase_add_checked_fixture(tc, fixture_setup, NULL);
	tcase_add_test(tc, test_link_subprogs);
	tcase_add_test(tc, test_missing_map);
	tcase_add_test(tc, test_malformed_tags);
	tcase_add_test(tc, test_recursion);
	tcase_add_test(tc, test_kfunc_found);
	tcase_add_test(tc, test_kfunc_weak_missing);
	tcase_add_test(tc, test_kfunc_strong_missing);
	tcase_add_test(tc, test_ksyms);
	tcase_add_test(tc, test_kconfig_patch);
	tcase_add_test(tc, test_alloc_failures);
	tcase_add_test(tc, test_module_slots);
	suite_add_tcase(s, tc);
	return s;
}
