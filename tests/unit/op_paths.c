/*
 * The ways an object's bytes reach a spec (lib/elf_spec.c) give the same spec:
 * a file read whole (small), a file read section by section (large: only the
 * sections the reader uses, nearby ones in one pread), a mapped file, and a
 * memory buffer. Every fact the spec gives out is compared: programs, their
 * instructions and relocations, maps with their variables and slots, externs,
 * the license and the fixed-up BTF. The by-section path reads no debug
 * information and keeps aligned instructions in place, and each of its
 * allocations failing is reported as -ENOMEM without a leak.
 */
#include <elf.h>
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include "testutil.h"
#include "btf/btf.h"
#include "lib/alloc.h"
#include "lib/elf_reader.h"
#include "lib/spec.h"

enum path { WHOLE, SECTIONS, MAPPED, MEMORY, NPATHS };
static const char *const path_names[NPATHS] = { "whole", "sections", "mapped", "memory" };

/* Objects with programs, subprograms, BTF and legacy maps, data, slots, externs and kconfig. */
static const char *const objects[] = { "spec_multi", "zc_image", "relo_subprogs", "spec_legacy", "spec_misc",
				       "relo_kconfig" };

static struct ebpf_spec *open_by(enum path how, const char *obj)
{
	size_t saved_read = eb_spec_read_max, saved_map = eb_spec_map_min, size;
	struct ebpf_spec *spec = NULL;
	void *buf = NULL;
	int err;

	eb_spec_read_max = how == WHOLE ? SIZE_MAX : 0;
	eb_spec_map_min = how == MAPPED ? 0 : SIZE_MAX;
	if (how == MEMORY) {
		buf = test_read_file(testobj(obj), &size);
		err = ebpf_spec_open_mem(buf, size, NULL, &spec);
		/* Nothing the spec gives out may point into the caller's buffer. */
		memset(buf, 0x5a, size);
		free(buf);
	} else {
		err = ebpf_spec_open_file(testobj(obj), NULL, &spec);
	}
	eb_spec_read_max = saved_read;
	eb_spec_map_min = saved_map;
	ck_assert_msg(err == 0, "%s (%s): %d %s", obj, path_names[how], err, ebpf_errmsg());
	return spec;
}

static void same_progs(const struct ebpf_spec *a, const struct ebpf_spec *b, const char *what)
{
	ck_assert_uint_eq(ebpf_spec_prog_count(a), ebpf_spec_prog_count(b));
	for (size_t i = 0; i < ebpf_spec_prog_count(a); i++) {
		struct ebpf_prog_spec *pa = ebpf_spec_prog(a, i), *pb = ebpf_spec_prog(b, i);
		const struct ebpf_insn *ia, *ib;
		size_t na, nb;

		ck_assert_str_eq(ebpf_prog_spec_name(pa), ebpf_prog_spec_name(pb));
		ck_assert_str_eq(ebpf_prog_spec_section(pa), ebpf_prog_spec_section(pb));
		ck_assert_str_eq(ebpf_prog_spec_attach_target(pa), ebpf_prog_spec_attach_target(pb));
		ck_assert_int_eq(ebpf_prog_spec_type(pa), ebpf_prog_spec_type(pb));
		ck_assert_int_eq(ebpf_prog_spec_attach_type(pa), ebpf_prog_spec_attach_type(pb));
		ck_assert_uint_eq(ebpf_prog_spec_flags(pa), ebpf_prog_spec_flags(pb));
		ia = ebpf_prog_spec_insns(pa, &na);
		ib = ebpf_prog_spec_insns(pb, &nb);
		ck_assert_uint_gt(na, 0);
		ck_assert_uint_eq(na, nb);
		ck_assert_msg(memcmp(ia, ib, na * sizeof(*ia)) == 0, "%s: prog %s: instructions differ", what,
			      ebpf_prog_spec_name(pa));
		ck_assert_uint_eq(ebpf_prog_spec_reloc_count(pa), ebpf_prog_spec_reloc_count(pb));
		for (size_t r = 0; r < ebpf_prog_spec_reloc_count(pa); r++) {
			struct ebpf_reloc ra, rb;

			ck_assert_int_eq(ebpf_prog_spec_reloc(pa, r, &ra), 0);
			ck_assert_int_eq(ebpf_prog_spec_reloc(pb, r, &rb), 0);
			ck_assert_uint_eq(ra.insn, rb.insn);
			ck_assert_int_eq(ra.kind, rb.kind);
			ck_assert_uint_eq(ra.target, rb.target);
			ck_assert_int_eq(ra.addend, rb.addend);
			ck_assert_str_eq(ra.symbol, rb.symbol);
		}
	}
}

