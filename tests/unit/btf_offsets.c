/*
 * The trusted id -> offset walk (btf/offsets.c) cuts big sections into parts
 * walked at once from guessed starts. Whatever the guesses, the table must be
 * the one a plain record-by-record walk gives, here computed by the test's own
 * walker over generated sections: guesses that land inside member lists, a
 * record so long that no guess can meet the true walk, and errors in any part.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "testutil.h"
#include "btf/btf_internal.h"
#include "lib/error.h"

struct gen {
	uint32_t *w;
	size_t nw, cap;
	uint32_t seed;
};

static void put(struct gen *g, uint32_t v)
{
	if (g->nw == g->cap) {
		g->cap = g->cap ? g->cap * 2 : 4096;
		g->w = realloc(g->w, g->cap * sizeof(*g->w));
		ck_assert_ptr_nonnull(g->w);
	}
	g->w[g->nw++] = v;
}

static uint32_t rnd(struct gen *g)
{
	g->seed = g->seed * 1103515245u + 12345u;
	return g->seed >> 8;
}

/* A member whose words also read as a PTR header: a guessed start inside a member list walks on. */
static void fake_header_member(struct gen *g)
{
	put(g, 0);
	put(g, btf_mk_info(BTF_KIND_PTR, 0, 0));
	put(g, 0);
}

/* A mix of kernel-like records: 12-byte kinds, INTs, VARs, structs, protos, enums. */
static void random_records(struct gen *g, size_t bytes)
{
	size_t end = g->nw + bytes / 4;

	while (g->nw < end) {
		uint32_t r = rnd(g), vlen = rnd(g) % 24;

		switch (r % 7) {
		case 0: put(g, 1); put(g, btf_mk_info(BTF_KIND_PTR, 0, 0)); put(g, 1); break;
		case 1: put(g, 1); put(g, btf_mk_info(BTF_KIND_INT, 0, 0)); put(g, 4); put(g, 32); break;
		case 2: put(g, 1); put(g, btf_mk_info(BTF_KIND_VAR, 0, 0)); put(g, 1); put(g, 1); break;
		case 3:
			put(g, 1); put(g, btf_mk_info(BTF_KIND_STRUCT, vlen, 0)); put(g, 8);
			for (uint32_t i = 0; i < vlen; i++)
				fake_header_member(g);
			break;
		case 4:
			put(g, 0); put(g, btf_mk_info(BTF_KIND_FUNC_PROTO, vlen, 0)); put(g, 1);
			for (uint32_t i = 0; i < vlen; i++) {
				put(g, 0);
				put(g, 1);
			}
			break;
		case 5:
			put(g, 1); put(g, btf_mk_info(BTF_KIND_ENUM, vlen, 0)); put(g, 4);
			for (uint32_t i = 0; i < vlen; i++) {
				put(g, 1);
				put(g, btf_mk_info(BTF_KIND_FUNC, 0, 0));	/* enum values that look like headers */
			}
			break;
		default: put(g, 1); put(g, btf_mk_info(BTF_KIND_FUNC, 0, 0)); put(g, 2); break;
		}
	}
}

/* Trusted tables the parted walk built so far (not its fallback). */
static unsigned parted_walks(void)
{
	return atomic_load(&eb_btf_parted_walks);
}

/* Header + the generated types + a tiny string table, as one malloc'd blob. */
static void *build(const struct gen *g, size_t *size)
{
	static const char strs[] = "\0x";
	struct btf_header h = {
		.magic = BTF_MAGIC, .version = BTF_VERSION, .hdr_len = sizeof(h),
		.type_len = (uint32_t)(g->nw * 4), .str_off = (uint32_t)(g->nw * 4), .str_len = sizeof(strs),
	};
	uint8_t *p;

	*size = sizeof(h) + h.type_len + h.str_len;
	p = malloc(*size);
	ck_assert_ptr_nonnull(p);
	memcpy(p, &h, sizeof(h));
	memcpy(p + sizeof(h), g->w, h.type_len);
	memcpy(p + sizeof(h) + h.type_len, strs, sizeof(strs));
	return p;
}

