// SPDX-License-Identifier: BSD-2-Clause
/*
 * Object open, full load and scaling: libebpf against libbpf on the same objects
 * in the same run (libbpf only when built with HAVE_LIBBPF).
 *
 *   load_bench [--runs N] [--md FILE] DIR     the tables (inputs are the *.bpf.o in DIR,
 *                                             built by tools/bench/bench.mk)
 *   load_bench --once open|load ours|libbpf OBJ   one operation, for callgrind/massif
 *   load_bench --child load ours|libbpf OBJ       one measured load (internal)
 *
 * Method.
 *  - Open (ebpf_spec_open_file vs bpf_object__open_file + close): no kernel, no
 *    process-wide cache on either side, so both run in this process, interleaved
 *    pair by pair (the side that goes first alternates), after one warm-up pair.
 *    A sample repeats the open enough times to last ~2 ms; figures are per open.
 *    The I/O floor (io_floor.c: the reads, no parse) is sampled the same way after.
 *  - Full load (open + load every program and map + close): each run is a fresh
 *    exec'ed child, because both libraries keep process-wide state (kernel BTF,
 *    feature probes) that would flatter whichever side ran second. Pairs alternate.
 *    The children run with LD_BIND_NOW=1: Debian builds libbpf.so with BIND_NOW,
 *    so its libc symbols are bound before the window opens, while ours (linked
 *    into this executable, lazily bound) were bound inside it, ~800 instructions
 *    per first call. Binding everything at start puts both sides on one footing.
 *  - Figures: thread CPU time (open), getrusage utime/stime and wall (load);
 *    user-space instructions from the hardware counter when the machine has one
 *    (exact, and immune to the machine's load); peak heap from the counting
 *    allocator in bench_heap.c (no LD_PRELOAD, no valgrind); peak RSS growth from
 *    VmHWM after resetting it. Ratios are libbpf/ours, the median of per-pair ratios.
 */
#include <elf.h>
#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <ebpf/collection.h>
#include <ebpf/spec.h>

#include "lib/spec.h"
#include "tools/bench/bench_heap.h"
#include "tools/bench/bench_util.h"
#include "tools/bench/load_bench.h"

#ifdef HAVE_LIBBPF
const int nsides = 2;
#else
const int nsides = 1;
#endif
const char *const side_name[NSIDES] = { "ours", "libbpf" };

struct input inputs[] = {
	{ .file = "small.bpf.o", .label = "small program" },
	{ .file = "heavy.bpf.o", .label = "CO-RE tracing, big .BTF" },
	{ .file = "progs_1.bpf.o", .label = "1 program", .scaling = 1 },
	{ .file = "progs_10.bpf.o", .label = "10 programs", .scaling = 10 },
	{ .file = "progs_100.bpf.o", .label = "100 programs", .scaling = 100 },
	{ .file = "progs_1000.bpf.o", .label = "1,000 programs", .scaling = 1000 },
	{ .file = "core_10000.bpf.o", .label = "10,000 CO-RE relocations" },
};
const size_t ninputs = sizeof(inputs) / sizeof(inputs[0]);

/* ---------------------------------------------------------------- the operations */

__attribute__((noinline)) int run_open_ours(const char *path)
{
	struct ebpf_spec *spec = NULL;
	int err = ebpf_spec_open_file(path, NULL, &spec);

	ebpf_spec_free(spec);
	return err;
}

__attribute__((noinline)) int run_load_ours(const char *path, int *progs)
{
	struct ebpf_spec *spec = NULL;
	struct ebpf_collection *coll = NULL;
	int err = ebpf_spec_open_file(path, NULL, &spec);

	*progs = 0;
	if (!err)
		err = ebpf_collection_load(spec, NULL, &coll);
	for (size_t i = 0; !err && i < ebpf_collection_prog_count(coll); i++)
		*progs += ebpf_prog_fd(ebpf_collection_prog_at(coll, i)) >= 0;
	if (err)
		fprintf(stderr, "load_bench: ours: %s: %s\n", path, ebpf_errmsg());
	ebpf_collection_close(coll);
	ebpf_spec_free(spec);
	return err;
}

