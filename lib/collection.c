/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Collection load: the kernel view (BTF, kallsyms, kconfig, version, cookie
 * support) → externs → the object's BTF into the kernel → maps (data written,
 * .rodata/.kconfig frozen before any program is verified) → each chosen
 * program relocated and loaded (a failure stays with that program unless
 * all_or_nothing) → prog-array and map-in-map slots.
 */
#include <errno.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <unistd.h>

#include "lib/alloc.h"
#include "lib/collection_internal.h"
#include "lib/error.h"
#include "lib/features.h"
#include "lib/sys.h"
#include "relo/core.h"

/* ---------------------------------------------------------------- close */

static void prog_release(struct ebpf_prog *p)
{
	eb_close(p->fd);
	p->fd = -1;
	/*
	 * name, section and attach_target are the spec's strings (see setup_objects);
	 * a loaded program has no message and no log: two frees of NULL fewer each.
	 */
	if (p->load_msg || p->log) {
		eb_free(p->load_msg);
		eb_free(p->log);
	}
}

void ebpf_collection_close(struct ebpf_collection *coll)
{
	if (!coll)
		return;
	for (uint32_t i = 0; i < coll->prog_cnt; i++)
		prog_release(&coll->progs[i]);
	for (uint32_t i = 0; i < coll->map_cnt; i++) {
		eb_close(coll->maps[i].fd);
		eb_free(coll->maps[i].pin_path);
	}
	/* progs and maps live in the collection's own block (collection_alloc) */
	eb_close(coll->btf_fd);
	if (coll->externs)
		eb_relo_externs_free(coll->externs, coll->extern_cnt);
	eb_core_cache_free(coll->env.core_cache);
	eb_btf_put(coll->env.kbtf);
	eb_kallsyms_put(coll->ksyms);
	eb_kconfig_put(coll->kconfig);
	/* the collection's hold on the spec (ebpf_prog_spec_of() points into it) */
	ebpf_spec_free((struct ebpf_spec *)coll->spec);
	eb_free(coll);
}

/* ---------------------------------------------------------------- setup */

/*
 * `n` elements of `elem` bytes placed at *off, aligned to `align` (a power of
 * two: the element type's own alignment, not max_align_t's, which padded a
 * small object's block by a tenth); false on overflow.
 */
static bool place_array(size_t *off, size_t n, size_t elem, size_t align, size_t *at)
{
	size_t start = (*off + align - 1) & ~(align - 1);
	if (start < *off || (elem && n > (SIZE_MAX - start) / elem))
		return false;
	*at = start;
	*off = start + n * elem;
	return true;
}

/*
 * The collection, its programs and its maps in one block: one allocation (and
 * one free) instead of three, which a one-program load notices. Only the
 * collection itself is zeroed here; setup_objects() writes every program and
 * map whole (zeroing 80 bytes per program first was ~80 instructions each
 * under callgrind, whose count of rep stosb is one per byte). The map fd table
 * the relocation reads is not kept: it is the maps' own fds, gathered on the
 * stack while loading (eb_prog_relocate() gathers them again for a private copy).
 */
static struct ebpf_collection *collection_alloc(const struct ebpf_spec *spec)
{
	size_t size = sizeof(struct ebpf_collection), progs, maps;
	if (!place_array(&size, spec->prog_cnt, sizeof(struct ebpf_prog), _Alignof(struct ebpf_prog), &progs) ||
	    !place_array(&size, spec->map_cnt, sizeof(struct ebpf_map), _Alignof(struct ebpf_map), &maps))
		return NULL;
	char *block = eb_malloc(size);
	if (!block)
		return NULL;
	struct ebpf_collection *coll = (struct ebpf_collection *)block;
	memset(coll, 0, sizeof(*coll));
	coll->progs = (struct ebpf_prog *)(block + progs);
	coll->maps = (struct ebpf_map *)(block + maps);
	return coll;
}

