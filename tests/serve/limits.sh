#!/bin/sh
# limits.sh - relaytab serve against careless and hostile clients: the
# per-client limit (by uid on the unix socket, by address over TCP), the
# eviction of the longest-idle connection when all are taken, the idle
# timeout, a request that never ends (slowloris), pipelined requests
# answered in order, running out of descriptors (pause, log once, resume,
# no spin), and non-loopback listen addresses refused unless allowed.
. "$top_srcdir/tests/tap.sh"

SMCLIENT=$top_srcdir/tests/serve/smclient.py
PYTHONPATH=$top_srcdir/tests/serve	# the clients below import smclient
export PYTHONPATH
RT() { "$RELAYTAB" --table "$T/table" "$@"; }
chmod 0711 "$T"
mkdir -p "$T/sm"
chmod 0755 "$T/sm"
RT create || bail "relaytab create"
RT add 127.0.0.2 || bail "relaytab add"

# start_serve NAME ARGS...: serve on $T/sm/NAME, log in $T/NAME.log; $SERVE
start_serve() {
	_name=$1; shift
	"$RELAYTAB" --table "$T/table" serve --config /dev/null --socket "$T/sm/$_name" \
		--socket-mode 0666 "$@" 2> "$T/$_name.log" &
	SERVE=$!
	tap_track_pid $SERVE
	wait_socket "$T/sm/$_name"
}
stop_serve() { kill -TERM $SERVE; wait $SERVE; }

# per-client limit on the unix socket: uid 0 holds its 2, its 3rd is
# closed, while uid 65534 (nobody) is still served
start_serve perclient --max-connections 10 --max-per-client 2
is "$(python3 - "$T/sm/perclient" <<'PY'
import os, sys
import smclient
held = [smclient.connect(sys.argv[1]) for _ in range(2)]
out = [smclient.ask(s, "relay 127.0.0.2") for s in held]
third = smclient.connect(sys.argv[1])
try:
    smclient.ask(third, "relay 127.0.0.2")
    out.append("answered")
except (EOFError, OSError):
    out.append("closed")
pid = os.fork()
if pid == 0:
    os.setuid(65534)
    try:
        other = smclient.connect(sys.argv[1])
        print("nobody:", smclient.ask(other, "relay 127.0.0.2"), flush=True)
    except (EOFError, OSError) as e:
        print("nobody: failed", e, flush=True)
    os._exit(0)
os.waitpid(pid, 0)
print(" | ".join(out))
PY
)" "nobody: OK OK
OK OK | OK OK | closed" "per uid: root's 3rd connection of 2 allowed is closed; nobody's is served"
like "$(cat "$T/perclient.log")" 'a client reached serve-max-per-client' "... and the limit is logged"
stop_serve

# TCP on loopback: every local user shares 127.0.0.1, so serve tells them
# apart by the uid that owns the other end (socket diagnostics): root's 3rd
# connection from 127.0.0.1 is closed, nobody's from 127.0.0.1 is served
PORT=$(python3 "$top_srcdir/tests/lib/mailclient.py" free-port)
start_serve pertcp --listen "127.0.0.1:$PORT" --max-connections 10 --max-per-client 2
is "$(python3 "$top_srcdir/tests/serve/limits-tcp.py" 127.0.0.1 "$PORT" 127.0.0.1 127.0.0.1 nobody)" \
	"OK OK | OK OK | closed | OK OK" \
	"TCP on loopback, per uid: root's 3rd from 127.0.0.1 is closed, nobody's from 127.0.0.1 is served"
stop_serve

# all taken: a new connection evicts the one idle longest (idle >= 1 s)
start_serve evict --max-connections 3
is "$(python3 - "$T/sm/evict" <<'PY'
import sys, time
import smclient
held = []
for _ in range(3):
    held.append(smclient.connect(sys.argv[1]))
    smclient.ask(held[-1], "relay 127.0.0.2")
    time.sleep(0.1)
