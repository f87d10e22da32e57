/*
 * Parsing real objects into specs: programs and subprograms, BTF-defined and
 * legacy maps (map-in-map, prog array slots), global data and its variables,
 * kconfig/ksym externs, and a big-endian build of the same object.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "testutil.h"
#include "lib/alloc.h"
#include "lib/spec.h"

static struct ebpf_spec *open_obj(const char *name)
{
	struct ebpf_spec *spec = NULL;
	int err = ebpf_spec_open_file(testobj(name), NULL, &spec);

	ck_assert_msg(err == 0, "open %s: %d %s", name, err, ebpf_errmsg());
	ck_assert_ptr_nonnull(spec);
	return spec;
}

static const struct eb_func *find_func(const struct ebpf_spec *spec, const char *name)
{
	for (uint32_t i = 0; i < spec->func_cnt; i++) {
		if (strcmp(spec->funcs[i].name, name) == 0)
			return &spec->funcs[i];
	}
	ck_abort_msg("no function %s", name);
	return NULL;
}

START_TEST(test_programs_and_subprograms)
{
	struct ebpf_spec *spec = open_obj("spec_multi");
	static const struct {
		const char *name, *section, *target;
		enum ebpf_prog_type type;
		enum ebpf_attach_type attach;
		uint32_t flags;
		bool autoload;
	} want[] = {
		{ "tail_a", "tp/syscalls/sys_enter_getpid", "syscalls/sys_enter_getpid", EBPF_PROG_TYPE_TRACEPOINT,
		  EBPF_ATTACH_TYPE_NONE, 0, true },
		{ "xdp_main", "xdp", "", EBPF_PROG_TYPE_XDP, EBPF_XDP, 0, true },
		{ "sys_main", "syscall", "", EBPF_PROG_TYPE_SYSCALL, EBPF_ATTACH_TYPE_NONE, EBPF_F_SLEEPABLE, false },
		{ "xdp_frags_prog", "xdp.frags", "", EBPF_PROG_TYPE_XDP, EBPF_XDP, EBPF_F_XDP_HAS_FRAGS, true },
	};
	struct ebpf_prog_spec *p;
	const struct ebpf_insn *insns;
	size_t cnt;

	ck_assert_uint_eq(ebpf_spec_prog_count(spec), 4);
	for (size_t i = 0; i < 4; i++) {
		p = ebpf_spec_prog(spec, i);
		ck_assert_str_eq(ebpf_prog_spec_name(p), want[i].name);
		ck_assert_str_eq(ebpf_prog_spec_section(p), want[i].section);
		ck_assert_str_eq(ebpf_prog_spec_attach_target(p), want[i].target);
		ck_assert_int_eq(ebpf_prog_spec_type(p), want[i].type);
		ck_assert_int_eq(ebpf_prog_spec_attach_type(p), want[i].attach);
		ck_assert_uint_eq(ebpf_prog_spec_flags(p), want[i].flags);
		ck_assert_int_eq(ebpf_prog_spec_autoload(p), want[i].autoload);
		ck_assert_ptr_eq(ebpf_spec_prog_by_name(spec, want[i].name), p);
	}
	ck_assert_ptr_null(ebpf_spec_prog(spec, 4));
	ck_assert_ptr_null(ebpf_spec_prog_by_name(spec, "add_global"));
	ck_assert_errmsg_has("no program named 'add_global'");

	/* Instructions are the program's function only, ending in exit. */
	p = ebpf_spec_prog_by_name(spec, "xdp_frags_prog");
	insns = ebpf_prog_spec_insns(p, &cnt);
	ck_assert_uint_eq(cnt, 2);
	ck_assert_uint_eq(insns[0].code, EBPF_JMP | EBPF_CALL);
	ck_assert_uint_eq(insns[0].src_reg, EBPF_PSEUDO_CALL);
	ck_assert_int_eq(insns[0].imm, -13);
	ck_assert_uint_eq(insns[1].code, EBPF_JMP | EBPF_EXIT);

	/* Subprograms: all of .text, and the static function of xdp.frags. */
	ck_assert_int_eq(find_func(spec, "add_global")->prog, -1);
	ck_assert(find_func(spec, "add_global")->global);
	ck_assert_int_eq(find_func(spec, "loop_cb")->prog, -1);
	ck_assert(!find_func(spec, "loop_cb")->global);
	ck_assert_int_eq(find_func(spec, "add_static")->prog, -1);
	ck_assert_int_eq(find_func(spec, "text_helper")->prog, -1);
	ck_assert_int_eq(find_func(spec, "frags_helper")->prog, -1);
	ck_assert_uint_eq(find_func(spec, "frags_helper")->off, 0);
	ck_assert_uint_eq(find_func(spec, "frags_helper")->cnt, 12);
	ck_assert_uint_eq(find_func(spec, "xdp_frags_prog")->off, 12);
	ck_assert_str_eq(spec->secs[find_func(spec, "add_global")->sec].name, ".text");
	ck_assert_uint_eq(spec->func_cnt, 9);

	/* .BTF.ext records are attached per section. */
	ck_assert_ptr_nonnull(spec->secs[find_func(spec, "xdp_main")->sec].func_info);
	ck_assert_ptr_nonnull(spec->secs[find_func(spec, "xdp_main")->sec].line_info);

	ck_assert_str_eq(ebpf_spec_license(spec), "Dual BSD/GPL");
	ck_assert_uint_eq(ebpf_spec_kern_version(spec), 0);
	ck_assert(!ebpf_spec_foreign_endian(spec));
	ck_assert_ptr_nonnull(ebpf_spec_btf(spec));
	ck_assert_str_eq(ebpf_spec_name(spec), testobj("spec_multi"));

	/* Setters. */
	ebpf_prog_spec_set_autoload(p, false);
	ck_assert(!ebpf_prog_spec_autoload(p));
	ebpf_prog_spec_set_type(p, EBPF_PROG_TYPE_SCHED_CLS, EBPF_TCX_INGRESS);
	ck_assert_int_eq(ebpf_prog_spec_type(p), EBPF_PROG_TYPE_SCHED_CLS);
	ck_assert_int_eq(ebpf_prog_spec_attach_type(p), EBPF_TCX_INGRESS);
	ebpf_spec_free(spec);
}
END_TEST

