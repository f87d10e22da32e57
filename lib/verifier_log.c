/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The verifier log: getting it (retry after a failed load, sized with
 * log_true_size when the kernel reports it, growing otherwise, capped), and
 * turning it into one line a user understands — explain, don't echo.
 */
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "lib/alloc.h"
#include "lib/error.h"
#include "lib/features.h"
#include "lib/helpers.h"
#include "lib/verifier_log.h"

#define LOG_FIRST_SIZE (64u * 1024)
#define LOG_MAX_TRIES 4

int eb_load_with_log(struct eb_attr_prog_load *attr, uint32_t log_level, int first_err,
		     char **log_out, uint32_t log_start_size)
{
	uint32_t size = log_start_size ? log_start_size : LOG_FIRST_SIZE;
	char *log = NULL;
	int fd = first_err;

	*log_out = NULL;
	for (int i = 0; i < LOG_MAX_TRIES; i++) {
		char *nlog = eb_realloc(log, size);
		if (!nlog)
			break;	/* keep what we have: the load error matters more */
		log = nlog;
		/*
		 * Zeroed, not just terminated: a failing bpf(2) writes the log but
		 * tools like valgrind only learn about writes of calls that succeed,
		 * and the log is read exactly when the call failed.
		 */
		memset(log, 0, size);
		attr->log_buf = eb_ptr(log);
		attr->log_size = size;
		attr->log_level = log_level ? log_level : 1;
		attr->log_true_size = 0;
		fd = eb_sys_prog_load(attr);
		if (fd >= 0 || fd != -ENOSPC)
			break;
		/*
		 * Too small. Since 6.4 the kernel keeps the tail (where the error
		 * is) and tells the size it needed; before, the head is kept.
		 */
		if (size >= EB_LOG_SIZE_MAX)
			break;
		uint32_t want = attr->log_true_size > size ? attr->log_true_size : size * 8;
		size = want > EB_LOG_SIZE_MAX ? EB_LOG_SIZE_MAX : want;
		/* a log retried with an exact size that still failed: keep the partial log */
	}
	attr->log_buf = 0;
	attr->log_size = 0;
	attr->log_level = 0;
	if (log)
		log[size - 1] = '\0';
	*log_out = log;
	return fd;
}

/* ---------------------------------------------------------- explanations */

/* Statistics lines printed after the verdict: not the reason. */
static bool is_trailer(const char *line, size_t len)
{
	static const char *const prefixes[] = {
		"processed ", "verification time", "stack depth", "-- END PROG LOAD LOG --",
		"Func#", "mark_precise",
	};
	if (len == 0)
		return true;
	for (size_t i = 0; i < sizeof(prefixes) / sizeof(prefixes[0]); i++)
		if (!strncmp(line, prefixes[i], strlen(prefixes[i])))
			return true;
	return false;
}

size_t eb_log_decisive_line(const char *log, char *buf, size_t buflen)
{
	if (!buflen)
		return 0;
	buf[0] = '\0';
	if (!log)
		return 0;
	const char *end = log + strlen(log);
	while (end > log) {
		const char *e = end;
		while (e > log && (e[-1] == '\n' || e[-1] == '\r'))
			e--;
		const char *s = e;
		while (s > log && s[-1] != '\n')
			s--;
		if (!is_trailer(s, (size_t)(e - s))) {
			size_t n = (size_t)(e - s) < buflen - 1 ? (size_t)(e - s) : buflen - 1;
			memcpy(buf, s, n);
			buf[n] = '\0';
			return n;
		}
		end = s;
	}
	return 0;
}

/* The instruction the verifier was at: the last line "N: (xx) ...". -1 if none. */
long eb_log_last_insn(const char *log)
{
	long last = -1;
	for (const char *p = log; p && *p;) {
		if (isdigit((unsigned char)*p)) {
			char *e;
			long n = strtol(p, &e, 10);
			if (e[0] == ':' && e[1] == ' ' && e[2] == '(')
				last = n;
		}
		p = strchr(p, '\n');
		if (p)
			p++;
	}
	return last;
}

/* Program types we can name, for listing who may call a helper. */
static const enum ebpf_prog_type known_types[] = {
	EBPF_PROG_TYPE_SOCKET_FILTER, EBPF_PROG_TYPE_KPROBE, EBPF_PROG_TYPE_SCHED_CLS,
	EBPF_PROG_TYPE_TRACEPOINT, EBPF_PROG_TYPE_XDP, EBPF_PROG_TYPE_PERF_EVENT,
	EBPF_PROG_TYPE_CGROUP_SKB, EBPF_PROG_TYPE_RAW_TRACEPOINT, EBPF_PROG_TYPE_TRACING,
	EBPF_PROG_TYPE_LSM, EBPF_PROG_TYPE_SYSCALL,
};

