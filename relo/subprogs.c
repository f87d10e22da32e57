// SPDX-License-Identifier: BSD-2-Clause
/*
 * Linking a program with its subprograms. The kernel wants one instruction
 * array per program: the program's own function first, then every function it
 * can reach through bpf-to-bpf calls and callback pointers (bpf_loop,
 * for_each_map_elem), each exactly once. Calls and BPF_PSEUDO_FUNC loads are
 * relative jumps, so they are patched once every target has its final place;
 * the .BTF.ext records (func_info, line_info, CO-RE) travel with the
 * instructions they describe.
 */
#include <errno.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "lib/alloc.h"
#include "lib/error.h"
#include "relo/relo_internal.h"

/* The kernel's limit on a program's length (BPF_COMPLEXITY_LIMIT_INSNS). */
#define EB_MAX_PROG_INSNS (1u << 20)

struct link_ctx {
	const struct ebpf_spec *spec;
	const struct ebpf_prog_spec *prog;
	struct eb_relo_prog *out;
	struct eb_linked *lk;
	struct eb_relo_cursor *cur;	/* NULL: search every table */
	size_t insn_cap, placed_cap, fi_cap, li_cap, core_cap;
};

/*
 * Room for `need` elements of an output array (insns, func_info, line_info)
 * past the first piece (grow_out): the heap, and a piece that outgrows the
 * caller's scratch moves there.
 */
static int grow_out_slow(struct eb_relo_prog *out, void **arr, size_t *cap, size_t need, size_t elem)
{
	if (*arr && out->scratch && (uintptr_t)*arr - (uintptr_t)out->scratch < out->scratch_size) {
		void *heap = NULL;
		size_t ncap = *cap;

		if (eb_grow(&heap, &ncap, need, elem))
			return -ENOMEM;
		memcpy(heap, *arr, *cap * elem);
		*arr = heap;
		*cap = ncap;
		return 0;
	}
	return eb_grow(arr, cap, need, elem);
}

/*
 * Room for `need` elements of an output array. The first piece comes from the
 * caller's scratch when it fits (exactly `need`: most programs are one
 * function, and their arrays never grow); `scratch_used` stays a multiple of
 * 16, enough alignment for every output array. Inline: it runs three times
 * per program.
 */
static inline int grow_out(struct eb_relo_prog *out, void **arr, size_t *cap, size_t need, size_t elem)
{
	if (need <= *cap)
		return 0;
	if (!*arr && out->scratch_used <= out->scratch_size &&
	    need <= (out->scratch_size - out->scratch_used) / 16 * 16 / elem) {
		*arr = (char *)out->scratch + out->scratch_used;
		*cap = need;
		out->scratch_used += (need * elem + 15) & ~(size_t)15;
		return 0;
	}
	return grow_out_slow(out, arr, cap, need, elem);
}

/* Room for one more placed function; the list starts in lk->placed_inline. */
static int grow_placed(struct link_ctx *c)
{
	struct eb_linked *lk = c->lk;
	struct eb_placed *heap;

	if (lk->placed_cnt < c->placed_cap)
		return 0;
	if (lk->placed != lk->placed_inline)
		return eb_grow((void **)&lk->placed, &c->placed_cap, (size_t)lk->placed_cnt + 1,
			       sizeof(struct eb_placed));
	heap = eb_reallocarray(NULL, (size_t)c->placed_cap * 2, sizeof(*heap));
	if (!heap)
		return -ENOMEM;
	memcpy(heap, lk->placed_inline, (size_t)lk->placed_cnt * sizeof(*heap));
	lk->placed = heap;
	c->placed_cap *= 2;
	return 0;
}