/* The test's own walk: record sizes from the BTF format, one after another. */
static size_t reference_offsets(const struct gen *g, uint32_t *offs)
{
	size_t n = 0, at = 0;

	while (at < g->nw) {
		uint32_t info = g->w[at + 1], vlen = info & 0xffff, words = 3;

		switch ((info >> 24) & 0x1f) {
		case BTF_KIND_INT: case BTF_KIND_VAR: words = 4; break;
		case BTF_KIND_STRUCT: words = 3 + 3 * vlen; break;
		case BTF_KIND_FUNC_PROTO: case BTF_KIND_ENUM: words = 3 + 2 * vlen; break;
		default: break;
		}
		offs[n++] = (uint32_t)(at * 4);
		at += words;
	}
	return n;
}

static void check_table(const struct gen *g)
{
	uint32_t *want = malloc(g->nw * sizeof(*want));
	struct ebpf_btf *btf;
	size_t size, n;
	void *raw = build(g, &size);

	ck_assert_ptr_nonnull(want);
	n = reference_offsets(g, want);
	ck_assert_int_eq(eb_btf_parse_trusted(raw, size, NULL, EB_BTF_BORROW, &btf), 0);
	ck_assert_uint_eq(eb_btf_type_cnt(btf), n + 1);
	for (size_t i = 0; i < n; i++)
		ck_assert_uint_eq((const uint8_t *)eb_btf_type(btf, (uint32_t)i + 1) - btf->types, want[i]);
	eb_btf_put(btf);
	free(raw);
	free(want);
}

/*
 * Sections big enough to be cut, of records whose member lists look like
 * headers. Some guesses meet the true walk and some do not (then the one-chain
 * walk answers): both must give the true table, and the parted walk must have
 * answered some, or the test would only be testing the fallback.
 */
START_TEST(parts_give_the_true_table)
{
	unsigned parted = parted_walks();

	for (uint32_t seed = 1; seed <= 8; seed++) {
		struct gen g = { .seed = seed };

		random_records(&g, (256 + 97 * seed) * 1024);
		check_table(&g);
		free(g.w);
	}
	ck_assert_uint_gt(parted_walks(), parted);
}
END_TEST

/* The real kernel BTF: the parted walk answers (no fallback), and its table is the plain walk's. */
START_TEST(vmlinux_walked_in_parts)
{
	struct ebpf_btf *full, *fast;
	unsigned parted = parted_walks();

	if (access("/sys/kernel/btf/vmlinux", R_OK)) {
		test_skip(__func__, "no /sys/kernel/btf/vmlinux");
		return;
	}
	ck_assert_int_eq(eb_btf_load_kernel_file("/sys/kernel/btf/vmlinux", NULL, &fast), 0);
	ck_assert_uint_eq(parted_walks(), parted + 1);
	ck_assert_int_eq(eb_btf_load_file("/sys/kernel/btf/vmlinux", NULL, &full), 0);
	ck_assert_uint_eq(fast->nr, full->nr);
	ck_assert_ptr_nonnull(fast->segs);	/* kept in the parts' slices */
	for (uint32_t i = 0; i < full->nr; i++)
		ck_assert_uint_eq(eb_btf_off(fast, i), full->offs[i]);
	eb_btf_put(full);
	eb_btf_put(fast);
}
END_TEST

/*
 * Lookups over the segmented table (find_many, the kind lists, the name index)
 * answer what they answer over one table: names taken every ~500 types, so
 * every segment and its boundaries are crossed.
 */
