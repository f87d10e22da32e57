/*
 * Kernel layer end to end: maps of every common type from .maps round-tripped,
 * global data and .rodata freezing, prog-array and map-in-map slots, pinning,
 * verifier error explanations, partial and selective loads, fd accounting.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include "testutil.h"

static struct ebpf_spec *open_spec(const char *name)
{
	struct ebpf_spec *spec = NULL;
	int err = ebpf_spec_open_file(testobj(name), NULL, &spec);
	ck_assert_msg(err == 0, "open %s: %s", name, ebpf_errmsg());
	return spec;
}

static struct ebpf_map *must_map(struct ebpf_collection *c, const char *name)
{
	struct ebpf_map *m = ebpf_collection_map(c, name);
	ck_assert_msg(m != NULL, "no map %s", name);
	ck_assert_msg(ebpf_map_fd(m) > 0, "map %s not created", name);
	return m;
}

static int run(struct ebpf_collection *c, const char *prog, uint32_t *retval)
{
	struct ebpf_prog *p = ebpf_collection_prog(c, prog);
	ck_assert_ptr_nonnull(p);
	struct ebpf_test_run_opts o = { .sz = sizeof(o) };
	int err = ebpf_prog_test_run(p, &o);
	*retval = o.retval;
	return err;
}

START_TEST(test_map_types_round_trip)
{
	REQUIRE_BPF();
	struct ebpf_spec *spec = open_spec("kl_maps");
	struct ebpf_collection *c = NULL;
	ck_assert_msg(ebpf_collection_load(spec, NULL, &c) == 0, "%s", ebpf_errmsg());

	/* key/value maps: update, lookup, next key, delete */
	static const char *const kv[] = { "m_hash", "m_array", "m_lru_hash" };
	for (size_t i = 0; i < 3; i++) {
		struct ebpf_map *m = must_map(c, kv[i]);
		uint32_t k = 3, next = 99;
		uint64_t v = 0xabcdef0123ull + i, got = 0;
		ck_assert_int_eq(ebpf_map_update(m, &k, &v, EBPF_ANY), 0);
		ck_assert_int_eq(ebpf_map_lookup(m, &k, &got), 0);
		ck_assert_uint_eq(got, v);
		ck_assert_int_eq(ebpf_map_next_key(m, NULL, &next), 0);
		ck_assert_uint_eq(next, ebpf_map_type(m) == EBPF_MAP_TYPE_ARRAY ? 0 : 3);
		if (ebpf_map_type(m) != EBPF_MAP_TYPE_ARRAY) {
			ck_assert_int_eq(ebpf_map_delete(m, &k), 0);
			ck_assert_int_eq(ebpf_map_lookup(m, &k, &got), -ENOENT);
			ck_assert_errmsg_has(kv[i]);
		}
	}

	/* per-CPU: one slot per possible CPU, 8-byte aligned even for a 4-byte value */
	int cpus = ebpf_num_possible_cpus();
	ck_assert_int_gt(cpus, 0);
	struct ebpf_map *pch = must_map(c, "m_percpu_hash");
	ck_assert_uint_eq(ebpf_map_value_size(pch), 4);
	ck_assert_uint_eq(ebpf_map_value_buf_size(pch), 8 * (size_t)cpus);
	uint64_t *vals = calloc((size_t)cpus, 8), *back = calloc((size_t)cpus, 8);
	for (int i = 0; i < cpus; i++)
		vals[i] = 100 + (uint64_t)i;
	uint32_t k = 5;
	ck_assert_int_eq(ebpf_map_update(pch, &k, vals, EBPF_ANY), 0);
	ck_assert_int_eq(ebpf_map_lookup(pch, &k, back), 0);
	for (int i = 0; i < cpus; i++)
		ck_assert_uint_eq((uint32_t)back[i], 100 + (uint32_t)i);
	struct ebpf_map *lpch = must_map(c, "m_lru_percpu_hash");
	ck_assert_int_eq(ebpf_map_update(lpch, &k, vals, EBPF_ANY), 0);
	ck_assert_int_eq(ebpf_map_lookup(lpch, &k, back), 0);
	ck_assert_uint_eq(back[cpus - 1], 100 + (uint64_t)cpus - 1);
	struct ebpf_map *pca = must_map(c, "m_percpu_array");
	k = 1;
	ck_assert_int_eq(ebpf_map_update(pca, &k, vals, EBPF_ANY), 0);
	ck_assert_int_eq(ebpf_map_lookup(pca, &k, back), 0);
	ck_assert_uint_eq(back[0], 100);
	free(vals);
	free(back);

	/* LPM trie: longest prefix wins */
	struct ebpf_map *lpm = must_map(c, "m_lpm");
	struct { uint32_t plen, addr; } key = { 16, 0x0000a8c0 }, q = { 32, 0x0501a8c0 };
	uint32_t val = 16, got32 = 0;
	ck_assert_int_eq(ebpf_map_update(lpm, &key, &val, EBPF_ANY), 0);
	ck_assert_int_eq(ebpf_map_lookup(lpm, &q, &got32), 0);
	ck_assert_uint_eq(got32, 16);

	/* queue and stack: push with a NULL key, pop with lookup-and-delete */
	struct ebpf_map *qm = must_map(c, "m_queue"), *sm = must_map(c, "m_stack");
	for (uint32_t i = 1; i <= 3; i++) {
		ck_assert_int_eq(ebpf_map_update(qm, NULL, &i, EBPF_ANY), 0);
		ck_assert_int_eq(ebpf_map_update(sm, NULL, &i, EBPF_ANY), 0);
	}
	ck_assert_int_eq(ebpf_map_lookup_and_delete(qm, NULL, &got32), 0);
	ck_assert_uint_eq(got32, 1);
	ck_assert_int_eq(ebpf_map_lookup_and_delete(sm, NULL, &got32), 0);
	ck_assert_uint_eq(got32, 3);

	/* bloom filter: added values test positive */
	struct ebpf_map *bloom = must_map(c, "m_bloom");
	val = 77;
	ck_assert_int_eq(ebpf_map_update(bloom, NULL, &val, EBPF_ANY), 0);
	ck_assert_int_eq(ebpf_map_lookup(bloom, NULL, &val), 0);

	/* the rest: created with the right type and sizes */
	ck_assert_int_eq(ebpf_map_type(must_map(c, "m_ringbuf")), EBPF_MAP_TYPE_RINGBUF);
	ck_assert_uint_eq(ebpf_map_max_entries(must_map(c, "m_ringbuf")), 4096);
	ck_assert_uint_eq(ebpf_map_max_entries(must_map(c, "m_perf")), (uint32_t)cpus);
	ck_assert_int_eq(ebpf_map_type(must_map(c, "m_stack_trace")), EBPF_MAP_TYPE_STACK_TRACE);
	ck_assert_int_eq(ebpf_map_type(must_map(c, "m_task_storage")), EBPF_MAP_TYPE_TASK_STORAGE);
	ck_assert_int_eq(ebpf_map_type(must_map(c, "m_sk_storage")), EBPF_MAP_TYPE_SK_STORAGE);
	ck_assert_int_eq(ebpf_map_type(must_map(c, "m_hash_of_maps")), EBPF_MAP_TYPE_HASH_OF_MAPS);

	/* batch: lookup all of m_hash in one call */
	struct ebpf_map *h = must_map(c, "m_hash");
	for (uint32_t i = 0; i < 5; i++) {
		uint64_t v = i * 10;
		ck_assert_int_eq(ebpf_map_update(h, &i, &v, EBPF_ANY), 0);
	}
	uint32_t keys[16], out_batch = 0, count = 16;
	uint64_t values[16];
	int err = ebpf_map_lookup_batch(h, NULL, &out_batch, keys, values, &count);
	ck_assert_msg(err == 0 || err == -ENOENT, "%s", ebpf_errmsg());
	ck_assert_uint_eq(count, 5);
	for (uint32_t i = 0; i < count; i++)
		ck_assert_uint_eq(values[i], keys[i] * 10);
	count = 2;
	ck_assert_int_eq(ebpf_map_lookup_batch(must_map(c, "m_queue"), NULL, &out_batch, keys,
					       values, &count), -EOPNOTSUPP);
	ck_assert_errmsg_has("no batch operations");

	ebpf_collection_close(c);
	ebpf_spec_free(spec);
}
END_TEST

