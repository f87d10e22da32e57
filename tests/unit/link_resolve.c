/*
 * Uprobe target resolution (ELF symbol → file offset), checked against an
 * independent computation: where the function really is in this process's
 * memory, and which file offset /proc/self/maps says that address maps.
 */
#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "testutil.h"
#include "lib/link_internal.h"

__attribute__((noinline, used)) int link_resolve_global_fn(int x)
{
	__asm__ volatile("" ::: "memory");
	return x * 3;
}

/* Static: only in .symtab, never in .dynsym. */
__attribute__((noinline, used)) static int link_resolve_static_fn(int x)
{
	__asm__ volatile("" ::: "memory");
	return x + 7;
}

/*
 * The file offset of code address `addr` and the file mapped there, from
 * /proc/self/maps: offset = addr - mapping start + mapping file offset.
 */
static uint64_t maps_file_offset(const void *addr, char *file, size_t size)
{
	FILE *f = fopen("/proc/self/maps", "r");
	char line[1024];
	uintptr_t a = (uintptr_t)addr;

	ck_assert(f != NULL);
	while (fgets(line, sizeof(line), f)) {
		unsigned long start, end, off;
		char perms[8], path[PATH_MAX] = "";

		if (sscanf(line, "%lx-%lx %7s %lx %*s %*s %4095s", &start, &end, perms, &off, path) < 4)
			continue;
		if (a < start || a >= end)
			continue;
		fclose(f);
		snprintf(file, size, "%s", path);
		return a - start + off;
	}
	fclose(f);
	ck_abort_msg("address %p is not in /proc/self/maps", addr);
	return 0;
}

START_TEST(resolves_functions_of_the_test_binary)
{
	char file[PATH_MAX], exe[PATH_MAX];
	uint64_t want, got = 0;
	ssize_t n;

	ck_assert_int_eq(link_resolve_global_fn(1) + link_resolve_static_fn(1), 11);
	n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
	ck_assert(n > 0);
	exe[n] = '\0';

	want = maps_file_offset((const void *)link_resolve_global_fn, file, sizeof(file));
	ck_assert_str_eq(file, exe);
	ck_assert_int_eq(eb_uprobe_resolve(exe, "link_resolve_global_fn", &got), 0);
	ck_assert_uint_eq(got, want);

	want = maps_file_offset((const void *)link_resolve_static_fn, file, sizeof(file));
	ck_assert_int_eq(eb_uprobe_resolve("/proc/self/exe", "link_resolve_static_fn", &got), 0);
	ck_assert_uint_eq(got, want);
}
END_TEST

START_TEST(resolves_getpid_in_libc)
{
	char file[PATH_MAX], found[PATH_MAX], real1[PATH_MAX], real2[PATH_MAX];
	void *sym = dlsym(RTLD_DEFAULT, "getpid");
	uint64_t want, got = 0;

	ck_assert(sym != NULL);
	want = maps_file_offset(sym, file, sizeof(file));
	ck_assert_msg(strstr(file, "libc"), "getpid is mapped from %s", file);
	ck_assert_int_eq(eb_uprobe_resolve(file, "getpid", &got), 0);
	ck_assert_uint_eq(got, want);

	/* A bare library name is found in the library directories. */
	ck_assert_int_eq(eb_uprobe_find_binary("libc.so.6", found, sizeof(found)), 0);
	ck_assert(realpath(found, real1) && realpath(file, real2));
	ck_assert_str_eq(real1, real2);
	ck_assert_int_eq(eb_uprobe_resolve(found, "getpid", &got), 0);
	ck_assert_uint_eq(got, want);
}
END_TEST

