// SPDX-License-Identifier: BSD-2-Clause
/*
 * .BTF.ext: per-section func_info, line_info and CO-RE relocation records.
 *
 * On disk each table is { u32 rec_size; then per ELF section { u32 sec_name_off;
 * u32 num_info; num_info records of rec_size bytes } }, insn_off in bytes.
 *
 * Parsing checks the header and each section's header only, and keeps the
 * records raw: an object with 10,000 CO-RE relocations used to spend half of
 * its open decoding records most opens never use (a spec is often opened to be
 * inspected, or loaded with some programs only). eb_btf_ext_decode() turns
 * the records a load uses into fixed-layout records with insn_off in
 * instructions, validating every string offset and type id against the
 * object's .BTF, so the relocation engine and the kernel never see a raw
 * record. Records may be larger than the fields we know (newer compilers);
 * they may not be smaller.
 */
#include <errno.h>
#include <string.h>

#include "btf/btf_internal.h"
#include "lib/alloc.h"
#include "lib/error.h"

#define EXT_HDR_MIN 24u		/* magic..line_info_len */
#define EXT_HDR_CORE 32u	/* + core_relo_off, core_relo_len */

static const char *const table_names[] = { "func_info", "line_info", "core_relo" };
static const uint32_t rec_min[] = {
	sizeof(struct eb_func_info), sizeof(struct eb_line_info), sizeof(struct eb_core_relo),
};

static uint32_t rd32(const uint8_t *p, bool swap)
{
	uint32_t v;

	memcpy(&v, p, 4);
	return swap ? __builtin_bswap32(v) : v;
}

uint32_t eb_btf_ext_insn(const struct eb_btf_ext_sec *s, enum eb_btf_ext_table tab, uint32_t i)
{
	uint32_t v;

	/* insn_off is every record's first field, decoded or raw. */
	if (s->recs) {
		memcpy(&v, (const uint8_t *)s->recs + (size_t)i * eb_btf_ext_rec_size(tab), 4);
		return v;
	}
	return rd32(s->raw + (size_t)i * s->rec_size, s->swap) / 8;
}

/*
 * Record checks. Each table is decoded by its own tight loop: string offsets are
 * checked by range against the string section's end (what eb_btf_str() would
 * accept) and type ids against the type count, computed once per call rather
 * than through a lookup call per field. Every field is checked. `i` counts from
 * the section's first record, so messages name the record as it is in the file.
 */
static int bad_insn_off(enum eb_btf_ext_table tab, const char *sec, uint32_t i, uint32_t insn_off)
{
	return eb_err(-EINVAL, ".BTF.ext %s: section '%s' record %u: insn offset %u is not a multiple of 8",
		      table_names[tab], sec, i, insn_off);
}

static int bad_str(enum eb_btf_ext_table tab, const char *sec, uint32_t i, uint32_t off, const char *what)
{
	return eb_err(-EINVAL, ".BTF.ext %s: section '%s' record %u: %s string offset %u out of range",
		      table_names[tab], sec, i, what, off);
}

static int bad_type(enum eb_btf_ext_table tab, const char *sec, uint32_t i, uint32_t id)
{
	return eb_err(-EINVAL, ".BTF.ext %s: section '%s' record %u: type id %u out of range", table_names[tab],
		      sec, i, id);
}

static int decode_func(const struct ebpf_btf *btf, const struct eb_btf_ext_sec *s, uint32_t first, uint32_t n,
		       uint32_t delta, struct eb_func_info *out)
{
	uint32_t type_cnt = eb_btf_type_cnt(btf);
	const uint8_t *p = s->raw + (size_t)first * s->rec_size;

	for (uint32_t i = first; i < first + n; i++, p += s->rec_size) {
		uint32_t insn_off = rd32(p, s->swap), id = rd32(p + 4, s->swap);
		const struct btf_type *t;

		if (insn_off % 8)
			return bad_insn_off(EB_EXT_FUNC_INFO, s->sec_name, i, insn_off);
		if (id >= type_cnt)
			return bad_type(EB_EXT_FUNC_INFO, s->sec_name, i, id);
		t = eb_btf_type(btf, id);
		if (!t || btf_kind(t) != BTF_KIND_FUNC)
			return eb_err(-EINVAL, ".BTF.ext func_info: section '%s' record %u: type [%u] is not a FUNC",
				      s->sec_name, i, id);
		*out++ = (struct eb_func_info){ .insn_off = insn_off / 8 + delta, .type_id = id };
	}
	return 0;
}

