/*
 * The fast paths for kernel BTF: the trusted sysfs open (offset table only) must
 * describe the same types as the full validation, still refuse records that run
 * out of the type section, and batched lookups must give what single lookups give.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "testutil.h"
#include "btf_blob.h"
#include "btf/btf_internal.h"

#define VMLINUX "/sys/kernel/btf/vmlinux"

#define REQUIRE_VMLINUX()                                                          \
	do {                                                                       \
		if (access(VMLINUX, R_OK)) {                                       \
			test_skip(__func__, "no " VMLINUX);                        \
			return;                                                    \
		}                                                                  \
	} while (0)

START_TEST(trusted_matches_full)
{
	struct ebpf_btf *full, *fast;

	REQUIRE_VMLINUX();
	ck_assert_int_eq(eb_btf_load_file(VMLINUX, NULL, &full), 0);
	ck_assert_int_eq(eb_btf_load_kernel_file(VMLINUX, NULL, &fast), 0);
	ck_assert_uint_eq(eb_btf_type_cnt(fast), eb_btf_type_cnt(full));
	ck_assert_uint_gt(eb_btf_type_cnt(fast), 1000);
	for (uint32_t id = 1; id < eb_btf_type_cnt(full); id++) {
		const struct btf_type *a = eb_btf_type(full, id), *b = eb_btf_type(fast, id);

		ck_assert_ptr_nonnull(b);
		/* same record: same bytes at the same offset of the same file */
		ck_assert_int_eq(memcmp(a, b, sizeof(*a)), 0);
		ck_assert_uint_eq((const uint8_t *)a - full->types, (const uint8_t *)b - fast->types);
	}
	ck_assert_int_eq(eb_btf_find(fast, "task_struct", BTF_KIND_STRUCT),
			 eb_btf_find(full, "task_struct", BTF_KIND_STRUCT));
	eb_btf_put(full);
	eb_btf_put(fast);
}
END_TEST

/* Even trusted, a record past the type section or an unknown kind is refused. */
START_TEST(trusted_keeps_bounds)
{
	static struct tblob b;
	struct ebpf_btf *btf;
	size_t size;
	void *raw;

	tb_init(&b, 0);
	tb_type(&b, tb_str(&b, "s"), BTF_KIND_STRUCT, 3, 0, 4);	/* 3 members announced, 1 present */
	tb_w(&b, 0); tb_w(&b, 1); tb_w(&b, 0);
	raw = tb_build(&b, &size);
	ck_assert_int_eq(eb_btf_parse_trusted(raw, size, NULL, EB_BTF_COPY, &btf), -EINVAL);
	ck_assert_errmsg_has("type [1] at offset 0");
	free(raw);

	tb_init(&b, 0);
	tb_type(&b, 0, 25, 0, 0, 4);
	raw = tb_build(&b, &size);
	ck_assert_int_eq(eb_btf_parse_trusted(raw, size, NULL, EB_BTF_COPY, &btf), -EINVAL);
	ck_assert_errmsg_has("unknown kind");
	free(raw);
}
END_TEST

START_TEST(find_many_agrees)
{
	static const char *const names[] = {
		"task_struct", "bpf_task_from_pid", "bpf_prog_active", "runqueues", "sk_buff",
		"no_such_type_anywhere", "", "task_struct", "int", "___pskb_trim", "bpf_task_release",
	};
	static const unsigned kinds[] = {
		BTF_KIND_STRUCT, BTF_KIND_FUNC, BTF_KIND_VAR, BTF_KIND_VAR, 0,
		BTF_KIND_STRUCT, 0, BTF_KIND_FUNC /* no FUNC task_struct */, BTF_KIND_INT, 0, BTF_KIND_FUNC,
	};
	enum { N = sizeof(names) / sizeof(names[0]) };
	int32_t ids[N];
	struct ebpf_btf *btf;
	int found = 0;

	REQUIRE_VMLINUX();
	ck_assert_int_eq(eb_btf_load_kernel_file(VMLINUX, NULL, &btf), 0);
	ck_assert_int_ge(eb_btf_find_many(btf, names, kinds, N, ids), 7);
	for (size_t i = 0; i < N; i++) {
		int32_t want = eb_btf_find(btf, names[i], kinds[i]);

		ck_assert_msg(ids[i] == want, "%s kind %u: batched %d, single %d", names[i], kinds[i], ids[i], want);
		found += ids[i] > 0;
	}
	ck_assert_int_eq(eb_btf_find_many(btf, names, kinds, N, ids), found);
	ck_assert_int_eq(ids[5], -ENOENT);
	ck_assert_int_eq(ids[6], -ENOENT);
	ck_assert_int_eq(ids[7], -ENOENT);
	/* kinds NULL: any kind */
	ck_assert_int_eq(eb_btf_find_many(btf, names, NULL, 1, ids), 1);
	ck_assert_int_eq(ids[0], eb_btf_find(btf, "task_struct", 0));
	ck_assert_int_eq(eb_btf_find_many(btf, names, kinds, 0, ids), 0);
	eb_btf_put(btf);
}
END_TEST

