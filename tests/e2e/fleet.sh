#!/bin/sh
# End-to-end tests of fleets: a trivy k8s cluster report normalized into a
# folder (file names, keys, locations naming the workload), hostile image
# names that must never escape the folder, status on a folder and on a
# cluster report with unscoped and image-scoped decisions, ack/unack --image,
# vex naming the image of a scoped decision, and the shared DefectDojo
# cluster reports when ../shared is present.
set -u
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
CVETRAIL=${CVETRAIL:-$ROOT/build/cvetrail}
SHARED=${SHARED:-$ROOT/../shared}
K8S=$ROOT/tests/fixtures/k8s/cluster-small.json
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
passed=0 failed=0
export SOURCE_DATE_EPOCH=1780000000 LC_ALL=C # 2026-05-28

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
# jq_is DESCRIPTION FILE FILTER EXPECTED: the compact jq output equals EXPECTED.
jq_is() {
	got=$(jq -c "$3" "$2" 2>&1)
	if [ "$got" = "$4" ]; then ok; else fail "$1: expected $4, got $got"; fi
}
# The safe file name cvt_image_file_name documents: here, ':' replaced and a hash appended.
hashed() { printf '%s-%s' "$2" "$(printf '%s' "$1" | sha256sum | cut -c1-16)"; }

# ---- normalize a cluster report into a folder
"$CVETRAIL" normalize -o "$T/out" "$K8S" >"$T/stdout" 2>"$T/stderr"
check "normalize -o DIR of a cluster report succeeds" [ $? -eq 0 ]
check "normalize -o DIR prints nothing" [ ! -s "$T/stdout" ]
NGINX=$(hashed nginx:1.25 nginx_1.25).json
PG=$(hashed postgres:16 postgres_16).json
(cd "$T/out" && ls) >"$T/files"
printf '%s\n%s\n' "$NGINX" "$PG" >"$T/want"
check "one report per image, named from the image reference" cmp -s "$T/files" "$T/want"
jq_is "nginx keys" "$T/out/$NGINX" '[.findings[].key]' \
	'["CVE-2021-23337 pkg:npm/lodash","CVE-2023-0001 pkg:deb/debian/curl","CVE-2023-0002 pkg:deb/debian/openssl"]'
jq_is "nginx artifact" "$T/out/$NGINX" '.artifact' '{"name":"nginx:1.25","type":"container_image","os":"debian 12.1"}'
jq_is "a finding in two workloads has a location per workload" "$T/out/$NGINX" \
	'[.findings[] | select(.id == "CVE-2023-0001") | .locations[].target]' \
	'["dev/Pod/web-canary: nginx:1.25 (debian 12.1)","prod/Deployment/web: nginx:1.25 (debian 12.1)"]'
jq_is "postgres keys" "$T/out/$PG" '[.findings[].key]' \
	'["CVE-2023-0002 pkg:deb/debian/openssl","CVE-2023-0003 pkg:deb/debian/libpq5"]'
# The same image scanned directly gives the same keys.
jq '{SchemaVersion: 2, ArtifactName: "nginx:1.25", ArtifactType: "container_image", Results: .Resources[0].Results}' \
	"$K8S" >"$T/nginx-direct.json"
"$CVETRAIL" normalize "$T/nginx-direct.json" | jq -c '[.findings[].key]' >"$T/direct-keys"
jq -c '[.findings[].key]' "$T/out/$NGINX" >"$T/fleet-keys"
check "keys equal those of a direct scan of the image" cmp -s "$T/direct-keys" "$T/fleet-keys"
# Byte-stable: a second run rewrites the same bytes.
cp -r "$T/out" "$T/out.before"
"$CVETRAIL" normalize -o "$T/out" "$K8S" 2>/dev/null
check "normalize of a cluster report is byte-stable" diff -r "$T/out" "$T/out.before"
# A folder written from a cluster report reads back with the image references.
"$CVETRAIL" status --json --triage "$T/none.json" "$T/out" >"$T/folder.json"
jq_is "folder images named after their artifact" "$T/folder.json" '[.untriaged[].image] | unique' '["nginx:1.25","postgres:16"]'