static int decode_line(const struct ebpf_btf *btf, const struct eb_btf_ext_sec *s, uint32_t first, uint32_t n,
		       uint32_t delta, struct eb_line_info *out)
{
	uint32_t str_end = eb_btf_str_end(btf);
	const uint8_t *p = s->raw + (size_t)first * s->rec_size;

	for (uint32_t i = first; i < first + n; i++, p += s->rec_size, out++) {
		uint32_t insn_off = rd32(p, s->swap);

		out->insn_off = insn_off / 8 + delta;
		out->file_name_off = rd32(p + 4, s->swap);
		out->line_off = rd32(p + 8, s->swap);
		out->line_col = rd32(p + 12, s->swap);
		if (insn_off % 8)
			return bad_insn_off(EB_EXT_LINE_INFO, s->sec_name, i, insn_off);
		if (out->file_name_off >= str_end)
			return bad_str(EB_EXT_LINE_INFO, s->sec_name, i, out->file_name_off, "file name");
		if (out->line_off >= str_end)
			return bad_str(EB_EXT_LINE_INFO, s->sec_name, i, out->line_off, "line");
	}
	return 0;
}

static int decode_core(const struct ebpf_btf *btf, const struct eb_btf_ext_sec *s, uint32_t first, uint32_t n,
		       uint32_t delta, struct eb_core_relo *out)
{
	uint32_t str_end = eb_btf_str_end(btf), type_cnt = eb_btf_type_cnt(btf);
	const uint8_t *p = s->raw + (size_t)first * s->rec_size;

	for (uint32_t i = first; i < first + n; i++, p += s->rec_size, out++) {
		uint32_t insn_off = rd32(p, s->swap);

		out->insn_off = insn_off / 8 + delta;
		out->type_id = rd32(p + 4, s->swap);
		out->access_str_off = rd32(p + 8, s->swap);
		out->kind = rd32(p + 12, s->swap);
		if (insn_off % 8)
			return bad_insn_off(EB_EXT_CORE_RELO, s->sec_name, i, insn_off);
		if (out->kind > EB_CORE_TYPE_MATCHES)
			return eb_err(-EINVAL, ".BTF.ext core_relo: section '%s' record %u: unknown relocation kind %u",
				      s->sec_name, i, out->kind);
		if (out->type_id >= type_cnt)
			return bad_type(EB_EXT_CORE_RELO, s->sec_name, i, out->type_id);
		if (out->access_str_off >= str_end)
			return bad_str(EB_EXT_CORE_RELO, s->sec_name, i, out->access_str_off, "access");
	}
	return 0;
}

int eb_btf_ext_decode(const struct ebpf_btf *btf, const struct eb_btf_ext_sec *s, enum eb_btf_ext_table tab,
		      uint32_t first, uint32_t n, void *out)
{
	return eb_btf_ext_decode_rebased(btf, s, tab, first, n, 0, out);
}

int eb_btf_ext_decode_rebased(const struct ebpf_btf *btf, const struct eb_btf_ext_sec *s,
			      enum eb_btf_ext_table tab, uint32_t first, uint32_t n, uint32_t delta, void *out)
{
	const char *name = s->sec_name ? s->sec_name : "?";

	if (tab > EB_EXT_CORE_RELO)
		return eb_err(-EINVAL, ".BTF.ext: unknown table %d", (int)tab);
	if (first > s->cnt || n > s->cnt - first)
		return eb_err(-ERANGE, ".BTF.ext %s: section '%s': records %u..%u of %u", table_names[tab], name,
			      first, first + n, s->cnt);
	if (!n)
		return 0;
	if (s->recs) {
		const uint8_t *src = (const uint8_t *)s->recs + (size_t)first * rec_min[tab];

		/* insn_off is every decoded record's first field */
		for (uint8_t *o = out; n--; o += rec_min[tab], src += rec_min[tab]) {
			uint32_t insn;

			memcpy(&insn, src, 4);
			insn += delta;
			memcpy(o, src, rec_min[tab]);
			memcpy(o, &insn, 4);
		}
		return 0;
	}
	if (!s->raw || !btf || s->rec_size < rec_min[tab])
		return eb_err(-EINVAL, ".BTF.ext %s: section '%s' has no records to decode", table_names[tab], name);
	switch (tab) {
	case EB_EXT_FUNC_INFO:
		return decode_func(btf, s, first, n, delta, out);
	case EB_EXT_LINE_INFO:
		return decode_line(btf, s, first, n, delta, out);
	case EB_EXT_CORE_RELO:
		return decode_core(btf, s, first, n, delta, out);
	}
	return 0;
}

