/*
 * Link lifetime: a pinned link keeps its program attached after the link object
 * and the whole collection are closed; it can be reopened from the pin, queried
 * and detached.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "testutil.h"
#include "link_fixture.h"
#include "lib/sys.h"

static void trigger_getppid(int n)
{
	int i;

	for (i = 0; i < n; i++)
		ck_assert_int_gt(syscall(SYS_getppid), 0);
}

static uint64_t read_count(int map_fd, uint32_t idx)
{
	uint64_t v = 0;

	ck_assert_int_eq(eb_sys_map_lookup(map_fd, &idx, &v, 0), 0);
	return v;
}

START_TEST(pinned_link_outlives_its_collection_until_unpinned)
{
	char dir[] = "/tmp/link_bpffs_XXXXXX", pin[64], mpin[64];
	struct link_fixture f;
	struct ebpf_link *link, *again;
	struct ebpf_link_info info, info2;
	int map_fd, err;

	REQUIRE_BPF();
	if (!test_bpffs_mount(dir, __func__))
		return;
	snprintf(pin, sizeof(pin), "%s/raw_tp_link", dir);
	snprintf(mpin, sizeof(mpin), "%s/counts_map", dir);
	lf_open(&f, "link_progs");
	err = ebpf_link_raw_tp(lf_prog(&f, "on_raw_tp"), "sys_enter",
			       &EBPF_OPTS(ebpf_tp_opts, .cookie = 10), &link);
	ck_assert_msg(err == 0, "raw_tp: %s", ebpf_errmsg());
	ck_assert_int_eq(ebpf_link_info(link, &info), 0);
	ck_assert_int_eq(info.type, EBPF_LINK_TYPE_RAW_TRACEPOINT);
	ck_assert_uint_ne(info.id, 0);
	ck_assert_msg(ebpf_link_pin(link, pin) == 0, "pin: %s", ebpf_errmsg());
	trigger_getppid(2);

	/* Keep our own reference to the counters, then close everything else. */
	map_fd = fcntl(ebpf_map_fd(ebpf_collection_map(f.coll, "counts")), F_DUPFD_CLOEXEC, 3);
	ck_assert_int_ge(map_fd, 3);
	ck_assert_int_eq(eb_sys_obj_pin(map_fd, mpin), 0);
	ebpf_link_close(link);
	lf_close(&f);
	trigger_getppid(3);
	ck_assert_uint_eq(read_count(map_fd, 10), 5);

	/* A pinned map is not a link. */
	ck_assert_int_eq(ebpf_link_open_pinned(mpin, &again), -EINVAL);
	ck_assert_errmsg_has("not a BPF link");
	ck_assert_int_eq(ebpf_link_open_pinned("/nonexistent/pin", &again), -ENOENT);

	ck_assert_msg(ebpf_link_open_pinned(pin, &again) == 0, "open: %s", ebpf_errmsg());
	ck_assert_int_eq(ebpf_link_info(again, &info2), 0);
	ck_assert_uint_eq(info2.id, info.id);
	ck_assert_uint_eq(info2.prog_id, info.prog_id);
	/* raw_tp links have no forced detach: the error says what to do instead. */
	ck_assert_int_eq(ebpf_link_detach(again), -EOPNOTSUPP);
	ck_assert_errmsg_has("unpin it and close every fd");
	trigger_getppid(1);
	ck_assert_uint_eq(read_count(map_fd, 10), 6);
	ck_assert_int_eq(ebpf_link_unpin(again), 0);
	ck_assert_int_eq(access(pin, F_OK), -1);
	ebpf_link_close(again);
	ebpf_link_close(NULL);
	/* The last reference is gone: detached. */
	trigger_getppid(4);
	ck_assert_uint_eq(read_count(map_fd, 10), 6);

	close(map_fd);
	unlink(mpin);
	test_bpffs_umount(dir);
}
END_TEST

START_TEST(pin_outside_bpffs_is_explained)
{
	struct link_fixture f;
	struct ebpf_link *link;
	int err;

	REQUIRE_BPF();
	lf_open(&f, "link_progs");
	err = ebpf_link_raw_tp(lf_prog(&f, "on_raw_tp"), "sys_enter", NULL, &link);
	ck_assert_msg(err == 0, "raw_tp: %s", ebpf_errmsg());
	ck_assert_int_lt(ebpf_link_pin(link, "/tmp/not_a_bpffs_link_pin"), 0);
	ck_assert_errmsg_has("link pin '/tmp/not_a_bpffs_link_pin'");
	ck_assert_errmsg_has("bpffs");
	ebpf_link_close(link);
	lf_close(&f);
}
END_TEST

Suite *suite_link_pin(void)
{
	Suite *s = suite_create("link_pin");
	TCase *tc = test_tcase("pin");

	tcase_add_test(tc, pinned_link_outlives_its_collection_until_unpinned);
	tcase_add_test(tc, pin_outside_bpffs_is_explained);
	suite_add_tcase(s, tc);
	return s;
}
