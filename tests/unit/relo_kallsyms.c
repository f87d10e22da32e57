/* Unit tests: kallsyms parsing and lookup (fixture text and the real /proc/kallsyms). */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "relo/relo.h"
#include "testutil.h"

static const char fixture[] =
	"ffffffff81000000 T _stext\n"
	"ffffffff81000000 T _text\n"
	"ffffffff81234560 T bpf_task_from_pid\n"
	"ffffffff81100000 t show_stat\n"
	"ffffffff81200000 t show_stat\n"
	"ffffffff81300000 t alias_same\n"
	"ffffffff81300000 t alias_same\n"
	"ffffffffc0001000 t mod_func\t[some_module]\n"
	"0000000000000000 A fixed_percpu_data\n";

static struct eb_kallsyms *parse(const char *text)
{
	struct eb_kallsyms *ks = NULL;

	ck_assert_int_eq(eb_kallsyms_parse(text, strlen(text), &ks), 0);
	ck_assert_ptr_nonnull(ks);
	return ks;
}

START_TEST(test_lookup_found)
{
	struct eb_kallsyms *ks = parse(fixture);
	uint64_t a = 1;

	ck_assert_int_eq(eb_kallsyms_lookup(ks, "bpf_task_from_pid", &a), 0);
	ck_assert_uint_eq(a, 0xffffffff81234560ull);
	ck_assert_int_eq(eb_kallsyms_lookup(ks, "_text", &a), 0);
	ck_assert_uint_eq(a, 0xffffffff81000000ull);
	/* A module symbol: the "\t[module]" suffix is not part of the name. */
	ck_assert_int_eq(eb_kallsyms_lookup(ks, "mod_func", &a), 0);
	ck_assert_uint_eq(a, 0xffffffffc0001000ull);
	/* The same name twice at one address is an alias, not an ambiguity. */
	ck_assert_int_eq(eb_kallsyms_lookup(ks, "alias_same", &a), 0);
	ck_assert_uint_eq(a, 0xffffffff81300000ull);
	/* A zero address among non-zero ones is a real value (absolute symbol). */
	ck_assert_int_eq(eb_kallsyms_lookup(ks, "fixed_percpu_data", &a), 0);
	ck_assert_uint_eq(a, 0);
	eb_kallsyms_put(ks);
}
END_TEST

START_TEST(test_lookup_errors)
{
	struct eb_kallsyms *ks = parse(fixture);
	uint64_t a = 7;

	ck_assert_int_eq(eb_kallsyms_lookup(ks, "no_such_symbol", &a), -ENOENT);
	ck_assert_uint_eq(a, 0);
	ck_assert_errmsg_has("'no_such_symbol' is not in /proc/kallsyms");
	/* Prefixes of existing names must not match. */
	ck_assert_int_eq(eb_kallsyms_lookup(ks, "bpf_task", &a), -ENOENT);
	ck_assert_int_eq(eb_kallsyms_lookup(ks, "show_stat", &a), -ENOTUNIQ);
	ck_assert_errmsg_has("'show_stat' is ambiguous in /proc/kallsyms: different addresses "
			     "(0xffffffff81100000 and 0xffffffff81200000)");
	ck_assert_int_eq(eb_kallsyms_lookup(NULL, "x", &a), -ENOENT);
	ck_assert_errmsg_has("kallsyms not available");
	eb_kallsyms_put(ks);
}
END_TEST

START_TEST(test_restricted)
{
	struct eb_kallsyms *ks = parse("0000000000000000 T _text\n"
				       "0000000000000000 T bpf_task_from_pid\n");
	uint64_t a;

	ck_assert_int_eq(eb_kallsyms_lookup(ks, "bpf_task_from_pid", &a), -EPERM);
	ck_assert_errmsg_has("shows every address as 0 (restricted by kernel.kptr_restrict");
	eb_kallsyms_put(ks);
}
END_TEST

