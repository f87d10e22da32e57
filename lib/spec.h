/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Internal: the spec's data model, shared by the ELF reader (which fills it), the
 * relocation engine (which reads it at load time) and the public accessors.
 *
 * Zero-copy: the spec owns the object's bytes (spec->image: one copy in the
 * spec's own block, the used sections read into heap buffers, or a read-only
 * private mapping of the file) and points into them — instructions,
 * BTF, .BTF.ext, data-section initial values and names — instead of copying
 * each. Only what must differ from the file is copied: instructions of a
 * foreign-endian object or of a misaligned section (insns_owned), and a data
 * map's value once ebpf_spec_set_var() edits it (data_owned). Everything that
 * changes at load time (relocated instructions) is copied per program then.
 * Instructions are in host byte order unless spec->foreign_endian (then only
 * inspection is allowed).
 */
#ifndef EB_SPEC_H
#define EB_SPEC_H

#include <stdbool.h>
#include <stdint.h>

#include <ebpf/spec.h>

#include "btf/btf.h"

/* A relocation tag on one instruction of an executable section. */
struct eb_reloc {
	uint32_t insn;			/* instruction index within the section */
	enum ebpf_reloc_kind kind;
	/*
	 * MAP, DATA:        index into spec->maps
	 * CALL, FUNC_ADDR:  index into spec->funcs of the callee
	 * KCONFIG:          index into spec->externs (also the map is spec->kconfig_map)
	 * KSYM_VAR, KFUNC_CALL, KFUNC_ADDR: index into spec->externs
	 */
	uint32_t target;
	/*
	 * DATA:             byte offset into the map's value (symbol value + insn imm)
	 * KCONFIG:          byte offset into the .kconfig map (extern offset + imm)
	 * CALL, FUNC_ADDR:  instruction index of the callee within its section
	 */
	int64_t addend;
	const char *sym;		/* symbol name, owned by the spec */
};

/*
 * An executable ELF section (a program section or .text). Pointers first,
 * then the 32-bit fields: 64 bytes, one per section for the life of the spec.
 */
struct eb_text_sec {
	char *name;
	struct ebpf_insn *insns;	/* into spec->image, or owned (insns_owned): read-only */
	struct eb_reloc *relocs;	/* sorted by insn */
	/* .BTF.ext records of this section (insn_off in instructions), or NULL. */
	const struct eb_btf_ext_sec *func_info;
	const struct eb_btf_ext_sec *line_info;
	const struct eb_btf_ext_sec *core_relo;
	uint32_t elf_idx;		/* ELF section index */
	uint32_t insn_cnt;
	uint32_t reloc_cnt;
	bool insns_owned;		/* insns is a copy (swapped or realigned) the spec frees */
	/*
	 * The opener tagged every bpf-to-bpf call of the section (CALL or
	 * KFUNC_CALL, one tag per instruction): the linker need not scan for
	 * untagged ones again. A spec built by hand leaves it false.
	 */
	bool calls_tagged;
};

/* A function symbol in an executable section: a program or a subprogram. */
struct eb_func {
	char *name;
	uint32_t sec;			/* index into spec->secs */
	uint32_t off;			/* first instruction within the section */
	uint32_t cnt;			/* number of instructions */
	bool global;			/* STB_GLOBAL (global subprograms are verified alone) */
	int32_t prog;			/* index into spec->progs, or -1 for a subprogram */
};

struct ebpf_prog_spec {
	struct ebpf_spec *spec;
	char *name;
	char *section;			/* without the '?' prefix */
	char *attach_target;		/* what follows the section prefix; "" if none */
	uint32_t func;			/* index into spec->funcs */
	uint32_t reloc_first;		/* this program's relocations in its section's ... */
	uint32_t reloc_cnt;		/* ... relocs[] (contiguous, sorted) */
	enum ebpf_prog_type type;
	enum ebpf_attach_type attach_type;
	/*
	 * EBPF_F_SLEEPABLE, EBPF_F_XDP_HAS_FRAGS: 16 bits hold every prog flag
	 * the kernel defines, and keep the struct at 56 bytes (one per program
	 * is kept for the life of the spec and of every collection loaded from it).
	 */
	uint16_t flags;
	bool autoload;
};

