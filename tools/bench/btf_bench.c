// SPDX-License-Identifier: BSD-2-Clause
/*
 * Kernel BTF benchmark: open /sys/kernel/btf/vmlinux and resolve 20 names (kfuncs,
 * per-CPU variables, common structs), ours vs libbpf (btf__parse +
 * btf__find_by_name_kind) when built with HAVE_LIBBPF. Each run is a fresh
 * parse (not our process-wide cache, which would make the comparison unfair),
 * through the path the loader takes for the running kernel's BTF: the trusted
 * sysfs open (offset table only; see btf/btf_internal.h). Two rows, because they
 * measure different things: "20 names, one batched pass" is what a load does
 * (relo/externs.c resolves every kernel name with one eb_btf_find_many), and
 * "20 single lookups" is 20 separate eb_btf_find() calls, each its own scan
 * until the name index pays off.
 *
 * A third figure is a reference, not a loader: map the file and only count its
 * type records, one after the other, with no table, no name and no check. It
 * is the plain walk every reader starts from (type ids are ordinals), and once
 * was our floor; ours now cuts the walk into parts walked at once
 * (btf/offsets.c), so the loader rows can beat it.
 *
 *   btf_bench [runs]          timing table (median of `runs`, default 31)
 *   btf_bench --once ours     one open + 20 lookups, for callgrind --toggle-collect
 *   btf_bench --once libbpf
 *   btf_bench --rss ours|ours-batched|libbpf   one open + 20 lookups in this (fresh)
 *                             process; prints the peak RSS growth in KiB
 *
 * Peak RSS is measured in fresh processes (the kernel's peak mark is reset, then
 * one open + 20 lookups). The sysfs file is mapped straight onto the kernel's own
 * copy of its BTF (a PFN mapping, "pf io" in smaps), so our mapping adds no pages
 * to RSS and duplicates nothing; libbpf reads the 5.5 MB into its heap and builds
 * on it. A BTF file on disk would add its page-cache pages as our file RSS.
 */
#include <fcntl.h>
#include <malloc.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "btf/btf_internal.h"
#include "tools/bench/bench_util.h"
#ifdef HAVE_LIBBPF
/* tools/bench/btf_bench_libbpf.c: libbpf's headers clash with our BTF definitions. */
int libbpf_open_find(const char *path, const char *const *names, const unsigned *kinds, int n,
		     int32_t *ids);
#endif

#define VMLINUX "/sys/kernel/btf/vmlinux"
#define NNAMES 20

static const struct { const char *name; unsigned kind; } names[NNAMES] = {
	{ "task_struct", BTF_KIND_STRUCT }, { "sk_buff", BTF_KIND_STRUCT },
	{ "bpf_task_from_pid", BTF_KIND_FUNC }, { "bpf_task_release", BTF_KIND_FUNC },
	{ "bpf_cgroup_from_id", BTF_KIND_FUNC }, { "bpf_cpumask_create", BTF_KIND_FUNC },
	{ "bpf_cpumask_release", BTF_KIND_FUNC }, { "bpf_skb_ct_lookup", BTF_KIND_FUNC },
	{ "bpf_ct_release", BTF_KIND_FUNC }, { "bpf_prog_active", BTF_KIND_VAR },
	{ "runqueues", BTF_KIND_VAR }, { "softnet_data", BTF_KIND_VAR },
	{ "cgroup", BTF_KIND_STRUCT }, { "file", BTF_KIND_STRUCT }, { "inode", BTF_KIND_STRUCT },
	{ "mm_struct", BTF_KIND_STRUCT }, { "net_device", BTF_KIND_STRUCT },
	{ "sock", BTF_KIND_STRUCT }, { "bpf_map", BTF_KIND_STRUCT }, { "pt_regs", BTF_KIND_STRUCT },
};

static int32_t ids_ours[NNAMES];

/*
 * Times are CPU time of this thread, user + system (bench_thread_cpu_us): it keeps
 * what each side really costs (libbpf's read() of the file is system time, our
 * mmap is not) while ignoring the time a busy machine keeps us off the CPU, which
 * wall time would add.
 */
#define now_us bench_thread_cpu_us

static size_t heap_in_use(void)
{
	struct mallinfo2 m = mallinfo2();

	return m.uordblks + m.hblkhd;
}

