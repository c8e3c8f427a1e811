#!/bin/sh
# ipv6.sh - the IPv6 step of the story, in a network namespace the test
# creates (documentation addresses on its loopback, nothing leaves it):
# with --ipv6-prefix 64, an IMAP login from 2001:db8:1:2::5 lets
# 2001:db8:1:2::9 relay through Postfix, but not 2001:db8:1:3::5.
. "$top_srcdir/tests/tap.sh"
. "$top_srcdir/tests/lib/dovecot-env.sh"
. "$top_srcdir/tests/lib/postfix-env.sh"

NS=relaytab-e2e-$$
ip netns add "$NS" 2>/dev/null || skip_all "cannot create a network namespace here"
tap_on_exit "ip netns del '$NS' 2>/dev/null"
NETNS_EXEC="ip netns exec $NS"
$NETNS_EXEC ip link set lo up || skip_all "cannot bring up lo in the namespace"
for a in 2001:db8:1:2::5 2001:db8:1:2::9 2001:db8:1:3::5; do
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
kill -TERM $W; wait $W
postfix_stop
dovecot_stop
tap_done
