/* A weak kfunc this kernel lacks, called WITHOUT a bpf_ksym_exists() guard, next to
 * a guarded one: the guarded program loads, the unguarded one must fail with an
 * error naming the missing kfunc rather than the verifier's "R0 !read_ok". */
#include "ebpf_helpers.h"

extern int bpf_int_no_such_kfunc(int x) __ksym __weak;

SEC("syscall")
int unguarded(void *ctx)
{
	return bpf_int_no_such_kfunc(1);
}

SEC("syscall")
int guarded(void *ctx)
{
	if (bpf_ksym_exists(bpf_int_no_such_kfunc))
		return bpf_int_no_such_kfunc(1);
	return 7;
}

char LICENSE[] SEC("license") = "GPL";
