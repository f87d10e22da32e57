// SPDX-License-Identifier: BSD-2-Clause
#include <string.h>

#include "relo_fixture.h"
#include "testutil.h"

void relo_fixture_open(struct relo_fixture *f, const char *obj)
{
	memset(f, 0, sizeof(*f));
	ck_assert_msg(ebpf_spec_open_file(testobj(obj), NULL, &f->spec) == 0, "%s: %s", obj, ebpf_errmsg());
	ck_assert_uint_le(f->spec->map_cnt, RELO_FIXTURE_MAPS);
	for (int i = 0; i < RELO_FIXTURE_MAPS; i++)
		f->fds[i] = 100 + i;
	ck_assert_int_eq(eb_relo_resolve_externs(f->spec, &f->env, &f->res), 0);
}

void relo_fixture_close(struct relo_fixture *f)
{
	if (f->spec)
		eb_relo_externs_free(f->res, f->spec->extern_cnt);
	ebpf_spec_free(f->spec);
	memset(f, 0, sizeof(*f));
}
