/* settings.c - the one table of relaytab's settings, and what is built
 * from it: the file reader's filter, the options of compile, watch and
 * serve, their usage lines and the list relaytab(8) is checked against. */
#include "settings.h"

#include "compile.h"
#include "emit.h"

#include <errno.h>
#include <getopt.h>
#include <string.h>

#define C CLI_SET_COMPILE
#define S CLI_SET_SERVE

/* The settings but the maps; the maps, one per map kind (compiler/emit.c:
 * rt_map_kinds[], each kind's own entry), go where CLI_MAPS is. */
#define CLI_MAPS { "", NULL, NULL, NULL, 0, NULL, NULL }
static const struct cli_setting cli_fixed[] = {
	{ "table", NULL, "PATH", RT_TABLE_DEFAULT_PATH, C | S, NULL,
	  "the table (the global --table, or $RELAYTAB_TABLE, wins)" },
	{ "grace", "grace", "DURATION", "30m", C | S, NULL,
	  "how long a login allows relaying" },
	{ "exclude", "exclude", "CIDR,...", NULL, C | S, NULL,
	  "networks never granted (Postfix mynetworks syntax)" },
	{ "ipv6-prefix", "ipv6-prefix", "N", "64", C | S, NULL,
	  "a login allows its whole IPv6 /N (16..64; 128: the address only)" },
	{ "max-users-per-address", "max-users-per-address", "N", "no", C | S, NULL,
	  "grant nothing from an address more than N users logged in from within the grace (1..5)" },
	CLI_MAPS,
	{ "sendmail-tag", "sendmail-tag", "TAG", NULL, C, NULL,
	  "prefix of the Sendmail keys (popauth.m4 uses pop:)" },
	{ "mode", "mode", "OCTAL", "0644", C, NULL,
	  "mode of the written maps" },
	{ "serve-socket", "socket", "PATH", "/run/relaytab/socketmap", S, NULL,
	  "the unix socket to answer on (empty: none)" },
	{ "serve-socket-mode", "socket-mode", "OCTAL", "0660", S, NULL,
	  "its mode" },
	{ "serve-socket-group", "socket-group", "NAME", NULL, S, NULL,
	  "its group (e.g. postfix)" },
	{ "serve-listen", "listen", "HOST:PORT", NULL, S, NULL,
	  "also answer socketmap on this TCP address (numeric; loopback only unless serve-allow-remote)" },
	{ "serve-policy-socket", "policy-socket", "PATH", NULL, S, NULL,
	  "answer Postfix policy requests on this unix socket (mode and group as the socketmap's)" },
	{ "serve-policy-listen", "policy-listen", "HOST:PORT", NULL, S, NULL,
	  "answer Postfix policy requests on this TCP address (loopback only unless serve-allow-remote)" },
	{ "serve-policy-action", "policy-action", "TEXT", "OK", S, NULL,
	  "the policy action for a client that may relay (DUNNO otherwise)" },
	{ "serve-allow-remote", "allow-remote", "yes|no", "no", S, NULL,
	  "let serve-listen and serve-policy-listen take non-loopback addresses (no authentication: firewall them)" },
	{ "serve-names", "names", "NAME,...", "relay,relaytab", S, NULL,
	  "the socketmap names answered" },
	{ "serve-value", "value", "TEXT", "OK", S, NULL,
	  "the answer for an address that may relay" },
	{ "serve-max-connections", "max-connections", "N", "1000", S, NULL,
	  "connections served at once" },
	{ "serve-max-per-client", "max-per-client", "N", "500", S, NULL,
	  "connections one client holds at once (by uid on a unix socket, by address on TCP)" },
	{ "serve-idle-timeout", "idle-timeout", "SECONDS", "330", S, NULL,
	  "close a connection idle this long" },
	{ NULL, NULL, NULL, NULL, 0, false, NULL },
};

#undef C
#undef S

#define CLI_OPT_BASE 1000
#define CLI_MAX_OPTIONS 40
#define CLI_MAX_SETTINGS 64

/* Every setting: cli_fixed[] with the map kinds in place of CLI_MAPS. */
static const struct cli_setting *cli_settings(void)
{
	static struct cli_setting all[CLI_MAX_SETTINGS];
	size_t n = 0;

	if (all[0].key != NULL)
		return all;
	for (const struct cli_setting *f = cli_fixed; f->key != NULL; f++) {
		if (*f->key != '\0') {
			all[n++] = *f;
			continue;
		}
		for (size_t k = 0; rt_map_kinds[k] != NULL; k++) {
			const struct rt_map_kind *m = rt_map_kinds[k];

			all[n++] = (struct cli_setting){ m->setting, m->setting, "NAME",
				NULL, CLI_SET_COMPILE, m, m->help };
		}
	}
	return all;
}

static const struct cli_setting *cli_setting_find(const char *key)
{
	for (const struct cli_setting *s = cli_settings(); s->key != NULL; s++)
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
	for (size_t i = 0; cli_settings()[i].key != NULL; i++) {
		const struct cli_setting *s = &cli_settings()[i];

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
		s = &cli_settings()[c - CLI_OPT_BASE];
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
	for (const struct cli_setting *s = cli_settings(); s->key != NULL; s++) {
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
	for (const struct cli_setting *s = cli_settings(); s->key != NULL; s++)
		fprintf(out, "%s\t%s%s\t%s\t%s%s%s\n", s->key,
			s->option != NULL ? "--" : "-",
			s->option != NULL ? s->option : "",
			s->def != NULL ? s->def : "-",
			(s->used_by & CLI_SET_COMPILE) ? "compile,watch" : "",
			(s->used_by & CLI_SET_COMPILE) && (s->used_by & CLI_SET_SERVE) ? "," : "",
			(s->used_by & CLI_SET_SERVE) ? "serve" : "");
}
