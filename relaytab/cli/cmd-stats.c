/* cmd-stats.c - "relaytab stats": capacity, load, shared addresses,
 * counters and header. */
#include "cli.h"

#include <errno.h>
#include <getopt.h>
#include <string.h>

int cmd_stats(const struct cli_global *g, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "json", no_argument, NULL, 'j' },
		CLI_VIEW_OPTIONS,
		{ NULL, 0, NULL, 0 },
	};
	const struct cli_command *self = cli_find_command("stats");
	struct cli_view view = { 0 };
	struct rt_stats st;
	const struct rt_stats *s = &st;
	bool json = false;
	struct rt_table *t;
	char created[32];
	uint32_t grace;
	unsigned max_users;
	uint64_t shared = 0, held = 0;
	int c, r, status;

	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		if (c == 'j')
			json = true;
		else if (!cli_view_option(&view, c, optarg))
			return cli_usage(self, "unknown option \"%s\"", argv[optind - 1]);
	}
	if (optind != argc)
		return cli_usage(self, "unexpected argument \"%s\"", argv[optind]);
	if ((status = cli_view_resolve(&view)) != 0)
		return status;
	grace = view.grace;
	max_users = view.max_users;
	if ((status = cli_open_table(g, RT_OPEN_RDONLY, &t)) != 0)
		return status;
	r = rt_table_stats(t, cli_now(), grace, &st);
	rt_table_close(&t);
	if (r != 0)
		return cli_fail(EX_DATAERR, "cannot read table %s: %s",
				g->table_path, strerror(errno));
	for (unsigned n = 2; n <= RT_USERS_MAX; n++) {
		shared += s->by_users[n];
		if (max_users != 0 && n > max_users)
			held += s->by_users[n];
	}
	cli_iso_time(s->created, created);
	if (json) {
		printf("{\"table\": \"%s\", \"version\": \"%u.%u\", \"created\": \"%s\",\n"
		       " \"capacity\": %llu, \"file_size\": %llu, \"slot_size\": %u,\n"
		       " \"grace\": %u, \"used\": %llu, \"live\": %llu, \"busy\": %llu,\n"
		       " \"shared\": %llu, \"max_users_per_address\": %u, \"held\": %llu,\n"
		       " \"load\": %.4f, \"counters\": {",
		       g->table_path, s->version_major, s->version_minor, created,
		       (unsigned long long)s->capacity,
		       (unsigned long long)s->file_size, s->slot_size, s->grace,
		       (unsigned long long)s->used, (unsigned long long)s->live,
		       (unsigned long long)s->busy, (unsigned long long)shared,
		       max_users, (unsigned long long)held, (double)s->used / (double)s->capacity);
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
	printf("%-14s %llu (live addresses of more than one user)\n", "shared",
	       (unsigned long long)shared);
	if (max_users != 0)
		printf("%-14s %llu (over max-users-per-address %u: no relay)\n",
		       "held", (unsigned long long)held, max_users);
	for (int i = 0; i < RT_CNT_COUNT; i++)
		printf("%-14s %llu\n", rt_counter_name((enum rt_counter)i),
		       (unsigned long long)s->counters[i]);
	return 0;
}