static struct ebpf_map_spec *map(const struct ebpf_spec *spec, const char *name)
{
	struct ebpf_map_spec *m = ebpf_spec_map_by_name(spec, name);

	ck_assert_msg(m != NULL, "no map %s", name);
	return m;
}

START_TEST(test_btf_maps)
{
	struct ebpf_spec *spec = open_obj("spec_multi");
	const struct ebpf_map_spec *m, *in;
	struct ebpf_map_slot slot;

	m = map(spec, "counts");
	ck_assert_int_eq(ebpf_map_spec_origin(m), EBPF_MAP_ORIGIN_BTF);
	ck_assert_int_eq(ebpf_map_spec_type(m), EBPF_MAP_TYPE_HASH);
	ck_assert_uint_eq(ebpf_map_spec_key_size(m), 8);
	ck_assert_uint_eq(ebpf_map_spec_value_size(m), 16);
	ck_assert_uint_eq(ebpf_map_spec_max_entries(m), 1024);
	ck_assert_uint_eq(ebpf_map_spec_flags(m), EBPF_F_NO_PREALLOC);
	ck_assert_int_eq(ebpf_map_spec_pinning(m), EBPF_PIN_BY_NAME);
	ck_assert_uint_eq(ebpf_map_spec_numa_node(m), 0);
	ck_assert_uint_ne(m->btf_key_type, 0);
	ck_assert_uint_ne(m->btf_value_type, 0);
	ck_assert_ptr_null(ebpf_map_spec_initial_value(m, NULL));

	m = map(spec, "events");
	ck_assert_int_eq(ebpf_map_spec_type(m), EBPF_MAP_TYPE_RINGBUF);
	ck_assert_uint_eq(ebpf_map_spec_max_entries(m), 4096);
	ck_assert_uint_eq(ebpf_map_spec_key_size(m), 0);
	ck_assert_uint_eq(ebpf_map_spec_value_size(m), 0);

	m = map(spec, "bloom");
	ck_assert_int_eq(ebpf_map_spec_type(m), EBPF_MAP_TYPE_BLOOM_FILTER);
	ck_assert_uint_eq(ebpf_map_spec_value_size(m), 4);
	ck_assert_uint_eq(ebpf_map_spec_map_extra(m), 3);

	/* Map-in-map: inner template, 4-byte fd values, statically set slots. */
	m = map(spec, "outer");
	ck_assert_int_eq(ebpf_map_spec_type(m), EBPF_MAP_TYPE_ARRAY_OF_MAPS);
	ck_assert_uint_eq(ebpf_map_spec_key_size(m), 4);
	ck_assert_uint_eq(ebpf_map_spec_value_size(m), 4);
	ck_assert_uint_eq(ebpf_map_spec_max_entries(m), 8);
	in = ebpf_map_spec_inner(m);
	ck_assert_ptr_nonnull(in);
	ck_assert_str_eq(ebpf_map_spec_name(in), "outer.inner");
	ck_assert_int_eq(ebpf_map_spec_type(in), EBPF_MAP_TYPE_ARRAY);
	ck_assert_uint_eq(ebpf_map_spec_key_size(in), 4);
	ck_assert_uint_eq(ebpf_map_spec_value_size(in), 8);
	ck_assert_uint_eq(ebpf_map_spec_max_entries(in), 4);
	ck_assert_uint_eq(ebpf_map_spec_slot_count(m), 2);
	ck_assert_int_eq(ebpf_map_spec_slot(m, 0, &slot), 0);
	ck_assert_uint_eq(slot.index, 1);
	ck_assert_str_eq(slot.name, "inner_a");
	ck_assert_int_eq(ebpf_map_spec_slot(m, 1, &slot), 0);
	ck_assert_uint_eq(slot.index, 5);
	ck_assert_str_eq(slot.name, "inner_b");
	ck_assert_int_eq(ebpf_map_spec_slot(m, 2, &slot), -ENOENT);

	/* Prog array with a static slot naming a program. */
	m = map(spec, "jmp");
	ck_assert_int_eq(ebpf_map_spec_type(m), EBPF_MAP_TYPE_PROG_ARRAY);
	ck_assert_ptr_null(ebpf_map_spec_inner(m));
	ck_assert_uint_eq(ebpf_map_spec_key_size(m), 4);
	ck_assert_uint_eq(ebpf_map_spec_value_size(m), 4);
	ck_assert_uint_eq(ebpf_map_spec_slot_count(m), 1);
	ck_assert_int_eq(ebpf_map_spec_slot(m, 0, &slot), 0);
	ck_assert_uint_eq(slot.index, 2);
	ck_assert_str_eq(slot.name, "tail_a");

	m = map(spec, "inner_a");
	ck_assert_uint_eq(ebpf_map_spec_slot_count(m), 0);

	ebpf_map_spec_set_max_entries(map(spec, "events"), 1 << 16);
	ck_assert_uint_eq(ebpf_map_spec_max_entries(map(spec, "events")), 1 << 16);
	ck_assert_ptr_null(ebpf_spec_map_by_name(spec, "nope"));
	ck_assert_errmsg_has("no map named 'nope'");
	/* 7 BTF maps + .rodata .data .data.custom .bss + .kconfig */
	ck_assert_uint_eq(ebpf_spec_map_count(spec), 12);
	ebpf_spec_free(spec);
}
END_TEST

