// SPDX-License-Identifier: BSD-2-Clause
/* The minimal libebpf consumer whose static size size_bench.sh reports: open, load, close. */
#include <stdio.h>

#include <ebpf/collection.h>
#include <ebpf/spec.h>

int main(int argc, char **argv)
{
	struct ebpf_spec *spec;
	struct ebpf_collection *coll;
	int err;

	if (argc != 2)
		return 2;
	err = ebpf_spec_open_file(argv[1], NULL, &spec);
	if (!err)
		err = ebpf_collection_load(spec, NULL, &coll);
	if (err)
		fprintf(stderr, "%s\n", ebpf_errmsg());
	else
		ebpf_collection_close(coll);
	ebpf_spec_free(spec);
	return err != 0;
}
