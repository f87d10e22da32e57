// SPDX-License-Identifier: BSD-2-Clause
/*
 * Patching a linked program's tagged instructions with what this load knows:
 * map fds (BPF_PSEUDO_MAP_FD), global data and .kconfig (BPF_PSEUDO_MAP_VALUE +
 * offset), __ksym variables (BPF_PSEUDO_BTF_ID or a kallsyms address), kfunc
 * calls (BPF_PSEUDO_KFUNC_CALL + fd_array slot) and kfunc addresses. Missing
 * weak symbols become zero; missing strong ones fail this program only.
 */
#include <errno.h>
#include <string.h>

#include "lib/alloc.h"
#include "lib/error.h"
#include "relo/relo_internal.h"

struct patch_ctx {
	const struct ebpf_spec *spec;
	const struct ebpf_prog_spec *prog;
	const struct eb_extern_res *res;
	const int *map_fds;
	struct eb_relo_prog *out;
	/* Where the tag being patched is, for messages. */
	const struct eb_text_sec *sec;
	const struct eb_reloc *r;
	uint32_t pos;
};

static const char *sym_of(const struct patch_ctx *c)
{
	return c->r->sym ? c->r->sym : "?";
}

static __attribute__((noinline)) int not_ld_imm64(const struct patch_ctx *c)
{
	return eb_err(-EINVAL, "prog '%s': insn %u of section '%s' (symbol '%s') is not a "
		      "64-bit immediate load", c->prog->name, c->r->insn, c->sec->name, sym_of(c));
}

/* The test inline, the message out of line: every map tag of every program passes here. */
static inline int need_ld_imm64(const struct patch_ctx *c, const struct eb_func *f)
{
	if (c->out->insns[c->pos].code != EB_INSN_LD_IMM64 || c->r->insn + 1 >= f->off + f->cnt)
		return not_ld_imm64(c);
	return 0;
}

/* The fd_array slot of a module BTF (0 for vmlinux), added on first use. */
static int btf_slot(struct eb_relo_prog *out, const struct eb_extern_res *res, uint32_t *slot)
{
	struct ebpf_btf **btfs;
	const char **mods;
	uint32_t n = out->fd_btf_cnt;

	*slot = 0;
	if (!res->module)
		return 0;
	for (uint32_t i = 0; i < n; i++) {
		if (out->fd_btfs[i] == res->btf) {
			*slot = i + 1;
			return 0;
		}
	}
	/* `off` of a kfunc call is an s16, and slot 0 is vmlinux's. */
	if (n + 1 > INT16_MAX)
		return eb_err(-E2BIG, "more than %d module BTFs in one program", INT16_MAX - 1);
	btfs = eb_reallocarray(out->fd_btfs, n + 1, sizeof(*btfs));
	if (!btfs)
		return -ENOMEM;
	out->fd_btfs = btfs;
	mods = eb_reallocarray(out->fd_modules, n + 1, sizeof(*mods));
	if (!mods)
		return -ENOMEM;
	out->fd_modules = mods;
	btfs[n] = eb_btf_get(res->btf);
	mods[n] = res->module;
	out->fd_btf_cnt = n + 1;
	*slot = n + 1;
	return 0;
}

static int patch_map(struct patch_ctx *c, const struct eb_func *f)
{
	struct ebpf_insn *insn = &c->out->insns[c->pos];
	const struct ebpf_map_spec *m;
	int err, fd;

	err = need_ld_imm64(c, f);
	if (err)
		return err;
	if (c->r->target >= c->spec->map_cnt)
		return eb_err(-EINVAL, "prog '%s': insn %u of section '%s' refers to map #%u of %u",
			      c->prog->name, c->r->insn, c->sec->name, c->r->target, c->spec->map_cnt);
	m = c->spec->maps[c->r->target];
	fd = c->map_fds ? c->map_fds[c->r->target] : -1;
	if (fd < 0)
		return eb_err(-ENOENT, "prog '%s': map '%s' was not created", c->prog->name, m->name);
	insn[0].imm = fd;
	if (c->r->kind == EBPF_RELOC_MAP) {
		insn[0].src_reg = EBPF_PSEUDO_MAP_FD;
		insn[1].imm = 0;
		return 0;
	}
	/* DATA: the variable's offset inside the map value. */
	if (c->r->addend < 0 || c->r->addend > m->value_size)
		return eb_err(-EINVAL, "prog '%s': '%s' at offset %lld is outside map '%s' (%u bytes)",
			      c->prog->name, sym_of(c), (long long)c->r->addend, m->name, m->value_size);
	insn[0].src_reg = EBPF_PSEUDO_MAP_VALUE;
	insn[1].imm = (int32_t)c->r->addend;
	return 0;
}

