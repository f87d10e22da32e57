// SPDX-License-Identifier: BSD-2-Clause
/*
 * `ebpf test OBJ PROG [--set VAR=VALUE]... [--data-in FILE] [--ctx-in FILE]
 * [--repeat N] [--json]`: the command-line way to unit-test a BPF program. Load
 * it, set globals (.rodata before load, .data/.bss after), run it once with
 * BPF_PROG_TEST_RUN, and print its return value, duration, output data and every
 * global variable after the run, decoded through BTF.
 */
#include <errno.h>
#include <getopt.h>
#include <stdlib.h>
#include <string.h>

#include <ebpf/names.h>

#include "cli.h"

static const char *const test_help =
	"usage: ebpf test OBJ PROG [--set VAR=VALUE]... [--data-in FILE] [--ctx-in FILE]\n"
	"                 [--repeat N] [--json]\n"
	"\n"
	"Load PROG (and the maps it uses), set global variables, run it with\n"
	"BPF_PROG_TEST_RUN and print the return value, the average duration, the output\n"
	"data and every global variable after the run (integers as numbers, char arrays\n"
	"as strings, structs as objects, the rest as hex).\n"
	"\n"
	"  --set VAR=VALUE  set a global: .rodata ones before load (constants the verifier\n"
	"                   sees), .data/.bss ones after load. VALUE is an integer (decimal,\n"
	"                   0x hex) for integer variables, a string for char arrays, or\n"
	"                   0x-prefixed hex bytes of the variable's exact size\n"
	"  --data-in FILE   packet data (xdp, tc, socket programs; default: 64 zero bytes)\n"
	"  --ctx-in FILE    context (e.g. the argument struct of a syscall program)\n"
	"  --repeat N       run N times; the duration is the average\n"
	"  --json           {\"program\", \"retval\", \"duration_ns\", \"data_out\", \"globals\": {...}}\n"
	"                   (+ \"error\" when the program fails to load or run)\n"
	"  --help           this text\n";

struct setting {
	const char *name;
	const char *value;
	const struct ebpf_map_spec *map;	/* the data map holding the variable */
	struct ebpf_var_info var;
	uint8_t *bytes;				/* the parsed value, var.size bytes */
};

/* Find variable `name` in the spec's data maps. */
static bool find_var(const struct ebpf_spec *spec, const char *name, const struct ebpf_map_spec **map,
		     struct ebpf_var_info *var)
{
	for (size_t i = 0; i < ebpf_spec_map_count(spec); i++) {
		const struct ebpf_map_spec *m = ebpf_spec_map(spec, i);

		if (ebpf_map_spec_origin(m) != EBPF_MAP_ORIGIN_DATA)
			continue;
		for (size_t v = 0; v < ebpf_map_spec_var_count(m); v++) {
			if (!ebpf_map_spec_var(m, v, var) && !strcmp(var->name, name)) {
				*map = m;
				return true;
			}
		}
	}
	return false;
}

static bool is_readonly_section(const char *name)
{
	return !strncmp(name, ".rodata", 7);
}

static int hexval(char c)
{
	if (c >= '0' && c <= '9') return c - '0';
	if (c >= 'a' && c <= 'f') return c - 'a' + 10;
	if (c >= 'A' && c <= 'F') return c - 'A' + 10;
	return -1;
}

