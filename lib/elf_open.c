// SPDX-License-Identifier: BSD-2-Clause
/*
 * ELF64 container: header, section headers, section names and the symbol table,
 * in either byte order. Every offset, size, index and string is checked against
 * the bytes we were given before anything else reads it, so later stages can
 * index sections and symbols freely.
 *
 * We read the format directly rather than through libelf: the subset a BPF
 * relocatable object uses is small, and doing it ourselves lets every error say
 * exactly which section or symbol is wrong.
 */
#include <elf.h>
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "lib/alloc.h"
#include "lib/elf_reader.h"
#include "lib/error.h"

#ifndef EM_BPF
#define EM_BPF 247
#endif

static bool host_is_le(void)
{
	const uint16_t one = 1;

	return *(const uint8_t *)&one == 1;
}

static uint16_t eb_elf_u16(const struct eb_elf *e, const void *p)
{
	uint16_t v;

	memcpy(&v, p, sizeof(v));
	return e->swap ? __builtin_bswap16(v) : v;
}

uint32_t eb_elf_u32(const struct eb_elf *e, const void *p)
{
	uint32_t v;

	memcpy(&v, p, sizeof(v));
	return e->swap ? __builtin_bswap32(v) : v;
}

uint64_t eb_elf_u64(const struct eb_elf *e, const void *p)
{
	uint64_t v;

	memcpy(&v, p, sizeof(v));
	return e->swap ? __builtin_bswap64(v) : v;
}

#define RD(e, ptr, type, field)                                                    \
	(sizeof(((type *)0)->field) == 8 ? eb_elf_u64(e, (const uint8_t *)(ptr) + offsetof(type, field)) : \
	 sizeof(((type *)0)->field) == 4 ? eb_elf_u32(e, (const uint8_t *)(ptr) + offsetof(type, field)) : \
	 sizeof(((type *)0)->field) == 2 ? eb_elf_u16(e, (const uint8_t *)(ptr) + offsetof(type, field)) : \
					   *((const uint8_t *)(ptr) + offsetof(type, field)))

void eb_elf_reset(struct eb_elf *e)
{
	memset(e, 0, offsetof(struct eb_elf, scr_inline));
	e->scr_pos = (uint8_t *)e->scr_inline;
	e->scr_end = e->scr_pos + sizeof(e->scr_inline);
}

/* Heap chunks of scratch: at least this big, headed by the link to the previous chunk. */
#define SCRATCH_CHUNK (4 * 1024)
#define SCRATCH_HDR 16

static size_t scratch_room(const struct eb_elf *e)
{
	return (size_t)(e->scr_end - e->scr_pos);
}

void *eb_elf_scratch(struct eb_elf *e, size_t n, size_t elem)
{
	size_t size, cap;
	uint8_t *c;

	if ((elem && n > SIZE_MAX / elem) || n * elem > SIZE_MAX - SCRATCH_CHUNK) {
		eb_err(-ENOMEM, "out of memory");
		return NULL;
	}
	size = (n * elem + 7) & ~(size_t)7;
	if (size <= scratch_room(e)) {
		c = e->scr_pos;
		e->scr_pos += size;
		return c;
	}
	cap = size > SCRATCH_CHUNK - SCRATCH_HDR ? size : SCRATCH_CHUNK - SCRATCH_HDR;
	c = eb_malloc(SCRATCH_HDR + cap);
	if (!c)
		return NULL;
	memcpy(c, &e->scr_chunks, sizeof(void *));
	e->scr_chunks = c;
	c += SCRATCH_HDR;
	/* Bump from whichever area has more room left (a big request leaves the old one current). */
	if (cap - size > scratch_room(e)) {
		e->scr_pos = c + size;
		e->scr_end = c + cap;
	}
	return c;
}

int eb_elf_scratch_grow(struct eb_elf *e, void **arr, size_t *cap, size_t need, size_t elem)
{
	size_t old = (*cap * elem + 7) & ~(size_t)7, ncap;
	void *p;

	if (need <= *cap)
		return 0;
	ncap = *cap ? *cap : 8;
	while (ncap < need) {
		if (ncap > SIZE_MAX / 4)
			return -ENOMEM;
		ncap *= 2;
	}
	if (elem && ncap > SIZE_MAX / 2 / elem)
		return -ENOMEM;
	/* The last thing handed out grows where it is when the area has room (all 8-aligned). */
	if (*arr && (uint8_t *)*arr + old == e->scr_pos &&
	    ((ncap * elem + 7) & ~(size_t)7) - old <= scratch_room(e)) {
		e->scr_pos = (uint8_t *)*arr + ((ncap * elem + 7) & ~(size_t)7);
		*cap = ncap;
		return 0;
	}
	p = eb_elf_scratch(e, ncap, elem);
	if (!p)
		return -ENOMEM;
	if (*cap)
		memcpy(p, *arr, *cap * elem);
	*arr = p;
	*cap = ncap;
	return 0;
}

/* Whether [off, off+len) lies inside a buffer of `size` bytes, without overflow. */
static bool in_bounds(uint64_t off, uint64_t len, uint64_t size)
{
	return off <= size && len <= size - off;
}

/* Whether string section `idx` has contents whose last byte is a NUL. */
static bool table_terminated(const struct eb_elf *e, uint32_t idx)
{
	const struct eb_elf_sec *s = &e->secs[idx];

	return s->data && s->size && s->data[s->size - 1] == '\0';
}

