// SPDX-License-Identifier: BSD-2-Clause
/*
 * `ebpf run OBJ [--attach PROG=TARGET[,cookie=N]]... [--duration S] [--pcap FILE]
 * [--event-type MAP=VAR]... [--json] [-- COMMAND...]`: load, attach (by section
 * name, or as told), stream ring-buffer and perf-buffer records, stop on Ctrl-C,
 * SIGTERM, the duration or the end of COMMAND, detach everything, and print every
 * map's contents.
 */
#include <errno.h>
#include <getopt.h>
#include <net/if.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <ebpf/btf_dump.h>
#include <ebpf/names.h>

#include "cli.h"

static const char *const run_help =
	"usage: ebpf run OBJ [--attach PROG=TARGET[,cookie=N]]... [--duration S] [--pcap FILE]\n"
	"                [--event-type MAP=VAR]... [--json] [-- COMMAND [ARGS...]]\n"
	"\n"
	"Load the object, attach its programs, print ring-buffer and perf-buffer records as\n"
	"they arrive, and at the end detach everything and print every map's contents.\n"
	"Without --attach, every autoload program is attached as its section name says\n"
	"(uprobe/PATH:FUNC, tp/CAT/NAME, raw_tp/NAME, tp_btf/NAME, iter/task, ...); with\n"
	"--attach, only the programs named are loaded and attached. TARGET is one of:\n"
	"  uprobe:PATH:FUNC[+OFF]   uretprobe:PATH:FUNC     kprobe:FUNC   kretprobe:FUNC\n"
	"  uprobe.multi:PATH:FUNC1,FUNC2,...  (with cookies=C1,C2,...)\n"
	"  tracepoint:CAT/NAME      raw_tp:NAME             tp_btf:NAME   iter:task\n"
	"  xdp:IFNAME               tcx-ingress:IFNAME      tcx-egress:IFNAME\n"
	"e.g. --attach count=uprobe:/usr/bin/bash:readline,cookie=7\n"
	"\n"
	"  --duration S        stop after S seconds (default: Ctrl-C, SIGTERM or COMMAND's end)\n"
	"  --pcap FILE         write perf-buffer samples in the ebpf_skb_sample format\n"
	"                      (bpf_skb_output) to FILE as pcap\n"
	"  --event-type MAP=VAR  print MAP's records decoded as the type of global VAR\n"
	"                      (records are hex otherwise, unless the map has a value type)\n"
	"  -- COMMAND          run COMMAND once everything is attached; stop when it exits\n"
	"  --json              events are not printed; at exit one document:\n"
	"                      {\"maps\": {NAME: [{\"key\": K, \"value\": V}]}, \"events\": N, \"lost\": N}\n"
	"  --help              this text\n";

#define MAX_MAP_ENTRIES 4096

struct attach_req {
	const char *prog;
	char *kind;		/* text before the first ':' */
	char *target;		/* the rest, options removed */
	char **syms;		/* uprobe.multi */
	uint64_t *cookies;
	size_t nsyms, ncookies;
	uint64_t cookie;
};

struct event_type {
	const char *map;
	const char *var;
	uint32_t btf_type;
	uint32_t size;
};

struct run_ctx {
	const struct ebpf_spec *spec;
	struct json *j;
	struct event_type *types;
	int ntypes;
	struct ebpf_pcap *pcap;
	uint64_t events, lost;
};

struct reader_ctx {
	struct run_ctx *run;
	const char *map;
};

static volatile sig_atomic_t stop_signal;

static void on_signal(int sig)
{
	stop_signal = sig;
}

/* ------------------------------------------------------------ --attach parsing */

static bool push_u64(uint64_t **arr, size_t *n, const char *s)
{
	uint64_t v, *a;

	if (!cli_parse_u64(s, &v))
		return false;
	a = realloc(*arr, (*n + 1) * sizeof(*a));
	if (!a)
		return false;
	a[(*n)++] = v;
	*arr = a;
	return true;
}

static bool push_str(char ***arr, size_t *n, char *s)
{
	char **a = realloc(*arr, (*n + 1) * sizeof(*a));

	if (!a)
		return false;
	a[(*n)++] = s;
	*arr = a;
	return true;
}

