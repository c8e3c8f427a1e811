#!/bin/sh
# policy.sh - relaytab serve as a Postfix policy service
# (check_policy_service), against a real Postfix over a unix socket and
# over TCP on loopback: a client with a live login relays (action=OK, or
# the configured action), another does not (action=DUNNO); with the table
# gone a relay attempt is deferred (4xx) while mail to a local domain still
# passes; oversized attributes (a long HELO name and sender) do not change
# the answer; bad and oversized attribute lists close only their own
# connection.
. "$top_srcdir/tests/tap.sh"
. "$top_srcdir/tests/lib/postfix-env.sh"

RT() { "$RELAYTAB" --table "$T/table" "$@"; }
chmod 0711 "$T"
mkdir -p "$T/sm"
chmod 0755 "$T/sm"
POL=$T/sm/policy
PPORT=$(python3 "$top_srcdir/tests/lib/mailclient.py" free-port)
RT create || bail "relaytab create"
PF_RELAY_CHECK="check_policy_service unix:$POL"
postfix_setup unused
group=postfix
[ -n "${POSTFIX_ROOT:-}" ] && group=$PF_GID
printf 'grace = 30m\nserve-socket =\nserve-policy-socket = %s\nserve-policy-listen = 127.0.0.1:%s\nserve-socket-group = %s\n' \
	"$POL" "$PPORT" "$group" > "$T/relaytab.conf"
"$RELAYTAB" --table "$T/table" serve --config "$T/relaytab.conf" 2> "$T/serve.log" &
SERVE=$!
tap_track_pid $SERVE
wait_socket "$POL"
ok "serve makes the policy socket" [ -S "$POL" ]
postfix_start

is "$(rcpt 127.0.0.2)" 554 "unix policy: 127.0.0.2 (no login) may not relay"
RT add 127.0.0.2
is "$(rcpt 127.0.0.2)" 250 "unix policy: after relaytab add, the next connection may relay"
is "$(rcpt 127.0.0.3)" 554 "unix policy: 127.0.0.3 still may not"
long_helo=$(printf 'h%.0s' $(seq 1 1500)).example
long_sender=$(printf 's%.0s' $(seq 1 900))@example.org
is "$(python3 "$top_srcdir/tests/lib/mailclient.py" smtp-rcpt 127.0.0.1 "$PF_PORT" 127.0.0.2 \
	someone@example.net "$long_helo" "$long_sender")" 250 \
	"a 1,500-byte HELO name and a 900-byte sender (attributes over 512 bytes): 127.0.0.2 still relays"
is "$(python3 "$top_srcdir/tests/lib/mailclient.py" smtp-rcpt 127.0.0.1 "$PF_PORT" 127.0.0.3 \
	someone@example.net "$long_helo" "$long_sender")" 554 "... and 127.0.0.3 still may not"

mv "$T/table" "$T/table.away"
sleep 0.3
code=$(rcpt 127.0.0.2)
like "$code" '^45' "table gone: a relay attempt is deferred (got $code; DEFER_IF_REJECT), never 250"
is "$(rcpt 127.0.0.3 someone@relaytab.test)" 250 "... while mail to a local domain passes"
mv "$T/table.away" "$T/table"
sleep 0.3
is "$(rcpt 127.0.0.2)" 250 "table back: 127.0.0.2 relays again"

# bad requests straight to the service: each closes its own connection
# only; a good request on another connection is still answered
is "$(python3 - "$POL" <<'PY'
import socket, sys
def ask(data):
    s = socket.socket(socket.AF_UNIX)
    s.settimeout(5)
    s.connect(sys.argv[1])
    out = b""
    try:
        s.sendall(data)
        while not out.endswith(b"\n\n"):
            d = s.recv(4096)
            if not d:
                return "closed" if not out else out.decode()
            out += d
    except socket.timeout:
        return "timeout"
    except (ConnectionResetError, BrokenPipeError):
        return "closed"    # closed with our bytes unread: a reset
    s.close()
    return out.decode().strip()
good = b"request=smtpd_access_policy\nclient_address=127.0.0.2\n\n"
print(ask(b"request=smtpd_access_policy\nno equals sign\n\n"))
print(ask(b"request=smtpd_access_policy\n" + b"x=" + b"y" * 70000 + b"\n\n"))
print(ask(b"request=smtpd_access_policy\n" + b"".join(b"a%d=b\n" % i for i in range(300)) + b"\n"))
print(ask(b"request=smtpd_access_policy\nclient_address=127.0.0.2\x00\n\n"))
print(ask(b"request=smtpd_access_policy\nclient_address=127.0.0.2\nclient_address=127.0.0.3\n\n"))
print(ask(b"request=smtpd_access_policy\nclient_address=" + b"1" * 600 + b"\n\n"))
print(ask(good + good.replace(b"127.0.0.2", b"127.0.0.3")).replace("\n\n", " | "))
PY
)" "closed
closed
closed
closed
action=DUNNO
action=DUNNO
action=OK | action=DUNNO" "no '=', 70 KB, 300 lines, a NUL: closed; repeated or overlong client_address: DUNNO; two pipelined: both answered in order"
ok "serve is still running" kill -0 $SERVE || sed 's/^/# /' "$T/serve.log"

# the same over TCP, with a configured action
postfix_stop
kill -TERM $SERVE; wait $SERVE
printf 'serve-policy-action = PERMIT\n' >> "$T/relaytab.conf"
"$RELAYTAB" --table "$T/table" serve --config "$T/relaytab.conf" 2> "$T/serve2.log" &
SERVE=$!
tap_track_pid $SERVE
wait_socket "$POL"
PF_RELAY_CHECK="check_policy_service inet:127.0.0.1:$PPORT"
postfix_setup unused
postfix_start
is "$(rcpt 127.0.0.2)" 250 "TCP policy, action PERMIT: 127.0.0.2 may relay"
is "$(rcpt 127.0.0.3)" 554 "TCP policy: 127.0.0.3 may not"
like "$(python3 - "$PPORT" <<'PY'
import socket, sys
s = socket.create_connection(("127.0.0.1", int(sys.argv[1])), 5)
s.sendall(b"request=smtpd_access_policy\nclient_address=127.0.0.2\n\n")
print(s.recv(100).decode().strip())
PY
)" '^action=PERMIT$' "... the configured action is what serve answers"
warnings=$(grep -c 'warning: problem talking to server' "$PF/maillog" 2>/dev/null || true)
is "$warnings" 0 "Postfix logged no trouble talking to the policy service"
postfix_stop
kill -TERM $SERVE; wait $SERVE
is $? 0 "serve stops cleanly"
ok "and removes the policy socket" [ ! -e "$POL" ]
tap_done
