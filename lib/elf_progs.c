// SPDX-License-Identifier: BSD-2-Clause
/*
 * Executable sections, their functions, and which functions are programs.
 * libbpf's rule: every function symbol in an executable section is a function;
 * in .text all are subprograms; in a program section the global (non-local)
 * ones are programs and the static ones are subprograms of that section.
 * Program type, attach type and flags come from the section name (section_def.c).
 */
#include <elf.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "lib/alloc.h"
#include "lib/elf_reader.h"
#include "lib/error.h"

/* Bring an instruction of a foreign-endian object into host order. */
static void swap_insn(struct ebpf_insn *in)
{
	uint8_t regs;

	/* The register nibbles are in the opposite order in the other byte order. */
	memcpy(&regs, (uint8_t *)in + 1, 1);
	regs = (uint8_t)((regs << 4) | (regs >> 4));
	memcpy((uint8_t *)in + 1, &regs, 1);
	in->off = (int16_t)__builtin_bswap16((uint16_t)in->off);
	in->imm = (int32_t)__builtin_bswap32((uint32_t)in->imm);
}

/* Function symbols ordered by section, then offset; symbol-table order breaks ties. */
static int cmp_func_sym(const void *a, const void *b)
{
	const struct eb_elf_sym *x = *(const struct eb_elf_sym *const *)a;
	const struct eb_elf_sym *y = *(const struct eb_elf_sym *const *)b;

	if (x->shndx != y->shndx)
		return x->shndx < y->shndx ? -1 : 1;
	if (x->value != y->value)
		return x->value < y->value ? -1 : 1;
	return x < y ? -1 : x > y;
}

/*
 * The function symbols of every executable section, gathered and sorted once:
 * each section's functions are then one contiguous run. (Scanning the whole
 * symbol table for each section made objects with many program sections
 * quadratic.) spec->funcs and spec->progs get their final capacity here too.
 */
struct func_syms {
	const struct eb_elf_sym **v;
	uint32_t cnt;
	uint32_t next;		/* first not yet consumed */
};

/* funcs[], progs[] and secs[] follow the program specs in one block (gather_func_syms). */
_Static_assert(sizeof(struct ebpf_prog_spec) % _Alignof(struct eb_func) == 0 &&
	       sizeof(struct eb_func) % _Alignof(struct ebpf_prog_spec *) == 0 &&
	       sizeof(struct ebpf_prog_spec *) % _Alignof(struct eb_text_sec) == 0,
	       "the block's arrays stay aligned");

/* Bytes of the block below for n (>= 1) functions and text_cnt executable sections. */
static size_t progs_block_size(uint32_t n, uint32_t text_cnt)
{
	size_t per_func = sizeof(struct ebpf_prog_spec) + sizeof(struct eb_func) + sizeof(struct ebpf_prog_spec *);

	/* n <= symbols and text_cnt <= sections, both bounded by the file size: no overflow. */
	return (size_t)n * per_func + (size_t)text_cnt * sizeof(struct eb_text_sec);
}

size_t eb_elf_progs_room(const struct eb_elf *e)
{
	if (!e->text_sec_cnt)
		return 0;
	return (progs_block_size(e->func_sym_cnt ? e->func_sym_cnt : 1, e->text_sec_cnt) + 7) & ~(size_t)7;
}

