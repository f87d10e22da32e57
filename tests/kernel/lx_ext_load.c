/*
 * .BTF.ext records reach the kernel only decoded and validated at load time
 * (open leaves them raw): a good object loads with its func_info and
 * line_info and CO-RE applied; a damaged record fails its program's load with
 * a message naming the record, before the kernel sees it, while the other
 * program loads (testdata/lx_ext.bpf.c).
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "testutil.h"
#include "lx_ext_patch.h"
#include "lib/sys.h"

static void prog_info(const struct ebpf_prog *p, struct eb_prog_info *info)
{
	uint32_t len = sizeof(*info);

	memset(info, 0, sizeof(*info));
	ck_assert_int_eq(eb_sys_obj_info(ebpf_prog_fd(p), info, &len), 0);
}

START_TEST(test_loads_with_records)
{
	struct ebpf_spec *spec;
	struct ebpf_collection *coll;
	struct ebpf_prog *p;
	struct eb_prog_info info;
	struct ebpf_test_run_opts o = { .sz = sizeof(o) };

	REQUIRE_BPF();
	ck_assert_msg(ebpf_spec_open_file(testobj("lx_ext"), NULL, &spec) == 0, "%s", ebpf_errmsg());
	ck_assert_msg(ebpf_collection_load(spec, NULL, &coll) == 0, "%s", ebpf_errmsg());
	ebpf_spec_free(spec);	/* the collection holds it: records stay readable */
	p = ebpf_collection_prog(coll, "lx_core");
	ck_assert_msg(ebpf_prog_fd(p) >= 0, "lx_core: %s", ebpf_prog_verifier_log(p));
	prog_info(p, &info);
	ck_assert_uint_eq(info.nr_func_info, 2);	/* lx_core, lx_twice */
	ck_assert_uint_ge(info.nr_line_info, 2);
	ck_assert_msg(ebpf_prog_test_run(p, &o) == 0, "%s", ebpf_errmsg());
	ck_assert_uint_eq(o.retval, 2 * 16);		/* 2 * sizeof(struct list_head) by CO-RE */
	p = ebpf_collection_prog(coll, "lx_plain");
	ck_assert_msg(ebpf_prog_fd(p) >= 0, "lx_plain: %s", ebpf_prog_verifier_log(p));
	prog_info(p, &info);
	ck_assert_uint_eq(info.nr_func_info, 2);
	ebpf_collection_close(coll);
}
END_TEST

/* A damaged CO-RE record: open succeeds, lx_core fails before the kernel, lx_plain loads. */
START_TEST(test_damaged_record_fails_at_load)
{
	const char *want = "prog 'lx_core': .BTF.ext core_relo: section 'syscall' record 0: "
			   "unknown relocation kind 13";
	struct ebpf_load_opts all = { .sz = sizeof(all), .all_or_nothing = true };
	struct ebpf_spec *spec;
	struct ebpf_collection *coll;
	const char *msg;
	uint8_t *elf;
	size_t size;
	int fds;

	REQUIRE_BPF();
	elf = test_read_file(testobj("lx_ext"), &size);
	ck_assert_ptr_nonnull(elf);
	lx_ext_set(elf, size, LX_CORE_RELO, "syscall", 0, 3, 13);
	ck_assert_msg(ebpf_spec_open_mem(elf, size, NULL, &spec) == 0, "%s", ebpf_errmsg());
	free(elf);

	fds = test_count_fds();
	ck_assert_int_eq(ebpf_collection_load(spec, NULL, &coll), 0);
	ck_assert_int_eq(ebpf_prog_load_error(ebpf_collection_prog(coll, "lx_core"), &msg), -EINVAL);
	ck_assert_str_eq(msg, want);
	/* Decoded before the kernel: no verifier ran. */
	ck_assert_str_eq(ebpf_prog_verifier_log(ebpf_collection_prog(coll, "lx_core")), "");
	ck_assert_int_eq(ebpf_prog_load_error(ebpf_collection_prog(coll, "lx_plain"), NULL), 0);
	ebpf_collection_close(coll);

	ck_assert_int_eq(ebpf_collection_load(spec, &all, &coll), -EINVAL);
	ck_assert_ptr_null(coll);
	ck_assert_errmsg_has(want);
	ck_assert_int_eq(test_count_fds(), fds);
	ebpf_spec_free(spec);
}
END_TEST

Suite *suite_lx_ext_load(void)
{
	Suite *s = suite_create("lx_ext_load");
	TCase *tc = test_tcase("load");

	tcase_add_test(tc, test_loads_with_records);
	tcase_add_test(tc, test_damaged_record_fails_at_load);
	suite_add_tcase(s, tc);
	return s;
}
