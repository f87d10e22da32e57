/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * libebpf — conventions shared by every public header: export marker, options
 * structs, errors and logging.
 *
 * Errors: every fallible call returns 0 or a negative errno. The human-readable
 * reason for the most recent failure on the calling thread is ebpf_errmsg().
 */
#ifndef EBPF_COMMON_H
#define EBPF_COMMON_H

#include <stddef.h>
#include <stdint.h>
#include <stdbool.h>
#include <ebpf/version.h>

#ifdef __cplusplus
extern "C" {
#endif

#if defined(__GNUC__) || defined(__clang__)
#define EBPF_API __attribute__((visibility("default")))
#else
#define EBPF_API
#endif

/*
 * Options structs begin with `size_t sz`, the size the caller was compiled with,
 * so fields can be appended without breaking the ABI. Declare them with:
 *
 *     err = ebpf_collection_load(spec, &EBPF_OPTS(ebpf_load_opts, .log_level = 1), &c);
 *
 * A NULL options pointer means "all defaults".
 */
#define EBPF_OPTS(type, ...) ((struct type){ .sz = sizeof(struct type), __VA_ARGS__ })

/*
 * The message describing the last error on this thread, e.g.
 *   "prog 'handle_exec': kfunc 'bpf_task_from_pid': not found in kernel BTF".
 * Never NULL; "" when nothing has failed yet. Valid until the next libebpf call
 * on this thread.
 */
EBPF_API const char *ebpf_errmsg(void);

enum ebpf_log_level {
	EBPF_LOG_ERROR = 0,
	EBPF_LOG_WARN = 1,
	EBPF_LOG_INFO = 2,
	EBPF_LOG_DEBUG = 3,
};

/* A log sink. `msg` has no trailing newline and is valid only during the call. */
typedef void (*ebpf_log_fn)(enum ebpf_log_level level, const char *msg, void *user);

/*
 * Install a process-wide log callback (NULL: silence, the default) receiving
 * messages up to and including `max_level`. libebpf never prints on its own.
 */
EBPF_API void ebpf_set_log(ebpf_log_fn fn, enum ebpf_log_level max_level, void *user);

/* The library's version, "MAJOR.MINOR.PATCH"; the macros in ebpf/version.h match it. */
EBPF_API const char *ebpf_version(void);

#ifdef __cplusplus
}
#endif
#endif
