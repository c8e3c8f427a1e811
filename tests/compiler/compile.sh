#!/bin/sh
# compile.sh - relaytab compile: the maps read back by the real tools
# (cdb, postmap, db_dump), key forms, IPv6 prefixes, no-op compiles,
# atomic replacement under readers, and the error paths.
. "$top_srcdir/tests/tap.sh"

TB=$T/table
RT() { "$RELAYTAB" --table "$TB" "$@"; }
M=$T/maps
mkdir -p "$M" "$T/pf"
: > "$T/pf/main.cf"
PQ() { postmap -c "$T/pf" -q "$@"; }
export RELAYTAB_NOW=1800000000

RT create --capacity 1024 || bail "create failed"
RT add 192.0.2.1
RT add 2001:DB8:0:0:1::5
RT add 2001:db8:1:2::5
RT add ::ffff:198.51.100.7
RT compile --config /dev/null --postfix-cdb "$M/relay" --postfix-hash "$M/hash" \
	--sendmail-hash "$M/sm" --sendmail-tag pop: --text "$M/relay.txt"
is $? 0 "compile writes four maps"
is "$(cdb -q "$M/relay.cdb" 192.0.2.1)" OK "cdb -q finds an IPv4 key"
is "$(cdb -q "$M/relay.cdb" 2001:db8:0:0)/$(cdb -q "$M/relay.cdb" 2001:db8:)" OK/OK \
	"an IPv6 login is its /64 (ipv6-prefix 64, the default): 2001:db8::1:0:0:5 gives 2001:db8:0:0 and 2001:db8:"
cdb -q "$M/relay.cdb" 2001:db8::1:0:0:5 >/dev/null; is $? 100 "... and no IPv6 host key, which Postfix's cut lookups would widen"
is "$(cdb -d "$M/relay.cdb" | grep -c '\\0\|[A-F]')" 0 "no NUL, no uppercase in keys"
is "$(PQ 192.0.2.1 "cdb:$M/relay")" OK "postmap -q cdb: finds 192.0.2.1"
is "$(PQ 198.51.100.7 "cdb:$M/relay")" OK "a v4-mapped login is an IPv4 key"
PQ 192.0.2.2 "cdb:$M/relay" >/dev/null; is $? 1 "postmap -q cdb: absent key: not found"
is "$(PQ 2001:db8:1:2 "hash:$M/hash")" OK "postmap -q hash: finds an IPv6 /64 key"
is "$(PQ 192.0.2.1 "hash:$M/hash")" OK "postmap -q hash: finds an IPv4 key"
db_dump -p "$M/sm.db" > "$T/sm.dump"
ok "sendmail hash: tagged IPv4 key" grep -q '^ pop:192.0.2.1$' "$T/sm.dump"
ok "sendmail hash: the /64 key, ipv6: and 4 groups" grep -q '^ pop:ipv6:2001:db8:1:2$' "$T/sm.dump"
RT compile --config /dev/null --sendmail-hash "$M/smhost" --sendmail-tag pop: --ipv6-prefix 128
db_dump -p "$M/smhost.db" > "$T/smhost.dump"
ok "sendmail hash, ipv6-prefix 128: the uncompressed host key" grep -q '^ pop:ipv6:2001:db8:1:2:0:0:0:5$' "$T/smhost.dump"
is "$(cat "$M/relay.txt")" "$(printf '192.0.2.1\tOK\n198.51.100.7\tOK\n2001:db8:\tOK\n2001:db8:0:0\tOK\n2001:db8:1:2\tOK')" "text map: sorted key<TAB>OK lines"
is "$(stat -c %a "$M/relay.cdb")" 644 "maps are created mode 0644"
# issue 14: a world-writable map lets every local user grant relay
"$RELAYTAB" --table "$TB" compile --config /dev/null --mode 0666 --postfix-cdb "$M/ww" 2>"$T/err"
is $? 64 "compile --mode 0666 (world-writable map): usage error"
like "$(cat "$T/err")" 'world-writable' "... saying why"
ok "... and writes no map" [ ! -e "$M/ww.cdb" ]

# no-op compile: same inode, same mtime
ino=$(stat -c %i "$M/relay.cdb"); mt=$(stat -c %Y.%y "$M/relay.cdb")
sleep 1.1
RT compile --config /dev/null --postfix-cdb "$M/relay" --postfix-hash "$M/hash"
is "$(stat -c %i "$M/relay.cdb")/$(stat -c %Y.%y "$M/relay.cdb")" "$ino/$mt" "a no-op compile leaves inode and mtime alone"
RT add 192.0.2.3
RT compile --config /dev/null --postfix-cdb "$M/relay" -v 2>"$T/log"
ok "a change replaces the file (new inode)" [ "$(stat -c %i "$M/relay.cdb")" != "$ino" ]
like "$(cat "$T/log")" "wrote $M/relay.cdb: 6 keys" "... and logs one line for the map"
is "$(ls -a "$M" | grep -c relaytab-)" 0 "no temp file left behind"

# expiry: entries older than the grace leave the table and the maps
RELAYTAB_NOW=1800000100 RT add 192.0.2.50
RELAYTAB_NOW=1800000101 RT compile --config /dev/null --grace 50 --postfix-cdb "$M/relay"
is "$(cdb -d "$M/relay.cdb" | grep -c :)" 1 "compile --grace 50 expires all but the new entry"
RT query 192.0.2.1 --grace 1d; is $? 1 "... and deletes the expired records from the table"

