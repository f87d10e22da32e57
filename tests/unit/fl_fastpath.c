/*
 * The full-load fast paths that need no kernel: the hand-written kernel release
 * parser, and the scan that decides whether an object's BTF can go to the
 * kernel as is (which features it uses, whether it holds externs, whether its
 * bytes are laid out canonically).
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>

#include "btf/btf.h"
#include "lib/features.h"
#include "lib/spec.h"
#include "lib/sys.h"
#include "relo/relo.h"
#include "tests/common/testutil.h"
#include "tests/unit/btf_blob.h"

#define KV(a, b, c) (((uint32_t)(a) << 16) | ((uint32_t)(b) << 8) | (uint32_t)(c))

START_TEST(release_strings)
{
	ck_assert_uint_eq(eb_kernel_version_parse("6.1-rc1"), KV(6, 1, 0));
	ck_assert_uint_eq(eb_kernel_version_parse("6.18.0-1-amd64"), KV(6, 18, 0));
	ck_assert_uint_eq(eb_kernel_version_parse("5.4.0.1"), KV(5, 4, 0));
	ck_assert_uint_eq(eb_kernel_version_parse("5.10."), KV(5, 10, 0));
	ck_assert_uint_eq(eb_kernel_version_parse("4.19.4294967299"), KV(4, 19, 255));
	ck_assert_uint_eq(eb_kernel_version_parse("255.255.255"), KV(255, 255, 255));
	/* no minor, no digits, a component too large (even one that wraps 32 bits) */
	ck_assert_uint_eq(eb_kernel_version_parse("6"), 0);
	ck_assert_uint_eq(eb_kernel_version_parse("6."), 0);
	ck_assert_uint_eq(eb_kernel_version_parse("6.x"), 0);
	ck_assert_uint_eq(eb_kernel_version_parse(".6.1"), 0);
	ck_assert_uint_eq(eb_kernel_version_parse(""), 0);
	ck_assert_uint_eq(eb_kernel_version_parse("256.1.1"), 0);
	ck_assert_uint_eq(eb_kernel_version_parse("4294967302.1"), 0);
	ck_assert_uint_eq(eb_kernel_version_parse("6.4294967302"), 0);
}
END_TEST

START_TEST(running_version_is_cached_and_stable)
{
	uint32_t v = eb_kernel_version();

	ck_assert_uint_ne(v, 0);
	ck_assert_uint_eq(eb_kernel_version(), v);
}
END_TEST

/* Parse a blob built with btf_blob.h (the parse copies it). */
static struct ebpf_btf *parse_blob(const struct tblob *b)
{
	size_t size;
	void *raw = tb_build(b, &size);
	struct ebpf_btf *btf = NULL;

	ck_assert_int_eq(eb_btf_parse(raw, size, NULL, EB_BTF_COPY, &btf), 0);
	free(raw);
	return btf;
}

START_TEST(plain_types_use_no_feature)
{
	struct tblob b;
	bool externs = true;

	tb_init(&b, 0);
	tb_type(&b, tb_str(&b, "int"), BTF_KIND_INT, 0, 0, 4);
	tb_w(&b, (BTF_INT_SIGNED << 24) | 32);
	tb_type(&b, 0, BTF_KIND_PTR, 0, 0, 1);
	struct ebpf_btf *btf = parse_blob(&b);
	ck_assert_uint_eq(eb_btf_features_used(btf, &externs), 0);
	ck_assert(!externs);
	ck_assert(eb_btf_raw_canonical(btf));
	eb_btf_put(btf);
}
END_TEST

