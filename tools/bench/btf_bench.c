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
 */
#include <fcntl.h>
#include <malloc.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "btf/btf_internal.h"
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
 * CPU time of this thread, user + system: it keeps what each side really costs
 * (libbpf's read() of the file is system time, our mmap is not) while ignoring
 * the time a busy machine keeps us off the CPU, which wall time would add.
 */
static double now_us(void)
{
	struct timespec t;

	clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t);
	return t.tv_sec * 1e6 + t.tv_nsec / 1e3;
}

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

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

static double median(double *v, int n)
{
	qsort(v, n, sizeof(*v), cmp_double);
	return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

int main(int argc, char **argv)
{
	int runs = 31;
	double *ours, *lb, *ratio, *batch, *ratio_b, *floor_us, *ratio_f;
	size_t held = 0;
	long nr_types;

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
	if (argc == 3 && !strcmp(argv[1], "--once")) {
		if (!strcmp(argv[2], "ours"))
			return run_ours() == (size_t)-1;
		if (!strcmp(argv[2], "ours-batched"))
			return run_ours_mode(true) == (size_t)-1;
#ifdef HAVE_LIBBPF
		if (!strcmp(argv[2], "libbpf"))
			return run_libbpf() != 0;
#endif
		return 2;
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
	printf("\n  median         ours %8.0f us", median(ours, runs));
#ifdef HAVE_LIBBPF
	printf("   libbpf %8.0f us   ratio (median of pairs) %.1fx", median(lb, runs), median(ratio, runs));
#else
	printf("   (libbpf not installed: no comparison)");
#endif
	printf("\n  20 names in one batched pass (eb_btf_find_many, what a load does):\n  median         ours %8.0f us", median(batch, runs));
#ifdef HAVE_LIBBPF
	printf("                       ratio (median of pairs) %.1fx", median(ratio_b, runs));
#endif
	printf("\n  reference, map + count the type records one by one (the plain walk, no table, no names):\n"
	       "  median         ref  %8.0f us", median(floor_us, runs));
#ifdef HAVE_LIBBPF
	printf("                       ratio (median of pairs) %.1fx", median(ratio_f, runs));
#endif
	printf("\n  heap held by ours beyond the mapped file: %zu KiB\n", held / 1024);
	/* make bench collects every benchmark's markdown into build/bench/summary.md */
	if (getenv("BENCH_MD")) {
		FILE *md = fopen(getenv("BENCH_MD"), "ae");

		if (md) {
			fprintf(md, "\n**Kernel BTF: open %s + %d lookups** (fresh parse each run, thread CPU user+sys, median of %d "
				"pairs)\n\n| | ours us | libbpf us | ratio libbpf/ours | ours heap beyond the mapped file |\n"
				"|---|---:|---:|---:|---:|\n", VMLINUX, NNAMES, runs);
#ifdef HAVE_LIBBPF
			fprintf(md, "| open + 20 single lookups (eb_btf_find x20) | %.0f | %.0f | %.1fx | %zu KiB |\n", median(ours, runs),
				median(lb, runs), median(ratio, runs), held / 1024);
			fprintf(md, "| open + 20 names in one batched pass (the load path) | %.0f | %.0f | %.1fx | %zu KiB |\n",
				median(batch, runs), median(lb, runs), median(ratio_b, runs), held / 1024);
			fprintf(md, "| reference, not a loader: map + count the type records one by one (the plain walk) | %.0f | %.0f | %.1fx | - |\n",
				median(floor_us, runs), median(lb, runs), median(ratio_f, runs));
#else
			fprintf(md, "| open + 20 single lookups (eb_btf_find x20) | %.0f | - | - | %zu KiB |\n", median(ours, runs), held / 1024);
			fprintf(md, "| open + 20 names in one batched pass (the load path) | %.0f | - | - | %zu KiB |\n", median(batch, runs),
				held / 1024);
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
