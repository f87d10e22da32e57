// SPDX-License-Identifier: BSD-2-Clause
/*
 * Printing values through the object's BTF: map keys/values, ring-buffer records
 * and global variables come out as JSON values (numbers, strings, objects) when
 * the object describes their type, and as hex otherwise.
 */
#include <stdlib.h>
#include <string.h>

#include <ebpf/btf_dump.h>

#include "cli.h"

void cli_btf_type_str(const struct ebpf_spec *spec, uint32_t type_id, char *buf, size_t len)
{
	const struct ebpf_btf *btf = ebpf_spec_btf(spec);

	if (!len)
		return;
	buf[0] = '\0';
	if (!btf || !type_id)
		return;
	if (ebpf_btf_dump_type(btf, type_id, buf, len))
		snprintf(buf, len, "?");
}

void cli_btf_summary(struct json *j, const struct ebpf_spec *spec)
{
	const struct ebpf_btf *btf = ebpf_spec_btf(spec);

	if (j) {
		json_key(j, "btf");
		if (!btf) {
			json_null(j);
			return;
		}
		json_begin_object(j);
		json_kv_uint(j, "types", ebpf_btf_dump_type_count(btf));
		json_end_object(j);
	} else if (btf) {
		printf("  BTF: %u types\n", ebpf_btf_dump_type_count(btf));
	} else {
		printf("  BTF: none (maps and globals print as hex; CO-RE and kfuncs need BTF)\n");
	}
}

static char *hex_string(const void *data, size_t size)
{
	const unsigned char *p = data;
	char *s = malloc(size * 2 + 5);

	if (!s)
		return NULL;
	strcpy(s, "\"0x");
	for (size_t i = 0; i < size; i++)
		sprintf(s + 3 + 2 * i, "%02x", p[i]);
	strcpy(s + 3 + 2 * size, "\"");
	return s;
}

char *cli_format_value(const struct ebpf_spec *spec, uint32_t type_id, const void *data, size_t size)
{
	const struct ebpf_btf *btf = spec ? ebpf_spec_btf(spec) : NULL;
	int n;
	char *s;

	if (!btf || !type_id)
		return hex_string(data, size);
	n = ebpf_btf_dump_json(btf, type_id, data, size, NULL, 0);
	if (n < 0)
		return hex_string(data, size);
	s = malloc((size_t)n + 1);
	if (!s)
		return NULL;
	ebpf_btf_dump_json(btf, type_id, data, size, s, (size_t)n + 1);
	return s;
}

void cli_json_value(struct json *j, const struct ebpf_spec *spec, uint32_t type_id,
		    const void *data, size_t size)
{
	char *s = cli_format_value(spec, type_id, data, size);

	if (s)
		json_raw(j, s);
	else
		json_null(j);
	free(s);
}
