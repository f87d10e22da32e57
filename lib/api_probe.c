// SPDX-License-Identifier: BSD-2-Clause
/* Public kernel probes (include/ebpf/probe.h) over the library's cached feature probes. */
#include <errno.h>
#include <string.h>

#include <ebpf/probe.h>

#include "btf/btf.h"
#include "lib/error.h"
#include "lib/features.h"
#include "relo/relo.h"

EBPF_API enum ebpf_probe_answer ebpf_probe_prog_type(enum ebpf_prog_type type)
{
	return (enum ebpf_probe_answer)eb_probe_prog_type(type);
}

EBPF_API enum ebpf_probe_answer ebpf_probe_map_type(enum ebpf_map_type type)
{
	return (enum ebpf_probe_answer)eb_probe_map_type(type);
}

EBPF_API enum ebpf_probe_answer ebpf_probe_helper(enum ebpf_prog_type type, uint32_t helper_id)
{
	return (enum ebpf_probe_answer)eb_probe_helper(type, helper_id);
}

EBPF_API size_t ebpf_probe_feature_count(void)
{
	return EB_FEAT_COUNT;
}

EBPF_API enum ebpf_probe_answer ebpf_probe_feature(size_t idx, const char **name, const char **since)
{
	if (idx >= EB_FEAT_COUNT) {
		if (name)
			*name = "unknown";
		if (since)
			*since = "?";
		return EBPF_PROBE_UNKNOWN;
	}
	if (name)
		*name = eb_feature_name((enum eb_feature)idx);
	if (since)
		*since = eb_feature_since((enum eb_feature)idx);
	return (enum ebpf_probe_answer)eb_feature((enum eb_feature)idx);
}

/* Whether a DECL_TAG "bpf_kfunc" points at FUNC `func_id` (one linear scan of the BTF). */
static bool has_kfunc_tag(const struct ebpf_btf *btf, uint32_t func_id)
{
	uint32_t n = eb_btf_type_cnt(btf);

	for (uint32_t id = 1; id < n; id++) {
		const struct btf_type *t = eb_btf_type(btf, id);

		if (t && btf_kind(t) == BTF_KIND_DECL_TAG && t->type == func_id &&
		    !strcmp(eb_btf_name(btf, t), "bpf_kfunc"))
			return true;
	}
	return false;
}

EBPF_API int ebpf_probe_ksym(const char *name, struct ebpf_probe_sym *out)
{
	struct ebpf_btf *btf = NULL;
	struct eb_kallsyms *ks = NULL;
	const char *module = NULL;
	uint32_t id = 0;
	uint64_t addr = 0;
	int err;

	if (!name || !out)
		return eb_err(-EINVAL, "probe ksym: NULL %s", name ? "out" : "name");
	memset(out, 0, sizeof(*out));
	err = eb_btf_vmlinux(&btf);
	if (err)
		return eb_err_ctx(err, "probe ksym '%s'", name);
	eb_btf_put(btf);
	btf = NULL;
	if (!eb_btf_kernel_find(name, BTF_KIND_FUNC, &btf, &id, &module)) {
		out->in_btf = out->is_func = true;
		out->kfunc_tagged = has_kfunc_tag(btf, id);
		eb_btf_put(btf);
	} else if (!eb_btf_kernel_find(name, BTF_KIND_VAR, &btf, &id, &module)) {
		out->in_btf = true;
		eb_btf_put(btf);
	}
	if (!eb_kallsyms_get(&ks)) {
		out->in_kallsyms = !eb_kallsyms_lookup(ks, name, &addr) && addr != 0;
		eb_kallsyms_put(ks);
	}
	return 0;
}
