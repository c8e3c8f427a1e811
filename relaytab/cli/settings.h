/* settings.h - every setting of /etc/relaytab.conf in one table: its key,
 * its command-line option, the form of its value, its default, the
 * commands that use it and its help (a map kind's row comes from its
 * struct rt_map_kind, compiler/emit.h). The file reader, the options of
 * compile, watch and serve, their usage text and "relaytab help settings"
 * (which tests/cli/settings.sh checks against relaytab(8)) all come from
 * it; what a value means is the setter's (compile-conf.c, serve-conf.c). */
#ifndef RELAYTAB_SETTINGS_H
#define RELAYTAB_SETTINGS_H

#include <stdbool.h>
#include <stdio.h>

#include "cli.h"
#include "conf-file.h"

struct rt_map_kind;

/* Who uses a setting (a mask). */
#define CLI_SET_COMPILE 1u	/* compile and watch */
#define CLI_SET_SERVE 2u	/* serve */

struct cli_setting {
	const char *key;	/* in relaytab.conf */
	const char *option;	/* on the command line, without "--"; NULL:
				   file only */
	const char *arg;	/* the value's form, for usage and man page */
	const char *def;	/* the default as shown, NULL if none */
	unsigned used_by;	/* CLI_SET_* */
	const struct rt_map_kind *map; /* a map to write (compiler/emit.h), or
				   NULL: a map may repeat, and maps on the
				   command line replace the file's */
	const char *help;
};

/* The settings of one command: the file (--config PATH, default
 * /etc/relaytab.conf; a missing default file is fine), then the command
 * line over it. Every key in the file must be a setting (a typo fails);
 * those the command does not use are skipped. set gets each key and value;
 * clear_maps (may be NULL) is called before the first map on the command
 * line. -v/--verbose is accepted (the command counts it). Returns 0, or an
 * exit status after printing the error. */
int cli_settings_parse(const struct cli_command *self, unsigned use, int argc,
		       char **argv, rt_conf_set_fn *set,
		       void (*clear_maps)(void *context), void *context);
/* Only the file, for commands without these options (query, list, stats
 * read the grace). Returns 0, or -1 with err. */
int cli_settings_load(const char *path, bool must_exist, unsigned use,
		      rt_conf_set_fn *set, void *context, struct rt_err *err);
/* The options of the settings in use, as usage lines. */
void cli_settings_usage(FILE *out, unsigned use);
/* Every setting: "key<TAB>--option<TAB>default<TAB>commands" lines. */
void cli_settings_list(FILE *out);

#endif