# IPv6 prefixes (the clock goes on from the last step: a clock that went
# back more than 10 s would make 192.0.2.50 a future-stamped record)
export RELAYTAB_NOW=1800000101
RT add 2001:db8:1:2::5
RT add 2001:db8:7:0::9
RT compile --config /dev/null --grace 1d --ipv6-prefix 64 --postfix-cdb "$M/p64"
# postmap -q does no cut-at-':' lookups (smtpd does; the property test in
# tests/core/test-mapkeys proves the rule), so check the keys themselves
is "$(cdb -q "$M/p64.cdb" 2001:db8:1:2)" OK "--ipv6-prefix 64: key 2001:db8:1:2 for 2001:db8:1:2::/64"
is "$(cdb -q "$M/p64.cdb" 2001:db8:7:0)/$(cdb -q "$M/p64.cdb" 2001:db8:7:)" OK/OK "--ipv6-prefix 64: keys 2001:db8:7:0 and 2001:db8:7: when the 4th group is 0"
cdb -q "$M/p64.cdb" 2001:db8:1:2::5 >/dev/null; is $? 100 "... and no host key"
is "$(cdb -q "$M/p64.cdb" 192.0.2.50)" OK "IPv4 keys are unchanged"

# config file
cat > "$T/relaytab.conf" <<CONF
# a comment
grace = 1d
postfix-cdb = $M/fromconf
CONF
RT compile --config "$T/relaytab.conf"; is $? 0 "compile with a config file"
ok "... writes the file's map" [ -f "$M/fromconf.cdb" ]
echo 'bogus = 1' >> "$T/relaytab.conf"
RT compile --config "$T/relaytab.conf" 2>"$T/err"; is $? 78 "unknown setting: exit 78 (EX_CONFIG)"
like "$(cat "$T/err")" 'relaytab.conf:4: unknown setting "bogus"' "... names file and line"
RT compile --config "$T/nonexistent.conf" --postfix-cdb "$M/x" 2>/dev/null; is $? 78 "a missing explicit config file is an error"
RT compile --config /dev/null 2>"$T/err"; is $? 64 "no output: usage error"

# errors keep the old map and leave no temp file
cp "$M/relay.cdb" "$T/before.cdb"
RT compile --config /dev/null --postfix-cdb "$T/nodir/relay" 2>"$T/err"; st=$?
ok "output directory missing: non-zero exit ($st)" [ $st -ne 0 ]
is "$(wc -l < "$T/err")" 1 "... one line"
mkdir "$M/ro"; cp "$M/relay.cdb" "$M/ro/relay.cdb"; chmod 0555 "$M/ro"
if command -v setpriv >/dev/null; then
	chmod 0666 "$TB"
	setpriv --reuid=65534 --regid=65534 --clear-groups "$RELAYTAB" --table "$TB" compile \
		--config /dev/null --postfix-cdb "$M/ro/relay" 2>"$T/err"; st=$?
	is $st 77 "EACCES on the map directory: exit 77"
	ok "... old map intact" cmp -s "$M/ro/relay.cdb" "$M/relay.cdb"
	chmod 0600 "$TB"
else
	skip 2 "setpriv not available"
fi
if mkdir -p "$T/tiny" && mount -t tmpfs -o size=64k tmpfs "$T/tiny" 2>/dev/null; then
	tap_on_exit "umount '$T/tiny' 2>/dev/null"
	RT compile --config /dev/null --postfix-cdb "$T/tiny/relay" || bail "first compile into tmpfs"
	cp "$T/tiny/relay.cdb" "$T/tiny-before.cdb"
	head -c 60000 /dev/zero > "$T/tiny/filler" 2>/dev/null
	i=0; while [ $i -lt 300 ]; do RT add "10.77.$((i / 250)).$((i % 250 + 1))"; i=$((i + 1)); done
	RT compile --config /dev/null --postfix-cdb "$T/tiny/relay" 2>"$T/err"; st=$?
	ok "full disk: non-zero exit ($st)" [ $st -ne 0 ]
	like "$(cat "$T/err")" 'No space left' "... says no space"
	ok "... the old map is intact" cmp -s "$T/tiny/relay.cdb" "$T/tiny-before.cdb"
	is "$(ls -a "$T/tiny" | grep -c relaytab-)" 0 "... and no temp file is left"
	umount "$T/tiny"
else
	skip 4 "cannot mount a small tmpfs here"
fi
head -c 8192 /dev/urandom > "$T/badtable"
"$RELAYTAB" --table "$T/badtable" compile --config /dev/null --postfix-cdb "$M/relay" 2>"$T/err"; is $? 65 "corrupt table: exit 65"
ok "... the map is untouched" [ -s "$M/relay.cdb" ]

# atomicity: a reader looks up an always-present key while maps are replaced
RT create --force --capacity 4096
RT add 203.0.113.1
RT compile --config /dev/null --grace 1d --postfix-cdb "$M/live" || bail "compile live"
(
	fails=0; n=0
	while [ ! -f "$T/stop" ] && [ $n -lt 200000 ]; do
		r=$(cdb -q "$M/live.cdb" 203.0.113.1 2>&1) || fails=$((fails + 1))
		[ "$r" = OK ] || fails=$((fails + 1))
		n=$((n + 1))
	done
	echo "$n $fails" > "$T/reader.out"
) &
reader=$!
i=0; fails=0
while [ $i -lt 1000 ]; do
	RT add "10.88.$((i / 250)).$((i % 250 + 1))"
	RT compile --config /dev/null --grace 1d --postfix-cdb "$M/live" || fails=$((fails + 1))
	i=$((i + 1))
done
touch "$T/stop"; wait $reader
read lookups lookfail < "$T/reader.out"
is "$fails" 0 "1,000 changed maps published"
is "$lookfail" 0 "0 failed lookups in $lookups reads during them"
is "$(cdb -d "$M/live.cdb" | grep -c :)" 1001 "the final map is complete"
tap_done
