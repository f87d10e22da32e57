/*
 * The bpf(2) attr and info layouts of lib/sys.h against the kernel UAPI. Offsets
 * are written as numbers (from the 6.18 UAPI); fields that already existed in
 * 6.1 are cross-checked against the build machine's linux/bpf.h too (test only:
 * the library never includes it).
 */
#include <stddef.h>

#include <linux/bpf.h>

#include "testutil.h"
#include "lib/sys.h"

#define OFF(type, field, n) ck_assert_uint_eq(offsetof(struct type, field), (n))
/* Our field vs. the system header's field (both must also match the number). */
#define SAME(type, field, sysfield) \
	ck_assert_uint_eq(offsetof(struct type, field), offsetof(union bpf_attr, sysfield))

START_TEST(test_map_attrs)
{
	OFF(eb_attr_map_create, map_type, 0);
	OFF(eb_attr_map_create, inner_map_fd, 20);
	OFF(eb_attr_map_create, map_name, 28);
	OFF(eb_attr_map_create, btf_fd, 48);
	OFF(eb_attr_map_create, btf_value_type_id, 56);
	OFF(eb_attr_map_create, map_extra, 64);
	OFF(eb_attr_map_create, value_type_btf_obj_fd, 72);
	OFF(eb_attr_map_create, map_token_fd, 76);
	SAME(eb_attr_map_create, numa_node, numa_node);
	SAME(eb_attr_map_create, map_ifindex, map_ifindex);
	SAME(eb_attr_map_create, btf_vmlinux_value_type_id, btf_vmlinux_value_type_id);
	SAME(eb_attr_map_create, map_extra, map_extra);

	OFF(eb_attr_map_elem, key, 8);
	OFF(eb_attr_map_elem, value, 16);
	OFF(eb_attr_map_elem, next_key, 16);
	OFF(eb_attr_map_elem, flags, 24);
	SAME(eb_attr_map_elem, flags, flags);
	SAME(eb_attr_map_elem, next_key, next_key);

	OFF(eb_attr_map_batch, keys, 16);
	OFF(eb_attr_map_batch, count, 32);
	OFF(eb_attr_map_batch, map_fd, 36);
	OFF(eb_attr_map_batch, flags, 48);
	SAME(eb_attr_map_batch, out_batch, batch.out_batch);
	SAME(eb_attr_map_batch, values, batch.values);
	SAME(eb_attr_map_batch, elem_flags, batch.elem_flags);
	SAME(eb_attr_map_batch, flags, batch.flags);
}
END_TEST

START_TEST(test_prog_load_attr)
{
	OFF(eb_attr_prog_load, insns, 8);
	OFF(eb_attr_prog_load, license, 16);
	OFF(eb_attr_prog_load, log_buf, 32);
	OFF(eb_attr_prog_load, prog_flags, 44);
	OFF(eb_attr_prog_load, prog_name, 48);
	OFF(eb_attr_prog_load, expected_attach_type, 68);
	OFF(eb_attr_prog_load, prog_btf_fd, 72);
	OFF(eb_attr_prog_load, func_info, 80);
	OFF(eb_attr_prog_load, line_info, 96);
	OFF(eb_attr_prog_load, attach_btf_id, 108);
	OFF(eb_attr_prog_load, attach_btf_obj_fd, 112);
	OFF(eb_attr_prog_load, fd_array, 120);
	OFF(eb_attr_prog_load, core_relo_rec_size, 136);
	OFF(eb_attr_prog_load, log_true_size, 140);
	OFF(eb_attr_prog_load, prog_token_fd, 144);
	OFF(eb_attr_prog_load, fd_array_cnt, 148);
	ck_assert_uint_eq(sizeof(struct eb_attr_prog_load), 152);
	SAME(eb_attr_prog_load, kern_version, kern_version);
	SAME(eb_attr_prog_load, func_info_cnt, func_info_cnt);
	SAME(eb_attr_prog_load, line_info_cnt, line_info_cnt);
	SAME(eb_attr_prog_load, attach_prog_fd, attach_prog_fd);
	SAME(eb_attr_prog_load, fd_array, fd_array);
	SAME(eb_attr_prog_load, core_relos, core_relos);
}
END_TEST

