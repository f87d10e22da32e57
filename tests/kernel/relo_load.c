/*
 * Kernel tests of the relocation engine: real programs, loaded through the
 * public collection API and run with BPF_PROG_TEST_RUN, whose results (in
 * .bss/.data or the return value) are compared with what the test knows
 * independently (getpid(), its own comm, /proc/kallsyms, the kernel config).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/utsname.h>
#include <unistd.h>

#include "testutil.h"

struct args {
	int pid;
	int pad;
	uint64_t cgid;
};

struct loaded {
	struct ebpf_spec *spec;
	struct ebpf_collection *coll;
};

static void load(struct loaded *l, const char *obj)
{
	int err;

	memset(l, 0, sizeof(*l));
	err = ebpf_spec_open_file(testobj(obj), NULL, &l->spec);
	ck_assert_msg(err == 0, "open %s: %s", obj, ebpf_errmsg());
}

static void load_coll(struct loaded *l)
{
	int err = ebpf_collection_load(l->spec, NULL, &l->coll);

	ck_assert_msg(err == 0, "load: %d %s", err, ebpf_errmsg());
}

static void unload(struct loaded *l)
{
	ebpf_collection_close(l->coll);
	ebpf_spec_free(l->spec);
}

static struct ebpf_prog *prog(struct loaded *l, const char *name)
{
	struct ebpf_prog *p = ebpf_collection_prog(l->coll, name);
	const char *msg = NULL;

	ck_assert_msg(p != NULL, "no program %s", name);
	ck_assert_msg(ebpf_prog_load_error(p, &msg) == 0, "%s did not load: %s\n%s", name, msg ? msg : "",
		      ebpf_prog_verifier_log(p));
	return p;
}

static uint32_t run(struct ebpf_prog *p, void *ctx, uint32_t ctx_size)
{
	struct ebpf_test_run_opts o = { .sz = sizeof(o), .ctx_in = ctx, .ctx_size_in = ctx_size };
	int err = ebpf_prog_test_run(p, &o);

	ck_assert_msg(err == 0, "test run %s: %d %s", ebpf_prog_name(p), err, ebpf_errmsg());
	return o.retval;
}

/* Copy variable `name` of data map `map` (".bss", ".data", ".rodata") out of the kernel. */
static void read_var(struct loaded *l, const char *map, const char *name, void *out, size_t size)
{
	struct ebpf_map_spec *ms = ebpf_spec_map_by_name(l->spec, map);
	struct ebpf_map *m = ebpf_collection_map(l->coll, map);
	struct ebpf_var_info v;
	uint32_t key = 0;
	uint8_t *buf;
	size_t i, n;

	ck_assert_msg(ms && m, "no map %s", map);
	n = ebpf_map_spec_var_count(ms);
	for (i = 0; i < n; i++) {
		ck_assert_int_eq(ebpf_map_spec_var(ms, i, &v), 0);
		if (strcmp(v.name, name) == 0)
			break;
	}
	ck_assert_msg(i < n, "no variable %s in %s", name, map);
	ck_assert_uint_eq(v.size, size);
	buf = calloc(1, ebpf_map_value_buf_size(m));
	ck_assert_int_eq(ebpf_map_lookup(m, &key, buf), 0);
	memcpy(out, buf + v.offset, size);
	free(buf);
}

static int read_int(struct loaded *l, const char *map, const char *name)
{
	int v;

	read_var(l, map, name, &v, sizeof(v));
	return v;
}

static uint64_t read_u64(struct loaded *l, const char *map, const char *name)
{
	uint64_t v;

	read_var(l, map, name, &v, sizeof(v));
	return v;
}

/* /proc/kallsyms address of a T/t symbol, 0 if absent. */
static uint64_t kallsyms_addr(const char *name)
{
	FILE *f = fopen("/proc/kallsyms", "r");
	char line[512], sym[256], type;
	unsigned long long a, found = 0;

	ck_assert_ptr_nonnull(f);
	while (fgets(line, sizeof(line), f))
		if (sscanf(line, "%llx %c %255s", &a, &type, sym) == 3 && strcmp(sym, name) == 0)
			found = a;
	fclose(f);
	return found;
}

/* ------------------------------------------------------------------ kfuncs */

START_TEST(test_task_from_pid)
{
	struct loaded l;
	struct args a = { .pid = getpid() };
	char comm[16] = { 0 }, got[16];

	REQUIRE_BPF();
	load(&l, "relo_kfunc");
	load_coll(&l);
	ck_assert_uint_eq(run(prog(&l, "task_info"), &a, sizeof(a)), 0);
	ck_assert_int_eq(read_int(&l, ".bss", "got_pid"), getpid());
	ck_assert_int_eq(read_int(&l, ".bss", "got_tgid"), getpid());
	prctl(PR_GET_NAME, comm);
	read_var(&l, ".bss", "got_comm", got, sizeof(got));
	ck_assert_str_eq(got, comm);
	/* A pid that does not exist: the kfunc returns NULL, the program 1. */
	a.pid = 0x3ffffff0;
	ck_assert_uint_eq(run(prog(&l, "task_info"), &a, sizeof(a)), 1);
	unload(&l);
}
END_TEST

