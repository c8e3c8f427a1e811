#!/bin/sh
# story.sh - the whole of relaytab, end to end, as an administrator runs it:
# a real Dovecot with the plugin, a real Postfix whose relay restriction
# reads the cdb map, and relaytab watch keeping that map current. Each step
# is asserted; the narration and the measured delays are TAP comments
# (tools/demo shows them as a transcript).
. "$top_srcdir/tests/tap.sh"
. "$top_srcdir/tests/lib/dovecot-env.sh"
. "$top_srcdir/tests/lib/postfix-env.sh"

say() { printf '# [%s] %s\n' "$(date +%H:%M:%S.%3N)" "$*"; }
RT() { "$RELAYTAB" --table "$DC_TABLE" "$@"; }

M=$T/maps
mkdir -p "$M"
# every client of the story is on 127.0.0.x: allow loopback explicitly
DC_ALLOW_LOOPBACK=yes
dovecot_setup
postfix_setup "cdb:$M/relay"
RT create --group mail --mode 0660 || bail "relaytab create"
printf 'grace = 30m\npostfix-cdb = %s\n' "$M/relay" > "$T/relaytab.conf"
RT compile --config "$T/relaytab.conf" || bail "first compile"   # the map exists before Postfix starts
dovecot_start
postfix_start
"$RELAYTAB" --table "$DC_TABLE" watch --config "$T/relaytab.conf" 2>"$T/watch.log" &
WATCH=$!
tap_track_pid $WATCH
say "Dovecot $($DC_RUN dovecot --version | cut -d" " -f1) (IMAP :$DC_IMAP, POP3 :$DC_POP3, LMTP :$DC_LMTP), Postfix $($PF_RUN postconf -h mail_version) (SMTP :$PF_PORT), relaytab watch (grace 30m) are running on 127.0.0.1"
say "the plugin has $(grep -o 'relaytab_allow_loopback = .*' "$DC/dovecot.conf"): every client here is on 127.0.0.x, and by default (no) loopback logins are not recorded"

say "step 1: 127.0.0.2 has not logged in and tries to relay"
is "$(rcpt 127.0.0.2)" 554 "1. relaying from 127.0.0.2 is denied (554 Relay access denied)"

say "step 2: alice logs in over IMAP from 127.0.0.2"
out=$(imap_login 127.0.0.2 alice alicepw --time)
like "$out" '^a1 OK' "2. IMAP login from 127.0.0.2 succeeds"
ok_at=$(echo "$out" | sed -n 's/^ok-at-ms //p')
_i=0
while [ "$(rcpt 127.0.0.2)" != 250 ] && [ $_i -lt 500 ]; do sleep 0.01; _i=$((_i + 1)); done
delay=$(( $(now_ms) - ok_at ))
say "login OK -> first accepted RCPT: $delay ms"
is "$(rcpt 127.0.0.2)" 250 "2. relaying from 127.0.0.2 is now accepted"
ok "2. ... within 5 s of the login (took $delay ms)" [ "$delay" -lt 5000 ]

say "step 3: 127.0.0.3 never logged in; then bob logs in over POP3 from it"
is "$(rcpt 127.0.0.3)" 554 "3. relaying from 127.0.0.3 is still denied"
like "$(pop3_login 127.0.0.3 bob bobpw)" '^\+OK' "3. POP3 login from 127.0.0.3 succeeds"
ms=$(poll_rcpt 127.0.0.3 250)
is "$(rcpt 127.0.0.3)" 250 "3. relaying from 127.0.0.3 is accepted (after $ms ms)"

say "step 4: a failed login from 127.0.0.5, an LMTP delivery from 127.0.0.6"
like "$(imap_login 127.0.0.5 alice wrongpw)" '^a1 NO' "4. the wrong password is refused"
like "$(python3 "$MAILCLIENT" lmtp 127.0.0.1 "$DC_LMTP" 127.0.0.6 alice)" '^250' "4. the LMTP delivery from 127.0.0.6 is accepted"
sleep 0.3
is "$(rcpt 127.0.0.5)" 554 "4. the failed login opened nothing for 127.0.0.5"
is "$(rcpt 127.0.0.6)" 554 "4. the delivery opened nothing for 127.0.0.6"

say "step 5: the administrator revokes 127.0.0.2"
RT del 127.0.0.2
ms=$(poll_rcpt 127.0.0.2 554)
is "$(rcpt 127.0.0.2)" 554 "5. after relaytab del, 127.0.0.2 is denied again (after $ms ms)"
is "$(rcpt 127.0.0.3)" 250 "5. 127.0.0.3 is unaffected"

say "step 6: the grace is shortened to 3 s (SIGHUP); alice logs in from 127.0.0.7"
printf 'grace = 3s\npostfix-cdb = %s\n' "$M/relay" > "$T/relaytab.conf"
kill -HUP $WATCH
sleep 0.5
imap_login 127.0.0.7 alice alicepw > /dev/null
end=$(now_ms)
ms=$(poll_rcpt 127.0.0.7 250)
is "$(rcpt 127.0.0.7)" 250 "6. 127.0.0.7 may relay after its login"
ms=$(poll_rcpt 127.0.0.7 554)
denied=$(now_ms)
past=$(( denied - end - 3000 ))
say "the session ended at +0 ms; relaying was denied again at +$((denied - end)) ms: $past ms past the 3 s grace"
is "$(rcpt 127.0.0.7)" 554 "6. after the grace, 127.0.0.7 is denied again"
ok "6. ... no later than grace + 1 s (+0.5 s polling slack): $past ms past the grace" [ "$past" -le 1500 ]


restarts=$(grep -c 'has changed -- restarting' "$PF/maillog" 2>/dev/null || true)
say "Postfix restarted idle smtpd processes $restarts times for map changes"
ok "relaytab watch logged every map change" grep -q 'wrote ' "$T/watch.log"
kill -TERM $WATCH; wait $WATCH
is $? 0 "relaytab watch stops cleanly"
postfix_stop
dovecot_stop
tap_done
