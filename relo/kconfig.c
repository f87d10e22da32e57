// SPDX-License-Identifier: BSD-2-Clause
/*
 * The running kernel's configuration, for .kconfig externs: /proc/config.gz
 * (CONFIG_IKCONFIG_PROC, gzip) or /boot/config-$(uname -r) (plain text). Parsed
 * into a table of (name, raw value) indexed by a hash of the name, so that each
 * extern is one probe. (A sorted table was twice libbpf's whole load for an
 * object of kconfig externs: qsort of ~10,000 lines by strcmp cost more than
 * inflating the file.) "# CONFIG_FOO is not set" lines are kept as the value
 * "n": the option is known to be off, which is different from an option this
 * kernel lacks. The running kernel's config cannot change while it runs, so it
 * is read once per process and shared by reference, as kallsyms is.
 */
#include <errno.h>
#include <pthread.h>
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
	uint32_t hash;		/* name_hash(name) */
};

struct eb_kconfig {
	char *text;
	struct kc_ent *ents;
	uint32_t cnt;
	uint32_t *slots;	/* open addressing: 0 empty, else entry index + 1 */
	uint32_t mask;		/* slot count - 1 (a power of two, at least twice cnt) */
	int refcnt;
};

/* FNV-1a, one step: names are short and hashed while they are scanned. */
#define FNV_BASIS 2166136261u
static inline uint32_t fnv_step(uint32_t h, char c)
{
	return (h ^ (uint8_t)c) * 16777619u;
}

static uint32_t name_hash(const char *s)
{
	uint32_t h = FNV_BASIS;

	for (; *s; s++)
		h = fnv_step(h, *s);
	return h;
}

/* The slot holding `name` (of hash `h`), or the empty slot where it would go. */
static uint32_t *find_slot(const struct eb_kconfig *kc, const char *name, uint32_t h)
{
	for (uint32_t i = h & kc->mask;; i = (i + 1) & kc->mask) {
		uint32_t *slot = &kc->slots[i];
		const struct kc_ent *e;

		if (!*slot)
			return slot;
		e = &kc->ents[*slot - 1];
		if (e->hash == h && strcmp(e->name, name) == 0)
			return slot;
	}
}

/* Index entries [0, cnt): a later line overrides an earlier one, as in make. */
static int build_index(struct eb_kconfig *kc)
{
	size_t n = 16;

	while (n < (size_t)kc->cnt * 2)
		n *= 2;
	kc->slots = eb_calloc(n, sizeof(*kc->slots));
	if (!kc->slots)
		return -ENOMEM;
	kc->mask = (uint32_t)(n - 1);
	for (uint32_t i = 0; i < kc->cnt; i++)
		*find_slot(kc, kc->ents[i].name, kc->ents[i].hash) = i + 1;
	return 0;
}

static bool is_name_char(char c)
{
	return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_';
}

/* Which bytes may be in an option name, as a table: the scan is most of the parse. */
struct name_chars {
	bool ok[256];
};

static void name_chars_init(struct name_chars *t)
{
	for (unsigned c = 0; c < 256; c++)
		t->ok[c] = is_name_char((char)c);
}

/* The end of the name at `s`, its hash in *h. */
static char *scan_name(const struct name_chars *t, char *s, uint32_t *h)
{
	uint32_t x = FNV_BASIS;

	for (; t->ok[(uint8_t)*s]; s++)
		x = fnv_step(x, *s);
	*h = x;
	return s;
}

/* Take ownership of `text` (NUL-terminated, `len` bytes) and index it. */
static int kconfig_build(char *text, size_t len, struct eb_kconfig **out)
{
	struct eb_kconfig *kc;
	size_t lines = 1, lineno = 0;
	char *p = text, *end = text + len;
	struct name_chars chars;
	int err;

	if (len > UINT32_MAX) {
		eb_free(text);
		return eb_err(-E2BIG, "kernel config too large (%zu bytes)", len);
	}
	/* memchr, not a byte loop: the file is ~150 KB and this is a third of the parse */
	for (const char *nl = text; (nl = memchr(nl, '\n', (size_t)(end - nl))); nl++)
		lines++;
	kc = eb_calloc(1, sizeof(*kc));
	if (!kc) {
		eb_free(text);
		return -ENOMEM;
	}
	kc->refcnt = 1;
	name_chars_init(&chars);
	kc->text = text;
	kc->ents = eb_malloc(lines * sizeof(*kc->ents));	/* lines <= len + 1 < 2^32 */
	if (!kc->ents) {
		err = -ENOMEM;
		goto fail;
	}
	while (p < end) {
		char *eol = memchr(p, '\n', (size_t)(end - p));
		char *name, *q;
		const char *val;
		uint32_t h;

		if (!eol)
			eol = end;
		*eol = '\0';
		lineno++;
		if (eol > p && eol[-1] == '\r')
			eol[-1] = '\0';
		name = p;
		p = eol + 1;

		/* first characters by hand: two strncmp calls a line were a fifth of the parse */
		if (name[0] == '#' && name[1] == ' ' && strncmp(name + 2, "CONFIG_", 7) == 0) {
			/* "# CONFIG_FOO is not set" */
			name += 2;
			q = scan_name(&chars, name, &h);
			if (strcmp(q, " is not set") != 0)
				continue;	/* an ordinary comment */
			*q = '\0';
			val = "n";
		} else if (name[0] == 'C' && strncmp(name, "CONFIG_", 7) == 0) {
			q = scan_name(&chars, name, &h);
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
		kc->ents[kc->cnt].hash = h;
		kc->cnt++;
	}
	err = build_index(kc);
	if (err)
		goto fail;
	*out = kc;
	return 0;
fail:
	eb_kconfig_put(kc);
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

static int kconfig_read(struct eb_kconfig **out)
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

static pthread_mutex_t cache_lock = PTHREAD_MUTEX_INITIALIZER;
static struct eb_kconfig *cache;	/* holds one reference while set */

int eb_kconfig_load(struct eb_kconfig **out)
{
	int err = 0;

	*out = NULL;
	pthread_mutex_lock(&cache_lock);
	/* A failed read is not cached: a later load may find the file or the privilege. */
	if (!cache)
		err = kconfig_read(&cache);
	if (!err) {
		__atomic_add_fetch(&cache->refcnt, 1, __ATOMIC_RELAXED);
		*out = cache;
	}
	pthread_mutex_unlock(&cache_lock);
	return err;
}

void eb_kconfig_put(struct eb_kconfig *kc)
{
	if (!kc || __atomic_sub_fetch(&kc->refcnt, 1, __ATOMIC_ACQ_REL) > 0)
		return;
	eb_free(kc->text);
	eb_free(kc->ents);
	eb_free(kc->slots);
	eb_free(kc);
}

const char *eb_kconfig_get(const struct eb_kconfig *kc, const char *name)
{
	char full[256];

	if (!kc || !name)
		return NULL;
	/* Accept "FOO" and "CONFIG_FOO" alike: externs are spelled with the prefix. */
	if (strncmp(name, "CONFIG_", 7) != 0) {
		if (snprintf(full, sizeof(full), "CONFIG_%s", name) >= (int)sizeof(full))
			return NULL;
		name = full;
	}
	uint32_t *slot = find_slot(kc, name, name_hash(name));

	return *slot ? kc->ents[*slot - 1].val : NULL;
}
