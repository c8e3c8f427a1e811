# relaytab/addr.mk - (to be written)
RELAYTAB_LIB_SOURCES += relaytab/util.c
