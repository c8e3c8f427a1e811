#!/bin/sh
# cli.sh - every relaytab command and its error paths, with exit codes.
. "$top_srcdir/tests/tap.sh"

TB=$T/table
RT() { "$RELAYTAB" --table "$TB" "$@"; }
NOW=1800000000
export RELAYTAB_NOW=$NOW

# create
RT create --capacity 1000 --mode 0640 --group "$(id -gn)"
is $? 0 "create"
is "$(stat -c %a "$TB")" 640 "create applies --mode"
is "$(stat -c %s "$TB")" $((4096 + 4096 + 1024 * 256)) "capacity 1000 rounded up to 1024 slots"
RT create 2>"$T/err"; is $? 73 "create refuses to replace a valid table (exit 73)"
like "$(cat "$T/err")" '^relaytab: error: .*already a valid table.*--force' "... with a one-line reason"
is "$(wc -l < "$T/err")" 1 "... exactly one line"
echo precious > "$T/notatable"
"$RELAYTAB" --table "$T/notatable" create 2>/dev/null; is $? 73 "create refuses to replace a file that is not a table"
is "$(cat "$T/notatable")" precious "... and leaves it untouched"
RT create --capacity 0 2>/dev/null; is $? 64 "bad --capacity: usage error"
RT create --mode 9 2>/dev/null; is $? 64 "bad --mode: usage error"
RT create --group no-such-group-here 2>/dev/null; is $? 64 "unknown --group: usage error"
# issue 14: numbers out of a gid's range or negative were taken (as gid 1, or ignored)
RT create --force --group 4294967297 2>"$T/err"; is $? 64 "--group 4294967297 (no such gid): usage error"
like "$(cat "$T/err")" 'no such group "4294967297"' "... naming it"
RT create --force --group -1 2>/dev/null; is $? 64 "--group -1: usage error"
RT create --force --group 65534; is $? 0 "--group by number"
is "$(stat -c %g "$TB")" 65534 "... sets that gid"
# issue 14: a world-writable table lets every local user grant relay
RT create --force --mode 0666 2>"$T/err"; is $? 64 "create --mode 0666 (world-writable): usage error"
like "$(cat "$T/err")" 'world-writable' "... saying why"
RT create --force --mode 0640 >/dev/null; is "$(stat -c %a "$TB")" 640 "the table before it is left as it was"
RT create --capacity 2048 --force; is $? 0 "create --force replaces a valid table"
is "$(stat -c %s "$TB")" $((4096 + 8192 + 2048 * 256)) "... with the new capacity"

# add / query / list
RT add 192.0.2.1 --user alice --service imap; is $? 0 "add"
RT add 2001:DB8::5 --user bob --service pop3; is $? 0 "add IPv6 (uppercase input)"
RT add ::ffff:198.51.100.7; is $? 0 "add an IPv4-mapped address"
RT add 192.0.2.1 --user alice --service imap; is $? 0 "add again"
RT query 192.0.2.1; is $? 0 "query a live IP: 0"
RT query 192.0.2.2; is $? 1 "query an absent IP: 1"
RT query 198.51.100.7; is $? 0 "the v4-mapped add is the IPv4 address"
RELAYTAB_NOW=$((NOW + 1801)) RT query 192.0.2.1; is $? 1 "query after the header grace (30m): 1"
RELAYTAB_NOW=$((NOW + 100)) RT query 192.0.2.1 --grace 90; is $? 1 "query --grace 90 after 100 s: 1"
RELAYTAB_NOW=$((NOW + 100)) RT query 192.0.2.1 --grace 2m; is $? 0 "query --grace 2m after 100 s: 0"
RT list > "$T/list.out"
cat > "$T/list.ref" <<REF
192.0.2.1     alice   imap     2027-01-15T08:00:00Z  2027-01-15T08:00:00Z  2       1
198.51.100.7  manual  manual   2027-01-15T08:00:00Z  2027-01-15T08:00:00Z  1       1
2001:db8::5   bob     pop3     2027-01-15T08:00:00Z  2027-01-15T08:00:00Z  1       1
REF
ok "list output (sorted, IPv4 first; columns as wide as their values, no tab)" cmp -s "$T/list.out" "$T/list.ref" ||
	diff "$T/list.ref" "$T/list.out" | sed 's/^/# /'
