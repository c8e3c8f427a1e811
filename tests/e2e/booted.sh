#!/bin/bash
# booted.sh - the administrator's path, on a booted Debian 12 (or, with
# RT_BOOTED_SUITE=trixie, Debian 13 and Dovecot 2.4): builds the packages
# (tools/build-debs; for Debian 13 inside the Debian 13 build root of
# tools/debian-root trixie, against its Dovecot 2.4), copies a fresh root
# (tools/debian-root bookworm-booted or trixie-booted), installs Debian's own dovecot-imapd,
# dovecot-pop3d, postfix and postfix-cdb there with their default
# configuration, boots the root's systemd in namespaces of its own (pid,
# mount, network), and then does what the README's "Install the packages"
# says, step for step, checking as a user would, from addresses of
# 192.0.2.0/24 on the root's own loopback: relay denied, an IMAP login, relay
# allowed, another address denied; POP3; relaytab list and del; expiry at the
# grace; the same through relaytab serve as a policy service and as a
# socketmap; a reboot (a fresh /run) after which a login works with no
# manual step; removing the packages (the maps emptied, Dovecot still
# serving logins); purging (nothing left, Dovecot and Postfix start).
# The root's systemd is stopped (by pid) whatever happens.
# Run by tools/check-booted (tools/check); needs root and the mirror.
. "$top_srcdir/tests/tap.sh"
[ "$(id -u)" -eq 0 ] || skip_all "needs root"
command -v unshare >/dev/null && command -v nsenter >/dev/null || skip_all "needs unshare and nsenter"

suite=${RT_BOOTED_SUITE:-bookworm}
debs=$T/debs
case $suite in
bookworm)
	postfix_unit=postfix@-.service
	"$top_srcdir/tools/build-debs" "$debs" >"$T/build-debs.log" 2>&1 ;;
