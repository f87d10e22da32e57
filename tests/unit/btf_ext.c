/* .BTF.ext parsing and the DATASEC fix-up, on hand-made blobs. */
#include <errno.h>
#include <stdlib.h>

#include "testutil.h"
#include "btf_blob.h"
#include "lib/alloc.h"

/* ids: 1 int, 2 proto, 3 FUNC "prog_fn", 4 VAR "v", 5 VAR "w", 6 DATASEC ".data" (v, w) */
struct ext_fixture {
	struct ebpf_btf *btf;
	uint32_t sec_off, file_off, line_off, acc_off;
};

static void make_btf(struct ext_fixture *f)
{
	struct tblob b;
	size_t size;
	void *raw;

	tb_init(&b, 0);
	tb_type(&b, tb_str(&b, "int"), BTF_KIND_INT, 0, 0, 4);
	tb_w(&b, 32);
	tb_type(&b, 0, BTF_KIND_FUNC_PROTO, 0, 0, 1);
	tb_type(&b, tb_str(&b, "prog_fn"), BTF_KIND_FUNC, 1, 0, 2);
	tb_type(&b, tb_str(&b, "v"), BTF_KIND_VAR, 0, 0, 1);
	tb_w(&b, 1);
	tb_type(&b, tb_str(&b, "w"), BTF_KIND_VAR, 0, 0, 1);
	tb_w(&b, 1);
	tb_type(&b, tb_str(&b, ".data"), BTF_KIND_DATASEC, 2, 0, 0);
	tb_w(&b, 4); tb_w(&b, 0); tb_w(&b, 4);
	tb_w(&b, 5); tb_w(&b, 0); tb_w(&b, 4);
	f->sec_off = tb_str(&b, "xdp");
	f->file_off = tb_str(&b, "prog.c");
	f->line_off = tb_str(&b, "return 0;");
	f->acc_off = tb_str(&b, "0:1");
	raw = tb_build(&b, &size);
	ck_assert_int_eq(eb_btf_parse(raw, size, NULL, EB_BTF_COPY, &f->btf), 0);
	free(raw);
}

struct eblob { uint32_t w[64]; uint32_t n; };

/* A .BTF.ext with one record in each table; returns the word index of each table. */
static void make_ext(const struct ext_fixture *f, struct eblob *e, uint32_t *func, uint32_t *line,
		     uint32_t *core)
{
	uint32_t *w = e->w;

	memset(e, 0, sizeof(*e));
	w[0] = BTF_MAGIC | (1u << 16);	/* magic, version 1, flags 0 */
	w[1] = 32;			/* hdr_len */
	/* func_info at 0 (20 bytes), line_info at 20 (28), core_relo at 48 (28) */
	w[2] = 0; w[3] = 20; w[4] = 20; w[5] = 28; w[6] = 48; w[7] = 28;
	*func = 8;
	w[8] = 8; w[9] = f->sec_off; w[10] = 1; w[11] = 16; w[12] = 3;
	*line = 13;
	w[13] = 16; w[14] = f->sec_off; w[15] = 1; w[16] = 8; w[17] = f->file_off; w[18] = f->line_off; w[19] = (7 << 10) | 3;
	*core = 20;
	w[20] = 16; w[21] = f->sec_off; w[22] = 1; w[23] = 24; w[24] = 1; w[25] = f->acc_off; w[26] = EB_CORE_FIELD_BYTE_OFFSET;
	e->n = 27;
}

/* Decode the one record of section 'xdp' of a table (asserting it decodes). */
static void decode1(const struct ext_fixture *f, const struct eb_btf_ext_sec *secs, uint32_t cnt,
		    enum eb_btf_ext_table tab, void *out)
{
	const struct eb_btf_ext_sec *s = eb_btf_ext_find(secs, cnt, "xdp");

	ck_assert_ptr_nonnull(s);
	ck_assert_uint_eq(s->cnt, 1);
	ck_assert_msg(eb_btf_ext_decode(f->btf, s, tab, 0, 1, out) == 0, "%s", ebpf_errmsg());
}

