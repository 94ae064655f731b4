#!/bin/sh
# The code that runs on two threads, under ThreadSanitizer (`make check-tsan`;
# CI runs it): the unit tests of the stream's worker, of Trivy read on two
# threads, of the two-thread sort and write and of a fleet's reports read
# two at a time, then `cvetrail normalize` of
# a generated 30,000-vulnerability Trivy report (above every two-thread
# threshold), to a file and to standard output, whose output must be the
# regular build's byte for byte.
# A data race report fails the run (halt_on_error). Prints
# "tsan: N passed, N failed".
set -u
ROOT=$(cd "$(dirname "$0")/.." && pwd)
cd "$ROOT" || exit 2
TSAN_BUILD=build-tsan
export TSAN_OPTIONS="halt_on_error=1:second_deadlock_stack=1"
passed=0 failed=0
ok() { passed=$((passed + 1)); echo "ok: $*"; }
bad() { failed=$((failed + 1)); echo "FAIL: $*"; }

tests="test_json_stream test_trivy_stream test_report test_fleet"
targets=""
for t in $tests; do targets="$targets $TSAN_BUILD/tests/$t"; done
if ! make -s BUILD=$TSAN_BUILD OPT="-O1 -g" CFLAGS="-fsanitize=thread" LDFLAGS="-fsanitize=thread" \
	$targets $TSAN_BUILD/cvetrail >/dev/null; then
	echo "tsan: cannot build with -fsanitize=thread"
	echo "tsan: 0 passed, 1 failed"
	exit 1
fi
for t in $tests; do
	if "$TSAN_BUILD/tests/$t" >"$TSAN_BUILD/$t.log" 2>&1; then
		ok "$t"
	else
		bad "$t"
		sed 's/^/  /' "$TSAN_BUILD/$t.log" | head -n 40
	fi
done

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
if ${CC:-cc} -std=c17 -D_GNU_SOURCE -O2 -o "$work/gen" bench/gen_trivy.c &&
	"$work/gen" -n 30000 -s 3 >"$work/trivy.json" && make -s build/cvetrail >/dev/null &&
	build/cvetrail normalize -o "$work/expected.json" "$work/trivy.json"; then
	if "$TSAN_BUILD/cvetrail" normalize -o "$work/got.json" "$work/trivy.json" 2>"$work/err" &&
		cmp -s "$work/expected.json" "$work/got.json"; then
		ok "normalize of $(wc -c <"$work/trivy.json" | tr -d ' ') bytes on two threads"
	else
		bad "normalize on two threads"
		sed 's/^/  /' "$work/err" | head -n 40
	fi
	# To standard output, the pieces laid out on two threads are written in order.
	if "$TSAN_BUILD/cvetrail" normalize "$work/trivy.json" >"$work/stdout.json" 2>"$work/err" &&
		cmp -s "$work/expected.json" "$work/stdout.json"; then
		ok "normalize to standard output on two threads"
	else
		bad "normalize to standard output on two threads"
		sed 's/^/  /' "$work/err" | head -n 40
	fi
else
	bad "cannot make the generated report or its expected output"
fi
echo "tsan: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
