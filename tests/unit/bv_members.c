/*
 * The screening pass's member rules (btf/parse_screen.c): one broken
 * field of one member, at every position of structs of 1..20 members, plain
 * and kind_flag, is refused exactly as the checking pass refuses it, with
 * room after the struct and for a struct at the very end of the type section;
 * valid structs are taken by the screen alone, size*8 past 32 bits included.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "testutil.h"
#include "btf_blob.h"
#include "btf_agree.h"
#include "btf/btf_internal.h"
#include "ebpf/spec.h"

/* Ids: [1] int, [2] the struct, then (padded) ten pointers to int. */
#define PAD_TYPES 10

enum field { F_NONE, F_NAME, F_TYPE_VOID, F_TYPE_PAST, F_OFFSET, F_NAME_LAST_OK, F_TYPE_LAST_OK, F_OFFSET_END_OK };

/*
 * A struct of `vlen` int members (member i at bit 32 * i, size 4 * vlen),
 * member `bad_at` given the value `what` describes.
 */
static void *member_blob(unsigned vlen, bool kflag, bool padded, unsigned bad_at, enum field what, size_t *size)
{
	struct tblob b;
	uint32_t name, last_id = 2 + (padded ? PAD_TYPES : 0);
	void *raw;

	tb_init(&b, 0);
	tb_type(&b, tb_str(&b, "int"), BTF_KIND_INT, 0, 0, 4);
	tb_w(&b, (BTF_INT_SIGNED << 24) | 32);
	name = tb_str(&b, "m");
	tb_type(&b, tb_str(&b, "s"), BTF_KIND_STRUCT, vlen, kflag, 4 * vlen);
	for (unsigned i = 0; i < vlen; i++) {
		uint32_t n = name, type = 1, off = kflag ? (32u << 24) | (32 * i) : 32 * i;

		if (i == bad_at) {
			switch (what) {
			case F_NAME: n = UINT32_MAX / 2; break;
			case F_TYPE_VOID: type = 0; break;
			case F_TYPE_PAST: type = last_id + 1; break;
			case F_TYPE_LAST_OK: type = last_id; break;
			/* one bit past the end; kind_flag: a 1-bit field at the struct's last bit + 1 */
			case F_OFFSET: off = kflag ? (1u << 24) | (32 * vlen) : 32 * vlen + 1; break;
			case F_OFFSET_END_OK: off = kflag ? (1u << 24) | (32 * vlen - 1) : 32 * vlen; break;
			default: break;
			}
		}
		tb_w(&b, n);
		tb_w(&b, type);
		tb_w(&b, off);
	}
	for (unsigned i = 0; padded && i < PAD_TYPES; i++)
		tb_type(&b, 0, BTF_KIND_PTR, 0, 0, 1);
	raw = tb_build(&b, size);
	/* the last valid name offset: the string table's last byte (its final NUL) */
	if (what == F_NAME_LAST_OK) {
		struct btf_header h;
		uint32_t last;

		memcpy(&h, raw, sizeof(h));
		last = h.str_len - 1;
		memcpy((uint8_t *)raw + sizeof(h) + 12 + 4 + 12 + 12 * bad_at, &last, 4);
	}
	return raw;
}

static void every_member_every_field(bool padded)
{
	static const enum field bad[] = { F_NAME, F_TYPE_VOID, F_TYPE_PAST, F_OFFSET };
	static const enum field good[] = { F_NONE, F_NAME_LAST_OK, F_TYPE_LAST_OK, F_OFFSET_END_OK };
	for (unsigned vlen = 1; vlen <= 20; vlen++)
		for (int kflag = 0; kflag <= 1; kflag++)
			for (unsigned at = 0; at < vlen; at++) {
				for (size_t f = 0; f < sizeof(bad) / sizeof(bad[0]); f++) {
					char what[96];
					size_t size;
					void *raw = member_blob(vlen, kflag, padded, at, bad[f], &size);
					struct ebpf_btf *btf = NULL;

					snprintf(what, sizeof(what), "vlen %u kflag %d member %u field %d", vlen, kflag, at,
						 bad[f]);
					ck_assert_msg(eb_btf_parse(raw, size, NULL, EB_BTF_COPY, &btf) == -EINVAL, "%s",
						      what);
					btf_screen_agrees(raw, size, what);
					free(raw);
				}
				for (size_t f = 0; f < sizeof(good) / sizeof(good[0]); f++) {
					unsigned before = atomic_load(&eb_btf_screen_suspects);
					struct ebpf_btf *btf = NULL;
					size_t size;
					void *raw = member_blob(vlen, kflag, padded, at, good[f], &size);

					ck_assert_msg(eb_btf_parse(raw, size, NULL, EB_BTF_COPY, &btf) == 0,
						      "vlen %u kflag %d member %u field %d: %s", vlen, kflag, at, good[f],
						      ebpf_errmsg());
					/* the screen alone took it */
					ck_assert_uint_eq(atomic_load(&eb_btf_screen_suspects), before);
					eb_btf_put(btf);
					free(raw);
				}
			}
}

START_TEST(test_struct_with_room_after)
{
	every_member_every_field(true);
}
END_TEST

START_TEST(test_struct_at_section_end)
{
	every_member_every_field(false);
}
END_TEST

/* size * 8 does not fit 32 bits: every 32-bit bit offset lies inside. */
START_TEST(test_huge_struct_size)
{
	for (uint32_t size = 0x1ffffffe; size <= 0x20000001; size++) {
			struct ebpf_btf *btf = NULL;
			struct tblob b;
			size_t len;
			void *raw;
			int err;

			tb_init(&b, 0);
			tb_type(&b, tb_str(&b, "int"), BTF_KIND_INT, 0, 0, 4);
			tb_w(&b, (BTF_INT_SIGNED << 24) | 32);
			tb_type(&b, tb_str(&b, "big"), BTF_KIND_STRUCT, 1, 0, size);
			tb_w(&b, tb_str(&b, "m"));
			tb_w(&b, 1);
			tb_w(&b, UINT32_MAX);
			for (unsigned i = 0; i < PAD_TYPES; i++)
				tb_type(&b, 0, BTF_KIND_PTR, 0, 0, 1);
			raw = tb_build(&b, &len);
			err = eb_btf_parse(raw, len, NULL, EB_BTF_COPY, &btf);
			/* 0x1fffffff * 8 = 0xfffffff8 < UINT32_MAX; from 0x20000000 on it fits */
			ck_assert_int_eq(err, size >= 0x20000000 ? 0 : -EINVAL);
			if (err)
				ck_assert_errmsg_has("BTF: type [2] STRUCT: member lies past the end of the type");
			btf_screen_agrees(raw, len, "huge struct");
			eb_btf_put(btf);
			free(raw);
		}
}
END_TEST

Suite *suite_bv_members(void)
{
	Suite *s = suite_create("bv_members");
	TCase *tc = test_tcase("members");

	tcase_add_test(tc, test_struct_with_room_after);
	tcase_add_test(tc, test_struct_at_section_end);
	tcase_add_test(tc, test_huge_struct_size);
	suite_add_tcase(s, tc);
	return s;
}
