/* SPDX-License-Identifier: BSD-2-Clause */
/* Links: attaching programs, with attach cookies. (Filled in by the links work.) */
#ifndef EBPF_LINK_H
#define EBPF_LINK_H

#include <ebpf/common.h>
#include <ebpf/collection.h>

#ifdef __cplusplus
extern "C" {
#endif

struct ebpf_link;

#ifdef __cplusplus
}
#endif
#endif
