/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Internal BTF interface: the on-disk format (our own definitions of the kernel's
 * BTF UAPI), the parsed-BTF object shared by object BTF and kernel BTF, lookups,
 * type helpers, .BTF.ext and the writer/sanitizer.
 *
 * Every BTF blob is untrusted: eb_btf_parse() validates it completely in one pass
 * (sizes, kinds, every referenced id, every string offset, reference cycles), so
 * that the accessors below may assume well-formed data afterwards.
 */
#ifndef EB_BTF_H
#define EB_BTF_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <ebpf/common.h>

/* ------------------------------------------------------------------ format */

#define BTF_MAGIC 0xeB9F
#define BTF_VERSION 1

enum btf_kind {
	BTF_KIND_UNKN = 0,
	BTF_KIND_INT = 1,
	BTF_KIND_PTR = 2,
	BTF_KIND_ARRAY = 3,
	BTF_KIND_STRUCT = 4,
	BTF_KIND_UNION = 5,
	BTF_KIND_ENUM = 6,
	BTF_KIND_FWD = 7,
	BTF_KIND_TYPEDEF = 8,
	BTF_KIND_VOLATILE = 9,
	BTF_KIND_CONST = 10,
	BTF_KIND_RESTRICT = 11,
	BTF_KIND_FUNC = 12,
	BTF_KIND_FUNC_PROTO = 13,
	BTF_KIND_VAR = 14,
	BTF_KIND_DATASEC = 15,
	BTF_KIND_FLOAT = 16,
	BTF_KIND_DECL_TAG = 17,
	BTF_KIND_TYPE_TAG = 18,
	BTF_KIND_ENUM64 = 19,
	BTF_KIND_MAX = 19,
};

struct btf_header {
	uint16_t magic;
	uint8_t version;
	uint8_t flags;
	uint32_t hdr_len;
	uint32_t type_off;	/* relative to the end of the header */
	uint32_t type_len;
	uint32_t str_off;	/* relative to the end of the header */
	uint32_t str_len;
};

struct btf_type {
	uint32_t name_off;
	/* bits 0-15: vlen, 24-28: kind, 31: kind_flag */
	uint32_t info;
	union {
		uint32_t size;	/* INT, ENUM, STRUCT, UNION, DATASEC, FLOAT, ENUM64 */
		uint32_t type;	/* PTR, TYPEDEF, VOLATILE, CONST, RESTRICT, FUNC, FUNC_PROTO, VAR, DECL_TAG, TYPE_TAG */
	};
};

static inline unsigned btf_kind(const struct btf_type *t) { return (t->info >> 24) & 0x1f; }
static inline unsigned btf_vlen(const struct btf_type *t) { return t->info & 0xffff; }
static inline bool btf_kflag(const struct btf_type *t) { return t->info >> 31; }
static inline uint32_t btf_mk_info(unsigned kind, unsigned vlen, bool kflag)
{
	return ((uint32_t)kflag << 31) | ((uint32_t)(kind & 0x1f) << 24) | (vlen & 0xffff);
}

/* INT: one u32 after the type: encoding (bits 24-27), offset (16-23), bits (0-7). */
#define BTF_INT_ENCODING(v) (((v) & 0x0f000000) >> 24)
#define BTF_INT_OFFSET(v) (((v) & 0x00ff0000) >> 16)
#define BTF_INT_BITS(v) ((v) & 0x000000ff)
#define BTF_INT_SIGNED (1 << 0)
#define BTF_INT_CHAR (1 << 1)
#define BTF_INT_BOOL (1 << 2)

