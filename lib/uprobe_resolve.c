// SPDX-License-Identifier: BSD-2-Clause
/*
 * Uprobe targets: a function name in an ELF binary or shared library → the file
 * offset the uprobe PMU wants. The kernel places uprobes by (inode, file offset),
 * so a symbol's virtual address is translated through the program header that
 * maps it: offset = vaddr - p_vaddr + p_offset. This works alike for ET_EXEC,
 * PIE executables and shared libraries, whatever their load bias.
 */
#include <errno.h>
#include <fcntl.h>
#include <gelf.h>
#include <libelf.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "lib/alloc.h"
#include "lib/error.h"
#include "lib/link_internal.h"

/* "getpid" matches "getpid" and versioned .symtab names like "getpid@@GLIBC_2.2.5". */
static bool sym_name_matches(const char *sym, const char *want, size_t want_len)
{
	if (strncmp(sym, want, want_len) != 0)
		return false;
	return sym[want_len] == '\0' || sym[want_len] == '@';
}

struct sym_search {
	const char *path;
	const char *name;
	size_t name_len;
	bool found;
	bool exact;		/* the match found was not a versioned alias */
	GElf_Addr addr;
};

/*
 * Look for a defined function symbol in one symbol table. Several symbols with
 * the same name but different addresses (e.g. two versions of a libc function)
 * are ambiguous unless exactly one is the unversioned/default name.
 */
static int search_symtab(Elf *elf, Elf_Scn *scn, const GElf_Shdr *sh, struct sym_search *s)
{
	Elf_Data *data = elf_getdata(scn, NULL);
	size_t i, n;

	if (!data || sh->sh_entsize == 0)
		return 0;
	n = data->d_size / sh->sh_entsize;
	for (i = 1; i < n; i++) {
		GElf_Sym sym;
		const char *nm;
		bool exact;
		int type;

		if (!gelf_getsym(data, (int)i, &sym))
			continue;
		type = GELF_ST_TYPE(sym.st_info);
		if (type != STT_FUNC && type != STT_GNU_IFUNC)
			continue;
		if (sym.st_shndx == SHN_UNDEF || sym.st_value == 0)
			continue;
		nm = elf_strptr(elf, sh->sh_link, sym.st_name);
		if (!nm || !sym_name_matches(nm, s->name, s->name_len))
			continue;
		exact = nm[s->name_len] == '\0' || strncmp(nm + s->name_len, "@@", 2) == 0;
		if (!s->found) {
			s->found = true;
			s->exact = exact;
			s->addr = sym.st_value;
			continue;
		}
		if (sym.st_value == s->addr)
			continue;
		if (exact && !s->exact) {	/* the default version wins over old ones */
			s->exact = true;
			s->addr = sym.st_value;
			continue;
		}
		if (!exact && s->exact)
			continue;
		return eb_err(-ENOTUNIQ, "binary '%s': symbol '%s' is ambiguous (0x%llx and 0x%llx)",
			      s->path, s->name, (unsigned long long)s->addr,
			      (unsigned long long)sym.st_value);
	}
	return 0;
}

/* Find `name` in .symtab first (full, unstripped), then in .dynsym. */
static int find_symbol(Elf *elf, struct sym_search *s)
{
	static const Elf64_Word order[] = { SHT_SYMTAB, SHT_DYNSYM };
	size_t k;

	for (k = 0; k < sizeof(order) / sizeof(order[0]); k++) {
		Elf_Scn *scn = NULL;

		while ((scn = elf_nextscn(elf, scn))) {
			GElf_Shdr sh;
			int err;

			if (!gelf_getshdr(scn, &sh) || sh.sh_type != order[k])
				continue;
			err = search_symtab(elf, scn, &sh, s);
			if (err)
				return err;
		}
		if (s->found)
			return 0;
	}
	return eb_err(-ENOENT, "binary '%s': function '%s' not found in .symtab or .dynsym "
		      "(a stripped binary keeps only exported functions: check the name with "
		      "'nm -D', or attach by offset)", s->path, s->name);
}

/* Translate a virtual address to a file offset through the PT_LOAD segment holding it. */
static int vaddr_to_offset(Elf *elf, const char *path, GElf_Addr addr, uint64_t *offset)
{
	size_t i, phnum;

	if (elf_getphdrnum(elf, &phnum))
		return eb_err(-EINVAL, "binary '%s': cannot read program headers: %s", path,
			      elf_errmsg(-1));
	for (i = 0; i < phnum; i++) {
		GElf_Phdr ph;

		if (!gelf_getphdr(elf, (int)i, &ph) || ph.p_type != PT_LOAD)
			continue;
		if (addr < ph.p_vaddr || addr - ph.p_vaddr >= ph.p_filesz)
			continue;
		if (ph.p_offset > UINT64_MAX - (addr - ph.p_vaddr))
			break;
		*offset = addr - ph.p_vaddr + ph.p_offset;
		return 0;
	}
	return eb_err(-ENOENT, "binary '%s': address 0x%llx is in no loadable segment", path,
		      (unsigned long long)addr);
}

