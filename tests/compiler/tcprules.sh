#!/bin/sh
# tcprules.sh - relaytab compile --tcprules: the site's rules text merged
# with the grants, read back record by record (the cdb tcpserver -x reads;
# tests/mta/tcpserver.sh runs the real tcpserver on it): each rule as
# written, ranges expanded, a grant inheriting the instructions of the
# rule it falls under plus RELAYCLIENT, a deny kept, the site's rules
# inside a granted /64 given RELAYCLIENT, and the error paths (a rule that
# does not parse, a missing file, a prefix tcpserver cannot look up), each
# leaving the map as it was.
. "$top_srcdir/tests/tap.sh"

TB=$T/table
RT() { "$RELAYTAB" --table "$TB" "$@"; }
# dump CDB: "key=value" lines, the value's NUL-separated items joined by '|'
dump() {
	python3 -c '
import struct, sys
d = open(sys.argv[1], "rb").read()
pos, end = 2048, struct.unpack("<I", d[0:4])[0]
out = []
while pos < end:
    kl, vl = struct.unpack("<II", d[pos:pos + 8])
    k = d[pos + 8:pos + 8 + kl].decode()
    v = d[pos + 8 + kl:pos + 8 + kl + vl].rstrip(b"\0").replace(b"\0", b"|").decode()
    out.append("%s=%s" % (k, v))
    pos += 8 + kl + vl
print("\n".join(sorted(out)))' "$1"
}
rule() { dump "$T/tcp.smtp.cdb" | grep -F -x -- "$1" >/dev/null; }

RT create --capacity 1024 --group "$(id -gn)" || bail "create failed"
cat > "$T/tcp.smtp" <<'EOF'
# the site's rules
10.1-3.:deny
192.0.2.:allow,RBLSMTPD="",GREETING="hello, world"
198.51.100.66:deny
joe@198.51.100.7:allow,X="joe"
=mx.example:allow,X="mx"
2001:db8:1:2::9:allow,Z="1"
:allow,DEFAULT="1"
EOF
for a in 192.0.2.7 10.2.0.5 198.51.100.66 203.0.113.9 2001:db8:1:2::5 2001:db8:0:5::1; do
	RT add "$a" || bail "add $a"
done
printf 'ipv6-prefix = 64\ntcprules = %s\n' "$T/tcp.smtp" > "$T/relaytab.conf"
RT compile --config "$T/relaytab.conf" -v 2>"$T/log"
is $? 0 "compile --tcprules merges the site's rules with the grants"
like "$(cat "$T/log")" 'tcp\.smtp\.cdb: 1 IPv6 grant left out' "... and says which grant no tcpserver key can hold (2001:db8:0:5::/64)"
ok "a range is one rule per address (10.1. 10.2. 10.3.)" rule '10.1.=D' && rule '10.2.=D' && rule '10.3.=D'
ok "a rule is kept as written, its quoted comma too" rule '192.0.2.=+RBLSMTPD=|+GREETING=hello, world'
ok "rules by TCPREMOTEINFO and host name are kept" rule 'joe@198.51.100.7=+X=joe' && rule '=mx.example=+X=mx'
ok "a grant gets the instructions of its rule (192.0.2.) and RELAYCLIENT" \
	rule '192.0.2.7=+RBLSMTPD=|+GREETING=hello, world|+RELAYCLIENT=' &&
	rule '::ffff:192.0.2.7=+DEFAULT=1|+RELAYCLIENT='
ok "a grant under a denied range is not written: 10.2.0.5 stays denied" ! dump "$T/tcp.smtp.cdb" | grep -q '^10\.2\.0\.5='
ok "a denied address stays denied after its login" rule '198.51.100.66=D'
ok "a grant under no rule of its own gets the default's and RELAYCLIENT" rule '203.0.113.9=+DEFAULT=1|+RELAYCLIENT='
ok "an IPv6 grant is its /64's key" rule '2001:db8:1:2:=+DEFAULT=1|+RELAYCLIENT='
ok "the site's rule inside that /64 (found first) gets RELAYCLIENT too" rule '2001:db8:1:2::9=+Z=1|+RELAYCLIENT='
ok "the default is kept as written" rule '=+DEFAULT=1'
# the IPv6 build looks IPv4 clients up as ::ffff:a.b.c.d, which the site's
# IPv4 rules (10.1-3.:deny) do not cover: the default rules there
ok "an IPv4 grant's mapped form falls under the rules of that form (here the default)" \
	rule '::ffff:10.2.0.5=+DEFAULT=1|+RELAYCLIENT='
is "$(dump "$T/tcp.smtp.cdb" | wc -l)" 16 "16 records: 9 of the site's, 7 grants (4 IPv4 and their mapped forms, less the denied two, and the /64)"
is "$(stat -c %a "$T/tcp.smtp.cdb")" 644 "the map has the configured mode"

cp "$T/tcp.smtp.cdb" "$T/before.cdb"
printf 'bad line\n' >> "$T/tcp.smtp"
RT compile --config "$T/relaytab.conf" 2>"$T/err"
is $? 73 "a rule that does not parse fails the map (73)"
like "$(cat "$T/err")" "^relaytab: error: $T/tcp.smtp:9: cannot parse this rule: bad line\$" "... saying where, in one line"
ok "... and the map is as it was" cmp -s "$T/before.cdb" "$T/tcp.smtp.cdb"
printf 'ipv6-prefix = 64\ntcprules = %s\n' "$T/none" > "$T/none.conf"
RT compile --config "$T/none.conf" 2>"$T/err"
is $? 73 "a missing rules file fails the map (73)"
like "$(cat "$T/err")" "cannot read the rules $T/none: No such file or directory" "... saying so"
printf 'ipv6-prefix = 56\ntcprules = %s\n' "$T/tcp.smtp" > "$T/56.conf"
RT compile --config "$T/56.conf" 2>"$T/err"
is $? 64 "ipv6-prefix 56 with a tcprules map is refused (64)"
like "$(cat "$T/err")" 'not whole 16-bit groups, all tcpserver can look up' "... saying why"
tap_done
