#!/bin/sh
# The README's command reference and the man page must match --help: every
# synopsis line that --help prints appears verbatim in both.
set -u
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
CVETRAIL=${CVETRAIL:-$ROOT/build/cvetrail}
passed=0 failed=0
MAN=$(mktemp)
trap 'rm -f "$MAN"' EXIT
"$CVETRAIL" help --man >"$MAN"
for cmd in $("$CVETRAIL" --help | sed -n 's/^  \([a-z]*\)  .*/\1/p'); do
	[ "$cmd" = help ] && continue
	"$CVETRAIL" "$cmd" --help >/dev/null || { failed=$((failed + 1)); echo "FAIL: $cmd --help"; continue; }
	"$CVETRAIL" "$cmd" --help | sed -n 's/^\(usage\|   or\): //p' | while IFS= read -r line; do
		grep -qF -- "    $line" "$ROOT/README.md" || echo "MISSING README: $line"
	done >"$MAN.missing"
	if [ -s "$MAN.missing" ]; then
		failed=$((failed + 1)); cat "$MAN.missing"
	else
		passed=$((passed + 1))
	fi
	grep -q "^\\.SS \"cvetrail $cmd" "$MAN" && passed=$((passed + 1)) || { failed=$((failed + 1)); echo "FAIL: man page lacks $cmd"; }
done
rm -f "$MAN.missing"
"$CVETRAIL" --version | grep -q '^cvetrail [0-9]' && passed=$((passed + 1)) || { failed=$((failed + 1)); echo "FAIL: --version"; }
echo "docs: $passed passed, $failed failed"
[ $failed -eq 0 ]