START_TEST(test_global_data_and_slots)
{
	REQUIRE_BPF();
	struct ebpf_spec *spec = open_spec("kl_maps");
	uint64_t limit = 1234;
	ck_assert_msg(ebpf_spec_set_var(spec, "limit", &limit, sizeof(limit)) == 0, "%s", ebpf_errmsg());
	struct ebpf_collection *c = NULL;
	ck_assert_msg(ebpf_collection_load(spec, NULL, &c) == 0, "%s", ebpf_errmsg());

	/* the inner map reached through the map-in-map slot 1 filled from the definition */
	uint32_t zero = 0, inner_val = 55, ret = 0;
	ck_assert_int_eq(ebpf_map_update(must_map(c, "m_inner"), &zero, &inner_val, EBPF_ANY), 0);
	ck_assert_msg(run(c, "read_globals", &ret) == 0, "%s", ebpf_errmsg());
	ck_assert_uint_eq(ret, 55);

	/* the program saw the .rodata value set before load, and updated .data */
	uint64_t v = 0;
	ck_assert_int_eq(ebpf_map_lookup(must_map(c, ".bss"), &zero, &v), 0);
	ck_assert_uint_eq(v, 1234);
	ck_assert_int_eq(ebpf_map_lookup(must_map(c, ".data"), &zero, &v), 0);
	ck_assert_uint_eq(v, 8);

	/* .rodata is frozen: user space cannot write it any more */
	struct ebpf_map *ro = must_map(c, ".rodata");
	ck_assert_int_eq(ebpf_map_lookup(ro, &zero, &v), 0);
	ck_assert_uint_eq(v, 1234);
	v = 1;
	ck_assert_int_eq(ebpf_map_update(ro, &zero, &v, EBPF_ANY), -EPERM);
	ck_assert_errmsg_has("read-only");

	/* the prog array slot 0 holds tail_target, which returns XDP_TX (3), not XDP_DROP (1) */
	uint8_t pkt[64] = { 0 }, out[64];
	struct ebpf_test_run_opts o = { .sz = sizeof(o), .data_in = pkt, .data_size_in = sizeof(pkt),
					.data_out = out, .data_size_out = sizeof(out), .repeat = 3 };
	ck_assert_msg(ebpf_prog_test_run(ebpf_collection_prog(c, "do_tail_call"), &o) == 0, "%s",
		      ebpf_errmsg());
	ck_assert_uint_eq(o.retval, 3);
	ck_assert_uint_eq(o.data_size_out, sizeof(pkt));
	/* a program that is not loaded cannot run, and says why */
	ck_assert_int_eq(ebpf_prog_test_run(NULL, &o), -EINVAL);

	ebpf_collection_close(c);
	ebpf_spec_free(spec);
}
END_TEST

