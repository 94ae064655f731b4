#!/bin/sh
# End-to-end tests of `cvetrail history`: a real temporary git repository
# with dated commits by different authors — findings appearing, changing
# severity, fixed and reopened, triage decisions recorded, changed and
# removed, a side branch merged (first-parent must see it as one change),
# a folder of two image reports — checked field by field with jq; then
# --since, the ID/KEY filter, the text output (no raw escape from a hostile
# title) and the errors (no repository, never committed, a corrupt commit).
set -u
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
CVETRAIL=${CVETRAIL:-$ROOT/build/cvetrail}
case $CVETRAIL in /*) ;; *) CVETRAIL=$ROOT/$CVETRAIL ;; esac
T=$(mktemp -d)
trap '[ -n "${KEEP:-}" ] || rm -rf "$T"' EXIT
passed=0 failed=0

ok() { passed=$((passed + 1)); }
fail() {
	failed=$((failed + 1))
	echo "FAIL: $*"
}
check() { # check DESCRIPTION COMMAND...
	what=$1
	shift
	if "$@"; then ok; else fail "$what"; fi
}
# expect DESCRIPTION JSONFILE JQ-FILTER WANT: the filter's compact output equals WANT.
expect() {
	got=$(jq -c "$3" "$2" 2>&1)
	if [ "$got" = "$4" ]; then ok; else fail "$1: want $4, got $got"; fi
}

if ! command -v jq >/dev/null 2>&1; then
	echo "history: jq is not installed; these tests need it"
	echo "history-e2e: 0 passed, 1 failed"
	exit 1
fi

unset GIT_DIR GIT_WORK_TREE GIT_INDEX_FILE NO_COLOR 2>/dev/null || true
export GIT_CONFIG_NOSYSTEM=1 HOME="$T" LC_ALL=C TZ=UTC
git config --global user.name "Test Bot"
git config --global user.email bot@example.com
git config --global commit.gpgsign false
git config --global init.defaultBranch main

# report FILE ENTRY... : a canonical report; ENTRY is ID|PURL|SEVERITY|TITLE|ALIAS (alias may be empty).
report() {
	file=$1
	shift
	{
		printf '{\n  "schema": "cvetrail/report/1",\n  "artifact": {"name": "shop/api:1", "type": "container_image"},\n  "findings": ['
		sep=''
		for entry in "$@"; do
			old_ifs=$IFS
			IFS='|'
			# shellcheck disable=SC2086
			set -- $entry
			IFS=$old_ifs
			aliases='[]'
			[ -n "${5:-}" ] && aliases="[\"$5\"]"
			name=${2##*/}
			printf '%s\n    {"id": "%s", "aliases": %s, "package": {"name": "%s", "purl": "%s"}, "severity": "%s", "title": "%s", "locations": [{"target": "shop/api:1", "version": "1.0"}]}' \
				"$sep" "$1" "$aliases" "$name" "$2" "$3" "$4"
			sep=','
		done
		printf '\n  ]\n}\n'
	} >"$file"
}

# commit DATE AUTHOR MESSAGE: commits everything with fixed dates and author.
commit() {
	git add -A &&
		GIT_AUTHOR_NAME=$2 GIT_AUTHOR_EMAIL=dev@example.com \
			GIT_AUTHOR_DATE="$1T12:00:00Z" GIT_COMMITTER_DATE="$1T12:00:00Z" \
			git commit -q -m "$3" &&
		git rev-parse HEAD
}

epoch() { date -u -d "$1T12:00:00Z" +%s; }

A='CVE-2026-0001|pkg:deb/debian/curl|HIGH|curl: SOCKS5 overflow|'
B_LOW='CVE-2026-0002|pkg:deb/debian/openssl|LOW|openssl: timing|GHSA-aaaa-bbbb-cccc'
B_HIGH='CVE-2026-0002|pkg:deb/debian/openssl|HIGH|openssl: timing|GHSA-aaaa-bbbb-cccc'
C='CVE-2026-0003|pkg:deb/debian/zlib1g|MEDIUM|zlib: inflate|'
ESC=$(printf '\033')
BEL=$(printf '\007')
D='CVE-2026-0004|pkg:deb/debian/libxml2|CRITICAL|\u001b]0;pwned\u0007\u001b[31mlibxml2 evil|'
E='CVE-2026-0005|pkg:deb/debian/bash|LOW|bash: glob|'
F='CVE-2026-0006|pkg:deb/debian/tar|LOW|tar: path|'

REPO=$T/repo
mkdir "$REPO"
cd "$REPO" || exit 2
git init -q .

