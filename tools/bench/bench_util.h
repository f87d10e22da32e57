/* SPDX-License-Identifier: BSD-2-Clause */
/* Clocks, counters and statistics shared by the benchmark programs. */
#ifndef BENCH_UTIL_H
#define BENCH_UTIL_H

#include <stddef.h>
#include <stdio.h>

double bench_wall_us(void);		/* CLOCK_MONOTONIC */
double bench_thread_cpu_us(void);	/* CLOCK_THREAD_CPUTIME_ID: CPU of this thread only */
void bench_rusage_us(double *utime, double *stime);

/*
 * User-space instructions retired by this thread (hardware counter, kernel
 * excluded), or -1 when the machine exposes no such counter (many VMs).
 * Exact and independent of machine load, unlike any clock.
 */
double bench_user_insns(void);

/* Reset the peak-RSS mark (/proc/self/clear_refs), return VmRSS in KiB (-1 if unknown). */
long bench_rss_reset(void);
/* VmHWM (peak RSS since the last reset) in KiB, -1 if unknown. */
long bench_rss_peak(void);

double bench_median(double *v, int n);	/* sorts v; n > 0 */

/* Markdown output for build/bench/summary.md: NULL path = none. */
FILE *bench_md_open(const char *path);

#endif
