/*
 * The BTF sanitizer against the real kernel: compiled objects with externs,
 * kfuncs, FLOAT, DECL_TAG, TYPE_TAG (plus an ENUM64 and a '?'-named DATASEC,
 * which clang 14 cannot emit, appended with the BTF writer) are sanitized for the
 * full feature mask and with each feature removed; every result must re-parse,
 * keep every id (names, and the kinds the rewrite promises), and be accepted by
 * BPF_BTF_LOAD. Then a program with func_info/line_info is loaded through the
 * collection API and must carry its BTF into the kernel.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "testutil.h"
#include "btf/btf_internal.h"
#include "lib/alloc.h"
#include "lib/spec.h"
#include "lib/sys.h"

static const uint32_t feats[] = {
	EB_BTF_FEAT_DATASEC, EB_BTF_FEAT_FUNC, EB_BTF_FEAT_FUNC_GLOBAL, EB_BTF_FEAT_FLOAT,
	EB_BTF_FEAT_DECL_TAG, EB_BTF_FEAT_TYPE_TAG, EB_BTF_FEAT_ENUM64, EB_BTF_FEAT_QMARK_DATASEC,
};

struct aug {
	struct ebpf_spec *spec;
	struct ebpf_btf *btf;		/* the object's BTF + the appended types */
	uint32_t enum64_id, qvar_id, qsec_id;
};

/* The object's BTF with an ENUM64 'wide' and a DATASEC '?.data.q' holding VAR 'qvar' appended. */
static void augment(struct aug *a, const char *obj)
{
	struct eb_btf_builder *b;
	struct btf_type t;
	struct btf_enum64 e;
	struct btf_var v = { BTF_VAR_GLOBAL_ALLOCATED };
	struct btf_var_secinfo si;
	int32_t int_id;
	int64_t id;
	void *raw;
	size_t size;

	memset(a, 0, sizeof(*a));
	ck_assert_msg(ebpf_spec_open_file(testobj(obj), NULL, &a->spec) == 0, "%s: %s", obj, ebpf_errmsg());
	ck_assert_ptr_nonnull(a->spec->btf);
	int_id = eb_btf_find(a->spec->btf, "int", BTF_KIND_INT);
	ck_assert_int_gt(int_id, 0);
	ck_assert_int_eq(eb_btf_builder_new(a->spec->btf, &b), 0);

	t.name_off = (uint32_t)eb_btf_builder_add_str(b, "wide");
	t.info = btf_mk_info(BTF_KIND_ENUM64, 1, true);
	t.size = 8;
	e.name_off = (uint32_t)eb_btf_builder_add_str(b, "WIDE_BIG");
	e.val_lo32 = 0;
	e.val_hi32 = 1;
	id = eb_btf_builder_add_type(b, &t, &e);
	ck_assert_int_gt(id, 0);
	a->enum64_id = (uint32_t)id;

	t.name_off = (uint32_t)eb_btf_builder_add_str(b, "qvar");
	t.info = btf_mk_info(BTF_KIND_VAR, 0, false);
	t.type = (uint32_t)int_id;
	id = eb_btf_builder_add_type(b, &t, &v);
	ck_assert_int_gt(id, 0);
	a->qvar_id = (uint32_t)id;

	t.name_off = (uint32_t)eb_btf_builder_add_str(b, "?.data.q");
	t.info = btf_mk_info(BTF_KIND_DATASEC, 1, false);
	t.size = 4;
	si = (struct btf_var_secinfo){ a->qvar_id, 0, 4 };
	id = eb_btf_builder_add_type(b, &t, &si);
	ck_assert_int_gt(id, 0);
	a->qsec_id = (uint32_t)id;

	ck_assert_msg(eb_btf_builder_finish(b, &raw, &size) == 0, "%s", ebpf_errmsg());
	eb_btf_builder_free(b);
	ck_assert_int_eq(eb_btf_parse(raw, size, NULL, EB_BTF_COPY, &a->btf), 0);
	eb_free(raw);
}