int eb_btf_ext_decode_all(const struct ebpf_btf *btf, const struct eb_btf_ext_sec *s,
			  enum eb_btf_ext_table tab, void **out)
{
	void *recs;
	int err;

	*out = NULL;
	if (!s->cnt)
		return 0;
	if (tab > EB_EXT_CORE_RELO)
		return eb_err(-EINVAL, ".BTF.ext: unknown table %d", (int)tab);
	recs = eb_calloc(s->cnt, rec_min[tab]);
	if (!recs)
		return -ENOMEM;
	err = eb_btf_ext_decode(btf, s, tab, 0, s->cnt, recs);
	if (err) {
		eb_free(recs);
		return err;
	}
	*out = recs;
	return 0;
}

/*
 * Read the section headers of the table at [start, start+len) of data: O(sections).
 * Each section's records must lie inside the table; they are left raw. Counts
 * them all (*cnt) and fills out[0..min(*cnt, cap)), so that the caller can size
 * one block for every table from a first pass that may already hold them all.
 */
static int read_table(const uint8_t *data, bool swap, const struct ebpf_btf *btf, enum eb_btf_ext_table tab,
		      size_t start, size_t len, struct eb_btf_ext_sec *out, uint32_t cap, uint32_t *cnt)
{
	size_t off = start, end = start + len;
	uint32_t rec_size, n = 0;

	*cnt = 0;
	if (!len)
		return 0;
	if (len < 4)
		return eb_err(-EINVAL, ".BTF.ext %s: %zu bytes is too short", table_names[tab], len);
	rec_size = rd32(data + off, swap);
	off += 4;
	if (rec_size < rec_min[tab] || rec_size % 4)
		return eb_err(-EINVAL, ".BTF.ext %s: record size %u (need a multiple of 4, at least %u)",
			      table_names[tab], rec_size, rec_min[tab]);
	while (off < end) {
		uint32_t name_off, num;
		const char *name;

		if (end - off < 8)
			return eb_err(-EINVAL, ".BTF.ext %s: section header at offset %zu truncated",
				      table_names[tab], off - start);
		name_off = rd32(data + off, swap);
		num = rd32(data + off + 4, swap);
		off += 8;
		name = eb_btf_str(btf, name_off);
		if (!name)
			return eb_err(-EINVAL, ".BTF.ext %s: section name offset %u out of range",
				      table_names[tab], name_off);
		if ((uint64_t)num * rec_size > end - off)
			return eb_err(-EINVAL, ".BTF.ext %s: section '%s': %u records of %u bytes run past the table",
				      table_names[tab], name, num, rec_size);
		if (n < cap)
			out[n] = (struct eb_btf_ext_sec){
				.sec_name = name, .cnt = num, .raw = data + off, .rec_size = rec_size, .swap = swap,
			};
		n++;
		off += (size_t)num * rec_size;
	}
	*cnt = n;
	return 0;
}

/*
 * The header of .BTF.ext (`size` bytes at data): where each table starts
 * (start[t]) and how long it is (len[t]; 0 for an absent table).
 */
static int parse_header(const uint8_t *data, size_t size, bool swap, const struct ebpf_btf *btf,
			size_t start[3], size_t len[3])
{
	uint32_t hdr_len;
	uint16_t magic;

	if (!data || size < EXT_HDR_MIN)
		return eb_err(-EINVAL, ".BTF.ext: %zu bytes is too short for a header", data ? size : 0);
	if (!btf)
		return eb_err(-EINVAL, ".BTF.ext without .BTF");
	memcpy(&magic, data, 2);
	if (swap)
		magic = __builtin_bswap16(magic);
	if (magic != BTF_MAGIC)
		return eb_err(-EINVAL, ".BTF.ext: bad magic 0x%04x (expected 0xeb9f)", magic);
	if (data[2] != BTF_VERSION)
		return eb_err(-EINVAL, ".BTF.ext: unsupported version %u", data[2]);
	if (data[3])
		return eb_err(-EINVAL, ".BTF.ext: unsupported flags 0x%x", data[3]);
	hdr_len = rd32(data + 4, swap);
	if (hdr_len < EXT_HDR_MIN || hdr_len > size)
		return eb_err(-EINVAL, ".BTF.ext: header length %u outside %u..%zu", hdr_len, EXT_HDR_MIN, size);
	for (int t = 0; t < 3; t++) {
		uint32_t o = 0, l = 0;

		if (t != EB_EXT_CORE_RELO || hdr_len >= EXT_HDR_CORE) {
			o = rd32(data + 8 + 8 * t, swap);
			l = rd32(data + 12 + 8 * t, swap);
			if ((uint64_t)hdr_len + o + l > size)
				return eb_err(-EINVAL, ".BTF.ext %s: offset %u length %u run past the %zu-byte section",
					      table_names[t], o, l, size);
		}
		start[t] = (size_t)hdr_len + o;
		len[t] = l;
	}
	return 0;
}

