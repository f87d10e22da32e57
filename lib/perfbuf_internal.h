/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Internal: the record-reading core of the perf buffer reader, separated from the
 * perf_event_open/mmap/epoll plumbing so that it can be tested on a synthetic
 * ring held in ordinary memory.
 *
 * Each CPU's ring is an mmap of 1 + 2^n pages of a perf event fd: a metadata page
 * (struct perf_event_mmap_page: data_head written by the kernel, data_tail by us,
 * data_offset/data_size locating the data area) followed by the data area.
 * Records are 8-byte aligned, start with struct perf_event_header, and may wrap
 * around the end of the data area (we then copy them into a scratch buffer).
 * The records we act on:
 *   PERF_RECORD_SAMPLE  header, u32 raw_size, raw bytes (PERF_SAMPLE_RAW only)
 *   PERF_RECORD_LOST    header, u64 id, u64 lost
 */
#ifndef EB_PERFBUF_INTERNAL_H
#define EB_PERFBUF_INTERNAL_H

#include <stddef.h>
#include <stdint.h>

#include <ebpf/ringbuf.h>

/* What reading a ring needs besides the ring itself; one per perf buffer. */
struct eb_perf_reader {
	const char *name;			/* the map, for messages */
	ebpf_perfbuf_sample_fn sample_fn;
	ebpf_perfbuf_lost_fn lost_fn;		/* may be NULL */
	void *ctx;
	size_t page_size;
	uint8_t *scratch;			/* for records that wrap; eb_malloc'd */
	size_t scratch_cap;
	uint64_t lost;				/* total reported lost */
};

/*
 * Read every record between data_tail and data_head of the ring mapped at
 * `base` (`map_len` bytes: metadata page + data area) belonging to `cpu`.
 * *count is incremented per sample delivered. Advances data_tail (release
 * order). Returns 0, a callback's stop value (see ebpf_perfbuf_sample_fn), -ENOMEM
 * (scratch buffer), or -EBADMSG for an impossible record or ring geometry (the
 * tail is then moved to the head so the reader does not spin on bad bytes).
 */
int eb_perf_ring_read(struct eb_perf_reader *rd, int cpu, void *base, size_t map_len,
		      uint64_t *count);

/*
 * Parse a CPU list as in /sys/devices/system/cpu/online ("0-3,5\n") into an
 * eb_malloc'd ascending array. Errors: -EINVAL (malformed, descending, or a CPU
 * number above 65535) with a message, -ENOMEM.
 */
int eb_cpu_list_parse(const char *s, int **cpus, size_t *nr);

#endif
