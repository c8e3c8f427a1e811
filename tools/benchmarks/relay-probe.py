#!/usr/bin/env python3
"""relay-probe.py - the client side of tools/benchmarks/bench-relay.sh: one
long-lived process that logs in over IMAP and polls a real Postfix with a
new SMTP session per try (RCPT TO:<x@example.net>, about 5 ms apart), using
tests/lib/mailclient.py. A thread watches the cdb map with inotify, so each
delay splits into relaytab watch (until the map holding the change is
renamed into place) and Postfix (until smtpd answers from it).

  relay-probe.py login  IMAP SMTP MAP FIRST N        login -> relay (issue 6, item 3)
  relay-probe.py expiry IMAP SMTP MAP FIRST N GRACE  expiry overshoot (issue 6, item 4)
  relay-probe.py keys MAP                            number of keys in the cdb

Client addresses are 127.0.(10 + i / 250).(1 + i % 250) for i = FIRST ..
FIRST + N - 1, so each run of the bench uses every address once. Prints
the figures, then one "summary ..." line for bench-relay.sh's table. Exits
non-zero if a step does not behave (login refused, relay open before the
login, denied before the entry's expiry (last_seen + grace), a timeout). RELAY_PROBE_TRACE=1 also
prints every try (login) and every entry's times (expiry).
"""
import ctypes
import math
import os
import struct
import sys
import threading
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)),
                                "..", "..", "tests", "lib"))
import mailclient  # noqa: E402

HOST = "127.0.0.1"
RCPT = "x@example.net"
POLL_S = 0.005      # between tries
WINDOW_S = 0.1      # expiry: poll from this long before the entry expires


