/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Test helper: the BTF screen (eb_btf_parse) and the checking pass alone
 * (eb_btf_parse_checked) must give the same result for a blob: the same error
 * and message, or the same offset table and DATASEC list.
 */
#ifndef BTF_AGREE_H
#define BTF_AGREE_H

#include <stddef.h>

/* Fails the test, naming `what`, where the two differ. */
void btf_screen_agrees(const void *raw, size_t size, const char *what);

#endif
