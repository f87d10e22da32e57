/* Object-BTF parser: a hand-made blob with every kind, and each class of bad input. */
#include <errno.h>
#include <stdlib.h>

#include "testutil.h"
#include "btf_blob.h"
#include "lib/alloc.h"
#include "btf/btf.h"

enum { ID_INT = 1, ID_PTR, ID_FOO, ID_FOO_T, ID_CONST, ID_PROTO, ID_FUNC, ID_VAR, ID_DATASEC,
       ID_FLOAT, ID_DECL_TAG, ID_TYPE_TAG, ID_ENUM64, ID_ARRAY, ID_PTR_TT, ID_ENUM, ID_CNT };

/* Every kind once; ids as in the enum above. */
static void good_blob(struct tblob *b)
{
	tb_init(b, 0);
	tb_type(b, tb_str(b, "int"), BTF_KIND_INT, 0, 0, 4);
	tb_w(b, (BTF_INT_SIGNED << 24) | 32);
	tb_type(b, 0, BTF_KIND_PTR, 0, 0, ID_INT);
	tb_type(b, tb_str(b, "foo"), BTF_KIND_STRUCT, 2, 0, 16);
	tb_w(b, tb_str(b, "a")); tb_w(b, ID_INT); tb_w(b, 0);
	tb_w(b, tb_str(b, "b")); tb_w(b, ID_PTR); tb_w(b, 64);
	tb_type(b, tb_str(b, "foo_t"), BTF_KIND_TYPEDEF, 0, 0, ID_FOO);
	tb_type(b, 0, BTF_KIND_CONST, 0, 0, ID_FOO_T);
	tb_type(b, 0, BTF_KIND_FUNC_PROTO, 1, 0, ID_INT);
	tb_w(b, tb_str(b, "x")); tb_w(b, ID_CONST);
	tb_type(b, tb_str(b, "f"), BTF_KIND_FUNC, BTF_FUNC_GLOBAL, 0, ID_PROTO);
	tb_type(b, tb_str(b, "v"), BTF_KIND_VAR, 0, 0, ID_INT);
	tb_w(b, BTF_VAR_GLOBAL_ALLOCATED);
	tb_type(b, tb_str(b, ".data"), BTF_KIND_DATASEC, 1, 0, 0);
	tb_w(b, ID_VAR); tb_w(b, 0); tb_w(b, 4);
	tb_type(b, tb_str(b, "double"), BTF_KIND_FLOAT, 0, 0, 8);
	tb_type(b, tb_str(b, "tag"), BTF_KIND_DECL_TAG, 0, 0, ID_FOO);
	tb_w(b, 0);
	tb_type(b, tb_str(b, "tt"), BTF_KIND_TYPE_TAG, 0, 0, ID_INT);
	tb_type(b, tb_str(b, "e64"), BTF_KIND_ENUM64, 1, 0, 8);
	tb_w(b, tb_str(b, "E1")); tb_w(b, 1); tb_w(b, 2);
	tb_type(b, 0, BTF_KIND_ARRAY, 0, 0, 0);
	tb_w(b, ID_FOO); tb_w(b, ID_INT); tb_w(b, 3);
	tb_type(b, 0, BTF_KIND_PTR, 0, 0, ID_TYPE_TAG);
	tb_type(b, tb_str(b, "foo___v2"), BTF_KIND_ENUM, 1, 0, 4);
	tb_w(b, tb_str(b, "E2")); tb_w(b, 7);
}

static struct ebpf_btf *parse_ok(const struct tblob *b)
{
	struct ebpf_btf *btf = NULL;
	size_t size;
	void *raw = tb_build(b, &size);
	int err = eb_btf_parse(raw, size, NULL, EB_BTF_COPY, &btf);

	free(raw);
	ck_assert_msg(err == 0, "parse: %d %s", err, ebpf_errmsg());
	return btf;
}

/* Parse `b` and expect -EINVAL with `msg` in the error message. */
static void parse_bad(const struct tblob *b, const char *msg)
{
	struct ebpf_btf *btf = (void *)1;
	size_t size;
	void *raw = tb_build(b, &size);

	ck_assert_int_eq(eb_btf_parse(raw, size, NULL, EB_BTF_COPY, &btf), -EINVAL);
	ck_assert_ptr_null(btf);
	ck_assert_errmsg_has(msg);
	free(raw);
}

