// SPDX-License-Identifier: BSD-2-Clause
/* Per-thread error messages and the optional log callback. */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "lib/error.h"

#define EB_ERRMSG_MAX 1024

static _Thread_local char errmsg[EB_ERRMSG_MAX];

static ebpf_log_fn log_fn;
static enum ebpf_log_level log_max;
static void *log_user;

EBPF_API const char *ebpf_errmsg(void)
{
	return errmsg;
}

int eb_err(int err, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(errmsg, sizeof(errmsg), fmt, ap);
	va_end(ap);
	eb_debug("error: %s", errmsg);
	return err;
}

int eb_err_ctx(int err, const char *fmt, ...)
{
	char prefix[256];
	size_t plen, mlen;
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(prefix, sizeof(prefix) - 2, fmt, ap);
	va_end(ap);
	if (n < 0)
		return err;
	plen = strlen(prefix);
	memcpy(prefix + plen, ": ", 3);
	plen += 2;
	/* Shift the old message right, truncating its tail, and put the prefix in front. */
	mlen = strnlen(errmsg, sizeof(errmsg) - 1);
	if (plen + mlen > sizeof(errmsg) - 1)
		mlen = sizeof(errmsg) - 1 - plen;
	memmove(errmsg + plen, errmsg, mlen);
	memcpy(errmsg, prefix, plen);
	errmsg[plen + mlen] = '\0';
	return err;
}

void eb_err_clear(void)
{
	errmsg[0] = '\0';
}

EBPF_API void ebpf_set_log(ebpf_log_fn fn, enum ebpf_log_level max_level, void *user)
{
	/* Written before any thread loads; a racing reader sees old or new sink. */
	__atomic_store_n(&log_user, user, __ATOMIC_RELAXED);
	__atomic_store_n(&log_max, max_level, __ATOMIC_RELAXED);
	__atomic_store_n(&log_fn, fn, __ATOMIC_RELEASE);
}

void eb_log(enum ebpf_log_level level, const char *fmt, ...)
{
	ebpf_log_fn fn = __atomic_load_n(&log_fn, __ATOMIC_ACQUIRE);
	char buf[EB_ERRMSG_MAX];
	va_list ap;

	if (!fn || level > __atomic_load_n(&log_max, __ATOMIC_RELAXED))
		return;
	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	fn(level, buf, __atomic_load_n(&log_user, __ATOMIC_RELAXED));
}
