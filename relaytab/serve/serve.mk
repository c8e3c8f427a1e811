# relaytab/serve/serve.mk - live lookups: the socketmap and policy protocols and lookup logic
# (library, unit-tested) and "relaytab serve" (the daemon around them).
RELAYTAB_COMPILER_SOURCES += relaytab/serve/netstring.c relaytab/serve/netstring.h \
	relaytab/serve/lookup.c relaytab/serve/lookup.h relaytab/serve/socketmap.c relaytab/serve/socketmap.h \
	relaytab/serve/policy.c relaytab/serve/policy.h
relaytab_relaytab_SOURCES += relaytab/serve/serve.h \
	relaytab/serve/serve-priv.h relaytab/serve/serve-conf.c \
	relaytab/serve/serve-listen.c relaytab/serve/serve-peer.c relaytab/serve/serve-loop.c

TESTS += tests/serve/serve.sh tests/serve/policy.sh tests/serve/limits.sh
EXTRA_DIST += tests/serve/serve.sh tests/serve/policy.sh tests/serve/limits.sh tests/serve/limits-tcp.py tests/serve/smclient.py

check_PROGRAMS += tests/serve/test-socketmap tests/serve/test-policy tests/fuzz/fuzz_socketmap \
	tests/fuzz/fuzz_policy
TESTS += tests/serve/test-socketmap tests/serve/test-policy tests/serve/fuzz-socketmap.sh \
	tests/serve/fuzz-policy.sh
dist_noinst_SCRIPTS += tests/serve/fuzz-socketmap.sh tests/serve/fuzz-policy.sh
EXTRA_DIST += tests/fuzz/socketmap.in tests/fuzz/policy.in
tests_serve_test_socketmap_SOURCES = tests/serve/test-socketmap.c
tests_serve_test_socketmap_CFLAGS = $(AM_CFLAGS) $(SAN_CFLAGS) $(URCU_CFLAGS) -I$(top_srcdir)/tests
tests_serve_test_socketmap_LDFLAGS = $(SAN_LDFLAGS)
tests_serve_test_socketmap_LDADD = $(RELAYTAB_SAN_LIBS) tests/libtap.la

tests_serve_test_policy_SOURCES = tests/serve/test-policy.c
tests_serve_test_policy_CFLAGS = $(AM_CFLAGS) $(SAN_CFLAGS) $(URCU_CFLAGS) -I$(top_srcdir)/tests
tests_serve_test_policy_LDFLAGS = $(SAN_LDFLAGS)
tests_serve_test_policy_LDADD = $(RELAYTAB_SAN_LIBS) tests/libtap.la

tests_fuzz_fuzz_socketmap_SOURCES = tests/fuzz/fuzz_socketmap.c tests/fuzz/fuzz-replay.c
tests_fuzz_fuzz_socketmap_CFLAGS = $(AM_CFLAGS) $(SAN_CFLAGS) $(URCU_CFLAGS)
tests_fuzz_fuzz_socketmap_LDFLAGS = $(SAN_LDFLAGS)
tests_fuzz_fuzz_socketmap_LDADD = $(RELAYTAB_SAN_LIBS)

if LIBFUZZER
noinst_PROGRAMS += tests/fuzz/fuzz_socketmap_libfuzzer
tests_fuzz_fuzz_socketmap_libfuzzer_SOURCES = tests/fuzz/fuzz_socketmap.c \
	$(RELAYTAB_LIB_SOURCES) $(RELAYTAB_COMPILER_SOURCES)
tests_fuzz_fuzz_socketmap_libfuzzer_CFLAGS = $(AM_CFLAGS) $(URCU_CFLAGS) $(CDB_CFLAGS) \
	-fsanitize=fuzzer,address,undefined
tests_fuzz_fuzz_socketmap_libfuzzer_LDFLAGS = -fsanitize=fuzzer,address,undefined
tests_fuzz_fuzz_socketmap_libfuzzer_LDADD = $(CDB_LIBS) $(DB_LIBS) $(URCU_LIBS)
endif

tests_fuzz_fuzz_policy_SOURCES = tests/fuzz/fuzz_policy.c tests/fuzz/fuzz-replay.c
tests_fuzz_fuzz_policy_CFLAGS = $(AM_CFLAGS) $(SAN_CFLAGS) $(URCU_CFLAGS)
tests_fuzz_fuzz_policy_LDFLAGS = $(SAN_LDFLAGS)
tests_fuzz_fuzz_policy_LDADD = $(RELAYTAB_SAN_LIBS)
