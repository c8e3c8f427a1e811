# relaytab/table.mk - the shared-memory table library and its tests.
RELAYTAB_LIB_SOURCES += relaytab/table-file.c relaytab/table-slot.c \
	relaytab/table-write.c relaytab/table-read.c \
	relaytab/siphash.c relaytab/siphash.h relaytab/crc32.c relaytab/crc32.h \
	relaytab/table-format.h relaytab/table-priv.h
