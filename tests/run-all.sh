#!/bin/sh
# Runs every test suite and prints one closing line "N passed, N failed".
# Each suite prints its own "<suite>: N passed, N failed" line; this adds them up.
# BUILD names the build directory (build, or build-asan for the sanitizer run).
set -u
BUILD=${BUILD:-build}
ROOT=$(cd "$(dirname "$0")/.." && pwd)
cd "$ROOT" || exit 2
export CVETRAIL="$ROOT/$BUILD/cvetrail"
export SHARED="${SHARED:-$ROOT/../shared}"
LOG=$(mktemp)
trap 'rm -f "$LOG"' EXIT
status=0

run_suite() {
	"$@" >"$LOG.out" 2>&1
	rc=$?
	cat "$LOG.out"
	grep -E '^[A-Za-z0-9_.-]+: [0-9]+ passed, [0-9]+ failed' "$LOG.out" >>"$LOG"
	if [ $rc -ne 0 ]; then
		echo "FAILED: $*"
		status=1
		if ! grep -qE '[1-9][0-9]* failed' "$LOG.out"; then
			echo "$(basename "$1"): 0 passed, 1 failed" >>"$LOG"
		fi
	fi
	rm -f "$LOG.out"
}

for t in "$BUILD"/tests/test_*; do
	[ -x "$t" ] || continue
	run_suite "$t"
done
run_suite sh tests/golden/run.sh
for t in tests/e2e/*.sh; do
	[ -f "$t" ] || continue
	run_suite sh "$t"
done

passed=$(sed -E 's/^.*: ([0-9]+) passed, ([0-9]+) failed.*/\1/' "$LOG" | awk '{s+=$1} END {print s+0}')
failed=$(sed -E 's/^.*: ([0-9]+) passed, ([0-9]+) failed.*/\2/' "$LOG" | awk '{s+=$1} END {print s+0}')
echo
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ] && [ $status -eq 0 ]