static int setup_objects(struct ebpf_collection *coll, const struct ebpf_spec *spec)
{
	/* each program and map is zeroed here: collection_alloc() did not */
	for (uint32_t i = 0; i < spec->prog_cnt; i++) {
		const struct ebpf_prog_spec *ps = spec->progs[i];
		struct ebpf_prog *p = &coll->progs[i];
		memset(p, 0, sizeof(*p));
		p->coll = coll;
		p->spec = ps;
		p->fd = -1;
		coll->prog_cnt++;
		/*
		 * Borrowed, not copied: the collection holds the spec until close
		 * (eb_spec_hold), and three copies per program were a tenth of loading
		 * an object of many small programs.
		 */
		p->name = ps->name;
		p->section = ps->section ? ps->section : (char *)"";
		p->attach_target = ps->attach_target ? ps->attach_target : (char *)"";
		p->type = ps->type;
		p->attach_type = ps->attach_type;
	}
	for (uint32_t i = 0; i < spec->map_cnt; i++) {
		const struct ebpf_map_spec *ms = spec->maps[i];
		struct ebpf_map *m = &coll->maps[i];
		memset(m, 0, sizeof(*m));
		m->coll = coll;
		m->spec = ms;
		m->fd = -1;
		coll->map_cnt++;
		m->name = ms->name;	/* borrowed too, like the programs' */
		m->type = ms->type;
		m->key_size = ms->key_size;
		m->value_size = ms->value_size;
		m->max_entries = ms->max_entries;
		m->flags = ms->flags;
	}
	coll->license = spec->license ? spec->license : "";
	return 0;
}

/* Which programs to load: the named ones, or every autoload program. */
static int select_programs(struct ebpf_collection *coll, const char *const *names)
{
	if (!names) {
		for (uint32_t i = 0; i < coll->prog_cnt; i++)
			coll->progs[i].selected = coll->progs[i].spec->autoload;
		return 0;
	}
	for (const char *const *n = names; *n; n++) {
		bool found = false;
		for (uint32_t i = 0; i < coll->prog_cnt; i++)
			if (!strcmp(coll->progs[i].name, *n))
				coll->progs[i].selected = found = true;
		if (!found)
			return eb_err(-ENOENT, "program '%s' is not in object '%s'", *n,
				      coll->spec->name ? coll->spec->name : "?");
	}
	return 0;
}

static void mark_map(const struct ebpf_spec *spec, bool *need, uint32_t idx);

/* A map needs the maps its slots name (map-in-map contents). */
static void mark_slot_maps(const struct ebpf_spec *spec, bool *need, uint32_t idx)
{
	const struct ebpf_map_spec *ms = spec->maps[idx];
	if (ms->type != EBPF_MAP_TYPE_ARRAY_OF_MAPS && ms->type != EBPF_MAP_TYPE_HASH_OF_MAPS)
		return;
	for (uint32_t s = 0; s < ms->slot_cnt; s++)
		for (uint32_t j = 0; j < spec->map_cnt; j++)
			if (ms->slots[s].name && !strcmp(spec->maps[j]->name, ms->slots[s].name))
				mark_map(spec, need, j);
}

static void mark_map(const struct ebpf_spec *spec, bool *need, uint32_t idx)
{
	if (idx >= spec->map_cnt || need[idx])
		return;
	need[idx] = true;
	mark_slot_maps(spec, need, idx);
}

static void mark_relocs(const struct ebpf_spec *spec, bool *need, const struct eb_reloc *r,
			uint32_t cnt)
{
	for (uint32_t i = 0; i < cnt; i++) {
		if (r[i].kind == EBPF_RELOC_MAP || r[i].kind == EBPF_RELOC_DATA)
			mark_map(spec, need, r[i].target);
		else if (r[i].kind == EBPF_RELOC_KCONFIG && spec->kconfig_map >= 0)
			mark_map(spec, need, (uint32_t)spec->kconfig_map);
	}
}

/*
 * With an explicit program list, create only the maps those programs (and any
 * subprogram, which may be shared) reference; otherwise every map (*out NULL).
 */
