// SPDX-License-Identifier: BSD-2-Clause
/*
 * Ring buffer consumer benchmark: a producer thread keeps running a tc program
 * (testdata/ev_bench.bpf.c) with BPF_PROG_TEST_RUN and a large repeat, each run
 * emitting one 64-byte record into a 1 MiB ring; the main thread consumes for a
 * fixed time with
 *   1. a raw loop over our own mmap of the ring (no callback, no epoll): the
 *      reference ceiling,
 *   2. ebpf_ringbuf_consume() in a busy loop,
 *   3. ebpf_ringbuf_poll() (epoll wakeups),
 * and reports records/second for each, plus the records the producer dropped
 * because the ring was full (non-zero drops mean the consumer was the limit).
 * Every record's sequence number is checked: the three consumers continue one
 * gap-free sequence, so a lost or repeated record fails the benchmark.
 *
 *   ev_bench [object] [ms per mode]
 */
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>

#include <ebpf/ebpf.h>

#ifndef EV_BENCH_OBJ
#define EV_BENCH_OBJ "build/testdata/ev_bench.bpf.o"
#endif

#define RB_BUSY (1u << 31)
#define RB_DISCARD (1u << 30)

static struct ebpf_prog *prog;
static int stop_producer;
static int producer_err;
static uint64_t next_seq;	/* the sequence number the next record must carry */
static uint64_t bad_records;

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void *producer(void *arg)
{
	uint8_t pkt[64] = { [12] = 0x08 };	/* an Ethernet frame carrying IPv4 */

	(void)arg;
	while (!__atomic_load_n(&stop_producer, __ATOMIC_RELAXED)) {
		struct ebpf_test_run_opts o = {
			.sz = sizeof(o), .data_in = pkt, .data_size_in = sizeof(pkt), .repeat = 20000,
		};
		int err = ebpf_prog_test_run(prog, &o);

		if (err) {
			producer_err = err;
			break;
		}
	}
	return NULL;
}

static void check_record(const void *data, size_t size)
{
	uint64_t seq;

	memcpy(&seq, data, sizeof(seq));
	if (size != 64 || seq != next_seq)
		bad_records++;
	next_seq = seq + 1;
}

static int on_record(void *ctx, const void *data, size_t size)
{
	(void)ctx;
	check_record(data, size);
	return 0;
}

/* ------------------------------------------------------------ the reference loop */

struct raw_ring {
	unsigned long *cons;
	const unsigned long *prod;
	const uint8_t *data;
	size_t size;
	void *cons_map, *prod_map;
	size_t prod_len, page;
};

