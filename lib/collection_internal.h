/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Internal: what a loaded collection, program and map are made of. Shared by the
 * kernel layer (lib/collection.c, lib/prog_load.c, lib/map*.c), links
 * (lib/link_*.c) and the event readers (lib/ringbuf*.c, lib/perfbuf*.c).
 *
 * Lifetimes: a collection owns its programs and maps (arrays inside it, so
 * pointers to them are stable until ebpf_collection_close()). The collection
 * holds the spec (eb_spec_hold), so the spec pointers below, the names,
 * sections, attach targets and license borrowed from it, and
 * ebpf_prog_spec_of(), stay valid until close even if the caller frees the
 * spec first. A program's relocated image lives only while it is loaded.
 */
#ifndef EB_COLLECTION_INTERNAL_H
#define EB_COLLECTION_INTERNAL_H

#include <stdbool.h>
#include <stdint.h>

#include <ebpf/collection.h>

#include "lib/spec.h"
#include "relo/relo.h"

/*
 * A program's final instruction image: what PROG_LOAD receives. All arrays are
 * eb_malloc'd and owned by whoever holds the image.
 */
struct eb_prog_image {
	struct ebpf_insn *insns;
	uint32_t insn_cnt;
	struct eb_func_info *func_info;		/* NULL/0: load without func_info */
	uint32_t func_info_cnt;
	struct eb_line_info *line_info;		/* NULL/0: load without line_info */
	uint32_t line_info_cnt;
};

struct ebpf_prog {
	struct ebpf_collection *coll;
	const struct ebpf_prog_spec *spec;	/* held by the collection */
	char *name;
	char *section;				/* without '?' */
	char *attach_target;			/* "" if none */
	enum ebpf_prog_type type;
	enum ebpf_attach_type attach_type;	/* EBPF_ATTACH_TYPE_NONE if none */
	/* (prog flags are read from the spec: nothing changes them after open) */
	uint32_t attach_btf_id;			/* kernel BTF id of the attach target, 0 if none */

	int fd;					/* -1 if not loaded */
	int load_err;				/* 0 or negative errno */
	bool selected;				/* chosen for this load */
	/*
	 * Relocation succeeded at load. The relocated instructions themselves are
	 * freed as soon as the program is loaded (kept for every program, they
	 * were half the peak heap of loading 1,000 programs); a private copy
	 * (cookie emulation, eb_prog_load_copy()) relocates the program again.
	 */
	bool relocated;
	char *load_msg;				/* one-line reason, NULL if loaded */
	char *log;				/* verifier log of the failure, NULL if none */
};

struct ebpf_map {
	struct ebpf_collection *coll;
	const struct ebpf_map_spec *spec;	/* held by the collection */
	char *name;				/* the spec's (borrowed) */
	enum ebpf_map_type type;
	uint32_t key_size;
	uint32_t value_size;			/* per element (per-CPU maps: one CPU's share) */
	uint32_t max_entries;
	uint32_t flags;				/* map_flags as created */
	int fd;					/* -1 if not created (not referenced by any chosen program) */
	bool pinned;				/* pinned, or reused from an existing pin */
	bool reused;				/* an existing pin was reused (contents kept) */
	char *pin_path;				/* NULL if not pinned */
	bool frozen;				/* .rodata/.kconfig: frozen after initial value */
};

struct ebpf_collection {
	const struct ebpf_spec *spec;		/* held by the collection */
	struct ebpf_prog *progs;		/* spec->prog_cnt entries, in spec order */
	uint32_t prog_cnt;
	struct ebpf_map *maps;			/* spec->map_cnt entries, in spec order */
	uint32_t map_cnt;
	int btf_fd;				/* the object's sanitized BTF in the kernel, -1 if none */
	/*
	 * The loaded BTF kept its FUNCs (not rewritten for a kernel without them),
	 * so programs may send func_info/line_info naming them.
	 */
	bool btf_funcs;
	char *license;				/* the spec's (borrowed), "" if none */
	uint32_t kern_version;
	uint32_t log_level;			/* for failure retries (>= 1) */
	/* Kernel view used for relocation; kbtf is a reference (put on close). */
	struct eb_relo_env env;
	struct eb_kallsyms *ksyms;
	struct eb_kconfig *kconfig;
	struct eb_extern_res *externs;		/* extern_cnt entries */
	uint32_t extern_cnt;			/* copied: close must not touch the spec */
};

