#!/bin/sh
# watch.sh - relaytab watch: a new address reaches the map within a
# fraction of a second, entries leave it by grace + 1 s, refreshes keep
# them and rewrite nothing, one watcher per table, SIGHUP and SIGTERM.
. "$top_srcdir/tests/tap.sh"

TB=$T/table
RT() { "$RELAYTAB" --table "$TB" "$@"; }
MAP=$T/relay
now_ms() { date +%s%3N; }
has_key() { cdb -q "$MAP.cdb" "$1" >/dev/null 2>&1; }
# wait_until CMD... : poll every 10 ms for at most 10 s; prints elapsed ms
wait_until() {
	_s=$(now_ms); _i=0
	while ! "$@" && [ $_i -lt 1000 ]; do sleep 0.01; _i=$((_i + 1)); done
	echo $(( $(now_ms) - _s ))
}
not() { ! "$@"; }

RT create --capacity 1024 || bail "create failed"
printf 'grace = 2s\npostfix-cdb = %s\n' "$MAP" > "$T/relaytab.conf"
"$RELAYTAB" --table "$TB" watch --config "$T/relaytab.conf" 2>"$T/watch.log" &
W=$!
tap_track_pid $W
wait_until test -f "$MAP.cdb" >/dev/null
ok "watch writes the (empty) map at start" [ -f "$MAP.cdb" ]

RT watch --config "$T/relaytab.conf" 2>"$T/err2"; is $? 75 "a second watcher for the same table exits 75"
like "$(cat "$T/err2")" 'another relaytab watch is running' "... saying why"

# latency: add -> key in the map
lat=""
i=1
while [ $i -le 100 ]; do
	RT add "192.0.2.$i"
	ms=$(wait_until has_key "192.0.2.$i")
	lat="$lat $ms"
	i=$((i + 1))
done
sorted=$(echo $lat | tr ' ' '\n' | sort -n)
p50=$(echo "$sorted" | sed -n 50p); p99=$(echo "$sorted" | sed -n 99p)
max=$(echo "$sorted" | tail -1)
diag "add -> visible in the cdb over 100 adds: p50 $p50 ms, p99 $p99 ms, max $max ms (10 ms polling)"
ok "every add visible within 2 s (max ${max} ms)" [ "$max" -lt 2000 ]

# expiry: gone by grace + 1 s
RT add 198.51.100.1
t0=$(now_ms)
wait_until has_key 198.51.100.1 >/dev/null
wait_until not has_key 198.51.100.1 >/dev/null
gone=$(( $(now_ms) - t0 ))
diag "198.51.100.1 left the map $gone ms after its login (grace 2000 ms)"
ok "an entry leaves the map by grace + 1 s (+0.5 s polling slack): $gone ms" [ "$gone" -le 3500 ]
# record times are rounded to the nearest second: an entry may leave up to
# 0.5 s before its grace, never more
ok "... and not before its grace - 0.5 s (rounding): $gone ms" [ "$gone" -ge 1450 ]

# a record refreshed meanwhile stays; refreshes rewrite nothing
RT add 198.51.100.2
wait_until has_key 198.51.100.2 >/dev/null
sleep 1.5
ino=$(stat -c %i "$MAP.cdb")
RT add 198.51.100.2
sleep 1.2
ok "a refreshed entry is still there after its first grace" has_key 198.51.100.2
is "$(stat -c %i "$MAP.cdb")" "$ino" "the refresh did not rewrite the map"
sleep 2.5
ok "... and leaves after its new grace" not has_key 198.51.100.2

# deletion is as fast as insertion
RT add 198.51.100.3; wait_until has_key 198.51.100.3 >/dev/null
RT del 198.51.100.3
ms=$(wait_until not has_key 198.51.100.3)
ok "relaytab del leaves the map within 2 s ($ms ms)" [ "$ms" -lt 2000 ]

# a signal that lands while watch compiles is acted on at once, not at its
# next wake-up (up to a minute later): SIGHUP right after each of 20 adds
rereads() { grep -c 're-read the configuration' "$T/watch.log"; }
more_rereads() { [ "$(rereads)" -gt "$1" ]; }
max=0; i=0
while [ $i -lt 20 ]; do
	n=$(rereads)
	RT add 198.51.100.$((100 + i)) && kill -HUP $W
	ms=$(wait_until more_rereads "$n")
	[ "$ms" -gt "$max" ] && max=$ms
	i=$((i + 1))
done
ok "SIGHUP during a compile is acted on within 1 s, 20 times (max $max ms)" [ "$max" -lt 1000 ]

# SIGHUP re-reads the configuration
printf 'grace = 1h\npostfix-cdb = %s\n' "$MAP" > "$T/relaytab.conf"
kill -HUP $W
wait_until grep -q 're-read the configuration' "$T/watch.log" >/dev/null
ok "SIGHUP re-reads the configuration" grep -q 're-read the configuration' "$T/watch.log"
RT add 198.51.100.4; wait_until has_key 198.51.100.4 >/dev/null
sleep 3
ok "... the new grace (1h) applies" has_key 198.51.100.4
like "$(grep -c 'wrote ' "$T/watch.log")" '^[0-9]+$' "one log line per map change"

kill -TERM $W
wait $W; st=$?
is $st 0 "SIGTERM: clean exit 0"
like "$(tail -1 "$T/watch.log")" 'watch stopped' "... and says so"
tap_done
