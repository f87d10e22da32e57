// SPDX-License-Identifier: BSD-2-Clause
/*
 * `ebpf inspect OBJ [--disasm] [--json]`: everything the object says, without a
 * syscall — programs, maps, global variables, externs, license and BTF — and with
 * --disasm each program's instructions annotated with what their relocations name.
 */
#include <getopt.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "disasm.h"
#include <ebpf/names.h>

static const char *const inspect_help =
	"usage: ebpf inspect OBJ [--disasm] [--json]\n"
	"\n"
	"Show what an eBPF object contains, without loading anything: programs (name,\n"
	"section, type, attach type, instruction count, relocations by kind), maps (type,\n"
	"key/value size, max entries, flags, pinning), global variables, externs (kconfig,\n"
	"ksym variables typed/typeless, kfuncs; weak or strong), license and BTF.\n"
	"\n"
	"  --disasm   print each program's instructions with its relocations resolved to names\n"
	"  --json     one JSON document on stdout\n"
	"  --help     this text\n";

enum { RELOC_KINDS = EBPF_RELOC_KFUNC_ADDR + 1 };

/* The text of the annotation for relocation r ("map 'counts'", "kfunc 'bpf_task_from_pid'"). */
static void reloc_note(const struct ebpf_spec *spec, const struct ebpf_reloc *r, char *buf, size_t len)
{
	const char *kind = cli_reloc_kind(r->kind);

	switch (r->kind) {
	case EBPF_RELOC_MAP:
	case EBPF_RELOC_DATA: {
		const struct ebpf_map_spec *m = ebpf_spec_map(spec, r->target);
		const char *var = m ? cli_var_at(m, r->addend) : NULL;

		if (!m)
			snprintf(buf, len, "%s #%u (out of range)", kind, r->target);
		else if (r->kind == EBPF_RELOC_DATA && var)
			snprintf(buf, len, "%s '%s' var '%s'", kind, ebpf_map_spec_name(m), var);
		else if (r->kind == EBPF_RELOC_DATA)
			snprintf(buf, len, "%s '%s' +%lld", kind, ebpf_map_spec_name(m),
				 (long long)r->addend);
		else
			snprintf(buf, len, "%s '%s'", kind, ebpf_map_spec_name(m));
		return;
	}
	default:
		snprintf(buf, len, "%s '%s'", kind, r->symbol ? r->symbol : "?");
	}
}

static void print_disasm(struct json *j, const struct ebpf_spec *spec, const struct ebpf_prog_spec *p)
{
	size_t cnt = 0, nrel = ebpf_prog_spec_reloc_count(p), ri = 0;
	const struct ebpf_insn *insns = ebpf_prog_spec_insns(p, &cnt);
	struct ebpf_reloc r;
	char text[160], note[256];
	bool have_r = false;

	if (j) {
		json_key(j, "disasm");
		json_begin_array(j);
	}
	for (size_t i = 0; i < cnt;) {
		size_t used = disasm_insn(insns, cnt, i, cli_helper_name, text, sizeof(text));

		note[0] = '\0';
		/* Relocations are sorted by instruction: advance past the ones before i. */
		while (ri < nrel) {
			if (!have_r) {
				if (ebpf_prog_spec_reloc(p, ri, &r)) {
					ri = nrel;
					break;
				}
				have_r = true;
			}
			if (r.insn >= i)
				break;
			ri++;
			have_r = false;
		}
		if (have_r && ri < nrel && r.insn == i)
			reloc_note(spec, &r, note, sizeof(note));
		if (j) {
			json_begin_object(j);
			json_kv_uint(j, "insn", i);
			json_kv_string(j, "text", text);
			json_key(j, "reloc");
			if (note[0])
				json_string(j, note);
			else
				json_null(j);
			json_end_object(j);
		} else {
			if (note[0])
				printf("    %5zu: %-40s ; %s\n", i, text, note);
			else
				printf("    %5zu: %s\n", i, text);
		}
		i += used;
	}
	if (j)
		json_end_array(j);
}

static void count_relocs(const struct ebpf_prog_spec *p, size_t counts[RELOC_KINDS])
{
	size_t n = ebpf_prog_spec_reloc_count(p);
	struct ebpf_reloc r;

	memset(counts, 0, sizeof(size_t) * RELOC_KINDS);
	for (size_t i = 0; i < n; i++)
		if (!ebpf_prog_spec_reloc(p, i, &r) && (int)r.kind > 0 && (int)r.kind < RELOC_KINDS)
			counts[r.kind]++;
}