static int raw_map(struct raw_ring *r, int fd, size_t size)
{
	r->page = (size_t)sysconf(_SC_PAGESIZE);
	r->size = size;
	r->prod_len = r->page + 2 * size;
	r->cons_map = mmap(NULL, r->page, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	if (r->cons_map == MAP_FAILED)
		return -errno;
	r->prod_map = mmap(NULL, r->prod_len, PROT_READ, MAP_SHARED, fd, (off_t)r->page);
	if (r->prod_map == MAP_FAILED) {
		munmap(r->cons_map, r->page);
		return -errno;
	}
	r->cons = r->cons_map;
	r->prod = r->prod_map;
	r->data = (const uint8_t *)r->prod_map + r->page;
	return 0;
}

static uint64_t raw_consume_for(struct raw_ring *r, double secs)
{
	const double end = now_s() + secs;
	uint64_t n = 0;
	unsigned long cons = __atomic_load_n(r->cons, __ATOMIC_ACQUIRE);

	do {
		unsigned long prod = __atomic_load_n(r->prod, __ATOMIC_ACQUIRE);

		while (cons < prod) {
			const uint32_t *hdr = (const uint32_t *)(r->data + (cons & (r->size - 1)));
			uint32_t len = __atomic_load_n(hdr, __ATOMIC_ACQUIRE);

			if (len & RB_BUSY)
				break;
			if (!(len & RB_DISCARD)) {
				check_record(hdr + 2, len);
				n++;
			}
			cons += ((len & ~(RB_BUSY | RB_DISCARD)) + 8 + 7) & ~7ul;
			__atomic_store_n(r->cons, cons, __ATOMIC_RELEASE);
		}
	} while (now_s() < end);
	return n;
}

/* ------------------------------------------------------------ main */

static uint64_t drops(const struct ebpf_map *stats)
{
	uint32_t key = 1;
	uint64_t v = 0;

	ebpf_map_lookup(stats, &key, &v);
	return v;
}

static void report(const char *what, uint64_t n, double secs, double ceiling, uint64_t dropped)
{
	double rate = (double)n / secs;

	printf("  %-28s %7.2f M records/s", what, rate / 1e6);
	if (ceiling > 0)
		printf("  (%3.0f%% of raw)", 100.0 * rate / ceiling);
	else
		printf("  (ceiling)    ");
	printf("  producer drops %llu\n", (unsigned long long)dropped);
}

int main(int argc, char **argv)
{
	const char *obj = argc > 1 ? argv[1] : EV_BENCH_OBJ;
	double secs = (argc > 2 ? atof(argv[2]) : 500) / 1000.0;
	struct ebpf_spec *spec;
	struct ebpf_collection *coll;
	struct ebpf_map *ring, *stats;
	struct ebpf_ringbuf *rb;
	struct raw_ring raw = { 0 };
	pthread_t t;
	uint64_t n, d0;
	double t0, raw_rate;
	int err;

	err = ebpf_spec_open_file(obj, NULL, &spec);
	if (err) {
		fprintf(stderr, "ev_bench: %s\n", ebpf_errmsg());
		return 1;
	}
	err = ebpf_collection_load(spec, &EBPF_OPTS(ebpf_load_opts, .all_or_nothing = true), &coll);
	if (err) {
		fprintf(stderr, "ev_bench: %s: %s\n", err == -EPERM ? "skipped (needs CAP_BPF)" : "load",
			ebpf_errmsg());
		ebpf_spec_free(spec);
		return err == -EPERM ? 0 : 1;
	}
	prog = ebpf_collection_prog(coll, "produce");
	ring = ebpf_collection_map(coll, "bench_ring");
	stats = ebpf_collection_map(coll, "bench_stats");
	if (ebpf_ringbuf_new(ring, on_record, NULL, NULL, &rb) ||
	    raw_map(&raw, ebpf_map_fd(ring), ebpf_map_max_entries(ring))) {
		fprintf(stderr, "ev_bench: ring setup: %s\n", ebpf_errmsg());
		return 1;
	}
	if (pthread_create(&t, NULL, producer, NULL)) {
		fprintf(stderr, "ev_bench: cannot start the producer\n");
		return 1;
	}

	printf("Ring buffer: 64-byte records from a busy producer (tc program, BPF_PROG_TEST_RUN "
	       "repeat), %u KiB ring, %.0f ms per consumer\n", ebpf_map_max_entries(ring) / 1024,
	       secs * 1000);
	/* Warm up (and sync next_seq with the producer) with the library consumer. */
	next_seq = 0;
	for (double end = now_s() + 0.05; now_s() < end;)
		ebpf_ringbuf_consume(rb);
	bad_records = 0;

	d0 = drops(stats);
	n = raw_consume_for(&raw, secs);
	raw_rate = (double)n / secs;
	report("raw mmap loop", n, secs, 0, drops(stats) - d0);

	d0 = drops(stats);
	n = 0;
	t0 = now_s();
	while (now_s() - t0 < secs) {
		err = ebpf_ringbuf_consume(rb);
		if (err < 0)
			break;
		n += (uint64_t)err;
	}
	report("ebpf_ringbuf_consume (busy)", n, now_s() - t0, raw_rate, drops(stats) - d0);

	d0 = drops(stats);
	n = 0;
	t0 = now_s();
	while (now_s() - t0 < secs) {
		err = ebpf_ringbuf_poll(rb, 100);
		if (err < 0)
			break;
		n += (uint64_t)err;
	}
	report("ebpf_ringbuf_poll (epoll)", n, now_s() - t0, raw_rate, drops(stats) - d0);

	__atomic_store_n(&stop_producer, 1, __ATOMIC_RELAXED);
	pthread_join(t, NULL);
	if (producer_err)
		fprintf(stderr, "ev_bench: producer: %s\n", ebpf_errmsg());
	if (bad_records)
		fprintf(stderr, "ev_bench: %llu records out of sequence\n", (unsigned long long)bad_records);
	ebpf_ringbuf_free(rb);
	munmap(raw.prod_map, raw.prod_len);
	munmap(raw.cons_map, raw.page);
	ebpf_collection_close(coll);
	ebpf_spec_free(spec);
	return producer_err || bad_records || err < 0 ? 1 : 0;
}
