/*
 * Opening a small object (lib/elf_spec.c open_kept): the file is read whole
 * into a transient buffer, parsed there, and the spec keeps in its own block
 * only the sections it points into afterwards (code, global data, .BTF,
 * .BTF.ext, license, names) — no section headers, symbol table, relocations
 * or debug information. Checked here: what the block holds and that the spec
 * points only into it; memory buffers that are read-only and misaligned;
 * files past the stack buffer (heap transient buffer) giving the same spec;
 * every allocation failing cleanly on both; and malformed symbol tables
 * reported before anything is kept for them.
 */
#include <elf.h>
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <sys/mman.h>

#include "testutil.h"
#include "btf/btf.h"
#include "lib/alloc.h"
#include "lib/elf_reader.h"
#include "lib/spec.h"

/* Bytes the spec must keep of the image: code, data with bytes, .BTF(.ext), license, string tables. */
static size_t needed_bytes(uint8_t *img, unsigned *nsecs)
{
	const Elf64_Ehdr *eh = (const Elf64_Ehdr *)img;
	const Elf64_Shdr *sh = (const Elf64_Shdr *)(img + eh->e_shoff);
	const char *names = (const char *)img + sh[eh->e_shstrndx].sh_offset;
	size_t n = 0;

	*nsecs = 0;
	for (unsigned i = 1; i < eh->e_shnum; i++) {
		const char *nm = names + sh[i].sh_name;
		bool code = sh[i].sh_type == SHT_PROGBITS && (sh[i].sh_flags & SHF_EXECINSTR) && sh[i].sh_size;
		bool data = sh[i].sh_type == SHT_PROGBITS && (sh[i].sh_flags & SHF_ALLOC) &&
			    (strncmp(nm, ".data", 5) == 0 || strncmp(nm, ".rodata", 7) == 0);

		if (code || data || sh[i].sh_type == SHT_STRTAB || strcmp(nm, ".BTF") == 0 ||
		    strcmp(nm, ".BTF.ext") == 0 || strcmp(nm, "license") == 0) {
			n += sh[i].sh_size;
			(*nsecs)++;
		}
	}
	return n;
}

/* Whether [p, p + len) lies inside the spec's own block of `block` bytes. */
static bool in_block(const struct ebpf_spec *spec, size_t block, const void *p, size_t len)
{
	uintptr_t lo = (uintptr_t)spec, u = (uintptr_t)p;

	return u >= lo && u - lo <= block && len <= block - (u - lo);
}

START_TEST(test_spec_keeps_only_what_it_points_into)
{
	size_t size, kept, block, need;
	uint8_t *file = test_read_file(testobj("zc_image"), &size);
	struct ebpf_spec *spec = NULL;
	struct eb_elf e;
	unsigned nsecs;
	const void *raw;
	size_t raw_len;

	ck_assert_uint_le(size, EB_SPEC_STACK_READ);
	ck_assert_int_eq(eb_elf_open_sections(&e, file, size, "zc_image"), 0);
	kept = eb_elf_kept_size(&e);
	eb_elf_close(&e);
	need = needed_bytes(file, &nsecs);
	/* Exactly the needed sections, each placed with its file alignment (< 8 bytes of padding each). */
	ck_assert_uint_ge(kept, need);
	ck_assert_uint_lt(kept, need + 8 * (size_t)nsecs);
	/* ... which is well under half of an object built with -g. */
	ck_assert_uint_lt(kept * 2, size);

	ck_assert_int_eq(ebpf_spec_open_file(testobj("zc_image"), NULL, &spec), 0);
	ck_assert_ptr_null(spec->image.map);
	ck_assert_ptr_null(spec->image.heap[0]);
	ck_assert_ptr_null(spec->image.heap[1]);
	/* The spec struct, the kept bytes (8-aligned), the room carved for its arrays, then its name. */
	ck_assert_ptr_nonnull(spec->carve_end);
	ck_assert((uintptr_t)spec->carve_end > (uintptr_t)((uint8_t *)(spec + 1) + ((kept + 7) & ~(size_t)7)));
	block = (size_t)(spec->carve_end - (uint8_t *)spec) + strlen(spec->name) + 1;
	ck_assert_ptr_eq(spec->name, (const char *)spec->carve_end);
	/* The programs' block, the relocation tags, the map list and map specs were carved, not allocated. */
	ck_assert(eb_spec_carved(spec, spec->prog_store));
	ck_assert(spec->reloc_store == NULL || eb_spec_carved(spec, spec->reloc_store));
	ck_assert(spec->map_cnt == 0 || eb_spec_carved(spec, spec->maps));
	for (uint32_t i = 0; i < spec->map_cnt; i++)
		ck_assert(eb_spec_carved(spec, spec->maps[i]));
	/* The estimate was not short: nothing fell back to the heap. */
	ck_assert((uintptr_t)spec->carve_pos <= (uintptr_t)spec->carve_end);
	ck_assert(in_block(spec, block, spec->name, strlen(spec->name) + 1));
	ck_assert(in_block(spec, block, ebpf_spec_license(spec), 4));
	ck_assert_str_eq(ebpf_spec_license(spec), "GPL");
	for (size_t i = 0; i < ebpf_spec_prog_count(spec); i++) {
		struct ebpf_prog_spec *p = ebpf_spec_prog(spec, i);
		size_t n;
		const struct ebpf_insn *in = ebpf_prog_spec_insns(p, &n);

		ck_assert(in_block(spec, block, in, n * sizeof(*in)));
		ck_assert(in_block(spec, block, ebpf_prog_spec_name(p), strlen(ebpf_prog_spec_name(p)) + 1));
		ck_assert(in_block(spec, block, ebpf_prog_spec_section(p), strlen(ebpf_prog_spec_section(p)) + 1));
		/* The bytes are the file's. */
		ck_assert_int_eq(memcmp(in, file + test_shdr_named(file, ebpf_prog_spec_section(p))->sh_offset +
						eb_prog_func(p)->off * sizeof(*in),
					n * sizeof(*in)),
				 0);
	}
	raw = eb_btf_raw(spec->btf, &raw_len);
	ck_assert(in_block(spec, block, raw, raw_len));
	ck_assert_uint_eq(raw_len, test_shdr_named(file, ".BTF")->sh_size);
	ck_assert(in_block(spec, block, ebpf_map_spec_initial_value(ebpf_spec_map_by_name(spec, ".data"), NULL), 12));
	ebpf_spec_free(spec);
	free(file);
}
END_TEST

