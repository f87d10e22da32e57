#!/bin/sh
# SPDX-License-Identifier: BSD-2-Clause
# Assemble build/bench/summary.md (for README.md) from the benchmarks' markdown
# parts, headed by the date and what machine produced it.
#   summary.sh OUT PART...
set -eu
OUT=$1
shift
cpu=$(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -n 1)
libbpf=$(pkg-config --modversion libbpf 2>/dev/null || echo "not installed")
{
	echo "## Benchmarks: libebpf vs libbpf"
	echo
	echo "Measured $(date -u '+%Y-%m-%d %H:%M UTC') on Linux $(uname -r) $(uname -m), $cpu," \
		"$(nproc) CPUs (load average $(cut -d' ' -f1-3 /proc/loadavg)), libbpf $libbpf," \
		"libebpf $(git describe --always --dirty 2>/dev/null || echo '?')."
	echo "Reproduce with \`make bench\` (as root for the load figures); \`make bench-callgrind\` gives the"
	echo "instruction counts, which do not depend on the machine's load."
	for part; do
		[ -f "$part" ] && cat "$part"
	done
} > "$OUT"
rm -f "$@"
