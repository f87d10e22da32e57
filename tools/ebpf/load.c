// SPDX-License-Identifier: BSD-2-Clause
/*
 * `ebpf load OBJ [PROG...] [--log] [--btf FILE] [--json]`: load the programs
 * (with the maps they need) and report each one: loaded, or failed with the
 * library's one-line reason. Exit status 0 only if every requested program loaded.
 */
#include <errno.h>
#include <getopt.h>
#include <stdlib.h>
#include <string.h>

#include <ebpf/names.h>

#include "cli.h"

static const char *const load_help =
	"usage: ebpf load OBJ [PROG...] [--log] [--btf FILE] [--json]\n"
	"\n"
	"Load the object's programs into the kernel (every autoload program, or only the\n"
	"PROGs named) with the maps they use, and report each program: loaded, failed with\n"
	"the one-line reason, or skipped (not requested). Everything is unloaded on exit.\n"
	"\n"
	"  --log        print the verifier log of each failed program\n"
	"  --btf FILE   resolve kfuncs, ksyms and CO-RE against this BTF file instead of\n"
	"               the running kernel's\n"
	"  --json       {\"object\": ..., \"programs\": [{\"name\", \"section\", \"type\",\n"
	"               \"status\": \"loaded\"|\"failed\"|\"skipped\", \"error\", \"errno\"}]}\n"
	"               (with --log, failed programs also carry \"log\")\n"
	"  --help       this text\n"
	"\n"
	"Exit status 0 only if every requested program loaded.\n";

struct prog_result {
	const char *name;
	const char *section;
	const char *type;
	const char *status;
	const char *error;	/* NULL unless failed */
	int err;		/* positive errno, 0 unless failed */
	const char *log;
};

static bool requested(const struct ebpf_prog_spec *p, char **names, int n)
{
	if (!n)
		return ebpf_prog_spec_autoload(p);
	for (int i = 0; i < n; i++)
		if (!strcmp(names[i], ebpf_prog_spec_name(p)))
			return true;
	return false;
}

static void report(struct json *j, const char *object, const struct prog_result *r, size_t n,
		   bool with_log)
{
	if (j) {
		json_begin_object(j);
		json_kv_string(j, "object", object);
		json_key(j, "programs");
		json_begin_array(j);
		for (size_t i = 0; i < n; i++) {
			json_begin_object(j);
			json_kv_string(j, "name", r[i].name);
			json_kv_string(j, "section", r[i].section);
			json_kv_string(j, "type", r[i].type);
			json_kv_string(j, "status", r[i].status);
			json_key(j, "error");
			json_string(j, r[i].error);	/* NULL -> null */
			json_key(j, "errno");
			if (r[i].err)
				json_int(j, r[i].err);
			else
				json_null(j);
			if (with_log && r[i].error)
				json_kv_string(j, "log", r[i].log ? r[i].log : "");
			json_end_object(j);
		}
		json_end_array(j);
		json_end_object(j);
		json_finish(j);
		return;
	}
	for (size_t i = 0; i < n; i++) {
		printf("%-24s %-8s %s%s%s\n", r[i].name, r[i].status, r[i].type,
		       r[i].error ? ": " : "", r[i].error ? r[i].error : "");
		if (with_log && r[i].error && r[i].log && *r[i].log)
			printf("--- verifier log of %s ---\n%s\n--- end of log ---\n", r[i].name, r[i].log);
	}
}

