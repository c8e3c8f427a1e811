/* bench-fill.c - background load for tools/benchmarks/bench-relay.sh: puts
 * COUNT live records (10.x.y.z, starting at address number FIRST) into an
 * existing table in one process, as relaytab add would one by one. Their
 * last_seen is AHEAD seconds in the future (default one day), so that a
 * short grace does not expire them during the run.
 * Usage: bench-fill TABLE FIRST COUNT [AHEAD] */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "table.h"

int main(int argc, char **argv)
{
	struct rt_table *t;
	struct rt_stats st;
	struct rt_err err;
	struct rt_addr a;
	unsigned long first, count, ahead = 86400, failed = 0;

	if (argc < 4 || argc > 5) {
		fprintf(stderr, "usage: bench-fill TABLE FIRST COUNT [AHEAD]\n");
		return 64;
	}
	first = strtoul(argv[2], NULL, 10);
	count = strtoul(argv[3], NULL, 10);
	if (argc == 5)
		ahead = strtoul(argv[4], NULL, 10);
	if (first + count > 0xffffff) {
		fprintf(stderr, "bench-fill: at most 2^24 - 1 addresses in 10/8\n");
		return 64;
	}
	if (rt_table_open(argv[1], RT_OPEN_RDWR, &t, &err) != 0) {
		fprintf(stderr, "bench-fill: %s\n", err.msg);
		return 1;
	}
	uint32_t when = (uint32_t)time(NULL) + (uint32_t)ahead;

	for (unsigned long i = first; i < first + count; i++) {
		uint32_t k = (uint32_t)i + 1;
		uint8_t v4[4] = { 10, (uint8_t)(k >> 16), (uint8_t)(k >> 8), (uint8_t)k };

		rt_addr_from_v4(&a, v4);
		if (rt_table_upsert(t, &a, "bench", RT_SVC_IMAP, when, RT_UPSERT_LOGIN) < 0)
			failed++;
	}
	rt_table_stats(t, (uint32_t)time(NULL), 1800, &st);
	rt_table_close(&t);
	if (failed > 0 || st.counters[RT_CNT_EVICT_LIVE] > 0) {
		fprintf(stderr, "bench-fill: %lu upserts failed, %llu live records evicted\n",
			failed, (unsigned long long)st.counters[RT_CNT_EVICT_LIVE]);
		return 1;
	}
	printf("%llu\n", (unsigned long long)st.live);
	return 0;
}
