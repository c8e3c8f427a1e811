#!/bin/sh
# serve.sh - relaytab serve against a real Postfix (socketmap:) and a real
# Dovecot: relay is granted on the very next connection after an add or an
# IMAP login, with no compile; denied again right after the grace and after
# a del; a missing table gives 4xx, never 250; Postfix never restarts smtpd;
# garbage and many connections don't disturb it; SIGHUP keeps connections.
. "$top_srcdir/tests/tap.sh"
. "$top_srcdir/tests/lib/dovecot-env.sh"
. "$top_srcdir/tests/lib/postfix-env.sh"

SMCLIENT=$top_srcdir/tests/serve/smclient.py
RT() { "$RELAYTAB" --table "$DC_TABLE" "$@"; }

chmod 0711 "$T"
mkdir -p "$T/sm"
# the socket's directory has the mode the shipped tmpfiles.d gives
# /run/relaytab (its group is not Postfix's): Postfix must still reach it
rundir_mode=$(awk '$1 == "d" && $2 == "/run/relaytab" { print $3 }' "$top_srcdir/tools/systemd/relaytab.tmpfiles")
chmod "$rundir_mode" "$T/sm" || bail "no mode for /run/relaytab in relaytab.tmpfiles"
SOCK=$T/sm/socketmap
# the IMAP clients log in from 127.0.0.x: allow loopback explicitly
DC_ALLOW_LOOPBACK=yes
dovecot_setup
postfix_setup "socketmap:unix:$SOCK:relay"
RT create --group mail --mode 0660 || bail "relaytab create"
# the group by name; a Postfix in another root has its own gid for it: by number
group=postfix
[ -n "${POSTFIX_ROOT:-}" ] && group=$PF_GID
printf 'grace = 3s\nserve-socket = %s\nserve-socket-group = %s\n' "$SOCK" "$group" > "$T/relaytab.conf"
"$RELAYTAB" --table "$DC_TABLE" serve --config "$T/relaytab.conf" -v 2> "$T/serve.log" &
SERVE=$!
tap_track_pid $SERVE
wait_socket "$SOCK"
ok "serve creates its socket" [ -S "$SOCK" ]
is "$(stat -c '%a %g' "$SOCK")" "660 $PF_GID" "the socket has the configured mode and group ($group)"
dovecot_start
postfix_start

is "$(rcpt 127.0.0.2)" 554 "127.0.0.2 (no login) may not relay"
RT add 127.0.0.2
is "$(rcpt 127.0.0.2)" 250 "after relaytab add, the very next connection may relay (no compile)"
like "$(imap_login 127.0.0.3 alice alicepw)" '^a1 OK' "IMAP login from 127.0.0.3"
is "$(rcpt 127.0.0.3)" 250 "after the IMAP login, 127.0.0.3 may relay on the next connection"
is "$(rcpt 127.0.0.4)" 554 "127.0.0.4 still may not"

RT del 127.0.0.2
is "$(rcpt 127.0.0.2)" 554 "after relaytab del, 127.0.0.2 is denied on the next connection"

RT add 127.0.0.5
added=$(now_ms)
ms=$(poll_rcpt 127.0.0.5 554)
past=$(( $(now_ms) - added - 3000 ))
printf '# 127.0.0.5 was denied again %s ms past its 3 s grace (one sample; rcpt polling ~20 ms + one SMTP session)\n' "$past"
[ "$ms" = timeout ] && past=99999
ok "denied again within the grace + 1 s (+0.5 s polling slack; $past ms past it)" [ "$past" -le 1500 ]

RT add 127.0.0.3	# the grace is 3 s: keep 127.0.0.3 live for what follows
is "$(python3 "$SMCLIENT" query "$SOCK" 'relay unknown' 'relay 127.0.0.3' 'relaytab IPv6:0:0:0:0:0:0:0:1' 'nosuch 127.0.0.3')" \
	"NOTFOUND 
