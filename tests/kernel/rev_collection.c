/*
 * Review fixes of the collection load, in the kernel: a load that fails after
 * it pinned maps takes those pins away (a reused pin stays), and the spec may
 * be freed while the collection still uses it.
 */
#include <errno.h>
#include <stdio.h>
#include <unistd.h>

#include "testutil.h"

static struct ebpf_spec *open_spec(const char *name)
{
	struct ebpf_spec *spec = NULL;
	int err = ebpf_spec_open_file(testobj(name), NULL, &spec);
	ck_assert_msg(err == 0, "open %s: %s", name, ebpf_errmsg());
	return spec;
}

static int load_some(struct ebpf_spec *spec, const char *dir, const char *const *progs,
		     struct ebpf_collection **out)
{
	struct ebpf_load_opts opts = { .sz = sizeof(opts), .pin_root = dir, .programs = progs,
				       .all_or_nothing = true };
	return ebpf_collection_load(spec, &opts, out);
}

START_TEST(failed_loads_leave_no_new_pin)
{
	char dir[] = "/tmp/rev_bpffs_XXXXXX", pin[64];
	struct ebpf_collection *c = NULL;
	static const char *const good_bad[] = { "good", "bad", NULL };
	static const char *const broken[] = { "uses_broken", NULL };
	static const char *const good[] = { "good", NULL };

	REQUIRE_BPF();
	if (!test_bpffs_mount(dir, __func__))
		return;
	snprintf(pin, sizeof(pin), "%s/rev_pinned", dir);
	struct ebpf_spec *spec = open_spec("rev_pin_fail");

	/* The verifier refuses 'bad' after rev_pinned was created and pinned. */
	ck_assert_int_eq(load_some(spec, dir, good_bad, &c), -EACCES);
	ck_assert_ptr_null(c);
	ck_assert_errmsg_has("prog 'bad'");
	ck_assert_msg(access(pin, F_OK) != 0, "%s left behind by a failed load", pin);

	/* A later map the kernel refuses: the pin of the earlier one goes too. */
	ck_assert_int_eq(load_some(spec, dir, broken, &c), -EINVAL);
	ck_assert_ptr_null(c);
	ck_assert_errmsg_has("map 'rev_broken': create (hash, key 4, value 8, max_entries 0, flags 0x0): "
			     "Invalid argument; give the map a max_entries above 0");
	ck_assert_msg(access(pin, F_OK) != 0, "%s left behind by a failed map create", pin);

	/* A pin that existed before the failed load is someone else's: it stays. */
	ck_assert_msg(load_some(spec, dir, good, &c) == 0, "%s", ebpf_errmsg());
	ck_assert_int_eq(access(pin, F_OK), 0);
	ebpf_collection_close(c);
	c = NULL;
	ck_assert_int_eq(load_some(spec, dir, good_bad, &c), -EACCES);
	ck_assert_int_eq(access(pin, F_OK), 0);

	ck_assert_int_eq(unlink(pin), 0);
	ebpf_spec_free(spec);
	test_bpffs_umount(dir);
}
END_TEST

START_TEST(spec_freed_before_the_collection)
{
	struct ebpf_collection *c = NULL, *c2 = NULL;
	struct ebpf_test_run_opts o = { .sz = sizeof(o) };
	static const char *const good[] = { "good", NULL };
	struct ebpf_load_opts opts = { .sz = sizeof(opts), .programs = good };

	REQUIRE_BPF();
	char dir[] = "/tmp/rev_bpffs_XXXXXX";
	if (!test_bpffs_mount(dir, __func__))
		return;
	struct ebpf_spec *spec = open_spec("rev_pin_fail");
	opts.pin_root = dir;
	ck_assert_msg(ebpf_collection_load(spec, &opts, &c) == 0, "%s", ebpf_errmsg());
	ck_assert_msg(ebpf_collection_load(spec, &opts, &c2) == 0, "%s", ebpf_errmsg());
	ebpf_spec_free(spec);

	/* the spec outlives the caller's free while collections hold it */
	struct ebpf_prog *p = ebpf_collection_prog(c, "good");
	const struct ebpf_prog_spec *ps = ebpf_prog_spec_of(p);
	ck_assert_ptr_nonnull(ps);
	ck_assert_str_eq(ebpf_prog_spec_name(ps), "good");
	ck_assert_str_eq(ebpf_prog_spec_section(ps), "syscall");
	ck_assert_int_eq(ebpf_prog_test_run(p, &o), 0);
	ebpf_collection_close(c);
	/* still held by the second collection */
	ck_assert_str_eq(ebpf_prog_spec_name(ebpf_prog_spec_of(ebpf_collection_prog(c2, "good"))),
			 "good");
	ebpf_collection_close(c2);

	char pin[64];
	snprintf(pin, sizeof(pin), "%s/rev_pinned", dir);
	ck_assert_int_eq(unlink(pin), 0);
	test_bpffs_umount(dir);
}
END_TEST

Suite *suite_rev_collection(void)
{
	Suite *s = suite_create("rev_collection");
	TCase *tc = test_tcase("collection");
	tcase_add_test(tc, failed_loads_leave_no_new_pin);
	tcase_add_test(tc, spec_freed_before_the_collection);
	suite_add_tcase(s, tc);
	return s;
}