static int select_maps(struct ebpf_collection *coll, bool all, bool **out)
{
	const struct ebpf_spec *spec = coll->spec;
	*out = NULL;
	if (all)
		return 0;
	bool *need = eb_calloc(spec->map_cnt ? spec->map_cnt : 1, sizeof(*need));
	if (!need)
		return -ENOMEM;
	*out = need;
	for (uint32_t i = 0; i < coll->prog_cnt; i++) {
		const struct ebpf_prog_spec *ps = coll->progs[i].spec;
		if (!coll->progs[i].selected)
			continue;
		const struct eb_text_sec *sec = &spec->secs[eb_prog_func(ps)->sec];
		if (ps->reloc_first <= sec->reloc_cnt && ps->reloc_cnt <= sec->reloc_cnt - ps->reloc_first)
			mark_relocs(spec, need, sec->relocs + ps->reloc_first, ps->reloc_cnt);
	}
	/* subprograms: their relocations are those not inside any program's range */
	for (uint32_t f = 0; f < spec->func_cnt; f++) {
		const struct eb_func *fn = &spec->funcs[f];
		if (fn->prog >= 0 || fn->sec >= spec->sec_cnt)
			continue;
		const struct eb_text_sec *sec = &spec->secs[fn->sec];
		for (uint32_t r = 0; r < sec->reloc_cnt; r++)
			if (sec->relocs[r].insn >= fn->off && sec->relocs[r].insn - fn->off < fn->cnt)
				mark_relocs(spec, need, &sec->relocs[r], 1);
	}
	return 0;
}

/* ---------------------------------------------------------------- kernel view */

static bool has_syscall_wrapper(const struct eb_kallsyms *ks)
{
	static const char *const syms[] = { "__x64_sys_bpf", "__arm64_sys_bpf", "__s390x_sys_bpf",
					    "__riscv_sys_bpf", "__ia32_sys_bpf", "__powerpc_sys_bpf" };
	uint64_t addr;
	for (size_t i = 0; ks && i < sizeof(syms) / sizeof(syms[0]); i++)
		if (!eb_kallsyms_lookup(ks, syms[i], &addr))
			return true;
	return false;
}

/*
 * Which host files the externs need. kfuncs need only kernel BTF; reading
 * /proc/kallsyms (tens of ms the first time) and inflating /proc/config.gz are
 * paid only by objects that use them: ksym variables need kallsyms addresses,
 * and a typed one also the config (to say CONFIG_KALLSYMS_ALL is off); kconfig
 * externs need the config, and LINUX_HAS_SYSCALL_WRAPPER is read from kallsyms.
 */
struct extern_needs {
	bool kbtf;		/* kfuncs and typed ksyms are looked up in kernel BTF */
	bool ksyms, kconfig;
	bool bpf_cookie;	/* LINUX_HAS_BPF_COOKIE: a helper probe (a program load) */
};

static void extern_sources(const struct ebpf_spec *spec, struct extern_needs *n)
{
	n->kbtf = n->ksyms = n->kconfig = n->bpf_cookie = false;
	for (uint32_t i = 0; i < spec->extern_cnt; i++) {
		const struct eb_extern *x = &spec->externs[i];

		switch (x->kind) {
		case EBPF_EXTERN_KSYM_VAR:
			n->kbtf = n->kconfig = true;
			/* fall through */
		case EBPF_EXTERN_KSYM_TYPELESS:
			n->ksyms = true;
			break;
		case EBPF_EXTERN_KCONFIG:
			n->kconfig = true;
			if (!strcmp(x->name, "LINUX_HAS_SYSCALL_WRAPPER"))
				n->ksyms = true;
			else if (!strcmp(x->name, "LINUX_HAS_BPF_COOKIE"))
				n->bpf_cookie = true;
			break;
		case EBPF_EXTERN_KFUNC:
			n->kbtf = true;
			break;
		}
	}
}

static bool has_core_relos(const struct ebpf_spec *spec)
{
	for (uint32_t i = 0; i < spec->sec_cnt; i++)
		if (spec->secs[i].core_relo && spec->secs[i].core_relo->cnt)
			return true;
	return false;
}

/*
 * Only what the object can use is read: in a fresh process, scanning
 * /proc/kallsyms alone cost ~150M instructions and ~13 MB of heap per load
 * (tools/bench/load_bench, callgrind), and kernel BTF ~16M, for objects with
 * no extern and no CO-RE relocation that use neither. Kconfig externs and
 * typeless ksyms need no kernel BTF; attach targets find it themselves.
 */