START_TEST(test_other_attrs)
{
	OFF(eb_attr_obj, bpf_fd, 8);
	OFF(eb_attr_obj, file_flags, 12);
	OFF(eb_attr_obj, path_fd, 16);
	SAME(eb_attr_obj, file_flags, file_flags);

	OFF(eb_attr_prog_attach, attach_type, 8);
	OFF(eb_attr_prog_attach, replace_bpf_fd, 16);
	OFF(eb_attr_prog_attach, relative_fd, 20);
	OFF(eb_attr_prog_attach, expected_revision, 24);
	SAME(eb_attr_prog_attach, replace_bpf_fd, replace_bpf_fd);

	OFF(eb_attr_test_run, data_in, 16);
	OFF(eb_attr_test_run, duration, 36);
	OFF(eb_attr_test_run, ctx_in, 48);
	OFF(eb_attr_test_run, flags, 64);
	OFF(eb_attr_test_run, batch_size, 72);
	SAME(eb_attr_test_run, ctx_out, test.ctx_out);
	SAME(eb_attr_test_run, cpu, test.cpu);
	SAME(eb_attr_test_run, batch_size, test.batch_size);

	OFF(eb_attr_get_id, next_id, 4);
	OFF(eb_attr_get_id, open_flags, 8);
	SAME(eb_attr_get_id, open_flags, open_flags);
	OFF(eb_attr_info, info, 8);
	SAME(eb_attr_info, info, info.info);

	OFF(eb_attr_prog_query, prog_ids, 16);
	OFF(eb_attr_prog_query, prog_cnt, 24);
	OFF(eb_attr_prog_query, prog_attach_flags, 32);
	OFF(eb_attr_prog_query, link_ids, 40);
	OFF(eb_attr_prog_query, revision, 56);
	SAME(eb_attr_prog_query, prog_cnt, query.prog_cnt);

	OFF(eb_attr_raw_tp, prog_fd, 8);
	OFF(eb_attr_raw_tp, cookie, 16);

	OFF(eb_attr_btf_load, btf_size, 16);
	OFF(eb_attr_btf_load, btf_log_level, 24);
	OFF(eb_attr_btf_load, btf_log_true_size, 28);
	OFF(eb_attr_btf_load, btf_flags, 32);
	OFF(eb_attr_btf_load, btf_token_fd, 36);
	SAME(eb_attr_btf_load, btf_log_level, btf_log_level);

	OFF(eb_attr_link_update, old_prog_fd, 12);
	SAME(eb_attr_link_update, old_prog_fd, link_update.old_prog_fd);
	OFF(eb_attr_link_fd, flags, 4);
}
END_TEST

