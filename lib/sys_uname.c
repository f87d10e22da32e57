/* SPDX-License-Identifier: BSD-2-Clause */
/* The running kernel's version, as LINUX_KERNEL_VERSION encodes it. */
#include <stdatomic.h>
#include <stdbool.h>
#include <sys/utsname.h>

#include "lib/sys.h"

/*
 * Digits at *s into *out (saturating, so overflow cannot wrap into a small
 * number); false if there is no digit. Hand-written rather than sscanf: the
 * first sscanf of a process costs ~7,000 instructions (mostly binding the
 * stdio machinery), a tenth of loading a one-program object.
 */
static bool parse_uint(const char **s, unsigned *out)
{
	const char *p = *s;
	unsigned v = 0;
	if (*p < '0' || *p > '9')
		return false;
	for (; *p >= '0' && *p <= '9'; p++)
		v = v > 100000 ? v : v * 10 + (unsigned)(*p - '0');
	*out = v;
	*s = p;
	return true;
}

uint32_t eb_kernel_version_parse(const char *release)
{
	unsigned a = 0, b = 0, c = 0;
	const char *p = release;
	/* "major.minor[.sublevel]", anything after it ignored ("6.18.0-1-amd64") */
	if (!p || !parse_uint(&p, &a) || *p++ != '.' || !parse_uint(&p, &b))
		return 0;
	if (*p == '.') {
		p++;
		if (!parse_uint(&p, &c))
			c = 0;
	}
	/* KERNEL_VERSION() gives the sublevel 8 bits; 4.9.256+ saturates like the kernel does. */
	if (a > 255 || b > 255)
		return 0;
	if (c > 255)
		c = 255;
	return (a << 16) | (b << 8) | c;
}

uint32_t eb_kernel_version(void)
{
	/* The running kernel cannot change under a process: uname once (0: not yet). */
	static _Atomic uint32_t cached;
	uint32_t v = atomic_load_explicit(&cached, memory_order_relaxed);
	if (v)
		return v;
	struct utsname u;
	if (uname(&u))
		return 0;
	v = eb_kernel_version_parse(u.release);
	atomic_store_explicit(&cached, v, memory_order_relaxed);
	return v;
}
