/*
 * skb_output to pcap, end to end: a tp_btf/net_dev_queue program (testdata/
 * ev_skb.bpf.c) sends every transmitted packet through a perf buffer; the test
 * sends UDP over loopback inside a network namespace of its own, writes the
 * samples as pcap with the library's writer, and parses the file back (and lets
 * tcpdump read it, when installed) to find the datagram it sent.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <net/if.h>
#include <netinet/in.h>
#include <pthread.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <unistd.h>

#include "testutil.h"

#define UDP_PORT 31337
#define ETH_HLEN 14
#define IP_HLEN 20
#define UDP_HLEN 8

struct capture {
	struct ebpf_pcap *pcap;
	char payload[64];
	size_t payload_len;
	int found;		/* samples carrying our payload */
	uint32_t found_ifindex;
	int written;
};

static const void *memmem_(const void *hay, size_t n, const void *needle, size_t m)
{
	const uint8_t *h = hay;

	for (size_t i = 0; m <= n && i <= n - m; i++)
		if (!memcmp(h + i, needle, m))
			return h + i;
	return NULL;
}

static int on_packet(void *ctx, int cpu, const void *data, uint32_t size)
{
	struct capture *c = ctx;
	struct ebpf_skb_packet pkt;

	ck_assert_msg(ebpf_skb_sample_parse(data, size, &pkt) == 0, "%s", ebpf_errmsg());
	ck_assert_int_eq(ebpf_pcap_write_skb_sample(c->pcap, data, size), 0);
	c->written++;
	if (memmem_(pkt.data, pkt.cap_len, c->payload, c->payload_len)) {
		c->found++;
		c->found_ifindex = pkt.ifindex;
	}
	return 0;
}

/* In a fresh network namespace (this thread only): lo up, one UDP datagram to itself. */
static void *send_in_netns(void *arg)
{
	struct capture *c = arg;
	struct sockaddr_in to = { .sin_family = AF_INET, .sin_port = htons(UDP_PORT) };
	struct ifreq ifr;
	char buf[128];
	int s, r;

	if (unshare(CLONE_NEWNET))
		return (void *)"unshare(CLONE_NEWNET)";
	s = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (s < 0)
		return (void *)"socket";
	memset(&ifr, 0, sizeof(ifr));
	strcpy(ifr.ifr_name, "lo");
	if (ioctl(s, SIOCGIFFLAGS, &ifr) < 0)
		return (void *)"SIOCGIFFLAGS lo";
	ifr.ifr_flags |= IFF_UP;
	if (ioctl(s, SIOCSIFFLAGS, &ifr) < 0)
		return (void *)"SIOCSIFFLAGS lo up";
	to.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if (bind(s, (struct sockaddr *)&to, sizeof(to)) < 0)
		return (void *)"bind";
	if (sendto(s, c->payload, c->payload_len, 0, (struct sockaddr *)&to, sizeof(to)) < 0)
		return (void *)"sendto";
	r = (int)recv(s, buf, sizeof(buf), 0);	/* it did go through loopback */
	close(s);
	if (r != (int)c->payload_len || memcmp(buf, c->payload, c->payload_len))
		return (void *)"recv";
	return NULL;
}

static uint32_t rd32(const uint8_t *p)
{
	uint32_t v;

	memcpy(&v, p, 4);
	return v;
}

/* Walk the pcap file; return how many records hold our datagram, checked field by field. */
static int parse_pcap(const char *path, const struct capture *c, int *records)
{
	size_t size, off = 24;
	uint8_t *f = test_read_file(path, &size);
	int hits = 0;
	const size_t want = ETH_HLEN + IP_HLEN + UDP_HLEN + c->payload_len;

	ck_assert_uint_ge(size, 24);
	ck_assert_uint_eq(rd32(f), 0xa1b2c3d4u);
	ck_assert_uint_eq(rd32(f + 20), 1);	/* LINKTYPE_ETHERNET */
	*records = 0;
	while (off < size) {
		uint32_t incl, orig;
		const uint8_t *p;

		ck_assert_uint_ge(size - off, 16);
		incl = rd32(f + off + 8);
		orig = rd32(f + off + 12);
		ck_assert_uint_le(incl, orig);
		ck_assert_uint_le(incl, size - off - 16);
		p = f + off + 16;
		(*records)++;
		if (incl == want && !memcmp(p + want - c->payload_len, c->payload, c->payload_len)) {
			ck_assert_uint_eq(orig, want);
			ck_assert_uint_eq(p[12], 0x08);			/* ethertype IPv4 */
			ck_assert_uint_eq(p[13], 0x00);
			ck_assert_uint_eq(p[ETH_HLEN] >> 4, 4);		/* IP version */
			ck_assert_uint_eq(p[ETH_HLEN + 9], 17);		/* UDP */
			ck_assert_uint_eq(p[ETH_HLEN + 12], 127);	/* from 127.0.0.1 */
			ck_assert_uint_eq(p[ETH_HLEN + 16], 127);	/* to 127.0.0.1 */
			ck_assert_uint_eq((p[ETH_HLEN + IP_HLEN + 2] << 8) | p[ETH_HLEN + IP_HLEN + 3],
					  UDP_PORT);
			hits++;
		}
		off += 16 + incl;
	}
	free(f);
	return hits;
}