# Without -o DIR: refused, nothing written.
"$CVETRAIL" normalize "$K8S" >"$T/stdout" 2>"$T/stderr"
check "normalize of a cluster report to stdout exits 2" [ $? -eq 2 ]
check "the message says to use -o DIR" grep -q 'use -o DIR' "$T/stderr"
check "nothing on stdout" [ ! -s "$T/stdout" ]
"$CVETRAIL" normalize <"$K8S" >"$T/stdout" 2>"$T/stderr"
check "a cluster report on stdin is refused too" [ $? -eq 2 ]
check "stdin refusal says to use -o DIR" grep -q 'use -o DIR' "$T/stderr"
echo keep >"$T/file.json"
"$CVETRAIL" normalize -o "$T/file.json" "$K8S" >/dev/null 2>"$T/stderr"
check "normalize -o FILE of a cluster report exits 2" [ $? -eq 2 ]
check "-o FILE is left untouched" [ "$(cat "$T/file.json")" = keep ]
"$CVETRAIL" normalize --format sarif -o "$T/sarif-dir" "$K8S" >/dev/null 2>&1
check "--format sarif of a cluster report exits 2" [ $? -eq 2 ]
check "--format sarif writes nothing" [ ! -e "$T/sarif-dir" ]

# ---- hostile image names: never a file outside DIR, never a name starting with '-'
cat >"$T/hostile.json" <<'JSON'
{"ClusterName": "evil", "Resources": [
 {"Namespace": "a", "Kind": "Pod", "Name": "p1", "Results": [{"Target": "../../x (debian 12)", "Class": "os-pkgs", "Type": "debian",
   "Vulnerabilities": [{"VulnerabilityID": "CVE-1", "PkgName": "bash", "Severity": "LOW"}]}]},
 {"Namespace": "a", "Kind": "Pod", "Name": "p2", "Results": [{"Target": "-rf (debian 12)", "Class": "os-pkgs", "Type": "debian",
   "Vulnerabilities": [{"VulnerabilityID": "CVE-2", "PkgName": "bash", "Severity": "LOW"}]}]},
 {"Namespace": "a", "Kind": "Pod", "Name": "p3", "Results": [{"Target": "evil\nname/../../../y (debian 12)", "Class": "os-pkgs", "Type": "debian",
   "Vulnerabilities": [{"VulnerabilityID": "CVE-3", "PkgName": "bash", "Severity": "LOW"}]}]},
 {"Namespace": "a", "Kind": "Pod", "Name": "p4", "Results": [{"Target": ".. (debian 12)", "Class": "os-pkgs", "Type": "debian",
   "Vulnerabilities": [{"VulnerabilityID": "CVE-4", "PkgName": "bash", "Severity": "LOW"}]}]},
 {"Namespace": "a", "Kind": "Pod", "Name": "p5", "Results": [{"Target": "/etc/passwd (debian 12)", "Class": "os-pkgs", "Type": "debian",
   "Vulnerabilities": [{"VulnerabilityID": "CVE-5", "PkgName": "bash", "Severity": "LOW"}]}]}
]}
JSON
mkdir -p "$T/h/in/deep"
(cd "$T/h/in/deep" && "$CVETRAIL" normalize -o out "$T/hostile.json") 2>"$T/stderr"
check "hostile cluster report normalizes" [ $? -eq 0 ]
find "$T/h" -type f | sed "s|^$T/h/in/deep/out/||" | sort >"$T/hfiles"
check "five reports written" [ "$(wc -l <"$T/hfiles")" -eq 5 ]
check "every file is inside DIR with a safe name" \
	sh -c "! grep -vE '^[A-Za-z0-9][A-Za-z0-9._-]{0,150}\\.json\$' '$T/hfiles'"
