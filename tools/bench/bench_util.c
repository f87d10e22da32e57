// SPDX-License-Identifier: BSD-2-Clause
/* Clocks, counters and statistics shared by the benchmark programs. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include "tools/bench/bench_util.h"

/* perf_event_attr as far as we use it (ABI: PERF_ATTR_SIZE_VER0 is 64 bytes). */
struct perf_attr_v0 {
	uint32_t type, size;
	uint64_t config, sample_period, sample_type, read_format;
	uint64_t flags;
	uint32_t wakeup_events, bp_type;
	uint64_t bp_addr;
};
#define PERF_TYPE_HW 0
#define PERF_HW_INSTRUCTIONS 1
#define PERF_FLAG_EXCLUDE_KERNEL (1ull << 5)
#define PERF_FLAG_EXCLUDE_HV (1ull << 6)

static double ts_us(clockid_t clk)
{
	struct timespec t;

	clock_gettime(clk, &t);
	return t.tv_sec * 1e6 + t.tv_nsec / 1e3;
}

double bench_wall_us(void)
{
	return ts_us(CLOCK_MONOTONIC);
}

double bench_thread_cpu_us(void)
{
	return ts_us(CLOCK_THREAD_CPUTIME_ID);
}

void bench_rusage_us(double *utime, double *stime)
{
	struct rusage ru;

	getrusage(RUSAGE_SELF, &ru);
	*utime = ru.ru_utime.tv_sec * 1e6 + ru.ru_utime.tv_usec;
	*stime = ru.ru_stime.tv_sec * 1e6 + ru.ru_stime.tv_usec;
}

double bench_user_insns(void)
{
	static int fd = -2;
	uint64_t v;

	if (fd == -2) {
		struct perf_attr_v0 a = {
			.type = PERF_TYPE_HW, .size = sizeof(a), .config = PERF_HW_INSTRUCTIONS,
			.flags = PERF_FLAG_EXCLUDE_KERNEL | PERF_FLAG_EXCLUDE_HV,
		};

		/* this thread, any CPU, no group, close-on-exec (PERF_FLAG_FD_CLOEXEC) */
		fd = (int)syscall(SYS_perf_event_open, &a, 0, -1, -1, 8UL);
		if (fd < 0)
			fd = -1;
	}
	if (fd < 0 || read(fd, &v, sizeof(v)) != sizeof(v))
		return -1;
	return (double)v;
}

static long status_kb(const char *key)
{
	char line[256];
	size_t klen = strlen(key);
	long kb = -1;
	FILE *f = fopen("/proc/self/status", "re");

	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f))
		if (!strncmp(line, key, klen)) {
			kb = strtol(line + klen, NULL, 10);
			break;
		}
	fclose(f);
	return kb;
}

long bench_rss_reset(void)
{
	FILE *f = fopen("/proc/self/clear_refs", "we");

	if (f) {
		fputs("5", f);	/* 5: reset the peak RSS mark */
		fclose(f);
	}
	return status_kb("VmRSS:");
}

long bench_rss_peak(void)
{
	return status_kb("VmHWM:");
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

double bench_median(double *v, int n)
{
	qsort(v, (size_t)n, sizeof(*v), cmp_double);
	return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

FILE *bench_md_open(const char *path)
{
	return path ? fopen(path, "we") : NULL;
}
