/*
 * The perf buffer record reader on a synthetic per-CPU ring: a metadata page
 * (struct perf_event_mmap_page) followed by a small data area, filled with
 * PERF_RECORD_SAMPLE and PERF_RECORD_LOST records the way the kernel writes them,
 * including records that wrap around the end of the data area.
 */
#include <errno.h>
#include <linux/perf_event.h>
#include <stdint.h>
#include <stdlib.h>

#include "lib/alloc.h"
#include "lib/perfbuf_internal.h"
#include "testutil.h"

#define PAGE 4096u
#define DATA 512u

struct fake_perf {
	union {
		struct perf_event_mmap_page meta;
		uint8_t page[PAGE];
	};
	uint8_t data[DATA];
};

static struct fake_perf *perf_new(uint64_t start)
{
	struct fake_perf *f = calloc(1, sizeof(*f));

	f->meta.data_offset = PAGE;
	f->meta.data_size = DATA;
	f->meta.data_head = f->meta.data_tail = start;
	return f;
}

static void perf_put(struct fake_perf *f, uint64_t pos, const void *src, size_t len)
{
	const uint8_t *s = src;

	for (size_t i = 0; i < len; i++)
		f->data[(pos + i) % DATA] = s[i];
}

/* Append a sample of `len` bytes valued `fill`, padded as the kernel pads it. */
static void perf_sample(struct fake_perf *f, uint32_t len, uint8_t fill)
{
	uint32_t raw = ((len + 4 + 7) & ~7u) - 4;
	struct perf_event_header h = { .type = PERF_RECORD_SAMPLE, .size = (uint16_t)(8 + 4 + raw) };
	uint8_t body[DATA] = { 0 };

	memset(body, fill, len);
	perf_put(f, f->meta.data_head, &h, sizeof(h));
	perf_put(f, f->meta.data_head + 8, &raw, 4);
	perf_put(f, f->meta.data_head + 12, body, raw);
	f->meta.data_head += h.size;
}

static void perf_lost(struct fake_perf *f, uint64_t lost)
{
	struct perf_event_header h = { .type = PERF_RECORD_LOST, .size = 24 };
	uint64_t id = 77;

	perf_put(f, f->meta.data_head, &h, sizeof(h));
	perf_put(f, f->meta.data_head + 8, &id, 8);
	perf_put(f, f->meta.data_head + 16, &lost, 8);
	f->meta.data_head += 24;
}

static void perf_raw_record(struct fake_perf *f, uint32_t type, uint16_t size, uint32_t word)
{
	struct perf_event_header h = { .type = type, .size = size };

	perf_put(f, f->meta.data_head, &h, sizeof(h));
	perf_put(f, f->meta.data_head + 8, &word, 4);
	f->meta.data_head += size < 8 ? 8 : size;
}

struct got {
	int n;
	uint32_t sizes[16];
	uint8_t first[16];
	bool uniform[16];
	int cpu;
	int lost_calls;
	uint64_t lost_sum;
	int stop_at;
	int stop_rc;
};

static int on_sample(void *ctx, int cpu, const void *data, uint32_t size)
{
	struct got *g = ctx;
	const uint8_t *p = data;

	ck_assert_int_lt(g->n, 16);
	g->cpu = cpu;
	g->sizes[g->n] = size;
	g->first[g->n] = p[0];
	g->uniform[g->n] = true;
	/* Content up to the padding is uniform (our fake kernel pads with zeros). */
	for (uint32_t i = 1; i < size; i++)
		if (p[i] != p[0] && p[i] != 0)
			g->uniform[g->n] = false;
	g->n++;
	return g->n == g->stop_at ? g->stop_rc : 0;
}

static void on_lost(void *ctx, int cpu, uint64_t lost)
{
	struct got *g = ctx;

	g->lost_calls++;
	g->lost_sum += lost;
	g->cpu = cpu;
}

static struct eb_perf_reader reader(struct got *g)
{
	return (struct eb_perf_reader){ .name = "pkts", .sample_fn = on_sample, .lost_fn = on_lost,
					.ctx = g, .page_size = PAGE };
}

