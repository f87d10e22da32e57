// SPDX-License-Identifier: BSD-2-Clause
/*
 * /proc/kallsyms: the addresses of typeless __ksym externs, and the check that a
 * typed __ksym variable really has an address (CONFIG_KALLSYMS_ALL). The file is
 * large (~120k lines, ~5 MB) and slow to read, so it is scanned once per process
 * into a compact table (names packed into one buffer, a hash of name -> entry)
 * that every load shares by reference.
 */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "lib/alloc.h"
#include "lib/error.h"
#include "relo/relo.h"

#define KALLSYMS_PATH "/proc/kallsyms"

struct ks_ent {
	uint64_t addr;
	uint64_t other_addr;	/* a second, different address of the same name (for messages) */
	uint32_t name_off;	/* into eb_kallsyms.names */
	uint32_t next;		/* hash chain: index + 1 of the next entry, 0 ends */
	uint32_t naddr;		/* number of distinct addresses seen (2 = "at least 2") */
};

struct eb_kallsyms {
	char *names;
	struct ks_ent *ents;
	uint32_t cnt;
	uint32_t *buckets;	/* index + 1 of the first entry, 0 = empty */
	uint32_t nbuckets;	/* power of two */
	bool all_zero;		/* every address read as 0: restricted kallsyms */
	int refcnt;
};

static uint32_t name_hash(const char *s, size_t len)
{
	uint32_t h = 2166136261u;	/* FNV-1a */

	for (size_t i = 0; i < len; i++) {
		h ^= (uint8_t)s[i];
		h *= 16777619u;
	}
	return h;
}

static struct ks_ent *ks_find(const struct eb_kallsyms *ks, const char *name, size_t len)
{
	uint32_t i;

	if (!ks->nbuckets)
		return NULL;
	i = ks->buckets[name_hash(name, len) & (ks->nbuckets - 1)];
	while (i) {
		struct ks_ent *e = &ks->ents[i - 1];
		const char *n = ks->names + e->name_off;

		if (strncmp(n, name, len) == 0 && n[len] == '\0')
			return e;
		i = e->next;
	}
	return NULL;
}

static int parse_hex(const char *s, const char *end, uint64_t *out, const char **rest)
{
	uint64_t v = 0;
	const char *p = s;

	for (; p < end; p++) {
		int d;

		if (*p >= '0' && *p <= '9')
			d = *p - '0';
		else if (*p >= 'a' && *p <= 'f')
			d = *p - 'a' + 10;
		else if (*p >= 'A' && *p <= 'F')
			d = *p - 'A' + 10;
		else
			break;
		if (p - s >= 16)
			return -1;	/* more than 64 bits */
		v = (v << 4) | (uint64_t)d;
	}
	if (p == s)
		return -1;
	*out = v;
	*rest = p;
	return 0;
}

/*
 * Build the table from `text`, which the new object owns (names are packed in
 * place: the write cursor never passes the read cursor, since each line carries
 * an address and a type before its name).
 */
static int kallsyms_build(char *text, size_t len, struct eb_kallsyms **out)
{
	struct eb_kallsyms *ks;
	size_t lines = 0, w = 0, lineno = 0;
	const char *p = text, *end = text + len;
	bool any_nonzero = false;
	int err;

	if (len > UINT32_MAX) {
		eb_free(text);
		return eb_err(-E2BIG, "kallsyms: text too large (%zu bytes)", len);
	}
	for (size_t i = 0; i < len; i++)
		lines += text[i] == '\n';
	lines++;

	ks = eb_calloc(1, sizeof(*ks));
	if (!ks) {
		eb_free(text);
		return -ENOMEM;
	}
	ks->refcnt = 1;
	ks->names = text;
	ks->ents = eb_calloc(lines, sizeof(*ks->ents));
	ks->nbuckets = 16;
	while (ks->nbuckets < lines * 2 && ks->nbuckets < (1u << 30))
		ks->nbuckets <<= 1;
	ks->buckets = eb_calloc(ks->nbuckets, sizeof(*ks->buckets));
	if (!ks->ents || !ks->buckets) {
		err = -ENOMEM;
		goto fail;
	}

	while (p < end) {
		const char *eol = memchr(p, '\n', (size_t)(end - p));
		const char *q, *name;
		size_t nlen;
		uint64_t addr;
		struct ks_ent *e;

		if (!eol)
			eol = end;
		lineno++;
		if (eol == p) {		/* empty line (e.g. a trailing newline) */
			p = eol + 1;
			continue;
		}
		/* "<hex address> <type> <name>[\t[module]]" */
		if (parse_hex(p, eol, &addr, &q) || q + 3 > eol || *q != ' ' || q[2] != ' ') {
			err = eb_err(-EINVAL, "kallsyms line %zu: expected '<address> <type> <name>'",
				     lineno);
			goto fail;
		}
		name = q + 3;
		for (nlen = 0; name + nlen < eol && name[nlen] != '\t' && name[nlen] != ' '; nlen++)
			;
		if (nlen == 0) {
			err = eb_err(-EINVAL, "kallsyms line %zu: symbol name missing", lineno);
			goto fail;
		}
		any_nonzero |= addr != 0;

		e = ks_find(ks, name, nlen);
		if (e) {
			/* Aliases at one address are harmless; distinct addresses make the name ambiguous. */
			if (e->addr != addr && (e->naddr < 2 || e->other_addr != addr)) {
				e->naddr = 2;
				e->other_addr = addr;
			}
		} else {
			uint32_t b = name_hash(name, nlen) & (ks->nbuckets - 1);

			memmove(text + w, name, nlen);
			text[w + nlen] = '\0';
			e = &ks->ents[ks->cnt];
			e->addr = addr;
			e->naddr = 1;
			e->name_off = (uint32_t)w;
			e->next = ks->buckets[b];
			ks->buckets[b] = ++ks->cnt;
			w += nlen + 1;
		}
		p = eol + (eol < end);
	}
	ks->all_zero = ks->cnt > 0 && !any_nonzero;
	/* Give back the bytes the packing freed (the text shrank to the names). */
	{
		char *shrunk = eb_realloc(text, w ? w : 1);

		if (shrunk)
			ks->names = shrunk;
	}
	*out = ks;
	return 0;
fail:
	eb_kallsyms_put(ks);
	return err;
}

