#!/bin/sh
# Builds the libFuzzer targets (tests/fuzz/build.sh) and runs each for SECONDS
# (default 60): `make fuzz FUZZ_SECONDS=300`, or `sh tests/fuzz/run.sh 30`.
#
# Each target starts from a corpus assembled in build-fuzz/corpus/<target>/:
# the seeds kept in git (tests/fuzz/corpus/<target>/), the inputs a fuzzer
# once crashed on (tests/fuzz/regressions/<target>/), what earlier runs
# found, and from ../shared when present: the Grype fixtures for fuzz_grype,
# every purl in the fixtures for fuzz_purl, JSONTestSuite's parsing tests for
# fuzz_ledger, and every fixture plus JSONTestSuite for the others. The
# dictionary is tests/fuzz/<target>.dict, else tests/fuzz/json.dict.
# FUZZ_JOBS targets (default 2) run at a time.
#
# A crash, leak, timeout or out-of-memory input makes the run fail (exit 1)
# and its path is printed; copy it to tests/fuzz/regressions/<target>/ with
# the fix (`make check` replays those directories through tests/fuzz/replay.c).
# FUZZ_TARGETS="fuzz_trivy ..." runs only those; FUZZ_DETECT_LEAKS=0 turns
# LeakSanitizer off where it cannot run (ptrace restricted).
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

# seed_purls DIR: each distinct purl the fixtures hold, one per file.
seed_purls() {
	[ -d "$SHARED/fixtures" ] || return 0
	grep -rhoE '"pkg:[^"]{1,300}"' "$SHARED/fixtures" 2>/dev/null | sort -u | head -n 400 |
		while IFS= read -r quoted; do
			purl=${quoted#\"}
			purl=${purl%\"}
			dest="$1/fixture-purl-$(printf '%s' "$purl" | cksum | cut -d ' ' -f 1)"
			[ -f "$dest" ] || printf '%s' "$purl" >"$dest"
		done
}

# run_target BIN: fuzzes one target; its report goes to $OUT/logs/NAME.report
# and its outcome (pass or fail) to $OUT/logs/NAME.outcome.
run_target() {
	bin=$1
	name=$(basename "$bin")
	corpus="$OUT/corpus/$name"
	artifacts="$OUT/artifacts/$name"
	log="$OUT/logs/$name.log"
	report="$OUT/logs/$name.report"
	mkdir -p "$corpus" "$artifacts" "$OUT/logs"
	seed "$corpus" "tests/fuzz/corpus/$name" git
	seed "$corpus" "tests/fuzz/regressions/$name" regression
	max_len=65536
	case $name in
	fuzz_grype) seed "$corpus" "$SHARED/fixtures/grype" fixture ;;
	fuzz_purl)
		seed_purls "$corpus"
		max_len=1024
		;;
	fuzz_ledger) seed "$corpus" "$SHARED/testdata/JSONTestSuite/test_parsing" jsts ;;
	*)
		seed "$corpus" "$SHARED/fixtures" fixture
		seed "$corpus" "$SHARED/testdata/JSONTestSuite/test_parsing" jsts
		;;
	esac
	dict=""
	if [ -f "tests/fuzz/$name.dict" ]; then
		dict="-dict=tests/fuzz/$name.dict"
	elif [ -f tests/fuzz/json.dict ]; then
		dict="-dict=tests/fuzz/json.dict"
	fi
	before=$(ls "$artifacts" | wc -l)
	echo "== $name: ${SECONDS_EACH}s, $(ls "$corpus" | wc -l) corpus inputs${dict:+, $dict}" >"$report"
	# shellcheck disable=SC2086
	"$bin" -max_total_time="$SECONDS_EACH" -max_len=$max_len -timeout=10 -rss_limit_mb=2048 \
		-print_final_stats=1 -artifact_prefix="$artifacts/" $dict "$corpus" >"$log" 2>&1
	rc=$?
	new=$(ls -t "$artifacts" | head -n $(($(ls "$artifacts" | wc -l) - before)))
	{
		grep -E '^(Done [0-9]+ runs|stat::number_of_executed_units|stat::peak_rss_mb)|INFO: seed corpus' "$log" | sed 's/^/   /'
		grep -E '^#[0-9]+' "$log" | tail -n 1 | sed 's/^/   /'
	} >>"$report"
	if [ $rc -ne 0 ] || [ -n "$new" ]; then
		{
			echo "FAIL $name (exit $rc); log: $log"
			grep -E -A 40 '==ERROR|runtime error|fuzz_[a-z_]+:|ERROR: libFuzzer|SUMMARY' "$log" | head -n 60 | sed 's/^/   /'
			for f in $new; do
				echo "   crashing input: $artifacts/$f ($(wc -c <"$artifacts/$f" | tr -d ' ') bytes)"
				echo "   reproduce: $bin $artifacts/$f"
			done
		} >>"$report"
		echo fail >"$OUT/logs/$name.outcome"
	else
		echo pass >"$OUT/logs/$name.outcome"
	fi
}

# FUZZ_JOBS targets (default 2) run at a time, each on its own core.
JOBS=${FUZZ_JOBS:-2}
names=""
running=0
for bin in "$OUT"/fuzz_*; do
	[ -x "$bin" ] && [ -f "$bin" ] || continue
	name=$(basename "$bin")
	if [ -n "${FUZZ_TARGETS:-}" ]; then
		case " $FUZZ_TARGETS " in *" $name "*) ;; *) continue ;; esac
	fi
	names="$names $name"
	rm -f "$OUT/logs/$name.outcome"
	run_target "$bin" &
	running=$((running + 1))
	if [ $running -ge "$JOBS" ]; then
		wait
		running=0
	fi
done
wait

failed=0 ran=0
for name in $names; do
	ran=$((ran + 1))
	cat "$OUT/logs/$name.report" 2>/dev/null
	[ "$(cat "$OUT/logs/$name.outcome" 2>/dev/null)" = pass ] || failed=$((failed + 1))
done
[ $ran -gt 0 ] || { echo "fuzz: no target was built" >&2; exit 2; }
echo "fuzz: $((ran - failed)) passed, $failed failed"
[ $failed -eq 0 ]
