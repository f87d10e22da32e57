/*
 * The bodies of the fuzz targets. They exercise parsing and the pure load-time
 * steps; none of them makes a syscall (the relocation target's kernel BTF is a
 * file read once). Anything the library returns is fine — only crashes, leaks
 * and sanitizer reports are findings.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <ebpf/ebpf.h>

#include "btf/btf.h"
#include "btf/btf_internal.h"
#include "lib/alloc.h"
#include "lib/error.h"
#include "lib/spec.h"
#include "relo/relo.h"
#include "fuzz_common.h"

static void walk_spec(const struct ebpf_spec *spec)
{
	struct ebpf_extern_info ext;
	struct ebpf_var_info var;
	struct ebpf_map_slot slot;
	struct ebpf_reloc rel;
	size_t i, j, n;

	for (i = 0; i < ebpf_spec_prog_count(spec); i++) {
		struct ebpf_prog_spec *p = ebpf_spec_prog(spec, i);

		(void)ebpf_prog_spec_insns(p, &n);
		for (j = 0; j < ebpf_prog_spec_reloc_count(p); j++)
			(void)ebpf_prog_spec_reloc(p, j, &rel);
		(void)ebpf_spec_prog_by_name(spec, ebpf_prog_spec_name(p));
	}
	for (i = 0; i < ebpf_spec_map_count(spec); i++) {
		struct ebpf_map_spec *m = ebpf_spec_map(spec, i);

		for (j = 0; j < ebpf_map_spec_var_count(m); j++)
			(void)ebpf_map_spec_var(m, j, &var);
		for (j = 0; j < ebpf_map_spec_slot_count(m); j++)
			(void)ebpf_map_spec_slot(m, j, &slot);
		(void)ebpf_map_spec_initial_value(m, &n);
	}
	for (i = 0; i < ebpf_spec_extern_count(spec); i++)
		(void)ebpf_spec_extern(spec, i, &ext);
}

int eb_fuzz_elf(const uint8_t *data, size_t size)
{
	struct ebpf_spec *spec = NULL;

	if (ebpf_spec_open_mem(data, size, NULL, &spec) == 0)
		walk_spec(spec);
	ebpf_spec_free(spec);
	return 0;
}

static void walk_btf(const struct ebpf_btf *btf)
{
	uint32_t ids[4], id, cnt = eb_btf_type_cnt(btf);
	char buf[256];

	for (id = eb_btf_start_id(btf); id < cnt; id++) {
		const struct btf_type *t = eb_btf_type(btf, id);
		const char *name;

		if (!t)
			continue;
		name = eb_btf_name(btf, t);
		(void)eb_btf_type_size(btf, id);
		(void)eb_btf_skip_mods_typedefs(btf, id, NULL);
		(void)eb_btf_type_str(btf, id, buf, sizeof(buf));
		(void)eb_btf_types_compat(btf, id, btf, id);
		if (name && *name) {
			(void)eb_btf_find(btf, name, btf_kind(t));
			(void)eb_btf_find_essential(btf, name, btf_kind(t), ids, 4);
		}
	}
}

/*
 * The trusted open cuts type sections of 256 KiB or more into parts walked at
 * once from guessed starts (btf/offsets.c), which small inputs never reach:
 * repeat the input's type section until it is that big, and check that the
 * trusted table is the full parse's whenever the full parse accepts the blob.
 * A difference is a finding (trap).
 */
static void stretched_trusted(const uint8_t *data, size_t size)
{
	struct ebpf_btf *fast = NULL, *full = NULL;
	struct btf_header h;
	size_t reps, big_size;
	uint8_t *big, *p;

	if (size < sizeof(h))
		return;
	memcpy(&h, data, sizeof(h));
	if (h.magic != BTF_MAGIC || h.hdr_len != sizeof(h) || h.type_off || !h.type_len || h.type_len % 4 ||
	    h.str_off != h.type_len || (uint64_t)h.hdr_len + h.type_len + h.str_len > size)
		return;
	reps = 256 * 1024 / h.type_len + 1;
	big_size = sizeof(h) + reps * h.type_len + h.str_len;
	big = malloc(big_size);
	if (!big)
		return;
	h.type_len = (uint32_t)(reps * h.type_len);
	h.str_off = h.type_len;
	memcpy(big, &h, sizeof(h));
	p = big + sizeof(h);
	for (size_t i = 0; i < reps; i++, p += h.type_len / reps)
		memcpy(p, data + sizeof(h), h.type_len / reps);
	memcpy(p, data + sizeof(h) + h.type_len / reps, h.str_len);
	if (eb_btf_parse(big, big_size, NULL, EB_BTF_BORROW, &full) == 0) {
		if (eb_btf_parse_trusted(big, big_size, NULL, EB_BTF_BORROW, &fast) ||
		    eb_btf_type_cnt(fast) != eb_btf_type_cnt(full))
			__builtin_trap();
		for (uint32_t i = 0; i < full->nr; i++)
			if (eb_btf_off(fast, i) != full->offs[i])
				__builtin_trap();
	}
	eb_btf_put(fast);
	eb_btf_put(full);
	free(big);
}

/*
 * The screening pass (btf/parse_screen.c) may call valid BTF suspect, never the
 * reverse: the parse with it and the checking pass alone must agree on the
 * result, the message and the table.
 */
static void screen_agrees(const uint8_t *data, size_t size, int err, const struct ebpf_btf *btf)
{
	struct ebpf_btf *checked = NULL;
	char msg[256];
	int err2;

	snprintf(msg, sizeof(msg), "%s", ebpf_errmsg());
	err2 = eb_btf_parse_checked(data, size, NULL, EB_BTF_COPY, &checked);
	if (err != err2 || (err && strcmp(msg, ebpf_errmsg())))
		__builtin_trap();
	if (!err && (checked->nr != btf->nr || memcmp(checked->offs, btf->offs, (size_t)btf->nr * sizeof(*btf->offs))))
		__builtin_trap();
	eb_btf_put(checked);
}

