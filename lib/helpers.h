/* SPDX-License-Identifier: BSD-2-Clause */
/* Internal: helper ids → names, and which program types may call the common ones. */
#ifndef EB_HELPERS_H
#define EB_HELPERS_H

#include <stdint.h>

#include <ebpf/uapi.h>

enum {
	EB_HELPER_PROBE_READ_KERNEL = 113,
	EB_HELPER_SKB_OUTPUT = 111,
	EB_HELPER_GET_ATTACH_COOKIE = 174,
	EB_HELPER_MAX_KNOWN = 211,
};

/* "bpf_skb_output" for 111; NULL for an id we do not know. */
const char *eb_helper_name(uint32_t id);
/* Helper id of a name ("bpf_skb_output" or "skb_output"); -1 if unknown. */
int eb_helper_id(const char *name);

/*
 * Which program types may call helper `id`, as a phrase for messages, e.g.
 * "tracing programs (fentry/fexit/tp_btf), not kprobe". NULL when the table has
 * no entry for this helper.
 */
const char *eb_helper_allowed_text(uint32_t id);
/* Bit (1ull << prog_type) set for each type the table allows; 0 if unknown. */
uint64_t eb_helper_allowed_types(uint32_t id);

#endif
