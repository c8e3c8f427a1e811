#!/bin/sh
# install.sh - "make install" under a scratch DESTDIR: the systemd units
# run what it installs (the shipped units in its /etc/systemd/system, every
# command they run checked by "systemd-analyze verify --root"),
# relaytab-table.service creates the table (65536 slots, as the README says)
# when it is missing and both services require it, each service runs as the
# relaytab user and "systemd-analyze security" rates it 2.0 or less ("OK"
# or "SAFE"), no libtool archive lands in Dovecot's module directory, and
# "make uninstall" takes every file away again.
. "$top_srcdir/tests/tap.sh"
root=$T/root
env -u MAKEFLAGS -u MFLAGS -u MAKELEVEL make -s -C "$top_builddir" install DESTDIR="$root" \
	>"$T/install.log" 2>&1 || { cat "$T/install.log"; bail "make install DESTDIR failed"; }
sbin=$(find "$root" -path '*/sbin/relaytab' -type f | head -n 1)
ok "make install installs relaytab (in ${sbin#"$root"})" [ -x "$sbin" ]
examples=$(dirname "$(find "$root" -name relaytab-watch.service | head -n 1)")
mkdir -p "$root/etc/systemd/system" "$root/bin"
cp "$examples"/relaytab-*.service "$examples"/relaytab-*.socket "$root/etc/systemd/system/"
# what the units run besides relaytab, so that only relaytab's path is judged
cp -L /bin/sh "$root/bin/sh"
cp -L /bin/kill "$root/bin/kill"
units=$root/etc/systemd/system
for unit in relaytab-table.service relaytab-watch.service relaytab-serve.service; do
	command -v systemd-analyze >/dev/null || { skip 4 "systemd-analyze is not installed"; continue; }
	out=$(systemd-analyze verify --root="$root" "$units/$unit" 2>&1 |
		grep -i 'not executable\|no such file')
	is "$out" "" "$unit: every command it runs exists after make install"
	is "$(sed -n 's/^User=//p' "$units/$unit")" relaytab "$unit: runs as the relaytab user"
	exposure=$(systemd-analyze security --offline=yes --root="$root" "$units/$unit" 2>&1 |
		sed -n 's/.*Overall exposure level for [^:]*: \([0-9.]*\) .*/\1/p')
	like "$exposure" '^(0|1)\.[0-9]$|^2\.0$' "$unit: systemd-analyze security rates it 2.0 or less ($exposure)"
	case $unit in
	relaytab-table.service)
		like "$(grep -c "^ExecStart=.*${sbin#"$root"} --table /run/relaytab/table create --capacity 65536 " \
			"$units/$unit")" '^1$' "$unit: creates a missing table, 65536 slots" ;;
	*)	like "$(grep -c '^Requires=.*relaytab-table.service' "$units/$unit")" '^1$' \
			"$unit: requires relaytab-table.service (the table at boot)" ;;
	esac
done
is "$(find "$root" -name '*.la' | sed "s|^$root||")" "" "no .la file installed (Dovecot's module dir holds only the .so)"
ok "the plugin is installed" [ -n "$(find "$root" -name lib95_relaytab_plugin.so)" ]
rm -rf "$root/etc/systemd" "$root/bin"
env -u MAKEFLAGS -u MFLAGS -u MAKELEVEL make -s -C "$top_builddir" uninstall DESTDIR="$root" \
	>"$T/uninstall.log" 2>&1
is "$?" 0 "make uninstall succeeds"
is "$(find "$root" -type f -o -type l | sed "s|^$root||")" "" "... and leaves no file behind"
tap_done