START_TEST(test_every_kind)
{
	struct tblob b;
	struct ebpf_btf *btf;
	const struct btf_type *t;
	uint32_t id;

	good_blob(&b);
	btf = parse_ok(&b);
	ck_assert_uint_eq(eb_btf_type_cnt(btf), ID_CNT);
	ck_assert_uint_eq(eb_btf_start_id(btf), 1);
	ck_assert_ptr_null(eb_btf_type(btf, 0));
	ck_assert_ptr_null(eb_btf_type(btf, ID_CNT));
	for (id = 1; id < ID_CNT; id++)
		ck_assert_ptr_nonnull(eb_btf_type(btf, id));
	ck_assert_uint_eq(btf_kind(eb_btf_type(btf, ID_ENUM64)), BTF_KIND_ENUM64);
	ck_assert_uint_eq(btf_enums64(eb_btf_type(btf, ID_ENUM64))->val_hi32, 2);
	ck_assert_str_eq(eb_btf_name(btf, eb_btf_type(btf, ID_FOO)), "foo");
	ck_assert_str_eq(eb_btf_name(btf, eb_btf_type(btf, ID_PTR)), "");
	ck_assert_str_eq(eb_btf_kind_name(BTF_KIND_DECL_TAG), "DECL_TAG");

	ck_assert_int_eq(eb_btf_find(btf, "foo", BTF_KIND_STRUCT), ID_FOO);
	ck_assert_int_eq(eb_btf_find(btf, "foo", 0), ID_FOO);
	ck_assert_int_eq(eb_btf_find(btf, "foo", BTF_KIND_UNION), -ENOENT);
	ck_assert_int_eq(eb_btf_find(btf, "foo_t", BTF_KIND_TYPEDEF), ID_FOO_T);
	ck_assert_int_eq(eb_btf_find(btf, "f", BTF_KIND_FUNC), ID_FUNC);
	ck_assert_int_eq(eb_btf_find(btf, "fo", 0), -ENOENT);
	ck_assert_int_eq(eb_btf_find(btf, "foo___v2", BTF_KIND_ENUM), ID_ENUM);

	t = eb_btf_skip_mods_typedefs(btf, ID_CONST, &id);
	ck_assert_uint_eq(id, ID_FOO);
	ck_assert_uint_eq(btf_kind(t), BTF_KIND_STRUCT);
	eb_btf_skip_mods(btf, ID_CONST, &id);
	ck_assert_uint_eq(id, ID_FOO_T);
	eb_btf_skip_mods(btf, ID_TYPE_TAG, &id);
	ck_assert_uint_eq(id, ID_INT);
	ck_assert_ptr_null(eb_btf_skip_mods(btf, 0, &id));
	ck_assert_uint_eq(id, 0);

	ck_assert_int_eq(eb_btf_type_size(btf, ID_ARRAY), 48);
	ck_assert_int_eq(eb_btf_type_size(btf, ID_CONST), 16);
	ck_assert_int_eq(eb_btf_type_size(btf, ID_PTR), 8);
	ck_assert_int_eq(eb_btf_type_size(btf, ID_VAR), 4);
	ck_assert_int_eq(eb_btf_type_size(btf, ID_FLOAT), 8);
	ck_assert_int_eq(eb_btf_type_size(btf, ID_FUNC), -EINVAL);
	ck_assert_errmsg_has("FUNC 'f' has no size");
	ck_assert(!eb_btf_swapped(btf));
	eb_btf_put(btf);
}
END_TEST

START_TEST(test_essential_names)
{
	struct tblob b;
	struct ebpf_btf *btf;
	uint32_t ids[4];

	ck_assert_uint_eq(eb_btf_essential_len("task_struct___old"), 11);
	ck_assert_uint_eq(eb_btf_essential_len("task_struct"), 11);
	ck_assert_uint_eq(eb_btf_essential_len("___pskb_trim"), 12);
	ck_assert_uint_eq(eb_btf_essential_len("a___b___c"), 5);	/* the last flavor goes */
	ck_assert_uint_eq(eb_btf_essential_len("foo___"), 6);	/* nothing after: no flavor */

	good_blob(&b);
	btf = parse_ok(&b);
	/* "foo" (STRUCT) and "foo___v2" (ENUM) share the essential name "foo". */
	ck_assert_int_eq(eb_btf_find_essential(btf, "foo___x", 0, ids, 4), 2);
	ck_assert_uint_eq(ids[0], ID_FOO);
	ck_assert_uint_eq(ids[1], ID_ENUM);
	ck_assert_int_eq(eb_btf_find_essential(btf, "foo", BTF_KIND_ENUM, ids, 4), 1);
	ck_assert_uint_eq(ids[0], ID_ENUM);
	ck_assert_int_eq(eb_btf_find_essential(btf, "foo", 0, ids, 1), 2);	/* count beyond max */
	ck_assert_int_eq(eb_btf_find_essential(btf, "bar", 0, ids, 4), 0);
	/* An exact lookup of the flavored name finds only the flavored type. */
	ck_assert_int_eq(eb_btf_find(btf, "foo___x", 0), -ENOENT);
	eb_btf_put(btf);
}
END_TEST

