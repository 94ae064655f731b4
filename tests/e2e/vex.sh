#!/bin/sh
# End-to-end tests of `cvetrail vex`: every export format on a small report and ledger,
# schema validation of the OpenVEX and CycloneDX output, byte-identical reruns, the
# document time, atomic -o, refusals, folders of reports, and (once `ack --from` exists)
# the import of the real VEX and Trivy ignore fixtures.
set -u
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
CVETRAIL=${CVETRAIL:-$ROOT/build/cvetrail}
SHARED=${SHARED:-$ROOT/../shared}
VALIDATE=$ROOT/tests/schema/validate.py
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
passed=0 failed=0 skipped=0
unset SOURCE_DATE_EPOCH

ok() { passed=$((passed + 1)); }
fail() { failed=$((failed + 1)); echo "FAIL: $*"; }
skip() { skipped=$((skipped + 1)); echo "skip: $*"; }

# A Trivy report of one image: curl and libcurl4 share a CVE, a Python package, an npm
# package known by its GHSA id (alias CVE-2024-0002), and one finding nobody triaged.
cat >"$T/trivy.json" <<'EOF'
{
  "SchemaVersion": 2,
  "ArtifactName": "ghcr.io/acme/web:1.4.2",
  "ArtifactType": "container_image",
  "Metadata": {"OS": {"Family": "debian", "Name": "12.4"}},
  "Results": [
    {
      "Target": "ghcr.io/acme/web:1.4.2 (debian 12.4)",
      "Class": "os-pkgs",
      "Type": "debian",
      "Vulnerabilities": [
        {"VulnerabilityID": "CVE-2023-38545", "PkgName": "curl",
         "PkgIdentifier": {"PURL": "pkg:deb/debian/curl@7.88.1-10+deb12u1?arch=amd64"},
         "InstalledVersion": "7.88.1-10+deb12u1", "FixedVersion": "7.88.1-10+deb12u4",
         "Severity": "HIGH", "Title": "curl: SOCKS5 heap buffer overflow"},
        {"VulnerabilityID": "CVE-2023-38545", "PkgName": "libcurl4",
         "PkgIdentifier": {"PURL": "pkg:deb/debian/libcurl4@7.88.1-10+deb12u1?arch=amd64"},
         "InstalledVersion": "7.88.1-10+deb12u1", "FixedVersion": "7.88.1-10+deb12u4",
         "Severity": "HIGH"},
        {"VulnerabilityID": "CVE-2024-0003", "PkgName": "zlib1g",
         "InstalledVersion": "1:1.2.13.dfsg-1", "Severity": "CRITICAL"}
      ]
    },
    {
      "Target": "Python",
      "Class": "lang-pkgs",
      "Type": "python-pkg",
      "Vulnerabilities": [
        {"VulnerabilityID": "CVE-2024-0001", "PkgName": "Flask",
         "PkgPath": "usr/lib/python3/site-packages/Flask-2.0.0.dist-info/METADATA",
         "InstalledVersion": "2.0.0", "Severity": "MEDIUM"}
      ]
    },
    {
      "Target": "Node.js",
      "Class": "lang-pkgs",
      "Type": "node-pkg",
      "Vulnerabilities": [
        {"VulnerabilityID": "GHSA-aaaa-bbbb-cccc", "VendorIDs": ["CVE-2024-0002"],
         "PkgName": "lodash", "PkgPath": "app/node_modules/lodash/package.json",
         "InstalledVersion": "4.17.20", "FixedVersion": "4.17.21", "Severity": "LOW"}
      ]
    }
  ]
}
EOF
mkdir -p "$T/work/.cvetrail"
cat >"$T/work/.cvetrail/triage.json" <<'EOF'
{
  "schema": "cvetrail/triage/1",
  "decisions": [
    {
      "id": "CVE-2020-9999",
      "package": "pkg:deb/debian/oldpkg",
      "status": "not_affected",
      "justification": "component_not_present",
      "reason": "removed from the image",
      "author": "Alice",
      "date": "2025-01-01",
      "expires": "2025-06-30"
    },
    {
      "id": "CVE-2023-38545",
      "package": "pkg:deb/debian/curl",
      "status": "not_affected",
      "justification": "vulnerable_code_not_in_execute_path",
      "reason": "we never call curl with \"SOCKS5\"\nsee </script> notes",
      "author": "Jane Doe",
      "date": "2026-11-20",
      "expires": "2099-02-28",
      "severity": "HIGH"
    },
    {
      "id": "CVE-2023-38545",
      "package": "pkg:deb/debian/libcurl4",
      "status": "affected",
      "reason": "upgrade scheduled for sprint 12",
      "author": "Jane Doe",
      "date": "2026-11-21",
      "severity": "HIGH"
    },
    {
      "id": "CVE-2024-0001",
      "status": "fixed",
      "reason": "patched in our fork",
      "author": "Bob",
      "date": "2026-11-22",
      "severity": "MEDIUM"
    },
    {
      "id": "CVE-2024-0002",
      "status": "under_investigation",
      "reason": "looking at lodash usage",
      "author": "Bob",
      "date": "2026-11-23"
    }
  ]
}
EOF
W=$T/work
if ! "$CVETRAIL" normalize -o "$W/cvetrail-report.json" "$T/trivy.json" 2>"$T/err"; then
	fail "normalize the test report: $(cat "$T/err")"
	echo "vex-e2e: $passed passed, $failed failed"
	exit 1
