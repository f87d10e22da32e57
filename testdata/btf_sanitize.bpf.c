// SPDX-License-Identifier: BSD-2-Clause
/*
 * An object whose BTF has every kind the sanitizer rewrites (tests/kernel/btf_sanitize.c):
 * extern kfuncs and ksyms (.ksyms), kconfig externs (.kconfig), FLOAT, DECL_TAG
 * (on a struct, a member, a variable, a function and a parameter), TYPE_TAG, a
 * 64-bit enum (ENUM64 with clang >= 15), global and static functions.
 * `sanitize_prog` loads and runs (result = 3 * x); `sanitize_ksym` reads a typed ksym, which this
 * kernel cannot resolve (no CONFIG_KALLSYMS_ALL), so it is not autoloaded.
 */
#include "ebpf_helpers.h"

char LICENSE[] SEC("license") = "GPL";

#define __tag(x) __attribute__((btf_decl_tag(x)))
#define __user __attribute__((btf_type_tag("user")))

struct tagged {
	int a __tag("member_tag");
	long b;
} __tag("struct_tag");

enum big { BIG_SMALL = 1, BIG_HUGE = 0x100000000ULL };

double ratio = 1.5;
float scale = 2.0f;
struct tagged tagged_var __tag("var_tag");
enum big big_var = BIG_HUGE;
int __user *user_ptr;
int result;

extern struct task_struct *bpf_task_from_pid(s32 pid) __ksym;
extern void bpf_task_release(struct task_struct *p) __ksym;
extern const int bpf_prog_active __ksym;
extern const void bpf_prog_put __ksym __weak;
extern unsigned int CONFIG_HZ __kconfig __weak;
extern bool CONFIG_BPF_SYSCALL __kconfig __weak;
extern char CONFIG_DEFAULT_HOSTNAME[16] __kconfig __weak;

static __noinline int tagged_sub(int x __tag("param_tag")) __tag("func_tag")
{
	return x * 2;
}

__noinline int global_sub(int y)
{
	return y + tagged_var.a;
}

struct args {
	int x;
	int pid;
};

int task_found = -1, syscall_cfg = -1, prog_put_exists = -1;

SEC("syscall")
int sanitize_prog(struct args *a)
{
	struct task_struct *t = bpf_task_from_pid(a->pid);

	task_found = t != 0;
	if (t)
		bpf_task_release(t);
	syscall_cfg = CONFIG_BPF_SYSCALL;
	prog_put_exists = bpf_ksym_exists(&bpf_prog_put);
	result = tagged_sub(a->x) + global_sub(a->x) + (CONFIG_HZ == 0xffffffff) +
		 (CONFIG_DEFAULT_HOSTNAME[15] == 0x7f);
	return 0;
}

SEC("?syscall")
int sanitize_ksym(void *ctx)
{
	result = bpf_prog_active;
	return 0;
}
