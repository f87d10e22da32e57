/*
 * The BTF screening pass (btf/parse_screen.c) against the checking pass
 * (btf/parse.c): valid BTF is accepted by the screen alone with the same
 * offset table, and on thousands of mutated blobs eb_btf_parse() gives exactly
 * what the checking pass alone gives (result, message, table), which is what
 * "the screen never accepts what the checker refuses" means from outside.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "testutil.h"
#include "btf_blob.h"
#include "btf_agree.h"
#include "btf/btf_internal.h"
#include "ebpf/spec.h"

static uint64_t rng_state;

static uint32_t rnd(void)
{
	/* xorshift64: deterministic, so a failure reproduces */
	rng_state ^= rng_state << 13;
	rng_state ^= rng_state >> 7;
	rng_state ^= rng_state << 17;
	return (uint32_t)(rng_state >> 16);
}

enum { I_INT = 1, I_PTR, I_S, I_BITS, I_TD, I_CONST, I_PROTO, I_FUNC, I_VAR, I_SEC, I_FLOAT, I_TAG,
       I_TTAG, I_E64, I_ARR, I_FWDPTR, I_ENUM, I_FWD, I_U, I_VOL, I_RESTR, I_CNT };

/* Every kind, a kind_flag struct, and forward references (I_FWDPTR -> I_FWD -> ...). */
static void rich_blob(struct tblob *b)
{
	tb_init(b, 0);
	tb_type(b, tb_str(b, "int"), BTF_KIND_INT, 0, 0, 4);
	tb_w(b, (BTF_INT_SIGNED << 24) | 32);
	tb_type(b, 0, BTF_KIND_PTR, 0, 0, I_S);
	tb_type(b, tb_str(b, "s"), BTF_KIND_STRUCT, 3, 0, 24);
	tb_w(b, tb_str(b, "a")); tb_w(b, I_INT); tb_w(b, 0);
	tb_w(b, tb_str(b, "next")); tb_w(b, I_PTR); tb_w(b, 64);
	tb_w(b, 0); tb_w(b, I_U); tb_w(b, 128);
	tb_type(b, tb_str(b, "bits"), BTF_KIND_STRUCT, 2, 1, 4);
	tb_w(b, tb_str(b, "x")); tb_w(b, I_INT); tb_w(b, (3u << 24) | 0);
	tb_w(b, tb_str(b, "y")); tb_w(b, I_INT); tb_w(b, (5u << 24) | 3);
	tb_type(b, tb_str(b, "s_t"), BTF_KIND_TYPEDEF, 0, 0, I_S);
	tb_type(b, 0, BTF_KIND_CONST, 0, 0, I_TD);
	tb_type(b, 0, BTF_KIND_FUNC_PROTO, 2, 0, I_INT);
	tb_w(b, tb_str(b, "p")); tb_w(b, I_CONST);
	tb_w(b, 0); tb_w(b, 0);
	tb_type(b, tb_str(b, "f"), BTF_KIND_FUNC, BTF_FUNC_GLOBAL, 0, I_PROTO);
	tb_type(b, tb_str(b, "v"), BTF_KIND_VAR, 0, 0, I_ARR);
	tb_w(b, BTF_VAR_GLOBAL_ALLOCATED);
	tb_type(b, tb_str(b, ".data"), BTF_KIND_DATASEC, 2, 0, 64);
	tb_w(b, I_VAR); tb_w(b, 0); tb_w(b, 48);
	tb_w(b, I_FUNC); tb_w(b, 48); tb_w(b, 8);
	tb_type(b, tb_str(b, "double"), BTF_KIND_FLOAT, 0, 0, 8);
	tb_type(b, tb_str(b, "tag"), BTF_KIND_DECL_TAG, 0, 0, I_FUNC);
	tb_w(b, 0);
	tb_type(b, tb_str(b, "tt"), BTF_KIND_TYPE_TAG, 0, 0, I_INT);
	tb_type(b, tb_str(b, "e64"), BTF_KIND_ENUM64, 1, 0, 8);
	tb_w(b, tb_str(b, "E1")); tb_w(b, 1); tb_w(b, 2);
	tb_type(b, 0, BTF_KIND_ARRAY, 0, 0, 0);
	tb_w(b, I_S); tb_w(b, I_INT); tb_w(b, 2);
	tb_type(b, 0, BTF_KIND_PTR, 0, 0, I_FWD);
	tb_type(b, tb_str(b, "en"), BTF_KIND_ENUM, 2, 0, 4);
	tb_w(b, tb_str(b, "A")); tb_w(b, 0);
	tb_w(b, tb_str(b, "B")); tb_w(b, 1);
	tb_type(b, tb_str(b, "later"), BTF_KIND_FWD, 0, 1, 0);
	tb_type(b, tb_str(b, "u"), BTF_KIND_UNION, 2, 0, 8);
	tb_w(b, tb_str(b, "i")); tb_w(b, I_VOL); tb_w(b, 0);
	tb_w(b, tb_str(b, "q")); tb_w(b, I_RESTR); tb_w(b, 0);
	tb_type(b, 0, BTF_KIND_VOLATILE, 0, 0, I_INT);
	tb_type(b, 0, BTF_KIND_RESTRICT, 0, 0, I_FWDPTR);
}

