// SPDX-License-Identifier: BSD-2-Clause
#include <ebpf/common.h>

EBPF_API const char *ebpf_version(void)
{
	return EBPF_VERSION_STRING;
}
