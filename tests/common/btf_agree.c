/* SPDX-License-Identifier: BSD-2-Clause */
#include <stdio.h>
#include <string.h>

#include "testutil.h"
#include "btf_agree.h"
#include "btf/btf_internal.h"

void btf_screen_agrees(const void *raw, size_t size, const char *what)
{
	struct ebpf_btf *fast = NULL, *checked = NULL;
	char msg[512];
	int ef, ec;

	ef = eb_btf_parse(raw, size, NULL, EB_BTF_COPY, &fast);
	snprintf(msg, sizeof(msg), "%s", ef ? ebpf_errmsg() : "");
	ec = eb_btf_parse_checked(raw, size, NULL, EB_BTF_COPY, &checked);
	ck_assert_msg(ef == ec, "%s: screened parse %d (%s), checking pass %d (%s)", what, ef, msg, ec,
		      ec ? ebpf_errmsg() : "");
	if (ef) {
		ck_assert_msg(strcmp(msg, ebpf_errmsg()) == 0, "%s: '%s' vs '%s'", what, msg, ebpf_errmsg());
		ck_assert_ptr_null(fast);
		return;
	}
	ck_assert_uint_eq(fast->nr, checked->nr);
	ck_assert_int_eq(memcmp(fast->offs, checked->offs, fast->nr * sizeof(uint32_t)), 0);
	ck_assert_int_eq(fast->datasecs_listed, checked->datasecs_listed);
	ck_assert_uint_eq(fast->nr_datasecs, checked->nr_datasecs);
	ck_assert_int_eq(memcmp(fast->datasec_ids, checked->datasec_ids, sizeof(fast->datasec_ids)), 0);
	eb_btf_put(fast);
	eb_btf_put(checked);
}