static void aug_free(struct aug *a)
{
	eb_btf_put(a->btf);
	ebpf_spec_free(a->spec);
}

/* BPF_BTF_LOAD with a log; the log is the failure message. */
static void kernel_accepts(const void *data, size_t size, const char *what)
{
	static char log[1 << 16];
	struct eb_attr_btf_load attr;
	int fd;

	memset(&attr, 0, sizeof(attr));
	log[0] = '\0';
	attr.btf = (uint64_t)(uintptr_t)data;
	attr.btf_size = (uint32_t)size;
	attr.btf_log_buf = (uint64_t)(uintptr_t)log;
	attr.btf_log_size = sizeof(log);
	attr.btf_log_level = 1;
	fd = eb_sys_btf_load(&attr);
	ck_assert_msg(fd >= 0, "%s: BPF_BTF_LOAD: %s\n%s", what, strerror(-fd),
		      strlen(log) > 2000 ? log + strlen(log) - 2000 : log);
	close(fd);
}

/* The kind type `o` (original) must have after sanitizing for `mask`. */
static unsigned expected_kind(const struct ebpf_btf *orig, const struct btf_type *o, uint32_t mask)
{
	const struct btf_type *target;

	switch (btf_kind(o)) {
	case BTF_KIND_VAR: return mask & EB_BTF_FEAT_DATASEC ? BTF_KIND_VAR : BTF_KIND_INT;
	case BTF_KIND_DATASEC: return mask & EB_BTF_FEAT_DATASEC ? BTF_KIND_DATASEC : BTF_KIND_STRUCT;
	case BTF_KIND_FUNC: return mask & EB_BTF_FEAT_FUNC ? BTF_KIND_FUNC : BTF_KIND_TYPEDEF;
	case BTF_KIND_FUNC_PROTO: return mask & EB_BTF_FEAT_FUNC ? BTF_KIND_FUNC_PROTO : BTF_KIND_ENUM;
	case BTF_KIND_FLOAT: return mask & EB_BTF_FEAT_FLOAT ? BTF_KIND_FLOAT : BTF_KIND_STRUCT;
	case BTF_KIND_TYPE_TAG: return mask & EB_BTF_FEAT_TYPE_TAG ? BTF_KIND_TYPE_TAG : BTF_KIND_CONST;
	case BTF_KIND_ENUM64: return mask & EB_BTF_FEAT_ENUM64 ? BTF_KIND_ENUM64 : BTF_KIND_UNION;
	case BTF_KIND_DECL_TAG:
		if (!(mask & EB_BTF_FEAT_DECL_TAG))
			return BTF_KIND_INT;
		/* a tag on what is no longer a VAR / FUNC cannot stay a tag */
		target = eb_btf_type(orig, o->type);
		if (btf_kind(target) == BTF_KIND_VAR && !(mask & EB_BTF_FEAT_DATASEC))
			return BTF_KIND_INT;
		/* a FUNC turned TYPEDEF takes a tag on itself, not on a parameter */
		if (btf_kind(target) == BTF_KIND_FUNC && !(mask & EB_BTF_FEAT_FUNC) &&
		    ((const struct btf_decl_tag *)(o + 1))->component_idx != -1)
			return BTF_KIND_INT;
		return BTF_KIND_DECL_TAG;
	default:
		return btf_kind(o);
	}
}

