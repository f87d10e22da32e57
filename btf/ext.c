// SPDX-License-Identifier: BSD-2-Clause
/*
 * .BTF.ext: per-section func_info, line_info and CO-RE relocation records.
 *
 * On disk each table is { u32 rec_size; then per ELF section { u32 sec_name_off;
 * u32 num_info; num_info records of rec_size bytes } }, insn_off in bytes. We
 * copy them into fixed-layout records with insn_off in instructions, validating
 * every string offset and type id against the object's .BTF, so the relocation
 * engine never sees a raw record. Records may be larger than the fields we know
 * (newer compilers); they may not be smaller.
 */
#include <errno.h>
#include <string.h>

#include "btf/btf_internal.h"
#include "lib/alloc.h"
#include "lib/error.h"

#define EXT_HDR_MIN 24u		/* magic..line_info_len */
#define EXT_HDR_CORE 32u	/* + core_relo_off, core_relo_len */

enum ext_table { EXT_FUNC, EXT_LINE, EXT_CORE };

static const char *const table_names[] = { "func_info", "line_info", "core_relo" };
static const uint32_t rec_min[] = {
	sizeof(struct eb_func_info), sizeof(struct eb_line_info), sizeof(struct eb_core_relo),
};

struct ext_reader {
	const uint8_t *data;
	size_t size;
	bool swap;
	const struct ebpf_btf *btf;
};

static uint32_t rd32(const struct ext_reader *r, size_t off)
{
	uint32_t v;

	memcpy(&v, r->data + off, 4);
	return r->swap ? __builtin_bswap32(v) : v;
}

/*
 * Record checks. Each table is decoded by its own tight loop: string offsets are
 * checked by range against the string section's end (what eb_btf_str() would
 * accept) and type ids against the type count, computed once per table rather
 * than through a lookup call per field. Every field is still checked.
 */
static int bad_insn_off(enum ext_table tab, const char *sec, uint32_t i, uint32_t insn_off)
{
	return eb_err(-EINVAL, ".BTF.ext %s: section '%s' record %u: insn offset %u is not a multiple of 8",
		      table_names[tab], sec, i, insn_off);
}

static int bad_str(enum ext_table tab, const char *sec, uint32_t i, uint32_t off, const char *what)
{
	return eb_err(-EINVAL, ".BTF.ext %s: section '%s' record %u: %s string offset %u out of range",
		      table_names[tab], sec, i, what, off);
}

static int bad_type(enum ext_table tab, const char *sec, uint32_t i, uint32_t id)
{
	return eb_err(-EINVAL, ".BTF.ext %s: section '%s' record %u: type id %u out of range", table_names[tab],
		      sec, i, id);
}

static int read_func_recs(const struct ext_reader *r, const char *sec, size_t off, uint32_t num,
			  uint32_t rec_size, struct eb_func_info *out)
{
	uint32_t type_cnt = eb_btf_type_cnt(r->btf);

	for (uint32_t i = 0; i < num; i++, off += rec_size) {
		uint32_t insn_off = rd32(r, off), id = rd32(r, off + 4);
		const struct btf_type *t;

		if (insn_off % 8)
			return bad_insn_off(EXT_FUNC, sec, i, insn_off);
		if (id >= type_cnt)
			return bad_type(EXT_FUNC, sec, i, id);
		t = eb_btf_type(r->btf, id);
		if (!t || btf_kind(t) != BTF_KIND_FUNC)
			return eb_err(-EINVAL, ".BTF.ext func_info: section '%s' record %u: type [%u] is not a FUNC",
				      sec, i, id);
		out[i] = (struct eb_func_info){ .insn_off = insn_off / 8, .type_id = id };
	}
	return 0;
}

