#!/bin/sh
# ipv6.sh - the IPv6 step of the story, in a network namespace the test
# creates (documentation addresses on its loopback, nothing leaves it):
# with --ipv6-prefix 64, an IMAP login from 2001:db8:1:2::5 lets
# 2001:db8:1:2::9 relay through Postfix, but not 2001:db8:1:3::5. Then the
# two findings of issue 14, against the same real Postfix: Postfix also
# looks up an IPv6 client cut at each ':', so a host key for 2001::1:2:3:4
# would let 2001:0:0:1:2:3:4:5 relay; neither the cdb (whose /64 keys for
# 2001:0:0:0::/64 could not be exact, so it holds none) nor serve's
# socketmap lets it, and with ipv6-prefix 128 serve lets 2001:db8:1:2::5
# relay but not 2001:db8:1:2::5:7, where a Postfix map is refused.
. "$top_srcdir/tests/tap.sh"
. "$top_srcdir/tests/lib/dovecot-env.sh"
. "$top_srcdir/tests/lib/postfix-env.sh"

NS=relaytab-e2e-$$
ip netns add "$NS" 2>/dev/null || skip_all "cannot create a network namespace here"
tap_on_exit "ip netns del '$NS' 2>/dev/null"
NETNS_EXEC="ip netns exec $NS"
$NETNS_EXEC ip link set lo up || skip_all "cannot bring up lo in the namespace"
for a in 2001:db8:1:2::5 2001:db8:1:2::9 2001:db8:1:3::5 2001:db8:1:2::5:7 \
	2001::1:2:3:4 2001:0:0:1:2:3:4:5 2001:db8:1:4::1; do
	$NETNS_EXEC ip -6 addr add "$a/128" dev lo nodad ||
		skip_all "cannot add IPv6 addresses in the namespace (IPv6 disabled?)"
done

M=$T/maps
mkdir -p "$M"
DC_LISTEN="127.0.0.1, ::1"
# the client is 2001:db8:1:2::5, not loopback: the shipped default will do
DC_ALLOW_LOOPBACK=no
dovecot_setup
PF_LISTEN="[::1]" PF_LISTEN_MASTER="[::1]" PF_PROTOCOLS=all PF_CONNECT=::1
postfix_setup "cdb:$M/relay"
"$RELAYTAB" --table "$DC_TABLE" create --group mail --mode 0660 || bail "create"
printf 'grace = 30m\nipv6-prefix = 64\npostfix-cdb = %s\n' "$M/relay" > "$T/relaytab.conf"
"$RELAYTAB" --table "$DC_TABLE" compile --config "$T/relaytab.conf" || bail "compile"
dovecot_start
postfix_start
"$RELAYTAB" --table "$DC_TABLE" watch --config "$T/relaytab.conf" 2>"$T/watch.log" &
W=$!
tap_track_pid $W

is "$(rcpt 2001:db8:1:2::9)" 554 "before any login, 2001:db8:1:2::9 may not relay"
like "$($NETNS_EXEC python3 "$MAILCLIENT" imap ::1 "$DC_IMAP" 2001:db8:1:2::5 alice alicepw)" \
	'^a1 OK' "IMAP login from 2001:db8:1:2::5"
i=0
while [ "$(rcpt 2001:db8:1:2::9)" != 250 ] && [ $i -lt 100 ]; do sleep 0.1; i=$((i + 1)); done
is "$(rcpt 2001:db8:1:2::9)" 250 "2001:db8:1:2::9 (same /64) may relay"
is "$(rcpt 2001:db8:1:2::5)" 250 "2001:db8:1:2::5 itself may relay"
is "$(rcpt 2001:db8:1:3::5)" 554 "2001:db8:1:3::5 (another /64) may not"
is "$(cdb -q "$M/relay.cdb" 2001:db8:1:2)" OK "the map holds the /64 key 2001:db8:1:2"
is "$(rcpt 2001:db8:1:2::5:7)" 250 "2001:db8:1:2::5:7 (same /64 at ipv6-prefix 64) may relay"

# a login from 2001::1:2:3:4; then one from 2001:db8:1:4::1, to know when
# watch has compiled both
like "$($NETNS_EXEC python3 "$MAILCLIENT" imap ::1 "$DC_IMAP" 2001::1:2:3:4 alice alicepw)" \
	'^a1 OK' "IMAP login from 2001::1:2:3:4"
