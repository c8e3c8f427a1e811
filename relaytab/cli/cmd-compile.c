/* cmd-compile.c - "relaytab compile": one compiler pass; and the settings
 * setup it shares with "relaytab watch" (the options: cli/settings.c). */
#include "cli.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "compile.h"
#include "settings.h"

static int compile_set(void *context, const char *key, const char *value,
		       struct rt_err *err)
{
	return rt_compile_conf_set(context, key, value, err);
}

static void compile_clear_maps(void *context)
{
	rt_compile_conf_clear_outputs(context);
}

int cli_compile_setup(const struct cli_global *g, const struct cli_command *self,
		      int argc, char **argv, struct rt_compile_conf *conf)
{
	struct rt_err err;
	int status;

	(void)g;
	rt_compile_conf_init(conf);
	status = cli_settings_parse(self, CLI_SET_COMPILE, argc, argv, compile_set,
				    compile_clear_maps, conf);
	if (status == 0 && rt_compile_conf_finish(conf, &err) != 0)
		status = cli_fail(EX_USAGE, "%s", err.msg);
	if (status != 0)
		rt_compile_conf_free(conf);
	return status;
}

const char *cli_compile_table(const struct cli_global *g,
			      const struct rt_compile_conf *conf)
{
	if (!g->table_explicit && conf->table_path != NULL)
		return conf->table_path;
	return g->table_path;
}

/* One pass: what it wrote with -v, details with -vv. */
static void compile_log(void *context, enum rt_log_level level, const char *msg)
{
	cli_log(context, 1, level, msg);
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

	lg.verbose = cli_verbosity(g, argc, argv);
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