/* Who may call `id`: our table, else what the running kernel answers per known type. */
static void helper_allowed(uint32_t id, char *buf, size_t len)
{
	const char *text = eb_helper_allowed_text(id);
	if (text) {
		snprintf(buf, len, "%s", text);
		return;
	}
	size_t used = 0;
	buf[0] = '\0';
	for (size_t i = 0; i < sizeof(known_types) / sizeof(known_types[0]); i++) {
		if (eb_probe_helper(known_types[i], id) != EB_YES)
			continue;
		int n = snprintf(buf + used, len - used, "%s%s", used ? ", " : "",
				 eb_prog_type_name(known_types[i]));
		if (n < 0 || (size_t)n >= len - used)
			break;
		used += (size_t)n;
	}
	if (!used)
		snprintf(buf, len, "no program type this library knows");
}

/* "unknown func bpf_skb_output#111" / "program of this type cannot use helper bpf_x#N" */
static bool helper_refused(const char *line, char *name, size_t name_len, uint32_t *id)
{
	static const char *const marks[] = { "unknown func ", "cannot use helper ", "invalid func " };
	for (size_t i = 0; i < sizeof(marks) / sizeof(marks[0]); i++) {
		const char *p = strstr(line, marks[i]);
		if (!p)
			continue;
		p += strlen(marks[i]);
		const char *hash = strchr(p, '#');
		if (!hash)
			continue;
		char *e;
		unsigned long v = strtoul(hash + 1, &e, 10);
		if (e == hash + 1 || v > UINT32_MAX)
			continue;
		size_t n = (size_t)(hash - p) < name_len - 1 ? (size_t)(hash - p) : name_len - 1;
		memcpy(name, p, n);
		name[n] = '\0';
		*id = (uint32_t)v;
		return true;
	}
	return false;
}

/*
 * What to do about the verifier's most common verdicts, matched on the
 * decisive line: the line says what is wrong, the hint says how it is fixed.
 */
static const struct {
	const char *mark;
	const char *mark2;	/* also required, or NULL */
	const char *hint;
} verdict_hints[] = {
	{ "invalid mem access", "_or_null", "a pointer that may be NULL (a map lookup result, say) is "
	  "used without a NULL check: test it first" },
	{ "!read_ok", NULL, "a register is read before it is set (R0 unset at exit, or an argument "
	  "never assigned)" },
	{ "invalid access to map value", NULL, "the access falls outside the map value: bound the "
	  "offset and size first" },
	{ "invalid access to packet", NULL, "check the access against data_end before reading the "
	  "packet" },
	{ "back-edge", NULL, "the verifier cannot see the loop end: bound it (constant trip count or "
	  "bpf_loop())" },
	{ "infinite loop detected", NULL, "the verifier cannot see the loop end: bound it (constant "
	  "trip count or bpf_loop())" },
	{ "too large", "BPF program", "split it (subprograms, tail calls or bpf_loop())" },
	{ "unbounded min value", NULL, "bound the variable (check its minimum and maximum) before "
	  "using it as an offset" },
	{ "unbounded memory access", NULL, "bound the variable (check its minimum and maximum) "
	  "before using it as an offset" },
	{ "read from stack", "invalid", "initialise the stack buffer (= {} or __builtin_memset) "
	  "before it is read or passed to a helper" },
	{ "Unreleased reference", NULL, "release every acquired reference (bpf_task_release, "
	  "bpf_sk_release, ...) on every path" },
	{ "At program exit the register R0", NULL, "return a value this program type allows" },
	{ "invalid bpf_context access", NULL, "this program type may not access that context field "
	  "(or not at that size)" },
};

static const char *verdict_hint(const char *line)
{
	for (size_t i = 0; i < sizeof(verdict_hints) / sizeof(verdict_hints[0]); i++)
		if (strstr(line, verdict_hints[i].mark) &&
		    (!verdict_hints[i].mark2 || strstr(line, verdict_hints[i].mark2)))
			return verdict_hints[i].hint;
	return NULL;
}

/* fentry, fexit, fmod_ret, lsm, freplace: the name users write in SEC(). */
static const char *trampoline_kind(const struct eb_prog_desc *d)
{
	if (d->type == EBPF_PROG_TYPE_LSM)
		return "lsm";
	if (d->type == EBPF_PROG_TYPE_EXT)
		return "freplace";
	switch (d->attach_type) {
	case EBPF_TRACE_FEXIT:
		return "fexit";
	case EBPF_MODIFY_RETURN:
		return "fmod_ret";
	default:
		return "fentry";
	}
}

static bool is_trampoline(const struct eb_prog_desc *d)
{
	return (d->type == EBPF_PROG_TYPE_TRACING &&
		(d->attach_type == EBPF_TRACE_FENTRY || d->attach_type == EBPF_TRACE_FEXIT ||
		 d->attach_type == EBPF_MODIFY_RETURN)) ||
	       d->type == EBPF_PROG_TYPE_LSM || d->type == EBPF_PROG_TYPE_EXT;
}

static void lockdown_mode(char *buf, size_t len)
{
	buf[0] = '\0';
	FILE *f = fopen("/sys/kernel/security/lockdown", "re");
	if (!f)
		return;
	char line[128];
	if (fgets(line, sizeof(line), f)) {
		const char *open = strchr(line, '[');
		const char *close = open ? strchr(open, ']') : NULL;
		if (open && close && close - open > 1)
			snprintf(buf, len, "%.*s", (int)(close - open - 1), open + 1);
	}
	fclose(f);
}

