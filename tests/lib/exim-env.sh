# exim-env.sh - Exim for the tests, unpacked from Debian 12's .debs (it
# conflicts with Postfix as a package): exim4-daemon-light, exim4-base and
# the libraries the host may lack, apt-get download + dpkg-deb -x into
# $top_builddir/tests/cache/exim, once. Debian's binary runs as the user
# "Debian-exim": exim_run runs a command in a mount namespace whose
# /etc/passwd and /etc/group also have that user (nothing on the host
# changes). Sourced after tests/tap.sh.
#
#   exim_unpack          unpacks it; skips the test if impossible
#   exim_run ARGS...     runs the unpacked exim4 with ARGS in that namespace
#                        (whose /usr/sbin is the unpacked one)

exim_unpack() {
	_r=$top_builddir/tests/cache/exim
	EXIM=$_r/usr/sbin/exim4
	if [ ! -x "$EXIM" ]; then
		mkdir -p "$_r.debs" || skip_all "cannot create $_r.debs"
		(cd "$_r.debs" && apt-get download exim4-daemon-light exim4-base libidn12 >/dev/null 2>&1) ||
			skip_all "cannot download Exim's .debs (apt-get download failed)"
		for _d in "$_r.debs"/*.deb; do
			dpkg-deb -x "$_d" "$_r" || skip_all "dpkg-deb -x $_d failed"
		done
	fi
	[ -x "$EXIM" ] || skip_all "no exim4 binary in the unpacked .debs"
	EXIM_LIBS=$_r/usr/lib/x86_64-linux-gnu
	(cat /etc/passwd; echo 'Debian-exim:x:64999:64999::/nonexistent:/usr/sbin/nologin') > "$T/exim-passwd"
	(cat /etc/group; echo 'Debian-exim:x:64999:') > "$T/exim-group"
	exim_run -C /dev/null -bV >/dev/null 2>&1 ||
		skip_all "the unpacked exim4 does not run here: $(exim_run -C /dev/null -bV 2>&1 | head -n 1)"
}

exim_run() {
	# the daemon re-execs itself by its built-in path, /usr/sbin/exim4:
	# there the namespace has the unpacked /usr/sbin
	${NETNS_EXEC:-} unshare -m sh -c 'mount --bind "$1" /etc/passwd && mount --bind "$2" /etc/group &&
		mount --bind "$3" /usr/sbin && shift 3 && LD_LIBRARY_PATH=$0 exec "$@"' \
		"$EXIM_LIBS" "$T/exim-passwd" "$T/exim-group" "$_r/usr/sbin" /usr/sbin/exim4 "$@"
}
