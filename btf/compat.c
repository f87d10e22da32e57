// SPDX-License-Identifier: BSD-2-Clause
/* Type compatibility and C-like rendering of types (in progress). */
#include <errno.h>
#include <stdio.h>

#include "btf/btf_internal.h"
#include "lib/error.h"

bool eb_btf_types_compat(const struct ebpf_btf *local, uint32_t local_id,
			 const struct ebpf_btf *targ, uint32_t targ_id)
{
	return false;
}

int eb_btf_type_str(const struct ebpf_btf *btf, uint32_t id, char *buf, size_t len)
{
	if (len)
		snprintf(buf, len, "type [%u]", id);
	return 0;
}
