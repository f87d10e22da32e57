// SPDX-License-Identifier: BSD-2-Clause
/*
 * Counting allocator for the benchmarks (see bench_heap.h). glibc documents the
 * set of functions a replacement malloc must provide; each one here forwards to
 * glibc's own implementation (__libc_*) so blocks stay interchangeable, and the
 * live total is kept from malloc_usable_size(), which is what a block really
 * costs (size-class rounding included) for either library alike.
 */
#include <errno.h>
#include <malloc.h>
#include <stdint.h>
#include <string.h>

#include "bench_heap.h"

void *__libc_malloc(size_t size);
void *__libc_calloc(size_t n, size_t size);
void *__libc_realloc(void *p, size_t size);
void *__libc_memalign(size_t align, size_t size);
void __libc_free(void *p);

/* Exported from the executable, these replace glibc's for the whole process. */
void *malloc(size_t size);
void *calloc(size_t n, size_t size);
void *realloc(void *p, size_t size);
void free(void *p);
void *memalign(size_t align, size_t size);
void *aligned_alloc(size_t align, size_t size);
int posix_memalign(void **out, size_t align, size_t size);
void *valloc(size_t size);
void *pvalloc(size_t size);

static int64_t live, peak, base;

static void account(int64_t delta)
{
	int64_t now = __atomic_add_fetch(&live, delta, __ATOMIC_RELAXED);
	int64_t old = __atomic_load_n(&peak, __ATOMIC_RELAXED);

	while (now > old && !__atomic_compare_exchange_n(&peak, &old, now, 1, __ATOMIC_RELAXED,
							 __ATOMIC_RELAXED))
		;
}

static void *counted(void *p)
{
	if (p)
		account((int64_t)malloc_usable_size(p));
	return p;
}

void *malloc(size_t size)
{
	return counted(__libc_malloc(size));
}

void *calloc(size_t n, size_t size)
{
	return counted(__libc_calloc(n, size));
}

void *realloc(void *p, size_t size)
{
	size_t old = p ? malloc_usable_size(p) : 0;
	void *q = __libc_realloc(p, size);

	if (q) {
		account(-(int64_t)old);
		account((int64_t)malloc_usable_size(q));
	} else if (p && size == 0) {
		account(-(int64_t)old);	/* realloc(p, 0) freed p */
	}
	return q;
}

void free(void *p)
{
	if (p)
		account(-(int64_t)malloc_usable_size(p));
	__libc_free(p);
}

void *memalign(size_t align, size_t size)
{
	return counted(__libc_memalign(align, size));
}

void *aligned_alloc(size_t align, size_t size)
{
	return counted(__libc_memalign(align, size));
}

int posix_memalign(void **out, size_t align, size_t size)
{
	void *p;

	if (align < sizeof(void *) || (align & (align - 1)))
		return EINVAL;
	p = counted(__libc_memalign(align, size));
	if (!p && size)
		return ENOMEM;
	*out = p;
	return 0;
}

void *valloc(size_t size)
{
	return counted(__libc_memalign(4096, size));
}

void *pvalloc(size_t size)
{
	return counted(__libc_memalign(4096, (size + 4095) & ~(size_t)4095));
}

void bench_heap_reset(void)
{
	int64_t now = __atomic_load_n(&live, __ATOMIC_RELAXED);

	base = now;
	__atomic_store_n(&peak, now, __ATOMIC_RELAXED);
}

size_t bench_heap_peak(void)
{
	int64_t p = __atomic_load_n(&peak, __ATOMIC_RELAXED) - base;

	return p > 0 ? (size_t)p : 0;
}

size_t bench_heap_held(void)
{
	int64_t h = __atomic_load_n(&live, __ATOMIC_RELAXED) - base;

	return h > 0 ? (size_t)h : 0;
}
