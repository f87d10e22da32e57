/*
 * The zero-copy spec: a spec points into the object's bytes it owns (a private
 * mapping of the file, or its own copy of a memory buffer). Checked here: the
 * instructions and initial values are the file's bytes; the BTF fix-ups land in
 * the spec's image and never in the file; ebpf_spec_set_var() copies before it
 * writes (another spec of the same file and the file itself are unchanged); a
 * memory buffer may be clobbered and freed right after open; sections at
 * misaligned file offsets are copied and read the same; no fd stays open.
 * Files are read (whole when small, else by section) or, from
 * eb_spec_map_min, mapped: the file tests run both ways.
 */
#include <elf.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "testutil.h"
#include "btf/btf.h"
#include "lib/elf_reader.h"
#include "lib/spec.h"

/* Loop index 0: the file is read (it is small); 1: it is mapped. restore_path() undoes it. */
static size_t saved_map_min;

static size_t use_path(int mapped)
{
	size_t saved = eb_spec_read_max;

	saved_map_min = eb_spec_map_min;
	eb_spec_read_max = mapped ? 0 : SIZE_MAX;
	eb_spec_map_min = mapped ? 0 : SIZE_MAX;
	return saved;
}

static void restore_path(size_t saved)
{
	eb_spec_read_max = saved;
	eb_spec_map_min = saved_map_min;
}

static struct ebpf_spec *open_path(const char *path)
{
	struct ebpf_spec *spec = NULL;
	int err = ebpf_spec_open_file(path, NULL, &spec);

	ck_assert_msg(err == 0, "open %s: %d %s", path, err, ebpf_errmsg());
	return spec;
}

static const struct ebpf_insn *prog_insns(const struct ebpf_spec *spec, const char *name, size_t *cnt)
{
	struct ebpf_prog_spec *p = ebpf_spec_prog_by_name(spec, name);

	ck_assert_msg(p != NULL, "no program %s", name);
	return ebpf_prog_spec_insns(p, cnt);
}

/* Offset of variable `var` in data map `map`, from the spec (fixed-up BTF). */
static uint32_t var_offset(const struct ebpf_spec *spec, const char *map, const char *var)
{
	const struct ebpf_map_spec *m = ebpf_spec_map_by_name(spec, map);
	struct ebpf_var_info vi;

	ck_assert_msg(m != NULL, "no map %s", map);
	for (size_t i = 0; i < ebpf_map_spec_var_count(m); i++) {
		ck_assert_int_eq(ebpf_map_spec_var(m, i, &vi), 0);
		if (strcmp(vi.name, var) == 0)
			return vi.offset;
	}
	ck_abort_msg("no variable %s in %s", var, map);
	return 0;
}

/* The spec's executable section named `name`. */
static const struct eb_text_sec *text_sec(const struct ebpf_spec *spec, const char *name)
{
	for (uint32_t i = 0; i < spec->sec_cnt; i++) {
		if (strcmp(spec->secs[i].name, name) == 0)
			return &spec->secs[i];
	}
	ck_abort_msg("no executable section %s", name);
	return NULL;
}

static uint32_t datasec_size(const struct ebpf_spec *spec, const char *name)
{
	int32_t id = eb_btf_find(spec->btf, name, BTF_KIND_DATASEC);

	ck_assert_msg(id > 0, "no DATASEC %s", name);
	return eb_btf_type(spec->btf, (uint32_t)id)->size;
}

