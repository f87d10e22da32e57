#!/bin/sh
# make demo: run testdata/demo.bpf.c for real through the `ebpf` tool and print a
# short report. Invoked by the Makefile after the library, tool and testdata are
# built (BUILD names the build directory). Steps:
#   1. a `syscall` program calls the kfunc bpf_task_from_pid on this demo's pid;
#   2. the same program probes a weak kfunc this kernel lacks: bpf_ksym_exists()
#      skips the call and the program still loads;
#   3. one uprobe program is attached to three functions of tools/demo_target.c
#      with cookies 1, 2 and 3 and counts calls per cookie;
#   4. each call is streamed as an event through a ring buffer;
#   5. what this kernel cannot do (typed ksym variables without CONFIG_KALLSYMS_ALL).
set -u
BUILD=${BUILD:-build}
CC=${CC:-cc}
EBPF=$BUILD/ebpf
OBJ=$BUILD/testdata/demo.bpf.o
TARGET=$BUILD/demo_target
TMP=$(mktemp -d "${TMPDIR:-/tmp}/ebpf-demo.XXXXXX") || exit 1
trap 'rm -rf "$TMP"' EXIT INT TERM

for f in "$EBPF" "$OBJ"; do
	[ -e "$f" ] || { echo "demo: $f is missing: run 'make demo' (it builds everything first)" >&2; exit 1; }
done
"$CC" -O1 -g -o "$TARGET" tools/demo_target.c || { echo "demo: cannot compile tools/demo_target.c" >&2; exit 1; }

# $1: exit status of an `ebpf` command. 4 means a missing privilege: say which, stop.
privilege_check() {
	[ "$1" = 4 ] || return 0
	echo
	echo "The demo stopped: the kernel refused to load BPF programs for this user ($(id -un))."
	echo "It needs CAP_BPF (loading programs and maps) and CAP_PERFMON (uprobes, kfuncs on"
	echo "tasks); root has both. Run it as root:  sudo make demo"
	exit 1
}

echo "libebpf demo on Linux $(uname -r), object $OBJ"
echo

# ---------------------------------------------------------------- 1 + 2
echo "1. kfunc bpf_task_from_pid, called from a 'syscall' program run with BPF_PROG_TEST_RUN"
pid=$$
"$EBPF" test "$OBJ" task_info --set target_pid=$pid >"$TMP/test.out" 2>"$TMP/test.err"
rc=$?
privilege_check $rc
if [ $rc = 0 ]; then
	found_pid=$(sed -n 's/^  found_pid = //p' "$TMP/test.out")
	found_tgid=$(sed -n 's/^  found_tgid = //p' "$TMP/test.out")
	found_comm=$(sed -n 's/^  found_comm = //p' "$TMP/test.out")
	weak=$(sed -n 's/^  weak_kfunc_present = //p' "$TMP/test.out")
	echo "   asked for pid $pid (this demo's shell) -> kfunc result: task pid $found_pid, tgid $found_tgid, comm $found_comm"
	echo
	echo "2. weak kfunc bpf_demo_kfunc_this_kernel_lacks (declared __weak, absent from this kernel)"
	if [ "$weak" = false ]; then
		echo "   bpf_ksym_exists() was false: the call was skipped and the program loaded anyway"
	else
		echo "   bpf_ksym_exists() was '$weak' (unexpected: no kernel has this kfunc)"
	fi
else
	echo "   FAILED: $(cat "$TMP/test.err")"
	echo
	echo "2. weak kfunc bpf_demo_kfunc_this_kernel_lacks: not shown (the program above did not run)"
fi
echo

# ---------------------------------------------------------------- 3 + 4
echo "3. one uprobe program (count_calls) on demo_func_a/b/c of $TARGET, cookies 1/2/3"
echo "4. ring buffer 'events': one record per call, streamed while demo_target runs:"
"$EBPF" run "$OBJ" --event-type events=event_layout \
	--attach "count_calls=uprobe:$TARGET:demo_func_a,cookie=1" \
	--attach "count_calls=uprobe:$TARGET:demo_func_b,cookie=2" \
	--attach "count_calls=uprobe:$TARGET:demo_func_c,cookie=3" \
	-- "$TARGET" >"$TMP/run.out" 2>"$TMP/run.err"
rc=$?
privilege_check $rc
if [ $rc = 0 ]; then
	sed -n 's/^event events: /   event: /p' "$TMP/run.out"
	echo "   calls counted per cookie (map calls_by_cookie):"
	for c in 1 2 3; do
		case $c in 1) fn=demo_func_a;; 2) fn=demo_func_b;; 3) fn=demo_func_c;; esac
		n=$(sed -n "s/^  $c => //p" "$TMP/run.out")
		echo "     cookie $c ($fn): ${n:-0} call(s)"
	done
	sed -n 's/^events: \([0-9]*\), lost: \([0-9]*\)$/   ring buffer: \1 event(s) streamed, \2 lost/p' "$TMP/run.out"
else
	echo "   FAILED: $(cat "$TMP/run.err")"
fi
echo

# ---------------------------------------------------------------- 5
echo "5. what this kernel could not do"
"$EBPF" load "$OBJ" read_runqueues >"$TMP/load.out" 2>"$TMP/load.err"
rc=$?
privilege_check $rc
if [ $rc = 0 ]; then
	echo "   read_runqueues (typed __ksym variable 'runqueues') loaded: this kernel has kallsyms"
	echo "   addresses for data symbols (CONFIG_KALLSYMS_ALL=y)"
else
	echo "   read_runqueues reads the typed __ksym variable 'runqueues' (in kernel BTF; its address"
	echo "   must come from kallsyms, which lists data symbols only with CONFIG_KALLSYMS_ALL):"
	sed -n 's/^read_runqueues *failed *[a-z_]*: /     /p' "$TMP/load.out"
fi
echo
echo "demo: done"