/* eb_btf_parse() and the checking pass alone must agree on everything. */
static void same_outcome(const void *raw, size_t size, const char *what, unsigned round)
{
	char label[160];

	snprintf(label, sizeof(label), "%s round %u", what, round);
	btf_screen_agrees(raw, size, label);
}

/* Word values likely to break one rule at a time: ids around the edges, sizes, kinds. */
static uint32_t mutant(uint32_t old, uint32_t nr_ids)
{
	switch (rnd() % 10) {
	case 0: return 0;
	case 1: return old + 1;
	case 2: return old - 1;
	case 3: return old ^ (1u << (rnd() % 32));
	case 4: return rnd() % (nr_ids + 3);	/* any id, a few past the end */
	case 5: return (old & 0x00ffffffu) | ((rnd() % 32) << 24);	/* another kind in an info word */
	case 6: return (old & ~0xffffu) | (rnd() % 8);	/* another vlen */
	case 7: return old | 0x80000000u;	/* kind_flag */
	case 8: return 0xffffffffu;
	default: return rnd();
	}
}

/* Mutate one or two words of the type section `rounds` times; both paths must agree each time. */
static void mutate_and_compare(const uint8_t *blob, size_t size, uint32_t nr_ids, unsigned rounds, const char *what)
{
	struct btf_header h;
	uint8_t *raw = malloc(size);
	uint32_t words;

	memcpy(&h, blob, sizeof(h));
	words = h.type_len / 4;
	ck_assert_uint_gt(words, 0);
	for (unsigned r = 0; r < rounds; r++) {
		unsigned n = 1 + (rnd() % 4 == 0);

		memcpy(raw, blob, size);
		for (unsigned k = 0; k < n; k++) {
			uint8_t *p = raw + h.hdr_len + h.type_off + 4 * (rnd() % words);
			uint32_t w;

			memcpy(&w, p, 4);
			w = mutant(w, nr_ids);
			memcpy(p, &w, 4);
		}
		same_outcome(raw, size, what, r);
	}
	free(raw);
}

START_TEST(test_valid_takes_the_screen)
{
	struct ebpf_btf *btf = NULL;
	struct tblob b;
	unsigned before = atomic_load(&eb_btf_screen_suspects);
	size_t size;
	void *raw;

	rich_blob(&b);
	raw = tb_build(&b, &size);
	ck_assert_msg(eb_btf_parse(raw, size, NULL, EB_BTF_COPY, &btf) == 0, "%s", ebpf_errmsg());
	ck_assert_uint_eq(eb_btf_type_cnt(btf), I_CNT);
	/* the screen alone accepted it: the checking pass did not run */
	ck_assert_uint_eq(atomic_load(&eb_btf_screen_suspects), before);
	ck_assert_uint_eq(btf->nr_datasecs, 1);
	ck_assert_uint_eq(btf->datasec_ids[0], I_SEC);
	ck_assert_uint_eq(btf_kind(eb_btf_type(btf, I_RESTR)), BTF_KIND_RESTRICT);
	eb_btf_put(btf);
	same_outcome(raw, size, "rich blob", 0);
	free(raw);
}
END_TEST

