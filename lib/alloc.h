/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Internal allocation wrappers. All library allocations go through these so that
 * (1) multiplications are overflow-checked and (2) test builds can make the Nth
 * allocation fail (fault injection, compiled out of release builds).
 * On failure they return NULL and set errmsg to "out of memory".
 */
#ifndef EB_ALLOC_H
#define EB_ALLOC_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

void *eb_malloc(size_t size);
void *eb_calloc(size_t n, size_t size);
void *eb_realloc(void *p, size_t size);
void *eb_reallocarray(void *p, size_t n, size_t size);
char *eb_strdup(const char *s);
char *eb_strndup(const char *s, size_t n);
void *eb_memdup(const void *p, size_t size);
void eb_free(void *p);

/*
 * Grow a dynamic array so that it can hold at least `need` elements of `elem`
 * bytes; *cap is updated. Returns 0 or -ENOMEM. Usage:
 *     if (eb_grow((void **)&v, &cap, n + 1, sizeof(*v))) return -ENOMEM;
 */
int eb_grow(void **arr, size_t *cap, size_t need, size_t elem);

/* Sites where test builds can inject failures. */
enum eb_fault_site {
	EB_FAULT_ALLOC = 0,	/* eb_malloc and friends */
	EB_FAULT_BPF = 1,	/* bpf(2) */
	EB_FAULT_PERF = 2,	/* perf_event_open(2) */
	EB_FAULT_NR,
};

#ifdef EBPF_FAULT_INJECTION
/* True when this call at `site` must fail (counts calls on this thread). */
bool eb_fault_hit(enum eb_fault_site site);
/* Make the nth call (1-based) from now at `site` fail; 0 disarms. Resets the count. */
void eb_fault_arm(enum eb_fault_site site, uint64_t nth);
/* Calls seen at `site` on this thread since the last arm. */
uint64_t eb_fault_calls(enum eb_fault_site site);
#else
static inline bool eb_fault_hit(enum eb_fault_site site) { (void)site; return false; }
#endif

#endif