time.sleep(1.2)
smclient.ask(held[2], "relay 127.0.0.2")   # the newest is busy again
new = smclient.connect(sys.argv[1])
out = [smclient.ask(new, "relay 127.0.0.2")]
for s in held:
    try:
        out.append(smclient.ask(s, "relay 127.0.0.2"))
    except (EOFError, OSError):
        out.append("evicted")
print(" | ".join(out))
PY
)" "OK OK | evicted | OK OK | OK OK" "all 3 taken: the 4th is served and the longest-idle one is closed"
stop_serve
like "$(cat "$T/evict.log")" '1 evicted' "... and counted when serve stops"

# idle timeout, and a request that never ends (closed after 10 s) while
# other connections are served
start_serve slow --idle-timeout 1
is "$(python3 - "$T/sm/slow" <<'PY'
import sys, time
import smclient
idle = smclient.connect(sys.argv[1])
out = []
start = time.time()
try:
    idle.recv(1)
    out.append("idle closed after %s" % ("1-3 s" if time.time() - start < 3.5 else "too long"))
except OSError as e:
    out.append("idle: %s" % e)
slow = smclient.connect(sys.argv[1])
slow.settimeout(15)
start = time.time()
for i in range(14):          # a byte a second keeps it from being idle
    try:
        slow.sendall(b"15:relay 127.0.0.2,"[i:i + 1])
    except OSError:
        break
    other = smclient.connect(sys.argv[1])
    if smclient.ask(other, "relay 127.0.0.2") != "OK OK":
        out.append("others not served")
    other.close()
    time.sleep(1)
try:
    gone = slow.recv(1) == b""
except OSError:
    gone = True
took = time.time() - start
out.append("slow closed after %s" % ("10-12 s" if gone and 9.5 < took < 12.5 else "%.1f s" % took))
print(" | ".join(out))
PY
)" "idle closed after 1-3 s | slow closed after 10-12 s" \
	"--idle-timeout 1 closes an idle connection; a request dribbled a byte a second is closed after 10 s, others served meanwhile"
stop_serve
like "$(cat "$T/slow.log")" '1 timed out' "... and the slow one is counted as timed out"

# pipelined requests in one write, then a half-close: all answered in order
PORT=$(python3 "$top_srcdir/tests/lib/mailclient.py" free-port)
start_serve pipe --listen "127.0.0.1:$PORT"
is "$(python3 "$SMCLIENT" pipeline "$T/sm/pipe" 2000)" "2000 replies, in order" \
	"2000 pipelined requests on the unix socket: 2000 replies, in order"
is "$(python3 "$SMCLIENT" pipeline "127.0.0.1:$PORT" 2000)" "2000 replies, in order" \
	"... and over TCP"
is "$(python3 "$SMCLIENT" pipeline "$T/sm/pipe" 260)" "260 replies, in order" \
	"the 260 of the review: 260 replies"
stop_serve

# out of descriptors: the limit lowered under a running serve makes accept
# fail with EMFILE; serve pauses accepting (no spin), logs once, and serves
# the waiting connection when descriptors are free again
start_serve nofile --max-connections 100
python3 - "$T/sm/nofile" "$SERVE" > "$T/nofile.out" <<'PY' &
import subprocess, sys, time
import smclient
def ticks(pid):
    with open("/proc/%s/stat" % pid) as f:
        v = f.read().rsplit(")", 1)[1].split()
    return int(v[11]) + int(v[12])
held = [smclient.connect(sys.argv[1]) for _ in range(20)]
for s in held:
    smclient.ask(s, "relay 127.0.0.2")
subprocess.run(["prlimit", "--pid", sys.argv[2], "--nofile=16:16"], check=True)
waiting = [smclient.connect(sys.argv[1]) for _ in range(3)]   # into the backlog
for s in waiting:
    s.sendall(b"15:relay 127.0.0.2,")
t0 = ticks(sys.argv[2])
time.sleep(2)
spent = ticks(sys.argv[2]) - t0
print("cpu in 2 s while out of descriptors:", "under 0.2 s" if spent < 20 else "%d ticks" % spent)
for s in held:
    s.close()