/* The extern a tag names, checked to be of one of the kinds this tag allows. */
static int tag_extern(struct patch_ctx *c, const struct eb_extern **ext,
		      const struct eb_extern_res **res, enum ebpf_extern_kind k1, enum ebpf_extern_kind k2)
{
	if (c->r->target >= c->spec->extern_cnt)
		return eb_err(-EINVAL, "prog '%s': insn %u of section '%s' refers to extern #%u of %u",
			      c->prog->name, c->r->insn, c->sec->name, c->r->target, c->spec->extern_cnt);
	*ext = &c->spec->externs[c->r->target];
	if ((*ext)->kind != k1 && (*ext)->kind != k2)
		return eb_err(-EINVAL, "prog '%s': insn %u of section '%s' uses %s '%s' in a way "
			      "only a %s allows", c->prog->name, c->r->insn, c->sec->name,
			      eb_extern_kind_str((*ext)->kind), (*ext)->name, eb_extern_kind_str(k1));
	if (!c->res)
		return eb_err(-EINVAL, "prog '%s': %s '%s': externs were not resolved", c->prog->name,
			      eb_extern_kind_str((*ext)->kind), (*ext)->name);
	*res = &c->res[c->r->target];
	return 0;
}

/* A strong extern that is missing fails the program that uses it. */
static int missing_strong(const struct patch_ctx *c, const struct eb_extern *ext,
			  const struct eb_extern_res *res)
{
	return eb_err(res->err ? res->err : -ENOENT, "prog '%s': %s '%s': %s", c->prog->name,
		      eb_extern_kind_str(ext->kind), ext->name, res->msg ? res->msg : "not found");
}

static int patch_kconfig(struct patch_ctx *c, const struct eb_func *f)
{
	struct ebpf_insn *insn = &c->out->insns[c->pos];
	const struct eb_extern_res *res;
	const struct eb_extern *ext;
	const struct ebpf_map_spec *m;
	int err, fd;

	err = need_ld_imm64(c, f);
	if (!err)
		err = tag_extern(c, &ext, &res, EBPF_EXTERN_KCONFIG, EBPF_EXTERN_KCONFIG);
	if (err)
		return err;
	if (!res->found && !ext->weak)
		return missing_strong(c, ext, res);
	if (c->spec->kconfig_map < 0 || (uint32_t)c->spec->kconfig_map >= c->spec->map_cnt)
		return eb_err(-EINVAL, "prog '%s': kconfig '%s' is used but the object has no .kconfig map",
			      c->prog->name, ext->name);
	m = c->spec->maps[c->spec->kconfig_map];
	fd = c->map_fds ? c->map_fds[c->spec->kconfig_map] : -1;
	if (fd < 0)
		return eb_err(-ENOENT, "prog '%s': map '%s' was not created", c->prog->name, m->name);
	if (c->r->addend < 0 || c->r->addend >= m->value_size)
		return eb_err(-EINVAL, "prog '%s': kconfig '%s' at offset %lld is outside map '%s' "
			      "(%u bytes)", c->prog->name, ext->name, (long long)c->r->addend, m->name,
			      m->value_size);
	insn[0].src_reg = EBPF_PSEUDO_MAP_VALUE;
	insn[0].imm = fd;
	insn[1].imm = (int32_t)c->r->addend;
	return 0;
}

/* ld_imm64 of a plain 64-bit constant (typeless ksym address, or NULL). */
static void set_imm64(struct ebpf_insn *insn, uint64_t v)
{
	insn[0].src_reg = 0;
	insn[0].imm = (int32_t)(uint32_t)v;
	insn[1].imm = (int32_t)(uint32_t)(v >> 32);
}

