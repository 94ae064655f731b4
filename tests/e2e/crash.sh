#!/bin/sh
# Crash safety: `update` and `ack` killed with SIGKILL at random moments leave
# the report and the ledger either complete-old or complete-new, never torn,
# and temporary files do not pile up.
set -u
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
CVETRAIL=${CVETRAIL:-$ROOT/build/cvetrail}
case $CVETRAIL in /*) ;; *) CVETRAIL=$(pwd)/$CVETRAIL ;; esac
ROUNDS=${CRASH_ROUNDS:-40}
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
cd "$T" || exit 2
export SOURCE_DATE_EPOCH=1780000000 GIT_AUTHOR_NAME="Crash Tester"
passed=0 failed=0
ok() { passed=$((passed + 1)); }
fail() { failed=$((failed + 1)); echo "FAIL: $*"; }

# Two scans of one image that differ in one finding, big enough that writing takes a moment.
make_scan() { # $1 = file, $2 = extra id
	{
		printf '{"SchemaVersion": 2, "ArtifactName": "img:1", "ArtifactType": "container_image",\n'
		printf ' "Metadata": {"OS": {"Family": "debian", "Name": "12.5"}},\n'
		printf ' "Results": [{"Target": "img:1 (debian 12.5)", "Class": "os-pkgs", "Type": "debian", "Vulnerabilities": [\n'
		i=1
		while [ $i -le 400 ]; do
			printf '{"VulnerabilityID": "CVE-2026-%d", "PkgName": "pkg%d", "InstalledVersion": "1.%d", "Severity": "LOW", "Title": "title %d"},\n' $i $i $i $i
			i=$((i + 1))
		done
		printf '{"VulnerabilityID": "%s", "PkgName": "extra", "InstalledVersion": "1", "Severity": "HIGH"}]}]}\n' "$2"
	} >"$1"
}
make_scan a.json CVE-2026-9001
make_scan b.json CVE-2026-9002
"$CVETRAIL" normalize a.json >old.json
"$CVETRAIL" normalize b.json >new.json

# random delay of 0-9 ms
pause() { sleep "0.00$(($(od -An -N1 -tu1 /dev/urandom) % 10))"; }

torn=0 i=0
while [ $i -lt "$ROUNDS" ]; do
	cp old.json cvetrail-report.json
	rm -f cvetrail-report.json.lock # a killed update leaves its lock: stale, refused
	"$CVETRAIL" update --summary summary.md b.json >/dev/null 2>&1 &
	pid=$!
	pause
	kill -9 $pid 2>/dev/null
	wait $pid 2>/dev/null
	if ! cmp -s cvetrail-report.json old.json && ! cmp -s cvetrail-report.json new.json; then
		torn=$((torn + 1))
	fi
	i=$((i + 1))
done
[ $torn -eq 0 ] && ok || fail "report torn in $torn of $ROUNDS kills"

torn=0 i=0
mkdir -p .cvetrail
"$CVETRAIL" ack CVE-2026-1 --reason "base decision" >/dev/null
cp .cvetrail/triage.json ledger-old.json
"$CVETRAIL" ack CVE-2026-2 --reason "second decision" >/dev/null
cp .cvetrail/triage.json ledger-new.json
while [ $i -lt "$ROUNDS" ]; do
	cp ledger-old.json .cvetrail/triage.json
	rm -f .cvetrail/triage.json.lock
	"$CVETRAIL" ack CVE-2026-2 --reason "second decision" >/dev/null 2>&1 &
	pid=$!
	pause
	kill -9 $pid 2>/dev/null
	wait $pid 2>/dev/null
	if ! cmp -s .cvetrail/triage.json ledger-old.json && ! cmp -s .cvetrail/triage.json ledger-new.json; then
		torn=$((torn + 1))
	fi
	i=$((i + 1))
done
[ $torn -eq 0 ] && ok || fail "ledger torn in $torn of $ROUNDS kills"

# Leftover temporary files of killed writers are swept by the next successful write.
rm -f .cvetrail/triage.json.lock
"$CVETRAIL" ack CVE-2026-3 --reason "after the crashes" >/dev/null && ok || fail "ack after crashes"
cp old.json cvetrail-report.json
rm -f cvetrail-report.json.lock
"$CVETRAIL" update --summary summary.md b.json >/dev/null 2>"$T/err" && ok || fail "update after crashes: $(cat "$T/err")"
left=$(ls -a . .cvetrail | grep -c '\.tmp-')
[ "$left" -eq 0 ] && ok || { fail "$left temporary files left after a successful write"; ls -a . .cvetrail | grep tmp- | head; }

echo "crash-e2e: $passed passed, $failed failed"
[ $failed -eq 0 ]
