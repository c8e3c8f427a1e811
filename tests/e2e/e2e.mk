# tests/e2e/e2e.mk - the end-to-end story (Dovecot + Postfix + relaytab).
TESTS += tests/e2e/story.sh tests/e2e/ipv6.sh tests/e2e/shared.sh
EXTRA_DIST += tests/e2e/story.sh tests/e2e/ipv6.sh tests/e2e/shared.sh tests/lib/postfix-env.sh
# the setup test on a booted Debian 12: tools/check-booted runs it (tools/check)
EXTRA_DIST += tests/e2e/booted.sh