START_TEST(test_ext_records_normalized)
{
	struct ext_fixture f;
	struct eblob e;
	struct eb_btf_ext *ext;
	struct eb_func_info fr;
	struct eb_line_info lr;
	struct eb_core_relo cr;
	uint32_t fi, li, ci;

	make_btf(&f);
	make_ext(&f, &e, &fi, &li, &ci);
	ck_assert_int_eq(eb_btf_ext_parse(e.w, e.n * 4, false, f.btf, &ext), 0);
	ck_assert_uint_eq(ext->func_info_cnt, 1);
	/* Records stay raw, in the parser's own copy of the bytes. */
	ck_assert_ptr_null(ext->func_info[0].recs);
	ck_assert_ptr_eq(ext->func_info[0].raw, (const uint8_t *)ext->owned + (fi + 3) * 4);
	ck_assert_uint_eq(ext->func_info[0].rec_size, 8);
	decode1(&f, ext->func_info, ext->func_info_cnt, EB_EXT_FUNC_INFO, &fr);
	ck_assert_uint_eq(fr.insn_off, 2);	/* 16 bytes */
	ck_assert_uint_eq(fr.type_id, 3);
	ck_assert_uint_eq(eb_btf_ext_insn(&ext->func_info[0], EB_EXT_FUNC_INFO, 0), 2);
	decode1(&f, ext->line_info, ext->line_info_cnt, EB_EXT_LINE_INFO, &lr);
	ck_assert_uint_eq(lr.insn_off, 1);
	ck_assert_str_eq(eb_btf_str(f.btf, lr.file_name_off), "prog.c");
	ck_assert_str_eq(eb_btf_str(f.btf, lr.line_off), "return 0;");
	ck_assert_uint_eq(lr.line_col, (7 << 10) | 3);
	decode1(&f, ext->core_relo, ext->core_relo_cnt, EB_EXT_CORE_RELO, &cr);
	ck_assert_uint_eq(cr.insn_off, 3);
	ck_assert_uint_eq(cr.type_id, 1);
	ck_assert_str_eq(eb_btf_str(f.btf, cr.access_str_off), "0:1");
	ck_assert_uint_eq(cr.kind, EB_CORE_FIELD_BYTE_OFFSET);
	ck_assert_ptr_null(eb_btf_ext_find(ext->core_relo, ext->core_relo_cnt, "tc"));
	/* The copy is the parser's: the caller's bytes may change or go. */
	e.w[ci + 4] = 2;
	decode1(&f, ext->core_relo, ext->core_relo_cnt, EB_EXT_CORE_RELO, &cr);
	ck_assert_uint_eq(cr.type_id, 1);
	eb_btf_ext_free(ext);

	/* Borrowed: the records are read from the caller's bytes, which must stay. */
	ck_assert_int_eq(eb_btf_ext_parse_borrowed(e.w, e.n * 4, false, f.btf, &ext), 0);
	ck_assert_ptr_null(ext->owned);
	ck_assert_ptr_eq(ext->core_relo[0].raw, (const uint8_t *)&e.w[ci + 3]);
	decode1(&f, ext->core_relo, ext->core_relo_cnt, EB_EXT_CORE_RELO, &cr);
	ck_assert_uint_eq(cr.type_id, 2);
	eb_btf_ext_free(ext);
	e.w[ci + 4] = 1;

	/* the same in the foreign byte order */
	for (uint32_t i = 0; i < e.n; i++)
		e.w[i] = __builtin_bswap32(e.w[i]);
	/* magic/version/flags are not one u32: rebuild word 0 as bytes */
	{
		uint8_t *p = (uint8_t *)e.w;

		p[0] = 0xeb; p[1] = 0x9f; p[2] = 1; p[3] = 0;
	}
	ck_assert_int_eq(eb_btf_ext_parse(e.w, e.n * 4, true, f.btf, &ext), 0);
	decode1(&f, ext->core_relo, ext->core_relo_cnt, EB_EXT_CORE_RELO, &cr);
	ck_assert_uint_eq(cr.insn_off, 3);
	ck_assert_uint_eq(cr.type_id, 1);
	ck_assert_uint_eq(cr.access_str_off, f.acc_off);
	ck_assert_uint_eq(eb_btf_ext_insn(&ext->core_relo[0], EB_EXT_CORE_RELO, 0), 3);
	decode1(&f, ext->line_info, ext->line_info_cnt, EB_EXT_LINE_INFO, &lr);
	ck_assert_uint_eq(lr.line_col, (7 << 10) | 3);
	eb_btf_ext_free(ext);
	eb_btf_put(f.btf);
}
END_TEST