static void programs(struct json *j, const struct ebpf_spec *spec, bool disasm)
{
	size_t n = ebpf_spec_prog_count(spec);

	if (j) {
		json_key(j, "programs");
		json_begin_array(j);
	} else {
		printf("programs (%zu):\n", n);
	}
	for (size_t i = 0; i < n; i++) {
		const struct ebpf_prog_spec *p = ebpf_spec_prog(spec, i);
		size_t counts[RELOC_KINDS], insn_cnt = 0;

		ebpf_prog_spec_insns(p, &insn_cnt);
		count_relocs(p, counts);
		if (j) {
			json_begin_object(j);
			json_kv_string(j, "name", ebpf_prog_spec_name(p));
			json_kv_string(j, "section", ebpf_prog_spec_section(p));
			json_kv_string(j, "type", ebpf_prog_type_name(ebpf_prog_spec_type(p)));
			json_kv_string(j, "attach_type", ebpf_attach_type_name(ebpf_prog_spec_attach_type(p)));
			json_kv_string(j, "attach_target", ebpf_prog_spec_attach_target(p));
			json_kv_bool(j, "autoload", ebpf_prog_spec_autoload(p));
			json_kv_bool(j, "sleepable", ebpf_prog_spec_flags(p) & EBPF_F_SLEEPABLE);
			json_kv_uint(j, "insns", insn_cnt);
			json_key(j, "relocations");
			json_begin_object(j);
			for (int k = 1; k < RELOC_KINDS; k++)
				if (counts[k])
					json_kv_uint(j, cli_reloc_kind((enum ebpf_reloc_kind)k), counts[k]);
			json_end_object(j);
		} else {
			printf("  %s\n    section %s, type %s, attach %s, %zu insns%s%s\n",
			       ebpf_prog_spec_name(p), ebpf_prog_spec_section(p),
			       ebpf_prog_type_name(ebpf_prog_spec_type(p)),
			       ebpf_attach_type_name(ebpf_prog_spec_attach_type(p)), insn_cnt,
			       ebpf_prog_spec_autoload(p) ? "" : ", not autoloaded",
			       ebpf_prog_spec_flags(p) & EBPF_F_SLEEPABLE ? ", sleepable" : "");
			printf("    relocations:");
			bool any = false;
			for (int k = 1; k < RELOC_KINDS; k++) {
				if (counts[k]) {
					printf("%s %s %zu", any ? "," : "", cli_reloc_kind((enum ebpf_reloc_kind)k), counts[k]);
					any = true;
				}
			}
			printf("%s\n", any ? "" : " none");
		}
		if (disasm)
			print_disasm(j, spec, p);
		if (j)
			json_end_object(j);
	}
	if (j)
		json_end_array(j);
}

static const char *origin_name(enum ebpf_map_origin o)
{
	switch (o) {
	case EBPF_MAP_ORIGIN_BTF: return "btf";
	case EBPF_MAP_ORIGIN_LEGACY: return "legacy";
	case EBPF_MAP_ORIGIN_DATA: return "data";
	case EBPF_MAP_ORIGIN_KCONFIG: return "kconfig";
	}
	return "unknown";
}

static void maps(struct json *j, const struct ebpf_spec *spec)
{
	size_t n = ebpf_spec_map_count(spec);

	if (j) {
		json_key(j, "maps");
		json_begin_array(j);
	} else {
		printf("maps (%zu):\n", n);
	}
	for (size_t i = 0; i < n; i++) {
		const struct ebpf_map_spec *m = ebpf_spec_map(spec, i);
		const struct ebpf_map_spec *inner = ebpf_map_spec_inner(m);
		const char *pin = ebpf_map_spec_pinning(m) == EBPF_PIN_BY_NAME ? "by_name" : "none";

		if (j) {
			json_begin_object(j);
			json_kv_string(j, "name", ebpf_map_spec_name(m));
			json_kv_string(j, "type", ebpf_map_type_name(ebpf_map_spec_type(m)));
			json_kv_string(j, "origin", origin_name(ebpf_map_spec_origin(m)));
			json_kv_uint(j, "key_size", ebpf_map_spec_key_size(m));
			json_kv_uint(j, "value_size", ebpf_map_spec_value_size(m));
			json_kv_uint(j, "max_entries", ebpf_map_spec_max_entries(m));
			json_kv_uint(j, "flags", ebpf_map_spec_flags(m));
			json_kv_string(j, "pinning", pin);
			if (inner)
				json_kv_string(j, "inner_type", ebpf_map_type_name(ebpf_map_spec_type(inner)));
			json_end_object(j);
		} else {
			printf("  %-20s %-16s key %u, value %u, max_entries %u, flags 0x%x, pinning %s%s%s\n",
			       ebpf_map_spec_name(m), ebpf_map_type_name(ebpf_map_spec_type(m)),
			       ebpf_map_spec_key_size(m), ebpf_map_spec_value_size(m),
			       ebpf_map_spec_max_entries(m), ebpf_map_spec_flags(m), pin,
			       inner ? ", inner " : "",
			       inner ? ebpf_map_type_name(ebpf_map_spec_type(inner)) : "");
		}
	}
	if (j)
		json_end_array(j);
}

