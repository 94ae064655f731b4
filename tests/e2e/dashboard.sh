#!/bin/sh
# End-to-end test of `cvetrail dashboard`: three days of hand-written canonical
# reports committed to a real git repository (commit dates set), decisions
# recorded with `cvetrail ack`, hostile text in titles, package names, URLs,
# reasons and authors. The page is then opened in headless Chromium: the
# rendered DOM must hold the chart and the expected table rows and nothing the
# reports injected; Chromium's log must show no console message (a CSP
# refusal, a script error); a screenshot is kept as a test artifact
# (tests/artifacts/dashboard.png). Chromium is required: without it the test
# fails (apt-get install chromium).
set -u
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
CVETRAIL=${CVETRAIL:-$ROOT/build/cvetrail}
CHROMIUM=${CHROMIUM:-chromium}
ARTIFACTS=$ROOT/tests/artifacts
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

unset GIT_DIR GIT_WORK_TREE GIT_INDEX_FILE 2>/dev/null || true
export GIT_CONFIG_NOSYSTEM=1 HOME="$T" LC_ALL=C

# finding ID PURL NAME SEVERITY TITLE URL: one canonical finding (JSON strings written as given).
finding() {
	cat <<JSON
    {
      "key": "$1 $2",
      "id": "$1",
      "package": {"name": "$3", "purl": "$2"},
      "severity": "$4",
      "status": "fixed",
      "installed_version": "1.0-1",
      "fixed_version": "1.0-2",
      "title": "$5",
      "url": "$6",
      "locations": [{"target": "shop/api (debian 12)", "path": null, "version": "1.0-1"}]
    }
JSON
}

# report FINDING...: a canonical report holding the findings (sorted by key by the caller).
report() {
	printf '{\n  "schema": "cvetrail/report/1",\n'
	printf '  "artifact": {"name": "registry.example/shop/api", "type": "container_image", "os": "debian 12"},\n'
	printf '  "scanner": {"name": "trivy", "results": 1},\n  "findings": [\n'
	sep=""
	for f in "$@"; do
		printf '%s%s\n' "$sep" "$f"
		sep=","
	done
	printf '  ]\n}\n'
}