/* The cgroup2 id of this process: the inode of its cgroup directory. */
static uint64_t own_cgroup_id(void)
{
	char line[512], mnt[256] = "", path[256] = "", full[600];
	FILE *f = fopen("/proc/self/mountinfo", "r");
	struct stat st;

	if (!f)
		return 0;
	while (fgets(line, sizeof(line), f)) {
		char *sep = strstr(line, " - cgroup2 ");
		char m[256];

		if (sep && sscanf(line, "%*s %*s %*s %*s %255s", m) == 1) {
			strcpy(mnt, m);
			break;
		}
	}
	fclose(f);
	f = fopen("/proc/self/cgroup", "r");
	if (!f)
		return 0;
	while (fgets(line, sizeof(line), f))
		if (strncmp(line, "0::", 3) == 0)
			sscanf(line + 3, "%255s", path);
	fclose(f);
	if (!mnt[0] || !path[0])
		return 0;
	snprintf(full, sizeof(full), "%s%s", mnt, path);
	return stat(full, &st) == 0 ? st.st_ino : 0;
}

START_TEST(test_cgroup_from_id)
{
	struct loaded l;
	struct args a = { .pid = getpid() };
	struct ebpf_prog *p;
	const char *msg = NULL;

	REQUIRE_BPF();
	a.cgid = own_cgroup_id();
	if (!a.cgid) {
		test_skip(__func__, "no cgroup2 hierarchy to take this process's cgroup id from");
		return;
	}
	load(&l, "relo_kfunc");
	load_coll(&l);
	p = ebpf_collection_prog(l.coll, "cgroup_info");
	ck_assert_ptr_nonnull(p);
	if (ebpf_prog_load_error(p, &msg)) {
		/* The relocation itself must have succeeded: only the kernel may refuse. */
		ck_assert_msg(!strstr(msg ? msg : "", "bpf_cgroup_from_id'"), "%s", msg);
		test_skip(__func__, "this kernel refuses bpf_cgroup_from_id in syscall programs");
		unload(&l);
		return;
	}
	run(p, &a, sizeof(a));
	ck_assert_int_eq(read_int(&l, ".bss", "cg_found"), 1);
	a.cgid = 0x7fffffffffffull;	/* no such cgroup */
	run(p, &a, sizeof(a));
	ck_assert_int_eq(read_int(&l, ".bss", "cg_found"), 0);
	unload(&l);
}
END_TEST

START_TEST(test_weak_kfuncs)
{
	struct loaded l;
	struct args a = { .pid = getpid() };

	REQUIRE_BPF();
	load(&l, "relo_kfunc");
	load_coll(&l);
	run(prog(&l, "weak_kfuncs"), &a, sizeof(a));
	ck_assert_int_eq(read_int(&l, ".data", "weak_missing_exists"), 0);
	ck_assert_int_eq(read_int(&l, ".data", "weak_present_exists"), 1);
	ck_assert_int_eq(read_int(&l, ".bss", "weak_present_called"), 1);
	unload(&l);
}
END_TEST

/* ------------------------------------------------------------------ ksyms */

START_TEST(test_ksyms)
{
	struct loaded l;
	struct ebpf_prog *p;
	const char *msg = NULL;
	uint64_t want = kallsyms_addr("bpf_prog_put");
	bool have_vars = kallsyms_addr("bpf_prog_active") != 0;
	int err;

	REQUIRE_BPF();
	ck_assert_uint_ne(want, 0);
	load(&l, "relo_kfunc");
	load_coll(&l);
	run(prog(&l, "ksym_addrs"), NULL, 0);
	/* typeless: the address /proc/kallsyms shows */
	ck_assert_uint_eq(read_u64(&l, ".bss", "prog_put_addr"), want);
	p = ebpf_collection_prog(l.coll, "strong_var");
	ck_assert_ptr_nonnull(p);
	err = ebpf_prog_load_error(p, &msg);
	if (have_vars) {
		test_skip(__func__, "kernel lists data symbols (CONFIG_KALLSYMS_ALL): typed ksyms resolve");
		ck_assert_int_eq(err, 0);
	} else {
		/* weak typed ksym without an address: loads and sees NULL */
		ck_assert_uint_eq(read_u64(&l, ".data", "cpu_number_addr"), 0);
		/* strong: refused before the verifier, naming symbol and kernel option */
		ck_assert_int_eq(err, -ENOENT);
		ck_assert_ptr_nonnull(msg);
		ck_assert_msg(strstr(msg, "ksym 'bpf_prog_active'") && strstr(msg, "CONFIG_KALLSYMS_ALL"),
			      "message: %s", msg);
	}
	unload(&l);
}
END_TEST