START_TEST(test_malformed)
{
	static const char *bad[] = {
		"zzzz T foo\n",
		"ffffffff81000000T foo\n",
		"ffffffff81000000 T \n",
		"ffffffff81000000 T",
		"11111111111111111 T toolong\n",	/* 17 hex digits: more than 64 bits */
	};
	struct eb_kallsyms *ks = (void *)1;

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		int err = eb_kallsyms_parse(bad[i], strlen(bad[i]), &ks);

		ck_assert_msg(err == -EINVAL, "case %zu: err %d", i, err);
		ck_assert_ptr_null(ks);
		ck_assert_errmsg_has("kallsyms line 1:");
	}
	/* The second line is the bad one: the message says so. */
	ck_assert_int_eq(eb_kallsyms_parse("ffff T a\nxyz\n", 13, &ks), -EINVAL);
	ck_assert_errmsg_has("kallsyms line 2: expected '<address> <type> <name>'");
	/* Empty text is an empty table, not an error. */
	ck_assert_int_eq(eb_kallsyms_parse("", 0, &ks), 0);
	ck_assert_int_eq(eb_kallsyms_lookup(ks, "a", &(uint64_t){ 0 }), -ENOENT);
	eb_kallsyms_put(ks);
	eb_kallsyms_put(NULL);
}
END_TEST

/* Many names: the hash table must find every one of them. */
START_TEST(test_many)
{
	size_t n = 20000, cap = n * 40, len = 0;
	char *text = malloc(cap);
	struct eb_kallsyms *ks;

	for (size_t i = 0; i < n; i++)
		len += (size_t)snprintf(text + len, cap - len, "%016zx t sym_%zu\n", 0x1000 + i * 16, i);
	ck_assert_int_eq(eb_kallsyms_parse(text, len, &ks), 0);
	free(text);
	for (size_t i = 0; i < n; i += 7) {
		char name[32];
		uint64_t a;

		snprintf(name, sizeof(name), "sym_%zu", i);
		ck_assert_int_eq(eb_kallsyms_lookup(ks, name, &a), 0);
		ck_assert_uint_eq(a, 0x1000 + i * 16);
	}
	eb_kallsyms_put(ks);
}
END_TEST

/*
 * The process-wide table agrees with an independent reading of /proc/kallsyms,
 * and a second get returns the same shared table.
 */
START_TEST(test_proc_kallsyms)
{
	struct eb_kallsyms *ks, *ks2;
	FILE *f = fopen("/proc/kallsyms", "r");
	char line[512], want_name[256] = "";
	unsigned long long want = 0;
	uint64_t a;
	int err;

	ck_assert_ptr_nonnull(f);
	/* A T-symbol that occurs once in the file (checked by counting). */
	while (fgets(line, sizeof(line), f)) {
		unsigned long long addr;
		char type, name[256];

		if (sscanf(line, "%llx %c %255s", &addr, &type, name) == 3 && type == 'T' &&
		    strcmp(name, "bpf_task_from_pid") == 0) {
			want = addr;
			strcpy(want_name, name);
		}
	}
	fclose(f);
	err = eb_kallsyms_get(&ks);
	ck_assert_int_eq(err, 0);
	ck_assert_int_eq(eb_kallsyms_get(&ks2), 0);
	ck_assert_ptr_eq(ks, ks2);
	if (want_name[0]) {
		err = eb_kallsyms_lookup(ks, want_name, &a);
		if (want == 0) {
			ck_assert_int_eq(err, -EPERM);
		} else {
			ck_assert_int_eq(err, 0);
			ck_assert_uint_eq(a, want);
		}
	} else {
		test_skip(__func__, "bpf_task_from_pid not in /proc/kallsyms");
	}
	eb_kallsyms_put(ks2);
	eb_kallsyms_put(ks);
}
END_TEST

Suite *suite_relo_kallsyms(void)
{
	Suite *s = suite_create("relo_kallsyms");
	TCase *tc = test_tcase("kallsyms");

	tcase_add_test(tc, test_lookup_found);
	tcase_add_test(tc, test_lookup_errors);
	tcase_add_test(tc, test_restricted);
	tcase_add_test(tc, test_malformed);
	tcase_add_test(tc, test_many);
	tcase_add_test(tc, test_proc_kallsyms);
	suite_add_tcase(s, tc);
	return s;
}
