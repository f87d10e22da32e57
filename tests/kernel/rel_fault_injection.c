/*
 * Fault injection over a whole, representative use of the library: open
 * rel_fault.bpf.o (BTF maps, ring and perf buffers, .data/.rodata/.bss, kfuncs, a
 * weak kfunc, subprograms, a bpf_loop callback), load it, run a program, read
 * a result, open a ring-buffer and a perf-buffer reader, attach a uprobe with a
 * cookie on a function of this binary, fire it and read both event streams.
 *
 * A first run counts the calls at each site (allocation, bpf(2),
 * perf_event_open); then the scenario runs once per N with the Nth call at one
 * site failing. After each run:
 *  - a failure is a negative errno with a non-empty ebpf_errmsg(); a success
 *    (the failing call was optional, e.g. a retry without BTF) must still
 *    produce the right values;
 *  - the heap holds exactly the bytes it held before (mallinfo2 with glibc's
 *    tcache off, see heap_in_use(); under valgrind/ASan their leak check);
 *  - the process has the same fds, pointing at the same things;
 *  - no program, map or link of this object is left in the kernel.
 */
#include <errno.h>
#include <malloc.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <unistd.h>

#include "testutil.h"
#include "btf/btf_internal.h"
#include "lib/alloc.h"
#include "lib/error.h"
#include "rel_kobjs.h"

#define REL_COOKIE 0xfa17ed00c0ffeeULL

__attribute__((noinline, used)) int rel_fault_target(int x)
{
	__asm__ volatile("" ::: "memory");
	return x + 40;
}

/* Called through a volatile pointer so the call cannot be inlined or elided. */
static int (*volatile target_fn)(int) = rel_fault_target;

struct outcome {
	uint32_t retval;	/* rel_task: 2 * rel_mult + 1 */
	int tgid;		/* bpf_task_from_pid(rel_pid)->tgid */
	uint64_t sum;		/* bpf_loop: 0 + 1 + 2 + 3 */
	int ring, perf;		/* events carrying REL_COOKIE */
	int bad_events;
};

static int on_ring(void *ctx, const void *data, size_t size)
{
	struct outcome *o = ctx;

	if (size == sizeof(uint64_t) && *(const uint64_t *)data == REL_COOKIE)
		o->ring++;
	else
		o->bad_events++;
	return 0;
}

static int on_perf(void *ctx, int cpu, const void *data, uint32_t size)
{
	struct outcome *o = ctx;
	uint64_t v;

	(void)cpu;
	memcpy(&v, data, sizeof(v));
	if (size >= sizeof(v) && v == REL_COOKIE)
		o->perf++;
	else
		o->bad_events++;
	return 0;
}

/*
 * Copy variable `name` of the collection's .bss out of the kernel. No check
 * assertions in here or in scenario(): they allocate, and the heap is measured
 * around the scenario. A layout surprise is reported as -EPROTO.
 */
static int read_bss(struct ebpf_spec *spec, struct ebpf_collection *coll, const char *name,
		    void *out, size_t size)
{
	const struct ebpf_map_spec *ms = ebpf_spec_map_by_name(spec, ".bss");
	struct ebpf_map *m = ebpf_collection_map(coll, ".bss");
	struct ebpf_var_info v;
	uint32_t key = 0;
	uint8_t buf[64];
	int err;

	if (!ms || !m || ebpf_map_value_buf_size(m) > sizeof(buf))
		return -EPROTO;
	for (size_t i = 0; i < ebpf_map_spec_var_count(ms); i++) {
		if (ebpf_map_spec_var(ms, i, &v) || strcmp(v.name, name) != 0)
			continue;
		if (v.size != size)
			return -EPROTO;
		err = ebpf_map_lookup(m, &key, buf);
		if (!err)
			memcpy(out, buf + v.offset, size);
		return err;
	}
	return -EPROTO;
}

/* Load with all_or_nothing off: a failing program leaves the rest loaded. */
static bool partial_loads;