# on a terminal (script(1) gives it one), a header names the columns
if command -v script >/dev/null; then
	script -qec "env RELAYTAB_NOW=$NOW '$RELAYTAB' --table '$TB' list" /dev/null | tr -d '\r' > "$T/list.tty"
	is "$(head -n 1 "$T/list.tty")" "ADDRESS       USER    SERVICE  FIRST SEEN            LAST SEEN             LOGINS  USERS" \
		"list on a terminal: a header line first"
	is "$(tail -n +2 "$T/list.tty")" "$(cat "$T/list.ref")" "... then the same lines"
else
	skip 2 "script(1) is not installed"
fi
RT list --json | python3 -m json.tool > /dev/null; is $? 0 "list --json is valid JSON"
is "$(RT list --json | python3 -c 'import json,sys; print(len(json.load(sys.stdin)))')" 3 "list --json has 3 entries"
is "$(RELAYTAB_NOW=$((NOW + 4000)) RT list | wc -l)" 0 "list hides expired entries"
is "$(RELAYTAB_NOW=$((NOW + 4000)) RT list --all | wc -l)" 3 "list --all shows them"
RT add 192.0.2.9 --user "$(printf 'evil\033[2Jname')"
like "$(RT list | grep 192.0.2.9)" 'evil\\x1b\[2Jname' "control characters in a user name are escaped"
RT list --json | python3 -m json.tool > /dev/null; is $? 0 "... and JSON stays valid"

# stats
like "$(RT stats)" 'capacity +2048 slots' "stats shows the capacity"
is "$(RT stats --json | python3 -c 'import json,sys; d=json.load(sys.stdin); print(d["used"], d["counters"]["insert"])')" "4 4" "stats --json: used and inserts"

# issue 18: an address several users log in from (a NAT) - list, stats
# and query show how many, and max-users-per-address holds it back
RT add 192.0.2.50 --user ann; RT add 192.0.2.50 --user ben
RELAYTAB_NOW=$((NOW + 60)) RT add 192.0.2.50 --user cat
RELAYTAB_NOW=$((NOW + 60)) RT add 192.0.2.50 --user ann
is "$(RELAYTAB_NOW=$((NOW + 60)) RT list | grep '^192.0.2.50 ' | awk '{print $6, $7}')" "4 3" \
	"list: a shared address, 4 logins of 3 users"
printf 'grace = 30m\nmax-users-per-address = 2\n' > "$T/limit.conf"
like "$(RELAYTAB_NOW=$((NOW + 60)) RT list --config "$T/limit.conf" | grep '^192.0.2.50 ')" \
	'  3  held: more than max-users-per-address 2$' "... with max-users-per-address 2 in the file: held, and why"
is "$(RELAYTAB_NOW=$((NOW + 60)) RT list --config "$T/limit.conf" | grep -c held)" 1 "... and no other address is"
is "$(RELAYTAB_NOW=$((NOW + 60)) RT list --max-users-per-address 3 | grep -c held)" 0 "--max-users-per-address 3: not held"
is "$(RELAYTAB_NOW=$((NOW + 60)) RT list --json --config "$T/limit.conf" | python3 -c '
import json, sys
e = [x for x in json.load(sys.stdin) if x["ip"] == "192.0.2.50"][0]
print(e["users"], e["users_or_more"], e["held"])')" "3 False True" "list --json: users, users_or_more, held"
RELAYTAB_NOW=$((NOW + 60)) RT query 192.0.2.50; is $? 0 "query: the shared address may relay with no limit"
RELAYTAB_NOW=$((NOW + 60)) RT query --config "$T/limit.conf" 192.0.2.50; is $? 1 "... and not over the limit"
RELAYTAB_NOW=$((NOW + 60)) RT query --config "$T/limit.conf" 192.0.2.1; is $? 0 "... while an address of one user still may"
# ben (seen at NOW) leaves the count at NOW + 1800: 2 users, not held
is "$(RELAYTAB_NOW=$((NOW + 1800)) RT list --config "$T/limit.conf" | grep '^192.0.2.50 ' | awk '{print $7, $8}')" "2 " \
	"a user whose grace ended no longer counts: 2, not held"
RELAYTAB_NOW=$((NOW + 1800)) RT query --config "$T/limit.conf" 192.0.2.50; is $? 0 "... and it may relay again"
is "$(RELAYTAB_NOW=$((NOW + 60)) RT stats --json --config "$T/limit.conf" | python3 -c '
import json, sys
d = json.load(sys.stdin); print(d["shared"], d["held"], d["max_users_per_address"])')" "1 1 2" \
	"stats --json: 1 shared address, 1 held, the limit"
