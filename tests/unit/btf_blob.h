/* Hand-made BTF blobs for the btf_* unit tests: append types and strings, then build. */
#ifndef BTF_TEST_BLOB_H
#define BTF_TEST_BLOB_H

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "btf/btf.h"

struct tblob {
	uint32_t words[4096];
	uint32_t nw;
	char strs[4096];
	uint32_t ns;
	uint32_t str_base;	/* split BTF: offsets continue the base's */
};

static inline void tb_init(struct tblob *b, uint32_t str_base)
{
	memset(b, 0, sizeof(*b));
	b->str_base = str_base;
	if (!str_base)
		b->ns = 1;	/* offset 0: "" */
}

static inline uint32_t tb_str(struct tblob *b, const char *s)
{
	uint32_t off = b->ns;

	memcpy(b->strs + b->ns, s, strlen(s) + 1);
	b->ns += (uint32_t)strlen(s) + 1;
	return b->str_base + off;
}

static inline void tb_w(struct tblob *b, uint32_t w) { b->words[b->nw++] = w; }

static inline void tb_type(struct tblob *b, uint32_t name, unsigned kind, unsigned vlen, int kflag, uint32_t size_or_type)
{
	tb_w(b, name);
	tb_w(b, btf_mk_info(kind, vlen, kflag));
	tb_w(b, size_or_type);
}

/* The raw blob (malloc'd): header + types + strings. */
static inline void *tb_build(const struct tblob *b, size_t *size)
{
	struct btf_header h = {
		.magic = BTF_MAGIC, .version = BTF_VERSION, .hdr_len = sizeof(h),
		.type_off = 0, .type_len = b->nw * 4, .str_off = b->nw * 4, .str_len = b->ns,
	};
	uint8_t *p;

	*size = sizeof(h) + h.type_len + h.str_len;
	p = calloc(1, *size);
	memcpy(p, &h, sizeof(h));
	memcpy(p + sizeof(h), b->words, h.type_len);
	memcpy(p + sizeof(h) + h.type_len, b->strs, h.str_len);
	return p;
}

#endif
