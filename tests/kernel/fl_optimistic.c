/*
 * The optimistic load, in the kernel: a fresh process loading a plain object
 * runs no feature probe (the object's BTF, program names and mmapable data
 * maps are simply sent, and what succeeded is recorded as the feature's
 * answer); a feature already known missing is not used (names left out, data
 * maps not mmapable, BTF kinds rewritten, func_info dropped without FUNCs);
 * and a BTF the kernel refuses is probed, rewritten and sent again.
 *
 * Each case runs in a forked child whose feature answers are forgotten first,
 * so it sees exactly what a fresh process sees, whatever ran before it.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "btf/btf.h"
#include "lib/collection_internal.h"
#include "lib/features.h"
#include "lib/sys.h"
#include "testutil.h"

struct report {
	int done;			/* the child got to the end */
	int load_err;
	char errmsg[256];
	int after[EB_FEAT_COUNT];	/* eb_feature_cached() after the load */
	int btf_loaded, btf_as_is;	/* kernel holds the object's BTF, byte for byte */
	int btf_funcs;
	uint32_t nprogs;
	char prog_name[4][EB_OBJ_NAME_LEN];
	uint32_t nr_func_info[4], nr_line_info[4];
	uint32_t bss_flags, rodata_flags;
};

struct scenario {
	const char *obj;
	/* answers known before the load (as if probed earlier): EB_NO */
	enum eb_feature known_no[4];
	int known_no_cnt;
	bool hide_externs;		/* pretend the spec has no extern (its BTF still does) */
	bool no_programs;		/* load the BTF (and nothing else) */
};

static uint32_t map_flags(const struct ebpf_collection *coll, const char *name)
{
	struct ebpf_map *m = ebpf_collection_map(coll, name);
	struct eb_map_info info;
	uint32_t len = sizeof(info);

	if (!m || ebpf_map_fd(m) < 0)
		return 0xffffffff;
	memset(&info, 0, sizeof(info));
	if (eb_sys_obj_info(ebpf_map_fd(m), &info, &len))
		return 0xfffffffe;
	return info.map_flags;
}

/* Whether the kernel's copy of the collection's BTF is the object's own bytes. */
static int btf_as_is(const struct ebpf_collection *coll)
{
	struct eb_btf_info info;
	uint32_t len = sizeof(info);
	size_t raw_size;
	const void *raw = eb_btf_raw(coll->spec->btf, &raw_size);

	memset(&info, 0, sizeof(info));
	if (eb_sys_obj_info(coll->btf_fd, &info, &len) || info.btf_size != raw_size)
		return 0;
	void *buf = calloc(1, raw_size);
	if (!buf)
		return -1;
	memset(&info, 0, sizeof(info));
	info.btf = (uintptr_t)buf;
	info.btf_size = (uint32_t)raw_size;
	len = sizeof(info);
	int same = !eb_sys_obj_info(coll->btf_fd, &info, &len) && !memcmp(buf, raw, raw_size);
	free(buf);
	return same;
}

