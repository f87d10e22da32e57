// SPDX-License-Identifier: BSD-2-Clause
/* The same minimal consumer written against libbpf, for size_bench.sh. */
#include <bpf/libbpf.h>

int main(int argc, char **argv)
{
	struct bpf_object *obj;
	int err;

	if (argc != 2)
		return 2;
	obj = bpf_object__open_file(argv[1], NULL);
	if (!obj)
		return 1;
	err = bpf_object__load(obj);
	bpf_object__close(obj);
	return err != 0;
}
