# plugin/plugin.mk - the Dovecot post-login plugin lib95_relaytab_plugin.so
# and its unit test. Links only the table core of the library (no cdb/db).
module_LTLIBRARIES += plugin/lib95_relaytab_plugin.la
plugin_lib95_relaytab_plugin_la_SOURCES = plugin/relaytab-plugin.c \
	plugin/relaytab-plugin.h plugin/relaytab-settings.c \
	plugin/relaytab-settings.h plugin/relaytab-decide.c plugin/relaytab-decide.h
plugin_lib95_relaytab_plugin_la_CPPFLAGS = -I$(top_srcdir)/relaytab/core \
	-I$(top_srcdir)/plugin $(LIBDOVECOT_INCLUDE)
plugin_lib95_relaytab_plugin_la_CFLAGS = $(AM_CFLAGS) $(URCU_CFLAGS)
plugin_lib95_relaytab_plugin_la_LDFLAGS = -module -avoid-version \
	-export-symbols-regex '^relaytab_plugin_(init|deinit|version)$$'
plugin_lib95_relaytab_plugin_la_LIBADD = librelaytab-core.la

check_PROGRAMS += tests/plugin/test-decide
TESTS += tests/plugin/test-decide
tests_plugin_test_decide_SOURCES = tests/plugin/test-decide.c \
	plugin/relaytab-decide.c
tests_plugin_test_decide_CFLAGS = $(AM_CFLAGS) $(SAN_CFLAGS) \
	-I$(top_srcdir)/plugin -I$(top_srcdir)/tests
tests_plugin_test_decide_LDFLAGS = $(SAN_LDFLAGS)
tests_plugin_test_decide_LDADD = $(RELAYTAB_SAN_LIBS) tests/libtap.la

example_DATA += dovecot-conf/95-relaytab.conf
EXTRA_DIST += dovecot-conf/95-relaytab.conf

TESTS += tests/plugin/dovecot.sh
EXTRA_DIST += tests/plugin/dovecot.sh tests/lib/dovecot-env.sh tests/lib/mailclient.py
