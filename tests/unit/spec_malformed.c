/*
 * Bad input: each test takes a compiled object, corrupts one field, and checks
 * that opening it fails with the right errno and a message naming what is wrong
 * and where -- never a crash, never a leak (the suite runs under valgrind).
 */
#include <elf.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>

#include "testutil.h"

struct obj {
	uint8_t *b;
	size_t n;
};

static struct obj load(const char *name)
{
	struct obj o;

	o.b = test_read_file(testobj(name), &o.n);
	return o;
}

static Elf64_Ehdr *ehdr(struct obj *o)
{
	return (Elf64_Ehdr *)o->b;
}

static Elf64_Shdr *shdr(struct obj *o, unsigned idx)
{
	return (Elf64_Shdr *)(o->b + ehdr(o)->e_shoff) + idx;
}

static unsigned sec_idx(struct obj *o, const char *name)
{
	const char *names = (const char *)o->b + shdr(o, ehdr(o)->e_shstrndx)->sh_offset;

	for (unsigned i = 1; i < ehdr(o)->e_shnum; i++) {
		if (!strcmp(names + shdr(o, i)->sh_name, name))
			return i;
	}
	ck_abort_msg("no section %s", name);
	return 0;
}

static Elf64_Shdr *sec(struct obj *o, const char *name)
{
	return shdr(o, sec_idx(o, name));
}

static unsigned sym_idx(struct obj *o, const char *name)
{
	Elf64_Shdr *st = sec(o, ".symtab");
	Elf64_Sym *syms = (Elf64_Sym *)(o->b + st->sh_offset);
	const char *strs = (const char *)o->b + shdr(o, st->sh_link)->sh_offset;

	for (unsigned i = 1; i < st->sh_size / sizeof(Elf64_Sym); i++) {
		if (!strcmp(strs + syms[i].st_name, name))
			return i;
	}
	ck_abort_msg("no symbol %s", name);
	return 0;
}

static Elf64_Sym *sym(struct obj *o, const char *name)
{
	return (Elf64_Sym *)(o->b + sec(o, ".symtab")->sh_offset) + sym_idx(o, name);
}

/* The relocation of section `relsec` at byte offset `off`. */
static Elf64_Rel *rel_at(struct obj *o, const char *relsec, uint64_t off)
{
	Elf64_Shdr *rs = sec(o, relsec);
	Elf64_Rel *r = (Elf64_Rel *)(o->b + rs->sh_offset);

	for (size_t i = 0; i < rs->sh_size / sizeof(*r); i++) {
		if (r[i].r_offset == off)
			return &r[i];
	}
	ck_abort_msg("no relocation at %llu in %s", (unsigned long long)off, relsec);
	return NULL;
}

static struct ebpf_insn *insn_at(struct obj *o, const char *secname, unsigned idx)
{
	return (struct ebpf_insn *)(o->b + sec(o, secname)->sh_offset) + idx;
}

/* Open `n` bytes of the object and expect failure with `err` and `msg`. */
static void expect_n(struct obj *o, size_t n, int err, const char *msg)
{
	struct ebpf_spec *spec = (struct ebpf_spec *)1;
	int rc = ebpf_spec_open_mem(o->b, n, NULL, &spec);

	ck_assert_msg(rc == err, "rc %d (want %d): %s", rc, err, ebpf_errmsg());
	ck_assert_ptr_null(spec);
	ck_assert_errmsg_has(msg);
	free(o->b);
	o->b = NULL;
}

static void expect(struct obj *o, int err, const char *msg)
{
	expect_n(o, o->n, err, msg);
}

START_TEST(test_intact_objects_open)
{
	/* The baseline every corruption below starts from. */
	struct obj o = load("spec_multi");
	struct ebpf_spec *spec;

	ck_assert_int_eq(ebpf_spec_open_mem(o.b, o.n, NULL, &spec), 0);
	ebpf_spec_free(spec);
	free(o.b);
}
END_TEST