static const char *name_arr[NNAMES];
static unsigned kind_arr[NNAMES];

/*
 * One trusted open + the 20 lookups (one by one, or batched). Returns the heap
 * held while the BTF is open (bytes), or (size_t)-1 on error.
 */
__attribute__((noinline)) size_t run_ours_mode(bool batched)
{
	size_t before = heap_in_use(), held;
	struct ebpf_btf *btf;

	if (eb_btf_load_kernel_file(VMLINUX, NULL, &btf))
		return (size_t)-1;
	if (batched) {
		if (eb_btf_find_many(btf, name_arr, kind_arr, NNAMES, ids_ours) < 0)
			return (size_t)-1;
	} else {
		for (int i = 0; i < NNAMES; i++)
			ids_ours[i] = eb_btf_find(btf, names[i].name, names[i].kind);
	}
	held = heap_in_use() - before;
	eb_btf_put(btf);
	return held;
}

__attribute__((noinline)) size_t run_ours(void)
{
	return run_ours_mode(false);
}

#ifdef HAVE_LIBBPF
static int32_t ids_libbpf[NNAMES];
static const char *name_list[NNAMES];
static unsigned kind_list[NNAMES];

__attribute__((noinline)) int run_libbpf(void)
{
	return libbpf_open_find(VMLINUX, name_list, kind_list, NNAMES, ids_libbpf);
}
#endif

/*
 * The reference walk (see the top comment): the type section's records, counted.
 * Each record's size depends on its kind and vlen, so this is one chain of
 * dependent loads, ~126,000 long for vmlinux.
 */
__attribute__((noinline)) long run_count_only(void)
{
	struct btf_header h;
	struct stat st;
	long n = 0;
	int fd = open(VMLINUX, O_RDONLY | O_CLOEXEC);
	const uint8_t *p, *types;

	if (fd < 0 || fstat(fd, &st) || (size_t)st.st_size < sizeof(h)) {
		if (fd >= 0)
			close(fd);
		return -1;
	}
	p = mmap(NULL, st.st_size, PROT_READ, MAP_PRIVATE, fd, 0);
	close(fd);
	if (p == MAP_FAILED)
		return -1;
	memcpy(&h, p, sizeof(h));
	types = p + h.hdr_len + h.type_off;
	for (uint32_t off = 0; off + sizeof(struct btf_type) <= h.type_len; n++) {
		uint32_t info, vlen;

		memcpy(&info, types + off + 4, 4);
		vlen = info & 0xffff;
		/* a switch, not a table: the fastest of the walks we measured (it lets the
		 * branch predictor start the next load early) */
		switch ((info >> 24) & 31) {
		case BTF_KIND_INT: case BTF_KIND_VAR: case BTF_KIND_DECL_TAG: off += 16; break;
		case BTF_KIND_ARRAY: off += 24; break;
		case BTF_KIND_STRUCT: case BTF_KIND_UNION: case BTF_KIND_DATASEC: case BTF_KIND_ENUM64:
			off += 12 + 12 * vlen; break;
		case BTF_KIND_ENUM: case BTF_KIND_FUNC_PROTO: off += 12 + 8 * vlen; break;
		default: off += 12; break;
		}
	}
	munmap((void *)p, st.st_size);
	return n;
}

/* One open + 20 lookups by the named side: 0, 1 on failure, 2 for an unknown side. */
static int run_once(const char *side)
{
	if (!strcmp(side, "ours"))
		return run_ours() == (size_t)-1;
	if (!strcmp(side, "ours-batched"))
		return run_ours_mode(true) == (size_t)-1;
#ifdef HAVE_LIBBPF
	if (!strcmp(side, "libbpf"))
		return run_libbpf() != 0;
#endif
	return 2;
}

/* Median peak RSS growth (KiB) of `side` over `runs` fresh processes; -1 on failure. */
static double rss_kib(const char *side, int runs)
{
	double v[9];

	if (runs > 9)
		runs = 9;
	for (int r = 0; r < runs; r++) {
		int fd[2], status;
		long kib = -1;
		pid_t pid;
		FILE *f;

		if (pipe(fd))
			return -1;
		pid = fork();
		if (pid == 0) {
			dup2(fd[1], 1);
			execl("/proc/self/exe", "btf_bench", "--rss", side, (char *)NULL);
			_exit(127);
		}
		close(fd[1]);
		f = fdopen(fd[0], "r");
		if (!f || fscanf(f, "%ld", &kib) != 1)
			kib = -1;
		if (f)
			fclose(f);
		else
			close(fd[0]);
		if (pid < 0 || waitpid(pid, &status, 0) < 0 || !WIFEXITED(status) || WEXITSTATUS(status) || kib < 0)
			return -1;
		v[r] = (double)kib;
	}
	return bench_median(v, runs);
}

