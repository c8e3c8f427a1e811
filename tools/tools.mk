# tools/tools.mk - operational tooling shipped in the tarball.
dist_noinst_SCRIPTS += tools/check tools/install-deps tools/demo
example_DATA += tools/systemd/relaytab-watch.service tools/systemd/relaytab.tmpfiles \
	tools/systemd/relaytab-serve.service tools/systemd/relaytab-serve.socket \
	tools/relaytab.conf.example
EXTRA_DIST += tools/systemd/relaytab-watch.service tools/systemd/relaytab.tmpfiles \
	tools/systemd/relaytab-serve.service tools/systemd/relaytab-serve.socket \
	tools/relaytab.conf.example
example_DATA += postfix/main.cf.relaytab
EXTRA_DIST += postfix/main.cf.relaytab
