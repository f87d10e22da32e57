// SPDX-License-Identifier: BSD-2-Clause
/*
 * Spec tests: kconfig typing (char, char array, signed and unsigned integers of
 * several sizes), a program in a section no rule knows, static data reached
 * through the section symbol, and a custom .rodata.* section.
 */
#include "ebpf_helpers.h"

char LICENSE[] SEC("license") = "GPL";

extern char CONFIG_DEFAULT_HOSTNAME[16] __kconfig __weak;
extern char CONFIG_CHARVAL __kconfig __weak;
extern short CONFIG_SHORTVAL __kconfig __weak;
extern long long CONFIG_HZ_LL __kconfig __weak;
extern unsigned char CONFIG_U8VAL __kconfig __weak;

static const volatile __u32 static_ro[4] = { 1, 2, 3, 4 };
const volatile __u64 custom_ro SEC(".rodata.custom") = 99;

SEC("my_custom_section")
int unknown_sec_prog(void *ctx)
{
	return CONFIG_DEFAULT_HOSTNAME[1] + CONFIG_CHARVAL + CONFIG_SHORTVAL + CONFIG_HZ_LL + CONFIG_U8VAL +
	       static_ro[2] + custom_ro;
}
