/* cli.h - what the relaytab commands share: exit codes, the one-line error
 * format, global options, opening the table, durations, the clock and the
 * default grace. */
#ifndef RELAYTAB_CLI_H
#define RELAYTAB_CLI_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <sys/types.h>
#include <sysexits.h>

#include "compile.h"
#include "duration.h"
#include "table.h"

/* Exit statuses besides the sysexits.h ones. */
#define CLI_NO 1	/* query: not live; del: nothing removed */

struct cli_global {
	const char *table_path;	/* --table, $RELAYTAB_TABLE or the default */
	bool table_explicit;	/* set by --table or $RELAYTAB_TABLE */
	int verbose;
};

/* A command: run(g, argc, argv) gets argv[0] = the command name. */
struct cli_command {
	const char *name;
	int (*run)(const struct cli_global *g, int argc, char **argv);
	const char *summary;
	const char *usage;	/* options and arguments, may span lines */
	unsigned settings;	/* CLI_SET_*: its options come from the settings
				   table (settings.h), printed after usage */
};

/* Print "relaytab: error: ..." on stderr; returns status. */
int cli_fail(int status, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
/* A compiler log line (rt_compile_log_fn's) on stderr: errors and
 * warnings always, info lines from verbosity info_from on, debug lines from
 * info_from + 1. */
void cli_log(const struct cli_global *g, int info_from, enum rt_log_level level,
	     const char *msg);
/* g's verbosity plus the -v, -vv... and --verbose among a command's own
 * argv (compile, watch and serve read them before their settings). */
int cli_verbosity(const struct cli_global *g, int argc, char **argv);
/* Print "relaytab: warning: ..." on stderr. */
void cli_warn(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* Print a usage error for cmd and return EX_USAGE. */
int cli_usage(const struct cli_command *cmd, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
const struct cli_command *cli_find_command(const char *name);

/* Open the table; on failure prints the error and returns the exit status
 * (EX_NOINPUT missing, EX_NOPERM, EX_DATAERR corrupt/foreign, EX_IOERR). */
int cli_open_table(const struct cli_global *g, int flags, struct rt_table **t_r);
/* Exit status for an errno from a table operation. */
int cli_status_for_errno(int err);
/* The name of group gid, or its number if it has none (in buf). */
const char *cli_group_name(gid_t gid, char *buf, size_t size);

/* Parse a duration option; prints the usage error itself. */
bool cli_parse_duration(const char *text, uint32_t *secs_r);
/* Parse an address argument (any form rt_addr_parse takes). */
bool cli_parse_addr(const char *text, struct rt_addr *addr_r);
/* The one IP address left in argv after the options (add, query): 0, or
 * EX_USAGE after printing why. */
int cli_one_addr(const struct cli_command *self, int argc, char **argv,
		 struct rt_addr *addr_r);

/* Now, in unix seconds. The environment variable RELAYTAB_NOW (unix
 * seconds) overrides the clock: a testing aid. */
uint32_t cli_now(void);
/* The time to record for a login: $RELAYTAB_NOW, else rt_time_stamp(). */
uint32_t cli_stamp(void);

/* Format unix time as ISO 8601 UTC ("2026-11-24T15:40:55Z"). */
const char *cli_iso_time(uint32_t t, char buf[32]);
/* Write a username for humans (control and invalid bytes as \xNN) or as a
 * JSON string body (with JSON escapes). */
void cli_put_user(FILE *out, const char *user, bool json);

/* What query, list and stats judge by: the grace and max-users-per-address
 * of the settings file (--config, else /etc/relaytab.conf if it exists;
 * never the table header's grace, which any group member can write), with
 * --grace and --max-users-per-address over them. Each command lists
 * CLI_VIEW_OPTIONS in its getopt table and hands each option to
 * cli_view_option() (true if it was one of them). */
#define CLI_VIEW_OPTIONS							\
	{ "grace", required_argument, NULL, 'g' },			\
	{ "config", required_argument, NULL, 'c' },			\
	{ "max-users-per-address", required_argument, NULL, 'm' }
struct cli_view {
	const char *config, *grace_text, *max_users_text;	/* the options */
	uint32_t grace;			/* the result: seconds */
	unsigned max_users;		/* 0: no limit */
};
bool cli_view_option(struct cli_view *v, int c, const char *arg);
/* Fill v->grace and v->max_users. Returns 0, or an exit status after the
 * message (a named file that cannot be read, a bad option value). */
int cli_view_resolve(struct cli_view *v);

/* The commands. */
int cmd_create(const struct cli_global *g, int argc, char **argv);
int cmd_add(const struct cli_global *g, int argc, char **argv);
int cmd_del(const struct cli_global *g, int argc, char **argv);
int cmd_query(const struct cli_global *g, int argc, char **argv);
int cmd_list(const struct cli_global *g, int argc, char **argv);
int cmd_stats(const struct cli_global *g, int argc, char **argv);
int cmd_compile(const struct cli_global *g, int argc, char **argv);
int cmd_watch(const struct cli_global *g, int argc, char **argv);
int cmd_serve(const struct cli_global *g, int argc, char **argv);

struct rt_compile_conf;
/* Parse the compiler options of compile/watch (argv as given to the
 * command) over /etc/relaytab.conf into conf (initialised here). Returns 0,
 * or an exit status after printing the error. */
int cli_compile_setup(const struct cli_global *g, const struct cli_command *self,
		      int argc, char **argv, struct rt_compile_conf *conf);
/* The table path compile, watch and serve use: --table/$RELAYTAB_TABLE, else the
 * config file's "table", else the default. */
const char *cli_compile_table(const struct cli_global *g,
			      const struct rt_compile_conf *conf);

#endif