report cvetrail-report.json "$A" "$B_LOW" "$C" "$F"
C1=$(commit 2026-01-01 Alice "day 1")

SOURCE_DATE_EPOCH=$(epoch 2026-01-03) "$CVETRAIL" ack CVE-2026-0001 --package pkg:deb/debian/curl \
	--justification vulnerable_code_not_in_execute_path --reason "no socks" \
	--author "Jane Doe" >/dev/null 2>&1 || fail "ack 1"
C2=$(commit 2026-01-03 Bob "triage curl")

report cvetrail-report.json "$A" "$B_HIGH" "$D"
SOURCE_DATE_EPOCH=$(epoch 2026-01-05) "$CVETRAIL" ack CVE-2026-0003 --reason "accepted" \
	--author "Bob Smith" >/dev/null 2>&1 || fail "ack 2"
C3=$(commit 2026-01-05 Alice "day 5")

# A side branch whose intermediate commit drops A: first-parent sees only the merge.
git checkout -q -b side
report cvetrail-report.json "$B_HIGH" "$D"
commit 2026-01-06 Eve "side: drop curl" >/dev/null
report cvetrail-report.json "$A" "$B_HIGH" "$D" "$E"
commit 2026-01-07 Eve "side: curl back, bash" >/dev/null
git checkout -q main
GIT_AUTHOR_DATE="2026-01-08T12:00:00Z" GIT_COMMITTER_DATE="2026-01-08T12:00:00Z" \
	git merge -q --no-ff -m "merge side" side >/dev/null
M=$(git rev-parse HEAD)

# A hand edit of the decision (new reason), committed by Carol.
sed 's/"no socks"/"no socks, checked again"/' .cvetrail/triage.json >"$T/l" && cp "$T/l" .cvetrail/triage.json
C5=$(commit 2026-01-10 Carol "triage: reason")

report cvetrail-report.json "$A" "$B_HIGH" "$C" "$E"
C6=$(commit 2026-01-12 Alice "day 12")

"$CVETRAIL" unack CVE-2026-0001 --package pkg:deb/debian/curl >/dev/null 2>&1 || fail "unack"
C7=$(commit 2026-01-15 Dave "triage: drop curl decision")

report cvetrail-report.json "$A" "$B_HIGH" "$C"
C8=$(commit 2026-01-20 Alice "day 20")

"$CVETRAIL" history --json >"$T/h.json" 2>"$T/err"
check "exit 0" [ $? = 0 ]
check "no stderr" [ ! -s "$T/err" ]
check "valid JSON" jq -e . "$T/h.json" >/dev/null
J=$T/h.json
f() { echo ".findings[] | select(.key == \"$1\")"; }
KA='CVE-2026-0001 pkg:deb/debian/curl'
KB='CVE-2026-0002 pkg:deb/debian/openssl'
KC='CVE-2026-0003 pkg:deb/debian/zlib1g'
KD='CVE-2026-0004 pkg:deb/debian/libxml2'
KE='CVE-2026-0005 pkg:deb/debian/bash'
KF='CVE-2026-0006 pkg:deb/debian/tar'
expect "findings sorted by key" "$J" '[.findings[].key]' "[\"$KA\",\"$KB\",\"$KC\",\"$KD\",\"$KE\",\"$KF\"]"
expect "A first seen" "$J" "$(f "$KA") | .first_seen" "{\"commit\":\"$C1\",\"date\":\"2026-01-01\"}"
expect "A never fixed (side branch's drop not seen)" "$J" "$(f "$KA") | [.fixed, .reopened]" '[null,[]]'
expect "A triage: added, changed, removed" "$J" \
	"$(f "$KA") | [.triage[] | [.commit, .date, .author, .status, .reason]]" \
	"[[\"$C2\",\"2026-01-03\",\"Jane Doe\",\"not_affected\",\"no socks\"],[\"$C5\",\"2026-01-10\",\"Jane Doe\",\"not_affected\",\"no socks, checked again\"],[\"$C7\",\"2026-01-15\",\"Dave\",\"removed\",null]]"
expect "A triage justification" "$J" "$(f "$KA") | .triage[0].justification" '"vulnerable_code_not_in_execute_path"'
expect "B severity change" "$J" "$(f "$KB") | .severity_changes" \
	"[{\"commit\":\"$C3\",\"date\":\"2026-01-05\",\"from\":\"LOW\",\"to\":\"HIGH\"}]"
expect "B latest severity and alias" "$J" "$(f "$KB") | [.severity, .aliases]" '["HIGH",["GHSA-aaaa-bbbb-cccc"]]'
expect "C reopened, fixed reset" "$J" "$(f "$KC") | [.fixed, .reopened]" \
	"[null,[{\"commit\":\"$C6\",\"date\":\"2026-01-12\"}]]"