START_TEST(test_truncated)
{
	struct obj o = load("spec_multi");
	size_t shoff = ehdr(&o)->e_shoff;
	char msg[128];

	expect_n(&o, 0, -EINVAL, "<memory>: truncated ELF header (0 bytes, need 64)");
	o = load("spec_multi");
	expect_n(&o, 63, -EINVAL, "truncated ELF header (63 bytes, need 64)");
	o = load("spec_multi");
	snprintf(msg, sizeof(msg), "section header table at offset %zu is outside the file (%zu bytes)", shoff,
		 shoff + 10);
	expect_n(&o, shoff + 10, -EINVAL, msg);
	o = load("spec_multi");
	expect_n(&o, o.n / 2, -EINVAL, "is outside the file");
	/* Header intact, but the last section header cut short. */
	o = load("spec_multi");
	expect_n(&o, o.n - 1, -EINVAL, "section headers at offset");
}
END_TEST

START_TEST(test_not_a_bpf_object)
{
	struct obj o = load("spec_multi");

	o.b[0] = 0x7e;
	expect(&o, -EINVAL, "not an ELF file (bad magic)");
	o = load("spec_multi");
	o.b[EI_CLASS] = ELFCLASS32;
	expect(&o, -EINVAL, "not a 64-bit ELF object");
	o = load("spec_multi");
	ehdr(&o)->e_type = ET_EXEC;
	expect(&o, -EINVAL, "ELF type 2 is not a relocatable object (ET_REL)");
	o = load("spec_multi");
	ehdr(&o)->e_machine = EM_X86_64;
	expect(&o, -EINVAL, "ELF machine 62 is not BPF");
	o = load("spec_multi");
	ehdr(&o)->e_shentsize = 32;
	expect(&o, -EINVAL, "section header size 32, expected 64");
}
END_TEST

START_TEST(test_bad_section_index)
{
	struct obj o = load("spec_multi");
	char msg[160];

	snprintf(msg, sizeof(msg), "symbol %u 'total': bad section index 200 (%u sections)", sym_idx(&o, "total"),
		 ehdr(&o)->e_shnum);
	sym(&o, "total")->st_shndx = 200;
	expect(&o, -EINVAL, msg);

	o = load("spec_multi");
	ehdr(&o)->e_shstrndx = 999;
	expect(&o, -EINVAL, "bad section index 999 for section names");

	o = load("spec_multi");
	sec(&o, ".relxdp")->sh_info = 999;
	expect(&o, -EINVAL, "relocation section '.relxdp': bad section index 999");

	o = load("spec_multi");
	sec(&o, ".symtab")->sh_link = 77;
	expect(&o, -EINVAL, "symbol table: bad section index 77 for its string table");

	o = load("spec_multi");
	sec(&o, ".relxdp")->sh_link = 3;
	expect(&o, -EINVAL, "section '.relxdp': bad section index 3 for the symbol table");
}
END_TEST

START_TEST(test_symbol_outside_section)
{
	struct obj o = load("spec_multi");

	sym(&o, "total")->st_value = 4096;
	expect(&o, -EINVAL, "symbol 'total': value 4096 size 8 is outside its section '.data' (8 bytes)");

	o = load("spec_multi");
	sym(&o, "xdp_main")->st_size = UINT64_MAX - 7;
	expect(&o, -EINVAL, "symbol 'xdp_main': value 0 size 18446744073709551608 is outside its section 'xdp'");

	/* Inside the section, but not on an instruction boundary. */
	o = load("spec_multi");
	sym(&o, "xdp_frags_prog")->st_value = 0x61;
	sym(&o, "xdp_frags_prog")->st_size = 8;
	expect(&o, -EINVAL, "section 'xdp.frags': function 'xdp_frags_prog' at offset 97 size 8 is not instruction-aligned");
}
END_TEST