int eb_kallsyms_parse(const char *text, size_t len, struct eb_kallsyms **out)
{
	char *copy = eb_malloc(len + 1);

	*out = NULL;
	if (!copy)
		return -ENOMEM;
	memcpy(copy, text, len);
	copy[len] = '\0';
	return kallsyms_build(copy, len, out);
}

/* Read a whole /proc file (size unknown in advance: st_size is 0). */
static int read_proc_file(const char *path, char **buf, size_t *len)
{
	size_t cap = 1 << 20, n = 0;
	char *b;
	int fd;

	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return eb_err(-errno, "cannot open %s: %s", path, strerror(errno));
	b = eb_malloc(cap);
	if (!b) {
		close(fd);
		return -ENOMEM;
	}
	for (;;) {
		ssize_t r;

		if (n == cap) {
			char *nb = cap > SIZE_MAX / 2 ? NULL : eb_realloc(b, cap * 2);

			if (!nb) {
				eb_free(b);
				close(fd);
				return -ENOMEM;
			}
			b = nb;
			cap *= 2;
		}
		r = read(fd, b + n, cap - n);
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0) {
			int err = -errno;

			eb_free(b);
			close(fd);
			return eb_err(err, "cannot read %s: %s", path, strerror(-err));
		}
		if (r == 0)
			break;
		n += (size_t)r;
	}
	close(fd);
	*buf = b;
	*len = n;
	return 0;
}

static pthread_mutex_t cache_lock = PTHREAD_MUTEX_INITIALIZER;
static struct eb_kallsyms *cache;	/* holds one reference while set */

int eb_kallsyms_get(struct eb_kallsyms **out)
{
	int err = 0;

	*out = NULL;
	pthread_mutex_lock(&cache_lock);
	if (!cache) {
		char *text = NULL;
		size_t len = 0;

		/* A failed read is not cached: a later load may have the privilege or file. */
		err = read_proc_file(KALLSYMS_PATH, &text, &len);
		if (!err)
			err = kallsyms_build(text, len, &cache);
	}
	if (!err) {
		__atomic_add_fetch(&cache->refcnt, 1, __ATOMIC_RELAXED);
		*out = cache;
	}
	pthread_mutex_unlock(&cache_lock);
	return err;
}

void eb_kallsyms_put(struct eb_kallsyms *ks)
{
	if (!ks || __atomic_sub_fetch(&ks->refcnt, 1, __ATOMIC_ACQ_REL) > 0)
		return;
	eb_free(ks->names);
	eb_free(ks->ents);
	eb_free(ks->buckets);
	eb_free(ks);
}

int eb_kallsyms_lookup(const struct eb_kallsyms *ks, const char *name, uint64_t *addr)
{
	const struct ks_ent *e;

	*addr = 0;
	if (!ks)
		return eb_err(-ENOENT, "'%s': kallsyms not available", name);
	e = ks_find(ks, name, strlen(name));
	if (!e)
		return eb_err(-ENOENT, "'%s' is not in /proc/kallsyms", name);
	if (ks->all_zero)
		return eb_err(-EPERM, "'%s': /proc/kallsyms shows every address as 0 "
			      "(restricted by kernel.kptr_restrict or missing CAP_SYSLOG)", name);
	if (e->naddr > 1)
		return eb_err(-ENOTUNIQ, "'%s' is ambiguous in /proc/kallsyms: "
			      "different addresses (0x%" PRIx64 " and 0x%" PRIx64 ")",
			      name, e->addr, e->other_addr);
	*addr = e->addr;
	return 0;
}
