/*
 * The tool's failure lines on the load and attach paths: one line each, what
 * failed (with the target as the user typed it) and what to do.
 */
#include <stdio.h>
#include <stdlib.h>

#include "testutil.h"
#include "cli_run.h"

#define has(hay, needle) ck_assert_msg(strstr((hay), (needle)) != NULL, \
				       "\"%s\" lacks \"%s\"", (hay), (needle))

START_TEST(load_failure_points_at_the_log)
{
	struct cli_result r;

	REQUIRE_BPF();
	cli_run(&r, "load '%s'", testobj("cli_mixed"));
	ck_assert_int_eq(r.status, 1);
	has(r.err, "ebpf load: bad_deref: prog 'bad_deref': the verifier rejected it at insn ");
	has(r.err, "without a NULL check");
	has(r.err, "ebpf load: add --log to print the verifier log of the failed programs\n");
	cli_result_free(&r);

	/* with --log there is nothing to point at */
	cli_run(&r, "load --log '%s'", testobj("cli_mixed"));
	ck_assert_ptr_null(strstr(r.err, "add --log"));
	has(r.out, "--- verifier log of bad_deref ---");
	cli_result_free(&r);
}
END_TEST

START_TEST(attach_failures_name_the_target_as_given)
{
	struct cli_result r;

	REQUIRE_BPF();
	cli_run(&r, "run '%s' --duration 1 --attach on_uprobe=uprobe:/proc/self/exe:rev_no_such_fn",
		testobj("link_progs"));
	ck_assert_int_ne(r.status, 0);
	has(r.err, "ebpf run: attach on_uprobe (uprobe:/proc/self/exe:rev_no_such_fn): prog "
	    "'on_uprobe': uprobe: binary '/proc/self/exe': function 'rev_no_such_fn' not found");
	has(r.err, "attach by offset");
	cli_result_free(&r);

	/* a tp_btf target comes from the section: another one is refused, not ignored */
	cli_run(&r, "run '%s' --duration 1 --attach on_tp_btf=tp_btf:sched_switch",
		testobj("link_progs"));
	ck_assert_int_eq(r.status, 1);
	has(r.err, "ebpf run: --attach on_tp_btf: tp_btf programs are bound to their target when "
	    "loaded (section 'tp_btf/sys_enter' binds 'sys_enter'); 'sched_switch' cannot be chosen");
	cli_result_free(&r);
}
END_TEST

Suite *suite_rev_cli_errors(void)
{
	Suite *s = suite_create("rev_cli_errors");
	TCase *tc = test_tcase("cli");

	tcase_add_test(tc, load_failure_points_at_the_log);
	tcase_add_test(tc, attach_failures_name_the_target_as_given);
	suite_add_tcase(s, tc);
	return s;
}
