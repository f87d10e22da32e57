/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Feature probes: each question is answered by the smallest thing the kernel
 * must accept or refuse (a 2-instruction load, a map create, a link create with
 * a deliberately bad target whose errno tells "known but bad target" from
 * "unknown"). Answers are cached process-wide in atomics; a probe racing with
 * another just does the same work twice. Only YES/NO are cached: an EPERM (no
 * privilege yet) answers UNKNOWN and is asked again next time.
 */
#include <errno.h>
#include <string.h>
#include <unistd.h>

#include "btf/btf.h"
#include "lib/alloc.h"
#include "lib/features.h"
#include "lib/features_probe.h"
#include "lib/sys.h"

static enum eb_answer cached(eb_probe_cell *c, enum eb_answer (*probe)(const void *),
			     const void *arg)
{
	enum eb_answer a;
	if (eb_cell_get(c, &a))
		return a;
	a = probe(arg);
	eb_cell_put(c, a);
	return a;
}

bool eb_probe_inconclusive(int err)
{
	return err == -EPERM || err == -ENOMEM || err == -EAGAIN ||
	       err == -EMFILE || err == -ENFILE;
}

/* ------------------------------------------------------------ tiny programs */

static const struct ebpf_insn ret0[] = {
	{ .code = EBPF_ALU64 | EBPF_MOV | EBPF_K, .dst_reg = 0, .imm = 0 },
	{ .code = EBPF_JMP | EBPF_EXIT },
};

int eb_probe_load(const struct eb_probe_prog *p)
{
	/*
	 * Initialized, not memset: no libc call a fresh process must bind first
	 * (each first call through the PLT costs ~750 instructions).
	 */
	struct eb_attr_prog_load a = {
		.prog_type = p->type,
		.expected_attach_type = p->attach_type == EBPF_ATTACH_TYPE_NONE ?
					0 : (uint32_t)p->attach_type,
		.attach_btf_id = p->attach_btf_id,
		.prog_flags = p->flags,
		.insns = eb_ptr(p->insns ? p->insns : ret0),
		.insn_cnt = p->insns ? p->insn_cnt : 2,
		.license = eb_ptr("GPL"),
		/* kprobes demanded the running version before 5.0; nothing else reads it */
		.kern_version = p->type == EBPF_PROG_TYPE_KPROBE ? eb_kernel_version() : 0,
	};
	if (p->log && p->log_size) {
		/*
		 * The kernel NUL-terminates what it writes; a load refused before the
		 * verifier ran writes nothing, and readers see "".
		 */
		p->log[0] = '\0';
		p->log[p->log_size - 1] = '\0';
		a.log_buf = eb_ptr(p->log);
		a.log_size = p->log_size;
		a.log_level = 1;
	}
	if (p->name)
		eb_obj_name(a.prog_name, p->name);
	int fd = eb_sys_prog_load(&a);
	if (p->log_true_size)
		*p->log_true_size = a.log_true_size;
	return fd;
}

/* Load a 2-instruction program of `type`; fd or -errno. */
static int load_simple(enum ebpf_prog_type type, enum ebpf_attach_type at)
{
	struct eb_probe_prog p = { .type = type, .attach_type = at };
	return eb_probe_load(&p);
}

/* ------------------------------------------------------------ BTF probes */

#define INFO(kind, vlen) (((uint32_t)(kind) << 24) | (uint32_t)(vlen))
#define INT32 1, INFO(BTF_KIND_INT, 0), 4, ((uint32_t)BTF_INT_SIGNED << 24) | 32
/* "" int a .data ?.data tag e float */
static const char probe_strs[] = "\0int\0a\0.data\0?.data\0tag\0e\0float";
enum { S_INT = 1, S_A = 5, S_DATA = 7, S_QDATA = 13, S_TAG = 20, S_E = 24, S_FLOAT = 26 };

