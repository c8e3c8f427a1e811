/* cmd-del.c - "relaytab del": revoke the entries of IPs or of a user. */
#include "cli.h"
#include "user.h"

#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int cmd_del(const struct cli_global *g, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "user", required_argument, NULL, 'u' },
		{ NULL, 0, NULL, 0 },
	};
	const struct cli_command *self = cli_find_command("del");
	const char *user = NULL;
	char stored[RT_USER_MAX + 1];
	struct rt_addr *ips;
	struct rt_table *t;
	int c, n, removed = 0, status;

	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (c) {
		case 'u':
			user = optarg;
			break;
		default:
			return cli_usage(self, "unknown option \"%s\"", argv[optind - 1]);
		}
	}
	n = argc - optind;
	if ((user == NULL) == (n == 0))
		return cli_usage(self, "give IP addresses or --user NAME");
	/* A record holds a name cut to RT_USER_MAX bytes, as add and the
	 * plugin cut it: match what they stored. */
	if (user != NULL && strlen(user) > RT_USER_MAX) {
		rt_user_truncate(stored, user);
		fprintf(stderr, "relaytab: note: user name longer than %d bytes; "
			"entries hold it as \"%s\"\n", RT_USER_MAX, stored);
		user = stored;
	}
	/* Check every argument before removing anything. */
	if ((ips = calloc((size_t)n + 1, sizeof(*ips))) == NULL)
		return cli_fail(EX_OSERR, "out of memory");
	for (int i = 0; i < n; i++) {
		if (!cli_parse_addr(argv[optind + i], &ips[i])) {
			free(ips);
			return EX_USAGE;
		}
	}
	if ((status = cli_open_table(g, RT_OPEN_RDWR, &t)) != 0) {
		free(ips);
		return status;
	}
	for (int i = 0; i < n || (i == 0 && user != NULL); i++) {
		int r = user != NULL ? rt_table_delete_user(t, user) :
			rt_table_delete(t, &ips[i]);

		if (r < 0) {
			int e = errno;

			status = cli_fail(e == EBUSY ? EX_TEMPFAIL :
					  cli_status_for_errno(e),
					  "cannot delete %s: %s",
					  user != NULL ? user : argv[optind + i],
					  e == EBUSY ? "entry busy; try again" :
					  strerror(e));
			break;
		}
		removed += r;
		if (user != NULL)
			break;
	}
	rt_table_close(&t);
	free(ips);
	if (status != 0)
		return status;
	if (removed > 0 || g->verbose)
		printf("removed %d entr%s\n", removed, removed == 1 ? "y" : "ies");
	return removed > 0 ? 0 : CLI_NO;
}