static int gather_func_syms(struct eb_elf *e, struct ebpf_spec *spec, uint32_t text_cnt, struct func_syms *fs)
{
	/* The symbol pass collected them (eb_elf_open), in symbol-table order, in scratch we may sort. */
	uint32_t n = e->func_sym_cnt;

	/*
	 * One block for the program specs, the functions and the program list
	 * (all sized by the function count; every entry is written before it is
	 * counted, so no zeroing), then the text sections (zeroed when read).
	 * ebpf_spec_free() frees it through prog_store. All element types are
	 * 8-byte aligned.
	 */
	fs->v = (const struct eb_elf_sym **)e->func_syms;
	fs->cnt = e->func_sym_cnt;
	if (!n)
		n = 1;
	spec->prog_store = eb_spec_carve(spec, progs_block_size(n, text_cnt));
	if (!spec->prog_store)
		return -ENOMEM;
	spec->funcs = (struct eb_func *)(spec->prog_store + n);
	spec->progs = (struct ebpf_prog_spec **)(spec->funcs + n);
	spec->secs = (struct eb_text_sec *)(spec->progs + n);
	/* Compilers usually emit them in this order already: sort only when not. */
	for (uint32_t i = 1; i < fs->cnt; i++) {
		if (cmp_func_sym(&fs->v[i - 1], &fs->v[i]) > 0) {
			qsort(fs->v, fs->cnt, sizeof(*fs->v), cmp_func_sym);
			break;
		}
	}
	return 0;
}

/* What a program section's name says, looked up once for all its programs. */
struct sec_rule {
	const char *name;		/* without the '?' prefix */
	const char *target;
	const struct eb_sec_def *def;
	bool autoload;
};

static void sec_rule_find(const char *sec_name, struct sec_rule *r)
{
	r->name = sec_name[0] == '?' ? sec_name + 1 : sec_name;
	r->target = "";
	r->def = eb_sec_def_find(r->name, &r->target);
	r->autoload = sec_name[0] != '?';
}

static int add_prog(struct ebpf_spec *spec, const struct sec_rule *rule, uint32_t func)
{
	const struct eb_sec_def *def = rule->def;
	/* One slot per function was reserved (gather_func_syms). */
	struct ebpf_prog_spec *p = &spec->prog_store[spec->prog_cnt];

	*p = (struct ebpf_prog_spec){
		.spec = spec,
		.func = func,
		/* All three point into the image, as sec_name does. */
		.name = spec->funcs[func].name,
		.section = (char *)rule->name,
		.attach_target = (char *)rule->target,
		.autoload = rule->autoload,
		/* An unknown section still yields a program: callers may set its type. */
		.type = def ? def->type : EBPF_PROG_TYPE_UNSPEC,
		.attach_type = def ? def->attach_type : EBPF_ATTACH_TYPE_NONE,
	};
	if (def && (def->flags & EB_SEC_SLEEPABLE))
		p->flags |= EBPF_F_SLEEPABLE;
	if (def && (def->flags & EB_SEC_XDP_FRAGS))
		p->flags |= EBPF_F_XDP_HAS_FRAGS;
	spec->progs[spec->prog_cnt++] = p;
	spec->funcs[func].prog = (int32_t)(spec->prog_cnt - 1);
	return 0;
}

static int read_funcs(struct eb_elf *e, struct ebpf_spec *spec, uint32_t shndx, uint32_t text,
		      struct func_syms *fs)
{
	const struct eb_elf_sec *s = &e->secs[shndx];
	const struct eb_text_sec *ts = &spec->secs[text];
	const struct eb_elf_sym **syms;
	bool is_text = strcmp(s->name, ".text") == 0;
	struct sec_rule rule;
	uint32_t n = 0;
	int err = 0;

