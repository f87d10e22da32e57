// SPDX-License-Identifier: BSD-2-Clause
/*
 * ebpf_spec_open_file reads only the sections the reader uses (not debug
 * information), section by section. It must give the same spec as opening the
 * same bytes from memory, and still check every section's extent against the
 * file size, also for the sections it skips.
 */
#include <elf.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "testutil.h"
#include "lib/spec.h"

static void same_spec(const struct ebpf_spec *a, const struct ebpf_spec *b)
{
	ck_assert_uint_eq(a->sec_cnt, b->sec_cnt);
	for (uint32_t i = 0; i < a->sec_cnt; i++) {
		ck_assert_str_eq(a->secs[i].name, b->secs[i].name);
		ck_assert_uint_eq(a->secs[i].insn_cnt, b->secs[i].insn_cnt);
		ck_assert_uint_eq(a->secs[i].reloc_cnt, b->secs[i].reloc_cnt);
		ck_assert(memcmp(a->secs[i].insns, b->secs[i].insns, a->secs[i].insn_cnt * sizeof(struct ebpf_insn)) == 0);
	}
	ck_assert_uint_eq(a->prog_cnt, b->prog_cnt);
	for (uint32_t i = 0; i < a->prog_cnt; i++)
		ck_assert_str_eq(a->progs[i]->name, b->progs[i]->name);
	ck_assert_uint_eq(a->map_cnt, b->map_cnt);
	for (uint32_t i = 0; i < a->map_cnt; i++) {
		ck_assert_str_eq(a->maps[i]->name, b->maps[i]->name);
		ck_assert_uint_eq(a->maps[i]->value_size, b->maps[i]->value_size);
		ck_assert_int_eq(!a->maps[i]->data, !b->maps[i]->data);
		if (a->maps[i]->data)
			ck_assert(memcmp(a->maps[i]->data, b->maps[i]->data, a->maps[i]->value_size) == 0);
	}
	ck_assert_uint_eq(a->extern_cnt, b->extern_cnt);
	ck_assert_str_eq(a->license ? a->license : "", b->license ? b->license : "");
	ck_assert_int_eq(!a->btf, !b->btf);
	ck_assert_int_eq(!a->btf_ext, !b->btf_ext);
}

START_TEST(file_equals_memory)
{
	static const char *const objs[] = { "spec_multi", "relo_kconfig", "kl_maps", "relo_subprogs", "spec_legacy" };

	for (size_t i = 0; i < sizeof(objs) / sizeof(objs[0]); i++) {
		struct ebpf_spec *f, *m;
		size_t size;
		void *buf = test_read_file(testobj(objs[i]), &size);

		ck_assert_msg(ebpf_spec_open_file(testobj(objs[i]), NULL, &f) == 0, "%s: %s", objs[i], ebpf_errmsg());
		ck_assert_msg(ebpf_spec_open_mem(buf, size, NULL, &m) == 0, "%s: %s", objs[i], ebpf_errmsg());
		ck_assert_uint_gt(f->prog_cnt, 0);
		same_spec(f, m);
		ebpf_spec_free(f);
		ebpf_spec_free(m);
		free(buf);
	}
}
END_TEST

/* The index of the first section whose name starts with `prefix` (the test fails if none). */
static uint32_t find_sec(const uint8_t *buf, size_t size, const char *prefix)
{
	const Elf64_Ehdr *eh = (const Elf64_Ehdr *)buf;
	const Elf64_Shdr *sh = (const Elf64_Shdr *)(buf + eh->e_shoff);
	const char *names = (const char *)buf + sh[eh->e_shstrndx].sh_offset;

	ck_assert_uint_le(eh->e_shoff + (uint64_t)eh->e_shnum * sizeof(*sh), size);
	for (uint32_t i = 1; i < eh->e_shnum; i++)
		if (strncmp(names + sh[i].sh_name, prefix, strlen(prefix)) == 0)
			return i;
	ck_abort_msg("no section %s", prefix);
	return 0;
}

/* A skipped .debug section lying outside the file is refused like any other, from a file or from memory. */
START_TEST(skipped_section_still_checked)
{
	char path[] = "/tmp/perf2_open_file.XXXXXX";
	struct ebpf_spec *spec;
	size_t size;
	uint8_t *buf = test_read_file(testobj("spec_multi"), &size);
	Elf64_Shdr *sh = (Elf64_Shdr *)(buf + ((Elf64_Ehdr *)buf)->e_shoff);
	uint32_t dbg = find_sec(buf, size, ".debug_info");
	char want[128];
	FILE *f;
	int fd;

	sh[dbg].sh_offset = size - 4;
	snprintf(want, sizeof(want), "section %u: contents at offset %zu size %llu are outside the file (%zu bytes)",
		 dbg, size - 4, (unsigned long long)sh[dbg].sh_size, size);
	fd = mkstemp(path);
	ck_assert_int_ge(fd, 0);
	f = fdopen(fd, "wb");
	ck_assert_ptr_nonnull(f);
	ck_assert_uint_eq(fwrite(buf, 1, size, f), size);
	fclose(f);

	ck_assert_int_eq(ebpf_spec_open_file(path, NULL, &spec), -EINVAL);
	ck_assert_ptr_null(spec);
	ck_assert_errmsg_has(want);
	ck_assert_int_eq(ebpf_spec_open_mem(buf, size, NULL, &spec), -EINVAL);
	ck_assert_errmsg_has(want);

	/* Cut inside the section headers: refused, not read past the end. */
	ck_assert_int_eq(truncate(path, (off_t)(size - 8)), 0);
	ck_assert_int_eq(ebpf_spec_open_file(path, NULL, &spec), -EINVAL);
	ck_assert_errmsg_has("section headers at offset");
	unlink(path);
	free(buf);
}
END_TEST

Suite *suite_perf2_open_file(void)
{
	Suite *s = suite_create("perf2_open_file");
	TCase *tc = test_tcase("open_file");

	tcase_add_test(tc, file_equals_memory);
	tcase_add_test(tc, skipped_section_still_checked);
	suite_add_tcase(s, tc);
	return s;
}
