/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Internal: the ELF reader's parse context, shared by the lib/elf_*.c stages that
 * turn one object into a spec. The context only lives while a spec is being
 * parsed; it points into the object's bytes, which the spec owns (spec->image),
 * so stages keep pointers into them rather than copies (lib/spec.h says which
 * are copied). The image is writable while it is parsed (BTF fix-ups).
 *
 * Stages run in this order (lib/elf_spec.c): open (sections, symbols) -> BTF ->
 * maps (legacy, BTF-defined, data) -> externs (+ .kconfig map) -> programs ->
 * relocations -> static map slots. Each returns 0 or a negative errno with
 * errmsg set; the caller frees the partial spec.
 */
#ifndef EB_ELF_READER_H
#define EB_ELF_READER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "lib/spec.h"

/* What a section is to us. */
enum eb_elf_sec_kind {
	EB_ELF_SEC_OTHER = 0,	/* ignored (debug info, strtab, ...) */
	EB_ELF_SEC_TEXT,		/* executable: .text or a program section */
	EB_ELF_SEC_DATA,		/* .data*, .rodata*, .bss*: a global-data map */
	EB_ELF_SEC_MAPS,		/* .maps: BTF-defined maps */
	EB_ELF_SEC_LEGACY_MAPS,	/* maps: struct bpf_map_def[] */
};

/*
 * One per section header. The record is laid out over an Elf64_Shdr: the
 * scan copies each header in whole (the other byte order: after swapping)
 * and then writes our fields over the ones we never use (sh_name, sh_addr,
 * sh_addralign), so a debug section costs one 64-byte copy and a few stores
 * (elf_open.c asserts the layout).
 */
struct eb_elf_sec {
	enum eb_elf_sec_kind kind;	/* over sh_name */
	uint32_t type;		/* SHT_* */
	uint64_t flags;		/* sh_flags */
	union {
		const char *name;	/* in .shstrtab, NUL-terminated in bounds */
		uint64_t over_addr_;	/* sh_addr: keeps the layout on any pointer size */
	};
	uint64_t file_off;	/* sh_offset */
	uint64_t size;		/* sh_size (also for NOBITS) */
	uint32_t link, info;
	union {
		/* Set only for sections of kind TEXT, DATA, MAPS and LEGACY_MAPS (-1 until known). */
		struct {
			int32_t text;	/* index into spec->secs, or -1 */
			int32_t map;	/* data / legacy maps: spec->maps index of its (first) map, or -1 */
		};
		uint64_t over_addralign_;	/* sh_addralign */
	};
	uint64_t entsize;	/* sh_entsize */
	const uint8_t *data;	/* bytes in the file (NULL for NOBITS); size bytes, checked */
};

/*
 * One per symbol, laid out over an Elf64_Sym like struct eb_elf_sec over its
 * header: each entry is copied whole, then ext, bind and type are written
 * over st_name, st_info and st_other (elf_open.c asserts the layout).
 */
struct eb_elf_sym {
	int32_t ext;		/* externs: index into spec->externs, or -1 */
	uint8_t bind;		/* STB_* */
	uint8_t type;		/* STT_* */
	uint16_t shndx;		/* st_shndx as is (SHN_UNDEF, SHN_ABS, ...; SHN_XINDEX is refused) */
	uint64_t value;
	uint64_t size;
	const char *name;	/* "" for unnamed */
};

/*
 * Bytes of parse-time scratch inside struct eb_elf itself (it lives on the
 * opener's stack): enough for the sections, symbols and relocation tags of
 * objects with a few dozen programs.
 */
#define EB_ELF_SCRATCH_INLINE 6144

struct eb_elf {
	const char *obj;	/* object name for messages */
	const uint8_t *buf;	/* the whole object (eb_elf_open), NULL for eb_elf_open_fd */
	size_t size;		/* bytes of the object */
	void *owned_names, *owned_data;	/* eb_elf_open_fd: the section contents it read */
	bool swap;		/* object byte order differs from the host's */

	struct eb_elf_sec *secs;
	uint32_t sec_cnt;
	struct eb_elf_sym *syms;
	uint32_t sym_cnt;
	uint32_t symtab;	/* section index of .symtab */
	uint32_t strtab;	/* section index of the symbol names (.strtab) */
	uint32_t shstrtab;	/* section index of the section names (.shstrtab) */

	/* Section indices of special sections, 0 when absent. */
	uint32_t btf_sec, btf_ext_sec, maps_sec, legacy_maps_sec, license_sec, version_sec;

	/*
	 * Collected by the classification of sections, in section order, so that
	 * stages visit only the sections they handle: executable sections with
	 * code (EB_ELF_SEC_TEXT), global-data sections (EB_ELF_SEC_DATA), and
	 * relocation sections (SHT_REL and SHT_RELA, whatever they apply to).
	 */
	uint32_t *text_secs, *data_secs, *rel_secs;
	uint32_t text_sec_cnt, data_sec_cnt, rel_sec_cnt;
	/*
	 * Also: the sections with bytes the spec points into once parsed (code,
	 * global data, .BTF, .BTF.ext, license; the string tables are added by
	 * eb_elf_kept_size()), and how many symbol tables there are (e->symtab: the first).
	 */
	uint32_t *kept_secs;
	uint32_t kept_sec_cnt, symtab_cnt;