START_TEST(test_link_create_attr)
{
	OFF(eb_attr_link_create, target_fd, 4);
	OFF(eb_attr_link_create, attach_type, 8);
	OFF(eb_attr_link_create, flags, 12);
	OFF(eb_attr_link_create, target_btf_id, 16);
	OFF(eb_attr_link_create, iter_info, 16);
	OFF(eb_attr_link_create, iter_info_len, 24);
	OFF(eb_attr_link_create, perf_event.bpf_cookie, 16);
	OFF(eb_attr_link_create, kprobe_multi.cnt, 20);
	OFF(eb_attr_link_create, kprobe_multi.syms, 24);
	OFF(eb_attr_link_create, kprobe_multi.cookies, 40);
	OFF(eb_attr_link_create, tracing.cookie, 24);
	OFF(eb_attr_link_create, netfilter.priority, 24);
	OFF(eb_attr_link_create, tcx.relative_fd, 16);
	OFF(eb_attr_link_create, tcx.expected_revision, 24);
	OFF(eb_attr_link_create, uprobe_multi.path, 16);
	OFF(eb_attr_link_create, uprobe_multi.offsets, 24);
	OFF(eb_attr_link_create, uprobe_multi.ref_ctr_offsets, 32);
	OFF(eb_attr_link_create, uprobe_multi.cookies, 40);
	OFF(eb_attr_link_create, uprobe_multi.cnt, 48);
	OFF(eb_attr_link_create, uprobe_multi.flags, 52);
	OFF(eb_attr_link_create, uprobe_multi.pid, 56);
	ck_assert_uint_eq(sizeof(struct eb_attr_link_create), 64);
	SAME(eb_attr_link_create, target_btf_id, link_create.target_btf_id);
	SAME(eb_attr_link_create, iter_info_len, link_create.iter_info_len);
	SAME(eb_attr_link_create, perf_event.bpf_cookie, link_create.perf_event.bpf_cookie);
	SAME(eb_attr_link_create, kprobe_multi.addrs, link_create.kprobe_multi.addrs);
	SAME(eb_attr_link_create, kprobe_multi.cookies, link_create.kprobe_multi.cookies);
	SAME(eb_attr_link_create, tracing.cookie, link_create.tracing.cookie);
}
END_TEST

START_TEST(test_info_layouts)
{
	OFF(eb_prog_info, tag, 8);
	OFF(eb_prog_info, map_ids, 56);
	OFF(eb_prog_info, name, 64);
	OFF(eb_prog_info, btf_id, 128);
	OFF(eb_prog_info, nr_prog_tags, 180);
	OFF(eb_prog_info, verified_insns, 216);
	OFF(eb_prog_info, attach_btf_id, 224);
	ck_assert_uint_eq(offsetof(struct eb_prog_info, run_cnt), offsetof(struct bpf_prog_info, run_cnt));
	ck_assert_uint_eq(offsetof(struct eb_prog_info, attach_btf_id),
			  offsetof(struct bpf_prog_info, attach_btf_id));

	OFF(eb_map_info, name, 24);
	OFF(eb_map_info, btf_id, 64);
	OFF(eb_map_info, map_extra, 80);
	ck_assert_uint_eq(offsetof(struct eb_map_info, map_extra), offsetof(struct bpf_map_info, map_extra));
	ck_assert_uint_eq(sizeof(struct eb_map_info), sizeof(struct bpf_map_info));

	OFF(eb_btf_info, name, 16);
	OFF(eb_btf_info, kernel_btf, 28);
	ck_assert_uint_eq(offsetof(struct eb_btf_info, kernel_btf), offsetof(struct bpf_btf_info, kernel_btf));

	OFF(eb_link_info, raw_tracepoint.tp_name, 16);
	OFF(eb_link_info, tracing.cookie, 32);
	OFF(eb_link_info, kprobe_multi.cookies, 40);
	OFF(eb_link_info, uprobe_multi.pid, 60);
	OFF(eb_link_info, perf_event.uprobe.cookie, 48);
	OFF(eb_link_info, perf_event.tracepoint.cookie, 40);
	OFF(eb_link_info, tcx.attach_type, 20);
	ck_assert_uint_eq(offsetof(struct eb_link_info, tracing.target_btf_id),
			  offsetof(struct bpf_link_info, tracing.target_btf_id));
}
END_TEST

Suite *suite_kl_sys_layout(void)
{
	Suite *s = suite_create("kl_sys_layout");
	TCase *tc = test_tcase("layout");
	tcase_add_test(tc, test_map_attrs);
	tcase_add_test(tc, test_prog_load_attr);
	tcase_add_test(tc, test_other_attrs);
	tcase_add_test(tc, test_link_create_attr);
	tcase_add_test(tc, test_info_layouts);
	suite_add_tcase(s, tc);
	return s;
}