START_TEST(each_kind_names_its_feature)
{
	struct tblob b;
	bool externs = true;

	tb_init(&b, 0);
	tb_type(&b, tb_str(&b, "int"), BTF_KIND_INT, 0, 0, 4);		/* [1] */
	tb_w(&b, (BTF_INT_SIGNED << 24) | 32);
	tb_type(&b, 0, BTF_KIND_FUNC_PROTO, 0, 0, 1);			/* [2] */
	tb_type(&b, tb_str(&b, "f"), BTF_KIND_FUNC, BTF_FUNC_GLOBAL, 0, 2);	/* [3] */
	tb_type(&b, tb_str(&b, "double"), BTF_KIND_FLOAT, 0, 0, 8);	/* [4] */
	tb_type(&b, tb_str(&b, "tag"), BTF_KIND_TYPE_TAG, 0, 0, 1);	/* [5] */
	tb_type(&b, tb_str(&b, "e"), BTF_KIND_ENUM, 1, 1, 4);		/* [6] signed */
	tb_w(&b, tb_str(&b, "E_A"));
	tb_w(&b, (uint32_t)-1);
	tb_type(&b, tb_str(&b, "v"), BTF_KIND_VAR, 0, 0, 1);		/* [7] */
	tb_w(&b, BTF_VAR_GLOBAL_ALLOCATED);
	tb_type(&b, tb_str(&b, "?.data.x"), BTF_KIND_DATASEC, 1, 0, 4);	/* [8] */
	tb_w(&b, 7);
	tb_w(&b, 0);
	tb_w(&b, 4);
	tb_type(&b, tb_str(&b, "dtag"), BTF_KIND_DECL_TAG, 0, 0, 7);	/* [9] */
	tb_w(&b, (uint32_t)-1);
	struct ebpf_btf *btf = parse_blob(&b);
	ck_assert_uint_eq(eb_btf_features_used(btf, &externs),
			  EB_BTF_FEAT_FUNC | EB_BTF_FEAT_FUNC_GLOBAL | EB_BTF_FEAT_FLOAT |
			  EB_BTF_FEAT_TYPE_TAG | EB_BTF_FEAT_ENUM64 | EB_BTF_FEAT_DATASEC |
			  EB_BTF_FEAT_QMARK_DATASEC | EB_BTF_FEAT_DECL_TAG);
	ck_assert(!externs);
	eb_btf_put(btf);
}
END_TEST

START_TEST(extern_func_and_var_are_externs)
{
	struct tblob b;
	bool externs = false;

	tb_init(&b, 0);
	tb_type(&b, tb_str(&b, "int"), BTF_KIND_INT, 0, 0, 4);		/* [1] */
	tb_w(&b, (BTF_INT_SIGNED << 24) | 32);
	tb_type(&b, 0, BTF_KIND_FUNC_PROTO, 0, 0, 1);			/* [2] */
	tb_type(&b, tb_str(&b, "kf"), BTF_KIND_FUNC, BTF_FUNC_EXTERN, 0, 2);	/* [3] */
	struct ebpf_btf *btf = parse_blob(&b);
	/* static/global FUNC linkage is a feature; extern linkage is what always needs rewriting */
	ck_assert_uint_eq(eb_btf_features_used(btf, &externs), EB_BTF_FEAT_FUNC);
	ck_assert(externs);
	eb_btf_put(btf);

	tb_init(&b, 0);
	tb_type(&b, tb_str(&b, "int"), BTF_KIND_INT, 0, 0, 4);		/* [1] */
	tb_w(&b, (BTF_INT_SIGNED << 24) | 32);
	tb_type(&b, tb_str(&b, "CONFIG_HZ"), BTF_KIND_VAR, 0, 0, 1);	/* [2] */
	tb_w(&b, BTF_VAR_GLOBAL_EXTERN);
	btf = parse_blob(&b);
	externs = false;
	ck_assert_uint_eq(eb_btf_features_used(btf, &externs), EB_BTF_FEAT_DATASEC);
	ck_assert(externs);
	eb_btf_put(btf);
}
END_TEST

/* The parser accepts both layouts below; the kernel may not, so neither goes as is. */
START_TEST(gap_or_long_header_is_not_canonical)
{
	struct tblob b;
	struct btf_header h;
	struct ebpf_btf *btf = NULL;
	size_t size;

	tb_init(&b, 0);
	tb_type(&b, tb_str(&b, "int"), BTF_KIND_INT, 0, 0, 4);
	tb_w(&b, (BTF_INT_SIGNED << 24) | 32);
	uint8_t *raw = tb_build(&b, &size);
	memcpy(&h, raw, sizeof(h));

	/* 4 zero bytes between the types and the strings */
	uint8_t *gap = calloc(1, size + 4);
	memcpy(gap, raw, sizeof(h) + h.type_len);
	memcpy(gap + sizeof(h) + h.type_len + 4, raw + sizeof(h) + h.type_len, h.str_len);
	h.str_off += 4;
	memcpy(gap, &h, sizeof(h));
	ck_assert_int_eq(eb_btf_parse(gap, size + 4, NULL, EB_BTF_COPY, &btf), 0);
	ck_assert(!eb_btf_raw_canonical(btf));
	eb_btf_put(btf);

	/* a 32-byte header (zero tail) before the same sections */
	h.str_off -= 4;
	h.hdr_len = 32;
	uint8_t *longhdr = calloc(1, size + 8);
	memcpy(longhdr, &h, sizeof(h));
	memcpy(longhdr + 32, raw + sizeof(h), size - sizeof(h));
	ck_assert_int_eq(eb_btf_parse(longhdr, size + 8, NULL, EB_BTF_COPY, &btf), 0);
	ck_assert(!eb_btf_raw_canonical(btf));
	eb_btf_put(btf);

	/* and the canonical original is */
	ck_assert_int_eq(eb_btf_parse(raw, size, NULL, EB_BTF_COPY, &btf), 0);
	ck_assert(eb_btf_raw_canonical(btf));
	eb_btf_put(btf);
	free(longhdr);
	free(gap);
	free(raw);
}
END_TEST

