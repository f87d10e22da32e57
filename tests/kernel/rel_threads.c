/*
 * Concurrency: 8 threads each open rel_fault.bpf.o, load it, run its kfunc +
 * subprogram + bpf_loop program with BPF_PROG_TEST_RUN, read the result back
 * from .bss and close everything, in a loop for a few seconds. They share the
 * process-wide caches (vmlinux BTF and its name index, kallsyms, feature
 * probes), which start empty so the threads race to fill them; one thread also
 * flushes the kernel BTF cache now and then while the others hold references.
 * `make tsan-check` runs this suite built with -fsanitize=thread.
 *
 * Check's assertions are not thread-safe: workers record the first failure and
 * the main thread asserts after joining.
 */
#include <errno.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "testutil.h"
#include "btf/btf_internal.h"
#include "lib/features.h"
#include "rel_kobjs.h"

#define NTHREADS 8

struct worker {
	pthread_t thread;
	int idx;
	double seconds;
	unsigned loads;
	char failure[512];	/* empty: no failure */
};

static atomic_bool stop_all;

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

/* Read `name` (an int) of the collection's .bss; 0 or a negative errno. */
static int read_bss_int(struct ebpf_spec *spec, struct ebpf_collection *coll, const char *name, int *out)
{
	const struct ebpf_map_spec *ms = ebpf_spec_map_by_name(spec, ".bss");
	struct ebpf_map *m = ebpf_collection_map(coll, ".bss");
	struct ebpf_var_info v;
	uint8_t buf[64];
	uint32_t key = 0;
	int err;

	if (!ms || !m || ebpf_map_value_buf_size(m) > sizeof(buf))
		return -EPROTO;
	for (size_t i = 0; i < ebpf_map_spec_var_count(ms); i++) {
		if (ebpf_map_spec_var(ms, i, &v) || strcmp(v.name, name) || v.size != sizeof(int))
			continue;
		err = ebpf_map_lookup(m, &key, buf);
		if (!err)
			memcpy(out, buf + v.offset, sizeof(int));
		return err;
	}
	return -EPROTO;
}

/* One open/load/run/close round; 0, or a failure described in w->failure. */
static int one_round(struct worker *w)
{
	struct ebpf_spec *spec = NULL;
	struct ebpf_collection *coll = NULL;
	struct ebpf_test_run_opts run = { .sz = sizeof(run) };
	int pid = getpid(), mult = 2 + w->idx, tgid = 0, err;
	const char *step;

	step = "open";
	err = ebpf_spec_open_file(testobj("rel_fault"), NULL, &spec);
	if (!err) {
		step = "set";
		err = ebpf_spec_set_var(spec, "rel_pid", &pid, sizeof(pid));
	}
	/* Each thread its own .data value: results cannot come from another's maps. */
	if (!err)
		err = ebpf_spec_set_var(spec, "rel_mult", &mult, sizeof(mult));
	if (!err) {
		step = "load";
		err = ebpf_collection_load(spec, &EBPF_OPTS(ebpf_load_opts, .all_or_nothing = true), &coll);
	}
	if (!err) {
		step = "run";
		err = ebpf_prog_test_run(ebpf_collection_prog(coll, "rel_task"), &run);
	}
	if (!err) {
		step = "read";
		err = read_bss_int(spec, coll, "rel_found_tgid", &tgid);
	}
	if (err)
		snprintf(w->failure, sizeof(w->failure), "thread %d round %u: %s: %d %s", w->idx,
			 w->loads, step, err, ebpf_errmsg());
	else if (run.retval != (uint32_t)(2 * mult + 1) || tgid != pid)
		snprintf(w->failure, sizeof(w->failure), "thread %d round %u: retval %u (expected %d), "
			 "tgid %d (expected %d)", w->idx, w->loads, run.retval, 2 * mult + 1, tgid, pid);
	ebpf_collection_close(coll);
	ebpf_spec_free(spec);
	return w->failure[0] ? -1 : 0;
}

static void *worker_main(void *arg)
{
	struct worker *w = arg;
	double end = now_s() + w->seconds;

	while (!atomic_load(&stop_all) && now_s() < end) {
		/* Feature probes from every thread too (answers are cached process-wide). */
		if (eb_feature(EB_FEAT_BPF_COOKIE) != EB_YES) {
			snprintf(w->failure, sizeof(w->failure), "thread %d: BPF cookie feature not YES",
				 w->idx);
			break;
		}
		if (one_round(w))
			break;
		w->loads++;
		if (w->idx == 0 && w->loads % 4 == 0)
			eb_btf_kernel_flush();	/* others keep their references */
	}
	if (w->failure[0])
		atomic_store(&stop_all, true);
	return NULL;
}

START_TEST(test_eight_threads_load_run_close)
{
	static struct worker w[NTHREADS];
	static struct rel_ids before;
	const char *env = getenv("REL_THREAD_SECONDS");
	double seconds = env ? atof(env) : 4.0;
	char *fds_before, *fds_after, what[160] = "";
	unsigned total = 0;
	int i;

	REQUIRE_BPF();
	fds_before = rel_fd_set();
	ck_assert_ptr_nonnull(fds_before);
	rel_ids_snapshot(&before);
	eb_btf_kernel_flush();		/* the threads race to fill it */
	atomic_store(&stop_all, false);
	for (i = 0; i < NTHREADS; i++) {
		memset(&w[i], 0, sizeof(w[i]));
		w[i].idx = i;
		w[i].seconds = seconds;
		ck_assert_int_eq(pthread_create(&w[i].thread, NULL, worker_main, &w[i]), 0);
	}
	for (i = 0; i < NTHREADS; i++)
		ck_assert_int_eq(pthread_join(w[i].thread, NULL), 0);
	for (i = 0; i < NTHREADS; i++) {
		ck_assert_msg(w[i].failure[0] == '\0', "%s", w[i].failure);
		ck_assert_msg(w[i].loads > 0, "thread %d never completed a round", i);
		total += w[i].loads;
	}
	printf("rel_threads: %d threads, %u load/run/close rounds in %.1f s\n", NTHREADS, total, seconds);
	fds_after = rel_fd_set();
	ck_assert_ptr_nonnull(fds_after);
	ck_assert_str_eq(fds_after, fds_before);
	free(fds_before);
	free(fds_after);
	ck_assert_msg(rel_ids_leaked(&before, "rel_", 2000, what, sizeof(what)) == 0, "%s left in the kernel",
		      what);
}
END_TEST

Suite *suite_rel_threads(void)
{
	Suite *s = suite_create("rel_threads");
	TCase *tc = test_tcase("threads");

	tcase_set_timeout(tc, 300);
	tcase_add_test(tc, test_eight_threads_load_run_close);
	suite_add_tcase(s, tc);
	return s;
}
