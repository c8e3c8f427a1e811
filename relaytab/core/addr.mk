# relaytab/core/addr.mk - addresses, network lists, durations, services, user
# names, MTA map keys, and their unit tests.
RELAYTAB_LIB_SOURCES += relaytab/core/addr.c relaytab/core/addr.h relaytab/core/netlist.c \
	relaytab/core/duration.c relaytab/core/service.c relaytab/core/user.c relaytab/core/duration.h relaytab/core/service.h relaytab/core/user.h \
	relaytab/core/mapkeys.c relaytab/core/mapkeys.h \
	relaytab/core/relay-rule.c relaytab/core/relay-rule.h

ADDR_TEST_CFLAGS = $(AM_CFLAGS) $(SAN_CFLAGS) -I$(top_srcdir)/tests
ADDR_TEST_LIBS = $(RELAYTAB_SAN_LIBS) tests/libtap.la

ADDR_TESTS = tests/core/test-addr tests/core/test-netlist tests/core/test-util \
	tests/core/test-mapkeys tests/core/test-mapkeys-prop
check_PROGRAMS += $(ADDR_TESTS)
TESTS += $(ADDR_TESTS)

tests_core_test_addr_SOURCES = tests/core/test-addr.c
tests_core_test_addr_CFLAGS = $(ADDR_TEST_CFLAGS)
tests_core_test_addr_LDFLAGS = $(SAN_LDFLAGS)
tests_core_test_addr_LDADD = $(ADDR_TEST_LIBS)

tests_core_test_netlist_SOURCES = tests/core/test-netlist.c
tests_core_test_netlist_CFLAGS = $(ADDR_TEST_CFLAGS)
tests_core_test_netlist_LDFLAGS = $(SAN_LDFLAGS)
tests_core_test_netlist_LDADD = $(ADDR_TEST_LIBS)

tests_core_test_util_SOURCES = tests/core/test-util.c
tests_core_test_util_CFLAGS = $(ADDR_TEST_CFLAGS)
tests_core_test_util_LDFLAGS = $(SAN_LDFLAGS)
tests_core_test_util_LDADD = $(ADDR_TEST_LIBS)

tests_core_test_mapkeys_SOURCES = tests/core/test-mapkeys.c \
	tests/core/postfix-emul.c tests/core/postfix-emul.h
tests_core_test_mapkeys_CFLAGS = $(ADDR_TEST_CFLAGS)
tests_core_test_mapkeys_LDFLAGS = $(SAN_LDFLAGS)
tests_core_test_mapkeys_LDADD = $(ADDR_TEST_LIBS)

# The property test of the Postfix prefix keys; RT_PROP_SCALE=20 for a
# longer run (make check-mapkeys-long).
tests_core_test_mapkeys_prop_SOURCES = tests/core/test-mapkeys-prop.c \
	tests/core/postfix-emul.c tests/core/postfix-emul.h tests/core/prop-util.h
tests_core_test_mapkeys_prop_CFLAGS = $(ADDR_TEST_CFLAGS)
tests_core_test_mapkeys_prop_LDFLAGS = $(SAN_LDFLAGS)
tests_core_test_mapkeys_prop_LDADD = $(ADDR_TEST_LIBS)

check-mapkeys-long: tests/core/test-mapkeys-prop
	RT_PROP_SCALE=20 ./tests/core/test-mapkeys-prop
.PHONY: check-mapkeys-long

# Fuzz targets (libFuzzer's LLVMFuzzerTestOneInput). make check replays the
# checked-in corpora through tests/fuzz/fuzz-replay.c; with --with-fuzzer
# (CC=clang) the real libFuzzer binaries *_libfuzzer are built too:
#   tests/fuzz/fuzz_addr_libfuzzer -max_total_time=60 CORPUS_COPY_DIR
check_PROGRAMS += tests/fuzz/fuzz_addr tests/fuzz/fuzz_netlist
TESTS += tests/core/fuzz-addr.sh tests/core/fuzz-netlist.sh
dist_noinst_SCRIPTS += tests/core/fuzz-addr.sh tests/core/fuzz-netlist.sh
EXTRA_DIST += tests/fuzz/addr.in tests/fuzz/netlist.in

tests_fuzz_fuzz_addr_SOURCES = tests/fuzz/fuzz_addr.c tests/fuzz/fuzz-replay.c
tests_fuzz_fuzz_addr_CFLAGS = $(AM_CFLAGS) $(SAN_CFLAGS)
tests_fuzz_fuzz_addr_LDFLAGS = $(SAN_LDFLAGS)
tests_fuzz_fuzz_addr_LDADD = $(RELAYTAB_SAN_LIBS)

tests_fuzz_fuzz_netlist_SOURCES = tests/fuzz/fuzz_netlist.c \
	tests/fuzz/fuzz-replay.c
tests_fuzz_fuzz_netlist_CFLAGS = $(AM_CFLAGS) $(SAN_CFLAGS)
tests_fuzz_fuzz_netlist_LDFLAGS = $(SAN_LDFLAGS)
tests_fuzz_fuzz_netlist_LDADD = $(RELAYTAB_SAN_LIBS)

if LIBFUZZER
noinst_PROGRAMS += tests/fuzz/fuzz_addr_libfuzzer \
	tests/fuzz/fuzz_netlist_libfuzzer
tests_fuzz_fuzz_addr_libfuzzer_SOURCES = tests/fuzz/fuzz_addr.c \
	$(RELAYTAB_LIB_SOURCES)
tests_fuzz_fuzz_addr_libfuzzer_CFLAGS = $(AM_CFLAGS) \
	-fsanitize=fuzzer,address,undefined
tests_fuzz_fuzz_addr_libfuzzer_LDFLAGS = -fsanitize=fuzzer,address,undefined
tests_fuzz_fuzz_addr_libfuzzer_LDADD = $(CDB_LIBS) $(DB_LIBS) $(URCU_LIBS)
tests_fuzz_fuzz_netlist_libfuzzer_SOURCES = tests/fuzz/fuzz_netlist.c \
	$(RELAYTAB_LIB_SOURCES)
tests_fuzz_fuzz_netlist_libfuzzer_CFLAGS = $(AM_CFLAGS) \
	-fsanitize=fuzzer,address,undefined
tests_fuzz_fuzz_netlist_libfuzzer_LDFLAGS = \
	-fsanitize=fuzzer,address,undefined
tests_fuzz_fuzz_netlist_libfuzzer_LDADD = $(CDB_LIBS) $(DB_LIBS) $(URCU_LIBS)
endif