HOSTILE_TITLE='<script>alert(1)</script> <img src=x onerror=alert(1)> a | b | c \u001b[31mred\u001b[0m'
HOSTILE_NAME='\"><svg onload=alert(2)>'
A=$(finding CVE-2026-1001 pkg:deb/debian/curl curl HIGH "curl: overflow" https://avd.example/CVE-2026-1001)
B=$(finding CVE-2026-1002 pkg:deb/debian/zlib1g zlib1g LOW "zlib: read" https://avd.example/CVE-2026-1002)
C_MEDIUM=$(finding CVE-2026-1003 pkg:deb/debian/openssl openssl MEDIUM "openssl: slow DH" https://avd.example/CVE-2026-1003)
C_CRITICAL=$(finding CVE-2026-1003 pkg:deb/debian/openssl openssl CRITICAL "openssl: slow DH" https://avd.example/CVE-2026-1003)
E=$(finding CVE-2026-2002 pkg:deb/debian/bash bash CRITICAL "bash: | pipes | here" https://avd.example/CVE-2026-2002)
F=$(finding CVE-2026-3003 pkg:deb/debian/perl-base perl-base LOW "perl: temp file" https://avd.example/CVE-2026-3003)
D=$(finding CVE-2026-6666 pkg:npm/evil-pkg "$HOSTILE_NAME" HIGH "$HOSTILE_TITLE" "javascript:alert(3)")

REPO=$T/repo
mkdir "$REPO"
cd "$REPO" || exit 2
git init -q .
git config user.name "Test Bot"
git config user.email bot@example.com
git config commit.gpgsign false

day() { # day DATE
	export GIT_COMMITTER_DATE="$1T06:00:00Z" GIT_AUTHOR_DATE="$1T06:00:00Z"
	export SOURCE_DATE_EPOCH=$(($(date -u -d "$1" +%s) + 21600))
}
commit() {
	git add -A && git commit -q -m "$1" >/dev/null
}

day 2026-03-02
report "$A" "$B" "$C_MEDIUM" >cvetrail-report.json
commit "day 1"
"$CVETRAIL" ack CVE-2026-1002 --package pkg:deb/debian/zlib1g --reason 'fine for now <img src=x onerror=alert(7)> | pipe' \
	--expires 2026-03-20 --author 'Mallory "><img src=x onerror=alert(8)>' >/dev/null
check "ack an expiring decision" [ $? = 0 ]
"$CVETRAIL" ack CVE-2026-1003 --package pkg:deb/debian/openssl --status not_affected \
	--justification vulnerable_code_not_in_execute_path --reason 'no DH in our TLS config' \
	--author 'Alice Example' >/dev/null
check "ack a decision at MEDIUM" [ $? = 0 ]
commit "triage"

day 2026-03-09
report "$A" "$B" "$C_MEDIUM" "$E" "$D" >cvetrail-report.json
commit "day 2"

day 2026-03-16
report "$B" "$C_CRITICAL" "$E" "$F" "$D" >cvetrail-report.json
commit "day 3"

day 2026-04-01
OUT=$T/site/index.html
"$CVETRAIL" dashboard -o "$OUT" >"$T/stdout" 2>"$T/stderr"
check "dashboard exits 0" [ $? = 0 ]
check "nothing on stdout with -o" [ ! -s "$T/stdout" ]
check "page written" [ -s "$OUT" ]
"$CVETRAIL" dashboard >"$T/stdout.html" 2>/dev/null
check "standard output gets the same page" cmp -s "$T/stdout.html" "$OUT"
check "Content-Security-Policy meta" grep -qF "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'; img-src data:\">" "$OUT"
check "no script element" sh -c '! grep -qi "<script" "$1"' - "$OUT"
check "no external resource" sh -c '! grep -Eqi "(src|href)=\"(https?:)?//[^\"]*\.(js|css|woff2?|png|svg)" "$1"' - "$OUT"
check "the chart is drawn from the history" grep -q '<path class="area-critical"' "$OUT"

# Errors: nothing written, exit 2.
echo '{"schema": "cvetrail/report/1", "findings": [' >"$T/broken.json"
"$CVETRAIL" dashboard --report "$T/broken.json" -o "$T/broken.html" 2>"$T/stderr"
check "invalid report: exit 2" [ $? = 2 ]
check "invalid report: nothing written" [ ! -e "$T/broken.html" ]
check "invalid report: the error names the file" grep -q "broken.json" "$T/stderr"
cp "$OUT" "$T/before.html"
"$CVETRAIL" dashboard --report "$T/missing.json" -o "$OUT" 2>/dev/null
check "missing report: exit 2" [ $? = 2 ]
check "missing report: old page untouched" cmp -s "$OUT" "$T/before.html"
"$CVETRAIL" dashboard --bogus >/dev/null 2>&1
check "unknown option: exit 2" [ $? = 2 ]

# No history: a report outside any git repository is not an error.
mkdir "$T/loose"
cp cvetrail-report.json "$T/loose/report.json"
(cd "$T/loose" && "$CVETRAIL" dashboard --report report.json --triage "$REPO/.cvetrail/triage.json" -o page.html)
check "no history: exit 0" [ $? = 0 ]
check "no history: the page says so" grep -q 'id="no-history">No git history' "$T/loose/page.html"
check "no history: current counts" grep -q '<div class="card"><b>5</b>total</div>' "$T/loose/page.html"
check "no history: no chart" sh -c '! grep -q "<svg" "$1"' - "$T/loose/page.html"

# A fleet: a folder of reports, one per image, committed (history per image).
mkdir reports
report "$A" "$B" "$E" >reports/web.json
report "$B" "$E" >reports/api.json
report "$B" >reports/db.json
commit "fleet"
"$CVETRAIL" dashboard --report reports -o "$T/fleet.html"
check "fleet: exit 0" [ $? = 0 ]
FLEET=$T/fleet.html
check "fleet: section" grep -q '<h2>Fleet: 3 images, 6 findings</h2>' "$FLEET"
check "fleet: images table" \
	grep -q '<h3 id="fleet-images">Images (3)</h3>.*' "$FLEET"
sed -n '/id="fleet-images"/,/<\/table>/p' "$FLEET" | grep '^<tr>' | sed 's/<td[^>]*>\([^<]*\)<\/td>.*/\1/; s/^<tr>//' >"$T/fleet-images"
printf 'web\napi\ndb\n' >"$T/want"
check "fleet: images by untriaged criticals" cmp -s "$T/want" "$T/fleet-images"
check "fleet: the CVE in the most images" grep -q '<tr><td>CVE-2026-1002</td><td><span class="sev sev-low">LOW</span></td><td class="num">3</td><td class="num">0</td></tr>' "$FLEET"
check "fleet: a decision shared by 3 images" grep -q 'Decisions shared across images (1)' "$FLEET"
check "fleet: untriaged rows name the image" grep -q '<tr><td>web</td><td class="nowrap">2026-04-01</td><td><span class="sev sev-critical">' "$FLEET"
check "fleet: chart from the folder's history" [ "$(grep -c '<path class="area-' "$FLEET")" = 5 ]
check "fleet: no script" sh -c '! grep -qi "<script" "$1"' - "$FLEET"

# A trivy k8s cluster report is a fleet too (one image per distinct image, here outside git).
cat >"$T/cluster.json" <<'JSON'
{"ClusterName": "c1", "Resources": [
 {"Namespace": "prod", "Kind": "Deployment", "Name": "web", "Results": [
  {"Target": "nginx:1.25 (debian 12.1)", "Class": "os-pkgs", "Type": "debian", "Vulnerabilities": [
   {"VulnerabilityID": "CVE-2026-1001", "PkgName": "curl", "InstalledVersion": "1", "Severity": "CRITICAL"}]}]},
 {"Namespace": "dev", "Kind": "Pod", "Name": "evil", "Results": [
  {"Target": "evil/<img src=x onerror=alert(5)>:1 (debian 12.1)", "Class": "os-pkgs", "Type": "debian", "Vulnerabilities": [
   {"VulnerabilityID": "CVE-2026-1001", "PkgName": "curl", "InstalledVersion": "1", "Severity": "CRITICAL"}]}]}]}
JSON
"$CVETRAIL" dashboard --report "$T/cluster.json" --triage "$T/none.json" -o "$T/cluster.html"
check "cluster report: exit 0" [ $? = 0 ]
check "cluster report: a fleet of 2 images" grep -q '<h2>Fleet: 2 images, 2 findings</h2>' "$T/cluster.html"
check "cluster report: the CVE in both" grep -q '<tr><td>CVE-2026-1001</td><td><span class="sev sev-critical">CRITICAL</span></td><td class="num">2</td><td class="num">2</td></tr>' "$T/cluster.html"
check "cluster report: hostile image name escaped" grep -q '<td>evil/&lt;img src=x onerror=alert(5)&gt;:1</td>' "$T/cluster.html"
check "cluster report: no injected element" sh -c '! grep -q "<img" "$1"' - "$T/cluster.html"

if ! command -v "$CHROMIUM" >/dev/null 2>&1; then
	fail "chromium not installed: apt-get install chromium"
	echo "dashboard: $passed passed, $failed failed"
	exit 1
fi

# browser OUTFILE ARGS...: one headless Chromium run with its log on OUTFILE.err.
browser() {
	out=$1
	shift
	timeout 60 "$CHROMIUM" --headless --no-sandbox --disable-gpu --disable-dev-shm-usage \
		--disable-background-networking --no-first-run --user-data-dir="$T/profile" \
		--enable-logging=stderr --v=0 "$@" >"$out" 2>"$out.err"
}
# Console messages (CSP refusals, script errors) in a Chromium log; its dbus/GPU noise is not.
console_messages() {
	grep -E ':CONSOLE|Refused to|Uncaught|Content Security Policy' "$1"
}

browser "$T/dom.html" --dump-dom "file://$OUT"
check "chromium renders the page" [ $? = 0 ]
if console_messages "$T/dom.html.err" >"$T/console"; then
	fail "chromium logged console messages:"
	sed 's/^/    /' "$T/console"
else
	ok
fi

cat >"$T/check_dom.py" <<'PY'
# Checks the DOM Chromium rendered: only the dashboard's own markup, the chart,
# the expected rows in each table, hostile text shown as text.
import sys
from html.parser import HTMLParser

ALLOWED = set("html head meta link title style body header h1 h2 h3 p nav a main section div b "
              "span table thead tbody tr th td details summary svg g line text path rect code "
              "footer".split())


class Page(HTMLParser):
    def __init__(self):
        super().__init__()
        self.problems, self.tables, self.text = [], {}, []
        self.current, self.row, self.in_cell = None, None, False
        self.paths, self.path_titles, self.in_path, self.svgs = [], 0, False, 0

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag not in ALLOWED:
            self.problems.append("unexpected element <%s>" % tag)
        for name, value in attrs.items():
            if name.startswith("on"):
                self.problems.append("event handler %s on <%s>" % (name, tag))
            if name in ("href", "src", "xlink:href") and value is not None:
                if not (value.startswith("https://") or value.startswith("http://")
                        or value.startswith("#") or (tag == "link" and value == "data:,")):
                    self.problems.append("%s=%r on <%s>" % (name, value, tag))
        if tag in ("section", "h3", "details") and "id" in attrs:
            self.current = attrs["id"]
        if tag == "svg":
            self.svgs += 1
        if tag == "path":
            self.paths.append(attrs.get("class", ""))
            self.in_path = True
        if tag == "title" and self.in_path:
            self.path_titles += 1
        if tag == "tr":
            self.row = []
        if tag == "td" and self.row is not None:
            self.row.append("")
            self.in_cell = True

    def handle_endtag(self, tag):
        if tag == "path":
            self.in_path = False
        if tag == "td":
            self.in_cell = False
        if tag == "tr" and self.row:
            self.tables.setdefault(self.current, []).append(self.row)
        if tag == "tr":
            self.row = None

    def handle_data(self, data):
        self.text.append(data)
        if self.in_cell and self.row:
            self.row[-1] += data


page = Page()
page.feed(open(sys.argv[1], encoding="utf-8").read())
problems = page.problems
text = "".join(page.text)


def expect(cond, what):
    if not cond:
        problems.append(what)


def column(table, index):
    return [row[index] for row in page.tables.get(table, [])]


expect(page.svgs == 1, "one chart <svg>, got %d" % page.svgs)
areas = [c for c in page.paths if c.startswith("area-")]
expect(sorted(areas) == sorted("area-" + s for s in ("critical", "high", "medium", "low", "unknown")),
       "the five severity series, got %r" % areas)
expect(page.path_titles == 5, "a <title> per series, got %d" % page.path_titles)
trend = page.tables.get("trend-table", [])
expect([r[0] for r in trend] == ["2026-03-02", "2026-03-09", "2026-03-16"],
       "trend table dates: %r" % [r[0] for r in trend])
expect([r[-1] for r in trend] == ["3", "5", "5"], "trend table totals: %r" % [r[-1] for r in trend])
expect(trend and trend[-1][2:7] == ["2", "1", "0", "2", "0"], "latest counts: %r" % (trend[-1:],))
# Untriaged: newest first (first seen), then most severe.
expect(column("untriaged", 2) == ["CVE-2026-3003", "CVE-2026-2002", "CVE-2026-6666"],
       "untriaged rows: %r" % column("untriaged", 2))
expect(column("untriaged", 0) == ["2026-03-16", "2026-03-09", "2026-03-09"],
       "first seen: %r" % column("untriaged", 0))
expect(column("expired", 1) == ["CVE-2026-1002"], "expired rows: %r" % column("expired", 1))
expect(column("risen", 2) == ["CVE-2026-1003"], "risen rows: %r" % column("risen", 2))
expect([r[:2] for r in page.tables.get("risen", [])] == [["CRITICAL", "MEDIUM"]],
       "risen severities: %r" % page.tables.get("risen"))
fixed = page.tables.get("fixed", [])
expect([(r[0], r[2], r[-1]) for r in fixed] == [("2026-03-16", "CVE-2026-1001", "14")],
       "fixed rows: %r" % fixed)
expect(sorted(column("authors", 0)) == sorted(["Alice Example", 'Mallory "><img src=x onerror=alert(8)>']),
       "authors: %r" % column("authors", 0))
decisions = page.tables.get("decisions", [])
expect([(r[0], r[2], r[7]) for r in decisions] ==
       [("CVE-2026-1002", "affected", "2026-03-20 (expired)"), ("CVE-2026-1003", "not_affected", "never")],
       "decisions: %r" % decisions)
for needle in ("<script>alert(1)</script>", '"><svg onload=alert(2)>',
               "<img src=x onerror=alert(7)> | pipe", "a | b | c"):
    expect(needle in text, "hostile text shown as text: %r" % needle)
expect("\x1b" not in text, "terminal escape in the page text")
expect("javascript:" not in "".join(a for a in page.paths), "javascript in the chart")
for p in problems:
    print("    " + p)
sys.exit(1 if problems else 0)
PY
check "rendered DOM: chart, rows, nothing injected" python3 "$T/check_dom.py" "$T/dom.html"

mkdir -p "$ARTIFACTS"
rm -f "$ARTIFACTS/dashboard.png"
browser "$T/shot.out" --screenshot="$ARTIFACTS/dashboard.png" --window-size=1280,2000 "file://$OUT"
check "chromium takes the screenshot" [ $? = 0 ]
check "screenshot: no console message" sh -c '! grep -Eq ":CONSOLE|Refused to|Uncaught|Content Security Policy" "$1"' - "$T/shot.out.err"
cat >"$T/check_png.py" <<'PY'
# A valid PNG of the window size whose pixels are not all alike (the page drew something).
import struct, sys, zlib
data = open(sys.argv[1], "rb").read()
assert data[:8] == b"\x89PNG\r\n\x1a\n", "not a PNG"
pos, idat, size = 8, b"", None
while pos < len(data):
    length, kind = struct.unpack(">I4s", data[pos:pos + 8])
    body = data[pos + 8:pos + 8 + length]
    if kind == b"IHDR":
        size = struct.unpack(">II", body[:8])
    elif kind == b"IDAT":
        idat += body
    pos += 12 + length
assert size == (1280, 2000), "size %r" % (size,)
raw = zlib.decompress(idat)
assert len(set(raw)) > 64, "only %d distinct byte values: a blank page" % len(set(raw))
assert len(data) > 20000, "only %d bytes" % len(data)
PY
check "screenshot is a non-trivial 1280x2000 PNG" python3 "$T/check_png.py" "$ARTIFACTS/dashboard.png"

# The log check above can fail: a page that breaks the policy is reported.
cat >"$T/control.html" <<'HTML'
<!DOCTYPE html><html><head><meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; img-src data:"></head><body><script>document.title = "ran";</script></body></html>
HTML
browser "$T/control.out" --dump-dom "file://$T/control.html"
check "a CSP refusal shows in the log (control)" sh -c 'grep -Eq ":CONSOLE|Refused to|Uncaught|Content Security Policy" "$1"' - "$T/control.out.err"

echo "dashboard: $passed passed, $failed failed"
[ $failed -eq 0 ]
