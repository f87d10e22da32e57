// SPDX-License-Identifier: BSD-2-Clause
/*
 * Cookie emulation at attach time: load the private copy of a program with the
 * cookie built in (the rewrite is in link_cookie.c). Kept apart from the pure
 * rewrite so that the latter links into unit tests without the kernel layer.
 */
#include "lib/collection_internal.h"
#include "lib/error.h"
#include "lib/link_internal.h"

struct rewrite_ctx {
	uint64_t cookie;
	uint32_t rewritten;
};

static int rewrite_cb(struct eb_prog_image *img, void *ctx)
{
	struct rewrite_ctx *rc = ctx;

	return eb_cookie_rewrite(img, rc->cookie, &rc->rewritten);
}

int eb_link_emulated_prog(const struct ebpf_prog *prog, uint64_t cookie)
{
	struct rewrite_ctx rc = { .cookie = cookie };
	int fd, err;

	err = eb_prog_load_copy(prog, rewrite_cb, &rc, &fd);
	if (err)
		return eb_err_ctx(err, "prog '%s': cookie emulation", prog->name);
	return fd;
}
