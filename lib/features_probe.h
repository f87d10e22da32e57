/* SPDX-License-Identifier: BSD-2-Clause */
/* Internal to the feature probes (lib/features*.c): tiny loads shared by them. */
#ifndef EB_FEATURES_PROBE_H
#define EB_FEATURES_PROBE_H

#include <stddef.h>
#include <stdint.h>

#include <ebpf/uapi.h>

struct eb_probe_prog {
	enum ebpf_prog_type type;
	enum ebpf_attach_type attach_type;	/* EBPF_ATTACH_TYPE_NONE: 0 */
	uint32_t attach_btf_id;
	uint32_t flags;
	const struct ebpf_insn *insns;		/* NULL: "r0 = 0; exit" */
	uint32_t insn_cnt;
	const char *name;
	char *log;				/* optional verifier log (level 1) */
	uint32_t log_size;
	uint32_t *log_true_size;		/* optional out */
};

/* PROG_LOAD of a probe program with license GPL; fd or -errno. */
int eb_probe_load(const struct eb_probe_prog *p);
/* BTF_LOAD of types (raw u32 words) over the probes' string table; fd or -errno. */
int eb_probe_btf_load(const uint32_t *types, size_t types_len);

#endif