/*
 * PROG=KIND:TARGET[,cookie=N][,cookies=A,B...]. Bare comma-separated tokens
 * continue the list begun before them (more symbols, or more cookies).
 */
static bool parse_attach(char *arg, struct attach_req *a)
{
	char *eq = strchr(arg, '='), *colon, *tok, *save = NULL;
	bool in_cookies = false;
	int ntok = 0;

	memset(a, 0, sizeof(*a));
	if (!eq || eq == arg || !(colon = strchr(eq + 1, ':'))) {
		cli_err("--attach expects PROG=KIND:TARGET, got '%s'", arg);
		return false;
	}
	*eq = '\0';
	*colon = '\0';
	a->prog = arg;
	a->kind = eq + 1;
	for (tok = strtok_r(colon + 1, ",", &save); tok; tok = strtok_r(NULL, ",", &save), ntok++) {
		if (!strncmp(tok, "cookie=", 7)) {
			if (!cli_parse_u64(tok + 7, &a->cookie))
				goto bad_num;
			in_cookies = false;
		} else if (!strncmp(tok, "cookies=", 8)) {
			if (!push_u64(&a->cookies, &a->ncookies, tok + 8))
				goto bad_num;
			in_cookies = true;
		} else if (in_cookies) {
			if (!push_u64(&a->cookies, &a->ncookies, tok))
				goto bad_num;
		} else if (!ntok) {
			a->target = tok;
		} else if (!push_str(&a->syms, &a->nsyms, tok)) {
			return false;
		}
		continue;
bad_num:
		cli_err("--attach %s: '%s' is not a number", a->prog, tok);
		return false;
	}
	if (!a->target || !*a->target) {
		cli_err("--attach %s: missing target after '%s:'", a->prog, a->kind);
		return false;
	}
	return true;
}

static void free_attach(struct attach_req *a)
{
	free(a->syms);
	free(a->cookies);
}

static int ifindex_of(const char *name)
{
	unsigned idx = if_nametoindex(name);

	if (!idx)
		cli_err("no network interface named '%s'", name);
	return (int)idx;
}

/* Split "PATH:FUNC[+OFF]" in place. */
static bool split_path_func(char *target, char **path, char **func, uint64_t *off)
{
	char *c = strrchr(target, ':'), *plus;

	if (!c)
		return false;
	*c = '\0';
	*path = target;
	*func = c + 1;
	*off = 0;
	plus = strchr(*func, '+');
	if (plus) {
		*plus = '\0';
		if (!cli_parse_u64(plus + 1, off))
			return false;
	}
	return **path && **func;
}

static void print_iter(struct run_ctx *rc, struct ebpf_link *link, const char *prog)
{
	char *buf = NULL;
	size_t len = 0;

	if (ebpf_iter_read_all(link, &buf, &len)) {
		cli_err("%s: reading iterator: %s", prog, ebpf_errmsg());
		return;
	}
	if (!rc->j)
		printf("iter %s output (%zu bytes):\n%s%s", prog, len, buf,
		       len && buf[len - 1] != '\n' ? "\n" : "");
	free(buf);
}

/* Attach one program as --attach says; returns 0 or a negative errno (reported). */
static int attach_explicit(struct run_ctx *rc, struct ebpf_prog *prog, struct attach_req *a,
			   struct ebpf_link **out)
{
	const char *k = a->kind;
	char *path, *func, shown[512];
	uint64_t off;
	int err, ifindex;

