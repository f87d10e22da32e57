/* SPDX-License-Identifier: BSD-2-Clause */
/* Internal: setting the thread's error message, and logging through the user's sink. */
#ifndef EB_ERROR_H
#define EB_ERROR_H

#include <ebpf/common.h>

#if defined(__GNUC__) || defined(__clang__)
#define EB_PRINTF(a, b) __attribute__((format(printf, a, b)))
#else
#define EB_PRINTF(a, b)
#endif

/*
 * Record `fmt` as this thread's error message and return `err` (a negative errno),
 * so call sites read:  return eb_err(-EINVAL, "section '%s': ...", name);
 */
int eb_err(int err, const char *fmt, ...) EB_PRINTF(2, 3);
/*
 * Prefix the current message with "<fmt>: " and return err; for adding context
 * (object, program) as an error travels up:  return eb_err_ctx(err, "prog '%s'", p->name);
 */
int eb_err_ctx(int err, const char *fmt, ...) EB_PRINTF(2, 3);
/* Clear the thread's message (successful public calls need not do this). */
void eb_err_clear(void);

void eb_log(enum ebpf_log_level level, const char *fmt, ...) EB_PRINTF(2, 3);
#define eb_warn(...) eb_log(EBPF_LOG_WARN, __VA_ARGS__)
#define eb_info(...) eb_log(EBPF_LOG_INFO, __VA_ARGS__)
#define eb_debug(...) eb_log(EBPF_LOG_DEBUG, __VA_ARGS__)

#endif
