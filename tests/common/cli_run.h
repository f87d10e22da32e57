/* Running the built `ebpf` tool from tests and capturing its output. */
#ifndef EB_TEST_CLI_RUN_H
#define EB_TEST_CLI_RUN_H

struct cli_result {
	int status;	/* exit status, or -1 if the tool did not exit normally */
	char *out;	/* stdout (malloc'd, NUL-terminated) */
	char *err;	/* stderr */
};

/*
 * Run `BUILD_DIR/ebpf <args>` through the shell (args is shell text: quote what
 * needs it), capturing stdout and stderr. Aborts the test if it cannot be started.
 */
void cli_run(struct cli_result *r, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void cli_result_free(struct cli_result *r);

#endif
