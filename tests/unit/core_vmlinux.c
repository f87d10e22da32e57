/*
 * Golden CO-RE tests against this machine's real vmlinux BTF: the records
 * clang wrote into testdata/core_task.bpf.c are applied, and every patched
 * instruction is compared with a value found independently — member offsets
 * by a small walker written here, and kernel facts that do not move
 * (PIDTYPE_SID is 3, struct list_head is 16 bytes, pid is a signed 4-byte int).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "testutil.h"
#include "lib/alloc.h"
#include "lib/spec.h"
#include "relo/core_internal.h"

/* Bit offset of member `name` of struct `sname`, through anonymous members; -1 if absent. */
static long member_bits(const struct ebpf_btf *btf, uint32_t id, const char *name, uint32_t *type)
{
	const struct btf_type *t = eb_btf_skip_mods_typedefs(btf, id, NULL);

	if (!t || (btf_kind(t) != BTF_KIND_STRUCT && btf_kind(t) != BTF_KIND_UNION))
		return -1;
	for (uint32_t i = 0; i < btf_vlen(t); i++) {
		const struct btf_member *m = &btf_members(t)[i];
		const char *n = eb_btf_str(btf, m->name_off);
		long sub;

		if (!*n && (sub = member_bits(btf, m->type, name, type)) >= 0)
			return (long)btf_member_bit_offset(t, m) + sub;
		if (strcmp(n, name) == 0) {
			if (type)
				*type = m->type;
			return (long)btf_member_bit_offset(t, m);
		}
	}
	return -1;
}

static long task_member_bytes(const struct ebpf_btf *vm, const char *name)
{
	int32_t task = eb_btf_find(vm, "task_struct", BTF_KIND_STRUCT);
	long bits;

	ck_assert_int_gt(task, 0);
	bits = member_bits(vm, (uint32_t)task, name, NULL);
	ck_assert_int_ge(bits, 0);
	return bits / 8;
}

/* The value an instruction now carries, whatever its shape. */
static uint64_t insn_value(const struct ebpf_insn *insn)
{
	switch (EBPF_CLASS(insn->code)) {
	case EBPF_LDX:
	case EBPF_ST:
	case EBPF_STX:
		return (uint64_t)(int64_t)insn->off;
	case EBPF_LD:
		return (uint32_t)insn[0].imm | ((uint64_t)(uint32_t)insn[1].imm << 32);
	default:
		return (uint64_t)(int64_t)insn->imm;
	}
}

static const struct eb_text_sec *find_sec(const struct ebpf_spec *spec, const char *name)
{
	for (uint32_t i = 0; i < spec->sec_cnt; i++)
		if (strcmp(spec->secs[i].name, name) == 0)
			return &spec->secs[i];
	return NULL;
}

struct golden {
	const char *what;	/* "kind path" */
	uint64_t want;
	bool seen;
};

