/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Internal: the record-reading core of the BPF ring buffer consumer, separated
 * from the mmap/epoll plumbing so that it can be tested on a synthetic ring held
 * in ordinary memory.
 *
 * Layout shared with the kernel (BPF_MAP_TYPE_RINGBUF, mmap of the map fd):
 *   offset 0          one page, read-write: consumer position (unsigned long)
 *   offset page       one page, read-only:  producer position (unsigned long)
 *   offset 2 * page   the data area of max_entries bytes, mapped twice in a row so
 *                     that a record crossing the end of the ring is contiguous.
 * Each record starts with an 8-byte header { u32 len; u32 page_off } where len
 * carries two flag bits (BUSY: not committed yet; DISCARD: skip it); the record
 * occupies round_up(len + 8, 8) bytes. Positions only ever grow; a position's
 * place in the data area is pos & (size - 1).
 */
#ifndef EB_RINGBUF_INTERNAL_H
#define EB_RINGBUF_INTERNAL_H

#include <stddef.h>
#include <stdint.h>

#include <ebpf/ringbuf.h>

#define EB_RINGBUF_BUSY_BIT (1u << 31)
#define EB_RINGBUF_DISCARD_BIT (1u << 30)
#define EB_RINGBUF_HDR_SZ 8u

/* A view of one ring: where the positions and the (double-mapped) data live. */
struct eb_ring_view {
	unsigned long *consumer_pos;		/* written by us */
	const unsigned long *producer_pos;	/* written by the kernel */
	const uint8_t *data;			/* 2 * size bytes: the data area twice */
	size_t size;				/* a power of two */
	const char *name;			/* for messages */
	ebpf_ringbuf_fn fn;
	void *ctx;
};

/*
 * Hand every committed record between the consumer and producer positions to
 * view->fn, skipping discarded ones, stopping at a record still being written.
 * Advances the consumer position (release order, so the kernel may reuse the
 * space only after we read it). *count is incremented per record delivered.
 * Returns 0, the callback's stop value (see ebpf_ringbuf_fn), or -EBADMSG for a
 * record whose length cannot be right (the consumer position is then moved to
 * the producer position so the reader does not spin on the same bytes).
 */
int eb_ring_read(const struct eb_ring_view *view, uint64_t *count);

/* The stop value a callback result `rc` (non-zero) turns into. */
int eb_ring_stop_value(const char *what, const char *name, int rc);

#endif
