/*
 * Records produced by real programs (testdata/ev_records.bpf.c, run with
 * BPF_PROG_TEST_RUN) and read back through the ring buffer and perf buffer
 * readers: every record exactly once, in order, with the right bytes, across
 * many wraparounds; discarded records skipped; two rings in one consumer; a
 * stopping callback; and lost samples of an overflowing perf buffer counted.
 */
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <sched.h>
#include <unistd.h>

#include "lib/alloc.h"
#include "lib/perfbuf_internal.h"
#include "testutil.h"

#define EV_MAX 512
#define BPF_F_TEST_RUN_ON_CPU 1u

/* The context of the syscall programs: struct ev_args of the BPF side. */
struct ev_args {
	uint32_t seq;
	uint32_t len;
	uint32_t flags;
	uint8_t bytes[EV_MAX - 12];
};

struct fixture {
	struct ebpf_spec *spec;
	struct ebpf_collection *coll;
};

static void fx_open(struct fixture *fx)
{
	int err;

	ck_assert_int_eq(ebpf_spec_open_file(testobj("ev_records"), NULL, &fx->spec), 0);
	err = ebpf_collection_load(fx->spec, &EBPF_OPTS(ebpf_load_opts, .all_or_nothing = true),
				   &fx->coll);
	ck_assert_msg(!err, "load: %s", ebpf_errmsg());
}

static void fx_close(struct fixture *fx)
{
	ebpf_collection_close(fx->coll);
	ebpf_spec_free(fx->spec);
}

static struct ebpf_prog *prog(struct fixture *fx, const char *name)
{
	struct ebpf_prog *p = ebpf_collection_prog(fx->coll, name);

	ck_assert_msg(p && ebpf_prog_fd(p) >= 0, "program %s not loaded", name);
	return p;
}

static struct ebpf_map *map(struct fixture *fx, const char *name)
{
	struct ebpf_map *m = ebpf_collection_map(fx->coll, name);

	ck_assert_msg(m, "no map %s", name);
	return m;
}

static uint32_t run(struct ebpf_prog *p, const void *ctx, uint32_t ctx_size, int cpu)
{
	struct ebpf_test_run_opts o = { .sz = sizeof(o), .ctx_in = ctx, .ctx_size_in = ctx_size };
	int err;

	if (cpu >= 0) {
		o.flags = BPF_F_TEST_RUN_ON_CPU;
		o.cpu = (uint32_t)cpu;
	}
	err = ebpf_prog_test_run(p, &o);
	ck_assert_msg(!err, "test run of %s: %s", ebpf_prog_name(p), ebpf_errmsg());
	return o.retval;
}

static void fill_args(struct ev_args *a, uint32_t seq, uint32_t len)
{
	memset(a, 0, sizeof(*a));
	a->seq = seq;
	a->len = len;
	for (size_t j = 0; j < sizeof(a->bytes); j++)
		a->bytes[j] = (uint8_t)(seq * 13 + j);
}

/* Sizes 8..512, varied so records land at every alignment of the ring. */
static uint32_t len_of(uint32_t seq)
{
	return 8 + (seq * 37) % (EV_MAX - 8 + 1);
}

/* ------------------------------------------------------------ ring buffer */

struct ring_state {
	uint32_t next;		/* seq expected next */
	uint32_t got;
	uint32_t stop_at;	/* return stop_rc when got reaches it (0: never) */
	int stop_rc;
	uint32_t fixed_len;	/* every record this long (0: len_of(seq)) */
	uint64_t bytes;
};

static int on_ring_record(void *ctx, const void *data, size_t size)
{
	struct ring_state *st = ctx;
	struct ev_args want;

	fill_args(&want, st->next, st->fixed_len ? st->fixed_len : len_of(st->next));
	ck_assert_uint_eq(size, want.len);
	ck_assert_msg(memcmp(data, &want, size) == 0, "record %u: wrong bytes", st->next);
	st->next++;
	st->got++;
	st->bytes += size;
	return st->stop_at && st->got == st->stop_at ? st->stop_rc : 0;
}

static void ring_drain(struct ebpf_ringbuf *rb, uint32_t *got, uint32_t want)
{
	for (int i = 0; i < 100 && *got < want; i++)
		ck_assert_int_ge(ebpf_ringbuf_poll(rb, 100), 0);
	ck_assert_uint_eq(*got, want);
}

