#!/bin/sh
# dovecot.sh - the plugin inside a real, private Dovecot: genuine IMAP and
# POP3 logins are recorded; failed logins, LMTP deliveries, doveadm, master
# users and excluded networks are not; trusted proxies' forwarded addresses
# are; sessions are refreshed; a broken table never breaks a login.
. "$top_srcdir/tests/tap.sh"
. "$top_srcdir/tests/lib/dovecot-env.sh"

RT() { "$RELAYTAB" --table "$DC_TABLE" "$@"; }
# entry IP FIELD: a field of IP's entry in "relaytab list --all --json"
entry() {
	RT list --all --json | python3 -c '
import json, sys
for e in json.load(sys.stdin):
    if e["ip"] == sys.argv[1]:
        print(e[sys.argv[2]]); break
else:
    print("-")' "$1" "$2"
}
entries() { RT list --all --json | python3 -c 'import json,sys; print(len(json.load(sys.stdin)))'; }
epoch() { python3 -c 'import sys,datetime; print(int(datetime.datetime.strptime(sys.argv[1], "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=datetime.timezone.utc).timestamp()))' "$1"; }

has_v6=
ip -6 addr show dev lo 2>/dev/null | grep -q '::1' && has_v6=1
[ -n "$has_v6" ] && DC_LISTEN="127.0.0.1, ::1"
dovecot_setup
sed -i 's|^  relaytab_table = .*|&\n  relaytab_refresh_interval = 1s|' "$DC/dovecot.conf"
RT create --group mail --mode 0660 || bail "relaytab create failed"
dovecot_start

# 1. genuine logins
like "$(imap_login 127.0.0.2 alice alicepw)" '^a1 OK' "IMAP login from 127.0.0.2 succeeds"
is "$(entry 127.0.0.2 user)" alice "127.0.0.2 recorded with its user"
is "$(entry 127.0.0.2 service)" imap "... and service imap"
is "$(entry 127.0.0.2 count)" 1 "... count 1"
like "$(pop3_login 127.0.0.3 bob bobpw)" '^\+OK' "POP3 login from 127.0.0.3 succeeds"
is "$(entry 127.0.0.3 user)/$(entry 127.0.0.3 service)" bob/pop3 "127.0.0.3 recorded as bob/pop3"
imap_login 127.0.0.3 alice alicepw >/dev/null
is "$(entry 127.0.0.3 count)/$(entry 127.0.0.3 service)" 2/imap "second login from 127.0.0.3 counted"

# 2. what must never record
before=$(entries)
like "$(imap_login 127.0.0.4 alice wrong)" '^a1 NO' "wrong password refused"
pop3_login 127.0.0.4 bob wrong >/dev/null
is "$(entry 127.0.0.4 ip)" - "failed logins record nothing"
like "$(python3 "$MAILCLIENT" lmtp 127.0.0.1 "$DC_LMTP" 127.0.0.6 alice)" '^250' "LMTP delivery from 127.0.0.6 accepted"
is "$(entry 127.0.0.6 ip)" - "LMTP delivery records nothing"
doveadm -c "$DC/dovecot.conf" mailbox list -u alice >/dev/null 2>&1
ok "doveadm works" [ $? -eq 0 ]
like "$(imap_login 127.0.0.7 'alice*admin' adminpw)" '^a1 OK' "master-user login succeeds"
is "$(entry 127.0.0.7 ip)" - "master-user login not recorded by default"
is "$(entries)" "$before" "no entry added by any of these"

# 3. trusted proxies forward the real client address
imap_login 127.0.0.5 alice alicepw --id-ip 192.0.2.77 >/dev/null
is "$(entry 192.0.2.77 user)" alice "IMAP ID x-originating-ip from a trusted proxy recorded"
is "$(entry 127.0.0.5 ip)" - "... not the proxy's address"
imap_login 127.0.0.5 alice alicepw --id-ip ::ffff:192.0.2.78 >/dev/null
is "$(entry 192.0.2.78 user)" alice "a forwarded ::ffff: address is recorded as IPv4"
pop3_login 127.0.0.5 bob bobpw --xclient-ip 192.0.2.79 >/dev/null
is "$(entry 192.0.2.79 user)" bob "POP3 XCLIENT ADDR= from a trusted proxy recorded"
imap_login 127.0.0.8 alice alicepw --id-ip 192.0.2.80 >/dev/null
is "$(entry 192.0.2.80 ip)/$(entry 127.0.0.8 user)" -/alice "an untrusted client's ID is ignored: its real IP is recorded"