static void check_var(const struct ebpf_map_spec *m, size_t idx, const char *name, uint32_t off, uint32_t size,
		      bool global)
{
	struct ebpf_var_info v;

	ck_assert_int_eq(ebpf_map_spec_var(m, idx, &v), 0);
	ck_assert_str_eq(v.name, name);
	ck_assert_uint_eq(v.offset, off);
	ck_assert_uint_eq(v.size, size);
	ck_assert_int_eq(v.global, global);
}

START_TEST(test_data_sections)
{
	struct ebpf_spec *spec = open_obj("spec_multi");
	const struct ebpf_map_spec *m;
	const uint8_t *val;
	uint32_t u32;
	uint64_t u64;
	size_t sz;

	m = map(spec, ".rodata");
	ck_assert_int_eq(ebpf_map_spec_origin(m), EBPF_MAP_ORIGIN_DATA);
	ck_assert_int_eq(ebpf_map_spec_type(m), EBPF_MAP_TYPE_ARRAY);
	ck_assert_uint_eq(ebpf_map_spec_max_entries(m), 1);
	ck_assert_uint_eq(ebpf_map_spec_key_size(m), 4);
	ck_assert_uint_eq(ebpf_map_spec_value_size(m), 12);
	ck_assert(m->readonly);
	ck_assert_uint_eq(ebpf_map_spec_flags(m) & EBPF_F_RDONLY_PROG, EBPF_F_RDONLY_PROG);
	ck_assert_uint_ne(m->btf_datasec, 0);
	ck_assert_uint_eq(ebpf_map_spec_var_count(m), 2);
	check_var(m, 0, "cfg_limit", 0, 4, true);
	check_var(m, 1, "cfg_name", 4, 8, true);
	val = ebpf_map_spec_initial_value(m, &sz);
	ck_assert_uint_eq(sz, 12);
	memcpy(&u32, val, 4);
	ck_assert_uint_eq(u32, 7);
	ck_assert_str_eq((const char *)val + 4, "abc");

	m = map(spec, ".data");
	ck_assert(!m->readonly);
	ck_assert_uint_eq(ebpf_map_spec_flags(m), 0);
	check_var(m, 0, "total", 0, 8, true);
	memcpy(&u64, ebpf_map_spec_initial_value(m, NULL), 8);
	ck_assert_uint_eq(u64, 11);

	m = map(spec, ".data.custom");
	check_var(m, 0, "custom_var", 0, 4, true);
	memcpy(&u32, ebpf_map_spec_initial_value(m, NULL), 4);
	ck_assert_uint_eq(u32, 5);

	/* .bss: no bytes until a variable is set; static variables are listed as such. */
	m = map(spec, ".bss");
	ck_assert_ptr_null(ebpf_map_spec_initial_value(m, &sz));
	ck_assert_uint_eq(sz, 0);
	ck_assert_uint_eq(ebpf_map_spec_value_size(m), 16);
	check_var(m, 0, "static_bss", 0, 4, false);
	check_var(m, 1, "hits", 8, 8, true);
	ebpf_spec_free(spec);
}
END_TEST

