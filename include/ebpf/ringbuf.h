/* SPDX-License-Identifier: BSD-2-Clause */
/* Event readers: ring buffer and perf buffer. (Filled in by the event-reader work.) */
#ifndef EBPF_RINGBUF_H
#define EBPF_RINGBUF_H

#include <ebpf/common.h>
#include <ebpf/collection.h>

#ifdef __cplusplus
extern "C" {
#endif

struct ebpf_ringbuf;
struct ebpf_perfbuf;

#ifdef __cplusplus
}
#endif
#endif
