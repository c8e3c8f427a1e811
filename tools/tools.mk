# tools/tools.mk - operational tooling shipped in the tarball.
dist_noinst_SCRIPTS += tools/check tools/check-arm64 tools/install-deps tools/demo

# The table's unit and fault tests cross-built for arm64 and run under
# qemu-user, in a temporary build directory of their own (root, Debian 12
# amd64; tools/check runs it too).
check-arm64:
	$(top_srcdir)/tools/check-arm64
.PHONY: check-arm64

example_DATA += tools/systemd/relaytab-watch.service tools/systemd/relaytab.tmpfiles \
	tools/systemd/relaytab-serve.service tools/systemd/relaytab-serve.socket \
	tools/relaytab.conf.example
EXTRA_DIST += tools/systemd/relaytab-watch.service tools/systemd/relaytab.tmpfiles \
	tools/systemd/relaytab-serve.service tools/systemd/relaytab-serve.socket \
	tools/relaytab.conf.example
example_DATA += postfix/main.cf.relaytab
EXTRA_DIST += postfix/main.cf.relaytab
