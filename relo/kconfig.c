// SPDX-License-Identifier: BSD-2-Clause
/*
 * The running kernel's configuration, for .kconfig externs: /proc/config.gz
 * (CONFIG_IKCONFIG_PROC, gzip) or /boot/config-$(uname -r) (plain text). Parsed
 * into a sorted table of (name, raw value) so that each extern is one binary
 * search. "# CONFIG_FOO is not set" lines are kept as the value "n": the option
 * is known to be off, which is different from an option this kernel lacks.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/utsname.h>
#include <zlib.h>

#include "lib/alloc.h"
#include "lib/error.h"
#include "relo/relo.h"

struct kc_ent {
	const char *name;	/* "CONFIG_FOO", into eb_kconfig.text */
	const char *val;	/* "y", "42", "\"str\"" */
	uint32_t line;		/* later lines override earlier ones, as in make */
};

struct eb_kconfig {
	char *text;
	struct kc_ent *ents;
	uint32_t cnt;
};

static int ent_cmp(const void *a, const void *b)
{
	const struct kc_ent *x = a, *y = b;
	int c = strcmp(x->name, y->name);

	if (c)
		return c;
	return x->line < y->line ? -1 : x->line > y->line;
}

static bool is_name_char(char c)
{
	return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_';
}

/* Take ownership of `text` (NUL-terminated, `len` bytes) and index it. */
static int kconfig_build(char *text, size_t len, struct eb_kconfig **out)
{
	struct eb_kconfig *kc;
	size_t lines = 1, lineno = 0;
	char *p = text, *end = text + len;
	int err;

	if (len > UINT32_MAX) {
		eb_free(text);
		return eb_err(-E2BIG, "kernel config too large (%zu bytes)", len);
	}
	for (size_t i = 0; i < len; i++)
		lines += text[i] == '\n';
	kc = eb_calloc(1, sizeof(*kc));
	if (!kc) {
		eb_free(text);
		return -ENOMEM;
	}
	kc->text = text;
	kc->ents = eb_calloc(lines, sizeof(*kc->ents));
	if (!kc->ents) {
		err = -ENOMEM;
		goto fail;
	}
	while (p < end) {
		char *eol = memchr(p, '\n', (size_t)(end - p));
		char *name, *q;
		const char *val;

		if (!eol)
			eol = end;
		*eol = '\0';
		lineno++;
		if (eol > p && eol[-1] == '\r')
			eol[-1] = '\0';
		name = p;
		p = eol + 1;

		if (strncmp(name, "# CONFIG_", 9) == 0) {
			/* "# CONFIG_FOO is not set" */
			name += 2;
			for (q = name; is_name_char(*q); q++)
				;
			if (strcmp(q, " is not set") != 0)
				continue;	/* an ordinary comment */
			*q = '\0';
			val = "n";
		} else if (strncmp(name, "CONFIG_", 7) == 0) {
			for (q = name; is_name_char(*q); q++)
				;
			if (*q != '=' || q == name + 7) {
				err = eb_err(-EINVAL, "kernel config line %zu: expected CONFIG_NAME=value",
					     lineno);
				goto fail;
			}
			*q = '\0';
			val = q + 1;
			if (!*val) {
				err = eb_err(-EINVAL, "kernel config line %zu: %s has an empty value",
					     lineno, name);
				goto fail;
			}
		} else {
			continue;	/* blank lines and comments */
		}
		kc->ents[kc->cnt].name = name;
		kc->ents[kc->cnt].val = val;
		kc->ents[kc->cnt].line = (uint32_t)lineno;
		kc->cnt++;
	}
	qsort(kc->ents, kc->cnt, sizeof(*kc->ents), ent_cmp);
	/* Keep the last occurrence of each name. */
	{
		uint32_t w = 0;

		for (uint32_t i = 0; i < kc->cnt; i++) {
			if (w && strcmp(kc->ents[w - 1].name, kc->ents[i].name) == 0)
				kc->ents[w - 1] = kc->ents[i];
			else
				kc->ents[w++] = kc->ents[i];
		}
		kc->cnt = w;
	}
	*out = kc;
	return 0;
fail:
	eb_kconfig_free(kc);
	return err;
}

