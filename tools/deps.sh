#!/bin/sh
# Check for what building and testing libebpf needs; install it with apt-get when
# running as root on Debian/Ubuntu, otherwise print the exact command to run.
set -u
missing=""
need() { # need <debian package> <test command...>
	pkg=$1; shift
	"$@" >/dev/null 2>&1 || missing="$missing $pkg"
}
pc() { pkg-config --exists "$1"; }
need pkg-config command -v pkg-config
need libelf-dev pc libelf
need zlib1g-dev pc zlib
need check pc check
need valgrind command -v valgrind
need clang command -v clang
need llvm command -v llvm-objdump
need iproute2 command -v ip
need libclang-rt-14-dev sh -c 'echo "int LLVMFuzzerTestOneInput(const char *d, long n) { return 0; }" | clang -fsanitize=fuzzer -x c - -o /dev/null'
[ -z "$missing" ] && exit 0

cmd="apt-get install -y$missing"
if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
	echo "deps: installing$missing"
	apt-get update -qq >/dev/null && DEBIAN_FRONTEND=noninteractive $cmd >/dev/null || {
		echo "deps: '$cmd' failed" >&2; exit 1; }
	exit 0
fi
echo "deps: missing:$missing" >&2
echo "deps: run as root:  apt-get update && $cmd" >&2
exit 1
