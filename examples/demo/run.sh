#!/bin/sh
# The daily loop, replayed on a week of bundled scans of one (fictional) image,
# registry.example.com/shop/api on Debian 12, in a temporary git repository.
# Each day: a branch (the pull request CI would open), `cvetrail update`, a
# commit; the PR merges itself when nothing needs a human, else it is labelled
# and waits. Prints what each PR would say.
#
#   sh examples/demo/run.sh [path/to/cvetrail]      (make demo)
#
# Needs only git and the cvetrail binary.
set -eu

CVETRAIL=${1:-build/cvetrail}
case $CVETRAIL in
/*) ;;
*) CVETRAIL=$(pwd)/$CVETRAIL ;;
esac
if [ ! -x "$CVETRAIL" ]; then
	echo "demo: $CVETRAIL is not an executable (run make first)" >&2
	exit 2
fi
SCANS=$(cd "$(dirname "$0")/scans" && pwd)
WORK=$(mktemp -d "${TMPDIR:-/tmp}/cvetrail-demo.XXXXXX")
trap 'rm -rf "$WORK"' EXIT
trap 'exit 130' INT TERM
REPO=$WORK/repo

# Nothing from the caller's git or CI environment may leak in.
unset GIT_DIR GIT_WORK_TREE GIT_INDEX_FILE GIT_AUTHOR_NAME GIT_AUTHOR_EMAIL \
	GIT_COMMITTER_NAME GIT_COMMITTER_EMAIL GITHUB_OUTPUT NO_COLOR 2>/dev/null || true
export GIT_CONFIG_NOSYSTEM=1 HOME="$WORK" LC_ALL=C TZ=UTC

mkdir "$REPO"
cd "$REPO"
git init -q .
git symbolic-ref HEAD refs/heads/main
git config user.name "Dana Reviewer"
git config user.email dana@example.com
git config commit.gpgsign false
PR=0

# Sets the clock of the day: dates written by cvetrail and git.
at() {
	export SOURCE_DATE_EPOCH="$1"
	TODAY=$2
	export GIT_AUTHOR_DATE="@$1 +0000" GIT_COMMITTER_DATE="@$1 +0000"
}

heading() {
	echo
	echo "=== Day $1 ($2): $3"
}

TODAY=

# The GitHub outputs of the last run, as CI would read them.
output() {
	sed -n "s/^$1=//p" "$WORK/outputs" | tail -n 1
}

# Runs the daily step for scans/dayN.json on a fresh branch, as the scheduled CI job would.
# Sets PR=1 when the report changed (CI opens a pull request), else PR=0.
daily() {
	n=$1
	git checkout -q -B "cvetrail/day$n" main
	: >"$WORK/outputs"
	echo "  \$ cvetrail update --summary pr-body.md scans/day$n.json"
	GITHUB_OUTPUT="$WORK/outputs" "$CVETRAIL" update --summary "$WORK/pr-body.md" \
		"$SCANS/day$n.json" >"$WORK/stdout" ||
		{ cat "$WORK/stdout"; echo "demo: cvetrail update failed" >&2; exit 1; }
	sed 's/^/  /' "$WORK/stdout"
	if [ -z "$(git status --porcelain)" ]; then
		echo "  the report did not change: no pull request today"
		git checkout -q main
		PR=0
		return 0
	fi
	git add -A
	git commit -q -m "cvetrail: daily scan $TODAY"
	echo "  GitHub outputs: review=$(output review)  labels=$(output labels)" \
		" added=$(output added)  removed=$(output removed)  changed=$(output changed)"
	echo "  pull request body (first lines):"
	grep -v '^$' "$WORK/pr-body.md" | sed -n '1,16p' | sed 's/^/  | /'
	PR=1
}

# Merges the day's pull request when nothing needs a human; else leaves it open.
merge_or_wait() {
	git checkout -q main
	if [ "$PR" = 0 ]; then
		return 0
	elif [ "$(output review)" = false ]; then
		git merge -q --ff-only "cvetrail/day$1"
		echo "  -> no review label: the pull request merges itself"
	else
		echo "  -> labelled \"$(output labels)\": the pull request waits for a human"
	fi
}

mkdir -p .github/workflows
cp "$(dirname "$SCANS")/../github/cvetrail.yml" .github/workflows/ 2>/dev/null ||
	echo "# the daily cvetrail job (examples/github/cvetrail.yml)" >.github/workflows/cvetrail.yml
at 1772344800 2026-03-01
git add -A
git commit -q -m "ci: scan the image every day with cvetrail"
at 1772431200 2026-03-02
heading 1 2026-03-02 "the first scan of registry.example.com/shop/api:1.4.1"
daily 1
git checkout -q main
git merge -q --ff-only cvetrail/day1
echo "  -> the first report: every finding is new; a human approves the baseline and merges it"

at 1772517600 2026-03-03
heading 2 2026-03-03 "base image update: tag 1.4.2, Debian 12.5 -> 12.6, new package builds"
daily 2
merge_or_wait 2

at 1772604000 2026-03-04
heading 3 2026-03-04 "a new CVE in libexpat1"
daily 3
merge_or_wait 3

at 1772690400 2026-03-05
heading 4 2026-03-05 "a reviewer accepts the new CVE in yesterday's pull request"
git checkout -q cvetrail/day3
echo "  \$ cvetrail ack CVE-2026-41005 --package pkg:deb/debian/libexpat1 \\"
echo "        --justification vulnerable_code_not_in_execute_path \\"
echo "        --reason 'the API never parses XML from clients' --expires 2026-06-30"
"$CVETRAIL" ack CVE-2026-41005 --package pkg:deb/debian/libexpat1 \
	--justification vulnerable_code_not_in_execute_path \
	--reason 'the API never parses XML from clients' --expires 2026-06-30 | sed 's/^/  /'
git add -A
git commit -q -m "triage: CVE-2026-41005 in libexpat1 is not reachable"
git show main:cvetrail-report.json >"$WORK/base.json"
set +e
"$CVETRAIL" diff --exit-code "$WORK/base.json" cvetrail-report.json >"$WORK/diff.txt"
rc=$?
set -e
echo "  the pull request re-checked: $(tail -n 1 "$WORK/diff.txt") (diff --exit-code: $rc)"
set +e
"$CVETRAIL" status >"$WORK/status.txt"
rc=$?
set -e
echo "  \$ cvetrail status: $(tail -n 1 "$WORK/status.txt") (exit $rc)"
git checkout -q main
git merge -q --ff-only cvetrail/day3
echo "  -> approved and merged with the decision"
echo "  today's scan:"
daily 4
merge_or_wait 4

at 1772776800 2026-03-06
heading 5 2026-03-06 "curl is fixed by a package upgrade (tag 1.4.4)"
daily 5
merge_or_wait 5

at 1772863200 2026-03-07
heading 6 2026-03-07 "the accepted libexpat1 CVE is re-rated HIGH -> CRITICAL"
daily 6
merge_or_wait 6

at 1772949600 2026-03-08
heading 7 2026-03-08 "a blind scan: Trivy finds no OS in tag 1.4.5 (family none)"
daily 7
merge_or_wait 7

echo
echo "=== main after the week"
git log --format='  %ad  %s' --date=short main

echo
echo "=== the audit trail: cvetrail history CVE-2026-41005"
"$CVETRAIL" history CVE-2026-41005 | sed 's/^/  /'
# The page goes next to the binary (build/ for `make demo`), outside the temporary repository.
PAGE=$(dirname "$CVETRAIL")/demo-dashboard.html
"$CVETRAIL" dashboard -o "$PAGE"
echo
echo "=== the dashboard of the week: $PAGE ($(wc -c <"$PAGE" | tr -d ' ') bytes, open it in a browser)"