int eb_kconfig_parse(const char *text, size_t len, struct eb_kconfig **out)
{
	char *copy = eb_malloc(len + 1);

	*out = NULL;
	if (!copy)
		return -ENOMEM;
	memcpy(copy, text, len);
	copy[len] = '\0';
	return kconfig_build(copy, len, out);
}

/* Read a gzip (or, transparently, plain) file whole. -ENOENT if it does not exist. */
static int read_config_file(const char *path, char **buf, size_t *len)
{
	size_t cap = 64 * 1024, n = 0;
	gzFile gz;
	char *b;

	gz = gzopen(path, "rbe");	/* "e": O_CLOEXEC */
	if (!gz)
		return errno ? -errno : -ENOENT;
	b = eb_malloc(cap + 1);
	if (!b) {
		gzclose(gz);
		return -ENOMEM;
	}
	for (;;) {
		int r;

		if (n == cap) {
			char *nb = cap > (64u << 20) ? NULL : eb_realloc(b, cap * 2 + 1);

			if (!nb) {
				eb_free(b);
				gzclose(gz);
				return eb_err(-EFBIG, "%s: larger than 128 MiB or out of memory", path);
			}
			b = nb;
			cap *= 2;
		}
		r = gzread(gz, b + n, (unsigned)(cap - n));
		if (r < 0) {
			int errnum;
			const char *why = gzerror(gz, &errnum);
			int err = eb_err(-EIO, "cannot decompress %s: %s", path, why);

			eb_free(b);
			gzclose(gz);
			return err;
		}
		if (r == 0)
			break;
		n += (size_t)r;
	}
	gzclose(gz);
	*buf = b;
	*len = n;
	return 0;
}

int eb_kconfig_load(struct eb_kconfig **out)
{
	char boot[320];
	struct utsname u;
	char *text = NULL;
	size_t len = 0;
	int err;

	*out = NULL;
	err = read_config_file("/proc/config.gz", &text, &len);
	if (err == -ENOMEM || err == -EIO || err == -EFBIG)
		return err;
	if (err) {
		if (uname(&u))
			return eb_err(-errno, "uname: %s", strerror(errno));
		snprintf(boot, sizeof(boot), "/boot/config-%s", u.release);
		err = read_config_file(boot, &text, &len);
		if (err == -ENOENT || err == -EACCES)
			return eb_err(err, "kernel config not found: neither /proc/config.gz "
				      "(CONFIG_IKCONFIG_PROC) nor %s is readable", boot);
		if (err)
			return err == -ENOMEM || err == -EIO || err == -EFBIG ? err :
			       eb_err(err, "cannot read %s: %s", boot, strerror(-err));
	}
	text[len] = '\0';
	return kconfig_build(text, len, out);
}

void eb_kconfig_free(struct eb_kconfig *kc)
{
	if (!kc)
		return;
	eb_free(kc->text);
	eb_free(kc->ents);
	eb_free(kc);
}

const char *eb_kconfig_get(const struct eb_kconfig *kc, const char *name)
{
	char full[256];
	uint32_t lo = 0, hi;

	if (!kc || !name)
		return NULL;
	/* Accept "FOO" and "CONFIG_FOO" alike: externs are spelled with the prefix. */
	if (strncmp(name, "CONFIG_", 7) != 0) {
		if (snprintf(full, sizeof(full), "CONFIG_%s", name) >= (int)sizeof(full))
			return NULL;
		name = full;
	}
	hi = kc->cnt;
	while (lo < hi) {
		uint32_t mid = lo + (hi - lo) / 2;
		int c = strcmp(kc->ents[mid].name, name);

		if (c == 0)
			return kc->ents[mid].val;
		if (c < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return NULL;
}