START_TEST(samples_lost_and_wrap)
{
	/* Start 40 bytes before the end so the second sample wraps. */
	struct fake_perf *f = perf_new(3 * DATA + DATA - 40);
	struct got g = { 0 };
	struct eb_perf_reader rd = reader(&g);
	uint64_t count = 0;

	perf_sample(f, 20, 0x11);	/* 8 + 4 + 20 = 32 bytes, fits */
	perf_sample(f, 60, 0x22);	/* starts 8 bytes before the end: wraps */
	perf_lost(f, 5);
	perf_raw_record(f, 99, 16, 0);	/* an unknown record type is skipped */
	perf_sample(f, 1, 0x33);
	ck_assert_int_eq(eb_perf_ring_read(&rd, 3, f, sizeof(*f), &count), 0);
	ck_assert_uint_eq(count, 3);
	ck_assert_int_eq(g.n, 3);
	ck_assert_int_eq(g.cpu, 3);
	ck_assert_uint_eq(g.sizes[0], 20);	/* 20 + 4 is a multiple of 8 */
	ck_assert_uint_eq(g.first[0], 0x11);
	ck_assert_uint_eq(g.sizes[1], 60);
	ck_assert_uint_eq(g.first[1], 0x22);
	ck_assert(g.uniform[1]);
	ck_assert_uint_eq(g.sizes[2], 4);	/* 1 byte padded to 4 */
	ck_assert_uint_eq(g.first[2], 0x33);
	ck_assert_int_eq(g.lost_calls, 1);
	ck_assert_uint_eq(g.lost_sum, 5);
	ck_assert_uint_eq(rd.lost, 5);
	ck_assert_uint_eq(f->meta.data_tail, f->meta.data_head);
	ck_assert_ptr_nonnull(rd.scratch);	/* the wrapped record went through it */

	/* The same scratch serves a second wrap; lost counts accumulate. */
	perf_lost(f, 7);
	ck_assert_int_eq(eb_perf_ring_read(&rd, 3, f, sizeof(*f), &count), 0);
	ck_assert_uint_eq(rd.lost, 12);
	ck_assert_uint_eq(count, 3);
	eb_free(rd.scratch);
	free(f);
}
END_TEST

START_TEST(sample_stop_and_lost_without_callback)
{
	struct fake_perf *f = perf_new(0);
	/* -EBADMSG from a callback is a stop, not a corrupt ring: later records stay. */
	struct got g = { .stop_at = 1, .stop_rc = -EBADMSG };
	struct eb_perf_reader rd = reader(&g);
	uint64_t count = 0, after_first;

	perf_sample(f, 4, 1);
	after_first = f->meta.data_head;
	perf_sample(f, 4, 2);
	ck_assert_int_eq(eb_perf_ring_read(&rd, 0, f, sizeof(*f), &count), -EBADMSG);
	ck_assert_errmsg_has("perf buffer 'pkts': callback stopped consumption (returned -74)");
	ck_assert_uint_eq(f->meta.data_tail, after_first);
	ck_assert_int_eq(eb_perf_ring_read(&rd, 0, f, sizeof(*f), &count), 0);
	ck_assert_int_eq(g.n, 2);
	ck_assert_uint_eq(g.first[1], 2);

	rd.lost_fn = NULL;
	perf_lost(f, 3);
	ck_assert_int_eq(eb_perf_ring_read(&rd, 0, f, sizeof(*f), &count), 0);
	ck_assert_uint_eq(rd.lost, 3);
	ck_assert_int_eq(g.lost_calls, 0);
	eb_free(rd.scratch);
	free(f);
}
END_TEST

START_TEST(corrupt_records)
{
	struct fake_perf *f = perf_new(0);
	struct got g = { 0 };
	struct eb_perf_reader rd = reader(&g);
	uint64_t count = 0;

	/* size 0 would never advance */
	perf_raw_record(f, PERF_RECORD_SAMPLE, 0, 0);
	ck_assert_int_eq(eb_perf_ring_read(&rd, 1, f, sizeof(*f), &count), -EBADMSG);
	ck_assert_errmsg_has("perf buffer 'pkts': CPU 1: record size out of range at ring position 0");
	ck_assert_uint_eq(f->meta.data_tail, f->meta.data_head);

	/* raw size larger than the record */
	perf_raw_record(f, PERF_RECORD_SAMPLE, 16, 200);
	ck_assert_int_eq(eb_perf_ring_read(&rd, 1, f, sizeof(*f), &count), -EBADMSG);
	ck_assert_errmsg_has("sample larger than its record at ring position 8");
	ck_assert_uint_eq(f->meta.data_tail, f->meta.data_head);

	/* a lost record too short to hold its count */
	perf_raw_record(f, PERF_RECORD_LOST, 16, 0);
	ck_assert_int_eq(eb_perf_ring_read(&rd, 1, f, sizeof(*f), &count), -EBADMSG);
	ck_assert_errmsg_has("lost record too short");

	/* a record claiming more than the head has published */
	perf_raw_record(f, PERF_RECORD_SAMPLE, 64, 4);
	f->meta.data_head -= 32;
	ck_assert_int_eq(eb_perf_ring_read(&rd, 1, f, sizeof(*f), &count), -EBADMSG);

	/* a data area that is not a power of two */
	f->meta.data_size = DATA - 8;
	perf_sample(f, 4, 1);
	ck_assert_int_eq(eb_perf_ring_read(&rd, 1, f, sizeof(*f), &count), -EBADMSG);
	ck_assert_errmsg_has("impossible ring geometry");
	/* or larger than the mapping */
	f->meta.data_size = 2 * DATA;
	ck_assert_int_eq(eb_perf_ring_read(&rd, 1, f, sizeof(*f), &count), -EBADMSG);
	ck_assert_uint_eq(count, 0);
	ck_assert_int_eq(g.n, 0);
	eb_free(rd.scratch);
	free(f);
}
END_TEST

