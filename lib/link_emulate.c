// SPDX-License-Identifier: BSD-2-Clause
/*
 * Cookie emulation at attach time: load the private copy of a program with the
 * cookie built in (the rewrite is in link_cookie.c). Kept apart from the pure
 * rewrite so that the latter links into unit tests without the kernel layer.
 */
#include <string.h>

#include "btf/btf.h"
#include "lib/alloc.h"
#include "lib/collection_internal.h"
#include "lib/error.h"
#include "lib/link_internal.h"
#include "lib/sys.h"

struct rewrite_ctx {
	uint64_t cookie;
	uint32_t static_func;
	uint32_t rewritten;
};

static int rewrite_cb(struct eb_prog_image *img, void *ctx)
{
	struct rewrite_ctx *rc = ctx;

	return eb_cookie_rewrite(img, rc->cookie, rc->static_func, &rc->rewritten);
}

/*
 * Any FUNC of static linkage in the program's BTF, or 0. Read back from the
 * kernel: the BTF the copy will be loaded with is the sanitized one, ids and
 * kinds exactly as loaded, which the spec's own BTF need not match.
 */
static uint32_t find_static_func(const struct ebpf_prog *prog)
{
	struct eb_btf_info info;
	struct ebpf_btf *btf = NULL;
	uint32_t len = sizeof(info), id, cnt, found = 0;
	void *data;

	if (!prog->coll || prog->coll->btf_fd < 0)
		return 0;
	memset(&info, 0, sizeof(info));
	if (eb_sys_obj_info(prog->coll->btf_fd, &info, &len) || !info.btf_size)
		return 0;
	/* zeroed: valgrind does not know BPF_OBJ_GET_INFO_BY_FD fills it */
	data = eb_calloc(1, info.btf_size);
	if (!data)
		return 0;
	len = sizeof(info);
	info.btf = eb_ptr(data);
	info.name = 0;
	info.name_len = 0;
	if (!eb_sys_obj_info(prog->coll->btf_fd, &info, &len) &&
	    !eb_btf_parse(data, info.btf_size, NULL, EB_BTF_BORROW, &btf)) {
		cnt = eb_btf_type_cnt(btf);
		for (id = 1; id < cnt && !found; id++) {
			const struct btf_type *t = eb_btf_type(btf, id);

			if (t && btf_kind(t) == BTF_KIND_FUNC && btf_vlen(t) == 0 /* static */)
				found = id;
		}
		eb_btf_put(btf);
	}
	eb_free(data);
	return found;
}

int eb_link_emulated_prog(const struct ebpf_prog *prog, uint64_t cookie)
{
	struct rewrite_ctx rc = { .cookie = cookie, .static_func = find_static_func(prog) };
	int fd, err;

	err = eb_prog_load_copy(prog, rewrite_cb, &rc, &fd);
	if (err)
		return eb_err_ctx(err, "prog '%s': cookie emulation", prog->name);
	return fd;
}
