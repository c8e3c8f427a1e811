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
#   and clients inside a network namespace. Users: alice/alicepw, bob/bobpw,
#   carol/carolpw, master: admin/adminpw (log in as "alice*admin").
#   login_trusted_networks = 127.0.0.5.
#
#   Dovecot 2.3 (this machine's) by default; with DOVECOT_ROOT set, the
#   Dovecot of that Debian root (2.4 in Debian 13: tools/check-dovecot24)
#   runs chrooted there, on the same loopback, with $T bind-mounted at the
#   same path inside, the plugin from DOVECOT_PLUGIN (its .so) and the
#   settings module already installed in the root. DC_VERSION is 2.3 or
#   2.4; the config is written in that version's syntax, and tests add to
#   it with:
#   dovecot_conf_set KEY VALUE        a relaytab_* (or other) setting
#   dovecot_conf_plugin_in PROTOCOL [lines...]  load the plugin there too
#   DC_RUN runs a Dovecot command (doveconf, doveadm) of that version.
#   Every client here logs in from 127.0.0.x or ::1, so the config sets
#   relaytab_allow_loopback = $DC_ALLOW_LOOPBACK, "yes" unless the test sets
#   DC_ALLOW_LOOPBACK before dovecot_setup; DC_ALLOW_LOOPBACK= (empty)
#   leaves the setting out, i.e. the shipped default (no).

MAILCLIENT="$top_srcdir/tests/lib/mailclient.py"

# The Dovecot of this run: DC_RUN, DC_VERSION (2.3 or 2.4), DC_PLUGIN.
dovecot_which() {
	if [ -n "${DOVECOT_ROOT:-}" ]; then
		[ -x "$DOVECOT_ROOT/usr/sbin/dovecot" ] ||
			bail "DOVECOT_ROOT=$DOVECOT_ROOT has no Dovecot"
		DC_RUN="chroot $DOVECOT_ROOT"
		DC_PLUGIN=${DOVECOT_PLUGIN:?DOVECOT_PLUGIN names the plugin built in the root}
	else
		command -v dovecot >/dev/null || skip_all "dovecot is not installed"
		DC_RUN=
		DC_PLUGIN=$top_builddir/plugin/.libs/lib95_relaytab_plugin.so
	fi
	case "$($DC_RUN dovecot --version)" in
	2.3.*) DC_VERSION=2.3 ;;
	2.4.*) DC_VERSION=2.4 ;;
	*) bail "unknown Dovecot version: $($DC_RUN dovecot --version)" ;;
	esac
}

dovecot_setup() {
	dovecot_which
	[ -f "$DC_PLUGIN" ] || skip_all "the plugin is not built"
	[ "$(id -u)" -eq 0 ] || skip_all "a private Dovecot needs root"
	if [ -n "${DOVECOT_ROOT:-}" ] && ! mountpoint -q "$DOVECOT_ROOT$T"; then
		mkdir -p "$DOVECOT_ROOT$T"
		mount --bind "$T" "$DOVECOT_ROOT$T" || bail "cannot bind $T into $DOVECOT_ROOT"
		tap_on_exit "umount -l '$DOVECOT_ROOT$T'; rmdir '$DOVECOT_ROOT$T'"
	fi
	DC=$T/dovecot
	mkdir -p "$DC/run" "$DC/state" "$DC/mail" "$DC/modules" "$DC/table"
	chown 65534:65534 "$DC/mail"
	chmod 0755 "$DC" "$DC/run" "$DC/modules"
	cp "$DC_PLUGIN" "$DC/modules/"
	printf 'alice:{PLAIN}alicepw::::::\nbob:{PLAIN}bobpw::::::\ncarol:{PLAIN}carolpw::::::\n' > "$DC/passwd"
	printf 'admin:{PLAIN}adminpw::::::\n' > "$DC/masters"
	# the group as the root's Dovecot knows it (its gid may differ)
	$DC_RUN chgrp dovecot "$DC/passwd" "$DC/masters"
	chmod 0640 "$DC/passwd" "$DC/masters"
	chown root:mail "$DC/table"
	chmod 0770 "$DC/table"
	DC_TABLE=$DC/table/table
	DC_IMAP=$(python3 "$MAILCLIENT" free-port)
	DC_POP3=$(python3 "$MAILCLIENT" free-port)
	DC_LMTP=$(python3 "$MAILCLIENT" free-port)
	DC_LISTEN=${DC_LISTEN:-127.0.0.1}
	DC_ALLOW_LOOPBACK=${DC_ALLOW_LOOPBACK-yes}
	dovecot_conf_$(echo "$DC_VERSION" | tr -d .) > "$DC/dovecot.conf"
	dovecot_conf_set relaytab_table "$DC_TABLE"
	[ -z "$DC_ALLOW_LOOPBACK" ] ||
		dovecot_conf_set relaytab_allow_loopback "$DC_ALLOW_LOOPBACK"
	for line in "$@"; do
		printf '%s\n' "$line" >> "$DC/dovecot.conf"
	done
}