/* The whole scenario; 0 or the first step's negative errno. Frees everything it made. */
/*
 * Valgrind runs a translated copy of the code: a uprobe's breakpoint in this
 * binary's text would reach it as a SIGTRAP, so under valgrind the uprobe is
 * attached and detached (every fault site still exercised) but never fired.
 */
static bool under_valgrind(void)
{
	const char *p = getenv("LD_PRELOAD");

	return p && strstr(p, "vgpreload") != NULL;
}

static int scenario(struct outcome *o)
{
	struct ebpf_spec *spec = NULL;
	struct ebpf_collection *coll = NULL;
	struct ebpf_ringbuf *rb = NULL;
	struct ebpf_perfbuf *pb = NULL;
	struct ebpf_link *link = NULL;
	struct ebpf_test_run_opts run = { .sz = sizeof(run) };
	int pid = getpid(), err, n;

	memset(o, 0, sizeof(*o));
	err = ebpf_spec_open_file(testobj("rel_fault"), NULL, &spec);
	if (err)
		goto out;
	err = ebpf_spec_set_var(spec, "rel_pid", &pid, sizeof(pid));
	if (err)
		goto out;
	err = ebpf_collection_load(spec, &EBPF_OPTS(ebpf_load_opts, .all_or_nothing = !partial_loads),
				   &coll);
	if (err)
		goto out;
	/* Partial loads: a program that failed says so here, by its own error. */
	err = ebpf_prog_load_error(ebpf_collection_prog(coll, "rel_task"), NULL);
	if (!err)
		err = ebpf_prog_load_error(ebpf_collection_prog(coll, "rel_uprobe"), NULL);
	if (err)
		goto out;
	err = ebpf_prog_test_run(ebpf_collection_prog(coll, "rel_task"), &run);
	if (err)
		goto out;
	o->retval = run.retval;
	err = read_bss(spec, coll, "rel_found_tgid", &o->tgid, sizeof(o->tgid));
	if (!err)
		err = read_bss(spec, coll, "rel_sum", &o->sum, sizeof(o->sum));
	if (err)
		goto out;
	err = ebpf_ringbuf_new(ebpf_collection_map(coll, "rel_events"), on_ring, o, NULL, &rb);
	if (err)
		goto out;
	err = ebpf_perfbuf_new(ebpf_collection_map(coll, "rel_samples"), 1, on_perf, NULL, o, NULL, &pb);
	if (err)
		goto out;
	err = ebpf_link_uprobe(ebpf_collection_prog(coll, "rel_uprobe"), "/proc/self/exe",
			       "rel_fault_target",
			       &EBPF_OPTS(ebpf_uprobe_opts, .cookie = REL_COOKIE, .pid = pid), &link);
	if (err)
		goto out;
	/* Under valgrind the probe's breakpoint would trap its translated copy: attach only. */
	if (!under_valgrind() && target_fn(2) != 42) {
		err = -EPROTO;
		goto out;
	}
	n = ebpf_ringbuf_consume(rb);
	if (n < 0) {
		err = n;
		goto out;
	}
	n = ebpf_perfbuf_consume(pb);
	if (n < 0)
		err = n;
out:
	ebpf_link_close(link);
	ebpf_perfbuf_free(pb);
	ebpf_ringbuf_free(rb);
	ebpf_collection_close(coll);
	ebpf_spec_free(spec);
	return err;
}

static void check_success(const struct outcome *o, const char *when)
{
	ck_assert_msg(o->retval == 7, "%s: rel_task returned %u, expected 7", when, o->retval);
	ck_assert_msg(o->tgid == getpid(), "%s: kfunc saw tgid %d, expected %d", when, o->tgid, getpid());
	ck_assert_msg(o->sum == 6, "%s: bpf_loop sum %llu, expected 6", when, (unsigned long long)o->sum);
	if (under_valgrind())
		return;
	ck_assert_msg(o->ring == 1 && o->perf == 1 && o->bad_events == 0,
		      "%s: events ring %d perf %d bad %d, expected 1 1 0", when, o->ring, o->perf,
		      o->bad_events);
}

