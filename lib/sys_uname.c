/* SPDX-License-Identifier: BSD-2-Clause */
/* The running kernel's version, as LINUX_KERNEL_VERSION encodes it. */
#include <stdio.h>
#include <sys/utsname.h>

#include "lib/sys.h"

uint32_t eb_kernel_version_parse(const char *release)
{
	unsigned a = 0, b = 0, c = 0;
	if (!release || sscanf(release, "%u.%u.%u", &a, &b, &c) < 2)
		return 0;
	/* KERNEL_VERSION() gives the sublevel 8 bits; 4.9.256+ saturates like the kernel does. */
	if (a > 255 || b > 255)
		return 0;
	if (c > 255)
		c = 255;
	return (a << 16) | (b << 8) | c;
}

uint32_t eb_kernel_version(void)
{
	struct utsname u;
	if (uname(&u))
		return 0;
	return eb_kernel_version_parse(u.release);
}