START_TEST(test_pinning)
{
	REQUIRE_BPF();
	char dir[] = "/tmp/kl-bpffs-XXXXXX";
	if (!test_bpffs_mount(dir, __func__))
		return;
	struct ebpf_spec *spec = open_spec("kl_pin"), *other = open_spec("kl_pin_other");
	struct ebpf_load_opts opts = { .sz = sizeof(opts), .pin_root = dir };
	struct ebpf_collection *a = NULL, *b = NULL, *x = NULL;
	uint32_t ret;

	ck_assert_msg(ebpf_collection_load(spec, &opts, &a) == 0, "%s", ebpf_errmsg());
	char path[128];
	snprintf(path, sizeof(path), "%s/kl_shared", dir);
	ck_assert_int_eq(access(path, F_OK), 0);
	ck_assert_int_eq(run(a, "bump", &ret), 0);

	/* a second collection reuses the pinned map: it sees the first one's value */
	ck_assert_msg(ebpf_collection_load(spec, &opts, &b) == 0, "%s", ebpf_errmsg());
	ck_assert_int_eq(run(b, "bump", &ret), 0);
	uint32_t k = 1;
	uint64_t v = 0;
	ck_assert_int_eq(ebpf_map_lookup(ebpf_collection_map(a, "kl_shared"), &k, &v), 0);
	ck_assert_uint_eq(v, 2);

	/* a different definition under the same name is refused, clearly */
	ck_assert_int_eq(ebpf_collection_load(other, &opts, &x), -EEXIST);
	ck_assert_ptr_null(x);
	ck_assert_errmsg_has("kl_shared");
	ck_assert_errmsg_has("value size 8, expected 4");

	ebpf_collection_close(a);
	ebpf_collection_close(b);
	ebpf_spec_free(spec);
	ebpf_spec_free(other);
	test_bpffs_umount(dir);
}
END_TEST

