#!/bin/sh
# SPDX-License-Identifier: BSD-2-Clause
# Instruction counts (valgrind --tool=callgrind), which a busy machine cannot
# disturb: figures 1-3 of `make bench` for ours and (when built with it) libbpf.
# Only the operation itself is counted (--toggle-collect on the function that
# performs it); each count is one fresh process, with every symbol bound at
# start (LD_BIND_NOW=1), as Debian's BIND_NOW libbpf.so always is, so neither
# side's count includes the dynamic linker's lazy binding.
#   callgrind.sh BUILD [MARKDOWN_OUT]
set -eu
BUILD=$1
MD=${2:-/dev/null}
B=$BUILD/bench
IN=$B/inputs
count() {	# function binary args...
	fn=$1
	shift
	LD_BIND_NOW=1 valgrind --tool=callgrind --callgrind-out-file=/dev/null --toggle-collect="$fn" "$@" 2>&1 |
		sed -n 's/.*Collected : //p'
}
has_libbpf() { nm "$1" 2>/dev/null | grep -q " T $2\$"; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (a > 0 && b > 0) printf "%.1fx", b / a; else print "-" }'; }
line() {	# what ours libbpf
	r=$(ratio "$2" "$3")
	printf '  %-46s %14s %14s %8s\n' "$1" "$2" "$3" "$r"
	printf '| %s | %s | %s | %s |\n' "$1" "$2" "$3" "$r" >> "$MD"
}
printf '\nInstructions (callgrind; ratio = libbpf/ours)\n  %-46s %14s %14s %8s\n' "" ours libbpf ratio
printf '\n**Instructions** (callgrind, user space; ratio = libbpf/ours)\n\n| operation | ours | libbpf | ratio |\n|---|---:|---:|---:|\n' > "$MD"

lb=-
has_libbpf "$B/btf_bench" run_libbpf && lb=$(count run_libbpf "$B/btf_bench" --once libbpf)
line "kernel BTF open + 20 lookups" "$(count run_ours "$B/btf_bench" --once ours)" "$lb"

for what in open load; do
	for obj in small heavy progs_1000 core_10000; do
		[ -f "$IN/$obj.bpf.o" ] || continue
		[ $what = load ] && [ "$(id -u)" != 0 ] && continue
		lb=-
		has_libbpf "$B/load_bench" run_${what}_libbpf &&
			lb=$(count run_${what}_libbpf "$B/load_bench" --once $what libbpf "$IN/$obj.bpf.o")
		line "$what: $obj" "$(count run_${what}_ours "$B/load_bench" --once $what ours "$IN/$obj.bpf.o")" "$lb"
	done
done
