/* SPDX-License-Identifier: BSD-2-Clause */
/* bpf(2): program load, test run, attach/detach/query. */
#include <errno.h>
#include <string.h>

#include "lib/sys.h"

/*
 * The verifier returns EAGAIN when a signal interrupted it; libbpf and cilium
 * retry a handful of times. Bounded so a persistent EAGAIN still fails.
 */
#define PROG_LOAD_TRIES 5

int eb_sys_prog_load(struct eb_attr_prog_load *attr)
{
	int fd, tries = PROG_LOAD_TRIES;
	do
		fd = eb_sys_bpf_fd(EB_BPF_PROG_LOAD, attr, sizeof(*attr));
	while (fd == -EAGAIN && --tries);
	return fd;
}

int eb_sys_prog_test_run(struct eb_attr_test_run *attr)
{
	return eb_sys_bpf(EB_BPF_PROG_TEST_RUN, attr, sizeof(*attr));
}

int eb_sys_prog_attach(struct eb_attr_prog_attach *attr)
{
	return eb_sys_bpf(EB_BPF_PROG_ATTACH, attr, sizeof(*attr));
}

int eb_sys_prog_detach(struct eb_attr_prog_attach *attr)
{
	return eb_sys_bpf(EB_BPF_PROG_DETACH, attr, sizeof(*attr));
}

int eb_sys_prog_query(struct eb_attr_prog_query *attr)
{
	return eb_sys_bpf(EB_BPF_PROG_QUERY, attr, sizeof(*attr));
}