	/* the target as given: the parsing below splits it in place */
	snprintf(shown, sizeof(shown), "%s:%s", k, a->target);
	if (!strcmp(k, "uprobe") || !strcmp(k, "uretprobe")) {
		if (!split_path_func(a->target, &path, &func, &off)) {
			cli_err("--attach %s: expected %s:PATH:FUNC[+OFF]", a->prog, k);
			return -EINVAL;
		}
		err = ebpf_link_uprobe(prog, path, func, &EBPF_OPTS(ebpf_uprobe_opts, .cookie = a->cookie,
				       .offset = off, .retprobe = k[1] == 'r'), out);
	} else if (!strcmp(k, "uprobe.multi") || !strcmp(k, "uretprobe.multi")) {
		char **syms;

		if (!split_path_func(a->target, &path, &func, &off) || off) {
			cli_err("--attach %s: expected %s:PATH:FUNC1,FUNC2,...", a->prog, k);
			return -EINVAL;
		}
		syms = malloc((a->nsyms + 1) * sizeof(*syms));
		if (!syms)
			return -ENOMEM;
		syms[0] = func;
		memcpy(syms + 1, a->syms, a->nsyms * sizeof(*syms));
		if (a->ncookies && a->ncookies != a->nsyms + 1) {
			cli_err("--attach %s: %zu functions but %zu cookies", a->prog, a->nsyms + 1,
				a->ncookies);
			free(syms);
			return -EINVAL;
		}
		err = ebpf_link_uprobe_multi(prog, path, (const char *const *)syms, NULL, a->cookies,
					     a->nsyms + 1, &EBPF_OPTS(ebpf_uprobe_multi_opts,
					     .retprobe = k[1] == 'r'), out);
		free(syms);
	} else if (!strcmp(k, "kprobe") || !strcmp(k, "kretprobe")) {
		err = ebpf_link_kprobe(prog, a->target, &EBPF_OPTS(ebpf_kprobe_opts, .cookie = a->cookie,
				       .retprobe = k[1] == 'r'), out);
	} else if (!strcmp(k, "tracepoint") || !strcmp(k, "tp")) {
		char *slash = strchr(a->target, '/');

		if (!slash) {
			cli_err("--attach %s: expected tracepoint:CATEGORY/NAME", a->prog);
			return -EINVAL;
		}
		*slash = '\0';
		err = ebpf_link_tracepoint(prog, a->target, slash + 1,
					   &EBPF_OPTS(ebpf_tp_opts, .cookie = a->cookie), out);
	} else if (!strcmp(k, "raw_tp") || !strcmp(k, "raw_tracepoint")) {
		err = ebpf_link_raw_tp(prog, a->target, &EBPF_OPTS(ebpf_tp_opts, .cookie = a->cookie), out);
	} else if (!strcmp(k, "tp_btf") || !strcmp(k, "fentry") || !strcmp(k, "fexit")) {
		/* The target was fixed at load time by the section name: it cannot change here. */
		const struct ebpf_prog_spec *ps = ebpf_prog_spec_of(prog);
		const char *bound = ps ? ebpf_prog_spec_attach_target(ps) : NULL;

		if (bound && strcmp(bound, a->target)) {
			cli_err("--attach %s: %s programs are bound to their target when loaded (section "
				"'%s' binds '%s'); '%s' cannot be chosen at attach time: change the "
				"section name", a->prog, k, ps ? ebpf_prog_spec_section(ps) : "?", bound,
				a->target);
			return -EINVAL;
		}
		err = ebpf_link_tracing(prog, &EBPF_OPTS(ebpf_tracing_opts, .cookie = a->cookie), out);
	} else if (!strcmp(k, "iter")) {
		err = ebpf_link_iter(prog, NULL, out);
		if (!err)
			print_iter(rc, *out, a->prog);
	} else if (!strcmp(k, "xdp")) {
		if (!(ifindex = ifindex_of(a->target)))
			return -ENODEV;
		err = ebpf_link_xdp(prog, ifindex, 0, out);
	} else if (!strcmp(k, "tcx-ingress") || !strcmp(k, "tcx-egress")) {
		if (!(ifindex = ifindex_of(a->target)))
			return -ENODEV;
		err = ebpf_link_tcx(prog, ifindex, k[4] == 'i' ? EBPF_TCX_INGRESS : EBPF_TCX_EGRESS,
				    NULL, out);
	} else {
		cli_err("--attach %s: unknown kind '%s' (see ebpf run --help)", a->prog, k);
		return -EINVAL;
	}
	if (err)
		cli_err("attach %s (%s): %s", a->prog, shown, ebpf_errmsg());
	return err;
}

/* ------------------------------------------------------------ events */

static const struct event_type *event_type_of(const struct run_ctx *rc, const char *map)
{
	for (int i = 0; i < rc->ntypes; i++)
		if (!strcmp(rc->types[i].map, map))
			return &rc->types[i];
	return NULL;
}

