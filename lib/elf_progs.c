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

static int cmp_sym_value(const void *a, const void *b)
{
	const struct eb_elf_sym *x = *(const struct eb_elf_sym *const *)a;
	const struct eb_elf_sym *y = *(const struct eb_elf_sym *const *)b;

	return x->value < y->value ? -1 : x->value > y->value;
}

static int add_prog(struct eb_elf *e, struct ebpf_spec *spec, const char *sec_name, uint32_t func)
{
	const char *name = sec_name[0] == '?' ? sec_name + 1 : sec_name;
	const char *target = "";
	const struct eb_sec_def *def = eb_sec_def_find(name, &target);
	struct ebpf_prog_spec *p, **progs;

	progs = eb_reallocarray(spec->progs, (size_t)spec->prog_cnt + 1, sizeof(*progs));
	if (!progs)
		return -ENOMEM;
	spec->progs = progs;
	p = eb_calloc(1, sizeof(*p));
	if (!p)
		return -ENOMEM;
	progs[spec->prog_cnt++] = p;
	p->spec = spec;
	p->func = func;
	p->name = eb_strdup(spec->funcs[func].name);
	p->section = eb_strdup(name);
	p->attach_target = eb_strdup(target);
	if (!p->name || !p->section || !p->attach_target)
		return -ENOMEM;
	p->autoload = sec_name[0] != '?';
	/* An unknown section still yields a program: callers may set its type. */
	p->type = def ? def->type : EBPF_PROG_TYPE_UNSPEC;
	p->attach_type = def ? def->attach_type : EBPF_ATTACH_TYPE_NONE;
	if (def && (def->flags & EB_SEC_SLEEPABLE))
		p->flags |= EBPF_F_SLEEPABLE;
	if (def && (def->flags & EB_SEC_XDP_FRAGS))
		p->flags |= EBPF_F_XDP_HAS_FRAGS;
	spec->funcs[func].prog = (int32_t)(spec->prog_cnt - 1);
	(void)e;
	return 0;
}

static int read_funcs(struct eb_elf *e, struct ebpf_spec *spec, uint32_t shndx, uint32_t text)
{
	const struct eb_elf_sec *s = &e->secs[shndx];
	const struct eb_text_sec *ts = &spec->secs[text];
	const struct eb_elf_sym **syms;
	bool is_text = strcmp(s->name, ".text") == 0;
	uint32_t n = 0;
	int err = 0;

	syms = eb_calloc(e->sym_cnt ? e->sym_cnt : 1, sizeof(*syms));
	if (!syms)
		return -ENOMEM;
	for (uint32_t i = 1; i < e->sym_cnt; i++) {
		if (e->syms[i].shndx == shndx && e->syms[i].type == STT_FUNC)
			syms[n++] = &e->syms[i];
	}
	if (n == 0) {
		err = eb_err(-EINVAL, "%s: section '%s': executable section without function symbols", e->obj,
			     s->name);
		goto out;
	}
	qsort(syms, n, sizeof(*syms), cmp_sym_value);
	for (uint32_t i = 0; i < n && !err; i++) {
		const struct eb_elf_sym *sym = syms[i];
		uint64_t end = i + 1 < n ? syms[i + 1]->value : s->size;
		struct eb_func *f, *funcs;

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
		funcs = eb_reallocarray(spec->funcs, (size_t)spec->func_cnt + 1, sizeof(*funcs));
		if (!funcs) {
			err = -ENOMEM;
			break;
		}
		spec->funcs = funcs;
		f = &funcs[spec->func_cnt];
		memset(f, 0, sizeof(*f));
		f->name = eb_strdup(sym->name);
		if (!f->name) {
			err = -ENOMEM;
			break;
		}
		spec->func_cnt++;
		f->sec = text;
		f->off = (uint32_t)(sym->value / sizeof(struct ebpf_insn));
		f->cnt = (uint32_t)((end - sym->value) / sizeof(struct ebpf_insn));
		f->global = sym->bind != STB_LOCAL;
		f->prog = -1;
		if (!is_text && sym->bind != STB_LOCAL)
			err = add_prog(e, spec, ts->name, spec->func_cnt - 1);
	}
out:
	eb_free(syms);
	return err;
}

static const struct eb_btf_ext_sec *ext_find(const struct eb_btf_ext_sec *secs, uint32_t cnt, const char *name)
{
	return secs ? eb_btf_ext_find(secs, cnt, name) : NULL;
}

static int read_text_sec(struct eb_elf *e, struct ebpf_spec *spec, uint32_t shndx)
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
	ts->name = eb_strdup(s->name);
	ts->insns = eb_memdup(s->data, s->size);
	if (!ts->name || !ts->insns)
		return -ENOMEM;
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
	return read_funcs(e, spec, shndx, text);
}

int eb_elf_read_progs(struct eb_elf *e, struct ebpf_spec *spec)
{
	uint32_t n = 0;
	int err;

	for (uint32_t i = 1; i < e->sec_cnt; i++)
		n += e->secs[i].kind == EB_ELF_SEC_TEXT;
	if (!n)
		return 0;
	spec->secs = eb_calloc(n, sizeof(*spec->secs));
	if (!spec->secs)
		return -ENOMEM;
	for (uint32_t i = 1; i < e->sec_cnt; i++) {
		if (e->secs[i].kind != EB_ELF_SEC_TEXT)
			continue;
		err = read_text_sec(e, spec, i);
		if (err)
			return err;
	}
	return 0;
}
