# tools/tools.mk - operational tooling shipped in the tarball.
dist_noinst_SCRIPTS += tools/check tools/check-arm64 tools/check-dovecot24 \
	tools/debian-root tools/install-deps tools/demo

# The table's unit and fault tests cross-built for arm64 and run under
# qemu-user, in a temporary build directory of their own (root, Debian 12
# amd64; tools/check runs it too).
check-arm64:
	$(top_srcdir)/tools/check-arm64
.PHONY: check-arm64
# The plugin, story, IPv6 and serve tests against Dovecot 2.4 and Postfix
# 3.10 in a Debian 13 root (tools/debian-root), with this build's relaytab.
check-dovecot24: all
	RELAYTAB_BUILD_DIR='$(abs_top_builddir)' $(top_srcdir)/tools/check-dovecot24
.PHONY: check-dovecot24

example_DATA += tools/systemd/relaytab-watch.service tools/systemd/relaytab.tmpfiles \
	tools/systemd/relaytab-serve.service tools/systemd/relaytab-serve.socket \
	tools/systemd/relaytab-policy.socket \
	tools/relaytab.conf.example
EXTRA_DIST += tools/systemd/relaytab-watch.service.in tools/systemd/relaytab.tmpfiles \
	tools/systemd/relaytab-serve.service.in tools/systemd/relaytab-serve.socket \
	tools/systemd/relaytab-policy.socket \
	tools/relaytab.conf.example
# the services name the relaytab that "make install" installs
RT_UNITS_BUILT = tools/systemd/relaytab-watch.service tools/systemd/relaytab-serve.service
CLEANFILES += $(RT_UNITS_BUILT)
tools/systemd/relaytab-watch.service: $(srcdir)/tools/systemd/relaytab-watch.service.in Makefile
	$(AM_V_GEN)$(MKDIR_P) tools/systemd && \
	sed -e 's|@sbindir[@]|$(sbindir)|g' $(srcdir)/tools/systemd/relaytab-watch.service.in > $@.tmp && mv $@.tmp $@
tools/systemd/relaytab-serve.service: $(srcdir)/tools/systemd/relaytab-serve.service.in Makefile
	$(AM_V_GEN)$(MKDIR_P) tools/systemd && \
	sed -e 's|@sbindir[@]|$(sbindir)|g' $(srcdir)/tools/systemd/relaytab-serve.service.in > $@.tmp && mv $@.tmp $@
example_DATA += postfix/main.cf.relaytab
EXTRA_DIST += postfix/main.cf.relaytab
