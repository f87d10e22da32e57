// SPDX-License-Identifier: BSD-2-Clause
/*
 * Object-BTF fix-ups clang leaves to the loader: a global-data DATASEC's size
 * and its variables' offsets are only known from the ELF (section size, symbol
 * values), and the kernel wants secinfos sorted by offset and inside the section.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "btf/btf_internal.h"
#include "lib/error.h"

static int cmp_secinfo(const void *a, const void *b)
{
	const struct btf_var_secinfo *x = a, *y = b;

	return x->offset < y->offset ? -1 : x->offset > y->offset;
}

/* A name in this BTF's own strings (an object's all are) is read in place, not by a call each. */
static inline const char *name_of(const struct ebpf_btf *btf, const struct btf_type *t)
{
	uint32_t own = t->name_off - btf->start_str;

	return own < btf->strs_len ? btf->strs + own : eb_btf_name(btf, t);
}

static int fix_one(struct ebpf_btf *btf, struct btf_type *t, const struct eb_btf_fixup_cb *cb)
{
	const char *sec = name_of(btf, t);
	struct btf_var_secinfo *v = (struct btf_var_secinfo *)(t + 1);
	unsigned vlen = btf_vlen(t);
	uint32_t size;
	int err;

	err = cb->section_size(cb->ctx, sec, &size);
	/* .ksyms/.kconfig have no ELF section: they are the sanitizer's business. */
	if (err == -ENOENT)
		return 0;
	if (err)
		return err;
	t->size = size;
	for (unsigned i = 0; i < vlen; i++) {
		const struct btf_type *var = eb_btf_type(btf, v[i].type);
		const char *name = name_of(btf, var);
		uint32_t off;

		if (btf_kind(var) != BTF_KIND_VAR)
			continue;
		err = cb->var_offset(cb->ctx, sec, name, &off);
		if (err == -ENOENT)
			return eb_err(-EINVAL, "BTF: DATASEC '%s': variable '%s' has no ELF symbol", sec, name);
		if (err)
			return err;
		v[i].offset = off;
		if ((uint64_t)off + v[i].size > size)
			return eb_err(-EINVAL, "BTF: DATASEC '%s': variable '%s' (offset %u, size %u) lies outside the %u-byte section",
				      sec, name, off, v[i].size, size);
	}
	/* clang emits them in offset order: sort only when they are not (qsort costs ~100 instructions even then). */
	for (unsigned i = 1; i < vlen; i++) {
		if (v[i].offset < v[i - 1].offset) {
			qsort(v, vlen, sizeof(*v), cmp_secinfo);
			break;
		}
	}
	return 0;
}

int eb_btf_fixup_datasecs(struct ebpf_btf *btf, const struct eb_btf_fixup_cb *cb)
{
	uint8_t *types;

	if (!btf->owned || btf->raw != btf->owned)
		return eb_err(-EINVAL, "BTF: cannot fix up DATASECs of BTF that does not own its bytes");
	types = (uint8_t *)btf->owned + (btf->types - btf->raw);
	/* Validation listed the DATASECs (a handful) unless there were too many. */
	for (uint32_t i = 0; i < (btf->datasecs_listed ? btf->nr_datasecs : btf->nr); i++) {
		uint32_t idx = btf->datasecs_listed ? btf->datasec_ids[i] - btf->start_id : i;
		struct btf_type *t = (struct btf_type *)(types + eb_btf_off(btf, idx));
		int err;

		if (btf_kind(t) != BTF_KIND_DATASEC)
			continue;
		err = fix_one(btf, t, cb);
		if (err)
			return err;
	}
	return 0;
}
