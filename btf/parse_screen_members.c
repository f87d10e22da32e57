// SPDX-License-Identifier: BSD-2-Clause
/*
 * The member rules of the screening pass (see parse_screen.c): every member of
 * every STRUCT/UNION has a name offset (folded into a maximum), a non-void
 * type (its id minus one folded into a maximum, so void wraps to the top) and
 * ends inside its type (bit offset, plus the bitfield size under kind_flag, at
 * most size * 8).
 *
 * Why a loop of its own: an object built against a full vmlinux.h has ten
 * thousand members. The screen hands over the list of STRUCT/UNION records it
 * met, so this loop keeps its accumulators in registers across all of them.
 * (An AVX2 version, 8 members a step, saved ~26 K of a 540 K-instruction open
 * of such an object; it was dropped for the 5 KiB it added to the archive and
 * the run-time CPU dispatch it needed.)
 */
#include <string.h>

#include "btf/btf_internal.h"
#include "btf/parse_screen.h"

static inline uint32_t umax(uint32_t a, uint32_t b)
{
	return a > b ? a : b;
}

/* One type's members, one at a time. */
static void members_scalar(const struct btf_type *t, struct eb_member_folds *f)
{
	const struct btf_member *m = btf_members(t), *end = m + btf_vlen(t);
	uint32_t names = f->max_name, types = f->max_type1;
	uint32_t bits = 0;

	for (; m < end; m++) {
		names = umax(names, m->name_off);
		types = umax(types, m->type - 1);
		/* kind_flag: bit offset + bitfield size, 24 + 8 bits, cannot wrap */
		bits = umax(bits, btf_kflag(t) ? BTF_MEMBER_BIT_OFFSET(m->offset) + BTF_MEMBER_BITFIELD_SIZE(m->offset)
					       : m->offset);
	}
	f->max_name = names;
	f->max_type1 = types;
	f->bad |= (uint64_t)bits > (uint64_t)t->size * 8;
}

void eb_btf_screen_members(const uint8_t *types, uint32_t types_len, const uint32_t *offs, size_t n,
			   struct eb_member_folds *f)
{
	(void)types_len;
	for (size_t i = 0; i < n; i++)
		members_scalar((const void *)(types + offs[i]), f);
}