START_TEST(ring_records_in_order_across_wraparounds)
{
	struct fixture fx;
	struct ring_state st = { 0 };
	struct ebpf_ringbuf *rb;
	struct ebpf_prog *p;
	struct ev_args a;
	const uint32_t n = 300;

	REQUIRE_BPF();
	fx_open(&fx);
	p = prog(&fx, "emit_ring");
	ck_assert_int_eq(ebpf_ringbuf_new(map(&fx, "ring"), on_ring_record, &st, NULL, &rb), 0);
	for (uint32_t seq = 0; seq < n; seq++) {
		fill_args(&a, seq, len_of(seq));
		ck_assert_uint_eq(run(p, &a, sizeof(a), -1), 0);
		/* Four records (at most 4 * 520 bytes) always fit in the 4 KiB ring. */
		if (seq % 4 == 3)
			ring_drain(rb, &st.got, seq + 1);
	}
	ring_drain(rb, &st.got, n);
	ck_assert_uint_eq(st.next, n);
	ck_assert_uint_gt(st.bytes, 10 * 4096);	/* the positions wrapped many times */
	ck_assert_int_eq(ebpf_ringbuf_consume(rb), 0);	/* nothing twice */
	ebpf_ringbuf_free(rb);
	fx_close(&fx);
}
END_TEST

START_TEST(ring_full_then_drained)
{
	struct fixture fx;
	struct ring_state st = { .fixed_len = EV_MAX };
	struct ebpf_ringbuf *rb;
	struct ebpf_prog *p;
	struct ev_args a;
	uint32_t ok = 0, rc;

	REQUIRE_BPF();
	fx_open(&fx);
	p = prog(&fx, "emit_ring");
	ck_assert_int_eq(ebpf_ringbuf_new(map(&fx, "ring"), on_ring_record, &st, NULL, &rb), 0);
	/* Fill with 512-byte records (520 in the ring) until the producer is refused. */
	for (;;) {
		fill_args(&a, ok, EV_MAX);
		rc = run(p, &a, sizeof(a), -1);
		if (rc)
			break;
		ok++;
		ck_assert_uint_lt(ok, 100);
	}
	ck_assert_uint_eq(rc, 2);
	ck_assert_uint_eq(ok, 4096 / 520);
	/* The refused record was never written; the others arrive once, in order. */
	ring_drain(rb, &st.got, ok);
	ck_assert_int_eq(ebpf_ringbuf_consume(rb), 0);
	/* And the space is free again. */
	fill_args(&a, ok, EV_MAX);
	ck_assert_uint_eq(run(p, &a, sizeof(a), -1), 0);
	ring_drain(rb, &st.got, ok + 1);
	ebpf_ringbuf_free(rb);
	fx_close(&fx);
}
END_TEST

struct producer {
	struct ebpf_prog *prog;
	uint32_t n;
	uint32_t full;		/* times the ring was full and the record was re-sent */
	int err;
};

/* Emit records 0..n-1, re-sending one while the ring is full (the consumer is behind). */
static void *produce(void *arg)
{
	struct producer *pr = arg;
	struct ev_args a;

	for (uint32_t seq = 0; seq < pr->n; seq++) {
		struct ebpf_test_run_opts o = { .sz = sizeof(o), .ctx_in = &a, .ctx_size_in = sizeof(a) };

		fill_args(&a, seq, len_of(seq));
		if ((pr->err = ebpf_prog_test_run(pr->prog, &o)))
			break;
		if (o.retval == 2) {
			pr->full++;
			seq--;
			sched_yield();
		} else if (o.retval) {
			pr->err = -EINVAL;
			break;
		}
	}
	return NULL;
}

START_TEST(ring_concurrent_producer)
{
	struct fixture fx;
	struct ring_state st = { 0 };
	struct producer pr = { .n = 3000 };
	struct ebpf_ringbuf *rb;
	pthread_t t;

	REQUIRE_BPF();
	fx_open(&fx);
	pr.prog = prog(&fx, "emit_ring");
	ck_assert_int_eq(ebpf_ringbuf_new(map(&fx, "ring"), on_ring_record, &st, NULL, &rb), 0);
	ck_assert_int_eq(pthread_create(&t, NULL, produce, &pr), 0);
	/* Reading while the kernel writes: order and bytes are checked per record. */
	for (int idle = 0; st.got < pr.n && idle < 50;) {
		int r = ebpf_ringbuf_poll(rb, 100);

		ck_assert_int_ge(r, 0);
		idle = r ? 0 : idle + 1;
	}
	pthread_join(t, NULL);
	ck_assert_int_eq(pr.err, 0);
	ck_assert_uint_eq(st.got, pr.n);
	ck_assert_int_eq(ebpf_ringbuf_consume(rb), 0);
	ebpf_ringbuf_free(rb);
	fx_close(&fx);
}
END_TEST

