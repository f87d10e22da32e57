/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The kernel BTF id a program attaches to (attach_btf_id): tracing programs
 * name a kernel function ("fentry/do_exit"), a raw tracepoint's typedef
 * ("tp_btf/sched_switch" -> btf_trace_sched_switch) or an iterator
 * ("iter/task" -> bpf_iter_task); LSM programs their hook (bpf_lsm_<hook>).
 * Looked up in the running kernel's BTF, even when CO-RE uses another.
 *
 * A load with several such programs looks all of them up in one pass over
 * kernel BTF first (eb_coll_attach_prefetch): one lookup per program cost as
 * much as the rest of loading 100 tracing programs.
 */
#include <errno.h>
#include <string.h>

#include "lib/alloc.h"
#include "lib/collection_internal.h"
#include "lib/error.h"

/*
 * What `p` looks up: 1 with *prefix and *kind set, 0 if nothing (not a program
 * that attaches by BTF id), or a negative errno (no message set).
 */
static int attach_lookup(const struct ebpf_prog *p, const char **prefix, unsigned *kind)
{
	*kind = BTF_KIND_FUNC;
	if (p->type == EBPF_PROG_TYPE_TRACING) {
		switch (p->attach_type) {
		case EBPF_TRACE_RAW_TP:
			*prefix = "btf_trace_";
			*kind = BTF_KIND_TYPEDEF;
			break;
		case EBPF_TRACE_ITER:
			*prefix = "bpf_iter_";
			break;
		default:
			*prefix = "";
			break;
		}
	} else if (p->type == EBPF_PROG_TYPE_LSM) {
		*prefix = "bpf_lsm_";
	} else if (p->type == EBPF_PROG_TYPE_EXT) {
		return -EOPNOTSUPP;
	} else {
		return 0;
	}
	return p->attach_target[0] ? 1 : -EINVAL;
}

/* prefix + target, eb_malloc'd; NULL on no memory. */
static char *full_name(const char *prefix, const char *target)
{
	size_t a = strlen(prefix), b = strlen(target);
	char *full = eb_malloc(a + b + 1);
	if (full) {
		memcpy(full, prefix, a);
		memcpy(full + a, target, b + 1);
	}
	return full;
}

int eb_coll_attach_btf(struct ebpf_prog *p)
{
	const char *prefix = "";
	unsigned kind;
	int need = attach_lookup(p, &prefix, &kind);
	if (need == -EOPNOTSUPP)
		return eb_err(-EOPNOTSUPP, "prog '%s': freplace (extension) programs are not supported",
			      p->name);
	if (need == -EINVAL)
		return eb_err(-EINVAL, "prog '%s': section '%s' needs an attach target (e.g. '%s/<name>')",
			      p->name, p->section, p->section);
	/* nothing to find, or found by eb_coll_attach_prefetch() */
	if (!need || p->attach_btf_id)
		return 0;
	struct ebpf_btf *vm = NULL;
	int err = eb_btf_vmlinux(&vm);
	if (err)
		return eb_err_ctx(err, "prog '%s': resolving attach target '%s'", p->name,
				  p->attach_target);
	char *full = full_name(prefix, p->attach_target);
	if (!full) {
		eb_btf_put(vm);
		return -ENOMEM;
	}
	int32_t id = eb_btf_find(vm, full, kind);
	eb_btf_put(vm);
	if (id <= 0) {
		err = eb_err(-ESRCH, "prog '%s': attach target '%s' not found in kernel BTF (looked for "
			     "%s '%s')", p->name, p->attach_target,
			     kind == BTF_KIND_TYPEDEF ? "typedef" : "function", full);
		eb_free(full);
		return err;
	}
	eb_free(full);
	p->attach_btf_id = (uint32_t)id;
	return 0;
}

void eb_coll_attach_prefetch(struct ebpf_collection *coll)
{
	const char *prefix;
	unsigned kind;
	size_t n = 0;

	for (uint32_t i = 0; i < coll->prog_cnt; i++)
		n += coll->progs[i].selected && eb_coll_attaches_by_btf(&coll->progs[i]) &&
		     attach_lookup(&coll->progs[i], &prefix, &kind) == 1;
	/* one program: its own lookup costs the same as a pass */
	if (n < 2)
		return;
	struct ebpf_btf *vm = NULL;
	if (eb_btf_vmlinux(&vm))
		return;	/* each program says so itself */
	/* names, kinds, ids and which program each is for, in one block */
	const char **names = eb_calloc(n, sizeof(*names) + sizeof(unsigned) + sizeof(int32_t) +
					  sizeof(uint32_t));
	if (!names) {
		eb_btf_put(vm);
		return;	/* no memory: each program looks itself up */
	}
	unsigned *kinds = (unsigned *)(names + n);
	int32_t *ids = (int32_t *)(kinds + n);
	uint32_t *prog_of = (uint32_t *)(ids + n);
	size_t k = 0;
	for (uint32_t i = 0; i < coll->prog_cnt && k < n; i++) {
		struct ebpf_prog *p = &coll->progs[i];
		if (!p->selected || attach_lookup(p, &prefix, &kinds[k]) != 1)
			continue;
		names[k] = full_name(prefix, p->attach_target);
		if (!names[k])
			goto out;
		prog_of[k++] = i;
	}
	if (eb_btf_find_many(vm, names, kinds, n, ids) >= 0)
		/* a name not found is looked up again by its program, which explains it */
		for (size_t j = 0; j < n; j++)
			if (ids[j] > 0)
				coll->progs[prog_of[j]].attach_btf_id = (uint32_t)ids[j];
out:
	for (size_t j = 0; j < k; j++)
		eb_free((char *)names[j]);
	eb_free(names);
	eb_btf_put(vm);
}