/* VALUE -> the variable's bytes, by the variable's C type. Reports its own errors. */
static bool parse_value(const struct ebpf_spec *spec, struct setting *s)
{
	char type[128];
	size_t size = s->var.size, vlen = strlen(s->value);
	bool is_char_array;

	cli_btf_type_str(spec, s->var.btf_type, type, sizeof(type));
	s->bytes = calloc(1, size ? size : 1);
	if (!s->bytes)
		return false;
	/* A char array is what renders as a string: all zeros read "". */
	{
		char *zero = cli_format_value(spec, s->var.btf_type, s->bytes, size);

		is_char_array = zero && !strcmp(zero, "\"\"");
		free(zero);
	}
	if (!strncmp(s->value, "0x", 2) && vlen == 2 + 2 * size && (size > 8 || is_char_array)) {
		for (size_t i = 0; i < size; i++) {
			int hi = hexval(s->value[2 + 2 * i]), lo = hexval(s->value[3 + 2 * i]);

			if (hi < 0 || lo < 0)
				goto bad;
			s->bytes[i] = (uint8_t)(hi << 4 | lo);
		}
		return true;
	}
	if (is_char_array) {
		if (vlen > size) {
			cli_err("--set %s: \"%s\" is %zu bytes, the variable holds %zu", s->name, s->value,
				vlen, size);
			return false;
		}
		memcpy(s->bytes, s->value, vlen);
		return true;
	}
	if (size == 1 || size == 2 || size == 4 || size == 8) {
		int64_t sv;
		uint64_t uv;
		bool neg = s->value[0] == '-';

		if (neg ? !cli_parse_i64(s->value, &sv) : !cli_parse_u64(s->value, &uv))
			goto bad;
		if (neg)
			uv = (uint64_t)sv;
		if (size < 8) {
			/* Must fit the variable as either signed or unsigned. */
			uint64_t lim = 1ULL << (size * 8);
			bool fits = neg ? sv >= -(int64_t)(lim / 2) : uv < lim;

			if (!fits) {
				cli_err("--set %s: %s does not fit in %zu bytes", s->name, s->value, size);
				return false;
			}
		}
		/* Host byte order, as the program reads it. */
		switch (size) {
		case 1: { uint8_t v = (uint8_t)uv; memcpy(s->bytes, &v, 1); break; }
		case 2: { uint16_t v = (uint16_t)uv; memcpy(s->bytes, &v, 2); break; }
		case 4: { uint32_t v = (uint32_t)uv; memcpy(s->bytes, &v, 4); break; }
		default: memcpy(s->bytes, &uv, 8);
		}
		return true;
	}
bad:
	cli_err("--set %s: cannot parse '%s' as a value of type %s (%zu bytes)", s->name, s->value,
		*type ? type : "?", size);
	return false;
}

/* Write the after-load settings into their data maps (read-modify-write of key 0). */
static int apply_after_load(struct ebpf_collection *coll, struct setting *sets, int n)
{
	for (int i = 0; i < n; i++) {
		struct ebpf_map *m;
		uint8_t *val;
		uint32_t key = 0;
		size_t vsz;
		int err;

		if (is_readonly_section(ebpf_map_spec_name(sets[i].map)))
			continue;
		m = ebpf_collection_map(coll, ebpf_map_spec_name(sets[i].map));
		if (!m) {
			cli_err("--set %s: map '%s' was not created", sets[i].name,
				ebpf_map_spec_name(sets[i].map));
			return -ENOENT;
		}
		vsz = ebpf_map_value_buf_size(m);
		if (sets[i].var.offset + (size_t)sets[i].var.size > vsz) {
			cli_err("--set %s: variable lies outside map '%s'", sets[i].name, ebpf_map_name(m));
			return -EINVAL;
		}
		val = calloc(1, vsz ? vsz : 1);
		if (!val)
			return -ENOMEM;
		err = ebpf_map_lookup(m, &key, val);
		if (!err) {
			memcpy(val + sets[i].var.offset, sets[i].bytes, sets[i].var.size);
			err = ebpf_map_update(m, &key, val, EBPF_ANY);
		}
		free(val);
		if (err) {
			cli_err("--set %s: %s", sets[i].name, ebpf_errmsg());
			return err;
		}
	}
	return 0;
}

static void *read_file(const char *path, uint32_t *size)
{
	FILE *f = fopen(path, "rb");
	char *buf = NULL;
	long len;

	if (!f) {
		cli_err("%s: %s", path, strerror(errno));
		return NULL;
	}
	if (fseek(f, 0, SEEK_END) || (len = ftell(f)) < 0 || len > (1 << 26) || fseek(f, 0, SEEK_SET)) {
		cli_err("%s: cannot size the file (or larger than 64 MiB)", path);
		fclose(f);
		return NULL;
	}
	buf = malloc(len ? (size_t)len : 1);
	if (buf && fread(buf, 1, (size_t)len, f) != (size_t)len) {
		cli_err("%s: read error", path);
		free(buf);
		buf = NULL;
	}
	fclose(f);
	*size = (uint32_t)len;
	return buf;
}

static bool wants_packet(enum ebpf_prog_type t)
{
	switch (t) {
	case EBPF_PROG_TYPE_XDP: case EBPF_PROG_TYPE_SCHED_CLS: case EBPF_PROG_TYPE_SCHED_ACT:
	case EBPF_PROG_TYPE_SOCKET_FILTER: case EBPF_PROG_TYPE_CGROUP_SKB:
	case EBPF_PROG_TYPE_LWT_IN: case EBPF_PROG_TYPE_LWT_OUT: case EBPF_PROG_TYPE_LWT_XMIT:
	case EBPF_PROG_TYPE_FLOW_DISSECTOR:
		return true;
	default:
		return false;
	}
}

