// SPDX-License-Identifier: BSD-2-Clause
/*
 * Name lookups answer the same whether a BTF is still scanned linearly (its
 * first lookups) or has built its name index (after enough scanning work):
 * essential-name lookups (CO-RE candidates, "___flavor" suffixes) and exact ones.
 */
#include <errno.h>
#include <string.h>

#include "testutil.h"
#include "core_btf_builder.h"
#include "btf/btf_internal.h"

START_TEST(scan_and_index_agree)
{
	struct tb b;
	struct ebpf_btf *btf;
	uint32_t i32, foo, foo_v1, foo_v2x, foobar, u_foo, foo_u, e_foo;
	uint32_t ids[8];
	bool indexed = false;

	tb_init(&b);
	i32 = tb_int(&b, "int", 4, 1);
	foobar = tb_struct(&b, "foobar", 4, 1, 0);
	tb_member(&b, "x", i32, 0, 0);
	foo_v1 = tb_struct(&b, "foo___v1", 4, 1, 0);
	tb_member(&b, "x", i32, 0, 0);
	e_foo = tb_enum(&b, "foo", 1, 4, 0);	/* same name, other kind */
	tb_enumval(&b, "FOO_A", 0);
	foo = tb_struct(&b, "foo", 4, 1, 0);
	tb_member(&b, "x", i32, 0, 0);
	foo_v2x = tb_struct(&b, "foo___v2___x", 4, 1, 0);	/* essential name "foo___v2" */
	tb_member(&b, "x", i32, 0, 0);
	u_foo = tb_struct(&b, "___foo", 4, 1, 0);		/* a real name, not a flavor of "" */
	tb_member(&b, "x", i32, 0, 0);
	foo_u = tb_struct(&b, "foo___", 4, 1, 0);		/* nothing after "___": not a flavor */
	tb_member(&b, "x", i32, 0, 0);
	btf = tb_finish(&b);
	ck_assert_ptr_nonnull(btf);

	/* Enough rounds of full essential scans that the index gets built part-way. */
	for (int round = 0; round < 40; round++) {
		if (round == 0)
			ck_assert_ptr_null(atomic_load(&btf->index));
		indexed |= atomic_load(&btf->index) != NULL;
		ck_assert_int_eq(eb_btf_find_essential(btf, "foo", BTF_KIND_STRUCT, ids, 8), 2);
		ck_assert_uint_eq(ids[0], foo_v1);
		ck_assert_uint_eq(ids[1], foo);
		ck_assert_int_eq(eb_btf_find_essential(btf, "foo___v9", BTF_KIND_STRUCT, ids, 8), 2);
		ck_assert_int_eq(eb_btf_find_essential(btf, "foo___v2___y", BTF_KIND_STRUCT, ids, 8), 1);
		ck_assert_uint_eq(ids[0], foo_v2x);
		ck_assert_int_eq(eb_btf_find_essential(btf, "foo", 0, ids, 8), 3);
		ck_assert_uint_eq(ids[1], e_foo);
		ck_assert_int_eq(eb_btf_find_essential(btf, "___foo", BTF_KIND_STRUCT, ids, 8), 1);
		ck_assert_uint_eq(ids[0], u_foo);
		ck_assert_int_eq(eb_btf_find_essential(btf, "foo___", BTF_KIND_STRUCT, ids, 8), 1);
		ck_assert_uint_eq(ids[0], foo_u);
		ck_assert_int_eq(eb_btf_find_essential(btf, "fo", BTF_KIND_STRUCT, ids, 8), 0);
		ck_assert_int_eq(eb_btf_find(btf, "foo", BTF_KIND_STRUCT), (int32_t)foo);
		ck_assert_int_eq(eb_btf_find(btf, "foo", 0), (int32_t)e_foo);
		ck_assert_int_eq(eb_btf_find(btf, "foobar", BTF_KIND_STRUCT), (int32_t)foobar);
		ck_assert_int_eq(eb_btf_find(btf, "foo___v1", BTF_KIND_STRUCT), (int32_t)foo_v1);
		ck_assert_int_eq(eb_btf_find(btf, "foo___v", BTF_KIND_STRUCT), -ENOENT);
	}
	/* the first lookups scanned; the later ones went through the index */
	ck_assert(indexed);
	ck_assert_ptr_nonnull(atomic_load(&btf->index));
	eb_btf_put(btf);
}
END_TEST

Suite *suite_perf2_btf_lookup(void)
{
	Suite *s = suite_create("perf2_btf_lookup");
	TCase *tc = test_tcase("btf_lookup");

	tcase_add_test(tc, scan_and_index_agree);
	suite_add_tcase(s, tc);
	return s;
}