/*
 * Bytes of heap in use, or 0 when that cannot be measured exactly: glibc's
 * per-thread cache (tcache) keeps freed chunks counted as in use, so the number
 * is exact only with GLIBC_TUNABLES=glibc.malloc.tcache_count=0 (as `make check`
 * runs this suite); under valgrind or ASan, mallinfo2 says 0 and their own leak
 * checkers take over.
 */
static size_t heap_in_use(void)
{
	static int exact = -1;

	if (exact < 0) {
		const char *t = getenv("GLIBC_TUNABLES");

		exact = t && strstr(t, "glibc.malloc.tcache_count=0") != NULL;
	}
	return exact ? mallinfo2().uordblks : 0;
}

static const char *const site_names[EB_FAULT_NR] = { "allocation", "bpf(2)", "perf_event_open" };

/*
 * Run the scenario with call `nth` of `site` failing and check what it leaves
 * behind; returns the heap growth (bytes) across the run, 0 under valgrind/ASan.
 * *failed is set when the scenario returned an error.
 */
static ssize_t inject_once(enum eb_fault_site site, uint64_t nth, uint64_t calls, bool *failed)
{
	static struct rel_ids ids_before;
	char *fds_before = rel_fd_set(), *fds_after, what[160] = "", when[96];
	size_t heap_before, heap_after;
	struct outcome o;
	int err;

	snprintf(when, sizeof(when), "%s call %llu of %llu failing", site_names[site],
		 (unsigned long long)nth, (unsigned long long)calls);
	ck_assert_ptr_nonnull(fds_before);
	rel_ids_snapshot(&ids_before);
	eb_err_clear();
	heap_before = heap_in_use();
	eb_fault_arm(site, nth);
	err = scenario(&o);
	heap_after = heap_in_use();
	ck_assert_msg(err != -EPROTO, "%s: unexpected object layout or result", when);
	ck_assert_msg(eb_fault_calls(site) >= nth, "%s: the scenario took another path (%llu calls)",
		      when, (unsigned long long)eb_fault_calls(site));
	eb_fault_arm(site, 0);
	*failed = err != 0;
	if (err) {
		ck_assert_msg(err < 0, "%s: returned %d", when, err);
		ck_assert_msg(ebpf_errmsg()[0] != '\0', "%s: error %d without a message", when, err);
		/* a failed allocation is reported as one, not as what a fallback ran into */
		ck_assert_msg(site != EB_FAULT_ALLOC || err == -ENOMEM, "%s: error %d (%s), not -ENOMEM", when, err,
			      ebpf_errmsg());
	} else {
		check_success(&o, when);
	}
	fds_after = rel_fd_set();
	ck_assert_ptr_nonnull(fds_after);
	ck_assert_msg(strcmp(fds_before, fds_after) == 0, "%s: fds before:\n%safter:\n%s(%d: %s)",
		      when, fds_before, fds_after, err, ebpf_errmsg());
	free(fds_before);
	free(fds_after);
	ck_assert_msg(rel_ids_leaked(&ids_before, "rel_", 2000, what, sizeof(what)) == 0,
		      "%s: %s left in the kernel (%d: %s)", when, what, err, ebpf_errmsg());
	if (heap_after != heap_before)
		fprintf(stderr, "%s: heap %+zd bytes (%d: %s)\n", when, (ssize_t)(heap_after - heap_before),
			err, ebpf_errmsg());
	return heap_before ? (ssize_t)(heap_after - heap_before) : 0;
}

