# tests/tests.mk - the test harness shared by every test program.
check_LTLIBRARIES += tests/libtap.la
tests_libtap_la_SOURCES = tests/tap.c tests/tap.h
tests_libtap_la_CFLAGS = $(AM_CFLAGS) $(SAN_CFLAGS)
EXTRA_DIST += tests/tap.sh
