#!/bin/sh
# fuzz-socketmap.sh - replay the checked-in corpus tests/fuzz/socketmap.in
# through the fuzz_socketmap target (see tests/fuzz/fuzz-replay.c).
exec "$top_builddir/tests/fuzz/fuzz_socketmap" "$top_srcdir/tests/fuzz/socketmap.in"
