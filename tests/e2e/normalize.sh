#!/bin/sh
# End-to-end tests of `cvetrail normalize`: every real Trivy report shape,
# order independence, idempotence, stable keys across Trivy upgrades, and
# refusal of bad input without touching the output file.
set -u
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
CVETRAIL=${CVETRAIL:-$ROOT/build/cvetrail}
SHARED=${SHARED:-$ROOT/../shared}
FIX=$ROOT/tests/fixtures
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
passed=0 failed=0 skipped=0

ok() { passed=$((passed + 1)); }
fail() { failed=$((failed + 1)); echo "FAIL: $*"; }

# Reverses every array that holds findings, so the scanner's order changes.
shuffle() {
	jq 'def rv: if type == "array" then reverse else . end;
	    if type == "array" then rv | map(.Vulnerabilities |= rv)
	    elif type == "object" and has("Results") then .Results |= (rv | map(.Vulnerabilities |= rv))
	    elif type == "object" and has("matches") then .matches |= rv
	    else . end' "$1"
}

# normalize succeeds, re-normalizing gives the same bytes, and shuffled input gives the same bytes.
check_stable() {
	f=$1
	if ! "$CVETRAIL" normalize "$f" >"$T/a.json" 2>"$T/err"; then
		fail "normalize $f: $(cat "$T/err")"; return
	fi
	"$CVETRAIL" normalize "$T/a.json" >"$T/b.json" 2>"$T/err" && cmp -s "$T/a.json" "$T/b.json" \
		&& ok || fail "not idempotent: $f"
	if command -v jq >/dev/null; then
		shuffle "$f" >"$T/shuffled.json"
		"$CVETRAIL" normalize "$T/shuffled.json" >"$T/c.json" 2>"$T/err" && cmp -s "$T/a.json" "$T/c.json" \
			&& ok || fail "order-dependent: $f"
	fi
}

for f in "$FIX"/trivy-*.json; do check_stable "$f"; done

# The bundled fixtures' keys: legacy and schema 2 of the same image agree.
"$CVETRAIL" normalize "$FIX/trivy-legacy.json" >"$T/legacy.json"
"$CVETRAIL" normalize "$FIX/trivy-schema2.json" >"$T/schema2.json"
if command -v jq >/dev/null; then
	jq -r '.findings[].key' "$T/schema2.json" >"$T/keys2"
	grep -qx 'CVE-2026-1001 pkg:deb/debian/libexample1' "$T/keys2" && ok || fail "schema2 deb key"
	grep -qx 'CVE-2026-1002 pkg:deb/debian/zlib1g' "$T/keys2" && ok || fail "purl built from Type"
	grep -qx 'GHSA-aaaa-bbbb-cccc pkg:pypi/flask-login' "$T/keys2" && ok || fail "pypi name canonical"
	[ "$(jq '[.findings[] | select(.id == "GHSA-aaaa-bbbb-cccc")] | length' "$T/schema2.json")" = 1 ] \
		&& ok || fail "same key in two places is one finding"
	[ "$(jq -r '.findings[] | select(.id == "GHSA-aaaa-bbbb-cccc") | .locations | length' "$T/schema2.json")" = 2 ] \
		&& ok || fail "one finding, two locations"
	[ "$(jq -r '.findings[] | select(.id == "GHSA-aaaa-bbbb-cccc") | .severity' "$T/schema2.json")" = CRITICAL ] \
		&& ok || fail "merged severity is the highest"
	grep -q '"cvss": 8.1,' "$T/schema2.json" && ok || fail "CVSS kept as written"
	jq -r '.findings[].key' "$T/legacy.json" >"$T/keysl"
	grep -qx 'CVE-2026-1001 pkg:deb/debian/libexample1' "$T/keysl" && ok || fail "legacy: OS family from the Target suffix"
	grep -qx 'CVE-2026-2000 pkg:npm/%40scope/widget' "$T/keysl" && ok || fail "legacy: npm scope encoded"
	[ "$(jq -r .artifact.os "$T/legacy.json")" = "debian 12.2" ] && ok || fail "legacy os"
	[ "$(jq -r .artifact.os "$T/schema2.json")" = "debian 12.4" ] && ok || fail "schema2 os"
	[ "$(jq -r '.scanner.results' "$T/schema2.json")" = 4 ] && ok || fail "config results are not coverage"
	grep -q 'Layer\|LastModified\|sha256:aaaa\|ReportID\|CreatedAt\|2026-11-01' "$T/schema2.json" \
		&& fail "volatile fields kept" || ok
fi
"$CVETRAIL" normalize "$FIX/trivy-null.json" >"$T/null.json" && grep -q '"findings": \[\]' "$T/null.json" \
	&& ok || fail "legacy null"

