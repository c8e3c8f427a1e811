/* cmd-add.c - "relaytab add": record a login now (tests, manual grants). */
#include "cli.h"

#include <errno.h>
#include <getopt.h>
#include <string.h>

int cmd_add(const struct cli_global *g, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "user", required_argument, NULL, 'u' },
		{ "service", required_argument, NULL, 's' },
		{ NULL, 0, NULL, 0 },
	};
	const struct cli_command *self = cli_find_command("add");
	enum rt_service svc = RT_SVC_MANUAL;
	const char *user = "manual";
	struct rt_table *t;
	struct rt_addr ip;
	int c, r, status;

	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (c) {
		case 'u':
			user = optarg;
			break;
		case 's':
			svc = rt_service_from_name(optarg);
			if (svc == RT_SVC_OTHER && strcmp(optarg, "other") != 0)
				return cli_usage(self, "unknown service \"%s\"", optarg);
			break;
		default:
			return cli_usage(self, "unknown option \"%s\"", argv[optind - 1]);
		}
	}
	if ((status = cli_one_addr(self, argc, argv, &ip)) != 0)
		return status;
	if ((status = cli_open_table(g, RT_OPEN_RDWR, &t)) != 0)
		return status;
	r = rt_table_upsert(t, &ip, user, svc, cli_stamp(), RT_UPSERT_LOGIN);
	if (r < 0) {
		int e = errno;

		rt_table_close(&t);
		if (e == ENOSPC)
			return cli_fail(EX_TEMPFAIL, "table %s is full", g->table_path);
		if (e == EBUSY)
			return cli_fail(EX_TEMPFAIL, "table %s is busy; try again",
					g->table_path);
		return cli_fail(cli_status_for_errno(e), "cannot record %s: %s",
				argv[optind], strerror(e));
	}
	rt_table_close(&t);
	return 0;
}