trixie)
	postfix_unit=postfix.service
	# built where Debian 13's dovecot-dev is, from a copy of the tree
	broot=$("$top_srcdir/tools/debian-root" trixie 2>"$T/root.log") ||
		{ sed 's/^/# /' "$T/root.log"; bail "no Debian 13 build root (tools/debian-root trixie)"; }
	[ -n "$broot" ] && [ -f "$broot/etc/debian_version" ] || bail "tools/debian-root printed no root"
	rm -rf --one-file-system "$broot/src/debs"
	mkdir -p "$broot/src/debs/relaytab"
	"$top_srcdir/tools/copy-tree" "$broot/src/debs/relaytab"
	chroot "$broot" /src/debs/relaytab/tools/build-debs /src/debs/out >"$T/build-debs.log" 2>&1 &&
		mkdir -p "$debs" && cp "$broot"/src/debs/out/*.deb "$debs/" ;;
*)	bail "RT_BOOTED_SUITE: bookworm or trixie, not '$suite'" ;;
esac ||
	{ sed 's/^/# /' "$T/build-debs.log"; bail "the packages do not build"; }
ok "the packages build (dpkg-buildpackage) and lintian finds no error or warning" \
	grep -q '^build-debs: lintian: no error, no warning' "$T/build-debs.log"
for p in relaytab dovecot-relaytab; do
	deb=$(ls "$debs/${p}_"*.deb)
	diag "$(basename "$deb"): $(stat -c %s "$deb") bytes, installed $(dpkg-deb -f "$deb" Installed-Size) KiB"
done

base=$("$top_srcdir/tools/debian-root" "$suite-booted" 2>"$T/root.log") ||
	{ sed 's/^/# /' "$T/root.log"; bail "no root to boot (tools/debian-root $suite-booted)"; }
[ -n "$base" ] && [ -f "$base/etc/debian_version" ] && [ "$base" != / ] ||
	bail "tools/debian-root printed no root ('$base')"
# a fresh copy, beside the cached one (the same file system)
R=$(mktemp -d "$(dirname "$base")/.booted-run.XXXXXX") || bail "mktemp failed"
sd=
stop_root() {
	[ -n "$sd" ] && kill -9 "$sd" 2>/dev/null
	_w=0
	while [ -n "$sd" ] && kill -0 "$sd" 2>/dev/null && [ $_w -lt 100 ]; do sleep 0.1; _w=$((_w + 1)); done
	sd=
}
tap_on_exit 'stop_root; mountpoint -q "$R" && umount -l "$R"; rm -rf --one-file-system "$R"'
cp -a "$base/." "$R/"
mount --bind "$R" "$R" && mount --make-private "$R" || bail "cannot make $R a mount point"

# Debian's packages, as "apt install" puts them, not started yet
chroot "$R" debconf-set-selections <<'EOF'
postfix postfix/main_mailer_type select Internet Site
postfix postfix/mailname string mail.example.org
EOF
# (with /proc, as on a running system: Postfix's postinst reads the
# network protocols there for inet_protocols)
mount -t proc proc "$R/proc"
chroot "$R" env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq \
	dovecot-imapd dovecot-pop3d postfix postfix-cdb >"$T/apt.log" 2>&1
rc=$?
umount "$R/proc"
[ "$rc" -eq 0 ] ||
	{ tail -n 20 "$T/apt.log" | sed 's/^/# /'; bail "Debian's Dovecot and Postfix do not install"; }
rm -f "$R/usr/sbin/policy-rc.d"	# from now on the root's services start
# the root's mail user
chroot "$R" useradd -m -s /bin/sh alice
echo 'alice:Alice-pw-1' | chroot "$R" chpasswd
cp "$debs"/*.deb "$R/root/"
# no getty: the root has no terminals of its own
chroot "$R" systemctl mask getty@.service serial-getty@.service console-getty.service >/dev/null 2>&1

boots=0
# boot: the root's systemd as pid 1 of new namespaces; $sd is its pid here
boot() {
	boots=$((boots + 1))
	unshare -fpmn --mount-proc="$R/proc" chroot "$R" /lib/systemd/systemd --system \
		>"$T/boot$boots.log" 2>&1 </dev/null &
	_u=$!
	tap_track_pid "$_u"
	_w=0
	while [ -z "$sd" ] && [ $_w -lt 100 ]; do sd=$(pgrep -P "$_u"); sleep 0.1; _w=$((_w + 1)); done
	[ -n "$sd" ] || bail "the root's systemd did not start"
	tap_track_pid "$sd"
	_w=0
	until in_root systemctl is-system-running >/dev/null 2>&1 ||
		[ "$(in_root systemctl is-system-running 2>/dev/null)" = degraded ] || [ $_w -ge 120 ]; do
		sleep 0.5; _w=$((_w + 1))
	done
	# the addresses the test's clients and servers use
	for a in 1 10 11 12 13 14 15 16 17 18 20; do
		in_net ip addr add "192.0.2.$a/32" dev lo
	done
}
in_root() { nsenter -t "$sd" -m -p -r -w "$@"; }
in_net() { nsenter -t "$sd" -n "$@"; }
poweroff() {
	in_root systemctl poweroff >/dev/null 2>&1
	_w=0
	while kill -0 "$sd" 2>/dev/null && [ $_w -lt 600 ]; do sleep 0.1; _w=$((_w + 1)); done
	kill -0 "$sd" 2>/dev/null && { diag "poweroff took over 60 s: killed"; stop_root; }
	sd=
}
client() { in_net python3 "$top_srcdir/tests/lib/mailclient.py" "$@"; }
imap() { client imap 192.0.2.1 143 "$1" alice Alice-pw-1 --starttls; }
pop3() { client pop3 192.0.2.1 110 "$1" alice Alice-pw-1 --starttls; }
rcpt() { client smtp-rcpt 192.0.2.1 25 "$1" someone@example.net; }
# rcpt_until CODE SRC: the RCPT reply from SRC, asked every 0.2 s (at most
# 15 s) until it is CODE
rcpt_until() {
	_w=0
	while _c=$(rcpt "$2") && [ "$_c" != "$1" ] && [ $_w -lt 75 ]; do sleep 0.2; _w=$((_w + 1)); done
	echo "$_c"
}
active() { in_root systemctl is-active "$@" 2>&1 | tr '\n' ' ' | sed 's/ $//'; }

boot
is "$(active dovecot.service $postfix_unit)" "active active" "Debian's Dovecot and Postfix run in the booted root"
is "$(rcpt 192.0.2.10)" 454 "before relaytab: relay from 192.0.2.10 deferred (454: Debian's defer_unauth_destination)"

# README, "Install the packages"
in_root apt-get install -y -qq "/root/$(basename "$debs"/relaytab_*.deb)" \
	"/root/$(basename "$debs"/dovecot-relaytab_*.deb)" >"$T/install.log" 2>&1
rc=$?
is "$rc" 0 "apt-get install relaytab dovecot-relaytab"
[ "$rc" -eq 0 ] || sed 's/^/# /' "$T/install.log"
is "$(in_root getent group relaytab | cut -d: -f1),$(in_root id -un relaytab)" relaytab,relaytab \
	"the relaytab system user and group exist"
is "$(in_root stat -c '%a %U:%G' /run/relaytab /var/lib/relaytab | tr '\n' ' ')" \
	"751 relaytab:relaytab 755 relaytab:relaytab " "/run/relaytab and /var/lib/relaytab: modes and owner"
is "$(in_root stat -c '%a %U:%G' /run/relaytab/table)" "660 relaytab:relaytab" "the table exists (0660, group relaytab)"
is "$(active relaytab-table.service relaytab-watch.service)" "active active" "relaytab-table and relaytab-watch run"
is "$(in_root systemctl is-enabled relaytab-watch.service relaytab-serve.socket 2>&1 | tr '\n' ' ')" \
	"enabled disabled " "watch enabled, serve's socket installed but not enabled"
ok "the map cdb:/var/lib/relaytab/relay exists" in_root test -f /var/lib/relaytab/relay.cdb
ok "the conf.d snippet is active" in_root test -f /etc/dovecot/conf.d/95-relaytab.conf
abi=$(in_root dpkg-query -W -f='${Depends}' dovecot-relaytab | grep -o 'dovecot-abi-[^ ,]*')
like "$(in_root dpkg-query -W -f='${Provides}' dovecot-core)" "(^|, )$abi(,|$)" \
	"dovecot-relaytab depends on the ABI the root's dovecot-core provides (${abi:-none})"
if [ "$suite" = trixie ]; then
	ok "Dovecot 2.4: the settings module is installed" \
		in_root test -f /usr/lib/dovecot/modules/settings/librelaytab_settings.so
fi
like "$(in_root doveconf -h -f protocol=imap mail_plugins 2>&1) / $(in_root doveconf -h -f protocol=pop3 mail_plugins 2>&1)" \
	'^ *relaytab( = yes)? */ *relaytab( = yes)? *$' "doveconf: the plugin loads for imap and pop3"