START_TEST(vmlinux_lookups_across_segments)
{
	enum { N = 250 };
	const char *names[N];
	unsigned kinds[N];
	int32_t fast_ids[N], full_ids[N];
	struct ebpf_btf *full, *fast;
	size_t n = 0;

	if (access("/sys/kernel/btf/vmlinux", R_OK)) {
		test_skip(__func__, "no /sys/kernel/btf/vmlinux");
		return;
	}
	ck_assert_int_eq(eb_btf_load_kernel_file("/sys/kernel/btf/vmlinux", NULL, &fast), 0);
	ck_assert_int_eq(eb_btf_load_file("/sys/kernel/btf/vmlinux", NULL, &full), 0);
	ck_assert_ptr_nonnull(fast->segs);
	for (uint32_t id = 1; id < eb_btf_type_cnt(full) && n < N; id += 509) {
		const struct btf_type *t = eb_btf_type(full, id);

		if (!t->name_off)
			continue;
		names[n] = eb_btf_name(full, t);
		kinds[n++] = btf_kind(t);
	}
	ck_assert_uint_gt(n, 100);
	ck_assert_int_eq(eb_btf_find_many(fast, names, kinds, n, fast_ids), (int)n);
	ck_assert_int_eq(eb_btf_find_many(full, names, kinds, n, full_ids), (int)n);
	for (size_t i = 0; i < n; i++) {
		ck_assert_int_eq(fast_ids[i], full_ids[i]);
		/* one by one: scans (kind lists, runs), then the name index */
		ck_assert_int_eq(eb_btf_find(fast, names[i], kinds[i]), full_ids[i]);
		ck_assert_ptr_eq(eb_btf_type(fast, (uint32_t)full_ids[i]),
				 (const uint8_t *)eb_btf_type(full, (uint32_t)full_ids[i]) - full->types + fast->types);
	}
	eb_btf_put(full);
	eb_btf_put(fast);
}
END_TEST

/*
 * One struct of 65,535 header-like members (768 KiB) spans the cut points: the
 * guessed starts inside it walk its members and never meet the true walk, which
 * steps over it in one record. The table must still be right (the single walk).
 */
START_TEST(unmeetable_guesses_fall_back)
{
	struct gen g = { .seed = 7 };
	unsigned parted;

	random_records(&g, 64 * 1024);
	put(&g, 1);
	put(&g, btf_mk_info(BTF_KIND_STRUCT, 0xffff, 0));
	put(&g, 8);
	for (uint32_t i = 0; i < 0xffff; i++)
		fake_header_member(&g);
	random_records(&g, 64 * 1024);
	parted = parted_walks();
	check_table(&g);
	ck_assert_uint_eq(parted_walks(), parted);	/* the one-chain walk answered */
	free(g.w);
}
END_TEST

/* An unknown kind or a record past the end, in any part, is the single walk's error. */
START_TEST(errors_in_any_part)
{
	for (int where = 0; where < 4; where++) {
		for (int what = 0; what < 2; what++) {
			struct gen g = { .seed = 3 };
			struct ebpf_btf *btf;
			size_t size;
			void *raw;

			random_records(&g, 1024 * 1024 * (size_t)where / 4 + 4096);
			if (what == 0) {
				put(&g, 1); put(&g, btf_mk_info(BTF_KIND_ENUM64 + 1, 0, 0)); put(&g, 0);
				random_records(&g, 1024 * 1024 - 1024 * 1024 * (size_t)where / 4);
			} else {
				random_records(&g, 1024 * 1024 - 1024 * 1024 * (size_t)where / 4);
				put(&g, 1); put(&g, btf_mk_info(BTF_KIND_STRUCT, 2, 0)); put(&g, 8);
				fake_header_member(&g);	/* the second member is missing */
			}
			raw = build(&g, &size);
			eb_err_clear();
			ck_assert_int_eq(eb_btf_parse_trusted(raw, size, NULL, EB_BTF_BORROW, &btf), -EINVAL);
			ck_assert_errmsg_has(what == 0 ? "unknown kind or records past the type section"
					     : "past the type section");
			free(raw);
			free(g.w);
		}
	}
}
END_TEST

Suite *suite_btf_offsets(void)
{
	Suite *s = suite_create("btf_offsets");
	TCase *tc = test_tcase("offsets");

	tcase_add_test(tc, parts_give_the_true_table);
	tcase_add_test(tc, vmlinux_walked_in_parts);
	tcase_add_test(tc, vmlinux_lookups_across_segments);
	tcase_add_test(tc, unmeetable_guesses_fall_back);
	tcase_add_test(tc, errors_in_any_part);
	suite_add_tcase(s, tc);
	return s;
}
