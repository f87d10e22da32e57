/* Unit tests of the library's own plumbing: error messages, allocation, fault injection. */
#include <errno.h>
#include <stdint.h>

#include "testutil.h"
#include "lib/alloc.h"
#include "lib/error.h"

START_TEST(test_errmsg_and_context)
{
	ck_assert_int_eq(eb_err(-EINVAL, "symbol '%s' out of range", "foo"), -EINVAL);
	ck_assert_str_eq(ebpf_errmsg(), "symbol 'foo' out of range");
	ck_assert_int_eq(eb_err_ctx(-EINVAL, "prog '%s'", "p"), -EINVAL);
	ck_assert_str_eq(ebpf_errmsg(), "prog 'p': symbol 'foo' out of range");
	eb_err_clear();
	ck_assert_str_eq(ebpf_errmsg(), "");
}
END_TEST

START_TEST(test_alloc_overflow_refused)
{
	ck_assert_ptr_null(eb_calloc(SIZE_MAX / 2, 4));
	ck_assert_errmsg_has("out of memory");
	ck_assert_ptr_null(eb_reallocarray(NULL, SIZE_MAX / 8 + 1, 16));
}
END_TEST

START_TEST(test_grow)
{
	int *v = NULL;
	size_t cap = 0;

	for (int i = 0; i < 1000; i++) {
		ck_assert_int_eq(eb_grow((void **)&v, &cap, (size_t)i + 1, sizeof(*v)), 0);
		v[i] = i;
	}
	ck_assert_uint_ge(cap, 1000);
	ck_assert_int_eq(v[999], 999);
	eb_free(v);
}
END_TEST

START_TEST(test_fault_injection_fails_nth_alloc)
{
	void *a, *b, *c;

	eb_fault_arm(EB_FAULT_ALLOC, 2);
	a = eb_malloc(8);
	b = eb_malloc(8);
	c = eb_malloc(8);
	eb_fault_arm(EB_FAULT_ALLOC, 0);
	ck_assert_ptr_nonnull(a);
	ck_assert_ptr_null(b);
	ck_assert_ptr_nonnull(c);
	eb_free(a);
	eb_free(c);
}
END_TEST

START_TEST(test_version)
{
	ck_assert_str_eq(ebpf_version(), EBPF_VERSION_STRING);
}
END_TEST

Suite *suite_core_util(void)
{
	Suite *s = suite_create("core_util");
	TCase *tc = test_tcase("plumbing");

	tcase_add_test(tc, test_errmsg_and_context);
	tcase_add_test(tc, test_alloc_overflow_refused);
	tcase_add_test(tc, test_grow);
	tcase_add_test(tc, test_fault_injection_fails_nth_alloc);
	tcase_add_test(tc, test_version);
	suite_add_tcase(s, tc);
	return s;
}