struct btf_array { uint32_t type; uint32_t index_type; uint32_t nelems; };
struct btf_member { uint32_t name_off; uint32_t type; uint32_t offset; };
/* With kind_flag set on a STRUCT/UNION, member offset holds bitfield size too. */
#define BTF_MEMBER_BITFIELD_SIZE(off) ((off) >> 24)
#define BTF_MEMBER_BIT_OFFSET(off) ((off) & 0xffffff)
struct btf_enum { uint32_t name_off; int32_t val; };
struct btf_enum64 { uint32_t name_off; uint32_t val_lo32; uint32_t val_hi32; };
struct btf_param { uint32_t name_off; uint32_t type; };
enum { BTF_VAR_STATIC = 0, BTF_VAR_GLOBAL_ALLOCATED = 1, BTF_VAR_GLOBAL_EXTERN = 2 };
struct btf_var { uint32_t linkage; };
struct btf_var_secinfo { uint32_t type; uint32_t offset; uint32_t size; };
struct btf_decl_tag { int32_t component_idx; };
enum { BTF_FUNC_STATIC = 0, BTF_FUNC_GLOBAL = 1, BTF_FUNC_EXTERN = 2 };

/* "STRUCT", "FUNC_PROTO", ...: a kind's name for messages ("unknown" if out of range). */
const char *eb_btf_kind_name(unsigned kind);

/* The records that follow a btf_type, by kind. */
static inline const void *btf_type_extra(const struct btf_type *t) { return t + 1; }
static inline const struct btf_member *btf_members(const struct btf_type *t) { return (const void *)(t + 1); }
static inline const struct btf_param *btf_params(const struct btf_type *t) { return (const void *)(t + 1); }
static inline const struct btf_enum *btf_enums(const struct btf_type *t) { return (const void *)(t + 1); }
static inline const struct btf_enum64 *btf_enums64(const struct btf_type *t) { return (const void *)(t + 1); }
static inline const struct btf_array *btf_array_info(const struct btf_type *t) { return (const void *)(t + 1); }
static inline const struct btf_var *btf_var_info(const struct btf_type *t) { return (const void *)(t + 1); }
static inline const struct btf_var_secinfo *btf_secinfos(const struct btf_type *t) { return (const void *)(t + 1); }
static inline uint32_t btf_int_info(const struct btf_type *t) { return *(const uint32_t *)(t + 1); }
static inline uint32_t btf_member_bit_offset(const struct btf_type *t, const struct btf_member *m)
{
	return btf_kflag(t) ? BTF_MEMBER_BIT_OFFSET(m->offset) : m->offset;
}
static inline uint32_t btf_member_bitfield_size(const struct btf_type *t, const struct btf_member *m)
{
	return btf_kflag(t) ? BTF_MEMBER_BITFIELD_SIZE(m->offset) : 0;
}

/* ----------------------------------------------------------- parsed BTF */

/*
 * struct ebpf_btf (public opaque type) is defined in btf/btf_internal.h. It holds
 * the raw bytes (owned copy, caller's buffer, or an mmap of a kernel file), a
 * type-offset table built during validation, the string section, an optional
 * base BTF (split BTF: ids and string offsets continue the base's), and a lazily
 * built name index.
 */
struct ebpf_btf;

/* How eb_btf_parse() treats the bytes it is given. */
enum eb_btf_mem {
	EB_BTF_COPY = 0,	/* copy the bytes; the caller's buffer may go away */
	EB_BTF_BORROW = 1,	/* use the caller's buffer, which must outlive the BTF */
};

/*
 * Validate `size` bytes of raw BTF and build a BTF object. `base` (may be NULL)
 * makes it split BTF on top of base; the new object takes a reference on base.
 * A blob in the foreign byte order is byte-swapped into an owned copy (mem is
 * then ignored). Errors: -EINVAL with an ebpf_errmsg() naming the type id / offset
 * at fault; -ENOMEM.
 */
int eb_btf_parse(const void *data, size_t size, struct ebpf_btf *base, enum eb_btf_mem mem,
		 struct ebpf_btf **out);

/* Read and validate a raw BTF file (mmap where possible); base as above. */
int eb_btf_load_file(const char *path, struct ebpf_btf *base, struct ebpf_btf **out);