struct reserve_state {
	uint32_t seqs[16];
	uint32_t got;
};

static int on_reserved(void *ctx, const void *data, size_t size)
{
	struct reserve_state *st = ctx;
	const uint32_t *w = data;

	ck_assert_uint_eq(size, 64);
	ck_assert_uint_eq(w[1], 64);
	for (int i = 2; i < 16; i++)
		ck_assert_uint_eq(w[i], w[0] * 1000 + i);
	ck_assert_uint_lt(st->got, 16);
	st->seqs[st->got++] = w[0];
	return 0;
}

START_TEST(ring_discarded_records_are_skipped)
{
	struct fixture fx;
	struct reserve_state st = { 0 };
	struct ebpf_ringbuf *rb;
	struct ebpf_prog *p;
	struct ev_args a;

	REQUIRE_BPF();
	fx_open(&fx);
	p = prog(&fx, "reserve_ring");
	ck_assert_int_eq(ebpf_ringbuf_new(map(&fx, "ring"), on_reserved, &st, NULL, &rb), 0);
	for (uint32_t seq = 0; seq < 10; seq++) {
		fill_args(&a, seq, 8);
		a.flags = seq % 2;	/* odd records are discarded */
		ck_assert_uint_eq(run(p, &a, sizeof(a), -1), 0);
	}
	ck_assert_int_eq(ebpf_ringbuf_consume(rb), 5);
	ck_assert_uint_eq(st.got, 5);
	for (uint32_t i = 0; i < 5; i++)
		ck_assert_uint_eq(st.seqs[i], 2 * i);
	ebpf_ringbuf_free(rb);
	fx_close(&fx);
}
END_TEST

static int on_small(void *ctx, const void *data, size_t size)
{
	uint32_t *got = ctx;
	const uint32_t *w = data;

	ck_assert_uint_eq(size, 8);
	ck_assert_uint_eq(w[0], *got);	/* seq, in order */
	ck_assert_uint_eq(w[1], len_of(w[0]));
	(*got)++;
	return 0;
}

START_TEST(two_rings_one_consumer)
{
	struct fixture fx;
	struct ring_state st = { 0 };
	uint32_t small = 0;
	struct ebpf_ringbuf *rb;
	struct ebpf_prog *p;
	struct ev_args a;

	REQUIRE_BPF();
	fx_open(&fx);
	p = prog(&fx, "emit_both");
	ck_assert_int_eq(ebpf_ringbuf_new(map(&fx, "ring"), on_ring_record, &st, NULL, &rb), 0);
	ck_assert_int_eq(ebpf_ringbuf_add(rb, map(&fx, "ring2"), on_small, &small), 0);
	ck_assert_int_eq(ebpf_ringbuf_add(rb, map(&fx, "perf"), on_small, &small), -EINVAL);
	ck_assert_errmsg_has("ring buffer 'perf': map type 4 is not BPF_MAP_TYPE_RINGBUF");
	ck_assert_uint_eq(ebpf_ringbuf_ring_count(rb), 2);
	for (uint32_t seq = 0; seq < 6; seq++) {
		fill_args(&a, seq, len_of(seq));
		ck_assert_uint_eq(run(p, &a, sizeof(a), -1), 0);
	}
	for (int i = 0; i < 100 && (st.got < 6 || small < 6); i++)
		ck_assert_int_ge(ebpf_ringbuf_poll(rb, 100), 0);
	ck_assert_uint_eq(st.got, 6);
	ck_assert_uint_eq(small, 6);
	/* Consuming one ring leaves the other alone. */
	fill_args(&a, 6, len_of(6));
	ck_assert_uint_eq(run(p, &a, sizeof(a), -1), 0);
	ck_assert_int_eq(ebpf_ringbuf_consume_ring(rb, 1), 1);
	ck_assert_uint_eq(small, 7);
	ck_assert_uint_eq(st.got, 6);
	ck_assert_int_eq(ebpf_ringbuf_consume(rb), 1);
	ck_assert_uint_eq(st.got, 7);
	ebpf_ringbuf_free(rb);
	fx_close(&fx);
}
END_TEST

