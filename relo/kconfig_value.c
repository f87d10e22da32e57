// SPDX-License-Identifier: BSD-2-Clause
/*
 * Values of .kconfig externs: the LINUX_* built-ins and CONFIG_* options, typed
 * the way libbpf types them (bool: y/n; tristate: y/n/m as 1/0/2; char: the
 * letter; integers of 1-8 bytes with a range check; char arrays: quoted strings),
 * and the .kconfig map's initial value.
 */
#include <errno.h>
#include <inttypes.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include "lib/error.h"
#include "relo/relo_internal.h"

static int put_int(const struct eb_extern *ext, void *dst, uint64_t v, bool neg)
{
	uint32_t sz = ext->size;

	if (ext->kcfg_type == EB_KCFG_CHAR && sz == 1) {
		/* A char extern takes a small number too ("CONFIG_X=5" into char). */
	} else if (ext->kcfg_type != EB_KCFG_INT) {
		return eb_err(-EINVAL, "numeric value needs an integer extern");
	}
	if (sz != 1 && sz != 2 && sz != 4 && sz != 8)
		return eb_err(-EINVAL, "integer extern of %u bytes is not supported",
			      sz);
	if (sz < 8) {
		unsigned bits = sz * 8;
		bool fits;

		/* v is the magnitude; neg says whether the value is -v. */
		if (ext->is_signed)
			fits = neg ? v <= (uint64_t)1 << (bits - 1) : v <= ((uint64_t)1 << (bits - 1)) - 1;
		else
			fits = !neg && v <= ((uint64_t)1 << bits) - 1;
		if (!fits)
			return eb_err(-ERANGE, "value %s%" PRIu64 " does not fit in %u bytes%s",
				      neg ? "-" : "", v, sz,
				      ext->is_signed ? " (signed)" : "");
	} else if (neg && (!ext->is_signed || v > (uint64_t)1 << 63)) {
		return eb_err(-ERANGE, "value -%" PRIu64 " does not fit in 8 bytes%s",
			      v, ext->is_signed ? " (signed)" : "");
	} else if (!neg && ext->is_signed && v > (uint64_t)INT64_MAX) {
		return eb_err(-ERANGE, "value %" PRIu64 " does not fit in 8 bytes (signed)", v);
	}
	if (neg)
		v = (uint64_t)0 - v;	/* two's complement of the magnitude */
	if (dst) {
		uint8_t u8 = (uint8_t)v;
		uint16_t u16 = (uint16_t)v;
		uint32_t u32 = (uint32_t)v;

		switch (sz) {
		case 1: memcpy(dst, &u8, 1); break;
		case 2: memcpy(dst, &u16, 2); break;
		case 4: memcpy(dst, &u32, 4); break;
		default: memcpy(dst, &v, 8); break;
		}
	}
	return 0;
}

/* A y/n/m value into a bool, tristate or char extern. */
static int put_tristate(const struct eb_extern *ext, void *dst, char c)
{
	switch (ext->kcfg_type) {
	case EB_KCFG_BOOL:
		if (c == 'm')
			return eb_err(-EINVAL, "value 'm' (module) does not fit a bool extern; "
				      "declare it as enum libbpf_tristate");
		if (ext->size != 1)
			break;
		if (dst)
			*(uint8_t *)dst = c == 'y';
		return 0;
	case EB_KCFG_TRISTATE:
		if (ext->size != 4)
			break;
		if (dst) {
			uint32_t v = c == 'y' ? 1 : c == 'm' ? 2 : 0;

			memcpy(dst, &v, 4);
		}
		return 0;
	case EB_KCFG_INT:
		/*
		 * clang types `char` as a 1-byte signed INT without the CHAR flag, so
		 * a 1-byte integer is how `extern char CONFIG_FOO` arrives: give it the
		 * letter (libbpf refuses it). Wider integers cannot mean a letter.
		 */
		if (ext->size != 1)
			return eb_err(-EINVAL, "value '%c' needs a bool, tristate or char extern", c);
		/* fall through */
	case EB_KCFG_CHAR:
		if (ext->size != 1)
			break;
		if (dst)
			*(char *)dst = c;
		return 0;
	default:
		return eb_err(-EINVAL, "value '%c' needs a bool, tristate or char extern",
			      c);
	}
	return eb_err(-EINVAL, "extern of %u bytes cannot hold a y/n/m value",
		      ext->size);
}

