# tools/tools.mk - operational tooling shipped in the tarball.
dist_noinst_SCRIPTS += tools/check tools/check-arm64 tools/check-dovecot24 \
	tools/check-booted tools/build-debs tools/copy-tree tools/tap-run tools/debian-root tools/install-deps tools/demo

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
# The setup test on a booted Debian 12 with the Debian packages
# (tests/e2e/booted.sh).
check-booted:
	RELAYTAB_BUILD_DIR='$(abs_top_builddir)' $(top_srcdir)/tools/check-booted
.PHONY: check-booted

# The systemd units and the tmpfiles.d entry: always as examples; also
# into systemd's own directories when configure is given
# --with-systemdsystemunitdir / --with-tmpfilesdir (the Debian package).
RT_UNITS_BUILT = tools/systemd/relaytab-table.service tools/systemd/relaytab-watch.service \
	tools/systemd/relaytab-serve.service
RT_UNITS = $(RT_UNITS_BUILT) tools/systemd/relaytab-serve.socket tools/systemd/relaytab-policy.socket
example_DATA += $(RT_UNITS) tools/systemd/relaytab.tmpfiles tools/relaytab.conf.example
if INSTALL_UNITS
systemdsystemunit_DATA = $(RT_UNITS)
endif
# (tmpfiles.d wants the name relaytab.conf: installed by hand)
if INSTALL_TMPFILES
RT_TMPFILESDIR = $(tmpfilesdir)
endif
install-data-hook: install-tmpfiles
install-tmpfiles:
	test -z '$(RT_TMPFILESDIR)' || { $(MKDIR_P) '$(DESTDIR)$(RT_TMPFILESDIR)' && \
	$(INSTALL_DATA) $(srcdir)/tools/systemd/relaytab.tmpfiles '$(DESTDIR)$(RT_TMPFILESDIR)/relaytab.conf'; }
uninstall-local: uninstall-tmpfiles
uninstall-tmpfiles:
	test -z '$(RT_TMPFILESDIR)' || rm -f '$(DESTDIR)$(RT_TMPFILESDIR)/relaytab.conf'
.PHONY: install-tmpfiles uninstall-tmpfiles
EXTRA_DIST += $(RT_UNITS_BUILT:=.in) tools/systemd/relaytab-serve.socket \
	tools/systemd/relaytab-policy.socket tools/systemd/relaytab.tmpfiles \
	tools/relaytab.conf.example
# the services name the relaytab that "make install" installs
CLEANFILES += $(RT_UNITS_BUILT)
RT_UNIT_SUBST = $(AM_V_GEN)$(MKDIR_P) tools/systemd && \
	sed -e 's|@sbindir[@]|$(sbindir)|g' $(srcdir)/$@.in > $@.tmp && mv $@.tmp $@
tools/systemd/relaytab-table.service: $(srcdir)/tools/systemd/relaytab-table.service.in Makefile
	$(RT_UNIT_SUBST)
tools/systemd/relaytab-watch.service: $(srcdir)/tools/systemd/relaytab-watch.service.in Makefile
	$(RT_UNIT_SUBST)
tools/systemd/relaytab-serve.service: $(srcdir)/tools/systemd/relaytab-serve.service.in Makefile
	$(RT_UNIT_SUBST)
example_DATA += postfix/main.cf.relaytab
EXTRA_DIST += postfix/main.cf.relaytab