/*
 * The parsed .BTF.ext is one block: the struct, then the sections of the
 * three tables (each table's were counted first). A small object's open made
 * four allocations here before, a third of reading its .BTF.ext. The first
 * pass collects up to EXT_STACK_SECS sections on the stack: objects with that
 * few need no second pass over the tables.
 */
#define EXT_STACK_SECS 16

static int parse_new(const void *data, size_t size, bool swap, const struct ebpf_btf *btf, bool copy,
		     struct eb_btf_ext **out)
{
	struct eb_btf_ext_sec first[EXT_STACK_SECS];
	size_t start[3], len[3];
	uint32_t cnt[3], used = 0;
	struct eb_btf_ext_sec *secs;
	struct eb_btf_ext *ext;
	void *owned = NULL;
	int err;

	*out = NULL;
	/* One copy of the whole section: the records stay raw in it until used. */
	if (copy && data && size) {
		owned = eb_memdup(data, size);
		if (!owned)
			return -ENOMEM;
		data = owned;
	}
	err = parse_header(data, size, swap, btf, start, len);
	/* Counted (and, while they fit, collected) table by table. */
	for (int t = 0; t < 3 && !err; t++) {
		uint32_t room = EXT_STACK_SECS - used;

		cnt[t] = 0;
		/* An absent table (core_relo, mostly) costs no call. */
		if (len[t])
			err = read_table(data, swap, btf, (enum eb_btf_ext_table)t, start[t], len[t], first + used,
					 room, &cnt[t]);
		used += cnt[t] < room ? cnt[t] : room;
	}
	if (err) {
		eb_free(owned);
		return err;
	}
	_Static_assert(sizeof(*ext) % _Alignof(struct eb_btf_ext_sec) == 0, "sections follow the struct");
	/* Each count is bounded by the section's size / 8: no overflow. */
	ext = eb_malloc(sizeof(*ext) + ((size_t)cnt[0] + cnt[1] + cnt[2]) * sizeof(*secs));
	if (!ext) {
		eb_free(owned);
		return -ENOMEM;
	}
	secs = (struct eb_btf_ext_sec *)(ext + 1);
	*ext = (struct eb_btf_ext){
		.func_info = cnt[0] ? secs : NULL, .func_info_cnt = cnt[0],
		.line_info = cnt[1] ? secs + cnt[0] : NULL, .line_info_cnt = cnt[1],
		.core_relo = cnt[2] ? secs + cnt[0] + cnt[1] : NULL, .core_relo_cnt = cnt[2],
		.owned = owned,
	};
	if ((uint64_t)cnt[0] + cnt[1] + cnt[2] <= EXT_STACK_SECS) {
		memcpy(secs, first, ((size_t)cnt[0] + cnt[1] + cnt[2]) * sizeof(*secs));
	} else {
		/* Checked above: these only fill. */
		for (int t = 0; t < 3; t++) {
			(void)read_table(data, swap, btf, (enum eb_btf_ext_table)t, start[t], len[t], secs, cnt[t],
					 &cnt[t]);
			secs += cnt[t];
		}
	}
	*out = ext;
	return 0;
}

int eb_btf_ext_parse(const void *data, size_t size, bool swap, const struct ebpf_btf *btf,
		     struct eb_btf_ext **out)
{
	return parse_new(data, size, swap, btf, true, out);
}

int eb_btf_ext_parse_borrowed(const void *data, size_t size, bool swap, const struct ebpf_btf *btf,
			      struct eb_btf_ext **out)
{
	return parse_new(data, size, swap, btf, false, out);
}

void eb_btf_ext_free(struct eb_btf_ext *ext)
{
	if (!ext)
		return;
	/* The section arrays share ext's block (parse_new). */
	eb_free(ext->owned);
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
