// SPDX-License-Identifier: BSD-2-Clause
/*
 * Relocation tags: every ELF relocation against an executable section becomes
 * a struct eb_reloc on its instruction, saying what the instruction refers to
 * (map, data, subprogram, kconfig, ksym, kfunc). Nothing is patched here; the
 * relocation engine resolves the tags at load time.
 *
 * Calls between functions of one section need no ELF relocation (clang resolves
 * the relative offset itself) but are tagged too, so the engine sees every call.
 */
#include <elf.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "lib/alloc.h"
#include "lib/elf_reader.h"
#include "lib/error.h"

#ifndef R_BPF_64_64
#define R_BPF_64_64 1
#endif
#ifndef R_BPF_64_32
#define R_BPF_64_32 10
#endif

#define LD_IMM64 (EBPF_LD | EBPF_IMM | EBPF_DW)
#define CALL (EBPF_JMP | EBPF_CALL)

/*
 * The tags of every executable section, one section after another in section
 * order, in the array that becomes spec->reloc_store (no copy at the end). The
 * section being read owns [first, cnt).
 */
struct tag_list {
	struct eb_reloc *v;
	size_t cnt, cap;
	size_t first;
	const struct ebpf_spec *spec;	/* v may be carved from its block (eb_spec_carve) */
};

/* Room for one more tag: v grows on the heap (a carved v is copied out, never reallocated). */
static __attribute__((noinline)) int grow_tags(struct tag_list *l)
{
	struct eb_reloc *v = l->v;
	size_t cap = l->cap;

	if (!eb_spec_carved(l->spec, v))
		return eb_grow((void **)&l->v, &l->cap, l->cnt + 1, sizeof(*l->v));
	v = NULL;
	if (eb_grow((void **)&v, &cap, l->cnt + 1, sizeof(*v)))
		return -ENOMEM;
	memcpy(v, l->v, l->cnt * sizeof(*v));
	l->v = v;
	l->cap = cap;
	return 0;
}

struct reloc_ctx {
	struct eb_elf *e;
	struct ebpf_spec *spec;
	struct eb_text_sec *ts;
	const char *rel_sec;	/* the relocation section's name */
	uint64_t r_off;		/* byte offset of the relocated instruction */
	const struct eb_elf_sym *sym;
};

/* `sym` must live as long as the spec: a name in the image or an extern's name. */
static inline int add_tag(struct tag_list *l, uint32_t insn, enum ebpf_reloc_kind kind, uint32_t target,
			  int64_t addend, const char *sym)
{
	/* Room was reserved for every ELF relocation; only local calls can need more. */
	if (l->cnt == l->cap && grow_tags(l))
		return -ENOMEM;
	l->v[l->cnt++] = (struct eb_reloc){ .insn = insn, .kind = kind, .target = target, .addend = addend,
					    .sym = sym };
	return 0;
}

/* A symbol's label (see eb_elf_sym_label()): a name in the image, as the spec keeps it. */
static const char *kept_label(const struct reloc_ctx *c, const struct eb_elf_sym *s)
{
	return eb_elf_kept_name(c->e, eb_elf_sym_label(c->e, s));
}

/*
 * The function starting at instruction `insn` of executable section `text`, or -1.
 * spec->funcs is sorted by (section, first instruction), as eb_elf_read_progs()
 * builds it, so a binary search finds it (a linear scan per call was quadratic).
 */
static int32_t func_at(const struct ebpf_spec *spec, uint32_t text, int64_t insn)
{
	uint32_t lo = 0, hi = spec->func_cnt;

	while (lo < hi) {
		uint32_t mid = lo + (hi - lo) / 2;
		const struct eb_func *f = &spec->funcs[mid];

		if (f->sec < text || (f->sec == text && f->off < insn))
			lo = mid + 1;
		else
			hi = mid;
	}
	if (lo < spec->func_cnt && spec->funcs[lo].sec == text && spec->funcs[lo].off == insn)
		return (int32_t)lo;
	return -1;
}