static void globals(struct json *j, const struct ebpf_spec *spec)
{
	size_t n = ebpf_spec_map_count(spec);

	if (j) {
		json_key(j, "globals");
		json_begin_array(j);
	} else {
		printf("globals:\n");
	}
	for (size_t i = 0; i < n; i++) {
		const struct ebpf_map_spec *m = ebpf_spec_map(spec, i);
		size_t vn;

		if (ebpf_map_spec_origin(m) != EBPF_MAP_ORIGIN_DATA)
			continue;
		vn = ebpf_map_spec_var_count(m);
		for (size_t v = 0; v < vn; v++) {
			struct ebpf_var_info vi;
			char type[128];

			if (ebpf_map_spec_var(m, v, &vi))
				continue;
			cli_btf_type_str(spec, vi.btf_type, type, sizeof(type));
			if (j) {
				json_begin_object(j);
				json_kv_string(j, "name", vi.name);
				json_kv_string(j, "section", ebpf_map_spec_name(m));
				json_kv_uint(j, "offset", vi.offset);
				json_kv_uint(j, "size", vi.size);
				json_kv_string(j, "type", type);
				json_kv_bool(j, "global", vi.global);
				json_end_object(j);
			} else {
				printf("  %-24s %-10s offset %u, size %u, %s%s\n", vi.name,
				       ebpf_map_spec_name(m), vi.offset, vi.size, type,
				       vi.global ? "" : " (static)");
			}
		}
	}
	if (j)
		json_end_array(j);
}

static const char *extern_kind_name(enum ebpf_extern_kind k)
{
	switch (k) {
	case EBPF_EXTERN_KCONFIG: return "kconfig";
	case EBPF_EXTERN_KSYM_VAR: return "ksym_typed";
	case EBPF_EXTERN_KSYM_TYPELESS: return "ksym_typeless";
	case EBPF_EXTERN_KFUNC: return "kfunc";
	}
	return "unknown";
}

static void externs(struct json *j, const struct ebpf_spec *spec)
{
	size_t n = ebpf_spec_extern_count(spec);

	if (j) {
		json_key(j, "externs");
		json_begin_array(j);
	} else {
		printf("externs (%zu):\n", n);
	}
	for (size_t i = 0; i < n; i++) {
		struct ebpf_extern_info e;
		char type[256];

		if (ebpf_spec_extern(spec, i, &e))
			continue;
		cli_btf_type_str(spec, e.btf_type, type, sizeof(type));
		if (j) {
			json_begin_object(j);
			json_kv_string(j, "name", e.name);
			json_kv_string(j, "kind", extern_kind_name(e.kind));
			json_kv_bool(j, "weak", e.weak);
			json_kv_string(j, "type", type);
			json_end_object(j);
		} else {
			printf("  %-28s %-14s %-6s %s\n", e.name, extern_kind_name(e.kind),
			       e.weak ? "weak" : "strong", type);
		}
	}
	if (j)
		json_end_array(j);
}

int cmd_inspect(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "disasm", no_argument, NULL, 'd' },
		{ "json", no_argument, NULL, 'j' },
		{ "help", no_argument, NULL, 'h' },
		{ 0 },
	};
	bool disasm = false, as_json = false;
	struct ebpf_spec *spec;
	struct json jw, *j = NULL;
	int c, rc;

	opterr = 0;
	while ((c = getopt_long(argc, argv, "djh", opts, NULL)) != -1) {
		switch (c) {
		case 'd': disasm = true; break;
		case 'j': as_json = true; break;
		case 'h': printf("%s\n%s", inspect_help, cli_exit_codes_help); return CLI_OK;
		default:
			cli_err("unknown option '%s' (see ebpf inspect --help)", argv[optind - 1]);
			return CLI_USAGE;
		}
	}
	if (optind != argc - 1) {
		cli_err("expected exactly one OBJ (see ebpf inspect --help)");
		return CLI_USAGE;
	}
	rc = cli_open_spec(argv[optind], &spec);
	if (rc)
		return rc;
	if (as_json) {
		j = &jw;
		json_init(j, stdout);
		json_begin_object(j);
		json_kv_string(j, "object", ebpf_spec_name(spec));
		json_kv_string(j, "license", ebpf_spec_license(spec));
		json_kv_uint(j, "kern_version", ebpf_spec_kern_version(spec));
		json_kv_bool(j, "foreign_endian", ebpf_spec_foreign_endian(spec));
		cli_btf_summary(j, spec);
	} else {
		printf("object %s\n  license \"%s\", kern_version %u%s\n", ebpf_spec_name(spec),
		       ebpf_spec_license(spec), ebpf_spec_kern_version(spec),
		       ebpf_spec_foreign_endian(spec) ? ", foreign byte order (inspect only)" : "");
		cli_btf_summary(NULL, spec);
	}
	programs(j, spec, disasm);
	maps(j, spec);
	globals(j, spec);
	externs(j, spec);
	if (j) {
		json_end_object(j);
		json_finish(j);
	}
	ebpf_spec_free(spec);
	return CLI_OK;
}
