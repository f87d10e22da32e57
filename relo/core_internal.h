/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Internal to relo/core*.c: the pieces eb_core_apply() is made of, exposed so
 * that unit tests can check each step (access-string walk, target matching,
 * value calculation, instruction patching) on its own.
 *
 * Vocabulary. A CO-RE record names a local "root" type and an access string
 * "0:3:1": the first number indexes the root as if it were an array (pointer
 * arithmetic), each further number picks a member of a struct/union or an
 * element of an array. A *spec* is that walk resolved against one BTF: the
 * named steps (accessors) that must be found again in the target, the raw
 * indices, and the bit offset reached.
 */
#ifndef EB_CORE_INTERNAL_H
#define EB_CORE_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "btf/btf.h"
#include "relo/core.h"

/* The kernel and clang cap access strings well below this; deeper is refused. */
#define EB_CORE_SPEC_MAX 64

struct eb_core_acc {
	/*
	 * Member step: the struct/union holding the member. Array step (and the
	 * root step): the element type, modifiers and typedefs skipped.
	 */
	uint32_t type_id;
	uint32_t idx;		/* member, element or enumerator index */
	const char *name;	/* member or enumerator name; NULL for array steps */
};

struct eb_core_spec {
	const struct ebpf_btf *btf;
	uint32_t root_id;	/* the record's type id (or the candidate's id), unskipped */
	enum eb_core_kind kind;
	/* Named steps only: anonymous members are walked through but not recorded. */
	struct eb_core_acc acc[EB_CORE_SPEC_MAX];
	uint32_t len;
	uint32_t raw[EB_CORE_SPEC_MAX];
	uint32_t raw_len;
	uint64_t bit_off;	/* field relocations: bit offset of the field from the root */
};

static inline bool eb_core_kind_is_field(uint32_t k) { return k <= EB_CORE_FIELD_RSHIFT_U64; }
static inline bool eb_core_kind_is_type(uint32_t k)
{
	return (k >= EB_CORE_TYPE_ID_LOCAL && k <= EB_CORE_TYPE_SIZE) || k == EB_CORE_TYPE_MATCHES;
}
static inline bool eb_core_kind_is_enumval(uint32_t k)
{
	return k == EB_CORE_ENUMVAL_EXISTS || k == EB_CORE_ENUMVAL_VALUE;
}
/* "field_byte_offset", "type_exists", ... ("unknown" out of range). */
const char *eb_core_kind_name(uint32_t kind);

/* ------------------------------------------------------------- core_access.c */

/*
 * Resolve access string `access` of a record of `kind` rooted at `type_id`
 * against the object's own BTF. -EINVAL (message says what is wrong) for a
 * malformed string, an index out of range or a walk through a type that has no
 * members or elements.
 */
int eb_core_spec_parse(const struct ebpf_btf *btf, uint32_t type_id, const char *access,
		       enum eb_core_kind kind, struct eb_core_spec *spec);

/*
 * Try to follow the local spec inside target candidate `targ_id`. 1 and *out
 * filled when it matches, 0 when it does not, negative errno on malformed BTF.
 */
int eb_core_spec_match(const struct eb_core_spec *local, const struct ebpf_btf *targ,
		       uint32_t targ_id, struct eb_core_spec *out);

/* Human form of a spec for messages: "task_struct.real_parent", "enum pid_type::PIDTYPE_TGID". */
void eb_core_spec_str(const struct eb_core_spec *spec, char *buf, size_t len);

/* ------------------------------------------------------------- core_compat.c */

/* Same kind for CO-RE purposes (enum and enum64 are interchangeable). */
bool eb_core_kinds_compat(const struct btf_type *a, const struct btf_type *b);
/* Field types compatible (the kernel's rules for a member found by name). 1/0/-errno. */
int eb_core_fields_compat(const struct ebpf_btf *local, uint32_t local_id,
			  const struct ebpf_btf *targ, uint32_t targ_id);
/* Types compatible for type_id_target / type_exists / type_size. 1/0/-errno. */
int eb_core_types_compat(const struct ebpf_btf *local, uint32_t local_id,
			 const struct ebpf_btf *targ, uint32_t targ_id);
/* The stricter shape match of type_matches. 1/0/-errno. */
int eb_core_types_match(const struct ebpf_btf *local, uint32_t local_id,
			const struct ebpf_btf *targ, uint32_t targ_id);
