#!/bin/sh
# bench-login.sh - IMAP login wall time with and without the relaytab
# plugin: three private Dovecot instances, identical but for mail_plugins
# (relaytab; none; Dovecot's notify plugin, which by itself does nothing),
# N logins to each, interleaved in one run. Prints medians and the ratios.
# Usage: tools/benchmarks/bench-login.sh [N]   (as root; default N 200)
# Dovecot 2.4 of a Debian 13 root: tools/check-dovecot24 --bench-login [N].
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
# instance B: the same configuration without the plugin; instance C: with
# Dovecot's own notify plugin (which does nothing by itself) instead, to
# tell relaytab's cost from what loading any mail plugin costs
other_instance() { # NAME SED-ARGS...: starts it, its IMAP port in OI_PORT
	_n=$1; shift
	_d=$T/dovecot-$_n; mkdir -p "$_d/run" "$_d/state"
	OI_PORT=$(python3 "$MAILCLIENT" free-port)
	sed -e "s|^base_dir = .*|base_dir = $_d/run|; s|^state_dir = .*|state_dir = $_d/state|" \
	    -e "s|^log_path = .*|log_path = $_d/dovecot.log|; s|^instance_name = .*|instance_name = relaytab-bench-$_n-$$|" \
	    -e "s|port = $DC_IMAP|port = $OI_PORT|; s|port = $DC_POP3|port = 0|; s|port = $DC_LMTP|port = 0|" \
	    "$@" "$DC/dovecot.conf" > "$_d/dovecot.conf"
	$DC_RUN dovecot -c "$_d/dovecot.conf" </dev/null >/dev/null 2>&1 ||
		bail "dovecot $_n did not start"
	_i=0
	while [ ! -s "$_d/run/master.pid" ] && [ $_i -lt 100 ]; do sleep 0.1; _i=$((_i + 1)); done
	tap_track_pid "$(cat "$_d/run/master.pid")"
}
other_instance b -e "s|mail_plugins = \$mail_plugins relaytab|mail_plugins = \$mail_plugins|" \
	-e "s|^    relaytab = yes|    relaytab = no|"
B_PORT=$OI_PORT
other_instance c -e "s|mail_plugins = \$mail_plugins relaytab|mail_plugins = \$mail_plugins notify|" \
	-e "s|^    relaytab = yes|    notify = yes|" \
	-e "s|^mail_plugin_dir = .*|mail_plugin_dir = /usr/lib/dovecot/modules|"
C_PORT=$OI_PORT
grep -Eq 'mail_plugins.*relaytab|relaytab = yes' "$T/dovecot-b/dovecot.conf" "$T/dovecot-c/dovecot.conf" &&
	bail "B or C still loads the plugin"
sleep 1
python3 - "$A_PORT" "$B_PORT" "$C_PORT" "$N" "$top_srcdir/tests/lib" "Dovecot $($DC_RUN dovecot --version | cut -d' ' -f1)" <<'PY'
import sys, time, statistics, io, contextlib
sys.path.insert(0, sys.argv[5])
import mailclient
a, b, c, n = int(sys.argv[1]), int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4])
ports = [a, b, c]
times = {p: [] for p in ports}
for i in range(n):
    for port in ports[i % 3:] + ports[:i % 3]:   # each first in turn
        t0 = time.perf_counter()
        with contextlib.redirect_stdout(io.StringIO()):
            rc = mailclient.imap("127.0.0.1", port, "127.0.0.2", "alice", "alicepw", [])
        times[port].append(time.perf_counter() - t0)
        if rc != 0:
            sys.exit("login failed")
m = {p: statistics.median(times[p]) * 1000 for p in ports}
print("IMAP login (connect, LOGIN, LOGOUT), %d each, interleaved A/B/C, %s:" % (n, sys.argv[6]))
for p, name in ((a, "with relaytab        "), (b, "without a plugin     "), (c, "with Dovecot's notify")):
    print("  %s: median %.2f ms, mean %.2f ms" % (name, m[p], statistics.mean(times[p]) * 1000))
print("  ratio with/without (medians): %.3f" % (m[a] / m[b]))
print("  ratio relaytab/notify (medians; the cost of relaytab beyond loading a plugin): %.3f" % (m[a] / m[c]))
PY
"$RELAYTAB" --table "$DC_TABLE" query 127.0.0.2 && echo "  (the plugin recorded 127.0.0.2: $("$RELAYTAB" --table "$DC_TABLE" list | awk '{print $NF}') logins)"
