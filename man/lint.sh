#!/bin/sh
# lint.sh - the manual pages format without a single groff warning, and
# fit an 80-column terminal.
. "$top_srcdir/tests/tap.sh"
command -v groff >/dev/null || skip_all "groff is not installed"
for page in relaytab.8 relaytab.5 relaytab-dovecot.7; do
	out=$(groff -t -man -ww -z "$top_srcdir/man/$page" 2>&1)
	is "$out" "" "man/$page formats without warnings"
	widest=$(groff -t -man -Tascii -rLL=78n -P-cbou "$top_srcdir/man/$page" 2>/dev/null |
		awk '{ if (length > m) m = length } END { print m + 0 }')
	ok "man/$page is at most 78 columns wide at 80 (widest line: $widest)" [ "$widest" -le 78 ]
done
tap_done