int cmd_load(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "log", no_argument, NULL, 'l' },
		{ "btf", required_argument, NULL, 'b' },
		{ "json", no_argument, NULL, 'j' },
		{ "help", no_argument, NULL, 'h' },
		{ 0 },
	};
	bool with_log = false, as_json = false;
	const char *btf_path = NULL;
	struct ebpf_collection *coll = NULL;
	struct prog_result *res = NULL;
	struct ebpf_spec *spec;
	const char **wanted = NULL;
	struct json jw;
	int c, rc, err, nnames;
	char **names;
	size_t n;
	bool all_ok = true, priv = false;
	char *whole_err = NULL;

	opterr = 0;
	while ((c = getopt_long(argc, argv, "lb:jh", opts, NULL)) != -1) {
		switch (c) {
		case 'l': with_log = true; break;
		case 'b': btf_path = optarg; break;
		case 'j': as_json = true; break;
		case 'h': printf("%s\n%s", load_help, cli_exit_codes_help); return CLI_OK;
		default:
			cli_err("bad option '%s' (see ebpf load --help)", argv[optind - 1]);
			return CLI_USAGE;
		}
	}
	if (optind >= argc) {
		cli_err("missing OBJ (see ebpf load --help)");
		return CLI_USAGE;
	}
	rc = cli_open_spec(argv[optind], &spec);
	if (rc)
		return rc;
	names = argv + optind + 1;
	nnames = argc - optind - 1;
	for (int i = 0; i < nnames; i++) {
		if (!ebpf_spec_prog_by_name(spec, names[i])) {
			cli_err("%s: no program named '%s'", argv[optind], names[i]);
			ebpf_spec_free(spec);
			return CLI_USAGE;
		}
	}
	n = ebpf_spec_prog_count(spec);
	res = calloc(n ? n : 1, sizeof(*res));
	wanted = calloc((size_t)nnames + 1, sizeof(*wanted));
	if (!res || !wanted) {
		cli_err("out of memory");
		rc = CLI_FAILED;
		goto out;
	}
	for (int i = 0; i < nnames; i++)
		wanted[i] = names[i];
	err = ebpf_collection_load(spec, &EBPF_OPTS(ebpf_load_opts,
				   .programs = nnames ? wanted : NULL,
				   .kernel_btf_path = btf_path), &coll);
	if (err)
		whole_err = strdup(ebpf_errmsg());
	for (size_t i = 0; i < n; i++) {
		const struct ebpf_prog_spec *p = ebpf_spec_prog(spec, i);
		struct prog_result *r = &res[i];
		struct ebpf_prog *prog;
		const char *msg = NULL;
		int perr;

		r->name = ebpf_prog_spec_name(p);
		r->section = ebpf_prog_spec_section(p);
		r->type = ebpf_prog_type_name(ebpf_prog_spec_type(p));
		if (!requested(p, names, nnames)) {
			r->status = "skipped";
			continue;
		}
		if (err) {
			/* Nothing loaded (e.g. a map could not be created): every program failed with it. */
			r->status = "failed";
			r->error = whole_err ? whole_err : strerror(-err);
			r->err = -err;
			all_ok = false;
			priv |= cli_is_priv_error(err);
			continue;
		}
		prog = ebpf_collection_prog(coll, r->name);
		perr = prog ? ebpf_prog_load_error(prog, &msg) : -ENOENT;
		if (prog && !perr && ebpf_prog_fd(prog) >= 0) {
			r->status = "loaded";
			continue;
		}
		r->status = "failed";
		r->err = perr ? -perr : EINVAL;
		r->error = msg && *msg ? msg : strerror(r->err);
		r->log = prog ? ebpf_prog_verifier_log(prog) : NULL;
		all_ok = false;
		priv |= cli_is_priv_error(perr);
	}
	if (as_json)
		json_init(&jw, stdout);
	report(as_json ? &jw : NULL, argv[optind], res, n, with_log);
	bool have_log = false;
	for (size_t i = 0; i < n; i++) {
		if (res[i].error)
			cli_err("%s: %s", res[i].name, res[i].error);
		have_log |= res[i].error && res[i].log && *res[i].log;
	}
	if (have_log && !with_log)
		cli_err("add --log to print the verifier log of the failed programs");
	if (priv)
		cli_err("%s", cli_priv_hint());
	rc = all_ok ? CLI_OK : priv ? CLI_PRIV : CLI_FAILED;
out:
	free(whole_err);
	ebpf_collection_close(coll);
	free(res);
	free(wanted);
	ebpf_spec_free(spec);
	return rc;
}
