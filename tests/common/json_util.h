/*
 * A tiny JSON reader for tests that assert on the `ebpf` tool's --json output.
 * It parses a whole document into a tree; lookups by key, index or a dotted
 * path ("programs.1.status") return NULL when absent, so assertions can say
 * which field was missing.
 */
#ifndef EB_TEST_JSON_READER_H
#define EB_TEST_JSON_READER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum jr_type { JR_NULL, JR_BOOL, JR_NUMBER, JR_STRING, JR_ARRAY, JR_OBJECT };

struct jr_value {
	enum jr_type type;
	bool boolean;
	double number;
	bool is_int;		/* the number was written without fraction/exponent */
	int64_t integer;	/* ... and this is its exact value */
	char *string;		/* JR_STRING (NUL-terminated; \u0000 ends it early) */
	/* JR_ARRAY / JR_OBJECT: n items; keys[] only for objects. */
	size_t n;
	struct jr_value **items;
	char **keys;
};

/* Parse `text`; NULL on a syntax error (with *err, if given, saying where). */
struct jr_value *jr_parse(const char *text, const char **err);
void jr_free(struct jr_value *v);

/* Member of an object, element of an array, or a dotted path of both. */
const struct jr_value *jr_get(const struct jr_value *obj, const char *key);
const struct jr_value *jr_at(const struct jr_value *arr, size_t idx);
const struct jr_value *jr_path(const struct jr_value *root, const char *path);

/* Shorthands over jr_path: the string (NULL if absent or not a string), the integer (def if absent). */
const char *jr_str(const struct jr_value *root, const char *path);
int64_t jr_int(const struct jr_value *root, const char *path, int64_t def);
/* The first element of array `arr` whose member `key` is the string `val`. */
const struct jr_value *jr_find(const struct jr_value *arr, const char *key, const char *val);

#endif