static void print_event(struct run_ctx *rc, const char *map, int cpu, const void *data, size_t size)
{
	const struct event_type *t = event_type_of(rc, map);
	char *text;

	rc->events++;
	if (rc->j)
		return;
	text = t && size >= t->size ? cli_format_value(rc->spec, t->btf_type, data, t->size)
				     : cli_format_value(NULL, 0, data, size);
	if (cpu >= 0)
		printf("event %s cpu %d: %s\n", map, cpu, text ? text : "?");
	else
		printf("event %s: %s\n", map, text ? text : "?");
	fflush(stdout);
	free(text);
}

static int on_ring_record(void *ctx, const void *data, size_t size)
{
	struct reader_ctx *r = ctx;

	print_event(r->run, r->map, -1, data, size);
	return 0;
}

static int on_perf_sample(void *ctx, int cpu, const void *data, uint32_t size)
{
	struct reader_ctx *r = ctx;

	if (r->run->pcap && !ebpf_pcap_write_skb_sample(r->run->pcap, data, size)) {
		r->run->events++;
		return 0;
	}
	print_event(r->run, r->map, cpu, data, size);
	return 0;
}

static void on_perf_lost(void *ctx, int cpu, uint64_t lost)
{
	struct reader_ctx *r = ctx;

	r->run->lost += lost;
	if (!r->run->j)
		fprintf(stderr, "ebpf run: %s: %llu sample(s) lost on cpu %d\n", r->map,
			(unsigned long long)lost, cpu);
}

/* ------------------------------------------------------------ maps at exit */

static bool map_is_dumpable(enum ebpf_map_type t)
{
	switch (t) {
	case EBPF_MAP_TYPE_RINGBUF: case EBPF_MAP_TYPE_USER_RINGBUF:
	case EBPF_MAP_TYPE_PERF_EVENT_ARRAY: case EBPF_MAP_TYPE_PROG_ARRAY:
	case EBPF_MAP_TYPE_ARRAY_OF_MAPS: case EBPF_MAP_TYPE_HASH_OF_MAPS:
	case EBPF_MAP_TYPE_STACK_TRACE: case EBPF_MAP_TYPE_QUEUE: case EBPF_MAP_TYPE_STACK:
	case EBPF_MAP_TYPE_BLOOM_FILTER: case EBPF_MAP_TYPE_SOCKMAP: case EBPF_MAP_TYPE_SOCKHASH:
	case EBPF_MAP_TYPE_ARENA: case EBPF_MAP_TYPE_STRUCT_OPS:
	case EBPF_MAP_TYPE_SK_STORAGE: case EBPF_MAP_TYPE_INODE_STORAGE:
	case EBPF_MAP_TYPE_TASK_STORAGE: case EBPF_MAP_TYPE_CGRP_STORAGE:
		return false;
	default:
		return true;
	}
}

static bool is_percpu(enum ebpf_map_type t)
{
	return t == EBPF_MAP_TYPE_PERCPU_ARRAY || t == EBPF_MAP_TYPE_PERCPU_HASH ||
	       t == EBPF_MAP_TYPE_LRU_PERCPU_HASH || t == EBPF_MAP_TYPE_PERCPU_CGROUP_STORAGE;
}

/* A value as JSON text: per-CPU maps as an array of each CPU's value. */
static char *format_map_value(const struct ebpf_spec *spec, uint32_t vtype, const struct ebpf_map *m,
			      const uint8_t *val)
{
	size_t vsz = ebpf_map_value_size(m), len = 2, stride;
	int ncpu;
	char *out, **parts;

	if (!is_percpu(ebpf_map_type(m)))
		return cli_format_value(spec, vtype, val, vsz);
	ncpu = ebpf_num_possible_cpus();
	if (ncpu <= 0)
		return NULL;
	stride = (vsz + 7) & ~(size_t)7;
	parts = calloc((size_t)ncpu, sizeof(*parts));
	if (!parts)
		return NULL;
	for (int c = 0; c < ncpu; c++) {
		parts[c] = cli_format_value(spec, vtype, val + stride * (size_t)c, vsz);
		len += (parts[c] ? strlen(parts[c]) : 4) + 2;
	}
	out = malloc(len + 1);
	if (out) {
		strcpy(out, "[");
		for (int c = 0; c < ncpu; c++) {
			strcat(out, parts[c] ? parts[c] : "null");
			if (c + 1 < ncpu)
				strcat(out, ", ");
		}
		strcat(out, "]");
	}
	for (int c = 0; c < ncpu; c++)
		free(parts[c]);
	free(parts);
	return out;
}

