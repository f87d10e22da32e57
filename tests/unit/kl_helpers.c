/* Helper-name table, per-type rules and kernel-version parsing (no kernel needed). */
#include "testutil.h"
#include "lib/helpers.h"
#include "lib/sys.h"

START_TEST(test_helper_names)
{
	ck_assert_str_eq(eb_helper_name(1), "bpf_map_lookup_elem");
	ck_assert_str_eq(eb_helper_name(111), "bpf_skb_output");
	ck_assert_str_eq(eb_helper_name(174), "bpf_get_attach_cookie");
	ck_assert_str_eq(eb_helper_name(209), "bpf_user_ringbuf_drain");
	ck_assert_str_eq(eb_helper_name(211), "bpf_cgrp_storage_delete");
	ck_assert_ptr_null(eb_helper_name(0));
	ck_assert_ptr_null(eb_helper_name(212));
	ck_assert_ptr_null(eb_helper_name(UINT32_MAX));
	ck_assert_int_eq(eb_helper_id("bpf_skb_output"), 111);
	ck_assert_int_eq(eb_helper_id("ringbuf_output"), 130);
	ck_assert_int_eq(eb_helper_id("nope"), -1);
	ck_assert_int_eq(eb_helper_id(NULL), -1);
}
END_TEST

START_TEST(test_helper_rules)
{
	uint64_t t = eb_helper_allowed_types(EB_HELPER_SKB_OUTPUT);
	ck_assert(t & (1ull << EBPF_PROG_TYPE_TRACING));
	ck_assert(!(t & (1ull << EBPF_PROG_TYPE_KPROBE)));
	ck_assert_ptr_nonnull(strstr(eb_helper_allowed_text(EB_HELPER_SKB_OUTPUT), "fentry/fexit/tp_btf"));
	ck_assert_ptr_nonnull(strstr(eb_helper_allowed_text(EB_HELPER_SKB_OUTPUT), "not kprobe"));
	ck_assert_ptr_null(eb_helper_allowed_text(1));
	ck_assert_uint_eq(eb_helper_allowed_types(1), 0);
}
END_TEST

START_TEST(test_kernel_version_parse)
{
	ck_assert_uint_eq(eb_kernel_version_parse("6.18.0-1-amd64"), (6u << 16) | (18u << 8));
	ck_assert_uint_eq(eb_kernel_version_parse("4.9.300"), (4u << 16) | (9u << 8) | 255);
	ck_assert_uint_eq(eb_kernel_version_parse("5.15"), (5u << 16) | (15u << 8));
	ck_assert_uint_eq(eb_kernel_version_parse("garbage"), 0);
	ck_assert_uint_eq(eb_kernel_version_parse("300.1.1"), 0);
	ck_assert_uint_eq(eb_kernel_version_parse(NULL), 0);
	ck_assert_uint_ne(eb_kernel_version(), 0);
}
END_TEST

Suite *suite_kl_helpers(void)
{
	Suite *s = suite_create("kl_helpers");
	TCase *tc = test_tcase("helpers");
	tcase_add_test(tc, test_helper_names);
	tcase_add_test(tc, test_helper_rules);
	tcase_add_test(tc, test_kernel_version_parse);
	suite_add_tcase(s, tc);
	return s;
}
