#!/bin/sh
# End-to-end tests of `cvetrail update` (and `diff`): a week of daily updates
# committed one after another in a real temporary git repository, the GitHub
# outputs checked line by line each day, an unchanged report left byte-identical,
# broken scans refused without touching anything, and scenarios on the real
# shared Trivy fixtures (base-image bump, scanner upgrade, blind scan).
set -u
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
CVETRAIL=${CVETRAIL:-$ROOT/build/cvetrail}
SHARED=${SHARED:-$ROOT/../shared}
SCANS=$ROOT/examples/demo/scans
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
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

unset GIT_DIR GIT_WORK_TREE GIT_INDEX_FILE NO_COLOR 2>/dev/null || true
export GIT_CONFIG_NOSYSTEM=1 HOME="$T" LC_ALL=C

REPO=$T/repo
OUT=$T/github_output
mkdir "$REPO"
cd "$REPO" || exit 2
git init -q .
git config user.name "Test Bot"
git config user.email bot@example.com
git config commit.gpgsign false

# Runs `cvetrail update` with a fresh GITHUB_OUTPUT; the exit code is in $rc.
update() {
	: >"$OUT"
	GITHUB_OUTPUT=$OUT "$CVETRAIL" update --summary "$T/summary.md" "$@" >"$T/stdout" 2>"$T/stderr"
	rc=$?
}

# expect_outputs REVIEW LABELS ADDED REMOVED CHANGED: the exact lines appended to GITHUB_OUTPUT.
expect_outputs() {
	printf 'review=%s\nlabels=%s\nadded=%s\nremoved=%s\nchanged=%s\n' "$@" >"$T/want"
	if cmp -s "$T/want" "$OUT"; then
		ok
	else
		fail "$DAY: GITHUB_OUTPUT differs"
		diff "$T/want" "$OUT" | sed 's/^/    /'
		sed 's/^/    stderr: /' "$T/stderr"
	fi
}

commit() {
	git add -A && git commit -q -m "$1" --date="$2" >/dev/null
}

day() { # day N DATE EPOCH
	DAY="day $1"
	export SOURCE_DATE_EPOCH=$3 GIT_COMMITTER_DATE="$2T06:00:00Z"
	DATE=$2
}

# Day 1: no report yet, every finding is new.
day 1 2026-03-02 1772431200
update "$SCANS/day1.json"
check "$DAY: exit 0" [ "$rc" = 0 ]
expect_outputs true "new CVE" 7 0 0
check "$DAY: report written" [ -s cvetrail-report.json ]
check "$DAY: summary says new" grep -q '^\*\*Needs review:\*\* new CVE$' "$T/summary.md"
check "$DAY: stdout summary" grep -q '^review needed: new CVE$' "$T/stdout"
cp cvetrail-report.json "$T/day1-report.json"
rm cvetrail-report.json
GITHUB_OUTPUT=$OUT "$CVETRAIL" update --exit-code "$SCANS/day1.json" >/dev/null 2>&1
check "$DAY: --exit-code gives 1 when review is needed" [ $? = 1 ]
check "$DAY: same report again" cmp -s cvetrail-report.json "$T/day1-report.json"
commit "day 1" "$DATE"

# Day 2: base-image update (new tag, Debian point release, purl qualifiers, layers, order).
day 2 2026-03-03 1772517600
update --exit-code "$SCANS/day2.json"
check "$DAY: exit 0 with --exit-code" [ "$rc" = 0 ]
expect_outputs false "" 0 0 4
check "$DAY: nothing needs review" grep -q '^\*\*Nothing needs review.\*\*' "$T/summary.md"
commit "day 2" "$DATE"

# The same scan again: the report must stay byte-identical and git must see no change.
update "$SCANS/day2.json"
expect_outputs false "" 0 0 0
git show HEAD:cvetrail-report.json >"$T/committed.json"
check "$DAY rerun: report byte-identical" cmp -s cvetrail-report.json "$T/committed.json"
check "$DAY rerun: git sees no change" [ -z "$(git status --porcelain)" ]
check "$DAY rerun: says unchanged" grep -q '^cvetrail-report.json unchanged$' "$T/stdout"