/* Let tcpdump read the file too, when it is installed. */
static void check_with_tcpdump(const char *path, const struct capture *c)
{
	char cmd[512], line[512], want[64];
	bool seen = false;
	FILE *p;

	if (system("command -v tcpdump >/dev/null 2>&1") != 0) {
		test_skip("skb_output_to_pcap (tcpdump -r part)", "tcpdump not installed");
		return;
	}
	snprintf(cmd, sizeof(cmd), "tcpdump -nn -r '%s' 'udp port %d' 2>&1", path, UDP_PORT);
	snprintf(want, sizeof(want), "127.0.0.1.%d: UDP, length %zu", UDP_PORT, c->payload_len);
	p = popen(cmd, "r");
	ck_assert_ptr_nonnull(p);
	while (fgets(line, sizeof(line), p))
		if (strstr(line, want))
			seen = true;
	ck_assert_int_eq(pclose(p), 0);
	ck_assert_msg(seen, "tcpdump did not show \"%s\"", want);
}

START_TEST(skb_output_to_pcap)
{
	struct ebpf_spec *spec;
	struct ebpf_collection *coll;
	struct ebpf_prog *prog;
	struct ebpf_link *link;
	struct ebpf_perfbuf *pb;
	struct capture c = { 0 };
	char path[64];
	const char *why;
	pthread_t t;
	int err, records, fd;

	REQUIRE_BPF();
	c.payload_len = (size_t)snprintf(c.payload, sizeof(c.payload), "libebpf skb_output test %d",
					 (int)getpid());
	snprintf(path, sizeof(path), "/tmp/ev_skb_%d_XXXXXX", (int)getpid());
	fd = mkstemp(path);
	ck_assert_int_ge(fd, 0);
	close(fd);

	ck_assert_int_eq(ebpf_spec_open_file(testobj("ev_skb"), NULL, &spec), 0);
	err = ebpf_collection_load(spec, &EBPF_OPTS(ebpf_load_opts, .all_or_nothing = true), &coll);
	ck_assert_msg(!err, "load: %s", ebpf_errmsg());
	prog = ebpf_collection_prog(coll, "capture");
	ck_assert_ptr_nonnull(prog);
	ck_assert_int_eq(ebpf_pcap_open(path, NULL, &c.pcap), 0);
	ck_assert_int_eq(ebpf_perfbuf_new(ebpf_collection_map(coll, "packets"), 8, on_packet, NULL, &c,
					  NULL, &pb), 0);
	err = ebpf_link_tracing(prog, NULL, &link);
	ck_assert_msg(!err, "attach: %s", ebpf_errmsg());

	ck_assert_int_eq(pthread_create(&t, NULL, send_in_netns, &c), 0);
	ck_assert_int_eq(pthread_join(t, (void **)&why), 0);
	ck_assert_msg(why == NULL, "sending in a new netns failed at %s", why);
	for (int i = 0; i < 50 && !c.found; i++)
		ck_assert_int_ge(ebpf_perfbuf_poll(pb, 100), 0);
	ebpf_link_close(link);
	ck_assert_int_ge(ebpf_perfbuf_consume(pb), 0);
	ck_assert_int_eq(c.found, 1);		/* queued once, on lo */
	ck_assert_uint_eq(c.found_ifindex, 1);	/* lo of the new namespace */
	ck_assert_uint_eq(ebpf_pcap_count(c.pcap), (uint64_t)c.written);
	ck_assert_int_eq(ebpf_pcap_close(c.pcap), 0);
	ebpf_perfbuf_free(pb);
	ebpf_collection_close(coll);
	ebpf_spec_free(spec);

	ck_assert_int_eq(parse_pcap(path, &c, &records), 1);
	ck_assert_int_eq(records, c.written);
	check_with_tcpdump(path, &c);
	unlink(path);
}
END_TEST

Suite *suite_ev_skb(void)
{
	Suite *s = suite_create("ev_skb");
	TCase *tc = test_tcase("pcap");

	tcase_add_test(tc, skb_output_to_pcap);
	suite_add_tcase(s, tc);
	return s;
}
