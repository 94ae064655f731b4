#!/bin/sh
# Builds the libFuzzer targets (tests/fuzz/build.sh) and runs each for SECONDS
# (default 60): `make fuzz FUZZ_SECONDS=300`, or `sh tests/fuzz/run.sh 30`.
#
# Each target starts from a corpus assembled in build-fuzz/corpus/<target>/:
# the regression inputs kept in git (tests/fuzz/corpus/<target>/, where a
# crash once found is kept as crash-* until it is fixed), every file under
# ../shared/fixtures/ and ../shared/testdata/JSONTestSuite/test_parsing/ when
# present, and what earlier runs found. The dictionary is
# tests/fuzz/<target>.dict, else tests/fuzz/json.dict, when present.
#
# A crash, leak, timeout or out-of-memory input makes the run fail (exit 1)
# and its path is printed; copy it to tests/fuzz/corpus/<target>/ with the
# fix. FUZZ_TARGETS="fuzz_trivy ..." runs only those; FUZZ_DETECT_LEAKS=0
# turns LeakSanitizer off where it cannot run (ptrace restricted).
set -u
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
cd "$ROOT" || exit 2
SECONDS_EACH=${1:-60}
SHARED=${SHARED:-"$ROOT/../shared"}
OUT=build-fuzz

case $SECONDS_EACH in '' | *[!0-9]*)
	echo "usage: sh tests/fuzz/run.sh [SECONDS]" >&2
	exit 2
	;;
esac

sh tests/fuzz/build.sh || exit 2

export ASAN_OPTIONS="${ASAN_OPTIONS:-abort_on_error=1:detect_leaks=${FUZZ_DETECT_LEAKS:-1}}"
export UBSAN_OPTIONS="${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}"
if [ -z "${ASAN_SYMBOLIZER_PATH:-}" ] && ! command -v llvm-symbolizer >/dev/null 2>&1 &&
	[ -x /usr/bin/llvm-symbolizer-14 ]; then
	export ASAN_SYMBOLIZER_PATH=/usr/bin/llvm-symbolizer-14
fi

# seed DIR FROM PREFIX: copies the regular files under FROM into DIR, named
# PREFIX-<path with / as _> so that fixtures with the same name stay apart.
seed() {
	[ -d "$2" ] || return 0
	find "$2" -type f | while IFS= read -r f; do
		rel=${f#"$2"/}
		dest="$1/$3-$(printf '%s' "$rel" | tr '/ ' '__')"
		[ -f "$dest" ] || cp "$f" "$dest"
	done
}

failed=0 ran=0
for bin in "$OUT"/fuzz_*; do
	[ -x "$bin" ] && [ -f "$bin" ] || continue
	name=$(basename "$bin")
	if [ -n "${FUZZ_TARGETS:-}" ]; then
		case " $FUZZ_TARGETS " in *" $name "*) ;; *) continue ;; esac
	fi
	corpus="$OUT/corpus/$name"
	artifacts="$OUT/artifacts/$name"
	log="$OUT/logs/$name.log"
	mkdir -p "$corpus" "$artifacts" "$OUT/logs"
	seed "$corpus" "tests/fuzz/corpus/$name" git
	seed "$corpus" "$SHARED/fixtures" fixture
	seed "$corpus" "$SHARED/testdata/JSONTestSuite/test_parsing" jsts
	dict=""
	if [ -f "tests/fuzz/$name.dict" ]; then
		dict="-dict=tests/fuzz/$name.dict"
	elif [ -f tests/fuzz/json.dict ]; then
		dict="-dict=tests/fuzz/json.dict"
	fi
	before=$(ls "$artifacts" | wc -l)
	echo "== $name: ${SECONDS_EACH}s, $(ls "$corpus" | wc -l) corpus inputs${dict:+, $dict}"
	# shellcheck disable=SC2086
	"$bin" -max_total_time="$SECONDS_EACH" -max_len=65536 -timeout=10 -rss_limit_mb=2048 \
		-print_final_stats=1 -artifact_prefix="$artifacts/" $dict "$corpus" >"$log" 2>&1
	rc=$?
	ran=$((ran + 1))
	new=$(ls -t "$artifacts" | head -n $(($(ls "$artifacts" | wc -l) - before)))
	grep -E '^(Done [0-9]+ runs|stat::number_of_executed_units|stat::peak_rss_mb)|INFO: seed corpus' "$log" | sed 's/^/   /'
	grep -E '^#[0-9]+' "$log" | tail -n 1 | sed 's/^/   /'
	if [ $rc -ne 0 ] || [ -n "$new" ]; then
		failed=$((failed + 1))
		echo "FAIL $name (exit $rc); log: $log"
		grep -E -A 40 '==ERROR|runtime error|fuzz_trivy:|fuzz_[a-z]+:|ERROR: libFuzzer|SUMMARY' "$log" | head -n 60 | sed 's/^/   /'
		for f in $new; do
			echo "   crashing input: $artifacts/$f ($(wc -c <"$artifacts/$f" | tr -d ' ') bytes)"
			echo "   reproduce: $bin $artifacts/$f"
		done
	fi
done
[ $ran -gt 0 ] || { echo "fuzz: no target was built" >&2; exit 2; }
echo "fuzz: $((ran - failed)) passed, $failed failed"
[ $failed -eq 0 ]
