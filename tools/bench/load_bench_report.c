// SPDX-License-Identifier: BSD-2-Clause
/*
 * load_bench's tables, in plain text for the terminal and in markdown for
 * build/bench/summary.md, from the same cells so the two never disagree.
 */
#include <math.h>
#include <stdarg.h>
#include <string.h>

#include "tools/bench/load_bench.h"

#define MAX_COLS 12
#define CELL 32

struct table {
	FILE *f;
	int md, ncols;
	int width[MAX_COLS];
};

static void row(struct table *t, const char *const *cells)
{
	for (int i = 0; i < t->ncols; i++) {
		if (t->md)
			fprintf(t->f, "| %s ", cells[i]);
		else if (i == 0)
			fprintf(t->f, "  %-*s", t->width[i], cells[i]);
		else
			fprintf(t->f, "  %*s", t->width[i], cells[i]);
	}
	fputs(t->md ? "|\n" : "\n", t->f);
}

static void header(struct table *t, const char *title, int ncols, const char *const *names)
{
	t->ncols = ncols;
	if (t->md)
		fprintf(t->f, "\n**%s**\n\n", title);
	else
		fprintf(t->f, "\n%s\n", title);
	for (int i = 0; i < ncols; i++) {
		int w = (int)strlen(names[i]);

		t->width[i] = i == 0 ? (w > 26 ? w : 26) : (w > 9 ? w : 9);
	}
	row(t, names);
	if (t->md) {
		for (int i = 0; i < ncols; i++)
			fputs(i == 0 ? "|---" : "|---:", t->f);
		fputs("|\n", t->f);
	}
}

static void note(struct table *t, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	fputs(t->md ? "\n" : "  ", t->f);
	vfprintf(t->f, fmt, ap);
	fputs("\n", t->f);
	va_end(ap);
}

/* Cell helpers: a negative or NaN value prints as "n/a". */
static const char *num(char *buf, const char *fmt, double v)
{
	if (v < 0 || isnan(v))
		return "n/a";
	snprintf(buf, CELL, fmt, v);
	return buf;
}

static const char *ratio(char *buf, double v)
{
	return num(buf, "%.1fx", v);
}

static void inputs_table(struct table *t)
{
	static const char *const h[] = { "input", "file KiB", "programs", "CO-RE relos", ".BTF KiB" };
	char c[4][CELL];

	header(t, "Inputs (compiled at bench time)", 5, h);
	for (size_t i = 0; i < ninputs; i++) {
		const struct input *in = &inputs[i];
		const char *cells[5] = { in->label, "skipped", "", "", "" };

		if (in->present) {
			cells[1] = num(c[0], "%.0f", in->file_bytes / 1024.0);
			cells[2] = num(c[1], "%.0f", in->progs);
			cells[3] = num(c[2], "%.0f", in->core_relos);
			cells[4] = num(c[3], "%.0f", in->btf_bytes / 1024.0);
		}
		row(t, cells);
	}
}

static void open_table(struct table *t, int runs)
{
	static const char *const h[] = { "input", "ours us", "libbpf us", "ratio", "ours insns", "libbpf insns",
					 "ratio insns", "heap ours KiB", "heap libbpf KiB", "I/O floor us",
					 "libbpf/floor" };
	char c[10][CELL], title[160];

	snprintf(title, sizeof(title),
		 "Object open to spec, no kernel (thread CPU per open, median of %d interleaved pairs; ratio = libbpf/ours)",
		 runs);
	header(t, title, 11, h);
	for (size_t i = 0; i < ninputs; i++) {
		const struct input *in = &inputs[i];
		const char *cells[11] = { in->label, "failed", "", "", "", "", "", "", "", "", "" };

		if (!in->present)
			continue;
		if (in->open_ok) {
			cells[1] = num(c[0], "%.1f", in->open_cpu[OURS]);
			cells[2] = nsides > 1 ? num(c[1], "%.1f", in->open_cpu[LIBBPF]) : "-";
			cells[3] = nsides > 1 ? ratio(c[2], in->open_ratio_cpu) : "-";
			cells[4] = num(c[3], "%.0f", in->open_insns[OURS]);
			cells[5] = nsides > 1 ? num(c[4], "%.0f", in->open_insns[LIBBPF]) : "-";
			cells[6] = nsides > 1 ? ratio(c[5], in->open_ratio_insns) : "-";
			cells[7] = num(c[6], "%.0f", in->open_heap[OURS] / 1024.0);
			cells[8] = nsides > 1 ? num(c[7], "%.0f", in->open_heap[LIBBPF] / 1024.0) : "-";
			cells[9] = num(c[8], "%.1f", in->open_floor);
			cells[10] = nsides > 1 && in->open_floor > 0 ? ratio(c[9], in->open_cpu[LIBBPF] / in->open_floor)
							     : "-";
		}
		row(t, cells);
	}
	note(t, "I/O floor: open, fstat, read the bytes a loader uses (a small file whole; else the headers and every "
		"section but debug information, nearby ones in one read), close; no parse, no allocation. "
		"libbpf/floor is the most any loader reading the file could reach in time.");
}