int eb_probe_btf_load(const uint32_t *types, size_t types_len)
{
	uint8_t buf[256];
	uint32_t hdr[6];
	size_t strs_len = sizeof(probe_strs);
	if (sizeof(hdr) + types_len + strs_len > sizeof(buf))
		return -E2BIG;
	hdr[0] = BTF_MAGIC | (BTF_VERSION << 16);	/* magic, version, flags = 0 */
	hdr[1] = sizeof(hdr);
	hdr[2] = 0;
	hdr[3] = (uint32_t)types_len;
	hdr[4] = (uint32_t)types_len;
	hdr[5] = (uint32_t)strs_len;
	memcpy(buf, hdr, sizeof(hdr));
	memcpy(buf + sizeof(hdr), types, types_len);
	memcpy(buf + sizeof(hdr) + types_len, probe_strs, strs_len);
	return eb_sys_btf_load_raw(buf, (uint32_t)(sizeof(hdr) + types_len + strs_len));
}

enum eb_answer eb_probe_answer_fd(int fd)
{
	if (fd >= 0) {
		close(fd);
		return EB_YES;
	}
	return eb_probe_inconclusive(fd) ? EB_UNKNOWN : EB_NO;
}

#define BTF_PROBE(fn, ...)                                                       \
	static enum eb_answer fn(const void *arg)                                \
	{                                                                        \
		static const uint32_t t[] = { __VA_ARGS__ };                     \
		(void)arg;                                                       \
		return eb_probe_answer_fd(eb_probe_btf_load(t, sizeof(t)));               \
	}

BTF_PROBE(probe_btf_func, INT32, 0, INFO(BTF_KIND_FUNC_PROTO, 0), 1, S_A, INFO(BTF_KIND_FUNC, 0), 2)
BTF_PROBE(probe_btf_func_global, INT32, 0, INFO(BTF_KIND_FUNC_PROTO, 0), 1,
	  S_A, INFO(BTF_KIND_FUNC, 1), 2)
BTF_PROBE(probe_btf_datasec, INT32, S_A, INFO(BTF_KIND_VAR, 0), 1, 1,
	  S_DATA, INFO(BTF_KIND_DATASEC, 1), 4, 2, 0, 4)
BTF_PROBE(probe_btf_qmark_datasec, INT32, S_A, INFO(BTF_KIND_VAR, 0), 1, 1,
	  S_QDATA, INFO(BTF_KIND_DATASEC, 1), 4, 2, 0, 4)
BTF_PROBE(probe_btf_float, S_FLOAT, INFO(BTF_KIND_FLOAT, 0), 4)
BTF_PROBE(probe_btf_decl_tag, INT32, S_A, INFO(BTF_KIND_VAR, 0), 1, 1,
	  S_TAG, INFO(BTF_KIND_DECL_TAG, 0), 2, (uint32_t)-1)
BTF_PROBE(probe_btf_type_tag, INT32, S_TAG, INFO(BTF_KIND_TYPE_TAG, 0), 1, 0, INFO(BTF_KIND_PTR, 0), 2)
BTF_PROBE(probe_btf_enum64, S_E, INFO(BTF_KIND_ENUM64, 1), 8, S_A, 1, 0)

int eb_probe_int_btf(void)
{
	static const uint32_t t[] = { INT32 };
	return eb_probe_btf_load(t, sizeof(t));
}

static enum eb_answer probe_map_btf(const void *arg)
{
	(void)arg;
	int btf = eb_probe_int_btf();
	if (btf < 0)
		return eb_probe_answer_fd(btf);
	struct eb_attr_map_create a;
	memset(&a, 0, sizeof(a));
	a.map_type = EBPF_MAP_TYPE_ARRAY;
	a.key_size = 4;
	a.value_size = 4;
	a.max_entries = 1;
	a.btf_fd = (uint32_t)btf;
	a.btf_key_type_id = 1;
	a.btf_value_type_id = 1;
	enum eb_answer r = eb_probe_answer_fd(eb_sys_map_create(&a));
	close(btf);
	return r;
}

static enum eb_answer probe_mmapable(const void *arg)
{
	(void)arg;
	struct eb_attr_map_create a;
	memset(&a, 0, sizeof(a));
	a.map_type = EBPF_MAP_TYPE_ARRAY;
	a.key_size = 4;
	a.value_size = 4;
	a.max_entries = 1;
	a.map_flags = EBPF_F_MMAPABLE;
	return eb_probe_answer_fd(eb_sys_map_create(&a));
}