/* Write the blob in the opposite byte order: every u32 word swapped, magic too. */
START_TEST(test_foreign_byte_order)
{
	struct tblob b;
	struct ebpf_btf *btf;
	size_t size;
	uint8_t *raw;
	uint32_t *w;
	uint16_t magic;

	good_blob(&b);
	raw = tb_build(&b, &size);
	magic = __builtin_bswap16(BTF_MAGIC);
	memcpy(raw, &magic, 2);
	w = (uint32_t *)raw;
	for (size_t i = 1; i < (sizeof(struct btf_header) + b.nw * 4) / 4; i++)
		w[i] = __builtin_bswap32(w[i]);
	ck_assert_int_eq(eb_btf_parse(raw, size, NULL, EB_BTF_BORROW, &btf), 0);
	free(raw);	/* swapped BTF owns a copy even when asked to borrow */
	ck_assert(eb_btf_swapped(btf));
	ck_assert_int_eq(eb_btf_find(btf, "foo", BTF_KIND_STRUCT), ID_FOO);
	ck_assert_int_eq(eb_btf_type_size(btf, ID_ARRAY), 48);
	ck_assert_uint_eq(btf_enums64(eb_btf_type(btf, ID_ENUM64))->val_lo32, 1);
	eb_btf_put(btf);
}
END_TEST

START_TEST(test_split_btf)
{
	struct tblob b, s;
	struct ebpf_btf *base, *split;
	size_t size;
	void *raw;
	size_t base_str;

	good_blob(&b);
	base = parse_ok(&b);
	base_str = b.ns;
	tb_init(&s, (uint32_t)base_str);
	/* struct mod_s { foo_t m; } and a pointer to base's int. */
	tb_type(&s, tb_str(&s, "mod_s"), BTF_KIND_STRUCT, 1, 0, 16);
	tb_w(&s, tb_str(&s, "m")); tb_w(&s, ID_FOO_T); tb_w(&s, 0);
	tb_type(&s, 0, BTF_KIND_PTR, 0, 0, ID_CNT);	/* -> mod_s */
	raw = tb_build(&s, &size);
	ck_assert_int_eq(eb_btf_parse(raw, size, base, EB_BTF_COPY, &split), 0);
	free(raw);
	eb_btf_put(base);	/* split keeps its own reference */
	ck_assert_uint_eq(eb_btf_start_id(split), ID_CNT);
	ck_assert_uint_eq(eb_btf_type_cnt(split), ID_CNT + 2);
	ck_assert_int_eq(eb_btf_find(split, "mod_s", BTF_KIND_STRUCT), ID_CNT);
	ck_assert_int_eq(eb_btf_find(split, "foo", BTF_KIND_STRUCT), ID_FOO);
	ck_assert_str_eq(eb_btf_name(split, eb_btf_type(split, ID_INT)), "int");
	ck_assert_str_eq(eb_btf_str(split, btf_members(eb_btf_type(split, ID_CNT))[0].name_off), "m");
	ck_assert_int_eq(eb_btf_type_size(split, ID_CNT + 1), 8);
	eb_btf_put(split);

	/* A split type referencing an id past both tables. */
	tb_init(&s, (uint32_t)base_str);
	tb_type(&s, 0, BTF_KIND_PTR, 0, 0, ID_CNT + 1);
	raw = tb_build(&s, &size);
	good_blob(&b);
	base = parse_ok(&b);
	ck_assert_int_eq(eb_btf_parse(raw, size, base, EB_BTF_COPY, &split), -EINVAL);
	ck_assert_errmsg_has("type [17]: references type id 18 out of range (last id 17)");
	free(raw);
	eb_btf_put(base);
}
END_TEST

