# relaytab/addr.mk - addresses, network lists, small parsers, MTA map keys,
# and their unit tests.
RELAYTAB_LIB_SOURCES += relaytab/addr.c relaytab/addr.h relaytab/netlist.c \
	relaytab/duration.c relaytab/service.c relaytab/user.c relaytab/util.h \
	relaytab/mapkeys.c relaytab/mapkeys.h

ADDR_TEST_CFLAGS = $(AM_CFLAGS) $(SAN_CFLAGS) -I$(top_srcdir)/tests
ADDR_TEST_LIBS = $(RELAYTAB_SAN_LIBS) tests/libtap.la

ADDR_TESTS = tests/addr/test-addr tests/addr/test-netlist tests/addr/test-util \
	tests/addr/test-mapkeys tests/addr/test-mapkeys-prop
check_PROGRAMS += $(ADDR_TESTS)
TESTS += $(ADDR_TESTS)

tests_addr_test_addr_SOURCES = tests/addr/test-addr.c
tests_addr_test_addr_CFLAGS = $(ADDR_TEST_CFLAGS)
tests_addr_test_addr_LDFLAGS = $(SAN_LDFLAGS)
tests_addr_test_addr_LDADD = $(ADDR_TEST_LIBS)

tests_addr_test_netlist_SOURCES = tests/addr/test-netlist.c
tests_addr_test_netlist_CFLAGS = $(ADDR_TEST_CFLAGS)
tests_addr_test_netlist_LDFLAGS = $(SAN_LDFLAGS)
tests_addr_test_netlist_LDADD = $(ADDR_TEST_LIBS)

tests_addr_test_util_SOURCES = tests/addr/test-util.c
tests_addr_test_util_CFLAGS = $(ADDR_TEST_CFLAGS)
tests_addr_test_util_LDFLAGS = $(SAN_LDFLAGS)
tests_addr_test_util_LDADD = $(ADDR_TEST_LIBS)

tests_addr_test_mapkeys_SOURCES = tests/addr/test-mapkeys.c \
	tests/addr/postfix-emul.c tests/addr/postfix-emul.h
tests_addr_test_mapkeys_CFLAGS = $(ADDR_TEST_CFLAGS)
tests_addr_test_mapkeys_LDFLAGS = $(SAN_LDFLAGS)
tests_addr_test_mapkeys_LDADD = $(ADDR_TEST_LIBS)

# The property test of the Postfix prefix keys; RT_PROP_SCALE=20 for a
# longer run (make check-mapkeys-long).
tests_addr_test_mapkeys_prop_SOURCES = tests/addr/test-mapkeys-prop.c \
	tests/addr/postfix-emul.c tests/addr/postfix-emul.h
tests_addr_test_mapkeys_prop_CFLAGS = $(ADDR_TEST_CFLAGS)
tests_addr_test_mapkeys_prop_LDFLAGS = $(SAN_LDFLAGS)
tests_addr_test_mapkeys_prop_LDADD = $(ADDR_TEST_LIBS)

check-mapkeys-long: tests/addr/test-mapkeys-prop
	RT_PROP_SCALE=20 ./tests/addr/test-mapkeys-prop
.PHONY: check-mapkeys-long
