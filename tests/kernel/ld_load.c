/*
 * A collection load of many programs per section (ld_many: two sections whose
 * programs alternate in file order, shared subprograms, a map), as the load
 * path does it (one cursor through the sections' .BTF.ext records, the map
 * fds gathered on the stack): every program returns its value, bumps its map
 * slot, and reaches the kernel with exactly the func_info and line_info a
 * relocation of it alone produces. A private copy (the cookie path, which
 * relocates again without the load's fd table) loads the same image.
 */
#include <errno.h>
#include <stdint.h>
#include <string.h>
#include <unistd.h>

#include "lib/collection_internal.h"
#include "lib/spec.h"
#include "lib/sys.h"
#include "relo/relo.h"
#include "testutil.h"

static const struct {
	const char *name;
	uint32_t retval;
	int slot;	/* ld_counts slot it bumps, -1: none */
} expect[] = {
	{ "ld_a0", 10, 0 }, { "ld_a1", 11, 1 }, { "ld_a2", 103, 2 }, { "ld_a3", 201, -1 },
	{ "ld_a4", 14, 4 }, { "ld_x0", 2, -1 }, { "ld_x1", 2, 3 },
};

static void prog_info(const struct ebpf_prog *p, struct eb_prog_info *info)
{
	uint32_t len = sizeof(*info);

	memset(info, 0, sizeof(*info));
	ck_assert_int_eq(eb_sys_obj_info(ebpf_prog_fd(p), info, &len), 0);
}

START_TEST(many_programs_run_with_their_btf_info)
{
	struct ebpf_spec *spec;
	struct ebpf_collection *coll;
	struct eb_relo_env env = { 0 };
	struct eb_extern_res *res = NULL;
	int fds[8];

	REQUIRE_BPF();
	ck_assert_int_eq(ebpf_spec_open_file(testobj("ld_many"), NULL, &spec), 0);
	ck_assert_msg(ebpf_collection_load(spec, NULL, &coll) == 0, "%s", ebpf_errmsg());
	ck_assert_uint_eq(ebpf_collection_prog_count(coll), sizeof(expect) / sizeof(expect[0]));
	ck_assert_int_eq(eb_relo_resolve_externs(spec, &env, &res), 0);
	ck_assert_uint_le(spec->map_cnt, 8);
	for (uint32_t i = 0; i < spec->map_cnt; i++)
		fds[i] = 100 + (int)i;

	for (size_t i = 0; i < sizeof(expect) / sizeof(expect[0]); i++) {
		struct ebpf_prog *p = ebpf_collection_prog(coll, expect[i].name);
		unsigned char pkt[64] = { 0 };
		struct ebpf_test_run_opts o = { .sz = sizeof(o) };
		struct eb_relo_prog alone;
		struct eb_prog_info info;

		ck_assert_ptr_nonnull(p);
		ck_assert_msg(ebpf_prog_fd(p) >= 0, "%s: %s", expect[i].name, ebpf_prog_verifier_log(p));
		if (!strncmp(expect[i].name, "ld_x", 4)) {
			o.data_in = pkt;
			o.data_size_in = sizeof(pkt);
		}
		ck_assert_msg(ebpf_prog_test_run(p, &o) == 0, "%s: %s", expect[i].name, ebpf_errmsg());
		ck_assert_msg(o.retval == expect[i].retval, "%s returned %u, expected %u", expect[i].name,
			      o.retval, expect[i].retval);
		/* the kernel has what a relocation of this program alone gives, and some of it */
		ck_assert_int_eq(eb_relo_program(spec, ebpf_prog_spec_of(p), &env, res, fds, &alone), 0);
		prog_info(p, &info);
		ck_assert_uint_ne(info.btf_id, 0);
		ck_assert_uint_gt(alone.line_info_cnt, 0);
		ck_assert_msg(info.nr_func_info == alone.func_info_cnt, "%s: kernel %u func_info, relocation %u",
			      expect[i].name, info.nr_func_info, alone.func_info_cnt);
		ck_assert_msg(info.nr_line_info == alone.line_info_cnt, "%s: kernel %u line_info, relocation %u",
			      expect[i].name, info.nr_line_info, alone.line_info_cnt);
		eb_relo_prog_free(&alone);
	}
	for (size_t i = 0; i < sizeof(expect) / sizeof(expect[0]); i++) {
		uint32_t key;
		uint64_t v = 0;

		if (expect[i].slot < 0)
			continue;
		key = (uint32_t)expect[i].slot;
		ck_assert_int_eq(ebpf_map_lookup(ebpf_collection_map(coll, "ld_counts"), &key, &v), 0);
		ck_assert_msg(v == 1, "%s: slot %u is %llu", expect[i].name, key, (unsigned long long)v);
	}
	eb_relo_externs_free(res, spec->extern_cnt);
	ebpf_collection_close(coll);
	ebpf_spec_free(spec);
}
END_TEST

/* The private-copy path gathers the maps' fds itself: the copy runs and bumps the same map. */
START_TEST(private_copy_uses_the_maps_fds)
{
	struct ebpf_spec *spec;
	struct ebpf_collection *coll;
	struct ebpf_test_run_opts o = { .sz = sizeof(o) };
	uint32_t key = 4;
	uint64_t v = 0;
	int fd = -1;

	REQUIRE_BPF();
	ck_assert_int_eq(ebpf_spec_open_file(testobj("ld_many"), NULL, &spec), 0);
	ck_assert_msg(ebpf_collection_load(spec, NULL, &coll) == 0, "%s", ebpf_errmsg());
	struct ebpf_prog *p = ebpf_collection_prog(coll, "ld_a4");
	ck_assert_ptr_nonnull(p);
	ck_assert_msg(eb_prog_load_copy(p, NULL, NULL, &fd) == 0, "%s", ebpf_errmsg());
	ck_assert_int_ge(fd, 0);
	struct eb_attr_test_run a = { .prog_fd = (uint32_t)fd };	/* syscall programs take no repeat */
	ck_assert_int_eq(eb_sys_prog_test_run(&a), 0);
	ck_assert_uint_eq(a.retval, 14);
	ck_assert_int_eq(ebpf_map_lookup(ebpf_collection_map(coll, "ld_counts"), &key, &v), 0);
	ck_assert_uint_eq(v, 1);	/* the copy's run, in the collection's map */
	ck_assert_int_eq(ebpf_prog_test_run(p, &o), 0);
	ck_assert_int_eq(ebpf_map_lookup(ebpf_collection_map(coll, "ld_counts"), &key, &v), 0);
	ck_assert_uint_eq(v, 2);
	close(fd);
	ebpf_collection_close(coll);
	ebpf_spec_free(spec);
}
END_TEST

Suite *suite_ld_load(void)
{
	Suite *s = suite_create("ld_load");
	TCase *tc = test_tcase("core");

	tcase_add_test(tc, many_programs_run_with_their_btf_info);
	tcase_add_test(tc, private_copy_uses_the_maps_fds);
	suite_add_tcase(s, tc);
	return s;
}
