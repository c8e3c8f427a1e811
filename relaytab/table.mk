# relaytab/table.mk - the shared-memory table library and its tests.
RELAYTAB_LIB_SOURCES += relaytab/table-file.c relaytab/table-slot.c \
	relaytab/table-lock.c relaytab/table-guard.c relaytab/table-repair.c \
	relaytab/table-fair.c relaytab/table-window.c \
	relaytab/table-write.c relaytab/table-read.c \
	relaytab/siphash.c relaytab/siphash.h relaytab/crc32.c relaytab/crc32.h \
	relaytab/table-format.h relaytab/table-priv.h

# Tests of the table.
TABLE_TEST_CFLAGS = $(AM_CFLAGS) $(URCU_CFLAGS) $(SAN_CFLAGS) -I$(top_srcdir)/tests
TABLE_TEST_LIBS = $(RELAYTAB_SAN_LIBS) tests/libtap.la
TABLE_TEST_HELPERS = tests/table/table-test.c tests/table/table-test.h
check_PROGRAMS += tests/table/test-table tests/table/test-header tests/table/test-fault \
	tests/table/test-trust tests/table/test-window tests/table/test-owner
TESTS += tests/table/test-table tests/table/test-header tests/table/test-fault \
	tests/table/test-trust tests/table/test-window tests/table/test-owner
tests_table_test_table_SOURCES = tests/table/test-table.c $(TABLE_TEST_HELPERS)
tests_table_test_table_CFLAGS = $(TABLE_TEST_CFLAGS)
tests_table_test_table_LDFLAGS = $(SAN_LDFLAGS)
tests_table_test_table_LDADD = $(TABLE_TEST_LIBS)
tests_table_test_header_SOURCES = tests/table/test-header.c
tests_table_test_header_CFLAGS = $(TABLE_TEST_CFLAGS)
tests_table_test_header_LDFLAGS = $(SAN_LDFLAGS)
tests_table_test_header_LDADD = $(TABLE_TEST_LIBS)
tests_table_test_trust_SOURCES = tests/table/test-trust.c $(TABLE_TEST_HELPERS)
tests_table_test_trust_CFLAGS = $(TABLE_TEST_CFLAGS)
tests_table_test_trust_LDFLAGS = $(SAN_LDFLAGS)
tests_table_test_trust_LDADD = $(TABLE_TEST_LIBS)
tests_table_test_window_SOURCES = tests/table/test-window.c $(TABLE_TEST_HELPERS)
tests_table_test_window_CFLAGS = $(TABLE_TEST_CFLAGS)
tests_table_test_window_LDFLAGS = $(SAN_LDFLAGS)
tests_table_test_window_LDADD = $(TABLE_TEST_LIBS)
tests_table_test_owner_SOURCES = tests/table/test-owner.c $(TABLE_TEST_HELPERS)
tests_table_test_owner_CFLAGS = $(TABLE_TEST_CFLAGS)
tests_table_test_owner_LDFLAGS = $(SAN_LDFLAGS)
tests_table_test_owner_LDADD = $(TABLE_TEST_LIBS)
tests_table_test_fault_SOURCES = tests/table/test-fault.c
tests_table_test_fault_CFLAGS = $(TABLE_TEST_CFLAGS)
tests_table_test_fault_LDFLAGS = $(SAN_LDFLAGS)
tests_table_test_fault_LDADD = $(TABLE_TEST_LIBS)
# The hostile-writer torture (issue 11): runs the real relaytab binary.
check_PROGRAMS += tests/table/test-hostile
TESTS += tests/table/test-hostile
tests_table_test_hostile_SOURCES = tests/table/test-hostile.c
tests_table_test_hostile_CFLAGS = $(TABLE_TEST_CFLAGS)
tests_table_test_hostile_LDFLAGS = $(SAN_LDFLAGS)
tests_table_test_hostile_LDADD = $(TABLE_TEST_LIBS)

# The long fault-injection run (>= 10,000 kills), not part of make check.
torture: tests/table/test-fault tests/table/test-hostile relaytab/relaytab
	RT_FAULT_KILLS=10000 $(builddir)/tests/table/test-fault
	RT_HOSTILE_SECONDS=120 RELAYTAB=$(abs_builddir)/relaytab/relaytab \
		$(builddir)/tests/table/test-hostile
.PHONY: torture

# Fuzz target: arbitrary bytes as a table file; make check replays the corpus.
check_PROGRAMS += tests/fuzz/fuzz_table_open
TESTS += tests/table/fuzz-table-open.sh
dist_noinst_SCRIPTS += tests/table/fuzz-table-open.sh
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