START_TEST(test_bad_header)
{
	struct tblob b;
	struct btf_header *h;
	struct ebpf_btf *btf;
	size_t size;
	uint8_t *raw;

	good_blob(&b);
	raw = tb_build(&b, &size);
	h = (struct btf_header *)raw;

	ck_assert_int_eq(eb_btf_parse(raw, 10, NULL, EB_BTF_COPY, &btf), -EINVAL);
	ck_assert_errmsg_has("too short for a header");

	h->magic = 0x1234;
	ck_assert_int_eq(eb_btf_parse(raw, size, NULL, EB_BTF_COPY, &btf), -EINVAL);
	ck_assert_errmsg_has("bad magic 0x1234");
	h->magic = BTF_MAGIC;

	h->version = 2;
	ck_assert_int_eq(eb_btf_parse(raw, size, NULL, EB_BTF_COPY, &btf), -EINVAL);
	ck_assert_errmsg_has("unsupported version 2");
	h->version = 1;

	h->hdr_len = (uint32_t)size + 4;
	ck_assert_int_eq(eb_btf_parse(raw, size, NULL, EB_BTF_COPY, &btf), -EINVAL);
	ck_assert_errmsg_has("header length");
	h->hdr_len = sizeof(*h);

	h->type_len += 4;
	h->str_off += 4;
	ck_assert_int_eq(eb_btf_parse(raw, size, NULL, EB_BTF_COPY, &btf), -EINVAL);
	ck_assert_errmsg_has("runs past the end");
	h->type_len -= 4;
	h->str_off -= 4;

	h->str_len = UINT32_MAX;	/* offset + length overflow 32 bits */
	ck_assert_int_eq(eb_btf_parse(raw, size, NULL, EB_BTF_COPY, &btf), -EINVAL);
	ck_assert_errmsg_has("string section (offset");
	h->str_len = b.ns;

	h->str_off = 8;		/* overlaps the types */
	ck_assert_int_eq(eb_btf_parse(raw, size, NULL, EB_BTF_COPY, &btf), -EINVAL);
	ck_assert_errmsg_has("overlap");
	h->str_off = b.nw * 4;

	raw[size - 1] = 'x';
	ck_assert_int_eq(eb_btf_parse(raw, size, NULL, EB_BTF_COPY, &btf), -EINVAL);
	ck_assert_errmsg_has("not NUL-terminated");
	raw[size - 1] = 0;

	/* the untouched blob still parses: the checks above were the only faults */
	ck_assert_int_eq(eb_btf_parse(raw, size, NULL, EB_BTF_COPY, &btf), 0);
	eb_btf_put(btf);
	free(raw);
}
END_TEST

START_TEST(test_record_past_section)
{
	struct tblob b;

	/* A struct claiming 3 members but carrying 2. */
	tb_init(&b, 0);
	tb_type(&b, tb_str(&b, "int"), BTF_KIND_INT, 0, 0, 4);
	tb_w(&b, 32);
	tb_type(&b, tb_str(&b, "s"), BTF_KIND_STRUCT, 3, 0, 8);
	tb_w(&b, 0); tb_w(&b, 1); tb_w(&b, 0);
	tb_w(&b, 0); tb_w(&b, 1); tb_w(&b, 32);
	parse_bad(&b, "type [2] STRUCT at offset 16: 36 bytes of records run past the type section");

	/* A type header cut in the middle. */
	tb_init(&b, 0);
	tb_type(&b, tb_str(&b, "int"), BTF_KIND_INT, 0, 0, 4);
	tb_w(&b, 32);
	tb_w(&b, 0); tb_w(&b, btf_mk_info(BTF_KIND_PTR, 0, 0));
	parse_bad(&b, "type [2] at offset 16: record runs past the type section");
}
END_TEST

START_TEST(test_bad_ids_and_strings)
{
	struct tblob b;

	tb_init(&b, 0);
	tb_type(&b, 0, BTF_KIND_PTR, 0, 0, 7);
	parse_bad(&b, "type [1]: references type id 7 out of range (last id 1)");

	tb_init(&b, 0);
	tb_type(&b, tb_str(&b, "int"), BTF_KIND_INT, 0, 0, 4);
	tb_w(&b, 32);
	tb_type(&b, tb_str(&b, "s"), BTF_KIND_STRUCT, 1, 0, 4);
	tb_w(&b, 0); tb_w(&b, 99); tb_w(&b, 0);
	parse_bad(&b, "type [2]: references type id 99 out of range");

	tb_init(&b, 0);
	tb_type(&b, 500, BTF_KIND_INT, 0, 0, 4);
	tb_w(&b, 32);
	parse_bad(&b, "type [1] INT: string offset 500 past the string table");

	tb_init(&b, 0);
	tb_type(&b, tb_str(&b, "int"), BTF_KIND_INT, 0, 0, 4);
	tb_w(&b, 32);
	tb_type(&b, tb_str(&b, "s"), BTF_KIND_STRUCT, 1, 0, 4);
	tb_w(&b, 1000); tb_w(&b, 1); tb_w(&b, 0);
	parse_bad(&b, "type [2] STRUCT: string offset 1000 past the string table");

	tb_init(&b, 0);
	tb_type(&b, 0, 25, 0, 0, 0);
	parse_bad(&b, "type [1] at offset 0: unknown kind 25");

	tb_init(&b, 0);
	tb_type(&b, tb_str(&b, "f"), BTF_KIND_FUNC, 0, 0, 2);
	tb_type(&b, tb_str(&b, "int"), BTF_KIND_INT, 0, 0, 4);
	tb_w(&b, 32);
	parse_bad(&b, "type [1] FUNC 'f': type [2] is not a FUNC_PROTO");

	tb_init(&b, 0);
	tb_type(&b, tb_str(&b, "int"), BTF_KIND_INT, 0, 0, 3);
	tb_w(&b, 24);
	parse_bad(&b, "type [1] INT: size must be 1, 2, 4, 8 or 16");

	tb_init(&b, 0);
	tb_type(&b, tb_str(&b, "int"), BTF_KIND_INT, 0, 0, 4);
	tb_w(&b, 32);
	tb_type(&b, tb_str(&b, ".data"), BTF_KIND_DATASEC, 1, 0, 4);
	tb_w(&b, 1); tb_w(&b, 0); tb_w(&b, 4);
	parse_bad(&b, "DATASEC '.data': entry 0 is a INT, not a VAR or FUNC");
}
END_TEST

