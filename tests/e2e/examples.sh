#!/bin/sh
# The CI examples users copy must work as written: every YAML file parses, and
# every cvetrail command line in a `run:`/`script:` step names a real command
# and only options that command's --help documents.
set -u
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
CVETRAIL=${CVETRAIL:-$ROOT/build/cvetrail}
passed=0 failed=0
ok() { passed=$((passed + 1)); }
fail() { failed=$((failed + 1)); echo "FAIL: $*"; }
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT

for f in "$ROOT"/examples/github/*.yml "$ROOT"/examples/github/.mergify.yml "$ROOT"/examples/gitlab/.gitlab-ci.yml; do
	[ -f "$f" ] || continue
	name=${f#"$ROOT"/}
	# Shell lines of the steps, one per line, with YAML folding undone.
	if python3 - "$f" >"$T/lines" 2>"$T/err" <<'PY'
import sys, yaml
doc = yaml.safe_load(open(sys.argv[1]))
def walk(node, key=None):
    if isinstance(node, dict):
        for k, v in node.items():
            walk(v, k)
    elif isinstance(node, list):
        for v in node:
            walk(v, key)
    elif isinstance(node, str) and key in ("run", "script", "before_script", "after_script"):
        for line in node.splitlines():
            print(line)
walk(doc)
PY
	then ok; else fail "$name does not parse as YAML: $(head -n 1 "$T/err")"; continue; fi
	# Each "cvetrail CMD ..." invocation (not the word in prose or in paths).
	grep -oE '(^|[;&|(]|^[A-Z_]+=[^ ]+) *cvetrail [a-z]+[^;&|)]*' "$T/lines" |
		sed -E 's/^.*cvetrail /cvetrail /' >"$T/calls"
	while IFS= read -r call; do
		set -f
		# shellcheck disable=SC2086
		set -- $call
		set +f
		cmd=$2
		if ! "$CVETRAIL" "$cmd" --help >"$T/help" 2>/dev/null; then
			fail "$name: '$call': no command '$cmd'"
			continue
		fi
		shift 2
		bad=
		for arg in "$@"; do
			case $arg in
			--*) opt=${arg%%=*}
			     grep -qE -- "(^|[][ ,|])$opt([][ =,|]|\$)" "$T/help" || bad="$bad $opt" ;;
			-?) grep -qE -- "(^|[][ ,|])$arg([][ ,|]|\$)" "$T/help" || bad="$bad $arg" ;;
			esac
		done
		if [ -n "$bad" ]; then fail "$name: '$call': undocumented option(s)$bad"; else ok; fi
	done <"$T/calls"
done
[ $passed -ge 5 ] || fail "too few checks ran ($passed): are the examples there?"
echo "examples: $passed passed, $failed failed"
[ $failed -eq 0 ]
