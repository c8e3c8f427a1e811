#!/bin/sh
# sendmail.sh - the Sendmail HACK against a map written by relaytab: with
# ${client_addr} set, sendmail -bt shows an address in the map may relay and
# one not in it may not, IPv4 and IPv6 (by /64, the default, and by
# address with ipv6-prefix 128), with and without a key tag.
. "$top_srcdir/tests/tap.sh"
. "$top_srcdir/tests/lib/sendmail-env.sh"
command -v m4 >/dev/null || skip_all "m4 is not installed"
[ "$(id -u)" -eq 0 ] || skip_all "sendmail -C needs root"
sendmail_unpack

TB=$T/table
"$RELAYTAB" --table "$TB" create --capacity 1024 || bail "create"
"$RELAYTAB" --table "$TB" add 127.0.0.2
"$RELAYTAB" --table "$TB" add 2001:db8::5

# mc TAG: a test .mc using the HACK, the map at $T/popauth-TAG
mc() {
	mkdir -p "$T/mqueue"
	printf 'hosts files\naliases files\n' > "$T/service.switch"
	cat <<MC
divert(0)dnl
VERSIONID(\`relaytab test')dnl
OSTYPE(\`linux')dnl
define(\`confDOMAIN_NAME', \`relaytab.test')dnl
define(\`QUEUE_DIR', \`$T/mqueue')dnl
define(\`STATUS_FILE', \`$T/statistics')dnl
define(\`ALIAS_FILE', \`$T/aliases')dnl
define(\`confPID_FILE', \`$T/sendmail.pid')dnl
define(\`confCW_FILE', \`-o $T/local-host-names')dnl
define(\`confDONT_PROBE_INTERFACES', \`True')dnl
define(\`confSERVICE_SWITCH_FILE', \`$T/service.switch')dnl
define(\`confBIND_OPTS', \`-DNSRCH -DEFNAMES')dnl
define(\`confDONT_BLAME_SENDMAIL', \`MapInUnsafeDirPath,TrustStickyBit')dnl
FEATURE(\`no_default_msa')dnl
FEATURE(\`nocanonify')dnl
FEATURE(\`accept_unresolvable_domains')dnl
define(\`RELAYTAB_MAP', \`$T/popauth-$1')dnl
define(\`RELAYTAB_TAG', \`$2')dnl
${3:+define(\`RELAYTAB_SOCKET', \`local:$3')dnl}
${4:+DAEMON_OPTIONS(\`Port=$4,Addr=127.0.0.1,Name=MTA')dnl}
${4:+define(\`confDEF_USER_ID', \`mail:mail')dnl}
${5:+define(\`RELAYTAB_IPV6_PREFIX', \`$5')dnl}
HACK(\`relaytab')dnl
MAILER(\`local')dnl
MAILER(\`smtp')dnl
MC
}

# sm_run CMD...: run a Sendmail program with a fully qualified host name
# (in a UTS namespace of its own): on an unqualified one ("vm") Sendmail
# sleeps a minute "for retry" at every start.
sm_run() {
	timeout 60 unshare -u sh -c 'hostname mail.relaytab.test && exec "$@"' sm "$@"
}

# relays CF ADDR: "yes" if Local_check_rcpt accepts a relay from ADDR
relays() {
	printf '.D{client_addr}%s\nLocal_check_rcpt <someone@example.net>\n' "$2" |
		sm_run "$SM_BIN/sendmail" -C "$1" -bt 2>&1 > "$T/bt.out"
	if grep -q 'Local_check_rcpt returns: \$# OK' "$T/bt.out"; then echo yes; else echo no; fi
}

for name in notag tagged host; do
	tag=; rtag=; prefix=
	[ "$name" = tagged ] && { tag=POP:; rtag=pop:; }
	[ "$name" = host ] && prefix=128
	mc "$name" "$tag" "" "" "$prefix" > "$T/$name.mc"
	sendmail_cf "$T/$name.mc" "$T/$name.cf"
	"$RELAYTAB" --table "$TB" compile --config /dev/null --sendmail-hash "$T/popauth-$name" \
		${rtag:+--sendmail-tag "$rtag"} ${prefix:+--ipv6-prefix "$prefix"} || bail "compile"
	is "$(relays "$T/$name.cf" 127.0.0.2)" yes "$name: 127.0.0.2 (in the map) may relay"
	is "$(relays "$T/$name.cf" 127.0.0.3)" no "$name: 127.0.0.3 (not in the map) may not"
	is "$(relays "$T/$name.cf" IPv6:2001:db8:0:0:0:0:0:5)" yes "$name: IPv6:2001:db8:0:0:0:0:0:5 may relay"
	if [ "$name" = host ]; then
		is "$(relays "$T/$name.cf" IPv6:2001:db8:0:0:0:0:0:6)" no "$name: IPv6:2001:db8:0:0:0:0:0:6 may not (ipv6-prefix 128)"
	else
		is "$(relays "$T/$name.cf" IPv6:2001:db8:0:0:0:0:0:6)" yes "$name: IPv6:2001:db8:0:0:0:0:0:6, the same /64, may relay"
	fi
	is "$(relays "$T/$name.cf" IPv6:2001:db8:0:1:0:0:0:5)" no "$name: IPv6:2001:db8:0:1:0:0:0:5, another /64, may not"
	is "$(relays "$T/$name.cf" IPv6:2001:db9:0:0:0:0:0:5)" no "$name: IPv6:2001:db9:0:0:0:0:0:5 may not"
done
mc bad "" "" "" 56 > "$T/bad.mc"
m4 -D_CF_DIR_="$SM_CF/" "$SM_CF/m4/cf.m4" "$T/bad.mc" > "$T/bad.cf" 2> "$T/bad.err"
is "$?:$(grep -c 'RELAYTAB_IPV6_PREFIX must be 16, 32, 48, 64 or 128' "$T/bad.err")" 1:1 \
	"RELAYTAB_IPV6_PREFIX 56, which the HACK cannot look up, stops the cf build with the reason"
"$RELAYTAB" --table "$TB" del 127.0.0.2
"$RELAYTAB" --table "$TB" compile --config /dev/null --sendmail-hash "$T/popauth-notag"
is "$(relays "$T/notag.cf" 127.0.0.2)" no "after relaytab del and a compile, 127.0.0.2 may not relay"
is "$(sm_run "$SM_BIN/makemap" -C "$T/notag.cf" -u hash "$T/popauth-notag" 2>/dev/null | tr '\t' ' ' | sort | tr '\n' ';')" \
	"ipv6:2001:db8:0:0 OK;" "makemap -u reads the map relaytab wrote (the /64 key of 2001:db8::5)"

# the daemon over real SMTP (hash map): a logged-in address may relay,
# another may not
PORT=$(python3 "$top_srcdir/tests/lib/mailclient.py" free-port)
mc notag "" "" "$PORT" > "$T/daemon.mc"
sendmail_cf "$T/daemon.mc" "$T/daemon.cf"
"$RELAYTAB" --table "$TB" add 127.0.0.2
"$RELAYTAB" --table "$TB" compile --config /dev/null --sendmail-hash "$T/popauth-notag"
touch "$T/aliases" "$T/local-host-names"
sm_run "$SM_BIN/makemap" -C "$T/daemon.cf" hash "$T/aliases" < /dev/null 2>/dev/null
sm_run "$SM_BIN/sendmail" -C "$T/daemon.cf" -bd -q30m > "$T/daemon.out" 2>&1
_i=0
while [ ! -s "$T/sendmail.pid" ] && [ $_i -lt 100 ]; do sleep 0.1; _i=$((_i + 1)); done
SM_PID=$(head -n 1 "$T/sendmail.pid" 2>/dev/null)
if [ -n "$SM_PID" ]; then
	tap_track_pid "$SM_PID"
	_i=0
	while ! python3 -c "import socket; socket.create_connection(('127.0.0.1', $PORT), 1)" 2>/dev/null &&
		[ $_i -lt 100 ]; do sleep 0.1; _i=$((_i + 1)); done
	smtp() { python3 "$top_srcdir/tests/lib/mailclient.py" smtp-rcpt 127.0.0.1 "$PORT" "$1" someone@example.net; }
	is "$(smtp 127.0.0.2)" 250 "daemon: RCPT to a remote domain from 127.0.0.2 (in the map) is accepted"
	is "$(smtp 127.0.0.3)" 550 "daemon: from 127.0.0.3 (not in the map) it is refused (550 Relaying denied)"
	kill "$SM_PID"
else
	skip 2 "the Sendmail daemon did not start: $(head -c 200 "$T/daemon.out")"
fi

# live lookups: the HACK with RELAYTAB_SOCKET asks relaytab serve
chmod 0711 "$T"
"$RELAYTAB" --table "$TB" add 127.0.0.2
"$RELAYTAB" --table "$TB" serve --config /dev/null --socket "$T/socketmap" 2> "$T/serve.log" &
SERVE=$!
tap_track_pid $SERVE
wait_socket "$T/socketmap"
mc socket "" "$T/socketmap" > "$T/socket.mc"
sendmail_cf "$T/socket.mc" "$T/socket.cf"
ok "socket: the cf declares a socket map" grep -q "^Krelaytab socket .*local:$T/socketmap" "$T/socket.cf"
is "$(relays "$T/socket.cf" 127.0.0.2)" yes "socket: 127.0.0.2 (live in the table) may relay, no map file"
is "$(relays "$T/socket.cf" 127.0.0.3)" no "socket: 127.0.0.3 (not in the table) may not"
is "$(relays "$T/socket.cf" IPv6:2001:db8:0:0:0:0:0:5)" yes "socket: IPv6:2001:db8:0:0:0:0:0:5 may relay"
is "$(relays "$T/socket.cf" IPv6:2001:db8:0:0:0:0:0:6)" yes "socket: IPv6:2001:db8:0:0:0:0:0:6, the same /64, may relay"
is "$(relays "$T/socket.cf" IPv6:2001:db8:0:1:0:0:0:5)" no "socket: IPv6:2001:db8:0:1:0:0:0:5, another /64, may not"
"$RELAYTAB" --table "$TB" del 127.0.0.2
is "$(relays "$T/socket.cf" 127.0.0.2)" no "socket: right after relaytab del, 127.0.0.2 may not (no compile)"
"$RELAYTAB" --table "$TB" add 127.0.0.2
mv "$TB" "$TB.away"
sleep 0.3
is "$(relays "$T/socket.cf" 127.0.0.2)" no "socket: with the table gone (serve answers TEMP) nothing relays"
mv "$TB.away" "$TB"
kill -TERM $SERVE; wait $SERVE
is "$(relays "$T/socket.cf" 127.0.0.2)" no "socket: with serve stopped nothing relays"
tap_done
