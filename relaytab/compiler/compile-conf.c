/* compile-conf.c - the compiler's settings: one setter shared by the
 * command line and /etc/relaytab.conf ("key = value" lines). */
#include "compile.h"

#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util.h"

void rt_compile_conf_init(struct rt_compile_conf *c)
{
	memset(c, 0, sizeof(*c));
	c->grace = RT_GRACE_DEFAULT;
	c->mode = 0644;
}

void rt_compile_conf_clear_outputs(struct rt_compile_conf *c)
{
	for (size_t i = 0; i < c->noutputs; i++) {
		free(c->outputs[i].name);
		free(c->outputs[i].path);
	}
	free(c->outputs);
	c->outputs = NULL;
	c->noutputs = 0;
}

void rt_compile_conf_free(struct rt_compile_conf *c)
{
	rt_compile_conf_clear_outputs(c);
	free(c->table_path);
	free(c->exclude_text);
	free(c->sendmail_tag);
	rt_netlist_free(&c->exclude);
	memset(c, 0, sizeof(*c));
}

static int conf_add_output(struct rt_compile_conf *c, enum rt_map_format fmt,
			   const char *name, const char *suffix, struct rt_err *err)
{
	struct rt_output *v = realloc(c->outputs, (c->noutputs + 1) * sizeof(*v));
	struct rt_output *o;
	size_t len = strlen(name) + strlen(suffix) + 1;

	if (v == NULL)
		return rt_err_fail(err, ENOMEM, "out of memory");
	c->outputs = v;
	o = &v[c->noutputs];
	memset(o, 0, sizeof(*o));
	o->fmt = fmt;
	o->name = strdup(name);
	o->path = malloc(len);
	if (o->name == NULL || o->path == NULL) {
		free(o->name);
		free(o->path);
		return rt_err_fail(err, ENOMEM, "out of memory");
	}
	snprintf(o->path, len, "%s%s", name, suffix);
	c->noutputs++;
	return 0;
}

int rt_conf_set_string(char **slot, const char *value, struct rt_err *err)
{
	char *copy = strdup(value);

	if (copy == NULL)
		return rt_err_fail(err, ENOMEM, "out of memory");
	free(*slot);
	*slot = copy;
	return 0;
}

int rt_compile_conf_set(struct rt_compile_conf *c, const char *key,
			const char *value, struct rt_err *err)
{
	char *end;

	if (strncmp(key, "serve-", 6) == 0)
		return 0;	/* relaytab serve's own settings (serve.h) */
	if (*value == '\0' && strcmp(key, "exclude") != 0 &&
	    strcmp(key, "sendmail-tag") != 0)
		return rt_err_fail(err, EINVAL, "%s needs a value", key);
	if (strcmp(key, "table") == 0)
		return rt_conf_set_string(&c->table_path, value, err);
	if (strcmp(key, "grace") == 0) {
		if (rt_duration_parse(value, &c->grace) != 0 || c->grace == 0)
			return rt_err_fail(err, EINVAL,
					   "invalid grace \"%s\" (use e.g. 90s, 30m, 2h)", value);
		return 0;
	}
	if (strcmp(key, "exclude") == 0)
		return rt_conf_set_string(&c->exclude_text, value, err);
	if (strcmp(key, "sendmail-tag") == 0) {
		if (strlen(value) > 32)
			return rt_err_fail(err, EINVAL, "sendmail-tag longer than 32 bytes");
		return rt_conf_set_string(&c->sendmail_tag, value, err);
	}
	if (strcmp(key, "ipv6-prefix") == 0) {
		unsigned long n = strtoul(value, &end, 10);

		if (*end != '\0' || !isdigit((unsigned char)value[0]) ||
		    (n != 0 && (n < 16 || n > 64)))
			return rt_err_fail(err, EINVAL,
					   "invalid ipv6-prefix \"%s\" (16..64, or 0 for none)", value);
		c->ipv6_prefix = (unsigned)n;
		return 0;
	}
	if (strcmp(key, "mode") == 0) {
		unsigned long m = strtoul(value, &end, 8);

		if (*end != '\0' || m > 0777)
			return rt_err_fail(err, EINVAL, "invalid mode \"%s\" (octal, e.g. 0644)", value);
		c->mode = (mode_t)m;
		return 0;
	}
	if (strcmp(key, "postfix-cdb") == 0)
		return conf_add_output(c, RT_MAP_CDB, value, ".cdb", err);
	if (strcmp(key, "postfix-hash") == 0)
		return conf_add_output(c, RT_MAP_DB_POSTFIX, value, ".db", err);
	if (strcmp(key, "sendmail-hash") == 0)
		return conf_add_output(c, RT_MAP_DB_SENDMAIL, value, ".db", err);
	if (strcmp(key, "text") == 0)
		return conf_add_output(c, RT_MAP_TEXT, value, "", err);
	return rt_err_fail(err, EINVAL, "unknown setting \"%s\"", key);
}

static char *conf_trim(char *s)
{
	char *e;

	while (isspace((unsigned char)*s))
		s++;
	e = s + strlen(s);
	while (e > s && isspace((unsigned char)e[-1]))
		*--e = '\0';
	return s;
}

static int conf_set_compile(void *context, const char *key, const char *value,
			    struct rt_err *err)
{
	return rt_compile_conf_set(context, key, value, err);
}

int rt_compile_conf_load(struct rt_compile_conf *c, const char *path,
			 bool must_exist, struct rt_err *err)
{
	return rt_conf_file_load(path, must_exist, conf_set_compile, c, err);
}

int rt_conf_file_load(const char *path, bool must_exist, rt_conf_set_fn *set,
		      void *context, struct rt_err *err)
{
	FILE *f = fopen(path, "re");
	char line[1024];
	struct rt_err lerr;
	int lineno = 0;

	if (f == NULL) {
		if (errno == ENOENT && !must_exist)
			return 0;
		return rt_err_fail(err, errno, "cannot read %s: %s", path, strerror(errno));
	}
	while (fgets(line, sizeof(line), f) != NULL) {
		char *p, *eq, *key, *value;

		lineno++;
		if (strchr(line, '\n') == NULL && !feof(f)) {
			fclose(f);
			return rt_err_fail(err, EINVAL, "%s:%d: line too long", path, lineno);
		}
		if ((p = strchr(line, '#')) != NULL)
			*p = '\0';
		p = conf_trim(line);
		if (*p == '\0')
			continue;
		if ((eq = strchr(p, '=')) == NULL) {
			fclose(f);
			return rt_err_fail(err, EINVAL, "%s:%d: expected \"key = value\"",
					   path, lineno);
		}
		*eq = '\0';
		key = conf_trim(p);
		value = conf_trim(eq + 1);
		if (set(context, key, value, &lerr) != 0) {
			fclose(f);
			return rt_err_fail(err, EINVAL, "%s:%d: %s", path, lineno, lerr.msg);
		}
	}
	fclose(f);
	return 0;
}

int rt_compile_conf_finish(struct rt_compile_conf *c, struct rt_err *err)
{
	struct rt_err nerr;

	if (c->noutputs == 0)
		return rt_err_fail(err, EINVAL,
			"no map to write (give --postfix-cdb, --postfix-hash, --sendmail-hash or --text)");
	rt_netlist_free(&c->exclude);
	if (c->exclude_text != NULL && *c->exclude_text != '\0' &&
	    rt_netlist_parse(c->exclude_text, &c->exclude, &nerr) != 0)
		return rt_err_fail(err, EINVAL, "exclude: %s", nerr.msg);
	return 0;
}
