// SPDX-License-Identifier: BSD-2-Clause
/*
 * CO-RE module fallback: against the running kernel's vmlinux, a local type
 * vmlinux lacks is looked for in module BTF (split on vmlinux) and relocated
 * against that module's BTF; a type vmlinux has never consults modules; a type
 * in neither still poisons with its note. The kernel-BTF directory is pointed
 * at a hand-built fixture (fake vmlinux + one module file).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "btf/btf_internal.h"
#include "btf_blob.h"
#include "lib/alloc.h"
#include "relo/core.h"
#include "testutil.h"

#define MOD_NAME "core_test_mod"

#define LDX_W(dst, src, o) { .code = EBPF_LDX | EBPF_MEM | EBPF_W, .dst_reg = dst, .src_reg = src, .off = o }
#define MOV64_IMM(dst, v) { .code = EBPF_ALU64 | EBPF_MOV | EBPF_K, .dst_reg = dst, .imm = v }
#define POISON_CALL { .code = EBPF_JMP | EBPF_CALL, .imm = EB_CORE_POISON }

static char fixture[] = "/tmp/core_modXXXXXX";

static void int_type(struct tblob *b)
{
	tb_type(b, tb_str(b, "int"), BTF_KIND_INT, 0, 0, 4);
	tb_w(b, (BTF_INT_SIGNED << 24) | 32);
}

/* A struct of `n` ints named names[i], int being type id `int_id`. */
static void int_struct(struct tblob *b, const char *name, uint32_t int_id, const char *const *names, unsigned n)
{
	tb_type(b, tb_str(b, name), BTF_KIND_STRUCT, n, 0, 4 * n);
	for (unsigned i = 0; i < n; i++) {
		tb_w(b, tb_str(b, names[i]));
		tb_w(b, int_id);
		tb_w(b, 32 * i);
	}
}

static void write_blob(const char *name, const struct tblob *b)
{
	char path[4096];
	size_t size;
	void *raw = tb_build(b, &size);
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", fixture, name);
	f = fopen(path, "wb");
	ck_assert_ptr_nonnull(f);
	ck_assert_uint_eq(fwrite(raw, 1, size, f), size);
	ck_assert_int_eq(fclose(f), 0);
	free(raw);
}

/*
 * vmlinux: [1] int, [2] struct both { int a; int b; }.
 * module (split, ids from 3): [3] struct mod_only { int p0; int p1; int x; },
 * [4] struct both { int p0; int p1; int p2; int b; } (must never be used).
 */
static void fixture_setup(void)
{
	static const char *const both_vm[] = { "a", "b" }, *const mod_only[] = { "p0", "p1", "x" },
				 *const both_mod[] = { "p0", "p1", "p2", "b" };
	struct tblob *b = calloc(1, sizeof(*b));
	uint32_t vm_str_len;

	ck_assert_ptr_nonnull(b);
	ck_assert_ptr_nonnull(mkdtemp(fixture));
	tb_init(b, 0);
	int_type(b);
	int_struct(b, "both", 1, both_vm, 2);
	vm_str_len = b->ns;
	write_blob("vmlinux", b);

	tb_init(b, vm_str_len);
	int_struct(b, "mod_only", 1, mod_only, 3);
	int_struct(b, "both", 1, both_mod, 4);
	write_blob(MOD_NAME, b);
	free(b);
	eb_btf_kernel_set_dir(fixture);
}

static void fixture_teardown(void)
{
	char path[4096];

	eb_btf_kernel_set_dir(NULL);
	snprintf(path, sizeof(path), "%s/vmlinux", fixture);
	unlink(path);
	snprintf(path, sizeof(path), "%s/%s", fixture, MOD_NAME);
	unlink(path);
	rmdir(fixture);
	memcpy(fixture + strlen(fixture) - 6, "XXXXXX", 6);
}

/* Local (object) BTF: [1] int, [2] both { int b; }, [3] mod_only___local { int x; }, [4] nowhere { int y; }. */
static struct ebpf_btf *local_btf(uint32_t *s_00)
{
	static const char *const b_only[] = { "b" }, *const x_only[] = { "x" }, *const y_only[] = { "y" };
	struct tblob *b = calloc(1, sizeof(*b));
	struct ebpf_btf *btf = NULL;
	size_t size;
	void *raw;

	ck_assert_ptr_nonnull(b);
	tb_init(b, 0);
	int_type(b);
	int_struct(b, "both", 1, b_only, 1);
	int_struct(b, "mod_only___local", 1, x_only, 1);
	int_struct(b, "nowhere", 1, y_only, 1);
	*s_00 = tb_str(b, "0:0");
	raw = tb_build(b, &size);
	ck_assert_int_eq(eb_btf_parse(raw, size, NULL, EB_BTF_COPY, &btf), 0);
	free(raw);
	free(b);
	return btf;
}

static void free_notes(struct eb_relo_prog *out)
{
	for (uint32_t i = 0; i < out->note_cnt; i++)
		eb_free(out->notes[i].what);
	eb_free(out->notes);
	memset(out, 0, sizeof(*out));
}

static void assert_insns(const struct ebpf_insn *got, const struct ebpf_insn *want, uint32_t n)
{
	for (uint32_t i = 0; i < n; i++)
		ck_assert_msg(memcmp(&got[i], &want[i], sizeof(got[i])) == 0,
			      "insn %u: code 0x%02x off %d imm %d, want code 0x%02x off %d imm %d", i, got[i].code,
			      got[i].off, got[i].imm, want[i].code, want[i].off, want[i].imm);
}

enum { T_BOTH = 2, T_MOD_ONLY = 3, T_NOWHERE = 4 };

