/*
 * A collection keeps no relocated image after a program is loaded (peak heap,
 * issue 11): each program is relocated, loaded and freed before the next.
 * These tests check what still depends on relocation after load: programs with
 * many subprograms (the linker's placed list leaves its inline storage) and
 * one-function programs run with the right values, and a private copy
 * (eb_prog_load_copy, used by cookie emulation) relocates the program again
 * with the same map fds and .BTF.ext records, hands its arrays to the rewrite,
 * and leaks nothing.
 */
#include <errno.h>
#include <stdint.h>
#include <string.h>
#include <unistd.h>

#include "testutil.h"
#include "lib/alloc.h"
#include "lib/collection_internal.h"
#include "lib/sys.h"

#define CHAIN_RET 1118	/* 1 + 10 + 100 + 1000 + hp_base (7), see testdata/hp_chain.bpf.c */
#define SINGLE_RET 47	/* 40 + hp_base */

static struct ebpf_spec *spec;
static struct ebpf_collection *coll;

static void load_chain(void)
{
	ck_assert_int_eq(ebpf_spec_open_file(testobj("hp_chain"), NULL, &spec), 0);
	ck_assert_msg(ebpf_collection_load(spec, NULL, &coll) == 0, "%s", ebpf_errmsg());
}

static void unload_chain(void)
{
	ebpf_collection_close(coll);
	ebpf_spec_free(spec);
	coll = NULL;
	spec = NULL;
}

/* Run a socket filter fd on a minimal packet; its return value. */
static uint32_t run_fd(int fd)
{
	uint8_t pkt[64] = { 0 }, out[64];
	struct eb_attr_test_run a;

	memset(&a, 0, sizeof(a));
	a.prog_fd = (uint32_t)fd;
	a.data_in = eb_ptr(pkt);
	a.data_size_in = sizeof(pkt);
	/* an out buffer too: valgrind checks the pointer the kernel may write through */
	a.data_out = eb_ptr(out);
	a.data_size_out = sizeof(out);
	ck_assert_msg(eb_sys_prog_test_run(&a) == 0, "test run: %s", strerror(errno));
	return a.retval;
}

static int hp_out(void)
{
	struct ebpf_map *bss = ebpf_collection_map(coll, ".bss");
	uint32_t key = 0;
	int v = -1;

	ck_assert_ptr_nonnull(bss);
	ck_assert_int_eq(ebpf_map_lookup(bss, &key, &v), 0);
	return v;
}

static uint32_t nr_func_info(int fd)
{
	struct eb_prog_info info;
	uint32_t len = sizeof(info);

	memset(&info, 0, sizeof(info));
	ck_assert_int_eq(eb_sys_obj_info(fd, &info, &len), 0);
	return info.nr_func_info;
}

START_TEST(chain_and_single_run)
{
	REQUIRE_BPF();
	load_chain();
	struct ebpf_prog *chain = ebpf_collection_prog(coll, "chain");
	struct ebpf_prog *single = ebpf_collection_prog(coll, "single");

	ck_assert_msg(ebpf_prog_fd(chain) >= 0, "chain: %s", ebpf_prog_verifier_log(chain));
	ck_assert_msg(ebpf_prog_fd(single) >= 0, "single: %s", ebpf_prog_verifier_log(single));
	/* the program and its four subprograms, each once, with their func_info */
	ck_assert_uint_eq(nr_func_info(ebpf_prog_fd(chain)), 5);
	ck_assert_uint_eq(nr_func_info(ebpf_prog_fd(single)), 1);
	ck_assert_uint_eq(run_fd(ebpf_prog_fd(chain)), CHAIN_RET);
	ck_assert_int_eq(hp_out(), CHAIN_RET);
	ck_assert_uint_eq(run_fd(ebpf_prog_fd(single)), SINGLE_RET);
	ck_assert_int_eq(hp_out(), SINGLE_RET);
	unload_chain();
}
END_TEST

struct seen {
	uint32_t insn_cnt, func_info_cnt, line_info_cnt;
	int calls;
};

