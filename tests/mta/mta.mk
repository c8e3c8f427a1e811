# tests/mta/mta.mk - the Sendmail HACK and its test against unpacked Sendmail;
# the tcprules map against unpacked tcpserver.
TESTS += tests/mta/sendmail.sh tests/mta/tcpserver.sh
example_DATA += sendmail/hack/relaytab.m4 sendmail/README.sendmail
EXTRA_DIST += tests/mta/sendmail.sh tests/lib/sendmail-env.sh \
	tests/mta/tcpserver.sh tests/lib/tcpserver-env.sh \
	sendmail/hack/relaytab.m4 sendmail/README.sendmail
