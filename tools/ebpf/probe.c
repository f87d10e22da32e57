// SPDX-License-Identifier: BSD-2-Clause
/*
 * `ebpf probe [--kfunc NAME]... [--ksym NAME]... [--json]`: what this kernel
 * supports, by the library's own probes: program types, map types, named
 * features (link kinds, attach cookies per family, BTF kinds), helpers for the
 * common program types, and the kfuncs and ksyms named on the command line.
 */
#include <getopt.h>
#include <stdlib.h>
#include <string.h>

#include <ebpf/names.h>
#include <ebpf/probe.h>

#include "cli.h"

static const char *const probe_help =
	"usage: ebpf probe [NAME...] [--kfunc NAME]... [--ksym NAME]... [--json]\n"
	"\n"
	"Report what this kernel supports: program types, map types, link kinds and\n"
	"attach cookies per family, BTF kinds, the helpers common program types may call,\n"
	"and for each NAME (or --kfunc/--ksym NAME) whether the kernel has it: a kfunc in\n"
	"BTF, a ksym variable with or without a kallsyms address.\n"
	"Probes need CAP_BPF: without it answers read \"unknown\".\n"
	"\n"
	"  --json   {\"prog_types\": {NAME: true|false|null}, \"map_types\": {...},\n"
	"           \"features\": [{\"name\", \"since\", \"supported\"}], \"helpers\": {TYPE: [NAMES]},\n"
	"           \"symbols\": [{\"name\", \"in_btf\", \"kind\", \"kfunc\", \"in_kallsyms\", \"usable_as\"}]}\n"
	"  --help   this text\n";

static const char *answer_text(enum ebpf_probe_answer a)
{
	return a == EBPF_PROBE_YES ? "yes" : a == EBPF_PROBE_NO ? "no" : "unknown";
}

static void json_answer(struct json *j, enum ebpf_probe_answer a)
{
	if (a == EBPF_PROBE_UNKNOWN)
		json_null(j);
	else
		json_bool(j, a == EBPF_PROBE_YES);
}

/* The program types whose helper lists are shown: the ones people write most. */
static const enum ebpf_prog_type helper_types[] = {
	EBPF_PROG_TYPE_SOCKET_FILTER, EBPF_PROG_TYPE_KPROBE, EBPF_PROG_TYPE_SCHED_CLS,
	EBPF_PROG_TYPE_TRACEPOINT, EBPF_PROG_TYPE_XDP, EBPF_PROG_TYPE_RAW_TRACEPOINT,
	EBPF_PROG_TYPE_TRACING, EBPF_PROG_TYPE_SYSCALL,
};

/* What a symbol can be used as, in one phrase. */
static const char *usable_as(const struct ebpf_probe_sym *s)
{
	if (s->in_btf && s->is_func && s->kfunc_tagged)
		return "kfunc";
	if (s->in_btf && s->is_func)
		return s->in_kallsyms ? "typeless ksym (a kernel function not marked as a kfunc)"
				      : "nothing: a function in BTF, not a kfunc, not in kallsyms";
	if (s->in_btf && s->in_kallsyms)
		return "typed ksym";
	if (s->in_btf)
		return "nothing: typed ksym needs a kallsyms address (CONFIG_KALLSYMS_ALL is off)";
	if (s->in_kallsyms)
		return "typeless ksym";
	return "nothing: not in kernel BTF or kallsyms";
}