static int setup_env(struct ebpf_collection *coll, const struct ebpf_load_opts *opts)
{
	struct eb_relo_env *env = &coll->env;
	const char *path = opts ? opts->kernel_btf_path : NULL;
	struct extern_needs need;
	int err = 0;
	extern_sources(coll->spec, &need);
	if (need.kbtf || has_core_relos(coll->spec))
		err = path ? eb_btf_load_file(path, NULL, &env->kbtf) : eb_btf_vmlinux(&env->kbtf);
	/*
	 * A file the caller named is not optional: going on would resolve against the
	 * running kernel's BTF (module fallback) instead of the one asked for.
	 */
	if (err && path)
		return eb_err_ctx(err, "kernel_btf_path");
	if (err) {
		/* only programs with CO-RE, kfuncs or typed ksyms need it: they will say so */
		eb_warn("kernel BTF unavailable (%s): %s", path ? path : "vmlinux", ebpf_errmsg());
		env->kbtf = NULL;
	}
	if (need.ksyms && eb_kallsyms_get(&coll->ksyms)) {
		eb_debug("kallsyms unavailable: %s", ebpf_errmsg());
		coll->ksyms = NULL;
	}
	env->ksyms = coll->ksyms;
	if (need.kconfig && eb_kconfig_load(&coll->kconfig)) {
		eb_debug("kernel config unavailable: %s", ebpf_errmsg());
		coll->kconfig = NULL;
	}
	env->kconfig = coll->kconfig;
	/* LINUX_KERNEL_VERSION is the only reader */
	env->kernel_version = need.kconfig ? eb_kernel_version() : 0;
	/* only the kconfig extern reads it; the probe is a program load of its own */
	env->has_bpf_cookie = need.bpf_cookie && eb_feature(EB_FEAT_BPF_COOKIE) == EB_YES;
	env->has_syscall_wrapper = has_syscall_wrapper(coll->ksyms);
	env->allow_module_btf = true;
	eb_err_clear();
	return 0;
}

/*
 * One BTF_LOAD of the object's BTF with the kinds outside `feats` rewritten
 * (eb_btf_sanitize), or of its own bytes when `as_is` (nothing to rewrite).
 * Sets coll->btf_fd; returns 0 or the kernel's (or sanitizer's) error.
 */
static int btf_load_once(struct ebpf_collection *coll, bool as_is, uint32_t feats)
{
	const struct ebpf_btf *btf = coll->spec->btf;
	void *data = NULL;
	const void *blob = NULL;
	size_t size = 0;
	int err = 0;

	if (as_is)
		blob = eb_btf_raw(btf, &size);
	else
		err = eb_btf_sanitize(btf, feats, &data, &size);
	if (err == -ENOMEM)
		return err;	/* out of memory is not a BTF problem: no fallback hides it */
	if (err) {
		/* without a sanitized blob, the object's own BTF is still fine for most kernels */
		eb_debug("object BTF sanitizer: %s; trying the BTF as is", ebpf_errmsg());
		blob = eb_btf_raw(btf, &size);
		feats = EB_BTF_FEAT_ALL;
		err = blob ? 0 : -EINVAL;
	}
	if (!err && size > UINT32_MAX)
		err = -E2BIG;
	if (!err) {
		int fd = eb_sys_btf_load_raw(blob ? blob : data, (uint32_t)size);
		if (fd < 0)
			err = eb_err(fd, "BTF_LOAD: %s", strerror(-fd));
		else
			coll->btf_fd = fd;
	}
	eb_free(data);
	coll->btf_funcs = !err && (feats & EB_BTF_FEAT_FUNC);
	return err;
}

/*
 * The object's BTF, sanitized for this kernel: needed for func_info and map BTF.
 *
 * Optimistic: the first BTF_LOAD assumes the kernel knows every kind not
 * already known missing, and sends the object's bytes as they are when they
 * hold no extern (which always needs rewriting) and are laid out canonically.
 * Only a kernel that refuses it costs the scan of the kinds the object uses,
 * their probes and a rewrite. Probing first (three BTF loads for a plain
 * object) and scanning every type was a third of loading a one-program object
 * in a fresh process, for an answer the real load gives anyway.
 */
