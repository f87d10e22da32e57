/*
 * A private bpffs for tests that pin. The mount is made inside a mount
 * namespace of this test process where it can be (always in Check's forked
 * mode), so it disappears with the process even when a failed assertion ends
 * the test before its cleanup: no /tmp/..._XXXXXX bpffs left behind on the host.
 */
#include <errno.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <unistd.h>

#include "testutil.h"

/* Once per process: later mounts of this process are invisible to the host. */
static bool private_mount_ns(void)
{
	static int done = -1;

	if (done >= 0)
		return done;
	/* unshare(CLONE_NEWNS) needs a single-threaded process: then fall back to umount */
	done = unshare(CLONE_NEWNS) == 0 && mount("none", "/", "none", MS_REC | MS_SLAVE, NULL) == 0;
	return done;
}

bool test_bpffs_mount(char *dir, const char *test)
{
	char why[160];

	(void)private_mount_ns();
	ck_assert_msg(mkdtemp(dir) != NULL, "mkdtemp %s: %s", dir, strerror(errno));
	if (mount("bpf", dir, "bpf", 0, NULL) == 0)
		return true;
	snprintf(why, sizeof(why), "cannot mount a bpffs on %s: %s", dir, strerror(errno));
	rmdir(dir);
	test_skip(test, why);
	return false;
}

void test_bpffs_umount(const char *dir)
{
	umount2(dir, MNT_DETACH);
	rmdir(dir);
}
