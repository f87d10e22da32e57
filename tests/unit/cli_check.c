/*
 * `ebpf check --btf FILE`: the offline "will it load there?" question, against
 * a BTF in which the kfunc bpf_task_from_pid is missing (the .BTF of
 * testdata/cli_fake_kernel.bpf.c, dumped with llvm-objcopy). No kernel needed.
 */
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "testutil.h"
#include "cli_run.h"
#include "json_util.h"

START_TEST(test_check_kfunc_missing_in_btf_file)
{
	char btf[] = "/tmp/ebpf-cli-check-XXXXXX", cmd[8192];
	struct cli_result r;
	struct jr_value *v;
	const struct jr_value *p;
	const char *err = NULL;
	int fd = mkstemp(btf);

	ck_assert_int_ge(fd, 0);
	close(fd);
	snprintf(cmd, sizeof(cmd), "llvm-objcopy --dump-section .BTF='%s' '%s' /dev/null 2>/dev/null || "
		 "llvm-objcopy --dump-section .BTF='%s' '%s' '%s.o'", btf, testobj("cli_fake_kernel"), btf,
		 testobj("cli_fake_kernel"), btf);
	ck_assert_int_eq(system(cmd), 0);

	cli_run(&r, "check --json --btf '%s' '%s'", btf, testobj("demo"));
	ck_assert_msg(r.status == 1, "status %d, stderr %s", r.status, r.err);
	v = jr_parse(r.out, &err);
	ck_assert_msg(v != NULL, "bad JSON (%s): %s", err, r.out);
	ck_assert_str_eq(jr_str(v, "kernel"), btf);
	ck_assert_int_eq(jr_int(v, "failed", -1), 2);
	p = jr_find(jr_path(v, "programs"), "name", "task_info");
	ck_assert_str_eq(jr_str(p, "status"), "fail");
	ck_assert_str_eq(jr_str(p, "error"), "prog 'task_info': kfunc 'bpf_task_from_pid': not found in kernel BTF");
	ck_assert_int_eq(jr_int(p, "errno", 0), 2);	/* ENOENT */
	p = jr_find(jr_path(v, "programs"), "name", "count_calls");
	ck_assert_str_eq(jr_str(p, "status"), "ok");
	ck_assert_int_eq(jr_get(p, "error")->type, JR_NULL);
	p = jr_find(jr_path(v, "programs"), "name", "read_runqueues");
	ck_assert_str_eq(jr_str(p, "status"), "fail");
	ck_assert_ptr_nonnull(strstr(jr_str(p, "error"), "'runqueues'"));
	ck_assert_ptr_nonnull(strstr(r.err, "ebpf check: prog 'task_info': kfunc 'bpf_task_from_pid'"));
	jr_free(v);
	cli_result_free(&r);

	/* --autoload-only leaves out the '?' program. */
	cli_run(&r, "check --autoload-only --btf '%s' '%s'", btf, testobj("demo"));
	ck_assert_int_eq(r.status, 1);
	ck_assert_ptr_null(strstr(r.out, "read_runqueues"));
	ck_assert_ptr_nonnull(strstr(r.out, "1 program(s) would fail"));
	cli_result_free(&r);

	/* An object without externs passes against the same file. */
	cli_run(&r, "check --btf '%s' '%s'", btf, testobj("cli_mixed"));
	ck_assert_msg(r.status == 0, "status %d: %s", r.status, r.err);
	cli_result_free(&r);

	cli_run(&r, "check --btf /nonexistent/vmlinux '%s'", testobj("demo"));
	ck_assert_int_eq(r.status, 3);
	ck_assert_ptr_nonnull(strstr(r.err, "/nonexistent/vmlinux"));
	cli_result_free(&r);
	unlink(btf);
	snprintf(cmd, sizeof(cmd), "%s.o", btf);
	unlink(cmd);
}
END_TEST

Suite *suite_cli_check(void)
{
	Suite *s = suite_create("cli_check");
	TCase *tc = test_tcase("check");

	tcase_add_test(tc, test_check_kfunc_missing_in_btf_file);
	suite_add_tcase(s, tc);
	return s;
}
