/* settings.c - the one table of relaytab's settings, and what is built
 * from it: the file reader's filter, the options of compile, watch and
 * serve, their usage lines and the list relaytab(8) is checked against. */
#include "settings.h"

#include "compile.h"

#include <errno.h>
#include <getopt.h>
#include <string.h>

#define C CLI_SET_COMPILE
#define S CLI_SET_SERVE

const struct cli_setting cli_settings[] = {
	{ "table", NULL, "PATH", RT_TABLE_DEFAULT_PATH, C | S, false,
	  "the table (the global --table, or $RELAYTAB_TABLE, wins)" },
	{ "grace", "grace", "DURATION", "30m", C | S, false,
	  "how long a login allows relaying" },
	{ "exclude", "exclude", "CIDR,...", NULL, C | S, false,
	  "networks never granted (Postfix mynetworks syntax)" },
	{ "ipv6-prefix", "ipv6-prefix", "N", "64", C | S, false,
	  "a login allows its whole IPv6 /N (16..64; 128: the address only)" },
	{ "max-users-per-address", "max-users-per-address", "N", "no", C | S, false,
	  "grant nothing from an address more than N users logged in from within the grace (1..5)" },
	{ "postfix-cdb", "postfix-cdb", "NAME", NULL, C, true,
	  "write NAME.cdb for Postfix cdb:NAME" },
	{ "postfix-hash", "postfix-hash", "NAME", NULL, C, true,
	  "write NAME.db (Berkeley DB hash) for Postfix hash:NAME" },
	{ "sendmail-hash", "sendmail-hash", "NAME", NULL, C, true,
	  "write NAME.db keyed as Sendmail's ${client_addr}" },
	{ "sendmail-tag", "sendmail-tag", "TAG", NULL, C, false,
	  "prefix of the Sendmail keys (popauth.m4 uses pop:)" },
	{ "text", "text", "PATH", NULL, C, true,
	  "write sorted IP<TAB>OK lines" },
	{ "mode", "mode", "OCTAL", "0644", C, false,
	  "mode of the written maps" },
	{ "serve-socket", "socket", "PATH", "/run/relaytab/socketmap", S, false,
	  "the unix socket to answer on (empty: none)" },
	{ "serve-socket-mode", "socket-mode", "OCTAL", "0660", S, false,
	  "its mode" },
	{ "serve-socket-group", "socket-group", "NAME", NULL, S, false,
	  "its group (e.g. postfix)" },
	{ "serve-listen", "listen", "HOST:PORT", NULL, S, false,
	  "also answer socketmap on this TCP address (numeric; loopback only unless serve-allow-remote)" },
	{ "serve-policy-socket", "policy-socket", "PATH", NULL, S, false,
	  "answer Postfix policy requests on this unix socket (mode and group as the socketmap's)" },
	{ "serve-policy-listen", "policy-listen", "HOST:PORT", NULL, S, false,
	  "answer Postfix policy requests on this TCP address (loopback only unless serve-allow-remote)" },
	{ "serve-policy-action", "policy-action", "TEXT", "OK", S, false,
	  "the policy action for a client that may relay (DUNNO otherwise)" },
	{ "serve-allow-remote", "allow-remote", "yes|no", "no", S, false,
	  "let serve-listen and serve-policy-listen take non-loopback addresses (no authentication: firewall them)" },
	{ "serve-names", "names", "NAME,...", "relay,relaytab", S, false,
	  "the socketmap names answered" },
	{ "serve-value", "value", "TEXT", "OK", S, false,
	  "the answer for an address that may relay" },
	{ "serve-max-connections", "max-connections", "N", "1000", S, false,
	  "connections served at once" },
	{ "serve-max-per-client", "max-per-client", "N", "500", S, false,
	  "connections one client holds at once (by uid on a unix socket, by address on TCP)" },
	{ "serve-idle-timeout", "idle-timeout", "SECONDS", "330", S, false,
	  "close a connection idle this long" },
	{ NULL, NULL, NULL, NULL, 0, false, NULL },
};

#undef C
#undef S

#define CLI_OPT_BASE 1000
#define CLI_MAX_OPTIONS 40

static const struct cli_setting *cli_setting_find(const char *key)
{
	for (const struct cli_setting *s = cli_settings; s->key != NULL; s++)
		if (strcmp(s->key, key) == 0)
			return s;
	return NULL;
}

struct cli_filter {
	unsigned use;
	rt_conf_set_fn *set;
	void *context;
};