answers = []
for s in waiting:
    try:
        answers.append(smclient.ask(s, "relay 127.0.0.2"))
    except (EOFError, OSError) as e:
        answers.append(str(e))
print("waiting:", " | ".join(answers))
PY
NOFILE=$!
tap_track_pid $NOFILE
wait $NOFILE
is "$(cat "$T/nofile.out")" "cpu in 2 s while out of descriptors: under 0.2 s
waiting: OK OK | OK OK | OK OK" \
	"EMFILE: serve does not spin, and serves the waiting connections once descriptors are free"
is "$(grep -c 'accept: Too many open files; pausing new connections' "$T/nofile.log")" 1 \
	"... and says so once"
stop_serve

# serve-max-connections above the descriptor limit: capped, with a warning
prlimit --nofile=64:64 "$RELAYTAB" --table "$T/table" serve --config /dev/null \
	--socket "$T/sm/capped" 2> "$T/capped.log" &
SERVE=$!
tap_track_pid $SERVE
wait_socket "$T/sm/capped"
is "$(python3 "$SMCLIENT" query "$T/sm/capped" 'relay 127.0.0.2')" "OK OK" \
	"with 64 descriptors and the default 1000 connections: serve runs"
like "$(cat "$T/capped.log")" 'serve-max-connections 1000 is above what the descriptor limit \(64\) allows; serving at most 32' \
	"... capped to what the descriptors allow, with a warning"
stop_serve

# a non-loopback listen address is refused (64) unless allowed; allowed,
# it binds (in a network namespace of its own, so nothing is exposed)
out=$(RT serve --config /dev/null --socket "$T/sm/remote" --listen 0.0.0.0:17029 2>&1)
is "$?" 64 "--listen 0.0.0.0:17029 is refused with exit 64"
like "$out" 'not a loopback address.*serve-allow-remote' "... naming serve-allow-remote"
out=$(RT serve --config /dev/null --socket "$T/sm/remote" --policy-listen 192.0.2.1:17029 2>&1)
is "$?" 64 "--policy-listen 192.0.2.1:17029 too"
if unshare -n true 2>/dev/null; then
	# a remote TCP client is told apart by its address: 192.0.2.2 holds
	# its 2, its 3rd is closed, 192.0.2.3 is served (addresses on the
	# namespace's own loopback device)
	is "$(unshare -n sh -c '
		ip link set lo up
		for a in 192.0.2.1 192.0.2.2 192.0.2.3; do ip addr add $a/32 dev lo; done
		"$1" --table "$2/table" serve --config /dev/null --socket "$2/sm/byaddr" \
			--listen 192.0.2.1:17029 --allow-remote yes --max-connections 10 \
			--max-per-client 2 2> "$2/byaddr.log" &
		pid=$!
		i=0; while [ ! -S "$2/sm/byaddr" ] && [ $i -lt 100 ]; do sleep 0.05; i=$((i + 1)); done
		python3 "$3" 192.0.2.1 17029 192.0.2.2 192.0.2.3 root
		kill -TERM $pid; wait $pid' sh "$RELAYTAB" "$T" "$top_srcdir/tests/serve/limits-tcp.py")" \
		"OK OK | OK OK | closed | OK OK" \
		"remote TCP, per address: a 3rd from 192.0.2.2 is closed, 192.0.2.3 is served"
	is "$(unshare -n sh -c '
		ip link set lo up
		"$1" --table "$2/table" serve --config /dev/null --socket "$2/sm/remote" \
			--listen 0.0.0.0:17029 --allow-remote yes 2> "$2/remote.log" &
		pid=$!
		i=0; while [ ! -S "$2/sm/remote" ] && [ $i -lt 100 ]; do sleep 0.05; i=$((i + 1)); done
		python3 "$3" query 127.0.0.1:17029 "relay 127.0.0.2"
		kill -TERM $pid; wait $pid' sh "$RELAYTAB" "$T" "$SMCLIENT")" "OK OK" \
		"with --allow-remote yes, 0.0.0.0:17029 binds and answers"
else
	skip 2 "unshare -n is not available"
fi

tap_done