/* A spec's facts, for comparing two opens of one object. */
static void same_facts(const struct ebpf_spec *a, const struct ebpf_spec *b)
{
	const void *ra, *rb;
	size_t na, nb;

	ck_assert_str_eq(ebpf_spec_license(a), ebpf_spec_license(b));
	ck_assert_uint_eq(ebpf_spec_prog_count(a), ebpf_spec_prog_count(b));
	for (size_t i = 0; i < ebpf_spec_prog_count(a); i++) {
		struct ebpf_prog_spec *pa = ebpf_spec_prog(a, i), *pb = ebpf_spec_prog(b, i);
		const struct ebpf_insn *ia = ebpf_prog_spec_insns(pa, &na), *ib = ebpf_prog_spec_insns(pb, &nb);

		ck_assert_str_eq(ebpf_prog_spec_name(pa), ebpf_prog_spec_name(pb));
		ck_assert_str_eq(ebpf_prog_spec_section(pa), ebpf_prog_spec_section(pb));
		ck_assert_uint_eq(na, nb);
		ck_assert_int_eq(memcmp(ia, ib, na * sizeof(*ia)), 0);
		ck_assert_uint_eq(ebpf_prog_spec_reloc_count(pa), ebpf_prog_spec_reloc_count(pb));
	}
	ck_assert_uint_eq(ebpf_spec_map_count(a), ebpf_spec_map_count(b));
	for (size_t i = 0; i < ebpf_spec_map_count(a); i++)
		ck_assert_str_eq(ebpf_map_spec_name(ebpf_spec_map(a, i)), ebpf_map_spec_name(ebpf_spec_map(b, i)));
	ra = eb_btf_raw(a->btf, &na);
	rb = eb_btf_raw(b->btf, &nb);
	ck_assert_uint_eq(na, nb);
	/* Fixed-up BTF, byte for byte. */
	ck_assert_int_eq(memcmp(ra, rb, na), 0);
}

START_TEST(test_memory_may_be_read_only_and_misaligned)
{
	size_t size;
	uint8_t *file = test_read_file(testobj("zc_image"), &size);
	size_t len = (size + 1 + 4095) & ~(size_t)4095;
	uint8_t *page = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	struct ebpf_spec *mem = NULL, *ref = NULL;

	ck_assert(page != MAP_FAILED);
	/* One byte past a page start: every header and section is misaligned. */
	memcpy(page + 1, file, size);
	ck_assert_int_eq(mprotect(page, len, PROT_READ), 0);
	ck_assert_int_eq(ebpf_spec_open_mem(page + 1, size, NULL, &mem), 0);
	ck_assert_int_eq(ebpf_spec_open_file(testobj("zc_image"), NULL, &ref), 0);
	/* The spec's copies are its own, aligned as in the file (instructions in place). */
	for (uint32_t i = 0; i < mem->sec_cnt; i++) {
		ck_assert(!mem->secs[i].insns_owned);
		ck_assert_uint_eq((uintptr_t)mem->secs[i].insns % 8, 0);
	}
	munmap(page, len);
	same_facts(mem, ref);
	ebpf_spec_free(mem);
	ebpf_spec_free(ref);
	free(file);
}
END_TEST

