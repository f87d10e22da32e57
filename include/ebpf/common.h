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
 * A NULL options pointer means "all defaults", and so does a zero field: every
 * documented default is what a zeroed field gives. The library reads only the
 * first `sz` bytes (fields past them take their defaults) and ignores fields it
 * does not know (a caller built against a newer header). Options are read during
 * the call and not kept. Some calls reject `sz` smaller than sizeof(size_t) with
 * -EINVAL.
 */
#define EBPF_OPTS(type, ...) ((struct type){ .sz = sizeof(struct type), __VA_ARGS__ })

/*
 * The message describing the last error on this thread, e.g.
 *   "prog 'handle_exec': kfunc 'bpf_task_from_pid': not found in kernel BTF".
 * Never NULL; "" when nothing has failed yet. The pointer is to a per-thread
 * buffer owned by the library: its text is replaced by the next failing libebpf
 * call on this thread (most successful calls leave it as it was, so read it only
 * right after a call returned an error). At most 1023 bytes; longer messages are
 * cut.
 */
EBPF_API const char *ebpf_errmsg(void);

/* Severity of a log message; a sink receives levels <= its max_level. */
enum ebpf_log_level {
	EBPF_LOG_ERROR = 0,
	EBPF_LOG_WARN = 1,
	EBPF_LOG_INFO = 2,
	EBPF_LOG_DEBUG = 3,
};

/*
 * A log sink. `msg` has no trailing newline and is valid only during the call.
 * It runs on whichever thread made the libebpf call, possibly on several threads
 * at once, so it must be thread-safe.
 */
typedef void (*ebpf_log_fn)(enum ebpf_log_level level, const char *msg, void *user);

/*
 * Install a process-wide log callback (NULL: silence, the default) receiving
 * messages up to and including `max_level`; `user` is passed back to it as is.
 * Replaces any previous sink. Set it before other threads use the library: a
 * call racing with the change may still reach the old sink. Every error set
 * for ebpf_errmsg() is also logged at EBPF_LOG_DEBUG. libebpf never prints on
 * its own.
 */
EBPF_API void ebpf_set_log(ebpf_log_fn fn, enum ebpf_log_level max_level, void *user);

/*
 * The version of the library actually linked, "MAJOR.MINOR.PATCH" (a static
 * string); compare with EBPF_VERSION_STRING from ebpf/version.h to detect a
 * header/library mismatch.
 */
EBPF_API const char *ebpf_version(void);

#ifdef __cplusplus
}
#endif
#endif
