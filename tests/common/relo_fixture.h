/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Test helper: a testdata object opened for relocation without a kernel, its
 * externs resolved against an empty environment and its maps given the fake
 * fds 100..115, which relocation writes into map loads as they are.
 */
#ifndef RELO_FIXTURE_H
#define RELO_FIXTURE_H

#include "lib/spec.h"
#include "relo/relo.h"

#define RELO_FIXTURE_MAPS 16

struct relo_fixture {
	struct ebpf_spec *spec;
	struct eb_relo_env env;
	struct eb_extern_res *res;
	int fds[RELO_FIXTURE_MAPS];
};

/* Clears *f, then opens testobj(obj) into it (fails the test on error). */
void relo_fixture_open(struct relo_fixture *f, const char *obj);
/* Frees what relo_fixture_open() made and clears *f; safe on a cleared one. */
void relo_fixture_close(struct relo_fixture *f);

#endif