/* Records built in memory (decoded already) are copied as they are, ranges checked. */
START_TEST(test_ext_decode_in_memory_and_ranges)
{
	struct eb_line_info recs[3] = { { 0, 1, 2, 3 }, { 4, 5, 6, 7 }, { 8, 9, 10, 11 } }, out[2];
	struct eb_btf_ext_sec s = { .sec_name = "xdp", .cnt = 3, .recs = recs };
	void *all = (void *)1;

	ck_assert_int_eq(eb_btf_ext_decode(NULL, &s, EB_EXT_LINE_INFO, 1, 2, out), 0);
	ck_assert_uint_eq(out[0].insn_off, 4);
	ck_assert_uint_eq(out[1].line_col, 11);
	ck_assert_uint_eq(eb_btf_ext_insn(&s, EB_EXT_LINE_INFO, 2), 8);
	ck_assert_int_eq(eb_btf_ext_decode(NULL, &s, EB_EXT_LINE_INFO, 2, 2, out), -ERANGE);
	ck_assert_errmsg_has(".BTF.ext line_info: section 'xdp': records 2..4 of 3");
	ck_assert_int_eq(eb_btf_ext_decode(NULL, &s, EB_EXT_LINE_INFO, 4, 0, out), -ERANGE);
	ck_assert_int_eq(eb_btf_ext_decode(NULL, &s, EB_EXT_LINE_INFO, 3, 0, out), 0);
	ck_assert_int_eq(eb_btf_ext_decode_all(NULL, &s, EB_EXT_LINE_INFO, &all), 0);
	ck_assert_mem_eq(all, recs, sizeof(recs));
	eb_free(all);
	s.cnt = 0;
	ck_assert_int_eq(eb_btf_ext_decode_all(NULL, &s, EB_EXT_LINE_INFO, &all), 0);
	ck_assert_ptr_null(all);
	ck_assert_uint_eq(eb_btf_ext_rec_size(EB_EXT_FUNC_INFO), sizeof(struct eb_func_info));
	ck_assert_uint_eq(eb_btf_ext_rec_size(EB_EXT_CORE_RELO), sizeof(struct eb_core_relo));
}
END_TEST

/* A damaged header or section header fails the parse. */
static void ext_bad(const struct ext_fixture *f, struct eblob *e, const char *msg)
{
	struct eb_btf_ext *ext = (void *)1;

	ck_assert_int_eq(eb_btf_ext_parse(e->w, e->n * 4, false, f->btf, &ext), -EINVAL);
	ck_assert_ptr_null(ext);
	ck_assert_errmsg_has(msg);
}

/*
 * A damaged record does not fail the parse (records are not read there): it
 * fails its decode, and only its own table's; the others still decode.
 */
static void rec_bad(const struct ext_fixture *f, struct eblob *e, enum eb_btf_ext_table bad, const char *msg)
{
	struct eb_btf_ext *ext = NULL;
	const struct eb_btf_ext_sec *secs[3];
	uint64_t out[4];
	void *all = (void *)1;

	ck_assert_msg(eb_btf_ext_parse(e->w, e->n * 4, false, f->btf, &ext) == 0, "%s", ebpf_errmsg());
	secs[EB_EXT_FUNC_INFO] = ext->func_info;
	secs[EB_EXT_LINE_INFO] = ext->line_info;
	secs[EB_EXT_CORE_RELO] = ext->core_relo;
	for (int t = 0; t < 3; t++) {
		int err = eb_btf_ext_decode(f->btf, secs[t], (enum eb_btf_ext_table)t, 0, 1, out);

		if (t != (int)bad) {
			ck_assert_msg(err == 0, "%s", ebpf_errmsg());
			continue;
		}
		ck_assert_int_eq(err, -EINVAL);
		ck_assert_errmsg_has(msg);
		ck_assert_int_eq(eb_btf_ext_decode_all(f->btf, secs[t], bad, &all), -EINVAL);
		ck_assert_ptr_null(all);
		ck_assert_errmsg_has(msg);
	}
	eb_btf_ext_free(ext);
}

