// SPDX-License-Identifier: BSD-2-Clause
/*
 * A mutable copy of a parsed BTF (the writer): types and strings copied into
 * growable buffers, edited in place through eb_btf_builder_type(), extended with
 * new strings and new types (appended, so every existing id stays), and
 * serialized again by eb_btf_builder_finish().
 *
 * Records may be edited to a kind with fewer or equally many bytes of records
 * (e.g. a DATASEC to an empty STRUCT, a FUNC_PROTO to an ENUM of the same vlen):
 * finish() writes each type with the record size its *current* kind and vlen
 * call for, so the bytes a record no longer needs are simply dropped. The result
 * is validated by eb_btf_parse() before it is handed out, so a rewrite that
 * breaks an invariant fails here with the parser's message, not in the kernel.
 */
#include <errno.h>
#include <string.h>

#include "btf/btf_internal.h"
#include "lib/alloc.h"
#include "lib/error.h"

struct eb_btf_builder {
	uint8_t *types;		/* type records, original ids first, then appended ones */
	size_t types_len, types_cap;
	uint32_t *offs;		/* offset in `types` of each id (index id - 1) */
	size_t offs_cap;
	uint32_t nr;		/* number of types (ids 1..nr) */
	uint32_t *room;		/* bytes of records each type was given (index id - 1) */
	size_t room_cap;
	char *strs;
	size_t strs_len, strs_cap;
};

void eb_btf_builder_free(struct eb_btf_builder *b)
{
	if (!b)
		return;
	eb_free(b->types);
	eb_free(b->offs);
	eb_free(b->room);
	eb_free(b->strs);
	eb_free(b);
}

int eb_btf_builder_new(const struct ebpf_btf *src, struct eb_btf_builder **out)
{
	struct eb_btf_builder *b;

	*out = NULL;
	if (src->base)
		return eb_err(-EINVAL, "BTF writer: split BTF is not supported (object BTF never is)");
	b = eb_calloc(1, sizeof(*b));
	if (!b)
		return -ENOMEM;
	b->types_cap = src->types_len + 64;
	b->types = eb_malloc(b->types_cap);
	b->offs_cap = (size_t)src->nr + 4;
	b->offs = eb_malloc(b->offs_cap * sizeof(*b->offs));
	b->room_cap = b->offs_cap;
	b->room = eb_malloc(b->room_cap * sizeof(*b->room));
	b->strs_cap = (size_t)src->strs_len + 64;
	b->strs = eb_malloc(b->strs_cap);
	if (!b->types || !b->offs || !b->room || !b->strs) {
		eb_btf_builder_free(b);
		return -ENOMEM;
	}
	memcpy(b->types, src->types, src->types_len);
	b->types_len = src->types_len;
	for (unsigned r = 0; r < eb_btf_runs(src); r++) {
		uint32_t first, n;
		const uint32_t *offs = eb_btf_run(src, r, &first, &n);

		memcpy(b->offs + first, offs, (size_t)n * sizeof(*b->offs));
	}
	b->nr = src->nr;
	for (uint32_t i = 0; i < src->nr; i++)
		b->room[i] = (uint32_t)eb_btf_extra_size((const void *)(src->types + b->offs[i]));
	memcpy(b->strs, src->strs, src->strs_len);
	b->strs_len = src->strs_len;
	*out = b;
	return 0;
}

uint32_t eb_btf_builder_type_cnt(const struct eb_btf_builder *b)
{
	return b->nr + 1;
}

struct btf_type *eb_btf_builder_type(struct eb_btf_builder *b, uint32_t id)
{
	if (!id || id > b->nr)
		return NULL;
	return (struct btf_type *)(b->types + b->offs[id - 1]);
}

const char *eb_btf_builder_str(const struct eb_btf_builder *b, uint32_t off)
{
	return off < b->strs_len ? b->strs + off : NULL;
}

int64_t eb_btf_builder_add_str(struct eb_btf_builder *b, const char *s)
{
	size_t len = strlen(s) + 1;
	int64_t off;

	if (b->strs_len + len > UINT32_MAX)
		return eb_err(-E2BIG, "BTF writer: string table larger than 4 GiB");
	if (eb_grow((void **)&b->strs, &b->strs_cap, b->strs_len + len, 1))
		return -ENOMEM;
	memcpy(b->strs + b->strs_len, s, len);
	off = (int64_t)b->strs_len;
	b->strs_len += len;
	return off;
}

int64_t eb_btf_builder_add_type(struct eb_btf_builder *b, const struct btf_type *t, const void *extra)
{
	size_t extra_len = eb_btf_extra_size(t), need = b->types_len + sizeof(*t) + extra_len;

	if (need > UINT32_MAX || b->nr >= 0x7ffffffe)
		return eb_err(-E2BIG, "BTF writer: too many types");
	if (eb_grow((void **)&b->types, &b->types_cap, need, 1) ||
	    eb_grow((void **)&b->offs, &b->offs_cap, (size_t)b->nr + 1, sizeof(*b->offs)) ||
	    eb_grow((void **)&b->room, &b->room_cap, (size_t)b->nr + 1, sizeof(*b->room)))
		return -ENOMEM;
	memcpy(b->types + b->types_len, t, sizeof(*t));
	if (extra_len)
		memcpy(b->types + b->types_len + sizeof(*t), extra, extra_len);
	b->offs[b->nr] = (uint32_t)b->types_len;
	b->room[b->nr] = (uint32_t)extra_len;
	b->types_len = need;
	b->nr++;
	return b->nr;
}

int eb_btf_builder_finish(struct eb_btf_builder *b, void **data, size_t *size)
{
	struct btf_header h = { .magic = BTF_MAGIC, .version = BTF_VERSION, .hdr_len = sizeof(h) };
	struct ebpf_btf *check;
	size_t types_len = 0, total;
	uint8_t *out, *p;
	int err;

	*data = NULL;
	*size = 0;
	for (uint32_t i = 0; i < b->nr; i++) {
		const struct btf_type *t = (const void *)(b->types + b->offs[i]);
		size_t extra = eb_btf_extra_size(t);

		/* A record may shrink in place, never grow: its bytes would belong to the next type. */
		if (extra > b->room[i])
			return eb_err(-EINVAL, "BTF writer: type [%u] %s needs %zu bytes of records, has %u",
				      i + 1, eb_btf_kind_name(btf_kind(t)), extra, b->room[i]);
		types_len += sizeof(*t) + extra;
	}
	total = sizeof(h) + types_len + b->strs_len;
	if (total > UINT32_MAX)
		return eb_err(-E2BIG, "BTF writer: %zu bytes is too large", total);
	h.type_len = (uint32_t)types_len;
	h.str_off = (uint32_t)types_len;
	h.str_len = (uint32_t)b->strs_len;
	out = eb_malloc(total);
	if (!out)
		return -ENOMEM;
	memcpy(out, &h, sizeof(h));
	p = out + sizeof(h);
	for (uint32_t i = 0; i < b->nr; i++) {
		const struct btf_type *t = (const void *)(b->types + b->offs[i]);
		size_t n = sizeof(*t) + eb_btf_extra_size(t);

		memcpy(p, t, n);
		p += n;
	}
	memcpy(p, b->strs, b->strs_len);
	err = eb_btf_parse(out, total, NULL, EB_BTF_BORROW, &check);
	if (err) {
		eb_free(out);
		return eb_err_ctx(err, "BTF writer: the rewritten BTF is invalid");
	}
	eb_btf_put(check);
	*data = out;
	*size = total;
	return 0;
}
