# plugin/plugin.mk - the Dovecot post-login plugin lib95_relaytab_plugin.so
# (for the Dovecot configure found: 2.3 or 2.4), on 2.4 also the settings
# module librelaytab_settings.so, and the plugin's unit test. Both link
# only the table core of the library (no cdb/db). Only the settings code
# differs between the versions (relaytab-settings-23.c / -24.c).
RT_PLUGIN_CPPFLAGS = -I$(top_srcdir)/relaytab/core -I$(top_srcdir)/plugin \
	$(LIBDOVECOT_INCLUDE)
module_LTLIBRARIES += plugin/lib95_relaytab_plugin.la
plugin_lib95_relaytab_plugin_la_SOURCES = plugin/relaytab-plugin.c \
	plugin/relaytab-plugin.h plugin/relaytab-settings.h \
	plugin/relaytab-settings-parse.c \
	plugin/relaytab-decide.c plugin/relaytab-decide.h
plugin_lib95_relaytab_plugin_la_CPPFLAGS = $(RT_PLUGIN_CPPFLAGS)
plugin_lib95_relaytab_plugin_la_CFLAGS = $(AM_CFLAGS) $(URCU_CFLAGS)
plugin_lib95_relaytab_plugin_la_LDFLAGS = -module -avoid-version \
	-export-symbols-regex '^relaytab_plugin_(init|deinit|version)$$'
plugin_lib95_relaytab_plugin_la_LIBADD = librelaytab-core.la
if DOVECOT_24
plugin_lib95_relaytab_plugin_la_SOURCES += plugin/relaytab-settings-24.c \
	plugin/relaytab-settings-24.h plugin/relaytab-settings-info-24.c
# always Dovecot's own: its config process loads settings modules from its
# compiled-in MODULEDIR/settings only, whatever --with-moduledir says
settingsdir = $(dovecot_moduledir)/settings
settings_LTLIBRARIES = plugin/librelaytab_settings.la
plugin_librelaytab_settings_la_SOURCES = plugin/relaytab-settings-module.c \
	plugin/relaytab-settings-info-24.c plugin/relaytab-settings-24.h \
	plugin/relaytab-settings-parse.c plugin/relaytab-settings.h
plugin_librelaytab_settings_la_CPPFLAGS = $(RT_PLUGIN_CPPFLAGS)
plugin_librelaytab_settings_la_CFLAGS = $(AM_CFLAGS) $(URCU_CFLAGS)
plugin_librelaytab_settings_la_LDFLAGS = -module -avoid-version \
	-export-symbols-regex '^relaytab_settings_(version|set_infos)$$'
plugin_librelaytab_settings_la_LIBADD = librelaytab-core.la
else
plugin_lib95_relaytab_plugin_la_SOURCES += plugin/relaytab-settings-23.c
endif
EXTRA_DIST += plugin/relaytab-settings-23.c plugin/relaytab-settings-24.c \
	plugin/relaytab-settings-24.h plugin/relaytab-settings-info-24.c \
	plugin/relaytab-settings-module.c

check_PROGRAMS += tests/plugin/test-decide
TESTS += tests/plugin/test-decide
tests_plugin_test_decide_SOURCES = tests/plugin/test-decide.c \
	plugin/relaytab-decide.c
tests_plugin_test_decide_CFLAGS = $(AM_CFLAGS) $(SAN_CFLAGS) \
	-I$(top_srcdir)/plugin -I$(top_srcdir)/tests
tests_plugin_test_decide_LDFLAGS = $(SAN_LDFLAGS)
tests_plugin_test_decide_LDADD = $(RELAYTAB_SAN_LIBS) tests/libtap.la

# the conf.d snippet of the Dovecot built for (installed as 95-relaytab.conf)
if DOVECOT_24
dovecot24confdir = $(exampledir)/dovecot-2.4
dovecot24conf_DATA = dovecot-conf/2.4/95-relaytab.conf
else
dovecot23confdir = $(exampledir)/dovecot-2.3
dovecot23conf_DATA = dovecot-conf/2.3/95-relaytab.conf
endif
EXTRA_DIST += dovecot-conf/2.3/95-relaytab.conf dovecot-conf/2.4/95-relaytab.conf

TESTS += tests/plugin/dovecot.sh
EXTRA_DIST += tests/plugin/dovecot.sh tests/lib/dovecot-env.sh tests/lib/mailclient.py

# Dovecot loads the .so; the libtool archive libtool installs beside it is
# of no use there (Debian's own modules ship none), so it is removed, and
# uninstall (which would read it to find the .so) removes the .so itself.
install-data-hook: install-plugin-drop-la
install-plugin-drop-la:
	rm -f $(DESTDIR)$(moduledir)/lib95_relaytab_plugin.la
if DOVECOT_24
	rm -f $(DESTDIR)$(settingsdir)/librelaytab_settings.la
endif
uninstall-local: uninstall-plugin-so
uninstall-plugin-so:
	rm -f $(DESTDIR)$(moduledir)/lib95_relaytab_plugin.so
if DOVECOT_24
	rm -f $(DESTDIR)$(settingsdir)/librelaytab_settings.so
endif
.PHONY: install-plugin-drop-la uninstall-plugin-so
