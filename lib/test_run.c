/* SPDX-License-Identifier: BSD-2-Clause */
/* BPF_PROG_TEST_RUN: run a loaded program on given data and context. */
#include <errno.h>
#include <string.h>

#include "lib/collection_internal.h"
#include "lib/error.h"
#include "lib/sys.h"

int ebpf_prog_test_run(const struct ebpf_prog *prog, struct ebpf_test_run_opts *opts)
{
	if (!prog)
		return eb_err(-EINVAL, "test run: no program given");
	if (prog->fd < 0)
		return eb_err(-EBADF, "prog '%s': test run: the program is not loaded", prog->name);
	struct ebpf_test_run_opts o;
	memset(&o, 0, sizeof(o));
	if (opts) {
		if (opts->sz < sizeof(size_t))
			return eb_err(-EINVAL, "prog '%s': test run: options size %zu is too small",
				      prog->name, opts->sz);
		/* copy only what the caller's (possibly older) struct has */
		memcpy(&o, opts, opts->sz < sizeof(o) ? opts->sz : sizeof(o));
	}
	struct eb_attr_test_run a;
	memset(&a, 0, sizeof(a));
	a.prog_fd = (uint32_t)prog->fd;
	a.data_in = eb_ptr(o.data_in);
	a.data_size_in = o.data_size_in;
	a.data_out = eb_ptr(o.data_out);
	a.data_size_out = o.data_out ? o.data_size_out : 0;
	a.ctx_in = eb_ptr(o.ctx_in);
	a.ctx_size_in = o.ctx_size_in;
	a.ctx_out = eb_ptr(o.ctx_out);
	a.ctx_size_out = o.ctx_out ? o.ctx_size_out : 0;
	a.repeat = o.repeat;
	a.flags = o.flags;
	a.cpu = o.cpu;
	int err = eb_sys_prog_test_run(&a);
	if (err && err != -ENOSPC)
		return eb_err(err, "prog '%s': test run: %s", prog->name, strerror(-err));
	o.retval = a.retval;
	o.duration_ns = a.duration;
	o.data_size_out = a.data_size_out;
	o.ctx_size_out = a.ctx_size_out;
	if (opts)
		memcpy(opts, &o, opts->sz < sizeof(o) ? opts->sz : sizeof(o));
	if (err)	/* ENOSPC: data_out too small; sizes above say what was needed */
		return eb_err(err, "prog '%s': test run: the output buffer is too small (%u bytes needed)",
			      prog->name, a.data_size_out);
	return 0;
}
