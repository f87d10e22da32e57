/* A tiny recursive-descent JSON parser for tests (see json_util.h). */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "json_util.h"

#define JR_MAX_DEPTH 64

struct jr_parser {
	const char *p;
	const char *err;
};

static struct jr_value *parse_value(struct jr_parser *ps, int depth);

static void skip_ws(struct jr_parser *ps)
{
	while (*ps->p == ' ' || *ps->p == '\n' || *ps->p == '\t' || *ps->p == '\r')
		ps->p++;
}

static struct jr_value *fail(struct jr_parser *ps, const char *why)
{
	if (!ps->err)
		ps->err = why;
	return NULL;
}

static int hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/* Parse a string at ps->p (on the opening quote) into a malloc'd C string. */
static char *parse_string(struct jr_parser *ps)
{
	size_t cap = 16, len = 0;
	char *out = malloc(cap);

	if (!out)
		return NULL;
	ps->p++;
	while (*ps->p && *ps->p != '"') {
		unsigned c = (unsigned char)*ps->p++;

		if (c == '\\') {
			char e = *ps->p++;

			switch (e) {
			case 'n': c = '\n'; break;
			case 't': c = '\t'; break;
			case 'r': c = '\r'; break;
			case 'b': c = '\b'; break;
			case 'f': c = '\f'; break;
			case '/': case '\\': case '"': c = (unsigned char)e; break;
			case 'u': {
				int v = 0;

				for (int i = 0; i < 4; i++) {
					int h = hexval(ps->p[i]);

					if (h < 0) {
						free(out);
						fail(ps, "bad \\u escape");
						return NULL;
					}
					v = v * 16 + h;
				}
				ps->p += 4;
				/* Tests only meet the tool's \u00XX escapes: keep the low byte. */
				c = (unsigned)v & 0xff;
				break;
			}
			default:
				free(out);
				fail(ps, "bad escape");
				return NULL;
			}
		}
		if (len + 2 > cap) {
			char *n = realloc(out, cap *= 2);

			if (!n) {
				free(out);
				return NULL;
			}
			out = n;
		}
		out[len++] = (char)c;
	}
	if (*ps->p != '"') {
		free(out);
		fail(ps, "unterminated string");
		return NULL;
	}
	ps->p++;
	out[len] = '\0';
	return out;
}

static bool push(struct jr_value *v, struct jr_value *item, char *key)
{
	struct jr_value **items = realloc(v->items, (v->n + 1) * sizeof(*items));

	if (!items)
		return false;
	v->items = items;
	if (v->type == JR_OBJECT) {
		char **keys = realloc(v->keys, (v->n + 1) * sizeof(*keys));

		if (!keys)
			return false;
		v->keys = keys;
		v->keys[v->n] = key;
	}
	v->items[v->n++] = item;
	return true;
}

static struct jr_value *parse_container(struct jr_parser *ps, int depth, bool object)
{
	struct jr_value *v = calloc(1, sizeof(*v));
	char close = object ? '}' : ']';

	if (!v)
		return fail(ps, "out of memory");
	v->type = object ? JR_OBJECT : JR_ARRAY;
	ps->p++;
	skip_ws(ps);
	if (*ps->p == close) {
		ps->p++;
		return v;
	}
	for (;;) {
		char *key = NULL;
		struct jr_value *item;

		skip_ws(ps);
		if (object) {
			if (*ps->p != '"')
				goto bad;
			key = parse_string(ps);
			if (!key)
				goto bad;
			skip_ws(ps);
			if (*ps->p != ':') {
				free(key);
				fail(ps, "expected ':'");
				goto bad;
			}
			ps->p++;
		}
		item = parse_value(ps, depth + 1);
		if (!item || !push(v, item, key)) {
			free(key);
			jr_free(item);
			goto bad;
		}
		skip_ws(ps);
		if (*ps->p == ',') {
			ps->p++;
			continue;
		}
		if (*ps->p == close) {
			ps->p++;
			return v;
		}
		fail(ps, object ? "expected ',' or '}'" : "expected ',' or ']'");
		goto bad;
	}
bad:
	fail(ps, "bad container");
	jr_free(v);
	return NULL;
}

static struct jr_value *parse_value(struct jr_parser *ps, int depth)
{
	struct jr_value *v;