/*
 * The batched scan hashes a name's first eight bytes: names shorter than that,
 * exactly that long, sharing those eight bytes, or ending at the very end of the
 * string table (where eight bytes are not readable) must all be found, by kind.
 */
START_TEST(find_many_name_edges)
{
	static const char *const names[] = {
		"a", "abcdefgh", "abcdefghi", "abcdefghj", "abcdefg", "x", "zz", "abc",
	};
	static const unsigned kinds[] = { 0, 0, 0, 0, 0, BTF_KIND_TYPEDEF, BTF_KIND_STRUCT, BTF_KIND_INT };
	enum { N = sizeof(names) / sizeof(names[0]) };
	struct tblob b;
	struct ebpf_btf *btf;
	int32_t ids[N];
	void *raw;
	size_t size;

	tb_init(&b, 0);
	tb_type(&b, tb_str(&b, "abcdefghi"), BTF_KIND_INT, 0, 0, 4);	/* [1] */
	tb_w(&b, 32);
	tb_type(&b, tb_str(&b, "abcdefgh"), BTF_KIND_TYPEDEF, 0, 0, 1);	/* [2] */
	tb_type(&b, tb_str(&b, "abcdefghj"), BTF_KIND_TYPEDEF, 0, 0, 1);	/* [3] */
	tb_type(&b, tb_str(&b, "abcdefg"), BTF_KIND_TYPEDEF, 0, 0, 1);	/* [4] */
	tb_type(&b, tb_str(&b, "a"), BTF_KIND_TYPEDEF, 0, 0, 1);		/* [5] */
	tb_type(&b, tb_str(&b, "x"), BTF_KIND_INT, 0, 0, 4);		/* [6]: not a TYPEDEF */
	tb_w(&b, 32);
	tb_type(&b, tb_str(&b, "zz"), BTF_KIND_STRUCT, 0, 0, 0);		/* [7]: last string */
	raw = tb_build(&b, &size);
	ck_assert_int_eq(eb_btf_parse(raw, size, NULL, EB_BTF_COPY, &btf), 0);
	ck_assert_int_eq(eb_btf_find_many(btf, names, kinds, N, ids), 6);
	ck_assert_int_eq(ids[0], 5);
	ck_assert_int_eq(ids[1], 2);
	ck_assert_int_eq(ids[2], 1);
	ck_assert_int_eq(ids[3], 3);
	ck_assert_int_eq(ids[4], 4);
	ck_assert_int_eq(ids[5], -ENOENT);
	ck_assert_int_eq(ids[6], 7);
	ck_assert_int_eq(ids[7], -ENOENT);
	eb_btf_put(btf);
	free(raw);
}
END_TEST