int cmd_probe(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "kfunc", required_argument, NULL, 'k' },
		{ "ksym", required_argument, NULL, 'k' },
		{ "json", no_argument, NULL, 'j' },
		{ "help", no_argument, NULL, 'h' },
		{ 0 },
	};
	const char **syms = calloc((size_t)argc + 1, sizeof(*syms));
	size_t nsyms = 0;
	bool as_json = false;
	struct json jw, *j = NULL;
	int c, rc = CLI_OK;

	if (!syms)
		return CLI_FAILED;
	opterr = 0;
	while ((c = getopt_long(argc, argv, "k:jh", opts, NULL)) != -1) {
		switch (c) {
		case 'k': syms[nsyms++] = optarg; break;
		case 'j': as_json = true; break;
		case 'h':
			printf("%s\n%s", probe_help, cli_exit_codes_help);
			free(syms);
			return CLI_OK;
		default:
			cli_err("bad option '%s' (see ebpf probe --help)", argv[optind - 1]);
			free(syms);
			return CLI_USAGE;
		}
	}
	for (int i = optind; i < argc; i++)
		syms[nsyms++] = argv[i];

	if (as_json) {
		j = &jw;
		json_init(j, stdout);
		json_begin_object(j);
		json_key(j, "prog_types");
		json_begin_object(j);
	} else {
		printf("program types:\n");
	}
	for (int t = 1; t < EBPF_PROG_TYPE_MAX; t++) {
		enum ebpf_probe_answer a = ebpf_probe_prog_type((enum ebpf_prog_type)t);

		if (j) {
			json_key(j, ebpf_prog_type_name((enum ebpf_prog_type)t));
			json_answer(j, a);
		} else {
			printf("  %-24s %s\n", ebpf_prog_type_name((enum ebpf_prog_type)t), answer_text(a));
		}
	}
	if (j) {
		json_end_object(j);
		json_key(j, "map_types");
		json_begin_object(j);
	} else {
		printf("map types:\n");
	}
	for (int t = 1; t < EBPF_MAP_TYPE_MAX; t++) {
		enum ebpf_probe_answer a = ebpf_probe_map_type((enum ebpf_map_type)t);

		if (j) {
			json_key(j, ebpf_map_type_name((enum ebpf_map_type)t));
			json_answer(j, a);
		} else {
			printf("  %-24s %s\n", ebpf_map_type_name((enum ebpf_map_type)t), answer_text(a));
		}
	}
	if (j) {
		json_end_object(j);
		json_key(j, "features");
		json_begin_array(j);
	} else {
		printf("features (links, attach cookies, BTF):\n");
	}
	for (size_t i = 0; i < ebpf_probe_feature_count(); i++) {
		const char *name, *since;
		enum ebpf_probe_answer a = ebpf_probe_feature(i, &name, &since);

		if (j) {
			json_begin_object(j);
			json_kv_string(j, "name", name);
			json_kv_string(j, "since", since);
			json_key(j, "supported");
			json_answer(j, a);
			json_end_object(j);
		} else {
			printf("  %-44s %-7s (Linux %s)\n", name, answer_text(a), since);
		}
	}
	if (j) {
		json_end_array(j);
		json_key(j, "helpers");
		json_begin_object(j);
	} else {
		printf("helpers by program type:\n");
	}
	for (size_t t = 0; t < sizeof(helper_types) / sizeof(helper_types[0]); t++) {
		const char *tname = ebpf_prog_type_name(helper_types[t]);
		int shown = 0;

		if (j) {
			json_key(j, tname);
			json_begin_array(j);
		} else {
			printf("  %s:", tname);
		}
		for (int32_t id = 1; id < 256; id++) {
			const char *hname = ebpf_helper_name(id);

			if (!hname || ebpf_probe_helper(helper_types[t], (uint32_t)id) != EBPF_PROBE_YES)
				continue;
			if (j)
				json_string(j, hname);
			else
				printf("%s%s", shown % 6 ? " " : "\n    ", hname);
			shown++;
		}
		if (j)
			json_end_array(j);
		else
			printf("%s\n", shown ? "" : " none (or unknown: probes need CAP_BPF)");
	}
	if (j) {
		json_end_object(j);
		json_key(j, "symbols");
		json_begin_array(j);
	} else if (nsyms) {
		printf("symbols:\n");
	}
	for (size_t i = 0; i < nsyms; i++) {
		struct ebpf_probe_sym s;
		int err = ebpf_probe_ksym(syms[i], &s);

		if (err) {
			cli_err("%s: %s", syms[i], ebpf_errmsg());
			rc = CLI_FAILED;
			continue;
		}
		if (j) {
			json_begin_object(j);
			json_kv_string(j, "name", syms[i]);
			json_kv_bool(j, "in_btf", s.in_btf);
			json_kv_string(j, "kind", !s.in_btf ? "none" : s.is_func ? "func" : "var");
			json_kv_bool(j, "kfunc", s.in_btf && s.is_func && s.kfunc_tagged);
			json_kv_bool(j, "in_kallsyms", s.in_kallsyms);
			json_kv_string(j, "usable_as", usable_as(&s));
			json_end_object(j);
		} else {
			printf("  %-28s BTF %s%s, kallsyms %s: usable as %s\n", syms[i],
			       !s.in_btf ? "no" : s.is_func ? "func" : "var",
			       s.in_btf && s.is_func && s.kfunc_tagged ? " (bpf_kfunc)" : "",
			       s.in_kallsyms ? "yes" : "no", usable_as(&s));
		}
	}
	if (j) {
		json_end_array(j);
		json_end_object(j);
		json_finish(j);
	}
	free(syms);
	return rc;
}