/* A quoted string into a char array; truncated (with a warning) to fit. */
static int put_string(const struct eb_extern *ext, void *dst, const char *raw)
{
	size_t len = strlen(raw), n = 0;
	char *out = dst;

	if (ext->kcfg_type != EB_KCFG_CHAR_ARR || ext->size == 0)
		return eb_err(-EINVAL, "string value needs a char array extern");
	if (len < 2 || raw[len - 1] != '"')
		return eb_err(-EINVAL, "unterminated string value");
	for (size_t i = 1; i < len - 1; i++) {
		char c = raw[i];

		if (c == '\\' && i + 1 < len - 1)	/* kconfig escapes \" and \\ */
			c = raw[++i];
		if (n + 1 < ext->size) {
			if (out)
				out[n] = c;
			n++;
		} else {
			eb_warn("kconfig '%s': value %s truncated to %u bytes", ext->name, raw, ext->size);
			break;
		}
	}
	if (out)
		memset(out + n, 0, ext->size - n);
	return 0;
}

static int put_value(const struct eb_extern *ext, void *dst, const char *raw)
{
	char *end;

	if ((raw[0] == 'y' || raw[0] == 'n' || raw[0] == 'm') && raw[1] == '\0')
		return put_tristate(ext, dst, raw[0]);
	if (raw[0] == '"')
		return put_string(ext, dst, raw);
	errno = 0;
	if (raw[0] == '-') {
		long long v = strtoll(raw, &end, 0);

		if (!errno && *end == '\0' && end != raw)
			return put_int(ext, dst, (uint64_t)-(v + 1) + 1, v < 0);
	} else {
		unsigned long long v = strtoull(raw, &end, 0);

		if (!errno && *end == '\0' && end != raw)
			return put_int(ext, dst, v, false);
	}
	return eb_err(-EINVAL, "cannot parse value '%s'", raw);
}

int eb_kcfg_value(const struct eb_extern *ext, const struct eb_relo_env *env, void *dst)
{
	const char *raw;

	if (strcmp(ext->name, "LINUX_KERNEL_VERSION") == 0)
		return put_int(ext, dst, env->kernel_version, false);
	if (strcmp(ext->name, "LINUX_HAS_BPF_COOKIE") == 0)
		return put_tristate(ext, dst, env->has_bpf_cookie ? 'y' : 'n');
	if (strcmp(ext->name, "LINUX_HAS_SYSCALL_WRAPPER") == 0)
		return put_tristate(ext, dst, env->has_syscall_wrapper ? 'y' : 'n');
	if (strncmp(ext->name, "LINUX_", 6) == 0)
		return eb_err(-ENOENT, "unknown LINUX_ built-in (known: LINUX_KERNEL_VERSION, "
			      "LINUX_HAS_BPF_COOKIE, LINUX_HAS_SYSCALL_WRAPPER)");
	if (strncmp(ext->name, "CONFIG_", 7) != 0)
		return eb_err(-ENOENT, "not a CONFIG_ option or LINUX_ built-in");
	if (!env->kconfig)
		return eb_err(-ENOENT, "the kernel config is not available "
			      "(/proc/config.gz or /boot/config-<release>)");
	raw = eb_kconfig_get(env->kconfig, ext->name);
	if (!raw)
		return eb_err(-ENOENT, "not in this kernel's config");
	return put_value(ext, dst, raw);
}

int eb_relo_fill_kconfig(const struct ebpf_spec *spec, const struct eb_relo_env *env, void *value,
			 size_t size)
{
	memset(value, 0, size);
	for (uint32_t i = 0; i < spec->extern_cnt; i++) {
		const struct eb_extern *ext = &spec->externs[i];

		if (ext->kind != EBPF_EXTERN_KCONFIG)
			continue;
		if (ext->offset > size || ext->size > size - ext->offset)
			return eb_err(-EINVAL, "kconfig '%s': offset %u + size %u is outside the "
				      ".kconfig map (%zu bytes)", ext->name, ext->offset, ext->size, size);
		/*
		 * A value that is missing or does not fit stays zero here; the
		 * programs that use it fail (strong) or read zero (weak): see
		 * eb_relo_resolve_externs.
		 */
		(void)eb_kcfg_value(ext, env, (uint8_t *)value + ext->offset);
	}
	return 0;
}
