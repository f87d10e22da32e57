// SPDX-License-Identifier: BSD-2-Clause
/*
 * Public BTF rendering (include/ebpf/btf_dump.h): values as JSON, types as C.
 * The data comes from the kernel (map values, ring-buffer records) and the types
 * from an untrusted object, so every read is bounded by the caller's size and
 * the recursion by a fixed depth; BTF ids were validated by eb_btf_parse().
 */
#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include <ebpf/btf_dump.h>

#include "btf/btf.h"
#include "lib/error.h"
#include "lib/spec.h"

#define DUMP_MAX_DEPTH 32

/* An snprintf-like sink: writes what fits, counts everything. */
struct sink {
	char *buf;
	size_t len;
	size_t pos;	/* bytes the full rendering has so far */
};

static void emit(struct sink *s, const char *p, size_t n)
{
	if (s->pos < s->len) {
		size_t room = s->len - 1 - s->pos;
		size_t k = n < room ? n : room;

		memcpy(s->buf + s->pos, p, k);
		s->buf[s->pos + k] = '\0';
	}
	s->pos += n;
}

__attribute__((format(printf, 2, 3)))
static void emitf(struct sink *s, const char *fmt, ...)
{
	char tmp[64];
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(tmp, sizeof(tmp), fmt, ap);
	va_end(ap);
	if (n > 0)
		emit(s, tmp, (size_t)n < sizeof(tmp) ? (size_t)n : sizeof(tmp) - 1);
}

static void emit_hex(struct sink *s, const uint8_t *p, size_t n)
{
	emit(s, "\"0x", 3);
	for (size_t i = 0; i < n; i++)
		emitf(s, "%02x", p[i]);
	emit(s, "\"", 1);
}

/* A JSON string of at most n bytes, stopping at the first NUL. */
static void emit_str(struct sink *s, const char *p, size_t n)
{
	emit(s, "\"", 1);
	for (size_t i = 0; i < n && p[i]; i++) {
		unsigned char c = (unsigned char)p[i];

		if (c == '"' || c == '\\') {
			char esc[2] = { '\\', (char)c };
			emit(s, esc, 2);
		} else if (c < 0x20 || c >= 0x7f) {
			emitf(s, "\\u%04x", c);
		} else {
			emit(s, (const char *)&c, 1);
		}
	}
	emit(s, "\"", 1);
}

static uint64_t load_uint(const uint8_t *p, size_t size)
{
	uint8_t b1;
	uint16_t b2;
	uint32_t b4;
	uint64_t b8;

	switch (size) {
	case 1: memcpy(&b1, p, 1); return b1;
	case 2: memcpy(&b2, p, 2); return b2;
	case 4: memcpy(&b4, p, 4); return b4;
	default: memcpy(&b8, p, 8); return b8;
	}
}

static int64_t sign_extend(uint64_t v, unsigned bits)
{
	if (bits >= 64)
		return (int64_t)v;
	if (v & (1ULL << (bits - 1)))
		v |= ~0ULL << bits;
	return (int64_t)v;
}

static void emit_number(struct sink *s, uint64_t v, unsigned bits, bool is_signed, bool is_bool)
{
	if (bits < 64)
		v &= (1ULL << bits) - 1;
	if (is_bool)
		emit(s, v ? "true" : "false", v ? 4 : 5);
	else if (is_signed)
		emitf(s, "%lld", (long long)sign_extend(v, bits));
	else
		emitf(s, "%llu", (unsigned long long)v);
}

static bool is_char_type(const struct ebpf_btf *btf, uint32_t id)
{
	const struct btf_type *t = eb_btf_skip_mods_typedefs(btf, id, NULL);

	if (!t || btf_kind(t) != BTF_KIND_INT || t->size != 1)
		return false;
	return (BTF_INT_ENCODING(btf_int_info(t)) & BTF_INT_CHAR) ||
	       strstr(eb_btf_name(btf, t), "char") != NULL;
}

static void dump(const struct ebpf_btf *btf, uint32_t id, const uint8_t *p, size_t avail,
		 int depth, struct sink *s);