/* Whether section `i` has contents in the file (NOBITS and NULL sections have none). */
static bool has_file_bytes(uint32_t i, const struct eb_elf_sec *s)
{
	return i != 0 && s->type != SHT_NOBITS && s->type != SHT_NULL;
}

/*
 * The ELF header `eh` (sizeof(Elf64_Ehdr) bytes of a `e->size`-byte file): byte
 * order, type, machine and where the section headers are. *shnum and *shstrndx
 * may still be escapes into section header 0 (see resolve_counts).
 */
static int read_header(struct eb_elf *e, const uint8_t *eh, uint64_t *shoff, uint32_t *shnum, uint32_t *shstrndx)
{
	uint16_t type, machine, shentsize;

	if (e->size < sizeof(Elf64_Ehdr))
		return eb_err(-EINVAL, "%s: truncated ELF header (%zu bytes, need %zu)", e->obj, e->size,
			      sizeof(Elf64_Ehdr));
	if (memcmp(eh, ELFMAG, SELFMAG) != 0)
		return eb_err(-EINVAL, "%s: not an ELF file (bad magic)", e->obj);
	if (eh[EI_CLASS] != ELFCLASS64)
		return eb_err(-EINVAL, "%s: not a 64-bit ELF object (class %u)", e->obj, eh[EI_CLASS]);
	if (eh[EI_DATA] != ELFDATA2LSB && eh[EI_DATA] != ELFDATA2MSB)
		return eb_err(-EINVAL, "%s: unknown ELF byte order %u", e->obj, eh[EI_DATA]);
	e->swap = (eh[EI_DATA] == ELFDATA2LSB) != host_is_le();

	type = RD(e, eh, Elf64_Ehdr, e_type);
	machine = RD(e, eh, Elf64_Ehdr, e_machine);
	if (type != ET_REL)
		return eb_err(-EINVAL, "%s: ELF type %u is not a relocatable object (ET_REL)", e->obj, type);
	if (machine != EM_BPF && machine != EM_NONE)
		return eb_err(-EINVAL, "%s: ELF machine %u is not BPF", e->obj, machine);

	*shoff = RD(e, eh, Elf64_Ehdr, e_shoff);
	*shnum = RD(e, eh, Elf64_Ehdr, e_shnum);
	*shstrndx = RD(e, eh, Elf64_Ehdr, e_shstrndx);
	shentsize = RD(e, eh, Elf64_Ehdr, e_shentsize);
	if (*shoff == 0)
		return eb_err(-EINVAL, "%s: no section header table", e->obj);
	if (shentsize != sizeof(Elf64_Shdr))
		return eb_err(-EINVAL, "%s: section header size %u, expected %zu", e->obj, shentsize,
			      sizeof(Elf64_Shdr));
	if (!in_bounds(*shoff, sizeof(Elf64_Shdr), e->size))
		return eb_err(-EINVAL, "%s: section header table at offset %llu is outside the file (%zu bytes)",
			      e->obj, (unsigned long long)*shoff, e->size);
	return 0;
}

/* Large section counts and string-table indices live in section header 0 (`sh0`). */
static int resolve_counts(struct eb_elf *e, const uint8_t *sh0, uint64_t shoff, uint32_t *shnum,
			  uint32_t *shstrndx)
{
	if (*shnum == 0)
		*shnum = RD(e, sh0, Elf64_Shdr, sh_size) > UINT32_MAX ? UINT32_MAX
								      : (uint32_t)RD(e, sh0, Elf64_Shdr, sh_size);
	if (*shstrndx == SHN_XINDEX)
		*shstrndx = RD(e, sh0, Elf64_Shdr, sh_link);
	if (*shnum > (e->size - shoff) / sizeof(Elf64_Shdr))
		return eb_err(-EINVAL, "%s: %u section headers at offset %llu overflow the file (%zu bytes)",
			      e->obj, *shnum, (unsigned long long)shoff, e->size);
	if (*shstrndx == SHN_UNDEF || *shstrndx >= *shnum)
		return eb_err(-EINVAL, "%s: bad section index %u for section names (%u sections)", e->obj,
			      *shstrndx, *shnum);
	return 0;
}

/* Section header `i` of `shdrs` in host order: one copy, fields swapped only in the other byte order. */
static void load_shdr(const struct eb_elf *e, const uint8_t *shdrs, uint32_t i, Elf64_Shdr *sh)
{
	memcpy(sh, shdrs + (size_t)i * sizeof(*sh), sizeof(*sh));
	if (e->swap) {
		sh->sh_name = __builtin_bswap32(sh->sh_name);
		sh->sh_type = __builtin_bswap32(sh->sh_type);
		sh->sh_flags = __builtin_bswap64(sh->sh_flags);
		sh->sh_offset = __builtin_bswap64(sh->sh_offset);
		sh->sh_size = __builtin_bswap64(sh->sh_size);
		sh->sh_link = __builtin_bswap32(sh->sh_link);
		sh->sh_info = __builtin_bswap32(sh->sh_info);
		sh->sh_entsize = __builtin_bswap64(sh->sh_entsize);
	}
}

static int extent_error(const struct eb_elf *e, uint32_t i, uint64_t off, uint64_t size)
{
	return eb_err(-EINVAL, "%s: section %u: contents at offset %llu size %llu are outside the file (%zu bytes)",
		      e->obj, i, (unsigned long long)off, (unsigned long long)size, e->size);
}

/*
 * The header of the section-name table (section `shstrndx` of `shdrs`): a
 * string table inside the file, read before the other sections because the
 * one pass over them (scan_sections) names and classifies each.
 */