START_TEST(test_set_var)
{
	struct ebpf_spec *spec = open_obj("spec_multi");
	const uint8_t *val;
	uint32_t limit = 42;
	uint64_t hits = 0x1122334455667788ull, got;
	size_t sz;

	ck_assert_int_eq(ebpf_spec_set_var(spec, "cfg_limit", &limit, sizeof(limit)), 0);
	val = ebpf_map_spec_initial_value(map(spec, ".rodata"), &sz);
	memcpy(&limit, val, 4);
	ck_assert_uint_eq(limit, 42);
	ck_assert_str_eq((const char *)val + 4, "abc"); /* neighbours untouched */

	ck_assert_int_eq(ebpf_spec_set_var(spec, "cfg_name", "xyz\0\0\0\0", 8), 0);
	ck_assert_str_eq((const char *)ebpf_map_spec_initial_value(map(spec, ".rodata"), NULL) + 4, "xyz");

	ck_assert_int_eq(ebpf_spec_set_var(spec, "hits", &hits, sizeof(hits)), 0);
	val = ebpf_map_spec_initial_value(map(spec, ".bss"), &sz);
	ck_assert_uint_eq(sz, 16);
	memcpy(&got, val + 8, 8);
	ck_assert_uint_eq(got, hits);
	ck_assert_uint_eq(val[0], 0);

	ck_assert_int_eq(ebpf_spec_set_var(spec, "cfg_limit", &hits, sizeof(hits)), -EINVAL);
	ck_assert_errmsg_has("variable 'cfg_limit' in '.rodata': size 8 given, the variable has 4 bytes");
	ck_assert_int_eq(ebpf_spec_set_var(spec, "no_such_var", &limit, 4), -ENOENT);
	ck_assert_errmsg_has("no global variable named 'no_such_var'");
	/* kconfig values come from the kernel, not from the caller */
	ck_assert_int_eq(ebpf_spec_set_var(spec, "LINUX_KERNEL_VERSION", &limit, 4), -ENOENT);
	ebpf_spec_free(spec);
}
END_TEST

