/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * BPF-side CO-RE macros for libebpf's test programs: thin wrappers over clang's
 * relocation builtins, spelled the way libbpf-based programs spell them so the
 * same source compiles against either header. Include after ebpf_helpers.h.
 *
 *   __builtin_preserve_access_index(expr)     field offsets in expr relocatable
 *   __builtin_preserve_field_info(field, k)    offset/size/exists/signed/shifts
 *   __builtin_preserve_type_info(*(T *)0, k)   exists/size/matches of a type
 *   __builtin_preserve_enum_value(*(E *)V, k)  exists/value of an enumerator
 *   __builtin_btf_type_id(*(T *)0, k)          local/target BTF type id
 */
#ifndef EBPF_CORE_BPF_H
#define EBPF_CORE_BPF_H

/* Put on a struct definition: every access through it becomes relocatable. */
#define __core __attribute__((preserve_access_index))

/* Kinds the builtins take (values of clang's and the kernel's enums). */
enum { EB_FIELD_BYTE_OFFSET = 0, EB_FIELD_BYTE_SIZE = 1, EB_FIELD_EXISTS = 2, EB_FIELD_SIGNED = 3,
       EB_FIELD_LSHIFT_U64 = 4, EB_FIELD_RSHIFT_U64 = 5 };
enum { EB_TYPE_ID_LOCAL = 0, EB_TYPE_ID_TARGET = 1 };
enum { EB_TYPE_EXISTS = 0, EB_TYPE_SIZE = 1, EB_TYPE_MATCHES = 2 };
enum { EB_ENUMVAL_EXISTS = 0, EB_ENUMVAL_VALUE = 1 };

/* Argument counting, so that field macros take either (expr) or (type, field). */
#define ___eb_cat(a, b) ___eb_cat_(a, b)
#define ___eb_cat_(a, b) a##b
#define ___eb_nargs(...) ___eb_nth(__VA_ARGS__, 6, 5, 4, 3, 2, 1, 0)
#define ___eb_nth(_1, _2, _3, _4, _5, _6, N, ...) N

#define ___eb_field_ref1(field) (field)
#define ___eb_field_ref2(type, field) (((typeof(type) *)0)->field)
#define ___eb_field_ref(...) ___eb_cat(___eb_field_ref, ___eb_nargs(__VA_ARGS__))(__VA_ARGS__)

/* bpf_core_field_exists(p->f) or bpf_core_field_exists(struct foo, f): 1 if the kernel has it. */
#define bpf_core_field_exists(...) __builtin_preserve_field_info(___eb_field_ref(__VA_ARGS__), EB_FIELD_EXISTS)
#define bpf_core_field_size(...) __builtin_preserve_field_info(___eb_field_ref(__VA_ARGS__), EB_FIELD_BYTE_SIZE)
#define bpf_core_field_offset(...) __builtin_preserve_field_info(___eb_field_ref(__VA_ARGS__), EB_FIELD_BYTE_OFFSET)
#define bpf_core_field_signed(...) __builtin_preserve_field_info(___eb_field_ref(__VA_ARGS__), EB_FIELD_SIGNED)

#define bpf_core_type_exists(type) __builtin_preserve_type_info(*(typeof(type) *)0, EB_TYPE_EXISTS)
#define bpf_core_type_size(type) __builtin_preserve_type_info(*(typeof(type) *)0, EB_TYPE_SIZE)
#define bpf_core_type_matches(type) __builtin_preserve_type_info(*(typeof(type) *)0, EB_TYPE_MATCHES)
#define bpf_core_type_id_local(type) __builtin_btf_type_id(*(typeof(type) *)0, EB_TYPE_ID_LOCAL)
#define bpf_core_type_id_kernel(type) __builtin_btf_type_id(*(typeof(type) *)0, EB_TYPE_ID_TARGET)

/* bpf_core_enum_value(enum pid_type, PIDTYPE_TGID) */
#define bpf_core_enum_value_exists(enum_type, enumerator) \
	__builtin_preserve_enum_value(*(typeof(enum_type) *)enumerator, EB_ENUMVAL_EXISTS)
