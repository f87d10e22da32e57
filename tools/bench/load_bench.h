/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * load_bench's pieces: the measurements (load_bench.c), the tables
 * (load_bench_report.c) and the libbpf side (load_bench_libbpf.c, which includes
 * only the lb_* prototypes' part of this header's world: plain C, no BPF types).
 */
#ifndef LOAD_BENCH_H
#define LOAD_BENCH_H

#include <stddef.h>
#include <stdio.h>

/* libbpf side. Each returns 0 or a negative errno; *progs receives the programs that got an fd. */
int lb_open(const char *path);
int lb_load(const char *path, int *progs);

/* The open's I/O floor (io_floor.c): the reads any loader does, no parse. Bytes read, or -1. */
long io_floor(const char *path);

enum side { OURS, LIBBPF, NSIDES };
extern const int nsides;	/* 2 with libbpf, 1 without */
extern const char *const side_name[NSIDES];

#define MAX_RUNS 64

struct input {
	const char *file;		/* in the input directory */
	const char *label;
	int scaling;			/* programs, for the scaling table; 0 = not part of it */
	char path[4096];
	int present;
	int progs;			/* programs in the object */
	unsigned core_relos;		/* CO-RE relocation records */
	unsigned long btf_bytes;	/* size of .BTF */
	long file_bytes;
	/* open, per open: medians, and the median of per-pair ratios libbpf/ours */
	int open_ok;
	double open_cpu[NSIDES], open_insns[NSIDES], open_ratio_cpu, open_ratio_insns;
	size_t open_heap[NSIDES];
	double open_floor;		/* io_floor(), thread CPU us per call (median) */
	/* full load: medians over fresh processes */
	int load_ok[NSIDES];
	double utime[NSIDES], stime[NSIDES], wall[NSIDES], insns[NSIDES], heap[NSIDES], rss[NSIDES];
	double ratio_utime, ratio_wall, ratio_insns;
};

extern struct input inputs[];
extern const size_t ninputs;

/* Print every table: plain text (md = 0) or markdown for summary.md (md = 1). */
void report(FILE *f, int md, int open_runs, int load_runs);

#endif
