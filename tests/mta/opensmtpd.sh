#!/bin/sh
# opensmtpd.sh - the OpenSMTPD table (relaytab compile --opensmtpd-table)
# against the real smtpd of Debian 12's opensmtpd 6.8.0p2 (unpacked: it
# conflicts with Postfix), in a network namespace the test creates and a
# mount namespace that gives it its users and directories, with the
# shipped opensmtpd/smtpd.conf.relaytab lines, after real Dovecot logins.
# smtpd reads the table only at start and at "smtpctl update table": the
# test does what the shipped relaytab-opensmtpd.path unit does, running
# relaytab-opensmtpd.service's command each time the file changes. Denied
# before a login, allowed after, another address not, IPv6 by /64, denied
# again after the grace; and a changed file is not seen before the update.
. "$top_srcdir/tests/tap.sh"
. "$top_srcdir/tests/lib/netns.sh"
. "$top_srcdir/tests/lib/dovecot-env.sh"
. "$top_srcdir/tests/lib/postfix-env.sh"	# rcpt, poll_rcpt (PF_PORT, PF_CONNECT)

R=$top_builddir/tests/cache/opensmtpd
if [ ! -x "$R/usr/sbin/smtpd" ]; then
	mkdir -p "$R.debs" || skip_all "cannot create $R.debs"
	(cd "$R.debs" && apt-get download opensmtpd >/dev/null 2>&1) ||
		skip_all "cannot download opensmtpd (apt-get download failed)"
	dpkg-deb -x "$R.debs"/opensmtpd_*.deb "$R" || skip_all "dpkg-deb -x failed"
fi
[ -x "$R/usr/sbin/smtpd" ] || skip_all "no smtpd in the unpacked .deb"
# its users, for the mount namespace only; smtpctl must be setgid opensmtpq
(cat /etc/passwd; echo 'opensmtpd:x:64996:64996::/var/empty:/usr/sbin/nologin'
	echo 'opensmtpq:x:64995:64995::/var/empty:/usr/sbin/nologin') > "$T/smtpd-passwd"
(cat /etc/group; echo 'opensmtpd:x:64996:'; echo 'opensmtpq:x:64995:') > "$T/smtpd-group"
chgrp 64995 "$R/usr/sbin/smtpctl" && chmod 2755 "$R/usr/sbin/smtpctl" || bail "cannot make smtpctl setgid"

netns_up relaytab-smtpd 2001:db8:1:2::5 2001:db8:1:2::9 2001:db8:1:3::5
RT() { "$RELAYTAB" --table "$DC_TABLE" "$@"; }
v6() { PF_CONNECT=::1 "$@"; }
MAP=$T/opensmtpd-relay

DC_LISTEN="127.0.0.1, ::1"
DC_ALLOW_LOOPBACK=yes	# the IPv4 clients are on 127.0.0.x
dovecot_setup
RT create --group mail --mode 0660 || bail "relaytab create"
printf 'grace = 6s\nipv6-prefix = 64\nopensmtpd-table = %s\n' "$MAP" > "$T/relaytab.conf"
RT compile --config "$T/relaytab.conf" || bail "first compile"
PORT=$(python3 "$MAILCLIENT" free-port)
PF_PORT=$PORT
# the shipped lines, with this test's table, and an action of its own
{
	printf 'listen on lo port %s\naction "out" relay\naction "local" mbox\n' "$PORT"
	sed -e "s|/var/lib/relaytab/opensmtpd-relay|$MAP|" -e 's|"outbound"|"out"|' \
		"$top_srcdir/opensmtpd/smtpd.conf.relaytab"
	printf 'match from any for domain "mx.example" action "local"\n'
} > "$T/smtpd.conf"
# its compiled-in directories, on tmpfs in its own mount namespace
$NETNS_EXEC unshare -m sh -c 'mount --bind "$1" /etc/passwd && mount --bind "$2" /etc/group &&
	mount -t tmpfs none /var/spool && mount -t tmpfs none /var/lib &&
	mkdir -p /var/lib/opensmtpd/empty && mount -t tmpfs none /run &&
	exec "$3" -d -f "$4"' sh "$T/smtpd-passwd" "$T/smtpd-group" "$R/usr/sbin/smtpd" \
	"$T/smtpd.conf" >"$T/smtpd.log" 2>&1 &
SMTPD=$!
tap_track_pid $SMTPD
dovecot_start
# relaytab-opensmtpd.service's command, in smtpd's namespaces
update=$(sed -n 's/^ExecStart=//p' "$top_srcdir/opensmtpd/relaytab-opensmtpd.service" |
	sed "s|/usr/sbin/smtpctl|$R/usr/sbin/smtpctl|")
