#!/bin/sh
# dovecot.sh - the plugin inside a real, private Dovecot: genuine IMAP and
# POP3 logins are recorded; failed logins, LMTP deliveries (even with lmtp
# listed and the plugin loaded there), doveadm, master users, excluded
# networks, anonymous logins, unspecified and link-local addresses are not,
# nor loopback unless relaytab_allow_loopback = yes; trusted proxies'
# forwarded addresses are; sessions are refreshed; a broken table or a bad
# setting never breaks a login. Runs against this machine's Dovecot 2.3, or
# the Dovecot 2.4 of a Debian 13 root (DOVECOT_ROOT: tools/check-dovecot24),
# with the same checks; only the config syntax differs, and a bad setting
# value, which 2.4 refuses as a configuration error where 2.3 logs it at
# login.
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
# sections 1-9 log in from 127.0.0.x: loopback is allowed explicitly
DC_ALLOW_LOOPBACK=yes
dovecot_setup
dovecot_conf_set relaytab_refresh_interval 1s
diag "Dovecot $($DC_RUN dovecot --version)"
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
$DC_RUN doveadm -c "$DC/dovecot.conf" mailbox list -u alice >/dev/null 2>&1
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
dovecot_conf_set relaytab_master_users yes
dovecot_conf_set relaytab_exclude "127.0.0.11/32, [2001:db8::]/32"
kill -HUP "$DC_MASTER"
sleep 1
imap_login 127.0.0.12 'alice*admin' adminpw >/dev/null
is "$(entry 127.0.0.12 user)" alice "master-user login recorded with relaytab_master_users = yes"
like "$(imap_login 127.0.0.11 alice alicepw)" '^a1 OK' "login from an excluded network succeeds"
is "$(entry 127.0.0.11 ip)" - "... and is not recorded"

# 8. a broken table never breaks a login
mv "$DC_TABLE" "$DC_TABLE.saved"
like "$(imap_login 127.0.0.13 alice alicepw)" '^a1 OK' "login succeeds with the table missing"
like "$(dovecot_log_until 'cannot use the table.*No such file' | grep 'relaytab:' | tail -1)" 'cannot use the table.*No such file' "... and the log says why"
head -c 8192 /dev/urandom > "$DC_TABLE"; chmod 0666 "$DC_TABLE"
like "$(pop3_login 127.0.0.13 bob bobpw)" '^\+OK' "login succeeds with a corrupt table"
like "$(dovecot_log_until 'cannot use the table.*magic' | grep 'relaytab:' | tail -1)" 'cannot use the table.*magic' "... and the log says why"
mv "$DC_TABLE.saved" "$DC_TABLE"; chmod 0600 "$DC_TABLE"
like "$(imap_login 127.0.0.14 alice alicepw)" '^a1 OK' "login succeeds with an unwritable table"
like "$(dovecot_log_until 'cannot use the table.*Permission denied' | grep 'relaytab:' | tail -1)" 'cannot use the table.*Permission denied' "... and the log says why"
chmod 0660 "$DC_TABLE"
is "$(entry 127.0.0.14 ip)" - "nothing was granted meanwhile"
like "$(imap_login 127.0.0.14 alice alicepw)" '^a1 OK' "with the table repaired, logins record again"
is "$(entry 127.0.0.14 user)" alice "... 127.0.0.14 recorded"
# 8b. another process shrinking the table under a live session (SIGBUS on
# the old table) kills neither the imap process nor its session
size=$(stat -c %s "$DC_TABLE")
imap_login 127.0.0.30 bob bobpw --idle 4 >"$T/idle.out" &
idle=$!
sleep 0.8
truncate -s 4096 "$DC_TABLE"
sleep 1.6	# at least one refresh (every 1 s) meets the shrunk file
truncate -s "$size" "$DC_TABLE"
wait $idle
is $? 0 "an IMAP session whose table shrank under it goes on to a clean logout"
# (the refresh either sees the new size first and cannot reopen, or meets
# the shrunk mapping: the SIGBUS guard makes that an EIO)
like "$(dovecot_log_until 'imap\(bob\).*relaytab: .*cannot (use the table.*truncated|record 127.0.0.30.*Input/output error)' |
	grep 'imap(bob)' | grep relaytab: | tail -1)" \
	'cannot (use the table.*truncated|record 127.0.0.30.*Input/output error)' \
	"... the refresh that met the shrunk file was logged as failed"