START_TEST(reports_missing_things)
{
	char tmpl[] = "/tmp/link_resolve_XXXXXX", out[16];
	uint64_t off;
	int fd;

	ck_assert_int_eq(eb_uprobe_resolve("/nonexistent/bin", "main", &off), -ENOENT);
	ck_assert_errmsg_has("binary '/nonexistent/bin'");

	ck_assert_int_eq(eb_uprobe_resolve("/proc/self/exe", "link_no_such_function", &off), -ENOENT);
	ck_assert_errmsg_has("function 'link_no_such_function' not found in .symtab or .dynsym");

	/* A prefix of a real name is not a match. */
	ck_assert_int_eq(eb_uprobe_resolve("/proc/self/exe", "link_resolve_global", &off), -ENOENT);

	ck_assert_int_eq(eb_uprobe_resolve(testsrc("link_progs.bpf.c"), "x", &off), -EINVAL);
	ck_assert_errmsg_has("not an ELF file");

	/* A relocatable object has no program headers to map addresses. */
	ck_assert_int_eq(eb_uprobe_resolve(testobj("link_progs"), "on_uprobe", &off), -EINVAL);
	ck_assert_errmsg_has("not an executable or shared library");

	/* A truncated ELF: only the header of the test binary. */
	fd = mkstemp(tmpl);
	ck_assert(fd >= 0);
	{
		size_t size;
		char *data = test_read_file("/proc/self/exe", &size);

		ck_assert(write(fd, data, 64) == 64);
		free(data);
	}
	close(fd);
	ck_assert_int_lt(eb_uprobe_resolve(tmpl, "main", &off), 0);
	unlink(tmpl);

	ck_assert_int_eq(eb_uprobe_find_binary("no-such-program-here", out, sizeof(out)), -ENOENT);
	ck_assert_errmsg_has("not found in PATH");
	ck_assert_int_eq(eb_uprobe_find_binary("/a/very/long/path/name", out, sizeof(out)),
			 -ENAMETOOLONG);
	/* The kernel is given the real file: symlinks such as /proc/self/exe resolved. */
	ck_assert_int_eq(eb_uprobe_real_path("/a/path/that/does/not/exist", out, sizeof(out)), -ENOENT);
	ck_assert_errmsg_has("binary '/a/path/that/does/not/exist': No such file");
	ck_assert_int_eq(eb_uprobe_real_path("/proc/self/exe", out, 4), -ENAMETOOLONG);
	{
		char real[4096];

		ck_assert_int_eq(eb_uprobe_real_path("/proc/self/exe", real, sizeof(real)), 0);
		ck_assert_msg(strstr(real, "unit_tests") && strncmp(real, "/proc/", 6) != 0,
			      "/proc/self/exe not resolved: %s", real);
	}
	ck_assert_int_eq(eb_uprobe_resolve(NULL, "x", &off), -EINVAL);
}
END_TEST

/* Corrupt program header / section header offsets: errors, never crashes. */
START_TEST(survives_corrupt_headers)
{
	size_t size, i;
	char *data = test_read_file("/proc/self/exe", &size);
	/* e_phoff (32), e_shoff (40), e_phnum (56), e_shnum (60), e_shstrndx (62) */
	static const size_t fields[] = { 32, 40, 56, 60, 62 };

	for (i = 0; i < sizeof(fields) / sizeof(fields[0]); i++) {
		char tmpl[] = "/tmp/link_resolve_XXXXXX";
		char *copy = malloc(size);
		uint64_t off = 0;
		int fd;

		ck_assert(copy != NULL);
		memcpy(copy, data, size);
		memset(copy + fields[i], 0xff, fields[i] >= 56 ? 2 : 8);
		fd = mkstemp(tmpl);
		ck_assert(fd >= 0);
		ck_assert(write(fd, copy, size) == (ssize_t)size);
		close(fd);
		/* Any outcome but a crash is fine; a success must still be the right offset. */
		if (eb_uprobe_resolve(tmpl, "link_resolve_global_fn", &off) == 0) {
			uint64_t good;

			ck_assert_int_eq(eb_uprobe_resolve("/proc/self/exe", "link_resolve_global_fn",
							   &good), 0);
			ck_assert_uint_eq(off, good);
		}
		unlink(tmpl);
		free(copy);
	}
	free(data);
}
END_TEST

Suite *suite_link_resolve(void)
{
	Suite *s = suite_create("link_resolve");
	TCase *tc = test_tcase("resolve");

	tcase_add_test(tc, resolves_functions_of_the_test_binary);
	tcase_add_test(tc, resolves_getpid_in_libc);
	tcase_add_test(tc, reports_missing_things);
	tcase_add_test(tc, survives_corrupt_headers);
	suite_add_tcase(s, tc);
	return s;
}