# Day 3: one new CVE.
day 3 2026-03-04 1772604000
update --exit-code "$SCANS/day3.json"
check "$DAY: exit 1 with --exit-code" [ "$rc" = 1 ]
expect_outputs true "new CVE" 1 0 0
check "$DAY: ack command in the summary" \
	grep -qx "cvetrail ack CVE-2026-41005 --package pkg:deb/debian/libexpat1 --reason '...'" "$T/summary.md"
"$CVETRAIL" ack CVE-2026-41005 --package pkg:deb/debian/libexpat1 \
	--justification vulnerable_code_not_in_execute_path --reason "never parses untrusted XML" \
	--expires 2026-06-30 >/dev/null 2>"$T/stderr"
check "$DAY: ack recorded" [ -s .cvetrail/triage.json ]
# The PR re-checked with the decision: from the previous report, nothing needs review.
git show HEAD:cvetrail-report.json >cvetrail-report.json
update --exit-code "$SCANS/day3.json"
check "$DAY with decision: exit 0" [ "$rc" = 0 ]
expect_outputs false "" 1 0 0
check "$DAY with decision: listed as triaged" \
	grep -q '^### New findings covered by a triage decision (1)$' "$T/summary.md"
commit "day 3" "$DATE"

# Day 4: the same image scanned again (new scan time, report id, dates, order): no change at all.
day 4 2026-03-05 1772690400
update "$SCANS/day4.json"
expect_outputs false "" 0 0 0
check "$DAY: report untouched" [ -z "$(git status --porcelain)" ]

# Day 5: a fix.
day 5 2026-03-06 1772776800
update --exit-code "$SCANS/day5.json"
check "$DAY: exit 0" [ "$rc" = 0 ]
expect_outputs false "" 0 2 0
check "$DAY: fixed listed" grep -q '^### Fixed (2)$' "$T/summary.md"
commit "day 5" "$DATE"

# Day 6: the triaged finding is re-rated above the decided severity.
day 6 2026-03-07 1772863200
update "$SCANS/day6.json"
expect_outputs true "severity changed" 0 0 1
# ... and once the decision has expired too (2026-07-01), both labels, in order.
SOURCE_DATE_EPOCH=1782885600 update "$SCANS/day6.json"
git checkout -q -- cvetrail-report.json
SOURCE_DATE_EPOCH=1782885600 update "$SCANS/day6.json"
expect_outputs true "severity changed,triage expired" 0 0 1
check "$DAY expired: section" grep -q '^### Triage expired (1)$' "$T/summary.md"
git checkout -q -- cvetrail-report.json

# Day 7: a blind scan (OS family none) must not merge as "everything fixed".
day 7 2026-03-08 1772949600
update "$SCANS/day7.json"
expect_outputs true "scan incomplete" 0 5 0
git checkout -q -- cvetrail-report.json

# Configured labels and policy.
mkdir -p .cvetrail
printf '[label]\nseverity = re-rated\n[review]\nexpired = false\n' >.cvetrail/config
update "$SCANS/day6.json"
expect_outputs true "re-rated" 0 0 1
git checkout -q -- cvetrail-report.json
printf '# no review for severity changes\nreview.severity = false\n' >"$T/config"
update --config "$T/config" "$SCANS/day6.json"
expect_outputs false "" 0 0 1
git checkout -q -- cvetrail-report.json
update --min-severity critical "$SCANS/day3.json" --triage "$T/no-ledger.json"
expect_outputs false "" 2 0 0
git checkout -q -- cvetrail-report.json
printf 'label.new = a,b\n' >"$T/bad-config"
update --config "$T/bad-config" "$SCANS/day6.json"
check "bad config: exit 2" [ "$rc" = 2 ]
check "bad config: message names the file and line" grep -q "bad-config:1:1: label.new" "$T/stderr"
rm .cvetrail/config