diag "$(in_root dovecot --version), Postfix $(in_root postconf -h mail_version)"
in_root postconf -e 'smtpd_relay_restrictions = permit_mynetworks, permit_sasl_authenticated, check_client_access cdb:/var/lib/relaytab/relay, reject_unauth_destination'
in_root postfix reload >/dev/null 2>&1
is "$(in_root postconf -h smtpd_relay_restrictions 2>&1)" \
	"permit_mynetworks, permit_sasl_authenticated, check_client_access cdb:/var/lib/relaytab/relay, reject_unauth_destination" \
	"postconf -e: one smtpd_relay_restrictions, no warning"

is "$(rcpt 192.0.2.10)" 554 "map: relay from 192.0.2.10 denied before a login"
like "$(imap 192.0.2.10)" '^a1 OK' "IMAP login (STARTTLS) from 192.0.2.10"
is "$(rcpt_until 250 192.0.2.10)" 250 "map: relay from 192.0.2.10 allowed after it"
is "$(rcpt 192.0.2.20)" 554 "map: relay from 192.0.2.20 (no login) still denied"
like "$(pop3 192.0.2.11)" '^\+OK' "POP3 login (STLS) from 192.0.2.11"
is "$(rcpt_until 250 192.0.2.11)" 250 "map: relay from 192.0.2.11 allowed after the POP3 login"
list=$(in_root relaytab list 2>&1)
like "$list" '192\.0\.2\.10.*alice' "relaytab list shows 192.0.2.10 and its user"
like "$list" '192\.0\.2\.11.*pop3' "relaytab list shows the POP3 login"
is "$(in_root relaytab del 192.0.2.10 2>&1)" "removed 1 entry" "relaytab del 192.0.2.10"
is "$(rcpt_until 554 192.0.2.10)" 554 "relaytab del 192.0.2.10: relay denied again"

# the grace, changed in /etc/relaytab.conf and reloaded (README)
in_root sed -i 's/^grace = .*/grace = 5s/' /etc/relaytab.conf
in_root systemctl reload relaytab-watch.service
sleep 1
like "$(imap 192.0.2.12)" '^a1 OK' "IMAP login from 192.0.2.12 (grace 5s)"
is "$(rcpt_until 250 192.0.2.12)" 250 "map: relay from 192.0.2.12 allowed within its grace"
t0=$SECONDS
is "$(rcpt_until 554 192.0.2.12)" 554 "map: relay from 192.0.2.12 denied once the grace is over"
diag "denied $((SECONDS - t0)) s after the first allowed answer"
in_root sed -i 's/^grace = .*/grace = 30m/' /etc/relaytab.conf
in_root systemctl reload relaytab-watch.service

