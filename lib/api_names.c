// SPDX-License-Identifier: BSD-2-Clause
/* Public names of kernel constants (include/ebpf/names.h), over the library's own tables. */
#include <ebpf/names.h>

#include "lib/helpers.h"
#include "lib/spec.h"

EBPF_API const char *ebpf_prog_type_name(enum ebpf_prog_type type)
{
	return eb_prog_type_name(type);
}

EBPF_API const char *ebpf_map_type_name(enum ebpf_map_type type)
{
	return eb_map_type_name(type);
}

EBPF_API const char *ebpf_attach_type_name(enum ebpf_attach_type type)
{
	return eb_attach_type_name(type);
}

EBPF_API const char *ebpf_helper_name(int32_t id)
{
	return id < 0 ? NULL : eb_helper_name((uint32_t)id);
}

EBPF_API int ebpf_helper_id(const char *name)
{
	return name ? eb_helper_id(name) : -1;
}
