#!/bin/sh
# End-to-end tests of `cvetrail scan` against stand-in scanners (tests/e2e/stand-ins/:
# scripts named trivy and grype, put first in PATH, whose behaviour STANDIN_MODE picks):
# the argument vector (no shell: a hostile reference arrives as one argument), the
# environment, stdin and temporary files, and every way a scan can fail — each one exit 2,
# one line on stderr, and the output file untouched.
set -u
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
CVETRAIL=${CVETRAIL:-$ROOT/build/cvetrail}
SHARED=${SHARED:-$ROOT/../shared}
STANDINS=$ROOT/tests/e2e/stand-ins
T=$(mktemp -d)
PWNED=/tmp/pwned-$$
trap 'rm -rf "$T" "$PWNED"' EXIT
passed=0 failed=0

ok() { passed=$((passed + 1)); }
fail() { failed=$((failed + 1)); echo "FAIL: $*"; }
check() { # check DESCRIPTION COMMAND...: passes when the command succeeds
	desc=$1
	shift
	if "$@"; then ok; else fail "$desc"; fi
}

mkdir "$T/bin" "$T/tmp" "$T/nobin"
cp "$STANDINS/common.sh" "$STANDINS/trivy" "$STANDINS/grype" "$T/bin/"
chmod +x "$T/bin/trivy" "$T/bin/grype"
PATH="$T/bin:$PATH"
TMPDIR=$T/tmp
export PATH TMPDIR
unset STANDIN_MODE STANDIN_ARGV STANDIN_INFO STANDIN_PIDS STANDIN_SECRET
TRIVY_REPORT=$STANDINS/trivy-report.json
GRYPE_REPORT=$STANDINS/grype-report.json
printf 'precious\n' >"$T/keep.json"
cp "$T/keep.json" "$T/keep.orig"

# scan [ARGS...]: runs cvetrail scan; stdout in $T/out, stderr in $T/err, status in $rc.
scan() {
	"$CVETRAIL" scan "$@" >"$T/out" 2>"$T/err"
	rc=$?
}

# fails_with TEXT DESC: the last scan exited 2 with one line on stderr containing TEXT,
# printed nothing on stdout, and left $T/keep.json as it was.
fails_with() {
	want=$1 desc=$2
	if [ "$rc" != 2 ]; then fail "$desc: exit $rc, expected 2"; return; fi
	ok
	if [ "$(wc -l <"$T/err")" -eq 1 ] && grep -qF -- "$want" "$T/err"; then ok; else
		fail "$desc: stderr should be one line with '$want', got: $(cat "$T/err")"
	fi
	if [ -s "$T/out" ]; then fail "$desc: printed on stdout"; else ok; fi
	if cmp -s "$T/keep.json" "$T/keep.orig"; then ok; else fail "$desc: output file changed"; fi
}

tmp_is_empty() { [ -z "$(ls -A "$T/tmp")" ]; }

# gone PID: the process has ended (a zombie counts: an orphan waits for init to reap it).
gone() {
	i=0
	while [ $i -lt 20 ]; do
		state=$(sed 's/^.*) //' "/proc/$1/stat" 2>/dev/null | cut -c1)
		[ -z "$state" ] || [ "$state" = Z ] && return 0
		sleep 0.1
		i=$((i + 1))
	done
	return 1
}

# What the stand-ins record lives outside TMPDIR, so that TMPDIR can be checked empty.
mkdir "$T/rec"

# A successful Trivy scan: the report is what normalize makes of Trivy's JSON.
"$CVETRAIL" normalize "$TRIVY_REPORT" >"$T/trivy-expected.json"
STANDIN_REPORT=$TRIVY_REPORT STANDIN_ARGV=$T/rec/argv STANDIN_INFO=$T/rec/info \
	STANDIN_SECRET=s3cret scan registry.example.com/shop/api:1.4
check "trivy ok: exit 0 (got $rc: $(cat "$T/err"))" [ "$rc" = 0 ]
check "trivy ok: stdout is the canonical report" cmp -s "$T/out" "$T/trivy-expected.json"
check "trivy ok: nothing on stderr" [ ! -s "$T/err" ]
cat >"$T/argv-expected" <<EOF
image
--format=json
--output=$(sed -n 's/^out=//p' "$T/rec/info")
--scanners=vuln
--quiet
--exit-code=0
--severity=UNKNOWN,LOW,MEDIUM,HIGH,CRITICAL
--ignore-unfixed=false
--ignorefile=/dev/null
--timeout=600s
--
registry.example.com/shop/api:1.4
EOF
check "trivy argv: $(tr '\n' ' ' <"$T/rec/argv")" cmp -s "$T/rec/argv" "$T/argv-expected"
check "report file in TMPDIR" grep -q "^out=$T/tmp/cvetrail-" "$T/rec/info"
check "stdin is /dev/null" grep -qx 'stdin=/dev/null' "$T/rec/info"
check "environment inherited" grep -qx 'secret=s3cret' "$T/rec/info"
check "temporary files removed" tmp_is_empty
# SIGCHLD ignored by whoever started cvetrail (inherited through exec) changes nothing.
(trap '' CHLD; STANDIN_REPORT=$TRIVY_REPORT exec "$CVETRAIL" scan alpine:3.19 >"$T/out" 2>"$T/err")
check "SIGCHLD ignored: scan works ($(cat "$T/err"))" cmp -s "$T/out" "$T/trivy-expected.json"

