#!/bin/sh
# bench-login.sh - IMAP login wall time with and without the relaytab
# plugin: two private Dovecot instances (identical but for mail_plugins),
# N logins to each, interleaved A/B in one run. Prints medians and the ratio.
# Usage: tools/benchmarks/bench-login.sh [N]   (as root; default N 200)
N=${1:-200}
top_srcdir=${top_srcdir:-$(cd "$(dirname "$0")/../.." && pwd)}
top_builddir=${top_builddir:-$top_srcdir/_build}
. "$top_srcdir/tests/tap.sh"
. "$top_srcdir/tests/lib/dovecot-env.sh"
# the logins come from 127.0.0.x: allow loopback explicitly
DC_ALLOW_LOOPBACK=yes
dovecot_setup
"$RELAYTAB" --table "$DC_TABLE" create --group mail --mode 0660 --capacity 4096
dovecot_start
A_PORT=$DC_IMAP; A_MASTER=$DC_MASTER
# instance B: the same configuration without the plugin
B=$T/dovecot-b; mkdir -p "$B/run" "$B/state"
B_PORT=$(python3 "$MAILCLIENT" free-port)
sed -e "s|^base_dir = .*|base_dir = $B/run|; s|^state_dir = .*|state_dir = $B/state|" \
    -e "s|^log_path = .*|log_path = $B/dovecot.log|; s|^instance_name = .*|instance_name = relaytab-bench-b-$$|" \
    -e "s|mail_plugins = \$mail_plugins relaytab|mail_plugins = \$mail_plugins|" \
    -e "s|port = $DC_IMAP|port = $B_PORT|; s|port = $DC_POP3|port = 0|; s|port = $DC_LMTP|port = 0|" \
    "$DC/dovecot.conf" > "$B/dovecot.conf"
dovecot -c "$B/dovecot.conf" || bail "second dovecot"
sleep 1
tap_track_pid "$(cat "$B/run/master.pid")"
python3 - "$A_PORT" "$B_PORT" "$N" "$top_srcdir/tests/lib" <<'PY'
import sys, time, statistics, io, contextlib
sys.path.insert(0, sys.argv[4])
import mailclient
a, b, n = int(sys.argv[1]), int(sys.argv[2]), int(sys.argv[3])
times = {a: [], b: []}
for i in range(n):
    for port in ((a, b) if i % 2 == 0 else (b, a)):
        t0 = time.perf_counter()
        with contextlib.redirect_stdout(io.StringIO()):
            rc = mailclient.imap("127.0.0.1", port, "127.0.0.2", "alice", "alicepw", [])
        times[port].append(time.perf_counter() - t0)
        if rc != 0:
            sys.exit("login failed")
ma, mb = statistics.median(times[a]) * 1000, statistics.median(times[b]) * 1000
print("IMAP login (connect, LOGIN, LOGOUT), %d each, interleaved A/B:" % n)
print("  with the plugin   : median %.2f ms, mean %.2f ms" % (ma, statistics.mean(times[a]) * 1000))
print("  without the plugin: median %.2f ms, mean %.2f ms" % (mb, statistics.mean(times[b]) * 1000))
print("  ratio with/without (medians): %.3f" % (ma / mb))
PY
"$RELAYTAB" --table "$DC_TABLE" query 127.0.0.2 && echo "  (the plugin recorded 127.0.0.2: $("$RELAYTAB" --table "$DC_TABLE" list | awk '{print $NF}') logins)"