static enum eb_answer probe_prog_name(const void *arg)
{
	(void)arg;
	struct eb_probe_prog p = { .type = EBPF_PROG_TYPE_SOCKET_FILTER,
				   .attach_type = EBPF_ATTACH_TYPE_NONE, .name = "eb_probe" };
	return eb_probe_answer_fd(eb_probe_load(&p));
}

static enum eb_answer probe_log_true_size(const void *arg)
{
	(void)arg;
	/* "exit" with r0 unset: rejected, so the verifier writes a log. */
	static const struct ebpf_insn bad[] = { { .code = EBPF_JMP | EBPF_EXIT } };
	char log[512];
	uint32_t true_size = 0;
	struct eb_probe_prog p = { .type = EBPF_PROG_TYPE_SOCKET_FILTER,
				   .attach_type = EBPF_ATTACH_TYPE_NONE, .insns = bad, .insn_cnt = 1,
				   .log = log, .log_size = sizeof(log),
				   .log_true_size = &true_size };
	int fd = eb_probe_load(&p);
	if (fd >= 0) {
		close(fd);
		return EB_UNKNOWN;
	}
	if (eb_probe_inconclusive(fd))
		return EB_UNKNOWN;
	return true_size ? EB_YES : EB_NO;
}

/* ------------------------------------------------------------ link probes */

/*
 * A link probe: link_create for a fresh program of `type` (loaded for
 * `load_at`) with a deliberately bad target. The kernel knows the link kind iff
 * the create succeeds or fails with `known_err` or `known_err2` ("bad target").
 */
static enum eb_answer link_probe(enum ebpf_prog_type type, enum ebpf_attach_type load_at,
				 struct eb_attr_link_create *a, int known_err, int known_err2)
{
	int prog = load_simple(type, load_at);
	if (prog < 0)
		/* the program (with its expected attach type) is refused */
		return eb_probe_inconclusive(prog) ? EB_UNKNOWN : EB_NO;
	a->prog_fd = (uint32_t)prog;
	int err = eb_sys_link_create(a);
	close(prog);
	if (err >= 0) {
		close(err);
		return EB_YES;
	}
	if (eb_probe_inconclusive(err))
		return EB_UNKNOWN;
	return err == known_err || err == known_err2 ? EB_YES : EB_NO;
}

static enum eb_answer probe_perf_link(const void *arg)
{
	(void)arg;
	struct eb_attr_link_create a;
	memset(&a, 0, sizeof(a));
	a.target_fd = (uint32_t)-1;
	a.attach_type = EBPF_PERF_EVENT;
	return link_probe(EBPF_PROG_TYPE_TRACEPOINT, EBPF_ATTACH_TYPE_NONE, &a, -EBADF, -EBADF);
}

static enum eb_answer probe_uprobe_multi(const void *arg)
{
	(void)arg;
	uint64_t offset = 0;
	struct eb_attr_link_create a;
	memset(&a, 0, sizeof(a));
	a.attach_type = EBPF_TRACE_UPROBE_MULTI;
	/* "/" is not a regular file: a kernel that knows uprobe_multi says EBADF. */
	a.uprobe_multi.path = eb_ptr("/");
	a.uprobe_multi.offsets = eb_ptr(&offset);
	a.uprobe_multi.cnt = 1;
	return link_probe(EBPF_PROG_TYPE_KPROBE, EBPF_TRACE_UPROBE_MULTI, &a, -EBADF, -EBADF);
}

static enum eb_answer probe_kprobe_multi(const void *arg)
{
	(void)arg;
	const char *sym = "eb_probe_no_such_kernel_function";
	struct eb_attr_link_create a;
	memset(&a, 0, sizeof(a));
	a.attach_type = EBPF_TRACE_KPROBE_MULTI;
	a.kprobe_multi.syms = eb_ptr(&sym);
	a.kprobe_multi.cnt = 1;
	/* known link kind, unknown symbol */
	return link_probe(EBPF_PROG_TYPE_KPROBE, EBPF_TRACE_KPROBE_MULTI, &a, -ENOENT, -ESRCH);
}

