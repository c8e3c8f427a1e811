# relaytab/lib.mk - the relaytab library (table, addresses, compiler core),
# built twice: plain for the CLI and the Dovecot plugin, and with the
# sanitizers for the unit, fault and fuzz test binaries. The other fragments
# add their library sources to RELAYTAB_LIB_SOURCES.
RELAYTAB_LIB_SOURCES = relaytab/err.c relaytab/err.h
noinst_LTLIBRARIES += librelaytab.la
check_LTLIBRARIES += librelaytab-san.la
librelaytab_la_SOURCES = $(RELAYTAB_LIB_SOURCES)
librelaytab_la_CFLAGS = $(AM_CFLAGS) $(URCU_CFLAGS) $(CDB_CFLAGS)
librelaytab_san_la_SOURCES = $(RELAYTAB_LIB_SOURCES)
librelaytab_san_la_CFLAGS = $(AM_CFLAGS) $(URCU_CFLAGS) $(CDB_CFLAGS) $(SAN_CFLAGS)
RELAYTAB_LIBS = librelaytab.la $(CDB_LIBS) $(DB_LIBS) $(URCU_LIBS)
RELAYTAB_SAN_LIBS = librelaytab-san.la $(CDB_LIBS) $(DB_LIBS) $(URCU_LIBS)
noinst_HEADERS += relaytab/table.h relaytab/addr.h relaytab/util.h relaytab/mapkeys.h
