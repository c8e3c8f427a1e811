# tcpserver-env.sh - tcpserver and tcprulescheck for the tests, unpacked
# from Debian 12's .debs: ucspi-tcp 0.88 (IPv4 only) and ucspi-tcp-ipv6
# (the same with IPv6), which conflict with each other as packages: apt-get
# download + dpkg-deb -x into $top_builddir/tests/cache/, once. Sourced
# after tests/tap.sh.
#
#   tcpserver_unpack    sets TS4 and TS6, the two builds' bin directories
#                       (skips the test if they cannot be had)

tcpserver_unpack() {
	_c=$top_builddir/tests/cache
	for _p in ucspi-tcp ucspi-tcp-ipv6; do
		if [ ! -x "$_c/$_p/usr/bin/tcpserver" ]; then
			mkdir -p "$_c/$_p.debs" || skip_all "cannot create $_c/$_p.debs"
			(cd "$_c/$_p.debs" && apt-get download "$_p" >/dev/null 2>&1) ||
				skip_all "cannot download $_p (apt-get download failed)"
			for _d in "$_c/$_p.debs"/*.deb; do
				dpkg-deb -x "$_d" "$_c/$_p" || skip_all "dpkg-deb -x $_d failed"
			done
		fi
		[ -x "$_c/$_p/usr/bin/tcpserver" ] || skip_all "no tcpserver in the unpacked $_p"
	done
	TS4=$_c/ucspi-tcp/usr/bin
	TS6=$_c/ucspi-tcp-ipv6/usr/bin
}
