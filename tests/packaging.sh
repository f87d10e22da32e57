#!/bin/sh
# Packaging tests (run by `make check`): install into a temporary DESTDIR, check
# what got installed and what the shared object exports, build a consumer with
# pkg-config (shared and static), build the vendored archive with the README's
# one-line command, run the consumers, and uninstall.
set -eu
BUILD=${BUILD:-build}
top=$(pwd)
case $BUILD in /*) build=$BUILD ;; *) build=$top/$BUILD ;; esac
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail() { echo "packaging: FAIL: $*" >&2; exit 1; }
ok() { echo "packaging: ok: $*"; }

dest=$tmp/dest
make -s install BUILD="$BUILD" DESTDIR="$dest" PREFIX=/usr LIBDIR=/usr/lib >/dev/null
lib=$dest/usr/lib
for f in usr/include/ebpf/ebpf.h usr/lib/libebpf.a usr/lib/libebpf.so usr/lib/pkgconfig/libebpf.pc usr/bin/ebpf; do
	[ -e "$dest/$f" ] || fail "not installed: $f"
done
real=$(readlink -f "$lib/libebpf.so")
case "$real" in */libebpf.so.[0-9]*.[0-9]*.[0-9]*) ;; *) fail "libebpf.so does not point at a MAJOR.MINOR.PATCH file: $real";; esac
soname=$(readelf -d "$lib/libebpf.so" | sed -n 's/.*SONAME.*\[\(.*\)\]/\1/p')
[ "$soname" = "libebpf.so.0" ] || fail "SONAME is '$soname'"
ok "installed files, SONAME $soname"

# Only ebpf_* is exported, every symbol versioned LIBEBPF_*.
bad=$(nm -D --defined-only "$lib/libebpf.so" | awk '$2 != "A" {print $3}' | grep -v '^ebpf_[A-Za-z0-9_]*@@LIBEBPF_' || true)
[ -z "$bad" ] || fail "exported symbols outside ebpf_*@@LIBEBPF_*: $bad"
n=$(nm -D --defined-only "$lib/libebpf.so" | grep -c ' T ebpf_')
[ "$n" -gt 0 ] || fail "no ebpf_ functions exported"
ok "$n exported functions, all ebpf_* and versioned"

# Every public header compiles alone, as C (pedantic) and as C++.
for h in "$dest"/usr/include/ebpf/*.h; do
	name=ebpf/$(basename "$h")
	printf '#include <%s>\nint main(void) { return 0; }\n' "$name" > "$tmp/hdr.c"
	cc -std=c11 -Wall -Wextra -pedantic -Werror -I"$dest/usr/include" -c "$tmp/hdr.c" -o "$tmp/hdr.o" \
		|| fail "$name does not compile alone as C11"
	c++ -x c++ -Wall -Wextra -Werror -I"$dest/usr/include" -c "$tmp/hdr.c" -o "$tmp/hdr.o" \
		|| fail "$name does not compile as C++"
done
ok "public headers self-contained (C11 -pedantic, C++)"

# Consumers through pkg-config.
export PKG_CONFIG_PATH="$lib/pkgconfig" PKG_CONFIG_SYSROOT_DIR="$dest"
src=$top/tools/examples/run_syscall_prog.c
cc "$src" $(pkg-config --cflags libebpf) $(pkg-config --libs libebpf) -o "$tmp/consumer-shared" \
	|| fail "shared consumer does not build with pkg-config --libs"
static_libs=$(pkg-config --static --libs libebpf | sed 's/-lebpf//')
cc "$src" $(pkg-config --cflags libebpf) "$lib/libebpf.a" $static_libs -o "$tmp/consumer-static" \
	|| fail "static consumer does not build with pkg-config --static --libs"
ldd "$tmp/consumer-static" | grep -q libebpf && fail "static consumer still needs libebpf.so"
cc "$top/tools/examples/uprobe_cookie.c" $(pkg-config --cflags libebpf) $(pkg-config --libs libebpf) \
	-o "$tmp/uprobe_cookie" || fail "tools/examples/uprobe_cookie.c does not build"
ok "consumers built (shared and static), examples built"

# Vendoring: only the library sources, compiled with the README's one-line command.
mkdir -p "$tmp/vendor"
cp -r lib btf relo include "$tmp/vendor/"
(cd "$tmp/vendor" && \
 cc -std=c11 -D_GNU_SOURCE -O2 -fPIC -fvisibility=hidden -pthread -Iinclude -I. -c lib/*.c btf/*.c relo/*.c && ar rcs libebpf.a *.o) \
	|| fail "the vendoring one-liner fails"
cc "$src" -I"$tmp/vendor/include" "$tmp/vendor/libebpf.a" -lelf -lz -pthread -o "$tmp/consumer-vendored" \
	|| fail "consumer does not link against the vendored archive"
ok "vendored archive built and linked"

obj=$build/testdata/pkg_consumer.bpf.o
if [ "$(id -u)" != 0 ]; then
	echo "packaging: SKIP running consumers: needs root (CAP_BPF)"
else
	for c in consumer-shared consumer-static consumer-vendored; do
		out=$(LD_LIBRARY_PATH="$lib" "$tmp/$c" "$obj" times_two 2>&1) || fail "$c: $out"
		[ "$out" = "times_two returned 42" ] || fail "$c printed '$out'"
	done
	LD_LIBRARY_PATH="$lib" ldd "$tmp/consumer-shared" | grep -q "$lib/libebpf.so.0" \
		|| fail "shared consumer did not resolve the installed libebpf.so.0"
	ok "consumers ran the testdata program (retval 42 = rodata multiplier 2 x 21)"
	out=$(LD_LIBRARY_PATH="$lib" "$tmp/uprobe_cookie" "$build/testdata/example_uprobe.bpf.o" 2>&1) \
		|| fail "uprobe_cookie example: $out"
	[ "$out" = "cookie 1: 3 calls, cookie 2: 5 calls" ] || fail "uprobe_cookie example printed '$out'"
	ok "uprobe_cookie example counted calls per cookie"
fi

make -s uninstall BUILD="$BUILD" DESTDIR="$dest" PREFIX=/usr LIBDIR=/usr/lib >/dev/null
left=$(find "$dest" -type f -o -type l)
[ -z "$left" ] || fail "uninstall left: $left"
ok "uninstall removed everything it installed"