static enum eb_answer probe_tcx(const void *arg)
{
	(void)arg;
	struct eb_attr_link_create a;
	memset(&a, 0, sizeof(a));
	a.target_ifindex = 0x7fffffff;	/* no such device */
	a.attach_type = EBPF_TCX_INGRESS;
	return link_probe(EBPF_PROG_TYPE_SCHED_CLS, EBPF_ATTACH_TYPE_NONE, &a, -ENODEV, -ENODEV);
}

static enum eb_answer probe_raw_tp_cookie(const void *arg)
{
	(void)arg;
	int prog = load_simple(EBPF_PROG_TYPE_RAW_TRACEPOINT, EBPF_ATTACH_TYPE_NONE);
	if (prog < 0)
		return eb_probe_inconclusive(prog) ? EB_UNKNOWN : EB_NO;
	/* Kernels without the cookie field reject its non-zero bytes with EINVAL. */
	int fd = eb_sys_raw_tp_open("eb_probe_no_such_tracepoint", prog, 1);
	close(prog);
	if (fd >= 0) {
		close(fd);
		return EB_YES;
	}
	if (fd == -ENOENT)
		return EB_YES;
	return eb_probe_inconclusive(fd) ? EB_UNKNOWN : EB_NO;
}

static enum eb_answer probe_bpf_cookie(const void *arg)
{
	(void)arg;
	/* bpf_get_attach_cookie arrived together with perf-link cookies (5.15) */
	return eb_probe_helper(EBPF_PROG_TYPE_KPROBE, 174);
}

static enum eb_answer probe_tracing_cookie(const void *arg)
{
	(void)arg;
	/* tracing programs got bpf_get_attach_cookie with tracing-link cookies (6.0) */
	return eb_probe_helper(EBPF_PROG_TYPE_TRACING, 174);
}

/* ------------------------------------------------------------ the table */

struct feature {
	const char *name;
	const char *since;
	enum eb_answer (*probe)(const void *);
};

static const struct feature features[EB_FEAT_COUNT] = {
	[EB_FEAT_PERF_LINK] = { "BPF links for perf events", "5.15", probe_perf_link },
	[EB_FEAT_BPF_COOKIE] = { "BPF cookie for perf links", "5.15", probe_bpf_cookie },
	[EB_FEAT_TRACING_COOKIE] = { "BPF cookie for tracing links", "6.0", probe_tracing_cookie },
	[EB_FEAT_RAW_TP_COOKIE] = { "BPF cookie for raw tracepoints", "6.10", probe_raw_tp_cookie },
	[EB_FEAT_UPROBE_MULTI] = { "uprobe_multi links", "6.6", probe_uprobe_multi },
	[EB_FEAT_KPROBE_MULTI] = { "kprobe_multi links", "5.18", probe_kprobe_multi },
	[EB_FEAT_TCX] = { "tcx links", "6.6", probe_tcx },
	[EB_FEAT_LOG_TRUE_SIZE] = { "log_true_size in BPF_PROG_LOAD", "6.4", probe_log_true_size },
	[EB_FEAT_BTF_DATASEC] = { "BTF VAR and DATASEC kinds", "5.2", probe_btf_datasec },
	[EB_FEAT_BTF_FUNC] = { "BTF FUNC and FUNC_PROTO kinds", "5.0", probe_btf_func },
	[EB_FEAT_BTF_FUNC_GLOBAL] = { "BTF global FUNC linkage", "5.6", probe_btf_func_global },
	[EB_FEAT_BTF_FLOAT] = { "BTF FLOAT kind", "5.13", probe_btf_float },
	[EB_FEAT_BTF_DECL_TAG] = { "BTF DECL_TAG kind", "5.16", probe_btf_decl_tag },
	[EB_FEAT_BTF_TYPE_TAG] = { "BTF TYPE_TAG kind", "5.17", probe_btf_type_tag },
	[EB_FEAT_BTF_ENUM64] = { "BTF ENUM64 kind", "6.0", probe_btf_enum64 },
	[EB_FEAT_BTF_QMARK_DATASEC] = { "BTF DATASEC names starting with '?'", "6.6",
					probe_btf_qmark_datasec },
	[EB_FEAT_MAP_BTF] = { "BTF key/value types for maps", "4.18", probe_map_btf },
	[EB_FEAT_PROG_NAME] = { "program names", "4.15", probe_prog_name },
	[EB_FEAT_MMAPABLE_MAPS] = { "mmapable array maps", "5.5", probe_mmapable },
};

