// SPDX-License-Identifier: BSD-2-Clause
/* .kconfig externs of every typing, read back through .bss by the tests. */
#include "ebpf_helpers.h"

char LICENSE[] SEC("license") = "GPL";

extern int LINUX_KERNEL_VERSION __kconfig;
extern bool LINUX_HAS_BPF_COOKIE __kconfig;
extern bool CONFIG_BPF_SYSCALL __kconfig;
extern enum libbpf_tristate CONFIG_BPF_JIT __kconfig;
extern char CONFIG_BPF_LSM __kconfig;
extern int CONFIG_HZ __kconfig __weak;
extern char CONFIG_DEFAULT_HOSTNAME[16] __kconfig __weak;
/* "# CONFIG_KALLSYMS_ALL is not set" here: known to be off, so false. */
extern bool CONFIG_KALLSYMS_ALL __kconfig __weak;
extern int CONFIG_RELO_NO_SUCH_OPTION __kconfig __weak;
/* Strong and absent: only the program using it may fail. */
extern int CONFIG_RELO_STRONG_MISSING __kconfig;

int kver, has_cookie, bpf_syscall, bpf_jit, hz, kallsyms_all, no_such, strong_missing;
char bpf_lsm;
char hostname[16];

SEC("syscall")
int read_kconfig(void *ctx)
{
	kver = LINUX_KERNEL_VERSION;
	has_cookie = LINUX_HAS_BPF_COOKIE;
	bpf_syscall = CONFIG_BPF_SYSCALL;
	bpf_jit = CONFIG_BPF_JIT;
	bpf_lsm = CONFIG_BPF_LSM;
	hz = CONFIG_HZ;
	kallsyms_all = CONFIG_KALLSYMS_ALL;
	no_such = CONFIG_RELO_NO_SUCH_OPTION;
	for (int i = 0; i < 16; i++)
		hostname[i] = CONFIG_DEFAULT_HOSTNAME[i];
	return 0;
}

SEC("syscall")
int uses_missing(void *ctx)
{
	strong_missing = CONFIG_RELO_STRONG_MISSING;
	return 0;
}
