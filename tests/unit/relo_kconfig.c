/* Unit tests: kernel config parsing and typed .kconfig extern values. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "relo/relo.h"
#include "relo/relo_internal.h"
#include "testutil.h"

static const char config_text[] =
	"#\n"
	"# Automatically generated file; DO NOT EDIT.\n"
	"#\n"
	"CONFIG_BPF=y\n"
	"CONFIG_MODULE_THING=m\n"
	"# CONFIG_KALLSYMS_ALL is not set\n"
	"# CONFIG_NOT_A_MARKER is something else\n"
	"CONFIG_HZ=250\n"
	"CONFIG_NEG=-5\n"
	"CONFIG_HEX=0x1f\n"
	"CONFIG_BIG=300\n"
	"CONFIG_LOCALVERSION=\"-fc\"\n"
	"CONFIG_ESCAPED=\"a\\\"b\"\n"
	"CONFIG_DUP=1\r\n"
	"CONFIG_DUP=2\n"
	"\n";

static struct eb_kconfig *parse_fixture(void)
{
	struct eb_kconfig *kc;

	ck_assert_int_eq(eb_kconfig_parse(config_text, strlen(config_text), &kc), 0);
	return kc;
}

START_TEST(test_parse_get)
{
	struct eb_kconfig *kc = parse_fixture();

	ck_assert_str_eq(eb_kconfig_get(kc, "CONFIG_BPF"), "y");
	ck_assert_str_eq(eb_kconfig_get(kc, "BPF"), "y");	/* prefix optional */
	ck_assert_str_eq(eb_kconfig_get(kc, "CONFIG_MODULE_THING"), "m");
	ck_assert_str_eq(eb_kconfig_get(kc, "CONFIG_KALLSYMS_ALL"), "n");
	ck_assert_ptr_null(eb_kconfig_get(kc, "CONFIG_NOT_A_MARKER"));
	ck_assert_str_eq(eb_kconfig_get(kc, "CONFIG_HZ"), "250");
	ck_assert_str_eq(eb_kconfig_get(kc, "CONFIG_LOCALVERSION"), "\"-fc\"");
	ck_assert_str_eq(eb_kconfig_get(kc, "CONFIG_DUP"), "2");	/* last one wins */
	ck_assert_ptr_null(eb_kconfig_get(kc, "CONFIG_NOPE"));
	ck_assert_ptr_null(eb_kconfig_get(kc, "CONFIG_BP"));
	ck_assert_ptr_null(eb_kconfig_get(NULL, "CONFIG_BPF"));
	eb_kconfig_put(kc);
	eb_kconfig_put(NULL);
}
END_TEST

START_TEST(test_parse_malformed)
{
	struct eb_kconfig *kc = (void *)1;

	ck_assert_int_eq(eb_kconfig_parse("CONFIG_A=y\nCONFIG_B\n", 20, &kc), -EINVAL);
	ck_assert_ptr_null(kc);
	ck_assert_errmsg_has("kernel config line 2: expected CONFIG_NAME=value");
	ck_assert_int_eq(eb_kconfig_parse("CONFIG_=y\n", 10, &kc), -EINVAL);
	ck_assert_int_eq(eb_kconfig_parse("CONFIG_A=\n", 10, &kc), -EINVAL);
	ck_assert_errmsg_has("kernel config line 1: CONFIG_A has an empty value");
}
END_TEST

/* The running kernel's config agrees with an independent `zcat /proc/config.gz`, and is shared. */
START_TEST(test_load_running)
{
	struct eb_kconfig *kc;
	FILE *p;
	char line[512];
	int checked = 0, err;

	err = eb_kconfig_load(&kc);
	if (err == -ENOENT) {
		ck_assert_errmsg_has("kernel config not found");
		test_skip(__func__, "no /proc/config.gz or /boot/config-*");
		return;
	}
	ck_assert_int_eq(err, 0);
	p = popen("zcat /proc/config.gz 2>/dev/null || cat /boot/config-$(uname -r)", "r");
	ck_assert_ptr_nonnull(p);
	while (fgets(line, sizeof(line), p)) {
		char *eq = strchr(line, '=');
		const char *v;

		if (strncmp(line, "CONFIG_", 7) || !eq)
			continue;
		*eq = '\0';
		eq[strcspn(eq + 1, "\n") + 1] = '\0';
		v = eb_kconfig_get(kc, line);
		ck_assert_msg(v && strcmp(v, eq + 1) == 0, "%s: want %s got %s", line, eq + 1, v);
		checked++;
	}
	pclose(p);
	ck_assert_int_gt(checked, 100);
	/* Read once per process: a second load shares it, and dropping one reference keeps it. */
	{
		struct eb_kconfig *again;

		ck_assert_int_eq(eb_kconfig_load(&again), 0);
		ck_assert_ptr_eq(again, kc);
		eb_kconfig_put(again);
		ck_assert_ptr_nonnull(eb_kconfig_get(kc, "CONFIG_BPF"));
	}
	eb_kconfig_put(kc);
}
END_TEST