static void dump_map(struct json *j, const struct ebpf_spec *spec, const struct ebpf_map *m)
{
	const struct ebpf_map_spec *ms = ebpf_spec_map_by_name(spec, ebpf_map_name(m));
	uint32_t ktype = ebpf_map_spec_btf_key_type(ms), vtype = ebpf_map_spec_btf_value_type(ms);
	size_t ksz = ebpf_map_key_size(m), vsz = ebpf_map_value_buf_size(m);
	uint8_t *key = calloc(1, ksz ? ksz : 1), *next = calloc(1, ksz ? ksz : 1);
	uint8_t *val = calloc(1, vsz ? vsz : 1);
	bool first = true;
	int n = 0;

	if (j) {
		json_key(j, ebpf_map_name(m));
		json_begin_array(j);
	} else {
		printf("map %s (%s):\n", ebpf_map_name(m), ebpf_map_type_name(ebpf_map_type(m)));
	}
	while (key && next && val && n < MAX_MAP_ENTRIES) {
		char *ks, *vs;

		if (ebpf_map_next_key(m, first ? NULL : key, next))
			break;
		first = false;
		memcpy(key, next, ksz);
		if (ebpf_map_lookup(m, key, val))
			continue;
		n++;
		ks = cli_format_value(spec, ktype, key, ksz);
		vs = format_map_value(spec, vtype, m, val);
		if (j) {
			json_begin_object(j);
			json_key(j, "key");
			json_raw(j, ks ? ks : "null");
			json_key(j, "value");
			json_raw(j, vs ? vs : "null");
			json_end_object(j);
		} else {
			printf("  %s => %s\n", ks ? ks : "?", vs ? vs : "?");
		}
		free(ks);
		free(vs);
	}
	if (j)
		json_end_array(j);
	else if (!n)
		printf("  (empty)\n");
	else if (n == MAX_MAP_ENTRIES)
		printf("  ... (stopped after %d entries)\n", MAX_MAP_ENTRIES);
	free(key);
	free(next);
	free(val);
}

/* ------------------------------------------------------------ the command */

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static bool resolve_event_types(const struct ebpf_spec *spec, struct event_type *t, int n)
{
	for (int i = 0; i < n; i++) {
		bool found = false;

		for (size_t m = 0; m < ebpf_spec_map_count(spec) && !found; m++) {
			const struct ebpf_map_spec *ms = ebpf_spec_map(spec, m);

			for (size_t v = 0; v < ebpf_map_spec_var_count(ms) && !found; v++) {
				struct ebpf_var_info vi;

				if (!ebpf_map_spec_var(ms, v, &vi) && !strcmp(vi.name, t[i].var)) {
					t[i].btf_type = vi.btf_type;
					t[i].size = vi.size;
					found = true;
				}
			}
		}
		if (!found) {
			cli_err("--event-type %s=%s: no global variable '%s'", t[i].map, t[i].var, t[i].var);
			return false;
		}
	}
	return true;
}