# stdin and -o
"$CVETRAIL" normalize <"$FIX/trivy-schema2.json" >"$T/stdin.json" && cmp -s "$T/stdin.json" "$T/schema2.json" \
	&& ok || fail "stdin input"
"$CVETRAIL" normalize -o "$T/out/report.json" "$FIX/trivy-schema2.json" && cmp -s "$T/out/report.json" "$T/schema2.json" \
	&& ok || fail "-o writes the report"

# Bad input: exit 2, one line on stderr naming the file, output untouched.
printf 'precious' >"$T/keep.json"
bad() {
	name=$1 want=$2
	"$CVETRAIL" normalize -o "$T/keep.json" "$T/$name" 2>"$T/err" >/dev/null
	rc=$?
	if [ $rc -ne 2 ]; then fail "$name: exit $rc, expected 2"; return; fi
	[ "$(wc -l <"$T/err")" -eq 1 ] || { fail "$name: stderr is not one line: $(cat "$T/err")"; return; }
	grep -qF -- "$want" "$T/err" || { fail "$name: stderr lacks '$want': $(cat "$T/err")"; return; }
	[ "$(cat "$T/keep.json")" = precious ] || { fail "$name: output touched"; return; }
	ls "$T" | grep -q 'keep.json.tmp' && { fail "$name: temp file left"; return; }
	ok
}
: >"$T/empty.json"; bad empty.json "empty.json: empty file"
head -c 300 "$FIX/trivy-schema2.json" >"$T/truncated.json"; bad truncated.json "truncated.json:"
printf '{"hello": "world"}' >"$T/other.json"; bad other.json "not a scanner report"
printf '{"SchemaVersion": 2, "Results": "x"}' >"$T/types.json"; bad types.json "Results: expected an array, got a string"
printf '{"SchemaVersion": 2, "Results": [{"Vulnerabilities": [{"VulnerabilityID": "CVE-1", "PkgName": 5}]}]}' >"$T/types2.json"
bad types2.json "Results[0].Vulnerabilities[0].PkgName: expected a string, got a number"
printf '[{"Target": "a (alpine 3.9)", "Vulnerabilities": [{"VulnerabilityID": "CVE-1", "PkgName": "git", "InstalledVersion": "\\u00002.1"}]}]' >"$T/nul.json"
bad nul.json "[0].Vulnerabilities[0].InstalledVersion: expected a string without NUL characters"
printf '{"SchemaVersion": 2, "ArtifactName": "\377"}' >"$T/utf8.json"; bad utf8.json "utf8.json:1:39: invalid UTF-8 byte 0xff in string (byte 38)"
printf '{"SchemaVersion": 2}\n{}' >"$T/trailing.json"; bad trailing.json "trailing.json:2:1"
printf '{"SchemaVersion": 3}' >"$T/schema3.json"; bad schema3.json "SchemaVersion 3"
bad missing.json "missing.json: cannot open"
"$CVETRAIL" normalize a b >/dev/null 2>&1; [ $? -eq 2 ] && ok || fail "two inputs is a usage error"
"$CVETRAIL" normalize --bogus >/dev/null 2>&1; [ $? -eq 2 ] && ok || fail "unknown option is a usage error"
"$CVETRAIL" normalize --help | grep -q 'usage: cvetrail normalize' && ok || fail "--help"

