/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The library version: this file is the one place it is written. The Makefile
 * reads the numbers from here (SONAME, pkg-config), and ebpf_version() returns
 * EBPF_VERSION_STRING.
 */
#ifndef EBPF_VERSION_H
#define EBPF_VERSION_H

#define EBPF_VERSION_MAJOR 0
#define EBPF_VERSION_MINOR 1
#define EBPF_VERSION_PATCH 0

#define EBPF_VERSION_STR_(x) #x
#define EBPF_VERSION_STR(x) EBPF_VERSION_STR_(x)
#define EBPF_VERSION_STRING \
	EBPF_VERSION_STR(EBPF_VERSION_MAJOR) "." EBPF_VERSION_STR(EBPF_VERSION_MINOR) "." \
	EBPF_VERSION_STR(EBPF_VERSION_PATCH)

/* For feature checks in consumers: #if EBPF_VERSION_NUMBER >= EBPF_MK_VERSION(0, 2, 0) */
#define EBPF_MK_VERSION(a, b, c) ((a) * 10000 + (b) * 100 + (c))
#define EBPF_VERSION_NUMBER EBPF_MK_VERSION(EBPF_VERSION_MAJOR, EBPF_VERSION_MINOR, EBPF_VERSION_PATCH)

#endif