/* Run the scenario failing each call of `site` in turn; returns the points exercised. */
static uint64_t inject_site(enum eb_fault_site site)
{
	struct outcome o;
	uint64_t calls, nth, failed = 0, recovered = 0;
	bool fail;

	/* Warm the process-wide caches (kernel BTF, kallsyms, feature probes) first. */
	ck_assert_msg(scenario(&o) == 0, "warm-up: %s", ebpf_errmsg());
	check_success(&o, "warm-up");
	eb_fault_arm(site, 0);
	ck_assert_int_eq(scenario(&o), 0);
	calls = eb_fault_calls(site);
	check_success(&o, "counting run");
	ck_assert_msg(calls > 0, "no %s calls in the scenario", site_names[site]);

	for (nth = 1; nth <= calls; nth++) {
		/*
		 * An error path seen for the first time may fill a process-wide cache
		 * (e.g. a helper probe for the verifier explanation): growth that does
		 * not repeat. A leak grows the heap again on the same path.
		 */
		if (inject_once(site, nth, calls, &fail) != 0) {
			ssize_t again = inject_once(site, nth, calls, &fail);

			ck_assert_msg(again == 0, "%s call %llu of %llu failing: %zd bytes of heap leaked "
				      "(twice in a row)", site_names[site], (unsigned long long)nth,
				      (unsigned long long)calls, again);
		}
		if (fail)
			failed++;
		else
			recovered++;
	}
	printf("fault injection%s: %s: %llu points, %llu clean errors, %llu recovered, 0 leaks\n",
	       partial_loads ? " (partial loads)" : "", site_names[site], (unsigned long long)calls, (unsigned long long)failed,
	       (unsigned long long)recovered);
	return calls;
}

START_TEST(test_every_failing_call_is_clean)
{
	REQUIRE_BPF();
	partial_loads = false;
	inject_site((enum eb_fault_site)_i);
}
END_TEST

/* The same with partial loads allowed: what a failed program leaves must still be freed. */
START_TEST(test_every_failing_call_is_clean_partial)
{
	REQUIRE_BPF();
	partial_loads = true;
	inject_site((enum eb_fault_site)_i);
	partial_loads = false;
}
END_TEST

/* The first vmlinux BTF load of a process is itself fallible: fail each of its allocations. */
START_TEST(test_kernel_btf_cache_fill_failures)
{
	struct outcome o;
	uint64_t calls, nth;
	int err;

	REQUIRE_BPF();
	eb_btf_kernel_flush();
	eb_fault_arm(EB_FAULT_ALLOC, 0);
	{
		struct ebpf_btf *vm = NULL;

		ck_assert_int_eq(eb_btf_vmlinux(&vm), 0);
		calls = eb_fault_calls(EB_FAULT_ALLOC);
		eb_btf_put(vm);
	}
	for (nth = 1; nth <= calls; nth++) {
		/* Twice when the heap grew: growth that does not repeat is a one-time cache. */
		for (int attempt = 0; attempt < 2; attempt++) {
			struct ebpf_btf *vm = NULL;
			size_t heap_before, heap_after;

			eb_btf_kernel_flush();
			heap_before = heap_in_use();
			eb_fault_arm(EB_FAULT_ALLOC, nth);
			err = eb_btf_vmlinux(&vm);
			eb_fault_arm(EB_FAULT_ALLOC, 0);
			if (!err)
				eb_btf_put(vm);
			eb_btf_kernel_flush();
			heap_after = heap_in_use();
			if (err) {
				ck_assert_int_eq(err, -ENOMEM);
				ck_assert_ptr_null(vm);
				ck_assert_errmsg_has("out of memory");
			}
			if (heap_after == heap_before)
				break;
			ck_assert_msg(attempt == 0, "vmlinux BTF allocation %llu failing: %zd bytes leaked "
				      "(twice in a row)", (unsigned long long)nth,
				      (ssize_t)(heap_after - heap_before));
		}
	}
	/* And the library still works afterwards. */
	ck_assert_msg(scenario(&o) == 0, "after: %s", ebpf_errmsg());
	check_success(&o, "after the cache-fill failures");
	printf("fault injection: vmlinux BTF cache fill: %llu allocation points\n",
	       (unsigned long long)calls);
}
END_TEST

/* Whether the map's pin exists (a fresh bpffs also holds maps.debug/progs.debug: not ours). */
static int pinned(const char *pin)
{
	return access(pin, F_OK) == 0;
}

