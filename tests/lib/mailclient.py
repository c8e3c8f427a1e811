#!/usr/bin/env python3
"""mailclient.py - the test clients: IMAP/POP3 logins, LMTP and SMTP from a
chosen loopback source address. Prints one result line; exit 0 on success.

  mailclient.py imap HOST PORT SRC USER PASS [--idle SECS] [--id-ip IP] [--time]
                [--anonymous]   (AUTHENTICATE ANONYMOUS, USER as the trace)
                [--starttls]    (STARTTLS first, the certificate not checked:
                                 a stock Dovecot refuses plaintext LOGIN
                                 from a non-local address without it)
  mailclient.py pop3 HOST PORT SRC USER PASS [--xclient-ip IP] [--starttls] (STLS)
  mailclient.py lmtp HOST PORT SRC RCPT
  mailclient.py smtp-rcpt HOST PORT SRC RCPT [HELO [SENDER]]
                                                  (prints the RCPT reply code)
  mailclient.py free-port [ADDR]
"""
import base64
import socket
import ssl
import sys
import time


def connect(host, port, src):
    fam = socket.AF_INET6 if ":" in host else socket.AF_INET
    s = socket.socket(fam, socket.SOCK_STREAM)
    s.settimeout(10)
    s.bind((src, 0))
    s.connect((host, int(port)))
    return s


class Lines:
    def __init__(self, sock):
        self.sock = sock
        self.buf = b""

    def line(self):
        while b"\n" not in self.buf:
            data = self.sock.recv(4096)
            if not data:
                raise EOFError("connection closed")
            self.buf += data
        line, self.buf = self.buf.split(b"\n", 1)
        return line.decode("utf-8", "replace").rstrip("\r")

    def send(self, text):
        self.sock.sendall(text.encode() + b"\r\n")

    def start_tls(self):
        """Wrap the connection in TLS (after the server's go-ahead); the
        test servers' certificates are self-signed, so none is checked."""
        ctx = ssl.create_default_context()
        ctx.check_hostname = False
        ctx.verify_mode = ssl.CERT_NONE
        self.sock = ctx.wrap_socket(self.sock)
        self.buf = b""


def imap_open(host, port, src, user, password, id_ip=None, anonymous=False,
              starttls=False):
    """Connect from src and LOGIN (or AUTHENTICATE ANONYMOUS with user as
    the trace); returns (connection, tagged reply line). The session stays
    open: end it with imap_logout()."""
    c = Lines(connect(host, port, src))
    c.line()
    if starttls:
        c.send("a9 STARTTLS")
        r = c.line()
        while not r.startswith("a9 "):
            r = c.line()
        if not r.startswith("a9 OK"):
            return c, r
        c.start_tls()
    if id_ip is not None:
        c.send('a0 ID ("x-originating-ip" "%s")' % id_ip)
        while not c.line().startswith("a0 "):
            pass
    if anonymous:
        c.send("a1 AUTHENTICATE ANONYMOUS")
    else:
        c.send('a1 LOGIN "%s" "%s"' % (user, password))
    while True:
        r = c.line()
        if anonymous and r.startswith("+"):
            c.send(base64.b64encode(user.encode()).decode())
        elif r.startswith("a1 "):
            return c, r


def imap_logout(c):
    """LOGOUT and close (a connection the server already closed is fine)."""
    try:
        c.send("a3 LOGOUT")
        while not c.line().startswith("a3 "):
            pass
    except (EOFError, OSError):
        pass
    c.sock.close()


def imap(host, port, src, user, password, opts):
    id_ip = opts[opts.index("--id-ip") + 1] if "--id-ip" in opts else None
    c, r = imap_open(host, port, src, user, password, id_ip,
                     "--anonymous" in opts, "--starttls" in opts)
    ok = r.startswith("a1 OK")
    print(r)
    if "--time" in opts:
        print("ok-at-ms %d" % int(time.time() * 1000))
    if ok and "--idle" in opts:
        secs = float(opts[opts.index("--idle") + 1])
        c.send("a2 NOOP")
        while not c.line().startswith("a2 "):
            pass
        time.sleep(secs)
    if ok:
        imap_logout(c)
    else:
        c.sock.close()
    return 0 if ok else 1


def pop3(host, port, src, user, password, opts):
    c = Lines(connect(host, port, src))
    c.line()
    if "--starttls" in opts:
        c.send("STLS")
        r = c.line()
        if not r.startswith("+OK"):
            print(r)
            c.sock.close()
            return 1
        c.start_tls()
    if "--xclient-ip" in opts:
        ip = opts[opts.index("--xclient-ip") + 1]
        c.send("XCLIENT ADDR=%s" % ip)
        c.line()
    c.send("USER %s" % user)
    c.line()
    c.send("PASS %s" % password)
    r = c.line()
    print(r)
    ok = r.startswith("+OK")
    try:
        c.send("QUIT")
        c.line()
    except (EOFError, OSError):
        pass
    c.sock.close()
    return 0 if ok else 1


def lmtp(host, port, src, rcpt):
    c = Lines(connect(host, port, src))
    c.line()
    c.send("LHLO test.example")
    while not c.line().startswith("250 "):
        pass
    c.send("MAIL FROM:<sender@example.org>")
    c.line()
    c.send("RCPT TO:<%s>" % rcpt)
    r = c.line()
    c.send("DATA")
    c.line()
    c.send("Subject: test\r\n\r\nhello\r\n.")
    r = c.line()
    print(r)
    c.send("QUIT")
    c.sock.close()
    return 0 if r.startswith("250") else 1


def rcpt_code(host, port, src, rcpt, helo="client.example",
              sender="sender@example.org"):
    """One SMTP session from src up to RCPT TO:<rcpt>; returns the RCPT
    reply code ("250", "554", ...)."""
    c = Lines(connect(host, port, src))
    r = c.line()
    while r.startswith("220-"):
        r = c.line()
    c.send("EHLO %s" % helo)
    while not c.line().startswith("250 "):
        pass
    c.send("MAIL FROM:<%s>" % sender)
    c.line()
    c.send("RCPT TO:<%s>" % rcpt)
    r = c.line()
    try:
        c.send("QUIT")
        c.line()
    except (EOFError, OSError):
        pass
    c.sock.close()
    return r[:3]


def smtp_rcpt(host, port, src, rcpt, *more):
    print(rcpt_code(host, port, src, rcpt, *more))
    return 0


def free_port(addr="127.0.0.1"):
    fam = socket.AF_INET6 if ":" in addr else socket.AF_INET
    s = socket.socket(fam, socket.SOCK_STREAM)
    s.bind((addr, 0))
    print(s.getsockname()[1])
    s.close()
    return 0


def main(argv):
    cmd, args = argv[1], argv[2:]
    try:
        if cmd == "imap":
            return imap(*args[:5], args[5:])
        if cmd == "pop3":
            return pop3(*args[:5], args[5:])
        if cmd == "lmtp":
            return lmtp(*args[:4])
        if cmd == "smtp-rcpt":
            return smtp_rcpt(*args[:6])
        if cmd == "free-port":
            return free_port(*args[:1])
    except (OSError, EOFError) as e:
        print("error: %s" % e)
        return 2
    print("usage: see the top of this file")
    return 64


if __name__ == "__main__":
    sys.exit(main(sys.argv))
