// SPDX-License-Identifier: BSD-2-Clause
/* Allocation wrappers with overflow checks and test-only fault injection. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "lib/alloc.h"
#include "lib/error.h"

#ifdef EBPF_FAULT_INJECTION
static _Thread_local uint64_t fault_calls[EB_FAULT_NR];
static _Thread_local uint64_t fault_nth[EB_FAULT_NR];

bool eb_fault_hit(enum eb_fault_site site)
{
	uint64_t n = ++fault_calls[site];

	return fault_nth[site] && n == fault_nth[site];
}

void eb_fault_arm(enum eb_fault_site site, uint64_t nth)
{
	fault_calls[site] = 0;
	fault_nth[site] = nth;
}

uint64_t eb_fault_calls(enum eb_fault_site site)
{
	return fault_calls[site];
}
#endif

static void *oom(void)
{
	eb_err(-ENOMEM, "out of memory");
	errno = ENOMEM;
	return NULL;
}

void *eb_malloc(size_t size)
{
	void *p;

	if (eb_fault_hit(EB_FAULT_ALLOC))
		return oom();
	p = malloc(size ? size : 1);
	return p ? p : oom();
}

void *eb_calloc(size_t n, size_t size)
{
	void *p;

	if (size && n > SIZE_MAX / size)
		return oom();
	if (eb_fault_hit(EB_FAULT_ALLOC))
		return oom();
	p = calloc(n ? n : 1, size ? size : 1);
	return p ? p : oom();
}

void *eb_realloc(void *p, size_t size)
{
	void *q;

	if (eb_fault_hit(EB_FAULT_ALLOC))
		return oom();
	q = realloc(p, size ? size : 1);
	return q ? q : oom();
}

void *eb_reallocarray(void *p, size_t n, size_t size)
{
	if (size && n > SIZE_MAX / size)
		return oom();
	return eb_realloc(p, n * size);
}

char *eb_strdup(const char *s)
{
	return eb_memdup(s, strlen(s) + 1);
}

char *eb_strndup(const char *s, size_t n)
{
	/* n == 0 may come with s == NULL (an empty section's data): touch nothing then. */
	size_t len = n ? strnlen(s, n) : 0;
	char *d = eb_malloc(len + 1);

	if (!d)
		return NULL;
	if (len)
		memcpy(d, s, len);
	d[len] = '\0';
	return d;
}

void *eb_memdup(const void *p, size_t size)
{
	void *d = eb_malloc(size);

	if (d && size)
		memcpy(d, p, size);
	return d;
}

void eb_free(void *p)
{
	free(p);
}

int eb_grow(void **arr, size_t *cap, size_t need, size_t elem)
{
	size_t ncap;
	void *p;

	if (need <= *cap)
		return 0;
	ncap = *cap ? *cap : 4;
	while (ncap < need) {
		if (ncap > SIZE_MAX / 2)
			return -ENOMEM;
		ncap *= 2;
	}
	p = eb_reallocarray(*arr, ncap, elem);
	if (!p)
		return -ENOMEM;
	*arr = p;
	*cap = ncap;
	return 0;
}