static int any_load(void)
{
	for (size_t i = 0; i < ninputs; i++)
		if (inputs[i].load_ok[OURS])
			return 1;
	return 0;
}

static void load_tables(struct table *t, int runs)
{
	static const char *const hc[] = { "input", "ours utime ms", "libbpf utime ms", "ratio utime",
					  "ours user insns M", "libbpf user insns M", "ratio insns",
					  "ours wall ms", "libbpf wall ms", "ratio wall", "stime ours/libbpf ms" };
	static const char *const hm[] = { "input", "ours peak heap KiB", "libbpf peak heap KiB", "ours/libbpf heap",
					  "ours peak RSS +KiB", "libbpf peak RSS +KiB" };
	char c[10][CELL], title[200];

	snprintf(title, sizeof(title),
		 "Full load: open + load all programs and maps + close, fresh process per run, median of %d pairs", runs);
	header(t, title, 11, hc);
	for (size_t i = 0; i < ninputs; i++) {
		const struct input *in = &inputs[i];
		const char *cells[11] = { in->label, "failed", "", "", "", "", "", "", "", "", "" };

		if (!in->present)
			continue;
		if (in->load_ok[OURS] && (nsides < 2 || in->load_ok[LIBBPF])) {
			cells[1] = num(c[0], "%.2f", in->utime[OURS] / 1e3);
			cells[2] = nsides > 1 ? num(c[1], "%.2f", in->utime[LIBBPF] / 1e3) : "-";
			cells[3] = nsides > 1 ? ratio(c[2], in->ratio_utime) : "-";
			cells[4] = num(c[3], "%.2f", in->insns[OURS] / 1e6);
			cells[5] = nsides > 1 ? num(c[4], "%.2f", in->insns[LIBBPF] / 1e6) : "-";
			cells[6] = nsides > 1 ? ratio(c[5], in->ratio_insns) : "-";
			cells[7] = num(c[6], "%.2f", in->wall[OURS] / 1e3);
			cells[8] = nsides > 1 ? num(c[7], "%.2f", in->wall[LIBBPF] / 1e3) : "-";
			cells[9] = nsides > 1 ? ratio(c[8], in->ratio_wall) : "-";
			if (nsides > 1)
				snprintf(c[9], CELL, "%.1f / %.1f", in->stime[OURS] / 1e3, in->stime[LIBBPF] / 1e3);
			else
				snprintf(c[9], CELL, "%.1f", in->stime[OURS] / 1e3);
			cells[10] = c[9];
		}
		row(t, cells);
	}
	header(t, "Full load: memory (peak heap from the counting allocator; peak RSS growth from VmHWM)", 6, hm);
	for (size_t i = 0; i < ninputs; i++) {
		const struct input *in = &inputs[i];
		const char *cells[6] = { in->label, "failed", "", "", "", "" };

		if (!in->present)
			continue;
		if (in->load_ok[OURS] && (nsides < 2 || in->load_ok[LIBBPF])) {
			cells[1] = num(c[0], "%.0f", in->heap[OURS] / 1024);
			cells[2] = nsides > 1 ? num(c[1], "%.0f", in->heap[LIBBPF] / 1024) : "-";
			cells[3] = nsides > 1 && in->heap[LIBBPF] > 0
					   ? num(c[2], "%.0f%%", 100 * in->heap[OURS] / in->heap[LIBBPF]) : "-";
			cells[4] = num(c[3], "%.0f", in->rss[OURS]);
			cells[5] = nsides > 1 ? num(c[4], "%.0f", in->rss[LIBBPF]) : "-";
		}
		row(t, cells);
	}
}

