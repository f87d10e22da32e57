/*
 * `ebpf inspect` on testdata objects: the JSON document's fields, the
 * disassembly's relocation annotations, and the errors for bad input. Runs the
 * built tool; no kernel needed.
 */
#include <stdio.h>
#include <stdlib.h>

#include "testutil.h"
#include "cli_run.h"
#include "json_util.h"

static struct jr_value *run_json(struct cli_result *r, const char *args)
{
	const char *err = NULL;
	struct jr_value *v;

	cli_run(r, "%s", args);
	ck_assert_msg(r->status == 0, "ebpf %s: status %d, stderr: %s", args, r->status, r->err);
	v = jr_parse(r->out, &err);
	ck_assert_msg(v != NULL, "ebpf %s: bad JSON (%s):\n%s", args, err, r->out);
	return v;
}

START_TEST(test_inspect_json_programs_maps_globals)
{
	struct cli_result r;
	char args[1024];
	struct jr_value *v;
	const struct jr_value *p, *m, *g;

	snprintf(args, sizeof(args), "inspect --json '%s'", testobj("cli_mixed"));
	v = run_json(&r, args);
	ck_assert_str_eq(jr_str(v, "license"), "GPL");
	ck_assert_int_eq(jr_path(v, "programs")->n, 4);

	p = jr_find(jr_path(v, "programs"), "name", "compute");
	ck_assert_ptr_nonnull(p);
	ck_assert_str_eq(jr_str(p, "section"), "syscall");
	ck_assert_str_eq(jr_str(p, "type"), "syscall");
	ck_assert_int_eq(jr_int(p, "relocations.map", -1), 2);
	ck_assert_int_eq(jr_int(p, "relocations.data", -1), 7);
	ck_assert_int_gt(jr_int(p, "insns", 0), 20);
	ck_assert_ptr_null(jr_get(p, "disasm"));

	p = jr_find(jr_path(v, "programs"), "name", "not_autoloaded");
	ck_assert_ptr_nonnull(p);
	ck_assert_str_eq(jr_str(p, "type"), "sched_cls");
	ck_assert(!jr_get(p, "autoload")->boolean);
	p = jr_find(jr_path(v, "programs"), "name", "pass_all");
	ck_assert_str_eq(jr_str(p, "attach_type"), "xdp");

	m = jr_find(jr_path(v, "maps"), "name", "counts");
	ck_assert_ptr_nonnull(m);
	ck_assert_str_eq(jr_str(m, "type"), "hash");
	ck_assert_int_eq(jr_int(m, "key_size", 0), 4);
	ck_assert_int_eq(jr_int(m, "value_size", 0), 8);
	ck_assert_int_eq(jr_int(m, "max_entries", 0), 8);
	ck_assert_str_eq(jr_str(m, "pinning"), "none");
	m = jr_find(jr_path(v, "maps"), "name", ".rodata");
	ck_assert_str_eq(jr_str(m, "origin"), "data");

	g = jr_find(jr_path(v, "globals"), "name", "label");
	ck_assert_ptr_nonnull(g);
	ck_assert_str_eq(jr_str(g, "section"), ".data");
	ck_assert_int_eq(jr_int(g, "size", 0), 8);
	g = jr_find(jr_path(v, "globals"), "name", "factor");
	ck_assert_str_eq(jr_str(g, "section"), ".rodata");
	ck_assert_int_eq(jr_path(v, "externs")->n, 0);
	jr_free(v);
	cli_result_free(&r);
}
END_TEST

START_TEST(test_inspect_externs_weak_and_kinds)
{
	struct cli_result r;
	char args[1024];
	struct jr_value *v;
	const struct jr_value *e;

	snprintf(args, sizeof(args), "inspect --json '%s'", testobj("demo"));
	v = run_json(&r, args);
	e = jr_find(jr_path(v, "externs"), "name", "bpf_task_from_pid");
	ck_assert_ptr_nonnull(e);
	ck_assert_str_eq(jr_str(e, "kind"), "kfunc");
	ck_assert(!jr_get(e, "weak")->boolean);
	e = jr_find(jr_path(v, "externs"), "name", "bpf_demo_kfunc_this_kernel_lacks");
	ck_assert_ptr_nonnull(e);
	ck_assert(jr_get(e, "weak")->boolean);
	e = jr_find(jr_path(v, "externs"), "name", "runqueues");
	ck_assert_str_eq(jr_str(e, "kind"), "ksym_typed");
	ck_assert_int_eq(jr_int(jr_find(jr_path(v, "programs"), "name", "task_info"),
				"relocations.kfunc_call", -1), 3);
	jr_free(v);
	cli_result_free(&r);
}
END_TEST