# Broken scans: exit 2, and the report, the summary and GITHUB_OUTPUT are untouched.
printf 'previous summary\n' >"$T/summary.md"
printf 'earlier=1\n' >"$OUT"
cp cvetrail-report.json "$T/report.before"
head -c 3000 "$SCANS/day3.json" >"$T/truncated.json"
printf '' >"$T/empty.json"
printf '{"SchemaVersion": 2, "Results": [' >"$T/cut.json"
printf '{"hello": "world"}\n' >"$T/other.json"
printf 'null garbage' >"$T/garbage.json"
for bad in truncated empty cut other garbage missing; do
	GITHUB_OUTPUT=$OUT "$CVETRAIL" update --summary "$T/summary.md" "$T/$bad.json" \
		>"$T/stdout" 2>"$T/stderr"
	rc=$?
	check "$bad scan: exit 2" [ "$rc" = 2 ]
	check "$bad scan: one line on stderr naming the file" \
		sh -c '[ "$(wc -l <"$1")" = 1 ] && grep -q "$2" "$1"' - "$T/stderr" "$bad.json"
	check "$bad scan: report untouched" cmp -s cvetrail-report.json "$T/report.before"
	check "$bad scan: summary untouched" grep -qx 'previous summary' "$T/summary.md"
	check "$bad scan: GITHUB_OUTPUT untouched" grep -qx 'earlier=1' "$OUT"
	check "$bad scan: GITHUB_OUTPUT untouched" [ "$(wc -l <"$OUT")" = 1 ]
done
GITHUB_OUTPUT=$OUT "$CVETRAIL" update --summary "$T/summary.md" "$T/truncated.json" 2>"$T/stderr" >/dev/null
check "truncated scan: byte offset given" grep -q 'truncated.json:[0-9]*:[0-9]*: .*(byte [0-9]*)' "$T/stderr"
GITHUB_OUTPUT=$OUT "$CVETRAIL" update --image -rf --summary "$T/summary.md" >/dev/null 2>"$T/stderr"
check "image starting with '-': exit 2" [ $? = 2 ]
check "image starting with '-': refused" grep -q "refusing image reference '-rf'" "$T/stderr"
check "image starting with '-': nothing touched" cmp -s cvetrail-report.json "$T/report.before"
check "image starting with '-': GITHUB_OUTPUT untouched" grep -qx 'earlier=1' "$OUT"
mkdir "$T/outdir"
GITHUB_OUTPUT=$T/outdir "$CVETRAIL" update --summary "$T/summary.md" "$SCANS/day3.json" \
	>/dev/null 2>"$T/stderr"
check "unwritable GITHUB_OUTPUT: exit 2" [ $? = 2 ]
check "unwritable GITHUB_OUTPUT: report untouched" cmp -s cvetrail-report.json "$T/report.before"
check "unwritable GITHUB_OUTPUT: summary untouched" grep -qx 'previous summary' "$T/summary.md"
"$CVETRAIL" update >/dev/null 2>&1
check "no input: exit 2" [ $? = 2 ]
"$CVETRAIL" update "$SCANS/day1.json" "$SCANS/day2.json" >/dev/null 2>&1
check "two inputs: exit 2" [ $? = 2 ]
check "nothing touched by usage errors" cmp -s cvetrail-report.json "$T/report.before"

# Another report path and a summary in a folder that does not exist yet.
update --report images/api.json --triage "$T/no-ledger.json" "$SCANS/day2.json"
check "--report: written" [ -s images/api.json ]
: >"$OUT"
GITHUB_OUTPUT=$OUT "$CVETRAIL" update --report images/api.json --triage "$T/no-ledger.json" \
	--summary "$T/new/dir/pr.md" "$SCANS/day3.json" >/dev/null
