/*
 * Tracepoint, raw_tp, tp_btf (tracing link) and iterator links, auto-attach from
 * section names, and the clear errors for what this kernel cannot do (kprobes,
 * fentry, lsm).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "testutil.h"
#include "link_fixture.h"
#include "lib/link_internal.h"

static void trigger_getppid(int n)
{
	int i;

	for (i = 0; i < n; i++)
		ck_assert_int_gt(syscall(SYS_getppid), 0);
}

START_TEST(tracepoint_link_counts_with_its_cookie)
{
	struct link_fixture f;
	struct ebpf_link *link;
	int err;

	REQUIRE_BPF();
	lf_open(&f, "link_progs");
	err = ebpf_link_tracepoint(lf_prog(&f, "on_tp"), "syscalls", "sys_enter_getppid",
				   &EBPF_OPTS(ebpf_tp_opts, .cookie = 6), &link);
	ck_assert_msg(err == 0, "tracepoint: %s", ebpf_errmsg());
	trigger_getppid(7);
	ck_assert_uint_eq(lf_count(&f, 6), 7);
	ebpf_link_close(link);
	trigger_getppid(2);
	ck_assert_uint_eq(lf_count(&f, 6), 7);

	/* Forced emulation: a private copy sees cookie 12. */
	eb_link_force_no_cookie(true);
	err = ebpf_link_tracepoint(lf_prog(&f, "on_tp"), "syscalls", "sys_enter_getppid",
				   &EBPF_OPTS(ebpf_tp_opts, .cookie = 12, .emulate_cookie = true),
				   &link);
	eb_link_force_no_cookie(false);
	ck_assert_msg(err == 0, "emulated tracepoint: %s", ebpf_errmsg());
	ck_assert(ebpf_link_cookie_emulated(link));
	trigger_getppid(3);
	ck_assert_uint_eq(lf_count(&f, 12), 3);
	ebpf_link_close(link);

	ck_assert_int_eq(ebpf_link_tracepoint(lf_prog(&f, "on_tp"), "syscalls", "no_such_tp", NULL,
					      &link), -ENOENT);
	ck_assert_errmsg_has("tracepoint 'syscalls/no_such_tp': no such tracepoint");
	ck_assert_int_eq(ebpf_link_tracepoint(lf_prog(&f, "on_tp"), "..", "x", NULL, &link), -EINVAL);
	ck_assert_errmsg_has("invalid name");
	lf_close(&f);
}
END_TEST

START_TEST(raw_tp_link_counts_with_its_cookie)
{
	struct link_fixture f;
	struct ebpf_link *link;
	int err;

	REQUIRE_BPF();
	lf_open(&f, "link_progs");
	err = ebpf_link_raw_tp(lf_prog(&f, "on_raw_tp"), "sys_enter",
			       &EBPF_OPTS(ebpf_tp_opts, .cookie = 7), &link);
	ck_assert_msg(err == 0, "raw_tp: %s", ebpf_errmsg());
	trigger_getppid(3);
	ck_assert_uint_eq(lf_count(&f, 7), 3);
	ebpf_link_close(link);

	eb_link_force_no_cookie(true);
	err = ebpf_link_raw_tp(lf_prog(&f, "on_raw_tp"), "sys_enter",
			       &EBPF_OPTS(ebpf_tp_opts, .cookie = 8, .emulate_cookie = true), &link);
	eb_link_force_no_cookie(false);
	ck_assert_msg(err == 0, "emulated raw_tp: %s", ebpf_errmsg());
	trigger_getppid(4);
	ck_assert_uint_eq(lf_count(&f, 8), 4);
	ck_assert_uint_eq(lf_count(&f, 7), 3);
	ebpf_link_close(link);

	ck_assert_int_eq(ebpf_link_raw_tp(lf_prog(&f, "on_raw_tp"), "no_such_raw_tp", NULL, &link),
			 -ENOENT);
	ck_assert_errmsg_has("raw_tp 'no_such_raw_tp': no such raw tracepoint");
	lf_close(&f);

	/* An object without a static FUNC: the copy loads without BTF info. */
	lf_open(&f, "link_nostatic");
	eb_link_force_no_cookie(true);
	err = ebpf_link_raw_tp(lf_prog(&f, "on_raw_tp_plain"), "sys_enter",
			       &EBPF_OPTS(ebpf_tp_opts, .cookie = 14, .emulate_cookie = true), &link);
	eb_link_force_no_cookie(false);
	ck_assert_msg(err == 0, "emulated raw_tp without static funcs: %s", ebpf_errmsg());
	ck_assert(ebpf_link_cookie_emulated(link));
	trigger_getppid(2);
	ck_assert_uint_eq(lf_count(&f, 14), 2);
	ebpf_link_close(link);
	lf_close(&f);
}
END_TEST

