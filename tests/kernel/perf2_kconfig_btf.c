// SPDX-License-Identifier: BSD-2-Clause
/*
 * The .kconfig map carries its BTF into the kernel. relo_kconfig declares its
 * externs in an order whose natural-alignment layout differs from the symbol
 * order the ELF reader lays the map out in; before the reader wrote that layout
 * into the .kconfig DATASEC, the kernel refused the value type and the map was
 * quietly created without BTF (after a retry).
 */
#include <string.h>

#include "testutil.h"
#include "lib/spec.h"
#include "lib/sys.h"

START_TEST(kconfig_map_has_btf)
{
	struct ebpf_spec *spec;
	struct ebpf_collection *coll;
	struct ebpf_map_spec *ms;
	struct ebpf_map *m;
	struct eb_map_info info;
	uint32_t len = sizeof(info);

	REQUIRE_BPF();
	ck_assert_int_eq(ebpf_spec_open_file(testobj("relo_kconfig"), NULL, &spec), 0);
	ms = ebpf_spec_map_by_name(spec, ".kconfig");
	ck_assert_ptr_nonnull(ms);
	ck_assert_uint_gt(ms->btf_datasec, 0);
	ck_assert_msg(ebpf_collection_load(spec, NULL, &coll) == 0, "load: %s", ebpf_errmsg());
	m = ebpf_collection_map(coll, ".kconfig");
	ck_assert_ptr_nonnull(m);
	memset(&info, 0, sizeof(info));
	ck_assert_int_eq(eb_sys_obj_info(ebpf_map_fd(m), &info, &len), 0);
	ck_assert_uint_ne(info.btf_id, 0);
	ck_assert_uint_eq(info.btf_value_type_id, ms->btf_datasec);
	ck_assert_uint_eq(info.value_size, ms->value_size);
	ebpf_collection_close(coll);
	ebpf_spec_free(spec);
}
END_TEST

Suite *suite_perf2_kconfig_btf(void)
{
	Suite *s = suite_create("perf2_kconfig_btf");

	TCase *tc = test_tcase("kconfig_btf");

	tcase_add_test(tc, kconfig_map_has_btf);
	suite_add_tcase(s, tc);
	return s;
}
