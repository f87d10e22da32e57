/*
 * CO-RE in the running kernel: testdata/core_task.bpf.c declares only local,
 * flavored pieces of task_struct (at offsets that are wrong for any real
 * kernel); the syscall program reads the calling thread through them and the
 * values must equal what /proc and the libc say.
 */
#include <errno.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <ebpf/collection.h>

#include "testutil.h"
#include "btf/btf.h"
#include "testdata/include/core_task_results.h"

#ifndef SCHED_RESET_ON_FORK
#define SCHED_RESET_ON_FORK 0x40000000
#endif


static struct ebpf_collection *load_only(const char *prog_name, struct ebpf_spec **spec)
{
	const char *progs[] = { prog_name, NULL };
	struct ebpf_collection *coll = NULL;
	int err;

	ck_assert_msg(ebpf_spec_open_file(testobj("core_task"), NULL, spec) == 0, "%s", ebpf_errmsg());
	ebpf_prog_spec_set_autoload(ebpf_spec_prog_by_name(*spec, prog_name), true);
	err = ebpf_collection_load(*spec, &EBPF_OPTS(ebpf_load_opts, .programs = progs), &coll);
	ck_assert_msg(err == 0, "load: %d %s", err, ebpf_errmsg());
	return coll;
}

static void run_and_read(struct ebpf_collection *coll, struct core_results *res)
{
	struct ebpf_prog *prog = ebpf_collection_prog(coll, "core_read_task");
	struct ebpf_map *bss = ebpf_collection_map(coll, ".bss");
	struct ebpf_test_run_opts opts = { .sz = sizeof(opts) };
	const char *msg = NULL;
	uint32_t key = 0;

	ck_assert_ptr_nonnull(prog);
	ck_assert_msg(ebpf_prog_fd(prog) >= 0, "core_read_task did not load: %d %s", ebpf_prog_load_error(prog, &msg),
		      msg ? msg : "");
	ck_assert_ptr_nonnull(bss);
	ck_assert_msg(ebpf_prog_test_run(prog, &opts) == 0, "test run: %s", ebpf_errmsg());
	ck_assert_int_eq(ebpf_map_lookup(bss, &key, res), 0);
	ck_assert_int_eq(res->done, 1);
}

static void thread_comm(char *buf, size_t len)
{
	char path[64];
	FILE *f;

	snprintf(path, sizeof(path), "/proc/self/task/%ld/comm", (long)syscall(SYS_gettid));
	f = fopen(path, "r");
	ck_assert_ptr_nonnull(f);
	ck_assert_ptr_nonnull(fgets(buf, (int)len, f));
	fclose(f);
	buf[strcspn(buf, "\n")] = 0;
}

START_TEST(test_task_fields_match_proc)
{
	struct ebpf_spec *spec = NULL;
	struct ebpf_collection *coll;
	struct ebpf_btf *vm = NULL;
	struct core_results res;
	char comm[32];
	int32_t task_id;

	REQUIRE_BPF();
	coll = load_only("core_read_task", &spec);
	memset(&res, 0, sizeof(res));
	run_and_read(coll, &res);
	thread_comm(comm, sizeof(comm));

	ck_assert_int_eq(res.pid, (int)syscall(SYS_gettid));
	ck_assert_int_eq(res.pid_direct, res.pid);
	ck_assert_int_eq(res.tgid, getpid());
	ck_assert_int_eq(res.parent_tgid, getppid());
	ck_assert_str_eq(res.comm, comm);
	ck_assert_int_eq(res.has_pid, 1);
	ck_assert_int_eq(res.has_missing_field, 0);
	ck_assert_int_eq(res.sid_value, 3);		/* PIDTYPE_SID; the object says 7 */
	ck_assert_int_eq(res.sid_exists, 1);
	ck_assert_int_eq(res.no_such_enumval_exists, 0);
	ck_assert_int_eq(res.task_exists, 1);
	ck_assert_int_eq(res.no_such_type_exists, 0);
	ck_assert_uint_eq(res.list_head_size, 16);
	ck_assert_uint_eq(res.pid_size, 4);
	ck_assert_uint_eq(res.comm_size, 16);
	ck_assert_int_eq(res.pid_signed, 1);
	ck_assert_int_eq(eb_btf_vmlinux(&vm), 0);
	task_id = eb_btf_find(vm, "task_struct", BTF_KIND_STRUCT);
	ck_assert_int_gt(task_id, 0);
	ck_assert_uint_eq(res.task_size, (uint64_t)eb_btf_type_size(vm, (uint32_t)task_id));
	ck_assert_uint_gt(res.task_size, 1000);	/* the local definition is 40 bytes */
	eb_btf_put(vm);
	ebpf_collection_close(coll);
	ebpf_spec_free(spec);
}
END_TEST

START_TEST(test_bitfield_follows_sched_reset_on_fork)
{
	struct sched_param sp = { 0 };
	struct ebpf_spec *spec = NULL;
	struct ebpf_collection *coll;
	struct core_results res;
	int policy = sched_getscheduler(0);

	REQUIRE_BPF();
	ck_assert_int_ge(policy, 0);
	coll = load_only("core_read_task", &spec);
	ck_assert_int_eq(sched_setscheduler(0, SCHED_OTHER, &sp), 0);
	run_and_read(coll, &res);
	ck_assert_uint_eq(res.reset_on_fork, 0);
	ck_assert_int_eq(sched_setscheduler(0, SCHED_OTHER | SCHED_RESET_ON_FORK, &sp), 0);
	run_and_read(coll, &res);
	ck_assert_uint_eq(res.reset_on_fork, 1);
	ck_assert_int_eq(sched_setscheduler(0, SCHED_OTHER, &sp), 0);
	run_and_read(coll, &res);
	ck_assert_uint_eq(res.reset_on_fork, 0);
	ebpf_collection_close(coll);
	ebpf_spec_free(spec);
}
END_TEST

START_TEST(test_missing_field_load_error_explains)
{
	struct ebpf_spec *spec = NULL;
	struct ebpf_collection *coll;
	struct ebpf_prog *prog;
	const char *msg = NULL;

	REQUIRE_BPF();
	coll = load_only("core_read_missing", &spec);
	prog = ebpf_collection_prog(coll, "core_read_missing");
	ck_assert_ptr_nonnull(prog);
	ck_assert_int_lt(ebpf_prog_fd(prog), 0);
	ck_assert_int_lt(ebpf_prog_load_error(prog, &msg), 0);
	ck_assert_ptr_nonnull(msg);
	ck_assert_msg(strstr(msg, "core_read_missing") != NULL, "message lacks the program: %s", msg);
	ck_assert_msg(strstr(msg, "task_struct___core.no_such_field_core_test: field not found in kernel BTF") != NULL,
		      "message lacks the type and access path: %s", msg);
	ck_assert_msg(strstr(msg, "insn") != NULL || strstr(msg, "instruction") != NULL,
		      "message lacks the instruction: %s", msg);
	ebpf_collection_close(coll);
	ebpf_spec_free(spec);
}
END_TEST

Suite *suite_core_task(void)
{
	Suite *s = suite_create("core_task");
	TCase *tc = test_tcase("task_struct");

	tcase_add_test(tc, test_task_fields_match_proc);
	tcase_add_test(tc, test_bitfield_follows_sched_reset_on_fork);
	tcase_add_test(tc, test_missing_field_load_error_explains);
	suite_add_tcase(s, tc);
	return s;
}
