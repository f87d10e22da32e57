/* kprobe_multi on a kernel without kprobes: a clear error, never a silent success. */
#include <errno.h>
#include <unistd.h>

#include "testutil.h"

START_TEST(test_kprobe_multi_says_why_it_cannot_attach)
{
	static const char *const syms[] = { "do_nanosleep", "hrtimer_nanosleep" };
	static const uint64_t cookies[] = { 1, 2 };
	struct ebpf_collection *coll = NULL;
	struct ebpf_spec *spec = NULL;
	struct ebpf_link *link = NULL;
	struct ebpf_prog *p;
	int err;

	REQUIRE_BPF();
	if (access("/sys/bus/event_source/devices/kprobe/type", F_OK) == 0) {
		test_skip(__func__, "this kernel has kprobes (KERNEL.md says it has not)");
		return;
	}
	ck_assert_int_eq(ebpf_spec_open_file(testobj("int_kprobe_multi"), NULL, &spec), 0);
	ck_assert_int_eq(ebpf_collection_load(spec, NULL, &coll), 0);
	p = ebpf_collection_prog(coll, "int_kmulti");
	ck_assert_int_eq(ebpf_prog_load_error(p, NULL), 0);

	err = ebpf_link_kprobe_multi(p, syms, cookies, 2, NULL, &link);
	ck_assert_int_eq(err, -EOPNOTSUPP);
	ck_assert_ptr_null(link);
	ck_assert_errmsg_has("prog 'int_kmulti'");
	ck_assert_errmsg_has("kprobe_multi");
	ck_assert_msg(strstr(ebpf_errmsg(), "CONFIG_") != NULL, "errmsg names no kernel option: %s",
		      ebpf_errmsg());

	ebpf_collection_close(coll);
	ebpf_spec_free(spec);
}
END_TEST

Suite *suite_int_kprobe_multi(void)
{
	Suite *s = suite_create("int_kprobe_multi");
	TCase *tc = test_tcase("kprobe_multi");

	tcase_add_test(tc, test_kprobe_multi_says_why_it_cannot_attach);
	suite_add_tcase(s, tc);
	return s;
}