expect "C: the earlier fix kept in fixes" "$J" "$(f "$KC") | .fixes" \
	"[{\"commit\":\"$C3\",\"date\":\"2026-01-05\"}]"
expect "D: fixes ends with fixed" "$J" "$(f "$KD") | .fixes[-1] == .fixed" 'true'

expect "C covered by the every-package decision" "$J" \
	"$(f "$KC") | [.triage[] | [.author, .status, .reason, .decision_package]]" \
	'[["Bob Smith","affected","accepted",null]]'
expect "D fixed" "$J" "$(f "$KD") | [.first_seen.date, .fixed]" \
	"[\"2026-01-05\",{\"commit\":\"$C6\",\"date\":\"2026-01-12\"}]"
expect "E appears at the merge commit" "$J" "$(f "$KE") | [.first_seen, .fixed.date]" \
	"[{\"commit\":\"$M\",\"date\":\"2026-01-08\"},\"2026-01-20\"]"
expect "F fixed on day 5" "$J" "$(f "$KF") | .fixed.commit" "\"$C3\""
expect "open over time: one point per report change" "$J" \
	'[.open_over_time[] | [.date, .CRITICAL, .HIGH, .MEDIUM, .LOW, .UNKNOWN]]' \
	'[["2026-01-01",0,1,1,2,0],["2026-01-05",1,2,0,0,0],["2026-01-08",1,2,0,1,0],["2026-01-12",0,2,1,1,0],["2026-01-20",0,2,1,0,0]]'
expect "open over time commits" "$J" '[.open_over_time[].commit]' "[\"$C1\",\"$C3\",\"$M\",\"$C6\",\"$C8\"]"
# LOW: F 4 days, E 12 days -> median 8, p90 4 + 0.9 * 8 = 11.2; CRITICAL: D 7 days.
expect "time to fix" "$J" '.time_to_fix' \
	'{"CRITICAL":{"fixed":1,"median_days":7,"p90_days":7},"HIGH":{"fixed":0,"median_days":null,"p90_days":null},"MEDIUM":{"fixed":0,"median_days":null,"p90_days":null},"LOW":{"fixed":2,"median_days":8,"p90_days":11.2},"UNKNOWN":{"fixed":0,"median_days":null,"p90_days":null}}'
expect "authors" "$J" '.authors' '[{"author":"Jane Doe","decisions":2},{"author":"Bob Smith","decisions":1}]'
expect "commits touching report or ledger" "$J" '.commits' '8'

# --since: state before the date is read, events before it are not shown.
"$CVETRAIL" history --json --since 2026-01-09 >"$T/s.json" 2>"$T/err"
check "--since exit 0" [ $? = 0 ]
J=$T/s.json
expect "--since: F (fixed before) left out" "$J" '[.findings[].key]' "[\"$KA\",\"$KB\",\"$KC\",\"$KD\",\"$KE\"]"
expect "--since: first_seen stays true" "$J" "$(f "$KA") | .first_seen.date" '"2026-01-01"'
expect "--since: older severity change hidden" "$J" "$(f "$KB") | .severity_changes" '[]'
expect "--since: triage from the date" "$J" "$(f "$KA") | [.triage[].date]" '["2026-01-10","2026-01-15"]'
expect "--since: open points from the date" "$J" '[.open_over_time[].date]' '["2026-01-12","2026-01-20"]'
expect "--since: authors from the date" "$J" '.authors' '[{"author":"Jane Doe","decisions":1}]'
expect "--since: reopen inside the window" "$J" "$(f "$KC") | .reopened | length" '1'

# The ID / alias / KEY filter.
"$CVETRAIL" history --json CVE-2026-0002 >"$T/f.json"
expect "filter by id" "$T/f.json" '[.findings[].key]' "[\"$KB\"]"
"$CVETRAIL" history --json GHSA-aaaa-bbbb-cccc >"$T/f.json"
expect "filter by alias" "$T/f.json" '[.findings[].key]' "[\"$KB\"]"
"$CVETRAIL" history --json "$KA" >"$T/f.json"
expect "filter by key" "$T/f.json" '[.findings[].key]' "[\"$KA\"]"
expect "filter keeps aggregates" "$T/f.json" '.open_over_time | length' '5'
"$CVETRAIL" history --json CVE-1999-9999 >"$T/f.json" 2>"$T/err"
check "no match: exit 0" [ $? = 0 ]
expect "no match: empty list" "$T/f.json" '.findings' '[]'
"$CVETRAIL" history CVE-1999-9999 >"$T/f.txt" 2>"$T/err"
check "no match, text: exit 0" [ $? = 0 ]
check "no match, text: note on stderr" grep -q "no finding with id, alias or key 'CVE-1999-9999'" "$T/err"

