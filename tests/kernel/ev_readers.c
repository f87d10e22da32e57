/*
 * Event readers against real kernel maps created directly (no program): ring
 * and perf buffer setup, the errors for the wrong map type, fault injection on
 * perf_event_open, and that nothing leaks (fds counted before and after).
 */
#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "lib/alloc.h"
#include "lib/perfbuf_internal.h"
#include "lib/sys.h"
#include "testutil.h"

static int make_map(enum ebpf_map_type type, uint32_t key, uint32_t value, uint32_t max)
{
	struct eb_attr_map_create a;
	int fd;

	memset(&a, 0, sizeof(a));
	a.map_type = type;
	a.key_size = key;
	a.value_size = value;
	a.max_entries = max;
	fd = eb_sys_map_create(&a);
	ck_assert_msg(fd >= 0, "map create type %d: %d", type, fd);
	return fd;
}

static size_t online_cpu_count(void)
{
	char buf[256] = "";
	int *cpus;
	size_t n;
	FILE *f = fopen("/sys/devices/system/cpu/online", "r");

	ck_assert_ptr_nonnull(f);
	ck_assert_ptr_nonnull(fgets(buf, sizeof(buf), f));
	fclose(f);
	ck_assert_int_eq(eb_cpu_list_parse(buf, &cpus, &n), 0);
	eb_free(cpus);
	return n;
}

static int no_record(void *ctx, const void *d, size_t n)
{
	ck_abort_msg("no record expected");
	return 0;
}

static int no_sample(void *ctx, int cpu, const void *d, uint32_t n)
{
	ck_abort_msg("no sample expected");
	return 0;
}

START_TEST(ringbuf_on_an_idle_map)
{
	struct ebpf_ringbuf *rb;
	int fds, fd, fd2;
	struct pollfd p;

	REQUIRE_BPF();
	fd = make_map(EBPF_MAP_TYPE_RINGBUF, 0, 0, 16384);
	fd2 = make_map(EBPF_MAP_TYPE_RINGBUF, 0, 0, 4096);
	fds = test_count_fds();
	ck_assert_int_eq(ebpf_ringbuf_new_fd(fd, "idle", no_record, NULL, NULL, &rb), 0);
	ck_assert_int_eq(ebpf_ringbuf_add_fd(rb, fd2, "idle2", no_record, NULL), 0);
	ck_assert_uint_eq(ebpf_ringbuf_ring_count(rb), 2);
	ck_assert_int_ge(ebpf_ringbuf_epoll_fd(rb), 3);
	ck_assert_int_eq(ebpf_ringbuf_consume(rb), 0);
	ck_assert_int_eq(ebpf_ringbuf_poll(rb, 0), 0);
	ck_assert_int_eq(ebpf_ringbuf_poll(rb, 20), 0);	/* times out */
	ck_assert_int_eq(ebpf_ringbuf_consume_ring(rb, 1), 0);
	ck_assert_int_eq(ebpf_ringbuf_consume_ring(rb, 2), -EINVAL);
	p = (struct pollfd){ .fd = ebpf_ringbuf_epoll_fd(rb), .events = POLLIN };
	ck_assert_int_eq(poll(&p, 1, 0), 0);
	/* The reader has its own fds: closing ours does not disturb it. */
	close(fd);
	ck_assert_int_eq(ebpf_ringbuf_consume(rb), 0);
	ebpf_ringbuf_free(rb);
	close(fd2);
	ck_assert_int_eq(test_count_fds(), fds - 2);
}
END_TEST