const struct eb_reloc *eb_relo_sec_relocs(const struct eb_text_sec *sec, uint32_t off, uint32_t cnt,
					  uint32_t *n)
{
	uint32_t lo = 0, hi = sec->reloc_cnt, first;

	/* First tag at or after `off` ... */
	while (lo < hi) {
		uint32_t mid = lo + (hi - lo) / 2;

		if (sec->relocs[mid].insn < off)
			lo = mid + 1;
		else
			hi = mid;
	}
	first = lo;
	/* ... up to the first one past the range. */
	while (lo < sec->reloc_cnt && sec->relocs[lo].insn - off < cnt)
		lo++;
	*n = lo - first;
	/* A section without tags has relocs == NULL: NULL + 0 is undefined in C. */
	return *n ? sec->relocs + first : NULL;
}

/*
 * The tags of the program's own function: the spec already knows where they
 * are (reloc_first, reloc_cnt), which saves a binary search over the section's
 * tags per program. Trusted only when its edges agree with the section's
 * sorted tags (O(1)), so the answer is always eb_relo_sec_relocs()'s.
 */
static const struct eb_reloc *prog_relocs(const struct ebpf_prog_spec *prog, const struct eb_text_sec *sec,
					  uint32_t off, uint32_t cnt, uint32_t *n)
{
	uint32_t first = prog->reloc_first, end;
	uint64_t past = (uint64_t)off + cnt;
	const struct eb_reloc *r = sec->relocs;

	if (first > sec->reloc_cnt || prog->reloc_cnt > sec->reloc_cnt - first)
		return eb_relo_sec_relocs(sec, off, cnt, n);
	end = first + prog->reloc_cnt;
	/* the tag before is before the function, the one after is past it, and the ends are inside */
	if ((first > 0 && r[first - 1].insn >= off) || (end < sec->reloc_cnt && r[end].insn < past) ||
	    (first < end && (r[first].insn < off || r[end - 1].insn >= past)))
		return eb_relo_sec_relocs(sec, off, cnt, n);
	*n = prog->reloc_cnt;
	return *n ? r + first : NULL;
}

/* Append function `fi`'s instructions to the program. */
static int place(struct link_ctx *c, uint32_t fi)
{
	const struct eb_func *f = &c->spec->funcs[fi];
	const struct eb_text_sec *sec;
	struct eb_placed *p;
	uint32_t start = c->out->insn_cnt;

	if (f->sec >= c->spec->sec_cnt)
		return eb_err(-EINVAL, "prog '%s': function '%s' is in section %u of %u",
			      c->prog->name, f->name, f->sec, c->spec->sec_cnt);
	sec = &c->spec->secs[f->sec];
	if (f->cnt == 0 || f->off > sec->insn_cnt || f->cnt > sec->insn_cnt - f->off)
		return eb_err(-EINVAL, "prog '%s': function '%s' (instructions %u..%u) lies outside "
			      "section '%s' (%u instructions)", c->prog->name, f->name, f->off,
			      f->off + f->cnt, sec->name, sec->insn_cnt);
	if (f->cnt > EB_MAX_PROG_INSNS - start)
		return eb_err(-E2BIG, "prog '%s': more than %u instructions with its subprograms "
			      "(adding '%s')", c->prog->name, EB_MAX_PROG_INSNS, f->name);
	if (grow_out(c->out, (void **)&c->out->insns, &c->insn_cap, (size_t)start + f->cnt,
		     sizeof(struct ebpf_insn)) ||
	    grow_placed(c))
		return -ENOMEM;
	memcpy(c->out->insns + start, sec->insns + f->off, (size_t)f->cnt * sizeof(struct ebpf_insn));
	c->out->insn_cnt = start + f->cnt;
	p = &c->lk->placed[c->lk->placed_cnt++];
	p->func = fi;
	p->start = start;
	p->rel = fi == c->prog->func ? prog_relocs(c->prog, sec, f->off, f->cnt, &p->rel_cnt) :
		 eb_relo_sec_relocs(sec, f->off, f->cnt, &p->rel_cnt);
	return 0;
}

