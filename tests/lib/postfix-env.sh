# postfix-env.sh - a private Postfix instance for the tests, sourced after
# tests/tap.sh: its own config, queue and data directories under $T, smtpd
# on a free loopback port, mynetworks = 127.0.0.1/32, every transport a
# discard (and no SMTP client service at all), no DNS. Stopped on exit.
#
#   postfix_setup MAPSPEC   e.g. cdb:$T/maps/relay; writes $PF/main.cf
#   postfix_start / postfix_stop
#   rcpt SRC [RCPT]         prints the RCPT reply code (250, 554, 451...)
#   poll_rcpt SRC CODE      polls rcpt until it answers CODE (at most 10 s)
#   now_ms                  the wall clock in milliseconds
#   Variables: PF (config dir), PF_PORT, PF_MASTER (pid), PF_GID (the
#   postfix group's gid, as that Postfix knows it). Optional:
#   PF_LISTEN/PF_LISTEN_MASTER/PF_CONNECT (addresses), PF_PROTOCOLS,
#   NETNS_EXEC (run inside a network namespace), PF_RELAY_CHECK (the
#   relay restriction instead of "check_client_access MAPSPEC", e.g.
#   "check_policy_service unix:/path").
#   With POSTFIX_ROOT set, the Postfix of that Debian root (3.10 in Debian
#   13: tools/check-dovecot24) runs chrooted there, with $T bind-mounted at
#   the same path inside.

postfix_setup() {
	if [ -n "${POSTFIX_ROOT:-}" ]; then
		[ -x "$POSTFIX_ROOT/usr/sbin/postfix" ] || bail "POSTFIX_ROOT=$POSTFIX_ROOT has no Postfix"
		PF_RUN="chroot $POSTFIX_ROOT"
	else
		command -v postfix >/dev/null || skip_all "postfix is not installed"
		PF_RUN=
	fi
	[ "$(id -u)" -eq 0 ] || skip_all "a private Postfix needs root"
	if [ -n "${POSTFIX_ROOT:-}" ] && ! mountpoint -q "$POSTFIX_ROOT$T"; then
		mkdir -p "$POSTFIX_ROOT$T"
		mount --bind "$T" "$POSTFIX_ROOT$T" || bail "cannot bind $T into $POSTFIX_ROOT"
		tap_on_exit "umount -l '$POSTFIX_ROOT$T'; rmdir '$POSTFIX_ROOT$T'"
	fi
	PF=$T/postfix
	mkdir -p "$PF/spool" "$PF/data"
	# the user as the root's Postfix knows it (its uid may differ);
	# PF_GID is its postfix group's number
	$PF_RUN chown postfix "$PF/data"
	PF_GID=$($PF_RUN getent group postfix | cut -d: -f3)
	PF_PORT=$(python3 "$top_srcdir/tests/lib/mailclient.py" free-port)
	cat > "$PF/main.cf" <<CF
compatibility_level = 3.6
queue_directory = $PF/spool
data_directory = $PF/data
mail_owner = postfix
setgid_group = postdrop
myhostname = relaytab.test
mydomain = relaytab.test
myorigin = relaytab.test
mydestination = relaytab.test
local_recipient_maps =
alias_maps =
alias_database =
relay_domains =
inet_interfaces = ${PF_LISTEN:-127.0.0.1}
inet_protocols = ${PF_PROTOCOLS:-ipv4}
mynetworks = 127.0.0.1/32
smtpd_peername_lookup = no
smtpd_relay_restrictions = permit_mynetworks, ${PF_RELAY_CHECK:-check_client_access $1}, reject_unauth_destination
smtpd_recipient_restrictions =
default_transport = discard:nowhere
relay_transport = discard:nowhere
local_transport = discard:nowhere
virtual_transport = discard:nowhere
smtp_dns_support_level = disabled
disable_dns_lookups = yes
maillog_file = $PF/maillog
maillog_file_prefixes = $PF
biff = no
smtputf8_enable = no
# The tests poll with many sessions that send no mail. Each new session takes
# an in_flow_delay token, and only the queue manager gives tokens back as it
# moves mail, so after some 100 polls every new session would pause 1 s.
in_flow_delay = 0s
CF
	cat > "$PF/master.cf" <<CF
${PF_LISTEN_MASTER:-127.0.0.1}:$PF_PORT inet n - n - - smtpd
pickup    unix  n - n 60 1 pickup
cleanup   unix  n - n -  0 cleanup
qmgr      unix  n - n 300 1 qmgr
rewrite   unix  - - n -  - trivial-rewrite
bounce    unix  - - n -  0 bounce
defer     unix  - - n -  0 bounce
trace     unix  - - n -  0 bounce
verify    unix  - - n -  1 verify
flush     unix  n - n 1000? 0 flush
proxymap  unix  - - n -  - proxymap
showq     unix  n - n -  - showq
error     unix  - - n -  - error
retry     unix  - - n -  - error
discard   unix  - - n -  - discard
anvil     unix  - - n -  1 anvil
scache    unix  - - n -  1 scache
postlog   unix-dgram n - n - 1 postlogd
CF
}

postfix_start() {
	${NETNS_EXEC:-} script -qc "$PF_RUN postfix -c '$PF' start" /dev/null > "$PF/start.out" 2>&1
	_i=0
	while [ ! -s "$PF/spool/pid/master.pid" ] && [ $_i -lt 100 ]; do
		sleep 0.1; _i=$((_i + 1))
	done
	PF_MASTER=$(tr -d ' ' < "$PF/spool/pid/master.pid" 2>/dev/null)
	[ -n "$PF_MASTER" ] || bail "postfix did not start: $(cat "$PF/start.out")"
	tap_track_pid "$PF_MASTER"
	tap_on_exit "script -qc \"$PF_RUN postfix -c '$PF' stop\" /dev/null >/dev/null 2>&1"
	_i=0
	while ! ${NETNS_EXEC:-} python3 -c "import socket; socket.create_connection(('${PF_CONNECT:-127.0.0.1}', $PF_PORT), 1)" 2>/dev/null &&
		[ $_i -lt 100 ]; do
		sleep 0.1; _i=$((_i + 1))
	done
}

postfix_stop() {
	[ -n "${PF_MASTER:-}" ] || return 0
	script -qc "$PF_RUN postfix -c '$PF' stop" /dev/null >/dev/null 2>&1
	_i=0
	while kill -0 "$PF_MASTER" 2>/dev/null && [ $_i -lt 100 ]; do
		sleep 0.1; _i=$((_i + 1))
	done
	kill "$PF_MASTER" 2>/dev/null
	PF_MASTER=
}

# rcpt SRC [RCPT]: the RCPT TO reply code for a relay attempt from SRC
rcpt() {
	${NETNS_EXEC:-} python3 "$top_srcdir/tests/lib/mailclient.py" smtp-rcpt "${PF_CONNECT:-127.0.0.1}" \
		"$PF_PORT" "$1" "${2:-someone@example.net}"
}

now_ms() { date +%s%3N; }

# poll_rcpt SRC CODE: poll (20 ms) until RCPT from SRC answers CODE, at most
# 10 s; prints the elapsed ms, or "timeout"
poll_rcpt() {
	_s=$(now_ms); _i=0
	while [ $_i -lt 500 ]; do
		[ "$(rcpt "$1")" = "$2" ] && { echo $(( $(now_ms) - _s )); return 0; }
		sleep 0.02; _i=$((_i + 1))
	done
	echo timeout
	return 1
}