/*
 * The running kernel's vmlinux BTF, shared process-wide: mapped and validated once,
 * then reference-counted; thread-safe. Release with eb_btf_put().
 */
int eb_btf_vmlinux(struct ebpf_btf **out);
/* Module BTF named `module` (/sys/kernel/btf/<module>) as split BTF on vmlinux; cached. */
int eb_btf_kernel_module(const char *module, struct ebpf_btf **out);
/*
 * Find a name in the kernel: vmlinux first, then (only if absent there) every
 * module's BTF. On success *btf is a new reference to the BTF it was found in and
 * *module_name is NULL for vmlinux.
 */
int eb_btf_kernel_find(const char *name, unsigned kind, struct ebpf_btf **btf, uint32_t *id,
		       const char **module_name);

struct ebpf_btf *eb_btf_get(struct ebpf_btf *btf);	/* take a reference */
void eb_btf_put(struct ebpf_btf *btf);			/* drop a reference; NULL ok */

/* Raw bytes of the BTF as parsed (host byte order), e.g. to load into the kernel. */
const void *eb_btf_raw(const struct ebpf_btf *btf, size_t *size);
/* Whether the original blob was in the foreign byte order. */
bool eb_btf_swapped(const struct ebpf_btf *btf);

/* Number of type ids, including id 0 (void) and, for split BTF, the base's ids. */
uint32_t eb_btf_type_cnt(const struct ebpf_btf *btf);
/* First id that belongs to this BTF (1, or base's count for split BTF). */
uint32_t eb_btf_start_id(const struct ebpf_btf *btf);
/* The type with this id (searching the base for split BTF); NULL if out of range. id 0 is void (NULL). */
const struct btf_type *eb_btf_type(const struct ebpf_btf *btf, uint32_t id);
/* The string at `off` (split BTF: base strings first); NULL if out of range. */
const char *eb_btf_str(const struct ebpf_btf *btf, uint32_t off);
/* A type's name ("" for anonymous types; never NULL for a valid type). */
const char *eb_btf_name(const struct ebpf_btf *btf, const struct btf_type *t);

/* First id of `kind` named exactly `name` (kind 0: any kind). -ENOENT if none. */
int32_t eb_btf_find(const struct ebpf_btf *btf, const char *name, unsigned kind);
/*
 * Resolve n names in one pass over the types (base first for split BTF):
 * ids[i] = the first id of kinds[i] (kinds NULL or 0: any kind) named names[i],
 * or -ENOENT. Use it to resolve every name a load needs at once: one pass costs
 * about one linear lookup. Returns how many were found, or -ENOMEM.
 */
int eb_btf_find_many(const struct ebpf_btf *btf, const char *const *names, const unsigned *kinds,
		     size_t n, int32_t *ids);
/*
 * Ids of all types of `kind` whose essential name equals essential(name) — the name
 * without a "___flavor" suffix (names starting with "___" have no flavor). Writes up
 * to `max` ids; returns how many exist (may exceed max), or a negative errno.
 */
int eb_btf_find_essential(const struct ebpf_btf *btf, const char *name, unsigned kind,
			  uint32_t *ids, int max);
/* Length of the essential part of `name` (strlen(name) when it has no flavor). */
size_t eb_btf_essential_len(const char *name);

/* Skip typedefs and modifiers (const, volatile, restrict, type_tag). *out_id may be NULL. */
const struct btf_type *eb_btf_skip_mods_typedefs(const struct ebpf_btf *btf, uint32_t id,
						  uint32_t *out_id);
/* Skip modifiers only (typedefs kept). */
const struct btf_type *eb_btf_skip_mods(const struct ebpf_btf *btf, uint32_t id, uint32_t *out_id);
/* Byte size of a type (arrays multiplied out, pointers 8). -EINVAL if it has no size. */
int64_t eb_btf_type_size(const struct ebpf_btf *btf, uint32_t id);