smtpd_update() { nsenter -t "$SMTPD" -m -n $update >>"$T/update.log" 2>&1; }
_i=0
while ! $NETNS_EXEC python3 -c "import socket; socket.create_connection(('127.0.0.1', $PORT), 1)" 2>/dev/null &&
	[ $_i -lt 100 ]; do sleep 0.05; _i=$((_i + 1)); done
kill -0 $SMTPD 2>/dev/null || sed 's/^/# /' "$T/smtpd.log"
ok "smtpd listens on port $PORT" kill -0 $SMTPD

is "$(rcpt 127.0.0.2)" 550 "before a login, OpenSMTPD refuses to relay for 127.0.0.2 (550)"
RT add 127.0.0.2 && RT compile --config "$T/relaytab.conf" || bail "add, compile"
sleep 0.3
is "$(rcpt 127.0.0.2)" 550 "a rewritten table is not seen before smtpctl update table"
smtpd_update
is "$(rcpt 127.0.0.2)" 250 "... and is after it"
RT del 127.0.0.2 >/dev/null && RT add 2001:db8:1:3::5 && RT compile --config "$T/relaytab.conf" &&
	smtpd_update || bail "del, add, compile, update"
# smtpd takes a file whose first entry holds a ':' for a mapping, which
# "from src" cannot use: the table begins with 0.0.0.0/32
is "$(v6 rcpt 2001:db8:1:3::5)" 250 "a table of IPv6 grants only works too (2001:db8:1:3::5 may relay)"
is "$(rcpt 127.0.0.2)" 550 "... and 127.0.0.2, deleted, may not"
RT del 2001:db8:1:3::5 >/dev/null && RT compile --config "$T/relaytab.conf" && smtpd_update

# from here on, as relaytab-opensmtpd.path does: the update at each change
"$RELAYTAB" --table "$DC_TABLE" watch --config "$T/relaytab.conf" 2>"$T/watch.log" &
WATCH=$!
tap_track_pid $WATCH
(	last=
	for _n in $(seq 1 3000); do	# at most 150 s
		m=$(stat -c %Y.%i "$MAP" 2>/dev/null)
		[ "$m" != "$last" ] && { last=$m; smtpd_update; }
		sleep 0.05
	done ) &
PATHUNIT=$!
tap_track_pid $PATHUNIT

like "$(imap_login 127.0.0.2 alice alicepw)" '^a1 OK' "alice logs in over IMAP from 127.0.0.2"
login_end=$(now_ms)
ms=$(poll_rcpt 127.0.0.2 250)
printf '# login -> first RCPT 250 from OpenSMTPD: %s ms\n' "$ms"
is "$(rcpt 127.0.0.2)" 250 "after it, OpenSMTPD relays for 127.0.0.2 ($ms ms, through watch and the update)"
is "$(rcpt 127.0.0.3)" 550 "127.0.0.3 (no login) still may not"
like "$(cat "$MAP")" '^127\.0\.0\.2$' "the table lists 127.0.0.2"
like "$($NETNS_EXEC python3 "$MAILCLIENT" imap ::1 "$DC_IMAP" 2001:db8:1:2::5 bob bobpw)" '^a1 OK' \
	"bob logs in over IMAP from 2001:db8:1:2::5"
ms=$(v6 poll_rcpt 2001:db8:1:2::9 250)
is "$(v6 rcpt 2001:db8:1:2::9)" 250 "IPv6: OpenSMTPD relays for 2001:db8:1:2::9, in the login's /64 ($ms ms)"
is "$(v6 rcpt 2001:db8:1:3::5)" 550 "2001:db8:1:3::5, another /64, may not"
like "$(cat "$MAP")" '^2001:db8:1:2::/64$' "the table holds the /64"
poll_rcpt 127.0.0.2 550 >/dev/null
past=$(( $(now_ms) - login_end - 6000 ))
printf '# 127.0.0.2 refused again %s ms past its 6 s grace (polling every 20 ms)\n' "$past"
is "$(rcpt 127.0.0.2)" 550 "after the grace, OpenSMTPD refuses 127.0.0.2 again"
ok "... no later than the grace + 1.5 s ($past ms past it)" [ "$past" -le 1500 ]
ms=$(v6 poll_rcpt 2001:db8:1:2::9 550)
is "$(v6 rcpt 2001:db8:1:2::9)" 550 "... and, at the end of bob's, his /64"

kill $PATHUNIT 2>/dev/null
kill -TERM $WATCH; wait $WATCH
is $? 0 "relaytab watch stops cleanly"
kill $SMTPD 2>/dev/null
dovecot_stop
tap_done
