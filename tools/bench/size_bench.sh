#!/bin/sh
# SPDX-License-Identifier: BSD-2-Clause
# Sizes: libebpf.a / libebpf.so against Debian's libbpf.a / libbpf.so (when
# installed), and a minimal fully static consumer of each (tools/bench/consumer_*.c:
# open, load, close). Debian ships its archives with debug info stripped, so ours
# is compared as `strip --strip-debug` leaves it (the as-built size, with -g, is
# shown too); `size` columns are text+data+bss, independent of debug info.
#
#   size_bench.sh BUILD [MARKDOWN_OUT]
set -eu
BUILD=$1
MD=${2:-/dev/null}
CC=${CC:-cc}
PKG_CONFIG=${PKG_CONFIG:-pkg-config}
OUT=$BUILD/bench/size
mkdir -p "$OUT"

bytes() { wc -c < "$1" | tr -d ' '; }
# text+data+bss summed over every member (archives) or the file
tdb() { size -t "$1" 2>/dev/null | awk 'END { print $4 }'; }
kib() { awk -v b="$1" 'BEGIN { printf "%.0f", b / 1024 }'; }

strip --strip-debug -o "$OUT/libebpf.a" "$BUILD/libebpf.a"
strip --strip-debug -o "$OUT/libebpf.so" "$BUILD/libebpf.so"

LIBBPF_A= LIBBPF_SO=
if $PKG_CONFIG --exists libbpf 2>/dev/null; then
	LIBDIR=$($PKG_CONFIG --variable=libdir libbpf)
	[ -f "$LIBDIR/libbpf.a" ] && LIBBPF_A=$LIBDIR/libbpf.a
	LIBBPF_SO=$(readlink -f "$LIBDIR/libbpf.so" 2>/dev/null || true)
fi

# A fully static consumer needs static libelf, libz and libc; say so if they are missing.
static_consumer() {	# name source libs...
	name=$1 src=$2
	shift 2
	if $CC -static -O2 -Iinclude -o "$OUT/$name" "$src" "$@" -pthread 2>"$OUT/$name.log"; then
		strip -o "$OUT/$name.stripped" "$OUT/$name"
		echo yes
	else
		echo no
	fi
}
OURS_STATIC=$(static_consumer consumer_ours tools/bench/consumer_ours.c "$BUILD/libebpf.a" -lelf -lz)
LB_STATIC=no
[ -n "$LIBBPF_A" ] && LB_STATIC=$(static_consumer consumer_libbpf tools/bench/consumer_libbpf.c "$LIBBPF_A" -lelf -lz)

row() {	# what ours_bytes ours_tdb libbpf_bytes libbpf_tdb
	printf '  %-44s %10s %10s   %10s %10s\n' "$1" "$2" "$3" "$4" "$5"
	printf '| %s | %s | %s | %s | %s |\n' "$1" "$2" "$3" "$4" "$5" >> "$MD"
}

printf '\nSizes in KiB (file; size(1) text+data+bss)\n'
printf '  %-44s %10s %10s   %10s %10s\n' "" "ours file" "ours size" "libbpf file" "libbpf size"
printf '\n**Sizes in KiB** (file, and `size` text+data+bss)\n\n' > "$MD"
printf '| artifact | ours file | ours text+data+bss | libbpf file | libbpf text+data+bss |\n|---|---:|---:|---:|---:|\n' >> "$MD"
lba_b=- lba_t=- lbs_b=- lbs_t=- lbc_b=- lbc_t=-
if [ -n "$LIBBPF_A" ]; then lba_b=$(kib "$(bytes "$LIBBPF_A")"); lba_t=$(kib "$(tdb "$LIBBPF_A")"); fi
if [ -n "$LIBBPF_SO" ]; then lbs_b=$(kib "$(bytes "$LIBBPF_SO")"); lbs_t=$(kib "$(tdb "$LIBBPF_SO")"); fi
row "static archive (.a), debug info stripped" "$(kib "$(bytes "$OUT/libebpf.a")")" "$(kib "$(tdb "$OUT/libebpf.a")")" "$lba_b" "$lba_t"
row "static archive (.a) as built (-g)" "$(kib "$(bytes "$BUILD/libebpf.a")")" "$(kib "$(tdb "$BUILD/libebpf.a")")" "-" "-"
row "shared object, debug info stripped" "$(kib "$(bytes "$OUT/libebpf.so")")" "$(kib "$(tdb "$OUT/libebpf.so")")" "$lbs_b" "$lbs_t"
if [ "$OURS_STATIC" = yes ]; then
	if [ "$LB_STATIC" = yes ]; then
		lbc_b=$(kib "$(bytes "$OUT/consumer_libbpf.stripped")")
		lbc_t=$(kib "$(tdb "$OUT/consumer_libbpf")")
	fi
	row "minimal consumer, -static, stripped" "$(kib "$(bytes "$OUT/consumer_ours.stripped")")" \
		"$(kib "$(tdb "$OUT/consumer_ours")")" "$lbc_b" "$lbc_t"
else
	echo "  minimal static consumer: not built (no static libelf/libz/libc?): see $OUT/consumer_ours.log"
	echo "| minimal consumer, -static | not built | | | |" >> "$MD"
fi
if [ -n "$LIBBPF_A" ]; then
	ours=$(bytes "$OUT/libebpf.a") theirs=$(bytes "$LIBBPF_A")
	verdict=MISSED
	[ "$ours" -lt "$theirs" ] && verdict=met
	printf '  Target libebpf.a smaller than libbpf.a: %s KiB vs %s KiB %s\n' "$(kib "$ours")" "$(kib "$theirs")" $verdict
	printf '\n- Target libebpf.a smaller than libbpf.a: %s KiB vs %s KiB %s\n' "$(kib "$ours")" "$(kib "$theirs")" $verdict >> "$MD"
fi
