/* The program the packaging tests' consumer loads: it proves a .rodata constant
 * set before load and a .bss counter updated by each run. */
#include "ebpf_helpers.h"

const volatile __u32 multiplier = 1;
__u64 runs;

SEC("syscall")
int times_two(void *ctx)
{
	runs++;
	return multiplier * 21;
}

char LICENSE[] SEC("license") = "GPL";