/* Whether the verifier's trace shows instruction `insn` processed ("<insn>: (" at a line start). */
static bool log_reached_insn(const char *log, uint32_t insn)
{
	char mark[16];
	int n = snprintf(mark, sizeof(mark), "%u: (", insn);

	if (!log || n <= 0)
		return false;
	for (const char *p = log; p && *p; p = strchr(p, '\n'), p = p ? p + 1 : NULL)
		if (!strncmp(p, mark, (size_t)n))
			return true;
	return false;
}

int eb_verifier_explain(const struct eb_prog_desc *d, int err, const char *log)
{
	char line[512];
	const char *name = d->name;
	eb_log_decisive_line(log, line, sizeof(line));

	/* 1. The relocation engine knew this instruction was doomed: say what was missing. */
	if (d->notes && d->note_cnt) {
		long at = eb_log_last_insn(log);
		for (uint32_t i = 0; i < d->note_cnt; i++)
			if (at >= 0 && (uint32_t)at == d->notes[i].insn)
				return eb_err(err, "prog '%s': %s (the verifier stopped at insn %ld: %s)",
					      name, d->notes[i].what, at, line);
		if (strstr(line, "unknown#") || strstr(line, "invalid func") ||
		    strstr(line, "invalid bpf_context access") || strstr(line, "bad2310"))
			return eb_err(err, "prog '%s': %s (verifier: %s)", name, d->notes[0].what, line);
		/*
		 * The verifier may walk past a noted instruction and fail later: an
		 * unresolved weak kfunc call (imm 0) leaves R0 unset, so the error is
		 * "R0 !read_ok" at the next use. The trace shows what it reached.
		 */
		for (uint32_t i = 0; i < d->note_cnt; i++)
			if (log_reached_insn(log, d->notes[i].insn))
				return eb_err(err, "prog '%s': %s; the verifier reached it at insn %u "
					      "(verifier: %s)", name, d->notes[i].what, d->notes[i].insn, line);
	}

	/* 2. A helper this program type may not call. */
	char helper[128];
	uint32_t id;
	if (helper_refused(line, helper, sizeof(helper), &id) && id) {
		const char *hname = eb_helper_name(id);
		char allowed[256];
		helper_allowed(id, allowed, sizeof(allowed));
		return eb_err(err, "prog '%s': helper %s#%u cannot be called from %s programs "
			      "(section '%s'); it is available to %s",
			      name, hname ? hname : helper, id, eb_prog_type_name(d->type),
			      d->section ? d->section : "?", allowed);
	}

	/* 3. Typed __ksym without a kallsyms address. */
	const char *ks = strstr(line, "failed to find the address for kernel symbol");
	if (ks) {
		const char *q = strchr(ks, '\'');
		const char *q2 = q ? strchr(q + 1, '\'') : NULL;
		int n = q && q2 ? (int)(q2 - q - 1) : 0;
		return eb_err(err, "prog '%s': kernel variable '%.*s' has BTF but no address in "
			      "/proc/kallsyms: the kernel is built without CONFIG_KALLSYMS_ALL, so "
			      "typed __ksym variables cannot be used (declare it __weak to get NULL)",
			      name, n, q ? q + 1 : "");
	}

	/* 4. Refused before the verifier wrote anything. */
	if ((err == -EPERM || err == -EACCES) && !line[0]) {
		char lock[32];
		lockdown_mode(lock, sizeof(lock));
		if (is_trampoline(d))
			return eb_err(err, "prog '%s': %s programs (section '%s') are refused by this "
				      "kernel (EPERM, empty verifier log): BPF trampolines "
				      "(fentry/fexit/fmod_ret/lsm/freplace) are not available here%s%s%s; "
				      "use a tp_btf/ or raw_tp/ program instead where one fits",
				      name, trampoline_kind(d), d->section ? d->section : "?",
				      lock[0] ? " (lockdown: " : "", lock, lock[0] ? ")" : "");
		return eb_err(err, "prog '%s': permission denied with an empty verifier log: the "
			      "process likely lacks CAP_BPF (plus CAP_PERFMON for tracing, "
			      "CAP_NET_ADMIN for networking programs) or CAP_SYS_ADMIN%s%s%s",
			      name, lock[0] ? ", or kernel lockdown is in effect (" : "", lock,
			      lock[0] ? ")" : "");
	}

	if (line[0]) {
		/* EACCES is the verifier's "no"; other errnos may come from checks before it */
		const char *hint = verdict_hint(line);
		char where[48] = "";
		long at = eb_log_last_insn(log);
		if (at >= 0)
			snprintf(where, sizeof(where), " at insn %ld", at);
		if (err == -EACCES)
			return eb_err(err, "prog '%s': the verifier rejected it%s: %s%s%s", name, where,
				      line, hint ? "; " : "", hint ? hint : "");
		return eb_err(err, "prog '%s': load failed (%s)%s: %s%s%s", name, strerror(-err),
			      where, line, hint ? "; " : "", hint ? hint : "");
	}
	return eb_err(err, "prog '%s': load failed (%s), and the verifier log is empty", name,
		      strerror(-err));
}
