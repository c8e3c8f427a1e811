#!/bin/sh
# units.sh - the systemd units run what "make install" installs: install
# this build under a scratch DESTDIR, put the shipped units in its
# /etc/systemd/system, and let "systemd-analyze verify --root" check every
# command they run; both services create the table (65536 slots, as the
# README says) when it is missing.
. "$top_srcdir/tests/tap.sh"
command -v systemd-analyze >/dev/null || skip_all "systemd-analyze is not installed"
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
for unit in relaytab-watch.service relaytab-serve.service; do
	out=$(systemd-analyze verify --root="$root" "$root/etc/systemd/system/$unit" 2>&1 |
		grep -i 'not executable\|no such file')
	is "$out" "" "$unit: every command it runs exists after make install"
	like "$(grep -c "ExecStartPre=.*${sbin#"$root"} --table /run/relaytab/table create --capacity 65536 " \
		"$root/etc/systemd/system/$unit")" '^1$' "$unit: creates a missing table, 65536 slots"
done
tap_done
