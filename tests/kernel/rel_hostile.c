/*
 * A hostile environment: each situation must end in one clear error that says
 * what is wrong, asserted here by message.
 *  - a pin root that is not on a bpffs, and a pin path that exists there;
 *  - a map pinned under the map's name that has another shape, or is a program;
 *  - a read-only bpffs;
 *  - no tracefs (hidden in a private mount namespace of a child process);
 *  - /proc/kallsyms with every address zeroed (bind-mounted over it in a child),
 *    and the same text through the parser;
 *  - a truncated copy of the kernel BTF as ebpf_load_opts.kernel_btf_path.
 * Every test also checks that the failure left no fd behind.
 */
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "testutil.h"
#include "lib/sys.h"
#include "relo/relo.h"

struct loaded {
	struct ebpf_spec *spec;
	struct ebpf_collection *coll;
	int err;
	char msg[1024];
};

/* Load only `prog` of rel_hostile.bpf.o (and the maps it uses) with these options. */
static void load_one(struct loaded *l, const char *prog, const char *pin_root, const char *kbtf)
{
	const char *progs[] = { prog, NULL };

	memset(l, 0, sizeof(*l));
	ck_assert_int_eq(ebpf_spec_open_file(testobj("rel_hostile"), NULL, &l->spec), 0);
	l->err = ebpf_collection_load(l->spec, &EBPF_OPTS(ebpf_load_opts, .programs = progs,
							  .all_or_nothing = true, .pin_root = pin_root,
							  .kernel_btf_path = kbtf), &l->coll);
	snprintf(l->msg, sizeof(l->msg), "%s", ebpf_errmsg());
	if (l->err)
		ck_assert_ptr_null(l->coll);
}

static void unload(struct loaded *l)
{
	ebpf_collection_close(l->coll);
	ebpf_spec_free(l->spec);
	l->coll = NULL;
	l->spec = NULL;
}

#define ck_assert_msg_has(msg, needle)                                                   \
	ck_assert_msg(strstr((msg), (needle)) != NULL, "message \"%s\" does not contain \"%s\"", \
		      (msg), (needle))

static char *make_tmpdir(void)
{
	static _Thread_local char dir[64];

	snprintf(dir, sizeof(dir), "/tmp/rel_hostile_XXXXXX");
	ck_assert_ptr_nonnull(mkdtemp(dir));
	return dir;
}

/* A private bpffs on a fresh directory (read-only if asked); NULL if mounting is refused. */
static char *mount_bpffs(bool readonly)
{
	char *dir = make_tmpdir();

	if (mount("bpf", dir, "bpf", readonly ? MS_RDONLY : 0, NULL)) {
		rmdir(dir);
		return NULL;
	}
	return dir;
}

static void umount_dir(const char *dir)
{
	ck_assert_int_eq(umount2(dir, MNT_DETACH), 0);
	ck_assert_int_eq(rmdir(dir), 0);
}

START_TEST(pin_root_not_on_bpffs)
{
	struct loaded l;
	char *dir, path[128];
	int fds;

	REQUIRE_BPF();
	fds = test_count_fds();
	dir = make_tmpdir();	/* /tmp: ext4 or tmpfs, never bpffs */
	load_one(&l, "rel_count", dir, NULL);
	ck_assert_int_eq(l.err, -EPERM);
	ck_assert_msg_has(l.msg, "map 'rel_pinned': pinning at ");
	ck_assert_msg_has(l.msg, "is the directory on a bpffs mount?");
	unload(&l);
	ck_assert_int_eq(test_count_fds(), fds);
	snprintf(path, sizeof(path), "%s/rel_pinned", dir);
	ck_assert_int_eq(access(path, F_OK), -1);	/* nothing was created */
	ck_assert_int_eq(rmdir(dir), 0);
}
END_TEST

START_TEST(pin_path_exists_but_not_on_bpffs)
{
	struct loaded l;
	char *dir, path[128];
	int fd, fds;

	REQUIRE_BPF();
	fds = test_count_fds();
	dir = make_tmpdir();
	snprintf(path, sizeof(path), "%s/rel_pinned", dir);
	fd = open(path, O_CREAT | O_WRONLY | O_CLOEXEC, 0600);
	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq(write(fd, "not a map\n", 10), 10);
	close(fd);
	load_one(&l, "rel_count", dir, NULL);
	ck_assert_int_lt(l.err, 0);
	ck_assert_msg_has(l.msg, "map 'rel_pinned': opening pin ");
	ck_assert_msg_has(l.msg, path);
	ck_assert_msg_has(l.msg, "not a BPF object");
	unload(&l);
	ck_assert_int_eq(test_count_fds(), fds);
	ck_assert_int_eq(unlink(path), 0);
	ck_assert_int_eq(rmdir(dir), 0);
}
END_TEST