START_TEST(test_relocation_outside_program)
{
	struct obj o = load("spec_multi");

	rel_at(&o, ".relxdp", 0x28)->r_offset = 0x100000;
	expect(&o, -EINVAL,
	       "section 'xdp': relocation at offset 1048576 against 'inner_a' is outside the program (30 instructions)");

	o = load("spec_multi");
	rel_at(&o, ".relxdp", 0x28)->r_offset = 0x29;
	expect(&o, -EINVAL, "section 'xdp': relocation at offset 41 against 'inner_a' is outside the program");

	o = load("spec_multi");
	rel_at(&o, ".relxdp", 0x28)->r_info = ELF64_R_INFO(9999, 1);
	expect(&o, -EINVAL, "section '.relxdp': relocation 0: bad symbol index 9999");

	o = load("spec_multi");
	rel_at(&o, ".relxdp", 0x28)->r_info = ELF64_R_INFO(sym_idx(&o, "inner_a"), 3);
	expect(&o, -EINVAL, "section 'xdp': relocation at offset 40 (insn 5) against 'inner_a': unsupported relocation type 3");
}
END_TEST

START_TEST(test_string_offset_out_of_range)
{
	struct obj o = load("spec_multi");
	char msg[160];

	snprintf(msg, sizeof(msg), "symbol %u: name offset 268435455 is out of range of the string table",
		 sym_idx(&o, "total"));
	sym(&o, "total")->st_name = 0xfffffff;
	expect(&o, -EINVAL, msg);

	o = load("spec_multi");
	snprintf(msg, sizeof(msg), "section %u: name offset 1000000 is out of range of the string table",
		 sec_idx(&o, "xdp"));
	sec(&o, "xdp")->sh_name = 1000000;
	expect(&o, -EINVAL, msg);

	/* A string table without a terminating NUL: the last name runs off its end. */
	o = load("spec_multi");
	{
		Elf64_Shdr *st = shdr(&o, sec(&o, ".symtab")->sh_link);

		o.b[st->sh_offset + st->sh_size - 1] = 'x';
	}
	expect(&o, -EINVAL, "name offset");
}
END_TEST

START_TEST(test_counts_that_overflow)
{
	struct obj o = load("spec_multi");
	char msg[160];

	snprintf(msg, sizeof(msg), "65535 section headers at offset %llu overflow the file",
		 (unsigned long long)ehdr(&o)->e_shoff);
	ehdr(&o)->e_shnum = 0xffff;
	expect(&o, -EINVAL, msg);

	/* Section count in section header 0 (e_shnum == 0), absurdly large. */
	o = load("spec_multi");
	ehdr(&o)->e_shnum = 0;
	shdr(&o, 0)->sh_size = 1ull << 40;
	expect(&o, -EINVAL, "section headers at offset");

	o = load("spec_multi");
	snprintf(msg, sizeof(msg), "section %u: contents at offset %llu size 18446744073709551592 are outside the file",
		 sec_idx(&o, ".symtab"), (unsigned long long)sec(&o, ".symtab")->sh_offset);
	sec(&o, ".symtab")->sh_size = UINT64_MAX - 23;
	expect(&o, -EINVAL, msg);

	o = load("spec_multi");
	sec(&o, ".relxdp")->sh_offset = UINT64_MAX - 8;
	expect(&o, -EINVAL, "size 96 are outside the file");

	o = load("spec_multi");
	sec(&o, ".symtab")->sh_size -= 5;
	expect(&o, -EINVAL, "symbol table: entry size 24 / size");

	o = load("spec_multi");
	sec(&o, ".relxdp")->sh_size -= 8;
	expect(&o, -EINVAL, "section '.relxdp': size 88 is not a multiple of the 16-byte entry");
}
END_TEST

START_TEST(test_legacy_map_extra_bytes)
{
	struct obj o = load("spec_legacy");
	struct ebpf_spec *spec;

	/* The zero extra bytes of the 28-byte definitions are fine... */
	ck_assert_int_eq(ebpf_spec_open_mem(o.b, o.n, NULL, &spec), 0);
	ebpf_spec_free(spec);
	/* ...a non-zero one is not. */
	o.b[sec(&o, "maps")->sh_offset + sym(&o, "legacy_array")->st_value + 24] = 1;
	expect(&o, -EINVAL,
	       "legacy map 'legacy_array': byte 24 of its 28-byte definition is non-zero; only the 20 bytes of struct bpf_map_def are understood");

	o = load("spec_legacy");
	sym(&o, "legacy_array")->st_value = 4;
	expect(&o, -EINVAL, "legacy map 'legacy_array': offset 4 is not a distinct 28-byte slot");
}
END_TEST

