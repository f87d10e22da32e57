/* SPDX-License-Identifier: BSD-2-Clause */
/* Internal: getting the verifier log after a failed load, and explaining it. */
#ifndef EB_VERIFIER_LOG_H
#define EB_VERIFIER_LOG_H

#include <stddef.h>
#include <stdint.h>

#include "lib/spec.h"
#include "lib/sys.h"
#include "relo/relo.h"

/*
 * Retry a failed PROG_LOAD (first_err) with a verifier log: start at
 * log_start_size (0: 64 KiB), use log_true_size when the kernel reports it,
 * otherwise grow, up to EB_LOG_SIZE_MAX and a few tries. *log_out receives the
 * eb_malloc'd log (possibly partial) or NULL. Returns the retry's result (an fd
 * if it unexpectedly succeeded). The attr's log fields are cleared afterwards.
 */
int eb_load_with_log(struct eb_attr_prog_load *attr, uint32_t log_level, int first_err,
		     char **log_out, uint32_t log_start_size);

/* What the explanation needs to know about the program. */
struct eb_prog_desc {
	const char *name;
	const char *section;
	enum ebpf_prog_type type;
	enum ebpf_attach_type attach_type;
	const struct eb_relo_note *notes;
	uint32_t note_cnt;
};

/*
 * Set the thread's message to the one-line explanation of a failed load and
 * return err: names the program, the errno and the decisive log line, and
 * explains the common causes (helper not allowed for the type, poisoned
 * instruction the relocation engine noted, kallsyms without data symbols,
 * EPERM with an empty log).
 */
int eb_verifier_explain(const struct eb_prog_desc *d, int err, const char *log);

/* The verifier's verdict: the last log line that is not a statistics trailer. */
size_t eb_log_decisive_line(const char *log, char *buf, size_t buflen);
/* The last instruction index the log shows ("12: (85) call ..."), or -1. */
long eb_log_last_insn(const char *log);

#endif