START_TEST(tp_btf_tracing_link_sees_its_cookie)
{
	struct link_fixture f;
	struct ebpf_link *link;
	struct ebpf_link_info info;
	int err;

	REQUIRE_BPF();
	lf_open(&f, "link_progs");
	err = ebpf_link_tracing(lf_prog(&f, "on_tp_btf"), &EBPF_OPTS(ebpf_tracing_opts, .cookie = 9),
				&link);
	ck_assert_msg(err == 0, "tp_btf: %s", ebpf_errmsg());
	ck_assert_int_eq(ebpf_link_info(link, &info), 0);
	ck_assert_int_eq(info.type, EBPF_LINK_TYPE_RAW_TRACEPOINT);
	trigger_getppid(5);
	ck_assert_uint_eq(lf_count(&f, 9), 5);
	ebpf_link_close(link);
	lf_close(&f);
}
END_TEST

START_TEST(auto_attach_from_section_names)
{
	struct link_fixture f;
	struct ebpf_link *link;
	int err;

	REQUIRE_BPF();
	lf_open(&f, "link_progs");
	/* tp/syscalls/sys_enter_getppid */
	err = ebpf_link_auto(lf_prog(&f, "on_tp"), &EBPF_OPTS(ebpf_auto_opts, .cookie = 11), &link);
	ck_assert_msg(err == 0, "auto tp: %s", ebpf_errmsg());
	trigger_getppid(2);
	ck_assert_uint_eq(lf_count(&f, 11), 2);
	ebpf_link_close(link);
	/* raw_tp/sys_enter */
	err = ebpf_link_auto(lf_prog(&f, "on_raw_tp"), &EBPF_OPTS(ebpf_auto_opts, .cookie = 13), &link);
	ck_assert_msg(err == 0, "auto raw_tp: %s", ebpf_errmsg());
	trigger_getppid(3);
	ck_assert_uint_eq(lf_count(&f, 13), 3);
	ebpf_link_close(link);
	/* SEC("uprobe") names no target. */
	ck_assert_int_eq(ebpf_link_auto(lf_prog(&f, "on_uprobe"), NULL, &link), -EINVAL);
	ck_assert_errmsg_has("section 'uprobe' names no attach point");
	/* xdp needs an interface. */
	ck_assert_int_eq(ebpf_link_auto(lf_prog(&f, "count_xdp"), NULL, &link), -EINVAL);
	ck_assert_errmsg_has("invalid ifindex 0");
	lf_close(&f);
}
END_TEST

