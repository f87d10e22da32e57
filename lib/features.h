/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Internal: what the running kernel supports, decided by tiny probes (a load, a
 * map create, a link create) run lazily and cached process-wide. Only conclusive
 * answers are cached; an inconclusive probe (e.g. EPERM) answers UNKNOWN and is
 * retried next time.
 */
#ifndef EB_FEATURES_H
#define EB_FEATURES_H

#include <stdbool.h>
#include <stdint.h>

#include <ebpf/uapi.h>

enum eb_feature {
	EB_FEAT_PERF_LINK,		/* BPF_LINK_CREATE for perf events (5.15) */
	EB_FEAT_BPF_COOKIE,		/* bpf_get_attach_cookie on perf links (5.15) */
	EB_FEAT_TRACING_COOKIE,		/* cookie on tracing links (6.0) */
	EB_FEAT_RAW_TP_COOKIE,		/* cookie on raw_tp links (6.10) */
	EB_FEAT_UPROBE_MULTI,		/* BPF_TRACE_UPROBE_MULTI links (6.6) */
	EB_FEAT_KPROBE_MULTI,		/* BPF_TRACE_KPROBE_MULTI links (5.18) */
	EB_FEAT_TCX,			/* tcx links (6.6) */
	EB_FEAT_LOG_TRUE_SIZE,		/* log_true_size in PROG_LOAD (6.4) */
	EB_FEAT_BTF_DATASEC,		/* BTF VAR/DATASEC (5.2) */
	EB_FEAT_BTF_FUNC,		/* BTF FUNC/FUNC_PROTO (5.0) */
	EB_FEAT_BTF_FUNC_GLOBAL,	/* BTF FUNC global linkage (5.6) */
	EB_FEAT_BTF_FLOAT,		/* BTF FLOAT (5.13) */
	EB_FEAT_BTF_DECL_TAG,		/* BTF DECL_TAG (5.16) */
	EB_FEAT_BTF_TYPE_TAG,		/* BTF TYPE_TAG (5.17) */
	EB_FEAT_BTF_ENUM64,		/* BTF ENUM64 (6.0) */
	EB_FEAT_BTF_QMARK_DATASEC,	/* DATASEC names starting with '?' (6.6) */
	EB_FEAT_MAP_BTF,		/* BTF key/value ids on map create (4.18) */
	EB_FEAT_PROG_NAME,		/* prog_name in PROG_LOAD (4.15) */
	EB_FEAT_MMAPABLE_MAPS,		/* BPF_F_MMAPABLE arrays (5.5) */
	EB_FEAT_COUNT,
};

enum eb_answer {
	EB_UNKNOWN = -1,		/* the probe could not decide (e.g. no privilege) */
	EB_NO = 0,
	EB_YES = 1,
};

/* Probe (once, then cached) whether the running kernel has `feat`. Thread-safe. */
enum eb_answer eb_feature(enum eb_feature feat);
/*
 * The answer already known for `feat`, without probing: EB_UNKNOWN if nothing
 * decided it yet in this process. For the optimistic paths of a load: use the
 * feature unless the kernel is known to lack it, and probe only if the kernel
 * refuses the request (a fresh process then pays no probe at all).
 */
enum eb_answer eb_feature_cached(enum eb_feature feat);
/*
 * Record what a real request proved, e.g. EB_YES after a load that used the
 * feature succeeded, so later callers need no probe. EB_UNKNOWN is ignored.
 */
void eb_feature_learned(enum eb_feature feat, enum eb_answer a);
/*
 * Whether a failed request's errno cannot tell anything about features: no
 * privilege, or resource limits (a refusal such as EINVAL is conclusive).
 */
bool eb_probe_inconclusive(int err);
#ifdef EBPF_FAULT_INJECTION
/* Tests: forget every cached answer, as in a fresh process. */
void eb_features_forget(void);
#endif
/* Human name and first kernel version of a feature: "BPF cookie for perf links", "5.15". */
const char *eb_feature_name(enum eb_feature feat);
const char *eb_feature_since(enum eb_feature feat);

/* Whether programs of `type` load at all / maps of `type` can be created. */
enum eb_answer eb_probe_prog_type(enum ebpf_prog_type type);
enum eb_answer eb_probe_map_type(enum ebpf_map_type type);
/* Whether a program of `type` may call helper `helper_id` (cached per pair). */
enum eb_answer eb_probe_helper(enum ebpf_prog_type type, uint32_t helper_id);

/* The mask of eb_btf_feature bits (btf/btf.h) the running kernel supports. */
uint32_t eb_btf_features(void);
/*
 * The same, probing only the bits in `wanted` (the features an object's BTF
 * uses, see eb_btf_features_used()): bits outside it are 0.
 */
uint32_t eb_btf_features_among(uint32_t wanted);
/* The eb_btf_feature bits the kernel is already known to lack (no probe runs). */
uint32_t eb_btf_features_known_missing(void);

#endif