/*
 * Whether `local_id` in `local` is compatible with `targ_id` in `targ` in the sense
 * the kernel and libbpf use for kfunc prototypes and typed ksyms: same kinds after
 * skipping modifiers/typedefs, ints of equal size, pointers to compatible (or any
 * for void), func protos with the same arity and compatible return/params, structs
 * and unions by essential name. Returns true/false.
 */
bool eb_btf_types_compat(const struct ebpf_btf *local, uint32_t local_id,
			 const struct ebpf_btf *targ, uint32_t targ_id);

/* Render a type as C-like text ("struct task_struct *(int)") for messages. */
int eb_btf_type_str(const struct ebpf_btf *btf, uint32_t id, char *buf, size_t len);

/* --------------------------------------------------------------- .BTF.ext */

/* Normalized .BTF.ext records; insn_off is in instructions, not bytes. */
struct eb_func_info { uint32_t insn_off; uint32_t type_id; };
struct eb_line_info { uint32_t insn_off; uint32_t file_name_off; uint32_t line_off; uint32_t line_col; };

/* CO-RE relocation kinds (values of the kernel UAPI enum bpf_core_relo_kind). */
enum eb_core_kind {
	EB_CORE_FIELD_BYTE_OFFSET = 0,
	EB_CORE_FIELD_BYTE_SIZE = 1,
	EB_CORE_FIELD_EXISTS = 2,
	EB_CORE_FIELD_SIGNED = 3,
	EB_CORE_FIELD_LSHIFT_U64 = 4,
	EB_CORE_FIELD_RSHIFT_U64 = 5,
	EB_CORE_TYPE_ID_LOCAL = 6,
	EB_CORE_TYPE_ID_TARGET = 7,
	EB_CORE_TYPE_EXISTS = 8,
	EB_CORE_TYPE_SIZE = 9,
	EB_CORE_ENUMVAL_EXISTS = 10,
	EB_CORE_ENUMVAL_VALUE = 11,
	EB_CORE_TYPE_MATCHES = 12,
};
struct eb_core_relo { uint32_t insn_off; uint32_t type_id; uint32_t access_str_off; uint32_t kind; };

/* The three tables of .BTF.ext. */
enum eb_btf_ext_table { EB_EXT_FUNC_INFO, EB_EXT_LINE_INFO, EB_EXT_CORE_RELO };

/*
 * The records of one ELF section in one table. sec_name points into the BTF
 * string table. A parsed .BTF.ext keeps its records raw (`raw`: cnt records of
 * rec_size bytes in the file's byte order, insn_off in bytes), checked at parse
 * only to lie inside the table: open costs O(sections), and a record is decoded
 * and validated by eb_btf_ext_decode() when it is used. Records built in memory
 * (tests) are given decoded in `recs` instead, and are trusted.
 */
struct eb_btf_ext_sec {
	const char *sec_name;
	uint32_t cnt;
	void *recs;		/* decoded eb_func_info[] / eb_line_info[] / eb_core_relo[], or NULL */
	const uint8_t *raw;	/* when recs is NULL */
	uint32_t rec_size;	/* of a raw record, >= the decoded struct's size */
	bool swap;		/* raw records are in the foreign byte order */
};

struct eb_btf_ext {
	struct eb_btf_ext_sec *func_info;	uint32_t func_info_cnt;
	struct eb_btf_ext_sec *line_info;	uint32_t line_info_cnt;
	struct eb_btf_ext_sec *core_relo;	uint32_t core_relo_cnt;
	void *owned;	/* eb_btf_ext_parse(): its copy of the section's bytes (raw points into it) */
};

/*
 * Parse .BTF.ext against its .BTF: the header, each table's record size and
 * each section's header (name string, record count, records inside the table).
 * Records are not read here (see eb_btf_ext_decode). The bytes are copied once,
 * so `data` may go away after the call.
 */
int eb_btf_ext_parse(const void *data, size_t size, bool swap, const struct ebpf_btf *btf,
		     struct eb_btf_ext **out);
