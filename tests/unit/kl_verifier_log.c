/* Verifier-log parsing and error explanations, on canned logs (no kernel needed). */
#include <errno.h>

#include "testutil.h"
#include "lib/map_internal.h"
#include "lib/verifier_log.h"

static const char null_log[] =
	"func#0 @0\n"
	"0: R1=ctx() R10=fp0\n"
	"7: (79) r0 = *(u64 *)(r0 +0)\n"
	"R0 invalid mem access 'map_value_or_null'\n"
	"processed 8 insns (limit 1000000) max_states_per_insn 0 total_states 0 peak_states 0 mark_read 0\n";

START_TEST(test_decisive_line)
{
	char buf[128];
	ck_assert_uint_gt(eb_log_decisive_line(null_log, buf, sizeof(buf)), 0);
	ck_assert_str_eq(buf, "R0 invalid mem access 'map_value_or_null'");
	/* truncated to the buffer, always terminated */
	eb_log_decisive_line(null_log, buf, 5);
	ck_assert_str_eq(buf, "R0 i");
	ck_assert_uint_eq(eb_log_decisive_line("", buf, sizeof(buf)), 0);
	ck_assert_str_eq(buf, "");
	ck_assert_uint_eq(eb_log_decisive_line(NULL, buf, sizeof(buf)), 0);
	ck_assert_uint_eq(eb_log_decisive_line("processed 1 insns\n\n", buf, sizeof(buf)), 0);
	ck_assert_int_eq(eb_log_last_insn(null_log), 7);
	ck_assert_int_eq(eb_log_last_insn("no insns here\n"), -1);
}
END_TEST

START_TEST(test_explain_helper)
{
	struct eb_prog_desc d = { .name = "p", .section = "kprobe/x", .type = EBPF_PROG_TYPE_KPROBE,
				  .attach_type = EBPF_ATTACH_TYPE_NONE };
	/* the older kernels' wording and this one's, same explanation */
	ck_assert_int_eq(eb_verifier_explain(&d, -EINVAL, "5: (85) call bpf_skb_output#111\n"
					     "unknown func bpf_skb_output#111\n"), -EINVAL);
	ck_assert_errmsg_has("prog 'p': helper bpf_skb_output#111 cannot be called from kprobe programs");
	ck_assert_errmsg_has("fentry/fexit/tp_btf");
	eb_verifier_explain(&d, -EINVAL, "program of this type cannot use helper bpf_skb_output#111\n"
			    "processed 3 insns\n");
	ck_assert_errmsg_has("helper bpf_skb_output#111 cannot be called from kprobe programs (section 'kprobe/x')");
}
END_TEST

START_TEST(test_explain_notes_ksym_eperm)
{
	struct eb_relo_note note = { .insn = 12, .what = "CO-RE field 'task_struct.nope' is missing in the kernel" };
	struct eb_prog_desc d = { .name = "q", .section = "tp/x", .type = EBPF_PROG_TYPE_TRACEPOINT,
				  .attach_type = EBPF_ATTACH_TYPE_NONE, .notes = &note, .note_cnt = 1 };
	eb_verifier_explain(&d, -EINVAL, "12: (85) call unknown#195896080\ninvalid func unknown#195896080\n");
	ck_assert_errmsg_has("prog 'q': CO-RE field 'task_struct.nope' is missing in the kernel");
	ck_assert_errmsg_has("insn 12");

	d.notes = NULL;
	d.note_cnt = 0;
	eb_verifier_explain(&d, -ENOENT, "ldimm64 failed to find the address for kernel symbol 'runqueues'.\n");
	ck_assert_errmsg_has("'runqueues'");
	ck_assert_errmsg_has("CONFIG_KALLSYMS_ALL");

	d.type = EBPF_PROG_TYPE_TRACING;
	d.attach_type = EBPF_TRACE_FENTRY;
	eb_verifier_explain(&d, -EPERM, "");
	ck_assert_errmsg_has("refused by this kernel");
	d.type = EBPF_PROG_TYPE_XDP;
	d.attach_type = EBPF_ATTACH_TYPE_NONE;
	eb_verifier_explain(&d, -EPERM, NULL);
	ck_assert_errmsg_has("CAP_BPF");

	eb_verifier_explain(&d, -E2BIG, "");
	ck_assert_errmsg_has("prog 'q': load failed");
	ck_assert_errmsg_has("verifier log is empty");
}
END_TEST

START_TEST(test_cpu_list)
{
	ck_assert_int_eq(eb_parse_cpu_count("0-3\n"), 4);
	ck_assert_int_eq(eb_parse_cpu_count("0"), 1);
	ck_assert_int_eq(eb_parse_cpu_count("0-1,4,6-7"), 8);
	ck_assert_int_eq(eb_parse_cpu_count(""), -EINVAL);
	ck_assert_int_eq(eb_parse_cpu_count("3-1"), -EINVAL);
	ck_assert_int_eq(eb_parse_cpu_count("x"), -EINVAL);
	ck_assert_int_eq(eb_parse_cpu_count("0-99999999"), -EINVAL);
	ck_assert_int_gt(ebpf_num_possible_cpus(), 0);
}
END_TEST

Suite *suite_kl_verifier_log(void)
{
	Suite *s = suite_create("kl_verifier_log");
	TCase *tc = test_tcase("explain");
	tcase_add_test(tc, test_decisive_line);
	tcase_add_test(tc, test_explain_helper);
	tcase_add_test(tc, test_explain_notes_ksym_eperm);
	tcase_add_test(tc, test_cpu_list);
	suite_add_tcase(s, tc);
	return s;
}
