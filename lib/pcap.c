// SPDX-License-Identifier: BSD-2-Clause
/*
 * Packets captured by bpf_skb_output(): decoding the ebpf_skb_sample convention
 * and writing classic pcap files (the format every capture tool reads:
 * a 24-byte global header, then a 16-byte header before each packet).
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "lib/alloc.h"
#include "lib/error.h"

#include <ebpf/ringbuf.h>

#define PCAP_MAGIC_USEC 0xa1b2c3d4u	/* microsecond timestamps, writer's byte order */
#define PCAP_VERSION_MAJOR 2
#define PCAP_VERSION_MINOR 4
#define PCAP_DEFAULT_SNAPLEN 262144u

struct pcap_file_hdr {
	uint32_t magic;
	uint16_t version_major;
	uint16_t version_minor;
	int32_t thiszone;
	uint32_t sigfigs;
	uint32_t snaplen;
	uint32_t linktype;
};

struct pcap_rec_hdr {
	uint32_t ts_sec;
	uint32_t ts_usec;
	uint32_t incl_len;
	uint32_t orig_len;
};

struct ebpf_pcap {
	FILE *f;
	char *path;
	uint32_t snaplen;
	uint64_t count;
};

/* ------------------------------------------------------------ skb samples */

static uint64_t clock_ns(clockid_t id)
{
	struct timespec ts;

	if (clock_gettime(id, &ts))
		return 0;
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

EBPF_API int ebpf_skb_sample_parse(const void *sample, size_t size, struct ebpf_skb_packet *out)
{
	struct ebpf_skb_sample h;
	const uint8_t *p = sample;

	if (!sample || !out)
		return eb_err(-EINVAL, "skb sample: %s", !sample ? "no sample given" : "no output given");
	memset(out, 0, sizeof(*out));
	if (size < sizeof(h))
		return eb_err(-EBADMSG, "skb sample: %zu bytes, shorter than its %zu-byte header", size,
			      sizeof(h));
	memcpy(&h, p, sizeof(h));
	if (h.magic != EBPF_SKB_SAMPLE_MAGIC)
		return eb_err(-EBADMSG, "skb sample: magic 0x%04x is not 0x%04x (not written by the "
			      "ebpf_skb_sample convention)", h.magic, EBPF_SKB_SAMPLE_MAGIC);
	if (h.hdr_len < sizeof(h) || h.hdr_len > size)
		return eb_err(-EBADMSG, "skb sample: header length %u outside [%zu, %zu]", h.hdr_len,
			      sizeof(h), size);
	if (h.cap_len > size - h.hdr_len)
		return eb_err(-EBADMSG, "skb sample: %u packet bytes claimed, %zu present", h.cap_len,
			      size - h.hdr_len);
	if (h.cap_len > h.pkt_len)
		return eb_err(-EBADMSG, "skb sample: %u bytes captured of a %u-byte packet", h.cap_len,
			      h.pkt_len);
	if (h.hdr_len > sizeof(h)) {
		out->meta = p + sizeof(h);
		out->meta_len = h.hdr_len - (uint32_t)sizeof(h);
	}
	out->data = p + h.hdr_len;
	out->cap_len = h.cap_len;
	out->pkt_len = h.pkt_len;
	out->ifindex = h.ifindex;
	if (h.boot_ns) {
		/* BOOTTIME -> REALTIME: both clocks read now; their difference is the offset. */
		uint64_t real = clock_ns(CLOCK_REALTIME), boot = clock_ns(CLOCK_BOOTTIME);

		out->realtime_ns = real - boot + h.boot_ns;
	} else {
		out->realtime_ns = clock_ns(CLOCK_REALTIME);
	}
	return 0;
}

/* ------------------------------------------------------------ pcap writer */

static int pcap_io_err(struct ebpf_pcap *pc, const char *what)
{
	int err = errno ? -errno : -EIO;

	return eb_err(err, "pcap '%s': %s: %s", pc->path, what, strerror(-err));
}

EBPF_API int ebpf_pcap_open(const char *path, const struct ebpf_pcap_opts *opts,
			    struct ebpf_pcap **out)
{
	struct pcap_file_hdr fh;
	struct ebpf_pcap *pc;
	uint32_t snaplen = PCAP_DEFAULT_SNAPLEN, linktype = EBPF_PCAP_LINKTYPE_ETHERNET;
	int err;

	if (!out)
		return eb_err(-EINVAL, "pcap: no output pointer given");
	*out = NULL;
	if (!path)
		return eb_err(-EINVAL, "pcap: no path given");
	if (opts && opts->sz >= offsetof(struct ebpf_pcap_opts, snaplen) + sizeof(opts->snaplen) &&
	    opts->snaplen)
		snaplen = opts->snaplen;
	if (opts && opts->sz >= offsetof(struct ebpf_pcap_opts, linktype) + sizeof(opts->linktype) &&
	    opts->linktype)
		linktype = opts->linktype;

	pc = eb_calloc(1, sizeof(*pc));
	if (!pc)
		return eb_err(-ENOMEM, "pcap '%s': out of memory", path);
	pc->snaplen = snaplen;
	pc->path = eb_strdup(path);
	if (!pc->path) {
		eb_free(pc);
		return eb_err(-ENOMEM, "pcap '%s': out of memory", path);
	}
	errno = 0;
	pc->f = fopen(path, "wbe");	/* e: O_CLOEXEC */
	if (!pc->f) {
		err = pcap_io_err(pc, "cannot create");
		goto fail;
	}
	memset(&fh, 0, sizeof(fh));
	fh.magic = PCAP_MAGIC_USEC;
	fh.version_major = PCAP_VERSION_MAJOR;
	fh.version_minor = PCAP_VERSION_MINOR;
	fh.snaplen = snaplen;
	fh.linktype = linktype;
	errno = 0;
	if (fwrite(&fh, sizeof(fh), 1, pc->f) != 1) {
		err = pcap_io_err(pc, "writing the file header");
		goto fail;
	}
	*out = pc;
	return 0;
fail:
	if (pc->f)
		fclose(pc->f);
	eb_free(pc->path);
	eb_free(pc);
	return err;
}

EBPF_API int ebpf_pcap_write(struct ebpf_pcap *pc, uint64_t realtime_ns, const void *data,
			     uint32_t cap_len, uint32_t pkt_len)
{
	struct pcap_rec_hdr rh;

	if (!pc || (!data && cap_len))
		return eb_err(-EINVAL, "pcap: %s", !pc ? "no writer given" : "no packet data given");
	if (cap_len > pc->snaplen)
		cap_len = pc->snaplen;
	rh.ts_sec = (uint32_t)(realtime_ns / 1000000000ull);
	rh.ts_usec = (uint32_t)(realtime_ns % 1000000000ull / 1000);
	rh.incl_len = cap_len;
	/* A packet is never shorter on the wire than what was captured of it. */
	rh.orig_len = pkt_len < cap_len ? cap_len : pkt_len;
	errno = 0;
	if (fwrite(&rh, sizeof(rh), 1, pc->f) != 1 ||
	    (cap_len && fwrite(data, cap_len, 1, pc->f) != 1))
		return pcap_io_err(pc, "writing a packet");
	pc->count++;
	return 0;
}

EBPF_API int ebpf_pcap_write_skb_sample(struct ebpf_pcap *pc, const void *sample, size_t size)
{
	struct ebpf_skb_packet pkt;
	int err;

	if (!pc)
		return eb_err(-EINVAL, "pcap: no writer given");
	err = ebpf_skb_sample_parse(sample, size, &pkt);
	if (err)
		return eb_err_ctx(err, "pcap '%s'", pc->path);
	return ebpf_pcap_write(pc, pkt.realtime_ns, pkt.data, pkt.cap_len, pkt.pkt_len);
}

EBPF_API uint64_t ebpf_pcap_count(const struct ebpf_pcap *pc)
{
	return pc ? pc->count : 0;
}

EBPF_API int ebpf_pcap_flush(struct ebpf_pcap *pc)
{
	if (!pc)
		return eb_err(-EINVAL, "pcap: no writer given");
	errno = 0;
	if (fflush(pc->f))
		return pcap_io_err(pc, "flush");
	return 0;
}

EBPF_API int ebpf_pcap_close(struct ebpf_pcap *pc)
{
	int err = 0;

	if (!pc)
		return 0;
	errno = 0;
	if (fclose(pc->f))
		err = pcap_io_err(pc, "close");
	eb_free(pc->path);
	eb_free(pc);
	return err;
}
