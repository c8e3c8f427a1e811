# relaytab/compiler/compiler.mk - the map compiler: liveset (input), keysets and
# emitters (outputs), settings; and the tests of its two commands.
RELAYTAB_COMPILER_SOURCES += relaytab/compiler/liveset.c relaytab/compiler/liveset.h \
	relaytab/compiler/keyset.c relaytab/compiler/keyset.h relaytab/compiler/emit.h relaytab/compiler/emit.c \
	relaytab/compiler/emit-cdb.c relaytab/compiler/emit-db.c relaytab/compiler/emit-text.c relaytab/compiler/emit-tcprules.c \
	relaytab/compiler/emit-exim.c relaytab/compiler/emit-opensmtpd.c \
	relaytab/compiler/compile.c relaytab/compiler/compile.h relaytab/compiler/compile-conf.c

check_PROGRAMS += tests/compiler/test-compiler
TESTS += tests/compiler/test-compiler
tests_compiler_test_compiler_SOURCES = tests/compiler/test-compiler.c $(TABLE_TEST_HELPERS)
tests_compiler_test_compiler_CFLAGS = $(TABLE_TEST_CFLAGS)
tests_compiler_test_compiler_LDFLAGS = $(SAN_LDFLAGS)
tests_compiler_test_compiler_LDADD = $(TABLE_TEST_LIBS)
check_PROGRAMS += tests/compiler/test-one-rule
TESTS += tests/compiler/test-one-rule
tests_compiler_test_one_rule_SOURCES = tests/compiler/test-one-rule.c \
	tests/core/postfix-emul.c tests/core/postfix-emul.h tests/core/prop-util.h \
	$(TABLE_TEST_HELPERS)
tests_compiler_test_one_rule_CFLAGS = $(TABLE_TEST_CFLAGS)
tests_compiler_test_one_rule_LDFLAGS = $(SAN_LDFLAGS)
tests_compiler_test_one_rule_LDADD = $(TABLE_TEST_LIBS)
TESTS += tests/compiler/compile.sh tests/compiler/watch.sh tests/compiler/watch-damage.sh \
	tests/compiler/tcprules.sh
EXTRA_DIST += tests/compiler/compile.sh tests/compiler/watch.sh tests/compiler/tcprules.sh \
	tests/compiler/watch-damage.sh