START_TEST(test_inspect_disasm_names_relocations)
{
	struct cli_result r;
	char args[1024];
	struct jr_value *v;
	const struct jr_value *d;
	bool saw_map = false, saw_var = false, saw_helper = false;

	snprintf(args, sizeof(args), "inspect --json --disasm '%s'", testobj("cli_mixed"));
	v = run_json(&r, args);
	d = jr_path(jr_find(jr_path(v, "programs"), "name", "compute"), "disasm");
	ck_assert_ptr_nonnull(d);
	for (size_t i = 0; i < d->n; i++) {
		const char *text = jr_str(jr_at(d, i), "text"), *rel = jr_str(jr_at(d, i), "reloc");

		ck_assert_ptr_nonnull(text);
		saw_helper |= strstr(text, "call bpf_map_lookup_elem#1") != NULL;
		saw_map |= rel && !strcmp(rel, "map 'counts'");
		saw_var |= rel && !strcmp(rel, "data '.rodata' var 'factor'");
	}
	ck_assert(saw_helper && saw_map && saw_var);
	/* The last instruction of every program is an exit. */
	ck_assert_str_eq(jr_str(jr_at(d, d->n - 1), "text"), "exit");
	jr_free(v);
	cli_result_free(&r);

	/* Text mode shows the same annotations. */
	cli_run(&r, "inspect --disasm '%s'", testobj("cli_mixed"));
	ck_assert_int_eq(r.status, 0);
	ck_assert_ptr_nonnull(strstr(r.out, "; map 'counts'"));
	ck_assert_ptr_nonnull(strstr(r.out, "call bpf_map_lookup_elem#1"));
	cli_result_free(&r);
}
END_TEST

START_TEST(test_inspect_errors)
{
	struct cli_result r;

	cli_run(&r, "inspect /nonexistent/x.bpf.o");
	ck_assert_int_eq(r.status, 3);
	ck_assert_ptr_nonnull(strstr(r.err, "ebpf inspect: /nonexistent/x.bpf.o:"));
	ck_assert_str_eq(r.out, "");
	cli_result_free(&r);

	/* Not an ELF object: the source file itself. */
	cli_run(&r, "inspect '%s'", testsrc("cli_mixed.bpf.c"));
	ck_assert_int_eq(r.status, 3);
	ck_assert_ptr_nonnull(strstr(r.err, "cli_mixed.bpf.c"));
	/* One line. */
	ck_assert_ptr_eq(strchr(r.err, '\n'), r.err + strlen(r.err) - 1);
	cli_result_free(&r);

	cli_run(&r, "inspect");
	ck_assert_int_eq(r.status, 2);
	cli_result_free(&r);
	cli_run(&r, "inspect --bogus x");
	ck_assert_int_eq(r.status, 2);
	ck_assert_ptr_nonnull(strstr(r.err, "--bogus"));
	cli_result_free(&r);
	cli_run(&r, "frobnicate");
	ck_assert_int_eq(r.status, 2);
	cli_result_free(&r);

	cli_run(&r, "inspect --help");
	ck_assert_int_eq(r.status, 0);
	ck_assert_ptr_nonnull(strstr(r.out, "usage: ebpf inspect OBJ"));
	cli_result_free(&r);
	cli_run(&r, "--help");
	ck_assert_int_eq(r.status, 0);
	ck_assert_ptr_nonnull(strstr(r.out, "Exit status"));
	cli_result_free(&r);
}
END_TEST

Suite *suite_cli_inspect(void)
{
	Suite *s = suite_create("cli_inspect");
	TCase *tc = test_tcase("inspect");

	tcase_add_test(tc, test_inspect_json_programs_maps_globals);
	tcase_add_test(tc, test_inspect_externs_weak_and_kinds);
	tcase_add_test(tc, test_inspect_disasm_names_relocations);
	tcase_add_test(tc, test_inspect_errors);
	suite_add_tcase(s, tc);
	return s;
}