START_TEST(ringbuf_wrong_maps)
{
	struct ebpf_ringbuf *rb = (void *)1;
	int fds, fd, pfd[2];

	REQUIRE_BPF();
	fd = make_map(EBPF_MAP_TYPE_ARRAY, 4, 8, 1);
	fds = test_count_fds();
	ck_assert_int_eq(ebpf_ringbuf_new_fd(fd, "arr", no_record, NULL, NULL, &rb), -EINVAL);
	ck_assert_ptr_null(rb);
	ck_assert_errmsg_has("ring buffer 'arr': map type 2 is not BPF_MAP_TYPE_RINGBUF (27)");
	ck_assert_int_eq(pipe(pfd), 0);
	ck_assert_int_lt(ebpf_ringbuf_new_fd(pfd[0], "pipe", no_record, NULL, NULL, &rb), 0);
	ck_assert_errmsg_has("ring buffer 'pipe': map info:");
	close(pfd[0]);
	close(pfd[1]);
	close(fd);
	ck_assert_int_eq(test_count_fds(), fds - 1);
}
END_TEST

START_TEST(perfbuf_one_event_per_online_cpu)
{
	struct ebpf_perfbuf *pb;
	size_t ncpu = online_cpu_count();
	int fds, fd;

	REQUIRE_BPF();
	fd = make_map(EBPF_MAP_TYPE_PERF_EVENT_ARRAY, 4, 4, 128);
	fds = test_count_fds();
	ck_assert_int_eq(ebpf_perfbuf_new_fd(fd, "perf", 4, no_sample, NULL, NULL, NULL, &pb), 0);
	ck_assert_uint_eq(ebpf_perfbuf_cpu_count(pb), ncpu);
	ck_assert_int_ge(ebpf_perfbuf_epoll_fd(pb), 3);
	ck_assert_int_eq(ebpf_perfbuf_consume(pb), 0);
	ck_assert_int_eq(ebpf_perfbuf_poll(pb, 10), 0);
	ck_assert_uint_eq(ebpf_perfbuf_lost(pb), 0);
	/* map fd dup + epoll fd + one event fd per CPU */
	ck_assert_int_eq(test_count_fds(), fds + 2 + (int)ncpu);
	ebpf_perfbuf_free(pb);
	ck_assert_int_eq(test_count_fds(), fds);
	close(fd);
}
END_TEST

START_TEST(perfbuf_limited_by_max_entries)
{
	struct ebpf_perfbuf *pb;
	int fd;

	REQUIRE_BPF();
	fd = make_map(EBPF_MAP_TYPE_PERF_EVENT_ARRAY, 4, 4, 1);
	ck_assert_int_eq(ebpf_perfbuf_new_fd(fd, "one", 1, no_sample, NULL, NULL,
					     &EBPF_OPTS(ebpf_perfbuf_opts, .wakeup_events = 4), &pb), 0);
	ck_assert_uint_eq(ebpf_perfbuf_cpu_count(pb), 1);
	ebpf_perfbuf_free(pb);
	close(fd);
}
END_TEST

START_TEST(perfbuf_wrong_map)
{
	struct ebpf_perfbuf *pb = (void *)1;
	int fds, fd;

	REQUIRE_BPF();
	fd = make_map(EBPF_MAP_TYPE_RINGBUF, 0, 0, 4096);
	fds = test_count_fds();
	ck_assert_int_eq(ebpf_perfbuf_new_fd(fd, "rb", 1, no_sample, NULL, NULL, NULL, &pb), -EINVAL);
	ck_assert_ptr_null(pb);
	ck_assert_errmsg_has("perf buffer 'rb': map type 27 is not BPF_MAP_TYPE_PERF_EVENT_ARRAY (4)");
	ck_assert_int_eq(test_count_fds(), fds);
	close(fd);
}
END_TEST