#ifdef HAVE_LIBBPF
__attribute__((noinline)) int run_open_libbpf(const char *path)
{
	return lb_open(path);
}

__attribute__((noinline)) int run_load_libbpf(const char *path, int *progs)
{
	return lb_load(path, progs);
}
#endif

static int run_open(enum side s, const char *path)
{
#ifdef HAVE_LIBBPF
	if (s == LIBBPF)
		return run_open_libbpf(path);
#endif
	(void)s;
	return run_open_ours(path);
}

static int run_load(enum side s, const char *path, int *progs)
{
#ifdef HAVE_LIBBPF
	if (s == LIBBPF)
		return run_load_libbpf(path, progs);
#endif
	(void)s;
	return run_load_ours(path, progs);
}

/* ---------------------------------------------------------------- describing inputs */

/* Size of the .BTF section, 0 if none or unreadable (inputs are our own objects). */
static unsigned long btf_section_size(const char *path)
{
	unsigned long size = 0;
	Elf64_Ehdr eh;
	Elf64_Shdr sh, strsh;
	char name[8];
	FILE *f = fopen(path, "rbe");

	if (!f)
		return 0;
	if (fread(&eh, sizeof(eh), 1, f) != 1 || eh.e_shentsize != sizeof(sh) ||
	    fseek(f, (long)(eh.e_shoff + (uint64_t)eh.e_shstrndx * sizeof(sh)), SEEK_SET) ||
	    fread(&strsh, sizeof(strsh), 1, f) != 1)
		goto out;
	for (unsigned i = 0; i < eh.e_shnum; i++) {
		if (fseek(f, (long)(eh.e_shoff + (uint64_t)i * sizeof(sh)), SEEK_SET) ||
		    fread(&sh, sizeof(sh), 1, f) != 1 ||
		    fseek(f, (long)(strsh.sh_offset + sh.sh_name), SEEK_SET) ||
		    fread(name, 1, sizeof(name), f) != sizeof(name))
			continue;
		if (!memcmp(name, ".BTF", 5)) {
			size = sh.sh_size;
			break;
		}
	}
out:
	fclose(f);
	return size;
}

static int describe(struct input *in)
{
	struct ebpf_spec *spec;
	struct stat st;

	if (stat(in->path, &st))
		return -errno;
	in->file_bytes = st.st_size;
	if (ebpf_spec_open_file(in->path, NULL, &spec)) {
		fprintf(stderr, "load_bench: %s: %s\n", in->path, ebpf_errmsg());
		return -EINVAL;
	}
	in->progs = (int)ebpf_spec_prog_count(spec);
	for (uint32_t i = 0; i < spec->sec_cnt; i++)
		if (spec->secs[i].core_relo)
			in->core_relos += spec->secs[i].core_relo->cnt;
	ebpf_spec_free(spec);
	in->btf_bytes = btf_section_size(in->path);
	return 0;
}

/* ---------------------------------------------------------------- open */

static int open_sample(enum side s, const char *path, int reps, double *cpu, double *insns)
{
	double c0 = bench_thread_cpu_us(), i0 = bench_user_insns();

	for (int k = 0; k < reps; k++)
		if (run_open(s, path)) {
			fprintf(stderr, "load_bench: %s cannot open %s\n", side_name[s], path);
			return -1;
		}
	*cpu = (bench_thread_cpu_us() - c0) / reps;
	*insns = i0 < 0 ? -1 : (bench_user_insns() - i0) / reps;
	return 0;
}