static void child(const struct scenario *sc, struct report *r)
{
	static const char *const none[] = { NULL };
	struct ebpf_load_opts opts = { .sz = sizeof(opts), .programs = sc->no_programs ? none : NULL };
	struct ebpf_spec *spec = NULL;
	struct ebpf_collection *coll = NULL;
	uint32_t externs = 0;

	eb_features_forget();
	for (int i = 0; i < sc->known_no_cnt; i++)
		eb_feature_learned(sc->known_no[i], EB_NO);
	if (ebpf_spec_open_file(testobj(sc->obj), NULL, &spec)) {
		r->load_err = -1000;
		snprintf(r->errmsg, sizeof(r->errmsg), "open: %s", ebpf_errmsg());
		return;
	}
	if (sc->hide_externs) {
		externs = spec->extern_cnt;
		spec->extern_cnt = 0;
	}
	r->load_err = ebpf_collection_load(spec, &opts, &coll);
	snprintf(r->errmsg, sizeof(r->errmsg), "%s", ebpf_errmsg());
	for (int f = 0; f < EB_FEAT_COUNT; f++)
		r->after[f] = eb_feature_cached((enum eb_feature)f);
	if (!r->load_err) {
		r->btf_loaded = coll->btf_fd >= 0;
		r->btf_as_is = r->btf_loaded ? btf_as_is(coll) : 0;
		r->btf_funcs = coll->btf_funcs;
		r->nprogs = (uint32_t)ebpf_collection_prog_count(coll);
		for (uint32_t i = 0; i < r->nprogs && i < 4; i++) {
			int fd = ebpf_prog_fd(ebpf_collection_prog_at(coll, i));
			struct eb_prog_info info;
			uint32_t len = sizeof(info);

			memset(&info, 0, sizeof(info));
			if (fd < 0 || eb_sys_obj_info(fd, &info, &len)) {
				snprintf(r->prog_name[i], EB_OBJ_NAME_LEN, "?not loaded");
				continue;
			}
			memcpy(r->prog_name[i], info.name, EB_OBJ_NAME_LEN);
			r->prog_name[i][EB_OBJ_NAME_LEN - 1] = '\0';
			r->nr_func_info[i] = info.nr_func_info;
			r->nr_line_info[i] = info.nr_line_info;
		}
		r->bss_flags = map_flags(coll, ".bss");
		r->rodata_flags = map_flags(coll, ".rodata");
	}
	ebpf_collection_close(coll);
	if (sc->hide_externs)
		spec->extern_cnt = externs;
	ebpf_spec_free(spec);
	r->done = 1;
}

static void run(const struct scenario *sc, struct report *r)
{
	int pfd[2];

	memset(r, 0, sizeof(*r));
	ck_assert_int_eq(pipe(pfd), 0);
	pid_t pid = fork();
	ck_assert_int_ge(pid, 0);
	if (pid == 0) {
		struct report rep;

		close(pfd[0]);
		memset(&rep, 0, sizeof(rep));
		child(sc, &rep);
		const char *p = (const char *)&rep;
		for (size_t off = 0; off < sizeof(rep);) {
			ssize_t n = write(pfd[1], p + off, sizeof(rep) - off);
			if (n <= 0)
				_exit(2);
			off += (size_t)n;
		}
		_exit(0);
	}
	close(pfd[1]);
	size_t got = 0;
	while (got < sizeof(*r)) {
		ssize_t n = read(pfd[0], (char *)r + got, sizeof(*r) - got);
		if (n <= 0)
			break;
		got += (size_t)n;
	}
	close(pfd[0]);
	int status = 0;
	ck_assert_int_eq(waitpid(pid, &status, 0), pid);
	ck_assert_msg(WIFEXITED(status) && WEXITSTATUS(status) == 0, "child status 0x%x", status);
	ck_assert_uint_eq(got, sizeof(*r));
	ck_assert_msg(r->done, "child stopped early: %d %s", r->load_err, r->errmsg);
	ck_assert_msg(r->load_err == 0, "load %s: %d %s", sc->obj, r->load_err, r->errmsg);
}

START_TEST(test_fresh_process_runs_no_probe)
{
	struct scenario sc = { .obj = "bench_small" };
	struct report r;

	REQUIRE_BPF();
	run(&sc, &r);
	/* no probe ran: every answer still undecided, except those the load itself proved */
	for (int f = 0; f < EB_FEAT_COUNT; f++)
		if (f != EB_FEAT_PROG_NAME && f != EB_FEAT_MMAPABLE_MAPS)
			ck_assert_msg(r.after[f] == EB_UNKNOWN, "%s was probed (answer %d)",
				      eb_feature_name((enum eb_feature)f), r.after[f]);
	ck_assert_int_eq(r.after[EB_FEAT_PROG_NAME], EB_YES);
	ck_assert_int_eq(r.after[EB_FEAT_MMAPABLE_MAPS], EB_YES);
	/* and everything was used: the object's BTF as is, names, func/line info, mmapable data */
	ck_assert(r.btf_loaded && r.btf_as_is && r.btf_funcs);
	ck_assert_uint_eq(r.nprogs, 2);
	ck_assert_str_eq(r.prog_name[0], "count_getpid");
	ck_assert_str_eq(r.prog_name[1], "count_packets");
	for (int i = 0; i < 2; i++) {
		ck_assert_uint_eq(r.nr_func_info[i], 1);
		ck_assert_uint_gt(r.nr_line_info[i], 0);
	}
	ck_assert_uint_eq(r.bss_flags, EBPF_F_MMAPABLE);
	ck_assert_uint_eq(r.rodata_flags, EBPF_F_MMAPABLE | EBPF_F_RDONLY_PROG);
}
END_TEST

