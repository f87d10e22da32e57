/*
 * Review of the load-failure messages, on canned verifier logs: the common
 * verdicts come with what to do, the instruction is named, and trampoline
 * programs are called what users write in SEC().
 */
#include <errno.h>
#include <stdio.h>

#include "testutil.h"
#include "lib/verifier_log.h"

static void explain(enum ebpf_prog_type type, enum ebpf_attach_type at, int err, const char *log)
{
	struct eb_prog_desc d = { .name = "p", .section = "sec/x", .type = type, .attach_type = at };

	ck_assert_int_eq(eb_verifier_explain(&d, err, log), err);
	ck_assert_ptr_null(strchr(ebpf_errmsg(), '\n'));
}

START_TEST(verdicts_say_what_to_do)
{
	static const struct {
		const char *verdict, *expect;
	} cases[] = {
		{ "R0 invalid mem access 'map_value_or_null'", "without a NULL check" },
		{ "R0 !read_ok", "read before it is set" },
		{ "invalid access to map value, value_size=8 off=8 size=8", "outside the map value" },
		{ "invalid access to packet, off=0 size=4, R2(id=0,off=0,r=0)", "data_end" },
		{ "back-edge from insn 9 to 3", "bound it" },
		{ "infinite loop detected at insn 4", "bound it" },
		{ "R1 unbounded memory access, make sure to bounds check any such access",
		  "check its minimum and maximum" },
		{ "invalid indirect read from stack R2 off -8+0 size 8", "initialise the stack buffer" },
		{ "Unreleased reference id=2 alloc_insn=5", "release every acquired reference" },
		{ "At program exit the register R0 has smin=2 smax=2 should have been in [0, 1]",
		  "return a value this program type allows" },
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		char log[256];

		snprintf(log, sizeof(log), "0: R1=ctx() R10=fp0\n5: (79) r0 = *(u64 *)(r0 +0)\n%s\n"
			 "processed 6 insns (limit 1000000)\n", cases[i].verdict);
		explain(EBPF_PROG_TYPE_SYSCALL, EBPF_ATTACH_TYPE_NONE, -EACCES, log);
		ck_assert_errmsg_has("prog 'p': the verifier rejected it at insn 5: ");
		ck_assert_errmsg_has(cases[i].verdict);
		ck_assert_errmsg_has(cases[i].expect);
	}
	/* another errno: not called the verifier's verdict; no hint for an unknown line */
	explain(EBPF_PROG_TYPE_SYSCALL, EBPF_ATTACH_TYPE_NONE, -EINVAL, "missing btf func_info\n");
	ck_assert_str_eq(ebpf_errmsg(), "prog 'p': load failed (Invalid argument): missing btf func_info");
}
END_TEST

START_TEST(trampolines_are_named_as_in_sec)
{
	static const struct {
		enum ebpf_prog_type type;
		enum ebpf_attach_type at;
		const char *kind;
	} cases[] = {
		{ EBPF_PROG_TYPE_TRACING, EBPF_TRACE_FENTRY, "fentry" },
		{ EBPF_PROG_TYPE_TRACING, EBPF_TRACE_FEXIT, "fexit" },
		{ EBPF_PROG_TYPE_TRACING, EBPF_MODIFY_RETURN, "fmod_ret" },
		{ EBPF_PROG_TYPE_LSM, EBPF_LSM_MAC, "lsm" },
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		char want[96];

		explain(cases[i].type, cases[i].at, -EPERM, "");
		snprintf(want, sizeof(want), "prog 'p': %s programs (section 'sec/x') are refused",
			 cases[i].kind);
		ck_assert_msg(strstr(ebpf_errmsg(), want) == ebpf_errmsg(), "%s", ebpf_errmsg());
		ck_assert_ptr_null(strstr(ebpf_errmsg(), "trace_"));
		ck_assert_errmsg_has("use a tp_btf/ or raw_tp/ program instead");
	}
}
END_TEST

Suite *suite_rev_verifier(void)
{
	Suite *s = suite_create("rev_verifier");
	TCase *tc = test_tcase("messages");

	tcase_add_test(tc, verdicts_say_what_to_do);
	tcase_add_test(tc, trampolines_are_named_as_in_sec);
	suite_add_tcase(s, tc);
	return s;
}
