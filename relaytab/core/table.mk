# relaytab/core/table.mk - the shared-memory table library and its tests.
RELAYTAB_LIB_SOURCES += relaytab/core/table-file.c relaytab/core/table-slot.c \
	relaytab/core/table-lock.c relaytab/core/table-guard.c relaytab/core/table-repair.c \
	relaytab/core/table-fair.c relaytab/core/table-window.c \
	relaytab/core/table-write.c relaytab/core/table-read.c \
	relaytab/core/siphash.c relaytab/core/siphash.h relaytab/core/crc32.c relaytab/core/crc32.h \
	relaytab/core/table-format.h relaytab/core/table-priv.h

# Tests of the table.
TABLE_TEST_CFLAGS = $(AM_CFLAGS) $(URCU_CFLAGS) $(SAN_CFLAGS) -I$(top_srcdir)/tests
TABLE_TEST_LIBS = $(RELAYTAB_SAN_LIBS) tests/libtap.la
TABLE_TEST_HELPERS = tests/core/table-test.c tests/core/table-test.h
check_PROGRAMS += tests/core/test-table tests/core/test-header tests/core/test-fault \
	tests/core/test-trust tests/core/test-window tests/core/test-owner tests/core/test-users
TESTS += tests/core/test-table tests/core/test-header tests/core/test-fault \
	tests/core/test-trust tests/core/test-window tests/core/test-owner tests/core/test-users
tests_core_test_table_SOURCES = tests/core/test-table.c $(TABLE_TEST_HELPERS)
tests_core_test_table_CFLAGS = $(TABLE_TEST_CFLAGS)
tests_core_test_table_LDFLAGS = $(SAN_LDFLAGS)
tests_core_test_table_LDADD = $(TABLE_TEST_LIBS)
tests_core_test_header_SOURCES = tests/core/test-header.c
tests_core_test_header_CFLAGS = $(TABLE_TEST_CFLAGS)
tests_core_test_header_LDFLAGS = $(SAN_LDFLAGS)
tests_core_test_header_LDADD = $(TABLE_TEST_LIBS)
tests_core_test_trust_SOURCES = tests/core/test-trust.c $(TABLE_TEST_HELPERS)
tests_core_test_trust_CFLAGS = $(TABLE_TEST_CFLAGS)
tests_core_test_trust_LDFLAGS = $(SAN_LDFLAGS)
tests_core_test_trust_LDADD = $(TABLE_TEST_LIBS)
tests_core_test_window_SOURCES = tests/core/test-window.c $(TABLE_TEST_HELPERS)
tests_core_test_window_CFLAGS = $(TABLE_TEST_CFLAGS)
tests_core_test_window_LDFLAGS = $(SAN_LDFLAGS)
tests_core_test_window_LDADD = $(TABLE_TEST_LIBS)
tests_core_test_owner_SOURCES = tests/core/test-owner.c $(TABLE_TEST_HELPERS)
tests_core_test_owner_CFLAGS = $(TABLE_TEST_CFLAGS)
tests_core_test_owner_LDFLAGS = $(SAN_LDFLAGS)
tests_core_test_owner_LDADD = $(TABLE_TEST_LIBS)
tests_core_test_users_SOURCES = tests/core/test-users.c tests/core/prop-util.h $(TABLE_TEST_HELPERS)
tests_core_test_users_CFLAGS = $(TABLE_TEST_CFLAGS)
tests_core_test_users_LDFLAGS = $(SAN_LDFLAGS)
tests_core_test_users_LDADD = $(TABLE_TEST_LIBS)
tests_core_test_fault_SOURCES = tests/core/test-fault.c
tests_core_test_fault_CFLAGS = $(TABLE_TEST_CFLAGS)
tests_core_test_fault_LDFLAGS = $(SAN_LDFLAGS)
tests_core_test_fault_LDADD = $(TABLE_TEST_LIBS)
# The hostile-writer torture (issue 11): runs the real relaytab binary.
check_PROGRAMS += tests/core/test-hostile
TESTS += tests/core/test-hostile
tests_core_test_hostile_SOURCES = tests/core/test-hostile.c
tests_core_test_hostile_CFLAGS = $(TABLE_TEST_CFLAGS)
tests_core_test_hostile_LDFLAGS = $(SAN_LDFLAGS)
tests_core_test_hostile_LDADD = $(TABLE_TEST_LIBS)

# The long fault-injection run (>= 10,000 kills), not part of make check.
torture: tests/core/test-fault tests/core/test-hostile relaytab/relaytab
	RT_FAULT_KILLS=10000 $(builddir)/tests/core/test-fault
	RT_HOSTILE_SECONDS=120 RELAYTAB=$(abs_builddir)/relaytab/relaytab \
		$(builddir)/tests/core/test-hostile
.PHONY: torture

# Fuzz target: arbitrary bytes as a table file; make check replays the corpus.
check_PROGRAMS += tests/fuzz/fuzz_table_open
TESTS += tests/core/fuzz-table-open.sh
dist_noinst_SCRIPTS += tests/core/fuzz-table-open.sh
EXTRA_DIST += tests/fuzz/table_open.in
tests_fuzz_fuzz_table_open_SOURCES = tests/fuzz/fuzz_table_open.c tests/fuzz/fuzz-replay.c
tests_fuzz_fuzz_table_open_CFLAGS = $(AM_CFLAGS) $(URCU_CFLAGS) $(SAN_CFLAGS)
tests_fuzz_fuzz_table_open_LDFLAGS = $(SAN_LDFLAGS)
tests_fuzz_fuzz_table_open_LDADD = $(RELAYTAB_SAN_LIBS)
if LIBFUZZER
noinst_PROGRAMS += tests/fuzz/fuzz_table_open_libfuzzer
tests_fuzz_fuzz_table_open_libfuzzer_SOURCES = tests/fuzz/fuzz_table_open.c \
	$(RELAYTAB_LIB_SOURCES)
tests_fuzz_fuzz_table_open_libfuzzer_CFLAGS = $(AM_CFLAGS) $(URCU_CFLAGS) \
	-fsanitize=fuzzer,address,undefined
tests_fuzz_fuzz_table_open_libfuzzer_LDFLAGS = -fsanitize=fuzzer,address,undefined
tests_fuzz_fuzz_table_open_libfuzzer_LDADD = $(URCU_LIBS)
endif