# Text output.
"$CVETRAIL" history >"$T/h.txt" 2>"$T/err"
check "text: exit 0" [ $? = 0 ]
check "text: finding header" grep -qx "$KA" "$T/h.txt"
check "text: first seen" grep -q "^  2026-01-01 first seen (${C1%"${C1#???????}"})$" "$T/h.txt"
check "text: severity change" grep -q '^  2026-01-05 severity LOW -> HIGH (' "$T/h.txt"
check "text: triage line" grep -q '^  2026-01-03 triage not_affected (vulnerable_code_not_in_execute_path) by Jane Doe: no socks (' "$T/h.txt"
check "text: removed line" grep -q '^  2026-01-15 triage removed by Dave (' "$T/h.txt"
check "text: reopened" grep -q '^  2026-01-12 reopened (' "$T/h.txt"
check "text: fixed" grep -q '^  2026-01-12 fixed (' "$T/h.txt"
check "text: fixed, then reopened" sh -c "grep -A5 '^$KC\$' '$T/h.txt' | sed -n '5,6p' | tr -d '\n' | grep -q '2026-01-05 fixed.*2026-01-12 reopened'"
check "text: no raw escape" sh -c "! grep -q '$ESC' '$T/h.txt'"
check "text: no raw bell" sh -c "! grep -q '$BEL' '$T/h.txt'"
check "text: hostile title made safe" grep -q '^  CRITICAL  ?\]0;pwned??\[31mlibxml2 evil$' "$T/h.txt"
check "text: open over time" grep -q '^  2026-01-05 (.......)  CRITICAL 1  HIGH 2  MEDIUM 0  LOW 0  UNKNOWN 0$' "$T/h.txt"
check "text: time to fix" grep -q '^  LOW      2 fixed, median 8, p90 11.2$' "$T/h.txt"
check "text: authors" grep -q '^  Jane Doe  2$' "$T/h.txt"

# From a subfolder, with ../ and absolute paths; uncommitted changes are not history.
mkdir -p sub
report cvetrail-report.json "$A"
(cd sub && "$CVETRAIL" history --json --report ../cvetrail-report.json --triage ../.cvetrail/triage.json) >"$T/sub.json" 2>"$T/err"
check "subfolder: exit 0" [ $? = 0 ]
expect "subfolder: same findings (work tree edit ignored)" "$T/sub.json" '.findings | length' '6'
expect "subfolder: ledger found" "$T/sub.json" '.authors | length' '2'
(cd sub && "$CVETRAIL" history --json --report "$REPO/cvetrail-report.json" --triage "$REPO/.cvetrail/triage.json") >"$T/abs.json" 2>&1
check "absolute paths: same output" cmp -s "$T/sub.json" "$T/abs.json"
git checkout -q cvetrail-report.json

# A corrupt report committed: exit 2, commit, path and offset named, nothing on stdout.
printf '{"schema": "cvetrail/report/1", "findings": [ , ]}\n' >cvetrail-report.json
BAD=$(commit 2026-01-21 Alice "broken")
"$CVETRAIL" history --json >"$T/out" 2>"$T/err"
check "corrupt: exit 2" [ $? = 2 ]
check "corrupt: nothing on stdout" [ ! -s "$T/out" ]
check "corrupt: commit, path and offset named" grep -q "^cvetrail: $BAD:cvetrail-report.json:1:47: expected a value (byte 46)$" "$T/err"
git reset -q --hard HEAD~1
printf '{"schema": "cvetrail/triage/1", "decisions": [}\n' >.cvetrail/triage.json
BAD=$(commit 2026-01-21 Alice "broken ledger")
"$CVETRAIL" history >"$T/out" 2>"$T/err"
check "corrupt ledger: exit 2" [ $? = 2 ]
check "corrupt ledger: nothing on stdout" [ ! -s "$T/out" ]
check "corrupt ledger: commit, path and offset named" grep -q "^cvetrail: $BAD:.cvetrail/triage.json:1:47: .*(byte 46)$" "$T/err"
git reset -q --hard HEAD~1
"$CVETRAIL" history --json >"$T/again.json" 2>"$T/err"
check "after the reset: history as before" cmp -s "$T/h.json" "$T/again.json"

# A folder of two image reports; on day 1 both files are byte-identical.
FOLDER=$T/fleet
mkdir -p "$FOLDER/reports"
cd "$FOLDER" || exit 2
git init -q .
X='CVE-2026-0100|pkg:deb/debian/openssl|HIGH|x|'
Y='CVE-2026-0101|pkg:deb/debian/curl|LOW|y|'
Z='CVE-2026-0102|pkg:deb/debian/zlib1g|MEDIUM|z|'
report reports/web.json "$X" "$Y"
report reports/api.json "$X" "$Y"
printf 'not a report\n' >reports/README.txt
F1=$(commit 2026-02-01 Alice "fleet day 1")
report reports/web.json "$X"
report reports/api.json "$X" "$Y" "$Z"
F2=$(commit 2026-02-04 Alice "fleet day 4")
"$CVETRAIL" history --json --report reports >"$T/fleet.json" 2>"$T/err"
check "folder: exit 0" [ $? = 0 ]
J=$T/fleet.json
expect "folder: findings per image" "$J" '[.findings[] | [.image, .id]]' \
	'[["api","CVE-2026-0100"],["api","CVE-2026-0101"],["api","CVE-2026-0102"],["web","CVE-2026-0100"],["web","CVE-2026-0101"]]'
expect "folder: web's curl fixed, api's not" "$J" \
	'[.findings[] | select(.id == "CVE-2026-0101") | [.image, .fixed.commit]]' \
	"[[\"api\",null],[\"web\",\"$F2\"]]"
expect "folder: open over time summed over images" "$J" \
	'[.open_over_time[] | [.HIGH, .MEDIUM, .LOW]]' '[[2,0,2],[2,1,1]]'
expect "folder: first seen" "$J" '[.findings[] | select(.id == "CVE-2026-0102") | .first_seen.commit]' "[\"$F2\"]"
git rm -q reports/web.json
F3=$(commit 2026-02-05 Alice "web retired")
"$CVETRAIL" history --json --report reports/ >"$T/fleet.json"
expect "folder: a removed image's findings are fixed" "$T/fleet.json" \
	'[.findings[] | select(.image == "web") | .fixed.commit]' "[\"$F3\",\"$F2\"]"
"$CVETRAIL" history --report reports >"$T/fleet.txt"
check "folder: text names the image" grep -q '^api: CVE-2026-0102 pkg:deb/debian/zlib1g$' "$T/fleet.txt"
# The web report comes back byte for byte as on day 1 (a blob read before).
report reports/web.json "$X" "$Y"
F4=$(commit 2026-02-06 Alice "web back")
"$CVETRAIL" history --json --report reports >"$T/fleet.json"
expect "folder: a blob seen before replays its findings" "$T/fleet.json" \
	'[.findings[] | select(.image == "web") | [.id, .fixed, [.reopened[].commit], [.fixes[].commit]]]' \
	"[[\"CVE-2026-0100\",null,[\"$F4\"],[\"$F3\"]],[\"CVE-2026-0101\",null,[\"$F4\"],[\"$F2\"]]]"
expect "folder: open points after the return" "$T/fleet.json" \
	'[.open_over_time[] | .HIGH + .MEDIUM + .LOW]' '[4,4,3,5]'

# Errors.
mkdir "$T/norepo"
cd "$T/norepo" || exit 2
report cvetrail-report.json "$A"
"$CVETRAIL" history >"$T/out" 2>"$T/err"
check "no repository: exit 2" [ $? = 2 ]
check "no repository: message" grep -q 'not in a git repository' "$T/err"
check "no repository: nothing on stdout" [ ! -s "$T/out" ]

mkdir "$T/fresh"
cd "$T/fresh" || exit 2
git init -q .
echo hello >README
commit 2026-03-01 Alice "readme" >/dev/null
report cvetrail-report.json "$A"
"$CVETRAIL" history >"$T/out" 2>"$T/err"
check "never committed: exit 2" [ $? = 2 ]
check "never committed: message" grep -q '^cvetrail: cvetrail-report.json: never committed' "$T/err"
check "never committed: nothing on stdout" [ ! -s "$T/out" ]

mkdir "$T/empty"
cd "$T/empty" && git init -q .
report cvetrail-report.json "$A"
"$CVETRAIL" history >"$T/out" 2>"$T/err"
check "no commit at all: exit 2" [ $? = 2 ]

"$CVETRAIL" history --since 2026-13-01 >"$T/out" 2>"$T/err"
check "bad --since: exit 2" [ $? = 2 ]
check "bad --since: message" grep -q 'expected a date YYYY-MM-DD' "$T/err"
"$CVETRAIL" history --help >"$T/out"
check "--help: synopsis" grep -q '^usage: cvetrail history \[--json\]' "$T/out"

echo "history-e2e: $passed passed, $failed failed"
[ "$failed" = 0 ]
