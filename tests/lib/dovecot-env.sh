# dovecot-env.sh - a private Dovecot instance for the tests, sourced after
# tests/tap.sh. Loopback only, free ports chosen at run time, its own
# base_dir, log, passwd-file users, the plugin from the build tree; stopped
# by its master pid when the test exits, whatever happens.
#
#   dovecot_setup [extra config lines...]  writes $DC/dovecot.conf
#   dovecot_start                          starts it, waits for the ports
#   dovecot_stop                           stops it (also done on exit)
#   dovecot_log                            prints the log
#   Variables: DC (dir), DC_IMAP, DC_POP3, DC_LMTP (ports), DC_TABLE,
#   DC_MASTER (pid). NETNS_EXEC (e.g. "ip netns exec NS") runs the servers
#   and clients inside a network namespace. Users: alice/alicepw, bob/bobpw, master: admin/adminpw
#   (log in as "alice*admin"). login_trusted_networks = 127.0.0.5.
#   Every client here logs in from 127.0.0.x or ::1, so the config sets
#   relaytab_allow_loopback = $DC_ALLOW_LOOPBACK, "yes" unless the test sets
#   DC_ALLOW_LOOPBACK before dovecot_setup; DC_ALLOW_LOOPBACK= (empty)
#   leaves the setting out, i.e. the shipped default (no).

MAILCLIENT="$top_srcdir/tests/lib/mailclient.py"

dovecot_setup() {
	command -v dovecot >/dev/null || skip_all "dovecot is not installed"
	[ -f "$top_builddir/plugin/.libs/lib95_relaytab_plugin.so" ] ||
		skip_all "the plugin is not built"
	[ "$(id -u)" -eq 0 ] || skip_all "a private Dovecot needs root"
	DC=$T/dovecot
	mkdir -p "$DC/run" "$DC/state" "$DC/mail" "$DC/modules" "$DC/table"
	chown 65534:65534 "$DC/mail"
	chmod 0755 "$DC" "$DC/run" "$DC/modules"
	cp "$top_builddir/plugin/.libs/lib95_relaytab_plugin.so" "$DC/modules/"
	printf 'alice:{PLAIN}alicepw::::::\nbob:{PLAIN}bobpw::::::\n' > "$DC/passwd"
	printf 'admin:{PLAIN}adminpw::::::\n' > "$DC/masters"
	chgrp dovecot "$DC/passwd" "$DC/masters"
	chmod 0640 "$DC/passwd" "$DC/masters"
	chown root:mail "$DC/table"
	chmod 0770 "$DC/table"
	DC_TABLE=$DC/table/table
	DC_IMAP=$(python3 "$MAILCLIENT" free-port)
	DC_POP3=$(python3 "$MAILCLIENT" free-port)
	DC_LMTP=$(python3 "$MAILCLIENT" free-port)
	DC_LISTEN=${DC_LISTEN:-127.0.0.1}
	DC_ALLOW_LOOPBACK=${DC_ALLOW_LOOPBACK-yes}
	_loopback=
	[ -z "$DC_ALLOW_LOOPBACK" ] ||
		_loopback="  relaytab_allow_loopback = $DC_ALLOW_LOOPBACK"
	cat > "$DC/dovecot.conf" <<CONF
instance_name = relaytab-test-$$
base_dir = $DC/run
state_dir = $DC/state
log_path = $DC/dovecot.log
protocols = imap pop3 lmtp
listen = $DC_LISTEN
ssl = no
disable_plaintext_auth = no
auth_mechanisms = plain login
auth_master_user_separator = *
mail_location = maildir:$DC/mail/%u/Maildir
first_valid_uid = 100
mail_plugin_dir = $DC/modules
login_trusted_networks = 127.0.0.5/32
protocol imap {
  mail_plugins = \$mail_plugins relaytab
  mail_access_groups = mail
}
protocol pop3 {
  mail_plugins = \$mail_plugins relaytab
  mail_access_groups = mail
}
passdb {
  driver = passwd-file
  master = yes
  args = scheme=PLAIN $DC/masters
  pass = yes
}
passdb {
  driver = passwd-file
  args = scheme=PLAIN username_format=%u $DC/passwd
}
userdb {
  driver = passwd-file
  args = username_format=%u $DC/passwd
  override_fields = uid=65534 gid=65534 home=$DC/mail/%u
}
service imap-login {
  inet_listener imap {
    port = $DC_IMAP
  }
  inet_listener imaps {
    port = 0
  }
}
service pop3-login {
  inet_listener pop3 {
    port = $DC_POP3
  }
  inet_listener pop3s {
    port = 0
  }
}
service lmtp {
  inet_listener lmtp {
    address = 127.0.0.1
    port = $DC_LMTP
  }
}
plugin {
  relaytab_table = $DC_TABLE
$_loopback
}
CONF
	for line in "$@"; do
		printf '%s\n' "$line" >> "$DC/dovecot.conf"
	done
}

dovecot_start() {
	doveconf -c "$DC/dovecot.conf" -n > "$DC/doveconf.out" 2>&1 ||
		bail "doveconf rejects the test config: $(tail -3 "$DC/doveconf.out")"
	${NETNS_EXEC:-} dovecot -c "$DC/dovecot.conf" || bail "dovecot did not start"
	_i=0
	while [ ! -s "$DC/run/master.pid" ] && [ $_i -lt 100 ]; do
		sleep 0.1; _i=$((_i + 1))
	done
	DC_MASTER=$(cat "$DC/run/master.pid" 2>/dev/null)
	[ -n "$DC_MASTER" ] || bail "dovecot wrote no master.pid"
	tap_track_pid "$DC_MASTER"
	_i=0
	while ! ${NETNS_EXEC:-} python3 -c "import socket,sys; socket.create_connection(('$DC_LISTEN' if ':' not in '$DC_LISTEN' else '127.0.0.1', $DC_IMAP), 1)" 2>/dev/null &&
		[ $_i -lt 100 ]; do
		sleep 0.1; _i=$((_i + 1))
	done
}

dovecot_stop() {
	[ -n "${DC_MASTER:-}" ] || return 0
	kill "$DC_MASTER" 2>/dev/null
	_i=0
	while kill -0 "$DC_MASTER" 2>/dev/null && [ $_i -lt 100 ]; do
		sleep 0.1; _i=$((_i + 1))
	done
	DC_MASTER=
}

dovecot_log() { cat "$DC/dovecot.log" 2>/dev/null; }

# imap_login SRC USER PASS [opts]; pop3_login SRC USER PASS [opts]
imap_login() { _s=$1; shift; ${NETNS_EXEC:-} python3 "$MAILCLIENT" imap 127.0.0.1 "$DC_IMAP" "$_s" "$@"; }
pop3_login() { _s=$1; shift; ${NETNS_EXEC:-} python3 "$MAILCLIENT" pop3 127.0.0.1 "$DC_POP3" "$_s" "$@"; }
