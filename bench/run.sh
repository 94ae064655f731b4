#!/bin/sh
# Benchmarks cvetrail against peers measured in the same run, on the same
# file, back to back (`make bench` runs `sh bench/run.sh build/cvetrail`).
#
#   sh bench/run.sh BIN
#
# Input: a synthetic Trivy report of BENCH_VULNS (100000) vulnerabilities,
# about 300 MB, and the same image "one day later", made by bench/gen_trivy.c
# (deterministic) and cached in bench/data/ (git-ignored; BENCH_DATA moves it).
# Each command runs BENCH_RUNS (5) times, jq BENCH_JQ_RUNS (3) times; the
# table shows the median wall-clock seconds and the median peak RSS. Every
# run starts after a `sync` (not timed): each contender then replaces an
# output of its last run that is on disk, none inherits another's writeback.
# When g++ and libsimdjson-dev are installed, simdjson (bench/peer_simdjson.cpp)
# runs too, as a reference for what strict parsing alone costs on this
# machine; it has no target. BENCH_STRICT=1 makes a missed target fail the
# run (exit 1).
set -eu

ROOT=$(cd "$(dirname "$0")/.." && pwd)
BIN=${1:-"$ROOT/build/cvetrail"}
case $BIN in /*) ;; *) BIN="$PWD/$BIN" ;; esac
VULNS=${BENCH_VULNS:-100000}
RUNS=${BENCH_RUNS:-5}
JQ_RUNS=${BENCH_JQ_RUNS:-3}
SEED=${BENCH_SEED:-1}
DATA=${BENCH_DATA:-"$ROOT/bench/data"}

die() {
	echo "bench: $*" >&2
	exit 2
}

[ -x "$BIN" ] || die "$BIN is not an executable (run make first)"
mkdir -p "$DATA"

# ---- input: generated once, regenerated when the generator or its arguments change
GEN="$DATA/gen_trivy"
OLD="$DATA/trivy-$VULNS-day0.json"
NEW="$DATA/trivy-$VULNS-day1.json"
STAMP="$DATA/trivy-$VULNS.stamp"
want_stamp="$(cksum <"$ROOT/bench/gen_trivy.c") $VULNS $SEED"
if [ ! -x "$GEN" ] || [ "$ROOT/bench/gen_trivy.c" -nt "$GEN" ]; then
	${CC:-cc} -std=c17 -D_GNU_SOURCE -O2 -o "$GEN" "$ROOT/bench/gen_trivy.c" || die "cannot build the generator"
fi
if [ ! -f "$OLD" ] || [ ! -f "$NEW" ] || [ "$(cat "$STAMP" 2>/dev/null)" != "$want_stamp" ]; then
	echo "generating $VULNS-vulnerability Trivy reports in $DATA (once) ..."
	"$GEN" -n "$VULNS" -s "$SEED" -d 0 >"$OLD.tmp" && mv "$OLD.tmp" "$OLD"
	"$GEN" -n "$VULNS" -s "$SEED" -d 1 >"$NEW.tmp" && mv "$NEW.tmp" "$NEW"
	echo "$want_stamp" >"$STAMP"
fi

OUT="$DATA/normalized.json"
COPY="$DATA/copy.json"
ERR="$DATA/stderr.txt"
RESULTS="$DATA/results.txt"
: >"$RESULTS"
trap 'rm -f "$COPY" "$ERR" "$DATA"/run.* "$DATA"/normalized.json.* "$DATA"/update-report.json*' EXIT

size=$(wc -c <"$OLD" | tr -d ' ')
have_time=0
[ -x /usr/bin/time ] && have_time=1

now_ns() { date +%s%N; }

# measure NAME RUNS STDOUT COMMAND... : runs COMMAND with standard output to
# STDOUT, RUNS times; records "NAME seconds rss_kib" (medians) in RESULTS.
# A failing command aborts the benchmark: a number for a failed run is a lie.
measure() {
	name=$1 runs=$2 stdout=$3
	shift 3
	: >"$DATA/run.times"
	: >"$DATA/run.rss"
	i=0
	while [ "$i" -lt "$runs" ]; do
		# Each run starts with nothing left to write back: a copy's dirty
		# pages would otherwise slow the next contender's fsync.
		sync
		t0=$(now_ns)
		if [ $have_time = 1 ]; then
			/usr/bin/time -f '%M' -o "$DATA/run.time" "$@" >"$stdout" 2>"$ERR" || {
				sed 's/^/  /' "$ERR" >&2
				die "$name failed: $*"
			}
			tail -n 1 "$DATA/run.time" >>"$DATA/run.rss"
		else
			"$@" >"$stdout" 2>"$ERR" || die "$name failed: $*"
			echo 0 >>"$DATA/run.rss"
		fi
		t1=$(now_ns)
		echo $((t1 - t0)) >>"$DATA/run.times"
		i=$((i + 1))
	done
	secs=$(sort -n "$DATA/run.times" | awk -v o="$overhead_ns" '{v[NR] = $1}
		END {s = (v[int((NR + 1) / 2)] - o) / 1e9; printf "%.3f", s < 0.001 ? 0.001 : s}')
	rss=$(sort -n "$DATA/run.rss" | awk '{v[NR] = $1} END {print v[int((NR + 1) / 2)]}')
	echo "$name $secs $rss" >>"$RESULTS"
	printf '  %-34s %9s s %9s MB\n' "$name" "$secs" "$(awk -v k="$rss" 'BEGIN {printf "%.1f", k * 1024 / 1e6}')"
}

get() { awk -v n="$1" -v f="$2" '$1 == n {print $f}' "$RESULTS"; }

echo "cvetrail benchmark: $($BIN --version 2>/dev/null || echo "$BIN")"
echo "machine: $(nproc) cores, $(awk '/model name/ {sub(/.*: /, ""); print; exit}' /proc/cpuinfo)"
printf 'input: %s (%s vulnerabilities, %s MB); day 1: %s\n' "$(basename "$OLD")" "$VULNS" \
	"$(awk -v b="$size" 'BEGIN {printf "%.1f", b / 1e6}')" "$(basename "$NEW")"
echo "median of $RUNS runs (jq: $JQ_RUNS), warm page cache; wall-clock seconds (less the cost of"
echo "starting a command), peak RSS"
[ $have_time = 1 ] || echo "  (/usr/bin/time is missing — Debian package 'time' — so no peak RSS)"
echo

cat "$OLD" "$NEW" >/dev/null # warm the page cache for every contender alike
# What starting a command costs here (date, /usr/bin/time, fork, exec) is
# taken off every time, so the fast peers (cat) are not flattered.
overhead_ns=0
measure overhead 5 /dev/null true >/dev/null
overhead_ns=$(sort -n "$DATA/run.times" | awk '{v[NR] = $1} END {print v[int((NR + 1) / 2)]}')
measure cat-devnull "$RUNS" /dev/null cat "$OLD"
measure cat-copy "$RUNS" "$COPY" cat "$OLD"
rm -f "$COPY"
measure normalize-stdout "$RUNS" /dev/null "$BIN" normalize "$OLD"
measure normalize "$RUNS" /dev/null "$BIN" normalize -o "$OUT" "$OLD"
# Both ways give the same report, or neither time means anything.
{ "$BIN" normalize "$OLD" >"$DATA/run.stdout" && cmp -s "$OUT" "$DATA/run.stdout"; } ||
	die "normalize -o and normalize to standard output differ"
rm -f "$DATA/run.stdout"

diff_ok=0
if "$BIN" diff --json "$OUT" "$NEW" >/dev/null 2>"$ERR"; then
	diff_ok=1
else
	rc=$?
	# 1 means "something changed" where the command is asked for an exit code.
	[ $rc = 1 ] && diff_ok=1
fi
if [ $diff_ok = 1 ]; then
	measure diff "$RUNS" /dev/null "$BIN" diff --json "$OUT" "$NEW"
else
	echo "  diff: skipped ($(head -n 1 "$ERR"))"
fi

# The daily job on a day with nothing new: the committed report already
# holds this scan (read, diffed, compared with the file, left as it is).
UPD="$DATA/update-report.json"
unset GITHUB_OUTPUT # update would append its outputs there
cp "$OUT" "$UPD"
"$BIN" update --report "$UPD" --triage "$DATA/no-triage.json" "$OLD" >/dev/null 2>"$ERR" ||
	die "update failed: $(head -n 1 "$ERR")"
measure update "$RUNS" /dev/null "$BIN" update --report "$UPD" --triage "$DATA/no-triage.json" "$OLD"
cmp -s "$UPD" "$OUT" || die "update changed a report that holds its scan"
rm -f "$UPD"

JQ_PROG='.Results | del(.[].Vulnerabilities[]?.Layer) | del(.[].Vulnerabilities[]?.LastModifiedDate)'
if command -v jq >/dev/null 2>&1; then
	measure jq "$JQ_RUNS" /dev/null jq "$JQ_PROG" "$OLD"
else
	echo "  jq not installed: skipped"
fi

# The fastest strict parser Debian has, as a reference for what parsing
# alone costs here (bench/peer_simdjson.cpp; needs g++ and libsimdjson-dev).
PEER="$DATA/peer_simdjson"
have_simdjson=0
if [ ! -x "$PEER" ] || [ "$ROOT/bench/peer_simdjson.cpp" -nt "$PEER" ]; then
	${CXX:-c++} -std=c++17 -O3 -o "$PEER" "$ROOT/bench/peer_simdjson.cpp" -lsimdjson 2>/dev/null || rm -f "$PEER"
fi
if [ -x "$PEER" ]; then
	have_simdjson=1
	measure simdjson "$RUNS" "$DATA/run.simdjson" "$PEER" "$OLD"
	# Its own count of vulnerabilities, and its second parse (of the last run).
	read -r simd_vulns simd_warm_ms <"$DATA/run.simdjson"
	[ "$simd_vulns" = "$VULNS" ] || die "the simdjson peer counted $simd_vulns vulnerabilities, not $VULNS"
	simd_warm=$(awk -v m="$simd_warm_ms" 'BEGIN {printf "%.3f", m / 1000}')
	printf '  %-34s %9s s   (a second parse in the same run, on memory already touched)\n' \
		"simdjson parse only" "$simd_warm"
else
	echo "  simdjson peer: skipped (needs a C++ compiler and libsimdjson-dev)"
fi

echo
echo "commands:"
echo "  cat-devnull        cat $OLD > /dev/null"
echo "  cat-copy           cat $OLD > $COPY"
echo "  normalize-stdout   $BIN normalize $OLD > /dev/null"
echo "  normalize          $BIN normalize -o $OUT $OLD (fsync, rename over the last run's)"
[ $diff_ok = 1 ] && echo "  diff               $BIN diff --json $OUT $NEW > /dev/null"
echo "  update             $BIN update --report R $OLD > /dev/null (R already holds that scan)"
command -v jq >/dev/null 2>&1 && echo "  jq                 jq '$JQ_PROG' $OLD > /dev/null"
[ $have_simdjson = 1 ] && echo "  simdjson           $PEER $OLD (bench/peer_simdjson.cpp: load, parse, walk)"
echo

missed=0
# ratio LABEL VALUE OP TARGET
ratio() {
	verdict=$(awk -v v="$2" -v op="$3" -v t="$4" 'BEGIN {
		ok = (op == ">=") ? (v >= t) : (v <= t); print ok ? "PASS" : "MISS" }')
	[ "$verdict" = PASS ] || missed=$((missed + 1))
	printf '  %-40s %8s   target %s %-4s %s\n' "$1" "$2" "$3" "$4" "$verdict"
}
div() { awk -v a="$1" -v b="$2" 'BEGIN {if (b > 0) printf "%.2f", a / b; else print "inf"}'; }

n=$(get normalize 2)
echo "ratios:"
if command -v jq >/dev/null 2>&1; then
	ratio "jq / normalize (time)" "$(div "$(get jq 2)" "$n")" ">=" 20
fi
# Like against like: to /dev/null against cat to /dev/null, to a file against cat to a file.
ratio "normalize > /dev/null / cat > /dev/null" "$(div "$(get normalize-stdout 2)" "$(get cat-devnull 2)")" "<=" 2
ratio "normalize -o / cat > copy (time)" "$(div "$n" "$(get cat-copy 2)")" "<=" 2
if [ $have_time = 1 ]; then
	ratio "normalize peak RSS / input size" "$(div "$(($(get normalize 3) * 1024))" "$size")" "<=" 2
fi
ratio "update unchanged / normalize (time)" "$(div "$(get update 2)" "$n")" "<=" 2
if [ $diff_ok = 1 ]; then
	ratio "diff / normalize (time)" "$(div "$(get diff 2)" "$n")" "<=" 1.5
fi
if [ $have_simdjson = 1 ]; then
	echo "references (no target):"
	printf '  %-40s %8s\n' "simdjson load+parse / normalize-stdout" \
		"$(div "$(get simdjson 2)" "$(get normalize-stdout 2)")"
	printf '  %-40s %8s\n' "simdjson parse only / cat-devnull" \
		"$(div "$simd_warm" "$(get cat-devnull 2)")"
fi
# The costs no normalize can avoid, as this machine charges them
# (bench/machine.c, median of BENCH_RUNS): reading the input, and memory.
MACHINE="$DATA/machine"
if [ ! -x "$MACHINE" ] || [ "$ROOT/bench/machine.c" -nt "$MACHINE" ]; then
	${CC:-cc} -std=c17 -O2 -Wall -Wextra -Werror -o "$MACHINE" "$ROOT/bench/machine.c" ||
		die "cannot build bench/machine.c"
fi
: >"$DATA/run.machine"
i=0
while [ "$i" -lt "$RUNS" ]; do
	"$MACHINE" "$OLD" >>"$DATA/run.machine" || die "bench/machine.c failed"
	i=$((i + 1))
done
machine() { awk -v n="$1" '$1 == n {print $2}' "$DATA/run.machine" | sort -n |
	awk '{v[NR] = $1} END {printf "%.3f", v[int((NR + 1) / 2)] / 1000}'; }
echo "this machine (bench/machine.c; no target):"
printf '  %-40s %8s s\n' "input read through a 256 KiB buffer" "$(machine read-buffer)" \
	"input read through a mapping" "$(machine read-mapped)" \
	"64 MiB of memory written the first time" "$(machine touch-fresh-64MiB)" \
	"the same 64 MiB written again" "$(machine touch-again-64MiB)"
echo
BENCH_STRICT=1 sh "$ROOT/bench/history.sh" "$BIN" || missed=$((missed + 1))
echo
echo "bench: $missed target(s) missed"
rm -f "$OUT"
echo; sh "$ROOT/bench/fleet.sh" "$BIN" || missed=$((missed + 1)) # many images at once
if [ "${BENCH_STRICT:-0}" = 1 ] && [ $missed -gt 0 ]; then
	exit 1
fi
exit 0
