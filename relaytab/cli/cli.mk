# relaytab/cli/cli.mk - the relaytab command: global options, one file per
# subcommand. It is built at relaytab/relaytab; serve.mk adds the daemon
# loop of "relaytab serve" to it.
sbin_PROGRAMS += relaytab/relaytab
relaytab_relaytab_SOURCES = relaytab/cli/main.c relaytab/cli/cli.h \
	relaytab/cli/cli-util.c relaytab/cli/cmd-create.c relaytab/cli/cmd-add.c \
	relaytab/cli/cmd-del.c relaytab/cli/cmd-query.c relaytab/cli/cmd-list.c \
	relaytab/cli/cmd-stats.c relaytab/cli/cmd-compile.c relaytab/cli/cmd-watch.c \
	relaytab/cli/cmd-serve.c relaytab/cli/settings.c relaytab/cli/settings.h
relaytab_relaytab_CFLAGS = $(AM_CFLAGS) $(URCU_CFLAGS) $(CDB_CFLAGS)
relaytab_relaytab_LDADD = $(RELAYTAB_LIBS)

TESTS += tests/cli/cli.sh tests/cli/settings.sh tests/cli/install.sh
EXTRA_DIST += tests/cli/cli.sh tests/cli/settings.sh tests/cli/install.sh