/* One variable of a global-data section. */
struct eb_var {
	char *name;
	uint32_t offset;
	uint32_t size;
	uint32_t btf_type;
	bool global;
};

struct eb_map_slot {
	uint32_t index;
	char *name;			/* program (prog array) or map (map-in-map) */
};

/* Fields ordered by size (no padding holes): 120 bytes per map for the life of the spec. */
struct ebpf_map_spec {
	struct ebpf_spec *spec;
	char *name;			/* BTF/legacy: symbol; data: ".rodata", ".data.foo", ".kconfig" */
	enum ebpf_map_origin origin;
	enum ebpf_map_type type;
	uint32_t key_size;
	uint32_t value_size;
	uint32_t max_entries;
	uint32_t flags;
	uint32_t numa_node;
	enum ebpf_pin_type pinning;
	uint64_t map_extra;
	uint32_t btf_key_type;		/* object BTF ids, 0 when unknown */
	uint32_t btf_value_type;
	uint32_t btf_datasec;		/* data maps: the DATASEC id, 0 if none */
	uint32_t elf_sec;		/* data maps: ELF section index */
	struct ebpf_map_spec *inner;	/* map-in-map template (owned), or NULL */
	uint8_t *data;			/* data maps: initial value (value_size bytes); NULL for .bss */
	struct eb_map_slot *slots;
	struct eb_var *vars;
	uint32_t slot_cnt;
	uint32_t var_cnt;
	bool readonly;			/* .rodata* and .kconfig: frozen, BPF_F_RDONLY_PROG */
	bool data_owned;		/* data is a heap copy; else it points into spec->image (read-only) */
};

/* Typing of a .kconfig extern, decided from its BTF type. */
enum eb_kcfg_type {
	EB_KCFG_UNKNOWN = 0,
	EB_KCFG_BOOL,		/* bool: y/n */
	EB_KCFG_TRISTATE,	/* enum libbpf_tristate: y/n/m */
	EB_KCFG_CHAR,		/* char: y/n/m as characters */
	EB_KCFG_INT,		/* integer of `size` bytes, is_signed */
	EB_KCFG_CHAR_ARR,	/* char[N]: a string value */
};

struct eb_extern {
	char *name;
	enum ebpf_extern_kind kind;
	bool weak;
	uint32_t btf_id;		/* object BTF: VAR or FUNC */
	uint32_t btf_type;		/* VAR's type / FUNC's FUNC_PROTO (0 for typeless) */
	/* kconfig only */
	uint32_t size;
	uint32_t offset;		/* in the .kconfig map value */
	enum eb_kcfg_type kcfg_type;
	bool is_signed;
};

/*
 * The object's bytes the spec points into, released by ebpf_spec_free(): a
 * private mapping of the file (read-only once parsed), or heap buffers (a
 * large file's used sections). A small file's or a memory buffer's copy lives
 * in the spec's own allocation and needs neither.
 */
struct eb_spec_image {
	void *map;
	size_t map_len;
	void *heap[2];
};

struct ebpf_spec {
	char *name;			/* stored after the struct, in its allocation */
	char *license;			/* in the image, or a copy (license_owned) */
	bool license_owned;
	uint32_t kern_version;
	bool foreign_endian;

	struct eb_text_sec *secs;
	uint32_t sec_cnt;
	struct eb_func *funcs;
	uint32_t func_cnt;
	struct ebpf_prog_spec **progs;	/* each points into prog_store */
	uint32_t prog_cnt;
	/* All program specs; funcs[], progs[] and secs[] live in the same allocation. */
	struct ebpf_prog_spec *prog_store;
	/* Every section's relocations (secs[].relocs point into it); one allocation, or NULL. */
	struct eb_reloc *reloc_store;
	struct ebpf_map_spec **maps;
	uint32_t map_cnt;
	struct eb_extern *externs;
	uint32_t extern_cnt;
	int32_t kconfig_map;		/* index into maps of .kconfig, or -1 */