OK OK
NOTFOUND 
PERM unknown map name \"nosuch\"" "socketmap replies: unknown, live, Sendmail IPv6 spelling, unknown map"

mv "$DC_TABLE" "$DC_TABLE.away"
sleep 0.3
code=$(rcpt 127.0.0.3)
like "$code" '^4' "with the table gone, Postfix answers 4xx (got $code), not 250"
like "$(python3 "$SMCLIENT" query "$SOCK" 'relay 127.0.0.3')" '^TEMP ' "... because serve answers TEMP"
mv "$DC_TABLE.away" "$DC_TABLE"
RT add 127.0.0.3
sleep 0.3
is "$(rcpt 127.0.0.3)" 250 "with the table back, 127.0.0.3 may relay again"

# a connection survives SIGHUP (the config now also excludes 127.0.0.3)
RT add 127.0.0.3
python3 - "$SOCK" "$T/relaytab.conf" $SERVE > "$T/hup.out" 2>&1 <<'PY'
import os, signal, sys, time
sys.path.insert(0, os.path.join(os.environ["top_srcdir"], "tests", "serve"))
import smclient
s = smclient.connect(sys.argv[1])
before = smclient.ask(s, "relay 127.0.0.3")
with open(sys.argv[2], "a") as f:
    f.write("exclude = 127.0.0.3/32\n")
os.kill(int(sys.argv[3]), signal.SIGHUP)
time.sleep(0.5)
after = smclient.ask(s, "relay 127.0.0.3")
print(before, "|", after)
PY
is "$(cat "$T/hup.out")" "OK OK | NOTFOUND " "SIGHUP re-reads the settings and keeps the connection open"

is "$(python3 "$SMCLIENT" stress "$SOCK" 150 3 2>"$T/stress.err")" ok "150 connections, a third garbage and a third oversized: every valid request answered"
[ -s "$T/stress.err" ] && diag "stress client: $(tail -n 3 "$T/stress.err")"
ok "serve is still running" kill -0 $SERVE
is "$(rcpt 127.0.0.4)" 554 "and Postfix still gets correct answers (127.0.0.4 denied)"
RT add 127.0.0.4
is "$(rcpt 127.0.0.4)" 250 "(127.0.0.4 allowed right after its add)"

# a connection limit: with --max-connections 3, a 4th connection is closed
# at once; when one closes, a new one is served again
"$RELAYTAB" --table "$DC_TABLE" serve --config /dev/null --socket "$T/sm/limited" \
	--max-connections 3 2> "$T/limited.log" &
LIMITED=$!
tap_track_pid $LIMITED
wait_socket "$T/sm/limited"
is "$(python3 - "$T/sm/limited" <<'PY'
import os, sys
sys.path.insert(0, os.path.join(os.environ["top_srcdir"], "tests", "serve"))
import smclient
held = [smclient.connect(sys.argv[1]) for _ in range(3)]
answers = [smclient.ask(s, "relay 127.0.0.4") for s in held]
extra = smclient.connect(sys.argv[1])
try:
    smclient.ask(extra, "relay 127.0.0.4")
    fourth = "answered"
except (EOFError, OSError):
    fourth = "closed"
held.pop().close()
import time; time.sleep(0.2)
again = smclient.connect(sys.argv[1])
print(answers[0], "|", fourth, "|", smclient.ask(again, "relay 127.0.0.4"))
PY
)" "OK OK | closed | OK OK" "connection limit: the 4th of 3 is closed at once, served again after one leaves"
like "$(cat "$T/limited.log")" 'all serve-max-connections are busy' "... and the limit is logged"
kill -TERM $LIMITED; wait $LIMITED