START_TEST(pinned_map_of_another_shape)
{
	struct eb_attr_map_create a;
	struct loaded l;
	char *dir, path[128];
	int fd, fds;

	REQUIRE_BPF();
	dir = mount_bpffs(false);
	if (!dir) {
		test_skip(__func__, "cannot mount a bpffs");
		return;
	}
	fds = test_count_fds();
	snprintf(path, sizeof(path), "%s/rel_pinned", dir);
	/* The object wants a hash of u32 -> u64, 16 entries; pin a hash of u64 -> u64. */
	memset(&a, 0, sizeof(a));
	a.map_type = EBPF_MAP_TYPE_HASH;
	a.key_size = 8;
	a.value_size = 8;
	a.max_entries = 16;
	fd = eb_sys_map_create(&a);
	ck_assert_int_gt(fd, 0);
	ck_assert_int_eq(eb_sys_obj_pin(fd, path), 0);
	close(fd);
	load_one(&l, "rel_count", dir, NULL);
	ck_assert_int_eq(l.err, -EEXIST);
	ck_assert_msg_has(l.msg, "map 'rel_pinned': the map pinned at ");
	ck_assert_msg_has(l.msg, "is a different map (key size 8, expected 4)");
	unload(&l);
	ck_assert_int_eq(test_count_fds(), fds);
	ck_assert_int_eq(unlink(path), 0);

	/* A program pinned where the map should be is not a map of any shape. */
	load_one(&l, "rel_kfunc", NULL, NULL);
	ck_assert_msg(l.err == 0, "%s", l.msg);
	ck_assert_int_eq(eb_sys_obj_pin(ebpf_prog_fd(ebpf_collection_prog(l.coll, "rel_kfunc")), path), 0);
	unload(&l);
	load_one(&l, "rel_count", dir, NULL);
	ck_assert_int_lt(l.err, 0);
	ck_assert_msg_has(l.msg, "map 'rel_pinned': ");
	ck_assert_msg_has(l.msg, "is not a map");
	unload(&l);
	ck_assert_int_eq(test_count_fds(), fds);
	ck_assert_int_eq(unlink(path), 0);
	umount_dir(dir);
}
END_TEST

START_TEST(read_only_bpffs)
{
	struct loaded l;
	char *dir;
	int fds;

	REQUIRE_BPF();
	dir = mount_bpffs(true);
	if (!dir) {
		test_skip(__func__, "cannot mount a read-only bpffs");
		return;
	}
	fds = test_count_fds();
	load_one(&l, "rel_count", dir, NULL);
	ck_assert_int_eq(l.err, -EROFS);
	ck_assert_msg_has(l.msg, "map 'rel_pinned': pinning at ");
	ck_assert_msg_has(l.msg, "Read-only file system");
	unload(&l);
	ck_assert_int_eq(test_count_fds(), fds);
	umount_dir(dir);
}
END_TEST

/*
 * Run `fn` in a child process with a private mount namespace; its error and
 * message come back through a pipe. Returns false if the namespace could not
 * be made (the caller skips).
 */
struct child_result {
	int err;
	char msg[1024];
};

static bool in_private_mounts(void (*fn)(struct child_result *), struct child_result *res)
{
	int p[2], status;
	pid_t pid;

	ck_assert_int_eq(pipe2(p, O_CLOEXEC), 0);
	pid = fork();
	ck_assert_int_ge(pid, 0);
	if (pid == 0) {
		struct child_result r = { .err = -EOWNERDEAD };

		close(p[0]);
		if (unshare(CLONE_NEWNS) == 0 && mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) == 0)
			fn(&r);
		else
			snprintf(r.msg, sizeof(r.msg), "no private mount namespace: %s", strerror(errno));
		if (write(p[1], &r, sizeof(r)) != sizeof(r))
			_exit(2);
		_exit(0);
	}
	close(p[1]);
	memset(res, 0, sizeof(*res));
	ck_assert_int_eq(read(p[0], res, sizeof(*res)), (ssize_t)sizeof(*res));
	close(p[0]);
	ck_assert_int_eq(waitpid(pid, &status, 0), pid);
	ck_assert_msg(WIFEXITED(status) && WEXITSTATUS(status) == 0, "child failed");
	return res->err != -EOWNERDEAD;
}