/* ------------------------------------------------------------ typed values */

static struct eb_extern ext(const char *name, enum eb_kcfg_type t, uint32_t size, bool is_signed)
{
	struct eb_extern e = { .name = (char *)name, .kind = EBPF_EXTERN_KCONFIG,
			       .kcfg_type = t, .size = size, .is_signed = is_signed };
	return e;
}

static struct eb_relo_env env_with(const struct eb_kconfig *kc)
{
	struct eb_relo_env env = { .kconfig = kc, .kernel_version = (6u << 16) | (18u << 8) | 44,
				   .has_bpf_cookie = true, .has_syscall_wrapper = false };
	return env;
}

START_TEST(test_values_tristate)
{
	struct eb_kconfig *kc = parse_fixture();
	struct eb_relo_env env = env_with(kc);
	struct eb_extern e;
	uint8_t b = 0xaa;
	uint32_t tri = 0xaa;
	char c = 0;

	e = ext("CONFIG_BPF", EB_KCFG_BOOL, 1, false);
	ck_assert_int_eq(eb_kcfg_value(&e, &env, &b), 0);
	ck_assert_uint_eq(b, 1);
	e = ext("CONFIG_KALLSYMS_ALL", EB_KCFG_BOOL, 1, false);
	ck_assert_int_eq(eb_kcfg_value(&e, &env, &b), 0);
	ck_assert_uint_eq(b, 0);
	e = ext("CONFIG_MODULE_THING", EB_KCFG_BOOL, 1, false);
	ck_assert_int_eq(eb_kcfg_value(&e, &env, &b), -EINVAL);
	ck_assert_errmsg_has("value 'm' (module) does not fit a bool");
	e = ext("CONFIG_MODULE_THING", EB_KCFG_TRISTATE, 4, false);
	ck_assert_int_eq(eb_kcfg_value(&e, &env, &tri), 0);
	ck_assert_uint_eq(tri, 2);
	e = ext("CONFIG_BPF", EB_KCFG_TRISTATE, 4, false);
	ck_assert_int_eq(eb_kcfg_value(&e, &env, &tri), 0);
	ck_assert_uint_eq(tri, 1);
	e = ext("CONFIG_MODULE_THING", EB_KCFG_CHAR, 1, false);
	ck_assert_int_eq(eb_kcfg_value(&e, &env, &c), 0);
	ck_assert_int_eq(c, 'm');
	e = ext("CONFIG_BPF", EB_KCFG_INT, 4, false);
	ck_assert_int_eq(eb_kcfg_value(&e, &env, &tri), -EINVAL);
	ck_assert_errmsg_has("value 'y' needs a bool, tristate or char extern");
	eb_kconfig_put(kc);
}
END_TEST

START_TEST(test_values_int)
{
	struct eb_kconfig *kc = parse_fixture();
	struct eb_relo_env env = env_with(kc);
	struct eb_extern e;
	uint8_t u8 = 0;
	int16_t s16 = 0;
	uint32_t u32 = 0;
	int64_t s64 = 0;

	e = ext("CONFIG_HZ", EB_KCFG_INT, 4, false);
	ck_assert_int_eq(eb_kcfg_value(&e, &env, &u32), 0);
	ck_assert_uint_eq(u32, 250);
	e = ext("CONFIG_HEX", EB_KCFG_INT, 1, false);
	ck_assert_int_eq(eb_kcfg_value(&e, &env, &u8), 0);
	ck_assert_uint_eq(u8, 0x1f);
	e = ext("CONFIG_NEG", EB_KCFG_INT, 2, true);
	ck_assert_int_eq(eb_kcfg_value(&e, &env, &s16), 0);
	ck_assert_int_eq(s16, -5);
	e = ext("CONFIG_NEG", EB_KCFG_INT, 8, true);
	ck_assert_int_eq(eb_kcfg_value(&e, &env, &s64), 0);
	ck_assert_int_eq(s64, -5);
	e = ext("CONFIG_NEG", EB_KCFG_INT, 4, false);
	ck_assert_int_eq(eb_kcfg_value(&e, &env, &u32), -ERANGE);
	ck_assert_errmsg_has("value -5 does not fit in 4 bytes");
	e = ext("CONFIG_BIG", EB_KCFG_INT, 1, false);
	ck_assert_int_eq(eb_kcfg_value(&e, &env, &u8), -ERANGE);
	ck_assert_errmsg_has("value 300 does not fit in 1 bytes");
	e = ext("CONFIG_LOCALVERSION", EB_KCFG_INT, 4, false);
	ck_assert_int_eq(eb_kcfg_value(&e, &env, &u32), -EINVAL);
	ck_assert_errmsg_has("string value needs a char array extern");
	e = ext("LINUX_KERNEL_VERSION", EB_KCFG_INT, 4, false);
	ck_assert_int_eq(eb_kcfg_value(&e, &env, &u32), 0);
	ck_assert_uint_eq(u32, (6u << 16) | (18u << 8) | 44);
	eb_kconfig_put(kc);
}
END_TEST