START_TEST(test_known_missing_features_are_not_used)
{
	struct scenario sc = {
		.obj = "bench_small",
		.known_no = { EB_FEAT_PROG_NAME, EB_FEAT_MMAPABLE_MAPS, EB_FEAT_BTF_FUNC_GLOBAL },
		.known_no_cnt = 3,
	};
	struct report r;

	REQUIRE_BPF();
	run(&sc, &r);
	/* unnamed programs, plain data maps */
	ck_assert_str_eq(r.prog_name[0], "");
	ck_assert_str_eq(r.prog_name[1], "");
	ck_assert_uint_eq(r.bss_flags, 0);
	ck_assert_uint_eq(r.rodata_flags, EBPF_F_RDONLY_PROG);
	/* global FUNCs made static: not the object's bytes, but FUNCs kept for func_info */
	ck_assert(r.btf_loaded && !r.btf_as_is && r.btf_funcs);
	ck_assert_uint_eq(r.nr_func_info[0], 1);
	/* the known answers stand; nothing was probed */
	ck_assert_int_eq(r.after[EB_FEAT_PROG_NAME], EB_NO);
	ck_assert_int_eq(r.after[EB_FEAT_MMAPABLE_MAPS], EB_NO);
	ck_assert_int_eq(r.after[EB_FEAT_BTF_FUNC], EB_UNKNOWN);
}
END_TEST

START_TEST(test_no_btf_funcs_no_func_info)
{
	struct scenario sc = { .obj = "bench_small", .known_no = { EB_FEAT_BTF_FUNC }, .known_no_cnt = 1 };
	struct report r;

	REQUIRE_BPF();
	run(&sc, &r);
	/* FUNCs became TYPEDEFs: func_info (and line_info) would name the wrong kind */
	ck_assert(r.btf_loaded && !r.btf_as_is && !r.btf_funcs);
	ck_assert_uint_eq(r.nprogs, 2);
	for (int i = 0; i < 2; i++) {
		ck_assert_str_eq(r.prog_name[i], i ? "count_packets" : "count_getpid");
		ck_assert_uint_eq(r.nr_func_info[i], 0);
		ck_assert_uint_eq(r.nr_line_info[i], 0);
	}
}
END_TEST

START_TEST(test_refused_btf_is_probed_and_rewritten)
{
	/* extern VARs in .kconfig: the kernel refuses the bytes as they are */
	struct scenario sc = { .obj = "relo_kconfig", .hide_externs = true, .no_programs = true };
	struct report r;

	REQUIRE_BPF();
	run(&sc, &r);
	ck_assert_msg(r.btf_loaded, "BTF not loaded: %s", r.errmsg);
	ck_assert(!r.btf_as_is);
	ck_assert(r.btf_funcs);
	/* the refusal made the load probe the kinds the object uses */
	ck_assert_int_eq(r.after[EB_FEAT_BTF_DATASEC], EB_YES);
	ck_assert_int_eq(r.after[EB_FEAT_BTF_FUNC], EB_YES);
	/* and only those */
	ck_assert_int_eq(r.after[EB_FEAT_BTF_ENUM64], EB_UNKNOWN);
	ck_assert_int_eq(r.after[EB_FEAT_PROG_NAME], EB_UNKNOWN);
}
END_TEST

Suite *suite_fl_optimistic(void)
{
	Suite *s = suite_create("fl_optimistic");
	TCase *tc = test_tcase("core");

	tcase_add_test(tc, test_fresh_process_runs_no_probe);
	tcase_add_test(tc, test_known_missing_features_are_not_used);
	tcase_add_test(tc, test_no_btf_funcs_no_func_info);
	tcase_add_test(tc, test_refused_btf_is_probed_and_rewritten);
	suite_add_tcase(s, tc);
	return s;
}