dovecot_log | grep -q 'killed with signal'
ok "... and no Dovecot process was killed by a signal" [ $? -ne 0 ]
like "$(imap_login 127.0.0.31 alice alicepw)" '^a1 OK' "the next login after the size is back succeeds"
is "$(entry 127.0.0.31 user)" alice "... and is recorded"

dovecot_log | grep -qE 'Fatal|Panic'
ok "no fatal error or panic in the Dovecot log" [ $? -ne 0 ]

# 9. lmtp is never recorded, even if listed and the plugin is loaded there
dovecot_conf_plugin_in lmtp "mail_access_groups = mail" "mail_debug = yes"
dovecot_conf_set relaytab_services "imap pop3 lmtp lda doveadm indexer indexer-worker"
kill -HUP "$DC_MASTER"
sleep 1
like "$(python3 "$MAILCLIENT" lmtp 127.0.0.1 "$DC_LMTP" 127.0.0.16 alice)" '^250' \
	"LMTP delivery from 127.0.0.16 with lmtp listed and the plugin loaded in lmtp"
is "$(entry 127.0.0.16 ip)" - "... is not recorded"
like "$(dovecot_log_until 'lmtp\(alice\).*relaytab:.*not recording: service never recorded' |
	grep 'lmtp(alice).*relaytab:' | tail -1)" 'not recording: service never recorded' \
	"... the plugin ran in lmtp and refused it as a never-recorded service"
like "$(imap_login 127.0.0.17 alice alicepw)" '^a1 OK' "IMAP login from 127.0.0.17 with that service list"
is "$(entry 127.0.0.17 user)" alice "... is still recorded"
dovecot_stop

# 10. loopback, with the shipped default (relaytab_allow_loopback unset)
DC_ALLOW_LOOPBACK=
dovecot_setup
RT create --group mail --mode 0660 --force || bail "relaytab create --force failed"
dovecot_start
grep -q relaytab_allow_loopback "$DC/dovecot.conf"
ok "the config leaves relaytab_allow_loopback unset" [ $? -ne 0 ]
like "$(imap_login 127.0.0.1 alice alicepw)" '^a1 OK' "IMAP login from 127.0.0.1 succeeds"
is "$(entry 127.0.0.1 ip)" - "... but 127.0.0.1 is not recorded by default"
like "$(pop3_login 127.0.0.18 bob bobpw)" '^\+OK' "POP3 login from 127.0.0.18 succeeds"
is "$(entry 127.0.0.18 ip)" - "... but 127.0.0.18 is not recorded by default"
if [ -n "$has_v6" ]; then
	like "$(python3 "$MAILCLIENT" imap ::1 "$DC_IMAP" ::1 alice alicepw)" '^a1 OK' "IMAP login over ::1 succeeds"
	is "$(entry ::1 ip)" - "... but ::1 is not recorded by default"
else
	skip 2 "no IPv6 loopback address on this machine"
fi
imap_login 127.0.0.5 alice alicepw --id-ip ::ffff:127.0.0.19 >/dev/null
is "$(entry 127.0.0.19 ip)" - "a forwarded ::ffff:127.0.0.19 is loopback too: not recorded"
imap_login 127.0.0.5 alice alicepw --id-ip 192.0.2.81 >/dev/null
is "$(entry 192.0.2.81 user)" alice "a webmail on loopback that forwards its client's address: the client is recorded"
is "$(entries)" 1 "... and nothing else is"

