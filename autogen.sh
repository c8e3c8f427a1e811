#!/bin/sh
# autogen.sh - regenerate the build system from configure.ac and Makefile.am.
set -e
cd "$(dirname "$0")"
mkdir -p m4 build-aux
# Dovecot 2.4's dovecot.m4 requires this auxiliary file (its test wrapper,
# which relaytab does not use); empty is enough, and 2.3 ignores it.
[ -e build-aux/run-test.sh.in ] || : > build-aux/run-test.sh.in
autoreconf -fi