static void check_extern(const struct ebpf_spec *spec, const char *name, enum ebpf_extern_kind kind, bool weak,
			 uint32_t size, uint32_t offset)
{
	for (size_t i = 0; i < ebpf_spec_extern_count(spec); i++) {
		struct ebpf_extern_info x;

		ck_assert_int_eq(ebpf_spec_extern(spec, i, &x), 0);
		if (strcmp(x.name, name) != 0)
			continue;
		ck_assert_msg(x.kind == kind, "%s: kind %d, want %d", name, x.kind, kind);
		ck_assert_msg(x.weak == weak, "%s: weak %d", name, x.weak);
		ck_assert_uint_eq(x.size, size);
		ck_assert_uint_eq(x.offset, offset);
		ck_assert_uint_ne(x.btf_id, 0);
		if (kind == EBPF_EXTERN_KSYM_TYPELESS)
			ck_assert_uint_eq(x.btf_type, 0);
		else
			ck_assert_uint_ne(x.btf_type, 0);
		return;
	}
	ck_abort_msg("no extern %s", name);
}

START_TEST(test_externs)
{
	struct ebpf_spec *spec = open_obj("spec_multi");
	const struct ebpf_map_spec *kc;
	struct ebpf_extern_info x;
	const struct eb_extern *e = NULL;

	ck_assert_uint_eq(ebpf_spec_extern_count(spec), 8);
	check_extern(spec, "CONFIG_BPF_SYSCALL", EBPF_EXTERN_KCONFIG, true, 1, 0);
	check_extern(spec, "LINUX_KERNEL_VERSION", EBPF_EXTERN_KCONFIG, false, 4, 4);
	check_extern(spec, "CONFIG_NET_SCH_FQ", EBPF_EXTERN_KCONFIG, true, 4, 8);
	check_extern(spec, "bpf_prog_active", EBPF_EXTERN_KSYM_VAR, false, 0, 0);
	check_extern(spec, "bpf_init", EBPF_EXTERN_KSYM_TYPELESS, true, 0, 0);
	check_extern(spec, "bpf_task_from_pid", EBPF_EXTERN_KFUNC, false, 0, 0);
	check_extern(spec, "bpf_task_release", EBPF_EXTERN_KFUNC, false, 0, 0);
	check_extern(spec, "bpf_cpumask_create", EBPF_EXTERN_KFUNC, true, 0, 0);
	ck_assert_int_eq(ebpf_spec_extern(spec, 8, &x), -ENOENT);

	/* kconfig typing */
	for (uint32_t i = 0; i < spec->extern_cnt; i++) {
		e = &spec->externs[i];
		if (!strcmp(e->name, "CONFIG_BPF_SYSCALL"))
			ck_assert_int_eq(e->kcfg_type, EB_KCFG_BOOL);
		else if (!strcmp(e->name, "CONFIG_NET_SCH_FQ"))
			ck_assert_int_eq(e->kcfg_type, EB_KCFG_TRISTATE);
		else if (!strcmp(e->name, "LINUX_KERNEL_VERSION")) {
			ck_assert_int_eq(e->kcfg_type, EB_KCFG_INT);
			ck_assert(!e->is_signed);
		}
	}

	/* The .kconfig map lays the kconfig externs out, read-only. */
	ck_assert_int_ge(spec->kconfig_map, 0);
	kc = ebpf_spec_map(spec, (size_t)spec->kconfig_map);
	ck_assert_str_eq(ebpf_map_spec_name(kc), ".kconfig");
	ck_assert_int_eq(ebpf_map_spec_origin(kc), EBPF_MAP_ORIGIN_KCONFIG);
	ck_assert_uint_eq(ebpf_map_spec_value_size(kc), 16);
	ck_assert(kc->readonly);
	ck_assert_uint_eq(ebpf_map_spec_var_count(kc), 3);
	check_var(kc, 1, "LINUX_KERNEL_VERSION", 4, 4, true);
	ebpf_spec_free(spec);
}
END_TEST

