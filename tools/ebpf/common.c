// SPDX-License-Identifier: BSD-2-Clause
/* Helpers shared by the tool's commands: error lines, exit codes, number parsing. */
#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <ebpf/names.h>

#include "cli.h"

static const char *cmd_name = "";

void cli_set_cmd(const char *cmd)
{
	cmd_name = cmd;
}

void cli_err(const char *fmt, ...)
{
	char msg[2048];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	/* One line each: a message from the library may carry newlines (verifier text). */
	for (char *p = msg; *p; p++)
		if (*p == '\n')
			*p = ' ';
	fprintf(stderr, "ebpf%s%s: %s\n", *cmd_name ? " " : "", cmd_name, msg);
}

/* Whether the process has CAP_BPF (39) or CAP_SYS_ADMIN (21) in its effective set. */
static bool have_bpf_caps(void)
{
	FILE *f = fopen("/proc/self/status", "r");
	char line[256];
	unsigned long long eff = 0;
	bool found = false;

	if (!f)
		return geteuid() == 0;
	while (fgets(line, sizeof(line), f))
		if (sscanf(line, "CapEff: %llx", &eff) == 1)
			found = true;
	fclose(f);
	if (!found)
		return geteuid() == 0;
	return (eff >> 39 & 1) || (eff >> 21 & 1);
}

bool cli_is_priv_error(int err)
{
	/*
	 * The verifier refuses programs with EACCES and this kernel refuses some
	 * program types with EPERM even to root: only without the capabilities is
	 * EPERM/EACCES about privilege.
	 */
	return (err == -EPERM || err == -EACCES) && !have_bpf_caps();
}

const char *cli_priv_hint(void)
{
	return "missing privilege: loading programs needs CAP_BPF (or CAP_SYS_ADMIN), tracing "
	       "programs and uprobes also CAP_PERFMON, networking ones CAP_NET_ADMIN; run as root "
	       "(e.g. with sudo)";
}

int cli_exit_for(int err)
{
	if (cli_is_priv_error(err))
		return CLI_PRIV;
	return CLI_FAILED;
}

int cli_open_spec(const char *path, struct ebpf_spec **out)
{
	int err = ebpf_spec_open_file(path, NULL, out);

	if (err) {
		cli_err("%s: %s", path, *ebpf_errmsg() ? ebpf_errmsg() : strerror(-err));
		return CLI_INPUT;
	}
	return CLI_OK;
}

bool cli_parse_u64(const char *s, uint64_t *out)
{
	char *end;

	if (!s || !*s || *s == '-')
		return false;
	errno = 0;
	*out = strtoull(s, &end, 0);
	return !errno && !*end;
}

bool cli_parse_i64(const char *s, int64_t *out)
{
	char *end;

	if (!s || !*s)
		return false;
	errno = 0;
	*out = strtoll(s, &end, 0);
	return !errno && !*end;
}

const char *cli_reloc_kind(enum ebpf_reloc_kind kind)
{
	switch (kind) {
	case EBPF_RELOC_MAP: return "map";
	case EBPF_RELOC_DATA: return "data";
	case EBPF_RELOC_CALL: return "call";
	case EBPF_RELOC_FUNC_ADDR: return "func_addr";
	case EBPF_RELOC_KCONFIG: return "kconfig";
	case EBPF_RELOC_KSYM_VAR: return "ksym_var";
	case EBPF_RELOC_KFUNC_CALL: return "kfunc_call";
	case EBPF_RELOC_KFUNC_ADDR: return "kfunc_addr";
	}
	return "unknown";
}

const char *cli_var_at(const struct ebpf_map_spec *m, int64_t off)
{
	size_t n = ebpf_map_spec_var_count(m);
	struct ebpf_var_info v;

	for (size_t i = 0; i < n; i++)
		if (!ebpf_map_spec_var(m, i, &v) && off >= v.offset && off < (int64_t)v.offset + v.size)
			return v.name;
	return NULL;
}

const char *cli_helper_name(int32_t id)
{
	return ebpf_helper_name(id);
}