/* Members of a struct/union at p, written as "k": v pairs into an already-open object. */
static void dump_members(const struct ebpf_btf *btf, const struct btf_type *t, const uint8_t *p,
			 size_t avail, int depth, struct sink *s, bool *first)
{
	const struct btf_member *m = btf_members(t);

	for (unsigned i = 0; i < btf_vlen(t); i++, m++) {
		uint32_t bit_off = btf_member_bit_offset(t, m);
		uint32_t bit_size = btf_member_bitfield_size(t, m);
		const char *name = eb_btf_str(btf, m->name_off);
		const struct btf_type *mt = eb_btf_skip_mods_typedefs(btf, m->type, NULL);
		size_t byte_off = bit_off / 8;

		if (byte_off > avail)
			break;
		if ((!name || !*name) && mt &&
		    (btf_kind(mt) == BTF_KIND_STRUCT || btf_kind(mt) == BTF_KIND_UNION)) {
			/* Anonymous struct/union: its members belong to this object. */
			if (depth < DUMP_MAX_DEPTH && mt->size <= avail - byte_off)
				dump_members(btf, mt, p + byte_off, avail - byte_off, depth + 1, s, first);
			continue;
		}
		if (!*first)
			emit(s, ", ", 2);
		*first = false;
		emit_str(s, name && *name ? name : "?", 256);
		emit(s, ": ", 2);
		if (bit_size || (bit_off % 8 && mt && btf_kind(mt) == BTF_KIND_INT)) {
			/* Bitfield: read the 8 bytes (or fewer at the end) around it, little endian. */
			uint8_t tmp[8] = { 0 };
			size_t n = avail - byte_off < 8 ? avail - byte_off : 8;
			unsigned shift = bit_off % 8, bits = bit_size ? bit_size : mt->size * 8;
			uint64_t v;
			bool sgn = mt && btf_kind(mt) == BTF_KIND_INT &&
				   (BTF_INT_ENCODING(btf_int_info(mt)) & BTF_INT_SIGNED);

			memcpy(tmp, p + byte_off, n);
			memcpy(&v, tmp, 8);
#if __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__
			v = __builtin_bswap64(v);
#endif
			if (bits == 0 || bits + shift > 64) {
				emit(s, "null", 4);
				continue;
			}
			emit_number(s, v >> shift, bits, sgn, false);
			continue;
		}
		dump(btf, m->type, p + byte_off, avail - byte_off, depth + 1, s);
	}
}

static void dump(const struct ebpf_btf *btf, uint32_t id, const uint8_t *p, size_t avail,
		 int depth, struct sink *s)
{
	const struct btf_type *t = eb_btf_skip_mods_typedefs(btf, id, &id);
	int64_t size = t ? eb_btf_type_size(btf, id) : -1;

	if (size < 0 || (uint64_t)size > avail) {
		/* No size (void, func) or truncated data: show the bytes we have, bounded. */
		emit_hex(s, p, size < 0 ? 0 : avail);
		return;
	}
	if (depth > DUMP_MAX_DEPTH) {
		emit_hex(s, p, (size_t)size);
		return;
	}
	switch (btf_kind(t)) {
	case BTF_KIND_INT: {
		uint32_t info = btf_int_info(t);
		unsigned bits = BTF_INT_BITS(info), off = BTF_INT_OFFSET(info);

		if (t->size > 8 || bits > 64 || off + bits > 64 || bits == 0) {
			emit_hex(s, p, t->size);
			return;
		}
		emit_number(s, load_uint(p, t->size) >> off, bits,
			    BTF_INT_ENCODING(info) & BTF_INT_SIGNED, BTF_INT_ENCODING(info) & BTF_INT_BOOL);
		return;
	}
	case BTF_KIND_ENUM:
	case BTF_KIND_ENUM64: {
		uint64_t v;
		bool sgn = btf_kflag(t);

		if (t->size != 1 && t->size != 2 && t->size != 4 && t->size != 8) {
			emit_hex(s, p, t->size);
			return;
		}
		v = load_uint(p, t->size);
		for (unsigned i = 0; i < btf_vlen(t); i++) {
			uint64_t ev;
			uint32_t name_off;

			if (btf_kind(t) == BTF_KIND_ENUM) {
				ev = (uint64_t)(int64_t)btf_enums(t)[i].val;
				name_off = btf_enums(t)[i].name_off;
			} else {
				ev = btf_enums64(t)[i].val_lo32 | (uint64_t)btf_enums64(t)[i].val_hi32 << 32;
				name_off = btf_enums64(t)[i].name_off;
			}
			if (t->size < 8)
				ev &= (1ULL << (t->size * 8)) - 1;
			if (ev == v) {
				const char *n = eb_btf_str(btf, name_off);

				emit_str(s, n ? n : "?", 256);
				return;
			}
		}
		emit_number(s, v, t->size * 8, sgn, false);
		return;
	}
	case BTF_KIND_FLOAT: {
		double d;

		if (t->size == 4) {
			float f;
			memcpy(&f, p, 4);
			d = f;
		} else if (t->size == 8) {
			memcpy(&d, p, 8);
		} else {
			emit_hex(s, p, t->size);
			return;
		}
		if (isfinite(d))
			emitf(s, "%.17g", d);
		else
			emit_str(s, isnan(d) ? "nan" : d > 0 ? "inf" : "-inf", 8);
		return;
	}
	case BTF_KIND_ARRAY: {
		const struct btf_array *a = btf_array_info(t);
		int64_t esz = eb_btf_type_size(btf, a->type);

		if (is_char_type(btf, a->type)) {
			emit_str(s, (const char *)p, a->nelems);
			return;
		}
		if (esz <= 0) {
			emit_hex(s, p, (size_t)size);
			return;
		}
		emit(s, "[", 1);
		for (uint32_t i = 0; i < a->nelems; i++) {
			if (i)
				emit(s, ", ", 2);
			dump(btf, a->type, p + (size_t)esz * i, (size_t)size - (size_t)esz * i, depth + 1, s);
		}
		emit(s, "]", 1);
		return;
	}
	case BTF_KIND_STRUCT:
	case BTF_KIND_UNION: {
		bool first = true;

		emit(s, "{", 1);
		dump_members(btf, t, p, (size_t)size, depth, s, &first);
		emit(s, "}", 1);
		return;
	}
	case BTF_KIND_DATASEC: {
		const struct btf_var_secinfo *vs = btf_secinfos(t);

		emit(s, "{", 1);
		for (unsigned i = 0; i < btf_vlen(t); i++) {
			const struct btf_type *v = eb_btf_type(btf, vs[i].type);

			if (i)
				emit(s, ", ", 2);
			emit_str(s, v ? eb_btf_name(btf, v) : "?", 256);
			emit(s, ": ", 2);
			if (vs[i].offset > (uint64_t)size || vs[i].size > (uint64_t)size - vs[i].offset)
				emit(s, "null", 4);
			else
				dump(btf, vs[i].type, p + vs[i].offset, vs[i].size, depth + 1, s);
		}
		emit(s, "}", 1);
		return;
	}
	default:
		emit_hex(s, p, (size_t)size);
	}
}

