/*
 * Embedding example: open an object, set a .rodata constant, load it, run one
 * program with BPF_PROG_TEST_RUN and print its return value.
 *
 *   cc run_syscall_prog.c $(pkg-config --cflags --libs libebpf) -o run_syscall_prog
 *   sudo ./run_syscall_prog pkg_consumer.bpf.o times_two
 *
 * Exit status: 0 on success, 1 on a libebpf error (message on stderr).
 */
#include <stdio.h>
#include <stdint.h>

#include <ebpf/ebpf.h>

static int fail(const char *what, int err)
{
	fprintf(stderr, "%s: %s (%d)\n", what, ebpf_errmsg(), err);
	return 1;
}

int main(int argc, char **argv)
{
	struct ebpf_test_run_opts run = { .sz = sizeof(run) };
	struct ebpf_collection *coll = NULL;
	struct ebpf_spec *spec = NULL;
	uint32_t multiplier = 2;
	struct ebpf_prog *prog;
	int err;

	if (argc != 3) {
		fprintf(stderr, "usage: %s OBJECT PROGRAM\n", argv[0]);
		return 2;
	}
	err = ebpf_spec_open_file(argv[1], NULL, &spec);
	if (err)
		return fail("open", err);
	err = ebpf_spec_set_var(spec, "multiplier", &multiplier, sizeof(multiplier));
	if (err)
		goto out;
	err = ebpf_collection_load(spec, NULL, &coll);
	if (err)
		goto out;
	prog = ebpf_collection_prog(coll, argv[2]);
	if (!prog || ebpf_prog_fd(prog) < 0) {
		err = -1;
		goto out;
	}
	err = ebpf_prog_test_run(prog, &run);
	if (err)
		goto out;
	printf("%s returned %u\n", argv[2], run.retval);
out:
	if (err)
		fail(argv[2], err);
	ebpf_collection_close(coll);
	ebpf_spec_free(spec);
	return err ? 1 : 0;
}
