#!/usr/bin/env python3
"""limits-tcp.py - the per-client limit of relaytab serve over TCP.

  limits-tcp.py HOST PORT SRC OTHER_SRC OTHER_USER

Holds two connections from SRC (as root), tries a third from SRC, then one
from OTHER_SRC as OTHER_USER (root or nobody); prints the four outcomes,
each the reply to "relay 127.0.0.2" or "closed".
"""
import os
import socket
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import smclient  # noqa: E402


def tcp(src, host, port):
    s = socket.socket(socket.AF_INET6 if ":" in host else socket.AF_INET)
    s.settimeout(5)
    s.bind((src, 0))
    s.connect((host, port))
    return s


def outcome(src, host, port):
    try:
        return smclient.ask(tcp(src, host, port), "relay 127.0.0.2")
    except (EOFError, OSError):
        return "closed"


def main(host, port, src, other_src, other_user):
    port = int(port)
    held = [tcp(src, host, port) for _ in range(2)]
    out = [smclient.ask(s, "relay 127.0.0.2") for s in held]
    out.append(outcome(src, host, port))
    r, w = os.pipe()
    pid = os.fork()
    if pid == 0:
        if other_user == "nobody":
            os.setuid(65534)
        os.write(w, outcome(other_src, host, port).encode())
        os._exit(0)
    os.close(w)
    os.waitpid(pid, 0)
    out.append(os.read(r, 100).decode())
    print(" | ".join(out))
    return 0


if __name__ == "__main__":
    sys.exit(main(*sys.argv[1:]))