START_TEST(test_ext_bad_input)
{
	struct ext_fixture f;
	struct eblob e;
	uint32_t fi, li, ci;

	make_btf(&f);
	make_ext(&f, &e, &fi, &li, &ci);
	e.w[0] = 0x1234 | (1u << 16);
	ext_bad(&f, &e, ".BTF.ext: bad magic 0x1234");

	make_ext(&f, &e, &fi, &li, &ci);
	e.w[ci + 1] = 99999;
	ext_bad(&f, &e, "core_relo: section name offset 99999 out of range");

	make_ext(&f, &e, &fi, &li, &ci);
	e.w[ci + 2] = 0x40000000;	/* num_info * rec_size overflows 32 bits */
	ext_bad(&f, &e, "core_relo: section 'xdp': 1073741824 records of 16 bytes run past the table");

	make_ext(&f, &e, &fi, &li, &ci);
	e.w[ci + 2] = 2;		/* one record more than the table holds */
	ext_bad(&f, &e, "core_relo: section 'xdp': 2 records of 16 bytes run past the table");

	make_ext(&f, &e, &fi, &li, &ci);
	e.w[li] = 8;	/* line_info records are at least 16 bytes */
	ext_bad(&f, &e, "line_info: record size 8");

	make_ext(&f, &e, &fi, &li, &ci);
	e.w[7] = 400;	/* core_relo length past the section */
	ext_bad(&f, &e, "core_relo: offset 48 length 400 run past");

	make_ext(&f, &e, &fi, &li, &ci);
	e.w[7] = 32;	/* the table ends 4 bytes into a next section header */
	e.w[27] = f.sec_off;
	e.n = 28;
	ext_bad(&f, &e, "core_relo: section header at offset 28 truncated");

	make_ext(&f, &e, &fi, &li, &ci);
	e.w[1] = 4;
	ext_bad(&f, &e, "header length 4");

	/* Record damage: found at decode, naming table, section, record and field. */
	make_ext(&f, &e, &fi, &li, &ci);
	e.w[fi + 3] = 12;
	rec_bad(&f, &e, EB_EXT_FUNC_INFO,
		".BTF.ext func_info: section 'xdp' record 0: insn offset 12 is not a multiple of 8");

	make_ext(&f, &e, &fi, &li, &ci);
	e.w[fi + 4] = 1;	/* INT, not FUNC */
	rec_bad(&f, &e, EB_EXT_FUNC_INFO, ".BTF.ext func_info: section 'xdp' record 0: type [1] is not a FUNC");

	make_ext(&f, &e, &fi, &li, &ci);
	e.w[fi + 4] = 70;
	rec_bad(&f, &e, EB_EXT_FUNC_INFO, ".BTF.ext func_info: section 'xdp' record 0: type id 70 out of range");

	make_ext(&f, &e, &fi, &li, &ci);
	e.w[li + 3] = 9;
	rec_bad(&f, &e, EB_EXT_LINE_INFO,
		".BTF.ext line_info: section 'xdp' record 0: insn offset 9 is not a multiple of 8");

	make_ext(&f, &e, &fi, &li, &ci);
	e.w[li + 4] = 200000;
	rec_bad(&f, &e, EB_EXT_LINE_INFO,
		".BTF.ext line_info: section 'xdp' record 0: file name string offset 200000 out of range");

	make_ext(&f, &e, &fi, &li, &ci);
	e.w[li + 5] = 100000;
	rec_bad(&f, &e, EB_EXT_LINE_INFO,
		".BTF.ext line_info: section 'xdp' record 0: line string offset 100000 out of range");

	make_ext(&f, &e, &fi, &li, &ci);
	e.w[ci + 3] = 4;
	rec_bad(&f, &e, EB_EXT_CORE_RELO,
		".BTF.ext core_relo: section 'xdp' record 0: insn offset 4 is not a multiple of 8");

	make_ext(&f, &e, &fi, &li, &ci);
	e.w[ci + 4] = 77;
	rec_bad(&f, &e, EB_EXT_CORE_RELO, ".BTF.ext core_relo: section 'xdp' record 0: type id 77 out of range");

	make_ext(&f, &e, &fi, &li, &ci);
	e.w[ci + 5] = 123456;
	rec_bad(&f, &e, EB_EXT_CORE_RELO,
		".BTF.ext core_relo: section 'xdp' record 0: access string offset 123456 out of range");

	make_ext(&f, &e, &fi, &li, &ci);
	e.w[ci + 6] = 13;
	rec_bad(&f, &e, EB_EXT_CORE_RELO, ".BTF.ext core_relo: section 'xdp' record 0: unknown relocation kind 13");
	eb_btf_put(f.btf);
}
END_TEST

