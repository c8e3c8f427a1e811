/* cli-util.c - the helpers shared by the relaytab commands (see cli.h). */
#include "cli.h"
#include "compile.h"
#include "settings.h"

#include <errno.h>
#include <grp.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

static void cli_vprint(const char *level, const char *fmt, va_list ap)
{
	fprintf(stderr, "relaytab: %s: ", level);
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
}

int cli_fail(int status, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	cli_vprint("error", fmt, ap);
	va_end(ap);
	return status;
}

void cli_log(const struct cli_global *g, int info_from, enum rt_log_level level,
	     const char *msg)
{
	if (level == RT_LOG_ERROR)
		fprintf(stderr, "relaytab: error: %s\n", msg);
	else if (level == RT_LOG_WARNING)
		fprintf(stderr, "relaytab: warning: %s\n", msg);
	else if (g->verbose >= info_from + (level == RT_LOG_INFO ? 0 : 1))
		fprintf(stderr, "relaytab: %s\n", msg);
}

int cli_verbosity(const struct cli_global *g, int argc, char **argv)
{
	int verbose = g->verbose;

	for (int i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--verbose") == 0)
			verbose++;
		else if (argv[i][0] == '-' && argv[i][1] == 'v' &&
			 strspn(argv[i] + 1, "v") == strlen(argv[i] + 1))
			verbose += (int)strlen(argv[i] + 1);
	}
	return verbose;
}

void cli_warn(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	cli_vprint("warning", fmt, ap);
	va_end(ap);
}

int cli_usage(const struct cli_command *cmd, const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "relaytab: error: %s: ", cmd->name);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fprintf(stderr, " (see 'relaytab help %s')\n", cmd->name);
	return EX_USAGE;
}

int cli_status_for_errno(int err)
{
	switch (err) {
	case ENOENT:
	case ENOTDIR:
		return EX_NOINPUT;
	case EACCES:
	case EPERM:
	case EROFS:
		return EX_NOPERM;
	case EINVAL:
	case EIO:
	case EFAULT:
		return EX_DATAERR;
	case EBUSY:
	case ENOSPC:
		return EX_TEMPFAIL;
	case EEXIST:
		return EX_CANTCREAT;
	default:
		return EX_IOERR;
	}
}

const char *cli_group_name(gid_t gid, char *buf, size_t size)
{
	struct group *gr = getgrgid(gid);

	if (gr != NULL)
		return gr->gr_name;
	snprintf(buf, size, "%u", (unsigned)gid);
	return buf;
}

int cli_open_table(const struct cli_global *g, int flags, struct rt_table **t_r)
{
	struct rt_err err;

	if (rt_table_open(g->table_path, flags, t_r, &err) == 0)
		return 0;
	if (errno == ENOENT)
		return cli_fail(EX_NOINPUT, "table %s does not exist (create it with 'relaytab create')",
				g->table_path);
	if (errno == EACCES || errno == EPERM) {
		struct stat st;

		if (stat(g->table_path, &st) == 0) {
			char group[32];

			return cli_fail(EX_NOPERM, "%s (the table is group %s, mode %04o: run "
					"as a member of that group, or give the table the "
					"writers' group with chgrp; Dovecot's mail processes "
					"get it from mail_access_groups)", err.msg,
					cli_group_name(st.st_gid, group, sizeof(group)),
					(unsigned)(st.st_mode & 07777));
		}
	}
	return cli_fail(cli_status_for_errno(errno), "%s", err.msg);
}

bool cli_parse_duration(const char *text, uint32_t *secs_r)
{
	if (rt_duration_parse(text, secs_r) == 0)
		return true;
	cli_fail(EX_USAGE, "invalid duration \"%s\" (use e.g. 90, 90s, 30m, 2h)",
		 text);
	return false;
}

bool cli_parse_addr(const char *text, struct rt_addr *addr_r)
{
	if (rt_addr_parse(text, addr_r) == 0)
		return true;
	cli_fail(EX_USAGE, "invalid IP address \"%s\"", text);
	return false;
}

int cli_one_addr(const struct cli_command *self, int argc, char **argv,
		 struct rt_addr *addr_r)
{
	if (optind + 1 != argc)
		return cli_usage(self, "takes exactly one IP address");
	return cli_parse_addr(argv[optind], addr_r) ? 0 : EX_USAGE;
}