/* What every correct spec of testdata/zc_image.bpf.c says, whatever backs it. */
static void check_spec(const struct ebpf_spec *spec, const uint8_t *file)
{
	const Elf64_Shdr *xdp = test_shdr_named((uint8_t *)file, "xdp");
	const Elf64_Shdr *data = test_shdr_named((uint8_t *)file, ".data");
	const struct ebpf_insn *a, *b;
	const uint8_t *init;
	size_t na, nb, size;

	/* The section's instructions, as in the file: the first program, then the second. */
	a = prog_insns(spec, "zc_first", &na);
	b = prog_insns(spec, "zc_second", &nb);
	ck_assert_uint_gt(na, 0);
	ck_assert_uint_gt(nb, 0);
	ck_assert_uint_eq((na + nb) * sizeof(*a), xdp->sh_size);
	ck_assert_int_eq(memcmp(a, file + xdp->sh_offset, na * sizeof(*a)), 0);
	ck_assert_int_eq(memcmp(b, file + xdp->sh_offset + na * sizeof(*a), nb * sizeof(*b)), 0);
	ck_assert_str_eq(ebpf_spec_license(spec), "GPL");

	/* .data's initial value is the section's bytes. */
	init = ebpf_map_spec_initial_value(ebpf_spec_map_by_name(spec, ".data"), &size);
	ck_assert_uint_eq(size, data->sh_size);
	ck_assert_int_eq(memcmp(init, file + data->sh_offset, size), 0);

	/* clang left every DATASEC size and offset 0: the fix-ups filled them in. */
	ck_assert_uint_eq(datasec_size(spec, ".data"), 12);
	ck_assert_uint_eq(datasec_size(spec, ".rodata"), 16);
	ck_assert_uint_eq(datasec_size(spec, ".bss"), 12);
	ck_assert_uint_eq(var_offset(spec, ".data", "zc_counter"), 0);
	ck_assert_uint_eq(var_offset(spec, ".data", "zc_flags"), 8);
	ck_assert_uint_eq(var_offset(spec, ".bss", "zc_misses"), 8);
}

START_TEST(test_file_spec_reads_the_image)
{
	size_t size, saved = use_path(_i);
	uint8_t *file = test_read_file(testobj("zc_image"), &size);
	int fds = test_count_fds();
	struct ebpf_spec *spec = open_path(testobj("zc_image"));
	uint8_t *after;

	restore_path(saved);
	ck_assert_msg((spec->image.map != NULL) == (_i == 1), "mapped: %d", spec->image.map != NULL);
	/* The mapping does not keep the file open. */
	ck_assert_int_eq(test_count_fds(), fds);
	check_spec(spec, file);
	/* Instructions are read in place: nothing was copied for an aligned section. */
	ck_assert(!text_sec(spec, "xdp")->insns_owned);
	ck_assert(!text_sec(spec, ".text")->insns_owned);
	ebpf_spec_free(spec);

	/* The fix-ups went to private pages: the file still has clang's zeros. */
	after = test_read_file(testobj("zc_image"), &size);
	ck_assert_int_eq(memcmp(file, after, size), 0);
	free(after);
	free(file);
}
END_TEST

START_TEST(test_set_var_copies_first)
{
	size_t size, saved = use_path(_i);
	uint8_t *file = test_read_file(testobj("zc_image"), &size);
	struct ebpf_spec *a = open_path(testobj("zc_image"));
	struct ebpf_spec *b = open_path(testobj("zc_image"));
	const uint64_t v = 0x0102030405060708ULL;
	const uint8_t *init;
	uint8_t *after;
	size_t n;

	restore_path(saved);
	ck_assert((a->image.map != NULL) == (_i == 1));

	ck_assert_int_eq(ebpf_spec_set_var(a, "zc_counter", &v, sizeof(v)), 0);
	init = ebpf_map_spec_initial_value(ebpf_spec_map_by_name(a, ".data"), &n);
	ck_assert_uint_eq(n, 12);
	ck_assert_int_eq(memcmp(init, &v, sizeof(v)), 0);
	/* The rest of the value is still the file's (zc_flags). */
	ck_assert_int_eq(memcmp(init + 8, file + test_shdr_named(file, ".data")->sh_offset + 8, 4), 0);
	/* A second write goes to the same copy. */
	ck_assert_int_eq(ebpf_spec_set_var(a, "zc_flags", &(uint32_t){ 5 }, 4), 0);
	ck_assert_ptr_eq(ebpf_map_spec_initial_value(ebpf_spec_map_by_name(a, ".data"), &n), init);
	ck_assert_uint_eq(*(const uint32_t *)(init + 8), 5);

	/* The other spec of the same file, and the file, are untouched. */
	check_spec(b, file);
	after = test_read_file(testobj("zc_image"), &size);
	ck_assert_int_eq(memcmp(file, after, size), 0);

	/* .bss has no bytes until a write: a zeroed copy then. */
	ck_assert_ptr_null(ebpf_map_spec_initial_value(ebpf_spec_map_by_name(a, ".bss"), &n));
	ck_assert_int_eq(ebpf_spec_set_var(a, "zc_misses", &(uint32_t){ 9 }, 4), 0);
	init = ebpf_map_spec_initial_value(ebpf_spec_map_by_name(a, ".bss"), &n);
	ck_assert_uint_eq(n, 12);
	ck_assert_uint_eq(*(const uint64_t *)init, 0);
	ck_assert_uint_eq(*(const uint32_t *)(init + 8), 9);
	ebpf_spec_free(a);
	ebpf_spec_free(b);
	free(after);
	free(file);
}
END_TEST