static int names_header(struct eb_elf *e, const uint8_t *shdrs, uint32_t shstrndx, Elf64_Shdr *sh)
{
	load_shdr(e, shdrs, shstrndx, sh);
	if (sh->sh_type != SHT_STRTAB)
		return eb_err(-EINVAL, "%s: section %u holding section names is not a string table", e->obj,
			      shstrndx);
	if (!in_bounds(sh->sh_offset, sh->sh_size, e->size))
		return extent_error(e, shstrndx, sh->sh_offset, sh->sh_size);
	return 0;
}

/*
 * The slot of a special section named `n`, or NULL. A switch on the first
 * character leaves at most one strcmp per section (a chain of strcmp calls per
 * section was most of the cost of opening a small object).
 */
static uint32_t *special_slot(struct eb_elf *e, const char *n)
{
	switch (n[0]) {
	case '.':
		if (n[1] == 'B')
			return strcmp(n, ".BTF") == 0 ? &e->btf_sec : strcmp(n, ".BTF.ext") == 0 ? &e->btf_ext_sec : NULL;
		return n[1] == 'm' && strcmp(n, ".maps") == 0 ? &e->maps_sec : NULL;
	case 'l':
		return strcmp(n, "license") == 0 ? &e->license_sec : NULL;
	case 'v':
		return strcmp(n, "version") == 0 ? &e->version_sec : NULL;
	case 'm':
		return strcmp(n, "maps") == 0 ? &e->legacy_maps_sec : NULL;
	default:
		return NULL;
	}
}

/* Whether `name` is `pfx` (of `len` characters) alone or followed by '.' and more. */
static bool is_prefix_sec(const char *name, const char *pfx, size_t len)
{
	return memcmp(name, pfx, len) == 0 && (name[len] == '\0' || name[len] == '.');
}

/* Whether a section name is a global-data section (.data*, .rodata*, .bss*). */
static bool is_data_sec(const char *name)
{
	/* One look at the second character picks the only candidate (names are NUL-terminated). */
	if (name[0] != '.')
		return false;
	switch (name[1]) {
	case 'd':
		return is_prefix_sec(name, ".data", 5);
	case 'r':
		return is_prefix_sec(name, ".rodata", 7);
	case 'b':
		return is_prefix_sec(name, ".bss", 4);
	default:
		return false;
	}
}

/*
 * What section `i` (its header already in `s`) is to us, and where the special
 * ones are; appended to the list of its kind. `has_bytes`: it has contents in
 * the file (not NOBITS or NULL).
 */
static int classify(struct eb_elf *e, uint32_t i, struct eb_elf_sec *s, bool has_bytes)
{
	uint32_t *special;

	/* Relocation sections are listed (and the symbol table found) whatever their name. */
	if (s->type == SHT_REL || s->type == SHT_RELA) {
		e->rel_secs[e->rel_sec_cnt++] = i;
	} else if (s->type == SHT_SYMTAB) {
		if (!e->symtab_cnt++)
			e->symtab = i;
	}
	special = special_slot(e, s->name);
	if (special) {
		if (*special)
			return eb_err(-EINVAL, "%s: duplicate section '%s'", e->obj, s->name);
		/* .BTF, .BTF.ext, license and version stay OTHER: their own stages read them */
		if (special == &e->maps_sec) {
			s->kind = EB_ELF_SEC_MAPS;
		} else {
			if (special == &e->legacy_maps_sec)
				s->kind = EB_ELF_SEC_LEGACY_MAPS;
			/* NOBITS, or a typeless (SHT_NULL) header: no bytes in the file. */
			if (!has_bytes && (s->type == SHT_NOBITS || s->size))
				return eb_err(-EINVAL, "%s: section '%s' has no contents", e->obj, s->name);
			if (special != &e->legacy_maps_sec && special != &e->version_sec && has_bytes)
				e->kept_secs[e->kept_sec_cnt++] = i;
		}
		*special = i;
	} else if (s->type == SHT_PROGBITS && (s->flags & SHF_EXECINSTR)) {
		/* Empty executable sections (no functions) carry nothing to load. */
		if (!s->size)
			return 0;
		s->kind = EB_ELF_SEC_TEXT;
		e->text_secs[e->text_sec_cnt++] = i;
		e->kept_secs[e->kept_sec_cnt++] = i;
	} else if ((s->flags & SHF_ALLOC) && (s->type == SHT_PROGBITS || s->type == SHT_NOBITS) &&
		   is_data_sec(s->name)) {
		s->kind = EB_ELF_SEC_DATA;
		e->data_secs[e->data_sec_cnt++] = i;
		if (has_bytes)
			e->kept_secs[e->kept_sec_cnt++] = i;
	} else {
		return 0;
	}
	s->text = -1;
	s->map = -1;
	if (s->kind != EB_ELF_SEC_OTHER && (s->flags & SHF_COMPRESSED))
		return eb_err(-EINVAL, "%s: section '%s' is compressed, which is not supported", e->obj, s->name);
	return 0;
}

/* A 32-bit field of a header in host order (scan_sections() and eb_elf_read_symbols() brought foreign ones to it). */
static inline uint32_t ld32(const uint8_t *p)
{
	uint32_t v;

	memcpy(&v, p, sizeof(v));
	return v;
}

