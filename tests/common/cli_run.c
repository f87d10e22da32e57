/* Run the built `ebpf` tool (see cli_run.h). */
#include <check.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "cli_run.h"

static char *slurp(FILE *f)
{
	size_t cap = 4096, len = 0, n;
	char *buf = malloc(cap);

	ck_assert_ptr_nonnull(buf);
	while ((n = fread(buf + len, 1, cap - len - 1, f)) > 0) {
		len += n;
		if (cap - len < 2) {
			buf = realloc(buf, cap *= 2);
			ck_assert_ptr_nonnull(buf);
		}
	}
	buf[len] = '\0';
	return buf;
}

void cli_run(struct cli_result *r, const char *fmt, ...)
{
	char args[4096], cmd[8192], errpath[] = "/tmp/ebpf-cli-test-XXXXXX";
	va_list ap;
	FILE *p, *ef;
	int fd, st;

	va_start(ap, fmt);
	vsnprintf(args, sizeof(args), fmt, ap);
	va_end(ap);
	fd = mkstemp(errpath);
	ck_assert_int_ge(fd, 0);
	close(fd);
	snprintf(cmd, sizeof(cmd), "'%s/ebpf' %s 2>'%s'", BUILD_DIR, args, errpath);
	p = popen(cmd, "r");
	ck_assert_msg(p != NULL, "cannot run %s", cmd);
	r->out = slurp(p);
	st = pclose(p);
	r->status = WIFEXITED(st) ? WEXITSTATUS(st) : -1;
	ef = fopen(errpath, "r");
	ck_assert_ptr_nonnull(ef);
	r->err = slurp(ef);
	fclose(ef);
	unlink(errpath);
}

void cli_result_free(struct cli_result *r)
{
	free(r->out);
	free(r->err);
	r->out = r->err = NULL;
}
