# sendmail-env.sh - Sendmail for the tests, unpacked from Debian's .debs
# (it conflicts with postfix as a package): apt-get download + dpkg-deb -x
# into $top_builddir/tests/cache/sendmail, once. Sourced after tests/tap.sh.
#
#   sendmail_unpack          sets SM_ROOT, SM_BIN, SM_CF (skips if impossible)
#   sendmail_cf MC OUT       builds a .cf from a .mc with the project's HACK

sendmail_unpack() {
	SM_ROOT=$top_builddir/tests/cache/sendmail
	SM_BIN=$SM_ROOT/usr/libexec/sendmail
	SM_CF=$SM_ROOT/usr/share/sendmail/cf
	if [ ! -x "$SM_BIN/sendmail" ]; then
		mkdir -p "$SM_ROOT.debs" || skip_all "cannot create the Sendmail cache"
		(cd "$SM_ROOT.debs" && apt-get download sendmail-bin sendmail-cf \
			sendmail-base libmilter1.0.1 >/dev/null 2>&1) ||
			skip_all "cannot download Sendmail's .debs (apt-get download failed)"
		for deb in "$SM_ROOT.debs"/*.deb; do
			dpkg-deb -x "$deb" "$SM_ROOT" || skip_all "dpkg-deb -x $deb failed"
		done
	fi
	[ -x "$SM_BIN/sendmail" ] || skip_all "no sendmail binary in the unpacked .debs"
	cp "$top_srcdir/sendmail/hack/relaytab.m4" "$SM_CF/hack/relaytab.m4"
}

sendmail_cf() {
	m4 -D_CF_DIR_="$SM_CF/" "$SM_CF/m4/cf.m4" "$1" > "$2" ||
		bail "m4 could not build $2 from $1"
}