static void same_map(const struct ebpf_map_spec *ma, const struct ebpf_map_spec *mb)
{
	const void *da, *db;
	size_t na, nb;

	ck_assert_str_eq(ebpf_map_spec_name(ma), ebpf_map_spec_name(mb));
	ck_assert_int_eq(ebpf_map_spec_origin(ma), ebpf_map_spec_origin(mb));
	ck_assert_int_eq(ebpf_map_spec_type(ma), ebpf_map_spec_type(mb));
	ck_assert_uint_eq(ebpf_map_spec_key_size(ma), ebpf_map_spec_key_size(mb));
	ck_assert_uint_eq(ebpf_map_spec_value_size(ma), ebpf_map_spec_value_size(mb));
	ck_assert_uint_eq(ebpf_map_spec_max_entries(ma), ebpf_map_spec_max_entries(mb));
	ck_assert_uint_eq(ebpf_map_spec_flags(ma), ebpf_map_spec_flags(mb));
	ck_assert_int_eq(ebpf_map_spec_pinning(ma), ebpf_map_spec_pinning(mb));
	ck_assert_int_eq(ebpf_map_spec_inner(ma) != NULL, ebpf_map_spec_inner(mb) != NULL);
	if (ebpf_map_spec_inner(ma))
		same_map(ebpf_map_spec_inner(ma), ebpf_map_spec_inner(mb));
	da = ebpf_map_spec_initial_value(ma, &na);
	db = ebpf_map_spec_initial_value(mb, &nb);
	ck_assert_int_eq(da != NULL, db != NULL);
	ck_assert_uint_eq(na, nb);
	if (da)
		ck_assert_int_eq(memcmp(da, db, na), 0);
	ck_assert_uint_eq(ebpf_map_spec_var_count(ma), ebpf_map_spec_var_count(mb));
	for (size_t v = 0; v < ebpf_map_spec_var_count(ma); v++) {
		struct ebpf_var_info va, vb;

		ck_assert_int_eq(ebpf_map_spec_var(ma, v, &va), 0);
		ck_assert_int_eq(ebpf_map_spec_var(mb, v, &vb), 0);
		ck_assert_str_eq(va.name, vb.name);
		ck_assert_uint_eq(va.offset, vb.offset);
		ck_assert_uint_eq(va.size, vb.size);
		ck_assert_uint_eq(va.btf_type, vb.btf_type);
		ck_assert_int_eq(va.global, vb.global);
	}
	ck_assert_uint_eq(ebpf_map_spec_slot_count(ma), ebpf_map_spec_slot_count(mb));
	for (size_t s = 0; s < ebpf_map_spec_slot_count(ma); s++) {
		struct ebpf_map_slot sa, sb;

		ck_assert_int_eq(ebpf_map_spec_slot(ma, s, &sa), 0);
		ck_assert_int_eq(ebpf_map_spec_slot(mb, s, &sb), 0);
		ck_assert_uint_eq(sa.index, sb.index);
		ck_assert_str_eq(sa.name, sb.name);
	}
}

/* Every fact `a` gives out, `b` gives out the same. */
static void same_spec(const struct ebpf_spec *a, const struct ebpf_spec *b, const char *what)
{
	const void *ra, *rb;
	size_t na, nb;

	ck_assert_str_eq(ebpf_spec_license(a), ebpf_spec_license(b));
	ck_assert_uint_eq(ebpf_spec_kern_version(a), ebpf_spec_kern_version(b));
	same_progs(a, b, what);
	ck_assert_uint_eq(ebpf_spec_map_count(a), ebpf_spec_map_count(b));
	for (size_t i = 0; i < ebpf_spec_map_count(a); i++)
		same_map(ebpf_spec_map(a, i), ebpf_spec_map(b, i));
	ck_assert_uint_eq(ebpf_spec_extern_count(a), ebpf_spec_extern_count(b));
	for (size_t i = 0; i < ebpf_spec_extern_count(a); i++) {
		struct ebpf_extern_info xa, xb;

		ck_assert_int_eq(ebpf_spec_extern(a, i, &xa), 0);
		ck_assert_int_eq(ebpf_spec_extern(b, i, &xb), 0);
		ck_assert_str_eq(xa.name, xb.name);
		ck_assert_int_eq(xa.kind, xb.kind);
		ck_assert_int_eq(xa.weak, xb.weak);
		ck_assert_uint_eq(xa.btf_id, xb.btf_id);
		ck_assert_uint_eq(xa.size, xb.size);
		ck_assert_uint_eq(xa.offset, xb.offset);
	}
	/* The BTF after the DATASEC fix-ups, byte for byte. */
	ck_assert_int_eq(a->btf != NULL, b->btf != NULL);
	if (a->btf) {
		ra = eb_btf_raw(a->btf, &na);
		rb = eb_btf_raw(b->btf, &nb);
		ck_assert_uint_eq(na, nb);
		ck_assert_msg(memcmp(ra, rb, na) == 0, "%s: BTF differs", what);
	}
}