/* DATASECs are found by name from the list validation keeps, and past its size by a scan. */
START_TEST(datasec_lookup)
{
	static const unsigned counts[] = { 1, EB_BTF_LISTED_DATASECS, EB_BTF_LISTED_DATASECS + 3 };

	for (size_t c = 0; c < sizeof(counts) / sizeof(counts[0]); c++) {
		struct tblob b;
		struct ebpf_btf *btf;
		char name[16];
		void *raw;
		size_t size;

		tb_init(&b, 0);
		tb_type(&b, tb_str(&b, "int"), BTF_KIND_INT, 0, 0, 4);	/* [1] */
		tb_w(&b, 32);
		for (unsigned i = 0; i < counts[c]; i++) {
			snprintf(name, sizeof(name), ".sec%u", i);
			tb_type(&b, tb_str(&b, name), BTF_KIND_TYPEDEF, 0, 0, 1);	/* same name, other kind */
			tb_type(&b, tb_str(&b, name), BTF_KIND_DATASEC, 0, 0, 0);
		}
		raw = tb_build(&b, &size);
		ck_assert_int_eq(eb_btf_parse(raw, size, NULL, EB_BTF_COPY, &btf), 0);
		ck_assert_int_eq(btf->datasecs_listed, counts[c] <= EB_BTF_LISTED_DATASECS);
		for (unsigned i = 0; i < counts[c]; i++) {
			snprintf(name, sizeof(name), ".sec%u", i);
			ck_assert_int_eq(eb_btf_find(btf, name, BTF_KIND_DATASEC), (int32_t)(3 + 2 * i));
			ck_assert_int_eq(eb_btf_find(btf, name, 0), (int32_t)(2 + 2 * i));
		}
		ck_assert_int_eq(eb_btf_find(btf, ".nope", BTF_KIND_DATASEC), -ENOENT);
		eb_btf_put(btf);
		free(raw);
	}
}
END_TEST

/* An independent answer: every type of `kind` whose essential name is `name`, by walking all ids. */
static int walk_essential(const struct ebpf_btf *btf, const char *name, unsigned kind, uint32_t *ids, int max)
{
	size_t len = strlen(name);
	int n = 0;

	for (uint32_t id = 1; id < eb_btf_type_cnt(btf); id++) {
		const struct btf_type *t = eb_btf_type(btf, id);
		const char *tn = eb_btf_name(btf, t);

		if (btf_kind(t) != kind || strncmp(tn, name, len) || (tn[len] && strncmp(tn + len, "___", 3)))
			continue;
		if (n < max)
			ids[n] = id;
		n++;
	}
	return n;
}

/*
 * CO-RE candidate scans build per-kind lists on a big BTF; answers before and
 * after (and exact lookups through the lists) must match a plain walk.
 */
START_TEST(kind_lists_agree)
{
	static const struct { const char *name; unsigned kind; } q[] = {
		{ "task_struct", BTF_KIND_STRUCT }, { "pt_regs", BTF_KIND_STRUCT }, { "file", BTF_KIND_STRUCT },
		{ "sk_buff", BTF_KIND_STRUCT }, { "pid_type", BTF_KIND_ENUM }, { "u64", BTF_KIND_TYPEDEF },
		{ "bpf_task_from_pid", BTF_KIND_FUNC }, { "no_such_type_at_all", BTF_KIND_UNION },
	};
	struct ebpf_btf *btf;
	uint32_t got[64], want[64];

	REQUIRE_VMLINUX();
	ck_assert_int_eq(eb_btf_load_kernel_file(VMLINUX, NULL, &btf), 0);
	ck_assert_ptr_null(atomic_load(&btf->kinds));
	for (int round = 0; round < 2; round++) {
		for (size_t i = 0; i < sizeof(q) / sizeof(q[0]); i++) {
			int n = eb_btf_find_essential(btf, q[i].name, q[i].kind, got, 64);
			int m = walk_essential(btf, q[i].name, q[i].kind, want, 64);

			ck_assert_msg(n == m, "%s: %d candidates, walk finds %d", q[i].name, n, m);
			for (int j = 0; j < n && j < 64; j++)
				ck_assert_uint_eq(got[j], want[j]);
			ck_assert_int_eq(eb_btf_find(btf, q[i].name, q[i].kind), m ? (int32_t)want[0] : -ENOENT);
		}
		/* the first essential scan of round 0 built the lists; round 1 runs on them only */
		ck_assert_ptr_nonnull(atomic_load(&btf->kinds));
	}
	eb_btf_put(btf);
}
END_TEST

Suite *suite_btf_fast(void)
{
	Suite *s = suite_create("btf_fast");
	TCase *tc = test_tcase("fast");

	tcase_add_test(tc, trusted_matches_full);
	tcase_add_test(tc, trusted_keeps_bounds);
	tcase_add_test(tc, find_many_agrees);
	tcase_add_test(tc, find_many_name_edges);
	tcase_add_test(tc, datasec_lookup);
	tcase_add_test(tc, kind_lists_agree);
	suite_add_tcase(s, tc);
	return s;
}