static void check_ids_kept(const struct ebpf_btf *orig, const struct ebpf_btf *san, uint32_t mask)
{
	uint32_t n = eb_btf_type_cnt(orig);

	/* At most one int appended (objects without an int); these objects all have one. */
	ck_assert_uint_eq(eb_btf_type_cnt(san), n);
	for (uint32_t id = 1; id < n; id++) {
		const struct btf_type *o = eb_btf_type(orig, id), *t = eb_btf_type(san, id);
		unsigned ok = btf_kind(o);
		bool renamed = ok == BTF_KIND_FLOAT || ok == BTF_KIND_TYPE_TAG || ok == BTF_KIND_DATASEC;

		ck_assert_msg(btf_kind(t) == expected_kind(orig, o, mask),
			      "mask 0x%x: type [%u] %s '%s' became %s", mask, id, eb_btf_kind_name(ok),
			      eb_btf_name(orig, o), eb_btf_kind_name(btf_kind(t)));
		if (!renamed || btf_kind(t) == ok)
			ck_assert_msg(!strcmp(eb_btf_name(orig, o), eb_btf_name(san, t)) ||
				      (ok == BTF_KIND_DATASEC && eb_btf_name(orig, o)[0] == '?'),
				      "mask 0x%x: type [%u] '%s' renamed '%s'", mask, id, eb_btf_name(orig, o),
				      eb_btf_name(san, t));
		/* rewritten aggregates keep their size */
		if ((ok == BTF_KIND_FLOAT || ok == BTF_KIND_ENUM64) && btf_kind(t) != ok)
			ck_assert_uint_eq(t->size, o->size);
		/* nothing extern survives */
		if (btf_kind(t) == BTF_KIND_VAR)
			ck_assert_uint_ne(btf_var_info(t)->linkage, BTF_VAR_GLOBAL_EXTERN);
		if (btf_kind(t) == BTF_KIND_FUNC)
			ck_assert_uint_ne(btf_vlen(t), BTF_FUNC_EXTERN);
		if (btf_kind(t) == BTF_KIND_FUNC && btf_vlen(o) == BTF_FUNC_GLOBAL)
			ck_assert_uint_eq(btf_vlen(t), mask & EB_BTF_FEAT_FUNC_GLOBAL ? BTF_FUNC_GLOBAL : BTF_FUNC_STATIC);
		if (btf_kind(t) == BTF_KIND_DATASEC) {
			ck_assert_uint_gt(t->size, 0);
			for (unsigned i = 0; i < btf_vlen(t); i++)
				ck_assert_uint_eq(btf_kind(eb_btf_type(san, btf_secinfos(t)[i].type)), BTF_KIND_VAR);
		}
	}
}

/* The programs' func_info still names the same functions at the same ids. */
static void check_func_info(const struct ebpf_spec *spec, const struct ebpf_btf *san, uint32_t mask)
{
	const struct eb_btf_ext *ext = spec->btf_ext;
	unsigned seen = 0;

	ck_assert_ptr_nonnull(ext);
	for (uint32_t s = 0; s < ext->func_info_cnt; s++) {
		struct eb_func_info *fi = NULL;

		/* Records stay raw in the spec until used: decode (and validate) them here. */
		ck_assert_int_eq(eb_btf_ext_decode_all(spec->btf, &ext->func_info[s], EB_EXT_FUNC_INFO,
						       (void **)&fi), 0);
		for (uint32_t i = 0; i < ext->func_info[s].cnt; i++, seen++) {
			const struct btf_type *o = eb_btf_type(spec->btf, fi[i].type_id);
			const struct btf_type *t = eb_btf_type(san, fi[i].type_id);

			ck_assert_uint_eq(btf_kind(o), BTF_KIND_FUNC);
			ck_assert_uint_eq(btf_kind(t), mask & EB_BTF_FEAT_FUNC ? BTF_KIND_FUNC : BTF_KIND_TYPEDEF);
			ck_assert_str_eq(eb_btf_name(san, t), eb_btf_name(spec->btf, o));
		}
		eb_free(fi);
	}
	ck_assert_uint_gt(seen, 0);
}

