/*
 * Embedding example: one uprobe program attached to two functions of this very
 * binary, told apart at run time by their attach cookies.
 *
 *   cc uprobe_cookie.c $(pkg-config --cflags --libs libebpf) -o uprobe_cookie
 *   sudo ./uprobe_cookie example_uprobe.bpf.o
 *
 * Prints "cookie 1: 3 calls, cookie 2: 5 calls"; exit status 1 on error.
 */
#include <stdint.h>
#include <stdio.h>

#include <ebpf/ebpf.h>

__attribute__((noinline, used)) void parse_request(void) { __asm__ volatile(""); }
__attribute__((noinline, used)) void send_reply(void) { __asm__ volatile(""); }

int main(int argc, char **argv)
{
	struct ebpf_link *l1 = NULL, *l2 = NULL;
	struct ebpf_collection *coll = NULL;
	struct ebpf_spec *spec = NULL;
	uint64_t key, n1 = 0, n2 = 0;
	struct ebpf_prog *prog;
	int err, i;

	if (argc != 2)
		return fprintf(stderr, "usage: %s OBJECT\n", argv[0]), 2;
	err = ebpf_spec_open_file(argv[1], NULL, &spec);
	if (!err)
		err = ebpf_collection_load(spec, NULL, &coll);
	prog = err ? NULL : ebpf_collection_prog(coll, "count_call");
	if (!err && !prog)
		err = -1;
	if (!err)
		err = ebpf_link_uprobe(prog, "/proc/self/exe", "parse_request",
				       &EBPF_OPTS(ebpf_uprobe_opts, .cookie = 1), &l1);
	if (!err)
		err = ebpf_link_uprobe(prog, "/proc/self/exe", "send_reply",
				       &EBPF_OPTS(ebpf_uprobe_opts, .cookie = 2), &l2);
	if (!err) {
		for (i = 0; i < 3; i++)
			parse_request();
		for (i = 0; i < 5; i++)
			send_reply();
		key = 1;
		ebpf_map_lookup(ebpf_collection_map(coll, "hits"), &key, &n1);
		key = 2;
		ebpf_map_lookup(ebpf_collection_map(coll, "hits"), &key, &n2);
		printf("cookie 1: %llu calls, cookie 2: %llu calls\n",
		       (unsigned long long)n1, (unsigned long long)n2);
	} else {
		fprintf(stderr, "error: %s\n", ebpf_errmsg());
	}
	ebpf_link_close(l1);
	ebpf_link_close(l2);
	ebpf_collection_close(coll);
	ebpf_spec_free(spec);
	return err ? 1 : 0;
}