#define RELOC_ERR(c, fmt, ...)                                                                          \
	eb_err(-EINVAL, "%s: section '%s': relocation at offset %llu (insn %llu) against '%s': " fmt,       \
	       (c)->e->obj, (c)->ts->name, (unsigned long long)(c)->r_off,                                 \
	       (unsigned long long)((c)->r_off / 8), eb_elf_sym_label((c)->e, (c)->sym), ##__VA_ARGS__)

/* A call or function pointer to code: which function, at which instruction. */
static int code_target(struct reloc_ctx *c, int64_t insn_idx, int32_t *func)
{
	const struct eb_elf_sec *tsec = &c->e->secs[c->sym->shndx];
	uint32_t text = (uint32_t)tsec->text;

	if (insn_idx < 0 || insn_idx >= c->spec->secs[text].insn_cnt)
		return RELOC_ERR(c, "target instruction %lld is outside section '%s'", (long long)insn_idx,
				 tsec->name);
	*func = func_at(c->spec, text, insn_idx);
	if (*func < 0)
		return RELOC_ERR(c, "target instruction %lld of section '%s' is not the start of a function",
				 (long long)insn_idx, tsec->name);
	return 0;
}

static int tag_extern(struct reloc_ctx *c, struct tag_list *l, const struct ebpf_insn *in, uint32_t idx)
{
	const struct eb_extern *x = &c->spec->externs[c->sym->ext];
	uint32_t ext = (uint32_t)c->sym->ext;

	if (in->code == CALL) {
		if (x->kind != EBPF_EXTERN_KFUNC)
			return RELOC_ERR(c, "call of an extern that is not a kernel function (__ksym)");
		return add_tag(l, idx, EBPF_RELOC_KFUNC_CALL, ext, 0, x->name);
	}
	switch (x->kind) {
	case EBPF_EXTERN_KCONFIG:
		return add_tag(l, idx, EBPF_RELOC_KCONFIG, ext, (int64_t)x->offset + in->imm, x->name);
	case EBPF_EXTERN_KSYM_VAR:
	case EBPF_EXTERN_KSYM_TYPELESS:
		return add_tag(l, idx, EBPF_RELOC_KSYM_VAR, ext, 0, x->name);
	case EBPF_EXTERN_KFUNC:
		return add_tag(l, idx, EBPF_RELOC_KFUNC_ADDR, ext, 0, x->name);
	}
	return RELOC_ERR(c, "unknown extern kind");
}

static int tag_ld_imm64(struct reloc_ctx *c, struct tag_list *l, const struct ebpf_insn *in, uint32_t idx)
{
	const struct eb_elf_sym *s = c->sym;
	const struct eb_elf_sec *tsec;
	int32_t target;
	int64_t addend;
	int err;

	if (s->shndx == SHN_UNDEF || s->shndx >= c->e->sec_cnt)
		return RELOC_ERR(c, "symbol is not defined in any section");
	tsec = &c->e->secs[s->shndx];
	switch (tsec->kind) {
	case EB_ELF_SEC_TEXT:
		/* A function's address (bpf_loop callbacks...): the byte offset sym + imm. */
		addend = (int64_t)s->value + in->imm;
		if (addend % (int64_t)sizeof(struct ebpf_insn))
			return RELOC_ERR(c, "function address %lld is not instruction-aligned", (long long)addend);
		err = code_target(c, addend / (int64_t)sizeof(struct ebpf_insn), &target);
		if (err)
			return err;
		return add_tag(l, idx, EBPF_RELOC_FUNC_ADDR, (uint32_t)target,
			       addend / (int64_t)sizeof(struct ebpf_insn), kept_label(c, s));
	case EB_ELF_SEC_MAPS:
	case EB_ELF_SEC_LEGACY_MAPS:
		target = eb_elf_map_at(c->e, c->spec, s->shndx, s->value);
		if (target < 0)
			return RELOC_ERR(c, "no map is defined at offset %llu of section '%s'",
					 (unsigned long long)s->value, tsec->name);
		return add_tag(l, idx, EBPF_RELOC_MAP, (uint32_t)target, 0, kept_label(c, s));
	case EB_ELF_SEC_DATA:
		if (tsec->map < 0)
			return RELOC_ERR(c, "section '%s' is empty", tsec->name);
		addend = (int64_t)s->value + in->imm;
		if (addend < 0 || addend > (int64_t)tsec->size)
			return RELOC_ERR(c, "offset %lld is outside section '%s' (%llu bytes)", (long long)addend,
					 tsec->name, (unsigned long long)tsec->size);
		return add_tag(l, idx, EBPF_RELOC_DATA, (uint32_t)tsec->map, addend, kept_label(c, s));
	default:
		return RELOC_ERR(c, "section '%s' is not code, a map or global data", tsec->name);
	}
}

static int tag_call(struct reloc_ctx *c, struct tag_list *l, const struct ebpf_insn *in, uint32_t idx)
{
	const struct eb_elf_sym *s = c->sym;
	int32_t target;
	int64_t insn;
	int err;

	if (in->src_reg != EBPF_PSEUDO_CALL)
		return RELOC_ERR(c, "call instruction is not a bpf-to-bpf call (src_reg %u)", in->src_reg);
	if (s->shndx == SHN_UNDEF || s->shndx >= c->e->sec_cnt || c->e->secs[s->shndx].kind != EB_ELF_SEC_TEXT)
		return RELOC_ERR(c, "call target is not in an executable section");
	if (s->value % sizeof(struct ebpf_insn))
		return RELOC_ERR(c, "call target is not instruction-aligned");
	/* The callee is sym + (imm + 1) instructions, imm being relative to the next insn. */
	insn = (int64_t)(s->value / sizeof(struct ebpf_insn)) + in->imm + 1;
	err = code_target(c, insn, &target);
	if (err)
		return err;
	return add_tag(l, idx, EBPF_RELOC_CALL, (uint32_t)target, insn, kept_label(c, s));
}

static int tag_one(struct reloc_ctx *c, struct tag_list *l, uint32_t type)
{
	const struct ebpf_insn *insns = c->ts->insns;
	uint32_t idx = (uint32_t)(c->r_off / sizeof(struct ebpf_insn));
	const struct ebpf_insn *in = &insns[idx];

	if (type == R_BPF_64_64) {
		if (in->code != LD_IMM64 || idx + 1 >= c->ts->insn_cnt)
			return RELOC_ERR(c, "64-bit relocation on instruction with code 0x%02x, not a complete ld_imm64",
					 in->code);
	} else if (type == R_BPF_64_32) {
		if (in->code != CALL)
			return RELOC_ERR(c, "32-bit relocation on instruction with code 0x%02x, not a call", in->code);
	} else {
		return RELOC_ERR(c, "unsupported relocation type %u", type);
	}
	if (c->sym->ext >= 0)
		return tag_extern(c, l, in, idx);
	if (in->code == CALL)
		return tag_call(c, l, in, idx);
	return tag_ld_imm64(c, l, in, idx);
}

static int read_rel_sec(struct eb_elf *e, struct ebpf_spec *spec, const struct eb_elf_sec *rs,
			struct tag_list *l)
{
	struct reloc_ctx c = { .e = e, .spec = spec, .rel_sec = rs->name };

	c.ts = &spec->secs[e->secs[rs->info].text];
	if (rs->link != e->symtab)
		return eb_err(-EINVAL, "%s: section '%s': bad section index %u for the symbol table", e->obj, rs->name,
			      rs->link);
	if (rs->entsize != sizeof(Elf64_Rel) || rs->size % sizeof(Elf64_Rel))
		return eb_err(-EINVAL, "%s: section '%s': size %llu is not a multiple of the %zu-byte entry", e->obj,
			      rs->name, (unsigned long long)rs->size, sizeof(Elf64_Rel));
	for (uint64_t j = 0; j < rs->size / sizeof(Elf64_Rel); j++) {
		Elf64_Rel rel;
		uint64_t info;
		uint32_t sym;
		int err;

		/* Read in place (no call per field); swapped only in the other byte order. */
		memcpy(&rel, rs->data + j * sizeof(Elf64_Rel), sizeof(rel));
		info = e->swap ? __builtin_bswap64(rel.r_info) : rel.r_info;
		sym = (uint32_t)ELF64_R_SYM(info);
		c.r_off = e->swap ? __builtin_bswap64(rel.r_offset) : rel.r_offset;
		if (sym == 0 || sym >= e->sym_cnt)
			return eb_err(-EINVAL, "%s: section '%s': relocation %llu: bad symbol index %u (%u symbols)",
				      e->obj, rs->name, (unsigned long long)j, sym, e->sym_cnt);
		c.sym = &e->syms[sym];
		if (c.r_off % sizeof(struct ebpf_insn) || c.r_off / sizeof(struct ebpf_insn) >= c.ts->insn_cnt)
			return eb_err(-EINVAL, "%s: section '%s': relocation at offset %llu against '%s' is outside the program (%u instructions)",
				      e->obj, c.ts->name, (unsigned long long)c.r_off, eb_elf_sym_label(e, c.sym),
				      c.ts->insn_cnt);
		if (ELF64_R_TYPE(info) == 0)
			continue;	/* R_BPF_NONE */
		err = tag_one(&c, l, (uint32_t)ELF64_R_TYPE(info));
		if (err)
			return err;
	}
	return 0;
}

static int cmp_tag(const void *a, const void *b)
{
	const struct eb_reloc *x = a, *y = b;

	return x->insn < y->insn ? -1 : x->insn > y->insn;
}

/* Calls within one section that clang resolved itself: tag them, untagged ones only. */

static int tag_local_calls(struct ebpf_spec *spec, uint32_t text, struct tag_list *l, size_t ext_cnt)
{
	const struct eb_text_sec *ts = &spec->secs[text];
	const struct ebpf_insn *insns = ts->insns;
	const uint32_t n = ts->insn_cnt;
	size_t k = l->first;

	for (uint32_t i = eb_next_pseudo_call(insns, n, 0); i < n; i = eb_next_pseudo_call(insns, n, i + 1)) {
		int64_t callee;
		int32_t f;

		/* Already tagged from an ELF relocation? (tags [first, ext_cnt) are sorted) */
		while (k < ext_cnt && l->v[k].insn < i)
			k++;
		if (k < ext_cnt && l->v[k].insn == i)
			continue;
		callee = (int64_t)i + insns[i].imm + 1;
		f = callee >= 0 && callee < n ? func_at(spec, text, callee) : -1;
		if (f < 0)
			return eb_err(-EINVAL, "%s: section '%s': call at insn %u targets instruction %lld, which is not the start of a function",
				      spec->name, ts->name, i, (long long)callee);
		if (add_tag(l, i, EBPF_RELOC_CALL, (uint32_t)f, callee, spec->funcs[f].name))
			return -ENOMEM;
	}
	return 0;
}

/* Sort the section's tags by instruction; compilers emit them in order, which a linear check sees. */
static void sort_tags(struct tag_list *l)
{
	for (size_t i = l->first + 1; i < l->cnt; i++) {
		if (l->v[i].insn < l->v[i - 1].insn) {
			qsort(l->v + l->first, l->cnt - l->first, sizeof(*l->v), cmp_tag);
			return;
		}
	}
}

static int finish_sec(struct ebpf_spec *spec, uint32_t text, struct tag_list *l)
{
	struct eb_text_sec *ts = &spec->secs[text];
	size_t ext_cnt;
	int err;

	sort_tags(l);
	for (size_t i = l->first + 1; i < l->cnt; i++) {
		if (l->v[i].insn == l->v[i - 1].insn)
			return eb_err(-EINVAL, "%s: section '%s': two relocations on insn %u ('%s' and '%s')", spec->name,
				      ts->name, l->v[i].insn, l->v[i - 1].sym, l->v[i].sym);
	}
	ext_cnt = l->cnt;
	err = tag_local_calls(spec, text, l, ext_cnt);
	if (err)
		return err;
	if (l->cnt > ext_cnt)
		sort_tags(l);
	if (l->cnt - l->first > UINT32_MAX)
		return eb_err(-EINVAL, "%s: section '%s': too many relocations", spec->name, ts->name);
	ts->reloc_cnt = (uint32_t)(l->cnt - l->first);
	ts->calls_tagged = true;
	return 0;
}

/* Index of the first of the section's relocations (sorted by insn) at or after `insn`. */
static uint32_t first_reloc_at(const struct eb_text_sec *ts, uint32_t insn)
{
	uint32_t lo = 0, hi = ts->reloc_cnt;

	while (lo < hi) {
		uint32_t mid = lo + (hi - lo) / 2;

		if (ts->relocs[mid].insn < insn)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

/*
 * Each program's relocations are the contiguous run inside its function.
 * Programs come in section and instruction order (eb_elf_read_progs), so a
 * program's run starts where the previous one's ended, when in the same
 * section; a binary search finds it otherwise. (Rescanning from the section's
 * first relocation for every program made many programs in one section quadratic.)
 */
static void set_prog_ranges(struct ebpf_spec *spec)
{
	const struct eb_func *prev = NULL;
	uint32_t j = 0;

	for (uint32_t i = 0; i < spec->prog_cnt; i++) {
		struct ebpf_prog_spec *p = spec->progs[i];
		const struct eb_func *f = eb_prog_func(p);
		const struct eb_text_sec *ts = &spec->secs[f->sec];

		if (!prev || prev->sec != f->sec || prev->off > f->off)
			j = first_reloc_at(ts, f->off);
		while (j < ts->reloc_cnt && ts->relocs[j].insn < f->off)
			j++;
		p->reloc_first = j;
		while (j < ts->reloc_cnt && ts->relocs[j].insn < f->off + f->cnt)
			j++;
		p->reloc_cnt = j - p->reloc_first;
		prev = f;
	}
}

/*
 * The relocation sections of executable sections, bucketed by the section they
 * apply to (rel_first[text], then rel_next[] in section order), checked and
 * counted in one pass over the section table. (Rescanning every section for
 * each executable section was quadratic in objects with many programs.)
 */
struct rel_buckets {
	uint32_t *first, *next;	/* ELF section indices, 0 = none */
	size_t entries;		/* relocations in all of them */
};

static int bucket_rel_secs(struct eb_elf *e, const struct ebpf_spec *spec, struct rel_buckets *b)
{
	uint32_t *last;

	b->first = eb_elf_scratch(e, (size_t)spec->sec_cnt * 2, sizeof(*b->first));
	b->next = eb_elf_scratch(e, e->sec_cnt, sizeof(*b->next));
	if (!b->first || !b->next)
		return -ENOMEM;
	last = b->first + spec->sec_cnt;
	memset(b->first, 0, (size_t)spec->sec_cnt * sizeof(*b->first));
	b->entries = 0;
	for (uint32_t k = 0; k < e->rel_sec_cnt; k++) {
		const uint32_t i = e->rel_secs[k];
		const struct eb_elf_sec *rs = &e->secs[i];
		uint32_t t;

		if (rs->info >= e->sec_cnt)
			return eb_err(-EINVAL, "%s: relocation section '%s': bad section index %u (%u sections)",
				      e->obj, rs->name, rs->info, e->sec_cnt);
		if (e->secs[rs->info].kind != EB_ELF_SEC_TEXT || e->secs[rs->info].text < 0)
			continue;
		if (rs->type == SHT_RELA)
			return eb_err(-EINVAL, "%s: section '%s': RELA relocations are not used by BPF objects",
				      e->obj, rs->name);
		t = (uint32_t)e->secs[rs->info].text;
		b->next[i] = 0;
		if (b->first[t])
			b->next[last[t]] = i;
		else
			b->first[t] = i;
		last[t] = i;
		/* Each size is bounded by the file size: the sum cannot overflow. */
		b->entries += rs->size / sizeof(Elf64_Rel);
	}
	return 0;
}

size_t eb_elf_relocs_room(const struct eb_elf *e)
{
	size_t entries = 0;

	/* What bucket_rel_secs() will count: the relocations of executable sections. */
	for (uint32_t k = 0; k < e->rel_sec_cnt; k++) {
		const struct eb_elf_sec *rs = &e->secs[e->rel_secs[k]];

		if (rs->type == SHT_REL && rs->info < e->sec_cnt && e->secs[rs->info].kind == EB_ELF_SEC_TEXT)
			entries += rs->size / sizeof(Elf64_Rel);
	}
	return entries * sizeof(struct eb_reloc);
}

/*
 * Tag every executable section in turn: its relocation sections, then the
 * local calls. All tags go into one array the spec keeps (reloc_store), sized
 * for every ELF relocation up front; each section's relocs point into it.
 */
int eb_elf_read_relocs(struct eb_elf *e, struct ebpf_spec *spec)
{
	struct tag_list l = { .spec = spec };
	struct rel_buckets b;
	size_t off = 0;
	int err;

	if (!spec->sec_cnt)
		return 0;
	err = bucket_rel_secs(e, spec, &b);
	/* Each size is bounded by the file size: no overflow. */
	if (!err && b.entries) {
		l.v = eb_spec_carve(spec, b.entries * sizeof(*l.v));
		l.cap = b.entries;
		if (!l.v)
			err = -ENOMEM;
	}
	for (uint32_t t = 0; t < spec->sec_cnt && !err; t++) {
		l.first = l.cnt;
		for (uint32_t r = b.first[t]; r && !err; r = b.next[r])
			err = read_rel_sec(e, spec, &e->secs[r], &l);
		if (!err)
			err = finish_sec(spec, t, &l);
	}
	/* The spec owns the array from here, whatever happened (ebpf_spec_free() frees it). */
	spec->reloc_store = l.v;
	if (err)
		return err;
	for (uint32_t t = 0; t < spec->sec_cnt; t++) {
		spec->secs[t].relocs = spec->secs[t].reloc_cnt ? l.v + off : NULL;
		off += spec->secs[t].reloc_cnt;
	}
	set_prog_ranges(spec);
	return 0;
}
