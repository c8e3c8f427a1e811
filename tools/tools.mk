# tools/tools.mk - operational tooling shipped in the tarball.
dist_noinst_SCRIPTS += tools/check tools/install-deps tools/demo
