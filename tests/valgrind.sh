#!/bin/sh
# Runs the unit tests and a few real command lines (normalize of every shape
# of input, error paths, diff of successive reports) under valgrind memcheck:
# invalid reads and writes, uses of uninitialised values and definite leaks
# fail the case. Uses the normal build (build/, -O2 -g), which it makes first.
# Prints "valgrind: N passed, N failed".
#   BUILD   the build directory (build)
set -u
ROOT=$(cd "$(dirname "$0")/.." && pwd)
cd "$ROOT" || exit 2
BUILD=${BUILD:-build}
SHARED=${SHARED:-"$ROOT/../shared"}
BIN="$ROOT/$BUILD/cvetrail"
export SOURCE_DATE_EPOCH="${SOURCE_DATE_EPOCH:-1780000000}"
# A distinctive status, so valgrind's verdict is not confused with the tool's
# own exit codes (1: something needs a human, 2: error).
VG_ERROR=99
VALGRIND="valgrind -q --error-exitcode=$VG_ERROR --leak-check=full --errors-for-leak-kinds=definite"

command -v valgrind >/dev/null 2>&1 || { echo "valgrind not found (Debian: apt-get install valgrind)" >&2; exit 2; }

units=""
for t in tests/unit/test_*.c; do
	[ -f "$t" ] && units="$units $BUILD/tests/$(basename "$t" .c)"
done
# shellcheck disable=SC2086
make -s BUILD="$BUILD" "$BUILD/cvetrail" $units >/dev/null || { echo "valgrind: build failed" >&2; exit 2; }

T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
passed=0 failed=0 skipped=0

# vg NAME EXPECTED_EXITS COMMAND...: runs COMMAND under valgrind, standard
# input from VG_STDIN (/dev/null); passes when valgrind saw nothing and the
# exit code is one of EXPECTED_EXITS ("0", "0 1", "2").
vg() {
	name=$1 expect=$2
	shift 2
	$VALGRIND --log-file="$T/vg.log" "$@" <"${VG_STDIN:-/dev/null}" >"$T/out" 2>"$T/err"
	rc=$?
	case " $expect " in *" $rc "*) ok=1 ;; *) ok=0 ;; esac
	if [ $ok = 1 ] && [ ! -s "$T/vg.log" ]; then
		passed=$((passed + 1))
		return
	fi
	failed=$((failed + 1))
	if [ $rc = $VG_ERROR ] || [ -s "$T/vg.log" ]; then
		echo "FAIL $name: valgrind reports errors"
		# Again with the origins of uninitialised values (twice as slow, so only here).
		$VALGRIND --track-origins=yes --log-file="$T/vg.log" "$@" <"${VG_STDIN:-/dev/null}" >/dev/null 2>&1
		head -n 60 "$T/vg.log" | sed 's/^/  /'
	else
		echo "FAIL $name: exit $rc, expected $expect"
		head -n 5 "$T/err" | sed 's/^/  stderr: /'
		tail -n 3 "$T/out" | sed 's/^/  stdout: /'
	fi
}

for t in $units; do
	vg "$(basename "$t")" 0 "$t"
done

# normalize: each input shape, a canonical report read back, and standard input.
for f in tests/fixtures/*.json \
	"$SHARED/fixtures/trivy/debian-stretch.json" \
	"$SHARED/fixtures/trivy/spring4shell-jre8.json" \
	"$SHARED/fixtures/trivy/ubi-7-comprehensive.json" \
	"$SHARED/fixtures/trivy-dd/legacy_many_vulns.json" \
	"$SHARED/fixtures/trivy-dd/misconfigurations_and_secrets.json" \
	"$SHARED/fixtures/grype/many_vulns.json"; do
	if [ ! -f "$f" ]; then
		skipped=$((skipped + 1))
		continue
	fi
	vg "normalize $(basename "$f")" 0 "$BIN" normalize -o "$T/report.json" "$f"
	[ -f "$T/report.json" ] && vg "normalize canonical from $(basename "$f")" 0 "$BIN" normalize "$T/report.json"
	rm -f "$T/report.json"
done
VG_STDIN=tests/fixtures/trivy-schema2.json
vg "normalize stdin" 0 "$BIN" normalize -
VG_STDIN=/dev/null

# Error paths free what they allocated too.
printf '{"SchemaVersion": 2, "Results": [{"Target": "x", "Vulnerabilities": [{"VulnerabilityID": ' >"$T/truncated.json"
printf '{"SchemaVersion": 2, "Results": {"Target": "x"}}' >"$T/shape.json"
printf '{"SchemaVersion": 2, "Results": [{"Target": "x", "Vulnerabilities": [{"VulnerabilityID": "CVE-1", "PkgName": 7}]}]}' >"$T/deep-shape.json"
printf '\377\376{}' >"$T/binary.json"
: >"$T/empty.json"
for f in truncated shape deep-shape binary empty; do
	vg "normalize rejects $f" 2 "$BIN" normalize -o "$T/never.json" "$T/$f.json"
done
vg "normalize missing file" 2 "$BIN" normalize "$T/does-not-exist.json"

# diff: successive real reports of one image, across a Trivy format change.
H="$SHARED/fixtures/trivy-history/alpine-39"
if "$BIN" diff --help 2>&1 | grep -qi 'not implemented'; then
	echo "skip diff: cvetrail diff is not implemented yet"
	skipped=$((skipped + 1))
elif [ -d "$H" ]; then
	"$BIN" normalize -o "$T/old.json" "$H/2020-12-14.json" 2>/dev/null
	for pair in "2020-12-14 2021-10-04" "2021-10-04 2021-12-30" "2023-12-12 2026-01-20"; do
		# shellcheck disable=SC2086
		set -- $pair
		vg "diff $1 $2" "0 1" "$BIN" diff "$H/$1.json" "$H/$2.json"
		vg "diff --json $1 $2" "0 1" "$BIN" diff --json "$H/$1.json" "$H/$2.json"
		vg "diff --markdown --exit-code $1 $2" "0 1" "$BIN" diff --markdown --exit-code "$H/$1.json" "$H/$2.json"
	done
	[ -f "$T/old.json" ] && vg "diff --json normalized raw" "0 1" "$BIN" diff --json "$T/old.json" "$H/2023-12-27.json"
else
	skipped=$((skipped + 1))
fi

# dashboard: a committed fixture (its git history when there is one), a folder (fleet), a bad report.
vg "dashboard" 0 "$BIN" dashboard --report tests/fixtures/trivy-schema2.json -o "$T/page.html"
mkdir -p "$T/fleet"
cp tests/fixtures/trivy-schema2.json "$T/fleet/web.json"
cp tests/fixtures/trivy-legacy.json "$T/fleet/api.json"
vg "dashboard fleet" 0 "$BIN" dashboard --report "$T/fleet"
vg "dashboard rejects truncated" 2 "$BIN" dashboard --report "$T/truncated.json" -o "$T/never.html"

echo "valgrind: $passed passed, $failed failed, $skipped skipped"
[ $failed -eq 0 ]