START_TEST(test_reference_cycles)
{
	struct tblob b;

	/* const -> typedef -> volatile -> const */
	tb_init(&b, 0);
	tb_type(&b, 0, BTF_KIND_CONST, 0, 0, 2);
	tb_type(&b, tb_str(&b, "t"), BTF_KIND_TYPEDEF, 0, 0, 3);
	tb_type(&b, 0, BTF_KIND_VOLATILE, 0, 0, 1);
	parse_bad(&b, "type [1] CONST: reference cycle through type [1]");

	/* a pointer to itself */
	tb_init(&b, 0);
	tb_type(&b, 0, BTF_KIND_PTR, 0, 0, 1);
	parse_bad(&b, "reference cycle");

	/* an array of itself, entered from a pointer after it was settled */
	tb_init(&b, 0);
	tb_type(&b, tb_str(&b, "int"), BTF_KIND_INT, 0, 0, 4);
	tb_w(&b, 32);
	tb_type(&b, 0, BTF_KIND_ARRAY, 0, 0, 0);
	tb_w(&b, 2); tb_w(&b, 1); tb_w(&b, 4);
	parse_bad(&b, "type [2] ARRAY: reference cycle");

	/* A legal self reference through a struct is not a cycle. */
	tb_init(&b, 0);
	tb_type(&b, tb_str(&b, "node"), BTF_KIND_STRUCT, 1, 0, 8);
	tb_w(&b, tb_str(&b, "next")); tb_w(&b, 2); tb_w(&b, 0);
	tb_type(&b, 0, BTF_KIND_PTR, 0, 0, 1);
	eb_btf_put(parse_ok(&b));
}
END_TEST

START_TEST(test_alloc_failures_do_not_leak)
{
	struct tblob b;
	struct ebpf_btf *btf;
	size_t size;
	void *raw;
	int err;

	good_blob(&b);
	raw = tb_build(&b, &size);
	for (uint64_t n = 1; n < 20; n++) {
		eb_fault_arm(EB_FAULT_ALLOC, n);
		err = eb_btf_parse(raw, size, NULL, EB_BTF_COPY, &btf);
		if (!err) {
			/* the index allocation may fail: lookups report ENOMEM, not garbage */
			int32_t r = eb_btf_find(btf, "foo", 0);

			ck_assert(r == ID_FOO || r == -ENOMEM);
			eb_btf_put(btf);
		} else {
			ck_assert_int_eq(err, -ENOMEM);
		}
	}
	eb_fault_arm(EB_FAULT_ALLOC, 0);
	free(raw);
}
END_TEST

Suite *suite_btf_parse(void)
{
	Suite *s = suite_create("btf_parse");
	TCase *tc = test_tcase("core");

	tcase_add_test(tc, test_every_kind);
	tcase_add_test(tc, test_essential_names);
	tcase_add_test(tc, test_foreign_byte_order);
	tcase_add_test(tc, test_split_btf);
	tcase_add_test(tc, test_bad_header);
	tcase_add_test(tc, test_record_past_section);
	tcase_add_test(tc, test_bad_ids_and_strings);
	tcase_add_test(tc, test_reference_cycles);
	tcase_add_test(tc, test_alloc_failures_do_not_leak);
	suite_add_tcase(s, tc);
	return s;
}