START_TEST(test_verifier_explanations)
{
	REQUIRE_BPF();
	struct ebpf_spec *spec = open_spec("kl_verifier");
	struct ebpf_collection *c = NULL;
	const char *msg;
	ck_assert_msg(ebpf_collection_load(spec, NULL, &c) == 0, "%s", ebpf_errmsg());

	/* helper not allowed: named, with the program type and who may call it */
	struct ebpf_prog *kp = ebpf_collection_prog(c, "skb_out_kprobe");
	ck_assert_int_lt(ebpf_prog_load_error(kp, &msg), 0);
	ck_assert_int_eq(ebpf_prog_fd(kp), -1);
	ck_assert_msg(strstr(msg, "prog 'skb_out_kprobe': helper bpf_skb_output#111 cannot be called "
			     "from kprobe programs") != NULL, "%s", msg);
	ck_assert_msg(strstr(msg, "fentry/fexit/tp_btf") && strstr(msg, "not kprobe"), "%s", msg);
	ck_assert_ptr_null(strchr(msg, '\n'));

	/* the same call from tp_btf loads */
	struct ebpf_prog *tp = ebpf_collection_prog(c, "skb_out_tp_btf");
	ck_assert_msg(ebpf_prog_load_error(tp, &msg) == 0, "%s", msg);
	ck_assert_int_gt(ebpf_prog_fd(tp), 0);

	/* an invalid program: one line naming it, errno and the verdict; full log via the API */
	struct ebpf_prog *nd = ebpf_collection_prog(c, "null_deref");
	ck_assert_int_eq(ebpf_prog_load_error(nd, &msg), -EACCES);
	ck_assert_msg(strstr(msg, "prog 'null_deref': the verifier rejected it at insn ") == msg, "%s", msg);
	ck_assert_msg(strstr(msg, ": R0 invalid mem access 'map_value_or_null'; ") != NULL, "%s", msg);
	ck_assert_msg(strstr(msg, "without a NULL check") != NULL, "%s", msg);
	ck_assert_ptr_null(strchr(msg, '\n'));
	const char *log = ebpf_prog_verifier_log(nd);
	ck_assert_ptr_nonnull(strstr(log, "invalid mem access"));
	ck_assert_ptr_nonnull(strstr(log, "processed "));

	/* a long trace still ends with the real error, which the summary names */
	struct ebpf_prog *lb = ebpf_collection_prog(c, "long_then_bad");
	ck_assert_int_eq(ebpf_prog_load_error(lb, &msg), -EACCES);
	ck_assert_msg(strstr(msg, "invalid mem access") != NULL, "%s", msg);
	log = ebpf_prog_verifier_log(lb);
	ck_assert_msg(strlen(log) > 64 * 1024, "log only %zu bytes", strlen(log));
	ck_assert_ptr_nonnull(strstr(log, "invalid mem access"));

	/* fentry: EPERM with an empty log on this kernel, explained */
	struct ebpf_prog *tr = ebpf_collection_prog(c, "trampoline");
	int err = ebpf_prog_load_error(tr, &msg);
	ck_assert_int_lt(err, 0);
	if (err == -EPERM) {
		ck_assert_msg(strstr(msg, "prog 'trampoline': fentry programs (section "
				     "'fentry/do_nanosleep') are refused by this kernel") == msg, "%s", msg);
		ck_assert_msg(strstr(msg, "use a tp_btf/ or raw_tp/ program instead") != NULL, "%s", msg);
	}

	ebpf_collection_close(c);
	ebpf_spec_free(spec);
}
END_TEST