START_TEST(test_golden_every_kind_against_vmlinux)
{
	struct ebpf_spec *spec = NULL;
	struct ebpf_btf *vm = NULL;
	const struct eb_text_sec *sec;
	struct ebpf_insn *insns;
	struct eb_relo_prog out = { 0 };
	struct eb_core_spec *ls = calloc(1, sizeof(*ls));
	int32_t task_id, list_id;
	uint32_t pid_type;
	struct eb_core_relo *recs = NULL;

	if (access("/sys/kernel/btf/vmlinux", R_OK) != 0) {
		test_skip(__func__, "no /sys/kernel/btf/vmlinux");
		free(ls);
		return;
	}
	ck_assert_int_eq(eb_btf_vmlinux(&vm), 0);
	ck_assert_msg(ebpf_spec_open_file(testobj("core_task"), NULL, &spec) == 0, "%s", ebpf_errmsg());
	sec = find_sec(spec, "syscall");
	ck_assert_ptr_nonnull(sec);
	ck_assert_ptr_nonnull(sec->core_relo);
	task_id = eb_btf_find(vm, "task_struct", BTF_KIND_STRUCT);
	list_id = eb_btf_find(vm, "list_head", BTF_KIND_STRUCT);
	ck_assert_int_gt(task_id, 0);
	ck_assert_int_gt(list_id, 0);
	ck_assert_int_eq(member_bits(vm, (uint32_t)task_id, "pid", &pid_type) >= 0, 1);

	{
		struct golden g[] = {
			{ "field_byte_offset task_struct___core.pid", (uint64_t)task_member_bytes(vm, "pid"), false },
			{ "field_byte_offset task_struct___core.tgid", (uint64_t)task_member_bytes(vm, "tgid"), false },
			{ "field_byte_offset task_struct___core.comm", (uint64_t)task_member_bytes(vm, "comm"), false },
			{ "field_byte_offset task_struct___core.real_parent", (uint64_t)task_member_bytes(vm, "real_parent"), false },
			{ "field_exists task_struct___core.pid", 1, false },
			{ "field_exists task_struct___core.no_such_field_core_test", 0, false },
			{ "field_byte_size task_struct___core.pid", 4, false },
			{ "field_byte_size task_struct___core.comm", 16, false },
			{ "field_signed task_struct___core.pid", 1, false },
			{ "field_signed task_struct___core.sched_reset_on_fork", 0, false },
			{ "field_rshift_u64 task_struct___core.sched_reset_on_fork", 63, false },
			{ "enumval_value enum pid_type___core::PIDTYPE_SID___core", 3, false },
			{ "enumval_exists enum pid_type___core::PIDTYPE_SID___core", 1, false },
			{ "enumval_exists enum pid_type___core::PIDTYPE_NO_SUCH___core", 0, false },
			{ "type_exists struct task_struct___core", 1, false },
			{ "type_exists struct no_such_type_core_test", 0, false },
			{ "type_size struct list_head___core", 16, false },
			{ "type_size struct task_struct___core", (uint64_t)eb_btf_type_size(vm, (uint32_t)task_id), false },
		};
		size_t ng = sizeof(g) / sizeof(g[0]);

		insns = eb_memdup(sec->insns, sec->insn_cnt * sizeof(*insns));
		ck_assert_ptr_nonnull(insns);
		ck_assert_int_eq(eb_btf_ext_decode_all(spec->btf, sec->core_relo, EB_EXT_CORE_RELO,
						       (void **)&recs), 0);
		ck_assert_msg(eb_core_apply(spec->btf, vm, NULL, "core_read_task", insns, sec->insn_cnt, recs,
					    sec->core_relo->cnt, &out) == 0, "%s", ebpf_errmsg());
		ck_assert_uint_eq(out.note_cnt, 0);
		for (uint32_t i = 0; i < sec->core_relo->cnt; i++) {
			const struct eb_core_relo *r = &recs[i];
			char path[128], what[160];

			ck_assert_int_eq(eb_core_spec_parse(spec->btf, r->type_id,
							    eb_btf_str(spec->btf, r->access_str_off), r->kind, ls), 0);
			eb_core_spec_str(ls, path, sizeof(path));
			snprintf(what, sizeof(what), "%s %s", eb_core_kind_name(r->kind), path);
			for (size_t j = 0; j < ng; j++) {
				if (strcmp(g[j].what, what) != 0)
					continue;
				ck_assert_msg(insn_value(&insns[r->insn_off]) == g[j].want, "%s: insn %u holds %llu, want %llu",
					      what, r->insn_off, (unsigned long long)insn_value(&insns[r->insn_off]),
					      (unsigned long long)g[j].want);
				g[j].seen = true;
			}
		}
		for (size_t j = 0; j < ng; j++)
			ck_assert_msg(g[j].seen, "no relocation '%s' in the object", g[j].what);
	}
	/* The bitfield: lshift puts its bit at 63 after a load at the reported offset. */
	eb_free(recs);
	eb_free(insns);
	eb_free(out.notes);
	free(ls);
	ebpf_spec_free(spec);
	eb_btf_put(vm);
}
END_TEST

START_TEST(test_missing_field_poisons_load)
{
	struct ebpf_spec *spec = NULL;
	struct ebpf_btf *vm = NULL;
	const struct eb_text_sec *sec;
	struct ebpf_insn *insns;
	struct eb_relo_prog out = { 0 };
	bool poisoned = false;
	void *recs = NULL;

	if (access("/sys/kernel/btf/vmlinux", R_OK) != 0) {
		test_skip(__func__, "no /sys/kernel/btf/vmlinux");
		return;
	}
	ck_assert_int_eq(eb_btf_vmlinux(&vm), 0);
	ck_assert_msg(ebpf_spec_open_file(testobj("core_task"), NULL, &spec) == 0, "%s", ebpf_errmsg());
	sec = find_sec(spec, "?syscall");
	if (!sec)
		sec = find_sec(spec, "syscall");
	ck_assert_ptr_nonnull(sec);
	insns = eb_memdup(sec->insns, sec->insn_cnt * sizeof(*insns));
	ck_assert_int_eq(eb_btf_ext_decode_all(spec->btf, sec->core_relo, EB_EXT_CORE_RELO, &recs), 0);
	ck_assert_int_eq(eb_core_apply(spec->btf, vm, NULL, "core_read_missing", insns, sec->insn_cnt,
				       recs, sec->core_relo->cnt, &out), 0);
	for (uint32_t i = 0; i < out.note_cnt; i++) {
		const struct ebpf_insn *p = &insns[out.notes[i].insn];

		if (strcmp(out.notes[i].what, "task_struct___core.no_such_field_core_test: field not found in "
					      "kernel BTF (CO-RE field_byte_offset)") == 0) {
			ck_assert_uint_eq(p->code, EBPF_JMP | EBPF_CALL);
			ck_assert_int_eq(p->imm, 0xbad2310);
			poisoned = true;
		}
		eb_free(out.notes[i].what);
	}
	ck_assert_msg(poisoned, "no poisoned instruction with the expected note");
	eb_free(out.notes);
	eb_free(recs);
	eb_free(insns);
	ebpf_spec_free(spec);
	eb_btf_put(vm);
}
END_TEST

Suite *suite_core_vmlinux(void)
{
	Suite *s = suite_create("core_vmlinux");
	TCase *tc = test_tcase("golden");

	tcase_add_test(tc, test_golden_every_kind_against_vmlinux);
	tcase_add_test(tc, test_missing_field_poisons_load);
	suite_add_tcase(s, tc);
	return s;
}
