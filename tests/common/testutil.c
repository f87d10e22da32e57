/* Helpers shared by the test suites. */
#include <dirent.h>
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "testutil.h"

const char *testobj(const char *name)
{
	static _Thread_local char buf[4096];

	snprintf(buf, sizeof(buf), "%s/%s.bpf.o", TESTDATA_OBJ, name);
	return buf;
}

const char *testsrc(const char *name)
{
	static _Thread_local char buf[4096];

	snprintf(buf, sizeof(buf), "%s/%s", TESTDATA_SRC, name);
	return buf;
}

/* A raw probe independent of the library under test: load "r0 = 0; exit". */
bool test_have_bpf(void)
{
	static int cached = -1;
	struct ebpf_insn insns[2] = {
		{ .code = EBPF_ALU64 | EBPF_MOV | EBPF_K, .dst_reg = 0, .imm = 0 },
		{ .code = EBPF_JMP | EBPF_EXIT },
	};
	/* The leading fields of union bpf_attr for BPF_PROG_LOAD. */
	struct {
		uint32_t prog_type, insn_cnt;
		uint64_t insns, license;
		uint32_t log_level, log_size;
		uint64_t log_buf;
		uint32_t kern_version, prog_flags;
		/* zeroed up to the size valgrind checks: it reads later fields too */
		uint8_t rest[128];
	} attr;
	int fd;

	if (cached >= 0)
		return cached;
	memset(&attr, 0, sizeof(attr));
	attr.prog_type = EBPF_PROG_TYPE_SOCKET_FILTER;
	attr.insn_cnt = 2;
	attr.insns = (uintptr_t)insns;
	attr.license = (uintptr_t)"GPL";
	fd = syscall(__NR_bpf, 5 /* BPF_PROG_LOAD */, &attr, sizeof(attr));
	cached = fd >= 0;
	if (fd >= 0)
		close(fd);
	return cached;
}

static int skipped;

void test_skip(const char *test, const char *reason)
{
	__atomic_add_fetch(&skipped, 1, __ATOMIC_RELAXED);
	fprintf(stderr, "SKIP %s: %s\n", test, reason);
}

void test_report_skips(const char *kind)
{
	/* With CK_FORK=yes skips happen in children; they printed their own lines. */
	if (skipped)
		fprintf(stderr, "%s suite: %d test(s) SKIPPED (see SKIP lines above)\n", kind, skipped);
}

void *test_read_file(const char *path, size_t *size)
{
	FILE *f = fopen(path, "rb");
	char *buf = NULL;
	size_t cap = 0, len = 0, n;

	ck_assert_msg(f != NULL, "cannot open %s: %s", path, strerror(errno));
	do {
		if (len == cap) {
			cap = cap ? cap * 2 : 65536;
			buf = realloc(buf, cap);
			ck_assert(buf != NULL);
		}
		n = fread(buf + len, 1, cap - len, f);
		len += n;
	} while (n > 0);
	fclose(f);
	*size = len;
	return buf;
}

int test_count_fds(void)
{
	DIR *d = opendir("/proc/self/fd");
	struct dirent *e;
	int n = 0;

	if (!d)
		return -1;
	while ((e = readdir(d)))
		if (e->d_name[0] != '.')
			n++;
	closedir(d);
	return n - 1; /* the DIR's own fd */
}

TCase *test_tcase(const char *name)
{
	TCase *tc = tcase_create(name);

	tcase_set_timeout(tc, 120);
	return tc;
}

Elf64_Shdr *test_shdr_named(void *img, const char *name)
{
	const Elf64_Ehdr *eh = img;
	Elf64_Shdr *sh = (Elf64_Shdr *)((uint8_t *)img + eh->e_shoff);
	const char *names = (const char *)img + sh[eh->e_shstrndx].sh_offset;

	for (unsigned i = 1; i < eh->e_shnum; i++)
		if (strcmp(names + sh[i].sh_name, name) == 0)
			return &sh[i];
	ck_abort_msg("no section %s", name);
	return NULL;
}
