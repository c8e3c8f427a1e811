# tap.sh - TAP helpers for the shell tests; source it, then call ok/is/...
# and finish with tap_done. Also: a per-test scratch dir ($T) that is
# removed on exit, and a cleanup list of pids to stop whatever happens.
#
#   . "$top_srcdir/tests/tap.sh"
#   is "$(relaytab query 192.0.2.1; echo $?)" 1 "query of an absent IP"
#   tap_done

tap_n=0
tap_fail=0
tap_pids=
tap_cleanups=

tap_result() { # cond-status message
	tap_n=$((tap_n + 1))
	if [ "$1" -eq 0 ]; then
		echo "ok $tap_n - $2"
	else
		tap_fail=$((tap_fail + 1))
		echo "not ok $tap_n - $2"
	fi
}
ok() { # message command...
	_m=$1; shift
	if "$@"; then tap_result 0 "$_m"; else tap_result 1 "$_m"; fi
}
is() { # got want message
	if [ "x$1" = "x$2" ]; then
		tap_result 0 "$3"
	else
		tap_result 1 "$3"
		printf '# got "%s", want "%s"\n' "$1" "$2"
	fi
}
like() { # got extended-regex message
	if printf '%s\n' "$1" | grep -Eq -- "$2"; then
		tap_result 0 "$3"
	else
		tap_result 1 "$3"
		printf '# got "%s", want a match of /%s/\n' "$1" "$2"
	fi
}
diag() { printf '# %s\n' "$*"; }
skip_all() { echo "1..0 # SKIP $*"; exit 0; }
skip() { # n reason
	_i=0
	while [ $_i -lt "$1" ]; do
		tap_n=$((tap_n + 1)); _i=$((_i + 1))
		echo "ok $tap_n # SKIP $2"
	done
}
bail() { echo "Bail out! $*"; exit 1; }
tap_done() {
	[ "$tap_n" -gt 0 ] || bail "no checks ran"
	echo "1..$tap_n"
	[ "$tap_fail" -eq 0 ]
}

# Stop every pid registered with tap_track_pid, run registered cleanup
# commands, and remove $T - on any exit.
tap_track_pid() { tap_pids="$tap_pids $1"; }
# wait_socket PATH: wait (at most 5 s) until PATH is a socket
wait_socket() {
	_w=0
	while [ ! -S "$1" ] && [ $_w -lt 100 ]; do sleep 0.05; _w=$((_w + 1)); done
}
tap_on_exit() { tap_cleanups="$tap_cleanups
$*"; }
tap_cleanup() {
	for _p in $tap_pids; do
		kill "$_p" 2>/dev/null
	done
	for _p in $tap_pids; do
		_w=0
		while kill -0 "$_p" 2>/dev/null && [ $_w -lt 50 ]; do
			sleep 0.1; _w=$((_w + 1))
		done
		kill -9 "$_p" 2>/dev/null
	done
	[ -n "$tap_cleanups" ] && eval "$tap_cleanups"
	[ -n "${T:-}" ] && [ -d "$T" ] && [ -z "${KEEP_TEST_DIR:-}" ] && rm -rf "$T"
}
trap tap_cleanup EXIT
trap 'exit 130' INT TERM

# Debian's python3 for the test clients: a pyenv shim in front of it costs
# 0.1-2 s per start, which would swamp the delays the tests measure.
[ -x /usr/bin/python3 ] && PATH=/usr/bin:$PATH
: "${top_builddir:=$(cd "$(dirname "$0")/.." && pwd)}"
: "${top_srcdir:=$top_builddir}"
T=$(mktemp -d "${TMPDIR:-/tmp}/relaytab-test.XXXXXX") || bail "mktemp failed"
chmod 0755 "$T"
RELAYTAB="$top_builddir/relaytab/relaytab"
