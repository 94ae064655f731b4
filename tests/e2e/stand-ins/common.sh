# Behaviour shared by the stand-in scanners (./trivy, ./grype) that
# tests/e2e/scan.sh puts first in PATH. The caller sets STANDIN_NAME.
# Environment read:
#   STANDIN_MODE    ok (default): copy STANDIN_REPORT to the report path;
#                   fail: a message on stderr, exit 1;  noisy: 30 lines on stderr, exit 3;
#                   empty: leave the report file empty; truncated: half of STANDIN_REPORT;
#                   garbage: valid JSON that is no scanner's report; signal: kill itself (KILL);
#                   hang: sleep 30 in a child; stubborn: the same, ignoring SIGTERM
#   STANDIN_REPORT  the recorded report
#   STANDIN_ARGV    when set, the arguments are written there, one per line
#   STANDIN_INFO    when set, "stdin=<what fd 0 is>" and "secret=$STANDIN_SECRET" go there
#   STANDIN_PIDS    when set, the pids of the stand-in and of its sleeping child go there
out=
for arg in "$@"; do
	case $STANDIN_NAME:$arg in
	trivy:--output=*) out=${arg#--output=} ;;
	grype:--file=*) out=${arg#--file=} ;;
	esac
done
if [ -n "${STANDIN_ARGV:-}" ]; then
	: >"$STANDIN_ARGV"
	for arg in "$@"; do printf '%s\n' "$arg" >>"$STANDIN_ARGV"; done
fi
if [ -n "${STANDIN_INFO:-}" ]; then
	printf 'stdin=%s\nsecret=%s\nout=%s\n' "$(readlink /proc/$$/fd/0)" "${STANDIN_SECRET:-}" \
		"$out" >"$STANDIN_INFO"
fi
if [ -z "$out" ]; then
	echo "$STANDIN_NAME stand-in: no report path in the arguments" >&2
	exit 99
fi
# Whatever a scanner prints on standard output must not reach cvetrail's.
echo "$STANDIN_NAME stand-in: progress noise on stdout"
case ${STANDIN_MODE:-ok} in
ok)
	cat "$STANDIN_REPORT" >"$out" ;;
fail)
	echo "2026-01-01T00:00:00Z INFO noise before the error" >&2
	echo "2026-01-01T00:00:00Z FATAL unable to pull image: unauthorized" >&2
	exit 1 ;;
noisy)
	i=1
	while [ $i -le 30 ]; do
		printf 'noise-%02d\n' $i >&2
		i=$((i + 1))
	done
	exit 3 ;;
empty)
	: >"$out" ;;
truncated)
	size=$(wc -c <"$STANDIN_REPORT")
	head -c $((size / 2)) "$STANDIN_REPORT" >"$out" ;;
garbage)
	echo '{"hello": "world"}' >"$out" ;;
signal)
	kill -KILL $$ ;;
hang | stubborn)
	[ "$STANDIN_MODE" = stubborn ] && trap '' TERM
	sleep 30 &
	[ -n "${STANDIN_PIDS:-}" ] && printf '%s\n%s\n' $$ $! >"$STANDIN_PIDS"
	wait
	cat "$STANDIN_REPORT" >"$out" ;;
*)
	echo "$STANDIN_NAME stand-in: unknown STANDIN_MODE $STANDIN_MODE" >&2
	exit 98 ;;
esac
exit 0
