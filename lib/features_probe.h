/* SPDX-License-Identifier: BSD-2-Clause */
/* Internal to the feature probes (lib/features*.c): tiny loads shared by them. */
#ifndef EB_FEATURES_PROBE_H
#define EB_FEATURES_PROBE_H

#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <ebpf/uapi.h>

#include "lib/features.h"

/*
 * A process-wide cache cell of one probe's answer: 0 = not probed yet, else
 * answer + 2. Only conclusive answers are stored, so an UNKNOWN (no privilege
 * yet) is asked again next time; two threads racing just probe twice.
 */
typedef _Atomic unsigned char eb_probe_cell;

static inline bool eb_cell_get(eb_probe_cell *c, enum eb_answer *a)
{
	unsigned char v = atomic_load_explicit(c, memory_order_acquire);
	if (v)
		*a = (enum eb_answer)(v - 2);
	return v != 0;
}

static inline void eb_cell_put(eb_probe_cell *c, enum eb_answer a)
{
	if (a != EB_UNKNOWN)
		atomic_store_explicit(c, (unsigned char)(a + 2), memory_order_release);
}

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
/* BTF_LOAD of one type, [1] = signed 32-bit int (map BTF probes); fd or -errno. */
int eb_probe_int_btf(void);
/*
 * Whether a probe's errno cannot tell: no privilege, or resource limits
 * (EACCES is the verifier rejecting: conclusive).
 */
bool eb_probe_inconclusive(int err);
/* The answer of a probe that created `fd` (closed here) or failed with it. */
enum eb_answer eb_probe_answer_fd(int fd);

#endif
