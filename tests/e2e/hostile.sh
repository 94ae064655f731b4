#!/bin/sh
# Hostile content end to end: a report whose titles, package names, versions,
# ids and image name carry Markdown, HTML, javascript: links, terminal escape
# sequences, bidi overrides, newlines and table pipes (the case of
# tests/golden/diff-markdown-hostile) goes through `update` into the PR
# summary, through `status` and `diff` to the terminal and through
# `normalize --format sarif`; each output is checked for what must never get
# through, whatever its exact text (the goldens hold that). Also: image
# references that look like options are refused; paths the user gives with
# `../` are used as given; no file is ever named after untrusted text.
set -u
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
CVETRAIL=${CVETRAIL:-$ROOT/build/cvetrail}
case $CVETRAIL in /*) ;; *) CVETRAIL=$(pwd)/$CVETRAIL ;; esac
HOSTILE=$ROOT/tests/golden/diff-markdown-hostile
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
export SOURCE_DATE_EPOCH=1780000000 GIT_AUTHOR_NAME="Hostile Tester" LC_ALL=C
unset GITHUB_OUTPUT NO_COLOR 2>/dev/null || true
passed=0 failed=0
ok() { passed=$((passed + 1)); }
fail() { failed=$((failed + 1)); echo "FAIL: $*"; }

ESC=$(printf '\033') BEL=$(printf '\007') CR=$(printf '\r')
RLO=$(printf '\342\200\256') # U+202E RIGHT-TO-LEFT OVERRIDE

# no_controls FILE WHAT [json]: no control character but newline (and tab),
# and, where the text is shown as is (not JSON, where a viewer decodes
# it), no bidi override.
no_controls() {
	if tr -d '\n\t' <"$1" | grep -q '[[:cntrl:]]'; then
		fail "$2: a control character got through: $(tr -d '\n\t' <"$1" | grep -o '.[[:cntrl:]].' | od -c | head -n 2)"
	elif [ "${3:-}" != json ] && grep -q "$RLO" "$1"; then
		fail "$2: a bidi override got through"
	else
		ok
	fi
}

mkdir -p "$T/repo/work" && cd "$T/repo/work" || exit 2
cp "$HOSTILE/old.json" cvetrail-report.json
cp "$HOSTILE/new.json" scan.json
find "$T" | sort >"$T/files.before"

# ---- the PR summary (Markdown)
"$CVETRAIL" update --summary summary.md scan.json >"$T/update.out" 2>"$T/err"
[ $? -eq 0 ] && ok || fail "update of the hostile report: $(cat "$T/err")"
no_controls summary.md "summary"
no_controls "$T/update.out" "update's terminal summary"
grep -Eq '(^|[^\\])<[a-zA-Z/!?]' summary.md && fail "raw HTML in the summary: $(grep -Eo '(^|[^\\])<[a-zA-Z/!?][^ ]*' summary.md | head -n 3)" || ok
grep -q '](javascript:' summary.md && fail "a javascript: link in the summary" || ok
grep -qi '](http://evil' summary.md && fail "a link made from a title in the summary" || ok
grep -q '@everyone\|@octocat' summary.md && fail "a mention in the summary" || ok
# Every row of a table has as many cells as the table's header: a pipe or a
# newline in a title cannot add a cell or a row.
awk '
	/^\|/ {
		line = $0
		gsub(/\\\\/, "", line)  # an escaped backslash
		gsub(/\\\|/, "", line)  # an escaped pipe is cell text
		n = gsub(/\|/, "|", line)
		if (!in_table) { want = n; in_table = 1 } else if (n != want) { print NR ": " $0; bad = 1 }
		next
	}
	{ in_table = 0 }
	END { exit bad }' summary.md >"$T/rows" && ok || fail "a table row with the wrong number of cells: $(head -n 2 "$T/rows")"
[ "$(grep -c '^| \[\?CVE-2026-200[1-7]' summary.md)" -eq 7 ] && ok ||
	fail "the summary does not list the 7 new findings one row each"
grep -q '^```sh$' summary.md && ! grep -q "ack 'CVE-2026-2007'\$(touch" summary.md && ok ||
	fail "a shell command made of a hostile id is not quoted"

# ---- the terminal
"$CVETRAIL" status --triage none.json cvetrail-report.json >"$T/status.out" 2>"$T/err"
[ $? -le 1 ] && ok || fail "status: $(cat "$T/err")"
no_controls "$T/status.out" "status"
[ "$(grep -c '^  CVE-2026-200[1-7]' "$T/status.out")" -eq 7 ] && ok ||
	fail "status: a title's newline started a line of its own"
"$CVETRAIL" diff --triage none.json "$HOSTILE/old.json" scan.json >"$T/diff.out" 2>"$T/err"
[ $? -le 1 ] && ok || fail "diff: $(cat "$T/err")"
no_controls "$T/diff.out" "diff"
grep -q '^ *| injected | row |' "$T/diff.out" && fail "diff: a title's newline started a line" || ok

# ---- SARIF
"$CVETRAIL" normalize --format sarif --triage none.json scan.json >"$T/sarif.json" 2>"$T/err"
[ $? -eq 0 ] && ok || fail "normalize --format sarif: $(cat "$T/err")"
no_controls "$T/sarif.json" "SARIF" json
if command -v jq >/dev/null 2>&1; then
	jq -e . "$T/sarif.json" >/dev/null && ok || fail "SARIF is not valid JSON"
	jq -r '.. | .helpUri? // empty' "$T/sarif.json" | grep -v '^https\?://' >"$T/bad-uri" &&
		fail "SARIF links to $(head -n 1 "$T/bad-uri")" || ok
	[ "$(jq -r '[.. | .text? // empty | select(test("\u001b"))] | length' "$T/sarif.json")" -ge 1 ] && ok ||
		fail "SARIF: the escape sequence is not kept as JSON-escaped text"
else
	fail "jq is needed to check SARIF (Debian: apt-get install jq)"
fi

# ---- no file named after untrusted text: the only new files are the summary
# written and the report replaced (the artifact is "<img src=x ...> @everyone",
# an id holds "$(touch pwned)", a purl ";rm").
find "$T" | sort >"$T/files.after"
comm -13 "$T/files.before" "$T/files.after" | grep -v "^$T/\(files\.\|update\.out\|err\|status\.out\|diff\.out\|sarif\.json\|rows\|bad-uri\)" >"$T/new-files"
[ "$(cat "$T/new-files")" = "$T/repo/work/summary.md" ] && ok ||
	fail "files appeared: $(tr '\n' ' ' <"$T/new-files")"
[ ! -e pwned ] && [ ! -e "$T/pwned" ] && ok || fail "a command in a hostile id ran"

# ---- image references that look like options are refused before any scanner runs
for ref in -rf --config=/etc/passwd -; do
	"$CVETRAIL" update --image "$ref" --report refused.json >/dev/null 2>"$T/err"
	rc=$?
	[ $rc -eq 2 ] && [ ! -e refused.json ] && ok || fail "update --image '$ref': exit $rc: $(cat "$T/err")"
	"$CVETRAIL" update --image="$ref" --report refused.json >/dev/null 2>"$T/err"
	rc=$?
	[ $rc -eq 2 ] && [ ! -e refused.json ] && ok || fail "update --image='$ref': exit $rc: $(cat "$T/err")"
	"$CVETRAIL" scan -o refused.json -- "$ref" >/dev/null 2>"$T/err"
	rc=$?
	[ $rc -eq 2 ] && [ ! -e refused.json ] && ok || fail "scan -- '$ref': exit $rc: $(cat "$T/err")"
done

# ---- invisible characters: a zero-width space, a right-to-left mark, a word
# joiner, a byte order mark and a line separator in an id's title never reach
# the terminal (they make two different texts look the same, or break lines)
ZWSP=$(printf '\342\200\213') RLM=$(printf '\342\200\217') WJ=$(printf '\342\201\240')
BOM=$(printf '\357\273\277') LSEP=$(printf '\342\200\250')
printf '{"schema": "cvetrail/report/1", "artifact": {"name": "img", "type": "container_image"}, "scanner": {"name": "trivy"}, "findings": [{"key": "CVE-2026-9001 pkg:deb/debian/zlib1g", "id": "CVE-2026-9001", "package": {"name": "zlib1g", "purl": "pkg:deb/debian/zlib1g"}, "severity": "HIGH", "title": "a%sb%sc%sd%se%sf"}]}\n' \
	"$ZWSP" "$RLM" "$WJ" "$BOM" "$LSEP" >"$T/invisible.json"
"$CVETRAIL" status --triage none.json "$T/invisible.json" >"$T/invisible.out" 2>"$T/err"
[ $? -le 1 ] && grep -q 'a?b?c?d?e?f' "$T/invisible.out" && ok ||
	fail "status: invisible characters not replaced: $(od -c "$T/invisible.out" | head -n 4)"
for ch in "$ZWSP" "$RLM" "$WJ" "$BOM" "$LSEP"; do
	grep -q "$ch" "$T/invisible.out" && fail "status: an invisible character got through" || ok
done

# ---- paths the user gives are used as given, ../ included
mkdir -p "$T/repo/out"
"$CVETRAIL" normalize scan.json -o ../out/normalized.json && [ -s "$T/repo/out/normalized.json" ] && ok ||
	fail "normalize -o ../out/normalized.json"
"$CVETRAIL" update scan.json --report ../out/report.json --summary ../out/summary.md --triage ../out/triage.json >/dev/null &&
	[ -s "$T/repo/out/report.json" ] && [ -s "$T/repo/out/summary.md" ] && ok ||
	fail "update --report ../out/report.json --summary ../out/summary.md"
"$CVETRAIL" ack CVE-2026-2001 --reason "../ path" --report ../out/report.json --triage ../out/triage.json >/dev/null &&
	grep -q '"CVE-2026-2001"' "$T/repo/out/triage.json" && ok || fail "ack --triage ../out/triage.json"
"$CVETRAIL" vex --triage ../out/triage.json -o ../out/vex.json ../out/report.json &&
	[ -s "$T/repo/out/vex.json" ] && ok || fail "vex -o ../out/vex.json"

echo "hostile-e2e: $passed passed, $failed failed"
[ $failed -eq 0 ]
