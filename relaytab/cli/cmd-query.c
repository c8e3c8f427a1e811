/* cmd-query.c - "relaytab query": exit 0 if IP has a live record and is
 * not held by max-users-per-address. */
#include "cli.h"

#include <errno.h>
#include <getopt.h>
#include <string.h>

int cmd_query(const struct cli_global *g, int argc, char **argv)
{
	static const struct option opts[] = {
		CLI_VIEW_OPTIONS,
		{ NULL, 0, NULL, 0 },
	};
	const struct cli_command *self = cli_find_command("query");
	struct cli_view view = { 0 };
	struct rt_record rec;
	struct rt_table *t;
	struct rt_addr ip;
	uint32_t grace, now = cli_now();
	unsigned max_users, users;
	int c, r, status;

	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		if (!cli_view_option(&view, c, optarg))
			return cli_usage(self, "unknown option \"%s\"", argv[optind - 1]);
	}
	if ((status = cli_one_addr(self, argc, argv, &ip)) != 0)
		return status;
	if ((status = cli_view_resolve(&view)) != 0)
		return status;
	grace = view.grace;
	max_users = view.max_users;
	if ((status = cli_open_table(g, RT_OPEN_RDONLY, &t)) != 0)
		return status;
	r = rt_table_lookup(t, &ip, &rec);
	rt_table_close(&t);
	if (r < 0)
		return cli_fail(cli_status_for_errno(errno), "lookup failed: %s",
				strerror(errno));
	if (r != 1 || !rt_record_live(&rec, now, grace))
		return CLI_NO;
	users = rt_record_users(&rec, now, grace);
	if (max_users != 0 && users > max_users) {
		if (g->verbose)
			printf("%s live but shared: %u%s users, over max-users-per-address %u\n",
			       argv[optind], users, users == RT_USERS_MAX ? " or more" : "",
			       max_users);
		return CLI_NO;
	}
	if (g->verbose)
		printf("%s live (user %s, last seen %u, %u%s user%s)\n", argv[optind],
		       rec.user, rec.last_seen, users, users == RT_USERS_MAX ? " or more" : "",
		       users == 1 ? "" : "s");
	return 0;
}