static int cli_filter_set(void *context, const char *key, const char *value,
			  struct rt_err *err)
{
	const struct cli_filter *f = context;
	const struct cli_setting *s = cli_setting_find(key);

	if (s == NULL)
		return rt_err_fail(err, EINVAL, "unknown setting \"%s\"", key);
	if ((s->used_by & f->use) == 0)
		return 0;	/* another command's */
	return f->set(f->context, key, value, err);
}

int cli_settings_load(const char *path, bool must_exist, unsigned use,
		      rt_conf_set_fn *set, void *context, struct rt_err *err)
{
	struct cli_filter f = { use, set, context };

	return rt_conf_file_load(path, must_exist, cli_filter_set, &f, err);
}

/* getopt_long's table for the settings in use, plus --config and -v. */
static void cli_options(unsigned use, struct option opts[CLI_MAX_OPTIONS])
{
	size_t n = 0;

	opts[n++] = (struct option){ "config", required_argument, NULL, 'c' };
	opts[n++] = (struct option){ "verbose", no_argument, NULL, 'v' };
	for (size_t i = 0; cli_settings[i].key != NULL; i++) {
		const struct cli_setting *s = &cli_settings[i];

		if (s->option != NULL && (s->used_by & use) != 0 &&
		    n < CLI_MAX_OPTIONS - 1)
			opts[n++] = (struct option){ s->option, required_argument,
						     NULL, CLI_OPT_BASE + (int)i };
	}
	opts[n] = (struct option){ NULL, 0, NULL, 0 };
}

int cli_settings_parse(const struct cli_command *self, unsigned use, int argc,
		       char **argv, rt_conf_set_fn *set,
		       void (*clear_maps)(void *context), void *context)
{
	struct option opts[CLI_MAX_OPTIONS];
	const char *config = RT_CONF_DEFAULT_PATH;
	bool explicit_config = false, cli_maps = false;
	struct rt_err err;
	int c;

	cli_options(use, opts);
	/* first pass: the configuration file's path */
	optind = 0;
	while ((c = getopt_long(argc, argv, "v", opts, NULL)) != -1) {
		if (c == 'c') {
			config = optarg;
			explicit_config = true;
		} else if (c == '?') {
			return cli_usage(self, "unknown option \"%s\"", argv[optind - 1]);
		}
	}
	if (optind != argc)
		return cli_usage(self, "unexpected argument \"%s\"", argv[optind]);
	if (cli_settings_load(config, explicit_config, use, set, context, &err) != 0)
		return cli_fail(EX_CONFIG, "%s", err.msg);
	/* second pass: the command line over the file */
	optind = 0;
	while ((c = getopt_long(argc, argv, "v", opts, NULL)) != -1) {
		const struct cli_setting *s;

		if (c < CLI_OPT_BASE)
			continue;
		s = &cli_settings[c - CLI_OPT_BASE];
		if (s->map && !cli_maps && clear_maps != NULL) {
			clear_maps(context);
			cli_maps = true;
		}
		if (set(context, s->key, optarg, &err) != 0)
			return cli_fail(EX_USAGE, "--%s: %s", s->option, err.msg);
	}
	return 0;
}

void cli_settings_usage(FILE *out, unsigned use)
{
	fprintf(out, "  --config PATH  the settings file (default %s)\n",
		RT_CONF_DEFAULT_PATH);
	for (const struct cli_setting *s = cli_settings; s->key != NULL; s++) {
		char opt[64];

		if (s->option == NULL || (s->used_by & use) == 0)
			continue;
		snprintf(opt, sizeof(opt), "--%s %s", s->option, s->arg);
		fprintf(out, "  %-30s %s%s%s%s%s\n", opt, s->help,
			s->def != NULL ? " (default " : "",
			s->def != NULL ? s->def : "", s->def != NULL ? ")" : "",
			s->map ? "; may repeat" : "");
	}
	fprintf(out, "  -v, --verbose  more log lines\n");
}

void cli_settings_list(FILE *out)
{
	for (const struct cli_setting *s = cli_settings; s->key != NULL; s++)
		fprintf(out, "%s\t%s%s\t%s\t%s%s%s\n", s->key,
			s->option != NULL ? "--" : "-",
			s->option != NULL ? s->option : "",
			s->def != NULL ? s->def : "-",
			(s->used_by & CLI_SET_COMPILE) ? "compile,watch" : "",
			(s->used_by & CLI_SET_COMPILE) && (s->used_by & CLI_SET_SERVE) ? "," : "",
			(s->used_by & CLI_SET_SERVE) ? "serve" : "");
}
