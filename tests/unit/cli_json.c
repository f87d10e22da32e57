/*
 * The tool's JSON writer (tools/ebpf/json.c) read back by the tests' JSON reader:
 * every --json assertion in the cli_* suites relies on both being right.
 */
#include <stdio.h>
#include <stdlib.h>

#include "testutil.h"
#include "json_util.h"
#include "tools/ebpf/json.c"

/* Run `fill` against a writer on a memory stream and return the text (caller frees). */
static char *render(void (*fill)(struct json *j))
{
	char *text = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&text, &len);
	struct json j;

	ck_assert_ptr_nonnull(f);
	json_init(&j, f);
	fill(&j);
	json_finish(&j);
	fclose(f);
	return text;
}

static void fill_nested(struct json *j)
{
	json_begin_object(j);
	json_kv_string(j, "object", "a \"quoted\"\\path\n\x01\xff");
	json_key(j, "programs");
	json_begin_array(j);
	for (int i = 0; i < 3; i++) {
		json_begin_object(j);
		json_kv_int(j, "n", -i);
		json_key(j, "error");
		if (i == 1)
			json_string(j, "boom");
		else
			json_null(j);
		json_end_object(j);
	}
	json_end_array(j);
	json_key(j, "empty");
	json_begin_array(j);
	json_end_array(j);
	json_key(j, "raw");
	json_raw(j, "{\"x\": [1, 2]}");
	json_key(j, "hex");
	json_hex(j, "\x01\xab", 2);
	json_kv_uint(j, "big", UINT64_MAX);
	json_kv_bool(j, "yes", true);
	json_end_object(j);
}

START_TEST(test_writer_output_parses_back)
{
	char *text = render(fill_nested);
	const char *err = NULL;
	struct jr_value *v = jr_parse(text, &err);

	ck_assert_msg(v != NULL, "parse error '%s' in:\n%s", err, text);
	ck_assert_str_eq(jr_str(v, "object"), "a \"quoted\"\\path\n\x01\xff");
	ck_assert_int_eq(jr_path(v, "programs")->n, 3);
	ck_assert_int_eq(jr_int(v, "programs.2.n", 99), -2);
	ck_assert_int_eq(jr_path(v, "programs.0.error")->type, JR_NULL);
	ck_assert_str_eq(jr_str(v, "programs.1.error"), "boom");
	ck_assert_int_eq(jr_path(v, "empty")->type, JR_ARRAY);
	ck_assert_int_eq(jr_path(v, "empty")->n, 0);
	ck_assert_int_eq(jr_int(v, "raw.x.1", 0), 2);
	ck_assert_str_eq(jr_str(v, "hex"), "0x01ab");
	ck_assert(jr_path(v, "big")->number > 1.8e19);
	ck_assert(jr_path(v, "yes")->boolean);
	ck_assert_ptr_null(jr_path(v, "programs.3"));
	ck_assert_ptr_null(jr_path(v, "nope.deeper"));
	jr_free(v);
	free(text);
}
END_TEST

START_TEST(test_reader_rejects_malformed)
{
	static const char *const bad[] = {
		"", "{", "{\"a\" 1}", "{\"a\": 1,}", "[1 2]", "\"abc", "{\"a\": tru}",
		"[1] 2", "{\"a\":", "\"\\u12\"", "\"\\q\"",
	};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		const char *err = NULL;
		struct jr_value *v = jr_parse(bad[i], &err);

		ck_assert_msg(v == NULL, "'%s' parsed", bad[i]);
		ck_assert_ptr_nonnull(err);
	}
}
END_TEST

Suite *suite_cli_json(void)
{
	Suite *s = suite_create("cli_json");
	TCase *tc = test_tcase("json");

	tcase_add_test(tc, test_writer_output_parses_back);
	tcase_add_test(tc, test_reader_rejects_malformed);
	suite_add_tcase(s, tc);
	return s;
}
