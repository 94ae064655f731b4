#!/bin/sh
# Golden tests: each folder tests/golden/<case>/ holds
#   cmd        a shell snippet run in that folder ($CVETRAIL is the binary, $SHARED ../shared)
#   expected   the exact expected standard output
#   exit       the expected exit code (absent: 0)
#   stderr     optional: text the standard error must contain
# A case whose cmd uses $SHARED is skipped, with a message, when ../shared is absent.
# UPDATE_GOLDEN=1 rewrites `expected` from the actual output (a reviewed change).
set -u
HERE=$(cd "$(dirname "$0")" && pwd)
: "${CVETRAIL:?CVETRAIL must name the binary}"
SHARED=${SHARED:-$HERE/../../../shared}
export CVETRAIL SHARED SOURCE_DATE_EPOCH="${SOURCE_DATE_EPOCH:-1780000000}"
passed=0 failed=0 skipped=0
for dir in "$HERE"/*/; do
	name=$(basename "$dir")
	[ -f "$dir/cmd" ] || continue
	if grep -q 'SHARED' "$dir/cmd" && [ ! -d "$SHARED/fixtures" ]; then
		echo "skip $name: needs ../shared/fixtures, which is absent"
		skipped=$((skipped + 1))
		continue
	fi
	want_exit=0
	[ -f "$dir/exit" ] && want_exit=$(cat "$dir/exit")
	out=$(mktemp) err=$(mktemp)
	(cd "$dir" && sh ./cmd) >"$out" 2>"$err"
	got_exit=$?
	if [ "${UPDATE_GOLDEN:-0}" = 1 ]; then
		cp "$out" "$dir/expected"
		echo "$got_exit" >"$dir/exit"
	fi
	ok=1
	if [ "$got_exit" != "$want_exit" ]; then
		echo "FAIL $name: exit $got_exit, expected $want_exit"; ok=0
		sed 's/^/  stderr: /' "$err" | head -5
	fi
	if ! cmp -s "$out" "$dir/expected"; then
		echo "FAIL $name: standard output differs from expected"
		diff "$dir/expected" "$out" | head -20; ok=0
	fi
	if [ -f "$dir/stderr" ] && ! grep -qF -- "$(cat "$dir/stderr")" "$err"; then
		echo "FAIL $name: standard error lacks: $(cat "$dir/stderr")"
		sed 's/^/  stderr: /' "$err" | head -5; ok=0
	fi
	rm -f "$out" "$err"
	if [ $ok = 1 ]; then passed=$((passed + 1)); else failed=$((failed + 1)); fi
done
echo "golden: $passed passed, $failed failed, $skipped skipped"
[ $failed -eq 0 ]