START_TEST(test_values_string_and_builtins)
{
	struct eb_kconfig *kc = parse_fixture();
	struct eb_relo_env env = env_with(kc);
	struct eb_extern e;
	char s[8];
	uint8_t b = 0xaa;

	memset(s, 'x', sizeof(s));
	e = ext("CONFIG_LOCALVERSION", EB_KCFG_CHAR_ARR, 8, false);
	ck_assert_int_eq(eb_kcfg_value(&e, &env, s), 0);
	ck_assert_mem_eq(s, "-fc\0\0\0\0\0", 8);
	e = ext("CONFIG_ESCAPED", EB_KCFG_CHAR_ARR, 8, false);
	ck_assert_int_eq(eb_kcfg_value(&e, &env, s), 0);
	ck_assert_str_eq(s, "a\"b");
	/* Truncated to fit, always NUL-terminated. */
	e = ext("CONFIG_LOCALVERSION", EB_KCFG_CHAR_ARR, 3, false);
	memset(s, 'x', sizeof(s));
	ck_assert_int_eq(eb_kcfg_value(&e, &env, s), 0);
	ck_assert_mem_eq(s, "-f\0x", 4);

	e = ext("LINUX_HAS_BPF_COOKIE", EB_KCFG_BOOL, 1, false);
	ck_assert_int_eq(eb_kcfg_value(&e, &env, &b), 0);
	ck_assert_uint_eq(b, 1);
	e = ext("LINUX_HAS_SYSCALL_WRAPPER", EB_KCFG_BOOL, 1, false);
	ck_assert_int_eq(eb_kcfg_value(&e, &env, &b), 0);
	ck_assert_uint_eq(b, 0);
	e = ext("LINUX_NO_SUCH", EB_KCFG_BOOL, 1, false);
	ck_assert_int_eq(eb_kcfg_value(&e, &env, &b), -ENOENT);
	ck_assert_errmsg_has("unknown LINUX_ built-in");
	e = ext("CONFIG_NOPE", EB_KCFG_BOOL, 1, false);
	ck_assert_int_eq(eb_kcfg_value(&e, &env, &b), -ENOENT);
	ck_assert_errmsg_has("not in this kernel's config");
	env.kconfig = NULL;
	e = ext("CONFIG_BPF", EB_KCFG_BOOL, 1, false);
	ck_assert_int_eq(eb_kcfg_value(&e, &env, &b), -ENOENT);
	ck_assert_errmsg_has("the kernel config is not available");
	eb_kconfig_put(kc);
}
END_TEST

/* The .kconfig map value: each extern at its offset; missing ones stay zero. */
START_TEST(test_fill_kconfig)
{
	struct eb_kconfig *kc = parse_fixture();
	struct eb_relo_env env = env_with(kc);
	struct eb_extern exts[4];
	struct ebpf_spec spec = { 0 };
	uint8_t value[24];
	uint32_t v32;

	exts[0] = ext("LINUX_KERNEL_VERSION", EB_KCFG_INT, 4, false);
	exts[0].offset = 0;
	exts[1] = ext("CONFIG_BPF", EB_KCFG_BOOL, 1, false);
	exts[1].offset = 4;
	exts[2] = ext("CONFIG_MISSING", EB_KCFG_INT, 8, false);
	exts[2].offset = 8;
	exts[2].weak = true;
	exts[3] = ext("CONFIG_HZ", EB_KCFG_INT, 4, false);
	exts[3].offset = 16;
	spec.externs = exts;
	spec.extern_cnt = 4;
	memset(value, 0xee, sizeof(value));
	ck_assert_int_eq(eb_relo_fill_kconfig(&spec, &env, value, sizeof(value)), 0);
	memcpy(&v32, value, 4);
	ck_assert_uint_eq(v32, env.kernel_version);
	ck_assert_uint_eq(value[4], 1);
	for (int i = 5; i < 16; i++)
		ck_assert_uint_eq(value[i], 0);
	memcpy(&v32, value + 16, 4);
	ck_assert_uint_eq(v32, 250);
	/* An extern outside the map is a malformed spec. */
	exts[3].offset = 22;
	ck_assert_int_eq(eb_relo_fill_kconfig(&spec, &env, value, sizeof(value)), -EINVAL);
	ck_assert_errmsg_has("offset 22 + size 4 is outside the .kconfig map (24 bytes)");
	eb_kconfig_put(kc);
}
END_TEST

Suite *suite_relo_kconfig(void)
{
	Suite *s = suite_create("relo_kconfig");
	TCase *tc = test_tcase("kconfig");

	tcase_add_test(tc, test_parse_get);
	tcase_add_test(tc, test_parse_malformed);
	tcase_add_test(tc, test_load_running);
	tcase_add_test(tc, test_values_tristate);
	tcase_add_test(tc, test_values_int);
	tcase_add_test(tc, test_values_string_and_builtins);
	tcase_add_test(tc, test_fill_kconfig);
	suite_add_tcase(s, tc);
	return s;
}
