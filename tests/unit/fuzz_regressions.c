/*
 * Replays every input under tests/fuzz/regressions/<target>/ through the same
 * function its libFuzzer harness calls, so a crash once found stays fixed (the
 * unit suite runs under valgrind and, with SANITIZE=1, under ASan + UBSan). Also
 * feeds truncations and byte flips of compiled testdata objects to the ELF and
 * relocation targets: the cheapest deterministic fuzzing there is.
 */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "testutil.h"
#include "tests/fuzz/fuzz_common.h"

typedef int (*fuzz_fn)(const uint8_t *, size_t);

/* Feed each file of one regression directory to `fn`; returns how many were fed. */
static int replay_dir(const char *target, fuzz_fn fn)
{
	char dir[4096], path[8192];
	struct dirent *e;
	DIR *d;
	int n = 0;

	snprintf(dir, sizeof(dir), "%s/../tests/fuzz/regressions/%s", TESTDATA_SRC, target);
	d = opendir(dir);
	if (!d)
		return 0;
	while ((e = readdir(d))) {
		size_t size;
		uint8_t *buf, *copy;

		if (e->d_name[0] == '.')
			continue;
		snprintf(path, sizeof(path), "%s/%s", dir, e->d_name);
		buf = test_read_file(path, &size);
		/* Exact-size copy so valgrind/ASan see a read one byte past the input. */
		copy = malloc(size ? size : 1);
		ck_assert_ptr_nonnull(copy);
		memcpy(copy, buf, size);
		ck_assert_int_eq(fn(copy, size), 0);
		free(copy);
		free(buf);
		n++;
	}
	closedir(d);
	return n;
}

START_TEST(test_replay_regressions)
{
	int elf, relo;

	eb_fuzz_relo_init();
	/* Every ELF crash is also replayed through relocation, which parses first. */
	elf = replay_dir("elf", eb_fuzz_elf) + replay_dir("elf", eb_fuzz_relo);
	relo = replay_dir("relo", eb_fuzz_relo) + replay_dir("relo", eb_fuzz_elf);
	(void)replay_dir("btf", eb_fuzz_btf);
	(void)replay_dir("btf_ext", eb_fuzz_btf_ext);
	eb_fuzz_relo_fini();
	/* The directories of the crashes fixed so far must have been found. */
	ck_assert_int_ge(elf, 2);
	ck_assert_int_ge(relo, 2);
}
END_TEST

static const char *const objs[] = { "pkg_consumer", "relo_subprogs", "spec_legacy" };

/* Every prefix length of a real object must be refused cleanly or parse. */
START_TEST(test_truncations_of_testdata_objects)
{
	size_t size, len;
	uint8_t *buf;

	eb_fuzz_relo_init();
	buf = test_read_file(testobj(objs[_i]), &size);
	for (len = 0; len < size; len += (len < 128 ? 1 : 61)) {
		uint8_t *copy = malloc(len ? len : 1);

		ck_assert_ptr_nonnull(copy);
		memcpy(copy, buf, len); /* exact-size copy: valgrind sees overreads */
		eb_fuzz_elf(copy, len);
		eb_fuzz_relo(copy, len);
		free(copy);
	}
	eb_fuzz_elf(buf, size);
	eb_fuzz_relo(buf, size);
	free(buf);
	eb_fuzz_relo_fini();
}
END_TEST

/*
 * Deterministic byte corruption: overwrite single bytes across the whole object
 * with values that hit the usual parser hazards (0, 0xff, 0x80, 0x7f).
 */
START_TEST(test_byte_flips_of_testdata_objects)
{
	static const uint8_t vals[] = { 0x00, 0xff, 0x80, 0x7f };
	size_t size, off;
	uint8_t *buf;
	unsigned k = 0;

	eb_fuzz_relo_init();
	buf = test_read_file(testobj(objs[_i]), &size);
	for (off = 0; off < size; off += 37, k++) {
		uint8_t saved = buf[off];

		buf[off] = vals[k % 4];
		eb_fuzz_elf(buf, size);
		eb_fuzz_relo(buf, size);
		buf[off] = saved;
	}
	free(buf);
	eb_fuzz_relo_fini();
}
END_TEST

Suite *suite_fuzz_regressions(void)
{
	Suite *s = suite_create("fuzz_regressions");
	TCase *tc = test_tcase("replay");
	int nobj = (int)(sizeof(objs) / sizeof(objs[0]));

	tcase_set_timeout(tc, 900);
	tcase_add_test(tc, test_replay_regressions);
	tcase_add_loop_test(tc, test_truncations_of_testdata_objects, 0, nobj);
	tcase_add_loop_test(tc, test_byte_flips_of_testdata_objects, 0, nobj);
	suite_add_tcase(s, tc);
	return s;
}