int cmd_run(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "attach", required_argument, NULL, 'a' },
		{ "duration", required_argument, NULL, 'd' },
		{ "pcap", required_argument, NULL, 'p' },
		{ "event-type", required_argument, NULL, 'e' },
		{ "json", no_argument, NULL, 'j' },
		{ "help", no_argument, NULL, 'h' },
		{ 0 },
	};
	struct attach_req *reqs = calloc((size_t)argc, sizeof(*reqs));
	struct event_type *types = calloc((size_t)argc, sizeof(*types));
	const char **wanted = calloc((size_t)argc + 1, sizeof(*wanted));
	struct ebpf_link **links = NULL;
	struct reader_ctx *rctx = NULL;
	struct ebpf_perfbuf **pbs = NULL;
	struct ebpf_ringbuf *rb = NULL;
	struct ebpf_spec *spec = NULL;
	struct ebpf_collection *coll = NULL;
	struct run_ctx rc = { 0 };
	struct json jw;
	const char *pcap_path = NULL;
	char **command = NULL;
	double duration = 0, deadline = 0;
	int nreqs = 0, ntypes = 0, nwanted = 0, c, ret = CLI_FAILED, err, epfd = -1;
	size_t nlinks = 0, npbs = 0, nmaps;
	pid_t child = -1;
	struct sigaction sa;

	if (!reqs || !types || !wanted) {
		cli_err("out of memory");
		goto out;
	}
	/* Everything after "--" is the command; getopt sees only what precedes it. */
	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--")) {
			command = argv + i + 1;
			argc = i;
			break;
		}
	}
	if (command && !*command) {
		cli_err("'--' must be followed by a command");
		ret = CLI_USAGE;
		goto out;
	}
	opterr = 0;
	while ((c = getopt_long(argc, argv, "a:d:p:e:jh", opts, NULL)) != -1) {
		switch (c) {
		case 'a':
			if (!parse_attach(optarg, &reqs[nreqs++])) {
				ret = CLI_USAGE;
				goto out;
			}
			break;
		case 'd': {
			char *end;

			duration = strtod(optarg, &end);
			if (*end || !(duration > 0)) {
				cli_err("--duration expects seconds > 0, got '%s'", optarg);
				ret = CLI_USAGE;
				goto out;
			}
			break;
		}
		case 'p': pcap_path = optarg; break;
		case 'e': {
			char *eq = strchr(optarg, '=');

			if (!eq || eq == optarg || !eq[1]) {
				cli_err("--event-type expects MAP=VAR, got '%s'", optarg);
				ret = CLI_USAGE;
				goto out;
			}
			*eq = '\0';
			types[ntypes].map = optarg;
			types[ntypes++].var = eq + 1;
			break;
		}
		case 'j': rc.j = &jw; break;
		case 'h':
			printf("%s\n%s", run_help, cli_exit_codes_help);
			ret = CLI_OK;
			goto out;
		default:
			cli_err("bad option '%s' (see ebpf run --help)", argv[optind - 1]);
			ret = CLI_USAGE;
			goto out;
		}
	}
	if (argc - optind != 1) {
		cli_err("expected exactly one OBJ%s (see ebpf run --help)",
			optind < argc ? " (a command goes after '--')" : "");
		ret = CLI_USAGE;
		goto out;
	}
	ret = cli_open_spec(argv[optind], &spec);
	if (ret)
		goto out;
	ret = CLI_USAGE;
	rc.spec = spec;
	rc.types = types;
	rc.ntypes = ntypes;
	if (!resolve_event_types(spec, types, ntypes))
		goto out;
	for (int i = 0; i < nreqs; i++) {
		bool dup = false;

		if (!ebpf_spec_prog_by_name(spec, reqs[i].prog)) {
			cli_err("--attach: no program named '%s' in %s", reqs[i].prog, argv[optind]);
			goto out;
		}
		/* uprobe_multi links need the program loaded for that attach type. */
		if (!strcmp(reqs[i].kind, "uprobe.multi") || !strcmp(reqs[i].kind, "uretprobe.multi"))
			ebpf_prog_spec_set_type(ebpf_spec_prog_by_name(spec, reqs[i].prog),
						EBPF_PROG_TYPE_KPROBE, EBPF_TRACE_UPROBE_MULTI);
		for (int k = 0; k < nwanted; k++)
			dup |= !strcmp(wanted[k], reqs[i].prog);
		if (!dup)
			wanted[nwanted++] = reqs[i].prog;
	}

	ret = CLI_FAILED;
	err = ebpf_collection_load(spec, &EBPF_OPTS(ebpf_load_opts, .programs = nreqs ? wanted : NULL),
				   &coll);
	if (err) {
		cli_err("%s: %s", argv[optind], ebpf_errmsg());
		if (cli_is_priv_error(err))
			cli_err("%s", cli_priv_hint());
		ret = cli_exit_for(err);
		goto out;
	}
	links = calloc(ebpf_collection_prog_count(coll) + (size_t)nreqs + 1, sizeof(*links));
	if (!links)
		goto out;
	if (nreqs) {
		for (int i = 0; i < nreqs; i++) {
			struct ebpf_prog *p = ebpf_collection_prog(coll, reqs[i].prog);
			const char *msg = NULL;

			if (!p || ebpf_prog_fd(p) < 0) {
				err = p ? ebpf_prog_load_error(p, &msg) : -ENOENT;
				cli_err("%s: not loaded: %s", reqs[i].prog, msg ? msg : "?");
				ret = cli_exit_for(err);
				goto out;
			}
			err = attach_explicit(&rc, p, &reqs[i], &links[nlinks]);
			if (err) {
				ret = cli_exit_for(err);
				goto out;
			}
			nlinks++;
		}
	} else {
		for (size_t i = 0; i < ebpf_collection_prog_count(coll); i++) {
			struct ebpf_prog *p = ebpf_collection_prog_at(coll, i);
			const char *msg = NULL;

			if (ebpf_prog_fd(p) < 0) {
				if (ebpf_prog_load_error(p, &msg))
					cli_err("%s: not loaded: %s", ebpf_prog_name(p), msg ? msg : "?");
				continue;
			}
			if (ebpf_link_auto(p, NULL, &links[nlinks])) {
				cli_err("%s: not attached: %s", ebpf_prog_name(p), ebpf_errmsg());
				continue;
			}
			if (ebpf_prog_spec_type(ebpf_prog_spec_of(p)) == EBPF_PROG_TYPE_TRACING &&
			    !strncmp(ebpf_prog_spec_section(ebpf_prog_spec_of(p)), "iter", 4))
				print_iter(&rc, links[nlinks], ebpf_prog_name(p));
			nlinks++;
		}
		if (!nlinks) {
			cli_err("%s: no program could be attached", argv[optind]);
			goto out;
		}
	}

	/* Event readers for every ring buffer and perf event array. */
	nmaps = ebpf_collection_map_count(coll);
	rctx = calloc(nmaps + 1, sizeof(*rctx));
	pbs = calloc(nmaps + 1, sizeof(*pbs));
	epfd = epoll_create1(EPOLL_CLOEXEC);
	if (!rctx || !pbs || epfd < 0)
		goto out;
	if (pcap_path && ebpf_pcap_open(pcap_path, NULL, &rc.pcap)) {
		cli_err("--pcap %s: %s", pcap_path, ebpf_errmsg());
		goto out;
	}
	for (size_t i = 0; i < nmaps; i++) {
		struct ebpf_map *m = ebpf_collection_map_at(coll, i);
		struct epoll_event ev = { .events = EPOLLIN };

		rctx[i].run = &rc;
		rctx[i].map = ebpf_map_name(m);
		if (ebpf_map_fd(m) < 0)
			continue;
		if (ebpf_map_type(m) == EBPF_MAP_TYPE_RINGBUF) {
			err = rb ? ebpf_ringbuf_add(rb, m, on_ring_record, &rctx[i])
				 : ebpf_ringbuf_new(m, on_ring_record, &rctx[i], NULL, &rb);
			if (!err && ebpf_ringbuf_ring_count(rb) == 1) {
				ev.data.ptr = NULL;
				err = epoll_ctl(epfd, EPOLL_CTL_ADD, ebpf_ringbuf_epoll_fd(rb), &ev) ? -errno : 0;
			}
		} else if (ebpf_map_type(m) == EBPF_MAP_TYPE_PERF_EVENT_ARRAY) {
			err = ebpf_perfbuf_new(m, 64, on_perf_sample, on_perf_lost, &rctx[i], NULL, &pbs[npbs]);
			if (!err) {
				ev.data.ptr = pbs[npbs++];
				err = epoll_ctl(epfd, EPOLL_CTL_ADD, ebpf_perfbuf_epoll_fd(ev.data.ptr), &ev)
					? -errno : 0;
			}
		} else {
			continue;
		}
		if (err) {
			cli_err("map '%s': cannot read events: %s", ebpf_map_name(m), ebpf_errmsg());
			ret = cli_exit_for(err);
			goto out;
		}
	}

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;	/* no SA_RESTART: epoll_wait returns EINTR */
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	if (!rc.j)
		fprintf(stderr, "ebpf run: %zu link(s) attached; %s\n", nlinks,
			command ? "running the command" : duration > 0 ? "running for the duration"
								    : "Ctrl-C to stop");
	if (command) {
		fflush(stdout);
		child = fork();
		if (child < 0) {
			cli_err("fork: %s", strerror(errno));
			goto out;
		}
		if (!child) {
			/* The command's output must not mix into a JSON document. */
			if (rc.j && dup2(STDERR_FILENO, STDOUT_FILENO) < 0)
				_exit(127);
			execvp(command[0], command);
			fprintf(stderr, "ebpf run: %s: %s\n", command[0], strerror(errno));
			_exit(127);
		}
	}
	if (duration > 0)
		deadline = now_s() + duration;
	while (!stop_signal) {
		struct epoll_event evs[16];
		int timeout = 100, n;

		if (deadline > 0 && now_s() >= deadline)
			break;
		if (child > 0) {
			int st;

			if (waitpid(child, &st, WNOHANG) == child) {
				child = -1;
				if (WIFEXITED(st) && WEXITSTATUS(st))
					fprintf(stderr, "ebpf run: %s exited with status %d\n", command[0],
						WEXITSTATUS(st));
				break;
			}
		}
		n = epoll_wait(epfd, evs, 16, timeout);
		if (n < 0 && errno != EINTR) {
			cli_err("epoll_wait: %s", strerror(errno));
			break;
		}
		for (int i = 0; i < n; i++) {
			if (evs[i].data.ptr)
				ebpf_perfbuf_consume(evs[i].data.ptr);
			else if (rb)
				ebpf_ringbuf_consume(rb);
		}
	}
	/* Detach first, then drain what the programs produced before detaching. */
	for (size_t i = 0; i < nlinks; i++)
		ebpf_link_close(links[i]);
	nlinks = 0;
	if (rb)
		ebpf_ringbuf_consume(rb);
	for (size_t i = 0; i < npbs; i++) {
		ebpf_perfbuf_consume(pbs[i]);
		rc.lost = rc.lost > ebpf_perfbuf_lost(pbs[i]) ? rc.lost : ebpf_perfbuf_lost(pbs[i]);
	}
	if (stop_signal && !rc.j)
		fprintf(stderr, "ebpf run: stopped by signal %d\n", (int)stop_signal);

	if (rc.j) {
		json_init(rc.j, stdout);
		json_begin_object(rc.j);
		json_key(rc.j, "maps");
		json_begin_object(rc.j);
	}
	for (size_t i = 0; i < ebpf_collection_map_count(coll); i++) {
		struct ebpf_map *m = ebpf_collection_map_at(coll, i);

		if (ebpf_map_fd(m) >= 0 && map_is_dumpable(ebpf_map_type(m)))
			dump_map(rc.j, spec, m);
	}
	if (rc.j) {
		json_end_object(rc.j);
		json_kv_uint(rc.j, "events", rc.events);
		json_kv_uint(rc.j, "lost", rc.lost);
		if (rc.pcap)
			json_kv_uint(rc.j, "packets", ebpf_pcap_count(rc.pcap));
		json_end_object(rc.j);
		json_finish(rc.j);
	} else {
		printf("events: %llu, lost: %llu\n", (unsigned long long)rc.events,
		       (unsigned long long)rc.lost);
		if (rc.pcap)
			printf("pcap: %llu packet(s) written to %s\n",
			       (unsigned long long)ebpf_pcap_count(rc.pcap), pcap_path);
	}
	ret = CLI_OK;
out:
	if (child > 0) {
		kill(child, SIGTERM);
		waitpid(child, NULL, 0);
	}
	for (size_t i = 0; i < nlinks; i++)
		ebpf_link_close(links[i]);
	if (rc.pcap && ebpf_pcap_close(rc.pcap)) {
		cli_err("--pcap %s: %s", pcap_path, ebpf_errmsg());
		ret = CLI_FAILED;
	}
	ebpf_ringbuf_free(rb);
	for (size_t i = 0; i < npbs; i++)
		ebpf_perfbuf_free(pbs[i]);
	if (epfd >= 0)
		close(epfd);
	ebpf_collection_close(coll);
	ebpf_spec_free(spec);
	for (int i = 0; i < nreqs; i++)
		free_attach(&reqs[i]);
	free(reqs);
	free(types);
	free(wanted);
	free(links);
	free(rctx);
	free(pbs);
	return ret;
}