int main(int argc, char **argv)
{
	int runs = 31;
	double *ours, *lb, *ratio, *batch, *ratio_b, *floor_us, *ratio_f;
	size_t held = 0;
	long nr_types;
	double rss_ours, rss_batched;
#ifdef HAVE_LIBBPF
	double rss_lb;
#endif

	for (int i = 0; i < NNAMES; i++) {
		name_arr[i] = names[i].name;
		kind_arr[i] = names[i].kind;
	}

#ifdef HAVE_LIBBPF
	for (int i = 0; i < NNAMES; i++) {
		name_list[i] = names[i].name;
		kind_list[i] = names[i].kind;
	}
#endif
	if (argc == 3 && !strcmp(argv[1], "--once"))
		return run_once(argv[2]);
	if (argc == 3 && !strcmp(argv[1], "--rss")) {
		long base = bench_rss_reset();
		int err = run_once(argv[2]);

		printf("%ld\n", err ? -1 : bench_rss_peak() - base);
		return err;
	}
	if (argc > 1)
		runs = atoi(argv[1]) > 0 ? atoi(argv[1]) : runs;
	ours = calloc(runs, sizeof(double));
	lb = calloc(runs, sizeof(double));
	ratio = calloc(runs, sizeof(double));
	batch = calloc(runs, sizeof(double));
	ratio_b = calloc(runs, sizeof(double));
	{
		struct ebpf_btf *btf;

		if (eb_btf_load_kernel_file(VMLINUX, NULL, &btf)) {
			fprintf(stderr, "btf_bench: cannot open %s\n", VMLINUX);
			return 1;
		}
		nr_types = (long)eb_btf_type_cnt(btf) - 1;	/* without void */
		eb_btf_put(btf);
	}
	floor_us = calloc(runs, sizeof(double));
	ratio_f = calloc(runs, sizeof(double));
	for (int r = 0; r < runs; r++) {
		double t0 = now_us();
		size_t h = run_ours();
		int32_t one_by_one[NNAMES];

		ours[r] = now_us() - t0;
		if (h == (size_t)-1) {
			fprintf(stderr, "btf_bench: cannot open %s\n", VMLINUX);
			return 1;
		}
		held = h > held ? h : held;
		memcpy(one_by_one, ids_ours, sizeof(one_by_one));
		t0 = now_us();
		h = run_ours_mode(true);
		batch[r] = now_us() - t0;
		held = h > held ? h : held;
		if (h == (size_t)-1 || memcmp(one_by_one, ids_ours, sizeof(one_by_one))) {
			fprintf(stderr, "btf_bench: batched lookups disagree with single lookups\n");
			return 1;
		}
		t0 = now_us();
		if (run_count_only() != nr_types) {
			fprintf(stderr, "btf_bench: the reference walk counted a different number of types\n");
			return 1;
		}
		floor_us[r] = now_us() - t0;
#ifdef HAVE_LIBBPF
		t0 = now_us();
		if (run_libbpf()) {
			fprintf(stderr, "btf_bench: libbpf cannot open %s\n", VMLINUX);
			return 1;
		}
		lb[r] = now_us() - t0;
		ratio[r] = lb[r] / ours[r];
		ratio_b[r] = lb[r] / batch[r];
		ratio_f[r] = lb[r] / floor_us[r];
		for (int i = 0; i < NNAMES; i++)
			if (ids_ours[i] != ids_libbpf[i]) {
				fprintf(stderr, "btf_bench: '%s': ours %d, libbpf %d\n", names[i].name,
					ids_ours[i], ids_libbpf[i]);
				return 1;
			}
#endif
	}
	printf("BTF: open %s + %d lookups, thread CPU (user+sys), %d runs (first run included)\n", VMLINUX, NNAMES, runs);
	printf("  20 single eb_btf_find:\n  first run      ours %8.0f us", ours[0]);
#ifdef HAVE_LIBBPF
	printf("   libbpf %8.0f us   ratio %.1fx", lb[0], ratio[0]);
#endif
	printf("\n  median         ours %8.0f us", bench_median(ours, runs));
#ifdef HAVE_LIBBPF
	printf("   libbpf %8.0f us   ratio (median of pairs) %.1fx", bench_median(lb, runs), bench_median(ratio, runs));
#else
	printf("   (libbpf not installed: no comparison)");
#endif
	printf("\n  20 names in one batched pass (eb_btf_find_many, what a load does):\n  median         ours %8.0f us", bench_median(batch, runs));
#ifdef HAVE_LIBBPF
	printf("                       ratio (median of pairs) %.1fx", bench_median(ratio_b, runs));
#endif
	printf("\n  reference, map + count the type records one by one (the plain walk, no table, no names):\n"
	       "  median         ref  %8.0f us", bench_median(floor_us, runs));
#ifdef HAVE_LIBBPF
	printf("                       ratio (median of pairs) %.1fx", bench_median(ratio_f, runs));
#endif
	printf("\n  heap held by ours beyond the mapped file: %zu KiB\n", held / 1024);
	rss_ours = rss_kib("ours", 5);
	rss_batched = rss_kib("ours-batched", 5);
#ifdef HAVE_LIBBPF
	rss_lb = rss_kib("libbpf", 5);
#endif
	printf("  peak RSS growth, fresh process (median of 5; the sysfs mapping is the kernel's own memory):\n"
	       "                 ours %.0f KiB, batched %.0f KiB", rss_ours, rss_batched);
#ifdef HAVE_LIBBPF
	printf(", libbpf %.0f KiB", rss_lb);
#endif
	printf("\n");
	/* make bench collects every benchmark's markdown into build/bench/summary.md */
	if (getenv("BENCH_MD")) {
		FILE *md = fopen(getenv("BENCH_MD"), "ae");

		if (md) {
			fprintf(md, "\n**Kernel BTF: open %s + %d lookups** (fresh parse each run, thread CPU user+sys, median of %d "
				"pairs)\n\n| | ours us | libbpf us | ratio libbpf/ours | ours heap beyond the mapped file |\n"
				"|---|---:|---:|---:|---:|\n", VMLINUX, NNAMES, runs);
#ifdef HAVE_LIBBPF
			fprintf(md, "| open + 20 single lookups (eb_btf_find x20) | %.0f | %.0f | %.1fx | %zu KiB |\n", bench_median(ours, runs),
				bench_median(lb, runs), bench_median(ratio, runs), held / 1024);
			fprintf(md, "| open + 20 names in one batched pass (the load path) | %.0f | %.0f | %.1fx | %zu KiB |\n",
				bench_median(batch, runs), bench_median(lb, runs), bench_median(ratio_b, runs), held / 1024);
			fprintf(md, "| reference, not a loader: map + count the type records one by one (the plain walk) | %.0f | %.0f | %.1fx | - |\n",
				bench_median(floor_us, runs), bench_median(lb, runs), bench_median(ratio_f, runs));
			fprintf(md, "\nPeak RSS growth of one open + 20 lookups in a fresh process (median of 5; our mapping "
				"of the sysfs file is the kernel's own copy of its BTF, so it adds no pages): single lookups "
				"%.0f KiB, batched %.0f KiB, libbpf %.0f KiB.\n",
				rss_ours, rss_batched, rss_lb);
#else
			fprintf(md, "| open + 20 single lookups (eb_btf_find x20) | %.0f | - | - | %zu KiB |\n", bench_median(ours, runs), held / 1024);
			fprintf(md, "| open + 20 names in one batched pass (the load path) | %.0f | - | - | %zu KiB |\n", bench_median(batch, runs),
				held / 1024);
			fprintf(md, "\nPeak RSS growth of one open + 20 lookups in a fresh process (median of 5): single "
				"lookups %.0f KiB, batched %.0f KiB.\n", rss_ours, rss_batched);
#endif
			fclose(md);
		}
	}
	free(ours);
	free(lb);
	free(ratio);
	free(batch);
	free(ratio_b);
	free(floor_us);
	free(ratio_f);
	return 0;
}