	/*
	 * Collected by the one pass over the symbols (in symbol-table order, symbol
	 * 0 excluded), so later stages need not scan the table again: function
	 * symbols of executable sections, variables (STT_OBJECT) defined in a
	 * section, and how many named global/weak undefined symbols (externs) there are.
	 */
	struct eb_elf_sym **func_syms;
	uint32_t func_sym_cnt;
	struct eb_elf_sym **obj_syms;
	uint32_t obj_sym_cnt;
	uint32_t undef_cnt;

	/*
	 * The name tables eb_elf_move_kept() copied: [from, from + len) moved by
	 * delta (len 0: not moved). Names read before the move still point into
	 * the old copy, which outlives the parse; eb_elf_kept_name() gives the
	 * spec its own copy of one (a few instructions inline, against
	 * re-pointing every section's and symbol's name after the move).
	 */
	struct eb_elf_moved { uintptr_t from, delta; size_t len; } moved[2];

	/* Where each map of spec->maps came from (same index); grown by eb_elf_map_loc_set(). */
	struct eb_elf_map_loc *map_locs;
	size_t map_loc_cap;

	/*
	 * Parse-time memory (eb_elf_scratch): a bump area, first scr_inline, then
	 * heap chunks linked through their first word, all released by
	 * eb_elf_close(). Section and symbol records and every list that lives only
	 * while the object is parsed come from here, so a small object's open makes
	 * no allocation for them (each malloc/free pair cost ~250 instructions, and
	 * they were a third of opening a one-program object).
	 */
	uint8_t *scr_pos, *scr_end;
	void *scr_chunks;

	/* Last, and never zeroed: eb_elf_reset() clears the fields above only. */
	uint64_t scr_inline[EB_ELF_SCRATCH_INLINE / sizeof(uint64_t)];
};

/* Where a map's definition sits in the ELF: lets relocations find their map. */
struct eb_elf_map_loc {
	uint32_t sec;		/* ELF section (.maps, maps, or the data section) */
	uint64_t off;		/* byte offset of the definition in that section */
	uint64_t size;		/* bytes of the definition (symbol / secinfo size) */
	uint32_t values_off;	/* .maps: byte offset of `values` in the def, UINT32_MAX if none */
};

/* Byte-order helpers: values read from the object, converted to host order. */
uint32_t eb_elf_u32(const struct eb_elf *e, const void *p);
uint64_t eb_elf_u64(const struct eb_elf *e, const void *p);

/* Zero the reader state (not the inline scratch bytes) and make the scratch area empty. */
void eb_elf_reset(struct eb_elf *e);

/*
 * `n` uninitialised elements of `elem` bytes from e's scratch (8-byte aligned),
 * valid until eb_elf_close(); NULL (errmsg set) on overflow or out of memory.
 */
void *eb_elf_scratch(struct eb_elf *e, size_t n, size_t elem);

/*
 * eb_grow() for an array in e's scratch (or NULL with *cap 0): room for `need`
 * elements, growing in place when it is the last thing handed out. 0 or -ENOMEM.
 */
int eb_elf_scratch_grow(struct eb_elf *e, void **arr, size_t *cap, size_t need, size_t elem);

/* Validate the ELF header, section headers and symbol table of `size` bytes. */
int eb_elf_open(struct eb_elf *e, const void *buf, size_t size, const char *obj);
/* eb_elf_open() in two steps: header and sections (named, classified), then the symbols. */
int eb_elf_open_sections(struct eb_elf *e, const void *buf, size_t size, const char *obj);
int eb_elf_read_symbols(struct eb_elf *e);

/*
 * After eb_elf_open_sections() (and, if it succeeded, eb_elf_read_symbols()):
 * the bytes of the sections the spec points into once parsed (code, global
 * data, .BTF, .BTF.ext, license, section and symbol names), and moving them
 * into `dst` (eb_elf_kept_size() bytes, 8-aligned; each section keeps its
 * file offset modulo 8): section data pointers follow, names do not (see
 * eb_elf_kept_name). The other sections and the old name tables stay where
 * eb_elf_open_sections() found them, which must outlive the parse only: the
 * spec keeps none of the object's other bytes.
 */
size_t eb_elf_kept_size(const struct eb_elf *e);
void eb_elf_move_kept(struct eb_elf *e, void *dst);
/*
 * A section or symbol name as the spec keeps it: in the kept copy when the
 * name tables were moved (eb_elf_move_kept), else `name` itself. Every name
 * the spec stores goes through here; names used only while parsing need not.
 */
static inline const char *eb_elf_kept_name(const struct eb_elf *e, const char *name)
{
	const uintptr_t p = (uintptr_t)name;

	if (p - e->moved[0].from < e->moved[0].len)
		return (const char *)(p + e->moved[0].delta);
	if (p - e->moved[1].from < e->moved[1].len)
		return (const char *)(p + e->moved[1].delta);
	return name;
}

