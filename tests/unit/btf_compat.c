/*
 * Type compatibility (kfunc prototypes, typed ksyms) of compiled local
 * declarations against the real vmlinux BTF, and C-like rendering of types:
 * golden strings from vmlinux and from hand-made BTF for the declarator cases.
 */
#include <errno.h>
#include <stdio.h>
#include <unistd.h>

#include "testutil.h"
#include "btf_blob.h"
#include "btf/btf_internal.h"
#include "lib/spec.h"

#define VMLINUX "/sys/kernel/btf/vmlinux"

#define REQUIRE_VMLINUX()                                                          \
	do {                                                                       \
		if (access(VMLINUX, R_OK)) {                                       \
			test_skip(__func__, "no " VMLINUX);                        \
			return;                                                    \
		}                                                                  \
	} while (0)

static struct ebpf_spec *spec;
static struct ebpf_btf *vm;

static void open_both(void)
{
	ck_assert_int_eq(ebpf_spec_open_file(testobj("btf_compat"), NULL, &spec), 0);
	ck_assert_ptr_nonnull(spec->btf);
	ck_assert_int_eq(eb_btf_vmlinux(&vm), 0);
}

static void close_both(void)
{
	ebpf_spec_free(spec);
	eb_btf_put(vm);
	spec = NULL;
	vm = NULL;
}

/* The id of the type a local FUNC/VAR declares (its FUNC_PROTO / VAR type). */
static uint32_t local_decl(const char *name, unsigned kind)
{
	int32_t id = eb_btf_find(spec->btf, name, kind);

	ck_assert_msg(id > 0, "local %s not in object BTF", name);
	return eb_btf_type(spec->btf, (uint32_t)id)->type;
}

static uint32_t kernel_decl(const char *name, unsigned kind)
{
	int32_t id = eb_btf_find(vm, name, kind);

	ck_assert_msg(id > 0, "%s not in vmlinux BTF", name);
	return eb_btf_type(vm, (uint32_t)id)->type;
}

static bool decl_compat(const char *local, const char *kernel, unsigned kind)
{
	return eb_btf_types_compat(spec->btf, local_decl(local, kind), vm, kernel_decl(kernel, kind));
}

START_TEST(kfuncs_that_match)
{
	static const char *const same[] = {
		"bpf_task_from_pid", "bpf_task_release", "bpf_cgroup_from_id", "bpf_cgroup_ancestor",
		"bpf_cpumask_create", "bpf_cpumask_set_cpu", "bpf_dynptr_slice", "bpf_iter_num_new",
	};

	REQUIRE_VMLINUX();
	open_both();
	for (size_t i = 0; i < sizeof(same) / sizeof(same[0]); i++)
		ck_assert_msg(decl_compat(same[i], same[i], BTF_KIND_FUNC), "%s should match", same[i]);
	ck_assert(decl_compat("bpf_prog_active", "bpf_prog_active", BTF_KIND_VAR));
	ck_assert(decl_compat("runqueues", "runqueues", BTF_KIND_VAR));
	/* The FUNCs themselves compare through their prototypes. */
	ck_assert(eb_btf_types_compat(spec->btf, (uint32_t)eb_btf_find(spec->btf, "bpf_task_release", BTF_KIND_FUNC),
				      vm, (uint32_t)eb_btf_find(vm, "bpf_task_release", BTF_KIND_FUNC)));
	close_both();
}
END_TEST

