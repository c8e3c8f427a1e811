# relaytab/core/lib.mk - the relaytab library. The core (table, addresses,
# small parsers: RELAYTAB_LIB_SOURCES) is all the Dovecot plugin links; the
# compiler (RELAYTAB_COMPILER_SOURCES: liveset, emitters, needing tinycdb
# and libdb) is added for the CLI. A third build, with the sanitizers, is
# linked by the unit, fault and fuzz test binaries. Fragments append their
# sources to the two lists.
RELAYTAB_LIB_SOURCES = relaytab/core/err.c relaytab/core/err.h \
	relaytab/core/publish.c relaytab/core/publish.h \
	relaytab/core/conf-file.c relaytab/core/conf-file.h \
	relaytab/core/array.c relaytab/core/array.h \
	relaytab/core/group.c relaytab/core/group.h
RELAYTAB_COMPILER_SOURCES =
noinst_LTLIBRARIES += librelaytab-core.la librelaytab.la
check_LTLIBRARIES += librelaytab-san.la
librelaytab_core_la_SOURCES = $(RELAYTAB_LIB_SOURCES)
librelaytab_core_la_CPPFLAGS = $(RT_CORE_CPPFLAGS)
librelaytab_core_la_CFLAGS = $(AM_CFLAGS) $(URCU_CFLAGS)
librelaytab_la_SOURCES = $(RELAYTAB_COMPILER_SOURCES)
librelaytab_la_CPPFLAGS = $(RT_SERVE_CPPFLAGS)
librelaytab_la_CFLAGS = $(AM_CFLAGS) $(URCU_CFLAGS) $(CDB_CFLAGS)
librelaytab_la_LIBADD = librelaytab-core.la
librelaytab_san_la_SOURCES = $(RELAYTAB_LIB_SOURCES) $(RELAYTAB_COMPILER_SOURCES)
librelaytab_san_la_CFLAGS = $(AM_CFLAGS) $(URCU_CFLAGS) $(CDB_CFLAGS) $(SAN_CFLAGS)
RELAYTAB_LIBS = librelaytab.la $(CDB_LIBS) $(DB_LIBS) $(URCU_LIBS)
RELAYTAB_SAN_LIBS = librelaytab-san.la $(CDB_LIBS) $(DB_LIBS) $(URCU_LIBS)
noinst_HEADERS += relaytab/core/table.h relaytab/core/addr.h relaytab/core/mapkeys.h