START_TEST(cpu_lists)
{
	int *cpus;
	size_t n;

	ck_assert_int_eq(eb_cpu_list_parse("0-3,5,7-8\n", &cpus, &n), 0);
	ck_assert_uint_eq(n, 7);
	ck_assert_int_eq(cpus[0], 0);
	ck_assert_int_eq(cpus[3], 3);
	ck_assert_int_eq(cpus[4], 5);
	ck_assert_int_eq(cpus[6], 8);
	eb_free(cpus);

	ck_assert_int_eq(eb_cpu_list_parse("0", &cpus, &n), 0);
	ck_assert_uint_eq(n, 1);
	ck_assert_int_eq(cpus[0], 0);
	eb_free(cpus);

	ck_assert_int_eq(eb_cpu_list_parse("\n", &cpus, &n), 0);
	ck_assert_uint_eq(n, 0);
	ck_assert_ptr_null(cpus);

	ck_assert_int_eq(eb_cpu_list_parse("3-1", &cpus, &n), -EINVAL);
	ck_assert_errmsg_has("CPU list '3-1': malformed at offset 3");
	ck_assert_int_eq(eb_cpu_list_parse("1,1", &cpus, &n), -EINVAL);
	ck_assert_int_eq(eb_cpu_list_parse("0-", &cpus, &n), -EINVAL);
	ck_assert_int_eq(eb_cpu_list_parse("x", &cpus, &n), -EINVAL);
	ck_assert_int_eq(eb_cpu_list_parse("0 1", &cpus, &n), -EINVAL);
	ck_assert_int_eq(eb_cpu_list_parse("-1", &cpus, &n), -EINVAL);
	ck_assert_int_eq(eb_cpu_list_parse("99999999999999999999", &cpus, &n), -EINVAL);
	ck_assert_int_eq(eb_cpu_list_parse("0-65536", &cpus, &n), -EINVAL);
	ck_assert_ptr_null(cpus);
	ck_assert_uint_eq(n, 0);
}
END_TEST

static int nop_sample(void *ctx, int cpu, const void *d, uint32_t n)
{
	return 0;
}

START_TEST(public_api_argument_errors)
{
	struct ebpf_perfbuf *pb = (void *)1;

	ck_assert_int_eq(ebpf_perfbuf_new(NULL, 8, nop_sample, NULL, NULL, NULL, &pb), -EINVAL);
	ck_assert_ptr_null(pb);
	ck_assert_errmsg_has("perf buffer: no map given");
	ck_assert_int_eq(ebpf_perfbuf_new_fd(3, "p", 3, nop_sample, NULL, NULL, NULL, &pb), -EINVAL);
	ck_assert_errmsg_has("perf buffer 'p': pages per CPU (3) must be a power of two");
	ck_assert_int_eq(ebpf_perfbuf_new_fd(3, "p", 0, nop_sample, NULL, NULL, NULL, &pb), -EINVAL);
	ck_assert_int_eq(ebpf_perfbuf_new_fd(3, "p", 8, NULL, NULL, NULL, NULL, &pb), -EINVAL);
	ck_assert_errmsg_has("perf buffer 'p': no sample callback given");
	ck_assert_int_eq(ebpf_perfbuf_new_fd(-1, NULL, 8, nop_sample, NULL, NULL, NULL, &pb), -EINVAL);
	ck_assert_errmsg_has("perf buffer '?': invalid map fd -1");
	ck_assert_int_eq(ebpf_perfbuf_poll(NULL, 0), -EINVAL);
	ck_assert_int_eq(ebpf_perfbuf_consume(NULL), -EINVAL);
	ck_assert_uint_eq(ebpf_perfbuf_lost(NULL), 0);
	ck_assert_uint_eq(ebpf_perfbuf_cpu_count(NULL), 0);
	ebpf_perfbuf_free(NULL);
}
END_TEST

Suite *suite_ev_perf(void)
{
	Suite *s = suite_create("ev_perf");
	TCase *tc = test_tcase("core");

	tcase_add_test(tc, samples_lost_and_wrap);
	tcase_add_test(tc, sample_stop_and_lost_without_callback);
	tcase_add_test(tc, corrupt_records);
	tcase_add_test(tc, cpu_lists);
	tcase_add_test(tc, public_api_argument_errors);
	suite_add_tcase(s, tc);
	return s;
}