/*
 * ebpf_spec_open_file (elf_spec.c): files up to eb_spec_read_max bytes are
 * read whole into a transient buffer (on the stack up to EB_SPEC_STACK_READ)
 * and only their kept sections copied; larger ones are mapped from
 * eb_spec_map_min bytes (0: all of them, SIZE_MAX: none) and otherwise read
 * section by section (eb_elf_open_fd).
 */
#define EB_SPEC_STACK_READ (16 * 1024)
extern size_t eb_spec_read_max;
extern size_t eb_spec_map_min;

/* pread exactly `len` bytes at `off` (retrying short reads); messages name `obj`. */
int eb_elf_read_exact(int fd, void *buf, size_t len, uint64_t off, const char *obj);

/*
 * The same from an open file of `size` bytes (its fstat size), for files that
 * cannot be mapped: reads only the header, section headers and the sections the
 * reader uses (not debug info) into e->owned_names / e->owned_data, which the
 * caller takes over (they back the spec). Sections it did not read have
 * data == NULL. The fd stays the caller's.
 */
int eb_elf_open_fd(struct eb_elf *e, int fd, size_t size, const char *obj);
void eb_elf_close(struct eb_elf *e);

/* The symbol's name or, for a section symbol, its section's name (for messages). */
const char *eb_elf_sym_label(const struct eb_elf *e, const struct eb_elf_sym *s);

/*
 * Apply DATASEC fix-ups to spec->btf (parsed in place from section e->btf_sec):
 * eb_btf_fixup_datasecs(), writing into the image where the BTF borrows it.
 */
int eb_elf_btf_fixup(const struct eb_elf *e, struct ebpf_spec *spec, const struct eb_btf_fixup_cb *cb);

/*
 * Bytes the stages will carve from the spec's block (eb_spec_carve) for this
 * object, known once its sections and symbols are read: the programs'
 * block, the relocation tags, and the maps (*count of them: their list and
 * map specs). Estimates from the symbols; a stage whose need is larger
 * takes the rest from the heap.
 */
size_t eb_elf_progs_room(const struct eb_elf *e);
size_t eb_elf_relocs_room(const struct eb_elf *e);
size_t eb_elf_maps_room(const struct eb_elf *e, uint32_t *count);

/* Stages (see the top of this file). */
int eb_elf_read_btf(struct eb_elf *e, struct ebpf_spec *spec);
int eb_elf_read_license(struct eb_elf *e, struct ebpf_spec *spec);
int eb_elf_read_legacy_maps(struct eb_elf *e, struct ebpf_spec *spec);
int eb_elf_read_btf_maps(struct eb_elf *e, struct ebpf_spec *spec);
int eb_elf_read_data_maps(struct eb_elf *e, struct ebpf_spec *spec);
int eb_elf_read_externs(struct eb_elf *e, struct ebpf_spec *spec);
int eb_elf_read_progs(struct eb_elf *e, struct ebpf_spec *spec);
int eb_elf_read_relocs(struct eb_elf *e, struct ebpf_spec *spec);
int eb_elf_read_map_slots(struct eb_elf *e, struct ebpf_spec *spec);

/*
 * Shared by the map stages: append a new zeroed map spec named `name` (copied
 * into the map spec's own allocation), with m->vars pointing at room for
 * `vars` variables in that allocation too (NULL if 0); var_cnt starts at 0.
 */
struct ebpf_map_spec *eb_map_spec_new(struct ebpf_spec *spec, const char *name, enum ebpf_map_origin origin,
				      size_t vars);
/* Bytes of one map spec allocation: the spec, `vars` variables and a name of `name_len` chars. */
size_t eb_map_spec_size(size_t name_len, size_t vars);
int eb_spec_add_map(struct ebpf_spec *spec, const char *name, enum ebpf_map_origin origin, size_t vars,
		    struct ebpf_map_spec **out);
/*
 * `size` bytes (8-aligned) of spec-lifetime memory: from the room the opener
 * reserved in the spec's own allocation when it fits (each malloc/free pair
 * costs ~100 instructions), else
 * eb_malloc(). Release with eb_spec_release(), never eb_free().
 */
void *eb_spec_carve(struct ebpf_spec *spec, size_t size);
/* Whether `p` was carved from the spec's allocation (so is freed with it). */
bool eb_spec_carved(const struct ebpf_spec *spec, const void *p);
/* eb_free(p) unless it was carved. NULL ok. */
void eb_spec_release(const struct ebpf_spec *spec, void *p);

/* Free one map spec and what it owns (its inner template included). NULL ok. */
void eb_map_spec_free(struct ebpf_map_spec *m);

/* Record where spec->maps[idx] was defined (call right after eb_spec_add_map()). */
int eb_elf_map_loc_set(struct eb_elf *e, uint32_t idx, struct eb_elf_map_loc loc);
/* The map defined at `off` in section `sec` (BTF-defined or legacy), or -1. */
int32_t eb_elf_map_at(const struct eb_elf *e, const struct ebpf_spec *spec, uint32_t sec, uint64_t off);


#endif