/* The record's header fields lie where Elf64_Shdr has them: scan_range() copies each header whole. */
_Static_assert(sizeof(enum eb_elf_sec_kind) == 4 && offsetof(struct eb_elf_sec, kind) == offsetof(Elf64_Shdr, sh_name),
	       "kind over sh_name");
_Static_assert(offsetof(struct eb_elf_sec, type) == offsetof(Elf64_Shdr, sh_type) &&
		       offsetof(struct eb_elf_sec, flags) == offsetof(Elf64_Shdr, sh_flags) &&
		       offsetof(struct eb_elf_sec, name) == offsetof(Elf64_Shdr, sh_addr) &&
		       offsetof(struct eb_elf_sec, file_off) == offsetof(Elf64_Shdr, sh_offset) &&
		       offsetof(struct eb_elf_sec, size) == offsetof(Elf64_Shdr, sh_size) &&
		       offsetof(struct eb_elf_sec, link) == offsetof(Elf64_Shdr, sh_link) &&
		       offsetof(struct eb_elf_sec, info) == offsetof(Elf64_Shdr, sh_info) &&
		       offsetof(struct eb_elf_sec, text) == offsetof(Elf64_Shdr, sh_addralign) &&
		       offsetof(struct eb_elf_sec, entsize) == offsetof(Elf64_Shdr, sh_entsize) &&
		       offsetof(struct eb_elf_sec, data) == sizeof(Elf64_Shdr),
	       "struct eb_elf_sec is laid out over Elf64_Shdr");
_Static_assert(offsetof(struct eb_elf_sym, ext) == offsetof(Elf64_Sym, st_name) &&
		       offsetof(struct eb_elf_sym, bind) == offsetof(Elf64_Sym, st_info) &&
		       offsetof(struct eb_elf_sym, type) == offsetof(Elf64_Sym, st_other) &&
		       offsetof(struct eb_elf_sym, shndx) == offsetof(Elf64_Sym, st_shndx) &&
		       offsetof(struct eb_elf_sym, value) == offsetof(Elf64_Sym, st_value) &&
		       offsetof(struct eb_elf_sym, size) == offsetof(Elf64_Sym, st_size) &&
		       offsetof(struct eb_elf_sym, name) == sizeof(Elf64_Sym),
	       "struct eb_elf_sym is laid out over Elf64_Sym");

/*
 * Sections [1, e->sec_cnt) of scan_sections(), headers in host order: each
 * header is copied whole into its record (the fields we keep are where
 * Elf64_Shdr has them), and the sections most of an object is are settled
 * by one test before classify().
 */
static int scan_range(struct eb_elf *e, const uint8_t *shdrs, const uint8_t *names, uint64_t names_size,
		      bool terminated)
{
	/* In locals: the stores below could alias e's fields, which the compiler would then reload. */
	/* 0 for eb_elf_open_fd(), which clears the data pointers after the scan (no test per section here). */
	const uintptr_t base = (uintptr_t)e->buf;
	const uint64_t size = e->size;
	const uint32_t n = e->sec_cnt;
	struct eb_elf_sec *const secs = e->secs;
	/* Offsets below this name a NUL-terminated string with no search (all of them in a terminated table). */
	const uint64_t names_ok = terminated ? names_size : 0;

	for (uint32_t i = 1; i < n; i++) {
		const uint8_t *raw = shdrs + (size_t)i * sizeof(Elf64_Shdr);
		struct eb_elf_sec *s = &secs[i];
		const uint32_t name = ld32(raw + offsetof(Elf64_Shdr, sh_name));
		int err;

		memcpy(s, raw, sizeof(Elf64_Shdr));
		s->kind = EB_ELF_SEC_OTHER;
		s->data = NULL;
		if (s->type != SHT_NOBITS && s->type != SHT_NULL) {
			if (!in_bounds(s->file_off, s->size, size))
				return extent_error(e, i, s->file_off, s->size);
			s->data = (const uint8_t *)(base + (uintptr_t)s->file_off);
		}
		if (name >= names_ok && (name >= names_size || !memchr(names + name, '\0', names_size - name)))
			return eb_err(-EINVAL, "%s: section %u: name offset %u is out of range of the string table",
				      e->obj, i, name);
		s->name = (const char *)names + name;
		/*
		 * What classify() concludes, in one test, for the sections most of
		 * an object is (.debug_*, .rel* of any section, .strtab,
		 * .llvm_addrsig): a '.' name that no special section has (none
		 * starts ".B" or ".m" here), neither allocated nor executable (so
		 * neither code nor data), and not the symbol table.
		 */
		if (s->name[0] == '.' && s->name[1] != 'B' && s->name[1] != 'm' &&
		    !(s->flags & (SHF_ALLOC | SHF_EXECINSTR)) && s->type != SHT_SYMTAB) {
			/*
			 * Relocations of a section already seen to be nothing of
			 * ours (debug info, .BTF, .BTF.ext) are not listed: no
			 * stage reads them, and each stage would skip them again.
			 */
			if ((s->type == SHT_REL || s->type == SHT_RELA) &&
			    (s->info >= i || secs[s->info].kind != EB_ELF_SEC_OTHER))
				e->rel_secs[e->rel_sec_cnt++] = i;
			continue;
		}
		err = classify(e, i, s, s->type != SHT_NOBITS && s->type != SHT_NULL);
		if (err)
			return err;
	}
	return 0;
}

/*
 * The one pass over the section headers `shdrs` (e->sec_cnt of them): every
 * field, each section's file extent checked against the file size, its name
 * from `names` (`names_size` bytes: the section-name table's contents) and
 * what it is to us (classify). Contents are attached from e->buf when the
 * whole object is in memory (else read later: eb_elf_open_fd). One pass
 * because objects carry many debug sections, which cost little this way.
 */
