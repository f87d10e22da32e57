/*
 * The ring buffer record reader on a synthetic ring in ordinary memory: the
 * data area is kept twice in a row, as the kernel maps it, and records are
 * written the way the kernel lays them out (8-byte header, len with BUSY and
 * DISCARD bits, body rounded up to 8 bytes).
 */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>

#include "lib/ringbuf_internal.h"
#include "testutil.h"

#define RING_SIZE 256u

struct fake_ring {
	unsigned long cons, prod;
	uint8_t data[2 * RING_SIZE];
};

/* Write bytes at ring position `pos` (wrapping), then refresh the second copy. */
static void ring_put(struct fake_ring *r, unsigned long pos, const void *src, size_t len)
{
	const uint8_t *s = src;

	for (size_t i = 0; i < len; i++)
		r->data[(pos + i) & (RING_SIZE - 1)] = s[i];
	memcpy(r->data + RING_SIZE, r->data, RING_SIZE);
}

/* Reserve and fill a record of `len` bytes of value `fill`; returns its position. */
static unsigned long ring_emit(struct fake_ring *r, uint32_t len, uint8_t fill, uint32_t flags)
{
	unsigned long pos = r->prod;
	uint32_t hdr[2] = { len | flags, 0 };
	uint8_t body[RING_SIZE];

	memset(body, fill, len);
	ring_put(r, pos, hdr, sizeof(hdr));
	ring_put(r, pos + 8, body, len);
	r->prod += (len + 8 + 7) & ~7u;
	return pos;
}

static void ring_set_flags(struct fake_ring *r, unsigned long pos, uint32_t len, uint32_t flags)
{
	uint32_t v = len | flags;

	ring_put(r, pos, &v, sizeof(v));
}

struct seen {
	int n;
	size_t sizes[32];
	uint8_t first[32];
	bool uniform[32];
	int stop_at;		/* 1-based record on which to return stop_rc */
	int stop_rc;
};

static int on_record(void *ctx, const void *data, size_t size)
{
	struct seen *s = ctx;
	const uint8_t *p = data;

	ck_assert_int_lt(s->n, 32);
	s->sizes[s->n] = size;
	s->first[s->n] = size ? p[0] : 0;
	s->uniform[s->n] = true;
	for (size_t i = 1; i < size; i++)
		if (p[i] != p[0])
			s->uniform[s->n] = false;
	s->n++;
	return s->n == s->stop_at ? s->stop_rc : 0;
}

static struct eb_ring_view view_of(struct fake_ring *r, struct seen *s)
{
	return (struct eb_ring_view){
		.consumer_pos = &r->cons, .producer_pos = &r->prod, .data = r->data,
		.size = RING_SIZE, .name = "events", .fn = on_record, .ctx = s,
	};
}

START_TEST(records_in_order_with_wrap_and_discard)
{
	struct fake_ring *r = calloc(1, sizeof(*r));
	struct seen s = { 0 };
	struct eb_ring_view v;
	uint64_t count = 0;

	/* Start near the end so the second record crosses the end of the ring. */
	r->cons = r->prod = 10 * RING_SIZE + RING_SIZE - 48;
	ring_emit(r, 20, 0xa1, 0);			/* 32 bytes: fits before the end */
	ring_emit(r, 37, 0xb2, 0);			/* 48 bytes: wraps */
	ring_emit(r, 5, 0xc3, EB_RINGBUF_DISCARD_BIT);	/* skipped */
	ring_emit(r, 0, 0xd4, 0);			/* empty record */
	ring_emit(r, 100, 0xe5, 0);
	v = view_of(r, &s);
	ck_assert_int_eq(eb_ring_read(&v, &count), 0);
	ck_assert_uint_eq(count, 4);
	ck_assert_int_eq(s.n, 4);
	ck_assert_uint_eq(s.sizes[0], 20);
	ck_assert_uint_eq(s.first[0], 0xa1);
	ck_assert_uint_eq(s.sizes[1], 37);
	ck_assert_uint_eq(s.first[1], 0xb2);
	ck_assert(s.uniform[1]);	/* the wrapped body reads contiguously */
	ck_assert_uint_eq(s.sizes[2], 0);
	ck_assert_uint_eq(s.sizes[3], 100);
	ck_assert_uint_eq(s.first[3], 0xe5);
	ck_assert(s.uniform[0] && s.uniform[3]);
	ck_assert_uint_eq(r->cons, r->prod);

	/* Nothing new: nothing delivered. */
	count = 0;
	ck_assert_int_eq(eb_ring_read(&v, &count), 0);
	ck_assert_uint_eq(count, 0);
	ck_assert_int_eq(s.n, 4);
	free(r);
}
END_TEST

