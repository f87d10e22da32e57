/* .BTF.ext parsing and the DATASEC fix-up, on hand-made blobs. */
#include <errno.h>
#include <stdlib.h>

#include "testutil.h"
#include "btf_blob.h"

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

START_TEST(test_ext_records_normalized)
{
	struct ext_fixture f;
	struct eblob e;
	struct eb_btf_ext *ext;
	const struct eb_btf_ext_sec *s;
	uint32_t fi, li, ci;

	make_btf(&f);
	make_ext(&f, &e, &fi, &li, &ci);
	ck_assert_int_eq(eb_btf_ext_parse(e.w, e.n * 4, false, f.btf, &ext), 0);
	ck_assert_uint_eq(ext->func_info_cnt, 1);
	s = eb_btf_ext_find(ext->func_info, ext->func_info_cnt, "xdp");
	ck_assert_ptr_nonnull(s);
	ck_assert_uint_eq(s->cnt, 1);
	ck_assert_uint_eq(((struct eb_func_info *)s->recs)[0].insn_off, 2);	/* 16 bytes */
	ck_assert_uint_eq(((struct eb_func_info *)s->recs)[0].type_id, 3);
	s = eb_btf_ext_find(ext->line_info, ext->line_info_cnt, "xdp");
	ck_assert_uint_eq(((struct eb_line_info *)s->recs)[0].insn_off, 1);
	ck_assert_str_eq(eb_btf_str(f.btf, ((struct eb_line_info *)s->recs)[0].line_off), "return 0;");
	ck_assert_uint_eq(((struct eb_line_info *)s->recs)[0].line_col, (7 << 10) | 3);
	s = eb_btf_ext_find(ext->core_relo, ext->core_relo_cnt, "xdp");
	ck_assert_uint_eq(((struct eb_core_relo *)s->recs)[0].insn_off, 3);
	ck_assert_str_eq(eb_btf_str(f.btf, ((struct eb_core_relo *)s->recs)[0].access_str_off), "0:1");
	ck_assert_ptr_null(eb_btf_ext_find(ext->core_relo, ext->core_relo_cnt, "tc"));
	eb_btf_ext_free(ext);

	/* the same in the foreign byte order */
	for (uint32_t i = 0; i < e.n; i++)
		e.w[i] = __builtin_bswap32(e.w[i]);
	/* magic/version/flags are not one u32: rebuild word 0 as bytes */
	{
		uint8_t *p = (uint8_t *)e.w;

		p[0] = 0xeb; p[1] = 0x9f; p[2] = 1; p[3] = 0;
	}
	ck_assert_int_eq(eb_btf_ext_parse(e.w, e.n * 4, true, f.btf, &ext), 0);
	s = eb_btf_ext_find(ext->core_relo, ext->core_relo_cnt, "xdp");
	ck_assert_uint_eq(((struct eb_core_relo *)s->recs)[0].type_id, 1);
	eb_btf_ext_free(ext);
	eb_btf_put(f.btf);
}
END_TEST

static void ext_bad(const struct ext_fixture *f, struct eblob *e, const char *msg)
{
	struct eb_btf_ext *ext = (void *)1;

	ck_assert_int_eq(eb_btf_ext_parse(e->w, e->n * 4, false, f->btf, &ext), -EINVAL);
	ck_assert_ptr_null(ext);
	ck_assert_errmsg_has(msg);
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
	e.w[fi + 3] = 12;
	ext_bad(&f, &e, ".BTF.ext func_info: section 'xdp' record 0: insn offset 12 is not a multiple of 8");

	make_ext(&f, &e, &fi, &li, &ci);
	e.w[fi + 4] = 1;	/* INT, not FUNC */
	ext_bad(&f, &e, "func_info: section 'xdp' record 0: type [1] is not a FUNC");

	make_ext(&f, &e, &fi, &li, &ci);
	e.w[ci + 4] = 77;
	ext_bad(&f, &e, "core_relo: section 'xdp' record 0: type id 77 out of range");

	make_ext(&f, &e, &fi, &li, &ci);
	e.w[li + 5] = 100000;
	ext_bad(&f, &e, "line_info: section 'xdp' record 0: line string offset 100000 out of range");

	make_ext(&f, &e, &fi, &li, &ci);
	e.w[ci + 1] = 99999;
	ext_bad(&f, &e, "core_relo: section name offset 99999 out of range");

	make_ext(&f, &e, &fi, &li, &ci);
	e.w[ci + 2] = 0x40000000;	/* num_info * rec_size overflows 32 bits */
	ext_bad(&f, &e, "core_relo: section 'xdp': 1073741824 records of 16 bytes run past the table");

	make_ext(&f, &e, &fi, &li, &ci);
	e.w[li] = 8;	/* line_info records are at least 16 bytes */
	ext_bad(&f, &e, "line_info: record size 8");

	make_ext(&f, &e, &fi, &li, &ci);
	e.w[ci + 6] = 13;
	ext_bad(&f, &e, "unknown relocation kind 13");

	make_ext(&f, &e, &fi, &li, &ci);
	e.w[7] = 400;	/* core_relo length past the section */
	ext_bad(&f, &e, "core_relo: offset 48 length 400 run past");

	make_ext(&f, &e, &fi, &li, &ci);
	e.w[1] = 4;
	ext_bad(&f, &e, "header length 4");
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
	tcase_add_test(tc, test_ext_bad_input);
	tcase_add_test(tc, test_fixup_datasecs);
	tcase_add_test(tc, test_fixup_needs_owned_bytes);
	suite_add_tcase(s, tc);
	return s;
}
