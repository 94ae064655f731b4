#!/bin/sh
# Concurrent writers of one ledger, and concurrent updates of one report,
# serialize through their lock files: no decision is lost, the report is
# always one whole canonical report, nothing is left behind; a stale lock
# from a killed process is reported, not waited on.
# LOCK_ROUNDS (25): acks per writer loop and updates per update loop.
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

N=${LOCK_ROUNDS:-25}
loop() {
	i=1
	while [ $i -le $N ]; do
		"$CVETRAIL" ack "CVE-2026-$1$i" --reason "loop $1 decision $i" >/dev/null 2>>"$T/err-$1" || echo "ack $1 $i failed" >>"$T/err-$1"
		i=$((i + 1))
	done
}
# Three loops update one report from three different scans while the acks
# run and a reader checks the report between writes: it is always exactly
# the canonical report of one of the scans.
scan() { # scan NAME CVE-NUMBERS...: a Trivy report with one finding per number
	name=$1
	shift
	printf '{"SchemaVersion": 2, "ArtifactName": "img:1", "ArtifactType": "container_image", "Results": [{"Target": "img:1 (debian 12.2)", "Class": "os-pkgs", "Type": "debian", "Vulnerabilities": [' >"scan-$name.json"
	sep=""
	for n in "$@"; do
		printf '%s{"VulnerabilityID": "CVE-2026-70%s", "PkgName": "pkg%s", "InstalledVersion": "1.0", "Severity": "HIGH"}' "$sep" "$n" "$n" >>"scan-$name.json"
		sep=", "
	done
	printf ']}]}\n' >>"scan-$name.json"
	"$CVETRAIL" normalize "scan-$name.json" >"$T/canon-$name"
}
# Every ordered pair of scans differs by its own (added, removed) counts, so
# each update's summary says which report it replaced by which.
scan a 1 && scan b 1 2 && scan c 3 4 5 && ok || fail "normalizing the three scans"
"$CVETRAIL" update scan-a.json --report report.json >/dev/null 2>>"$T/err-update" && ok ||
	fail "first update: $(cat "$T/err-update")"
update_loop() {
	i=1
	while [ $i -le $N ]; do
		"$CVETRAIL" update "scan-$1.json" --report report.json >>"$T/out-update-$1" 2>>"$T/err-update-$1" ||
			echo "update $1 $i failed" >>"$T/err-update-$1"
		i=$((i + 1))
	done
}
read_loop() {
	while [ ! -e "$T/done" ]; do
		# cat, not cp: GNU cp refuses a file whose name was renamed over
		# between its stat and its open, which is what an atomic write does.
		cat report.json >"$T/seen" 2>"$T/read-err" || { echo "report.json unreadable: $(cat "$T/read-err")" >>"$T/bad-read"; continue; }
		cmp -s "$T/seen" "$T/canon-a" || cmp -s "$T/seen" "$T/canon-b" || cmp -s "$T/seen" "$T/canon-c" ||
			{ echo "report.json is no scan's report" >>"$T/bad-read"; cp "$T/seen" "$T/bad-report"; }
	done
}
read_loop & reader=$!
loop 1 & p1=$!
loop 2 & p2=$!
loop 3 & p3=$!
update_loop a & u1=$!
update_loop b & u2=$!
update_loop c & u3=$!
wait $p1 $p2 $p3 $u1 $u2 $u3
touch "$T/done"
wait $reader
[ ! -e "$T/bad-read" ] && ok || fail "$(sort "$T/bad-read" | uniq -c | head -n 3)"
[ ! -s "$T/err-update-a" ] && [ ! -s "$T/err-update-b" ] && [ ! -s "$T/err-update-c" ] && ok ||
	fail "updates failed: $(cat "$T"/err-update-* | head -n 5)"
final=""
for name in a b c; do cmp -s report.json "$T/canon-$name" && final=$name; done
[ -n "$final" ] && ok || fail "the report left is no scan's canonical report"
# Serialized updates each compare with what the one before wrote, so their
# transitions chain from a to the final report: every report is replaced as
# often as it was written, except at the two ends. Two updates that read the
# same report and both replaced it break the chain.
cat "$T"/out-update-* | awk -v final="$final" '
	BEGIN {
		from["1 0"] = "a"; to["1 0"] = "b"; from["0 1"] = "b"; to["0 1"] = "a"
		from["3 1"] = "a"; to["3 1"] = "c"; from["1 3"] = "c"; to["1 3"] = "a"
		from["3 2"] = "b"; to["3 2"] = "c"; from["2 3"] = "c"; to["2 3"] = "b"
	}
	/ added, / { split($0, w, " "); pair = w[3] " " w[5] }
	/^report.json updated/ {
		if (!(pair in from)) { print "unknown transition " pair; bad = 1; next }
		out[from[pair]]++; in_[to[pair]]++; n++
	}
	END {
		for (s in out) balance[s] += out[s]
		for (s in in_) balance[s] -= in_[s]
		balance["a"] -= 1; balance[final] += 1
		for (s in balance) if (balance[s] != 0) { print "report " s " replaced " out[s] + 0 " times, written " in_[s] + 0 " times"; bad = 1 }
		if (n == 0) { print "no update replaced the report"; bad = 1 }
		exit bad
	}' >"$T/chain" && ok || fail "updates did not chain: $(cat "$T/chain")"
[ ! -e report.json.lock ] && ok || fail "report lock file left behind"
ls -a | grep -q 'tmp' && fail "temporary files left behind: $(ls -a | grep tmp)" || ok
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

# update refuses a stale lock on the report at once, and writes nothing.
cp report.json "$T/report.before"
echo $dead >report.json.lock
timeout 20 "$CVETRAIL" update scan-b.json --report report.json --summary summary.md >/dev/null 2>"$T/err"
rc=$?
[ $rc -eq 2 ] && grep -q "report.json.lock: stale lock left by process $dead" "$T/err" && ok ||
	fail "update with a stale report lock: exit $rc: $(cat "$T/err")"
cmp -s report.json "$T/report.before" && [ ! -e summary.md ] && ok ||
	fail "update wrote despite the stale lock"
[ -e report.json.lock ] && ok || fail "update removed a lock it did not take"
rm report.json.lock
"$CVETRAIL" unack CVE-2026-11 >/dev/null && ok || fail "unack after the stale lock is removed"

echo "lock-e2e: $passed passed, $failed failed"
[ $failed -eq 0 ]
