# tests/e2e/e2e.mk - the end-to-end story (Dovecot + Postfix + relaytab).
TESTS += tests/e2e/story.sh
EXTRA_DIST += tests/e2e/story.sh tests/lib/postfix-env.sh