static int scan_sections(struct eb_elf *e, const uint8_t *shdrs, const uint8_t *names, uint64_t names_size)
{
	const bool terminated = names && names_size && names[names_size - 1] == '\0';
	const uint32_t n = e->sec_cnt;
	/*
	 * One block for the section records and the four lists (88 bytes a
	 * section, 8-aligned); sec_cnt (>= 1: resolve_counts) is bounded by the
	 * file size. Every field of every record is written (section 0 here, the
	 * others by scan_range): no zeroing.
	 */
	uint8_t *block = eb_elf_scratch(e, n, sizeof(*e->secs) + 4 * sizeof(uint32_t));
	uint32_t *lists;

	if (!block)
		return -ENOMEM;
	e->secs = (struct eb_elf_sec *)block;
	lists = (uint32_t *)(block + (size_t)n * sizeof(*e->secs));
	e->text_secs = lists;
	e->data_secs = lists + n;
	e->rel_secs = lists + (size_t)n * 2;
	e->kept_secs = lists + (size_t)n * 3;
	/* A foreign-order table is read through a host-order copy: one loop serves both orders. */
	if (e->swap) {
		Elf64_Shdr *host = eb_elf_scratch(e, n, sizeof(*host));

		if (!host)
			return -ENOMEM;
		for (uint32_t i = 0; i < n; i++)
			load_shdr(e, shdrs, i, &host[i]);
		shdrs = (const uint8_t *)host;
	}
	/* Section 0 is the null header (or holds the escaped counts): nothing of it is used. */
	memcpy(e->secs, shdrs, sizeof(Elf64_Shdr));
	e->secs[0].kind = EB_ELF_SEC_OTHER;
	e->secs[0].name = "";
	e->secs[0].data = NULL;
	return scan_range(e, shdrs, names, names_size, terminated);
}

static int check_sym_section(struct eb_elf *e, uint32_t idx, const struct eb_elf_sym *s)
{
	const struct eb_elf_sec *sec;

	if (s->shndx == SHN_UNDEF || s->shndx == SHN_ABS || s->shndx == SHN_COMMON)
		return 0;
	if (s->shndx >= e->sec_cnt)
		return eb_err(-EINVAL, "%s: symbol %u '%s': bad section index %u (%u sections)", e->obj, idx,
			      s->name, s->shndx, e->sec_cnt);
	sec = &e->secs[s->shndx];
	if (s->type == STT_SECTION || s->type == STT_FILE)
		return 0;
	if (!in_bounds(s->value, s->size, sec->size))
		return eb_err(-EINVAL,
			      "%s: symbol '%s': value %llu size %llu is outside its section '%s' (%llu bytes)",
			      e->obj, s->name, (unsigned long long)s->value, (unsigned long long)s->size,
			      sec->name, (unsigned long long)sec->size);
	return 0;
}

/*
 * Every entry of symbol table `st` (names in section `strtab`) into e->syms,
 * checked, collecting e->func_syms, e->obj_syms and e->undef_cnt on the way.
 * The hot loop of opening an object with many functions: it keeps what it
 * reads in locals and checks names against a final NUL found once.
 */
static int read_symbol_entries(struct eb_elf *e, const uint8_t *table, uint32_t strtab)
{
	/* In locals: the stores below could alias e's fields, which the compiler would then reload. */
	const uint8_t *const strs = e->secs[strtab].data;
	const uint64_t strs_size = strs ? e->secs[strtab].size : 0;
	/* Offsets below this name a NUL-terminated string with no search (all of them in a terminated table). */
	const uint64_t names_ok = table_terminated(e, strtab) ? strs_size : 0;
	const uint32_t sec_cnt = e->sec_cnt, sym_cnt = e->sym_cnt;
	/* Indices 1 .. plain_cnt are sections, none of them reserved (sec_cnt >= 1). */
	const uint32_t plain_cnt = (sec_cnt < SHN_LORESERVE ? sec_cnt : SHN_LORESERVE) - 1;
	const struct eb_elf_sec *const secs = e->secs;
	struct eb_elf_sym *const syms = e->syms, **const funcs = e->func_syms, **const objs = e->obj_syms;
	uint32_t nfunc = 0, nobj = 0, nundef = 0;

	for (uint32_t i = 0; i < sym_cnt; i++) {
		struct eb_elf_sym *s = &syms[i];
		const uint8_t *raw = table + (size_t)i * sizeof(Elf64_Sym);
		const uint32_t name = ld32(raw + offsetof(Elf64_Sym, st_name));
		const uint8_t info = raw[offsetof(Elf64_Sym, st_info)];

		memcpy(s, raw, sizeof(Elf64_Sym));
		s->ext = -1;
		s->bind = ELF64_ST_BIND(info);
		s->type = ELF64_ST_TYPE(info);
		if (name >= names_ok && (name >= strs_size || !memchr(strs + name, '\0', strs_size - name)))
			return eb_err(-EINVAL, "%s: symbol %u: name offset %u is out of range of the string table",
				      e->obj, i, name);
		s->name = (const char *)strs + name;
		/*
		 * An ordinary section index (below both the section count and
		 * the reserved range) passes one test; the others take the
		 * checks in check_sym_section()'s order, with its messages.
		 */
		if (s->shndx - 1u >= plain_cnt) {
			if (s->shndx == SHN_XINDEX)
				return eb_err(-EINVAL, "%s: symbol '%s': extended section indices are not supported",
					      e->obj, s->name);
			if (s->shndx == SHN_UNDEF) {
				nundef += i && s->name[0] && (s->bind == STB_GLOBAL || s->bind == STB_WEAK);
				continue;
			}
			if (s->shndx == SHN_ABS || s->shndx == SHN_COMMON)
				continue;
			if (s->shndx >= sec_cnt)
				return check_sym_section(e, i, s);
		}
		if (s->type == STT_SECTION || s->type == STT_FILE)
			continue;
		if (!in_bounds(s->value, s->size, secs[s->shndx].size))
			return check_sym_section(e, i, s);
		if (i == 0)
			continue;
		if (s->type == STT_FUNC && secs[s->shndx].kind == EB_ELF_SEC_TEXT)
			funcs[nfunc++] = s;
		else if (s->type == STT_OBJECT)
			objs[nobj++] = s;
	}
	e->func_sym_cnt = nfunc;
	e->obj_sym_cnt = nobj;
	e->undef_cnt = nundef;
	return 0;
}

