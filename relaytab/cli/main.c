/* main.c - the relaytab command: global options and dispatch to the
 * commands (cmd-*.c). */
#include "cli.h"

#include <getopt.h>
#include <stdlib.h>
#include <string.h>

#include "relaytab-build.h"

static int cmd_help(const struct cli_global *g, int argc, char **argv);

#define COMPILE_USAGE \
	"[--config PATH] [--grace DURATION] [--exclude CIDR,...]\n" \
	"  [--postfix-cdb NAME] [--postfix-hash NAME] [--sendmail-hash NAME]\n" \
	"  [--sendmail-tag TAG] [--text PATH] [--ipv6-prefix N] [--mode OCTAL] [-v]\n" \
	"  Settings may also be given in /etc/relaytab.conf as \"key = value\"\n" \
	"  (key: the option without dashes; also \"table\"). Map options may\n" \
	"  be repeated; command-line maps replace the file's."


static const struct cli_command cli_commands[] = {
	{ "create", cmd_create, "create the table file",
	  "[--capacity N] [--group NAME] [--mode OCTAL] [--force]\n"
	  "  N: slots wanted, rounded up to a power of two (default 16384);\n"
	  "  mode defaults to 0660. Refuses to replace an existing file\n"
	  "  (exit 73) unless --force." },
	{ "add", cmd_add, "record a login of IP now",
	  "IP [--user NAME] [--service imap|pop3|submission|managesieve|manual|other]" },
	{ "del", cmd_del, "remove the entries of IPs or of a user",
	  "IP... | --user NAME\n"
	  "  exit 0 if something was removed, 1 if nothing matched" },
	{ "query", cmd_query, "is IP allowed to relay now?",
	  "IP [--grace DURATION]\n"
	  "  exit 0 if IP logged in within the grace, 1 if not" },
	{ "list", cmd_list, "list the entries, sorted by IP",
	  "[--grace DURATION] [--all] [--json]\n"
	  "  --all: also entries older than the grace" },
	{ "stats", cmd_stats, "capacity, load, counters and header",
	  "[--json]" },
	{ "compile", cmd_compile, "expire old entries and write the MTA maps once",
	  COMPILE_USAGE },
	{ "watch", cmd_watch, "keep the MTA maps up to date (daemon)",
	  COMPILE_USAGE "\n"
	  "  rewrites within 100 ms of a change, expires to the second;\n"
	  "  SIGHUP re-reads the configuration, SIGTERM exits" },
	{ "serve", cmd_serve, "answer Postfix/Sendmail socketmap lookups live (daemon)",
	  "[--config FILE] [--grace DURATION] [--exclude CIDR,...] [--ipv6-prefix N]\n"
	  "  [--socket PATH] [--socket-mode OCTAL] [--socket-group NAME]\n"
	  "  [--listen HOST:PORT] [--names NAME,...] [--value TEXT]\n"
	  "  [--max-connections N] [--idle-timeout SECONDS] [-v]\n"
	  "  Socket default /run/relaytab/socketmap (mode 0660), map names\n"
	  "  \"relay,relaytab\", value \"OK\". In /etc/relaytab.conf the options\n"
	  "  are serve-socket, serve-listen, ... (grace, exclude, ipv6-prefix and\n"
	  "  table are shared with compile). SIGHUP re-reads, SIGTERM drains and exits." },
	{ "help", cmd_help, "describe a command", "[COMMAND]" },
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
	if ((cmd = cli_find_command(argv[1])) == NULL)
		return cli_fail(EX_USAGE, "unknown command \"%s\"", argv[1]);
	printf("usage: relaytab %s %s\n\n%s.\n", cmd->name, cmd->usage,
	       cmd->summary);
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
