/* cmd-query.c - "relaytab query": exit 0 if IP may relay now. */
#include "cli.h"

#include <errno.h>
#include <getopt.h>
#include <string.h>

int cmd_query(const struct cli_global *g, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "grace", required_argument, NULL, 'g' },
		{ NULL, 0, NULL, 0 },
	};
	const struct cli_command *self = cli_find_command("query");
	struct rt_record rec;
	struct rt_table *t;
	struct rt_addr ip;
	uint32_t grace = 0;
	bool have_grace = false;
	int c, r, status;

	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (c) {
		case 'g':
			if (!cli_parse_duration(optarg, &grace))
				return EX_USAGE;
			have_grace = true;
			break;
		default:
			return cli_usage(self, "unknown option \"%s\"", argv[optind - 1]);
		}
	}
	if ((status = cli_one_addr(self, argc, argv, &ip)) != 0)
		return status;
	if ((status = cli_open_table(g, RT_OPEN_RDONLY, &t)) != 0)
		return status;
	if (!have_grace)
		grace = cli_default_grace();
	r = rt_table_lookup(t, &ip, &rec);
	rt_table_close(&t);
	if (r < 0)
		return cli_fail(cli_status_for_errno(errno), "lookup failed: %s",
				strerror(errno));
	if (r == 1 && rt_record_live(&rec, cli_now(), grace)) {
		if (g->verbose)
			printf("%s live (user %s, last seen %u)\n", argv[optind],
			       rec.user, rec.last_seen);
		return 0;
	}
	return CLI_NO;
}
