/* SPDX-License-Identifier: BSD-2-Clause */
/* Public BTF API: kernel and object BTF, lookups. (Filled in by the kernel-BTF work.) */
#ifndef EBPF_BTF_H
#define EBPF_BTF_H

#include <ebpf/common.h>

#ifdef __cplusplus
extern "C" {
#endif

struct ebpf_btf;

#ifdef __cplusplus
}
#endif
#endif