# 11. relaytab_allow_loopback = yes; unspecified and link-local never
dovecot_conf_set relaytab_allow_loopback yes
kill -HUP "$DC_MASTER"
sleep 1
imap_login 127.0.0.1 alice alicepw >/dev/null
is "$(entry 127.0.0.1 user)" alice "with relaytab_allow_loopback = yes, 127.0.0.1 is recorded"
pop3_login 127.0.0.18 bob bobpw >/dev/null
is "$(entry 127.0.0.18 user)" bob "... and 127.0.0.18 over POP3"
if [ -n "$has_v6" ]; then
	python3 "$MAILCLIENT" imap ::1 "$DC_IMAP" ::1 alice alicepw >/dev/null
	is "$(entry ::1 user)" alice "... and ::1"
else
	skip 1 "no IPv6 loopback address on this machine"
fi
for ip in 0.0.0.0 :: fe80::1 169.254.1.1; do
	like "$(imap_login 127.0.0.5 alice alicepw --id-ip $ip)" '^a1 OK' "login forwarded from $ip succeeds"
	is "$(entry $ip ip)" - "... but $ip is never recorded"
done

# 12. a bad value: 2.3 can only see it at login, where it is logged,
# records nothing and breaks no login; 2.4 refuses it as a configuration
# error naming the setting, and a reload keeps the running configuration
cp "$DC/dovecot.conf" "$DC/dovecot.conf.good"
dovecot_conf_set relaytab_allow_loopback maybe
if [ "$DC_VERSION" = 2.3 ]; then
	kill -HUP "$DC_MASTER"
	sleep 1
	like "$(imap_login 127.0.0.20 alice alicepw)" '^a1 OK' "login succeeds with relaytab_allow_loopback = maybe"
	like "$(dovecot_log_until 'invalid relaytab_allow_loopback "maybe"' | grep 'relaytab:' | tail -1)" \
		'invalid relaytab_allow_loopback "maybe".*recording is disabled' \
		"... and the log names the bad setting"
	is "$(entry 127.0.0.20 ip)" - "... and nothing is recorded"
else
	# doveconf_errors: doveconf's exit status and its error lines
	doveconf_errors() {
		_e=$($DC_RUN doveconf -c "$DC/dovecot.conf" -n 2>&1 >/dev/null)
		echo "$? $(echo "$_e" | tr '\n' ' ')"
	}
	like "$(doveconf_errors)" '^89 .*invalid relaytab_allow_loopback "maybe"' \
		"doveconf refuses relaytab_allow_loopback = maybe, naming the setting and its value"
	mark=$(dovecot_log | wc -l)
	kill -HUP "$DC_MASTER"
	sleep 1
	like "$(dovecot_log | tail -n +$((mark + 1)) | grep 'Failed to read configuration')" \
		'invalid relaytab_allow_loopback "maybe"' "a reload with it fails, naming the setting"
	like "$(imap_login 127.0.0.20 alice alicepw)" '^a1 OK' "... and the running configuration keeps serving logins"
	is "$(entry 127.0.0.20 user)" alice "... with the last good settings (loopback allowed): recorded"
	for bad in "relaytab_refresh_interval 60x" "relaytab_exclude 10.0.0.0/33" \
		   "relaytab_master_users perhaps"; do
		cp "$DC/dovecot.conf.good" "$DC/dovecot.conf"
		dovecot_conf_set $bad
		like "$(doveconf_errors)" "^89 .*invalid ${bad%% *}" "doveconf refuses ${bad%% *} = ${bad#* }"
	done
	cp "$DC/dovecot.conf.good" "$DC/dovecot.conf"
	dovecot_conf_set relaytab_tabel /tmp/x
	like "$(doveconf_errors)" '^89 .*Unknown setting: relaytab_tabel' "a misspelled setting is a configuration error"
	cp "$DC/dovecot.conf.good" "$DC/dovecot.conf"
	dovecot_conf_set relaytab_refresh_interval "1 m"
	like "$(doveconf_errors)" '^89 .*invalid relaytab_refresh_interval "1 m"' \
		"values are those of 2.3, not Dovecot's own time syntax (\"1 m\" refused)"
	cp "$DC/dovecot.conf.good" "$DC/dovecot.conf"
	dovecot_conf_set relaytab_refresh_interval 60
	dovecot_conf_set relaytab_master_users true
	is "$(doveconf_errors | tr -d " ")" 0 "... and a bare 60 and true are accepted, as on 2.3"
