/*
 * `ebpf load`, `ebpf test` and `ebpf run` on testdata objects, asserting on the
 * JSON they print: per-program statuses with the verifier's reason, return
 * values and globals after a test run, per-cookie counts after a run.
 */
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "testutil.h"
#include "cli_run.h"
#include "json_util.h"

static struct jr_value *parse(const struct cli_result *r)
{
	const char *err = NULL;
	struct jr_value *v = jr_parse(r->out, &err);

	ck_assert_msg(v != NULL, "bad JSON (%s) from the tool:\n%s\nstderr: %s", err, r->out, r->err);
	return v;
}

START_TEST(test_load_one_fails_others_load)
{
	struct cli_result r;
	struct jr_value *v;
	const struct jr_value *p;

	REQUIRE_BPF();
	cli_run(&r, "load --json '%s'", testobj("cli_mixed"));
	ck_assert_int_eq(r.status, 1);	/* not every requested program loaded */
	v = parse(&r);
	ck_assert_str_eq(jr_str(v, "object"), testobj("cli_mixed"));
	ck_assert_int_eq(jr_path(v, "programs")->n, 4);

	p = jr_find(jr_path(v, "programs"), "name", "compute");
	ck_assert_str_eq(jr_str(p, "status"), "loaded");
	ck_assert_str_eq(jr_str(p, "section"), "syscall");
	ck_assert_str_eq(jr_str(p, "type"), "syscall");
	ck_assert_int_eq(jr_get(p, "error")->type, JR_NULL);
	ck_assert_int_eq(jr_get(p, "errno")->type, JR_NULL);
	ck_assert_str_eq(jr_str(jr_find(jr_path(v, "programs"), "name", "pass_all"), "status"), "loaded");
	ck_assert_str_eq(jr_str(jr_find(jr_path(v, "programs"), "name", "not_autoloaded"), "status"),
			 "skipped");

	p = jr_find(jr_path(v, "programs"), "name", "bad_deref");
	ck_assert_str_eq(jr_str(p, "status"), "failed");
	ck_assert_int_eq(jr_int(p, "errno", 0), 13);	/* EACCES: the verifier said no */
	ck_assert_ptr_nonnull(strstr(jr_str(p, "error"), "bad_deref"));
	ck_assert_ptr_nonnull(strstr(jr_str(p, "error"), "map_value_or_null"));
	ck_assert_ptr_null(jr_get(p, "log"));	/* only with --log */
	/* The failure is also one line on stderr. */
	ck_assert_ptr_nonnull(strstr(r.err, "ebpf load: bad_deref: "));
	jr_free(v);
	cli_result_free(&r);
}
END_TEST

START_TEST(test_load_selected_and_log)
{
	struct cli_result r;
	struct jr_value *v;
	const struct jr_value *p;

	REQUIRE_BPF();
	cli_run(&r, "load --json '%s' compute pass_all", testobj("cli_mixed"));
	ck_assert_int_eq(r.status, 0);
	v = parse(&r);
	ck_assert_str_eq(jr_str(jr_find(jr_path(v, "programs"), "name", "bad_deref"), "status"), "skipped");
	ck_assert_str_eq(jr_str(jr_find(jr_path(v, "programs"), "name", "compute"), "status"), "loaded");
	jr_free(v);
	cli_result_free(&r);

	cli_run(&r, "load --json --log '%s' bad_deref", testobj("cli_mixed"));
	ck_assert_int_eq(r.status, 1);
	v = parse(&r);
	p = jr_find(jr_path(v, "programs"), "name", "bad_deref");
	ck_assert_ptr_nonnull(strstr(jr_str(p, "log"), "R0 invalid mem access"));
	jr_free(v);
	cli_result_free(&r);

	cli_run(&r, "load '%s' no_such_prog", testobj("cli_mixed"));
	ck_assert_int_eq(r.status, 2);
	ck_assert_ptr_nonnull(strstr(r.err, "no program named 'no_such_prog'"));
	cli_result_free(&r);
}
END_TEST

