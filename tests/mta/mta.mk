# tests/mta/mta.mk - the Sendmail HACK and its test against unpacked Sendmail.
TESTS += tests/mta/sendmail.sh
example_DATA += sendmail/hack/relaytab.m4 sendmail/README.sendmail
EXTRA_DIST += tests/mta/sendmail.sh tests/lib/sendmail-env.sh \
	sendmail/hack/relaytab.m4 sendmail/README.sendmail