START_TEST(test_module_type_vmlinux_first_and_missing)
{
	struct ebpf_insn insns[] = {
		LDX_W(0, 1, 0),		/* mod_only.x: only the module has it, at 8 */
		MOV64_IMM(2, 1),	/* exists(mod_only.x) */
		LDX_W(3, 1, 0),		/* both.b: vmlinux has it at 4 (the module's copy has it at 12) */
		LDX_W(4, 1, 0),		/* nowhere.y: in neither */
	};
	struct ebpf_insn want[] = {
		LDX_W(0, 1, 8),
		MOV64_IMM(2, 1),
		LDX_W(3, 1, 4),
		POISON_CALL,
	};
	struct eb_core_relo relos[4];
	struct eb_relo_prog out = { 0 };
	struct ebpf_btf *local, *vm;
	uint32_t s_00;

	fixture_setup();
	local = local_btf(&s_00);
	ck_assert_int_eq(eb_btf_vmlinux(&vm), 0);
	ck_assert_uint_eq(eb_btf_type_cnt(vm), 3);	/* the fixture's, not the machine's */
	relos[0] = (struct eb_core_relo){ 0, T_MOD_ONLY, s_00, EB_CORE_FIELD_BYTE_OFFSET };
	relos[1] = (struct eb_core_relo){ 1, T_MOD_ONLY, s_00, EB_CORE_FIELD_EXISTS };
	relos[2] = (struct eb_core_relo){ 2, T_BOTH, s_00, EB_CORE_FIELD_BYTE_OFFSET };
	relos[3] = (struct eb_core_relo){ 3, T_NOWHERE, s_00, EB_CORE_FIELD_BYTE_OFFSET };
	ck_assert_int_eq(eb_core_apply(local, vm, NULL, "prog1", insns, 4, relos, 4, &out), 0);
	assert_insns(insns, want, 4);
	ck_assert_uint_eq(out.note_cnt, 1);
	ck_assert_uint_eq(out.notes[0].insn, 3);
	ck_assert_str_eq(out.notes[0].what, "nowhere.y: struct nowhere not found in kernel BTF (CO-RE field_byte_offset)");
	free_notes(&out);
	eb_btf_put(vm);
	eb_btf_put(local);
	fixture_teardown();
}
END_TEST

/*
 * The candidates cached for one program serve the next one, module BTF
 * included, even after the process-wide kernel-BTF cache let go of the module.
 */
START_TEST(test_module_candidates_cached_across_programs)
{
	struct ebpf_insn p1[] = { LDX_W(0, 1, 0) }, p2[] = { LDX_W(5, 2, 0) };
	struct ebpf_insn w1[] = { LDX_W(0, 1, 8) }, w2[] = { LDX_W(5, 2, 8) };
	struct eb_core_cache *cache = eb_core_cache_new();
	struct eb_relo_prog out = { 0 };
	struct ebpf_btf *local, *vm;
	struct eb_core_relo relo;
	uint32_t s_00;

	ck_assert_ptr_nonnull(cache);
	fixture_setup();
	local = local_btf(&s_00);
	ck_assert_int_eq(eb_btf_vmlinux(&vm), 0);
	relo = (struct eb_core_relo){ 0, T_MOD_ONLY, s_00, EB_CORE_FIELD_BYTE_OFFSET };
	ck_assert_int_eq(eb_core_apply(local, vm, cache, "p1", p1, 1, &relo, 1, &out), 0);
	assert_insns(p1, w1, 1);
	eb_btf_kernel_flush();	/* only the cache (and vm) keep BTF alive now */
	ck_assert_int_eq(eb_core_apply(local, vm, cache, "p2", p2, 1, &relo, 1, &out), 0);
	assert_insns(p2, w2, 1);
	ck_assert_uint_eq(out.note_cnt, 0);
	eb_core_cache_free(cache);
	eb_btf_put(vm);
	eb_btf_put(local);
	fixture_teardown();
}
END_TEST

/* A target that is not the running kernel (a BTF file the caller names) has no modules to ask. */
START_TEST(test_other_target_never_consults_modules)
{
	struct ebpf_insn insns[] = { LDX_W(0, 1, 0) }, want[] = { POISON_CALL };
	struct eb_relo_prog out = { 0 };
	struct ebpf_btf *local, *file;
	struct eb_core_relo relo;
	char path[4096];
	uint32_t s_00;

	fixture_setup();
	local = local_btf(&s_00);
	snprintf(path, sizeof(path), "%s/vmlinux", fixture);
	ck_assert_int_eq(eb_btf_load_file(path, NULL, &file), 0);	/* same bytes, not the kernel's object */
	relo = (struct eb_core_relo){ 0, T_MOD_ONLY, s_00, EB_CORE_FIELD_BYTE_OFFSET };
	ck_assert_int_eq(eb_core_apply(local, file, NULL, "p", insns, 1, &relo, 1, &out), 0);
	assert_insns(insns, want, 1);
	ck_assert_uint_eq(out.note_cnt, 1);
	ck_assert_str_eq(out.notes[0].what,
			 "mod_only___local.x: struct mod_only not found in kernel BTF (CO-RE field_byte_offset)");
	free_notes(&out);
	eb_btf_put(file);
	eb_btf_put(local);
	fixture_teardown();
}
END_TEST

Suite *suite_core_modules(void)
{
	Suite *s = suite_create("core_modules");
	TCase *tc = test_tcase("core_modules");

	tcase_add_test(tc, test_module_type_vmlinux_first_and_missing);
	tcase_add_test(tc, test_module_candidates_cached_across_programs);
	tcase_add_test(tc, test_other_target_never_consults_modules);
	suite_add_tcase(s, tc);
	return s;
}