like "$(RELAYTAB_NOW=$((NOW + 60)) RT stats --config "$T/limit.conf" | grep -E '^(shared|held) ' | tr '\n' ' ')" \
	'^shared +1 .*held +1 \(over max-users-per-address 2: no relay\)' "stats: shared and held"
RT list --max-users-per-address 6 2>"$T/err"; is $? 64 "--max-users-per-address 6: usage error (an entry tells 6 users apart)"
like "$(cat "$T/err")" 'invalid max-users-per-address "6" \(1\.\.5, or no\)' "... saying the range"
RT list --config "$T/none.conf" 2>"$T/err"; is $? 78 "list --config of a missing file: 78"
RT del 192.0.2.50 >/dev/null

# del
out=$(RT del 192.0.2.1); is $? 0 "del an IP"
# issue 14: del said nothing when it removed an entry
is "$out" "removed 1 entry" "... and says what it removed"
RT query 192.0.2.1; is $? 1 "... it is gone"
RT del 192.0.2.1; is $? 1 "del it again: nothing removed, 1"
RT del --user bob; is $? 0 "del --user"
RT query 2001:db8::5; is $? 1 "... bob's entry is gone"
RT del 198.51.100.7 not-an-ip 2>/dev/null; is $? 64 "del with one bad address: usage error"
RT query 198.51.100.7; is $? 0 "... and nothing was removed"
RT del 2>/dev/null; is $? 64 "del with nothing to delete: usage error"

# environment and global options
RELAYTAB_TABLE=$TB "$RELAYTAB" query 198.51.100.7; is $? 0 "RELAYTAB_TABLE names the table"
RELAYTAB_TABLE=/nonexistent "$RELAYTAB" --table "$TB" query 198.51.100.7; is $? 0 "--table wins over RELAYTAB_TABLE"
"$RELAYTAB" --version | grep -q '^relaytab '; is $? 0 "--version"
"$RELAYTAB" --help | grep -q 'Commands:'; is $? 0 "--help"
"$RELAYTAB" help list | grep -q 'usage: relaytab list'; is $? 0 "help COMMAND"
"$RELAYTAB" help nosuch 2>/dev/null; is $? 64 "help of an unknown command"
"$RELAYTAB" 2>/dev/null; is $? 64 "no command: usage"
"$RELAYTAB" frobnicate 2>"$T/err"; is $? 64 "unknown command: 64"
like "$(cat "$T/err")" '^relaytab: error: unknown command "frobnicate"' "... one-line error"

# bad input
RT add 1.2.3 2>"$T/err"; is $? 64 "add a bad address: 64"
like "$(cat "$T/err")" 'invalid IP address "1.2.3"' "... says which"
RT add 192.0.2.1 --service smtp 2>/dev/null; is $? 64 "add with an unknown service: 64"
RT query 192.0.2.1 --grace 5x 2>/dev/null; is $? 64 "a bad duration: 64"
RT list --bogus 2>"$T/err"; is $? 64 "an unknown option: 64"
like "$(cat "$T/err")" 'unknown option "--bogus"' "... names the option"

# missing, corrupt, foreign tables are refused cleanly
"$RELAYTAB" --table "$T/none" list 2>"$T/err"; is $? 66 "missing table: 66"
like "$(cat "$T/err")" 'does not exist' "... says so"
cp "$TB" "$T/corrupt"
printf 'XXXX' | dd of="$T/corrupt" bs=1 seek=0 conv=notrunc 2>/dev/null
"$RELAYTAB" --table "$T/corrupt" list 2>"$T/err"; is $? 65 "corrupt magic: 65"
like "$(cat "$T/err")" 'bad magic' "... says why"
cp "$TB" "$T/corrupt"
printf '\377' | dd of="$T/corrupt" bs=1 seek=40 conv=notrunc 2>/dev/null
"$RELAYTAB" --table "$T/corrupt" stats 2>"$T/err"; is $? 65 "corrupt header field: 65"
like "$(cat "$T/err")" 'hdr_crc' "... checksum mismatch reported"
head -c 100000 "$TB" > "$T/short"
"$RELAYTAB" --table "$T/short" query 192.0.2.1 2>"$T/err"; is $? 65 "truncated table: 65"
like "$(cat "$T/err")" 'truncated' "... says truncated"
head -c 20000 /dev/urandom > "$T/random"
"$RELAYTAB" --table "$T/random" add 192.0.2.1 2>/dev/null; is $? 65 "random bytes: 65"
"$RELAYTAB" --table "$T" list 2>/dev/null; is $? 65 "a directory: 65"
RT query 198.51.100.7; is $? 0 "the real table is intact after all of that"

