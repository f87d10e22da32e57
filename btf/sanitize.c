// SPDX-License-Identifier: BSD-2-Clause
/* BTF writer and sanitizer (in progress: see issue 3). */
#include <errno.h>

#include "btf/btf_internal.h"
#include "lib/error.h"

int eb_btf_sanitize(const struct ebpf_btf *obj, uint32_t features, void **data, size_t *size)
{
	*data = NULL;
	*size = 0;
	return eb_err(-EOPNOTSUPP, "BTF sanitizer not implemented yet");
}
