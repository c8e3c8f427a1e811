#!/bin/sh
# exim.sh - the Exim map (relaytab compile --exim-iplsearch) against the
# real Exim of Debian 12 (exim4-daemon-light, unpacked), as a daemon on the
# loopback of a network namespace the test creates, with the shipped
# exim/relaytab.localmacros (Debian's MAIN_RELAY_NETS, which becomes
# relay_from_hosts), after real Dovecot logins: denied before a login,
# allowed after, another address not, IPv6 by /64, denied again after the
# grace - each change seen by the next SMTP connection, with no reload.
. "$top_srcdir/tests/tap.sh"
. "$top_srcdir/tests/lib/netns.sh"
. "$top_srcdir/tests/lib/dovecot-env.sh"
. "$top_srcdir/tests/lib/postfix-env.sh"	# rcpt, poll_rcpt (PF_PORT, PF_CONNECT)
. "$top_srcdir/tests/lib/exim-env.sh"

netns_up relaytab-exim 2001:db8:1:2::5 2001:db8:1:2::9 2001:db8:1:3::5
exim_unpack
RT() { "$RELAYTAB" --table "$DC_TABLE" "$@"; }
# rcpt and poll_rcpt (postfix-env.sh) talk to Exim's port, IPv6 clients
# over ::1 (v6 SRC, a function)
v6() { PF_CONNECT=::1 "$@"; }

DC_LISTEN="127.0.0.1, ::1"
DC_ALLOW_LOOPBACK=yes	# the IPv4 clients are on 127.0.0.x
dovecot_setup
RT create --group mail --mode 0660 || bail "relaytab create"
printf 'grace = 6s\nipv6-prefix = 64\nexim-iplsearch = %s\n' "$T/exim-relay" > "$T/relaytab.conf"
RT compile --config "$T/relaytab.conf" || bail "first compile"
# the shipped macro, with this test's map; the ACL as Debian's keeps it:
# relay_from_hosts first, then relaying only to local domains
sed "s|/var/lib/relaytab/exim-relay|$T/exim-relay|" "$top_srcdir/exim/relaytab.localmacros" \
	> "$T/exim.localmacros"
mkdir -p "$T/exim-spool" "$T/exim-log"
PORT=$(python3 "$MAILCLIENT" free-port)
PF_PORT=$PORT
cat > "$T/exim.conf" <<EOF
.include $T/exim.localmacros
primary_hostname = mx.example
domainlist local_domains = mx.example
hostlist relay_from_hosts = MAIN_RELAY_NETS
spool_directory = $T/exim-spool
log_file_path = $T/exim-log/%slog
exim_user = root
exim_group = root
acl_smtp_rcpt = acl_check_rcpt
host_lookup =
rfc1413_hosts =
begin acl
acl_check_rcpt:
  accept hosts = +relay_from_hosts
  require message = relay not permitted
          domains = +local_domains
  accept
EOF
exim_run -C "$T/exim.conf" -bdf -oX "$PORT" -oP "$T/exim.pid" >/dev/null 2>"$T/exim.err" &
EXIMPID=$!
tap_track_pid $EXIMPID
dovecot_start
"$RELAYTAB" --table "$DC_TABLE" watch --config "$T/relaytab.conf" 2>"$T/watch.log" &
WATCH=$!
tap_track_pid $WATCH
_i=0
while ! $NETNS_EXEC python3 -c "import socket; socket.create_connection(('127.0.0.1', $PORT), 1)" 2>/dev/null &&
	[ $_i -lt 100 ]; do sleep 0.05; _i=$((_i + 1)); done
ok "Exim listens on port $PORT" kill -0 $EXIMPID

is "$(rcpt 127.0.0.2)" 550 "before a login, Exim refuses to relay for 127.0.0.2 (550)"
like "$(imap_login 127.0.0.2 alice alicepw)" '^a1 OK' "alice logs in over IMAP from 127.0.0.2"
login_end=$(now_ms)
ms=$(poll_rcpt 127.0.0.2 250)
printf '# login -> first RCPT 250 from Exim: %s ms\n' "$ms"
is "$(rcpt 127.0.0.2)" 250 "after it, Exim relays for 127.0.0.2 ($ms ms, the next connection, no reload)"
is "$(rcpt 127.0.0.3)" 550 "127.0.0.3 (no login) still may not"
like "$(cat "$T/exim-relay")" '127\.0\.0\.2: OK' "the map lists 127.0.0.2"

like "$($NETNS_EXEC python3 "$MAILCLIENT" imap ::1 "$DC_IMAP" 2001:db8:1:2::5 bob bobpw)" '^a1 OK' \
	"bob logs in over IMAP from 2001:db8:1:2::5"
ms=$(v6 poll_rcpt 2001:db8:1:2::9 250)
is "$(v6 rcpt 2001:db8:1:2::9)" 250 "IPv6: Exim relays for 2001:db8:1:2::9, in the login's /64 ($ms ms)"
is "$(v6 rcpt 2001:db8:1:3::5)" 550 "2001:db8:1:3::5, another /64, may not"
like "$(cat "$T/exim-relay")" '"2001:db8:1:2::/64": OK' "the map holds the /64, quoted"

poll_rcpt 127.0.0.2 550 >/dev/null
past=$(( $(now_ms) - login_end - 6000 ))
printf '# 127.0.0.2 refused again %s ms past its 6 s grace (polling every 20 ms)\n' "$past"
is "$(rcpt 127.0.0.2)" 550 "after the grace, Exim refuses 127.0.0.2 again"
ok "... no later than the grace + 1.5 s ($past ms past it)" [ "$past" -le 1500 ]
ms=$(v6 poll_rcpt 2001:db8:1:2::9 550)
is "$(v6 rcpt 2001:db8:1:2::9)" 550 "... and, at the end of bob's, his /64"
ok "Exim logged no panic" [ ! -s "$T/exim-log/paniclog" ]

kill -TERM $WATCH; wait $WATCH
is $? 0 "relaytab watch stops cleanly"
kill $EXIMPID 2>/dev/null
dovecot_stop
tap_done
