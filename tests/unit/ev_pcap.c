/*
 * skb_output samples and the pcap writer: decode samples built by hand, write
 * pcap files and parse them back byte by byte (independently of the writer).
 */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#include <unistd.h>

#include "lib/alloc.h"
#include "testutil.h"

static uint64_t now_ns(clockid_t id)
{
	struct timespec ts;

	clock_gettime(id, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

static uint32_t rd32(const uint8_t *p)
{
	uint32_t v;

	memcpy(&v, p, 4);
	return v;
}

static uint16_t rd16(const uint8_t *p)
{
	uint16_t v;

	memcpy(&v, p, 2);
	return v;
}

/* Build a sample: header, `meta_len` bytes of 0x4d, `cap` packet bytes counting up. */
static size_t make_sample(uint8_t *buf, uint32_t meta_len, uint32_t cap, uint32_t pkt_len,
			  uint64_t boot_ns)
{
	struct ebpf_skb_sample h = {
		.magic = EBPF_SKB_SAMPLE_MAGIC,
		.hdr_len = (uint16_t)(sizeof(h) + meta_len),
		.cap_len = cap,
		.pkt_len = pkt_len,
		.ifindex = 1,
		.boot_ns = boot_ns,
	};
	size_t n = 0;

	memcpy(buf, &h, sizeof(h));
	n += sizeof(h);
	memset(buf + n, 0x4d, meta_len);
	n += meta_len;
	for (uint32_t i = 0; i < cap; i++)
		buf[n++] = (uint8_t)i;
	/* perf pads the raw sample; the padding must not be taken for packet bytes */
	memset(buf + n, 0, 4);
	return n + 4;
}

START_TEST(sample_layout_is_fixed)
{
	/* BPF programs mirror this struct: its layout is part of the ABI. */
	ck_assert_uint_eq(sizeof(struct ebpf_skb_sample), 24);
	ck_assert_uint_eq(offsetof(struct ebpf_skb_sample, hdr_len), 2);
	ck_assert_uint_eq(offsetof(struct ebpf_skb_sample, cap_len), 4);
	ck_assert_uint_eq(offsetof(struct ebpf_skb_sample, pkt_len), 8);
	ck_assert_uint_eq(offsetof(struct ebpf_skb_sample, ifindex), 12);
	ck_assert_uint_eq(offsetof(struct ebpf_skb_sample, boot_ns), 16);
}
END_TEST

START_TEST(sample_parse)
{
	uint8_t buf[256];
	struct ebpf_skb_packet pkt;
	uint64_t boot = now_ns(CLOCK_BOOTTIME) - 2000000000ull;	/* captured 2 s ago */
	uint64_t real = now_ns(CLOCK_REALTIME);
	size_t n = make_sample(buf, 8, 60, 1000, boot);

	ck_assert_int_eq(ebpf_skb_sample_parse(buf, n, &pkt), 0);
	ck_assert_uint_eq(pkt.cap_len, 60);
	ck_assert_uint_eq(pkt.pkt_len, 1000);
	ck_assert_uint_eq(pkt.ifindex, 1);
	ck_assert_uint_eq(pkt.meta_len, 8);
	ck_assert_ptr_eq(pkt.meta, buf + 24);
	ck_assert_ptr_eq(pkt.data, buf + 32);
	ck_assert_uint_eq(((const uint8_t *)pkt.data)[59], 59);
	/* BOOTTIME converted to wall-clock time: about 2 s before now. */
	ck_assert_msg(pkt.realtime_ns < real - 1900000000ull && pkt.realtime_ns > real - 2100000000ull,
		      "realtime %llu vs now %llu", (unsigned long long)pkt.realtime_ns,
		      (unsigned long long)real);

	/* No metadata, no timestamp: stamped now. */
	n = make_sample(buf, 0, 10, 10, 0);
	ck_assert_int_eq(ebpf_skb_sample_parse(buf, n, &pkt), 0);
	ck_assert_ptr_null(pkt.meta);
	ck_assert_uint_eq(pkt.meta_len, 0);
	ck_assert_ptr_eq(pkt.data, buf + 24);
	ck_assert(pkt.realtime_ns >= real);
}
END_TEST

START_TEST(sample_parse_rejects_bad_samples)
{
	uint8_t buf[256];
	struct ebpf_skb_packet pkt;
	size_t n = make_sample(buf, 0, 40, 40, 0);
	struct ebpf_skb_sample *h = (void *)buf;

	ck_assert_int_eq(ebpf_skb_sample_parse(buf, 23, &pkt), -EBADMSG);
	ck_assert_errmsg_has("skb sample: 23 bytes, shorter than its 24-byte header");
	h->magic = 0x1234;
	ck_assert_int_eq(ebpf_skb_sample_parse(buf, n, &pkt), -EBADMSG);
	ck_assert_errmsg_has("magic 0x1234 is not 0xeb5c");
	h->magic = EBPF_SKB_SAMPLE_MAGIC;
	h->hdr_len = 20;
	ck_assert_int_eq(ebpf_skb_sample_parse(buf, n, &pkt), -EBADMSG);
	ck_assert_errmsg_has("header length 20 outside [24, 68]");
	h->hdr_len = 200;
	ck_assert_int_eq(ebpf_skb_sample_parse(buf, n, &pkt), -EBADMSG);
	h->hdr_len = 24;
	h->cap_len = 45;
	ck_assert_int_eq(ebpf_skb_sample_parse(buf, n, &pkt), -EBADMSG);
	ck_assert_errmsg_has("45 packet bytes claimed, 44 present");
	h->cap_len = 0xffffffffu;
	ck_assert_int_eq(ebpf_skb_sample_parse(buf, n, &pkt), -EBADMSG);
	h->cap_len = 40;
	h->pkt_len = 39;
	ck_assert_int_eq(ebpf_skb_sample_parse(buf, n, &pkt), -EBADMSG);
	ck_assert_errmsg_has("40 bytes captured of a 39-byte packet");
	ck_assert_int_eq(ebpf_skb_sample_parse(NULL, n, &pkt), -EINVAL);
	ck_assert_int_eq(ebpf_skb_sample_parse(buf, n, NULL), -EINVAL);
}
END_TEST

static char *tmp_path(void)
{
	static char path[64];

	snprintf(path, sizeof(path), "/tmp/ev_pcap_%d_XXXXXX", (int)getpid());
	int fd = mkstemp(path);

	ck_assert_int_ge(fd, 0);
	close(fd);
	return path;
}

START_TEST(pcap_write_and_parse_back)
{
	char *path = tmp_path();
	struct ebpf_pcap *pc;
	uint8_t pkt[100], sample[256];
	size_t size, n;
	uint8_t *f;
	uint64_t ts = 1700000000ull * 1000000000ull + 123456789ull;

	for (size_t i = 0; i < sizeof(pkt); i++)
		pkt[i] = (uint8_t)(0xff - i);
	ck_assert_int_eq(ebpf_pcap_open(path, &EBPF_OPTS(ebpf_pcap_opts, .snaplen = 64), &pc), 0);
	ck_assert_int_eq(ebpf_pcap_write(pc, ts, pkt, 42, 42), 0);
	ck_assert_int_eq(ebpf_pcap_write(pc, ts + 1000, pkt, 100, 1500), 0);	/* cut to 64 */
	n = make_sample(sample, 4, 30, 30, 0);
	ck_assert_int_eq(ebpf_pcap_write_skb_sample(pc, sample, n), 0);
	ck_assert_uint_eq(ebpf_pcap_count(pc), 3);
	/* A bad sample is refused with the file named, and nothing is written. */
	sample[0] = 0;
	ck_assert_int_eq(ebpf_pcap_write_skb_sample(pc, sample, n), -EBADMSG);
	ck_assert_errmsg_has("pcap '");
	ck_assert_errmsg_has("': skb sample: magic");
	ck_assert_uint_eq(ebpf_pcap_count(pc), 3);
	ck_assert_int_eq(ebpf_pcap_close(pc), 0);

	f = test_read_file(path, &size);
	ck_assert_uint_eq(size, 24 + (16 + 42) + (16 + 64) + (16 + 30));
	/* global header */
	ck_assert_uint_eq(rd32(f), 0xa1b2c3d4u);
	ck_assert_uint_eq(rd16(f + 4), 2);
	ck_assert_uint_eq(rd16(f + 6), 4);
	ck_assert_uint_eq(rd32(f + 8), 0);
	ck_assert_uint_eq(rd32(f + 16), 64);	/* snaplen */
	ck_assert_uint_eq(rd32(f + 20), 1);	/* Ethernet */
	/* record 1 */
	ck_assert_uint_eq(rd32(f + 24), 1700000000u);
	ck_assert_uint_eq(rd32(f + 28), 123456);
	ck_assert_uint_eq(rd32(f + 32), 42);
	ck_assert_uint_eq(rd32(f + 36), 42);
	ck_assert_mem_eq(f + 40, pkt, 42);
	/* record 2: cut to the snaplen, original length kept */
	ck_assert_uint_eq(rd32(f + 82), 1700000000u);
	ck_assert_uint_eq(rd32(f + 86), 123457);
	ck_assert_uint_eq(rd32(f + 90), 64);
	ck_assert_uint_eq(rd32(f + 94), 1500);
	ck_assert_mem_eq(f + 98, pkt, 64);
	/* record 3: from the sample, without header, metadata or padding */
	ck_assert_uint_eq(rd32(f + 162 + 8), 30);
	ck_assert_uint_eq(rd32(f + 162 + 12), 30);
	ck_assert_uint_eq(f[162 + 16], 0);
	ck_assert_uint_eq(f[162 + 16 + 29], 29);
	free(f);
	unlink(path);
}
END_TEST

START_TEST(pcap_errors)
{
	struct ebpf_pcap *pc = (void *)1;

	ck_assert_int_eq(ebpf_pcap_open("/nonexistent-dir/x.pcap", NULL, &pc), -ENOENT);
	ck_assert_ptr_null(pc);
	ck_assert_errmsg_has("pcap '/nonexistent-dir/x.pcap': cannot create: No such file or directory");
	ck_assert_int_eq(ebpf_pcap_open(NULL, NULL, &pc), -EINVAL);
	ck_assert_int_eq(ebpf_pcap_write(NULL, 0, "", 0, 0), -EINVAL);
	ck_assert_int_eq(ebpf_pcap_flush(NULL), -EINVAL);
	ck_assert_int_eq(ebpf_pcap_close(NULL), 0);
	ck_assert_uint_eq(ebpf_pcap_count(NULL), 0);
}
END_TEST

START_TEST(pcap_open_survives_allocation_failures)
{
	char *path = tmp_path();

	for (uint64_t nth = 1;; nth++) {
		struct ebpf_pcap *pc = NULL;
		int err;

		eb_fault_arm(EB_FAULT_ALLOC, nth);
		err = ebpf_pcap_open(path, NULL, &pc);
		eb_fault_arm(EB_FAULT_ALLOC, 0);
		if (!err) {
			ck_assert_int_eq(ebpf_pcap_close(pc), 0);
			ck_assert_uint_gt(nth, 1);
			break;
		}
		ck_assert_int_eq(err, -ENOMEM);
		ck_assert_ptr_null(pc);
	}
	unlink(path);
}
END_TEST

Suite *suite_ev_pcap(void)
{
	Suite *s = suite_create("ev_pcap");
	TCase *tc = test_tcase("core");

	tcase_add_test(tc, sample_layout_is_fixed);
	tcase_add_test(tc, sample_parse);
	tcase_add_test(tc, sample_parse_rejects_bad_samples);
	tcase_add_test(tc, pcap_write_and_parse_back);
	tcase_add_test(tc, pcap_errors);
	tcase_add_test(tc, pcap_open_survives_allocation_failures);
	suite_add_tcase(s, tc);
	return s;
}
