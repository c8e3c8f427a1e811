/* cmd-create.c - "relaytab create": build a new table file. */
#include "cli.h"
#include "group.h"

#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

int cmd_create(const struct cli_global *g, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "capacity", required_argument, NULL, 'c' },
		{ "group", required_argument, NULL, 'g' },
		{ "mode", required_argument, NULL, 'm' },
		{ "force", no_argument, NULL, 'f' },
		{ NULL, 0, NULL, 0 },
	};
	const struct cli_command *self = cli_find_command("create");
	struct rt_create_opts co = { 0, 0660, (gid_t)-1, 0, false };
	struct stat st;
	unsigned long long slots = 1ULL << RT_CAP_LOG2_DEFAULT;
	struct rt_err err;
	char *end;
	int c;

	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (c) {
		case 'c':
			errno = 0;
			slots = strtoull(optarg, &end, 10);
			if (errno != 0 || *end != '\0' || optarg[0] == '-' ||
			    slots < 1 || slots > (1ULL << RT_CAP_LOG2_MAX))
				return cli_usage(self, "--capacity must be 1..%llu slots",
						 1ULL << RT_CAP_LOG2_MAX);
			break;
		case 'g':
			if (rt_group_parse(optarg, &co.gid) != 0)
				return cli_usage(self, "no such group \"%s\"", optarg);
			break;
		case 'm':
			co.mode = (mode_t)strtoul(optarg, &end, 8);
			if (*end != '\0' || optarg[0] == '\0' || co.mode > 07777)
				return cli_usage(self, "--mode must be octal, e.g. 0660");
			if (co.mode & S_IWOTH)
				return cli_usage(self, "--mode %s makes the table world-writable: any local user could grant relay (use a group, e.g. 0660)",
						 optarg);
			break;
		case 'f':
			co.force = true;
			break;
		default:
			return cli_usage(self, "unknown option \"%s\"", argv[optind - 1]);
		}
	}
	if (optind != argc)
		return cli_usage(self, "unexpected argument \"%s\"", argv[optind]);
	co.cap_log2 = RT_CAP_LOG2_MIN;
	while ((1ULL << co.cap_log2) < slots)
		co.cap_log2++;
	if (rt_table_create(g->table_path, &co, &err) != 0)
		return cli_fail(errno == EEXIST ? EX_CANTCREAT :
				errno == EACCES || errno == EPERM ? EX_NOPERM :
				EX_CANTCREAT, "%s", err.msg);
	if (g->verbose)
		printf("created %s: %llu slots\n", g->table_path,
		       1ULL << co.cap_log2);
	if (co.gid == (gid_t)-1 && stat(g->table_path, &st) == 0) {
		char group[32];

		fprintf(stderr, "relaytab: warning: no --group: the table is group %s; "
			"Dovecot's mail processes can record logins only as members "
			"of it (mail_access_groups)\n", cli_group_name(st.st_gid, group, sizeof(group)));
	}
	return 0;
}