static int sec_size(void *ctx, const char *name, uint32_t *size)
{
	if (strcmp(name, ".data"))
		return -ENOENT;
	*size = *(uint32_t *)ctx;
	return 0;
}

static int var_off(void *ctx, const char *sec, const char *name, uint32_t *off)
{
	if (!strcmp(name, "v"))
		*off = 8;
	else if (!strcmp(name, "w"))
		*off = 0;
	else
		return -ENOENT;
	return 0;
}

START_TEST(test_fixup_datasecs)
{
	struct ext_fixture f;
	uint32_t size = 16;
	struct eb_btf_fixup_cb cb = { sec_size, var_off, &size };
	const struct btf_type *ds;
	const struct btf_var_secinfo *v;

	make_btf(&f);
	ck_assert_int_eq(eb_btf_fixup_datasecs(f.btf, &cb), 0);
	ds = eb_btf_type(f.btf, 6);
	ck_assert_uint_eq(ds->size, 16);
	v = btf_secinfos(ds);
	/* sorted by offset: w (id 5) at 0, v (id 4) at 8 */
	ck_assert_uint_eq(v[0].type, 5);
	ck_assert_uint_eq(v[0].offset, 0);
	ck_assert_uint_eq(v[1].type, 4);
	ck_assert_uint_eq(v[1].offset, 8);
	ck_assert_int_eq(eb_btf_type_size(f.btf, 6), 16);
	eb_btf_put(f.btf);

	make_btf(&f);
	size = 10;
	ck_assert_int_eq(eb_btf_fixup_datasecs(f.btf, &cb), -EINVAL);
	ck_assert_errmsg_has("DATASEC '.data': variable 'v' (offset 8, size 4) lies outside the 10-byte section");
	eb_btf_put(f.btf);
}
END_TEST

START_TEST(test_fixup_needs_owned_bytes)
{
	struct ext_fixture f;
	struct ebpf_btf *borrowed;
	uint32_t size = 16;
	struct eb_btf_fixup_cb cb = { sec_size, var_off, &size };
	const void *raw;
	size_t len;

	make_btf(&f);
	raw = eb_btf_raw(f.btf, &len);
	ck_assert_int_eq(eb_btf_parse(raw, len, NULL, EB_BTF_BORROW, &borrowed), 0);
	ck_assert_ptr_eq(eb_btf_raw(borrowed, &len), raw);	/* zero-copy */
	ck_assert_int_eq(eb_btf_fixup_datasecs(borrowed, &cb), -EINVAL);
	ck_assert_errmsg_has("does not own its bytes");
	eb_btf_put(borrowed);
	eb_btf_put(f.btf);
}
END_TEST

Suite *suite_btf_ext(void)
{
	Suite *s = suite_create("btf_ext");
	TCase *tc = test_tcase("core");

	tcase_add_test(tc, test_ext_records_normalized);
	tcase_add_test(tc, test_ext_decode_in_memory_and_ranges);
	tcase_add_test(tc, test_ext_bad_input);
	tcase_add_test(tc, test_fixup_datasecs);
	tcase_add_test(tc, test_fixup_needs_owned_bytes);
	suite_add_tcase(s, tc);
	return s;
}