static int load_btf(struct ebpf_collection *coll)
{
	const struct ebpf_spec *spec = coll->spec;
	const struct ebpf_btf *btf = spec->btf;
	coll->btf_fd = -1;
	coll->btf_funcs = false;
	if (!btf)
		return 0;
	uint32_t feats = EB_BTF_FEAT_ALL & ~eb_btf_features_known_missing();
	/* no extern in the spec: no extern in its BTF either, or the kernel says so below */
	bool as_is = !spec->extern_cnt && feats == EB_BTF_FEAT_ALL && eb_btf_raw_canonical(btf);
	int err = btf_load_once(coll, as_is, feats);
	if (err && err != -ENOMEM && !eb_probe_inconclusive(err)) {
		/* refused: rewrite what this kernel lacks (probed now), then try once more */
		bool externs;
		uint32_t used = eb_btf_features_used(btf, &externs);
		uint32_t feats2 = EB_BTF_FEAT_ALL & ~(used & ~eb_btf_features_among(used));
		bool as_is2 = !externs && feats2 == EB_BTF_FEAT_ALL && eb_btf_raw_canonical(btf);
		/* the same bytes again would be refused again */
		if (as_is2 != as_is || (!as_is2 && feats2 != feats)) {
			eb_debug("object '%s': BTF refused (%s); retrying with the kinds this kernel "
				 "lacks rewritten", spec->name ? spec->name : "?", ebpf_errmsg());
			err = btf_load_once(coll, as_is2, feats2);
		}
	}
	if (err == -ENOMEM)
		return err;
	if (err)
		/* programs still load without func/line info; maps without BTF ids */
		eb_warn("object '%s': its BTF is not loaded into the kernel: %s",
			spec->name ? spec->name : "?", ebpf_errmsg());
	return 0;
}

/* ---------------------------------------------------------------- programs */

static void prog_fail(struct ebpf_prog *p, int err)
{
	p->load_err = err;
	p->load_msg = eb_strdup(ebpf_errmsg());
	eb_warn("%s", ebpf_errmsg());
}

/*
 * Stack room for a program's relocated instructions and func/line info while
 * it is loaded: a program of up to ~300 instructions needs no heap for them
 * (three allocations and frees per program were a fifth of loading many small
 * programs); a bigger one moves to the heap as it grows.
 */
#define LOAD_SCRATCH 4096

static int load_program(struct ebpf_prog *p, const int *map_fds, struct eb_relo_cursor *cursor)
{
	const struct ebpf_collection *coll = p->coll;
	_Alignas(max_align_t) unsigned char scratch[LOAD_SCRATCH];
	struct eb_relo_prog relo;
	int err = eb_coll_attaches_by_btf(p) ? eb_coll_attach_btf(p) : 0;
	if (!err)
		err = eb_relo_program_cursor(coll->spec, p->spec, &coll->env, coll->externs, map_fds,
					     cursor, scratch, sizeof(scratch), &relo);
	if (err) {
		prog_fail(p, err);
		return err;
	}
	p->relocated = true;
	/*
	 * The relocation output is loaded as is (no copy) and dropped at once: only
	 * one program's instructions and .BTF.ext records exist at a time. A
	 * private copy (cookie emulation) relocates again (eb_prog_relocate).
	 */
	struct eb_prog_image img = {
		.insns = relo.insns, .insn_cnt = relo.insn_cnt,
		.func_info = relo.func_info, .func_info_cnt = relo.func_info_cnt,
		.line_info = relo.line_info, .line_info_cnt = relo.line_info_cnt,
	};
	int fd = eb_prog_load_image(p, &relo, &img, &p->log);
	eb_relo_prog_release(&relo);	/* (not cleared: it goes out of scope) */
	if (fd < 0) {
		prog_fail(p, fd);
		return fd;
	}
	p->fd = fd;
	return 0;
}

/* ---------------------------------------------------------------- load */

/* Maps whose fd table a load keeps on its stack; more take one allocation for the load. */
#define EB_MAP_FDS_STACK 64