/*
 * Where function `fi` starts in the program: start + 1, or 0 if not placed yet.
 * A scan of the (short) placed list rather than a per-function table: a table
 * sized by the whole spec made every program cost O(functions in the object),
 * so loading N programs of one object was quadratic.
 */
static uint32_t placed_start(const struct link_ctx *c, uint32_t fi)
{
	for (uint32_t i = 0; i < c->lk->placed_cnt; i++)
		if (c->lk->placed[i].func == fi)
			return c->lk->placed[i].start + 1;
	return 0;
}

/* Resolve one CALL / FUNC_ADDR tag of a placed function; places the callee if new. */
static int link_one(struct link_ctx *c, const struct eb_placed *p, const struct eb_reloc *r)
{
	const struct eb_func *f = &c->spec->funcs[p->func], *callee;
	const struct eb_text_sec *sec = &c->spec->secs[f->sec];
	uint32_t pos = p->start + (r->insn - f->off), tpos;
	struct ebpf_insn *insn;
	int err;

	if (r->target >= c->spec->func_cnt)
		return eb_err(-EINVAL, "prog '%s': %s '%s' at insn %u of section '%s' targets function "
			      "#%u of %u", c->prog->name, r->kind == EBPF_RELOC_CALL ? "call" : "callback",
			      r->sym ? r->sym : "?", r->insn, sec->name, r->target, c->spec->func_cnt);
	callee = &c->spec->funcs[r->target];
	if (r->addend < callee->off || r->addend >= (int64_t)callee->off + callee->cnt)
		return eb_err(-EINVAL, "prog '%s': call at insn %u of section '%s' jumps to insn %lld, "
			      "outside function '%s'", c->prog->name, r->insn, sec->name,
			      (long long)r->addend, callee->name);
	tpos = placed_start(c, r->target);
	if (!tpos) {
		err = place(c, r->target);
		if (err)
			return err;
		tpos = placed_start(c, r->target);
	}
	tpos = tpos - 1 + (uint32_t)(r->addend - callee->off);
	insn = &c->out->insns[pos];
	if (r->kind == EBPF_RELOC_CALL) {
		if (insn->code != EB_INSN_CALL || insn->src_reg != EBPF_PSEUDO_CALL)
			return eb_err(-EINVAL, "prog '%s': insn %u of section '%s' (call '%s') is not a "
				      "bpf-to-bpf call", c->prog->name, r->insn, sec->name, callee->name);
	} else {
		if (insn->code != EB_INSN_LD_IMM64 || r->insn + 1 >= f->off + f->cnt)
			return eb_err(-EINVAL, "prog '%s': insn %u of section '%s' (address of '%s') is "
				      "not a 64-bit immediate load", c->prog->name, r->insn, sec->name,
				      callee->name);
		insn->src_reg = EBPF_PSEUDO_FUNC;
		insn[1].imm = 0;
	}
	/* Both are relative to the next instruction; the range fits: programs are < 2^20. */
	insn->imm = (int32_t)((int64_t)tpos - (int64_t)pos - 1);
	return 0;
}

/*
 * Every bpf-to-bpf call must carry a tag: an untagged one would jump by its
 * original, section-relative offset into the wrong code.
 */
static int check_untagged_calls(struct link_ctx *c, const struct eb_placed *p)
{
	const struct eb_func *f = &c->spec->funcs[p->func];
	const struct eb_text_sec *sec = &c->spec->secs[f->sec];
	const struct eb_reloc *rel = p->rel;
	const uint32_t n = p->rel_cnt, end = f->off + f->cnt;
	uint32_t k = 0;

	if (sec->calls_tagged)	/* the opener saw to it (a scan per program was ~6% of a load) */
		return 0;
	for (uint32_t i = eb_next_pseudo_call(sec->insns, end, f->off); i < end;
	     i = eb_next_pseudo_call(sec->insns, end, i + 1)) {
		while (k < n && rel[k].insn < i)
			k++;
		/* clang emits kfunc calls as pseudo calls too; their tag says which. */
		if (k == n || rel[k].insn != i ||
		    (rel[k].kind != EBPF_RELOC_CALL && rel[k].kind != EBPF_RELOC_KFUNC_CALL))
			return eb_err(-EINVAL, "prog '%s': bpf-to-bpf call at insn %u of section '%s' "
				      "has no relocation", c->prog->name, i, sec->name);
	}
	return 0;
}

