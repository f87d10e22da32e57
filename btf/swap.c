// SPDX-License-Identifier: BSD-2-Clause
/*
 * Byte-swapping a BTF blob written in the foreign byte order (e.g. a big-endian
 * object inspected on x86). Every field of the header past magic/version/flags
 * and every record word is 32 bits wide, so a type is swapped as: its three
 * header words (to learn kind and vlen), then its extra records as u32 words.
 */
#include <errno.h>
#include <string.h>

#include "btf/btf_internal.h"
#include "lib/error.h"

static void swap32s(uint8_t *p, size_t words)
{
	for (size_t i = 0; i < words; i++, p += 4) {
		uint32_t v;

		memcpy(&v, p, 4);
		v = __builtin_bswap32(v);
		memcpy(p, &v, 4);
	}
}

int eb_btf_swap(uint8_t *data, size_t size)
{
	struct btf_header h;
	uint64_t type_start, type_end, off;

	if (size < sizeof(h))
		return eb_err(-EINVAL, "BTF: %zu bytes is too short for a header", size);
	/* magic is 16 bits, version and flags single bytes; the rest are u32 words. */
	memcpy(&h, data, sizeof(h));
	h.magic = __builtin_bswap16(h.magic);
	memcpy(data, &h.magic, 2);
	swap32s(data + 4, (sizeof(h) - 4) / 4);
	memcpy(&h, data, sizeof(h));
	if (h.hdr_len > size || h.hdr_len < sizeof(h))
		return eb_err(-EINVAL, "BTF: header length %u outside 24..%zu", h.hdr_len, size);
	if (h.hdr_len % 4)
		return eb_err(-EINVAL, "BTF: header length %u is not a multiple of 4", h.hdr_len);
	/* Any trailing header bytes are required to be zero later: nothing to swap. */
	type_start = (uint64_t)h.hdr_len + h.type_off;
	type_end = type_start + h.type_len;
	if (type_end > size || type_start % 4)
		return eb_err(-EINVAL, "BTF: type section [%u, +%u) outside the %zu-byte blob or misaligned",
			      h.type_off, h.type_len, size);

	for (off = type_start; off < type_end;) {
		struct btf_type t;
		size_t extra;

		if (type_end - off < sizeof(t))
			return eb_err(-EINVAL, "BTF: type record at offset %llu runs past the type section",
				      (unsigned long long)(off - type_start));
		swap32s(data + off, 3);
		memcpy(&t, data + off, sizeof(t));
		extra = eb_btf_extra_size(&t);
		if (extra > type_end - off - sizeof(t))
			return eb_err(-EINVAL, "BTF: type record at offset %llu runs past the type section",
				      (unsigned long long)(off - type_start));
		swap32s(data + off + sizeof(t), extra / 4);
		off += sizeof(t) + extra;
	}
	return 0;
}
