/* compile-conf.c - the compiler's settings: one setter, by key, for the
 * command line and /etc/relaytab.conf alike (cli/settings.c routes each
 * key to the commands that use it). */
#include "compile.h"

#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "conf-file.h"
#include "mapkeys.h"
#include "duration.h"
#include "array.h"

void rt_compile_conf_init(struct rt_compile_conf *c)
{
	memset(c, 0, sizeof(*c));
	c->grace = RT_GRACE_DEFAULT;
	c->ipv6_prefix = RT_IPV6_PREFIX_DEFAULT;
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
	c->noutputs = c->outputs_cap = 0;
}

void rt_compile_conf_free(struct rt_compile_conf *c)
{
	rt_compile_conf_clear_outputs(c);
	free(c->table_path);
	free(c->exclude_text);
	free(c->sendmail_tag);
	rt_netlist_free(&c->exclude);
	for (size_t f = 0; f < sizeof(c->keys) / sizeof(c->keys[0]); f++)
		rt_keyset_free(&c->keys[f]);
	rt_liveset_free(&c->ls);
	memset(c, 0, sizeof(*c));
}

static int conf_add_output(struct rt_compile_conf *c, const struct rt_map_kind *kind,
			   const char *name, struct rt_err *err)
{
	struct rt_output *o = RT_ARRAY_ADD(c->outputs, c->noutputs, c->outputs_cap);
	const char *suffix = kind->suffix;
	size_t len = strlen(name) + strlen(suffix) + 1;

	if (o == NULL)
		return rt_err_fail(err, ENOMEM, "out of memory");
	memset(o, 0, sizeof(*o));
	o->kind = kind;
	o->name = strdup(name);
	o->path = malloc(len);
	if (o->name == NULL || o->path == NULL) {
		free(o->name);
		free(o->path);
		c->noutputs--;
		return rt_err_fail(err, ENOMEM, "out of memory");
	}
	snprintf(o->path, len, "%s%s", name, suffix);
	return 0;
}

int rt_compile_conf_set(struct rt_compile_conf *c, const char *key,
			const char *value, struct rt_err *err)
{
	const struct rt_map_kind *kind;
	char *end;

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
		    (n != 0 && n != 128 && (n < 16 || n > 64)))
			return rt_err_fail(err, EINVAL,
					   "invalid ipv6-prefix \"%s\" (16..64, or 128 for the address only)", value);
		/* 0, "no prefix" in earlier releases, is the address only */
		c->ipv6_prefix = n == 0 ? RT_IPV6_PREFIX_HOST : (unsigned)n;
		return 0;
	}
	if (strcmp(key, "max-users-per-address") == 0) {
		unsigned long n = strtoul(value, &end, 10);

		if (strcmp(value, "no") == 0 || strcmp(value, "0") == 0) {
			c->max_users = 0;
			return 0;
		}
		if (*end != '\0' || !isdigit((unsigned char)value[0]) || n < 1 ||
		    n >= RT_USERS_MAX)
			return rt_err_fail(err, EINVAL,
					   "invalid max-users-per-address \"%s\" (1..%d, or no)",
					   value, RT_USERS_MAX - 1);
		c->max_users = (unsigned)n;
		return 0;
	}
	if (strcmp(key, "mode") == 0) {
		unsigned long m = strtoul(value, &end, 8);

		if (*end != '\0' || m > 0777)
			return rt_err_fail(err, EINVAL, "invalid mode \"%s\" (octal, e.g. 0644)", value);
		if (m & S_IWOTH)
			return rt_err_fail(err, EINVAL,
					   "mode %s makes the maps world-writable: any local user could grant relay (e.g. 0644)",
					   value);
		c->mode = (mode_t)m;
		return 0;
	}
	if ((kind = rt_map_kind_find(key)) != NULL)
		return conf_add_output(c, kind, value, err);
	return rt_err_fail(err, EINVAL, "unknown setting \"%s\"", key);
}

void rt_compile_conf_rule(const struct rt_compile_conf *c,
			  struct rt_relay_rule *rule_r)
{
	rule_r->grace = c->grace;
	rule_r->exclude = c->exclude;
	rule_r->ipv6_prefix = c->ipv6_prefix;
	rule_r->max_users = c->max_users;
}

/* Can the maps of output o hold the rule's grants exactly? (Each key form
 * writes a grant network as keys that match it and nothing else, or the
 * configuration is refused here, before any map is written.) */
static int conf_check_output(const struct rt_compile_conf *c,
			     const struct rt_output *o, struct rt_err *err)
{
	unsigned bits = c->ipv6_prefix;

	if (o->kind->form == RT_KEYS_CIDR)
		return 0;	/* a network is exact at any prefix */
	if (o->kind->form == RT_KEYS_SENDMAIL || o->kind->form == RT_KEYS_TCPSERVER) {
		if (bits != RT_IPV6_PREFIX_HOST && bits % 16 != 0)
			return rt_err_fail(err, EINVAL,
					   "%s: ipv6-prefix %u is not whole 16-bit groups, all %s can look up (use 16, 32, 48, 64 or 128)",
					   o->name, bits,
					   o->kind->form == RT_KEYS_SENDMAIL ? "the Sendmail HACK" : "tcpserver");
		return 0;
	}
	if (bits == RT_IPV6_PREFIX_HOST)
		return rt_err_fail(err, EINVAL,
				   "ipv6-prefix 128 cannot be exact in a Postfix map: Postfix also looks up the address cut at each ':'; use 16..64 (default 64), or relaytab serve's socketmap or policy service (map %s)",
				   o->name);
	if (!rt_postfix_prefix_bits_ok(bits))
		return rt_err_fail(err, EINVAL,
				   "%s: ipv6-prefix %u needs more than %d Postfix keys per login (use a multiple of 16, or one ending 8 or more bits into a group, such as 56)",
				   o->name, bits, RT_PREFIX_KEYS_MAX);
	return 0;
}

int rt_compile_conf_finish(struct rt_compile_conf *c, struct rt_err *err)
{
	struct rt_err nerr;

	if (c->noutputs == 0)
		return rt_err_fail(err, EINVAL,
			"no map to write (give --postfix-cdb, --postfix-hash, --sendmail-hash, --exim-iplsearch, --opensmtpd-table, --tcprules or --text)");
	for (size_t i = 0; i < c->noutputs; i++) {
		if (conf_check_output(c, &c->outputs[i], err) != 0)
			return -1;
	}
	rt_netlist_free(&c->exclude);
	if (c->exclude_text != NULL && *c->exclude_text != '\0' &&
	    rt_netlist_parse(c->exclude_text, &c->exclude, &nerr) != 0)
		return rt_err_fail(err, EINVAL, "exclude: %s", nerr.msg);
	return 0;
}