/* In the child: load rel_tp, then hide tracefs (and debugfs) before attaching. */
static void attach_without_tracefs(struct child_result *r)
{
	const char *progs[] = { "rel_tp", NULL };
	struct ebpf_spec *spec = NULL;
	struct ebpf_collection *coll = NULL;
	struct ebpf_link *link = NULL;

	r->err = ebpf_spec_open_file(testobj("rel_hostile"), NULL, &spec);
	if (!r->err)
		r->err = ebpf_collection_load(spec, &EBPF_OPTS(ebpf_load_opts, .programs = progs), &coll);
	if (r->err) {
		snprintf(r->msg, sizeof(r->msg), "setup: %s", ebpf_errmsg());
		r->err = -EOWNERDEAD;
		goto out;
	}
	/* An empty /sys/kernel: no tracing/, no debug/, nowhere to mount tracefs either. */
	if (mount("none", "/sys/kernel", "tmpfs", MS_RDONLY, NULL)) {
		snprintf(r->msg, sizeof(r->msg), "hiding /sys/kernel: %s", strerror(errno));
		r->err = -EOWNERDEAD;
		goto out;
	}
	r->err = ebpf_link_tracepoint(ebpf_collection_prog(coll, "rel_tp"), "sched", "sched_switch", NULL,
				      &link);
	snprintf(r->msg, sizeof(r->msg), "%s", ebpf_errmsg());
	ebpf_link_close(link);
out:
	ebpf_collection_close(coll);
	ebpf_spec_free(spec);
}

START_TEST(missing_tracefs)
{
	struct child_result r;

	REQUIRE_BPF();
	if (!in_private_mounts(attach_without_tracefs, &r)) {
		test_skip(__func__, r.msg);
		return;
	}
	ck_assert_int_eq(r.err, -ENOENT);
	ck_assert_msg_has(r.msg, "tracepoint 'sched/sched_switch': tracefs is not mounted and mounting it "
			  "at /sys/kernel/tracing failed");
}
END_TEST

/* Every address of the running kernel's /proc/kallsyms replaced by zeros (kptr_restrict). */
static char *zeroed_kallsyms(size_t *len)
{
	size_t size, i;
	char *text = test_read_file("/proc/kallsyms", &size);

	/* test_read_file gives a NUL-terminated buffer; lines are "<hex> <type> <name>...". */
	for (i = 0; i < size; i++) {
		if (i == 0 || text[i - 1] == '\n')
			for (; i < size && text[i] != ' '; i++)
				text[i] = '0';
	}
	*len = size;
	return text;
}

START_TEST(zeroed_kallsyms_text)
{
	struct eb_kallsyms *ks = NULL;
	uint64_t addr = 1;
	size_t len;
	char *text = zeroed_kallsyms(&len);

	ck_assert_uint_gt(len, 1000);
	ck_assert_int_eq(eb_kallsyms_parse(text, len, &ks), 0);
	free(text);
	ck_assert_int_eq(eb_kallsyms_lookup(ks, "bpf_prog_put", &addr), -EPERM);
	ck_assert_uint_eq(addr, 0);
	ck_assert_errmsg_has("'bpf_prog_put': /proc/kallsyms shows every address as 0 "
			     "(restricted by kernel.kptr_restrict or missing CAP_SYSLOG)");
	/* A name that is absent stays "absent", not "restricted". */
	ck_assert_int_eq(eb_kallsyms_lookup(ks, "rel_no_such_symbol", &addr), -ENOENT);
	eb_kallsyms_put(ks);
}
END_TEST