int eb_elf_read_symbols(struct eb_elf *e)
{
	const struct eb_elf_sec *st;
	const uint8_t *table;
	uint32_t strtab, n;
	uint8_t *block;

	/* scan_sections() found and counted them. */
	if (e->symtab_cnt > 1)
		return eb_err(-EINVAL, "%s: more than one symbol table", e->obj);
	if (!e->symtab)
		return eb_err(-EINVAL, "%s: no symbol table (.symtab)", e->obj);
	st = &e->secs[e->symtab];
	if (st->entsize != sizeof(Elf64_Sym) || st->size % sizeof(Elf64_Sym))
		return eb_err(-EINVAL, "%s: symbol table: entry size %llu / size %llu is not a multiple of %zu",
			      e->obj, (unsigned long long)st->entsize, (unsigned long long)st->size,
			      sizeof(Elf64_Sym));
	strtab = st->link;
	if (strtab == 0 || strtab >= e->sec_cnt || e->secs[strtab].type != SHT_STRTAB)
		return eb_err(-EINVAL, "%s: symbol table: bad section index %u for its string table", e->obj,
			      strtab);
	e->strtab = strtab;
	if (st->size / sizeof(Elf64_Sym) > UINT32_MAX)
		return eb_err(-EINVAL, "%s: symbol table: too many symbols", e->obj);
	n = e->sym_cnt = (uint32_t)(st->size / sizeof(Elf64_Sym));
	/*
	 * One block: the records (every field written below: no zeroing), the
	 * function and variable lists, and for a foreign-order table a host-order
	 * copy of it, so that one loop serves both orders.
	 */
	block = eb_elf_scratch(e, n ? n : 1,
			       sizeof(*e->syms) + 2 * sizeof(struct eb_elf_sym *) + (e->swap ? sizeof(Elf64_Sym) : 0));
	if (!block)
		return -ENOMEM;
	e->syms = (struct eb_elf_sym *)block;
	e->func_syms = (struct eb_elf_sym **)(e->syms + (n ? n : 1));
	e->obj_syms = e->func_syms + (n ? n : 1);
	table = st->data;
	if (e->swap) {
		Elf64_Sym *host = (Elf64_Sym *)(e->obj_syms + (n ? n : 1));

		for (uint32_t i = 0; i < n; i++) {
			memcpy(&host[i], table + (size_t)i * sizeof(*host), sizeof(*host));
			host[i].st_name = __builtin_bswap32(host[i].st_name);
			host[i].st_shndx = __builtin_bswap16(host[i].st_shndx);
			host[i].st_value = __builtin_bswap64(host[i].st_value);
			host[i].st_size = __builtin_bswap64(host[i].st_size);
		}
		table = (const uint8_t *)host;
	}
	return read_symbol_entries(e, table, strtab);
}

int eb_elf_open_sections(struct eb_elf *e, const void *buf, size_t size, const char *obj)
{
	uint64_t shoff = 0;
	uint32_t shnum = 0, shstrndx = 0;
	const uint8_t *shdrs;
	Elf64_Shdr names;
	int err;

	eb_elf_reset(e);
	e->obj = obj;
	e->buf = buf;
	e->size = size;
	err = read_header(e, e->buf, &shoff, &shnum, &shstrndx);
	if (err)
		return err;
	shdrs = e->buf + shoff;
	err = resolve_counts(e, shdrs, shoff, &shnum, &shstrndx);
	if (!err)
		err = names_header(e, shdrs, shstrndx, &names);
	if (err)
		return err;
	e->sec_cnt = shnum;
	e->shstrtab = shstrndx;
	return scan_sections(e, shdrs, e->buf + names.sh_offset, names.sh_size);
}

int eb_elf_open(struct eb_elf *e, const void *buf, size_t size, const char *obj)
{
	int err = eb_elf_open_sections(e, buf, size, obj);

	return err ? err : eb_elf_read_symbols(e);
}

/*
 * The symbol names' table, when the symbol table names a usable one (else
 * eb_elf_read_symbols() fails later, and nothing is kept for it): 0 if none
 * or if it is the section-name table, which is kept anyway.
 */
static uint32_t kept_strtab(const struct eb_elf *e)
{
	uint32_t i = e->symtab ? e->secs[e->symtab].link : 0;

	if (i == 0 || i >= e->sec_cnt || i == e->shstrtab || e->secs[i].type != SHT_STRTAB)
		return 0;
	return i;
}