START_TEST(test_bad_input_same_message)
{
	struct tblob b;
	size_t size;
	void *raw;
	unsigned before;
	struct ebpf_btf *btf = (void *)1;

	/* a cycle through a forward edge the screen sets aside: I_RESTR -> I_FWDPTR -> I_RESTR */
	rich_blob(&b);
	b.words[b.nw - 1] = I_FWDPTR;	/* restrict -> ptr */
	/* I_FWDPTR is "PTR -> I_FWD": make it point at I_RESTR */
	for (uint32_t i = 0; i + 2 < b.nw; i++)
		if (b.words[i] == 0 && b.words[i + 1] == btf_mk_info(BTF_KIND_PTR, 0, 0) && b.words[i + 2] == I_FWD)
			b.words[i + 2] = I_RESTR;
	raw = tb_build(&b, &size);
	before = atomic_load(&eb_btf_screen_suspects);
	ck_assert_int_eq(eb_btf_parse(raw, size, NULL, EB_BTF_COPY, &btf), -EINVAL);
	ck_assert_ptr_null(btf);
	ck_assert_errmsg_has("reference cycle through type");
	ck_assert_uint_eq(atomic_load(&eb_btf_screen_suspects), before + 1);
	same_outcome(raw, size, "cycle", 0);
	free(raw);

	/* a kind_flag member past the end of its 4-byte struct: bit 30 + 3 bits */
	rich_blob(&b);
	for (uint32_t i = 0; i < b.nw; i++)
		if (b.words[i] == ((5u << 24) | 3)) {
			b.words[i] = (3u << 24) | 30;
			break;
		}
	raw = tb_build(&b, &size);
	ck_assert_int_eq(eb_btf_parse(raw, size, NULL, EB_BTF_COPY, &btf), -EINVAL);
	ck_assert_errmsg_has("BTF: type [4] STRUCT: member lies past the end of the type");
	same_outcome(raw, size, "bitfield", 0);
	free(raw);
}
END_TEST

START_TEST(test_mutated_blob_agrees)
{
	struct tblob b;
	size_t size;
	void *raw;

	rng_state = 0x9e3779b97f4a7c15ull;
	rich_blob(&b);
	raw = tb_build(&b, &size);
	mutate_and_compare(raw, size, I_CNT - 1, 3000, "rich blob");
	free(raw);
}
END_TEST

/* The .BTF of real objects: the screen takes them whole, and agrees on their mutants. */
START_TEST(test_objects_agree)
{
	static const char *const objs[] = { "core_task", "btf_sanitize", "spec_multi", "demo" };

	rng_state = 0x2545f4914f6cdd1dull;
	for (size_t i = 0; i < sizeof(objs) / sizeof(objs[0]); i++) {
		struct ebpf_spec *spec = NULL;
		const struct ebpf_btf *btf;
		unsigned before;
		const void *raw;
		void *copy;
		size_t size;

		ck_assert_msg(ebpf_spec_open_file(testobj(objs[i]), NULL, &spec) == 0, "%s: %s", objs[i],
			      ebpf_errmsg());
		btf = ebpf_spec_btf(spec);
		ck_assert_ptr_nonnull(btf);
		raw = eb_btf_raw(btf, &size);
		copy = malloc(size);
		memcpy(copy, raw, size);
		before = atomic_load(&eb_btf_screen_suspects);
		same_outcome(copy, size, objs[i], 0);
		ck_assert_uint_eq(atomic_load(&eb_btf_screen_suspects), before);
		mutate_and_compare(copy, size, eb_btf_type_cnt(btf) - 1, 300, objs[i]);
		free(copy);
		ebpf_spec_free(spec);
	}
}
END_TEST

Suite *suite_bv_screen(void)
{
	Suite *s = suite_create("bv_screen");
	TCase *tc = test_tcase("screen");

	tcase_add_test(tc, test_valid_takes_the_screen);
	tcase_add_test(tc, test_bad_input_same_message);
	tcase_add_test(tc, test_mutated_blob_agrees);
	tcase_add_test(tc, test_objects_agree);
	suite_add_tcase(s, tc);
	return s;
}