START_TEST(test_ld_imm64_reloc_on_other_insn)
{
	struct obj o = load("spec_multi");

	/* insn 5 of xdp is `r1 = inner_a ll`; make it a plain mov. */
	ck_assert_uint_eq(insn_at(&o, "xdp", 5)->code, EBPF_LD | EBPF_IMM | EBPF_DW);
	insn_at(&o, "xdp", 5)->code = EBPF_ALU64 | EBPF_MOV | EBPF_K;
	expect(&o, -EINVAL,
	       "section 'xdp': relocation at offset 40 (insn 5) against 'inner_a': 64-bit relocation on instruction with code 0xb7, not a complete ld_imm64");

	/* An ld_imm64 relocation moved onto the call that follows. */
	o = load("spec_multi");
	rel_at(&o, ".relxdp", 0x28)->r_offset = 0x38;
	expect(&o, -EINVAL, "against 'inner_a': 64-bit relocation on instruction with code 0x85");

	/* A call relocation on an ld_imm64. */
	o = load("spec_multi");
	rel_at(&o, ".relxdp", 0x28)->r_info = ELF64_R_INFO(sym_idx(&o, "inner_a"), 10);
	expect(&o, -EINVAL, "32-bit relocation on instruction with code 0x18, not a call");
}
END_TEST

START_TEST(test_bad_call_targets)
{
	struct obj o = load("spec_multi");

	/* xdp.frags insn 12 is `call -13` to frags_helper: aim it inside the function. */
	ck_assert_int_eq(insn_at(&o, "xdp.frags", 12)->imm, -13);
	insn_at(&o, "xdp.frags", 12)->imm = -12;
	expect(&o, -EINVAL, "section 'xdp.frags': call at insn 12 targets instruction 1, which is not the start of a function");

	o = load("spec_multi");
	insn_at(&o, "xdp.frags", 12)->imm = 1000;
	expect(&o, -EINVAL, "call at insn 12 targets instruction 1013");

	/* A relocated call to .text landing past its end. */
	o = load("spec_multi");
	insn_at(&o, "xdp", 24)->imm = 5000;
	expect(&o, -EINVAL, "section 'xdp': relocation at offset 192 (insn 24) against '.text': target instruction 5001 is outside section '.text'");
}
END_TEST

START_TEST(test_bad_btf)
{
	struct obj o = load("spec_multi");

	o.b[sec(&o, ".BTF")->sh_offset] ^= 0xff;
	expect(&o, -EINVAL, "<memory>: BTF: bad magic");

	/* Data relocation beyond its section. */
	o = load("spec_multi");
	insn_at(&o, "xdp", 12)->imm = 64;
	expect(&o, -EINVAL, "against 'total': offset 64 is outside section '.data' (8 bytes)");
}
END_TEST

Suite *suite_spec_malformed(void)
{
	Suite *s = suite_create("spec_malformed");
	TCase *tc = test_tcase("malformed");

	tcase_add_test(tc, test_intact_objects_open);
	tcase_add_test(tc, test_truncated);
	tcase_add_test(tc, test_not_a_bpf_object);
	tcase_add_test(tc, test_bad_section_index);
	tcase_add_test(tc, test_symbol_outside_section);
	tcase_add_test(tc, test_relocation_outside_program);
	tcase_add_test(tc, test_string_offset_out_of_range);
	tcase_add_test(tc, test_counts_that_overflow);
	tcase_add_test(tc, test_legacy_map_extra_bytes);
	tcase_add_test(tc, test_ld_imm64_reloc_on_other_insn);
	tcase_add_test(tc, test_bad_call_targets);
	tcase_add_test(tc, test_bad_btf);
	suite_add_tcase(s, tc);
	return s;
}