/*
 * Append the records of `es` (table `tab`) that describe function `f` to the
 * program's array of that table, decoded and rebased onto `start`. A
 * section's records are in instruction order (clang emits them as it emits
 * the code, and the kernel wants func_info and line_info ascending), so a
 * binary search finds the function's first one and only its own are walked:
 * scanning the whole section for every program made a section of many
 * programs quadratic. Records out of order within the function are refused,
 * as the search could not be trusted for them. Only the records a program
 * uses are decoded and validated (.BTF.ext parsing leaves them raw), so a bad
 * one fails this program's load, before the kernel.
 *
 * The search reads each record's insn_off (every record's first field) in
 * place: ~log2(records) of them per program and table, and a call per read
 * was a quarter of loading 1,000 programs of one section. Raw records hold it
 * in bytes, decoded ones in instructions. A load never meets raw records in
 * the foreign byte order (eb_relo_program refuses such objects), so they are
 * read as they are.
 *
 * `cur` (the program's own function only: subprograms live elsewhere and
 * would move it away from the next program) starts the run where the previous
 * program's ended when that is where the search would land.
 */
struct rec_reader {
	const uint8_t *base;
	size_t stride;
	unsigned shift;
};

static inline uint32_t rec_insn(const struct rec_reader *r, uint32_t i)
{
	uint32_t v;

	memcpy(&v, r->base + (size_t)i * r->stride, sizeof(v));
	return v >> r->shift;
}

