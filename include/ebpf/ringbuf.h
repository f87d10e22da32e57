/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Event readers: BPF ring buffers (BPF_MAP_TYPE_RINGBUF), perf buffers
 * (BPF_MAP_TYPE_PERF_EVENT_ARRAY), and packets captured with bpf_skb_output()
 * written as a pcap file.
 *
 * Readers are not thread-safe: use one reader from one thread at a time. A reader
 * keeps its own duplicate of each map fd, so it stays valid after the collection
 * that owns the map is closed.
 */
#ifndef EBPF_RINGBUF_H
#define EBPF_RINGBUF_H

#include <ebpf/common.h>
#include <ebpf/collection.h>

#ifdef __cplusplus
extern "C" {
#endif

struct ebpf_ringbuf;
struct ebpf_perfbuf;
struct ebpf_pcap;

/* ============================================================ ring buffer */

/*
 * Called once per committed record, in the order the program committed them.
 * `data` points into the shared ring and is valid only during the call; records
 * the program discarded (bpf_ringbuf_discard) are skipped and never seen here.
 * Return 0 to continue. Any other value stops consumption after this record
 * (which counts as consumed): ebpf_ringbuf_consume/poll then return that value
 * if it is negative, else -ECANCELED, and ebpf_errmsg() names the map and value.
 * The callback must not free the reader it is called from.
 */
typedef int (*ebpf_ringbuf_fn)(void *ctx, const void *data, size_t size);

/* No options yet: pass NULL (the struct exists so options can be added later). */
struct ebpf_ringbuf_opts {
	size_t sz;
};

/*
 * Create a consumer for the BPF_MAP_TYPE_RINGBUF `map`, calling `fn(ctx, ...)`
 * for each record. More ring buffers, each with its own callback, can be added
 * with ebpf_ringbuf_add() and are then all served by one poll. The consumer
 * keeps its own fd of the map. The caller owns *out; free it with
 * ebpf_ringbuf_free(). Errors (*out NULL): -EINVAL (NULL argument, map not a
 * ring buffer or of a size that is not a power of two of at least a page),
 * -ENOMEM, or the errno of the map-info query/dup/mmap/epoll.
 */
EBPF_API int ebpf_ringbuf_new(const struct ebpf_map *map, ebpf_ringbuf_fn fn, void *ctx,
			      const struct ebpf_ringbuf_opts *opts, struct ebpf_ringbuf **out);
/*
 * The same for a ring buffer map given by fd (for instance one obtained from a
 * pinned path); the fd is duplicated, the caller keeps its own. `name` (may be
 * NULL) is used in error messages.
 */
EBPF_API int ebpf_ringbuf_new_fd(int map_fd, const char *name, ebpf_ringbuf_fn fn, void *ctx,
				 const struct ebpf_ringbuf_opts *opts, struct ebpf_ringbuf **out);
/* Add another ring buffer map to `rb`. Errors as for ebpf_ringbuf_new(); rb is then unchanged. */
EBPF_API int ebpf_ringbuf_add(struct ebpf_ringbuf *rb, const struct ebpf_map *map,
			      ebpf_ringbuf_fn fn, void *ctx);
/* Add a ring buffer map given by fd (duplicated); `name` (may be NULL) is for messages. */
EBPF_API int ebpf_ringbuf_add_fd(struct ebpf_ringbuf *rb, int map_fd, const char *name,
				 ebpf_ringbuf_fn fn, void *ctx);
/*
 * Wait up to `timeout_ms` (-1: forever, 0: do not wait) for data in any of the
 * ring buffers, then consume the ready ones. Returns the number of records
 * consumed (0 on timeout; capped at INT_MAX) or a negative errno (-EINTR if a
 * signal interrupted the wait; a callback's stop value, see ebpf_ringbuf_fn;
 * -EBADMSG for a record header that does not fit the ring; -EINVAL for NULL rb
 * or no rings). Records consumed before an error are not counted anywhere.
 */
EBPF_API int ebpf_ringbuf_poll(struct ebpf_ringbuf *rb, int timeout_ms);
/* Consume every available record of every ring without waiting. Returns as poll. */
EBPF_API int ebpf_ringbuf_consume(struct ebpf_ringbuf *rb);
/* Consume the `idx`th ring (in order of addition, from 0) only. Returns as poll; -EINVAL for a bad idx. */
EBPF_API int ebpf_ringbuf_consume_ring(struct ebpf_ringbuf *rb, size_t idx);
/*
 * An epoll fd that becomes readable when any ring has data, for integration into
 * the caller's own event loop; then call ebpf_ringbuf_consume(). Owned by `rb`
 * (do not close it); -EINVAL for NULL.
 */
EBPF_API int ebpf_ringbuf_epoll_fd(const struct ebpf_ringbuf *rb);
/* Number of rings in `rb`; 0 for NULL. */
EBPF_API size_t ebpf_ringbuf_ring_count(const struct ebpf_ringbuf *rb);
/* Unmap everything and close the fds (the maps themselves live on). NULL is accepted. */
EBPF_API void ebpf_ringbuf_free(struct ebpf_ringbuf *rb);

/* ============================================================ perf buffer */

/*
 * One sample written by bpf_perf_event_output()/bpf_skb_output() on `cpu`.
 * `size` is the raw sample size as the kernel reports it: the size the program
 * passed, rounded up so that size + 4 is a multiple of 8. The padding bytes are
 * NOT zeroed by the kernel (they hold earlier ring contents), so programs whose
 * records vary in length should carry the length themselves. `data` is valid
 * only during the call. Return 0 to continue; any other
 * value stops consumption as for ebpf_ringbuf_fn.
 */
typedef int (*ebpf_perfbuf_sample_fn)(void *ctx, int cpu, const void *data, uint32_t size);
/* The kernel dropped `lost` samples on `cpu` because that CPU's buffer was full. Optional. */
typedef void (*ebpf_perfbuf_lost_fn)(void *ctx, int cpu, uint64_t lost);

struct ebpf_perfbuf_opts {
	size_t sz;
	/*
	 * Wake the reader after this many samples (default, or 0: 1, every sample). Larger
	 * values trade latency for fewer wakeups; samples still pending are read by
	 * the next poll/consume.
	 */
	uint32_t wakeup_events;
};

/*
 * Create a reader for the BPF_MAP_TYPE_PERF_EVENT_ARRAY `map`: opens one
 * PERF_COUNT_SW_BPF_OUTPUT event for each online CPU below the map's
 * max_entries, maps a ring of `pages_per_cpu` pages (a power of two) for each,
 * and stores the event fds in the map at index = CPU, replacing what was there.
 * `sample_fn` is required, `lost_fn` may be NULL (lost samples are still counted,
 * see ebpf_perfbuf_lost()). The reader keeps its own fd of the map; the caller
 * owns *out and frees it with ebpf_perfbuf_free(). Errors (*out NULL): -EINVAL
 * (NULL argument, bad map fd or type, page count not a power of two, max_entries
 * covering no online CPU), -ENOMEM, or the errno of perf_event_open/mmap/map
 * update, with a message naming the map and CPU.
 */
EBPF_API int ebpf_perfbuf_new(const struct ebpf_map *map, size_t pages_per_cpu,
			      ebpf_perfbuf_sample_fn sample_fn, ebpf_perfbuf_lost_fn lost_fn,
			      void *ctx, const struct ebpf_perfbuf_opts *opts,
			      struct ebpf_perfbuf **out);
/* The same for a map given by fd (duplicated); `name` (may be NULL) is for messages. */
EBPF_API int ebpf_perfbuf_new_fd(int map_fd, const char *name, size_t pages_per_cpu,
				 ebpf_perfbuf_sample_fn sample_fn, ebpf_perfbuf_lost_fn lost_fn,
				 void *ctx, const struct ebpf_perfbuf_opts *opts,
				 struct ebpf_perfbuf **out);
/*
 * Wait up to `timeout_ms` (-1: forever, 0: do not wait) for samples on any CPU,
 * then read the ready CPUs' rings. Returns the number of samples read (lost
 * records are not counted) or a negative errno, as ebpf_ringbuf_poll() (-EBADMSG:
 * a malformed record in a CPU's ring).
 */
EBPF_API int ebpf_perfbuf_poll(struct ebpf_perfbuf *pb, int timeout_ms);
/* Read every CPU's ring without waiting. Returns as poll. */
EBPF_API int ebpf_perfbuf_consume(struct ebpf_perfbuf *pb);
/* Total samples the kernel reported lost since the reader was created; 0 for NULL. */
EBPF_API uint64_t ebpf_perfbuf_lost(const struct ebpf_perfbuf *pb);
/* Number of CPUs with a ring; 0 for NULL. */
EBPF_API size_t ebpf_perfbuf_cpu_count(const struct ebpf_perfbuf *pb);
/* The epoll fd covering every CPU's event (owned by `pb`, do not close it); -EINVAL for NULL. */
EBPF_API int ebpf_perfbuf_epoll_fd(const struct ebpf_perfbuf *pb);
/* Disable the events, remove them from the map, close them and unmap the rings. NULL is accepted. */
EBPF_API void ebpf_perfbuf_free(struct ebpf_perfbuf *pb);

/* ============================================================ packets: skb_output */

/*
 * The convention for packets captured with bpf_skb_output() into a perf buffer.
 * The program passes this header (optionally followed by metadata of its own) as
 * the helper's data, and the number of packet bytes to copy in the upper 32 bits
 * of the flags:
 *
 *     struct ebpf_skb_sample hdr = {
 *             .magic = EBPF_SKB_SAMPLE_MAGIC, .hdr_len = sizeof(hdr),
 *             .cap_len = cap, .pkt_len = skb->len, .boot_ns = bpf_ktime_get_boot_ns(),
 *     };
 *     bpf_skb_output(skb, &packets, ((__u64)cap << 32) | BPF_F_CURRENT_CPU,
 *                    &hdr, sizeof(hdr));
 *
 * The kernel appends the packet bytes right after the data, so a sample is:
 * header [program metadata] packet[cap_len] padding. cap_len must not exceed
 * skb->len (the helper fails otherwise). All fields are in host byte order.
 */
#define EBPF_SKB_SAMPLE_MAGIC 0xeb5c
struct ebpf_skb_sample {
	uint16_t magic;		/* EBPF_SKB_SAMPLE_MAGIC */
	uint16_t hdr_len;	/* bytes from the sample's start to the packet: >= sizeof(struct ebpf_skb_sample) */
	uint32_t cap_len;	/* packet bytes in the sample */
	uint32_t pkt_len;	/* the packet's full length (skb->len) */
	uint32_t ifindex;	/* free for the program (e.g. skb->dev->ifindex); 0 if unknown */
	uint64_t boot_ns;	/* bpf_ktime_get_boot_ns() at capture; 0: stamp when read */
};

/* A packet decoded from a sample. Pointers point into the sample (valid as long as it is). */
struct ebpf_skb_packet {
	const void *meta;	/* the program's own metadata after the header (NULL if none) */
	uint32_t meta_len;	/* its length: hdr_len - sizeof(struct ebpf_skb_sample) */
	const void *data;	/* the packet bytes */
	uint32_t cap_len;	/* bytes at data */
	uint32_t pkt_len;	/* the packet's full length (>= cap_len) */
	uint32_t ifindex;	/* as the program set it */
	uint64_t realtime_ns;	/* capture time, nanoseconds since the Unix epoch */
};

/*
 * Decode a perf sample that follows the ebpf_skb_sample convention. The capture
 * time is converted from CLOCK_BOOTTIME to wall-clock time (the current time if
 * boot_ns is 0). Errors: -EINVAL (NULL argument), -EBADMSG (wrong magic, header
 * or packet longer than the sample, cap_len > pkt_len), with a message.
 */
EBPF_API int ebpf_skb_sample_parse(const void *sample, size_t size, struct ebpf_skb_packet *out);

/* ============================================================ pcap writer */

/* Link types of the pcap global header. */
#define EBPF_PCAP_LINKTYPE_ETHERNET 1

struct ebpf_pcap_opts {
	size_t sz;
	uint32_t snaplen;	/* longest packet stored (0: default 262144); longer ones are cut */
	uint32_t linktype;	/* 0: default EBPF_PCAP_LINKTYPE_ETHERNET */
};

/*
 * Create (or truncate) `path` and write a classic pcap header (microsecond
 * timestamps, host byte order, version 2.4). The caller owns *out; finish with
 * ebpf_pcap_close(). Not thread-safe. Errors (*out NULL): -EINVAL (NULL path or
 * out), -ENOMEM, or the errno of open/write.
 */
EBPF_API int ebpf_pcap_open(const char *path, const struct ebpf_pcap_opts *opts,
			    struct ebpf_pcap **out);
/*
 * Append one packet: `cap_len` bytes of `data` (cut to the snaplen), captured at
 * `realtime_ns` (nanoseconds since the epoch), `pkt_len` bytes long on the wire.
 * A pkt_len below the stored length is raised to it. Records are buffered;
 * ebpf_pcap_flush()/close write them out. Errors: -EINVAL (NULL pcap, or NULL
 * data with cap_len > 0), the errno of the write.
 */
EBPF_API int ebpf_pcap_write(struct ebpf_pcap *pcap, uint64_t realtime_ns, const void *data,
			     uint32_t cap_len, uint32_t pkt_len);
/* Decode an ebpf_skb_sample (ebpf_skb_sample_parse) and append its packet. Errors of both. */
EBPF_API int ebpf_pcap_write_skb_sample(struct ebpf_pcap *pcap, const void *sample, size_t size);
/* Packets written so far; 0 for NULL. */
EBPF_API uint64_t ebpf_pcap_count(const struct ebpf_pcap *pcap);
/* Write buffered records to the file. -EINVAL for NULL, else 0 or the write errno. */
EBPF_API int ebpf_pcap_flush(struct ebpf_pcap *pcap);
/*
 * Flush, close and free the writer (freed even when this fails). Returns 0 or
 * the errno of a failed final write or close. NULL is accepted (returns 0).
 */
EBPF_API int ebpf_pcap_close(struct ebpf_pcap *pcap);

#ifdef __cplusplus
}
#endif
#endif