# serve: settings and setup errors are one line and a non-zero exit
RT serve --config /dev/null --bogus 2>"$T/err"; is $? 64 "serve: unknown option: 64"
RT serve --config /dev/null --max-connections 0 2>"$T/err"; is $? 64 "serve: --max-connections 0: 64"
like "$(cat "$T/err")" 'invalid serve-max-connections' "... says which setting"
RT serve --config /dev/null --socket "" 2>"$T/err"; is $? 64 "serve: no socket and no TCP address: 64"
like "$(cat "$T/err")" 'nothing to listen on' "... says so"
printf 'serve-nonsense = 1\n' > "$T/serve.conf"
RT serve --config "$T/serve.conf" 2>"$T/err"; is $? 78 "serve: unknown serve- key in the file: 78"
like "$(cat "$T/err")" 'serve.conf:1: unknown setting "serve-nonsense"' "... with file:line"
printf 'postfix-cdb = %s/m\nserve-socket = %s/s\n' "$T" "$T" > "$T/both.conf"
RT compile --config "$T/both.conf"; is $? 0 "compile ignores serve- keys in a shared file"
echo precious > "$T/plainfile"
RT serve --config /dev/null --socket "$T/plainfile" 2>"$T/err"; is $? 71 "serve refuses a socket path that is a plain file: 71"
like "$(cat "$T/err")" 'exists and is not a socket' "... says why"
is "$(cat "$T/plainfile")" precious "... and leaves the file alone"
RT serve --config /dev/null --socket "" --listen 127.0.0.1 2>"$T/err"; is $? 64 "serve: --listen without a port: usage error (64; was 71)"
like "$(cat "$T/err")" 'invalid serve-listen' "... says why"
# a name over 64 bytes is stored cut to 64 (add and the plugin, without
# splitting a UTF-8 character); del --user cuts it the same way
long=$(printf 'u%.0s' $(seq 65))
RT add 192.0.2.77 --user "$long" || bail "add --user long"
RT add 192.0.2.78 --user "${long%??}v" || bail "add --user 63+v"
is "$(RT del --user "$long" 2>"$T/err")" "removed 1 entry" \
	"del --user with the 65-byte name that add stored cut to 64: removes its entry"
like "$(cat "$T/err")" 'longer than 64 bytes.*"u{64}"' "... saying it matched the stored 64 bytes"
is "$(RT list | cut -d' ' -f1 | grep '^192\.0\.2\.7[78]$')" 192.0.2.78 \
	"... and not the entry whose user differs in the 64th byte"
umlauts=$(printf '\303\244%.0s' $(seq 40))
RT add 192.0.2.79 --user "$umlauts" || bail "add --user umlauts"
is "$(RT del --user "$umlauts" 2>/dev/null)" "removed 1 entry" \
	"an 80-byte UTF-8 name (40 x \"a-umlaut\"): add and del cut it alike (64 bytes, no split character)"
# issue 15: create without --group says which group the writers need; a
# permission error names the table's group and the ways out
"$RELAYTAB" --table "$T/perm" create 2>"$T/err"; is $? 0 "create without --group works"
like "$(cat "$T/err")" "^relaytab: warning: no --group: the table is group $(id -gn).*mail_access_groups" \
	"... with a warning naming its group and mail_access_groups"
"$RELAYTAB" --table "$T/perm2" create --group "$(id -gn)" 2>"$T/err"
is "$(cat "$T/err")" "" "create --group: no warning"
if command -v setpriv >/dev/null; then
	chmod 0711 "$T"
	setpriv --reuid=65534 --regid=65534 --clear-groups \
		"$RELAYTAB" --table "$T/perm" add 192.0.2.1 2>"$T/err"
	is $? 77 "a user outside the table's group: add fails with 77"
	like "$(cat "$T/err")" "Permission denied \(the table is group $(id -gn), mode 0660: .*chgrp.*mail_access_groups\)" \
		"... naming the group, the mode, chgrp and mail_access_groups"
else
	skip 2 "setpriv is not installed"
