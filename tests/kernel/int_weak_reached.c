/* The verifier reaching an unresolved weak kfunc call: the load error names it. */
#include "testutil.h"

START_TEST(test_unguarded_weak_kfunc_is_named)
{
	struct ebpf_test_run_opts run = { .sz = sizeof(run) };
	struct ebpf_collection *coll = NULL;
	struct ebpf_spec *spec = NULL;
	const char *msg = NULL;
	struct ebpf_prog *p;

	REQUIRE_BPF();
	ck_assert_int_eq(ebpf_spec_open_file(testobj("int_weak_reached"), NULL, &spec), 0);
	ck_assert_int_eq(ebpf_collection_load(spec, NULL, &coll), 0);

	p = ebpf_collection_prog(coll, "unguarded");
	ck_assert_ptr_nonnull(p);
	ck_assert_int_lt(ebpf_prog_load_error(p, &msg), 0);
	ck_assert_ptr_nonnull(msg);
	ck_assert_msg(strstr(msg, "weak kfunc 'bpf_int_no_such_kfunc' is missing"), "msg: %s", msg);
	ck_assert_msg(strstr(msg, "reached it at insn 1"), "msg: %s", msg);

	/* The guarded twin loads and takes the fallback branch. */
	p = ebpf_collection_prog(coll, "guarded");
	ck_assert_int_eq(ebpf_prog_load_error(p, NULL), 0);
	ck_assert_int_eq(ebpf_prog_test_run(p, &run), 0);
	ck_assert_uint_eq(run.retval, 7);

	ebpf_collection_close(coll);
	ebpf_spec_free(spec);
}
END_TEST

Suite *suite_int_weak_reached(void)
{
	Suite *s = suite_create("int_weak_reached");
	TCase *tc = test_tcase("weak");

	tcase_add_test(tc, test_unguarded_weak_kfunc_is_named);
	suite_add_tcase(s, tc);
	return s;
}