static void sanitize_and_load(const char *obj)
{
	struct aug a;

	augment(&a, obj);
	for (int i = -1; i <= (int)(sizeof(feats) / sizeof(feats[0])); i++) {
		/* -1: everything; 0..7: one feature missing; 8: none at all */
		uint32_t mask = i < 0 ? EB_BTF_FEAT_ALL :
				i == (int)(sizeof(feats) / sizeof(feats[0])) ? 0 : EB_BTF_FEAT_ALL & ~feats[i];
		struct ebpf_btf *san;
		char what[128];
		void *data;
		size_t size;
		const struct btf_type *q;

		snprintf(what, sizeof(what), "%s, features 0x%02x", obj, mask);
		ck_assert_msg(eb_btf_sanitize(a.btf, mask, &data, &size) == 0, "%s: %s", what, ebpf_errmsg());
		ck_assert_msg(eb_btf_parse(data, size, NULL, EB_BTF_COPY, &san) == 0, "%s: re-parse: %s", what,
			      ebpf_errmsg());
		check_ids_kept(a.btf, san, mask);
		check_func_info(a.spec, san, mask);
		q = eb_btf_type(san, a.qsec_id);
		if (mask & EB_BTF_FEAT_DATASEC)
			ck_assert_str_eq(eb_btf_name(san, q), mask & EB_BTF_FEAT_QMARK_DATASEC ? "?.data.q" : "..data.q");
		else
			ck_assert_str_eq(eb_btf_name(san, q), "__data_q");
		kernel_accepts(data, size, what);
		eb_btf_put(san);
		eb_free(data);
	}
	aug_free(&a);
}

START_TEST(sanitize_every_feature)
{
	REQUIRE_BPF();
	sanitize_and_load("btf_sanitize");
}
END_TEST

START_TEST(sanitize_kfunc_objects)
{
	REQUIRE_BPF();
	sanitize_and_load("btf_compat");
	sanitize_and_load("relo_kfunc");
	sanitize_and_load("relo_kconfig");
}
END_TEST

/* The extern DATASECs in detail, for the full mask. */
START_TEST(extern_datasecs)
{
	struct ebpf_spec *spec;
	struct ebpf_btf *san;
	const struct btf_type *t;
	const struct btf_var_secinfo *v;
	void *data;
	size_t size;
	int32_t id;

	ck_assert_int_eq(ebpf_spec_open_file(testobj("btf_sanitize"), NULL, &spec), 0);
	ck_assert_int_eq(eb_btf_sanitize(spec->btf, EB_BTF_FEAT_ALL, &data, &size), 0);
	ck_assert_int_eq(eb_btf_parse(data, size, NULL, EB_BTF_COPY, &san), 0);
	/* .ksyms: the kfuncs dropped, the two variables as ints at 0 and 4 */
	id = eb_btf_find(san, ".ksyms", BTF_KIND_DATASEC);
	ck_assert_int_gt(id, 0);
	t = eb_btf_type(san, (uint32_t)id);
	v = btf_secinfos(t);
	ck_assert_uint_eq(btf_vlen(t), 2);
	ck_assert_uint_eq(t->size, 8);
	for (unsigned i = 0; i < 2; i++) {
		const struct btf_type *var = eb_btf_type(san, v[i].type);

		ck_assert_uint_eq(v[i].offset, 4 * i);
		ck_assert_uint_eq(v[i].size, 4);
		ck_assert_uint_eq(btf_var_info(var)->linkage, BTF_VAR_GLOBAL_ALLOCATED);
		ck_assert_str_eq(eb_btf_name(san, eb_btf_type(san, var->type)), "int");
	}
	/* the kfuncs are static functions with named parameters */
	t = eb_btf_type(san, (uint32_t)eb_btf_find(san, "bpf_task_from_pid", BTF_KIND_FUNC));
	ck_assert_uint_eq(btf_vlen(t), BTF_FUNC_STATIC);
	ck_assert_str_eq(eb_btf_str(san, btf_params(eb_btf_type(san, t->type))[0].name_off), "bpf_task_from_pid");
	/* .kconfig keeps its types, laid out without overlap inside its size */
	id = eb_btf_find(san, ".kconfig", BTF_KIND_DATASEC);
	ck_assert_int_gt(id, 0);
	t = eb_btf_type(san, (uint32_t)id);
	v = btf_secinfos(t);
	ck_assert_uint_eq(btf_vlen(t), 3);
	for (unsigned i = 0; i < 3; i++) {
		const struct btf_type *var = eb_btf_type(san, v[i].type);

		ck_assert_int_eq(eb_btf_type_size(san, var->type), v[i].size);
		ck_assert_uint_le(v[i].offset + v[i].size, t->size);
		if (i)
			ck_assert_uint_ge(v[i].offset, v[i - 1].offset + v[i - 1].size);
	}
	eb_btf_put(san);
	eb_free(data);
	ebpf_spec_free(spec);
}
END_TEST