START_TEST(kfuncs_that_do_not_match)
{
	static const struct { const char *local, *kernel; unsigned kind; } bad[] = {
		{ "bad_ret_int", "bpf_task_from_pid", BTF_KIND_FUNC },
		{ "bad_ret_void", "bpf_task_from_pid", BTF_KIND_FUNC },
		{ "bad_arity", "bpf_task_from_pid", BTF_KIND_FUNC },
		{ "bad_param_size", "bpf_task_from_pid", BTF_KIND_FUNC },
		{ "bad_struct_name", "bpf_task_release", BTF_KIND_FUNC },
		{ "bad_void_ptr", "bpf_task_release", BTF_KIND_FUNC },
		{ "bad_ptr_level", "bpf_task_release", BTF_KIND_FUNC },
		{ "bpf_task_release", "bpf_cgroup_ancestor", BTF_KIND_FUNC },
		{ "bpf_cpumask_create", "bpf_cgroup_from_id", BTF_KIND_FUNC },
		{ "bad_prog_active", "bpf_prog_active", BTF_KIND_VAR },
		{ "bad_runqueues", "runqueues", BTF_KIND_VAR },
		{ "bpf_prog_active", "runqueues", BTF_KIND_VAR },
	};

	REQUIRE_VMLINUX();
	open_both();
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		ck_assert_msg(!decl_compat(bad[i].local, bad[i].kernel, bad[i].kind), "%s should not match %s",
			      bad[i].local, bad[i].kernel);
	/* A function is not a variable, and ids out of range match nothing. */
	ck_assert(!eb_btf_types_compat(spec->btf, (uint32_t)eb_btf_find(spec->btf, "bpf_prog_active", BTF_KIND_VAR),
				       vm, (uint32_t)eb_btf_find(vm, "bpf_task_release", BTF_KIND_FUNC)));
	ck_assert(!eb_btf_types_compat(spec->btf, 0x7ffffff0, vm, 0x7ffffff0));
	ck_assert(!eb_btf_types_compat(NULL, 1, vm, 1));
	close_both();
}
END_TEST

static void type_str_is(const struct ebpf_btf *btf, uint32_t id, const char *want)
{
	char buf[256];

	ck_assert_int_eq(eb_btf_type_str(btf, id, buf, sizeof(buf)), 0);
	ck_assert_str_eq(buf, want);
}

START_TEST(render_vmlinux)
{
	REQUIRE_VMLINUX();
	open_both();
	type_str_is(vm, kernel_decl("bpf_task_from_pid", BTF_KIND_FUNC), "struct task_struct *(s32)");
	type_str_is(vm, kernel_decl("bpf_task_release", BTF_KIND_FUNC), "void (struct task_struct *)");
	type_str_is(vm, kernel_decl("bpf_cpumask_create", BTF_KIND_FUNC), "struct bpf_cpumask *(void)");
	type_str_is(vm, kernel_decl("bpf_dynptr_slice", BTF_KIND_FUNC),
		    "void *(const struct bpf_dynptr *, u32, void *, u32)");
	type_str_is(vm, kernel_decl("bpf_prog_active", BTF_KIND_VAR), "int");
	type_str_is(vm, (uint32_t)eb_btf_find(vm, "bpf_task_from_pid", BTF_KIND_FUNC),
		    "struct task_struct *bpf_task_from_pid(s32)");
	type_str_is(vm, (uint32_t)eb_btf_find(vm, "runqueues", BTF_KIND_VAR), "struct rq runqueues");
	type_str_is(vm, (uint32_t)eb_btf_find(vm, "task_struct", BTF_KIND_STRUCT), "struct task_struct");
	type_str_is(vm, 0, "void");
	/* Local declarations render as written (flavors, enums, forward declarations). */
	type_str_is(spec->btf, local_decl("bpf_task_from_pid", BTF_KIND_FUNC), "struct task_struct___local *(s32)");
	type_str_is(spec->btf, local_decl("bpf_iter_num_new", BTF_KIND_FUNC),
		    "int (struct bpf_iter_num *, enum start_value, int)");
	type_str_is(spec->btf, local_decl("bad_runqueues", BTF_KIND_VAR), "const struct rq *");
	type_str_is(spec->btf, local_decl("bad_ptr_level", BTF_KIND_FUNC), "void (struct task_struct **)");
	close_both();
}
END_TEST

/*
 * Hand-made BTF for declarators C writes inside out:
 *  [1] int  [2] char  [3] PTR->1  [4] ARRAY of 1 x4  [5] PTR->4  [6] FUNC_PROTO int(int, ...)
 *  [7] PTR->6  [8] CONST->2  [9] PTR->8  [10] CONST->9  [11] PTR->10  [12] STRUCT anon size 4
 *  [13] UNION 'u' [14] FWD union 'u' [15] FWD struct 'u' [16] TYPE_TAG 'rcu'->12
 *  [17] PTR->16 [18] ARRAY of 7 x2 [19] ENUM 'e' size 4 [20] ENUM64 'e64' size 8
 *  [21] STRUCT 'u' size 4 [22] INT long size 8 [23] FUNC_PROTO void(void)
 *  [24] FUNC_PROTO void(PTR->24) (a prototype taking a pointer to itself)  [25] PTR->24
 *  [26] STRUCT anon size 8
 */