/* Every global variable of every data map, after the run. */
static void print_globals(struct json *j, const struct ebpf_spec *spec, struct ebpf_collection *coll)
{
	if (j) {
		json_key(j, "globals");
		json_begin_object(j);
	}
	for (size_t i = 0; i < ebpf_spec_map_count(spec); i++) {
		const struct ebpf_map_spec *ms = ebpf_spec_map(spec, i);
		struct ebpf_map *m;
		uint8_t *val;
		uint32_t key = 0;
		size_t vsz;

		if (ebpf_map_spec_origin(ms) != EBPF_MAP_ORIGIN_DATA || !ebpf_map_spec_var_count(ms))
			continue;
		m = ebpf_collection_map(coll, ebpf_map_spec_name(ms));
		if (!m || ebpf_map_fd(m) < 0)	/* not needed by the program: not created */
			continue;
		vsz = ebpf_map_value_buf_size(m);
		val = calloc(1, vsz ? vsz : 1);
		if (!val || ebpf_map_lookup(m, &key, val)) {
			cli_err("reading map '%s': %s", ebpf_map_name(m), val ? ebpf_errmsg() : "out of memory");
			free(val);
			continue;
		}
		for (size_t v = 0; v < ebpf_map_spec_var_count(ms); v++) {
			struct ebpf_var_info vi;
			char *text;

			if (ebpf_map_spec_var(ms, v, &vi) || vi.offset + (size_t)vi.size > vsz)
				continue;
			text = cli_format_value(spec, vi.btf_type, val + vi.offset, vi.size);
			if (j) {
				json_key(j, vi.name);
				if (text)
					json_raw(j, text);
				else
					json_null(j);
			} else {
				printf("  %s = %s\n", vi.name, text ? text : "?");
			}
			free(text);
		}
		free(val);
	}
	if (j)
		json_end_object(j);
}