fi

# Runs `cvetrail vex ARGS` in the work folder; stdout to $T/out, stderr to $T/err, rc in $rc.
vex() {
	(cd "$W" && "$CVETRAIL" vex "$@") >"$T/out" 2>"$T/err"
	rc=$?
}

have_schemas=1
if [ ! -d "$SHARED/schemas" ]; then
	skip "$SHARED/schemas absent: schema validation not run"
	have_schemas=0
elif ! python3 -c 'import jsonschema' 2>/dev/null; then
	skip "python3-jsonschema not installed: schema validation not run"
	have_schemas=0
fi

validate() {
	[ $have_schemas = 1 ] || return 0
	if python3 "$VALIDATE" "$SHARED/schemas/$1" "$2" >/dev/null 2>"$T/verr"; then
		ok
	else
		fail "$3 does not validate against $1:"
		head -5 "$T/verr"
	fi
}

for format in openvex cyclonedx trivyignore trivyignore-yaml; do
	vex --format "$format"
	if [ $rc -ne 0 ] || [ ! -s "$T/out" ]; then
		fail "vex --format $format: exit $rc: $(cat "$T/err")"
		continue
	fi
	ok
	cp "$T/out" "$T/$format.1"
	# Byte-identical when run again, and when run with -o.
	vex --format "$format"
	cmp -s "$T/out" "$T/$format.1" && ok || fail "vex --format $format differs between two runs"
	vex --format "$format" -o "$T/written.$format"
	[ $rc -eq 0 ] && [ ! -s "$T/out" ] && cmp -s "$T/written.$format" "$T/$format.1" \
		&& ok || fail "vex --format $format -o differs from standard output"
done

validate openvex_json_schema.json "$T/openvex.1" "OpenVEX export"
validate bom-1.6.schema.json "$T/cyclonedx.1" "CycloneDX export"

if command -v jq >/dev/null; then
	V=$T/openvex.1
	# Without SOURCE_DATE_EPOCH the document time is the latest decision date.
	[ "$(jq -r .timestamp "$V")" = 2026-11-23T00:00:00Z ] && ok || fail "openvex timestamp: $(jq -r .timestamp "$V")"
	[ "$(jq '.statements | length' "$V")" = 4 ] && ok || fail "expired decision exported"
	[ "$(jq -r '.statements[0].products[0]["@id"]' "$V")" = "pkg:oci/web?repository_url=ghcr.io%2Facme%2Fweb" ] \
		&& ok || fail "product is not the image purl"
	[ "$(jq -r '.statements[0].products[0].subcomponents[0]["@id"]' "$V")" = pkg:deb/debian/curl ] \
		&& ok || fail "subcomponent is not the package"
	[ "$(jq -r '.statements[0].impact_statement' "$V")" = "$(printf 'we never call curl with "SOCKS5"\nsee </script> notes')" ] \
		&& ok || fail "reason not carried as impact_statement"
	[ "$(jq -r '.statements[1].action_statement' "$V")" = "upgrade scheduled for sprint 12" ] \
		&& ok || fail "affected needs an action_statement"
	[ "$(jq -r '.statements[2].products[0].subcomponents | map(.["@id"]) | join(",")' "$V")" = pkg:pypi/flask ] \
		&& ok || fail "decision for every package lists the packages of the report"
	[ "$(jq -r '.statements[3].vulnerability.aliases[0]' "$V")" = GHSA-aaaa-bbbb-cccc ] \
		&& ok || fail "aliases from the report"
	C=$T/cyclonedx.1
	[ "$(jq -r '[.vulnerabilities[].analysis.state] | join(",")' "$C")" = not_affected,exploitable,resolved,in_triage ] \
		&& ok || fail "cyclonedx states"
	[ "$(jq -r '.vulnerabilities[0].analysis.justification' "$C")" = code_not_reachable ] \
		&& ok || fail "cyclonedx justification"
	jq -r '.serialNumber' "$C" | grep -Eq '^urn:uuid:[0-9a-f]{8}-[0-9a-f]{4}-8[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$' \
		&& ok || fail "serial number is not a version 8 UUID"

	# SOURCE_DATE_EPOCH gives the document time; another epoch gives another id.
	(cd "$W" && SOURCE_DATE_EPOCH=1780000000 "$CVETRAIL" vex) >"$T/sde1"
	(cd "$W" && SOURCE_DATE_EPOCH=1780000001 "$CVETRAIL" vex) >"$T/sde2"
	[ "$(jq -r .timestamp "$T/sde1")" = 2026-05-28T20:26:40Z ] && ok || fail "SOURCE_DATE_EPOCH timestamp"
	[ "$(jq -r '.["@id"]' "$T/sde1")" != "$(jq -r '.["@id"]' "$T/sde2")" ] && ok || fail "@id ignores the content"
	# That date is before the curl decision... and after the expiry of none but oldpkg's.
	[ "$(jq '.statements | length' "$T/sde1")" = 4 ] && ok || fail "SOURCE_DATE_EPOCH statements"
	# In 2100 the curl decision (expires 2099-02-28) has expired too.
	(cd "$W" && SOURCE_DATE_EPOCH=4102444800 "$CVETRAIL" vex) >"$T/sde3"
	[ "$(jq '.statements | length' "$T/sde3")" = 3 ] && ok || fail "expired decisions must be left out"