START_TEST(ring_callback_stop)
{
	struct fixture fx;
	struct ring_state st = { .stop_at = 3, .stop_rc = -EIO };
	struct ebpf_ringbuf *rb;
	struct ebpf_prog *p;
	struct ev_args a;

	REQUIRE_BPF();
	fx_open(&fx);
	p = prog(&fx, "emit_ring");
	ck_assert_int_eq(ebpf_ringbuf_new(map(&fx, "ring"), on_ring_record, &st, NULL, &rb), 0);
	for (uint32_t seq = 0; seq < 5; seq++) {
		fill_args(&a, seq, len_of(seq));
		ck_assert_uint_eq(run(p, &a, sizeof(a), -1), 0);
	}
	ck_assert_int_eq(ebpf_ringbuf_consume(rb), -EIO);
	ck_assert_errmsg_has("ring buffer 'ring': callback stopped consumption (returned -5)");
	ck_assert_uint_eq(st.got, 3);
	ck_assert_int_eq(ebpf_ringbuf_consume(rb), 2);	/* the rest, not the third again */
	ck_assert_uint_eq(st.got, 5);
	ebpf_ringbuf_free(rb);
	fx_close(&fx);
}
END_TEST

/* ------------------------------------------------------------ perf buffer */

struct perf_state {
	int *cpus;
	size_t ncpu;
	uint32_t n;		/* samples expected */
	uint8_t *seen;		/* per seq */
	int64_t last_seq[64];	/* per CPU index, for per-CPU order */
	uint32_t got;
	uint64_t lost;
	int lost_calls;
	uint32_t last_len;	/* fixed length for the overflow test (0: len_of) */
};

static void check_perf_sample(const void *data, uint32_t size, uint32_t len)
{
	const uint8_t *b = data;
	const uint32_t *w = data;

	ck_assert_uint_eq(size, ((len + 4 + 7) & ~7u) - 4);
	ck_assert_uint_eq(w[1], len);
	for (uint32_t i = 8; i < len; i++)
		ck_assert_msg(b[i] == (uint8_t)(w[0] * 7 + i), "sample %u byte %u", w[0], i);
	/* The padding after len is whatever the ring held before: not checked. */
}

static int on_perf(void *ctx, int cpu, const void *data, uint32_t size)
{
	struct perf_state *st = ctx;
	uint32_t seq;
	size_t ci;

	ck_assert_uint_ge(size, 8);
	memcpy(&seq, data, 4);
	ck_assert_uint_lt(seq, st->n);
	ck_assert_msg(!st->seen[seq], "sample %u seen twice", seq);
	st->seen[seq] = 1;
	check_perf_sample(data, size, st->last_len ? st->last_len : len_of(seq));
	if (!st->last_len) {
		/* Sample seq was run on CPU cpus[seq % ncpu]. */
		ci = seq % st->ncpu;
		ck_assert_int_eq(cpu, st->cpus[ci]);
		ck_assert_int_lt(st->last_seq[ci], (int64_t)seq);
		st->last_seq[ci] = seq;
	}
	st->got++;
	return 0;
}

static void on_lost(void *ctx, int cpu, uint64_t lost)
{
	struct perf_state *st = ctx;

	st->lost += lost;
	st->lost_calls++;
}

static void perf_state_init(struct perf_state *st, uint32_t n)
{
	char buf[256] = "";
	FILE *f = fopen("/sys/devices/system/cpu/online", "r");

	memset(st, 0, sizeof(*st));
	ck_assert_ptr_nonnull(f);
	ck_assert_ptr_nonnull(fgets(buf, sizeof(buf), f));
	fclose(f);
	ck_assert_int_eq(eb_cpu_list_parse(buf, &st->cpus, &st->ncpu), 0);
	if (st->ncpu > 64)
		st->ncpu = 64;
	st->n = n;
	st->seen = calloc(n, 1);
	for (int i = 0; i < 64; i++)
		st->last_seq[i] = -1;
}