	if (depth > JR_MAX_DEPTH)
		return fail(ps, "nesting too deep");
	skip_ws(ps);
	if (*ps->p == '{' || *ps->p == '[')
		return parse_container(ps, depth, *ps->p == '{');
	v = calloc(1, sizeof(*v));
	if (!v)
		return fail(ps, "out of memory");
	if (*ps->p == '"') {
		v->type = JR_STRING;
		v->string = parse_string(ps);
		if (!v->string) {
			free(v);
			return fail(ps, "bad string");
		}
	} else if (!strncmp(ps->p, "true", 4) || !strncmp(ps->p, "false", 5)) {
		v->type = JR_BOOL;
		v->boolean = *ps->p == 't';
		ps->p += v->boolean ? 4 : 5;
	} else if (!strncmp(ps->p, "null", 4)) {
		v->type = JR_NULL;
		ps->p += 4;
	} else if (*ps->p == '-' || isdigit((unsigned char)*ps->p)) {
		const char *start = ps->p;
		char *end;

		v->type = JR_NUMBER;
		v->number = strtod(start, &end);
		v->is_int = !memchr(start, '.', (size_t)(end - start)) &&
			    !memchr(start, 'e', (size_t)(end - start)) &&
			    !memchr(start, 'E', (size_t)(end - start));
		if (v->is_int)
			v->integer = *start == '-' ? strtoll(start, NULL, 10)
						   : (int64_t)strtoull(start, NULL, 10);
		ps->p = end;
	} else {
		free(v);
		return fail(ps, "unexpected character");
	}
	return v;
}

struct jr_value *jr_parse(const char *text, const char **err)
{
	struct jr_parser ps = { .p = text };
	struct jr_value *v;

	if (!text) {
		if (err)
			*err = "no text";
		return NULL;
	}
	v = parse_value(&ps, 0);
	if (v) {
		skip_ws(&ps);
		if (*ps.p) {
			jr_free(v);
			v = fail(&ps, "trailing characters after the document");
		}
	}
	if (!v && err)
		*err = ps.err ? ps.err : "parse error";
	return v;
}

void jr_free(struct jr_value *v)
{
	if (!v)
		return;
	for (size_t i = 0; i < v->n; i++) {
		jr_free(v->items[i]);
		if (v->keys)
			free(v->keys[i]);
	}
	free(v->items);
	free(v->keys);
	free(v->string);
	free(v);
}

const struct jr_value *jr_get(const struct jr_value *obj, const char *key)
{
	if (!obj || obj->type != JR_OBJECT)
		return NULL;
	for (size_t i = 0; i < obj->n; i++)
		if (!strcmp(obj->keys[i], key))
			return obj->items[i];
	return NULL;
}

const struct jr_value *jr_at(const struct jr_value *arr, size_t idx)
{
	if (!arr || arr->type != JR_ARRAY || idx >= arr->n)
		return NULL;
	return arr->items[idx];
}

const struct jr_value *jr_path(const struct jr_value *root, const char *path)
{
	char part[256];
	const struct jr_value *v = root;

	while (v && *path) {
		size_t len = strcspn(path, ".");

		if (len >= sizeof(part))
			return NULL;
		memcpy(part, path, len);
		part[len] = '\0';
		path += len + (path[len] == '.');
		if (v->type == JR_ARRAY && len && strspn(part, "0123456789") == len)
			v = jr_at(v, strtoul(part, NULL, 10));
		else
			v = jr_get(v, part);
	}
	return v;
}

const char *jr_str(const struct jr_value *root, const char *path)
{
	const struct jr_value *v = jr_path(root, path);

	return v && v->type == JR_STRING ? v->string : NULL;
}

int64_t jr_int(const struct jr_value *root, const char *path, int64_t def)
{
	const struct jr_value *v = jr_path(root, path);

	if (!v || v->type != JR_NUMBER)
		return def;
	return v->is_int ? v->integer : (int64_t)v->number;
}

const struct jr_value *jr_find(const struct jr_value *arr, const char *key, const char *val)
{
	if (!arr || arr->type != JR_ARRAY)
		return NULL;
	for (size_t i = 0; i < arr->n; i++) {
		const char *s = jr_str(arr->items[i], key);

		if (s && !strcmp(s, val))
			return arr->items[i];
	}
	return NULL;
}