/* Per-program cost; the flag compares each step with the step 10x smaller. */
static void scaling_table(struct table *t)
{
	static const char *const h[] = { "programs", "open ours us/prog", "open libbpf us/prog",
					 "open ours insns/prog", "load ours insns/prog", "load libbpf insns/prog",
					 "load ours wall us/prog", "load libbpf wall us/prog", "ours step" };
	char c[8][CELL], label[CELL];
	double prev = -1;

	header(t, "Scaling: cost per program, 1 -> 1,000 programs (step: ours total cost vs 10x fewer programs)", 9, h);
	for (size_t i = 0; i < ninputs; i++) {
		const struct input *in = &inputs[i];
		const char *cells[9];
		double per, load_per;
		int loaded = in->load_ok[OURS];

		if (!in->present || !in->scaling || !in->open_ok)
			continue;
		snprintf(label, sizeof(label), "%d", in->scaling);
		/* Instructions are exact; fall back to CPU time where the machine has no counter. */
		per = in->open_insns[OURS] > 0 ? in->open_insns[OURS] : in->open_cpu[OURS];
		load_per = loaded && in->insns[OURS] > 0 ? in->insns[OURS] : -1;
		cells[0] = label;
		cells[1] = num(c[0], "%.2f", in->open_cpu[OURS] / in->scaling);
		cells[2] = nsides > 1 ? num(c[1], "%.2f", in->open_cpu[LIBBPF] / in->scaling) : "-";
		cells[3] = num(c[2], "%.0f", in->open_insns[OURS] / in->scaling);
		cells[4] = loaded ? num(c[3], "%.0f", in->insns[OURS] / in->scaling) : "n/a";
		cells[5] = loaded && nsides > 1 ? num(c[4], "%.0f", in->insns[LIBBPF] / in->scaling) : "-";
		cells[6] = loaded ? num(c[5], "%.1f", in->wall[OURS] / in->scaling) : "n/a";
		cells[7] = loaded && nsides > 1 ? num(c[6], "%.1f", in->wall[LIBBPF] / in->scaling) : "-";
		cells[8] = "-";
		if (prev > 0) {
			/* 10x the programs: linear means <= 10x the cost (fixed costs amortize). */
			double step = (load_per > 0 ? load_per : per) / prev;

			snprintf(c[7], CELL, "%.1fx%s", step, step > 15 ? " SUPER-LINEAR" : "");
			cells[8] = c[7];
		}
		prev = load_per > 0 ? load_per : per;
		row(t, cells);
	}
	note(t, "step: ours total cost (load instructions, or open where no load) at N programs / at N/10; "
		"linear is <= 10x, more than 15x is flagged.");
}

static double worst(double (*get)(const struct input *))
{
	double w = NAN;

	for (size_t i = 0; i < ninputs; i++) {
		double v = inputs[i].present ? get(&inputs[i]) : NAN;

		if (!isnan(v) && (isnan(w) || v < w))
			w = v;
	}
	return w;
}

static double get_open_ratio(const struct input *in)
{
	return in->open_ok ? (in->open_insns[OURS] > 0 ? in->open_ratio_insns : in->open_ratio_cpu) : NAN;
}

static double get_load_insns_ratio(const struct input *in)
{
	return in->load_ok[OURS] && in->load_ok[LIBBPF] && in->insns[OURS] > 0 ? in->ratio_insns : NAN;
}

static double get_heap_ratio(const struct input *in)
{
	return in->load_ok[OURS] && in->load_ok[LIBBPF] && in->heap[OURS] > 0 ? in->heap[LIBBPF] / in->heap[OURS]
										 : NAN;
}

static void targets(struct table *t)
{
	double open = worst(get_open_ratio), ins = worst(get_load_insns_ratio), heap = worst(get_heap_ratio);

	if (nsides < 2)
		return;
	if (t->md)
		fputs("\n", t->f);
	fprintf(t->f, "%sTargets (worst input): object open >= 5x faster: %.1fx %s\n", t->md ? "- " : "\n  ", open,
		open >= 5 ? "met" : "MISSED");
	if (!isnan(ins) || !isnan(heap)) {
		fprintf(t->f, "%sfull load user CPU <= 25%% of libbpf's (instructions): %.0f%% %s\n",
			t->md ? "- " : "  ", 100 / ins, ins >= 4 ? "met" : "MISSED");
		fprintf(t->f, "%sfull load peak heap <= 25%% of libbpf's: %.0f%% %s\n", t->md ? "- " : "  ",
			100 / heap, heap >= 4 ? "met" : "MISSED");
	}
}

void report(FILE *f, int md, int open_runs, int load_runs)
{
	struct table t = { .f = f, .md = md };

	inputs_table(&t);
	open_table(&t, open_runs);
	if (any_load())
		load_tables(&t, load_runs);
	else
		note(&t, "Full load: skipped (needs root or CAP_BPF).");
	scaling_table(&t);
	targets(&t);
}