/* Open `obj` with every file read whole (past the stack buffer: on the heap), never mapped. */
static int open_read_whole(const char *obj, struct ebpf_spec **spec)
{
	size_t saved_read = eb_spec_read_max, saved_map = eb_spec_map_min;
	int err;

	eb_spec_read_max = SIZE_MAX;
	eb_spec_map_min = SIZE_MAX;
	err = ebpf_spec_open_file(testobj(obj), NULL, spec);
	eb_spec_read_max = saved_read;
	eb_spec_map_min = saved_map;
	return err;
}

START_TEST(test_past_the_stack_buffer_same_spec)
{
	size_t size;
	uint8_t *file = test_read_file(testobj("spec_multi"), &size);
	struct ebpf_spec *whole = NULL, *mem = NULL;

	/* Bigger than the stack buffer, so read into a transient heap buffer. */
	ck_assert_uint_gt(size, EB_SPEC_STACK_READ);
	ck_assert_int_eq(open_read_whole("spec_multi", &whole), 0);
	ck_assert_int_eq(ebpf_spec_open_mem(file, size, NULL, &mem), 0);
	ck_assert_ptr_null(whole->image.map);
	ck_assert_ptr_null(whole->image.heap[1]);
	same_facts(whole, mem);
	ebpf_spec_free(whole);
	ebpf_spec_free(mem);
	free(file);
}
END_TEST

/* Each allocation of a whole-read open failing: -ENOMEM, no spec, nothing leaked (valgrind). */
START_TEST(test_allocation_failures)
{
	/* 0: zc_image (stack buffer); 1: spec_multi (heap transient buffer). */
	const char *obj = _i ? "spec_multi" : "zc_image";
	struct ebpf_spec *spec = NULL;
	uint64_t calls;

	eb_fault_arm(EB_FAULT_ALLOC, 0);
	ck_assert_int_eq(open_read_whole(obj, &spec), 0);
	calls = eb_fault_calls(EB_FAULT_ALLOC);
	ebpf_spec_free(spec);
	ck_assert_uint_gt(calls, 3);
	for (uint64_t n = 1; n <= calls; n++) {
		eb_fault_arm(EB_FAULT_ALLOC, n);
		spec = NULL;
		ck_assert_int_eq(open_read_whole(obj, &spec), -ENOMEM);
		ck_assert_ptr_null(spec);
	}
	eb_fault_arm(EB_FAULT_ALLOC, 0);
}
END_TEST

/* zc_image's bytes with the symbol table's header changed by `edit`, opened from memory. */
static int open_edited(void (*edit)(uint8_t *img), struct ebpf_spec **spec)
{
	size_t size;
	uint8_t *img = test_read_file(testobj("zc_image"), &size);
	int err;

	edit(img);
	err = ebpf_spec_open_mem(img, size, NULL, spec);
	free(img);
	return err;
}

static void strtab_link_out_of_range(uint8_t *img)
{
	test_shdr_named(img, ".symtab")->sh_link = 5000;
}

static void strtab_link_not_strings(uint8_t *img)
{
	/* The symbol table's names in a section that is not a string table (.BTF). */
	const Elf64_Ehdr *eh = (const Elf64_Ehdr *)img;

	test_shdr_named(img, ".symtab")->sh_link = (uint32_t)(test_shdr_named(img, ".BTF") - (Elf64_Shdr *)(img + eh->e_shoff));
}

static void two_symbol_tables(uint8_t *img)
{
	test_shdr_named(img, ".BTF.ext")->sh_type = SHT_SYMTAB;
}

START_TEST(test_bad_symbol_tables_fail_before_keeping)
{
	struct ebpf_spec *spec = NULL;

	ck_assert_int_eq(open_edited(strtab_link_out_of_range, &spec), -EINVAL);
	ck_assert_errmsg_has("symbol table: bad section index 5000 for its string table");
	ck_assert_ptr_null(spec);
	ck_assert_int_eq(open_edited(strtab_link_not_strings, &spec), -EINVAL);
	ck_assert_errmsg_has("for its string table");
	ck_assert_int_eq(open_edited(two_symbol_tables, &spec), -EINVAL);
	ck_assert_errmsg_has("<memory>: more than one symbol table");
	ck_assert_ptr_null(spec);
}
END_TEST

Suite *suite_os_small_open(void)
{
	Suite *s = suite_create("os_small_open");
	TCase *tc = test_tcase("small_open");

	tcase_add_test(tc, test_spec_keeps_only_what_it_points_into);
	tcase_add_test(tc, test_memory_may_be_read_only_and_misaligned);
	tcase_add_test(tc, test_past_the_stack_buffer_same_spec);
	tcase_add_loop_test(tc, test_allocation_failures, 0, 2);
	tcase_add_test(tc, test_bad_symbol_tables_fail_before_keeping);
	suite_add_tcase(s, tc);
	return s;
}