/* Index of the first record at or after instruction `off`. */
static uint32_t rec_lower_bound(const struct rec_reader *rr, uint32_t cnt, uint32_t off)
{
	uint32_t lo = 0, hi = cnt;

	while (lo < hi) {
		uint32_t mid = lo + (hi - lo) / 2;

		if (rec_insn(rr, mid) < off)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

static const char *const table_what[] = { "func_info", "line_info", "CO-RE" };

static int carry_recs(struct link_ctx *c, const struct eb_btf_ext_sec *es, enum eb_btf_ext_table tab,
		      const struct eb_func *f, uint32_t start, struct eb_relo_cursor *cur)
{
	const size_t rec_size = eb_btf_ext_rec_size(tab);
	const struct rec_reader rr = {
		.base = es->recs ? es->recs : es->raw,
		.stride = es->recs ? rec_size : es->rec_size,
		.shift = es->recs ? 0 : 3,
	};
	uint32_t lo, end, prev = f->off, *out_cnt;
	size_t *cap;
	void **out;
	int err;

	lo = cur ? cur->next[tab] : 0;
	/* Trust the cursor only where the search would land: the record before it is before f. */
	if (!cur || cur->sec[tab] != es || lo > es->cnt || (lo && rec_insn(&rr, lo - 1) >= f->off) ||
	    (lo < es->cnt && rec_insn(&rr, lo) < f->off))
		lo = rec_lower_bound(&rr, es->cnt, f->off);
	/* The run of records inside f, ascending. */
	for (end = lo; end < es->cnt; end++) {
		uint32_t insn = rec_insn(&rr, end);

		if (insn - f->off >= f->cnt)
			break;
		if (insn < prev)
			return eb_err(-EINVAL, "prog '%s': %s records of section '%s' are not in instruction order "
				      "(insn %u after %u)", c->prog->name, table_what[tab],
				      es->sec_name ? es->sec_name : "?", insn, prev);
		prev = insn;
	}
	if (cur) {
		cur->sec[tab] = es;
		cur->next[tab] = end;
	}
	if (end == lo)
		return 0;
	switch (tab) {
	case EB_EXT_FUNC_INFO:
		out = (void **)&c->out->func_info, out_cnt = &c->out->func_info_cnt, cap = &c->fi_cap;
		break;
	case EB_EXT_LINE_INFO:
		out = (void **)&c->out->line_info, out_cnt = &c->out->line_info_cnt, cap = &c->li_cap;
		break;
	default:
		out = (void **)&c->lk->core, out_cnt = &c->lk->core_cnt, cap = &c->core_cap;
		break;
	}
	/* CO-RE records belong to the eb_linked, which frees them itself: never in the scratch */
	if (tab == EB_EXT_CORE_RELO ? eb_grow(out, cap, (size_t)*out_cnt + (end - lo), rec_size) :
	    grow_out(c->out, out, cap, (size_t)*out_cnt + (end - lo), rec_size))
		return -ENOMEM;
	/* rebased as decoded: insn - f->off + start, wrapping like the sum it is */
	err = eb_btf_ext_decode_rebased(c->spec->btf, es, tab, lo, end - lo, start - f->off,
					(char *)*out + (size_t)*out_cnt * rec_size);
	if (err)
		return eb_err_ctx(err, "prog '%s'", c->prog->name);
	*out_cnt += end - lo;
	return 0;
}

/* Copy the .BTF.ext records of placed function `p`, rebased onto the final program. */
static int carry_ext(struct link_ctx *c, const struct eb_placed *p, bool own)
{
	const struct eb_func *f = &c->spec->funcs[p->func];
	const struct eb_text_sec *sec = &c->spec->secs[f->sec];
	struct eb_relo_cursor *cur = own ? c->cur : NULL;
	int err = 0;

	if (sec->func_info)
		err = carry_recs(c, sec->func_info, EB_EXT_FUNC_INFO, f, p->start, cur);
	if (!err && sec->line_info)
		err = carry_recs(c, sec->line_info, EB_EXT_LINE_INFO, f, p->start, cur);
	if (!err && sec->core_relo)
		err = carry_recs(c, sec->core_relo, EB_EXT_CORE_RELO, f, p->start, cur);
	return err;
}

int eb_relo_link(const struct ebpf_spec *spec, const struct ebpf_prog_spec *prog,
		 struct eb_relo_cursor *cur, struct eb_relo_prog *out, struct eb_linked *lk)
{
	struct link_ctx c = { .spec = spec, .prog = prog, .out = out, .lk = lk, .cur = cur,
			      .placed_cap = EB_PLACED_INLINE };
	int err;

	lk->placed = lk->placed_inline;
	lk->placed_cnt = 0;
	lk->core = NULL;
	lk->core_cnt = 0;
	if (prog->func >= spec->func_cnt)
		return eb_err(-EINVAL, "prog '%s': function #%u of %u", prog->name, prog->func,
			      spec->func_cnt);
	err = place(&c, prog->func);
	/* The list grows while it is walked: callees are appended behind their callers. */
	for (uint32_t i = 0; !err && i < lk->placed_cnt; i++) {
		struct eb_placed p = lk->placed[i];	/* copy: place() may move the array */

		for (uint32_t k = 0; !err && k < p.rel_cnt; k++)
			if (p.rel[k].kind == EBPF_RELOC_CALL || p.rel[k].kind == EBPF_RELOC_FUNC_ADDR)
				err = link_one(&c, &p, &p.rel[k]);
		if (!err)
			err = check_untagged_calls(&c, &p);
		if (!err)
			err = carry_ext(&c, &p, i == 0);
	}
	return err;
}

void eb_relo_linked_free(struct eb_linked *lk)
{
	if (lk->placed != lk->placed_inline)
		eb_free(lk->placed);
	eb_free(lk->core);
	lk->placed = lk->placed_inline;
	lk->placed_cnt = 0;
	lk->core = NULL;
	lk->core_cnt = 0;
}
