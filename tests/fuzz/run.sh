#!/bin/sh
# Run each libFuzzer harness for $FUZZ_SECONDS on a corpus seeded from the
# compiled testdata objects. A crash leaves its input in build/fuzz/; copy it to
# tests/fuzz/regressions/<target>/ so the unit suite replays it forever.
set -eu
BUILD=${BUILD:-build}
secs=${FUZZ_SECONDS:-20}
out=$BUILD/fuzz
objs=$(ls "$BUILD"/testdata/*.bpf.o)
for t in "$@"; do
	corpus=$out/corpus-$t
	mkdir -p "$corpus"
	for o in $objs; do
		base=$(basename "$o" .bpf.o)
		case $t in
		elf|relo) cp "$o" "$corpus/$base" ;;
		btf) llvm-objcopy --dump-section .BTF="$corpus/$base" "$o" /dev/null 2>/dev/null || true ;;
		btf_ext)
			if llvm-objcopy --dump-section .BTF="$out/btf.tmp" --dump-section .BTF.ext="$out/ext.tmp" "$o" /dev/null 2>/dev/null; then
				# [u32 little-endian .BTF length][.BTF][.BTF.ext]
				len=$(stat -c %s "$out/btf.tmp")
				printf "$(printf '\\%03o\\%03o\\%03o\\%03o' $((len & 255)) $((len >> 8 & 255)) $((len >> 16 & 255)) $((len >> 24 & 255)))" > "$corpus/$base"
				cat "$out/btf.tmp" "$out/ext.tmp" >> "$corpus/$base"
			fi ;;
		esac
	done
	[ -n "$(ls "$corpus")" ] || { echo "fuzz $t: no seeds" >&2; exit 1; }
	[ -s "$out/vmlinux.btf" ] || cp /sys/kernel/btf/vmlinux "$out/vmlinux.btf" 2>/dev/null || true
	echo "== fuzz $t for ${secs}s ($(ls "$corpus" | wc -l) seeds)"
	log=$out/fuzz-$t.log
	if ! (cd "$out" && EBPF_FUZZ_KBTF=$(pwd)/vmlinux.btf ./fuzz_$t -max_total_time="$secs" \
		-rss_limit_mb=4096 -print_final_stats=1 "corpus-$t" >"fuzz-$t.log" 2>&1); then
		tail -40 "$log" >&2
		echo "fuzz $t: FAILED — crash input saved in $out (crash-*); add it to tests/fuzz/regressions/$t/" >&2
		exit 1
	fi
	grep -E 'stat::number_of_executed_units|stat::peak_rss' "$log" | sed "s/^/  $t /"
done
