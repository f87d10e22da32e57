/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Internal to the BTF screening pass (parse_screen.c, parse_screen_members.c).
 */
#ifndef EB_BTF_PARSE_SCREEN_H
#define EB_BTF_PARSE_SCREEN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* What the members of every STRUCT/UNION fold into. */
struct eb_member_folds {
	uint32_t max_name;	/* largest member name offset */
	uint32_t max_type1;	/* largest member type id minus one (void wraps to UINT32_MAX) */
	bool bad;		/* some member lies past the end of its type */
};

/*
 * Fold the members of the STRUCT/UNION types at types + offs[0..n-1] (records
 * known to lie within the type section of types_len bytes) into *f, which the
 * caller zeroes.
 */
void eb_btf_screen_members(const uint8_t *types, uint32_t types_len, const uint32_t *offs, size_t n,
			   struct eb_member_folds *f);

#endif