/* The same without the copy: `data` must stay valid and unchanged until eb_btf_ext_free(). */
int eb_btf_ext_parse_borrowed(const void *data, size_t size, bool swap, const struct ebpf_btf *btf,
			      struct eb_btf_ext **out);
void eb_btf_ext_free(struct eb_btf_ext *ext);
/* The records for section `sec_name` of one table (NULL if none). */
const struct eb_btf_ext_sec *eb_btf_ext_find(const struct eb_btf_ext_sec *secs, uint32_t cnt,
					     const char *sec_name);

/* Size of one decoded record of `tab` (inline: the loader asks per program). */
static inline size_t eb_btf_ext_rec_size(enum eb_btf_ext_table tab)
{
	return tab == EB_EXT_FUNC_INFO ? sizeof(struct eb_func_info) :
	       tab == EB_EXT_LINE_INFO ? sizeof(struct eb_line_info) :
	       tab == EB_EXT_CORE_RELO ? sizeof(struct eb_core_relo) : 0;
}
/*
 * The instruction record i (< s->cnt) describes, not validated (a raw insn_off
 * that is not a multiple of 8 is refused by eb_btf_ext_decode): for searching.
 */
uint32_t eb_btf_ext_insn(const struct eb_btf_ext_sec *s, enum eb_btf_ext_table tab, uint32_t i);
/*
 * Decode records [first, first + n) of `s` (a section of table `tab`) into `out`
 * (n decoded records), validating each against `btf` (the .BTF the .BTF.ext
 * was parsed with): insn offset a multiple of 8, type ids in range (func_info:
 * a FUNC), string offsets in range, CO-RE kind known. -EINVAL names the table,
 * section, record index and field; -ERANGE if the range is outside the section.
 */
int eb_btf_ext_decode(const struct ebpf_btf *btf, const struct eb_btf_ext_sec *s, enum eb_btf_ext_table tab,
		      uint32_t first, uint32_t n, void *out);
/*
 * The same, with `delta` added to each record's insn_off (unsigned: it wraps):
 * the loader moves a function's records to where the function lands in the
 * program as it decodes them, instead of in a second pass.
 */
int eb_btf_ext_decode_rebased(const struct ebpf_btf *btf, const struct eb_btf_ext_sec *s,
			      enum eb_btf_ext_table tab, uint32_t first, uint32_t n, uint32_t delta, void *out);
/* Decode a whole section into a new array (eb_free() it; NULL when s->cnt is 0). */
int eb_btf_ext_decode_all(const struct ebpf_btf *btf, const struct eb_btf_ext_sec *s,
			  enum eb_btf_ext_table tab, void **out);

/* ------------------------------------------------------- writer, sanitizer */

/*
 * A mutable copy of a BTF, for fixing up object BTF before it goes to the kernel
 * (DATASEC sizes and VAR offsets clang left zero, .ksyms/.kconfig datasecs) and
 * for sanitizing kinds the kernel lacks.
 */
struct eb_btf_builder;

int eb_btf_builder_new(const struct ebpf_btf *src, struct eb_btf_builder **out);
void eb_btf_builder_free(struct eb_btf_builder *b);
/* Number of type ids of the copy, id 0 included (grows with eb_btf_builder_add_type). */
uint32_t eb_btf_builder_type_cnt(const struct eb_btf_builder *b);
/*
 * A writable pointer to type `id` of the copy (records included); NULL if out of
 * range. A record may be rewritten to a kind/vlen needing at most as many bytes
 * of records as it had. Valid until the next eb_btf_builder_add_type().
 */