START_TEST(test_memory_buffer_may_go_away)
{
	size_t size;
	uint8_t *file = test_read_file(testobj("zc_image"), &size);
	uint8_t *buf = malloc(size);
	struct ebpf_spec *spec = NULL;

	ck_assert_ptr_nonnull(buf);
	memcpy(buf, file, size);
	ck_assert_int_eq(ebpf_spec_open_mem(buf, size, NULL, &spec), 0);
	/* The spec copied what it keeps: clobber and free the caller's bytes. */
	memset(buf, 0xff, size);
	free(buf);
	check_spec(spec, file);
	ck_assert_str_eq(ebpf_prog_spec_section(ebpf_spec_prog_by_name(spec, "zc_second")), "xdp");
	ebpf_spec_free(spec);
	free(file);
}
END_TEST

/*
 * Move section `name` of the image in *img (*size bytes) to a new copy at the
 * end of the file whose offset is `mis` bytes past a multiple of 8.
 */
static void move_section(uint8_t **img, size_t *size, const char *name, size_t mis)
{
	Elf64_Shdr *sh = test_shdr_named(*img, name);
	size_t at = (*size + 7) / 8 * 8 + mis, len = sh->sh_size, old = sh->sh_offset;
	uint8_t *n = realloc(*img, at + len);

	ck_assert_ptr_nonnull(n);
	memset(n + *size, 0, at - *size);
	memcpy(n + at, n + old, len);
	/* Poison the old copy: a reader still looking there would see garbage. */
	memset(n + old, 0xee, len);
	test_shdr_named(n, name)->sh_offset = at;
	*img = n;
	*size = at + len;
}

START_TEST(test_misaligned_sections_are_copied)
{
	char path[] = "/tmp/zc_image_XXXXXX";
	size_t size, orig_size;
	uint8_t *orig = test_read_file(testobj("zc_image"), &orig_size);
	uint8_t *img = test_read_file(testobj("zc_image"), &size);
	struct ebpf_spec *spec;
	int fd;

	move_section(&img, &size, "xdp", 1);	/* instructions need 4-byte alignment */
	move_section(&img, &size, ".BTF", 2);	/* BTF too */
	move_section(&img, &size, ".data", 3);	/* bytes: borrowed at any offset */
	fd = mkstemp(path);
	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq(write(fd, img, size), (ssize_t)size);
	close(fd);
	spec = open_path(path);
	unlink(path);

	ck_assert(text_sec(spec, "xdp")->insns_owned);
	ck_assert_uint_eq((uintptr_t)text_sec(spec, "xdp")->insns % _Alignof(struct ebpf_insn), 0);
	ck_assert(!text_sec(spec, ".text")->insns_owned);
	/* check_spec reads the moved sections where the new headers say they are. */
	check_spec(spec, img);
	/* ... and they hold what the original object holds at its offsets. */
	{
		size_t n;
		const struct ebpf_insn *a = prog_insns(spec, "zc_first", &n);

		ck_assert_int_eq(memcmp(a, orig + test_shdr_named(orig, "xdp")->sh_offset, n * sizeof(*a)), 0);
	}
	ebpf_spec_free(spec);
	free(img);
	free(orig);
}
END_TEST

Suite *suite_zc_image(void)
{
	Suite *s = suite_create("zc_image");
	TCase *tc = test_tcase("zero_copy");

	tcase_add_loop_test(tc, test_file_spec_reads_the_image, 0, 2);
	tcase_add_loop_test(tc, test_set_var_copies_first, 0, 2);
	tcase_add_test(tc, test_memory_buffer_may_go_away);
	tcase_add_test(tc, test_misaligned_sections_are_copied);
	suite_add_tcase(s, tc);
	return s;
}