START_TEST(test_legacy_maps)
{
	struct ebpf_spec *spec = open_obj("spec_legacy");
	const struct ebpf_map_spec *m;
	struct ebpf_reloc r;

	ck_assert_uint_eq(ebpf_spec_map_count(spec), 2);
	m = map(spec, "legacy_hash");
	ck_assert_int_eq(ebpf_map_spec_origin(m), EBPF_MAP_ORIGIN_LEGACY);
	ck_assert_int_eq(ebpf_map_spec_type(m), EBPF_MAP_TYPE_HASH);
	ck_assert_uint_eq(ebpf_map_spec_key_size(m), 4);
	ck_assert_uint_eq(ebpf_map_spec_value_size(m), 8);
	ck_assert_uint_eq(ebpf_map_spec_max_entries(m), 128);
	ck_assert_uint_eq(ebpf_map_spec_flags(m), EBPF_F_NO_PREALLOC);
	m = map(spec, "legacy_array");
	ck_assert_int_eq(ebpf_map_spec_type(m), EBPF_MAP_TYPE_ARRAY);
	ck_assert_uint_eq(ebpf_map_spec_value_size(m), 16);
	ck_assert_uint_eq(ebpf_map_spec_max_entries(m), 2);
	ck_assert_str_eq(ebpf_spec_license(spec), "GPL");
	ck_assert_uint_eq(ebpf_spec_kern_version(spec), 0x060c00);

	/* Each map reference is tagged with its map. */
	ck_assert_uint_eq(ebpf_prog_spec_reloc_count(ebpf_spec_prog(spec, 0)), 2);
	ck_assert_int_eq(ebpf_prog_spec_reloc(ebpf_spec_prog(spec, 0), 0, &r), 0);
	ck_assert_int_eq(r.kind, EBPF_RELOC_MAP);
	ck_assert_str_eq(r.symbol, "legacy_hash");
	ck_assert_uint_eq(r.target, 0);
	ck_assert_int_eq(ebpf_prog_spec_reloc(ebpf_spec_prog(spec, 0), 1, &r), 0);
	ck_assert_str_eq(r.symbol, "legacy_array");
	ck_assert_uint_eq(r.target, 1);
	ebpf_spec_free(spec);
}
END_TEST

START_TEST(test_open_mem_and_opts)
{
	size_t size;
	void *buf = test_read_file(testobj("spec_multi"), &size);
	struct ebpf_spec *a = NULL, *b = NULL;

	ck_assert_int_eq(ebpf_spec_open_mem(buf, size, NULL, &a), 0);
	ck_assert_str_eq(ebpf_spec_name(a), "<memory>");
	ck_assert_int_eq(ebpf_spec_open_mem(buf, size, &EBPF_OPTS(ebpf_spec_opts, .name = "embedded"), &b), 0);
	/* The spec owns a copy: scribbling over the caller's buffer changes nothing. */
	memset(buf, 0xff, size);
	free(buf);
	ck_assert_str_eq(ebpf_spec_name(b), "embedded");
	ck_assert_uint_eq(ebpf_spec_prog_count(b), 4);
	ck_assert_uint_eq(ebpf_spec_map_count(a), ebpf_spec_map_count(b));
	ebpf_spec_free(a);
	ebpf_spec_free(b);
	ebpf_spec_free(NULL);

	ck_assert_int_eq(ebpf_spec_open_file("/nonexistent/x.o", NULL, &a), -ENOENT);
	ck_assert_errmsg_has("/nonexistent/x.o: cannot open");
	ck_assert_ptr_null(a);
	ck_assert_int_eq(ebpf_spec_open_file("/", NULL, &a), -EISDIR);
	ck_assert_int_eq(ebpf_spec_open_mem(NULL, 10, NULL, &a), -EINVAL);
}
END_TEST

