#!/usr/bin/env python3
"""smclient.py - a socketmap client for the tests of relaytab serve.

  smclient.py query SOCKET REQUEST...     one connection, one reply per line
  smclient.py pipeline SOCKET N           N requests in one write, then a
      half-close; prints how many replies came and whether each was the
      right one, in order ("N replies, in order")
  smclient.py stress SOCKET N SECONDS     N concurrent connections, a third
      sending garbage, a third oversized frames, a third valid requests, for
      SECONDS; prints "ok" if every valid request got a well-formed reply
SOCKET is a unix socket path or HOST:PORT.
"""
import random
import socket
import sys
import time


def connect(spec):
    if spec.startswith("/"):
        s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        s.settimeout(5)
        s.connect(spec)
    else:
        host, port = spec.rsplit(":", 1)
        s = socket.create_connection((host.strip("[]"), int(port)), 5)
    s.settimeout(5)
    return s


def ask(s, req):
    b = req.encode()
    s.sendall(b"%d:%s," % (len(b), b))
    buf = b""
    while True:
        if b":" in buf:
            n, rest = buf.split(b":", 1)
            if len(rest) >= int(n) + 1:
                assert rest[int(n):int(n) + 1] == b",", buf
                return rest[:int(n)].decode()
        chunk = s.recv(4096)
        if not chunk:
            raise EOFError("connection closed")
        buf += chunk


def query(spec, reqs):
    s = connect(spec)
    for r in reqs:
        print(ask(s, r))
    s.close()
    return 0


def pipeline(spec, n):
    # even requests ask for 127.0.0.2 (expected OK), odd ones for a
    # numbered address that has no login (NOTFOUND): order is visible
    reqs = [b"relay 127.0.0.2" if i % 2 == 0 else b"relay 127.0.%d.%d" % (100 + i // 250, i % 250)
            for i in range(n)]
    s = connect(spec)
    s.settimeout(20)
    s.sendall(b"".join(b"%d:%s," % (len(r), r) for r in reqs))
    s.shutdown(socket.SHUT_WR)
    buf = b""
    while True:
        chunk = s.recv(65536)
        if not chunk:
            break
        buf += chunk
    s.close()
    replies = []
    while buf:
        size, rest = buf.split(b":", 1)
        replies.append(rest[:int(size)])
        buf = rest[int(size) + 1:]
    right = all(r.startswith(b"OK ") == (i % 2 == 0) and
                (i % 2 == 0 or r == b"NOTFOUND ") for i, r in enumerate(replies))
    print("%d replies, %s" % (len(replies), "in order" if right else "WRONG"))
    return 0


def stress(spec, n, seconds):
    rnd = random.Random(1)
    socks = []
    for i in range(n):
        socks.append((i % 3, connect(spec)))
    end = time.time() + seconds
    bad = 0
    answered = 0
    while time.time() < end:
        for kind, s in socks:
            if kind == 0:
                try:
                    s.sendall(bytes(rnd.randrange(256) for _ in range(rnd.randrange(1, 40))))
                except OSError:
                    pass
            elif kind == 1:
                try:
                    s.sendall(b"99999999:" + b"x" * 2000)
                except OSError:
                    pass
            else:
                r = ask(s, "relay 127.0.0.%d" % rnd.randrange(1, 255))
                if not (r.startswith("OK ") or r == "NOTFOUND "):
                    bad += 1
                answered += 1
    for _, s in socks:
        s.close()
    print("ok" if bad == 0 and answered > 0 else "bad %d of %d" % (bad, answered))
    return 0


def main(argv):
    if len(argv) >= 4 and argv[1] == "query":
        return query(argv[2], argv[3:])
    if len(argv) == 4 and argv[1] == "pipeline":
        return pipeline(argv[2], int(argv[3]))
    if len(argv) == 5 and argv[1] == "stress":
        return stress(argv[2], int(argv[3]), float(argv[4]))
    sys.stderr.write(__doc__)
    return 64


if __name__ == "__main__":
    sys.exit(main(sys.argv))