/* KSYM_VAR (typed or typeless) and KFUNC_ADDR: both are ld_imm64 of a kernel symbol. */
static int patch_ksym_load(struct patch_ctx *c, const struct eb_func *f)
{
	struct ebpf_insn *insn = &c->out->insns[c->pos];
	const struct eb_extern_res *res;
	const struct eb_extern *ext;
	uint32_t slot;
	int err;

	err = need_ld_imm64(c, f);
	if (err)
		return err;
	if (c->r->kind == EBPF_RELOC_KFUNC_ADDR)
		err = tag_extern(c, &ext, &res, EBPF_EXTERN_KFUNC, EBPF_EXTERN_KFUNC);
	else
		err = tag_extern(c, &ext, &res, EBPF_EXTERN_KSYM_VAR, EBPF_EXTERN_KSYM_TYPELESS);
	if (err)
		return err;
	if (!res->found) {
		if (!ext->weak)
			return missing_strong(c, ext, res);
		set_imm64(insn, 0);	/* bpf_ksym_exists() is false; the guarded code is dead */
		return 0;
	}
	if (ext->kind == EBPF_EXTERN_KSYM_TYPELESS) {
		set_imm64(insn, res->addr);
		return 0;
	}
	err = btf_slot(c->out, res, &slot);
	if (err)
		return err;
	/* `off` stays as it is: the verifier rejects reserved fields of ld_imm64. */
	insn[0].src_reg = EBPF_PSEUDO_BTF_ID;
	insn[0].imm = (int32_t)res->btf_id;
	insn[1].imm = (int32_t)slot;
	return 0;
}

static int patch_kfunc_call(struct patch_ctx *c)
{
	struct ebpf_insn *insn = &c->out->insns[c->pos];
	const struct eb_extern_res *res;
	const struct eb_extern *ext;
	uint32_t slot;
	int err;

	if (insn->code != EB_INSN_CALL)
		return eb_err(-EINVAL, "prog '%s': insn %u of section '%s' (symbol '%s') is not a call",
			      c->prog->name, c->r->insn, c->sec->name, sym_of(c));
	err = tag_extern(c, &ext, &res, EBPF_EXTERN_KFUNC, EBPF_EXTERN_KFUNC);
	if (err)
		return err;
	insn->src_reg = EBPF_PSEUDO_KFUNC_CALL;
	if (!res->found) {
		if (!ext->weak)
			return missing_strong(c, ext, res);
		/*
		 * imm 0 is the kernel's marker of an unresolved kfunc call: fine as
		 * dead code (guarded by bpf_ksym_exists), an error if reachable. The
		 * note lets the load error name the kfunc.
		 */
		insn->imm = 0;
		insn->off = 0;
		return eb_relo_add_note(c->out, c->pos, "weak kfunc '%s' is missing in this kernel "
					"(%s); guard the call with bpf_ksym_exists()", ext->name,
					res->msg ? res->msg : "not found");
	}
	err = btf_slot(c->out, res, &slot);
	if (err)
		return err;
	insn->imm = (int32_t)res->btf_id;
	insn->off = (int16_t)slot;
	return 0;
}

/*
 * The tags other than maps and data, which most programs never have: out of
 * line, so the loop over a program's tags keeps its few values in registers.
 */
static __attribute__((noinline)) int patch_rare(struct patch_ctx *c, const struct eb_func *f)
{
	switch (c->r->kind) {
	case EBPF_RELOC_KCONFIG:
		return patch_kconfig(c, f);
	case EBPF_RELOC_KSYM_VAR:
	case EBPF_RELOC_KFUNC_ADDR:
		return patch_ksym_load(c, f);
	case EBPF_RELOC_KFUNC_CALL:
		return patch_kfunc_call(c);
	default:
		return eb_err(-EINVAL, "prog '%s': insn %u of section '%s': unknown relocation kind %d",
			      c->prog->name, c->r->insn, c->sec->name, (int)c->r->kind);
	}
}

int eb_relo_patch(const struct ebpf_spec *spec, const struct ebpf_prog_spec *prog,
		  const struct eb_relo_env *env, const struct eb_extern_res *res, const int *map_fds,
		  const struct eb_linked *lk, struct eb_relo_prog *out)
{
	struct patch_ctx c = { .spec = spec, .prog = prog, .res = res, .map_fds = map_fds, .out = out };
	const struct eb_placed *p = lk->placed, *placed_end = p + lk->placed_cnt;

	(void)env;
	for (; p < placed_end; p++) {
		const struct eb_func *f = &spec->funcs[p->func];
		/* no tags: rel is NULL, and NULL + 0 is undefined in C */
		const struct eb_reloc *r = p->rel, *end = r ? r + p->rel_cnt : r;

		c.sec = &spec->secs[f->sec];
		for (; r < end; r++) {
			int err;

			/* calls and function addresses were linked by eb_relo_link() */
			if (r->kind == EBPF_RELOC_CALL || r->kind == EBPF_RELOC_FUNC_ADDR)
				continue;
			c.r = r;
			c.pos = p->start + (r->insn - f->off);
			err = r->kind == EBPF_RELOC_MAP || r->kind == EBPF_RELOC_DATA ? patch_map(&c, f) :
										  patch_rare(&c, f);
			if (err)
				return err;
		}
	}
	return 0;
}
