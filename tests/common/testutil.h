/* Helpers shared by the test suites. */
#ifndef EB_TESTUTIL_H
#define EB_TESTUTIL_H

#include <check.h>
#include <elf.h>
#include <stdbool.h>
#include <string.h>

#include <ebpf/ebpf.h>

/* Path of a compiled testdata object, e.g. testobj("maps") -> build/testdata/maps.bpf.o */
const char *testobj(const char *name);
/* Path of a testdata source file. */
const char *testsrc(const char *name);

/* Whether this process can load BPF programs (CAP_BPF + a working bpf(2)). */
bool test_have_bpf(void);
/* Record and print a visible skip ("SKIP suite/test: reason"). */
void test_skip(const char *test, const char *reason);
/* Print the number of skipped tests at the end of a run (called by the runner). */
void test_report_skips(const char *kind);

/* Skip the current test (visibly) unless BPF is usable. */
#define REQUIRE_BPF()                                                              \
	do {                                                                       \
		if (!test_have_bpf()) {                                            \
			test_skip(__func__, "needs CAP_BPF/root and bpf(2)");      \
			return;                                                    \
		}                                                                  \
	} while (0)

/* Assert that the last libebpf error message contains `needle`. */
#define ck_assert_errmsg_has(needle)                                               \
	ck_assert_msg(strstr(ebpf_errmsg(), (needle)) != NULL,                     \
		      "errmsg \"%s\" does not contain \"%s\"", ebpf_errmsg(), (needle))

/* Read a whole file into a malloc'd buffer (test helper; aborts the test on failure). */
void *test_read_file(const char *path, size_t *size);

/* The header of section `name` in an ELF64 image of the host's byte order (aborts the test if none). */
Elf64_Shdr *test_shdr_named(void *img, const char *name);

/* Count this process's open fds (for leak checks). */
int test_count_fds(void);

/*
 * Mount a fresh bpffs on a new directory made from `dir` (a mkdtemp template,
 * rewritten in place). The mount lives in a private mount namespace of the
 * test process when one can be made, so a test that fails early leaves no
 * mount behind. false (after a visible skip naming `test`) if bpffs cannot be
 * mounted. test_bpffs_umount() unmounts and removes the directory.
 */
bool test_bpffs_mount(char *dir, const char *test);
void test_bpffs_umount(const char *dir);

/* A Check test case with a generous timeout (valgrind is slow). */
TCase *test_tcase(const char *name);

#endif