int eb_uprobe_resolve(const char *path, const char *func, uint64_t *offset)
{
	struct sym_search s = { .path = path, .name = func };
	GElf_Ehdr eh;
	Elf *elf;
	int fd, err;

	if (!path || !func || !*func || !offset)
		return eb_err(-EINVAL, "uprobe: binary path and function name are required");
	s.name_len = strlen(func);
	if (elf_version(EV_CURRENT) == EV_NONE)
		return eb_err(-EINVAL, "libelf: %s", elf_errmsg(-1));
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		err = -errno;
		return eb_err(err, "binary '%s': %s", path, strerror(-err));
	}
	elf = elf_begin(fd, ELF_C_READ_MMAP, NULL);
	if (!elf || elf_kind(elf) != ELF_K_ELF || !gelf_getehdr(elf, &eh)) {
		err = eb_err(-EINVAL, "binary '%s': not an ELF file", path);
		goto out;
	}
	if (eh.e_type != ET_EXEC && eh.e_type != ET_DYN) {
		err = eb_err(-EINVAL, "binary '%s': not an executable or shared library", path);
		goto out;
	}
	err = find_symbol(elf, &s);
	if (!err)
		err = vaddr_to_offset(elf, path, s.addr, offset);
out:
	elf_end(elf);
	close(fd);
	return err;
}

/* Directories searched for a bare library name such as "libc.so.6". */
static const char *const lib_dirs[] = {
	"/lib64", "/usr/lib64", "/lib/x86_64-linux-gnu", "/usr/lib/x86_64-linux-gnu",
	"/lib/aarch64-linux-gnu", "/usr/lib/aarch64-linux-gnu", "/lib", "/usr/lib",
};

static bool try_dir(const char *dir, size_t dlen, const char *name, char *out, size_t out_sz)
{
	int n = snprintf(out, out_sz, "%.*s/%s", (int)dlen, dir, name);

	return n > 0 && (size_t)n < out_sz && access(out, R_OK) == 0;
}

/* Search a ':'-separated list of directories. */
static bool try_path_list(const char *list, const char *name, char *out, size_t out_sz)
{
	while (list && *list) {
		const char *end = strchr(list, ':');
		size_t len = end ? (size_t)(end - list) : strlen(list);

		if (len && try_dir(list, len, name, out, out_sz))
			return true;
		list = end ? end + 1 : NULL;
	}
	return false;
}

int eb_uprobe_find_binary(const char *name, char *out, size_t out_sz)
{
	size_t i;

	if (!name || !*name)
		return eb_err(-EINVAL, "uprobe: empty binary path");
	if (strchr(name, '/')) {
		if (strlen(name) >= out_sz)
			return eb_err(-ENAMETOOLONG, "binary '%s': path too long", name);
		strcpy(out, name);
		return 0;
	}
	if (strstr(name, ".so")) {
		if (try_path_list(getenv("LD_LIBRARY_PATH"), name, out, out_sz))
			return 0;
		for (i = 0; i < sizeof(lib_dirs) / sizeof(lib_dirs[0]); i++)
			if (try_dir(lib_dirs[i], strlen(lib_dirs[i]), name, out, out_sz))
				return 0;
	} else if (try_path_list(getenv("PATH"), name, out, out_sz)) {
		return 0;
	}
	return eb_err(-ENOENT, "binary '%s': not found in %s", name,
		      strstr(name, ".so") ? "the library directories" : "PATH");
}

/*
 * The path handed to the kernel: symlinks such as /proc/self/exe resolved here,
 * in user space, so the file whose symbols we read is the file the kernel probes.
 * (Under valgrind, the kernel's /proc/self/exe is the tool, not the program.)
 */
int eb_uprobe_real_path(const char *path, char *out, size_t out_sz)
{
	char *real = realpath(path, NULL);

	if (!real)
		return eb_err(-errno, "binary '%s': %s", path, strerror(errno));
	if (strlen(real) >= out_sz) {
		free(real);
		return eb_err(-ENAMETOOLONG, "binary '%s': path too long", path);
	}
	strcpy(out, real);
	free(real);
	return 0;
}
