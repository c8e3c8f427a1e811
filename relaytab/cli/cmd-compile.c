/* cmd-compile.c - "relaytab compile": one compiler pass; and the option
 * parsing it shares with "relaytab watch". */
#include "cli.h"

#include <errno.h>
#include <getopt.h>
#include <stdlib.h>
#include <string.h>

#include "compile.h"

static const struct option compile_opts[] = {
	{ "config", required_argument, NULL, 'c' },
	{ "grace", required_argument, NULL, 1 },
	{ "exclude", required_argument, NULL, 1 },
	{ "postfix-cdb", required_argument, NULL, 1 },
	{ "postfix-hash", required_argument, NULL, 1 },
	{ "sendmail-hash", required_argument, NULL, 1 },
	{ "sendmail-tag", required_argument, NULL, 1 },
	{ "text", required_argument, NULL, 1 },
	{ "ipv6-prefix", required_argument, NULL, 1 },
	{ "mode", required_argument, NULL, 1 },
	{ "verbose", no_argument, NULL, 'v' },
	{ NULL, 0, NULL, 0 },
};

static bool is_output_key(const char *key)
{
	return strcmp(key, "postfix-cdb") == 0 || strcmp(key, "postfix-hash") == 0 ||
	       strcmp(key, "sendmail-hash") == 0 || strcmp(key, "text") == 0;
}

int cli_compile_setup(const struct cli_global *g, const struct cli_command *self,
		      int argc, char **argv, struct rt_compile_conf *conf)
{
	const char *config = RT_CONF_DEFAULT_PATH;
	bool explicit_config = false, cli_outputs = false;
	struct rt_err err;
	int c, idx;

	(void)g;
	rt_compile_conf_init(conf);
	/* first pass: the config file's path */
	optind = 0;
	while ((c = getopt_long(argc, argv, "v", compile_opts, &idx)) != -1) {
		if (c == 'c') {
			config = optarg;
			explicit_config = true;
		} else if (c == '?') {
			return cli_usage(self, "unknown option \"%s\"", argv[optind - 1]);
		}
	}
	if (optind != argc)
		return cli_usage(self, "unexpected argument \"%s\"", argv[optind]);
	if (rt_compile_conf_load(conf, config, explicit_config, &err) != 0) {
		rt_compile_conf_free(conf);
		cli_fail(EX_CONFIG, "%s", err.msg);
		return EX_CONFIG;
	}
	/* second pass: the command line overrides the file */
	optind = 0;
	while ((c = getopt_long(argc, argv, "v", compile_opts, &idx)) != -1) {
		const char *key = compile_opts[idx].name;

		if (c != 1)
			continue;
		if (is_output_key(key) && !cli_outputs) {
			rt_compile_conf_clear_outputs(conf);
			cli_outputs = true;
		}
		if (rt_compile_conf_set(conf, key, optarg, &err) != 0) {
			rt_compile_conf_free(conf);
			cli_fail(EX_USAGE, "--%s: %s", key, err.msg);
			return EX_USAGE;
		}
	}
	if (rt_compile_conf_finish(conf, &err) != 0) {
		rt_compile_conf_free(conf);
		cli_fail(EX_USAGE, "%s", err.msg);
		return EX_USAGE;
	}
	return 0;
}

const char *cli_compile_table(const struct cli_global *g,
			      const struct rt_compile_conf *conf)
{
	if (!g->table_explicit && conf->table_path != NULL)
		return conf->table_path;
	return g->table_path;
}

static void compile_log(void *context, enum rt_log_level level, const char *msg)
{
	const struct cli_global *g = context;

	if (level == RT_LOG_ERROR)
		fprintf(stderr, "relaytab: error: %s\n", msg);
	else if (level == RT_LOG_WARNING)
		fprintf(stderr, "relaytab: warning: %s\n", msg);
	else if (level == RT_LOG_INFO ? g->verbose > 0 : g->verbose > 1)
		fprintf(stderr, "relaytab: %s\n", msg);
}

int cmd_compile(const struct cli_global *g, int argc, char **argv)
{
	const struct cli_command *self = cli_find_command("compile");
	struct cli_global lg = *g;
	struct rt_compile_conf conf;
	struct rt_compile_report rep;
	struct rt_table *t;
	struct rt_err err;
	int status, r;

	for (int i = 1; i < argc; i++) {
		if (strcmp(argv[i], "-v") == 0 || strcmp(argv[i], "--verbose") == 0)
			lg.verbose++;
	}
	if ((status = cli_compile_setup(g, self, argc, argv, &conf)) != 0)
		return status;
	lg.table_path = cli_compile_table(g, &conf);
	if ((status = cli_open_table(&lg, RT_OPEN_RDWR, &t)) != 0) {
		rt_compile_conf_free(&conf);
		return status;
	}
	(void)rt_table_set_grace(t, conf.grace);
	r = rt_compile_run(t, &conf, cli_now(), compile_log, &lg, &rep, &err);
	rt_table_close(&t);
	rt_compile_conf_free(&conf);
	if (r != 0) {
		if (rep.failed == 0)
			return cli_fail(EX_DATAERR, "%s", err.msg);
		return errno == EACCES || errno == EPERM ? EX_NOPERM : EX_CANTCREAT;
	}
	if (lg.verbose)
		fprintf(stderr, "relaytab: %zu live, %zu expired, %zu map%s written\n",
			rep.live, rep.expired, rep.written, rep.written == 1 ? "" : "s");
	return 0;
}
