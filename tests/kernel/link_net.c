/*
 * XDP and tcx links on a veth pair inside a network namespace the test creates:
 * frames sent into one end are counted by the programs on the other. The same
 * programs also run through BPF_PROG_TEST_RUN.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/if_packet.h>
#include <net/if.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "testutil.h"
#include "link_fixture.h"

#define ETH_P_TEST 0x88b5

struct netns_env {
	int orig_ns;
	int tx_ifindex, rx_ifindex;
};

static bool write_file(const char *path, const char *s)
{
	int fd = open(path, O_WRONLY | O_CLOEXEC);
	bool ok;

	if (fd < 0)
		return false;
	ok = write(fd, s, strlen(s)) == (ssize_t)strlen(s);
	close(fd);
	return ok;
}

/* Enter a fresh netns holding veth pair lkv0 <-> lkv1; false (and a visible skip) if impossible. */
static bool netns_enter(struct netns_env *env, const char *test)
{
	env->orig_ns = open("/proc/self/ns/net", O_RDONLY | O_CLOEXEC);
	ck_assert(env->orig_ns >= 0);
	if (unshare(CLONE_NEWNET) < 0) {
		close(env->orig_ns);
		test_skip(test, "cannot create a network namespace (needs CAP_SYS_ADMIN)");
		return false;
	}
	/* No IPv6 autoconfiguration chatter on the new links. */
	write_file("/proc/sys/net/ipv6/conf/default/disable_ipv6", "1");
	write_file("/proc/sys/net/ipv6/conf/all/disable_ipv6", "1");
	if (system("ip link add lkv0 type veth peer name lkv1 >/dev/null 2>&1 && "
		   "ip link set lkv0 up && ip link set lkv1 up") != 0) {
		ck_assert_int_eq(setns(env->orig_ns, CLONE_NEWNET), 0);
		close(env->orig_ns);
		test_skip(test, "cannot create a veth pair with iproute2");
		return false;
	}
	env->tx_ifindex = (int)if_nametoindex("lkv0");
	env->rx_ifindex = (int)if_nametoindex("lkv1");
	ck_assert(env->tx_ifindex > 0 && env->rx_ifindex > 0);
	return true;
}

/* Back to the original namespace; the new one (and its veths) goes away with us. */
static void netns_leave(struct netns_env *env)
{
	ck_assert_int_eq(setns(env->orig_ns, CLONE_NEWNET), 0);
	close(env->orig_ns);
}

static void test_frame(unsigned char *frame, size_t len)
{
	memset(frame, 0, len);
	memset(frame, 0xff, 6);					/* broadcast */
	memcpy(frame + 6, "\x02\x00\x00\x00\x00\x01", 6);
	frame[12] = ETH_P_TEST >> 8;
	frame[13] = ETH_P_TEST & 0xff;
	memcpy(frame + 14, "libebpf link test", 17);
}

static void send_frames(int ifindex, int n)
{
	struct sockaddr_ll sll;
	unsigned char frame[64];
	int fd, i;

	fd = socket(AF_PACKET, SOCK_RAW | SOCK_CLOEXEC, 0);
	ck_assert_msg(fd >= 0, "packet socket: %s", strerror(errno));
	memset(&sll, 0, sizeof(sll));
	sll.sll_family = AF_PACKET;
	sll.sll_ifindex = ifindex;
	sll.sll_halen = 6;
	memset(sll.sll_addr, 0xff, 6);
	test_frame(frame, sizeof(frame));
	for (i = 0; i < n; i++)
		ck_assert_int_eq(sendto(fd, frame, sizeof(frame), 0, (struct sockaddr *)&sll,
					sizeof(sll)), (ssize_t)sizeof(frame));
	close(fd);
}

/* Receive processing may lag the send a little: wait up to 2 s for `want`. */
static uint64_t wait_count(struct link_fixture *f, uint32_t idx, uint64_t want)
{
	struct timespec ts = { 0, 10 * 1000 * 1000 };
	uint64_t v = 0;
	int i;

	for (i = 0; i < 200; i++) {
		v = lf_count(f, idx);
		if (v >= want)
			break;
		nanosleep(&ts, NULL);
	}
	return v;
}