/* need: the maps to create (see select_maps); NULL: all */
static int create_maps(struct ebpf_collection *coll, const bool *need, const char *pin_root,
		       int *map_fds)
{
	const struct ebpf_spec *spec = coll->spec;
	for (uint32_t i = 0; i < coll->map_cnt; i++) {
		struct ebpf_map *m = &coll->maps[i];
		map_fds[i] = -1;
		if (need && !need[i])
			continue;
		const void *init = m->spec->data;
		void *kconfig = NULL;
		if ((int32_t)i == spec->kconfig_map) {
			kconfig = eb_calloc(1, m->spec->value_size ? m->spec->value_size : 1);
			if (!kconfig)
				return -ENOMEM;
			int err = eb_relo_fill_kconfig(spec, &coll->env, kconfig, m->spec->value_size);
			if (err) {
				eb_free(kconfig);
				return err;
			}
			init = kconfig;
		}
		int err = eb_map_create(coll, m, pin_root, init);
		eb_free(kconfig);
		if (err)
			return err;
		map_fds[i] = m->fd;
	}
	return 0;
}

static int fill_slots(struct ebpf_collection *coll)
{
	for (uint32_t i = 0; i < coll->map_cnt; i++) {
		struct ebpf_map *m = &coll->maps[i];
		/* a reused pinned map keeps the slots it has */
		if (m->fd < 0 || !m->spec->slot_cnt || m->reused)
			continue;
		int err = eb_map_fill_slots(coll, m);
		if (err)
			return err;
	}
	return 0;
}

/*
 * A failed load leaves nothing behind: the pins this load created (not the
 * ones it reused — they belong to whoever made them) would keep their maps
 * alive in the kernel after the collection is closed.
 */
static void unpin_new_maps(struct ebpf_collection *coll)
{
	for (uint32_t i = 0; i < coll->map_cnt; i++) {
		struct ebpf_map *m = &coll->maps[i];
		if (!m->pinned || m->reused || !m->pin_path)
			continue;
		if (unlink(m->pin_path) && errno != ENOENT)
			eb_warn("map '%s': failed load: could not remove its new pin %s: %s", m->name,
				m->pin_path, strerror(errno));
		m->pinned = false;
	}
}

int ebpf_collection_load(const struct ebpf_spec *spec, const struct ebpf_load_opts *opts,
			 struct ebpf_collection **out)
{
	struct ebpf_collection *coll;
	bool *need = NULL;
	int fds_stack[EB_MAP_FDS_STACK], *map_fds = fds_stack;
	int err;

	if (!out)
		return eb_err(-EINVAL, "collection load: no output pointer");
	*out = NULL;
	if (!spec)
		return eb_err(-EINVAL, "collection load: no spec");
	if (opts && opts->sz < sizeof(size_t))
		return eb_err(-EINVAL, "collection load: options size %zu is too small", opts->sz);
	if (spec->foreign_endian)
		return eb_err(-EINVAL, "object '%s' is in the foreign byte order: it can be inspected "
			      "but not loaded on this machine", spec->name ? spec->name : "?");

	coll = collection_alloc(spec);
	if (!coll)
		return -ENOMEM;
	if (spec->map_cnt > EB_MAP_FDS_STACK) {
		map_fds = eb_calloc(spec->map_cnt, sizeof(*map_fds));
		if (!map_fds) {
			eb_free(coll);
			return -ENOMEM;
		}
	}
	eb_spec_hold(spec);
	coll->spec = spec;
	coll->btf_fd = -1;
	/* the object's "version" section; 0: the running kernel's, for kprobes (prog_load.c) */
	coll->kern_version = spec->kern_version;
	coll->log_level = opts && opts->log_level ? opts->log_level : 1;
	err = setup_objects(coll, spec);
	if (!err)
		err = select_programs(coll, opts ? opts->programs : NULL);
	if (!err)
		err = select_maps(coll, !(opts && opts->programs), &need);
	if (err)
		goto fail;

	err = setup_env(coll, opts);
	if (err)
		goto fail;
	err = eb_relo_resolve_externs(spec, &coll->env, &coll->externs);
	coll->extern_cnt = coll->externs ? spec->extern_cnt : 0;
	if (err)
		goto fail;
	err = load_btf(coll);
	if (err)
		goto fail;

