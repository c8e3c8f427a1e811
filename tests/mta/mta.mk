# tests/mta/mta.mk - the Sendmail HACK and its test against unpacked Sendmail;
# the tcprules map against unpacked tcpserver; the Exim map and its macro
# against unpacked Exim.
TESTS += tests/mta/sendmail.sh tests/mta/tcpserver.sh tests/mta/exim.sh
example_DATA += sendmail/hack/relaytab.m4 sendmail/README.sendmail exim/relaytab.localmacros
EXTRA_DIST += tests/mta/sendmail.sh tests/lib/sendmail-env.sh \
	tests/mta/tcpserver.sh tests/lib/tcpserver-env.sh \
	tests/mta/exim.sh tests/lib/exim-env.sh exim/relaytab.localmacros \
	sendmail/hack/relaytab.m4 sendmail/README.sendmail