/* Two names equal in their essential part ("" only matches ""). */
bool eb_core_names_match(const char *a, const char *b);

/* --------------------------------------------------------------- core_calc.c */

/* The values one relocation produces, local (what clang wrote) and target. */
struct eb_core_res {
	uint64_t orig_val;	/* what the local BTF predicts the instruction holds */
	uint64_t new_val;	/* what it must hold for the target */
	uint32_t orig_sz;	/* field byte_offset relocations: field sizes, for loads/stores */
	uint32_t new_sz;
	bool poison;		/* unsatisfiable: the instruction must be poisoned */
	bool validate;		/* check orig_val against the instruction (off for bitfields) */
	bool fail_memsz;	/* field size changed in a way a load/store cannot absorb */
};

/*
 * Compute the values for `local` against `targ` (NULL: no candidate matched).
 * `big_endian` is the byte order of the target (bitfield shifts depend on it).
 * -EINVAL (message set) for relocations that make no sense (e.g. a bitfield
 * shift of an array element), -E2BIG for a bitfield no 64-bit load can hold.
 */
int eb_core_calc(const struct eb_core_spec *local, const struct eb_core_spec *targ, bool big_endian,
		 struct eb_core_res *res);

/* -------------------------------------------------------------- core_patch.c */

/*
 * Patch instruction `idx` (an ALU/ALU64 with immediate, a load/store, or an
 * ld_imm64 spanning idx and idx+1) with res->new_val, after checking it holds
 * res->orig_val. Returns 0, or -EINVAL / -ERANGE with a message (prefixed by
 * the caller with program and relocation). A fail_memsz load/store is poisoned
 * instead and reported through *poisoned.
 */
int eb_core_patch(struct ebpf_insn *insns, uint32_t insn_cnt, uint32_t idx,
		  const struct eb_core_res *res, bool *poisoned);
/* Turn instruction `idx` (both halves of an ld_imm64) into `call 0xbad2310`. */
void eb_core_poison(struct ebpf_insn *insns, uint32_t insn_cnt, uint32_t idx);

/* -------------------------------------------------------------- core_cands.c */

/*
 * Target candidates for one local type: ids in `btf`, which is the target BTF,
 * or (target = running vmlinux without a candidate) the module BTF, split on
 * vmlinux, that has them; match and compute against `btf`.
 */
struct eb_core_cands {
	uint32_t *ids;
	uint32_t cnt;
	const struct ebpf_btf *btf;
	const char *module;	/* module name when btf is module BTF, else NULL */
};

/*
 * The candidates for local type `local_id` (same essential name, compatible
 * kind) in `targ`, found through the target's name index and cached per local
 * type. When `targ` is the running kernel's vmlinux and has none, the kernel's
 * module BTFs are searched (vmlinux first, modules only as fallback). The
 * result is owned by the cache and valid until the next call (the cache's
 * table may grow then). A cache is tied to the first (local, targ) pair it
 * serves; a different pair resets it.
 */
int eb_core_cands_get(struct eb_core_cache *cache, const struct ebpf_btf *local, uint32_t local_id,
		      const struct ebpf_btf *targ, const struct eb_core_cands **out);

/*
 * Resolved relocations, remembered in the cache: a relocation's result depends
 * only on its local type, access string and kind (for the cache's (local, targ)
 * pair), and a program set repeats the same few again and again.
 */
struct eb_core_memo {
	uint32_t type_id, access_off, kind;
	uint32_t cand_cnt;		/* candidates tried, for the note of an unmatched one */
	struct eb_core_res res;
};
/* The remembered result for this key, or NULL (also when `cache` serves another pair). */
const struct eb_core_memo *eb_core_memo_get(const struct eb_core_cache *cache, const struct ebpf_btf *local,
					    const struct ebpf_btf *targ, uint32_t type_id, uint32_t access_off,
					    uint32_t kind);
/*
 * Remember `m` when `cache` serves (local, targ) (tied by eb_core_cands_get);
 * otherwise, or without memory, nothing is remembered (it is only a shortcut).
 */
void eb_core_memo_put(struct eb_core_cache *cache, const struct ebpf_btf *local, const struct ebpf_btf *targ,
		      const struct eb_core_memo *m);

#endif