fi
cp "$DC/dovecot.conf.good" "$DC/dovecot.conf"
dovecot_log | grep -qE 'Fatal|Panic'
ok "no fatal error or panic in the Dovecot log" [ $? -ne 0 ]
dovecot_stop

# 13. anonymous logins (a variant with the ANONYMOUS mechanism enabled)
DC_ALLOW_LOOPBACK=yes
dovecot_setup "auth_mechanisms = plain login anonymous" "auth_anonymous_username = anonymous"
dovecot_conf_userdb_static
dovecot_start
like "$(imap_login 127.0.0.21 trace@example.org - --anonymous)" '^a1 OK' "AUTHENTICATE ANONYMOUS from 127.0.0.21 succeeds"
like "$(dovecot_log | grep -E 'imap-login: Info: (Login|Logged in):' | tail -1)" 'user=<anonymous>, method=ANONYMOUS, rip=127\.0\.0\.21' \
	"... as Dovecot's anonymous user (2.3 logs \"Login:\", 2.4 \"Logged in:\")"
is "$(entry 127.0.0.21 ip)" - "... and is not recorded"
like "$(imap_login 127.0.0.22 alice alicepw)" '^a1 OK' "a password login on the same server"
is "$(entry 127.0.0.22 user)" alice "... is recorded"
dovecot_log | grep -qE 'Fatal|Panic'
ok "no fatal error or panic in the Dovecot log" [ $? -ne 0 ]

dovecot_stop

# 14. a 2^22-slot table (1 GiB) under Dovecot's default vsz_limit (256M):
# the plugin maps only the header and the two buckets a login touches
DC_ALLOW_LOOPBACK=yes
dovecot_setup
grep -q vsz_limit "$DC/dovecot.conf"
ok "the config leaves vsz_limit at Dovecot's default" [ $? -ne 0 ]
RT create --group mail --mode 0660 --force --capacity 4194304 2>/dev/null ||
	bail "relaytab create of a 2^22-slot table failed"
ok "the table is bigger than the default vsz_limit" \
	[ "$(stat -c %s "$DC_TABLE")" -gt $((256 * 1024 * 1024)) ]
dovecot_start
mark=$(dovecot_log | wc -l)
like "$(imap_login 127.0.0.23 alice alicepw)" '^a1 OK' "IMAP login from 127.0.0.23 with the 2^22-slot table"
is "$(entry 127.0.0.23 user)" alice "... is recorded"
like "$(pop3_login 127.0.0.24 bob bobpw)" '^\+OK' "POP3 login from 127.0.0.24"
is "$(entry 127.0.0.24 user)" bob "... is recorded"
imap_login 127.0.0.25 bob bobpw --idle 2 >/dev/null
is "$(entry 127.0.0.25 user)" bob "a session refreshed while idle is recorded"
dovecot_log | tail -n +$((mark + 1)) | grep 'relaytab:' | grep -qi 'cannot'
ok "no relaytab error in the Dovecot log" [ $? -ne 0 ]
dovecot_log | tail -n +$((mark + 1)) | grep -qE 'Fatal|Panic|Out of memory'
ok "no fatal error, panic or out of memory in the Dovecot log" [ $? -ne 0 ]
dovecot_stop

