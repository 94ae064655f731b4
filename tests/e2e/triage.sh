#!/bin/sh
# End-to-end tests of the triage ledger: `cvetrail ack`, `unack` and `status`
# run as a user would, in a temporary folder, on small hand-written reports.
# Every refused command must leave the ledger byte-identical.
set -u
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
CVETRAIL=${CVETRAIL:-$ROOT/build/cvetrail}
case $CVETRAIL in /*) ;; *) CVETRAIL=$ROOT/$CVETRAIL ;; esac
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
passed=0 failed=0

ok() { passed=$((passed + 1)); }
fail() { failed=$((failed + 1)); echo "FAIL: $*"; }

# The user's own git identity must not leak in: a private HOME, no system file.
export HOME="$T/home" XDG_CONFIG_HOME="$T/home/.config" GIT_CONFIG_NOSYSTEM=1
unset GIT_AUTHOR_NAME GIT_CONFIG_GLOBAL GIT_DIR GIT_CONFIG 2>/dev/null
mkdir -p "$HOME" "$T/work"
cd "$T/work" || exit 2

DAY0=1780000000   # 2026-05-28
DAY35=1783000000  # 2026-07-02
export SOURCE_DATE_EPOCH=$DAY0

# run CMD...: runs cvetrail, keeps stdout in $T/out, stderr in $T/err, exit code in $rc.
run() {
	"$CVETRAIL" "$@" >"$T/out" 2>"$T/err"
	rc=$?
}

# expect CODE DESCRIPTION: the last run exited with CODE.
expect() {
	if [ "$rc" = "$1" ]; then ok; else
		fail "$2: exit $rc, expected $1"
		sed 's/^/  stderr: /' "$T/err" | head -5
	fi
}

# out_has TEXT DESCRIPTION / err_has TEXT DESCRIPTION: fixed-string search.
out_has() { if grep -qF -- "$1" "$T/out"; then ok; else fail "$2: stdout lacks '$1'"; sed 's/^/  stdout: /' "$T/out" | head -20; fi; }
err_has() { if grep -qF -- "$1" "$T/err"; then ok; else fail "$2: stderr lacks '$1'"; sed 's/^/  stderr: /' "$T/err" | head -5; fi; }

# jq_is FILE FILTER EXPECTED DESCRIPTION
jq_is() {
	got=$(jq -r "$2" "$1" 2>&1)
	if [ "$got" = "$3" ]; then ok; else fail "$4: jq '$2' gave '$got', expected '$3'"; fi
}

LEDGER=.cvetrail/triage.json

cat >report.json <<'EOF'
{
  "schema": "cvetrail/report/1",
  "artifact": {"name": "registry.example/web:1.0", "type": "container_image", "os": "debian 12"},
  "findings": [
    {"id": "CVE-2023-38545", "package": {"name": "curl", "purl": "pkg:deb/debian/curl"},
     "severity": "HIGH", "title": "curl: SOCKS5 heap buffer overflow"},
    {"id": "CVE-2023-38545", "package": {"name": "libcurl4", "purl": "pkg:deb/debian/libcurl4"},
     "severity": "CRITICAL"},
    {"id": "CVE-2022-37434", "package": {"name": "zlib1g", "purl": "pkg:deb/debian/zlib1g"},
     "severity": "LOW", "title": "zlib: heap overflow in inflate"},
    {"id": "GHSA-aaaa-bbbb-cccc", "aliases": ["CVE-2024-0001"],
     "package": {"name": "flask", "purl": "pkg:pypi/flask"}, "severity": "MEDIUM",
     "title": "evil \u001b[2J\u001b]0;pwned\u0007 title"}
  ]
}
EOF

# --- ack: author from GIT_AUTHOR_NAME, severity from the report, purl made versionless ---
GIT_AUTHOR_NAME="Jane Doe" run ack CVE-2023-38545 --package 'pkg:deb/debian/curl@7.88.1-10?arch=amd64' \
	--justification vulnerable_code_not_in_execute_path --reason "no SOCKS5 here" \
	--expires 2026-06-30 --report report.json
expect 0 "ack with justification"
out_has "recorded: CVE-2023-38545 pkg:deb/debian/curl not_affected (expires 2026-06-30)" "ack prints one line"
[ "$(wc -l <"$T/out")" -eq 1 ] && ok || fail "ack prints exactly one line"
jq_is $LEDGER '.schema' "cvetrail/triage/1" "ledger schema"
jq_is $LEDGER '.decisions[0].package' "pkg:deb/debian/curl" "package stored versionless"
jq_is $LEDGER '.decisions[0].status' "not_affected" "status defaults to not_affected with a justification"
jq_is $LEDGER '.decisions[0].author' "Jane Doe" "author from GIT_AUTHOR_NAME"
jq_is $LEDGER '.decisions[0].date' "2026-05-28" "date from SOURCE_DATE_EPOCH"
jq_is $LEDGER '.decisions[0].severity' "HIGH" "severity read from the report"
jq_is $LEDGER '.decisions[0] | keys_unsorted | join(",")' \
	"id,package,status,justification,reason,author,date,expires,severity" "fields in the documented order"
tail -c 1 $LEDGER | od -An -c | grep -q '\\n' && ok || fail "ledger ends with a newline"

# --- status: nothing expired or risen -> 0; the rest untriaged ---
run status report.json
expect 0 "status after ack"
out_has "Expired (0)" "no expired section items"
out_has "Untriaged (3)" "three findings untriaged"
out_has "CVE-2022-37434 pkg:deb/debian/zlib1g  LOW" "untriaged finding listed"
out_has "Nothing needs review." "closing line"
if grep -q "$(printf '\033')" "$T/out" || grep -q "$(printf '\007')" "$T/out"; then
	fail "escape sequence from a title reached the terminal"
else ok; fi
out_has "evil ?[2J?]0;pwned? title" "control characters replaced"

# --- the default report file ---
cp report.json cvetrail-report.json
run status
expect 0 "status reads cvetrail-report.json by default"

# --- expiry: today is fine and "expiring soon", after it status exits 1 ---
SOURCE_DATE_EPOCH=$(date -u -d 2026-06-30 +%s) run status
expect 0 "expires today is not expired"
out_has "Expiring within 14 days (1)" "expiring today is expiring soon"
out_has "expires 2026-06-30 (today)" "days left shown"
SOURCE_DATE_EPOCH=$(date -u -d 2026-07-01 +%s) run status
expect 1 "expired yesterday"
out_has "Expired (1)" "expired section"
out_has "CVE-2023-38545 pkg:deb/debian/curl  HIGH  expired 2026-06-30" "expired finding listed"
out_has "Review needed: 1 expired, 0 severity risen." "review line"
SOURCE_DATE_EPOCH=$DAY35 run status --json
expect 1 "status --json after expiry"
cp "$T/out" "$T/status.json"
jq_is "$T/status.json" '.review' "true" "json review"
jq_is "$T/status.json" '.expired | length' "1" "json one expired"
jq_is "$T/status.json" '.expired[0].key' "CVE-2023-38545 pkg:deb/debian/curl" "json expired key"
jq_is "$T/status.json" '.expired[0].decision.expires' "2026-06-30" "json expired decision"
jq_is "$T/status.json" '.expired[0].image' "null" "no image field for a single report"
jq_is "$T/status.json" '.untriaged | length' "3" "json untriaged"
jq_is "$T/status.json" '[.untriaged[].key] | join(",")' \
	"CVE-2022-37434 pkg:deb/debian/zlib1g,CVE-2023-38545 pkg:deb/debian/libcurl4,GHSA-aaaa-bbbb-cccc pkg:pypi/flask" \
	"json untriaged keys in key order"
jq_is "$T/status.json" 'keys_unsorted | join(",")' \
	"expired,severity_risen,expiring_soon,untriaged,stale,review" "json sections"

# --- severity rise: an accepted LOW finding that becomes CRITICAL ---
GIT_AUTHOR_NAME="Bob" run ack CVE-2022-37434 --package pkg:deb/debian/zlib1g --reason "only used for gzip of our own data"
expect 0 "ack without justification"
jq_is $LEDGER '.decisions[] | select(.id == "CVE-2022-37434") | .status' "affected" "status defaults to affected"
jq_is $LEDGER '.decisions[] | select(.id == "CVE-2022-37434") | .severity' "LOW" "severity from the default report"
jq_is $LEDGER '.decisions[] | select(.id == "CVE-2022-37434") | has("justification")' "false" "absent justification omitted"
jq_is $LEDGER '.decisions[] | select(.id == "CVE-2022-37434") | has("expires")' "false" "absent expiry omitted"
jq '.findings[2].severity = "CRITICAL"' report.json >risen.json
run status risen.json
expect 1 "severity risen above the decision"
out_has "Severity risen (1)" "risen section"
out_has "CVE-2022-37434 pkg:deb/debian/zlib1g  LOW -> CRITICAL" "risen line"
run status --json risen.json
jq_is "$T/out" '.severity_risen[0].decided_severity + ">" + .severity_risen[0].severity' "LOW>CRITICAL" "json risen"
jq '.findings[2].severity = "UNKNOWN"' report.json >lower.json
run status lower.json
expect 0 "a lower severity needs no review"

# --- bad values: exit 2, allowed values named, ledger untouched ---
cp $LEDGER "$T/ledger.before"
refused() {
	desc=$1 needle=$2
	shift 2
	GIT_AUTHOR_NAME=X run "$@"
	expect 2 "$desc"
	err_has "$needle" "$desc"
	cmp -s $LEDGER "$T/ledger.before" && ok || fail "$desc: ledger changed"
}
refused "bad status" "not_affected, affected, fixed, under_investigation" \
	ack CVE-1 --reason r --status wontfix
refused "bad justification" "component_not_present, vulnerable_code_not_present, vulnerable_code_not_in_execute_path, vulnerable_code_cannot_be_controlled_by_adversary, inline_mitigations_already_exist" \
	ack CVE-1 --reason r --justification because
refused "justification with another status" "only allowed with status not_affected" \
	ack CVE-1 --reason r --status affected --justification component_not_present
refused "not_affected without justification" "required with status not_affected" \
	ack CVE-1 --reason r --status not_affected
refused "impossible date" "YYYY-MM-DD" ack CVE-1 --reason r --expires 2027-02-29
refused "not a date" "YYYY-MM-DD" ack CVE-1 --reason r --expires tomorrow
refused "missing reason" "--reason" ack CVE-1
refused "empty reason" "reason: required" ack CVE-1 --reason ""
refused "not a purl" "pkg:deb/debian/curl" ack CVE-1 --reason r --package curl
refused "id with a space" "vulnerability id" ack "CVE 1" --reason r
refused "no id" "expected one vulnerability ID" ack --reason r
refused "explicit report missing" "nope.json" ack CVE-1 --reason r --report nope.json
refused "unknown option" "unknown option" ack CVE-1 --reason r --frobnicate
printf '{"schema": "cvetrail/report/1", "findings": [' >broken.json
refused "invalid report" "broken.json:1:" ack CVE-1 --reason r --report broken.json
refused "unack unknown" "no decision for CVE-1 (every package)" unack CVE-1
refused "unack wrong package lists the existing ones" "--package pkg:deb/debian/curl" \
	unack CVE-2023-38545 --package pkg:deb/debian/libcurl4
refused "unack every-package lists the existing ones" "decisions for this id: --package pkg:deb/debian/curl" \
	unack CVE-2023-38545
# A broken ledger is refused by every command and stays as it is.
mkdir -p bad/.cvetrail
printf '{"schema": "cvetrail/triage/1", "decisions": [{"id": "CVE-1", "status": "nope"}]}\n' >bad/.cvetrail/triage.json
cp bad/.cvetrail/triage.json "$T/bad.before"
GIT_AUTHOR_NAME=X run ack CVE-2 --reason r --triage bad/.cvetrail/triage.json
expect 2 "ack refuses an invalid ledger"
err_has "bad/.cvetrail/triage.json: decisions[0].status: expected one of" "ledger error names file, entry and field"
cmp -s bad/.cvetrail/triage.json "$T/bad.before" && ok || fail "invalid ledger rewritten"
run status --triage bad/.cvetrail/triage.json report.json
expect 2 "status refuses an invalid ledger"
printf '{"schema": "cvetrail/triage/1",\n "decisions": [,]}\n' >bad/syntax.json
run status --triage bad/syntax.json report.json
expect 2 "status refuses ledger with bad JSON"
err_has "bad/syntax.json:2:" "JSON error names file and line"
err_has "(byte " "JSON error gives the byte offset"
run status missing-report.json
expect 2 "status on a missing report"

# --- replacing ---
GIT_AUTHOR_NAME="Jane Doe" run ack CVE-2022-37434 --package pkg:deb/debian/zlib1g --status under_investigation --reason "looking again"
expect 0 "second ack of the same key"
out_has "replacing the earlier decision" "replacement announced"
jq_is $LEDGER '[.decisions[] | select(.id == "CVE-2022-37434")] | length' "1" "replaced, not added"
jq_is $LEDGER '.decisions[] | select(.id == "CVE-2022-37434") | .reason' "looking again" "new reason kept"

# --- id-wide: highest severity among packages; aliases both ways ---
GIT_AUTHOR_NAME="Jane Doe" run ack CVE-2023-38545 --reason "accepted everywhere"
expect 0 "id-wide ack"
out_has "recorded: CVE-2023-38545 (every package) affected" "id-wide line"
jq_is $LEDGER '.decisions[] | select(.id == "CVE-2023-38545" and (has("package") | not)) | .severity' "CRITICAL" "highest severity among packages"
jq_is $LEDGER '[.decisions[].id] | join(",")' "CVE-2022-37434,CVE-2023-38545,CVE-2023-38545" "sorted by id"
jq_is $LEDGER '.decisions[1] | has("package")' "false" "package-less decision first"
GIT_AUTHOR_NAME="Jane Doe" run ack CVE-2024-0001 --reason "flask alias"
expect 0 "ack via alias"
jq_is $LEDGER '.decisions[] | select(.id == "CVE-2024-0001") | .severity' "MEDIUM" "severity found through the alias"
[ -s "$T/err" ] && fail "no warning expected when an alias matches: $(cat "$T/err")" || ok
run status --json report.json
expect 0 "all triaged"
jq_is "$T/out" '.untriaged | length' "0" "alias decision covers the GHSA finding"

# --- a decision whose finding is gone: warning on ack, stale in status ---
GIT_AUTHOR_NAME="Jane Doe" run ack CVE-1999-0001 --status fixed --reason "gone"
expect 0 "ack of an absent finding still records"
err_has "warning: no finding in cvetrail-report.json" "warning for a decision that covers nothing"
jq_is $LEDGER '.decisions[] | select(.id == "CVE-1999-0001") | has("severity")' "false" "no severity without a finding"
run status
expect 0 "stale decisions need no review"
out_has "Stale (1)" "stale section"
out_has "CVE-1999-0001 (every package)" "stale decision listed"
run status --json
jq_is "$T/out" '.stale[0].id' "CVE-1999-0001" "json stale"

# --- no report at all: ack still works, severity empty ---
mkdir -p noreport && cd noreport || exit 2
GIT_AUTHOR_NAME=X run ack CVE-2 --reason r
expect 0 "ack without any report"
jq_is $LEDGER '.decisions[0] | has("severity")' "false" "severity left absent"
[ -s "$T/err" ] && fail "no warning expected without a report" || ok
cd .. || exit 2

# --- unack ---
cp $LEDGER "$T/before-unack"
run unack CVE-1999-0001
expect 0 "unack"
out_has "removed: CVE-1999-0001 (every package)" "unack line"
jq_is $LEDGER '[.decisions[] | select(.id == "CVE-1999-0001")] | length' "0" "decision removed"
run unack CVE-2023-38545 --package 'pkg:deb/debian/curl@7.88'
expect 0 "unack with a versioned purl"
jq_is $LEDGER '[.decisions[] | select(.id == "CVE-2023-38545")] | length' "1" "only the package decision removed"

# --- options before or after the ID, and "--" ---
GIT_AUTHOR_NAME=X run ack --reason r --triage order.json -- CVE-4
expect 0 "options first, then --"
POSIXLY_CORRECT=1 GIT_AUTHOR_NAME=X run ack CVE-5 --reason r --triage order.json
expect 0 "options after the ID under POSIXLY_CORRECT"
jq_is order.json '[.decisions[].id] | join(",")' "CVE-4,CVE-5" "both recorded"

# --- byte stability: writing what was read changes nothing ---
GIT_AUTHOR_NAME=X run ack CVE-3 --reason r
cp $LEDGER "$T/l1"
run unack CVE-3
GIT_AUTHOR_NAME=X run ack CVE-3 --reason r
cmp -s $LEDGER "$T/l1" && ok || fail "ack/unack/ack is not byte-stable"

# --- author from git config ---
git init -q repo
git -C repo config user.name "Repo Person"
cp report.json repo/cvetrail-report.json
mkdir -p repo/sub
(cd repo/sub && "$CVETRAIL" ack CVE-2023-38545 --reason r --triage ../.cvetrail/triage.json --report ../cvetrail-report.json >"$T/out" 2>"$T/err")
rc=$?
expect 0 "ack in a git repository"
jq_is repo/.cvetrail/triage.json '.decisions[0].author' "Repo Person" "author from the repository's user.name"
(cd repo && GIT_AUTHOR_NAME="Env Person" "$CVETRAIL" ack CVE-2 --reason r --triage t.json >/dev/null 2>&1)
jq_is repo/t.json '.decisions[0].author' "Env Person" "GIT_AUTHOR_NAME wins over git config"
(cd repo && "$CVETRAIL" ack CVE-2 --reason r --author "Flag Person" --triage t.json >/dev/null 2>&1)
jq_is repo/t.json '.decisions[0].author' "Flag Person" "--author wins"
mkdir -p outside
# Only meaningful where no system-wide user.name exists and $T is in no repository.
if env -u GIT_CONFIG_NOSYSTEM git config --system user.name >/dev/null 2>&1 ||
	git -C outside rev-parse --git-dir >/dev/null 2>&1; then
	echo "skip no-author check: a system user.name or an enclosing repository exists"
else
	cp $LEDGER "$T/before-noauthor"
	(cd outside && "$CVETRAIL" ack CVE-2 --reason r --triage "../$LEDGER" >"$T/out" 2>"$T/err")
	rc=$?
	expect 2 "no author anywhere"
	err_has "no author: pass --author or set git user.name" "no author message"
	cmp -s $LEDGER "$T/before-noauthor" && ok || fail "no author: ledger changed"
fi
git config --global user.name "Global Person"
(cd outside && "$CVETRAIL" ack CVE-2 --reason r --triage g.json >/dev/null 2>&1)
jq_is outside/g.json '.decisions[0].author' "Global Person" "author from the global git config"

# --- a folder of reports, one per image ---
mkdir -p fleet
cp report.json fleet/web.json
cat >fleet/api.json <<'EOF'
{"schema": "cvetrail/report/1", "findings": [
  {"id": "CVE-2022-37434", "package": {"purl": "pkg:deb/debian/zlib1g"}, "severity": "HIGH"},
  {"id": "CVE-2030-0001", "package": {"purl": "pkg:golang/example.com/mod"}, "severity": "LOW"}
]}
EOF
echo "not a report" >fleet/README.md
run status --triage fleet.json fleet
expect 0 "status on a folder with an empty ledger"
out_has "  api: CVE-2030-0001 pkg:golang/example.com/mod  LOW" "image prefix on each line"
out_has "  web: CVE-2022-37434 pkg:deb/debian/zlib1g  LOW" "second image"
out_has "Untriaged (6)" "findings of both images"
GIT_AUTHOR_NAME=X run ack CVE-2022-37434 --package pkg:deb/debian/zlib1g --reason r --triage fleet.json --report fleet
expect 0 "ack with a folder report"
jq_is fleet.json '.decisions[0].severity' "HIGH" "highest severity across the fleet"
GIT_AUTHOR_NAME=X run ack CVE-2030-0001 --reason r --expires 2026-06-01 --triage fleet.json --report fleet
jq '.decisions[0].severity = "LOW"' fleet.json >fleet.tmp && mv fleet.tmp fleet.json
run status --json --triage fleet.json fleet
expect 1 "folder: a risen severity in one image"
jq_is "$T/out" '[.severity_risen[] | .image + " " + .key] | join(",")' "api CVE-2022-37434 pkg:deb/debian/zlib1g" "risen only in api"
jq_is "$T/out" '.expiring_soon[0].image + " " + (.expiring_soon[0].days_left | tostring)' "api 4" "expiring soon in api"
jq_is "$T/out" '.stale | length' "0" "a decision used by one image is not stale"
SOURCE_DATE_EPOCH=$DAY35 run status --triage fleet.json fleet
expect 1 "folder: expired"
out_has "  api: CVE-2030-0001 pkg:golang/example.com/mod  LOW  expired 2026-06-01" "expired with image"
mkdir -p empty
run status empty
expect 2 "a folder without reports"
err_has "no *.json report" "empty folder message"

# --- help ---
for c in ack unack status; do
	run $c --help
	expect 0 "$c --help"
	out_has "Exit status:" "$c --help lists exit codes"
	out_has "Example" "$c --help has an example"
done
run ack --help
for o in --package --reason --status --justification --expires --author --report --triage; do
	out_has "$o" "ack --help documents $o"
done

echo "triage-e2e: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