/* Records the image, and grows its instruction array: the image must own it. */
static int grow_rewrite(struct eb_prog_image *img, void *ctx)
{
	struct seen *s = ctx;
	struct ebpf_insn *grown;

	s->calls++;
	s->insn_cnt = img->insn_cnt;
	s->func_info_cnt = img->func_info_cnt;
	s->line_info_cnt = img->line_info_cnt;
	grown = eb_realloc(img->insns, ((size_t)img->insn_cnt + 64) * sizeof(*grown));
	if (!grown)
		return -ENOMEM;
	img->insns = grown;	/* insn_cnt unchanged: the program is the same */
	return 0;
}

START_TEST(copy_relocates_again)
{
	struct seen s = { 0 };
	int fd = -1;

	REQUIRE_BPF();
	load_chain();
	struct ebpf_prog *chain = ebpf_collection_prog(coll, "chain");

	ck_assert_int_ge(ebpf_prog_fd(chain), 0);
	/* another program writes .bss first, so the copy's write is its own */
	ck_assert_uint_eq(run_fd(ebpf_prog_fd(ebpf_collection_prog(coll, "single"))), SINGLE_RET);
	ck_assert_int_eq(hp_out(), SINGLE_RET);

	ck_assert_msg(eb_prog_load_copy(chain, grow_rewrite, &s, &fd) == 0, "%s", ebpf_errmsg());
	ck_assert_int_ge(fd, 0);
	ck_assert_int_ne(fd, ebpf_prog_fd(chain));
	ck_assert_int_eq(s.calls, 1);
	/* five functions of 2+ instructions each; their func_info and line_info carried */
	ck_assert_uint_ge(s.insn_cnt, 10);
	ck_assert_uint_eq(s.func_info_cnt, 5);
	ck_assert_uint_gt(s.line_info_cnt, 5);
	ck_assert_uint_eq(nr_func_info(fd), 5);
	/* same code, same .rodata and .bss maps as the original */
	ck_assert_uint_eq(run_fd(fd), CHAIN_RET);
	ck_assert_int_eq(hp_out(), CHAIN_RET);
	close(fd);
	unload_chain();
}
END_TEST

START_TEST(copy_without_rewrite_and_no_fd_leak)
{
	int before, fd;

	REQUIRE_BPF();
	load_chain();
	struct ebpf_prog *single = ebpf_collection_prog(coll, "single");

	before = test_count_fds();
	for (int i = 0; i < 3; i++) {
		fd = -1;
		ck_assert_msg(eb_prog_load_copy(single, NULL, NULL, &fd) == 0, "%s", ebpf_errmsg());
		ck_assert_uint_eq(run_fd(fd), SINGLE_RET);
		close(fd);
	}
	ck_assert_int_eq(test_count_fds(), before);
	unload_chain();
}
END_TEST

static int fail_rewrite(struct eb_prog_image *img, void *ctx)
{
	(void)img;
	(void)ctx;
	return -E2BIG;
}

START_TEST(copy_refused_or_failed)
{
	int fd = 7;

	REQUIRE_BPF();
	load_chain();
	/* '?socket': not chosen, so never relocated */
	struct ebpf_prog *lazy = ebpf_collection_prog(coll, "lazy");

	ck_assert_ptr_nonnull(lazy);
	ck_assert_int_lt(ebpf_prog_fd(lazy), 0);
	ck_assert_int_eq(eb_prog_load_copy(lazy, NULL, NULL, &fd), -ENOENT);
	ck_assert_int_eq(fd, -1);
	ck_assert_errmsg_has("prog 'lazy': has no relocated instructions to copy");
	/* the rewrite's error comes back as is; the relocated copy is freed */
	fd = 7;
	ck_assert_int_eq(eb_prog_load_copy(ebpf_collection_prog(coll, "chain"), fail_rewrite, NULL, &fd),
			 -E2BIG);
	ck_assert_int_eq(fd, -1);
	unload_chain();
}
END_TEST

Suite *suite_hp_perprog(void)
{
	Suite *s = suite_create("hp_perprog");
	TCase *tc = test_tcase("perprog");

	tcase_add_test(tc, chain_and_single_run);
	tcase_add_test(tc, copy_relocates_again);
	tcase_add_test(tc, copy_without_rewrite_and_no_fd_leak);
	tcase_add_test(tc, copy_refused_or_failed);
	suite_add_tcase(s, tc);
	return s;
}
