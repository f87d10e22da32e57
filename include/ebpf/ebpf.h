/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * libebpf — a pure-C eBPF ELF loader. Include this one header for the whole API:
 *
 *   spec.h        parse an object into a spec (no syscalls)
 *   collection.h  load a spec: maps, programs, BPF_PROG_TEST_RUN
 *   link.h        attach programs (uprobe, tracepoint, xdp, ...) with cookies
 *   ringbuf.h     ring buffer and perf buffer readers, skb samples to pcap
 *   btf.h         kernel and object BTF
 *   uapi.h        kernel constants (EBPF_ prefixed, independent of linux/bpf.h)
 *   common.h      errors (ebpf_errmsg), logging, options structs
 *   names.h       names of program/map/attach types and helpers
 *   btf_dump.h    values rendered through BTF as JSON, types as C
 *   probe.h       what the running kernel supports
 *   check.h       will an object load on a kernel (offline, no loading)
 */
#ifndef EBPF_EBPF_H
#define EBPF_EBPF_H

#include <ebpf/common.h>
#include <ebpf/uapi.h>
#include <ebpf/spec.h>
#include <ebpf/btf.h>
#include <ebpf/collection.h>
#include <ebpf/link.h>
#include <ebpf/ringbuf.h>
#include <ebpf/names.h>
#include <ebpf/btf_dump.h>
#include <ebpf/probe.h>
#include <ebpf/check.h>

#endif
