# relaytab/compiler.mk - the map compiler: liveset (input), keysets and
# emitters (outputs), publishing, settings; and its two commands.
RELAYTAB_COMPILER_SOURCES += relaytab/liveset.c relaytab/liveset.h \
	relaytab/keyset.c relaytab/keyset.h relaytab/emit.h relaytab/emit.c \
	relaytab/emit-cdb.c relaytab/emit-db.c relaytab/emit-text.c \
	relaytab/publish.c relaytab/publish.h \
	relaytab/compile.c relaytab/compile.h relaytab/compile-conf.c
relaytab_relaytab_SOURCES += relaytab/cmd-compile.c relaytab/cmd-watch.c

TESTS += tests/compiler/compile.sh tests/compiler/watch.sh tests/compiler/watch-damage.sh
EXTRA_DIST += tests/compiler/compile.sh tests/compiler/watch.sh \
	tests/compiler/watch-damage.sh