int cmd_test(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "set", required_argument, NULL, 's' },
		{ "data-in", required_argument, NULL, 'd' },
		{ "ctx-in", required_argument, NULL, 'c' },
		{ "repeat", required_argument, NULL, 'r' },
		{ "json", no_argument, NULL, 'j' },
		{ "help", no_argument, NULL, 'h' },
		{ 0 },
	};
	const char *data_path = NULL, *ctx_path = NULL, *prog_name;
	struct setting *sets = NULL;
	int nsets = 0, c, rc = CLI_FAILED, err;
	uint64_t repeat = 1;
	bool as_json = false;
	struct ebpf_spec *spec = NULL;
	struct ebpf_collection *coll = NULL;
	struct ebpf_prog_spec *ps;
	struct ebpf_prog *prog;
	void *data_in = NULL, *ctx_in = NULL, *data_out = NULL;
	uint32_t data_len = 0, ctx_len = 0;
	const size_t data_out_cap = 256 * 1024;
	struct json jw, *j = NULL;
	const char *error = NULL;

	sets = calloc((size_t)argc, sizeof(*sets));
	if (!sets)
		return CLI_FAILED;
	opterr = 0;
	while ((c = getopt_long(argc, argv, "s:d:c:r:jh", opts, NULL)) != -1) {
		switch (c) {
		case 's': {
			char *eq = strchr(optarg, '=');

			if (!eq || eq == optarg) {
				cli_err("--set expects VAR=VALUE, got '%s'", optarg);
				rc = CLI_USAGE;
				goto out;
			}
			*eq = '\0';
			sets[nsets].name = optarg;
			sets[nsets++].value = eq + 1;
			break;
		}
		case 'd': data_path = optarg; break;
		case 'c': ctx_path = optarg; break;
		case 'r':
			if (!cli_parse_u64(optarg, &repeat) || !repeat || repeat > UINT32_MAX) {
				cli_err("--repeat expects a count from 1, got '%s'", optarg);
				rc = CLI_USAGE;
				goto out;
			}
			break;
		case 'j': as_json = true; break;
		case 'h':
			printf("%s\n%s", test_help, cli_exit_codes_help);
			rc = CLI_OK;
			goto out;
		default:
			cli_err("bad option '%s' (see ebpf test --help)", argv[optind - 1]);
			rc = CLI_USAGE;
			goto out;
		}
	}
	if (argc - optind != 2) {
		cli_err("expected OBJ PROG (see ebpf test --help)");
		rc = CLI_USAGE;
		goto out;
	}
	prog_name = argv[optind + 1];
	rc = cli_open_spec(argv[optind], &spec);
	if (rc)
		goto out;
	rc = CLI_USAGE;
	ps = ebpf_spec_prog_by_name(spec, prog_name);
	if (!ps) {
		cli_err("%s: no program named '%s'", argv[optind], prog_name);
		goto out;
	}
	if (repeat > 1 && ebpf_prog_spec_type(ps) == EBPF_PROG_TYPE_SYSCALL) {
		cli_err("--repeat: syscall programs run exactly once (the kernel refuses a repeat count)");
		goto out;
	}
	for (int i = 0; i < nsets; i++) {
		if (!find_var(spec, sets[i].name, &sets[i].map, &sets[i].var)) {
			cli_err("--set: no global variable named '%s' in %s", sets[i].name, argv[optind]);
			goto out;
		}
		if (!parse_value(spec, &sets[i]))
			goto out;
		if (is_readonly_section(ebpf_map_spec_name(sets[i].map)) &&
		    ebpf_spec_set_var(spec, sets[i].name, sets[i].bytes, sets[i].var.size)) {
			cli_err("--set %s: %s", sets[i].name, ebpf_errmsg());
			goto out;
		}
	}
	rc = CLI_INPUT;
	if (data_path && !(data_in = read_file(data_path, &data_len)))
		goto out;
	if (ctx_path && !(ctx_in = read_file(ctx_path, &ctx_len)))
		goto out;
	if (!data_path && wants_packet(ebpf_prog_spec_type(ps))) {
		data_len = 64;
		data_in = calloc(1, data_len);
	}
	data_out = malloc(data_out_cap);
	if (!data_out || (!data_in && data_len)) {
		cli_err("out of memory");
		rc = CLI_FAILED;
		goto out;
	}

	if (as_json) {
		j = &jw;
		json_init(j, stdout);
	}
	rc = CLI_FAILED;
	err = ebpf_collection_load(spec, &EBPF_OPTS(ebpf_load_opts,
				   .programs = (const char *const[]){ prog_name, NULL }), &coll);
	if (err) {
		error = ebpf_errmsg();
		rc = cli_exit_for(err);
		goto report;
	}
	prog = ebpf_collection_prog(coll, prog_name);
	if (!prog || ebpf_prog_fd(prog) < 0) {
		const char *msg = NULL;

		err = prog ? ebpf_prog_load_error(prog, &msg) : -ENOENT;
		error = msg && *msg ? msg : "program was not loaded";
		rc = cli_exit_for(err);
		goto report;
	}
	err = apply_after_load(coll, sets, nsets);
	if (err)
		goto out;
	struct ebpf_test_run_opts run = {
		.sz = sizeof(run),
		.data_in = data_in, .data_size_in = data_len,
		.data_out = data_len ? data_out : NULL, .data_size_out = data_len ? (uint32_t)data_out_cap : 0,
		.ctx_in = ctx_in, .ctx_size_in = ctx_len,
		/* syscall programs run exactly once: the kernel refuses a repeat count. */
		.repeat = repeat > 1 ? (uint32_t)repeat : 0,
	};
	err = ebpf_prog_test_run(prog, &run);
	if (err) {
		error = ebpf_errmsg();
		rc = cli_exit_for(err);
		goto report;
	}
	rc = CLI_OK;
	if (j) {
		json_begin_object(j);
		json_kv_string(j, "program", prog_name);
		json_kv_int(j, "retval", (int32_t)run.retval);
		json_kv_uint(j, "duration_ns", run.duration_ns);
		json_key(j, "data_out");
		if (data_len)
			json_hex(j, data_out, run.data_size_out);
		else
			json_null(j);
		print_globals(j, spec, coll);
		json_end_object(j);
		json_finish(j);
	} else {
		printf("program %s: retval %d (0x%x), duration %u ns%s\n", prog_name, (int32_t)run.retval,
		       run.retval, run.duration_ns, repeat > 1 ? " (average)" : "");
		if (data_len) {
			printf("data_out (%u bytes): ", run.data_size_out);
			for (uint32_t i = 0; i < run.data_size_out && i < 256; i++)
				printf("%02x", ((uint8_t *)data_out)[i]);
			printf("%s\n", run.data_size_out > 256 ? "..." : "");
		}
		printf("globals:\n");
		print_globals(NULL, spec, coll);
	}
	goto out;
report:
	cli_err("%s: %s", prog_name, error);
	if (cli_is_priv_error(err))
		cli_err("%s", cli_priv_hint());
	if (j) {
		json_begin_object(j);
		json_kv_string(j, "program", prog_name);
		json_kv_string(j, "error", error);
		json_kv_int(j, "errno", -err);
		json_end_object(j);
		json_finish(j);
	}
out:
	ebpf_collection_close(coll);
	ebpf_spec_free(spec);
	for (int i = 0; i < nsets; i++)
		free(sets[i].bytes);
	free(sets);
	free(data_in);
	free(ctx_in);
	free(data_out);
	return rc;
}
