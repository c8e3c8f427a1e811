#!/bin/sh
# fuzz-policy.sh - replay the checked-in corpus tests/fuzz/policy.in
# through the fuzz_policy target (see tests/fuzz/fuzz-replay.c).
exec "$top_builddir/tests/fuzz/fuzz_policy" "$top_srcdir/tests/fuzz/policy.in"