def addr(i):
    return "127.0.%d.%d" % (10 + i // 250, 1 + i % 250)


def cdb_has(path, key):
    """Whether the cdb file at path holds key (tinycdb/djb format)."""
    k = key.encode()
    h = 5381
    for b in k:
        h = ((h + (h << 5)) ^ b) & 0xFFFFFFFF
    with open(path, "rb") as f:
        f.seek((h & 255) * 8)
        pos, n = struct.unpack("<II", f.read(8))
        if n == 0:
            return False
        slot = (h >> 8) % n
        for _ in range(n):
            f.seek(pos + slot * 8)
            hh, rp = struct.unpack("<II", f.read(8))
            if rp == 0:
                return False
            if hh == h:
                f.seek(rp)
                kl, _dl = struct.unpack("<II", f.read(8))
                if kl == len(k) and f.read(kl) == k:
                    return True
            slot = (slot + 1) % n
    return False


class MapWatch(threading.Thread):
    """Notes when the map renamed into place first holds (or first lacks)
    each key asked about: expect(key, present) then when(key)."""
    IN_MOVED_TO = 0x80

    def __init__(self, path):
        super().__init__(daemon=True)
        self.path = path
        self.want = {}      # key -> [present, (perf, wall) or None]
        self.lock = threading.Lock()
        libc = ctypes.CDLL(None, use_errno=True)
        self.fd = libc.inotify_init1(os.O_CLOEXEC)
        if self.fd < 0 or libc.inotify_add_watch(
                self.fd, os.path.dirname(path).encode(), self.IN_MOVED_TO) < 0:
            raise OSError(ctypes.get_errno(), "inotify")

    def expect(self, key, present):
        with self.lock:
            self.want[key] = [present, None]

    def when(self, key):
        with self.lock:
            w = self.want.pop(key, None)
        return w[1] if w else None

    def run(self):
        name = os.path.basename(self.path).encode()
        while True:
            buf = os.read(self.fd, 65536)
            t = (time.perf_counter(), time.time())
            off, hit = 0, False
            while off + 16 <= len(buf):
                _wd, _mask, _cookie, ln = struct.unpack_from("iIII", buf, off)
                hit |= buf[off + 16:off + 16 + ln].rstrip(b"\0") == name
                off += 16 + ln
            if not hit:
                continue
            with self.lock:
                for key, w in self.want.items():
                    if w[1] is None and cdb_has(self.path, key) == w[0]:
                        w[1] = t


def cdb_count(path):
    """Number of records in a cdb file: each hash table has 2 slots a record."""
    with open(path, "rb") as f:
        head = f.read(2048)
    return sum(struct.unpack("<512I", head)[1::2]) // 2


def pct(values, p):
    """Nearest-rank percentile (nan without samples)."""
    if not values:
        return float("nan")
    v = sorted(values)
    return v[max(0, math.ceil(p / 100.0 * len(v)) - 1)]


def ms(x):
    return "%.1f ms" % (x * 1000)


def dist(label, values, ps=(50, 90, 99)):
    if not values:
        print("  %s: no samples" % label)
        return
    parts = ["p%d %s" % (p, ms(pct(values, p))) for p in ps]
    print("  %s: %s, max %s (%d samples)" % (label, ", ".join(parts),
                                             ms(max(values)), len(values)))


def fail(msg):
    print("relay-probe: error: %s" % msg, file=sys.stderr)
    sys.exit(1)


def probe_login(imap_port, smtp_port, mapw, first, n):
    total, watch, postfix, tries_all = [], [], [], []
    for i in range(first, first + n):
        src = addr(i)
        code = mailclient.rcpt_code(HOST, smtp_port, src, RCPT)
        if code != "554":
            fail("%s may relay before its login (RCPT %s)" % (src, code))
        mapw.expect(src, True)
        c, r = mailclient.imap_open(HOST, imap_port, src, "alice", "alicepw")
        t_ok = time.perf_counter()
        if not r.startswith("a1 OK"):
            fail("IMAP login from %s: %s" % (src, r))
        tries = 0
        trace = []
        while True:
            t0 = time.perf_counter()
            code = mailclient.rcpt_code(HOST, smtp_port, src, RCPT)
            t = time.perf_counter()
            trace.append("%.1f-%.1f:%s" % ((t0 - t_ok) * 1000,
                                           (t - t_ok) * 1000, code))
            tries += 1
            if code == "250":
                break
            if t - t_ok > 10:
                fail("%s still denied 10 s after its login" % src)
            time.sleep(POLL_S)
        mailclient.imap_logout(c)
        total.append(t - t_ok)
        tries_all.append(tries)
        seen = mapw.when(src)
        if os.environ.get("RELAY_PROBE_TRACE"):
            print("TRACE %s map at %s ms, tries (from-to ms: code): %s" % (
                src, "%.1f" % ((seen[0] - t_ok) * 1000) if seen else "?",
                " ".join(trace)))
        if seen is not None:
            watch.append(seen[0] - t_ok)
            postfix.append(t - seen[0])
    print("login -> relay, %d logins (each from a new address):" % n)
    dist("IMAP login OK -> first RCPT answered 250", total)
    dist("  relaytab watch: login OK -> map renamed into place", watch)
    dist("  Postfix: map renamed -> first RCPT 250 (incl. <= 5 ms poll)", postfix)
    print("  SMTP sessions per login until 250: mean %.1f" %
          (sum(tries_all) / len(tries_all)))
    print("summary login p50=%.1f p90=%.1f p99=%.1f max=%.1f watch_p50=%.1f "
          "watch_p99=%.1f postfix_p50=%.1f postfix_p99=%.1f" % tuple(
              1000 * x for x in (pct(total, 50), pct(total, 90), pct(total, 99),
                                 pct(total, 100), pct(watch, 50), pct(watch, 99),
                                 pct(postfix, 50), pct(postfix, 99))))


def probe_expiry(imap_port, smtp_port, mapw, first, n, grace):
    """One entry per second (login + logout at a spread fraction of the
    second, .05 to .95 but never within .1 of the half second, so that the
    plugin's logout refresh - a few ms before the logout returns - rounds
    to the same whole second as the logout), polled from 100 ms before the
    instant it expires: denied before that instant fails the run."""
    entries = []
    start = math.floor(time.time()) + 1
    lock = threading.Lock()
    errors = []

    def logins():
        for k in range(n):
            f = 0.05 + ((k * 0.6180339887) % 1.0) * 0.9
            if 0.4 < f < 0.6:
                f += 0.2
            at = start + k + f
            time.sleep(max(0.0, at - time.time()))
            src = addr(first + k)
            try:
                c, r = mailclient.imap_open(HOST, imap_port, src, "alice", "alicepw")
                mailclient.imap_logout(c)
            except (OSError, EOFError) as e:
                errors.append("IMAP login from %s: %s" % (src, e))
                return
            end = time.time()
            if not r.startswith("a1 OK"):
                errors.append("IMAP login from %s: %s" % (src, r))
                return
            with lock:
                # last_seen is the logout rounded to the nearest second;
                # the entry is live while now < last_seen + grace
                entries.append({"src": src, "end": end,
                                 "expiry": math.floor(end + 0.5) + grace,
                                 "open": False, "denied": None, "map": None})

    th = threading.Thread(target=logins, daemon=True)
    th.start()
    deadline = start + n + grace + 30
    done = 0
    while done < n:
        now = time.time()
        if errors:
            fail(errors[0])
        if now > deadline:
            fail("expiry phase timed out (%d of %d entries done)" % (done, n))
        with lock:
            pending = [e for e in entries if e["denied"] is None]
        in_window = [e for e in pending if now >= e["expiry"] - WINDOW_S]
        for e in in_window:
            if not e["open"]:
                fail("%s was never seen open before its expiry" % e["src"])
            code = mailclient.rcpt_code(HOST, smtp_port, e["src"], RCPT)
            t = time.time()
            if code == "554":
                if t < e["expiry"]:
                    fail("%s was denied %.0f ms before its expiry"
                         " (%.0f ms after logout + grace)" %
                         (e["src"], (e["expiry"] - t) * 1000,
                          (t - e["end"] - grace) * 1000))
                e["denied"] = t
                seen = mapw.when(e["src"])
                e["map"] = seen[1] if seen else None
                done += 1
            elif code != "250":
                fail("RCPT from %s answered %s" % (e["src"], code))
            elif t > e["expiry"] + 10:
                fail("%s still relays 10 s after its grace" % e["src"])
        if not [e for e in pending if now >= e["expiry"] - WINDOW_S - 0.15]:
            # well away from any window: check that each new entry relays
            for e in pending:
                if not e["open"] and now >= e["end"] + 0.3:
                    if mailclient.rcpt_code(HOST, smtp_port, e["src"], RCPT) == "250":
                        e["open"] = True
                        mapw.expect(e["src"], False)
                    break
        time.sleep(POLL_S)
    th.join(5)
    if os.environ.get("RELAY_PROBE_TRACE"):
        for e in entries:
            print("TRACE %s logout %.3f expiry %d map %.3f denied %.3f" % (
                e["src"], e["end"], e["expiry"], e["map"] or 0, e["denied"]))
    past_grace = [e["denied"] - (e["end"] + grace) for e in entries]
    rounding = [e["expiry"] - (e["end"] + grace) for e in entries]
    past_second = [e["denied"] - e["expiry"] for e in entries]
    watch = [e["map"] - e["expiry"] for e in entries if e["map"] is not None]
    postfix = [e["denied"] - e["map"] for e in entries if e["map"] is not None]
    print("expiry overshoot, %d entries, grace %d s (one login + logout each):" % (n, grace))
    dist("logout + grace -> RCPT denied (554) again", past_grace, (50,))
    dist("  rounding to whole seconds: logout + grace -> last_seen + grace"
         " (last_seen rounded)", rounding, (50,))
    dist("  from last_seen + grace -> RCPT denied", past_second, (50,))
    dist("    relaytab watch: last_seen + grace -> map without the entry renamed", watch, (50,))
    dist("    Postfix: map renamed -> RCPT denied (incl. <= 5 ms poll)", postfix, (50,))
    print("summary expiry over_p50=%.1f over_max=%.1f second_p50=%.1f second_max=%.1f" % tuple(
        1000 * x for x in (pct(past_grace, 50), pct(past_grace, 100),
                           pct(past_second, 50), pct(past_second, 100))))


def main(argv):
    if len(argv) == 3 and argv[1] == "keys":
        print(cdb_count(argv[2]))
        return 0
    if len(argv) < 7 or argv[1] not in ("login", "expiry"):
        print(__doc__, file=sys.stderr)
        return 64
    imap_port, smtp_port, path = int(argv[2]), int(argv[3]), argv[4]
    first, n = int(argv[5]), int(argv[6])
    mapw = MapWatch(path)
    mapw.start()
    if argv[1] == "login":
        probe_login(imap_port, smtp_port, mapw, first, n)
    else:
        probe_expiry(imap_port, smtp_port, mapw, first, n, int(argv[7]))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
