/* Hostile .kconfig sizes are refused at spec time, before anything is allocated. */
#include <errno.h>

#include "testutil.h"

START_TEST(test_huge_kconfig_extern_is_refused)
{
	struct ebpf_spec *spec = NULL;

	ck_assert_int_eq(ebpf_spec_open_file(testobj("int_kconfig_huge"), NULL, &spec), -EINVAL);
	ck_assert_ptr_null(spec);
	ck_assert_errmsg_has(".kconfig extern 'CONFIG_INT_HUGE' (70000 bytes) takes the .kconfig "
			     "externs past 65536 bytes");
}
END_TEST

Suite *suite_int_kconfig_limit(void)
{
	Suite *s = suite_create("int_kconfig_limit");
	TCase *tc = test_tcase("limit");

	tcase_add_test(tc, test_huge_kconfig_extern_is_refused);
	suite_add_tcase(s, tc);
	return s;
}