static int measure_open(struct input *in, int runs)
{
	double cpu[NSIDES][MAX_RUNS], ins[NSIDES][MAX_RUNS], rc[MAX_RUNS], ri[MAX_RUNS], one, dummy;
	int reps;

	if (open_sample(OURS, in->path, 1, &one, &dummy))
		return -1;
	in->open_ok = 1;
	reps = one > 0 ? (int)(2000 / one) : 100;
	reps = reps < 1 ? 1 : reps > 500 ? 500 : reps;
	for (int r = -1; r < runs; r++) {	/* r == -1: warm-up pair, not recorded */
		double c[NSIDES], n[NSIDES];

		for (int j = 0; j < nsides; j++) {
			enum side s = (enum side)((j + (r & 1)) % nsides);

			if (open_sample(s, in->path, reps, &c[s], &n[s]))
				return -1;
		}
		if (r < 0)
			continue;
		for (int s = 0; s < nsides; s++) {
			cpu[s][r] = c[s];
			ins[s][r] = n[s];
		}
		rc[r] = c[LIBBPF % nsides] / c[OURS];
		ri[r] = n[OURS] > 0 ? n[LIBBPF % nsides] / n[OURS] : 0;
	}
	for (int s = 0; s < nsides; s++) {
		in->open_cpu[s] = bench_median(cpu[s], runs);
		in->open_insns[s] = bench_median(ins[s], runs);
		bench_heap_reset();
		run_open((enum side)s, in->path);
		in->open_heap[s] = bench_heap_peak();
	}
	in->open_ratio_cpu = bench_median(rc, runs);
	in->open_ratio_insns = bench_median(ri, runs);
	/*
	 * The floor, sampled like the opens (after a warm-up call that sizes its
	 * buffer); n/a if it fails, or if it read less than the .BTF alone (then it
	 * would be no floor).
	 */
	in->open_floor = -1;
	if (io_floor(in->path) < (long)in->btf_bytes) {
		fprintf(stderr, "load_bench: %s: the I/O floor read too little; n/a\n", in->path);
		return 0;
	}
	for (int r = 0; r < runs; r++) {
		double c0 = bench_thread_cpu_us();

		for (int k = 0; k < reps; k++)
			if (io_floor(in->path) < 0)
				return 0;
		rc[r] = (bench_thread_cpu_us() - c0) / reps;
	}
	in->open_floor = bench_median(rc, runs);
	return 0;
}

/* ---------------------------------------------------------------- full load */

struct load_sample {
	int err, progs;
	double wall, utime, stime, insns, heap, rss;
};

/* The child: one measured load, results on stdout. */
static int child_load(enum side s, const char *path)
{
	struct load_sample o = { 0 };
	double u0, s0, u1, s1, w0, i0;
	long rss0 = bench_rss_reset();

	bench_heap_reset();
	i0 = bench_user_insns();
	bench_rusage_us(&u0, &s0);
	w0 = bench_wall_us();
	o.err = run_load(s, path, &o.progs);
	o.wall = bench_wall_us() - w0;
	bench_rusage_us(&u1, &s1);
	o.insns = i0 < 0 ? -1 : bench_user_insns() - i0;
	o.heap = (double)bench_heap_peak();
	o.rss = rss0 < 0 ? -1 : (double)(bench_rss_peak() - rss0);
	printf("%d %d %.1f %.1f %.1f %.0f %.0f %.0f\n", o.err, o.progs, o.wall, u1 - u0, s1 - s0, o.insns,
	       o.heap, o.rss);
	return 0;
}

static int spawn_load(enum side s, const char *path, struct load_sample *o)
{
	int fd[2], status, n = -1;
	pid_t pid;
	FILE *f;

	if (pipe2(fd, O_CLOEXEC))
		return -errno;
	pid = fork();
	if (pid < 0)
		return -errno;
	if (pid == 0) {
		dup2(fd[1], 1);
		setenv("LD_BIND_NOW", "1", 1);
		execl("/proc/self/exe", "load_bench", "--child", "load", side_name[s], path, (char *)NULL);
		_exit(127);
	}
	close(fd[1]);
	f = fdopen(fd[0], "r");
	if (f) {
		n = fscanf(f, "%d %d %lf %lf %lf %lf %lf %lf", &o->err, &o->progs, &o->wall, &o->utime, &o->stime,
			   &o->insns, &o->heap, &o->rss);
		fclose(f);
	} else {
		close(fd[0]);
	}
	if (waitpid(pid, &status, 0) < 0 || !WIFEXITED(status) || WEXITSTATUS(status) || n != 8)
		return -EIO;
	return 0;
}

/* Median of libbpf/ours over the pairs where ours is non-zero (utime ticks can read 0). */
static double pair_ratio(const double *lb, const double *ours, int runs)
{
	double r[MAX_RUNS];
	int n = 0;

	for (int i = 0; i < runs; i++)
		if (ours[i] > 0 && lb[i] >= 0)
			r[n++] = lb[i] / ours[i];
	return n ? bench_median(r, n) : NAN;
}

