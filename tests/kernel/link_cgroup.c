/*
 * A cgroup link: packets sent by a process in a fresh cgroup v2 are counted.
 * Pinned, it outlives the collection; reopened from the pin, it is detached.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "testutil.h"
#include "link_fixture.h"
#include "lib/sys.h"

#define CGROUP2 "/sys/fs/cgroup/unified"

/* In a child: join the cgroup, send `n` UDP datagrams to 127.0.0.1:9, exit. */
static void send_from_cgroup(const char *cg, int n)
{
	char procs[256], pid[32];
	pid_t child = fork();
	int status;

	ck_assert_int_ge(child, 0);
	if (child == 0) {
		struct sockaddr_in to = { .sin_family = AF_INET, .sin_port = htons(9) };
		int fd, i, ok = 1;

		snprintf(procs, sizeof(procs), "%s/cgroup.procs", cg);
		snprintf(pid, sizeof(pid), "%d", getpid());
		fd = open(procs, O_WRONLY | O_CLOEXEC);
		if (fd < 0 || write(fd, pid, strlen(pid)) < 0)
			_exit(2);
		close(fd);
		to.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
		fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
		for (i = 0; i < n && fd >= 0; i++)
			ok &= sendto(fd, "x", 1, 0, (struct sockaddr *)&to, sizeof(to)) == 1;
		_exit(fd >= 0 && ok ? 0 : 3);
	}
	ck_assert_int_eq(waitpid(child, &status, 0), child);
	ck_assert_msg(WIFEXITED(status) && WEXITSTATUS(status) == 0, "child status %d", status);
}

static uint64_t read_count(int map_fd, uint32_t idx)
{
	uint64_t v = 0;

	ck_assert_int_eq(eb_sys_map_lookup(map_fd, &idx, &v, 0), 0);
	return v;
}

START_TEST(cgroup_link_counts_egress_packets)
{
	char cg[128], dir[] = "/tmp/link_bpffs_XXXXXX", pin[64];
	struct link_fixture f;
	struct ebpf_link *link, *again;
	struct ebpf_link_info info;
	int cgfd, map_fd, err;

	REQUIRE_BPF();
	if (access(CGROUP2 "/cgroup.procs", F_OK) != 0) {
		test_skip(__func__, "no cgroup v2 hierarchy at " CGROUP2);
		return;
	}
	if (!test_bpffs_mount(dir, __func__))
		return;
	snprintf(pin, sizeof(pin), "%s/cgroup_link", dir);
	snprintf(cg, sizeof(cg), CGROUP2 "/libebpf_link_%d", getpid());
	ck_assert_msg(mkdir(cg, 0755) == 0 || errno == EEXIST, "mkdir %s: %s", cg, strerror(errno));
	cgfd = open(cg, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	ck_assert_int_ge(cgfd, 0);
	lf_open(&f, "link_progs");
	err = ebpf_link_cgroup(lf_prog(&f, "count_cgroup_egress"), cgfd, EBPF_ATTACH_TYPE_NONE, &link);
	ck_assert_msg(err == 0, "cgroup: %s", ebpf_errmsg());
	ck_assert_int_eq(ebpf_link_info(link, &info), 0);
	ck_assert_int_eq(info.type, EBPF_LINK_TYPE_CGROUP);
	send_from_cgroup(cg, 3);
	ck_assert_uint_eq(lf_count(&f, 2), 3);

	/* Pin, then close the link object and the whole collection. */
	ck_assert_msg(ebpf_link_pin(link, pin) == 0, "pin: %s", ebpf_errmsg());
	map_fd = fcntl(ebpf_map_fd(ebpf_collection_map(f.coll, "counts")), F_DUPFD_CLOEXEC, 3);
	ck_assert_int_ge(map_fd, 3);
	ebpf_link_close(link);
	lf_close(&f);
	send_from_cgroup(cg, 2);
	ck_assert_uint_eq(read_count(map_fd, 2), 5);

	/* Reopen from the pin and detach: the pin stays, the program no longer runs. */
	ck_assert_msg(ebpf_link_open_pinned(pin, &again) == 0, "open: %s", ebpf_errmsg());
	ck_assert_int_eq(ebpf_link_info(again, &info), 0);
	ck_assert_int_eq(info.type, EBPF_LINK_TYPE_CGROUP);
	ck_assert_int_eq(ebpf_link_detach(again), 0);
	send_from_cgroup(cg, 2);
	ck_assert_uint_eq(read_count(map_fd, 2), 5);
	ck_assert_int_eq(access(pin, F_OK), 0);
	ck_assert_int_eq(ebpf_link_unpin(again), 0);
	ebpf_link_close(again);

	close(map_fd);
	close(cgfd);
	ck_assert_int_eq(rmdir(cg), 0);
	test_bpffs_umount(dir);
}
END_TEST

Suite *suite_link_cgroup(void)
{
	Suite *s = suite_create("link_cgroup");
	TCase *tc = test_tcase("cgroup");

	tcase_add_test(tc, cgroup_link_counts_egress_packets);
	suite_add_tcase(s, tc);
	return s;
}
