#!/bin/sh
# shared.sh - one address, several users (issue 18): real Dovecot logins of
# alice, bob and carol from 127.0.0.2, as from behind one NAT. relaytab
# list and stats show how many users an address has; with
# max-users-per-address = 2 the third user's login takes the grant away
# on every path - the cdb map a real Postfix reads (relaytab watch) and
# relaytab serve's socketmap - while other addresses keep theirs, and it
# comes back by itself once one of the three users' grace ends.
. "$top_srcdir/tests/tap.sh"
. "$top_srcdir/tests/lib/dovecot-env.sh"
. "$top_srcdir/tests/lib/postfix-env.sh"

SMCLIENT=$top_srcdir/tests/serve/smclient.py
RT() { "$RELAYTAB" --table "$DC_TABLE" "$@"; }
served() { python3 "$SMCLIENT" query "$SOCK" "relay $1"; }
# poll_served IP ANSWER: until serve answers ANSWER for IP, at most 10 s
poll_served() {
	_i=0
	while [ "$(served "$1")" != "$2" ] && [ $_i -lt 500 ]; do sleep 0.02; _i=$((_i + 1)); done
	[ "$(served "$1")" = "$2" ]
}
users_of() { RT list --config "$T/relaytab.conf" | awk -v ip="$1" '$1 == ip { print $7, $8 }'; }

M=$T/maps
mkdir -p "$M" "$T/sm"
SOCK=$T/sm/socketmap
DC_ALLOW_LOOPBACK=yes	# the clients are on 127.0.0.x
dovecot_setup
postfix_setup "cdb:$M/relay"
RT create --group mail --mode 0660 || bail "relaytab create"
# a grace of 8 s, so that the test can see the limit lift when bob's ends
printf 'grace = 8s\nmax-users-per-address = 2\npostfix-cdb = %s\nserve-socket = %s\n' \
	"$M/relay" "$SOCK" > "$T/relaytab.conf"
RT compile --config "$T/relaytab.conf" || bail "first compile"
dovecot_start
postfix_start
"$RELAYTAB" --table "$DC_TABLE" watch --config "$T/relaytab.conf" 2>"$T/watch.log" &
WATCH=$!
tap_track_pid $WATCH
"$RELAYTAB" --table "$DC_TABLE" serve --config "$T/relaytab.conf" 2>"$T/serve.log" &
SERVE=$!
tap_track_pid $SERVE
wait_socket "$SOCK"

like "$(imap_login 127.0.0.2 alice alicepw)" '^a1 OK' "alice logs in over IMAP from 127.0.0.2"
ms=$(poll_rcpt 127.0.0.2 250)
is "$(rcpt 127.0.0.2)" 250 "Postfix (cdb map): 127.0.0.2 may relay ($ms ms)"
is "$(served 127.0.0.2)" "OK OK" "serve: 127.0.0.2 may relay"
is "$(users_of 127.0.0.2)" "1 " "list: 1 user on 127.0.0.2"

like "$(pop3_login 127.0.0.2 bob bobpw)" '^\+OK' "bob logs in over POP3 from 127.0.0.2"
sleep 0.3
is "$(users_of 127.0.0.2)" "2 " "list: 2 users, not over max-users-per-address 2"
is "$(rcpt 127.0.0.2)" 250 "Postfix: 127.0.0.2 still may relay"
is "$(served 127.0.0.2)" "OK OK" "serve: still may"

like "$(imap_login 127.0.0.3 alice alicepw)" '^a1 OK' "alice also logs in from 127.0.0.3"
sleep 2	# so that alice's grace on 127.0.0.2 ends well before carol's
like "$(imap_login 127.0.0.2 carol carolpw)" '^a1 OK' "carol logs in from 127.0.0.2: a third user"
ms=$(poll_rcpt 127.0.0.2 554)
is "$(rcpt 127.0.0.2)" 554 "Postfix (cdb map): 127.0.0.2 may no longer relay ($ms ms)"
is "$(served 127.0.0.2)" "NOTFOUND " "serve: nor through serve"
line=$(RT list --config "$T/relaytab.conf" | grep '^127.0.0.2 ')
printf '# relaytab list: %s\n' "$line"
like "$line" '^127\.0\.0\.2  carol  imap .*  3  held: more than max-users-per-address 2$' \
	"list: 3 users, held, and why"
is "$(rcpt 127.0.0.3)" 250 "127.0.0.3 (one user) keeps its grant"
is "$(RT stats --json --config "$T/relaytab.conf" | python3 -c '
import json, sys
d = json.load(sys.stdin); print(d["live"], d["shared"], d["held"])')" "2 1 1" \
	"stats: 2 live addresses, 1 shared, 1 held"
like "$(imap_login 127.0.0.2 alice alicepw)" '^a1 OK' "alice logs in from 127.0.0.2 again"
sleep 0.3
is "$(rcpt 127.0.0.2)" 554 "still 3 users: still held"

# bob logged in once, before the 2 s pause: his grace ends first, and
# then 2 users remain - watch rewrites the map at that second
ms=$(poll_rcpt 127.0.0.2 250)
printf '# the grant came back %s ms later, when bob'"'"'s grace ended\n' "$ms"
is "$(rcpt 127.0.0.2)" 250 "when bob's grace ends (2 users left), 127.0.0.2 may relay again"
ok "... through serve too" poll_served 127.0.0.2 "OK OK"
like "$(users_of 127.0.0.2)" '^[12] $' "list: fewer users, no longer held"
grep -E 'error|warning' "$T/watch.log" "$T/serve.log" | sed 's/^/# /'
ok "watch and serve are still running" kill -0 $WATCH $SERVE
kill -TERM $WATCH $SERVE; wait $WATCH $SERVE
postfix_stop
dovecot_stop
tap_done