START_TEST(test_test_run_sets_globals_and_reads_them_back)
{
	struct cli_result r;
	struct jr_value *v;

	REQUIRE_BPF();
	/* factor is .rodata (set before load), addend .data and label a char array (after). */
	cli_run(&r, "test --json '%s' compute --set factor=5 --set addend=7 --set label=abc",
		testobj("cli_mixed"));
	ck_assert_msg(r.status == 0, "status %d: %s", r.status, r.err);
	v = parse(&r);
	ck_assert_str_eq(jr_str(v, "program"), "compute");
	ck_assert_int_eq(jr_int(v, "retval", -1), 5 * 10 + 7);
	ck_assert_int_ge(jr_int(v, "duration_ns", -1), 0);
	ck_assert_int_eq(jr_int(v, "globals.factor", -1), 5);
	ck_assert_int_eq(jr_int(v, "globals.addend", -1), 7);
	ck_assert_int_eq(jr_int(v, "globals.runs", -1), 1);
	ck_assert_str_eq(jr_str(v, "globals.label"), "okc");	/* the program wrote "ok" over "abc" */
	ck_assert_int_eq(jr_int(v, "globals.last.x", 0), 5);
	ck_assert_int_eq(jr_int(v, "globals.last.y", 0), -7);
	jr_free(v);
	cli_result_free(&r);

	/* An xdp program gets a default packet and its output data back. */
	cli_run(&r, "test --json '%s' pass_all --repeat 5", testobj("cli_mixed"));
	ck_assert_int_eq(r.status, 0);
	v = parse(&r);
	ck_assert_int_eq(jr_int(v, "retval", -1), 2);	/* XDP_PASS */
	ck_assert_int_eq(strlen(jr_str(v, "data_out")), 2 + 2 * 64);
	jr_free(v);
	cli_result_free(&r);
}
END_TEST

START_TEST(test_test_errors)
{
	struct cli_result r;
	struct jr_value *v;

	REQUIRE_BPF();
	cli_run(&r, "test --json '%s' bad_deref", testobj("cli_mixed"));
	ck_assert_int_eq(r.status, 1);
	v = parse(&r);
	ck_assert_str_eq(jr_str(v, "program"), "bad_deref");
	ck_assert_ptr_nonnull(strstr(jr_str(v, "error"), "map_value_or_null"));
	jr_free(v);
	cli_result_free(&r);

	cli_run(&r, "test '%s' compute --set nosuchvar=1", testobj("cli_mixed"));
	ck_assert_int_eq(r.status, 2);
	ck_assert_ptr_nonnull(strstr(r.err, "no global variable named 'nosuchvar'"));
	cli_result_free(&r);
	cli_run(&r, "test '%s' compute --set factor=0x1ffffffff", testobj("cli_mixed"));
	ck_assert_int_eq(r.status, 2);
	ck_assert_ptr_nonnull(strstr(r.err, "does not fit in 4 bytes"));
	cli_result_free(&r);
	cli_run(&r, "test '%s' compute --set label=waytoolongforit", testobj("cli_mixed"));
	ck_assert_int_eq(r.status, 2);
	ck_assert_ptr_nonnull(strstr(r.err, "the variable holds 8"));
	cli_result_free(&r);
}
END_TEST

/* The test's own uprobe targets, called a chosen number of times by the tool's child. */
START_TEST(test_run_counts_per_cookie)
{
	struct cli_result r;
	struct jr_value *v;
	const struct jr_value *m;
	char target[4096];

	REQUIRE_BPF();
	snprintf(target, sizeof(target), "%s/demo_target", BUILD_DIR);
	if (access(target, X_OK)) {
		char cmd[8192];

		snprintf(cmd, sizeof(cmd), "cc -O1 -o '%s' '%s/../tools/demo_target.c'", target,
			 TESTDATA_SRC);
		ck_assert_int_eq(system(cmd), 0);
	}
	cli_run(&r, "run --json '%s' --attach 'count_calls=uprobe.multi:%s:demo_func_a,demo_func_b,"
		    "demo_func_c,cookies=7,8,9' -- '%s'", testobj("demo"), target, target);
	ck_assert_msg(r.status == 0, "status %d: %s", r.status, r.err);
	v = parse(&r);
	m = jr_path(v, "maps.calls_by_cookie");
	ck_assert_ptr_nonnull(m);
	ck_assert_int_eq(m->n, 3);
	for (size_t i = 0; i < m->n; i++) {
		int64_t key = jr_int(jr_at(m, i), "key", -1);

		ck_assert(key >= 7 && key <= 9);
		ck_assert_int_eq(jr_int(jr_at(m, i), "value", -1), key - 6);
	}
	ck_assert_int_eq(jr_int(v, "events", -1), 6);
	ck_assert_int_eq(jr_int(v, "lost", -1), 0);
	jr_free(v);
	cli_result_free(&r);

	cli_run(&r, "run '%s' --attach count_calls=warp:drive", testobj("demo"));
	ck_assert_int_eq(r.status, 1);
	ck_assert_ptr_nonnull(strstr(r.err, "unknown kind 'warp'"));
	cli_result_free(&r);
}
END_TEST

Suite *suite_cli_load(void)
{
	Suite *s = suite_create("cli_load");
	TCase *tc = test_tcase("load");

	tcase_add_test(tc, test_load_one_fails_others_load);
	tcase_add_test(tc, test_load_selected_and_log);
	tcase_add_test(tc, test_test_run_sets_globals_and_reads_them_back);
	tcase_add_test(tc, test_test_errors);
	tcase_add_test(tc, test_run_counts_per_cookie);
	suite_add_tcase(s, tc);
	return s;
}
