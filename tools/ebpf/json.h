/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * A small streaming JSON writer for the tool's --json output. It tracks nesting
 * so callers never place commas themselves, and escapes every string, so any
 * name read from an (untrusted) object still yields a valid document.
 */
#ifndef EBPF_TOOL_JSON_H
#define EBPF_TOOL_JSON_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#define JSON_MAX_DEPTH 32

struct json {
	FILE *f;
	int depth;
	bool first[JSON_MAX_DEPTH];	/* no element written yet at this level */
	bool after_key;			/* a key was written; the value follows */
};

void json_init(struct json *j, FILE *f);
void json_begin_object(struct json *j);
void json_end_object(struct json *j);
void json_begin_array(struct json *j);
void json_end_array(struct json *j);
/* Write an object key; the next value call writes its value. */
void json_key(struct json *j, const char *key);

void json_string(struct json *j, const char *s);
/* A string of exactly `len` bytes (may hold NULs, escaped as \u0000). */
void json_string_len(struct json *j, const char *s, size_t len);
void json_int(struct json *j, int64_t v);
void json_uint(struct json *j, uint64_t v);
void json_bool(struct json *j, bool v);
void json_null(struct json *j);
/* An already-rendered JSON value (e.g. from ebpf_btf_dump_json()), written verbatim. */
void json_raw(struct json *j, const char *value);
/* Bytes as a "0x..." hex string. */
void json_hex(struct json *j, const void *data, size_t len);
/* Finish the document (newline). */
void json_finish(struct json *j);

/* key + value shorthands */
void json_kv_string(struct json *j, const char *key, const char *s);
void json_kv_int(struct json *j, const char *key, int64_t v);
void json_kv_uint(struct json *j, const char *key, uint64_t v);
void json_kv_bool(struct json *j, const char *key, bool v);

/* Write `s` JSON-escaped (no quotes) to f; shared with text output of strings. */
void json_escape(FILE *f, const char *s, size_t len);

#endif