static int read_line_recs(const struct ext_reader *r, const char *sec, size_t off, uint32_t num,
			  uint32_t rec_size, struct eb_line_info *out)
{
	uint32_t str_end = eb_btf_str_end(r->btf);

	for (uint32_t i = 0; i < num; i++, off += rec_size) {
		struct eb_line_info *l = &out[i];
		uint32_t insn_off = rd32(r, off);

		l->insn_off = insn_off / 8;
		l->file_name_off = rd32(r, off + 4);
		l->line_off = rd32(r, off + 8);
		l->line_col = rd32(r, off + 12);
		if (insn_off % 8)
			return bad_insn_off(EXT_LINE, sec, i, insn_off);
		if (l->file_name_off >= str_end)
			return bad_str(EXT_LINE, sec, i, l->file_name_off, "file name");
		if (l->line_off >= str_end)
			return bad_str(EXT_LINE, sec, i, l->line_off, "line");
	}
	return 0;
}

static int read_core_recs(const struct ext_reader *r, const char *sec, size_t off, uint32_t num,
			  uint32_t rec_size, struct eb_core_relo *out)
{
	uint32_t str_end = eb_btf_str_end(r->btf), type_cnt = eb_btf_type_cnt(r->btf);

	for (uint32_t i = 0; i < num; i++, off += rec_size) {
		struct eb_core_relo *c = &out[i];
		uint32_t insn_off = rd32(r, off);

		c->insn_off = insn_off / 8;
		c->type_id = rd32(r, off + 4);
		c->access_str_off = rd32(r, off + 8);
		c->kind = rd32(r, off + 12);
		if (insn_off % 8)
			return bad_insn_off(EXT_CORE, sec, i, insn_off);
		if (c->kind > EB_CORE_TYPE_MATCHES)
			return eb_err(-EINVAL, ".BTF.ext core_relo: section '%s' record %u: unknown relocation kind %u",
				      sec, i, c->kind);
		if (c->type_id >= type_cnt)
			return bad_type(EXT_CORE, sec, i, c->type_id);
		if (c->access_str_off >= str_end)
			return bad_str(EXT_CORE, sec, i, c->access_str_off, "access");
	}
	return 0;
}

static int read_recs(const struct ext_reader *r, enum ext_table tab, const char *sec, size_t off,
		     uint32_t num, uint32_t rec_size, void *out)
{
	switch (tab) {
	case EXT_FUNC:
		return read_func_recs(r, sec, off, num, rec_size, out);
	case EXT_LINE:
		return read_line_recs(r, sec, off, num, rec_size, out);
	case EXT_CORE:
		return read_core_recs(r, sec, off, num, rec_size, out);
	}
	return 0;
}

static void free_table(struct eb_btf_ext_sec *secs, uint32_t cnt)
{
	for (uint32_t i = 0; secs && i < cnt; i++)
		eb_free(secs[i].recs);
	eb_free(secs);
}

/* Parse the table at [start, start+len) of the data. */
static int read_table(const struct ext_reader *r, enum ext_table tab, size_t start, size_t len,
		      struct eb_btf_ext_sec **out, uint32_t *out_cnt)
{
	struct eb_btf_ext_sec *secs = NULL;
	size_t cap = 0, off = start, end = start + len;
	uint32_t rec_size, n = 0;
	int err = 0;

	*out = NULL;
	*out_cnt = 0;
	if (!len)
		return 0;
	if (len < 4)
		return eb_err(-EINVAL, ".BTF.ext %s: %zu bytes is too short", table_names[tab], len);
	rec_size = rd32(r, off);
	off += 4;
	if (rec_size < rec_min[tab] || rec_size % 4)
		return eb_err(-EINVAL, ".BTF.ext %s: record size %u (need a multiple of 4, at least %u)",
			      table_names[tab], rec_size, rec_min[tab]);
	while (off < end) {
		struct eb_btf_ext_sec *s;
		uint32_t name_off, num;
		const char *name;

		if (end - off < 8) {
			err = eb_err(-EINVAL, ".BTF.ext %s: section header at offset %zu truncated",
				     table_names[tab], off - start);
			break;
		}
		name_off = rd32(r, off);
		num = rd32(r, off + 4);
		off += 8;
		name = eb_btf_str(r->btf, name_off);
		if (!name) {
			err = eb_err(-EINVAL, ".BTF.ext %s: section name offset %u out of range",
				     table_names[tab], name_off);
			break;
		}
		if ((uint64_t)num * rec_size > end - off) {
			err = eb_err(-EINVAL, ".BTF.ext %s: section '%s': %u records of %u bytes run past the table",
				     table_names[tab], name, num, rec_size);
			break;
		}
		if ((err = eb_grow((void **)&secs, &cap, (size_t)n + 1, sizeof(*secs))))
			break;
		s = &secs[n++];
		s->sec_name = name;
		s->cnt = num;
		s->recs = eb_calloc(num ? num : 1, rec_min[tab]);
		if (!s->recs) {
			err = -ENOMEM;
			break;
		}
		err = read_recs(r, tab, name, off, num, rec_size, s->recs);
		if (err)
			break;
		off += (size_t)num * rec_size;
	}
	if (err) {
		free_table(secs, n);
		return err;
	}
	*out = secs;
	*out_cnt = n;
	return 0;
}

