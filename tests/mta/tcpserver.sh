#!/bin/sh
# tcpserver.sh - the tcprules map (relaytab compile --tcprules) against the
# real tcpserver of Debian 12's ucspi-tcp (IPv4) and ucspi-tcp-ipv6, run
# with -x on the map relaytab watch writes, in a network namespace the
# test creates, after real Dovecot logins. The program tcpserver runs
# reports what qmail-smtpd would see (RELAYCLIENT, and a variable of the
# site's own rules); qmail itself is not in Debian 12. Denied before a
# login, allowed after, another address not, the site's deny and its
# variables kept, IPv6 by /64 in the IPv6 build, denied again after the
# grace.
. "$top_srcdir/tests/tap.sh"
. "$top_srcdir/tests/lib/netns.sh"
. "$top_srcdir/tests/lib/dovecot-env.sh"
. "$top_srcdir/tests/lib/tcpserver-env.sh"

tcpserver_unpack
netns_up relaytab-ts 2001:db8:1:2::5 2001:db8:1:2::9 2001:db8:1:3::5 2001:db8:0:5::1
RT() { "$RELAYTAB" --table "$DC_TABLE" "$@"; }
now_ms() { date +%s%3N; }
# ask SRC PORT: what the program tcpserver runs on PORT saw for a client
# at SRC ("denied" if tcpserver closed the connection first)
ask() {
	$NETNS_EXEC python3 -c '
import socket, sys
src, port = sys.argv[1], int(sys.argv[2])
fam = socket.AF_INET6 if ":" in src else socket.AF_INET
s = socket.socket(fam)
s.settimeout(5)
s.bind((src, 0))
s.connect(("::1" if fam == socket.AF_INET6 else "127.0.0.1", port))
got = b""
while True:
    b = s.recv(200)
    if not b:
        break
    got += b
print(got.decode().strip() or "denied")' "$1" "$2"
}
# poll_ask SRC PORT WANT: until ask answers WANT, at most 10 s; prints ms
poll_ask() {
	_s=$(now_ms); _i=0
	while [ $_i -lt 500 ]; do
		[ "$(ask "$1" "$2")" = "$3" ] && { echo $(( $(now_ms) - _s )); return 0; }
		sleep 0.02; _i=$((_i + 1))
	done
	echo timeout
	return 1
}

DC_LISTEN="127.0.0.1, ::1"
DC_ALLOW_LOOPBACK=yes	# the IPv4 clients are on 127.0.0.x
dovecot_setup
RT create --group mail --mode 0660 || bail "relaytab create"
# the site's own rules, as the administrator keeps them for tcprules
cat > "$T/tcp.smtp" <<'EOF'
# no mail from 127.0.0.4 at all
127.0.0.4:deny
127.:allow,SITE="local"
:allow
EOF
printf 'grace = 6s\nipv6-prefix = 64\ntcprules = %s\n' "$T/tcp.smtp" > "$T/relaytab.conf"
RT compile --config "$T/relaytab.conf" || bail "first compile"
ok "compile merges the site's rules into tcp.smtp.cdb" [ -s "$T/tcp.smtp.cdb" ]
printf '#!/bin/sh\necho "$TCPREMOTEIP ${RELAYCLIENT+relay}${RELAYCLIENT-norelay} ${SITE:-nosite}"\n' > "$T/report"
chmod 0755 "$T/report"
dovecot_start
"$RELAYTAB" --table "$DC_TABLE" watch --config "$T/relaytab.conf" 2>"$T/watch.log" &
WATCH=$!
tap_track_pid $WATCH
P4=$(python3 "$MAILCLIENT" free-port) P6=$(python3 "$MAILCLIENT" free-port)
$NETNS_EXEC "$TS4/tcpserver" -H -R -l0 -x "$T/tcp.smtp.cdb" 127.0.0.1 "$P4" "$T/report" 2>"$T/ts4.log" &
TS4PID=$!
tap_track_pid $TS4PID
$NETNS_EXEC "$TS6/tcpserver" -6 -H -R -l0 -x "$T/tcp.smtp.cdb" 0 "$P6" "$T/report" 2>"$T/ts6.log" &
TS6PID=$!
tap_track_pid $TS6PID
_i=0
while { [ "$(ask 127.0.0.3 "$P4" 2>/dev/null)" = "" ] || [ "$(ask ::1 "$P6" 2>/dev/null)" = "" ]; } &&
	[ $_i -lt 100 ]; do sleep 0.05; _i=$((_i + 1)); done