else
	skip "jq absent: content checks not run"
fi

# .trivyignore: the suppressing decisions only, one line per comment.
grep -qx 'CVE-2024-0001' "$T/trivyignore.1" && ok || fail ".trivyignore lacks CVE-2024-0001"
grep -q '^CVE-2023-38545' "$T/trivyignore.1" && fail ".trivyignore hides libcurl4's affected finding" || ok
grep -q 'CVE-2024-0002$' "$T/trivyignore.1" && fail ".trivyignore lists under_investigation" || ok
grep -q 'not_affected (vulnerable_code_not_in_execute_path): we never call curl with "SOCKS5" see </script> notes (Jane Doe, 2026-11-20)' \
	"$T/trivyignore-yaml.1" && fail "statement must be escaped YAML" || ok
grep -qF '    statement: "not_affected (vulnerable_code_not_in_execute_path): we never call curl with \"SOCKS5\" see </script> notes (Jane Doe, 2026-11-20)"' \
	"$T/trivyignore-yaml.1" && ok || fail ".trivyignore.yaml statement"
grep -qx '    expired_at: 2099-02-28' "$T/trivyignore-yaml.1" && ok || fail ".trivyignore.yaml expired_at"
grep -q 'CVE-2023-38545 not listed' "$T/err" "$T/trivyignore.1" && ok || fail "skipped decision not explained"
if command -v python3 >/dev/null && python3 -c 'import yaml' 2>/dev/null; then
	python3 -c 'import sys, yaml; d = yaml.safe_load(open(sys.argv[1])); assert d["vulnerabilities"][1]["purls"] == ["pkg:deb/debian/curl"]' \
		"$T/trivyignore-yaml.1" && ok || fail ".trivyignore.yaml is not the YAML we meant"
fi

# Without a report the package is the product.
mv "$W/cvetrail-report.json" "$T/report.json"
vex
[ $rc -eq 0 ] && grep -q '"@id": "pkg:deb/debian/curl"' "$T/out" && ! grep -q 'pkg:oci' "$T/out" \
	&& ok || fail "without a report: $(cat "$T/err")"
grep -q 'CVE-2024-0001: a decision for every package needs a product' "$T/err" && ok || fail "warning for product-less statement"
validate openvex_json_schema.json "$T/out" "OpenVEX export without a report"
vex --product 'pkg:oci/web?repository_url=ghcr.io%2Facme%2Fweb'
grep -q '"@id": "pkg:oci/web?repository_url=ghcr.io%2Facme%2Fweb"' "$T/out" && [ ! -s "$T/err" ] \
	&& ok || fail "--product: $(cat "$T/err")"

# A folder of reports: one product per image.
mkdir -p "$T/fleet"
cp "$T/report.json" "$T/fleet/web.json"
sed 's#ghcr.io/acme/web:1.4.2#ghcr.io/acme/api:2.0#g' "$T/report.json" >"$T/fleet/api.json"
vex --format cyclonedx ../fleet
[ $rc -eq 0 ] && grep -q '"bom-ref": "pkg:oci/api?repository_url=ghcr.io%2Facme%2Fapi"' "$T/out" \
	&& grep -q '"bom-ref": "pkg:oci/web?repository_url=ghcr.io%2Facme%2Fweb"' "$T/out" \
	&& ok || fail "folder of reports: $(cat "$T/err")"
