/* A .kconfig extern no kernel config could fill: the spec must refuse it. */
#include "ebpf_helpers.h"

extern char CONFIG_INT_HUGE[70000] __kconfig;

SEC("syscall")
int read_huge(void *ctx)
{
	return CONFIG_INT_HUGE[0];
}

char LICENSE[] SEC("license") = "GPL";
