#!/bin/sh
# make demo — placeholder until the CLI issue lands (see README.md).
echo "make demo: the end-to-end demo (kfunc bpf_task_from_pid, a weak kfunc skipped"
echo "by bpf_ksym_exists, one uprobe program on several functions told apart by cookie,"
echo "events over a ring buffer) arrives with the 'ebpf' command-line tool."