like "$($NETNS_EXEC python3 "$MAILCLIENT" imap ::1 "$DC_IMAP" 2001:db8:1:4::1 alice alicepw)" \
	'^a1 OK' "IMAP login from 2001:db8:1:4::1"
i=0
while [ "$(rcpt 2001:db8:1:4::1)" != 250 ] && [ $i -lt 100 ]; do sleep 0.1; i=$((i + 1)); done
is "$(rcpt 2001:db8:1:4::1)" 250 "cdb: 2001:db8:1:4::1 may relay (watch compiled both logins)"
like "$("$RELAYTAB" --table "$DC_TABLE" list)" '2001::1:2:3:4' "the table holds the login from 2001::1:2:3:4"
is "$(rcpt 2001:0:0:1:2:3:4:5)" 554 "cdb: 2001:0:0:1:2:3:4:5 (another /64) may not relay"
is "$(rcpt 2001::1:2:3:4)" 554 "cdb: nor 2001::1:2:3:4 itself: 2001:0:0:0::/64 has no exact Postfix keys, so it grants nothing"
is "$(cdb -l "$M/relay.cdb" | grep -c '^2001:[0:]')" 0 "the cdb holds no key under 2001:0"
kill -TERM $W; wait $W

out=$("$RELAYTAB" --table "$DC_TABLE" compile --config "$T/relaytab.conf" --ipv6-prefix 128 2>&1)
is "$?" 64 "compile with ipv6-prefix 128 and a Postfix map is a usage error"
like "$out" "cannot be exact in a Postfix map.*use 16\.\.64 \(default 64\), or relaytab serve's socketmap or policy service" \
	"... saying why and naming the alternatives"

# the same Postfix asking relaytab serve (socketmap), ipv6-prefix 128
postfix_stop
chmod 0711 "$T"
mkdir -p "$T/sm"
SOCK=$T/sm/socketmap
postfix_setup "socketmap:unix:$SOCK:relay"
group=postfix
[ -n "${POSTFIX_ROOT:-}" ] && group=$PF_GID
printf 'grace = 30m\nipv6-prefix = 128\nserve-socket = %s\nserve-socket-group = %s\n' \
	"$SOCK" "$group" > "$T/serve.conf"
"$RELAYTAB" --table "$DC_TABLE" serve --config "$T/serve.conf" 2> "$T/serve.log" &
SERVE=$!
tap_track_pid $SERVE
wait_socket "$SOCK"
postfix_start
is "$(rcpt 2001:db8:1:2::5)" 250 "socketmap, prefix 128: 2001:db8:1:2::5 (logged in) may relay"
is "$(rcpt 2001:db8:1:2::5:7)" 554 "socketmap, prefix 128: 2001:db8:1:2::5:7 may not"
is "$(rcpt 2001:db8:1:2::9)" 554 "socketmap, prefix 128: 2001:db8:1:2::9 may not"
is "$(rcpt 2001::1:2:3:4)" 250 "socketmap, prefix 128: 2001::1:2:3:4 (logged in) may relay"
is "$(rcpt 2001:0:0:1:2:3:4:5)" 554 "socketmap, prefix 128: 2001:0:0:1:2:3:4:5 may not"
kill -TERM $SERVE; wait $SERVE

# and serve at the default prefix answers as the cdb did
"$RELAYTAB" --table "$DC_TABLE" serve --config /dev/null --socket "$SOCK" \
	--socket-group "$group" 2> "$T/serve.log" &
SERVE=$!
tap_track_pid $SERVE
wait_socket "$SOCK"
is "$(rcpt 2001:db8:1:2::5:7)" 250 "socketmap, prefix 64: 2001:db8:1:2::5:7 (same /64) may relay"
is "$(rcpt 2001:db8:1:3::5)" 554 "socketmap, prefix 64: 2001:db8:1:3::5 may not"
is "$(rcpt 2001:0:0:1:2:3:4:5)" 554 "socketmap, prefix 64: 2001:0:0:1:2:3:4:5 may not"
is "$(rcpt 2001::1:2:3:4)" 554 "socketmap, prefix 64: 2001::1:2:3:4 may not, as in the cdb"
kill -TERM $SERVE; wait $SERVE
postfix_stop
dovecot_stop
tap_done