check "--summary: folder created" [ -s "$T/new/dir/pr.md" ]
check "--report, --triage: the ack command names them" grep -qx \
	"cvetrail ack CVE-2026-41005 --package pkg:deb/debian/libexpat1 --reason '...' --report images/api.json --triage $T/no-ledger.json" \
	"$T/new/dir/pr.md"
rm -rf images

# diff speaks the same language.
"$CVETRAIL" diff --json --exit-code --triage "$T/no-ledger.json" "$SCANS/day2.json" \
	"$SCANS/day3.json" >"$T/diff.json"
check "diff --exit-code: 1" [ $? = 1 ]
"$CVETRAIL" diff --exit-code "$SCANS/day2.json" "$SCANS/day3.json" >/dev/null
check "diff with the ledger: triaged, 0" [ $? = 0 ]
check "diff --json: added key" grep -q '"key": "CVE-2026-41005 pkg:deb/debian/libexpat1"' "$T/diff.json"
"$CVETRAIL" diff --exit-code "$SCANS/day1.json" "$SCANS/day2.json" >"$T/diff.txt"
check "diff: base-image update needs nothing" [ $? = 0 ]
check "diff text: no review" grep -qx 'No review needed.' "$T/diff.txt"
"$CVETRAIL" diff --json "$SCANS/day1.json" "$T/truncated.json" >"$T/diff.json" 2>"$T/stderr"
check "diff of a truncated scan: exit 2" [ $? = 2 ]
check "diff of a truncated scan: no output" [ ! -s "$T/diff.json" ]

# Scenarios on the real Trivy fixtures.
FIX=$SHARED/fixtures
if [ -d "$FIX/trivy" ]; then
	rm -f cvetrail-report.json .cvetrail/triage.json
	# A base-image bump: new tag in the Target, OS point release, installed versions, digests.
	sed -e 's#testdata/fixtures/images/alpine-39.tar.gz#registry.example.com/base/alpine:3.9.5#g' \
		-e 's/3\.9\.4/3.9.5/g' -e 's/1\.1\.1b-r1/1.1.1b-r3/g' \
		-e 's/sha256:e7c96db7/sha256:0badc0de/g' -e 's/sha256:f1b5933f/sha256:5eed5eed/g' \
		"$FIX/trivy/alpine-39.json" >"$T/alpine-39-bumped.json"
	DAY="alpine-39 bump"
	update "$FIX/trivy/alpine-39.json"
	update --exit-code "$T/alpine-39-bumped.json"
	check "$DAY: exit 0" [ "$rc" = 0 ]
	expect_outputs false "" 0 0 4
	check "$DAY: new target kept in the report" grep -q 'registry.example.com/base/alpine:3.9.5 (alpine 3.9.5)' cvetrail-report.json
	# A scanner upgrade: legacy array -> SchemaVersion 2, same vulnerabilities.
	DAY="trivy upgrade"
	rm -f cvetrail-report.json
	update "$FIX/trivy-history/alpine-39/2020-12-14.json"
	update "$FIX/trivy-history/alpine-39/2021-10-04.json"
	check "$DAY: no added, no removed" grep -q '^cvetrail: .*: 0 added, 0 removed, [0-9]* changed$' "$T/stdout"
	check "$DAY: no review" sh -c 'grep -qx "review=false" "$1" && grep -qx "added=0" "$1" && grep -qx "removed=0" "$1"' - "$OUT"
	# A blind scan of the same image (--skip-dirs /etc: OS family none, no results).
	DAY="alpine-39 skip"
	rm -f cvetrail-report.json
	update "$FIX/trivy/alpine-39.json"
	update --exit-code "$FIX/trivy/alpine-39-skip.json"
	check "$DAY: exit 1" [ "$rc" = 1 ]
	expect_outputs true "scan incomplete" 0 6 0
	check "$DAY: explained" grep -q '^### Scan incomplete$' "$T/summary.md"
else
	echo "skip: shared fixture scenarios ($FIX absent)"
fi

echo "update-e2e: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
