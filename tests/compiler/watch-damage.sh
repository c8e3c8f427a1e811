#!/bin/sh
# watch-damage.sh - relaytab watch owns the table and trusts none of its
# writers: a rewritten header byte, a shrunk file, a removed table, garbage
# records and forged locks (each what a member of the table's group can
# do) cost no grant its grace and no process its life. On the old watch a
# flipped header byte kept a 60 s grant in the map for hours; a table
# damaged before watch started stopped it for good; a rebuild made a new
# file (1 GiB for 2^22 slots) each time a header byte was flipped.
. "$top_srcdir/tests/tap.sh"

TB=$T/table
RT() { "$RELAYTAB" --table "$TB" "$@"; }
MAP=$T/relay
has_key() { cdb -q "$MAP.cdb" "$1" >/dev/null 2>&1; }
not() { ! "$@"; }
# wait_until CMD... : poll every 20 ms for at most 12 s
wait_until() { _i=0; while ! "$@" && [ $_i -lt 600 ]; do sleep 0.02; _i=$((_i + 1)); done; "$@"; }
logged() { grep -q "$1" "$T/watch.log"; }
logged_n() { [ "$(grep -c "$1" "$T/watch.log")" -ge "$2" ]; }
alive() { kill -0 "$W" 2>/dev/null; }
# poke OFFSET BYTE: write one byte into the table file in place
poke() { python3 -c "
import os, sys
fd = os.open(sys.argv[1], os.O_WRONLY)
os.pwrite(fd, bytes([int(sys.argv[3])]), int(sys.argv[2]))
os.close(fd)" "$TB" "$1" "$2"; }
# 1024 slots: header 4096 bytes, hints 4096, then 256-byte slots
SLOTS=8192

RT create --capacity 1024 --group "$(id -gn)" --mode 0660 || bail "create failed"
printf 'grace = 6s\npostfix-cdb = %s\n' "$MAP" > "$T/relaytab.conf"
"$RELAYTAB" --table "$TB" watch --config "$T/relaytab.conf" 2>"$T/watch.log" &
W=$!
tap_track_pid $W
wait_until test -f "$MAP.cdb"

# 1. a flipped byte in the fixed header (here the capacity's log)
RT add 192.0.2.1 --user alice
wait_until has_key 192.0.2.1
ino=$(stat -c %i "$TB")
poke 36 11
ok "watch notices a rewritten header and restores it" wait_until logged 'damaged in place.*restored its header'
ok "... the table opens again" wait_until RT query 192.0.2.1
is "$(stat -c %i "$TB")" "$ino" "... in place: the same file"
is "$(stat -c %a "$TB")" 660 "... with its mode"
like "$(RT list)" 'alice' "... and the record with its user"
like "$(RT stats)" 'rebuild +1' "... counted"
ok "watch is alive" alive

# 2. the file shrunk under every mapping (and its size restored)
RT add 192.0.2.2
wait_until has_key 192.0.2.2
truncate -s 4096 "$TB"
ok "watch survives the table shrinking under it, and restores its size" wait_until logged_n 'damaged in place' 2
sleep 0.3
ok "watch is alive" alive
ok "after the restore the table opens" wait_until RT query 192.0.2.2
is "$(stat -c %i "$TB")" "$ino" "... still the same file"
ok "... and both entries are still granted" has_key 192.0.2.1
ok "..." has_key 192.0.2.2

# 3. the table removed: the maps keep each entry until its grace ends,
# then are empty (fail closed, in time)
RT add 198.51.100.7
wait_until has_key 198.51.100.7
rm -f "$TB"
ok "while the table is gone the map keeps the live entry" has_key 198.51.100.7
ok "... and drops it when its grace ends" wait_until not has_key 198.51.100.7
ok "... the map ends up empty" wait_until not has_key 192.0.2.1
RT create --capacity 1024 || bail "create again failed"
RT add 198.51.100.8
ok "a new table is picked up" wait_until has_key 198.51.100.8
ok "watch is alive" alive

# 4. garbage in a slot (a record state no writer publishes) is cleared by
# the repair pass; the slot then takes records again
for s in 5 6 7; do
	poke $((SLOTS + 256 * s + 16 + 28)) 7
	poke $((SLOTS + 256 * s + 16 + 120 + 28)) 7
done
ok "the repair pass clears invalid records, with a log line" \
	wait_until logged 'repaired table .* 3 invalid records'
like "$(RT stats)" 'repair +3' "... and a counter"

# 5. a lock forged in the name of a live process that does not map the
# table (a sleep) is released by the repair pass; a dead owner's too
sleep 60 & S=$!
tap_track_pid $S
start=$(cut -d')' -f2 "/proc/$S/stat" | awk '{print $20}')
python3 -c "
import os, struct, sys
fd = os.open(sys.argv[1], os.O_WRONLY)
word = (int(sys.argv[3]) & 0xffffffff) << 32 | int(sys.argv[2])
os.pwrite(fd, struct.pack('<Q', word), int(sys.argv[4]))
os.pwrite(fd, struct.pack('<Q', 4000000), int(sys.argv[4]) + 256)
os.close(fd)" "$TB" "$S" "$start" $((SLOTS + 256 * 9))
ok "a forged lock and a dead owner's are released" \
	wait_until logged 'repaired table .* 1 lock of dead owners, 1 forged lock'
kill $S 2>/dev/null
ok "watch is alive" alive
kill $W
wait $W

# 6. a table damaged while no watch ran: watch replaces it with an empty one
# (of the same mode, group and capacity) instead of retrying for ever
poke 36 11
RT query 192.0.2.1 2>/dev/null
is $? 65 "a damaged table does not open"
"$RELAYTAB" --table "$TB" watch --config "$T/relaytab.conf" 2>"$T/watch.log" &
W=$!
tap_track_pid $W
ok "watch started on it replaces it" wait_until logged 'could not be opened.*replaced it with an empty table of 2^10 slots'
ok "... which opens" wait_until RT stats
is "$(stat -c %a "$TB")" 660 "... with the old mode"
RT add 192.0.2.9
ok "... and its logins reach the map" wait_until has_key 192.0.2.9
ok "watch is alive" alive
kill $W
wait $W

# 7. an upgrade: a table of format version 2 (as relaytab before issue 18
# made it: its header says version 2.0 and 96-byte records, with a right
# checksum) is refused with the reason, and watch replaces it
python3 -c "
import os, struct, sys, zlib
fd = os.open(sys.argv[1], os.O_RDWR)
h = bytearray(os.pread(fd, 100, 0))
struct.pack_into('<H', h, 10, 2)
struct.pack_into('<I', h, 20, 96)
os.pwrite(fd, bytes(h) + struct.pack('<I', zlib.crc32(bytes(h))), 0)
os.close(fd)" "$TB"
RT query 192.0.2.9 2>"$T/err"
is $? 65 "a version 2 table does not open"
like "$(cat "$T/err")" 'unsupported table version 2\.0 \(this is 3\.0\)' "... saying which version it is"
"$RELAYTAB" --table "$TB" watch --config "$T/relaytab.conf" 2>"$T/watch.log" &
W=$!
tap_track_pid $W
ok "watch replaces it" wait_until logged 'version 2\.0.*replaced it with an empty table of 2\^10 slots'
like "$(RT stats)" 'version +3\.0' "... with a version 3 table"
RT add 192.0.2.10
ok "... whose logins reach the map" wait_until has_key 192.0.2.10
ok "watch is alive at the end" alive
tap_done