START_TEST(objects_with_and_without_externs)
{
	struct ebpf_spec *spec = NULL;
	bool externs = true;

	ck_assert_int_eq(ebpf_spec_open_file(testobj("bench_small"), NULL, &spec), 0);
	uint32_t used = eb_btf_features_used(spec->btf, &externs);
	ck_assert(!externs);
	/* .maps/.bss DATASECs and global functions: nothing newer */
	ck_assert_uint_eq(used, EB_BTF_FEAT_DATASEC | EB_BTF_FEAT_FUNC | EB_BTF_FEAT_FUNC_GLOBAL);
	ck_assert(eb_btf_raw_canonical(spec->btf));
	ebpf_spec_free(spec);

	ck_assert_int_eq(ebpf_spec_open_file(testobj("relo_kconfig"), NULL, &spec), 0);
	externs = false;
	eb_btf_features_used(spec->btf, &externs);
	ck_assert(externs);
	ebpf_spec_free(spec);
}
END_TEST

START_TEST(features_among_nothing_probes_nothing)
{
	/* no bit asked, no bit answered (and no probe: this runs without privileges too) */
	ck_assert_uint_eq(eb_btf_features_among(0), 0);
	ck_assert_uint_eq(eb_btf_features_among(EB_BTF_FEAT_FLOAT) & ~(uint32_t)EB_BTF_FEAT_FLOAT, 0);
}
END_TEST

/* The hashed kconfig index: every option of a large config found, the last line winning. */
START_TEST(kconfig_index_many_options)
{
	enum { N = 5000 };
	size_t cap = (size_t)N * 48 + 256, len = 0;
	char *text = malloc(cap);
	struct eb_kconfig *kc = NULL;
	char name[64], want[32];

	ck_assert_ptr_nonnull(text);
	for (int i = 0; i < N; i++)
		len += (size_t)snprintf(text + len, cap - len, i % 3 ? "CONFIG_OPT_%d=%d\n" :
					"# CONFIG_OPT_%d is not set\n", i, i * 7);
	/* a later line overrides an earlier one, as in make */
	len += (size_t)snprintf(text + len, cap - len, "CONFIG_OPT_3=override\n# comment\n\n");
	ck_assert_int_eq(eb_kconfig_parse(text, len, &kc), 0);
	for (int i = 0; i < N; i++) {
		snprintf(name, sizeof(name), "CONFIG_OPT_%d", i);
		snprintf(want, sizeof(want), "%d", i * 7);
		const char *v = eb_kconfig_get(kc, name);
		ck_assert_msg(v != NULL, "%s not found", name);
		ck_assert_str_eq(v, i == 3 ? "override" : i % 3 ? want : "n");
	}
	/* without the prefix, and names that are not there (prefixes of present ones too) */
	ck_assert_str_eq(eb_kconfig_get(kc, "OPT_1"), "7");
	ck_assert_ptr_null(eb_kconfig_get(kc, "CONFIG_OPT_5000"));
	ck_assert_ptr_null(eb_kconfig_get(kc, "CONFIG_OPT_"));
	ck_assert_ptr_null(eb_kconfig_get(kc, "CONFIG_OPT"));
	eb_kconfig_put(kc);

	/* an empty config indexes nothing and finds nothing */
	ck_assert_int_eq(eb_kconfig_parse("", 0, &kc), 0);
	ck_assert_ptr_null(eb_kconfig_get(kc, "CONFIG_BPF"));
	eb_kconfig_put(kc);
	free(text);
}
END_TEST

Suite *suite_fl_fastpath(void)
{
	Suite *s = suite_create("fl_fastpath");
	TCase *tc = test_tcase("core");

	tcase_add_test(tc, release_strings);
	tcase_add_test(tc, running_version_is_cached_and_stable);
	tcase_add_test(tc, plain_types_use_no_feature);
	tcase_add_test(tc, each_kind_names_its_feature);
	tcase_add_test(tc, extern_func_and_var_are_externs);
	tcase_add_test(tc, gap_or_long_header_is_not_canonical);
	tcase_add_test(tc, objects_with_and_without_externs);
	tcase_add_test(tc, features_among_nothing_probes_nothing);
	tcase_add_test(tc, kconfig_index_many_options);
	suite_add_tcase(s, tc);
	return s;
}
