# tests/mta/mta.mk - the Sendmail HACK and its test against unpacked Sendmail;
# the tcprules map against unpacked tcpserver; the Exim map and its macro
# against unpacked Exim; the OpenSMTPD table against unpacked OpenSMTPD.
TESTS += tests/mta/sendmail.sh tests/mta/tcpserver.sh tests/mta/exim.sh tests/mta/opensmtpd.sh
example_DATA += sendmail/hack/relaytab.m4 sendmail/README.sendmail exim/relaytab.localmacros \
	opensmtpd/smtpd.conf.relaytab opensmtpd/relaytab-opensmtpd.path \
	opensmtpd/relaytab-opensmtpd.service
EXTRA_DIST += tests/mta/sendmail.sh tests/lib/sendmail-env.sh tests/lib/netns.sh \
	tests/mta/tcpserver.sh tests/lib/tcpserver-env.sh \
	tests/mta/exim.sh tests/lib/exim-env.sh exim/relaytab.localmacros \
	tests/mta/opensmtpd.sh opensmtpd/smtpd.conf.relaytab opensmtpd/relaytab-opensmtpd.path \
	opensmtpd/relaytab-opensmtpd.service \
	sendmail/hack/relaytab.m4 sendmail/README.sendmail
