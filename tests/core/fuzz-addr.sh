#!/bin/sh
# fuzz-addr.sh - replay the checked-in corpus tests/fuzz/addr.in through the
# fuzz_addr target (one TAP line per file; see tests/fuzz/fuzz-replay.c).
exec "$top_builddir/tests/fuzz/fuzz_addr" "$top_srcdir/tests/fuzz/addr.in"
