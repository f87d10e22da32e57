/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The `ebpf` tool's shared declarations: one function per command, the exit
 * codes (documented in `ebpf --help`), and small helpers every command uses.
 * The tool uses the public API only (the headers in include/ebpf).
 */
#ifndef EBPF_TOOL_CLI_H
#define EBPF_TOOL_CLI_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include <ebpf/ebpf.h>

#include "json.h"

/* Exit codes, the same for every command. */
enum {
	CLI_OK = 0,		/* everything asked for worked */
	CLI_FAILED = 1,		/* the command ran, and something it checked failed */
	CLI_USAGE = 2,		/* bad command line */
	CLI_INPUT = 3,		/* the object (or another input file) cannot be read or parsed */
	CLI_PRIV = 4,		/* missing privilege (bpf(2) or perf_event_open refused) */
};

int cmd_inspect(int argc, char **argv);
int cmd_check(int argc, char **argv);
int cmd_load(int argc, char **argv);
int cmd_test(int argc, char **argv);
int cmd_run(int argc, char **argv);
int cmd_probe(int argc, char **argv);

/* One line "ebpf <cmd>: <message>" on stderr. */
void cli_err(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* Set the command name used by cli_err(). */
void cli_set_cmd(const char *cmd);

/* Open and parse OBJ, reporting failures with cli_err(); returns a CLI_* code. */
int cli_open_spec(const char *path, struct ebpf_spec **out);
/* The exit code for a failed call that returned `err` (a negative errno). */
int cli_exit_for(int err);
/* Whether `err` means the process lacks a privilege (EPERM/EACCES). */
bool cli_is_priv_error(int err);
/* The one-line explanation of a missing privilege. */
const char *cli_priv_hint(void);

/* Names for enum values ("kprobe", "hash", "uprobe_multi"); "unknown(N)" in a static buffer otherwise. */
const char *cli_prog_type(enum ebpf_prog_type t);
const char *cli_map_type(enum ebpf_map_type t);
const char *cli_attach_type(enum ebpf_attach_type t);

/* Parse an unsigned/signed integer (decimal, 0x hex, 0 octal) fully; false if malformed. */
bool cli_parse_u64(const char *s, uint64_t *out);
bool cli_parse_i64(const char *s, int64_t *out);

/* The exit-status paragraph of every --help. */
extern const char *const cli_exit_codes_help;

/* Name of a relocation kind as inspect prints it ("map", "kfunc_call"). */
const char *cli_reloc_kind(enum ebpf_reloc_kind kind);
/* Name of the variable of data map `m` that contains byte `off`, or NULL. */
const char *cli_var_at(const struct ebpf_map_spec *m, int64_t off);
/* Helper name for the disassembler (NULL if unknown). */
const char *cli_helper_name(int32_t id);

/* ---- btf_format.c */
/* C spelling of an object BTF type ("" when the object has no BTF or id is 0). */
void cli_btf_type_str(const struct ebpf_spec *spec, uint32_t type_id, char *buf, size_t len);
/* "btf": {...} (JSON) or a line of text (j NULL). */
void cli_btf_summary(struct json *j, const struct ebpf_spec *spec);
/* A value as a JSON text (malloc'd; NULL on OOM): through BTF when type_id is known, else hex. */
char *cli_format_value(const struct ebpf_spec *spec, uint32_t type_id, const void *data, size_t size);
/* The same, written as the next JSON value. */
void cli_json_value(struct json *j, const struct ebpf_spec *spec, uint32_t type_id,
		    const void *data, size_t size);

#endif