int eb_fuzz_btf(const uint8_t *data, size_t size)
{
	struct ebpf_btf *btf = NULL;
	int err;

	eb_err_clear();
	err = eb_btf_parse(data, size, NULL, EB_BTF_COPY, &btf);
	screen_agrees(data, size, err, btf);
	if (!err)
		walk_btf(btf);
	eb_btf_put(btf);
	stretched_trusted(data, size);
	return 0;
}

int eb_fuzz_btf_ext(const uint8_t *data, size_t size)
{
	struct ebpf_btf *btf = NULL;
	struct eb_btf_ext *ext = NULL;
	uint32_t btf_len;

	if (size < 4)
		return 0;
	memcpy(&btf_len, data, 4);
	data += 4;
	size -= 4;
	if (btf_len > size)
		return 0;
	if (eb_btf_parse(data, btf_len, NULL, EB_BTF_COPY, &btf) == 0 &&
	    eb_btf_ext_parse(data + btf_len, size - btf_len, false, btf, &ext) == 0) {
		const struct eb_btf_ext_sec *tabs[3] = { ext->func_info, ext->line_info, ext->core_relo };
		const uint32_t cnts[3] = { ext->func_info_cnt, ext->line_info_cnt, ext->core_relo_cnt };

		/* Records are decoded where a load uses them: decode every one, as loads would. */
		for (int t = 0; t < 3; t++) {
			for (uint32_t i = 0; i < cnts[t]; i++) {
				void *recs = NULL;

				(void)eb_btf_ext_find(tabs[t], cnts[t], tabs[t][i].sec_name);
				if (eb_btf_ext_decode_all(btf, &tabs[t][i], (enum eb_btf_ext_table)t, &recs) == 0)
					for (uint32_t k = 0; k < tabs[t][i].cnt; k++)
						(void)eb_btf_ext_insn(&tabs[t][i], (enum eb_btf_ext_table)t, k);
				eb_free(recs);
			}
		}
	}
	eb_btf_ext_free(ext);
	eb_btf_put(btf);
	return 0;
}

static struct ebpf_btf *relo_kbtf;
static struct eb_kallsyms *relo_ksyms;
static struct eb_kconfig *relo_kconfig;

void eb_fuzz_relo_init(void)
{
	static const char ksyms[] =
		"ffffffff81000000 T _stext\nffffffff81001000 T bpf_task_from_pid\n"
		"ffffffff81002000 t dup_name\nffffffff81003000 t dup_name\n";
	static const char kcfg[] = "CONFIG_BPF=y\nCONFIG_HZ=250\nCONFIG_MODULES=m\nCONFIG_LOCALVERSION=\"-x\"\n";
	const char *path = getenv("EBPF_FUZZ_KBTF");

	if (eb_btf_load_file(path ? path : "/sys/kernel/btf/vmlinux", NULL, &relo_kbtf))
		relo_kbtf = NULL; /* fuzz without kernel BTF: every ksym is missing */
	if (eb_kallsyms_parse(ksyms, sizeof(ksyms) - 1, &relo_ksyms))
		relo_ksyms = NULL;
	if (eb_kconfig_parse(kcfg, sizeof(kcfg) - 1, &relo_kconfig))
		relo_kconfig = NULL;
}

void eb_fuzz_relo_fini(void)
{
	eb_btf_put(relo_kbtf);
	eb_kallsyms_put(relo_ksyms);
	eb_kconfig_put(relo_kconfig);
	relo_kbtf = NULL;
	relo_ksyms = NULL;
	relo_kconfig = NULL;
}

int eb_fuzz_relo(const uint8_t *data, size_t size)
{
	struct eb_relo_env env = {
		.kbtf = relo_kbtf, .ksyms = relo_ksyms, .kconfig = relo_kconfig,
		.kernel_version = (6 << 16) | (18 << 8), .has_bpf_cookie = true,
	};
	struct eb_extern_res *res = NULL;
	struct ebpf_spec *spec = NULL;
	int *fds = NULL;
	uint32_t i;

	if (ebpf_spec_open_mem(data, size, NULL, &spec) || spec->foreign_endian)
		goto out;
	fds = calloc(spec->map_cnt + 1, sizeof(*fds));
	if (!fds)
		goto out;
	for (i = 0; i < spec->map_cnt; i++)
		fds[i] = 100 + (int)i; /* never used as fds: relocation only writes them */
	if (eb_relo_resolve_externs(spec, &env, &res))
		goto out;
	/*
	 * The .kconfig size comes from the input's BTF (up to 4 GiB): past what any
	 * kconfig can hold, skip the fill rather than let the harness's own calloc
	 * trip libFuzzer's memory limit.
	 */
	if (spec->kconfig_map >= 0 && spec->maps[spec->kconfig_map]->value_size <= (1u << 20)) {
		const struct ebpf_map_spec *kc = spec->maps[spec->kconfig_map];
		void *buf = calloc(1, kc->value_size + 1);

		if (buf)
			(void)eb_relo_fill_kconfig(spec, &env, buf, kc->value_size);
		free(buf);
	}
	for (i = 0; i < spec->prog_cnt; i++) {
		struct eb_relo_prog out = { 0 };

		if (eb_relo_program(spec, spec->progs[i], &env, res, fds, &out) == 0)
			eb_relo_prog_free(&out);
	}
out:
	if (res)
		eb_relo_externs_free(res, spec->extern_cnt);
	free(fds);
	ebpf_spec_free(spec);
	return 0;
}
