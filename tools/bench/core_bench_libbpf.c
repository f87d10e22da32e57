/*
 * The libbpf side of core_bench, compiled apart so that libbpf's headers never
 * meet libebpf's internal ones. The only code besides btf_bench allowed to link
 * libbpf.
 */
#include <errno.h>
#include <stdarg.h>

#include <bpf/libbpf.h>

int core_bench_libbpf(const char *obj);

static int quiet(enum libbpf_print_level level, const char *fmt, va_list ap)
{
	(void)level;
	(void)fmt;
	(void)ap;
	return 0;
}

/*
 * Open and load: libbpf reads vmlinux BTF and applies CO-RE to every program,
 * then the kernel refuses the first program (ctx loads a socket filter may not
 * do), which ends the load. No program is ever verified successfully.
 */
int core_bench_libbpf(const char *obj)
{
	struct bpf_object *o;

	libbpf_set_print(quiet);
	o = bpf_object__open_file(obj, NULL);
	if (!o)
		return -errno;
	bpf_object__load(o);
	bpf_object__close(o);
	return 0;
}
