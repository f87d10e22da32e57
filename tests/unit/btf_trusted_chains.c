/*
 * The trusted offset table of large BTF is walked in interleaved segments that
 * start at guessed record boundaries (btf/trusted_offsets.c). These blobs make
 * the guesses wrong on purpose: struct member data that reads as a run of valid
 * INT headers, tiling its struct exactly (the wrong walk rejoins the true one)
 * or off by one member (it never does). The table must still list exactly the
 * true records, and a bad record far into the section must be reported with
 * its true id and offset.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>

#include "testutil.h"
#include "btf/btf_internal.h"

#define MAXW (64 * 1024)	/* 256 KiB of types: well above the parallel threshold */

struct big {
	uint32_t w[MAXW];
	uint32_t nw;
	uint32_t offs[MAXW];	/* true record offsets, as the test laid them out */
	uint32_t nr;
};

static void rec(struct big *b, uint32_t name, unsigned kind, unsigned vlen, uint32_t size)
{
	b->offs[b->nr++] = b->nw * 4;
	b->w[b->nw++] = name;
	b->w[b->nw++] = btf_mk_info(kind, vlen, 0);
	b->w[b->nw++] = size;
}

/* An INT whose name is string offset 1 ("x"). */
static void int_rec(struct big *b)
{
	rec(b, 1, BTF_KIND_INT, 0, 4);
	b->w[b->nw++] = 32;
}

/* A struct of `vlen` members whose words read as INT records {1, INT, 4, 32}. */
static void decoy_struct(struct big *b, unsigned vlen)
{
	static const uint32_t pattern[4] = { 1, 0x01000000u, 4, 32 };

	rec(b, 1, BTF_KIND_STRUCT, vlen, 64);
	for (unsigned i = 0; i < 3 * vlen; i++)
		b->w[b->nw++] = pattern[i % 4];
}

static void *blob(const struct big *b, size_t *size)
{
	struct btf_header h = {
		.magic = BTF_MAGIC, .version = BTF_VERSION, .hdr_len = sizeof(h),
		.type_len = b->nw * 4, .str_off = b->nw * 4, .str_len = 3,
	};
	uint8_t *p;

	*size = sizeof(h) + h.type_len + h.str_len;
	p = calloc(1, *size);
	ck_assert_ptr_nonnull(p);
	memcpy(p, &h, sizeof(h));
	memcpy(p + sizeof(h), b->w, h.type_len);
	memcpy(p + sizeof(h) + h.type_len, "\0x", 3);
	return p;
}

/* Decoys of both shapes until the section is past `words` words. */
static void fill(struct big *b, uint32_t words)
{
	for (unsigned k = 0; b->nw < words; k++) {
		int_rec(b);
		decoy_struct(b, k % 2 ? 400 : 401);	/* 1200 words tile as INTs, 1203 do not */
	}
}

START_TEST(decoys_do_not_mislead)
{
	static struct big b;
	struct ebpf_btf *btf;
	size_t size;
	void *raw;

	memset(&b, 0, sizeof(b));
	fill(&b, 40000);
	raw = blob(&b, &size);
	ck_assert_int_eq(eb_btf_parse_trusted(raw, size, NULL, EB_BTF_COPY, &btf), 0);
	ck_assert_uint_eq(eb_btf_type_cnt(btf), b.nr + 1);
	for (uint32_t i = 0; i < b.nr; i++) {
		const struct btf_type *t = eb_btf_type(btf, i + 1);

		ck_assert_msg((const uint8_t *)t - btf->types == b.offs[i], "type [%u] at %td, expected %u", i + 1,
			      (const uint8_t *)t - btf->types, b.offs[i]);
	}
	eb_btf_put(btf);
	free(raw);
}
END_TEST

START_TEST(bad_record_far_in)
{
	static struct big b;
	struct ebpf_btf *btf;
	uint32_t bad_id, bad_off;
	char want[96];
	size_t size;
	void *raw;

	memset(&b, 0, sizeof(b));
	fill(&b, 30000);
	bad_id = b.nr + 1;
	bad_off = b.nw * 4;
	rec(&b, 0, 25, 0, 0);	/* unknown kind */
	fill(&b, 45000);
	raw = blob(&b, &size);
	ck_assert_int_eq(eb_btf_parse_trusted(raw, size, NULL, EB_BTF_COPY, &btf), -EINVAL);
	snprintf(want, sizeof(want), "type [%u] at offset %u: unknown kind", bad_id, bad_off);
	ck_assert_errmsg_has(want);
	free(raw);
}
END_TEST

START_TEST(last_record_overruns)
{
	static struct big b;
	struct ebpf_btf *btf;
	char want[96];
	size_t size;
	uint32_t id;
	void *raw;

	memset(&b, 0, sizeof(b));
	fill(&b, 30000);
	id = b.nr + 1;
	rec(&b, 1, BTF_KIND_STRUCT, 2, 8);	/* 2 members announced, 1 present */
	b.w[b.nw++] = 1;
	b.w[b.nw++] = 1;
	b.w[b.nw++] = 0;
	raw = blob(&b, &size);
	ck_assert_int_eq(eb_btf_parse_trusted(raw, size, NULL, EB_BTF_COPY, &btf), -EINVAL);
	snprintf(want, sizeof(want), "type [%u] at offset %u", id, b.offs[id - 1]);
	ck_assert_errmsg_has(want);
	free(raw);
}
END_TEST

Suite *suite_btf_trusted_chains(void)
{
	Suite *s = suite_create("btf_trusted_chains");
	TCase *tc = test_tcase("chains");

	tcase_add_test(tc, decoys_do_not_mislead);
	tcase_add_test(tc, bad_record_far_in);
	tcase_add_test(tc, last_record_overruns);
	suite_add_tcase(s, tc);
	return s;
}
