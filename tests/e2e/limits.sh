#!/bin/sh
# Limits: inputs far beyond a real scan, each either handled in bounded memory
# or refused with exit 2 and one clear line, never a crash.
#  - a Trivy report of about 3 GB (bench/gen_trivy.c, 1,000,000
#    vulnerabilities), normalized through the streaming reader: completes,
#    the output is a whole canonical report, peak RSS under a third of the
#    input and under 1.5 times the canonical report written;
#  - a 100 MB title: normalized (or refused) with peak RSS under 10 times
#    the string;
#  - a canonical report of 1,000,000 findings: normalize, diff against
#    itself and status, each under 1 KB of peak RSS per finding;
#  - JSON nested 100,000 deep as a report, a ledger and a VEX document
#    through normalize, diff, status, update, ack, ack --from and vex:
#    exit 2 and one line naming the file.
# Every figure is printed (seconds, peak RSS from /usr/bin/time, Debian
# package `time`). Under the ASan build (CVETRAIL in build-asan/) the big
# report is 100,000 vulnerabilities (about 300 MB): ASan's slowdown makes 3 GB
# take minutes; and the memory bounds are 3 times wider: ASan's shadow memory
# and its quarantine of freed memory count in the peak RSS. The rest is the
# same.
# LIMITS_BIG_VULNS overrides the size; temporary files go under $TMPDIR.
set -u
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
CVETRAIL=${CVETRAIL:-$ROOT/build/cvetrail}
case $CVETRAIL in /*) ;; *) CVETRAIL=$(pwd)/$CVETRAIL ;; esac
T=$(mktemp -d "${TMPDIR:-/tmp}/cvetrail-limits.XXXXXX") || exit 2
trap 'rm -rf "$T"' EXIT
trap 'exit 130' HUP INT TERM
cd "$T" || exit 2
export SOURCE_DATE_EPOCH=1780000000 GIT_AUTHOR_NAME="Limits Tester"
passed=0 failed=0
ok() { passed=$((passed + 1)); }
fail() { failed=$((failed + 1)); echo "FAIL: $*"; }

if [ ! -x /usr/bin/time ]; then
	fail "/usr/bin/time is needed to measure peak memory (Debian: apt-get install time)"
	echo "limits: $passed passed, $failed failed"
	exit 1
fi

# measure LABEL COMMAND...: runs the command with its stdout in $T/out and its
# stderr in $T/err; sets rc, secs and rss_mb, and prints them.
measure() {
	label=$1
	shift
	/usr/bin/time -f '%e %M' -o "$T/time" "$@" >"$T/out" 2>"$T/err"
	rc=$?
	set -- $(tail -n 1 "$T/time")
	secs=$1 rss_mb=$(($2 / 1024))
	echo "  $label: ${secs}s, peak RSS ${rss_mb} MB, exit $rc"
}

# refused LABEL FILE COMMAND...: the command must exit 2 with one line on
# stderr naming FILE.
refused() {
	label=$1 file=$2
	shift 2
	"$@" >/dev/null 2>"$T/err"
	rc=$?
	if [ $rc -eq 2 ] && [ "$(wc -l <"$T/err")" -eq 1 ] && grep -q "^cvetrail: $file" "$T/err"; then
		ok
	else
		fail "$label: exit $rc, stderr: $(head -c 300 "$T/err")"
	fi
}

# findings_consistent REPORT: the number of findings equals the sum of the
# summary's counts (a torn or cut report would not agree with its header).
findings_consistent() {
	keys=$(grep -c '^      "key": ' "$1")
	total=$(sed -n '/^  "summary": {/,/^  }/p' "$1" | grep -oE '[0-9]+' | awk '{ s += $1 } END { print s + 0 }')
	[ "$keys" -gt 0 ] && [ "$keys" -eq "$total" ] && [ "$(tail -c 4 "$1")" = ']
}' ]
}

# RSS_FACTOR: what the instrumented build's own memory (shadow memory, the
# quarantine of freed blocks: 256 MB by default) multiplies peaks by.
case $CVETRAIL in
*build-asan*)
	BIG=${LIMITS_BIG_VULNS:-100000}
	RSS_FACTOR=3
	echo "note: ASan build: the big report is $BIG vulnerabilities instead of 1,000,000, and memory bounds are 3 times wider (ASan's shadow memory, quarantine and slowdown)"
	;;
*)
	BIG=${LIMITS_BIG_VULNS:-1000000}
	RSS_FACTOR=1
	;;
esac

# ---- a report of several GB, streamed
${CC:-cc} -std=c17 -D_GNU_SOURCE -O2 -o gen "$ROOT/bench/gen_trivy.c" && ok || fail "building bench/gen_trivy.c"
./gen -n "$BIG" -s 1 >big.json && ok || fail "generating the big report"
size_mb=$(($(wc -c <big.json) / 1048576))
echo "big report: $BIG vulnerabilities, $size_mb MB"
measure "normalize ($size_mb MB)" "$CVETRAIL" normalize big.json -o big-out.json
[ $rc -eq 0 ] && ok || fail "normalize of the big report: exit $rc: $(head -c 300 "$T/err")"
[ $((rss_mb * 3)) -lt $((size_mb * RSS_FACTOR)) ] && ok ||
	fail "normalize of $size_mb MB took $rss_mb MB, not under a third of the input"
rm -f big.json
# What the report keeps is about its canonical text (man page, LIMITS).
out_mb=$(($(wc -c <big-out.json) / 1048576))
[ $((rss_mb * 2)) -lt $((out_mb * 3 * RSS_FACTOR)) ] && ok ||
	fail "normalize of $size_mb MB took $rss_mb MB, more than 1.5 times the $out_mb MB report written"
findings_consistent big-out.json && ok || fail "the normalized big report is not whole"
measure "normalize its output again" "$CVETRAIL" normalize big-out.json -o big-again.json
[ $rc -eq 0 ] && cmp -s big-out.json big-again.json && ok ||
	fail "the normalized big report does not normalize to itself (exit $rc)"
rm -f big-out.json big-again.json

# ---- a 100 MB string
STRING_MB=100
{
	printf '{"SchemaVersion": 2, "ArtifactName": "img:1", "Results": [{"Target": "img:1 (debian 12.2)", "Class": "os-pkgs", "Type": "debian", "Vulnerabilities": [{"VulnerabilityID": "CVE-2026-1", "PkgName": "p", "InstalledVersion": "1", "Severity": "HIGH", "Title": "'
	head -c $((STRING_MB * 1048576)) /dev/zero | tr '\0' 'a'
	printf '"}]}]}\n'
} >string.json
measure "normalize (a ${STRING_MB} MB title)" "$CVETRAIL" normalize string.json -o string-out.json
if [ $rc -eq 0 ]; then
	[ "$(wc -c <string-out.json)" -gt $((STRING_MB * 1048576)) ] && ok ||
		fail "the ${STRING_MB} MB title is not in the output"
elif [ $rc -eq 2 ] && [ "$(wc -l <"$T/err")" -eq 1 ]; then
	ok
else
	fail "a ${STRING_MB} MB title: exit $rc: $(head -c 300 "$T/err")"
fi
[ "$rss_mb" -lt $((STRING_MB * 10 * RSS_FACTOR)) ] && ok || fail "a ${STRING_MB} MB title took $rss_mb MB"
measure "diff (a ${STRING_MB} MB title)" "$CVETRAIL" diff string.json string.json
[ $rc -eq 0 ] && grep -q '0 added, 0 removed, 0 changed' "$T/out" && ok ||
	fail "diff of the ${STRING_MB} MB title with itself: exit $rc: $(head -c 300 "$T/err")"
[ "$rss_mb" -lt $((STRING_MB * 10 * RSS_FACTOR)) ] && ok || fail "diff of a ${STRING_MB} MB title took $rss_mb MB"
rm -f string.json string-out.json

# ---- a million findings
MILLION=1000000
awk -v n=$MILLION 'BEGIN {
	printf "{\"SchemaVersion\": 2, \"ArtifactName\": \"img:1\", \"Results\": [{\"Target\": \"img:1 (debian 12.2)\", \"Class\": \"os-pkgs\", \"Type\": \"debian\", \"Vulnerabilities\": [\n"
	for (i = 1; i <= n; i++)
		printf "%s{\"VulnerabilityID\": \"CVE-2026-%d\", \"PkgName\": \"pkg%d\", \"InstalledVersion\": \"1.%d\", \"Severity\": \"%s\", \"Title\": \"title %d\"}\n", (i > 1 ? "," : ""), i, i % 1000, i % 7, (i % 3 ? "LOW" : "HIGH"), i
	print "]}]}"
}' >million.json
bound_mb=$((MILLION / 1024 * RSS_FACTOR))
measure "normalize (1,000,000 findings)" "$CVETRAIL" normalize million.json -o million-report.json
[ $rc -eq 0 ] && findings_consistent million-report.json &&
	[ "$(grep -c '^      "key": ' million-report.json)" -eq $MILLION ] && ok ||
	fail "normalize of a million findings: exit $rc: $(head -c 300 "$T/err")"
[ "$rss_mb" -lt $bound_mb ] && ok || fail "normalize of a million findings took $rss_mb MB"
rm -f million.json
measure "diff (1,000,000 findings, against itself)" "$CVETRAIL" diff million-report.json million-report.json
[ $rc -eq 0 ] && grep -q '0 added, 0 removed, 0 changed' "$T/out" && ok ||
	fail "diff of a million findings: exit $rc: $(head -c 300 "$T/err")"
[ "$rss_mb" -lt $bound_mb ] && ok || fail "diff of a million findings took $rss_mb MB"
measure "status (1,000,000 findings)" "$CVETRAIL" status --triage none.json million-report.json
[ $rc -eq 0 ] && grep -q 'Untriaged (1000000)' "$T/out" && ok ||
	fail "status of a million findings: exit $rc: $(head -c 300 "$T/err")"
[ "$rss_mb" -lt $bound_mb ] && ok || fail "status of a million findings took $rss_mb MB"
rm -f million-report.json

# ---- nesting 100,000 deep
DEPTH=100000
awk -v n=$DEPTH 'BEGIN { for (i = 0; i < n; i++) printf "["; for (i = 0; i < n; i++) printf "]"; print "" }' >deep-array.json
awk -v n=$DEPTH 'BEGIN { for (i = 0; i < n; i++) printf "{\"a\": "; printf "1"; for (i = 0; i < n; i++) printf "}"; print "" }' >deep-object.json
awk -v n=$DEPTH 'BEGIN {
	printf "{\"SchemaVersion\": 2, \"Results\": [{\"Target\": \"x\", \"Vulnerabilities\": [{\"VulnerabilityID\": \"CVE-2026-1\", \"PkgName\": \"p\", \"Title\": "
	for (i = 0; i < n; i++) printf "["; for (i = 0; i < n; i++) printf "]"; print "}]}]}"
}' >deep-title.json
awk -v n=$DEPTH 'BEGIN {
	printf "{\"schema\": \"cvetrail/triage/1\", \"decisions\": [{\"id\": \"CVE-2026-1\", \"status\": \"affected\", \"reason\": "
	for (i = 0; i < n; i++) printf "["; for (i = 0; i < n; i++) printf "]"; print "}]}"
}' >deep-ledger.json
awk -v n=$DEPTH 'BEGIN {
	printf "{\"@context\": \"https://openvex.dev/ns/v0.2.0\", \"@id\": \"x\", \"author\": \"a\", \"timestamp\": \"2026-01-01T00:00:00Z\", \"version\": 1, \"statements\": [{\"status\": \"affected\", \"products\": [], \"vulnerability\": "
	for (i = 0; i < n; i++) printf "["; for (i = 0; i < n; i++) printf "]"; print "}]}"
}' >deep-vex.json
cp "$ROOT/tests/fixtures/trivy-schema2.json" scan.json
"$CVETRAIL" normalize scan.json -o report.json && ok || fail "normalizing a small scan"
for f in deep-array.json deep-object.json deep-title.json; do
	refused "normalize $f" "$f" "$CVETRAIL" normalize "$f"
	refused "normalize < $f" "<stdin>" sh -c '"$1" normalize <"$2"' sh "$CVETRAIL" "$f"
	refused "diff $f (old)" "$f" "$CVETRAIL" diff "$f" report.json
	refused "diff $f (new)" "$f" "$CVETRAIL" diff report.json "$f"
	refused "status $f" "$f" "$CVETRAIL" status --triage none.json "$f"
	refused "update $f" "$f" "$CVETRAIL" update "$f" --report updated.json
	[ ! -e updated.json ] && ok || fail "update $f wrote a report"
	refused "vex $f" "$f" "$CVETRAIL" vex --triage none.json "$f"
	refused "ack --from $f" "$f" "$CVETRAIL" ack --from "$f" --triage imported.json
done
for f in deep-array.json deep-object.json deep-ledger.json; do
	refused "status --triage $f" "$f" "$CVETRAIL" status --triage "$f" report.json
	refused "diff --triage $f" "$f" "$CVETRAIL" diff --triage "$f" report.json report.json
	refused "ack --triage $f" "$f" "$CVETRAIL" ack CVE-2026-1 --reason r --report report.json --triage "$f"
	refused "vex --triage $f" "$f" "$CVETRAIL" vex --triage "$f" report.json
	refused "update --triage $f" "$f" "$CVETRAIL" update scan.json --report updated.json --triage "$f"
done
refused "ack --from deep-vex.json" deep-vex.json "$CVETRAIL" ack --from deep-vex.json --triage imported.json
[ ! -e imported.json ] && ok || fail "a refused import wrote a ledger"

echo "limits: $passed passed, $failed failed"
[ $failed -eq 0 ]