EBPF_API int ebpf_btf_dump_json(const struct ebpf_btf *btf, uint32_t type_id, const void *data,
				size_t size, char *buf, size_t len)
{
	struct sink s = { .buf = buf, .len = buf ? len : 0 };
	int64_t need;

	if (!btf || !data)
		return eb_err(-EINVAL, "BTF dump: NULL %s", btf ? "data" : "BTF");
	if (!eb_btf_type(btf, type_id))
		return eb_err(-EINVAL, "BTF dump: type id %u is not in this BTF", type_id);
	need = eb_btf_type_size(btf, type_id);
	if (need < 0)
		return eb_err_ctx((int)need, "BTF dump");
	if ((uint64_t)need > size)
		return eb_err(-EINVAL, "BTF dump: type [%u] needs %lld bytes, data has %zu", type_id,
			      (long long)need, size);
	if (s.len)
		s.buf[0] = '\0';
	dump(btf, type_id, data, size, 0, &s);
	return s.pos > INT32_MAX ? INT32_MAX : (int)s.pos;
}

EBPF_API int ebpf_btf_dump_type(const struct ebpf_btf *btf, uint32_t type_id, char *buf, size_t len)
{
	if (!btf || (type_id && !eb_btf_type(btf, type_id))) {
		if (len)
			snprintf(buf, len, "?");
		return eb_err(-EINVAL, "BTF: type id %u is not in this BTF", type_id);
	}
	return eb_btf_type_str(btf, type_id, buf, len) < 0 ? -EINVAL : 0;
}

EBPF_API uint32_t ebpf_btf_dump_type_count(const struct ebpf_btf *btf)
{
	return btf ? eb_btf_type_cnt(btf) : 0;
}

EBPF_API uint32_t ebpf_map_spec_btf_key_type(const struct ebpf_map_spec *map)
{
	return map ? map->btf_key_type : 0;
}

EBPF_API uint32_t ebpf_map_spec_btf_value_type(const struct ebpf_map_spec *map)
{
	/* Data maps are typed by their DATASEC, which renders as {var: value, ...}. */
	if (!map)
		return 0;
	return map->btf_value_type ? map->btf_value_type : map->btf_datasec;
}