	/* Sections are read in index order, so this section's run starts at fs->next. */
	syms = fs->v + fs->next;
	while (fs->next + n < fs->cnt && syms[n]->shndx == shndx)
		n++;
	fs->next += n;
	if (n == 0)
		return eb_err(-EINVAL, "%s: section '%s': executable section without function symbols", e->obj,
			      s->name);
	sec_rule_find(ts->name, &rule);
	for (uint32_t i = 0; i < n && !err; i++) {
		const struct eb_elf_sym *sym = syms[i];
		uint64_t end = i + 1 < n ? syms[i + 1]->value : s->size;
		struct eb_func *f;

		if (sym->value % sizeof(struct ebpf_insn) || sym->size % sizeof(struct ebpf_insn)) {
			err = eb_err(-EINVAL, "%s: section '%s': function '%s' at offset %llu size %llu is not instruction-aligned",
				     e->obj, s->name, sym->name, (unsigned long long)sym->value,
				     (unsigned long long)sym->size);
			break;
		}
		if (sym->size)
			end = sym->value + sym->size;
		if (end <= sym->value || (i + 1 < n && end > syms[i + 1]->value)) {
			err = eb_err(-EINVAL, "%s: section '%s': function '%s' is empty or overlaps the next one",
				     e->obj, s->name, sym->name);
			break;
		}
		f = &spec->funcs[spec->func_cnt];
		/* Names point into the image the spec owns (lib/spec.h). */
		f->name = (char *)eb_elf_kept_name(e, sym->name);
		spec->func_cnt++;
		f->sec = text;
		f->off = (uint32_t)(sym->value / sizeof(struct ebpf_insn));
		f->cnt = (uint32_t)((end - sym->value) / sizeof(struct ebpf_insn));
		f->global = sym->bind != STB_LOCAL;
		f->prog = -1;
		if (!is_text && sym->bind != STB_LOCAL)
			err = add_prog(spec, &rule, spec->func_cnt - 1);
	}
	return err;
}

static const struct eb_btf_ext_sec *ext_find(const struct eb_btf_ext_sec *secs, uint32_t cnt, const char *name)
{
	return secs ? eb_btf_ext_find(secs, cnt, name) : NULL;
}

static int read_text_sec(struct eb_elf *e, struct ebpf_spec *spec, uint32_t shndx, struct func_syms *fs)
{
	struct eb_elf_sec *s = &e->secs[shndx];
	struct eb_text_sec *ts;
	uint32_t text = spec->sec_cnt;

	if (s->size % sizeof(struct ebpf_insn) || s->size / sizeof(struct ebpf_insn) > UINT32_MAX)
		return eb_err(-EINVAL, "%s: section '%s': size %llu is not a whole number of instructions", e->obj,
			      s->name, (unsigned long long)s->size);
	ts = &spec->secs[text];
	memset(ts, 0, sizeof(*ts));
	spec->sec_cnt++;
	s->text = (int32_t)text;
	ts->name = (char *)eb_elf_kept_name(e, s->name);
	/*
	 * Instructions stay in the image the spec owns (loading copies each
	 * program's). A copy only where the bytes cannot serve as they are: the
	 * other byte order, or an offset that is not 8-byte aligned.
	 */
	if (e->swap || (uintptr_t)s->data % _Alignof(struct ebpf_insn)) {
		ts->insns = eb_memdup(s->data, s->size);
		if (!ts->insns)
			return -ENOMEM;
		ts->insns_owned = true;
	} else {
		ts->insns = (struct ebpf_insn *)s->data;
	}
	ts->elf_idx = shndx;
	ts->insn_cnt = (uint32_t)(s->size / sizeof(struct ebpf_insn));
	if (e->swap) {
		for (uint32_t i = 0; i < ts->insn_cnt; i++)
			swap_insn(&ts->insns[i]);
	}
	if (spec->btf_ext) {
		const struct eb_btf_ext *x = spec->btf_ext;

		ts->func_info = ext_find(x->func_info, x->func_info_cnt, s->name);
		ts->line_info = ext_find(x->line_info, x->line_info_cnt, s->name);
		ts->core_relo = ext_find(x->core_relo, x->core_relo_cnt, s->name);
	}
	return read_funcs(e, spec, shndx, text, fs);
}

int eb_elf_read_progs(struct eb_elf *e, struct ebpf_spec *spec)
{
	struct func_syms fs = { 0 };
	int err;

	if (!e->text_sec_cnt)
		return 0;
	err = gather_func_syms(e, spec, e->text_sec_cnt, &fs);
	/* In section order (eb_elf_open listed them so), which the sorted function symbols follow. */
	for (uint32_t k = 0; k < e->text_sec_cnt && !err; k++)
		err = read_text_sec(e, spec, e->text_secs[k], &fs);
	return err;
}
