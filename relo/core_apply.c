// SPDX-License-Identifier: BSD-2-Clause
/*
 * eb_core_apply(): for each CO-RE record of a program, resolve its access path
 * in the object's BTF, find it again in the target BTF among the candidates of
 * the same essential name, compute the target value and patch the
 * instruction. Candidates that match must agree; a relocation nothing
 * satisfies poisons its instruction and leaves a note that explains it.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "lib/alloc.h"
#include "lib/error.h"
#include "relo/core_internal.h"

/* Everything one record's processing needs; three specs are too big for comfort on the stack. */
struct relo_ctx {
	const struct ebpf_btf *local;
	const struct ebpf_btf *targ;
	const struct ebpf_btf *cbtf;	/* where the current candidates live: targ or a module's BTF */
	struct eb_core_cache *cache;
	const char *prog;
	bool big_endian;
	struct eb_core_spec lspec, cspec, tspec;
	char path[256];
};

static bool host_big_endian(void)
{
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__
	return true;
#else
	return false;
#endif
}

static const char *type_word(const struct btf_type *t)
{
	switch (btf_kind(t)) {
	case BTF_KIND_STRUCT: return "struct";
	case BTF_KIND_UNION: return "union";
	case BTF_KIND_ENUM:
	case BTF_KIND_ENUM64: return "enum";
	case BTF_KIND_TYPEDEF: return "typedef";
	case BTF_KIND_FWD: return "forward declaration";
	default: return "type";
	}
}

/* Why nothing matched, phrased for the person who wrote the program. */
static int add_unmatched_note(struct relo_ctx *c, const struct eb_core_relo *r, uint32_t cand_cnt,
			      struct eb_relo_prog *out)
{
	const struct btf_type *lt = eb_btf_type(c->local, r->type_id);
	const char *lname = lt ? eb_btf_name(c->local, lt) : "";
	int elen = (int)eb_btf_essential_len(lname);
	const char *kind = eb_core_kind_name(r->kind);

	if (cand_cnt == 0 && eb_core_kind_is_type(r->kind))
		return eb_relo_add_note(out, r->insn_off, "%s: not found in kernel BTF (CO-RE %s)", c->path, kind);
	if (cand_cnt == 0)
		return eb_relo_add_note(out, r->insn_off, "%s: %s %.*s not found in kernel BTF (CO-RE %s)",
					c->path, lt ? type_word(lt) : "type", elen, lname, kind);
	if (eb_core_kind_is_field(r->kind))
		return eb_relo_add_note(out, r->insn_off, "%s: field not found in kernel BTF (CO-RE %s)",
					c->path, kind);
	if (eb_core_kind_is_enumval(r->kind))
		return eb_relo_add_note(out, r->insn_off, "%s: enumerator not found in kernel BTF (CO-RE %s)",
					c->path, kind);
	return eb_relo_add_note(out, r->insn_off, "%s: no compatible type in kernel BTF (CO-RE %s)", c->path,
				kind);
}

static void value_str(const struct eb_core_res *res, char *buf, size_t len)
{
	if (res->poison)
		snprintf(buf, len, "unsatisfiable");
	else
		snprintf(buf, len, "%" PRIu64, res->new_val);
}

static int ambiguous(struct relo_ctx *c, uint32_t first_id, const struct eb_core_res *first, uint32_t id,
		     const struct eb_core_res *res)
{
	const struct btf_type *a = eb_btf_type(c->cbtf, first_id), *b = eb_btf_type(c->cbtf, id);
	char va[24], vb[24];

	value_str(first, va, sizeof(va));
	value_str(res, vb, sizeof(vb));
	if (!first->poison && !res->poison && first->new_val == res->new_val)
		/* Same value, different field position (e.g. field_exists). */
		snprintf(va, sizeof(va), "bit %" PRIu64, c->tspec.bit_off), snprintf(vb, sizeof(vb), "bit %" PRIu64, c->cspec.bit_off);
	return eb_err(-EINVAL, "ambiguous: kernel types [%u] %s and [%u] %s both match but give different results (%s vs %s)",
		      first_id, eb_btf_name(c->cbtf, a), id, eb_btf_name(c->cbtf, b), va, vb);
}

/* Result of matching every candidate; *matched is how many matched. */
static int resolve(struct relo_ctx *c, const struct eb_core_relo *r, struct eb_core_res *res,
		   uint32_t *cand_cnt)
{
	const struct eb_core_cands *cands;
	uint32_t matched = 0, first_id = 0;
	int err;

	*cand_cnt = 0;
	if (r->kind == EB_CORE_TYPE_ID_LOCAL)
		return eb_core_calc(&c->lspec, NULL, c->big_endian, res);
	err = eb_core_cands_get(c->cache, c->local, r->type_id, c->targ, &cands);
	if (err)
		return err;
	*cand_cnt = cands->cnt;
	c->cbtf = cands->btf;
	for (uint32_t i = 0; i < cands->cnt; i++) {
		uint32_t id = cands->ids[i];
		struct eb_core_res cres;

		err = eb_core_spec_match(&c->lspec, c->cbtf, id, &c->cspec);
		if (err < 0)
			return eb_err(err, "walking kernel type [%u] failed (malformed or too deep)", id);
		if (err == 0)
			continue;
		err = eb_core_calc(&c->lspec, &c->cspec, c->big_endian, &cres);
		if (err)
			return eb_err_ctx(err, "kernel type [%u]", id);
		if (matched == 0) {
			*res = cres;
			c->tspec = c->cspec;
			first_id = id;
		} else if (cres.poison != res->poison || cres.new_val != res->new_val ||
			   (eb_core_kind_is_field(r->kind) && c->cspec.bit_off != c->tspec.bit_off)) {
			return ambiguous(c, first_id, res, id, &cres);
		}
		matched++;
	}
	if (matched == 0)
		return eb_core_calc(&c->lspec, NULL, c->big_endian, res);
	return 0;
}

