/* Shared by the link kernel tests: load a testdata object and read its counters. */
#ifndef LINK_FIXTURE_H
#define LINK_FIXTURE_H

#include <errno.h>
#include <stdint.h>
#include <unistd.h>

#include "testutil.h"

struct link_fixture {
	struct ebpf_spec *spec;
	struct ebpf_collection *coll;
};

/* Load `obj` and tell its programs which process is the test (cfg[0] = tgid). */
static inline void lf_open(struct link_fixture *f, const char *obj)
{
	struct ebpf_map *cfg;
	uint32_t k = 0, tgid = (uint32_t)getpid();
	int err;

	err = ebpf_spec_open_file(testobj(obj), NULL, &f->spec);
	ck_assert_msg(err == 0, "open %s: %s", obj, ebpf_errmsg());
	err = ebpf_collection_load(f->spec, NULL, &f->coll);
	ck_assert_msg(err == 0, "load %s: %s", obj, ebpf_errmsg());
	cfg = ebpf_collection_map(f->coll, "cfg");
	if (cfg)
		ck_assert_int_eq(ebpf_map_update(cfg, &k, &tgid, 0), 0);
}

/* A program that must have loaded. */
static inline struct ebpf_prog *lf_prog(struct link_fixture *f, const char *name)
{
	struct ebpf_prog *p = ebpf_collection_prog(f->coll, name);
	const char *msg = NULL;

	ck_assert_msg(p != NULL, "no program %s", name);
	ck_assert_msg(ebpf_prog_load_error(p, &msg) == 0, "prog %s did not load: %s", name,
		      msg ? msg : "?");
	return p;
}

static inline uint64_t lf_count(struct link_fixture *f, uint32_t idx)
{
	uint64_t v = 0;

	ck_assert_int_eq(ebpf_map_lookup(ebpf_collection_map(f->coll, "counts"), &idx, &v), 0);
	return v;
}

static inline void lf_close(struct link_fixture *f)
{
	ebpf_collection_close(f->coll);
	ebpf_spec_free(f->spec);
	f->coll = NULL;
	f->spec = NULL;
}

#endif