check "no file outside DIR" sh -c "[ ! -e '$T/h/in/x' ] && [ ! -e '$T/h/x' ] && [ ! -e '$T/x' ] && [ ! -e '$T/y' ]"
check "no name starts with '-'" sh -c "! grep -q '^-' '$T/hfiles'"
# Each file holds its own image, under its exact (hostile) name.
jq -s -c 'map(.artifact.name) | sort' "$T"/h/in/deep/out/*.json >"$T/hnames"
check "the five image names are kept inside the reports" \
	[ "$(cat "$T/hnames")" = '["-rf","..","../../x","/etc/passwd","evil\nname/../../../y"]' ]
# status prints a newline in an image name escaped.
"$CVETRAIL" status --triage "$T/none.json" "$T/hostile.json" >"$T/hstatus" 2>&1
check "status on hostile names succeeds" [ $? -eq 0 ]
check "status escapes control characters in image names" sh -c "! grep -q '^name/' '$T/hstatus'"

# ---- status with unscoped and scoped decisions, on the folder and the cluster report
L=$T/triage.json
ack() { "$CVETRAIL" ack --triage "$L" --author Tester "$@" >"$T/ack.out" 2>"$T/ack.err"; }
ack CVE-2023-0002 --package pkg:deb/debian/openssl --reason "fleet-wide: not reachable" --report "$T/out"
check "unscoped ack" [ $? -eq 0 ]
ack CVE-2023-0001 --image nginx --reason "nginx only" --report "$K8S"
check "scoped ack with a cluster report" [ $? -eq 0 ]
check "scoped ack says which image" grep -q 'in image nginx' "$T/ack.out"
jq_is "scoped decision recorded with its image and the severity in that image" "$L" \
	'[.decisions[] | select(.id == "CVE-2023-0001") | {image, severity}]' '[{"image":"nginx","severity":"HIGH"}]'
ack CVE-2023-0003 --image nginx --reason "would be postgres" --report "$T/out"
check "a scoped ack whose image lacks the finding still records" [ $? -eq 0 ]
check "and warns that it covers nothing" grep -q 'warning: no finding' "$T/ack.err"
ack CVE-2023-0003 --reason "unscoped twin" --report "$T/out"
check "the same id unscoped is a separate decision" [ "$(jq '[.decisions[] | select(.id == "CVE-2023-0003")] | length' "$L")" -eq 2 ]
jq_is "ledger order: unscoped first, then by image" "$L" '[.decisions[] | [.id, .image]]' \
	'[["CVE-2023-0001","nginx"],["CVE-2023-0002",null],["CVE-2023-0003",null],["CVE-2023-0003","nginx"]]'

for input in "$T/out" "$K8S"; do
	"$CVETRAIL" status --json --triage "$L" "$input" >"$T/s.json"
	check "status exits 0 ($input)" [ $? -eq 0 ]
	jq_is "fleet counts ($input)" "$T/s.json" '.fleet | [.images, .findings]' '[2,5]'
	jq_is "untriaged: lodash only ($input)" "$T/s.json" '[.untriaged[] | [.image, .id]]' '[["nginx:1.25","CVE-2021-23337"]]'
	jq_is "per CVE images and untriaged images ($input)" "$T/s.json" \
		'[.fleet.cves[] | [.id, .severity, .images, .untriaged_images]]' \
		'[["CVE-2023-0002","CRITICAL",2,0],["CVE-2021-23337","HIGH",1,1],["CVE-2023-0001","HIGH",1,0],["CVE-2023-0003","MEDIUM",1,0]]'
	jq_is "shared decisions ($input)" "$T/s.json" '.fleet.shared_decisions' \
		'[{"id":"CVE-2023-0002","package":"pkg:deb/debian/openssl","images":2}]'
	jq_is "no untriaged critical left ($input)" "$T/s.json" '.fleet.images_by_untriaged_critical' '[]'
	jq_is "the nginx-scoped CVE-2023-0003 decision is stale ($input)" "$T/s.json" \
		'[.stale[] | [.id, .decision.image]]' '[["CVE-2023-0003","nginx"]]'
done
"$CVETRAIL" status --triage "$L" "$K8S" >"$T/s.txt"
check "text: the fleet summary" grep -q '^Fleet: 2 images, 5 findings, 4 vulnerabilities$' "$T/s.txt"
check "text: shared decision line" grep -q '^  CVE-2023-0002 pkg:deb/debian/openssl  in 2 images$' "$T/s.txt"
check "text: per-image untriaged line" grep -q '^  nginx:1.25: CVE-2021-23337 pkg:npm/lodash  HIGH' "$T/s.txt"

# A scoped decision takes precedence over the unscoped one in its image.
ack CVE-2023-0002 --package pkg:deb/debian/openssl --image postgres:16 --status under_investigation \
	--reason "checking postgres" --expires 2026-05-01 --report "$K8S"
"$CVETRAIL" status --json --triage "$L" "$K8S" >"$T/s.json"
check "an expired scoped decision makes status exit 1" [ $? -eq 1 ]
jq_is "expired only in postgres" "$T/s.json" '[.expired[] | [.image, .id, .decision.image]]' \
	'[["postgres:16","CVE-2023-0002","postgres:16"]]'
# A single report matches scopes with its artifact name.
"$CVETRAIL" status --json --triage "$L" "$T/out/$PG" >"$T/single.json"
check "single report: scoped decision applies (exit 1)" [ $? -eq 1 ]
jq_is "single report: no fleet section" "$T/single.json" 'has("fleet")' 'false'
"$CVETRAIL" status --json --triage "$L" "$T/nginx-direct.json" >"$T/single.json"
check "single nginx report: the postgres-scoped decision does not apply" [ $? -eq 0 ]
jq_is "single nginx report: CVE-2023-0001 covered by the nginx-scoped decision" "$T/single.json" '.untriaged | map(.id)' '["CVE-2021-23337"]'

# unack --image removes the scoped decision only.
"$CVETRAIL" unack --triage "$L" CVE-2023-0003 --image nginx >"$T/unack.out" 2>&1
check "unack --image succeeds" [ $? -eq 0 ]
check "unack --image names the image" grep -q 'in image nginx' "$T/unack.out"
jq_is "the unscoped twin stays" "$L" '[.decisions[] | select(.id == "CVE-2023-0003") | .image]' '[null]'
"$CVETRAIL" unack --triage "$L" CVE-2023-0003 --image nginx >/dev/null 2>"$T/unack.err"
check "unack of a missing scoped decision exits 2" [ $? -eq 2 ]
check "and lists what exists" grep -q 'decisions for this id: (every package, no --package)' "$T/unack.err"
"$CVETRAIL" ack --triage "$L" --author T CVE-1 --image "$(printf 'a\nb')" --reason x >/dev/null 2>"$T/err"
check "an image scope with a control character is refused" [ $? -eq 2 ]

# vex names the image of a scoped decision as its product.
"$CVETRAIL" vex --triage "$L" "$T/out" >"$T/vex.json" 2>"$T/vex.err"
check "vex of a folder succeeds" [ $? -eq 0 ]
jq_is "the nginx-scoped statement names only the nginx image" "$T/vex.json" \
	'[.statements[] | select(.vulnerability.name == "CVE-2023-0001") | .products[]."@id" | test("nginx")]' '[true]'
(cd "$T" && "$CVETRAIL" vex --triage "$L") >"$T/vex-none.json" 2>"$T/vex.err"
jq_is "without a report the scope itself is the product" "$T/vex-none.json" \
	'[.statements[] | select(.vulnerability.name == "CVE-2023-0001") | .products[]."@id" | test("nginx")]' '[true]'

# ---- invalid cluster reports: one clear line naming the file, nothing written
cat >"$T/bad.json" <<'JSON'
{"ClusterName": "c", "Resources": [
 {"Namespace": "a", "Kind": "Pod", "Name": "good", "Results": [{"Target": "a:1 (debian 12)", "Class": "os-pkgs", "Type": "debian",
   "Vulnerabilities": [{"VulnerabilityID": "CVE-1", "PkgName": "bash", "Severity": "LOW"}]}]},
 {"Namespace": "a", "Kind": "Pod", "Name": "bad", "Results": [{"Target": "b:1 (debian 12)", "Class": "os-pkgs", "Type": "debian",
   "Vulnerabilities": [{"VulnerabilityID": "CVE-2", "PkgName": 5}]}]}
]}
JSON
"$CVETRAIL" normalize -o "$T/bad-out" "$T/bad.json" >/dev/null 2>"$T/stderr"
check "an invalid image in a cluster report: exit 2" [ $? -eq 2 ]
check "the error names the file and the JSON path" \
	grep -qF "$T/bad.json: Resources[1].Results[0].Vulnerabilities[0].PkgName: expected a string, got a number" "$T/stderr"
check "the error is one line" [ "$(wc -l <"$T/stderr")" -eq 1 ]
check "nothing written, not even the valid image" [ ! -e "$T/bad-out" ]
"$CVETRAIL" status --triage "$T/none.json" "$T/bad.json" >"$T/stdout" 2>"$T/stderr"
check "status on an invalid cluster report: exit 2" [ $? -eq 2 ]
printf '{"ClusterName": "c", "Resources": [1,' >"$T/cut.json"
"$CVETRAIL" status --triage "$T/none.json" "$T/cut.json" >/dev/null 2>"$T/stderr"
check "a truncated cluster report: exit 2" [ $? -eq 2 ]
check "with the byte offset" grep -q "cut.json:1:38: .*(byte 37)" "$T/stderr"

# ---- the shared DefectDojo cluster reports
FIX=$SHARED/fixtures/trivy-dd
if [ -f "$FIX/kubernetes.json" ] && [ -f "$FIX/issue_10991.json" ]; then
	"$CVETRAIL" normalize -o "$T/dd" "$FIX/kubernetes.json" 2>"$T/stderr"
	check "kubernetes.json normalizes into a folder" [ $? -eq 0 ]
	(cd "$T/dd" && ls) >"$T/files"
	printf '%s.json\n%s.json\n' "$(hashed docker.io/redis:6.0.5 docker.io_redis_6.0.5)" \
		"$(hashed gcr.io/google_samples/gb-redis-follower:v2 gcr.io_google_samples_gb-redis-follower_v2)" >"$T/want"
	check "kubernetes.json: one report per image" cmp -s "$T/files" "$T/want"
	jq_is "kubernetes.json: redis findings" "$T/dd/$(head -n 1 "$T/want")" '[.findings | length, .[0].locations[0].target]' \
		'[5,"default/Deployment/redis-leader: docker.io/redis:6.0.5 (debian 10.4)"]'
	"$CVETRAIL" status --json --triage "$T/none.json" "$FIX/kubernetes.json" >"$T/s.json"
	jq_is "kubernetes.json: status fleet" "$T/s.json" '.fleet | [.images, .findings]' '[2,10]'
	"$CVETRAIL" normalize -o "$T/dd2" "$FIX/issue_10991.json" 2>"$T/stderr"
	check "issue_10991.json (misconfigurations only) normalizes" [ $? -eq 0 ]
	check "issue_10991.json: no image, no file" [ -z "$(ls -A "$T/dd2")" ]
else
	echo "skip: shared cluster reports ($FIX absent)"
fi

echo "fleet-e2e: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