int eb_btf_ext_parse(const void *data, size_t size, bool swap, const struct ebpf_btf *btf,
		     struct eb_btf_ext **out)
{
	struct ext_reader r = { .data = data, .size = size, .swap = swap, .btf = btf };
	struct eb_btf_ext *ext;
	uint32_t hdr_len, offs[3][2] = { { 0 } };
	uint16_t magic;
	int err;

	*out = NULL;
	if (!data || size < EXT_HDR_MIN)
		return eb_err(-EINVAL, ".BTF.ext: %zu bytes is too short for a header", data ? size : 0);
	memcpy(&magic, data, 2);
	if (swap)
		magic = __builtin_bswap16(magic);
	if (magic != BTF_MAGIC)
		return eb_err(-EINVAL, ".BTF.ext: bad magic 0x%04x (expected 0xeb9f)", magic);
	if (r.data[2] != BTF_VERSION)
		return eb_err(-EINVAL, ".BTF.ext: unsupported version %u", r.data[2]);
	if (r.data[3])
		return eb_err(-EINVAL, ".BTF.ext: unsupported flags 0x%x", r.data[3]);
	hdr_len = rd32(&r, 4);
	if (hdr_len < EXT_HDR_MIN || hdr_len > size)
		return eb_err(-EINVAL, ".BTF.ext: header length %u outside %u..%zu", hdr_len, EXT_HDR_MIN, size);
	for (int t = 0; t < 3; t++) {
		if (t == EXT_CORE && hdr_len < EXT_HDR_CORE)
			break;
		offs[t][0] = rd32(&r, 8 + 8 * t);
		offs[t][1] = rd32(&r, 12 + 8 * t);
		if ((uint64_t)hdr_len + offs[t][0] + offs[t][1] > size)
			return eb_err(-EINVAL, ".BTF.ext %s: offset %u length %u run past the %zu-byte section",
				      table_names[t], offs[t][0], offs[t][1], size);
	}
	ext = eb_calloc(1, sizeof(*ext));
	if (!ext)
		return -ENOMEM;
	err = read_table(&r, EXT_FUNC, hdr_len + offs[0][0], offs[0][1], &ext->func_info, &ext->func_info_cnt);
	if (!err)
		err = read_table(&r, EXT_LINE, hdr_len + offs[1][0], offs[1][1], &ext->line_info, &ext->line_info_cnt);
	if (!err)
		err = read_table(&r, EXT_CORE, hdr_len + offs[2][0], offs[2][1], &ext->core_relo, &ext->core_relo_cnt);
	if (err) {
		eb_btf_ext_free(ext);
		return err;
	}
	*out = ext;
	return 0;
}

void eb_btf_ext_free(struct eb_btf_ext *ext)
{
	if (!ext)
		return;
	free_table(ext->func_info, ext->func_info_cnt);
	free_table(ext->line_info, ext->line_info_cnt);
	free_table(ext->core_relo, ext->core_relo_cnt);
	eb_free(ext);
}

const struct eb_btf_ext_sec *eb_btf_ext_find(const struct eb_btf_ext_sec *secs, uint32_t cnt,
					     const char *sec_name)
{
	for (uint32_t i = 0; secs && i < cnt; i++)
		if (!strcmp(secs[i].sec_name, sec_name))
			return &secs[i];
	return NULL;
}
