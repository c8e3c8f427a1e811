#!/bin/sh
# lint.sh - the manual pages format without a single groff warning.
. "$top_srcdir/tests/tap.sh"
command -v groff >/dev/null || skip_all "groff is not installed"
for page in relaytab.8 relaytab.5 relaytab-dovecot.7; do
	out=$(groff -t -man -ww -z "$top_srcdir/man/$page" 2>&1)
	is "$out" "" "man/$page formats without warnings"
done
tap_done