static int measure_load(struct input *in, int runs)
{
	double v[6][NSIDES][MAX_RUNS];

	for (int r = 0; r < runs; r++)
		for (int j = 0; j < nsides; j++) {
			enum side s = (enum side)((j + (r & 1)) % nsides);
			struct load_sample o;

			if (spawn_load(s, in->path, &o) || o.err || o.progs != in->progs) {
				fprintf(stderr, "load_bench: %s: %s load failed (%d, %d of %d programs)\n",
					in->path, side_name[s], o.err, o.progs, in->progs);
				in->load_ok[s] = 0;
				return -1;
			}
			v[0][s][r] = o.utime;
			v[1][s][r] = o.stime;
			v[2][s][r] = o.wall;
			v[3][s][r] = o.insns;
			v[4][s][r] = o.heap;
			v[5][s][r] = o.rss;
		}
	if (nsides > 1) {
		in->ratio_utime = pair_ratio(v[0][LIBBPF], v[0][OURS], runs);
		in->ratio_wall = pair_ratio(v[2][LIBBPF], v[2][OURS], runs);
		in->ratio_insns = pair_ratio(v[3][LIBBPF], v[3][OURS], runs);
	}
	for (int s = 0; s < nsides; s++) {
		in->load_ok[s] = 1;
		in->utime[s] = bench_median(v[0][s], runs);
		in->stime[s] = bench_median(v[1][s], runs);
		in->wall[s] = bench_median(v[2][s], runs);
		in->insns[s] = bench_median(v[3][s], runs);
		in->heap[s] = bench_median(v[4][s], runs);
		in->rss[s] = bench_median(v[5][s], runs);
	}
	return 0;
}

int main(int argc, char **argv)
{
	const char *md_path = NULL, *dir;
	int runs = 7, load_runs = 5, failed = 0;
	FILE *md;

	if (argc == 5 && (!strcmp(argv[1], "--once") || !strcmp(argv[1], "--child"))) {
		enum side s = !strcmp(argv[3], "libbpf") ? LIBBPF : OURS;
		int progs;

		if (s == LIBBPF && nsides < 2)
			return 2;
		/*
		 * The allocator's one-time set-up (~1.1 K instructions) belongs to the
		 * process, not to a load: libbpf's libraries happen to allocate before
		 * the window, ours paid it inside under --once (callgrind); the --child
		 * path was already warm (its /proc reads allocate). A daemon's is warm.
		 */
		void *volatile warm = malloc(1);	/* volatile: a malloc/free pair is elided */

		free(warm);
		if (!strcmp(argv[1], "--child"))
			return child_load(s, argv[4]);
		return !strcmp(argv[2], "open") ? run_open(s, argv[4]) != 0 : run_load(s, argv[4], &progs) != 0;
	}
	for (; argc > 2 && !strncmp(argv[1], "--", 2); argc -= 2, argv += 2) {
		if (!strcmp(argv[1], "--md"))
			md_path = argv[2];
		else if (!strcmp(argv[1], "--runs"))
			runs = load_runs = atoi(argv[2]);
	}
	if (argc != 2 || runs < 1 || runs > MAX_RUNS) {
		fprintf(stderr, "usage: load_bench [--runs N] [--md FILE] DIR\n");
		return 2;
	}
	dir = argv[1];
	for (size_t i = 0; i < ninputs; i++) {
		struct input *in = &inputs[i];

		snprintf(in->path, sizeof(in->path), "%s/%s", dir, in->file);
		in->present = describe(in) == 0;
		if (in->present && measure_open(in, runs)) {
			in->open_ok = 0;
			failed = 1;
		}
	}
	if (geteuid() == 0 || !access("/sys/fs/bpf", W_OK)) {
		for (size_t i = 0; i < ninputs; i++)
			if (inputs[i].present && measure_load(&inputs[i], load_runs))
				failed = 1;
	}
	md = bench_md_open(md_path);
	report(stdout, 0, runs, load_runs);
	if (md) {
		report(md, 1, runs, load_runs);
		fclose(md);
	}
	return failed;
}