/*
 * Where section `s` goes in the kept block, from `at`: the next offset with the
 * section's file offset modulo 8, so that each section keeps its file
 * alignment and every path treats a misaligned section alike (copied when read).
 */
static size_t kept_place(const struct eb_elf_sec *s, size_t at)
{
	return ((at + 7) & ~(size_t)7) + (size_t)(s->file_off & 7);
}

size_t eb_elf_kept_size(const struct eb_elf *e)
{
	uint32_t strtab = kept_strtab(e);
	/* Sizes are bounded by the object's size, and so is their sum plus 7 per section. */
	size_t at = kept_place(&e->secs[e->shstrtab], 0) + (size_t)e->secs[e->shstrtab].size;

	if (strtab)
		at = kept_place(&e->secs[strtab], at) + (size_t)e->secs[strtab].size;
	for (uint32_t k = 0; k < e->kept_sec_cnt; k++)
		at = kept_place(&e->secs[e->kept_secs[k]], at) + (size_t)e->secs[e->kept_secs[k]].size;
	return at;
}

/* Copy section `s`'s bytes to `dst` at the next place from *at (kept_place). */
static void keep(struct eb_elf_sec *s, uint8_t *dst, size_t *at)
{
	*at = kept_place(s, *at);
	s->data = memcpy(dst + *at, s->data, (size_t)s->size);
	*at += (size_t)s->size;
}

/* keep() a name table, noting where its names moved (eb_elf_kept_name). */
static void move_table(struct eb_elf_moved *m, struct eb_elf_sec *s, uint8_t *dst, size_t *at)
{
	m->from = (uintptr_t)s->data;
	m->len = (size_t)s->size;
	keep(s, dst, at);
	m->delta = (uintptr_t)s->data - m->from;
}

void eb_elf_move_kept(struct eb_elf *e, void *dst)
{
	struct eb_elf_sec *names = &e->secs[e->shstrtab];
	uint32_t strtab = kept_strtab(e);
	size_t at = 0;

	/*
	 * Names keep pointing into the old tables (alive while parsing): the
	 * stages translate the few the spec stores (eb_elf_kept_name) instead of
	 * every section's and symbol's being re-pointed here.
	 */
	move_table(&e->moved[0], names, dst, &at);
	if (strtab)
		move_table(&e->moved[1], &e->secs[strtab], dst, &at);
	for (uint32_t k = 0; k < e->kept_sec_cnt; k++)
		keep(&e->secs[e->kept_secs[k]], dst, &at);
}

/* Read exactly `len` bytes at `off` of `fd` (which fstat said has e->size bytes). */
int eb_elf_read_exact(int fd, void *buf, size_t len, uint64_t off, const char *obj)
{
	size_t got = 0;

	while (got < len) {
		ssize_t n = pread(fd, (uint8_t *)buf + got, len - got, (off_t)(off + got));

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			int err = n < 0 ? -errno : -EIO;

			return eb_err(err, "%s: read failed: %s", obj, n < 0 ? strerror(-err) : "file shrank");
		}
		got += (size_t)n;
	}
	return 0;
}

static int read_at(struct eb_elf *e, int fd, void *buf, size_t len, uint64_t off)
{
	return eb_elf_read_exact(fd, buf, len, off, e->obj);
}

/*
 * Whether the reader ever looks at section `s`'s bytes: debug information and
 * the relocations of debug information and of .BTF/.BTF.ext are never used, and
 * they are often most of an object.
 */
static bool bytes_unused(const struct eb_elf *e, const struct eb_elf_sec *s)
{
	const char *target;

	if (strncmp(s->name, ".debug", 6) == 0)
		return true;
	if ((s->type != SHT_REL && s->type != SHT_RELA) || s->info == 0 || s->info >= e->sec_cnt)
		return false;
	target = e->secs[s->info].name;
	return strncmp(target, ".debug", 6) == 0 || strcmp(target, ".BTF") == 0 || strcmp(target, ".BTF.ext") == 0;
}

/* A used section's extent in the file, for reading them in offset order. */
struct extent {
	uint64_t off, end;
	uint32_t sec;
};

static int cmp_extent(const void *a, const void *b)
{
	const struct extent *x = a, *y = b;

	return x->off < y->off ? -1 : x->off > y->off;
}

/*
 * Used sections closer than this are read with one pread, gap included: a
 * pread costs about as much as copying 12 KiB more from the page cache.
 */
#define RUN_GAP (8 * 1024)

/*
 * Read the contents of every section the reader uses into one buffer: sections
 * in file order, grouped into runs of nearby ones read with one pread each
 * (clang interleaves debug information, which is never read, with the rest).
 * A run starts at an 8-aligned file offset so that each section keeps its
 * file alignment in the buffer (aligned instructions stay in place).
 */
