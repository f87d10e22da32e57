/*
 * `make demo`'s script (tools/demo.sh) run as the Makefile runs it: its report
 * must show the per-cookie call counts of the uprobe program and the kfunc
 * result for the demo's own pid.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "testutil.h"

START_TEST(test_demo_report)
{
	char cmd[8192], line[1024];
	char *out = NULL;
	size_t len = 0;
	FILE *p, *o = open_memstream(&out, &len);
	int st;
	long asked = -1, found = -2;

	REQUIRE_BPF();
	ck_assert_ptr_nonnull(o);
	/* The repository root is testdata's parent: demo.sh runs from there. */
	snprintf(cmd, sizeof(cmd), "cd '%s/..' && BUILD='%s' sh tools/demo.sh 2>&1", TESTDATA_SRC, BUILD_DIR);
	p = popen(cmd, "r");
	ck_assert_ptr_nonnull(p);
	while (fgets(line, sizeof(line), p)) {
		fputs(line, o);
		sscanf(line, " asked for pid %ld (this demo's shell) -> kfunc result: task pid %ld", &asked,
		       &found);
	}
	st = pclose(p);
	fclose(o);
	ck_assert_msg(st == 0, "demo.sh failed:\n%s", out);
	ck_assert_msg(strstr(out, "cookie 1 (demo_func_a): 1 call(s)") &&
		      strstr(out, "cookie 2 (demo_func_b): 2 call(s)") &&
		      strstr(out, "cookie 3 (demo_func_c): 3 call(s)"), "cookie counts missing:\n%s", out);
	ck_assert_msg(strstr(out, "ring buffer: 6 event(s) streamed, 0 lost"), "events:\n%s", out);
	ck_assert_msg(asked > 0 && found == asked, "kfunc result missing or wrong:\n%s", out);
	ck_assert_msg(strstr(out, "bpf_ksym_exists() was false: the call was skipped"), "weak kfunc:\n%s", out);
	ck_assert_msg(strstr(out, "runqueues"), "typed ksym limitation not reported:\n%s", out);
	free(out);
}
END_TEST

Suite *suite_cli_demo(void)
{
	Suite *s = suite_create("cli_demo");
	TCase *tc = test_tcase("demo");

	tcase_add_test(tc, test_demo_report);
	suite_add_tcase(s, tc);
	return s;
}
