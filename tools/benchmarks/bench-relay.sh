#!/bin/bash
# bench-relay.sh - login -> relay delay and expiry overshoot, end to end:
# a private Dovecot with the plugin, a private Postfix whose relay
# restriction reads the cdb map, relaytab watch -v keeping the map current,
# and one long-lived client process (relay-probe.py). For each background
# load (live records put in the table by bench-fill) it measures
#   - LOGINS IMAP logins, each from a new address: login OK -> first RCPT
#     answered 250 (p50/p90/p99/max), split into watch and Postfix;
#   - EXPIRIES entries with a GRACE s grace: logout + grace -> RCPT denied
#     again (p50/max).
# Usage: tools/benchmarks/bench-relay.sh [LOGINS [EXPIRIES [LOADS]]]
#   defaults: 100 30 "0 10000 20000 100000"; BENCH_GRACE (default 3),
#   BENCH_DIR (a tmpfs directory for the table, default /dev/shm).
# As root, after a build in _build (tools/bench and "make bench" run it).
set -euo pipefail
LOGINS=${1:-100}
EXPIRIES=${2:-30}
LOADS=${3:-0 10000 20000 100000}
GRACE=${BENCH_GRACE:-3}
top_srcdir=${top_srcdir:-$(cd "$(dirname "$0")/../.." && pwd)}
top_builddir=${top_builddir:-$top_srcdir/_build}
export top_srcdir top_builddir
. "$top_srcdir/tests/tap.sh"
# tap.sh's cleanup stops every tracked pid; under set -e it must not stop
# at the first kill of a process that is already gone
trap 'set +e; tap_cleanup' EXIT
. "$top_srcdir/tests/lib/dovecot-env.sh"
. "$top_srcdir/tests/lib/postfix-env.sh"
PROBE="$top_srcdir/tools/benchmarks/relay-probe.py"
FILL="$top_builddir/tools/benchmarks/bench-fill"
[ -x "$FILL" ] || bail "build $FILL first (make tools/benchmarks/bench-fill)"
RT() { "$RELAYTAB" --table "$DC_TABLE" "$@"; }

# wait_keys K: until the map holds K keys (<= 60 s)
wait_keys() {
	local keys end=$((SECONDS + 60))
	while keys=$(python3 "$PROBE" keys "$M/relay.cdb") && [ "$keys" != "$1" ]; do
		[ $SECONDS -le $end ] || bail "relaytab watch did not write a map of $1 keys (has $keys)"
		sleep 0.1
	done
	[ "$keys" = "$1" ] || bail "cannot count the keys in $M/relay.cdb"
}
# set_grace G: rewrite the configuration, SIGHUP watch, wait until it re-read it
set_grace() {
	local n i=0
	n=$(grep -c 're-read the configuration' "$T/watch.log" || true)
	printf 'grace = %s\npostfix-cdb = %s\n' "$1" "$M/relay" > "$T/relaytab.conf"
	kill -HUP "$WATCH"
	while [ "$(grep -c 're-read the configuration' "$T/watch.log" || true)" -le "$n" ]; do
		i=$((i + 1))
		[ $i -le 100 ] || bail "relaytab watch did not re-read its configuration"
		sleep 0.05
	done
}

cpu=$(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -n 1)
echo "login -> relay and expiry overshoot - $(date -u '+%Y-%m-%d %H:%M UTC'), $(nproc) cores, ${cpu:-unknown CPU}"
echo "real Dovecot $(dovecot --version | cut -d' ' -f1), Postfix $(postconf -d -h mail_version 2>/dev/null) (cdb map), relaytab watch"
echo "command: tools/benchmarks/bench-relay.sh $LOGINS $EXPIRIES '$LOADS'   (BENCH_GRACE=$GRACE)"