# 15. the conf.d snippet shipped for this version, as an administrator
# installs it: the test config's own plugin lines replaced by it, each
# commented setting switched on at its shown value, the table and access
# group the test's own (the system has no "relaytab" group)
DC_ALLOW_LOOPBACK=
dovecot_setup
snippet=$top_srcdir/dovecot-conf/$DC_VERSION/95-relaytab.conf
python3 - "$DC/dovecot.conf" <<'PY'
import re, sys
p = sys.argv[1]
conf = open(p).read()
conf = re.sub(r'protocol (imap|pop3) \{.*?\n\}\n', '', conf, flags=re.S)
conf = re.sub(r'(?m)^plugin \{\n  relaytab_table = .*\n\}\n|^relaytab_table = .*\n', '', conf)
open(p, 'w').write(conf)
PY
grep -Eq 'relaytab_|mail_plugins.*relaytab|relaytab = yes' "$DC/dovecot.conf"
ok "the test config alone loads no plugin and sets no relaytab setting" [ $? -ne 0 ]
sed -e 's/^\( *\)#\(relaytab_[a-z_]* = \)/\1\2/' \
    -e "s|^\( *\)relaytab_table = .*|\1relaytab_table = $DC_TABLE|" \
    -e 's/relaytab_exclude = .*/relaytab_exclude = 10.0.0.0\/8, [2001:db8::]\/32/' \
    -e 's/relaytab_allow_loopback = no/relaytab_allow_loopback = yes/' \
    -e 's/mail_access_groups = relaytab/mail_access_groups = mail/' \
    "$snippet" > "$DC/95-relaytab.conf"
echo "!include $DC/95-relaytab.conf" >> "$DC/dovecot.conf"
is "$(grep -c '^ *relaytab_[a-z_]* = ' "$DC/95-relaytab.conf")" 6 \
	"the $DC_VERSION snippet shows all six settings, each switched on here"
RT create --group mail --mode 0660 --force || bail "relaytab create --force failed"
dovecot_start
like "$(imap_login 127.0.0.26 alice alicepw)" '^a1 OK' "with the $DC_VERSION snippet, IMAP login from 127.0.0.26 succeeds"
is "$(entry 127.0.0.26 user)" alice "... and is recorded"
like "$(pop3_login 127.0.0.27 bob bobpw)" '^\+OK' "POP3 login from 127.0.0.27 succeeds"
is "$(entry 127.0.0.27 user)/$(entry 127.0.0.27 service)" bob/pop3 "... and is recorded"
like "$(python3 "$MAILCLIENT" lmtp 127.0.0.1 "$DC_LMTP" 127.0.0.28 alice)" '^250' "LMTP delivery from 127.0.0.28"
is "$(entry 127.0.0.28 ip)" - "... is not recorded (the snippet loads the plugin for imap and pop3 only)"
other=2.4
[ "$DC_VERSION" = 2.4 ] && other=2.3
cp "$DC/dovecot.conf" "$DC/dovecot.conf.good"
sed 's|^!include .*|!include '"$top_srcdir/dovecot-conf/$other/95-relaytab.conf"'|' \
	"$DC/dovecot.conf.good" > "$DC/dovecot.conf"
$DC_RUN doveconf -c "$DC/dovecot.conf" -n >/dev/null 2>&1
rc=$?
if [ "$DC_VERSION" = 2.3 ]; then
	# 2.3 takes 2.4's "mail_plugins {" for an unknown section
	ok "Dovecot $DC_VERSION's doveconf refuses the $other snippet (rc $rc)" [ "$rc" -ne 0 ]
else
	ok "Dovecot $DC_VERSION's doveconf refuses the $other snippet (plugin {}; rc $rc)" [ "$rc" -ne 0 ]
fi
cp "$DC/dovecot.conf.good" "$DC/dovecot.conf"
dovecot_log | grep -qE 'Fatal|Panic'
ok "no fatal error or panic in the Dovecot log" [ $? -ne 0 ]
dovecot_stop
rm -f "$DC_TABLE"
tap_done
