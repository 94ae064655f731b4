#!/bin/sh
# Concurrent writers of one ledger serialize through its lock file: no
# decision is lost; a stale lock from a killed process is reported, not
# waited on.
set -u
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
CVETRAIL=${CVETRAIL:-$ROOT/build/cvetrail}
case $CVETRAIL in /*) ;; *) CVETRAIL=$(pwd)/$CVETRAIL ;; esac
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
cd "$T" || exit 2
export SOURCE_DATE_EPOCH=1780000000 GIT_AUTHOR_NAME="Lock Tester"
passed=0 failed=0
ok() { passed=$((passed + 1)); }
fail() { failed=$((failed + 1)); echo "FAIL: $*"; }

N=25
loop() {
	i=1
	while [ $i -le $N ]; do
		"$CVETRAIL" ack "CVE-2026-$1$i" --reason "loop $1 decision $i" >/dev/null 2>>"$T/err-$1" || echo "ack $1 $i failed" >>"$T/err-$1"
		i=$((i + 1))
	done
}
loop 1 & p1=$!
loop 2 & p2=$!
loop 3 & p3=$!
wait $p1 $p2 $p3
count=$(grep -c '"id": "CVE-2026-' .cvetrail/triage.json)
[ "$count" -eq $((3 * N)) ] && ok || { fail "expected $((3 * N)) decisions, found $count"; cat "$T"/err-* | head; }
[ ! -e .cvetrail/triage.json.lock ] && ok || fail "lock file left behind"
ls .cvetrail | grep -q 'tmp-' && fail "temporary files left behind" || ok

# A stale lock: its process is gone.
sh -c 'exit 0' & dead=$!
wait $dead
cp .cvetrail/triage.json "$T/before.json"
echo $dead >.cvetrail/triage.json.lock
"$CVETRAIL" ack CVE-2026-9999 --reason "blocked" >/dev/null 2>"$T/err"
rc=$?
[ $rc -eq 2 ] && grep -q "stale lock left by process $dead" "$T/err" && ok || fail "stale lock: exit $rc: $(cat "$T/err")"
cmp -s .cvetrail/triage.json "$T/before.json" && ok || fail "ledger changed despite the stale lock"
"$CVETRAIL" unack CVE-2026-11 >/dev/null 2>"$T/err"
[ $? -eq 2 ] && grep -q "stale lock" "$T/err" && ok || fail "unack must refuse a stale lock too"
rm .cvetrail/triage.json.lock
"$CVETRAIL" unack CVE-2026-11 >/dev/null && ok || fail "unack after the stale lock is removed"

echo "lock-e2e: $passed passed, $failed failed"
[ $failed -eq 0 ]
