/*
 * uprobes with attach cookies: one program on three functions of this test
 * binary, told apart by cookie; the same with one uprobe_multi link and with
 * cookie emulation forced; uretprobe return values; a uprobe in libc.
 */
#include <errno.h>
#include <unistd.h>

#include "testutil.h"
#include "link_fixture.h"
#include "lib/alloc.h"
#include "lib/link_internal.h"

__attribute__((noinline, used)) int link_fn_a(int x)
{
	__asm__ volatile("" ::: "memory");
	return x + 1;
}

__attribute__((noinline, used)) int link_fn_b(int x)
{
	__asm__ volatile("" ::: "memory");
	return x * 2 + 1;
}

__attribute__((noinline, used)) int link_fn_c(int x)
{
	__asm__ volatile("" ::: "memory");
	return x - 1;
}

/* Called through volatile pointers so the compiler cannot elide or inline the calls. */
static int (*volatile fn_a)(int) = link_fn_a;
static int (*volatile fn_b)(int) = link_fn_b;
static int (*volatile fn_c)(int) = link_fn_c;

static const char *const fn_names[3] = { "link_fn_a", "link_fn_b", "link_fn_c" };
/* How often the tests call a, b and c: distinct so a mix-up shows. */
static const int calls[3] = { 2, 5, 3 };

static void call_functions(void)
{
	int i, sum = 0;

	for (i = 0; i < calls[0]; i++)
		sum += fn_a(i);
	for (i = 0; i < calls[1]; i++)
		sum += fn_b(i);
	for (i = 0; i < calls[2]; i++)
		sum += fn_c(i);
	ck_assert_int_eq(sum, (0 + 1 + 1 + 1) + (1 + 3 + 5 + 7 + 9) + (-1 + 0 + 1));
}

/* counts[cookie] must equal the calls made to the function that got that cookie. */
static void check_counts(struct link_fixture *f, int rounds)
{
	int i;

	ck_assert_uint_eq(lf_count(f, 0), 0);
	for (i = 0; i < 3; i++)
		ck_assert_msg(lf_count(f, (uint32_t)i + 1) == (uint64_t)(calls[i] * rounds),
			      "cookie %d: counted %llu, expected %d", i + 1,
			      (unsigned long long)lf_count(f, (uint32_t)i + 1), calls[i] * rounds);
}

static void uprobe_three_functions(bool emulate)
{
	struct link_fixture f;
	struct ebpf_link *links[3];
	struct ebpf_prog *prog;
	int i, fds = test_count_fds();

	lf_open(&f, "link_progs");
	prog = lf_prog(&f, "on_uprobe");
	if (emulate)
		eb_link_force_no_cookie(true);
	for (i = 0; i < 3; i++) {
		int err = ebpf_link_uprobe(prog, "/proc/self/exe", fn_names[i],
					   &EBPF_OPTS(ebpf_uprobe_opts, .cookie = (uint64_t)i + 1,
						      .emulate_cookie = emulate), &links[i]);
		ck_assert_msg(err == 0, "uprobe %s: %s", fn_names[i], ebpf_errmsg());
		ck_assert(ebpf_link_cookie_emulated(links[i]) == emulate);
	}
	eb_link_force_no_cookie(false);
	call_functions();
	check_counts(&f, 1);
	for (i = 0; i < 3; i++)
		ebpf_link_close(links[i]);
	/* Detached: calling again changes nothing. */
	call_functions();
	check_counts(&f, 1);
	lf_close(&f);
	ck_assert_int_eq(test_count_fds(), fds);
}

START_TEST(uprobe_cookies_tell_three_functions_apart)
{
	REQUIRE_BPF();
	uprobe_three_functions(false);
}
END_TEST

START_TEST(uprobe_emulated_cookies_tell_three_functions_apart)
{
	REQUIRE_BPF();
	uprobe_three_functions(true);
}
END_TEST