uint32_t cli_now(void)
{
	const char *env = getenv("RELAYTAB_NOW");
	char *end;

	if (env != NULL && *env != '\0') {
		unsigned long v = strtoul(env, &end, 10);

		if (*end == '\0' && v <= UINT32_MAX)
			return (uint32_t)v;
	}
	/* not time(NULL): watch sleeps until the next expiry by CLOCK_REALTIME
	 * and must then see the new second, not a coarse clock's old one */
	return rt_time_now();
}

uint32_t cli_stamp(void)
{
	const char *env = getenv("RELAYTAB_NOW");

	return env != NULL && *env != '\0' ? cli_now() : rt_time_stamp();
}

const char *cli_iso_time(uint32_t t, char buf[32])
{
	time_t tt = (time_t)t;
	struct tm tm;

	gmtime_r(&tt, &tm);
	strftime(buf, 32, "%Y-%m-%dT%H:%M:%SZ", &tm);
	return buf;
}

/* Length of the valid UTF-8 sequence at s (1..4), or 0 if invalid. */
static size_t cli_utf8_len(const unsigned char *s)
{
	size_t n;

	if (s[0] < 0x80)
		return 1;
	if (s[0] >= 0xc2 && s[0] <= 0xdf)
		n = 2;
	else if (s[0] >= 0xe0 && s[0] <= 0xef)
		n = 3;
	else if (s[0] >= 0xf0 && s[0] <= 0xf4)
		n = 4;
	else
		return 0;
	for (size_t i = 1; i < n; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return 0;
	}
	return n;
}

void cli_put_user(FILE *out, const char *user, bool json)
{
	const unsigned char *s = (const unsigned char *)user;

	while (*s != '\0') {
		size_t n = cli_utf8_len(s);

		if (n > 1) {
			fwrite(s, 1, n, out);
			s += n;
			continue;
		}
		if (n == 1 && *s >= 0x20 && *s != 0x7f &&
		    !(json && (*s == '"' || *s == '\\')) && !(!json && *s == '\\')) {
			fputc(*s, out);
		} else if (json) {
			if (*s == '"' || *s == '\\')
				fprintf(out, "\\%c", *s);
			else if (*s < 0x80)
				fprintf(out, "\\u%04x", *s);
			else
				fputs("\\ufffd", out);
		} else {
			fprintf(out, "\\x%02x", *s);
		}
		s++;
	}
}

/* The grace and the users limit alone: the other settings are not this
 * command's to check. */
static int cli_view_set(void *context, const char *key, const char *value,
			struct rt_err *err)
{
	if (strcmp(key, "grace") != 0 && strcmp(key, "max-users-per-address") != 0)
		return 0;
	return rt_compile_conf_set(context, key, value, err);
}

bool cli_view_option(struct cli_view *v, int c, const char *arg)
{
	switch (c) {
	case 'g':
		v->grace_text = arg;
		return true;
	case 'c':
		v->config = arg;
		return true;
	case 'm':
		v->max_users_text = arg;
		return true;
	default:
		return false;
	}
}

int cli_view_resolve(struct cli_view *v)
{
	struct rt_compile_conf conf;
	struct rt_err err;
	int status = 0;

	rt_compile_conf_init(&conf);
	if (cli_settings_load(v->config != NULL ? v->config : RT_CONF_DEFAULT_PATH,
			      v->config != NULL, CLI_SET_COMPILE, cli_view_set, &conf,
			      &err) != 0) {
		rt_compile_conf_free(&conf);
		if (v->config != NULL)
			return cli_fail(EX_CONFIG, "%s", err.msg);
		cli_warn("%s; using the default grace of %u s and no users limit",
			 err.msg, RT_GRACE_DEFAULT);
		rt_compile_conf_init(&conf);
	}
	if (v->grace_text != NULL && !cli_parse_duration(v->grace_text, &conf.grace))
		status = EX_USAGE;
	else if (v->max_users_text != NULL &&
		 rt_compile_conf_set(&conf, "max-users-per-address", v->max_users_text, &err) != 0)
		status = cli_fail(EX_USAGE, "--max-users-per-address: %s", err.msg);
	v->grace = conf.grace;
	v->max_users = conf.max_users;
	rt_compile_conf_free(&conf);
	return status;
}