# -o writes the report atomically; --timeout reaches Trivy's own timeout.
STANDIN_REPORT=$TRIVY_REPORT STANDIN_ARGV=$T/rec/argv scan --timeout 42 -o "$T/sub/report.json" alpine:3.19
check "-o: exit 0" [ "$rc" = 0 ]
check "-o: nothing on stdout" [ ! -s "$T/out" ]
check "-o: report written" cmp -s "$T/sub/report.json" "$T/trivy-expected.json"
check "--timeout passed to trivy" grep -qx -- '--timeout=42s' "$T/rec/argv"

# Grype.
"$CVETRAIL" normalize "$GRYPE_REPORT" >"$T/grype-expected.json"
STANDIN_REPORT=$GRYPE_REPORT STANDIN_ARGV=$T/rec/argv STANDIN_INFO=$T/rec/info \
	scan --scanner grype -o "$T/grype.json" alpine:3.19
check "grype ok: exit 0 ($(cat "$T/err"))" [ "$rc" = 0 ]
check "grype ok: report" cmp -s "$T/grype.json" "$T/grype-expected.json"
cat >"$T/argv-expected" <<EOF
--output=json
--file=$(sed -n 's/^out=//p' "$T/rec/info")
--only-fixed=false
--only-notfixed=false
--
alpine:3.19
EOF
check "grype argv: $(tr '\n' ' ' <"$T/rec/argv")" cmp -s "$T/rec/argv" "$T/argv-expected"
check "grype report names grype" grep -q '"name": "grype"' "$T/grype.json"

# A hostile reference is one argument, and no shell ever sees it.
STANDIN_REPORT=$TRIVY_REPORT STANDIN_ARGV=$T/rec/argv scan "x; touch $PWNED"
check "hostile ref: scan succeeds" [ "$rc" = 0 ]
check "hostile ref: one argument, last" [ "$(tail -n 1 "$T/rec/argv")" = "x; touch $PWNED" ]
check "hostile ref: argument count" [ "$(wc -l <"$T/rec/argv")" -eq 12 ]
check "hostile ref: nothing ran" [ ! -e "$PWNED" ]
STANDIN_REPORT=$TRIVY_REPORT STANDIN_ARGV=$T/rec/argv scan '$(touch '"$PWNED"')'
check "command substitution not run" [ ! -e "$PWNED" ]

# References cvetrail refuses: the scanner never starts.
rm -f "$T/rec/argv"
STANDIN_ARGV=$T/rec/argv scan -o "$T/keep.json" -- --config=/etc/passwd
fails_with "begins with '-'" "ref starting with '-'"
check "ref starting with '-': scanner not run" [ ! -e "$T/rec/argv" ]
STANDIN_ARGV=$T/rec/argv scan -o "$T/keep.json" -x
check "option-like ref without --: exit 2" [ "$rc" = 2 ]
check "option-like ref without --: output untouched" cmp -s "$T/keep.json" "$T/keep.orig"
STANDIN_ARGV=$T/rec/argv scan -o "$T/keep.json" ""
fails_with "empty image reference" "empty ref"
STANDIN_ARGV=$T/rec/argv scan -o "$T/keep.json" "$(printf 'alpine\n--quiet')"
fails_with "control character" "ref with a newline"
check "refused refs: scanner not run" [ ! -e "$T/rec/argv" ]

# Bad usage.
scan --timeout abc alpine
check "bad --timeout: exit 2" [ "$rc" = 2 ]
scan --timeout 0 alpine
check "zero --timeout: exit 2" [ "$rc" = 2 ]
scan --scanner clair alpine
check "unknown scanner: exit 2" [ "$rc" = 2 ]
check "unknown scanner: message" grep -q "unknown scanner 'clair'" "$T/err"
scan
check "no ref: exit 2" [ "$rc" = 2 ]
scan a b
check "two refs: exit 2" [ "$rc" = 2 ]
"$CVETRAIL" scan --help >"$T/help" 2>&1
check "--help: exit 0" [ $? = 0 ]
check "--help: synopsis" grep -q 'cvetrail scan \[--scanner trivy|grype\]' "$T/help"