#define bpf_core_enum_value(enum_type, enumerator) \
	__builtin_preserve_enum_value(*(typeof(enum_type) *)enumerator, EB_ENUMVAL_VALUE)

/*
 * Read a bitfield through a pointer the verifier lets us dereference directly:
 * load the smallest word that covers it, then shift it into place.
 */
#define BPF_CORE_READ_BITFIELD(s, field) ({                                            \
	const void *___p = (const void *)(s) + __builtin_preserve_field_info((s)->field, \
									    EB_FIELD_BYTE_OFFSET); \
	unsigned long long ___v = 0;                                                   \
	switch (__builtin_preserve_field_info((s)->field, EB_FIELD_BYTE_SIZE)) {       \
	case 1: ___v = *(const unsigned char *)___p; break;                            \
	case 2: ___v = *(const unsigned short *)___p; break;                           \
	case 4: ___v = *(const unsigned int *)___p; break;                             \
	case 8: ___v = *(const unsigned long long *)___p; break;                       \
	}                                                                              \
	___v <<= __builtin_preserve_field_info((s)->field, EB_FIELD_LSHIFT_U64);       \
	if (__builtin_preserve_field_info((s)->field, EB_FIELD_SIGNED))                \
		___v = (long long)___v >> __builtin_preserve_field_info((s)->field, EB_FIELD_RSHIFT_U64); \
	else                                                                           \
		___v = ___v >> __builtin_preserve_field_info((s)->field, EB_FIELD_RSHIFT_U64); \
	___v;                                                                          \
})

/* bpf_probe_read_kernel (from ebpf_helpers.h) of a relocatable source address. */
#define bpf_core_read(dst, sz, src) \
	bpf_probe_read_kernel(dst, sz, (const void *)__builtin_preserve_access_index(src))

/* A bitfield through a pointer only probe reads may use (little-endian targets). */
#define BPF_CORE_READ_BITFIELD_PROBED(s, field) ({                                     \
	unsigned long long ___v = 0;                                                   \
	bpf_probe_read_kernel(&___v, __builtin_preserve_field_info((s)->field, EB_FIELD_BYTE_SIZE), \
			      (const void *)(s) +                                      \
				      __builtin_preserve_field_info((s)->field, EB_FIELD_BYTE_OFFSET)); \
	___v <<= __builtin_preserve_field_info((s)->field, EB_FIELD_LSHIFT_U64);       \
	if (__builtin_preserve_field_info((s)->field, EB_FIELD_SIGNED))                \
		___v = (long long)___v >> __builtin_preserve_field_info((s)->field, EB_FIELD_RSHIFT_U64); \
	else                                                                           \
		___v = ___v >> __builtin_preserve_field_info((s)->field, EB_FIELD_RSHIFT_U64); \
	___v;                                                                          \
})

/*
 * BPF_CORE_READ(p, a, b, c) reads p->a->b->c with one probe read per pointer
 * hop, each offset relocatable. Up to four fields.
 */
#define ___eb_rd1(s, a) ({ typeof((s)->a) ___r1; bpf_core_read(&___r1, sizeof(___r1), &(s)->a); ___r1; })
#define ___eb_rd2(s, a, b) ({ typeof((s)->a) ___p2 = ___eb_rd1(s, a); ___eb_rd1(___p2, b); })
#define ___eb_rd3(s, a, b, c) ({ typeof((s)->a) ___p3 = ___eb_rd1(s, a); ___eb_rd2(___p3, b, c); })
#define ___eb_rd4(s, a, b, c, d) ({ typeof((s)->a) ___p4 = ___eb_rd1(s, a); ___eb_rd3(___p4, b, c, d); })
#define BPF_CORE_READ(src, ...) ___eb_cat(___eb_rd, ___eb_nargs(__VA_ARGS__))(src, __VA_ARGS__)

#endif