/* ------------------------------------------------------------ for links */

/*
 * Load a PRIVATE copy of an already relocated program (cookie emulation):
 * the program is relocated again, as at load (same externs, kernel BTF and
 * map fds), and `rewrite` receives its final image and may edit or
 * replace its arrays (eb_realloc/eb_free on them is allowed: the image owns
 * them). The copy is loaded with the same type, attach type, attach BTF id,
 * flags, license, object BTF and fd_array as the original. A rewrite that
 * inserts instructions must keep func_info/line_info consistent or drop them
 * (set the counts to 0).
 *
 * On success *out_fd is a new prog fd owned by the caller. Errors: -ENOENT if
 * the program was never relocated (not selected, or relocation failed), the
 * rewrite's error, or the load error with the usual explained one-line message.
 */
typedef int (*eb_prog_rewrite_fn)(struct eb_prog_image *img, void *ctx);
int eb_prog_load_copy(const struct ebpf_prog *prog, eb_prog_rewrite_fn rewrite, void *ctx,
		      int *out_fd);

/* ---------------------------------------- kernel layer, between its files */

/*
 * prog->attach_btf_id for programs that attach by kernel BTF id (tracing, LSM;
 * lib/collection_attach.c), unless already found. Errors name the program and
 * the type looked for.
 */
int eb_coll_attach_btf(struct ebpf_prog *prog);
/*
 * The program types eb_coll_attach_btf() has anything to do for (tracing, LSM,
 * and freplace, which it refuses): tested inline so the other programs of a
 * load make no call.
 */
static inline bool eb_coll_attaches_by_btf(const struct ebpf_prog *prog)
{
	return prog->type == EBPF_PROG_TYPE_TRACING || prog->type == EBPF_PROG_TYPE_LSM ||
	       prog->type == EBPF_PROG_TYPE_EXT;
}
/*
 * Look up the attach targets of all selected programs in one pass over kernel
 * BTF (when there are several); what is not found is left to
 * eb_coll_attach_btf(), which explains it.
 */
void eb_coll_attach_prefetch(struct ebpf_collection *coll);

/* Free an image's arrays. */
void eb_prog_image_free(struct eb_prog_image *img);

/*
 * Relocate `prog` against the collection's kernel view, externs and map fds
 * (eb_relo_program()) into *out, which the caller frees with eb_relo_prog_free().
 * Used at load and again for each private copy.
 */
int eb_prog_relocate(const struct ebpf_prog *prog, struct eb_relo_prog *out);

/*
 * Load `img` as `prog` (PROG_LOAD without a log, then the verifier-log retry
 * and explanation on failure). `relo` is the relocation `img` came from: its
 * notes explain verifier errors, its module BTFs are refused. On failure the
 * thread's message is the one-line explanation; *log_out (if not NULL)
 * receives the eb_malloc'd verifier log or NULL. Returns the fd or a negative
 * errno.
 */
int eb_prog_load_image(const struct ebpf_prog *prog, const struct eb_relo_prog *relo,
		       const struct eb_prog_image *img, char **log_out);

/*
 * Create one map of the collection, write init_value (data maps; NULL: none),
 * freeze it if read-only, and pin it if its spec asks (under pin_root). A map
 * pinned by name that already exists is reused instead, only if compatible.
 * Sets map->fd.
 */
int eb_map_create(struct ebpf_collection *coll, struct ebpf_map *map, const char *pin_root,
		  const void *init_value);
/* Write a map's initial contents (data sections) and freeze read-only ones. */
int eb_map_init_data(struct ebpf_map *map, const void *value);
/* Fill prog-array and map-in-map slots once programs are loaded. */
int eb_map_fill_slots(struct ebpf_collection *coll, struct ebpf_map *map);

#endif
