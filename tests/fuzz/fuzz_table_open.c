/* fuzz_table_open.c - arbitrary bytes as a table file: opening must refuse
 * them cleanly or, if the header is valid, every read (scan, stats, lookup)
 * must survive whatever the slots hold. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "table.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int count_cb(const struct rt_record *rec, void *ctx)
{
	(*(size_t *)ctx) += rec->user[0] != '\0';
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char path[64];
	struct rt_table *t;
	struct rt_stats st;
	struct rt_record rec;
	struct rt_addr a;
	struct rt_err err;
	size_t n = 0;
	FILE *f;

	snprintf(path, sizeof(path), "/tmp/fuzz-table.%ld", (long)getpid());
	if ((f = fopen(path, "w")) == NULL)
		return 0;
	fwrite(data, 1, size, f);
	fclose(f);
	if (rt_table_open(path, RT_OPEN_RDONLY, &t, &err) == 0) {
		rt_table_scan(t, 0, 0, count_cb, &n, NULL);
		rt_table_stats(t, 2000000000U, 1800, &st);
		rt_addr_parse("192.0.2.1", &a);
		rt_table_lookup(t, &a, &rec);
		rt_table_close(&t);
	}
	unlink(path);
	return 0;
}