START_TEST(busy_record_blocks_later_ones)
{
	struct fake_ring *r = calloc(1, sizeof(*r));
	struct seen s = { 0 };
	struct eb_ring_view v = view_of(r, &s);
	uint64_t count = 0;
	unsigned long busy;

	ring_emit(r, 8, 1, 0);
	busy = ring_emit(r, 16, 2, EB_RINGBUF_BUSY_BIT);
	ring_emit(r, 24, 3, 0);
	ck_assert_int_eq(eb_ring_read(&v, &count), 0);
	ck_assert_uint_eq(count, 1);
	ck_assert_uint_eq(r->cons, busy);	/* stops at the uncommitted record */

	ring_set_flags(r, busy, 16, 0);		/* the producer commits it */
	ck_assert_int_eq(eb_ring_read(&v, &count), 0);
	ck_assert_uint_eq(count, 3);
	ck_assert_int_eq(s.n, 3);
	ck_assert_uint_eq(s.first[1], 2);
	ck_assert_uint_eq(s.first[2], 3);
	ck_assert_uint_eq(r->cons, r->prod);
	free(r);
}
END_TEST

START_TEST(callback_stop_is_reported)
{
	struct fake_ring *r = calloc(1, sizeof(*r));
	struct seen s = { .stop_at = 2, .stop_rc = -42 };
	struct eb_ring_view v = view_of(r, &s);
	uint64_t count = 0;
	unsigned long third;

	ring_emit(r, 8, 1, 0);
	ring_emit(r, 8, 2, 0);
	third = ring_emit(r, 8, 3, 0);
	ck_assert_int_eq(eb_ring_read(&v, &count), -42);
	ck_assert_errmsg_has("ring buffer 'events': callback stopped consumption (returned -42)");
	ck_assert_uint_eq(count, 2);
	ck_assert_uint_eq(r->cons, third);	/* the stopping record counts as consumed */

	/* A positive value stops too and becomes -ECANCELED. */
	s.n = 0;
	s.stop_at = 1;
	s.stop_rc = 7;
	count = 0;
	ck_assert_int_eq(eb_ring_read(&v, &count), -ECANCELED);
	ck_assert_errmsg_has("(returned 7)");
	ck_assert_uint_eq(count, 1);
	ck_assert_uint_eq(r->cons, r->prod);
	free(r);
}
END_TEST

START_TEST(impossible_length_is_an_error)
{
	struct fake_ring *r = calloc(1, sizeof(*r));
	struct seen s = { 0 };
	struct eb_ring_view v = view_of(r, &s);
	uint64_t count = 0;
	uint32_t hdr[2] = { RING_SIZE, 0 };	/* + 8 byte header: larger than the ring */

	ring_emit(r, 8, 1, 0);
	ring_put(r, r->prod, hdr, sizeof(hdr));
	r->prod += 64;
	ck_assert_int_eq(eb_ring_read(&v, &count), -EBADMSG);
	ck_assert_errmsg_has("ring buffer 'events': record at position 16 claims 256 bytes");
	ck_assert_uint_eq(count, 1);
	ck_assert_uint_eq(r->cons, r->prod);	/* skipped, so the reader does not spin */

	/* A length running past the producer position is as impossible. */
	hdr[0] = 100;
	ring_put(r, r->prod, hdr, sizeof(hdr));
	r->prod += 16;
	ck_assert_int_eq(eb_ring_read(&v, &count), -EBADMSG);
	ck_assert_errmsg_has("but 16 are available");
	free(r);
}
END_TEST

static int never(void *ctx, const void *d, size_t n)
{
	return 1;
}

START_TEST(public_api_argument_errors)
{
	struct ebpf_ringbuf *rb = (void *)1;

	ck_assert_int_eq(ebpf_ringbuf_new(NULL, never, NULL, NULL, &rb), -EINVAL);
	ck_assert_ptr_null(rb);
	ck_assert_errmsg_has("ring buffer: no map given");
	ck_assert_int_eq(ebpf_ringbuf_new_fd(-1, "x", never, NULL, NULL, &rb), -EINVAL);
	ck_assert_errmsg_has("ring buffer 'x': invalid map fd");
	ck_assert_int_eq(ebpf_ringbuf_new_fd(3, "x", NULL, NULL, NULL, &rb), -EINVAL);
	ck_assert_errmsg_has("ring buffer 'x': no callback given");
	ck_assert_int_eq(ebpf_ringbuf_poll(NULL, 0), -EINVAL);
	ck_assert_int_eq(ebpf_ringbuf_consume(NULL), -EINVAL);
	ck_assert_int_eq(ebpf_ringbuf_epoll_fd(NULL), -EINVAL);
	ck_assert_uint_eq(ebpf_ringbuf_ring_count(NULL), 0);
	ebpf_ringbuf_free(NULL);
}
END_TEST

Suite *suite_ev_ring(void)
{
	Suite *s = suite_create("ev_ring");
	TCase *tc = test_tcase("core");

	tcase_add_test(tc, records_in_order_with_wrap_and_discard);
	tcase_add_test(tc, busy_record_blocks_later_ones);
	tcase_add_test(tc, callback_stop_is_reported);
	tcase_add_test(tc, impossible_length_is_an_error);
	tcase_add_test(tc, public_api_argument_errors);
	suite_add_tcase(s, tc);
	return s;
}
