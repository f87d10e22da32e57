/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Heap accounting for the benchmarks without LD_PRELOAD: bench_heap.c defines
 * malloc and friends in the benchmark executable itself, which the dynamic linker
 * binds ahead of libc for every library in the process (libebpf, libbpf, libelf,
 * libz, libc's own internal calls), and forwards to glibc's allocator while
 * counting the usable size of every live block.
 */
#ifndef BENCH_HEAP_H
#define BENCH_HEAP_H

#include <stddef.h>

/* Start a measurement: the peak is reset to what is live now. */
void bench_heap_reset(void);
/* Highest live heap since the last reset, minus what was live at the reset (bytes). */
size_t bench_heap_peak(void);
/* Live heap now, minus what was live at the last reset (bytes; negative clamps to 0). */
size_t bench_heap_held(void);

#endif