# Scanner failures.
STANDIN_MODE=fail scan -o "$T/keep.json" alpine:3.19
fails_with "trivy failed on 'alpine:3.19' (exit status 1)" "non-zero exit"
check "non-zero exit: scanner's message quoted" grep -qF "FATAL unable to pull image: unauthorized" "$T/err"
check "stdout of the scanner is captured too" grep -q 'progress noise on stdout' "$T/err"
STANDIN_MODE=noisy scan -o "$T/keep.json" alpine:3.19
fails_with "exit status 3" "noisy failure"
check "stderr tail: last line kept" grep -q 'noise-30' "$T/err"
check "stderr tail: 20th line from the end kept" grep -q 'noise-11' "$T/err"
check "stderr tail: older lines dropped" sh -c "! grep -q 'noise-10' '$T/err'"
STANDIN_MODE=empty scan -o "$T/keep.json" alpine:3.19
fails_with "trivy produced no output for 'alpine:3.19'" "empty output"
STANDIN_MODE=truncated STANDIN_REPORT=$TRIVY_REPORT scan -o "$T/keep.json" alpine:3.19
fails_with "trivy output for 'alpine:3.19' is not a valid report" "truncated output"
STANDIN_MODE=garbage scan -o "$T/keep.json" --scanner grype alpine:3.19
fails_with "not a Grype report" "JSON that is not a report"
STANDIN_MODE=ok STANDIN_REPORT=$TRIVY_REPORT scan -o "$T/keep.json" --scanner grype alpine:3.19
fails_with "not a Grype report" "grype writing Trivy JSON"
STANDIN_MODE=signal scan -o "$T/keep.json" alpine:3.19
fails_with "trivy was killed by signal 9" "killed by a signal"

# Timeouts: the scanner and what it started are stopped.
start=$(date +%s)
STANDIN_MODE=hang STANDIN_PIDS=$T/rec/pids scan --timeout 2 -o "$T/keep.json" alpine:3.19
took=$(($(date +%s) - start))
fails_with "did not finish scanning 'alpine:3.19' within 2 seconds" "timeout"
check "timeout: returned in ${took}s (< 10)" [ "$took" -lt 10 ]
for pid in $(cat "$T/rec/pids" 2>/dev/null); do
	check "timeout: process $pid stopped" gone "$pid"
done
start=$(date +%s)
STANDIN_MODE=stubborn STANDIN_PIDS=$T/rec/pids scan --timeout 1 -o "$T/keep.json" alpine:3.19
took=$(($(date +%s) - start))
fails_with "within 1 second and was stopped" "timeout, SIGTERM ignored"
check "SIGKILL after the grace period: returned in ${took}s (< 15)" [ "$took" -lt 15 ]
for pid in $(cat "$T/rec/pids" 2>/dev/null); do
	check "stubborn: process $pid killed" gone "$pid"
done

# cvetrail interrupted: the scanner is stopped with it.
rm -f "$T/rec/pids"
STANDIN_MODE=hang STANDIN_PIDS=$T/rec/pids "$CVETRAIL" scan -o "$T/keep.json" alpine:3.19 \
	>"$T/out" 2>"$T/err" &
cvt=$!
i=0
while [ ! -s "$T/rec/pids" ] && [ $i -lt 50 ]; do sleep 0.1; i=$((i + 1)); done
kill -TERM $cvt
wait $cvt
rc=$?
fails_with "interrupted" "SIGTERM to cvetrail"
for pid in $(cat "$T/rec/pids" 2>/dev/null); do
	check "interrupted: process $pid stopped" gone "$pid"
done

# No scanner installed: the install hint.
PATH=$T/nobin scan -o "$T/keep.json" alpine:3.19
fails_with "trivy not found in PATH; install it: https://aquasecurity.github.io/trivy/latest/getting-started/installation/" "trivy missing"
PATH=$T/nobin scan --scanner grype -o "$T/keep.json" alpine:3.19
fails_with "grype not found in PATH; install it: https://github.com/anchore/grype" "grype missing"

check "temporary files removed after failures" tmp_is_empty

# A real Trivy report, when the shared fixtures are there.
if [ -f "$SHARED/fixtures/trivy/alpine-39.json" ]; then
	"$CVETRAIL" normalize "$SHARED/fixtures/trivy/alpine-39.json" >"$T/alpine-expected.json"
	STANDIN_REPORT=$SHARED/fixtures/trivy/alpine-39.json scan alpine:3.9
	check "alpine-39: exit 0" [ "$rc" = 0 ]
	check "alpine-39: same as normalize" cmp -s "$T/out" "$T/alpine-expected.json"
else
	echo "skip alpine-39: $SHARED/fixtures is absent"
fi

echo "scan-e2e: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