# a table damaged while watch is down (a mail user can write it): watch,
# sandboxed as the relaytab user, replaces it when it starts
in_root systemctl stop relaytab-watch.service
tb=/proc/$sd/root/run/relaytab/table
python3 -c "
import os, sys
fd = os.open(sys.argv[1], os.O_WRONLY)
os.pwrite(fd, b'not a table' * 64, 0)
os.close(fd)" "$tb"
ok "the damaged table is refused" sh -c "! nsenter -t $sd -m -p -r -w relaytab stats >/dev/null 2>&1"
in_root systemctl start relaytab-watch.service
_w=0
until in_root relaytab stats >/dev/null 2>&1 || [ $_w -ge 50 ]; do sleep 0.2; _w=$((_w + 1)); done
like "$(in_root journalctl -q -u relaytab-watch.service 2>&1)" 'could not be opened .*replaced it' \
	"watch replaced the damaged table at its start"
is "$(in_root stat -c '%a %U:%G' /run/relaytab/table)" "660 relaytab:relaytab" "... with the same mode and group"
like "$(imap 192.0.2.18)" '^a1 OK' "IMAP login from 192.0.2.18 into the new table"
is "$(rcpt_until 250 192.0.2.18)" 250 "map: relay from 192.0.2.18 allowed"

# a lock forged in a slot in the name of a live process of another user
# (alice's), which does not map the table: watch's repair pass releases it
# (it reads that process's /proc/PID/maps: CAP_SYS_PTRACE)
in_root runuser -u alice -- sleep 120 >/dev/null 2>&1 &
_w=0
while ! pid=$(in_root pgrep -u alice -x sleep) && [ $_w -lt 50 ]; do sleep 0.1; _w=$((_w + 1)); done
start=$(in_root cat "/proc/$pid/stat" | cut -d')' -f2 | awk '{print $20}')
size=$(stat -c %s "$tb")
python3 -c "
import os, struct, sys
fd = os.open(sys.argv[1], os.O_WRONLY)
word = (int(sys.argv[3]) & 0xffffffff) << 32 | int(sys.argv[2])
os.pwrite(fd, struct.pack('<Q', word), int(sys.argv[4]))
os.close(fd)" "$tb" "$pid" "$start" $((size - 256 * 65536 + 256 * 40000))
_w=0
until in_root journalctl -q -u relaytab-watch.service 2>/dev/null | grep -q '1 forged lock' || [ $_w -ge 75 ]; do
	sleep 0.2; _w=$((_w + 1))
done
like "$(in_root journalctl -q -u relaytab-watch.service 2>&1)" 'repaired table .* 1 forged lock' \
	"watch released a lock forged in the name of alice's sleep ($pid)"
in_root pkill -u alice -x sleep

# README step 6: relaytab serve as a policy service
in_root systemctl enable --now relaytab-policy.socket relaytab-serve.socket >/dev/null 2>&1
in_root postconf -e 'smtpd_relay_restrictions = permit_mynetworks, permit_sasl_authenticated, check_policy_service unix:relaytab/policy, reject_unauth_destination'
in_root postfix reload >/dev/null 2>&1
is "$(in_root stat -c '%a %U:%G' /var/spool/postfix/relaytab /var/spool/postfix/relaytab/policy | tr '\n' ' ')" \
	"755 root:root 660 root:postfix " "the policy socket: in a directory of root's, group postfix"
is "$(in_root postfix check 2>&1)" "" "postfix check is silent about it"
is "$(rcpt 192.0.2.13)" 554 "policy: relay from 192.0.2.13 denied before a login"
like "$(imap 192.0.2.13)" '^a1 OK' "IMAP login from 192.0.2.13"
is "$(rcpt_until 250 192.0.2.13)" 250 "policy: relay from 192.0.2.13 allowed (chrooted smtpd, unix:relaytab/policy)"
is "$(rcpt 192.0.2.20)" 554 "policy: relay from 192.0.2.20 denied"
is "$(active relaytab-serve.service)" active "relaytab-serve.service was started by its socket"

# ... as a socketmap, on the socket beside it
in_root postconf -e 'smtpd_relay_restrictions = permit_mynetworks, permit_sasl_authenticated, check_client_access socketmap:unix:relaytab/socketmap:relay, reject_unauth_destination'
in_root postfix reload >/dev/null 2>&1
is "$(rcpt 192.0.2.15)" 554 "socketmap: relay from 192.0.2.15 denied before a login"
like "$(imap 192.0.2.15)" '^a1 OK' "IMAP login from 192.0.2.15"
is "$(rcpt_until 250 192.0.2.15)" 250 "socketmap: relay from 192.0.2.15 allowed (chrooted smtpd, unix:relaytab/socketmap)"
is "$(rcpt 192.0.2.20)" 554 "socketmap: relay from 192.0.2.20 denied"