static eb_probe_cell feature_cache[EB_FEAT_COUNT];

enum eb_answer eb_feature(enum eb_feature feat)
{
	if ((unsigned)feat >= EB_FEAT_COUNT)
		return EB_UNKNOWN;
	return cached(&feature_cache[feat], features[feat].probe, NULL);
}

enum eb_answer eb_feature_cached(enum eb_feature feat)
{
	enum eb_answer a;
	if ((unsigned)feat >= EB_FEAT_COUNT || !eb_cell_get(&feature_cache[feat], &a))
		return EB_UNKNOWN;
	return a;
}

void eb_feature_learned(enum eb_feature feat, enum eb_answer a)
{
	if ((unsigned)feat < EB_FEAT_COUNT)
		eb_cell_put(&feature_cache[feat], a);
}

#ifdef EBPF_FAULT_INJECTION
void eb_features_forget(void)
{
	for (size_t i = 0; i < EB_FEAT_COUNT; i++)
		atomic_store(&feature_cache[i], 0);
}
#endif

const char *eb_feature_name(enum eb_feature feat)
{
	return (unsigned)feat < EB_FEAT_COUNT ? features[feat].name : "unknown feature";
}

const char *eb_feature_since(enum eb_feature feat)
{
	return (unsigned)feat < EB_FEAT_COUNT ? features[feat].since : "?";
}

uint32_t eb_btf_features(void)
{
	return eb_btf_features_among(EB_BTF_FEAT_ALL);
}

/* The kernel features behind each eb_btf_feature bit (btf/btf.h). */
static const struct {
	enum eb_feature f;
	uint32_t bit;
} btf_feature_bits[] = {
	{ EB_FEAT_BTF_DATASEC, EB_BTF_FEAT_DATASEC },
	{ EB_FEAT_BTF_FUNC, EB_BTF_FEAT_FUNC },
	{ EB_FEAT_BTF_FUNC_GLOBAL, EB_BTF_FEAT_FUNC_GLOBAL },
	{ EB_FEAT_BTF_FLOAT, EB_BTF_FEAT_FLOAT },
	{ EB_FEAT_BTF_DECL_TAG, EB_BTF_FEAT_DECL_TAG },
	{ EB_FEAT_BTF_TYPE_TAG, EB_BTF_FEAT_TYPE_TAG },
	{ EB_FEAT_BTF_ENUM64, EB_BTF_FEAT_ENUM64 },
	{ EB_FEAT_BTF_QMARK_DATASEC, EB_BTF_FEAT_QMARK_DATASEC },
};
#define BTF_FEATURE_BITS (sizeof(btf_feature_bits) / sizeof(btf_feature_bits[0]))

uint32_t eb_btf_features_among(uint32_t wanted)
{
	uint32_t mask = 0;
	/* Unknown (no privilege) counts as supported: the BTF load will fail loudly anyway. */
	for (size_t i = 0; i < BTF_FEATURE_BITS; i++)
		if ((wanted & btf_feature_bits[i].bit) && eb_feature(btf_feature_bits[i].f) != EB_NO)
			mask |= btf_feature_bits[i].bit;
	return mask;
}

uint32_t eb_btf_features_known_missing(void)
{
	uint32_t mask = 0;
	for (size_t i = 0; i < BTF_FEATURE_BITS; i++)
		if (eb_feature_cached(btf_feature_bits[i].f) == EB_NO)
			mask |= btf_feature_bits[i].bit;
	return mask;
}
