# tools/benchmarks/bench.mk - benchmark programs (optimised, not sanitized)
# and "make bench", which runs tools/bench on this build.
noinst_PROGRAMS += tools/benchmarks/bench-table tools/benchmarks/bench-fill
tools_benchmarks_bench_table_SOURCES = tools/benchmarks/bench-table.c tools/benchmarks/bench-util.h
tools_benchmarks_bench_table_CFLAGS = $(AM_CFLAGS) $(URCU_CFLAGS) -O2
tools_benchmarks_bench_table_LDADD = $(RELAYTAB_LIBS)
tools_benchmarks_bench_fill_SOURCES = tools/benchmarks/bench-fill.c
tools_benchmarks_bench_fill_CFLAGS = $(AM_CFLAGS) $(URCU_CFLAGS) -O2
tools_benchmarks_bench_fill_LDADD = $(RELAYTAB_LIBS)
dist_noinst_SCRIPTS += tools/bench
dist_noinst_SCRIPTS += tools/benchmarks/bench-login.sh
noinst_PROGRAMS += tools/benchmarks/bench-serve
tools_benchmarks_bench_serve_SOURCES = tools/benchmarks/bench-serve.c tools/benchmarks/bench-util.h
tools_benchmarks_bench_serve_CFLAGS = $(AM_CFLAGS) $(URCU_CFLAGS) $(CDB_CFLAGS) -O2 -pthread
tools_benchmarks_bench_serve_LDADD = $(RELAYTAB_LIBS) -lpthread
noinst_PROGRAMS += tools/benchmarks/bench-serve-hostile
tools_benchmarks_bench_serve_hostile_SOURCES = tools/benchmarks/bench-serve-hostile.c \
	tools/benchmarks/bench-util.h
tools_benchmarks_bench_serve_hostile_CFLAGS = $(AM_CFLAGS) -O2 -pthread
tools_benchmarks_bench_serve_hostile_LDADD = $(RELAYTAB_LIBS) -lpthread
dist_noinst_SCRIPTS += tools/benchmarks/bench-relay.sh tools/benchmarks/relay-probe.py

bench: all
	RELAYTAB_BUILD_DIR='$(abs_top_builddir)' '$(abs_top_srcdir)/tools/bench'
.PHONY: bench
