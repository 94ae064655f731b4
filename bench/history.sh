#!/bin/sh
# Benchmarks `cvetrail history` against `git log -p` on the same file.
#
#   sh bench/history.sh BIN
#
# Input: a git repository of BENCH_HISTORY_DAYS (365) daily commits of a
# canonical report of BENCH_HISTORY_FINDINGS (3000) findings (about 2.4 MB),
# with daily churn (a few findings fixed and new, a severity change every few
# days) and a ledger commit every week, made by bench/gen_history.c through
# `git fast-import` and cached in bench/data/history-repo (BENCH_DATA moves
# it). Both commands run BENCH_HISTORY_RUNS (3) times back to back; the
# median wall-clock seconds are compared.
# Target (issue): cvetrail no slower than git printing the patches, i.e.
#   history / git log -p <= 1.0
# BENCH_STRICT=1 makes a missed target fail the run (exit 1).
set -eu

ROOT=$(cd "$(dirname "$0")/.." && pwd)
BIN=${1:-"$ROOT/build/cvetrail"}
case $BIN in /*) ;; *) BIN="$PWD/$BIN" ;; esac
FINDINGS=${BENCH_HISTORY_FINDINGS:-3000}
DAYS=${BENCH_HISTORY_DAYS:-365}
RUNS=${BENCH_HISTORY_RUNS:-3}
SEED=${BENCH_SEED:-1}
DATA=${BENCH_DATA:-"$ROOT/bench/data"}

die() {
	echo "bench history: $*" >&2
	exit 2
}

[ -x "$BIN" ] || die "$BIN is not an executable (run make first)"
command -v git >/dev/null 2>&1 || die "git is not installed"
mkdir -p "$DATA"

# ---- input: generated once, regenerated when the generator or its arguments change
GEN="$DATA/gen_history"
REPO="$DATA/history-repo"
STAMP="$DATA/history-repo.stamp"
want_stamp="$(cksum <"$ROOT/bench/gen_history.c") $FINDINGS $DAYS $SEED"
if [ ! -x "$GEN" ] || [ "$ROOT/bench/gen_history.c" -nt "$GEN" ]; then
	${CC:-cc} -std=c17 -D_GNU_SOURCE -O2 -o "$GEN" "$ROOT/bench/gen_history.c" ||
		die "cannot build the generator"
fi
if [ ! -d "$REPO/.git" ] || [ "$(cat "$STAMP" 2>/dev/null)" != "$want_stamp" ]; then
	echo "generating a repository of $DAYS daily commits of $FINDINGS findings in $REPO (once) ..."
	t0=$(date +%s)
	rm -rf "$REPO" "$STAMP"
	mkdir -p "$REPO"
	(
		cd "$REPO" &&
			GIT_CONFIG_NOSYSTEM=1 git init -q . &&
			"$GEN" -n "$FINDINGS" -d "$DAYS" -s "$SEED" | git fast-import --quiet &&
			git symbolic-ref HEAD refs/heads/main &&
			git reset -q --hard
	) || die "cannot generate the repository"
	echo "$want_stamp" >"$STAMP"
	echo "  took $(($(date +%s) - t0)) s"
fi

now_ns() { date +%s%N; }

# median_of RUNS COMMAND...: runs COMMAND (stdout to /dev/null) RUNS times in
# $REPO; prints the median wall-clock seconds. A failing run aborts.
median_of() {
	runs=$1
	shift
	times=""
	i=0
	while [ "$i" -lt "$runs" ]; do
		t0=$(now_ns)
		(cd "$REPO" && "$@" >/dev/null 2>"$DATA/history-stderr.txt") || {
			sed 's/^/  /' "$DATA/history-stderr.txt" >&2
			die "failed: $*"
		}
		t1=$(now_ns)
		times="$times $((t1 - t0))"
		i=$((i + 1))
	done
	echo "$times" | tr ' ' '\n' | sed '/^$/d' | sort -n |
		awk '{v[NR] = $1} END {printf "%.3f", v[int((NR + 1) / 2)] / 1e9}'
}

commits=$(cd "$REPO" && git rev-list --count HEAD)
size=$(wc -c <"$REPO/cvetrail-report.json" | tr -d ' ')
echo "cvetrail history benchmark: $($BIN --version 2>/dev/null || echo "$BIN")"
echo "machine: $(nproc) cores, $(awk '/model name/ {sub(/.*: /, ""); print; exit}' /proc/cpuinfo)"
printf 'input: %s commits, report of %s findings (%s MB now); median of %s runs, warm cache\n' \
	"$commits" "$FINDINGS" "$(awk -v b="$size" 'BEGIN {printf "%.1f", b / 1e6}')" "$RUNS"
(cd "$REPO" && git log -p --first-parent -- cvetrail-report.json >/dev/null) # warm the cache
history_s=$(median_of "$RUNS" "$BIN" history --json)
git_s=$(median_of "$RUNS" git log -p --first-parent -- cvetrail-report.json)
printf '  %-58s %8s s\n' "cvetrail history --json > /dev/null" "$history_s"
printf '  %-58s %8s s\n' "git log -p --first-parent -- cvetrail-report.json > /dev/null" "$git_s"
ratio=$(awk -v a="$history_s" -v b="$git_s" 'BEGIN {if (b > 0) printf "%.2f", a / b; else print "inf"}')
verdict=$(awk -v r="$ratio" 'BEGIN {print (r != "inf" && r <= 1.0) ? "PASS" : "MISS"}')
printf '  %-58s %8s   target <= 1.0 %s\n' "ratio history / git log -p (time)" "$ratio" "$verdict"
rm -f "$DATA/history-stderr.txt"
if [ "${BENCH_STRICT:-0}" = 1 ] && [ "$verdict" = MISS ]; then
	exit 1
fi
exit 0