START_TEST(uprobe_cookie_without_kernel_support_is_refused)
{
	struct link_fixture f;
	struct ebpf_link *link = (struct ebpf_link *)1;
	int err;

	REQUIRE_BPF();
	lf_open(&f, "link_progs");
	eb_link_force_no_cookie(true);
	err = ebpf_link_uprobe(lf_prog(&f, "on_uprobe"), "/proc/self/exe", "link_fn_a",
			       &EBPF_OPTS(ebpf_uprobe_opts, .cookie = 9), &link);
	eb_link_force_no_cookie(false);
	ck_assert_int_eq(err, -EOPNOTSUPP);
	ck_assert_ptr_null(link);
	ck_assert_errmsg_has("prog 'on_uprobe': uprobe '/proc/self/exe:link_fn_a+0x0': attach cookie 9 "
			     "requested, but this kernel lacks");
	ck_assert_errmsg_has("5.15");
	lf_close(&f);
}
END_TEST

START_TEST(uprobe_multi_cookies_tell_three_functions_apart)
{
	static const uint64_t cookies[3] = { 1, 2, 3 };
	struct link_fixture f;
	struct ebpf_link *link;
	struct ebpf_link_info info;
	int err;

	REQUIRE_BPF();
	lf_open(&f, "link_progs");
	err = ebpf_link_uprobe_multi(lf_prog(&f, "on_uprobe_multi"), "/proc/self/exe", fn_names,
				     NULL, cookies, 3, NULL, &link);
	ck_assert_msg(err == 0, "uprobe_multi: %s", ebpf_errmsg());
	ck_assert_int_eq(ebpf_link_info(link, &info), 0);
	ck_assert_int_eq(info.type, EBPF_LINK_TYPE_UPROBE_MULTI);
	ck_assert_uint_ne(info.prog_id, 0);
	call_functions();
	check_counts(&f, 1);
	ebpf_link_close(link);
	call_functions();
	check_counts(&f, 1);

	/* A program not loaded as uprobe.multi gets told why. */
	err = ebpf_link_uprobe_multi(lf_prog(&f, "on_uprobe"), "/proc/self/exe", fn_names, NULL,
				     cookies, 3, NULL, &link);
	ck_assert_int_eq(err, -EINVAL);
	ck_assert_errmsg_has("must be loaded as uprobe.multi");
	lf_close(&f);
}
END_TEST

START_TEST(uretprobe_sees_the_return_value)
{
	struct link_fixture f;
	struct ebpf_link *link;
	uint64_t rc = 0;
	uint32_t k = 0;
	int err;

	REQUIRE_BPF();
	lf_open(&f, "link_progs");
	err = ebpf_link_uprobe(lf_prog(&f, "on_uretprobe"), "/proc/self/exe", "link_fn_b",
			       &EBPF_OPTS(ebpf_uprobe_opts, .cookie = 4, .retprobe = true), &link);
	ck_assert_msg(err == 0, "uretprobe: %s", ebpf_errmsg());
	ck_assert_int_eq(fn_b(41), 83);
	ck_assert_int_eq(ebpf_map_lookup(ebpf_collection_map(f.coll, "rets"), &k, &rc), 0);
	ck_assert_uint_eq(rc, 83);
	ck_assert_uint_eq(lf_count(&f, 4), 1);
	ebpf_link_close(link);
	lf_close(&f);
}
END_TEST

START_TEST(uprobe_on_libc_getpid_fires)
{
	struct link_fixture f;
	struct ebpf_link *link;
	int i, err;

	REQUIRE_BPF();
	lf_open(&f, "link_progs");
	err = ebpf_link_uprobe(lf_prog(&f, "on_uprobe"), "libc.so.6", "getpid",
			       &EBPF_OPTS(ebpf_uprobe_opts, .cookie = 5), &link);
	ck_assert_msg(err == 0, "uprobe libc getpid: %s", ebpf_errmsg());
	for (i = 0; i < 4; i++)
		ck_assert_int_gt(getpid(), 0);
	/* Only this process counts; at least the 4 calls made here. */
	ck_assert_uint_ge(lf_count(&f, 5), 4);
	ebpf_link_close(link);
	lf_close(&f);
}
END_TEST