static int read_used_sections(struct eb_elf *e, int fd)
{
	struct extent *x = eb_elf_scratch(e, e->sec_cnt, sizeof(*x));
	uint32_t n = 0;
	uint64_t total = 0;
	uint8_t *p;
	bool sorted = true;
	int err;

	if (!x)
		return -ENOMEM;
	for (uint32_t i = 1; i < e->sec_cnt; i++) {
		const struct eb_elf_sec *s = &e->secs[i];

		if (!has_file_bytes(i, s) || s->data || bytes_unused(e, s))
			continue;
		/* scan_sections() bounded every extent by the file size. */
		x[n] = (struct extent){ s->file_off, s->file_off + s->size, i };
		sorted = sorted && (n == 0 || x[n - 1].off <= x[n].off);
		n++;
	}
	if (!sorted)
		qsort(x, n, sizeof(*x), cmp_extent);
	/* The runs' bytes, each from its 8-aligned start, each 8-aligned in the buffer. */
	for (uint32_t i = 0; i < n;) {
		uint64_t start = x[i].off & ~(uint64_t)7, end = x[i].end;

		for (i++; i < n && x[i].off <= end + RUN_GAP; i++)
			end = x[i].end > end ? x[i].end : end;
		total += (end - start + 7) & ~(uint64_t)7;
	}
	if (total > SIZE_MAX)
		return -ENOMEM;
	p = e->owned_data = eb_malloc(total ? (size_t)total : 1);
	if (!p)
		return -ENOMEM;
	for (uint32_t i = 0; i < n;) {
		uint64_t start = x[i].off & ~(uint64_t)7, end = x[i].end;
		uint32_t first = i;

		for (i++; i < n && x[i].off <= end + RUN_GAP; i++)
			end = x[i].end > end ? x[i].end : end;
		err = read_at(e, fd, p, (size_t)(end - start), start);
		if (err)
			return err;
		for (uint32_t j = first; j < i; j++)
			e->secs[x[j].sec].data = p + (x[j].off - start);
		p += (end - start + 7) & ~(uint64_t)7;
	}
	return 0;
}

int eb_elf_open_fd(struct eb_elf *e, int fd, size_t size, const char *obj)
{
	uint8_t eh[sizeof(Elf64_Ehdr)], sh0[sizeof(Elf64_Shdr)];
	uint64_t shoff = 0;
	uint32_t shnum = 0, shstrndx = 0;
	uint8_t *shdrs;
	Elf64_Shdr names;
	int err;

	eb_elf_reset(e);
	e->obj = obj;
	e->size = size;
	if (size >= sizeof(eh)) {
		err = read_at(e, fd, eh, sizeof(eh), 0);
		if (err)
			return err;
	}
	err = read_header(e, eh, &shoff, &shnum, &shstrndx);
	/* Section header 0 matters only when the header escapes to it (many sections). */
	if (!err && (shnum == 0 || shstrndx == SHN_XINDEX))
		err = read_at(e, fd, sh0, sizeof(sh0), shoff);
	if (!err)
		err = resolve_counts(e, sh0, shoff, &shnum, &shstrndx);
	if (err)
		return err;
	e->sec_cnt = shnum;
	/* resolve_counts() bounded the table by the file size. */
	shdrs = eb_elf_scratch(e, shnum, sizeof(Elf64_Shdr));
	if (!shdrs)
		return -ENOMEM;
	err = read_at(e, fd, shdrs, (size_t)shnum * sizeof(Elf64_Shdr), shoff);
	/* The section names first: the one pass over the sections names and classifies them. */
	if (!err)
		err = names_header(e, shdrs, shstrndx, &names);
	if (err)
		return err;
	e->owned_names = eb_malloc(names.sh_size ? (size_t)names.sh_size : 1);
	if (!e->owned_names)
		return -ENOMEM;
	err = read_at(e, fd, e->owned_names, (size_t)names.sh_size, names.sh_offset);
	if (!err)
		err = scan_sections(e, shdrs, e->owned_names, names.sh_size);
	if (err)
		return err;
	/* Contents are read below, into the sections whose data is NULL (the scan set offsets from 0). */
	for (uint32_t i = 0; i < e->sec_cnt; i++)
		e->secs[i].data = NULL;
	e->shstrtab = shstrndx;
	e->secs[shstrndx].data = e->owned_names;
	/* Which other sections are read depends on their names. */
	err = read_used_sections(e, fd);
	return err ? err : eb_elf_read_symbols(e);
}

void eb_elf_close(struct eb_elf *e)
{
	void *c;

	if (!e)
		return;
	eb_free(e->owned_names);
	eb_free(e->owned_data);
	for (c = e->scr_chunks; c; ) {
		void *next;

		memcpy(&next, c, sizeof(next));
		eb_free(c);
		c = next;
	}
	eb_elf_reset(e);
}

const char *eb_elf_sym_label(const struct eb_elf *e, const struct eb_elf_sym *s)
{
	if (s->name[0] == '\0' && s->type == STT_SECTION && s->shndx < e->sec_cnt)
		return e->secs[s->shndx].name;
	return s->name;
}

int eb_elf_map_loc_set(struct eb_elf *e, uint32_t idx, struct eb_elf_map_loc loc)
{
	if (eb_elf_scratch_grow(e, (void **)&e->map_locs, &e->map_loc_cap, (size_t)idx + 1, sizeof(*e->map_locs)))
		return -ENOMEM;
	e->map_locs[idx] = loc;
	return 0;
}

int32_t eb_elf_map_at(const struct eb_elf *e, const struct ebpf_spec *spec, uint32_t sec, uint64_t off)
{
	for (uint32_t i = 0; i < spec->map_cnt && i < e->map_loc_cap; i++) {
		const struct ebpf_map_spec *m = spec->maps[i];

		if (m->origin != EBPF_MAP_ORIGIN_BTF && m->origin != EBPF_MAP_ORIGIN_LEGACY)
			continue;
		if (e->map_locs[i].sec == sec && e->map_locs[i].off == off)
			return (int32_t)i;
	}
	return -1;
}
