/* bench-fill.c - background load for tools/benchmarks/bench-relay.sh: puts
 * COUNT live records (10.x.y.z, starting at address number FIRST) into an
 * existing table in one process, as relaytab add would one by one, stamped
 * now (the table takes a time ahead of the clock as forged). With HOLD, it
 * then refreshes them every second for HOLD seconds (at most 3600), as
 * connected sessions would, so that even a short grace keeps them live;
 * refreshes raise no change, so they cost watch no recompile of their own.
 * Prints the number of live records once they are in.
 * Usage: bench-fill TABLE FIRST COUNT [HOLD] */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "table.h"

int main(int argc, char **argv)
{
	struct rt_table *t;
	struct rt_stats st;
	struct rt_err err;
	struct rt_addr a;
	unsigned long first, count, hold = 0, failed = 0;

	if (argc < 4 || argc > 5) {
		fprintf(stderr, "usage: bench-fill TABLE FIRST COUNT [HOLD]\n");
		return 64;
	}
	first = strtoul(argv[2], NULL, 10);
	count = strtoul(argv[3], NULL, 10);
	if (argc == 5)
		hold = strtoul(argv[4], NULL, 10);
	if (hold > 3600) {
		fprintf(stderr, "bench-fill: HOLD at most 3600 seconds\n");
		return 64;
	}
	if (first + count > 0xffffff) {
		fprintf(stderr, "bench-fill: at most 2^24 - 1 addresses in 10/8\n");
		return 64;
	}
	if (rt_table_open(argv[1], RT_OPEN_RDWR, &t, &err) != 0) {
		fprintf(stderr, "bench-fill: %s\n", err.msg);
		return 1;
	}
	for (unsigned long i = first; i < first + count; i++) {
		uint32_t k = (uint32_t)i + 1;
		uint8_t v4[4] = { 10, (uint8_t)(k >> 16), (uint8_t)(k >> 8), (uint8_t)k };

		rt_addr_from_v4(&a, v4);
		if (rt_table_upsert(t, &a, "bench", RT_SVC_IMAP, rt_time_stamp(),
				    RT_UPSERT_LOGIN) < 0)
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
	fflush(stdout);
	for (unsigned long s = 0; s < hold; s++) {
		sleep(1);
		if (rt_table_open(argv[1], RT_OPEN_RDWR, &t, &err) != 0)
			continue;
		for (unsigned long i = first; i < first + count; i++) {
			uint32_t k = (uint32_t)i + 1;
			uint8_t v4[4] = { 10, (uint8_t)(k >> 16), (uint8_t)(k >> 8), (uint8_t)k };

			rt_addr_from_v4(&a, v4);
			(void)rt_table_upsert(t, &a, "bench", RT_SVC_IMAP, rt_time_stamp(),
					      RT_UPSERT_REFRESH);
		}
		rt_table_close(&t);
	}
	return 0;
}
