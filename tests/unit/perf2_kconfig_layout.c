// SPDX-License-Identifier: BSD-2-Clause
/*
 * The .kconfig DATASEC of the object BTF describes the .kconfig map exactly:
 * its size is the map's value size and each variable sits at its extern's
 * offset, also after sanitizing (which keeps a recorded layout), so the kernel
 * accepts it as the map's value type. relo_kconfig's symbol order differs from
 * its declaration order, so a layout computed independently would not match.
 */
#include <string.h>

#include "testutil.h"
#include "btf/btf_internal.h"
#include "lib/alloc.h"
#include "lib/spec.h"

/* The extern named `name` (the test fails if there is none). */
static const struct eb_extern *ext(const struct ebpf_spec *spec, const char *name)
{
	for (uint32_t i = 0; i < spec->extern_cnt; i++)
		if (strcmp(spec->externs[i].name, name) == 0)
			return &spec->externs[i];
	ck_abort_msg("no extern %s", name);
	return NULL;
}

/* DATASEC `ds` is the .kconfig map: its size, each variable at its extern's offset. */
static void check_layout(const struct ebpf_btf *btf, uint32_t ds, const struct ebpf_spec *spec,
			 const struct ebpf_map_spec *ms)
{
	const struct btf_type *t = eb_btf_type(btf, ds);
	const struct btf_var_secinfo *v = btf_secinfos(t);
	uint32_t prev_end = 0;

	ck_assert_uint_eq(t->size, ms->value_size);
	ck_assert_uint_eq(btf_vlen(t), ms->var_cnt);
	for (unsigned i = 0; i < btf_vlen(t); i++) {
		const char *name = eb_btf_name(btf, eb_btf_type(btf, v[i].type));
		const struct eb_extern *x = ext(spec, name);

		ck_assert_msg(v[i].offset == x->offset, "%s: DATASEC offset %u, extern offset %u", name, v[i].offset,
			      x->offset);
		ck_assert_uint_eq(v[i].size, x->size);
		/* sorted and non-overlapping, as the kernel wants */
		ck_assert_uint_ge(v[i].offset, prev_end);
		prev_end = v[i].offset + v[i].size;
	}
	ck_assert_uint_le(prev_end, t->size);
}

START_TEST(kconfig_datasec_matches_map)
{
	struct ebpf_spec *spec;
	struct ebpf_map_spec *ms;
	struct ebpf_btf *san;
	void *data;
	size_t size;
	int32_t ds;

	ck_assert_int_eq(ebpf_spec_open_file(testobj("relo_kconfig"), NULL, &spec), 0);
	ms = ebpf_spec_map_by_name(spec, ".kconfig");
	ck_assert_ptr_nonnull(ms);
	ds = eb_btf_find(spec->btf, ".kconfig", BTF_KIND_DATASEC);
	ck_assert_int_gt(ds, 0);
	ck_assert_uint_eq(ms->btf_datasec, (uint32_t)ds);
	/* The symbol-order layout is not the declaration order: the 16-byte array is not last. */
	ck_assert_uint_ne(ext(spec, "CONFIG_DEFAULT_HOSTNAME")->offset + 16, ms->value_size);
	check_layout(spec->btf, (uint32_t)ds, spec, ms);

	ck_assert_int_eq(eb_btf_sanitize(spec->btf, EB_BTF_FEAT_ALL, &data, &size), 0);
	ck_assert_int_eq(eb_btf_parse(data, size, NULL, EB_BTF_COPY, &san), 0);
	check_layout(san, (uint32_t)ds, spec, ms);
	ebpf_btf_free(san);
	eb_free(data);
	ebpf_spec_free(spec);
}
END_TEST

Suite *suite_perf2_kconfig_layout(void)
{
	Suite *s = suite_create("perf2_kconfig_layout");
	TCase *tc = test_tcase("kconfig_layout");

	tcase_add_test(tc, kconfig_datasec_matches_map);
	suite_add_tcase(s, tc);
	return s;
}
