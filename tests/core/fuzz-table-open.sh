#!/bin/sh
# fuzz-table-open.sh - replay the checked-in corpus tests/fuzz/table_open.in
# through the fuzz_table_open target (see tests/fuzz/fuzz-replay.c).
exec "$top_builddir/tests/fuzz/fuzz_table_open" "$top_srcdir/tests/fuzz/table_open.in"