struct btf_type *eb_btf_builder_type(struct eb_btf_builder *b, uint32_t id);
/* The string at `off` of the copy (added strings included); NULL if out of range. */
const char *eb_btf_builder_str(const struct eb_btf_builder *b, uint32_t off);
/* Append a string; returns its offset or a negative errno. */
int64_t eb_btf_builder_add_str(struct eb_btf_builder *b, const char *s);
/* Append a type (records in `extra`, sized by its kind and vlen); returns its new id or a negative errno. */
int64_t eb_btf_builder_add_type(struct eb_btf_builder *b, const struct btf_type *t, const void *extra);
/* Serialize to a fresh raw BTF blob (eb_malloc'd, caller eb_frees), validated by eb_btf_parse(). */
int eb_btf_builder_finish(struct eb_btf_builder *b, void **data, size_t *size);

/* Kernel BTF features a sanitizer may have to remove; see lib/features.c. */
enum eb_btf_feature {
	EB_BTF_FEAT_DATASEC = 1u << 0,		/* VAR and DATASEC kinds */
	EB_BTF_FEAT_FUNC = 1u << 1,		/* FUNC and FUNC_PROTO */
	EB_BTF_FEAT_FUNC_GLOBAL = 1u << 2,	/* FUNC linkage global */
	EB_BTF_FEAT_FLOAT = 1u << 3,
	EB_BTF_FEAT_DECL_TAG = 1u << 4,
	EB_BTF_FEAT_TYPE_TAG = 1u << 5,
	EB_BTF_FEAT_ENUM64 = 1u << 6,
	EB_BTF_FEAT_QMARK_DATASEC = 1u << 7,	/* DATASEC names starting with '?' */
	EB_BTF_FEAT_ALL = 0xff,
};

/*
 * What eb_btf_sanitize() would look at in `obj`: the eb_btf_feature bits its
 * types rely on (kinds, FUNC linkage, kind flags, '?' names) and, in
 * *has_externs, whether it holds extern FUNCs/VARs or extern DATASECs (always
 * rewritten). With no externs and every used feature supported, the object's
 * raw BTF can go to the kernel as is (see eb_btf_raw_canonical()).
 */
uint32_t eb_btf_features_used(const struct ebpf_btf *obj, bool *has_externs);
/*
 * Whether `btf`'s raw bytes are laid out as the kernel wants them and as
 * eb_btf_builder_finish() would write them: a 24-byte header, types then
 * strings, no gap, no trailing bytes, native byte order.
 */
bool eb_btf_raw_canonical(const struct ebpf_btf *btf);

/*
 * Fill in what clang leaves for the loader in object BTF: DATASEC sizes and VAR
 * offsets of global-data sections (from the ELF section sizes and symbol values
 * the callback reports), sorted secinfos. Edits `btf` in place; it must own its
 * bytes (parsed with EB_BTF_COPY). Called once by the ELF reader at spec time.
 */
struct eb_btf_fixup_cb {
	/* Size of the ELF section named `name`; -ENOENT if none. */
	int (*section_size)(void *ctx, const char *name, uint32_t *size);
	/* Offset of variable `name` in section `sec`; -ENOENT if none. */
	int (*var_offset)(void *ctx, const char *sec, const char *name, uint32_t *off);
	void *ctx;
};
int eb_btf_fixup_datasecs(struct ebpf_btf *btf, const struct eb_btf_fixup_cb *cb);
/*
 * The same for BTF parsed with EB_BTF_BORROW from `raw` (its eb_btf_raw()),
 * bytes the caller owns and lets it write (a private mapping of an object file):
 * the fix-ups are written into them. BTF that owns its bytes is fixed as above.
 */
int eb_btf_fixup_datasecs_writable(struct ebpf_btf *btf, void *raw, const struct eb_btf_fixup_cb *cb);

/*
 * Produce the BTF blob to load into a kernel that supports `features` (a mask of
 * eb_btf_feature): the object BTF with the .ksyms/.kconfig DATASECs made
 * acceptable to the kernel's validator and every unsupported kind rewritten to a
 * supported equivalent with the same id, so instruction and .BTF.ext references
 * stay valid. *data is malloc'd; the caller frees it.
 */
int eb_btf_sanitize(const struct ebpf_btf *obj, uint32_t features, void **data, size_t *size);

#endif
