/* Feature probes on this kernel agree with /work/shared/KERNEL.md (Linux 6.18). */
#include <stdlib.h>

#include "testutil.h"
#include "btf/btf.h"
#include "lib/features.h"
#include "lib/helpers.h"
#include "lib/sys.h"

/* The probes answer for the running kernel: only meaningful on 6.6+ (the machines' 6.18). */
static bool recent_kernel(void)
{
	return eb_kernel_version() >= ((6u << 16) | (6u << 8));
}

START_TEST(test_prog_types)
{
	REQUIRE_BPF();
	static const enum ebpf_prog_type yes[] = {
		EBPF_PROG_TYPE_SOCKET_FILTER, EBPF_PROG_TYPE_KPROBE, EBPF_PROG_TYPE_TRACEPOINT,
		EBPF_PROG_TYPE_RAW_TRACEPOINT, EBPF_PROG_TYPE_TRACING, EBPF_PROG_TYPE_XDP,
		EBPF_PROG_TYPE_SCHED_CLS, EBPF_PROG_TYPE_SYSCALL, EBPF_PROG_TYPE_CGROUP_SKB,
	};
	for (size_t i = 0; i < sizeof(yes) / sizeof(yes[0]); i++)
		ck_assert_msg(eb_probe_prog_type(yes[i]) == EB_YES, "prog type %d", yes[i]);
	/* out of range is a plain no, and asking twice gives the cached answer */
	ck_assert_int_eq(eb_probe_prog_type(EBPF_PROG_TYPE_MAX), EB_NO);
	ck_assert_int_eq(eb_probe_prog_type(EBPF_PROG_TYPE_XDP), EB_YES);
}
END_TEST

START_TEST(test_map_types)
{
	REQUIRE_BPF();
	static const enum ebpf_map_type yes[] = {
		EBPF_MAP_TYPE_HASH, EBPF_MAP_TYPE_ARRAY, EBPF_MAP_TYPE_PROG_ARRAY,
		EBPF_MAP_TYPE_PERF_EVENT_ARRAY, EBPF_MAP_TYPE_PERCPU_HASH, EBPF_MAP_TYPE_PERCPU_ARRAY,
		EBPF_MAP_TYPE_STACK_TRACE, EBPF_MAP_TYPE_LRU_HASH, EBPF_MAP_TYPE_LRU_PERCPU_HASH,
		EBPF_MAP_TYPE_LPM_TRIE, EBPF_MAP_TYPE_ARRAY_OF_MAPS, EBPF_MAP_TYPE_HASH_OF_MAPS,
		EBPF_MAP_TYPE_QUEUE, EBPF_MAP_TYPE_STACK, EBPF_MAP_TYPE_SK_STORAGE,
		EBPF_MAP_TYPE_TASK_STORAGE, EBPF_MAP_TYPE_RINGBUF, EBPF_MAP_TYPE_BLOOM_FILTER,
	};
	for (size_t i = 0; i < sizeof(yes) / sizeof(yes[0]); i++)
		ck_assert_msg(eb_probe_map_type(yes[i]) == EB_YES, "map type %d", yes[i]);
	ck_assert_int_eq(eb_probe_map_type(EBPF_MAP_TYPE_MAX), EB_NO);
}
END_TEST

START_TEST(test_helpers_per_type)
{
	REQUIRE_BPF();
	/* The design's example: bpf_skb_output is for tracing programs, never kprobe. */
	ck_assert_int_eq(eb_probe_helper(EBPF_PROG_TYPE_KPROBE, EB_HELPER_SKB_OUTPUT), EB_NO);
	ck_assert_int_eq(eb_probe_helper(EBPF_PROG_TYPE_TRACING, EB_HELPER_SKB_OUTPUT), EB_YES);
	ck_assert_int_eq(eb_probe_helper(EBPF_PROG_TYPE_KPROBE, EB_HELPER_GET_ATTACH_COOKIE), EB_YES);
	ck_assert_int_eq(eb_probe_helper(EBPF_PROG_TYPE_SOCKET_FILTER, EB_HELPER_GET_ATTACH_COOKIE), EB_NO);
	/* map_lookup_elem is allowed everywhere */
	ck_assert_int_eq(eb_probe_helper(EBPF_PROG_TYPE_XDP, 1), EB_YES);
}
END_TEST

START_TEST(test_features_match_kernel_md)
{
	REQUIRE_BPF();
	if (!recent_kernel()) {
		test_skip(__func__, "expectations are for the project's 6.18 kernel");
		return;
	}
	static const enum eb_feature yes[] = {
		EB_FEAT_PERF_LINK, EB_FEAT_BPF_COOKIE, EB_FEAT_TRACING_COOKIE, EB_FEAT_UPROBE_MULTI,
		EB_FEAT_TCX, EB_FEAT_LOG_TRUE_SIZE, EB_FEAT_BTF_DATASEC, EB_FEAT_BTF_FUNC,
		EB_FEAT_BTF_FUNC_GLOBAL, EB_FEAT_BTF_FLOAT, EB_FEAT_BTF_DECL_TAG, EB_FEAT_BTF_TYPE_TAG,
		EB_FEAT_BTF_ENUM64, EB_FEAT_BTF_QMARK_DATASEC, EB_FEAT_MAP_BTF, EB_FEAT_PROG_NAME,
		EB_FEAT_MMAPABLE_MAPS,
	};
	for (size_t i = 0; i < sizeof(yes) / sizeof(yes[0]); i++)
		ck_assert_msg(eb_feature(yes[i]) == EB_YES, "%s (since %s)", eb_feature_name(yes[i]),
			      eb_feature_since(yes[i]));
	if (eb_kernel_version() >= ((6u << 16) | (10u << 8)))
		ck_assert_int_eq(eb_feature(EB_FEAT_RAW_TP_COOKIE), EB_YES);
	/* every answer is conclusive as root */
	for (int f = 0; f < EB_FEAT_COUNT; f++)
		ck_assert_msg(eb_feature(f) != EB_UNKNOWN, "%s undecided", eb_feature_name(f));
	ck_assert_uint_eq(eb_btf_features(), EB_BTF_FEAT_ALL);
	ck_assert_str_eq(eb_feature_since(EB_FEAT_BPF_COOKIE), "5.15");
	ck_assert_int_eq(eb_feature(EB_FEAT_COUNT), EB_UNKNOWN);
}
END_TEST

Suite *suite_kl_features(void)
{
	Suite *s = suite_create("kl_features");
	TCase *tc = test_tcase("probes");
	tcase_add_test(tc, test_prog_types);
	tcase_add_test(tc, test_map_types);
	tcase_add_test(tc, test_helpers_per_type);
	tcase_add_test(tc, test_features_match_kernel_md);
	suite_add_tcase(s, tc);
	return s;
}