/*
 * The relocation as the person who wrote it would name it, into c->path: only
 * built when a message needs it (it cost one snprintf per relocation).
 * `parsed`: c->lspec holds this relocation's parsed access path.
 */
static void describe(struct relo_ctx *c, const struct eb_core_relo *r, const char *access, bool parsed)
{
	if (parsed)
		eb_core_spec_str(&c->lspec, c->path, sizeof(c->path));
	else
		snprintf(c->path, sizeof(c->path), "type [%u] access '%s'", r->type_id, access ? access : "?");
}

/* The relocation's values: remembered from an earlier identical relocation, or resolved now. */
static int resolve_once(struct relo_ctx *c, const struct eb_core_relo *r, const char *access,
			struct eb_core_res *res, uint32_t *cand_cnt, bool *parsed)
{
	const struct eb_core_memo *hit =
		eb_core_memo_get(c->cache, c->local, c->targ, r->type_id, r->access_str_off, r->kind);
	struct eb_core_memo m;
	int err;

	*parsed = false;
	if (hit) {
		*res = hit->res;
		*cand_cnt = hit->cand_cnt;
		return 0;
	}
	err = eb_core_spec_parse(c->local, r->type_id, access, r->kind, &c->lspec);
	if (err)
		return err;
	*parsed = true;
	if (!c->targ && r->kind != EB_CORE_TYPE_ID_LOCAL)
		return eb_err(-ENOENT, "no kernel BTF to relocate against (is /sys/kernel/btf/vmlinux there?)");
	err = resolve(c, r, res, cand_cnt);
	if (err)
		return err;
	m = (struct eb_core_memo){ r->type_id, r->access_str_off, r->kind, *cand_cnt, *res };
	eb_core_memo_put(c->cache, c->local, c->targ, &m);
	return 0;
}

static int apply_one(struct relo_ctx *c, uint32_t ri, const struct eb_core_relo *r, struct ebpf_insn *insns,
		     uint32_t insn_cnt, struct eb_relo_prog *out)
{
	const char *access = eb_btf_str(c->local, r->access_str_off);
	struct eb_core_res res;
	uint32_t cand_cnt = 0;
	bool poisoned = false, parsed;
	int err;

	err = resolve_once(c, r, access, &res, &cand_cnt, &parsed);
	if (!err)
		err = eb_core_patch(insns, insn_cnt, r->insn_off, &res, &poisoned);
	/* A remembered result was parsed fine before: parse again (no message on success) to name it. */
	if ((err || poisoned) && !parsed && eb_core_memo_get(c->cache, c->local, c->targ, r->type_id,
							     r->access_str_off, r->kind))
		parsed = eb_core_spec_parse(c->local, r->type_id, access, r->kind, &c->lspec) == 0;
	if (err) {
		describe(c, r, access, parsed);
		return eb_err_ctx(err, "prog '%s': CO-RE relocation #%u (%s %s) at insn %u", c->prog, ri,
				  eb_core_kind_name(r->kind), c->path, r->insn_off);
	}
	if (!poisoned)
		return 0;
	describe(c, r, access, parsed);
	if (res.fail_memsz)
		err = eb_relo_add_note(out, r->insn_off,
				       "%s: field is %u bytes in kernel BTF but %u in the object, and only unsigned "
				       "integers and pointers can be read with another size (CO-RE %s)",
				       c->path, res.new_sz, res.orig_sz, eb_core_kind_name(r->kind));
	else
		err = add_unmatched_note(c, r, cand_cnt, out);
	if (!err)
		eb_debug("prog '%s': insn %u poisoned: %s", c->prog, r->insn_off,
			 out->notes[out->note_cnt - 1].what);
	return err;
}

int eb_core_apply(const struct ebpf_btf *local, const struct ebpf_btf *targ,
		  struct eb_core_cache *cache, const char *prog_name,
		  struct ebpf_insn *insns, uint32_t insn_cnt,
		  const struct eb_core_relo *relos, uint32_t cnt,
		  struct eb_relo_prog *out)
{
	struct eb_core_cache *own = NULL;
	struct relo_ctx *c;
	int err = 0;

	if (!cnt)
		return 0;
	if (!local)
		return eb_err(-EINVAL, "prog '%s': CO-RE relocations without object BTF", prog_name);
	c = eb_calloc(1, sizeof(*c));
	if (!c)
		return -ENOMEM;
	if (!cache) {
		own = cache = eb_core_cache_new();
		if (!own) {
			eb_free(c);
			return -ENOMEM;
		}
	}
	c->local = local;
	c->targ = targ;
	c->cache = cache;
	c->prog = prog_name ? prog_name : "?";
	/* Bitfield shifts follow the target kernel's byte order; a foreign BTF file tells us it differs. */
	c->big_endian = host_big_endian() != (targ && eb_btf_swapped(targ));
	for (uint32_t i = 0; i < cnt && !err; i++)
		err = apply_one(c, i, &relos[i], insns, insn_cnt, out);
	eb_core_cache_free(own);
	eb_free(c);
	return err;
}