/* Build the same source for big-endian BPF and compare with the native build. */
START_TEST(test_foreign_endian)
{
	char out[] = "/tmp/spec_be_XXXXXX", cmd[8192], inc[4096];
	struct ebpf_spec *le, *be;
	int fd = mkstemp(out), rc;

	ck_assert_int_ge(fd, 0);
	close(fd);
	/* testsrc() returns a static buffer: copy the first result before the second call. */
	snprintf(inc, sizeof(inc), "%s", testsrc("include"));
	snprintf(cmd, sizeof(cmd), "clang -O2 -g -target bpfeb -I%s -Wno-unused-function -c %s -o %s 2>/dev/null",
		 inc, testsrc("spec_multi.bpf.c"), out);
	rc = system(cmd);
	if (rc != 0) {
		unlink(out);
		test_skip(__func__, "clang cannot build -target bpfeb");
		return;
	}
	rc = ebpf_spec_open_file(out, NULL, &be);
	unlink(out);
	ck_assert_msg(rc == 0, "open bpfeb: %s", ebpf_errmsg());
	le = open_obj("spec_multi");
	ck_assert(ebpf_spec_foreign_endian(be));
	ck_assert_uint_eq(ebpf_spec_prog_count(be), ebpf_spec_prog_count(le));
	for (size_t i = 0; i < ebpf_spec_prog_count(le); i++) {
		size_t n1, n2;
		const struct ebpf_insn *a = ebpf_prog_spec_insns(ebpf_spec_prog(le, i), &n1);
		const struct ebpf_insn *b = ebpf_prog_spec_insns(ebpf_spec_prog(be, i), &n2);

		ck_assert_uint_eq(n1, n2);
		/* Swapped into host order, instructions are identical (ld_imm64 halves included). */
		ck_assert_msg(memcmp(a, b, n1 * sizeof(*a)) == 0, "prog %zu differs", i);
		ck_assert_uint_eq(ebpf_prog_spec_reloc_count(ebpf_spec_prog(le, i)),
				  ebpf_prog_spec_reloc_count(ebpf_spec_prog(be, i)));
	}
	ck_assert_uint_eq(ebpf_map_spec_max_entries(map(be, "counts")), 1024);
	ck_assert_uint_eq(ebpf_map_spec_key_size(map(be, "counts")), 8);
	ck_assert_uint_eq(ebpf_map_spec_slot_count(map(be, "outer")), 2);
	ck_assert_uint_eq(ebpf_spec_extern_count(be), 8);
	ebpf_spec_free(le);
	ebpf_spec_free(be);
}
END_TEST

/* Every allocation failure is reported as -ENOMEM and leaks nothing (valgrind checks). */
START_TEST(test_alloc_failures)
{
	size_t size;
	void *buf = test_read_file(testobj("spec_multi"), &size);
	struct ebpf_spec *spec = NULL;
	uint64_t calls;

	eb_fault_arm(EB_FAULT_ALLOC, 0);
	ck_assert_int_eq(ebpf_spec_open_mem(buf, size, NULL, &spec), 0);
	calls = eb_fault_calls(EB_FAULT_ALLOC);
	ebpf_spec_free(spec);
	/* Enough sites to mean something; the open makes few allocations on purpose (issue #11). */
	ck_assert_uint_gt(calls, 10);
	for (uint64_t n = 1; n <= calls; n++) {
		eb_fault_arm(EB_FAULT_ALLOC, n);
		spec = NULL;
		ck_assert_int_eq(ebpf_spec_open_mem(buf, size, NULL, &spec), -ENOMEM);
		ck_assert_ptr_null(spec);
	}
	eb_fault_arm(EB_FAULT_ALLOC, 0);
	free(buf);
}
END_TEST