START_TEST(test_every_path_gives_the_same_spec)
{
	const char *obj = objects[_i];
	struct ebpf_spec *ref = open_by(MEMORY, obj);

	for (enum path how = WHOLE; how < MEMORY; how++) {
		struct ebpf_spec *spec = open_by(how, obj);
		char what[96];

		snprintf(what, sizeof(what), "%s (%s)", obj, path_names[how]);
		same_spec(ref, spec, what);
		/* How the bytes are held: in the spec's block, in read buffers, or mapped. */
		ck_assert_int_eq(spec->image.map != NULL, how == MAPPED);
		ck_assert_int_eq(spec->image.heap[1] != NULL, how == SECTIONS);
		ebpf_spec_free(spec);
	}
	ebpf_spec_free(ref);
}
END_TEST

/* Sum of the sizes of the sections named .debug* in the file. */
static size_t debug_bytes(const uint8_t *file)
{
	const Elf64_Ehdr *eh = (const Elf64_Ehdr *)file;
	const Elf64_Shdr *sh = (const Elf64_Shdr *)(file + eh->e_shoff);
	const char *names = (const char *)file + sh[eh->e_shstrndx].sh_offset;
	size_t n = 0;

	for (unsigned i = 1; i < eh->e_shnum; i++) {
		if (strncmp(names + sh[i].sh_name, ".debug", 6) == 0)
			n += sh[i].sh_size;
	}
	return n;
}

START_TEST(test_sections_path_skips_debug_info_and_copies_nothing)
{
	size_t size, saved = eb_spec_read_max;
	uint8_t *file = test_read_file(testobj("spec_multi"), &size);
	int fds = test_count_fds();
	struct ebpf_spec *spec;
	int err;

	/* The test object carries debug information (-g): that is what the path skips. */
	ck_assert_uint_gt(debug_bytes(file), 1024);
	eb_spec_read_max = 0;
	err = ebpf_spec_open_file(testobj("spec_multi"), NULL, &spec);
	eb_spec_read_max = saved;
	ck_assert_msg(err == 0, "%s", ebpf_errmsg());
	ck_assert_int_eq(test_count_fds(), fds);
	/* Instructions of aligned sections point into the read buffer: no per-section copy. */
	for (uint32_t i = 0; i < spec->sec_cnt; i++) {
		const struct eb_text_sec *ts = &spec->secs[i];

		ck_assert_msg(!ts->insns_owned, "section %s was copied", ts->name);
		ck_assert_uint_eq((uintptr_t)ts->insns % 8, 0);
	}
	ebpf_spec_free(spec);
	free(file);
}
END_TEST

/* Each allocation of a by-section open failing: -ENOMEM, no spec, nothing leaked (valgrind). */
START_TEST(test_sections_path_allocation_failures)
{
	size_t saved = eb_spec_read_max;
	struct ebpf_spec *spec = NULL;
	uint64_t calls;

	eb_spec_read_max = 0;
	eb_fault_arm(EB_FAULT_ALLOC, 0);
	ck_assert_int_eq(ebpf_spec_open_file(testobj("spec_multi"), NULL, &spec), 0);
	calls = eb_fault_calls(EB_FAULT_ALLOC);
	ebpf_spec_free(spec);
	ck_assert_uint_gt(calls, 5);
	for (uint64_t n = 1; n <= calls; n++) {
		eb_fault_arm(EB_FAULT_ALLOC, n);
		spec = NULL;
		ck_assert_int_eq(ebpf_spec_open_file(testobj("spec_multi"), NULL, &spec), -ENOMEM);
		ck_assert_ptr_null(spec);
	}
	eb_fault_arm(EB_FAULT_ALLOC, 0);
	eb_spec_read_max = saved;
}
END_TEST

Suite *suite_op_paths(void)
{
	Suite *s = suite_create("op_paths");
	TCase *tc = test_tcase("paths");

	tcase_add_loop_test(tc, test_every_path_gives_the_same_spec, 0, sizeof(objects) / sizeof(objects[0]));
	tcase_add_test(tc, test_sections_path_skips_debug_info_and_copies_nothing);
	tcase_add_test(tc, test_sections_path_allocation_failures);
	suite_add_tcase(s, tc);
	return s;
}