	struct ebpf_btf *btf;		/* object .BTF (owned reference), or NULL */
	struct eb_btf_ext *btf_ext;	/* object .BTF.ext, or NULL */

	/*
	 * Names read from the ELF (secs[].name, funcs[].name,
	 * progs[]->name/section/attach_target, relocs[].sym) point into the string
	 * tables of `image` and are never freed one by one. `strs` is no longer
	 * used (always NULL): it held a copy of those tables before the image was kept.
	 */
	char *strs;
	struct eb_spec_image image;

	/*
	 * Spec-lifetime arrays carved from the spec's own allocation by the
	 * opener (eb_spec_carve, lib/elf_reader.h): [carve_pos, carve_end) is
	 * still free; memory between the spec and carve_end is never freed alone
	 * (eb_spec_carved). Both NULL when nothing was reserved.
	 */
	uint8_t *carve_pos, *carve_end;
	uint32_t map_cap;		/* room in maps[] */

	/*
	 * Holders besides the caller who opened it (collections loaded from it):
	 * ebpf_spec_free() frees only when the last one lets go. 0 in a fresh spec.
	 */
	int holders;
};

/*
 * Keep `spec` alive for one more holder (a collection): released with
 * ebpf_spec_free(). Only the holder count changes; the spec stays read-only.
 */
void eb_spec_hold(const struct ebpf_spec *spec);

/* Unmap / free an image (zeroed after); an empty image is fine. */
void eb_spec_image_release(struct eb_spec_image *img);

/*
 * The first bpf-to-bpf call (a pseudo call: clang's local calls and kfunc calls)
 * at or after instruction `i` of insns[0, n), or n if there is none.
 */
uint32_t eb_next_pseudo_call(const struct ebpf_insn *insns, uint32_t n, uint32_t i);

/* The function a program is. */
static inline const struct eb_func *eb_prog_func(const struct ebpf_prog_spec *p)
{
	return &p->spec->funcs[p->func];
}

/* Section name rules: see lib/section_def.c. */
struct eb_sec_def {
	const char *prefix;		/* e.g. "kprobe", "tp", "xdp.frags/devmap" */
	enum ebpf_prog_type type;
	enum ebpf_attach_type attach_type;	/* EBPF_ATTACH_TYPE_NONE if none */
	uint32_t flags;			/* EB_SEC_* */
};

enum {
	EB_SEC_EXACT = 1u << 0,		/* the name must equal prefix */
	EB_SEC_SLASH = 1u << 1,		/* prefix + "/" + target required (libbpf "prefix/") */
	EB_SEC_PLUS = 1u << 2,		/* prefix, or prefix + "/" + optional target (libbpf "+") */
	EB_SEC_SLEEPABLE = 1u << 3,	/* program loads with EBPF_F_SLEEPABLE */
	EB_SEC_XDP_FRAGS = 1u << 4,	/* program loads with EBPF_F_XDP_HAS_FRAGS */
	EB_SEC_ATTACH_BTF = 1u << 5,	/* needs attach_btf_id (tracing, lsm, iter) */
	EB_SEC_EXP_ATTACH = 1u << 6,	/* attach type must be passed as expected_attach_type */
};

/*
 * Find the rule for a section name (without '?'). *target receives what follows
 * the prefix and its '/' separator ("" if none). NULL if no rule matches.
 */
const struct eb_sec_def *eb_sec_def_find(const char *sec_name, const char **target);

/* Names of program/map/attach types for messages ("kprobe", "hash", ...); "unknown" if out of range. */
const char *eb_prog_type_name(enum ebpf_prog_type type);
const char *eb_map_type_name(enum ebpf_map_type type);
const char *eb_attach_type_name(enum ebpf_attach_type type);

#endif