static struct ebpf_btf *declarators(void)
{
	static struct tblob b;
	struct ebpf_btf *btf;
	size_t size;
	void *raw;
	uint32_t n_int, n_char;

	tb_init(&b, 0);
	n_int = tb_str(&b, "int");
	n_char = tb_str(&b, "char");
	tb_type(&b, n_int, BTF_KIND_INT, 0, 0, 4); tb_w(&b, (BTF_INT_SIGNED << 24) | 32);	/* 1 */
	tb_type(&b, n_char, BTF_KIND_INT, 0, 0, 1); tb_w(&b, 8);				/* 2 */
	tb_type(&b, 0, BTF_KIND_PTR, 0, 0, 1);							/* 3 */
	tb_type(&b, 0, BTF_KIND_ARRAY, 0, 0, 0); tb_w(&b, 1); tb_w(&b, 1); tb_w(&b, 4);		/* 4 */
	tb_type(&b, 0, BTF_KIND_PTR, 0, 0, 4);							/* 5 */
	tb_type(&b, 0, BTF_KIND_FUNC_PROTO, 2, 0, 1); tb_w(&b, 0); tb_w(&b, 1); tb_w(&b, 0); tb_w(&b, 0); /* 6 */
	tb_type(&b, 0, BTF_KIND_PTR, 0, 0, 6);							/* 7 */
	tb_type(&b, 0, BTF_KIND_CONST, 0, 0, 2);						/* 8 */
	tb_type(&b, 0, BTF_KIND_PTR, 0, 0, 8);							/* 9 */
	tb_type(&b, 0, BTF_KIND_CONST, 0, 0, 9);						/* 10 */
	tb_type(&b, 0, BTF_KIND_PTR, 0, 0, 10);							/* 11 */
	tb_type(&b, 0, BTF_KIND_STRUCT, 1, 0, 4); tb_w(&b, 0); tb_w(&b, 1); tb_w(&b, 0);	/* 12 */
	tb_type(&b, tb_str(&b, "u"), BTF_KIND_UNION, 1, 0, 4); tb_w(&b, 0); tb_w(&b, 1); tb_w(&b, 0); /* 13 */
	tb_type(&b, tb_str(&b, "u"), BTF_KIND_FWD, 0, 1, 0);					/* 14 */
	tb_type(&b, tb_str(&b, "u"), BTF_KIND_FWD, 0, 0, 0);					/* 15 */
	tb_type(&b, tb_str(&b, "rcu"), BTF_KIND_TYPE_TAG, 0, 0, 12);				/* 16 */
	tb_type(&b, 0, BTF_KIND_PTR, 0, 0, 16);							/* 17 */
	tb_type(&b, 0, BTF_KIND_ARRAY, 0, 0, 0); tb_w(&b, 7); tb_w(&b, 1); tb_w(&b, 2);		/* 18 */
	tb_type(&b, tb_str(&b, "e"), BTF_KIND_ENUM, 1, 0, 4); tb_w(&b, tb_str(&b, "E0")); tb_w(&b, 0); /* 19 */
	tb_type(&b, tb_str(&b, "e64"), BTF_KIND_ENUM64, 1, 0, 8);
	tb_w(&b, tb_str(&b, "E1")); tb_w(&b, 0); tb_w(&b, 1);					/* 20 */
	tb_type(&b, tb_str(&b, "u"), BTF_KIND_STRUCT, 1, 0, 4); tb_w(&b, 0); tb_w(&b, 1); tb_w(&b, 0); /* 21 */
	tb_type(&b, tb_str(&b, "long"), BTF_KIND_INT, 0, 0, 8); tb_w(&b, (BTF_INT_SIGNED << 24) | 64); /* 22 */
	tb_type(&b, 0, BTF_KIND_FUNC_PROTO, 0, 0, 0);						/* 23 */
	tb_type(&b, 0, BTF_KIND_FUNC_PROTO, 1, 0, 0); tb_w(&b, 0); tb_w(&b, 25);		/* 24 */
	tb_type(&b, 0, BTF_KIND_PTR, 0, 0, 24);							/* 25 */
	tb_type(&b, 0, BTF_KIND_STRUCT, 1, 0, 8); tb_w(&b, 0); tb_w(&b, 22); tb_w(&b, 0);	/* 26 */
	raw = tb_build(&b, &size);
	ck_assert_int_eq(eb_btf_parse(raw, size, NULL, EB_BTF_COPY, &btf), 0);
	free(raw);
	return btf;
}