	err = create_maps(coll, need, opts ? opts->pin_root : NULL, map_fds);
	if (err)
		goto fail;

	/*
	 * One CO-RE cache for all programs of this load, so candidates are found once
	 * per type, not once per program (NULL on no memory: each program makes its own).
	 */
	if (has_core_relos(spec))
		coll->env.core_cache = eb_core_cache_new();
	eb_coll_attach_prefetch(coll);
	/* the programs in spec order, each starting its .BTF.ext records where the last one ended */
	struct eb_relo_cursor cursor = { 0 };
	for (uint32_t i = 0; i < coll->prog_cnt; i++) {
		struct ebpf_prog *p = &coll->progs[i];
		if (!p->selected)
			continue;
		/* a failed program's message stays the thread's message; its error is per program */
		int perr = load_program(p, map_fds, &cursor);
		if (perr && opts && opts->all_or_nothing) {
			err = perr;
			goto fail;
		}
	}
	eb_core_cache_free(coll->env.core_cache);
	coll->env.core_cache = NULL;
	err = fill_slots(coll);
	if (err)
		goto fail;
	eb_free(need);
	if (map_fds != fds_stack)
		eb_free(map_fds);
	*out = coll;
	return 0;

fail:
	eb_free(need);
	if (map_fds != fds_stack)
		eb_free(map_fds);
	unpin_new_maps(coll);
	{
		/* closing must not clobber the message explaining the failure */
		char *msg = eb_strdup(ebpf_errmsg());
		ebpf_collection_close(coll);
		if (msg) {
			eb_err(err, "%s", msg);
			eb_free(msg);
		}
	}
	return err;
}

/* ---------------------------------------------------------------- accessors */

struct ebpf_prog *ebpf_collection_prog(const struct ebpf_collection *coll, const char *name)
{
	for (uint32_t i = 0; coll && name && i < coll->prog_cnt; i++)
		if (!strcmp(coll->progs[i].name, name))
			return &coll->progs[i];
	return NULL;
}

struct ebpf_map *ebpf_collection_map(const struct ebpf_collection *coll, const char *name)
{
	for (uint32_t i = 0; coll && name && i < coll->map_cnt; i++)
		if (!strcmp(coll->maps[i].name, name))
			return &coll->maps[i];
	return NULL;
}

size_t ebpf_collection_prog_count(const struct ebpf_collection *coll)
{
	return coll ? coll->prog_cnt : 0;
}

struct ebpf_prog *ebpf_collection_prog_at(const struct ebpf_collection *coll, size_t idx)
{
	return coll && idx < coll->prog_cnt ? &coll->progs[idx] : NULL;
}

size_t ebpf_collection_map_count(const struct ebpf_collection *coll)
{
	return coll ? coll->map_cnt : 0;
}

struct ebpf_map *ebpf_collection_map_at(const struct ebpf_collection *coll, size_t idx)
{
	return coll && idx < coll->map_cnt ? &coll->maps[idx] : NULL;
}

const char *ebpf_prog_name(const struct ebpf_prog *prog)
{
	return prog ? prog->name : NULL;
}

const struct ebpf_prog_spec *ebpf_prog_spec_of(const struct ebpf_prog *prog)
{
	return prog ? prog->spec : NULL;
}

int ebpf_prog_fd(const struct ebpf_prog *prog)
{
	return prog ? prog->fd : -1;
}

int ebpf_prog_load_error(const struct ebpf_prog *prog, const char **msg)
{
	if (msg)
		*msg = "";
	if (!prog)
		return -EINVAL;
	if (prog->load_err) {
		if (msg)
			*msg = prog->load_msg ? prog->load_msg : "";
		return prog->load_err;
	}
	if (prog->fd < 0) {
		if (msg)
			*msg = "not loaded: not chosen for this load (autoload off or not in opts.programs)";
		return -ENOENT;
	}
	return 0;
}

const char *ebpf_prog_verifier_log(const struct ebpf_prog *prog)
{
	return prog && prog->log ? prog->log : "";
}
