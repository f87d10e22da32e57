// SPDX-License-Identifier: BSD-2-Clause
/*
 * Spec tests: the legacy `maps` section (struct bpf_map_def), a `version`
 * section, and a 28-byte definition whose two trailing fields are zero (older
 * loaders' inner_map_idx / numa_node), which must be accepted. The tests corrupt
 * those trailing bytes to check that non-zero extra bytes are refused.
 */
#include "ebpf_helpers.h"

struct bpf_map_def_ext {
	unsigned int type;
	unsigned int key_size;
	unsigned int value_size;
	unsigned int max_entries;
	unsigned int map_flags;
	unsigned int extra1;
	unsigned int extra2;
};

struct bpf_map_def_ext SEC("maps") legacy_hash = {
	.type = BPF_MAP_TYPE_HASH,
	.key_size = 4,
	.value_size = 8,
	.max_entries = 128,
	.map_flags = BPF_F_NO_PREALLOC,
};

struct bpf_map_def_ext SEC("maps") legacy_array = {
	.type = BPF_MAP_TYPE_ARRAY,
	.key_size = 4,
	.value_size = 16,
	.max_entries = 2,
};

char _license[] SEC("license") = "GPL";
__u32 _version SEC("version") = 0x060c00;

SEC("socket")
int legacy_prog(void *ctx)
{
	__u32 k = 1;
	__u64 *v = bpf_map_lookup_elem(&legacy_hash, &k);

	if (!v)
		v = bpf_map_lookup_elem(&legacy_array, &k);
	return v ? *v : 0;
}