START_TEST(uprobe_auto_attach_from_the_section_name)
{
	struct link_fixture f;
	struct ebpf_link *link;
	int i, err;

	REQUIRE_BPF();
	lf_open(&f, "link_progs");
	err = ebpf_link_auto(lf_prog(&f, "on_auto_uprobe"), &EBPF_OPTS(ebpf_auto_opts, .cookie = 6),
			     &link);
	ck_assert_msg(err == 0, "auto uprobe: %s", ebpf_errmsg());
	for (i = 0; i < 3; i++)
		ck_assert_int_eq(fn_c(i), i - 1);
	fn_a(0);
	ck_assert_uint_eq(lf_count(&f, 6), 3);
	ebpf_link_close(link);
	lf_close(&f);
}
END_TEST

/* Every failing syscall or allocation on the attach path leaves no fd behind. */
START_TEST(uprobe_attach_failures_leak_nothing)
{
	static const enum eb_fault_site sites[] = { EB_FAULT_BPF, EB_FAULT_PERF, EB_FAULT_ALLOC };
	struct link_fixture f;
	struct ebpf_link *link;
	size_t s;
	int fds, emulate;

	REQUIRE_BPF();
	lf_open(&f, "link_progs");
	fds = test_count_fds();
	for (emulate = 0; emulate < 2; emulate++) {
		for (s = 0; s < sizeof(sites) / sizeof(sites[0]); s++) {
			uint64_t nth;

			for (nth = 1; nth < 50; nth++) {
				int err;

				eb_link_force_no_cookie(emulate);
				eb_fault_arm(sites[s], nth);
				err = ebpf_link_uprobe(lf_prog(&f, "on_uprobe"), "/proc/self/exe",
						       "link_fn_a",
						       &EBPF_OPTS(ebpf_uprobe_opts, .cookie = 1,
								  .emulate_cookie = true), &link);
				eb_fault_arm(sites[s], 0);
				eb_link_force_no_cookie(false);
				if (!err) {
					/* nth is past the last call at this site: done. */
					ebpf_link_close(link);
					break;
				}
				ck_assert_ptr_null(link);
				ck_assert_int_eq(test_count_fds(), fds);
			}
		}
	}
	ck_assert_int_eq(test_count_fds(), fds);
	lf_close(&f);
}
END_TEST

START_TEST(uprobe_errors_name_the_target)
{
	struct link_fixture f;
	struct ebpf_link *link;

	REQUIRE_BPF();
	lf_open(&f, "link_progs");
	ck_assert_int_eq(ebpf_link_uprobe(lf_prog(&f, "on_uprobe"), "/proc/self/exe", "link_nope",
					  NULL, &link), -ENOENT);
	ck_assert_errmsg_has("prog 'on_uprobe': uprobe: binary '/proc/self/exe': function 'link_nope' "
			     "not found");
	ck_assert_int_eq(ebpf_link_uprobe(NULL, "/proc/self/exe", "link_fn_a", NULL, &link), -EINVAL);
	lf_close(&f);
}
END_TEST

Suite *suite_link_uprobe(void)
{
	Suite *s = suite_create("link_uprobe");
	TCase *tc = test_tcase("uprobe");

	tcase_add_test(tc, uprobe_cookies_tell_three_functions_apart);
	tcase_add_test(tc, uprobe_emulated_cookies_tell_three_functions_apart);
	tcase_add_test(tc, uprobe_cookie_without_kernel_support_is_refused);
	tcase_add_test(tc, uprobe_multi_cookies_tell_three_functions_apart);
	tcase_add_test(tc, uretprobe_sees_the_return_value);
	tcase_add_test(tc, uprobe_on_libc_getpid_fires);
	tcase_add_test(tc, uprobe_auto_attach_from_the_section_name);
	tcase_add_test(tc, uprobe_attach_failures_leak_nothing);
	tcase_add_test(tc, uprobe_errors_name_the_target);
	suite_add_tcase(s, tc);
	return s;
}
