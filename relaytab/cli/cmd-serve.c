/* cmd-serve.c - "relaytab serve": its settings (command line over
 * /etc/relaytab.conf, cli/settings.c) and the socketmap server of
 * serve/serve-loop.c. */
#include "cli.h"

#include <stdlib.h>

#include "serve.h"
#include "settings.h"

struct serve_args {
	const struct cli_global *g;
	const struct cli_command *self;
	int argc;
	char **argv;
};

static int serve_settings(const struct serve_args *a, struct rt_serve_conf *conf)
{
	struct rt_err err;
	int status;

	rt_serve_conf_init(conf);
	status = cli_settings_parse(a->self, CLI_SET_SERVE, a->argc, a->argv,
				    rt_serve_conf_set, NULL, conf);
	if (status == 0 && rt_serve_conf_finish(conf, &err) != 0)
		status = cli_fail(EX_USAGE, "%s", err.msg);
	if (status != 0)
		rt_serve_conf_free(conf);
	return status;
}

static int serve_reload(void *context, struct rt_serve_conf *conf_r)
{
	const struct serve_args *a = context;
	int r = serve_settings(a, conf_r);

	return r == 0 ? 0 : -1;
}

int cmd_serve(const struct cli_global *g, int argc, char **argv)
{
	struct serve_args a = { g, cli_find_command("serve"), argc, argv };
	struct rt_serve_conf conf;
	int status;

	if ((status = serve_settings(&a, &conf)) != 0)
		return status;
	status = rt_serve_run(cli_compile_table(g, &conf.base), &conf,
			      cli_verbosity(g, argc, argv), serve_reload, &a);
	rt_serve_conf_free(&conf);
	return status;
}