/* ------------------------------------------------------------- subprograms */

START_TEST(test_subprograms_and_data)
{
	struct loaded l;
	uint8_t pkt[64] = { 0 };
	struct ebpf_test_run_opts o = { .sz = sizeof(o), .data_in = pkt, .data_size_in = sizeof(pkt) };
	int ro = 41;

	REQUIRE_BPF();
	load(&l, "relo_subprogs");
	/* .rodata constant set before load: the programs' results depend on it. */
	ck_assert_int_eq(ebpf_spec_set_var(l.spec, "ro_base", &ro, sizeof(ro)), 0);
	load_coll(&l);
	/* bpf_loop callback sum 45 + global_mul(2, 3) */
	ck_assert_uint_eq(run(prog(&l, "sum_loop"), NULL, 0), 51);
	ck_assert_uint_eq(run(prog(&l, "sum_loop"), NULL, 0), 51);
	ck_assert_int_eq(read_int(&l, ".data", "data_counter"), 7);
	ck_assert_int_eq(read_int(&l, ".bss", "bss_last"), 45);
	ck_assert_int_eq(read_int(&l, ".rodata", "ro_base"), 41);
	/* twice_add(4) + in_section_helper(45) + static_bss (2 runs) * 1000 */
	ck_assert_uint_eq(run(prog(&l, "calls"), NULL, 0), (8 + 41) + (3 * 41 + 12) + 2000);
	/* shared_add from another section (xdp) */
	ck_assert_int_eq(ebpf_prog_test_run(prog(&l, "xdp_shared"), &o), 0);
	ck_assert_uint_eq(o.retval, 2 /* XDP_PASS */);
	unload(&l);
}
END_TEST

/* ------------------------------------------------------------------ kconfig */

START_TEST(test_kconfig)
{
	struct loaded l;
	struct utsname u;
	unsigned maj = 0, min = 0, pat = 0;
	struct ebpf_prog *p;
	const char *msg = NULL;
	char host[16];
	FILE *f;
	char line[256], want_host[64] = "";
	int want_hz = 0, want_kallsyms_all = 0, n;

	REQUIRE_BPF();
	f = popen("zcat /proc/config.gz 2>/dev/null", "r");
	ck_assert_ptr_nonnull(f);
	while (fgets(line, sizeof(line), f)) {
		sscanf(line, "CONFIG_HZ=%d", &want_hz);
		if (strncmp(line, "CONFIG_KALLSYMS_ALL=y", 21) == 0)
			want_kallsyms_all = 1;
		sscanf(line, "CONFIG_DEFAULT_HOSTNAME=\"%63[^\"]\"", want_host);
	}
	n = pclose(f);
	if (n != 0 || !want_hz) {
		test_skip(__func__, "no /proc/config.gz with CONFIG_HZ");
		return;
	}
	uname(&u);
	sscanf(u.release, "%u.%u.%u", &maj, &min, &pat);
	load(&l, "relo_kconfig");
	load_coll(&l);
	run(prog(&l, "read_kconfig"), NULL, 0);
	ck_assert_uint_eq(read_int(&l, ".bss", "kver"), (maj << 16) | (min << 8) | (pat > 255 ? 255 : pat));
	ck_assert_int_eq(read_int(&l, ".bss", "bpf_syscall"), 1);
	ck_assert_int_eq(read_int(&l, ".bss", "hz"), want_hz);
	ck_assert_int_eq(read_int(&l, ".bss", "kallsyms_all"), want_kallsyms_all);
	ck_assert_int_eq(read_int(&l, ".bss", "no_such"), 0);
	read_var(&l, ".bss", "hostname", host, sizeof(host));
	host[15] = '\0';
	want_host[15] = '\0';
	ck_assert_str_eq(host, want_host);
	/* The program reading a strong unknown option failed alone, saying which. */
	p = ebpf_collection_prog(l.coll, "uses_missing");
	ck_assert_ptr_nonnull(p);
	ck_assert_int_eq(ebpf_prog_load_error(p, &msg), -ENOENT);
	ck_assert_msg(msg && strstr(msg, "kconfig 'CONFIG_RELO_STRONG_MISSING': not in this kernel's config"),
		      "message: %s", msg ? msg : "(null)");
	unload(&l);
}
END_TEST

Suite *suite_relo_load(void)
{
	Suite *s = suite_create("relo_load");
	TCase *tc = test_tcase("load");

	tcase_add_test(tc, test_task_from_pid);
	tcase_add_test(tc, test_cgroup_from_id);
	tcase_add_test(tc, test_weak_kfuncs);
	tcase_add_test(tc, test_ksyms);
	tcase_add_test(tc, test_subprograms_and_data);
	tcase_add_test(tc, test_kconfig);
	suite_add_tcase(s, tc);
	return s;
}