static const struct eb_extern *ext(const struct ebpf_spec *spec, const char *name)
{
	for (uint32_t i = 0; i < spec->extern_cnt; i++) {
		if (!strcmp(spec->externs[i].name, name))
			return &spec->externs[i];
	}
	ck_abort_msg("no extern %s", name);
	return NULL;
}

START_TEST(test_kconfig_typing_and_unknown_section)
{
	struct ebpf_spec *spec = open_obj("spec_misc");
	struct ebpf_prog_spec *p = ebpf_spec_prog(spec, 0);
	const struct eb_extern *x;
	struct ebpf_reloc r;

	/* A section no rule knows still yields a program, of unspecified type. */
	ck_assert_str_eq(ebpf_prog_spec_section(p), "my_custom_section");
	ck_assert_int_eq(ebpf_prog_spec_type(p), EBPF_PROG_TYPE_UNSPEC);
	ck_assert_int_eq(ebpf_prog_spec_attach_type(p), EBPF_ATTACH_TYPE_NONE);

	x = ext(spec, "CONFIG_DEFAULT_HOSTNAME");
	ck_assert_int_eq(x->kcfg_type, EB_KCFG_CHAR_ARR);
	ck_assert_uint_eq(x->size, 16);
	ck_assert_uint_eq(x->offset, 0);
	x = ext(spec, "CONFIG_CHARVAL");
	ck_assert_int_eq(x->kcfg_type, EB_KCFG_CHAR);
	ck_assert_uint_eq(x->offset, 16);
	x = ext(spec, "CONFIG_SHORTVAL");
	ck_assert_int_eq(x->kcfg_type, EB_KCFG_INT);
	ck_assert(x->is_signed);
	ck_assert_uint_eq(x->size, 2);
	ck_assert_uint_eq(x->offset, 18);	/* aligned to its size */
	x = ext(spec, "CONFIG_HZ_LL");
	ck_assert_int_eq(x->kcfg_type, EB_KCFG_INT);
	ck_assert(x->is_signed);
	ck_assert_uint_eq(x->offset, 24);
	ck_assert_uint_eq(ebpf_map_spec_value_size(map(spec, ".kconfig")), 40);

	/* The kconfig relocation's addend is the extern's offset in the .kconfig map. */
	ck_assert_int_eq(ebpf_prog_spec_reloc(p, 3, &r), 0);
	ck_assert_int_eq(r.kind, EBPF_RELOC_KCONFIG);
	ck_assert_str_eq(r.symbol, "CONFIG_HZ_LL");
	ck_assert_int_eq(r.addend, 24);

	/* Static data through the section symbol; a custom .rodata.* section is its own map. */
	ck_assert_int_eq(ebpf_prog_spec_reloc(p, 5, &r), 0);
	ck_assert_int_eq(r.kind, EBPF_RELOC_DATA);
	ck_assert_str_eq(r.symbol, ".rodata");
	ck_assert_str_eq(ebpf_map_spec_name(ebpf_spec_map(spec, r.target)), ".rodata");
	check_var(map(spec, ".rodata"), 0, "static_ro", 0, 16, false);
	ck_assert(map(spec, ".rodata.custom")->readonly);
	check_var(map(spec, ".rodata.custom"), 0, "custom_ro", 0, 8, true);
	ebpf_spec_free(spec);
}
END_TEST

Suite *suite_spec_objects(void)
{
	Suite *s = suite_create("spec_objects");
	TCase *tc = test_tcase("objects");

	tcase_add_test(tc, test_programs_and_subprograms);
	tcase_add_test(tc, test_btf_maps);
	tcase_add_test(tc, test_data_sections);
	tcase_add_test(tc, test_set_var);
	tcase_add_test(tc, test_externs);
	tcase_add_test(tc, test_legacy_maps);
	tcase_add_test(tc, test_open_mem_and_opts);
	tcase_add_test(tc, test_foreign_endian);
	tcase_add_test(tc, test_alloc_failures);
	tcase_add_test(tc, test_kconfig_typing_and_unknown_section);
	suite_add_tcase(s, tc);
	return s;
}
