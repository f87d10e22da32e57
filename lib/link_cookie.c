// SPDX-License-Identifier: BSD-2-Clause
/*
 * Attach cookies: deciding whether the kernel can carry one, and emulating them
 * where it cannot.
 *
 * Emulation loads a private copy of the program in which each call to helper
 * bpf_get_attach_cookie (id 174) is turned into a bpf-to-bpf call to a tiny
 * subprogram appended at the end: `r0 = <cookie> ll; exit`. A call (rather than
 * an in-place `r0 = cookie`) keeps every jump offset of the program valid, since
 * a helper call and a bpf-to-bpf call are both one instruction and clobber the
 * same registers (r1-r5), and r0 holds the cookie afterwards in both cases.
 */
#include <errno.h>
#include <string.h>

#include "lib/alloc.h"
#include "lib/collection_internal.h"
#include "lib/error.h"
#include "lib/link_internal.h"

#define HELPER_GET_ATTACH_COOKIE 174
/* Instructions appended: ld_imm64 (2 slots) + exit. */
#define COOKIE_SUBPROG_LEN 3
/* The kernel's cap on program size (BPF_COMPLEXITY_LIMIT_INSNS). */
#define MAX_INSNS (1u << 20)

static bool forced_no_cookie;

#ifdef EBPF_FAULT_INJECTION
void eb_link_force_no_cookie(bool on)
{
	__atomic_store_n(&forced_no_cookie, on, __ATOMIC_RELAXED);
}
#endif

bool eb_link_no_cookie_forced(void)
{
	return __atomic_load_n(&forced_no_cookie, __ATOMIC_RELAXED);
}

int eb_link_cookie_plan(enum eb_feature feat, uint64_t cookie, bool emulate, const char *what)
{
	bool have;

	if (!cookie)
		return 0;
	/* UNKNOWN (probe inconclusive): let the attach itself tell. */
	have = !eb_link_no_cookie_forced() && eb_feature(feat) != EB_NO;
	if (have)
		return 0;
	if (emulate)
		return 1;
	return eb_err(-EOPNOTSUPP,
		      "%s: attach cookie %llu requested, but this kernel lacks %s (added in Linux %s); "
		      "set emulate_cookie to attach a private copy with the cookie built in",
		      what, (unsigned long long)cookie, eb_feature_name(feat), eb_feature_since(feat));
}

int eb_link_plan_prog(const struct ebpf_prog *prog, int plan, uint64_t *cookie, int *prog_fd,
		      int *priv_fd, const char *what)
{
	int priv;

	*priv_fd = -1;
	if (plan != 1)
		return 0;
	priv = eb_link_emulated_prog(prog, *cookie);
	if (priv < 0)
		return eb_err_ctx(priv, "%s", what);
	*priv_fd = priv;
	*prog_fd = priv;
	*cookie = 0;
	return 0;
}

int eb_link_multi_check(enum eb_feature feat, bool cookies, const char *what, const char *extra)
{
	if (eb_feature(feat) == EB_NO)
		return eb_err(-EOPNOTSUPP, "%s: this kernel lacks %s (added in Linux %s%s)", what,
			      eb_feature_name(feat), eb_feature_since(feat), extra);
	if (cookies && eb_link_no_cookie_forced())
		return eb_err(-EOPNOTSUPP, "%s: attach cookies are disabled (forced by a test)", what);
	return 0;
}

static bool is_ld_imm64(const struct ebpf_insn *insn)
{
	return insn->code == (EBPF_LD | EBPF_IMM | EBPF_DW);
}

static bool is_cookie_call(const struct ebpf_insn *insn)
{
	return insn->code == (EBPF_JMP | EBPF_CALL) && insn->src_reg == 0 &&
	       insn->imm == HELPER_GET_ATTACH_COOKIE;
}

/* BTF info is kept only with a static FUNC for the new subprogram, else dropped (see header). */
static void drop_btf_info(struct eb_prog_image *img)
{
	eb_free(img->func_info);
	eb_free(img->line_info);
	img->func_info = NULL;
	img->line_info = NULL;
	img->func_info_cnt = 0;
	img->line_info_cnt = 0;
}

int eb_cookie_rewrite(struct eb_prog_image *img, uint64_t cookie, uint32_t static_func_type,
		      uint32_t *rewritten)
{
	struct ebpf_insn *insns;
	uint32_t i, start, n = 0;

	*rewritten = 0;
	for (i = 0; i < img->insn_cnt; i++) {
		if (is_ld_imm64(&img->insns[i]))
			i++;	/* the second slot is data, never an instruction */
		else if (is_cookie_call(&img->insns[i]))
			n++;
	}
	if (!n)
		return 0;
	if (img->insn_cnt > MAX_INSNS - COOKIE_SUBPROG_LEN)
		return eb_err(-E2BIG, "cookie emulation: program too large (%u instructions)",
			      img->insn_cnt);
	start = img->insn_cnt;
	insns = eb_reallocarray(img->insns, start + COOKIE_SUBPROG_LEN, sizeof(*insns));
	if (!insns)
		return -ENOMEM;
	img->insns = insns;

	if (img->func_info_cnt && !static_func_type)
		drop_btf_info(img);
	/* Grow the BTF info first so that a failure leaves a consistent image. */
	if (img->func_info_cnt) {
		struct eb_func_info *fi = eb_reallocarray(img->func_info, img->func_info_cnt + 1,
							  sizeof(*fi));
		if (!fi)
			return -ENOMEM;
		img->func_info = fi;
		fi[img->func_info_cnt] = (struct eb_func_info){ start, static_func_type };
	}
	if (img->line_info_cnt) {
		struct eb_line_info *li = eb_reallocarray(img->line_info, img->line_info_cnt + 1,
							  sizeof(*li));
		if (!li)
			return -ENOMEM;
		img->line_info = li;
		/* The verifier wants a line record at each subprogram's first insn. */
		li[img->line_info_cnt] = li[img->line_info_cnt - 1];
		li[img->line_info_cnt].insn_off = start;
	}
	if (img->func_info_cnt)
		img->func_info_cnt++;
	if (img->line_info_cnt)
		img->line_info_cnt++;

	memset(&insns[start], 0, COOKIE_SUBPROG_LEN * sizeof(*insns));
	insns[start].code = EBPF_LD | EBPF_IMM | EBPF_DW;
	insns[start].dst_reg = 0;
	insns[start].imm = (int32_t)(uint32_t)cookie;
	insns[start + 1].imm = (int32_t)(uint32_t)(cookie >> 32);
	insns[start + 2].code = EBPF_JMP | EBPF_EXIT;

	for (i = 0; i < start; i++) {
		if (is_ld_imm64(&insns[i])) {
			i++;
			continue;
		}
		if (!is_cookie_call(&insns[i]))
			continue;
		insns[i].src_reg = EBPF_PSEUDO_CALL;
		insns[i].imm = (int32_t)(start - (i + 1));
	}
	img->insn_cnt = start + COOKIE_SUBPROG_LEN;
	*rewritten = n;
	return 0;
}