START_TEST(test_huge_log_level2)
{
	REQUIRE_BPF();
	struct ebpf_spec *spec = open_spec("kl_verifier");
	static const char *const only[] = { "long_then_bad", NULL };
	struct ebpf_load_opts opts = { .sz = sizeof(opts), .programs = only, .log_level = 2 };
	struct ebpf_collection *c = NULL;
	const char *msg;
	ck_assert_msg(ebpf_collection_load(spec, &opts, &c) == 0, "%s", ebpf_errmsg());
	struct ebpf_prog *lb = ebpf_collection_prog(c, "long_then_bad");
	ck_assert_int_eq(ebpf_prog_load_error(lb, &msg), -EACCES);
	ck_assert_msg(strstr(msg, "invalid mem access") != NULL, "%s", msg);
	ck_assert_ptr_nonnull(strstr(ebpf_prog_verifier_log(lb), "invalid mem access"));
	ebpf_collection_close(c);
	ebpf_spec_free(spec);
}
END_TEST

START_TEST(test_all_or_nothing_and_selection)
{
	REQUIRE_BPF();
	struct ebpf_spec *spec = open_spec("kl_verifier");
	struct ebpf_collection *c = NULL;
	struct ebpf_load_opts aon = { .sz = sizeof(aon), .all_or_nothing = true };
	ck_assert_int_lt(ebpf_collection_load(spec, &aon, &c), 0);
	ck_assert_ptr_null(c);
	ck_assert_errmsg_has("prog 'skb_out_kprobe'");

	static const char *const only[] = { "skb_out_tp_btf", NULL };
	struct ebpf_load_opts sel = { .sz = sizeof(sel), .programs = only, .all_or_nothing = true };
	ck_assert_msg(ebpf_collection_load(spec, &sel, &c) == 0, "%s", ebpf_errmsg());
	ck_assert_int_gt(ebpf_prog_fd(ebpf_collection_prog(c, "skb_out_tp_btf")), 0);
	ck_assert_int_eq(ebpf_prog_fd(ebpf_collection_prog(c, "null_deref")), -1);
	ck_assert_int_eq(ebpf_prog_load_error(ebpf_collection_prog(c, "null_deref"), NULL), -ENOENT);
	/* only the maps the chosen program references */
	ck_assert_int_gt(ebpf_map_fd(ebpf_collection_map(c, "events")), 0);
	ck_assert_int_eq(ebpf_map_fd(ebpf_collection_map(c, "arr")), -1);
	ebpf_collection_close(c);

	static const char *const bad[] = { "no_such_prog", NULL };
	sel.programs = bad;
	ck_assert_int_eq(ebpf_collection_load(spec, &sel, &c), -ENOENT);
	ck_assert_errmsg_has("program 'no_such_prog'");
	ebpf_spec_free(spec);
}
END_TEST

START_TEST(test_no_fd_leak)
{
	REQUIRE_BPF();
	struct ebpf_spec *spec = open_spec("kl_maps");
	struct ebpf_collection *c = NULL;
	/* warm process-wide caches (kernel BTF, kallsyms, probes) first */
	ck_assert_msg(ebpf_collection_load(spec, NULL, &c) == 0, "%s", ebpf_errmsg());
	ebpf_collection_close(c);
	int before = test_count_fds();
	for (int i = 0; i < 100; i++) {
		ck_assert_msg(ebpf_collection_load(spec, NULL, &c) == 0, "%s", ebpf_errmsg());
		ebpf_collection_close(c);
	}
	ck_assert_int_eq(test_count_fds(), before);
	ebpf_collection_close(NULL);
	ebpf_spec_free(spec);
}
END_TEST

Suite *suite_kl_collection(void)
{
	Suite *s = suite_create("kl_collection");
	TCase *tc = test_tcase("collection");
	tcase_add_test(tc, test_map_types_round_trip);
	tcase_add_test(tc, test_global_data_and_slots);
	tcase_add_test(tc, test_pinning);
	tcase_add_test(tc, test_verifier_explanations);
	tcase_add_test(tc, test_huge_log_level2);
	tcase_add_test(tc, test_all_or_nothing_and_selection);
	tcase_add_test(tc, test_no_fd_leak);
	suite_add_tcase(s, tc);
	return s;
}
