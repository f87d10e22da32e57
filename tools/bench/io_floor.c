// SPDX-License-Identifier: BSD-2-Clause
/*
 * The open's I/O floor: what getting an object's bytes costs before any
 * parsing, measured in the same run as the two loaders, so that the open
 * ratio can be read against the most any loader could reach on this machine.
 *
 * It does what a loader reading through read(2) cannot avoid: open, fstat, one
 * read of a small file (up to 16 KiB, as our open does), or else the ELF and
 * section headers, the section names, and every section a loader uses (all but
 * debug information and the relocations of debug information, .BTF and
 * .BTF.ext), sections less than 8 KiB apart in one read; then close. It reads
 * into one buffer kept across calls, so it pays no allocation and no fresh
 * page faults: a floor, not a loader. Inputs are our own generated objects
 * (64-bit, host byte order): anything else is refused, and the header and name
 * checks keep a damaged file from being read out of bounds.
 */
#include <elf.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "tools/bench/load_bench.h"

#define WHOLE_MAX (16 * 1024)
#define RUN_GAP (8 * 1024)
#define MAX_SECS 256

static uint8_t *buf;
static size_t buf_size;

/* Room for `size` bytes in the kept buffer (grown once per bigger input, outside the measured runs' steady state). */
static uint8_t *room(size_t size)
{
	if (size > buf_size) {
		uint8_t *p = realloc(buf, size);

		if (!p)
			return NULL;
		buf = p;
		buf_size = size;
		memset(buf, 0, size);	/* fault the pages in now */
	}
	return buf;
}

static int read_all(int fd, void *dst, size_t len, uint64_t off)
{
	return pread(fd, dst, len, (off_t)off) == (ssize_t)len ? 0 : -1;
}

/* Whether a loader reads section `sh` (named `name`, of the table `shdrs`). */
static int used(const Elf64_Shdr *sh, const char *name, const Elf64_Shdr *shdrs, const char *names, unsigned n)
{
	const char *target;

	if (sh->sh_type == SHT_NOBITS || sh->sh_type == SHT_NULL || !strncmp(name, ".debug", 6))
		return 0;
	if ((sh->sh_type != SHT_REL && sh->sh_type != SHT_RELA) || sh->sh_info >= n)
		return 1;
	target = names + shdrs[sh->sh_info].sh_name;
	return strncmp(target, ".debug", 6) && strcmp(target, ".BTF") && strcmp(target, ".BTF.ext");
}

static long read_used(int fd, size_t size)
{
	Elf64_Ehdr eh;
	Elf64_Shdr shdrs[MAX_SECS];
	uint64_t start[MAX_SECS], end[MAX_SECS];
	const char *names;
	uint64_t names_size;
	unsigned n, k = 0;
	uint8_t *dst;

	if (read_all(fd, &eh, sizeof(eh), 0) || memcmp(eh.e_ident, ELFMAG, SELFMAG) ||
	    eh.e_ident[EI_CLASS] != ELFCLASS64 || eh.e_shentsize != sizeof(Elf64_Shdr) ||
	    eh.e_shnum > MAX_SECS || eh.e_shstrndx >= eh.e_shnum ||
	    read_all(fd, shdrs, eh.e_shnum * sizeof(Elf64_Shdr), eh.e_shoff))
		return -1;
	n = eh.e_shnum;
	names_size = shdrs[eh.e_shstrndx].sh_size;
	if (!names_size || names_size > size || shdrs[eh.e_shstrndx].sh_offset > size - names_size)
		return -1;
	/* the names, then the runs (together at most the file's size) */
	dst = room(size + names_size);
	if (!dst || read_all(fd, dst, names_size, shdrs[eh.e_shstrndx].sh_offset) || dst[names_size - 1])
		return -1;
	names = (const char *)dst;
	for (unsigned i = 0; i < n; i++)
		if (shdrs[i].sh_name >= names_size)
			return -1;
	/* the used extents, in file order (insertion sort: a few dozen sections) */
	for (unsigned i = 1; i < n; i++) {
		unsigned j;

		if (i == eh.e_shstrndx || !used(&shdrs[i], names + shdrs[i].sh_name, shdrs, names, n))
			continue;
		for (j = k; j > 0 && start[j - 1] > shdrs[i].sh_offset; j--) {
			start[j] = start[j - 1];
			end[j] = end[j - 1];
		}
		start[j] = shdrs[i].sh_offset;
		end[j] = shdrs[i].sh_offset + shdrs[i].sh_size;
		k++;
	}
	dst += names_size;
	for (unsigned i = 0; i < k;) {
		uint64_t s = start[i], e = end[i];

		for (i++; i < k && start[i] <= e + RUN_GAP; i++)
			e = end[i] > e ? end[i] : e;
		if (s > e || e > size || (size_t)(dst - buf) + (e - s) > buf_size || read_all(fd, dst, e - s, s))
			return -1;
		dst += e - s;
	}
	return (long)(dst - buf);
}

__attribute__((noinline)) long io_floor(const char *path)
{
	struct stat st;
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	long got;

	if (fd < 0)
		return -1;
	if (fstat(fd, &st)) {
		close(fd);
		return -1;
	}
	if ((size_t)st.st_size <= WHOLE_MAX)
		got = room(WHOLE_MAX) && !read_all(fd, buf, (size_t)st.st_size, 0) ? (long)st.st_size : -1;
	else
		got = read_used(fd, (size_t)st.st_size);
	close(fd);
	return got;
}
