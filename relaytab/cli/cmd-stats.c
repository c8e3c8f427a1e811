/* cmd-stats.c - "relaytab stats": capacity, load, counters and header. */
#include "cli.h"

#include <errno.h>
#include <getopt.h>
#include <string.h>

int cmd_stats(const struct cli_global *g, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "json", no_argument, NULL, 'j' },
		{ NULL, 0, NULL, 0 },
	};
	const struct cli_command *self = cli_find_command("stats");
	struct rt_stats st;
	const struct rt_stats *s = &st;
	bool json = false;
	struct rt_table *t;
	char created[32];
	int c, r, status;

	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		if (c != 'j')
			return cli_usage(self, "unknown option \"%s\"", argv[optind - 1]);
		json = true;
	}
	if (optind != argc)
		return cli_usage(self, "unexpected argument \"%s\"", argv[optind]);
	if ((status = cli_open_table(g, RT_OPEN_RDONLY, &t)) != 0)
		return status;
	r = rt_table_stats(t, cli_now(), cli_default_grace(), &st);
	rt_table_close(&t);
	if (r != 0)
		return cli_fail(EX_DATAERR, "cannot read table %s: %s",
				g->table_path, strerror(errno));
	cli_iso_time(s->created, created);
	if (json) {
		printf("{\"table\": \"%s\", \"version\": \"%u.%u\", \"created\": \"%s\",\n"
		       " \"capacity\": %llu, \"file_size\": %llu, \"slot_size\": %u,\n"
		       " \"grace\": %u, \"used\": %llu, \"live\": %llu, \"busy\": %llu,\n"
		       " \"load\": %.4f, \"counters\": {",
		       g->table_path, s->version_major, s->version_minor, created,
		       (unsigned long long)s->capacity,
		       (unsigned long long)s->file_size, s->slot_size, s->grace,
		       (unsigned long long)s->used, (unsigned long long)s->live,
		       (unsigned long long)s->busy,
		       (double)s->used / (double)s->capacity);
		for (int i = 0; i < RT_CNT_COUNT; i++)
			printf("%s\"%s\": %llu", i ? ", " : "",
			       rt_counter_name((enum rt_counter)i),
			       (unsigned long long)s->counters[i]);
		printf("}}\n");
		return 0;
	}
	printf("%-14s %s\n", "table", g->table_path);
	printf("%-14s %u.%u\n", "version", s->version_major, s->version_minor);
	printf("%-14s %s\n", "created", created);
	printf("%-14s %llu slots (%llu bytes, %u per slot)\n", "capacity",
	       (unsigned long long)s->capacity,
	       (unsigned long long)s->file_size, s->slot_size);
	printf("%-14s %u s\n", "grace", s->grace);
	printf("%-14s %llu (load %.1f%%)\n", "used",
	       (unsigned long long)s->used,
	       100.0 * (double)s->used / (double)s->capacity);
	printf("%-14s %llu\n", "live", (unsigned long long)s->live);
	for (int i = 0; i < RT_CNT_COUNT; i++)
		printf("%-14s %llu\n", rt_counter_name((enum rt_counter)i),
		       (unsigned long long)s->counters[i]);
	return 0;
}
