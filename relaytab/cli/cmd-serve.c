/* cmd-serve.c - "relaytab serve": parse the settings (command line over
 * /etc/relaytab.conf) and run the socketmap server of serve-loop.c. */
#include "cli.h"

#include <getopt.h>
#include <stdlib.h>
#include <string.h>

#include "serve.h"

static const struct option serve_opts[] = {
	{ "config", required_argument, NULL, 'c' },
	{ "grace", required_argument, NULL, 1 },
	{ "exclude", required_argument, NULL, 1 },
	{ "ipv6-prefix", required_argument, NULL, 1 },
	{ "socket", required_argument, NULL, 1 },
	{ "socket-mode", required_argument, NULL, 1 },
	{ "socket-group", required_argument, NULL, 1 },
	{ "listen", required_argument, NULL, 1 },
	{ "names", required_argument, NULL, 1 },
	{ "value", required_argument, NULL, 1 },
	{ "max-connections", required_argument, NULL, 1 },
	{ "idle-timeout", required_argument, NULL, 1 },
	{ "verbose", no_argument, NULL, 'v' },
	{ NULL, 0, NULL, 0 },
};

struct serve_args {
	const struct cli_global *g;
	const struct cli_command *self;
	int argc;
	char **argv;
};

/* The file's key for an option: the shared ones as they are, the others
 * with "serve-" in front. */
static void serve_key(const char *opt, char *key, size_t size)
{
	if (strcmp(opt, "grace") == 0 || strcmp(opt, "exclude") == 0 ||
	    strcmp(opt, "ipv6-prefix") == 0)
		snprintf(key, size, "%s", opt);
	else
		snprintf(key, size, "serve-%s", opt);
}

static int serve_setup(const struct serve_args *a, struct rt_serve_conf *conf)
{
	const char *config = RT_CONF_DEFAULT_PATH;
	bool explicit_config = false;
	struct rt_err err;
	int c, idx;

	rt_serve_conf_init(conf);
	optind = 0;
	while ((c = getopt_long(a->argc, a->argv, "v", serve_opts, &idx)) != -1) {
		if (c == 'c') {
			config = optarg;
			explicit_config = true;
		} else if (c == '?') {
			rt_serve_conf_free(conf);
			return cli_usage(a->self, "unknown option \"%s\"", a->argv[optind - 1]);
		}
	}
	if (optind != a->argc) {
		rt_serve_conf_free(conf);
		return cli_usage(a->self, "unexpected argument \"%s\"", a->argv[optind]);
	}
	if (rt_conf_file_load(config, explicit_config, rt_serve_conf_set, conf, &err) != 0) {
		rt_serve_conf_free(conf);
		cli_fail(EX_CONFIG, "%s", err.msg);
		return EX_CONFIG;
	}
	optind = 0;
	while ((c = getopt_long(a->argc, a->argv, "v", serve_opts, &idx)) != -1) {
		char key[64];

		if (c != 1)
			continue;
		serve_key(serve_opts[idx].name, key, sizeof(key));
		if (rt_serve_conf_set(conf, key, optarg, &err) != 0) {
			rt_serve_conf_free(conf);
			cli_fail(EX_USAGE, "--%s: %s", serve_opts[idx].name, err.msg);
			return EX_USAGE;
		}
	}
	if (rt_serve_conf_finish(conf, &err) != 0) {
		rt_serve_conf_free(conf);
		cli_fail(EX_USAGE, "%s", err.msg);
		return EX_USAGE;
	}
	return 0;
}

static int serve_reload(void *context, struct rt_serve_conf *conf_r)
{
	const struct serve_args *a = context;
	int r = serve_setup(a, conf_r);

	return r == 0 ? 0 : -1;
}

int cmd_serve(const struct cli_global *g, int argc, char **argv)
{
	struct serve_args a = { g, cli_find_command("serve"), argc, argv };
	struct rt_serve_conf conf;
	const char *table;
	int verbose = g->verbose, status;

	for (int i = 1; i < argc; i++) {	/* -v, -vv, --verbose */
		if (strcmp(argv[i], "--verbose") == 0)
			verbose++;
		else if (argv[i][0] == '-' && argv[i][1] == 'v' &&
			 strspn(argv[i] + 1, "v") == strlen(argv[i] + 1))
			verbose += (int)strlen(argv[i] + 1);
	}
	if ((status = serve_setup(&a, &conf)) != 0)
		return status;
	table = !g->table_explicit && conf.base.table_path != NULL ?
		conf.base.table_path : g->table_path;
	status = rt_serve_run(table, &conf, verbose, serve_reload, &a);
	rt_serve_conf_free(&conf);
	return status;
}