START_TEST(iter_task_lists_this_process)
{
	struct link_fixture f;
	struct ebpf_link *link;
	char *out = NULL, *line, *save = NULL;
	size_t len = 0;
	bool found = false;
	int err, lines = 0;

	REQUIRE_BPF();
	lf_open(&f, "link_iter");
	err = ebpf_link_iter(lf_prog(&f, "dump_task"), NULL, &link);
	ck_assert_msg(err == 0, "iter: %s", ebpf_errmsg());
	ck_assert_int_eq(ebpf_iter_read_all(link, &out, &len), 0);
	ck_assert_uint_eq(strlen(out), len);
	for (line = strtok_r(out, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		int pid, tgid;

		ck_assert_int_eq(sscanf(line, "%d %d", &pid, &tgid), 2);
		lines++;
		if (pid == getpid() && tgid == getpid())
			found = true;
	}
	ck_assert_int_gt(lines, 1);
	ck_assert_msg(found, "pid %d not among %d tasks", getpid(), lines);
	free(out);
	ebpf_link_close(link);
	lf_close(&f);
}
END_TEST

START_TEST(kprobe_attach_says_kprobes_are_unavailable)
{
	struct link_fixture f;
	struct ebpf_link *link = (struct ebpf_link *)1;
	const char *expect = "kprobes are not available in this kernel (CONFIG_KPROBES is off)";

	REQUIRE_BPF();
	if (access("/sys/bus/event_source/devices/kprobe/type", F_OK) == 0) {
		test_skip(__func__, "this kernel has kprobes (KERNEL.md says it has not)");
		return;
	}
	lf_open(&f, "link_progs");
	ck_assert_int_eq(ebpf_link_kprobe(lf_prog(&f, "on_kprobe"), "do_nanosleep", NULL, &link),
			 -EOPNOTSUPP);
	ck_assert_ptr_null(link);
	ck_assert_errmsg_has(expect);
	ck_assert_errmsg_has("prog 'on_kprobe': kprobe 'do_nanosleep+0x0'");
	ck_assert_int_eq(ebpf_link_auto(lf_prog(&f, "on_kprobe"), NULL, &link), -EOPNOTSUPP);
	ck_assert_errmsg_has(expect);
	lf_close(&f);
}
END_TEST

START_TEST(fentry_and_lsm_are_refused_clearly)
{
	static const char *const names[] = { "on_fentry", "on_lsm" };
	struct ebpf_spec *spec;
	struct ebpf_collection *coll;
	struct ebpf_link *link;
	size_t i;

	REQUIRE_BPF();
	ck_assert_int_eq(ebpf_spec_open_file(testobj("link_denied"), NULL, &spec), 0);
	ck_assert_msg(ebpf_collection_load(spec, NULL, &coll) == 0, "%s", ebpf_errmsg());
	for (i = 0; i < 2; i++) {
		struct ebpf_prog *p = ebpf_collection_prog(coll, names[i]);
		const char *msg = NULL;
		int err;

		ck_assert_ptr_nonnull(p);
		err = ebpf_prog_load_error(p, &msg);
		if (!err) {
			test_skip(__func__, "trampoline programs load on this kernel");
			continue;
		}
		ck_assert_int_eq(err, -EPERM);
		ck_assert_msg(msg && strstr(msg, "trampoline"), "message: %s", msg ? msg : "(none)");
		/* Attaching it repeats why. */
		ck_assert_int_eq(ebpf_link_tracing(p, NULL, &link), -EBADF);
		ck_assert_errmsg_has("is not loaded");
		ck_assert_errmsg_has("trampoline");
	}
	ebpf_collection_close(coll);
	ebpf_spec_free(spec);
}
END_TEST

Suite *suite_link_trace(void)
{
	Suite *s = suite_create("link_trace");
	TCase *tc = test_tcase("trace");

	tcase_add_test(tc, tracepoint_link_counts_with_its_cookie);
	tcase_add_test(tc, raw_tp_link_counts_with_its_cookie);
	tcase_add_test(tc, tp_btf_tracing_link_sees_its_cookie);
	tcase_add_test(tc, auto_attach_from_section_names);
	tcase_add_test(tc, iter_task_lists_this_process);
	tcase_add_test(tc, kprobe_attach_says_kprobes_are_unavailable);
	tcase_add_test(tc, fentry_and_lsm_are_refused_clearly);
	suite_add_tcase(s, tc);
	return s;
}
