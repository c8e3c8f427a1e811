/* main.c - the relaytab command: global options and dispatch to the
 * commands (cmd-*.c). */
#include "cli.h"

#include <getopt.h>
#include <stdlib.h>
#include <string.h>

#include "relaytab-build.h"
#include "settings.h"

static int cmd_help(const struct cli_global *g, int argc, char **argv);

#define SETTINGS_USAGE \
	"[OPTIONS]\n" \
	"  Each option may also be set in /etc/relaytab.conf as \"key = value\"\n" \
	"  ('relaytab help settings' lists the keys); the command line wins,\n" \
	"  and maps on the command line replace the file's."


static const struct cli_command cli_commands[] = {
	{ "create", cmd_create, "create the table file",
	  "[--capacity N] [--group NAME] [--mode OCTAL] [--force]\n"
	  "  N: slots wanted, rounded up to a power of two (default 16384);\n"
	  "  mode defaults to 0660. Refuses to replace an existing file\n"
	  "  (exit 73) unless --force.", 0 },
	{ "add", cmd_add, "record a login of IP now",
	  "IP [--user NAME] [--service imap|pop3|submission|managesieve|manual|other]", 0 },
	{ "del", cmd_del, "remove the entries of IPs or of a user",
	  "IP... | --user NAME\n"
	  "  exit 0 if something was removed, 1 if nothing matched", 0 },
	{ "query", cmd_query, "is IP allowed to relay now?",
	  "IP [--grace DURATION] [--max-users-per-address N] [--config PATH]\n"
	  "  exit 0 if IP logged in within the grace, and no more than N users\n"
	  "  did; 1 if not", 0 },
	{ "list", cmd_list, "list the entries, sorted by IP",
	  "[--grace DURATION] [--all] [--json] [--max-users-per-address N] [--config PATH]\n"
	  "  --all: also entries older than the grace", 0 },
	{ "stats", cmd_stats, "capacity, load, shared addresses, counters and header",
	  "[--json] [--grace DURATION] [--max-users-per-address N] [--config PATH]", 0 },
	{ "compile", cmd_compile, "expire old entries and write the MTA maps once",
	  SETTINGS_USAGE, CLI_SET_COMPILE },
	{ "watch", cmd_watch, "keep the MTA maps up to date (daemon)",
	  SETTINGS_USAGE "\n"
	  "  Rewrites within 100 ms of a change, expires to the second;\n"
	  "  SIGHUP re-reads the configuration, SIGTERM exits.", CLI_SET_COMPILE },
	{ "serve", cmd_serve, "answer socketmap and Postfix policy lookups live (daemon)",
	  SETTINGS_USAGE "\n"
	  "  SIGHUP re-reads the configuration, SIGTERM drains and exits.",
	  CLI_SET_SERVE },
	{ "help", cmd_help, "describe a command, or list every setting",
	  "[COMMAND | settings]\n"
	  "  settings: key, option, default and commands of every setting", 0 },
};

const struct cli_command *cli_find_command(const char *name)
{
	for (size_t i = 0; i < sizeof(cli_commands) / sizeof(cli_commands[0]); i++) {
		if (strcmp(cli_commands[i].name, name) == 0)
			return &cli_commands[i];
	}
	return NULL;
}

static void usage(FILE *out)
{
	fprintf(out,
		"usage: relaytab [--table PATH] [-v] COMMAND [ARGS]\n"
		"\n"
		"POP/IMAP-before-SMTP: the table of recent logins and its maps.\n"
		"\n"
		"Commands:\n");
	for (size_t i = 0; i < sizeof(cli_commands) / sizeof(cli_commands[0]); i++)
		fprintf(out, "  %-8s %s\n", cli_commands[i].name,
			cli_commands[i].summary);
	fprintf(out,
		"\n"
		"Options:\n"
		"  --table PATH  the table (default $RELAYTAB_TABLE or "
		RT_TABLE_DEFAULT_PATH ")\n"
		"  -v            more output\n"
		"  --help, --version\n"
		"\n"
		"Durations: 90, 90s, 30m, 2h, 1d. Addresses: IPv4 or IPv6.\n"
		"Exit status: 0 ok; 1 query not live / del found nothing;\n"
		"  64 usage, 65 corrupt or foreign table, 66 table missing,\n"
		"  70 internal error, 73 cannot create / refusing to replace,\n"
		"  74 I/O error, 75 table busy or full (try again), 77 permission denied.\n"
		"Testing aid: RELAYTAB_NOW=unix-seconds overrides the clock.\n"
		"See relaytab(8).\n");
}

static int cmd_help(const struct cli_global *g, int argc, char **argv)
{
	const struct cli_command *cmd;

	(void)g;
	if (argc < 2) {
		usage(stdout);
		return 0;
	}
	if (strcmp(argv[1], "settings") == 0) {
		cli_settings_list(stdout);
		return 0;
	}
	if ((cmd = cli_find_command(argv[1])) == NULL)
		return cli_fail(EX_USAGE, "unknown command \"%s\"", argv[1]);
	printf("usage: relaytab %s %s\n\n%s.\n", cmd->name, cmd->usage,
	       cmd->summary);
	if (cmd->settings != 0) {
		printf("\nOptions:\n");
		cli_settings_usage(stdout, cmd->settings);
	}
	return 0;
}

int main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "table", required_argument, NULL, 't' },
		{ "verbose", no_argument, NULL, 'v' },
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		{ NULL, 0, NULL, 0 },
	};
	struct cli_global g = { NULL, false, 0 };
	const struct cli_command *cmd;
	const char *env = getenv("RELAYTAB_TABLE");
	int c;

	g.table_explicit = env != NULL && *env != '\0';
	g.table_path = g.table_explicit ? env : RT_TABLE_DEFAULT_PATH;
	/* "+": stop at the command name; its options are its own. */
	while ((c = getopt_long(argc, argv, "+t:vhV", opts, NULL)) != -1) {
		switch (c) {
		case 't':
			g.table_path = optarg;
			g.table_explicit = true;
			break;
		case 'v':
			g.verbose++;
			break;
		case 'h':
			usage(stdout);
			return 0;
		case 'V':
			printf("relaytab %s\n", PACKAGE_VERSION);
			return 0;
		default:
			fprintf(stderr, "relaytab: error: bad option (see 'relaytab --help')\n");
			return EX_USAGE;
		}
	}
	if (optind >= argc) {
		usage(stderr);
		return EX_USAGE;
	}
	if ((cmd = cli_find_command(argv[optind])) == NULL)
		return cli_fail(EX_USAGE, "unknown command \"%s\" (see 'relaytab --help')",
				argv[optind]);
	argc -= optind;
	argv += optind;
	optind = 0;	/* reset getopt for the command's own options */
	opterr = 0;	/* commands report bad options themselves */
	return cmd->run(&g, argc, argv);
}
