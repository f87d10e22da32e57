/*
 * Attach targets looked up in one pass (lib/collection_attach.c): every
 * program of an object with several tp_btf/iter programs gets the id the
 * kernel's BTF gives its target (the same target twice, each its own), the
 * programs load, and a target the kernel lacks fails only its program, with
 * the message naming what was looked for.
 */
#include <errno.h>
#include <string.h>

#include "btf/btf.h"
#include "lib/collection_internal.h"
#include "testutil.h"

static uint32_t kernel_id(const char *name, unsigned kind)
{
	struct ebpf_btf *vm = NULL;

	ck_assert_int_eq(eb_btf_vmlinux(&vm), 0);
	int32_t id = eb_btf_find(vm, name, kind);
	eb_btf_put(vm);
	ck_assert_msg(id > 0, "%s not in kernel BTF", name);
	return (uint32_t)id;
}

START_TEST(test_targets_found_in_one_pass)
{
	static const struct {
		const char *prog, *type;
		unsigned kind;
	} want[] = {
		{ "on_switch", "btf_trace_sched_switch", BTF_KIND_TYPEDEF },
		{ "on_wakeup", "btf_trace_sched_wakeup", BTF_KIND_TYPEDEF },
		{ "on_switch_again", "btf_trace_sched_switch", BTF_KIND_TYPEDEF },
		{ "on_task", "bpf_iter_task", BTF_KIND_FUNC },
	};
	struct ebpf_spec *spec = NULL;
	struct ebpf_collection *coll = NULL;
	const char *msg;

	REQUIRE_BPF();
	ck_assert_int_eq(ebpf_spec_open_file(testobj("fl_attach"), NULL, &spec), 0);
	ck_assert_msg(ebpf_collection_load(spec, NULL, &coll) == 0, "%s", ebpf_errmsg());
	for (size_t i = 0; i < sizeof(want) / sizeof(want[0]); i++) {
		struct ebpf_prog *p = ebpf_collection_prog(coll, want[i].prog);

		ck_assert_ptr_nonnull(p);
		ck_assert_msg(ebpf_prog_load_error(p, &msg) == 0, "%s: %s", want[i].prog, msg);
		ck_assert_int_gt(ebpf_prog_fd(p), 0);
		ck_assert_uint_eq(p->attach_btf_id, kernel_id(want[i].type, want[i].kind));
	}
	/* the missing one fails alone, saying what it looked for */
	struct ebpf_prog *m = ebpf_collection_prog(coll, "on_missing");
	ck_assert_ptr_nonnull(m);
	ck_assert_int_eq(ebpf_prog_load_error(m, &msg), -ESRCH);
	ck_assert_str_eq(msg, "prog 'on_missing': attach target 'fl_no_such_tracepoint' not found in "
			      "kernel BTF (looked for typedef 'btf_trace_fl_no_such_tracepoint')");
	ck_assert_int_lt(ebpf_prog_fd(m), 0);
	ck_assert_uint_eq(m->attach_btf_id, 0);
	ebpf_collection_close(coll);
	ebpf_spec_free(spec);
}
END_TEST

START_TEST(test_only_chosen_programs_looked_up)
{
	static const char *const one[] = { "on_wakeup", NULL };
	struct ebpf_spec *spec = NULL;
	struct ebpf_collection *coll = NULL;
	struct ebpf_load_opts opts = { .sz = sizeof(opts), .programs = one };

	REQUIRE_BPF();
	ck_assert_int_eq(ebpf_spec_open_file(testobj("fl_attach"), NULL, &spec), 0);
	ck_assert_msg(ebpf_collection_load(spec, &opts, &coll) == 0, "%s", ebpf_errmsg());
	struct ebpf_prog *p = ebpf_collection_prog(coll, "on_wakeup");
	ck_assert_int_gt(ebpf_prog_fd(p), 0);
	ck_assert_uint_eq(p->attach_btf_id, kernel_id("btf_trace_sched_wakeup", BTF_KIND_TYPEDEF));
	/* not chosen: neither looked up nor loaded */
	ck_assert_uint_eq(ebpf_collection_prog(coll, "on_switch")->attach_btf_id, 0);
	ck_assert_uint_eq(ebpf_collection_prog(coll, "on_missing")->attach_btf_id, 0);
	ck_assert_int_eq(ebpf_prog_load_error(ebpf_collection_prog(coll, "on_missing"), NULL), -ENOENT);
	ebpf_collection_close(coll);
	ebpf_spec_free(spec);
}
END_TEST

Suite *suite_fl_attach(void)
{
	Suite *s = suite_create("fl_attach");
	TCase *tc = test_tcase("core");

	tcase_add_test(tc, test_targets_found_in_one_pass);
	tcase_add_test(tc, test_only_chosen_programs_looked_up);
	suite_add_tcase(s, tc);
	return s;
}
