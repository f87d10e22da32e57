/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The spec: everything an eBPF ELF object says, parsed without a single syscall
 * and without reading any host file other than the object itself. A spec can be
 * inspected, checked offline against any BTF, or loaded many times.
 *
 * Ownership: a spec owns every object and string reachable from it; pointers
 * returned by the accessors stay valid until ebpf_spec_free(). Programs, maps and
 * externs are numbered from 0 in the order of the object. The accessors take
 * non-NULL arguments (NULL is not checked) and do not fail unless they say so.
 * A spec is not thread-safe to modify: the set_* calls must not race with other
 * use of the same spec, including a load.
 */
#ifndef EBPF_SPEC_H
#define EBPF_SPEC_H

#include <ebpf/common.h>
#include <ebpf/uapi.h>

#ifdef __cplusplus
extern "C" {
#endif

struct ebpf_spec;
struct ebpf_prog_spec;
struct ebpf_map_spec;
struct ebpf_btf;

struct ebpf_spec_opts {
	size_t sz;
	/* Name for messages and ebpf_spec_name(); copied. NULL (default): the file
	 * path, or "<memory>" for ebpf_spec_open_mem. */
	const char *name;
};

/*
 * Parse the object at `path` (or `size` bytes at `data`, which the spec copies)
 * into a new spec. Accepts ELF64 ET_REL objects for EM_BPF or EM_NONE in either
 * byte order; an object in the foreign byte order can be inspected but not
 * loaded. The caller owns *out (NULL on failure) and frees it with
 * ebpf_spec_free(). Errors: -EINVAL (NULL argument, not a regular file,
 * malformed object, with ebpf_errmsg() naming what and where), the open()/read()
 * errno for the file (-ENOENT, -EACCES, -EISDIR, -EIO if it shrank), -ENOMEM.
 *
 * The spec keeps the object's bytes rather than copying them piece by piece: a
 * small file is read into memory the spec owns, a larger one mapped privately
 * (or, where it cannot be mapped, only the sections the loader uses read: no
 * debug information) until ebpf_spec_free(); its fd is closed before the call
 * returns. As with any mapped file, replace an object by renaming a new file
 * over it, not by rewriting or truncating it in place while a spec of it is
 * alive (reading a truncated mapping raises SIGBUS). ebpf_spec_open_mem copies
 * `data` once, so the caller may free or reuse it as soon as the call returns.
 */
EBPF_API int ebpf_spec_open_file(const char *path, const struct ebpf_spec_opts *opts,
				 struct ebpf_spec **out);
EBPF_API int ebpf_spec_open_mem(const void *data, size_t size, const struct ebpf_spec_opts *opts,
				struct ebpf_spec **out);
/*
 * Free a spec and everything it owns — once every collection loaded from it
 * is closed too (each holds it). NULL is accepted.
 */
EBPF_API void ebpf_spec_free(struct ebpf_spec *spec);

/* The object's name (opts->name, else the file path or "<memory>"). */
EBPF_API const char *ebpf_spec_name(const struct ebpf_spec *spec);
/* Contents of the `license` section ("" if absent). */
EBPF_API const char *ebpf_spec_license(const struct ebpf_spec *spec);
/* Contents of the `version` section (0 if absent). */
EBPF_API uint32_t ebpf_spec_kern_version(const struct ebpf_spec *spec);
/* True when the object's byte order differs from the host's (such specs cannot be loaded). */
EBPF_API bool ebpf_spec_foreign_endian(const struct ebpf_spec *spec);
/* The object's BTF (.BTF), or NULL if it has none. Owned by the spec. */
EBPF_API const struct ebpf_btf *ebpf_spec_btf(const struct ebpf_spec *spec);

/* ----------------------------------------------------------------- programs */

/* Number of programs, and program `idx` (NULL when idx >= the count). */
EBPF_API size_t ebpf_spec_prog_count(const struct ebpf_spec *spec);
EBPF_API struct ebpf_prog_spec *ebpf_spec_prog(const struct ebpf_spec *spec, size_t idx);
/* Look a program up by its function name; NULL (and -ENOENT in errmsg) if absent. */
EBPF_API struct ebpf_prog_spec *ebpf_spec_prog_by_name(const struct ebpf_spec *spec, const char *name);

/* The program's function name. */
EBPF_API const char *ebpf_prog_spec_name(const struct ebpf_prog_spec *prog);
/* Full ELF section name as written in SEC(), without a leading '?'. */
EBPF_API const char *ebpf_prog_spec_section(const struct ebpf_prog_spec *prog);
/* What follows the matched section prefix, e.g. "sched/sched_switch" for "tp/sched/sched_switch"; "" if none. */
EBPF_API const char *ebpf_prog_spec_attach_target(const struct ebpf_prog_spec *prog);
/* Program type and expected attach type (EBPF_ATTACH_TYPE_NONE if none), from the section name. */
EBPF_API enum ebpf_prog_type ebpf_prog_spec_type(const struct ebpf_prog_spec *prog);
EBPF_API enum ebpf_attach_type ebpf_prog_spec_attach_type(const struct ebpf_prog_spec *prog);
/* EBPF_F_SLEEPABLE, EBPF_F_XDP_HAS_FRAGS, ... as implied by the section name. */
EBPF_API uint32_t ebpf_prog_spec_flags(const struct ebpf_prog_spec *prog);
/*
 * Whether ebpf_collection_load() loads the program when opts->programs is NULL.
 * False for SEC("?...") programs, or after ebpf_prog_spec_set_autoload(prog, false).
 */
EBPF_API bool ebpf_prog_spec_autoload(const struct ebpf_prog_spec *prog);
EBPF_API void ebpf_prog_spec_set_autoload(struct ebpf_prog_spec *prog, bool autoload);
/* Override the program type / expected attach type implied by the section name (not checked here). */
EBPF_API void ebpf_prog_spec_set_type(struct ebpf_prog_spec *prog, enum ebpf_prog_type type,
				      enum ebpf_attach_type attach_type);

/*
 * The program's own instructions (its function only, before subprograms are
 * appended), in host byte order. `*cnt` receives the count; the pointer is owned
 * by the spec.
 */
EBPF_API const struct ebpf_insn *ebpf_prog_spec_insns(const struct ebpf_prog_spec *prog, size_t *cnt);

/* What a tagged instruction refers to; resolved at load time. */
enum ebpf_reloc_kind {
	EBPF_RELOC_MAP = 1,		/* ld_imm64 of a map                      target: map index */
	EBPF_RELOC_DATA = 2,		/* ld_imm64 of global data + offset       target: map index, addend: byte offset */
	EBPF_RELOC_CALL = 3,		/* bpf-to-bpf call                         target: subprogram (function) */
	EBPF_RELOC_FUNC_ADDR = 4,	/* ld_imm64 of a subprogram (callback)     target: subprogram (function) */
	EBPF_RELOC_KCONFIG = 5,		/* ld_imm64 of a .kconfig extern           target: extern index */
	EBPF_RELOC_KSYM_VAR = 6,	/* ld_imm64 of a __ksym variable           target: extern index */
	EBPF_RELOC_KFUNC_CALL = 7,	/* call of a __ksym function (kfunc)       target: extern index */
	EBPF_RELOC_KFUNC_ADDR = 8,	/* ld_imm64 of a kfunc (bpf_ksym_exists)   target: extern index */
};

struct ebpf_reloc {
	uint32_t insn;			/* instruction index relative to the program's first */
	enum ebpf_reloc_kind kind;	/* what it refers to; `target` depends on it */
	const char *symbol;		/* the ELF symbol the relocation names */
	uint32_t target;		/* map / extern index (see kind) */
	int64_t addend;			/* DATA: byte offset into the map value */
};

/*
 * Relocations of the program's own instructions, in instruction order. _reloc
 * fills *out (symbol owned by the spec) and returns 0, or -ENOENT for idx >= the count.
 */
EBPF_API size_t ebpf_prog_spec_reloc_count(const struct ebpf_prog_spec *prog);
EBPF_API int ebpf_prog_spec_reloc(const struct ebpf_prog_spec *prog, size_t idx, struct ebpf_reloc *out);

/* --------------------------------------------------------------------- maps */

/*
 * Number of maps (BTF-defined, legacy, and one per global-data and .kconfig
 * section), map `idx` (NULL when out of range), and a map by name (".rodata",
 * "events"; NULL and -ENOENT in errmsg if absent).
 */
EBPF_API size_t ebpf_spec_map_count(const struct ebpf_spec *spec);
EBPF_API struct ebpf_map_spec *ebpf_spec_map(const struct ebpf_spec *spec, size_t idx);
EBPF_API struct ebpf_map_spec *ebpf_spec_map_by_name(const struct ebpf_spec *spec, const char *name);

/* Where a map spec came from. */
enum ebpf_map_origin {
	EBPF_MAP_ORIGIN_BTF = 1,	/* BTF-defined, in .maps */
	EBPF_MAP_ORIGIN_LEGACY = 2,	/* struct bpf_map_def in `maps` */
	EBPF_MAP_ORIGIN_DATA = 3,	/* a .data*, .rodata*, .bss* section */
	EBPF_MAP_ORIGIN_KCONFIG = 4,	/* the .kconfig externs */
};

/* The map's definition as the object gives it (0 for attributes it does not set). */
EBPF_API const char *ebpf_map_spec_name(const struct ebpf_map_spec *map);
EBPF_API enum ebpf_map_origin ebpf_map_spec_origin(const struct ebpf_map_spec *map);
EBPF_API enum ebpf_map_type ebpf_map_spec_type(const struct ebpf_map_spec *map);
EBPF_API uint32_t ebpf_map_spec_key_size(const struct ebpf_map_spec *map);
EBPF_API uint32_t ebpf_map_spec_value_size(const struct ebpf_map_spec *map);
EBPF_API uint32_t ebpf_map_spec_max_entries(const struct ebpf_map_spec *map);
EBPF_API uint32_t ebpf_map_spec_flags(const struct ebpf_map_spec *map);
EBPF_API uint32_t ebpf_map_spec_numa_node(const struct ebpf_map_spec *map);
EBPF_API enum ebpf_pin_type ebpf_map_spec_pinning(const struct ebpf_map_spec *map);
EBPF_API uint64_t ebpf_map_spec_map_extra(const struct ebpf_map_spec *map);
/* The inner map template of an array/hash of maps, or NULL. */
EBPF_API const struct ebpf_map_spec *ebpf_map_spec_inner(const struct ebpf_map_spec *map);
/* Set max_entries before load (e.g. size a ring buffer at run time); not validated until load. */
EBPF_API void ebpf_map_spec_set_max_entries(struct ebpf_map_spec *map, uint32_t max_entries);

/*
 * Initial contents of a global-data or .kconfig map, value_size bytes owned by
 * the spec; *size (may be NULL) gets that length. NULL with *size 0 for other
 * maps, and for .bss (all zero) until ebpf_spec_set_var() writes into it.
 */
EBPF_API const void *ebpf_map_spec_initial_value(const struct ebpf_map_spec *map, size_t *size);

/* Statically initialised slots of a prog array or map-in-map (`.values = { ... }`). */
struct ebpf_map_slot {
	uint32_t index;		/* the array index it fills */
	const char *name;	/* program name (prog array) or map name (map-in-map) */
};
/* _slot fills *out (name owned by the spec): 0, or -ENOENT for idx >= the count. */
EBPF_API size_t ebpf_map_spec_slot_count(const struct ebpf_map_spec *map);
EBPF_API int ebpf_map_spec_slot(const struct ebpf_map_spec *map, size_t idx, struct ebpf_map_slot *out);

/* ----------------------------------------------------------- global variables */

/* A variable of a global-data section (.data, .rodata, .bss, custom). */
struct ebpf_var_info {
	const char *name;	/* owned by the spec */
	uint32_t offset;	/* byte offset in the section's value */
	uint32_t size;		/* bytes */
	uint32_t btf_type;	/* object BTF id of the variable's type (0 if none) */
	bool global;		/* false for static variables */
};
/* Variables of a global-data map; _var fills *out: 0, or -ENOENT for idx >= the count. */
EBPF_API size_t ebpf_map_spec_var_count(const struct ebpf_map_spec *map);
EBPF_API int ebpf_map_spec_var(const struct ebpf_map_spec *map, size_t idx, struct ebpf_var_info *out);
/*
 * Overwrite a variable's initial value before load (the way to set `.rodata`
 * constants). The first variable of that name in any data map is set; `value` is
 * copied. Collections already loaded are not affected. `size` must equal the
 * variable's size. Errors: -ENOENT (no such variable in any data map), -EINVAL
 * (NULL argument, size mismatch), -ENOMEM.
 */
EBPF_API int ebpf_spec_set_var(struct ebpf_spec *spec, const char *name, const void *value, size_t size);

/* ------------------------------------------------------------------ externs */

enum ebpf_extern_kind {
	EBPF_EXTERN_KCONFIG = 1,	/* extern ... __kconfig */
	EBPF_EXTERN_KSYM_VAR = 2,	/* extern <type> sym __ksym (typed) */
	EBPF_EXTERN_KSYM_TYPELESS = 3,	/* extern const void sym __ksym */
	EBPF_EXTERN_KFUNC = 4,		/* extern <func proto> __ksym */
};

struct ebpf_extern_info {
	const char *name;	/* owned by the spec */
	enum ebpf_extern_kind kind;
	bool weak;		/* STB_WEAK: may be absent from the kernel */
	uint32_t btf_id;	/* object BTF id: VAR for variables, FUNC for kfuncs */
	uint32_t btf_type;	/* id of the variable's type / the kfunc's FUNC_PROTO */
	uint32_t size;		/* kconfig: size in bytes; others: 0 */
	uint32_t offset;	/* kconfig: byte offset in the .kconfig map */
};
/* The object's extern declarations; _extern fills *out: 0, or -ENOENT for idx >= the count. */
EBPF_API size_t ebpf_spec_extern_count(const struct ebpf_spec *spec);
EBPF_API int ebpf_spec_extern(const struct ebpf_spec *spec, size_t idx, struct ebpf_extern_info *out);

#ifdef __cplusplus
}
#endif
#endif