/* An int variable of data map `map` (".bss", ".data"), read back from the kernel. */
static void read_var(struct ebpf_spec *spec, struct ebpf_collection *coll, const char *map, const char *name,
		     int *out)
{
	struct ebpf_map_spec *ms = ebpf_spec_map_by_name(spec, map);
	struct ebpf_map *m = ebpf_collection_map(coll, map);
	struct ebpf_var_info v;
	uint32_t key = 0;
	uint8_t buf[256];
	size_t i;

	ck_assert_ptr_nonnull(ms);
	ck_assert_ptr_nonnull(m);
	ck_assert_uint_le(ebpf_map_value_buf_size(m), sizeof(buf));
	ck_assert_int_eq(ebpf_map_lookup(m, &key, buf), 0);
	for (i = 0; i < ebpf_map_spec_var_count(ms); i++) {
		ck_assert_int_eq(ebpf_map_spec_var(ms, i, &v), 0);
		if (!strcmp(v.name, name)) {
			memcpy(out, buf + v.offset, sizeof(*out));
			return;
		}
	}
	ck_abort_msg("no variable %s in %s", name, map);
}

/* Through the loader: the program keeps its func_info and line_info, so the sanitized BTF loaded. */
START_TEST(program_loads_with_btf)
{
	struct ebpf_spec *spec;
	struct ebpf_collection *coll;
	struct ebpf_prog *p;
	struct eb_prog_info info;
	uint32_t len = sizeof(info);
	struct { int x, pid; } args = { 14, getpid() };
	struct ebpf_test_run_opts o = { .sz = sizeof(o), .ctx_in = &args, .ctx_size_in = sizeof(args) };
	int v;

	REQUIRE_BPF();
	ck_assert_int_eq(ebpf_spec_open_file(testobj("btf_sanitize"), NULL, &spec), 0);
	ck_assert_msg(ebpf_collection_load(spec, NULL, &coll) == 0, "%s", ebpf_errmsg());
	p = ebpf_collection_prog(coll, "sanitize_prog");
	ck_assert_ptr_nonnull(p);
	ck_assert_msg(ebpf_prog_fd(p) >= 0, "sanitize_prog: %s", ebpf_prog_verifier_log(p));
	memset(&info, 0, sizeof(info));
	ck_assert_int_eq(eb_sys_obj_info(ebpf_prog_fd(p), &info, &len), 0);
	ck_assert_uint_ne(info.btf_id, 0);
	/* sanitize_prog, tagged_sub, global_sub */
	ck_assert_uint_eq(info.nr_func_info, 3);
	ck_assert_uint_gt(info.nr_line_info, 0);
	ck_assert_msg(ebpf_prog_test_run(p, &o) == 0, "%s", ebpf_errmsg());
	read_var(spec, coll, ".bss", "result", &v);
	ck_assert_int_eq(v, 3 * 14);
	read_var(spec, coll, ".data", "task_found", &v);
	ck_assert_int_eq(v, 1);
	read_var(spec, coll, ".data", "prog_put_exists", &v);
	ck_assert_int_eq(v, 1);
	ebpf_collection_close(coll);
	ebpf_spec_free(spec);
}
END_TEST

Suite *suite_btf_sanitize(void)
{
	Suite *s = suite_create("btf_sanitize");
	TCase *tc = test_tcase("sanitize");

	tcase_add_test(tc, sanitize_every_feature);
	tcase_add_test(tc, sanitize_kfunc_objects);
	tcase_add_test(tc, extern_datasecs);
	tcase_add_test(tc, program_loads_with_btf);
	suite_add_tcase(s, tc);
	return s;
}