fi
# issue 14: a FIFO at the table path hung query (and serve, deaf to SIGTERM)
mkfifo "$T/fifo"
timeout -k 5 10 "$RELAYTAB" --table "$T/fifo" query 192.0.2.1 2>"$T/err"
rc=$?
ok "query of a FIFO at the table path does not hang (rc $rc)" [ "$rc" -ne 124 ] && [ "$rc" -ne 137 ] && [ "$rc" -ne 0 ]
like "$(cat "$T/err")" 'not a regular file' "... it is refused as not a regular file"
# serve keeps running without a usable table (it answers no), and stops on SIGTERM
"$RELAYTAB" --table "$T/fifo" serve --config /dev/null --socket "$T/fifo.sock" 2>"$T/err" &
sp=$!
tap_track_pid $sp
wait_socket "$T/fifo.sock"
kill -TERM $sp
# (a process that exited but was not waited for still answers kill -0)
_i=0
while [ "$(cut -d' ' -f3 /proc/$sp/stat 2>/dev/null)" != Z ] && [ -e /proc/$sp ] && [ $_i -lt 50 ]; do
	sleep 0.1; _i=$((_i + 1))
done
[ $_i -lt 50 ] || kill -9 $sp
wait $sp
is $? 0 "serve with a FIFO at the table path stops on SIGTERM (exit 0)"
like "$(cat "$T/err")" 'not a regular file' "... having refused the FIFO as not a regular file"
RT create --force >/dev/null
mkfifo "$TB.watch.lock"
timeout -k 5 10 "$RELAYTAB" --table "$TB" watch --config /dev/null --postfix-cdb "$T/fifo-map" 2>"$T/err"
rc=$?
is "$rc" 73 "watch with a FIFO planted as its lock file exits at once (73)"
like "$(cat "$T/err")" 'not a regular file' "... saying why"
rm -f "$TB.watch.lock"
# issue 14: a bad --listen exited 71 (an OS error), not 64
RT serve --config /dev/null --socket "$T/s.sock" --listen nonsense 2>"$T/err"
is $? 64 "serve --listen nonsense: usage error (64)"
like "$(cat "$T/err")" 'invalid serve-listen "nonsense"' "... naming it"
# issue 14: --listen bound any address (0.0.0.0:17029 worked), though the
# socketmap protocol has no authentication and relaytab(8) says loopback only
for a in 0.0.0.0:17029 "[::]:17029" 192.0.2.1:17029 "[2001:db8::1]:17029"; do
	RT serve --config /dev/null --socket "" --listen "$a" 2>"$T/err"
	is $? 64 "serve --listen $a (not loopback): usage error"
done
like "$(cat "$T/err")" 'not a loopback address' "... saying why"
port=$(python3 "$top_srcdir/tests/lib/mailclient.py" free-port)
# (on the real clock: RELAYTAB_NOW is ahead of it, and a stamp ahead of the
# clock grants nothing)
env -u RELAYTAB_NOW "$RELAYTAB" --table "$TB" add 192.0.2.44 >/dev/null
env -u RELAYTAB_NOW "$RELAYTAB" --table "$TB" serve --config /dev/null --socket "" \
	--listen "127.0.0.1:$port" 2>"$T/serve-tcp.err" &
sp=$!
tap_track_pid $sp
reply=$(python3 - "$port" <<'PY'
import socket, sys, time
for _ in range(100):            # up to 5 s for serve to listen
    try:
        s = socket.create_connection(("127.0.0.1", int(sys.argv[1])), 1)
        break
    except OSError:
        time.sleep(0.05)
else:
    sys.exit("no listener")
q = b"relay 192.0.2.44"
s.sendall(b"%d:%s," % (len(q), q))
s.settimeout(5)
print(s.recv(100).decode())
PY
)
is "$reply" "5:OK OK," "serve --listen 127.0.0.1:PORT answers over TCP (OK with its value)"
kill $sp
wait $sp
# the plugin maps by window (two buckets a login), so no table size needs
# a larger vsz_limit: no warning even at 2^22 slots (tests/plugin/dovecot.sh
# records logins with one under the default)
RT --table "$T/big" create --capacity 4194304 --group "$(id -gn)" 2>"$T/err"; is $? 0 "create a 2^22-slot table"
is "$(cat "$T/err")" "" "... with no warning about Dovecot's vsz_limit"
rm -f "$T/big"
tap_done
