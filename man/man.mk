# man/man.mk - the manual pages, installed and checked by make check.
dist_man_MANS = man/relaytab.8 man/relaytab.5 man/relaytab-dovecot.7
TESTS += man/lint.sh
EXTRA_DIST += man/lint.sh
