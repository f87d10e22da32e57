// SPDX-License-Identifier: BSD-2-Clause
/* The public face of btf/: thin wrappers over the internal interface. */
#include <errno.h>

#include <ebpf/btf.h>

#include "btf/btf_internal.h"
#include "lib/error.h"

EBPF_API int ebpf_btf_load_vmlinux(struct ebpf_btf **out)
{
	return eb_btf_vmlinux(out);
}

EBPF_API int ebpf_btf_load_file(const char *path, struct ebpf_btf **out)
{
	if (!path || !out)
		return eb_err(-EINVAL, "ebpf_btf_load_file: NULL argument");
	return eb_btf_load_file(path, NULL, out);
}

EBPF_API void ebpf_btf_free(struct ebpf_btf *btf)
{
	eb_btf_put(btf);
}

EBPF_API uint32_t ebpf_btf_type_cnt(const struct ebpf_btf *btf)
{
	return btf ? eb_btf_type_cnt(btf) : 0;
}

EBPF_API int32_t ebpf_btf_find(const struct ebpf_btf *btf, const char *name, unsigned kind)
{
	int32_t r;

	if (!btf || !name)
		return eb_err(-EINVAL, "ebpf_btf_find: NULL argument");
	r = eb_btf_find(btf, name, kind);
	if (r == -ENOENT)
		return eb_err(-ENOENT, "BTF: no type '%s' of kind %s", name, kind ? eb_btf_kind_name(kind) : "any");
	return r;
}

EBPF_API int ebpf_btf_find_many(const struct ebpf_btf *btf, const char *const *names, const unsigned *kinds,
				size_t n, int32_t *ids)
{
	int r;

	if (!btf || (n && (!names || !ids)))
		return eb_err(-EINVAL, "ebpf_btf_find_many: NULL argument");
	r = eb_btf_find_many(btf, names, kinds, n, ids);
	if (r == -ENOMEM)
		return eb_err(-ENOMEM, "BTF: no memory to look up %zu names", n);
	return r;
}
