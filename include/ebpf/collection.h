/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Loading a spec into the kernel: a collection owns the maps and programs created
 * from one spec. Programs and maps obtained from a collection are owned by it and
 * live until ebpf_collection_close().
 */
#ifndef EBPF_COLLECTION_H
#define EBPF_COLLECTION_H

#include <ebpf/common.h>
#include <ebpf/spec.h>

#ifdef __cplusplus
extern "C" {
#endif

struct ebpf_collection;
struct ebpf_prog;
struct ebpf_map;

struct ebpf_load_opts {
	size_t sz;
	/*
	 * Load only these programs (NULL-terminated list of names, autoload
	 * ignored), plus the maps they reference; an unknown name fails the load
	 * with -ENOENT. NULL (default): every program whose autoload is set, and
	 * every map.
	 */
	const char *const *programs;
	/* Fail the whole load (and close everything) if any program fails. Default false. */
	bool all_or_nothing;
	/* bpffs directory for maps pinned by name (NULL or "": "/sys/fs/bpf"). */
	const char *pin_root;
	/* Resolve kfuncs, ksyms and CO-RE against this BTF file instead of the running
	 * kernel's (NULL, the default). fentry/lsm/... attach targets always come from
	 * the running kernel. */
	const char *kernel_btf_path;
	/* Verifier log level for the retry after a failure (0: default 1). */
	uint32_t log_level;
};

/*
 * Create the spec's maps and load its programs. A program that fails leaves the
 * others loaded: its error is ebpf_prog_load_error(); the call returns 0 if at
 * least the maps were created and `all_or_nothing` is false. The spec is not
 * modified and may be loaded again. The collection holds the spec: the caller
 * may ebpf_spec_free() it right after this call (or any time), and the spec is
 * freed when both it and every collection loaded from it have let go.
 * A load that fails removes the pins it created; existing pins it reused stay.
 * The caller owns *out (NULL on failure); close it with ebpf_collection_close().
 * Errors: -EINVAL (NULL spec/out, opts->sz too small, foreign-endian object),
 * -ENOENT (a name in opts->programs is not in the object), -ENOMEM, a map's
 * creation or pin error (-EEXIST: incompatible pin, ...), and with
 * all_or_nothing the first program's load error.
 */
EBPF_API int ebpf_collection_load(const struct ebpf_spec *spec, const struct ebpf_load_opts *opts,
				  struct ebpf_collection **out);
/*
 * Close every program and map fd the collection owns and free it; every
 * ebpf_prog/ebpf_map pointer from it becomes invalid. Links made from its
 * programs are not closed and keep running (see link.h); pins stay. NULL is
 * accepted.
 */
EBPF_API void ebpf_collection_close(struct ebpf_collection *coll);

/*
 * Programs and maps by name or index (object order, every one of the spec, also
 * those not loaded); NULL when absent, out of range or coll is NULL. Owned by
 * the collection.
 */
EBPF_API struct ebpf_prog *ebpf_collection_prog(const struct ebpf_collection *coll, const char *name);
EBPF_API struct ebpf_map *ebpf_collection_map(const struct ebpf_collection *coll, const char *name);
EBPF_API size_t ebpf_collection_prog_count(const struct ebpf_collection *coll);
EBPF_API struct ebpf_prog *ebpf_collection_prog_at(const struct ebpf_collection *coll, size_t idx);
EBPF_API size_t ebpf_collection_map_count(const struct ebpf_collection *coll);
EBPF_API struct ebpf_map *ebpf_collection_map_at(const struct ebpf_collection *coll, size_t idx);

/* ---------------------------------------------------------------- programs */

/* The program's function name (NULL for NULL). */
EBPF_API const char *ebpf_prog_name(const struct ebpf_prog *prog);
/* The spec the program was loaded from: valid until ebpf_collection_close(), even if the caller freed the spec. */
EBPF_API const struct ebpf_prog_spec *ebpf_prog_spec_of(const struct ebpf_prog *prog);
/* The program fd (owned by the collection), or -1 if it was not loaded (then see ebpf_prog_load_error()). */
EBPF_API int ebpf_prog_fd(const struct ebpf_prog *prog);
/*
 * 0 if loaded, else the negative errno of its failure, -ENOENT if it was not
 * chosen for the load, -EINVAL for NULL; *msg (may be NULL) gets the one-line
 * reason ("" if none), valid until ebpf_collection_close().
 */
EBPF_API int ebpf_prog_load_error(const struct ebpf_prog *prog, const char **msg);
/* The verifier log of a failed load ("" if none), valid until ebpf_collection_close(). */
EBPF_API const char *ebpf_prog_verifier_log(const struct ebpf_prog *prog);

/* Inputs and outputs of BPF_PROG_TEST_RUN; every field 0/NULL by default. */
struct ebpf_test_run_opts {
	size_t sz;
	const void *data_in;		/* packet/input data, or NULL */
	uint32_t data_size_in;
	void *data_out;
	uint32_t data_size_out;		/* in: capacity; out: bytes written */
	const void *ctx_in;
	uint32_t ctx_size_in;
	void *ctx_out;
	uint32_t ctx_size_out;		/* in: capacity; out: bytes written */
	uint32_t repeat;		/* runs (0: 1) */
	uint32_t flags;			/* the kernel's BPF_F_TEST_* flags */
	uint32_t cpu;			/* with BPF_F_TEST_RUN_ON_CPU */
	uint32_t retval;		/* out */
	uint32_t duration_ns;		/* out: average per repetition */
};
/*
 * Run the program once (or `repeat` times) with BPF_PROG_TEST_RUN; opts may be
 * NULL (no data). The out fields are written back into *opts. Errors: -EINVAL
 * (NULL prog, opts->sz too small), -EBADF (not loaded), -ENOSPC (data_out too
 * small: the out sizes say what was needed), or the kernel's errno (e.g. 524,
 * the kernel's ENOTSUPP, for program types without test runs).
 */
EBPF_API int ebpf_prog_test_run(const struct ebpf_prog *prog, struct ebpf_test_run_opts *opts);

/* -------------------------------------------------------------------- maps */

/*
 * The map's name, fd (owned by the collection; -1 if the map was not created),
 * type and sizes as created. NULL map: NULL, -1, UNSPEC, 0.
 */
EBPF_API const char *ebpf_map_name(const struct ebpf_map *map);
EBPF_API int ebpf_map_fd(const struct ebpf_map *map);
EBPF_API enum ebpf_map_type ebpf_map_type(const struct ebpf_map *map);
EBPF_API uint32_t ebpf_map_key_size(const struct ebpf_map *map);
/* Value size as the kernel sees it per element (per-CPU maps: one CPU's share). */
EBPF_API uint32_t ebpf_map_value_size(const struct ebpf_map *map);
EBPF_API uint32_t ebpf_map_max_entries(const struct ebpf_map *map);
/*
 * Bytes a lookup/update buffer needs: value_size, or round_up(value_size, 8) *
 * possible CPUs for per-CPU maps (0 for NULL or if the CPU count is unreadable).
 */
EBPF_API size_t ebpf_map_value_buf_size(const struct ebpf_map *map);

/*
 * Element operations. key is key_size bytes, value ebpf_map_value_buf_size()
 * bytes; flags for update are EBPF_ANY/NOEXIST/EXIST/F_LOCK. Errors: -EINVAL
 * (NULL map), -EBADF (map not created), -ENOENT (no such key), -EEXIST
 * (NOEXIST and the key is there), -E2BIG (map full), -EPERM (update of a map
 * frozen after load, e.g. .rodata), or another kernel errno.
 */
EBPF_API int ebpf_map_lookup(const struct ebpf_map *map, const void *key, void *value);
EBPF_API int ebpf_map_update(const struct ebpf_map *map, const void *key, const void *value, uint64_t flags);
EBPF_API int ebpf_map_delete(const struct ebpf_map *map, const void *key);
/* key NULL: first key. -ENOENT after the last. next_key (key_size bytes) is required (-EINVAL). */
EBPF_API int ebpf_map_next_key(const struct ebpf_map *map, const void *key, void *next_key);

/* Look up and remove in one step (queue/stack maps: pop, key NULL). */
EBPF_API int ebpf_map_lookup_and_delete(const struct ebpf_map *map, const void *key, void *value);
/* Make the map read-only for user space from now on (BPF_MAP_FREEZE). */
EBPF_API int ebpf_map_freeze(const struct ebpf_map *map);

/*
 * Batch operations (hash and array maps; -EOPNOTSUPP for others). `count` is in:
 * capacity of keys/values (elements), out: elements processed, also on failure.
 * Lookup batches: in_batch NULL starts at the beginning, out_batch receives the
 * position to continue from (key_size bytes; for hashes at least 4); -ENOENT
 * means the end was reached and *count elements were still returned.
 * values holds ebpf_map_value_buf_size() bytes per element. Errors besides
 * those: -EINVAL (NULL map or count), -EBADF (map not created), kernel errnos.
 */
EBPF_API int ebpf_map_lookup_batch(const struct ebpf_map *map, void *in_batch, void *out_batch,
				   void *keys, void *values, uint32_t *count);
EBPF_API int ebpf_map_lookup_and_delete_batch(const struct ebpf_map *map, void *in_batch,
					      void *out_batch, void *keys, void *values,
					      uint32_t *count);
EBPF_API int ebpf_map_update_batch(const struct ebpf_map *map, const void *keys, const void *values,
				   uint32_t *count, uint64_t elem_flags);
EBPF_API int ebpf_map_delete_batch(const struct ebpf_map *map, const void *keys, uint32_t *count);

/* Number of possible CPUs (sizing per-CPU values), or a negative errno if sysfs cannot be read. */
EBPF_API int ebpf_num_possible_cpus(void);

#ifdef __cplusplus
}
#endif
#endif
