/*
 * Test-only: build small raw BTF blobs by hand (types and strings appended to
 * fixed buffers), then parse them with eb_btf_parse. Ids are handed out in
 * order from 1. A struct/union/enum is followed by exactly `vlen` calls of
 * tb_member / tb_enumval.
 */
#ifndef CORE_BTF_BUILDER_H
#define CORE_BTF_BUILDER_H

#include <stdint.h>
#include <string.h>

#include "btf/btf.h"
#include "testutil.h"

struct tb {
	uint8_t types[16384];
	size_t tlen;
	char strs[4096];
	size_t slen;
	uint32_t next_id;
};

static inline void tb_init(struct tb *b)
{
	memset(b, 0, sizeof(*b));
	b->slen = 1;
	b->next_id = 1;
}

static inline uint32_t tb_str(struct tb *b, const char *s)
{
	size_t n = strlen(s) + 1;
	uint32_t off;

	if (!*s)
		return 0;
	/* Reuse an existing copy so that offsets stay stable and small. */
	for (size_t i = 1; i + n <= b->slen; i++)
		if (memcmp(b->strs + i, s, n) == 0 && b->strs[i - 1] == 0)
			return (uint32_t)i;
	ck_assert_uint_le(b->slen + n, sizeof(b->strs));
	off = (uint32_t)b->slen;
	memcpy(b->strs + b->slen, s, n);
	b->slen += n;
	return off;
}

static inline void tb_raw(struct tb *b, const void *p, size_t n)
{
	ck_assert_uint_le(b->tlen + n, sizeof(b->types));
	memcpy(b->types + b->tlen, p, n);
	b->tlen += n;
}

static inline uint32_t tb_type(struct tb *b, const char *name, unsigned kind, unsigned vlen, int kflag,
			       uint32_t size_or_type)
{
	struct btf_type t = { .name_off = tb_str(b, name ? name : ""), .info = btf_mk_info(kind, vlen, kflag) };

	t.size = size_or_type;
	tb_raw(b, &t, sizeof(t));
	return b->next_id++;
}

static inline uint32_t tb_int(struct tb *b, const char *name, uint32_t size, int is_signed)
{
	uint32_t id = tb_type(b, name, BTF_KIND_INT, 0, 0, size);
	uint32_t info = ((is_signed ? BTF_INT_SIGNED : 0u) << 24) | (size * 8);

	tb_raw(b, &info, sizeof(info));
	return id;
}

static inline uint32_t tb_ptr(struct tb *b, uint32_t to) { return tb_type(b, NULL, BTF_KIND_PTR, 0, 0, to); }
static inline uint32_t tb_typedef(struct tb *b, const char *name, uint32_t to)
{
	return tb_type(b, name, BTF_KIND_TYPEDEF, 0, 0, to);
}
static inline uint32_t tb_const(struct tb *b, uint32_t to) { return tb_type(b, NULL, BTF_KIND_CONST, 0, 0, to); }

static inline uint32_t tb_array(struct tb *b, uint32_t elem, uint32_t index_type, uint32_t nelems)
{
	uint32_t id = tb_type(b, NULL, BTF_KIND_ARRAY, 0, 0, 0);
	struct btf_array a = { elem, index_type, nelems };

	tb_raw(b, &a, sizeof(a));
	return id;
}

/* kflag set: member offsets carry bitfield sizes (tb_member's bits). */
static inline uint32_t tb_struct(struct tb *b, const char *name, uint32_t size, unsigned vlen, int kflag)
{
	return tb_type(b, name, BTF_KIND_STRUCT, vlen, kflag, size);
}
static inline uint32_t tb_union(struct tb *b, const char *name, uint32_t size, unsigned vlen)
{
	return tb_type(b, name, BTF_KIND_UNION, vlen, 0, size);
}
static inline void tb_member(struct tb *b, const char *name, uint32_t type, uint32_t bit_off, uint32_t bits)
{
	struct btf_member m = { tb_str(b, name ? name : ""), type, (bits << 24) | bit_off };

	tb_raw(b, &m, sizeof(m));
}

static inline uint32_t tb_enum(struct tb *b, const char *name, unsigned vlen, uint32_t size, int is_signed)
{
	return tb_type(b, name, BTF_KIND_ENUM, vlen, is_signed, size);
}
static inline void tb_enumval(struct tb *b, const char *name, int32_t val)
{
	struct btf_enum e = { tb_str(b, name), val };

	tb_raw(b, &e, sizeof(e));
}
static inline uint32_t tb_enum64(struct tb *b, const char *name, unsigned vlen, int is_signed)
{
	return tb_type(b, name, BTF_KIND_ENUM64, vlen, is_signed, 8);
}
static inline void tb_enumval64(struct tb *b, const char *name, uint64_t val)
{
	struct btf_enum64 e = { tb_str(b, name), (uint32_t)val, (uint32_t)(val >> 32) };

	tb_raw(b, &e, sizeof(e));
}

/* Parse what was built; the test owns the result (eb_btf_put). */
static inline struct ebpf_btf *tb_finish(struct tb *b)
{
	static uint8_t blob[sizeof(((struct tb *)0)->types) + sizeof(((struct tb *)0)->strs) + 64];
	struct btf_header h = {
		.magic = BTF_MAGIC, .version = BTF_VERSION, .hdr_len = sizeof(h),
		.type_off = 0, .type_len = (uint32_t)b->tlen,
		.str_off = (uint32_t)b->tlen, .str_len = (uint32_t)b->slen,
	};
	struct ebpf_btf *btf = NULL;
	int err;

	memcpy(blob, &h, sizeof(h));
	memcpy(blob + sizeof(h), b->types, b->tlen);
	memcpy(blob + sizeof(h) + b->tlen, b->strs, b->slen);
	err = eb_btf_parse(blob, sizeof(h) + b->tlen + b->slen, NULL, EB_BTF_COPY, &btf);
	ck_assert_msg(err == 0, "eb_btf_parse of a hand-built BTF: %d %s", err, ebpf_errmsg());
	return btf;
}

#endif