is "$(ask 127.0.0.2 "$P4")" "127.0.0.2 norelay local" "before a login: no RELAYCLIENT for 127.0.0.2, the site's SITE set"
like "$(imap_login 127.0.0.2 alice alicepw)" '^a1 OK' "alice logs in over IMAP from 127.0.0.2"
login_end=$(now_ms)
ms=$(poll_ask 127.0.0.2 "$P4" "127.0.0.2 relay local")
printf '# login -> RELAYCLIENT set by tcpserver: %s ms\n' "$ms"
is "$(ask 127.0.0.2 "$P4")" "127.0.0.2 relay local" "after it, tcpserver sets RELAYCLIENT for 127.0.0.2 (after $ms ms), and SITE still"
is "$(ask 127.0.0.3 "$P4")" "127.0.0.3 norelay local" "127.0.0.3 (no login) still gets no RELAYCLIENT"
like "$(imap_login 127.0.0.4 alice alicepw)" '^a1 OK' "alice logs in from 127.0.0.4, which the site denies"
sleep 0.5
is "$(ask 127.0.0.4 "$P4")" "denied" "the site's deny stays: tcpserver drops 127.0.0.4"
# the IPv6 build on an IPv6 socket sees an IPv4 client as ::ffff:127.0.0.2
# and looks that up: the site's "127." rule does not apply there, the
# grant (written in both forms) does
is "$(ask 127.0.0.2 "$P6")" "::ffff:127.0.0.2 relay nosite" "the IPv6 build too, for an IPv4 client (looked up as ::ffff:127.0.0.2)"
is "$(ask 127.0.0.3 "$P6")" "::ffff:127.0.0.3 norelay nosite" "... and not for another"

like "$($NETNS_EXEC python3 "$MAILCLIENT" imap ::1 "$DC_IMAP" 2001:db8:1:2::5 bob bobpw)" '^a1 OK' \
	"bob logs in over IMAP from 2001:db8:1:2::5"
ms=$(poll_ask 2001:db8:1:2::9 "$P6" "2001:db8:1:2::9 relay nosite")
is "$(ask 2001:db8:1:2::9 "$P6")" "2001:db8:1:2::9 relay nosite" "IPv6: 2001:db8:1:2::9, in the login's /64, gets RELAYCLIENT ($ms ms)"
is "$(ask 2001:db8:1:3::5 "$P6")" "2001:db8:1:3::5 norelay nosite" "2001:db8:1:3::5, another /64, does not"
like "$($NETNS_EXEC python3 "$MAILCLIENT" imap ::1 "$DC_IMAP" 2001:db8:0:5::1 bob bobpw)" '^a1 OK' \
	"bob logs in from 2001:db8:0:5::1 (a /64 with a 0 group: no exact tcpserver key)"
_i=0
while ! grep -q '1 IPv6 grant left out' "$T/watch.log" && [ $_i -lt 100 ]; do sleep 0.05; _i=$((_i + 1)); done
like "$(cat "$T/watch.log")" 'tcp\.smtp\.cdb: 1 IPv6 grant left out' "watch says the grant it could not write"
is "$(ask 2001:db8:0:5::1 "$P6")" "2001:db8:0:5::1 norelay nosite" "... and 2001:db8:0:5::1 gets no RELAYCLIENT"

# the grace is 6 s from 127.0.0.2's logout
poll_ask 127.0.0.2 "$P4" "127.0.0.2 norelay local" >/dev/null
past=$(( $(now_ms) - login_end - 6000 ))
printf '# 127.0.0.2 lost RELAYCLIENT %s ms past its 6 s grace (polling every 20 ms)\n' "$past"
is "$(ask 127.0.0.2 "$P4")" "127.0.0.2 norelay local" "after the grace, no RELAYCLIENT for 127.0.0.2 again, SITE as before"
ok "... no later than the grace + 1.5 s ($past ms past it)" [ "$past" -le 1500 ]
ms=$(poll_ask 2001:db8:1:2::9 "$P6" "2001:db8:1:2::9 norelay nosite")
is "$(ask 2001:db8:1:2::9 "$P6")" "2001:db8:1:2::9 norelay nosite" "... nor, at the end of bob's, for his /64"

kill -TERM $WATCH; wait $WATCH
is $? 0 "relaytab watch stops cleanly"
kill $TS4PID $TS6PID 2>/dev/null
dovecot_stop
tap_done
