// SPDX-License-Identifier: BSD-2-Clause
/* The libbpf side of btf_bench (built only when libbpf is installed). */
#include <stdint.h>
#include <bpf/btf.h>

int libbpf_open_find(const char *path, const char *const *names, const unsigned *kinds, int n,
		     int32_t *ids);

int libbpf_open_find(const char *path, const char *const *names, const unsigned *kinds, int n,
		     int32_t *ids)
{
	struct btf *btf = btf__parse(path, NULL);

	if (!btf)
		return -1;
	for (int i = 0; i < n; i++)
		ids[i] = btf__find_by_name_kind(btf, names[i], kinds[i]);
	btf__free(btf);
	return 0;
}