M=$T/maps
mkdir -p "$M"
# the probe logs in from 127.x addresses: allow loopback explicitly
DC_ALLOW_LOOPBACK=yes
dovecot_setup
# The table on tmpfs (BENCH_DIR, default /dev/shm), as /run/relaytab is in
# production: on the disk file system under $T the expiring compile, which
# writes into the shared mapping, took some 10 ms longer here. The maps stay
# on disk, as /var/lib/relaytab is.
TD=$(mktemp -d "${BENCH_DIR:-/dev/shm}/relaytab-bench.XXXXXX")
tap_on_exit "rm -rf '$TD'"
chown root:mail "$TD"
chmod 0770 "$TD"
rmdir "$DC/table"
ln -s "$TD" "$DC/table"
postfix_setup "cdb:$M/relay"
RT create --group mail --mode 0660 --capacity 131072 || bail "relaytab create"
printf 'grace = 30m\npostfix-cdb = %s\n' "$M/relay" > "$T/relaytab.conf"
RT compile --config "$T/relaytab.conf" || bail "first compile"
dovecot_start
postfix_start
"$RELAYTAB" --table "$DC_TABLE" watch -v --config "$T/relaytab.conf" 2>"$T/watch.log" &
WATCH=$!
tap_track_pid "$WATCH"
# its signal handlers are in place once it says so (SIGHUP would kill it before)
end=$((SECONDS + 10))
until grep -q '^relaytab: watching' "$T/watch.log"; do
	[ $SECONDS -le $end ] || bail "relaytab watch did not start: $(cat "$T/watch.log")"
	sleep 0.05
done

loaded=0
next=0      # index of the next unused client address (relay-probe.py addr())
summary=
for load in $LOADS; do
	[ "$load" -ge "$loaded" ] || bail "LOADS must not decrease"
	if [ "$load" -gt "$loaded" ]; then
		# held live (refreshed every second) for the rest of the run
		"$FILL" "$DC_TABLE" "$loaded" $((load - loaded)) 3600 >"$T/fill.out" &
		tap_track_pid $!
		end=$((SECONDS + 60))
		until [ -s "$T/fill.out" ]; do
			kill -0 $! 2>/dev/null || bail "bench-fill failed"
			[ $SECONDS -le $end ] || bail "bench-fill did not finish in 60 s"
			sleep 0.1
		done
		loaded=$load
	fi
	set_grace 30m
	wait_keys "$loaded"
	echo
	echo "== background load: $loaded live records =="
	out=$(python3 "$PROBE" login "$DC_IMAP" "$PF_PORT" "$M/relay.cdb" "$next" "$LOGINS") ||
		bail "relay-probe.py login failed"
	next=$((next + LOGINS))
	printf '%s\n' "$out" | grep -v '^summary '
	sl=$(printf '%s\n' "$out" | sed -n 's/^summary login //p')
	# the logins above expire under the short grace before the next phase
	set_grace "${GRACE}s"
	wait_keys "$loaded"
	out=$(python3 "$PROBE" expiry "$DC_IMAP" "$PF_PORT" "$M/relay.cdb" "$next" "$EXPIRIES" "$GRACE") ||
		bail "relay-probe.py expiry failed"
	next=$((next + EXPIRIES))
	printf '%s\n' "$out" | grep -v '^summary '
	se=$(printf '%s\n' "$out" | sed -n 's/^summary expiry //p')
	summary="$summary$loaded $sl $se
"
done

v() { printf '%s\n' "$1" | tr ' ' '\n' | sed -n "s/^$2=//p"; }
echo
echo "summary, all in ms: login -> relay over $LOGINS logins (goal p99 <= 100 ms), of which watch"
echo "(login OK -> map renamed) and Postfix (-> RCPT 250); expiry overshoot past logout + ${GRACE} s grace over"
echo "$EXPIRIES entries (goal max <= 1000 ms), and the part after last_seen + grace, last_seen being the logout rounded to the second (watch + Postfix)"
fmt='%-7s | %6s %6s %6s %6s | %9s %11s | %8s %8s | %15s\n'
printf "$fmt" load p50 p90 p99 max "watch p99" "Postfix p99" "over p50" "over max" "after-expiry max"
printf '%s' "$summary" | while read -r load rest; do
	printf "$fmt" "$load" \
		"$(v "$rest" p50)" "$(v "$rest" p90)" "$(v "$rest" p99)" "$(v "$rest" max)" \
		"$(v "$rest" watch_p99)" "$(v "$rest" postfix_p99)" \
		"$(v "$rest" over_p50)" "$(v "$rest" over_max)" "$(v "$rest" second_max)"
done
restarts=$(grep -c 'has changed -- restarting' "$PF/maillog" 2>/dev/null || true)
echo "Postfix restarted an smtpd for a changed map $restarts times"
kill -TERM "$WATCH"
wait "$WATCH" || true
