// SPDX-License-Identifier: BSD-2-Clause
/*
 * `ebpf check OBJ [--btf FILE] [--json]`: will this object load on this kernel
 * (or on the kernel a BTF file describes)? Nothing is loaded: the library
 * resolves kfuncs, ksyms and CO-RE exactly as a load would, and probes program
 * types and helpers on the running kernel.
 */
#include <getopt.h>
#include <stdlib.h>
#include <string.h>

#include <ebpf/check.h>

#include "cli.h"

static const char *const check_help =
	"usage: ebpf check OBJ [--btf FILE] [--autoload-only] [--json]\n"
	"\n"
	"Without loading anything, resolve what the kernel would need from each program\n"
	"(kfuncs with prototype checks, ksym variables and their kallsyms addresses, CO-RE\n"
	"relocations, and on the running kernel: program types and helpers per type) and\n"
	"report per program whether it would load, and why not.\n"
	"\n"
	"  --btf FILE       check against this vmlinux BTF (e.g. another machine's\n"
	"                   /sys/kernel/btf/vmlinux) instead of the running kernel\n"
	"  --autoload-only  skip programs whose section starts with '?'\n"
	"  --json           {\"object\", \"kernel\", \"programs\": [{\"name\", \"status\": \"ok\"|\"fail\",\n"
	"                   \"error\", \"errno\", \"warnings\": [...]}], \"failed\": N}\n"
	"  --help           this text\n"
	"\n"
	"Exit status 1 when at least one program would fail.\n";

struct finding {
	char *program;
	enum ebpf_check_severity sev;
	int err;
	char *msg;
};

struct findings {
	struct finding *v;
	size_t n, cap;
	bool oom;
};

static void collect(void *user, const char *program, enum ebpf_check_severity sev, int err,
		    const char *msg)
{
	struct findings *f = user;

	if (f->n == f->cap) {
		size_t cap = f->cap ? f->cap * 2 : 16;
		struct finding *v = realloc(f->v, cap * sizeof(*v));

		if (!v) {
			f->oom = true;
			return;
		}
		f->v = v;
		f->cap = cap;
	}
	f->v[f->n].program = strdup(program);
	f->v[f->n].msg = strdup(msg);
	f->v[f->n].sev = sev;
	f->v[f->n].err = err;
	if (!f->v[f->n].program || !f->v[f->n].msg) {
		free(f->v[f->n].program);
		free(f->v[f->n].msg);
		f->oom = true;
		return;
	}
	f->n++;
}

int cmd_check(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "btf", required_argument, NULL, 'b' },
		{ "autoload-only", no_argument, NULL, 'a' },
		{ "json", no_argument, NULL, 'j' },
		{ "help", no_argument, NULL, 'h' },
		{ 0 },
	};
	const char *btf_path = NULL;
	bool as_json = false, autoload_only = false;
	struct findings f = { 0 };
	struct ebpf_spec *spec;
	struct json jw, *j = NULL;
	int c, rc, failed;

	opterr = 0;
	while ((c = getopt_long(argc, argv, "b:ajh", opts, NULL)) != -1) {
		switch (c) {
		case 'b': btf_path = optarg; break;
		case 'a': autoload_only = true; break;
		case 'j': as_json = true; break;
		case 'h': printf("%s\n%s", check_help, cli_exit_codes_help); return CLI_OK;
		default:
			cli_err("bad option '%s' (see ebpf check --help)", argv[optind - 1]);
			return CLI_USAGE;
		}
	}
	if (optind != argc - 1) {
		cli_err("expected exactly one OBJ (see ebpf check --help)");
		return CLI_USAGE;
	}
	rc = cli_open_spec(argv[optind], &spec);
	if (rc)
		return rc;
	failed = ebpf_spec_check(spec, &EBPF_OPTS(ebpf_check_opts, .btf_path = btf_path,
				 .autoload_only = autoload_only), collect, &f);
	if (failed < 0) {
		cli_err("%s", ebpf_errmsg());
		rc = btf_path ? CLI_INPUT : CLI_FAILED;
		goto out;
	}
	if (f.oom) {
		cli_err("out of memory");
		rc = CLI_FAILED;
		goto out;
	}
	if (as_json) {
		j = &jw;
		json_init(j, stdout);
		json_begin_object(j);
		json_kv_string(j, "object", argv[optind]);
		json_kv_string(j, "kernel", btf_path ? btf_path : "running");
		json_key(j, "programs");
		json_begin_array(j);
	} else {
		printf("checking %s against %s\n", argv[optind], btf_path ? btf_path : "the running kernel");
	}
	/* Findings arrive per program: WARNs first, then its one OK or FAIL. */
	for (size_t i = 0, first = 0; i < f.n; i++) {
		struct finding *x = &f.v[i];

		if (x->sev == EBPF_CHECK_WARN)
			continue;
		if (j) {
			json_begin_object(j);
			json_kv_string(j, "name", x->program);
			json_kv_string(j, "status", x->sev == EBPF_CHECK_OK ? "ok" : "fail");
			json_key(j, "error");
			json_string(j, x->sev == EBPF_CHECK_FAIL ? x->msg : NULL);
			json_key(j, "errno");
			if (x->sev == EBPF_CHECK_FAIL)
				json_int(j, -x->err);
			else
				json_null(j);
			json_key(j, "warnings");
			json_begin_array(j);
			for (size_t w = first; w < i; w++)
				json_string(j, f.v[w].msg);
			json_end_array(j);
			json_end_object(j);
		} else {
			printf("  %-24s %s%s%s\n", x->program, x->sev == EBPF_CHECK_OK ? "ok" : "FAIL",
			       x->sev == EBPF_CHECK_FAIL ? ": " : "", x->sev == EBPF_CHECK_FAIL ? x->msg : "");
			for (size_t w = first; w < i; w++)
				printf("  %-24s warning: %s\n", "", f.v[w].msg);
		}
		if (x->sev == EBPF_CHECK_FAIL)
			cli_err("%s", x->msg);
		first = i + 1;
	}
	if (j) {
		json_end_array(j);
		json_kv_int(j, "failed", failed);
		json_end_object(j);
		json_finish(j);
	} else {
		printf("%d program(s) would fail\n", failed);
	}
	rc = failed ? CLI_FAILED : CLI_OK;
out:
	for (size_t i = 0; i < f.n; i++) {
		free(f.v[i].program);
		free(f.v[i].msg);
	}
	free(f.v);
	ebpf_spec_free(spec);
	return rc;
}