/* Load rel_hostile's rel_count, which pins its map by name under `pin_root`. */
static int load_pinning(const char *pin_root)
{
	static const char *const progs[] = { "rel_count", NULL };
	struct ebpf_spec *spec = NULL;
	struct ebpf_collection *coll = NULL;
	int err;

	err = ebpf_spec_open_file(testobj("rel_hostile"), NULL, &spec);
	if (!err)
		err = ebpf_collection_load(spec, &EBPF_OPTS(ebpf_load_opts, .programs = progs,
							  .all_or_nothing = true, .pin_root = pin_root),
					   &coll);
	ebpf_collection_close(coll);
	ebpf_spec_free(spec);
	return err;
}

/*
 * Pinning under failure: a load that fails must not leave a new pin behind (a
 * pinned map outlives the process), and a load reusing an existing pin must
 * leave that pin alone. Every allocation and bpf(2) call, both ways.
 */
START_TEST(test_pinning_failures_leave_no_pin)
{
	static const enum eb_fault_site sites[] = { EB_FAULT_ALLOC, EB_FAULT_BPF };
	char dir[] = "/tmp/rel_fault_pins_XXXXXX", pin[64];
	uint64_t points = 0;

	REQUIRE_BPF();
	ck_assert_ptr_nonnull(mkdtemp(dir));
	if (mount("bpf", dir, "bpf", 0, NULL)) {
		rmdir(dir);
		test_skip(__func__, "cannot mount a bpffs");
		return;
	}
	snprintf(pin, sizeof(pin), "%s/rel_pinned", dir);
	for (int reuse = 0; reuse < 2; reuse++) {
		for (size_t s = 0; s < sizeof(sites) / sizeof(sites[0]); s++) {
			uint64_t calls, nth;

			/* Fresh pin (reuse 0) or an existing one (reuse 1) before each run. */
			unlink(pin);
			if (reuse)
				ck_assert_int_eq(load_pinning(dir), 0);
			eb_fault_arm(sites[s], 0);
			ck_assert_msg(load_pinning(dir) == 0, "%s", ebpf_errmsg());
			calls = eb_fault_calls(sites[s]);
			for (nth = 1; nth <= calls; nth++) {
				char *fds_before = rel_fd_set(), *fds_after;
				int err;

				unlink(pin);
				if (reuse)
					ck_assert_int_eq(load_pinning(dir), 0);
				eb_fault_arm(sites[s], nth);
				err = load_pinning(dir);
				eb_fault_arm(sites[s], 0);
				if (err) {
					ck_assert_msg(ebpf_errmsg()[0], "%s call %llu: error %d without a message",
						      site_names[sites[s]], (unsigned long long)nth, err);
					ck_assert_msg(pinned(pin) == reuse,
						      "%s call %llu failing (%s pin): pin %s (%s)",
						      site_names[sites[s]], (unsigned long long)nth,
						      reuse ? "existing" : "new",
						      reuse ? "removed" : "left behind", ebpf_errmsg());
				} else {
					ck_assert(pinned(pin));
				}
				fds_after = rel_fd_set();
				ck_assert_str_eq(fds_after, fds_before);
				free(fds_before);
				free(fds_after);
			}
			points += calls;
		}
	}
	unlink(pin);
	ck_assert_int_eq(umount2(dir, MNT_DETACH), 0);
	ck_assert_int_eq(rmdir(dir), 0);
	printf("fault injection: pinning: %llu points\n", (unsigned long long)points);
}
END_TEST

Suite *suite_rel_fault_injection(void)
{
	Suite *s = suite_create("rel_fault_injection");
	TCase *tc = test_tcase("sites");

	tcase_set_timeout(tc, 3600);
	tcase_add_loop_test(tc, test_every_failing_call_is_clean, EB_FAULT_ALLOC, EB_FAULT_NR);
	tcase_add_loop_test(tc, test_every_failing_call_is_clean_partial, EB_FAULT_ALLOC, EB_FAULT_BPF + 1);
	tcase_add_test(tc, test_kernel_btf_cache_fill_failures);
	tcase_add_test(tc, test_pinning_failures_leave_no_pin);
	suite_add_tcase(s, tc);
	return s;
}
