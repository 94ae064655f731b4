#!/bin/sh
# Runs the crash and lock tests (tests/e2e/crash.sh, tests/e2e/lock.sh) many
# times in a row: they race real processes against each other and against
# SIGKILL, so a bug in the lock or the atomic writes shows up now and then,
# not every time. `make check-repeat`; CI runs it.
#   REPEAT_RUNS   runs of each script (20)
#   CRASH_ROUNDS  kills per run of crash.sh (10 here, 40 in `make check`)
#   LOCK_ROUNDS   acks and updates per writer loop of lock.sh (10 here, 25 in `make check`)
# Prints each failing run's output, the time each script took, and
# "repeat: N passed, N failed" (one count per run).
set -u
ROOT=$(cd "$(dirname "$0")/.." && pwd)
CVETRAIL=${CVETRAIL:-$ROOT/build/cvetrail}
case $CVETRAIL in /*) ;; *) CVETRAIL=$(pwd)/$CVETRAIL ;; esac
export CVETRAIL
export CRASH_ROUNDS=${CRASH_ROUNDS:-10} LOCK_ROUNDS=${LOCK_ROUNDS:-10}
RUNS=${REPEAT_RUNS:-20}
case $RUNS in '' | *[!0-9]*)
	echo "repeat: REPEAT_RUNS must be a number" >&2
	exit 2
	;;
esac
[ -x "$CVETRAIL" ] || { echo "repeat: no binary at $CVETRAIL (run make)" >&2; exit 2; }
LOG=$(mktemp)
trap 'rm -f "$LOG"' EXIT

passed=0 failed=0
for script in crash lock; do
	start=$(date +%s)
	script_failed=0 i=1
	while [ "$i" -le "$RUNS" ]; do
		if sh "$ROOT/tests/e2e/$script.sh" >"$LOG" 2>&1; then
			passed=$((passed + 1))
		else
			failed=$((failed + 1))
			script_failed=$((script_failed + 1))
			echo "FAIL: $script.sh, run $i of $RUNS:"
			sed 's/^/   /' "$LOG"
		fi
		i=$((i + 1))
	done
	echo "$script.sh: $RUNS runs, $script_failed failed, $(($(date +%s) - start))s"
done
echo "repeat: $passed passed, $failed failed"
[ $failed -eq 0 ]