START_TEST(xdp_and_tcx_links_count_frames_on_a_veth)
{
	struct link_fixture f;
	struct netns_env env;
	struct ebpf_link *xdp, *tcx;
	struct ebpf_link_info info;
	int err;

	REQUIRE_BPF();
	lf_open(&f, "link_progs");
	if (!netns_enter(&env, __func__)) {
		lf_close(&f);
		return;
	}
	err = ebpf_link_xdp(lf_prog(&f, "count_xdp"), env.rx_ifindex, 0, &xdp);
	ck_assert_msg(err == 0, "xdp: %s", ebpf_errmsg());
	err = ebpf_link_tcx(lf_prog(&f, "count_tcx"), env.rx_ifindex, EBPF_TCX_INGRESS, NULL, &tcx);
	ck_assert_msg(err == 0, "tcx: %s", ebpf_errmsg());

	ck_assert_int_eq(ebpf_link_info(xdp, &info), 0);
	ck_assert_int_eq(info.type, EBPF_LINK_TYPE_XDP);
	ck_assert_uint_eq(info.ifindex, (uint32_t)env.rx_ifindex);
	ck_assert_int_eq(ebpf_link_info(tcx, &info), 0);
	ck_assert_int_eq(info.type, EBPF_LINK_TYPE_TCX);
	ck_assert_int_eq(info.attach_type, EBPF_TCX_INGRESS);
	ck_assert_uint_eq(info.ifindex, (uint32_t)env.rx_ifindex);

	send_frames(env.tx_ifindex, 5);
	ck_assert_uint_eq(wait_count(&f, 0, 5), 5);
	ck_assert_uint_eq(wait_count(&f, 1, 5), 5);

	/* A second XDP link on the same interface is refused with a reason. */
	{
		struct ebpf_link *again;

		ck_assert_int_eq(ebpf_link_xdp(lf_prog(&f, "count_xdp"), env.rx_ifindex, 0, &again),
				 -EBUSY);
		ck_assert_errmsg_has("already attached");
	}
	/* Replacing the program of an xdp link is allowed. */
	ck_assert_int_eq(ebpf_link_update_prog(xdp, lf_prog(&f, "count_xdp")), 0);

	ebpf_link_close(xdp);
	ebpf_link_close(tcx);
	send_frames(env.tx_ifindex, 3);
	usleep(100 * 1000);
	ck_assert_uint_eq(lf_count(&f, 0), 5);
	ck_assert_uint_eq(lf_count(&f, 1), 5);
	netns_leave(&env);
	lf_close(&f);
}
END_TEST

START_TEST(xdp_and_tc_programs_under_test_run)
{
	struct link_fixture f;
	unsigned char frame[64], out[128];
	struct ebpf_test_run_opts xo = { .sz = sizeof(xo) }, to = { .sz = sizeof(to) };

	REQUIRE_BPF();
	lf_open(&f, "link_progs");
	test_frame(frame, sizeof(frame));
	xo.data_in = frame;
	xo.data_size_in = sizeof(frame);
	xo.data_out = out;
	xo.data_size_out = sizeof(out);
	xo.repeat = 3;
	ck_assert_msg(ebpf_prog_test_run(lf_prog(&f, "count_xdp"), &xo) == 0, "%s", ebpf_errmsg());
	ck_assert_uint_eq(xo.retval, 2 /* XDP_PASS */);
	ck_assert_uint_eq(lf_count(&f, 0), 3);

	to.data_in = frame;
	to.data_size_in = sizeof(frame);
	to.data_out = out;
	to.data_size_out = sizeof(out);
	ck_assert_msg(ebpf_prog_test_run(lf_prog(&f, "count_tcx"), &to) == 0, "%s", ebpf_errmsg());
	ck_assert_uint_eq(to.retval, 0 /* TCX_PASS */);
	ck_assert_uint_eq(lf_count(&f, 1), 1);
	lf_close(&f);
}
END_TEST

START_TEST(tcx_rejects_bad_arguments)
{
	struct link_fixture f;
	struct ebpf_link *link;

	REQUIRE_BPF();
	lf_open(&f, "link_progs");
	ck_assert_int_eq(ebpf_link_tcx(lf_prog(&f, "count_tcx"), 1, EBPF_XDP, NULL, &link), -EINVAL);
	ck_assert_errmsg_has("EBPF_TCX_INGRESS or EBPF_TCX_EGRESS");
	ck_assert_int_eq(ebpf_link_xdp(lf_prog(&f, "count_xdp"), 1,
				       EBPF_XDP_FLAGS_SKB_MODE | EBPF_XDP_FLAGS_DRV_MODE, &link),
			 -EINVAL);
	ck_assert_errmsg_has("at most one of SKB/DRV/HW mode");
	lf_close(&f);
}
END_TEST

Suite *suite_link_net(void)
{
	Suite *s = suite_create("link_net");
	TCase *tc = test_tcase("net");

	tcase_add_test(tc, xdp_and_tcx_links_count_frames_on_a_veth);
	tcase_add_test(tc, xdp_and_tc_programs_under_test_run);
	tcase_add_test(tc, tcx_rejects_bad_arguments);
	suite_add_tcase(s, tc);
	return s;
}