static void perf_state_free(struct perf_state *st)
{
	eb_free(st->cpus);
	free(st->seen);
}

START_TEST(perf_samples_from_every_cpu)
{
	struct fixture fx;
	struct perf_state st;
	struct ebpf_perfbuf *pb;
	struct ebpf_prog *p;
	const uint32_t n = 200;

	REQUIRE_BPF();
	perf_state_init(&st, n);
	fx_open(&fx);
	p = prog(&fx, "emit_perf");
	ck_assert_int_eq(ebpf_perfbuf_new(map(&fx, "perf"), 2, on_perf, on_lost, &st, NULL, &pb), 0);
	ck_assert_uint_eq(ebpf_perfbuf_cpu_count(pb), st.ncpu);
	for (uint32_t seq = 0; seq < n; seq++) {
		uint64_t ctx[2] = { seq, len_of(seq) };

		ck_assert_uint_eq(run(p, ctx, sizeof(ctx), st.cpus[seq % st.ncpu]), 0);
		if (seq % 8 == 7)
			ck_assert_int_ge(ebpf_perfbuf_poll(pb, 0), 0);
	}
	for (int i = 0; i < 100 && st.got < n; i++)
		ck_assert_int_ge(ebpf_perfbuf_poll(pb, 100), 0);
	ck_assert_uint_eq(st.got, n);
	ck_assert_uint_eq(st.lost, 0);
	ck_assert_int_eq(ebpf_perfbuf_consume(pb), 0);
	ebpf_perfbuf_free(pb);
	fx_close(&fx);
	perf_state_free(&st);
}
END_TEST

START_TEST(perf_overflow_reports_lost_samples)
{
	struct fixture fx;
	struct perf_state st;
	struct ebpf_perfbuf *pb;
	struct ebpf_prog *p;
	const uint32_t n = 100;
	uint32_t first;
	int cpu, r;

	REQUIRE_BPF();
	perf_state_init(&st, n + 1);
	st.last_len = EV_MAX;
	cpu = st.cpus[0];
	fx_open(&fx);
	p = prog(&fx, "emit_perf");
	/* One page of data per CPU holds 7 samples of 512 bytes (528 with headers). */
	ck_assert_int_eq(ebpf_perfbuf_new(map(&fx, "perf"), 1, on_perf, on_lost, &st, NULL, &pb), 0);
	for (uint32_t seq = 0; seq < n; seq++) {
		uint64_t ctx[2] = { seq, EV_MAX };

		run(p, ctx, sizeof(ctx), cpu);	/* fails (-ENOSPC) once full: that is the point */
	}
	r = ebpf_perfbuf_consume(pb);
	ck_assert_int_gt(r, 0);
	first = st.got;
	ck_assert_uint_eq((uint32_t)r, first);
	ck_assert_uint_lt(first, n);
	/* The kernel reports the loss in a record written before the next sample. */
	{
		uint64_t ctx[2] = { n, EV_MAX };

		ck_assert_uint_eq(run(p, ctx, sizeof(ctx), cpu), 0);
	}
	for (int i = 0; i < 100 && st.got < first + 1; i++)
		ck_assert_int_ge(ebpf_perfbuf_poll(pb, 100), 0);
	ck_assert_uint_eq(st.got, first + 1);
	ck_assert(st.seen[n]);
	ck_assert_int_ge(st.lost_calls, 1);
	ck_assert_uint_eq(st.lost, n - first);
	ck_assert_uint_eq(ebpf_perfbuf_lost(pb), n - first);
	ebpf_perfbuf_free(pb);
	fx_close(&fx);
	perf_state_free(&st);
}
END_TEST

Suite *suite_ev_records(void)
{
	Suite *s = suite_create("ev_records");
	TCase *tc = test_tcase("programs");

	tcase_add_test(tc, ring_records_in_order_across_wraparounds);
	tcase_add_test(tc, ring_full_then_drained);
	tcase_add_test(tc, ring_concurrent_producer);
	tcase_add_test(tc, ring_discarded_records_are_skipped);
	tcase_add_test(tc, two_rings_one_consumer);
	tcase_add_test(tc, ring_callback_stop);
	tcase_add_test(tc, perf_samples_from_every_cpu);
	tcase_add_test(tc, perf_overflow_reports_lost_samples);
	suite_add_tcase(s, tc);
	return s;
}
