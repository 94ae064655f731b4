#!/bin/sh
# The fleet benchmark: a folder of FLEET_IMAGES (1,000) canonical reports of
# FLEET_FINDINGS (1,000) findings each, one million findings in all, whose
# vulnerability ids are shared across images (bench/gen_fleet.c, deterministic,
# cached in bench/data/fleet-*/). Times back to back, median of FLEET_RUNS (3):
#
#   cat DIR/*.json > /dev/null                      the floor: reading the bytes
#   cvetrail status --json DIR > /dev/null
#   cvetrail dashboard --report DIR -o FILE         when the binary has a dashboard
#
# and prints each time, its ratio to cat (target: under 10x, PASS/MISS) and
# its peak RSS next to the size of the largest report (reports are read one at
# a time, so memory should be that of one report plus the aggregate).
#
#   sh bench/fleet.sh BIN
set -eu

ROOT=$(cd "$(dirname "$0")/.." && pwd)
BIN=${1:-"$ROOT/build/cvetrail"}
case $BIN in /*) ;; *) BIN="$PWD/$BIN" ;; esac
IMAGES=${FLEET_IMAGES:-1000}
FINDINGS=${FLEET_FINDINGS:-1000}
RUNS=${FLEET_RUNS:-3}
DATA=${BENCH_DATA:-"$ROOT/bench/data"}
DIR="$DATA/fleet-${IMAGES}x$FINDINGS"
TMP="$DATA/fleet-run"

die() {
	echo "fleet bench: $*" >&2
	exit 2
}

[ -x "$BIN" ] || die "$BIN is not an executable (run make first)"
mkdir -p "$DATA" "$TMP"
trap 'rm -rf "$TMP"' EXIT

GEN="$DATA/gen_fleet"
if [ ! -x "$GEN" ] || [ "$ROOT/bench/gen_fleet.c" -nt "$GEN" ]; then
	${CC:-cc} -std=c17 -D_GNU_SOURCE -O2 -o "$GEN" "$ROOT/bench/gen_fleet.c" || die "cannot build the generator"
fi
want_stamp="$(cksum <"$ROOT/bench/gen_fleet.c") $IMAGES $FINDINGS"
if [ "$(cat "$DIR.stamp" 2>/dev/null)" != "$want_stamp" ]; then
	echo "generating $IMAGES reports of $FINDINGS findings in $DIR (once) ..."
	rm -rf "$DIR" "$DIR.stamp"
	mkdir -p "$DIR"
	"$GEN" -i "$IMAGES" -n "$FINDINGS" "$DIR" || die "the generator failed"
	echo "$want_stamp" >"$DIR.stamp"
fi

have_time=0
[ -x /usr/bin/time ] && have_time=1
now_ns() { date +%s%N; }

# measure NAME COMMAND...: runs the command RUNS times (a shell snippet, so
# that cat's glob is expanded inside the timing); prints and records
# "NAME seconds rss_kib" (medians).
measure() {
	name=$1
	shift
	: >"$TMP/times"
	: >"$TMP/rss"
	i=0
	while [ "$i" -lt "$RUNS" ]; do
		t0=$(now_ns)
		if [ $have_time = 1 ]; then
			/usr/bin/time -f '%M' -o "$TMP/time" sh -c "$*" 2>"$TMP/err" || {
				sed 's/^/  /' "$TMP/err" >&2
				die "$name failed: $*"
			}
			tail -n 1 "$TMP/time" >>"$TMP/rss"
		else
			sh -c "$*" 2>"$TMP/err" || die "$name failed: $*"
			echo 0 >>"$TMP/rss"
		fi
		t1=$(now_ns)
		echo $((t1 - t0)) >>"$TMP/times"
		i=$((i + 1))
	done
	secs=$(sort -n "$TMP/times" | awk '{v[NR] = $1} END {printf "%.3f", v[int((NR + 1) / 2)] / 1e9}')
	rss=$(sort -n "$TMP/rss" | awk '{v[NR] = $1} END {print v[int((NR + 1) / 2)]}')
	echo "$name $secs $rss" >>"$TMP/results"
}

get() { awk -v n="$1" -v f="$2" '$1 == n {print $f}' "$TMP/results"; }

: >"$TMP/results"
total=$(cat "$DIR"/*.json | wc -c | tr -d ' ')
largest=$(wc -c "$DIR"/*.json | sort -n | awk '$2 != "total" {m = $1} END {print m}')
echo "fleet: $IMAGES images x $FINDINGS findings in $DIR"
printf '%s MB in all, largest report %s MB; median of %s runs, warm page cache\n' \
	"$(awk -v b="$total" 'BEGIN {printf "%.1f", b / 1e6}')" \
	"$(awk -v b="$largest" 'BEGIN {printf "%.2f", b / 1e6}')" "$RUNS"
[ $have_time = 1 ] || echo "  (/usr/bin/time is missing — Debian package 'time' — so no peak RSS)"

measure cat "cat '$DIR'/*.json > /dev/null"
measure status "'$BIN' status --json --triage '$TMP/none.json' '$DIR' > /dev/null; test \$? -le 1"
have_dashboard=0
if "$BIN" dashboard --help >/dev/null 2>&1; then
	have_dashboard=1
	measure dashboard "'$BIN' dashboard --report '$DIR' -o '$TMP/dashboard.html' > /dev/null"
fi

cat_s=$(get cat 2)
fail=0
echo
printf '  %-10s %9s %8s %7s %10s %12s\n' command seconds "x cat" "< 10x" "peak MB" "x largest"
for name in cat status dashboard; do
	[ "$name" = dashboard ] && [ $have_dashboard = 0 ] && continue
	s=$(get "$name" 2)
	rss=$(get "$name" 3)
	ratio=$(awk -v s="$s" -v c="$cat_s" 'BEGIN {printf "%.1f", (c > 0) ? s / c : 0}')
	verdict=-
	if [ "$name" != cat ]; then
		verdict=$(awk -v r="$ratio" 'BEGIN {print (r < 10) ? "PASS" : "MISS"}')
		[ "$verdict" = MISS ] && fail=1
	fi
	printf '  %-10s %9s %8s %7s %10s %12s\n' "$name" "$s" "$ratio" "$verdict" \
		"$(awk -v k="$rss" 'BEGIN {printf "%.1f", k * 1024 / 1e6}')" \
		"$(awk -v k="$rss" -v b="$largest" 'BEGIN {printf "%.1f", k * 1024 / b}')"
done
[ $have_dashboard = 1 ] || echo "  dashboard: not in this binary, skipped"
echo
echo "commands:"
echo "  cat        cat $DIR/*.json > /dev/null"
echo "  status     $BIN status --json DIR > /dev/null"
[ $have_dashboard = 0 ] || echo "  dashboard  $BIN dashboard --report DIR -o FILE"
if [ $fail = 1 ] && [ "${BENCH_STRICT:-0}" = 1 ]; then
	exit 1
fi
exit 0