# socket activation: the listening socket passed by systemd (LISTEN_FDS)
if command -v systemd-socket-activate >/dev/null; then
	systemd-socket-activate -l "$T/sm/activated" "$RELAYTAB" --table "$DC_TABLE" serve \
		--config /dev/null --socket "$T/sm/unused" 2> "$T/activated.log" &
	ACT=$!
	tap_track_pid $ACT
	wait_socket "$T/sm/activated"
	is "$(python3 "$SMCLIENT" query "$T/sm/activated" 'relay 127.0.0.4' 'relay 127.0.0.9')" "OK OK
NOTFOUND " "socket activation: serve answers on the socket systemd passed"
	ok "... and creates no socket of its own" [ ! -e "$T/sm/unused" ]
	kill -TERM $ACT; wait $ACT
	# activated, serve-listen still listens (it was ignored while the start
	# line claimed it), and the start line names what serve really opened
	APORT=$(python3 "$top_srcdir/tests/lib/mailclient.py" free-port)
	systemd-socket-activate -l "$T/sm/act-tcp" "$RELAYTAB" --table "$DC_TABLE" serve \
		--config /dev/null --listen "127.0.0.1:$APORT" --policy-socket "$T/sm/act-nopol" \
		2> "$T/activated-tcp.log" &
	ACT=$!
	tap_track_pid $ACT
	wait_socket "$T/sm/act-tcp"
	is "$(python3 "$SMCLIENT" query "$T/sm/act-tcp" 'relay 127.0.0.4')" "OK OK" \
		"socket activation with serve-listen: serve answers on the socket systemd passed"
	is "$(python3 "$SMCLIENT" query "127.0.0.1:$APORT" 'relay 127.0.0.4')" "OK OK" \
		"... and on the TCP address too (it was ignored)"
	like "$(cat "$T/activated-tcp.log")" "on $T/sm/act-tcp \\(systemd\\) and 127\\.0\\.0\\.1:$APORT" \
		"... and the start line names both"
	like "$(cat "$T/activated-tcp.log")" "warning: serve-policy-socket $T/sm/act-nopol is not opened: systemd passed the sockets" \
		"... while a unix socket that is not in the socket unit is named in a warning"
	kill -TERM $ACT; wait $ACT
	# two sockets, the second named "policy" (FileDescriptorName=policy)
	systemd-socket-activate -l "$T/sm/act-sm" -l "$T/sm/act-pol" --fdname=relaytab-serve.socket:policy \
		"$RELAYTAB" --table "$DC_TABLE" serve --config /dev/null 2> "$T/activated2.log" &
	ACT=$!
	tap_track_pid $ACT
	wait_socket "$T/sm/act-pol"
	is "$(python3 "$SMCLIENT" query "$T/sm/act-sm" 'relay 127.0.0.4')" "OK OK" \
		"socket activation, two sockets: the unnamed one answers socketmap"
	is "$(python3 - "$T/sm/act-pol" <<'PY'
import socket, sys
s = socket.socket(socket.AF_UNIX)
s.settimeout(5)
s.connect(sys.argv[1])
s.sendall(b"request=smtpd_access_policy\nclient_address=127.0.0.4\n\n"
          b"request=smtpd_access_policy\nclient_address=127.0.0.9\n\n")
out = b""
while out.count(b"\n\n") < 2:
    d = s.recv(4096)
    if not d:
        break
    out += d
print(out.decode().replace("\n\n", " ").strip())
PY
)" "action=OK action=DUNNO" "... and the one named policy answers the policy protocol"
	kill -TERM $ACT; wait $ACT
else
	skip 8 "systemd-socket-activate is not installed"
fi

restarts=$(grep -c 'has changed -- restarting' "$PF/maillog" 2>/dev/null || true)
is "$restarts" 0 "Postfix never restarted smtpd for a map change"
kill -TERM $SERVE; wait $SERVE
is $? 0 "serve stops cleanly on SIGTERM"
ok "and removes its socket" [ ! -e "$SOCK" ]
like "$(tail -n 1 "$T/serve.log")" 'serve stopped \([0-9]+ requests' "and logs a summary"
postfix_stop
dovecot_stop
tap_done