# dovecot_conf_set KEY VALUE: append a plugin setting in this version's
# syntax (a later line overrides an earlier one on both).
dovecot_conf_set() {
	if [ "$DC_VERSION" = 2.3 ]; then
		printf 'plugin {\n  %s = %s\n}\n' "$1" "$2" >> "$DC/dovecot.conf"
	else
		printf '%s = %s\n' "$1" "$2" >> "$DC/dovecot.conf"
	fi
}

# dovecot_conf_plugin_in PROTOCOL [lines...]: load the plugin for PROTOCOL
# too, with more lines for its protocol block.
dovecot_conf_plugin_in() {
	_proto=$1; shift
	{
		echo "protocol $_proto {"
		if [ "$DC_VERSION" = 2.3 ]; then
			echo "  mail_plugins = \$mail_plugins relaytab"
		else
			printf '  mail_plugins {\n    relaytab = yes\n  }\n'
		fi
		for _l in "$@"; do echo "  $_l"; done
		echo "}"
	} >> "$DC/dovecot.conf"
}

# dovecot_conf_userdb_static: a static userdb after the passwd-file one
# (for the anonymous user, which no file lists)
dovecot_conf_userdb_static() {
	if [ "$DC_VERSION" = 2.3 ]; then
		printf 'userdb {\n  driver = static\n  args = uid=65534 gid=65534 home=%s/mail/%%u\n}\n' "$DC"
	else
		printf 'userdb static {\n  driver = static\n  fields {\n    uid = 65534\n    gid = 65534\n    home = %s/mail/%%{user}\n  }\n}\n' "$DC"
	fi >> "$DC/dovecot.conf"
}

# The lines both versions take alike.
dovecot_conf_common() {
	cat <<CONF
instance_name = relaytab-test-$$
base_dir = $DC/run
state_dir = $DC/state
log_path = $DC/dovecot.log
protocols = imap pop3 lmtp
listen = $DC_LISTEN
ssl = no
CONF
}

dovecot_conf_23() {
	dovecot_conf_common
	cat <<CONF
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
CONF
	dovecot_conf_listeners address
}

dovecot_conf_24() {
	# the version lines must come first
	printf 'dovecot_config_version = 2.4.1\ndovecot_storage_version = 2.4.1\n'
	dovecot_conf_common
	cat <<CONF
auth_allow_cleartext = yes
auth_mechanisms = plain login
auth_master_user_separator = *
mail_driver = maildir
mail_home = $DC/mail/%{user}
mail_path = ~/Maildir
first_valid_uid = 100
mail_plugin_dir = $DC/modules
login_trusted_networks = 127.0.0.5/32
protocol imap {
  mail_plugins {
    relaytab = yes
  }
  mail_access_groups = mail
}
protocol pop3 {
  mail_plugins {
    relaytab = yes
  }
  mail_access_groups = mail
}
passdb masters {
  driver = passwd-file
  passwd_file_path = $DC/masters
  default_password_scheme = PLAIN
  master = yes
  result_success = continue
}
passdb users {
  driver = passwd-file
  passwd_file_path = $DC/passwd
  default_password_scheme = PLAIN
}
userdb users {
  driver = passwd-file
  passwd_file_path = $DC/passwd
  fields {
    uid = 65534
    gid = 65534
    home = $DC/mail/%{user}
  }
}
CONF
	dovecot_conf_listeners listen
}

# The listeners, on both versions; LMTP's address is KEY = 127.0.0.1
# (2.3: address, 2.4: listen).
dovecot_conf_listeners() {
	cat <<CONF
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
    $1 = 127.0.0.1
    port = $DC_LMTP
  }
}
CONF
}

dovecot_start() {
	$DC_RUN doveconf -c "$DC/dovecot.conf" -n > "$DC/doveconf.out" 2>&1 ||
		bail "doveconf rejects the test config: $(tail -3 "$DC/doveconf.out")"
	${NETNS_EXEC:-} $DC_RUN dovecot -c "$DC/dovecot.conf" || bail "dovecot did not start"
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
# dovecot_log_until ERE: the log, once a line matches ERE (Dovecot's log
# process writes after the client has its answer; waits at most 5 s)
dovecot_log_until() {
	_w=0
	while ! grep -Eq "$1" "$DC/dovecot.log" 2>/dev/null && [ $_w -lt 100 ]; do
		sleep 0.05; _w=$((_w + 1))
	done
	dovecot_log
}

# imap_login SRC USER PASS [opts]; pop3_login SRC USER PASS [opts]
imap_login() { _s=$1; shift; ${NETNS_EXEC:-} python3 "$MAILCLIENT" imap 127.0.0.1 "$DC_IMAP" "$_s" "$@"; }
pop3_login() { _s=$1; shift; ${NETNS_EXEC:-} python3 "$MAILCLIENT" pop3 127.0.0.1 "$DC_POP3" "$_s" "$@"; }
