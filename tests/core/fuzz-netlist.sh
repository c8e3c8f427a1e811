#!/bin/sh
# fuzz-netlist.sh - replay the checked-in corpus tests/fuzz/netlist.in through the
# fuzz_netlist target (one TAP line per file; see tests/fuzz/fuzz-replay.c).
exec "$top_builddir/tests/fuzz/fuzz_netlist" "$top_srcdir/tests/fuzz/netlist.in"