/* In the child: zeroed text bind-mounted over /proc/kallsyms, then load rel_ksym. */
static void load_with_zeroed_kallsyms(struct child_result *r)
{
	const char *progs[] = { "rel_ksym", NULL };
	char path[] = "/tmp/rel_kallsyms_XXXXXX";
	struct ebpf_spec *spec = NULL;
	struct ebpf_collection *coll = NULL;
	size_t len;
	char *text = zeroed_kallsyms(&len);
	int fd = mkstemp(path);
	bool ok = fd >= 0 && write(fd, text, len) == (ssize_t)len;

	free(text);
	if (fd >= 0)
		close(fd);
	if (!ok || mount(path, "/proc/kallsyms", NULL, MS_BIND, NULL)) {
		snprintf(r->msg, sizeof(r->msg), "bind-mounting over /proc/kallsyms: %s", strerror(errno));
		unlink(path);
		return;
	}
	r->err = ebpf_spec_open_file(testobj("rel_hostile"), NULL, &spec);
	if (!r->err)
		r->err = ebpf_collection_load(spec, &EBPF_OPTS(ebpf_load_opts, .programs = progs,
							       .all_or_nothing = true), &coll);
	snprintf(r->msg, sizeof(r->msg), "%s", ebpf_errmsg());
	ebpf_collection_close(coll);
	ebpf_spec_free(spec);
	umount2("/proc/kallsyms", MNT_DETACH);
	unlink(path);
}

START_TEST(zeroed_kallsyms_at_load)
{
	struct child_result r;
	const char *fork_mode = getenv("CK_FORK");

	REQUIRE_BPF();
	/* kallsyms is read once per process: only a fresh test process sees the fake one. */
	if (fork_mode && strcmp(fork_mode, "no") == 0) {
		test_skip(__func__, "needs Check's fork mode (kallsyms is cached per process)");
		return;
	}
	if (!in_private_mounts(load_with_zeroed_kallsyms, &r)) {
		test_skip(__func__, r.msg);
		return;
	}
	ck_assert_int_eq(r.err, -EPERM);
	ck_assert_msg_has(r.msg, "rel_ksym");
	ck_assert_msg_has(r.msg, "'bpf_prog_put': /proc/kallsyms shows every address as 0");
}
END_TEST

/* The kernel BTF cut to `keep` bytes, in a temporary file whose path is returned. */
static char *truncated_vmlinux(size_t keep)
{
	static _Thread_local char path[64];
	size_t size;
	char *btf = test_read_file("/sys/kernel/btf/vmlinux", &size);
	int fd;

	ck_assert_uint_lt(keep, size);
	snprintf(path, sizeof(path), "/tmp/rel_vmlinux_XXXXXX");
	fd = mkstemp(path);
	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq(write(fd, btf, keep), (ssize_t)keep);
	close(fd);
	free(btf);
	return path;
}

/*
 * The load must not resolve kfuncs against anything but the file it was given:
 * a damaged kernel_btf_path fails the whole load, naming the option, the file
 * and the damage (it used to warn and quietly use the running kernel's BTF).
 */
START_TEST(truncated_kernel_btf)
{
	/* Inside the header, right after it, and in the middle of the type section. */
	static const size_t keep[] = { 10, 24, 3 * 1024 * 1024 };
	struct loaded l;
	int fds;

	REQUIRE_BPF();
	fds = test_count_fds();
	for (size_t i = 0; i < sizeof(keep) / sizeof(keep[0]); i++) {
		char *path = truncated_vmlinux(keep[i]);

		load_one(&l, "rel_kfunc", NULL, path);
		ck_assert_msg(l.err == -EINVAL, "truncated to %zu bytes: %d %s", keep[i], l.err, l.msg);
		ck_assert_msg_has(l.msg, "kernel_btf_path: BTF file '");
		ck_assert_msg_has(l.msg, path);
		ck_assert_msg_has(l.msg, keep[i] < 24 ? "too short for a header" : "runs past the end");
		unload(&l);
		ck_assert_int_eq(unlink(path), 0);
		ck_assert_int_eq(test_count_fds(), fds);
	}
	/* The same object against the intact file loads. */
	load_one(&l, "rel_kfunc", NULL, "/sys/kernel/btf/vmlinux");
	ck_assert_msg(l.err == 0, "%s", l.msg);
	unload(&l);
}
END_TEST

Suite *suite_rel_hostile(void)
{
	Suite *s = suite_create("rel_hostile");
	TCase *tc = test_tcase("hostile");

	tcase_add_test(tc, pin_root_not_on_bpffs);
	tcase_add_test(tc, pin_path_exists_but_not_on_bpffs);
	tcase_add_test(tc, pinned_map_of_another_shape);
	tcase_add_test(tc, read_only_bpffs);
	tcase_add_test(tc, missing_tracefs);
	tcase_add_test(tc, zeroed_kallsyms_text);
	tcase_add_test(tc, zeroed_kallsyms_at_load);
	tcase_add_test(tc, truncated_kernel_btf);
	suite_add_tcase(s, tc);
	return s;
}