START_TEST(perfbuf_perf_event_open_failure_cleans_up)
{
	size_t ncpu = online_cpu_count();
	struct ebpf_perfbuf *pb = (void *)1;
	int fds, fd;

	REQUIRE_BPF();
	fd = make_map(EBPF_MAP_TYPE_PERF_EVENT_ARRAY, 4, 4, 128);
	fds = test_count_fds();
	/* The last CPU's perf_event_open fails after the others were set up. */
	eb_fault_arm(EB_FAULT_PERF, ncpu);
	ck_assert_int_eq(ebpf_perfbuf_new_fd(fd, "perf", 2, no_sample, NULL, NULL, NULL, &pb), -ENOMEM);
	eb_fault_arm(EB_FAULT_PERF, 0);
	ck_assert_ptr_null(pb);
	ck_assert_errmsg_has("perf buffer 'perf': CPU ");
	ck_assert_errmsg_has(": perf_event_open: Cannot allocate memory");
	ck_assert_int_eq(test_count_fds(), fds);

	/* Every allocation failing in turn: an error, never a leak or a crash. */
	for (uint64_t nth = 1; nth < 64; nth++) {
		int err;

		eb_fault_arm(EB_FAULT_ALLOC, nth);
		err = ebpf_perfbuf_new_fd(fd, "perf", 2, no_sample, NULL, NULL, NULL, &pb);
		eb_fault_arm(EB_FAULT_ALLOC, 0);
		if (!err) {
			ebpf_perfbuf_free(pb);
			break;
		}
		ck_assert_int_eq(err, -ENOMEM);
		ck_assert_int_eq(test_count_fds(), fds);
	}
	ck_assert_int_eq(test_count_fds(), fds);
	close(fd);
}
END_TEST

START_TEST(ringbuf_failures_clean_up)
{
	struct ebpf_ringbuf *rb = (void *)1;
	int fds, fd, fd2;

	REQUIRE_BPF();
	fd = make_map(EBPF_MAP_TYPE_RINGBUF, 0, 0, 4096);
	fd2 = make_map(EBPF_MAP_TYPE_RINGBUF, 0, 0, 4096);
	fds = test_count_fds();
	/* The map-info query failing is reported with the map's name. */
	eb_fault_arm(EB_FAULT_BPF, 1);
	ck_assert_int_lt(ebpf_ringbuf_new_fd(fd, "rb", no_record, NULL, NULL, &rb), 0);
	eb_fault_arm(EB_FAULT_BPF, 0);
	ck_assert_ptr_null(rb);
	ck_assert_errmsg_has("ring buffer 'rb': map info:");
	ck_assert_int_eq(test_count_fds(), fds);
	/* Every allocation of new + add failing in turn: an error, never a leak. */
	for (uint64_t nth = 1; nth < 64; nth++) {
		int err;

		eb_fault_arm(EB_FAULT_ALLOC, nth);
		err = ebpf_ringbuf_new_fd(fd, "rb", no_record, NULL, NULL, &rb);
		if (!err) {
			err = ebpf_ringbuf_add_fd(rb, fd2, "rb2", no_record, NULL);
			eb_fault_arm(EB_FAULT_ALLOC, 0);
			if (err)
				ck_assert_uint_eq(ebpf_ringbuf_ring_count(rb), 1);
			ebpf_ringbuf_free(rb);
			ck_assert_int_eq(test_count_fds(), fds);
			if (!err)
				break;
			continue;
		}
		eb_fault_arm(EB_FAULT_ALLOC, 0);
		ck_assert_int_eq(err, -ENOMEM);
		ck_assert_ptr_null(rb);
		ck_assert_int_eq(test_count_fds(), fds);
	}
	close(fd);
	close(fd2);
}
END_TEST

Suite *suite_ev_readers(void)
{
	Suite *s = suite_create("ev_readers");
	TCase *tc = test_tcase("maps");

	tcase_add_test(tc, ringbuf_on_an_idle_map);
	tcase_add_test(tc, ringbuf_wrong_maps);
	tcase_add_test(tc, ringbuf_failures_clean_up);
	tcase_add_test(tc, perfbuf_one_event_per_online_cpu);
	tcase_add_test(tc, perfbuf_limited_by_max_entries);
	tcase_add_test(tc, perfbuf_wrong_map);
	tcase_add_test(tc, perfbuf_perf_event_open_failure_cleans_up);
	suite_add_tcase(s, tc);
	return s;
}
