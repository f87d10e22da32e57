// SPDX-License-Identifier: BSD-2-Clause
/*
 * Notes on final instructions: what the relocation engine (or CO-RE) had to
 * leave unresolved at an instruction, kept so that a verifier error at that
 * instruction can be explained in terms of the object rather than raw opcodes.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>

#include "lib/alloc.h"
#include "lib/error.h"
#include "relo/relo.h"

int eb_relo_add_note(struct eb_relo_prog *out, uint32_t insn, const char *fmt, ...)
{
	struct eb_relo_note *notes;
	char buf[512];
	char *what;
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	what = eb_strdup(buf);
	if (!what)
		return -ENOMEM;
	/* Notes are rare (one per missing weak symbol or poisoned CO-RE relocation): grow by one. */
	notes = eb_reallocarray(out->notes, (size_t)out->note_cnt + 1, sizeof(*notes));
	if (!notes) {
		eb_free(what);
		return -ENOMEM;
	}
	notes[out->note_cnt].insn = insn;
	notes[out->note_cnt].what = what;
	out->notes = notes;
	out->note_cnt++;
	return 0;
}

const char *eb_relo_note_at(const struct eb_relo_prog *prog, uint32_t insn)
{
	if (!prog)
		return NULL;
	for (uint32_t i = 0; i < prog->note_cnt; i++)
		if (prog->notes[i].insn == insn)
			return prog->notes[i].what;
	return NULL;
}
