#!/bin/sh
# Builds every libFuzzer target tests/fuzz/fuzz_*.c into build-fuzz/, linked
# with the whole core (src/lib/*.c src/lib/*/*.c) compiled by clang with
# AddressSanitizer, UndefinedBehaviorSanitizer and fuzzer coverage.
# Needs clang and its runtime (Debian 12: clang, libclang-rt-14-dev).
# Objects are rebuilt only when their source, or any header, is newer.
#   FUZZ_CC   the compiler (clang)
set -eu
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
cd "$ROOT"
CC=${FUZZ_CC:-clang}
OUT=build-fuzz
SAN="-fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer"
# JSON_STREAM_WINDOW: the streaming reader's read window, tiny here so that
# fuzz inputs (a few KB) cross its boundaries.
CFLAGS="-g -O1 -std=c17 -D_GNU_SOURCE -DJSON_STREAM_WINDOW=256 -Isrc/lib $(pkg-config --cflags libgit2 2>/dev/null || true)"
LIBS="$(pkg-config --libs libgit2 2>/dev/null || true) -pthread"

die() {
	echo "fuzz build: $*" >&2
	exit 2
}

command -v "$CC" >/dev/null 2>&1 || die "$CC not found (Debian: apt-get install clang libclang-rt-14-dev)"
mkdir -p "$OUT/obj"
# Objects built with other flags are rebuilt.
if [ "$(cat "$OUT/obj/flags" 2>/dev/null)" != "$CC $CFLAGS $SAN" ]; then
	rm -rf "$OUT/obj"
	mkdir -p "$OUT/obj"
	printf '%s\n' "$CC $CFLAGS $SAN" >"$OUT/obj/flags"
fi
probe="$OUT/obj/probe"
printf 'int LLVMFuzzerTestOneInput(const unsigned char *d, unsigned long n);\nint LLVMFuzzerTestOneInput(const unsigned char *d, unsigned long n) { (void)d; (void)n; return 0; }\n' >"$probe.c"
"$CC" -fsanitize=fuzzer,address,undefined -o "$probe" "$probe.c" 2>"$probe.log" ||
	die "$CC cannot link -fsanitize=fuzzer,address,undefined (Debian: libclang-rt-14-dev): $(head -n 3 "$probe.log")"
rm -f "$probe" "$probe.c" "$probe.log"

newest_header=$(ls -t src/lib/*.h src/lib/*/*.h tests/fuzz/*.h 2>/dev/null | head -n 1)
stale() { # stale OBJECT SOURCE
	[ ! -f "$1" ] || [ "$2" -nt "$1" ] || { [ -n "$newest_header" ] && [ "$newest_header" -nt "$1" ]; }
}

# Compile the core in parallel; a list of objects goes to the archive.
objs=""
jobs=""
for src in src/lib/*.c src/lib/*/*.c; do
	[ -f "$src" ] || continue
	obj="$OUT/obj/${src%.c}.o"
	objs="$objs $obj"
	stale "$obj" "$src" || continue
	mkdir -p "$(dirname "$obj")"
	jobs="$jobs $src"
done
if [ -n "$jobs" ]; then
	echo "fuzz build: compiling $(echo "$jobs" | wc -w | tr -d ' ') core sources with $CC"
	export CC CFLAGS SAN OUT
	# shellcheck disable=SC2086,SC2016
	printf '%s\n' $jobs | xargs -P "$(nproc 2>/dev/null || echo 2)" -n 1 sh -c \
		'$CC $CFLAGS $SAN -fsanitize=fuzzer-no-link -c -o "$OUT/obj/${1%.c}.o" "$1"' sh ||
		die "compiling the core failed"
fi
lib="$OUT/libcvetrail-fuzz.a"
rm -f "$lib"
# shellcheck disable=SC2086
ar rcs "$lib" $objs

built=0
for target in tests/fuzz/fuzz_*.c; do
	[ -f "$target" ] || continue
	name=$(basename "$target" .c)
	# shellcheck disable=SC2086
	"$CC" $CFLAGS $SAN -Itests/fuzz -fsanitize=fuzzer -o "$OUT/$name" "$target" "$lib" $LIBS ||
		die "building $name failed"
	built=$((built + 1))
done
[ $built -gt 0 ] || die "no tests/fuzz/fuzz_*.c target"
echo "fuzz build: $built target(s) in $OUT/"