START_TEST(render_declarators)
{
	struct ebpf_btf *btf = declarators();
	char small[8];

	type_str_is(btf, 3, "int *");
	type_str_is(btf, 4, "int [4]");
	type_str_is(btf, 5, "int (*)[4]");
	type_str_is(btf, 6, "int (int, ...)");
	type_str_is(btf, 7, "int (*)(int, ...)");
	type_str_is(btf, 8, "const char");
	type_str_is(btf, 9, "const char *");
	type_str_is(btf, 10, "const char *const");
	type_str_is(btf, 11, "const char *const *");
	type_str_is(btf, 12, "struct {...}");
	type_str_is(btf, 14, "union u");
	type_str_is(btf, 17, "struct {...} __rcu *");
	type_str_is(btf, 18, "int (*[2])(int, ...)");
	type_str_is(btf, 19, "enum e");
	type_str_is(btf, 20, "enum e64");
	type_str_is(btf, 23, "void (void)");
	/* A self-referencing prototype renders (cut at the depth limit), without crashing. */
	ck_assert_int_eq(eb_btf_type_str(btf, 24, small, sizeof(small)), 0);
	ck_assert_str_eq(small, "void (v");
	/* Bounded: truncated, NUL-terminated; a bad id says "?" and fails. */
	ck_assert_int_eq(eb_btf_type_str(btf, 11, small, sizeof(small)), 0);
	ck_assert_str_eq(small, "const c");
	ck_assert_int_eq(eb_btf_type_str(btf, 999, small, sizeof(small)), -EINVAL);
	ck_assert_str_eq(small, "?");
	ck_assert_int_eq(eb_btf_type_str(btf, 1, small, 0), 0);
	eb_btf_put(btf);
}
END_TEST

START_TEST(compat_rules)
{
	struct ebpf_btf *btf = declarators();

	/* ints and enums by size */
	ck_assert(eb_btf_types_compat(btf, 1, btf, 19));
	ck_assert(eb_btf_types_compat(btf, 22, btf, 20));
	ck_assert(!eb_btf_types_compat(btf, 1, btf, 20));
	ck_assert(!eb_btf_types_compat(btf, 1, btf, 2));
	/* modifiers skipped; pointers by pointee */
	ck_assert(eb_btf_types_compat(btf, 8, btf, 2));
	ck_assert(eb_btf_types_compat(btf, 11, btf, 11));
	ck_assert(!eb_btf_types_compat(btf, 3, btf, 9));
	/* unions vs structs, forward declarations by name and kind */
	ck_assert(eb_btf_types_compat(btf, 14, btf, 13));
	ck_assert(eb_btf_types_compat(btf, 15, btf, 21));
	ck_assert(!eb_btf_types_compat(btf, 14, btf, 21));
	ck_assert(!eb_btf_types_compat(btf, 13, btf, 21));
	/* anonymous aggregates by size */
	ck_assert(eb_btf_types_compat(btf, 17, btf, 17));
	ck_assert(!eb_btf_types_compat(btf, 12, btf, 26));
	/* arrays by element and length */
	ck_assert(eb_btf_types_compat(btf, 4, btf, 4));
	ck_assert(!eb_btf_types_compat(btf, 4, btf, 18));
	/* prototypes: arity, varargs, return */
	ck_assert(eb_btf_types_compat(btf, 7, btf, 7));
	ck_assert(!eb_btf_types_compat(btf, 6, btf, 23));
	ck_assert(!eb_btf_types_compat(btf, 6, btf, 24));
	/* void with void only */
	ck_assert(eb_btf_types_compat(btf, 0, btf, 0));
	ck_assert(!eb_btf_types_compat(btf, 0, btf, 1));
	/* a self-referencing prototype: the bounded walk ends (and says no) */
	ck_assert(!eb_btf_types_compat(btf, 24, btf, 24));
	eb_btf_put(btf);
}
END_TEST

Suite *suite_btf_compat(void)
{
	Suite *s = suite_create("btf_compat");
	TCase *tc = test_tcase("compat");

	tcase_add_test(tc, kfuncs_that_match);
	tcase_add_test(tc, kfuncs_that_do_not_match);
	tcase_add_test(tc, render_vmlinux);
	tcase_add_test(tc, render_declarators);
	tcase_add_test(tc, compat_rules);
	suite_add_tcase(s, tc);
	return s;
}