# ... and as a socketmap over TCP on loopback
in_root sh -c 'echo "serve-listen = 127.0.0.1:10027" >> /etc/relaytab.conf'
in_root systemctl enable relaytab-serve.service >/dev/null 2>&1
in_root systemctl restart relaytab-serve.service
in_root postconf -e 'smtpd_relay_restrictions = permit_mynetworks, permit_sasl_authenticated, check_client_access socketmap:inet:127.0.0.1:10027:relay, reject_unauth_destination'
in_root postfix reload >/dev/null 2>&1
is "$(rcpt 192.0.2.14)" 554 "socketmap over TCP: relay from 192.0.2.14 denied before a login"
like "$(imap 192.0.2.14)" '^a1 OK' "IMAP login from 192.0.2.14"
is "$(rcpt_until 250 192.0.2.14)" 250 "socketmap over TCP: relay from 192.0.2.14 allowed"
is "$(rcpt 192.0.2.20)" 554 "socketmap over TCP: relay from 192.0.2.20 denied"

# a reboot: a fresh /run (systemd mounts its tmpfs), no table, no sockets
poweroff
ok "the root powered off" [ -z "$sd" ]
boot
is "$(active relaytab-table.service relaytab-watch.service relaytab-serve.service dovecot.service $postfix_unit)" \
	"active active active active active" "after the reboot: table, watch, serve, Dovecot and Postfix run"
is "$(in_root stat -c '%a %U:%G' /run/relaytab/table 2>&1)" "660 relaytab:relaytab" "after the reboot: a new table"
is "$(rcpt 192.0.2.16)" 554 "after the reboot: relay from 192.0.2.16 denied before a login"
like "$(imap 192.0.2.16)" '^a1 OK' "after the reboot: IMAP login from 192.0.2.16"
is "$(rcpt_until 250 192.0.2.16)" 250 "after the reboot: relay from 192.0.2.16 allowed, no manual step"

# removing: back to the map; then the packages go
in_root postconf -e 'smtpd_relay_restrictions = permit_mynetworks, permit_sasl_authenticated, check_client_access cdb:/var/lib/relaytab/relay, reject_unauth_destination'
in_root postfix reload >/dev/null 2>&1
like "$(imap 192.0.2.17)" '^a1 OK' "IMAP login from 192.0.2.17"
is "$(rcpt_until 250 192.0.2.17)" 250 "map: relay from 192.0.2.17 allowed"
in_root apt-get remove -y -qq dovecot-relaytab relaytab >"$T/remove.log" 2>&1
rc=$?
is "$rc" 0 "apt-get remove dovecot-relaytab relaytab"
[ "$rc" -eq 0 ] || sed 's/^/# /' "$T/remove.log"
is "$(rcpt_until 554 192.0.2.17)" 554 "removed: the map is empty, relay from 192.0.2.17 denied (not a lookup error)"
like "$(imap 192.0.2.17)" '^a1 OK' "removed: IMAP logins still work (the snippet set aside, Dovecot reloaded)"
in_root doveconf -n >/dev/null 2>&1
is "$?" 0 "removed: doveconf reads the configuration"
# README, "Removing the packages"
in_root postconf -e 'smtpd_relay_restrictions = permit_mynetworks, permit_sasl_authenticated, defer_unauth_destination'
in_root postfix reload >/dev/null 2>&1
in_root apt-get purge -y -qq dovecot-relaytab relaytab >"$T/purge.log" 2>&1
rc=$?
is "$rc" 0 "apt-get purge dovecot-relaytab relaytab"
[ "$rc" -eq 0 ] || sed 's/^/# /' "$T/purge.log"
is "$(in_root sh -c 'ls -d /etc/dovecot/conf.d/95-relaytab* /var/lib/relaytab /run/relaytab /etc/relaytab.conf /lib/systemd/system/relaytab-* /usr/lib/systemd/system/relaytab-* /etc/systemd/system/*/relaytab-* /var/spool/postfix/relaytab 2>/dev/null')" "" \
	"purged: no relaytab file is left"
in_root systemctl restart dovecot.service $postfix_unit
is "$(active dovecot.service $postfix_unit)" "active active" "purged: Dovecot and Postfix restart"
is "$(in_root postfix check 2>&1)" "" "purged: postfix check is silent"
like "$(imap 192.0.2.17)" '^a1 OK' "purged: IMAP login works"
poweroff
tap_done