validate bom-1.6.schema.json "$T/out" "CycloneDX export of a folder"
vex ../fleet
validate openvex_json_schema.json "$T/out" "OpenVEX export of a folder"
vex --product x ../fleet
[ $rc -eq 2 ] && ok || fail "--product with a folder must be refused"

# Refusals: exit 2, one line on stderr, nothing written.
printf 'precious' >"$T/keep"
bad() {
	want=$1
	shift
	vex -o "$T/keep" "$@"
	if [ $rc -ne 2 ]; then fail "vex $*: exit $rc, expected 2"; return; fi
	grep -qF -- "$want" "$T/err" || { fail "vex $*: stderr lacks '$want': $(cat "$T/err")"; return; }
	[ "$(cat "$T/keep")" = precious ] || { fail "vex $*: output touched"; return; }
	ok
}
bad "unknown format 'sarif'" --format sarif
bad "missing.json" missing.json
bad "expected at most one REPORT" a b
bad "unknown option" --bogus
printf '{"schema": "cvetrail/triage/1", "decisions": [{"id": "CVE-1"}]}' >"$T/bad-ledger.json"
bad "bad-ledger.json" --triage "$T/bad-ledger.json"
printf '{"SchemaVersion": 2, "Results": "x"}' >"$T/bad-report.json"
bad "bad-report.json" "$T/bad-report.json"
# An output that cannot be written: the error names it, not the report read.
vex -o "$T/keep/vex.json"
[ $rc -eq 2 ] && grep -q "^cvetrail: $T/keep/vex.json: " "$T/err" && ok ||
	fail "vex -o under a file: exit $rc, error not naming the output: $(cat "$T/err")"
(cd "$W" && SOURCE_DATE_EPOCH=soon "$CVETRAIL" vex) >/dev/null 2>"$T/err"
[ $? -eq 2 ] && grep -q SOURCE_DATE_EPOCH "$T/err" && ok || fail "bad SOURCE_DATE_EPOCH must be refused"
"$CVETRAIL" vex --help | grep -q 'usage: cvetrail vex' && ok || fail "--help"
# An empty ledger still gives a document (and says why it has no statement).
(cd "$T" && "$CVETRAIL" vex --triage "$T/none.json") >"$T/out" 2>"$T/err"
[ $? -eq 0 ] && grep -q '"statements": \[\]' "$T/out" && grep -q 'no decision to export' "$T/err" \
	&& ok || fail "empty ledger"

# Import of the real fixtures through `ack --from`, once the command has it.
if [ ! -d "$SHARED/fixtures" ]; then
	skip "$SHARED/fixtures absent: fixture import not run"
elif ! "$CVETRAIL" ack --help 2>/dev/null | grep -q -- '--from'; then
	skip "'cvetrail ack --from' not available yet: fixture import not run"
else
	import() { # FILE EXPECTED-EXIT
		rm -f "$T/imported.json"
		GIT_AUTHOR_NAME="Importer" "$CVETRAIL" ack --from "$1" --triage "$T/imported.json" \
			>/dev/null 2>"$T/err"
		got=$?
		if [ $got -ne "$2" ]; then
			fail "ack --from $(basename "$1"): exit $got, expected $2: $(cat "$T/err")"
		elif [ "$2" = 2 ] && [ -e "$T/imported.json" ]; then
			fail "ack --from $(basename "$1"): a refused import wrote the ledger"
		else
			ok
		fi
	}
	for f in "$SHARED"/fixtures/openvex/*.json; do
		case $(basename "$f") in
		openvex_not_a_document.json) import "$f" 2 ;;
		*) import "$f" 0 ;;
		esac
	done
	for f in "$SHARED"/fixtures/cyclonedx/*vex*.json; do
		case $(basename "$f") in
		# not_affected without a justification, which the ledger requires
		trivy-vex-cyclonedx.json) import "$f" 2 ;;
		*) import "$f" 0 ;;
		esac
	done
	for f in "$SHARED"/fixtures/trivyignore/*; do
		case $(basename "$f") in
		*.md) ;;
		# entries scoped by paths only: cvetrail decisions are per package
		trivyignore.yaml) import "$f" 2 ;;
		*) import "$f" 0 ;;
		esac
	done
	# Round trip: our own export comes back as the same decisions.
	(cd "$W" && "$CVETRAIL" vex --format cyclonedx "$T/report.json") >"$T/rt.cdx.json"
	import "$T/rt.cdx.json" 0
fi

echo "vex-e2e: $passed passed, $failed failed, $skipped skipped"
[ $failed -eq 0 ]