# The real fixtures, when ../shared is present.
if [ -d "$SHARED/fixtures" ]; then
	for f in "$SHARED"/fixtures/trivy/*.json "$SHARED"/fixtures/trivy-history/*/*.json; do
		check_stable "$f"
	done
	for f in "$SHARED"/fixtures/trivy-dd/*.json; do
		case $(basename "$f") in
		kubernetes.json | issue_10991.json) # many images: needs -o DIR (tests/e2e/fleet.sh)
			"$CVETRAIL" normalize "$f" >/dev/null 2>"$T/err"
			[ $? -eq 2 ] && grep -q 'use -o DIR' "$T/err" && ok || fail "k8s report without -o DIR must be refused clearly: $f"
			;;
		*) check_stable "$f" ;;
		esac
	done
	# A Trivy upgrade (legacy -> schema 2 -> purls) must not change keys of the same vulnerabilities.
	H=$SHARED/fixtures/trivy-history/alpine-39
	for pair in "2020-12-14 2021-10-04" "2023-12-12 2023-12-27" "2021-12-30 2023-12-27" "2023-12-27 2026-01-20"; do
		set -- $pair
		"$CVETRAIL" normalize "$H/$1.json" | jq -r '.findings[].key' >"$T/k1"
		"$CVETRAIL" normalize "$H/$2.json" | jq -r '.findings[].key' >"$T/k2"
		cmp -s "$T/k1" "$T/k2" && ok || { fail "keys differ between Trivy versions $1 and $2"; diff "$T/k1" "$T/k2" | head; }
	done
	# The blind scan: OS family none gives no OS and no results.
	"$CVETRAIL" normalize "$SHARED/fixtures/trivy/alpine-39-skip.json" >"$T/skip.json"
	[ "$(jq -r '.artifact.os' "$T/skip.json")" = null ] && [ "$(jq -r '.scanner.results' "$T/skip.json")" = 0 ] \
		&& ok || fail "alpine-39-skip: os must be null, results 0"
	# Base-image bump: alpine 3.9 -> 3.10 keeps the shared keys.
	"$CVETRAIL" normalize "$SHARED/fixtures/trivy/alpine-310.json" | jq -r '.findings[].key' >"$T/k310"
	"$CVETRAIL" normalize "$SHARED/fixtures/trivy/alpine-39.json" | jq -r '.findings[].key' >"$T/k39"
	[ -z "$(comm -23 "$T/k310" "$T/k39")" ] && ok || fail "alpine-310 keys must all be in alpine-39"
else
	echo "skip: ../shared/fixtures absent; real-fixture tests not run"
	skipped=$((skipped + 1))
fi

# An output that cannot be written is named in the error, not the input read
# before it; exit 2, nothing written.
: >"$T/plain-file"
printf '{"SchemaVersion": 2, "ArtifactName": "img:1", "Results": []}' >"$T/in.json"
for format in json sarif; do
	"$CVETRAIL" normalize --format $format --triage "$T/no-ledger.json" -o "$T/plain-file/out.json" \
		"$T/in.json" >/dev/null 2>"$T/err"
	rc=$?
	[ $rc -eq 2 ] && ok || fail "-o under a file ($format): exit $rc"
	grep -q "^cvetrail: $T/plain-file/out.json: " "$T/err" && ok ||
		fail "-o under a file ($format): the error does not name the output: $(cat "$T/err")"
done

# A broken ledger read after a good scan: the error names the ledger.
printf '{"schema": "cvetrail/triage/1", "decisions": [' >"$T/broken-ledger.json"
"$CVETRAIL" normalize --format sarif --triage "$T/broken-ledger.json" "$T/in.json" >/dev/null 2>"$T/err"
rc=$?
[ $rc -eq 2 ] && grep -q "^cvetrail: $T/broken-ledger.json:1:" "$T/err" && ok ||
	fail "sarif with a broken ledger: exit $rc, error not naming the ledger: $(cat "$T/err")"

# SARIF of more findings than GitHub code scanning takes in one run: all
# written, exit 0, and a warning that says so; at the limit, no warning.
trivy_of() { # N: a Trivy report of N findings
	awk -v n="$1" 'BEGIN {
		printf "{\"SchemaVersion\": 2, \"ArtifactName\": \"big:1\", \"ArtifactType\": \"container_image\",\n"
		printf " \"Results\": [{\"Target\": \"big:1 (debian 12.4)\", \"Class\": \"os-pkgs\", \"Type\": \"debian\",\n"
		printf "  \"Vulnerabilities\": ["
		for (i = 1; i <= n; i++)
			printf "%s\n   {\"VulnerabilityID\": \"CVE-2024-%d\", \"PkgName\": \"libx\", \"InstalledVersion\": \"1\", \"Severity\": \"LOW\"}", (i > 1 ? "," : ""), i
		printf "]}]}\n"
	}'
}
for n in 25000 25001; do
	trivy_of $n >"$T/big-$n.json"
	"$CVETRAIL" normalize --format sarif --triage "$T/no-ledger.json" "$T/big-$n.json" >"$T/big.sarif" 2>"$T/err"
	rc=$?
	[ $rc -eq 0 ] && ok || fail "sarif of $n findings: exit $rc: $(cat "$T/err")"
	[ "$(grep -c '"ruleId"' "$T/big.sarif")" = "$n" ] && ok || fail "sarif of $n findings: not $n results"
	if [ $n -gt 25000 ]; then
		grep -q "warning: $n results in one SARIF run; GitHub code scanning rejects a run of more than 25000" "$T/err" &&
			ok || fail "sarif of $n findings: no warning: $(cat "$T/err")"
	else
		[ ! -s "$T/err" ] && ok || fail "sarif of $n findings: unexpected stderr: $(cat "$T/err")"
	fi
done

echo "normalize-e2e: $passed passed, $failed failed, $skipped skipped"
[ $failed -eq 0 ]
