/* bench-util.h - what the benchmark programs share: a monotonic clock in
 * seconds, a qsort comparison for latencies, and the CPU model for the
 * line that heads their figures. */
#ifndef RELAYTAB_BENCH_UTIL_H
#define RELAYTAB_BENCH_UTIL_H

#include <stdio.h>
#include <string.h>
#include <time.h>

static inline double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static inline int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

/* The "model name" of /proc/cpuinfo into cpu (left as it is if none). */
static inline void bench_cpu_model(char *cpu, size_t size)
{
	char line[512];
	FILE *f = fopen("/proc/cpuinfo", "r");

	if (f == NULL)
		return;
	while (fgets(line, sizeof(line), f) != NULL) {
		if (strncmp(line, "model name", 10) == 0 && strchr(line, ':') != NULL) {
			snprintf(cpu, size, "%s", strchr(line, ':') + 2);
			cpu[strcspn(cpu, "\n")] = '\0';
			break;
		}
	}
	fclose(f);
}

#endif
