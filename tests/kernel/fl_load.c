/*
 * The full-load fast paths, in the kernel: an object whose BTF needs no
 * rewriting reaches the kernel byte for byte as it is in the object; one with
 * externs is still sanitized; the probes a load skips unless an object asks
 * (the bpf-cookie helper probe behind LINUX_HAS_BPF_COOKIE) still answer
 * when it does.
 */
#include <stdlib.h>
#include <string.h>

#include "btf/btf.h"
#include "lib/collection_internal.h"
#include "lib/features.h"
#include "lib/sys.h"
#include "testutil.h"

struct loaded {
	struct ebpf_spec *spec;
	struct ebpf_collection *coll;
};

static void load(struct loaded *l, const char *obj)
{
	memset(l, 0, sizeof(*l));
	int err = ebpf_spec_open_file(testobj(obj), NULL, &l->spec);
	ck_assert_msg(err == 0, "open %s: %s", obj, ebpf_errmsg());
	err = ebpf_collection_load(l->spec, NULL, &l->coll);
	ck_assert_msg(err == 0, "load %s: %d %s", obj, err, ebpf_errmsg());
}

static void unload(struct loaded *l)
{
	ebpf_collection_close(l->coll);
	ebpf_spec_free(l->spec);
}

/* The bytes of the collection's BTF as the kernel holds them (malloc'd). */
static void *kernel_btf_bytes(const struct ebpf_collection *coll, uint32_t *size)
{
	struct eb_btf_info info;
	uint32_t len = sizeof(info);

	ck_assert_int_ge(coll->btf_fd, 0);
	memset(&info, 0, sizeof(info));
	ck_assert_int_eq(eb_sys_obj_info(coll->btf_fd, &info, &len), 0);
	ck_assert_uint_gt(info.btf_size, 0);
	*size = info.btf_size;
	void *buf = calloc(1, *size);
	ck_assert_ptr_nonnull(buf);
	memset(&info, 0, sizeof(info));
	info.btf = (uintptr_t)buf;
	info.btf_size = *size;
	len = sizeof(info);
	ck_assert_int_eq(eb_sys_obj_info(coll->btf_fd, &info, &len), 0);
	ck_assert_uint_eq(info.btf_size, *size);
	return buf;
}

START_TEST(test_btf_goes_as_is)
{
	struct loaded l;
	size_t raw_size;
	uint32_t size;

	REQUIRE_BPF();
	load(&l, "bench_small");
	const void *raw = eb_btf_raw(l.spec->btf, &raw_size);
	void *kbtf = kernel_btf_bytes(l.coll, &size);
	ck_assert_uint_eq(size, raw_size);
	ck_assert_int_eq(memcmp(kbtf, raw, raw_size), 0);
	/* and the programs loaded with it (func_info/line_info name its FUNCs) */
	for (size_t i = 0; i < ebpf_collection_prog_count(l.coll); i++)
		ck_assert_int_gt(ebpf_prog_fd(ebpf_collection_prog_at(l.coll, i)), 0);
	free(kbtf);
	unload(&l);
}
END_TEST

START_TEST(test_btf_with_externs_is_sanitized)
{
	struct loaded l;
	size_t raw_size;
	uint32_t size;

	REQUIRE_BPF();
	load(&l, "relo_kconfig");
	const void *raw = eb_btf_raw(l.spec->btf, &raw_size);
	void *kbtf = kernel_btf_bytes(l.coll, &size);
	/* the .kconfig DATASEC's extern VARs were rewritten: not the object's bytes */
	ck_assert(size != raw_size || memcmp(kbtf, raw, raw_size) != 0);
	free(kbtf);
	unload(&l);
}
END_TEST

/* Copy 4-byte variable `name` of `.bss` out of the kernel. */
static int read_bss_int(struct loaded *l, const char *name)
{
	struct ebpf_map_spec *ms = ebpf_spec_map_by_name(l->spec, ".bss");
	struct ebpf_map *m = ebpf_collection_map(l->coll, ".bss");
	struct ebpf_var_info v;
	uint32_t key = 0;
	size_t i, n;
	int out;

	ck_assert_msg(ms && m, "no .bss");
	n = ebpf_map_spec_var_count(ms);
	for (i = 0; i < n; i++) {
		ck_assert_int_eq(ebpf_map_spec_var(ms, i, &v), 0);
		if (strcmp(v.name, name) == 0)
			break;
	}
	ck_assert_msg(i < n, "no variable %s", name);
	ck_assert_uint_eq(v.size, sizeof(out));
	uint8_t *buf = calloc(1, ebpf_map_value_buf_size(m));
	ck_assert_int_eq(ebpf_map_lookup(m, &key, buf), 0);
	memcpy(&out, buf + v.offset, sizeof(out));
	free(buf);
	return out;
}

START_TEST(test_cookie_kconfig_still_probed)
{
	struct loaded l;

	REQUIRE_BPF();
	load(&l, "relo_kconfig");
	struct ebpf_prog *p = ebpf_collection_prog(l.coll, "read_kconfig");
	ck_assert_ptr_nonnull(p);
	ck_assert_int_gt(ebpf_prog_fd(p), 0);
	struct ebpf_test_run_opts o = { .sz = sizeof(o) };
	ck_assert_int_eq(ebpf_prog_test_run(p, &o), 0);
	/* the kernel's answer, from the (cached) probe this load ran because the object asked */
	int want = eb_feature(EB_FEAT_BPF_COOKIE) == EB_YES;
	ck_assert_int_eq(read_bss_int(&l, "has_cookie"), want);
	/* KERNEL.md: 6.18 has cookies (5.15+) */
	if (eb_kernel_version() >= ((5u << 16) | (15u << 8)))
		ck_assert_int_eq(want, 1);
	unload(&l);
}
END_TEST

Suite *suite_fl_load(void)
{
	Suite *s = suite_create("fl_load");
	TCase *tc = test_tcase("core");

	tcase_add_test(tc, test_btf_goes_as_is);
	tcase_add_test(tc, test_btf_with_externs_is_sanitized);
	tcase_add_test(tc, test_cookie_kconfig_still_probed);
	suite_add_tcase(s, tc);
	return s;
}