# 4. IPv6
if [ -n "$has_v6" ]; then
	like "$(python3 "$MAILCLIENT" imap ::1 "$DC_IMAP" ::1 alice alicepw)" '^a1 OK' "IMAP login over ::1"
	is "$(entry ::1 user)" alice "recorded as ::1"
else
	skip 2 "no IPv6 loopback address on this machine"
fi

# 5. refresh while connected, and at logout
imap_login 127.0.0.9 bob bobpw --idle 3 >/dev/null &
idle=$!
sleep 2.5
first=$(epoch "$(entry 127.0.0.9 first_seen)")
last=$(epoch "$(entry 127.0.0.9 last_seen)")
ok "last_seen advances while an IMAP session idles ($first -> $last)" [ "$last" -gt "$first" ]
wait $idle
end=$(date +%s)
# the logout refresh runs as the imap process ends, which may be just after
# the client saw its LOGOUT answered: give it up to 3 s
_i=0
while last=$(epoch "$(entry 127.0.0.9 last_seen)") && [ "$last" -lt $((end - 1)) ] && [ $_i -lt 30 ]; do
	sleep 0.1; _i=$((_i + 1))
done
ok "last_seen set at logout ($last, logout at $end)" [ "$last" -ge $((end - 1)) ]
is "$(entry 127.0.0.9 count)" 1 "refreshes do not count as logins"

# 6. concurrent logins: 4 clients x 50
for c in 1 2 3 4; do
	( i=0; while [ $i -lt 50 ]; do imap_login 127.0.0.10 alice alicepw >/dev/null; i=$((i + 1)); done ) &
done
wait
is "$(entry 127.0.0.10 count)" 200 "4 x 50 concurrent logins: every login counted"

# 7. master users and excluded networks, after a reload
cat >> "$DC/dovecot.conf" <<CONF
plugin {
  relaytab_master_users = yes
  relaytab_exclude = 127.0.0.11/32, [2001:db8::]/32
}
CONF
kill -HUP "$DC_MASTER"
sleep 1
imap_login 127.0.0.12 'alice*admin' adminpw >/dev/null
is "$(entry 127.0.0.12 user)" alice "master-user login recorded with relaytab_master_users = yes"
like "$(imap_login 127.0.0.11 alice alicepw)" '^a1 OK' "login from an excluded network succeeds"
is "$(entry 127.0.0.11 ip)" - "... and is not recorded"

# 8. a broken table never breaks a login
mv "$DC_TABLE" "$DC_TABLE.saved"
like "$(imap_login 127.0.0.13 alice alicepw)" '^a1 OK' "login succeeds with the table missing"
like "$(dovecot_log | grep 'relaytab:' | tail -1)" 'cannot use the table.*No such file' "... and the log says why"
head -c 8192 /dev/urandom > "$DC_TABLE"; chmod 0666 "$DC_TABLE"
like "$(pop3_login 127.0.0.13 bob bobpw)" '^\+OK' "login succeeds with a corrupt table"
like "$(dovecot_log | grep 'relaytab:' | tail -1)" 'cannot use the table.*magic' "... and the log says why"
mv "$DC_TABLE.saved" "$DC_TABLE"; chmod 0600 "$DC_TABLE"
like "$(imap_login 127.0.0.14 alice alicepw)" '^a1 OK' "login succeeds with an unwritable table"
like "$(dovecot_log | grep 'relaytab:' | tail -1)" 'cannot use the table.*Permission denied' "... and the log says why"
chmod 0660 "$DC_TABLE"
is "$(entry 127.0.0.14 ip)" - "nothing was granted meanwhile"
like "$(imap_login 127.0.0.14 alice alicepw)" '^a1 OK' "with the table repaired, logins record again"
is "$(entry 127.0.0.14 user)" alice "... 127.0.0.14 recorded"
dovecot_log | grep -qE 'Fatal|Panic'
ok "no fatal error or panic in the Dovecot log" [ $? -ne 0 ]

dovecot_stop
tap_done
