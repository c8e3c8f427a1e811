# relaytab/cli.mk - the relaytab command.
sbin_PROGRAMS += relaytab/relaytab
relaytab_relaytab_SOURCES = relaytab/main.c relaytab/cli.h relaytab/cli-util.c \
	relaytab/cmd-create.c relaytab/cmd-add.c relaytab/cmd-del.c \
	relaytab/cmd-query.c relaytab/cmd-list.c relaytab/cmd-stats.c
relaytab_relaytab_CFLAGS = $(AM_CFLAGS) $(URCU_CFLAGS) $(CDB_CFLAGS)
relaytab_relaytab_LDADD = $(RELAYTAB_LIBS)

TESTS += tests/cli/cli.sh
EXTRA_DIST += tests/cli/cli.sh
